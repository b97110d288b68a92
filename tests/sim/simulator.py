#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Microsoft Graph and Entra token endpoint simulator for check_password_sync tests.

HTTPS on 127.0.0.1, HTTP/1.1 with keep-alive. Every answer is written with one sendall of
headers and body, on sockets with TCP_NODELAY, so the simulator adds no latency of its own.

Endpoints:
  POST /{tenant}/oauth2/v2.0/token      client-credentials grant; the tenant names the scenario
  POST /beta/$batch                     the scenario is found through the bearer token
  GET  /beta/organization               the same data as the batch's sub-requests
  GET  /beta/directory/onPremisesSynchronization
  (in a $batch only) /applications(appId='...')?$select=...   the app the token was issued to
  GET  /_sim/stats[?tenant=X]           request counts
  GET  /_sim/assertions                 headers and claims of the client assertions checked
  Managed identity (plain HTTP, own port, --identity-port-file): see identity_endpoint.py
  GET  /_sim/tokens[?tenant=X]          access tokens issued so far (tests check none leaks)
  GET  /_sim/log[?tenant=X]             what was asked (no secrets), e.g. each batch's sub-requests
  POST /_sim/reset                      forget counts, logs, tokens and per-token state

Client credentials: the client secret (--secret-file), certificate assertions verified against
the certificates registered with --client-cert, federated tokens registered with
--federated-token-file (see assertions.py).

Usage:
  simulator.py --cert server.pem --key server.key --port 0 --port-file F --secret-file S
      [--client-cert C.pem]... [--federated-token-file F]... [--identity-port-file F
      --arc-token-folder D --arc-outside-folder D]
