#!/usr/bin/env bash
# t3000 — the token_endpoint probe against the real rig (docker-registry 2.8,
# tokenserver.py, TLS registries, hostile server). Every credential scenario
# also runs `skopeo inspect` with the same config.json, and fixkb's
# accept/reject verdict must agree with skopeo's; the issuer's request log
# asserts the flow (POST first, GET on fallback). One scenario uses the
# canary as the wrong password; done_testing greps every output for it.
. "$TEST_LIB"

rig_start
# Private stores only: never a pass store or keyring from the rig for these.
export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json" FIXKB_DOCKER_CERTS_D="$TEST_DIR/certs.d"
export HOME DOCKER_CONFIG
REPO=$RIG_REPO TAG=$RIG_TAG T=$RIG_TOKEN_REGISTRY N=$RIG_TOKEN_NOPOST_REGISTRY B=$RIG_BASIC_REGISTRY
S=$RIG_TLS_REGISTRY SVC=${RIG_TOKEN_SERVICE:-fixkb-registry}
ctl() { curl -s -o /dev/null -X POST -d "$2" "$1"; }
reset_issuers() { ctl "$RIG_ISSUER_CTL/reset" '{}'; ctl "$RIG_NOPOST_ISSUER_CTL/reset" '{}'; }
reset_issuers
trap_reset() { reset_issuers; }

b64() { printf '%s' "$1" | base64 -w0; }
# creds REG USER:PASS — a scratch config.json with one auths entry (plain file store)
creds() {
	printf '{"auths":{"%s":{"auth":"%s"}},"credHelpers":{"unused.invalid":"unused"}}\n' \
		"$1" "$(b64 "$2")" > "$DOCKER_CONFIG/config.json"
}
nocreds() { printf '{"credHelpers":{"unused.invalid":"unused"}}\n' > "$DOCKER_CONFIG/config.json"; }
pj() { json_get "$RUN_OUT" "probes.0.$1"; }
probe() { run_fixkb probe token_endpoint --format json "$@"; }
log_mark() { wc -l < "$1" 2>/dev/null || echo 0; }
log_since() { tail -n +"$(( $2 + 1 ))" "$1"; }
# skopeo_verdict REF [ARGS] — "accept" / "reject" with the same config.json
skopeo_verdict() {
	local ref=$1; shift
	SK_OUT=$(timeout 60 skopeo inspect --authfile "$DOCKER_CONFIG/config.json" "$@" \
		"docker://$ref" </dev/null 2>&1)
	if [ $? -eq 0 ]; then echo accept; else echo reject; fi
}
fixkb_verdict() { if [ "$(pj status)" = ok ]; then echo accept; else echo reject; fi; }
agree() { # agree NAME REF [SKOPEO ARGS]
	local name=$1 ref=$2; shift 2
	local sk fx
	fx=$(fixkb_verdict)
	sk=$(skopeo_verdict "$ref" "$@")
	is "$fx" "$sk" "$name: fixkb and skopeo agree ($fx)"
	[ "$fx" = "$sk" ] || printf '%s\n' "$SK_OUT" | head -5 | sed 's/^/#   skopeo: /'
}

echo "# --- token registry, good credential: POST first, no GET"
creds "$T" "$RIG_USER:$RIG_PASS"
off=$(log_mark "$RIG_TOKEN_LOG")
probe --image "$T/$REPO:$TAG"
is "$RUN_RC" 0 "good credential: exit 0"
is "$(pj status)" ok "good credential: ok"
is "$(pj code)" token_ok "good credential: token_ok"
is "$(pj evidence.credential.source)" auths "names the source"
is "$(pj evidence.credential.username)" alice "names the username"
like "$(pj evidence.credential.secret_fingerprint)" '^sha256:[0-9a-f]{8}' "shows a fingerprint"
is "$(pj evidence.flow.steps.2.method)" POST "third step is the POST"
is "$(pj evidence.flow.steps.2.form.client_id)" buildkit-client "client_id=buildkit-client"
is "$(pj evidence.flow.steps.2.token_result.jwt.sub)" alice "decoded JWT sub"
is "$(pj evidence.flow.steps.2.token_result.jwt.iss)" "${RIG_TOKEN_ISSUER:-fixkb-token-issuer}" "decoded JWT iss"
is "$(pj evidence.flow.steps.3.auth | cut -c1-14)" "Bearer sha256:" "manifest repeated with a Bearer (fingerprint only)"
tl=$(log_since "$RIG_TOKEN_LOG" "$off")
like "$tl" "^TOKEN method=POST status=200 grant=password scope=repository:$REPO:pull service=$SVC client_id=buildkit-client .*user=alice auth=form" "issuer log: POST grant=password"
unlike "$tl" "method=GET" "issuer log: no GET"
agree "good credential" "$T/$REPO:$TAG" --tls-verify=false

