#!/bin/sh
# --threads: the report is the same bytes whatever the number of threads, for JSON and
# NDJSON, with deleveraging plans, with selection, and across block boundaries (a book of
# 5,000 accounts: blocks are 2,048); a scripted policy, which stays on one thread, too.
#   threads.sh LEVCAL TOP OUT_DIR
set -u
levcal=$1 top=$2 out=$3
mkdir -p "$out"
bad=0
fail() { echo "FAIL: $*"; bad=1; }
awk 'BEGIN {
    srand(5)
    printf "{\"marks\": {\"BTCUSDT\": 67800, \"ETHUSDT\": 2530}, \"accounts\": [\n"
    for (i = 0; i < 5000; i++)
        printf "{\"id\": \"a%d\", \"collateral\": %.2f, \"positions\": [{\"market\": \"BTCUSDT\", \"qty\": %s%.3f, \"entry\": %.2f}]}%s\n", i, 20 + rand() * 20000, rand() < 0.5 ? "-" : "", 0.001 + int(rand() * 3000) / 1000, 60000 + rand() * 15000, i < 4999 ? "," : ""
    print "]}"
}' >"$out/book.json"
for pol in default binance-deleveraging; do
    for fmt in json ndjson; do
        "$levcal" eval --policy "$top/policies/$pol.yaml" --portfolio "$out/book.json" --format $fmt \
            --threads 1 >"$out/one" || fail "$pol $fmt: one thread exited $?"
        for n in 2 3 8; do
            "$levcal" eval --policy "$top/policies/$pol.yaml" --portfolio "$out/book.json" \
                --format $fmt --threads $n | cmp -s - "$out/one" || fail "$pol $fmt: $n threads differ"
        done
    done
    "$levcal" eval --policy "$top/policies/$pol.yaml" --portfolio "$out/book.json" --threads 1 \
        --status liquidate >"$out/one" || fail "$pol: --status exited $?"
    "$levcal" eval --policy "$top/policies/$pol.yaml" --portfolio "$out/book.json" --threads 4 \
        --status liquidate | cmp -s - "$out/one" || fail "$pol: --status with 4 threads differs"
    # Accounts of the third block only: the first blocks are empty, and the report's
    # first entry still follows its '[' without a comma.
    for fmt in json ndjson; do
        "$levcal" eval --policy "$top/policies/$pol.yaml" --portfolio "$out/book.json" \
            --format $fmt --account a4500 --account a4096 --threads 1 >"$out/few" ||
            fail "$pol $fmt: --account exited $?"
        "$levcal" eval --policy "$top/policies/$pol.yaml" --portfolio "$out/book.json" \
            --format $fmt --account a4500 --account a4096 --threads 3 | cmp -s - "$out/few" ||
            fail "$pol $fmt: --account with 3 threads differs"
    done
    [ "$(grep -c '"id":"a4[05]' "$out/few")" -eq 2 ] || fail "$pol: --account did not give two accounts"
done
# The one report of a single thread must hold every account: the threads test is not
# comparing two empty files.
[ "$(grep -c '^{"id":' "$out/one")" -gt 100 ] || fail "too few liquidated accounts to compare"
# The scripted policy: each worker thread runs the scripts in a state of its own, loaded
# from the same bytes; the report is the same. A book of 5,000 accounts of every age, on
# both markets, as of a Saturday (the weekend haircut), with a script that draws random
# numbers added: each account's numbers are its own.
awk 'BEGIN {
    srand(9)
    printf "{\"as_of\": \"2024-10-26T12:00:00Z\", \"marks\": {\"BTCUSDT\": 67800, \"ETHUSDT\": 2530}, \"accounts\": [\n"
    for (i = 0; i < 5000; i++)
        printf "{\"id\": \"s%d\", \"collateral\": %.2f, \"created\": \"%d-%02d-%02d\", \"positions\": [{\"market\": \"BTCUSDT\", \"qty\": %.3f, \"entry\": 67000}, {\"market\": \"ETHUSDT\", \"qty\": %.2f, \"entry\": 2500}]}%s\n", i, 500 + rand() * 100000, 2022 + int(rand() * 3), 1 + int(rand() * 9), 1 + int(rand() * 28), 0.001 + int(rand() * 5000) / 1000, 0.01 + int(rand() * 4000) / 100, i < 4999 ? "," : ""
    print "]}"
}' >"$out/scripted.json"
abs=$(cd "$top" && pwd)
sed 's|^scripts:$|scripts:\n  - {path: '"$abs"'/tests/data/scripts/random.lua}|' "$top/policies/scripted.yaml" >"$out/scripted.yaml"
sed -i "s|\.\./scripts/|$abs/scripts/|g" "$out/scripted.yaml"
"$levcal" eval --policy "$out/scripted.yaml" --portfolio "$out/scripted.json" --threads 1 >"$out/s1" ||
    fail "the scripted policy on one thread exited $?"
