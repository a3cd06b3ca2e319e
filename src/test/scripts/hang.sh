#!/bin/sh
# waits until interrupted; on SIGINT writes a marker file ($1) and exits 130 like restic does
trap 'echo interrupted > "$1"; exit 130' INT
echo started
while :; do sleep 0.1; done
