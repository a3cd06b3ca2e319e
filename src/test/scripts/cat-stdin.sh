#!/bin/sh
# copies stdin to stdout, then reports how many bytes it saw on stderr
wc -c >&2
