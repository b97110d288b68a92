# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of what the plugin prints: the status line's length, support IDs and
troubleshooting links, -v to -vvv, and redaction of secrets, tokens and proxy passwords in
every spelling a server or libcurl may echo."""

import re
import secrets

from harness import OK_SUMMARY, Registry, expect, expect_counts, expect_none_of, fail

tests = Registry()
test = tests.test


GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@test("support-ids-graph-failure")
def _(ctx):
    """Each request carries a fresh client-request-id; a Graph failure shows request-id,
    client-request-id and date, as Microsoft support asks."""
    tenant = ctx.unique("graph-403")
    res = ctx.run(tenant)
    expect(res, "UNKNOWN", "Organization.Read.All")
    log = ctx.sim.log_of(tenant)
    ids = [e.get("client_request_id") for e in log if e["kind"] in ("token", "batch")]
    if len(ids) != 2 or not all(i and GUID.match(i) for i in ids) or ids[0] == ids[1]:
        fail("client-request-ids %s: expected two different GUIDs%s" % (ids, res.describe()))
    m = re.search(r"Graph support IDs: request-id ([0-9a-f-]{36}), client-request-id ([0-9a-f-]{36}), "
                  r"date \S", res.text)
    if not m or m.group(2) != ids[1]:
        fail("no Graph support line with the batch's client-request-id %s%s" % (ids[1], res.describe()))


@test("support-ids-entra-failure")
def _(ctx):
    tenant = ctx.unique("aadsts-7000215")
    res = ctx.run(tenant)
    expect(res, "UNKNOWN", "AADSTS7000215")
    sent = [e.get("client_request_id") for e in ctx.sim.log_of(tenant) if e["kind"] == "token"]
    m = re.search(r"Entra support IDs: trace_id ([0-9a-f-]{36}), correlation_id ([0-9a-f-]{36}), "
                  r"timestamp \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, client-request-id ([0-9a-f-]{36})",
                  res.text)
    if not m or len(sent) != 1 or m.group(2) != sent[0] or m.group(3) != sent[0]:
        fail("no Entra support line naming the sent client-request-id %s%s" % (sent, res.describe()))


@test("ok-has-no-support-ids")
def _(ctx):
    expect(ctx.run("ok"), "OK", OK_SUMMARY, absent=("support IDs",), line1=False)


@test("ok-has-no-troubleshooting-link")
def _(ctx):
    res = ctx.run("ok")
    expect(res, "OK", OK_SUMMARY, absent=("learn.microsoft.com",), line1=False)

@test("status-line-long-tenant")
def _(ctx):
    """A 253-character tenant changes nothing in line 1: the tenant is left to the detail lines."""
    for scenario, state in (("ok", "OK"), ("stale-password", "WARNING"), ("very-stale", "WARNING"),
                            ("null-dirsync", "WARNING")):
        tenant = scenario + "." + "t" * (252 - len(scenario))
        res = ctx.run(tenant)
        expect(res, state, absent=(tenant[:20],))
        if len(res.summary) > 100:
            fail("line 1 is %d characters%s" % (len(res.summary), res.describe()))


@test("verbose-vvv-redacted")
def _(ctx):
    """-vvv shows the requests but neither the secret nor the token (property check)."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "-vvv")
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "> POST %s/%s/oauth2/v2.0/token" % (ctx.sim.url, tenant),
           "> POST %s/beta/$batch" % ctx.sim.url, line1=False)
    expect_counts(ctx, tenant, res, token=1, batch=1)


