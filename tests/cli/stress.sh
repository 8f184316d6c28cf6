#!/bin/sh
# levcal stress, worked by hand on tests/data/stress (one market X at 100, ADV 10,000,
# sigma_1d 0.1, impact_k 1; MM 1% of notional):
#   A 10 long on 100 liquidates at p <= 900/9.9 = 90.909, B 8 long on 100 at 700/7.92 =
#   88.384, C 1 long on 1,000 never. A shock of -9.5%: round 1 at 90.5 liquidates A (equity
#   5, MM 9.05), who sells 10: mark *= 1 - 0.1 sqrt(905 / 10,000); round 2 at 87.7775
#   liquidates B, who sells 8: mark *= 1 - 0.1 sqrt(8 x 87.7775 / 10,000); round 3 at
#   85.4514 liquidates nobody, and the cascade stops. The figures are recomputed below with
#   awk, not copied from levcal.
# Then: a shock that liquidates nobody; a bankruptcy's shortfall; a short squeeze; a partial
# plan inside the loop; the page; and the replay of 2020-03-12 on the BTCUSDT file (where
# ../shared is present), its shock the day's low over the previous close, read with awk.
#   stress.sh LEVCAL TOP OUT_DIR
set -u
levcal=$1 top=$2 out=$3
data=$top/tests/data/stress
mkdir -p "$out"
bad=0
fail() { echo "FAIL: $*"; bad=1; }
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-9 * (b < 0 ? -b : b) + 1e-12) }'; }
field() { sed -n "s/.*\"round\":$1,\"marks\":{\"X\":\\([^}]*\\)}.*/\\1/p" "$2"; }
j=$out/cascade.json
"$levcal" stress --policy "$data/policy.yaml" --portfolio "$data/book.yaml" --shock=-9.5% --format json >"$j" ||
    fail "stress exited $?"
m2=$(awk 'BEGIN { printf "%.17g", 90.5 * (1 - 0.1 * sqrt(905 / 10000)) }')
m3=$(awk -v m="$m2" 'BEGIN { printf "%.17g", m * (1 - 0.1 * sqrt(8 * m / 10000)) }')
[ "$(field 1 "$j")" = 90.5 ] || fail "round 1 mark $(field 1 "$j"), want 90.5"
near "$(field 2 "$j")" "$m2" || fail "round 2 mark $(field 2 "$j"), want $m2"
near "$(field 3 "$j")" "$m3" || fail "round 3 mark $(field 3 "$j"), want $m3"
grep -q '"round":1,"marks":{"X":90.5},"liquidated":\["A"\],"closed":\[{"market":"X","side":"long","qty":10,"notional":905}\],"fees":0,"shortfall":0}' "$j" ||
    fail "round 1: $(grep '"round":1' "$j")"
grep -q '"round":2,.*"liquidated":\["B"\],"closed":\[{"market":"X","side":"long","qty":8,' "$j" || fail "round 2 is not B's"
grep -q '"round":3,.*"liquidated":\[\],"closed":\[\]' "$j" || fail "round 3 liquidated someone"
grep -q '"round":4' "$j" && fail "the cascade went past the first quiet round"
grep -q '"totals":{"rounds":3,"liquidated":2,' "$j" || fail "totals: $(grep totals "$j")"
grep -q '"final":{"statuses":{"ok":3,' "$j" || fail "final statuses"
# The same inputs, the same bytes.
"$levcal" stress --policy "$data/policy.yaml" --portfolio "$data/book.yaml" --shock=-9.5% --format json |
    cmp -s - "$j" || fail "two runs differ"
# Nobody liquidated: one quiet round.
"$levcal" stress --policy "$data/policy.yaml" --portfolio "$data/book.yaml" --shock=-1% --format json >"$out/quiet.json"
grep -q '"totals":{"rounds":1,"liquidated":0,"closed_notional":0,"fees":0,"shortfall":0}' "$out/quiet.json" ||
    fail "a mild shock: $(grep totals "$out/quiet.json")"
# Bankruptcy at 80: A's equity 100 - 200 = -100, B's 100 - 160 = -60: the fund pays 160.
"$levcal" stress --policy "$data/policy.yaml" --portfolio "$data/book.yaml" --shock=X=-20% --format json >"$out/bk.json"
grep -q '"round":1,"marks":{"X":80},"liquidated":\["A","B"\],"closed":\[{"market":"X","side":"long","qty":18,"notional":1440}\],"fees":0,"shortfall":160}' "$out/bk.json" ||
    fail "bankruptcy: $(grep '"round":1' "$out/bk.json")"
# A short squeeze: S (10 short on 100) liquidates at 109.5 and buys 10: the mark rises by
# 0.1 sqrt(1,095 / 10,000).
"$levcal" stress --policy "$data/policy.yaml" --portfolio "$data/shorts.yaml" --shock=+9.5% --format json >"$out/sq.json"
up=$(awk 'BEGIN { printf "%.17g", 109.5 * (1 + 0.1 * sqrt(1095 / 10000)) }')
grep -q '"round":1,"marks":{"X":109.5},"liquidated":\["S"\],"closed":\[{"market":"X","side":"short","qty":10,"notional":1095}\]' "$out/sq.json" ||
    fail "squeeze round 1: $(grep '"round":1' "$out/sq.json")"
near "$(field 2 "$out/sq.json")" "$up" || fail "squeeze mark $(field 2 "$out/sq.json"), want $up"
# A partial plan (back to MR 0.5, lots of 0.1, fee 0.1%): at 90.5 A keeps 2.3 of 10, the
# fewest lots that reach the target: 7.7 closed (696.85), MR 0.01 x 2.3 x 90.5 / (5 - 0.69685)
# = 0.4837; 7.6 would leave 0.5037.
"$levcal" stress --policy "$data/policy-partial.yaml" --portfolio "$data/book.yaml" --shock=-9.5% --rounds 1 \
    --format json >"$out/partial.json"
