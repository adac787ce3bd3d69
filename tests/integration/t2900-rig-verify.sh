#!/usr/bin/env bash
# t2900-rig-verify — smoke check of the real-component rig (tests/rig): every
# registry's challenge and TLS behaviour, skopeo against basic/token/TLS with its
# exact failure messages, the token issuer's flows and control endpoint, the
# hostile listeners. Uses the rig in $RIG_DIR if set, else starts (and stops) one.
. "$TEST_LIB"

rig_start
ok "rig env names RIG_DIR" test -n "${RIG_DIR:-}"
for v in RIG_BASIC_REGISTRY RIG_TOKEN_REGISTRY RIG_TOKEN_REALM RIG_TOKEN_NOPOST_REGISTRY \
	RIG_TOKEN_NOPOST_REALM RIG_TLS_REGISTRY RIG_TLS_SELFSIGNED_REGISTRY RIG_TLS_WRONGHOST_REGISTRY \
	RIG_TLS_EXPIRED_REGISTRY RIG_CA_CERT RIG_CERT_DIR RIG_ISSUER_CTL RIG_TOKEN_LOG RIG_HOSTILE_LOG; do
	ok "rig env sets $v" test -n "${!v:-}"
done

. "$SRCDIR/tests/rig/verify.sh"
rig_verify
done_testing
