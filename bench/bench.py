#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark of check_password_sync against the simulator, with one curl request as the floor.

    python3 bench/bench.py --binary ./check_password_sync [--runs 30] [--checks 1000]
        [--tenants 100] [--parallel 8] [--out bench/RESULTS.md]

Starts the simulator (tests/sim/simulator.py) on 127.0.0.1 with certificates made at run time,
checks that it adds no latency of its own, then measures, per process (os.wait4 rusage: user +
system CPU, peak RSS; wall time around fork..wait):
  curl   one curl process making the plugin's $batch request with a bearer token (the floor)
  warm   the plugin with a cached token (expected: 1 HTTPS request)
  cold   the plugin with an empty cache (expected: 2 HTTPS requests)
The three are interleaved run by run so drift affects them alike; medians are reported. Then
8 simultaneous cold checks of one tenant (token requests counted by the simulator), and a
throughput run: --checks warm checks across --tenants tenants, --parallel at a time, for the
plugin and for curl. Prints a table and writes it to --out with a note of the machine.
"""

import argparse
import concurrent.futures
import datetime
import http.client
import itertools
import json
import os
import platform
import secrets
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SIMULATOR = os.path.join(ROOT, "tests", "sim", "simulator.py")
MAKE_CERTS = os.path.join(ROOT, "tests", "tools", "make_certs.sh")
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
LOAD_AT_START = 0.0



TIME = "/usr/bin/time"
_outputs = itertools.count()


def run_measured(argv, env, scratch):
    """(exit code, wall s, cpu s, peak RSS KiB) of one child process.

    The child runs under /usr/bin/time, whose %M is the child's own peak RSS: a process forked
    straight from this Python would count Python's pages, copied before exec, as its own. wait4
    on /usr/bin/time gives the CPU of both (its child is reaped); its own share is measured by
    launcher_overhead() and subtracted from the results.
    """
    out = os.path.join(scratch, "rss-%d" % next(_outputs))
    devnull = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
    t0 = time.perf_counter()
    pid = os.posix_spawn(TIME, [TIME, "-f", "%x %M", "-o", out] + argv, env,
                         file_actions=devnull)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    with open(out) as f:
        fields = f.read().split()
    os.unlink(out)
    code = int(fields[-2]) if os.waitstatus_to_exitcode(status) == 0 else -1
    return code, wall, usage.ru_utime + usage.ru_stime, int(fields[-1])


class Bench:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.binary)
        self.dir = tempfile.mkdtemp(prefix="cps-bench-")
        self.sim = None
        self.traced_body = None

    # -- set-up

    def start(self):
        pki = os.path.join(self.dir, "pki")
        subprocess.run(["sh", MAKE_CERTS, pki], check=True, stdout=subprocess.DEVNULL)
        self.ca = os.path.join(pki, "ca.pem")
        self.secret = "bench8Q~" + secrets.token_urlsafe(24)
        self.secret_file = os.path.join(self.dir, "secret")
        fd = os.open(self.secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(self.secret + "\n")
        port_file = os.path.join(self.dir, "port")
        self.sim_log = open(os.path.join(self.dir, "sim.log"), "wb")
        self.sim = subprocess.Popen(
            [sys.executable, SIMULATOR, "--cert", os.path.join(pki, "server.pem"),
             "--key", os.path.join(pki, "server.key"), "--port", "0", "--port-file", port_file,
             "--secret-file", self.secret_file],
            stdin=subprocess.DEVNULL, stdout=self.sim_log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while not os.path.exists(port_file):
            if self.sim.poll() is not None or time.time() > deadline:
                raise RuntimeError("the simulator did not start")
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())
        self.url = "https://127.0.0.1:%d" % self.port
        self.ctx = ssl.create_default_context(cafile=self.ca)
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                    "HOME": os.path.join(self.dir, "home"), "AZURE_CLIENT_SECRET": self.secret}
        os.mkdir(self.env["HOME"], 0o700)

    def stop(self):
        if self.sim and self.sim.poll() is None:
            self.sim.terminate()
            self.sim.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def requests_of(self, tenant):
        status, data = self.call("GET", "/_sim/stats?tenant=" + urllib.parse.quote(tenant))
        stats = json.loads(data)
        return stats["token"], stats["batch"]

    # -- commands

    def plugin_argv(self, tenant, cache):
        return [self.binary, "-T", tenant, "-C", CLIENT_ID, "--authority-host", self.url,
                "--graph-endpoint", self.url, "--ca-file", self.ca, "--token-cache", cache]

    def curl_argv(self, tenant):
        """curl making the plugin's $batch request with a token of `tenant`."""
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                       "client_secret": self.secret,
                                       "scope": self.url + "/.default"})
        status, data = self.call("POST", "/%s/oauth2/v2.0/token" % tenant, form,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        token = json.loads(data)["access_token"]
        headers = os.path.join(self.dir, "headers-" + tenant)
        with open(headers, "w") as f:  # the token stays off the command line
            f.write("Authorization: Bearer %s\nContent-Type: application/json\n"
                    "Accept: application/json\n" % token)
        body = os.path.join(self.dir, "body.json")
        with open(body, "w") as f:
            f.write(self.batch_body("ok.bench-trace"))  # its own tenant: counts stay clean
        return ["curl", "-sS", "--fail", "-o", "/dev/null", "--cacert", self.ca, "-H", "@" + headers,
                "--data-binary", "@" + body, self.url + "/beta/$batch"]

    def batch_body(self, tenant):
        """The $batch body the plugin sends, read from its -vvv trace, so that curl makes the
        same request whatever sub-requests the plugin's table holds."""
        if self.traced_body:
            return self.traced_body
        scratch = self.new_cache("trace-" + tenant)
        out = subprocess.run(self.plugin_argv(tenant, scratch) + ["-vvv"], env=self.env,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith('> {"requests":'):
                self.traced_body = line[2:]
                return self.traced_body
        raise RuntimeError("no $batch body in the plugin's -vvv trace")

    def new_cache(self, name):
        path = os.path.join(self.dir, "cache-" + name)
        os.mkdir(path, 0o700)
        return path

    # -- measurements

    def simulator_latency(self):
        """Median wall of a curl GET of /_sim/stats, and of one keep-alive request in-process."""
        argv = ["curl", "-sS", "-o", "/dev/null", "--cacert", self.ca, self.url + "/_sim/stats"]
        walls = [run_measured(argv, self.env, self.dir)[1] for _ in range(15)]
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=10)
        conn.request("GET", "/_sim/stats")
        conn.getresponse().read()
        times = []
        for _ in range(50):
            t0 = time.perf_counter()
            conn.request("GET", "/_sim/stats")
            conn.getresponse().read()
            times.append(time.perf_counter() - t0)
        conn.close()
        return statistics.median(walls), statistics.median(times)

    def launcher_overhead(self):
        """Median wall and CPU of /usr/bin/time running /bin/true: subtracted from every run."""
        runs = [run_measured(["/bin/true"], self.env, self.dir) for _ in range(30)]
        return median(runs, 1), median(runs, 2)

    def single_runs(self):
        runs = self.args.runs
        samples = {"curl": [], "warm": [], "cold": []}
        requests = {"curl": [], "warm": [], "cold": []}
        warm_tenant = "ok.bench-warm"
        warm_cache = self.new_cache("warm")
        self.expect_ok(run_measured(self.plugin_argv(warm_tenant, warm_cache), self.env, self.dir), "warm-up")
        curl_tenant = "ok.bench-curl"
        curl = self.curl_argv(curl_tenant)
        for kind, argv in (("curl", curl), ("warm", self.plugin_argv(warm_tenant, warm_cache))):
            self.expect_ok(run_measured(argv, self.env, self.dir), kind + " warm-up")  # page cache, sim
        for i in range(runs):
            for kind in ("curl", "warm", "cold"):
                if kind == "curl":
                    tenant, argv = curl_tenant, curl
                elif kind == "warm":
                    tenant, argv = warm_tenant, self.plugin_argv(warm_tenant, warm_cache)
                else:
                    tenant = "ok.bench-cold%d" % i
                    argv = self.plugin_argv(tenant, self.new_cache("cold%d" % i))
                before = sum(self.requests_of(tenant))
                result = run_measured(argv, self.env, self.dir)
                self.expect_ok(result, kind)
                requests[kind].append(sum(self.requests_of(tenant)) - before)
                samples[kind].append(result[1:])
        return samples, requests

    def concurrent_cold(self, rounds=5, width=8):
        tokens = []
        for r in range(rounds):
            tenant = "ok.bench-herd%d" % r
            cache = self.new_cache("herd%d" % r)
            with concurrent.futures.ThreadPoolExecutor(max_workers=width) as pool:
                results = list(pool.map(lambda _: run_measured(
                    self.plugin_argv(tenant, cache), self.env, self.dir), range(width)))
            for res in results:
                self.expect_ok(res, "concurrent cold")
            tokens.append(self.requests_of(tenant)[0])
        return tokens

    def throughput(self, kind):
        checks, tenants, width = self.args.checks, self.args.tenants, self.args.parallel
        commands = []
        for t in range(tenants):
            tenant = "ok.bench-%s-%d" % (kind, t)
            if kind == "plugin":
                argv = self.plugin_argv(tenant, self.new_cache("tp%d" % t))
                self.expect_ok(run_measured(argv, self.env, self.dir), "throughput warm-up")
            else:
                argv = self.curl_argv(tenant)
            commands.append(argv)
        before = self.call("GET", "/_sim/stats")[1]
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=width) as pool:
            results = list(pool.map(lambda i: run_measured(commands[i % tenants], self.env,
                                                         self.dir),
                                    range(checks)))
        wall = time.perf_counter() - t0
        after = self.call("GET", "/_sim/stats")[1]
        for res in results:
            self.expect_ok(res, "throughput " + kind)
        sent = json.loads(after)["requests"] - json.loads(before)["requests"]
        return wall, sum(r[2] for r in results), sent

    @staticmethod
    def expect_ok(result, what):
        if result[0] != 0:
            raise RuntimeError("%s run exited %s" % (what, result[0]))


