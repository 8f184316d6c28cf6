#!/bin/sh
# make bench: generates the book once (deterministic), then prints the figures.
set -eu
build=$1
data="$build/bench-data"
mkdir -p "$data"
if [ ! -s "$data/book.json" ]; then
    echo "generating 1M positions over 200k accounts and 50 markets..."
    "$build/bin/gen_book" "$data"
fi
printf 'book: %s (%s MB)\n' "$data/book.json" "$(( $(wc -c <"$data/book.json") / 1000000 ))"
# The same policy with a trivial max_leverage hook on every position.
{
    sed -n '1,/^markets:/p' "$data/policy.yaml" | sed '$d'
    echo "scripts:"
    echo "  - path: $(cd "$(dirname "$0")" && pwd)/trivial_hook.lua"
    sed -n '/^markets:/,$p' "$data/policy.yaml"
} >"$data/policy-hook.yaml"
# The same policy with lot sizes and a deleveraging section: a liquidation target and three
# rules.
{
    sed 's/^\(  M[0-9][0-9]USDT:\)$/\1\n    lot_size: 0.001/' "$data/policy.yaml"
    cat <<'DELEV'
deleveraging:
  liquidation: {target: {margin_ratio: 0.5}, fee_rate: 0.005}
  rules:
    - {name: over-leveraged, when: {leverage: {gt: 20}}, action: deleverage, target: {leverage: 20}}
    - {name: reduce-only, when: {margin_ratio: {gte: 0.8}}, action: reduce_only}
    - {name: margin-call, when: {any: [{margin_ratio: {gte: 0.6}}, {available: {lt: 0}}]}, action: margin_call}
DELEV
} >"$data/policy-delev.yaml"
echo "== library (one core) =="
"$build/bin/bench_eval" "$data/policy.yaml" "$data/book.json" "$data/policy-hook.yaml" \
    "$data/policy-delev.yaml"
echo "== levcal eval, JSON book to full JSON report, one thread (targets: <= 0.5 s, <= 150 MB; --threads 2 <= 0.3 s) =="
# runs THREADS LABEL: five runs writing a real file (the kernel's page-cache work varies
# from run to run on a shared machine: its copy of the report takes 0.1 s in most runs, up
# to 0.4 s in some), then one to /dev/null: the engine's own cost. Each after a sync, so
# that the previous report's writeback does not share the cores with this run.
runs() {
    for run in 1 2 3 4 5; do
        sync
        printf 'to a file%s, run %s: ' "$2" "$run"
        "$build/bin/bench_cli" "$data/report.json" "$build/bin/levcal" eval \
            --policy "$data/policy.yaml" --portfolio "$data/book.json" --threads "$1"
    done
    printf 'to /dev/null%s: ' "$2"
    "$build/bin/bench_cli" /dev/null "$build/bin/levcal" eval \
        --policy "$data/policy.yaml" --portfolio "$data/book.json" --threads "$1"
}
runs 1 ''
runs 2 ', --threads 2'
printf 'report: %s MB\n' "$(( $(wc -c <"$data/report.json") / 1000000 ))"
echo "== scaling: levcal eval at 10k, 100k, 1M and 3M positions, 1 thread and all cores (JSON to a file) =="
for size in 10000 100000 1000000 3000000; do
    dir="$data/scale-$size"
    mkdir -p "$dir"
    [ -s "$dir/book.json" ] || "$build/bin/gen_book" "$dir" "$size" "$((size / 5))" >/dev/null
    for threads in 1 "$(getconf _NPROCESSORS_ONLN)"; do
        sync
        printf '%8s positions, %s thread(s): ' "$size" "$threads"
        "$build/bin/bench_cli" "$dir/report.json" "$build/bin/levcal" eval --policy "$dir/policy.yaml" \
            --portfolio "$dir/book.json" --threads "$threads"
    done
    rm -f "$dir/report.json"
done
echo "== levcal diff with impact: both policies on the 1M book (target: <= 2x one eval above) =="
# The new side gives the first bracket 100x instead of 125x: most accounts' margins move.
sed 's/max_leverage: 125/max_leverage: 100/' "$data/policy.yaml" >"$data/policy-variant.yaml"
printf 'diff --portfolio, JSON to /dev/null: '
"$build/bin/bench_cli" /dev/null "$build/bin/levcal" diff "$data/policy.yaml" \
    "$data/policy-variant.yaml" --portfolio "$data/book.json" --format json
echo "== levcal stress on the 1M book: -30% on every market, the cascade to its end (seconds, not minutes) =="
# The bench policy has no liquidity: give every market one, as a risk desk would.
awk '/^  M[0-9][0-9]USDT:$/ { print; print "    liquidity: {adv: 50000000, sigma_1d: 0.04}"; next } { print }' \
    "$data/policy.yaml" >"$data/policy-stress.yaml"
