#!/usr/bin/env bash
# t3020 — doctor --push against the real rig: the token is asked for
# repository:<path>:pull,push (the issuer's log shows the scope), and the
# verdict says which action is refused. Cross-checked with the real
# client: `skopeo copy` to the same repository (a push) and `skopeo
# inspect` (a pull) with the same credential. Issue 10, problem 1: a
# read-only account got "0 problems" from doctor while skopeo copy failed
# with "denied: requested access to the resource is denied"; --push was an
# unknown option.
. "$TEST_LIB"

rig_start
export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json"
T=$RIG_TOKEN_REGISTRY B=$RIG_BASIC_REGISTRY REPO=$RIG_REPO TAG=$RIG_TAG
SVC=${RIG_TOKEN_SERVICE:-fixkb-registry}
ctl() { curl -s -o /dev/null -X POST -d "$2" "$1"; }
ctl "$RIG_ISSUER_CTL/reset" '{}'
b64() { printf '%s' "$1" | base64 -w0; }
creds() { printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$1" "$(b64 "$2")" > "$DOCKER_CONFIG/config.json"; }
probe_json() { json_get "$RUN_OUT" "$1"; }
te() { record_field token_endpoint "$1"; }
log_mark() { wc -l < "$1" 2>/dev/null || echo 0; }
log_since() { tail -n +"$(( $2 + 1 ))" "$1"; }
# skopeo_push SRC DEST: a real push with the same config.json (the blobs
# exist already, so it fails or succeeds on the manifest)
skopeo_push() {
	SK_OUT=$(timeout 60 skopeo copy --policy "$RIG_SKOPEO_POLICY" --authfile "$DOCKER_CONFIG/config.json" \
		--src-tls-verify=false --dest-tls-verify=false "docker://$1" "docker://$2" </dev/null 2>&1)
}
skopeo_pull() {
	SK_OUT=$(timeout 60 skopeo inspect --raw --authfile "$DOCKER_CONFIG/config.json" \
		--tls-verify=false "docker://$1" </dev/null 2>&1)
}

echo "# --- usage"
run_fixkb doctor --push --registry "$T"
is "$RUN_RC" 2 "--push without --image: usage error"
like "$RUN_ERR" '--push needs --image' "says --push needs --image"

echo "# --- a read-only account (the issuer grants reader pull only)"
creds "$T" "$RIG_RO_USER:$RIG_RO_PASS"
run_fixkb doctor --format json --image "$T/$REPO:$TAG"
is "$(te status)" ok "without --push the read-only account is fine (a pull)"
off=$(log_mark "$RIG_TOKEN_LOG")
run_fixkb doctor --format json --push --image "$T/$REPO:$TAG"
is "$RUN_RC" 1 "read-only account, --push: exit 1"
is "$(te status)" fail "token_endpoint fails"
is "$(te code)" insufficient_scope_or_permission "cause: insufficient_scope_or_permission"
is "$(te evidence.mode)" push "evidence: push mode"
like "$(te detail)" 'push to fixkb/tiny is refused' "the verdict names push as the refused action"
like "$(te detail)" 'pull of fixkb/tiny:latest is granted' "and says pull is granted"
like "$(te detail)" 'access claim that does not grant push' "how fixkb knows: the token's access claim"
is "$(te evidence.flow.outcome)" push_denied "flow outcome push_denied"
is "$(te evidence.flow.message)" \
	"push access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed" \
	"BuildKit's message for the refused push"
is "$(te evidence.flow.scopes.0)" "repository:$REPO:pull,push" "the flow asked for pull,push (merged, sorted)"
tl=$(log_since "$RIG_TOKEN_LOG" "$off")
like "$tl" "^TOKEN method=POST status=200 grant=password scope=repository:$REPO:pull,push service=$SVC client_id=buildkit-client .*user=reader" \
	"issuer log: the token POST asked repository:$REPO:pull,push, as BuildKit asks for a push"
is "$(json_get "$RUN_OUT" findings.0.cause)" insufficient_scope_or_permission "a finding for the refused push"
skopeo_push "$T/$REPO:$TAG" "$T/$REPO:pushcheck"
tap_ok $(( $? == 0 )) "skopeo copy (a push) with the same credential fails too"
like "$SK_OUT" 'denied: requested access to the resource is denied' "skopeo: denied: requested access to the resource is denied"
skopeo_pull "$T/$REPO:$TAG"
is "$?" 0 "skopeo inspect (a pull) with the same credential works"
run_fixkb doctor --push --image "$T/$REPO:$TAG"
like "$RUN_OUT" 'cause: credentials are valid but not allowed this repository or action' "text: the cause"

echo "# --- an account that may push"
creds "$T" "$RIG_USER:$RIG_PASS"
run_fixkb doctor --format json --push --image "$T/$REPO:pushcheck"
is "$(te status)" ok "alice, --push: ok"
like "$(te detail)" 'grants push on fixkb/tiny' "says push is granted"
skopeo_push "$T/$REPO:$TAG" "$T/$REPO:pushcheck"
is "$?" 0 "skopeo copy (a push) with alice works"

echo "# --- no credential"
printf '{}\n' > "$DOCKER_CONFIG/config.json"
run_fixkb doctor --format json --push --image "$T/$REPO:$TAG"
is "$(te code)" no_credentials "anonymous --push: no_credentials"
unlike "$(te evidence)" 'anonymous_flow' "no anonymous retry for a push"

echo "# --- a Basic registry: no token claim, the push's first write is sent and cancelled"
creds "$B" "$RIG_USER:$RIG_PASS"
run_fixkb doctor --format json --push --image "$B/$REPO:$TAG"
is "$(te status)" ok "Basic registry, --push: ok"
like "$(te detail)" 'answered 202, and the upload it started was cancelled at once' "upload started and cancelled"
like "$(te evidence.flow.steps)" '"step": "push", "method": "POST"' "the push step is a POST"
like "$(te evidence.flow.steps)" '"step": "push_cancel", "method": "DELETE"' "then a DELETE of the upload"
skopeo_push "$B/$REPO:$TAG" "$B/$REPO:pushcheck"
is "$?" 0 "skopeo copy to the Basic registry works"
creds "$B" "alice:wrong-$CANARY"
run_fixkb doctor --format json --push --image "$B/$REPO:$TAG"
is "$(te code)" oauth_token_rejected "Basic registry, wrong password, --push: the pull side fails first"
skopeo_push "$B/$REPO:$TAG" "$B/$REPO:pushcheck"
tap_ok $(( $? == 0 )) "skopeo copy with the wrong password fails"

ctl "$RIG_ISSUER_CTL/reset" '{}'
watch_file "$RIG_TOKEN_LOG"
done_testing
