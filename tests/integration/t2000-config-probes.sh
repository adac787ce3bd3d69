#!/bin/bash
# t2000 — config_auth and docker_auth_config probes through the CLI
# (fixkb probe NAME --registry HOST --format json), canary planted everywhere.
. "$TEST_LIB"

cfg="$DOCKER_CONFIG/config.json"
probe_field() {   # probe_field FIELD  (of the first probe record)
	json_get "$RUN_OUT" "probes.0.$1"
}

# an auths key (for another host) switches docker's auto-selected store off,
# whatever helpers this machine has on PATH
echo '{"auths":{"other.example":{}}}' > "$cfg"
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field status)" warn "no credentials: warn"
is "$(probe_field code)" no_credentials "no credentials: code"

printf '{"auths":{"ghcr.io":{"auth":"%s"}}}' "$(canary_userpass_b64 alice)" > "$cfg"
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field code)" plaintext_credentials "plain auths password: plaintext_credentials"
like "$RUN_OUT" '"docker/buildkit"' "evidence names the docker consumer"
like "$RUN_OUT" '"containers/image"' "evidence names the containers consumer"

printf '{"credHelpers":{"ghcr.io":"nothere"},"auths":{"ghcr.io":{"auth":"%s"}}}' "$(canary_userpass_b64 alice)" > "$cfg"
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field code)" shadowed_credentials "helper not on PATH hides auths: shadowed_credentials"
like "$(probe_field detail)" 'docker-credential-nothere' "detail names the helper"

printf '{"auths":{"ghcr.io":{"auth":"%s"}}' "$(canary_userpass_b64 alice)" > "$cfg"
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field status)" fail "malformed config.json: fail"
is "$(probe_field code)" config_malformed "malformed config.json: config_malformed"
is "$RUN_RC" 1 "fail exits 1"

# Docker Hub credentials under "docker.io": docker and BuildKit read Hub
# credentials only under https://index.docker.io/v1/, containers/image
# reads this key too
printf '{"auths":{"docker.io":{"auth":"%s"}}}' "$(canary_userpass_b64 alice)" > "$cfg"
run_fixkb probe config_auth --registry docker.io --format json
is "$(probe_field status)/$(probe_field code)" warn/shadowed_credentials "Hub key docker.io: shadowed_credentials, not just plaintext"
like "$(probe_field detail)" "auths key 'docker.io' .* is never read for Docker Hub: docker and BuildKit read only 'https://index.docker.io/v1/' \\(move the entry to that key" \
	"says docker never reads it, and the fix"
like "$(probe_field detail)" "docker/BuildKit: none" "docker sends nothing for Hub"
like "$(probe_field detail)" "containers/image \\(skopeo, podman, buildah\\): auths 'docker.io'" "containers/image does read it"
run_fixkb doctor --offline --format json
like "$RUN_OUT" "never read for Docker Hub" "bare doctor finds it (docker.io from the config)"
printf '{"auths":{"https://index.docker.io/v1/":{"auth":"%s"}}}' "$(canary_userpass_b64 alice)" > "$cfg"
run_fixkb probe config_auth --registry docker.io --format json
is "$(probe_field code)" plaintext_credentials "the right key: no shadowing"

echo '{}' > "$cfg"
run_fixkb probe docker_auth_config --format json
is "$(probe_field status)" skip "DOCKER_AUTH_CONFIG unset: skip"

# DOCKER_AUTH_CONFIG is read only by docker CLI >= 28.3 (buildx >= 0.26).
# fake_docker VERSION: a `docker` on PATH that prints that version (only
# its version text matters; `docker buildx` is an unknown command).
mkdir -p "$TEST_DIR/bin"
fake_docker() {
	printf '#!/bin/sh\ncase "$1" in --version) echo "Docker version %s, build 1234567";; *) echo "docker: unknown command: docker $1" >&2; exit 1;; esac\n' "$1" > "$TEST_DIR/bin/docker"
	chmod +x "$TEST_DIR/bin/docker"
}
ORIG_PATH=$PATH
export PATH="$TEST_DIR/bin:$PATH"
fake_docker 28.3.0

export DOCKER_AUTH_CONFIG="{\"auths\":{\"https://ghcr.io\":{\"auth\":\"$(canary_userpass_b64 bob)\"}}}"
run_fixkb probe docker_auth_config --registry ghcr.io --format json
is "$(probe_field code)" docker_auth_config_malformed "key with scheme: the CLI's exact match misses"
like "$(probe_field detail)" 'matches keys exactly' "says why"

