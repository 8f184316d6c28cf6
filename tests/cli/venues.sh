#!/bin/sh
# levcal import on each venue's fixture (tests/data/venues, sources in its README): the
# policy printed must mean exactly the hand-written *.expected.yaml (same digest, the
# fixtures' sha256 filled in with sha256sum), load, and lint without a warning. Then the
# imported schemes evaluated against figures worked by hand, and every malformed input
# refused with file:line:col and nothing on standard output.
#   venues.sh LEVCAL TOP OUT_DIR
set -u
levcal=$1 top=$2 out=$3
v=$top/tests/data/venues
mkdir -p "$out"
bad=0
fail() { echo "FAIL: $*"; bad=1; }
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-9 * (b < 0 ? -b : b) + 1e-12) }'; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# import NAME EXPECTED FILE...: the import matches the expected policy.
check() {
    name=$1 exp=$2
    shift 2
    "$levcal" import "$name" "$@" >"$out/$name.yaml" 2>"$out/$name.err" ||
        { fail "$name: import exited $?: $(cat "$out/$name.err")"; return; }
    [ -s "$out/$name.err" ] && fail "$name: import said: $(cat "$out/$name.err")"
    s1=$(sha "$1") s2=
    [ $# -ge 2 ] && s2=$(sha "$2")
    sed "s/@SHA1@/$s1/; s/@SHA2@/$s2/" "$v/$exp" >"$out/$name.expected.yaml"
    want=$("$levcal" digest "$out/$name.expected.yaml") || fail "$name: the expected policy does not load"
    got=$("$levcal" digest "$out/$name.yaml") || fail "$name: the imported policy does not load"
    [ "$got" = "$want" ] || fail "$name: digest $got, the hand-written policy's is $want"
    "$levcal" lint --strict "$out/$name.yaml" >"$out/$name.lint" 2>&1 ||
        fail "$name: lint: $(cat "$out/$name.lint")"
    # Canonical already: fmt changes nothing.
    "$levcal" fmt --check "$out/$name.yaml" >/dev/null 2>&1 || fail "$name: not in canonical form"
}
check binance binance.expected.yaml "$v/binance-leverageBracket.json"
check bybit bybit.expected.yaml "$v/bybit-risk-limit.json"
check okx okx.expected.yaml "$v/okx-position-tiers.json" "$v/okx-instruments.json"
check hyperliquid hyperliquid.expected.yaml "$v/hyperliquid-meta.json"
check dydx dydx.expected.yaml "$v/dydx-liquidity-tiers.json" "$v/dydx-perpetuals.json"

# The files in either order for okx and dydx; --market selects; -o writes the same bytes.
"$levcal" import okx "$v/okx-instruments.json" "$v/okx-position-tiers.json" | grep -q 'cap: 80,' ||
    fail "okx with the files swapped"
"$levcal" import binance "$v/binance-leverageBracket.json" --market ETHUSDT >"$out/eth.yaml" ||
    fail "--market exited $?"
grep -q BTCUSDT "$out/eth.yaml" && fail "--market ETHUSDT kept BTCUSDT"
grep -q ETHUSDT "$out/eth.yaml" || fail "--market ETHUSDT lost ETHUSDT"
"$levcal" import binance "$v/binance-leverageBracket.json" -o "$out/written.yaml" >"$out/o.stdout" ||
    fail "-o exited $?"
[ -s "$out/o.stdout" ] && fail "-o also printed to stdout"
cmp -s "$out/written.yaml" "$out/binance.yaml" || fail "-o wrote other bytes than stdout"
"$levcal" import binance "$v/binance-leverageBracket.json" --id usdm --owner risk@example.com |
    grep -q '^  id: usdm$' || fail "--id"
# --contract-size without the instruments: the family names the market.
"$levcal" import okx "$v/okx-position-tiers.json" --contract-size 0.01 >"$out/okx-ct.yaml" ||
    fail "okx --contract-size exited $?"
grep -q '^  BTC-USDT:$' "$out/okx-ct.yaml" || fail "okx --contract-size: market not named by its family"
grep -q 'cap: 40, ' "$out/okx-ct.yaml" || fail "okx --contract-size: caps"

# A cum that does not match the caps: reported at its place, the derived amount used.
"$levcal" import binance "$v/binance-bad-cum.json" >"$out/badcum.yaml" 2>"$out/badcum.err" ||
    fail "bad cum exited $?"
grep -q "binance-bad-cum.json:5:[0-9]*: warning: ETHUSDT bracket 2 gives cum 40.0\{0,1\}; derived from the caps and rates it is 35" "$out/badcum.err" ||
    fail "bad cum: $(cat "$out/badcum.err")"
grep -q maintenance_amount "$out/badcum.yaml" && fail "the venue's cum was copied"

# Refusals: exit 2, file:line:col, nothing on stdout.
refuse() {
    want=$1
    shift
    "$levcal" import "$@" >"$out/r.stdout" 2>"$out/r.err"
    rc=$?
    [ $rc -eq 2 ] || fail "import $*: exit $rc, want 2"
    [ -s "$out/r.stdout" ] && fail "import $*: printed $(head -c 200 "$out/r.stdout")"
    grep -q -- "$want" "$out/r.err" || fail "import $*: stderr $(cat "$out/r.err"), want $want"
}
refuse "binance-gap.json:3:[0-9]*: error: expected notionalFloor 10000 (the previous bracket's cap), got 12000" \
    binance "$v/binance-gap.json"
refuse "binance-truncated.json:[0-9]*:[0-9]*: error" binance "$v/binance-truncated.json"
refuse "binance-string-leverage.json:2:[0-9]*: error: expected initialLeverage (a number in a string), got \"seventy-five\"" \
    binance "$v/binance-string-leverage.json"
refuse "binance-leverageBracket.json:1:1: error: expected the risk-limit response (an object), got an array" \
    bybit "$v/binance-leverageBracket.json"
refuse "okx tiers are in contracts" okx "$v/okx-position-tiers.json"
refuse "market 'DOGEUSDT' is not in" binance "$v/binance-leverageBracket.json" --market DOGEUSDT
refuse "unknown venue 'binanse' (did you mean 'binance'?)" binanse "$v/binance-leverageBracket.json"
refuse "expected the binance file" binance
sed 's/"liquidity_tier": 1,/"liquidity_tier": 7,/' "$v/dydx-perpetuals.json" >"$out/perps7.json"
refuse "perps7.json:5:135: error: PEPE-USD is on liquidity tier 7, which .*dydx-liquidity-tiers.json does not list" \
    dydx "$v/dydx-liquidity-tiers.json" "$out/perps7.json"
# Figures the policy loader would refuse are refused at the venue's own field.
printf '[{"symbol":"X","brackets":[{"initialLeverage":10,"notionalCap":100,"notionalFloor":0,"maintMarginRatio":0.01},\n{"initialLeverage":20,"notionalCap":1000,"notionalFloor":100,"maintMarginRatio":0.02}]}]\n' >"$out/rising.json"
refuse "rising.json:2:20: error: expected a max leverage of at most the previous tier's: X tier 2 has 20" \
    binance "$out/rising.json"
printf '{"universe":[{"name":"A","maxLeverage":3,"marginTableId":57}],\n"marginTables":[[57,{"marginTiers":[{"lowerBound":"0","maxLeverage":0}]}]]}\n' >"$out/zero.json"
refuse "zero.json:2:69: error: expected a max leverage of at least 1: A tier 1 has 0" hyperliquid "$out/zero.json"
sed 's/"maintenance_fraction_ppm": 500000, "base_position_notional": "0", "impact_notional": "5000000000"/"maintenance_fraction_ppm": 1000000, "base_position_notional": "0", "impact_notional": "5000000000"/' \
    "$v/dydx-liquidity-tiers.json" >"$out/mf.json"
refuse "mf.json:4:[0-9]*: error: expected maintenance_fraction_ppm above 0 and below 1000000, got 1000000" \
    dydx "$out/mf.json"
printf '' >"$out/empty.json"
refuse "empty.json:1:1: error:" binance "$out/empty.json"
refuse "nosuch.json" binance "$out/nosuch.json"

# The imported schemes at work, figures by hand.
#  OKX, quantity tiers: 7 BTC at 60000 is tier 2 (5 <= 7 < 10), MM 420000 x 0.005 = 2100,
#  IM 420000 / 100 = 4200.
#  dYdX PEPE-USD, open interest 35M between 20M and 50M: imf 0.1 + 0.5 x 0.9 = 0.55;
#  notional 1000 x 1.5 = 1500: IM 825, MM 1500 x 0.05 = 75, max leverage 1/0.55.
cat >"$out/okx-book.yaml" <<'B'
marks: {BTC-USDT-SWAP: 60000}
accounts:
  - {id: a, collateral: 30000, positions: [{market: BTC-USDT-SWAP, qty: 7, entry: 61000}]}
B
"$levcal" eval --policy "$out/okx.yaml" --portfolio "$out/okx-book.yaml" --format json >"$out/okx.json" ||
    fail "okx eval exited $?"
grep -q '"tier":2,.*"maintenance_margin":2100,"initial_margin":4200,' "$out/okx.json" ||
    fail "okx figures: $(cat "$out/okx.json")"
grep -q '"tier_basis":"quantity"' "$out/okx.json" || fail "okx: no tier_basis"
cat >"$out/dydx-book.yaml" <<'B'
marks: {PEPE-USD: 1.5, BTC-USD: 60000}
open_interest: {PEPE-USD: 35000000}
accounts:
  - {id: a, collateral: 5000, positions: [{market: PEPE-USD, qty: 1000, entry: 1.4}, {market: BTC-USD, qty: 0.1, entry: 60000}]}
B
"$levcal" eval --policy "$out/dydx.yaml" --portfolio "$out/dydx-book.yaml" --format json >"$out/dydx.json" ||
    fail "dydx eval exited $?"
grep -q '"market":"PEPE-USD",.*"maintenance_margin":75,"initial_margin":825,' "$out/dydx.json" ||
    fail "dydx PEPE figures: $(cat "$out/dydx.json")"
grep -q '"margin":{"scheme":"open_interest","open_interest":35000000,"imf":0.55,"mmf":0.05}' "$out/dydx.json" ||
    fail "dydx margin object"
# BTC-USD: imf 0.02 (no scaling), notional 6000: IM 120, MM 72.
grep -q '"market":"BTC-USD",.*"maintenance_margin":72,"initial_margin":120,' "$out/dydx.json" ||
    fail "dydx BTC figures"
# A book without the open interest the scaling needs is refused.
sed '/open_interest/d' "$out/dydx-book.yaml" >"$out/dydx-nooi.yaml"
"$levcal" eval --policy "$out/dydx.yaml" --portfolio "$out/dydx-nooi.yaml" >"$out/r.stdout" 2>"$out/r.err"
[ $? -eq 2 ] || fail "a book without open interest was evaluated"
grep -q "dydx-nooi.yaml:3:[0-9]*: error: no open interest for market 'PEPE-USD'" "$out/r.err" ||
    fail "no-OI message: $(cat "$out/r.err")"

# explain says which scheme and shows its formula.
"$levcal" explain --policy "$out/dydx.yaml" --portfolio "$out/dydx-book.yaml" --account a >"$out/explain.txt" ||
    fail "explain exited $?"
grep -q "= 0.55  (margin scheme open_interest)" "$out/explain.txt" || fail "explain: no imf line"
grep -q "one line" "$out/explain.txt" || fail "explain: no closed-form liquidation"
# Caps on top of a scheme (tests/data/schemes): a volatility cap, worked out on the
# scheme's base rates as 1 / (z sigma_h + base mmf) = 1 / (z sigma_h + 0.01), binds a small
# position (below the scheme's 50x); a position of 10,000 pays the size premium, imf
# 0.002 x 100 = 0.2, 5x, under the cap; a script halves H's 1/0.05 = 20x to 10x.
sd=$top/tests/data/schemes
"$levcal" eval --policy "$sd/volcap.yaml" --portfolio "$sd/book.yaml" --format json >"$out/volcap.json" ||
    fail "scheme volcap eval exited $?"
z=$(sed -n 's/.*"volatility":{"S":{[^}]*"z":\([^,]*\),.*/\1/p' "$out/volcap.json")
sg=$(sed -n 's/.*"volatility":{"S":{[^}]*"sigma_h":\([^,]*\),.*/\1/p' "$out/volcap.json")
cap=$(awk -v z="$z" -v s="$sg" 'BEGIN { printf "%.17g", 1 / (z * s + 0.01) }')
small=$(sed -n 's/.*"id":"small".*"market":"S",[^{]*"max_leverage":\([^,]*\),.*/\1/p' "$out/volcap.json")
[ -n "$z" ] && [ -n "$sg" ] && near "$small" "$cap" || fail "small S max leverage '$small', want 1/(z sigma_h + 0.01) = $cap"
grep -q '"id":"small",.*"binding":"volatility"' "$out/volcap.json" || fail "small S not bound by volatility"
grep -q '"id":"big",.*"max_leverage":5,.*"binding":"margin_scheme"' "$out/volcap.json" ||
    fail "big S: the size premium's 5x does not bind"
grep -q '"id":"halved",.*"max_leverage":10,.*"binding":"script:halves"' "$out/volcap.json" ||
    fail "H: the script's halving does not bind"

# diff: two quantity tables compare by size; a change of basis has no common axis, so it
# shows as the change of tiers_by, without ranges.
sed 's/max_leverage: 100, mmr: 0.005/max_leverage: 75,  mmr: 0.005/' "$top/policies/okx-linear-swap.yaml" >"$out/okx75.yaml"
"$levcal" diff "$top/policies/okx-linear-swap.yaml" "$out/okx75.yaml" >"$out/diff-q.txt"
grep -q '^  size \[5, 10): max leverage 100 -> 75, mmr 0.005 -> 0.005 (less leverage)$' "$out/diff-q.txt" ||
    fail "diff of quantity tables: $(grep '\[' "$out/diff-q.txt")"
sed '/tiers_by: quantity/d' "$top/policies/okx-linear-swap.yaml" >"$out/okxn.yaml"
"$levcal" diff "$top/policies/okx-linear-swap.yaml" "$out/okxn.yaml" >"$out/diff-b.txt"
grep -q '/markets/BTC-USDT-SWAP/tiers_by: "quantity" -> (none)' "$out/diff-b.txt" || fail "diff: basis change"
grep -q '): max leverage' "$out/diff-b.txt" && fail "diff: ranges across a change of basis"

# A quantity-keyed tier's amount is taken as written, so the digest covers it.
qpol() {
    printf 'levcal: 1\npolicy: {id: q, version: 1}\nmarkets:\n  Q:\n    tiers_by: quantity\n    tiers:\n      - {cap: 5, max_leverage: 50, mmr: 0.01%s}\n' "$1"
}
qpol ", maintenance_amount: 700" >"$out/q700.yaml"
qpol ", maintenance_amount: 701" >"$out/q701.yaml"
qpol "" >"$out/qnone.yaml"
d700=$("$levcal" digest "$out/q700.yaml") d701=$("$levcal" digest "$out/q701.yaml")
dnone=$("$levcal" digest "$out/qnone.yaml")
[ "$d700" != "$d701" ] || fail "a quantity tier's maintenance_amount does not move the digest"
[ "$d700" != "$dnone" ] || fail "a quantity tier's maintenance_amount 700 digests as none"
[ $bad -eq 0 ] && echo "venues: all checks passed"
exit $bad
