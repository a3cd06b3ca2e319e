#!/usr/bin/env bash
# Boot drill figures for docs/boot-drills.md (issue 16), on this machine's real restic, rclone and
# Docker: a boot drill of a volume of SIZE_MIB (default 1024) against a raw `restic restore` of the
# same snapshot, the app's own start measured apart; and a streaming drill of a volume holding a
# DB_MIB (default 100) SQLite database against one holding the same bytes with the header blanked
# (so only the SQLite check differs), drilled in turns; duration_s from drill --json.
# Usage: docs/bench-boot-drill.sh [RUNS]   (needs target/cfs-backup.jar; run as root)
#   PARTS="boot sqlite webui" (default "boot sqlite"): which parts run. "webui": the SQLite check on
#   an Open WebUI-like volume of WEBUI_MIB (default 1024): cache/ (4 x 100 MiB model files),
#   uploads/ (files of 4 MiB) and the DB_MIB webui.db, the db last in tar order as in Open WebUI
#   (its data folder sorts cache, uploads, vector_db, webui.db), and the same volume with the db at
#   db/webui.db, between cache/ and uploads/ in tar order; each against the same bytes with the
#   db's header blanked, in turns; the medians and the load average are printed.
#   CFS_BACKUP_JAR=FILE runs another jar (e.g. a copy, so that a rebuild cannot change it mid-run).
set -euo pipefail
runs=${1:-3}
parts=${PARTS:-boot sqlite}
webui_mib=${WEBUI_MIB:-1024}
has() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }
median() { python3 -c "import sys,statistics; print('%.3f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
size=${SIZE_MIB:-1024}
db_mib=${DB_MIB:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
cli="$here/bin/cfs-backup"
id=bench-$$-$RANDOM
dir=$(mktemp -d /var/tmp/cfs-bench-XXXXXX)
vol=cfs-$id-vol
dbvol=cfs-$id-db
plainvol=cfs-$id-plain
app=cfs-$id-app
wlast=cfs-$id-wlast; wlastp=cfs-$id-wlastp; wmid=cfs-$id-wmid; wmidp=cfs-$id-wmidp
cleanup() {
  docker rm -f "$app" "$app-db" >/dev/null 2>&1 || true
  docker volume rm -f "$vol" "$dbvol" "$plainvol" "$wlast" "$wlastp" "$wmid" "$wmidp" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
echo "pw-$id" > "$dir/pw"; chmod 600 "$dir/pw"
printf '[b]\ntype = local\n' > "$dir/rclone.conf"
cat > "$dir/config.yaml" <<YAML
host: bench
repository: {url: "rclone:b:$dir/repo", password-file: $dir/pw}
rclone: {config: $dir/rclone.conf}
state-dir: $dir/state
log-dir: $dir/log
cache-dir: $dir/cache
sources:
  - name: vol
    volume: $vol
    boot-drill: {probe: [/bin/true]}
  - name: db
    volume: $dbvol
  - name: plain
    volume: $plainvol
  - {name: wlast, volume: $wlast}
  - {name: wlastp, volume: $wlastp}
  - {name: wmid, volume: $wmid}
  - {name: wmidp, volume: $wmidp}
YAML
for v in "$vol" "$dbvol" "$plainvol" "$wlast" "$wlastp" "$wmid" "$wmidp"; do docker volume create "$v" >/dev/null; done
mp=$(docker volume inspect --format '{{.Mountpoint}}' "$vol")
n=$((size / 64))
if has boot; then
  for i in $(seq 1 "$n"); do head -c $((64 << 20)) /dev/urandom > "$mp/blob-$i"; done
fi
docker run -d --name "$app" -v "$vol:/data" cfs-busybox:latest /bin/sleep 3600 >/dev/null
dbmp=$(docker volume inspect --format '{{.Mountpoint}}' "$dbvol")
sqlite3 "$dbmp/webui.db" "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < $((db_mib * 1024 * 1024 / 1100)))
  INSERT INTO t(v) SELECT randomblob(1000) FROM c;"
plainmp=$(docker volume inspect --format '{{.Mountpoint}}' "$plainvol")
cp "$dbmp/webui.db" "$plainmp/webui.db"
printf 'XXXXXXXXXXXXXXXX' | dd of="$plainmp/webui.db" bs=1 seek=0 count=16 conv=notrunc status=none
docker run -d --name "$app-db" -v "$dbvol:/data" cfs-busybox:latest /bin/sleep 3600 >/dev/null
if has webui; then
  # Open WebUI's data folder: cache/ (embedding models), uploads/, webui.db; once with the db last
  # in tar order (as in Open WebUI), once in the middle (db/webui.db sorts between cache and uploads)
  wl=$(docker volume inspect --format '{{.Mountpoint}}' "$wlast")
  mkdir -p "$wl/cache/embedding" "$wl/uploads"
  for i in 1 2 3 4; do head -c $((100 << 20)) /dev/urandom > "$wl/cache/embedding/model-$i.bin"; done
  nup=$(( (webui_mib - 400 - db_mib) / 4 ))
  for i in $(seq 1 "$nup"); do head -c $((4 << 20)) /dev/urandom > "$wl/uploads/upload-$i.pdf"; done
  cp "$dbmp/webui.db" "$wl/webui.db"
  for v in "$wlastp" "$wmid" "$wmidp"; do
    m=$(docker volume inspect --format '{{.Mountpoint}}' "$v")
    cp -a "$wl/cache" "$wl/uploads" "$m/"
    case $v in
      "$wlastp") cp "$plainmp/webui.db" "$m/webui.db" ;;
      "$wmid") mkdir "$m/db"; cp "$dbmp/webui.db" "$m/db/webui.db" ;;
      "$wmidp") mkdir "$m/db"; cp "$plainmp/webui.db" "$m/db/webui.db" ;;
    esac
  done
