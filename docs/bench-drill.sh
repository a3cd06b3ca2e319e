#!/usr/bin/env bash
# Benchmarks of the drill and the restore against raw restic on the same snapshot (docs/benchmarks.md,
# section "Drill and restore"). Usage, from the project folder after 'mvn -DskipTests package':
#   docs/bench-drill.sh throughput [WORKDIR] [MIB]   # streaming drill vs restic dump; restore --target vs restic restore
#   docs/bench-drill.sh heap [WORKDIR] [FILES]       # peak heap of a drill of FILES small files with -Xmx256m
#   docs/bench-drill.sh breakdown [WORKDIR] [MIB]    # where the drill's time goes: start, restic dump, end; the pipe's cost
#   docs/bench-drill.sh start [WORKDIR] [MIB]        # ms from the launcher's start to restic's, as shipped and with
#                                                    # CFS_BACKUP_JAVA_EXTRA_OPTS=$START_B (default: two compiler threads)
# WORKDIR (default /var/tmp/cfs-bench-drill) keeps the data and the repository between runs.
# The repository is reached as the host reaches Drive, through an rclone remote (BACKEND=plain: a
# plain local path, as the figures before 2026-12-02 were measured).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
mode=${1:-throughput}
work=${2:-/var/tmp/cfs-bench-drill}
jar=${CFS_BACKUP_JAR:-$PWD/target/cfs-backup.jar}
[ -f "$jar" ] || { echo "build the jar first: mvn -DskipTests package" >&2; exit 2; }
# cfs-backup runs through its launcher, with the JVM options and class-data-sharing archive users get
launcher=$PWD/bin/cfs-backup
export CFS_BACKUP_JAR=$jar CFS_BACKUP_CDS_DIR=$work/cds
runs=${RUNS:-5}

setup() { # $1 = folder name, $2 = generator function
  local d=$work/$1
  mkdir -p "$d"
  echo "bench password" > "$work/password"; chmod 600 "$work/password"
  if [ ! -f "$d/.generated" ]; then "$2" "$d/data"; touch "$d/.generated"; fi
  # the host's configuration: the repository behind an rclone remote (the local backend, which
  # answers `about`, as Drive does); BACKEND=plain for a plain local path (cfs-backup's own overhead)
  local url=$d/repo rclone_line=
  if [ "${BACKEND:-rclone}" = rclone ]; then
    printf '[bench]\ntype = local\n' > "$work/rclone.conf"
    url="rclone:bench:$d/repo"
    rclone_line="rclone: {config: $work/rclone.conf, remote: bench}"
  fi
  export RCLONE_CONFIG=$work/rclone.conf
  cat > "$d/config.yaml" <<YAML
host: cfs-bench
repository: {url: "$url", password-file: $work/password}
$rclone_line
state-dir: $d/state
log-dir: $d/log
cache-dir: $d/cache
sources:
  - {name: bench, path: $d/data}
YAML
  if [ ! -f "$d/repo/config" ]; then
    CFS_BACKUP_JAVA_EXTRA_OPTS=-Xmx256m "$launcher" -c "$d/config.yaml" init >/dev/null
    CFS_BACKUP_JAVA_EXTRA_OPTS=-Xmx256m "$launcher" -c "$d/config.yaml" backup >/dev/null
  fi
  export RESTIC_PASSWORD_FILE=$work/password RESTIC_REPOSITORY=$url RESTIC_CACHE_DIR=$d/cache
  snap=$(restic snapshots --json --tag bench latest | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["short_id"])')
  cfg=$d/config.yaml
  data=$d/data
}

gen_big() { # MIB MiB of incompressible data in 64 MiB files, plus a few small files
  mkdir -p "$1/small"
  local n=$(( ${MIB:-1024} / 64 ))
  for i in $(seq 1 "$n"); do head -c $((64 * 1024 * 1024)) /dev/urandom > "$1/part-$i.bin"; done
  for i in $(seq 1 100); do head -c 4096 /dev/urandom > "$1/small/s$i"; done
}

gen_many() { # FILES small files in folders of 1000
  python3 - "$1" "${FILES:-1000000}" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%04d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%07d.txt" % i), "w") as f:
        f.write("file %d\n" % i)
PY
}

wall() { # prints the wall seconds of the command
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null || { echo "failed (exit $?): $*" >&2; return 1; }
  t1=$(date +%s.%N)
  python3 -c "print(round($t1 - $t0, 2))"
}

