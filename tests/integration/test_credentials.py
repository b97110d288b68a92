#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of credentials, clouds, proxies and --extra-opts.

    python3 tests/integration/test_credentials.py --binary ./check_password_sync [-k SUBSTRING]...
        [--list] [--jobs N] [--keep] [--show]

Same harness as test_plugin.py (harness.py: runner, output property), with its own set-up: client
certificates and keys generated now (RSA PEM, encrypted PEM, PKCS#12 without and with a password,
a legacy-encrypted PKCS#12, an unregistered one, an EC one), one simulator that has the client
certificate registered and also serves the managed identity endpoints (plain HTTP on 127.0.0.1),
a federated token, and a local HTTP CONNECT proxy (tests/tools/connect_proxy.py) that records the
targets it is asked for. Prints `integration-credentials: N passed, N failed, N skipped`.

The plugin reads Azure Arc key files only from /var/opt/azcmagent/tokens (a constant, nothing
moves it). As root the suite creates that folder if it is missing, the simulator writes its key
files there as cps-test-<random>.key, each test removes the files it caused, and the last of any
concurrent runs removes the folders the suite created (ArcFolder). Not root: the tests that need the folder are skipped.
"""

import fcntl
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from harness import CLIENT_ID, OK_SUMMARY, Registry, expect, expect_counts, fail  # noqa: E402
import credentials_expiry  # noqa: E402

PROXY = os.path.join(os.path.dirname(HERE), "tools", "connect_proxy.py")
USER_ASSIGNED = "99999999-8888-7777-6666-555555555555"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ARC_FOLDER = "/var/opt/azcmagent/tokens"
# Shared by concurrent runs of this suite (see ArcFolder); only root runs use them.
ARC_LOCK = "/run/lock/check_password_sync-tests-arc.lock"
ARC_CREATED = "/run/lock/check_password_sync-tests-arc.created"
REMOVED_VARIABLE = "CHECK_PASSWORD_SYNC_TEST_ONLY_ARC_TOKEN_FOLDER"
EXPIRING_DAYS = (5, 20)  # CRITICAL and WARNING at the default --credential-critical/-warning
EXPIRED_DAYS_AGO = 2  # expired-2d.pem: its notAfter two days before the suite starts


def openssl(*args, **kw):
    subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, **kw)


def make_expired_certificate(d, name, days_ago):
    """A self-signed certificate whose notAfter is `days_ago` days ago (valid for 30 days before
    that). OpenSSL 3.0's `req -x509` and `x509 -days` take no date in the past; `openssl ca
    -selfsign` takes both dates."""
    p = lambda part: os.path.join(d, part)  # noqa: E731
    db = p(name + "-ca")
    os.mkdir(db)
    open(os.path.join(db, "index.txt"), "w").close()
    with open(os.path.join(db, "serial"), "w") as f:
        f.write(secrets.token_hex(8) + "\n")
    with open(p(name + ".cnf"), "w") as f:
        f.write("[ ca ]\ndefault_ca = selfsigned\n[ selfsigned ]\ndatabase = %s/index.txt\n"
                "serial = %s/serial\nnew_certs_dir = %s\ndefault_md = sha256\n"
                "policy = policy_any\nunique_subject = no\n[ policy_any ]\n"
                "commonName = supplied\n" % (db, db, db))
    stamp = lambda days: time.strftime("%Y%m%d%H%M%SZ",  # noqa: E731
                                       time.gmtime(time.time() - days * 86400))
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", p(name + ".key"),
            "-out", p(name + ".csr"), "-subj", "/CN=check_password_sync test %s" % name)
    openssl("ca", "-batch", "-config", p(name + ".cnf"), "-selfsign", "-keyfile", p(name + ".key"),
            "-notext", "-startdate", stamp(days_ago + 30), "-enddate", stamp(days_ago),
            "-in", p(name + ".csr"), "-out", p(name + ".crt"))
    with open(p(name + ".pem"), "w") as out:
        out.write(open(p(name + ".crt")).read() + open(p(name + ".key")).read())


def make_client_credentials(d):
    """Client keys and certificates for every format the plugin reads (nothing is committed)."""
    os.makedirs(d, mode=0o700)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    with open(p("password"), "w") as f:
        f.write("p4ss word+&%\n")
    for name in ("client", "other"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p(name + ".key"),
                "-out", p(name + ".crt"), "-days", "365", "-subj",
                "/CN=check_password_sync test %s" % name)
        with open(p(name + ".pem"), "w") as out:
            for part in (name + ".crt", name + ".key"):
                out.write(open(p(part)).read())
    # Short-lived certificates for the expiry warnings (credentials_expiry.py).
    for days in EXPIRING_DAYS:
        name = "expiring-%dd" % days
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p(name + ".key"),
                "-out", p(name + ".crt"), "-days", str(days), "-subj",
                "/CN=check_password_sync test %s" % name)
        with open(p(name + ".pem"), "w") as out:
            out.write(open(p(name + ".crt")).read() + open(p(name + ".key")).read())
    # An expired certificate (credentials_expiry.py), registered with the simulator all the same.
    make_expired_certificate(d, "expired-%dd" % EXPIRED_DAYS_AGO, EXPIRED_DAYS_AGO)
    openssl("pkey", "-in", p("client.key"), "-aes256", "-passout", "file:" + p("password"),
            "-out", p("client-enc.key"))
    with open(p("client-enc.pem"), "w") as out:  # key first, then the certificate
        out.write(open(p("client-enc.key")).read() + open(p("client.crt")).read())
    openssl("pkcs12", "-export", "-in", p("client.crt"), "-inkey", p("client.key"),
            "-out", p("client-nopass.p12"), "-passout", "pass:")
    openssl("pkcs12", "-export", "-in", p("client.crt"), "-inkey", p("client.key"),
            "-out", p("client.pfx"), "-passout", "file:" + p("password"))
    openssl("pkcs12", "-export", "-legacy", "-in", p("client.crt"), "-inkey", p("client.key"),
            "-out", p("client-legacy.pfx"), "-passout", "file:" + p("password"))
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", p("ec.key"), "-out", p("ec.crt"), "-days", "30", "-subj", "/CN=ec")
    with open(p("ec.pem"), "w") as out:
        out.write(open(p("ec.crt")).read() + open(p("ec.key")).read())
    # A federated token as a Kubernetes projected service account token looks (no x5t header).
    with open(p("federated-token"), "w") as f:
        f.write("eyJhbGciOiJSUzI1NiIsImtpZCI6InNpbSJ9.eyJpc3MiOiJodHRwczovL2s4cy5leGFtcGxlIn0."
                + secrets.token_urlsafe(64) + "\n")
    with open(p("other-federated-token"), "w") as f:
        f.write("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL290aGVyIn0." + secrets.token_urlsafe(32))


class ArcFolder:
    """The Arc agent's token folder. As root, created if missing (0700, as the agent keeps it).

    Several runs of this suite may share the machine (the plain and the sanitizer builds, or a
    second `make check`), and the folder is fixed. So every run holds a shared lock on
    ARC_LOCK while it runs; the folders a run creates are written down in ARC_CREATED; and
    cleanup removes them only when it gets the lock alone, i.e. when it is the last run out."""

    def __init__(self):
        self.lock = None
        self.skip_reason = None

    def prepare(self):
        if os.geteuid() != 0:
            self.skip_reason = "needs root to write Azure Arc key files into " + ARC_FOLDER
            return
        self.lock = open(ARC_LOCK, "a")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        missing, path = [], ARC_FOLDER
        while not os.path.lexists(path):
            missing.append(path)
            path = os.path.dirname(path)
        for path in reversed(missing):
            os.mkdir(path)
            os.chmod(path, 0o700 if path == ARC_FOLDER else 0o755)
            with open(ARC_CREATED, "a") as f:
                f.write(path + "\n")
        fcntl.flock(self.lock, fcntl.LOCK_SH)  # from here on, other runs may share the folder
        if os.path.islink(ARC_FOLDER) or not os.path.isdir(ARC_FOLDER):
            raise RuntimeError("%s is not a folder" % ARC_FOLDER)

    def cleanup(self):
        """Removes the folders the suite created, if no other run still uses them; returns the
        ones it could not remove."""
        if self.lock is None:
            return []
        left = []
        try:
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return left  # another run still uses the folder: the last one out removes it
        created = open(ARC_CREATED).read().split() if os.path.exists(ARC_CREATED) else []
        for path in reversed(created):
            try:
                os.rmdir(path)
            except FileNotFoundError:
                pass
            except OSError as e:
                left.append("%s (%s)" % (path, e.strerror))
        if not left and os.path.exists(ARC_CREATED):
            os.unlink(ARC_CREATED)
        self.lock.close()  # releases the lock
        self.lock = None
        return left


class CredentialSimulator(harness.Simulator):
    """harness.Simulator with the client certificate, federated token and identity endpoints."""

    def __init__(self, workdir, cert, key, secret_file, ca, creds):
        self.identity_port_file = os.path.join(workdir, "port-identity")
        self.arc_outside = os.path.join(workdir, "arc-outside")
        super().__init__(workdir, "main", cert, key, secret_file, ca, extra_args=[
            "--client-cert", os.path.join(creds, "client.crt"),
            *["--client-cert=" + os.path.join(creds, "expiring-%dd.crt" % days)
              for days in EXPIRING_DAYS],
            "--client-cert=" + os.path.join(creds, "expired-%dd.crt" % EXPIRED_DAYS_AGO),
            "--federated-token-file", os.path.join(creds, "federated-token"),
            "--identity-port-file", self.identity_port_file,
            "--arc-token-folder", ARC_FOLDER, "--arc-outside-folder", self.arc_outside])
        wait_for(self.identity_port_file, self.proc, self.log.name)
        self.identity_url = "http://127.0.0.1:%d" % int(open(self.identity_port_file).read())

    def assertions(self):
        return self.call("GET", "/_sim/assertions")["assertions"]


def wait_for(path, proc, log):
    deadline = time.time() + 15
    while not os.path.exists(path):
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError("%s did not start (see %s)" % (path, log))
        time.sleep(0.02)


class Proxy:
    def __init__(self, workdir, name, auth=None):
        port_file = os.path.join(workdir, "port-proxy-" + name)
        self.log_path = os.path.join(workdir, "proxy-%s.log" % name)
        open(self.log_path, "w").close()
        self.proc = subprocess.Popen([sys.executable, PROXY, "--port-file", port_file,
                                      "--log", self.log_path] + (["--auth", auth] if auth else []),
                                     stdin=subprocess.DEVNULL)
        wait_for(port_file, self.proc, self.log_path)
        self.url = "http://127.0.0.1:%d" % int(open(port_file).read())

    def requests(self):
        with open(self.log_path) as f:
            return [line.strip() for line in f if line.strip()]

    def stop(self):
        harness.end_process(self.proc, 5)


class Squid:
    """A real squid on 127.0.0.1 with basic auth (basic_ncsa_auth and an htpasswd file made
    here), its config, logs and pid in a folder of its own. As root it runs as the user `proxy`
    (Debian's squid user), which owns that folder. Raises TestSkipped with the reason when
    squid is missing or does not start."""

    HELPER = "/usr/lib/squid/basic_ncsa_auth"

    def __init__(self, workdir, user, password):
        squid = shutil.which("squid") or ("/usr/sbin/squid" if os.path.exists("/usr/sbin/squid")
                                          else None)
        if squid is None or not os.path.exists(self.HELPER):
            harness.skip("squid or %s is not installed (Debian package squid)" % self.HELPER)
        # Its own folder under the system's temporary folder: squid, running as `proxy`, could
        # not pass through the test's private (0700) folder.
        self.dir = tempfile.mkdtemp(prefix="cps-squid-")
        self.port = harness.closed_port()
        self.url = "http://127.0.0.1:%d" % self.port
        digest = subprocess.run(["openssl", "passwd", "-apr1", password], check=True,
                                capture_output=True, text=True).stdout.strip()
        self.write("htpasswd", "%s:%s\n" % (user, digest))
        self.write("squid.conf", self.config())
        self.owner()
        self.log = open(os.path.join(self.dir, "stdout.log"), "wb")
        self.proc = subprocess.Popen([squid, "-N", "-f", os.path.join(self.dir, "squid.conf")],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.wait_until_listening()

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def config(self):
        d = self.dir
        lines = ["http_port 127.0.0.1:%d" % self.port,
                 "pid_filename %s/squid.pid" % d,
                 "cache_log %s/cache.log" % d,
                 "access_log stdio:%s/access.log" % d,
                 "cache_store_log none", "netdb_filename none", "pinger_enable off",
                 "coredump_dir %s" % d, "cache deny all", "visible_hostname cps-test",
                 "shutdown_lifetime 0 seconds",
                 "auth_param basic program %s %s/htpasswd" % (self.HELPER, d),
                 "auth_param basic children 2 startup=1 idle=1",
                 "auth_param basic realm cps-test",
                 "acl loopback dst 127.0.0.0/8", "acl authed proxy_auth REQUIRED",
                 "http_access deny !loopback", "http_access allow authed",
                 "http_access deny all"]
        if os.geteuid() == 0:
            lines.append("cache_effective_user proxy")
        return "\n".join(lines) + "\n"

    def owner(self):
        if os.geteuid() != 0:
            return
        try:
            entry = pwd.getpwnam("proxy")
        except KeyError:
            harness.skip("running as root, and there is no user 'proxy' for squid to run as")
        for name in [""] + os.listdir(self.dir):
            os.chown(os.path.join(self.dir, name), entry.pw_uid, entry.pw_gid)

    def wait_until_listening(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        reason = self.tail()
        self.stop()
        harness.skip("squid did not start on 127.0.0.1:%d: %s" % (self.port, reason))

    def tail(self):
        text = ""
        for name in ("cache.log", "stdout.log"):
            path = os.path.join(self.dir, name)
            if os.path.exists(path):
                text += open(path, errors="replace").read()[-600:]
        return " ".join(text.split()) or "no log"

    def requests(self):
        path = os.path.join(self.dir, "access.log")
        return open(path).read().splitlines() if os.path.exists(path) else []

    def stop(self):
        harness.end_process(self.proc, 10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Context(harness.Context):
    def setup(self):
        self.arc = ArcFolder()
        self.arc.prepare()
        pki = self.make_workdir("cps-credentials-")
        self.creds = os.path.join(self.dir, "creds")
        make_client_credentials(self.creds)
        self.sim = CredentialSimulator(self.dir, os.path.join(pki, "server.pem"),
                                       os.path.join(pki, "server.key"), self.secret_file,
                                       self.ca, self.creds)
        self.sims = {"main": self.sim}
        self.proxies = []
        self.proxy_lock = threading.Lock()
        self.closed_port = harness.closed_port()

    def teardown(self):
        for proxy in getattr(self, "proxies", []):
            proxy.stop()
        super().teardown()  # the simulator removes every key file it wrote as it exits
        if getattr(self, "arc", None):
            self.arc_leftovers = self.arc.cleanup()

    def teardown_failures(self):
        return ["could not remove %s, created by this run" % left
                for left in getattr(self, "arc_leftovers", [])]

    def squid(self, user, password):
        squid = Squid(self.dir, user, password)
        with self.proxy_lock:
            self.proxies.append(squid)
        return squid

    def proxy(self, auth=None):
        """A fresh proxy per test, so its log holds only that test's requests."""
        proxy = Proxy(self.dir, secrets.token_hex(4), auth)
        with self.proxy_lock:
            self.proxies.append(proxy)
        return proxy

    def cred(self, name):
        return os.path.join(self.creds, name)

    def forbidden(self, res, *texts):
        for text in texts:
            if text and text in res.text:
                fail("%r appears in the output%s" % (text[:40], res.describe()))


def token_entry(ctx, tenant):
    entries = [e for e in ctx.sim.log_of(tenant) if e["kind"] == "token"]
    if len(entries) != 1:
        fail("expected one token request for %s, got %d" % (tenant, len(entries)))
    return entries[0]


def assertion_for(ctx, tenant):
    found = [a for a in ctx.sim.assertions() if ("/%s/" % tenant) in a["claims"].get("aud", "")]
    if len(found) != 1:
        fail("expected one client assertion for %s, got %d" % (tenant, len(found)))
    return found[0]


def expect_certificate_flow(ctx, tenant, res, alg="PS256"):
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=1)
    entry = token_entry(ctx, tenant)
    if entry["assertion_type"] != JWT_BEARER or "client_secret" in entry["fields"]:
        fail("token request fields %s, assertion type %r" % (entry["fields"],
                                                              entry["assertion_type"]))
    a = assertion_for(ctx, tenant)
    thumb = "x5t#S256" if alg == "PS256" else "x5t"
    if a["header"].get("alg") != alg or thumb not in a["header"]:
        fail("assertion header %s, expected alg %s with %s" % (a["header"], alg, thumb))
    c = a["claims"]
    if c["iss"] != CLIENT_ID or c["sub"] != CLIENT_ID or not 0 < c["exp"] - c["nbf"] <= 600:
        fail("assertion claims %s" % c)


tests = Registry()
test = tests.test


# --- each credential kind: a healthy check ---------------------------------------------------

@test("secret-healthy")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant)
    expect(res, "OK", OK_SUMMARY)
    if not token_entry(ctx, tenant)["secret_ok"]:
        fail("the simulator did not get the secret")


for _name, _file, _extra, _env in [
        ("cert-pem-ps256", "client.pem", (), {}),
        ("cert-pem-encrypted-key", "client-enc.pem", ("--certificate-password-file", "password"),
         {}),
        ("cert-p12-no-password", "client-nopass.p12", (), {}),
        ("cert-pfx-password-file", "client.pfx", ("--certificate-password-file", "password"), {}),
        ("cert-pfx-password-env", "client.pfx", (),
         {"AZURE_CLIENT_CERTIFICATE_PASSWORD": "p4ss word+&%"}),
        ("cert-pfx-legacy-rc2", "client-legacy.pfx", ("--certificate-password-file", "password"),
         {})]:
    def _make(file=_file, extra=_extra, env=_env):
        def fn(ctx):
            tenant = ctx.unique("ok")
            args = ["--certificate", ctx.cred(file)]
            args += [ctx.cred(x) if x == "password" else x for x in extra]
            res = ctx.run(tenant, *args, secret=None, env=env)
            expect_certificate_flow(ctx, tenant, res)
        return fn
    tests.add(_name, _make())


@test("cert-rs256-x5t")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("client.pem"), "--assertion-alg", "RS256",
                  secret=None)
    expect_certificate_flow(ctx, tenant, res, alg="RS256")


@test("cert-from-env-path")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, secret=None,
                  env={"AZURE_CLIENT_CERTIFICATE_PATH": ctx.cred("client.pem")})
    expect_certificate_flow(ctx, tenant, res)


@test("cert-unique-jti")
def _(ctx):
    """Two runs, two assertions: the simulator refuses a repeated jti, so both must differ."""
    tenants = [ctx.unique("ok"), ctx.unique("ok")]
    for tenant in tenants:
        expect_certificate_flow(ctx, tenant, ctx.run(tenant, "--certificate",
                                                     ctx.cred("client.pem"), secret=None))
    jtis = {assertion_for(ctx, t)["claims"]["jti"] for t in tenants}
    if len(jtis) != 2:
        fail("jti repeated: %s" % jtis)


@test("mi-vm-system-assigned")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--managed-identity", secret=None,
                  env={"AZURE_POD_IDENTITY_AUTHORITY_HOST": ctx.sim.identity_url + "/vm/" + tenant})
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=0, identity=1, batch=1)
    e = [x for x in ctx.sim.log_of(tenant) if x["kind"] == "identity"][0]
    want = {"metadata": "true", "resource": ctx.sim.url, "client_id": None,
            "api_version": "2018-02-01", "authorization": None}
    wrong = {k: (e.get(k), v) for k, v in want.items() if e.get(k) != v}
    if wrong:
        fail("IMDS request %s (got, want)%s" % (wrong, res.describe()))


@test("mi-vm-user-assigned")
def _(ctx):
    for form in (["--managed-identity=" + USER_ASSIGNED], ["--managed-identity", USER_ASSIGNED]):
        tenant = ctx.unique("ok")
        res = ctx.run(tenant, *form, secret=None, env={
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": ctx.sim.identity_url + "/vm/" + tenant})
        expect(res, "OK", OK_SUMMARY)
        e = [x for x in ctx.sim.log_of(tenant) if x["kind"] == "identity"][0]
        if e["client_id"] != USER_ASSIGNED:
            fail("client_id %r sent to IMDS%s" % (e["client_id"], res.describe()))


@test("mi-vm-imds-updating-retried")
def _(ctx):
    """IMDS answers 410 while it is being updated: retried (as Azure asks), then a token."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--managed-identity", secret=None, env={
        "AZURE_POD_IDENTITY_AUTHORITY_HOST": ctx.sim.identity_url + "/vm-updating/" + tenant})
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=0, identity=2, batch=1)


@test("mi-vm-unknown-identity")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--managed-identity=12345678-1234-1234-1234-123456789012", secret=None,
                  env={"AZURE_POD_IDENTITY_AUTHORITY_HOST": ctx.sim.identity_url + "/vm/" + tenant})
    expect(res, "UNKNOWN", "Identity not found")
    expect_counts(ctx, tenant, res, identity=1, batch=0)


USER_OBJECT = "aaaaaaaa-bbbb-cccc-dddd-000000000002"
USER_RESOURCE = ("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/mon"
                 "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/monitoring")


def identity_entries(ctx, tenant):
    return [x for x in ctx.sim.log_of(tenant) if x["kind"] == "identity"]


def vm_env(ctx, tenant, flavour="vm"):
    return {"AZURE_POD_IDENTITY_AUTHORITY_HOST": "%s/%s/%s" % (ctx.sim.identity_url, flavour,
                                                              tenant)}


@test("mi-vm-object-and-resource-id")
def _(ctx):
    """A user-assigned identity selected by object ID or resource ID, with IMDS's parameters."""
    for value, sent in (("object_id:" + USER_OBJECT, {"object_id": USER_OBJECT}),
                        ("resource_id:" + USER_RESOURCE, {"msi_res_id": USER_RESOURCE}),
                        ("client_id:" + USER_ASSIGNED, {"client_id": USER_ASSIGNED})):
        tenant = ctx.unique("ok")
        res = ctx.run(tenant, "--managed-identity=" + value, secret=None, env=vm_env(ctx, tenant))
        expect(res, "OK", OK_SUMMARY)
        got = identity_entries(ctx, tenant)[0]["selectors"]
        if got != sent:
            fail("IMDS selectors %s, expected %s%s" % (got, sent, res.describe()))
    res = ctx.run(ctx.unique("ok"), "--managed-identity=resource_id:not-a-resource", secret=None)
    expect(res, "UNKNOWN", "invalid managed identity resource ID")


@test("mi-vm-imds-410-until-deadline")
def _(ctx):
    """IMDS 410 (being updated) is retried past the usual three attempts, until -t."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--managed-identity", "-t", "4", secret=None, timeout=4,
                  env=vm_env(ctx, tenant, "vm-updating-long"))
    expect(res, "CRITICAL", "IMDS is being updated (410); use -t above 70 s to ride it out")
    n = ctx.sim.stats(tenant)["identity"]
    if n <= 3:
        fail("IMDS asked %d times in 4 s; 410 must be retried until the deadline%s"
             % (n, res.describe()))


def app_service_env(ctx, tenant):
    with open(ctx.sim.identity_port_file + "-header") as f:
        header = f.read()
    return {"IDENTITY_ENDPOINT": "%s/appservice/%s/msi/token" % (ctx.sim.identity_url, tenant),
            "IDENTITY_HEADER": header}


@test("mi-app-service")
def _(ctx):
    """IDENTITY_ENDPOINT + IDENTITY_HEADER: App Service's protocol, header never shown."""
    for args, sent in ((["--managed-identity", "-vvv"], {}),
                       (["--managed-identity=object_id:" + USER_OBJECT], {"principal_id": USER_OBJECT}),
                       (["--managed-identity=resource_id:" + USER_RESOURCE],
                        {"mi_res_id": USER_RESOURCE})):
        tenant = ctx.unique("ok")
        env = app_service_env(ctx, tenant)
        env.update(vm_env(ctx, tenant))  # IMDS must not be asked even though it would answer
        res = ctx.run(tenant, *args, secret=None, env=env)
        expect(res, "OK", OK_SUMMARY)
        e = identity_entries(ctx, tenant)
        if len(e) != 1 or e[0]["flavour"] != "appservice":
            fail("expected one App Service request, got %s%s" % (e, res.describe()))
        if (e[0]["api_version"], e[0]["identity_header"], e[0]["selectors"]) != (
                "2019-08-01", True, sent):
            fail("App Service request %s%s" % (e[0], res.describe()))
        ctx.forbidden(res, env["IDENTITY_HEADER"])


@test("mi-sources-refused-never-imds")
def _(ctx):
    """Platforms not supported are named; IMDS is never the fallback when a variable is set."""
    cases = [({"MSI_ENDPOINT": "http://127.0.0.1:1/msi"}, "Azure Cloud Shell"),
             ({"MSI_ENDPOINT": "http://127.0.0.1:1/msi", "MSI_SECRET": "s"},
              "Azure Machine Learning"),
             ({"IDENTITY_ENDPOINT": "http://127.0.0.1:1/x", "IDENTITY_HEADER": "h",
               "IDENTITY_SERVER_THUMBPRINT": "AB"}, "Service Fabric"),
             ({"IDENTITY_ENDPOINT": "http://127.0.0.1:1/x"}, "without IMDS_ENDPOINT"),
             ({"IMDS_ENDPOINT": "http://127.0.0.1:1"}, "not using IMDS"),
             ({"IDENTITY_HEADER": "h"}, "not using IMDS")]
    for variables, text in cases:
        tenant = ctx.unique("ok")
        env = dict(vm_env(ctx, tenant), **variables)
        res = ctx.run(tenant, "--managed-identity", secret=None, env=env)
        expect(res, "UNKNOWN", text)
        expect_counts(ctx, tenant, res, requests=0)


@test("mi-no-tenant-option")
def _(ctx):
    """A managed identity's token is for its own tenant: -T may be left out, and the tenant
    Graph answered for is named."""
    tenant = ctx.unique("ok")
    res = ctx.run(None, "--managed-identity", secret=None, env=vm_env(ctx, tenant))
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "tenant: b93319e6-5c2a-4d7e-9a1f-2c3d4e5f6a7b (contoso.onmicrosoft.com)",
           line1=False)
    res = ctx.run(None, "--client-secret-file", ctx.secret_file, secret=None)
    expect(res, "UNKNOWN", "no tenant")


@test("mi-assertion-federated-credential")
def _(ctx):
    """--managed-identity-assertion: the identity's token for api://AzureADTokenExchange is the
    app's client assertion; the app's federated credential trusts the user-assigned identity
    only."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--managed-identity-assertion=" + USER_ASSIGNED, "-vvv", secret=None,
                  env=vm_env(ctx, tenant))
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, identity=1, token=1, batch=1)
    e = identity_entries(ctx, tenant)[0]
    if (e["resource"], e["selectors"]) != ("api://AzureADTokenExchange",
                                           {"client_id": USER_ASSIGNED}):
        fail("identity request %s%s" % (e, res.describe()))
    t = token_entry(ctx, tenant)
    if t["assertion_type"] != JWT_BEARER or t["client_id"] != CLIENT_ID:
        fail("token request %s%s" % (t, res.describe()))
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--managed-identity-assertion", secret=None, env=vm_env(ctx, tenant))
    expect(res, "UNKNOWN", "AADSTS70021")
    expect_counts(ctx, tenant, res, identity=1, token=1, batch=0)


def arc_env(ctx, flavour, tenant):
    return {"IDENTITY_ENDPOINT": "%s/%s/%s/metadata/identity/oauth2/token"
                                 % (ctx.sim.identity_url, flavour, tenant),
            "IMDS_ENDPOINT": ctx.sim.identity_url}


def need_arc_folder(ctx):
    if ctx.arc.skip_reason:
        harness.skip(ctx.arc.skip_reason)


def arc_run(ctx, flavour, tenant, *args, env=None):
    """The plugin against an Arc flavour. Returns the result and the contents of the key files
    the simulator wrote for it, which are removed before this returns."""
    try:
        res = ctx.run(tenant, "--managed-identity", *args, secret=None,
                      env=dict(arc_env(ctx, flavour, tenant), **(env or {})))
    finally:
        paths = [e["key_file"] for e in ctx.sim.log_of(tenant)
                 if e["kind"] == "identity" and e.get("key_file")]
        keys = []
        for path in paths:
            if os.path.isfile(path):
                with open(path) as f:
                    keys.append(f.read())
            if os.path.lexists(path):
                os.unlink(path)
    return res, paths, keys


@test("mi-arc-challenge")
def _(ctx):
    need_arc_folder(ctx)
    tenant = ctx.unique("ok")
    res, paths, keys = arc_run(ctx, "arc", tenant, "-vvv")
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "Azure Arc", line1=False)
    expect_counts(ctx, tenant, res, identity=2, batch=1)
    sent = [x["authorization"] for x in ctx.sim.log_of(tenant) if x["kind"] == "identity"]
    if sent != [None, "Basic"]:
        fail("Arc requests' Authorization schemes %s, expected [None, 'Basic']" % sent)
    if len(paths) != 1 or os.path.dirname(paths[0]) != ARC_FOLDER or len(keys) != 1:
        fail("expected one key file in %s, the simulator wrote %s" % (ARC_FOLDER, paths))
    ctx.forbidden(res, *keys)


@test("mi-arc-user-assigned-verified")
def _(ctx):
    """Arc with a user-assigned identity: used when the agent returns it; an older agent that
    returns the machine's own identity instead is refused before Graph is asked."""
    need_arc_folder(ctx)
    tenant = ctx.unique("ok")
    res, _, _ = arc_run(ctx, "arc", tenant, "--managed-identity=" + USER_ASSIGNED)
    expect(res, "OK", OK_SUMMARY)
    tenant = ctx.unique("ok")
    res, paths, keys = arc_run(ctx, "arc-legacy", tenant, "--managed-identity=" + USER_ASSIGNED)
    expect(res, "UNKNOWN", "refusing to run as the wrong identity", USER_ASSIGNED)
    expect_counts(ctx, tenant, res, identity=2, batch=0)
    ctx.forbidden(res, *keys)


for _flavour, _text, _root in [("arc-outside", "is not inside " + ARC_FOLDER, False),
                               ("arc-symlink", "is not inside " + ARC_FOLDER, True),
                               ("arc-big", "larger than 4096 bytes", True),
                               ("arc-notkey", "does not end in .key", True)]:
    def _make(flavour=_flavour, text=_text, root=_root):
        def fn(ctx):
            if root:
                need_arc_folder(ctx)
            tenant = ctx.unique("ok")
            res, paths, keys = arc_run(ctx, flavour, tenant)
            expect(res, "UNKNOWN", "refusing", text)
            expect_counts(ctx, tenant, res, identity=1, batch=0)
            if len(paths) != 1:
                fail("expected one key file, the simulator wrote %s" % paths)
            ctx.forbidden(res, *keys)
        return fn
    tests.add("mi-%s-refused" % _flavour, _make())


@test("mi-arc-folder-variable-ignored")
def _(ctx):
    """The former test-only override must not move the trusted folder: an attacker who can set
    the check's environment (Icinga CheckCommand `env`) must not make the plugin send a file of
    their choosing. The challenge names a file in the folder the variable points at."""
    tenant = ctx.unique("ok")
    res, paths, keys = arc_run(ctx, "arc-outside", tenant,
                               env={REMOVED_VARIABLE: ctx.sim.arc_outside})
    expect(res, "UNKNOWN", "refusing", "is not inside " + ARC_FOLDER)
    expect_counts(ctx, tenant, res, identity=1, batch=0)
    with open(ctx.binary, "rb") as f:
        if REMOVED_VARIABLE.encode() in f.read():
            fail("the plugin binary still names %s" % REMOVED_VARIABLE)


@test("mi-never-through-proxy")
def _(ctx):
    """--proxy and https_proxy/http_proxy carry Graph, never the identity endpoint."""
    for how in ("option", "env"):
        proxy = ctx.proxy()
        tenant = ctx.unique("ok")
        env = {"AZURE_POD_IDENTITY_AUTHORITY_HOST": ctx.sim.identity_url + "/vm/" + tenant}
        args = ["--managed-identity"]
        if how == "option":
            args += ["--proxy", proxy.url]
        else:
            env.update({"https_proxy": proxy.url, "http_proxy": proxy.url,
                        "HTTPS_PROXY": proxy.url})
        res = ctx.run(tenant, *args, secret=None, env=env)
        expect(res, "OK", OK_SUMMARY)
        seen = proxy.requests()
        if seen != ["CONNECT 127.0.0.1:%d HTTP/1.1" % ctx.sim.port]:
            fail("proxy (%s) saw %s; expected only the Graph CONNECT%s" % (how, seen,
                                                                          res.describe()))


@test("federated-token-env-and-option")
def _(ctx):
    token = open(ctx.cred("federated-token")).read().strip()
    for args, env in (([], {"AZURE_FEDERATED_TOKEN_FILE": ctx.cred("federated-token")}),
                      (["--federated-token-file", ctx.cred("federated-token")], {})):
        tenant = ctx.unique("ok")
        res = ctx.run(tenant, "-vvv", *args, secret=None, env=env)
        expect(res, "OK", OK_SUMMARY)
        expect(res, "OK", "federated token", line1=False)
        entry = token_entry(ctx, tenant)
        if entry["assertion_type"] != JWT_BEARER:
            fail("no jwt-bearer assertion sent%s" % res.describe())
        ctx.forbidden(res, token, token.split(".")[2])


@test("federated-token-unknown")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, secret=None,
                  env={"AZURE_FEDERATED_TOKEN_FILE": ctx.cred("other-federated-token")})
    expect(res, "UNKNOWN", "AADSTS700211 (invalid_client): compare the Issuer of the app's "
           "federated credential with the token's iss; Entra: ")


# --- rejected assertions ---------------------------------------------------------------------

@test("assertion-unregistered-certificate")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("other.pem"), secret=None)
    expect(res, "UNKNOWN", "token request rejected: AADSTS700027 (invalid_client): upload the "
           "certificate to the app under Certificates & secrets", "; Entra: ", "not registered")
    expect_counts(ctx, tenant, res, token=1, batch=0)


@test("assertion-tampered")
def _(ctx):
    tenant = ctx.unique("assertion-tampered")
    res = ctx.run(tenant, "--certificate", ctx.cred("client.pem"), secret=None)
    expect(res, "UNKNOWN", "AADSTS700027", "failed signature validation")


@test("assertion-expired")
def _(ctx):
    tenant = ctx.unique("assertion-clock-ahead")
    res = ctx.run(tenant, "--certificate", ctx.cred("client.pem"), secret=None)
    expect(res, "UNKNOWN", "AADSTS700024 (invalid_client): check this host's clock (NTP)",
           "; Entra: ", "not within its valid time range")


@test("assertion-wrong-audience")
def _(ctx):
    """The assertion names the token URL used; the simulator knows itself as 127.0.0.1."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("client.pem"), secret=None,
                  authority="https://localhost:%d" % ctx.sim.port)
    expect(res, "UNKNOWN", "AADSTS700023", "audience")


@test("cert-refused-locally")
def _(ctx):
    """Unusable certificate files are UNKNOWN before any request."""
    cases = [(["--certificate", ctx.cred("ec.pem")], "not an RSA key"),
             (["--certificate", ctx.cred("client.pfx")], "wrong or missing password"),
             (["--certificate", ctx.cred("client-enc.pem")], "encrypted"),
             (["--certificate", ctx.cred("client.crt")], "no usable private key"),
             (["--certificate", ctx.cred("password")], "neither PEM nor PKCS#12"),
             (["--certificate", "/nonexistent.pem"], "cannot open")]
    for args, text in cases:
        tenant = ctx.unique("ok")
        res = ctx.run(tenant, *args, secret=None)
        expect(res, "UNKNOWN", text)
        expect_counts(ctx, tenant, res, requests=0)


# --- precedence and conflicts ----------------------------------------------------------------

@test("precedence-explicit-beats-environment")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("client.pem"))  # AZURE_CLIENT_SECRET set too
    expect_certificate_flow(ctx, tenant, res)


@test("precedence-environment-order")
def _(ctx):
    """AZURE_CLIENT_SECRET before AZURE_CLIENT_CERTIFICATE_PATH before AZURE_FEDERATED_TOKEN_FILE."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "-v", env={"AZURE_CLIENT_CERTIFICATE_PATH": ctx.cred("client.pem"),
                                     "AZURE_FEDERATED_TOKEN_FILE": ctx.cred("federated-token")})
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "credential: client secret from AZURE_CLIENT_SECRET",
           "AZURE_CLIENT_CERTIFICATE_PATH is set too", line1=False)
    if not token_entry(ctx, tenant)["secret_ok"]:
        fail("the secret was not used%s" % res.describe())
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, secret=None, env={
        "AZURE_CLIENT_CERTIFICATE_PATH": ctx.cred("client.pem"),
        "AZURE_FEDERATED_TOKEN_FILE": ctx.cred("other-federated-token")})
    expect_certificate_flow(ctx, tenant, res)


@test("conflict-two-credentials")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("client.pem"), "--client-secret-file",
                  ctx.secret_file)
    expect(res, "UNKNOWN", "--client-secret-file", "--certificate", "use only one")
    tenant2 = ctx.unique("ok")
    res = ctx.run(tenant2, "--managed-identity", "--federated-token-file",
                  ctx.cred("federated-token"))
    expect(res, "UNKNOWN", "--managed-identity", "--federated-token-file")
    for t in (tenant, tenant2):
        expect_counts(ctx, t, res, requests=0)


@test("no-credential-names-every-way")
def _(ctx):
    res = ctx.run(ctx.unique("ok"), secret=None)
    expect(res, "UNKNOWN", "no credential", "--client-secret-file", "AZURE_CLIENT_SECRET",
           "--certificate", "AZURE_CLIENT_CERTIFICATE_PATH", "--federated-token-file",
           "AZURE_FEDERATED_TOKEN_FILE", "--managed-identity")


# --- proxy -----------------------------------------------------------------------------------

def proxied_run(ctx, proxy, tenant, *args, env=None):
    """Token from 127.0.0.1, Graph from localhost: two hosts, so two CONNECTs to tell apart."""
    return ctx.run(tenant, *args, graph="https://localhost:%d" % ctx.sim.port, env=env)


@test("proxy-option-carries-both-requests")
def _(ctx):
    proxy = ctx.proxy()
    tenant = ctx.unique("ok")
    res = proxied_run(ctx, proxy, tenant, "--proxy", proxy.url)
    expect(res, "OK", OK_SUMMARY)
    want = ["CONNECT 127.0.0.1:%d HTTP/1.1" % ctx.sim.port,
            "CONNECT localhost:%d HTTP/1.1" % ctx.sim.port]
    if proxy.requests() != want:
        fail("proxy saw %s, expected %s%s" % (proxy.requests(), want, res.describe()))


@test("proxy-environment-and-no-proxy")
def _(ctx):
    proxy = ctx.proxy()
    tenant = ctx.unique("ok")
    res = proxied_run(ctx, proxy, tenant, env={"https_proxy": proxy.url})
    expect(res, "OK", OK_SUMMARY)
    if len(proxy.requests()) != 2:
        fail("with https_proxy the proxy saw %s%s" % (proxy.requests(), res.describe()))
    for no_proxy in ("127.0.0.1,localhost", "*"):
        quiet = ctx.proxy()
        tenant = ctx.unique("ok")
        res = proxied_run(ctx, quiet, tenant, "--proxy", quiet.url, env={"no_proxy": no_proxy})
        res2 = proxied_run(ctx, quiet, ctx.unique("ok"),
                           env={"https_proxy": quiet.url, "no_proxy": no_proxy})
        for r in (res, res2):
            expect(r, "OK", OK_SUMMARY)
        if quiet.requests():
            fail("no_proxy=%s, yet the proxy saw %s%s" % (no_proxy, quiet.requests(),
                                                          res.describe()))


@test("proxy-unreachable-is-critical")
def _(ctx):
    res = ctx.run(ctx.unique("ok"), "--proxy", "http://127.0.0.1:%d" % ctx.closed_port)
    expect(res, "CRITICAL", "cannot reach")


def proxy_with_password(ctx, kind):
    """(proxy URL without credentials, user, password) of a proxy that wants them."""
    user, password = "monitor", "Pr0xy-" + secrets.token_hex(6)
    proxy = ctx.squid(user, password) if kind == "squid" else ctx.proxy("%s:%s" % (user, password))
    return proxy, user, password


def proxy_auth_test(kind):
    @test("proxy-407-is-a-rejected-credential-" + kind)
    def _(ctx):
        """A proxy answering CONNECT with 407: UNKNOWN, naming the proxy and what to check;
        the right password gets through; no password shows, at any verbosity."""
        proxy, user, password = proxy_with_password(ctx, kind)
        address = proxy.url[len("http://"):]
        refused = ("proxy %s refused the tunnel: 407 Proxy Authentication Required (check the "
                   "proxy user and password)" % address)
        wrong = "Wr0ng-" + secrets.token_hex(6)
        for url, env in (("http://%s:%s@%s" % (user, wrong, address), {}),
                         (proxy.url, {}),
                         (None, {"https_proxy": "http://%s:%s@%s" % (user, wrong, address)})):
            args = ["--proxy", url] if url else []
            res = ctx.run(ctx.unique("ok"), *(args + ["-vvv"]), env=env)
            expect(res, "UNKNOWN", refused)
            harness.expect_none_of(res, [wrong, password], "a proxy password")
        for args, env in ((["--proxy", "http://%s:%s@%s" % (user, password, address)], {}),
                          ([], {"HTTPS_PROXY": "http://%s:%s@%s" % (user, password, address)})):
            tenant = ctx.unique("ok")
            res = ctx.run(tenant, *(args + ["-vvv"]), env=env)
            expect(res, "OK", OK_SUMMARY)
            harness.expect_none_of(res, [password], "the proxy password")
        tunnelled = "TCP_TUNNEL/200" if kind == "squid" else "CONNECT"
        if not any(("127.0.0.1:%d" % ctx.sim.port) in line and tunnelled in line
                   for line in proxy.requests()):
            fail("the proxy logged no tunnel to the simulator: %s" % proxy.requests())


for _kind in ("squid", "small"):
    proxy_auth_test(_kind)


@test("proxy-bad-url")
def _(ctx):
    res = ctx.run(ctx.unique("ok"), "--proxy", "ftp://x")
    expect(res, "UNKNOWN", "--proxy")


# --- --extra-opts ----------------------------------------------------------------------------

def write_ini(ctx, text):
    path = os.path.join(ctx.dir, "plugins-%s.ini" % secrets.token_hex(4))
    with open(path, "w") as f:
        f.write(text)
    return path


def ini_run(ctx, *args, env=None, secret=None):
    """The plugin with nothing but what is given (no -T/-C/hosts from the runner)."""
    return ctx.run(None, *args, base=False, secret=secret, env=env)


def certificate_ini(ctx, section, tenant):
    return write_ini(ctx, "; monitoring credentials\n[other_plugin]\nhostname = x\n\n"
                          "[%s]\ntenant = %s\nclient-id=%s\n"
                          "authority-host = %s\ngraph-endpoint = \"%s\"\nca-file = %s\n"
                          "certificate = %s\nno-token-cache\n"
                     % (section, tenant, CLIENT_ID, ctx.sim.url, ctx.sim.url, ctx.ca,
                        ctx.cred("client.pem")))


@test("extra-opts-default-section")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ini_run(ctx, "--extra-opts=@" + certificate_ini(ctx, "check_password_sync", tenant))
    expect_certificate_flow(ctx, tenant, res)
    tenant = ctx.unique("ok")  # MP_CONFIG_FILE names the file when no @file is given
    ini = certificate_ini(ctx, "check_password_sync", tenant)
    res = ini_run(ctx, "--extra-opts", env={"MP_CONFIG_FILE": ini})
    expect_certificate_flow(ctx, tenant, res)


@test("extra-opts-named-section-and-override")
def _(ctx):
    ini = certificate_ini(ctx, "tenant_a", "dirsync-disabled")
    res = ini_run(ctx, "--extra-opts", "tenant_a@" + ini)
    expect(res, "CRITICAL", "directory sync is disabled")
    # The command line overrides: another tenant, and a secret instead of the certificate.
    tenant = ctx.unique("ok")
    res = ini_run(ctx, "--extra-opts=tenant_a@" + ini, "-T", tenant, "--client-secret-file",
                  ctx.secret_file)
    expect(res, "OK", OK_SUMMARY)
    if not token_entry(ctx, tenant)["secret_ok"]:
        fail("the command line's secret did not replace the file's certificate%s"
             % res.describe())


@test("extra-opts-token-cache-on-command-line-wins")
def _(ctx):
    """The file says no-token-cache, the command line --token-cache DIR: the cache is used, so
    the second check asks for no token."""
    tenant = ctx.unique("ok")
    ini = certificate_ini(ctx, "check_password_sync", tenant)  # holds no-token-cache
    cache = harness.cache_dir(ctx)
    for _ in range(2):
        res = ini_run(ctx, "--extra-opts=@" + ini, "--token-cache", cache)
        expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=2)


@test("extra-opts-refused-lines")
def _(ctx):
    """help in a section would print the help on every check; an empty value is a mistake."""
    for text, message in (("help\n", "--help belongs on the command line"),
                          ("version\n", "--version belongs on the command line"),
                          ("certificate = \"\"\n", "option --certificate has an empty value"),
                          ("tenant = ok\n\0", "holds a NUL byte")):
        ini = write_ini(ctx, "[check_password_sync]\n" + text)
        res = ini_run(ctx, "--extra-opts=@" + ini)
        expect(res, "UNKNOWN", message)
        if len(res.out) > 300:
            fail("a refused ini line should give one short line%s" % res.describe())
    bom = write_ini(ctx, "\ufeff[check_password_sync]\ntenant = ok\n")  # written as UTF-8
    res = ini_run(ctx, "--extra-opts=@" + bom)
    expect(res, "UNKNOWN", "no client ID")  # the section was found and read despite the BOM


@test("extra-opts-errors")
def _(ctx):
    good = write_ini(ctx, "[check_password_sync]\ntenant = ok\n")
    cases = [(["--extra-opts=@/nonexistent/plugins.ini"], "cannot open"),
             (["--extra-opts=missing@" + good], "no section [missing]"),
             (["--extra-opts=@" + write_ini(ctx, "[check_password_sync\ntenant = ok\n")],
              "line 1"),
             (["--extra-opts=@" + write_ini(ctx, "[check_password_sync]\n\n= value\n")],
              "line 3"),
             (["--extra-opts=@" + write_ini(ctx, "[check_password_sync]\nbogus-option = 1\n")],
              "unknown option '--bogus-option'"),
             (["--extra-opts=@" + write_ini(ctx, "[check_password_sync]\nextra-opts = x\n")],
              "cannot be nested")]
    for args, text in cases:
        res = ini_run(ctx, *args)
        expect(res, "UNKNOWN", text)


@test("verbose-vvv-certificate-redacted")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "-vvv", "--certificate", ctx.cred("client.pem"), secret=None)
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "credential: certificate from", "PS256 assertion with x5t#S256",
           "token endpoint %s/%s/oauth2/v2.0/token" % (ctx.sim.url, tenant),
           "client_assertion=[redacted]", line1=False)
    if "client_assertion=eyJ" in res.text:
        fail("the assertion appears in the output%s" % res.describe())
    key = open(ctx.cred("client.key")).read().splitlines()[1]
    ctx.forbidden(res, key)


def main():
    return harness.run_suite("integration-credentials", [tests, credentials_expiry.tests], Context,
                             __doc__.split("\n")[0])


if __name__ == "__main__":
    sys.exit(main())