Scenarios are data in scenarios.py; tests/README.md lists them.
"""

import argparse
import base64
import datetime
import gzip
import json
import os
import re
import secrets
import signal
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import assertions  # noqa: E402
import identity_endpoint  # noqa: E402
import scenarios  # noqa: E402
from scenarios import ABSENT, SECRET_HINT, AadError, Ago, GraphError, Reply, Sub  # noqa: E402

# What the plugin must select; onPremisesLastPasswordSyncDateTime too, except in a cloud whose
# schema lacks it (scenario key "lacks").
ORG_SELECT = {"id", "verifiedDomains", "onPremisesSyncEnabled", "onPremisesLastSyncDateTime"}
SYNC_SELECT = {"features", "configuration"}
# The application entity: addressed by its appId (application-get.md), any of its documented
# properties selectable; the simulator's apps have these.
APP_PATH = re.compile(r"^/applications\(appId='([^']*)'\)$")
APP_PROPERTIES = {"id", "appId", "displayName", "passwordCredentials", "keyCredentials"}
MAX_BATCH = 20
MAX_BODY = 1024 * 1024
STAT_KEYS = ("token", "batch", "graph_get", "requests", "connections", "identity")

SHUTDOWN = threading.Event()


# --- time ----------------------------------------------------------------------------------

def iso(ago, now):
    """Render an Ago at request time `now` (epoch seconds)."""
    # Whole second at least `seconds` (plus a safety second) in the past; see scenarios.Ago.
    instant = int(now) - ago.seconds - 1
    fmt = ago.fmt
    if "offset" in fmt:
        tz = datetime.timezone(datetime.timedelta(hours=2))
        suffix = "+02:00"
    else:
        tz = datetime.timezone.utc
        suffix = "Z"
    text = datetime.datetime.fromtimestamp(instant, tz).strftime("%Y-%m-%dT%H:%M:%S")
    if "frac" in fmt:
        text += ".1234567"
    return text + suffix


def render(value, now):
    """Resolve Ago and ABSENT inside JSON-able data."""
    if isinstance(value, Ago):
        return iso(value, now)
    if isinstance(value, dict):
        return {k: render(v, now) for k, v in value.items() if v is not ABSENT}
    if isinstance(value, list):
        return [render(v, now) for v in value if v is not ABSENT]
    return value


def aad_timestamp(now):
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(now))


def graph_date(now):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))


# --- state ---------------------------------------------------------------------------------

class State:
    def __init__(self, secret, checker=None):
        self.lock = threading.Lock()
        self.secret = secret
        self.checker = checker  # assertions.AssertionChecker
        self.reset()

    def reset(self):
        with self.lock:
            self.stats = {}        # tenant -> counts
            self.tokens = {}       # access token -> tenant
            self.token_clients = {}  # access token -> the client ID it was issued to
            self.token_numbers = {}  # access token -> how many its tenant had before it
            self.tokens_issued = {}  # tenant -> access tokens issued
            self.batch_steps = {}  # access token -> number of $batch requests made with it
            self.log = []          # dicts, each with "tenant"
            self.connections = 0

    def count(self, tenant, key):
        with self.lock:
            st = self.stats.setdefault(tenant, dict.fromkeys(STAT_KEYS, 0))
            st[key] += 1

    def record(self, tenant, entry):
        with self.lock:
            entry["tenant"] = tenant
            entry["time"] = time.time()
            self.log.append(entry)

    def issue_token(self, tenant, claims=None, slash=False, client_id=None):
        """A JWT-like token bound to tenant; slash: with '/' in its signature part (RFC 6750
        allows it in a bearer token), to be written escaped as \\/."""
        header = base64.urlsafe_b64encode(b'{"typ":"JWT","alg":"RS256","kid":"sim"}').rstrip(b"=")
        payload = dict({"aud": "https://graph.microsoft.com", "tid": tenant,
                        "nonce": secrets.token_hex(16)}, **(claims or {}))
        payload = json.dumps(payload).encode()
        token = b".".join([header, base64.urlsafe_b64encode(payload).rstrip(b"="),
                           base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=")]).decode()
        if slash:
            token += "/" + secrets.token_hex(8)
        with self.lock:
            self.tokens[token] = tenant
            self.token_clients[token] = client_id
            self.token_numbers[token] = self.tokens_issued.get(tenant, 0)
            self.tokens_issued[tenant] = self.token_numbers[token] + 1
        return token

    def token_number(self, token):
        """0 for the first token issued to its tenant, 1 for the second, ..."""
        with self.lock:
            return self.token_numbers.get(token, 0)

    def client_for(self, token):
        with self.lock:
            return self.token_clients.get(token)

    def tenant_for(self, token):
        with self.lock:
            return self.tokens.get(token)

    def next_batch_step(self, key):
        """The step number of a $batch: counted per access token, or per tenant (steps_by)."""
        with self.lock:
            n = self.batch_steps.get(key, 0)
            self.batch_steps[key] = n + 1
            return n


# --- deliveries: how the bytes of an answer reach the client ----------------------------------
#
# Each takes (handler, head: bytes, body: bytes). Hostile servers are added here (trickle,
# cut short, never answer, reset, ...) and named by a scenario's Reply(delivery=...).

def deliver_normal(handler, head, body):
    handler.connection.sendall(head + body)


def _with_header(head, name, value):
    """head with header `name` replaced by (or, if value is None, without) `name: value`."""
    lines = head.split(b"\r\n")
    key = name.lower().encode() + b":"
    kept = [ln for ln in lines if not ln.lower().startswith(key)]
    if value is not None:
        kept.insert(1, ("%s: %s" % (name, value)).encode("latin-1"))
    return b"\r\n".join(kept)


def _hold(handler, seconds=120):
    """Keep the connection open without writing, until the simulator stops."""
    handler.close_connection = True
    SHUTDOWN.wait(seconds)


def _reset(handler):
    """Abort the TCP connection: SO_LINGER 0 makes close() send a RST."""
    handler.close_connection = True
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
        handler.connection.close()
        raw = handler.request
        raw.close()
    except OSError:
        pass


def deliver_trickle(handler, head, body):
    """One byte every 0.25 s: a full answer would take far longer than any -t."""
    data = head + body
    for i in range(len(data)):
        if SHUTDOWN.wait(0.25):
            return
        handler.connection.sendall(data[i:i + 1])


def deliver_cut_short(handler, head, body):
    """Content-Length announces the whole body, half is sent, then the connection closes."""
    handler.connection.sendall(head + body[:len(body) // 2])
    handler.close_connection = True


def deliver_short_length(handler, head, body):
    """Content-Length announces half the body; the whole body is sent anyway."""
    head = _with_header(head, "Content-Length", str(len(body) // 2))
    handler.connection.sendall(head + body)
    handler.close_connection = True


def deliver_smuggle(handler, head, body):
    """The answer, then a second, unasked-for answer on the same connection (past
    Content-Length) claiming directory sync is disabled; a client that reused it would lie."""
    fake = json.dumps({"responses": [
        {"id": "org", "status": 200, "headers": {},
         "body": {"value": [{"onPremisesSyncEnabled": False,
                             "onPremisesLastSyncDateTime": None,
                             "onPremisesLastPasswordSyncDateTime": None}]}},
        {"id": "sync", "status": 200, "headers": {},
         "body": {"value": [{"features": {"passwordSyncEnabled": False}}]}}]}).encode()
    extra = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
             % len(fake)) + fake
    handler.connection.sendall(head + body + extra)


def deliver_gzip(handler, head, body):
    """Content-Encoding: gzip (a large body becomes a small, expanding one)."""
    packed = gzip.compress(body, compresslevel=9)
    head = _with_header(head, "Content-Length", str(len(packed)))
    head = _with_header(head, "Content-Encoding", "gzip")
    handler.connection.sendall(head + packed)


def _chunked_head(head):
    return _with_header(_with_header(head, "Content-Length", None), "Transfer-Encoding", "chunked")


def deliver_chunked_endless(handler, head, body):
    """Chunked: the body as one chunk, then a space every 0.1 s, never the last chunk."""
    handler.connection.sendall(_chunked_head(head) + b"%x\r\n%s\r\n" % (len(body), body))
    handler.close_connection = True
    while not SHUTDOWN.wait(0.1):
        handler.connection.sendall(b"1\r\n \r\n")


def deliver_chunked_unterminated(handler, head, body):
    """Chunked: half the body as one chunk, then the connection closes without the last chunk."""
    half = body[:len(body) // 2]
    handler.connection.sendall(_chunked_head(head) + b"%x\r\n%s\r\n" % (len(half), half))
    handler.close_connection = True


def deliver_silence(handler, head, body):
    """Reads the request, never answers, keeps the connection open."""
    _hold(handler)


def deliver_reset(handler, head, body):
    """Headers and half the body, then a TCP reset."""
    handler.connection.sendall(head + body[:len(body) // 2])
    time.sleep(0.05)
    _reset(handler)


def deliver_many_headers(handler, head, body):
    """100 KB of extra header lines: above the plugin's 64 KiB limit, below libcurl's."""
    extra = "".join("X-Padding-%d: %s\r\n" % (i, "p" * 90) for i in range(1000))
    handler.connection.sendall(_with_header(head, "X-Start", "1").replace(
        b"X-Start: 1\r\n", extra.encode()) + body)


def deliver_giant_header_line(handler, head, body):
    """One header line of 200 KB: above libcurl's own limit for a line (100 KB)."""
    handler.connection.sendall(_with_header(head, "X-Giant", "g" * 200000) + body)


