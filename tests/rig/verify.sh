#!/usr/bin/env bash
# verify.sh [DIR] — smoke check of a running rig with curl and skopeo (TAP output).
#
#   tests/rig/verify.sh /tmp/rig.XXXX        # standalone: reads DIR/env (or $RIG_DIR/env)
#   . tests/rig/verify.sh; rig_verify        # sourced from a test after test-lib.sh:
#                                            # uses the caller's ok/is/like and $RIG_* env
#
# Checks: every registry's /v2/ challenge and TLS behaviour, skopeo with alice on the
# basic/token/TLS registries and its exact failure messages (test-rig.md §12), the flow
# skopeo uses (GET with Basic, in the token log), the issuer's POST/GET paths, JWT
# claims, and its control endpoint (POST 404/405/400, deny_anonymous, refresh tokens,
# 5xx, delay), the no-POST issuer, and that the hostile listeners answer and never log
# a credential. Restores the issuers' state (POST /__ctl/reset) when done.

_rv_py() { if [ -x /usr/bin/python3 ]; then /usr/bin/python3 "$@"; else python3 "$@"; fi; }

# rv_has TEXT LITERAL NAME — fixed-string match (skopeo messages are full of regex chars)
rv_has() {
	if printf '%s' "$1" | grep -qF -- "$2"; then ok "$3" true; else
		ok "$3" false
		printf '#   literal not found: %s\n#   in:\n' "$2"
		printf '%s\n' "$1" | head -20 | sed 's/^/#     /'
	fi
}

# rv_curl ARGS... -> RV_CODE (http code or 000), RV_RC (curl rc), RV_OUT (body), RV_HDR, RV_ERR
rv_curl() {
	local t=$RV_TMP/curl.$$
	RV_CODE=$(curl -sS --max-time 10 -D "$t.h" -o "$t.b" -w '%{http_code}' "$@" 2>"$t.e")
	RV_RC=$?
	RV_OUT=$(cat "$t.b" 2>/dev/null)
	RV_HDR=$(tr -d '\r' < "$t.h" 2>/dev/null)
	RV_ERR=$(cat "$t.e")
	rm -f "$t.h" "$t.b" "$t.e"
}

# rv_skopeo ARGS... -> RV_SK_RC, RV_SK_OUT (stdout+stderr)
rv_skopeo() {
	RV_SK_OUT=$(env -u REGISTRY_AUTH_FILE -u DOCKER_CONFIG HOME="$RV_TMP/home" \
		XDG_RUNTIME_DIR="$RV_TMP/run" XDG_CONFIG_HOME="$RV_TMP/home/.config" \
		timeout 60 skopeo "$@" </dev/null 2>&1)
	RV_SK_RC=$?
}

rv_ctl() { # rv_ctl ISSUER_CTL_URL PATH JSON
	curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		--data "$3" "$1$2"
}

# lines appended to a log since offset N (line count)
rv_log_since() { tail -n "+$(($2 + 1))" "$1"; }
rv_lines() { wc -l < "$1" | tr -d ' '; }

# JWT payload/header as JSON; field access via python
rv_jwt_part() { # rv_jwt_part TOKEN 0|1
	_rv_py -c '
import base64, sys
p = sys.argv[1].split(".")[int(sys.argv[2])]
print(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode())' "$1" "$2"
}
rv_json() { # rv_json JSON EXPR  (EXPR in python with d = the document)
	printf '%s' "$1" | _rv_py -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$2" 2>/dev/null
}

