# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of the plugin's own client secret running out: the app's passwordCredentials
in the same $batch (matched by hint, the earliest of several), the thresholds and their
perfdata, 403 and 404 on the application, a missing end date, a warm check that reads
everything in one HTTPS request, and both thresholds 0, which leaves the application out of the
$batch. (Certificates: test_credentials.py.)"""

from harness import (APP_URL, OK_SUMMARY, ORG_URL, Registry, SYNC_URL, cache_dir, expect,
                     expect_counts, expect_no_perf, fail)

tests = Registry()
test, scenario_test = tests.test, tests.scenario_test

DAY = 86400
W30D, C7D = "2592000:", "604800:"


def expect_left(res, days, warn=W30D, crit=C7D):
    """credential_expires_in about `days` days (the scenarios add two minutes; the run takes
    some seconds), with the thresholds as ranges that alert below."""
    perf = res.perf().get("credential_expires_in")
    if perf is None:
        fail("perfdata credential_expires_in missing%s" % res.describe())
    want = days * DAY + 120
    if not (want - 30 - res.elapsed <= perf["value"] <= want + 5) or perf["uom"] != "s":
        fail("credential_expires_in=%s%s, expected about %ds%s"
             % (perf["value"], perf["uom"], want, res.describe()))
    if (perf["warn"], perf["crit"], perf["min"]) != (warn, crit, "0"):
        fail("credential_expires_in thresholds %r;%r;%r, expected %s;%s;0%s"
             % (perf["warn"], perf["crit"], perf["min"], warn, crit, res.describe()))


@test("secret-expiry-healthy-in-the-same-batch")
def _(ctx):
    """A healthy secret changes nothing on line 1; its end date is a detail line and perfdata;
    the application is one more sub-request of the one $batch, naming the client ID."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant)
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "credential: client secret 'monitoring' (secret ID "
           "8a3cd6f2-0b1c-4d5e-8f90-123456789abc) expires ",
           "; warning below 30d, critical below 7d)", line1=False)
    expect_left(res, 200)
    expect_counts(ctx, tenant, res, token=1, batch=1, requests=2)
    batch = [e for e in ctx.sim.log_of(tenant) if e["kind"] == "batch"][0]
    if batch["urls"] != [ORG_URL, SYNC_URL, APP_URL]:
        fail("$batch URLs %r, expected %r%s" % (batch["urls"], [ORG_URL, SYNC_URL, APP_URL],
                                                res.describe()))
    if "'backup'" in res.text:  # expires in 2 days, but is not the secret in use
        fail("another secret of the app was judged%s" % res.describe())


scenario_test("secret-expiring-warning", "app-secret-expiring", "WARNING",
              "client secret 'monitoring' expires in 10d (")
scenario_test("secret-expiring-critical", "app-secret-critical", "CRITICAL",
              "client secret 'monitoring' expires in 5d (",
              whole_output=("renew it: Microsoft Entra admin center > App registrations",))
scenario_test("secret-expired-critical", "app-secret-expired", "CRITICAL",
              "client secret 'monitoring' expired 2d ago (")


@test("secret-expiry-perfdata")
def _(ctx):
    expect_left(ctx.run("app-secret-expiring"), 10)
    res = ctx.run("app-secret-expired")
    value = res.perf()["credential_expires_in"]["value"]
    if not -2 * DAY - 10 - res.elapsed <= value <= -2 * DAY:
        fail("credential_expires_in=%s, expected about -172800 (expired)%s"
             % (value, res.describe()))


@test("secret-expiry-thresholds")
def _(ctx):
    res = ctx.run("app-secret-expiring", "--credential-warning", "9d",
                  "--credential-critical", "1d")
    expect(res, "OK", OK_SUMMARY)
    expect_left(res, 10, warn="777600:", crit="86400:")
    res = ctx.run("app-secret-expiring", "--credential-critical=2w")
    expect(res, "CRITICAL", "client secret 'monitoring' expires in 10d")
    expect_left(res, 10, crit="1209600:")


@test("secret-same-hint-earliest")
def _(ctx):
    res = ctx.run("app-secret-same-hint")
    expect(res, "WARNING", "client secret 'old' expires in 20d (", absent=("'new'",))
    expect(res, "WARNING", "credential: 2 of the app's client secrets begin like the secret in "
           "use; judging the one that expires first", line1=False)
    expect_left(res, 20)


for _name, _scenario in [("secret-end-null", "app-secret-no-end"),
                         ("secret-end-missing", "app-secret-end-missing")]:
    scenario_test(_name, _scenario, "OK", OK_SUMMARY, no_perf=("credential_expires_in",),
                  whole_output=("credential: client secret 'monitoring' has no end date",))

scenario_test("secret-without-description", "app-secret-no-name", "WARNING",
              "client secret 8a3cd6f2 expires in 10d (")
scenario_test("secret-no-hint-matches", "app-secret-no-match", "OK", OK_SUMMARY,
              no_perf=("credential_expires_in",),
              whole_output=("credential: none of the app's 2 listed client secrets has a hint "
                            "matching the secret in use; its end date is not checked",))
scenario_test("secret-403-names-application-read-all", "app-403", "OK", OK_SUMMARY,
              no_perf=("credential_expires_in",),
              whole_output=("credential: the client secret's end date not readable (HTTP 403 "
                            "Authorization_RequestDenied: Insufficient privileges to complete the "
                            "operation.): grant Application.Read.All to check it",))
