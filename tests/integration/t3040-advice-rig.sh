#!/usr/bin/env bash
# t3040 — the advice doctor prints, run as printed against the real rig
# (issue 10, problem 4). A stale login on a public image is not headed
# "another source wins" (there is none), never offers "unset
# DOCKER_AUTH_CONFIG" when it is not set, and its printed `docker logout`,
# run with the real docker CLI, makes the pull work (doctor and skopeo
# agree). A read-only account's refused push gets a login command whose
# preconditions are printed first; run as printed with an account that may
# push, doctor --push passes and skopeo copy works.
. "$TEST_LIB"

rig_start
export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json"
T=$RIG_TOKEN_REGISTRY REPO=$RIG_REPO TAG=$RIG_TAG
cfg="$DOCKER_CONFIG/config.json"
ctl() { curl -s -o /dev/null -X POST -d "$2" "$1"; }
ctl "$RIG_ISSUER_CTL/reset" '{}'
b64() { printf '%s' "$1" | base64 -w0; }
te() { record_field token_endpoint "$1"; }
have_docker=0
command -v docker >/dev/null 2>&1 && have_docker=1

echo "# --- a stale login on a public image"
ctl "$RIG_ISSUER_CTL" '{"anonymous_pull":true}'
# a non-empty credHelpers keeps the docker CLI on the plain file store
printf '{"auths":{"%s":{"auth":"%s"}},"credHelpers":{"unused.invalid":"unused"}}\n' "$T" \
	"$(b64 "alice:stale-$CANARY")" > "$cfg"
run_fixkb -v doctor --image "$T/$REPO:$TAG"
is "$RUN_RC" 1 "doctor: exit 1"
unlike "$RUN_OUT" 'another source wins' "not headed 'another source wins': there is no other source"
like "$RUN_OUT" 'cause: the credential sent is stale or shadowed: another source, or none, would work  \[kb: registry/stale-credentials-public-image\]' \
	"the cause and its entry"
like "$RUN_OUT" 'fix: +Log out of the registry: the public image then pulls anonymously' "the fix: log out"
like "$RUN_OUT" 'fixkb pulled this image anonymously just now' "indicated by what fixkb saw"
unlike "$(printed_commands "$RUN_OUT")" 'unset DOCKER_AUTH_CONFIG' "unset DOCKER_AUTH_CONFIG is not offered: it is not set"
like "$RUN_OUT" 'not applicable here: DOCKER_AUTH_CONFIG is not set here' "and says why"
logout=$(printed_commands "$RUN_OUT" | grep '^docker logout ' | head -1)
is "$logout" "docker logout $T" "the printed logout names the registry"
run_fixkb -v doctor --image "$T/$REPO:$TAG" --client podman --insecure-registry "$T"
like "$RUN_OUT" 'fix: +podman, buildah, skopeo: log out of the registry' "--client podman: podman logout instead"
like "$(printed_commands "$RUN_OUT")" "^podman logout $T\$" "  printed for this registry"
if [ "$have_docker" = 1 ]; then
	bash -c "$logout" >"$TEST_DIR/logout.out" 2>&1
	is "$?" 0 "the printed docker logout runs (docker CLI $(docker version --format '{{.Client.Version}}' 2>/dev/null))"
	run_fixkb doctor --format json --image "$T/$REPO:$TAG"
	is "$(te status)" ok "after it, doctor: the pull works"
	SK_OUT=$(skopeo inspect --raw --authfile "$cfg" --tls-verify=false "docker://$T/$REPO:$TAG" 2>&1)
	is "$?" 0 "and skopeo agrees"
else
	tap_skip "the docker CLI is not installed: the printed logout is not run"
fi
ctl "$RIG_ISSUER_CTL" '{"anonymous_pull":false}'

echo "# --- a read-only account refused a push: the printed login, run as printed"
printf '{"auths":{"%s":{"auth":"%s"}},"credHelpers":{"unused.invalid":"unused"}}\n' "$T" \
	"$(b64 "$RIG_RO_USER:$RIG_RO_PASS")" > "$cfg"
run_fixkb -v doctor --push --image "$T/$REPO:$TAG"
is "$RUN_RC" 1 "doctor --push: exit 1"
like "$RUN_OUT" 'fix: +Use a credential that has the needed scope' "the fix: a credential with the needed scope"
login=$(printed_commands "$RUN_OUT" | grep 'docker login' | head -1)
is "$login" "echo \"\$REGISTRY_TOKEN\" | docker login $T -u \"\$REGISTRY_USER\" --password-stdin" "the login reads REGISTRY_USER and REGISTRY_TOKEN"
req=$(printf '%s\n' "$RUN_OUT" | grep -n 'first: REGISTRY_USER' | head -1 | cut -d: -f1)
cmdline=$(printf '%s\n' "$RUN_OUT" | grep -n 'docker login' | grep '\$ ' | head -1 | cut -d: -f1)
tap_ok $(( ${req:-0} > 0 && ${req:-0} < ${cmdline:-0} ? 0 : 1 )) "its precondition is printed before it (lines $req < $cmdline)"
if [ "$have_docker" = 1 ]; then
	REGISTRY_USER=$RIG_USER REGISTRY_TOKEN=$RIG_PASS bash -c "$login" >"$TEST_DIR/login.out" 2>&1
	is "$?" 0 "the printed docker login runs, with an account that may push"
	run_fixkb doctor --format json --push --image "$T/$REPO:$TAG"
	is "$(te status)" ok "after it, doctor --push: push granted"
	SK_OUT=$(skopeo copy --policy "$RIG_SKOPEO_POLICY" --authfile "$cfg" --src-tls-verify=false \
		--dest-tls-verify=false "docker://$T/$REPO:$TAG" "docker://$T/$REPO:advice" 2>&1)
	is "$?" 0 "and skopeo copy (a push) agrees"
else
	tap_skip "the docker CLI is not installed: the printed login is not run"
fi

ctl "$RIG_ISSUER_CTL/reset" '{}'
watch_file "$RIG_TOKEN_LOG"
done_testing
