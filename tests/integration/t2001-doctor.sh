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
like "$RUN_OUT" "^ghcr.io  \(credential configuration\)$" "names the registry and why it is checked"
like "$RUN_OUT" '^  ✗ cred_helper +error getting credentials - err: exec: "docker-credential-desktop": executable file not found in \$PATH' \
	"cred_helper line: docker's own message for the missing helper"
like "$RUN_OUT" 'remove credsStore "desktop" from .*/\.docker/config\.json \(helper_missing\)$' \
	"names the config file to change and the cause code"
like "$RUN_OUT" '^    cause: the configured credential helper is not installed  \[kb: credentials/helper-missing\]$' \
	"the cause, with its KB entry"
like "$RUN_OUT" '^    fix: +Remove or repoint the credsStore entry \(90%\)  \[plan step 1 of 1: fixkb fix --apply does it\]$' \
	"the best fix, from the KB, with its success rate: the fix plan's step"
like "$RUN_OUT" '^ +remove credsStore "desktop" from config\.json \(docker-credential-desktop is not installed\)$' \
	"what fix would do, on this config.json"
like "$RUN_OUT" "^the plan: 'fixkb fix' shows it whole" "and how to see the whole plan"
like "$RUN_OUT" '^    also: +3\. Install the helper \(75%, not applicable here\)$' "the other workaround, ranked, with why not"
like "$RUN_OUT" "^    don't bother: Running docker login again$" "a dead end"
like "$RUN_OUT" '^1 registry checked: 1 problem, 0 warnings' "the summary line counts"

run_fixkb doctor --offline --format json
is "$RUN_RC" 1 "json: exit 1"
is "$(json_get "$RUN_OUT" command)" "doctor" "json: command"
is "$(json_get "$RUN_OUT" findings.0.cause)" "helper_missing" "json: first finding is helper_missing"
is "$(json_get "$RUN_OUT" findings.0.entry)" "credentials/helper-missing" "json: its KB entry"
is "$(json_get "$RUN_OUT" findings.0.severity)" "fail" "json: severity fail"
is "$(json_get "$RUN_OUT" findings.0.registry)" "ghcr.io" "json: finding registry"
is "$(json_get "$RUN_OUT" findings.1)" "" "json: one finding"
is "$(json_get "$RUN_OUT" findings.0.workarounds.0.id)" "drop-creds-store" "json: the best workaround drops the credsStore"
is "$(json_get "$RUN_OUT" findings.0.workarounds.0.title)" "Remove or repoint the credsStore entry" "json: its title"
is "$(json_get "$RUN_OUT" findings.0.workarounds.0.rank)" "1" "json: rank 1 first"
is "$(json_get "$RUN_OUT" findings.0.workarounds.0.verdict)" "indicated" "json: indicated by the evidence"
is "$(json_get "$RUN_OUT" findings.0.workarounds.0.why)" "docker-credential-desktop only exists where Docker Desktop is installed" \
	"json: why, from the condition on the helper's name"
is "$(json_get "$RUN_OUT" findings.0.workarounds.1.id)/$(json_get "$RUN_OUT" findings.0.workarounds.1.applicable)" \
	"drop-cred-helpers-entry/false" "json: dropping a credHelpers entry ranked second, not applicable (credsStore it is)"
is "$(json_get "$RUN_OUT" findings.0.workarounds.2.id)/$(json_get "$RUN_OUT" findings.0.workarounds.2.applicable)" \
	"install-helper/false" "json: installing the helper ranked third, not applicable"
