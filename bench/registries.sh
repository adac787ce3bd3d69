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
#     and, beside them, bench/curlload: libcurl mapped and initialised alone,
#     the floor of any libcurl client (no goal: a figure)
#  2. issuer delay 100 ms: `fixkb doctor` over NREG (20) token registries, one
#     --image each, config.json holding the 20 auths, vs the same doctor on one
#     of them with a config holding only its auth                        goal <= 1.25x
#     then each alone RUNS_MANY times, for the CPU the registries and the
#     issuer spend per run (they share the machine's cores with fixkb).
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
BUILD=$(dirname "$FIXKB")
ninja -C "$BUILD" bench/curlload >/dev/null || { echo "registries: cannot build bench/curlload in $BUILD" >&2; exit 2; }
command -v skopeo >/dev/null || { echo "registries: skopeo is needed" >&2; exit 2; }

. "$HERE/bench/rig-lib.sh"
bench_rig_start registries
cd "$WORK"   # no ./Dockerfile for doctor to read
AUTH=$(printf '%s:%s' "$RIG_USER" "$RIG_PASS" | base64 -w0)
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
	--cmd curl-load "$BUILD/bench/curlload" \
	--goal "one-registry doctor verdict vs skopeo login" doctor skopeo-login 0.6 \
	--goal "libcurl loaded and initialised, nothing sent, vs skopeo login" curl-load skopeo-login -

echo "# 2. doctor over $NREG token registries vs one, token issuer delay 100 ms"
bench_token_registries "$NREG"
imgs=""
for h in "${BENCH_HOSTS[@]}"; do imgs="$imgs --image $h/$IMG"; done
config "$WORK/many" "${BENCH_HOSTS[@]}"
config "$WORK/first" "${BENCH_HOSTS[0]}"
curl -s -o /dev/null -X POST -d '{"delay_ms":100}' "$RIG_ISSUER_CTL"
n=$("$FIXKB" --config "$WORK/many" doctor $imgs --timeout 30 --format json | python3 -c '
import json, sys
print(sum(p["name"] == "token_endpoint" and p["code"] == "token_ok" for p in json.load(sys.stdin)["probes"]))')
[ "$n" -eq "$NREG" ] || { echo "registries: $n of $NREG token flows ended token_ok" >&2; exit 2; }
python3 "$HERE/bench/interleave.py" --runs "$RUNS_MANY" --warmup 1 \
	--cmd one "$FIXKB --config $WORK/first doctor --image ${BENCH_HOSTS[0]}/$IMG --timeout 30" \
	--cmd many "$FIXKB --config $WORK/many doctor $imgs --timeout 30" \
	--goal "doctor over $NREG registries vs one (issuer delay 100 ms)" many one 1.25

# servers_cpu: CPU ms (user + system) the NREG registries and the rig's issuer
# have used so far, from /proc (their threads included).
servers_cpu() {
	local p t=0 f
	for p in $EXTRA_PIDS $(cut -d' ' -f1 "$RIG_DIR/pids/tokenserver.pid"); do
		f=$(cut -d')' -f2 "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		t=$((t + ${12} + ${13}))
	done
	echo $((t * 1000 / $(getconf CLK_TCK)))
}
# per_run NAME CMD...: RUNS_MANY runs alone; the servers' CPU per run
per_run() {
	local name=$1 a b i
	shift
	a=$(servers_cpu)
	for i in $(seq "$RUNS_MANY"); do "$@" >/dev/null 2>&1 || true; done
	b=$(servers_cpu)
	printf '  %-5s registries and issuer: %5d ms CPU per run\n' "$name" $(( (b - a) / RUNS_MANY ))
}
echo "# CPU the servers spend per run ($(nproc) cores, shared with fixkb; the issuer's 100 ms is a sleep)"
per_run one "$FIXKB" --config "$WORK/first" doctor --image "${BENCH_HOSTS[0]}/$IMG" --timeout 30
per_run many "$FIXKB" --config "$WORK/many" doctor $imgs --timeout 30
