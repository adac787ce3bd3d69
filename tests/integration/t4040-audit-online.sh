#!/usr/bin/env bash
# t4040 — `fixkb audit --online` against the real rig (docker-registry 2.8,
# tokenserver.py): each distinct stored credential is checked once, as
# docker login checks it, concurrently but at most 8 at a time, within
# --timeout: valid, rejected (credential-rejected), a revoked identity
# token (expired-token), a registry that is not there (a note). Without
# --online the audit sends nothing. The wrong password is the canary.
. "$TEST_LIB"

rig_start
export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json" FIXKB_DOCKER_CERTS_D="$TEST_DIR/certs.d"
unset DOCKER_CONFIG
T=$RIG_TOKEN_REGISTRY B=$RIG_BASIC_REGISTRY N=$RIG_TOKEN_NOPOST_REGISTRY SVC=${RIG_TOKEN_SERVICE:-fixkb-registry}
ctl() { curl -s -o /dev/null -X POST -d "$2" "$1"; }
reset_issuers() { ctl "$RIG_ISSUER_CTL/reset" '{}'; ctl "$RIG_NOPOST_ISSUER_CTL/reset" '{}'; }
trap 'reset_issuers; rig_stop' EXIT
reset_issuers
b64() { printf '%s' "$1" | base64 -w0; }
mkdir -p "$HOME/.docker" "$HOME/.config/containers" "$TEST_DIR/empty"
cd "$TEST_DIR/empty" || exit 1

# an identity token the issuer hands out, then forgets (revoked)
ctl "$RIG_ISSUER_CTL" '{"refresh_tokens":true}'
RT=$(curl -s -X POST -d "grant_type=password&username=$RIG_USER&password=$RIG_PASS&service=$SVC&client_id=test&access_type=offline" \
	"$RIG_TOKEN_REALM" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("refresh_token",""))')
ok "the issuer handed out a refresh token" test -n "$RT"

printf '{"auths":{"%s":{"auth":"%s"},"%s":{"auth":"%s"},"%s":{"auth":"%s"},"127.0.0.1:1":{"auth":"%s"}},"credHelpers":{"unused.invalid":"unused"}}\n' \
	"$T" "$(b64 "$RIG_USER:$RIG_PASS")" "$B" "$(b64 "$RIG_USER:$CANARY")" \
	"$N" "$(b64 "$RIG_RO_USER:$RIG_RO_PASS")" "$(b64 "x:y")" > "$HOME/.docker/config.json"
# auth.json: the same credential for T again (checked once), the identity
# token, and ten wrong passwords under repository keys (two windows of 8)
{
	printf '{"auths":{"%s/same":{"auth":"%s"},"%s":{"identitytoken":"%s"}' \
		"$T" "$(b64 "$RIG_USER:$RIG_PASS")" "$T" "$RT"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		printf ',"%s/ns%d":{"auth":"%s"}' "$T" "$i" "$(b64 "$RIG_USER:wrong$i")"
	done
	printf '}}\n'
} > "$HOME/.config/containers/auth.json"
chmod 600 "$HOME/.docker/config.json" "$HOME/.config/containers/auth.json"
ctl "$RIG_ISSUER_CTL/reset" '{}'   # forgets the refresh token: revoked

# ---- without --online: nothing goes out ----
off=$(wc -l < "$RIG_TOKEN_LOG")
run_fixkb audit --format json
is "$(tail -n +"$((off + 1))" "$RIG_TOKEN_LOG" | wc -l)" 0 "without --online the audit sends nothing"
is "$(printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(1 for f in d["findings"] if f["rule"] == "credential-rejected") + sum(1 for c in d["credentials"] if "online" in c))')" 0 \
	"and says nothing about validity"

# ---- --online ----
off=$(wc -l < "$RIG_TOKEN_LOG")
t0=$(date +%s)
run_fixkb audit --online --timeout 20 --format json
t1=$(date +%s)
ok "--online finished within --timeout ($((t1 - t0)) s)" test $((t1 - t0)) -le 20
online() {   # online REG KEY-SUFFIX: the online outcome of that stored credential
	printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["credentials"]:
    if c["registry"] == sys.argv[1] and c["key"].endswith(sys.argv[2]) and c["kind"] == sys.argv[3]:
        print(c.get("online", "")); break' "$1" "$2" "${3:-password}"
}
is "$(online "$T" "$T")" valid "token registry, right password: valid"
is "$(online "$T" /same)" valid "the same credential in auth.json: valid (checked once)"
is "$(online "$N" "$N")" valid "the POST-less token registry (GET fallback): valid"
is "$(online "$B" "$B")" rejected "basic registry, wrong password: rejected"
is "$(online "$T" "$T" identity_token)" expired "a revoked identity token: expired"
is "$(online 127.0.0.1:1 127.0.0.1:1)" unknown "nothing listening: unknown"
n_rej=0
for i in 0 1 2 3 4 5 6 7 8 9; do [ "$(online "$T" "/ns$i")" = rejected ] && n_rej=$((n_rej + 1)); done
is "$n_rej" 10 "ten wrong passwords across two windows of 8: all rejected"

rules() { printf '%s' "$RUN_OUT" | python3 -c '
import json, sys, collections
c = collections.Counter(f["rule"] for f in json.load(sys.stdin)["findings"] if f["rule"] in ("credential-rejected", "expired-token"))
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))'; }
is "$(rules)" "credential-rejected=11 expired-token=1" "11 rejected credentials, 1 expired identity token"
like "$RUN_OUT" "\"message\": \"$B rejects the credential in ~/.docker/config.json \\($RIG_USER, sha256:" "credential-rejected names the store and the fingerprint"
like "$(json_get "$RUN_OUT" notes)" "--online: 127.0.0.1:1 could not tell whether the credential in ~/.docker/config.json is valid" "the unreachable registry is a note"

# each distinct credential once: T's good password is requested once (not twice)
log=$(tail -n +"$((off + 1))" "$RIG_TOKEN_LOG")
is "$(printf '%s\n' "$log" | grep -c "status=200 .* user=$RIG_USER auth=")" 1 "the credential stored twice was sent once"
like "$log" 'grant=refresh_token' "the identity token went as a refresh_token grant"

done_testing
