# test-lib.sh — shared setup for the shell integration tests (TAP output).
#
# Source it first. It gives every test a scratch HOME (and DOCKER_CONFIG,
# XDG_RUNTIME_DIR, XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME), LANG=C, TZ=UTC, no DOCKER_AUTH_CONFIG
# or CI variables, and plants a canary secret: $CANARY, with $CANARY_B64
# (base64 of the canary) and canary_userpass_b64 USER (base64 of USER:canary).
# Every fixkb run goes through `run_fixkb`, which keeps stdout and stderr;
# `done_testing` greps all of them (and any file named with `watch_file`)
# for the canary in every form and fails the test on a hit.
#
#   . "$TEST_LIB"               # meson passes TEST_LIB and FIXKB
#   run_fixkb doctor --format json
#   is "$RUN_RC" 1 "doctor exits 1"
#   like "$RUN_OUT" 'helper_missing' "names the missing helper"
#   done_testing
set -u

: "${FIXKB:?FIXKB must point at the fixkb binary}"

TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/fixkb-t.XXXXXX")
OUT_DIR="$TEST_DIR/out"
mkdir -p "$OUT_DIR" "$TEST_DIR/home/.docker" "$TEST_DIR/run" "$TEST_DIR/home/.config"
chmod 700 "$TEST_DIR/run"
export HOME="$TEST_DIR/home"
export DOCKER_CONFIG="$HOME/.docker"
export XDG_RUNTIME_DIR="$TEST_DIR/run"
export XDG_CONFIG_HOME="$HOME/.config"
# fix's state and the clients' version cache stay in the scratch HOME
export XDG_STATE_HOME="$HOME/.local/state" XDG_CACHE_HOME="$HOME/.cache"
export LANG=C LC_ALL=C TZ=UTC NO_COLOR=1
unset DOCKER_AUTH_CONFIG REGISTRY_AUTH_FILE GITHUB_ACTIONS GITLAB_CI GITHUB_TOKEN \
      GITHUB_ACTOR CI_REGISTRY CI_REGISTRY_USER CI_REGISTRY_PASSWORD CI_JOB_TOKEN \
      FIXKB_KB_DIR BUILDX_CONFIG SSL_CERT_FILE 2>/dev/null || true
# Every variable a CI system is detected by (fix --ci enters its CI mode by
# itself in one) and those the CI mode writes to: a test run inside a real
# CI job must not see its job.
unset CI JENKINS_URL BUILD_TAG CIRCLECI BUILDKITE TF_BUILD BITBUCKET_BUILD_NUMBER DRONE \
      RUNNER_TEMP GITHUB_ENV GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_SERVER_URL BASH_ENV \
      CI_PROJECT_DIR CI_DEPENDENCY_PROXY_SERVER CI_DEPENDENCY_PROXY_USER \
      CI_DEPENDENCY_PROXY_PASSWORD CI_DEPLOY_USER CI_DEPLOY_PASSWORD AGENT_TEMPDIRECTORY \
      SSH_AUTH_SOCK 2>/dev/null || true
# The rig (tests/rig) may have exported a private D-Bus and pass store; keep
# those, but never let a test see the developer's own.
if [ -z "${RIG_DIR:-}" ]; then
	unset DBUS_SESSION_BUS_ADDRESS PASSWORD_STORE_DIR GNUPGHOME 2>/dev/null || true
	export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
fi

CANARY="fxkC4n4ry$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')Zq"
CANARY_B64=$(printf '%s' "$CANARY" | base64 -w0)
canary_userpass_b64() { printf '%s:%s' "$1" "$CANARY" | base64 -w0; }

TAP_N=0
TAP_FAILED=0
WATCHED_FILES=""
RUN_N=0
KEEP_CANARY_USERS="alice bob reader user ci-user x oauth2accesstoken _json_key AWS <token>"

tap_ok() {   # tap_ok COND_RC NAME
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_N - $2"
	fi
}

tap_skip() { # tap_skip WHY: one skipped test, with the reason
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP $*"
}

ok() {       # ok NAME CMD...   (passes when CMD exits 0)
	local name=$1; shift
	"$@" >/dev/null 2>&1
	tap_ok $? "$name"
}

is() {       # is GOT WANT NAME
	if [ "$1" = "$2" ]; then tap_ok 0 "$3"; else
		tap_ok 1 "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi
}

like() {     # like TEXT ERE NAME
	if printf '%s' "$1" | grep -Eq -- "$2"; then tap_ok 0 "$3"; else
		tap_ok 1 "$3"; printf '#   /%s/ not found in:\n' "$2"; printf '%s\n' "$1" | head -40 | sed 's/^/#     /'; fi
}

unlike() {   # unlike TEXT ERE NAME
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		tap_ok 1 "$3"; printf '#   /%s/ unexpectedly found\n' "$2"; else tap_ok 0 "$3"; fi
}

# json_get JSON JQ-ish-PATH — uses python3 (always present: meson needs it).
json_get() {
	printf '%s' "$1" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
cur = doc
for part in sys.argv[1].split("."):
    if part == "":
        continue
    if isinstance(cur, list):
        cur = cur[int(part)]
    else:
        cur = cur.get(part) if isinstance(cur, dict) else None
    if cur is None:
        break
print(cur if not isinstance(cur, (dict, list, bool)) else json.dumps(cur))
' "$2" 2>/dev/null
}

