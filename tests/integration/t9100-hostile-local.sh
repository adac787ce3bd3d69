#!/bin/bash
# t9100 — hostile local input, through the binary. What t2000/t2120
# already cover (credHelpers "../../bin/sh" refused in probe cred_helper,
# a `sleep & wait` helper killed at the deadline, garbage output) is not
# repeated here; this adds:
#  1. path-like and shell-like helper names, from every place a helper name
#     comes from (config.json credsStore and credHelpers, DOCKER_AUTH_CONFIG,
#     a containers auth file), through every command: refused, and proven
#     never executed (a marker-writing program sits exactly where a naive
#     exec, or a shell, would find it);
#  2. a helper that ignores SIGTERM, one that leaves a child holding its
#     stdout, under doctor's whole-run deadline;
#  3. a helper that prints 100 MB (exit 0, and exit 1 on stdout and
#     stderr): cut at the cap, memory bounded;
#  4. config files that are directories, FIFOs, symlinks to /dev/zero or
#     in a loop, unreadable, or past the size cap (a sparse 300 MB file): a prompt, clear error naming the file,
#     for config.json, REGISTRY_AUTH_FILE, DOCKER_AUTH_CONFIG (file form)
#     and the Dockerfile of --context, from probe, doctor and bare doctor;
#  5. build logs for explain: one 100 MB line (constant memory); an
#     endless one, a silent pipe and one left open stop at --timeout.
. "$TEST_LIB"

REG=ghcr.io
CFG="$DOCKER_CONFIG/config.json"
BIN="$TEST_DIR/bin"
MARK="$TEST_DIR/EXECUTED"
mkdir -p "$BIN"
export PATH="$BIN:$PATH"
# DOCKER_AUTH_CONFIG is read only by docker CLI >= 28.3: a docker that says
# it is 28.3.0 (only its version text matters), so the variable's hostile
# forms are judged whatever docker this machine has.
printf '#!/bin/sh\ncase "$1" in --version) echo "Docker version 28.3.0, build 1234567";; *) exit 1;; esac\n' > "$BIN/docker"
chmod +x "$BIN/docker"
cfg() { rm -rf "$CFG"; printf '%s\n' "$1" > "$CFG"; }
pj() { json_get "$RUN_OUT" "probes.0.$1"; }
now_ms() { date +%s%3N; }

# A program that proves it ran: it writes the marker (and answers like a
# helper that found the canary, so running it would also leak).
marker_prog() {
	mkdir -p "$(dirname "$1")"
	printf '#!/bin/sh\necho "$0" >> %s\ncat >/dev/null\necho '"'"'{"ServerURL":"x","Username":"bob","Secret":"%s"}'"'"'\n' \
		"$MARK" "$CANARY" > "$1"
	chmod +x "$1"
}

# ---- 1. helper names that are paths, or shell, are refused and never run
#
# A naive exec of "docker-credential-<name>" through $PATH would find:
#   ../../bin/sh  -> $BIN/docker-credential-../../bin/sh = $BIN/bin/sh
#   x/evil        -> $BIN/docker-credential-x/evil
#   /abs/evil     -> $BIN/docker-credential-/abs/evil
#   ..            -> $BIN/docker-credential-.. (a directory; and . likewise)
# and a shell would run the `touch` in the last two names.
mkdir -p "$BIN/docker-credential-.." "$BIN/docker-credential-."
marker_prog "$BIN/bin/sh"
marker_prog "$BIN/docker-credential-x/evil"
marker_prog "$BIN/docker-credential-/abs/evil"
BAD_NAMES=("../../bin/sh" "x/evil" "/abs/evil" ".." "." "pass;touch $MARK" "\$(touch $MARK)" "a b")
json_str() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }

