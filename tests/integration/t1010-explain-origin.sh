#!/usr/bin/env bash
# t1010 — explain says where its evidence comes from, and does not mix this
# machine's probes into a log that came from a CI runner (issue 10,
# problem 7). This machine is made to look broken (credsStore "desktop",
# whose helper is not installed); a GitHub Actions log and a GitLab log of
# a failed pull must not be explained by it unless --probe-here asks. The
# logs are shaped as the runners write them (tests/explain/ci-*).
. "$TEST_LIB"

cfg="$DOCKER_CONFIG/config.json"
printf '{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}\n' > "$cfg"
gh="$SRCDIR/tests/explain/ci-github-actions-1/log.txt"
gl="$SRCDIR/tests/explain/ci-gitlab-1/log.txt"
plain="$SRCDIR/tests/explain/ci-none-1/log.txt"
host=$(hostname)
probes() { printf '%s' "$RUN_OUT" | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["probes"]))'; }

echo "# --- a GitHub Actions log: this machine is not probed"
run_fixkb explain --format json "$gh"
is "$RUN_RC" 1 "a known failure: exit 1"
is "$(probes)" "" "no probe ran on this machine"
is "$(json_get "$RUN_OUT" evidence_origin.log_from)" github_actions "the log comes from GitHub Actions"
like "$(json_get "$RUN_OUT" evidence_origin.marker)" "GitHub Actions runner's timestamp: 2024-03-20T10:00:00.1234567Z" "how fixkb knows"
is "$(json_get "$RUN_OUT" evidence_origin.probed)" nothing "evidence: nothing probed"
unlike "$RUN_OUT" 'helper_missing|docker-credential-desktop' "this machine's missing helper is not the reason given"
gh_verdict=$(printf '%s' "$RUN_OUT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    for w in f["workarounds"]:
        if w["id"] == "github-actions-token":
            print(w["verdict"]); sys.exit(0)')
is "$gh_verdict" indicated "the advice fits the runner: GITHUB_TOKEN in GitHub Actions is indicated by the log's origin"
run_fixkb explain "$gh"
like "$RUN_OUT" "^evidence: the log comes from a GitHub Actions runner \\(line 2, a GitHub Actions runner's timestamp: 2024-03-20T10:00:00\\.1234567Z\\); the log alone: this machine \\($host\\) is not where the build ran, so it was not probed \\(--probe-here probes it anyway\\)\$" \
	"text: the evidence line names the runner, this machine and --probe-here"

echo "# --- --probe-here: probed here, and said so"
run_fixkb explain --probe-here --format json "$gh"
like "$(probes)" 'cred_helper' "the probes ran on this machine"
is "$(json_get "$RUN_OUT" evidence_origin.probed)" this_machine "evidence: this machine"
is "$(json_get "$RUN_OUT" evidence_origin.probe_here)" true "as asked"
run_fixkb explain --probe-here "$gh"
like "$RUN_OUT" "^evidence: the log comes from a GitHub Actions runner .*; the probes ran here on $host, as --probe-here asked: they show this machine, not the runner\$" \
	"text: says the probes show this machine, not the runner"

echo "# --- a GitLab runner's log"
run_fixkb explain --format json "$gl"
is "$(probes)" "" "GitLab log: no probe ran here"
is "$(json_get "$RUN_OUT" evidence_origin.log_from)" gitlab_ci "the log comes from GitLab CI"
run_fixkb explain --format json "$SRCDIR/tests/explain/ci-gitlab-banner-1/log.txt"
is "$(json_get "$RUN_OUT" evidence_origin.marker)" "the runner's banner: Running with gitlab-runner 16.6.1" "known by its banner when lines carry no timestamp"

echo "# --- a log with no CI marker is taken to be from here: probed, and said so"
run_fixkb explain --format json "$plain"
like "$(probes)" 'cred_helper' "probes ran"
is "$(json_get "$RUN_OUT" evidence_origin.log_from)" None "no CI origin (null)"
run_fixkb explain "$plain"
like "$RUN_OUT" "^evidence: the log and probes run here on $host" "text: says the evidence is this machine's"

echo "# --- documented"
run_fixkb explain --help
like "$RUN_OUT" '--probe-here' "explain --help documents --probe-here"
like "$(cat "$SRCDIR/README.md")" '--probe-here' "the README documents it"

done_testing
