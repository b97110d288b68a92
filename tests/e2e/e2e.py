#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test: real Icinga 2 and Nagios 4 run check_password_sync.

The plugin and our shipped files sit where the package installs them (a
staged /usr/lib/nagios/plugins, /usr/share/icinga2/include/plugins-contrib.d
and /etc/nagios-plugins/config, bind-mounted in a private mount namespace).
Every engine instance owns its configuration, data, cache, log and run
folders in a temporary directory and runs as the unprivileged `nagios` user
when started as root. The host's own /etc/icinga2, /var/lib/icinga2 and
/etc/nagios4 are replaced, inside the namespace, by deliberately broken
copies (and the engines' other host folders by empty read-only ones): an
instance that read or wrote any of them fails.

Icinga 2 runs as a master and a satellite (certificates from `icinga2 pki`
with the master's CA, the satellite zone a child of the master's); both load
the CheckCommand through `include <plugins-contrib>`. One service runs on the
satellite through command_endpoint; the master's REST API shows its
check_source, state, output and perfdata. Nagios 4 runs with Debian's
configuration layout, the secret file's path in $USER3$ of resource.cfg.
Both engines run the plugin as a host check and as service checks, and a
hanging Graph endpoint ends in the -t state inside each engine. Icinga's
PerfdataWriter files and Graphite metrics carry the perfdata. One scenario
per engine takes tenant and credential only from an --extra-opts ini file.
For Icinga, a probe in front of the plugin records the environment of an
env-secret scenario and how the shipped CheckCommand renders its arguments.
Only 127.0.0.1 is contacted.

Usage: e2e.py --plugin PATH [--engine icinga2|nagios4 ...] [--keep]
"""

import argparse
import base64
import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ICINGA_CONF = os.path.join(REPO, "contrib", "icinga2", "check_password_sync.conf")
ICINGA_EXAMPLE = os.path.join(REPO, "contrib", "icinga2", "example-msp.conf")
NAGIOS_CFG = os.path.join(REPO, "contrib", "nagios", "check_password_sync.cfg")
SIMULATOR = os.path.join(REPO, "tests", "sim", "simulator.py")
MAKE_CERTS = os.path.join(REPO, "tests", "tools", "make_certs.sh")
NAGIOS_PLUGIN_DIR = "/usr/lib/nagios/plugins"
CLIENT_ID = "e2e-client-id"
SERVICE = "password-sync"
STATE_NAMES = ["OK", "WARNING", "CRITICAL", "UNKNOWN"]
PERF_LABELS = ("password_sync_age", "dirsync_age")


class Scenario:
    def __init__(self, tenant, state, text, perfdata, name=None, via="args",
                 engines=("icinga2", "nagios4"), host_state=None, satellite=False, timeout=None):
        self.tenant = tenant  # the simulator's scenario
        self.state = state
        self.text = text  # a substring the plugin output must contain
        self.perfdata = perfdata  # whether both ages must be in the perfdata
        self.name = name or tenant
        # args: tenant, client ID and secret on the command line (Icinga: the
        # secret in the env for the first scenario); ini: all of them only in
        # the --extra-opts file; env-probe: as args-with-env, but through a
        # wrapper that records the environment Icinga gives the plugin.
        self.via = via
        self.engines = engines
        # The plugin is also the host's check: the host state it must give (0 UP, 1 DOWN).
        self.host_state = host_state
        self.satellite = satellite  # Icinga: run by the satellite (command_endpoint)
        self.timeout = timeout  # -t in seconds (Icinga: password_sync_timeout)

    @property
    def host(self):
        return "sim-" + self.name


# The --extra-opts sections of the ini scenarios (password_sync_<name>); the
# file's default section names a tenant whose token request fails, so reading
# the wrong section shows.
INI_SECTION_PREFIX = "password_sync_"
HANG_SECONDS = 3

SCENARIOS = [
    Scenario("ok", 0, "password hash sync enabled", True, host_state=0),
    Scenario("stale-password", 1, "(warning above 3d)", True),
    Scenario("dirsync-disabled", 2, "directory sync is disabled", False, host_state=1),
    Scenario("aadsts-7000215", 3, "AADSTS7000215", False),
    Scenario("ok", 0, "password hash sync enabled", True, name="okini", via="ini"),
    Scenario("ok", 0, "password hash sync enabled", True, name="okenv-probe", via="env-probe",
             engines=("icinga2",)),
    Scenario("ok", 0, "password hash sync enabled", True, name="oksatellite",
             engines=("icinga2",), satellite=True),
    # Graph's $batch answers after 30 s: the plugin's -t ends the check first.
    Scenario("graph-slow", 2, f"timed out after {HANG_SECONDS}s", False, name="hang",
             engines=("icinga2",), timeout=HANG_SECONDS),
    Scenario("graph-slow", 2, f"timed out after {HANG_SECONDS}s", False, name="hangini",
             via="ini", engines=("nagios4",), timeout=HANG_SECONDS),
]


def scenarios(engine):
    return [sc for sc in SCENARIOS if engine in sc.engines]


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return ok


def log(msg):
    print(f"# {msg}")
    sys.stdout.flush()


class Env:
    """The temporary directory, the user the engines run as, the simulator."""

    def __init__(self, plugin, keep):
        self.plugin = plugin
        self.keep = keep
        self.root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="password-sync-e2e.")
        os.chmod(self.dir, 0o755)
        if self.root:
            pw = pwd.getpwnam("nagios")
            self.uid, self.gid, self.user = pw.pw_uid, pw.pw_gid, "nagios"
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
            self.user = pwd.getpwuid(self.uid).pw_name
        self.procs = []
        self.sim_url = None
        self.binds = {}

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def mkdir(self, *parts):
        p = self.path(*parts)
        os.makedirs(p, exist_ok=True)
        os.chown(p, self.uid, self.gid)
        return p

    def write(self, rel, text, mode=0o644):
        p = self.path(rel)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        os.chown(p, self.uid, self.gid)
        return p

    def as_user(self, argv):
        argv = [shutil.which(argv[0]) or argv[0]] + list(argv[1:])
        if not self.root:
            return argv
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups",
                "--reset-env", "--"] + argv

    def spawn(self, argv, logname, **kw):
        out = open(self.path(logname), "w")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, **kw)
        self.procs.append(proc)
        return proc

    def check_user(self, res, name, proc):
        """The engine runs as the unprivileged user, not as root."""
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                uid = next(int(l.split()[1]) for l in f if l.startswith("Uid:"))
        except (OSError, StopIteration):
            uid = None
        res.check(uid == self.uid, f"{name} runs as {self.user} (uid {self.uid})", f"uid {uid}")

    def stop(self, proc):
        if proc.poll() is None:
            # The engine first, so it stops and reaps its own workers; then
            # whatever is left of the process group it leads.
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def start_simulator(self):
        pki = self.path("pki")
        subprocess.run(["sh", MAKE_CERTS, pki], check=True)
        for name in os.listdir(pki):
            os.chown(os.path.join(pki, name), self.uid, self.gid)
        os.chmod(pki, 0o755)
        self.ca_file = os.path.join(pki, "ca.pem")
        os.chmod(self.ca_file, 0o644)
        self.secret = "e2e-" + secrets.token_urlsafe(18)
        self.secret_file = self.write("client.secret", self.secret + "\n", 0o600)
        port_file = self.path("sim.port")
        proc = self.spawn([sys.executable, SIMULATOR, "--cert", os.path.join(pki, "server.pem"),
                           "--key", os.path.join(pki, "server.key"), "--port", "0",
                           "--port-file", port_file, "--secret-file", self.secret_file],
                          "simulator.log")
        port = wait_for(lambda: read_port(port_file), 20, "simulator port file")
        if proc.poll() is not None or not port:
            raise RuntimeError("simulator did not start: " + tail(self.path("simulator.log")))
        self.sim_url = f"https://127.0.0.1:{port}"
        self.write_ini()
        log(f"simulator on {self.sim_url}")

    def write_ini(self):
        """The --extra-opts file, root-owned and readable by the engine's group
        only (as the guides advise), holding tenant and credential."""
        lines = [
            "# Generated by tests/e2e/e2e.py: options for the --extra-opts scenarios.",
            "[check_password_sync]",
            "tenant = aadsts-7000215",
            f"client-id = {CLIENT_ID}",
        ]
        for sc in SCENARIOS:
            if sc.via != "ini":
                continue
            lines += [
                "",
                f"[{INI_SECTION_PREFIX}{sc.name}]",
                "; everything the scenario needs: the command line names only the section",
                f"tenant = {sc.tenant}",
                f"client-id = {CLIENT_ID}",
                f"client-secret-file = {self.secret_file}",
                f'authority-host = "{self.sim_url}"',
                f"graph-endpoint = {self.sim_url}",
                f"ca-file = {self.ca_file}",
                "no-token-cache",
            ] + ([f"timeout = {sc.timeout}"] if sc.timeout else [])
        self.ini_file = self.write("plugins.ini", "\n".join(lines) + "\n", 0o640)
        if self.root:
            os.chown(self.ini_file, 0, self.gid)

    def ini_spec(self, sc):
        return f"{INI_SECTION_PREFIX}{sc.name}@{self.ini_file}"

    # The package's layout, staged and bind-mounted over the system's folders
    # inside each engine's mount namespace: {system folder: staged folder}.
    PLUGIN_DIR = "/usr/lib/nagios/plugins"
    ICINGA_CONTRIB_DIR = "/usr/share/icinga2/include/plugins-contrib.d"
    # The host folders an engine must never read: replaced by broken copies.
    HOST_CONFIG = ("/etc/icinga2", "/var/lib/icinga2", "/etc/nagios4")
    # The host folders an engine must never write: replaced by empty read-only ones.
    HOST_STATE = ("/var/cache/icinga2", "/var/log/icinga2", "/var/spool/icinga2", "/run/icinga2",
                  "/var/lib/nagios4", "/var/log/nagios4", "/run/nagios4")

    def stage_package(self):
        """What `make install PREFIX=/usr` (and so the package) installs, plus
        Icinga's own plugins-contrib.d files, which the bind mount would hide."""
        stage = self.path("package")
        plugins = self.mkdir("package", "plugins")
        shutil.copy2(self.plugin, os.path.join(plugins, "check_password_sync"))
        contrib = self.mkdir("package", "plugins-contrib.d")
        if os.path.isdir(self.ICINGA_CONTRIB_DIR):
            for name in os.listdir(self.ICINGA_CONTRIB_DIR):
                src = os.path.join(self.ICINGA_CONTRIB_DIR, name)
                if os.path.isfile(src):
                    shutil.copy2(src, contrib)
        shutil.copy2(ICINGA_CONF, os.path.join(contrib, "check_password_sync.conf"))
        self.nagios_plugin_config = self.mkdir("package", "nagios-plugins-config")
        shutil.copy2(NAGIOS_CFG, os.path.join(self.nagios_plugin_config, "check_password_sync.cfg"))
        for root, dirs, files in os.walk(stage):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755 if name in dirs or
                         name == "check_password_sync" else 0o644)
        self.binds = {self.PLUGIN_DIR: plugins, self.ICINGA_CONTRIB_DIR: contrib}

    def plant_broken_host(self):
        """A host whose own Icinga 2 and Nagios 4 are broken: every file an
        engine would read from the host's folders is a syntax error."""
        broken = "this is { not a valid configuration\n"
        for rel in ("etc/icinga2/icinga2.conf", "etc/icinga2/constants.conf",
                    "etc/icinga2/zones.conf", "etc/icinga2/zones.d/broken.conf",
                    # zones.d loads the folders named after the instance's zones
                    "etc/icinga2/zones.d/e2e-master/broken.conf",
                    "etc/icinga2/zones.d/e2e-satellite/broken.conf",
                    "etc/icinga2/conf.d/broken.conf",
                    "var/lib/icinga2/api/zones/e2e-master/_etc/broken.conf",
                    "var/lib/icinga2/api/zones/e2e-satellite/_etc/broken.conf",
                    "etc/nagios4/nagios.cfg", "etc/nagios4/resource.cfg",
                    "etc/nagios4/conf.d/broken.cfg"):
            os.makedirs(self.path("host", os.path.dirname(rel)), exist_ok=True)
            self.write(os.path.join("host", rel), broken)
        for sub in ("etc/icinga2", "var/lib/icinga2", "etc/nagios4"):
            for root, dirs, _ in os.walk(self.path("host", sub)):
                for d in dirs + [""]:
                    os.chmod(os.path.join(root, d), 0o755)
        for target in self.HOST_CONFIG:
            self.binds[target] = self.path("host", target.lstrip("/"))

    def sandboxed(self, argv):
        """argv as the engine user in a private mount namespace: the package's
        files in place, the host's engine folders broken or read-only."""
        mounts = []
        for target, source in self.binds.items():
            mounts.append(f"if [ -d {shell_quote(target)} ]; then "
                          f"mount --bind {shell_quote(source)} {shell_quote(target)}; fi")
        for target in self.HOST_STATE:
            mounts.append(f"if [ -d {target} ]; then "
                          f"mount -t tmpfs -o ro,size=64k tmpfs {target}; fi")
        inner = " ".join(shell_quote(a) for a in self.as_user(argv))
        script = "set -e; " + "; ".join(mounts) + f"; exec {inner}"
        outer = ["unshare", "--mount", "--propagation", "private"]
        if not self.root:
            outer.insert(1, "--map-root-user")
        return outer + ["sh", "-c", script]

    def sim_token_requests(self):
        """{tenant: token requests so far}, from the simulator's own counters."""
        ctx = ssl.create_default_context(cafile=self.ca_file)
        with urllib.request.urlopen(self.sim_url + "/_sim/stats", timeout=5, context=ctx) as r:
            stats = json.loads(r.read())
        return {t: c.get("token", 0) for t, c in stats.get("tenants", {}).items()}

    def close(self):
        for proc in reversed(self.procs):
            self.stop(proc)
        if self.keep:
            log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def read_port(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def wait_for(fn, timeout, what, interval=0.2):
    end = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > end:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def tail(path, n=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def pwd_group(gid):
    return grp.getgrgid(gid).gr_name


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Monitoring Plugins perfdata: 'label'=value[UOM];[warn];[crit];[min];[max]
PERF_ITEM = re.compile(r"""('[^']+'|[^'= ][^= ]*)=(\S+)""")
PERF_VALUE = re.compile(r"^([-+]?[0-9]*\.?[0-9]+)([a-zA-Z%]*)$")


def parse_perfdata(text):
    """{label: (value, unit, warn, crit, min)} from a perfdata string."""
    parsed = {}
    for label, field in PERF_ITEM.findall(text or ""):
        parts = field.split(";")
        m = PERF_VALUE.match(parts[0])
        parts += [""] * (5 - len(parts))
        parsed[label.strip("'")] = (float(m.group(1)) if m else None, m.group(2) if m else None,
                                   parts[1], parts[2], parts[3])
    return parsed


def check_scenario(res, engine, sc, state, output, perf):
    """Shared assertions; perf is {label: (value, unit)} as the engine sees it."""
    print(f"  {engine} {sc.host}!{SERVICE}: state={STATE_NAMES[state] if state in range(4) else state}")
    lines = (output or "").splitlines() or [""]
    print(f"    output:   {lines[0]}" + (f"  (+{len(lines) - 1} detail lines)" if len(lines) > 1 else ""))
    print(f"    perfdata: " + (", ".join(f"{k}={v[0]!r} unit={v[1]!r}" for k, v in perf.items())
                               or "(none)"))
    name = f"{engine} {sc.name}"
    res.check(state == sc.state, f"{name}: state {STATE_NAMES[sc.state]}",
              f"got {state}")
    res.check(sc.text in (output or ""), f"{name}: output mentions {sc.text!r}", repr(output))
    res.check(output.startswith(f"PASSWORD_SYNC {STATE_NAMES[sc.state]} - "),
              f"{name}: output starts with the state", repr(output))
    if sc.perfdata:
        for label in PERF_LABELS:
            value, unit = perf.get(label, (None, None))
            res.check(isinstance(value, (int, float)) and value >= 0 and unit in ("s", "seconds"),
                      f"{name}: perfdata {label} is a number of seconds",
                      f"got {perf.get(label)!r}")
    for label, (value, unit) in perf.items():
        res.check(isinstance(value, (int, float)), f"{name}: perfdata {label} is numeric", repr(value))


# --------------------------------------------------------------------------
# Icinga 2

class GraphiteSink:
    """Collects what Icinga's GraphiteWriter sends: its parsed, normalised metrics."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.lines = []
        self.connected = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:  # closed
                return
            self.connected.set()
            threading.Thread(target=self.read, args=(conn,), daemon=True).start()

    def read(self, conn):
        buf = b""
        conn.settimeout(0.5)
        with conn:
            while not self.done.is_set():
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    continue
                if not chunk:
                    break
                buf += chunk
                *lines, buf = buf.split(b"\n")
                self.lines.extend(line.decode(errors="replace") for line in lines)

    def metric(self, host, label):
        # icinga2.<host>.services.<service>.<command>.perfdata.<label>.value <v> <ts>
        prefix = f"icinga2.{host}.services.{SERVICE}."
        for line in reversed(self.lines):
            parts = line.split()
            if (len(parts) == 3 and parts[0].startswith(prefix)
                    and parts[0].endswith(f".perfdata.{label}.value")):
                return float(parts[1])
        return None

    def close(self):
        self.done.set()
        self.sock.close()


def make_pki(env, ca_node, nodes):
    """Certificates as an administrator makes them: `icinga2 pki new-ca` in
    the master's DataDir, then a key, a CSR and a certificate signed by that
    CA for each node, in the node's own certificate folder."""
    def run(*argv):
        proc = subprocess.run(env.sandboxed(["icinga2", "pki", *argv]), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"icinga2 pki {argv[0]} failed: {proc.stdout[-800:]}")
    ca_data = f"-DDataDir={ca_node.base}/data"
    run("new-ca", ca_data)
    for node in nodes:
        certs = os.path.join(node.base, "data", "certs")
        key, csr, crt = (os.path.join(certs, node.name + ext) for ext in (".key", ".csr", ".crt"))
        run("new-cert", "--cn", node.name, "--key", key, "--csr", csr)
        run("sign-csr", "--csr", csr, "--cert", crt, ca_data)
        shutil.copy2(os.path.join(ca_node.base, "data", "ca", "ca.crt"),
                     os.path.join(certs, "ca.crt"))
        os.chown(os.path.join(certs, "ca.crt"), env.uid, env.gid)


PROBE = """# Generated by tests/e2e/e2e.py: records the arguments Icinga 2 renders and
# which variables of the environment are set (their lengths, never values),
# then runs the plugin, or with --no-exec only answers OK.
import json, os, sys
record, argv = sys.argv[1], sys.argv[2:]
names = ("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD")
env = {n: len(os.environ[n]) if n in os.environ else None for n in names}
with open(record + ".tmp", "w") as f:
    json.dump({"argv": argv[1:], "env": env}, f)
os.rename(record + ".tmp", record)
if argv[0] == "--no-exec":
    print("PASSWORD_SYNC OK - arguments recorded")
    sys.exit(0)
os.execv(argv[0], argv)
"""


class IcingaNode:
    """One private Icinga 2 instance: its own configuration, zones, data,
    cache, log, spool and run folders, and API port."""

    def __init__(self, env, name):
        self.env, self.name = env, name
        self.base = env.mkdir(name)
        for sub in ("etc", "etc/zones.d", "data", "data/certs", "log", "cache", "spool", "run",
                    "perfdata"):
            env.mkdir(name, sub)
        self.api_port = free_port()
        self.proc = None

    def defines(self):
        b = self.base
        consts = {
            "ConfigDir": f"{b}/etc", "ZonesDir": f"{b}/etc/zones.d",
            "DataDir": f"{b}/data", "LogDir": f"{b}/log", "CacheDir": f"{b}/cache",
            "SpoolDir": f"{b}/spool", "InitRunDir": f"{b}/run", "PidPath": f"{b}/run/icinga2.pid",
            "VarsPath": f"{b}/cache/icinga2.vars", "ObjectsPath": f"{b}/cache/icinga2.debug",
            "StatePath": f"{b}/data/icinga2.state",
            "ModAttrPath": f"{b}/data/modified-attributes.conf",
            "RunAsUser": self.env.user, "RunAsGroup": pwd_group(self.env.gid),
        }
        return [f"-D{k}={v}" for k, v in consts.items()]

    def preamble(self):
        """What Debian's icinga2.conf and constants.conf give, written here."""
        return [
            f"/* Generated by tests/e2e/e2e.py: the private Icinga 2 node {self.name}. */",
            'const PluginDir = "/usr/lib/nagios/plugins"',
            'const PluginContribDir = "/usr/lib/nagios/plugins"',
            'const ManubulonPluginDir = "/usr/lib/nagios/plugins"',
            f'const NodeName = "{self.name}"',
            f'const ZoneName = "{self.name}"',
            "include <itl>",
            "include <plugins>",
            "include <plugins-contrib>",
            "",
            'object FileLogger "main-log" {',
            '  severity = "information"',
            '  path = LogDir + "/icinga2.log"',
            "}",
        ]

    def zones(self, master, satellite):
        return [
            f'object Endpoint "{master.name}" {{ }}',
            f'object Endpoint "{satellite.name}" {{',
            '  host = "127.0.0.1"',
            f"  port = {satellite.api_port}",
            "}",
            f'object Zone "{master.name}" {{ endpoints = [ "{master.name}" ] }}',
            f'object Zone "{satellite.name}" {{',
            f'  endpoints = [ "{satellite.name}" ]',
            f'  parent = "{master.name}"',
            "}",
        ]

    def write(self, lines):
        self.conf = self.env.write(f"{self.name}/etc/icinga2.conf", "\n".join(lines) + "\n", 0o640)

    def icinga2(self, *args):
        return self.env.sandboxed(["icinga2", *args, "-c", self.conf] + self.defines())

    def validate(self, res):
        proc = subprocess.run(self.icinga2("daemon", "-C"), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, cwd=self.base)
        out = proc.stdout
        warnings = [l for l in out.splitlines() if re.search(r"\b(warning|critical)/", l)]
        res.check(proc.returncode == 0, f"icinga2 daemon -C validates {self.name}'s config "
                  "(the host's broken /etc/icinga2 and /var/lib/icinga2 unread)", out[-2000:])
        res.check(not warnings, f"icinga2 daemon -C reports no warnings for {self.name}",
                  "\n".join(warnings))

    def start(self):
        self.proc = self.env.spawn(self.icinga2("daemon"), f"{self.name}.out", cwd=self.base)


class IcingaSatellite(IcingaNode):
    def write_config(self, master):
        self.write(self.preamble() + self.zones(master, self) + [
            'object ApiListener "api" {',
            '  bind_host = "127.0.0.1"',
            f"  bind_port = {self.api_port}",
            "  accept_commands = true",
            "  accept_config = true",
            "}",
        ])


class Icinga(IcingaNode):
    """The master: runs the local scenarios, sends the satellite's check to
    the satellite, and is where every result is read back."""
    NODE = "e2e-master"
    SATELLITE = "e2e-satellite"
    ARGS_PROBE_HOST = "probe-args"
    ARGS_PROBE_VARS = [
        ("extra_opts", "password_sync_probe@/etc/icinga2/plugins.ini"),
        ("managed_identity_client_id", "e2e-mi-client"),
        ("certificate", "/etc/icinga2/secrets/probe.pem"),
        ("certificate_password_file", "/etc/icinga2/secrets/probe.pass"),
        ("assertion_alg", "RS256"),
        ("federated_token_file", "/var/run/secrets/probe-token"),
        ("cloud", "usgov"),
        ("proxy", "http://127.0.0.1:3128"),
        ("timeout", 20),
        ("timeout_state", "UNKNOWN"),
    ]

    def __init__(self, env, res):
        super().__init__(env, self.NODE)
        self.res = res
        self.api_password = secrets.token_urlsafe(16)
        self.graphite = GraphiteSink()
        self.satellite = IcingaSatellite(env, self.SATELLITE)

    def write_config(self):
        b = self.base
        lines = self.preamble() + self.zones(self, self.satellite) + [
            'object ApiListener "api" {',
            '  bind_host = "127.0.0.1"',
            f"  bind_port = {self.api_port}",
            "}",
            'object ApiUser "e2e" {',
            f'  password = "{self.api_password}"',
            '  permissions = [ "*" ]',
            "}",
            'object CheckerComponent "checker" { }',
            'object GraphiteWriter "graphite" {',
            '  host = "127.0.0.1"',
            f'  port = "{self.graphite.port}"',
            "}",
            'object PerfdataWriter "perfdata" {',
            f'  host_temp_path = "{b}/perfdata/host-perfdata.tmp"',
            f'  service_temp_path = "{b}/perfdata/service-perfdata.tmp"',
            f'  host_perfdata_path = "{b}/perfdata/host-perfdata"',
            f'  service_perfdata_path = "{b}/perfdata/service-perfdata"',
            "  rotation_interval = 1s",
            "}",
            "",
        ] + self.probe_commands()
        self.write(lines)
        # The checkables in the master's zone, as on a config master (a
        # checkable with command_endpoint must belong to a zone).
        self.env.mkdir(self.NODE, "etc", "zones.d", self.NODE)
        self.env.write(f"{self.NODE}/etc/zones.d/{self.NODE}/e2e.conf",
                       "\n".join(self.objects()) + "\n", 0o640)

    def objects(self):
        env = self.env
        lines = ["/* Generated by tests/e2e/e2e.py: one host and service per scenario. */"]
        for i, sc in enumerate(scenarios("icinga2")):
            host_check = "password_sync" if sc.host_state is not None else "dummy"
            lines += [f'object Host "{sc.host}" {{', f'  check_command = "{host_check}"',
                      "  check_interval = 1h", "  max_check_attempts = 1"]
            if sc.via == "ini":
                # Tenant, client ID, secret and endpoints only in the ini file.
                lines.append(f'  vars.password_sync_extra_opts = "{env.ini_spec(sc)}"')
            else:
                lines += [
                    f'  vars.password_sync_tenant = "{sc.tenant}"',
                    f'  vars.password_sync_client_id = "{CLIENT_ID}"',
                    f'  vars.password_sync_authority_host = "{env.sim_url}"',
                    f'  vars.password_sync_graph_endpoint = "{env.sim_url}"',
                    f'  vars.password_sync_ca_file = "{env.ca_file}"',
                    "  vars.password_sync_no_token_cache = true",
                ]
            # The first scenario and the env probe pass the secret through the
            # environment (CheckCommand env; password_sync_certificate_password
            # is unset, so AZURE_CLIENT_CERTIFICATE_PASSWORD comes out empty),
            # the others through a secret file.
            if i == 0 or sc.via == "env-probe":
                lines.append(f'  vars.password_sync_client_secret = "{env.secret}"')
            elif sc.via != "ini":
                lines.append(f'  vars.password_sync_client_secret_file = "{env.secret_file}"')
            lines += ["}"] + self.service(sc.host, "password_sync" if sc.via != "env-probe"
                                          else "e2e_password_sync_env_probe")
            if sc.satellite:
                lines.append(f'  command_endpoint = "{self.SATELLITE}"')
            if sc.timeout:
                # The documented pattern: one variable drives -t and Icinga's timeout.
                lines += [f"  vars.password_sync_timeout = {sc.timeout}",
                          "  check_timeout = vars.password_sync_timeout + 5"]
            lines += ["}", ""]
        # Every argument of the shipped CheckCommand, rendered by Icinga and
        # recorded by the probe (which then does not run the plugin).
        lines += [f'object Host "{self.ARGS_PROBE_HOST}" {{', '  check_command = "dummy"',
                  "  check_interval = 1h", "}"]
        lines += self.service(self.ARGS_PROBE_HOST, "e2e_password_sync_args_probe")
        lines += [f"  vars.password_sync_{k} = {json.dumps(v)}" for k, v in self.ARGS_PROBE_VARS]
        lines += ["}", ""]
        return lines

    @staticmethod
    def service(host, command):
        return [
            f'object Service "{SERVICE}" {{',
            f'  host_name = "{host}"',
            f'  check_command = "{command}"',
            "  check_interval = 1h",
            "  retry_interval = 1h",
            "  max_check_attempts = 1",
        ]

    def probe_commands(self):
        """Two CheckCommands that import the shipped one unchanged and only put
        the probe in front of the command: one records and runs the plugin,
        one only records."""
        env = self.env
        # Run by the interpreter, so a noexec /tmp does not matter.
        # The system's interpreter: the engine's user may not reach root's own.
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        self.probe = env.write("probe.py", PROBE, 0o644)
        env.mkdir("probe")
        self.env_record = env.path("probe", "env.json")
        self.args_record = env.path("probe", "args.json")
        return [
            'object CheckCommand "e2e_password_sync_env_probe" {',
            '  import "password_sync"',
            f'  command = [ "{python}", "{self.probe}", "{self.env_record}",'
            ' PluginContribDir + "/check_password_sync" ]',
            "}",
            'object CheckCommand "e2e_password_sync_args_probe" {',
            '  import "password_sync"',
            f'  command = [ "{python}", "{self.probe}", "{self.args_record}",'
            ' "--no-exec" ]',
            "}",
            "",
        ]

    def validate_example(self):
        """The shipped MSP example, with its commented satellite variant
        uncommented, validates next to the CheckCommand on a config master."""
        with open(ICINGA_EXAMPLE) as f:
            example = f.read()
        m = re.search(r"^ \* (object Endpoint .*?^ \* }\n)(?= \*\n \* and add)", example,
                      re.S | re.M)
        if not self.res.check(m is not None, "icinga2 example: satellite variant found"):
            return
        # Apply the edit the example asks for, so each tenant gets one service.
        local_rule = "\tassign where host.vars.password_sync_tenant\n"
        if not self.res.check(local_rule in example, "icinga2 example: local assign rule found"):
            return
        example = example.replace(local_rule, local_rule.rstrip("\n")
                                  + " && !host.vars.password_sync_endpoint\n")
        satellite = "\n".join(l[2:].lstrip(" ") if l.startswith(" *") else l
                              for l in m.group(0).splitlines())
        node = IcingaNode(self.env, "icinga2-example")
        self.env.mkdir("icinga2-example", "etc", "zones.d", "master")
        self.env.write("icinga2-example/etc/zones.d/master/msp.conf",
                       example + "\n" + satellite + "\n")
        node.write([
            'const PluginDir = "/usr/lib/nagios/plugins"',
            'const PluginContribDir = "/usr/lib/nagios/plugins"',
            'const NodeName = "master1.example.net"',
            "include <itl>",
            "include <plugins>",
            "include <plugins-contrib>",
            'object Endpoint NodeName { }',
            'object Zone "master" { endpoints = [ NodeName ] }'])
        proc = subprocess.run(node.icinga2("daemon", "-C"), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, cwd=node.base)
        out = proc.stdout
        bad = [l for l in out.splitlines() if re.search(r"\b(warning|critical)/", l)]
        self.res.check(proc.returncode == 0 and not bad and "Instantiated 3 Hosts" in out,
                       "icinga2 example-msp.conf (with the satellite variant) validates "
                       "without warnings", "\n".join(bad) or out[-1500:])
        services = re.search(r"Instantiated (\d+) Services?", out)
        self.res.check(services is not None and services.group(1) == "3",
                       "icinga2 example-msp.conf: one service per tenant host (3)",
                       services.group(0) if services else out[-500:])

    def api(self, method, path, body=None, timeout=10):
        ctx = ssl.create_default_context(cafile=os.path.join(self.base, "data/certs/ca.crt"))
        ctx.check_hostname = False  # the node cert names the node, not 127.0.0.1
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"https://127.0.0.1:{self.api_port}{path}", data=data,
                                     method=method)
        auth = base64.b64encode(f"e2e:{self.api_password}".encode()).decode()
        req.add_header("Authorization", "Basic " + auth)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout, context=ctx) as resp:
            return json.loads(resp.read())

    def api_up(self):
        if self.proc.poll() is not None:
            raise RuntimeError("icinga2 exited: " + tail(self.env.path(f"{self.name}.out")))
        try:
            return self.api("GET", "/v1/status/IcingaApplication")
        except Exception:
            return None

    def hosts(self):
        answer = self.api("GET", "/v1/objects/hosts?attrs=last_check_result&attrs=state"
                                 "&attrs=name")
        return {r["attrs"]["name"]: r["attrs"] for r in answer["results"]}

    def services(self):
        answer = self.api("GET", f"/v1/objects/services?attrs=last_check_result&attrs=state"
                                 f"&attrs=host_name")
        return {r["attrs"]["host_name"]: r["attrs"] for r in answer["results"]}

    def parsed_perfdata(self, items):
        """{label: (value, unit)} by Icinga's own parser (PerfdataValue), one
        item at a time; an item it rejects is kept with value None."""
        parsed = {}
        for item in items:
            answer = self.api("POST", "/v1/console/execute-script",
                              {"command": f"parse_performance_data({json.dumps(item)})"})
            result = answer["results"][0]
            if result.get("code") == 200 and isinstance(result.get("result"), dict):
                pd = result["result"]
                parsed[pd["label"]] = (pd["value"], pd["unit"])
            else:
                reason = (result.get("status") or "").strip().splitlines()[-1:] or ["?"]
                print(f"    icinga2 rejects perfdata {item!r}: {reason[0]}")
                parsed[item.partition("=")[0]] = (None, None)
        return parsed

    def start_nodes(self):
        env, res = self.env, self.res
        self.t_start = time.time()
        make_pki(env, self, [self, self.satellite])
        self.write_config()
        self.satellite.write_config(self)
        self.validate(res)
        self.satellite.validate(res)
        self.validate_example()
        log(f"icinga2: certificates and three validations took {time.time() - self.t_start:.1f}s")
        t0 = time.time()
        self.satellite.start()
        self.start()
        wait_for(self.api_up, 60, "the Icinga 2 API")
        log(f"icinga2: API up after {time.time() - t0:.1f}s")
        env.check_user(res, f"icinga2 {self.name}", self.proc)
        env.check_user(res, f"icinga2 {self.satellite.name}", self.satellite.proc)
        wait_for(self.satellite_connected, 30, "the satellite's connection to the master")
        log(f"icinga2: {self.SATELLITE} connected after {time.time() - t0:.1f}s")
        if not self.graphite.connected.wait(15):
            log("icinga2: the GraphiteWriter has not connected yet")

    def satellite_connected(self):
        answer = self.api("GET", f"/v1/objects/endpoints/{self.SATELLITE}?attrs=connected")
        return answer["results"][0]["attrs"]["connected"]

    def force_checks(self):
        t0 = time.time()
        for kind, flt in (("Service", f'service.name == "{SERVICE}"'),
                          ("Host", 'host.check_command == "password_sync"')):
            self.api("POST", "/v1/actions/reschedule-check",
                     {"type": kind, "filter": flt, "force": True})
        log("icinga2: checks forced, waiting for results")
        hosts = [sc.host for sc in scenarios("icinga2")] + [self.ARGS_PROBE_HOST]
        host_checked = [sc.host for sc in scenarios("icinga2") if sc.host_state is not None]

        def fresh(attrs):
            cr = attrs.get("last_check_result") if attrs else None
            return cr and cr["execution_end"] >= t0

        def all_checked():
            svcs, hsts = self.services(), self.hosts()
            done = (all(fresh(svcs.get(h)) for h in hosts)
                    and all(fresh(hsts.get(h)) for h in host_checked))
            return (svcs, hsts) if done else None

        svcs, hsts = wait_for(all_checked, 60, "Icinga 2 check results", 0.5)
        log(f"icinga2: all results after {time.time() - t0:.1f}s")
        time.sleep(2.5)  # let the GraphiteWriter flush and the PerfdataWriter rotate
        return svcs, hsts

    def run(self):
        env, res = self.env, self.res
        self.start_nodes()
        svcs, hsts = self.force_checks()
        print("icinga2's view (the master's REST API):")
        perfdata_files = self.perfdata_files()
        for sc in scenarios("icinga2"):
            cr = svcs[sc.host]["last_check_result"]
            print(f"    raw perfdata (API): {cr.get('performance_data')}")
            perf = self.parsed_perfdata(cr.get("performance_data") or [])
            check_scenario(res, "icinga2", sc, int(svcs[sc.host]["state"]), cr["output"], perf)
            res.check(int(cr["exit_status"]) == sc.state, f"icinga2 {sc.name}: exit status",
                      str(cr["exit_status"]))
            self.check_source(sc, cr)
            if sc.via == "ini":
                self.check_ini_command(sc, cr.get("command"))
            if sc.timeout:
                self.check_timeout(sc, cr)
            if sc.host_state is not None:
                self.check_host(sc, hsts[sc.host])
            if sc.perfdata:
                self.check_perfdata_writers(sc, perf, perfdata_files)
        self.check_env_probe()
        self.check_args_probe(svcs[self.ARGS_PROBE_HOST]["last_check_result"])
        icinga_log = open(os.path.join(self.base, "log/icinga2.log"), errors="replace").read()
        bad = [l for l in icinga_log.splitlines() if "Ignoring invalid perfdata" in l]
        res.check(not bad, "icinga2 logged no 'Ignoring invalid perfdata'", "\n".join(bad[:5]))
        t0 = time.time()
        env.stop(self.proc)
        env.stop(self.satellite.proc)
        log(f"icinga2: both nodes stopped in {time.time() - t0:.1f}s")

    def check_source(self, sc, cr):
        want = self.SATELLITE if sc.satellite else self.NODE
        print(f"    ran on: {cr.get('check_source')} (check_source)")
        self.res.check(cr.get("check_source") == want,
                       f"icinga2 {sc.name}: the check ran on {want}", repr(cr.get("check_source")))

    def check_timeout(self, sc, cr):
        """-t ended the check, not Icinga: the plugin's state, not 128/UNKNOWN."""
        took = cr["execution_end"] - cr["execution_start"]
        print(f"    hang: took {took:.1f}s, -t {sc.timeout}, Icinga's timeout {sc.timeout + 5}")
        self.res.check("Timeout exceeded" not in cr["output"] and took < sc.timeout + 5,
                       f"icinga2 {sc.name}: the plugin's -t ended the check before Icinga's "
                       f"timeout ({took:.1f}s)", cr["output"])

    def check_host(self, sc, attrs):
        cr = attrs["last_check_result"]
        print(f"    host check: state={attrs['state']} output={cr['output'].splitlines()[0]!r}")
        res = self.res
        res.check(int(attrs["state"]) == sc.host_state,
                  f"icinga2 {sc.name}: host check state {['UP', 'DOWN'][sc.host_state]}",
                  repr(attrs["state"]))
        res.check(cr["output"].startswith(f"PASSWORD_SYNC {STATE_NAMES[sc.state]} - "),
                  f"icinga2 {sc.name}: host check output", repr(cr["output"]))
        if sc.perfdata:
            labels = {item.partition("=")[0].strip("'")
                      for item in cr.get("performance_data") or []}
            res.check(set(PERF_LABELS) <= labels, f"icinga2 {sc.name}: host check perfdata",
                      repr(cr.get("performance_data")))

    def perfdata_files(self):
        """{(host, service or ""): perfdata text} from the PerfdataWriter's files."""
        found = {}
        folder = os.path.join(self.base, "perfdata")
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), errors="replace") as f:
                for line in f:
                    fields = dict(part.split("::", 1) for part in line.rstrip("\n").split("\t")
                                  if "::" in part)
                    if "SERVICEPERFDATA" in fields:
                        found[(fields.get("HOSTNAME"), fields.get("SERVICEDESC"))] = \
                            fields["SERVICEPERFDATA"]
                    elif "HOSTPERFDATA" in fields:
                        found[(fields.get("HOSTNAME"), "")] = fields["HOSTPERFDATA"]
        return found

    def check_perfdata_writers(self, sc, perf, files):
        res = self.res
        raw = files.get((sc.host, SERVICE))
        print(f"    perfdata file: {raw!r}")
        written = parse_perfdata(raw)
        for label in PERF_LABELS:
            # label=value, unit s, warn = the default 3d, no crit, min 0
            got = written.get(label)
            res.check(got is not None and got[0] == perf.get(label, (None,))[0] and
                      got[1:] == ("s", "259200", "", "0"),
                      f"icinga2 {sc.name}: PerfdataWriter file has {label}=VALUEs;259200;;0",
                      repr(got))
            value = self.graphite.metric(sc.host, label)
            print(f"    graphite {label}.value = {value}")
            res.check(value is not None and value == perf.get(label, (None,))[0],
                      f"icinga2 {sc.name}: GraphiteWriter sent {label}", f"got {value!r}")

    def check_ini_command(self, sc, command):
        """The command line Icinga ran names the ini section, and the -t that
        matches Icinga's own timeout, nothing else."""
        print(f"    command: {command!r}")
        spec = self.env.ini_spec(sc)
        res = self.res
        res.check(isinstance(command, list) and command[1:] == ["--extra-opts", spec,
                                                                "--timeout", "10"],
                  f"icinga2 {sc.name}: command line is only --extra-opts "
                  f"{INI_SECTION_PREFIX}{sc.name}@FILE --timeout 10", repr(command))
        res.check(self.env.secret not in json.dumps(command),
                  f"icinga2 {sc.name}: no secret on the command line")

    def check_env_probe(self):
        """The env scenario saw AZURE_CLIENT_CERTIFICATE_PASSWORD set, but empty."""
        try:
            with open(self.env_record) as f:
                rec = json.load(f)
        except (OSError, ValueError) as e:
            self.res.check(False, "icinga2 env probe: recorded the environment", str(e))
            return
        print(f"    env probe: lengths {rec['env']}")
        self.res.check(rec["env"].get("AZURE_CLIENT_CERTIFICATE_PASSWORD") == 0,
                       "icinga2 env probe: Icinga set AZURE_CLIENT_CERTIFICATE_PASSWORD to ''",
                       repr(rec["env"]))
        self.res.check(rec["env"].get("AZURE_CLIENT_SECRET") == len(self.env.secret),
                       "icinga2 env probe: Icinga passed the secret in AZURE_CLIENT_SECRET",
                       repr(rec["env"]))
        self.res.check("--client-secret-file" not in rec["argv"]
                       and self.env.secret not in rec["argv"],
                       "icinga2 env probe: no secret and no secret file on the command line",
                       repr(rec["argv"]))

    def check_args_probe(self, cr):
        """Icinga renders each new argument of the shipped CheckCommand as the
        plugin expects; --managed-identity=ID as one word (key + separator)."""
        res = self.res
        try:
            with open(self.args_record) as f:
                argv = json.load(f)["argv"]
        except (OSError, ValueError) as e:
            res.check(False, "icinga2 args probe: recorded the arguments", str(e))
            return
        print(f"    args probe: {argv!r}")
        res.check(int(cr["exit_status"]) == 0, "icinga2 args probe ran", cr.get("output", ""))
        v = dict(self.ARGS_PROBE_VARS)
        res.check(argv[:2] == ["--extra-opts", v["extra_opts"]],
                  "icinga2 args probe: --extra-opts comes first (order -1)", repr(argv))
        mi = "--managed-identity=" + v["managed_identity_client_id"]
        res.check(argv.count(mi) == 1 and "--managed-identity" not in argv,
                  f"icinga2 args probe: {mi} is one argument, no bare --managed-identity",
                  repr(argv))
        for opt in ("certificate", "certificate-password-file", "assertion-alg",
                    "federated-token-file", "cloud", "proxy"):
            want = ["--" + opt, v[opt.replace("-", "_")]]
            found = any(argv[i:i + 2] == want for i in range(len(argv)))
            res.check(found, f"icinga2 args probe: {' '.join(want)}", repr(argv))
        # SECONDS:STATE from password_sync_timeout and password_sync_timeout_state.
        want = ["--timeout", "20:UNKNOWN"]
        res.check(any(argv[i:i + 2] == want for i in range(len(argv))),
                  "icinga2 args probe: --timeout 20:UNKNOWN", repr(argv))
        rest = [a for a in argv if a.startswith("-")]
        res.check(len(rest) == 9, "icinga2 args probe: no other argument (unset vars left out)",
                  repr(argv))
        # Icinga's own deadline: 5 s past the CheckCommand's default -t of 10.
        answer = self.api("GET", "/v1/objects/checkcommands/password_sync?attrs=timeout")
        timeout = answer["results"][0]["attrs"]["timeout"]
        res.check(timeout == 15, "icinga2: CheckCommand password_sync has timeout 15 (-t 10 + 5)",
                  repr(timeout))

    def close(self):
        self.graphite.close()


