#!/bin/bash
# t4010 — each audit rule on the stores fires on its case, and its clean
# counterpart stays quiet; exit codes and usage errors. Credential helpers
# here are small scripts in $TEST_DIR/bin speaking docker's helper
# protocol (the real ones are in t4000).
. "$TEST_LIB"
unset DOCKER_CONFIG
BIN="$TEST_DIR/bin"
mkdir -p "$BIN" "$TEST_DIR/empty"
export PATH="$BIN:$PATH"
cd "$TEST_DIR/empty" || exit 1
CFG="$HOME/.docker/config.json"
b64() { printf '%s' "$1" | base64 -w0; }
b64url() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
helper() {   # helper NAME SCRIPT-BODY
	printf '#!/bin/sh\n%s\n' "$2" > "$BIN/docker-credential-$1"
	chmod +x "$BIN/docker-credential-$1"
}
fresh() {
	rm -rf "$HOME/.docker" "$HOME/.config/containers" "$HOME/.dockercfg" "$HOME/.bashrc"
	mkdir -p "$HOME/.docker" "$HOME/.config/containers"
}
cfg() { printf '%s\n' "$1" > "$CFG"; chmod 600 "$CFG"; }
rules() {    # the sorted rule ids of the last run's findings
	printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
print(" ".join(sorted(f["rule"] for f in json.load(sys.stdin)["findings"])))'
}
msg() {      # msg RULE: the message of its first finding
	printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["rule"] == sys.argv[1]:
        print(f["message"]); break' "$1"
}
audit() { run_fixkb audit --format json "$@"; }
PAT="dckr_pat_$(printf '%027d' 3)"

# ---- a clean home: a working credsStore holding Docker Hub PATs ----
helper okstore "cat >/dev/null; echo '{\"ServerURL\":\"x\",\"Username\":\"bob\",\"Secret\":\"$PAT\"}'"
fresh
cfg '{"auths":{"https://index.docker.io/v1/":{},"quay.io":{}},"credsStore":"okstore"}'
audit
is "$RUN_RC" 0 "clean: a working helper, 0600, token-shaped secrets: exit 0"
is "$(rules)" "" "clean: no finding"
is "$(json_get "$RUN_OUT" credentials.0.store)" "credential helper" "clean: the helper's answer is in the inventory"
like "$(json_get "$RUN_OUT" credentials.0.used_by)" "docker/buildkit" "clean: sent by docker"

# ---- credential-file-permissions ----
fresh
cfg "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"$(b64 "bob:$PAT")\"}}}"
audit
is "$(rules)" "plaintext-credentials" "0600 with a credential: only plaintext"
chmod 640 "$CFG"
audit
is "$(rules)" "credential-file-permissions plaintext-credentials" "0640: readable by the group"
like "$(msg credential-file-permissions)" 'readable by its group \(mode 0640\)' "says who can read it"
fresh
cfg '{"credsStore":"okstore"}'
chmod 620 "$CFG"
audit
is "$(rules)" "credential-file-permissions" "0620 without credentials: writable by the group still counts"
like "$(msg credential-file-permissions)" 'holds 0 credentials and is writable by its group' "writable, no credential"
chmod 644 "$CFG"
audit
is "$(rules)" "" "0644 without any credential: nothing to read, not flagged"
if [ "$(id -u)" = 0 ]; then
	chmod 600 "$CFG"
	chown 65534 "$CFG"
	audit
	is "$(rules)" "credential-file-permissions" "owned by another user"
	like "$(msg credential-file-permissions)" 'owned by uid 65534' "names the owner"
	chown 0 "$CFG"
else
	tap_skip "not root: cannot give the file to another user"
	tap_skip "not root"
fi

# ---- helper-missing ----
fresh
cfg '{"auths":{"ghcr.io":{}},"credsStore":"desktop"}'
audit
is "$(rules)" "helper-missing" "credsStore desktop, not installed"
like "$(msg helper-missing)" "credsStore in ~/.docker/config.json names docker-credential-desktop, which is not on PATH.*Docker Hub's public images" \
	"says public Hub pulls break too"
