#!/bin/sh
# prints $1 lines on stdout and stderr
i=0
while [ "$i" -lt "$1" ]; do
  echo "stdout line $i"
  echo "stderr line $i" >&2
  i=$((i + 1))
done
