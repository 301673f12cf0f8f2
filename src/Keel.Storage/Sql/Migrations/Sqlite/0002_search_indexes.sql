-- Keel schema version 2: indexes for run search.
-- Ordering by a metric walks (key, is_nan, value) in value order, NaN values apart, and filtering on
-- a metric reads the same index without touching the table; both stop after a page of runs.
CREATE INDEX ix_latest_metrics_key_nan_value ON latest_metrics (key, is_nan, value);

-- Ordering runs by name (the UI's "Run Name" column) walks this index instead of sorting every run.
CREATE INDEX ix_runs_experiment_name ON runs (experiment_id, name);
