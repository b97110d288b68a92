#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests: the built check_password_sync against the HTTPS simulator.

    python3 tests/integration/test_plugin.py --binary ./check_password_sync [--wrapper "valgrind ..."]
        [-k SUBSTRING]... [--list] [--jobs N] [--slowdown F] [--slack SECONDS] [--keep] [--show]

The tests live in plugin_<concern>.py, the set-up, the output property checked on every run and
the runner in harness.py. Prints `ok   <name>`, `FAIL <name>: <reason>` or `skip <name>: <reason>`
per test and, at the end, `integration: N passed, N failed, N skipped`; exits 1 if any test failed.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import plugin_verdict  # noqa: E402
import plugin_output  # noqa: E402
import plugin_protocol  # noqa: E402
import plugin_options  # noqa: E402
import plugin_transport  # noqa: E402
import plugin_token_cache  # noqa: E402
import plugin_hostile  # noqa: E402
import plugin_credential_expiry  # noqa: E402

# The order in which the tests run (and print); a new concern module is added here.
MODULES = (plugin_verdict, plugin_output, plugin_protocol, plugin_options, plugin_transport,
           plugin_token_cache, plugin_hostile, plugin_credential_expiry)


def main():
    return harness.run_suite("integration", [m.tests for m in MODULES], harness.Context,
                             "check_password_sync integration tests")


if __name__ == "__main__":
    sys.exit(main())
