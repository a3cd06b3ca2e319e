#!/usr/bin/env bash
# The fault campaign of issue 11 ("every fault leaves a consistent state"), against the real
# restic, rclone and Docker engine and the built jar (mvn -DskipTests package), as root.
#
# Campaigns (trials each: FAULTS_N, default 5; per campaign FAULTS_N_<NAME>, e.g. FAULTS_N_KILL_JVM_BACKUP=25):
#   kill-jvm-backup      kill -9 of cfs-backup at a random point of a backup (stop volume, folder, dump)
#   kill-restic-backup   kill -9 of the restic child at a random point of a backup
#   kill-jvm-restore     kill -9 of cfs-backup at a random point of an in-place volume restore
#   kill-restic-restore  kill -9 of the restic child at a random point of an in-place restore
#   remote-dies          the remote (`rclone serve restic` on 127.0.0.1) killed mid-upload
#   remote-full          the remote on a small tmpfs that fills up
#   daemon-signal        SIGTERM / SIGINT to the daemon in the middle of its scheduled backups
#   docker-restart       the Docker daemon stopped (SIGTERM, as `systemctl restart docker` does) or
#                        killed (-9) at a random point of a `stop` backup or an in-place restore,
#                        and started again 1-4 s later
#   bad-inputs           world-readable / empty password file, garbage URL, unknown source, ...
# FAULTS_CAMPAIGNS="kill-jvm-backup bad-inputs" picks some. With docker-restart among them, the whole
# run uses a Docker daemon of its own (its own socket, data root and no networking, DOCKER_HOST
# pointing at it; the image is copied into it), so that restarting it disturbs nothing else on the
# machine; the app container then has `--restart unless-stopped`, as a compose service has. After each trial it checks, with the
# next ordinary commands: the container that ran runs, no mixed volume (its digest is the old state
# or the restored snapshot's), no staging leftovers, the next backup succeeds, no lock is left,
# `restic check` is clean. Prints a table (markdown); exit 0 when no trial failed.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
CLI="$here/bin/cfs-backup"
export CFS_BACKUP_CDS=0 # the launcher then execs java: $! is the JVM itself
N=${FAULTS_N:-5}
CAMPAIGNS=${FAULTS_CAMPAIGNS:-"kill-jvm-backup kill-restic-backup kill-jvm-restore kill-restic-restore remote-dies remote-full daemon-signal docker-restart bad-inputs"}
IMAGE=${FAULTS_IMAGE:-cfs-busybox:latest}
FILES=${FAULTS_FILES:-1000}   # top-level files in the volume (a restore swaps each one)
id=f$$$RANDOM
W=$(mktemp -d /tmp/cfs-faults-XXXXXX)
VOL=cfs-faults-$id-vol
CTR=cfs-faults-$id-app
LOG=$W/campaign.log
ROWS=$W/rows
: >"$ROWS"
rest_pid=
daemon_pid=
full_mnt=
dockerd_dir=

say() { echo "faults: $*" >&2; }

cleanup() {
  [ -n "$daemon_pid" ] && kill -9 "$daemon_pid" 2>/dev/null
  [ -n "$rest_pid" ] && kill "$rest_pid" 2>/dev/null
  docker rm -f "$CTR" >/dev/null 2>&1
  docker volume rm -f "$VOL" >/dev/null 2>&1
  [ -n "$full_mnt" ] && umount "$full_mnt" 2>/dev/null
  if [ -n "$dockerd_dir" ]; then
    dockerd_up >/dev/null 2>&1 && docker rm -f "$CTR" >/dev/null 2>&1 && docker volume rm -f "$VOL" >/dev/null 2>&1
    dockerd_down TERM
    pkill -f "$dockerd_dir" 2>/dev/null; sleep 1 # shims a killed daemon left
    grep " $dockerd_dir" /proc/mounts | awk '{print $2}' | sort -r | xargs -r umount -l 2>/dev/null
    rm -rf "$dockerd_dir"
    ip link del "$BRIDGE" 2>/dev/null
  fi
  if [ -z "${FAULTS_KEEP:-}" ]; then rm -rf "$W"; else say "kept $W"; fi
}
trap cleanup EXIT

