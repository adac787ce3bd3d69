#!/bin/bash
# t9000 — the canary sweep: every command, in every format, against every
# place a secret can live, and no trace of the secret anywhere.
#
# The canary ($CANARY, from test-lib) is planted in docker's config.json
# (auth, password, identitytoken, registrytoken), a containers auth file,
# ~/.dockercfg, DOCKER_AUTH_CONFIG (raw, base64, a file, the GitLab form),
# credential helpers' answers (found, identity token, a failure that
# echoes its input, failures that echo a password in their error output,
# stored or not, exit 0 with garbage), a real gnome-keyring and pass
# store (written by Debian's helpers), CI variables, a build log, and
# malformed files that put it right where a JSON error message quotes the
# text ("near '...'"). Then every command line below runs in each of those
# worlds; done_testing (test-lib) greps stdout, stderr and every file
# written for the canary raw, in base64 at every alignment (so also
# base64 of user:canary) in both alphabets, and in hex. Section 7 applies
# fixes (fix --apply, --undo) and sweeps every file fix writes but the
# credential store itself and fixkb's backups of it.
#
# To cover a new command, format or option: add a line to COMMANDS.
# Probes (fixkb probe --help) and commands (fixkb --help) are picked up
# by themselves. Placeholders: {R} a registry holding the canary,
# {LOG} a build log holding it, {CTX} a build context, {ID} a KB entry.
# Every registry here is on loopback, so commands that touch the network
# (doctor without --offline, token_endpoint, explain) never send the
# canary off this machine.
. "$TEST_LIB"

COMMANDS=(
	"doctor --offline"
	"doctor --offline -v"
	"doctor --offline --format json"
	"doctor --offline --format json -v"
	"doctor --offline --format sarif -v"
	"doctor --offline --format github -v"
	"doctor --offline --lang zh -v"
	"doctor --offline --context {CTX} --format json -v"
	"doctor --timeout 4 --registry {R} -v"
	"doctor --timeout 4 --registry {R} --format json -v"
	"explain --offline {LOG}"
	"explain --offline -v --format json {LOG}"
	"explain --offline --format github {LOG}"
	"explain --offline --format sarif {LOG}"
	"explain --timeout 4 -v --format json {LOG}"
	"fix --registry {R}"
	"fix --registry {R} --ci --format json"
	"fix --registry {R} --format json -v"
	"fix --offline -v"
	"fix --offline --context {CTX} --format json"
	"fix --registry {R} --username-env CANARY_USER --password-env CANARY_PASS"
	"fix --registry {R} --username-env CANARY_USER --password-env CANARY_PASS --format json -v"
	"fix --registry {R} --username alice --password-stdin {STDIN}"
	"fix --registry {R} --password-stdin {STDIN}"
	"fix --undo"
	"audit --context {CTX}"
	"audit --context {CTX} --format json"
	"audit --context {CTX} --format sarif"
	"audit --context {CTX} --format github"
	"audit --context {CTX} -v"
	"audit --context {CTX} --online --timeout 4 --format json -v"
	"kb list"
	"kb list --format json -v"
	"kb show {ID}"
	"kb show {ID} --format json --lang zh"
	"kb lint"
	"--client buildkit-daemon probe token_endpoint --timeout 4 --registry {R} --format json -v"
	"--client containerd probe token_endpoint --timeout 4 --registry {R} -v"
	"--insecure-registry {R} probe token_endpoint --timeout 4 --registry {R} --format json -v"
	"--insecure-registry 127.0.0.0/8 doctor --timeout 4 --registry {R} -v"
	"--client docker-login doctor --timeout 4 --registry {R} --format json -v"
	"--version"
	"--help"
	# error paths
	"doctor --format nope"
	"doctor --offline --registry ''"
	"doctor --offline --registry {R}/../x:y"
	"doctor --offline --image {R}/UPPER/Case:tag"
	"probe nope --registry {R}"
	"probe config_auth --registry"
	"kb show nope/nope"
	"explain {R}/nonexistent.log"
	"--config {CTX}/nonexistent doctor --offline -v"
	"--cacert {CTX}/nonexistent doctor --offline --registry {R}"
)
PROBES=$("$FIXKB" probe --help | awk '/^probes:/ { on = 1; next } on && /^  [a-z_]+ / { print $1 } on && /^$/ { on = 0 }')
for p in $PROBES; do
	COMMANDS+=("probe $p --timeout 4 --registry {R} -v"
		   "probe $p --timeout 4 --registry {R} --format json -v")
