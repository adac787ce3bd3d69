#!/usr/bin/env bash
# t3200 — fix --ci in a simulated GitHub Actions job against the rig: the
# seed scenario end to end (a runner config with a stale credential, the
# BuildKit daemon-path "POST … 401 Unauthorized", fix --ci --apply, then
# the same flow, BuildKit's client flow and skopeo all get in with the
# written config); the hand-off files ($GITHUB_ENV, $GITHUB_OUTPUT,
# $GITHUB_STEP_SUMMARY) are real files; the runner's ~/.docker is
# checksummed before and after; a GITHUB_TOKEN that is rejected, one
# without package access, one missing; the planted canary as a valid
# secret, whose only trace in the log is the ::add-mask:: line.
. "$TEST_LIB"
. "$SRCDIR/tests/integration/ci-lib.sh"

ci_rig_start
T=$RIG_TOKEN_REGISTRY REPO=$RIG_REPO
ctl() { curl -s -o /dev/null -X POST -d "$2" "$1"; }
ctl "$RIG_ISSUER_CTL/reset" '{}'

# --- the job: a checkout with a Dockerfile, the runner's temp dir and files
CTX="$TEST_DIR/work/app"
RT="$TEST_DIR/runner/_temp"
mkdir -p "$CTX" "$RT" "$HOME/.docker/cli-plugins"
printf '#!/bin/sh\n' > "$HOME/.docker/cli-plugins/docker-buildx"
chmod 755 "$HOME/.docker/cli-plugins/docker-buildx"
cat > "$CTX/Dockerfile" <<EOF
FROM $T/$REPO:latest AS base
RUN --mount=type=secret,id=npmrc,required cat /run/secrets/npmrc
RUN --mount=type=ssh git ls-remote git@example.com:o/r
EOF
GENV="$RT/_runner_file_commands/set_env" GOUT="$RT/_runner_file_commands/set_output"
GSUM="$RT/_runner_file_commands/step_summary"
mkdir -p "$RT/_runner_file_commands"
: > "$GENV"; : > "$GOUT"; : > "$GSUM"
watch_file "$GENV" "$GOUT" "$GSUM"
gh_job() {
	ci_job GITHUB_ACTIONS=true CI=true RUNNER_TEMP="$RT" GITHUB_ENV="$GENV" GITHUB_OUTPUT="$GOUT" \
		GITHUB_STEP_SUMMARY="$GSUM" GITHUB_REPOSITORY=acme/app GITHUB_EVENT_NAME=push "$@"
}
JOB_CWD=$CTX
JOBDIR="$RT/fixkb-docker-config"

# The runner's config: copied from a laptop, a stale credential for the
# registry (the canary as its wrong password) and a header setting.
cat > "$HOME/.docker/config.json" <<EOF
{
	"auths": {
		"$T": {
			"auth": "$(b64 "alice:$CANARY")"
		}
	},
	"HttpHeaders": {
		"X-Meta-Team": "build"
	}
}
EOF
before=$(docker_sum)

echo "# --- the seed failure: BuildKit's daemon path gets POST 401 with the runner's config"
run_fixkb probe token_endpoint --client buildkit-daemon --registry "$T" --image "$T/$REPO:latest" --format json
is "$RUN_RC" 1 "before: the token flow fails"
is "$(json_get "$RUN_OUT" probes.0.code)" oauth_token_rejected "before: oauth_token_rejected"
is "$(json_get "$RUN_OUT" probes.0.evidence.flow.message)" \
	"failed to fetch oauth token: unexpected status from POST request to $RIG_TOKEN_REALM: 401 Unauthorized" \
	"before: the seed's exact message"
printf '#5 ERROR: failed to fetch oauth token: unexpected status from POST request to %s: 401 Unauthorized\n' \
	"$RIG_TOKEN_REALM" > "$TEST_DIR/build.log"
run_fixkb explain --offline --format json "$TEST_DIR/build.log"
like "$RUN_OUT" '"entry": "cicd/docker-buildkit-ssh-auth-fail"' "explain names the seed entry"

