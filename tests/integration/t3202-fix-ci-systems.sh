#!/usr/bin/env bash
# t3202 — fix --ci under every other CI system fixkb knows, each detected
# from the variables it documents, with --username-env/--password-env
# for the rig's registry: where the job config goes (the system's job
# temp dir, else $TMPDIR with the job's id), how later steps get
# DOCKER_CONFIG ($BASH_ENV on CircleCI, Azure's task.setvariable, eval
# --print-env elsewhere), the log's groups; the written config verified
# with skopeo. Then the candidate order and scoping of explicit pairs,
# a rejected explicit pair named as rejected, and --ci with no system.
. "$TEST_LIB"
. "$SRCDIR/tests/integration/ci-lib.sh"

ci_rig_start
T=$RIG_TOKEN_REGISTRY B=$RIG_BASIC_REGISTRY REPO=$RIG_REPO
CTX="$TEST_DIR/ws"
TMPD="$TEST_DIR/tmp"
mkdir -p "$CTX" "$TMPD"
printf 'FROM %s/%s:latest\nFROM %s/%s:latest\n' "$T" "$REPO" "$B" "$REPO" > "$CTX/Dockerfile"
JOB_CWD=$CTX
before=$(docker_sum)
creds=(REG_USER="$RIG_USER" REG_PASS="$RIG_PASS")
pairs=(--username-env REG_USER --password-env REG_PASS)

# check_system ID DIR ARGS... : runs fix --ci --apply --format json in the
# job set with ci_job, checks the detection and the directory, and that
# skopeo gets in with the written config.
check_system() {
	local id=$1 dir=$2
	shift 2
	run_ci fix --apply --format json "${pairs[@]}" "$@"
	is "$RUN_RC" 0 "$id: exit 0"
	is "$(jget ci.system)" "$id" "$id: detected"
	is "$(jget config.dir)" "$dir" "$id: the job config in $dir"
	is "$(jget registries.0.chosen.kind)/$(jget registries.1.chosen.kind)" env/env "$id: the explicit pair for both registries"
	timeout 60 skopeo inspect --tls-verify=false --authfile "$dir/config.json" "docker://$T/$REPO:latest" >/dev/null 2>&1
	tap_ok $? "$id: skopeo gets in with the written config"
	rm -rf "$dir"
}

echo "# --- Jenkins: JENKINS_URL and BUILD_TAG; \$TMPDIR/fixkb-docker-config-<BUILD_TAG>"
ci_job JENKINS_URL=http://jenkins.example/ BUILD_TAG="jenkins-app/main-17" TMPDIR="$TMPD" "${creds[@]}"
check_system jenkins "$TMPD/fixkb-docker-config-jenkins-app_main-17"
run_ci fix --apply "${pairs[@]}"
like "$RUN_OUT" '^== fixkb: what the build needs$' "jenkins: plain group headings in the text report"
unlike "$RUN_OUT" '^note:' "jenkins: no notice lines besides the report"
rm -rf "$TMPD/fixkb-docker-config-jenkins-app_main-17"

echo "# --- CircleCI: CIRCLECI=true; DOCKER_CONFIG appended to \$BASH_ENV"
: > "$TEST_DIR/bash_env"
watch_file "$TEST_DIR/bash_env"
ci_job CIRCLECI=true CI=true CIRCLE_WORKFLOW_JOB_ID=ab12-cd TMPDIR="$TMPD" BASH_ENV="$TEST_DIR/bash_env" "${creds[@]}"
check_system circleci "$TMPD/fixkb-docker-config-ab12-cd"
is "$(cat "$TEST_DIR/bash_env")" "export DOCKER_CONFIG='$TMPD/fixkb-docker-config-ab12-cd'" "circleci: \$BASH_ENV"
is "$(jget handed_on_via)" '$BASH_ENV' "circleci: the report says how"

echo "# --- Buildkite: BUILDKITE=true; --- groups"
ci_job BUILDKITE=true BUILDKITE_JOB_ID=0190-aaaa TMPDIR="$TMPD" "${creds[@]}"
check_system buildkite "$TMPD/fixkb-docker-config-0190-aaaa"
run_ci fix --apply "${pairs[@]}"
like "$RUN_OUT" '^--- fixkb: credentials, in the documented order$' "buildkite: --- groups"
rm -rf "$TMPD/fixkb-docker-config-0190-aaaa"

echo "# --- Azure Pipelines: TF_BUILD=True; \$AGENT_TEMPDIRECTORY; task.setvariable, setsecret"
mkdir -p "$TEST_DIR/agent/_temp"
ci_job TF_BUILD=True AGENT_TEMPDIRECTORY="$TEST_DIR/agent/_temp" BUILD_BUILDID=9 "${creds[@]}"
check_system azure "$TEST_DIR/agent/_temp/fixkb-docker-config"
like "$RUN_ERR" "^##vso\[task.setvariable variable=DOCKER_CONFIG\]$TEST_DIR/agent/_temp/fixkb-docker-config$" \
	"azure: task.setvariable for later steps"
is "$(grep -c '^##vso\[task.setsecret\]' "$OUT_DIR/$RUN_N.err")" 2 \
	"azure: two task.setsecret (the password, the base64 auth; once each for two registries)"
run_ci fix --apply "${pairs[@]}"
like "$RUN_OUT" '^##\[group\]fixkb: what the build needs$' "azure: ##[group]"
like "$RUN_OUT" '^##\[endgroup\]$' "azure: ##[endgroup]"
rm -rf "$TEST_DIR/agent/_temp/fixkb-docker-config"

