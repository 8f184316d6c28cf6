#!/bin/sh
# A whole report, byte for byte, against its golden file. What depends on where the tree
# is and how it was built is masked: the files' paths, and the plugins' hashes (their
# bytes differ between builds); the policy's digest and the data files' hashes stay.
#   report_golden.sh GOLDEN -- CMD...
set -u
golden=$1
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" 2>/dev/null | sed -E -e 's#"plugin_path":"[^"]*"#"plugin_path":"PLUGIN"#g' \
    -e 's#"(file|path)":"[^"]*"#"\1":"FILE"#g' \
    -e 's#("path":"FILE","sha256":)"[0-9a-f]*"#\1"SHA"#g' >"$out"
if ! cmp -s "$golden" "$out"; then
    echo "report differs from $golden:"
    diff "$golden" "$out" | head -20
    exit 1
fi
