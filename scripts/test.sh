#!/usr/bin/env bash
# test.sh — the README's second command, and exactly what .ci/run runs:
# installs the packages, builds, and runs every suite (unit, integration,
# lint, rig: real registry, keyring, credential helpers; fuzz-regress:
# the committed fuzz reproducers) with the rig required, so nothing skips
# silently in CI; then the Debian package (suite package: build, lintian,
# install, run, remove; ~1-2 min). Then the hardening runs:
#   asan      the whole suite again on a gcc build with ASan + UBSan
#             (LeakSanitizer on; tests/sanitizers/lsan.supp)
#   valgrind  the unit suite under memcheck, on a build without sanitizers
#   fuzz      every libFuzzer target for FUZZ_SECONDS (default 20) on a
#             clang build (scripts/fuzz.sh), and its reproducer replay
# and ends with one line "N passed, N failed" over all of them (a meson
# test or a fuzz target is one unit). Exits 1 if anything failed.
#
# Environment: BUILD_DIR, ASAN_DIR, VALGRIND_DIR, FUZZ_BUILD (build dirs;
# default build, build-asan, build-valgrind, build-fuzz), FUZZ_SECONDS,
# FIXKB_HARDENING=0 (only the first run: quick local check).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export FIXKB_REQUIRE_RIG=1

BUILD_DIR=${BUILD_DIR:-build}
ASAN_DIR=${ASAN_DIR:-build-asan}
VALGRIND_DIR=${VALGRIND_DIR:-build-valgrind}
export FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
NPROC=2

TALLY=$(mktemp)
trap 'rm -f "$TALLY" "$TALLY.fuzz"' EXIT
T_START=$(date +%s)

# tally NAME BUILD_DIR SECONDS: adds that run's counts from meson's
# testlog (testlog-valgrind.json under --wrapper) to the tally, prints them.
tally() {
	python3 - "$1" "$2/meson-logs" "$3" "$TALLY" <<'EOF'
import glob, json, os, sys
name, logdir, secs, tally = sys.argv[1:5]
passed = failed = skipped = 0
# testlog.json, or testlog-<wrapper>.json under --wrapper
logs = sorted(glob.glob(os.path.join(logdir, 'testlog*.json')), key=os.path.getmtime)
try:
    for line in open(logs[-1] if logs else os.path.join(logdir, 'testlog.json')):
        r = json.loads(line).get('result')
        if r in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif r == 'SKIP':
            skipped += 1
        else:
            failed += 1
except OSError:
    failed += 1   # no log at all: the run did not happen
open(tally, 'a').write('%s %d %d %d %s\n' % (name, passed, failed, skipped, secs))
print('== %s: %d passed, %d failed, %d skipped (%ss)' % (name, passed, failed, skipped, secs))
EOF
}

# run NAME BUILD_DIR [meson test args...]: one meson test run, tallied.
run() {
	local name=$1 dir=$2 t0
	shift 2
	t0=$(date +%s)
	echo "== $name: meson test -C $dir $*"
	rm -f "$dir"/meson-logs/testlog*.json
	# failures are counted from the log, not from the exit status
	meson test -C "$dir" --print-errorlogs --num-processes "$NPROC" "$@" || true
	tally "$name" "$dir" $(( $(date +%s) - t0 ))
	return 0
}

# setup DIR [meson setup args...]: configures DIR once, then compiles it.
setup() {
	local dir=$1
	shift
	[ -d "$dir" ] || meson setup "$dir" "$@"
	meson compile -C "$dir"
}

# failed NAME: a run that could not even start (its build failed).
failed() { echo "$1 0 1 0 0" >> "$TALLY"; echo "== $1: build failed"; }

# 1. The normal build and every suite.
if setup "$BUILD_DIR"; then run default "$BUILD_DIR"; else failed default; fi

# 1b. The Debian package (suite package, which a plain `meson test` leaves
#     out): dpkg-buildpackage, lintian, dpkg -i, the installed fixkb, dpkg -r.
if [ -f "$BUILD_DIR/build.ninja" ]; then
	FIXKB_REQUIRE_PACKAGE=1 run package "$BUILD_DIR" --setup package --suite package --no-rebuild
else
	failed package
fi

if [ "${FIXKB_HARDENING:-1}" != 0 ]; then
	# 2. ASan + UBSan (gcc), every suite, leaks fatal. gcc's "undefined"
	#    leaves out float-cast-overflow (clang's does not): added.
	if setup "$ASAN_DIR" -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=float-cast-overflow -Dc_link_args=-fsanitize=float-cast-overflow; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		LSAN_OPTIONS=suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0 \
		FIXKB_TEST_TIME_FACTOR=5 FIXKB_UNDER_SANITIZER=1 \
			run asan "$ASAN_DIR" --timeout-multiplier 3
	else
		failed asan
	fi

	# 3. valgrind memcheck on the unit suite (no sanitizers, -O0).
	if setup "$VALGRIND_DIR" -Dbuildtype=debug; then
		FIXKB_TEST_TIME_FACTOR=20 \
			run valgrind "$VALGRIND_DIR" --suite unit --timeout-multiplier 10 \
			--wrapper "valgrind --error-exitcode=1 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--track-origins=yes --suppressions=$PWD/tests/sanitizers/valgrind.supp -q"
	else
		failed valgrind
	fi

	# 4. Fuzzing: every target briefly (two at a time), then the replay of
	#    the reproducers and seeds on that clang ASan build.
	t0=$(date +%s)
	: > "$TALLY.fuzz"
	FUZZ_JOBS=$NPROC FUZZ_SUMMARY="$TALLY.fuzz" scripts/fuzz.sh "$FUZZ_SECONDS" || true
	fp=$(grep -c ': ok,' "$TALLY.fuzz" || true)
	ff=$(grep -c ': FAILED' "$TALLY.fuzz" || true)
	nt=$(ls tests/fuzz/fuzz-*.c | wc -l)
	# a target that did not even report (build failure) counts as failed
	[ $((fp + ff)) -lt "$nt" ] && ff=$((nt - fp))
	echo "fuzz $fp $ff 0 $(( $(date +%s) - t0 ))" >> "$TALLY"
	echo "== fuzz: $fp passed, $ff failed ($(( $(date +%s) - t0 ))s, ${FUZZ_SECONDS}s per target)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run fuzz-regress-clang "$FUZZ_BUILD" --suite fuzz-regress --no-rebuild
fi

echo
echo "== summary ($(( $(date +%s) - T_START ))s)"
awk '{ printf "   %-20s %4d passed, %d failed, %d skipped, %ss\n", $1, $2, $3, $4, $5 }' "$TALLY"
awk '{ p += $2; f += $3 } END { printf "%d passed, %d failed\n", p, f; exit f > 0 }' "$TALLY"