grep -q '"closed":\[{"market":"X","side":"long","qty":7.7,"notional":696.85}\],"fees":0.69685' "$out/partial.json" ||
    fail "partial: $(grep '"round":1' "$out/partial.json")"
"$levcal" stress --policy "$data/policy.yaml" --portfolio "$data/book.yaml" --shock=-30 >/dev/null 2>&1
[ $? -eq 2 ] || fail "a shock without % was not refused"
"$levcal" stress --policy "$data/policy.yaml" --portfolio "$data/book.yaml" --shock=Y=-30% >/dev/null 2>&1
[ $? -eq 2 ] || fail "a shock on an unknown market was not refused"
# --vol: tighter volatility caps, never fewer accounts over their limit; here one more.
mkdir -p "$out/vx/policies" "$out/vx/examples"
cp "$top/examples/"*synthetic.csv "$top/examples/portfolio.yaml" "$out/vx/examples/"
awk '/^  (BTC|ETH)USDT:$/ { print; print "    liquidity: {adv: 100000000, sigma_1d: 0.03}"; next } { print }' \
    "$top/policies/volatility.yaml" >"$out/vx/policies/v.yaml"
over() { "$levcal" stress --policy "$out/vx/policies/v.yaml" --portfolio "$out/vx/examples/portfolio.yaml" \
    --shock=-1% --vol "$1" --format json | sed -n 's/.*"final":{"statuses":{.*"over_limit":\([0-9]*\),.*/\1/p'; }
o1=$(over x1) o20=$(over x20)
[ -n "$o1" ] && [ -n "$o20" ] && [ "$o20" -gt "$o1" ] || fail "--vol x20 gave $o20 accounts over their limit, x1 $o1"
# The page.
"$levcal" stress --policy "$data/policy.yaml" --portfolio "$data/book.yaml" --shock=-9.5% --html "$out/cascade.html" >/dev/null ||
    fail "--html exited $?"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$out/profile" \
        --dump-dom "file://$out/cascade.html" 2>/dev/null >"$out/cascade.dom"
    grep -q '<svg id="marks"' "$out/cascade.dom" && grep -q '<svg id="liquidated"' "$out/cascade.dom" &&
        grep -q '<table id="rounds">' "$out/cascade.dom" || fail "the page lacks a chart or its table"
    [ "$(grep -o '<tr><td>[0-9]*</td><td>[0-9]*</td><td data-v' "$out/cascade.dom" | wc -l)" -eq 3 ] || fail "the page's table has not 3 rounds"
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --user-data-dir="$out/profile" --window-size=1200,800 --screenshot="$out/cascade.png" \
        "file://$out/cascade.html" >/dev/null 2>&1
fi
# The 2020-03-12 replay.
s=$top/../shared/data
if [ -r "$s/Binance_BTCUSDT_d.csv" ]; then
    "$levcal" stress --policy "$top/policies/default.yaml" --portfolio "$top/examples/portfolio.yaml" \
        --scenario 2020-03-12 --history "BTCUSDT=$s/Binance_BTCUSDT_d.csv" \
        --history "ETHUSDT=$s/Binance_ETHUSDT_d.csv" --format json >"$out/replay.json" || fail "replay exited $?"
    want=$(awk -F, 'NR > 2 { t = $1; if (t > 1e11) t = t / 1000;
                             if (t == 1583971200) low = $6; if (t == 1583884800) prev = $7 }
                    END { printf "%.17g", low / prev }' "$s/Binance_BTCUSDT_d.csv")
    got=$(sed -n 's/.*"factors":{"BTCUSDT":\([^,]*\),.*/\1/p' "$out/replay.json")
    near "$got" "$want" || fail "the 2020-03-12 shock is $got, the file says $want"
else
    echo "the 2020-03-12 replay was skipped: ../shared is absent"
fi
# Names are the policy author's to choose: a market and a policy id with quotes, a backslash
# and HTML's special characters come out escaped, in the JSON and in the page.
sed -e 's/^  id: stress-case$/  id: "s<\\\\b>"/' -e 's/^  X:$/  "X\\"Q<\&>":/' "$data/policy.yaml" >"$out/odd.yaml"
sed -e 's/{X: 100}/{"X\\"Q<\&>": 100}/' -e 's/market: X,/market: "X\\"Q<\&>",/' "$data/book.yaml" >"$out/odd.book.yaml"
"$levcal" stress --policy "$out/odd.yaml" --portfolio "$out/odd.book.yaml" --shock=-9.5% --format json \
    --html "$out/odd.html" >"$out/odd.json" || fail "odd names: stress exited $?"
grep -q '^{"policy":{"id":"s<\\\\b>",' "$out/odd.json" || fail "odd names: the id in JSON: $(head -c 80 "$out/odd.json")"
grep -q '"factors":{"X\\"Q<&>":0.905}' "$out/odd.json" || fail "odd names: the market in JSON"
grep -q '"closed":\[{"market":"X\\"Q<&>","side":"long"' "$out/odd.json" || fail "odd names: a close in JSON"
grep -q 'Stress of s&lt;\\b&gt; version 1' "$out/odd.html" || fail "odd names: the id in the page"
grep -q '<title>X&quot;Q&lt;&amp;&gt;</title>' "$out/odd.html" || fail "odd names: the market in the page"
grep -q 'X"Q<' "$out/odd.html" && fail "odd names: a raw name in the page"
[ $bad -eq 0 ] && echo "the cascades match the hand computation"
exit $bad