[ -f "${CFS_BACKUP_JAR:-$here/target/cfs-backup.jar}" ] || { say "build the jar first: mvn -B -DskipTests package"; exit 2; }
for c in restic rclone docker jq; do command -v $c >/dev/null || { say "needs $c"; exit 2; }; done

# ---- a Docker daemon of its own, for the docker-restart campaign ----
# Its own bridge, never --bridge=none: a dockerd without a bridge deletes the interface docker0,
# and with it the networking of the machine's own Docker daemon (seen: "could not find bridge docker0").
BRIDGE=cfsf$$
dockerd_start() {
  (dockerd --host "unix://$dockerd_dir/docker.sock" --data-root "$dockerd_dir/root" --exec-root "$dockerd_dir/exec" \
    --pidfile "$dockerd_dir/docker.pid" --bridge="$BRIDGE" --iptables=false --ip-masq=false >>"$dockerd_dir/log" 2>&1 &)
}
dockerd_up() { # waits up to 30 s for the private daemon to answer
  for _ in $(seq 1 300); do docker info >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
dockerd_down() { # SIGNAL: stops (TERM) or kills (KILL) the private daemon and waits for it to be gone
  local p
  p=$(cat "$dockerd_dir/docker.pid" 2>/dev/null) || return 0
  kill -"$1" "$p" 2>/dev/null
  for _ in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dockerd_dir/docker.pid"
}
RUN_OPTS=(--init)
case " $CAMPAIGNS " in
  *" docker-restart "*)
    dockerd_dir=$(mktemp -d /var/tmp/cfs-faults-dockerd-XXXXXX)
    ip link add "$BRIDGE" type bridge && ip addr add "10.199.$((RANDOM % 250)).1/24" dev "$BRIDGE" && ip link set "$BRIDGE" up \
      || { say "cannot make the bridge $BRIDGE for the private dockerd"; exit 2; }
    dockerd_start
    DOCKER_HOST="unix://$dockerd_dir/docker.sock" dockerd_up || { say "the private dockerd did not start: $(tail -3 "$dockerd_dir/log")"; exit 2; }
    docker save "$IMAGE" | DOCKER_HOST="unix://$dockerd_dir/docker.sock" docker load >/dev/null || { say "cannot copy $IMAGE into the private dockerd"; exit 2; }
    export DOCKER_HOST="unix://$dockerd_dir/docker.sock"
    RUN_OPTS=(--init --network none --restart unless-stopped)
    say "a Docker daemon of its own: $DOCKER_HOST"
    ;;
esac

# ---- the installation under test ----
# a copy of the jar: a rebuild during the campaign must not change the program under test
cp "${CFS_BACKUP_JAR:-$here/target/cfs-backup.jar}" "$W/cfs-backup.jar"
export CFS_BACKUP_JAR=$W/cfs-backup.jar
printf 'faults-pw-%s\n' "$RANDOM$RANDOM" >"$W/pw"
chmod 600 "$W/pw"
printf '[local]\ntype = local\n' >"$W/rclone.conf"
mkdir -p "$W/data" "$W/state" "$W/log" "$W/cache"
docker volume create "$VOL" >/dev/null
docker run -d "${RUN_OPTS[@]}" --name "$CTR" -v "$VOL:/data" "$IMAGE" /bin/sleep 86400 >/dev/null
MP=$(docker volume inspect --format '{{.Mountpoint}}' "$VOL")
NEVER='"0 0 0 1 1 ? 2099"'

write_config() { # FILE URL [SCHEDULE-BACKUP]
  cat >"$1" <<EOF
host: faults-host
repository:
  url: $2
  password-file: $W/pw
rclone:
  config: $W/rclone.conf
  remote: local
state-dir: $W/state
log-dir: $W/log
cache-dir: $W/cache
sources:
  - name: app
    volume: $VOL
    consistency: stop
  - name: files
    path: $W/data
  - name: dump
    command: [sh, -c, 'head -c 300000 /dev/urandom | od -An -tx1']
schedule: {backup: ${3:-$NEVER}, prune: $NEVER, check: $NEVER, drill: $NEVER, quota: $NEVER, audit: $NEVER}
EOF
}
REPO="rclone:local:$W/repo"
CFG=$W/config.yaml
write_config "$CFG" "$REPO"

