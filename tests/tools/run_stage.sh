#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one test stage, shows its output, and records "passed failed skipped" and the skipped
# tests in build/results/NAME.count (see count.py).
# Usage: run_stage.sh NAME COMMAND [ARGS...]
name=$1
shift
mkdir -p build/results
log=build/results/$name.log
echo "== $name: $*"
"$@" >"$log" 2>&1
status=$?
cat "$log"
python3 tests/tools/count.py "$log" "$status" >"build/results/$name.count"
set -- $(head -n 1 "build/results/$name.count")
echo "== $name: $1 passed, $2 failed, $3 skipped (exit $status)"
exit "$status"
