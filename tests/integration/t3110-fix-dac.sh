#!/bin/bash
# t3110 — fix and DOCKER_AUTH_CONFIG, which only the build's own shell or
# CI job can change:
#  - a wrong password in the variable over a good config.json: the plan
#    unsets the variable (printed for the user), never logs out the good
#    entry, and verifies that what the variable hides gets a token;
#  - a good credential in the variable over a wrong one in config.json:
#    unsetting would break the build, so the variable's credential is
#    imported (verified first), then unset;
#  - a form docker CLI rejects (base64): the value it accepts, printed as a
#    line that builds it from the current one (no secret printed), run
#    here, after which doctor is clean.
# docker CLI reads the variable from 28.3 on: a `docker` printing 28.3.0
# stands in for the CLI's version only (the real 28.2.2 ignores it).
. "$TEST_LIB"
. "$(dirname "$TEST_LIB")/fix-lib.sh"
pass_unused
mkdir -p "$TEST_DIR/bin"
printf '#!/bin/sh\ncase "$1" in --version) echo "Docker version 28.3.0, build 1234567";; *) echo "docker: unknown command: docker $1" >&2; exit 1;; esac\n' \
	> "$TEST_DIR/bin/docker"
chmod +x "$TEST_DIR/bin/docker"
export PATH="$TEST_DIR/bin:$PATH"
good=$(b64 alice:alicepw)
dac() { printf '{"auths":{"%s":{"auth":"%s"}}}' "$T" "$1"; }

# ---- a wrong password in DOCKER_AUTH_CONFIG over a good config.json ----
cfg "{\"auths\":{\"$T\":{\"auth\":\"$good\"}}}"
before=$(sha "$CFG")
export DOCKER_AUTH_CONFIG="$(dac "$(canary_userpass_b64 alice)")"
run_fixkb doctor --image "$IMG"
is "$RUN_RC" 1 "doctor: the variable's credential is refused"
run_fixkb fix --image "$IMG" --format json
is "$(steps)" "unset_docker_auth_config/yours" "the plan: unset the variable, printed for the user"
unlike "$(steps)" 'logout_registry' "no step logs out the good config.json entry"
unlike "$(steps)" 'store_credentials_from_env' "nor stores anything over it"
like "$(json_get "$RUN_OUT" plan.steps.0.what)" "the credential it hides \\(alice's, from auths, sha256:[0-9a-f]{8}…, 7 bytes\\) gets a token" \
	"the step says the hidden credential gets a token (checked at the token endpoint)"
is "$(json_get "$RUN_OUT" plan.steps.0.lines.0)" "unset DOCKER_AUTH_CONFIG" "it prints the line to run"
like "$(json_get "$RUN_OUT" plan.dropped)" 'logout-(stale|public-image).*DOCKER_AUTH_CONFIG' \
	"the logout is not taken, and the plan says why"
like "$(json_get "$RUN_OUT" plan.steps.0.resolves)" 'oauth_token_rejected' "the unset resolves the refused credential"
like "$(json_get "$RUN_OUT" plan.steps.0.resolves)" 'shadowed_credentials' "and the shadowing"
run_fixkb fix --image "$IMG" --apply
is "$RUN_RC" 0 "--apply: exit 0, verified as if the variable were unset"
like "$RUN_OUT" "verified with the steps marked 'you run' done as printed" "and says the step is the user's"
is "$(sha "$CFG")" "$before" "config.json untouched: the good entry stays"
unset DOCKER_AUTH_CONFIG
run_fixkb doctor --image "$IMG"
is "$RUN_RC" 0 "once the user unsets it, doctor finds no problem"
ok "and skopeo pulls with config.json's credential" peer_skopeo "$IMG"

# ---- a good credential in the variable over a wrong one in config.json ----
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(canary_userpass_b64 alice)\"}}}"
export DOCKER_AUTH_CONFIG="$(dac "$good")"
run_fixkb fix --image "$IMG" --format json
is "$(steps)" "import_docker_auth_config/write" "the plan imports the variable's credential"
like "$(json_get "$RUN_OUT" plan.dropped)" "(unset-in-job|fix-docker-auth-config).*the credential DOCKER_AUTH_CONFIG hides \\(alice's, from auths, .*\\) is refused too" \
	"unsetting is not taken: what the variable hides is refused"
run_fixkb fix --image "$IMG" --apply
is "$RUN_RC" 0 "--apply imports it: exit 0"
like "$RUN_OUT" "verify before writing \\(step 1\\): alice's credential from DOCKER_AUTH_CONFIG .* accepted" \
	"the imported credential was verified before the write"
like "$RUN_OUT" '\$ unset DOCKER_AUTH_CONFIG' "then the variable is to be unset"
like "$(cat "$CFG")" "\"auth\": \"$good\"" "config.json holds the variable's credential"
unset DOCKER_AUTH_CONFIG
run_fixkb doctor --image "$IMG"
is "$RUN_RC" 0 "with the variable unset doctor finds no problem"
ok "skopeo pulls with the imported credential" peer_skopeo "$IMG"

# ---- a form docker CLI rejects: base64 of the JSON ----
cfg '{}'
export DOCKER_AUTH_CONFIG="$(dac "$good" | base64 -w0)"
run_fixkb doctor --image "$IMG" --format json
like "$RUN_OUT" 'docker_auth_config_malformed' "doctor: docker CLI rejects the base64 form"
run_fixkb fix --image "$IMG" --format json
like "$(steps)" '^rewrite_docker_auth_config/yours' "the plan rewrites the variable first"
line=$(json_get "$RUN_OUT" plan.steps.0.lines.0)
like "$line" '^export DOCKER_AUTH_CONFIG="\$\(printf %s "\$DOCKER_AUTH_CONFIG" \| base64 -d \| jq -c ' \
	"as a line that builds the value from the current one"
unlike "$line" "$good|alicepw" "the line holds no secret"
like "$(json_get "$RUN_OUT" plan.steps.0.notes.0)" "\\{\"auths\":\\{\"$T\":\\{\"auth\":\"\\[redacted sha256:" \
	"the new value is shown with fingerprints"
run_fixkb fix --image "$IMG" --apply
is "$RUN_RC" 0 "--apply: verified with the rewritten value"
if command -v jq >/dev/null 2>&1; then
	eval "$line"
	is "$(printf '%s' "$DOCKER_AUTH_CONFIG" | jq -c .)" "$(dac "$good")" "the printed line, run, makes the value docker CLI accepts"
	run_fixkb doctor --image "$IMG"
	is "$RUN_RC" 0 "and doctor then finds no problem"
else
	tap_skip "jq is not installed (scripts/install-deps.sh installs it)"
	tap_skip "jq is not installed"
fi
unset DOCKER_AUTH_CONFIG

no_secret_in_outputs alice alicepw "the good password is in no output"
done_testing