cfs() { "$CLI" -c "$CFG" "$@"; }
raw_restic() { RESTIC_PASSWORD_FILE=$W/pw RCLONE_CONFIG=$W/rclone.conf restic -r "$REPO" --cache-dir "$W/cache" "$@"; }

digest() { # a folder's names, types, modes, links and file contents (not a directory's size: it only grows)
  (cd "$1" && { find . -printf '%P|%y|%m|%l\n' | LC_ALL=C sort; find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum; }) | md5sum | cut -c1-12
}
names() { (cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort); }
mix_report() { # how the volume differs from states A and B (names only in A, only in B)
  names "$MP" >"$W/names.now"
  echo "$(wc -l <"$W/names.now") entries, $(comm -23 "$W/names.A" "$W/names.B" | comm -12 - "$W/names.now" | wc -l) A-only and $(comm -13 "$W/names.A" "$W/names.B" | comm -12 - "$W/names.now" | wc -l) B-only names"
}

state_a() { # FILES small files and one 5 MB file
  find "$MP" -mindepth 1 -delete
  for i in $(seq 1 "$FILES"); do echo "a $i" >"$MP/f$i"; done
  head -c 5000000 /dev/urandom >"$MP/big"
  for i in $(seq 1 200); do echo "file $i" >"$W/data/d$i"; done
}
state_b() { # a third of the files changed, a third removed, new ones added
  for i in $(seq 1 3 "$FILES"); do echo "b $i" >"$MP/f$i"; done
  for i in $(seq 2 3 "$FILES"); do rm -f "$MP/f$i"; done
  for i in $(seq 1 500); do echo "new $i" >"$MP/n$i"; done
}

# ---- trials and checks ----
fail_reasons=
fail() { fail_reasons="$fail_reasons${fail_reasons:+; }$*"; }

# check CAMPAIGN TRIAL WHAT FAULTED-EXIT ALLOWED-DIGEST...
check() {
  local campaign=$1 trial=$2 what=$3 faulted=$4
  shift 4
  local d ok r
  # the next ordinary command reconciles what the fault left (journal, swap)
  local held=
  grep -q "$CTR" "$W/state/quiesce-journal.json" 2>/dev/null && held=1
  cfs snapshots >/dev/null 2>>"$LOG" || fail "next command (snapshots) exited $?"
  if [ "$(docker inspect --format '{{.State.Status}}' "$CTR" 2>/dev/null)" != running ]; then
    if [ -n "${CONTROL:-}" ] && [ -z "$held" ] && [ "$(docker inspect --format '{{.State.Status}}' "$CONTROL" 2>/dev/null)" != running ]; then
      # a Docker daemon killed with -9 leaves its containers exited, restart policy or not (20.10):
      # the control container, never touched by cfs-backup, is down too, and cfs-backup had not
      # stopped the app (no journal entry), so starting it is the operator's, as for the control
      docker start "$CONTROL" "$CTR" >/dev/null 2>&1
      what="$what; Docker left both the app and the control down"
    else
      fail "container not running${held:+ (the quiesce journal held it)}"
    fi
  fi
  d=$(digest "$MP")
  ok=
  for a in "$@"; do [ "$d" = "$a" ] && ok=1; done
  [ -n "$ok" ] || fail "mixed volume (digest $d: $(mix_report))"
  if ls -d "$(dirname "$MP")"/.cfs-restore-* "$MP"/.cfs-restore-* >/dev/null 2>&1; then fail "staging leftovers"; fi
  r=$(cfs backup --json 2>>"$LOG")
  [ "$(echo "$r" | jq -r .status 2>/dev/null)" = ok ] || fail "next backup: $(echo "$r" | jq -c '[.sources[]|select(.status!="ok")|.error]' 2>/dev/null || echo "no JSON")"
  [ "$(raw_restic list locks --no-lock 2>/dev/null | wc -l)" = 0 ] || fail "lock left after the next backup"
  raw_restic check >>"$LOG" 2>&1 || fail "restic check failed"
  CUR=$(digest "$MP")
  local verdict=ok
  [ -n "$fail_reasons" ] && verdict="FAIL: $fail_reasons"
  printf '%s\t%s\t%s\t%s\t%s\n' "$campaign" "$trial" "$what" "$faulted" "$verdict" >>"$ROWS"
  echo "$campaign #$trial ($what) exit=$faulted -> $verdict" >>"$LOG"
  say "$campaign #$trial ($what) exit=$faulted -> $verdict"
  fail_reasons=
}

