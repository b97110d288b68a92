# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests of the verdict: healthy and stale tenants, disabled or never-run sync,
null and missing timestamps, clock faults, the sync client line, thresholds and their perfdata,
and the tenant check (-T against the organization's id and verified domains)."""

from harness import (AGE_OK_DIRSYNC, AGE_OK_PASSWORD, AGE_STALE, AGE_VERY_STALE, OK_PERF,
                     OK_SUMMARY, Registry, W3D, expect)

tests = Registry()
test, scenario_test = tests.test, tests.scenario_test


# healthy
scenario_test("ok", "ok", "OK", OK_SUMMARY, perf=OK_PERF)

SYNC_CLIENT = ("sync client: Entra Connect 2.4.129.0 on AADC-SYNC01 as "
               "Sync_AADC-SYNC01_1@contoso.onmicrosoft.com, every 30m")
scenario_test("sync-client", "ok", "OK", OK_SUMMARY, whole_output=(SYNC_CLIENT,),
              absent=("AADC-SYNC01",), perf=OK_PERF)
scenario_test("sync-client-null", "sync-client-null", "OK", OK_SUMMARY, perf=OK_PERF)
scenario_test("sync-client-missing", "sync-client-missing", "OK", OK_SUMMARY, perf=OK_PERF)
scenario_test("sync-client-partial", "sync-client-partial", "WARNING",
              "directory sync on AADC-SYNC02 4d2h ago (warning above 3d)",
              whole_output=("sync client: on AADC-SYNC02 (customer requested every 1h)",))


@test("sync-client-null-or-missing-no-line")
def _(ctx):
    for tenant in ("sync-client-null", "sync-client-missing"):
        res = ctx.run(tenant)
        expect(res, "OK", OK_SUMMARY, absent=("sync client:",), line1=False)



scenario_test("ok-reversed", "ok-reversed", "OK", OK_SUMMARY, perf=OK_PERF)
scenario_test("ok-fractional", "ok-fractional", "OK", OK_SUMMARY, perf=OK_PERF)
scenario_test("ok-future", "ok-future", "OK", "password hash sync enabled",
              perf={"password_sync_age": dict(age=0, tol=0), "dirsync_age": dict(age=0, tol=0)})
scenario_test("ok-skew-14m", "ok-skew-14m", "OK", "password sync 0s ago",
              perf={"password_sync_age": dict(age=0, tol=0)})

# a clock fault is named, never hidden as "0s ago"
scenario_test("future-password", "future-password", "UNKNOWN", "last password sync is ",
              "in the future: check this host's clock (NTP)", "directory sync 12m ago",
              no_perf=("password_sync_age",))
scenario_test("future-dirsync-9999", "future-dirsync-9999", "UNKNOWN", "last directory sync is ",
              "in the future: check this host's clock (NTP)",
              whole_output=("9999-12-31 23:59:59 UTC",), no_perf=("dirsync_age",))

# verdicts
scenario_test("feature-403", "feature-403", "OK", "password sync 31m ago",
              absent=("password hash sync enabled",),
              whole_output=("OnPremDirectorySynchronization.Read.All",), perf=OK_PERF)
scenario_test("phs-null", "phs-null", "OK", "password sync 31m ago",
              absent=("password hash sync enabled",),
              whole_output=("features.passwordSyncEnabled is null", "judged by timestamps"),
              perf=OK_PERF)
scenario_test("cloud-no-password-time-stale", "cloud-no-password-time-stale", "WARNING",
              "password sync time not in Graph, directory sync on AADC-SYNC01 4d2h ago",
              whole_output=("last password sync: not reported",), no_perf=("password_sync_age",),
              perf={"dirsync_age": dict(age=AGE_STALE, warn=W3D)})
scenario_test("phs-disabled", "phs-disabled", "CRITICAL",
              "password hash sync is disabled (passwordSyncEnabled is false)", perf=OK_PERF)
scenario_test("phs-disabled-ignored", "phs-disabled", "OK", "directory sync 12m ago",
              extra=("--password-sync", "ignore"), absent=("password hash sync is disabled",),
              perf={"dirsync_age": dict(age=AGE_OK_DIRSYNC, warn=W3D)})
PHS_HELP = "https://learn.microsoft.com/entra/identity/hybrid/connect/tshoot-connect-password-hash-synchronization"
DIRSYNC_HELP = "https://learn.microsoft.com/microsoft-365/enterprise/fix-problems-with-directory-synchronization"
# Each sync's age is judged alike: past the warning age (3d) WARNING, with a link to its
# troubleshooting guide; past the critical age (4d here) CRITICAL; the other sync's perfdata stays
# that of a fresh sync. A row: the two test names (the first is also the scenario), their line-1
# texts, the guide line, the critical option, the sync's perfdata label, the other's label, age.
STALE = (
    ("stale-password", "stale-password-critical",
     "password sync 4d2h ago (warning above 3d)", "password sync 4d2h ago (critical above 4d)",
     "troubleshooting password hash sync: " + PHS_HELP, "-c",
     "password_sync_age", "dirsync_age", AGE_OK_DIRSYNC),
    ("stale-dirsync", "stale-dirsync-critical",
     "directory sync on AADC-SYNC01 4d2h ago (warning above 3d)",
     "directory sync on AADC-SYNC01 4d2h ago (critical above 4d)",
     "troubleshooting directory sync: " + DIRSYNC_HELP, "--dirsync-critical",
     "dirsync_age", "password_sync_age", AGE_OK_PASSWORD),
)
for _warning, _critical, _warns, _crits, _guide, _option, _label, _other, _other_age in STALE:
    scenario_test(_warning, _warning, "WARNING", _warns, whole_output=(_guide,),
                  perf={_label: dict(age=AGE_STALE, warn=W3D), _other: dict(age=_other_age)})
    scenario_test(_critical, _warning, "CRITICAL", _crits, extra=(_option, "4d"),
                  perf={_label: dict(age=AGE_STALE, warn=W3D, crit="345600")})
scenario_test("stale-password-below-critical", "stale-password", "WARNING",
              "(warning above 3d)", extra=("-c", "5d"),
              perf={"password_sync_age": dict(age=AGE_STALE, warn=W3D, crit="432000")})
scenario_test("stale-password-warning-raised", "stale-password", "OK", "password sync 4d2h ago",
              extra=("-w", "5d"),
              perf={"password_sync_age": dict(age=AGE_STALE, warn="432000")})
# Both explanations do not fit in 100 characters: the detail lines keep them.
scenario_test("very-stale", "very-stale", "WARNING",
              "password sync 8d ago, directory sync on AADC-SYNC01 8d ago",
              whole_output=("(8d ago; warning above 3d)",),
              perf={"password_sync_age": dict(age=AGE_VERY_STALE, warn=W3D, crit=""),
                    "dirsync_age": dict(age=AGE_VERY_STALE, warn=W3D, crit="")})
scenario_test("very-stale-critical", "very-stale", "CRITICAL", "(critical above 5d)",
              extra=("-c", "5d", "--dirsync-critical", "5d"),
              perf={"password_sync_age": dict(age=AGE_VERY_STALE, warn=W3D, crit="432000"),
                    "dirsync_age": dict(age=AGE_VERY_STALE, warn=W3D, crit="432000")})
scenario_test("dirsync-disabled", "dirsync-disabled", "CRITICAL",
              "directory sync is disabled (onPremisesSyncEnabled is false)")
scenario_test("never-synced", "never-synced", "CRITICAL",
              "directory sync has never been enabled (onPremisesSyncEnabled is null)",
              no_perf=("password_sync_age", "dirsync_age"))
scenario_test("null-password", "null-password", "WARNING",
              "no password sync recorded (onPremisesLastPasswordSyncDateTime is null)",
              perf={"dirsync_age": dict(age=AGE_OK_DIRSYNC)}, no_perf=("password_sync_age",))
scenario_test("missing-password", "missing-password", "WARNING", "no password sync recorded",
              perf={"dirsync_age": dict(age=AGE_OK_DIRSYNC)}, no_perf=("password_sync_age",))
scenario_test("null-dirsync", "null-dirsync", "WARNING",
              "no directory sync recorded (onPremisesLastSyncDateTime is null)",
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD)}, no_perf=("dirsync_age",))

