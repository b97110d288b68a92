#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests: the built check_password_sync against the HTTPS simulator.

    python3 tests/integration/test_plugin.py --binary ./check_password_sync [--wrapper "valgrind ..."]
        [-k SUBSTRING]... [--list] [--jobs N] [--slack SECONDS] [--keep]

Creates a temporary folder, generates a test CA and certificates there (tests/tools/make_certs.sh),
writes a random client secret (mode 0600), starts the simulator (tests/sim/simulator.py) plus
three simulators with hostile TLS certificates (wrong host, expired, unknown CA), and runs the
plugin once per test. Every run is also checked for the output property: exit code 0..3 matching
the state word, output <= 4096 bytes of valid UTF-8, no control characters but newlines, no `|`
except the perfdata separator on line 1, nothing on stderr, neither the secret nor any token the
simulator issued appears, and the run finished within its -t timeout plus --slack seconds.

Prints `ok   <name>` or `FAIL <name>: <reason>` per test and, at the end,
`integration: N passed, N failed`; exits 1 if any test failed.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
SIMULATOR = os.path.join(TESTS, "sim", "simulator.py")
MAKE_CERTS = os.path.join(TESTS, "tools", "make_certs.sh")
HANG_PERFORM_SRC = os.path.join(TESTS, "fault", "hang_perform.c")
SANITIZER_OPTIONS = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
STATES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
MAX_OUTPUT = 4096
MAX_STATUS_LINE = 100  # an OK or WARNING line 1 before the perfdata: Icinga Web's list, an SMS
DEFAULT_TIMEOUT = 10
# How much slower than a plain build a check runs (CPU-bound start-up and TLS), measured with a
# second `make check` on the same two cores; the default -t is multiplied by it.
VALGRIND_SLOWDOWN = 6
ASAN_SLOWDOWN = 3


def slowdown_of(binary, wrapper):
    """VALGRIND_SLOWDOWN under a valgrind wrapper, ASAN_SLOWDOWN for a binary built with
    AddressSanitizer (it carries the ASan runtime's entry point), else 1."""
    if any(os.path.basename(word) == "valgrind" for word in wrapper):
        return VALGRIND_SLOWDOWN
    try:
        with open(binary, "rb") as f:
            if b"__asan_init" in f.read():
                return ASAN_SLOWDOWN
    except OSError:
        pass
    return 1


def has_timeout_option(args):
    return any(a in ("-t", "--timeout") or a.startswith("--timeout=") or
               (a.startswith("-t") and not a.startswith("--")) for a in args)

MIN, HOUR, DAY = 60, 3600, 86400
AGE_OK_PASSWORD = 31 * MIN
AGE_OK_DIRSYNC = 12 * MIN
AGE_STALE = 4 * DAY + 2 * HOUR
AGE_VERY_STALE = 8 * DAY

ORG_URL = ("/organization?$select=id,verifiedDomains,onPremisesSyncEnabled,"
           "onPremisesLastSyncDateTime,onPremisesLastPasswordSyncDateTime")
SYNC_URL = "/directory/onPremisesSynchronization?$select=features,configuration"

LINE1 = re.compile(r"^PASSWORD_SYNC (OK|WARNING|CRITICAL|UNKNOWN) - (\S.*)$")


class TestFailure(AssertionError):
    pass


def fail(msg):
    raise TestFailure(msg)


class TestSkipped(Exception):
    """A test that cannot run here (e.g. it needs root); counted apart, never as passed."""


def skip(msg):
    raise TestSkipped(msg)


# --- the simulator ---------------------------------------------------------------------------