for name in "${BAD_NAMES[@]}"; do
	j=$(json_str "$name")
	for src in credsStore credHelpers dac-credsStore dac-credHelpers authfile; do
		rm -f "$CFG"; unset DOCKER_AUTH_CONFIG REGISTRY_AUTH_FILE
		case $src in
		credsStore) cfg "{\"credsStore\":$j,\"auths\":{\"$REG\":{}}}" ;;
		credHelpers) cfg "{\"credHelpers\":{\"$REG\":$j}}" ;;
		dac-credsStore) export DOCKER_AUTH_CONFIG="{\"credsStore\":$j,\"auths\":{\"$REG\":{}}}" ;;
		dac-credHelpers) export DOCKER_AUTH_CONFIG="{\"credHelpers\":{\"$REG\":$j}}" ;;
		authfile) export REGISTRY_AUTH_FILE="$TEST_DIR/auth.json"
			printf '{"auths":{},"credHelpers":{"%s":%s}}\n' "$REG" "$j" > "$REGISTRY_AUTH_FILE" ;;
		esac
		for cmd in "probe cred_helper --registry $REG --format json" \
			   "probe config_auth --registry $REG --format json" \
			   "probe docker_auth_config --registry $REG --format json" \
			   "probe keyring --registry $REG --format json" \
			   "doctor --offline --registry $REG --format json -v" \
			   "doctor --offline -v"; do
			# shellcheck disable=SC2086
			run_fixkb $cmd
			[ "$RUN_RC" -lt 124 ] || echo "# $src '$name': fixkb $cmd ended with $RUN_RC"
		done
		if [ "$src" = credsStore ] || [ "$src" = credHelpers ]; then
			run_fixkb probe cred_helper --registry "$REG" --format json
			is "$(pj status)/$(pj code)" fail/config_malformed "$src '$name': cred_helper fails config_malformed"
			like "$(pj detail)" "refusing to run helper name" "$src '$name': says it refused"
			run_fixkb doctor --offline --registry "$REG"
			is "$RUN_RC" 1 "$src '$name': doctor exits 1"
			like "$RUN_OUT" "refusing to run helper name" "$src '$name': doctor says it refused"
		fi
		unset DOCKER_AUTH_CONFIG REGISTRY_AUTH_FILE
	done
	ok "helper name '$name': never executed, from any source or command" test ! -e "$MARK"
	[ -e "$MARK" ] && { sed 's/^/#   ran: /' "$MARK"; rm -f "$MARK"; }
done

# The GitLab runner's view of DOCKER_AUTH_CONFIG refuses path traversal too.
export DOCKER_AUTH_CONFIG="{\"credHelpers\":{\"$REG\":\"../../bin/sh\"}}"
run_fixkb probe docker_auth_config --registry "$REG" --format json
is "$(pj status)" fail "DOCKER_AUTH_CONFIG credHelpers '../../bin/sh': fail"
unset DOCKER_AUTH_CONFIG

# Bare doctor (no --registry) must still say the helper name is refused:
# with only a credsStore, docker runs it for every registry it pulls from.
cfg '{"credsStore":"../../bin/sh"}'
run_fixkb doctor --offline
is "$RUN_RC" 1 "bare doctor, credsStore '../../bin/sh': exit 1"
like "$RUN_OUT" "refusing to run helper name '../../bin/sh'" "bare doctor, credsStore '../../bin/sh': refused"
ok "bare doctor: '../../bin/sh' not executed" test ! -e "$MARK"

# ---- 2. helpers that will not go away
MARKN=$((80000 + RANDOM))
printf '#!/bin/sh\ntrap "" TERM\nsleep %s & \nwhile :; do sleep 1; done\n' "$MARKN" > "$BIN/docker-credential-stubborn"
chmod +x "$BIN/docker-credential-stubborn"
cfg '{"credsStore":"stubborn","auths":{"ghcr.io":{},"quay.io":{}}}'
t0=$(now_ms)
run_fixkb --timeout 2 doctor --offline --format json
took=$(( $(now_ms) - t0 ))
is "$RUN_RC" 1 "TERM-ignoring helper: doctor exits 1"
ok "TERM-ignoring helper: doctor --timeout 2 returned within 3 s (took $took ms)" test "$took" -lt 3000
like "$RUN_OUT" '"class": "timeout"' "TERM-ignoring helper: class timeout"
echo "# measured: doctor --timeout 2 over 2 registries with a TERM-ignoring helper: $took ms"
sleep 0.3
ok "TERM-ignoring helper: nothing of it is left running" \
	sh -c "! pgrep -f 'docker-credential-stubbor[n]|slee[p] $MARKN' >/dev/null"

# Answers, exits 0, but leaves a child holding its stdout open.
MARKD=$((70000 + RANDOM))
printf '#!/bin/sh\ncat >/dev/null\necho "{\\"ServerURL\\":\\"x\\",\\"Username\\":\\"bob\\",\\"Secret\\":\\"%s\\"}"\nsleep %s &\nexit 0\n' \
	"$CANARY" "$MARKD" > "$BIN/docker-credential-daemonish"
