#!/bin/bash
# t2120 — helpers that are missing, misnamed, hung, or answer wrongly:
# helper_missing with docker's exact message, a path-like name refused
# (never run), a hung helper killed (with its children) at the deadline,
# bad output, non-standard not-found text, a Secret in failure output.
. "$TEST_LIB"
REG=127.0.0.1:5000
cfg() { printf '%s\n' "$1" > "$DOCKER_CONFIG/config.json"; }
pj() { json_get "$RUN_OUT" "probes.0.$1"; }
mkdir -p "$TEST_DIR/bin"
fake() { printf '#!/bin/sh\n%s\n' "$2" > "$TEST_DIR/bin/docker-credential-$1"; chmod +x "$TEST_DIR/bin/docker-credential-$1"; }
export PATH="$TEST_DIR/bin:$PATH"
MARK=$((90000 + RANDOM))

cfg '{"credsStore":"desktop"}'
run_fixkb probe cred_helper --registry "$REG" --format json
is "$RUN_RC" 1 "missing: exit 1"
is "$(pj status)/$(pj code)" fail/helper_missing "missing: fail helper_missing"
is "$(pj evidence.docker_message)" 'error getting credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ``' \
	"missing: docker's exact message"
like "$(pj detail)" 'install docker-credential-desktop, or remove credsStore "desktop"' "missing: the fix hint"
is "$(pj evidence.binary)" None "missing: no binary (null)"

cfg "{\"credHelpers\":{\"$REG\":\"../../bin/sh\"}}"
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" fail/config_malformed "path-like name: config_malformed"
like "$(pj detail)" "refusing to run helper name '../../bin/sh'" "path-like name: refused"
is "$(pj evidence.binary)" None "path-like name: nothing was run"

fake hang "sleep $MARK & wait"
cfg "{\"credHelpers\":{\"$REG\":\"hang\"}}"
t0=$(date +%s%3N)
run_fixkb --timeout 2 probe cred_helper --registry "$REG" --format json
took=$(( $(date +%s%3N) - t0 ))
is "$(pj status)/$(pj code)" fail/helper_failed "hung: helper_failed"
is "$(pj evidence.class)/$(pj evidence.outcome)" timeout/timed_out "hung: class timeout"
ok "hung: fixkb returned within 2.6 s (took $took ms)" test "$took" -lt 2600
echo "# measured: hung helper: fixkb --timeout 2 returned after $took ms; helper ms $(pj evidence.ms)"
sleep 0.2
ok "hung: the helper's child was killed too" sh -c "! pgrep -f 'slee[p] $MARK' >/dev/null"

fake garbage 'cat >/dev/null; echo "not json at all"'
cfg '{"credsStore":"garbage"}'
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj evidence.outcome)" fail/bad_output "garbage: bad output"
unlike "$RUN_OUT" 'not json at all' "garbage: exit-0 output is never echoed"

fake nostored "echo \"No stored credential for \$(cat)\"; exit 1"
cfg '{"credsStore":"nostored"}'
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj evidence.class)" fail/not_found_text "non-standard not-found: a hard error"
is "$(pj evidence.docker_message)" "error getting credentials - err: exit status 1, out: \`No stored credential for $REG\`" \
	"non-standard not-found: docker's exact message"

fake leaky "echo '{\"ServerURL\":\"x\",\"Username\":\"bob\",\"Secret\":\"$CANARY\"}'; exit 1"
cfg '{"credsStore":"leaky"}'
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" fail/helper_failed "Secret in failure output: helper_failed (and redacted: see the canary check)"

fake good "cat >/dev/null; echo '{\"ServerURL\":\"$REG\",\"Username\":\"bob\",\"Secret\":\"$CANARY\"}'"
cfg '{"credsStore":"good"}'
run_fixkb -v probe cred_helper --registry "$REG"
is "$RUN_RC" 0 "text format: found"
like "$RUN_OUT" "bob" "text format: username shown"

cfg "{\"auths\":{\"other.invalid\":{\"auth\":\"$(printf 'u:p' | base64)\"}}}"
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" skip/no_helper "no helper configured: skip no_helper"
cfg '{}'
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj evidence.source)" auto-store "no auth settings at all: docker's auto-selected store is probed"

done_testing
