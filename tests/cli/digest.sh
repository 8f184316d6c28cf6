#!/bin/sh
# The digest and fmt invariants on tests/data/digest: seven spellings of one policy (key
# order, block or flow, number spellings and quoting, comments and indents, anchors,
# maintenance amounts given or not) have one digest; fmt gives the spellings without
# comments or anchors the same bytes, keeps comments and anchors in the others, is
# idempotent and never moves the digest; each single-value edit moves it, an approval
# does not, a byte of a script does.
#   digest.sh LEVCAL DATA_DIR
set -u
levcal=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$2"/s*.yaml "$2"/cap.lua "$work"/ || exit 1
cd "$work" || exit 1
bad=0
fail() { echo "FAIL: $*"; bad=1; }
digest() { "$levcal" digest "$1" 2>/dev/null || echo "does-not-load"; }

base=$(digest s1.yaml)
case $base in sha256:????????????????????????????????????????????????????????????????) ;;
*) fail "s1.yaml: digest '$base' is not sha256:<64 hex>" ;; esac
for f in s*.yaml; do
    [ "$(digest "$f")" = "$base" ] || fail "$f: digest $(digest "$f"), want $base"
done

# fmt: byte-identical where only layout, order, quoting and numbers differ.
"$levcal" fmt s1.yaml >canon.out || fail "fmt s1.yaml"
for f in s2 s3 s6; do
    "$levcal" fmt $f.yaml >$f.out || fail "fmt $f.yaml"
    cmp -s canon.out $f.out || { fail "fmt $f.yaml differs from fmt s1.yaml"; diff canon.out $f.out | head -5; }
done
# Comments are kept: without them, the same bytes.
"$levcal" fmt s4.yaml >s4.out || fail "fmt s4.yaml"
for c in "# A policy spelled with comments and wide indents." "levcal: 1  # format version" \
         "owner: risk@example.com  # who answers for it" "# Two markets, the same brackets." \
         "mmr: 0.004}  # first bracket" "# The end."; do
    grep -qF -- "$c" s4.out || fail "fmt s4.yaml lost '$c'"
done
sed -e '/^ *#/d' -e 's/  #.*$//' s4.out | cmp -s canon.out - || fail "fmt s4.yaml without its comments differs from fmt s1.yaml"
# Anchors are kept.
"$levcal" fmt s5.yaml >s5.out || fail "fmt s5.yaml"
grep -q 'tiers: &brackets$' s5.out && grep -q 'tiers: \*brackets$' s5.out && grep -q 'lot_size: \*lot$' s5.out ||
    fail "fmt s5.yaml lost its anchors"
# Idempotent, and the digest never moves.
for f in s*.yaml; do
    "$levcal" fmt "$f" >once.yaml
    "$levcal" fmt once.yaml >twice.yaml
    cmp -s once.yaml twice.yaml || fail "fmt is not idempotent on $f"
    [ "$(digest once.yaml)" = "$base" ] || fail "fmt changed the digest of $f"
done

# Ten single-value edits: each still loads, each moves the digest, no two alike.
seen=""
edit() {
    sed "$1" s1.yaml >edit.yaml
    cmp -s s1.yaml edit.yaml && { fail "edit '$1' changed nothing"; return; }
    d=$(digest edit.yaml)
    [ "$d" = does-not-load ] && { fail "edit '$1' does not load"; return; }
    [ "$d" = "$base" ] && fail "edit '$1' kept the digest"
    case " $seen " in *" $d "*) fail "edit '$1' gave a digest seen before" ;; esac
    seen="$seen $d"
}
edit 's/id: spelled/id: spelled-2/'
edit 's/version: 3/version: 4/'
edit 's/owner: risk@/owner: desk@/'
edit 's/many spellings\./many spellings!/'
edit '0,/cap: 1800000/s//cap: 1900000/'
edit '$!{/ETHUSDT/,$s/max_leverage: 125/max_leverage: 100/}'
edit 's/fee_rate: 0.005/fee_rate: 0.004/'
edit 's/margin_ratio: 0.5/margin_ratio: 0.6/'
edit 's/max_leverage: 40}/max_leverage: 30}/'
edit '0,/lot_size: 0.001/s//lot_size: 0.01/'
edit 's/, version: 1.0.0//'
# An approval is not content; a script's bytes are.
sed 's/by: alice/by: bob/' s1.yaml >edit.yaml
[ "$(digest edit.yaml)" = "$base" ] || fail "changing an approval moved the digest"
cp cap.lua cap.lua.orig
echo "-- one more line" >>cap.lua
[ "$(digest s1.yaml)" != "$base" ] || fail "a changed script kept the digest"
cp cap.lua.orig cap.lua
[ "$(digest s1.yaml)" = "$base" ] || fail "the script restored, the digest did not come back"
[ $bad -eq 0 ] && echo "digest invariants hold"
exit $bad
