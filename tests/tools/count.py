"""Reads a test stage's log and prints 'PASSED FAILED' for it.

Understands doctest's summary and the 'N passed, N failed' line of our own runners. A stage that
exited non-zero without counting a failure (a crash, a sanitizer abort) counts one failure.
"""
import re
import sys

log_path, status = sys.argv[1], int(sys.argv[2])
text = open(log_path, encoding="utf-8", errors="replace").read()
passed = failed = None
doctest = re.findall(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed", text)
plain = re.findall(r"(\d+) passed, (\d+) failed", text)
if doctest:
    passed, failed = int(doctest[-1][1]), int(doctest[-1][2])
elif plain:
    passed, failed = int(plain[-1][0]), int(plain[-1][1])
else:
    passed, failed = 0, 0
if status != 0 and failed == 0:
    failed = 1
print(passed, failed)
