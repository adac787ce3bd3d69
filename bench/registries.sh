#!/usr/bin/env bash
# bench/registries.sh [FIXKB] — fixkb's verdict on live registries against peers
# timed in the same run (issue 15). Everything on 127.0.0.1, the rig's real
# docker-registry and token issuer (tests/rig/tokenserver.py, which answers
# concurrently: one thread per request, native RSA signing).
#
#  1. one registry, no delay: `fixkb doctor --registry R --image R/fixkb/tiny:latest`
#     (the BuildKit token flow with alice's plain auths from config.json) vs
#     `skopeo login --tls-verify=false --authfile config.json R` (skopeo checks the
#     same stored credentials at the same issuer)                        goal <= 0.60x
#  2. issuer delay 100 ms: `fixkb doctor` over NREG (20) token registries, one
#     --image each, config.json holding the 20 auths, vs the same doctor on one
#     of them with a config holding only its auth                        goal <= 1.25x
# Interleaved runs (bench/interleave.py), medians. RUNS (30) and RUNS_MANY (10)
# set the rounds of 1 and 2. Uses the rig in $RIG_DIR if set, else starts and
# stops its own. Not a test: slowness fails nothing.
# Needs: the rig's tools (tests/rig/README.md), skopeo, python3.
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
FIXKB=${1:-${FIXKB:-$HERE/build/fixkb}}
RUNS=${RUNS:-30}
RUNS_MANY=${RUNS_MANY:-10}
NREG=${NREG:-20}
[ -x "$FIXKB" ] || { echo "registries: no fixkb binary at $FIXKB (pass it as \$1)" >&2; exit 2; }
command -v skopeo >/dev/null || { echo "registries: skopeo is needed" >&2; exit 2; }

OWN_RIG=""
EXTRA_PIDS=""
WORK=$(mktemp -d /tmp/fixkb-registries.XXXXXX)
cleanup() {
	for p in $EXTRA_PIDS; do kill "$p" 2>/dev/null || true; done
	[ -n "${RIG_ISSUER_CTL:-}" ] && curl -s -o /dev/null -X POST "$RIG_ISSUER_CTL/reset" || true
	[ -n "$OWN_RIG" ] && "$HERE/tests/rig/rig.sh" down "$OWN_RIG" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
if [ -z "${RIG_DIR:-}" ]; then
	OWN_RIG=$(mktemp -d /tmp/rig.XXXX)
	"$HERE/tests/rig/rig.sh" up "$OWN_RIG" >/dev/null
	RIG_DIR=$OWN_RIG
fi
. "$RIG_DIR/env"
export HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/run"
export PASSWORD_STORE_DIR="$WORK/no-pass" FIXKB_DAEMON_JSON="$WORK/daemon.json"
unset DOCKER_CONFIG DOCKER_AUTH_CONFIG REGISTRY_AUTH_FILE SSL_CERT_FILE DBUS_SESSION_BUS_ADDRESS
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
cd "$WORK"   # no ./Dockerfile for doctor to read
AUTH=$(printf '%s:%s' "$RIG_USER" "$RIG_PASS" | base64 -w0)
curl -s -o /dev/null -X POST "$RIG_ISSUER_CTL/reset"
IMG=$RIG_REPO:$RIG_TAG

# config DIR HOST...: DIR/config.json with alice's plain auths for each HOST
config() {
	local dir=$1 a="" h
	shift
	for h in "$@"; do a="$a${a:+,}\"$h\":{\"auth\":\"$AUTH\"}"; done
	mkdir -p "$dir"
	printf '{"auths":{%s}}\n' "$a" >"$dir/config.json"
}

R=$RIG_TOKEN_REGISTRY
config "$WORK/one" "$R"
"$FIXKB" --config "$WORK/one" doctor --registry "$R" --image "$R/$IMG" --format json |
	grep -q '"code": "token_ok"' || { echo "registries: fixkb's token flow on $R failed" >&2; exit 2; }
skopeo login --tls-verify=false --authfile "$WORK/one/config.json" "$R" </dev/null >/dev/null ||
	{ echo "registries: skopeo login on $R failed" >&2; exit 2; }
echo "# 1. one registry ($R), token issuer without delay"
python3 "$HERE/bench/interleave.py" --runs "$RUNS" --warmup 3 \
	--cmd doctor "$FIXKB --config $WORK/one doctor --registry $R --image $R/$IMG" \
	--cmd skopeo-login "skopeo login --tls-verify=false --authfile $WORK/one/config.json $R" \
	--goal "one-registry doctor verdict vs skopeo login" doctor skopeo-login 0.6

echo "# 2. doctor over $NREG token registries vs one, token issuer delay 100 ms"
PORTS=$(python3 - "$NREG" <<'PY'
import socket, sys
ss = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()
PY
)
hosts=()
imgs=""
for p in $PORTS; do
	env REGISTRY_HTTP_ADDR="127.0.0.1:$p" REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$RIG_DIR/data" \
		REGISTRY_AUTH_TOKEN_REALM="$RIG_TOKEN_REALM" REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE="$RIG_DIR/certs/token.crt" \
		REGISTRY_LOG_LEVEL=error REGISTRY_LOG_ACCESSLOG_DISABLED=true \
		docker-registry serve "$HERE/tests/rig/registry-token.yml" </dev/null >"$WORK/reg-$p.log" 2>&1 &
	EXTRA_PIDS="$EXTRA_PIDS $!"
	hosts+=("127.0.0.1:$p")
	imgs="$imgs --image 127.0.0.1:$p/$IMG"
done
for p in $PORTS; do
	for i in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$p/v2/" && break; sleep 0.02; done
done
config "$WORK/many" "${hosts[@]}"
config "$WORK/first" "${hosts[0]}"
curl -s -o /dev/null -X POST -d '{"delay_ms":100}' "$RIG_ISSUER_CTL"
n=$("$FIXKB" --config "$WORK/many" doctor $imgs --timeout 30 --format json | python3 -c '
import json, sys
print(sum(p["name"] == "token_endpoint" and p["code"] == "token_ok" for p in json.load(sys.stdin)["probes"]))')
[ "$n" -eq "$NREG" ] || { echo "registries: $n of $NREG token flows ended token_ok" >&2; exit 2; }
python3 "$HERE/bench/interleave.py" --runs "$RUNS_MANY" --warmup 1 \
	--cmd one "$FIXKB --config $WORK/first doctor --image ${hosts[0]}/$IMG --timeout 30" \
	--cmd many "$FIXKB --config $WORK/many doctor $imgs --timeout 30" \
	--goal "doctor over $NREG registries vs one (issuer delay 100 ms)" many one 1.25
