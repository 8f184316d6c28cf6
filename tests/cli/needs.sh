#!/bin/sh
# Runs the rest of the command line only if FILE exists; otherwise exits 77, which CTest
# reports as skipped, with the reason on stdout.
#   needs.sh FILE -- CMD ARGS...
file=$1
shift 2
if [ ! -e "$file" ]; then
    echo "skipped: $file is absent (../shared is not beside the repository)"
    exit 77
fi
exec "$@"
