#!/bin/bash
# t4060 — a fleet: contrib/ansible/audit.yml run by Debian's ansible-core
# with `ansible-playbook -c local` against localhost (the host's report
# lands on the controller; the hosts get nothing written), then
# `fixkb audit --summarize` over several hosts' reports: the tables, the
# JSON, --fail-on, and refusing a directory with something that is not an
# audit report.
. "$TEST_LIB"
unset DOCKER_CONFIG
if ! command -v ansible-playbook >/dev/null 2>&1; then
	[ -z "${FIXKB_REQUIRE_RIG:-}" ] || { echo "Bail out! ansible-playbook is not installed (FIXKB_REQUIRE_RIG is set)"; exit 1; }
	skip_all "ansible-playbook (ansible-core) is not installed"
fi
b64() { printf '%s' "$1" | base64 -w0; }
PLAY="$SRCDIR/contrib/ansible/audit.yml"
R="$TEST_DIR/reports"
W="$TEST_DIR/work"
mkdir -p "$HOME/.docker" "$W/app/.docker"
printf '{"auths":{"ghcr.io":{"auth":"%s"}}}\n' "$(b64 "alice:$CANARY")" > "$HOME/.docker/config.json"
chmod 644 "$HOME/.docker/config.json"
printf 'FROM alpine\nCOPY . .\n' > "$W/app/Dockerfile"
printf '{"auths":{"registry.example.com":{"auth":"%s"}}}\n' "$(b64 "ci:$CANARY")" > "$W/app/.docker/config.json"

export ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP="$TEST_DIR/ansible-tmp" ANSIBLE_REMOTE_TEMP="$TEST_DIR/ansible-tmp" \
	ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_HOST_KEY_CHECKING=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
	ANSIBLE_DEPRECATION_WARNINGS=0
before=$(find "$W" "$HOME/.docker" -printf '%p %m %s %T@\n' | sort)
RUN_N=$((RUN_N + 1))
printf 'ansible-playbook -c local %s\n' "$PLAY" > "$OUT_DIR/$RUN_N.cmd"
t0=$(date +%s)
LC_ALL=C.UTF-8 LANG=C.UTF-8 timeout 300 ansible-playbook -c local -i 'localhost,' "$PLAY" \
	-e "{\"fixkb_bin\": \"$FIXKB\", \"fixkb_report_dir\": \"$R\", \"fixkb_chdir\": \"$W\", \"fixkb_timeout\": 30}" \
	</dev/null >"$OUT_DIR/$RUN_N.out" 2>"$OUT_DIR/$RUN_N.err"
rc=$?
echo "# measured: ansible-playbook ran in $(( $(date +%s) - t0 )) s"
is "$rc" 0 "ansible-playbook -c local: exit 0 (findings are data, not a failure)"
[ "$rc" = 0 ] || sed 's/^/#   /' "$OUT_DIR/$RUN_N.out" | tail -30
watch_file "$R"
ok "the report is on the controller: reports/localhost.json" test -s "$R/localhost.json"
is "$(stat -c %a "$R/localhost.json" 2>/dev/null)" 600 "written 0600"
REPORT=$(cat "$R/localhost.json" 2>/dev/null)
is "$(json_get "$REPORT" command)" audit "it is an audit report"
like "$(json_get "$REPORT" findings)" 'credential-in-build-context' "audited with the chosen working directory as context"
like "$(json_get "$REPORT" findings)" 'credential-file-permissions' "and the home's stores"
is "$(find "$W" "$HOME/.docker" -printf '%p %m %s %T@\n' | sort)" "$before" "nothing written on the host's audited files"
like "$(cat "$OUT_DIR/$RUN_N.out")" 'credential-file-permissions +critical +1 +1' "the play ends with the summary table"
unlike "$(cat "$PLAY")" 'ansible.builtin.(apt|package|pip|get_url|unarchive|copy:[^\n]*src)' "the playbook installs nothing"

# ---- --summarize over a fleet ----
python3 - "$R/localhost.json" "$R" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h2 = dict(d, host="build-02")
h2["findings"] = [f for f in d["findings"] if f["severity"] != "critical"]
json.dump(h2, open(sys.argv[2] + "/build-02.json", "w"))
h3 = dict(d, host="laptop-07", findings=[])
import os
os.makedirs(sys.argv[2] + "/sub", exist_ok=True)
json.dump(h3, open(sys.argv[2] + "/sub/laptop-07.json", "w"))
PY
run_fixkb audit --summarize "$R"
is "$RUN_RC" 1 "--summarize: a host at --fail-on low: exit 1"
like "$RUN_OUT" 'fixkb audit summary: 3 reports' "three reports (one in a subdirectory)"
like "$RUN_OUT" 'credential-in-build-context +critical +1 +1 ' "per rule: critical on one host"
like "$RUN_OUT" 'plaintext-credentials +high +2 +2 ' "per rule: plaintext on two hosts"
like "$RUN_OUT" 'laptop-07 +0 +0 +0 +0 +0\b' "per host: a clean host"
run_fixkb audit --summarize "$R" --format json
is "$(json_get "$RUN_OUT" reports)" 3 "json: 3 reports"
HOSTNAME_REPORTED=$(json_get "$REPORT" host)
is "$(json_get "$RUN_OUT" hosts | python3 -c 'import json,sys; print([(h["host"], h["critical"], h["failed"]) for h in json.load(sys.stdin)])')" \
	"$(python3 -c 'import sys; print(sorted([("build-02", 0, True), ("laptop-07", 0, False), (sys.argv[1], 2, True)]))' "$HOSTNAME_REPORTED")" \
	"json: per host ($HOSTNAME_REPORTED is this machine), sorted by name"
is "$(json_get "$RUN_OUT" rules.0.rule)" "credential-file-permissions" "json: rules most severe first"
run_fixkb audit --summarize "$R" --fail-on critical
is "$RUN_RC" 1 "--fail-on critical: localhost has critical findings"
rm "$R/localhost.json"
run_fixkb audit --summarize "$R" --fail-on critical
is "$RUN_RC" 0 "--fail-on critical without a critical host: exit 0"
printf '{"command":"doctor","findings":[]}' > "$R/stray.json"
run_fixkb audit --summarize "$R"
is "$RUN_RC" 2 "a JSON file that is no audit report: exit 2"
like "$RUN_ERR" "stray.json' is not a 'fixkb audit --format json' report" "names the file"
rm "$R/stray.json"
printf 'not json' > "$R/broken.json"
run_fixkb audit --summarize "$R"
is "$RUN_RC" 2 "a broken report: exit 2"
run_fixkb audit --summarize "$TEST_DIR/nonexistent"
is "$RUN_RC" 2 "a missing directory: exit 2"

done_testing
