#!/bin/sh
# Files named by -o, --html and fmt -w: a regular file is replaced whole (a temporary file
# beside it, then a rename); a symbolic link stays a link to the file that gets the text;
# what is not a regular file (/dev/null, /dev/stdout, a FIFO) is written to as it is,
# never replaced by a regular file of that name. FIFOs stand in for devices here.
#   out_files.sh LEVCAL TOP OUT_DIR
set -u
levcal=$1 top=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
bad=0
fail() { echo "FAIL: $*"; bad=1; }
diff_args="$top/tests/data/diff/old.yaml $top/tests/data/diff/new.yaml"
venue="$top/tests/data/venues/binance-leverageBracket.json"

# The page and the policy as they go to a regular file, to compare with.
"$levcal" diff $diff_args --html "$out/page.html" >/dev/null
[ "$?" -le 1 ] || fail "diff --html to a file exited $?"
head -c 15 "$out/page.html" | grep -q '<!DOCTYPE html>' || fail "diff --html wrote no page"
"$levcal" import binance "$venue" -o "$out/policy.yaml" || fail "import -o to a file exited $?"
grep -q '^levcal: 1' "$out/policy.yaml" || fail "import -o wrote no policy"

# A FIFO gets the same bytes and is still a FIFO afterwards.
through_fifo() { # NAME EXPECTED COMMAND... (the command writes to $out/fifo)
    name=$1 want=$2
    shift 2
    rm -f "$out/fifo" "$out/got"
    mkfifo "$out/fifo" || { fail "mkfifo"; return; }
    timeout 20 cat "$out/fifo" >"$out/got" &
    reader=$!
    timeout 20 "$@" >/dev/null
    status=$?
    [ "$status" -le 1 ] || fail "$name: exited $status"
    wait "$reader" || fail "$name: nothing came through the FIFO"
    [ -p "$out/fifo" ] || fail "$name: the FIFO was replaced by a regular file"
    cmp -s "$out/got" "$want" || fail "$name: the FIFO did not get the same bytes as a file"
}
through_fifo "diff --html FIFO" "$out/page.html" "$levcal" diff $diff_args --html "$out/fifo"
through_fifo "import -o FIFO" "$out/policy.yaml" "$levcal" import binance "$venue" -o "$out/fifo"
ls "$out" | grep -q 'levcal-' && fail "a temporary file was left behind: $(ls "$out")"

# A page that cannot be written fails before anything is printed, and says where.
"$levcal" diff $diff_args --html "$out/no-such-dir/page.html" >"$out/stdout" 2>"$out/stderr"
[ "$?" -eq 2 ] || fail "diff --html into a missing folder: exit status is not 2"
[ -s "$out/stdout" ] && fail "diff --html into a missing folder printed the diff anyway"
grep -q "no-such-dir/page.html: error: cannot write: No such file or directory" "$out/stderr" ||
    fail "diff --html into a missing folder: $(cat "$out/stderr")"

# A symbolic link stays a link; the file it names gets the text.
echo old >"$out/real.html"
ln -s real.html "$out/link.html"
"$levcal" diff $diff_args --html "$out/link.html" >/dev/null
[ -L "$out/link.html" ] || fail "diff --html replaced the symbolic link"
cmp -s "$out/real.html" "$out/page.html" || fail "diff --html did not write through the link"
sed 's/^  version: 1$/  version:    1/' "$top/tests/data/diff/old.yaml" >"$out/real.yaml"
cmp -s "$out/real.yaml" "$top/tests/data/diff/old.yaml" && fail "the test policy was not made untidy"
ln -s real.yaml "$out/link.yaml"
"$levcal" fmt -w "$out/link.yaml" || fail "fmt -w through a link exited $?"
[ -L "$out/link.yaml" ] || fail "fmt -w replaced the symbolic link"
"$levcal" fmt --check "$out/real.yaml" || fail "fmt -w did not format the file the link names"
exit $bad