rig_verify() {
	local REPO=${RIG_REPO:-fixkb/tiny} TAG=${RIG_TAG:-latest}
	local B=$RIG_BASIC_REGISTRY T=$RIG_TOKEN_REGISTRY N=$RIG_TOKEN_NOPOST_REGISTRY
	local S=$RIG_TLS_REGISTRY SS=$RIG_TLS_SELFSIGNED_REGISTRY W=$RIG_TLS_WRONGHOST_REGISTRY
	local X=${RIG_TLS_EXPIRED_REGISTRY:-} U=$RIG_USER P=$RIG_PASS
	local CTL=$RIG_ISSUER_CTL NCTL=${RIG_NOPOST_ISSUER_CTL:-}
	local SVC=${RIG_TOKEN_SERVICE:-fixkb-registry}
	local off tok hdr pay img="docker://$B/$REPO:$TAG" scope="repository:$REPO:pull"
	RV_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rigv.XXXXXX")
	mkdir -p "$RV_TMP/home" "$RV_TMP/run"; chmod 700 "$RV_TMP/run"
	rv_ctl "$CTL" /reset '{}' >/dev/null
	[ -n "$NCTL" ] && rv_ctl "$NCTL" /reset '{}' >/dev/null

	echo "# --- /v2/ challenges"
	rv_curl "http://$B/v2/"
	is "$RV_CODE" 401 "basic registry /v2/ answers 401"
	like "$RV_HDR" '^Www-Authenticate: Basic realm="fixkb-basic-realm"$' "basic registry sends the Basic challenge"
	like "$RV_HDR" '^Docker-Distribution-Api-Version: registry/2.0$' "basic registry sends the API version header"
	rv_curl "http://$T/v2/"
	is "$RV_CODE" 401 "token registry /v2/ answers 401"
	rv_has "$RV_HDR" "Www-Authenticate: Bearer realm=\"$RIG_TOKEN_REALM\",service=\"$SVC\"" "token registry challenge names the realm and service"
	rv_curl "http://$T/v2/$REPO/manifests/$TAG"
	rv_has "$RV_HDR" "service=\"$SVC\",scope=\"repository:$REPO:pull\"" "token registry manifest challenge carries the pull scope"
	rv_curl "http://$N/v2/"
	rv_has "$RV_HDR" "Www-Authenticate: Bearer realm=\"$RIG_TOKEN_NOPOST_REALM\",service=\"$SVC\"" "no-POST registry challenge names its own realm"
	rv_curl --cacert "$RIG_CA_CERT" "https://$S/v2/"
	is "$RV_CODE/$RV_RC" 401/0 "TLS registry: 401 over https with the test CA"
	like "$RV_HDR" '^[Ww]ww-[Aa]uthenticate: Basic realm="fixkb-basic-realm"$' "TLS registry sends the Basic challenge (HTTP/2: lower-case names)"
	rv_curl "https://$S/v2/"
	is "$RV_RC" 60 "TLS registry without the CA: curl 60"
	rv_has "$RV_ERR" "unable to get local issuer certificate" "TLS registry without the CA: unknown issuer"
	rv_curl --capath "$RIG_CERT_DIR" --cacert "$RIG_CERT_DIR/ca.crt" "https://$S/v2/"
	is "$RV_CODE" 401 "RIG_CERT_DIR/ca.crt is the CA"
	rv_curl --cacert "$RIG_CA_CERT" "https://$SS/v2/"
	is "$RV_RC" 60 "self-signed registry: curl 60"
	rv_has "$RV_ERR" "self-signed certificate" "self-signed registry: self-signed certificate"
	rv_curl -k "https://$SS/v2/"
	is "$RV_CODE" 401 "self-signed registry answers with -k"
	rv_curl --cacert "$RIG_CA_CERT" "https://$W/v2/"
	is "$RV_RC" 60 "wrong-host registry: curl 60"
	rv_has "$RV_ERR" "no alternative certificate subject name matches target host name '127.0.0.1'" "wrong-host registry: SAN mismatch"
	if [ -n "$X" ]; then
		rv_curl --cacert "$RIG_CA_CERT" "https://$X/v2/"
		is "$RV_RC" 60 "expired registry: curl 60"
		rv_has "$RV_ERR" "certificate has expired" "expired registry: certificate has expired"
	fi
	rv_curl "https://$B/v2/"
	is "$RV_RC" 35 "https to the plain-http port: curl 35"
	rv_curl "http://$S/v2/"
	is "$RV_CODE" 400 "http to the TLS port: HTTP 400"

	echo "# --- skopeo (containers/image) against the registries"
	rv_skopeo inspect --tls-verify=false --creds "$U:$P" "$img"
	is "$RV_SK_RC" 0 "skopeo inspect, basic registry, alice"
	rv_has "$RV_SK_OUT" "\"Name\": \"$B/$REPO\"" "skopeo sees the pushed image on the basic registry"
	rv_skopeo inspect --tls-verify=false --creds "$U:wrong" "$img"
	is "$RV_SK_RC" 1 "skopeo inspect, basic registry, wrong password fails"
	rv_has "$RV_SK_OUT" "Error parsing image name \\\"$img\\\": reading manifest $TAG in $B/$REPO: unauthorized: authentication required" "basic wrong creds: exact skopeo message"
	rv_skopeo inspect --tls-verify=false "$img"
	rv_has "$RV_SK_OUT" "reading manifest $TAG in $B/$REPO: unauthorized: authentication required" "basic no creds: same message as wrong creds"
	rv_skopeo inspect "$img"
	rv_has "$RV_SK_OUT" "pinging container registry $B: Get \\\"https://$B/v2/\\\": http: server gave HTTP response to HTTPS client" "plain-http registry without --tls-verify=false"
	rv_skopeo inspect --tls-verify=false --creds "$U:$P" "docker://$B/fixkb/nosuchrepo:$TAG"
	rv_has "$RV_SK_OUT" "reading manifest $TAG in $B/fixkb/nosuchrepo: manifest unknown: manifest unknown" "unknown repository: manifest unknown"

	off=$(rv_lines "$RIG_TOKEN_LOG")
	rv_skopeo inspect --tls-verify=false --creds "$U:$P" "docker://$T/$REPO:$TAG"
	is "$RV_SK_RC" 0 "skopeo inspect, token registry, alice"
	local tl
	tl=$(rv_log_since "$RIG_TOKEN_LOG" "$off")
	like "$tl" "^TOKEN method=GET status=200 grant= scope=repository:$REPO:pull service=$SVC .* user=$U auth=basic " "token log: skopeo used GET with Basic"
	unlike "$tl" "method=POST" "token log: skopeo never POSTs"
	rv_skopeo inspect --tls-verify=false --creds "$U:wrong" "docker://$T/$REPO:$TAG"
	is "$RV_SK_RC" 1 "skopeo inspect, token registry, wrong password fails"
	rv_has "$RV_SK_OUT" "Error parsing image name \\\"docker://$T/$REPO:$TAG\\\": unable to retrieve auth token: invalid username/password: unauthorized: incorrect username or password" "token wrong creds: exact skopeo message"
	rv_skopeo inspect --tls-verify=false "docker://$T/$REPO:$TAG"
	rv_has "$RV_SK_OUT" "reading manifest $TAG in $T/$REPO: errors:\\ndenied: requested access to the resource is denied\\nunauthorized: authentication required\\n" "token no creds: anonymous token, access denied"
	rv_skopeo inspect --tls-verify=false --creds "$U:$P" "docker://$N/$REPO:$TAG"
	is "$RV_SK_RC" 0 "skopeo inspect, no-POST token registry, alice (GET flow)"
	rv_skopeo inspect --tls-verify=false "docker://$N/$REPO:$TAG"
	rv_has "$RV_SK_OUT" "unable to retrieve auth token: invalid username/password: unauthorized: authentication required" "no-POST registry, no creds: anonymous denied"
	if [ -d "${RIG_DIR:-}/oci" ]; then
		rv_skopeo --policy "${RIG_SKOPEO_POLICY:-/etc/containers/policy.json}" copy --dest-tls-verify=false \
			--dest-creds "$RIG_RO_USER:$RIG_RO_PASS" "oci:$RIG_DIR/oci:tiny" "docker://$T/$REPO:byreader"
		is "$RV_SK_RC" 1 "read-only user cannot push to the token registry"
		rv_has "$RV_SK_OUT" "requested access to the resource is denied" "read-only push: access denied"
	fi

	rv_skopeo inspect --cert-dir "$RIG_CERT_DIR" --creds "$U:$P" "docker://$S/$REPO:$TAG"
	is "$RV_SK_RC" 0 "skopeo inspect, TLS registry, alice, --cert-dir"
	rv_skopeo inspect --creds "$U:$P" "docker://$S/$REPO:$TAG"
	rv_has "$RV_SK_OUT" "pinging container registry $S: Get \\\"https://$S/v2/\\\": x509: certificate signed by unknown authority" "TLS registry without the CA: x509 unknown authority"
	rv_skopeo inspect --cert-dir "$RIG_CERT_DIR" --creds "$U:wrong" "docker://$S/$REPO:$TAG"
	rv_has "$RV_SK_OUT" "reading manifest $TAG in $S/$REPO: unauthorized: authentication required" "TLS registry, wrong creds"
	rv_skopeo inspect --cert-dir "$RIG_CERT_DIR" --creds "$U:$P" "docker://$SS/$REPO:$TAG"
	rv_has "$RV_SK_OUT" "x509: certificate signed by unknown authority" "self-signed registry: x509 unknown authority"
	rv_skopeo inspect --tls-verify=false --creds "$U:$P" "docker://$SS/$REPO:$TAG"
	is "$RV_SK_RC" 0 "self-signed registry serves the image with --tls-verify=false"
	rv_skopeo inspect --cert-dir "$RIG_CERT_DIR" --creds "$U:$P" "docker://$W/$REPO:$TAG"
	rv_has "$RV_SK_OUT" "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs" "wrong-host registry: no IP SANs"
	if [ -n "$X" ]; then
		rv_skopeo inspect --cert-dir "$RIG_CERT_DIR" --creds "$U:$P" "docker://$X/$REPO:$TAG"
		rv_has "$RV_SK_OUT" "x509: certificate has expired or is not yet valid" "expired registry: x509 expired"
	fi

	echo "# --- token issuer, directly"
	local form="grant_type=password&username=$U&password=$P&service=$SVC&client_id=fixkb-verify&scope=$scope"
	off=$(rv_lines "$RIG_TOKEN_LOG")
	rv_curl -X POST --data "$form" "$RIG_TOKEN_REALM"
	is "$RV_CODE" 200 "POST grant_type=password, alice: 200"
	tok=$(rv_json "$RV_OUT" 'd["access_token"]')
	is "$(rv_json "$RV_OUT" 'd["expires_in"]')" 300 "POST response: expires_in 300"
	like "$(rv_json "$RV_OUT" 'd["issued_at"]')" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "POST response: issued_at is RFC 3339"
	is "$(rv_json "$RV_OUT" 'd["scope"]')" "$scope" "POST response echoes the scope"
	hdr=$(rv_jwt_part "$tok" 0)
	pay=$(rv_jwt_part "$tok" 1)
	is "$(rv_json "$hdr" 'd["alg"]')" RS256 "JWT alg RS256"
	like "$(rv_json "$hdr" 'd["kid"]')" '^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$' "JWT kid is a libtrust key ID"
	is "$(rv_json "$pay" '[d["iss"], d["aud"], d["sub"]]')" "[\"${RIG_TOKEN_ISSUER:-fixkb-token-issuer}\", \"$SVC\", \"$U\"]" "JWT iss/aud/sub"
	is "$(rv_json "$pay" 'd["access"]')" "[{\"type\": \"repository\", \"name\": \"$REPO\", \"actions\": [\"pull\"]}]" "JWT access: pull on the repo"
	is "$(rv_json "$pay" 'd["exp"] - d["iat"] == 300 and d["iat"] - d["nbf"] == 30 and len(d["jti"]) > 8')" true "JWT exp/nbf/iat/jti"
	rv_curl -H "Authorization: Bearer $tok" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$T/v2/$REPO/manifests/$TAG"
	is "$RV_CODE" 200 "the registry accepts a POST-issued token"
	like "$(rv_log_since "$RIG_TOKEN_LOG" "$off")" "^TOKEN method=POST status=200 grant=password scope=$scope service=$SVC client_id=fixkb-verify access_type= .*user=$U auth=form " "token log: POST grant=password line"
	rv_curl -X POST --data "grant_type=password&username=$U&password=wrong&service=$SVC&client_id=x&scope=$scope" "$RIG_TOKEN_REALM"
	is "$RV_CODE $RV_OUT" '401 {"details": "incorrect username or password"}' "POST wrong password: 401 details"
	rv_curl -u "$U:wrong" "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE $RV_OUT" '401 {"details": "incorrect username or password"}' "GET wrong password: 401 details"
	rv_curl -X POST --data "grant_type=client_credentials&service=$SVC" "$RIG_TOKEN_REALM"
	is "$RV_CODE $RV_OUT" '400 {"error": "unsupported_grant_type"}' "POST unknown grant: 400 unsupported_grant_type"
	rv_curl "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE" 200 "anonymous GET: 200"
	is "$(rv_json "$(rv_jwt_part "$(rv_json "$RV_OUT" 'd["token"]')" 1)" 'd["access"]')" "[]" "anonymous token has empty access"
	rv_curl -u "$RIG_RO_USER:$RIG_RO_PASS" "$RIG_TOKEN_REALM?scope=repository:$REPO:pull,push&service=$SVC"
	is "$(rv_json "$(rv_jwt_part "$(rv_json "$RV_OUT" 'd["token"]')" 1)" 'd["access"][0]["actions"]')" '["pull"]' "reader asking pull,push gets pull only"
	rv_curl -u "$U:$P" "$RIG_TOKEN_REALM?scope=repository:$REPO:pull,push&scope=repository:other/x:pull&service=$SVC"
	is "$(rv_json "$(rv_jwt_part "$(rv_json "$RV_OUT" 'd["token"]')" 1)" '[a["name"] for a in d["access"]]')" "[\"$REPO\", \"other/x\"]" "repeated GET scope parameters"

	echo "# --- control endpoint"
	local st
	for st in 404 405 400 401; do
		is "$(rv_ctl "$CTL" '' "{\"post_status\":$st}")" 200 "ctl: post_status=$st accepted"
		rv_curl -X POST --data "$form" "$RIG_TOKEN_REALM"
		is "$RV_CODE" "$st" "ctl: POST now answers $st"
	done
	rv_curl -u "$U:$P" "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE" 200 "ctl: GET still works while POST fails"
	rv_ctl "$CTL" '' '{"post_status":null}' >/dev/null
	rv_curl -X POST --data "$form" "$RIG_TOKEN_REALM"
	is "$RV_CODE" 200 "ctl: post_status=null restores POST"
	rv_ctl "$CTL" '' '{"deny_anonymous":true}' >/dev/null
	rv_curl "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE $RV_OUT" '401 {"details": "authentication required"}' "ctl: deny_anonymous"
	rv_ctl "$CTL" '' '{"refresh_tokens":true}' >/dev/null
	rv_curl -X POST --data "$form&access_type=offline" "$RIG_TOKEN_REALM"
	local rt
	rt=$(rv_json "$RV_OUT" 'd.get("refresh_token", "")')
	ok "ctl: refresh_tokens issues a refresh_token on access_type=offline" test -n "$rt"
	rv_curl -X POST --data "grant_type=refresh_token&refresh_token=$rt&service=$SVC&client_id=docker&scope=$scope" "$RIG_TOKEN_REALM"
	is "$RV_CODE" 200 "grant_type=refresh_token accepted"
	rv_curl -u "$U:$P" "$RIG_TOKEN_REALM?offline_token=true&client_id=docker&account=$U&service=$SVC"
	ok "GET offline_token=true returns a refresh_token (docker login flow)" test -n "$(rv_json "$RV_OUT" 'd.get("refresh_token", "")')"
	rv_ctl "$CTL" '' '{"status_5xx":503}' >/dev/null
	rv_curl -u "$U:$P" "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE" 503 "ctl: status_5xx=503 (GET)"
	rv_curl -X POST --data "$form" "$RIG_TOKEN_REALM"
	is "$RV_CODE" 503 "ctl: status_5xx=503 (POST)"
	rv_ctl "$CTL" '' '{"rate_limited":true}' >/dev/null
	rv_curl -u "$U:$P" "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE" 429 "ctl: rate_limited answers 429 (GET)"
	is "$(rv_json "$RV_OUT" 'd["errors"][0]["code"]')" TOOMANYREQUESTS "ctl: rate_limited body is TOOMANYREQUESTS"
	ok "ctl: rate_limited sends Retry-After" grep -qi '^Retry-After: 60' <<<"$RV_HDR"
	rv_curl -X POST --data "$form" "$RIG_TOKEN_REALM"
	is "$RV_CODE" 429 "ctl: rate_limited answers 429 (POST)"
	rv_ctl "$CTL" /reset '{}' >/dev/null
	rv_ctl "$CTL" '' '{"delay_ms":150}' >/dev/null
	local t
	t=$(curl -s -o /dev/null -w '%{time_total}' -u "$U:$P" "$RIG_TOKEN_REALM?scope=$scope&service=$SVC")
	ok "ctl: delay_ms=150 delays the answer ($t s)" awk -v t="$t" 'BEGIN{exit !(t >= 0.15)}'
	local k want ctok
	for k in '{"header":"x5c"}|200|' '{"bad_signature":true}|401|error="invalid_token"' \
		'{"no_access":true}|401|error="insufficient_scope"'; do
		rv_ctl "$CTL" /reset '{}' >/dev/null
		rv_ctl "$CTL" '' "${k%%|*}" >/dev/null
		want=${k#*|}
		rv_curl -u "$U:$P" "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
		ctok=$(rv_json "$RV_OUT" 'd["token"]')
		rv_curl -H "Authorization: Bearer $ctok" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
			"http://$T/v2/$REPO/manifests/$TAG"
		is "$RV_CODE" "${want%%|*}" "ctl ${k%%|*}: registry answers ${want%%|*}"
		[ -z "${want#*|}" ] || rv_has "$RV_HDR" "${want#*|}" "ctl ${k%%|*}: challenge has ${want#*|}"
	done
	rv_ctl "$CTL" /reset '{}' >/dev/null
	rv_ctl "$CTL" '' '{"token_fields":"token","issued_at":"not-a-date","expires_in":0}' >/dev/null
	rv_curl -u "$U:$P" "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
	is "$(rv_json "$RV_OUT" '[sorted(d), d["issued_at"], d["expires_in"]]')" \
		'[["expires_in", "issued_at", "token"], "not-a-date", 0]' "ctl: token_fields, issued_at, expires_in"
	rv_ctl "$CTL" /reset '{}' >/dev/null
	is "$(rv_ctl "$CTL" '' '{"no_such_key":1}')" 400 "ctl: unknown key rejected with 400"
	is "$(rv_ctl "$CTL" /reset '{}')" 200 "ctl: reset"
	rv_curl "$CTL"
	is "$(rv_json "$RV_OUT" '[d["post_status"], d["deny_anonymous"], d["refresh_tokens"], d["status_5xx"], d["delay_ms"]]')" \
		'[null, false, false, null, 0]' "ctl: GET shows the startup state after reset"
	rv_curl "$RIG_TOKEN_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE" 200 "after reset anonymous GET works again"

	echo "# --- the no-POST issuer"
	off=$(rv_lines "$RIG_TOKEN_NOPOST_LOG")
	rv_curl -X POST --data "$form" "$RIG_TOKEN_NOPOST_REALM"
	is "$RV_CODE" 404 "no-POST issuer: POST answers 404"
	rv_curl "$RIG_TOKEN_NOPOST_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE" 401 "no-POST issuer: anonymous GET answers 401"
	rv_curl -u "$U:$P" "$RIG_TOKEN_NOPOST_REALM?scope=$scope&service=$SVC"
	is "$RV_CODE" 200 "no-POST issuer: GET with Basic works"
	like "$(rv_log_since "$RIG_TOKEN_NOPOST_LOG" "$off")" "^TOKEN method=POST status=404 grant=password" "no-POST log records the refused POST"

	echo "# --- hostile server"
	if [ -n "${RIG_HOSTILE_LOG:-}" ]; then
		local secretpw
		secretpw="hostile-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
		rv_curl "http://$RIG_HOSTILE_REALM_OTHER_HOST/v2/"
		rv_has "$RV_HDR" "Bearer realm=\"http://$RIG_HOSTILE_OTHER/token\"" "REALM_OTHER_HOST points at the other host"
		like "$RIG_HOSTILE_OTHER" '^127\.0\.0\.2:' "OTHER listens on 127.0.0.2"
		rv_curl -u "alice:$secretpw" "http://$RIG_HOSTILE_REDIRECT_OTHER_HOST/v2/"
		is "$RV_CODE" 307 "REDIRECT_OTHER_HOST redirects"
		rv_has "$RV_HDR" "Location: http://$RIG_HOSTILE_OTHER/v2/" "... to the other host"
		rv_curl -L --max-redirs 5 "http://$RIG_HOSTILE_REDIRECT_LOOP/v2/"
		is "$RV_RC" 47 "REDIRECT_LOOP loops (curl 47)"
		rv_curl --max-time 1 "http://$RIG_HOSTILE_HEADERS_FOREVER/v2/"
		ok "HEADERS_FOREVER never finishes its headers" test "$RV_RC" -ne 0
		rv_curl --max-time 1 "http://$RIG_HOSTILE_SLOWLORIS/v2/"
		is "$RV_RC" 28 "SLOWLORIS times out"
		rv_curl --cacert "$RIG_CA_CERT" "https://$RIG_HOSTILE_TLS_HTTP_REALM/v2/"
		rv_has "$RV_HDR" "Bearer realm=\"http://$RIG_HOSTILE_TOKEN_SINK/token\"" "TLS_HTTP_REALM: https registry with an http realm"
		rv_curl "http://$RIG_HOSTILE_TOKEN_NOT_JSON/token"
		like "$RV_OUT" '^<html>' "TOKEN_NOT_JSON answers HTML"
		rv_curl "http://$RIG_HOSTILE_TOKEN_10K/token"
		is "$(rv_json "$RV_OUT" 'len(d["token"])')" 10240 "TOKEN_10K: 10 kB token"
		rv_curl -X POST --data "grant_type=password&username=alice&password=$secretpw" "http://$RIG_HOSTILE_TOKEN_SINK/token"
		is "$RV_CODE" 200 "TOKEN_SINK takes a POST"
		rv_curl "http://$RIG_HOSTILE_BAD_UTF8/v2/"
		is "$RV_CODE" 401 "BAD_UTF8 answers 401"
		local hl
		hl=$(cat "$RIG_HOSTILE_LOG")
		like "$hl" "listener=REDIRECT_OTHER_HOST .* authz=basic " "hostile log records Authorization presence"
		like "$hl" "listener=TOKEN_SINK .*method=POST .*form_secret=yes" "hostile log records a form secret's presence"
		ok "hostile log never holds a credential value" sh -c '! grep -qF -e "$1" -e "$(printf "alice:%s" "$1" | base64 -w0)" "$2"' _ "$secretpw" "$RIG_HOSTILE_LOG"
	fi
	rv_ctl "$CTL" /reset '{}' >/dev/null
	[ -n "$NCTL" ] && rv_ctl "$NCTL" /reset '{}' >/dev/null
	rm -rf "$RV_TMP"
}

# ---- standalone ------------------------------------------------------------------------
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	if [ $# -ge 1 ]; then . "$1/env"; elif [ -n "${RIG_DIR:-}" ]; then . "$RIG_DIR/env"; else
		echo "usage: verify.sh DIR (or RIG_DIR set)" >&2; exit 2; fi
	_N=0; _F=0
	_t() { _N=$((_N + 1)); if [ "$1" -eq 0 ]; then echo "ok $_N - $2"; else _F=$((_F + 1)); echo "not ok $_N - $2"; fi; }
	ok() { local n=$1; shift; "$@" >/dev/null 2>&1; _t $? "$n"; }
	is() { if [ "$1" = "$2" ]; then _t 0 "$3"; else _t 1 "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi; }
	like() { if printf '%s' "$1" | grep -Eq -- "$2"; then _t 0 "$3"; else _t 1 "$3"
		printf '#   /%s/ not found in:\n' "$2"; printf '%s\n' "$1" | head -20 | sed 's/^/#     /'; fi; }
	unlike() { if printf '%s' "$1" | grep -Eq -- "$2"; then _t 1 "$3"; else _t 0 "$3"; fi; }
	_t0=$(date +%s.%N)
	rig_verify
	echo "1..$_N"
	echo "# $((_N - _F))/$_N passed in $(awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')s"
	[ "$_F" -eq 0 ]
fi
