#!/usr/bin/env bash
# A file of SIZE_MIB MiB downloaded from the web console (GET /api/snapshots/ID/file, curl to
# /dev/null) against raw `restic dump ID FILE > /dev/null` of the same file, in PAIRS interleaved
# pairs (the order alternates: raw first in odd pairs, the console first in even ones), so that the
# load of a shared machine falls on both alike. Prints each pair, the medians, the median of the
# per-pair ratios (console speed / raw speed) and the load average before and after.
# PIPE=1 adds a third run to each pair: `restic dump ... | cat > /dev/null`, restic writing into a
# pipe as it does under the console (on a loaded machine a restic that never blocks on its output, as
# into /dev/null, gets less CPU than one that does: see docs/benchmarks.md, "Web console: download").
# Runs `cfs-backup web` through the launcher against a throw-away repository behind an rclone remote
# (the `local` backend reached as rclone:bench:PATH, as the host reaches Drive; raw restic gets the
# same rclone.args as cfs-backup's); REMOTE=path uses a plain local path instead (the earlier figures).
# Usage: docs/bench-download.sh [SIZE_MIB] [PAIRS]   (needs target/cfs-backup.jar, restic, rclone, curl, python3)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
size=${1:-1024}
pairs=${2:-5}
[ -f target/cfs-backup.jar ] || { echo "build first: mvn -DskipTests package" >&2; exit 2; }
work=$(mktemp -d /tmp/bench-download.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
echo bench-password > "$work/pw"; chmod 600 "$work/pw"
echo bench-web-password > "$work/web-pw"
mkdir -p "$work/data"
head -c "$((size * 1024 * 1024))" /dev/urandom > "$work/data/blob.bin"
port=$(( 20000 + RANDOM % 20000 ))
printf '[bench]\ntype = local\n' > "$work/rclone.conf"
if [ "${REMOTE:-rclone}" = path ]; then
  repo="$work/repo"; rclone_yaml=""; ropts=()
else
  repo="rclone:bench:$work/repo"; rclone_yaml="rclone: {config: $work/rclone.conf, remote: bench}"
  ropts=(-o "rclone.args=serve restic --stdio --b2-hard-delete --ask-password=false")
fi
export RCLONE_CONFIG="$work/rclone.conf"
cat > "$work/config.yaml" <<YAML
host: bench
repository: {url: "$repo", password-file: $work/pw}
$rclone_yaml
state-dir: $work/state
log-dir: $work/log
cache-dir: $work/cache
sources:
  - {name: data, path: $work/data}
web: {listen: "127.0.0.1:$port", password-file: $work/web-pw}
YAML
# a copy of the jar: a rebuild during the run cannot pull the classes from under the console
cp target/cfs-backup.jar "$work/cfs-backup.jar"
export CFS_BACKUP_JAR="$work/cfs-backup.jar"
c="bin/cfs-backup -c $work/config.yaml"
$c init >/dev/null 2>&1
$c backup >/dev/null 2>&1
$c web 2>"$work/web.log" &
pid=$!
b="http://127.0.0.1:$port"
for _ in $(seq 1 150); do curl -s -o /dev/null "$b/login" && break; sleep 0.2; done
curl -s -c "$work/jar" -o /dev/null -d password=bench-web-password "$b/login"
id=$(curl -s -b "$work/jar" "$b/api/snapshots?source=data" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
bytes=$((size * 1024 * 1024))
now() { date +%s.%N; }
raw() {
  local t0; t0=$(now)
  RESTIC_PASSWORD_FILE="$work/pw" restic -r "$repo" "${ropts[@]}" --cache-dir "$work/cache" dump "$id" "$work/data/blob.bin" > /dev/null
  echo "$(now) - $t0" | bc -l
}
rawpipe() {
  local t0; t0=$(now)
  RESTIC_PASSWORD_FILE="$work/pw" restic -r "$repo" "${ropts[@]}" --cache-dir "$work/cache" dump "$id" "$work/data/blob.bin" | cat > /dev/null
  echo "$(now) - $t0" | bc -l
}
web() {
  local t0 got; t0=$(now)
  got=$(curl -s -b "$work/jar" -o /dev/null -w '%{size_download} %{time_starttransfer}' "$b/api/snapshots/$id/file?path=blob.bin")
  [ "${got% *}" -eq "$bytes" ] || { echo "downloaded ${got% *} bytes, expected $bytes" >&2; exit 1; }
  echo "$(echo "$(now) - $t0" | bc -l) ${got#* }"
}
# the folder listed first, as the page does before its download link is clicked (the console then
# knows the file's size and needs no restic ls beside the dump; an earlier download would do the same)
curl -s -b "$work/jar" -o /dev/null "$b/api/snapshots/$id/ls?path=/"
# one of each first, not counted: the repository's files and the console's code are warm for both
raw >/dev/null; web >/dev/null
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "size ${size} MiB, ${pairs} pairs, repository $repo, load average before: ${load0}"
rs=(); ws=(); qs=(); ps=(); pqs=()
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then
    r=$(raw); read -r w ttfb < <(web); [ "${PIPE:-0}" = 1 ] && p=$(rawpipe)
  else
    [ "${PIPE:-0}" = 1 ] && p=$(rawpipe); read -r w ttfb < <(web); r=$(raw)
  fi
  q=$(echo "$r / $w" | bc -l)
  rs+=("$r"); ws+=("$w"); qs+=("$q")
  extra=""
  if [ "${PIPE:-0}" = 1 ]; then
    pq=$(echo "$p / $w" | bc -l); ps+=("$p"); pqs+=("$pq")
    extra=$(printf '; raw dump | cat %.2f s: %.2f x its speed' "$p" "$pq")
  fi
  printf 'pair %d: raw restic dump %.2f s (%.0f MiB/s), console %.2f s (%.0f MiB/s, first byte after %.2f s): %.2f x raw speed%s (load %s)\n' \
    "$i" "$r" "$(echo "$size / $r" | bc -l)" "$w" "$(echo "$size / $w" | bc -l)" "$ttfb" "$q" "$extra" "$(cut -d' ' -f1 /proc/loadavg)"
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mr=$(med "${rs[@]}"); mw=$(med "${ws[@]}"); mq=$(med "${qs[@]}")
printf 'median: raw %.2f s (%.0f MiB/s), console %.2f s (%.0f MiB/s); median ratio %.2f x raw speed (ratio of medians %.2f)\n' \
  "$mr" "$(echo "$size / $mr" | bc -l)" "$mw" "$(echo "$size / $mw" | bc -l)" "$mq" "$(echo "$mr / $mw" | bc -l)"
if [ "${PIPE:-0}" = 1 ]; then
  mp=$(med "${ps[@]}"); mpq=$(med "${pqs[@]}")
  printf 'median: raw dump | cat %.2f s (%.0f MiB/s); median ratio console / raw-into-a-pipe %.2f x\n' "$mp" "$(echo "$size / $mp" | bc -l)" "$mpq"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'console JVM peak RSS: %.1f MiB\n' "$(echo "$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")/1024" | bc -l)"