class Simulator:
    def __init__(self, workdir, name, cert, key, secret_file, ca):
        self.name = name
        self.ca = ca
        port_file = os.path.join(workdir, "port-%s" % name)
        self.log = open(os.path.join(workdir, "sim-%s.log" % name), "wb")
        self.proc = subprocess.Popen(
            [sys.executable, SIMULATOR, "--cert", cert, "--key", key, "--port", "0",
             "--port-file", port_file, "--secret-file", secret_file, "--verbose"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("simulator %s did not start (see %s)" % (name, self.log.name))
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.url = "https://127.0.0.1:%d" % self.port
        # Control requests always verify against the test CA; hostile simulators are only
        # queried over a context that trusts their certificate on purpose.
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE if name != "main" else ssl.CERT_REQUIRED

    def call(self, method, path):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=10)
        try:
            conn.request(method, path)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise RuntimeError("simulator %s %s -> %d" % (method, path, resp.status))
        return json.loads(data)

    def stats(self, tenant=None):
        q = "" if tenant is None else "?tenant=" + urllib.parse.quote(tenant)
        return self.call("GET", "/_sim/stats" + q)

    def log_of(self, tenant):
        return self.call("GET", "/_sim/log?tenant=" + urllib.parse.quote(tenant))["log"]

    def tokens(self):
        return self.call("GET", "/_sim/tokens")["tokens"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Blackhole:
    """A TCP port on 127.0.0.1 that accepts connections and never says anything (not even the
    TLS handshake), holding them open until stopped."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = "https://127.0.0.1:%d" % self.port
        self.held = []
        self.accepted = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.accepted += 1
            self.held.append(conn)

    def stop(self):
        self.stopping.set()
        self.thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()


# --- running the plugin ------------------------------------------------------------------------

class Result:
    def __init__(self, argv, rc, out, err, elapsed):
        self.argv = argv
        self.rc = rc
        self.out = out
        self.err = err
        self.elapsed = elapsed
        self.text = out.decode("utf-8", errors="replace")
        self.lines = self.text.split("\n")
        self.line1 = self.lines[0]
        m = LINE1.match(self.line1)
        self.state = m.group(1) if m else None
        head, sep, perf = self.line1.partition("|")
        self.summary = head.strip()
        self.perfdata_text = perf.strip() if sep else None

    def describe(self):
        out = self.text if len(self.text) < 1500 else self.text[:1500] + "...[cut]"
        s = "\n    command: %s\n    exit %s after %.2fs\n    stdout: %s" % (
            " ".join(shlex.quote(a) for a in self.argv), self.rc, self.elapsed,
            out.replace("\n", "\n            "))
        if self.err:
            e = self.err.decode("utf-8", "replace")
            s += "\n    stderr: %s" % (e[:1500].replace("\n", "\n            "))
        return s

    def perf(self):
        """label -> dict(value, uom, warn, crit, min, max) from line 1's perfdata."""
        out = {}
        if not self.perfdata_text:
            return out
        for item in self.perfdata_text.split():
            m = re.match(r"^('[^']+'|[^=]+)=([-0-9.]+)([a-zA-Z%]*)((?:;[^;]*){0,4})$", item)
            if not m:
                fail("malformed perfdata item %r%s" % (item, self.describe()))
            fields = (m.group(4).split(";") + [""] * 5)[1:5]
            out[m.group(1).strip("'")] = {"value": float(m.group(2)), "uom": m.group(3),
                                          "warn": fields[0], "crit": fields[1],
                                          "min": fields[2], "max": fields[3]}
        return out


def closed_port():
    """A port on 127.0.0.1 that nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Context:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.binary)
        self.wrapper = shlex.split(args.wrapper) if args.wrapper else []
        self.slowdown = args.slowdown or slowdown_of(self.binary, self.wrapper)
        # The time allowed past -t: start-up and exit are slower by the same factor as the rest
        # (an ASan build's runs with a short -t of their own need it too).
        self.slack = args.slack if args.slack is not None else (
            15.0 if self.wrapper else 1.0 * self.slowdown)
        # The -t of a run that does not choose its own: scaled, so that a slow build on a busy
        # machine still finishes its check instead of timing out.
        self.default_timeout = DEFAULT_TIMEOUT * self.slowdown
        self.sims = {}
        self.counter = 0
        self.lock = threading.Lock()

    def setup(self):
        self.dir = tempfile.mkdtemp(prefix="cps-integration-")
        pki = os.path.join(self.dir, "pki")
        subprocess.run(["sh", MAKE_CERTS, pki], check=True)
        self.ca = os.path.join(pki, "ca.pem")
        # A secret like Entra's (letters, digits, `~`, `.`), plus characters that must be
        # form-encoded, so a plugin that forgets to encode it is caught by the token endpoint.
        self.secret = "sim8Q~" + secrets.token_urlsafe(24) + ".+&=%/"
        self.secret_file = os.path.join(self.dir, "client-secret")
        fd = os.open(self.secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(self.secret + "\n")
        self.home = os.path.join(self.dir, "home")
        os.mkdir(self.home, 0o700)
        for name, cert in (("main", "server"), ("wronghost", "wronghost"),
                           ("expired", "expired"), ("unknownca", "unknownca")):
            self.sims[name] = Simulator(self.dir, name, os.path.join(pki, cert + ".pem"),
                                        os.path.join(pki, cert + ".key"), self.secret_file,
                                        self.ca)
        self.sim = self.sims["main"]
        self.blackhole = Blackhole()
        self.hang_lib = os.path.join(self.dir, "hang_perform.so")
        subprocess.run(["cc", "-shared", "-fPIC", "-o", self.hang_lib, HANG_PERFORM_SRC],
                       check=True)
        self.closed_port = closed_port()

    def teardown_failures(self):
        """What teardown could not undo, each a failure of the run."""
        return []

    def teardown(self):
        if getattr(self, "shared_dir", None):
            shutil.rmtree(self.shared_dir, ignore_errors=True)
        for sim in self.sims.values():
            sim.stop()
        if getattr(self, "blackhole", None):
            self.blackhole.stop()
        if self.args.keep:
            print("kept %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def unique(self, scenario):
        """A tenant naming `scenario` whose requests are counted apart from all others."""
        with self.lock:
            self.counter += 1
            return "%s.run%d%s" % (scenario, self.counter, secrets.token_hex(3))

    def all_tokens(self):
        toks = []
        for sim in self.sims.values():
            try:
                toks += sim.tokens()
            except Exception:  # a hostile simulator may be unreachable over TLS: no tokens there
                pass
        return toks

    def run(self, tenant="ok", *extra, secret="env", sim=None, authority=None, graph=None,
            ca=True, env=None, timeout=DEFAULT_TIMEOUT, base=True, check=True, cache=None,
            prefix=()):
        """Run the plugin; check the output property; return a Result.

        secret: "env" (AZURE_CLIENT_SECRET), "file" (--client-secret-file), None, or a string
        to put in AZURE_CLIENT_SECRET. tenant None leaves out -T. timeout: the -t the run
        uses (for the time property; pass -t yourself in extra). cache: None adds
        --no-token-cache, a folder adds --token-cache FOLDER, "default" adds neither.
        """
        sim = sim or self.sim
        if timeout == DEFAULT_TIMEOUT and not has_timeout_option(extra):
            timeout = self.default_timeout
            if base and self.slowdown != 1:
                extra = ("-t", "%g" % timeout) + tuple(extra)
        argv = list(prefix) + list(self.wrapper) + [self.binary]
        if base:
            if tenant is not None:
                argv += ["-T", tenant]
            argv += ["-C", CLIENT_ID,
                     "--authority-host", authority or sim.url,
                     "--graph-endpoint", graph or sim.url]
            if cache is None:
                argv += ["--no-token-cache"]
            elif cache != "default":
                argv += ["--token-cache", cache]
            if ca:
                argv += ["--ca-file", ca if isinstance(ca, str) else self.ca]
        argv += list(extra)
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
             "LANG": "C.UTF-8", "TZ": "Europe/Berlin"}
        for name in SANITIZER_OPTIONS:  # `make integration-san` sets them for the plugin
            if name in os.environ:
                e[name] = os.environ[name]
        if secret == "env":
            e["AZURE_CLIENT_SECRET"] = self.secret
        elif secret == "file":
            argv += ["--client-secret-file", self.secret_file]
        elif secret is not None:
            e["AZURE_CLIENT_SECRET"] = secret
        e.update(env or {})
        t0 = time.monotonic()
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=e,
                               timeout=timeout + self.slack + 10)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as x:
            rc, out, err = None, x.stdout or b"", x.stderr or b""
        elapsed = time.monotonic() - t0
        res = Result(argv, rc, out, err, elapsed)
        if self.args.show:
            with self.lock:
                print("run:%s" % res.describe(), flush=True)
        if check:
            self.check_property(res, timeout)
        return res

    def check_property(self, res, timeout):
        """The output property every run must satisfy."""
        problems = []
        if res.rc is None:
            problems.append("did not finish within %ss (killed)" % (timeout + self.slack + 10))
        elif not 0 <= res.rc <= 3:
            problems.append("exit code %s is not 0..3" % res.rc)
        if len(res.out) > MAX_OUTPUT:
            problems.append("output is %d bytes (> %d)" % (len(res.out), MAX_OUTPUT))
        try:
            text = res.out.decode("utf-8")
        except UnicodeDecodeError as x:
            problems.append("output is not valid UTF-8: %s" % x)
            text = res.text
        bad = sorted({"U+%04X" % ord(c) for c in text
                      if c != "\n" and unicodedata.category(c) == "Cc"})
        if bad:
            problems.append("control characters in output: %s" % ", ".join(bad))
        lines = text.split("\n")
        if res.state in ("OK", "WARNING") and len(res.summary) > MAX_STATUS_LINE:
            problems.append("the %s status line is %d characters (> %d)"
                            % (res.state, len(res.summary), MAX_STATUS_LINE))
        if lines[0].count("|") > 1:
            problems.append("line 1 has %d '|'" % lines[0].count("|"))
        if any("|" in ln for ln in lines[1:]):
            problems.append("'|' outside line 1")
        if res.state is None:
            problems.append("line 1 is not `PASSWORD_SYNC <STATE> - <summary>`")
        elif res.rc is not None and STATES[res.state] != res.rc:
            problems.append("state %s but exit code %s" % (res.state, res.rc))
        if not self.wrapper and res.err:
            problems.append("wrote to stderr")
        if res.rc is not None and res.elapsed > timeout + self.slack:
            problems.append("took %.2fs (> -t %s + %.1fs)" % (res.elapsed, timeout, self.slack))
        both = res.out + b"\n" + res.err
        for form in {self.secret, urllib.parse.quote_plus(self.secret),
                     urllib.parse.quote(self.secret, safe="")}:
            if form.encode() in both:
                problems.append("the client secret appears in the output")
        for tok in self.all_tokens():
            parts = tok.split(".")
            if tok.encode() in both or any(len(p) > 20 and p.encode() in both for p in parts[1:]):
                problems.append("an access token (or its payload/signature) appears in the output")
                break
        if problems:
            fail("; ".join(problems) + res.describe())


# --- assertions ------------------------------------------------------------------------------

def expect(res, state, *substrings, absent=(), line1=True):
    """State and substrings (of line 1, or of the whole output with line1=False)."""
    if res.state != state:
        fail("expected %s, got %s%s" % (state, res.state, res.describe()))
    where = res.line1 if line1 else res.text
    for s in substrings:
        if s not in where:
            fail("expected %r in %s%s" % (s, "line 1" if line1 else "the output", res.describe()))
    for s in absent:
        if s in where:
            fail("did not expect %r in %s%s" % (s, "line 1" if line1 else "the output",
                                                res.describe()))


def expect_summary_prefix(res, state):
    prefix = "PASSWORD_SYNC %s - " % state
    if not res.line1.startswith(prefix):
        fail("line 1 does not start with %r%s" % (prefix, res.describe()))


def expect_perf(res, label, age=None, warn=None, crit=None, tol=3):
    """Perfdata `label=<age>s;warn;crit;;0`-ish: value within [age-1, age+tol+elapsed]."""
    perf = res.perf()
    if label not in perf:
        fail("perfdata label %s missing%s" % (label, res.describe()))
    p = perf[label]
    if p["uom"] != "s":
        fail("perfdata %s has unit %r, expected 's'%s" % (label, p["uom"], res.describe()))
    if p["min"] != "0":
        fail("perfdata %s min is %r, expected 0%s" % (label, p["min"], res.describe()))
    if age is not None and not (age - 1 <= p["value"] <= age + tol + res.elapsed):
        fail("perfdata %s=%s, expected about %s%s" % (label, p["value"], age, res.describe()))
    if warn is not None and p["warn"] not in (warn if isinstance(warn, tuple) else (warn,)):
        fail("perfdata %s warn is %r, expected %r%s" % (label, p["warn"], warn, res.describe()))
    if crit is not None and p["crit"] != crit:
        fail("perfdata %s crit is %r, expected %r%s" % (label, p["crit"], crit, res.describe()))


def expect_no_perf(res, label):
    if label in res.perf():
        fail("perfdata label %s should be absent (null timestamp)%s" % (label, res.describe()))


def expect_counts(ctx, tenant, res, sim=None, **want):
    got = (sim or ctx.sim).stats(tenant)
    wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
    if wrong:
        fail("simulator counts for %s: %s (got, want); all: %s%s"
             % (tenant, wrong, got, res.describe()))
    return got


# --- the tests -------------------------------------------------------------------------------

TESTS = []
# Tests that start dozens of checks at once: run after the others, one at a time, so that their
# load does not push a neighbour's start-up past its -t (nor theirs).
ALONE = set()


def test(name):
    def deco(fn):
        TESTS.append((name, fn))
        return fn
    return deco


def scenario_test(name, scenario, state, *substrings, extra=(), absent=(), perf=None,
                  no_perf=(), timeout=DEFAULT_TIMEOUT, whole_output=()):
    """A table-driven test: run `scenario`, assert state, line-1 substrings, perfdata."""
    def fn(ctx):
        res = ctx.run(scenario, *extra, timeout=timeout)
        expect_summary_prefix(res, state)
        expect(res, state, *substrings, absent=absent)
        if whole_output:
            expect(res, state, *whole_output, line1=False)
        for label, kw in (perf or {}).items():
            expect_perf(res, label, **kw)
        for label in no_perf:
            expect_no_perf(res, label)
    TESTS.append((name, fn))


def counted_test(name, scenario, state, *substrings, gap=None, only=None, t=None, **counts):
    """A table-driven test: run `scenario`, assert the state, line-1 substrings and the
    simulator's request counts; with gap, the
    second $batch (or token request) came at least `gap` seconds after the first; with only,
    the second $batch carried only that sub-request; with t, that -t rather than the default."""
    def fn(ctx):
        tenant = ctx.unique(scenario)
        res = ctx.run(tenant, "-t", str(t), timeout=t) if t else ctx.run(tenant)
        expect(res, state, *substrings)
        expect_counts(ctx, tenant, res, **counts)
        log = ctx.sim.log_of(tenant)
        kind = "token" if counts.get("token", 1) > 1 else "batch"
        times = [e["time"] for e in log if e["kind"] == kind]
        if gap is not None and times[1] - times[0] < gap:
            fail("retried after %.3fs, expected at least %.1fs%s"
                 % (times[1] - times[0], gap, res.describe()))
        if only is not None:
            batches = [e for e in log if e["kind"] == "batch"]
            url = {"org": ORG_URL, "sync": SYNC_URL}[only]
            if batches[1].get("urls") != [url]:
                fail("the retry should carry only %s, got %r%s" % (only, batches[1], res.describe()))
    TESTS.append((name, fn))


W3D = "259200"
OK_SUMMARY = "password hash sync enabled, password sync 31m ago, directory sync 12m ago"
OK_PERF = {"password_sync_age": dict(age=AGE_OK_PASSWORD, warn=W3D, crit=""),
           "dirsync_age": dict(age=AGE_OK_DIRSYNC, warn=W3D, crit="")}

# healthy
scenario_test("ok", "ok", "OK", OK_SUMMARY, perf=OK_PERF)


SYNC_CLIENT = ("sync client: Entra Connect 2.4.129.0 on AADC-SYNC01 as "
               "Sync_AADC-SYNC01_1@contoso.onmicrosoft.com, every 30m")
scenario_test("sync-client", "ok", "OK", OK_SUMMARY, whole_output=(SYNC_CLIENT,),
              absent=("AADC-SYNC01",), perf=OK_PERF)
scenario_test("sync-client-null", "sync-client-null", "OK", OK_SUMMARY, perf=OK_PERF)
scenario_test("sync-client-missing", "sync-client-missing", "OK", OK_SUMMARY, perf=OK_PERF)
scenario_test("sync-client-partial", "sync-client-partial", "WARNING",
              "directory sync on AADC-SYNC02 4d2h ago (warning above 3d)",
              whole_output=("sync client: on AADC-SYNC02 (customer requested every 1h)",))


@test("sync-client-null-or-missing-no-line")
def _(ctx):
    for tenant in ("sync-client-null", "sync-client-missing"):
        res = ctx.run(tenant)
        expect(res, "OK", OK_SUMMARY, absent=("sync client:",), line1=False)


GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@test("support-ids-graph-failure")
def _(ctx):
    """Each request carries a fresh client-request-id; a Graph failure shows request-id,
    client-request-id and date, as Microsoft support asks."""
    tenant = ctx.unique("graph-403")
    res = ctx.run(tenant)
    expect(res, "UNKNOWN", "Organization.Read.All")
    log = ctx.sim.log_of(tenant)
    ids = [e.get("client_request_id") for e in log if e["kind"] in ("token", "batch")]
    if len(ids) != 2 or not all(i and GUID.match(i) for i in ids) or ids[0] == ids[1]:
        fail("client-request-ids %s: expected two different GUIDs%s" % (ids, res.describe()))
    m = re.search(r"Graph support IDs: request-id ([0-9a-f-]{36}), client-request-id ([0-9a-f-]{36}), "
                  r"date \S", res.text)
    if not m or m.group(2) != ids[1]:
        fail("no Graph support line with the batch's client-request-id %s%s" % (ids[1], res.describe()))


@test("support-ids-entra-failure")
def _(ctx):
    tenant = ctx.unique("aadsts-7000215")
    res = ctx.run(tenant)
    expect(res, "UNKNOWN", "AADSTS7000215")
    sent = [e.get("client_request_id") for e in ctx.sim.log_of(tenant) if e["kind"] == "token"]
    m = re.search(r"Entra support IDs: trace_id ([0-9a-f-]{36}), correlation_id ([0-9a-f-]{36}), "
                  r"timestamp \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, client-request-id ([0-9a-f-]{36})",
                  res.text)
    if not m or len(sent) != 1 or m.group(2) != sent[0] or m.group(3) != sent[0]:
        fail("no Entra support line naming the sent client-request-id %s%s" % (sent, res.describe()))


@test("ok-has-no-support-ids")
def _(ctx):
    expect(ctx.run("ok"), "OK", OK_SUMMARY, absent=("support IDs",), line1=False)


@test("ok-has-no-troubleshooting-link")
def _(ctx):
    res = ctx.run("ok")
    expect(res, "OK", OK_SUMMARY, absent=("learn.microsoft.com",), line1=False)
scenario_test("ok-reversed", "ok-reversed", "OK", OK_SUMMARY, perf=OK_PERF)
scenario_test("ok-fractional", "ok-fractional", "OK", OK_SUMMARY, perf=OK_PERF)
scenario_test("ok-future", "ok-future", "OK", "password hash sync enabled",
              perf={"password_sync_age": dict(age=0, tol=0), "dirsync_age": dict(age=0, tol=0)})
scenario_test("ok-skew-14m", "ok-skew-14m", "OK", "password sync 0s ago",
              perf={"password_sync_age": dict(age=0, tol=0)})



@test("status-line-long-tenant")
def _(ctx):
    """A 253-character tenant changes nothing in line 1: the tenant is left to the detail lines."""
    for scenario, state in (("ok", "OK"), ("stale-password", "WARNING"), ("very-stale", "WARNING"),
                            ("null-dirsync", "WARNING")):
        tenant = scenario + "." + "t" * (252 - len(scenario))
        res = ctx.run(tenant)
        expect(res, state, absent=(tenant[:20],))
        if len(res.summary) > 100:
            fail("line 1 is %d characters%s" % (len(res.summary), res.describe()))


# a clock fault is named, never hidden as "0s ago"
scenario_test("future-password", "future-password", "UNKNOWN", "last password sync is ",
              "in the future: check this host's clock (NTP)", "directory sync 12m ago",
              no_perf=("password_sync_age",))
scenario_test("future-dirsync-9999", "future-dirsync-9999", "UNKNOWN", "last directory sync is ",
              "in the future: check this host's clock (NTP)",
              whole_output=("9999-12-31 23:59:59 UTC",), no_perf=("dirsync_age",))

# verdicts
scenario_test("feature-403", "feature-403", "OK", "password sync 31m ago",
              absent=("password hash sync enabled",),
              whole_output=("OnPremDirectorySynchronization.Read.All",), perf=OK_PERF)
scenario_test("phs-null", "phs-null", "OK", "password sync 31m ago",
              absent=("password hash sync enabled",),
              whole_output=("features.passwordSyncEnabled is null", "judged by timestamps"),
              perf=OK_PERF)
scenario_test("cloud-no-password-time-stale", "cloud-no-password-time-stale", "WARNING",
              "password sync time not in Graph, directory sync on AADC-SYNC01 4d2h ago",
              whole_output=("last password sync: not reported",), no_perf=("password_sync_age",),
              perf={"dirsync_age": dict(age=AGE_STALE, warn=W3D)})
scenario_test("phs-disabled", "phs-disabled", "CRITICAL",
              "password hash sync is disabled (passwordSyncEnabled is false)", perf=OK_PERF)
scenario_test("phs-disabled-ignored", "phs-disabled", "OK", "directory sync 12m ago",
              extra=("--password-sync", "ignore"), absent=("password hash sync is disabled",),
              perf={"dirsync_age": dict(age=AGE_OK_DIRSYNC, warn=W3D)})
PHS_HELP = "https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-password-hash-synchronization"
DIRSYNC_HELP = "https://learn.microsoft.com/microsoft-365/enterprise/fix-problems-with-directory-synchronization"
scenario_test("stale-password", "stale-password", "WARNING",
              "password sync 4d2h ago (warning above 3d)",
              whole_output=("troubleshooting password hash sync: " + PHS_HELP,),
              perf={"password_sync_age": dict(age=AGE_STALE, warn=W3D),
                    "dirsync_age": dict(age=AGE_OK_DIRSYNC)})
scenario_test("stale-password-critical", "stale-password", "CRITICAL",
              "password sync 4d2h ago (critical above 4d)", extra=("-c", "4d"),
              perf={"password_sync_age": dict(age=AGE_STALE, warn=W3D, crit="345600")})
scenario_test("stale-password-below-critical", "stale-password", "WARNING",
              "(warning above 3d)", extra=("-c", "5d"),
              perf={"password_sync_age": dict(age=AGE_STALE, warn=W3D, crit="432000")})
scenario_test("stale-password-warning-raised", "stale-password", "OK", "password sync 4d2h ago",
              extra=("-w", "5d"),
              perf={"password_sync_age": dict(age=AGE_STALE, warn="432000")})
scenario_test("stale-dirsync", "stale-dirsync", "WARNING",
              "directory sync on AADC-SYNC01 4d2h ago (warning above 3d)",
              whole_output=("troubleshooting directory sync: " + DIRSYNC_HELP,),
              perf={"dirsync_age": dict(age=AGE_STALE, warn=W3D),
                    "password_sync_age": dict(age=AGE_OK_PASSWORD)})
scenario_test("stale-dirsync-critical", "stale-dirsync", "CRITICAL",
              "directory sync on AADC-SYNC01 4d2h ago (critical above 4d)",
              extra=("--dirsync-critical", "4d"),
              perf={"dirsync_age": dict(age=AGE_STALE, warn=W3D, crit="345600")})
# Both explanations do not fit in 100 characters: the detail lines keep them.
scenario_test("very-stale", "very-stale", "WARNING",
              "password sync 8d ago, directory sync on AADC-SYNC01 8d ago",
              whole_output=("(8d ago; warning above 3d)",),
              perf={"password_sync_age": dict(age=AGE_VERY_STALE, warn=W3D, crit=""),
                    "dirsync_age": dict(age=AGE_VERY_STALE, warn=W3D, crit="")})
scenario_test("very-stale-critical", "very-stale", "CRITICAL", "(critical above 5d)",
              extra=("-c", "5d", "--dirsync-critical", "5d"),
              perf={"password_sync_age": dict(age=AGE_VERY_STALE, warn=W3D, crit="432000"),
                    "dirsync_age": dict(age=AGE_VERY_STALE, warn=W3D, crit="432000")})
scenario_test("dirsync-disabled", "dirsync-disabled", "CRITICAL",
              "directory sync is disabled (onPremisesSyncEnabled is false)")
scenario_test("never-synced", "never-synced", "CRITICAL",
              "directory sync has never been enabled (onPremisesSyncEnabled is null)",
              no_perf=("password_sync_age", "dirsync_age"))
scenario_test("null-password", "null-password", "WARNING",
              "no password sync recorded (onPremisesLastPasswordSyncDateTime is null)",
              perf={"dirsync_age": dict(age=AGE_OK_DIRSYNC)}, no_perf=("password_sync_age",))
scenario_test("missing-password", "missing-password", "WARNING", "no password sync recorded",
              perf={"dirsync_age": dict(age=AGE_OK_DIRSYNC)}, no_perf=("password_sync_age",))
scenario_test("null-dirsync", "null-dirsync", "WARNING",
              "no directory sync recorded (onPremisesLastSyncDateTime is null)",
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD)}, no_perf=("dirsync_age",))

# thresholds change the verdict and the perfdata
scenario_test("threshold-warning-10m", "ok", "WARNING",
              "password sync 31m ago (warning above 10m)", extra=("-w", "10m"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn="600")})
scenario_test("threshold-warning-range", "ok", "WARNING", extra=("-w", "1h:2h"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn="3600:7200")})
scenario_test("threshold-warning-inside", "ok", "WARNING", extra=("-w", "@0:1h"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn=("@0:3600", "@3600"))})
scenario_test("threshold-warning-combined-unit", "ok", "OK", OK_SUMMARY, extra=("-w", "3d12h"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn="302400")})
scenario_test("threshold-critical-30m", "ok", "CRITICAL",
              "password sync 31m ago (critical above 30m)", extra=("-c", "30m"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn=W3D, crit="1800")})
scenario_test("threshold-critical-perf-only", "ok", "OK", OK_SUMMARY, extra=("-c", "5d"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn=W3D, crit="432000")})
scenario_test("threshold-dirsync-warning", "ok", "WARNING",
              "directory sync on AADC-SYNC01 12m ago (warning above 5m)", extra=("--dirsync-warning", "5m"),
              perf={"dirsync_age": dict(age=AGE_OK_DIRSYNC, warn="300"),
                    "password_sync_age": dict(age=AGE_OK_PASSWORD, warn=W3D)})

# token endpoint errors
scenario_test("aadsts-7000215", "aadsts-7000215", "UNKNOWN",
              "token request rejected: AADSTS7000215 (invalid_client): ",
              "Invalid client secret provided", absent=("Trace ID", "Correlation ID"))
scenario_test("aadsts-7000222", "aadsts-7000222", "UNKNOWN",
              "token request rejected: AADSTS7000222 (invalid_client): ", "are expired",
              absent=("Trace ID",))
scenario_test("aadsts-90002", "aadsts-90002", "UNKNOWN",
              "token request rejected: AADSTS90002 (invalid_tenant): ", "not found",
              absent=("Trace ID",))
scenario_test("aadsts-700016", "aadsts-700016", "UNKNOWN",
              "token request rejected: AADSTS700016 (unauthorized_client): ",
              "was not found in the directory", absent=("Trace ID",))
scenario_test("token-500", "token-500", "CRITICAL", "answered HTTP 500")
scenario_test("token-html", "token-html", "UNKNOWN", "unexpected answer from")
scenario_test("token-bad-json", "token-bad-json", "UNKNOWN", "unexpected answer from")
scenario_test("token-slow", "token-slow", "CRITICAL", "timed out after 2s", extra=("-t", "2"),
              timeout=2)
scenario_test("token-slow-timeout-state", "token-slow", "UNKNOWN", "timed out after 2s",
              extra=("-t", "2:UNKNOWN"), timeout=2)

# Graph errors
scenario_test("graph-403", "graph-403", "UNKNOWN", "Organization.Read.All")
@test("graph-500")
def _(ctx):
    """A Graph 5xx with Graph's JSON error body still names the host, like the token endpoint's."""
    res = ctx.run("graph-500")
    expect(res, "CRITICAL", "127.0.0.1:%d answered HTTP 500" % ctx.sim.port, "generalException")


scenario_test("graph-403-batch", "graph-403-batch", "UNKNOWN", "HTTP 403",
              "Organization.Read.All")
scenario_test("graph-html", "graph-html", "UNKNOWN", "unexpected answer from")
scenario_test("graph-bad-json", "graph-bad-json", "UNKNOWN", "unexpected answer from")
scenario_test("graph-wrong-type", "graph-wrong-type", "UNKNOWN", "unexpected answer from")
scenario_test("graph-empty-value", "graph-empty-value", "UNKNOWN", "unexpected answer from")
scenario_test("graph-bad-date", "graph-bad-date", "UNKNOWN", "unexpected answer from")
scenario_test("graph-oversized", "graph-oversized", "UNKNOWN", "unexpected answer from")
scenario_test("graph-slow", "graph-slow", "CRITICAL", "timed out after 2s", extra=("-t", "2"),
              timeout=2)


@test("healthy-two-requests")
def _(ctx):
    """A healthy check makes exactly two HTTPS requests, shaped as the protocol says."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant)
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=1, graph_get=0, requests=2)
    log = ctx.sim.log_of(tenant)
    tok = [e for e in log if e["kind"] == "token"][0]
    want = {"method": "POST", "grant_type": "client_credentials", "client_id": CLIENT_ID,
            "scope": ctx.sim.url + "/.default", "secret_ok": True}
    wrong = {k: (tok.get(k), v) for k, v in want.items() if tok.get(k) != v}
    if not tok["content_type"].startswith("application/x-www-form-urlencoded"):
        wrong["content_type"] = (tok["content_type"], "application/x-www-form-urlencoded")
    if wrong:
        fail("token request: %s (got, want)%s" % (wrong, res.describe()))
    batch = [e for e in log if e["kind"] == "batch"][0]
    got = dict(zip(batch.get("ids", []), batch.get("urls", [])))
    if got != {"org": ORG_URL, "sync": SYNC_URL}:
        fail("$batch sub-requests %r, expected org=%s sync=%s%s"
             % (got, ORG_URL, SYNC_URL, res.describe()))


@test("secret-from-file")
def _(ctx):
    """--client-secret-file (trailing newline ignored) instead of the environment."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, secret="file")
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=1)


@test("env-tenant-client-authority")
def _(ctx):
    """-T, -C and --authority-host from AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_AUTHORITY_HOST."""
    tenant = ctx.unique("ok")
    res = ctx.run(None, "--graph-endpoint", ctx.sim.url, "--ca-file", ctx.ca, "--no-token-cache",
                  base=False, env={"AZURE_TENANT_ID": tenant, "AZURE_CLIENT_ID": CLIENT_ID,
                                   "AZURE_AUTHORITY_HOST": ctx.sim.url})
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=1)


@test("wrong-secret")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, secret="definitely-not-the-secret")
    expect(res, "UNKNOWN", "AADSTS7000215", "invalid_client")
    expect_counts(ctx, tenant, res, token=1, batch=0)


counted_test("aadsts-no-graph-request", "aadsts-7000222", "UNKNOWN", "AADSTS7000222",
             token=1, batch=0, requests=1)


@test("verbose-vvv-redacted")
def _(ctx):
    """-vvv shows the requests but neither the secret nor the token (property check)."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "-vvv")
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "> POST %s/%s/oauth2/v2.0/token" % (ctx.sim.url, tenant),
           "> POST %s/beta/$batch" % ctx.sim.url, line1=False)
    expect_counts(ctx, tenant, res, token=1, batch=1)


