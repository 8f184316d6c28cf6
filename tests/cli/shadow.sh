#!/bin/sh
# A plugin earlier on LEVCAL_PLUGIN_PATH hides a shipped one of the same name: every
# command says which file it loaded and warns about the one it hides.
#   shadow.sh LEVCAL PLUGINDIR POLICY PORTFOLIO HISTORY
set -u
levcal=$1 shipped=$2 policy=$3 portfolio=$4 history=$5
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$shipped/garch11.so" "$dir/garch11.so"
fail=0
check() { # what, pattern, file
    grep -Eq -- "$2" "$3" || { echo "$1: no match for: $2"; echo "---"; head -20 "$3"; fail=1; }
}
LEVCAL_PLUGIN_PATH=$dir "$levcal" vol --plugin garch11 --history "$history" >"$dir/out" 2>"$dir/err"
check "vol json" "\"plugin_path\":\"$dir/garch11.so\"" "$dir/out"
check "vol warning" "warning: plugin 'garch11' is loaded from $dir/garch11.so, which shadows .*/garch11.so later in the search path" "$dir/err"
LEVCAL_PLUGIN_PATH=$dir "$levcal" plugins >"$dir/out" 2>"$dir/err"
check "plugins path" "^ +$dir/garch11.so$" "$dir/out"
check "plugins warning" "garch11.so: warning: plugin 'garch11' here is shadowed by $dir/garch11.so" "$dir/err"
LEVCAL_PLUGIN_PATH=$dir "$levcal" eval --policy "$policy" --portfolio "$portfolio" >"$dir/out" 2>"$dir/err"
check "eval volatility section" "\"plugin\":\"garch11\",\"plugin_version\":\"1.0.0\",\"plugin_path\":\"$dir/garch11.so\"" "$dir/out"
check "eval warning" "warning: plugin 'garch11' is loaded from $dir/garch11.so, which shadows" "$dir/err"
# Without the override, the shipped file is named.
"$levcal" vol --plugin garch11 --history "$history" >"$dir/out" 2>"$dir/err"
check "vol shipped" "\"plugin_path\":\"$shipped/garch11.so\"" "$dir/out"
exit $fail