is "$(json_get "$RUN_OUT" findings.0.evidence.0.code)" "helper_missing" "json: the evidence starts with the failing probe"
probes_of() { printf '%s' "$1" | python3 -c '
import json, sys
print(" ".join("%s/%s/%s/%s" % (p["name"], p["registry"], p["status"], p["code"]) for p in json.load(sys.stdin)["probes"]))'; }
is "$(probes_of "$RUN_OUT")" \
	"config_auth/ghcr.io/ok/helper_configured cred_helper/ghcr.io/fail/helper_missing token_endpoint/ghcr.io/skip/unmet_need" \
	"json: the probes run, their status and code (the network one skipped offline)"
is "$(json_get "$RUN_OUT" probes.1.evidence.helper)" "desktop" "json: the helper probe's evidence names the helper"

run_fixkb doctor --offline --format github
is "$RUN_RC" 1 "github: exit 1"
like "$RUN_OUT" '^::error title=fixkb%3A CRED_HELPER_MISSING \(helper_missing\)::ghcr.io: the configured credential helper is not installed\. Fix: Remove or repoint the credsStore entry' "github: an error annotation per finding"
is "$(printf '%s\n' "$RUN_OUT" | wc -l)" 1 "github: one line for the one finding"
run_fixkb doctor --offline --format sarif
is "$(json_get "$RUN_OUT" version)" "2.1.0" "sarif: version 2.1.0"
is "$(json_get "$RUN_OUT" runs.0.results.0.ruleId)" "credentials/helper-missing" "sarif: the rule is the KB entry"
is "$(json_get "$RUN_OUT" runs.0.tool.driver.rules.0.id)" "credentials/helper-missing" "sarif: the rule is declared"
is "$(json_get "$RUN_OUT" runs.0.results.0.level)" "error" "sarif: level error"

# 2. A clean machine: no credentials configured, a public base image. No
#    helper on PATH either: with none configured docker would pick pass or
#    secretservice if installed (its auto-store), and so does fixkb.
rm -f "$cfg"
mkdir -p "$TEST_DIR/ctx" "$TEST_DIR/nohelpers" "$TEST_DIR/empty"
ln -s "$(command -v timeout)" "$(command -v cat)" "$TEST_DIR/nohelpers/"
printf 'FROM alpine:3.19 AS base\nFROM base\n' > "$TEST_DIR/ctx/Dockerfile"
PATH="$TEST_DIR/nohelpers" run_fixkb doctor --offline --context "$TEST_DIR/ctx" --format json
is "$RUN_RC" 0 "nothing configured, public image: exit 0"
is "$(json_get "$RUN_OUT" registries.0.registry)" "docker.io" "FROM alpine is Docker Hub"
is "$(json_get "$RUN_OUT" registries.0.image)" "alpine:3.19" "the image is kept"
is "$(json_get "$RUN_OUT" registries.0.origin)" "FROM in $TEST_DIR/ctx/Dockerfile" "the origin names the Dockerfile"
is "$(json_get "$RUN_OUT" registries.1)" "" "the stage 'base' is not a registry"
is "$(probes_of "$RUN_OUT")" \
	"config_auth/docker.io/warn/no_credentials cred_helper/docker.io/skip/no_helper token_endpoint/docker.io/skip/unmet_need" \
	"no credentials (a warning: public images pull anonymously), no helper, offline"
is "$(json_get "$RUN_OUT" findings.0.cause)/$(json_get "$RUN_OUT" findings.0.severity)/$(json_get "$RUN_OUT" findings.1)" \
	"no_credentials/warn/" "one finding, a warning"

# 2b. Nothing named anywhere: Docker Hub, implicitly, and only its offline
#     probes: a named registry gets a token_endpoint record even under
#     --offline (skipped, case 2); the implicit one gets none at all.
cd "$TEST_DIR/empty"
run_fixkb doctor --offline --format json
cd - >/dev/null
is "$(json_get "$RUN_OUT" registries.0.registry)" "docker.io" "nothing named: Docker Hub is checked"
like "$(json_get "$RUN_OUT" registries.0.origin)" "^Docker Hub, the default registry" "... and says why"
is "$(json_get "$RUN_OUT" registries.1)" "" "only Docker Hub"
unlike "$(probes_of "$RUN_OUT")" "token_endpoint" "the implicit registry is not even considered for the network probe"

# 3. Registries from --registry and --image are normalised and de-duplicated.
run_fixkb doctor --offline --registry https://ghcr.io/v2/ --image ghcr.io/owner/img:1 --image quay.io/x/y --format json
is "$(json_get "$RUN_OUT" registries.0.registry)" "ghcr.io" "--registry URL normalised"
is "$(json_get "$RUN_OUT" registries.0.origin)" "--registry" "ghcr.io: first named by --registry"
is "$(json_get "$RUN_OUT" registries.0.image)" "ghcr.io/owner/img:1" "ghcr.io: the --image on it is kept"
is "$(json_get "$RUN_OUT" registries.1.registry)" "quay.io" "second registry from --image"
is "$(json_get "$RUN_OUT" registries.1.origin)" "--image" "quay.io: from --image"
is "$(json_get "$RUN_OUT" registries.2)" "" "ghcr.io appears once"

# 4. A plain auths entry holding the canary: found, flagged plaintext, never shown.
printf '{"auths":{"127.0.0.1:5000":{"auth":"%s"}}}\n' "$(canary_userpass_b64 alice)" > "$cfg"
chmod 600 "$cfg"
FP=$(printf '%s' "$CANARY" | sha256sum | cut -c1-8)
run_fixkb doctor --offline -v
like "$RUN_OUT" "^127\\.0\\.0\\.1:5000  \\(credential configuration\\)$" "auths registry discovered from config.json"
like "$RUN_OUT" "^  ! config_auth +password stored in plain base64; docker/BuildKit: auths '127\\.0\\.0\\.1:5000' in ~/\\.docker/config\\.json" \
	"plaintext password flagged, with where it is"
like "$RUN_OUT" '\(plaintext_credentials\) \[[0-9.]+ ms\]$' "the cause code, and -v shows the time"
like "$RUN_OUT" '^    cause: credentials are stored unencrypted in a config file  \[kb: config/plaintext-credentials\]$' \
	"the plaintext cause, with its KB entry"
run_fixkb doctor --offline --format json -v
is "$(json_get "$RUN_OUT" findings.0.cause)" "plaintext_credentials" "json: a plaintext_credentials finding"
is "$(json_get "$RUN_OUT" probes.0.evidence.consumers.docker/buildkit.username)" "alice" "evidence: the username"
like "$(json_get "$RUN_OUT" probes.0.evidence.consumers.docker/buildkit.secret_fingerprint)" "^sha256:$FP" \
	"evidence: the secret only as its fingerprint"

# 5. Unreadable context Dockerfile is a clear usage error.
run_fixkb doctor --offline --context "$TEST_DIR/nonexistent"
is "$RUN_RC" 2 "missing --context Dockerfile: exit 2"
like "$RUN_ERR" "nonexistent/Dockerfile" "names the file"

done_testing