@test("verbose-v-vv")
def _(ctx):
    for flag in ("-v", "-vv"):
        res = ctx.run("ok", flag)
        expect(res, "OK", OK_SUMMARY)


@test("batch-429-then-ok")
def _(ctx):
    """Sub-response 429 Retry-After 1: retried with only that sub-request, after the wait."""
    tenant = ctx.unique("batch-429-then-ok")
    res = ctx.run(tenant)
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=2)
    batches = [e for e in ctx.sim.log_of(tenant) if e["kind"] == "batch"]
    if batches[1].get("ids") != [batches[0]["ids"][batches[0]["urls"].index(ORG_URL)]]:
        fail("the retry should carry only the organization sub-request, got %r%s"
             % (batches[1], res.describe()))
    gap = batches[1]["time"] - batches[0]["time"]
    if gap < 0.95:
        fail("retried after %.3fs, before Retry-After 1%s" % (gap, res.describe()))


@test("batch-429-forever")
def _(ctx):
    """429 with Retry-After 30 cannot fit in a 20 s deadline: give up at once, say 429. (-t is
    written out: the default, scaled for valgrind, would leave room for the wait.)"""
    tenant = ctx.unique("batch-429-forever")
    res = ctx.run(tenant, "-t", "20", timeout=20)
    if res.state not in ("UNKNOWN", "CRITICAL"):
        fail("expected UNKNOWN or CRITICAL, got %s%s" % (res.state, res.describe()))
    expect(res, res.state, "429")
    expect_counts(ctx, tenant, res, batch=1)
    if res.elapsed > 3 + ctx.slack:
        fail("took %.1fs: it should give up at once, not wait%s" % (res.elapsed, res.describe()))


