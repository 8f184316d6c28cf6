#!/usr/bin/env python3
"""Checks a `levcal diff --html` page as a browser parsed it (chromium --dump-dom) against
the diff's JSON: both charts of every market, every table, and every number of the impact
tables equal to the JSON's (data-v), shown rounded for people."""
import json
import sys
from html.parser import HTMLParser

dom_file, json_file, want_markets = sys.argv[1], sys.argv[2], int(sys.argv[3])
diff = json.load(open(json_file))


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.charts = []          # (market, kind)
        self.paths_with_title = 0
        self.tables = {}          # id -> rows of [(data-v, text)]
        self.table = None
        self.row = None
        self.cell = None
        self.in_path = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "chart" in a.get("class", ""):
            self.charts.append((a.get("data-market"), a.get("data-kind")))
        if tag == "path":
            self.in_path = True
        if tag == "title" and self.in_path:
            self.paths_with_title += 1
        if tag == "table":
            self.table = a.get("id") or a.get("class")
            self.tables.setdefault(self.table, [])
        if tag == "tr" and self.table:
            self.row = []
            self.tables[self.table].append(self.row)
        if tag in ("td", "th") and self.row is not None:
            self.cell = [a.get("data-v"), ""]
            self.row.append(self.cell)

    def handle_endtag(self, tag):
        if tag == "path":
            self.in_path = False
        if tag in ("td", "th"):
            self.cell = None
        if tag == "table":
            self.table = None
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


p = Page()
p.feed(open(dom_file, encoding="utf-8").read())
bad = []
markets = diff["markets"]["added"] + diff["markets"]["removed"] + diff["markets"]["changed"]
if len(markets) != want_markets:
    bad.append(f"the JSON has {len(markets)} markets, expected {want_markets}")
for m in markets:
    for kind in ("leverage", "mmr"):
        if (m, kind) not in p.charts:
            bad.append(f"no {kind} chart for {m}")
if p.paths_with_title < 2 * len(markets):
    bad.append(f"only {p.paths_with_title} chart steps carry a tooltip")
for t in ("sides", "tiers", "change-list", "totals", "transitions", "accounts", "positions"):
    if t not in p.tables:
        bad.append(f"no table {t}")


def shown(text):
    """The number a cell shows, as a float: separators and units dropped."""
    t = text.replace(",", "").replace("\u2212", "-").replace("x", "").replace("%", "").strip()
    return None if t in ("\u2013", "") else float(t)


def check(table, row, col, want, label):
    cells = [c for c in p.tables.get(table, [[]])[row] if c[0] is not None] if table in p.tables else []
    if col >= len(cells):
        bad.append(f"{label}: no cell")
        return
    v, text = cells[col]
    got = None if v == "null" else float(v)
    if got != want:
        bad.append(f"{label}: data-v {v}, JSON {want}")
    s = shown(text)
    if want is not None and (s is None or abs(s - round(want, 2)) > 1e-9 * max(1, abs(want))):
        bad.append(f"{label}: shows {text!r} for {want}")


im = diff["impact"]
check("totals", 1, 0, im["totals"]["initial_margin"]["old"], "total initial margin, old")
check("totals", 1, 1, im["totals"]["initial_margin"]["new"], "total initial margin, new")
check("totals", 2, 0, im["totals"]["maintenance_margin"]["old"], "total maintenance margin, old")
check("totals", 2, 1, im["totals"]["maintenance_margin"]["new"], "total maintenance margin, new")
for i, a in enumerate(im["accounts"][:50]):
    for col, key in enumerate(["old_initial_margin", "new_initial_margin", "old_maintenance_margin",
                               "new_maintenance_margin", "old_available", "new_available"]):
        check("accounts", i + 1, col, a[key], f"account {a['id']} {key}")
for i, q in enumerate(im["positions"][:50]):
    for col, key in enumerate(["old_tier", "new_tier", "old_max_leverage", "new_max_leverage",
                               "old_liquidation_price", "new_liquidation_price",
                               "old_initial_margin", "new_initial_margin"]):
        check("positions", i + 1, col, q[key], f"position {q['account']}/{q['market']} {key}")
# The transition matrix: every off-diagonal count the JSON names.
statuses = ["ok", "margin_call", "over_limit", "reduce_only", "deleverage", "liquidate"]
for k, n in im["totals"]["transitions"].items():
    a, b = k.split(" -> ")
    check("transitions", 1 + statuses.index(a), statuses.index(b), n, f"transition {k}")
for line in bad:
    print(line)
print(f"{len(p.charts)} charts, {len(p.tables)} tables, {len(bad)} problems")
sys.exit(1 if bad else 0)
