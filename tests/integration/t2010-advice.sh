#!/usr/bin/env bash
# t2010 — advice that never harms (issue 10, problem 4), offline. The seed's
# workarounds that fixkb's review finds wrong as written are never offered
# as written (only kb show has their text, marked as history), -v shows the
# review beside the seed's text, a workaround whose precondition is false
# here is not applicable and prints no command, and the commands printed
# are run here, copied as printed, and must do what their title says.
. "$TEST_LIB"

cfg="$DOCKER_CONFIG/config.json"
seedlog="$TEST_DIR/seed.log"
printf '%s\n' 'ERROR: failed to solve: failed to fetch oauth token: unexpected status from POST request to https://ghcr.io/token: 401 Unauthorized' > "$seedlog"
printf '{}\n' > "$cfg"
# run_printed CMD: runs a printed command as printed, in this test's shell
run_printed() { bash -c "$1" >"$TEST_DIR/printed.out" 2>&1; }

echo "# --- the seed's log: its wrong-as-written workarounds are never offered"
run_fixkb explain --offline "$seedlog"
is "$RUN_RC" 1 "the seed's log matches"
unlike "$RUN_OUT" 'base64-encoded JSON' "the seed's base64 DOCKER_AUTH_CONFIG advice is not offered"
unlike "$RUN_OUT" 'Pass registry credentials via Docker BuildKit secrets' "nor its --secret advice"
unlike "$RUN_OUT" 'build context with the registry credentials' "nor its config.json-in-the-context advice"
like "$RUN_OUT" '^    fix: +Log in with a token that can read the package' "the best fix is to log in"
run_fixkb -v explain --offline "$seedlog"
unlike "$RUN_OUT" 'base64-encoded JSON' "-v: not offered either"
like "$RUN_OUT" 'Put the credential in DOCKER_AUTH_CONFIG as raw JSON \(not base64\)' "-v: the correction is offered in its place"
like "$RUN_OUT" 'review: Checked against the upstream sources: SSH agent forwarding plays no part' \
	"-v: fixkb's review beside the seed's root cause"
like "$RUN_OUT" 'review: fixkb: partly wrong. The build client' "-v: and beside the seed's dead end"
run_fixkb explain --offline --format json "$seedlog"
ids=$(printf '%s' "$RUN_OUT" | python3 -c 'import json,sys; print(" ".join(w["id"] for f in json.load(sys.stdin)["findings"] for w in f["workarounds"]))')
unlike "$ids" '(^| )(buildkit-secret|docker-auth-config|config-json-in-context)( |$)' "json: no history workaround among the ranked ones ($ids)"
like "$ids" 'docker-auth-config-raw-json' "json: the correction is"
like "$(json_get "$RUN_OUT" findings.0.review)" '^Checked against the upstream sources' "json: the entry's review"
run_fixkb kb show cicd/docker-buildkit-ssh-auth-fail
like "$RUN_OUT" 'Use DOCKER_AUTH_CONFIG environment variable with a base64-encoded JSON' "kb show keeps the seed's text"
like "$RUN_OUT" "history: the seed's text, kept as written; fixkb's review finds it wrong as written, so it is never offered: see docker-auth-config-raw-json" \
	"kb show marks it as history, naming its correction"

echo "# --- the corrected DOCKER_AUTH_CONFIG command, run as printed, gives what docker accepts"
run_fixkb -v explain --offline "$seedlog"
dac_cmd=$(printed_commands "$RUN_OUT" | grep '^export DOCKER_AUTH_CONFIG=' | head -1)
like "$RUN_OUT" 'first: REGISTRY_USER and REGISTRY_TOKEN hold the account' "its preconditions come before it"
ok "a DOCKER_AUTH_CONFIG command is printed" test -n "$dac_cmd"
value=$(REGISTRY_USER=alice REGISTRY_TOKEN="$CANARY" bash -c "$dac_cmd; printf '%s' \"\$DOCKER_AUTH_CONFIG\"")
is "$(printf '%s' "$value" | head -c 2)" '{"' "the value is raw JSON, not base64"
DOCKER_AUTH_CONFIG=$value run_fixkb probe docker_auth_config --registry ghcr.io --format json
is "$(record_field docker_auth_config evidence.docker_cli_accepts)" true \
	"docker CLI >= 28.3 would accept what the printed command made (fixkb's docker_auth_config probe)"
is "$(json_get "$RUN_OUT" probes.0.evidence.matches_registry.docker_cli)" true "for the registry the log names"

