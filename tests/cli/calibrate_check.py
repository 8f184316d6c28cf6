#!/usr/bin/env python3
"""Recomputes levcal calibrate's first and last tiers, and the first tier's 2025 policy
backtest, from the BTCUSDT file with nothing but the standard library, and compares them
with levcal's output (a calibrated policy and its backtest JSON)."""
import csv
import datetime
import json
import math
import re
import sys
from statistics import NormalDist

csv_path, policy_path, backtest_path = sys.argv[1:4]
rows = list(csv.reader(open(csv_path)))[2:]
bars = []
for r in rows:
    u = int(r[0])
    u = u // 1000 if u > 10**11 else u
    bars.append((datetime.datetime.fromtimestamp(u, datetime.timezone.utc).date(),
                 float(r[4]), float(r[5]), float(r[6]), float(r[8])))
bars.sort()
upto = [b for b in bars if b[0] <= datetime.date(2024, 12, 31)]
# EWMA 0.94, seeded with the first squared return (the plugin's documented definition).
var = None
for i in range(1, len(upto)):
    r = math.log(upto[i][3] / upto[i - 1][3])
    if var is None:
        var = r * r
    var = 0.94 * var + 0.06 * r * r
s1d = math.sqrt(var)
s1h = s1d * math.sqrt(1 / 24)
adv = sum(b[4] for b in upto[-30:]) / 30
z = NormalDist().inv_cdf(0.99)
bad = []
text = open(policy_path).read()
tiers = re.findall(r"\{cap: (\d+), +max_leverage: (\d+), +mmr: ([0-9.]+)\}", text)
caps = [50000, 600000, 3000000, 12000000, 70000000]
if len(tiers) != len(caps):
    bad.append(f"{len(tiers)} tiers, expected {len(caps)}")
for i in (0, len(caps) - 1):
    mmr = math.ceil((z * s1h + s1d * math.sqrt(caps[i] / adv)) * 10000 - 1e-7) / 10000
    lev = math.floor(1 / (mmr + z * s1d))
    got = (int(tiers[i][0]), int(tiers[i][1]), float(tiers[i][2]))
    if got != (caps[i], lev, mmr):
        bad.append(f"tier {i + 1}: levcal {got}, by hand {(caps[i], lev, mmr)}")
if f"adv: {adv!r}" not in text and abs(float(re.search(r"adv: ([0-9.e+]+)", text).group(1)) - adv) > 1e-6 * adv:
    bad.append(f"adv: by hand {adv}")
# The 2025 backtest of tier 1 (notional 1, isolated with its initial margin).
lev, mmr = int(tiers[0][1]), float(tiers[0][2])
year = [b for b in bars if datetime.date(2025, 1, 1) <= b[0] <= datetime.date(2025, 12, 31)]
want = {"long": [0, 0, 0, 0.0], "short": [0, 0, 0, 0.0]}
for t in range(len(year) - 1):
    c, nh, nl = year[t][3], year[t + 1][1], year[t + 1][2]
    for side, sg in (("long", 1), ("short", -1)):
        lp = c * (1 / lev - sg) / (mmr - sg)
        bk = c * (1 - sg / lev)
        ext = nl if sg > 0 else nh
        w = want[side]
        w[0] += 1
        w[1] += (ext <= lp) if sg > 0 else (ext >= lp)
        if (ext < bk) if sg > 0 else (ext > bk):
            w[2] += 1
            w[3] = max(w[3], abs(bk - ext) / c)
bt = json.load(open(backtest_path))
for row in bt["markets"][0]["tiers"][:2]:
    w = want[row["side"]]
    got = [row["days"], row["liquidations"], row["bad_debt"], row["worst_loss"]]
    if got[:3] != w[:3] or abs(got[3] - w[3]) > 1e-12:
        bad.append(f"tier 1 {row['side']}: levcal {got}, by hand {w}")
for line in bad:
    print(line)
print(f"sigma_1d {s1d:.6f}, ADV {adv:,.0f}; tier 1 long {want['long']}; {len(bad)} problems")
sys.exit(1 if bad else 0)
