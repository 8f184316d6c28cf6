#!/bin/sh
# Two commands print the same value under two JSON keys.
#   same_field.sh KEY1 KEY2 -- CMD1... -- CMD2...
set -u
k1=$1 k2=$2
shift 3
a="" b=""
while [ "$1" != "--" ]; do a="$a '$1'"; shift; done
shift
for x in "$@"; do b="$b '$x'"; done
v1=$(eval "$a" 2>/dev/null | grep -o "\"$k1\":[^,}]*" | head -1 | cut -d: -f2)
v2=$(eval "$b" 2>/dev/null | grep -o "\"$k2\":[^,}]*" | head -1 | cut -d: -f2)
if [ -z "$v1" ] || [ "$v1" != "$v2" ]; then
    echo "$k1 '$v1' differs from $k2 '$v2'"
    exit 1
fi
