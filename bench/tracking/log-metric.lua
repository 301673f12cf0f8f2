-- wrk script: POST /api/2.0/mlflow/runs/log-metric, one metric per request, every request a
-- distinct (step, timestamp) so no request is a duplicate the store could skip.
-- Env: KEEL_RUN_ID (a pre-created run), optional KEEL_METRIC_KEY (default "loss").
package.path = (debug.getinfo(1, "S").source:match("^@?(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("common")

local run_id = os.getenv("KEEL_RUN_ID") or error("set KEEL_RUN_ID")
local key = os.getenv("KEEL_METRIC_KEY") or "loss"
local base_ts = os.time() * 1000
local n = 0
local tid = 0

setup = common.setup
done = common.done

function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
end

local headers = { ["Content-Type"] = "application/json" }

function request()
  n = n + 1
  -- Threads own disjoint step ranges: thread t logs steps t*1e9 + 1, + 2, ...
  local step = tid * 1000000000 + n
  local body = string.format(
    '{"run_id":"%s","key":"%s","value":%.6f,"timestamp":%d,"step":%d}',
    run_id, key, (n % 1000) / 1000, base_ts + n, step)
  return wrk.format("POST", "/api/2.0/mlflow/runs/log-metric", headers, body)
end
