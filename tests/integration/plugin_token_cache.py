# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of the access-token cache: reuse, refresh, rejected tokens, refused
folders, concurrent and slow token requests, killed holders, folder errors, the default
folder for users without a usable home."""

import collections
import concurrent.futures
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.parse

from harness import (AGE_OK_DIRSYNC, APP_URL, CLIENT_ID, DEFAULT_TIMEOUT, OK_SUMMARY, ORG_URL,
                     Registry, SYNC_URL, TestFailure, W3D, cache_dir, ends_without_waiting,
                     expect, expect_counts, expect_no_perf, expect_perf, fail, skip)

tests = Registry()
test = tests.test


def token_files(path):
    return sorted(n for n in os.listdir(path) if n.endswith(".token"))


def expect_cache_unused(res, reason):
    expect(res, "OK", OK_SUMMARY)
    if "token cache not used: " not in res.text or reason not in res.text:
        fail("expected the line `token cache not used: ...%s`%s" % (reason, res.describe()))


# One check of a sequence on one tenant and one cache folder: its own arguments and secret, a
# pause before it, the state and line-1 text it answers, a text its whole output holds, the
# simulator's counts for the tenant after it, and whether the folder then holds no token.
Check = collections.namedtuple(
    "Check", "args secret pause state says detail counts no_token",
    defaults=((), "env", 0, "OK", OK_SUMMARY, None, None, False))


def checks_in_turn_test(name, scenario, checks):
    """The checks one after another on one tenant and cache folder, each as its row says; a
    failure names the row (`check 2 of 3`)."""
    def fn(ctx):
        tenant, cache = ctx.unique(scenario), cache_dir(ctx)
        for n, check in enumerate(checks, 1):
            try:
                run_check(ctx, tenant, cache, check)
            except TestFailure as e:
                raise TestFailure("check %d of %d: %s" % (n, len(checks), e)) from None
    tests.add(name, fn)


def run_check(ctx, tenant, cache, check):
    time.sleep(check.pause)
    res = ctx.run(tenant, *check.args, cache=cache, secret=check.secret)
    expect(res, check.state, check.says)
    if check.detail:
        expect(res, check.state, check.detail, line1=False)
    if check.counts:
        expect_counts(ctx, tenant, res, **check.counts)
    if check.no_token and token_files(cache):
        fail("a rejected token stayed in the cache: %s" % os.listdir(cache))


checks_in_turn_test("cache-second-run-reuses-token", "ok", (
    Check(counts=dict(token=1, batch=1)),
    Check(args=("-v",), detail="access token from the cache",
          counts=dict(token=1, batch=2, requests=3)),
    # another credential: not the cached token
    Check(secret="another-secret-than-the-first", state="UNKNOWN", says="AADSTS7000215"),
))


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
    if urls != [[ORG_URL, SYNC_URL, APP_URL], [narrowed]]:
        fail("batch URLs %s%s" % (urls, first.describe()))
    second = ctx.run(tenant, cache=cache)
    expect(second, "OK", "Graph in this cloud has no password sync time")
    expect_counts(ctx, tenant, second, token=1, batch=3, requests=4)
    if ctx.sim.log_of(tenant)[-1].get("urls") != [narrowed, SYNC_URL, APP_URL]:
        fail("the warm check did not leave the property out%s" % second.describe())


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


checks_in_turn_test("cache-expired-token-refreshed", "short-token", (
    Check(),
    # the 301 s token is now within 5 minutes of its expiry
    Check(pause=1.2, counts=dict(token=2, batch=2)),
))
checks_in_turn_test("cache-401-refreshes-once", "graph-401-once", (
    Check(),
    # the cached token is rejected, a new one works
    Check(args=("-v",), detail="Graph rejected the cached access token",
          counts=dict(token=2, batch=3)),
    Check(counts=dict(token=2, batch=4)),  # and the new token was cached
))
# A token issued before admin consent lacks the role: it is not reused, the next check (after
# the admin granted Organization.Read.All) fetches one that has it.
checks_in_turn_test("cache-403-new-token-after-consent", "graph-403-first-token", (
    Check(state="UNKNOWN", says="Organization.Read.All", counts=dict(token=1, batch=1),
          no_token=True),
    Check(counts=dict(token=2, batch=2)),
))
checks_in_turn_test("cache-401-does-not-loop", "graph-401-always", (
    Check(),
    Check(state="UNKNOWN", says="InvalidAuthenticationToken", counts=dict(token=2, batch=3),
          no_token=True),
    # a new token rejected: no second try
    Check(state="UNKNOWN", says="InvalidAuthenticationToken", counts=dict(token=3, batch=4)),
))


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
    tests.add(name, fn)


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


@test("cache-concurrent-cold-start-one-token", alone=True)
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
    tests.add(name, fn, alone=True)


slow_endpoint_test("cache-slow-token-endpoint-8-waiters", "token-6s", 8)
slow_endpoint_test("cache-slow-token-endpoint-50-checks", "token-3s", 50)


@test("cache-slow-token-endpoint-wait-ends-unknown")
def _(ctx):
    """The holder's token request outlasts the waiter's -t: the waiter says it cannot tell
    (UNKNOWN), keeps the Graph share of -t, and sends no token request of its own."""
    tenant, cache = ctx.unique("token-slow"), cache_dir(ctx)
    # The endpoint answers after 30 s: the waiter's -t must end well before, or the holder's
    # token could arrive with only the Graph share left (under valgrind, -t 30 did).
    tt = min(5 * slowdown(ctx), 20)
    holder = start_holder(ctx, tenant, cache, tt + 5)
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


def start_holder(ctx, tenant, cache, timeout):
    """A check in the background, with -t `timeout`, whose token request (to a slow endpoint)
    holds the cache's lock; the caller kills it."""
    return subprocess.Popen(
        [ctx.binary, "-T", tenant, "-C", CLIENT_ID, "--authority-host", ctx.sim.url,
         "--graph-endpoint", ctx.sim.url, "--ca-file", ctx.ca, "--token-cache", cache,
         "-t", str(timeout)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home,
             "AZURE_CLIENT_SECRET": ctx.secret})


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
    tt = DEFAULT_TIMEOUT * slowdown(ctx)
    state = {}

    def run():
        tenant, cache = ctx.unique("token-slow-once"), cache_dir(ctx)
        holder = start_holder(ctx, tenant, cache, 30)
        try:
            wait_for_token_requests(ctx, tenant, 1)
        finally:
            holder.kill()
            holder.wait()
        res = ctx.run(tenant, "-t", str(tt), cache=cache, timeout=tt)
        expect(res, "OK", OK_SUMMARY)
        expect_counts(ctx, tenant, res, token=2, batch=1)
        state.update(tenant=tenant, cache=cache)
        return res

    def control():  # a cold check on a cache nobody holds
        res = ctx.run(ctx.unique("ok"), "-t", str(tt), cache=cache_dir(ctx), timeout=tt)
        expect(res, "OK", OK_SUMMARY)
        return res

    # Waiting for the killed holder would last until this check's deadline.
    ends_without_waiting("the next check waited for the killed one", run, control, tt)
    res = ctx.run(state["tenant"], cache=state["cache"])
    expect_counts(ctx, state["tenant"], res, token=2, batch=2)


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
    tests.add(name, fn)


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