fi
export CFS_BACKUP_CONFIG="$dir/config.yaml"
"$cli" init >/dev/null
"$cli" backup >/dev/null
restic_() { RESTIC_PASSWORD_FILE="$dir/pw" RCLONE_CONFIG="$dir/rclone.conf" restic -r "rclone:b:$dir/repo" --cache-dir "$dir/cache" "$@"; }
snap=$(restic_ snapshots --json --tag vol | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])' 2>/dev/null \
  || restic_ snapshots --json --tag vol | grep -o '"id":"[0-9a-f]*"' | tail -1 | cut -d'"' -f4)
echo "volume: $size MiB in $n files; snapshot $snap; runs: $runs"
raw_restore() {
  t=$(mktemp -d "$dir/raw-XXXX")
  s0=$(date +%s.%N)
  restic_ restore "$snap" --target "$t" >/dev/null
  s1=$(date +%s.%N)
  rm -rf "$t"
  raw=$(echo "$s1 - $s0" | bc)
}
boot_drill() {
  b0=$(date +%s.%N)
  out=$("$cli" drill --boot --json vol)
  b1=$(date +%s.%N)
  boot=$(echo "$b1 - $b0" | bc)
}
for r in $(seq 1 "$runs"); do
  has boot || break
  # in turns, so that neither profits from the caches the other warmed
  if [ $((r % 2)) -eq 1 ]; then raw_restore; boot_drill; else boot_drill; raw_restore; fi
  # the app's own start, apart: a copy of the container on an existing volume, until the probe answers
  a0=$(date +%s.%N)
  docker run -d --name "$app-start" --network none -v "$vol:/data" cfs-busybox:latest /bin/sleep 60 >/dev/null
  until docker exec "$app-start" /bin/true 2>/dev/null; do sleep 0.05; done
  a1=$(date +%s.%N)
  docker rm -f "$app-start" >/dev/null
  start=$(echo "$a1 - $a0" | bc)
  sth=$(echo "$out" | grep -o '"seconds_to_healthy" : [0-9.]*' | head -1 | awk '{print $3}')
  rs=$(echo "$out" | grep -o '"restore_s" : [0-9.]*' | head -1 | awk '{print $3}')
  ss=$(echo "$out" | grep -o '"start_s" : [0-9.]*' | head -1 | awk '{print $3}')
  printf 'run %d: raw restic restore %.1fs, app start apart %.2fs, boot drill command %.1fs (seconds_to_healthy %s = restore %s + start %s), ratio %.3f\n' \
    "$r" "$raw" "$start" "$boot" "$sth" "$rs" "$ss" "$(echo "$sth / ($raw + $start)" | bc -l)"
