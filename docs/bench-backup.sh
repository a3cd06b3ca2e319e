#!/usr/bin/env bash
# Benchmark of the backup core against raw restic, on the same data, in one run.
#  1. wall time of `cfs-backup backup` vs raw `restic backup` of 1 GiB in 10,000 files (first backup)
#  2. an unchanged re-run: cfs-backup minus raw restic (JVM start included)
#  3. downtime of a container during a `stop` backup of a 1 GiB volume vs the stop-for-the-whole-
#     backup baseline (a raw restic backup of that volume)
# Medians of RUNS runs (default 5). Needs root, Docker, restic and the built jar (bin/quickstart).
# Usage: docs/bench-backup.sh [RUNS]   -- prints a Markdown table to stdout.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
RUNS=${1:-5}
[ -f target/cfs-backup.jar ] || mvn -q -B -DskipTests package
bin/install-deps >/dev/null 2>&1
work=$(mktemp -d /var/tmp/cfs-bench-XXXXXX)
vol="cfs-bench-$$"
ctr="cfs-bench-$$"
cleanup() { docker rm -f "$ctr" >/dev/null 2>&1 || true; docker volume rm -f "$vol" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

docker volume create "$vol" >/dev/null
mp=$(docker volume inspect --format '{{.Mountpoint}}' "$vol")
echo "bench: writing 1 GiB in 10,000 files to $mp" >&2
for d in $(seq 0 99); do
  mkdir -p "$mp/d$d"
  for f in $(seq 0 99); do head -c 107374 /dev/urandom > "$mp/d$d/f$f"; done
done
docker run -d --init --name "$ctr" -v "$vol:/data" cfs-busybox:latest /bin/sleep 1000000 >/dev/null
echo pw > "$work/pw"
export RESTIC_PASSWORD_FILE="$work/pw"
sync

write_config() { # $1 repo, $2 consistency (path source when empty)
  {
    echo "host: bench"
    echo "repository: {url: $1, password-file: $work/pw}"
    echo "state-dir: $work/state"
    echo "log-dir: $work/log"
    echo "cache-dir: $work/cache"
    echo "sources:"
    if [ -z "$2" ]; then echo "  - {name: data, path: $mp}"; else echo "  - {name: data, volume: $vol, consistency: $2}"; fi
  } > "$work/config.yaml"
}

# warm-up: the launcher makes its class-data-sharing archive on its first run; not timed
rm -rf "$work/warm"; restic -r "$work/warm" init -q; write_config "$work/warm" ""
bin/cfs-backup -c "$work/config.yaml" backup --dry-run >/dev/null

raw_first=(); cfs_first=(); raw_again=(); cfs_again=(); downtime=(); raw_vol=()
for i in $(seq 1 "$RUNS"); do
  echo "bench: run $i/$RUNS" >&2
  # raw restic, fresh repository, then an unchanged re-run
  rm -rf "$work/raw" "$work/cache"; restic -r "$work/raw" init -q
  t0=$(now); restic -r "$work/raw" --cache-dir "$work/cache" backup -q --host bench --tag data "$mp"; t1=$(now)
  raw_first+=("$(echo "$t1 - $t0" | bc -l)")
  t0=$(now); restic -r "$work/raw" --cache-dir "$work/cache" backup -q --host bench --tag data "$mp"; t1=$(now)
  raw_again+=("$(echo "$t1 - $t0" | bc -l)")
  # cfs-backup, fresh repository, same data, then an unchanged re-run
  rm -rf "$work/cfs" "$work/cache" "$work/state"; restic -r "$work/cfs" init -q
  write_config "$work/cfs" ""
  t0=$(now); bin/cfs-backup -c "$work/config.yaml" backup >/dev/null; t1=$(now)
  cfs_first+=("$(echo "$t1 - $t0" | bc -l)")
  t0=$(now); bin/cfs-backup -c "$work/config.yaml" backup >/dev/null; t1=$(now)
  cfs_again+=("$(echo "$t1 - $t0" | bc -l)")
  # stop consistency on a fresh repository: downtime as cfs-backup reports it
  rm -rf "$work/stop" "$work/cache" "$work/state"; restic -r "$work/stop" init -q
  write_config "$work/stop" stop
  d=$(bin/cfs-backup -c "$work/config.yaml" backup --json | grep '"downtime_s"' | head -1 | tr -dc '0-9.')
  downtime+=("$d")
  # the baseline: the containers would be down for a whole raw backup of the volume
  rm -rf "$work/base" "$work/cache"; restic -r "$work/base" init -q
  t0=$(now); restic -r "$work/base" --cache-dir "$work/cache" backup -q --host bench "$mp"; t1=$(now)
  raw_vol+=("$(echo "$t1 - $t0" | bc -l)")
done

m() { printf '%s\n' "$@" | median; }
rf=$(m "${raw_first[@]}"); cf=$(m "${cfs_first[@]}"); ra=$(m "${raw_again[@]}"); ca=$(m "${cfs_again[@]}")
dt=$(m "${downtime[@]}"); rv=$(m "${raw_vol[@]}")
cat <<TABLE
| measure (median of $RUNS runs) | value | target |
|---|---|---|
| raw \`restic backup\`, first, 1 GiB / 10,000 files | ${rf} s | |
| \`cfs-backup backup\`, first, same data | ${cf} s | |
| ratio cfs-backup / raw, first backup | $(echo "scale=3; $cf / $rf" | bc -l) | ≤ 1.10 |
| raw \`restic backup\`, unchanged re-run | ${ra} s | |
| \`cfs-backup backup\`, unchanged re-run | ${ca} s | |
| overhead over raw, unchanged re-run | $(echo "scale=3; $ca - $ra" | bc -l) s | ≤ 0.6 s |
| container downtime, \`stop\` backup (two passes) | ${dt} s | |
| baseline: raw backup of the volume (stopped throughout) | ${rv} s | |
| ratio downtime / baseline | $(echo "scale=3; $dt / $rv" | bc -l) | ≤ 0.2 |
TABLE