scenario_test("secret-404-app-in-another-tenant", "app-404", "OK", OK_SUMMARY,
              no_perf=("credential_expires_in",),
              whole_output=("credential: the client secret's end date not readable (HTTP 404 "
                            "Request_ResourceNotFound: ",
                            "): the app is not registered in this tenant (a multi-tenant app: its "
                            "secrets are in its home tenant; watch them there, and "
                            "--credential-warning 0 --credential-critical 0 stops asking here)"))


OFF = ("--credential-warning", "0", "--credential-critical", "0")


def batch_urls(ctx, tenant):
    return [e["urls"] for e in ctx.sim.log_of(tenant) if e["kind"] == "batch"]


@test("secret-expiry-off-not-asked")
def _(ctx):
    """Both thresholds 0 (an MSP watching the secret in its home tenant): the $batch leaves the
    application out, even for a secret that has expired, and -v says why; a warm check stays one
    HTTPS request."""
    tenant, cache = ctx.unique("app-secret-expired"), cache_dir(ctx)
    res = ctx.run(tenant, "-v", *OFF, cache=cache)
    expect(res, "OK", OK_SUMMARY, absent=("client secret",))
    expect(res, "OK", "credential expiry: the client secret's end date not read: "
           "--credential-warning and --credential-critical are both 0",
           "checked: Graph beta organization and directory/onPremisesSynchronization in one "
           "$batch\n", line1=False, absent=("expired 2d ago", "HTTP 404"))
    expect_no_perf(res, "credential_expires_in")
    expect_counts(ctx, tenant, res, token=1, batch=1, requests=2)
    res = ctx.run(tenant, "-vv", *OFF, cache=cache)
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "1 HTTPS requests", line1=False)
    expect_counts(ctx, tenant, res, token=1, batch=2, requests=3)
    if batch_urls(ctx, tenant) != [[ORG_URL, SYNC_URL], [ORG_URL, SYNC_URL]]:
        fail("$batch URLs %r, expected organization and sync only%s"
             % (batch_urls(ctx, tenant), res.describe()))


@test("secret-expiry-off-in-a-customer-tenant")
def _(ctx):
    """The MSP's case: where the application answers 404, the reading switched off asks nothing
    and says nothing of a 404."""
    tenant = ctx.unique("app-404")
    res = ctx.run(tenant, *OFF)
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", line1=False, absent=("HTTP 404", "not registered"))
    expect_no_perf(res, "credential_expires_in")
    if batch_urls(ctx, tenant) != [[ORG_URL, SYNC_URL]]:
        fail("$batch URLs %r%s" % (batch_urls(ctx, tenant), res.describe()))


@test("secret-expiry-one-threshold-0-still-asked")
def _(ctx):
    """Only one threshold 0 keeps the other alert, and so the application sub-request."""
    for args, state, crit in ((("--credential-warning", "0"), "CRITICAL", C7D),
                              (("--credential-critical", "0"), "CRITICAL", "0:")):
        tenant = ctx.unique("app-secret-expired")
        res = ctx.run(tenant, *args)
        expect(res, state, "client secret 'monitoring' expired 2d ago (")
        if res.perf()["credential_expires_in"]["crit"] != crit:
            fail("credential_expires_in crit %r, expected %r%s"
                 % (res.perf()["credential_expires_in"]["crit"], crit, res.describe()))
        if batch_urls(ctx, tenant) != [[ORG_URL, SYNC_URL, APP_URL]]:
            fail("$batch URLs %r, expected the application too%s"
                 % (batch_urls(ctx, tenant), res.describe()))


@test("secret-expiry-with-stale-sync-worst-first")
def _(ctx):
    """A secret WARNING next to a sync CRITICAL: the worse comes first, the other after it."""
    res = ctx.run("app-secret-expiring", "-c", "10m")
    expect(res, "CRITICAL", "password sync 31m ago (critical above 10m)",
           "client secret 'monitoring' expires in 10d (")
    if res.summary.index("password sync") > res.summary.index("client secret"):
        fail("the sync's CRITICAL should come before the secret's WARNING%s" % res.describe())


@test("secret-hint-never-shown")
def _(ctx):
    """Graph's hint is three characters of the secret: no line shows it, at any verbosity."""
    res = ctx.run("app-secret-same-hint-reversed", "-vvv")
    expect(res, "WARNING", "client secret 'old' expires in 20d (")
    # -vvv shows the start of the $batch answer: the application's sub-response, hint redacted.
    expect(res, "WARNING", '"hint":"[redacted]"', line1=False)
    hint = ctx.secret[:3]
    for line in res.lines:
        if ("hint" in line.lower() and hint in line) or ("'%s'" % hint) in line:
            fail("a line shows the secret's hint: %r%s" % (line, res.describe()))


@test("warm-check-all-readings-one-request")
def _(ctx):
    """With the token cached, the organization, the sync features and the app's secrets come
    in one $batch: one HTTPS request."""
    tenant, cache = ctx.unique("app-secret-expiring"), cache_dir(ctx)
    first = ctx.run(tenant, cache=cache)
    expect(first, "WARNING", "client secret 'monitoring' expires in 10d")
    expect_counts(ctx, tenant, first, token=1, batch=1, requests=2)
    second = ctx.run(tenant, "-vv", cache=cache)
    expect(second, "WARNING", "client secret 'monitoring' expires in 10d")
    expect(second, "WARNING", "password hash sync: enabled", "sync client: Entra Connect",
           "1 HTTPS requests", line1=False)
    expect_counts(ctx, tenant, second, token=1, batch=2, requests=3)
    batch = [e for e in ctx.sim.log_of(tenant) if e["kind"] == "batch"][-1]
    if batch["urls"] != [ORG_URL, SYNC_URL, APP_URL]:
        fail("warm $batch URLs %r%s" % (batch["urls"], second.describe()))