# --------------------------------------------------------------------------
# Nagios 4

class Nagios:
    """A private Nagios 4 laid out as Debian's: etc/nagios4/nagios.cfg with
    cfg_dir for the plugins' snippets and conf.d, resource.cfg holding the
    $USERn$ macros, state under var/lib/nagios4."""

    def __init__(self, env, res):
        self.env, self.res = env, res
        self.base = env.mkdir("nagios4")
        for sub in ("etc", "etc/nagios4", "etc/nagios4/conf.d", "var", "var/lib",
                    "var/lib/nagios4", "var/lib/nagios4/rw", "var/lib/nagios4/checkresults",
                    "var/log", "var/log/nagios4", "run"):
            env.mkdir("nagios4", sub)
        self.etc = os.path.join(self.base, "etc", "nagios4")
        self.var = os.path.join(self.base, "var", "lib", "nagios4")

    def objects(self):
        env = self.env
        objects = [
            "# Generated by tests/e2e/e2e.py: objects for the end-to-end test.",
            "define timeperiod{\n  timeperiod_name e2e-24x7\n  alias always\n"
            + "".join(f"  {d} 00:00-24:00\n" for d in
                      ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                       "sunday")) + "}",
            "define command{\n  command_name e2e-notify\n  command_line /bin/true\n}",
            "define contact{\n  contact_name e2e\n  alias e2e\n"
            "  host_notifications_enabled 0\n  service_notifications_enabled 0\n"
            "  host_notification_period e2e-24x7\n  service_notification_period e2e-24x7\n"
            "  host_notification_options n\n  service_notification_options n\n"
            "  host_notification_commands e2e-notify\n  service_notification_commands e2e-notify\n}",
        ]
        for sc in scenarios("nagios4"):
            if sc.via == "ini":
                # Tenant, client ID, secret and endpoints only in the ini file.
                check = f"check_password_sync_ini!{env.ini_spec(sc)}"
            else:
                # The secret file's path from resource.cfg ($USER3$), as documented.
                check = "check_password_sync_endpoints!" + "!".join(
                    [sc.tenant, CLIENT_ID, "$USER3$", env.sim_url, env.sim_url, env.ca_file])
            host_check = (f"  check_command {check}\n  active_checks_enabled 1\n"
                          if sc.host_state is not None else "  active_checks_enabled 0\n")
            objects += [
                f"define host{{\n  host_name {sc.host}\n  alias scenario {sc.tenant}\n"
                f"  address 127.0.0.1\n  max_check_attempts 1\n  check_period e2e-24x7\n"
                f"{host_check}  check_interval 60\n  contacts e2e\n"
                "  notification_period e2e-24x7\n  notifications_enabled 0\n}",
                f"define service{{\n  use password-sync-service\n  host_name {sc.host}\n"
                f"  service_description {SERVICE}\n"
                f"  check_command {check}\n"
                "  check_period e2e-24x7\n  notification_period e2e-24x7\n  contacts e2e\n"
                "  check_interval 60\n  max_check_attempts 1\n  notifications_enabled 0\n"
                "  notification_interval 0\n}",
            ]
        return "\n\n".join(objects) + "\n"

    def write_config(self):
        env, etc, var = self.env, self.etc, self.var
        env.write("nagios4/etc/nagios4/conf.d/e2e.cfg", self.objects())
        resource = env.write("nagios4/etc/nagios4/resource.cfg", "\n".join([
            "# Generated by tests/e2e/e2e.py: $USERn$ macros, as Debian's resource.cfg.",
            "$USER1$=/usr/lib/nagios/plugins",
            f"$USER3$={env.secret_file}", ""]), 0o640)
        if env.root:
            os.chown(resource, 0, env.gid)
        main = {
            "log_file": f"{self.base}/var/log/nagios4/nagios.log",
            "cfg_dir": env.nagios_plugin_config,
            "cfg_dir ": f"{etc}/conf.d",
            "object_cache_file": f"{var}/objects.cache",
            "precached_object_file": f"{var}/objects.precache",
            "resource_file": f"{etc}/resource.cfg",
            "status_file": f"{var}/status.dat",
            "status_update_interval": "2",
            "nagios_user": env.user,
            "nagios_group": pwd_group(env.gid),
            "check_external_commands": "1",
            "command_file": f"{var}/rw/nagios.cmd",
            "lock_file": f"{self.base}/run/nagios4.pid",
            "temp_file": f"{var}/nagios.tmp",
            "temp_path": var,
            "check_result_path": f"{var}/checkresults",
            "state_retention_file": f"{var}/retention.dat",
            "retain_state_information": "0",
            "use_syslog": "0",
            "log_rotation_method": "n",
            "service_check_timeout": "60",
            "host_check_timeout": "30",
            "enable_notifications": "0",
            "enable_event_handlers": "0",
            "enable_flap_detection": "0",
            "process_performance_data": "0",
            "query_socket": f"{var}/rw/nagios.qh",
            "interval_length": "60",
            "max_service_check_spread": "1",
            "max_host_check_spread": "1",
            "illegal_macro_output_chars": "`~$&|'\"<>",
        }
        text = "# Generated by tests/e2e/e2e.py: a private Nagios 4 in Debian's layout.\n"
        text += "".join(f"{k.strip()}={v}\n" for k, v in main.items())
        self.cfg = env.write("nagios4/etc/nagios4/nagios.cfg", text)

    def validate(self):
        proc = subprocess.run(self.env.sandboxed(["nagios4", "-v", self.cfg]),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out = proc.stdout
        self.res.check(proc.returncode == 0 and "Total Errors:   0" in out,
                       "nagios4 -v validates the config (the host's broken /etc/nagios4 unread)",
                       out[-2000:])
        self.res.check("Total Warnings: 0" in out, "nagios4 -v reports no warnings",
                       "\n".join(l for l in out.splitlines() if "Warning" in l))

    def status(self):
        """{(host, service or ""): attributes} from status.dat."""
        try:
            with open(os.path.join(self.var, "status.dat"), errors="replace") as f:
                text = f.read()
        except OSError:
            return {}
        found = {}
        for kind, block in re.findall(r"(servicestatus|hoststatus) \{\n(.*?)\n\s*\}", text, re.S):
            attrs = {}
            for line in block.splitlines():
                key, _, value = line.strip().partition("=")
                attrs[key] = value
            found[(attrs.get("host_name"), attrs.get("service_description", ""))] = attrs
        return found

    def force_checks(self, cmd_file):
        now = int(time.time())
        fd = os.open(cmd_file, os.O_WRONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "w") as pipe:
            for sc in scenarios("nagios4"):
                pipe.write(f"[{now}] SCHEDULE_FORCED_SVC_CHECK;{sc.host};{SERVICE};{now}\n")
                if sc.host_state is not None:
                    pipe.write(f"[{now}] SCHEDULE_FORCED_HOST_CHECK;{sc.host};{now}\n")
        log("nagios4: checks forced, waiting for status.dat")
        keys = [(sc.host, SERVICE) for sc in scenarios("nagios4")]
        keys += [(sc.host, "") for sc in scenarios("nagios4") if sc.host_state is not None]

        def all_checked():
            st = self.status()
            done = all(int(st.get(k, {}).get("last_check", "0")) >= now
                       and st[k].get("has_been_checked") == "1" for k in keys)
            return st if done else None

        return wait_for(all_checked, 60, "Nagios 4 check results in status.dat", 0.5)

    def run(self):
        env, res = self.env, self.res
        self.write_config()
        self.validate()
        proc = env.spawn(env.sandboxed(["nagios4", self.cfg]), "nagios4.out", cwd=self.base)
        cmd_file = os.path.join(self.var, "rw", "nagios.cmd")
        wait_for(lambda: proc.poll() is not None or os.path.exists(cmd_file), 30,
                 "the Nagios command file")
        if proc.poll() is not None:
            raise RuntimeError("nagios4 exited: " + tail(env.path("nagios4.out")))
        env.check_user(res, "nagios4", proc)
        st = self.force_checks(cmd_file)
        print("nagios4's view (status.dat):")
        for sc in scenarios("nagios4"):
            attrs = st[(sc.host, SERVICE)]
            output = attrs.get("plugin_output", "")
            raw = attrs.get("performance_data", "")
            print(f"    raw perfdata (status.dat): {raw!r}")
            perf = {k: (v[0], v[1]) for k, v in parse_perfdata(raw).items()}
            check_scenario(res, "nagios4", sc, int(attrs.get("current_state", -1)), output, perf)
            if sc.timeout:
                took = float(attrs.get("check_execution_time", "0"))
                res.check(took < 60, f"nagios4 {sc.name}: the plugin's -t ended the check "
                          f"({took:.1f}s), not service_check_timeout", repr(attrs))
            if sc.host_state is not None:
                host = st[(sc.host, "")]
                print(f"    host check: state={host.get('current_state')} "
                      f"output={host.get('plugin_output')!r}")
                res.check(int(host.get("current_state", -1)) == sc.host_state,
                          f"nagios4 {sc.name}: host check state {['UP', 'DOWN'][sc.host_state]}",
                          repr(host.get("current_state")))
                res.check(host.get("plugin_output", "").startswith(
                    f"PASSWORD_SYNC {STATE_NAMES[sc.state]} - "),
                    f"nagios4 {sc.name}: host check output", repr(host.get("plugin_output")))
        env.stop(proc)


def shell_quote(s):
    return "'" + s.replace("'", "'\"'\"'") + "'"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plugin", default=os.environ.get("PLUGIN"))
    ap.add_argument("--engine", action="append", choices=["icinga2", "nagios4"])
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    opts = ap.parse_args()
    if not opts.plugin or not os.access(opts.plugin, os.X_OK):
        print(f"e2e: plugin not executable: {opts.plugin!r} (set PLUGIN or --plugin)")
        return 2
    opts.plugin = os.path.abspath(opts.plugin)
    engines = opts.engine or ["icinga2", "nagios4"]
    res = Results()
    # `timeout` in run.sh ends a stuck run with SIGTERM: still stop the engines.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    env = Env(opts.plugin, opts.keep)
    start = time.monotonic()
    try:
        env.start_simulator()
        if not os.path.isdir(NAGIOS_PLUGIN_DIR):
            os.makedirs(NAGIOS_PLUGIN_DIR, exist_ok=True)  # the mount point
        env.stage_package()
        env.plant_broken_host()
        for name in engines:
            t = time.monotonic()
            engine = Icinga(env, res) if name == "icinga2" else Nagios(env, res)
            try:
                before = env.sim_token_requests()
                engine.run()
                after = env.sim_token_requests()
                for tenant in sorted({sc.tenant for sc in scenarios(name)}):
                    asked = sum(1 for sc in scenarios(name) if sc.tenant == tenant)
                    got = after.get(tenant, 0) - before.get(tenant, 0)
                    res.check(got >= asked,
                              f"{name} {tenant}: the plugin asked the simulator for a token "
                              f"({asked} service{'s' if asked > 1 else ''})",
                              f"{before.get(tenant, 0)} -> {after.get(tenant, 0)}")
            except Exception as e:  # report and go on with the other engine
                res.check(False, f"{name} ran", f"{type(e).__name__}: {e}")
                for f in ("e2e-master.out", "e2e-satellite.out", "e2e-master/log/icinga2.log",
                          "e2e-satellite/log/icinga2.log", "nagios4.out", "nagios4/nagios.log",
                          "simulator.log"):
                    if os.path.exists(env.path(f)):
                        print(f"--- {f} (tail)\n{tail(env.path(f))}")
            finally:
                if hasattr(engine, "close"):
                    engine.close()
            log(f"{name}: {time.monotonic() - t:.1f}s")
    finally:
        env.close()
    log(f"total {time.monotonic() - start:.1f}s")
    print(f"e2e: {res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
