#!/usr/bin/env bash
# bootstrap.sh — the README's first command: install the dependencies, build
# fixkb, and run the main job (`fixkb doctor`) on this machine's own config.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build
meson compile -C build
echo
echo "$ ./build/fixkb doctor"
rc=0
./build/fixkb doctor || rc=$?
echo
echo "(fixkb doctor exited $rc: 0 nothing wrong, 1 problems found, 2 usage error)"
