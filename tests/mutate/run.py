# SPDX-License-Identifier: GPL-3.0-or-later
"""make mutate: breaks the core code on purpose, one mutant at a time, and checks a test notices.

Each mutant in tests/mutate/mutants.py replaces one exact snippet of one file of lib/. The runner
first checks that every snippet is found exactly once (a snippet found 0 or 2 times is stale: the
code moved on, and the run stops with an error naming it). In a private copy of the tree it
builds once (at -O1, for speed), then for each mutant applies it, rebuilds what changed, runs the
cheapest test stage that should catch it, and puts the file and the build back as they were.
A mutant is killed when a test of the stage fails, or when the stage overruns --timeout (counted,
but named: a test should notice, not the clock); it survives when the stage passes. A mutant
that does not compile is an error in the list, never a kill. The last lines are the score, the
survivors and the run time; the exit code is 1 when the score is below --min-score and 2 when a
mutant is stale or does not compile.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from mutants import MUTANTS  # noqa: E402

# The mutants are judged on an -O1 build: about half the compile time of -O2 -g.
MAKE = ["make", "--no-print-directory", "-s", "CXXFLAGS=-O1"]

# The stages, cheapest first: the build, then the tests (a mutant's filters are added to them).
STAGES = {
    "unit": {"build": MAKE + ["build/unit_tests"],
             "test": ["build/unit_tests", "--abort-after=1", "--no-intro=true",
                      "--no-version=true"],
             "filters": lambda names: ["--test-case=" + ",".join(names)]},
    "integration": {"build": MAKE + ["check_password_sync"],
                    "test": [sys.executable, "tests/integration/test_plugin.py",
                             "--binary", "./check_password_sync", "-j", "2"],
                    "filters": lambda names: [a for n in names for a in ("-k", n)]},
    "credentials": {"build": MAKE + ["check_password_sync"],
                    "test": [sys.executable, "tests/integration/test_credentials.py",
                             "--binary", "./check_password_sync", "-j", "2"],
                    "filters": lambda names: [a for n in names for a in ("-k", n)]},
}
# What the build makes, put back after each mutant so that only the mutated file is rebuilt.
BUILT = ["build", "check_password_sync"]


def copy_tree(destination):
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / os.fsdecode(name)
        if not source.is_file():
            continue
        target = destination / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def stale_mutants(chosen, tree):
    """One line per mutant whose snippet is not found exactly once, or that changes nothing."""
    problems = []
    for m in chosen:
        path = tree / m.file
        count = path.read_text().count(m.find) if path.is_file() else 0
        if count != 1 or m.find == m.replace:
            problems.append(f"STALE {m.name}: its snippet is found {count} times in {m.file}"
                            if count != 1 else f"STALE {m.name}: the replacement changes nothing")
    return problems


class BuildSnapshot:
    """The pristine build outputs; restore() copies back every one a mutant's rebuild changed."""

    def __init__(self, copy, folder):
        self.copy, self.folder = copy, folder
        for name in BUILT:
            source = copy / name
            if source.is_dir():
                shutil.copytree(source, folder / name, copy_function=shutil.copy2)
            elif source.exists():
                shutil.copy2(source, folder / name)

    def restore(self):
        for saved in self.folder.rglob("*"):
            if saved.is_dir():
                continue
            target = self.copy / saved.relative_to(self.folder)
            old, new = saved.stat(), target.stat() if target.exists() else None
            if new is None or (new.st_mtime_ns, new.st_size) != (old.st_mtime_ns, old.st_size):
                shutil.copy2(saved, target)


def run(command, cwd, deadline, show):
    """'ok', 'failed' or 'timeout'; with show, the command's last lines are printed."""
    left = deadline - time.monotonic()
    if left <= 0:
        return "timeout"
    try:
        result = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=left)
    except subprocess.TimeoutExpired:
        return "timeout"
    if show:
        lines = result.stdout.decode(errors="replace").splitlines()
        print("\n".join(["    $ " + " ".join(command)] + ["    " + x for x in lines[-show:]]))
    return "ok" if result.returncode == 0 else "failed"


