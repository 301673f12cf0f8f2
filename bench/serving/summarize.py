"""Turns wrk --latency output (stdin) into one line: label, req/s, rows/s, p50/p99, failures."""
import re
import sys

label, batch = sys.argv[1], int(sys.argv[2])
text = sys.stdin.read()


def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
lat = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)\.000%\s+([\d.]+)(us|ms|s)", text, re.M)}
if not lat:
    lat = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)", text, re.M)}
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
failures = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
total = re.search(r"(\d+) requests in", text).group(1)
print(f"{label:40s} {rps:10.0f} req/s {rps * batch:11.0f} rows/s  p50 {lat.get('50', float('nan')):6.2f} ms  p99 {lat.get('99', float('nan')):6.2f} ms  requests {total}  failures {failures}")
