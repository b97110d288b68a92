# SPDX-License-Identifier: GPL-3.0-or-later
"""Scenario catalogue of the Microsoft Graph / Entra token simulator, as data.

The tenant in the token URL names the scenario (`-T ok`, `-T stale-password`, ...). A tenant
may carry a suffix after the first dot (`ok.run42`): the scenario is still `ok`, but the
simulator counts its requests separately, so tests can assert exact request counts while
other tests run the same scenario in parallel. A tenant naming no scenario gets the real
"tenant not found" answer (AADSTS90002).

A scenario is a dict with these keys (all optional; see DEFAULTS):

  token   what the token endpoint answers once the request is valid:
          None               a token (the normal case)
          AadError(...)      an AADSTS error in Microsoft's shape
          Reply(...)         a literal answer (status, headers, body)
          a dict with "delay": N  wait N seconds, then answer normally
          a dict with "delivery": D  a normal token, its bytes written by delivery D
          a list of the above: one per token request of the tenant (the last repeats)
          a dict with "expires_in": N  a token that expires in N seconds (default 3599)
          Any Reply or AadError may carry `delay` and `delivery` (see below).
  org     the `organization` entity (dict, values may be Ago(...) or ABSENT), or a Sub(...)
          sub-response (error, odd body)
  sync    the `onPremisesDirectorySynchronization` features dict, or a Sub(...)
  config  its `configuration` dict (values may be ABSENT, None), or ABSENT
  app     the application entity of the app the token was issued to (GET
          /applications(appId='...'), Microsoft's application resource: passwordCredentials
          and keyCredentials lists), a Sub(...) sub-response, or None: no such application in
          the tenant (404 Request_ResourceNotFound, as for a multi-tenant app registered in
          another tenant). A passwordCredential's hint may be SECRET_HINT: the first three
          characters of the secret the simulator takes.
  lacks   organization properties this cloud's Graph schema lacks: a $select naming one gets
          400 BadRequest "Could not find a property named '...'", and the entity omits them
  reverse answer the batch's sub-responses in reverse order
  batch   a list of steps, one per $batch request made with the same access token (the last
          step repeats). A step is a dict:
            {}                          answer normally
            {"whole": Reply(...)}       replace the whole $batch answer
            {"org": Sub(...)}           replace one sub-response ("org", "sync" or "app")
            {"delay": N}                wait N seconds, then answer the step normally
            {"delivery": D}             answer normally, written by delivery D
  steps_by "token" (default): each access token starts at the first step; "tenant": the steps
          count every $batch of the tenant, whatever token it carries (for the token cache:
          a token that works, then is rejected); "token_number": the step is the number of
          tokens the tenant was issued before this one (a first token with stale roles)
  note    one line for the catalogue (tests/README.md)

`delivery` names how the bytes of an answer are written (simulator.DELIVERIES): "normal" (one
sendall of headers and body) or a hostile server: "trickle" (a byte every 0.25 s), "cut-short"
(half the announced body, then close), "short-length" (Content-Length announces half the body,
all of it is sent), "smuggle" (a second, unasked-for answer after the body), "gzip"
(Content-Encoding: gzip), "chunked-endless" (chunks forever, no last chunk), "chunked-unterminated"
(half the body as a chunk, then close), "silence" (never answers) and "reset" (half the body,
then a TCP reset). A Reply body may also be a function of the request time returning bytes or
str, for literal bodies with fresh timestamps (duplicate keys, deep nesting).
"""


import email.utils
import json
import time


class _Absent:
    """Marks a key that is left out of the JSON object."""

    def __repr__(self):
        return "ABSENT"


ABSENT = _Absent()


class Ago:
    """A timestamp `seconds` before the moment of the request (negative: in the future).

    fmt: "z"           2026-11-26T09:37:12Z
         "frac"        2026-11-26T09:37:12.1234567Z   (7 digits, like Graph's SDK fixtures)
         "offset"      2026-11-26T11:37:12+02:00
         "frac-offset" 2026-11-26T11:37:12.1234567+02:00
    The instant is always at least `seconds` (plus up to about one second) in the past, so
    whole-second ages are stable even when the plugin reads its clock slightly earlier.
    """

    def __init__(self, seconds, fmt="z"):
        self.seconds = seconds
        self.fmt = fmt

    def __repr__(self):
        return "Ago(%r, %r)" % (self.seconds, self.fmt)


class _SecretHint:
    """Marks the hint of the client secret in use: Graph's passwordCredential.hint, "the first
    three characters of the password"; the simulator writes its own secret's."""

    def __repr__(self):
        return "SECRET_HINT"


SECRET_HINT = _SecretHint()


class Reply:
    """A literal HTTP answer. body: bytes, str, or a JSON-able object (sent as JSON)."""

    def __init__(self, status, body=b"", headers=None, content_type=None, delay=0.0,
                 delivery="normal"):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.content_type = content_type
        self.delay = delay
        self.delivery = delivery


class AadError:
    """An error from the Microsoft identity platform token endpoint.

    description may use {tenant} and {client_id}; Microsoft appends Trace ID, Correlation ID
    and Timestamp lines (CRLF separated) to it, and so does the simulator.
    """

    def __init__(self, status, error, code, description, delay=0.0, delivery="normal"):
        self.status = status
        self.error = error
        self.code = code
        self.description = description
        self.delay = delay
        self.delivery = delivery


class GraphError:
    """A Microsoft Graph error body: {"error":{"code","message","innerError":{...}}}."""

    def __init__(self, status, code, message, headers=None):
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


