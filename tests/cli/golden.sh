#!/bin/sh
# Runs one golden-diagnostic case: the command must exit 2, print nothing on stdout, and
# print exactly the case's .expected text on stderr.
#   golden.sh LEVCAL DIR CASE_FILE -- ARGS...   (ARGS name CASE_FILE relative to DIR)
set -u
levcal=$1 dir=$2 case=$3
shift 4
cd "$dir" || exit 1
expected="${case%.*}.expected"
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$levcal" "$@" >"$out" 2>"$err"
code=$?
status=0
if [ "$code" -ne 2 ]; then
    echo "exit status $code, expected 2"
    status=1
fi
if [ -s "$out" ]; then
    echo "stdout is not empty:"
    head -5 "$out"
    status=1
fi
if ! diff -u "$expected" "$err"; then
    echo "stderr differs from $expected (above: expected -, got +)"
    status=1
fi
exit $status
