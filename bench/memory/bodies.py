#!/usr/bin/env python3
"""Sends N concurrent large JSON bodies to a running Keel server and samples its resident memory.

Usage: bodies.py PORT PID [--count 40] [--mb 29] [--path /api/2.0/mlflow/experiments/create] [--settle 30]
Prints the resident set (VmRSS of PID) before, at its peak while the bodies are in flight, and
--settle seconds after the last response, plus every answer's status. Standard library only.
"""
import argparse, http.client, json, threading, time
from collections import Counter

p = argparse.ArgumentParser()
p.add_argument("port", type=int)
p.add_argument("pid", type=int)
p.add_argument("--count", type=int, default=40)
p.add_argument("--mb", type=float, default=29)
p.add_argument("--path", default="/api/2.0/mlflow/experiments/create")
p.add_argument("--settle", type=float, default=30)
a = p.parse_args()

def rss_mb():
    try:
        with open(f"/proc/{a.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return float("nan")

# One JSON object whose single string field makes it --mb megabytes: the most memory per byte
# (the server holds the bytes and then the string, at two bytes a character).
size = int(a.mb * 1_000_000)
body = ('{"name":"' + "x" * (size - 11) + '"}').encode()

samples, stop = [], threading.Event()
def sample():
    while not stop.is_set():
        samples.append((time.time(), rss_mb()))
        time.sleep(0.05)

statuses, lock = Counter(), threading.Lock()
def send():
    try:
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=120)
        c.request("POST", a.path, body=body, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        answer = r.read()[:200]
        key = f"{r.status} {json.loads(answer).get('error_code', '') if answer.startswith(b'{') else ''}".strip()
    except Exception as e:  # noqa: BLE001 - a refused or reset request is a result too
        key = type(e).__name__
    with lock:
        statuses[key] += 1

before = rss_mb()
threading.Thread(target=sample, daemon=True).start()
start = time.time()
threads = [threading.Thread(target=send) for _ in range(a.count)]
for t in threads: t.start()
for t in threads: t.join()
done = time.time()
while time.time() - done < a.settle:
    time.sleep(0.2)
stop.set()
peak = max(r for _, r in samples)
settled = samples[-1][1]
print(f"bodies: {a.count} x {len(body)/1e6:.1f} MB to {a.path}")
print(f"answers: {dict(statuses)} in {done-start:.1f} s")
print(f"rss before: {before:.0f} MB; peak: {peak:.0f} MB; {a.settle:.0f} s after the last answer: {settled:.0f} MB")
for mark in (5, 10, 20):
    later = [r for t, r in samples if t >= done + mark]
    if later:
        print(f"  {mark:>2} s after: {later[0]:.0f} MB")
