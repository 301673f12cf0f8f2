-- Keel schema version 8: the prediction log records which deployment and arm answered a request
-- (docs/adr/0005-deployments.md). Both are NULL for a request to a served model outside any
-- deployment. arm is 'stable', 'candidate' or 'shadow'; model_version stays the version that answered.
ALTER TABLE prediction_log ADD COLUMN deployment TEXT;
ALTER TABLE prediction_log ADD COLUMN arm TEXT;

-- Reading one deployment's log over a time range (gates, keel deploy report), oldest first.
CREATE INDEX ix_prediction_log_deployment_time ON prediction_log (deployment, timestamp) WHERE deployment IS NOT NULL;
