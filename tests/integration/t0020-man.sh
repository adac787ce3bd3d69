#!/usr/bin/env bash
# The man pages (docs/man/*.scd) against the binary's own tables: every
# global option and every option of every built command has an entry, no
# page documents an option the binary does not have (tests/integration/
# man-check.py); the pages build and render without groff warnings.
. "$TEST_LIB"

mandir="$SRCDIR/docs/man"
builddir=$(dirname "$FIXKB")
list="$TEST_DIR/listings"
mkdir -p "$list"

# What the binary says about itself.
run_fixkb --list-commands
is "$RUN_RC" 0 "--list-commands exits 0"
printf '%s\n' "$RUN_OUT" > "$list/commands"
commands=$(cut -f1 "$list/commands")
like "$commands" '^doctor$' "--list-commands lists doctor"
run_fixkb --list-options
is "$RUN_RC" 0 "--list-options exits 0"
printf '%s\n' "$RUN_OUT" > "$list/global.opts"
like "$RUN_OUT" $'^--format\t\tF\tvalue\t' "--list-options lists --format with its argument"
like "$RUN_OUT" $'^--verbose\t-v\t\tflag\t' "--list-options lists -v, --verbose"
: > "$list/built"
for c in $commands; do
	run_fixkb "$c" --list-options
	is "$RUN_RC" 0 "$c --list-options exits 0"
	if [ -n "$RUN_OUT" ]; then printf '%s\n' "$RUN_OUT"; fi > "$list/$c.opts"
	run_fixkb "$c" --help
	if printf '%s' "$RUN_OUT" | grep -q 'not built yet'; then
		echo "# $c: not built yet (exempt from the page check)"
	else
		echo "$c" >> "$list/built"
	fi
done
run_fixkb doctor --list-options
like "$RUN_OUT" $'^--registry\t\tHOST\tlist\t' "doctor --list-options lists its table"
unlike "$RUN_OUT" 'usage:' "and nothing of its help's prose"
run_fixkb probe --help
printf '%s\n' "$RUN_OUT" | sed -n '/^probes:$/,/^$/s/^  \([a-z_]*\) .*/\1/p' > "$list/probes"
run_fixkb audit --help
printf '%s\n' "$RUN_OUT" | sed -n '/^rules.*:$/,/^$/s/^  \([a-z0-9-]*\)  *\([a-z]*\) .*/\1 \2/p' > "$list/audit.rules"

# The check itself.
out=$(python3 "$SRCDIR/tests/integration/man-check.py" "$mandir" "$list" "$SRCDIR")
rc=$?
while IFS= read -r line; do
	case $line in
	ok\ *) tap_ok 0 "${line#ok }" ;;
	not\ ok\ *) tap_ok 1 "${line#not ok }" ;;
	esac
done <<< "$out"
want=0
printf '%s\n' "$out" | grep -q '^not ok' && want=1
is "$rc" "$want" "man-check.py exits 1 exactly when a check failed"

# The check can fail: an option the binary gains without a man entry, an
# entry for an option it does not have, a built command without a page.
mut="$TEST_DIR/mutated"
cp -r "$list" "$mut"
printf -- '--frobnicate\t\t\tflag\ta new option\n' >> "$mut/doctor.opts"
out=$(python3 "$SRCDIR/tests/integration/man-check.py" "$mandir" "$mut" "$SRCDIR")
like "$out" 'not ok .*fixkb-doctor.1 has no entry for --frobnicate' "a new doctor option without an entry fails the check"
cp "$list/doctor.opts" "$mut/doctor.opts"
grep -v '^--image' "$list/doctor.opts" > "$mut/doctor.opts"
out=$(python3 "$SRCDIR/tests/integration/man-check.py" "$mandir" "$mut" "$SRCDIR")
like "$out" 'not ok .*fixkb-doctor.1 documents --image, which the binary does not have' \
	"an entry for an option the binary lacks fails the check"
cp "$list/doctor.opts" "$mut/doctor.opts"
printf -- '--bogus\t-b\tX\tvalue\ta global option\n' >> "$mut/global.opts"
out=$(python3 "$SRCDIR/tests/integration/man-check.py" "$mandir" "$mut" "$SRCDIR")
like "$out" 'not ok .*fixkb.1 has no entry for --bogus' "a new global option without an entry fails the check"
cp "$list/global.opts" "$mut/global.opts"
printf 'newcmd\tsomething new\n' >> "$mut/commands"
echo newcmd >> "$mut/built"
: > "$mut/newcmd.opts"
out=$(python3 "$SRCDIR/tests/integration/man-check.py" "$mandir" "$mut" "$SRCDIR")
like "$out" 'not ok newcmd has a man page' "a built command without a page fails the check"
like "$out" 'not ok fixkb.1 names every command' "and so does fixkb.1 not naming it"

# ... a rule audit gains, a schema member the format page does not describe.
mutdoc="$TEST_DIR/mutated-man"
cp -r "$mandir" "$mutdoc"
echo 'new-rule low' >> "$mut/audit.rules"
sed -i 's/{\*literal\*, \*regex\*,/{*literal*, regex,/' "$mutdoc/fixkb-kb.5.scd"
out=$(python3 "$SRCDIR/tests/integration/man-check.py" "$mutdoc" "$mut" "$SRCDIR")
like "$out" 'not ok .*fixkb-audit.1 does not describe rule new-rule' "a new audit rule without an entry fails the check"
like "$out" 'not ok .*signatures: member regex is not described' "a schema member not described fails the check"

# The pages build (scdoc) and render without warnings (man, groff).
pages=$(cd "$mandir" && ls *.scd | sed 's/\.scd$//')
if meson introspect --targets "$builddir" 2>/dev/null | grep -q '"name": "man-fixkb.1"'; then
	for p in $pages; do
		ok "$p is built" test -s "$builddir/docs/man/$p"
		if command -v man >/dev/null 2>&1; then
			warn=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$builddir/docs/man/$p" 2>&1 >/dev/null)
			is "$warn" "" "$p renders without groff warnings"
		fi
	done
	unlike "$(cat "$builddir"/docs/man/*)" '@KBDIR@' "@KBDIR@ is replaced in every page"
else
	tap_skip "scdoc not found or the build has no man pages (meson -Dman=disabled)"
fi

done_testing