echo "# --- Bitbucket, Woodpecker, Drone: detected; eval --print-env"
ci_job BITBUCKET_BUILD_NUMBER=31 BITBUCKET_STEP_UUID='{5a2c-11}' CI=true TMPDIR="$TMPD" "${creds[@]}"
check_system bitbucket "$TMPD/fixkb-docker-config-_5a2c-11_"
ci_job CI=woodpecker CI_PIPELINE_NUMBER=12 TMPDIR="$TMPD" "${creds[@]}"
check_system woodpecker "$TMPD/fixkb-docker-config-12"
ci_job DRONE=true CI=true DRONE_BUILD_NUMBER=5 TMPDIR="$TMPD" "${creds[@]}"
check_system drone "$TMPD/fixkb-docker-config-5"
ci_job DRONE=true CI=true DRONE_BUILD_NUMBER=5 TMPDIR="$TMPD" "${creds[@]}"
run_ci fix --apply --print-env "${pairs[@]}"
is "$RUN_OUT" "export DOCKER_CONFIG='$TMPD/fixkb-docker-config-5'" "drone: --print-env, the export line alone"
rm -rf "$TMPD/fixkb-docker-config-5"

echo "# --- no CI system: only with --ci"
ci_job TMPDIR="$TMPD" "${creds[@]}"
run_ci fix --apply --format json "${pairs[@]}"
unlike "$RUN_OUT$RUN_ERR" '"mode": "ci"' "no CI system, no --ci: not the CI mode"
run_ci fix --ci --apply --format json "${pairs[@]}"
is "$(jget ci.system)" generic "--ci: the generic CI mode"
is "$(jget config.dir)" "$TMPD/fixkb-docker-config-uid$(id -u)" "--ci: \$TMPDIR with the user id"
rm -rf "$TMPD/fixkb-docker-config-uid$(id -u)"
ci_job JENKINS_URL=http://j/ BUILD_TAG=x TMPDIR="$TMPD" "${creds[@]}"
run_ci fix --no-ci --format json "${pairs[@]}"
unlike "$RUN_OUT$RUN_ERR" '"mode": "ci"' "--no-ci: not the CI mode in a CI system"

echo "# --- pairs scoped by --registry; a rejected pair is named as rejected; the order"
ci_job JENKINS_URL=http://j/ BUILD_TAG=order TMPDIR="$TMPD" "${creds[@]}" BAD_USER=alice BAD_PASS="$CANARY"
run_ci fix --format json --registry "$B" --username-env BAD_USER --password-env BAD_PASS \
	--registry "$T" --username-env BAD_USER --password-env BAD_PASS --username-env REG_USER --password-env REG_PASS
is "$(jget registries.0.registry)" "$T" "first registry: the Dockerfile's first FROM"
is "$(jget registries.0.candidates.0.source)" "--username-env/--password-env: BAD_PASS as BAD_USER (alice)" \
	"its first candidate: the first pair scoped to it"
is "$(jget registries.0.candidates.0.code)" oauth_token_rejected "rejected at the token endpoint"
like "$(jget registries.0.candidates.0.advice.0)" 'BAD_PASS as BAD_USER \(alice\) was REJECTED by .* it is set, but wrong, expired or revoked \(it is not missing\)' \
	"named as rejected, not missing"
is "$(jget registries.0.chosen.source)" "--username-env/--password-env: REG_PASS as REG_USER (alice)" \
	"then the next pair scoped to it works"
is "$(jget registries.1.candidates.0.source)" "--username-env/--password-env: BAD_PASS as BAD_USER (alice)" \
	"the basic registry gets only the pair scoped to it"
is "$(jget registries.1.chosen)" None "basic-auth registry: the rejected pair, then anonymous refused: none works"
is "$(jget result)" failed "so nothing is written"
ok "nothing written" test ! -e "$TMPD/fixkb-docker-config-order"

echo "# --- a shared /tmp: a job directory that is a symlink, or another user's, is refused"
mkdir -p "$TEST_DIR/elsewhere"
ln -s "$TEST_DIR/elsewhere" "$TMPD/fixkb-docker-config-planted"
ci_job JENKINS_URL=http://j/ BUILD_TAG=planted TMPDIR="$TMPD" "${creds[@]}"
run_ci fix --apply --format json "${pairs[@]}"
is "$RUN_RC" 1 "a symlink in its place: exit 1"
is "$(jget result)" error "result: error"
like "$(jget error)" "fixkb-docker-config-planted' exists and is not a directory \(a symlink\?\)" "says why"
ok "nothing written through the link" test -z "$(ls -A "$TEST_DIR/elsewhere")"
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$TMPD/fixkb-docker-config-theirs"
	chown 65534 "$TMPD/fixkb-docker-config-theirs"
	ci_job JENKINS_URL=http://j/ BUILD_TAG=theirs TMPDIR="$TMPD" "${creds[@]}"
	run_ci fix --apply "${pairs[@]}"
	is "$RUN_RC" 1 "another user's directory: exit 1"
	like "$RUN_OUT" "✗ the job's docker config could not be set up: '.*fixkb-docker-config-theirs' belongs to uid 65534" \
		"another user's directory: refused, named"
	ok "nothing written in it" test -z "$(ls -A "$TMPD/fixkb-docker-config-theirs")"
else
	tap_skip "another user's directory: needs root to chown"
fi

echo "# --- usage errors"
run_ci fix --ci --username-env REG_USER
is "$RUN_RC" 2 "--username-env without --password-env: exit 2"
run_ci fix --ci --print-env
is "$RUN_RC" 2 "--print-env without --apply: exit 2"
run_ci fix --ci --push
is "$RUN_RC" 2 "--push without --image: exit 2"
like "$RUN_ERR" 'push needs --image' "says why"
run_ci fix --ci --image 'UPPER/Case'
is "$RUN_RC" 2 "a bad --image: exit 2"

is "$(docker_sum)" "$before" "the runner's ~/.docker untouched by every system"
done_testing
