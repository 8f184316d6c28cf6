#!/bin/sh
# `levcal test` on tests/data/testing: the text of failing cases exactly (sample.expected,
# written by hand from the cases' books), -v, --run, JSON and JUnit (parsed back when
# python3 is there), and a malformed test file refused with file:line:col.
#   test_cmd.sh LEVCAL DIR
set -u
levcal=$1
cd "$2" || exit 1
bad=0
fail() { echo "FAIL: $*"; bad=1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$levcal" test sample_test.yaml >"$out"
[ $? -eq 1 ] || fail "failing cases did not exit 1"
diff -u sample.expected "$out" || fail "the text differs from sample.expected"

"$levcal" test -v sample_test.yaml >"$out"
grep -qx 'sample_test.yaml:4: PASS: passes' "$out" || fail "-v does not list the passing case"
grep -qx '3 passed, 3 failed' "$out" || fail "-v: no closing line"

"$levcal" test --run '^(passes|a book from a file)$' sample_test.yaml >"$out"
[ $? -eq 0 ] || fail "--run selecting passing cases did not exit 0"
grep -qx '2 passed, 0 failed' "$out" || fail "--run: $(cat "$out")"
"$levcal" test --run '(' sample_test.yaml >"$out" 2>&1
[ $? -eq 2 ] && grep -q "is not a regular expression" "$out" || fail "a bad --run was not refused"

"$levcal" test --format json sample_test.yaml >"$out"
[ "$(head -c 31 "$out")" = '{"passed":3,"failed":3,"cases":' ] || fail "json: $(head -c 80 "$out")"
grep -q '"name":"fails on every kind of mismatch","result":"fail","mismatches":\["alice.status: expected \\"liquidate\\", got \\"ok\\""' "$out" ||
    fail "json lacks the failing case's first mismatch"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["cases"]) == 6 and sum(c["result"] == "fail" for c in d["cases"]) == 3' "$out" ||
        fail "json does not parse to six cases, three failed"
fi
"$levcal" test --format junit sample_test.yaml >"$out"
[ $? -eq 1 ] || fail "junit with failures did not exit 1"
grep -q '<testsuite name="sample_test.yaml" tests="6" failures="3">' "$out" || fail "junit: no testsuite line"
grep -q '<failure message="alice.status: expected &quot;liquidate&quot;, got &quot;ok&quot;">' "$out" ||
    fail "junit: the failure message is not escaped as XML"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import sys, xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); assert r.tag == "testsuites" and len(r.findall(".//testcase")) == 6 and len(r.findall(".//failure")) == 3' "$out" ||
        fail "junit does not parse as XML with six cases and three failures"
fi

"$levcal" test bad >"$out" 2>&1
[ $? -eq 2 ] || fail "a malformed test file did not exit 2"
grep -qx 'bad/malformed_test.yaml:6:29: error: a number that is not whole is compared within a tolerance: write {approx: 0.5, rel: 1e-9} (or abs: ...)' "$out" ||
    fail "malformed: $(cat "$out")"
grep -q "bad/malformed_test.yaml:7:5: error: unknown key 'nme' (did you mean 'name'?)" "$out" || fail "malformed: no unknown key"
grep -q "passed" "$out" && fail "a malformed file still ran cases"
"$levcal" test nosuch >"$out" 2>&1
[ $? -eq 2 ] || fail "a missing path did not exit 2"
# A directory is searched for *_test.yaml (here sample_test.yaml and bad/...: malformed).
"$levcal" test . >"$out" 2>&1
[ $? -eq 2 ] || fail "a directory holding a malformed file did not exit 2"
[ $bad -eq 0 ] && echo "levcal test behaves"
exit $bad
