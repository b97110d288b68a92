#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Generates the test PKI for the simulator, at test time (nothing is committed):
#   ca.pem/ca.key                 test CA
#   server.pem/server.key         127.0.0.1 + localhost, signed by the CA
#   wronghost.pem/wronghost.key   signed by the CA, but only for DNS:wrong.example
#   expired.pem/expired.key       signed by the CA, for 127.0.0.1/localhost, expired in 2020
#   unknownca.pem/unknownca.key   self-signed, for 127.0.0.1/localhost, from a CA nobody trusts
# Usage: make_certs.sh DIR   (idempotent: does nothing when DIR/ca.pem exists)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ -s "$dir/ca.pem" ]; then
    exit 0
fi

# Build everything in a scratch folder and move the results in at the end, so an
# interrupted run never leaves a ca.pem that would make the next run skip.
work=$(mktemp -d "$dir/.make_certs.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"

newkey() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
    chmod 600 "$1"
}

cat > ext_server.cnf <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EOF
cat > ext_wrong.cnf <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
EOF

# Test CA
newkey ca.key
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=check_password_sync test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out ca.pem 2>/dev/null

# Server and wrong-host certificates (signed by the CA)
sign() { # name subject extfile
    newkey "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
        -sha256 -days 825 -extfile "$3" -out "$1.pem" 2>/dev/null
}
sign server /CN=127.0.0.1 ext_server.cnf
sign wronghost /CN=wrong.example ext_wrong.cnf

# Expired certificate: `openssl x509 -days` refuses non-positive days on OpenSSL 3.0,
# so use `openssl ca`, which takes explicit start and end dates in the past.
newkey expired.key
openssl req -new -key expired.key -subj /CN=127.0.0.1 -out expired.csr 2>/dev/null
mkdir -p ca_db
: > ca_db/index.txt
openssl rand -hex 8 > ca_db/serial
cat > ca.cnf <<EOF
[ ca ]
default_ca = testca
[ testca ]
dir = $work/ca_db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $work/ca.pem
private_key = $work/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EOF
openssl ca -batch -config ca.cnf -extensions ext -notext \
    -startdate 20200101000000Z -enddate 20200201000000Z \
    -in expired.csr -out expired.pem 2>/dev/null

# Self-signed certificate from an unknown CA (right host, untrusted issuer)
newkey unknownca.key
openssl req -x509 -new -key unknownca.key -sha256 -days 825 -subj "/CN=unknown test CA" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -out unknownca.pem 2>/dev/null

# Sanity checks: each certificate is what its name says.
openssl verify -CAfile ca.pem server.pem >/dev/null
openssl verify -CAfile ca.pem wronghost.pem >/dev/null
if openssl verify -CAfile ca.pem expired.pem >/dev/null 2>&1; then
    echo "make_certs.sh: expired.pem verifies, but it should be expired" >&2
    exit 1
fi
if openssl x509 -in expired.pem -noout -checkend 0 >/dev/null; then
    echo "make_certs.sh: expired.pem is not expired" >&2
    exit 1
fi
if openssl verify -CAfile ca.pem unknownca.pem >/dev/null 2>&1; then
    echo "make_certs.sh: unknownca.pem verifies against the test CA" >&2
    exit 1
fi

for n in server wronghost expired unknownca ca; do
    mv "$n.key" "$dir/$n.key"
    [ "$n" = ca ] || mv "$n.pem" "$dir/$n.pem"
done
# ca.pem last: its presence means the set is complete.
mv ca.pem "$dir/ca.pem"
