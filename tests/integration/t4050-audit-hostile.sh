#!/bin/bash
# t4050 — `fixkb audit` on hostile trees: symlink loops, a 1 GB sparse
# config.json / Dockerfile / .env, a FIFO named Dockerfile, unreadable
# directories, names that are not UTF-8 or hold a newline, nesting deeper
# than the walk goes, a pathological .gitignore, a run out of time.
# Each must end in bounded time with clear notes, valid UTF-8 and valid
# JSON, and no crash (a signal would show as exit >= 128).
. "$TEST_LIB"
unset DOCKER_CONFIG
b64() { printf '%s' "$1" | base64 -w0; }
T="$TEST_DIR/tree"
CREDS="{\"auths\":{\"registry.example.com\":{\"auth\":\"$(b64 "ci:$CANARY")\"}}}"
mkdir -p "$T/loops/a" "$T/big" "$T/fifo" "$T/names" "$T/locked/inner" "$T/deep" "$T/patho"

# symlink loops and links out
ln -s . "$T/loops/self"
ln -s ../a "$T/loops/a/back"
ln -s / "$T/loops/root"
ln -s Dockerfile "$T/loops/Dockerfile"           # a Dockerfile that is a loop
# 1 GB sparse files where the audit reads
printf 'FROM alpine\n' > "$T/big/Dockerfile"
for f in config.json .env; do truncate -s 1G "$T/big/$f"; done
mkdir -p "$T/big/sub"
truncate -s 1G "$T/big/sub/Dockerfile"
# a FIFO named Dockerfile: must not block the walk
mkfifo "$T/fifo/Dockerfile"
# names that are not UTF-8, and one with a newline, holding credentials
bad=$(printf 'ctx\377\376')
nl=$(printf 'new\nline')
mkdir -p "$T/names/$bad/.docker" "$T/names/$nl"
printf 'FROM alpine\nCOPY . .\n' > "$T/names/$bad/Dockerfile"
printf '%s\n' "$CREDS" > "$T/names/$bad/.docker/config.json"
printf 'FROM alpine\n' > "$T/names/$nl/Dockerfile"
printf '%s\n' "$CREDS" > "$T/names/$nl/config.json"
printf 'x' > "$T/names/caf$(printf '\351')"
# an unreadable directory (checked as nobody: root reads everything)
printf 'FROM alpine\nARG LOCKED_TOKEN\n' > "$T/locked/inner/Dockerfile"
chmod 000 "$T/locked/inner"
# deeper than WALK_MAX_DEPTH (128)
d="$T/deep"
for i in $(seq 1 140); do d="$d/d"; done
mkdir -p "$d"
printf 'FROM alpine\nARG TOO_DEEP_TOKEN\n' > "$d/Dockerfile"
# a pathological .gitignore over a long name
printf '%s\n' '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b' > "$T/patho/.gitignore"
mkdir -p "$T/patho/$(printf 'a%.0s' $(seq 1 200))"
cd "$TEST_DIR" || exit 1

# the last run's stdout, byte for byte: "ok" when it is valid UTF-8 (and JSON with "json")
last_ok() {
	python3 -c '
import json, sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "strict")
if sys.argv[2] == "json": json.loads(t)
print("ok")' "$OUT_DIR/$RUN_N.out" "${1:-text}" 2>&1 | tail -1
}

t0=$(date +%s%N)
run_fixkb audit --context tree --format json
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# measured: hostile tree audited in $ms ms"
ok "ends, without a signal (exit $RUN_RC)" test "$RUN_RC" -lt 124
ok "in bounded time ($ms ms < 10000)" test "$ms" -lt 10000
is "$(last_ok json)" ok "the report is valid UTF-8 and valid JSON"
notes=$(json_get "$RUN_OUT" notes)
like "$notes" "loops/Dockerfile': too many levels of symbolic links" "the looping Dockerfile: a note"
like "$notes" "big/config.json': too large \\(more than [0-9]+ bytes\\)" "1 GB config.json: a note, not read"
like "$notes" "big/.env': too large" "1 GB .env: a note"
like "$notes" "big/sub/Dockerfile': too large" "1 GB Dockerfile: a note"
like "$notes" "fifo/Dockerfile': not a regular file" "the FIFO: a note, not read"
like "$notes" "is more than 128 directories deep: not walked" "too deep: a note"
unlike "$RUN_OUT" 'TOO_DEEP_TOKEN' "nothing below the depth limit"
is "$(json_get "$RUN_OUT" findings | python3 -c '
import json, sys
print(sorted((f["rule"], f["file"]) for f in json.load(sys.stdin)))')" \
	"[('credential-in-build-context', 'tree/names/ctx??/.docker/config.json'), ('credential-in-build-context', 'tree/names/new?line/config.json'), ('dockerfile-secret-arg', 'tree/locked/inner/Dockerfile')]" \
	"the findings, names shown with '?' for bad bytes and the newline"
like "$RUN_OUT" '"uri": "tree/names/ctx%FF%FE/.docker/config.json"' "the URI keeps the exact bytes, percent-encoded"

run_fixkb audit --context tree
is "$(last_ok)" ok "text: valid UTF-8"
is "$(printf '%s\n' "$RUN_OUT" | grep -c '^      tree/names/new?line/config.json holds')" 1 "text: the newline in a name does not split a finding"

run_fixkb audit --context tree --format sarif
is "$(last_ok json)" ok "sarif: valid UTF-8 and JSON"
run_fixkb audit --context tree --format github
is "$(printf '%s\n' "$RUN_OUT" | grep -vc '^::')" 0 "github: one line per annotation, the newline escaped"

# as nobody, the locked directory cannot be read: a note, the rest goes on
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 711 "$TEST_DIR"
	chmod -R o+rX "$T/names" "$T/loops" "$T/big" "$T/patho" 2>/dev/null
	chmod o+rx "$T" "$T/locked"
	mkdir -p "$TEST_DIR/nobody-home" && chmod 755 "$TEST_DIR/nobody-home"
	RUN_N=$((RUN_N + 1))
	printf 'audit as nobody\n' > "$OUT_DIR/$RUN_N.cmd"
	(cd "$TEST_DIR" && timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
		env HOME="$TEST_DIR/nobody-home" "$FIXKB" audit --context tree --format json \
		</dev/null >"$OUT_DIR/$RUN_N.out" 2>"$OUT_DIR/$RUN_N.err")
	rc=$?
	out=$(cat "$OUT_DIR/$RUN_N.out")
	ok "as nobody: ends without a signal (exit $rc)" test "$rc" -lt 124
	like "$(json_get "$out" notes)" "cannot read '[^']*locked/inner': Permission denied" "the unreadable directory is a note"
	unlike "$out" 'LOCKED_TOKEN' "and nothing inside it is reported"
	like "$out" 'credential-in-build-context' "the rest of the tree is still audited"
else
	tap_skip "not root: cannot run as nobody"
fi

# out of time: the walk stops at the deadline and says so
python3 -c '
import os, sys
for i in range(3000):
    os.makedirs(os.path.join(sys.argv[1], "wide", "d%04d" % i, "x"), exist_ok=True)' "$T"
run_fixkb audit --context tree --timeout 0.001 --format json
ok "a tiny --timeout: ends without a signal (exit $RUN_RC)" test "$RUN_RC" -lt 124
like "$(json_get "$RUN_OUT" notes)" 'stopped at the deadline after [0-9]+ directories \(raise --timeout\)' "the deadline is a note"

done_testing
