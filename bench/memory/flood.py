#!/usr/bin/env python3
"""Opens N idle TCP connections to a Keel server, samples its memory and descriptors, then closes
them and times the first /health answer.

Usage: flood.py PORT PID [--count 768] [--hold 20]
Start the server under a small limit first, e.g.
  bash -c 'ulimit -n 256; exec dotnet src/Keel.Server/bin/Release/net10.0/Keel.Server.dll --Keel:Port=5799'
"""
import argparse, os, resource, socket, time, urllib.request

p = argparse.ArgumentParser()
p.add_argument("port", type=int)
p.add_argument("pid", type=int)
p.add_argument("--count", type=int, default=768)
p.add_argument("--hold", type=float, default=20)
a = p.parse_args()
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, a.count + 64)), hard))

def status():
    try:
        rss = next(l.split()[1] for l in open(f"/proc/{a.pid}/status") if l.startswith("VmRSS"))
        return f"rss={int(rss)//1024} MB fds={len(os.listdir(f'/proc/{a.pid}/fd'))}"
    except (OSError, StopIteration):
        return "process gone"

socks = []
for _ in range(a.count):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", a.port))
    except BlockingIOError:
        pass
    socks.append(s)
start = time.time()
while time.time() - start < a.hold:
    print(f"{time.time() - start:5.1f} s {status()}", flush=True)
    time.sleep(1)
for s in socks:
    s.close()
closed = time.time()
while time.time() - closed < 10:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{a.port}/health", timeout=1).read()
        print(f"/health answered {time.time() - closed:.2f} s after the flood closed; {status()}")
        break
    except OSError:
        time.sleep(0.05)
else:
    print(f"/health did not answer within 10 s; {status()}")
