-- wrk script: POST MLflow dataframe_split bodies to a scoring endpoint.
-- Env: KEEL_PATH (default /invocations), KEEL_ROWS (a file of JSON row arrays, one per line:
-- [distance, "origin", "destination"]; bench/serving/rows.txt holds the first 2,000 rows of
-- examples/flights/flights_2001h1_50k.csv), KEEL_BATCH (rows per request, default 1),
-- KEEL_BEARER (sent as 'Authorization: Bearer ...' when set: a scoring token).
local path = os.getenv("KEEL_PATH") or "/invocations"
local batch = tonumber(os.getenv("KEEL_BATCH") or "1")
local rows = {}
for line in io.lines(os.getenv("KEEL_ROWS")) do
  rows[#rows + 1] = line
end

local headers = { ["Content-Type"] = "application/json" }
if os.getenv("KEEL_BEARER") then
  headers["Authorization"] = "Bearer " .. os.getenv("KEEL_BEARER")
end
local bodies = {}
-- Precompute 64 distinct bodies, so wrk spends its time sending, not formatting.
for b = 1, 64 do
  local picked = {}
  for i = 1, batch do
    picked[i] = rows[((b * 7919 + i * 104729) % #rows) + 1]
  end
  bodies[b] = '{"dataframe_split":{"columns":["distance","origin","destination"],"data":[' .. table.concat(picked, ",") .. ']}}'
end

local n = 0
function request()
  n = n + 1
  return wrk.format("POST", path, headers, bodies[(n % #bodies) + 1])
end

-- Non-2xx answers are failures; wrk counts them as "Non-2xx or 3xx responses".