@test("graph-503-then-ok")
def _(ctx):
    tenant = ctx.unique("graph-503-then-ok")
    res = ctx.run(tenant)
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=2)
    batches = [e for e in ctx.sim.log_of(tenant) if e["kind"] == "batch"]
    if batches[1]["time"] - batches[0]["time"] < 0.95:
        fail("retried before Retry-After 1%s" % res.describe())


# Always 503: three attempts in all, then CRITICAL.
counted_test("token-503", "token-503", "CRITICAL", "answered HTTP 503", token=3, batch=0)


counted_test("token-redirect", "token-redirect", "CRITICAL", "answered with a redirect (HTTP 302)",
             token=1, batch=0, requests=1)


counted_test("graph-redirect", "graph-redirect", "CRITICAL", "answered with a redirect (HTTP 307)",
             token=1, batch=1, requests=2)


@test("graph-401")
def _(ctx):
    tenant = ctx.unique("graph-401")
    res = ctx.run(tenant)
    expect(res, "UNKNOWN", "InvalidAuthenticationToken")
    got = ctx.sim.stats(tenant)
    if got["batch"] > 2 or got["token"] > 2:
        fail("401 must not loop: %s%s" % (got, res.describe()))


# transport and TLS

class BlackHoleResolver:
    """A DNS server on 127.0.0.53 that reads every query and never answers (UDP and TCP)."""

    ADDRESS = ("127.0.0.53", 53)

    def __init__(self):
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(self.ADDRESS)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(self.ADDRESS)
        self.tcp.listen(8)
        self.queries = 0
        self.stop = threading.Event()
        threading.Thread(target=self.swallow, daemon=True).start()

    def swallow(self):
        self.udp.settimeout(0.2)
        while not self.stop.is_set():
            try:
                self.udp.recvfrom(4096)
                self.queries += 1
            except socket.timeout:
                pass
            except OSError:  # closed
                return

    def close(self):
        self.stop.set()
        self.udp.close()
        self.tcp.close()


@test("dns-black-hole")
def _(ctx):
    """A resolver that never answers: the check still ends within -t, with the -t state.

    libcurl's resolver thread cannot be interrupted; without CURLOPT_QUICK_EXIT (or the
    watchdog) a -t 2 check took 10 s here. The plugin runs in its own mount namespace whose
    /etc/resolv.conf names only the black hole on 127.0.0.53, so no query leaves the machine."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        skip("needs root and unshare(1) for a private /etc/resolv.conf")
    resolv = os.path.join(ctx.dir, "resolv.conf")
    with open(resolv, "w") as f:
        f.write("nameserver 127.0.0.53\noptions timeout:30 attempts:1\n")
    try:
        resolver = BlackHoleResolver()
    except OSError as e:
        skip("cannot listen on 127.0.0.53:53: %s" % e)
    try:
        prefix = ["unshare", "-m", "sh", "-c",
                  'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv]
        res = ctx.run("ok", "-t", "2", authority="https://login.black-hole.invalid",
                      prefix=prefix, timeout=2)
    finally:
        resolver.close()
    expect(res, "CRITICAL", "timed out")
    if resolver.queries == 0:
        fail("the resolver saw no query: the test did not exercise DNS%s" % res.describe())


@test("verbose-proxy-password-from-environment")
def _(ctx):
    """A proxy password in https_proxy (libcurl reads it) never reaches -vvv output."""
    password = "Pr0xy-" + secrets.token_hex(6)
    res = ctx.run("ok", "-vvv", "-t", "3", timeout=3,
                  env={"https_proxy": "http://monitor:%s@127.0.0.1:%d"
                                      % (password, ctx.closed_port)})
    expect(res, "CRITICAL")
    if password in res.text:
        fail("the proxy password appears in the output%s" % res.describe())


def encoded_forms(value):
    """The spellings of value a server may echo: raw, percent-encoded (upper and lower hex, ~
    plain and as %7E, + for a space) and JSON-escaped (\\/ and \\uXXXX for every character)."""
    upper = urllib.parse.quote(value, safe="~")
    plus = urllib.parse.quote_plus(value, safe="~")
    forms = {value, upper, plus, upper.replace("~", "%7E"),
             re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), plus).replace("~", "%7e"),
             json.dumps(value)[1:-1].replace("/", "\\/"),
             "".join("\\u%04x" % ord(c) for c in value),
             "".join("\\u%04X" % ord(c) for c in value)}
    return {f for f in forms if f}


def expect_none_of(res, values, what):
    for value in values:
        for form in encoded_forms(value):
            if form in res.text:
                fail("%s appears in the output as %r%s" % (what, form, res.describe()))


@test("leak-token-error-echoes-secret")
def _(ctx):
    """error_description quoting the secret raw, percent-encoded and JSON-escaped: every
    spelling is redacted, in the status line and in -vvv's copy of the answer."""
    for verbosity in ([], ["-vvv"]):
        res = ctx.run("leak-token-echoes-secret", *verbosity)
        expect(res, "UNKNOWN", "AADSTS7000215", "Invalid client secret provided: '[redacted]' "
               "(sent as [redacted], JSON [redacted])")
        expect_none_of(res, [ctx.secret], "the client secret")


@test("leak-vvv-escaped-token-answer")
def _(ctx):
    """A token answer written with the key access\\u005ftoken and '/' as \\/: -vvv shows
    the body, never the token."""
    tenant = ctx.unique("leak-token-escaped")
    res = ctx.run(tenant, "-vvv")
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", '"access\\u005ftoken"', "[redacted]", line1=False)
    issued = [t for t in ctx.sim.tokens() if "/" in t]
    if not issued:
        fail("the simulator issued no token with '/'%s" % res.describe())
    expect_none_of(res, issued, "the access token")


@test("leak-graph-organization-echoes-authorization")
def _(ctx):
    res = ctx.run("leak-org-echoes-authorization", "-v")
    expect(res, "UNKNOWN", "Graph refused the request for the organization",
           "Invalid request header Authorization: [redacted]")
    expect_none_of(res, ctx.sim.tokens(), "the access token")


