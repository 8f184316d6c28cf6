#!/bin/sh
# levcal backtest against the reference: EWMA lambda 0.94 on the BTCUSDT file, 2018-01-01
# to 2024-12-31, 99%, long: N 2557, x 50, LR_POF 18.4368496, LR_ind 0.000506925, LR_cc
# 18.4373566, transitions (2457, 49, 49, 1) (recomputed independently with a few lines of
# Python over the same file). Then the page in headless Chromium (its exceedances are the
# JSON's), usage errors, and a model that cannot fit. Skipped (77) without ../shared.
#   backtest.sh LEVCAL TOP OUT_DIR
set -u
levcal=$1 top=$2 outdir=$3
csv=$top/../shared/data/Binance_BTCUSDT_d.csv
[ -r "$csv" ] || { echo "skipped: $csv is absent (../shared/data)"; exit 77; }
mkdir -p "$outdir"
bad=0
fail() { echo "FAIL: $*"; bad=1; }
j=$outdir/ewma.json
"$levcal" backtest --plugin ewma --param lambda=0.94 --history "$csv" --from 2018-01-01 \
    --to 2024-12-31 --confidence 0.99 --side long --format json --html "$outdir/ewma.html" >"$j" ||
    fail "backtest exited $?"
has() { grep -qF -- "$1" "$j" || fail "the JSON lacks $1"; }
has '"observations":2557,"exceedances":50,"expected":25.57,'
has '"first":"2018-01-01","last":"2024-12-31"'
has '"n00":2457,"n01":49,"n10":49,"n11":1'
has '"verdict":"reject"'
num() { sed -n "s/.*\"$1\":{\"lr\":\([^,]*\),.*/\1/p" "$j"; }
close() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
close "$(num kupiec)" 18.4368496 5e-8 || fail "LR_POF $(num kupiec), want 18.4368496"
close "$(num independence)" 0.000506925 5e-10 || fail "LR_ind $(num independence), want 0.000506925"
close "$(num conditional_coverage)" 18.4373566 5e-8 || fail "LR_cc $(num conditional_coverage), want 18.4373566"
[ "$(grep -o '"exceedance_dates":\[[^]]*\]' "$j" | tr ',' '\n' | grep -c '"20')" -eq 50 ] || fail "not 50 exceedance dates"
# The table says the same.
"$levcal" backtest --plugin ewma --history "$csv" --from 2018-01-01 --to 2024-12-31 >"$outdir/ewma.txt"
grep -q '^exceedances     50 (expected 25.57, rate 1.9554%)$' "$outdir/ewma.txt" || fail "table: $(sed -n 3p "$outdir/ewma.txt")"
grep -q '^verdict         reject$' "$outdir/ewma.txt" || fail "table has no verdict"
# A short's exceedances are rises.
"$levcal" backtest --plugin ewma --history "$csv" --from 2018-01-01 --to 2024-12-31 --side short \
    --format json >"$outdir/short.json" || fail "short side exited $?"
grep -q '"side":"short"' "$outdir/short.json" || fail "no short side"
# Errors.
"$levcal" backtest --plugin ewma --history "$csv" --confidence 1.5 >/dev/null 2>&1
[ $? -eq 2 ] || fail "--confidence 1.5 was not refused"
"$levcal" backtest --history "$csv" >/dev/null 2>&1
[ $? -eq 2 ] || fail "no model was not refused"
"$levcal" backtest --plugin garch11 --history "$csv" --from 2017-08-20 --to 2017-09-30 >"$outdir/g.txt" 2>&1
[ $? -eq 3 ] && grep -q "error: model 'garch11' failed on the history up to 2017-08-19" "$outdir/g.txt" ||
    fail "a model that cannot fit: $(cat "$outdir/g.txt")"
# The page, as a browser sees it.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$outdir/profile" --dump-dom "file://$outdir/ewma.html" 2>/dev/null >"$outdir/ewma.dom"
    [ "$(grep -o 'class="exceedance"' "$outdir/ewma.dom" | wc -l)" -eq 50 ] || fail "the page does not mark 50 exceedances"
    grep -q '<table id="tests">' "$outdir/ewma.dom" || fail "the page has no tests table"
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --user-data-dir="$outdir/profile" --window-size=1200,800 --screenshot="$outdir/ewma.png" \
        "file://$outdir/ewma.html" >/dev/null 2>&1
    [ "$(wc -c <"$outdir/ewma.png" 2>/dev/null || echo 0)" -gt 30000 ] || fail "no screenshot of the page"
else
    echo "chromium not found: the page was not rendered"
fi
[ $bad -eq 0 ] && echo "backtest matches the reference"
exit $bad
