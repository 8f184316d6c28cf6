#!/bin/sh
# The digest of the worked example, recomputed by an independent script (Python's json and
# hashlib), must be what levcal prints, and so must the canonical JSON. Skipped (77) where
# there is no python3.
#   digest_python.sh LEVCAL DATA_DIR
set -u
levcal=$1 dir=$2
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
want=$(python3 "$(dirname "$0")/digest_worked.py" "$dir") || exit 1
want_json=$(printf '%s\n' "$want" | sed -n 1p)
want_digest=$(printf '%s\n' "$want" | sed -n 2p)
got_json=$("$levcal" digest --canonical "$dir/worked.yaml") || exit 1
got_digest=$("$levcal" digest "$dir/worked.yaml") || exit 1
status=0
[ "$got_json" = "$want_json" ] || { echo "canonical JSON differs:"; echo " want $want_json"; echo " got  $got_json"; status=1; }
[ "$got_digest" = "$want_digest" ] || { echo "digest $got_digest, want $want_digest"; status=1; }
# The worked example in docs/governance.md is this file and this digest.
doc=$(dirname "$0")/../../docs/governance.md
grep -qF "$want_digest" "$doc" || { echo "docs/governance.md does not show $want_digest"; status=1; }
exit $status
