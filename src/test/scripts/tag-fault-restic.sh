#!/bin/sh
# Stands in for restic in tests: `restic tag --remove ...` (keeping a proven first pass) meets the
# fault named by $CFS_TEST_TAG_FAULT; everything else runs the real restic.
#   fail:        exits 1 as restic does when another process holds a lock
#   kill-before: kills its parent, the cfs-backup JVM, with SIGKILL before the tag (a power cut)
#   kill-after:  runs the real tag, then kills its parent before it can read the new id
case " $* " in
  *" tag "*"--remove "*)
    case $CFS_TEST_TAG_FAULT in
      kill-before) kill -9 "$PPID"; exit 1 ;;
      kill-after) restic "$@"; kill -9 "$PPID"; exit 1 ;;
      *) echo "unable to create lock in backend: repository is already locked by PID 4242 on other-host" >&2; exit 1 ;;
    esac
    ;;
esac
exec restic "$@"
