#!/usr/bin/env bash
# explain-throughput.sh — how fast does explain's matcher read a big CI log?
#
#   bench/explain-throughput.sh [BUILD_DIR] [SIZE_MB] [ROUNDS]
#
# Builds bench/matchbench and bench/genlog in BUILD_DIR (default: build),
# writes a SIZE_MB (default 500) CI-like log into $BENCH_DIR (default
# ${TMPDIR:-/tmp}/fixkb-bench), then times, in ROUNDS (default 3)
# interleaved rounds on a warm page cache:
#   explain `fixkb explain --offline --format json` with the whole KB
#   rg      rg -c -f <the KB's regexes>
#   grep    LC_ALL=C grep -E -c -f <the KB's regexes>
#   fixkb   bench/matchbench: the matcher alone on bench/patterns.tsv
#   rg-tsv  rg -c -f <bench/patterns.tsv as ERE>, the same 18 patterns
# so explain is compared with rg and grep on the same (KB) patterns, and
# the bare matcher with rg on its own pattern set. Reports the best time of each as MB/s, the ratios, and the
# peak RSS (/usr/bin/time %M), and a verdict on issue 15's goal (explain >= 2.5x rg, peak RSS <= 12 MB).
# FIXKB_KB_DIR is the source kb/, which kb_load recognises as the embedded KB (same bytes) and so loads
# as the binary's compiled view, as an unedited installed KB is. Not a test: nothing fails on slowness.
# Needs: ripgrep, grep, time (apt-get install ripgrep time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
size_mb=${2:-500}
rounds=${3:-3}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/fixkb-bench}

for tool in rg grep /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "explain-throughput: $tool not found" >&2; exit 2; }
done
ninja -C "$build" bench/matchbench bench/genlog >/dev/null
matchbench=$build/bench/matchbench
genlog=$build/bench/genlog

mkdir -p "$work"
log=$work/ci-$size_mb.log
if [ ! -s "$log" ]; then
	echo "generating $log ($size_mb MB)..."
	"$genlog" "$size_mb" 1 >"$log.tmp"
	mv "$log.tmp" "$log"
fi
grep -v '^#' "$here/patterns.tsv" | cut -f2 | sed 's/(?<[a-z]*>/(/g' >"$work/patterns.ere"
python3 "$here/kb-patterns.py" "$here/../kb" >"$work/kb.ere"
fixkb_bin=$build/fixkb
ninja -C "$build" fixkb >/dev/null
bytes=$(stat -c %s "$log")
cat "$log" >/dev/null   # warm the page cache

# run NAME CMD...: one timed run; appends "NAME seconds rss_kb count" to $work/runs
run() {
	local name=$1 start end count rss
	shift
	start=$(date +%s%N)
	/usr/bin/time -f %M -o "$work/rss" "$@" >"$work/out" 2>"$work/err" || {
		# grep and rg exit 1 when nothing matched, explain when it found
		# something; anything else (rg's 2 on a bad pattern) is a failure
		rc=$?
		case $name in fixkb) cat "$work/err" >&2; exit 1 ;; esac
		[ "$rc" -eq 1 ] || { echo "$name failed ($rc):" >&2; head -c 600 "$work/err" >&2; exit 1; }
	}
	end=$(date +%s%N)
	rss=$(tail -n1 "$work/rss")
	case $name in
	fixkb) count=$(sed -n 's/.*matched_lines=\([0-9]*\).*/\1/p' "$work/out") ;;
	explain) count=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(f["occurrences"] for f in d["findings"]))' "$work/out") ;;
	*) count=$(cat "$work/out") ;;
	esac
	echo "$name $(( (end - start) / 1000 )) $rss $count" >>"$work/runs"
	printf '  %-6s %8.3f s %7.0f MB/s %6d KB RSS  %s lines matched\n' "$name" \
		"$(echo "($end - $start) / 1000000000" | bc -l)" \
		"$(echo "$bytes / 1048576 / (($end - $start) / 1000000000)" | bc -l)" "$rss" "$count"
}

: >"$work/runs"
echo "log: $log ($(( bytes / 1048576 )) MB, $(wc -l <"$log") lines); KB: $(wc -l <"$work/kb.ere") signatures; patterns.tsv: $(grep -vc '^#' "$here/patterns.tsv")"
"$matchbench" "$here/patterns.tsv" /dev/null 2>&1 >/dev/null | sed 's/^/  /'
for r in $(seq 1 "$rounds"); do
	echo "round $r"
	run explain env FIXKB_KB_DIR="$here/../kb" "$fixkb_bin" explain --offline --format json "$log"
	run rg rg --no-config -c -f "$work/kb.ere" "$log"
	run grep env LC_ALL=C grep -E -c -f "$work/kb.ere" "$log"
	run fixkb "$matchbench" "$here/patterns.tsv" "$log"
	run rg-tsv rg --no-config -c -f "$work/patterns.ere" "$log"
done
echo "line-by-line path, for comparison (1 run):"
"$matchbench" --lines "$here/patterns.tsv" "$log" 2>/dev/null | sed 's/^/  /'

echo "best of $rounds:"
awk -v bytes="$bytes" '
	{ if (!($1 in best) || $2 < best[$1]) best[$1] = $2
	  if ($3 > rss[$1]) rss[$1] = $3
	  cnt[$1] = $4 }
	END {
		n = split("explain rg grep fixkb rg-tsv", order, " ")
		for (i = 1; i <= n; i++) {
			t = order[i]
			mbs[t] = bytes / 1048576 / (best[t] / 1e6)
			printf "  %-6s %8.0f MB/s  peak RSS %6.1f MB  %s lines matched\n", t, mbs[t], rss[t] / 1024, cnt[t]
		}
		printf "  explain/rg     %.2fx   (KB patterns)\n", mbs["explain"] / mbs["rg"]
		printf "  explain/grep   %.2fx   (KB patterns)\n", mbs["explain"] / mbs["grep"]
		printf "  matcher/rg-tsv %.2fx   (bench/patterns.tsv)\n", mbs["fixkb"] / mbs["rg-tsv"]
		printf "  goal (issue 15: explain >= 2.5x rg, peak RSS <= 12 MB): %s\n", (mbs["explain"] >= 2.5 * mbs["rg"] && rss["explain"] <= 12288) ? "met" : "NOT met"
	}' "$work/runs"