# record_field PROBE PATH — PATH (dotted, as json_get) in the record of
# PROBE in $RUN_OUT, a --format json report of doctor, explain or probe.
record_field() {
	printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
cur = [p for p in json.load(sys.stdin)["probes"] if p["name"] == sys.argv[1]][0]
for k in sys.argv[2].split("."):
    cur = cur[int(k)] if isinstance(cur, list) else cur.get(k)
print(cur if not isinstance(cur, (dict, list, bool)) else json.dumps(cur))' "$1" "$2" 2>/dev/null
}

# printed_commands TEXT — the commands fixkb printed ("$ cmd" lines), one per line.
printed_commands() { printf '%s\n' "$1" | sed -n 's/^ *\$ //p'; }

# run_fixkb ARGS... — runs fixkb (stdin from /dev/null unless RUN_STDIN is
# a file), sets RUN_RC, RUN_OUT, RUN_ERR; keeps both for the canary check.
run_fixkb() {
	RUN_N=$((RUN_N + 1))
	local o="$OUT_DIR/$RUN_N.out" e="$OUT_DIR/$RUN_N.err"
	printf '%s\n' "$*" > "$OUT_DIR/$RUN_N.cmd"
	if [ -n "${RUN_STDIN:-}" ]; then
		timeout 60 "$FIXKB" "$@" <"$RUN_STDIN" >"$o" 2>"$e"
	else
		timeout 60 "$FIXKB" "$@" </dev/null >"$o" 2>"$e"
	fi
	RUN_RC=$?
	RUN_OUT=$(cat "$o")
	RUN_ERR=$(cat "$e")
	if [ "$RUN_RC" -ge 124 ] && [ "$RUN_RC" -ne 127 ]; then
		echo "# fixkb $* ended with $RUN_RC (timeout or signal); stderr:"
		sed 's/^/#   /' "$e" | head -20
	fi
}

watch_file() { WATCHED_FILES="$WATCHED_FILES $*"; }

# Greps every captured output and watched file for the canary in every
# form we can think of: raw, base64, base64 of USER:canary for common users.
check_no_leak() {
	local pats="$TEST_DIR/canary-patterns" hits
	{
		printf '%s\n' "$CANARY" "$CANARY_B64"
		for u in $KEEP_CANARY_USERS; do canary_userpass_b64 "$u"; echo; done
		# base64 of the canary at the three possible alignments inside a longer
		# string (so also "user:canary" for any user, and JSON holding it), in
		# the standard and the URL alphabet (JWT segments)
		for pre in '' x xx; do
			printf '%s%s' "$pre" "$CANARY" | base64 -w0 | cut -c$(( ${#pre} ? 5 : 1 ))-20
			echo
			printf '%s%s' "$pre" "$CANARY" | base64 -w0 | cut -c$(( ${#pre} ? 5 : 1 ))-20 | tr '+/' '-_'
			echo
		done
		# a hex dump of it
		printf '%s' "$CANARY" | od -An -tx1 | tr -d ' \n' | cut -c1-32; echo
	} | grep -v '^$' | sort -u > "$pats"
	hits=$(grep -rlF -f "$pats" "$OUT_DIR" $WATCHED_FILES 2>/dev/null)
	if [ -z "$hits" ]; then
		tap_ok 0 "no canary, nor its base64 forms, in any output ($RUN_N runs)"
	else
		tap_ok 1 "no canary, nor its base64 forms, in any output"
		for h in $hits; do echo "#   leaked into $h: $(cat "${h%.*}.cmd" 2>/dev/null)"; done
	fi
}

done_testing() {
	check_no_leak
	echo "1..$TAP_N"
	if [ "$TAP_FAILED" -eq 0 ] && [ -z "${KEEP_TEST_DIR:-}" ]; then rm -rf "$TEST_DIR"; fi
	[ "$TAP_FAILED" -eq 0 ]
	exit $?
}

# rig_stop — stops the rig rig_start started (none: nothing). A test that
# sets its own EXIT trap after rig_start must call it there, or the rig's
# registries and issuers outlive the test.
rig_stop() {
	[ -n "${OWN_RIG:-}" ] || return 0
	"$RIG_SH" down "$OWN_RIG" >/dev/null 2>&1
	rm -rf "$OWN_RIG"
	OWN_RIG=""
}

# rig_start — the real registry, token issuer and keyring (tests/rig): use
# the one named by RIG_DIR, else start one for this test and stop it at
# exit. Skips only when FIXKB_REQUIRE_RIG is unset and its tools are missing.
rig_start() {
	RIG_SH="$SRCDIR/tests/rig/rig.sh"
	if [ -n "${RIG_DIR:-}" ]; then
		. "$RIG_DIR/env"
		return
	fi
	local missing="" b up_out
	for b in docker-registry skopeo umoci curl openssl htpasswd; do
		command -v "$b" >/dev/null 2>&1 || missing="$missing $b"
	done
	if [ -n "$missing" ]; then
		[ -z "${FIXKB_REQUIRE_RIG:-}" ] && skip_all "rig tools missing:$missing"
		echo "Bail out! FIXKB_REQUIRE_RIG is set but missing:$missing"
		exit 1
	fi
	OWN_RIG=$(mktemp -d /tmp/rig.XXXX)
	trap rig_stop EXIT
	if ! up_out=$("$RIG_SH" up "$OWN_RIG" 2>&1); then
		echo "Bail out! rig.sh up failed"
		printf '%s\n' "$up_out" | tail -20 | sed 's/^/# /'
		exit 1
	fi
	printf '%s\n' "$up_out" | sed 's/^/# /'   # every line a TAP comment
	. "$OWN_RIG/env"
}

skip_all() { echo "1..0 # SKIP $*"; rm -rf "$TEST_DIR"; exit 0; }
