# SPDX-License-Identifier: GPL-3.0-or-later
"""Managed identity endpoints of the simulator: Azure VM IMDS and the Azure Arc agent (HIMDS).

Plain HTTP on 127.0.0.1, as IMDS (169.254.169.254) and HIMDS (localhost:40342) are. The first path
segment picks the flavour and the second names the tenant whose scenario the issued token serves:

  GET /vm/<tenant>/metadata/identity/oauth2/token           IMDS: Metadata: true, api-version
                                                             >= 2018-02-01, numbers as strings
  GET /arc/<tenant>/metadata/identity/oauth2/token          Arc: 401 + WWW-Authenticate: Basic
                                                             realm=<key file>, then Authorization:
                                                             Basic <key file contents>
  GET /arc-outside/<tenant>/...                             Arc whose key file is outside the
                                                             token folder (must be refused)
  GET /arc-big/<tenant>/...                                 Arc whose key file is 5000 bytes
  GET /arc-notkey/<tenant>/...                              Arc whose key file does not end .key
  GET /arc-symlink/<tenant>/...                             Arc whose key file is a symbolic link
                                                             in the folder to a file outside it
  GET /arc-legacy/<tenant>/...                              an older Arc agent: ignores the
                                                             user-assigned selector and returns the
                                                             machine's system-assigned identity
  GET /vm-updating/<tenant>/..., /vm-updating-long/...      IMDS answering 410 (being updated)
                                                             once, or always
  GET /appservice/<tenant>/msi/token                        App Service, Functions, Container Apps:
                                                             api-version 2019-08-01, header
                                                             X-IDENTITY-HEADER (written to
                                                             <identity port file>-header), answer
                                                             with expires_on only

Identities: SYSTEM and USER, selected by client_id, object_id or msi_res_id (App Service:
client_id, principal_id, mi_res_id); anything else gets IMDS's "Identity not found". Tokens
carry appid, oid, xms_mirid and, for the resource api://AzureADTokenExchange, are registered with
the token endpoint's assertion checker: the app's federated credential trusts USER only.

The plugin trusts only the real Arc folder, /var/opt/azcmagent/tokens, so --arc-token-folder is
that folder in the test suite (which creates it, as root). The simulator never creates the token
folder; it writes each key file there under a new name, cps-test-<random>.key (.txt for
arc-notkey), records its path as "key_file" in the request's log entry, and removes every file it
wrote when it exits. The key files of the hostile flavours hold valid keys, so a plugin that reads
them gets a token and the test sees it.

"""

import atexit
import os
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# The identities this machine has: the system-assigned one and one user-assigned identity, each
# with the client ID, object (principal) ID and resource ID a request may select it by.
MI_TENANT = "77777777-6666-5555-4444-333333333333"
SYSTEM = {"client_id": "88888888-7777-6666-5555-444444444444",
          "object_id": "aaaaaaaa-bbbb-cccc-dddd-000000000001",
          "resource_id": "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/mon"
                         "/providers/Microsoft.Compute/virtualMachines/monitoring-vm"}
USER = {"client_id": "99999999-8888-7777-6666-555555555555",
        "object_id": "aaaaaaaa-bbbb-cccc-dddd-000000000002",
        "resource_id": "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/mon"
                       "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/monitoring"}
USER_ASSIGNED = USER["client_id"]
TOKEN_PATH = "/metadata/identity/oauth2/token"
APP_SERVICE_PATH = "/msi/token"
FLAVOURS = ("vm", "vm-updating", "vm-updating-long", "arc", "arc-legacy", "arc-outside",
            "arc-big", "arc-notkey", "arc-symlink", "appservice")
KEY_PREFIX = "cps-test-"
# The selector query parameters: IMDS and Arc (MSAL, azure-identity), App Service api-version
# 2019-08-01 (Microsoft's "managed identities for App Service" reference).
SELECTORS = {"imds": {"client_id": "client_id", "object_id": "object_id",
                      "msi_res_id": "resource_id"},
             "appservice": {"client_id": "client_id", "principal_id": "object_id",
                            "mi_res_id": "resource_id"}}
EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"


class IdentityHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SimIdentity/1.0"
    sys_version = ""

    def log_message(self, fmt, *args):
        self.server.log("identity %s" % (fmt % args))

    def reply(self, status, body, headers=None):
        import json
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlsplit(self.path)
        parts = url.path.split("/", 3)  # ['', flavour, tenant, rest]
        path = APP_SERVICE_PATH if len(parts) == 4 and parts[1] == "appservice" else TOKEN_PATH
        if len(parts) != 4 or parts[1] not in FLAVOURS or "/" + parts[3] != path:
            return self.reply(404, {"error": "not_found", "error_description": "No such path."})
        flavour, tenant = parts[1], parts[2]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        st = self.server.state
        st.count(tenant, "identity")
        st.count(tenant, "requests")
        auth = self.headers.get("Authorization")
        entry = {"kind": "identity", "flavour": flavour, "metadata": self.headers.get("Metadata"),
                 "resource": query.get("resource"), "client_id": query.get("client_id"),
                 "selectors": {k: v for k, v in query.items()
                               if k not in ("api-version", "resource")},
                 "api_version": query.get("api-version"),
                 "identity_header": self.headers.get("X-IDENTITY-HEADER") is not None,
                 "authorization": None if auth is None else auth.split(" ")[0],
                 "via_proxy": self.path.startswith("http"), "key_file": None}
        updating = flavour == "vm-updating-long" or (
            flavour == "vm-updating" and st.stats[tenant]["identity"] == 1)
        if updating:
            st.record(tenant, entry)
            return self.reply(410, {"error": "service_unavailable",
                                    "error_description": "IMDS is being updated."})
        problem = self.check_request(flavour, query)
        identity = None
        if not problem:
            identity, problem = self.select_identity(flavour, query)
        challenge = (not problem and flavour.startswith("arc")
                     and not self.server.keys.valid(auth))
        try:
            if challenge:
                entry["key_file"] = self.server.keys.new_key_file(flavour)
        except OSError as e:
            problem = "cannot write the key file: %s" % e
        st.record(tenant, entry)
        if problem:
            return self.reply(400 if not challenge else 500,
                              {"error": "invalid_request", "error_description": problem})
        if challenge:
            return self.reply(401, {"error": "unauthorized",
                                    "error_description": "Authorization required."},
                              {"WWW-Authenticate": "Basic realm=%s" % entry["key_file"]})
        self.reply(200, self.token_answer(flavour, tenant, identity, query["resource"]))

    def token_answer(self, flavour, tenant, identity, resource):
        st = self.server.state
        claims = {"appid": identity["client_id"], "oid": identity["object_id"],
                  "sub": identity["object_id"], "xms_mirid": identity["resource_id"],
                  "iss": "https://login.microsoftonline.com/%s/v2.0" % MI_TENANT, "aud": resource}
        token = st.issue_token(tenant, claims)
        if resource.startswith(EXCHANGE_AUDIENCE):
            with st.checker.lock:
                st.checker.exchange_tokens[token] = claims
        now = int(time.time())
        if flavour == "appservice":  # api-version 2019-08-01: expires_on only, as a string
            return {"access_token": token, "expires_on": str(now + 86399), "resource": resource,
                    "token_type": "Bearer", "client_id": identity["client_id"]}
        expires = "86399" if flavour.startswith("vm") else 86399  # IMDS sends numbers as strings
        return {"access_token": token, "client_id": identity["client_id"],
                "expires_in": expires, "expires_on": str(now + 86399),
                "ext_expires_in": expires, "not_before": str(now),
                "resource": resource, "token_type": "Bearer"}

    def select_identity(self, flavour, query):
        """The identity a request selects, or an IMDS-like error. A legacy Arc agent ignores the
        selector and returns the machine's own identity (why MSAL Go verifies the answer)."""
        names = SELECTORS["appservice" if flavour == "appservice" else "imds"]
        given = [(names[k], v) for k, v in query.items() if k in names]
        if flavour == "arc-legacy" or not given:
            return SYSTEM, None
        if len(given) > 1:
            return None, "Only one of client_id, object_id or msi_res_id may be given"
        field, value = given[0]
        if field == "resource_id" and value.lower() == USER[field].lower():
            return USER, None
        if value == USER[field]:
            return USER, None
        return None, "Identity not found"

    def check_request(self, flavour, query):
        if flavour == "appservice":
            if self.headers.get("X-IDENTITY-HEADER") != self.server.identity_header:
                return "Required header X-IDENTITY-HEADER missing or wrong"
        elif self.headers.get("Metadata") != "true":
            return "Required metadata header not specified"
        version = query.get("api-version", "")
        if flavour.startswith("vm") and version < "2018-02-01":
            return "Invalid API version: '%s'" % version
        if flavour.startswith("arc") and version not in ("2019-11-01", "2020-06-01"):
            return "Invalid API version: '%s'" % version
        if flavour == "appservice" and version != "2019-08-01":
            return "Invalid API version: '%s'" % version
        resource = query.get("resource", "")
        known = resource.startswith("https://") or resource.startswith(EXCHANGE_AUDIENCE)
        if not known or resource.endswith("/.default"):
            return "AADSTS500011: The resource principal named %s was not found." % resource
        return None