echo "# --- a dry run in the job: detected, verified, nothing written"
gh_job GITHUB_ACTOR=alice GITHUB_TOKEN="$RIG_PASS"
run_ci fix --token-registry "$T" --format json
is "$RUN_RC" 1 "dry run: exit 1 (it would write)"
is "$(jget ci.system)" github "detected from GITHUB_ACTIONS=true, without --ci"
is "$(jget result)" would_fix "dry run: would_fix"
is "$(jget registries.0.candidates.0.kind)" current "first candidate: the job's config as it stands"
is "$(jget registries.0.candidates.0.code)" oauth_token_rejected "the stale credential is rejected"
is "$(jget registries.0.candidates.1.kind)" github-token "then GITHUB_TOKEN"
is "$(jget registries.0.candidates.1.source)" "GITHUB_TOKEN as GITHUB_ACTOR (alice)" "named with the actor"
is "$(jget registries.0.scopes_verified)" "repository:$REPO:pull" "verified for exactly the FROM's scope"
ok "dry run: no job directory" test ! -e "$JOBDIR"
is "$(cat "$GENV")" "" "dry run: nothing handed on"
like "$(jget diff)" '"auth": "\[redacted sha256:[0-9a-f]{8}' "the diff shows the auth as a fingerprint"

echo "# --- apply"
: > "$GSUM"
run_ci fix --token-registry "$T" --apply
strip_masks
is "$RUN_RC" 0 "apply: exit 0"
like "$RUN_OUT" "^✓ fixed: wrote $JOBDIR/config.json; DOCKER_CONFIG=$JOBDIR for later steps via \\\$GITHUB_ENV" \
	"says what it wrote and how it is handed on"
like "$RUN_OUT" "^  ✓ verified through the written config: $T with the job's docker config: auths \"$T\" in $JOBDIR/config.json: repository:$REPO:pull" \
	"verified again through the written file"
like "$RUN_OUT" '^::group::fixkb: credentials, in the documented order$' "GitHub groups"
like "$RUN_OUT" "^::warning title=fixkb%3A $(printf %s "$T" | sed 's/:/%3A/')::the job's docker config: auths" \
	"a warning annotation names the stale runner config"
is "$(sort "$MASKS" | tr '\n' ' ')" "$(printf '%s\n%s\n' "$RIG_PASS" "$(b64 "alice:$RIG_PASS")" | sort | tr '\n' ' ')" \
	"masks: the token and the base64 auth written, nothing else"
is "$(cat "$GENV")" "DOCKER_CONFIG=$JOBDIR" "\$GITHUB_ENV: DOCKER_CONFIG for later steps"
like "$(cat "$GOUT")" "^docker-config=$JOBDIR$" "\$GITHUB_OUTPUT: docker-config"
like "$(cat "$GOUT")" "^config-file=$JOBDIR/config.json$" "\$GITHUB_OUTPUT: config-file"
like "$(cat "$GOUT")" "^registries=$T$" "\$GITHUB_OUTPUT: registries"
like "$(cat "$GSUM")" "^\| $T \| GITHUB_TOKEN as GITHUB_ACTOR \(alice\) \| repository:$REPO:pull \| ✅ \|$" \
	"step summary: registry, credential source, verified scope"
like "$(cat "$GSUM")" 'Build flags .*--secret id=npmrc,env=npmrc --ssh default' "step summary: the build flags"
is "$(stat -c %a "$JOBDIR")" 700 "job dir 0700"
is "$(stat -c %a "$JOBDIR/config.json")" 600 "config.json 0600"
cfg=$(cat "$JOBDIR/config.json")
is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["auths"][sys.argv[2]]["auth"])' "$JOBDIR/config.json" "$T")" \
	"$(b64 "alice:$RIG_PASS")" "auths entry: base64 of GITHUB_ACTOR:GITHUB_TOKEN"
is "$(json_get "$cfg" HttpHeaders.X-Meta-Team)" build "the runner config's other settings kept"
is "$(json_get "$cfg" credsStore)" None "no credsStore"
is "$(readlink "$JOBDIR/cli-plugins")" "$HOME/.docker/cli-plugins" "the runner's cli-plugins linked"
like "$RUN_OUT" 'secret "npmrc" \(./Dockerfile:2, required\): --secret id=npmrc,env=npmrc  \(\$npmrc is not set' \
	"the secret mount's build flag, and that the job lacks it"
