#!/bin/bash
# keyring-pass.sh — a private Secret Service (dbus-daemon + gnome-keyring,
# unlocked) and a throwaway pass store (GPG key without passphrase) for the
# credential-helper tests. Self-contained: tests/rig/rig.sh may call it.
#
#   tests/rig/keyring-pass.sh up DIR [all|keyring|pass]    (default all)
#   . DIR/env      # exports DBUS_SESSION_BUS_ADDRESS GNUPGHOME PASSWORD_STORE_DIR RIG_DIR
#   tests/rig/keyring-pass.sh down DIR
#
# Keep DIR short (mktemp -d /tmp/rig.XXXX): gpg-agent's socket path must
# stay under 108 bytes. State lives in DIR/kp; our lines in DIR/env are
# marked "# keyring-pass" so a shared env file keeps its other lines.
# Every process is stopped by PID on `down`, never by name.
set -eu

usage() { echo "usage: $0 up DIR [all|keyring|pass] | down DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
what=${3:-all}
[ -n "$dir" ] || usage
kp="$dir/kp"

log() { echo "keyring-pass: $*" >&2; }
now_ms() { date +%s%3N; }

wait_dead() {   # PID: until gone or a zombie (no reaping init here)
	local pid=$1 i=0 st
	while [ $i -lt 100 ]; do
		st=$(ps -o stat= -p "$pid" 2>/dev/null || true)
		case "$st" in ''|Z*) return 0 ;; esac
		sleep 0.02
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null || true
}

stop_pidfile() {
	local f=$1 pid
	[ -s "$f" ] || return 0
	pid=$(cat "$f")
	case "$pid" in ''|*[!0-9]*) rm -f "$f"; return 0 ;; esac
	kill -TERM "$pid" 2>/dev/null || true
	wait_dead "$pid"
	rm -f "$f"
}

env_add() {    # NAME VALUE
	printf "export %s='%s'   # keyring-pass\n" "$1" "$2" >> "$dir/env"
}

up_keyring() {
	local t0 i=0
	t0=$(now_ms)
	command -v dbus-daemon >/dev/null || { log "dbus-daemon not installed"; return 1; }
	command -v gnome-keyring-daemon >/dev/null || { log "gnome-keyring-daemon not installed"; return 1; }
	mkdir -p "$kp/keyring-home"
	chmod 700 "$kp" "$kp/keyring-home"
	dbus-daemon --session --fork --nopidfile --address="unix:path=$kp/bus" \
		--print-pid=3 --print-address=4 3>"$kp/dbus.pid" 4>"$kp/bus.addr"
	DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$kp/bus.addr")
	export DBUS_SESSION_BUS_ADDRESS
	printf '%s' keyringpw > "$kp/keyring.pw"
	# --foreground keeps one PID we can kill; --unlock reads the password on
	# stdin and creates (and unlocks) the "login" collection, alias default.
	( cd / && HOME="$kp/keyring-home" XDG_RUNTIME_DIR="$kp" \
		exec gnome-keyring-daemon --foreground --unlock --components=secrets \
		< "$kp/keyring.pw" > "$kp/gkd.log" 2>&1 ) &
	echo $! > "$kp/gkd.pid"
	until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
		grep -q 'boolean true'; do
		i=$((i + 1))
		if [ $i -gt 250 ]; then log "org.freedesktop.secrets never appeared"; return 1; fi
		sleep 0.02
	done
	env_add DBUS_SESSION_BUS_ADDRESS "$DBUS_SESSION_BUS_ADDRESS"
	env_add RIG_KEYRING_HOME "$kp/keyring-home"
	env_add RIG_KEYRING_PID "$(cat "$kp/gkd.pid")"
	log "keyring up in $(( $(now_ms) - t0 )) ms"
}

up_pass() {
	local t0 fpr
	t0=$(now_ms)
	command -v gpg >/dev/null || { log "gpg not installed"; return 1; }
	command -v pass >/dev/null || { log "pass not installed"; return 1; }
	export GNUPGHOME="$kp/gnupg" PASSWORD_STORE_DIR="$kp/password-store"
	mkdir -p "$GNUPGHOME"
	chmod 700 "$GNUPGHOME"
	gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key 'fixkb test <fixkb-test@example.invalid>' default default never \
		> "$kp/gpg.log" 2>&1
	fpr=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/{print $10; exit}')
	[ -n "$fpr" ] || { log "no GPG key was made"; cat "$kp/gpg.log" >&2; return 1; }
	pass init "$fpr" > "$kp/pass.log" 2>&1
	gpg-connect-agent 'getinfo pid' /bye 2>/dev/null | awk '/^D /{print $2}' > "$kp/gpg-agent.pid" || true
	env_add GNUPGHOME "$GNUPGHOME"
	env_add PASSWORD_STORE_DIR "$PASSWORD_STORE_DIR"
	env_add RIG_GPG_FPR "$fpr"
	log "pass up in $(( $(now_ms) - t0 )) ms"
}

case "$cmd" in
up)
	mkdir -p "$dir" "$kp"
	chmod 700 "$kp"
	touch "$dir/env"
	if [ ! -s "$dir/env" ] || ! grep -q '^export RIG_DIR=' "$dir/env"; then
		env_add RIG_DIR "$dir"
	fi
	case "$what" in
	all) up_keyring && up_pass ;;
	keyring) up_keyring ;;
	pass) up_pass ;;
	*) usage ;;
	esac || { "$0" down "$dir" 2>/dev/null || true; exit 1; }
	;;
down)
	[ -d "$dir" ] || exit 0
	if [ -d "$kp/gnupg" ]; then
		GNUPGHOME="$kp/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true
		stop_pidfile "$kp/gpg-agent.pid"
	fi
	stop_pidfile "$kp/gkd.pid"
	stop_pidfile "$kp/dbus.pid"
	rm -rf "$kp"
	if [ -f "$dir/env" ]; then
		grep -v '# keyring-pass$' "$dir/env" > "$dir/env.kp-tmp" || true
		if [ -s "$dir/env.kp-tmp" ]; then mv "$dir/env.kp-tmp" "$dir/env"
		else rm -f "$dir/env.kp-tmp" "$dir/env"; fi
	fi
	rmdir "$dir" 2>/dev/null || true
	;;
*) usage ;;
esac