@test("leak-graph-feature-flag-echoes-authorization")
def _(ctx):
    """The feature-flag sub-request's error becomes a detail line: redacted there too."""
    res = ctx.run("leak-sync-echoes-authorization")
    expect(res, "OK", "password sync 31m ago")
    expect(res, "OK", "Invalid request header Authorization: [redacted]", line1=False)
    expect_none_of(res, ctx.sim.tokens(), "the access token")


@test("leak-proxy-url-in-libcurl-error")
def _(ctx):
    """libcurl quotes a proxy URL it cannot parse ('#' or '/' in the password, a bad port):
    from --proxy or from the environment, the password never shows."""
    password = "Pa/ss#w0rd" + secrets.token_hex(4)
    bad_port = "Pw0rd" + secrets.token_hex(4)
    runs = [(password, ["--proxy", "http://monitor:%s@127.0.0.1:3128" % password], {}),
            (bad_port, ["--proxy", "http://monitor:%s@127.0.0.1:99999" % bad_port], {})]
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy"):
        runs.append((password, [], {name: "http://monitor:%s@127.0.0.1:3128" % password}))
    for secret, args, env in runs:
        for verbosity in ([], ["-vvv"]):
            res = ctx.run("ok", *(args + verbosity), env=env)
            expect(res, "UNKNOWN", "proxy URL", "[redacted]")
            expect_none_of(res, [secret, secret[4:]], "the proxy password")


@test("file-descriptors-exhausted")
def _(ctx):
    """With too few file descriptors (ulimit -n) for a connection, the message names that, not
    a network or CA error."""
    if ctx.slowdown == ASAN_SLOWDOWN or ctx.wrapper:
        # The sanitizers' runtime probes memory through a pipe: with no descriptor left it
        # reports every virtual call as an invalid object; valgrind needs descriptors of its own
        # to start. The plain build's run tests this.
        skip("the sanitizer runtime or valgrind needs file descriptors of its own")
    for limit in (4, 5, 6):  # each fails at a different place: CA file, socket, CA file
        res = ctx.run("ok", prefix=("sh", "-c", 'ulimit -n %d && exec "$@"' % limit, "sh"))
        expect(res, "UNKNOWN", "ran out of file descriptors (EMFILE: Too many open files)",
               "raise the limit (ulimit -n)", absent=("TLS failure", "cannot reach"))
    res = ctx.run("ok", prefix=("sh", "-c", 'ulimit -n 16 && exec "$@"', "sh"))
    expect(res, "OK", OK_SUMMARY)


def malformed_token_test(name):
    def fn(ctx):
        tenant = ctx.unique("malformed-token-" + name)
        res = ctx.run(tenant, "-vvv")
        expect(res, "UNKNOWN", "malformed access token from the token endpoint 127.0.0.1:%d"
               % ctx.sim.port)
        expect_counts(ctx, tenant, res, token=1, batch=0)
        if "X-Injected" in res.text:
            fail("the injected header shows in the output%s" % res.describe())
    TESTS.append(("malformed-token-" + name, fn))


for _name in ("crlf", "space", "control", "quote"):
    malformed_token_test(_name)


@test("unreachable-authority")
def _(ctx):
    url = "https://127.0.0.1:%d" % ctx.closed_port
    res = ctx.run("ok", authority=url)
    expect(res, "CRITICAL", "cannot reach 127.0.0.1:%d" % ctx.closed_port)


@test("unreachable-graph")
def _(ctx):
    tenant = ctx.unique("ok")
    url = "https://127.0.0.1:%d" % ctx.closed_port
    res = ctx.run(tenant, graph=url)
    expect(res, "CRITICAL", "cannot reach 127.0.0.1:%d" % ctx.closed_port)
    expect_counts(ctx, tenant, res, token=1, batch=0)


def tls_test(name, sim_name, reason, use_ca=True):
    def fn(ctx):
        sim = ctx.sims[sim_name]
        tenant = ctx.unique("ok")
        res = ctx.run(tenant, sim=sim, ca=use_ca)
        expect(res, "CRITICAL", "TLS failure with 127.0.0.1:%d" % sim.port, reason)
        # The handshake must fail before any HTTP request (and so the secret) is sent.
        expect_counts(ctx, tenant, res, sim=sim, token=0, requests=0)
    TESTS.append((name, fn))


tls_test("tls-unknown-ca-no-ca-file", "main", "unable to get local issuer certificate",
         use_ca=False)
tls_test("tls-self-signed-unknown-ca", "unknownca", "self-signed certificate")
tls_test("tls-wrong-host", "wronghost", "no alternative certificate subject name matches")
tls_test("tls-expired", "expired", "certificate has expired")


# usage errors: UNKNOWN, and nothing is sent

def usage_test(name, *extra, secret="env", tenant=True, env=None):
    def fn(ctx):
        t = ctx.unique("ok") if tenant else None
        res = ctx.run(t, *[a.replace("{dir}", ctx.dir) for a in extra], secret=secret, env=env)
        expect_summary_prefix(res, "UNKNOWN")
        expect(res, "UNKNOWN")
        if t is not None:
            expect_counts(ctx, t, res, requests=0)
    TESTS.append((name, fn))


usage_test("usage-bad-range", "-w", "abc")
usage_test("usage-range-start-above-end", "-w", "5d:1d")
usage_test("usage-bad-duration-unit", "--dirsync-critical", "3x")
usage_test("usage-missing-tenant", tenant=False)
usage_test("usage-bad-critical", "-c", "1d:2x")
usage_test("usage-missing-secret", secret=None)
usage_test("usage-secret-file-is-directory", "--client-secret-file", "{dir}", secret=None)
usage_test("usage-secret-file-missing", "--client-secret-file", "/nonexistent/secret",
           secret=None)
usage_test("usage-bad-password-sync", "--password-sync", "sometimes")
usage_test("usage-bad-timeout", "-t", "soon")
usage_test("usage-bad-timeout-state", "-t", "10:BOGUS")
usage_test("usage-unknown-option", "--frobnicate")


@test("usage-missing-client-id")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(None, "-T", tenant, "--authority-host", ctx.sim.url, "--graph-endpoint",
                  ctx.sim.url, "--ca-file", ctx.ca, "--no-token-cache", base=False)
    expect_summary_prefix(res, "UNKNOWN")
    expect_counts(ctx, tenant, res, requests=0)


@test("usage-secret-on-command-line-not-echoed")
def _(ctx):
    """No option takes a secret; one given anyway is refused and never echoed back."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--client-secret=" + ctx.secret, secret=None)
    expect(res, "UNKNOWN")
    expect_counts(ctx, tenant, res, requests=0)


# --- the token cache ---------------------------------------------------------------------------

def cache_dir(ctx, mode=0o700):
    """A new, empty folder for one test's token cache."""
    with ctx.lock:
        ctx.counter += 1
        path = os.path.join(ctx.dir, "cache%d" % ctx.counter)
    os.mkdir(path)
    os.chmod(path, mode)
    return path


def token_files(path):
    return sorted(n for n in os.listdir(path) if n.endswith(".token"))


def expect_cache_unused(res, reason):
    expect(res, "OK", OK_SUMMARY)
    if "token cache not used: " not in res.text or reason not in res.text:
        fail("expected the line `token cache not used: ...%s`%s" % (reason, res.describe()))


@test("cache-second-run-reuses-token")
def _(ctx):
    tenant, cache = ctx.unique("ok"), cache_dir(ctx)
    first = ctx.run(tenant, cache=cache)
    expect(first, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, first, token=1, batch=1)
    second = ctx.run(tenant, "-v", cache=cache)
    expect(second, "OK", OK_SUMMARY)
    expect(second, "OK", "access token from the cache", line1=False)
    expect_counts(ctx, tenant, second, token=1, batch=2, requests=3)
    other = ctx.run(tenant, cache=cache, secret="another-secret-than-the-first")
    expect(other, "UNKNOWN", "AADSTS7000215")  # another credential: not the cached token


@test("cloud-no-password-time-asked-again-then-remembered")
def _(ctx):
    """Graph's 400 for a property this cloud lacks: asked again without it in the same check;
    the token cache remembers, so the next check is one request again."""
    tenant, cache = ctx.unique("cloud-no-password-time"), cache_dir(ctx)
    first = ctx.run(tenant, cache=cache)
    expect(first, "OK", "Graph in this cloud has no password sync time",
           "directory sync 12m ago", absent=("no password sync recorded",))
    expect_no_perf(first, "password_sync_age")
    expect_perf(first, "dirsync_age", age=AGE_OK_DIRSYNC, warn=W3D)
    expect_counts(ctx, tenant, first, token=1, batch=2, requests=3)
    urls = [e["urls"] for e in ctx.sim.log_of(tenant) if e["kind"] == "batch"]
    narrowed = ("/organization?$select=id,verifiedDomains,onPremisesSyncEnabled,"
                "onPremisesLastSyncDateTime")
    if urls != [[ORG_URL, SYNC_URL], [narrowed]]:
        fail("batch URLs %s%s" % (urls, first.describe()))
    second = ctx.run(tenant, cache=cache)
    expect(second, "OK", "Graph in this cloud has no password sync time")
    expect_counts(ctx, tenant, second, token=1, batch=3, requests=4)
    if ctx.sim.log_of(tenant)[-1].get("urls") != [narrowed, SYNC_URL]:
        fail("the warm check did not leave the property out%s" % second.describe())


@test("tenant-guid-and-domain-verified")
def _(ctx):
    """-T as the tenant's GUID or a verified domain: OK, the detail line names the tenant."""
    for tenant in ("b93319e6-5c2a-4d7e-9a1f-2c3d4e5f6a7b", "B93319E6-5C2A-4D7E-9A1F-2C3D4E5F6A7B",
                   ctx.unique("ok")):
        res = ctx.run(tenant)
        expect(res, "OK", OK_SUMMARY)
        expect(res, "OK", "tenant: b93319e6-5c2a-4d7e-9a1f-2c3d4e5f6a7b (contoso.onmicrosoft.com)",
               line1=False)


@test("tenant-guid-mismatch-unknown")
def _(ctx):
    res = ctx.run("0b0b0b0b-1111-2222-3333-444444444444")
    expect(res, "UNKNOWN", "signed in to tenant b93319e6-5c2a-4d7e-9a1f-2c3d4e5f6a7b "
           "(contoso.onmicrosoft.com), not 0b0b0b0b-1111-2222-3333-444444444444")


@test("tenant-domain-not-verified-unknown")
def _(ctx):
    tenant = ctx.unique("wrong-tenant")
    res = ctx.run(tenant)
    expect(res, "UNKNOWN", "(contoso.onmicrosoft.com), not %s (not one of its verified domains)"
           % tenant, absent=("password hash sync enabled",))


