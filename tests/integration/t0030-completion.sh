#!/usr/bin/env bash
# The shell completions (completions/): bash driven in a real bash through
# `complete -p` and its function with COMP_WORDS/COMP_CWORD; zsh through a
# real interactive zsh (zpty) and TAB; fish through `complete -C`. Commands
# and options must be the binary's own (--list-commands, --list-options),
# the values of --format/--lang/--client the ones its usage errors name.
. "$TEST_LIB"

comp="$SRCDIR/completions"
sorted() { tr ' ' '\n' | grep -v '^$' | LC_ALL=C sort -u | tr '\n' ' '; }

# What the binary accepts, from the binary.
run_fixkb --list-commands
commands=$(cut -f1 <<< "$RUN_OUT" | sorted)
run_fixkb --list-options
global=$(cut -f1 <<< "$RUN_OUT" | sorted)
# the values a usage error names: "unknown format 'x' (text, json, sarif, github)"
values() { run_fixkb "$1" bogus --version; sed -n 's/.*(\(.*\))$/\1/p' <<< "$RUN_ERR" | head -1 | tr -d ',' | sorted; }
formats=$(values --format)
langs=$(values --lang)
clients=$(values --client)
like "$formats" 'json' "the binary names its formats"
run_fixkb audit --fail-on bogus
failon=$(sed -n 's/.*(\(.*\))$/\1/p' <<< "$RUN_ERR" | head -1 | tr -d ',' | sorted)
like "$failon" 'critical' "audit names its --fail-on severities"
run_fixkb kb --help
kbsubs=$(grep -o 'fixkb kb [a-z]*' <<< "$RUN_OUT" | cut -d' ' -f3 | sorted)
run_fixkb probe --help
probes=$(sed -n '/^probes:$/,/^$/s/^  \([a-z_]*\) .*/\1/p' <<< "$RUN_OUT" | sorted)
run_fixkb kb list
ids_helper_m=$(cut -d' ' -f1 <<< "$RUN_OUT" | grep '^credentials/helper-m' | sorted)
for v in $formats; do ok "--format $v is accepted" "$FIXKB" --format "$v" --version; done
for v in $langs; do ok "--lang $v is accepted" "$FIXKB" --lang "$v" --version; done
for v in $clients; do ok "--client $v is accepted" "$FIXKB" --client "$v" --version; done

# --- bash ---
bash_complete() {  # bash_complete BIN WORD...: the candidates for the last word
	bash --norc --noprofile -c '
		source "$1" || exit 3
		shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
		_fixkb
		printf "%s\n" "${COMPREPLY[@]}"' bash "$comp/bash/fixkb" "$@" | sorted
}
spec=$(bash --norc --noprofile -c 'source "$1" && complete -p fixkb' bash "$comp/bash/fixkb" 2>&1)
is "$spec" "complete -F _fixkb fixkb" "bash: complete -p fixkb names _fixkb"
is "$(bash_complete "$FIXKB" '')" "$commands" "bash: fixkb <TAB> offers every command"
is "$(bash_complete "$FIXKB" d)" "doctor " "bash: fixkb d<TAB>"
is "$(bash_complete "$FIXKB" --form)" "--format " "bash: fixkb --form<TAB>"
is "$(bash_complete "$FIXKB" --format '')" "$formats" "bash: --format values are the binary's"
is "$(bash_complete "$FIXKB" --format = j)" "json " "bash: --format=j<TAB>"
is "$(bash_complete "$FIXKB" --lang '')" "$langs" "bash: --lang values are the binary's"
is "$(bash_complete "$FIXKB" doctor --client '')" "$clients" "bash: --client values are the binary's"
is "$(bash_complete "$FIXKB" kb '')" "$kbsubs" "bash: kb <TAB> offers kb's subcommands"
is "$(bash_complete "$FIXKB" audit --fail-on '')" "$failon" "bash: audit --fail-on values are the binary's"
is "$(bash_complete "$FIXKB" -v --config /tmp kb show credentials/helper-m)" "$ids_helper_m" \
	"bash: kb show <TAB> offers the KB ids (past -v and --config DIR)"
is "$(bash_complete "$FIXKB" probe '')" "$probes" "bash: probe <TAB> offers the probes"
for c in $commands; do
	run_fixkb "$c" --list-options
	want=$( (printf '%s\n' $global; cut -f1 <<< "$RUN_OUT") | sorted)
	is "$(bash_complete "$FIXKB" "$c" --)" "$want" "bash: $c --<TAB> offers the global options and $c's"
