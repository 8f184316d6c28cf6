#!/usr/bin/env python3
"""Recomputes the digest of tests/data/digest/worked.yaml with nothing but the standard
library, from the definition in docs/governance.md: the policy's data (written out by
hand below, as the YAML says it), without policy.approvals and maintenance_amount, plus
"$files"; serialised per RFC 8785; SHA-256. Prints the canonical JSON and the digest."""
import hashlib
import json
import os
import sys

here = sys.argv[1]  # the directory of worked.yaml
with open(os.path.join(here, "cap.lua"), "rb") as f:
    cap_sha = hashlib.sha256(f.read()).hexdigest()

data = {
    "levcal": 1,
    "policy": {
        "id": "worked-example",
        "version": 1,
        "owner": "risk@example.com",
        "description": "The worked example of the digest.",
    },
    "scripts": [{"path": "cap.lua", "params": {"max_leverage": 40}}],
    "markets": {
        "BTCUSDT": {
            "tiers": [
                {"cap": 50000, "max_leverage": 125, "mmr": 0.004},
                {"cap": 600000, "max_leverage": 100, "mmr": 0.005},
                {"cap": ".inf", "max_leverage": 50, "mmr": 0.01},
            ]
        }
    },
    "$files": {"cap.lua": cap_sha},
}

# RFC 8785 for this data: keys sorted (all ASCII here, so code-unit order is byte order),
# no whitespace, UTF-8 as is; whole numbers are ints and the decimals print the same in
# Python as in ECMAScript.
text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
print(text)
print("sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest())
