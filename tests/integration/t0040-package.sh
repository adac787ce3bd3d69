#!/usr/bin/env bash
# The Debian package (debian/): dpkg-buildpackage -b -us -uc from a copy of
# the source tree (what a clean clone has, plus uncommitted changes, without
# .git: so this also covers the tarball version fallback), lintian clean at
# every level, then dpkg -i, the installed fixkb (doctor --offline, the
# installed kb with env -i, man -w, the bash completion through
# bash-completion's loader), dpkg -r and --purge.
#
# Suite "package": not in a plain `meson test` (the test setup "default"
# leaves it out: it installs a package on the machine and takes a minute or
# two); scripts/test.sh runs it with `meson test --setup package --suite
# package`. Needs root or sudo (dpkg -i); without them, or with a fixkb package
# already installed, it skips (fails when FIXKB_REQUIRE_PACKAGE is set). Two
# runs on one machine take turns (flock on /run/lock/fixkb-package-test).
. "$TEST_LIB"

need() {
	[ -n "${FIXKB_REQUIRE_PACKAGE:-}" ] && { echo "Bail out! $*"; exit 1; }
	skip_all "$*"
}
DPKG=dpkg
if [ "$(id -u)" -ne 0 ]; then
	sudo -n true 2>/dev/null || need "dpkg -i needs root (or sudo without a password)"
	DPKG="sudo -n dpkg"
fi
for b in dpkg-buildpackage dh lintian dpkg-deb man flock; do
	command -v "$b" >/dev/null 2>&1 || need "$b not installed (scripts/install-deps.sh)"
done
exec 9>>/run/lock/fixkb-package-test 2>/dev/null || exec 9>>"${TMPDIR:-/tmp}/fixkb-package-test.lock"
flock -w 1800 9 || need "another package test holds /run/lock/fixkb-package-test"
if dpkg-query -W -f='${Status}' fixkb 2>/dev/null | grep -q 'ok installed'; then
	need "a fixkb package is already installed: this test will not replace or remove it"
fi

release=$(sed -n "s/^  version: '\([^']*\)',$/\1/p" "$SRCDIR/meson.build" | head -1)
src="$TEST_DIR/pkg/fixkb-$release"
mkdir -p "$src"
if git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$SRCDIR" ls-files -z --cached --others --exclude-standard |
		tar -C "$SRCDIR" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$src" -xf -
else
	tar -C "$SRCDIR" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -C "$src" -xf -
fi
ok "the source tree is copied" test -f "$src/debian/rules"
is "$(cd "$src" && dpkg-parsechangelog -S Version)" "$release" \
	"debian/changelog's version is meson.build's ($release)"

t0=$(date +%s)
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$TEST_DIR/build.log" 2>&1
rc=$?
tap_ok $rc "dpkg-buildpackage -b -us -uc ($(( $(date +%s) - t0 )) s)"
[ $rc -eq 0 ] || { tail -30 "$TEST_DIR/build.log" | sed 's/^/#   /'; done_testing; }
unlike "$(cat "$TEST_DIR/build.log")" '\.[ch]:[0-9]+:[0-9]+: warning:' "no compiler warning with Debian's flags"
unlike "$(cat "$TEST_DIR/build.log")" 'meson test|Ok: +[0-9]' "the package build does not run the test suite"
deb="$TEST_DIR/pkg/fixkb_${release}_$(dpkg --print-architecture).deb"
ok "the .deb is there" test -f "$deb"

files=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
for f in /usr/bin/fixkb /usr/share/fixkb/kb/schema.json \
	 /usr/share/fixkb/kb/cicd/docker-buildkit-ssh-auth-fail.json \
	 /usr/share/man/man1/fixkb.1.gz /usr/share/man/man5/fixkb-kb.5.gz /usr/share/man/man7/fixkb-ci.7.gz \
	 /usr/share/bash-completion/completions/fixkb /usr/share/zsh/vendor-completions/_fixkb \
	 /usr/share/fish/vendor_completions.d/fixkb.fish /usr/share/doc/fixkb/copyright; do
	like "$files" "^$f\$" "the package holds $f"
