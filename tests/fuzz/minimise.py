#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Minimises the committed fuzz corpora without losing coverage, and shows the coverage.

    python3 tests/fuzz/minimise.py [--from build/fuzz/corpus] [--check] TARGET...

In tests/fuzz/corpus/<target>/ a file named found-<16 hex> is generated (an input a fuzzer found,
named by the first 16 hex digits of its SHA-1); any other name is a named seed, written by hand,
and is always kept. For each target the named seeds are copied to a new folder, and libFuzzer's
`-merge=1` adds from the generated files (and, with --from DIR, from DIR/<target>/, e.g. what
`make fuzz` found) only those that reach coverage the folder does not have yet. The old
corpus is then merged into the result until that adds no feature (a feature can depend on which
input ran first), and the result replaces the generated files. Prints
per target the inputs, bytes, `cov:` (covered code edges) and `ft:` (libFuzzer's features: edges
with hit counts) before and after, measured by running the target over each corpus (`-runs=0`,
the best of 3). --check measures and changes nothing. Needs the targets built (make fuzz
builds them: build/fuzz/fuzz_<target>).
"""

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, "build", "fuzz")
GENERATED = re.compile(r"^found-[0-9a-f]{16}$")
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")


def files_of(folder):
    if not os.path.isdir(folder):
        return []
    return sorted(n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n)))


# A run over the same corpus can differ by a feature or two (libFuzzer counts the stack depth
# among its features, and ASLR moves the stack): measured without address randomisation where
# setarch allows, and the best of a few runs.
NO_ASLR = ["setarch", os.uname().machine, "-R"] if shutil.which("setarch") else []
MEASURE_RUNS = 3


def measure(binary, folder):
    """(inputs, bytes, cov, ft) of one corpus folder: the target runs every input once."""
    names = files_of(folder)
    size = sum(os.path.getsize(os.path.join(folder, n)) for n in names)
    cov = ft = 0
    for _ in range(MEASURE_RUNS):
        proc = subprocess.run(NO_ASLR + [binary, "-runs=0", "-timeout=10", "-rss_limit_mb=2048",
                                         folder],
                              stdin=subprocess.DEVNULL, capture_output=True, env=ENV, text=True,
                              errors="replace")
        found = re.findall(r"INITED cov: (\d+) ft: (\d+)", proc.stderr)
        if proc.returncode != 0 or not found:
            raise RuntimeError("%s over %s: exit %d\n%s" % (os.path.basename(binary), folder,
                                                            proc.returncode, proc.stderr[-2000:]))
        cov, ft = max(cov, int(found[-1][0])), max(ft, int(found[-1][1]))
    return len(names), size, cov, ft


def merge_into(binary, folder, sources):
    """libFuzzer's -merge=1 of sources into folder; returns the number of features it added."""
    proc = subprocess.run(NO_ASLR + [binary, "-merge=1", "-timeout=10", "-rss_limit_mb=2048",
                                     folder] + [s for s in sources if os.path.isdir(s)],
                          stdin=subprocess.DEVNULL, capture_output=True, env=ENV, text=True,
                          errors="replace")
    added = re.findall(r"MERGE-OUTER: \d+ new files with (\d+) new features added", proc.stderr)
    if proc.returncode != 0 or not added:
        raise RuntimeError("merge failed: exit %d\n%s" % (proc.returncode, proc.stderr[-2000:]))
    return int(added[-1])


def merged_corpus(binary, corpus, sources, work):
    """A folder holding the named seeds of corpus, plus what -merge=1 keeps of its generated
    inputs and of the sources; None when merging the old corpus into it still adds features."""
    merged, generated = os.path.join(work, "merged"), os.path.join(work, "generated")
    os.mkdir(merged)
    os.mkdir(generated)
    for name in files_of(corpus):
        shutil.copy(os.path.join(corpus, name), generated if GENERATED.match(name) else merged)
    merge_into(binary, merged, [generated] + sources)
    # A feature can depend on what ran before (a first-time initialisation): merging the old
    # corpus in again adds what the first merge attributed elsewhere; nothing, once nothing is lost.
    if all(merge_into(binary, merged, [corpus]) > 0 for _ in range(3)):
        return None
    # libFuzzer names what it adds by the whole SHA-1; the committed name is found-<16 hex>.
    for name in files_of(merged):
        if re.match(r"^[0-9a-f]{40}$", name):
            path = os.path.join(merged, name)
            digest = hashlib.sha1(open(path, "rb").read()).hexdigest()
            os.rename(path, os.path.join(merged, "found-" + digest[:16]))
    return merged


def replace_generated(corpus, merged):
    for name in files_of(corpus):
        if GENERATED.match(name):
            os.unlink(os.path.join(corpus, name))
    for name in files_of(merged):
        if GENERATED.match(name):
            shutil.copy(os.path.join(merged, name), corpus)


def minimise(target, sources, check):
    """Returns the line to print and whether the target's corpus is as good as before."""
    binary = os.path.join(BUILD, "fuzz_" + target)
    corpus = os.path.join(HERE, "corpus", target)
    before = measure(binary, corpus)
    named = sum(1 for n in files_of(corpus) if not GENERATED.match(n))
    line = "%-16s %d named seeds; %d inputs, %d bytes, cov %d, ft %d" % ((target, named) + before)
    if check:
        return line, True
    with tempfile.TemporaryDirectory(prefix="cps-fuzz-merge-") as work:
        merged = merged_corpus(binary, corpus, [os.path.join(s, target) for s in sources], work)
        if merged is None:
            return line + " -> kept: the merge kept losing features", False
        after = measure(binary, merged)
        replace_generated(corpus, merged)
    return line + " -> %d inputs, %d bytes, cov %d, ft %d" % after, True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="sources", action="append", default=[], metavar="DIR",
                        help="also merge DIR/<target>/ (e.g. build/fuzz/corpus)")
    parser.add_argument("--check", action="store_true", help="only measure the corpora")
    parser.add_argument("targets", nargs="+")
    args = parser.parse_args()
    ok = True
    for target in args.targets:
        try:
            line, good = minimise(target, args.sources, args.check)
        except (OSError, RuntimeError) as error:
            line, good = "%-16s FAIL: %s" % (target, error), False
        print(line, flush=True)
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
