#!/bin/bash
# t3120 — fix with the real credential helpers (docker-credential-pass and
# -secretservice 0.6.4, pass 1.7.4, gnupg, gnome-keyring on the rig's bus):
#  - an uninitialised pass store docker picks itself: without --gpg-key the
#    plan says what it needs and writes nothing; with it, the store is
#    initialised first (a step of its own), then the credential goes in;
#  - a missing desktop credsStore: dropped, and the credential stored where
#    docker then reads it (drop_missing_creds_store + store);
#  - plain-text auths moved into pass (migrate_auths_to_helper), undone;
#  - a credential stored through docker-credential-secretservice;
#  - a verification that fails after the write (a pass store for a GPG key
#    whose secret half is elsewhere: pass encrypts, nothing can decrypt)
#    restores every file and erases the helper entry it made.
# The real peers: the helper's own `get`, skopeo (auths), and docker's
# `manifest inspect` (credsStore) when the machine has the docker CLI.
. "$TEST_LIB"
. "$(dirname "$TEST_LIB")/fix-lib.sh"
for b in docker-credential-pass pass gpg gpgconf; do
	command -v "$b" >/dev/null 2>&1 && continue
	[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! $b is not installed"; exit 1; }
	skip_all "$b is not installed"
done
[ -n "${GNUPGHOME:-}" ] && [ -n "${RIG_GPG_FPR:-}" ] || skip_all "the rig has no pass store (keyring-pass.sh)"
RIG_GNUPG=$GNUPGHOME
RIG_PASS=$PASSWORD_STORE_DIR
cleanup_gpg() {
	for g in "$TEST_DIR/gpg-tmp" "$TEST_DIR/gpg-pub"; do
		[ -d "$g" ] && GNUPGHOME="$g" gpgconf --kill gpg-agent 2>/dev/null
	done
	rig_stop
}
trap cleanup_gpg EXIT
export U=alice P=alicepw
pass_get() { printf '%s' "$1" | PASSWORD_STORE_DIR="$2" docker-credential-pass get 2>/dev/null |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["Username"], d["Secret"] == "alicepw")'; }
gpg_files() { find "$1" -name '*.gpg' 2>/dev/null | wc -l; }

# ---- an uninitialised pass store, docker's own pick ----
export PASSWORD_STORE_DIR="$TEST_DIR/pass-new"
cfg '{}'
run_fixkb fix --image "$IMG" --username-env U --password-env P --format json
is "$(steps)" "init_pass_store/blocked store_credentials_from_env/blocked" \
	"without --gpg-key: initialising the store is a step of its own, before the store; both wait for input"
like "$(json_get "$RUN_OUT" plan.steps.0.needs)" '--gpg-key ID' "the plan says it needs --gpg-key"
like "$(json_get "$RUN_OUT" plan.steps.1.needs)" 'pass store initialised first \(step 1' "the store waits for step 1"
run_fixkb fix --image "$IMG" --username-env U --password-env P --apply
is "$RUN_RC" 1 "--apply without a key: exit 1"
is "$(cat "$CFG")" '{}' "nothing written"
ok "the store is still not initialised" test ! -e "$PASSWORD_STORE_DIR/.gpg-id"

run_fixkb fix --image "$IMG" --username-env U --password-env P --gpg-key "$RIG_GPG_FPR" --format json
is "$(steps)" "init_pass_store/write store_credentials_from_env/write" "with --gpg-key: init, then store"
like "$(json_get "$RUN_OUT" plan.diff)" '\+\+\+ b/.*pass-new/\.gpg-id' "the diff shows the .gpg-id pass init writes"
run_fixkb fix --image "$IMG" --username-env U --password-env P --gpg-key "$RIG_GPG_FPR" --apply
is "$RUN_RC" 0 "--apply with the key: exit 0"
is "$(cat "$PASSWORD_STORE_DIR/.gpg-id")" "$RIG_GPG_FPR" ".gpg-id names the key (as pass init writes it)"
is "$(stat -c %a "$PASSWORD_STORE_DIR/.gpg-id")" 600 ".gpg-id is 0600, as pass's umask 077 makes it"
is "$(pass_get "$T" "$PASSWORD_STORE_DIR")" "alice True" "docker-credential-pass get returns the stored credential"
like "$(tr -d ' \n\t' < "$CFG")" "\"auths\":\\{\"$T\":\\{\\}\\},\"credsStore\":\"pass\"" \
	"config.json as docker login writes it: an empty auths entry and credsStore"
if [ -n "$REAL_DOCKER" ]; then
	ok "docker manifest inspect uses the stored credential" peer_docker "$IMG"
else
	tap_skip "no docker CLI on this machine"
fi
run_fixkb doctor --image "$IMG"
is "$RUN_RC" 0 "doctor then finds no problem"
run_fixkb fix --image "$IMG" --username-env U --password-env P --gpg-key "$RIG_GPG_FPR" --apply
is "$RUN_RC" 0 "a second run: exit 0"
like "$RUN_OUT" 'nothing to fix' "and nothing to do"

# ---- a missing desktop credsStore ----
export PASSWORD_STORE_DIR="$TEST_DIR/pass-unused"
cfg "{\"auths\":{\"$T\":{}},\"credsStore\":\"desktop\"}"
run_fixkb doctor --image "$IMG"
like "$RUN_OUT" 'helper_missing' "doctor: docker-credential-desktop is missing"
run_fixkb fix --image "$IMG" --username-env U --password-env P --format json
is "$(steps)" "drop_missing_creds_store/write store_credentials_from_env/write" \
	"the plan: drop credsStore, then store the credential where docker then reads it"
run_fixkb fix --image "$IMG" --username-env U --password-env P --apply
is "$RUN_RC" 0 "--apply: exit 0"
unlike "$(cat "$CFG")" 'credsStore' "credsStore is gone"
ok "skopeo uses the stored credential" peer_skopeo "$IMG"
if [ -n "$REAL_DOCKER" ]; then
	ok "and docker manifest inspect too" peer_docker "$IMG"
else
	tap_skip "no docker CLI on this machine"
fi

# ---- plain-text auths moved into pass, then undone ----
export PASSWORD_STORE_DIR="$RIG_PASS"
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(b64 alice:alicepw)\"}}}"
before=$(sha "$CFG")
n0=$(gpg_files "$PASSWORD_STORE_DIR")
run_fixkb fix --image "$IMG" --format json
is "$(steps)" "migrate_auths_to_helper/write" "plain text in config.json: the plan moves it into pass"
run_fixkb fix --image "$IMG" --apply
is "$RUN_RC" 0 "--apply: exit 0"
is "$(pass_get "$T" "$PASSWORD_STORE_DIR")" "alice True" "the credential is in pass"
unlike "$(cat "$CFG")" '"auth"' "and no longer in config.json"
run_fixkb doctor --image "$IMG"
unlike "$RUN_OUT" 'plaintext_credentials' "doctor: no plain-text credential left"
if [ -n "$REAL_DOCKER" ]; then
	ok "docker manifest inspect uses it through credsStore" peer_docker "$IMG"
else
	tap_skip "no docker CLI on this machine"
fi
run_fixkb fix --undo
is "$RUN_RC" 0 "--undo"
is "$(sha "$CFG")" "$before" "config.json is back"
is "$(gpg_files "$PASSWORD_STORE_DIR")" "$n0" "and the pass entry fixkb made is erased"

# ---- docker-credential-secretservice ----
if command -v docker-credential-secretservice >/dev/null 2>&1 && [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	export PASSWORD_STORE_DIR="$TEST_DIR/pass-unused"
	cfg '{"credsStore":"secretservice"}'
	run_fixkb fix --image "$IMG" --username-env U --password-env P --format json
	is "$(steps)" "store_credentials_from_env/write" "credsStore secretservice: the plan stores there"
	run_fixkb fix --image "$IMG" --username-env U --password-env P --apply
	is "$RUN_RC" 0 "--apply: exit 0"
	got=$(printf '%s' "$T" | docker-credential-secretservice get 2>/dev/null |
	      python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["Username"], d["Secret"] == "alicepw")')
	is "$got" "alice True" "docker-credential-secretservice get returns it (the real keyring)"
	run_fixkb fix --undo
	is "$(printf '%s' "$T" | docker-credential-secretservice get 2>&1)" \
		"credentials not found in native keychain" "--undo erases the keyring item it made"
else
	for i in 1 2 3 4; do tap_skip "no docker-credential-secretservice or no session bus"; done
fi

# ---- a verification that fails after the write: everything put back ----
G1="$TEST_DIR/gpg-tmp" G2="$TEST_DIR/gpg-pub"
mkdir -m 700 "$G1" "$G2"
GNUPGHOME="$G1" gpg --batch --pinentry-mode loopback --passphrase '' \
	--quick-gen-key 'elsewhere <elsewhere@example.invalid>' default default never >/dev/null 2>&1
FPR2=$(GNUPGHOME="$G1" gpg --batch --with-colons --list-keys | awk -F: '/^fpr/{print $10; exit}')
GNUPGHOME="$G1" gpg --batch --export "$FPR2" | GNUPGHOME="$G2" gpg --batch --import >/dev/null 2>&1
echo "$FPR2:6:" | GNUPGHOME="$G2" gpg --batch --import-ownertrust >/dev/null 2>&1
export GNUPGHOME="$G2" PASSWORD_STORE_DIR="$TEST_DIR/pass-elsewhere"
cfg '{}'
before=$(sha "$CFG")
run_fixkb fix --image "$IMG" --username-env U --password-env P --gpg-key "$FPR2" --apply --format json
is "$RUN_RC" 1 "a store nothing here can decrypt: exit 1"
is "$(json_get "$RUN_OUT" result.checks.0.ok)" true "the credential itself was accepted before the write"
is "$(json_get "$RUN_OUT" result.verified)" false "the verification after the write fails"
like "$(json_get "$RUN_OUT" result.appeared)$(json_get "$RUN_OUT" result.remaining)" 'helper_failed|no_credentials' \
	"and says what the probes found"
is "$(json_get "$RUN_OUT" result.rolled_back)" true "it rolled back"
is "$(sha "$CFG")" "$before" "config.json is as before"
ok ".gpg-id is gone again" test ! -e "$PASSWORD_STORE_DIR/.gpg-id"
is "$(gpg_files "$PASSWORD_STORE_DIR")" 0 "and the entry pass wrote is erased"
like "$(cat "$XDG_STATE_HOME/fixkb/outcomes.jsonl")" '"workaround":"login","ok":false' \
	"the failed outcome is recorded"
export GNUPGHOME="$RIG_GNUPG"

no_secret_in_outputs alice alicepw "the stored password is in no output"
done_testing
