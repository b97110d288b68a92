# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of the plugin's own credential running out, for the kinds the credentials
suite sets up: certificates made now with 5 and 20 days left (read locally, no request for
them; with both thresholds 0 shown but not judged), one that expired 2 days ago (CRITICAL without
a token request), a year-long one, and the kinds where nothing expires (managed identity,
federated token). The client secret's end date, read from Graph, is in plugin_credential_expiry.py."""

import hashlib
import os
import ssl
import time

from harness import (APP_URL, CLIENT_ID, OK_SUMMARY, ORG_URL, Registry, SYNC_URL, cache_dir,
                     expect, expect_counts, fail)

tests = Registry()
test = tests.test

DAY = 86400


def expect_certificate_left(res, days):
    """credential_expires_in just under `days` days: the certificate was made a moment ago."""
    perf = res.perf().get("credential_expires_in")
    if perf is None:
        fail("perfdata credential_expires_in missing%s" % res.describe())
    if not days * DAY - 600 <= perf["value"] <= days * DAY or perf["uom"] != "s":
        fail("credential_expires_in=%s%s, expected just under %ds%s"
             % (perf["value"], perf["uom"], days * DAY, res.describe()))
    if (perf["warn"], perf["crit"], perf["min"]) != ("2592000:", "604800:", "0"):
        fail("credential_expires_in thresholds %r;%r;%r%s"
             % (perf["warn"], perf["crit"], perf["min"], res.describe()))


def batch_urls(ctx, tenant):
    return [e["urls"] for e in ctx.sim.log_of(tenant) if e["kind"] == "batch"]


@test("cert-expiring-5d-critical")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("expiring-5d.pem"), secret=None)
    expect(res, "CRITICAL", "certificate 'CN=check_password_sync test expiring-5d' expires in "
           "4d23h (")
    expect(res, "CRITICAL", "credential: certificate 'CN=check_password_sync test expiring-5d' "
           "(SHA-1 thumbprint ", "; warning below 30d, critical below 7d)",
           "renew it: Microsoft Entra admin center", line1=False)
    expect_certificate_left(res, 5)


@test("cert-expiring-20d-warning")
def _(ctx):
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("expiring-20d.pem"), secret=None)
    # The whole name would make line 1 longer than 100 characters: the short form, the name in
    # the detail line.
    expect(res, "WARNING", "certificate expires in 19d23h (")
    expect(res, "WARNING", "credential: certificate 'CN=check_password_sync test expiring-20d'",
           line1=False)
    expect_certificate_left(res, 20)
    res = ctx.run(ctx.unique("ok"), "--certificate", ctx.cred("expiring-20d.pem"),
                  "--credential-warning", "14d", secret=None)
    expect(res, "OK", OK_SUMMARY)