# thresholds change the verdict and the perfdata
scenario_test("threshold-warning-10m", "ok", "WARNING",
              "password sync 31m ago (warning above 10m)", extra=("-w", "10m"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn="600")})
scenario_test("threshold-warning-range", "ok", "WARNING", extra=("-w", "1h:2h"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn="3600:7200")})
scenario_test("threshold-warning-inside", "ok", "WARNING", extra=("-w", "@0:1h"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn=("@0:3600", "@3600"))})
scenario_test("threshold-warning-combined-unit", "ok", "OK", OK_SUMMARY, extra=("-w", "3d12h"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn="302400")})
scenario_test("threshold-critical-30m", "ok", "CRITICAL",
              "password sync 31m ago (critical above 30m)", extra=("-c", "30m"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn=W3D, crit="1800")})
scenario_test("threshold-critical-perf-only", "ok", "OK", OK_SUMMARY, extra=("-c", "5d"),
              perf={"password_sync_age": dict(age=AGE_OK_PASSWORD, warn=W3D, crit="432000")})
scenario_test("threshold-dirsync-warning", "ok", "WARNING",
              "directory sync on AADC-SYNC01 12m ago (warning above 5m)", extra=("--dirsync-warning", "5m"),
              perf={"dirsync_age": dict(age=AGE_OK_DIRSYNC, warn="300"),
                    "password_sync_age": dict(age=AGE_OK_PASSWORD, warn=W3D)})

@test("tenant-guid-and-domain-verified")
def _(ctx):
    """-T as the tenant's GUID or a verified domain: OK, the detail line names the tenant."""
    for tenant in ("b93319e6-5c2a-4d7e-9a1f-2c3d4e5f6a7b", "B93319E6-5C2A-4D7E-9A1F-2C3D4E5F6A7B",
                   ctx.unique("ok")):
        res = ctx.run(tenant)
        expect(res, "OK", OK_SUMMARY)
        expect(res, "OK", "tenant: b93319e6-5c2a-4d7e-9a1f-2c3d4e5f6a7b (contoso.onmicrosoft.com)",
               line1=False)


@test("tenant-guid-mismatch-unknown")
def _(ctx):
    res = ctx.run("0b0b0b0b-1111-2222-3333-444444444444")
    expect(res, "UNKNOWN", "signed in to tenant b93319e6-5c2a-4d7e-9a1f-2c3d4e5f6a7b "
           "(contoso.onmicrosoft.com), not 0b0b0b0b-1111-2222-3333-444444444444")


@test("tenant-domain-not-verified-unknown")
def _(ctx):
    tenant = ctx.unique("wrong-tenant")
    res = ctx.run(tenant)
    expect(res, "UNKNOWN", "(contoso.onmicrosoft.com), not %s (not one of its verified domains)"
           % tenant, absent=("password hash sync enabled",))