done
touch "$TEST_DIR/build-output.log"
is "$(bash_complete "$FIXKB" explain "$TEST_DIR/build-o")" "$TEST_DIR/build-output.log " "bash: explain <TAB> completes a file"
# as installed: `fixkb` found on PATH
mkdir -p "$TEST_DIR/bin"
ln -s "$FIXKB" "$TEST_DIR/bin/fixkb"
is "$(PATH="$TEST_DIR/bin:$PATH" bash_complete fixkb kb show credentials/helper-m)" "$ids_helper_m" \
	"bash: with fixkb on PATH"

# --- zsh ---
if command -v zsh >/dev/null 2>&1; then
	ok "zsh: _fixkb parses" zsh -n "$comp/zsh/_fixkb"
	loaded=$(zsh -fc 'fpath=($1 $fpath); autoload -Uz compinit; compinit -u -d $2; print -r -- $_comps[fixkb]' \
		zsh "$comp/zsh" "$TEST_DIR/zcompdump" 2>&1)
	is "$loaded" "_fixkb" "zsh: compinit binds fixkb to _fixkb"
	timeout 60 zsh -f "$SRCDIR/tests/integration/zsh-complete.zsh" "$FIXKB" "$comp/zsh" "$TEST_DIR/zsh.out" \
		'kb sh' 'kb show credentials/helper-missing-des' '--form' '--format=sa' 'probe tok' \
		'--lang z' 'doctor --cont' 'd' '--client buildkit-d' 'audit --fail-on cr'
	mapfile -t z < "$TEST_DIR/zsh.out"
	is "${z[1]:-}" "$FIXKB kb show " "zsh: kb sh<TAB> completes show"
	is "${z[2]:-}" "$FIXKB kb show credentials/helper-missing-desktop " "zsh: a KB id"
	is "${z[3]:-}" "$FIXKB --format=" "zsh: --form<TAB> completes --format="
	is "${z[4]:-}" "$FIXKB --format=sarif " "zsh: a --format value"
	is "${z[5]:-}" "$FIXKB probe token_endpoint " "zsh: a probe name"
	is "${z[6]:-}" "$FIXKB --lang zh " "zsh: a --lang value"
	is "${z[7]:-}" "$FIXKB doctor --context=" "zsh: an option of the command"
	is "${z[8]:-}" "$FIXKB doctor " "zsh: a command"
	is "${z[9]:-}" "$FIXKB --client buildkit-daemon " "zsh: a --client value"
	is "${z[10]:-}" "$FIXKB audit --fail-on critical " "zsh: an audit --fail-on value"
else
	tap_skip "zsh not installed (scripts/install-deps.sh installs it)"
fi

# --- fish ---
if command -v fish >/dev/null 2>&1; then
	ok "fish: fixkb.fish parses" fish -n "$comp/fish/fixkb.fish"
	fish_complete() {  # the candidates (without descriptions) for a command line
		fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$comp/fish/fixkb.fish" "$1" 2>&1 |
			cut -f1 | sorted
	}
	is "$(fish_complete "$FIXKB ")" "$commands" "fish: every command"
	is "$(fish_complete "$FIXKB --format ")" "$formats" "fish: --format values are the binary's"
	is "$(fish_complete "$FIXKB --format=j")" "--format=json " "fish: --format=j"
	is "$(fish_complete "$FIXKB doctor --client ")" "$clients" "fish: --client values are the binary's"
	is "$(fish_complete "$FIXKB --lang ")" "$langs" "fish: --lang values are the binary's"
	is "$(fish_complete "$FIXKB kb ")" "$kbsubs" "fish: kb's subcommands"
	is "$(fish_complete "$FIXKB audit --fail-on ")" "$failon" "fish: audit --fail-on values are the binary's"
	is "$(fish_complete "$FIXKB -v kb show credentials/helper-m")" "$ids_helper_m" "fish: KB ids"
	is "$(fish_complete "$FIXKB probe ")" "$probes" "fish: probe names"
	run_fixkb doctor --list-options
	want=$( (printf '%s\n' $global; cut -f1 <<< "$RUN_OUT"; printf -- '-v\n-h\n') | sorted)
	is "$(fish_complete "$FIXKB doctor -")" "$want" "fish: doctor's and the global options"
else
	tap_skip "fish not installed (scripts/install-deps.sh installs it)"
fi

done_testing
