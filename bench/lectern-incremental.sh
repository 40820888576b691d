#!/usr/bin/env bash
# lectern's dev server, measured as bench/hugo-incremental.sh measures Hugo's.
#
#   bench/lectern-incremental.sh CORPUS_DIR [REPS] [LESSON]
#
# Starts `lectern serve` (127.0.0.1) on a private copy of CORPUS_DIR, waits
# for the first build, then REPS times: appends a paragraph with a unique
# marker to one lesson, and records
#   - served:  ms from the write until `curl` gets a page containing the
#              marker (polled every ~10 ms; includes the watcher's batching), and
#   - lectern: the rebuild time lectern logs ("rebuilt in …").
# EDIT=title changes the lesson's title instead, and waits for it to appear
# in the sidebar of a sibling lesson (CHECK, default module-07/lesson-034).
# Env: LECTERN (binary; default: built from this checkout), PORT (default 4848).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=${1:?usage: lectern-incremental.sh CORPUS_DIR [REPS] [LESSON]}
REPS=${2:-7}
LESSON=${3:-module-07/lesson-033}
PORT=${PORT:-4848}
EDIT=${EDIT:-body}
CHECK=${CHECK:-module-07/lesson-034}

WORK=$(mktemp -d /tmp/lectern-incr.XXXXXX)
if [ -z "${LECTERN:-}" ]; then
  LECTERN="$WORK/lectern"
  (cd "$HERE/.." && go build -o "$LECTERN" ./cmd/lectern)
fi
mkdir "$WORK/site"
cp -r "$CORPUS/content" "$WORK/site/content"
cp "$CORPUS/site.yaml" "$WORK/site/site.yaml"
FILE="$WORK/site/content/$LESSON.md"
URL="http://127.0.0.1:$PORT/$LESSON/"
[ "$EDIT" = title ] && URL="http://127.0.0.1:$PORT/$CHECK/"
LOG="$WORK/server.log"

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

t0=$(date +%s%N)
"$LECTERN" serve --source "$WORK/site" --port "$PORT" >"$LOG" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

until curl -sf -o /dev/null "$URL"; do
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; echo "lectern serve exited" >&2; exit 1; }
  sleep 0.05
done
echo "edit=$EDIT lesson=$LESSON page checked=$URL"
echo "server ready after $(ms_since "$t0") ms; server RSS $(( $(ps -o rss= -p "$PID") / 1024 )) MiB"
sleep 3

served=(); logged=()
for i in $(seq 1 "$REPS"); do
  marker="benchedit$i$RANDOM$RANDOM"
  before=$(grep -c 'rebuilt in' "$LOG" || true)
  t0=$(date +%s%N)
  if [ "$EDIT" = title ]; then
    sed -i "s/^title: .*/title: \"Edited title $marker\"/" "$FILE"
  else
    printf '\nEdited paragraph %s.\n' "$marker" >>"$FILE"
  fi
  until curl -s -o "$WORK/page.html" "$URL" && grep -q "$marker" "$WORK/page.html"; do sleep 0.01; done
  s=$(ms_since "$t0")
  until [ "$(grep -c 'rebuilt in' "$LOG" || true)" -gt "$before" ]; do sleep 0.05; done
  l=$(grep -o 'rebuilt in [0-9.]*[mµ]*s' "$LOG" | tail -1 | sed 's/rebuilt in //' |
    awk '/µs$/ {sub(/µs$/, ""); print $0/1000; next} /ms$/ {sub(/ms$/, ""); print; next} {sub(/s$/, ""); print $0*1000}')
  echo "edit $i: served after ${s} ms; lectern: rebuilt in ${l} ms"
  served+=("$s"); logged+=("$l")
  sleep 3
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "median: served $(median "${served[@]}") ms; lectern rebuilt in $(median "${logged[@]}") ms; server RSS now $(( $(ps -o rss= -p "$PID") / 1024 )) MiB"
