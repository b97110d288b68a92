# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads a test stage's log and prints its counts: a first line 'PASSED FAILED SKIPPED', then the
stage's skipped tests, one 'NAME: REASON' a line.

Understands doctest's summary and the 'N passed, N failed[, N skipped]' line of our own runners,
whose skipped tests are the log's 'skip NAME: REASON' lines. A stage that exited non-zero without
counting a failure (a crash, a sanitizer abort) counts one failure.
"""
import re
import sys

log_path, status = sys.argv[1], int(sys.argv[2])
text = open(log_path, encoding="utf-8", errors="replace").read()
doctest = re.findall(
    r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed\s*\|\s*(\d+) skipped", text)
plain = re.findall(r"(\d+) passed, (\d+) failed(?:, (\d+) skipped)?", text)
if doctest:
    passed, failed, skipped = (int(x) for x in doctest[-1][1:])
elif plain:
    passed, failed, skipped = int(plain[-1][0]), int(plain[-1][1]), int(plain[-1][2] or 0)
else:
    passed = failed = skipped = 0
if status != 0 and failed == 0:
    failed = 1
print(passed, failed, skipped)
for line in text.splitlines():
    if line.startswith("skip "):
        print(line[len("skip "):].strip())
