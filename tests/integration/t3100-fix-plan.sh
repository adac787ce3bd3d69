#!/bin/bash
# t3100 — fixkb fix on the rig, the plan and its run: a rejected stored
# credential replaced (store_credentials_from_env into config.json), the
# dry run writes nothing, a refused new credential writes nothing, verify
# before and after, a real peer (skopeo) uses the new credential, doctor
# is then clean; idempotence, --undo, outcomes and kb stats; a read-only
# config, a symlinked config, unknown fields kept; two runs at once;
# --push (a new credential must get pull,push); the terminal prompt.
. "$TEST_LIB"
. "$(dirname "$TEST_LIB")/fix-lib.sh"
pass_unused

# ---- a wrong password in config.json (the canary): the plan ----
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(canary_userpass_b64 alice)\"}},\"psFormat\":\"table {{.ID}}\",\"myTool\":{\"keep\":[1,2,{\"x\":null}]}}"
before=$(sha "$CFG")
export U=alice P=alicepw
run_fixkb fix --image "$IMG" --format json
is "$RUN_RC" 1 "dry run with a plan: exit 1"
is "$(json_get "$RUN_OUT" mode)" dry-run "mode dry-run"
like "$(steps)" 'store_credentials_from_env/blocked' "without a credential the store step is blocked"
like "$(json_get "$RUN_OUT" plan.steps.1.needs)$(json_get "$RUN_OUT" plan.steps.0.needs)" '--username-env VAR --password-env VAR' \
	"and says what it needs"
is "$(sha "$CFG")" "$before" "a dry run writes nothing"
ok "a dry run creates no state" test ! -e "$XDG_STATE_HOME/fixkb"

run_fixkb fix --image "$IMG" --username-env U --password-env P
is "$RUN_RC" 1 "dry run with a credential: exit 1"
like "$RUN_OUT" '1\. \[fixkb does\] ' "text: step 1 is fixkb's"
like "$RUN_OUT" 'kb: +registry/credentials-rejected · relogin-valid-token · action store_credentials_from_env' \
	"the step names its entry, workaround and action"
like "$RUN_OUT" 'success 85%' "and the workaround's success rate"
like "$RUN_OUT" "why: +token_endpoint: with alice's credential" "and why: the evidence"
like "$RUN_OUT" '^--- a/.*config\.json$' "a unified diff of config.json"
like "$RUN_OUT" '^-.*"auth":"\[redacted sha256:' "its old secret as a fingerprint"
like "$RUN_OUT" '^\+.*"auth": "\[redacted sha256:' "its new secret as a fingerprint"
like "$RUN_OUT" 'dry run: nothing is written without --apply' "says nothing is written"
is "$(sha "$CFG")" "$before" "still nothing written"

# ---- a refused new credential: nothing written, exit 1, the refusal named ----
export BADP="$CANARY"
run_fixkb fix --image "$IMG" --username-env U --password-env BADP --apply
is "$RUN_RC" 1 "a credential the token endpoint refuses: exit 1"
like "$RUN_OUT" '✗ verify before writing \(step [0-9]+\): .*refused the credential' "the refusal is named"
like "$RUN_OUT" 'nothing written' "and it says nothing was written"
is "$(sha "$CFG")" "$before" "config.json untouched"
ok "no backup set was made" test ! -e "$XDG_STATE_HOME/fixkb/last"

# ---- --apply: verified before, written, verified after ----
n0=$(wc -l < "$RIG_TOKEN_LOG")
chmod 0640 "$CFG"; before=$(sha "$CFG")
run_fixkb fix --image "$IMG" --username-env U --password-env P --apply --format json
is "$RUN_RC" 0 "apply: exit 0 (warnings may remain)"
is "$(json_get "$RUN_OUT" result.checks.0.ok)" true "the new credential got a token before the write"
like "$(tail -n +$((n0 + 1)) "$RIG_TOKEN_LOG")" 'method=(POST|GET) status=200 .*scope=repository:fixkb/tiny:pull.*user=alice' \
	"from the real token endpoint, for pull of the image"
