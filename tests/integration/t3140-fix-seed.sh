#!/bin/bash
# t3140 — the seed scenario end to end (kb/cicd/docker-buildkit-ssh-auth-fail):
# BuildKit's daemon-side token fetch (BUILDKIT_NO_CLIENT_TOKEN=1, --client
# buildkit-daemon) fails with "failed to fetch oauth token: unexpected
# status from POST request to …: 401 Unauthorized" on the rig; explain names
# the seed entry and prints the plan's steps as its fixes; fix --apply
# stores a working credential,
# verified with that same daemon flow; then the flow gets its token. And
# the seed's "config.json in the build context": a credential stored in
# plain text in a config.json inside --context is kept out of the context
# (.dockerignore) as a step of the plan.
. "$TEST_LIB"
. "$(dirname "$TEST_LIB")/fix-lib.sh"
pass_unused
export U=alice P=alicepw

cfg "{\"auths\":{\"$T\":{\"auth\":\"$(canary_userpass_b64 alice)\"}}}"
run_fixkb doctor --client buildkit-daemon --image "$IMG" --format json
is "$RUN_RC" 1 "doctor --client buildkit-daemon: exit 1"
msg=$(printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([p for p in d["probes"] if p["name"] == "token_endpoint"][0]["evidence"]["flow"]["message"])')
like "$msg" '^failed to fetch oauth token: unexpected status from POST request to http://[^ ]+/token: 401 Unauthorized$' \
	"the daemon path's own message: POST ... 401 Unauthorized"

printf '#14 [internal] load metadata for %s\n#14 ERROR: failed to solve: %s\n' "$IMG" "$msg" > "$TEST_DIR/build.log"
run_fixkb explain "$TEST_DIR/build.log" --client buildkit-daemon --format json
like "$(json_get "$RUN_OUT" findings)" '"entry": "cicd/docker-buildkit-ssh-auth-fail"' "explain names the seed entry"
like "$(json_get "$RUN_OUT" findings.0.plan.action)$(json_get "$RUN_OUT" findings.1.plan.action)" \
	'print_secret_build_command|store_credentials_from_env' "its fix is a step of the plan"
run_fixkb explain "$TEST_DIR/build.log" --client buildkit-daemon
like "$RUN_OUT" 'kb: cicd/docker-buildkit-ssh-auth-fail\]' "explain's text names the seed entry"
like "$RUN_OUT" '\[plan step [0-9]+ of [0-9]+: ' "its fix is the plan's step"
like "$RUN_OUT" "the plan: 'fixkb fix" "and it says how to see the whole plan"

n0=$(wc -l < "$RIG_TOKEN_LOG")
run_fixkb fix --client buildkit-daemon --image "$IMG" --username-env U --password-env P --apply
is "$RUN_RC" 0 "fix --apply with a working credential: exit 0"
like "$(tail -n +$((n0 + 1)) "$RIG_TOKEN_LOG" | grep 'user=alice' | grep -m1 'status=200')" \
	'^TOKEN method=GET status=200 .*scope=repository:fixkb/tiny:pull' \
	"verified the daemon's way: GET first, and it got a token"
run_fixkb doctor --client buildkit-daemon --image "$IMG" --format json
is "$RUN_RC" 0 "the same flow now gets its token: doctor exit 0"
like "$RUN_OUT" '"code": "token_ok"' "token_ok"
ok "skopeo uses the credential too" peer_skopeo "$IMG"

# ---- config.json inside the build context ----
CTX="$TEST_DIR/ctx"
mkdir -p "$CTX/.docker"
printf 'FROM %s\n' "$IMG" > "$CTX/Dockerfile"
export DOCKER_CONFIG="$CTX/.docker"
CFG="$DOCKER_CONFIG/config.json"
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(canary_userpass_b64 alice)\"}}}"
run_fixkb fix --context "$CTX" --username-env U --password-env P --format json
like "$(steps)" 'store_credentials_from_env/write add_dockerignore_entry/write' \
	"a plain-text credential in the context: .dockerignore is a step of the plan"
run_fixkb fix --context "$CTX" --username-env U --password-env P --apply
is "$RUN_RC" 0 "--apply: exit 0"
like "$(cat "$CTX/.dockerignore")" '^\.docker/config\.json$' ".dockerignore lists .docker/config.json"
# what docker build would send: the context less .dockerignore's entries
sent=$(cd "$CTX" && tar -c --exclude-from=.dockerignore .[!.]* * | tar -t | grep -c "/config\.json$")
is "$sent" 0 "a context sent with that .dockerignore holds no config.json"
run_fixkb fix --context "$CTX" --username-env U --password-env P --apply
unlike "$RUN_OUT" 'add_dockerignore_entry|dockerignore' "a second run: the entry is there, nothing to add"

# ---- what fixkb can only print: build flags and Dockerfile lines ----
printf '#9 ERROR: failed to solve: no SSH key "default" forwarded from the client\n' > "$TEST_DIR/ssh.log"
run_fixkb explain "$TEST_DIR/ssh.log" --offline --format json
is "$(json_get "$RUN_OUT" findings.0.plan.action)" print_ssh_build_command "an SSH forward missing: the plan prints the --ssh flags"
is "$(json_get "$RUN_OUT" findings.0.plan.kind)" yours "for the user to run"
like "$(json_get "$RUN_OUT" findings.0.plan.lines)" 'docker buildx build --ssh default .*RUN --mount=type=ssh ' \
	"docker buildx build --ssh default, and the RUN --mount=type=ssh line"
printf '#9 ERROR: failed to solve: secret npmrc: not found\n' > "$TEST_DIR/secret.log"
run_fixkb explain "$TEST_DIR/secret.log" --offline --format json
is "$(json_get "$RUN_OUT" findings.0.plan.action)" print_secret_build_command "a secret missing: the plan prints the --secret flags"
like "$(json_get "$RUN_OUT" findings.0.plan.lines)" 'docker buildx build --secret id=[a-z_]+,env=[A-Z_]+ .*RUN --mount=type=secret,id=' \
	"docker buildx build --secret, and the RUN --mount=type=secret line"

no_secret_in_outputs alice alicepw "the stored password is in no output"
done_testing