@test("cert-expiry-off-shown-not-judged")
def _(ctx):
    """Both thresholds 0: a certificate with 5 days left raises nothing, yet its end date, read
    from the file at no cost, keeps its detail line and perfdata (without ranges)."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("expiring-5d.pem"), "--credential-warning",
                  "0", "--credential-critical", "0", secret=None)
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "credential: certificate 'CN=check_password_sync test expiring-5d' "
           "(SHA-1 thumbprint ", "(in 4d23h; no alert: --credential-warning and "
           "--credential-critical are 0)", line1=False, absent=("renew it",))
    perf = res.perf().get("credential_expires_in")
    if perf is None or not 5 * DAY - 600 <= perf["value"] <= 5 * DAY:
        fail("credential_expires_in %r, expected just under 432000s%s" % (perf, res.describe()))
    if (perf["warn"], perf["crit"], perf["min"]) != ("", "", "0"):
        fail("credential_expires_in thresholds %r;%r;%r, expected ;;0%s"
             % (perf["warn"], perf["crit"], perf["min"], res.describe()))
    if batch_urls(ctx, tenant) != [[ORG_URL, SYNC_URL]]:
        fail("$batch URLs %r%s" % (batch_urls(ctx, tenant), res.describe()))


@test("cert-expired-critical-without-token-request")
def _(ctx):
    """A cold cache and a certificate that expired 2 days ago: CRITICAL from its own notAfter,
    with how to renew it, and no token request (Entra would refuse it with AADSTS1000502, which
    the simulator answers for it as for any certificate outside its validity window). Both
    thresholds 0 change nothing: they only warn ahead."""
    end = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 2 * DAY))
    for extra in ([], ["--credential-warning", "0", "--credential-critical", "0"]):
        tenant = ctx.unique("ok")
        res = ctx.run(tenant, "--certificate", ctx.cred("expired-2d.pem"), *extra, secret=None)
        expect(res, "CRITICAL", "PASSWORD_SYNC CRITICAL - the certificate 'CN=check_password_sync "
               "test expired-2d' (SHA-1 thumbprint ", ") expired 2d ago (%s); renew it: "
               "Microsoft Entra admin center > App registrations > the app > Certificates & "
               "secrets, then give the plugin the new one" % end, absent=("AADSTS",))
        if res.rc != 2:
            fail("exit code %s, expected 2%s" % (res.rc, res.describe()))
        expect_counts(ctx, tenant, res, token=0, batch=0)
        if any(e["kind"] == "token" for e in ctx.sim.log_of(tenant)):
            fail("a token request was sent for an expired certificate%s" % res.describe())


def cache_key(ctx, tenant, crt):
    """The token cache file name of the certificate in `crt` (lib/token_cache's key: SHA-256 of
    the length-prefixed authority, tenant, client ID, credential identity and scope)."""
    with open(crt) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    identity = "certificate:sha256:" + hashlib.sha256(der).hexdigest().upper()
    text = "check_password_sync token cache v1"
    for field in (ctx.sim.url, tenant, CLIENT_ID, identity, ctx.sim.url + "/.default"):
        text += "%d:%s" % (len(field.encode()), field)
    return hashlib.sha256(text.encode()).hexdigest()


@test("cert-expired-cached-token-judged-by-verdict")
def _(ctx):
    """While a cached token lasts the expired certificate is judged by the verdict as before:
    CRITICAL with its detail line, and nothing with both thresholds 0; no token request. The
    cached token is the year-long certificate's, filed under the expired one's cache key (it
    stands for a token fetched before the certificate expired)."""
    tenant, cache = ctx.unique("ok"), cache_dir(ctx)
    res = ctx.run(tenant, "--certificate", ctx.cred("client.pem"), secret=None, cache=cache)
    expect(res, "OK", OK_SUMMARY)
    written = cache_key(ctx, tenant, ctx.cred("client.crt")) + ".token"
    if sorted(n for n in os.listdir(cache) if n.endswith(".token")) != [written]:
        fail("token cache holds %r, expected %s%s" % (os.listdir(cache), written, res.describe()))
    os.rename(os.path.join(cache, written),
              os.path.join(cache, cache_key(ctx, tenant, ctx.cred("expired-2d.crt")) + ".token"))
    expired = ("--certificate", ctx.cred("expired-2d.pem"))
    res = ctx.run(tenant, *expired, secret=None, cache=cache)
    expect(res, "CRITICAL", "certificate 'CN=check_password_sync test expired-2d' expired 2d ago (")
    expect(res, "CRITICAL", "renew it: Microsoft Entra admin center", line1=False)
    res = ctx.run(tenant, *expired, "--credential-warning", "0", "--credential-critical", "0",
                  secret=None, cache=cache)
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "no alert: --credential-warning and --credential-critical are 0",
           line1=False)
    expect_counts(ctx, tenant, res, token=1, batch=3)


@test("cert-validity-window-refused-by-entra")
def _(ctx):
    """A certificate this host finds valid (5 days left) but the token endpoint, its clock 10
    days ahead, finds expired: Entra's AADSTS1000502 with its hint, UNKNOWN (the plugin cannot
    tell which clock is right)."""
    tenant = ctx.unique("assertion-clock-10d-ahead")
    res = ctx.run(tenant, "--certificate", ctx.cred("expiring-5d.pem"), secret=None)
    expect(res, "UNKNOWN", "token request rejected: AADSTS1000502 (invalid_client): Entra says "
           "the certificate is outside its validity window: check its notBefore and notAfter, "
           "and this host's clock (NTP); Entra: The provided certificate is not within its "
           "specified validity window.")
    expect_counts(ctx, tenant, res, token=1, batch=0)


@test("cert-healthy-read-locally")
def _(ctx):
    """A year-long certificate: OK, its end date in a detail line and perfdata, and Graph is not
    asked for the app's secrets (a certificate's end date is in its file)."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant, "--certificate", ctx.cred("client.pem"), secret=None)
    expect(res, "OK", OK_SUMMARY)
    expect(res, "OK", "credential: certificate 'CN=check_password_sync test client'",
           line1=False)
    expect_certificate_left(res, 365)
    expect_counts(ctx, tenant, res, token=1, batch=1, requests=2)
    if batch_urls(ctx, tenant) != [[ORG_URL, SYNC_URL]]:
        fail("$batch URLs %r, expected organization and sync only%s"
             % (batch_urls(ctx, tenant), res.describe()))


@test("secret-expiry-read-from-graph")
def _(ctx):
    """The client secret's end date comes from the same $batch (see plugin_credential_expiry)."""
    tenant = ctx.unique("ok")
    res = ctx.run(tenant)
    expect(res, "OK", OK_SUMMARY)
    if batch_urls(ctx, tenant) != [[ORG_URL, SYNC_URL, APP_URL]]:
        fail("$batch URLs %r%s" % (batch_urls(ctx, tenant), res.describe()))


@test("nothing-expires-managed-identity-and-federated")
def _(ctx):
    """-v says why nothing is judged; no perfdata for it and no application sub-request."""
    vm = ctx.sim.identity_url + "/vm/"
    for args, env, why in (
            (["--managed-identity"], {"AZURE_POD_IDENTITY_AUTHORITY_HOST": vm}, "Azure rotates"),
            (["--federated-token-file", ctx.cred("federated-token")], {},
             "renewed by its issuer")):
        tenant = ctx.unique("ok")
        if "AZURE_POD_IDENTITY_AUTHORITY_HOST" in env:
            env = {"AZURE_POD_IDENTITY_AUTHORITY_HOST": vm + tenant}
        res = ctx.run(tenant, "-v", *args, secret=None, env=env)
        expect(res, "OK", OK_SUMMARY)
        expect(res, "OK", "credential expiry: nothing to check: ", why, line1=False)
        if "credential_expires_in" in res.perf():
            fail("perfdata for a credential that does not expire%s" % res.describe())
        if batch_urls(ctx, tenant) != [[ORG_URL, SYNC_URL]]:
            fail("$batch URLs %r%s" % (batch_urls(ctx, tenant), res.describe()))
