#!/usr/bin/env bash
# t9200 — fixkb against hostile servers (tests/rig/hostile.py): endless
# headers, a 100 MB body, slow-loris, redirect loops, redirects and realms
# on another host, an http realm for an https registry, broken token
# responses, invalid UTF-8, garbage, an empty reply, and an expired
# certificate. Every run plants a credential whose password is the canary
# and uses --timeout 5; each must end within the deadline (+2 s), exit 0 or
# 1 (never a signal, never a sanitizer report), report the right code with a
# detail that names the host and what is wrong, print valid JSON (strict
# UTF-8), and, per the hostile server's own request log, send no credential
# to another host, to an http realm of an https registry, or after a
# cross-host redirect. done_testing greps every output for the canary.
. "$TEST_LIB"

rig_start
if [ -z "${RIG_HOSTILE_LOG:-}" ] || [ -z "${RIG_HOSTILE_OTHER:-}" ]; then
	echo "Bail out! the rig has no hostile server (RIG_HOSTILE_* unset)"
	exit 1
fi
# Private stores only; no daemon.json or certs.d from the machine.
export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json" FIXKB_DOCKER_CERTS_D="$TEST_DIR/certs.d"
export HOME DOCKER_CONFIG
cd "$TEST_DIR" || exit 1          # doctor reads ./Dockerfile: there is none here

TIMEOUT=5
LIMIT_MS=$(( (TIMEOUT + 2) * 1000 ))
REPO=$RIG_REPO TAG=$RIG_TAG
TIMES="$TEST_DIR/times"
: > "$TIMES"
watch_file "$RIG_HOSTILE_LOG"

b64() { printf '%s' "$1" | base64 -w0; }
creds() {   # creds REG — alice with the canary as password, plain auths entry
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$1" "$(b64 "alice:$CANARY")" \
		> "$DOCKER_CONFIG/config.json"
}
re_escape() { printf '%s' "$1" | sed 's/[].[\\*^$()+?{}|]/\\&/g'; }
log_mark() { wc -l < "$RIG_HOSTILE_LOG"; }
log_since() { tail -n +"$(( $1 + 1 ))" "$RIG_HOSTILE_LOG"; }
HLOG0=$(log_mark)

# tep FIELD — a field of the token_endpoint probe in the last JSON output
# (doctor prints several probes); "" if the output is not strict-UTF-8 JSON.
tep() {
	python3 - "$OUT_DIR/$RUN_N.out" "$1" <<'EOF' 2>/dev/null
import json, sys
doc = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
p = [x for x in doc["probes"] if x["name"] == "token_endpoint"][0]
cur = p
for part in sys.argv[2].split("."):
    cur = cur[int(part)] if isinstance(cur, list) else cur.get(part)
    if cur is None:
        break
print(cur if not isinstance(cur, (dict, list, bool)) else json.dumps(cur))
EOF
}
strict_json() {   # the whole output: valid UTF-8 (strict) and valid JSON
	python3 -c '
import json, sys
json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
' "$OUT_DIR/$RUN_N.out"
}

# timed LABEL ARGS... — run_fixkb with --timeout, then the common checks:
# deadline, exit code, no sanitizer report, strict JSON.
timed() {
	local label=$1 t0 t1
	shift
	t0=$(date +%s%N)
	run_fixkb --timeout "$TIMEOUT" "$@"
	t1=$(date +%s%N)
	WALL_MS=$(( (t1 - t0) / 1000000 ))
	printf '%-28s %6d ms  rc=%s  %s\n' "$label" "$WALL_MS" "$RUN_RC" "$(tep code)" >> "$TIMES"
	echo "# $label: ${WALL_MS} ms, rc $RUN_RC"
	ok "$label: ends within the deadline (${WALL_MS} ms < ${LIMIT_MS} ms)" test "$WALL_MS" -lt "$LIMIT_MS"
	if [ "$RUN_RC" -eq 0 ] || [ "$RUN_RC" -eq 1 ]; then tap_ok 0 "$label: exit code $RUN_RC (0 or 1)"
	else tap_ok 1 "$label: exit code $RUN_RC (0 or 1)"; sed 's/^/#   /' "$OUT_DIR/$RUN_N.err" | head -20; fi
	unlike "$RUN_ERR" 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' \
		"$label: no sanitizer report"
	ok "$label: valid JSON, strict UTF-8" strict_json
}

# probe_case LABEL REG IMAGE CODE DETAIL_ERE [GLOBAL ARGS...]
probe_case() {
	local label=$1 reg=$2 image=$3 code=$4 detail=$5
	shift 5
	creds "$reg"
	timed "$label" "$@" probe token_endpoint --registry "$reg" --image "$image" --format json
	is "$(tep code)" "$code" "$label: code $code"
	is "$(tep registry)" "$reg" "$label: names the registry"
	case $code in
	token_ok|no_auth_required) ;;   # nothing wrong: the registry field names it
	*) like "$(tep detail)" "$(re_escape "$reg")" "$label: detail names the host" ;;
	esac
	like "$(tep detail)" "$detail" "$label: detail says what is wrong"
}

