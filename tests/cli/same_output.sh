#!/bin/sh
# Checks that two commands, separated by '--', print the same stdout and both exit 0,
# apart from the report's provenance (which names the input files and their hashes).
set -u
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
cmd1=""
while [ "$1" != "--" ]; do cmd1="$cmd1 '$1'"; shift; done
shift
mask='/^"provenance":/d; /^portfolio sha256:/d'
eval "$cmd1" >"$a.raw" || { echo "first command failed"; exit 1; }
"$@" >"$b.raw" || { echo "second command failed"; exit 1; }
sed -e "$mask" "$a.raw" >"$a"
sed -e "$mask" "$b.raw" >"$b"
rm -f "$a.raw" "$b.raw"
if ! cmp -s "$a" "$b"; then
    diff "$a" "$b" | head -20
    exit 1
fi