rand_ms() { echo $((RANDOM * 32768 + RANDOM)) | awk -v max="$1" '{print $1 % (max + 1)}'; }
sleep_ms() { sleep "$(awk -v m="$1" 'BEGIN{printf "%.3f", m/1000}')"; }
count() { local v="FAULTS_N_$(echo "$1" | tr 'a-z-' 'A-Z_')"; echo "${!v:-$N}"; }

restic_child() { # the restic (or rclone) child of a cfs-backup JVM, waiting up to 20 s for one
  local p
  for _ in $(seq 1 200); do
    p=$(ps --ppid "$1" -o pid=,comm= 2>/dev/null | awk '$2=="restic"{print $1; exit}')
    [ -n "$p" ] && { echo "$p"; return; }
    kill -0 "$1" 2>/dev/null || return
    sleep 0.1
  done
}

wait_bounded() { # PID SECONDS: the exit code, or 124 after killing it
  local i
  for i in $(seq 1 $(($2 * 10))); do
    kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
    sleep 0.1
  done
  kill -9 "$1" 2>/dev/null; wait "$1"; return 124
}

timed() { local t0; t0=$(date +%s%N); "$@" >/dev/null 2>>"$LOG"; echo $(( ($(date +%s%N) - t0) / 1000000 )); }

# ---- set-up: two states of the volume, each a snapshot ----
say "set-up in $W ($FILES files in volume $VOL)"
state_a
cfs init >>"$LOG" 2>&1 || { say "init failed: $(tail -3 "$LOG")"; exit 1; }
BACKUP_MS=$(timed cfs backup)
A=$(digest "$MP")
names "$MP" >"$W/names.A"
SNAP_A=$(raw_restic snapshots --json --no-lock --tag app | jq -r '.[-1].id')
state_b
cfs backup >>"$LOG" 2>&1
B=$(digest "$MP")
names "$MP" >"$W/names.B"
SNAP_B=$(raw_restic snapshots --json --no-lock --tag app | jq -r '.[-1].id')
CUR=$B
RESTORE_MS=$(timed cfs restore app --snapshot "$SNAP_A" --yes)
CUR=$(digest "$MP")
say "an undisturbed backup takes ${BACKUP_MS} ms, an in-place restore ${RESTORE_MS} ms"

other_snapshot() { if [ "$CUR" = "$A" ]; then echo "$SNAP_B"; else echo "$SNAP_A"; fi; }

kill_backup() { # WHO=jvm|restic
  local campaign=kill-$1-backup n t pid child code
  n=$(count "$campaign")
  for t in $(seq 1 "$n"); do
    echo "x $t $RANDOM" >"$MP/changed-$((t % 7))"   # something new for pass 2
    CUR=$(digest "$MP")
    "$CLI" -c "$CFG" backup >>"$LOG" 2>&1 & # not through a shell function: $! must be the JVM
    pid=$!
    if [ "$1" = jvm ]; then
      ms=$(rand_ms $((BACKUP_MS * 12 / 10)))
      sleep_ms "$ms"
      kill -9 "$pid" 2>/dev/null
      what="kill -9 at ${ms} ms"
    else
      ms=$(rand_ms $((BACKUP_MS * 9 / 10)))
      sleep_ms "$ms"
      child=$(restic_child "$pid")
      [ -n "$child" ] && kill -9 "$child" 2>/dev/null
      what="restic ${child:-none} killed after ${ms} ms"
    fi
    wait_bounded "$pid" 300
    code=$?
    check "$campaign" "$t" "$what" "$code" "$CUR"
  done
}

