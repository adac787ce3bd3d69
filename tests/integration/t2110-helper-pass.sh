#!/bin/bash
# t2110 — cred_helper against the real docker-credential-pass (0.6.4) and
# a throwaway pass store (tests/rig/keyring-pass.sh): found, the 0.6.4
# "empty fields, exit 0" not-found quirk, <token>, an uninitialised store,
# gpg without the secret key, pass not installed.
. "$TEST_LIB"
KP="$SRCDIR/tests/rig/keyring-pass.sh"
REG=127.0.0.1:5000
TOKREG=127.0.0.1:5002
ABSENT=127.0.0.1:5999

for b in docker-credential-pass pass gpg gpgconf; do
	if ! command -v "$b" >/dev/null 2>&1; then
		[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! $b is not installed (FIXKB_REQUIRE_RIG is set)"; exit 1; }
		skip_all "$b is not installed"
	fi
done
OWN=""
cleanup() {
	[ -d "$TEST_DIR/g-empty" ] && GNUPGHOME="$TEST_DIR/g-empty" gpgconf --kill gpg-agent 2>/dev/null
	[ -n "$OWN" ] && "$KP" down "$OWN" 2>/dev/null
}
trap cleanup EXIT
if [ -z "${RIG_DIR:-}" ] || [ -z "${GNUPGHOME:-}" ] || [ -z "${PASSWORD_STORE_DIR:-}" ] ||
   [ ! -f "${PASSWORD_STORE_DIR:-/nonexistent}/.gpg-id" ]; then
	OWN=$(mktemp -d /tmp/rig.XXXX)
	"$KP" up "$OWN" pass 2>"$TEST_DIR/rig.log" || { echo "Bail out! pass rig did not start"; sed 's/^/# /' "$TEST_DIR/rig.log"; exit 1; }
	. "$OWN/env"
fi
FP=$(printf '%s' "$CANARY" | sha256sum | cut -c1-8)
cfg() { printf '%s\n' "$1" > "$DOCKER_CONFIG/config.json"; }
pj() { json_get "$RUN_OUT" "probes.0.$1"; }

printf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "$REG" "$CANARY" |
	docker-credential-pass store >"$TEST_DIR/store.out" 2>&1
is "$?" 0 "real docker-credential-pass stores the canary credential"
printf '{"ServerURL":"%s","Username":"<token>","Secret":"%s"}' "$TOKREG" "$CANARY" |
	docker-credential-pass store >>"$TEST_DIR/store.out" 2>&1
is "$?" 0 "and an identity token under <token>"

cfg '{"credsStore":"pass"}'
run_fixkb probe cred_helper --registry "$REG" --format json
is "$RUN_RC" 0 "found: exit 0"
is "$(pj status)/$(pj code)" ok/credential_found "found: ok credential_found"
is "$(pj evidence.username)" alice "found: username alice"
like "$(pj detail)" "sha256:$FP" "found: the canary's fingerprint, not the canary"
like "$(pj evidence.binary)" '/docker-credential-pass$' "found: binary path"
ms=$(pj evidence.ms); echo "# measured: docker-credential-pass get took $ms ms"

run_fixkb probe cred_helper --registry "$ABSENT" --format json
is "$(pj status)/$(pj code)" warn/no_credentials "absent: warn no_credentials"
is "$(pj evidence.outcome)/$(pj evidence.exit_code)" not_found/0 "absent: the 0.6.4 quirk (exit 0, empty fields) is not found"

run_fixkb probe cred_helper --registry "$TOKREG" --format json
is "$(pj status)/$(pj code)" ok/credential_found "<token>: found"
is "$(pj evidence.identity_token)" true "<token>: an identity token"
like "$(pj detail)" 'identity token' "<token>: detail says identity token"

# an uninitialised store: still exit 0 with empty fields; we say why
saved_store=$PASSWORD_STORE_DIR
export PASSWORD_STORE_DIR="$TEST_DIR/no-store"
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" warn/no_credentials "no store: warn no_credentials"
like "$(pj detail)" 'not initialised' "no store: says the pass store is not initialised"
export PASSWORD_STORE_DIR=$saved_store

# the secret key is not in this GNUPGHOME
saved_gnupg=$GNUPGHOME
mkdir -m 700 "$TEST_DIR/g-empty"
export GNUPGHOME="$TEST_DIR/g-empty"
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" fail/helper_failed "no secret key: helper_failed"
is "$(pj evidence.class)" gpg "no secret key: class gpg"
is "$(pj evidence.docker_message)" 'error getting credentials - err: exit status 1, out: `exit status 2: gpg: decryption failed: No secret key`' \
	"no secret key: docker's exact message"
export GNUPGHOME=$saved_gnupg

# pass itself is not on PATH
mkdir -p "$TEST_DIR/bin"
for t in docker-credential-pass cat timeout; do ln -s "$(command -v $t)" "$TEST_DIR/bin/"; done
saved_path=$PATH
export PATH="$TEST_DIR/bin"
run_fixkb probe cred_helper --registry "$REG" --format json
export PATH=$saved_path
is "$(pj status)/$(pj code)" fail/helper_failed "no pass binary: helper_failed"
is "$(pj evidence.class)" pass "no pass binary: class pass"
like "$(pj evidence.docker_message)" 'pass not initialized: exec: "pass": executable file not found' "no pass binary: message"

done_testing
