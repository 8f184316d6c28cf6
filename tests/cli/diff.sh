#!/bin/sh
# levcal diff on tests/data/diff, every figure worked by hand. Old: BTCUSDT brackets
# [0, 50k) 50x 1%, [50k, 500k) 20x 2%, [500k, 5M) 10x 4%; new: the first cap 40k and the
# second bracket 10x. At a mark of 50,000:
#   tight  4 BTC = 200,000, tier 2: IM 200,000/20 = 10,000 -> /10 = 20,000; on 15,000 of
#          collateral available 5,000 -> -5,000: ok -> over_limit. cum 50k x 1% = 500 ->
#          40k x 1% = 400, so MM 4,000 - 500 = 3,500 -> 3,600; liquidation price
#          (15,000 + cum - 200,000) / (4 x 0.02 - 4) = 47,066.33 -> 47,091.84.
#   mover  0.9 BTC = 45,000: tier 1 (50x, IM 900, MM 450) -> tier 2 (10x, IM 4,500,
#          MM 900 - 400 = 500); no liquidation price on either side (100,000 of collateral).
#   steady 0.5 BTC = 25,000: tier 1 on both sides, nothing changes.
# Totals: IM 11,400 -> 25,000, MM 4,200 -> 4,350, ok -> over_limit: 1.
# Then the semantic diff of: formatting only, one cell, an added market, a script; JSON
# Pointer escapes; --exit-code.
#   diff.sh LEVCAL DATA_DIR DIGEST_DATA_DIR
set -u
levcal=$1 data=$2 spellings=$3
bad=0
fail() { echo "FAIL: $*"; bad=1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$data" || exit 1
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }

