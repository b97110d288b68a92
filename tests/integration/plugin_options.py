# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of options and inputs: the secret from a file, the environment's tenant,
client and authority, and usage errors (UNKNOWN, nothing sent)."""

from harness import CLIENT_ID, OK_SUMMARY, Registry, expect, expect_counts, expect_summary_prefix

tests = Registry()
test = tests.test


@test("secret-from-file")
def _(ctx):
    """--client-secret-file (trailing newline ignored) instead of the environment."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, secret="file")
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=1)


@test("env-tenant-client-authority")
def _(ctx):
    """-T, -C and --authority-host from AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_AUTHORITY_HOST."""
    tenant = ctx.unique("ok")
    res = ctx.run(None, "--graph-endpoint", ctx.sim.url, "--ca-file", ctx.ca, "--no-token-cache",
                  base=False, env={"AZURE_TENANT_ID": tenant, "AZURE_CLIENT_ID": CLIENT_ID,
                                   "AZURE_AUTHORITY_HOST": ctx.sim.url})
    expect(res, "OK", OK_SUMMARY)
    expect_counts(ctx, tenant, res, token=1, batch=1)


# usage errors: UNKNOWN, and nothing is sent

def usage_test(name, *extra, secret="env", tenant=True, env=None):
    def fn(ctx):
        t = ctx.unique("ok") if tenant else None
        res = ctx.run(t, *[a.replace("{dir}", ctx.dir) for a in extra], secret=secret, env=env)
        expect_summary_prefix(res, "UNKNOWN")
        expect(res, "UNKNOWN")
        if t is not None:
            expect_counts(ctx, t, res, requests=0)
    tests.add(name, fn)


usage_test("usage-bad-range", "-w", "abc")
usage_test("usage-range-start-above-end", "-w", "5d:1d")
usage_test("usage-bad-duration-unit", "--dirsync-critical", "3x")
usage_test("usage-missing-tenant", tenant=False)
usage_test("usage-bad-critical", "-c", "1d:2x")
usage_test("usage-missing-secret", secret=None)
usage_test("usage-secret-file-is-directory", "--client-secret-file", "{dir}", secret=None)
usage_test("usage-secret-file-missing", "--client-secret-file", "/nonexistent/secret",
           secret=None)
usage_test("usage-bad-password-sync", "--password-sync", "sometimes")
usage_test("usage-bad-timeout", "-t", "soon")
usage_test("usage-bad-timeout-state", "-t", "10:BOGUS")
usage_test("usage-unknown-option", "--frobnicate")


@test("usage-missing-client-id")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(None, "-T", tenant, "--authority-host", ctx.sim.url, "--graph-endpoint",
                  ctx.sim.url, "--ca-file", ctx.ca, "--no-token-cache", base=False)
    expect_summary_prefix(res, "UNKNOWN")
    expect_counts(ctx, tenant, res, requests=0)


@test("usage-secret-on-command-line-not-echoed")
def _(ctx):
    """No option takes a secret; one given anyway is refused and never echoed back."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--client-secret=" + ctx.secret, secret=None)
    expect(res, "UNKNOWN")
    expect_counts(ctx, tenant, res, requests=0)
