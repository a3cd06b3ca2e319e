#!/bin/sh
# Stands in for restic in tests: on the quiesced second pass (--parent) it behaves as restic 0.14
# does when its remote dies mid-upload (a retry line on stderr every second, for minutes) and
# ends with 130 on SIGINT; everything else runs the real restic.
case " $* " in
  *" --parent "*)
    trap 'exit 130' INT
    i=0
    while [ $i -lt 300 ]; do
      echo "Save(<data/5f0daae6$i>) returned error, retrying after 1s: Post \"http://127.0.0.1:9/data/5f0daae6\": dial tcp 127.0.0.1:9: connect: connection refused" >&2
      sleep 1 &
      wait $!
      i=$((i+1))
    done
    exit 1
    ;;
esac
exec restic "$@"