chmod +x "$BIN/docker-credential-daemonish"
cfg '{"credsStore":"daemonish"}'
t0=$(now_ms)
run_fixkb --timeout 4 probe cred_helper --registry "$REG" --format json
took=$(( $(now_ms) - t0 ))
ok "helper leaving a child on its stdout: fixkb returns within the deadline (took $took ms)" test "$took" -lt 4500
is "$(pj evidence.outcome)" found "helper leaving a child on its stdout: its answer is read"
pkill -f "slee[p] $MARKD" 2>/dev/null || true

# ---- 3. a helper that prints 100 MB
printf '#!/bin/sh\ncat >/dev/null\nhead -c 100000000 /dev/zero | tr "\\0" A\n' > "$BIN/docker-credential-big"
printf '#!/bin/sh\ncat >/dev/null\nhead -c 100000000 /dev/zero | tr "\\0" B >&2\nhead -c 100000000 /dev/zero | tr "\\0" A\nexit 1\n' \
	> "$BIN/docker-credential-bigfail"
chmod +x "$BIN/docker-credential-big" "$BIN/docker-credential-bigfail"
TIME=$(command -v /usr/bin/time || true)
rss_of() {   # rss_of ARGS...: runs fixkb under /usr/bin/time, prints max RSS in KiB
	"$TIME" -f '%M' -o "$TEST_DIR/rss" "$FIXKB" "$@" </dev/null >"$TEST_DIR/rss.out" 2>/dev/null
	tail -n 1 "$TEST_DIR/rss"
}
cfg '{"credsStore":"big"}'
t0=$(now_ms)
run_fixkb probe cred_helper --registry "$REG" --format json
took=$(( $(now_ms) - t0 ))
is "$(pj status)/$(pj evidence.outcome)" fail/bad_output "100 MB on exit 0: bad output"
like "$(pj detail)" "more than 1048576 bytes" "100 MB on exit 0: says it was cut at 1 MiB"
ok "100 MB on exit 0: done in under 10 s (took $took ms)" test "$took" -lt 10000
ok "100 MB on exit 0: the report stays small ($(printf '%s' "$RUN_OUT" | wc -c) bytes)" \
	test "$(printf '%s' "$RUN_OUT" | wc -c)" -lt 20000
if [ -n "$TIME" ] && [ -z "${FIXKB_UNDER_SANITIZER:-}" ]; then
	rss=$(rss_of probe cred_helper --registry "$REG" --format json)
	ok "100 MB on exit 0: fixkb's max RSS stays under 64 MiB ($rss KiB)" test "$rss" -lt 65536
fi

cfg '{"credsStore":"bigfail"}'
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" fail/helper_failed "100 MB on stdout and stderr, exit 1: helper_failed"
ok "100 MB, exit 1: docker_message is cut (${#RUN_OUT} bytes of report)" \
	test "$(pj evidence.docker_message | wc -c)" -lt 1024
ok "100 MB, exit 1: output is cut" test "$(pj evidence.output | wc -c)" -lt 1024

# ---- 4. config files that are not files
# make_hostile KIND PATH: turns PATH into something hostile. Echoes what
# the error must say, as an ERE.
make_hostile() {
	rm -rf "$2"
	case $1 in
	dir) mkdir "$2"; echo "not a regular file" ;;
	fifo) mkfifo "$2"; echo "not a regular file" ;;
	devzero) ln -s /dev/zero "$2"; echo "not a regular file" ;;
	loop) ln -s "$2.loop" "$2"; ln -sf "$2" "$2.loop"; echo "Too many levels of symbolic links|symbolic link" ;;
	unreadable)
		# root reads a chmod 000 file anyway: a regular file whose read()
		# fails (EIO) stands in for it then.
		if [ "$(id -u)" -eq 0 ]; then ln -s /proc/self/mem "$2"; echo "Input/output error|read"
		else printf '{"auths":{}}' > "$2"; chmod 000 "$2"; echo "Permission denied"; fi ;;
	huge)
		# valid JSON with the canary, then extended (sparse, no disk used)
		# past every cap fixkb has (config files: 256 MiB)
		printf '{"auths":{"ghcr.io":{"auth":"%s"}},"x":1}' "$(canary_userpass_b64 alice)" > "$2"
		truncate -s 300M "$2"
		echo "too large" ;;
	esac
}
if [ "$(id -u)" -eq 0 ]; then
	echo "ok $((TAP_N + 1)) - chmod 000 config.json # SKIP tests run as root, who reads it anyway; /proc/self/mem (a regular file whose read fails) stands in"
	TAP_N=$((TAP_N + 1))
fi

