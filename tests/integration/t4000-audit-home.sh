#!/bin/bash
# t4000 — `fixkb audit` on a generated developer home, against the real
# docker-credential-secretservice and a private, unlocked gnome-keyring
# (tests/rig/keyring-pass.sh, as t2100 uses it):
#   - ~/.docker/config.json at 0644 with plaintext auths, and credHelpers
#     sending ghcr.io to the keyring;
#   - the keyring entry (stored by the real helper) is an identity token,
#     a JWT that expired an hour ago;
#   - ~/.config/containers/auth.json with a third ghcr.io credential;
#   - ~/.bashrc exporting DOCKER_AUTH_CONFIG;
#   - three projects: one whose context would copy .docker/config.json, one
#     with ARG NPM_TOKEN, one clean (its .docker excluded by .dockerignore);
#     and a gitignored build/ dir whose Dockerfile must not be walked.
# Then: exactly the expected findings, no more; the JSON validates against
# docs/audit.schema.json, the SARIF against the OASIS 2.1.0 schema; the
# same home without a D-Bus session adds helper-failed; the canary (the
# password, inside the JWT and inside DOCKER_AUTH_CONFIG) never shows.
. "$TEST_LIB"
unset DISPLAY DOCKER_CONFIG
KP="$SRCDIR/tests/rig/keyring-pass.sh"
SARIF_SCHEMA="$SRCDIR/tests/audit/sarif-schema-2.1.0.json"
AUDIT_SCHEMA="$SRCDIR/docs/audit.schema.json"
REG=ghcr.io

