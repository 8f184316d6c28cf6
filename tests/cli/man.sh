#!/bin/sh
# The man page documents every option each command's --help lists, and every exit status.
#   man.sh LEVCAL MANPAGE
set -u
levcal=$1 page=$2
fail=0
for cmd in eval check vol plugins adl lint fmt digest approve keygen sign verify test explain diff backtest calibrate stress import summary; do
    for opt in $("$levcal" "$cmd" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
        esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
        if ! grep -q -- "$esc" "$page"; then
            echo "levcal $cmd: $opt is not in $page"
            fail=1
        fi
    done
done
for code in 0 1 2 3 4 5; do
    grep -q "^\.B $code\$" "$page" || { echo "exit status $code is not in $page"; fail=1; }
done
version=$("$levcal" --version | sed 's/^levcal //')
grep -q "^\.TH LEVCAL 1 \"[^\"]*\" \"levcal $version\"" "$page" ||
    { echo "$page does not name version $version"; fail=1; }
exit $fail
