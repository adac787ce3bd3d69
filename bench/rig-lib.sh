# bench/rig-lib.sh — sourced by the benchmarks that need the rig
# (registries.sh, token-verdict.sh). Needs HERE (the checkout) set.
#
#   bench_rig_start NAME   the rig in $RIG_DIR if set, else one started here
#                          (stopped at exit); its env sourced; WORK a fresh
#                          temporary directory (removed at exit); a throw-away
#                          HOME, XDG_RUNTIME_DIR, pass store and daemon.json
#                          there, and no ambient DOCKER_CONFIG, auth files or
#                          session bus; the issuer reset
#   bench_token_registries N
#                          N more docker-registry processes behind the rig's
#                          token issuer, sharing its storage (stopped at exit),
#                          ready when it returns; BENCH_HOSTS lists them
#                          (127.0.0.1:PORT)
OWN_RIG=""
EXTRA_PIDS=""
BENCH_HOSTS=()

bench_cleanup() {
	local p
	for p in $EXTRA_PIDS; do kill "$p" 2>/dev/null || true; done
	[ -n "${RIG_ISSUER_CTL:-}" ] && curl -s -o /dev/null -X POST "$RIG_ISSUER_CTL/reset" || true
	[ -n "$OWN_RIG" ] && "$HERE/tests/rig/rig.sh" down "$OWN_RIG" >/dev/null 2>&1 || true
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
}

bench_rig_start() {
	WORK=$(mktemp -d "/tmp/fixkb-$1.XXXXXX")
	trap bench_cleanup EXIT
	if [ -z "${RIG_DIR:-}" ]; then
		OWN_RIG=$(mktemp -d /tmp/rig.XXXX)
		"$HERE/tests/rig/rig.sh" up "$OWN_RIG" >/dev/null
		RIG_DIR=$OWN_RIG
	fi
	. "$RIG_DIR/env"
	export HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/run"
	export PASSWORD_STORE_DIR="$WORK/no-pass" FIXKB_DAEMON_JSON="$WORK/daemon.json"
	unset DOCKER_CONFIG DOCKER_AUTH_CONFIG REGISTRY_AUTH_FILE SSL_CERT_FILE DBUS_SESSION_BUS_ADDRESS
	mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	curl -s -o /dev/null -X POST "$RIG_ISSUER_CTL/reset"
}

bench_token_registries() {
	local ports p i
	ports=$(python3 - "$1" <<'PY'
import socket, sys
ss = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()
PY
)
	for p in $ports; do
		env REGISTRY_HTTP_ADDR="127.0.0.1:$p" REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$RIG_DIR/data" \
			REGISTRY_AUTH_TOKEN_REALM="$RIG_TOKEN_REALM" \
			REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE="$RIG_DIR/certs/token.crt" \
			REGISTRY_LOG_LEVEL=error REGISTRY_LOG_ACCESSLOG_DISABLED=true \
			docker-registry serve "$HERE/tests/rig/registry-token.yml" \
			</dev/null >"$WORK/reg-$p.log" 2>&1 &
		EXTRA_PIDS="$EXTRA_PIDS $!"
		BENCH_HOSTS+=("127.0.0.1:$p")
	done
	for p in $ports; do
		for i in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$p/v2/" && break; sleep 0.02; done
	done
}