export DOCKER_AUTH_CONFIG="{\"auths\":{\"ghcr.io\":{\"auth\":\"$(canary_userpass_b64 bob)\"}},\"credsStore\":\"pass\"}"
run_fixkb probe docker_auth_config --registry ghcr.io --format json
is "$(probe_field status)/$RUN_RC" fail/1 "docker 28.3.0 rejects credsStore in DOCKER_AUTH_CONFIG: fail, exit 1"
like "$(probe_field detail)" 'unknown field "credsStore"' "names the unknown field"
like "$(probe_field detail)" 'GitLab runner: accepts it' "and says the runner accepts it"
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field status)/$(probe_field code)" fail/docker_auth_config_malformed "config_auth: the rejected variable is a failure too"
like "$(probe_field detail)" 'docker CLI 28.3.0 reads DOCKER_AUTH_CONFIG' "config_auth: names the client that reads it"
run_fixkb doctor --offline --registry ghcr.io
is "$RUN_RC" 1 "doctor exits 1 on a DOCKER_AUTH_CONFIG docker 28.3 rejects"
fake_docker 28.2.2
run_fixkb probe docker_auth_config --registry ghcr.io --format json
is "$(probe_field status)/$RUN_RC" warn/0 "docker 28.2.2: the same value is a warning (docker ignores it anyway)"
like "$(probe_field detail)" 'not used here: docker CLI 28.2.2 does not read DOCKER_AUTH_CONFIG' "says docker ignores it"
fake_docker 28.3.0

export DOCKER_AUTH_CONFIG=$(printf '{"auths":{"ghcr.io":{"auth":"%s"}}}' "$(canary_userpass_b64 bob)" | base64 -w0)
run_fixkb probe docker_auth_config --format json
is "$(probe_field status)" fail "base64 value: fail"
like "$RUN_OUT" '"form": *"base64"' "form base64"

export DOCKER_AUTH_CONFIG="{\"auths\":{\"ghcr.io\":{\"auth\":\"$(canary_userpass_b64 bob)\"}}}"
run_fixkb probe docker_auth_config --registry ghcr.io --format json
is "$(probe_field status)" ok "docker 28.3.0, valid DOCKER_AUTH_CONFIG: ok"
like "$(probe_field detail)" 'docker CLI 28.3.0 reads' "ok: says which client reads it"
is "$(json_get "$RUN_OUT" probes.0.evidence.clients.docker\ CLI.version)" 28.3.0 "evidence: the docker CLI version"
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field code)" credential_found "config.json empty: DOCKER_AUTH_CONFIG is docker's source"
like "$(probe_field detail)" "DOCKER_AUTH_CONFIG key 'ghcr.io'" "detail names it"
printf '{"auths":{"ghcr.io":{"auth":"%s"}},"credHelpers":{"x.invalid":"x"}}' "$(canary_userpass_b64 alice)" > "$cfg"
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field code)" shadowed_credentials "docker 28.3.0: DOCKER_AUTH_CONFIG shadows config.json's auths"
fake_docker 28.2.2
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field code)" plaintext_credentials "docker 28.2.2: config.json's auths is what docker sends, nothing shadowed"
like "$(probe_field detail)" "DOCKER_AUTH_CONFIG ignored: docker CLI 28.2.2" "and says DOCKER_AUTH_CONFIG is ignored"
is "$(json_get "$RUN_OUT" probes.0.evidence.consumers.docker/buildkit.lookup.docker_auth_config.read)" false "evidence: not read"

# the docker CLI this machine really has
export PATH=$ORIG_PATH
if command -v docker >/dev/null 2>&1; then
	real=$(docker --version | sed -n 's/^Docker version \([0-9]*\)\.\([0-9]*\)\.\([0-9]*\).*/\1.\2.\3/p')
	run_fixkb probe docker_auth_config --registry ghcr.io --format json -v
	is "$(json_get "$RUN_OUT" probes.0.evidence.clients.docker\ CLI.version)" "$real" "real docker: fixkb reads its version ($real)"
	if [ "$(printf '%s\n28.3.0\n' "$real" | sort -V | head -1)" = 28.3.0 ]; then
		is "$(probe_field status)" ok "real docker $real reads DOCKER_AUTH_CONFIG: ok"
	else
		is "$(probe_field status)" warn "real docker $real ignores DOCKER_AUTH_CONFIG: warn"
		like "$(probe_field detail)" "docker CLI $real does not read" "real docker $real: says so"
	fi
else
	tap_skip "no docker CLI on this machine"
fi
unset DOCKER_AUTH_CONFIG

done_testing
