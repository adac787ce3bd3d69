#!/usr/bin/env bash
# install-deps.sh — every Debian 12 package fixkb needs to build and test.
# Idempotent: installs only what is missing. Run as root (or via sudo).
set -euo pipefail

BUILD_PKGS="gcc meson ninja-build pkg-config libcurl4-openssl-dev libjansson-dev libssl-dev libsecret-1-dev libvectorscan-dev libpcre2-dev python3
 scdoc bash-completion"
# Real components the tests run against (tests/rig): registry, skopeo, keyring, helpers, pass;
# the audit's (t4000: JSON and SARIF schema validation; t4060: the Ansible playbook run with
# ansible-playbook -c local); the hardening runs of scripts/test.sh: clang + libFuzzer
# (scripts/fuzz.sh), valgrind; patch(1), which t-fix-udiff applies diffs with; jq, which
# the DOCKER_AUTH_CONFIG line fix prints uses (t3110 runs it); the
# completions' shells (t0030), man (t0020), and the Debian package build and lint (t0040);
# python3-yaml parses the shipped action.yml and GitLab template (t3203).
# Building: scdoc makes the man pages, bash-completion's pkg-config names its directory.
TEST_PKGS="docker-registry apache2-utils skopeo umoci gnome-keyring libsecret-tools dbus dbus-bin
 golang-docker-credential-helpers pass gnupg curl openssl ca-certificates
 python3-jsonschema python3-yaml ansible-core
 clang libclang-rt-14-dev valgrind patch jq
 zsh fish man-db git build-essential debhelper dpkg-dev fakeroot lintian"

want="$BUILD_PKGS"
[ "${1:-}" = "--build-only" ] || want="$want $TEST_PKGS"

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
