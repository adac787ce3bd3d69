#!/usr/bin/env bash
# t3203 — the shipped integrations: action.yml (the composite GitHub Action)
# and ci/gitlab/fixkb.yml (the GitLab template). Each is parsed as YAML
# (python3-yaml) and its keys checked against the CI system's syntax
# (tests/integration/ci-yaml.py; actionlint is not packaged), the checker
# shown to catch each kind of mistake, and then each is run as its CI
# system would run it, in a simulated job against the rig: the action's
# steps with their env: and their own $GITHUB_OUTPUT, its outputs resolved;
# the template's before_script under `set -eo pipefail`, whose failure
# must fail the job.
. "$TEST_LIB"
. "$SRCDIR/tests/integration/ci-lib.sh"

CY="$SRCDIR/tests/integration/ci-yaml.py"
ACTION="$SRCDIR/action.yml"
TPL="$SRCDIR/ci/gitlab/fixkb.yml"

echo "# --- lint"
ok "action.yml: YAML and GitHub's metadata keys" python3 "$CY" lint-action "$ACTION"
ok "ci/gitlab/fixkb.yml: YAML and GitLab's keywords" python3 "$CY" lint-gitlab "$TPL"
bad() { # bad NAME SED-EXPR FILE MODE: the checker must refuse the broken copy
	local f="$TEST_DIR/broken.yml"
	sed "$2" "$3" > "$f"
	if cmp -s "$f" "$3"; then tap_ok 1 "lint catches: $1 (the edit did nothing)"; return; fi
	python3 "$CY" "$4" "$f" >/dev/null 2>&1
	tap_ok $((! $?)) "lint catches: $1"
}
bad "an unknown input in an expression" 's/inputs.images }}/inputs.imagez }}/' "$ACTION" lint-action
bad "a run step without shell" '0,/      shell: bash/{/      shell: bash/d}' "$ACTION" lint-action
bad "an expression inside a run script" 's/args=(fix --ci --apply/args=(fix --ci --apply ${{ inputs.push }}/' "$ACTION" lint-action
bad "an unknown top-level key" 's/^branding:/brandingg:/' "$ACTION" lint-action
bad "an output without a value" 's/^    value: \${{ steps.fix.outputs.registries }}/    valu: x/' "$ACTION" lint-action
bad "an output of a step that does not exist" 's/steps.fix.outputs.config-file/steps.fixx.outputs.config-file/' "$ACTION" lint-action
bad "a GitLab job keyword misspelt" 's/^  before_script:/  before_scripts:/' "$TPL" lint-gitlab
bad "not YAML" 's/^\.fixkb-credentials:/.fixkb-credentials: [/' "$TPL" lint-gitlab

ci_rig_start
T=$RIG_TOKEN_REGISTRY REPO=$RIG_REPO
CTX="$TEST_DIR/work/app"
RT="$TEST_DIR/runner/_temp"
mkdir -p "$CTX" "$RT" "$TEST_DIR/bin"
ln -s "$FIXKB" "$TEST_DIR/bin/fixkb"
printf 'FROM %s/%s:latest\n' "$T" "$REPO" > "$CTX/Dockerfile"
GENV="$RT/set_env" GSUM="$RT/summary"
: > "$GENV"; : > "$GSUM"
watch_file "$GENV" "$GSUM"
before=$(docker_sum)

# run_action ENV... -- INPUTS...: the action through ci-yaml.py, output kept like run_ci's
run_action() {
	local envs=() 
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	RUN_N=$((RUN_N + 1))
	printf 'action: %s\n' "$*" > "$OUT_DIR/$RUN_N.cmd"
	(cd "$CTX" && env -i HOME="$HOME" LANG=C LC_ALL=C TZ=UTC NO_COLOR=1 \
		FIXKB_DAEMON_JSON="$FIXKB_DAEMON_JSON" FIXKB_DOCKER_CERTS_D="$FIXKB_DOCKER_CERTS_D" \
		PASSWORD_STORE_DIR="$PASSWORD_STORE_DIR" "${envs[@]}" \
		timeout 120 python3 "$CY" run-action "$ACTION" "$SRCDIR" "$@" \
		</dev/null >"$OUT_DIR/$RUN_N.out" 2>"$OUT_DIR/$RUN_N.err")
	RUN_RC=$?
	RUN_OUT=$(cat "$OUT_DIR/$RUN_N.out")
	RUN_ERR=$(cat "$OUT_DIR/$RUN_N.err")
}
gh=(GITHUB_ACTIONS=true CI=true RUNNER_TEMP="$RT" GITHUB_ENV="$GENV" GITHUB_STEP_SUMMARY="$GSUM"
    GITHUB_ACTOR="$RIG_USER" GITHUB_REPOSITORY=acme/app)

echo "# --- the action, fixkb on PATH: installs nothing, sets up the job, outputs the config path"
run_action PATH="$TEST_DIR/bin:$PATH" GITHUB_TOKEN="$RIG_PASS" "${gh[@]}" -- \
	"token-registry=$T" "images=$T/$REPO:latest"