# doctor_case LABEL REG CODE DETAIL_ERE [GLOBAL ARGS...]
doctor_case() {
	local label=$1 reg=$2 code=$3 detail=$4
	shift 4
	creds "$reg"
	timed "$label" "$@" doctor --registry "$reg" --format json
	is "$(tep code)" "$code" "$label: code $code"
	like "$(tep detail)" "$(re_escape "$reg")" "$label: detail names the host"
	like "$(tep detail)" "$detail" "$label: detail says what is wrong"
}

# no_cred_to LISTENER TEXT NAME — no request on that listener carried a credential
no_cred_to() {
	local lines
	lines=$(printf '%s\n' "$2" | grep "^HOSTILE listener=$1 " || true)
	unlike "$lines" 'authz=(basic|bearer|other)|form_secret=yes' "$3"
}

R_HF=$RIG_HOSTILE_HEADERS_FOREVER R_BB=$RIG_HOSTILE_BIG_BODY R_SL=$RIG_HOSTILE_SLOWLORIS
R_RL=$RIG_HOSTILE_REDIRECT_LOOP R_RO=$RIG_HOSTILE_REDIRECT_OTHER_HOST
R_RE=$RIG_HOSTILE_REALM_OTHER_HOST R_TH=$RIG_HOSTILE_TLS_HTTP_REALM R_SINK=$RIG_HOSTILE_TOKEN_SINK
R_NJ=$RIG_HOSTILE_TOKEN_NOT_JSON R_TB=$RIG_HOSTILE_TOKEN_HUGE R_TK=$RIG_HOSTILE_TOKEN_10K
R_U8=$RIG_HOSTILE_BAD_UTF8 R_GB=$RIG_HOSTILE_GARBAGE R_ER=$RIG_HOSTILE_EMPTY_REPLY
OTHER_IP=${RIG_HOSTILE_OTHER%:*}

echo "# --- transport: endless headers, 100 MB body (with a length and chunked), slow-loris"
probe_case headers-forever "$R_HF" "$R_HF/$REPO:$TAG" registry_outage \
	'response headers exceeded 65536 bytes; transfer aborted'
# login mode (no --image) GETs /v2/: the 100 MB body is cut at the cap
creds "$R_BB"
timed big-body-get probe token_endpoint --registry "$R_BB" --format json
is "$(tep code)" registry_outage "big-body-get: code registry_outage"
like "$(tep detail)" "GET http://$(re_escape "$R_BB")/v2/: response body exceeded 65536 bytes; transfer aborted" \
	"big-body-get: detail names the host and the cap"
# with --image the manifest is HEADed: a HEAD response has no body, so its
# Content-Length (100 MB) or a chunked stream is not read and not an error
probe_case big-body-head "$R_BB" "$R_BB/$REPO:$TAG" no_auth_required 'answered 200 without credentials'
probe_case big-body-head-chunked "$R_BB" "$R_BB/chunked/tiny:$TAG" no_auth_required \
	'chunked/tiny/manifests/latest answered 200 without credentials'
# a server that accepts and dribbles is slow, not unreachable (issue 10)
probe_case slowloris "$R_SL" "$R_SL/$REPO:$TAG" timeout \
	"HEAD http://$(re_escape "$R_SL")/v2/.*it accepted the connection, but no answer came before the run's deadline: it is slow, not unreachable"
ok "slow-loris: gave up near the deadline, not before it (${WALL_MS} ms >= 4000)" test "$WALL_MS" -ge 4000

echo "# --- redirects: a loop, and to another host (credentials must not follow)"
probe_case redirect-loop "$R_RL" "$R_RL/$REPO:$TAG" registry_outage 'stopped after 5 redirects'
off=$(log_mark)
probe_case redirect-other-host "$R_RO" "$R_RO/$REPO:$TAG" registry_outage \
	"the registry $(re_escape "$R_RO") redirected HEAD to another host \\(http://$(re_escape "$RIG_HOSTILE_OTHER")/.*credential is not carried across hosts"
like "$(tep evidence.flow.steps)" '"credentials": "dropped"' "redirect-other-host: evidence says credentials dropped"
hl=$(log_since "$off")
like "$hl" "^HOSTILE listener=OTHER .*host=$(re_escape "$RIG_HOSTILE_OTHER") " \
	"redirect-other-host: the redirect was followed to the other host"
no_cred_to OTHER "$hl" "redirect-other-host: no Authorization, no password field after the cross-host redirect"

echo "# --- realms: on another host; plain http for an https registry"
off=$(log_mark)
probe_case realm-other-host "$R_RE" "$R_RE/$REPO:$TAG" realm_other_host \
	"not sending the credential to the token realm http://$(re_escape "$RIG_HOSTILE_OTHER")/token: .*on another host than the registry $(re_escape "$R_RE")"