kill_restore() {
  local campaign=kill-$1-restore n t pid child code target before
  n=$(count "$campaign")
  for t in $(seq 1 "$n"); do
    target=$(other_snapshot)
    before=$CUR
    after=$([ "$CUR" = "$A" ] && echo "$B" || echo "$A")
    "$CLI" -c "$CFG" restore app --snapshot "$target" --yes >>"$LOG" 2>&1 &
    pid=$!
    if [ "$1" = jvm ]; then
      ms=$(rand_ms $((RESTORE_MS * 11 / 10)))
      sleep_ms "$ms"
      kill -9 "$pid" 2>/dev/null
      what="kill -9 at ${ms} ms"
    else
      ms=$(rand_ms $((RESTORE_MS * 9 / 10)))
      sleep_ms "$ms"
      child=$(restic_child "$pid")
      [ -n "$child" ] && kill -9 "$child" 2>/dev/null
      what="restic ${child:-none} killed after ${ms} ms"
    fi
    wait_bounded "$pid" 300
    code=$?
    check "$campaign" "$t" "$what" "$code" "$before" "$after"
  done
}

start_rest() { # serves $W/rest on 127.0.0.1:$REST_PORT
  rclone serve restic --addr "127.0.0.1:$REST_PORT" "$W/rest" >>"$W/rest.log" 2>&1 &
  rest_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$REST_PORT") 2>/dev/null && return
    sleep 0.1
  done
}

remote_dies() {
  local n t pid code ms saved_cfg=$CFG saved_repo=$REPO
  n=$(count remote-dies)
  [ "$n" -gt 0 ] || return
  REST_PORT=$((20000 + RANDOM % 20000))
  mkdir -p "$W/rest"
  start_rest
  REPO="rest:http://127.0.0.1:$REST_PORT/"
  CFG=$W/config-rest.yaml
  write_config "$CFG" "$REPO"
  cfs init >>"$LOG" 2>&1
  cfs backup >>"$LOG" 2>&1
  for t in $(seq 1 "$n"); do
    head -c 30000000 /dev/urandom >"$MP/upload-$((t % 3))"  # fresh data to upload
    CUR=$(digest "$MP")
    "$CLI" -c "$CFG" backup >>"$LOG" 2>&1 &
    pid=$!
    ms=$(rand_ms 3000)
    sleep_ms "$ms"
    kill -9 "$rest_pid" 2>/dev/null
    wait "$rest_pid" 2>/dev/null
    local t0; t0=$(date +%s)
    wait_bounded "$pid" 400
    code=$?
    local took=$(( $(date +%s) - t0 ))
    start_rest
    check remote-dies "$t" "server killed at ${ms} ms; backup ended ${took} s later" "$code" "$CUR"
  done
  kill "$rest_pid" 2>/dev/null; wait "$rest_pid" 2>/dev/null; rest_pid=
  CFG=$saved_cfg; REPO=$saved_repo
}

remote_full() {
  local n t code saved_cfg=$CFG saved_repo=$REPO err
  n=$(count remote-full)
  [ "$n" -gt 0 ] || return
  full_mnt=$W/full
  mkdir -p "$full_mnt"
  for t in $(seq 1 "$n"); do
    mount -t tmpfs -o size=40m tmpfs "$full_mnt" || { say "cannot mount a tmpfs: remote-full skipped"; full_mnt=; return; }
    REPO="rclone:local:$full_mnt/repo"
    CFG=$W/config-full.yaml
    write_config "$CFG" "$REPO"
    cfs init >>"$LOG" 2>&1
    head -c 60000000 /dev/urandom >"$W/data/huge"
    CUR=$(digest "$MP")
    cfs backup --json >"$W/full.json" 2>>"$LOG"
    code=$?
    err=$(jq -r '[.sources[]|select(.status!="ok")|.error]|join(" | ")' "$W/full.json")
    rm -f "$W/data/huge"
    mount -o remount,size=400m "$full_mnt"
    if echo "$err" | grep -q "full"; then what="full remote named: yes"; else what="full remote named: NO ($err)"; fail "not named as full: ${err:0:160}"; fi
    check remote-full "$t" "$what" "$code" "$CUR"
    umount "$full_mnt"
  done
  full_mnt=
  CFG=$saved_cfg; REPO=$saved_repo
}

