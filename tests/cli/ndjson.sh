#!/bin/sh
# NDJSON in and out, and a book sharded by account: the sample book streamed as NDJSON
# gives the account lines of the JSON report, byte for byte, and a summary line whose
# counts are the account lines' own; errors name the stream's line and leave no summary
# line; the same book split four ways by GNU parallel (--pipe --header 1) and merged by
# `levcal summary` gives the single run's summary and accounts. Without parallel that
# last part is skipped (exit 77) after everything else has passed.
#   ndjson.sh LEVCAL TOP OUT_DIR
set -u
levcal=$1 top=$2 out=$3
mkdir -p "$out"
bad=0
fail() { echo "FAIL: $*"; bad=1; }
pol=$top/policies/default.yaml

# A generated book: 3,000 accounts of one or two positions, in NDJSON and as one JSON
# document (the same accounts), written by awk.
awk 'BEGIN {
    srand(11)
    nd = ARGV[1]; js = ARGV[2]; ARGV[1] = ""; ARGV[2] = ""
    print "{\"marks\": {\"BTCUSDT\": 67800, \"ETHUSDT\": 2530}}" > nd
    printf "{\"marks\": {\"BTCUSDT\": 67800, \"ETHUSDT\": 2530}, \"accounts\": [\n" > js
    for (i = 0; i < 3000; i++) {
        a = sprintf("{\"id\": \"acc%05d\", \"collateral\": %.2f, \"positions\": [{\"market\": \"BTCUSDT\", \"qty\": %s%.3f, \"entry\": %.2f}", i, 50 + rand() * 20000, rand() < 0.5 ? "-" : "", 0.001 + int(rand() * 3000) / 1000, 60000 + rand() * 15000)
        if (rand() < 0.5)
            a = a sprintf(", {\"market\": \"ETHUSDT\", \"qty\": %.2f, \"entry\": %.2f}", 0.01 + int(rand() * 5000) / 100, 2300 + rand() * 400)
        a = a "]}"
        print a > nd
        printf "%s%s\n", a, i < 2999 ? "," : "" > js
    }
    print "]}" > js
}' "$out/book.ndjson" "$out/book.json"

# The stream's report: account lines equal the JSON report's accounts, byte for byte, and
# are the same bytes with one thread or three.
"$levcal" eval --policy "$pol" --portfolio "$out/book.ndjson" >"$out/one.ndjson" ||
    fail "eval of the stream exited $?"
"$levcal" eval --policy "$pol" --portfolio "$out/book.json" >"$out/one.json" || fail "eval of the book exited $?"
for n in 1 3; do
    "$levcal" eval --policy "$pol" --portfolio "$out/book.ndjson" --threads $n | cmp -s - "$out/one.ndjson" ||
        fail "the stream with $n threads differs"
done
grep '^{"id":' "$out/one.json" | sed 's/,$//' >"$out/json-accounts"
grep -v '^{"summary":' "$out/one.ndjson" >"$out/nd-accounts"
cmp -s "$out/json-accounts" "$out/nd-accounts" || fail "the stream's account lines differ from the JSON report's accounts"
[ "$(wc -l <"$out/nd-accounts")" -eq 3000 ] || fail "$(wc -l <"$out/nd-accounts") account lines, want 3000"
# The summary line last, its counts those of the account lines; the same as --format
# ndjson on the whole book.
last=$(tail -1 "$out/one.ndjson")
case $last in '{"summary":'*) ;; *) fail "the last line is not the summary: $last" ;; esac
for st in ok margin_call over_limit reduce_only deleverage liquidate; do
    n=$(grep -c "^{\"id\":\"[^\"]*\",\"status\":\"$st\"" "$out/nd-accounts")
    echo "$last" | grep -q "\"$st\":$n[,}]" || fail "summary $st: want $n, the line says $last"
done
positions=$(grep -o '"market":' "$out/nd-accounts" | wc -l)
echo "$last" | grep -q "\"accounts\":3000,\"positions\":$positions," || fail "summary totals: $last (positions $positions)"
echo "$last" | grep -q "\"digest\":\"$("$levcal" digest "$pol")\"" || fail "the summary line does not name the policy digest"
"$levcal" eval --policy "$pol" --portfolio "$out/book.json" --format ndjson | cmp -s - "$out/one.ndjson" ||
    fail "--format ndjson of the whole book differs from the stream's report"
# Standard input, and --marks with account lines only.
"$levcal" eval --policy "$pol" --portfolio - --portfolio-format ndjson <"$out/book.ndjson" |
    cmp -s - "$out/one.ndjson" || fail "the stream from standard input differs"
printf 'marks: {BTCUSDT: 67800, ETHUSDT: 2530}\n' >"$out/marks.yaml"
sed 1d "$out/book.ndjson" >"$out/accounts.jsonl"
"$levcal" eval --policy "$pol" --portfolio "$out/accounts.jsonl" --marks "$out/marks.yaml" |
    cmp -s - "$out/one.ndjson" || fail "--marks with a .jsonl stream differs"
# Selection still counts every account.
"$levcal" eval --policy "$pol" --portfolio "$out/book.ndjson" --status liquidate >"$out/liq.ndjson"
[ "$(grep -c '^{"id":' "$out/liq.ndjson")" -eq "$(grep -c '"status":"liquidate"' "$out/nd-accounts")" ] ||
    fail "--status liquidate wrote other accounts"
[ "$(tail -1 "$out/liq.ndjson")" = "$last" ] || fail "--status changed the summary"

