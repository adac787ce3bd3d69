#!/usr/bin/env bash
# t3201 — fix --ci in a simulated GitLab CI job against the rig: the
# CI_REGISTRY_USER/CI_REGISTRY_PASSWORD pair for $CI_REGISTRY with no
# login step, set up through eval "$(fixkb fix --ci --apply --print-env)"
# (stdout holds only the export line; the collapsible sections go to
# stderr), the config directory in the checkout, 0700, and added to the
# build context's .dockerignore once; the dependency proxy pair; the job
# token refused by another project's registry (the allowlist setting
# named); a base64 DOCKER_AUTH_CONFIG converted, verified and emptied
# for the later commands; one naming a credential helper (the real
# docker-credential-pass on the rig's pass store) written as credHelpers,
# the secret never copied.
. "$TEST_LIB"
. "$SRCDIR/tests/integration/ci-lib.sh"

ci_rig_start
T=$RIG_TOKEN_REGISTRY REPO=$RIG_REPO
CTX="$TEST_DIR/builds/group/proj"
mkdir -p "$CTX"
printf 'FROM %s/%s:latest\n' "$T" "$REPO" > "$CTX/Dockerfile"
JOB_CWD=$CTX
JOBDIR="$CTX/.fixkb-docker-config"
gl_job() {
	ci_job GITLAB_CI=true CI=true CI_PROJECT_DIR="$CTX" CI_PROJECT_PATH=group/proj CI_JOB_ID=4242 \
		CI_REGISTRY_IMAGE="$T/group/proj" "$@"
}
# after_eval: the script's next command after eval "$RUN_OUT" — BuildKit's
# token flow for the Dockerfile's image — its code in $AFTER (the run is
# kept for the canary sweep).
after_eval() {
	(
		eval "$RUN_OUT"
		run_fixkb probe token_endpoint --registry "$T" --image "$T/$REPO:latest" --format json
		json_get "$RUN_OUT" probes.0.code > "$TEST_DIR/after.code"
		echo "$RUN_N" > "$TEST_DIR/run_n"
	)
	RUN_N=$(cat "$TEST_DIR/run_n")
	AFTER=$(cat "$TEST_DIR/after.code")
}
printf '{"auths":{}}\n' > "$HOME/.docker/config.json"
before=$(docker_sum)

echo "# --- no login step: the CI_REGISTRY pair, through eval --print-env"
gl_job CI_REGISTRY="$T" CI_REGISTRY_USER="$RIG_USER" CI_REGISTRY_PASSWORD="$RIG_PASS" \
	CI_JOB_TOKEN="${CANARY}jt"
run_ci fix --apply --print-env --dotenv "$TEST_DIR/build.env"
is "$RUN_RC" 0 "exit 0"
is "$RUN_OUT" "export DOCKER_CONFIG='$JOBDIR'" "stdout: the export line alone"
like "$RUN_ERR" "section_start:[0-9]+:fixkb_credentials\[collapsed=true\]" "collapsible sections on stderr"
like "$RUN_ERR" "section_end:[0-9]+:fixkb_credentials" "and their ends"
like "$RUN_ERR" "✓ CI_REGISTRY_PASSWORD as CI_REGISTRY_USER \($RIG_USER\): granted repository:$REPO:pull" \
	"the registry pair, verified for the FROM's scope"
unlike "$RUN_ERR" "::add-mask::|##vso" "no other system's log commands"
is "$(stat -c %a "$JOBDIR")" 700 "the config dir, in the checkout, 0700"
is "$(stat -c %a "$JOBDIR/config.json")" 600 "config.json 0600"
is "$(cat "$CTX/.dockerignore")" "# fixkb fix --ci: the job's docker config (credentials)
.fixkb-docker-config" ".dockerignore created with the directory"
like "$RUN_ERR" "^  \./\.dockerignore: adds \".fixkb-docker-config\"" "the report says so"
is "$(cat "$TEST_DIR/build.env")" "DOCKER_CONFIG=$JOBDIR" "--dotenv: the dotenv line"
watch_file "$TEST_DIR/build.env" "$CTX/.dockerignore"
after_eval
is "$AFTER" token_ok "after eval: BuildKit's token flow gets the token"
sk=$(timeout 60 skopeo inspect --tls-verify=false --authfile "$JOBDIR/config.json" "docker://$T/$REPO:latest" 2>&1)
is "$?" 0 "skopeo inspect --authfile <written config.json>"
is "$(docker_sum)" "$before" "the runner's ~/.docker untouched"

