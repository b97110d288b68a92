# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of the test tooling itself: count.py reads a stage's log, summarize.py turns the stages'
counts into the closing line and fails on a missing, empty or all-skipped stage, check_layers.py
finds layer violations and include cycles, check_function_length.py finds a function in lib/ over
45 lines. The last also runs over the real lib/ here: the tools stage enforces the rule.
Prints `tools: N passed, N failed, N skipped`."""
import os
import pathlib
import subprocess
import sys
import tempfile

TOOLS = pathlib.Path(__file__).resolve().parent
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def run(script, *args):
    done = subprocess.run([sys.executable, str(TOOLS / script), *args], capture_output=True,
                          text=True, timeout=30)
    return done.returncode, done.stdout


def count(log_text, status):
    with tempfile.TemporaryDirectory() as folder:
        log = pathlib.Path(folder) / "stage.log"
        log.write_text(log_text)
        return run("count.py", str(log), str(status))


def summarize(counts, expect):
    with tempfile.TemporaryDirectory() as folder:
        for stage, text in counts.items():
            (pathlib.Path(folder) / (stage + ".count")).write_text(text)
        return run("summarize.py", "--expect", expect, folder)


@test
def count_reads_our_runners_with_skips():
    rc, out = count("ok   a (0.1s)\nskip b: needs root\nx: 7 passed, 1 failed, 2 skipped\n", 1)
    assert out.splitlines() == ["7 1 2", "b: needs root"], out


@test
def count_reads_doctest():
    rc, out = count("[doctest] test cases: 12 | 11 passed | 1 failed | 3 skipped\n", 1)
    assert out.splitlines() == ["11 1 3"], out


@test
def count_turns_a_crash_into_a_failure():
    rc, out = count("AddressSanitizer: heap-use-after-free\n", 86)
    assert out.splitlines() == ["0 1 0"], out


@test
def summarize_adds_up_and_lists_skipped_tests():
    rc, out = summarize({"unit": "5 0 0\n", "integration": "3 0 1\nproxy-squid: no squid\n"},
                        "unit integration")
    assert rc == 0, out
    assert "skipped proxy-squid: no squid" in out, out
    assert out.splitlines()[-1] == "8 passed, 0 failed, 1 skipped", out


@test
def summarize_fails_on_a_missing_stage():
    rc, out = summarize({"unit": "5 0 0\n"}, "unit integration")
    assert rc == 1 and "stage integration did not run" in out, out
    assert out.splitlines()[-1] == "5 passed, 1 failed, 0 skipped", out


@test
def summarize_fails_on_a_stage_without_tests():
    rc, out = summarize({"unit": "5 0 0\n", "e2e": "0 0 0\n"}, "unit e2e")
    assert rc == 1 and "stage e2e ran no test" in out, out


@test
def summarize_fails_on_an_all_skipped_stage():
    rc, out = summarize({"unit": "5 0 0\n", "deb": "0 0 4\na: x\nb: x\nc: x\nd: x\n"}, "unit deb")
    assert rc == 1 and "stage deb skipped all of its 4 tests" in out, out
    assert out.splitlines()[-1] == "5 passed, 1 failed, 4 skipped", out


@test
def summarize_fails_on_a_failed_test():
    rc, out = summarize({"unit": "5 2 0\n"}, "unit")
    assert rc == 1 and out.splitlines()[-1] == "5 passed, 2 failed, 0 skipped", out


LAYERS = """# Architecture

## Layers

| layer | modules | what |
|---|---|---|
| 1. values | `state`, `text` | pure |
| 2. system | `fd`, `trace` | system |
| 3. services | `http` | network |

