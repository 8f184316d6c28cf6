#!/bin/sh
# The governance commands end to end, in a scratch copy of a shipped policy: approve and
# eval --require-approval; keygen, sign, verify and eval --require-signature, with every
# refusal (another key, a tampered script, an edited tier, a truncated or altered .sig, a
# secret key others can read, an existing key file); fmt -w, --check and its refusal of a
# policy that does not load; lint's exits, formats, --disable and --strict.
#   gov.sh LEVCAL TOP
set -u
levcal=$1 top=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir policies scripts examples
cp "$top"/policies/scripted.yaml policies/
cp "$top"/scripts/*.lua scripts/
cp "$top"/examples/portfolio-scripted.yaml examples/
pol=policies/scripted.yaml book=examples/portfolio-scripted.yaml
bad=0
fail() { echo "FAIL: $*"; bad=1; }
# expect CODE PATTERN CMD...: exit status CODE and PATTERN (grep -E) on stdout+stderr.
expect() {
    want=$1 pat=$2
    shift 2
    out=$("$@" 2>&1)
    code=$?
    [ "$code" -eq "$want" ] || fail "$* exited $code, want $want: $out"
    printf '%s\n' "$out" | grep -Eq -- "$pat" || fail "$*: no '$pat' in: $out"
}
digest=$("$levcal" digest $pol)

# ---- approvals ----
expect 2 "no approval names the policy's current digest $digest" \
    "$levcal" eval --policy $pol --portfolio $book --require-approval
cp $pol before.yaml
expect 0 "approved $digest by head-of-risk at 2026-11-20" \
    "$levcal" approve --by head-of-risk --at 2026-11-20 $pol
# One line added, under policy:, everything else as it was (comments included).
diff before.yaml $pol >d.txt
[ "$(grep -c '^>' d.txt)" -eq 2 ] && grep -q "^>   approvals:$" d.txt &&
    grep -q "^>     - {by: head-of-risk, at: 2026-11-20, digest: $digest}$" d.txt ||
    { fail "approve changed more than it added:"; cat d.txt; }
[ "$(grep -c '^<' d.txt)" -eq 0 ] || fail "approve removed lines"
[ "$("$levcal" digest $pol)" = "$digest" ] || fail "approving moved the digest"
expect 0 '"provenance"' "$levcal" eval --policy $pol --portfolio $book --require-approval
expect 0 "approved $digest by second-pair-of-eyes" "$levcal" approve --by second-pair-of-eyes --at 2026-11-21 $pol
[ "$(grep -c 'digest: sha256' $pol)" -eq 2 ] || fail "the second approval is not a second line"
# An edit makes them stale: lint says so, eval refuses.
sed 's/max_share: 0.4/max_share: 0.5/' $pol >edited.yaml && mv edited.yaml $pol
expect 0 "warning: approval by 'head-of-risk' at 2026-11-20 is for sha256:.*not the current digest .* \[stale-approval\]" \
    "$levcal" lint $pol
expect 1 "stale-approval" "$levcal" lint --strict $pol
expect 2 "no approval names the policy's current digest" \
    "$levcal" eval --policy $pol --portfolio $book --require-approval
# A flow list of approvals gets the item inside it.
printf 'levcal: 1\npolicy: {id: p, version: 1}\nmarkets: {M: {tiers: [{cap: 10, max_leverage: 2, mmr: 0.1}]}}\n' >flow.yaml
expect 2 "'policy' is written in flow style" "$levcal" approve --by a --at 2026-01-01 flow.yaml
printf 'levcal: 1\npolicy:\n  id: p\n  version: 1\n  approvals: []  # none yet\nmarkets: {M: {tiers: [{cap: 10, max_leverage: 2, mmr: 0.1}]}}\n' >flow.yaml
expect 0 "approved" "$levcal" approve --by a --at 2026-01-01 flow.yaml
grep -q "^  approvals: \[{by: a, at: 2026-01-01, digest: sha256:[0-9a-f]*}\]  # none yet$" flow.yaml ||
    { fail "approve into [] gave:"; cat flow.yaml; }
expect 2 "expected --by NAME" "$levcal" approve $pol
expect 2 "expected the approval's date" "$levcal" approve --by x --at yesterday $pol

# ---- signatures ----
cp before.yaml $pol
expect 0 "wrote key \(secret, mode 0600\) and key.pub" "$levcal" keygen --out key
[ "$(stat -c %a key)" = 600 ] || fail "the secret key's mode is $(stat -c %a key)"
expect 2 "key: error: already exists; not overwritten" "$levcal" keygen --out key
expect 0 "signed $digest" "$levcal" sign --key key $pol
[ "$(sed -n 1p $pol.sig)" = "levcal-signature 1" ] && [ "$(sed -n 2p $pol.sig)" = "digest $digest" ] ||
    fail "the .sig does not start with its format and digest"
expect 0 "verified $digest" "$levcal" verify --pubkey key.pub $pol
expect 0 '"provenance"' "$levcal" eval --policy $pol --portfolio $book --require-signature key.pub
"$levcal" keygen --out other >/dev/null
expect 2 "signed with key .*, not with the key of other.pub" "$levcal" verify --pubkey other.pub $pol
expect 2 "not with the key of other.pub" "$levcal" eval --policy $pol --portfolio $book --require-signature other.pub
# A tampered script, an edited tier: the digest has moved.
cp scripts/concentration.lua conc.orig
echo "-- tampered" >>scripts/concentration.lua
expect 2 "the signature is for $digest, but the policy's digest is now sha256:" \
    "$levcal" verify --pubkey key.pub $pol
expect 2 "policy refused \(--require-signature key.pub\)" \
    "$levcal" eval --policy $pol --portfolio $book --require-signature key.pub
cp conc.orig scripts/concentration.lua
sed '0,/max_leverage: 75,/s//max_leverage: 70,/' before.yaml >$pol
expect 2 "the signature is for $digest, but the policy's digest is now" "$levcal" verify --pubkey key.pub $pol
cp before.yaml $pol
expect 0 "verified" "$levcal" verify --pubkey key.pub $pol
# A truncated .sig, an altered one, one over another digest.
cp $pol.sig good.sig
head -c 100 good.sig >$pol.sig
expect 2 "scripted.yaml.sig:3:1: error: expected 'key ed25519 <public key in base64>'; the file ends early" \
    "$levcal" verify --pubkey key.pub $pol
sed '4s/signature ./signature A/' good.sig >$pol.sig
cmp -s good.sig $pol.sig && sed '4s/signature ./signature B/' good.sig >$pol.sig
expect 2 "the signature does not verify" "$levcal" verify --pubkey key.pub $pol
sed "2s/.*/digest sha256:$(printf '%064d' 0)/" good.sig >$pol.sig
expect 2 "the signature does not verify" "$levcal" verify --pubkey key.pub $pol
printf 'not a signature\n' >$pol.sig
expect 2 "expected 'levcal-signature 1'" "$levcal" verify --pubkey key.pub $pol
rm $pol.sig
expect 2 "scripted.yaml.sig: error: cannot open" "$levcal" verify --pubkey key.pub $pol
expect 2 "expected 'levcal-public-key 1'" "$levcal" verify --pubkey key $pol
chmod 644 key
expect 2 "the secret key is readable by others \(mode 0644\)" "$levcal" sign --key key $pol

