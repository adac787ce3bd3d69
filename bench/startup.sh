#!/usr/bin/env bash
# bench/startup.sh [FIXKB] — how fast fixkb starts, against peers timed in the same run.
#
# No network, no rig: a throw-away HOME whose config.json holds plain auths for
# one registry (127.0.0.1:5999, never contacted). Interleaved runs
# (bench/interleave.py: posix_spawn, no shell), medians, ratios with the
# peer's figure from the same run, a verdict per goal (issue 15):
#   offline doctor      `fixkb doctor --offline --registry R`
#                       vs `skopeo login --get-login --authfile CONFIG R`   goal <= 0.50x
#   version             `fixkb --version` vs `curl --version`               goal <= 1.00x
#   help, kb list       `fixkb --help`, `fixkb kb list` vs `curl --version` (figures, no goal)
# RUNS (default 40) and WARMUP (default 5) tune it. Not a test: slowness fails nothing.
# The KB is the embedded one unless FIXKB_KB_DIR is set (the installed one when
# FIXKB_INSTALLED_KB_DIR exists: say so with `fixkb kb list -v`).
# Needs: skopeo, curl, python3.
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
FIXKB=${1:-${FIXKB:-$HERE/build/fixkb}}
RUNS=${RUNS:-40}
WARMUP=${WARMUP:-5}
[ -x "$FIXKB" ] || { echo "startup: no fixkb binary at $FIXKB (pass it as \$1)" >&2; exit 2; }
for t in skopeo curl python3; do
	command -v "$t" >/dev/null || { echo "startup: $t is needed" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/fixkb-startup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"   # no ./Dockerfile for doctor to read
export HOME="$WORK/home" DOCKER_CONFIG="$WORK/home/.docker" XDG_RUNTIME_DIR="$WORK/run"
export FIXKB_DAEMON_JSON="$WORK/daemon.json" PASSWORD_STORE_DIR="$WORK/no-pass"
unset DOCKER_AUTH_CONFIG REGISTRY_AUTH_FILE DBUS_SESSION_BUS_ADDRESS
mkdir -p "$DOCKER_CONFIG" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
R=127.0.0.1:5999
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$R" "$(printf alice:alicepw | base64 -w0)" \
	>"$DOCKER_CONFIG/config.json"
# Both must answer from this config: alice.
[ "$(skopeo login --get-login --authfile "$DOCKER_CONFIG/config.json" "$R")" = alice ] ||
	{ echo "startup: skopeo does not read $DOCKER_CONFIG/config.json" >&2; exit 2; }
"$FIXKB" doctor --offline --registry "$R" --format json | grep -q '"username": "alice"' ||
	{ echo "startup: fixkb doctor --offline does not read $DOCKER_CONFIG/config.json" >&2; exit 2; }
echo "# startup: $FIXKB ($("$FIXKB" --version | head -n1)); $(curl --version | head -n1 | cut -d' ' -f1-3); skopeo $(skopeo --version | cut -d' ' -f3)"
exec python3 "$HERE/bench/interleave.py" --runs "$RUNS" --warmup "$WARMUP" \
	--cmd doctor-offline "$FIXKB doctor --offline --registry $R" \
	--cmd skopeo-get-login "skopeo login --get-login --authfile $DOCKER_CONFIG/config.json $R" \
	--cmd fixkb-version "$FIXKB --version" \
	--cmd curl-version "curl --version" \
	--cmd fixkb-help "$FIXKB --help" \
	--cmd kb-list "$FIXKB kb list" \
	--goal "offline doctor vs skopeo login --get-login" doctor-offline skopeo-get-login 0.5 \
	--goal "fixkb --version vs curl --version" fixkb-version curl-version 1.0 \
	--goal "fixkb --help vs curl --version" fixkb-help curl-version - \
	--goal "fixkb kb list vs curl --version" kb-list curl-version -
