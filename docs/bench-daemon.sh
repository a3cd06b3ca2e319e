#!/usr/bin/env bash
# Idle resident memory of the daemon: starts `cfs-backup daemon` through the launcher (bin/cfs-backup,
# so with its JVM flags) against a throw-away local repository and one folder source, waits until it
# is idle (started, first freshness check done, no job due), then reads VmRSS/VmHWM from /proc.
# With MODE=after-job the state dir says the 03:00 backup was missed, so the daemon first makes up
# one real backup in-process (restic as a child) and the figure is the idle RSS after that job.
# With WEB=1 the config has a web: section, so the daemon serves the web console beside the
# schedule; once ready, the script logs in and loads the dashboard's API calls once, then idles.
# Usage: [WEB=1] docs/bench-daemon.sh [RUNS] [IDLE_SECONDS] [MODE: start|after-job]
# (needs target/cfs-backup.jar and restic)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
runs=${1:-3}
idle=${2:-30}
mode=${3:-start}
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
web_port=
if [ "${WEB:-0}" = 1 ]; then
  echo bench-web-password > "$work/web-pw"
  web_port=$(( 20000 + RANDOM % 20000 ))
  printf 'web: {listen: "127.0.0.1:%s", password-file: %s}\n' "$web_port" "$work/web-pw" >> "$work/config.yaml"
  echo "web console on 127.0.0.1:$web_port"
fi
echo "launcher JVM flags: $(grep -o -- '-Xms[^}]*' bin/cfs-backup)"
echo "java: $(java -version 2>&1 | head -1)"
for i in $(seq 1 "$runs"); do
  rm -rf "$work/state"
  if [ "$mode" = after-job ]; then
    mkdir -p "$work/state"
    echo '{"jobs":{"backup":{"cron":"0 0 3 * * ?","since":"2020-01-01T00:00:00Z"}}}' > "$work/state/schedule.json"
  fi
  bin/cfs-backup -c "$work/config.yaml" daemon 2>"$work/daemon.log" &
  pid=$!
  # the launcher execs java, so $pid is the JVM
  ready="daemon started"
  [ "$mode" = after-job ] && ready="job backup: ok"
  for _ in $(seq 1 300); do grep -q "$ready" "$work/daemon.log" 2>/dev/null && break; sleep 0.2; done
  grep -q "$ready" "$work/daemon.log" || { echo "daemon not ready:" >&2; cat "$work/daemon.log" >&2; kill -TERM "$pid"; exit 1; }
  if [ -n "$web_port" ]; then
    b="http://127.0.0.1:$web_port"
    curl -s -c "$work/jar" -o /dev/null -d password=bench-web-password "$b/login"
    for p in / /assets/app.js /webjars/uplot/uPlot.iife.min.js /api/session /api/status /api/charts \
        "/api/history?job=drill" /api/jobs "/api/snapshots?source=data"; do
      curl -s -b "$work/jar" -o /dev/null -w '%{http_code} ' "$b$p"
    done
    echo
  fi
  sleep "$idle"
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" || true
  printf 'run %d (%s): idle %ss later: RSS %.1f MiB, peak RSS %.1f MiB, %d threads\n' \
    "$i" "$mode" "$idle" "$(echo "$rss/1024" | bc -l)" "$(echo "$hwm/1024" | bc -l)" "$threads"
done