is "$(json_get "$RUN_OUT" findings.0.line)" 1 "located at the credsStore line"
cfg '{"credHelpers":{"ghcr.io":"../../bin/sh"}}'
audit
is "$(rules)" "helper-missing" "a helper name with a path"
like "$(msg helper-missing)" 'not a helper name docker can run' "is refused, never run"

# ---- helper-failed ----
helper brokenpass "cat >/dev/null; echo 'pass not initialized: exit status 1: Error: password store is empty. Try \"pass init\".'; exit 1"
fresh
cfg '{"credHelpers":{"ghcr.io":"brokenpass"}}'
audit
is "$(rules)" "helper-failed" "a helper that fails"
like "$(msg helper-failed)" "error getting credentials - err: exit status 1, out: \`pass not initialized" "docker's own error line"
is "$(json_get "$RUN_OUT" findings.0.details.class)" pass "classified: pass"
helper slow "sleep 30"
cfg '{"credHelpers":{"ghcr.io":"slow"}}'
t0=$(date +%s)
run_fixkb audit --format json --timeout 3
is "$(rules)" "helper-failed" "a hung helper is a failure"
ok "and the run still ends within --timeout ($(( $(date +%s) - t0 )) s)" test $(( $(date +%s) - t0 )) -le 6

# ---- hub-key-unread ----
fresh
cfg "{\"auths\":{\"docker.io\":{\"auth\":\"$(b64 "bob:$PAT")\"}}}"
audit
is "$(rules)" "hub-key-unread plaintext-credentials" "Hub credentials under docker.io"
like "$(msg hub-key-unread)" "under 'docker.io'.*only under 'https://index.docker.io/v1/'" "names the key docker reads"
like "$(json_get "$RUN_OUT" credentials.0.used_by)" '^\["containers/image", "podman/buildah"\]$' "only containers/image (skopeo, podman, buildah) sends it"

# ---- legacy-dockercfg ----
fresh
printf '{"quay.io":{"auth":"%s","email":"a@b.c"}}\n' "$(b64 "robot:tok$CANARY")" > "$HOME/.dockercfg"
chmod 600 "$HOME/.dockercfg"
audit
is "$(rules)" "legacy-dockercfg plaintext-credentials" "~/.dockercfg"
like "$(msg legacy-dockercfg)" '~/.dockercfg exists \(1 credential\)' "counts its credentials"

# ---- account-password, unsupported-token ----
fresh
cfg "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"$(b64 "bob:$CANARY")\"},\"ghcr.io\":{\"auth\":\"$(b64 "bob:github_pat_11ABC_$CANARY")\"},\"registry.gitlab.com\":{\"auth\":\"$(b64 "me:glpat-$CANARY")\"}}}"
audit
is "$(rules)" "account-password plaintext-credentials plaintext-credentials plaintext-credentials unsupported-token" \
	"a Hub password, a fine-grained PAT on ghcr.io, a GitLab PAT"
like "$(msg account-password)" '^docker.io: the secret has no Docker Hub token prefix \(dckr_pat_, dckr_oat_\)' "account-password names the prefixes"
like "$(msg unsupported-token)" 'fine-grained personal access token is stored for ghcr.io: ghcr.io accepts only personal access tokens \(classic\)' \
	"unsupported-token says why"

