-- wrk script: POST /api/2.0/mlflow/runs/log-batch with 1000 metrics a request (MLflow's limit),
-- 10 keys x 100 steps, every metric a distinct (key, step, timestamp).
-- Env: KEEL_RUN_ID (a pre-created run).
package.path = (debug.getinfo(1, "S").source:match("^@?(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("common")
common.install()

local per_request = 1000
local keys = 10
local n = 0
local parts = {}

function request()
  n = n + 1
  local first_step = common.tid * 1000000000 + n * (per_request / keys)
  for i = 0, per_request - 1 do
    local k = i % keys
    parts[i + 1] = string.format('{"key":"m%d","value":%.4f,"timestamp":%d,"step":%d}',
      k, (i % 997) / 997, common.base_ts + n, first_step + (i - k) / keys)
  end
  local body = '{"run_id":"' .. common.run_id .. '","metrics":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/2.0/mlflow/runs/log-batch", common.headers, body)
end