done
for p in $(cd "$SRCDIR/docs/man" && ls *.scd | sed 's/\.scd$//'); do
	like "$files" "^/usr/share/man/man${p##*.}/$p.gz\$" "the package holds the man page $p"
done
is "$(grep -c '^/usr/share/fixkb/kb/.*/.*\.json$' <<< "$files")" \
	"$(find "$SRCDIR/kb" -mindepth 2 -name '*.json' | wc -l)" "the package holds every kb entry"
echo "# $(grep -vc '/$' <<< "$files") files in the package"

t0=$(date +%s)
lint=$(lintian -I -E --pedantic "$TEST_DIR/pkg/fixkb_${release}_$(dpkg --print-architecture).changes" 2>&1 |
	grep -v '^running with root privileges is not recommended!$')
is "$lint" "" "lintian: no tag at any level, pedantic and experimental included ($(( $(date +%s) - t0 )) s)"

# Install it, as a user would; remove it whatever happens next.
installed=
cleanup() { [ -n "$installed" ] && $DPKG --purge fixkb >/dev/null 2>&1; }
trap cleanup EXIT
for i in $(seq 60); do   # another dpkg/apt run may hold its lock for a while
	$DPKG -i "$deb" >"$TEST_DIR/install.log" 2>&1 && { installed=1; break; }
	grep -q 'lock' "$TEST_DIR/install.log" || break
	sleep 5
done
tap_ok $([ -n "$installed" ]; echo $?) "dpkg -i the package"
[ -n "$installed" ] || { sed 's/^/#   /' "$TEST_DIR/install.log"; done_testing; }

FIXKB=/usr/bin/fixkb run_fixkb --version
like "$RUN_OUT" "^fixkb $release\$" "the package's fixkb names the release (no .git in the build)"
like "$RUN_OUT" 'installed /usr/share/fixkb/kb' "--version: the installed kb"
out=$(env -i /usr/bin/fixkb -v kb list 2>&1 >/dev/null)
is "$out" "fixkb: knowledge base: installed /usr/share/fixkb/kb" "env -i: the installed kb is found (-v)"
env -i HOME="$HOME" PATH=/usr/bin:/bin /usr/bin/fixkb doctor --offline >"$OUT_DIR/doctor.out" 2>"$OUT_DIR/doctor.err"
rc=$?
like "$rc" '^[01]$' "fixkb doctor --offline runs (exit $rc; a scratch HOME)"
like "$(cat "$OUT_DIR/doctor.out")" 'registr(y|ies) checked' "and reports"
is "$(man -w fixkb 2>&1)" "/usr/share/man/man1/fixkb.1.gz" "man -w fixkb"
is "$(man -w 5 fixkb-kb 2>&1)" "/usr/share/man/man5/fixkb-kb.5.gz" "man -w 5 fixkb-kb"
like "$(MANWIDTH=80 man 7 fixkb-ci 2>/dev/null)" 'fix[^ ]*kb doctor' "man 7 fixkb-ci renders"
cands=$(bash --norc --noprofile -c '
	source /usr/share/bash-completion/bash_completion || exit 3
	_completion_loader fixkb
	complete -p fixkb | grep -q -- "-F _fixkb fixkb\$" || exit 4
	COMP_WORDS=(fixkb probe tok); COMP_CWORD=2; COMPREPLY=()
	_fixkb
	printf "%s\n" "${COMPREPLY[@]}"' 2>&1)
is "$cands" "token_endpoint" "bash-completion loads the installed completion on demand"

ok "dpkg -r fixkb" $DPKG -r fixkb
ok "the binary is gone" test ! -e /usr/bin/fixkb
ok "the kb is gone" test ! -e /usr/share/fixkb
ok "dpkg --purge fixkb" $DPKG --purge fixkb
installed=
unlike "$(dpkg-query -W -f='${Status}' fixkb 2>/dev/null)" 'installed' "the package is not installed any more"

done_testing
