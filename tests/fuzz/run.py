#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs the libFuzzer targets for a bounded time each and reports what they did.

    python3 tests/fuzz/run.py --seconds 60 graph_json token_response ...

Each target build/fuzz/fuzz_<name> starts from its committed seeds (tests/fuzz/corpus/<name>/)
and keeps what it finds in build/fuzz/corpus/<name>/ (not committed). Crash inputs go to
build/fuzz/crashes/. Prints per target its corpus size and total executions, then
`fuzz: N passed, N failed` (a target passes when it ran its time without a crash).
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, "build", "fuzz")


def corpus_files(folder):
    if not os.path.isdir(folder):
        return 0, 0
    names = [os.path.join(folder, n) for n in os.listdir(folder)]
    files = [n for n in names if os.path.isfile(n)]
    return len(files), sum(os.path.getsize(n) for n in files)


def run_target(name, seconds):
    binary = os.path.join(BUILD, "fuzz_" + name)
    seeds = os.path.join(HERE, "corpus", name)
    work = os.path.join(BUILD, "corpus", name)
    crashes = os.path.join(BUILD, "crashes")
    logs = os.path.join(BUILD, "logs")
    for folder in (work, crashes, logs):
        os.makedirs(folder, exist_ok=True)
    log_path = os.path.join(logs, name + ".log")
    argv = [binary, "-max_total_time=%d" % seconds, "-print_final_stats=1", "-timeout=10",
            "-rss_limit_mb=2048", "-artifact_prefix=%s/%s-" % (crashes, name), work, seeds]
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1", UBSAN_OPTIONS="print_stacktrace=1")
    with open(log_path, "wb") as log:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=log,
                              stderr=subprocess.STDOUT, env=env, timeout=seconds + 300)
    text = open(log_path, encoding="utf-8", errors="replace").read()
    execs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    corp = re.findall(r"corp: (\d+)/(\d+)(b|Kb|Mb)", text)
    seed_count, _ = corpus_files(seeds)
    saved, saved_bytes = corpus_files(work)
    return {
        "name": name, "rc": proc.returncode, "log": log_path,
        "execs": int(execs[-1]) if execs else 0,
        "corpus": int(corp[-1][0]) if corp else 0,
        "seeds": seed_count, "saved": saved, "saved_bytes": saved_bytes,
        "crash": [line for line in text.splitlines()
                  if "ERROR:" in line or "property violated" in line or
                  "Test unit written" in line][:4],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("targets", nargs="+")
    args = parser.parse_args()

    lock = threading.Lock()
    passed = failed = 0

    def one(name):
        try:
            result = run_target(name, args.seconds)
        except (OSError, subprocess.SubprocessError) as error:
            result = {"name": name, "rc": None, "error": str(error)}
        with lock:
            report(result)
        return result.get("rc") == 0

    def report(r):
        if "error" in r:
            print("fuzz %-15s FAIL: %s" % (r["name"], r["error"]), flush=True)
            return
        verdict = "passed" if r["rc"] == 0 else "FAILED (exit %s, log %s)" % (r["rc"], r["log"])
        print("fuzz %-15s corpus %d inputs (%d seeds, %d saved, %d bytes), %d executions: %s"
              % (r["name"], r["corpus"], r["seeds"], r["saved"], r["saved_bytes"], r["execs"],
                 verdict), flush=True)
        for line in r["crash"] if r["rc"] != 0 else []:
            print("    " + line, flush=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for ok in pool.map(one, args.targets):
            passed, failed = passed + ok, failed + (not ok)
    print("fuzz: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
