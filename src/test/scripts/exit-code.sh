#!/bin/sh
# prints to both streams and exits with the code given as $1
echo "out line"
echo "err line" >&2
exit "$1"
