#!/bin/sh
# Installs the build into a scratch prefix and builds the embedding example against the
# installed files only (pkg-config), as an out-of-tree user would, then runs it.
#   sdk.sh BUILD_DIR SOURCE_DIR SCRATCH_DIR CC EXTRA_CFLAGS
set -eu
build=$1 src=$2 scratch=$3 cc=$4 extra=$5
rm -rf "$scratch"
mkdir -p "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
export PKG_CONFIG_PATH="$scratch/prefix/lib/pkgconfig"
# shellcheck disable=SC2046,SC2086
"$cc" -std=c11 -Wall -Werror $extra "$src/docs/examples/embed.c" -o "$scratch/embed" \
    $(pkg-config --cflags --libs levcal) -Wl,-rpath,"$scratch/prefix/lib"
"$scratch/embed" "$src/policies/default.yaml" "$src/examples/portfolio.yaml" >"$scratch/out"
grep -q '^dave over_limit' "$scratch/out"
echo "installed SDK builds and runs the embedding example"

# The plugin SDK: build docs/examples/plugin as its own CMake project against the
# installed levcal-plugin.pc, then have the installed levcal list it and evaluate a
# policy that uses it.
cmake -S "$src/docs/examples/plugin" -B "$scratch/plugin" -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$scratch/plugin" >/dev/null
export LEVCAL_PLUGIN_PATH="$scratch/plugin"
levcal="$scratch/prefix/bin/levcal"
"$levcal" plugins --format json >"$scratch/plugins.json"
grep -q '"name":"mean_abs","version":"1.0.0","abi":"1.1"' "$scratch/plugins.json"
grep -q '"name":"garch11"' "$scratch/plugins.json"    # the installed tree finds its own
cat >"$scratch/policy.yaml" <<POLICY
levcal: 1
policy: {id: sdk-test, version: 1}
models:
  example: {plugin: mean_abs, params: {window: 2}}
markets:
  XUSDT:
    tiers:
      - {cap: 1000000, max_leverage: 125, mmr: 0.004}
    volatility:
      model: example
      history: $src/tests/data/history/ms_newest_first.csv
      horizon: 1d
      confidence: 0.99
POLICY
printf 'marks: {XUSDT: 102}\naccounts: [{id: a, collateral: 1000, positions: [{market: XUSDT, qty: 10, entry: 100}]}]\n' \
    >"$scratch/book.yaml"
"$levcal" eval --policy "$scratch/policy.yaml" --portfolio "$scratch/book.yaml" >"$scratch/report.json"
# sigma = sqrt(pi/2) * (ln(101/100) + ln(102/101)) / 2 = 0.0124093...; cap = 1/(2.3263*0.0124+0.004)
grep -q '"binding":"volatility","tier_max_leverage":125,"model":"example"' "$scratch/report.json"
grep -q '"max_leverage":30.4' "$scratch/report.json"
echo "installed plugin SDK builds an out-of-tree plugin that levcal loads and uses"

# The rest of the installation: the CMake package, the plugin directory as every channel
# names it, the shipped policies beside their scripts, and the man page.
plugindir=$(pkg-config --variable=plugindir levcal)
[ -f "$plugindir/garch11.so" ] || { echo "levcal.pc plugindir $plugindir has no garch11.so"; exit 1; }
mkdir -p "$scratch/cmake-user"
cat >"$scratch/cmake-user/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.18)
project(user C)
find_package(levcal 0.1 REQUIRED)
add_executable(embed $src/docs/examples/embed.c)
target_link_libraries(embed PRIVATE levcal::levcal)
file(WRITE \${CMAKE_BINARY_DIR}/plugindir.txt "\${levcal_PLUGIN_DIR}")
CMAKE
cmake -S "$scratch/cmake-user" -B "$scratch/cmake-user/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$extra" -DCMAKE_BUILD_RPATH="$scratch/prefix/lib" >/dev/null
cmake --build "$scratch/cmake-user/build" >/dev/null
"$scratch/cmake-user/build/embed" "$src/policies/default.yaml" "$src/examples/portfolio.yaml" | grep -q '^dave over_limit'
[ "$(cat "$scratch/cmake-user/build/plugindir.txt")" = "$(cd "$plugindir" && pwd)" ] ||
    { echo "levcal_PLUGIN_DIR differs from plugindir"; exit 1; }
echo "find_package(levcal) builds an embedder against levcal::levcal"
# The library finds the shipped plugins from its own file, whoever embeds it.
"$scratch/cmake-user/build/embed" --plugin-dir | grep -qx "$(cd "$plugindir" && pwd)" ||
    { echo "lc_plugin_dir() does not name $plugindir"; exit 1; }
share="$scratch/prefix/share/levcal"
unset LEVCAL_PLUGIN_PATH
"$levcal" check "$share/policies/"*.yaml
"$levcal" eval --policy "$share/policies/volatility.yaml" --portfolio "$share/examples/portfolio.yaml" >/dev/null
[ -f "$scratch/prefix/share/man/man1/levcal.1" ] || { echo "no man page installed"; exit 1; }
echo "installed policies check and evaluate; the man page is installed"
