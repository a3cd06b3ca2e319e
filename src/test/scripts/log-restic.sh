#!/bin/sh
# Stands in for restic in tests: logs each call's subcommand as it starts and ends (with the time in
# nanoseconds) to $CFS_TEST_RESTIC_LOG, then runs the real restic, so a test can see what ran and in
# which order.
sub=
skip=
for a in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  case $a in
    -r|--cache-dir|-o|--password-file|--password-command) skip=1 ;;
    -*) ;;
    *) sub=$a; break ;;
  esac
done
echo "start $sub $(date +%s%N)" >> "$CFS_TEST_RESTIC_LOG"
restic "$@"
rc=$?
echo "end $sub $rc $(date +%s%N)" >> "$CFS_TEST_RESTIC_LOG"
exit $rc
