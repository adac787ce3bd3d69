#!/usr/bin/env bash
# t3010 — failures classified by what happened, against the real rig
# (issue 10, problem 5): an issuer that answers after the run's deadline
# is a timeout (with the deadline and how to raise --timeout), not
# network_unreachable; a closed port is unreachable; and the diagnostic
# commands fixkb prints use the scheme the registry really speaks (plain
# http for the rig's loopback plain-http registry): each printed curl is
# run here, copied as printed, and must reach the registry. Proxy variables
# do not apply to a loopback registry, for fixkb as for skopeo.
. "$TEST_LIB"

rig_start
export PASSWORD_STORE_DIR="$TEST_DIR/password-store-none"
export FIXKB_DAEMON_JSON="$TEST_DIR/daemon.json"
T=$RIG_TOKEN_REGISTRY REPO=$RIG_REPO TAG=$RIG_TAG
ctl() { curl --noproxy '*' -s -o /dev/null -X POST -d "$2" "$1"; }
ctl "$RIG_ISSUER_CTL/reset" '{}'
b64() { printf '%s' "$1" | base64 -w0; }
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$T" "$(b64 "$RIG_USER:$RIG_PASS")" > "$DOCKER_CONFIG/config.json"
te() { record_field token_endpoint "$1"; }
# reaches_registry CMDS: the first printed command, run as printed, gets
# the registry's answer (a 401 to GET /v2/)
reaches_registry() {
	local first got
	first=$(printf '%s\n' "$1" | head -1)
	if [ -z "$first" ]; then
		tap_ok 1 "the printed command, run as printed, reaches the registry (none printed)"
		return
	fi
	got=$(timeout 20 bash -c "$first" 2>&1 | head -1)
	like "$got" '^HTTP/1\.1 401' "the printed command, run as printed, reaches the registry ($first)"
}

echo "# --- the issuer answers after 15 s; the run's deadline is 2 s"
ctl "$RIG_ISSUER_CTL" '{"delay_ms":15000}'
t0=$(date +%s%N)
run_fixkb doctor --timeout 2 --format json --image "$T/$REPO:$TAG"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
tap_ok $(( ms > 6000 )) "doctor stops at the deadline (${ms} ms)"
is "$RUN_RC" 1 "a probe that could not tell: exit 1"
is "$(te status)" error "token_endpoint: error (fixkb could not tell), not fail"
is "$(te code)" timeout "code: timeout"
unlike "$RUN_OUT" 'network_unreachable' "never called network_unreachable"
like "$(te detail)" 'the token endpoint did not answer POST http://127\.0\.0\.1:[0-9]+/token' "names the token endpoint that was slow"
like "$(te detail)" 'accepted the connection, but no answer came before the run.s deadline: it is slow, not unreachable' \
	"says it is slow, not unreachable"
like "$(te detail)" 'the run.s --timeout of 2 s: raise it \(e\.g\. --timeout 60\)' "names the deadline and how to raise it"
is "$(te evidence.flow.outcome)" timeout "flow outcome: timeout"
like "$(te evidence.flow.steps)" '"error_class": "timeout", "error": "[^"]*", "connected": true' "the step records the connection was made"
causes=$(printf '%s' "$RUN_OUT" | python3 -c 'import json,sys; print(" ".join(f["cause"] for f in json.load(sys.stdin)["findings"]))')
is "$causes" plaintext_credentials "no finding but the plaintext warning: nothing suggests checking DNS or the port"
run_fixkb doctor --timeout 2 --image "$T/$REPO:$TAG"
like "$RUN_OUT" 'timeout: the token endpoint did not answer' "text: the verdict"
unlike "$RUN_OUT" 'cause: the registry cannot be reached' "text: not headed as unreachable"

echo "# --- the same issuer answering after 1.5 s, with --timeout 8: the token flow completes"
ctl "$RIG_ISSUER_CTL" '{"delay_ms":1500}'
run_fixkb doctor --timeout 8 --format json --image "$T/$REPO:$TAG"
is "$(te code)" token_ok "raising --timeout lets a slow issuer answer: token_ok"
ctl "$RIG_ISSUER_CTL/reset" '{}'

echo "# --- a closed port is unreachable"
run_fixkb doctor --format json --image "127.0.0.1:1/$REPO:$TAG"
is "$(te code)" network_unreachable "closed port: network_unreachable"

echo "# --- proxies in the environment: a loopback registry is never proxied (Go's ProxyFromEnvironment)"
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for v in http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy; do export "$v=http://127.0.0.1:$dead"; done
run_fixkb doctor --format json --image "$T/$REPO:$TAG"
is "$(te code)" token_ok "a proxy nobody listens on in every proxy variable: the loopback registry is still reached"
sk=$(timeout 60 skopeo inspect --tls-verify=false --authfile "$DOCKER_CONFIG/config.json" \
	"docker://$T/$REPO:$TAG" </dev/null 2>&1 | head -c 300)
like "$sk" '"Digest"' "skopeo, with the same environment, reaches it too"
ctl "$RIG_ISSUER_CTL" '{"status_5xx":503}'
run_fixkb -v doctor --image "$T/$REPO:$TAG"
cmds=$(printed_commands "$RUN_OUT" | grep '^curl ' || true)
like "$cmds" "^curl --noproxy '\*' -si http://$T/v2/\$" "the printed curl bypasses the proxies, as docker does for loopback"
reaches_registry "$cmds"
ctl "$RIG_ISSUER_CTL/reset" '{}'
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

echo "# --- the token service fails (503) on the plain-http registry: the printed curl uses http"
ctl "$RIG_ISSUER_CTL" '{"status_5xx":503}'
run_fixkb -v doctor --image "$T/$REPO:$TAG"
is "$RUN_RC" 1 "outage: exit 1"
like "$RUN_OUT" 'cause: the registry or its token service failed' "the outage finding"
cmds=$(printed_commands "$RUN_OUT" | grep '^curl ' || true)
like "$cmds" "^curl -si http://$T/v2/\$" "the diagnostic curl uses http://, as the registry speaks"
unlike "$cmds" 'https://' "no https:// for a plain-http registry"
reaches_registry "$cmds"
ctl "$RIG_ISSUER_CTL/reset" '{}'

echo "# --- explain: a log naming the registry over http; the suggested curl follows it"
printf 'ERROR: Get "http://%s/v2/": context deadline exceeded\n' "$T" > "$TEST_DIR/slow.log"
run_fixkb -v explain --offline "$TEST_DIR/slow.log"
cmds=$(printed_commands "$RUN_OUT" | grep '^curl ' || true)
like "$cmds" "^curl -sI http://$T/v2/\$" "--offline: the scheme of the URL in the log line"
run_fixkb -v explain "$TEST_DIR/slow.log"
cmds=$(printed_commands "$RUN_OUT" | grep '^curl ' || true)
like "$cmds" "^curl -sI http://$T/v2/\$" "with probes: the scheme the registry answered on"
reaches_registry "$cmds"

watch_file "$RIG_TOKEN_LOG"
done_testing
