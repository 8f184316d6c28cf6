#!/bin/sh
# levcal calibrate on the BTCUSDT file up to 2024-12-31 with EWMA 0.94: two tiers and the
# ADV recomputed by hand (calibrate_check.py), the policy loads and lints clean, its
# calibration block is in the digest; then the calibrated policy backtested over 2025, tier
# 1 recomputed likewise. On the shipped synthetic history: no quote volume is an error, and
# the policy backtest of policies/volatility.yaml has its shape. The real-data part is
# skipped (77) without ../shared or python3.
#   calibrate.sh LEVCAL TOP OUT_DIR
set -u
levcal=$1 top=$2 out=$3
mkdir -p "$out"
bad=0
fail() { echo "FAIL: $*"; bad=1; }
syn=$top/examples/btcusdt-synthetic.csv
"$levcal" calibrate --history "$syn" --model ewma --caps 50000,600000 --market BTCUSDT >"$out/none.yaml" 2>"$out/none.err"
[ $? -eq 2 ] && grep -q "no quote volume to measure the market's liquidity" "$out/none.err" && [ ! -s "$out/none.yaml" ] ||
    fail "no volume column: $(cat "$out/none.err")"
"$levcal" calibrate --history "$syn" --model ewma --caps 50000,600000,3000000 --market BTCUSDT --adv 1e9 \
    --owner risk@example.com >"$out/syn.yaml" || fail "synthetic calibration exited $?"
"$levcal" lint --strict "$out/syn.yaml" >/dev/null || fail "the calibrated policy does not lint clean"
"$levcal" fmt --check "$out/syn.yaml" >/dev/null || fail "the calibrated policy is not canonical"
sed 's/impact_k: 1/impact_k: 2/' "$out/syn.yaml" >"$out/syn2.yaml"
[ "$("$levcal" digest "$out/syn.yaml")" != "$("$levcal" digest "$out/syn2.yaml")" ] ||
    fail "the calibration block is not in the digest"
"$levcal" calibrate --history "$syn" --model ewma --caps 600000,50000 --market X --adv 1e9 >/dev/null 2>&1
[ $? -eq 2 ] || fail "decreasing caps were not refused"
"$levcal" backtest --policy "$top/policies/volatility.yaml" --from 2024-06-01 --format json >"$out/vol.json" ||
    fail "policy backtest exited $?"
grep -q '"market":"BTCUSDT","volatility_capped":true,"fallback_days":0,"tiers":\[{"tier":1,"side":"long","days":' "$out/vol.json" ||
    fail "policy backtest JSON: $(head -c 300 "$out/vol.json")"
grep -q '"kupiec":{"lr":' "$out/vol.json" || fail "no Kupiec test for a volatility-capped market"
csv=$top/../shared/data/Binance_BTCUSDT_d.csv
if [ ! -r "$csv" ] || ! command -v python3 >/dev/null 2>&1; then
    [ $bad -eq 0 ] && echo "skipped the BTCUSDT part: ../shared or python3 absent"
    [ $bad -eq 0 ] && exit 77
    exit $bad
fi
"$levcal" calibrate --history "$csv" --model ewma --param lambda=0.94 \
    --caps 50000,600000,3000000,12000000,70000000 --until 2024-12-31 --lot-size 0.001 \
    --owner risk@example.com >"$out/btc.yaml" || fail "calibration exited $?"
"$levcal" lint --strict "$out/btc.yaml" >/dev/null || fail "the BTC policy does not lint clean"
"$levcal" backtest --policy "$out/btc.yaml" --history "BTCUSDT=$csv" --from 2025-01-01 --to 2025-12-31 \
    --format json >"$out/btc-2025.json" || fail "the 2025 backtest exited $?"
python3 "$(dirname "$0")/calibrate_check.py" "$csv" "$out/btc.yaml" "$out/btc-2025.json" ||
    fail "levcal differs from the hand computation"
[ $bad -eq 0 ] && echo "calibrate and the policy backtest match the hand computation"
exit $bad