echo "# --- the same job again: nothing to do, .dockerignore not touched twice"
gl_job CI_REGISTRY="$T" CI_REGISTRY_USER="$RIG_USER" CI_REGISTRY_PASSWORD="$RIG_PASS" DOCKER_CONFIG="$JOBDIR"
run_ci fix --apply --format json
is "$(jget result)" nothing_to_do "second run: nothing to do"
rm -f "$JOBDIR/config.json"
gl_job CI_REGISTRY="$T" CI_REGISTRY_USER="$RIG_USER" CI_REGISTRY_PASSWORD="$RIG_PASS"
run_ci fix --apply --format json
is "$(jget result)" fixed "config removed: written again"
is "$(grep -c '^.fixkb-docker-config$' "$CTX/.dockerignore")" 1 ".dockerignore names it once"
is "$(jget config.ignores.0.present)" true "the report: already named"

echo "# --- the dependency proxy pair, for \$CI_DEPENDENCY_PROXY_SERVER"
rm -rf "$JOBDIR"
gl_job CI_DEPENDENCY_PROXY_SERVER="$T" CI_DEPENDENCY_PROXY_USER="$RIG_USER" \
	CI_DEPENDENCY_PROXY_PASSWORD="$RIG_PASS"
run_ci fix --apply --format json
is "$(jget result)" fixed "dependency proxy: fixed"
is "$(jget registries.0.chosen.kind)" gitlab-dependency-proxy "the dependency proxy pair"

echo "# --- another project's registry refuses the job token: the allowlist"
ci_private_registry "gitlab-ci-token:$CANARY"
P=$PRIV_REG
printf 'FROM %s/other/base:1\n' "$P" > "$CTX/Dockerfile"
curl -s -o /dev/null -X POST -d '{"no_access": true}' "$PRIV_CTL"
rm -rf "$JOBDIR"
gl_job CI_REGISTRY="$P" CI_JOB_TOKEN="$CANARY"
run_ci fix --apply
is "$RUN_RC" 1 "job token refused: exit 1"
like "$RUN_OUT" "the job token of group/proj may not pull $P/other/base: in the project that owns it, Settings → CI/CD → Job token permissions → add group/proj to the allowlist" \
	"names the allowlist setting"
like "$RUN_OUT" "CI_REGISTRY_USER and CI_REGISTRY_PASSWORD are not set" "the registry pair named as missing"
ok "nothing written" test ! -e "$JOBDIR/config.json"
curl -s -o /dev/null -X POST "$PRIV_CTL/reset"

echo "# --- --push with a registry pair that may only pull: the job token's own registry named"
printf 'FROM %s/%s:latest\n' "$T" "$REPO" > "$CTX/Dockerfile"
rm -rf "$JOBDIR"
gl_job CI_REGISTRY="$T" CI_REGISTRY_USER="$RIG_RO_USER" CI_REGISTRY_PASSWORD="$RIG_RO_PASS"
run_ci fix --apply --image "$T/$REPO:gl-push" --push
is "$RUN_RC" 1 "pull-only pair, --push: exit 1"
like "$RUN_OUT" "a job token pushes only to its own project's container registry \($T/group/proj\); to push $T/$REPO, use a deploy token or a project access token with the write_registry scope" \
	"names where a job token may push and what to use instead"
ok "push refused: nothing written" test ! -e "$JOBDIR/config.json"

