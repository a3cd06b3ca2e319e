#!/usr/bin/env bash
# The web console at scale (issue 17): a folder of ENTRIES entries listed page by page through
# GET /api/snapshots/ID/ls (the console's JVM peak RSS before and after the walk), and a file of
# SIZE_MIB MiB downloaded through GET /api/snapshots/ID/file against raw `restic dump` of it.
# Runs `cfs-backup web` through the launcher against a throw-away local repository.
# Usage: docs/bench-web.sh [ENTRIES] [SIZE_MIB] [PAGE]   (needs target/cfs-backup.jar, restic, curl, jq-free)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
entries=${1:-100000}
size=${2:-1024}
page=${3:-1000}
[ -f target/cfs-backup.jar ] || { echo "build first: mvn -DskipTests package" >&2; exit 2; }
work=$(mktemp -d /tmp/cfs-bench-web.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
echo bench-password > "$work/pw"
echo bench-web-password > "$work/web-pw"
mkdir -p "$work/data/big"
python3 - "$work/data/big" "$entries" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    open(os.path.join(d, "e%07d" % i), "wb").close()
PY
head -c "$((size * 1024 * 1024))" /dev/urandom > "$work/data/blob.bin"
port=$(( 20000 + RANDOM % 20000 ))
cat > "$work/config.yaml" <<YAML
host: bench
repository: {url: $work/repo, password-file: $work/pw}
state-dir: $work/state
log-dir: $work/log
cache-dir: $work/cache
sources:
  - {name: data, path: $work/data}
web: {listen: "127.0.0.1:$port", password-file: $work/web-pw}
YAML
c="bin/cfs-backup -c $work/config.yaml"
$c init >/dev/null 2>&1
t0=$(date +%s.%N); $c backup >/dev/null 2>&1; t1=$(date +%s.%N)
printf 'backup of %d entries and %d MiB: %.1f s\n' "$entries" "$size" "$(echo "$t1 - $t0" | bc -l)"
$c web 2>"$work/web.log" &
pid=$!
b="http://127.0.0.1:$port"
for _ in $(seq 1 150); do curl -s -o /dev/null "$b/login" && break; sleep 0.2; done
curl -s -c "$work/jar" -o /dev/null -d password=bench-web-password "$b/login"
id=$(curl -s -b "$work/jar" "$b/api/snapshots?source=data" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$pid/status"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
curl -s -b "$work/jar" -o /dev/null "$b/api/snapshots/$id/ls?path=/&limit=10"
before=$(hwm)
after=""; n=0; pages=0
t0=$(date +%s.%N)
first=""
while :; do
  body=$(curl -s -b "$work/jar" "$b/api/snapshots/$id/ls?path=big&limit=$page&after=$after")
  read -r got next < <(printf '%s' "$body" | python3 -c 'import json,sys; p=json.load(sys.stdin); print(len(p["entries"]), p["next"] or "-")')
  n=$((n + got)); pages=$((pages + 1))
  [ -z "$first" ] && first=$(echo "$(date +%s.%N) - $t0" | bc -l)
  [ "$next" = "-" ] && break
  after=$next
done
t1=$(date +%s.%N)
printf 'listed %d entries in %d pages of %d: first page %.2f s, all %.1f s (%.2f s a page)\n' "$n" "$pages" "$page" \
  "$first" "$(echo "$t1 - $t0" | bc -l)" "$(echo "($t1 - $t0) / $pages" | bc -l)"
printf 'console JVM: peak RSS %.1f MiB before the walk, %.1f MiB after (RSS now %.1f MiB)\n' \
  "$(echo "$before/1024" | bc -l)" "$(echo "$(hwm)/1024" | bc -l)" "$(echo "$(rss)/1024" | bc -l)"
[ "$n" -eq "$entries" ] || { echo "expected $entries entries, got $n" >&2; exit 1; }
for round in 1 2; do
  t0=$(date +%s.%N)
  RESTIC_PASSWORD_FILE="$work/pw" restic -r "$work/repo" --cache-dir "$work/cache" dump "$id" "$work/data/blob.bin" > /dev/null
  t1=$(date +%s.%N)
  raw=$(echo "$t1 - $t0" | bc -l)
  t0=$(date +%s.%N)
  got=$(curl -s -b "$work/jar" -o /dev/null -w '%{size_download}' "$b/api/snapshots/$id/file?path=blob.bin")
  t1=$(date +%s.%N)
  web=$(echo "$t1 - $t0" | bc -l)
  [ "$got" -eq "$((size * 1024 * 1024))" ] || { echo "downloaded $got bytes" >&2; exit 1; }
  printf 'round %d: %d MiB: raw restic dump %.1f s (%.0f MiB/s), console download %.1f s (%.0f MiB/s): %.2f x raw speed\n' \
    "$round" "$size" "$raw" "$(echo "$size / $raw" | bc -l)" "$web" "$(echo "$size / $web" | bc -l)" "$(echo "$raw / $web" | bc -l)"
done
printf 'console JVM peak RSS after the downloads: %.1f MiB\n' "$(echo "$(hwm)/1024" | bc -l)"