is "$(json_get "$RUN_OUT" result.verified)" true "verified after the write"
is "$(json_get "$RUN_OUT" result.applied)" true "applied"
python3 - "$CFG" <<'EOF' > "$TEST_DIR/cfg.check"
import json, sys, base64
d = json.load(open(sys.argv[1]))
print(base64.b64decode(d["auths"][list(d["auths"])[0]]["auth"]).decode() == "alice:alicepw",
      d["psFormat"], json.dumps(d["myTool"], separators=(",", ":")), list(d))
EOF
is "$(cat "$TEST_DIR/cfg.check")" "True table {{.ID}} {\"keep\":[1,2,{\"x\":null}]} ['auths', 'psFormat', 'myTool']" \
	"config.json: the new credential, unknown fields and their order kept"
is "$(stat -c %a "$CFG")" 640 "config.json keeps its mode (as docker's Save does)"
ok "a real peer, skopeo with that config, uses the new credential" peer_skopeo "$IMG"
run_fixkb doctor --image "$IMG"
is "$RUN_RC" 0 "doctor then finds no problem"
unlike "$RUN_OUT" 'oauth_token_rejected' "no rejected credential any more"

# ---- the outcome was recorded; kb stats shows it beside the stated rate ----
out="$XDG_STATE_HOME/fixkb/outcomes.jsonl"
like "$(cat "$out")" '"entry":"registry/credentials-rejected","workaround":"relogin-valid-token","ok":true' \
	"outcomes.jsonl has the applied workaround, ok"
unlike "$(cat "$out")" "$T|alice|127\.0\.0\.1" "and no host or user"
run_fixkb kb stats
like "$RUN_OUT" 'registry/credentials-rejected +relogin-valid-token +85% +1 of 1 \(100%\)' \
	"kb stats: stated 85%, observed 1 of 1"
run_fixkb kb stats --format json
like "$RUN_OUT" '"command": "kb stats"' "kb stats --format json"

# ---- --undo puts the old file back; a second --undo has nothing to do ----
run_fixkb fix --undo
is "$RUN_RC" 0 "--undo exits 0"
like "$RUN_OUT" 'config\.json: restored' "--undo restores config.json"
is "$(sha "$CFG")" "$before" "byte for byte"
run_fixkb fix --undo
like "$RUN_OUT" 'nothing to undo: .*undone already' "a second --undo has nothing to do"

# ---- a read-only config: refused, naming the file; nothing written ----
chmod 0444 "$CFG"
run_fixkb fix --image "$IMG" --username-env U --password-env P --apply
is "$RUN_RC" 1 "a read-only config.json: exit 1"
like "$RUN_ERR$RUN_OUT" "cannot write '.*config\.json'.*(read-only|0444)" "names the file and why"
is "$(sha "$CFG")" "$before" "and leaves it as it was"
chmod 0600 "$CFG"

# ---- a symlinked config: the link stays, its target is replaced ----
mkdir -p "$TEST_DIR/real"
mv "$CFG" "$TEST_DIR/real/config.json"
ln -s ../../real/config.json "$CFG"
run_fixkb fix --image "$IMG" --username-env U --password-env P --apply --yes
is "$RUN_RC" 0 "through a symlink: exit 0"
ok "config.json is still a symlink" test -L "$CFG"
like "$(cat "$TEST_DIR/real/config.json")" '"auth": "YWxpY2U6YWxpY2Vwdw=="' "its target holds the new credential"
ok "skopeo through the link uses it" peer_skopeo "$IMG"
run_fixkb fix --undo
ok "--undo through the link keeps the link" test -L "$CFG"
is "$(sha "$TEST_DIR/real/config.json")" "$before" "and restores the target"

