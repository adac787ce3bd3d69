#!/usr/bin/env bash
# Which shared libraries a command maps: a run pays only for what it uses
# (issue 15). libcurl (and OpenSSL with it), Vectorscan (libhs, with the C++ runtime) and
# libsecret (with GLib) are loaded with dlopen by the first network
# request, matcher compile and keyring lookup (src/util/dynlib.h), so kb,
# --version and an offline doctor never map them; explain maps libhs and
# nothing of the network; a network probe maps libcurl and still works.
# Read from the dynamic loader's own log (LD_DEBUG=files), not timed.
. "$TEST_LIB"

# loaded NAME ARGS...: runs fixkb under LD_DEBUG=files, LOADED is the
# sonames it mapped (one per line)
loaded() {
	local log="$TEST_DIR/ld.$1"
	shift
	rm -f "$log".*
	LD_DEBUG=files LD_DEBUG_OUTPUT="$log" run_fixkb "$@"
	LOADED=$(sed -n 's/.*file=\([^ ]*\) \[[0-9]*\];  \(needed\|dynamically loaded\).*/\1/p' "$log".* | sort -u)
}
# mapped SONAME-PREFIX: is it in LOADED?
mapped() { printf '%s\n' "$LOADED" | grep -q "^$1"; }
LAZY="libcurl libssl libcrypto libsecret libglib libgio libhs libgnutls libkrb5 libldap"
# ASan/UBSan's runtime maps the C++ runtime itself.
[ -n "${FIXKB_UNDER_SANITIZER:-}" ] || LAZY="$LAZY libstdc++"

printf '{"auths":{"r.example:5000":{"auth":"%s"}}}\n' "$(printf alice:pw | base64)" \
	>"$DOCKER_CONFIG/config.json"
for cmd in "--version" "--help" "kb list" "kb show registry/token-expired --format json" \
	   "doctor --offline --registry r.example:5000"; do
	# shellcheck disable=SC2086
	loaded start $cmd
	ok "fixkb $cmd runs" [ "$RUN_RC" -le 1 ]
	like "$LOADED" '^libc\.so' "fixkb $cmd: the loader's log was read"
	for lib in $LAZY; do
		unlike "$LOADED" "^$lib" "fixkb $cmd does not map $lib"
	done
done

printf 'ERROR: failed to solve: failed to fetch oauth token: unexpected status: 401 Unauthorized\n' \
	>"$TEST_DIR/build.log"
loaded explain explain --offline "$TEST_DIR/build.log"
ok "explain --offline finds the failure" [ "$RUN_RC" -eq 1 ]
like "$LOADED" '^libhs\.so' "explain maps libhs (its matcher)"
for lib in libcurl libssl libcrypto libsecret libglib; do
	unlike "$LOADED" "^$lib" "explain --offline does not map $lib"
done

# A network probe against a port nobody listens on: libcurl comes in and
# reports the refused connection.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
loaded net probe token_endpoint --registry "127.0.0.1:$port" --timeout 5 --format json
like "$LOADED" '^libcurl\.so' "a network probe maps libcurl"
like "$LOADED" '^libssl\.so' "... and OpenSSL with it (ssllib.h)"
is "$(json_get "$RUN_OUT" probes.0.code)" network_unreachable "and libcurl's refused connection is the verdict"
like "$(json_get "$RUN_OUT" probes.0.detail)" "Failed to connect to 127\.0\.0\.1 port $port" "in libcurl's words"

# The keyring probe with a session bus address that leads nowhere:
# libsecret and GLib come in and say why the bus cannot be reached.
echo '{"credsStore":"secretservice"}' >"$DOCKER_CONFIG/config.json"
DBUS_SESSION_BUS_ADDRESS="unix:path=$TEST_DIR/no-bus" loaded keyring probe keyring --registry r.example:5000 --format json
if printf '%s' "$RUN_OUT" | grep -q 'built without libsecret'; then
	tap_skip "built without libsecret"
else
	like "$LOADED" '^libsecret' "the keyring probe maps libsecret"
	is "$(json_get "$RUN_OUT" probes.0.evidence.outcome)" bus_unreachable \
		"and reports the unreachable bus ($(json_get "$RUN_OUT" probes.0.code))"
fi
done_testing
