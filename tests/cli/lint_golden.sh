#!/bin/sh
# Runs `levcal lint` on one case of tests/data/lint: stdout must be the case's .expected
# text exactly (CURRENT stands for the policy's digest as `levcal digest` prints it), and
# the exit status 1 when the expected text holds an error, else 0.
#   lint_golden.sh LEVCAL DIR CASE_FILE
set -u
levcal=$1 dir=$2 case=$3
cd "$dir" || exit 1
expected=$(mktemp) out=$(mktemp)
trap 'rm -f "$expected" "$out"' EXIT
digest=$("$levcal" digest "$case" 2>/dev/null | sed 's/^sha256://')
sed "s/CURRENT/${digest:-none}/" "${case%.*}.expected" >"$expected"
"$levcal" lint "$case" >"$out"
code=$?
want=0
grep -q ': error: ' "$expected" && want=1
status=0
if [ "$code" -ne "$want" ]; then
    echo "exit status $code, expected $want"
    status=1
fi
if ! diff -u "$expected" "$out"; then
    echo "lint output differs from ${case%.*}.expected (above: expected -, got +)"
    status=1
fi
exit $status
