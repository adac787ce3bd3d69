#!/bin/bash
# t2200 — containers/image, cross-checked with the real skopeo on the same
# files. Every scenario puts a different user in each file (alice is the
# rig's good account; bob and carol get "incorrect username or password"
# from the token issuer), then compares:
#  - config_auth's "containers/image" consumer (skopeo's reading) with the
#    user the token issuer saw from `skopeo inspect`, and skopeo's result;
#  - its "podman/buildah" consumer (the authfile default of podman, buildah
#    and `skopeo login`: $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG's
#    config.json) with `skopeo login --get-login`.
# skopeo's own version decides the c/image rules fixkb applies here (a
# given authfile alone only from c/image 5.24 / skopeo 1.11), so the
# expectations are skopeo's answers, never hard-coded.
. "$TEST_LIB"
rig_start
R=$RIG_TOKEN_REGISTRY
BIN="$TEST_DIR/bin"
mkdir -p "$BIN" "$TEST_DIR/run/containers" "$HOME/.config/containers"
export PATH="$BIN:$PATH"
RUNF="$XDG_RUNTIME_DIR/containers/auth.json"
CFGF="$HOME/.config/containers/auth.json"
DCF="$DOCKER_CONFIG/config.json"
b64() { printf '%s' "$1" | base64 -w0; }
entry() {   # entry USER: an auths file for the token registry
	case $1 in alice) pw=$RIG_PASS ;; *) pw=wrong-$1 ;; esac
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$R" "$(b64 "$1:$pw")"
}
# a credential helper (a real executable speaking the helper protocol)
cat > "$BIN/docker-credential-fixkbtest" <<EOF
#!/bin/sh
cat >/dev/null
echo '{"ServerURL":"$R","Username":"alice","Secret":"$RIG_PASS"}'
EOF
chmod +x "$BIN/docker-credential-fixkbtest"
ok "the test helper answers" sh -c "echo $R | docker-credential-fixkbtest | grep -q alice"
clean() {
	rm -f "$RUNF" "$CFGF" "$DCF" "$HOME/.dockercfg" "$TEST_DIR/raf.json" \
		"$HOME/.config/containers/registries.conf"
	unset REGISTRY_AUTH_FILE
	export DOCKER_CONFIG="$HOME/.docker" XDG_RUNTIME_DIR="$TEST_DIR/run"
}

# what skopeo did: "USER ok|fail" (USER from the token issuer's log, or
# "none" when it sent no credential)
skopeo_inspect() {
	local before after line user
	before=$(wc -l < "$RIG_TOKEN_LOG")
	if skopeo inspect --tls-verify=false "docker://$R/$RIG_REPO:$RIG_TAG" >/dev/null 2>"$TEST_DIR/skopeo.err"
	then res=ok; else res=fail; fi
	after=$(wc -l < "$RIG_TOKEN_LOG")
	user=none
	if [ "$after" -gt "$before" ]; then
		line=$(sed -n "$((before + 1))p" "$RIG_TOKEN_LOG")
		user=$(printf '%s' "$line" | sed -n 's/.* user=\([^ ]*\).*/\1/p')
		[ -n "$user" ] || user=none
	fi
	echo "$user $res"
}
skopeo_login_user() {
	skopeo login --get-login --tls-verify=false "$R" 2>/dev/null || echo none
}
# fixkb's view: "USER FILE" of a consumer (helper: "helper:NAME")
fixkb_view() {
	run_fixkb probe config_auth --registry "$R" --format json
	printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
c = json.load(sys.stdin)["probes"][0]["evidence"]["consumers"][sys.argv[1]]
if c["source"] in ("credHelpers", "credential-helpers"):
    print("helper:" + c["helper"], c["file"])
elif c["source"] == "auths":
    print(c.get("username", "?"), c["file"])
else:
    print("none", "-")
' "$1"
}
# helper plans: the user the cred_helper probe got from the helper
helper_user() {
	run_fixkb probe cred_helper --registry "$R" --format json
	json_get "$RUN_OUT" probes.0.evidence.username
}

# check NAME: fixkb's two c/image consumers against skopeo
check() {
	local name=$1 sk fx fxu fxf lg pd pdu
	sk=$(skopeo_inspect)
	fx=$(fixkb_view containers/image)
	fxu=${fx%% *}; fxf=${fx#* }
	case $fxu in helper:*) fxu=$(helper_user) ;; esac
	is "$fxu" "${sk%% *}" "$name: skopeo inspect sent '${sk%% *}' (${sk#* }); fixkb's containers/image says '$fxu' from $fxf"
	lg=$(skopeo_login_user)
	pd=$(fixkb_view podman/buildah)
	pdu=${pd%% *}
	case $pdu in helper:*) pdu=$(helper_user) ;; esac
	is "$pdu" "$lg" "$name: skopeo login --get-login says '$lg'; fixkb's podman/buildah says '$pdu' from ${pd#* }"
	LAST_FILE=$fxf
}

