"""Adds up the stage counts in a results folder and prints the closing 'N passed, N failed' line."""
import pathlib
import sys

folder = pathlib.Path(sys.argv[1])
total_passed = total_failed = 0
for count in sorted(folder.glob("*.count")):
    passed, failed = (int(x) for x in count.read_text().split())
    total_passed += passed
    total_failed += failed
    print(f"  {count.stem}: {passed} passed, {failed} failed")
if not list(folder.glob("*.count")):
    total_failed = 1  # no stage ran at all
print(f"{total_passed} passed, {total_failed} failed")
sys.exit(1 if total_failed else 0)
