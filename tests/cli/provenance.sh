#!/bin/sh
# A report's provenance against figures taken independently: sha256sum of each file,
# `levcal digest` of the policy, the price file's first and last rows and its row count
# (read with awk and date, not by levcal), and the portfolio's as_of as written.
#   provenance.sh LEVCAL TOP
set -u
levcal=$1 top=$2
bad=0
fail() { echo "FAIL: $*"; bad=1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
day() { date -u -d "@$1" +%Y-%m-%d; }
pol=$top/policies/volatility.yaml book=$top/examples/portfolio-scripted.yaml
csv=$top/examples/btcusdt-synthetic.csv
prov=$("$levcal" eval --policy "$pol" --portfolio "$book" --until 2024-12-31 2>/dev/null | sed -n 2p)
case $prov in '"provenance":{'*) ;; *) fail "line 2 is not the provenance: $prov" ;; esac
has() { printf '%s' "$prov" | grep -qF -- "$1" || fail "provenance lacks $1"; }
has "\"levcal\":\"$("$levcal" --version | cut -d' ' -f2)\""
has "\"policy\":{\"file\":\"$pol\",\"digest\":\"$("$levcal" digest "$pol")\"}"
has "\"portfolio\":{\"file\":\"$book\",\"sha256\":\"$(sha "$book")\",\"as_of\":\"2024-10-26T12:00:00Z\"}"
# BTCUSDT's history up to --until: the rows' unix times, as days.
first=$(awk -F, 'NR == 2 { print $1 }' "$csv")
last=$(awk -F, -v cut="$(date -u -d 2024-12-31 +%s)" 'NR > 1 && $1 <= cut { t = $1 } END { print t }' "$csv")
rows=$(awk -F, -v cut="$(date -u -d 2024-12-31 +%s)" 'NR > 1 && $1 <= cut { n++ } END { print n }' "$csv")
has "{\"market\":\"BTCUSDT\",\"file\":\"$top/policies/../examples/btcusdt-synthetic.csv\",\"sha256\":\"$(sha "$csv")\",\"first\":\"$(day "$first")\",\"last\":\"$(day "$last")\",\"observations\":$rows}"
# Each plugin: the file it names, hashed.
for p in $(printf '%s' "$prov" | grep -o '"path":"[^"]*","sha256":"[0-9a-f]*"'); do
    path=$(printf '%s' "$p" | sed 's/"path":"\([^"]*\)".*/\1/')
    want=$(sha "$path")
    printf '%s' "$p" | grep -q "\"sha256\":\"$want\"" || fail "plugin $path: hash is not sha256sum's $want"
done
[ "$(printf '%s' "$prov" | grep -o '"name":"[a-z0-9_]*","version"' | tr '\n' ' ')" = '"name":"garch11","version" "name":"ewma","version" ' ] ||
    fail "plugins are not garch11 then ewma (the order the models load them)"
# The table says the same digests.
"$levcal" eval --policy "$pol" --portfolio "$book" --format table 2>/dev/null | sed -n 2,3p >t.txt.$$
grep -qx "policy digest $("$levcal" digest "$pol") (levcal $("$levcal" --version | cut -d' ' -f2))" t.txt.$$ || fail "table: $(cat t.txt.$$)"
grep -qx "portfolio sha256:$(sha "$book")" t.txt.$$ || fail "table: $(cat t.txt.$$)"
rm -f t.txt.$$
[ $bad -eq 0 ] && echo "provenance matches"
exit $bad
