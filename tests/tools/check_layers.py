# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the include rule of lib/ that ARCHITECTURE.md writes down ("## Layers").

A module is a name in lib/ (foo.hpp and foo.cpp together). Each module belongs to exactly one
layer of the table in ARCHITECTURE.md; it may include modules of its own layer and of the layers
above it in the table, never of a layer below; and no chain of includes leads back to where it
started (no cycle, inside a layer either). Prints one line per check and
`layers: N passed, N failed, 0 skipped`; exits 1 on a failure.

Usage: check_layers.py [ROOT]   (ROOT: the source tree, default: two folders up from here)
"""
import os
import pathlib
import re
import sys

INCLUDE = re.compile(r'\s*#\s*include\s+"(?:lib/)?([a-z_0-9]+)\.hpp"')
# Layer 1 (values) stays free of the network, crypto and JSON libraries.
LIBRARY_INCLUDE = re.compile(r"\s*#\s*include\s+<(curl|openssl|rapidjson)/")
LAYER_ROW = re.compile(r"^\|\s*(\d+)\.\s*([a-z]+)\s*\|([^|]*)\|")


def read_layers(architecture_text):
    """{module: (layer number, layer name)} from the rows of the "## Layers" table."""
    layers, in_section = {}, False
    duplicates = []
    for line in architecture_text.splitlines():
        if line.startswith("## "):
            in_section = line.strip() == "## Layers"
            continue
        row = LAYER_ROW.match(line) if in_section else None
        if row:
            for module in re.findall(r"`([a-z_0-9]+)`", row.group(3)):
                if module in layers:
                    duplicates.append(module)
                layers[module] = (int(row.group(1)), row.group(2))
    return layers, duplicates


def read_includes(lib):
    """{module: set of modules it includes} and {module: set of libraries (curl, openssl,
    rapidjson) it includes}, over lib/*.hpp and lib/*.cpp."""
    graph, libraries = {}, {}
    for path in sorted(lib.iterdir()):
        if path.suffix not in (".hpp", ".cpp"):
            continue
        module = path.stem
        graph.setdefault(module, set())
        libraries.setdefault(module, set())
        for line in path.read_text(errors="replace").splitlines():
            match = INCLUDE.match(line)
            if match and match.group(1) != module:
                graph[module].add(match.group(1))
            library = LIBRARY_INCLUDE.match(line)
            if library:
                libraries[module].add(library.group(1))
    return graph, libraries


def find_cycle(graph):
    """One include cycle as a list of modules (first == last), or None."""
    state = {}  # module -> "open" while on the current path, "done" after

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state:
                cycle = visit(target, path + [target])
                if cycle:
                    return cycle
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [module])
            if cycle:
                return cycle
    return None


def check(root):
    """The list of (passed, description) of every check."""
    results = []
    layers, duplicates = read_layers((root / "ARCHITECTURE.md").read_text())
    graph, libraries = read_includes(root / "lib")
    results.append((not duplicates, "each module is in one layer only"
                    + (": %s listed twice" % ", ".join(sorted(duplicates)) if duplicates else "")))
    unknown = sorted(set(layers) - set(graph))
    results.append((not unknown, "every module in the layer table exists in lib/"
                    + (": not found: %s" % ", ".join(unknown) if unknown else "")))
    for module in sorted(graph):
        if module not in layers:
            results.append((False, "%s: in no layer of ARCHITECTURE.md" % module))
            continue
        level, name = layers[module]
        upward = sorted(t for t in graph[module] if t in layers and layers[t][0] > level)
        results.append((not upward, "%s (%d. %s) includes only its own layer and those above"
                        % (module, level, name)
                        + ("; it includes %s" % ", ".join("%s (%d. %s)" % ((t,) + layers[t])
                                                           for t in upward) if upward else "")))
        if level == 1:
            used = sorted(libraries[module])
            results.append((not used, "%s (1. %s) includes no libcurl, OpenSSL or RapidJSON header"
                            % (module, name) + ("; it includes %s" % ", ".join(used) if used else "")))
    cycle = find_cycle(graph)
    results.append((cycle is None, "no include cycle in lib/"
                    + (": " + " -> ".join(cycle) if cycle else "")))
    return results


def main():
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2]
    results = check(root)
    for passed, description in results:
        print("%s %s" % ("ok  " if passed else "FAIL", description))
    failed = sum(1 for passed, _ in results if not passed)
    print("layers: %d passed, %d failed, 0 skipped" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
