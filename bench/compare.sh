#!/usr/bin/env bash
# compare.sh times cold builds of one generated corpus by lectern, by Hugo
# (with the twin site bench/hugo-site) and by two floors (bench/floor: front
# matter + lectern's Markdown + highlighting + minify + writes, nothing else),
# and prints the medians and the ratios:
#
#   floor       highlighting by chroma's own lexers and HTML formatter, as
#               goldmark-highlighting does: the floor of the performance issue
#   floor-fast  highlighting by lectern's fast path (same HTML): everything
#               a build does but layouts, navigation and generated outputs
#   floor-stock (with STOCK=1) goldmark, goldmark-highlighting and
#               adrg/frontmatter, no lectern code but the minifier: checks
#               that floor is no slower than the stock pipeline
#
#   bash bench/compare.sh [N [RUNS]]        defaults: N=10000 lessons, RUNS=5
#   RUNS=1 N=100 bash bench/compare.sh      a quick smoke run
#
# Environment: N, RUNS (as the arguments, which win), SEED (1), HUGO (the Hugo
# binary; else /tmp/peers/bin/hugo, else hugo on PATH), CORPUS (a corpus
# folder to use instead of the generated one), WARMUP (1: one untimed round
# first, so no tool pays for reading the corpus from disk; 0: none), STOCK
# (1: time floor-stock too).
#
# Runs are interleaved (lectern, hugo, floor, floor-fast, lectern, …), each
# a new process writing into a new, empty folder. Wall time, CPU time
# (user+sys) and peak RSS come from GNU time. Both tools minify and highlight
# (lectern by default, Hugo with --minify and its default highlighting).
set -euo pipefail

N=${1:-${N:-10000}}
RUNS=${2:-${RUNS:-5}}
SEED=${SEED:-1}
WARMUP=${WARMUP:-1}
case "$N$RUNS" in *[!0-9]*) echo "compare.sh: N and RUNS must be numbers (got N=$N RUNS=$RUNS)" >&2; exit 2 ;; esac
if (( N < 1 || RUNS < 1 )); then
	echo "compare.sh: N and RUNS must be at least 1" >&2
	exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TIME=/usr/bin/time
if ! "$TIME" -f %e true 2>/dev/null; then
	echo "compare.sh: GNU time is needed at $TIME (apt-get install time)" >&2
	exit 1
fi

HUGO=${HUGO:-}
if [[ -z $HUGO ]]; then
	if [[ -x /tmp/peers/bin/hugo ]]; then
		HUGO=/tmp/peers/bin/hugo
	else
		HUGO=$(command -v hugo || true)
	fi
fi
if [[ -z $HUGO || ! -x $HUGO ]]; then
	echo "compare.sh: no Hugo found: set HUGO=/path/to/hugo, or install it (see bench/README.md)" >&2
	exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lectern-compare.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
BIN=$WORK/bin
mkdir -p "$BIN"

echo "building lectern, floor and gencorpus ..." >&2
(cd "$ROOT" && go build -o "$BIN/lectern" ./cmd/lectern && go build -o "$BIN/floor" ./bench/floor && go build -o "$BIN/gencorpus" ./bench/gencorpus)

if [[ -z ${CORPUS:-} ]]; then
	echo "finding or generating the $N-lesson corpus (seed $SEED) ..." >&2
	CORPUS=$("$BIN/gencorpus" -n "$N" -seed "$SEED" -cached)
fi
if [[ ! -f $CORPUS/site.yaml || ! -d $CORPUS/content ]]; then
	echo "compare.sh: $CORPUS holds no site.yaml and content/" >&2
	exit 1
fi
LESSONS=$(find "$CORPUS/content" -name 'lesson-*.md' | wc -l)

# Hugo writes a build lock and a resource cache into its site: give it a copy.
cp -r "$ROOT/bench/hugo-site" "$WORK/hugo-site"

OUT=$WORK/out
# run TOOL: one cold build into an empty $OUT; appends "wall cpu rss_kb" to
# $WORK/TOOL.times unless $counted is 0.
run() {
	local tool=$1 status=0
	rm -rf "$OUT"
	mkdir "$OUT"
	case $tool in
	lectern) "$TIME" -f '%e %U %S %M' -o "$WORK/time" "$BIN/lectern" build --source "$CORPUS" --dest "$OUT" --quiet >"$WORK/log" 2>&1 || status=$? ;;
	hugo) "$TIME" -f '%e %U %S %M' -o "$WORK/time" "$HUGO" -s "$WORK/hugo-site" --contentDir "$CORPUS/content" -d "$OUT" --minify --quiet --noBuildLock >"$WORK/log" 2>&1 || status=$? ;;
	floor) "$TIME" -f '%e %U %S %M' -o "$WORK/time" "$BIN/floor" -highlight chroma -source "$CORPUS" -dest "$OUT" >"$WORK/log" 2>&1 || status=$? ;;
	floor-fast) "$TIME" -f '%e %U %S %M' -o "$WORK/time" "$BIN/floor" -highlight lectern -source "$CORPUS" -dest "$OUT" >"$WORK/log" 2>&1 || status=$? ;;
	floor-stock) "$TIME" -f '%e %U %S %M' -o "$WORK/time" "$BIN/floor" -stock -source "$CORPUS" -dest "$OUT" >"$WORK/log" 2>&1 || status=$? ;;
	esac
	if (( status != 0 )); then
		echo "compare.sh: $tool failed (exit $status):" >&2
		cat "$WORK/log" >&2
		exit 1
	fi
	if (( counted )); then
		# The last line: GNU time puts a note about the exit status before it.
		tail -n 1 "$WORK/time" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' >>"$WORK/$tool.times"
		if [[ ! -f $WORK/$tool.pages ]]; then
			find "$OUT" -name '*.html' | wc -l >"$WORK/$tool.pages"
			# A build that writes fewer pages than there are lessons measures nothing.
			if (( $(cat "$WORK/$tool.pages") < LESSONS )); then
				echo "compare.sh: $tool wrote $(cat "$WORK/$tool.pages") HTML files for $LESSONS lessons" >&2
				exit 1
			fi
		fi
	fi
	printf '%s ' "$tool" >&2
}

