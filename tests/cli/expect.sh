#!/bin/sh
# Runs a command and checks its exit status and output.
#   expect.sh CODE PATTERN STDIN -- CMD ARGS...
# CODE: the exit status wanted. PATTERN: an extended regex that stdout+stderr must match
# ('' for none). STDIN: a file fed to the command, or - for none.
set -u
want=$1 pattern=$2 input=$3
shift 4
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ "$input" = "-" ]; then
    "$@" >"$out" 2>&1 </dev/null
else
    "$@" >"$out" 2>&1 <"$input"
fi
code=$?
status=0
if [ "$code" -ne "$want" ]; then
    echo "exit status $code, expected $want"
    status=1
fi
if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$out"; then
    echo "output does not match: $pattern"
    status=1
fi
[ $status -eq 0 ] || { echo "--- output:"; head -40 "$out"; }
exit $status
