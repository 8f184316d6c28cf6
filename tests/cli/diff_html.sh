#!/bin/sh
# levcal diff --html in a real browser: headless Chromium parses and renders the page of
# the hand-worked case and of fifty changed markets; the parsed page must hold every chart
# and table with the JSON's numbers, and the screenshots must be real images (they are
# kept in the build directory to look at). Skipped (77) without chromium or python3.
#   diff_html.sh LEVCAL DATA_DIR OUT_DIR
set -u
levcal=$1 data=$2 outdir=$3
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium not found: skipped (tools/install-deps --test installs it)"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
mkdir -p "$outdir"
bad=0
fail() { echo "FAIL: $*"; bad=1; }
chrome() { timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --user-data-dir="$outdir/profile" "$@" 2>/dev/null; }
png_size() { python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); assert d[:8]==b"\x89PNG\r\n\x1a\n"; print(*struct.unpack(">II", d[16:24]))' "$1"; }
check_page() { # NAME OLD NEW BOOK MARKETS
    name=$1
    (cd "$data" && "$levcal" diff "$2" "$3" --portfolio "$4" --format json --html "$outdir/$name.html") \
        >"$outdir/$name.json" || { fail "$name: diff exited $?"; return; }
    chrome --dump-dom "file://$outdir/$name.html" >"$outdir/$name.dom"
    [ -s "$outdir/$name.dom" ] || { fail "$name: the browser gave no DOM"; return; }
    python3 "$(dirname "$0")/diff_html_check.py" "$outdir/$name.dom" "$outdir/$name.json" "$5" ||
        fail "$name: the page does not match the JSON"
    rm -f "$outdir/$name.png"
    chrome --window-size=1280,2400 --screenshot="$outdir/$name.png" "file://$outdir/$name.html" >/dev/null
    [ -s "$outdir/$name.png" ] && [ "$(png_size "$outdir/$name.png")" = "1280 2400" ] ||
        fail "$name: no 1280x2400 screenshot"
    [ "$(wc -c <"$outdir/$name.png")" -gt 40000 ] || fail "$name: the screenshot is nearly empty"
}
check_page one old.yaml new.yaml book.yaml 1
# Fifty changed markets: each one's second bracket allows less on the new side.
gen() { # LEVERAGE
    printf 'levcal: 1\npolicy: {id: fifty, version: 1, owner: risk@example.com, description: fifty markets}\nmarkets:\n'
    i=1
    while [ $i -le 50 ]; do
        printf '  M%02d:\n    tiers:\n      - {cap: %d, max_leverage: 50, mmr: 0.01}\n      - {cap: %d, max_leverage: %d, mmr: 0.02}\n' \
            $i $((i * 10000)) $((i * 100000)) "$1"
        i=$((i + 1))
    done
}
gen 20 >"$outdir/fifty-old.yaml"
gen 10 >"$outdir/fifty-new.yaml"
{
    printf 'marks: {'
    i=1
    while [ $i -le 50 ]; do printf '%sM%02d: 100' "$([ $i -gt 1 ] && echo ', ')" $i; i=$((i + 1)); done
    printf '}\naccounts:\n'
    i=1
    while [ $i -le 50 ]; do
        printf '  - {id: a%02d, collateral: %d, positions: [{market: M%02d, qty: %d, entry: 100}]}\n' $i $((i * 1000)) $i $((i * 150))
        i=$((i + 1))
    done
} >"$outdir/fifty-book.yaml"
check_page fifty "$outdir/fifty-old.yaml" "$outdir/fifty-new.yaml" "$outdir/fifty-book.yaml" 50
[ $bad -eq 0 ] && echo "the pages render and match their JSON; screenshots in $outdir"
exit $bad