done
CMDS=$("$FIXKB" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]+ / { print $1 } on && /^$/ { on = 0 }')
for c in $CMDS; do
	COMMANDS+=("$c --help")
done
ok "found the probes to sweep: $(echo $PROBES)" test -n "$PROBES"
ok "found the commands to sweep: $(echo $CMDS)" test -n "$CMDS"

R=127.0.0.1:5999        # nothing listens there: network probes fail fast, locally
R2=localhost:5998
R3=127.0.0.2:5999
R4=127.0.0.3:5999
CFG="$DOCKER_CONFIG/config.json"
CTX="$TEST_DIR/ctx"
LOG="$TEST_DIR/build.log"
BIN="$TEST_DIR/bin"
STDIN="$TEST_DIR/stdin"
export TMPDIR="$TEST_DIR/tmp"      # any temporary file fixkb makes lands in the sweep
mkdir -p "$CTX" "$BIN" "$TMPDIR" "$HOME/.config/containers" "$XDG_RUNTIME_DIR/containers"
export PATH="$BIN:$PATH"
export CANARY_USER=alice CANARY_PASS="$CANARY"
printf '%s\n' "$CANARY" > "$STDIN"
ID=$("$FIXKB" kb list --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); e=d.get("entries", d) if isinstance(d, dict) else d; print(e[0]["id"])' 2>/dev/null)
[ -n "$ID" ] || ID=credentials/helper-missing
b64() { printf '%s' "$1" | base64 -w0; }
up() { canary_userpass_b64 "$1"; }
jwt_with_canary() {   # a JWT whose payload and signature hold the canary
	local h p
	h=$(printf '{"alg":"RS256","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
	p=$(printf '{"sub":"alice","pw":"%s","access":[]}' "$CANARY" | base64 -w0 | tr '+/' '-_' | tr -d '=')
	printf '%s.%s.%s' "$h" "$p" "$(printf 'sig%s' "$CANARY" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
}
helper() {   # helper NAME SCRIPT-BODY
	printf '#!/bin/sh\n%s\n' "$2" > "$BIN/docker-credential-$1"
	chmod +x "$BIN/docker-credential-$1"
}

# The build context: a Dockerfile naming the loopback registries, a
# .dockerignore-less context holding a config.json with the canary (what
# audit looks for).
printf 'FROM %s/owner/base:1\nFROM %s/x/y\n' "$R" "$R2" > "$CTX/Dockerfile"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$R" "$(up alice)" > "$CTX/config.json"

# A build log naming only loopback registries, with the canary in every
# form a log line can carry it.
cat > "$LOG" <<EOF
#5 [internal] load metadata for $R/owner/base:1
#5 ERROR: failed to fetch oauth token: unexpected status from GET request to https://$R/token?scope=repository%3Aowner%2Fbase%3Apull&service=$R: 401 Unauthorized
ERROR: failed to solve: $R/owner/base:1: failed to resolve source metadata for $R/owner/base:1: failed to authorize: failed to fetch oauth token: unexpected status from POST request to https://alice:$CANARY@$R/token: 401 Unauthorized
+ echo $CANARY | docker login $R -u alice --password-stdin
+ docker login -u alice -p $CANARY $R
+ docker login --password=$CANARY $R2
> GET /token?access_token=$CANARY&password=$CANARY HTTP/1.1
> Authorization: Basic $(up alice)
> Authorization: Bearer $(jwt_with_canary)
{"auths":{"$R":{"auth":"$(up alice)","password":"$CANARY","identitytoken":"$CANARY"}}}
Error response from daemon: Get "https://$R2/v2/": unauthorized: incorrect username or password
error getting credentials - err: exit status 1, out: \`{"ServerURL":"$R","Username":"bob","Secret":"$CANARY"}\`
pull access denied for $R/owner/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied
EOF

# sweep NAME: every command line, in the current world.
sweep() {
	local name=$1 line cmd bad="" n=0 rc
	for line in "${COMMANDS[@]}"; do
		cmd=${line//\{R\}/$R}
		cmd=${cmd//\{LOG\}/$LOG}
		cmd=${cmd//\{CTX\}/$CTX}
		cmd=${cmd//\{ID\}/$ID}
		if [[ $cmd == *"{STDIN}"* ]]; then
			cmd=${cmd//\{STDIN\}/}
			# shellcheck disable=SC2086
			RUN_STDIN="$STDIN" eval run_fixkb $cmd
		else
			# shellcheck disable=SC2086
			eval run_fixkb $cmd
		fi
		rc=$RUN_RC
		n=$((n + 1))
		[ "$rc" -le 2 ] || bad="$bad [$cmd: exit $rc]"
	done
	ok "$name: $n command lines ran, each exited 0, 1 or 2$bad" test -z "$bad"
}

# world NAME: resets everything a previous world planted.
reset_world() {
	rm -f "$CFG" "$HOME/.dockercfg" "$XDG_RUNTIME_DIR/containers/auth.json" \
		"$HOME/.config/containers/auth.json" "$TEST_DIR"/dac*.json
	rm -f "$BIN"/docker-credential-*
	unset DOCKER_AUTH_CONFIG REGISTRY_AUTH_FILE GITHUB_ACTIONS GITHUB_TOKEN GITHUB_ACTOR \
		GITLAB_CI CI_REGISTRY CI_REGISTRY_USER CI_REGISTRY_PASSWORD CI_JOB_TOKEN
}

# Every file fixkb may not touch: the planted credential stores must come
# out byte for byte as they went in (probes never change the machine).
snapshot() { find "$TEST_DIR" -path "$OUT_DIR" -prune -o -type f -print0 | sort -z | xargs -0 sha256sum 2>/dev/null; }
stamp="$TEST_DIR/stamp"
check_untouched() {   # check_untouched NAME BEFORE-SNAPSHOT
	local after
	after=$(snapshot)
	if [ "$2" = "$after" ]; then tap_ok 0 "$1: no file was changed or created"
	else
		tap_ok 1 "$1: no file was changed or created"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$after") | sed 's/^/#   /' | head -20
		# whatever fixkb wrote goes into the canary sweep too
		for f in $(diff <(printf '%s\n' "$2") <(printf '%s\n' "$after") | sed -n 's/^> [0-9a-f]*  //p'); do
			watch_file "$f"
		done
	fi
}
world() {   # world NAME: sweep the current world and check nothing was written
	local before
	before=$(snapshot)
	sweep "$1"
	check_untouched "$1" "$before"
	reset_world
}

# ---- 1. docker config.json, containers auth files, ~/.dockercfg
reset_world
cat > "$CFG" <<EOF
{"auths":{
  "$R":{"auth":"$(up alice)"},
  "$R2":{"username":"bob","password":"$CANARY"},
  "$R3":{"identitytoken":"$CANARY"},
  "$R4":{"auth":"$(up reader)","registrytoken":"$CANARY"},
  "https://$R/v1/":{"auth":"$(b64 "$CANARY:$CANARY")"}
}}
EOF
printf '{"auths":{"%s":{"auth":"%s"},"%s":{"identitytoken":"%s"},"%s":{"auth":"%s"}}}\n' \
	"$R" "$(up ci-user)" "$R2" "$CANARY" "$R3/ns/repo" "$(b64 "nocolon$CANARY")" \
	> "$XDG_RUNTIME_DIR/containers/auth.json"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$R4" "$(up x)" > "$HOME/.config/containers/auth.json"
printf '{"%s":{"auth":"%s","email":"a@b.c"}}\n' "$R" "$(up user)" > "$HOME/.dockercfg"
world "config files"

# ---- 2. credential helpers holding the canary
reset_world
helper canary "cat >/dev/null; echo '{\"ServerURL\":\"$R\",\"Username\":\"bob\",\"Secret\":\"$CANARY\"}'"
helper canarytok "cat >/dev/null; echo '{\"ServerURL\":\"$R2\",\"Username\":\"<token>\",\"Secret\":\"$CANARY\"}'"
helper echoes "k=\$(cat); echo '{\"ServerURL\":\"'\$k'\",\"Username\":\"bob\",\"Secret\":\"$CANARY\"}'; echo 'Secret: $CANARY' >&2; exit 1"
helper rawsecret "cat >/dev/null; echo '$CANARY'"
helper arr "cat >/dev/null; echo '[\"$CANARY\"]'"
helper bigname "cat >/dev/null; printf '{\"Username\":\"%0300d\",\"Secret\":\"%s\"}' 0 '$CANARY'"
cat > "$CFG" <<EOF
{"auths":{"$R":{"auth":"$(up alice)"},"$R2":{},"$R3":{}},"credsStore":"canary",
 "credHelpers":{"$R2":"canarytok","$R3":"echoes","$R4":"rawsecret","localhost:5997":"arr","127.0.0.4:5999":"bigname"}}
EOF
world "credential helpers"

# ---- 2a. failing helpers that echo the password in their error output
# (stdout, where helpers put errors, and stderr): once where fixkb knows
# the secret (config.json's auths holds it, under the helper), once where
# it cannot know it (nothing stored anywhere), in several shapes.
reset_world
helper leakpw "cat >/dev/null; echo \"login failed for alice: password $CANARY rejected\"; echo \"debug: retry with $CANARY\" >&2; exit 1"
cat > "$CFG" <<EOF
{"auths":{"$R":{"auth":"$(up alice)"},"$R2":{"username":"bob","password":"$CANARY"}},"credsStore":"leakpw"}
EOF
world "failing helper echoing a stored password"
reset_world
helper leakunknown "cat >/dev/null; echo \"auth error: token=$CANARY; user bob pass $CANARY; Authorization: Basic $(up bob)\"; printf '%s\\n' '$CANARY' >&2; exit 3"
helper leaksig "cat >/dev/null; echo \"fatal: bad password $CANARY\"; kill -9 \$\$"
printf '{"auths":{"%s":{},"%s":{}},"credsStore":"leakunknown","credHelpers":{"%s":"leaksig"}}\n' "$R" "$R2" "$R2" > "$CFG"
world "failing helpers echoing a password fixkb cannot know"

# ---- 2b. the canary in a real Secret Service (gnome-keyring) and a real
# pass store, put there by Debian's own helpers
# (docker-credential-secretservice, docker-credential-pass), read by
# credsStore / credHelpers and by the keyring probe.
KP="$SRCDIR/tests/rig/keyring-pass.sh"
kp_missing=""
for b in docker-credential-secretservice docker-credential-pass dbus-daemon \
	 gnome-keyring-daemon pass gpg; do
	command -v "$b" >/dev/null 2>&1 || kp_missing="$kp_missing $b"
done
if [ -n "$kp_missing" ]; then
	[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! missing:$kp_missing (FIXKB_REQUIRE_RIG is set)"; exit 1; }
	tap_skip "keyring and pass stores: missing$kp_missing"
else
	reset_world
	KP_DIR=$(mktemp -d /tmp/rig.XXXX)
	trap '"$KP" down "$KP_DIR" >/dev/null 2>&1; rm -rf "$KP_DIR"' EXIT
	if ! "$KP" up "$KP_DIR" all >"$TEST_DIR/kp.log" 2>&1; then
		echo "Bail out! keyring-pass.sh up failed"; sed 's/^/# /' "$TEST_DIR/kp.log"; exit 1
	fi
	( unset DBUS_SESSION_BUS_ADDRESS GNUPGHOME PASSWORD_STORE_DIR; . "$KP_DIR/env"
	  printf '{"ServerURL":"%s","Username":"alice","Secret":"%s"}' "$R" "$CANARY" |
		docker-credential-secretservice store &&
	  printf '{"ServerURL":"%s","Username":"<token>","Secret":"%s"}' "$R2" "$CANARY" |
		docker-credential-pass store ) >"$TEST_DIR/store.out" 2>&1
	is "$?" 0 "keyring and pass: the real helpers stored the canary"
	saved_env=$(export -p | grep -E ' (DBUS_SESSION_BUS_ADDRESS|GNUPGHOME|PASSWORD_STORE_DIR)=' || true)
	. "$KP_DIR/env"
	printf '{"auths":{"%s":{},"%s":{}},"credsStore":"secretservice","credHelpers":{"%s":"pass"}}\n' \
		"$R" "$R2" "$R2" > "$CFG"
	run_fixkb probe cred_helper --registry "$R" --format json
	is "$(json_get "$RUN_OUT" probes.0.code)" credential_found "keyring and pass: the keyring entry is found (the world is real)"
	run_fixkb probe cred_helper --registry "$R2" --format json
	is "$(json_get "$RUN_OUT" probes.0.code)" credential_found "keyring and pass: the pass entry is found"
	world "keyring and pass stores"
	"$KP" down "$KP_DIR" >/dev/null 2>&1; rm -rf "$KP_DIR"; trap - EXIT
	unset DBUS_SESSION_BUS_ADDRESS GNUPGHOME PASSWORD_STORE_DIR
	eval "$saved_env"
fi

# ---- 3. DOCKER_AUTH_CONFIG in each form
for form in raw base64 file gitlab gitlab-file malformed malformed-b64; do
	reset_world
	echo '{}' > "$CFG"
	good="{\"auths\":{\"$R\":{\"auth\":\"$(up ci-user)\"}}}"
	gitlab="{\"auths\":{\"$R\":{\"username\":\"gitlab-ci-token\",\"password\":\"$CANARY\"},\"$R2\":{\"identitytoken\":\"$CANARY\"}},\"credHelpers\":{\"$R3\":\"nothere\"}}"
	case $form in
	raw) export DOCKER_AUTH_CONFIG="$good" ;;
	base64) export DOCKER_AUTH_CONFIG="$(b64 "$good")" ;;
	file) printf '%s' "$good" > "$TEST_DIR/dac.json"; export DOCKER_AUTH_CONFIG="$TEST_DIR/dac.json" ;;
	gitlab) export DOCKER_AUTH_CONFIG="$gitlab" ;;
	gitlab-file) printf '%s' "$gitlab" > "$TEST_DIR/dac.json"; export DOCKER_AUTH_CONFIG="$TEST_DIR/dac.json" ;;
	malformed) export DOCKER_AUTH_CONFIG="{\"auths\":{\"$R\":{\"auth\":\"$(up ci-user)\" $CANARY}}}" ;;
	malformed-b64) export DOCKER_AUTH_CONFIG="$(b64 "{\"auths\":{\"$R\":{\"password\":$CANARY}}}")" ;;
	esac
	world "DOCKER_AUTH_CONFIG $form"
done

# ---- 4. malformed files with the canary where a parser error quotes text
# (jansson adds "near '<token>'" to its messages)
BAD_JSON=(
	"{\"auths\":{\"$R\":{\"password\":$CANARY}}}"
	"{\"auths\":{\"$R\":{\"password\":\"$CANARY"
	"{\"auths\":{\"$R\":{\"password\":\"$CANARY\"}}}$CANARY"
	"{\"auths\":{\"$R\":{\"password\":\"$CANARY$(printf '\001')x\"}}}"
	"{\"auths\":{\"$R\":{\"password\":\"$CANARY\\q\"}}}"
	"{\"auths\":{\"$R\":{\"password\":\"$CANARY$(printf '\377')\"}}}"
	"{\"auths\":{\"$R\":{\"auth\":\"$(up alice)!\"}}}"
	"{\"auths\":{\"$R\":{\"auth\":\"$(b64 "$CANARY")\"}}}"
	"{\"auths\":{\"$R\":{\"auth\":[\"$(up alice)\"]}}}"
	"{\"auths\":{\"$R\":{\"password\":\"$CANARY\",,}}}"
	"{\"$CANARY\":1,}"
	"$CANARY"
)
i=0
for bad in "${BAD_JSON[@]}"; do
	i=$((i + 1))
	reset_world
	printf '%s' "$bad" > "$CFG"
	printf '%s' "$bad" > "$XDG_RUNTIME_DIR/containers/auth.json"
	printf '%s' "$bad" > "$HOME/.dockercfg"
	export DOCKER_AUTH_CONFIG="$bad"
	before=$(snapshot)
	for cmd in "probe config_auth --registry $R --format json -v" \
		   "probe config_auth --registry $R -v" \
		   "probe docker_auth_config --registry $R --format json -v" \
		   "probe cred_helper --registry $R --format json -v" \
		   "doctor --offline --format json -v" \
		   "doctor --offline -v" \
		   "doctor --offline --format sarif" \
		   "doctor --offline --format github"; do
		# shellcheck disable=SC2086
		run_fixkb $cmd
	done
	check_untouched "malformed file $i" "$before"
	ok "malformed file $i: fixkb says the file is malformed" \
		sh -c "grep -qE 'config_malformed|malformed|cannot be parsed|invalid' '$OUT_DIR/$((RUN_N - 7)).out'"
done
reset_world

# ---- 5. CI variables holding the canary (GitHub Actions, GitLab CI)
reset_world
echo '{}' > "$CFG"
export GITHUB_ACTIONS=true GITHUB_ACTOR=octocat GITHUB_TOKEN="$CANARY"
export GITLAB_CI=true CI_REGISTRY="$R" CI_REGISTRY_USER=gitlab-ci-token \
	CI_REGISTRY_PASSWORD="$CANARY" CI_JOB_TOKEN="$CANARY"
before=$(snapshot)
sweep "CI variables"
check_untouched "CI variables" "$before"
reset_world

# ---- 6. a token endpoint that answers with a registry token in a body
# fixkb cannot parse (truncated JSON, text): the token is a secret too.
# A loopback server of our own, over plain http (allowed to loopback).
# The token is a second canary, checked on its own line so that the known
# gap (TODO) does not hide a regression of the checks above.
TOKCANARY="tkC4n4ry$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')Qz"
cat > "$TEST_DIR/tokensrv.py" <<'PY'
import http.server, sys
tok = sys.argv[2]
bodies = {
    "truncated": '{"token":"%s' % tok,
    "trailing": '{"token":"%s"} {"x":1}' % tok,
    "text": 'token=%s&expires_in=60' % tok,
    "html": '<html><body>your token: %s</body></html>' % tok,
    "badtime": '{"token":"%s","issued_at":"yesterday"}' % tok,
    "good": '{"token":"%s","access_token":"%s","expires_in":60}' % (tok, tok),
}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_HEAD(self): self.do_GET()
    def do_POST(self): self.do_GET()
    def do_GET(self):
        parts = self.path.split("/")
        if self.path.startswith("/token/"):
            b = bodies.get(parts[2].split("?")[0], "{}").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(b)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(b)
            return
        v = parts[2] if len(parts) > 2 else "good"
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Bearer realm="http://127.0.0.1:%s/token/%s",'
                         'service="fixkb-test",scope="repository:%s/img:pull"' % (sys.argv[1], v, v))
        self.send_header("Content-Length", "0")
        self.end_headers()
s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
print("ready", flush=True)
s.serve_forever()
PY
TPORT=""
for try in 1 2 3 4 5; do
	p=$((20000 + RANDOM % 20000))
	python3 "$TEST_DIR/tokensrv.py" "$p" "$TOKCANARY" > "$TEST_DIR/tokensrv.out" 2>&1 &
	TPID=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		grep -q ready "$TEST_DIR/tokensrv.out" 2>/dev/null && break
		sleep 0.2
	done
	if grep -q ready "$TEST_DIR/tokensrv.out"; then TPORT=$p; break; fi
	kill "$TPID" 2>/dev/null
done
ok "a loopback token endpoint of our own is up" test -n "$TPORT"
if [ -n "$TPORT" ]; then
	reset_world
	TR="127.0.0.1:$TPORT"
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$TR" "$(up alice)" > "$CFG"
	tok_first=$((RUN_N + 1))
	for v in truncated trailing text html badtime good; do
		for cmd in "probe token_endpoint --timeout 5 --registry $TR --image $TR/$v/img:latest --format json -v" \
			   "probe token_endpoint --timeout 5 --registry $TR --image $TR/$v/img:latest -v" \
			   "doctor --timeout 5 --image $TR/$v/img:latest --format json -v"; do
			# shellcheck disable=SC2086
			run_fixkb $cmd
		done
	done
	kill "$TPID" 2>/dev/null
	wait "$TPID" 2>/dev/null
	like "$(cat "$OUT_DIR/$tok_first.out")" '"token_endpoint"' "the token endpoint probe ran against it"
	leaked=""
	for i in $(seq "$tok_first" "$RUN_N"); do
		for f in "$OUT_DIR/$i.out" "$OUT_DIR/$i.err"; do
			grep -qF "$TOKCANARY" "$f" && leaked="$leaked $(basename "$f"):$(cat "$OUT_DIR/$i.cmd" | cut -d' ' -f1-8)"
		done
	done
	TAP_N=$((TAP_N + 1))
	if [ -z "$leaked" ]; then echo "ok $TAP_N - no registry token from an unparsable token response in any output"
	else
		echo "not ok $TAP_N - no registry token from an unparsable token response in any output"
		echo "#   in:$leaked" | cut -c1-400
	fi
	reset_world
fi

# ---- 7. fix --apply: what fix writes besides the credential store (its
# lock files, the backup manifests, "last", outcomes.jsonl) and everything
# it prints, with the canary in the store it changes and on its stdin.
reset_world
export XDG_STATE_HOME="$TEST_DIR/state"
cat > "$CFG" <<EOF
{"auths":{"$R":{"auth":"$(up alice)"},"$R2":{"username":"bob","password":"$CANARY"},
 "$R3":{"identitytoken":"$CANARY"}},"credsStore":"nothere","psFormat":"table {{.ID}}"}
EOF
before=$(snapshot)
run_fixkb fix --offline --registry "$R" --apply --format json -v
like "$RUN_OUT" '"action": "drop_missing_creds_store"' "fix --apply: the plan drops the missing credsStore"
is "$(json_get "$RUN_OUT" result.applied)" true "and applied it"
run_fixkb fix --offline --registry "$R" --apply -v
RUN_STDIN="$STDIN" run_fixkb fix --registry "$R" --username alice --password-stdin --apply --timeout 4 -v
is "$RUN_RC" 1 "a canary credential from stdin that cannot be verified: exit 1"
run_fixkb fix --undo -v
run_fixkb fix --undo --format json
run_fixkb kb stats
run_fixkb kb stats --format json
after=$(snapshot)
n=0
for f in $(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed -n 's/^> [0-9a-f]*  //p'); do
	case $f in
	"$CFG"|"$XDG_STATE_HOME"/fixkb/backups/*/[0-9]*-config.json) ;;   # the store, and its backups
	*) watch_file "$f"; n=$((n + 1)) ;;
	esac
done
ok "fix wrote files besides the store (swept: $n)" test "$n" -ge 4
ok "among them outcomes.jsonl" test -s "$XDG_STATE_HOME/fixkb/outcomes.jsonl"
unset XDG_STATE_HOME
reset_world

done_testing