daemon_signal() {
  local n t code sig ms cfg=$W/config-daemon.yaml
  n=$(count daemon-signal)
  write_config "$cfg" "$REPO" '"*/4 * * * * ?"'
  for t in $(seq 1 "$n"); do
    sig=TERM; [ $((t % 2)) = 0 ] && sig=INT
    echo "d $t $RANDOM" >"$MP/daemon-$((t % 5))"
    CUR=$(digest "$MP")
    # a non-interactive shell starts background jobs with SIGINT ignored (and the JVM keeps it so):
    # perl restores the default disposition, then execs the launcher (same pid)
    perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' "$CLI" -c "$cfg" daemon >>"$LOG" 2>&1 &
    daemon_pid=$!
    ms=$((3000 + $(rand_ms 6000)))
    sleep_ms "$ms"
    kill -"$sig" "$daemon_pid" 2>/dev/null
    wait_bounded "$daemon_pid" 60
    code=$?
    daemon_pid=
    check daemon-signal "$t" "SIG$sig at ${ms} ms" "$code" "$CUR"
  done
}

docker_restart() { # odd trials: during a backup, even: during an in-place restore; SIGTERM or SIGKILL
  local n t pid code ms sig gap what before after target
  n=$(count docker-restart)
  [ -n "$dockerd_dir" ] || { say "docker-restart needs the private dockerd"; return; }
  # a control: the same kind of container, never touched by cfs-backup, shows what Docker itself does
  CONTROL=$CTR-control
  docker run -d "${RUN_OPTS[@]}" --name "$CONTROL" "$IMAGE" /bin/sleep 86400 >/dev/null
  for t in $(seq 1 "$n"); do
    sig=TERM; [ $(( (t + 1) / 2 % 2 )) = 0 ] && sig=KILL
    gap=$((1000 + $(rand_ms 3000)))
    before=$CUR
    if [ $((t % 2)) = 1 ]; then
      echo "r $t $RANDOM" >"$MP/restart-$((t % 5))"
      CUR=$(digest "$MP"); before=$CUR; after=$CUR
      "$CLI" -c "$CFG" backup >>"$LOG" 2>&1 &
      pid=$!
      ms=$(rand_ms $((BACKUP_MS * 11 / 10)))
      what="backup"
    else
      target=$(other_snapshot)
      after=$([ "$CUR" = "$A" ] && echo "$B" || echo "$A")
      "$CLI" -c "$CFG" restore app --snapshot "$target" --yes >>"$LOG" 2>&1 &
      pid=$!
      ms=$(rand_ms $((RESTORE_MS * 11 / 10)))
      what="restore"
    fi
    sleep_ms "$ms"
    dockerd_down "$sig"
    sleep_ms "$gap"
    dockerd_start
    dockerd_up || fail "the private dockerd did not come back"
    wait_bounded "$pid" 300
    code=$?
    what="$what, dockerd SIG$sig at ${ms} ms, back after ${gap} ms"
    check docker-restart "$t" "$what" "$code" "$before" "$after"
    docker start "$CONTROL" >/dev/null 2>&1
  done
  docker rm -f "$CONTROL" >/dev/null 2>&1
  CONTROL=
}

bad_input() { # NAME EXPECTED-EXIT STDERR-WORD COMMAND...
  local name=$1 want=$2 word=$3 out code
  shift 3
  out=$("$@" 2>&1 >/dev/null)
  code=$?
  if [ "$code" != "$want" ]; then fail "exit $code, wanted $want: ${out:0:160}"; fi
  if [ -n "$word" ] && ! echo "$out" | grep -q -- "$word"; then fail "no '$word' in: ${out:0:160}"; fi
  [ "$(echo "$out" | grep -c 'Exception\|\tat ')" = 0 ] || fail "a stack trace"
  BAD_CODE=$code
}