# ---- expired-token in config.json ----
NOW=$(date +%s)
jwt() { printf '%s.%s.%s' "$(b64url '{"alg":"RS256"}')" "$(b64url "{\"exp\":$1,\"x\":\"$CANARY\"}")" "$(b64url "s$CANARY")"; }
fresh
cfg "{\"auths\":{\"myregistry.azurecr.io\":{\"auth\":\"$(b64 '00000000-0000-0000-0000-000000000000:')\",\"identitytoken\":\"$(jwt $((NOW - 60)))\"},\"live.example.com\":{\"identitytoken\":\"$(jwt $((NOW + 3600)))\"}}}"
audit
is "$(rules)" "expired-token plaintext-credentials plaintext-credentials" "an expired identity token; a live one is fine"
like "$(msg expired-token)" '^myregistry.azurecr.io: the identity token is a JWT that expired at' "expired-token names the registry"
like "$(json_get "$RUN_OUT" credentials)" '"expires": [0-9]+' "the inventory has the expiry"

# ---- shadowed-credentials via DOCKER_AUTH_CONFIG ----
# (read by docker CLI >= 28.3 only: a docker here that says it is 28.3.0)
fresh
mkdir -p "$TEST_DIR/bin283"
printf '#!/bin/sh\ncase "$1" in --version) echo "Docker version 28.3.0, build 1234567";; *) exit 1;; esac\n' > "$TEST_DIR/bin283/docker"
chmod +x "$TEST_DIR/bin283/docker"
SAVED_PATH=$PATH
export PATH="$TEST_DIR/bin283:$PATH"
cfg "{\"auths\":{\"ghcr.io\":{\"auth\":\"$(b64 "alice:ghp_$(printf '%036d' 1)")\"}}}"
export DOCKER_AUTH_CONFIG="{\"auths\":{\"ghcr.io\":{\"auth\":\"$(b64 "alice:ghp_$(printf '%036d' 2)")\"}}}"
audit
is "$(rules)" "plaintext-credentials shadowed-credentials" "DOCKER_AUTH_CONFIG shadows docker login"
like "$(msg shadowed-credentials)" "DOCKER_AUTH_CONFIG 'ghcr.io' \(alice, sha256:[0-9a-f]{8}.*\) is sent by docker/buildkit" "the variable wins for docker"
like "$(msg shadowed-credentials)" "config.json 'ghcr.io' \(alice, sha256:[0-9a-f]{8}.*\) is sent by containers/image" "podman still sends config.json's"
unset DOCKER_AUTH_CONFIG
export PATH=$SAVED_PATH

# ---- a helper hiding the only credential ----
helper empty "cat >/dev/null; echo 'credentials not found in native keychain'; exit 1"
fresh
cfg "{\"auths\":{\"quay.io\":{\"auth\":\"$(b64 "robot:$CANARY")\"}},\"credsStore\":\"empty\"}"
audit
is "$(rules)" "plaintext-credentials shadowed-credentials" "credsStore hides auths even when it has nothing"
like "$(msg shadowed-credentials)" 'docker/buildkit asks credsStore docker-credential-empty, which has nothing for it' "says the helper has nothing"

# ---- exit codes ----
fresh
cfg "{\"auths\":{\"docker.io\":{\"auth\":\"$(b64 "bob:$PAT")\"}}}"
run_fixkb audit --fail-on critical
is "$RUN_RC" 0 "--fail-on critical with only high and low findings: exit 0"
like "$RUN_OUT" '\(--fail-on critical: exit 0\)' "and the text says so"
run_fixkb audit --fail-on low
is "$RUN_RC" 1 "--fail-on low: exit 1"
run_fixkb audit --context "$TEST_DIR/nonexistent"
is "$RUN_RC" 2 "a --context that does not exist: exit 2"
like "$RUN_ERR" "nonexistent' is not a directory" "named"
run_fixkb audit --baseline "$TEST_DIR/nonexistent.json"
is "$RUN_RC" 2 "an unreadable --baseline: exit 2"
printf '{"command":"doctor"}' > "$TEST_DIR/doctor.json"
run_fixkb audit --baseline "$TEST_DIR/doctor.json"
is "$RUN_RC" 2 "a --baseline that is no audit report: exit 2"
run_fixkb audit --online --offline
is "$RUN_RC" 2 "--online --offline: usage error"
run_fixkb audit --summarize "$TEST_DIR/empty" --format sarif
is "$RUN_RC" 2 "--summarize prints no sarif"
run_fixkb audit extra
is "$RUN_RC" 2 "a positional argument: usage error"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$FIXKB" audit --all-users 2>&1 </dev/null)
	rc=$?
	is "$rc" 2 "--all-users as another user than root: exit 2"
	like "$out" 'run it as root' "says why"
else
	run_fixkb audit --all-users
	is "$RUN_RC" 2 "--all-users as another user than root: exit 2"
	like "$RUN_ERR" 'run it as root' "says why"
fi

done_testing
