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

echo '{}' > "$cfg"
run_fixkb probe docker_auth_config --format json
is "$(probe_field status)" skip "DOCKER_AUTH_CONFIG unset: skip"

export DOCKER_AUTH_CONFIG="{\"auths\":{\"https://ghcr.io\":{\"auth\":\"$(canary_userpass_b64 bob)\"}}}"
run_fixkb probe docker_auth_config --registry ghcr.io --format json
is "$(probe_field code)" docker_auth_config_malformed "key with scheme: the CLI's exact match misses"
like "$(probe_field detail)" 'matches keys exactly' "says why"

export DOCKER_AUTH_CONFIG="{\"auths\":{\"ghcr.io\":{\"auth\":\"$(canary_userpass_b64 bob)\"}},\"credsStore\":\"pass\"}"
run_fixkb probe docker_auth_config --registry ghcr.io --format json
is "$(probe_field status)" warn "credsStore in DOCKER_AUTH_CONFIG: warn (runner accepts)"
like "$(probe_field detail)" 'unknown field "credsStore"' "names the unknown field"

export DOCKER_AUTH_CONFIG=$(printf '{"auths":{"ghcr.io":{"auth":"%s"}}}' "$(canary_userpass_b64 bob)" | base64 -w0)
run_fixkb probe docker_auth_config --format json
is "$(probe_field status)" fail "base64 value: fail"
like "$RUN_OUT" '"form": *"base64"' "form base64"

export DOCKER_AUTH_CONFIG="{\"auths\":{\"ghcr.io\":{\"auth\":\"$(canary_userpass_b64 bob)\"}}}"
run_fixkb probe docker_auth_config --registry ghcr.io --format json
is "$(probe_field status)" ok "valid DOCKER_AUTH_CONFIG: ok"
run_fixkb probe config_auth --registry ghcr.io --format json
is "$(probe_field code)" credential_found "config.json empty: DOCKER_AUTH_CONFIG is docker's source"
like "$(probe_field detail)" "DOCKER_AUTH_CONFIG key 'ghcr.io'" "detail names it"
unset DOCKER_AUTH_CONFIG

done_testing