[ "$(grep -c '"binding":"script:' "$out/s1")" -gt 1000 ] || fail "the scripts bind too few positions to compare"
grep -q '"binding":"script:random"' "$out/s1" || fail "the random script binds nothing"
for n in 2 4; do
    "$levcal" eval --policy "$out/scripted.yaml" --portfolio "$out/scripted.json" --threads $n |
        cmp -s - "$out/s1" || fail "the scripted policy with $n threads differs"
done
"$levcal" eval --policy "$top/policies/default.yaml" --portfolio "$out/book.json" --threads 0 \
    >/dev/null 2>&1 && fail "--threads 0 accepted"
# A book above 4 MB is hashed on a thread of its own while it is parsed: the provenance
# still names its sha256, as sha256sum computes it. Every 4 MiB, the pages a reader and
# the hash have both passed go back to the kernel: the report is the same as from
# standard input, whose bytes are read into memory that is never handed back. With two
# threads each part is longer than that, so the books below whose parts do not join are
# read again, by the first reader, over pages its part's reader has handed back.
awk 'BEGIN {
    printf "{\"marks\": {\"BTCUSDT\": 67800}, \"accounts\": [\n"
    for (i = 0; i < 100000; i++)
        printf "{\"id\": \"account-%07d\", \"collateral\": %d.25, \"positions\": [{\"market\": \"BTCUSDT\", \"qty\": 0.%03d, \"entry\": 60000}]}%s\n", i, 1000 + i, 1 + i % 999, i < 99999 ? "," : ""
    print "]}"
}' >"$out/big.json"
[ "$(wc -c <"$out/big.json")" -gt 9000000 ] || fail "the big book is not above 9 MB"
want=$(sha256sum "$out/big.json" | cut -d' ' -f1)
"$levcal" eval --policy "$top/policies/default.yaml" --portfolio "$out/big.json" --status liquidate \
    >"$out/big.out" || fail "the big book: exit $?"
grep -q "\"portfolio\":{\"file\":\"[^\"]*big.json\",\"sha256\":\"$want\"" "$out/big.out" ||
    fail "the big book's provenance does not name sha256 $want"
"$levcal" eval --policy "$top/policies/default.yaml" --portfolio - --status liquidate \
    <"$out/big.json" >"$out/big.stdin" || fail "the big book from standard input: exit $?"
sed 's/"file":"[^"]*big.json"/"file":"<stdin>"/' "$out/big.out" | cmp -s - "$out/big.stdin" ||
    fail "the big book from standard input gives another report"
# Above 1 MiB the accounts list is also read by the threads, in parts: the same report
# whatever their number; and a book whose parts do not join (a bad value in the last
# part, an id that two parts share, a key after the list) gives the errors one thread
# gives, to the column.
"$levcal" eval --policy "$top/policies/default.yaml" --portfolio "$out/big.json" --threads 1 \
    >"$out/big1" || fail "the big book on one thread: exit $?"
for n in 2 3 5; do
    "$levcal" eval --policy "$top/policies/default.yaml" --portfolio "$out/big.json" --threads $n |
        cmp -s - "$out/big1" || fail "the big book read by $n threads differs"
done
sed -e '90000s/"qty": 0\.\([0-9]*\)/"qty": "0.\1"/' -e '70000s/account-0069998/account-0000007/' \
    "$out/big.json" >"$out/bad.json"
sed -e '$s/^]}$/], "note": [1]}/' "$out/big.json" >"$out/tail.json"
for book in bad tail; do
    "$levcal" eval --policy "$top/policies/default.yaml" --portfolio "$out/$book.json" --threads 1 \
        >"$out/$book.out1" 2>"$out/$book.err1"
    st1=$?
    [ "$st1" -eq 2 ] || fail "$book: one thread exited $st1, expected 2"
    [ -s "$out/$book.out1" ] && fail "$book: a report on stdout"
    for n in 2 4; do
        "$levcal" eval --policy "$top/policies/default.yaml" --portfolio "$out/$book.json" \
            --threads $n >/dev/null 2>"$out/$book.errn"
        st=$?
        [ "$st" -eq "$st1" ] || fail "$book: $n threads exited $st, one thread $st1"
        cmp -s "$out/$book.errn" "$out/$book.err1" || fail "$book: $n threads say otherwise"
    done
done
col=$(sed -n 90000p "$out/bad.json" | awk '{ print index($0, "\"qty\": \"") + 7 }')
grep -q "bad.json:90000:$col: error: expected a number, got the string \"0\\." "$out/bad.err1" ||
    fail "bad: the quoted qty is not reported at 90000:$col: $(cat "$out/bad.err1")"
grep -q "bad.json:70000:1: error: duplicate account id 'account-0000007'" "$out/bad.err1" ||
    fail "bad: the shared id is not reported at 70000:1: $(cat "$out/bad.err1")"
grep -q "tail.json:100002:4: error: unknown key .note." "$out/tail.err1" ||
    fail "tail: the key after the list is not reported: $(cat "$out/tail.err1")"
[ $bad -eq 0 ] && echo "threads: all checks passed"
exit $bad
