#!/usr/bin/env python3
"""Medians of the RESULT lines bench/tracking/run.sh collected, next to Keel's targets."""
import statistics
import sys
from collections import defaultdict


def fields(line):
    out = {}
    for token in line.split():
        if "=" in token:
            k, v = token.split("=", 1)
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


groups = defaultdict(list)
for line in open(sys.argv[1], encoding="utf-8"):
    words = line.split()
    if not words:
        continue
    f = fields(line)
    if words[0] in ("log-metric", "log-batch"):
        groups[(words[0], int(f["c"]))].append(f)
    elif words[0] == "search":
        groups[("search", int(f["runs"]))].append(f)
    elif words[0] == "history":
        groups[("history", int(f["points"]), f["mode"])].append(f)


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def verdict(ok):
    return "PASS" if ok else "MISS"


def plain():
    print(f"{'measurement':<44} {'median':>14} {'runs':>5}  target")


    order = {"log-metric": 0, "log-batch": 1, "search": 2, "history": 3}
    for key in sorted(groups, key=lambda k: (order[k[0]],) + tuple(str(x).rjust(12) for x in k[1:])):
        rows = groups[key]
        n = len(rows)
        durable = all(r["stored_metrics"] >= r["acked_metrics"] for r in rows) if key[0] in ("log-metric", "log-batch") else None
        if key[0] == "log-metric":
            c = key[1]
            rps, p50, p99 = med(rows, "rps"), med(rows, "p50_ms"), med(rows, "p99_ms")
            target = ""
            if c == 64:
                target = f">= 20000 req/s and p99 < 10 ms: {verdict(rps >= 20000 and p99 < 10)} (req/s {verdict(rps >= 20000)}, p99 {verdict(p99 < 10)})"
            print(f"{'log-metric ' + str(c) + ' conn (req/s)':<44} {rps:>14,.0f} {n:>5}  {target}")
            print(f"{'   p50 / p99 latency (ms)':<44} {p50:>6.2f} /{p99:>6.2f} {n:>5}")
            print(f"{'   errors / non-2xx; stored >= acked':<44} {int(sum(r['errors'] for r in rows)):>6} /{int(sum(r['non2xx'] for r in rows)):>6} {n:>5}  durable: {durable}")
            cpu = med(rows, "server_cpu_us_per_request")
            print(f"{'   server CPU us/request (2 cores => cap)':<44} {cpu:>6.1f} ={2e6 / cpu if cpu else 0:>7,.0f} {n:>5}")
        elif key[0] == "log-batch":
            mps = statistics.median(r["rps"] * r["metrics_per_request"] for r in rows)
            print(f"{'log-batch 1000/request, ' + str(key[1]) + ' conn (metrics/s)':<44} {mps:>14,.0f} {n:>5}  >= 500000: {verdict(mps >= 500000)}")
            print(f"{'   requests/s; p50 / p99 (ms)':<44} {med(rows, 'rps'):>6.1f}; {med(rows, 'p50_ms'):.0f} / {med(rows, 'p99_ms'):.0f} {n:>3}  durable: {durable}")
            cpu = med(rows, "server_cpu_us_per_request")
            print(f"{'   server CPU ms/request (2 cores => metrics/s cap)':<44} {cpu / 1000:>6.2f} ={2e9 / cpu if cpu else 0:>7,.0f} {n:>5}")
        elif key[0] == "search":
            p50 = med(rows, "p50_ms")
            limit = 30 if key[1] <= 10000 else 100
            print(f"{'search ' + format(key[1], ',') + ' runs, filter+order_by, 100 (p50 ms)':<44} {p50:>14.1f} {n:>5}  < {limit} ms: {verdict(p50 < limit)}")
        elif key[0] == "history":
            ms = med(rows, "median_ms")
            limit = 150 if key[1] <= 100000 else 1500
            label = f"history {key[1]:,} pts, {key[2]} (ms)"
            print(f"{label:<44} {ms:>14.1f} {n:>5}  < {limit} ms: {verdict(ms < limit)}")
            if key[2] == "raw" and all("server_cpu_ms_per_fetch" in r for r in rows):
                print(f"{'   server CPU ms per full fetch':<44} {med(rows, 'server_cpu_ms_per_fetch'):>14.0f} {n:>5}")


def markdown():
    """The results table of docs/benchmarks-tracking.md (python3 summarize.py results.txt --markdown)."""
    mlflow = {
        ("log-metric", 1): "≈ 215 req/s",
        ("log-metric", 8): "≈ 290 req/s",
        ("log-metric", 64): "≈ 290 req/s, p99 ≈ 370 ms",
        ("log-batch", 8): "8–15k metrics/s",
        ("search", 10000): "≈ 3.3 s",
        ("search", 100000): "—",
        ("history", 100000): "≈ 4.3 s",
        ("history", 1000000): "—",
    }
    rows = []
    for c in (1, 8, 64):
        g = groups.get(("log-metric", c))
        if not g:
            continue
        rps, p50, p99 = med(g, "rps"), med(g, "p50_ms"), med(g, "p99_ms")
        durable = all(r["stored_metrics"] >= r["acked_metrics"] for r in g)
        if c == 64:
            target = "≥ 20,000 req/s, p99 < 10 ms, durable"
            verdict_text = f"**MISS** (req/s {verdict(rps >= 20000)}, p99 {verdict(p99 < 10)}, durable {verdict(durable)})"
        else:
            target, verdict_text = "—", f"durable: {verdict(durable)}"
        rows.append((f"log-metric, {c} connection{'s' if c > 1 else ''}", mlflow[("log-metric", c)], target,
                     f"{rps:,.0f} req/s; p50 {p50:.2f} ms, p99 {p99:.1f} ms", len(g), verdict_text))
    g = groups.get(("log-batch", 8))
    if g:
        mps = statistics.median(r["rps"] * r["metrics_per_request"] for r in g)
        durable = all(r["stored_metrics"] >= r["acked_metrics"] for r in g)
        rows.append(("log-batch, 1000 metrics/request, 8 connections", mlflow[("log-batch", 8)], "≥ 500,000 metrics/s",
                     f"{mps:,.0f} metrics/s ({med(g, 'rps'):.1f} req/s)", len(g),
                     f"**{verdict(mps >= 500000)}** (durable {verdict(durable)})"))
    for n, limit in ((10000, 30), (100000, 100)):
        g = groups.get(("search", n))
        if g:
            p50 = med(g, "p50_ms")
            rows.append((f"search {n:,} runs, metric filter + order_by, 100 results (p50)", mlflow[("search", n)], f"< {limit} ms",
                         f"{p50:.1f} ms", len(g), f"**{verdict(p50 < limit)}**"))
    for p, limit in ((100000, 150), (1000000, 1500)):
        for mode in ("raw", "parse"):
            g = groups.get(("history", p, mode))
            if g:
                ms = med(g, "median_ms")
                what = "server + transfer" if mode == "raw" else "incl. client deserialization"
                rows.append((f"history {p:,} points, every page ({what})", mlflow[("history", p)] if mode == "raw" else "", f"< {limit:,} ms",
                             f"{ms:,.0f} ms", len(g), f"**{verdict(ms < limit)}**"))
    print("| Measurement | MLflow 2.12 (4 workers, SQLite, 2 cores) | Keel target | Keel, median | Runs | Verdict |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")


if len(sys.argv) > 2 and sys.argv[2] == "--markdown":
    markdown()
else:
    plain()