@test("verbose-v-vv")
def _(ctx):
    """-v adds the settings, -vv each request's line and answer's status; neither shows a
    request's headers or body (-vvv), the secret or a token in any spelling."""
    levels = {"-v": ("credential: client secret from AZURE_CLIENT_SECRET",
                     "token endpoint {url}/{tenant}/oauth2/v2.0/token",
                     "Graph endpoint {url}/beta/$batch"),
              "-vv": ("> POST {url}/{tenant}/oauth2/v2.0/token", "< HTTP 200 application/json",
                      "> POST {url}/beta/$batch", "2 HTTPS requests")}
    for flag, shown in levels.items():
        tenant = ctx.unique("ok")
        res = ctx.run(tenant, flag)
        expect(res, "OK", OK_SUMMARY)
        expect(res, "OK", *[s.format(url=ctx.sim.url, tenant=tenant) for s in shown],
               line1=False, absent=("> Content-Type", "client_secret", "* Connected"))
        if flag == "-v":
            expect(res, "OK", line1=False, absent=("> POST", "< HTTP"))
        expect_none_of(res, [ctx.secret], "the client secret")
        expect_none_of(res, ctx.sim.call("GET", "/_sim/tokens?tenant=" + tenant)["tokens"],
                       "the access token")


@test("verbose-proxy-password-from-environment")
def _(ctx):
    """A proxy password in https_proxy (libcurl reads it) never reaches -vvv output."""
    password = "Pr0xy-" + secrets.token_hex(6)
    res = ctx.run("ok", "-vvv", "-t", "3", timeout=3,
                  env={"https_proxy": "http://monitor:%s@127.0.0.1:%d"
                                      % (password, ctx.closed_port)})
    expect(res, "CRITICAL")
    if password in res.text:
        fail("the proxy password appears in the output%s" % res.describe())


@test("leak-token-error-echoes-secret")
def _(ctx):
    """error_description quoting the secret raw, percent-encoded and JSON-escaped: every
    spelling is redacted, in the status line and in -vvv's copy of the answer."""
    for verbosity in ([], ["-vvv"]):
        res = ctx.run("leak-token-echoes-secret", *verbosity)
        expect(res, "UNKNOWN", "AADSTS7000215", "Invalid client secret provided: '[redacted]' "
               "(sent as [redacted], JSON [redacted])")
        expect_none_of(res, [ctx.secret], "the client secret")


@test("leak-vvv-escaped-token-answer")
def _(ctx):
    """A token answer written with the key access\\u005ftoken and '/' as \\/: -vvv shows
    the body, never the token."""
    tenant = ctx.unique("leak-token-escaped")
    res = ctx.run(tenant, "-vvv")
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", '"access\\u005ftoken"', "[redacted]", line1=False)
    issued = [t for t in ctx.sim.tokens() if "/" in t]
    if not issued:
        fail("the simulator issued no token with '/'%s" % res.describe())
    expect_none_of(res, issued, "the access token")


@test("leak-graph-organization-echoes-authorization")
def _(ctx):
    res = ctx.run("leak-org-echoes-authorization", "-v")
    expect(res, "UNKNOWN", "Graph refused the request for the organization",
           "Invalid request header Authorization: [redacted]")
    expect_none_of(res, ctx.sim.tokens(), "the access token")


@test("leak-graph-feature-flag-echoes-authorization")
def _(ctx):
    """The feature-flag sub-request's error becomes a detail line: redacted there too."""
    res = ctx.run("leak-sync-echoes-authorization")
    expect(res, "OK", "password sync 31m ago")
    expect(res, "OK", "Invalid request header Authorization: [redacted]", line1=False)
    expect_none_of(res, ctx.sim.tokens(), "the access token")


@test("leak-proxy-url-in-libcurl-error")
def _(ctx):
    """libcurl quotes a proxy URL it cannot parse ('#' or '/' in the password, a bad port):
    from --proxy or from the environment, the password never shows."""
    password = "Pa/ss#w0rd" + secrets.token_hex(4)
    bad_port = "Pw0rd" + secrets.token_hex(4)
    runs = [(password, ["--proxy", "http://monitor:%s@127.0.0.1:3128" % password], {}),
            (bad_port, ["--proxy", "http://monitor:%s@127.0.0.1:99999" % bad_port], {})]
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy"):
        runs.append((password, [], {name: "http://monitor:%s@127.0.0.1:3128" % password}))
    for secret, args, env in runs:
        for verbosity in ([], ["-vvv"]):
            res = ctx.run("ok", *(args + verbosity), env=env)
            expect(res, "UNKNOWN", "proxy URL", "[redacted]")
            expect_none_of(res, [secret, secret[4:]], "the proxy password")

