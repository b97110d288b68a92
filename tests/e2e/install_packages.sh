#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages the end-to-end tests need: the monitoring
# engines (icinga2, nagios4-core) plus any packages named as arguments,
# without leaving the engines' system-wide daemons running.
# Usage: install_packages.sh [more Debian packages...]
set -eu

need=""
[ -x /usr/sbin/icinga2 ] || need="$need icinga2"
[ -x /usr/sbin/nagios4 ] || need="$need nagios4-core"
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need="$need $pkg"
done
[ -n "$need" ] || exit 0

if [ "$(id -u)" != 0 ]; then
    echo "install_packages: need root to install:$need" >&2
    echo "install_packages: run: apt-get install --no-install-recommends$need" >&2
    exit 1
fi

# policy-rc.d tells invoke-rc.d not to start services from postinst scripts;
# ours is removed again afterwards unless one was already there.
policy=/usr/sbin/policy-rc.d
own_policy=""
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
fi
cleanup() { if [ -n "$own_policy" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
echo "install_packages: installing$need"
start=$(date +%s)
log=$(mktemp)
if ! apt-get install -y -q --no-install-recommends $need >"$log" 2>&1; then
    # The package lists may be missing or stale on a fresh machine.
    apt-get update -q >>"$log" 2>&1
    apt-get install -y -q --no-install-recommends $need >>"$log" 2>&1 || {
        tail -n 30 "$log" >&2
        rm -f "$log"
        exit 1
    }
fi
rm -f "$log"
echo "install_packages: done in $(( $(date +%s) - start ))s"

# If a policy-rc.d that was already there let them start, stop the
# system-wide daemons of the engines installed just now: the tests run
# private instances instead.
for pkg in $need; do
    case $pkg in
        icinga2) svc=icinga2 ;;
        nagios4-core) svc=nagios4 ;;
        *) continue ;;
    esac
    if [ -x "/etc/init.d/$svc" ]; then
        "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
    fi
done