like "$RUN_OUT" 'ssh "default" \(./Dockerfile:3\): --ssh default' "the ssh mount's flag"
like "$RUN_OUT" 'agent: SSH_AUTH_SOCK is not set: no agent' "no agent socket in the job"
like "$RUN_OUT" '^  npmrc=\$\{\{ secrets.npmrc \}\}$' "build-push-action secrets: input"
is "$(docker_sum)" "$before" "the runner's ~/.docker untouched (checksum)"

echo "# --- a later step: DOCKER_CONFIG from \$GITHUB_ENV"
(
	set -a; . "$GENV"; set +a
	run_fixkb probe token_endpoint --client buildkit-daemon --registry "$T" --image "$T/$REPO:latest" --format json
	echo "$RUN_RC" > "$TEST_DIR/after.rc"
	json_get "$RUN_OUT" probes.0.code > "$TEST_DIR/after.code"
	run_fixkb probe token_endpoint --registry "$T" --image "$T/$REPO:latest" --format json
	json_get "$RUN_OUT" probes.0.code > "$TEST_DIR/after-client.code"
	run_fixkb doctor --context "$CTX" --format json
	echo "$RUN_RC" > "$TEST_DIR/doctor.rc"
	echo "$RUN_N" > "$TEST_DIR/run_n"
)
RUN_N=$(cat "$TEST_DIR/run_n")
is "$(cat "$TEST_DIR/after.rc")" 0 "after: the daemon-path flow (the seed's) succeeds"
is "$(cat "$TEST_DIR/after.code")" token_ok "after: token_ok"
is "$(cat "$TEST_DIR/after-client.code")" token_ok "after: BuildKit's client path too"
is "$(cat "$TEST_DIR/doctor.rc")" 0 "after: doctor --context finds nothing wrong"
sk=$(timeout 60 skopeo inspect --tls-verify=false --authfile "$JOBDIR/config.json" "docker://$T/$REPO:latest" 2>&1)
is "$?" 0 "after: skopeo inspect --authfile <written config.json> gets in"
like "$sk" "\"Name\": \"$T/$REPO\"" "skopeo read the manifest"
sk=$(timeout 60 skopeo inspect --tls-verify=false --authfile "$HOME/.docker/config.json" "docker://$T/$REPO:latest" 2>&1)
tap_ok $((! $?)) "the runner's own config still fails with skopeo (it was not touched)"

echo "# --- a second run in a later step: nothing to do"
: > "$GENV"; : > "$GOUT"
gh_job GITHUB_ACTOR=alice GITHUB_TOKEN="$RIG_PASS" DOCKER_CONFIG="$JOBDIR"
run_ci fix --token-registry "$T" --apply --format json
is "$RUN_RC" 0 "second run: exit 0"
is "$(jget result)" nothing_to_do "second run: nothing to do"
is "$(cat "$GENV")" "" "second run: nothing handed on again"
is "$(cat "$GOUT")" "docker-config=$JOBDIR
config-file=$JOBDIR/config.json
registries=$T" "second run: the outputs name the config in use"

echo "# --- GITHUB_TOKEN rejected, nothing else works: a failure, named, nothing written"
rm -rf "$JOBDIR"; : > "$GENV"; : > "$GOUT"; : > "$GSUM"
gh_job GITHUB_ACTOR=alice GITHUB_TOKEN="${CANARY}gh"
run_ci fix --token-registry "$T" --apply
is "$RUN_RC" 1 "rejected: exit 1"
like "$RUN_OUT" "GITHUB_TOKEN as GITHUB_ACTOR \(alice\) was REJECTED by $T's token endpoint: it is set, but wrong, expired or revoked \(it is not missing\)" \
	"the token is named as rejected, not missing"
like "$RUN_OUT" "anonymous access to $T/$REPO is refused" "anonymous tried last, refused"
like "$RUN_OUT" "^::error title=fixkb%3A no working credential for " "an error annotation"
ok "rejected: no job directory" test ! -e "$JOBDIR"
is "$(cat "$GENV")$(cat "$GOUT")" "" "rejected: nothing handed on"
like "$(cat "$GSUM")" "^\| $T \| none works \|  \| ❌ \|$" "step summary says none works"