@test("cache-file-private-without-secret")
def _(ctx):
    """Default folder under $HOME/.cache: 0700 folder, 0600 files, the issued token, no secret."""
    tenant = ctx.unique("ok")
    home = cache_dir(ctx)
    res = ctx.run(tenant, cache="default", env={"HOME": home})
    expect(res, "OK", OK_SUMMARY)
    folder = os.path.join(home, ".cache", "check_password_sync")
    if os.stat(folder).st_mode & 0o777 != 0o700:
        fail("cache folder mode %o, expected 700" % (os.stat(folder).st_mode & 0o777))
    names = token_files(folder)
    if len(names) != 1 or not re.match(r"^[0-9a-f]{64}\.token$", names[0]):
        fail("expected one <sha256>.token file, found %s" % os.listdir(folder))
    issued = ctx.sim.call("GET", "/_sim/tokens?tenant=" + tenant)["tokens"]
    forms = {ctx.secret, urllib.parse.quote_plus(ctx.secret), urllib.parse.quote(ctx.secret, safe="")}
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.stat(path).st_mode & 0o777 != 0o600:
            fail("%s has mode %o, expected 600" % (name, os.stat(path).st_mode & 0o777))
        data = open(path, "rb").read()
        if any(f.encode() in data or f.encode() in name.encode() for f in forms):
            fail("%s contains the client secret" % name)
        if name.endswith(".token") and (len(issued) != 1 or issued[0].encode() not in data):
            fail("%s does not hold the issued token" % name)
    xdg = cache_dir(ctx)
    res = ctx.run(tenant, cache="default", env={"HOME": home, "XDG_CACHE_HOME": xdg})
    expect_counts(ctx, tenant, res, token=2)  # a new folder: a new token
    if len(token_files(os.path.join(xdg, "check_password_sync"))) != 1:
        fail("XDG_CACHE_HOME was not used%s" % res.describe())


@test("cache-expired-token-refreshed")
def _(ctx):
    tenant, cache = ctx.unique("short-token"), cache_dir(ctx)
    expect(ctx.run(tenant, cache=cache), "OK", OK_SUMMARY)
    time.sleep(1.2)  # the 301 s token is now within 5 minutes of its expiry
    res = ctx.run(tenant, cache=cache)
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=2, batch=2)


@test("cache-401-refreshes-once")
def _(ctx):
    tenant, cache = ctx.unique("graph-401-once"), cache_dir(ctx)
    expect(ctx.run(tenant, cache=cache), "OK", OK_SUMMARY)
    res = ctx.run(tenant, "-v", cache=cache)  # the cached token is rejected, a new one works
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "Graph rejected the cached access token", line1=False)
    expect_counts(ctx, tenant, res, token=2, batch=3)
    res = ctx.run(tenant, cache=cache)  # and the new token was cached
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=2, batch=4)


@test("cache-403-new-token-after-consent")
def _(ctx):
    """A token issued before admin consent lacks the role: it is not reused, the next check
    (after the admin granted Organization.Read.All) fetches one that has it."""
    tenant, cache = ctx.unique("graph-403-first-token"), cache_dir(ctx)
    res = ctx.run(tenant, cache=cache)
    expect(res, "UNKNOWN", "Organization.Read.All")
    expect_counts(ctx, tenant, res, token=1, batch=1)
    if token_files(cache):
        fail("a token that Graph refused stayed in the cache: %s" % os.listdir(cache))
    res = ctx.run(tenant, cache=cache)
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=2, batch=2)


@test("cache-401-does-not-loop")
def _(ctx):
    tenant, cache = ctx.unique("graph-401-always"), cache_dir(ctx)
    expect(ctx.run(tenant, cache=cache), "OK", OK_SUMMARY)
    res = ctx.run(tenant, cache=cache)
    expect(res, "UNKNOWN", "InvalidAuthenticationToken")
    expect_counts(ctx, tenant, res, token=2, batch=3)
    if token_files(cache):
        fail("a rejected token stayed in the cache: %s" % os.listdir(cache))
    res = ctx.run(tenant, cache=cache)  # a new token rejected: no second try
    expect(res, "UNKNOWN", "InvalidAuthenticationToken")
    expect_counts(ctx, tenant, res, token=3, batch=4)


def unsafe_cache_test(name, make, reason):
    def fn(ctx):
        tenant = ctx.unique("ok")
        path = make(ctx)
        for n in (1, 2):
            res = ctx.run(tenant, cache=path)
            expect_cache_unused(res, reason)
            expect_counts(ctx, tenant, res, token=n, batch=n)
        target = os.path.realpath(path)
        if os.path.isdir(target) and token_files(target):
            fail("a token was written to the refused folder %s" % path)
    TESTS.append((name, fn))


def symlinked_cache(ctx):
    link = cache_dir(ctx) + "-link"
    os.symlink(cache_dir(ctx), link)
    return link


def foreign_cache(ctx):
    path = cache_dir(ctx)
    if os.geteuid() != 0:
        return "/"  # owned by root, not by the user running the tests
    os.chown(path, 65534, 65534)
    return path


unsafe_cache_test("cache-refuses-symlink", symlinked_cache, "is a symbolic link")
unsafe_cache_test("cache-refuses-world-writable", lambda c: cache_dir(c, 0o777),
                  "is writable by group or others")
unsafe_cache_test("cache-refuses-group-writable", lambda c: cache_dir(c, 0o770),
                  "is writable by group or others")
unsafe_cache_test("cache-refuses-foreign-owner", foreign_cache, "belongs to uid")
unsafe_cache_test("cache-refuses-file", lambda c: c.secret_file, "is not a directory")


ALONE.add("cache-concurrent-cold-start-one-token")


@test("cache-concurrent-cold-start-one-token")
def _(ctx):
    tenant, cache = ctx.unique("ok"), cache_dir(ctx)
    # Eight runs at once under valgrind need more than 10 s of two cores: the scaled -t.
    t = ctx.default_timeout
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: ctx.run(tenant, "-t", str(t), cache=cache, timeout=t),
                                range(8)))
    for res in results:
        expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, results[0], token=1, batch=8)


def slowdown(ctx):
    """How much slower than a plain build the plugin runs here: -t is scaled by it."""
    return ctx.slowdown


def slow_endpoint_test(name, scenario, checks, t=DEFAULT_TIMEOUT):
    """`checks` simultaneous cold checks on one cache while the token endpoint is slow: the
    first fetches, the others wait for its token (keeping time for Graph): all OK, 1 token."""
    def fn(ctx):
        if checks > 8 and ctx.wrapper:
            skip("%d valgrind processes at once need more than two cores' worth of -t" % checks)
        tenant, cache, tt = ctx.unique(scenario), cache_dir(ctx), t * slowdown(ctx)
        with concurrent.futures.ThreadPoolExecutor(max_workers=checks) as pool:
            results = list(pool.map(
                lambda _: ctx.run(tenant, "-t", str(tt), cache=cache, timeout=tt), range(checks)))
        for res in results:
            expect(res, "OK", OK_SUMMARY)
        expect_counts(ctx, tenant, results[0], token=1, batch=checks)
    TESTS.append((name, fn))
    ALONE.add(name)


slow_endpoint_test("cache-slow-token-endpoint-8-waiters", "token-6s", 8)
slow_endpoint_test("cache-slow-token-endpoint-50-checks", "token-3s", 50)


@test("cache-slow-token-endpoint-wait-ends-unknown")
def _(ctx):
    """The holder's token request outlasts the waiter's -t: the waiter says it cannot tell
    (UNKNOWN), keeps the Graph share of -t, and sends no token request of its own."""
    tenant, cache = ctx.unique("token-slow"), cache_dir(ctx)
    tt = 5 * slowdown(ctx)
    holder = subprocess.Popen(
        [ctx.binary, "-T", tenant, "-C", CLIENT_ID, "--authority-host", ctx.sim.url,
         "--graph-endpoint", ctx.sim.url, "--ca-file", ctx.ca, "--token-cache", cache,
         "-t", str(tt + 5)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home,
             "AZURE_CLIENT_SECRET": ctx.secret})
    try:
        wait_for_token_requests(ctx, tenant, 1)
        res = ctx.run(tenant, "-t", str(tt), cache=cache, timeout=tt)
    finally:
        holder.kill()
        holder.wait()
    expect(res, "UNKNOWN", "cannot tell: another check's access token request was still running",
           "(slow token endpoint)", absent=("timed out",))
    kept = re.search(r"the ([0-9.]+)s left of -t %ds are kept for Graph" % tt, res.line1)
    share = min(0.4 * tt, 3.0)  # 40% of -t, at most 3 s
    if not kept or float(kept.group(1)) < 0.75 * share:  # less the moment it takes to end
        fail("the waiter did not keep 40%% of -t (at most 3 s) for Graph%s" % res.describe())
    expect_counts(ctx, tenant, res, token=1, batch=0)


def wait_for_token_requests(ctx, tenant, n, limit=20):
    end = time.monotonic() + limit
    while ctx.sim.stats(tenant).get("token", 0) < n:
        if time.monotonic() > end:
            fail("no token request from the first check within %ds" % limit)
        time.sleep(0.05)


@test("cache-killed-holder-never-blocks")
def _(ctx):
    """A check killed (SIGKILL) during its token request holds no lock: the next check fetches
    at once."""
    tenant, cache = ctx.unique("token-slow-once"), cache_dir(ctx)
    holder = subprocess.Popen(
        [ctx.binary, "-T", tenant, "-C", CLIENT_ID, "--authority-host", ctx.sim.url,
         "--graph-endpoint", ctx.sim.url, "--ca-file", ctx.ca, "--token-cache", cache,
         "-t", "30"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home,
             "AZURE_CLIENT_SECRET": ctx.secret})
    try:
        wait_for_token_requests(ctx, tenant, 1)
    finally:
        holder.kill()
        holder.wait()
    tt = DEFAULT_TIMEOUT * slowdown(ctx)
    res = ctx.run(tenant, "-t", str(tt), cache=cache, timeout=tt)
    expect(res, "OK", OK_SUMMARY)
    if res.elapsed > 3 * slowdown(ctx):
        fail("the next check waited for the killed one%s" % res.describe())
    expect_counts(ctx, tenant, res, token=2, batch=1)
    res = ctx.run(tenant, cache=cache)
    expect_counts(ctx, tenant, res, token=2, batch=2)


@test("cache-cleanup-spares-user-files")
def _(ctx):
    """--token-cache on a folder holding the user's own files: only the plugin's temporaries
    left by a killed check go, never a file that merely looks temporary."""
    tenant, folder = ctx.unique("ok"), cache_dir(ctx)
    old = time.time() - 3600
    mine = "." + "ab" * 32 + ".tmp.4242.17"
    names = (".notes.tmp.bak", ".profile.tmp.1", mine)
    for name in names:
        with open(os.path.join(folder, name), "w") as f:
            f.write("user data\n")
        os.utime(os.path.join(folder, name), (old, old))
    expect(ctx.run(tenant, cache=folder), "OK", OK_SUMMARY)
    left = set(os.listdir(folder))
    for name in names[:2]:
        if name not in left:
            fail("the cache cleanup deleted the user's %s" % name)
    if mine in left:
        fail("the stale temporary file of a killed check was kept: %s" % sorted(left))