# ---- idempotent: the applied plan, run again, finds nothing to do ----
rm -f "$CFG"
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(canary_userpass_b64 alice)\"}}}"
run_fixkb fix --image "$IMG" --username-env U --password-env P --apply
is "$RUN_RC" 0 "apply"
run_fixkb fix --image "$IMG" --username-env U --password-env P --apply --format json
is "$RUN_RC" 0 "a second run exits 0"
is "$(steps)" "" "and has nothing left to write"
is "$(json_get "$RUN_OUT" result.applied)" None "and applies nothing"

# ---- two --apply runs at once on one config: one waits for the other ----
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(canary_userpass_b64 alice)\"}},\"x-kept\":1}"
( "$FIXKB" fix --image "$IMG" --username-env U --password-env P --apply > "$OUT_DIR/c1.out" 2>&1; echo $? > "$TEST_DIR/c1.rc" ) &
( "$FIXKB" fix --image "$IMG" --username-env U --password-env P --apply > "$OUT_DIR/c2.out" 2>&1; echo $? > "$TEST_DIR/c2.rc" ) &
wait
is "$(cat "$TEST_DIR/c1.rc") $(cat "$TEST_DIR/c2.rc")" "0 0" "two concurrent --apply runs: both exit 0"
python3 - "$CFG" > "$TEST_DIR/c.check" <<'PY'
import json, sys, base64
d = json.load(open(sys.argv[1]))
print(base64.b64decode(list(d["auths"].values())[0]["auth"]).decode() == "alice:alicepw", d.get("x-kept"))
PY
is "$(cat "$TEST_DIR/c.check")" "True 1" "config.json is valid JSON with the credential and the other field"
ok "no temp file left beside it" sh -c "! ls -a '$DOCKER_CONFIG' | grep -q fixkb-tmp"

# ---- --push: a new credential must get pull,push ----
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(b64 reader:readerpw)\"}}}"
before=$(sha "$CFG")
run_fixkb doctor --image "$IMG" --push
like "$RUN_OUT" 'push to fixkb/tiny is refused' "doctor --push: the stored read-only account cannot push"
export RU=reader RP=readerpw
n0=$(wc -l < "$RIG_TOKEN_LOG")
run_fixkb fix --image "$IMG" --push --username-env RU --password-env RP --apply
is "$RUN_RC" 1 "fix --push with a read-only credential: refused, exit 1"
like "$RUN_OUT" 'verify before writing .*pull and push of .*push to fixkb/tiny is refused' "the refusal names the push"
like "$(tail -n +$((n0 + 1)) "$RIG_TOKEN_LOG")" 'scope=repository:fixkb/tiny:pull,push' "the issuer was asked for pull,push"
is "$(sha "$CFG")" "$before" "nothing written"
run_fixkb fix --image "$IMG" --push --username-env U --password-env P --apply
is "$RUN_RC" 0 "fix --push with a read-write credential: exit 0"
run_fixkb doctor --image "$IMG" --push
like "$RUN_OUT" 'the token grants push on fixkb/tiny' "doctor --push: push is granted now"

# ---- on a terminal --apply asks; 'n' writes nothing ----
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(canary_userpass_b64 alice)\"}}}"
before=$(sha "$CFG")
printf 'n\n' > "$TEST_DIR/no"
python3 "$SRCDIR/tests/lib/pty-feed.py" "$TEST_DIR/no" 3 "$FIXKB" fix --image "$IMG" \
	--username-env U --password-env P --apply > "$OUT_DIR/pty.out" 2>&1
rc=$?
like "$(cat "$OUT_DIR/pty.out")" 'apply 1 step\? \[y/N\]' "on a terminal it asks"
is "$rc" 1 "answering n: exit 1"
is "$(sha "$CFG")" "$before" "and nothing is written"

no_secret_in_outputs alice alicepw "the stored password is in no output"
done_testing