## Next
"""


def layers(files, architecture=LAYERS):
    """check_layers.py over a made-up tree: {lib file name: text}."""
    with tempfile.TemporaryDirectory() as folder:
        root = pathlib.Path(folder)
        (root / "lib").mkdir()
        (root / "ARCHITECTURE.md").write_text(architecture)
        for name, text in files.items():
            (root / "lib" / name).write_text(text)
        return run("check_layers.py", folder)


GOOD_TREE = {"state.hpp": "", "text.cpp": '#include "text.hpp"\n#include "state.hpp"\n',
             "text.hpp": "", "fd.hpp": '#include "text.hpp"\n', "trace.cpp": '#include "fd.hpp"\n',
             "http.cpp": '#include "trace.hpp"\n#include <curl/curl.h>\n'}


@test
def layers_accepts_a_tree_that_keeps_the_rule():
    rc, out = layers(GOOD_TREE)
    assert rc == 0 and out.splitlines()[-1].endswith(" 0 failed, 0 skipped"), out


@test
def layers_refuses_an_include_from_a_lower_layer():
    rc, out = layers(dict(GOOD_TREE, **{"text.cpp": '#include "fd.hpp"\n'}))
    assert rc == 1 and "FAIL text (1. values) includes only its own layer and those above; " \
        "it includes fd (2. system)" in out, out


@test
def layers_refuses_a_cycle_inside_a_layer():
    rc, out = layers(dict(GOOD_TREE, **{"state.hpp": '#include "text.hpp"\n'}))
    assert rc == 1 and ("FAIL no include cycle in lib/: state -> text -> state" in out or
                        "FAIL no include cycle in lib/: text -> state -> text" in out), out


@test
def layers_refuses_a_module_in_no_layer_and_a_library_in_layer_one():
    rc, out = layers(dict(GOOD_TREE, **{"json.cpp": "", "state.hpp": "#include <openssl/evp.h>\n"}))
    assert rc == 1 and "FAIL json: in no layer of ARCHITECTURE.md" in out, out
    assert "FAIL state (1. values) includes no libcurl, OpenSSL or RapidJSON header; it includes " \
        "openssl" in out, out


def function_lengths(files):
    """check_function_length.py over a made-up tree: {lib file name: text}."""
    with tempfile.TemporaryDirectory() as folder:
        (pathlib.Path(folder) / "lib").mkdir()
        for name, text in files.items():
            (pathlib.Path(folder) / "lib" / name).write_text(text)
        return run("check_function_length.py", folder)


def function_of(lines, signature="int f(int a) {"):
    """A function whose body is exactly `lines` lines long."""
    return signature + "\n" + "".join("  a += %d;\n" % i for i in range(lines)) + "}\n"


@test
def function_length_of_the_real_lib_is_at_most_45_lines():
    rc, out = run("check_function_length.py", str(TOOLS.parent.parent))
    assert rc == 0, out
    assert "function-length: " in out and " 0 failed" in out, out


@test
def function_length_refuses_a_planted_46_line_function_and_keeps_45():
    rc, out = function_lengths({"ok.cpp": function_of(45)})
    assert rc == 0 and "function-length: 1 passed, 0 failed, 0 skipped" in out, out
    rc, out = function_lengths({"ok.cpp": function_of(45), "long.cpp": function_of(46)})
    assert rc == 1, out
    assert "long.cpp:1: f is 46 lines long (at most 45)" in out, out
    assert "function-length: 1 passed, 1 failed, 0 skipped" in out, out


@test
def function_length_counts_members_constructors_and_lambdas_in_namespaces():
    member = "namespace cps {\nclass C {\npublic:\n" + function_of(46, "  int get() const {") + "};\n}\n"
    rc, out = function_lengths({"c.hpp": member})
    assert rc == 1 and "c.hpp:4: get is 46 lines long" in out, out
    constructor = "namespace cps {\nnamespace {\n" + function_of(
        46, "C::C(int a) : a_(a), b_(std::move(a)) {") + "}\n}\n"
    rc, out = function_lengths({"c.cpp": constructor})
    assert rc == 1 and "c.cpp:3: C::C is 46 lines long" in out, out
    lambdas = "int f(int a) {\n  auto g = [&](int b) {\n" + "".join(
        "    a += %d;\n" % i for i in range(22)) + "  };\n" + "".join(
        "  a += g(%d);\n" % i for i in range(22)) + "}\n"  # 46 lines, a lambda inside
    rc, out = function_lengths({"l.cpp": lambdas})
    assert rc == 1 and "l.cpp:1: f is 46 lines long" in out, out


@test
def function_length_is_not_misled_by_braces_in_text_or_tables():
    tricky = (
        'const char *open = "{{{ not a body";  // { nor this\n'
        "/* int fake() {\n" + "".join("%d\n" % i for i in range(60)) + "} */\n"
        'const char *raw = R"json({"a": [1, {"b": "}"}]})json";\n'
        "char brace = '{';\n"
        "#define BLOCK(x) { x; }\n"
        "enum class E { A, B };\n"
        "const Entry table[] = {\n" + "".join("    {%d, \"x\"},\n" % i for i in range(60)) + "};\n"
        + function_of(45, "bool g(const std::string &s) noexcept {"))
    rc, out = function_lengths({"t.cpp": tricky})
    assert rc == 0 and "function-length: 1 passed, 0 failed, 0 skipped" in out, out
    rc, out = function_lengths({"t.cpp": tricky + function_of(46, "auto h() -> int {")})
    assert rc == 1 and " h is 46 lines long" in out, out


def main():
    passed = failed = 0
    for fn in TESTS:
        try:
            fn()
            print("ok   %s" % fn.__name__)
            passed += 1
        except AssertionError as e:
            print("FAIL %s: %s" % (fn.__name__, e))
            failed += 1
    print("tools: %d passed, %d failed, 0 skipped" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    os.chdir(TOOLS)
    sys.exit(main())