def cache_refused_spelling(suffix):
    def make(ctx):
        return symlinked_cache(ctx) + suffix
    return make


unsafe_cache_test("cache-refuses-symlink-trailing-slash", cache_refused_spelling("/"),
                  "is a symbolic link")
unsafe_cache_test("cache-refuses-symlink-dot", cache_refused_spelling("/."), "is a symbolic link")


def cache_error_test(name, shell, error):
    """The cache folder fails with a real error (set up by `shell` in a private mount namespace
    or with a limit): two checks each answer OK with one line naming the error, no token kept."""
    def fn(ctx):
        if os.geteuid() != 0 or not shutil.which("unshare"):
            skip("needs root and unshare(1) for a private mount")
        if ctx.wrapper and "ulimit" in shell:
            skip("valgrind writes files of its own, which the limit would stop")
        tenant, folder = ctx.unique("ok"), cache_dir(ctx)
        prefix = ["unshare", "-m", "sh", "-c", shell + ' && shift && exec "$@"', "sh", folder]
        for n in (1, 2):
            res = ctx.run(tenant, cache=folder, prefix=prefix)
            expect(res, "OK", OK_SUMMARY)
            expect(res, "OK", "token cache not used: ", error, line1=False,
                   absent=("lock not acquired",))
            if res.text.count("token cache not used") != 1:
                fail("expected exactly one line about the cache%s" % res.describe())
            expect_counts(ctx, tenant, res, token=n, batch=n)
    TESTS.append((name, fn))


cache_error_test("cache-file-size-limit", 'ulimit -f 0', "File too large")
cache_error_test("cache-read-only-folder",
                 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"',
                 "Read-only file system")
cache_error_test("cache-folder-full",
                 'mount -t tmpfs -o size=64k,mode=0700 cps "$1" && '
                 '{ dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null; true; }',
                 "No space left on device")


def readable_ca(ctx):
    """A copy of the test CA that another user can read (the test folder is private)."""
    with ctx.lock:
        if not getattr(ctx, "shared_dir", None):
            ctx.shared_dir = tempfile.mkdtemp(prefix="cps-shared-")
            os.chmod(ctx.shared_dir, 0o755)
            shutil.copy(ctx.ca, os.path.join(ctx.shared_dir, "ca.pem"))
            os.chmod(os.path.join(ctx.shared_dir, "ca.pem"), 0o644)
    return os.path.join(ctx.shared_dir, "ca.pem")


def as_user(uid, gid):
    return ["setpriv", "--reuid=%d" % uid, "--regid=%d" % gid, "--clear-groups", "--"]


def folder_named(res):
    m = re.search(r"^token cache folder (\S+) \(", res.text, re.M)
    if not m:
        fail("-v does not name the token cache folder%s" % res.describe())
    return m.group(1)


def run_twice_as(ctx, uid, gid, want_folder, want_origin):
    """Two checks as uid with HOME=/root, as Icinga 2 started from a root shell runs them: the
    second is one HTTPS request; -v names the folder. Returns the folder."""
    tenant = ctx.unique("ok")
    env = {"HOME": "/root"}
    ca = readable_ca(ctx)
    first = ctx.run(tenant, "-v", cache="default", env=env, ca=ca, prefix=as_user(uid, gid))
    expect(first, "OK", OK_SUMMARY)
    folder = folder_named(first)
    if folder != want_folder or want_origin not in first.text:
        fail("expected the folder %s (%s)%s" % (want_folder, want_origin, first.describe()))
    second = ctx.run(tenant, "-v", cache="default", env=env, ca=ca, prefix=as_user(uid, gid))
    expect(second, "OK", "access token from the cache", line1=False)
    expect_counts(ctx, tenant, second, token=1, batch=2, requests=3)


@test("cache-home-not-owned-uses-password-database")
def _(ctx):
    """A user whose HOME is /root (not theirs) caches in their own home from the password
    database; a test user is created (and removed) when there is no `nagios` user."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        skip("needs root and setpriv(1) to run the plugin as another user")
    import pwd
    created = None
    try:
        try:
            user = pwd.getpwnam("nagios")
        except KeyError:
            if not shutil.which("useradd"):
                skip("no nagios user and no useradd(8) to create a test user")
            home = tempfile.mkdtemp(prefix="cps-user-home-")
            os.chmod(home, 0o755)
            created = "cpstest" + secrets.token_hex(3)
            subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", home,
                            "--shell", "/usr/sbin/nologin", created], check=True)
            user = pwd.getpwnam(created)
            os.chown(home, user.pw_uid, user.pw_gid)
        if not os.path.isdir(user.pw_dir) or os.stat(user.pw_dir).st_uid != user.pw_uid:
            skip("%s's home %s is not theirs" % (user.pw_name, user.pw_dir))
        dot_cache = os.path.join(user.pw_dir, ".cache")
        want = os.path.join(dot_cache, "check_password_sync")
        undo = [(d, os.path.isdir(d), set(os.listdir(d)) if os.path.isdir(d) else set())
                for d in (want, dot_cache)]
        try:
            run_twice_as(ctx, user.pw_uid, user.pw_gid, want,
                         "the user's home from the password database")
        finally:
            for folder, existed, before in undo:
                remove_new_files(folder, before, existed)
    finally:
        if created:
            subprocess.run(["userdel", created], check=False)
            shutil.rmtree(user.pw_dir, ignore_errors=True)


@test("cache-no-usable-home-uses-var-tmp")
def _(ctx):
    """nobody (home /nonexistent) with HOME=/root: the per-user folder under /var/tmp."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        skip("needs root and setpriv(1) to run the plugin as another user")
    import pwd
    user = pwd.getpwnam("nobody")
    if os.path.isdir(user.pw_dir):
        skip("nobody has a home folder here (%s)" % user.pw_dir)
    want = "/var/tmp/check_password_sync-%d" % user.pw_uid
    existed = os.path.isdir(want)
    before = set(os.listdir(want)) if existed else set()
    try:
        run_twice_as(ctx, user.pw_uid, user.pw_gid, want, "the per-user fallback, no usable home")
        if os.stat(want).st_mode & 0o777 != 0o700 or os.stat(want).st_uid != user.pw_uid:
            fail("%s is not a 0700 folder of uid %d" % (want, user.pw_uid))
    finally:
        remove_new_files(want, before, existed)


def remove_new_files(folder, before, existed):
    """Undo what a test wrote in a folder outside its own temporary folder."""
    if not os.path.isdir(folder):
        return
    for name in set(os.listdir(folder)) - before:
        path = os.path.join(folder, name)
        if not os.path.isdir(path):
            os.unlink(path)
    if not existed:
        os.rmdir(folder)


@test("cache-disabled-writes-nothing")
def _(ctx):
    tenant, home = ctx.unique("ok"), cache_dir(ctx)
    for n in (1, 2):
        res = ctx.run(tenant, env={"HOME": home})  # --no-token-cache
        expect_counts(ctx, tenant, res, token=n, batch=n)
    if os.listdir(home):
        fail("--no-token-cache wrote %s" % os.listdir(home))


# retry policy: 429, 503 and 504 (whole or inside the batch) are retried within the deadline;
# other 4xx never, other 5xx never

counted_test("retry-graph-424-throttled-batch", "graph-424-then-ok", "OK", OK_SUMMARY, gap=0.95,
           token=1, batch=2)
counted_test("retry-graph-503-forever", "graph-503-forever", "CRITICAL", "answered HTTP 503",
           "serviceNotAvailable", token=1, batch=3)
counted_test("retry-batch-sub-503-forever", "batch-503-forever", "CRITICAL", "HTTP 503",
           "serviceNotAvailable", token=1, batch=3)


@test("feature-throttled-forever")
def _(ctx):
    """The optional feature flag throttled until the rounds run out: judged by timestamps."""
    tenant = ctx.unique("feature-throttled-forever")
    res = ctx.run(tenant)
    expect(res, "OK", "password sync 31m ago", absent=("password hash sync enabled",))
    expect(res, "OK", "kept throttling", line1=False)
    expect_counts(ctx, tenant, res, token=1, batch=3)


counted_test("retry-graph-504-backoff", "graph-504-then-ok", "OK", OK_SUMMARY, gap=0.09,
           token=1, batch=2)
counted_test("retry-graph-429-http-date", "graph-429-date-then-ok", "OK", OK_SUMMARY, gap=0.9,
           token=1, batch=2)
# The longest Retry-After honoured is 5 s: 4 s is waited for, 6 s is not (even with time left).
counted_test("retry-after-4s-honoured", "graph-503-retry-after-4", "OK", token=1, batch=2, gap=4)


@test("retry-after-6s-not-honoured")
def _(ctx):
    tenant = ctx.unique("graph-503-retry-after-6")
    res = ctx.run(tenant, "-t", "20", timeout=20)
    expect(res, "CRITICAL", "HTTP 503")
    expect_counts(ctx, tenant, res, token=1, batch=1)
    if res.elapsed > 3 + ctx.slack:
        fail("took %.1fs: a 6 s Retry-After is not waited for%s" % (res.elapsed, res.describe()))


counted_test("retry-graph-429-capped-attempts", "graph-429-forever", "UNKNOWN", "429",
           token=1, batch=3)
counted_test("retry-graph-400-never", "graph-400", "UNKNOWN", "HTTP 400", token=1, batch=1)
counted_test("retry-graph-401-never", "graph-401", "UNKNOWN", "InvalidAuthenticationToken",
           token=1, batch=1)
counted_test("retry-graph-500-never", "graph-500", "CRITICAL", "answered HTTP 500",
             token=1, batch=1)
counted_test("retry-batch-503-sub", "batch-503-then-ok", "OK", OK_SUMMARY, gap=0.95, only="org",
           token=1, batch=2)
counted_test("retry-batch-504-sub", "batch-504-then-ok", "OK", OK_SUMMARY, gap=0.09, only="sync",
           token=1, batch=2)
counted_test("retry-batch-unreadable-retry-after", "batch-retry-after-huge", "OK", OK_SUMMARY,
           only="org", token=1, batch=2)
counted_test("retry-token-503", "token-503-then-ok", "OK", OK_SUMMARY, gap=0.95, token=2, batch=1)
counted_test("retry-token-429", "token-429-then-ok", "OK", OK_SUMMARY, gap=0.09, token=2, batch=1)
counted_test("retry-token-504", "token-504-then-ok", "OK", OK_SUMMARY, gap=0.09, token=2, batch=1)
counted_test("retry-token-500-never", "token-500", "CRITICAL", "answered HTTP 500",
             token=1, batch=0)
counted_test("retry-token-401-never", "aadsts-7000215", "UNKNOWN", "AADSTS7000215", token=1,
           batch=0)
counted_test("retry-token-400-never", "aadsts-90002", "UNKNOWN", "AADSTS90002", token=1, batch=0)


# hostile servers: every one ends in the right state within -t plus 1 s (the property)