median() { python3 -c "import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print(statistics.median(v))" "$@"; }

case $mode in
  throughput)
    MIB=${3:-1024}
    setup big gen_big
    size=$(du -sb "$data" | cut -f1)
    echo "snapshot $snap of $data: $size bytes; repository ${BACKEND:-rclone} ($RESTIC_REPOSITORY); $runs runs each, median wall seconds"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    restic dump "$snap" "$data" > /dev/null # warm the cache
    # untimed: the launcher's first run writes the class-data-sharing archive
    "$launcher" -c "$cfg" drill > /dev/null
    rm -rf "$work/r-cfs"; "$launcher" -c "$cfg" restore bench --target "$work/r-cfs" > /dev/null; rm -rf "$work/r-cfs"
    d=() ; p=() ; s=() ; r=() ; c=()
    rm -rf "$work/r-raw" "$work/r-cfs"
    # each timed command starts after a sync, so that no run pays for the previous one's write-back
    for i in $(seq 1 "$runs"); do
      sync; d+=("$(wall restic dump "$snap" "$data")") || exit 1
      # the honest floor of any streaming verifier: restic dump through a 1 MiB pipe (the drill's) into cat
      sync; p+=("$(wall sh -c "perl -e 'fcntl(STDOUT, 1031, 1048576); exec @ARGV' restic dump $snap $data | cat > /dev/null")")
      sync; s+=("$(wall "$launcher" -c "$cfg" drill)")
      sync; r+=("$(wall restic restore "$snap" --target "$work/r-raw")")
      rm -rf "$work/r-raw"
      sync; c+=("$(wall "$launcher" -c "$cfg" restore bench --target "$work/r-cfs")")
      rm -rf "$work/r-cfs"
    done
    md=$(median "${d[@]}"); mp=$(median "${p[@]}"); ms=$(median "${s[@]}"); mr=$(median "${r[@]}"); mc=$(median "${c[@]}")
    echo "raw 'restic dump' to /dev/null:  ${d[*]}  median $md s"
    echo "raw 'restic dump | cat' (1 MiB pipe): ${p[*]}  median $mp s"
    echo "cfs-backup drill (streaming):    ${s[*]}  median $ms s  ratio $(python3 -c "print(round($ms/$md,2))") (to the piped dump: $(python3 -c "print(round($ms/$mp,2))"))"
    echo "raw 'restic restore --target':   ${r[*]}  median $mr s"
    echo "cfs-backup restore --target:     ${c[*]}  median $mc s  ratio $(python3 -c "print(round($mc/$mr,2))")"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    ;;
  heap)
    FILES=${3:-1000000}
    setup many gen_many
    log=$work/many/gc.log
    rm -f "$log"
    echo "snapshot $snap of $data ($FILES files)"
    t=$(CFS_BACKUP_JAVA_EXTRA_OPTS="-Xmx256m -Xlog:gc:file=$log" wall "$launcher" -c "$cfg" drill) || exit 1
    echo "drill with -Xmx256m: passed (exit 0), $t s wall"
    echo "raw 'restic dump' of the same snapshot to /dev/null: $(wall restic dump "$snap" "$data") s wall"
    python3 - "$log" <<'PY'
import re, sys
peak = 0; n = 0
for line in open(sys.argv[1]):
    m = re.search(r"(\d+)M->(\d+)M\((\d+)M\)", line)
    if m:
        n += 1
        peak = max(peak, int(m.group(1)))
print(f"GC events: {n}; peak heap used (before a GC): {peak} MiB")
PY
    ;;
  breakdown)
    MIB=${3:-1024}
    setup big gen_big
    # restic through a wrapper that logs when it starts and ends (bash's clock: no extra process)
    wrapper=$work/restic-timed
    log=$work/restic-times.log
    cat > "$wrapper" <<'SH'
