#!/usr/bin/env bash
# test.sh — the README's second command, and exactly what .ci/run runs:
# installs the packages, builds, and runs every suite (unit, integration,
# lint, rig: real registry, keyring, credential helpers) with the rig
# required, so nothing skips silently in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export FIXKB_REQUIRE_RIG=1

[ -d build ] || meson setup build
meson compile -C build
meson test -C build --print-errorlogs --num-processes 2
