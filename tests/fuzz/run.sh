#!/bin/sh
# Runs every fuzz target for a while: `make fuzz` (FUZZ_SECONDS each, default 60).
# New inputs go to BUILD/corpus/TARGET, crashes to BUILD/artifacts/; the shipped corpus in
# tests/fuzz/corpus is only read. A crash stops the run with libFuzzer's exit status.
#   run.sh BUILD_DIR SECONDS
set -eu
build=$1 secs=$2
src=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$src/../.." && pwd)
# The seeds beside corpus/TARGET, as tests/fuzz/CMakeLists.txt lists them for the replay.
seeds() {
    case $1 in
    policy) echo "$top/policies $top/tests/data/policy $top/tests/data/policy_lua $top/tests/data/lint $top/tests/data/digest" ;;
    portfolio) echo "$top/examples $top/tests/data/portfolio $top/tests/data" ;;
    history) echo "$top/examples $top/tests/data/history $top/tests/data" ;;
    script) echo "$top/scripts $top/tests/data/scripts" ;;
    import) echo "$top/tests/data/venues" ;;
    stream) echo "$top/tests/data/stream" ;;
    esac
}
rm -rf "$build/artifacts"
mkdir -p "$build/artifacts"
for t in policy portfolio history script import stream; do
    mkdir -p "$build/corpus/$t"
    echo "fuzz_$t: $secs s"
    "$build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
        "$build/corpus/$t" "$src/corpus/$t" $(seeds "$t") 2>&1 | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)' || true
    [ -z "$(ls "$build/artifacts" | grep "^$t-" || true)" ] || { echo "fuzz_$t found a crash: $build/artifacts"; exit 1; }
done
