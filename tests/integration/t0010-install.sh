#!/usr/bin/env bash
# `meson install`: the binary, the kb under <datadir>/fixkb/kb, the man pages
# and the bash/zsh/fish completions in their places; an installed fixkb,
# run with a clean environment (env -i), finds the installed kb. A lone
# binary copied elsewhere (a CI image) still has the embedded kb.
#
# The installed-kb path is compiled in (<prefix>/share/fixkb/kb), so a
# DESTDIR image of the test build (prefix /usr/local) cannot show the
# installed lookup without writing to /usr/local. Part 2 therefore
# configures a second build whose prefix is inside the test directory,
# stages it with `meson install --destdir` and unpacks the staged tree to
# that prefix (what a package manager does with a DESTDIR image), then
# runs the installed binary from there. That build takes ~15 s of CPU; it
# is skipped in the sanitizer run of scripts/test.sh (FIXKB_UNDER_SANITIZER),
# where it would build the same unsanitized binary a second time.
. "$TEST_LIB"

builddir=$(dirname "$FIXKB")

# --- 1. the test build, installed into a DESTDIR ---
dest="$TEST_DIR/destdir"
ok "meson install --destdir" meson install -C "$builddir" --no-rebuild --quiet --destdir "$dest"
bin=$(find "$dest" -type f -name fixkb -perm -u+x | head -1)
like "$bin" '/bin/fixkb$' "the binary is installed under bin/"
cmp -s "$bin" "$FIXKB"
tap_ok $? "the installed binary is the one built"
share=${bin%/bin/fixkb}/share
seed="$share/fixkb/kb/cicd/docker-buildkit-ssh-auth-fail.json"
ok "the kb is installed under share/fixkb/kb" test -f "$seed"
ok "installed schema" test -f "$share/fixkb/kb/schema.json"
is "$(find "$share/fixkb/kb" -mindepth 2 -name '*.json' | wc -l)" \
	"$(find "$SRCDIR/kb" -mindepth 2 -name '*.json' | wc -l)" "every kb entry is installed"
unlike "$(find "$dest" -name meson.build)" . "no meson.build is installed"
if meson introspect --targets "$builddir" 2>/dev/null | grep -q '"name": "man-fixkb.1"'; then
	for p in $(cd "$SRCDIR/docs/man" && ls *.scd | sed 's/\.scd$//'); do
		ok "man page $p in share/man/man${p##*.}" test -s "$share/man/man${p##*.}/$p"
	done
else
	tap_skip "this build has no man pages (no scdoc, or -Dman=disabled)"
fi
ok "bash completion in share/bash-completion/completions" test -f "$share/bash-completion/completions/fixkb"
ok "zsh completion in share/zsh/site-functions" test -f "$share/zsh/site-functions/_fixkb"
ok "fish completion in share/fish/vendor_completions.d" test -f "$share/fish/vendor_completions.d/fixkb.fish"

# The installed kb directory is valid as a FIXKB_KB_DIR.
FIXKB_KB_DIR="$share/fixkb/kb" run_fixkb -v kb lint
is "$RUN_RC" 0 "the installed kb lints clean"

# A lone copy of the binary, no kb beside it: the embedded copy answers.
mkdir -p "$TEST_DIR/lone"
cp "$FIXKB" "$TEST_DIR/lone/fixkb"
FIXKB="$TEST_DIR/lone/fixkb" run_fixkb -v kb show cicd/docker-buildkit-ssh-auth-fail --format json
is "$RUN_RC" 0 "a lone binary shows the seed entry"
like "$RUN_ERR" 'knowledge base: (embedded|installed)' "-v says which kb answered"
like "$RUN_OUT" 'BUILDKIT_AUTH_FAIL' "the entry is there"
FIXKB="$TEST_DIR/lone/fixkb" run_fixkb --version
embedded_hash=$(sed -n 's/^kb: .*\(sha256:[0-9a-f]*\).*/\1/p' <<< "$RUN_OUT")

# --- 2. installed under a prefix, found there with a clean environment ---
if [ -n "${FIXKB_UNDER_SANITIZER:-}" ]; then
	tap_skip "the prefix build (part 2) runs in the default run only"
	done_testing
fi
prefix="$TEST_DIR/prefix"
pbuild="$TEST_DIR/pbuild"
t0=$(date +%s)
if ! meson setup "$pbuild" "$SRCDIR" --prefix "$prefix" -Dtests=false -Dbuildtype=plain \
	>"$TEST_DIR/setup.log" 2>&1 || ! meson compile -C "$pbuild" >"$TEST_DIR/compile.log" 2>&1; then
	tap_ok 1 "a build with --prefix $prefix"
	tail -20 "$TEST_DIR"/setup.log "$TEST_DIR"/compile.log | sed 's/^/#   /'
	done_testing
fi
tap_ok 0 "a build with --prefix inside the test directory ($(( $(date +%s) - t0 )) s)"
stage="$TEST_DIR/stage"
ok "meson install --destdir stage" meson install -C "$pbuild" --no-rebuild --quiet --destdir "$stage"
ok "nothing is installed outside the prefix" test -z "$(cd "$stage" && find . -type f ! -path ".$prefix/*")"
mkdir -p "$prefix"
cp -a "$stage$prefix/." "$prefix/"
rm -rf "$stage" "$pbuild"

out=$(env -i "$prefix/bin/fixkb" -v kb list 2>&1 >/dev/null)
is "$out" "fixkb: knowledge base: installed $prefix/share/fixkb/kb" \
	"env -i: the installed fixkb finds the installed kb (-v)"
out=$(env -i "$prefix/bin/fixkb" --version)
like "$out" "^kb: [0-9]+ entries, $embedded_hash \\(installed $prefix/share/fixkb/kb\\)\$" \
	"--version: the installed kb, the same content as the embedded one"
env -i HOME="$HOME" "$prefix/bin/fixkb" -v doctor --offline >"$OUT_DIR/doctor.out" 2>"$OUT_DIR/doctor.err"
rc=$?
like "$rc" '^[01]$' "env -i (but a scratch HOME): the installed doctor --offline runs (exit $rc)"
like "$(cat "$OUT_DIR/doctor.err")" "knowledge base: installed $prefix/share/fixkb/kb" "doctor uses the installed kb"
if command -v man >/dev/null 2>&1 && [ -d "$prefix/share/man/man1" ]; then
	is "$(MANPATH="$prefix/share/man" man -w fixkb-kb.5 2>&1)" "$prefix/share/man/man5/fixkb-kb.5" \
		"man finds the installed fixkb-kb(5)"
fi
cands=$(PATH="$prefix/bin:/usr/bin:/bin" bash --norc --noprofile -c '
	source "$1" || exit 3
	COMP_WORDS=(fixkb kb show cicd/); COMP_CWORD=3; _fixkb; printf "%s\n" "${COMPREPLY[@]}"' \
	bash "$prefix/share/bash-completion/completions/fixkb")
is "$cands" "cicd/docker-buildkit-ssh-auth-fail" "the installed bash completion asks the installed fixkb"

# Without the installed kb, the embedded copy answers.
rm -rf "$prefix/share/fixkb/kb"
out=$(env -i "$prefix/bin/fixkb" -v kb list 2>&1 >/dev/null)
like "$out" 'knowledge base: embedded, [0-9]+ entries' "no installed kb: the embedded copy"

done_testing
