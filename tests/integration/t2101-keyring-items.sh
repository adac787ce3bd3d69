#!/bin/bash
# t2101 — the keyring probe reads exactly the item docker would: items
# written with secret-tool (not by the helper) with and without each
# attribute docker-credential-secretservice uses (xdg:schema
# io.docker.Credentials, server, username, docker_cli=1), an empty secret,
# Docker Hub's key, two items for one server. For each, the real
# docker-credential-secretservice `get` is asked too, and fixkb must agree
# with it: found with the same username and secret (by fingerprint), or
# not found. Private gnome-keyring from tests/rig/keyring-pass.sh.
. "$TEST_LIB"
unset DISPLAY
KP="$SRCDIR/tests/rig/keyring-pass.sh"

for b in docker-credential-secretservice dbus-daemon gnome-keyring-daemon secret-tool; do
	if ! command -v "$b" >/dev/null 2>&1; then
		[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! $b is not installed (FIXKB_REQUIRE_RIG is set)"; exit 1; }
		skip_all "$b is not installed"
	fi
done
# Always a keyring of our own: the items below must not meet other tests'.
OWN=$(mktemp -d /tmp/rig.XXXX)
trap '"$KP" down "$OWN" 2>/dev/null; rm -rf "$OWN"' EXIT
"$KP" up "$OWN" keyring 2>"$TEST_DIR/rig.log" || { echo "Bail out! keyring rig did not start"; sed 's/^/# /' "$TEST_DIR/rig.log"; exit 1; }
export DBUS_SESSION_BUS_ADDRESS=$(sed -n "s/^export DBUS_SESSION_BUS_ADDRESS='\(.*\)'.*/\1/p" "$OWN/env")

printf '{"credsStore":"secretservice"}\n' > "$DOCKER_CONFIG/config.json"
fp() { printf '%s' "$1" | sha256sum | cut -c1-8; }
pj() { json_get "$RUN_OUT" "probes.0.$1"; }


# store SERVER-LABEL SECRET ATTR VALUE... — one item, written by secret-tool
store() {
	local label=$1 secret=$2; shift 2
	printf '%s' "$secret" | secret-tool store --label="$label" "$@"
}

# helper_says KEY — what the real helper's get answers: "user fingerprint", or "none"
helper_says() {
	local out
	if out=$(printf '%s' "$1" | docker-credential-secretservice get 2>/dev/null); then
		printf '%s' "$out" | python3 -c '
import hashlib, json, sys
d = json.load(sys.stdin)
print(d["Username"], hashlib.sha256(d["Secret"].encode()).hexdigest()[:8] if d["Secret"] else "none")'
	else
		echo none
	fi
}

# fixkb_says REGISTRY — runs the keyring probe (RUN_OUT as usual) and sets
# SAYS to its answer in the same form (not in a subshell: run_fixkb keeps
# every output for the canary check)
fixkb_says() {
	run_fixkb probe keyring --registry "$1" --format json
	if [ "$(pj status)" = ok ]; then
		SAYS="$(pj evidence.username) $(pj evidence.secret_fingerprint | sed 's/^sha256://' | cut -c1-8)"
	else
		SAYS=none
	fi
}

S1=$CANARY-one S2=$CANARY-two S3=$CANARY-three
SCHEMA="xdg:schema io.docker.Credentials"

# 1. The helper's own attributes, written by another program.
store full "$S1" $SCHEMA label "Docker Credentials" server 127.0.0.1:5001 username carol docker_cli 1
is "$(helper_says 127.0.0.1:5001)" "carol $(fp "$S1")" "fixture: the real helper reads an item with its attributes"
fixkb_says 127.0.0.1:5001; is "$SAYS" "carol $(fp "$S1")" "fixkb finds it: same username and secret"
is "$(pj code)" credential_found "code credential_found"
is "$(pj evidence.server_key)" 127.0.0.1:5001 "searched by the server key docker passes"
like "$(pj evidence.item)" '^/org/freedesktop/secrets/collection/login/' "names the item in the login collection"

# 2. Docker Hub: docker passes https://index.docker.io/v1/ to the helper.
store hub "$S2" $SCHEMA server https://index.docker.io/v1/ username hubuser docker_cli 1
is "$(helper_says https://index.docker.io/v1/)" "hubuser $(fp "$S2")" "fixture: the helper reads Hub's item"
fixkb_says docker.io; is "$SAYS" "hubuser $(fp "$S2")" "--registry docker.io reads the https://index.docker.io/v1/ item"
is "$(pj evidence.server_key)" "https://index.docker.io/v1/" "Hub's server key"
fixkb_says index.docker.io; is "$SAYS" "hubuser $(fp "$S2")" "index.docker.io is Docker Hub too"

# 3-5. One attribute missing or different: neither finds it.
store nocli "$S1" $SCHEMA server 127.0.0.1:5002 username dave
is "$(helper_says 127.0.0.1:5002)" none "fixture: without docker_cli=1 the helper finds nothing"
fixkb_says 127.0.0.1:5002; is "$SAYS" none "fixkb agrees: not found"
is "$(pj status)/$(pj code)/$(pj evidence.outcome)" warn/no_credentials/absent "absent: warn no_credentials"
store noschema "$S1" server 127.0.0.1:5003 username erin docker_cli 1
is "$(helper_says 127.0.0.1:5003)" none "fixture: without xdg:schema the helper finds nothing"
fixkb_says 127.0.0.1:5003; is "$SAYS" none "fixkb agrees: not found"
store other "$S1" xdg:schema org.example.Other server 127.0.0.1:5004 username fay docker_cli 1
is "$(helper_says 127.0.0.1:5004)" none "fixture: another schema is not the helper's"
fixkb_says 127.0.0.1:5004; is "$SAYS" none "fixkb agrees: not found"
store prefix "$S1" $SCHEMA server 127.0.0.1:500 username gil docker_cli 1
fixkb_says 127.0.0.1:5005; is "$SAYS" none "the server attribute matches exactly, not as a prefix"

# 6. An empty secret is "not found" for the helper.
store empty "" $SCHEMA server 127.0.0.1:5006 username hal docker_cli 1
is "$(helper_says 127.0.0.1:5006)" none "fixture: the helper treats an empty secret as not found"
fixkb_says 127.0.0.1:5006; is "$SAYS" none "fixkb agrees: not found"
is "$(pj evidence.outcome)/$(pj evidence.items)" absent/1 "the empty item is seen and counted"
like "$(pj detail)" 'secret is empty' "says the secret is empty"

# 7. Two logins with different users leave two items for one server: the
#    probe must describe the one the helper hands to docker.
store first "$S1" $SCHEMA server 127.0.0.1:5007 username ivy docker_cli 1
store second "$S3" $SCHEMA server 127.0.0.1:5007 username jo docker_cli 1
want=$(helper_says 127.0.0.1:5007)
like "$want" '^(ivy|jo) ' "fixture: the helper returns one of the two"
fixkb_says 127.0.0.1:5007; is "$SAYS" "$want" "two items for a server: fixkb reports the one the helper returns"
is "$(pj evidence.items)" 2 "both items are counted"

done_testing
