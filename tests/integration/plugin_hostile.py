# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests against hostile servers: malformed tokens, broken HTTP (headers,
status lines, lengths, chunking, gzip bombs), hostile JSON, silent, trickling and resetting
peers. Every one ends in the right state within -t plus the slack (the output property)."""

from harness import DEFAULT_TIMEOUT, OK_SUMMARY, Registry, expect, expect_counts, fail

tests = Registry()
test = tests.test


def malformed_token_test(name):
    def fn(ctx):
        tenant = ctx.unique("malformed-token-" + name)
        res = ctx.run(tenant, "-vvv")
        expect(res, "UNKNOWN", "malformed access token from the token endpoint 127.0.0.1:%d"
               % ctx.sim.port)
        expect_counts(ctx, tenant, res, token=1, batch=0)
        if "X-Injected" in res.text:
            fail("the injected header shows in the output%s" % res.describe())
    tests.add("malformed-token-" + name, fn)


for _name in ("crlf", "space", "control", "quote"):
    malformed_token_test(_name)

# hostile servers: every one ends in the right state within -t plus 1 s (the property)

def hostile_test(name, scenario, state, *substrings, t=None, absent=(), **counts):
    def fn(ctx):
        tenant = ctx.unique(scenario)
        extra = ("-t", t) if t else ()
        res = ctx.run(tenant, *extra, timeout=float(t.split(":")[0]) if t else DEFAULT_TIMEOUT)
        expect(res, state, *substrings, absent=absent)
        if counts:
            expect_counts(ctx, tenant, res, **counts)
    tests.add(name, fn)


# A connection was made: the answer was bad, the host was reachable.
INVALID = "invalid answer from 127.0.0.1:"
for _name in ("many-headers", "giant-header-line", "bad-status-line"):
    hostile_test("hostile-" + _name, "hostile-" + _name, "UNKNOWN", INVALID,
                 absent=("cannot reach", "Out of memory"), batch=1)

TIMED_OUT_2S = "timed out after 2s"
LOST = "lost the connection to 127.0.0.1:"
hostile_test("hostile-trickle-token", "hostile-trickle-token", "CRITICAL", TIMED_OUT_2S, t="2",
             batch=0)
hostile_test("hostile-trickle-batch", "hostile-trickle-batch", "CRITICAL", TIMED_OUT_2S, t="2")
hostile_test("hostile-trickle-batch-timeout-state", "hostile-trickle-batch", "WARNING",
             TIMED_OUT_2S, t="2:WARNING")
hostile_test("hostile-cut-short", "hostile-cut-short", "CRITICAL", LOST, batch=1)
hostile_test("hostile-token-cut-short", "hostile-token-cut-short", "CRITICAL", LOST, batch=0)
hostile_test("hostile-longer-than-content-length", "hostile-short-length", "UNKNOWN",
             "unexpected answer from 127.0.0.1:", "invalid JSON")
hostile_test("hostile-smuggled-answer-ignored", "hostile-smuggle", "OK", OK_SUMMARY,
             absent=("disabled",), token=1, batch=1)
hostile_test("hostile-gzip-bomb", "hostile-gzip-bomb", "UNKNOWN", "larger than 1024 KiB", batch=1)
hostile_test("hostile-gzip-ok", "hostile-gzip-ok", "OK", OK_SUMMARY)
hostile_test("hostile-chunked-endless", "hostile-chunked-endless", "CRITICAL", TIMED_OUT_2S,
             t="2")
hostile_test("hostile-chunked-unterminated", "hostile-chunked-unterminated", "CRITICAL", LOST)
hostile_test("hostile-deep-nesting", "hostile-deep-nesting", "OK", OK_SUMMARY)
hostile_test("hostile-deep-nesting-unclosed", "hostile-deep-nesting-unclosed", "UNKNOWN",
             "invalid JSON")
hostile_test("hostile-duplicate-keys", "hostile-duplicate-keys", "UNKNOWN",
             "names 'onPremisesSyncEnabled' twice")
hostile_test("hostile-duplicate-ids", "hostile-duplicate-ids", "UNKNOWN", "holds 'org' twice")
hostile_test("hostile-status-overflow", "hostile-status-overflow", "UNKNOWN",
             "unexpected answer from", "without id or status")
hostile_test("hostile-number-too-big", "hostile-number-too-big", "UNKNOWN", "invalid JSON")
hostile_test("hostile-token-expires-huge", "hostile-token-expires-huge", "UNKNOWN",
             "unexpected answer from", batch=0)
hostile_test("hostile-token-error-bytes", "hostile-token-error-bytes", "UNKNOWN",
             "token request rejected: AADSTS7000215 (invalid_client): ", "; Entra: Bad", "red",
             absent=("Trace ID",))
hostile_test("hostile-graph-error-bytes", "hostile-graph-error-bytes", "UNKNOWN",
             "Organization.Read.All", "Authorization_RequestDenied")
hostile_test("hostile-token-empty-200", "hostile-token-empty-200", "UNKNOWN",
             "unexpected answer from", batch=0)
hostile_test("hostile-batch-empty-200", "hostile-batch-empty-200", "UNKNOWN",
             "unexpected answer from")
hostile_test("hostile-portal-json-lookalike", "hostile-portal-json-lookalike", "UNKNOWN",
             "text/html", batch=0)
hostile_test("hostile-silent-token", "hostile-silent-token", "CRITICAL", TIMED_OUT_2S, t="2",
             batch=0)
hostile_test("hostile-silent-batch", "hostile-silent-batch", "UNKNOWN", TIMED_OUT_2S,
             t="2:UNKNOWN")
hostile_test("hostile-reset-token", "hostile-reset-token", "CRITICAL", LOST, batch=0)
hostile_test("hostile-reset-batch", "hostile-reset-batch", "CRITICAL", LOST)


@test("hostile-accepts-never-answers")
def _(ctx):
    """A TCP peer that accepts and never starts TLS: the -t state after -t, nothing sent."""
    before = ctx.blackhole.accepted
    res = ctx.run("ok", "-t", "2", authority=ctx.blackhole.url, timeout=2)
    expect(res, "CRITICAL", TIMED_OUT_2S)
    if ctx.blackhole.accepted <= before:
        fail("the plugin never connected to the silent peer%s" % res.describe())
