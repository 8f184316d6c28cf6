#!/usr/bin/env python3
"""Every number `levcal explain --format json` gives for an account equals the report's:
for each account of a book, the explanation's figures are looked up in `levcal eval`'s
JSON by field name and compared exactly. Prints one line per difference; exits 1 if any."""
import json
import subprocess
import sys

levcal, policy, book = sys.argv[1:4]
report = json.loads(subprocess.run([levcal, "eval", "--policy", policy, "--portfolio", book],
                                   capture_output=True, check=True).stdout)
POS = {"notional": "notional", "tier": "tier", "maintenance amount": "maintenance_amount",
       "maintenance margin": "maintenance_margin", "max leverage": "max_leverage",
       "initial margin": "initial_margin", "upnl": "upnl"}
ACC = {"equity": "equity", "notional": "notional", "maintenance margin": "maintenance_margin",
       "initial margin": "initial_margin", "available": "available",
       "margin ratio": "margin_ratio", "leverage": "leverage"}
PLAN = {"closed notional": ("closed_notional",), "fee": ("fee",),
        "after: equity": ("after", "equity"),
        "after: maintenance margin": ("after", "maintenance_margin"),
        "after: margin ratio": ("after", "margin_ratio"), "after: leverage": ("after", "leverage")}
bad = checked = 0
for acc in report["accounts"]:
    out = subprocess.run([levcal, "explain", "--policy", policy, "--portfolio", book,
                          "--account", acc["id"], "--format", "json"],
                         capture_output=True, check=True).stdout
    steps = json.loads(out)["steps"]
    by_market = {p["market"]: p for p in acc["positions"]}
    for s in steps:
        sec, label, value = s["section"], s["label"], s["value"]
        want = None
        words = sec.split(" ")
        if len(words) == 3 and words[1] in ("long", "short") and label in POS:
            want = by_market[words[0]][POS[label]]
        elif sec.endswith(" liquidation price") and label == "liquidation price":
            want = by_market[sec[:-len(" liquidation price")]]["liquidation_price"]
        elif sec == "account " + acc["id"] and label in ACC:
            want = acc[ACC[label]]
        elif sec == "plan (cross)" and label in PLAN:
            want = acc["plan"]
            for k in PLAN[label]:
                want = want[k]
        else:
            continue
        checked += 1
        if want != value:
            print(f"{policy} {acc['id']}: {sec} / {label}: explain {value}, report {want}")
            bad += 1
print(f"{checked} figures compared, {bad} differ")
sys.exit(1 if bad or not checked else 0)
