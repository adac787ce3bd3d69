# ci-lib.sh — simulated CI jobs for the fix --ci tests (t31xx), on top of
# test-lib.sh and the rig. Source after test-lib.sh.
#
#   ci_rig_start                  # the rig, plus a cleanup trap for what ci-lib starts
#   ci_private_registry SPEC...   # a token issuer with users SPEC (tokenserver.py --user)
#                                 # and a registry behind it, sharing the rig's storage and
#                                 # signing key: $PRIV_REG, $PRIV_CTL, $PRIV_LOG
#   ci_job VAR=value...           # the job's environment (on top of a clean base)
#   run_ci ARGS...                # fixkb ARGS in that environment, in $JOB_CWD; RUN_RC/OUT/ERR
#   docker_sum                    # checksum of the runner's ~/.docker (contents and modes)
#   strip_masks                   # moves ::add-mask:: lines of the last run's stdout to
#                                 # $MASKS (they carry secrets by design)
#
# run_ci keeps stdout and stderr under $OUT_DIR like run_fixkb, so
# done_testing's canary sweep covers them.

ci_cleanup() {
	local p
	for p in ${CI_PIDS:-}; do kill "$p" 2>/dev/null; done
	for p in ${CI_PIDS:-}; do wait "$p" 2>/dev/null; done
	rig_stop
}

ci_rig_start() {
	rig_start
	trap ci_cleanup EXIT
	# The rig's pass store (keyring-pass.sh), for a test that asks for it;
	# by default private stores only: never a pass store from the rig.
	RIG_PASSWORD_STORE_DIR=${PASSWORD_STORE_DIR:-} RIG_GNUPGHOME=${GNUPGHOME:-}
	export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
	export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json" FIXKB_DOCKER_CERTS_D="$TEST_DIR/certs.d"
}

ci_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ci_private_registry() {
	local d="$TEST_DIR/priv" u args=() port tsport i
	mkdir -p "$d"
	for u in "$@"; do args+=(--user "$u"); done
	python3 "$SRCDIR/tests/rig/tokenserver.py" --port 0 --key "$RIG_DIR/certs/token.key" \
		--cert "$RIG_DIR/certs/token.crt" --issuer fixkb-token-issuer --service fixkb-registry \
		"${args[@]}" --log "$d/token.log" </dev/null >"$d/ts.out" 2>"$d/ts.err" &
	CI_PIDS="${CI_PIDS:-} $!"
	for i in $(seq 500); do
		tsport=$(sed -n 's/^READY //p' "$d/ts.out" 2>/dev/null | head -1)
		[ -n "$tsport" ] && break
		sleep 0.01
	done
	[ -n "$tsport" ] || { echo "Bail out! private token issuer did not start"; cat "$d/ts.err"; exit 1; }
	for i in 1 2 3 4 5; do
		port=$(ci_free_port)
		env REGISTRY_HTTP_ADDR="127.0.0.1:$port" REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY="$RIG_DIR/data" \
			REGISTRY_AUTH_TOKEN_REALM="http://127.0.0.1:$tsport/token" \
			REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE="$RIG_DIR/certs/token.crt" \
			docker-registry serve "$SRCDIR/tests/rig/registry-token.yml" </dev/null >"$d/registry.log" 2>&1 &
		local rp=$!
		local code=""
		for _ in $(seq 300); do
			code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" 2>/dev/null)
			[ "$code" = 401 ] && break
			kill -0 "$rp" 2>/dev/null || break
			sleep 0.01
		done
		if [ "$code" = 401 ]; then
			CI_PIDS="$CI_PIDS $rp"
			PRIV_REG="127.0.0.1:$port"
			PRIV_CTL="http://127.0.0.1:$tsport/__ctl"
			PRIV_LOG="$d/token.log"
			return 0
		fi
		kill "$rp" 2>/dev/null
	done
	echo "Bail out! private registry did not start"
	tail -5 "$d/registry.log"
	exit 1
}

ci_job() { CI_JOB_ENV=("$@"); }

run_ci() {
	RUN_N=$((RUN_N + 1))
	local o="$OUT_DIR/$RUN_N.out" e="$OUT_DIR/$RUN_N.err"
	printf 'ci job: %s\nfixkb %s\n' "$(printf '%s\n' "${CI_JOB_ENV[@]}" | sed 's/=.*//' | tr '\n' ' ')" \
		"$*" > "$OUT_DIR/$RUN_N.cmd"
	(cd "${JOB_CWD:-$TEST_DIR}" && env -i PATH="$PATH" HOME="$HOME" LANG=C LC_ALL=C TZ=UTC NO_COLOR=1 \
		XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		FIXKB_DAEMON_JSON="$FIXKB_DAEMON_JSON" FIXKB_DOCKER_CERTS_D="$FIXKB_DOCKER_CERTS_D" \
		PASSWORD_STORE_DIR="$PASSWORD_STORE_DIR" "${CI_JOB_ENV[@]}" \
		timeout 60 "$FIXKB" "$@" </dev/null >"$o" 2>"$e")
	RUN_RC=$?
	RUN_OUT=$(cat "$o")
	RUN_ERR=$(cat "$e")
}

# The runner's docker config directory: every file's path, mode and content.
docker_sum() {
	(cd "$HOME/.docker" && find . -printf '%p %m %y\n' | sort && find . -type f -print0 | sort -z |
		xargs -0 -r sha256sum) | sha256sum | cut -c1-64
}

# ::add-mask:: lines carry the masked value by design: they leave the
# captured output of the last run (stdout and stderr, for the canary
# sweep) and go to $MASKS, one value per line.
strip_masks() {
	local f
	MASKS="$TEST_DIR/masks.$RUN_N"
	: > "$MASKS"
	for f in "$OUT_DIR/$RUN_N.out" "$OUT_DIR/$RUN_N.err"; do
		grep '^::add-mask::' "$f" | sed 's/^::add-mask:://' >> "$MASKS"
		grep -v '^::add-mask::' "$f" > "$f.tmp"
		mv "$f.tmp" "$f"
	done
	RUN_OUT=$(cat "$OUT_DIR/$RUN_N.out")
	RUN_ERR=$(cat "$OUT_DIR/$RUN_N.err")
}

b64() { printf '%s' "$1" | base64 -w0; }
jget() { json_get "$RUN_OUT" "$1"; }
