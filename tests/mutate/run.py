# SPDX-License-Identifier: GPL-3.0-or-later
"""make mutate: breaks the core code on purpose, one mutant at a time, and checks a test notices.

Each mutant in tests/mutate/mutants.py replaces one exact snippet of one file of lib/. For each,
in a private copy of the tree, the runner applies it, runs the cheapest test stage that should
catch it, and restores the file. A mutant is killed when the stage fails (or times out), survives
when the stage passes, and is stale when its snippet is not found exactly once (the code moved on:
update the mutant). The last lines are the score and the survivors; the exit code is 1 when the
score is below --min-score or any mutant is stale.
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

# The stages, cheapest first. Each is a list of commands run in the copy, in order.
STAGES = {
    "unit": [["make", "--no-print-directory", "-s", "build/unit_tests"],
             ["build/unit_tests", "--abort-after=1", "--no-intro=true", "--no-version=true"]],
    "integration": [["make", "--no-print-directory", "-s", "check_password_sync"],
                    [sys.executable, "tests/integration/test_plugin.py",
                     "--binary", "./check_password_sync", "-j", "2"]],
}


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


def run_stage(copy, stage, filters, timeout):
    """True when every command of the stage passed (the mutant survived)."""
    deadline = time.monotonic() + timeout
    commands = [list(c) for c in STAGES[stage]]
    for k in filters:
        commands[-1] += ["-k", k]
    for command in commands:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            result = subprocess.run(command, cwd=copy, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, timeout=left)
        except subprocess.TimeoutExpired:
            return False  # a hang is noticed too
        if result.returncode != 0:
            return False
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--min-score", type=float, default=95.0)
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per mutant")
    p.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                   help="only mutants whose name contains one of these")
    p.add_argument("--list", action="store_true")
    args = p.parse_args()
    chosen = [m for m in MUTANTS if not args.k or any(k in m.name for k in args.k)]
    if args.list:
        for m in chosen:
            print(f"{m.name:40} {m.stage:12} {m.file}")
        return 0
    with tempfile.TemporaryDirectory(prefix="mutate-") as folder:
        copy = pathlib.Path(folder)
        copy_tree(copy)
        print(f"building the unmutated tree in {copy}", flush=True)
        for stage in sorted({m.stage for m in chosen}):
            if not run_stage(copy, stage, [], args.timeout * 3):
                print(f"the unmutated tree fails stage {stage}: fix that first")
                return 1
        killed, survived, stale = [], [], []
        for index, m in enumerate(chosen, 1):
            path = copy / m.file
            original = path.read_text()
            if original.count(m.find) != 1:
                stale.append(m)
                print(f"[{index}/{len(chosen)}] STALE    {m.name}: snippet found "
                      f"{original.count(m.find)} times in {m.file}", flush=True)
                continue
            path.write_text(original.replace(m.find, m.replace))
            started = time.monotonic()
            try:
                survives = run_stage(copy, m.stage, m.filters, args.timeout)
            finally:
                path.write_text(original)
            took = time.monotonic() - started
            (survived if survives else killed).append(m)
            verdict = "SURVIVED" if survives else "killed  "
            print(f"[{index}/{len(chosen)}] {verdict} {m.name} ({m.stage}, {took:.0f}s)",
                  flush=True)
        judged = len(killed) + len(survived)
        score = 100.0 * len(killed) / judged if judged else 0.0
        print()
        print(f"mutation score: {score:.1f}% ({len(killed)} killed of {judged}; "
              f"{len(stale)} stale)")
        for m in survived:
            print(f"  survived: {m.name}: {m.file}: {m.why}")
        for m in stale:
            print(f"  stale: {m.name}: {m.file}")
        return 0 if score >= args.min_score and not stale else 1


if __name__ == "__main__":
    sys.exit(main())