class EchoSecret:
    """A broken token endpoint that echoes the client secret it was sent in its
    error_description, three times: raw, percent-encoded (lower-case hex, ~ as %7e, + for a
    space) and with every character JSON-escaped (\\u0073..., \\/ for '/')."""


class Sub:
    """A $batch sub-response: a GraphError, or a status with a literal body."""

    def __init__(self, status=200, body=None, headers=None, error=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.error = error


def graph_error_sub(status, code, message, headers=None):
    return Sub(status=status, headers=headers, error=GraphError(status, code, message))


# --- building blocks ---------------------------------------------------------------------

MIN = 60
HOUR = 3600
DAY = 86400

ORG_ID = "b93319e6-5c2a-4d7e-9a1f-2c3d4e5f6a7b"
INITIAL_DOMAIN = "contoso.onmicrosoft.com"
# Tenant IDs that name a scenario (the tenant given as a GUID, as Entra allows): the ok tenant's
# own ID, and one whose token leads to another organization (ORG_ID): a wrong -T.
GUID_TENANTS = {ORG_ID: "ok", "0b0b0b0b-1111-2222-3333-444444444444": "ok"}


def verified_domains(tenant):
    """The organization's verifiedDomains: the tenant as the scenario is named (its custom
    domain) and the initial onmicrosoft.com domain, in Graph's verifiedDomain shape."""
    domains = [{"capabilities": "Email", "isDefault": False, "isInitial": True,
                "name": INITIAL_DOMAIN, "type": "Managed"}]
    if tenant and tenant not in GUID_TENANTS:
        domains.insert(0, {"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": True,
                           "isInitial": False, "name": tenant, "type": "Managed"})
    return domains


# Healthy tenant: password sync 31 minutes ago, directory sync 12 minutes ago.
ORG_OK = {
    "id": ORG_ID,
    "onPremisesSyncEnabled": True,
    "onPremisesLastSyncDateTime": Ago(12 * MIN),
    "onPremisesLastPasswordSyncDateTime": Ago(31 * MIN),
}

FEATURES_OK = {"passwordSyncEnabled": True}

# The beta configuration (documented example of onPremisesDirectorySynchronization, with our
# server's names): the sync client's version, server, service account and intervals.
CONFIG_OK = {
    "accidentalDeletionPrevention": {"synchronizationPreventionType": "enabledForCount",
                                     "alertThreshold": 500},
    "synchronizationInterval": "PT30M",
    "customerRequestedSynchronizationInterval": "PT30M",
    "anchorAttribute": "mS-DS-ConsistencyGuid",
    "applicationId": "cb1056e2-e479-49de-ae31-7812af012ed8",
    "synchronizationClientVersion": "2.4.129.0",
    "currentExportData": {
        "pendingObjectsAddition": 0, "pendingObjectsDeletion": 0, "pendingObjectsUpdate": 3,
        "successfulLinksProvisioningCount": 0, "successfulObjectsProvisioningCount": 0,
        "clientMachineName": "AADC-SYNC01", "serviceAccount": "Sync_AADC-SYNC01_1@contoso.onmicrosoft.com",
        "totalConnectorSpaceObjects": 1234},
    "writebackConfiguration": None,
}


APP_OBJECT_ID = "4c6a2f0e-8d1b-4e7a-9c3f-5b2d1e0a9f87"


def password_credential(name, hint, end, key_id, start=Ago(300 * DAY)):
    """A passwordCredential as Graph lists it: the secret itself (secretText) only ever comes
    back from addPassword, so it is null here; customKeyIdentifier is "Do not use"."""
    return {"customKeyIdentifier": None, "displayName": name, "endDateTime": end, "hint": hint,
            "keyId": key_id, "secretText": None, "startDateTime": start}


def in_days(days):
    """An end date `days` ahead, two minutes more, so the age the plugin sees rounds to days."""
    return Ago(-(days * DAY + 2 * MIN))


def app(*secrets):
    """The application entity with these passwordCredentials (and no certificate)."""
    return {"id": APP_OBJECT_ID, "displayName": "check_password_sync monitoring",
            "passwordCredentials": list(secrets), "keyCredentials": []}


# The app registration: the secret in use (its hint is the secret's), valid 200 more days, and
# an older one of another hint that the check must not mistake for it.
SECRET_IN_USE = password_credential("monitoring", SECRET_HINT, in_days(200),
                                    "8a3cd6f2-0b1c-4d5e-8f90-123456789abc")
SECRET_OTHER = password_credential("backup", "Xk9", in_days(2),
                                   "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b")
APP_OK = app(SECRET_IN_USE, SECRET_OTHER)


def in_use(**changes):
    c = dict(SECRET_IN_USE)
    c.update(changes)
    return c


def org(**changes):
    o = dict(ORG_OK)
    o.update(changes)
    return o


INSUFFICIENT = "Insufficient privileges to complete the operation."

HTML_PORTAL = (
    "<!DOCTYPE html>\n<html><head><title>Guest Wi-Fi | Sign in</title></head>\n"
    "<body><h1>Welcome</h1><p>Please accept the terms of use to continue.</p>\n"
    "<form method=\"post\" action=\"/portal/accept\"><input type=\"submit\" value=\"Accept\"></form>\n"
    "</body></html>\n"
)

HTML_503 = (
    "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n"
    "<body><h1>Service Unavailable</h1><p>The service is temporarily overloaded.</p></body></html>\n"
)

AAD_500 = AadError(
    500, "temporarily_unavailable", 90033,
    "AADSTS90033: A transient error has occurred. Please try again.")

GRAPH_500 = Reply(500, {"error": {"code": "generalException",
                                  "message": "General exception while processing."}})

THROTTLED_MESSAGE = "Please retry again later."

# The 2 MiB answer: a valid batch whose organization entity carries a huge (ignored) field.
OVERSIZED_PAD = 2 * 1024 * 1024

# --- hostile servers: literal bodies -------------------------------------------------------

# Big enough that its gzip (about 8 KiB) expands far past the plugin's 1 MiB cap.
GZIP_BOMB_PAD = 8 * 1024 * 1024
DEEP = 300000  # nesting depth of the deeply nested scenarios (600 KB of brackets)


def _iso(now, seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(now) - seconds - 1))