echo "# --- token registry, wrong password (the canary): POST 401 then GET 401"
creds "$T" "alice:$CANARY"
off=$(log_mark "$RIG_TOKEN_LOG")
probe --image "$T/$REPO:$TAG"
is "$RUN_RC" 1 "wrong password: exit 1"
is "$(pj code)" oauth_token_rejected "wrong password: oauth_token_rejected"
want="failed to fetch oauth token: unexpected status from GET request to $RIG_TOKEN_REALM?scope=repository%3Afixkb%2Ftiny%3Apull&service=$SVC: 401 Unauthorized"
is "$(pj evidence.flow.message)" "$want" "reproduces BuildKit's message exactly"
like "$(pj evidence.flow.message_buildkit_v0_24)" 'incorrect username or password' "BuildKit >= 0.24 form appends the body"
like "$(pj detail)" 'unexpected status from GET request' "detail names the GET"
like "$(pj evidence.flow.steps.3.auth)" '^Basic alice:sha256:[0-9a-f]{8}' "fallback GET sent Basic (fingerprint)"
is "$(pj evidence.anonymous_flow.outcome)" no_credentials "anonymous flow ran and was refused too"
tl=$(log_since "$RIG_TOKEN_LOG" "$off")
like "$(printf '%s\n' "$tl" | sed -n 1p)" "^TOKEN method=POST status=401 .*client_id=buildkit-client .*user=alice" "issuer log: POST 401 first"
like "$(printf '%s\n' "$tl" | sed -n 2p)" "^TOKEN method=GET status=401 .*user=alice auth=basic" "issuer log: then GET 401 with Basic"
agree "wrong password" "$T/$REPO:$TAG" --tls-verify=false

echo "# --- the same, BuildKit daemon path (--client buildkit-daemon): GET first, then POST"
off=$(log_mark "$RIG_TOKEN_LOG")
probe --client buildkit-daemon --image "$T/$REPO:$TAG"
is "$(pj code)" oauth_token_rejected "daemon path: oauth_token_rejected"
is "$(pj evidence.flow.message)" "failed to fetch oauth token: unexpected status from POST request to $RIG_TOKEN_REALM: 401 Unauthorized" \
	"daemon path reproduces the seed's POST 401 message"
tl=$(log_since "$RIG_TOKEN_LOG" "$off")
like "$(printf '%s\n' "$tl" | sed -n 1p)" "^TOKEN method=GET status=401 " "issuer log: daemon path GETs first"
like "$(printf '%s\n' "$tl" | sed -n 2p)" "^TOKEN method=POST status=401 " "issuer log: then POSTs"
run_fixkb probe token_endpoint --client nosuch --registry "$T"
is "$RUN_RC" 2 "unknown --client: exit 2"

echo "# --- DOCKER_AUTH_CONFIG wins over auths (docker CLI >= 28.3, buildx >= 0.26)"
# a docker here that says it is 28.3.0 (docker/clients.h reads the version)
mkdir -p "$TEST_DIR/bin283"
printf '#!/bin/sh\ncase "$1" in --version) echo "Docker version 28.3.0, build 1234567";; *) exit 1;; esac\n' > "$TEST_DIR/bin283/docker"
chmod +x "$TEST_DIR/bin283/docker"
creds "$T" "$RIG_USER:$RIG_PASS"
PATH="$TEST_DIR/bin283:$PATH" DOCKER_AUTH_CONFIG=$(printf '{"auths":{"%s":{"auth":"%s"}}}' "$T" "$(b64 "alice:$CANARY")") \
	probe --image "$T/$REPO:$TAG"
is "$(pj evidence.credential.source)" DOCKER_AUTH_CONFIG "credential taken from DOCKER_AUTH_CONFIG"
is "$(pj code)" oauth_token_rejected "its wrong password is what the client sends"

