#!/bin/sh
# The account ids a JSON report lists, in order, must be exactly WANT.
#   order.sh WANT -- CMD...
set -u
want=$1
shift 2
got=$("$@" 2>/dev/null | grep -o '^{"id":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
if [ "$got" != "$want " ]; then
    echo "accounts '$got', expected '$want '"
    exit 1
fi
