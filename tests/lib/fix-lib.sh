# fix-lib.sh — what the t3xxx-fix tests share: the rig (tests/rig), a
# private state directory, the CA locations moved out of /etc, and the
# real peers that must see what fix wrote. Source it after test-lib.sh.
rig_start
export XDG_STATE_HOME="$TEST_DIR/state"
export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json"
export FIXKB_DOCKER_CERTS_D="$TEST_DIR/docker-certs.d"
export FIXKB_CONTAINERS_CERTS_D="$TEST_DIR/containers-certs.d"
export FIXKB_BUILDKITD_TOML="$TEST_DIR/buildkit/buildkitd.toml"
T=$RIG_TOKEN_REGISTRY
IMG=$T/$RIG_REPO:$RIG_TAG
CFG=$DOCKER_CONFIG/config.json

cfg() { printf '%s' "$1" > "$CFG"; }
b64() { printf '%s' "$1" | base64 -w0; }
sha() { sha256sum "$1" 2>/dev/null | cut -c1-64; }
# the steps of the last --format json run: "action/kind" per step, in order
steps() {
	printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s/%s" % (s["action"] or "-", s["kind"]) for s in d["plan"]["steps"]))'
}
# a pass store docker must not pick: the rig's is initialised and on PATH
pass_unused() { export PASSWORD_STORE_DIR="$TEST_DIR/pass-unused"; }
# containers/image (skopeo) with the same docker config: a real peer
peer_skopeo() {
	skopeo inspect --tls-verify=false --authfile "$CFG" "docker://$1" >/dev/null \
		2>"$TEST_DIR/skopeo.err"
}
# the docker CLI itself, when this machine has one (it is not a Debian
# package): `docker manifest inspect` reads config.json, credsStore and
# credHelpers as a build does
REAL_DOCKER=$(command -v docker 2>/dev/null || true)
peer_docker() {
	DOCKER_CONFIG="$DOCKER_CONFIG" timeout 30 "$REAL_DOCKER" manifest inspect --insecure "$1" \
		>/dev/null 2>"$TEST_DIR/docker.err"
}
# SECRET never in any output nor in a file fix wrote but the store:
# raw, or base64 of USER:SECRET
no_secret_in_outputs() {   # no_secret_in_outputs USER SECRET NAME
	local pats="$TEST_DIR/secret-pats" hits
	{ printf '%s\n' "$2"; printf '%s:%s' "$1" "$2" | base64 -w0; echo; } > "$pats"
	hits=$(grep -rlF -f "$pats" "$OUT_DIR" 2>/dev/null)
	if [ -z "$hits" ]; then tap_ok 0 "$3"; else
		tap_ok 1 "$3"; for h in $hits; do echo "#   in $h: $(cat "${h%.*}.cmd")"; done; fi
}