echo "# --- no-POST issuer: POST 404, GET fallback"
creds "$N" "$RIG_USER:$RIG_PASS"
off=$(log_mark "$RIG_TOKEN_NOPOST_LOG")
probe --image "$N/$REPO:$TAG"
is "$(pj code)" token_ok "no-POST issuer: token_ok via GET"
tl=$(log_since "$RIG_TOKEN_NOPOST_LOG" "$off")
like "$(printf '%s\n' "$tl" | sed -n 1p)" "^TOKEN method=POST status=404" "nopost log: POST 404"
like "$(printf '%s\n' "$tl" | sed -n 2p)" "^TOKEN method=GET status=200 .*user=alice auth=basic" "nopost log: GET 200"
agree "no-POST issuer" "$N/$REPO:$TAG" --tls-verify=false
creds "$N" "$RIG_RO_USER:$RIG_RO_PASS"
probe --image "$N/$REPO:$TAG"
is "$(pj code)" token_ok "read-only user can pull"
agree "read-only user" "$N/$REPO:$TAG" --tls-verify=false

echo "# --- no credentials"
nocreds
probe --image "$T/$REPO:$TAG"
is "$(pj code)" no_credentials "anonymous token without access: no_credentials"
like "$(pj evidence.flow.message)" 'insufficient_scope: authorization failed' "resolver message"
agree "anonymous, token registry" "$T/$REPO:$TAG" --tls-verify=false
probe --image "$N/$REPO:$TAG"
is "$(pj code)" no_credentials "anonymous refused by the issuer: no_credentials"
like "$(pj evidence.flow.message)" '^failed to fetch anonymous token: unexpected status from GET request to ' "anonymous wording"
agree "anonymous, deny-anonymous issuer" "$N/$REPO:$TAG" --tls-verify=false

echo "# --- basic registry"
creds "$B" "$RIG_USER:$RIG_PASS"
probe --image "$B/$REPO:$TAG"
is "$(pj code)" token_ok "basic: good credential"
is "$(pj evidence.flow.challenge_scheme)" basic "basic challenge"
agree "basic, good" "$B/$REPO:$TAG" --tls-verify=false
creds "$B" "alice:wrongpw"
probe --image "$B/$REPO:$TAG"
is "$(pj code)" oauth_token_rejected "basic: wrong password rejected"
agree "basic, wrong" "$B/$REPO:$TAG" --tls-verify=false
is "$(pj evidence.plain_http)" true "plain http noted for the loopback registry"

echo "# --- TLS registry"
creds "$S" "$RIG_USER:$RIG_PASS"
probe --image "$S/$REPO:$TAG"
is "$(pj code)" tls_untrusted_ca "TLS without the CA: tls_untrusted_ca"
like "$(pj detail)" 'subject CN=server, issuer CN=fixkb test CA' "names subject and issuer"
like "$(pj detail)" "/etc/docker/certs.d/$S/ca.crt" "says how to trust it for docker"
like "$(pj detail)" "buildkitd.toml \[registry.\"$S\"\] ca=" "and for BuildKit"
like "$(pj detail)" "/etc/containers/certs.d/$S/ca.crt" "and for podman"
agree "TLS, CA not trusted" "$S/$REPO:$TAG"
probe --image "$S/$REPO:$TAG" --cacert "$RIG_CA_CERT"
is "$(pj code)" token_ok "TLS with --cacert: ok"
agree "TLS, CA trusted" "$S/$REPO:$TAG" --cert-dir "$RIG_CERT_DIR"
mkdir -p "$FIXKB_DOCKER_CERTS_D/$S" && cp "$RIG_CA_CERT" "$FIXKB_DOCKER_CERTS_D/$S/ca.crt"
probe --image "$S/$REPO:$TAG"
is "$(pj code)" token_ok "TLS with certs.d/<host:port>/ca.crt: ok"
probe --image "$RIG_TLS_WRONGHOST_REGISTRY/$REPO:$TAG" --cacert "$RIG_CA_CERT"
is "$(pj code)" tls_other "SAN mismatch: tls_other"
if [ -n "${RIG_TLS_EXPIRED_REGISTRY:-}" ]; then
	probe --image "$RIG_TLS_EXPIRED_REGISTRY/$REPO:$TAG" --cacert "$RIG_CA_CERT"
	is "$(pj code)" tls_other "expired certificate: tls_other"
	like "$(pj detail)" 'expired' "says expired"
fi
probe --image "127.0.0.1:1/$REPO:$TAG"
is "$(pj code)" network_unreachable "closed port: network_unreachable"