def _org_members(now, enabled="true", tenant=""):
    return ('"id":"%s","verifiedDomains":%s,"onPremisesSyncEnabled":%s,'
            '"onPremisesLastSyncDateTime":"%s","onPremisesLastPasswordSyncDateTime":"%s"'
            % (ORG_ID, json.dumps(verified_domains(tenant)), enabled, _iso(now, 12 * MIN),
               _iso(now, 31 * MIN)))


def _batch(org_subs, sync_features='{"passwordSyncEnabled":true}'):
    # The application answers too (asked for when the credential is a client secret), listing
    # no secret; an extra sub-response is ignored when it was not asked for.
    subs = list(org_subs) + [
        '{"id":"sync","status":200,"headers":{},"body":{"value":[{"id":"%s","features":%s}]}}'
        % (ORG_ID, sync_features),
        '{"id":"app","status":200,"headers":{},"body":{"passwordCredentials":[]}}']
    return '{"responses":[%s]}' % ",".join(subs)


def _org_sub(entity, status="200"):
    return '{"id":"org","status":%s,"headers":{},"body":{"value":[%s]}}' % (status, entity)


def deep_nesting_ok(now, tenant=""):
    """A valid answer whose organization carries an ignored member nested DEEP levels."""
    entity = "{%s,\"x\":%s%s}" % (_org_members(now, tenant=tenant), "[" * DEEP, "]" * DEEP)
    return _batch([_org_sub(entity)])


