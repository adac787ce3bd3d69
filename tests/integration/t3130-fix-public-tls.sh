#!/bin/bash
# t3130 — fix where the credential is not what to add:
#  - a stale credential sent for a public image (the issuer grants
#    anonymous pull): the build fails only because the credential is sent;
#    the plan logs it out (logout_registry), and then the anonymous pull
#    works, for fixkb's probe and for skopeo;
#  - a registry whose certificate does not verify: the plan needs the CA
#    (--cacert), which must make the certificate verify before anything is
#    written (a wrong one is refused), then installs it where docker
#    (certs.d), containers/image (certs.d) and BuildKit (buildkitd.toml)
#    read it; skopeo with that certs.d and curl with that CA then verify;
#  - a Docker Hub login stored under "docker.io", a key docker never reads
#    (it reads "https://index.docker.io/v1/" only): moved (offline), and
#    podman/skopeo, which read both, still find it.
. "$TEST_LIB"
. "$(dirname "$TEST_LIB")/fix-lib.sh"
pass_unused
issuer_reset() { curl -s -o /dev/null -X POST "$RIG_ISSUER_CTL/reset"; }
trap 'issuer_reset; [ -n "${OWN_RIG:-}" ] && "$RIG_SH" down "$OWN_RIG" >/dev/null 2>&1' EXIT

# ---- a stale credential on a public image ----
curl -s -o /dev/null -X POST -d '{"anonymous_pull": true}' "$RIG_ISSUER_CTL"
cfg "{\"auths\":{\"$T\":{\"auth\":\"$(canary_userpass_b64 alice)\"}}}"
run_fixkb doctor --image "$IMG" --format json
like "$RUN_OUT" '"code": "shadowed_credentials"' "doctor: the stored credential breaks a public pull"
run_fixkb fix --image "$IMG" --format json
is "$(steps)" "logout_registry/write" "the plan logs the stale credential out"
like "$(json_get "$RUN_OUT" plan.steps.0.what)" "remove the stale credential for $T from auths" "from config.json's auths"
run_fixkb fix --image "$IMG" --apply
is "$RUN_RC" 0 "--apply: exit 0"
like "$RUN_OUT" 'verified' "verified: anonymous access now works"
unlike "$(cat "$CFG")" "$T" "the entry is gone from config.json"
ok "skopeo pulls the public image anonymously" peer_skopeo "$IMG"
run_fixkb doctor --image "$IMG"
is "$RUN_RC" 0 "doctor finds no problem"
issuer_reset

# ---- a certificate that does not verify ----
S=$RIG_TLS_REGISTRY
SIMG=$S/$RIG_REPO:$RIG_TAG
cfg "{\"auths\":{\"$S\":{\"auth\":\"$(b64 alice:alicepw)\"}}}"
run_fixkb doctor --image "$SIMG" --format json
like "$RUN_OUT" '"code": "tls_untrusted_ca"' "doctor: the certificate does not chain to a trusted CA"
run_fixkb fix --image "$SIMG" --format json
is "$(steps)" "install_registry_ca/blocked" "without --cacert the step waits for the CA"
like "$(json_get "$RUN_OUT" plan.steps.0.needs)" '--cacert FILE' "and says so"

run_fixkb fix --image "$SIMG" --cacert "$RIG_DIR/certs/token.crt" --apply
is "$RUN_RC" 1 "a CA that does not sign the certificate: exit 1"
like "$RUN_OUT" "✗ verify before writing .*certificate" "refused before writing"
ok "nothing installed" test ! -e "$FIXKB_DOCKER_CERTS_D/$S/ca.crt"

run_fixkb fix --image "$SIMG" --cacert "$RIG_CA_CERT" --format json
is "$(steps)" "install_registry_ca/write" "with --cacert: one step"
like "$(json_get "$RUN_OUT" plan.steps.0.files)" "docker-certs.d/$S/ca.crt.*containers-certs.d/$S/ca.crt.*buildkitd.toml" \
	"it writes docker's and containers' certs.d and buildkitd.toml"
