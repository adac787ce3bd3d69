# zsh-complete.zsh BIN FPATHDIR OUT LINE...: types "BIN LINE" and a TAB into an
# interactive zsh (zpty) whose fpath has _fixkb, and appends the command line
# after the completion, one a line, to OUT (t0030-completion.sh).
zmodload zsh/zpty || exit 3
bin=$1 dir=$2 out=$3
shift 3
: > $out
wait_lines() {  # wait_lines N: until OUT has N lines (10 s at most)
  local i
  for i in {1..100}; do
    (( ${#${(f)"$(<$out)"}} >= $1 )) && return 0
    sleep 0.1
  done
  return 1
}
zpty z zsh -f -i || exit 3
zpty -w z "PS1='' PROMPT_EOL_MARK=''; LISTPROMPT=''; LISTMAX=10000; fpath=($dir \$fpath); autoload -Uz compinit; compinit -u -d $out.zcd"
zpty -w z "_fx_show() { print -r -- \"\$BUFFER\" >> $out; }; zle -N _fx_show; bindkey '^Xp' _fx_show; print -r -- ready >> $out"
wait_lines 1 || exit 4
n=1
for l in "$@"; do
  zpty -n -w z "$bin $l"$'\t\C-xp\C-u'
  (( n++ ))
  wait_lines $n || { print -r -- "(no completion for: $l)" >> $out; break; }
  # drain the terminal output
  while zpty -r -t z junk; do :; done
done
zpty -d z
