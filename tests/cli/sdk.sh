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
