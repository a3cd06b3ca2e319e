#!/usr/bin/env bash
# Idle resident memory of the daemon: starts `cfs-backup daemon` through the launcher (bin/cfs-backup,
# so with its JVM flags) against a throw-away local repository and one folder source, waits until it
# is idle (started, first freshness check done, no job due), then reads VmRSS/VmHWM from /proc.
# Usage: docs/bench-daemon.sh [RUNS] [IDLE_SECONDS]   (needs target/cfs-backup.jar and restic)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
runs=${1:-3}
idle=${2:-30}
[ -f target/cfs-backup.jar ] || { echo "build first: mvn -DskipTests package" >&2; exit 2; }
work=$(mktemp -d /tmp/cfs-bench-daemon.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo bench-password > "$work/pw"
mkdir -p "$work/data" && echo hello > "$work/data/f"
RESTIC_PASSWORD_FILE="$work/pw" restic init -q -r "$work/repo"
cat > "$work/config.yaml" <<YAML
host: bench
repository: {url: $work/repo, password-file: $work/pw}
state-dir: $work/state
log-dir: $work/log
cache-dir: $work/cache
sources:
  - {name: data, path: $work/data}
YAML
echo "launcher JVM flags: $(grep -o -- '-Xms[^}]*' bin/cfs-backup)"
echo "java: $(java -version 2>&1 | head -1)"
for i in $(seq 1 "$runs"); do
  bin/cfs-backup -c "$work/config.yaml" daemon 2>"$work/daemon.log" &
  pid=$!
  # the launcher execs java, so $pid is the JVM
  for _ in $(seq 1 100); do grep -q "daemon started" "$work/daemon.log" 2>/dev/null && break; sleep 0.2; done
  sleep "$idle"
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" || true
  printf 'run %d: idle %ss after start: RSS %.1f MiB, peak RSS %.1f MiB, %d threads\n' \
    "$i" "$idle" "$(echo "$rss/1024" | bc -l)" "$(echo "$hwm/1024" | bc -l)" "$threads"
done
