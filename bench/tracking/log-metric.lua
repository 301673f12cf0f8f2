-- wrk script: POST /api/2.0/mlflow/runs/log-metric, one metric per request, every request a
-- distinct (step, timestamp) so no request is a duplicate the store could skip.
-- Env: KEEL_RUN_ID (a pre-created run), optional KEEL_METRIC_KEY (default "loss").
package.path = (debug.getinfo(1, "S").source:match("^@?(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("common")
common.install()

local key = os.getenv("KEEL_METRIC_KEY") or "loss"
local n = 0

function request()
  n = n + 1
  -- Thread t logs steps t*1e9 + 1, + 2, ...
  local body = string.format(
    '{"run_id":"%s","key":"%s","value":%.6f,"timestamp":%d,"step":%d}',
    common.run_id, key, (n % 1000) / 1000, common.base_ts + n, common.tid * 1000000000 + n)
  return wrk.format("POST", "/api/2.0/mlflow/runs/log-metric", common.headers, body)
end