SKV=$(skopeo --version)
echo "# $SKV"

# (a) the issue's first case: DOCKER_CONFIG set, a good auth.json in
# XDG_RUNTIME_DIR and another user in DOCKER_CONFIG's config.json
clean
entry alice > "$RUNF"
entry bob > "$DCF"
check "(a) DOCKER_CONFIG + good runtime auth.json"
is "$LAST_FILE" "$RUNF" "(a) fixkb: containers/image uses the runtime auth.json, as skopeo does"
is "$(skopeo_inspect)" "alice ok" "(a) skopeo succeeds with alice"

# (b) the issue's second case: a bad auth.json and a good docker config
clean
entry bob > "$RUNF"
entry alice > "$DCF"
check "(b) bad runtime auth.json, good DOCKER_CONFIG"
run_fixkb probe config_auth --registry "$R" --format json
is "$(json_get "$RUN_OUT" probes.0.code)" shadowed_credentials "(b) fixkb reports the problem for containers/image"
like "$(json_get "$RUN_OUT" probes.0.detail)" "containers/image \\(skopeo\\) sends 'bob'.*auth.json" "(b) detail: skopeo sends bob from auth.json"
run_fixkb doctor --registry "$R" --offline
like "$RUN_OUT" "shadowed_credentials|sends 'bob'" "(b) doctor --offline says so too"

# (c) REGISTRY_AUTH_FILE without the registry, XDG_CONFIG_HOME's file with it
clean
printf '{"auths":{}}\n' > "$TEST_DIR/raf.json"
export REGISTRY_AUTH_FILE="$TEST_DIR/raf.json"
entry alice > "$CFGF"
entry bob > "$RUNF"
check "(c) REGISTRY_AUTH_FILE without the registry ($SKV)"

# (d) DOCKER_CONFIG's config.json without the registry
clean
printf '{"auths":{}}\n' > "$DCF"
entry alice > "$CFGF"
entry bob > "$RUNF"
check "(d) DOCKER_CONFIG without the registry"

# (e) DOCKER_CONFIG unset: ~/.docker/config.json, after the auth.json files
clean
unset DOCKER_CONFIG
entry carol > "$HOME/.docker/config.json"
entry alice > "$CFGF"
check "(e) no DOCKER_CONFIG, XDG_CONFIG_HOME's auth.json before ~/.docker"
rm -f "$CFGF"
entry alice > "$HOME/.docker/config.json"
check "(e2) no DOCKER_CONFIG, only ~/.docker/config.json"
rm -f "$HOME/.docker/config.json"

# (f) the legacy ~/.dockercfg
clean
printf '{"%s":{"auth":"%s","email":"a@b.c"}}\n' "$R" "$(b64 "alice:$RIG_PASS")" > "$HOME/.dockercfg"
check "(f) legacy ~/.dockercfg"

# (g) XDG_RUNTIME_DIR names a directory that does not exist
clean
export XDG_RUNTIME_DIR="$TEST_DIR/no-such-run"
entry alice > "$CFGF"
check "(g) XDG_RUNTIME_DIR missing"
export XDG_RUNTIME_DIR="$TEST_DIR/run"

# (h) credHelpers in the runtime auth.json, another user in config.json
clean
printf '{"credHelpers":{"%s":"fixkbtest"}}\n' "$R" > "$RUNF"
entry bob > "$DCF"
check "(h) credHelpers in auth.json"

# (i) registries.conf credential-helpers: a helper before the auth files
clean
printf 'credential-helpers = ["fixkbtest", "containers-auth.json"]\n' > "$HOME/.config/containers/registries.conf"
entry bob > "$RUNF"
entry bob > "$DCF"
check "(i) registries.conf credential-helpers"
rm -f "$HOME/.config/containers/registries.conf"

# (j) a malformed runtime auth.json: skopeo fails, so does fixkb's verdict
clean
printf '{"auths":' > "$RUNF"
entry alice > "$DCF"
sk=$(skopeo_inspect)
is "${sk#* }" fail "(j) skopeo fails on a malformed auth.json"
like "$(cat "$TEST_DIR/skopeo.err")" "unmarshaling JSON" "(j) skopeo: unmarshaling JSON"
run_fixkb probe config_auth --registry "$R" --format json
is "$(json_get "$RUN_OUT" probes.0.status)/$(json_get "$RUN_OUT" probes.0.code)" fail/config_malformed \
	"(j) fixkb: config_malformed (containers/image fails there)"
lg=$(skopeo_login_user)
pd=$(fixkb_view podman/buildah)
is "${pd%% *}" "$lg" "(j) podman/buildah (DOCKER_CONFIG's config.json first) agree with skopeo login: '$lg'"

done_testing
