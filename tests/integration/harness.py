#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The integration harness: everything a test of the built check_password_sync needs, except
the tests themselves.

The test modules (plugin_<concern>.py, test_credentials.py) register their tests in a Registry;
a suite's entry script (test_plugin.py, test_credentials.py) hands its registries and its Context
class to run_suite, which gives the command line:

    python3 tests/integration/test_plugin.py --binary ./check_password_sync [--wrapper "valgrind ..."]
        [-k SUBSTRING]... [--list] [--jobs N] [--slowdown F] [--slack SECONDS] [--keep] [--show]

Context.setup creates a temporary folder, generates a test CA and certificates there
(tests/tools/make_certs.sh), writes a random client secret (mode 0600), starts the simulator
(tests/sim/simulator.py) plus three simulators with hostile TLS certificates (wrong host,
expired, unknown CA). Context.run runs the plugin once and checks the output property on every
run: exit code 0..3 matching the state word, output <= 4096 bytes of valid UTF-8, no control
characters but newlines, no `|` except the perfdata separator on line 1, nothing on stderr,
neither the secret nor any token the simulator issued appears, and the run finished within its
-t timeout plus --slack seconds. The default -t and the slack are scaled for slow builds
(valgrind, ASan).

Each test prints `ok   <name>`, `FAIL <name>: <reason>` or `skip <name>: <reason>` (a
TestSkipped); the last line is `LABEL: N passed, N failed, N skipped` (what
tests/tools/summarize.py reads), and the exit status is 1 if any test failed.
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
TESTS_DIR = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS_DIR)
SIMULATOR = os.path.join(TESTS_DIR, "sim", "simulator.py")
MAKE_CERTS = os.path.join(TESTS_DIR, "tools", "make_certs.sh")
HANG_PERFORM_SRC = os.path.join(TESTS_DIR, "fault", "hang_perform.c")
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
# Asked only when the credential is a client secret: the app's secrets, for their end dates.
APP_URL = "/applications(appId='%s')?$select=passwordCredentials" % CLIENT_ID

LINE1 = re.compile(r"^PASSWORD_SYNC (OK|WARNING|CRITICAL|UNKNOWN) - (\S.*)$")


class TestFailure(AssertionError):
    pass


def fail(msg):
    raise TestFailure(msg)


class TestSkipped(Exception):
    """A test that cannot run here (e.g. it needs root); counted apart, never as passed."""


def skip(msg):
    raise TestSkipped(msg)


def ends_without_waiting(what, run, control, wait, tries=3):
    """Fails unless run() ends without a wait of `wait` seconds (a number, or a function of the
    control's result): its elapsed time must stay below that of control() - a comparable check
    that never waits, run just before - plus half the wait. Both are timed on the same machine
    at the same moment, so a busy machine slows both; a miss is tried again, up to `tries` pairs,
    because a wait the code really makes misses every time while load rarely stretches one run
    three times. run() and control() make their own assertions; returns run()'s last result."""
    for _ in range(tries):
        base = control()
        res = run()
        margin = (wait(base) if callable(wait) else wait) / 2
        if res.elapsed < base.elapsed + margin:
            return res
    fail("%s: took %.1fs, a check that does not wait %.1fs (margin %.1fs), %d times%s"
         % (what, res.elapsed, base.elapsed, margin, tries, res.describe()))


# --- the simulator ---------------------------------------------------------------------------

def end_process(proc, grace):
    """Stops a helper process: SIGTERM, then SIGKILL if it is still there after `grace` s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Simulator:
    def __init__(self, workdir, name, cert, key, secret_file, ca, extra_args=()):
        self.name = name
        self.ca = ca
        port_file = os.path.join(workdir, "port-%s" % name)
        self.log = open(os.path.join(workdir, "sim-%s.log" % name), "wb")
        self.proc = subprocess.Popen(
            [sys.executable, SIMULATOR, "--cert", cert, "--key", key, "--port", "0",
             "--port-file", port_file, "--secret-file", secret_file, "--verbose"]
            + list(extra_args),
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
        end_process(self.proc, 5)
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

    def make_workdir(self, prefix):
        """The run's private folder: a CA and server certificates made now (returns their
        folder), the client secret in a 0600 file, and an empty HOME."""
        self.dir = tempfile.mkdtemp(prefix=prefix)
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
        return pki

    def setup(self):
        pki = self.make_workdir("cps-integration-")
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


# --- shared values and helpers ---------------------------------------------------------------

W3D = "259200"
OK_SUMMARY = "password hash sync enabled, password sync 31m ago, directory sync 12m ago"
OK_PERF = {"password_sync_age": dict(age=AGE_OK_PASSWORD, warn=W3D, crit=""),
           "dirsync_age": dict(age=AGE_OK_DIRSYNC, warn=W3D, crit="")}


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



def cache_dir(ctx, mode=0o700):
    """A new, empty folder for one test's token cache."""
    with ctx.lock:
        ctx.counter += 1
        path = os.path.join(ctx.dir, "cache%d" % ctx.counter)
    os.mkdir(path)
    os.chmod(path, mode)
    return path


# --- the registry ----------------------------------------------------------------------------

class Registry:
    """The tests of one module, in order: (name, function(ctx)) pairs. Tests marked `alone`
    start dozens of checks at once: the runner runs them after the others, one at a time, so
    that their load does not push a neighbour's start-up past its -t (nor theirs)."""

    def __init__(self):
        self.tests = []
        self.alone = set()

    def add(self, name, fn, alone=False):
        self.tests.append((name, fn))
        if alone:
            self.alone.add(name)
        return fn

    def test(self, name, alone=False):
        """Decorator: @tests.test("name") above `def _(ctx): ...`."""
        return lambda fn: self.add(name, fn, alone)

    def scenario_test(self, name, scenario, state, *substrings, extra=(), absent=(), perf=None,
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
        self.add(name, fn)

    def counted_test(self, name, scenario, state, *substrings, gap=None, only=None, t=None,
                     **counts):
        """A table-driven test: run `scenario`, assert the state, line-1 substrings and the
        simulator's request counts; with gap, the second $batch (or token request) came at
        least `gap` seconds after the first; with only, the second $batch carried only that
        sub-request; with t, that -t rather than the default."""
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
                    fail("the retry should carry only %s, got %r%s"
                         % (only, batches[1], res.describe()))
        self.add(name, fn)


def collect(registries):
    """The tests of several registries in order, and the names to run alone. A name used twice
    is an error (-k and the results would not tell the two apart)."""
    tests, alone, seen = [], set(), set()
    for registry in registries:
        for name, fn in registry.tests:
            if name in seen:
                raise ValueError("two integration tests are named %s" % name)
            seen.add(name)
            tests.append((name, fn))
        alone |= registry.alone
    return tests, alone


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


def run_suite(label, registries, context_class, description):
    """The command line of a suite: select, set up, run in parallel, tear down, and end with
    `LABEL: N passed, N failed, N skipped`; returns the exit status."""
    args = parse_arguments(description)
    tests, alone = collect(registries)
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
    shared = [(n, f) for n, f in selected if n not in alone]
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for line, ok in pool.map(lambda item: run_one(ctx, *item), shared):
                print(line, flush=True)
                counts[ok] += 1
        for item in [(n, f) for n, f in selected if n in alone]:
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