for kind in dir fifo devzero loop unreadable huge; do
	want=$(make_hostile "$kind" "$CFG")
	t0=$(now_ms)
	run_fixkb probe config_auth --registry "$REG" --format json
	took=$(( $(now_ms) - t0 ))
	is "$(pj status)/$(pj code)" fail/config_malformed "config.json $kind: config_auth fails config_malformed"
	like "$(pj detail)" "$CFG" "config.json $kind: config_auth names the file"
	like "$(pj detail)" "$want" "config.json $kind: config_auth says why"
	ok "config.json $kind: answered at once (took $took ms)" test "$took" -lt 5000

	run_fixkb doctor --offline --registry "$REG" --format json
	is "$RUN_RC" 1 "config.json $kind: doctor --registry exits 1"
	like "$RUN_OUT" '"cause": "config_malformed"' "config.json $kind: doctor finds config_malformed"
	like "$RUN_OUT" "$CFG" "config.json $kind: doctor names the file"

	run_fixkb doctor --offline
	is "$RUN_RC" 1 "config.json $kind: bare doctor exits 1"
	like "$RUN_OUT" "$CFG" "config.json $kind: bare doctor names the file"
	like "$RUN_OUT" "$want" "config.json $kind: bare doctor says why"

	run_fixkb probe cred_helper --registry "$REG" --format json
	ok "config.json $kind: cred_helper answers (exit $RUN_RC)" test "$RUN_RC" -le 2
	like "$RUN_OUT" "$CFG" "config.json $kind: cred_helper names the file it read"
	rm -rf "$CFG" "$CFG.loop"
done

# The containers auth file (REGISTRY_AUTH_FILE) and DOCKER_AUTH_CONFIG's
# file form, the same way.
echo '{}' > "$CFG"
for kind in dir devzero huge; do
	export REGISTRY_AUTH_FILE="$TEST_DIR/auth-$kind.json"
	want=$(make_hostile "$kind" "$REGISTRY_AUTH_FILE")
	run_fixkb probe config_auth --registry "$REG" --format json
	is "$(pj status)" fail "REGISTRY_AUTH_FILE $kind: config_auth fails"
	like "$(pj detail)" "$REGISTRY_AUTH_FILE" "REGISTRY_AUTH_FILE $kind: names the file"
	like "$(pj detail)" "$want" "REGISTRY_AUTH_FILE $kind: says why"
	unset REGISTRY_AUTH_FILE

	export DOCKER_AUTH_CONFIG="$TEST_DIR/dac-$kind.json"
	want=$(make_hostile "$kind" "$DOCKER_AUTH_CONFIG")
	run_fixkb probe docker_auth_config --registry "$REG" --format json
	is "$(pj status)" fail "DOCKER_AUTH_CONFIG file $kind: fails"
	like "$(pj detail)" "$DOCKER_AUTH_CONFIG" "DOCKER_AUTH_CONFIG file $kind: names the file"
	like "$(pj detail)" "$want" "DOCKER_AUTH_CONFIG file $kind: says why"
	unset DOCKER_AUTH_CONFIG
done

# The Dockerfile doctor reads from --context.
mkdir -p "$TEST_DIR/ctx"
for kind in dir fifo devzero huge; do
	want=$(make_hostile "$kind" "$TEST_DIR/ctx/Dockerfile")
	t0=$(now_ms)
	run_fixkb doctor --offline --context "$TEST_DIR/ctx"
	took=$(( $(now_ms) - t0 ))
	is "$RUN_RC" 2 "Dockerfile $kind: doctor exits 2 (unreadable input)"
	like "$RUN_ERR" "ctx/Dockerfile" "Dockerfile $kind: names the file"
	like "$RUN_ERR" "$want|more than" "Dockerfile $kind: says why"
	ok "Dockerfile $kind: answered at once (took $took ms)" test "$took" -lt 5000
done

# ---- 5. build logs that never end, or are one huge line
head -c 100000000 /dev/zero | tr '\0' 'a' > "$TEST_DIR/oneline.log"
printf '\nERROR: failed to solve: failed to fetch oauth token: unexpected status from GET request to https://127.0.0.1:5999/token: 401 Unauthorized\n' \
	>> "$TEST_DIR/oneline.log"
t0=$(now_ms)
run_fixkb explain --offline "$TEST_DIR/oneline.log"
took=$(( $(now_ms) - t0 ))
is "$RUN_RC" 1 "a 100 MB line, then a failure: explain still finds it (exit 1)"
ok "a 100 MB line: done in under 20 s (took $took ms)" test "$took" -lt 20000
if [ -n "$TIME" ] && [ -z "${FIXKB_UNDER_SANITIZER:-}" ]; then
	rss=$(rss_of explain --offline "$TEST_DIR/oneline.log")
	ok "a 100 MB line: explain's max RSS stays under 64 MiB ($rss KiB)" test "$rss" -lt 65536
