-- Keel schema version 11: failed requests in the prediction log (docs/serving.md, "Failed requests").
-- error_code is the MLflow-style code of a request the model failed (its signature refused the
-- inputs, or scoring threw); NULL for an answered request, so every existing row stays answered.
-- A failed row keeps outputs '[]' and its inputs as the inputs mode says.
ALTER TABLE prediction_log ADD COLUMN error_code TEXT;

-- Counting a model's (or a deployment's) failures over a window reads only the failed rows.
CREATE INDEX ix_prediction_log_errors_model_time ON prediction_log (model_name, timestamp) WHERE error_code IS NOT NULL;
CREATE INDEX ix_prediction_log_errors_deployment_time ON prediction_log (deployment, timestamp) WHERE error_code IS NOT NULL AND deployment IS NOT NULL;