class KeyFiles:
    """The Arc agent's challenge files: each holds a random key, accepted once presented."""

    def __init__(self, folder, outside):
        self.folder = folder
        self.outside = outside
        self.keys = set()
        self.written = []  # every path created, removed by remove_all
        self.lock = threading.Lock()

    def new_key_file(self, flavour):
        key = secrets.token_hex(32)
        if flavour == "arc-big":
            key = key + "0" * (5000 - len(key))
        suffix = ".txt" if flavour == "arc-notkey" else ".key"
        folder = self.outside if flavour in ("arc-outside", "arc-symlink") else self.folder
        path = self.write(os.path.join(folder, KEY_PREFIX + secrets.token_hex(12) + suffix), key)
        if flavour == "arc-symlink":
            link = os.path.join(self.folder, KEY_PREFIX + secrets.token_hex(12) + ".key")
            os.symlink(path, link)
            with self.lock:
                self.written.append(link)
            path = link
        with self.lock:
            self.keys.add(key)
        return path

    def write(self, path, key):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with self.lock:
            self.written.append(path)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return path

    def remove_all(self):
        with self.lock:
            written, self.written = self.written, []
        for path in written:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def valid(self, authorization):
        if not authorization or not authorization.startswith("Basic "):
            return False
        with self.lock:
            return authorization[len("Basic "):] in self.keys


class IdentityServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host, state, log, arc_folder, arc_outside):
        self.state = state
        self.log = log
        self.keys = KeyFiles(arc_folder, arc_outside)
        self.identity_header = secrets.token_hex(16)  # App Service's IDENTITY_HEADER
        super().__init__((host, 0), IdentityHandler)


def start(host, state, log, arc_folder, arc_outside, port_file):
    """arc_folder must exist already (the Arc agent's); arc_outside is created if missing."""
    if arc_outside:
        os.makedirs(arc_outside, mode=0o700, exist_ok=True)
    server = IdentityServer(host, state, log, arc_folder, arc_outside)
    atexit.register(server.keys.remove_all)
    # The app's federated identity credential trusts the user-assigned identity only.
    with state.checker.lock:
        state.checker.trusted_identities.add(
            ("https://login.microsoftonline.com/%s/v2.0" % MI_TENANT, USER["object_id"]))
    with open(port_file + "-header", "w") as f:  # before the port file, which signals ready
        f.write(server.identity_header)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, port_file)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                     daemon=True).start()
    return server
