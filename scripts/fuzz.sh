#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET...] — build the libFuzzer targets (clang,
# ASan + UBSan, -Dfuzz=true) in build-fuzz and run each for SECONDS
# (default 30). Targets are tests/fuzz/fuzz-<name>.c; none given: all.
#
# Each target starts from its seed corpus (tests/fuzz/corpus/<name>/) and
# its reproducers (tests/fuzz/regress/<name>/), and grows a working corpus
# in build-fuzz/corpus/<name>/ that later runs reuse. A crash, leak,
# timeout or OOM input is copied to tests/fuzz/crashes/<name>/ (gitignored);
# once fixed, move it to tests/fuzz/regress/<name>/, where every build's
# `meson test --suite fuzz-regress` replays it.
#
# Environment: FUZZ_JOBS (targets run at once; default 1), FUZZ_BUILD
# (build dir; default build-fuzz), FUZZ_SUMMARY (file the per-target
# summary lines are appended to). Exits 1 when any target found something.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-30}
[ $# -gt 0 ] && shift
case $secs in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
bdir=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-1}

if [ $# -gt 0 ]; then
	targets="$*"
else
	targets=$(ls tests/fuzz/fuzz-*.c | sed 's|.*/fuzz-||; s|\.c$||')
fi
for t in $targets; do
	[ -f "tests/fuzz/fuzz-$t.c" ] || { echo "fuzz.sh: no target '$t' (tests/fuzz/fuzz-$t.c)" >&2; exit 2; }
done

if ! command -v clang >/dev/null; then
	echo "fuzz.sh: clang not found (apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi
# clang builds with -Werror like gcc: its warnings differ (e.g.
# -Wformat-nonliteral in -Wformat=2), so this build checks them too.
if [ ! -d "$bdir" ]; then
	CC=clang meson setup "$bdir" -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false >"$bdir.setup.log" 2>&1 ||
		{ cat "$bdir.setup.log" >&2; exit 2; }
	rm -f "$bdir.setup.log"
fi
if ! meson compile -C "$bdir" $(for t in $targets; do printf 'fuzz-%s replay-%s ' "$t" "$t"; done) \
	>"$bdir/fuzz-build.log" 2>&1; then
	tail -30 "$bdir/fuzz-build.log" >&2
	echo "fuzz.sh: building the targets failed (log: $bdir/fuzz-build.log)" >&2
	exit 2
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# fuzz_one NAME: runs one target; prints one summary line.
fuzz_one() {
	local t=$1 work="$bdir/corpus/$t" crashes="tests/fuzz/crashes/$t" log="$bdir/fuzz-$t.log"
	local art="$bdir/artifacts/$t" rc=0 execs found
	mkdir -p "$work" "$art"
	rm -f "$art"/*
	set -- "$work" "tests/fuzz/corpus/$t"
	[ -d "tests/fuzz/regress/$t" ] && set -- "$@" "tests/fuzz/regress/$t"
	"$bdir/tests/fuzz/fuzz-$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$art/" "$@" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	found=$(ls "$art" 2>/dev/null | wc -l)
	if [ "$found" -gt 0 ] || [ "$rc" -ne 0 ]; then
		mkdir -p "$crashes"
		cp "$art"/* "$crashes"/ 2>/dev/null || true
		echo "fuzz $t: FAILED after ${execs:-?} execs in ${secs}s: $found input(s) in $crashes/ (log $log)"
		grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|fuzz_assert' "$log" | sed 's/^/  /' || true
		return 1
	fi
	echo "fuzz $t: ok, ${execs:-?} execs in ${secs}s, corpus $(ls "$work" | wc -l) inputs"
}

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
running=0
for t in $targets; do
	{ fuzz_one "$t" || echo FAIL; } >>"$summary.$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait
failed=0
for t in $targets; do
	grep -v '^FAIL$' "$summary.$t" || true
	grep -q '^FAIL$' "$summary.$t" && failed=$((failed + 1))
	[ -n "${FUZZ_SUMMARY:-}" ] && grep -v '^FAIL$' "$summary.$t" >>"$FUZZ_SUMMARY"
	rm -f "$summary.$t"
done
[ "$failed" -eq 0 ]
