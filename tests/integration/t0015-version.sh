#!/usr/bin/env bash
# fixkb --version: the release and git's description of the build's
# checkout (meson vcs_tag), then the kb it would use: entries, a content
# hash (equal for every copy of one kb, different for another kb) and
# where it came from.
. "$TEST_LIB"

release=$(sed -n "s/^  version: '\([^']*\)',$/\1/p" "$SRCDIR/meson.build" | head -1)
like "$release" '^[0-9]+\.[0-9]+\.[0-9]+$' "meson.build's project version"
# debian/changelog's top version is the release (a native package).
deb_version=$(sed -n '1s/^fixkb (\([^)]*\)).*/\1/p' "$SRCDIR/debian/changelog")
is "$deb_version" "$release" "debian/changelog's version is meson.build's"
nentries=$(find "$SRCDIR/kb" -mindepth 2 -name '*.json' | wc -l)

lone="$TEST_DIR/lone/fixkb"     # a lone copy: the embedded kb (unless one is installed)
mkdir -p "$(dirname "$lone")"
cp "$FIXKB" "$lone"

run_fixkb --version
is "$RUN_RC" 0 "--version exits 0"
line1=$(head -1 <<< "$RUN_OUT")
if git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1 && [ -e "$SRCDIR/.git" ]; then
	describe=$(git -C "$SRCDIR" describe --tags --dirty --always)
	if [ "$describe" = "v$release" ] || [ "$describe" = "$release" ]; then
		is "$line1" "fixkb $release" "a release tag on a clean tree: the release alone"
	else
		is "$line1" "fixkb $release (git $describe)" "the release and git describe of the checkout"
	fi
else
	is "$line1" "fixkb $release" "outside git: the project version"
fi
like "$(sed -n 2p <<< "$RUN_OUT")" "^kb: $nentries entries, sha256:[0-9a-f]{16} \\(" \
	"the kb line: as many entries as kb/ has, a hash"

FIXKB="$lone" run_fixkb --version
embedded=$(sed -n 2p <<< "$RUN_OUT")
FIXKB_KB_DIR="$SRCDIR/kb" run_fixkb --version
fromdir=$(sed -n 2p <<< "$RUN_OUT")
is "$fromdir" "${embedded%% (*} (FIXKB_KB_DIR $SRCDIR/kb)" \
	"the source kb and the embedded copy have one hash; the line says which answered"

# Another layout of the same content: same hash. Other content: another.
cp -r "$SRCDIR/kb" "$TEST_DIR/kb-pretty"
python3 - "$TEST_DIR/kb-pretty" <<'PY'
import glob, json, sys
for f in glob.glob(sys.argv[1] + '/*/*.json'):
    doc = json.load(open(f, encoding='utf-8'))
    # keys reversed, other indentation: the same entry
    json.dump(dict(reversed(list(doc.items()))), open(f, 'w', encoding='utf-8'),
              ensure_ascii=False, indent=1)
PY
FIXKB_KB_DIR="$TEST_DIR/kb-pretty" run_fixkb --version
is "$(sed -n 2p <<< "$RUN_OUT" | cut -d'(' -f1)" "$(cut -d'(' -f1 <<< "$embedded")" \
	"reformatted entries (key order, indentation) keep the hash"
cp -r "$SRCDIR/kb" "$TEST_DIR/kb-other"
sed -i 's/"fix_rate": 0.9,/"fix_rate": 0.91,/' "$TEST_DIR/kb-other/credentials/helper-missing.json"
FIXKB_KB_DIR="$TEST_DIR/kb-other" run_fixkb --version
other=$(sed -n 2p <<< "$RUN_OUT")
like "$other" "^kb: $nentries entries" "one changed number: the same count"
[ "$(cut -d'(' -f1 <<< "$other")" != "$(cut -d'(' -f1 <<< "$embedded")" ]
tap_ok $? "one changed number: another hash"
rm "$TEST_DIR/kb-other/tls/http-mismatch.json"
FIXKB_KB_DIR="$TEST_DIR/kb-other" run_fixkb --version
like "$(sed -n 2p <<< "$RUN_OUT")" "^kb: $((nentries - 1)) entries" "one entry fewer: the count says so"

# A kb that cannot be loaded: the version still, then the error, exit 2.
mkdir -p "$TEST_DIR/kb-bad/x"
echo '{' > "$TEST_DIR/kb-bad/x/broken.json"
FIXKB_KB_DIR="$TEST_DIR/kb-bad" run_fixkb --version
is "$RUN_RC" 2 "an unloadable kb: --version exits 2"
like "$RUN_OUT" '^fixkb [0-9]' "and still prints the version"
like "$RUN_ERR" 'broken.json' "and names the file"

done_testing