done
# SQLite check in the streaming drill: the same bytes with and without the SQLite header, in turns
# one streaming drill: prints its duration_s (drill --json) and the CPU seconds (user + sys) of the
# whole command, restic and sqlite3 included (the children it waited for)
dur() {
  python3 - "$cli" "$1" <<'PY'
import json, resource, subprocess, sys
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
p = subprocess.run([sys.argv[1], "drill", "--json", sys.argv[2]], capture_output=True, text=True)
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
src = json.loads(p.stdout)["sources"][0]
if not src["passed"]:
    sys.exit("drill of %s failed: %s" % (sys.argv[2], src["problems"]))
print("%.3f %.3f" % (src["duration_s"], r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime))
PY
}
# in turns: odd runs with the check first, even runs without it first
pair() { # $1 label, $2 source with the header, $3 source without
  local w=() p=() wc=() pc=() d=() with without a b
  dur "$2" >/dev/null; dur "$3" >/dev/null # untimed: warms the caches and the launcher's archive
  for r in $(seq 1 "$runs"); do
    if [ $((r % 2)) -eq 1 ]; then a=$(dur "$2"); b=$(dur "$3"); else b=$(dur "$3"); a=$(dur "$2"); fi
    with=${a% *}; without=${b% *}
    w+=("$with"); p+=("$without"); wc+=("${a#* }"); pc+=("${b#* }")
    d+=("$(echo "($with - $without) * 100 / $without" | bc -l)")
    printf 'run %d: %s: with the check %.2fs (CPU %.2fs), the same bytes without the header %.2fs (CPU %.2fs) (%+.1f %%), load %s\n' \
      "$r" "$1" "$with" "${a#* }" "$without" "${b#* }" "${d[-1]}" "$(cut -d' ' -f1 /proc/loadavg)"
  done
  local mw mp mwc mpc
  mw=$(median "${w[@]}"); mp=$(median "${p[@]}"); mwc=$(median "${wc[@]}"); mpc=$(median "${pc[@]}")
  printf '%s: median duration_s with the check %ss, without %ss: %+.1f %%; median of the runs'"'"' differences %+.1f %%; median CPU %ss against %ss (%+.2fs); load average %s\n' \
    "$1" "$mw" "$mp" "$(echo "($mw - $mp) * 100 / $mp" | bc -l)" "$(median "${d[@]}")" "$mwc" "$mpc" \
    "$(echo "$mwc - $mpc" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
if has sqlite || has webui; then
  # the check itself, apart: sqlite3 as the drill runs it, on a copy of the database in tmpfs
  shm=$(mktemp -d /dev/shm/cfs-bench-XXXXXX); cp "$dbmp/webui.db" "$shm/"
  ch=()
  for r in 1 2 3 4 5; do
    c0=$(date +%s.%N)
    sqlite3 -batch -bail -cmd ".output /dev/null" -cmd "PRAGMA mmap_size=1073741824;" -cmd ".output stdout" \
      "$shm/webui.db" "PRAGMA cache_size=-65536; PRAGMA integrity_check;" >/dev/null
    c1=$(date +%s.%N); ch+=("$(echo "$c1 - $c0" | bc)")
  done
  rm -rf "$shm"
  echo "sqlite3 PRAGMA integrity_check of the $db_mib MiB database apart (tmpfs, warm): median $(median "${ch[@]}")s of ${ch[*]} (load $(cut -d' ' -f1 /proc/loadavg))"
fi
if has sqlite; then pair "streaming drill of a volume holding only a $db_mib MiB SQLite database" db plain; fi
if has webui; then
  pair "Open WebUI-like $webui_mib MiB volume, webui.db ($db_mib MiB) last in tar order" wlast wlastp
  pair "Open WebUI-like $webui_mib MiB volume, db/webui.db ($db_mib MiB) in the middle" wmid wmidp
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