printf 'stress: '
"$build/bin/bench_cli" /dev/null "$build/bin/levcal" stress --policy "$data/policy-stress.yaml" \
    --portfolio "$data/book.json" --shock=-30% --format json
echo "== an NDJSON stream of 10M accounts (20M positions) through levcal eval (target: < 200 MB) =="
# Generated on the fly by awk and piped in: the stream is never on disk.
awk 'BEGIN { print "{\"marks\": {\"BTCUSDT\": 67800, \"ETHUSDT\": 2530}}"; srand(1)
    for (i = 0; i < 10000000; i++)
        printf "{\"id\": \"a%d\", \"collateral\": %.2f, \"positions\": [{\"market\": \"BTCUSDT\", \"qty\": %s%.3f, \"entry\": %.2f}, {\"market\": \"ETHUSDT\", \"qty\": %.2f, \"entry\": 2500}]}\n", i, 100 + rand() * 50000, (rand() < 0.5 ? "-" : ""), int(1 + rand() * 5000) / 1000, 60000 + rand() * 10000, 1 + int(rand() * 100) }' |
    { printf 'stream, NDJSON report to /dev/null: '
      "$build/bin/bench_cli" /dev/null "$build/bin/levcal" eval \
          --policy "$(cd "$(dirname "$0")/.." && pwd)/policies/default.yaml" --portfolio - \
          --portfolio-format ndjson; }
echo "== backtests over 2018-2024 (2,557 days; targets: EWMA << 100 ms, GARCH daily refits << 2 s) =="
btc="$(cd "$(dirname "$0")/.." && pwd)/../shared/data/Binance_BTCUSDT_d.csv"
if [ -r "$btc" ]; then
    for model in "ewma --refit 20" "garch11 --refit 20" "garch11 --refit 1"; do
        printf 'backtest %s: ' "$model"
        # shellcheck disable=SC2086
        "$build/bin/bench_cli" /dev/null "$build/bin/levcal" backtest --plugin $model \
            --history "$btc" --from 2018-01-01 --to 2024-12-31 --format json
    done
else
    echo "skipped: $btc is absent"
fi
echo "== volatility models (one core) =="
"$build/bin/bench_garch" "$build/lib/levcal/plugins/garch11.so" \
    "$(cd "$(dirname "$0")/.." && pwd)/../shared/data/Binance_BTCUSDT_d.csv"
# Wall time on a shared machine moves with its neighbours; instructions do not. Count
# them for a 100k-position book, when valgrind is there, to compare builds reliably.
if command -v valgrind >/dev/null 2>&1; then
    echo "== instructions (callgrind, 100k positions over 20k accounts, JSON report to /dev/null) =="
    small="$build/bench-data/small"
    mkdir -p "$small"
    [ -s "$small/book.json" ] || "$build/bin/gen_book" "$small" 100000 20000
    cg="$small/callgrind.out"
    total=$(valgrind --tool=callgrind --callgrind-out-file="$cg" "$build/bin/levcal" eval \
        --policy "$small/policy.yaml" --portfolio "$small/book.json" --threads 1 2>&1 >/dev/null |
        awk '/Collected/ { print $4 }')
    echo "levcal eval: $((total / 100000)) instructions per position ($total in all; target <= 5,000)"
    # The input's SHA-256 (provenance) runs in libcrypto, which uses the CPU's SHA
    # extensions where it has them; valgrind's virtual CPU has none, so it counts the
    # portable code's instructions instead. Shown apart, and the rest without it.
    sha=$(callgrind_annotate --inclusive=yes "$cg" 2>/dev/null |
        awk '/:lc__sha256_hex(_behind)? / { gsub(",", "", $1); print $1; exit }')
    if [ -n "$sha" ]; then
        echo "  of which the input's SHA-256: $((sha / 100000)) per position" \
            "($(grep -qw sha_ni /proc/cpuinfo 2>/dev/null && echo 'this CPU has SHA extensions, valgrind does not' || echo 'this CPU has no SHA extensions'));" \
            "the rest: $(((total - sha) / 100000)) per position"
    fi
    rm -f "$cg"
    # What one more position costs: the same count on a 10k-position book, taken off.
    # The difference is the fixed part (starting, loading the policy), which a 100k
    # book spreads over fewer positions than a real one.
    tiny="$build/bench-data/small-10k"
    mkdir -p "$tiny"
    [ -s "$tiny/book.json" ] || "$build/bin/gen_book" "$tiny" 10000 2000 >/dev/null
    total10k=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$build/bin/levcal" eval \
        --policy "$small/policy.yaml" --portfolio "$tiny/book.json" --threads 1 2>&1 >/dev/null |
        awk '/Collected/ { print $4 }')
    fixed=$((total10k - (total - total10k) / 9))
    echo "  one position more: $(((total - total10k) / 90000)) instructions" \
        "(from a 10k-position book: $total10k in all, of which about $fixed fixed)"
fi
