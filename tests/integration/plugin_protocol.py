# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of the conversation with Entra and Graph: the shape of a healthy check's
two requests, the token endpoint's and Graph's error answers, redirects, the retry policy
(429, 503, 504, Retry-After) and throttling."""

from harness import (APP_URL, CLIENT_ID, OK_SUMMARY, ORG_URL, Registry, SYNC_URL,
                     ends_without_waiting, expect, expect_counts, expect_none_of, fail)

tests = Registry()
test, scenario_test, counted_test = tests.test, tests.scenario_test, tests.counted_test


# token endpoint errors: a known code's hint comes before Microsoft's words
scenario_test("aadsts-7000215", "aadsts-7000215", "UNKNOWN",
              "token request rejected: AADSTS7000215 (invalid_client): give the plugin the "
              "client secret's Value, not its Secret ID (", "; Entra: Invalid client secret provided",
              absent=("Trace ID", "Correlation ID"))
scenario_test("aadsts-90002", "aadsts-90002", "UNKNOWN",
              "token request rejected: AADSTS90002 (invalid_tenant): check -T; a tenant in another "
              "Microsoft cloud needs --cloud; Entra: Tenant ", "not found",
              absent=("Trace ID",))
scenario_test("aadsts-700016", "aadsts-700016", "UNKNOWN",
              "token request rejected: AADSTS700016 (unauthorized_client): check -C against the "
              "app's Application (client) ID", "; Entra: ", "was not found in the directory",
              absent=("Trace ID",))


@test("aadsts-7000222-secret-expired")
def _(ctx):
    """An expired client secret, as Entra answers it (401 invalid_client, AADSTS7000222): the
    plugin can tell its own credential expired, so CRITICAL (exit 2), naming it, with the same
    "renew it" words as the warning before the end date, and Microsoft's words after."""
    res = ctx.run("aadsts-7000222", secret="file")
    expect(res, "CRITICAL",
           "PASSWORD_SYNC CRITICAL - the client secret has expired (AADSTS7000222); renew it: "
           "Microsoft Entra admin center > App registrations > the app > Certificates & secrets, "
           "then give the plugin the new one; Entra: The provided client secret keys for app '%s' "
           "are expired." % CLIENT_ID, absent=("Trace ID", "token request rejected"))
    if res.rc != 2:
        fail("exit code %s, expected 2%s" % (res.rc, res.describe()))
    expect_none_of(res, [ctx.secret], "the client secret")


@test("aadsts-unknown-code-no-hint")
def _(ctx):
    """A code without an entry in lib/entra_errors keeps the message it always had: UNKNOWN,
    the code, the error and Microsoft's first line, and no hint."""
    res = ctx.run("aadsts-700025")
    expect(res, "UNKNOWN", absent=("; Entra: ", "Trace ID"))
    want = ("PASSWORD_SYNC UNKNOWN - token request rejected: AADSTS700025 (invalid_client): "
            "Client is public so neither 'client_assertion' nor 'client_secret' should be "
            "presented.")
    if res.line1 != want:
        fail("line 1 is not %r%s" % (want, res.describe()))
    if res.rc != 3:
        fail("exit code %s, expected 3%s" % (res.rc, res.describe()))


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
    if got != {"org": ORG_URL, "sync": SYNC_URL, "app": APP_URL}:
        fail("$batch sub-requests %r, expected org=%s sync=%s app=%s%s"
             % (got, ORG_URL, SYNC_URL, APP_URL, res.describe()))


@test("wrong-secret")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, secret="definitely-not-the-secret")
    expect(res, "UNKNOWN", "AADSTS7000215", "invalid_client")
    expect_counts(ctx, tenant, res, token=1, batch=0)


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
    def run():
        tenant = ctx.unique("batch-429-forever")
        res = ctx.run(tenant, "-t", "20", timeout=20)
        if res.state not in ("UNKNOWN", "CRITICAL"):
            fail("expected UNKNOWN or CRITICAL, got %s%s" % (res.state, res.describe()))
        expect(res, res.state, "429")
        expect_counts(ctx, tenant, res, batch=1)
        return res

    # The wait it must not make: the rest of the 20 s, after the control's requests.
    ends_without_waiting("it should give up at once, not wait", run, lambda: never_retried(ctx),
                         lambda base: max(2.0, 20 - base.elapsed))


def never_retried(ctx, t="20"):
    """The control for a check that must not wait: a token and one $batch answered 400, which is
    never retried."""
    tenant = ctx.unique("graph-400")
    res = ctx.run(tenant, "-t", t, timeout=float(t))
    expect(res, "UNKNOWN", "HTTP 400")
    expect_counts(ctx, tenant, res, token=1, batch=1)
    return res


@test("graph-401")
def _(ctx):
    tenant = ctx.unique("graph-401")
    res = ctx.run(tenant)
    expect(res, "UNKNOWN", "InvalidAuthenticationToken")
    got = ctx.sim.stats(tenant)
    if got["batch"] > 2 or got["token"] > 2:
        fail("401 must not loop: %s%s" % (got, res.describe()))


@test("feature-throttled-forever")
def _(ctx):
    """The optional feature flag throttled until the rounds run out: judged by timestamps."""
    tenant = ctx.unique("feature-throttled-forever")
    res = ctx.run(tenant)
    expect(res, "OK", "password sync 31m ago", absent=("password hash sync enabled",))
    expect(res, "OK", "kept throttling", line1=False)
    expect_counts(ctx, tenant, res, token=1, batch=3)


