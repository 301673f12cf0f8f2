-- Shared by the tracking wrk scripts: per-thread ids and a machine-readable summary line.
local M = {}

local threads = {}
local counter = 0

function M.setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

-- Prints one line the run script parses:
-- RESULT requests=.. seconds=.. rps=.. p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. errors=.. non2xx=..
function M.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, socket_errors, e.status))
end

return M
