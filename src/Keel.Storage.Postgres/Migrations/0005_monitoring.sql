-- Keel PostgreSQL schema version 5: monitoring (SQLite version 10, docs/monitoring.md).
-- Deployment and arm are '' outside a deployment, as in SQLite, so the window key is a plain
-- UNIQUE constraint and recomputing a window is an upsert on it.
CREATE TABLE monitors (
    model text NOT NULL PRIMARY KEY,
    spec text NOT NULL,
    updated_at bigint NOT NULL,
    updated_by text NOT NULL
);
CREATE TABLE monitor_windows (
    window_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model text NOT NULL,
    version text NOT NULL,
    deployment text NOT NULL,
    arm text NOT NULL,
    start_ms bigint NOT NULL,
    end_ms bigint NOT NULL,
    computed_at bigint NOT NULL,
    requests bigint NOT NULL,
    errors bigint NOT NULL,
    latency_p50_us double precision,
    latency_p99_us double precision,
    input_rows bigint NOT NULL,
    reference_source text,
    drifted_share double precision,
    dataset_drift boolean,
    quality_passed boolean,
    quality_max_missing_share double precision,
    quality_max_out_of_range_share double precision,
    quality_max_unseen_share double precision,
    quality_failures text,
    metric text,
    metric_higher_is_better boolean,
    metric_value double precision,
    labelled_rows bigint,
    metric_estimated double precision,
    estimated_rows bigint,
    metric_validation double precision,
    CONSTRAINT uq_monitor_windows_key UNIQUE (model, version, deployment, arm, end_ms, start_ms)
);
CREATE INDEX ix_monitor_windows_model_end ON monitor_windows (model, end_ms);
CREATE INDEX ix_monitor_windows_end ON monitor_windows (end_ms);
CREATE TABLE monitor_window_features (
    window_id bigint NOT NULL REFERENCES monitor_windows (window_id) ON DELETE CASCADE,
    position integer NOT NULL,
    feature text NOT NULL,
    kind text NOT NULL,
    method text NOT NULL,
    score double precision NOT NULL,
    p_value double precision,
    threshold double precision NOT NULL,
    drifted boolean NOT NULL,
    PRIMARY KEY (window_id, position)
);
CREATE TABLE monitor_alerts (
    alert_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_key text NOT NULL UNIQUE,
    model text NOT NULL,
    rule text NOT NULL,
    kind text NOT NULL,
    severity text NOT NULL,
    version text NOT NULL,
    deployment text,
    arm text,
    state text NOT NULL,
    breaches integer NOT NULL,
    clears integer NOT NULL,
    value double precision,
    message text,
    since_ms bigint NOT NULL,
    fired_at_ms bigint,
    last_window_end_ms bigint NOT NULL,
    revision bigint NOT NULL
);
CREATE INDEX ix_monitor_alerts_model ON monitor_alerts (model, since_ms);
CREATE TABLE monitor_alert_events (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id bigint NOT NULL,
    model text NOT NULL,
    rule text NOT NULL,
    from_state text,
    to_state text NOT NULL,
    at_ms bigint NOT NULL,
    value double precision,
    message text,
    evidence text NOT NULL
);
CREATE INDEX ix_monitor_alert_events_model ON monitor_alert_events (model, at_ms);
CREATE INDEX ix_monitor_alert_events_at ON monitor_alert_events (at_ms);