def hostile_test(name, scenario, state, *substrings, t=None, absent=(), **counts):
    def fn(ctx):
        tenant = ctx.unique(scenario)
        extra = ("-t", t) if t else ()
        res = ctx.run(tenant, *extra, timeout=float(t.split(":")[0]) if t else DEFAULT_TIMEOUT)
        expect(res, state, *substrings, absent=absent)
        if counts:
            expect_counts(ctx, tenant, res, **counts)
    TESTS.append((name, fn))


# A connection was made: the answer was bad, the host was reachable.
INVALID = "invalid answer from 127.0.0.1:"
for _name in ("many-headers", "giant-header-line", "bad-status-line"):
    hostile_test("hostile-" + _name, "hostile-" + _name, "UNKNOWN", INVALID,
                 absent=("cannot reach", "Out of memory"), batch=1)
counted_test("throttled-token-endpoint", "token-429-forever", "UNKNOWN",
             "kept throttling the token request (HTTP 429, 3 tries, last Retry-After 1)",
             token=3, batch=0)
counted_test("throttled-batch-tries-counted", "graph-429-forever", "UNKNOWN",
             "(HTTP 429 TooManyRequests: Please retry again later.; 3 tries, last Retry-After 1)",
             token=1, batch=3)
counted_test("throttled-sub-request-deadline", "batch-429-forever", "UNKNOWN",
             "; 1 try, last Retry-After 30, no time left before the deadline for another)",
             t=20, token=1, batch=1)

TIMED_OUT_2S = "timed out after 2s"
LOST = "lost the connection to 127.0.0.1:"
hostile_test("hostile-trickle-token", "hostile-trickle-token", "CRITICAL", TIMED_OUT_2S, t="2",
             batch=0)
hostile_test("hostile-trickle-batch", "hostile-trickle-batch", "CRITICAL", TIMED_OUT_2S, t="2")
hostile_test("hostile-trickle-batch-timeout-state", "hostile-trickle-batch", "WARNING",
             TIMED_OUT_2S, t="2:WARNING")
hostile_test("hostile-cut-short", "hostile-cut-short", "CRITICAL", LOST, batch=1)
hostile_test("hostile-token-cut-short", "hostile-token-cut-short", "CRITICAL", LOST, batch=0)
hostile_test("hostile-longer-than-content-length", "hostile-short-length", "UNKNOWN",
             "unexpected answer from 127.0.0.1:", "invalid JSON")
hostile_test("hostile-smuggled-answer-ignored", "hostile-smuggle", "OK", OK_SUMMARY,
             absent=("disabled",), token=1, batch=1)
hostile_test("hostile-gzip-bomb", "hostile-gzip-bomb", "UNKNOWN", "larger than 1024 KiB", batch=1)
hostile_test("hostile-gzip-ok", "hostile-gzip-ok", "OK", OK_SUMMARY)
hostile_test("hostile-chunked-endless", "hostile-chunked-endless", "CRITICAL", TIMED_OUT_2S,
             t="2")
hostile_test("hostile-chunked-unterminated", "hostile-chunked-unterminated", "CRITICAL", LOST)
hostile_test("hostile-deep-nesting", "hostile-deep-nesting", "OK", OK_SUMMARY)
hostile_test("hostile-deep-nesting-unclosed", "hostile-deep-nesting-unclosed", "UNKNOWN",
             "invalid JSON")
hostile_test("hostile-duplicate-keys", "hostile-duplicate-keys", "UNKNOWN",
             "names 'onPremisesSyncEnabled' twice")
hostile_test("hostile-duplicate-ids", "hostile-duplicate-ids", "UNKNOWN", "holds 'org' twice")
hostile_test("hostile-status-overflow", "hostile-status-overflow", "UNKNOWN",
             "unexpected answer from", "without id or status")
hostile_test("hostile-number-too-big", "hostile-number-too-big", "UNKNOWN", "invalid JSON")
hostile_test("hostile-token-expires-huge", "hostile-token-expires-huge", "UNKNOWN",
             "unexpected answer from", batch=0)
hostile_test("hostile-token-error-bytes", "hostile-token-error-bytes", "UNKNOWN",
             "token request rejected: AADSTS7000215 (invalid_client): Bad", "red",
             absent=("Trace ID",))
hostile_test("hostile-graph-error-bytes", "hostile-graph-error-bytes", "UNKNOWN",
             "Organization.Read.All", "Authorization_RequestDenied")
hostile_test("hostile-token-empty-200", "hostile-token-empty-200", "UNKNOWN",
             "unexpected answer from", batch=0)
hostile_test("hostile-batch-empty-200", "hostile-batch-empty-200", "UNKNOWN",
             "unexpected answer from")
hostile_test("hostile-portal-json-lookalike", "hostile-portal-json-lookalike", "UNKNOWN",
             "text/html", batch=0)
hostile_test("hostile-silent-token", "hostile-silent-token", "CRITICAL", TIMED_OUT_2S, t="2",
             batch=0)
hostile_test("hostile-silent-batch", "hostile-silent-batch", "UNKNOWN", TIMED_OUT_2S,
             t="2:UNKNOWN")
hostile_test("hostile-reset-token", "hostile-reset-token", "CRITICAL", LOST, batch=0)
hostile_test("hostile-reset-batch", "hostile-reset-batch", "CRITICAL", LOST)


@test("hostile-accepts-never-answers")
def _(ctx):
    """A TCP peer that accepts and never starts TLS: the -t state after -t, nothing sent."""
    before = ctx.blackhole.accepted
    res = ctx.run("ok", "-t", "2", authority=ctx.blackhole.url, timeout=2)
    expect(res, "CRITICAL", TIMED_OUT_2S)
    if ctx.blackhole.accepted <= before:
        fail("the plugin never connected to the silent peer%s" % res.describe())


def watchdog_test(name, timeout_arg, state):
    def fn(ctx):
        """libcurl itself never returns (LD_PRELOAD fault): the watchdog answers past -t."""
        env = {"LD_PRELOAD": ctx.hang_lib}
        if "ASAN_OPTIONS" in os.environ:  # the fault library may come before the ASan runtime
            env["ASAN_OPTIONS"] = os.environ["ASAN_OPTIONS"] + ":verify_asan_link_order=0"
        tenant = ctx.unique("ok")
        res = ctx.run(tenant, "-t", timeout_arg, env=env, timeout=float(timeout_arg.split(":")[0]))
        expect(res, state, "timed out after %ss" % timeout_arg.split(":")[0], "watchdog")
        if len(res.lines) != 2 or res.lines[1] != "":
            fail("the watchdog writes exactly one line%s" % res.describe())
        expect_counts(ctx, tenant, res, requests=0)
    TESTS.append((name, fn))


watchdog_test("watchdog-libcurl-hangs", "2", "CRITICAL")
watchdog_test("watchdog-libcurl-hangs-timeout-state", "1.5:UNKNOWN", "UNKNOWN")


def signal_test(name, signal_name):
    @test(name)
    def _(ctx):
        """A signal from another process 1 s into a 10 s check that waits for Graph: UNKNOWN,
        named, not a timeout (the watchdog's SIGALRM comes from the kernel's timer)."""
        # Under valgrind or ASan the plugin starts slower: the signal must come after its
        # handlers are set, so the wait, -t and the time limit scale with the slowdown.
        s = ctx.slowdown
        kill = '(sleep %g; kill -%s $$) & exec "$@"' % (s, signal_name)
        res = ctx.run("graph-slow", "-t", "%g" % (10 * s), timeout=10 * s,
                      prefix=("sh", "-c", kill, "sh"))
        expect(res, "UNKNOWN", "stopped by SIG%s from another process" % signal_name,
               "(not a timeout)", absent=("timed out",))
        if res.elapsed > 5 * s:
            fail("took %.1fs: the signal should end it at once%s" % (res.elapsed, res.describe()))


for _signal in ("TERM", "INT", "ALRM"):
    signal_test("external-sig%s-is-not-a-timeout" % _signal.lower(), _signal)


# --- runner ----------------------------------------------------------------------------------

def parse_arguments(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--binary", default=os.path.join(ROOT, "check_password_sync"))
    p.add_argument("--wrapper", default="", help='command prefix, e.g. "valgrind -q --error-exitcode=1"')
    p.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                   help="run only tests whose name contains SUBSTRING (repeatable: any)")
    p.add_argument("--list", action="store_true", help="list the test names and exit")
    p.add_argument("--jobs", "-j", type=int, default=3)
    p.add_argument("--slowdown", type=float, default=None,
                   help="factor for the default -t (default: %g under valgrind, %g for an "
                        "ASan build, else 1)" % (VALGRIND_SLOWDOWN, ASAN_SLOWDOWN))
    p.add_argument("--slack", type=float, default=None,
                   help="seconds allowed past -t (default 1, or 15 with --wrapper)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    p.add_argument("--show", action="store_true", help="print every run's command and output")
    return p.parse_args()


def run_one(ctx, name, fn):
    """Runs one test; returns its result line and True (passed), False (failed) or None (skipped)."""
    t0 = time.monotonic()
    try:
        fn(ctx)
        return "ok   %s (%.2fs)" % (name, time.monotonic() - t0), True
    except TestSkipped as e:
        return "skip %s: %s" % (name, e), None
    except TestFailure as e:
        return "FAIL %s: %s" % (name, e), False
    except Exception as e:  # noqa: BLE001
        return "FAIL %s: %s: %s" % (name, type(e).__name__, e), False


def run_suite(label, tests, context_class, description):
    """The command line of a suite: select, set up, run in parallel, tear down, and end with
    `LABEL: N passed, N failed, N skipped`; returns the exit status."""
    args = parse_arguments(description)
    selected = [(n, f) for n, f in tests if not args.k or any(k in n for k in args.k)]
    if args.list:
        for n, _ in selected:
            print(n)
        return 0
    if not os.access(args.binary, os.X_OK):
        print("FAIL setup: %s is not an executable (build it with make)" % args.binary)
        print("%s: 0 passed, 1 failed" % label)
        return 1

    ctx = context_class(args)
    try:
        ctx.setup()
    except Exception as e:  # noqa: BLE001
        print("FAIL setup: %s" % e)
        print("%s: 0 passed, 1 failed" % label)
        ctx.teardown()
        return 1

    counts = {True: 0, False: 0, None: 0}
    shared = [(n, f) for n, f in selected if n not in ALONE]
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for line, ok in pool.map(lambda item: run_one(ctx, *item), shared):
                print(line, flush=True)
                counts[ok] += 1
        for item in [(n, f) for n, f in selected if n in ALONE]:
            line, ok = run_one(ctx, *item)
            print(line, flush=True)
            counts[ok] += 1
    finally:
        ctx.teardown()
    for problem in ctx.teardown_failures():
        print("FAIL teardown: %s" % problem)
        counts[False] += 1
    print("%s: %d passed, %d failed, %d skipped" % (label, counts[True], counts[False], counts[None]))
    return 1 if counts[False] else 0


def main():
    return run_suite("integration", TESTS, Context, "check_password_sync integration tests")


if __name__ == "__main__":
    sys.exit(main())
