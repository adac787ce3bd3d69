#!/usr/bin/env bash
# t3030 — doctor --client podman against the real rig, cross-checked with
# the real containers/image client (skopeo) on every scenario: the same
# auth file (REGISTRY_AUTH_FILE, which both read), the same registry, and
# doctor's verdict (token_endpoint ok or not) must equal skopeo's result
# (inspect for a pull, copy for a push). The issuer's log asserts
# c/image's flow: GET + Basic + account=, no client_id, never a
# password POST; an identity token is POST grant_type=refresh_token
# client_id=containers/image. Issue 10, problem 2: there was no
# --client podman and containers/image was never exercised.
. "$TEST_LIB"

rig_start
export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json"
export REGISTRY_AUTH_FILE="$TEST_DIR/auth.json"
T=$RIG_TOKEN_REGISTRY N=$RIG_TOKEN_NOPOST_REGISTRY B=$RIG_BASIC_REGISTRY REPO=$RIG_REPO TAG=$RIG_TAG
SVC=${RIG_TOKEN_SERVICE:-fixkb-registry}
ctl() { curl -s -o /dev/null -X POST -d "$2" "$1"; }
ctl "$RIG_ISSUER_CTL/reset" '{}'
b64() { printf '%s' "$1" | base64 -w0; }
authfile() { printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$1" "$(b64 "$2")" > "$REGISTRY_AUTH_FILE"; }
noauth() { printf '{}\n' > "$REGISTRY_AUTH_FILE"; }
printf '{}\n' > "$DOCKER_CONFIG/config.json"
te() { record_field token_endpoint "$1"; }
log_mark() { wc -l < "$1" 2>/dev/null || echo 0; }
log_since() { tail -n +"$(( $2 + 1 ))" "$1"; }
# doctor_podman IMAGE [ARGS]: doctor --client podman, verdict in FX
doctor_podman() {
	local img=$1; shift
	run_fixkb doctor --client podman --format json --image "$img" "$@"
	if [ "$(te status)" = ok ]; then FX=accept; else FX=reject; fi
}
# skopeo_pull IMAGE [ARGS] / skopeo_push SRC DEST [ARGS]: verdict in SK
skopeo_pull() {
	local img=$1; shift
	SK_OUT=$(timeout 60 skopeo inspect --raw "$@" "docker://$img" </dev/null 2>&1)
	if [ $? -eq 0 ]; then SK=accept; else SK=reject; fi
}
skopeo_push() {
	local src=$1 dst=$2; shift 2
	SK_OUT=$(timeout 60 skopeo copy --policy "$RIG_SKOPEO_POLICY" --src-tls-verify=false "$@" \
		"docker://$src" "docker://$dst" </dev/null 2>&1)
	if [ $? -eq 0 ]; then SK=accept; else SK=reject; fi
}
agree() { # agree NAME: doctor's verdict equals skopeo's
	is "$FX" "$SK" "$1: doctor --client podman and skopeo agree ($FX)"
	[ "$FX" = "$SK" ] || printf '%s\n' "$SK_OUT" | tail -3 | sed 's/^/#   skopeo: /'
}
# the client's message must be what skopeo printed (c/image df7e80d words
# some errors more briefly than skopeo 1.9.3: compare the stable part)
says_like_skopeo() { # says_like_skopeo NAME STABLE-PART
	like "$(te evidence.flow.message)" "$2" "$1: doctor quotes the client's message"
	like "$(printf '%s' "$SK_OUT" | sed 's/\\"/"/g')" "$2" "$1: skopeo printed it"
}

echo "# --- good credential (auth.json), the registry declared insecure as --tls-verify=false"
authfile "$T" "$RIG_USER:$RIG_PASS"
off=$(log_mark "$RIG_TOKEN_LOG")
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T"
is "$RUN_RC" 0 "good credential: exit 0"
is "$(te evidence.client)" podman "evidence: client podman"
is "$(te evidence.credential.consumer)" podman/buildah "the credential is podman's (containers/image)"
is "$(te evidence.credential.file)" "$REGISTRY_AUTH_FILE" "read from REGISTRY_AUTH_FILE"
is "$(te evidence.flow.steps.0.url)" "https://$T/v2/" "c/image pings /v2/ first"
tl=$(log_since "$RIG_TOKEN_LOG" "$off")
like "$tl" "^TOKEN method=GET status=200 grant= scope=repository:$REPO:pull service=$SVC client_id= .*account=alice user=alice auth=basic" \
	"issuer log: GET with Basic and account=, no client_id"
unlike "$tl" "method=POST" "issuer log: no POST"
off=$(log_mark "$RIG_TOKEN_LOG")
skopeo_pull "$T/$REPO:$TAG" --tls-verify=false
agree "good credential"
like "$(log_since "$RIG_TOKEN_LOG" "$off")" "^TOKEN method=GET status=200 grant= scope=repository:$REPO:pull service=$SVC client_id= .*account=alice user=alice auth=basic" \
	"issuer log: skopeo made the same request"

echo "# --- plain http without --tls-verify=false: c/image never falls back, even for 127.0.0.1"
doctor_podman "$T/$REPO:$TAG"
is "$(te code)" tls_http_mismatch "not declared insecure: tls_http_mismatch"
skopeo_pull "$T/$REPO:$TAG"
agree "plain http, not declared"
says_like_skopeo "plain http" "pinging container registry $T: Get \"https://$T/v2/\": http: server gave HTTP response to HTTPS client"
run_fixkb doctor --format json --image "$T/$REPO:$TAG"
is "$(te evidence.scheme)" http "BuildKit's flow falls back to http there (loopback is insecure for docker)"

echo "# --- wrong password (the canary)"
authfile "$T" "alice:$CANARY"
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T"
is "$(te code)" oauth_token_rejected "wrong password: oauth_token_rejected"
skopeo_pull "$T/$REPO:$TAG" --tls-verify=false
agree "wrong password"
says_like_skopeo "wrong password" "unable to retrieve auth token: invalid username/password: unauthorized: incorrect username or password"

echo "# --- anonymous, private repository"
noauth
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T"
is "$(te code)" no_credentials "anonymous, private: no_credentials"
skopeo_pull "$T/$REPO:$TAG" --tls-verify=false
agree "anonymous, private"
says_like_skopeo "anonymous, private" "reading manifest $TAG in $T/$REPO: .*requested access to the resource is denied"
doctor_podman "$N/$REPO:$TAG" --insecure-registry "$N"
is "$(te code)" no_credentials "anonymous, issuer denies anonymous tokens: no_credentials"
skopeo_pull "$N/$REPO:$TAG" --tls-verify=false
agree "anonymous, issuer denies anonymous tokens"
says_like_skopeo "issuer denies anonymous" "unable to retrieve auth token: invalid username/password: .*authentication required"

echo "# --- anonymous, public repository; a stale credential on it"
ctl "$RIG_ISSUER_CTL" '{"anonymous_pull":true}'
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T"
is "$(te status)" ok "anonymous, public: ok"
skopeo_pull "$T/$REPO:$TAG" --tls-verify=false
agree "anonymous, public"
authfile "$T" "alice:stale-$CANARY"
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T"
is "$(te code)" shadowed_credentials "stale credential on a public image: the credential breaks the pull"
skopeo_pull "$T/$REPO:$TAG" --tls-verify=false
agree "stale credential on a public image (c/image never retries anonymously)"
ctl "$RIG_ISSUER_CTL" '{"anonymous_pull":false}'

echo "# --- read-only account: pull yes, push no"
authfile "$T" "$RIG_RO_USER:$RIG_RO_PASS"
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T"
is "$(te status)" ok "read-only, pull: ok"
skopeo_pull "$T/$REPO:$TAG" --tls-verify=false
agree "read-only account, pull"
off=$(log_mark "$RIG_TOKEN_LOG")
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T" --push
is "$(te code)" insufficient_scope_or_permission "read-only, --push: insufficient_scope_or_permission"
like "$(te detail)" 'push to fixkb/tiny is refused' "names push as refused"
like "$(log_since "$RIG_TOKEN_LOG" "$off")" "scope=repository:$REPO:pull,push .*account=reader" "issuer log: asked for pull,push"
skopeo_push "$T/$REPO:$TAG" "$T/$REPO:$TAG" --dest-tls-verify=false
agree "read-only account, push"
like "$SK_OUT" 'requested access to the resource is denied' "skopeo: requested access to the resource is denied"
authfile "$T" "$RIG_USER:$RIG_PASS"
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T" --push
skopeo_push "$T/$REPO:$TAG" "$T/$REPO:$TAG" --dest-tls-verify=false
agree "read-write account, push"

echo "# --- identity token: POST grant_type=refresh_token, client_id=containers/image"
ctl "$RIG_ISSUER_CTL" '{"refresh_tokens":true}'
rt=$(curl -s -u "$RIG_USER:$RIG_PASS" "$RIG_TOKEN_REALM?service=$SVC&offline_token=true" |
	python3 -c 'import json,sys; print(json.load(sys.stdin).get("refresh_token",""))')
ok "the issuer handed out a refresh token" test -n "$rt"
printf '{"auths":{"%s":{"auth":"%s","identitytoken":"%s"}}}\n' "$T" "$(b64 'alice:')" "$rt" > "$REGISTRY_AUTH_FILE"
off=$(log_mark "$RIG_TOKEN_LOG")
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T"
is "$(te status)" ok "identity token: ok"
like "$(log_since "$RIG_TOKEN_LOG" "$off")" "^TOKEN method=POST status=200 grant=refresh_token scope=repository:$REPO:pull service=$SVC client_id=containers/image" \
	"issuer log: POST grant_type=refresh_token client_id=containers/image"
off=$(log_mark "$RIG_TOKEN_LOG")
skopeo_pull "$T/$REPO:$TAG" --tls-verify=false
agree "identity token"
like "$(log_since "$RIG_TOKEN_LOG" "$off")" "^TOKEN method=POST status=200 grant=refresh_token .*client_id=containers/image" \
	"issuer log: skopeo made the same POST"
ctl "$RIG_ISSUER_CTL/reset" '{}'   # forgets the refresh token
off=$(log_mark "$RIG_TOKEN_LOG")
doctor_podman "$T/$REPO:$TAG" --insecure-registry "$T"
is "$(te code)" expired_token "revoked identity token: expired_token"
unlike "$(log_since "$RIG_TOKEN_LOG" "$off")" 'method=GET status=[0-9]+ .*auth=basic' "no GET fallback after the refused POST"
skopeo_pull "$T/$REPO:$TAG" --tls-verify=false
agree "revoked identity token"

echo "# --- Basic registry"
authfile "$B" "$RIG_USER:$RIG_PASS"
doctor_podman "$B/$REPO:$TAG" --insecure-registry "$B"
skopeo_pull "$B/$REPO:$TAG" --tls-verify=false
agree "Basic registry, good credential"
authfile "$B" "alice:wrong-$CANARY"
doctor_podman "$B/$REPO:$TAG" --insecure-registry "$B"
skopeo_pull "$B/$REPO:$TAG" --tls-verify=false
agree "Basic registry, wrong password"

ctl "$RIG_ISSUER_CTL/reset" '{}'
watch_file "$RIG_TOKEN_LOG"
done_testing