echo "# --- --push: a token valid for pull but not push fails, naming the permission; nothing written"
rm -rf "$JOBDIR"; : > "$GENV"; : > "$GOUT"
gh_job GITHUB_ACTOR="$RIG_RO_USER" GITHUB_TOKEN="$RIG_RO_PASS"
run_ci fix --token-registry "$T" --image "$T/$REPO:ci-push" --push --apply
strip_masks
is "$RUN_RC" 1 "pull-only token with --push: exit 1"
like "$RUN_OUT" "repository:$REPO:pull,push " "the push target's scope is pull,push"
like "$RUN_OUT" "✗ GITHUB_TOKEN as GITHUB_ACTOR \($RIG_RO_USER\): push to $REPO is refused" \
	"the verdict: push refused"
like "$RUN_OUT" "GITHUB_TOKEN is valid but may not push to $T/$REPO: give the job the permission" \
	"named as a permission, not a bad token"
like "$RUN_OUT" '^      packages: write$' "packages: write"
like "$RUN_OUT" 'Manage Actions access → Add repository, role Write' "the package's Actions access, role Write"
like "$RUN_OUT" '^::error title=fixkb%3A no working credential for ' "an error annotation"
ok "push refused: no job directory" test ! -e "$JOBDIR"
is "$(cat "$GENV")$(cat "$GOUT")" "" "push refused: nothing handed on"
gh_job GITHUB_ACTOR="$RIG_USER" GITHUB_TOKEN="$RIG_PASS"
run_ci fix --token-registry "$T" --image "$T/$REPO:ci-push" --push --apply --format json
strip_masks
is "$RUN_RC" 0 "a token that may push: exit 0"
is "$(jget registries.0.scopes_verified)" "repository:$REPO:pull,push" \
	"verified: one scope, pull,push (the FROM image is the image pushed)"
is "$(jget verified_after.0.ok)" true "verified again through the written config"
rm -rf "$JOBDIR"; : > "$GENV"; : > "$GOUT"

echo "# --- GITHUB_TOKEN missing from the step"
gh_job GITHUB_ACTOR=alice
run_ci fix --token-registry "$T" --format json
is "$RUN_RC" 1 "missing: exit 1"
is "$(jget registries.0.candidates.1.usable)" false "GITHUB_TOKEN not usable"
like "$(jget registries.0.candidates.1.note)" 'GITHUB_TOKEN is not set' "named as missing"
like "$(jget registries.0.candidates.1.advice.0)" 'env: \{ GITHUB_TOKEN: \$\{\{ secrets.GITHUB_TOKEN \}\} \}' \
	"says how to pass it"

echo "# --- a private registry: the canary is the valid token (masked), then no package access"
ci_private_registry "ci-user:$CANARY"
P=$PRIV_REG
printf 'FROM scratch\n' > "$TEST_DIR/Empty.Dockerfile"
rm -rf "$JOBDIR"; : > "$GENV"
gh_job GITHUB_ACTOR=ci-user GITHUB_TOKEN="$CANARY"
run_ci fix --token-registry "$P" --image "$P/$REPO:latest" --file "$TEST_DIR/Empty.Dockerfile" --apply
strip_masks
is "$RUN_RC" 0 "canary token: fixed"
is "$(sort "$MASKS" | tr '\n' ' ')" "$(printf '%s\n%s\n' "$CANARY" "$(b64 "ci-user:$CANARY")" | sort | tr '\n' ' ')" \
	"the ::add-mask:: lines carry the token and its base64 auth, and are the only ones"
like "$(cat "$PRIV_LOG")" "method=POST status=200 .*scope=repository:$REPO:pull .*user=ci-user" \
	"the issuer was asked for exactly the image's pull scope"
ctl "$PRIV_CTL" '{"no_access": true}'
rm -rf "$JOBDIR"; : > "$GENV"
run_ci fix --token-registry "$P" --image "$P/$REPO:latest" --file "$TEST_DIR/Empty.Dockerfile" --apply
strip_masks
is "$RUN_RC" 1 "no package access: exit 1"
like "$RUN_OUT" 'GITHUB_TOKEN is valid but may not pull '"$P/$REPO"': give the job the permission' \
	"the token is valid, the permission is missing"
like "$RUN_OUT" '^    permissions:$' "the permissions YAML"
like "$RUN_OUT" '^      packages: read$' "packages: read"
like "$RUN_OUT" 'Manage Actions access → Add repository, role Read' "the package's Manage Actions access setting"
ok "no access: nothing written" test ! -e "$JOBDIR"
ctl "$PRIV_CTL/reset" '{}'

ctl "$RIG_ISSUER_CTL/reset" '{}'
done_testing
