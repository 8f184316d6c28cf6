#!/bin/sh
# Checks that two commands, separated by '--', print the same stdout and both exit 0.
set -u
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
cmd1=""
while [ "$1" != "--" ]; do cmd1="$cmd1 '$1'"; shift; done
shift
eval "$cmd1" >"$a" || { echo "first command failed"; exit 1; }
"$@" >"$b" || { echo "second command failed"; exit 1; }
if ! cmp -s "$a" "$b"; then
    diff "$a" "$b" | head -20
    exit 1
fi