fi
rm -f "$TEST_DIR/oneline.log"

# The --timeout deadline bounds reading the log: an endless source
# (/dev/zero), a pipe that stays silent, and a pipe that says something
# and stays open. What was read is scanned; nothing found in a part of a
# log is not a clean bill (exit 2), a match still is a finding (exit 1).
t0=$(now_ms)
run_fixkb --timeout 2 explain --offline --format json /dev/zero
took=$(( $(now_ms) - t0 ))
is "$RUN_RC" 2 "endless log (/dev/zero): exit 2, not 'nothing wrong'"
ok "endless log: stopped near --timeout 2 (took $took ms)" test "$took" -lt 8000
like "$RUN_ERR" "stopped reading '/dev/zero' at the --timeout deadline" "endless log: the warning names the file and the deadline"
is "$(json_get "$RUN_OUT" scanned.complete)" "false" "endless log: json scanned.complete is false"
like "$(json_get "$RUN_OUT" warnings.0)" "stopped reading" "endless log: json carries the warning"
ok "endless log: it did read (scanned.bytes > 0)" test "$(json_get "$RUN_OUT" scanned.bytes)" -gt 0

# explain_open_pipe TEXT: explain --timeout 1 of a FIFO whose writer sends
# TEXT (maybe nothing) and then keeps it open; sets RUN_* and took (ms).
explain_open_pipe() {
	local pipe="$TEST_DIR/open.pipe" writer t0
	rm -f "$pipe"
	mkfifo "$pipe"
	# exec: the background job is sleep itself, so kill ends the writer.
	( printf '%s' "$1"; exec sleep 60 ) > "$pipe" 2>/dev/null &
	writer=$!
	t0=$(now_ms)
	run_fixkb --timeout 1 explain --offline "$pipe"
	took=$(( $(now_ms) - t0 ))
	kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
}
explain_open_pipe ""
is "$RUN_RC" 2 "silent pipe: exit 2"
ok "silent pipe: stopped near --timeout 1 (took $took ms)" test "$took" -lt 6000
like "$RUN_OUT" "not read to its end" "silent pipe: text says the log was not read to its end"

printf 'ERROR: failed to solve: failed to fetch oauth token: unexpected status from POST request to https://ghcr.io/token: 401 Unauthorized\n' \
	> "$TEST_DIR/fail.log"
# The line has no '\n' (the job printed it and hung): still read. A line
# before it holds the canary, for done_testing's sweep of this path.
explain_open_pipe "+ docker login -u alice -p $CANARY ghcr.io
$(cat "$TEST_DIR/fail.log")"
is "$RUN_RC" 1 "a failure without its newline, then a pipe left open: the failure is found (exit 1)"
ok "pipe left open: stopped near --timeout 1 (took $took ms)" test "$took" -lt 6000
like "$RUN_OUT" "ghcr.io" "pipe left open: the finding names the registry"
like "$RUN_ERR" "stopped reading" "pipe left open: warns that the log was not read to its end"

# A log whose name is not UTF-8: the JSON still names it (bytes as '?').
bad_name="$TEST_DIR/build-$(printf '\377').log"
cp "$TEST_DIR/fail.log" "$bad_name"
run_fixkb explain --offline --format json "$bad_name"
is "$RUN_RC" 1 "log name not UTF-8: still explained (exit 1)"
like "$(json_get "$RUN_OUT" log)" "build-\?\.log" "log name not UTF-8: json log field is there, '?' for the byte"
rm -f "$bad_name"

# A terminal is a person pasting a log: not held to --timeout, told how to
# end it, and one Ctrl-D ends it (fread would have wanted two).
out=$(python3 "$SRCDIR/tests/lib/pty-feed.py" "$TEST_DIR/fail.log" 1.5 "$FIXKB" --timeout 1 explain --offline)
rc=$?
printf '%s\n' "$out" > "$OUT_DIR/pty.out"
is "$rc" 1 "terminal: typed for longer than --timeout 1, one Ctrl-D: the failure is found (exit 1)"
like "$out" "paste it, then press Ctrl-D" "terminal: says how to end the input"
like "$out" "ghcr.io" "terminal: the finding names the registry"
ok "terminal: no deadline warning" sh -c "! grep -q 'stopped reading' '$OUT_DIR/pty.out'"

done_testing
