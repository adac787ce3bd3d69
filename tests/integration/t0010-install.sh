#!/usr/bin/env bash
# `meson install` puts the binary and the kb in place; a lone binary copied
# elsewhere (a CI image) still has the embedded kb.
. "$TEST_LIB"

builddir=$(dirname "$FIXKB")
dest="$TEST_DIR/destdir"
ok "meson install --destdir" meson install -C "$builddir" --no-rebuild --quiet --destdir "$dest"
bin=$(find "$dest" -type f -name fixkb -perm -u+x | head -1)
like "$bin" '/bin/fixkb$' "the binary is installed under bin/"
seed=$(find "$dest" -path '*share/fixkb/kb/cicd/docker-buildkit-ssh-auth-fail.json' | head -1)
like "$seed" 'share/fixkb/kb/' "the kb is installed under share/fixkb/kb"
ok "installed schema" test -f "$(dirname "$(dirname "$seed")")/schema.json"
unlike "$(find "$dest" -name meson.build)" . "no meson.build is installed"

# The installed kb directory is valid as a FIXKB_KB_DIR.
FIXKB_KB_DIR=$(dirname "$(dirname "$seed")") run_fixkb -v kb lint
is "$RUN_RC" 0 "the installed kb lints clean"

# A lone copy of the binary, no kb beside it: the embedded copy answers.
mkdir -p "$TEST_DIR/lone"
cp "$FIXKB" "$TEST_DIR/lone/fixkb"
FIXKB="$TEST_DIR/lone/fixkb" run_fixkb -v kb show cicd/docker-buildkit-ssh-auth-fail --format json
is "$RUN_RC" 0 "a lone binary shows the seed entry"
like "$RUN_ERR" 'knowledge base: (embedded|installed)' "-v says which kb answered"
like "$RUN_OUT" 'BUILDKIT_AUTH_FAIL' "the entry is there"

done_testing
