#!/bin/sh
# levcal explain: the text of one explanation checked by hand (tests/data/explain/
# alice.expected: alice of examples/portfolio.yaml under policies/default.yaml), errors,
# and, where python3 is, every figure of every account of four books against the report.
#   explain.sh LEVCAL TOP
set -u
levcal=$1 top=$2
bad=0
fail() { echo "FAIL: $*"; bad=1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$levcal" explain --policy "$top/policies/default.yaml" --portfolio "$top/examples/portfolio.yaml" \
    --account alice >"$out" || fail "explain alice exited $?"
diff -u "$top/tests/data/explain/alice.expected" "$out" || fail "the text differs from alice.expected"
"$levcal" explain --policy "$top/policies/default.yaml" --portfolio "$top/examples/portfolio.yaml" \
    --account alice --market ETHUSDT >"$out" || fail "explain --market exited $?"
grep -q '^ETHUSDT short 3$' "$out" && ! grep -q '^BTCUSDT' "$out" || fail "--market ETHUSDT shows other markets"
"$levcal" explain --policy "$top/policies/default.yaml" --portfolio "$top/examples/portfolio.yaml" \
    --account nobody >"$out" 2>&1
[ $? -eq 2 ] && grep -q "error: no account 'nobody' in the portfolio" "$out" || fail "no such account: $(cat "$out")"
"$levcal" explain --policy "$top/policies/default.yaml" --portfolio "$top/examples/portfolio.yaml" \
    --account alice --market XRPUSDT >"$out" 2>&1
[ $? -eq 2 ] && grep -q "error: account 'alice' has no position in 'XRPUSDT'" "$out" || fail "no such position"
if command -v python3 >/dev/null 2>&1; then
    for pair in "default.yaml examples/portfolio.yaml" "binance-deleveraging.yaml examples/portfolio.yaml" \
                "volatility.yaml examples/portfolio.yaml" "scripted.yaml examples/portfolio-scripted.yaml" \
                "bybit-stepdown.yaml tests/data/delev/bybit_book.yaml"; do
        set -- $pair
        python3 "$(dirname "$0")/explain_check.py" "$levcal" "$top/policies/$1" "$top/$2" || fail "$1: figures differ"
    done
fi
[ $bad -eq 0 ] && echo "explain matches"
exit $bad
