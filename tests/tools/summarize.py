# SPDX-License-Identifier: GPL-3.0-or-later
"""Adds up the stage counts in a results folder and prints 'N passed, N failed, N skipped'.

Usage: summarize.py [--expect "STAGE ..."] FOLDER

Each stage that ran left FOLDER/STAGE.count (tests/tools/count.py). An expected stage that is
missing, that ran no test, or whose tests were all skipped counts as one failure: a suite that
silently did nothing must not look green. Skipped tests are listed by name.
"""
import argparse
import pathlib
import sys


def read_count(path):
    lines = path.read_text().splitlines()
    numbers = [int(x) for x in lines[0].split()] if lines else []
    passed, failed, skipped = (numbers + [0, 0, 0])[:3]
    return passed, failed, skipped, [line for line in lines[1:] if line.strip()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--expect", default="", help="space-separated names of the stages that must have run")
    parser.add_argument("folder", type=pathlib.Path)
    args = parser.parse_args()
    counts = {path.stem: read_count(path) for path in sorted(args.folder.glob("*.count"))}
    expected = args.expect.split()
    totals = [0, 0, 0]
    problems = []
    for stage in expected:
        if stage not in counts:
            problems.append("stage %s did not run" % stage)
    for stage, (passed, failed, skipped, skipped_names) in counts.items():
        print("  %s: %d passed, %d failed, %d skipped" % (stage, passed, failed, skipped))
        for name in skipped_names:
            print("    skipped %s" % name)
        if passed + failed + skipped == 0:
            problems.append("stage %s ran no test" % stage)
        elif passed == 0 and failed == 0:
            problems.append("stage %s skipped all of its %d tests" % (stage, skipped))
        totals = [totals[0] + passed, totals[1] + failed, totals[2] + skipped]
    if not counts and not expected:
        problems.append("no stage ran at all")
    for problem in problems:
        print("  FAIL %s" % problem)
    failed = totals[1] + len(problems)
    print("%d passed, %d failed, %d skipped" % (totals[0], failed, totals[2]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