echo "# --- DOCKER_AUTH_CONFIG in base64 (docker rejects that form): converted and verified"
printf 'FROM %s/%s:latest\n' "$T" "$REPO" > "$CTX/Dockerfile"
rm -rf "$JOBDIR"
dac=$(printf '{"auths":{"%s":{"auth":"%s"}}}' "$T" "$(b64 "$RIG_USER:$RIG_PASS")" | base64 -w0)
gl_job DOCKER_AUTH_CONFIG="$dac"
run_ci fix --apply --print-env
is "$RUN_RC" 0 "base64 DOCKER_AUTH_CONFIG: exit 0"
like "$RUN_ERR" "✓ DOCKER_AUTH_CONFIG \(base64 form\), auths \"$T\": granted repository:$REPO:pull" \
	"its entry, decoded and verified"
like "$RUN_ERR" "note: the docker CLI \(>= 28.3\) rejects this value .*converted into the job's config.json" \
	"says docker would reject the form and that it was converted"
is "$RUN_OUT" "export DOCKER_CONFIG='$JOBDIR'
unset DOCKER_AUTH_CONFIG" "later commands lose the variable"
after_eval
is "$AFTER" token_ok "after eval: the converted credential gets the token"
is "$(docker_sum)" "$before" "the runner's ~/.docker still untouched"

echo "# --- DOCKER_AUTH_CONFIG naming a helper: credHelpers in the job config, never copied"
if [ -n "$RIG_PASSWORD_STORE_DIR" ] && command -v docker-credential-pass >/dev/null; then
	printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$T" "$RIG_USER" "$RIG_PASS" |
		PASSWORD_STORE_DIR="$RIG_PASSWORD_STORE_DIR" GNUPGHOME="$RIG_GNUPGHOME" docker-credential-pass store
	rm -rf "$JOBDIR"
	# auth settings of its own, or docker would auto-select pass for the runner
	printf '{"credHelpers":{"unused.invalid":"unused"}}\n' > "$HOME/.docker/config.json"
	gl_job DOCKER_AUTH_CONFIG="{\"credHelpers\":{\"$T\":\"pass\"}}" \
		PASSWORD_STORE_DIR="$RIG_PASSWORD_STORE_DIR" GNUPGHOME="$RIG_GNUPGHOME"
	run_ci fix --apply --format json
	is "$RUN_RC" 0 "helper from DOCKER_AUTH_CONFIG: exit 0"
	is "$(jget registries.0.chosen.source)" "DOCKER_AUTH_CONFIG credHelpers \"$T\": docker-credential-pass" \
		"the helper, asked now and verified"
	cfgtxt=$(cat "$JOBDIR/config.json")
	is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["credHelpers"][sys.argv[2]])' "$JOBDIR/config.json" "$T")" \
		pass "written as credHelpers"
	unlike "$cfgtxt" '"auth"|'"$(b64 "$RIG_USER:$RIG_PASS")"'|'"$RIG_PASS" "the secret is not copied into the config"
	like "$(jget verified_after.0.source)" "credHelpers docker-credential-pass in $JOBDIR/config.json" \
		"verified again through the written config (the helper ran again)"
	PASSWORD_STORE_DIR="$RIG_PASSWORD_STORE_DIR" GNUPGHOME="$RIG_GNUPGHOME" timeout 60 skopeo inspect \
		--tls-verify=false --authfile "$JOBDIR/config.json" "docker://$T/$REPO:latest" >/dev/null 2>&1
	tap_ok $? "skopeo gets in through the credHelpers entry"
	printf '%s' "$T" | PASSWORD_STORE_DIR="$RIG_PASSWORD_STORE_DIR" GNUPGHOME="$RIG_GNUPGHOME" \
		docker-credential-pass erase >/dev/null 2>&1
else
	tap_skip "the rig has no pass store (keyring-pass.sh) or docker-credential-pass is missing"
fi

done_testing