# Errors: exit 2, file:line:col of the stream, no summary line.
stream_fails() {
    want=$1 file=$2
    shift 2
    "$levcal" eval --policy "$pol" --portfolio "$file" "$@" >"$out/r.out" 2>"$out/r.err"
    rc=$?
    [ $rc -eq 2 ] || fail "$file: exit $rc, want 2"
    grep -q '^{"summary":' "$out/r.out" && fail "$file: a summary line after an error"
    grep -q -- "$want" "$out/r.err" || fail "$file: stderr $(cat "$out/r.err"), want $want"
}
awk 'NR == 2501 { sub(/"collateral": [0-9.]*/, "\"collateral\": \"much\"") } { print }' \
    "$out/book.ndjson" >"$out/bad.ndjson"
stream_fails "bad.ndjson:2501:[0-9]*: error: expected a number" "$out/bad.ndjson"
# An id given again 6,000 lines later, in another run of accounts (runs are 4,096 on one
# thread).
{ cat "$out/book.ndjson"; sed '1d; s/"acc/"bcc/' "$out/book.ndjson"; sed -n 2p "$out/book.ndjson"; } >"$out/dup.ndjson"
stream_fails "dup.ndjson:6002:1: error: account id 'acc00000' given again in the stream" "$out/dup.ndjson" \
    --threads 1
# The first run was written before the duplicate was met: whole runs, no summary.
[ "$(grep -c '^{"id":' "$out/r.out")" -eq 4096 ] || fail "the run before the duplicate was not written"
# In one run, the loader's own message names the first.
{ cat "$out/book.ndjson"; sed -n 2p "$out/book.ndjson"; } >"$out/dup1.ndjson"
stream_fails "dup1.ndjson:3002:1: error: duplicate account id 'acc00000' (also the id of the account on line 2)" \
    "$out/dup1.ndjson"
sed 1d "$out/book.ndjson" >"$out/nomarks.ndjson"
stream_fails "nomarks.ndjson:1:1: error: expected the stream's marks first" "$out/nomarks.ndjson"
{ sed -n 1,10p "$out/book.ndjson"; sed -n 11p "$out/book.ndjson" | cut -c1-40; } >"$out/cut.ndjson"
stream_fails "cut.ndjson:11:[0-9]*: error: invalid JSON" "$out/cut.ndjson"
printf '\n\n{"marks": {"BTCUSDT": 1}}\n{"id": "x", "collateral": 1, "positions": [{"market": "ETHUSDT", "qty": 1, "entry": 1}]}\n' >"$out/nomark.ndjson"
stream_fails "nomark.ndjson:4:[0-9]*: error: no mark price for market 'ETHUSDT'" "$out/nomark.ndjson"
# Usage: a stream is written as NDJSON only, and not sorted.
"$levcal" eval --policy "$pol" --portfolio "$out/book.ndjson" --format table >/dev/null 2>"$out/r.err"
[ $? -eq 2 ] && grep -q "its report is NDJSON" "$out/r.err" || fail "--format table on a stream"
"$levcal" eval --policy "$pol" --portfolio "$out/book.ndjson" --sort leverage >/dev/null 2>"$out/r.err"
[ $? -eq 2 ] && grep -q "sort needs the whole book" "$out/r.err" || fail "--sort on a stream"

# levcal summary refuses an unfinished report and a report of another policy.
head -100 "$out/one.ndjson" >"$out/unfinished.ndjson"
"$levcal" summary "$out/one.ndjson" "$out/unfinished.ndjson" >"$out/r.out" 2>"$out/r.err"
[ $? -eq 2 ] && [ ! -s "$out/r.out" ] && grep -q "does not end with its summary line" "$out/r.err" ||
    fail "summary of an unfinished report: $(cat "$out/r.err")"
"$levcal" eval --policy "$top/policies/desk-conservative.yaml" --portfolio "$out/book.ndjson" >"$out/other.ndjson" 2>/dev/null
"$levcal" summary "$out/one.ndjson" "$out/other.ndjson" >"$out/r.out" 2>"$out/r.err"
[ $? -eq 2 ] && grep -q "the totals of different policies do not add up" "$out/r.err" ||
    fail "summary across policies: $(cat "$out/r.err")"
# Two halves, split by hand, add up to the whole.
{ sed -n 1p "$out/book.ndjson"; sed -n 2,1001p "$out/book.ndjson"; } >"$out/h1.ndjson"
{ sed -n 1p "$out/book.ndjson"; sed -n '1002,$p' "$out/book.ndjson"; } >"$out/h2.ndjson"
"$levcal" eval --policy "$pol" --portfolio "$out/h1.ndjson" >"$out/r1.ndjson"
"$levcal" eval --policy "$pol" --portfolio "$out/h2.ndjson" >"$out/r2.ndjson"
[ "$("$levcal" summary "$out/r1.ndjson" "$out/r2.ndjson")" = "$last" ] || fail "two halves do not add up"

[ $bad -eq 0 ] || exit 1
# The GNU parallel recipe of docs/scaling.md, four shards, in order.
if ! command -v parallel >/dev/null 2>&1; then
    echo "skipped: GNU parallel is not installed (tools/install-deps --test installs it)"
    exit 77
fi
parallel --will-cite --pipe --header 1 -N 750 --keep-order \
    "$levcal" eval --policy "$pol" --portfolio - --portfolio-format ndjson \
    <"$out/book.ndjson" >"$out/shards.ndjson" || fail "parallel exited $?"
[ "$(grep -c '^{"summary":' "$out/shards.ndjson")" -eq 4 ] || fail "not four shards"
[ "$("$levcal" summary "$out/shards.ndjson")" = "$last" ] || fail "the shards' merged summary differs"
grep -v '^{"summary":' "$out/shards.ndjson" | cmp -s - "$out/nd-accounts" ||
    fail "the shards' accounts differ from one run's"
[ $bad -eq 0 ] && echo "ndjson: all checks passed"
exit $bad
