-- Keel schema version 10: monitoring (docs/monitoring.md, "Monitors, the store and the API").

-- One monitor per registered model: its normalised MonitorSpec as JSON (read whole, never queried
-- inside), who put it and when.
CREATE TABLE monitors (
    model TEXT NOT NULL PRIMARY KEY,
    spec TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);

-- One row per window of one series (model, version, deployment, arm). Deployment and arm are ''
-- outside a deployment, so the window key is a plain UNIQUE constraint (NULLs never collide in
-- one) and recomputing a window is an upsert on it. The key ends with end_ms, so the same index
-- also finds the latest window of every series. The scalar results (traffic, drift verdict,
-- quality, performance) are columns, so summaries, trends and gauges read them without JSON.
CREATE TABLE monitor_windows (
    window_id INTEGER PRIMARY KEY,
    model TEXT NOT NULL,
    version TEXT NOT NULL,
    deployment TEXT NOT NULL,
    arm TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    computed_at INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    latency_p50_us REAL,
    latency_p99_us REAL,
    input_rows INTEGER NOT NULL,
    reference_source TEXT,
    drifted_share REAL,
    dataset_drift INTEGER,
    quality_passed INTEGER,
    quality_max_missing_share REAL,
    quality_max_out_of_range_share REAL,
    quality_max_unseen_share REAL,
    quality_failures TEXT,
    metric TEXT,
    metric_higher_is_better INTEGER,
    metric_value REAL,
    labelled_rows INTEGER,
    metric_estimated REAL,
    estimated_rows INTEGER,
    metric_validation REAL,
    UNIQUE (model, version, deployment, arm, end_ms, start_ms)
);

-- Listing a model's windows over time (and retention by age).
CREATE INDEX ix_monitor_windows_model_end ON monitor_windows (model, end_ms);
CREATE INDEX ix_monitor_windows_end ON monitor_windows (end_ms);

-- The drift of every column of a window, one row each, in the window's order (position). Clustered
-- by window (WITHOUT ROWID, key window_id then position): the features of a run of windows are
-- contiguous pages, so a heatmap (features x time) is one range read per window, and a feature's
-- series can be read in SQL without parsing JSON.
CREATE TABLE monitor_window_features (
    window_id INTEGER NOT NULL REFERENCES monitor_windows (window_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    feature TEXT NOT NULL,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    score REAL NOT NULL,
    p_value REAL,
    threshold REAL NOT NULL,
    drifted INTEGER NOT NULL,
    PRIMARY KEY (window_id, position)
) WITHOUT ROWID;

-- One alert per key (model, rule, version, deployment, arm); revision is the optimistic-concurrency
-- token every update checks.
CREATE TABLE monitor_alerts (
    alert_id INTEGER PRIMARY KEY,
    alert_key TEXT NOT NULL UNIQUE,
    model TEXT NOT NULL,
    rule TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    version TEXT NOT NULL,
    deployment TEXT,
    arm TEXT,
    state TEXT NOT NULL,
    breaches INTEGER NOT NULL,
    clears INTEGER NOT NULL,
    value REAL,
    message TEXT,
    since_ms INTEGER NOT NULL,
    fired_at_ms INTEGER,
    last_window_end_ms INTEGER NOT NULL,
    revision INTEGER NOT NULL
);
CREATE INDEX ix_monitor_alerts_model ON monitor_alerts (model, since_ms);

-- Every change of an alert, written in the transaction that changed it.
CREATE TABLE monitor_alert_events (
    event_id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL,
    model TEXT NOT NULL,
    rule TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    value REAL,
    message TEXT,
    evidence TEXT NOT NULL
);
CREATE INDEX ix_monitor_alert_events_model ON monitor_alert_events (model, at_ms);
CREATE INDEX ix_monitor_alert_events_at ON monitor_alert_events (at_ms);
