#!/usr/bin/env bash
# Benchmark of a backup as the host runs it, against raw restic on the same data, in one run:
# the repository behind an rclone remote that answers `rclone about` (the `local` backend in an
# rclone.conf, as Google Drive is reached), cfs-backup through its launcher with the default config
# (the upload estimate on). Runs are interleaved (raw, cfs, raw, cfs, ...) and each line carries the
# load average, so a busy machine shows in the figures instead of hiding in a median.
#  1. first backup: `cfs-backup backup` / raw `restic backup` into fresh repositories
#  2. unchanged re-run: cfs-backup minus raw restic
#  3. (SHAPE=small only) downtime of a `stop` backup of a volume / raw backup of that volume, twice:
#     as it runs (the volume unchanged for longer than the stat census' quiet margin, so pass 1 is
#     kept when the stopped volume's census matches), and with the census' proof off (two passes,
#     CFS_BACKUP_CENSUS_QUIET_S so long that no volume is ever quiet: a volume that just changed)
# Where the time goes: JVM start (`cfs-backup --version`), `rclone about`, restic itself.
# Usage: docs/bench-backup.sh [RUNS] [SHAPE] [GIB]
#   SHAPE small (default): GIB GiB in 128 MiB random files plus 2,000 small ones (1 GiB: 8 + 2,000)
#   SHAPE large: GIB GiB in 2 GiB random files (the ollama case: a few model files)
# Prints a Markdown table to stdout, progress to stderr. Needs root, Docker, restic, rclone, the jar.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
RUNS=${1:-5}
SHAPE=${2:-small}
GIB=${3:-1}
[ -f target/cfs-backup.jar ] || mvn -q -B -DskipTests package
bin/install-deps >/dev/null 2>&1
work=$(mktemp -d /var/tmp/cfs-bench-XXXXXX)
vol="cfs-bench-$$"
ctr="cfs-bench-$$"
cleanup() { docker rm -f "$ctr" >/dev/null 2>&1 || true; docker volume rm -f "$vol" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'echo "bench: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
m() { printf '%s\n' "$@" | median; }
sub() { echo "scale=3; ($1) - ($2)" | bc -l; }
div() { echo "scale=3; ($1) / ($2)" | bc -l; }

docker volume create "$vol" >/dev/null
mp=$(docker volume inspect --format '{{.Mountpoint}}' "$vol")
echo "bench: writing $GIB GiB ($SHAPE) to $mp" >&2
if [ "$SHAPE" = large ]; then
  for i in $(seq 1 $(( (GIB + 1) / 2 ))); do head -c $((2 * 1024 * 1024 * 1024)) /dev/urandom > "$mp/model-$i.bin"; done
else
  for i in $(seq 1 $(( GIB * 8 ))); do head -c $((128 * 1024 * 1024)) /dev/urandom > "$mp/blob-$i.bin"; done
  for d in $(seq 0 19); do
    mkdir -p "$mp/small/d$d"
    for f in $(seq 0 99); do head -c 2048 /dev/urandom > "$mp/small/d$d/f$f"; done
  done
fi
docker run -d --init --name "$ctr" -v "$vol:/data" cfs-busybox:latest /bin/sleep 1000000 >/dev/null
echo pw > "$work/pw"; chmod 600 "$work/pw"
printf '[bench]\ntype = local\n' > "$work/rclone.conf"
export RESTIC_PASSWORD_FILE="$work/pw" RCLONE_CONFIG="$work/rclone.conf"
sync

write_config() { # $1 repository path, $2 consistency (a path source when empty)
  {
    echo "host: bench"
    echo "repository: {url: \"rclone:bench:$1\", password-file: $work/pw}"
    echo "rclone: {config: $work/rclone.conf, remote: bench}"
    echo "state-dir: $work/state"
    echo "log-dir: $work/log"
    echo "cache-dir: $work/cache"
    echo "sources:"
    if [ -z "$2" ]; then echo "  - {name: data, path: $mp}"; else echo "  - {name: data, volume: $vol, consistency: $2}"; fi
  } > "$work/config.yaml"
}
raw() { restic -r "rclone:bench:$1" --cache-dir "$work/cache" -o rclone.args="serve restic --stdio --b2-hard-delete --ask-password=false" "${@:2}"; }

# warm-up: the launcher makes its class-data-sharing archive on its first run; not timed
raw "$work/warm" init -q; write_config "$work/warm" ""
bin/cfs-backup -c "$work/config.yaml" backup >/dev/null
bin/cfs-backup --version >/dev/null

# the volume's data must be older than the census' quiet margin (70 s with Linux's write-back
# defaults) for the proof to hold, as a volume that is not being written is on a host
if [ "$SHAPE" = small ]; then
  margin=$(( 2 * ($(cat /proc/sys/vm/dirty_expire_centisecs) + $(cat /proc/sys/vm/dirty_writeback_centisecs)) / 100 ))
  [ "$margin" -ge 60 ] || margin=60
  newest=$(find "$mp" -printf '%C@\n' | sort -g | tail -1)
  wait_s=$(echo "$newest + $margin + 2 - $(now)" | bc -l | cut -d. -f1)
  if [ -n "$wait_s" ] && [ "$wait_s" -gt 0 ] 2>/dev/null; then echo "bench: waiting ${wait_s} s for the volume to be quiet" >&2; sleep "$wait_s"; fi
fi

raw_first=(); cfs_first=(); raw_again=(); cfs_again=(); downtime=(); twopass=(); floor=(); raw_vol=(); jvm=(); about=(); loads=()
for i in $(seq 1 "$RUNS"); do
  loads+=("$(load)")
  echo "bench: run $i/$RUNS, load $(load)" >&2
  rm -rf "$work/raw" "$work/cache"; raw "$work/raw" init -q
  # every timed run starts after a sync: the write-back of the run before (1 GiB into a local
  # repository) must not land on the next one, whichever side it is
  sync; t0=$(now); raw "$work/raw" backup -q --host bench --tag data "$mp"; t1=$(now)
  raw_first+=("$(sub "$t1" "$t0")")
  # the cfs side is made as an operator makes it: `cfs-backup init` (which also saves the config
  # snapshot; a repository made by raw restic gets it beside its first backup instead)
  rm -rf "$work/cfs" "$work/cache" "$work/state"; write_config "$work/cfs" ""
  bin/cfs-backup -c "$work/config.yaml" init >/dev/null 2>&1
  sync; t0=$(now); bin/cfs-backup -c "$work/config.yaml" backup >/dev/null; t1=$(now)
  cfs_first+=("$(sub "$t1" "$t0")")
  sync; t0=$(now); raw "$work/raw" backup -q --host bench --tag data "$mp"; t1=$(now)
  raw_again+=("$(sub "$t1" "$t0")")
  sync; t0=$(now); bin/cfs-backup -c "$work/config.yaml" backup >/dev/null; t1=$(now)
  cfs_again+=("$(sub "$t1" "$t0")")
  # where the fixed cost goes
  t0=$(now); bin/cfs-backup --version >/dev/null; t1=$(now); jvm+=("$(sub "$t1" "$t0")")
  t0=$(now); rclone about bench: --json >/dev/null; t1=$(now); about+=("$(sub "$t1" "$t0")")
  if [ "$SHAPE" = small ]; then
    rm -rf "$work/stop" "$work/cache" "$work/state"; raw "$work/stop" init -q
    write_config "$work/stop" stop
    sync; bin/cfs-backup -c "$work/config.yaml" backup --json > "$work/stop.json" || { cat "$work/stop.json" >&2; exit 1; }
    d=$(grep '"downtime_s"' "$work/stop.json" | head -1 | tr -dc '0-9.')
    downtime+=("$d")
    rm -rf "$work/stop" "$work/cache" "$work/state"; raw "$work/stop" init -q
    sync; CFS_BACKUP_CENSUS_QUIET_S=999999999 bin/cfs-backup -c "$work/config.yaml" backup --json > "$work/stop.json" || { cat "$work/stop.json" >&2; exit 1; }
    d=$(grep '"downtime_s"' "$work/stop.json" | head -1 | tr -dc '0-9.')
    twopass+=("$d")
    # the floor of any two-pass tool on restic: the same stop, an unchanged second pass, the same start
    sync; t0=$(now); docker stop -t 10 "$ctr" >/dev/null
    raw "$work/stop" backup -q --host bench --tag data "$mp"
    docker start "$ctr" >/dev/null; t1=$(now)
    floor+=("$(sub "$t1" "$t0")")
    rm -rf "$work/base" "$work/cache"; raw "$work/base" init -q
    sync; t0=$(now); raw "$work/base" backup -q --host bench "$mp"; t1=$(now)
    raw_vol+=("$(sub "$t1" "$t0")")
  fi
  echo "bench:   raw $(m "${raw_first[-1]}") s, cfs ${cfs_first[-1]} s; re-run raw ${raw_again[-1]} s, cfs ${cfs_again[-1]} s" >&2
done

# where the time goes: one traced first backup and one traced re-run, with restic and rclone (also
# restic's own `rclone serve`) wrapped by scripts on PATH that log each call's start and end
mkdir -p "$work/tracebin"
for prog in restic rclone; do
  real=$(command -v "$prog")
  cat > "$work/tracebin/$prog" <<WRAP
#!/bin/sh
sub=; skip=
for a in "\$@"; do
  if [ -n "\$skip" ]; then skip=; continue; fi
  case \$a in -r|--cache-dir|-o|--include|--config) skip=1 ;; -*) ;; *) sub=\$a; break ;; esac