"$levcal" diff old.yaml new.yaml --portfolio book.yaml --format json >"$work/d.json" || fail "diff exited $?"
j=$work/d.json
has "$j" '{"path":"/markets/BTCUSDT/tiers/0/cap","old":50000,"new":40000}'
has "$j" '{"path":"/markets/BTCUSDT/tiers/1/max_leverage","old":20,"new":10}'
has "$j" '{"path":"/policy/version","old":1,"new":2}'
[ "$(grep -c '"path":"/' "$j")" -eq 3 ] || fail "not exactly three changes"
has "$j" '"markets":{"added":[],"removed":[],"changed":["BTCUSDT"]}'
has "$j" '"ranges":{"BTCUSDT":[{"from":40000,"to":50000,"old_max_leverage":50,"new_max_leverage":10,"old_mmr":0.01,"new_mmr":0.02},{"from":50000,"to":500000,"old_max_leverage":20,"new_max_leverage":10,"old_mmr":0.02,"new_mmr":0.02}]}'
has "$j" '{"id":"tight","old_status":"ok","new_status":"over_limit","old_initial_margin":10000,"new_initial_margin":20000,"old_maintenance_margin":3500,"new_maintenance_margin":3600,"old_available":5000,"new_available":-5000}'
has "$j" '{"id":"mover","old_status":"ok","new_status":"ok","old_initial_margin":900,"new_initial_margin":4500,"old_maintenance_margin":450,"new_maintenance_margin":500,"old_available":99100,"new_available":95500}'
grep -q '"id":"steady"' "$j" && fail "steady is listed, but nothing of it changes"
# Sorted by the change in initial margin: tight (10,000) before mover (3,600).
[ "$(grep -o '"id":"[a-z]*"' "$j" | tr '\n' ' ')" = '"id":"tight" "id":"mover" ' ] || fail "accounts not sorted by change"
has "$j" '{"account":"tight","market":"BTCUSDT","old_tier":2,"new_tier":2,"old_max_leverage":20,"new_max_leverage":10,"old_liquidation_price":47066.32653061225,"new_liquidation_price":47091.836734693876'
has "$j" '{"account":"mover","market":"BTCUSDT","old_tier":1,"new_tier":2,"old_max_leverage":50,"new_max_leverage":10,"old_liquidation_price":null,"new_liquidation_price":null'
has "$j" '"totals":{"accounts":3,"positions":3,"initial_margin":{"old":11400,"new":25000},"maintenance_margin":{"old":4200,"new":4350}'
has "$j" '"accounts_by_status":{"old":{"ok":3,"margin_call":0,"over_limit":0,"reduce_only":0,"deleverage":0,"liquidate":0},"new":{"ok":2,"margin_call":0,"over_limit":1,'
has "$j" '"transitions":{"ok -> over_limit":1}'
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$j" || fail "the JSON does not parse"
fi
"$levcal" diff old.yaml new.yaml --portfolio book.yaml >"$work/d.txt"
has "$work/d.txt" "  ok -> over_limit: 1"
has "$work/d.txt" "  initial margin      11,400 -> 25,000"
has "$work/d.txt" "  [40,000, 50,000): max leverage 50 -> 10, mmr 0.01 -> 0.02 (less leverage) (more margin)"
"$levcal" diff old.yaml new.yaml --exit-code >/dev/null
[ $? -eq 1 ] || fail "--exit-code on different policies did not exit 1"

# Formatting only: the same digest, no change.
cd "$spellings" || exit 1
"$levcal" diff s1.yaml s4.yaml --exit-code >"$work/f.txt" || fail "formatting-only diff with --exit-code exited $?"
has "$work/f.txt" "no semantic change"
"$levcal" diff s1.yaml s6.yaml --format json >"$work/f.json"
has "$work/f.json" '"same":true,'
has "$work/f.json" '"changes":[],'

# One cell; an added market; a script; a market name that needs escaping.
cp s1.yaml cap.lua "$work"/
cd "$work" || exit 1
sed '0,/mmr: 0.01}/s//mmr: 0.0125}/' s1.yaml >cell.yaml
"$levcal" diff s1.yaml cell.yaml --format json >c.json
[ "$(grep -c '"path":"/' c.json)" -eq 1 ] && has c.json '{"path":"/markets/BTCUSDT/tiers/1/mmr","old":0.01,"new":0.0125}' ||
    fail "one cell: $(grep '"path"' c.json)"
printf '  XRPUSDT:\n    lot_size: 1\n    tiers:\n      - {cap: 10000, max_leverage: 20, mmr: 0.02}\n' >xrp.txt
sed '/^deleveraging:/e cat xrp.txt' s1.yaml >added.yaml
"$levcal" diff s1.yaml added.yaml --format json >a.json
has a.json '"markets":{"added":["XRPUSDT"],"removed":[],"changed":[]}'
has a.json '{"path":"/markets/XRPUSDT","old":null,"new":{"lot_size":1,"tiers":[{"cap":10000,"max_leverage":20,"mmr":0.02}]}}'
"$levcal" diff added.yaml s1.yaml --format json >r.json
has r.json '"markets":{"added":[],"removed":["XRPUSDT"],"changed":[]}'
mkdir newdir && cp s1.yaml newdir/ && sed 's/return ctx.params.max_leverage/return ctx.params.max_leverage -- a cap from the params/' cap.lua >newdir/cap.lua
"$levcal" diff s1.yaml newdir/s1.yaml --format json >s.json
has s.json '"path":"/$files/cap.lua","old":"4d4fe55dc4065fe2bc1c5568dca2888ae44a0ea3e310474aadfa7f2a58c37fb8"'
has s.json '"scripts":[{"path":"cap.lua","old_sha256":"4d4fe55dc4065fe2bc1c5568dca2888ae44a0ea3e310474aadfa7f2a58c37fb8"'
has s.json '"diff":"--- a/cap.lua\n+++ b/cap.lua\n@@ -1,4 +1,4 @@\n -- Caps every position at params.max_leverage.\n function max_leverage(pos, acct, ctx)\n-    return ctx.params.max_leverage\n+    return ctx.params.max_leverage -- a cap from the params\n end\n"'
sed 's/BTCUSDT/"A\/B~C"/' s1.yaml | sed 's/^  "A\/B~C":/  "A\/B~C":/' >esc.yaml
"$levcal" diff s1.yaml esc.yaml --format json >e.json
has e.json '"path":"/markets/A~1B~0C"'
[ $bad -eq 0 ] && echo "diff matches the hand-worked figures"
exit $bad
