#!/usr/bin/env bash
# fixkb doctor, offline part: registries from every source, per-consumer
# sources, the missing-helper verdict with its fix, exit codes, JSON shape.
# --offline throughout: these registries are not on 127.0.0.1, and tests never leave it.
. "$TEST_LIB"

cfg="$DOCKER_CONFIG/config.json"
# config.json is the credential store the canary belongs in: not watched.

# 1. credsStore "desktop" on a Linux box: the helper is missing.
cat > "$cfg" <<JSON
{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}
JSON
run_fixkb doctor --offline
is "$RUN_RC" 1 "desktop credsStore without its helper: exit 1"
like "$RUN_OUT" "ghcr.io" "names the registry"
like "$RUN_OUT" "docker-credential-desktop" "names the missing helper binary"
like "$RUN_OUT" "helper_missing" "gives the cause code"
like "$RUN_OUT" "(fix|Fix):" "prints a fix"
like "$RUN_OUT" "credsStore" "the fix is about credsStore"

run_fixkb doctor --offline --format json
is "$RUN_RC" 1 "json: exit 1"
is "$(json_get "$RUN_OUT" command)" "doctor" "json: command"
is "$(json_get "$RUN_OUT" findings.0.cause)" "helper_missing" "json: first finding is helper_missing"
is "$(json_get "$RUN_OUT" findings.0.registry)" "ghcr.io" "json: finding registry"
like "$(json_get "$RUN_OUT" findings.0.workarounds.0.title)" "." "json: the finding has a ranked workaround"
is "$(json_get "$RUN_OUT" findings.0.workarounds.0.rank)" "1" "json: rank 1 first"
like "$(json_get "$RUN_OUT" probes)" '"name": "cred_helper"' "json: probes list the helper probe"

run_fixkb doctor --offline --format github
is "$RUN_RC" 1 "github: exit 1"
like "$RUN_OUT" '^::error title=fixkb%3A CRED_HELPER_MISSING \(helper_missing\)::ghcr.io: ' "github: an error annotation per finding"
run_fixkb doctor --offline --format sarif
is "$(json_get "$RUN_OUT" version)" "2.1.0" "sarif: version 2.1.0"
is "$(json_get "$RUN_OUT" runs.0.results.0.ruleId)" "credentials/helper-missing" "sarif: the rule is the KB entry"
is "$(json_get "$RUN_OUT" runs.0.results.0.level)" "error" "sarif: level error"

# 2. A clean machine: no credentials configured, a public base image.
rm -f "$cfg"
mkdir -p "$TEST_DIR/ctx"
printf 'FROM alpine:3.19 AS base\nFROM base\n' > "$TEST_DIR/ctx/Dockerfile"
run_fixkb doctor --offline --context "$TEST_DIR/ctx" --format json
is "$RUN_RC" 0 "nothing configured, public image: exit 0"
is "$(json_get "$RUN_OUT" registries.0.registry)" "docker.io" "FROM alpine is Docker Hub"
is "$(json_get "$RUN_OUT" registries.0.image)" "alpine:3.19" "the image is kept"

# 3. Registries from --registry and --image are normalised and de-duplicated.
run_fixkb doctor --offline --registry https://ghcr.io/v2/ --image ghcr.io/owner/img:1 --image quay.io/x/y --format json
is "$(json_get "$RUN_OUT" registries.0.registry)" "ghcr.io" "--registry URL normalised"
is "$(json_get "$RUN_OUT" registries.1.registry)" "quay.io" "second registry from --image"
is "$(json_get "$RUN_OUT" registries.2)" "" "ghcr.io appears once"

# 4. A plain auths entry holding the canary: found, flagged plaintext, never shown.
printf '{"auths":{"127.0.0.1:5000":{"auth":"%s"}}}\n' "$(canary_userpass_b64 alice)" > "$cfg"
chmod 600 "$cfg"
run_fixkb doctor --offline -v
like "$RUN_OUT" "127.0.0.1:5000" "auths registry discovered from config.json"
like "$RUN_OUT" "plaintext_credentials" "plaintext password flagged"
run_fixkb doctor --offline --format json -v
like "$(json_get "$RUN_OUT" probes)" "sha256:" "evidence shows a fingerprint"

# 5. Unreadable context Dockerfile is a clear usage error.
run_fixkb doctor --offline --context "$TEST_DIR/nonexistent"
is "$RUN_RC" 2 "missing --context Dockerfile: exit 2"
like "$RUN_ERR" "nonexistent/Dockerfile" "names the file"

done_testing