done
case " \$* " in *" --stdin "*) sub="\$sub(stdin)" ;; esac
echo "start $prog \$sub \$(date +%s.%N)" >> "$work/trace.log"
"$real" "\$@"; rc=\$?
echo "end $prog \$sub \$(date +%s.%N)" >> "$work/trace.log"
exit \$rc
WRAP
  chmod +x "$work/tracebin/$prog"
done
trace() { # $1 label: one cfs-backup backup, its children's spans relative to its start
  : > "$work/trace.log"
  local t0 t1
  t0=$(now); PATH="$work/tracebin:$PATH" bin/cfs-backup -c "$work/config.yaml" backup >/dev/null; t1=$(now)
  python3 - "$1" "$t0" "$t1" "$work/trace.log" <<'PY'
import sys
label, t0, t1, log = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
opened, spans = {}, []
for line in open(log):
    kind, prog, sub, t = line.split()
    key = (prog, sub)
    if kind == "start":
        opened.setdefault(key, []).append(float(t))
    else:
        spans.append((opened[key].pop(0), float(t), prog + " " + sub))
spans.sort()
own = [s for s in spans if s[2] != "rclone serve"]
parts = ["JVM start to the first child %.2f s" % (own[0][0] - t0)] if own else []
parts += ["%s %.2f-%.2f s" % (n, a - t0, b - t0) for a, b, n in own]
if own:
    parts.append("last child's end to exit %.2f s" % (t1 - max(b for a, b, n in own)))
print("- %s (%.2f s in all): %s" % (label, t1 - t0, "; ".join(parts)))
PY
}
rm -rf "$work/cfs" "$work/cache" "$work/state"; write_config "$work/cfs" ""
bin/cfs-backup -c "$work/config.yaml" init >/dev/null 2>&1
breakdown_first=$(trace "traced first backup")
breakdown_again=$(trace "traced unchanged re-run")