def judge(copy, stage, filters, timeout, show=0):
    """'survived', 'killed', 'timeout' or 'broken' (the mutant does not build)."""
    deadline = time.monotonic() + timeout
    spec = STAGES[stage]
    built = run(spec["build"], copy, deadline, show)
    if built != "ok":
        return "timeout" if built == "timeout" else "broken"
    test = spec["test"] + (spec["filters"](filters) if filters else [])
    tested = run(test, copy, deadline, show)
    return {"ok": "survived", "failed": "killed", "timeout": "timeout"}[tested]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--min-score", type=float, default=95.0)
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant")
    p.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                   help="only mutants whose name contains one of these")
    p.add_argument("--list", action="store_true", help="list the mutants and exit")
    p.add_argument("--show", type=int, default=0, metavar="LINES",
                   help="print the last LINES lines of each build and test (why it was killed)")
    args = p.parse_args()
    chosen = [m for m in MUTANTS if not args.k or any(k in m.name for k in args.k)]
    names = [m.name for m in MUTANTS]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        print("error: mutant names used twice: " + ", ".join(duplicates))
        return 2
    if args.list:
        for m in chosen:
            print(f"{m.name:36} {m.stage:12} {m.file:24} {' '.join(m.filters)}")
        print(f"{len(chosen)} mutants")
        return 0
    problems = stale_mutants(chosen, ROOT)
    if problems:
        print("\n".join(problems))
        print(f"error: {len(problems)} stale mutants: update their snippets in "
              "tests/mutate/mutants.py")
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mutate-") as folder:
        copy = pathlib.Path(folder) / "tree"
        copy.mkdir()
        copy_tree(copy)
        print(f"building the unmutated tree in {copy}", flush=True)
        for stage in sorted({m.stage for m in chosen}):
            # The tests the chosen mutants of the stage run; all of them when one runs them all.
            lists = [m.filters for m in chosen if m.stage == stage]
            filters = [] if () in lists else sorted({f for f in sum(lists, ())})
            if judge(copy, stage, filters, args.timeout * 3, max(args.show, 30)) != "survived":
                print(f"the unmutated tree fails stage {stage}: fix that first")
                return 1
        pristine = pathlib.Path(folder) / "pristine"
        pristine.mkdir()
        snapshot = BuildSnapshot(copy, pristine)
        verdicts = {"killed": [], "timeout": [], "survived": [], "broken": []}
        for index, m in enumerate(chosen, 1):
            path = copy / m.file
            original, times = path.read_text(), path.stat()
            path.write_text(original.replace(m.find, m.replace))
            began = time.monotonic()
            try:
                verdict = judge(copy, m.stage, m.filters, args.timeout, args.show)
            finally:
                path.write_text(original)
                os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
                snapshot.restore()
            verdicts[verdict].append(m)
            print(f"[{index}/{len(chosen)}] {verdict.upper():8} {m.name} "
                  f"({m.stage}, {time.monotonic() - began:.0f}s)", flush=True)
    killed = len(verdicts["killed"]) + len(verdicts["timeout"])
    judged = killed + len(verdicts["survived"])
    score = 100.0 * killed / judged if judged else 0.0
    minutes = (time.monotonic() - started) / 60
    print()
    print(f"mutation score: {score:.1f}% ({killed} killed of {judged}; "
          f"{len(verdicts['timeout'])} of them by the timeout) in {minutes:.0f} min")
    for m in verdicts["timeout"]:
        print(f"  killed only by the timeout: {m.name}: {m.file}: {m.why}")
    for m in verdicts["survived"]:
        print(f"  survived: {m.name}: {m.file}: {m.why}")
    for m in verdicts["broken"]:
        print(f"  error: {m.name} does not build: fix it in tests/mutate/mutants.py")
    if verdicts["broken"]:
        return 2
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
