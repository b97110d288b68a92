# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of transport and time: TLS failures, unreachable hosts, a DNS black hole,
exhausted file descriptors, the watchdog when libcurl hangs, and signals from other processes."""

import os
import random
import shutil
import socket
import threading

from harness import (ASAN_SLOWDOWN, OK_SUMMARY, Registry, ends_without_waiting, expect,
                     expect_counts, fail, skip)

tests = Registry()
test = tests.test


# transport and TLS

class BlackHoleResolver:
    """A DNS server on a loopback address of its own that reads every query and never answers
    (UDP and TCP). The address is drawn from 127.53.0.0/16, so concurrent runs of the suite (and
    a host's own stub resolver on 127.0.0.53) do not collide."""

    def __init__(self):
        last = None
        for _ in range(8):
            address = ("127.53.%d.%d" % (random.randrange(256), random.randrange(1, 255)), 53)
            try:
                self.bind(address)
                break
            except OSError as e:
                for sock in (self.udp, self.tcp):
                    if sock:
                        sock.close()
                last = e
        else:
            raise last
        self.address = address[0]
        self.queries = 0
        self.stop = threading.Event()
        threading.Thread(target=self.swallow, daemon=True).start()

    def bind(self, address):
        self.udp = self.tcp = None
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(address)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(address)
        self.tcp.listen(8)

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
    /etc/resolv.conf names only the black hole on its 127.53.x.y address, so no query leaves the
    machine."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        skip("needs root and unshare(1) for a private /etc/resolv.conf")
    try:
        resolver = BlackHoleResolver()
    except OSError as e:
        skip("cannot listen on port 53 of a 127.53.0.0/16 address: %s" % e)
    resolv = os.path.join(ctx.dir, "resolv-%s.conf" % resolver.address)
    with open(resolv, "w") as f:
        f.write("nameserver %s\noptions timeout:30 attempts:1\n" % resolver.address)
    try:
        prefix = ["unshare", "-m", "sh", "-c",
                  'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolv]
        # Scaled: under valgrind the plugin needs more than 2 s to reach its first DNS query.
        tt = max(2, round(2 * ctx.slowdown))
        res = ctx.run("ok", "-t", str(tt), authority="https://login.black-hole.invalid",
                      prefix=prefix, timeout=tt)
    finally:
        resolver.close()
    expect(res, "CRITICAL", "timed out")
    if resolver.queries == 0:
        fail("the resolver saw no query: the test did not exercise DNS%s" % res.describe())


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
    tests.add(name, fn)


tls_test("tls-unknown-ca-no-ca-file", "main", "unable to get local issuer certificate",
         use_ca=False)
tls_test("tls-self-signed-unknown-ca", "unknownca", "self-signed certificate")
tls_test("tls-wrong-host", "wronghost", "no alternative certificate subject name matches")
tls_test("tls-expired", "expired", "certificate has expired")


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
    tests.add(name, fn)


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

        def run():
            res = ctx.run("graph-slow", "-t", "%g" % (10 * s), timeout=10 * s,
                          prefix=("sh", "-c", kill, "sh"))
            expect(res, "UNKNOWN", "stopped by SIG%s from another process" % signal_name,
                   "(not a timeout)", absent=("timed out",))
            return res

        def control():  # a check that starts as late as the signal comes
            res = ctx.run("ok", prefix=("sh", "-c", 'sleep %g; exec "$@"' % s, "sh"))
            expect(res, "OK", OK_SUMMARY)
            return res

        # Not ending at the signal would mean waiting out the rest of the slow Graph answer.
        ends_without_waiting("the signal should end it at once", run, control, 9 * s)


for _signal in ("TERM", "INT", "ALRM"):
    signal_test("external-sig%s-is-not-a-timeout" % _signal.lower(), _signal)
