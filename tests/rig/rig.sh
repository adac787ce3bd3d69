#!/usr/bin/env bash
# rig.sh up DIR | down DIR | env DIR | status DIR
#
# The real-component test rig for fixkb: docker-registry (distribution 2.8) instances
# with basic, token and TLS auth, two token issuers (tokenserver.py), a hostile server
# (hostile.py), a tiny image pushed with umoci + skopeo, and (when present)
# keyring-pass.sh's private D-Bus, unlocked gnome-keyring and pass store.
# Everything listens on 127.0.0.1 on free ports; `up` writes DIR/env (sourceable
# `export` lines). See tests/rig/README.md for the variables and the issuer's
# control API. Keep DIR short (mktemp -d /tmp/rig.XXXX): socket paths < 108 chars.
set -euo pipefail

RIG_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { echo "usage: rig.sh up DIR | down DIR | env DIR | status DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
CMD=$1
mkdir -p "$2"
D=$(cd "$2" && pwd)

# Debian's python3 if present (a pyenv shim may shadow it); stdlib only either way.
if [ -n "${RIG_PYTHON:-}" ]; then PY=$RIG_PYTHON
elif [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3
else PY=python3; fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }
die() { echo "rig.sh: $*" >&2; exit 1; }
mark() { [ -z "${T0:-}" ] || echo "$(elapsed "$T0") $*" >> "$D/logs/timing"; }

# ---- process bookkeeping: DIR/pids/NAME.pid holds "PID STARTTIME" -------------------
proc_starttime() { # field 22 of /proc/PID/stat (after the "(comm)" field); no forks
	local s
	read -r s 2>/dev/null < "/proc/$1/stat" || return 1
	s=${s##*) }
	set -- $s
	echo "${20}"
}
proc_state() {
	local s
	if ! read -r s 2>/dev/null < "/proc/$1/stat"; then echo X; return; fi
	s=${s##*) }
	echo "${s%% *}"
}
alive() { # alive PID: running and not a zombie (no command substitution: no fork)
	local s
	read -r s 2>/dev/null < "/proc/$1/stat" || return 1
	s=${s##*) }
	case $s in Z*|X*) return 1 ;; esac
	return 0
}
record_pid() { # record_pid NAME PID
	echo "$2 $(proc_starttime "$2" || echo 0)" > "$D/pids/$1.pid"
}
# is_ours PIDFILE -> prints PID if the process still is the one we started
is_ours() {
	local pid st
	read -r pid st < "$1" || return 1
	[ -n "$pid" ] || return 1
	[ "$(proc_starttime "$pid" 2>/dev/null || echo none)" = "$st" ] || return 1
	echo "$pid"
}

# ---- down ----------------------------------------------------------------------------
rig_down() {
	local t0 kp_pid="" pids="" f pid i left
	t0=$(now)
	if [ -f "$RIG_SRC/keyring-pass.sh" ]; then
		bash "$RIG_SRC/keyring-pass.sh" down "$D" >>"$D/logs/keyring-pass.log" 2>&1 &
		kp_pid=$!
	fi
	shopt -s nullglob
	for f in "$D"/pids/*.pid; do
		if pid=$(is_ours "$f"); then
			kill -TERM "$pid" 2>/dev/null || true
			pids="$pids $pid"
		fi
	done
	# wait (max 2 s) for every process to be gone or a zombie (no reaping init here)
	for i in $(seq 100); do
		left=""
		for pid in $pids; do alive "$pid" && left="$left $pid"; done
		[ -z "$left" ] && break
		sleep 0.02
	done
	for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
	rm -f "$D"/pids/*.pid
	if [ -n "$kp_pid" ]; then wait "$kp_pid" || echo "rig.sh: keyring-pass.sh down failed (see $D/logs/keyring-pass.log)" >&2; fi
	echo "rig down in $(elapsed "$t0")s"
}

# ---- up ------------------------------------------------------------------------------
free_ports() { # free_ports N -> N distinct free 127.0.0.1 ports (bind to 0, close)
	"$PY" - "$1" <<'EOF'
import socket, sys
ss = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()
EOF
}

# wait_ready_file FILE PID NAME -> prints the READY line's payload
wait_ready_file() {
	local i
	for i in $(seq 500); do
		if grep -q '^READY ' "$1" 2>/dev/null; then sed -n 's/^READY //p' "$1" | head -1; return 0; fi
		alive "$2" || { cat "$D/logs/$3.err" >&2 2>/dev/null; die "$3 exited during startup"; }
		sleep 0.01
	done
	die "$3 not ready after 5 s"
}

# Registries: launch_registry starts one (no waiting); wait_registries polls all of
# them together (ready = the registry logged "listening on 127.0.0.1:P" after its own
# bind, and the port accepts) and relaunches any that died (port taken between
# free_ports and bind) on a new port, up to 5 times.
declare -A REG_PORT REG_CFG REG_ENV REG_PID REG_TRIES
PORT_POOL=()
next_port() {
	[ ${#PORT_POOL[@]} -gt 0 ] || read -r -a PORT_POOL <<< "$(free_ports 8)"
	NEXT_PORT=${PORT_POOL[0]}
	PORT_POOL=("${PORT_POOL[@]:1}")
}
launch_registry() { # launch_registry NAME CONFIG ENV...
	local name=$1 cfg=$2; shift 2
	REG_CFG[$name]=$cfg
	REG_ENV[$name]=$(printf '%s\n' "$@")
	REG_TRIES[$name]=0
	_launch "$name"
}
_launch() {
	local name=$1 envs
	mapfile -t envs <<< "${REG_ENV[$name]}"
	next_port
	REG_PORT[$name]=$NEXT_PORT
	REG_TRIES[$name]=$((REG_TRIES[$name] + 1))
	env REGISTRY_HTTP_ADDR="127.0.0.1:$NEXT_PORT" \
		REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$D/data" "${envs[@]}" \
		docker-registry serve "$RIG_SRC/${REG_CFG[$name]}" </dev/null >>"$D/logs/registry-$name.log" 2>&1 &
	REG_PID[$name]=$!
	record_pid "registry-$name" "$!"
}
wait_registries() { # wait_registries NAME...
	local pending=" $* " name i
	for i in $(seq 1000); do
		for name in $pending; do
			if ! alive "${REG_PID[$name]}"; then
				echo "rig.sh: registry $name failed on port ${REG_PORT[$name]} (try ${REG_TRIES[$name]}): $(tail -1 "$D/logs/registry-$name.log")" >&2
				[ "${REG_TRIES[$name]}" -lt 5 ] || die "registry $name did not start"
				_launch "$name"
			elif grep -qF "msg=\"listening on 127.0.0.1:${REG_PORT[$name]}" "$D/logs/registry-$name.log" &&
				{ : <>"/dev/tcp/127.0.0.1/${REG_PORT[$name]}"; } 2>/dev/null; then
				# it logged its own bind (a stranger on a reused port cannot fake that) and accepts
				pending=${pending/ $name / }
			fi
		done
		[ -n "${pending// /}" ] || return 0
		sleep 0.01
	done
	die "registries not ready after 10 s:$pending"
}

rig_up() {
	local t0 kp_pid="" img_pid certs_pid tok nop hos
	t0=$(now); T0=$t0
	for b in docker-registry skopeo umoci curl openssl htpasswd; do
		command -v "$b" >/dev/null || die "$b not installed (scripts/install-deps.sh)"
	done
	if [ -d "$D/pids" ] && ls "$D"/pids/*.pid >/dev/null 2>&1; then
		die "$D already has a running rig (rig.sh down $D first)"
	fi
	mkdir -p "$D/logs" "$D/pids" "$D/data" "$D/home" "$D/run"
	# on any failure, stop whatever was started
	trap 'rc=$?; if [ $rc -ne 0 ]; then rig_down >/dev/null 2>&1 || true; fi; exit $rc' EXIT
	chmod 700 "$D/run"
	rm -f "$D/env" "$D/env.rig" "$D/logs/timing"

	# keyring + pass (the other half of the rig) in parallel; it appends to DIR/env
	if [ -f "$RIG_SRC/keyring-pass.sh" ]; then
		bash "$RIG_SRC/keyring-pass.sh" up "$D" </dev/null >"$D/logs/keyring-pass.log" 2>&1 &
		kp_pid=$!
	fi

	# certificates (slowest part) and the test image in parallel
	"$RIG_SRC/mkcerts.sh" "$D" >"$D/logs/mkcerts.log" 2>&1 &
	certs_pid=$!
	(
		set -e
		rm -rf "$D/oci" "$D/bundle"
		rootless=""; [ "$(id -u)" = 0 ] || rootless=--rootless
		umoci init --layout "$D/oci"
		umoci new --image "$D/oci:tiny"
		umoci unpack $rootless --image "$D/oci:tiny" "$D/bundle"
		echo hello > "$D/bundle/rootfs/hello.txt"
		umoci repack --image "$D/oci:tiny" "$D/bundle"
		rm -rf "$D/bundle"
	) </dev/null >"$D/logs/image.log" 2>&1 &
	img_pid=$!

	htpasswd -Bbc "$D/htpasswd" alice alicepw 2>/dev/null
	htpasswd -Bb "$D/htpasswd" reader readerpw 2>/dev/null
	printf '{"default":[{"type":"insecureAcceptAnything"}]}\n' > "$D/policy.json"

	# the basic registry needs no certs: start it and push while mkcerts runs
	launch_registry basic registry-basic.yml REGISTRY_AUTH_HTPASSWD_PATH="$D/htpasswd"
	wait_registries basic
	mark "basic registry up"
	wait "$img_pid" || { cat "$D/logs/image.log" >&2; die "building the test image failed"; }
	env -u REGISTRY_AUTH_FILE -u DOCKER_CONFIG HOME="$D/home" XDG_RUNTIME_DIR="$D/run" \
		skopeo --policy "$D/policy.json" copy --quiet --dest-tls-verify=false --dest-creds alice:alicepw \
		"oci:$D/oci:tiny" "docker://127.0.0.1:${REG_PORT[basic]}/fixkb/tiny:latest" \
		</dev/null >"$D/logs/push.log" 2>&1 || { cat "$D/logs/push.log" >&2; die "push failed"; }

	mark "image pushed"
	wait "$certs_pid" || { cat "$D/logs/mkcerts.log" >&2; die "mkcerts.sh failed"; }
	local C="$D/certs"
	mark "certs done"

	# token issuers and the hostile server (they bind port 0 themselves: no race)
	: > "$D/logs/token.log"; : > "$D/logs/token-nopost.log"; : > "$D/logs/hostile.log"
	local tsargs=(--port 0 --key "$C/token.key" --cert "$C/token.crt" --issuer fixkb-token-issuer
		--service fixkb-registry --user alice:alicepw --user reader:readerpw:pull)
	"$PY" "$RIG_SRC/tokenserver.py" "${tsargs[@]}" --log "$D/logs/token.log" \
		</dev/null >"$D/logs/tokenserver.out" 2>"$D/logs/tokenserver.err" &
	local ts_pid=$!
	record_pid tokenserver "$ts_pid"
	"$PY" "$RIG_SRC/tokenserver.py" "${tsargs[@]}" --no-post --deny-anonymous --log "$D/logs/token-nopost.log" \
		</dev/null >"$D/logs/tokenserver-nopost.out" 2>"$D/logs/tokenserver-nopost.err" &
	local tsn_pid=$!
	record_pid tokenserver-nopost "$tsn_pid"
	"$PY" "$RIG_SRC/hostile.py" --cert "$C/server.crt" --key "$C/server.key" --log "$D/logs/hostile.log" \
		</dev/null >"$D/logs/hostile.out" 2>"$D/logs/hostile.err" &
	local hos_pid=$!
	record_pid hostile "$hos_pid"

	# TLS registries do not depend on the issuers: launch them while the issuers boot
	local basic_tls=(REGISTRY_AUTH_HTPASSWD_PATH="$D/htpasswd")
	launch_registry tls registry-basic.yml "${basic_tls[@]}" \
		REGISTRY_HTTP_TLS_CERTIFICATE="$C/server.crt" REGISTRY_HTTP_TLS_KEY="$C/server.key"
	launch_registry tls-selfsigned registry-basic.yml "${basic_tls[@]}" \
		REGISTRY_HTTP_TLS_CERTIFICATE="$C/selfsigned.crt" REGISTRY_HTTP_TLS_KEY="$C/selfsigned.key"
	launch_registry tls-wronghost registry-basic.yml "${basic_tls[@]}" \
		REGISTRY_HTTP_TLS_CERTIFICATE="$C/wronghost.crt" REGISTRY_HTTP_TLS_KEY="$C/server.key"
	launch_registry tls-expired registry-basic.yml "${basic_tls[@]}" \
		REGISTRY_HTTP_TLS_CERTIFICATE="$C/expired.crt" REGISTRY_HTTP_TLS_KEY="$C/server.key"

	mark "issuers+hostile+tls launched"
	tok=$(wait_ready_file "$D/logs/tokenserver.out" "$ts_pid" tokenserver)
	nop=$(wait_ready_file "$D/logs/tokenserver-nopost.out" "$tsn_pid" tokenserver-nopost)
	hos=$(wait_ready_file "$D/logs/hostile.out" "$hos_pid" hostile)
	mark "issuers+hostile ready"

	launch_registry token registry-token.yml \
		REGISTRY_AUTH_TOKEN_REALM="http://127.0.0.1:$tok/token" \
		REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE="$C/token.crt"
	launch_registry token-nopost registry-token.yml \
		REGISTRY_AUTH_TOKEN_REALM="http://127.0.0.1:$nop/token" \
		REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE="$C/token.crt"
	wait_registries tls tls-selfsigned tls-wronghost tls-expired token token-nopost
	# final check: each answers /v2/ with HTTP (a stranger on a reused port would not be ours)
	local name code scheme
	for name in basic tls tls-selfsigned tls-wronghost tls-expired token token-nopost; do
		scheme=http; case $name in tls*) scheme=https ;; esac
		code=$(curl -s -k -o /dev/null --max-time 2 -w '%{http_code}' "$scheme://127.0.0.1:${REG_PORT[$name]}/v2/" || true)
		[ "$code" = 401 ] && alive "${REG_PID[$name]}" || die "registry $name on ${REG_PORT[$name]} answers $code"
	done

	mark "all registries ready"
	reg_port() { echo "${REG_PORT[$1]}"; }

	{
		echo "# fixkb test rig, written by tests/rig/rig.sh up $D on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "export RIG_DIR=$D"
		echo "export RIG_BASIC_REGISTRY=127.0.0.1:$(reg_port basic)"
		echo "export RIG_TOKEN_REGISTRY=127.0.0.1:$(reg_port token)"
		echo "export RIG_TOKEN_REALM=http://127.0.0.1:$tok/token"
		echo "export RIG_ISSUER_CTL=http://127.0.0.1:$tok/__ctl"
		echo "export RIG_TOKEN_NOPOST_REGISTRY=127.0.0.1:$(reg_port token-nopost)"
		echo "export RIG_TOKEN_NOPOST_REALM=http://127.0.0.1:$nop/token"
		echo "export RIG_NOPOST_ISSUER_CTL=http://127.0.0.1:$nop/__ctl"
		echo "export RIG_TOKEN_SERVICE=fixkb-registry"
		echo "export RIG_TOKEN_ISSUER=fixkb-token-issuer"
		echo "export RIG_TOKEN_LOG=$D/logs/token.log"
		echo "export RIG_TOKEN_NOPOST_LOG=$D/logs/token-nopost.log"
		echo "export RIG_TLS_REGISTRY=127.0.0.1:$(reg_port tls)"
		echo "export RIG_TLS_SELFSIGNED_REGISTRY=127.0.0.1:$(reg_port tls-selfsigned)"
		echo "export RIG_TLS_WRONGHOST_REGISTRY=127.0.0.1:$(reg_port tls-wronghost)"
		echo "export RIG_TLS_EXPIRED_REGISTRY=127.0.0.1:$(reg_port tls-expired)"
		echo "export RIG_CA_CERT=$C/ca.crt"
		echo "export RIG_CERT_DIR=$D/certdir"
		echo "export RIG_REPO=fixkb/tiny"
		echo "export RIG_TAG=latest"
		echo "export RIG_USER=alice"
		echo "export RIG_PASS=alicepw"
		echo "export RIG_RO_USER=reader"
		echo "export RIG_RO_PASS=readerpw"
		echo "export RIG_LOG_DIR=$D/logs"
		echo "export RIG_SKOPEO_POLICY=$D/policy.json"
		for n in $hos; do
			echo "export RIG_HOSTILE_${n%%=*}=${n#*=}"
		done
		echo "export RIG_HOSTILE_LOG=$D/logs/hostile.log"
		echo "export RIG_CONTAINERD_ADDRESS="
	} > "$D/env.rig"

	mark "env.rig written"
	# merge with keyring-pass.sh's lines: ours first, then whatever it wrote to DIR/env
	if [ -n "$kp_pid" ]; then
		wait "$kp_pid" || { tail -20 "$D/logs/keyring-pass.log" >&2; rig_down >/dev/null 2>&1 || true
			die "keyring-pass.sh up failed (log: $D/logs/keyring-pass.log)"; }
	fi
	{
		cat "$D/env.rig"
		if [ -f "$D/env" ]; then grep -v -e '^export RIG_DIR=' "$D/env" || true; fi
	} > "$D/env.tmp"
	mv "$D/env.tmp" "$D/env"
	mark "done"
	echo "rig up in $(elapsed "$t0")s: $D/env"
}

case $CMD in
up) rig_up ;;
down) mkdir -p "$D/logs" "$D/pids"; rig_down ;;
env) [ -f "$D/env" ] || die "no $D/env (rig.sh up $D first)"; cat "$D/env" ;;
status)
	shopt -s nullglob
	for f in "$D"/pids/*.pid; do
		n=$(basename "$f" .pid)
		if pid=$(is_ours "$f") && alive "$pid"; then echo "$n $pid running"; else echo "$n dead"; fi
	done ;;
*) usage ;;
esac
