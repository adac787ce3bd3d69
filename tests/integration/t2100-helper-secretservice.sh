#!/bin/bash
# t2100 — cred_helper and keyring probes against the real
# docker-credential-secretservice and a private, unlocked gnome-keyring
# (tests/rig/keyring-pass.sh): found, absent, shadowed auths, no bus, bus
# unreachable, no Secret Service on the bus, locked collection.
. "$TEST_LIB"
unset DISPLAY
KP="$SRCDIR/tests/rig/keyring-pass.sh"
REG=127.0.0.1:5000
ABSENT=127.0.0.1:5999

for b in docker-credential-secretservice dbus-daemon gnome-keyring-daemon dbus-send; do
	if ! command -v "$b" >/dev/null 2>&1; then
		[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! $b is not installed (FIXKB_REQUIRE_RIG is set)"; exit 1; }
		skip_all "$b is not installed"
	fi
done
RIGS=""
cleanup_rigs() { for r in $RIGS; do "$KP" down "$r" 2>/dev/null; done; }
trap cleanup_rigs EXIT
if [ -z "${RIG_DIR:-}" ] || [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	OWN=$(mktemp -d /tmp/rig.XXXX)
	RIGS="$OWN"
	"$KP" up "$OWN" keyring 2>"$TEST_DIR/rig.log" || { echo "Bail out! keyring rig did not start"; sed 's/^/# /' "$TEST_DIR/rig.log"; exit 1; }
	. "$OWN/env"
fi
BUS=$DBUS_SESSION_BUS_ADDRESS
FP=$(printf '%s' "$CANARY" | sha256sum | cut -c1-8)
cfg() { printf '%s\n' "$1" > "$DOCKER_CONFIG/config.json"; }
pj() { json_get "$RUN_OUT" "probes.0.$1"; }

printf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "$REG" "$CANARY" |
	docker-credential-secretservice store >"$TEST_DIR/store.out" 2>&1
is "$?" 0 "real docker-credential-secretservice stores the canary credential"
printf '%s' "$ABSENT" | docker-credential-secretservice erase >/dev/null 2>&1

# --- credsStore: secretservice, item present ---
cfg '{"credsStore":"secretservice"}'
run_fixkb probe cred_helper --registry "$REG" --format json
is "$RUN_RC" 0 "cred_helper: exit 0"
is "$(pj status)" ok "cred_helper: ok"
is "$(pj code)" credential_found "cred_helper: credential_found"
is "$(pj evidence.username)" alice "cred_helper: username alice"
is "$(pj evidence.outcome)" found "cred_helper: outcome found"
is "$(pj evidence.exit_code)" 0 "cred_helper: helper exited 0"
like "$(pj evidence.binary)" '/docker-credential-secretservice$' "cred_helper: binary path"
is "$(pj evidence.server_key)" "$REG" "cred_helper: server key"
like "$(pj detail)" "sha256:$FP" "cred_helper: detail shows the canary's fingerprint"
is "$(json_get "$RUN_OUT" command)" probe "json: command is probe"

run_fixkb probe keyring --registry "$REG" --format json
is "$RUN_RC" 0 "keyring: exit 0"
is "$(pj status)" ok "keyring: ok"
is "$(pj code)" credential_found "keyring: credential_found"
is "$(pj evidence.username)" alice "keyring: username attribute alice"
like "$(pj evidence.secret_fingerprint)" "sha256:$FP" "keyring: secret fingerprint matches the canary"
is "$(pj evidence.helper_applies)" true "keyring: secretservice applies"
ms=$(pj evidence.ms); echo "# measured: keyring lookup took $ms ms"

# --- absent item ---
run_fixkb probe cred_helper --registry "$ABSENT" --format json
is "$(pj status)/$(pj code)" warn/no_credentials "cred_helper absent: warn no_credentials"
is "$(pj evidence.outcome)/$(pj evidence.exit_code)" not_found/1 "absent: sentinel, exit 1"
run_fixkb probe keyring --registry "$ABSENT" --format json
is "$(pj status)/$(pj code)" warn/no_credentials "keyring absent: warn no_credentials"
is "$(pj evidence.outcome)" absent "keyring absent: outcome absent"

# --- credHelpers: both docker and containers/image use it ---
cfg "{\"credHelpers\":{\"$REG\":\"secretservice\"}}"
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" ok/credential_found "credHelpers: found"
like "$(pj evidence.consumers)" 'docker.*containers' "credHelpers: docker and containers/image run it"

# --- the helper replaces auths even when empty ---
cfg "{\"auths\":{\"$ABSENT\":{\"auth\":\"$(canary_userpass_b64 bob)\"}},\"credsStore\":\"secretservice\"}"
run_fixkb probe cred_helper --registry "$ABSENT" --format json
is "$(pj status)/$(pj code)" warn/no_credentials "shadowed auths: warn no_credentials"
like "$(pj detail)" 'replaces the auths entry' "shadowed auths: says the helper replaces auths"

# --- no bus at all ---
cfg '{"credsStore":"secretservice"}'
unset DBUS_SESSION_BUS_ADDRESS
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" fail/helper_failed "no bus: helper_failed"
is "$(pj evidence.class)" dbus "no bus: class dbus"
is "$(pj evidence.docker_message)" 'error getting credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`' \
	"no bus: docker's exact message"
run_fixkb probe keyring --registry "$REG" --format json
is "$(pj status)/$(pj code)" fail/helper_failed "keyring no bus: helper_failed"
is "$(pj evidence.outcome)" no_bus "keyring no bus: outcome no_bus"

# --- an address that goes nowhere ---
export DBUS_SESSION_BUS_ADDRESS="unix:path=$TEST_DIR/nobus"
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj evidence.class)" dbus "bus unreachable: class dbus"
like "$(pj evidence.docker_message)" 'Could not connect' "bus unreachable: Could not connect"
run_fixkb probe keyring --registry "$REG" --format json
is "$(pj status)/$(pj evidence.outcome)" fail/bus_unreachable "keyring: bus_unreachable"
export DBUS_SESSION_BUS_ADDRESS="$BUS"

# --- a bus with no Secret Service and nothing to activate ---
cat > "$TEST_DIR/bare-bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$TEST_DIR/bare-bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
CONF
dbus-daemon --config-file="$TEST_DIR/bare-bus.conf" --fork --nopidfile --print-pid=3 --print-address=4 \
	3>"$TEST_DIR/bare-bus.pid" 4>"$TEST_DIR/bare-bus.addr"
export DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$TEST_DIR/bare-bus.addr")
run_fixkb probe keyring --registry "$REG" --format json
is "$(pj status)/$(pj evidence.outcome)" fail/no_service "keyring: no Secret Service on the bus"
run_fixkb probe cred_helper --registry "$REG" --format json
is "$(pj status)/$(pj code)" fail/helper_failed "cred_helper: no Secret Service: helper_failed"
echo "# helper said: $(pj evidence.docker_message)"
kill "$(cat "$TEST_DIR/bare-bus.pid")" 2>/dev/null
export DBUS_SESSION_BUS_ADDRESS="$BUS"

# --- a locked collection (own keyring: locking cannot be undone headless) ---
LOCKED=$(mktemp -d /tmp/rig.XXXX)
RIGS="$RIGS $LOCKED"
if "$KP" up "$LOCKED" keyring 2>>"$TEST_DIR/rig.log"; then
	export DBUS_SESSION_BUS_ADDRESS=$(sed -n "s/^export DBUS_SESSION_BUS_ADDRESS='\(.*\)'.*/\1/p" "$LOCKED/env")
	printf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "$REG" "$CANARY" |
		docker-credential-secretservice store >/dev/null 2>&1
	dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
		org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
	run_fixkb probe keyring --registry "$REG" --format json
	is "$(pj status)/$(pj code)" fail/helper_failed "locked: keyring fails with helper_failed"
	is "$(pj evidence.outcome)" locked "locked: outcome locked, not absent"
	is "$(pj evidence.locked_items)" 1 "locked: the item is seen, locked"
	run_fixkb probe keyring --registry "$ABSENT" --format json
	is "$(pj evidence.outcome)" locked "locked collection, no item: still locked"
	run_fixkb probe cred_helper --registry "$REG" --format json
	is "$(pj status)/$(pj code)" fail/helper_failed "locked: the real helper fails (0.6.4 crashes on a locked item)"
	echo "# helper on a locked item: exit $(pj evidence.exit_code), class $(pj evidence.class)"
	export DBUS_SESSION_BUS_ADDRESS="$BUS"
else
	tap_ok 1 "second keyring for the locked case started"
fi

done_testing
