#!/usr/bin/env bash
# CLI contract (DESIGN.md §2): help, version, command table, usage errors.
. "$TEST_LIB"

run_fixkb --version
is "$RUN_RC" 0 "--version exits 0"
like "$RUN_OUT" '^fixkb [0-9]+\.[0-9]+\.[0-9]+( \(git [^)]+\))?$' "--version prints the version (and git's description; t0015-version)"

run_fixkb --help
is "$RUN_RC" 0 "--help exits 0"
for c in doctor explain fix audit kb probe; do
	like "$RUN_OUT" "^  $c " "--help lists $c"
done
like "$RUN_OUT" '--timeout SEC' "--help lists the global options"

run_fixkb
is "$RUN_RC" 2 "no command is a usage error"

for c in doctor explain fix audit kb probe; do
	run_fixkb "$c" --help
	is "$RUN_RC" 0 "$c --help exits 0"
	like "$RUN_OUT" "^usage: fixkb $c" "$c --help shows its usage"
done

# fix: nothing applied yet, so nothing to undo; credentials never from argv
run_fixkb fix --undo
is "$RUN_RC" 0 "fix --undo with nothing applied exits 0"
like "$RUN_OUT" "nothing to undo" "and says there is nothing to undo"
run_fixkb fix --registry r.example --password-env NOPE_NOT_SET
is "$RUN_RC" 2 "fix with a password but no username is a usage error"
run_fixkb fix --password r.example
is "$RUN_RC" 2 "fix has no --password option (never a secret in argv)"
run_fixkb fix --force
is "$RUN_RC" 2 "fix --force without --undo is a usage error"

# audit of an empty home and an empty directory: nothing to report.
mkdir -p "$TEST_DIR/empty"
(cd "$TEST_DIR/empty" && run_fixkb audit && echo "$RUN_RC" > "$TEST_DIR/audit.rc")
is "$(cat "$TEST_DIR/audit.rc")" 0 "audit of an empty home and directory exits 0"
run_fixkb audit --fail-on severe
is "$RUN_RC" 2 "audit --fail-on with an unknown severity is a usage error"

# explain reads standard input by default; /dev/null holds no failure.
run_fixkb explain
is "$RUN_RC" 0 "explain of an empty stdin: exit 0"
like "$RUN_OUT" "no known registry-access failure" "and says so"
run_fixkb explain "$TEST_DIR/nonexistent.log"
is "$RUN_RC" 2 "explain of a missing file: exit 2"
like "$RUN_ERR" "nonexistent.log" "names the file"
run_fixkb explain "$TEST_DIR"
is "$RUN_RC" 2 "explain of a directory: exit 2"
like "$RUN_ERR" "is a directory" "says it is a directory"
run_fixkb explain a b
is "$RUN_RC" 2 "explain takes one log"
run_fixkb explain --format sarif /dev/null
is "$RUN_RC" 0 "explain --format sarif of nothing: exit 0"
is "$(json_get "$RUN_OUT" version)" "2.1.0" "a SARIF 2.1.0 log"

run_fixkb frobnicate
is "$RUN_RC" 2 "unknown command exits 2"
like "$RUN_ERR" "unknown command 'frobnicate'" "unknown command is named"

run_fixkb doctor --format yaml
is "$RUN_RC" 2 "unknown format exits 2"
like "$RUN_ERR" "unknown format 'yaml'" "unknown format is named"

run_fixkb doctor --lang fr
is "$RUN_RC" 2 "unknown language exits 2"

run_fixkb doctor --timeout -1
is "$RUN_RC" 2 "negative timeout exits 2"
run_fixkb doctor --timeout abc
like "$RUN_ERR" "invalid --timeout 'abc'" "bad timeout is named"

run_fixkb doctor --bogus
is "$RUN_RC" 2 "unknown doctor option exits 2"
like "$RUN_ERR" "unknown option '--bogus'" "unknown option is named"

run_fixkb doctor --registry
is "$RUN_RC" 2 "missing option value exits 2"
like "$RUN_ERR" "needs a value" "missing value is explained"

run_fixkb probe nosuchprobe
is "$RUN_RC" 2 "unknown probe exits 2"
like "$RUN_ERR" "unknown probe 'nosuchprobe'" "unknown probe is named"

run_fixkb probe config_auth
is "$RUN_RC" 2 "a registry probe without --registry exits 2"

# Global options work before and after the command.
run_fixkb --format json probe config_auth --registry ghcr.io
like "$RUN_OUT" '"command": "probe"' "global --format before the command"
run_fixkb probe config_auth --registry ghcr.io --format=json
like "$RUN_OUT" '"command": "probe"' "global --format=json after the command"

# --insecure-registry declares a registry insecure as daemon.json does
# (nothing listens on 127.0.0.1:5999: only the evidence matters here).
export FIXKB_DAEMON_JSON="$TEST_DIR/no-daemon.json"
run_fixkb probe token_endpoint --registry 127.0.0.1:5999 --timeout 3 --format json
is "$(json_get "$RUN_OUT" probes.0.evidence.declared_insecure)" false "not declared insecure by default"
run_fixkb --insecure-registry 127.0.0.0/8 probe token_endpoint --registry 127.0.0.1:5999 \
	--insecure-registry reg.other:5000 --timeout 3 --format json
is "$(json_get "$RUN_OUT" probes.0.evidence.declared_insecure)" true "--insecure-registry CIDR declares it"
is "$(json_get "$RUN_OUT" probes.0.evidence.declared_insecure_by)" "--insecure-registry" \
	"the evidence names the option"
run_fixkb probe token_endpoint --registry 127.0.0.1:5999 --insecure-registry http://127.0.0.1:5999/ \
	--timeout 3 --format json
is "$(json_get "$RUN_OUT" probes.0.evidence.declared_insecure)" true "--insecure-registry http://host:port/ declares it"
printf '{"insecure-registries":["127.0.0.1:5999"]}' > "$FIXKB_DAEMON_JSON"
run_fixkb probe token_endpoint --registry 127.0.0.1:5999 --timeout 3 --format json
is "$(json_get "$RUN_OUT" probes.0.evidence.declared_insecure_by)" "$FIXKB_DAEMON_JSON" \
	"daemon.json: the evidence names the file"
unset FIXKB_DAEMON_JSON

# No colour escapes when not a TTY, and never with NO_COLOR.
run_fixkb probe config_auth --registry ghcr.io
unlike "$RUN_OUT" $'\033\\[' "no colour when stdout is not a TTY"

done_testing