TOOLS=(lectern hugo floor floor-fast)
if [[ ${STOCK:-0} == 1 ]]; then
	TOOLS+=(floor-stock)
fi
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
if awk -v l="${LOAD%% *}" -v n="$(nproc)" 'BEGIN { exit !(l + 0 > n + 0) }'; then
	echo "warning: load average $LOAD on $(nproc) CPUs: other work competes for the CPUs, so wall times will be noisy (compare CPU times)" >&2
fi
counted=0
if (( WARMUP )); then
	printf 'warm-up: ' >&2
	for t in "${TOOLS[@]}"; do run "$t"; done
	echo >&2
fi
counted=1
for ((i = 1; i <= RUNS; i++)); do
	printf 'run %d/%d: ' "$i" "$RUNS" >&2
	for t in "${TOOLS[@]}"; do run "$t"; done
	echo >&2
done

# median TOOL COLUMN: the median of a column of TOOL's times.
median() {
	awk -v c="$2" '{ print $c }' "$WORK/$1.times" | sort -g | awk '
		{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A WALL CPU RSS
for t in "${TOOLS[@]}"; do
	WALL[$t]=$(median "$t" 1)
	CPU[$t]=$(median "$t" 2)
	RSS[$t]=$(median "$t" 3)
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo
echo "## lectern vs Hugo vs the floors: $LESSONS lessons, $RUNS interleaved cold runs, medians"
echo
echo "| tool | wall s | CPU s | peak RSS MiB | wall ms/lesson | CPU ms/lesson | HTML files |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for t in "${TOOLS[@]}"; do
	awk -v t="$t" -v w="${WALL[$t]}" -v c="${CPU[$t]}" -v r="${RSS[$t]}" -v n="$LESSONS" -v p="$(cat "$WORK/$t.pages")" 'BEGIN {
		printf "| %s | %.2f | %.2f | %.0f | %.2f | %.2f | %d |\n", t, w, c, r / 1024, w * 1000 / n, c * 1000 / n, p }'
done
echo
echo "| ratio | wall | CPU | peak RSS |"
echo "|---|---:|---:|---:|"
echo "| lectern / Hugo | $(ratio "${WALL[lectern]}" "${WALL[hugo]}") | $(ratio "${CPU[lectern]}" "${CPU[hugo]}") | $(ratio "${RSS[lectern]}" "${RSS[hugo]}") |"
echo "| lectern / floor | $(ratio "${WALL[lectern]}" "${WALL[floor]}") | $(ratio "${CPU[lectern]}" "${CPU[floor]}") | $(ratio "${RSS[lectern]}" "${RSS[floor]}") |"
echo "| lectern / floor-fast | $(ratio "${WALL[lectern]}" "${WALL[floor-fast]}") | $(ratio "${CPU[lectern]}" "${CPU[floor-fast]}") | $(ratio "${RSS[lectern]}" "${RSS[floor-fast]}") |"
if [[ -n ${WALL[floor-stock]:-} ]]; then
	echo "| floor / floor-stock | $(ratio "${WALL[floor]}" "${WALL[floor-stock]}") | $(ratio "${CPU[floor]}" "${CPU[floor-stock]}") | $(ratio "${RSS[floor]}" "${RSS[floor-stock]}") |"
fi
echo
echo "All runs (wall s, CPU s, peak RSS KiB):"
for t in "${TOOLS[@]}"; do
	printf '  %-11s %s\n' "$t" "$(awk '{ printf "%s/%s/%s  ", $1, $2, $3 }' "$WORK/$t.times")"
done
echo
echo "Versions and machine:"
echo "  $("$BIN/lectern" version), checkout $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
echo "  $("$HUGO" version) ($HUGO)"
echo "  $(go version)"
echo "  $(nproc) CPUs: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)"
echo "  memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown), load average before the runs: $LOAD"
echo "  corpus: $CORPUS"
