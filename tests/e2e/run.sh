#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End-to-end tests: Debian's Icinga 2 and Nagios 4 run check_password_sync
# against the Graph simulator, with our shipped contrib files unchanged.
# Usage: PLUGIN=/abs/path/check_password_sync tests/e2e/run.sh [e2e.py options]
# (`make e2e` sets PLUGIN). Installs icinga2 and nagios4-core when missing,
# which needs root; the engines themselves run as the nagios user.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
: "${PLUGIN:=$here/../../check_password_sync}"
if [ ! -x "$PLUGIN" ]; then
    echo "e2e: plugin $PLUGIN is not built (run make first)"
    echo "e2e: 0 passed, 1 failed"
    exit 1
fi

start=$(date +%s)
if ! "$here/install_packages.sh"; then
    echo "e2e: could not install the engines"
    echo "e2e: 0 passed, 1 failed"
    exit 1
fi
echo "# e2e: engines ready after $(( $(date +%s) - start ))s"

# The tests bound each of their waits; this is the backstop for the 5 minutes.
exec timeout -k 10 300 python3 "$here/e2e.py" --plugin "$PLUGIN" "$@"