bad_inputs() {
  local bad=$W/bad.yaml code
  [ "$(count bad-inputs)" -gt 0 ] || return
  CUR=$(digest "$MP")
  chmod 644 "$W/pw"
  bad_input world-readable-password 0 "warning: repository.password-file" cfs snapshots; code=$BAD_CODE
  chmod 600 "$W/pw"
  check bad-inputs 1 "world-readable password file: warned" "$code" "$CUR"
  cp "$W/pw" "$W/pw.keep"; : >"$W/pw"
  bad_input empty-password 2 "empty" cfs backup; code=$BAD_CODE
  cp "$W/pw.keep" "$W/pw"
  check bad-inputs 2 "empty password file" "$code" "$CUR"
  sed "s|url: .*|url: not-a-repository-url|" "$CFG" >"$bad"
  bad_input garbage-url 2 "repository.url" "$CLI" -c "$bad" backup; code=$BAD_CODE
  check bad-inputs 3 "garbage repository URL" "$code" "$CUR"
  bad_input unknown-source 2 "nosuch" cfs backup nosuch; code=$BAD_CODE
  check bad-inputs 4 "unknown source" "$code" "$CUR"
  bad_input missing-config 2 "" "$CLI" -c "$W/none.yaml" status; code=$BAD_CODE
  check bad-inputs 5 "missing config file" "$code" "$CUR"
  bad_input restore-over-etc 2 "" cfs restore files --target /etc; code=$BAD_CODE
  check bad-inputs 6 "restore --target /etc" "$code" "$CUR"
  bad_input bad-snapshot-id 2 "zzzz" cfs restore files --snapshot zzzz --target "$W/r-$RANDOM"; code=$BAD_CODE
  check bad-inputs 7 "bad snapshot id" "$code" "$CUR"
  { cat "$CFG"; echo "no-such-key: 1"; } >"$bad"
  bad_input unknown-key 2 "no-such-key" "$CLI" -c "$bad" status; code=$BAD_CODE
  check bad-inputs 8 "unknown config key" "$code" "$CUR"
  bad_input in-place-without-yes 2 "yes" cfs restore app </dev/null; code=$BAD_CODE
  check bad-inputs 9 "in-place restore without --yes" "$code" "$CUR"
  sed "s|consistency: stop|consistency: sometimes|" "$CFG" >"$bad"
  bad_input bad-consistency 2 "consistency" "$CLI" -c "$bad" backup; code=$BAD_CODE
  check bad-inputs 10 "bad consistency value" "$code" "$CUR"
}

for c in $CAMPAIGNS; do
  say "campaign $c: $(count "$c") trial(s)"
  case $c in
    kill-jvm-backup) kill_backup jvm ;;
    kill-restic-backup) kill_backup restic ;;
    kill-jvm-restore) kill_restore jvm ;;
    kill-restic-restore) kill_restore restic ;;
    remote-dies) remote_dies ;;
    remote-full) remote_full ;;
    daemon-signal) daemon_signal ;;
    docker-restart) docker_restart ;;
    bad-inputs) bad_inputs ;;
    *) say "unknown campaign $c"; exit 2 ;;
  esac
done

# ---- the table ----
total_fail=0
echo
echo "| campaign | trials | failed | faulted command's exit codes |"
echo "|---|---|---|---|"
for c in $CAMPAIGNS; do
  tr=$(awk -F'\t' -v c="$c" '$1==c' "$ROWS" | wc -l)
  fl=$(awk -F'\t' -v c="$c" '$1==c && $5!="ok"' "$ROWS" | wc -l)
  codes=$(awk -F'\t' -v c="$c" '$1==c{print $4}' "$ROWS" | sort | uniq -c | awk '{printf "%s%s x%s", (NR>1?", ":""), $2, $1}')
  total_fail=$((total_fail + fl))
  echo "| $c | $tr | $fl | $codes |"
done
echo
if [ "$total_fail" -gt 0 ]; then
  echo "failed trials:"
  awk -F'\t' '$5!="ok"{printf "- %s #%s (%s, exit %s): %s\n", $1, $2, $3, $4, $5}' "$ROWS"
fi
echo "trials: $(wc -l <"$ROWS"), failed: $total_fail ($(date -u +%Y-%m-%dT%H:%MZ), worktree at commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), jar of $(stat -c %y "$CFS_BACKUP_JAR" | cut -c1-16))"
[ "$total_fail" = 0 ]