rf=$(m "${raw_first[@]}"); cf=$(m "${cfs_first[@]}"); ra=$(m "${raw_again[@]}"); ca=$(m "${cfs_again[@]}")
cat <<TABLE
$RUNS interleaved runs, $GIB GiB ($SHAPE), load average at each run's start: ${loads[*]}

| measure (median of $RUNS runs) | value | target |
|---|---|---|
| raw \`restic backup\`, first | ${rf} s | |
| \`cfs-backup backup\`, first, same data and remote kind | ${cf} s | |
| ratio cfs-backup / raw, first backup | $(div "$cf" "$rf") | ≤ 1.05 |
| raw \`restic backup\`, unchanged re-run | ${ra} s | |
| \`cfs-backup backup\`, unchanged re-run | ${ca} s | |
| overhead over raw, unchanged re-run | $(sub "$ca" "$ra") s | ≤ 0.3 s |
| of which: JVM start and picocli (\`cfs-backup --version\`) | $(m "${jvm[@]}") s | |
| of which: one \`rclone about\` (skipped when the quota job's sample is under an hour old) | $(m "${about[@]}") s | |
TABLE
if [ "$SHAPE" = small ]; then
  dt=$(m "${downtime[@]}"); rv=$(m "${raw_vol[@]}")
  cat <<TABLE
| container downtime, \`stop\` backup of the quiet volume (pass 1 kept when the stopped census matches) | ${dt} s | |
| container downtime, \`stop\` backup, census proof off (two passes: a volume that just changed) | $(m "${twopass[@]}") s | |
| floor: \`docker stop\` + raw unchanged second pass + \`docker start\` | $(m "${floor[@]}") s | |
| baseline: raw backup of the volume (stopped throughout) | ${rv} s | |
| ratio downtime / baseline | $(div "$dt" "$rv") | ≤ 0.15 |
| ratio downtime with two passes / baseline | $(div "$(m "${twopass[@]}")" "$rv") | |
TABLE
fi
echo
echo "Where the time goes (times from cfs-backup's start; restic and rclone wrapped to log their spans):"
echo "$breakdown_first"
echo "$breakdown_again"
echo
echo "every run (s): raw first ${raw_first[*]}; cfs first ${cfs_first[*]}; raw again ${raw_again[*]}; cfs again ${cfs_again[*]}"
if [ "$SHAPE" = small ]; then echo "every run (s): downtime ${downtime[*]}; two passes ${twopass[*]}; floor ${floor[*]}; baseline ${raw_vol[*]}"; fi
