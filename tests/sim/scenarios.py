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
          a dict with "expires_in": N  a token that expires in N seconds (default 3599)
          Any Reply or AadError may carry `delay` and `delivery` (see below).
  org     the `organization` entity (dict, values may be Ago(...) or ABSENT), or a Sub(...)
          sub-response (error, odd body)
  sync    the `onPremisesDirectorySynchronization` features dict, or a Sub(...)
  reverse answer the batch's sub-responses in reverse order
  batch   a list of steps, one per $batch request made with the same access token (the last
          step repeats). A step is a dict:
            {}                          answer normally
            {"whole": Reply(...)}       replace the whole $batch answer
            {"org": Sub(...)}           replace one sub-response ("org" or "sync")
            {"delay": N}                wait N seconds, then answer the step normally
  steps_by "token" (default): each access token starts at the first step; "tenant": the steps
          count every $batch of the tenant, whatever token it carries (for the token cache:
          a token that works, then is rejected)
  note    one line for the catalogue (tests/README.md)

`delivery` names how the bytes of an answer are written (simulator.DELIVERIES). Today there
is only "normal" (one sendall of headers and body); hostile servers (trickling bytes, cut
bodies, never answering, resets, gzip bombs, chunked without end) are added as deliveries
plus scenarios that use them, without touching the request handling.
"""


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

# Healthy tenant: password sync 31 minutes ago, directory sync 12 minutes ago.
ORG_OK = {
    "id": ORG_ID,
    "onPremisesSyncEnabled": True,
    "onPremisesLastSyncDateTime": Ago(12 * MIN),
    "onPremisesLastPasswordSyncDateTime": Ago(31 * MIN),
}

FEATURES_OK = {"passwordSyncEnabled": True}


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

DEFAULTS = {
    "token": None,
    "org": ORG_OK,
    "sync": FEATURES_OK,
    "reverse": False,
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

    # --- verdicts --------------------------------------------------------------------------
    "feature-403": dict(
        sync=graph_error_sub(403, "Authorization_RequestDenied", INSUFFICIENT),
        note="sync sub-request 403 Authorization_RequestDenied, timestamps fresh"),
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
    "token-500": dict(token=AAD_500, note="token endpoint 500 (AADSTS90033 body)"),
    "token-503": dict(
        token=Reply(503, HTML_503, headers={"Retry-After": "0.1"}, content_type="text/html"),
        note="token endpoint always 503 with Retry-After: 0.1"),
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
    "graph-401-always": dict(
        steps_by="tenant",
        batch=[{}, {"whole": GraphError(401, "InvalidAuthenticationToken",
                                        "Lifetime validation failed, the token is expired.")}],
        note="first $batch of the tenant normal, every later one 401 InvalidAuthenticationToken"),
    "batch-429-then-ok": dict(
        batch=[{"org": graph_error_sub(429, "TooManyRequests", THROTTLED_MESSAGE,
                                       headers={"Retry-After": "0.2"})}, {}],
        note="first $batch: organization sub-response 429 Retry-After 0.2; then normal"),
    "batch-429-forever": dict(
        batch=[{"org": graph_error_sub(429, "TooManyRequests", THROTTLED_MESSAGE,
                                       headers={"Retry-After": "30"})}],
        note="organization sub-response always 429 Retry-After 30"),
    "graph-500": dict(batch=[{"whole": GRAPH_500}], note="whole $batch 500 generalException"),
    "graph-503-then-ok": dict(
        batch=[{"whole": GraphError(503, "serviceNotAvailable",
                                    "Service is temporarily unavailable. Please retry later.",
                                    headers={"Retry-After": "0.1"})}, {}],
        note="first $batch 503 Retry-After 0.1, then normal"),
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
}

# Client assertion checks (see assertions.py): a healthy tenant whose token endpoint sees the
# assertion changed in transit, or runs 20 minutes ahead of the client's clock.
SCENARIOS.update({
    "assertion-tampered": dict(assertion_tamper=True,
                               note="one byte of the assertion's signature flipped in transit"),
    "assertion-clock-ahead": dict(assertion_clock=20 * 60,
                                  note="the token endpoint's clock is 20 minutes ahead"),
})


def scenario_name(tenant):
    """The scenario a tenant names: the part before the first dot."""
    return tenant.split(".", 1)[0]


def get(tenant):
    """The scenario for a tenant (defaults filled in), or None if it names none."""
    s = SCENARIOS.get(scenario_name(tenant))
    if s is None:
        return None
    full = dict(DEFAULTS)
    full.update(s)
    return full