is "$(tep status)" error "realm-other-host: status error (the credential was not checked)"
like "$(tep evidence.flow.warnings)" 'on another host' "realm-other-host: warning recorded"
no_cred_to OTHER "$(log_since "$off")" "realm-other-host: no credential reached $OTHER_IP (log)"

off=$(log_mark)
probe_case tls-http-realm "$R_TH" "$R_TH/$REPO:$TAG" tls_http_mismatch \
	"the registry $(re_escape "$R_TH") is https but its token realm http://$(re_escape "$R_SINK")/token is plain http" \
	--cacert "$RIG_CA_CERT"
is "$(tep status)" fail "tls-http-realm: status fail"
is "$(tep evidence.scheme)" https "tls-http-realm: the registry was reached over verified https"
hl=$(log_since "$off")
like "$hl" "^HOSTILE listener=TLS_HTTP_REALM .*method=HEAD" "tls-http-realm: the https registry was asked (log)"
no_cred_to TOKEN_SINK "$hl" "tls-http-realm: no credential sent to the http realm (log)"
no_cred_to TLS_HTTP_REALM "$hl" "tls-http-realm: no credential sent to the registry either (log)"

echo "# --- token responses: not JSON, 50 MB, a 10 kB token"
probe_case token-not-json "$R_NJ" "$R_NJ/$REPO:$TAG" registry_outage \
	"token endpoint POST http://$(re_escape "$R_NJ")/token answered 200 but not with JSON \\(text/html"
probe_case token-50mb "$R_TB" "$R_TB/$REPO:$TAG" registry_outage \
	"POST http://$(re_escape "$R_TB")/token: response body exceeded 1048576 bytes"
probe_case token-10k "$R_TK" "$R_TK/$REPO:$TAG" token_ok 'the token granted'
is "$RUN_RC" 0 "token-10k: a 10 kB token is fine (exit 0)"
unlike "$RUN_OUT$RUN_ERR" 'TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT' "token-10k: the token itself is never printed"

echo "# --- invalid UTF-8 everywhere (reason phrase, challenge, headers, bodies)"
probe_case bad-utf8 "$R_U8" "$R_U8/$REPO:$TAG" oauth_token_rejected \
	"token endpoint refused the credential: GET http://$(re_escape "$R_U8")/token"
creds "$R_U8"
run_fixkb --timeout "$TIMEOUT" probe token_endpoint --registry "$R_U8" --image "$R_U8/$REPO:$TAG"
ok "bad-utf8: text output is valid UTF-8 too" iconv -f UTF-8 -t UTF-8 "$OUT_DIR/$RUN_N.out"
like "$RUN_OUT" "$(re_escape "$R_U8")" "bad-utf8: text output names the registry"

echo "# --- not HTTP at all: garbage, an empty reply"
probe_case garbage "$R_GB" "$R_GB/$REPO:$TAG" registry_outage 'did not answer with HTTP'
probe_case empty-reply "$R_ER" "$R_ER/$REPO:$TAG" registry_outage \
	'closed the connection without answering'

echo "# --- TLS: an expired certificate (CA trusted with --cacert)"
R_EX=$RIG_TLS_EXPIRED_REGISTRY
probe_case tls-expired "$R_EX" "$R_EX/$REPO:$TAG" tls_other \
	"TLS to $(re_escape "$R_EX") failed: .*certificate has expired" --cacert "$RIG_CA_CERT"

echo "# --- the doctor path"
doctor_case doctor-slowloris "$R_SL" timeout 'slow, not unreachable; the deadline was the run.s --timeout'
ok "doctor-slowloris: gave up near the deadline (${WALL_MS} ms >= 3000)" test "$WALL_MS" -ge 3000
is "$RUN_RC" 1 "doctor-slowloris: exit 1"
off=$(log_mark)
doctor_case doctor-realm-other-host "$R_RE" realm_other_host 'on another host than the registry'
no_cred_to OTHER "$(log_since "$off")" "doctor-realm-other-host: no credential reached $OTHER_IP (log)"
off=$(log_mark)
doctor_case doctor-tls-http-realm "$R_TH" tls_http_mismatch 'is https but its token realm http://' \
	--cacert "$RIG_CA_CERT"
no_cred_to TOKEN_SINK "$(log_since "$off")" "doctor-tls-http-realm: no credential sent to the http realm (log)"
doctor_case doctor-bad-utf8 "$R_U8" oauth_token_rejected 'token endpoint refused the credential'
doctor_case doctor-garbage "$R_GB" registry_outage 'did not answer with HTTP'
doctor_case doctor-headers-forever "$R_HF" registry_outage 'headers exceeded 65536 bytes'

echo "# --- over the whole test: the other host never saw a credential"
hl=$(log_since "$HLOG0")
no_cred_to OTHER "$hl" "no Authorization header, no password field ever reached listener OTHER ($OTHER_IP)"
no_cred_to TOKEN_SINK "$hl" "no credential ever reached the http realm of the https registry"

echo "# wall times (--timeout $TIMEOUT):"
sed 's/^/#   /' "$TIMES"
done_testing