for b in docker-credential-secretservice dbus-daemon gnome-keyring-daemon dbus-send; do
	if ! command -v "$b" >/dev/null 2>&1; then
		[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! $b is not installed (FIXKB_REQUIRE_RIG is set)"; exit 1; }
		skip_all "$b is not installed"
	fi
done
if ! python3 -c 'import jsonschema' 2>/dev/null; then
	[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! python3-jsonschema is not installed"; exit 1; }
	skip_all "python3-jsonschema is not installed"
fi
OWN=""
cleanup() {
	printf '%s' "$REG" | docker-credential-secretservice erase >/dev/null 2>&1
	[ -n "$OWN" ] && "$KP" down "$OWN" 2>/dev/null
}
trap cleanup EXIT
if [ -z "${RIG_DIR:-}" ] || [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	OWN=$(mktemp -d /tmp/rig.XXXX)
	"$KP" up "$OWN" keyring 2>"$TEST_DIR/rig.log" || { echo "Bail out! keyring rig did not start"; sed 's/^/# /' "$TEST_DIR/rig.log"; exit 1; }
	. "$OWN/env"
fi
BUS=$DBUS_SESSION_BUS_ADDRESS

b64() { printf '%s' "$1" | base64 -w0; }
b64url() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
NOW=$(date +%s)
JWT="$(b64url '{"alg":"RS256","typ":"JWT"}').$(b64url "{\"sub\":\"alice\",\"exp\":$((NOW - 3600)),\"note\":\"$CANARY\"}").$(b64url "sig$CANARY")"
PAT="ghp_$(printf '%036d' 7)"

# ---- the home ----
mkdir -p "$HOME/.docker" "$HOME/.config/containers"
cat > "$HOME/.docker/config.json" <<EOF
{
	"auths": {
		"ghcr.io": {"auth": "$(b64 "alice:$CANARY")"},
		"registry.example.com:5000": {"auth": "$(b64 "ci:$CANARY-ci")"}
	},
	"credHelpers": {
		"ghcr.io": "secretservice"
	}
}
EOF
chmod 644 "$HOME/.docker/config.json"
printf '{"auths":{"ghcr.io":{"auth":"%s"}}}\n' "$(b64 "alice:$PAT")" > "$HOME/.config/containers/auth.json"
chmod 600 "$HOME/.config/containers/auth.json"
printf '# my shell\nexport PATH="$HOME/bin:$PATH"\nexport DOCKER_AUTH_CONFIG='"'"'{"auths":{"registry.example.com:5000":{"auth":"%s"}}}'"'"'\n' \
	"$(b64 "ci:$CANARY")" > "$HOME/.bashrc"
printf '{"ServerURL":"%s","Username":"<token>","Secret":"%s"}' "$REG" "$JWT" |
	docker-credential-secretservice store >"$TEST_DIR/store.out" 2>&1
is "$?" 0 "the real docker-credential-secretservice stores the identity token"

# ---- three projects (and a gitignored one) ----
W="$TEST_DIR/work"
mkdir -p "$W/leak/.docker" "$W/npm" "$W/clean/.docker" "$W/build/gen"
printf 'FROM alpine:3.19\nWORKDIR /app\nCOPY . .\nRUN make\n' > "$W/leak/Dockerfile"
printf '{"auths":{"registry.example.com:5000":{"auth":"%s"}}}\n' "$(b64 "ci:$CANARY")" > "$W/leak/.docker/config.json"
printf 'FROM node:20\nARG NPM_TOKEN\nCOPY package.json .\nRUN npm ci\n' > "$W/npm/Dockerfile"
printf 'FROM alpine:3.19\nCOPY . /app\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN true\n' > "$W/clean/Dockerfile"
printf '# credentials stay out of the image\n.docker\n' > "$W/clean/.dockerignore"
cp "$W/leak/.docker/config.json" "$W/clean/.docker/config.json"
printf 'build/\n' > "$W/.gitignore"
printf 'FROM alpine\nARG GITHUB_TOKEN\n' > "$W/build/gen/Dockerfile"
cp "$W/leak/.docker/config.json" "$W/build/gen/config.json"
cd "$TEST_DIR" || exit 1

# rule|file|registry of every finding, sorted
tuples() {
	printf '%s' "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    print("%s|%s|%s" % (f["rule"], f.get("file", ""), f.get("registry", "")))' | sort
}

EXPECTED=$(sort <<'EOF'
account-password|~/.docker/config.json|ghcr.io
credential-file-permissions|~/.docker/config.json|
credential-in-build-context|work/leak/.docker/config.json|
docker-auth-config-exported|~/.bashrc|
dockerfile-secret-arg|work/npm/Dockerfile|
expired-token|~/.docker/config.json|ghcr.io
plaintext-credentials|~/.config/containers/auth.json|ghcr.io
plaintext-credentials|~/.docker/config.json|ghcr.io
plaintext-credentials|~/.docker/config.json|registry.example.com:5000
shadowed-credentials|~/.docker/config.json|ghcr.io
EOF
)

run_fixkb audit --context work --format json
is "$RUN_RC" 1 "findings at or above --fail-on low: exit 1"
JSON=$RUN_OUT
got=$(tuples "$JSON")
is "$got" "$EXPECTED" "exactly the expected findings, no more"
[ "$got" = "$EXPECTED" ] || diff <(echo "$EXPECTED") <(echo "$got") | sed 's/^/# /'
is "$(json_get "$JSON" summary.critical)/$(json_get "$JSON" summary.high)/$(json_get "$JSON" summary.medium)/$(json_get "$JSON" summary.low)" \
	2/5/3/0 "summary: 2 critical, 5 high, 3 medium, 0 low"
is "$(json_get "$JSON" walk.build_contexts)" 3 "three build contexts (the gitignored one not walked)"
is "$(json_get "$JSON" notes)" "[]" "no notes: everything could be read"

finding() {   # finding RULE FIELD: FIELD of the first finding of RULE
	printf '%s' "$JSON" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    if f["rule"] == sys.argv[1]:
        v = f.get(sys.argv[2], "")
        print(json.dumps(v) if isinstance(v, (dict, list)) else v)
        break' "$1" "$2"
}
FP_PW=$(printf '%s' "$CANARY" | sha256sum | cut -c1-8)
like "$(finding expired-token message)" 'identity token is a JWT that expired at' "expired-token: the keyring's identity token"
like "$(finding expired-token message)" 'docker-credential-secretservice' "expired-token: names the helper that holds it"
is "$(finding expired-token line)" 7 "expired-token: located at the credHelpers line"
like "$(finding credential-file-permissions message)" 'holds 2 credentials and is readable by group and others \(mode 0644\)' "permissions: 0644 with 2 credentials"
like "$(finding account-password message)" "no GitHub token prefix.*sha256:$FP_PW" "account-password: the password's fingerprint"
like "$(finding shadowed-credentials message)" 'ghcr.io has 3 different credentials in 3 stores' "shadowed: three stores"
like "$(finding shadowed-credentials message)" "docker-credential-secretservice 'ghcr.io' \(<token>, sha256:[0-9a-f]{8}.*is sent by docker/buildkit" "shadowed: docker sends the keyring's token"
like "$(finding shadowed-credentials message)" "auth.json 'ghcr.io' \(alice, sha256:[0-9a-f]{8}.*is sent by containers/image" "shadowed: podman sends auth.json's"
like "$(finding shadowed-credentials message)" "config.json 'ghcr.io' \(alice, sha256:$FP_PW.*is sent by no client" "shadowed: config.json's auths is dead"
like "$(finding credential-in-build-context message)" 'COPY/ADD of the whole context at work/leak/Dockerfile:3' "context: names the COPY . . line"
is "$(finding dockerfile-secret-arg line)" 2 "ARG NPM_TOKEN at line 2"
like "$(finding docker-auth-config-exported message)" '~/.bashrc:3 exports DOCKER_AUTH_CONFIG \(sha256:' "bashrc: line 3, fingerprinted"
like "$(json_get "$JSON" credentials)" '"kind": "identity_token"' "inventory: the keyring's identity token"

# ---- the JSON report against its schema ----
printf '%s' "$JSON" > "$TEST_DIR/report.json"
validate() {   # validate SCHEMA DOC VALIDATOR -> "valid" or the first error
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = getattr(jsonschema, sys.argv[3])
cls.check_schema(schema)
errs = sorted(cls(schema, format_checker=jsonschema.FormatChecker()).iter_errors(doc), key=lambda e: list(e.path))
print("valid" if not errs else "%s: %s" % (list(errs[0].absolute_path), errs[0].message[:200]))
PY
}
is "$(validate "$AUDIT_SCHEMA" "$TEST_DIR/report.json" Draft202012Validator)" valid "json: valid against docs/audit.schema.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["findings"][0]["severity"]="severe"; json.dump(d, open(sys.argv[2],"w"))' \
	"$TEST_DIR/report.json" "$TEST_DIR/bad.json"
like "$(validate "$AUDIT_SCHEMA" "$TEST_DIR/bad.json" Draft202012Validator)" "severe" "json: the schema does reject a wrong severity"

# ---- SARIF 2.1.0 ----
run_fixkb audit --context work --format sarif
is "$RUN_RC" 1 "sarif: exit 1"
printf '%s' "$RUN_OUT" > "$TEST_DIR/report.sarif"
is "$(validate "$SARIF_SCHEMA" "$TEST_DIR/report.sarif" Draft4Validator)" valid "sarif: valid against the OASIS SARIF 2.1.0 schema"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["runs"][0]["results"][0]["level"]="fatal"; json.dump(d, open(sys.argv[2],"w"))' \
	"$TEST_DIR/report.sarif" "$TEST_DIR/bad.sarif"
like "$(validate "$SARIF_SCHEMA" "$TEST_DIR/bad.sarif" Draft4Validator)" "fatal" "sarif: the schema does reject a wrong level"
sarif() { python3 -c "import json,sys; d=json.load(open('$TEST_DIR/report.sarif')); r=d['runs'][0]; print($1)"; }
is "$(sarif 'len(r["results"])')" 10 "sarif: one result per finding"
is "$(sarif 'len(r["tool"]["driver"]["rules"])')" 15 "sarif: every rule described"
is "$(sarif 'all(x.get("helpUri","").startswith("https://") and x["help"]["text"] and x["properties"]["security-severity"] for x in r["tool"]["driver"]["rules"])')" True \
	"sarif: each rule has help, helpUri and a security-severity"
is "$(sarif 'sorted(set(x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in r["results"] if "uri" in x["locations"][0]["physicalLocation"]["artifactLocation"] and x["ruleId"]=="dockerfile-secret-arg"))')" \
	"['work/npm/Dockerfile']" "sarif: a relative URI for a file under %SRCROOT%"
is "$(sarif '[x["locations"][0]["physicalLocation"]["region"]["startLine"] for x in r["results"] if x["ruleId"]=="dockerfile-secret-arg"]')" "[2]" "sarif: with its line"
is "$(sarif 'all(x["partialFingerprints"]["fixkbFindingId/v1"] for x in r["results"])')" True "sarif: partialFingerprints carry the finding ids"

# ---- text and github ----
run_fixkb audit --context work
is "$RUN_RC" 1 "text: exit 1"
like "$(printf '%s' "$RUN_OUT" | grep -E '^(CRITICAL|HIGH|MEDIUM|LOW) ' | tr '\n' ' ')" '^CRITICAL \(2\) HIGH \(5\) MEDIUM \(3\) $' "text: grouped by severity, most severe first"
like "$RUN_OUT" '10 findings: 2 critical, 5 high, 3 medium, 0 low' "text: the summary line"
run_fixkb audit --context work --format github
is "$(printf '%s\n' "$RUN_OUT" | grep -c '^::error ')/$(printf '%s\n' "$RUN_OUT" | grep -c '^::warning ')" 7/3 "github: 7 errors (critical, high), 3 warnings (medium)"
like "$RUN_OUT" '::error file=work/npm/Dockerfile,line=2,title=fixkb audit%3A dockerfile-secret-arg' "github: file and line for a file in the checkout"

# ---- --fail-on and --baseline ----
run_fixkb audit --context work --fail-on critical --format json
is "$RUN_RC" 1 "--fail-on critical: 2 critical findings, exit 1"
printf '%s' "$JSON" > "$TEST_DIR/baseline.json"
run_fixkb audit --context work --baseline "$TEST_DIR/baseline.json" --format json
is "$RUN_RC" 0 "everything in the baseline: exit 0"
is "$(json_get "$RUN_OUT" summary.total)/$(json_get "$RUN_OUT" summary.suppressed)" 0/10 "baseline: 0 reported, 10 suppressed"
printf 'FROM alpine\nENV GH_TOKEN=x\n' > "$W/npm/Dockerfile.ci"
run_fixkb audit --context work --baseline "$TEST_DIR/baseline.json" --format json
is "$RUN_RC" 1 "a new finding after the baseline: exit 1"
is "$(tuples "$RUN_OUT")" "dockerfile-secret-arg|work/npm/Dockerfile.ci|" "only the new finding is reported"
rm -f "$W/npm/Dockerfile.ci"

# ---- the same home without a session bus: the real helper fails ----
unset DBUS_SESSION_BUS_ADDRESS
run_fixkb audit --context work --format json
JSON=$RUN_OUT
is "$(finding helper-failed message | grep -c 'Cannot autolaunch D-Bus')" 1 "no bus: helper-failed with the helper's own words"
is "$(finding helper-failed details)" '{"outcome": "failed", "class": "dbus", "exit_code": 1}' "no bus: classified as dbus"
unlike "$(tuples "$JSON")" 'expired-token' "no bus: the token cannot be read, so nothing is said about it"
export DBUS_SESSION_BUS_ADDRESS="$BUS"

done_testing
