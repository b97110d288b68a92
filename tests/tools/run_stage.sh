#!/bin/sh
# Runs one test stage, shows its output, and records "passed failed" in build/results/NAME.
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
echo "== $name: $(cat "build/results/$name.count") (exit $status)"
exit "$status"
