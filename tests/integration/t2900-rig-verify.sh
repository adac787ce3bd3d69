#!/usr/bin/env bash
# t2900-rig-verify — smoke check of the real-component rig (tests/rig): every
# registry's challenge and TLS behaviour, skopeo against basic/token/TLS with its
# exact failure messages, the token issuer's flows and control endpoint, the
# hostile listeners. Uses the rig in $RIG_DIR if set, else starts (and stops) one.
. "$TEST_LIB"

RIG_SH="$SRCDIR/tests/rig/rig.sh"
if [ -z "${RIG_DIR:-}" ]; then
	missing=""
	for b in docker-registry skopeo umoci curl openssl htpasswd; do
		command -v "$b" >/dev/null 2>&1 || missing="$missing $b"
	done
	if [ -n "$missing" ]; then
		if [ -z "${FIXKB_REQUIRE_RIG:-}" ]; then skip_all "rig tools missing:$missing"; fi
		echo "Bail out! FIXKB_REQUIRE_RIG is set but missing:$missing"
		exit 1
	fi
	OWN_RIG=$(mktemp -d /tmp/rig.XXXX)
	trap '"$RIG_SH" down "$OWN_RIG" >/dev/null 2>&1; rm -rf "$OWN_RIG"' EXIT
	if ! up_out=$("$RIG_SH" up "$OWN_RIG" 2>&1); then
		echo "Bail out! rig.sh up failed"
		printf '%s\n' "$up_out" | tail -20 | sed 's/^/# /'
		exit 1
	fi
	echo "# $up_out"
	. "$OWN_RIG/env"
else
	. "$RIG_DIR/env"
fi
ok "rig env names RIG_DIR" test -n "${RIG_DIR:-}"
for v in RIG_BASIC_REGISTRY RIG_TOKEN_REGISTRY RIG_TOKEN_REALM RIG_TOKEN_NOPOST_REGISTRY \
	RIG_TOKEN_NOPOST_REALM RIG_TLS_REGISTRY RIG_TLS_SELFSIGNED_REGISTRY RIG_TLS_WRONGHOST_REGISTRY \
	RIG_TLS_EXPIRED_REGISTRY RIG_CA_CERT RIG_CERT_DIR RIG_ISSUER_CTL RIG_TOKEN_LOG RIG_HOSTILE_LOG; do
	ok "rig env sets $v" test -n "${!v:-}"
done

. "$SRCDIR/tests/rig/verify.sh"
rig_verify
done_testing