run_fixkb fix --image "$SIMG" --cacert "$RIG_CA_CERT" --apply
is "$RUN_RC" 0 "--apply: exit 0"
is "$(sha "$FIXKB_DOCKER_CERTS_D/$S/ca.crt")" "$(sha "$RIG_CA_CERT")" "docker's certs.d/<host>/ca.crt is the CA"
is "$(sha "$FIXKB_CONTAINERS_CERTS_D/$S/ca.crt")" "$(sha "$RIG_CA_CERT")" "containers' too"
is "$(stat -c %a "$FIXKB_DOCKER_CERTS_D/$S/ca.crt")" 644 "a CA certificate is 0644"
like "$(cat "$FIXKB_BUILDKITD_TOML")" "^\\[registry\\.\"$S\"\\]" "buildkitd.toml has the registry's section"
like "$(cat "$FIXKB_BUILDKITD_TOML")" "ca = \\[\"$FIXKB_DOCKER_CERTS_D/$S/ca.crt\"\\]" "with its ca"
run_fixkb doctor --image "$SIMG"
is "$RUN_RC" 0 "doctor (which reads docker's certs.d) finds no problem"
ok "skopeo with containers' certs.d verifies the registry" \
	skopeo inspect --cert-dir "$FIXKB_CONTAINERS_CERTS_D/$S" --authfile "$CFG" "docker://$SIMG"
ok "and without it does not" sh -c "! skopeo inspect --authfile '$CFG' 'docker://$SIMG' 2>/dev/null"
is "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$FIXKB_DOCKER_CERTS_D/$S/ca.crt" "https://$S/v2/")" 401 \
	"curl with the installed CA completes the TLS handshake"
run_fixkb fix --image "$SIMG" --cacert "$RIG_CA_CERT" --apply
is "$RUN_RC" 0 "a second run: exit 0"
like "$RUN_OUT" 'nothing to do' "and nothing to do"

# an existing buildkitd.toml keeps its other settings
run_fixkb fix --undo
ok "--undo removes the installed CA" test ! -e "$FIXKB_DOCKER_CERTS_D/$S/ca.crt"
printf 'debug = true\n[registry."%s"]\n  http = false\n  ca = ["/old/ca.pem"]\n[worker.oci]\n  gc = true\n' "$S" \
	> "$FIXKB_BUILDKITD_TOML"
run_fixkb fix --image "$SIMG" --cacert "$RIG_CA_CERT" --apply
is "$RUN_RC" 0 "with an existing buildkitd.toml: exit 0"
is "$(cat "$FIXKB_BUILDKITD_TOML")" "$(printf 'debug = true\n[registry."%s"]\n  http = false\n  ca = ["%s"]\n[worker.oci]\n  gc = true' "$S" "$FIXKB_DOCKER_CERTS_D/$S/ca.crt")" \
	"its ca line is replaced, everything else kept"

# ---- a Docker Hub login under a key docker never reads ----
cfg "{\"auths\":{\"docker.io\":{\"auth\":\"$(b64 alice:alicepw)\"}}}"
run_fixkb doctor --registry docker.io --offline --format json
like "$RUN_OUT" "never read for Docker Hub" "doctor: docker never reads the 'docker.io' key"
run_fixkb fix --registry docker.io --offline --format json
is "$(steps)" "move_hub_auth_key/write" "the plan moves it"
run_fixkb fix --registry docker.io --offline --apply
is "$RUN_RC" 0 "--apply: exit 0"
like "$(tr -d ' \n\t' < "$CFG")" '^\{"auths":\{"https://index.docker.io/v1/":\{"auth":"YWxpY2U6YWxpY2Vwdw=="\}\}\}$' \
	"config.json: the login under https://index.docker.io/v1/, and only there"
run_fixkb probe config_auth --registry docker.io --format json
like "$(json_get "$RUN_OUT" probes.0.evidence.consumers)" '"docker/buildkit": \{"source": "auths"' \
	"docker/BuildKit now take it from auths"
is "$(skopeo login --get-login --authfile "$CFG" docker.io 2>/dev/null)" alice \
	"skopeo (containers/image) still finds the login"

done_testing