echo "# --- issuer switches: POST 405 (GET fallback), 5xx, no access"
creds "$T" "$RIG_USER:$RIG_PASS"
ctl "$RIG_ISSUER_CTL" '{"post_status":405}'
off=$(log_mark "$RIG_TOKEN_LOG")
probe --image "$T/$REPO:$TAG"
is "$(pj code)" token_ok "POST 405 with a username: GET fallback works"
tl=$(log_since "$RIG_TOKEN_LOG" "$off")
like "$(printf '%s\n' "$tl" | sed -n 2p)" "^TOKEN method=GET status=200" "issuer log: GET after the 405"
ctl "$RIG_ISSUER_CTL" '{"post_status":null,"status_5xx":503}'
probe --image "$T/$REPO:$TAG"
is "$(pj code)" registry_outage "token endpoint 503: registry_outage"
like "$(pj evidence.flow.message)" 'unexpected status from POST request to .*: 503' "503 on the POST is final (no fallback)"
agree "issuer 503" "$T/$REPO:$TAG" --tls-verify=false
echo "# --- the token endpoint rate limits (429): rate_limited, not an outage"
ctl "$RIG_ISSUER_CTL" '{"status_5xx":null,"rate_limited":true}'
off=$(log_mark "$RIG_TOKEN_LOG")
probe --image "$T/$REPO:$TAG"
is "$RUN_RC" 1 "token endpoint 429: exit 1"
is "$(pj code)" rate_limited "token endpoint 429: rate_limited"
is "$(pj evidence.flow.message)" \
	"failed to fetch oauth token: unexpected status from POST request to $RIG_TOKEN_REALM: 429 Too Many Requests" \
	"429 on the POST is final: BuildKit's message names the POST"
is "$(pj evidence.flow.message_buildkit_v0_24)" \
	"failed to fetch oauth token: toomanyrequests: token rate limit exceeded, retry later" \
	"BuildKit >= 0.24 form: the registry error"
like "$(pj detail)" 'wait before retrying' "says to wait"
tl=$(log_since "$RIG_TOKEN_LOG" "$off")
like "$(printf '%s\n' "$tl" | sed -n 1p)" "^TOKEN method=POST status=429 " "issuer log: POST 429"
unlike "$tl" "method=GET" "issuer log: no GET fallback on 429"
agree "issuer 429" "$T/$REPO:$TAG" --tls-verify=false
nocreds
probe --image "$T/$REPO:$TAG"
is "$(pj code)" rate_limited "anonymous token request 429: rate_limited"
like "$(pj evidence.flow.message)" '^failed to fetch anonymous token: unexpected status from GET request to .*: 429 Too Many Requests$' \
	"anonymous wording"
creds "$T" "$RIG_USER:$RIG_PASS"
probe --registry "$T"
is "$(pj code)" rate_limited "login mode, 429: rate_limited"
is "$(pj evidence.flow.message)" "Get \"http://$T/v2/\": toomanyrequests: token rate limit exceeded, retry later" \
	"docker login's wording"
ctl "$RIG_ISSUER_CTL" '{"rate_limited":false}'
ctl "$RIG_ISSUER_CTL" '{"status_5xx":null,"no_access":true}'
probe --image "$T/$REPO:$TAG"
is "$(pj code)" insufficient_scope_or_permission "token without access: insufficient_scope_or_permission"
like "$(json_get "$RUN_OUT" probes.0.evidence.flow.warnings)" 'does not grant repository:fixkb/tiny:pull' "JWT access claim lacks pull"
agree "token without access" "$T/$REPO:$TAG" --tls-verify=false
echo "# --- public image, stale credentials: anonymous works, the stored credential fails"
ctl "$RIG_ISSUER_CTL" '{"no_access":false,"anonymous_pull":true}'
creds "$T" "alice:stale-$CANARY"
probe --image "$T/$REPO:$TAG"
is "$RUN_RC" 1 "stale credential on a public image: exit 1"
is "$(pj code)" shadowed_credentials "stale credential on a public image: shadowed_credentials"
is "$(pj evidence.anonymous_flow.outcome)" ok "the anonymous flow pulls"
agree "stale credential on a public image" "$T/$REPO:$TAG" --tls-verify=false
nocreds
probe --image "$T/$REPO:$TAG"
is "$(pj status)" ok "no credential on a public image: ok"
agree "anonymous on a public image" "$T/$REPO:$TAG" --tls-verify=false
ctl "$RIG_ISSUER_CTL" '{"anonymous_pull":false}'
ctl "$RIG_ISSUER_CTL" '{"no_access":false,"issued_at":"not-a-date"}'
probe --image "$T/$REPO:$TAG"
is "$(pj code)" registry_outage "malformed issued_at: the client cannot decode the response"
ctl "$RIG_ISSUER_CTL/reset" '{}'

