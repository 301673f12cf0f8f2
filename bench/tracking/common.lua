-- Shared by the tracking wrk scripts: per-thread ids, the run id, and a machine-readable summary.
local M = {}

local threads = {}
local counter = 0

M.run_id = os.getenv("KEEL_RUN_ID") or error("set KEEL_RUN_ID")
M.base_ts = os.time() * 1000
M.headers = { ["Content-Type"] = "application/json" }
M.tid = 0

-- Sets wrk's setup/init/done globals: each thread gets an id (threads own disjoint step ranges).
function M.install()
  setup = function(thread)
    thread:set("tid", counter)
    counter = counter + 1
    table.insert(threads, thread)
  end
  init = function(args)
    M.tid = tonumber(wrk.thread:get("tid")) or 0
  end
  done = M.done
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