#!/bin/bash
t=$EPOCHREALTIME; restic "$@"; rc=$?
for a in "$@"; do case $a in ls|dump) echo "$a $t $EPOCHREALTIME" >> "$CFS_BENCH_RESTIC_LOG"; break;; esac; done
exit $rc
SH
    chmod +x "$wrapper"
    "$launcher" -c "$cfg" drill > /dev/null # untimed: writes the class-data-sharing archive
    echo "snapshot $snap, $runs rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    out=$work/breakdown.txt; : > "$out"
    for i in $(seq 1 "$runs"); do
      sync; echo "raw $(wall restic dump "$snap" "$data")" >> "$out"
      sync; echo "pipe1m $(wall sh -c "perl -e 'fcntl(STDOUT, 1031, 1048576); exec @ARGV' restic dump $snap $data | cat")" >> "$out"
      rm -f "$log"; sync
      t0=$EPOCHREALTIME
      CFS_BACKUP_RESTIC=$wrapper CFS_BENCH_RESTIC_LOG=$log "$launcher" -c "$cfg" drill > /dev/null
      t1=$EPOCHREALTIME
      read -r _ a b < <(grep '^dump ' "$log")
      python3 -c "print('drill %.3f' % ($t1 - $t0)); print('start %.3f' % ($a - $t0)); print('dump %.3f' % ($b - $a)); print('end %.3f' % ($t1 - $b))" >> "$out"
    done
    python3 - "$out" <<'PY'
import collections, statistics, sys
v = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, x = line.split()
    v[k].append(float(x))
m = {k: statistics.median(x) for k, x in v.items()}
print("raw 'restic dump' to /dev/null:     median %.3f s" % m["raw"])
print("'restic dump' into a 1 MiB pipe:    median %.3f s  (+%.3f s, the pipe)" % (m["pipe1m"], m["pipe1m"] - m["raw"]))
print("cfs-backup drill:                   median %.3f s  ratio %.3f" % (m["drill"], m["drill"] / m["raw"]))
print("  until restic dump starts:         median %.3f s" % m["start"])
print("  restic dump inside the drill:     median %.3f s" % m["dump"])
print("  after restic dump ends:           median %.3f s" % m["end"])
PY
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    ;;
  start)
    MIB=${3:-1024}
    setup big gen_big
    # restic replaced by a stand-in that logs when it was started and fails at once (the listing
    # replays one recorded `restic ls`): only cfs-backup's own start is timed, many times over
    stub=$work/restic-start-stub; log=$work/restic-start.log; listing=$work/ls-recorded.json
    restic ls --json "$snap" "$data" > "$listing"
    printf '%s\n' '#!/bin/bash' 'echo "$EPOCHREALTIME" >> "$CFS_BENCH_RESTIC_LOG"' \
      "for a in \"\$@\"; do case \$a in ls) cat '$listing'; exit 0;; esac; done" 'exit 1' > "$stub"
    chmod +x "$stub"
    b=${START_B:--XX:CICompilerCount=2}
    n=${RUNS:-12}
    echo "drill start, as shipped (A) and with extra options '$b' (B), $n interleaved runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    out=$work/start.txt; : > "$out"
    start_run() { # $1 = A|B, $2 = log file
      local x=; [ "$1" = B ] && x=$b
      CFS_BACKUP_CDS_DIR=$work/cds-start-$1 CFS_BACKUP_JAVA_EXTRA_OPTS=$x CFS_BACKUP_RESTIC=$stub \
        CFS_BENCH_RESTIC_LOG=$2 "$launcher" -c "$cfg" drill > /dev/null 2>&1 || true
    }
    start_run A /dev/null; start_run B /dev/null # untimed: each side's first run writes its archive
    for i in $(seq 1 "$n"); do
      for v in A B; do
        rm -f "$log"; t0=$EPOCHREALTIME
        start_run $v "$log"
        t1=$EPOCHREALTIME
        echo "$v $(head -1 "$log") $t0 $t1" >> "$out"
      done
    done
    python3 - "$out" <<'PY'
import statistics, sys
v = {"A": [], "B": []}
for line in open(sys.argv[1]):
    k, first, t0, t1 = line.split()
    v[k].append(((float(first) - float(t0)) * 1000, (float(t1) - float(t0)) * 1000))
for k, name in (("A", "as shipped"), ("B", "with the extra options")):
    x = v[k]
    print("%-22s first restic after %4.0f ms (median; runs: %s), exit after %4.0f ms" % (
        name, statistics.median(a for a, _ in x), " ".join("%.0f" % a for a, _ in x), statistics.median(b for _, b in x)))
PY
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    ;;
  *) echo "usage: $0 throughput|heap|breakdown|start [WORKDIR] [MIB|FILES]" >&2; exit 2 ;;
esac