# ---- fmt ----
f=policies/f.yaml
sed 's/mmr: 0.5,/mmr: 0.50,/' before.yaml >$f
cmp -s before.yaml $f && fail "the test's edit did nothing"
expect 1 "^policies/f.yaml$" "$levcal" fmt --check $f
chmod 640 $f
expect 0 "" "$levcal" fmt -w $f
expect 0 "" "$levcal" fmt --check $f
cmp -s before.yaml $f || fail "fmt -w did not give the canonical text back"
[ "$(stat -c %a $f)" = 640 ] || fail "fmt -w changed the file's mode"
printf 'levcal: 1\npolicy: {id: x, version: 1}\nmarkets: {M: {tiers: [{cap: 10, max_leverge: 2, mmr: 0.1}]}}\n' >broken.yaml
cp broken.yaml broken.orig
cp before.yaml $f
sed -i 's/mmr: 0.5,/mmr: 0.50,/' $f
cp $f f.orig
out=$("$levcal" fmt -w $f broken.yaml 2>&1 >stdout.txt)
[ $? -eq 2 ] || fail "fmt of a broken policy did not exit 2"
printf '%s\n' "$out" | grep -q "broken.yaml:3:33: error: unknown key 'max_leverge'" || fail "fmt: no load error: $out"
[ -s stdout.txt ] && fail "fmt of a broken policy wrote to stdout"
cmp -s broken.yaml broken.orig || fail "fmt rewrote a broken policy"
cmp -s $f f.orig || fail "fmt -w rewrote a good file beside a broken one"

# ---- lint ----
expect 2 "unknown rule 'thin-bufer' \(did you mean 'thin-buffer'\?\)" "$levcal" lint --disable thin-bufer $pol
expect 2 "nosuch.yaml: error: cannot open" "$levcal" lint $pol nosuch.yaml
expect 1 "broken.yaml:3:33: error: unknown key 'max_leverge' \(did you mean 'max_leverage'\?\) \[load\]" "$levcal" lint broken.yaml
printf 'levcal: 1\npolicy: {id: x, version: 1}\nmarkets: {M: {tiers: [{cap: 10, max_leverage: 50, mmr: 0.018}]}}\n' >thin.yaml
expect 0 "thin.yaml:3:23: warning: tier 1: mmr 0.018 x max_leverage 50 = 0.9 > 0.8" "$levcal" lint thin.yaml
expect 1 "thin-buffer" "$levcal" lint --strict thin.yaml
out=$("$levcal" lint --disable thin-buffer,missing-metadata thin.yaml)
printf '%s\n' "$out" | grep -q "thin-buffer\|missing-metadata" && fail "--disable left: $out"
# JSON: one object per finding, the same findings in the same order.
"$levcal" lint --format json thin.yaml broken.yaml >l.json
[ "$(grep -c '"rule":' l.json)" -eq "$("$levcal" lint thin.yaml broken.yaml | wc -l)" ] || fail "lint JSON lost findings"
head -2 l.json | tail -1 | grep -q '^{"file":"broken.yaml","line":3,"column":23,"severity":"error","rule":"load","message":"a tier is missing' ||
    fail "lint JSON is not sorted by file or not in its shape: $(head -3 l.json)"
command -v python3 >/dev/null 2>&1 && { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' l.json || fail "lint JSON does not parse"; }
[ "$("$levcal" lint --format json "$top"/tests/data/lint/clean_plain.yaml)" = "[]" ] || fail "a clean policy's JSON is not []"
[ $bad -eq 0 ] && echo "governance commands behave"
exit $bad