def median(values, index):
    return statistics.median(v[index] for v in values)


def machine_note(binary):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    def first_line(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "?"
    return [
        "- date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "- CPU: %s, %d logical CPUs" % (cpu, os.cpu_count() or 0),
        "- kernel: %s %s" % (platform.system(), platform.release()),
        "- plugin: %s" % first_line([binary, "--version"]),
        "- curl: %s" % first_line(["curl", "--version"]),
        "- simulator: Python %s (tests/sim/simulator.py), TLS 1.3, P-256 certificate" %
        platform.python_version(),
        "- load average (1 min) at the start and the end: %.2f, %.2f (anything above 0 means"
        % (LOAD_AT_START, os.getloadavg()[0]),
        "  other work shared the CPUs; wall times are the figures it disturbs most)",
    ]


def render(args, binary, latency, overhead, samples, requests, herd, tp_plugin, tp_curl):
    c, w, k = samples["curl"], samples["warm"], samples["cold"]
    def quartiles(s, index):
        q = statistics.quantiles([v[index] * 1000 for v in s], n=4)
        return "%.1f–%.1f" % (q[0], q[2])

    def row(name, s, reqs):
        return "| %s | %.1f ms | %s | %.1f ms | %s | %.1f MiB | %s |" % (
            name, median(s, 0) * 1000, quartiles(s, 0), median(s, 1) * 1000, quartiles(s, 1),
            median(s, 2) / 1024, "/".join(str(n) for n in sorted(set(reqs))))

    def ratio(name, s):
        return "| %s / curl | %.2f | | %.2f | | %.2f | |" % (
            name, median(s, 0) / median(c, 0), median(s, 1) / median(c, 1),
            median(s, 2) / median(c, 2))
    warm_ok = {
        "warm: exactly 1 HTTPS request": set(requests["warm"]) == {1},
        "cold: exactly 2 HTTPS requests": set(requests["cold"]) == {2},
        "warm wall <= 1.2 x curl": median(w, 0) <= 1.2 * median(c, 0),
        "warm CPU <= 1.2 x curl": median(w, 1) <= 1.2 * median(c, 1),
        "warm peak RSS <= 1.0 x curl": median(w, 2) <= 1.0 * median(c, 2),
        "8 simultaneous cold checks: 1 token request": set(herd) == {1},
    }
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/bench.py). Each process is measured by the OS: CPU is",
        "user + system time from `wait4`, peak RSS is `/usr/bin/time`'s `%M` (the process's own,",
        "not its parent's pages copied before exec), wall time is fork to exit. Every process",
        "runs under `/usr/bin/time`; its cost, measured as `/usr/bin/time /bin/true` (%.1f ms wall,"
        % (overhead[0] * 1000),
        "%.1f ms CPU), is subtracted from every wall and CPU figure (including throughput CPU)."
        % (overhead[1] * 1000),
        "Medians of %d runs of each kind, interleaved run by run. HTTPS requests are counted by"
        % args.runs,
        "the simulator. The curl floor sends the plugin's exact `$batch` request with a token",
        "fetched beforehand; both trust only the test CA file (plus the system CA directory).",
        "",
        "Simulator latency: one request on a kept-alive connection takes %.2f ms (no Nagle or"
        % (latency[1] * 1000),
        "delayed-ACK stalls: the simulator writes each answer in one `sendall` with TCP_NODELAY);",
        "one `curl` process doing a GET of `/_sim/stats`, with its TLS handshake, %.1f ms."
        % (latency[0] * 1000),
        "",
        "| per check | wall | wall p25–p75 | CPU | CPU p25–p75 | peak RSS | HTTPS requests |",
        "|---|---|---|---|---|---|---|",
        row("curl, one `$batch` request (floor)", c, requests["curl"]),
        row("plugin, warm cache", w, requests["warm"]),
        row("plugin, cold cache", k, requests["cold"]),
        ratio("warm", w),
        ratio("cold", k),
        "",
        "Concurrent cold start: %d rounds of 8 simultaneous checks of one tenant with an empty"
        % len(herd),
        "cache made %s token request(s) per round." % ", ".join(str(n) for n in herd),
        "",
        "Throughput: %d checks across %d tenants, %d at a time (warm caches):" %
        (args.checks, args.tenants, args.parallel),
        "",
        "| per %d checks | wall | CPU (all processes) | HTTPS requests |" % args.checks,
        "|---|---|---|---|",
        "| plugin | %.2f s | %.2f s | %d |" % tp_plugin,
        "| curl (one `$batch` each) | %.2f s | %.2f s | %d |" % tp_curl,
        "| plugin / curl | %.2f | %.2f | |" % (tp_plugin[0] / tp_curl[0], tp_plugin[1] / tp_curl[1]),
        "",
        "Targets:",
        "",
    ]
    lines += ["- %s: %s" % (name, "met" if ok else "NOT met") for name, ok in warm_ok.items()]
    lines += ["", "Machine:", ""] + machine_note(binary) + [""]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", default=os.path.join(ROOT, "check_password_sync"))
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--checks", type=int, default=1000)
    p.add_argument("--tenants", type=int, default=100)
    p.add_argument("--parallel", type=int, default=8)
    p.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    args = p.parse_args()
    global LOAD_AT_START
    LOAD_AT_START = os.getloadavg()[0]
    if shutil.which("curl") is None:
        sys.exit("bench: curl is needed for the floor")
    bench = Bench(args)
    try:
        bench.start()
        latency = bench.simulator_latency()
        print("simulator: curl GET %.1f ms, kept-alive request %.2f ms" %
              (latency[0] * 1000, latency[1] * 1000), flush=True)
        if latency[1] > 0.010:
            print("bench: warning: the simulator is slow (%.1f ms per request)" %
                  (latency[1] * 1000), flush=True)
        over_wall, over_cpu = bench.launcher_overhead()
        print("launcher: /usr/bin/time /bin/true %.1f ms wall, %.1f ms CPU (subtracted)" %
              (over_wall * 1000, over_cpu * 1000), flush=True)
        samples, requests = bench.single_runs()
        samples = {kind: [(w - over_wall, c - over_cpu, r) for w, c, r in runs]
                   for kind, runs in samples.items()}
        herd = bench.concurrent_cold()
        tp_plugin = bench.throughput("plugin")
        tp_curl = bench.throughput("curl")
        tp_plugin = (tp_plugin[0], tp_plugin[1] - over_cpu * args.checks, tp_plugin[2])
        tp_curl = (tp_curl[0], tp_curl[1] - over_cpu * args.checks, tp_curl[2])
    finally:
        bench.stop()
    text = render(args, bench.binary, latency, (over_wall, over_cpu), samples, requests, herd,
                  tp_plugin, tp_curl)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