def deliver_bad_status_line(handler, head, body):
    """A status line that is not HTTP ("HTTP/1.1 OK", no code), then the answer."""
    rest = head.split(b"\r\n", 1)[1]
    handler.connection.sendall(b"HTTP/1.1 OK\r\n" + rest + body)
    handler.close_connection = True


DELIVERIES = {
    "normal": deliver_normal,
    "many-headers": deliver_many_headers,
    "giant-header-line": deliver_giant_header_line,
    "bad-status-line": deliver_bad_status_line,
    "trickle": deliver_trickle,
    "cut-short": deliver_cut_short,
    "short-length": deliver_short_length,
    "smuggle": deliver_smuggle,
    "gzip": deliver_gzip,
    "chunked-endless": deliver_chunked_endless,
    "chunked-unterminated": deliver_chunked_unterminated,
    "silence": deliver_silence,
    "reset": deliver_reset,
}


# --- the handler -----------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""

    def setup(self):
        # TLS handshake here, in the connection's own thread, so one slow client cannot stall
        # the accept loop.
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(self.server.idle_timeout)
        try:
            self.request = self.server.tls.wrap_socket(sock, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.server.log("TLS handshake failed: %s" % e)
            self.request = None
            try:
                sock.close()
            except OSError:
                pass
            raise ConnectionAbortedError from e
        self.connection = self.request
        self.rfile = self.connection.makefile("rb", self.rbufsize)
        self.wfile = self.connection.makefile("wb", 0)
        self.tenants_seen = set()
        with self.server.state.lock:
            self.server.state.connections += 1

    def finish(self):
        try:
            super().finish()
        finally:
            try:
                self.connection.close()
            except OSError:
                pass

    def log_message(self, fmt, *args):
        self.server.log("%s %s" % (self.address_string(), fmt % args))

    # -- plumbing

    def _read_body(self):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        if not length:
            return b""
        n = int(length)
        if n > MAX_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(n)

    def _read_chunked(self):
        data = b""
        while True:
            line = self.rfile.readline(1024).strip()
            size = int(line.split(b";")[0], 16)
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass
                return data
            data += self.rfile.read(size)
            self.rfile.readline(16)
            if len(data) > MAX_BODY:
                raise ValueError("request body too large")

    def send(self, status, body=b"", content_type="application/json; charset=utf-8",
             headers=None, delivery="normal"):
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body, separators=(",", ":")).encode("utf-8")
        lines = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("Status",))[0])]
        hdrs = {"Date": self.date_time_string(), "Server": self.server_version}
        if content_type:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        hdrs["Content-Length"] = str(len(body))
        if self.close_connection:
            hdrs["Connection"] = "close"
        for k, v in hdrs.items():
            lines.append("%s: %s" % (k, v))
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.log_request(status, len(body))
        DELIVERIES[delivery](self, head, bytes(body))

    def send_reply(self, reply, now, tenant=""):
        body = reply.body
        if callable(body):  # built at request time (fresh timestamps in a literal body)
            body = body(now, tenant)
        if not isinstance(body, (bytes, str)):
            body = render(body, now)
        ctype = reply.content_type or "application/json; charset=utf-8"
        headers = {k: (v(now) if callable(v) else v) for k, v in reply.headers.items()}
        self.send(reply.status, body, ctype, headers, reply.delivery)

    def wait(self, seconds):
        """Sleep (for slow scenarios); returns False when the simulator is shutting down."""
        if seconds > 0:
            return not SHUTDOWN.wait(seconds)
        return True

    def seen(self, tenant):
        st = self.server.state
        st.count(tenant, "requests")
        if tenant not in self.tenants_seen:
            self.tenants_seen.add(tenant)
            st.count(tenant, "connections")

    # -- dispatch

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self.send(400, {"error": {"code": "BadRequest", "message": "Unreadable request body."}})
            return
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = parse_qs(url.query)
        try:
            if path.startswith("/_sim/"):
                self.sim_endpoint(method, path, query)
            elif path.startswith("/beta/") or path.startswith("/v1.0/"):
                self.graph(method, path, url.query, body)
            else:
                parts = path.split("/")
                # ['', tenant, 'oauth2', 'v2.0', 'token']
                if len(parts) == 5 and parts[2:] == ["oauth2", "v2.0", "token"] and parts[1]:
                    self.token(method, parts[1], body)
                else:
                    self.send(404, {"error": {"code": "NotFound", "message": "No such endpoint."}})
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout):
            self.close_connection = True

    # -- simulator control

    def sim_endpoint(self, method, path, query):
        st = self.server.state
        tenant = query.get("tenant", [None])[0]
        if method == "POST" and path == "/_sim/reset":
            st.reset()
            self.send(200, {"reset": True})
        elif method == "GET" and path == "/_sim/stats":
            with st.lock:
                if tenant is not None:
                    out = dict(st.stats.get(tenant, dict.fromkeys(STAT_KEYS, 0)))
                else:
                    out = dict.fromkeys(STAT_KEYS, 0)
                    for counts in st.stats.values():
                        for k in STAT_KEYS:
                            out[k] += counts[k]
                    out["connections"] = st.connections
                    out["tenants"] = {t: dict(c) for t, c in st.stats.items()}
            self.send(200, out)
        elif method == "GET" and path == "/_sim/tokens":
            with st.lock:
                toks = [t for t, ten in st.tokens.items() if tenant is None or ten == tenant]
            self.send(200, {"tokens": toks})
        elif method == "GET" and path == "/_sim/assertions":
            with st.checker.lock:
                self.send(200, {"assertions": list(st.checker.checked)})
        elif method == "GET" and path == "/_sim/log":
            with st.lock:
                entries = [e for e in st.log if tenant is None or e["tenant"] == tenant]
            self.send(200, {"log": entries})
        else:
            self.send(404, {"error": "unknown simulator endpoint"})

    # -- token endpoint

    def aad_error(self, err, tenant, client_id, now):
        trace, corr = str(uuid.uuid4()), self.client_request_id(str(uuid.uuid4()))
        ts = aad_timestamp(now)
        desc = err.description.format(tenant=tenant, client_id=client_id or "")
        desc += "\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s" % (trace, corr, ts)
        body = {
            "error": err.error,
            "error_description": desc,
            "error_codes": [err.code],
            "timestamp": ts,
            "trace_id": trace,
            "correlation_id": corr,
            "error_uri": "https://login.microsoftonline.com/error?code=%d" % err.code,
        }
        headers = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache",
                   "x-ms-request-id": trace, "X-Content-Type-Options": "nosniff"}
        if not self.wait(err.delay):
            return
        self.send(err.status, body, "application/json; charset=utf-8", headers, err.delivery)

    def echo_secret(self, secret, now):
        """401 invalid_client whose description quotes the secret in three spellings."""
        percent = "".join(c if c.isalnum() or c in "-._" else
                          "+" if c == " " else "%%%02x" % ord(c) for c in secret)
        escaped = "".join("\\/" if c == "/" else "\\u%04x" % ord(c) for c in secret)
        body = ('{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client '
                'secret provided: \'%s\' (sent as %s, JSON %s).","error_codes":[7000215],'
                '"timestamp":"%s"}' % (json.dumps(secret)[1:-1], percent, escaped,
                                       aad_timestamp(now)))
        self.send(401, body, "application/json; charset=utf-8")

    def token(self, method, tenant, body):
        st = self.server.state
        now = time.time()
        st.count(tenant, "token")
        self.seen(tenant)
        ctype = self.headers.get("Content-Type", "")
        form = {}
        if ctype.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
            try:
                form = {k: v[0] for k, v in
                        parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                 strict_parsing=bool(body)).items()}
            except (UnicodeDecodeError, ValueError):
                form = {}
        client_id = form.get("client_id")
        st.record(tenant, {
            "kind": "token", "method": method, "content_type": ctype,
            "client_request_id": self.headers.get("client-request-id"),
            "fields": sorted(form), "grant_type": form.get("grant_type"),
            "client_id": client_id, "scope": form.get("scope"),
            "secret_ok": form.get("client_secret") == st.secret,
            "assertion_type": form.get("client_assertion_type"),
            "user_agent": self.headers.get("User-Agent"),
        })

        def err(status, error, code, text):
            self.aad_error(AadError(status, error, code, text), tenant, client_id, now)

        if method != "POST":
            return err(400, "invalid_request", 900561,
                       "AADSTS900561: The endpoint only accepts POST requests. Received a %s request."
                       % method)
        if not form.get("grant_type"):
            return err(400, "invalid_request", 900144,
                       "AADSTS900144: The request body must contain the following parameter: "
                       "'grant_type'.")
        if form["grant_type"] != "client_credentials":
            return err(400, "unsupported_grant_type", 70003,
                       "AADSTS70003: The app requested an unsupported grant type '%s'."
                       % form["grant_type"])
        if not client_id:
            return err(400, "invalid_request", 900144,
                       "AADSTS900144: The request body must contain the following parameter: "
                       "'client_id'.")
        scope = form.get("scope", "")
        if not scope.endswith("/.default") or not scope.startswith("https://"):
            return err(400, "invalid_scope", 1002012,
                       "AADSTS1002012: The provided value for scope %s is not valid. Client "
                       "credential flows must have a scope value with /.default suffixed to the "
                       "resource identifier (application ID URI)." % scope)
        sc = scenarios.get(tenant)
        if sc is None:
            return err(400, "invalid_tenant", 90002,
                       "AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the "
                       "correct tenant ID and are signing into the correct cloud.")
        if "client_assertion" in form or "client_assertion_type" in form:
            # The token URL as this server is known: its aud must name exactly that.
            token_url = "%s/%s/oauth2/v2.0/token" % (self.server.canonical_url, tenant)
            problem = st.checker.verify(form, token_url, client_id,
                                        int(now) + sc.get("assertion_clock", 0),
                                        tamper=sc.get("assertion_tamper", False))
            if problem:
                return err(*problem)
        elif "client_secret" not in form:
            return err(401, "invalid_client", 7000216,
                       "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is "
                       "required for the 'client_credentials' grant type.")
        elif form["client_secret"] != st.secret:
            return err(401, "invalid_client", 7000215,
                       "AADSTS7000215: Invalid client secret provided. Ensure the secret being "
                       "sent in the request is the client secret value, not the client secret ID, "
                       "for a secret added to app '%s'." % client_id)

        behaviour = sc["token"]
        if isinstance(behaviour, list):  # one step per token request of this tenant
            with st.lock:
                n = st.stats[tenant]["token"] - 1
            behaviour = behaviour[min(n, len(behaviour) - 1)]
        if isinstance(behaviour, scenarios.EchoSecret):
            return self.echo_secret(form.get("client_secret", ""), now)
        if isinstance(behaviour, AadError):
            return self.aad_error(behaviour, tenant, client_id, now)
        if isinstance(behaviour, Reply):
            if not self.wait(behaviour.delay):
                return
            return self.send_reply(behaviour, now)
        if isinstance(behaviour, dict) and not self.wait(behaviour.get("delay", 0)):
            return
        token = st.issue_token(tenant, {"appid": client_id}, client_id=client_id,
                               slash=isinstance(behaviour, dict) and "escaped" in behaviour)
        expires = behaviour.get("expires_in", 3599) if isinstance(behaviour, dict) else 3599
        answer = {"token_type": "Bearer", "expires_in": expires, "ext_expires_in": expires,
                  "access_token": token}
        if isinstance(behaviour, dict) and "access_token" in behaviour:
            answer["access_token"] = behaviour["access_token"]
        if isinstance(behaviour, dict) and behaviour.get("escaped"):
            answer = json.dumps(answer).replace('"access_token"', '"access\\u005ftoken"')
            answer = answer.replace("/", "\\/")
        self.send(200, answer,
                  "application/json; charset=utf-8",
                  {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache",
                   "x-ms-request-id": str(uuid.uuid4())},
                  behaviour.get("delivery", "normal") if isinstance(behaviour, dict) else "normal")

    # -- Graph

    def client_request_id(self, fallback):
        """The client's client-request-id, which Graph and Entra echo; else their own ID."""
        return self.headers.get("client-request-id") or fallback

    def graph_headers(self):
        rid = str(uuid.uuid4())
        return {"request-id": rid, "client-request-id": self.client_request_id(rid),
                "x-ms-ags-diagnostic": '{"ServerInfo":{"DataCenter":"Loopback","Slice":"E",'
                                       '"Ring":"0","ScaleUnit":"000","RoleInstance":"SIM"}}',
                "Strict-Transport-Security": "max-age=31536000",
                "Cache-Control": "no-cache", "OData-Version": "4.0"}

    def graph_error_body(self, err, now):
        rid = str(uuid.uuid4())
        # A broken service echoing the request's header (leak-*-echoes-authorization).
        message = err.message.replace(
            "{authorization}", "Authorization: " + self.headers.get("Authorization", ""))
        return {"error": {"code": err.code, "message": message,
                          "innerError": {"date": graph_date(now), "request-id": rid,
                                         "client-request-id": self.client_request_id(rid)}}}

    def send_graph_error(self, err, now):
        headers = self.graph_headers()
        headers.update(err.headers)
        self.send(err.status, self.graph_error_body(err, now), "application/json", headers)

    def unknown_property(self, sc, which, select):
        """Graph's OData 400 for a $select of a property this cloud's schema lacks, or None."""
        missing = sorted(p for p in (select or ()) if p in sc.get("lacks", ()))
        if which != "org" or not missing:
            return None
        return GraphError(400, "BadRequest",
                          "Could not find a property named '%s' on type "
                          "'microsoft.graph.organization'." % missing[0])

    def application(self, spec, now, url, client):
        """(status, error or None, body) of GET /applications(appId='...'): the scenario's app
        when the appId is the token's client, 404 otherwise; only the $select-ed properties."""
        parts = urlsplit(url)
        app_id = APP_PATH.match("/" + unquote(parts.path).lstrip("/")).group(1)
        select = self.selected(url)
        unknown = sorted(select - APP_PROPERTIES)
        if unknown:
            return 400, GraphError(400, "BadRequest", "Could not find a property named '%s' on "
                                   "type 'microsoft.graph.application'." % unknown[0]), None
        if spec is None or app_id != client:
            return 404, GraphError(404, "Request_ResourceNotFound",
                                   "Resource '%s' does not exist or one of its queried "
                                   "reference-property objects are not present." % app_id), None
        entity = dict(spec, appId=app_id)
        hint = self.server.state.secret[:3]
        entity["passwordCredentials"] = [
            dict(c, hint=hint) if c.get("hint") is SECRET_HINT else c
            for c in entity.get("passwordCredentials", [])]
        chosen = sorted(select) or sorted(entity)
        body = {"@odata.context": "https://graph.microsoft.com/beta/$metadata#applications(%s)"
                                  "/$entity" % ",".join(chosen)}
        body.update({k: entity[k] for k in chosen if k in entity})
        return 200, None, render(body, now)

    def sub_response(self, sc, which, now, select=None, url=None, client=None):
        """(status, headers, body) of the organization, sync or application sub-request."""
        spec = sc[which]
        unknown = self.unknown_property(sc, which, select)
        if unknown is not None:
            spec = Sub(status=400, error=unknown)
        headers = {"Cache-Control": "no-cache", "x-ms-resource-unit": "1", "OData-Version": "4.0",
                   "Content-Type": "application/json;odata.metadata=minimal;"
                                   "odata.streaming=true;IEEE754Compatible=false;charset=utf-8"}
        if isinstance(spec, Sub):
            headers.update(spec.headers)
            if spec.error is not None:
                return spec.status, headers, self.graph_error_body(spec.error, now)
            return spec.status, headers, render(spec.body, now)
        base = "https://graph.microsoft.com/beta/$metadata#"
        if which == "app":
            status, error, body = self.application(spec, now, url, client)
            return status, headers, (self.graph_error_body(error, now) if error else body)
        if which == "org":
            entity = {k: v for k, v in spec.items() if k not in sc.get("lacks", ())}
            entity.setdefault("verifiedDomains", scenarios.verified_domains(sc.get("tenant", "")))
            body = {"@odata.context": base + "organization(onPremisesSyncEnabled,"
                    "onPremisesLastSyncDateTime,onPremisesLastPasswordSyncDateTime)",
                    "value": [render(entity, now)]}
        else:
            body = {"@odata.context": base + "directory/onPremisesSynchronization(features,"
                    "configuration)",
                    "value": [render({"id": scenarios.ORG_ID, "configuration": sc["config"],
                                      "features": spec}, now)]}
        return 200, headers, body

    def bearer_tenant(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None, None
        token = auth[len("Bearer "):].strip()
        return token, self.server.state.tenant_for(token)

    def graph(self, method, path, query, body):
        now = time.time()
        st = self.server.state
        token, tenant = self.bearer_tenant()
        if tenant is None:
            st.count("(no tenant)", "requests")
            msg = ("Access token is empty." if not token else
                   "CompactToken parsing failed with error code: 80049217")
            return self.send_graph_error(GraphError(401, "InvalidAuthenticationToken", msg), now)
        self.seen(tenant)
        sc = scenarios.get(tenant)
        sc["tenant"] = tenant  # a verified domain of the organization (see verified_domains)
        if method == "POST" and path == "/beta/$batch":
            st.count(tenant, "batch")
            return self.batch(sc, tenant, token, body, now)
        if method == "GET" and path in ("/beta/organization",
                                        "/beta/directory/onPremisesSynchronization"):
            st.count(tenant, "graph_get")
            which = "org" if path.endswith("organization") else "sync"
            st.record(tenant, {"kind": "graph_get", "path": path, "query": query})
            status, headers, out = self.sub_response(sc, which, now)
            hdrs = self.graph_headers()
            hdrs.update({k: v for k, v in headers.items() if k != "Content-Type"})
            return self.send(status, out, headers["Content-Type"], hdrs)
        st.record(tenant, {"kind": "graph_other", "method": method, "path": path})
        self.send_graph_error(GraphError(400, "BadRequest",
                                         "Resource not found for the segment '%s'."
                                         % path.rsplit("/", 1)[-1]), now)

    def selected(self, url):
        """The properties a sub-request URL's $select names."""
        select = set()
        for v in parse_qs(urlsplit(url).query).get("$select", []):
            select.update(x.strip() for x in v.split(","))
        return select

    def classify(self, url):
        """'org', 'sync' or 'app' for the sub-request URLs the plugin may send, else None."""
        parts = urlsplit(url)
        path = "/" + unquote(parts.path).lstrip("/")
        select = set()
        for v in parse_qs(parts.query).get("$select", []):
            select.update(x.strip() for x in v.split(","))
        if path == "/organization" and ORG_SELECT <= select:
            return "org"
        if path == "/directory/onPremisesSynchronization" and SYNC_SELECT <= select:
            return "sync"
        if APP_PATH.match(path):
            return "app"
        return None

    def batch(self, sc, tenant, token, body, now):
        st = self.server.state

        def bad(msg):
            st.record(tenant, {"kind": "batch", "error": msg})
            self.send_graph_error(GraphError(400, "BadRequest", msg), now)

        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            return bad("Content-Type must be application/json, got '%s'." % ctype)
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return bad("Invalid batch payload format.")
        reqs = doc.get("requests") if isinstance(doc, dict) else None
        if not isinstance(reqs, list) or not reqs:
            return bad("Invalid batch payload format: 'requests' must be a non-empty array.")
        if len(reqs) > MAX_BATCH:
            return bad("Invalid batch payload format: at most %d requests." % MAX_BATCH)
        ids, kinds = [], []
        for r in reqs:
            if not isinstance(r, dict) or not isinstance(r.get("id"), str) or not r["id"]:
                return bad("Invalid batch payload format: each request needs a string 'id'.")
            if r.get("method") != "GET":
                return bad("Unsupported method '%s' in request '%s'." % (r.get("method"), r["id"]))
            if r["id"] in ids:
                return bad("Batch request ids must be unique: '%s' appears twice." % r["id"])
            kind = self.classify(r.get("url", "")) if isinstance(r.get("url"), str) else None
            if kind is None:
                return bad("Unexpected url in request '%s': %r" % (r["id"], r.get("url")))
            ids.append(r["id"])
            kinds.append(kind)
        urls = {r["id"]: r["url"] for r in reqs}
        st.record(tenant, {"kind": "batch", "ids": ids, "urls": [r["url"] for r in reqs],
                           "client_request_id": self.headers.get("client-request-id"),
                           "content_type": self.headers.get("Content-Type")})

        steps = sc["batch"]
        if sc["steps_by"] == "token_number":
            index = st.token_number(token)
        else:
            index = st.next_batch_step(tenant if sc["steps_by"] == "tenant" else token)
        step = steps[min(index, len(steps) - 1)]
        if not self.wait(step.get("delay", 0)):
            return
        whole = step.get("whole")
        if isinstance(whole, GraphError):
            return self.send_graph_error(whole, now)
        if isinstance(whole, Reply):
            if not self.wait(whole.delay):
                return
            return self.send_reply(whole, now, tenant)

        responses = []
        client = st.client_for(token)
        for rid, kind in zip(ids, kinds):
            over = step.get(kind)
            if over is not None:
                scen = dict(sc)
                scen[kind] = over
                status, headers, out = self.sub_response(scen, kind, now, url=urls[rid],
                                                         client=client)
            else:
                status, headers, out = self.sub_response(sc, kind, now,
                                                         self.selected(urls[rid]), urls[rid],
                                                         client)
            responses.append({"id": rid, "status": status, "headers": headers, "body": out})
        if sc["reverse"]:
            responses.reverse()
        self.send(200, {"responses": responses},
                  "application/json;odata.metadata=minimal;odata.streaming=true;"
                  "IEEE754Compatible=false;charset=utf-8", self.graph_headers(),
                  step.get("delivery", "normal"))


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, tls, state, verbose, idle_timeout=30.0):
        self.tls = tls
        self.state = state
        self.verbose = verbose
        self.idle_timeout = idle_timeout
        super().__init__(addr, Handler)

    def log(self, text):
        if self.verbose:
            sys.stderr.write("sim: %s\n" % text)
            sys.stderr.flush()

    def handle_error(self, request, client_address):
        if sys.exc_info()[0] is ConnectionAbortedError:
            return
        if self.verbose:
            super().handle_error(request, client_address)

    def shutdown_request(self, request):
        # `request` is the plain socket; the TLS socket shares its fd and is closed with it.
        try:
            request.close()
        except OSError:
            pass


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--secret-file", required=True, help="the client secret the tests expect")
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    p.add_argument("--client-cert", action="append", default=[],
                   help="a certificate (PEM) registered for the app; repeatable")
    p.add_argument("--federated-token-file", action="append", default=[],
                   help="a file whose token is a trusted federated credential; repeatable")
    p.add_argument("--identity-port-file",
                   help="also serve managed identity endpoints (HTTP); write their port here")
    p.add_argument("--arc-token-folder", help="where the Arc challenge writes key files")
    p.add_argument("--arc-outside-folder", help="key files of the arc-outside flavour")
    a = p.parse_args(argv)

    if not a.host.startswith("127.") and a.host not in ("localhost", "::1"):
        p.error("the simulator only listens on loopback")
    with open(a.secret_file, "r", encoding="utf-8") as f:
        secret = f.read()
    if secret.endswith("\n"):
        secret = secret[:-1]

    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    tls.load_cert_chain(a.cert, a.key)
    tls.set_alpn_protocols(["http/1.1"])

    work = tempfile.mkdtemp(prefix="sim-")
    checker = assertions.AssertionChecker(a.client_cert, a.federated_token_file, work)
    server = Server((a.host, a.port), tls, State(secret, checker), a.verbose)
    port = server.server_address[1]
    server.canonical_url = "https://%s:%d" % (a.host, port)
    if a.identity_port_file:
        identity_endpoint.start(a.host, server.state, server.log, a.arc_token_folder,
                                a.arc_outside_folder, a.identity_port_file)
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, a.port_file)
    server.log("listening on https://%s:%d" % (a.host, port))

    def stop(signum, frame):
        SHUTDOWN.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        SHUTDOWN.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
