#!/bin/sh
# A whole report, byte for byte, against its golden file (the plugin's absolute path,
# which depends on where the tree is built, is masked).
#   report_golden.sh GOLDEN -- CMD...
set -u
golden=$1
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" 2>/dev/null | sed -E 's#"plugin_path":"[^"]*"#"plugin_path":"PLUGIN"#g' >"$out"
if ! cmp -s "$golden" "$out"; then
    echo "report differs from $golden:"
    diff "$golden" "$out" | head -20
    exit 1
fi
