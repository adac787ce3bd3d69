#!/usr/bin/env bash
# mkcerts.sh DIR — test PKI for the rig, written to DIR/certs (+ DIR/certdir):
#
#   ca.key ca.crt                 test CA (CN=fixkb test CA)
#   server.key server.crt         CA-signed, SAN IP:127.0.0.1,DNS:localhost
#   wronghost.crt                 CA-signed, SAN DNS:wronghost.invalid only (server.key)
#   expired.crt                   CA-signed, SAN ok, valid 2020-01-01..2020-01-02 (server.key)
#   selfsigned.key selfsigned.crt self-signed leaf, SAN IP:127.0.0.1,DNS:localhost
#   token.key token.crt           RS256 signing key of the token issuer (RSA-2048, self-signed
#                                 cert; the registries trust it via rootcertbundle)
#   DIR/certdir/ca.crt            for skopeo/buildah --cert-dir
#
# TLS keys are EC P-256 (instant to generate) unless RIG_TLS_KEY=rsa; the token key is
# always RSA-2048 (RS256). Keys are generated in parallel. Never reads anything outside DIR.
set -euo pipefail
D=${1:?usage: mkcerts.sh DIR}
C="$D/certs"
mkdir -p "$C" "$D/certdir"
cd "$C"
export OPENSSL_CONF=/dev/null   # never pick up a site config

openssl genrsa -out token.key 2048 2>/dev/null &
for k in ca server selfsigned; do
	if [ "${RIG_TLS_KEY:-ec}" = rsa ]; then
		openssl genrsa -out "$k.key" 2048 2>/dev/null &
	else
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k.key" 2>/dev/null &
	fi
done
wait
chmod 600 ./*.key

san_ok='subjectAltName=IP:127.0.0.1,DNS:localhost'

# CA
openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj '/CN=fixkb test CA' \
	-addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
	-out ca.crt 2>/dev/null

# CA-signed leaves
leaf() { # leaf NAME KEY SAN [extra x509 args]
	local name=$1 key=$2 san=$3; shift 3
	printf '%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
		"$san" > "$name.ext"
	openssl req -new -key "$key" -subj "/CN=$name" -out "$name.csr" 2>/dev/null
	openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 \
		-days 3650 -extfile "$name.ext" -out "$name.crt" "$@" 2>/dev/null
	rm -f "$name.csr" "$name.ext"
}
leaf server server.key "$san_ok"
leaf wronghost server.key 'subjectAltName=DNS:wronghost.invalid'

# Expired leaf: `openssl x509` (3.0) cannot set past dates, `openssl ca` can (-startdate/-enddate).
mkdir -p ca-db
: > ca-db/index.txt
[ -f ca-db/serial ] || echo 1000 > ca-db/serial
cat > ca-db/ca.cnf <<EOF
[ca]
default_ca = rigca
[rigca]
dir = $C/ca-db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $C/ca.crt
private_key = $C/ca.key
default_md = sha256
policy = pol
unique_subject = no
copy_extensions = none
[pol]
commonName = supplied
[ext]
$san_ok
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
EOF
openssl req -new -key server.key -subj '/CN=expired' -out expired.csr 2>/dev/null
openssl ca -batch -config ca-db/ca.cnf -extensions ext -notext \
	-startdate 20200101000000Z -enddate 20200102000000Z \
	-in expired.csr -out expired.crt 2>/dev/null
rm -f expired.csr

# Self-signed leaf and the token signing cert
openssl req -x509 -new -key selfsigned.key -sha256 -days 3650 -subj '/CN=fixkb selfsigned' \
	-addext "$san_ok" -out selfsigned.crt 2>/dev/null
openssl req -x509 -new -key token.key -sha256 -days 3650 -subj '/CN=fixkb token issuer' \
	-out token.crt 2>/dev/null

cp ca.crt "$D/certdir/ca.crt"