def deep_nesting_unclosed(now, tenant=""):
    return '{"responses":[{"id":"org","status":200,"body":' + "[{\"a\":" * (DEEP // 2)


def duplicate_keys(now, tenant=""):
    """onPremisesSyncEnabled twice: true, then false. Parsers disagree on which one counts."""
    entity = "{%s,\"onPremisesSyncEnabled\":false}" % _org_members(now, tenant=tenant)
    return _batch([_org_sub(entity)])


def duplicate_ids(now, tenant=""):
    """Two sub-responses with the id "org": a healthy one and one saying sync is disabled."""
    return _batch([_org_sub("{%s}" % _org_members(now)),
                   _org_sub("{%s}" % _org_members(now, "false"))])


def status_overflow(now, tenant=""):
    return _batch([_org_sub("{%s}" % _org_members(now), status="18446744073709551616")])


def status_too_big_for_double(now, tenant=""):
    return _batch([_org_sub("{%s}" % _org_members(now), status="1e400")])


# Raw bytes: an escaped NUL, '|', an ANSI escape, CR LF, a line separator and invalid UTF-8.
HOSTILE_TEXT = (b"Bad\\u0000secret | \\u001b[31mred\\u001b[0m \xff\xfe\xc0\xaf \xe2\x80\xa8 "
                b"\xed\xa0\x80 tail\\r\\nTrace ID: 1")

TOKEN_ERROR_HOSTILE = (b'{"error":"invalid_client","error_description":"AADSTS7000215: '
                       + HOSTILE_TEXT + b'","error_codes":[7000215]}')

GRAPH_ERROR_HOSTILE = (b'{"responses":[{"id":"org","status":403,"headers":{},"body":{"error":'
                       b'{"code":"Authorization_RequestDenied|\\u0000","message":"'
                       + HOSTILE_TEXT + b'"}}},{"id":"sync","status":200,"headers":{},'
                       b'"body":{"value":[{"features":{"passwordSyncEnabled":true}}]}}]}')


def http_date_in(seconds):
    """A Retry-After HTTP date `seconds` after the request."""
    return lambda now: email.utils.formatdate(now + seconds, usegmt=True)


DEFAULTS = {
    "token": None,
    "org": ORG_OK,
    "sync": FEATURES_OK,
    "config": CONFIG_OK,
    "app": APP_OK,
    "reverse": False,
    "lacks": (),
    "batch": [{}],
    "steps_by": "token",
    "note": "",
}

SCENARIOS = {
    # --- healthy ---------------------------------------------------------------------------
    "ok": dict(note="enabled, password sync 31m ago, directory sync 12m ago, PHS enabled"),
    "ok-reversed": dict(reverse=True, note="as ok, sub-responses in reverse order"),
    "ok-fractional": dict(
        org=org(onPremisesLastPasswordSyncDateTime=Ago(31 * MIN, "frac"),
                onPremisesLastSyncDateTime=Ago(12 * MIN, "frac-offset")),
        note="as ok, password time with 7-digit fraction and Z, directory time with fraction and +02:00"),
    "ok-future": dict(
        org=org(onPremisesLastPasswordSyncDateTime=Ago(-5 * MIN),
                onPremisesLastSyncDateTime=Ago(-2 * MIN, "offset")),
        note="both timestamps minutes in the future (clock skew): age 0"),

    "ok-skew-14m": dict(
        org=org(onPremisesLastPasswordSyncDateTime=Ago(-14 * MIN)),
        note="password sync 14 minutes in the future (within the tolerated skew): age 0"),
    "future-password": dict(
        org=org(onPremisesLastPasswordSyncDateTime=Ago(-10 * DAY)),
        note="password sync 10 days in the future (this host's clock is behind)"),
    "future-dirsync-9999": dict(
        org=org(onPremisesLastSyncDateTime="9999-12-31T23:59:59Z"),
        note="directory sync at the latest instant ISO 8601 can write"),

    # --- verdicts --------------------------------------------------------------------------
    "feature-403": dict(
        sync=graph_error_sub(403, "Authorization_RequestDenied", INSUFFICIENT),
        note="sync sub-request 403 Authorization_RequestDenied, timestamps fresh"),
    "sync-client-null": dict(
        config=dict(CONFIG_OK, synchronizationClientVersion=None, currentExportData=None,
                    synchronizationInterval=None, customerRequestedSynchronizationInterval=None),
        note="as ok, the sync client's version, export data and intervals null"),
    "sync-client-missing": dict(config=ABSENT,
                                note="as ok, no configuration in the answer (as in v1.0)"),
    "sync-client-partial": dict(
        config={"currentExportData": {"clientMachineName": "AADC-SYNC02"},
                "customerRequestedSynchronizationInterval": "PT1H"},
        org=org(onPremisesLastSyncDateTime=Ago(4 * DAY + 2 * HOUR)),
        note="only the server name and the requested interval; directory sync 4d2h ago"),
    "phs-null": dict(sync={"passwordSyncEnabled": None},
                     note="features.passwordSyncEnabled null (nullable in the schema), timestamps fresh"),
    "wrong-tenant": dict(
        org=org(verifiedDomains=[{"capabilities": "Email", "isDefault": True, "isInitial": True,
                                  "name": INITIAL_DOMAIN, "type": "Managed"}]),
        note="healthy, but the organization's verified domains do not include the tenant "
             "(a token for another tenant, as a managed identity always gets its own)"),
    "cloud-no-password-time": dict(
        lacks=("onPremisesLastPasswordSyncDateTime",),
        note="as ok, but the organization in this cloud's schema has no "
             "onPremisesLastPasswordSyncDateTime (400 when selected)"),
    "cloud-no-password-time-stale": dict(
        lacks=("onPremisesLastPasswordSyncDateTime",),
        org=org(onPremisesLastSyncDateTime=Ago(4 * DAY + 2 * HOUR)),
        note="as cloud-no-password-time, directory sync 4d2h ago"),
    "phs-disabled": dict(sync={"passwordSyncEnabled": False},
                         note="features.passwordSyncEnabled false, timestamps fresh"),
    "stale-password": dict(
        org=org(onPremisesLastPasswordSyncDateTime=Ago(4 * DAY + 2 * HOUR)),
        note="password sync 4d2h ago, directory sync 12m ago"),
    "stale-dirsync": dict(
        org=org(onPremisesLastSyncDateTime=Ago(4 * DAY + 2 * HOUR)),
        note="password sync 31m ago, directory sync 4d2h ago"),
    "very-stale": dict(
        org=org(onPremisesLastPasswordSyncDateTime=Ago(8 * DAY),
                onPremisesLastSyncDateTime=Ago(8 * DAY)),
        note="both 8 days ago"),
    "dirsync-disabled": dict(
        org=org(onPremisesSyncEnabled=False,
                onPremisesLastPasswordSyncDateTime=Ago(40 * DAY),
                onPremisesLastSyncDateTime=Ago(40 * DAY)),
        note="onPremisesSyncEnabled false (switched off 40 days ago)"),
    "never-synced": dict(
        org=org(onPremisesSyncEnabled=None, onPremisesLastPasswordSyncDateTime=None,
                onPremisesLastSyncDateTime=None),
        sync={"passwordSyncEnabled": False},
        note="cloud-only tenant: onPremisesSyncEnabled null, both timestamps null"),
    "null-password": dict(org=org(onPremisesLastPasswordSyncDateTime=None),
                          note="sync enabled, onPremisesLastPasswordSyncDateTime null"),
    "missing-password": dict(org=org(onPremisesLastPasswordSyncDateTime=ABSENT),
                             note="sync enabled, onPremisesLastPasswordSyncDateTime key absent"),
    "null-dirsync": dict(org=org(onPremisesLastSyncDateTime=None),
                         note="sync enabled, onPremisesLastSyncDateTime null"),

    # --- token endpoint errors -------------------------------------------------------------
    "aadsts-7000215": dict(
        token=AadError(401, "invalid_client", 7000215,
                       "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent "
                       "in the request is the client secret value, not the client secret ID, for a "
                       "secret added to app '{client_id}'."),
        note="401 invalid_client AADSTS7000215 (wrong secret)"),
    "aadsts-7000222": dict(
        token=AadError(401, "invalid_client", 7000222,
                       "AADSTS7000222: The provided client secret keys for app '{client_id}' are "
                       "expired. Visit the Azure portal to create new keys for your app: "
                       "https://aka.ms/NewClientSecret, or consider using certificate credentials "
                       "for added security: https://aka.ms/certCreds."),
        note="401 invalid_client AADSTS7000222 (secret expired)"),
    "aadsts-90002": dict(
        token=AadError(400, "invalid_tenant", 90002,
                       "AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the "
                       "correct tenant ID and are signing into the correct cloud. Check with your "
                       "subscription administrator, this may happen if there are no active "
                       "subscriptions for the tenant."),
        note="400 invalid_tenant AADSTS90002 (tenant not found)"),
    "aadsts-700016": dict(
        token=AadError(400, "unauthorized_client", 700016,
                       "AADSTS700016: Application with identifier '{client_id}' was not found in "
                       "the directory '{tenant}'. This can happen if the application has not been "
                       "installed by the administrator of the tenant or consented to by any user "
                       "in the tenant. You may have sent your authentication request to the wrong "
                       "tenant."),
        note="400 unauthorized_client AADSTS700016 (application not found)"),
    # A documented code the plugin has no hint for (reference-error-codes.md:
    # InvalidClientPublicClientWithCredential, an app registered as a public client); its error
    # is invalid_client as Entra's answers quoted in public reports show.
    "aadsts-700025": dict(
        token=AadError(401, "invalid_client", 700025,
                       "AADSTS700025: Client is public so neither 'client_assertion' nor "
                       "'client_secret' should be presented."),
        note="401 invalid_client AADSTS700025 (public client; a code without a hint)"),
    "token-500": dict(token=AAD_500, note="token endpoint 500 (AADSTS90033 body)"),
    # Retry-After values are whole seconds (RFC 9110 delay-seconds, 1*DIGIT), as Graph and the
    # token endpoint send them; the plugin also reads the fractional form of Graph's throttling
    # sample ("2.128"), which the unit tests of lib/retry cover.
    "token-503": dict(
        token=Reply(503, HTML_503, headers={"Retry-After": "1"}, content_type="text/html"),
        note="token endpoint always 503 with Retry-After: 1"),
    "token-html": dict(token=Reply(200, HTML_PORTAL, content_type="text/html; charset=utf-8"),
                       note="token endpoint 200 text/html (captive portal)"),
    "token-redirect": dict(
        token=Reply(302, HTML_PORTAL, headers={"Location": "https://127.0.0.1:9/portal/login"},
                    content_type="text/html"),
        note="token endpoint 302 to a portal"),
    "token-bad-json": dict(
        token=Reply(200, '{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAiOiJKV1Q',
                    content_type="application/json; charset=utf-8"),
        note="token endpoint 200 with truncated JSON"),
    "short-token": dict(token={"expires_in": 301},
                        note="as ok, tokens expire in 301 s (reusable for 1 s with the 5-minute margin)"),
    "token-slow": dict(token={"delay": 30}, note="token endpoint waits 30 s before answering"),
    "token-6s": dict(token={"delay": 6}, note="token endpoint waits 6 s before answering"),
    "token-3s": dict(token={"delay": 3}, note="token endpoint waits 3 s before answering"),
    "token-slow-once": dict(token=[{"delay": 30}, None],
                            note="the tenant's first token request waits 30 s, later ones answer "
                                 "at once"),

    # --- Graph errors ----------------------------------------------------------------------
    "graph-403": dict(org=graph_error_sub(403, "Authorization_RequestDenied", INSUFFICIENT),
                      note="organization sub-request 403 Authorization_RequestDenied"),
    "graph-401": dict(
        batch=[{"whole": GraphError(401, "InvalidAuthenticationToken",
                                    "Access token validation failure. Invalid audience.")}],
        note="whole $batch 401 InvalidAuthenticationToken"),
    "graph-401-once": dict(
        steps_by="tenant",
        batch=[{}, {"whole": GraphError(401, "InvalidAuthenticationToken",
                                        "Lifetime validation failed, the token is expired.")}, {}],
        note="second $batch of the tenant 401 InvalidAuthenticationToken (a revoked token), "
             "every other normal"),
    "graph-403-first-token": dict(
        steps_by="token_number",
        batch=[{"org": graph_error_sub(403, "Authorization_RequestDenied",
                                       "Insufficient privileges to complete the operation.")},
               {}],
        note="the tenant's first access token gets 403 on the organization (issued before admin "
             "consent); later tokens work"),
    "graph-401-always": dict(
        steps_by="tenant",
        batch=[{}, {"whole": GraphError(401, "InvalidAuthenticationToken",
                                        "Lifetime validation failed, the token is expired.")}],
        note="first $batch of the tenant normal, every later one 401 InvalidAuthenticationToken"),
    "batch-429-then-ok": dict(
        batch=[{"org": graph_error_sub(429, "TooManyRequests", THROTTLED_MESSAGE,
                                       headers={"Retry-After": "1"})}, {}],
        note="first $batch: organization sub-response 429 Retry-After 1; then normal"),
    "batch-429-forever": dict(
        batch=[{"org": graph_error_sub(429, "TooManyRequests", THROTTLED_MESSAGE,
                                       headers={"Retry-After": "30"})}],
        note="organization sub-response always 429 Retry-After 30"),
    "graph-500": dict(batch=[{"whole": GRAPH_500}], note="whole $batch 500 generalException"),
    "graph-503-then-ok": dict(
        batch=[{"whole": GraphError(503, "serviceNotAvailable",
                                    "Service is temporarily unavailable. Please retry later.",
                                    headers={"Retry-After": "1"})}, {}],
        note="first $batch 503 Retry-After 1, then normal"),
    "graph-html": dict(batch=[{"whole": Reply(200, HTML_PORTAL, content_type="text/html")}],
                       note="$batch 200 text/html (captive portal)"),
    "graph-bad-json": dict(
        batch=[{"whole": Reply(200, '{"responses":[{"id":"org","status":200,"body":{"value":[{"onPrem',
                               content_type="application/json")}],
        note="$batch 200 with truncated JSON"),
    "graph-wrong-type": dict(
        org=org(onPremisesSyncEnabled="yes", onPremisesLastPasswordSyncDateTime=1764148632,
                onPremisesLastSyncDateTime=1764150000),
        note="onPremisesSyncEnabled \"yes\", timestamps as numbers"),
    "graph-empty-value": dict(
        org=Sub(200, {"@odata.context": "https://graph.microsoft.com/beta/$metadata#organization",
                      "value": []}),
        note="organization value: []"),
    "graph-bad-date": dict(
        org=org(onPremisesLastPasswordSyncDateTime="2026-13-45T25:61:00Z",
                onPremisesLastSyncDateTime="yesterday"),
        note="timestamps that are not dates"),
    "graph-oversized": dict(org=org(pad="x" * OVERSIZED_PAD),
                            note="a valid $batch answer of 2 MiB"),
    "graph-redirect": dict(
        batch=[{"whole": Reply(307, "", headers={"Location": "https://127.0.0.1:9/beta/$batch"})}],
        note="$batch 307 to another host"),
    "graph-slow": dict(batch=[{"delay": 30}], note="$batch waits 30 s before answering"),

    # --- retry policy ----------------------------------------------------------------------
    "graph-504-then-ok": dict(
        batch=[{"whole": GraphError(504, "gatewayTimeout", "The gateway timed out.")}, {}],
        note="first $batch 504 without Retry-After (backoff with jitter), then normal"),
    "graph-429-date-then-ok": dict(
        batch=[{"whole": Reply(429, {"error": {"code": "TooManyRequests",
                                               "message": THROTTLED_MESSAGE}},
                               headers={"Retry-After": http_date_in(2)})}, {}],
        note="first $batch 429 with Retry-After as an HTTP date 2 s ahead, then normal"),
    "graph-429-forever": dict(
        batch=[{"whole": Reply(429, {"error": {"code": "TooManyRequests",
                                               "message": THROTTLED_MESSAGE}},
                               headers={"Retry-After": "1"})}],
        note="whole $batch always 429 Retry-After 1: three attempts, then given up"),
    "graph-400": dict(
        batch=[{"whole": GraphError(400, "BadRequest", "Invalid request.")}],
        note="whole $batch 400 BadRequest (never retried)"),
    "graph-424-then-ok": dict(
        batch=[{"whole": Reply(424, {"error": {"code": "TooManyRequests",
                                               "message": THROTTLED_MESSAGE}},
                               headers={"Retry-After": "1"})}, {}],
        note="first $batch fails whole with 424 (throttling) Retry-After 1, then normal"),
    "graph-503-forever": dict(
        batch=[{"whole": GraphError(503, "serviceNotAvailable",
                                    "Service is temporarily unavailable. Please retry later.",
                                    headers={"Retry-After": "1"})}],
        note="whole $batch always 503 (JSON body) Retry-After 1"),
    "graph-503-retry-after-6": dict(
        batch=[{"whole": GraphError(503, "serviceNotAvailable",
                                    "Service is temporarily unavailable. Please retry later.",
                                    headers={"Retry-After": "6"})}, {}],
        note="first $batch 503 Retry-After 6 (longer than the plugin waits), then normal"),
    "graph-503-retry-after-4": dict(
        batch=[{"whole": GraphError(503, "serviceNotAvailable",
                                    "Service is temporarily unavailable. Please retry later.",
                                    headers={"Retry-After": "4"})}, {}],
        note="first $batch 503 Retry-After 4, then normal"),
    "graph-403-batch": dict(
        batch=[{"whole": GraphError(403, "Authorization_RequestDenied",
                                    "Insufficient privileges to complete the operation.")}],
        note="whole $batch 403 Authorization_RequestDenied"),
    "batch-503-forever": dict(
        batch=[{"org": graph_error_sub(503, "serviceNotAvailable", "Service unavailable.",
                                       headers={"Retry-After": "1"})}],
        note="organization sub-response always 503 Retry-After 1"),
    "feature-throttled-forever": dict(
        batch=[{"sync": graph_error_sub(429, "TooManyRequests", THROTTLED_MESSAGE,
                                        headers={"Retry-After": "1"})}],
        note="feature-flag sub-response always 429 Retry-After 1; organization normal"),
    "batch-503-then-ok": dict(
        batch=[{"org": graph_error_sub(503, "serviceNotAvailable", "Service unavailable.",
                                       headers={"Retry-After": "1"})}, {}],
        note="first $batch: organization sub-response 503 Retry-After 1; then normal"),
    "batch-504-then-ok": dict(
        batch=[{"sync": graph_error_sub(504, "gatewayTimeout", "The gateway timed out.")}, {}],
        note="first $batch: sync sub-response 504 without Retry-After; then normal"),
    "batch-retry-after-huge": dict(
        batch=[{"org": graph_error_sub(429, "TooManyRequests", THROTTLED_MESSAGE,
                                       headers={"Retry-After": "1e400"})}, {}],
        note="organization sub-response 429 with an unreadable Retry-After 1e400 (backoff); then normal"),
    "token-503-then-ok": dict(
        token=[Reply(503, HTML_503, headers={"Retry-After": "1"}, content_type="text/html"), None],
        note="token endpoint 503 Retry-After 1 once, then a token"),
    "token-429-then-ok": dict(
        token=[AadError(429, "temporarily_unavailable", 50196,
                        "AADSTS50196: The server terminated an operation because it encountered a "
                        "client request loop."), None],
        note="token endpoint 429 once (no Retry-After: backoff), then a token"),
    "token-504-then-ok": dict(
        token=[Reply(504, "", content_type="text/plain"), None],
        note="token endpoint 504 with an empty body once, then a token"),

    # --- hostile servers -------------------------------------------------------------------
    "hostile-trickle-token": dict(token={"delivery": "trickle"},
                                  note="token answer trickled one byte every 0.25 s"),
    "hostile-trickle-batch": dict(batch=[{"delivery": "trickle"}],
                                  note="$batch answer trickled one byte every 0.25 s"),
    "hostile-cut-short": dict(batch=[{"delivery": "cut-short"}],
                              note="$batch body cut off at half its Content-Length, then closed"),
    "hostile-token-cut-short": dict(token={"delivery": "cut-short"},
                                    note="token body cut off at half its Content-Length"),
    "hostile-short-length": dict(batch=[{"delivery": "short-length"}],
                                 note="$batch body longer than its Content-Length (which cuts the JSON)"),
    "hostile-smuggle": dict(token={"delivery": "smuggle"},
                            note="token answer followed by an unasked-for $batch answer saying "
                                 "sync is disabled"),
    "hostile-gzip-bomb": dict(org=org(pad="x" * GZIP_BOMB_PAD), batch=[{"delivery": "gzip"}],
                              note="gzip $batch answer of 8 KiB expanding to 8 MiB"),
    "hostile-gzip-ok": dict(batch=[{"delivery": "gzip"}], note="a normal $batch answer, gzip-encoded"),
    "hostile-chunked-endless": dict(batch=[{"delivery": "chunked-endless"}],
                                    note="chunked $batch answer that never sends its last chunk"),
    "hostile-chunked-unterminated": dict(
        batch=[{"delivery": "chunked-unterminated"}],
        note="chunked $batch answer closed after half the body, without the last chunk"),
    "hostile-deep-nesting": dict(
        batch=[{"whole": Reply(200, deep_nesting_ok, content_type="application/json")}],
        note="valid $batch answer with an ignored member nested 300000 levels deep"),
    "hostile-deep-nesting-unclosed": dict(
        batch=[{"whole": Reply(200, deep_nesting_unclosed, content_type="application/json")}],
        note="$batch answer of 150000 unclosed nested objects and arrays"),
    "hostile-duplicate-keys": dict(
        batch=[{"whole": Reply(200, duplicate_keys, content_type="application/json")}],
        note="organization with onPremisesSyncEnabled twice (true, then false)"),
    "hostile-duplicate-ids": dict(
        batch=[{"whole": Reply(200, duplicate_ids, content_type="application/json")}],
        note="two sub-responses with id org: healthy, and sync disabled"),
    "hostile-status-overflow": dict(
        batch=[{"whole": Reply(200, status_overflow, content_type="application/json")}],
        note="sub-response status 18446744073709551616 (above any integer type)"),
    "hostile-number-too-big": dict(
        batch=[{"whole": Reply(200, status_too_big_for_double, content_type="application/json")}],
        note="sub-response status 1e400 (above any double)"),
    "hostile-token-expires-huge": dict(
        token=Reply(200, '{"token_type":"Bearer","expires_in":1e308,"access_token":"eyJhbGciOi"}',
                    content_type="application/json"),
        note="token expires_in 1e308"),
    "hostile-token-error-bytes": dict(
        token=Reply(401, TOKEN_ERROR_HOSTILE, content_type="application/json; charset=utf-8"),
        note="AADSTS error description with NUL, '|', ANSI escape, CR LF and invalid UTF-8"),
    "hostile-graph-error-bytes": dict(
        batch=[{"whole": Reply(200, GRAPH_ERROR_HOSTILE, content_type="application/json")}],
        note="organization 403 whose code and message hold NUL, '|', escapes and invalid UTF-8"),
    "hostile-token-empty-200": dict(token=Reply(200, b"", content_type="application/json"),
                                    note="token endpoint 200 with an empty body"),
    "hostile-batch-empty-200": dict(batch=[{"whole": Reply(200, b"", content_type="application/json")}],
                                    note="$batch 200 with an empty body"),
    "hostile-portal-json-lookalike": dict(
        token=Reply(200, '{"token_type":"Bearer","expires_in":3599,"access_token":"eyJhbGciOi"}',
                    content_type="text/html; charset=utf-8"),
        note="token endpoint 200 text/html whose body looks like a token"),
    "hostile-silent-token": dict(token={"delivery": "silence"},
                                 note="token endpoint reads the request and never answers"),
    "hostile-silent-batch": dict(batch=[{"delivery": "silence"}],
                                 note="$batch request read, never answered"),
    "hostile-reset-token": dict(token={"delivery": "reset"},
                                note="token answer: headers and half the body, then a TCP reset"),
    "hostile-reset-batch": dict(batch=[{"delivery": "reset"}],
                                note="$batch answer: headers and half the body, then a TCP reset"),
}

# The plugin's own client secret, from the app's passwordCredentials (Application.Read.All).
SCENARIOS.update({
    "app-secret-expiring": dict(
        app=app(in_use(endDateTime=in_days(10)), SECRET_OTHER),
        note="the client secret in use expires in 10 days"),
    "app-secret-critical": dict(
        app=app(in_use(endDateTime=in_days(5)), SECRET_OTHER),
        note="the client secret in use expires in 5 days"),
    "app-secret-expired": dict(
        app=app(in_use(endDateTime=Ago(2 * DAY)), SECRET_OTHER),
        note="the client secret in use expired 2 days ago (its token still arrives, as a cached "
             "one would)"),
    "app-secret-same-hint": dict(
        app=app(in_use(displayName="new", endDateTime=in_days(700)),
                password_credential("old", SECRET_HINT, in_days(20),
                                    "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901"),
                SECRET_OTHER),
        note="two secrets begin like the one in use: 'new' (700 days) and 'old' (20 days)"),
    "app-secret-same-hint-reversed": dict(
        app=app(in_use(displayName="new", endDateTime=in_days(700)),
                password_credential("old", SECRET_HINT, in_days(20),
                                    "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901")),
        reverse=True,
        note="as app-secret-same-hint, the application's sub-response first (within -vvv's "
             "excerpt of the answer)"),
    "app-secret-no-end": dict(
        app=app(in_use(endDateTime=None), SECRET_OTHER),
        note="the client secret in use has endDateTime null"),
    "app-secret-end-missing": dict(
        app=app({k: v for k, v in SECRET_IN_USE.items() if k != "endDateTime"}, SECRET_OTHER),
        note="the client secret in use has no endDateTime member"),
    "app-secret-no-name": dict(
        app=app(in_use(displayName=None, endDateTime=in_days(10))),
        note="the client secret in use has no description (displayName null), 10 days left"),
    "app-secret-no-match": dict(
        app=app(SECRET_OTHER, password_credential(None, None, in_days(1),
                                                  "3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b")),
        note="no listed secret has the hint of the one in use (one has hint null)"),
    "app-403": dict(
        app=graph_error_sub(403, "Authorization_RequestDenied", INSUFFICIENT),
        note="application sub-response 403: the app lacks Application.Read.All"),
    "app-404": dict(
        app=None,
        note="no application of the token's app ID in this tenant (a multi-tenant app)"),
})

# Client assertion checks (see assertions.py): a healthy tenant whose token endpoint sees the
# assertion changed in transit, or runs 20 minutes ahead of the client's clock, or ten days ahead
# (a certificate with 5 days left is past its notAfter there: AADSTS1000502, before the
# assertion's own times are looked at).
SCENARIOS.update({
    "assertion-tampered": dict(assertion_tamper=True,
                               note="one byte of the assertion's signature flipped in transit"),
    "assertion-clock-ahead": dict(assertion_clock=20 * 60,
                                  note="the token endpoint's clock is 20 minutes ahead"),
    "assertion-clock-10d-ahead": dict(
        assertion_clock=10 * 86400,
        note="the token endpoint's clock is 10 days ahead: a certificate with fewer days left "
             "is outside its validity window there (AADSTS1000502)"),
})


# Leaks: servers echoing what must stay secret, and tokens unfit for a header.
MALFORMED_TOKENS = {"crlf": "eyJ0eXAi.abc\r\nX-Injected: 1", "space": "eyJ0eXAi abc",
                    "control": "eyJ0eXAi\x01abc", "quote": 'eyJ0eXAi"abc'}
SCENARIOS.update({
    "leak-token-echoes-secret": dict(
        token=EchoSecret(),
        note="token endpoint 401 whose error_description echoes the client secret raw, "
             "percent-encoded and JSON-escaped"),
    "leak-token-escaped": dict(
        token={"escaped": True},
        note="token answer written with the key access\\u005ftoken and a token holding '/' "
             "written as \\/"),
    "leak-org-echoes-authorization": dict(
        org=graph_error_sub(400, "BadRequest", "Invalid request header {authorization}."),
        note="organization sub-response 400 whose message echoes the Authorization header"),
    "leak-sync-echoes-authorization": dict(
        sync=graph_error_sub(400, "BadRequest", "Invalid request header {authorization}."),
        note="feature-flag sub-response 400 whose message echoes the Authorization header"),
    "hostile-many-headers": dict(batch=[{"delivery": "many-headers"}],
                                 note="$batch answer with 100 KB of header lines"),
    "hostile-giant-header-line": dict(batch=[{"delivery": "giant-header-line"}],
                                      note="$batch answer with one header line of 200 KB"),
    "hostile-bad-status-line": dict(batch=[{"delivery": "bad-status-line"}],
                                    note="$batch answer whose status line has no status code"),
    "token-429-forever": dict(
        token=Reply(429, {"error": "temporarily_unavailable"}, headers={"Retry-After": "1"}),
        note="token endpoint always 429 Retry-After 1 without an error_description"),
})
SCENARIOS.update({
    "malformed-token-" + name: dict(
        token={"access_token": token},
        note="token answer whose access_token holds %s" % name)
    for name, token in MALFORMED_TOKENS.items()})


def scenario_name(tenant):
    """The scenario a tenant names: the part before the first dot, or a GUID_TENANTS entry."""
    if tenant.lower() in GUID_TENANTS:
        return GUID_TENANTS[tenant.lower()]
    return tenant.split(".", 1)[0]


def get(tenant):
    """The scenario for a tenant (defaults filled in), or None if it names none."""
    s = SCENARIOS.get(scenario_name(tenant))
    if s is None:
        return None
    full = dict(DEFAULTS)
    full.update(s)
    return full