echo "# --- identity token (refresh_token grant)"
ctl "$RIG_ISSUER_CTL" '{"refresh_tokens":true}'
rt=$(curl -s -X POST -d "grant_type=password&username=alice&password=$RIG_PASS&service=$SVC&client_id=test&access_type=offline" \
	"$RIG_TOKEN_REALM" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("refresh_token",""))')
ok "issuer handed out a refresh token" test -n "$rt"
printf '{"auths":{"%s":{"auth":"%s","identitytoken":"%s"}},"credHelpers":{"unused.invalid":"unused"}}\n' \
	"$T" "$(b64 'alice:')" "$rt" > "$DOCKER_CONFIG/config.json"
off=$(log_mark "$RIG_TOKEN_LOG")
probe --image "$T/$REPO:$TAG"
is "$(pj code)" token_ok "identity token: token_ok"
is "$(pj evidence.credential.identity_token)" true "evidence: identity token"
like "$(log_since "$RIG_TOKEN_LOG" "$off" | sed -n 1p)" '^TOKEN method=POST status=200 grant=refresh_token' "issuer log: POST grant=refresh_token"
ctl "$RIG_ISSUER_CTL/reset" '{}'   # forgets refresh tokens
probe --image "$T/$REPO:$TAG"
is "$(pj code)" expired_token "revoked identity token: expired_token"

echo "# --- login mode (no --image)"
creds "$T" "$RIG_USER:$RIG_PASS"
off=$(log_mark "$RIG_TOKEN_LOG")
probe --registry "$T"
is "$(pj code)" login_ok "login mode: login_ok"
like "$(pj detail)" 'pull access not checked' "says pull access was not checked"
like "$(log_since "$RIG_TOKEN_LOG" "$off")" "^TOKEN method=GET status=200 grant= scope= service=$SVC client_id=docker access_type= offline_token=true account=alice" "issuer log: docker login GET, no scope"

echo "# --- hostile: credentials never reach another host"
hoff=$(log_mark "$RIG_HOSTILE_LOG")
creds "$RIG_HOSTILE_REDIRECT_OTHER_HOST" "alice:$CANARY"
probe --image "$RIG_HOSTILE_REDIRECT_OTHER_HOST/$REPO:$TAG"
like "$(json_get "$RUN_OUT" probes.0.evidence.flow.steps)" '"credentials": "dropped"' "cross-host redirect: credentials dropped"
creds "$RIG_HOSTILE_REALM_OTHER_HOST" "alice:$CANARY"
probe --image "$RIG_HOSTILE_REALM_OTHER_HOST/$REPO:$TAG"
is "$(pj code)" realm_other_host "realm on another host: refused"
like "$(json_get "$RUN_OUT" probes.0.evidence.flow.warnings)" 'on another host' "realm on another host reported"
other=$(log_since "$RIG_HOSTILE_LOG" "$hoff" | grep 'listener=OTHER ' || true)
unlike "$other" 'authz=basic|authz=bearer|authz=other|form_secret=yes' "no credential reached the other host"
creds "$RIG_HOSTILE_HEADERS_FOREVER" "alice:$CANARY"
probe --image "$RIG_HOSTILE_HEADERS_FOREVER/$REPO:$TAG"
like "$(pj detail)" 'headers exceeded 65536 bytes' "endless headers: capped"
creds "$RIG_HOSTILE_TOKEN_HUGE" "alice:$CANARY"
probe --image "$RIG_HOSTILE_TOKEN_HUGE/$REPO:$TAG"
like "$(pj detail)" 'body exceeded 1048576 bytes' "50 MB token: capped at 1 MiB"
creds "$RIG_HOSTILE_BAD_UTF8" "alice:$CANARY"
probe --image "$RIG_HOSTILE_BAD_UTF8/$REPO:$TAG"
ok "invalid UTF-8: still valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT_DIR/$RUN_N.out"
watch_file "$RIG_TOKEN_LOG" "$RIG_HOSTILE_LOG"

reset_issuers
done_testing