echo "# --- a precondition false here: unset DOCKER_AUTH_CONFIG only when it is set"
rejlog="$TEST_DIR/rejected.log"
printf '%s\n' 'Error response from daemon: Get "https://ghcr.io/v2/": denied: denied' > "$rejlog"
run_fixkb -v explain --offline "$rejlog"
like "$RUN_OUT" '\[kb: registry/credentials-rejected\]' "a rejected credential"
unlike "$(printed_commands "$RUN_OUT")" '^unset DOCKER_AUTH_CONFIG' "DOCKER_AUTH_CONFIG not set: 'unset DOCKER_AUTH_CONFIG' is never printed"
like "$RUN_OUT" 'not applicable here: DOCKER_AUTH_CONFIG is not set here: there is nothing to unset' "-v: says why not"
# Whether unsetting it changes anything depends on the build client: only
# docker CLI >= 28.3 (buildx >= 0.26) reads the variable (src/docker/clients.h),
# which the docker_auth_config probe says: probes run (a refused loopback
# port, so the network probe ends at once).
rejlog="$TEST_DIR/rejected-local.log"
printf '%s\n' 'Error response from daemon: Get "https://127.0.0.1:9/v2/": denied: denied' > "$rejlog"
if command -v docker >/dev/null 2>&1 && docker --version 2>/dev/null | grep -q 'version 28\.2\.'; then
	DOCKER_AUTH_CONFIG=$value run_fixkb -v explain "$rejlog"
	unlike "$(printed_commands "$RUN_OUT")" '^unset DOCKER_AUTH_CONFIG' \
		"set, but the installed docker CLI 28.2 ignores it: unsetting it is not offered"
	like "$RUN_OUT" 'not applicable here: the build client installed here does not read DOCKER_AUTH_CONFIG' "  and says why"
else
	tap_skip "docker CLI 28.2 is not the docker on PATH here"
	tap_skip "docker CLI 28.2 is not the docker on PATH here"
fi
# a docker that reports 28.3.0 (its version text is all fixkb reads of it, as in t2000)
mkdir -p "$TEST_DIR/bin"
printf '#!/bin/sh\ncase "$1" in --version) echo "Docker version 28.3.0, build 1234567";; *) exit 1;; esac\n' > "$TEST_DIR/bin/docker"
chmod +x "$TEST_DIR/bin/docker"
PATH="$TEST_DIR/bin:$PATH" DOCKER_AUTH_CONFIG=$value run_fixkb -v explain "$rejlog"
like "$(printed_commands "$RUN_OUT")" '^unset DOCKER_AUTH_CONFIG' "set, and read by docker CLI 28.3: unsetting it is offered"

echo "# --- credsStore desktop without Docker Desktop: the printed command drops credsStore"
ok "docker-credential-desktop is not installed here" bash -c '! command -v docker-credential-desktop'
printf '{"auths": {"ghcr.io": {}}, "credsStore": "desktop", "credHelpers": {"quay.io": "pass"}}\n' > "$cfg"
run_fixkb -v doctor --offline --registry ghcr.io
unlike "$RUN_OUT" 'docker-credential-desktop version' "'Install the helper' prints nothing that pretends to install it"
unlike "$(printed_commands "$RUN_OUT")" '^docker-credential-' "no helper invocation is printed as a fix"
fix=$(printed_commands "$RUN_OUT" | grep "del(.credsStore)" | head -1)
like "$RUN_OUT" "first: jq is installed" "its precondition (jq) is printed before it"
ok "the credsStore command is printed" test -n "$fix"
run_printed "$fix"
is "$?" 0 "it runs as printed"
is "$(jq -c . "$cfg")" '{"auths":{"ghcr.io":{}},"credHelpers":{"quay.io":"pass"}}' "it removed credsStore and nothing else"
run_fixkb doctor --offline --registry ghcr.io --format json
is "$(printf '%s' "$RUN_OUT" | python3 -c 'import json,sys; print([p["status"] for p in json.load(sys.stdin)["probes"] if p["name"]=="cred_helper"][0])')" \
	skip "doctor: the helper no longer blocks ghcr.io"

echo "# --- a credHelpers entry naming a missing helper: the printed command removes that entry"
printf '{"auths": {}, "credHelpers": {"registry.example.com": "nosuch", "quay.io": "pass"}}\n' > "$cfg"
run_fixkb -v doctor --offline --registry registry.example.com
like "$RUN_OUT" "^    fix: +Remove the registry's credHelpers entry" "the best fix removes the credHelpers entry"
unlike "$(printed_commands "$RUN_OUT")" "del\(\.credsStore\)" "no credsStore command for a credHelpers helper"
fix=$(printed_commands "$RUN_OUT" | grep 'del(.credHelpers' | head -1)
ok "the credHelpers command is printed" test -n "$fix"
run_printed "$fix"
is "$(jq -c . "$cfg")" '{"auths":{},"credHelpers":{"quay.io":"pass"}}' "run as printed, it removed that entry only"

done_testing
