#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Shows the plugin against the bundled Microsoft Graph simulator: one scenario per state.
# Usage: tests/demo.sh ./check_password_sync
set -eu
plugin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$here/tools/make_certs.sh" "$work" >/dev/null
umask 077
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/secret"
python3 "$here/sim/simulator.py" --cert "$work/server.pem" --key "$work/server.key" \
  --port 0 --port-file "$work/port" --secret-file "$work/secret" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 50); do
  [ -s "$work/port" ] && break
  sleep 0.1
done
port=$(cat "$work/port")
base="https://127.0.0.1:$port"

echo "The simulator plays the Microsoft token endpoint and Graph on $base;"
echo "the tenant name picks its answer. The secret comes from a file, never argv."
echo
run() {
  scenario=$1
  shift
  echo "\$ check_password_sync -T $scenario -C 11111111-2222-3333-4444-555555555555 --client-secret-file SECRET_FILE \\"
  echo "    --authority-host $base --graph-endpoint $base --ca-file CA --token-cache DIR $*"
  set +e
  "$plugin" -T "$scenario" -C 11111111-2222-3333-4444-555555555555 \
    --client-secret-file "$work/secret" --authority-host "$base" --graph-endpoint "$base" \
    --ca-file "$work/ca.pem" --token-cache "$work/cache" "$@"
  echo "(exit code $?)"
  set -e
  echo
}
run ok
run stale-password
run dirsync-disabled
run aadsts-7000215
run ok -w 20m -c 1h
echo "The same check again, with -v: the access token now comes from the token cache,"
echo "so the check is one HTTPS request (the Graph \$batch)."
echo
run ok -v
stats=$(curl -s --cacert "$work/ca.pem" "$base/_sim/stats?tenant=ok")
echo "The simulator's count for tenant 'ok' over the three checks above: $stats"
