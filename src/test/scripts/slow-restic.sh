#!/bin/sh
# Stands in for restic in tests: logs its arguments to $CFS_IT_ARGV_LOG, and on the quiesced
# second pass (--parent) touches $CFS_IT_SLOW_MARKER and waits, so that a test can kill or
# interrupt cfs-backup while the containers are stopped. Then runs the real restic.
echo "$*" >> "${CFS_IT_ARGV_LOG:-/dev/null}"
case " $* " in
  *" --parent "*)
    if [ -n "$CFS_IT_SLOW_MARKER" ]; then
      touch "$CFS_IT_SLOW_MARKER"
      sleep "${CFS_IT_SLOW_SECONDS:-20}"
    fi
    ;;
esac
exec restic "$@"