@test("retry-after-6s-not-honoured")
def _(ctx):
    """The longest Retry-After honoured is 5 s: 6 s is not waited for, even with time left (4 s
    is: retry-after-4s-honoured below)."""
    def run():
        tenant = ctx.unique("graph-503-retry-after-6")
        res = ctx.run(tenant, "-t", "20", timeout=20)
        expect(res, "CRITICAL", "HTTP 503")
        expect_counts(ctx, tenant, res, token=1, batch=1)
        return res

    ends_without_waiting("a 6 s Retry-After is not waited for", run, lambda: never_retried(ctx),
                         6)


# Checks told apart by what the simulator saw: the state and line-1 texts, and the counts of
# token, $batch and all requests. The retry policy: 429, 503 and 504 (whole or inside the batch)
# are retried within the deadline, other 4xx and 5xx never. gap: the least time between the
# first two tries (of the token request when there are more than one, else of the $batch);
# only: the one sub-request the retried $batch carries; t: the -t.
# name, scenario, state, line-1 texts, counted_test's keywords
COUNTED = (
    ("aadsts-no-graph-request", "aadsts-7000222", "CRITICAL", ("AADSTS7000222",),
     dict(token=1, batch=0, requests=1)),
    ("graph-503-then-ok", "graph-503-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.95, token=1, batch=2)),
    # Always 503: three attempts in all, then CRITICAL.
    ("token-503", "token-503", "CRITICAL", ("answered HTTP 503",), dict(token=3, batch=0)),
    ("token-redirect", "token-redirect", "CRITICAL", ("answered with a redirect (HTTP 302)",),
     dict(token=1, batch=0, requests=1)),
    ("graph-redirect", "graph-redirect", "CRITICAL", ("answered with a redirect (HTTP 307)",),
     dict(token=1, batch=1, requests=2)),
    ("retry-graph-424-throttled-batch", "graph-424-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.95, token=1, batch=2)),
    ("retry-graph-503-forever", "graph-503-forever", "CRITICAL",
     ("answered HTTP 503", "serviceNotAvailable"), dict(token=1, batch=3)),
    ("retry-batch-sub-503-forever", "batch-503-forever", "CRITICAL",
     ("HTTP 503", "serviceNotAvailable"), dict(token=1, batch=3)),
    ("retry-graph-504-backoff", "graph-504-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.09, token=1, batch=2)),
    ("retry-graph-429-http-date", "graph-429-date-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.9, token=1, batch=2)),
    # The longest Retry-After honoured is 5 s: 4 s is waited for (6 s is not, above).
    ("retry-after-4s-honoured", "graph-503-retry-after-4", "OK", (),
     dict(token=1, batch=2, gap=4)),
    ("retry-graph-429-capped-attempts", "graph-429-forever", "UNKNOWN", ("429",),
     dict(token=1, batch=3)),
    ("retry-graph-400-never", "graph-400", "UNKNOWN", ("HTTP 400",), dict(token=1, batch=1)),
    ("retry-graph-401-never", "graph-401", "UNKNOWN", ("InvalidAuthenticationToken",),
     dict(token=1, batch=1)),
    ("retry-graph-500-never", "graph-500", "CRITICAL", ("answered HTTP 500",),
     dict(token=1, batch=1)),
    ("retry-batch-503-sub", "batch-503-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.95, only="org", token=1, batch=2)),
    ("retry-batch-504-sub", "batch-504-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.09, only="sync", token=1, batch=2)),
    ("retry-batch-unreadable-retry-after", "batch-retry-after-huge", "OK", (OK_SUMMARY,),
     dict(only="org", token=1, batch=2)),
    ("retry-token-503", "token-503-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.95, token=2, batch=1)),
    ("retry-token-429", "token-429-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.09, token=2, batch=1)),
    ("retry-token-504", "token-504-then-ok", "OK", (OK_SUMMARY,),
     dict(gap=0.09, token=2, batch=1)),
    ("retry-token-500-never", "token-500", "CRITICAL", ("answered HTTP 500",),
     dict(token=1, batch=0)),
    ("retry-token-401-never", "aadsts-7000215", "UNKNOWN", ("AADSTS7000215",),
     dict(token=1, batch=0)),
    ("retry-token-400-never", "aadsts-90002", "UNKNOWN", ("AADSTS90002",),
     dict(token=1, batch=0)),
    ("throttled-token-endpoint", "token-429-forever", "UNKNOWN",
     ("kept throttling the token request (HTTP 429, 3 tries, last Retry-After 1)",),
     dict(token=3, batch=0)),
    ("throttled-batch-tries-counted", "graph-429-forever", "UNKNOWN",
     ("(HTTP 429 TooManyRequests: Please retry again later.; 3 tries, last Retry-After 1)",),
     dict(token=1, batch=3)),
    ("throttled-sub-request-deadline", "batch-429-forever", "UNKNOWN",
     ("; 1 try, last Retry-After 30, no time left before the deadline for another)",),
     dict(t=20, token=1, batch=1)),
)
for _name, _scenario, _state, _says, _keywords in COUNTED:
    counted_test(_name, _scenario, _state, *_says, **_keywords)
