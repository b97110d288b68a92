#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian package from a copy of the tree, runs lintian, installs
# the .deb with apt-get and runs the installed plugin; then removes the
# package again unless it was installed before or --keep-installed is given.
# Usage: tests/e2e/deb.sh [--keep-installed] [OUTDIR]   (needs root)
# The .deb, the build log and lintian's report are left in OUTDIR
# (default build/deb). The last line is "deb: N passed, N failed".
set -eu

keep=""
if [ "${1:-}" = --keep-installed ]; then
    keep=1
    shift
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
pkg=check-password-sync
plugin=/usr/lib/nagios/plugins/check_password_sync

passed=0
failed=0
check() { # description command...
    what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   $what"
    else
        failed=$((failed + 1))
        echo "FAIL $what"
    fi
}
finish() {
    echo "deb: $passed passed, $failed failed"
    if [ "$failed" = 0 ]; then exit 0; fi
    exit 1
}
seconds() { echo $(( $(date +%s) - $1 )); }

if [ "$(id -u)" != 0 ]; then
    echo "deb: needs root (apt-get build-dep, apt-get install)"
    failed=1
    finish
fi

work=$(mktemp -d /tmp/password-sync-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A clean copy: no build products, no git metadata, nothing left by make.
mkdir "$work/src"
tar -C "$repo" --exclude=./.git --exclude=./build --exclude=./check_password_sync \
    --exclude='*.deb' -cf - . | tar -C "$work/src" -xf -

t=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
"$here/install_packages.sh" dpkg-dev debhelper fakeroot lintian >/dev/null
if ! (cd "$work/src" && dpkg-checkbuilddeps >/dev/null 2>&1); then
    apt-get build-dep -y -q --no-install-recommends "$work/src" >"$out/build-dep.log" 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          apt-get build-dep -y -q --no-install-recommends "$work/src" >>"$out/build-dep.log" 2>&1; }
fi
echo "# deb: build dependencies ready after $(seconds "$t")s"

t=$(date +%s)
if (cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
    built=1
else
    built=""
    tail -n 40 "$out/build.log"
fi
echo "# deb: dpkg-buildpackage took $(seconds "$t")s (log: $out/build.log)"
check "dpkg-buildpackage -us -uc -b builds the package" test -n "$built"
[ -n "$built" ] || finish

rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
deb=$(ls "$out"/${pkg}_*.deb)
echo "# deb: $deb"
dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\|Installed-Size\):/#   &/p'
dpkg-deb --contents "$deb" | awk '{print "#   " $NF}' | grep -v '/$' || true

# lintian: every tag it reports, and a summary by severity.
lintian --info --display-info --pedantic --show-overrides "$out"/*.changes >"$out/lintian.txt" 2>&1 || true
echo "# lintian:"
grep -E '^[EWIPXO]: ' "$out/lintian.txt" | sed 's/^/#   /' || echo "#   (no tags)"
errors=$(grep -c '^E: ' "$out/lintian.txt" || true)
warnings=$(grep -c '^W: ' "$out/lintian.txt" || true)
echo "# lintian summary: $errors errors, $warnings warnings," \
    "$(grep -c '^I: ' "$out/lintian.txt" || true) info," \
    "$(grep -c '^P: ' "$out/lintian.txt" || true) pedantic," \
    "$(grep -c '^O: ' "$out/lintian.txt" || true) overridden"
check "lintian reports no errors" test "$errors" = 0

preinstalled=""
dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' && preinstalled=1
t=$(date +%s)
check "apt-get install ./$(basename "$deb")" \
    sh -c "cd '$out' && apt-get install -y -q --no-install-recommends './$(basename "$deb")' >'$out/install.log' 2>&1"
echo "# deb: installed in $(seconds "$t")s"

for f in "$plugin" /usr/share/man/man1/check_password_sync.1.gz \
         /etc/nagios-plugins/config/check_password_sync.cfg \
         /usr/share/icinga2/include/plugins-contrib.d/check_password_sync.conf; do
    check "installed $f" test -f "$f"
done
check "the Nagios snippet is a conffile" \
    sh -c "dpkg-query -W -f='\${Conffiles}' $pkg | grep -q /etc/nagios-plugins/config/check_password_sync.cfg"

# Debian policy: the C++ runtime is the shared libstdc++, named in Depends through shlibs.
check "the installed plugin links libstdc++ dynamically" \
    sh -c "ldd '$plugin' | grep -q 'libstdc++\.so'"
check "the package depends on libstdc++6" \
    sh -c "dpkg-deb -f '$deb' Depends | grep -q 'libstdc++6'"

version=$(cd "$work/src" && dpkg-parsechangelog -S Version)
set +e
answer=$("$plugin" --version 2>&1)
status=$?
set -e
echo "# $plugin --version (exit $status): $answer"
check "--version from the installed path names $version" \
    sh -c "printf '%s' \"\$1\" | grep -q -- \"\$2\"" - "$answer" "$version"
check "--version exits 0 or 3" test "$status" = 0 -o "$status" = 3

# Icinga 2 finds the CheckCommand through include <plugins-contrib>.
if [ -x /usr/sbin/icinga2 ]; then
    i2=$work/icinga2
    # A private configuration: none of /etc/icinga2 (its constants or zones.d) nor the system's
    # data, cache or log folders; only the package's files under /usr/share/icinga2/include.
    mkdir -p "$i2/cache" "$i2/data" "$i2/log" "$i2/zones.d" "$i2/spool" "$i2/run"
    # icinga2 drops root privileges to its own user, even to validate.
    chmod 755 "$work"
    chown -R nagios: "$i2" 2>/dev/null || true
    cat >"$i2/icinga2.conf" <<'EOF'
/* the package's CheckCommand, found as Debian's icinga2.conf finds it */
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include <plugins-contrib>
object Host "tenant" { check_command = "dummy" }
object Service "password-sync" {
	host_name = "tenant"
	check_command = "password_sync"
	vars.password_sync_tenant = "contoso.onmicrosoft.com"
}
EOF
    valid=""
    if icinga2 daemon -C -c "$i2/icinga2.conf" -DConfigDir="$i2" -DZonesDir="$i2/zones.d" \
           -DCacheDir="$i2/cache" -DDataDir="$i2/data" -DLogDir="$i2/log" \
           -DSpoolDir="$i2/spool" -DInitRunDir="$i2/run" -DPidPath="$i2/run/icinga2.pid" \
           -DObjectsPath="$i2/cache/icinga2.debug" -DVarsPath="$i2/cache/icinga2.vars" \
           -DStatePath="$i2/data/icinga2.state" -DModAttrPath="$i2/data/modified-attributes.conf" \
           >"$i2/validate.log" 2>&1 &&
       ! grep -q 'warning/' "$i2/validate.log"; then
        valid=1
    else
        tail -n 20 "$i2/validate.log"
    fi
    check "icinga2 daemon -C finds password_sync through include <plugins-contrib>" \
        test -n "$valid"
fi

if [ -z "$keep" ] && [ -z "$preinstalled" ]; then
    apt-get purge -y -q "$pkg" >"$out/purge.log" 2>&1
    check "apt-get purge removes the plugin and its configuration" \
        sh -c "[ ! -e '$plugin' ] && [ ! -e /etc/nagios-plugins/config/check_password_sync.cfg ]"
fi
finish