is "$RUN_RC" 0 "action: every step exits 0"
last=$(printf '%s\n' "$RUN_OUT" | tail -1)
is "$(json_get "$last" steps.0.id)/$(json_get "$last" steps.0.rc)" step0/0 "install step: fixkb already on PATH"
like "$RUN_OUT" "^fixkb: using $TEST_DIR/bin/fixkb" "install step: says which fixkb"
is "$(json_get "$last" steps.1.id)/$(json_get "$last" steps.1.rc)" fix/0 "the fix step"
is "$(json_get "$last" outputs.docker-config)" "$RT/fixkb-docker-config" "output docker-config"
is "$(json_get "$last" outputs.config-file)" "$RT/fixkb-docker-config/config.json" "output config-file"
is "$(json_get "$last" outputs.registries)" "$T" "output registries"
is "$(cat "$GENV")" "DOCKER_CONFIG=$RT/fixkb-docker-config" "later steps get DOCKER_CONFIG"
like "$RUN_OUT" "✓ GITHUB_TOKEN as GITHUB_ACTOR \($RIG_USER\): granted repository:$REPO:pull" \
	"the token input reached fixkb as GITHUB_TOKEN"
timeout 60 skopeo inspect --tls-verify=false --authfile "$RT/fixkb-docker-config/config.json" \
	"docker://$T/$REPO:latest" >/dev/null 2>&1
tap_ok $? "skopeo gets in with the action's config"

echo "# --- the action, username-env/password-env inputs, push=false, a --registry"
rm -rf "$RT/fixkb-docker-config"; : > "$GENV"
run_action PATH="$TEST_DIR/bin:$PATH" MY_USER="$RIG_USER" MY_PASS="$RIG_PASS" "${gh[@]}" -- \
	"username-env=MY_USER" "password-env=MY_PASS" "registries=$RIG_BASIC_REGISTRY"
is "$RUN_RC" 0 "action with a variable pair: exit 0"
is "$(json_get "$(printf '%s\n' "$RUN_OUT" | tail -1)" outputs.registries)" "$T $RIG_BASIC_REGISTRY" \
	"the pair set up every registry"

echo "# --- install: never, and no fixkb on PATH"
run_action PATH=/usr/bin:/bin "${gh[@]}" -- install=never
is "$RUN_RC" 1 "install never without fixkb: the action fails"
like "$RUN_OUT" "^::error title=fixkb::fixkb is not on PATH and install is 'never'" "with an error annotation"

echo "# --- the GitLab template's before_script, as the runner runs it"
script=$(python3 "$CY" gitlab-script "$TPL" .fixkb-credentials)
is "$?" 0 "the template's script"
GL=(GITLAB_CI=true CI=true CI_PROJECT_DIR="$CTX" CI_PROJECT_PATH=acme/app)
RUN_N=$((RUN_N + 1))
printf 'gitlab template\n' > "$OUT_DIR/$RUN_N.cmd"
(cd "$CTX" && env -i PATH="$TEST_DIR/bin:$PATH" HOME="$HOME" LANG=C LC_ALL=C NO_COLOR=1 \
	PASSWORD_STORE_DIR="$PASSWORD_STORE_DIR" FIXKB_DAEMON_JSON="$FIXKB_DAEMON_JSON" "${GL[@]}" \
	CI_REGISTRY="$T" CI_REGISTRY_USER="$RIG_USER" CI_REGISTRY_PASSWORD="$RIG_PASS" FIXKB_ARGS="" \
	bash -c "$script"'
fixkb probe token_endpoint --registry '"$T"' --image '"$T/$REPO"':latest --format json | grep -o "\"code\": \"token_ok\""
echo "DOCKER_CONFIG=$DOCKER_CONFIG"' </dev/null >"$OUT_DIR/$RUN_N.out" 2>"$OUT_DIR/$RUN_N.err")
is "$?" 0 "template: the job's script runs"
like "$(cat "$OUT_DIR/$RUN_N.out")" "^DOCKER_CONFIG=$CTX/.fixkb-docker-config$" "the script's later commands have DOCKER_CONFIG"
like "$(cat "$OUT_DIR/$RUN_N.out")" '"code": "token_ok"' "and BuildKit's token flow works with it"
like "$(cat "$OUT_DIR/$RUN_N.err")" 'section_start:[0-9]+:fixkb_credentials' "the report in sections"
RUN_N=$((RUN_N + 1))
printf 'gitlab template, no credential\n' > "$OUT_DIR/$RUN_N.cmd"
rm -rf "$CTX/.fixkb-docker-config"
(cd "$CTX" && env -i PATH="$TEST_DIR/bin:$PATH" HOME="$HOME" LANG=C LC_ALL=C NO_COLOR=1 \
	PASSWORD_STORE_DIR="$PASSWORD_STORE_DIR" FIXKB_DAEMON_JSON="$FIXKB_DAEMON_JSON" "${GL[@]}" \
	CI_REGISTRY="$T" CI_JOB_TOKEN="${CANARY}x" FIXKB_ARGS="" \
	bash -c "$script"'
echo "REACHED the script"' </dev/null >"$OUT_DIR/$RUN_N.out" 2>"$OUT_DIR/$RUN_N.err")
is "$?" 1 "template: no working credential fails the job (exit 1)"
unlike "$(cat "$OUT_DIR/$RUN_N.out")" "REACHED" "the job's script never runs"
RUN_N=$((RUN_N + 1))
printf 'gitlab template, no fixkb\n' > "$OUT_DIR/$RUN_N.cmd"
(cd "$CTX" && env -i PATH=/usr/bin:/bin HOME="$HOME" "${GL[@]}" bash -c "$script"'
echo "REACHED the script"' </dev/null >"$OUT_DIR/$RUN_N.out" 2>"$OUT_DIR/$RUN_N.err")
is "$?" 1 "template: no fixkb in the image fails the job"
like "$(cat "$OUT_DIR/$RUN_N.err")" "fixkb is not in this job's image" "and says so"

is "$(docker_sum)" "$before" "the runner's ~/.docker untouched"
done_testing
