#!/usr/bin/env bash
# bench/token-verdict.sh [FIXKB] — how fast fixkb reaches a token verdict.
#
#  1. One registry: `fixkb probe token_endpoint` (login mode and pull mode) against
#     `skopeo login` on the same local registries (the rig's token registry and
#     basic registry), interleaved runs, medians and the median ratio.
#  2. `fixkb doctor` over 20 token registries whose issuer answers after 100 ms
#     (the rig issuer's delay_ms switch): all registries run concurrently on one
#     libcurl multi handle, so the wall time stays near one flow's, not 20.
# Uses the rig in $RIG_DIR if set, else starts and stops its own. Everything on 127.0.0.1.
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
FIXKB=${1:-${FIXKB:-$HERE/build/fixkb}}
RUNS=${RUNS:-15}
NREG=${NREG:-20}
[ -x "$FIXKB" ] || { echo "bench: no fixkb binary at $FIXKB (pass it as \$1)" >&2; exit 2; }
command -v skopeo >/dev/null || { echo "bench: skopeo is needed" >&2; exit 2; }

. "$HERE/bench/rig-lib.sh"
bench_rig_start bench
export DOCKER_CONFIG="$WORK/home/.docker"
mkdir -p "$DOCKER_CONFIG"
AUTH=$(printf '%s:%s' "$RIG_USER" "$RIG_PASS" | base64 -w0)

ms() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }   # microseconds, no subprocess
median() { python3 -c 'import sys, statistics; v=[float(x) for x in sys.argv[1:]]; print("%.1f" % statistics.median(v))' "$@"; }

bench_one() { # bench_one NAME REGISTRY
	local name=$1 reg=$2 i t0 t1 a=() b=() c=() ratios=()
	printf '{"auths":{"%s":{"auth":"%s"}},"credHelpers":{"unused.invalid":"unused"}}\n' "$reg" "$AUTH" \
		> "$DOCKER_CONFIG/config.json"
	"$FIXKB" probe token_endpoint --registry "$reg" >/dev/null 2>&1 || true   # warm-up
	for i in $(seq "$RUNS"); do
		t0=$(ms); "$FIXKB" probe token_endpoint --registry "$reg" >/dev/null 2>&1 || true; t1=$(ms)
		a+=($(( (t1 - t0) / 1000 )))
		t0=$(ms); skopeo login --tls-verify=false --authfile "$WORK/skopeo-auth.json" \
			-u "$RIG_USER" -p "$RIG_PASS" "$reg" >/dev/null 2>&1 || true; t1=$(ms)
		b+=($(( (t1 - t0) / 1000 )))
		t0=$(ms); "$FIXKB" probe token_endpoint --image "$reg/$RIG_REPO:$RIG_TAG" >/dev/null 2>&1 || true; t1=$(ms)
		c+=($(( (t1 - t0) / 1000 )))
		ratios+=("$(python3 -c "print(${a[-1]} / max(${b[-1]}, 1))")")
	done
	printf '%-16s fixkb login-mode median %6s ms | skopeo login median %6s ms | ratio (fixkb/skopeo, median of pairs) %s | fixkb pull-mode median %6s ms\n' \
		"$name" "$(median "${a[@]}")" "$(median "${b[@]}")" "$(median "${ratios[@]}")" "$(median "${c[@]}")"
}

echo "# 1. single-registry verdict, $RUNS interleaved runs each (wall time per process)"
bench_one "token registry" "$RIG_TOKEN_REGISTRY"
bench_one "basic registry" "$RIG_BASIC_REGISTRY"

echo "# 2. doctor over $NREG token registries, issuer delay 100 ms"
bench_token_registries "$NREG"
auths=""
imgs=()
for h in "${BENCH_HOSTS[@]}"; do
	auths="$auths${auths:+,}\"$h\":{\"auth\":\"$AUTH\"}"
	imgs+=(--image "$h/$RIG_REPO:$RIG_TAG")
done
printf '{"auths":{%s},"credHelpers":{"unused.invalid":"unused"}}\n' "$auths" > "$DOCKER_CONFIG/config.json"
curl -s -o /dev/null -X POST -d '{"delay_ms":100}' "$RIG_ISSUER_CTL"
t0=$(ms); "$FIXKB" probe token_endpoint --image "${BENCH_HOSTS[0]}/$RIG_REPO:$RIG_TAG" >/dev/null 2>&1 || true; t1=$(ms)
echo "one registry (token_endpoint probe, 1 delayed token request):     $(( (t1 - t0) / 1000 )) ms"
d=()
for i in 1 2 3 4 5; do
	t0=$(ms); "$FIXKB" doctor "${imgs[@]}" --timeout 30 --format json > "$WORK/doctor.json" 2>/dev/null || true; t1=$(ms)
	d+=($(( (t1 - t0) / 1000 )))
done
oks=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ps = [p for p in d.get("probes", []) if p["name"] == "token_endpoint"]
tok = sorted(s["ms"] for p in ps for s in p["evidence"].get("flow", {}).get("steps", []) if s["step"] == "token")
oth = sorted(s["ms"] for p in ps for s in p["evidence"].get("flow", {}).get("steps", []) if s["step"] != "token")
med = lambda v: v[len(v) // 2] if v else 0
print("%d/%d token_ok, probe ms max %.0f; token requests (issuer) median %.0f max %.0f ms; registry requests median %.1f max %.1f ms"
      % (sum(p["code"] == "token_ok" for p in ps), len(ps), max([p["ms"] for p in ps] or [0]),
         med(tok), tok[-1] if tok else 0, med(oth), oth[-1] if oth else 0))' "$WORK/doctor.json")
echo "doctor over $NREG registries (5 runs): median $(median "${d[@]}") ms [${d[*]}]; $oks"
echo "sequential lower bound would be >= $NREG x 100 ms = $(( NREG * 100 )) ms of issuer delay alone"
