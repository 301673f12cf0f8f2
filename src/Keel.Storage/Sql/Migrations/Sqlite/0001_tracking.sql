-- Keel schema version 1: tracking. Internal integer keys (run_key, dataset_key) keep child tables
-- small; public ids (experiment_id, run_uuid) are what the API shows.
-- Counters shared by every process that opens the database (e.g. the next metric seq).
CREATE TABLE keel_meta (
    key   TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO keel_meta (key, value) VALUES ('metric_seq', 1);

CREATE TABLE experiments (
    experiment_id     INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    artifact_location TEXT    NOT NULL,
    lifecycle_stage   TEXT    NOT NULL DEFAULT 'active',
    creation_time     INTEGER NOT NULL,
    last_update_time  INTEGER NOT NULL
);

CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
    key           TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

CREATE TABLE runs (
    run_key         INTEGER PRIMARY KEY,
    run_uuid        TEXT    NOT NULL UNIQUE,
    experiment_id   INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name            TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    start_time      INTEGER NOT NULL,
    end_time        INTEGER,
    artifact_uri    TEXT    NOT NULL,
    lifecycle_stage TEXT    NOT NULL DEFAULT 'active',
    deleted_time    INTEGER
);
CREATE INDEX ix_runs_experiment_start ON runs (experiment_id, start_time DESC, run_uuid);

CREATE TABLE params (
    run_key INTEGER NOT NULL REFERENCES runs (run_key),
    key     TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    PRIMARY KEY (run_key, key)
) WITHOUT ROWID;
CREATE INDEX ix_params_key_value ON params (key, value);

CREATE TABLE tags (
    run_key INTEGER NOT NULL REFERENCES runs (run_key),
    key     TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    PRIMARY KEY (run_key, key)
) WITHOUT ROWID;
CREATE INDEX ix_tags_key_value ON tags (key, value);

-- Every observation. seq orders observations with equal (step, timestamp) by arrival.
-- NaN is stored as is_nan = 1 with value 0; infinities as +/-1.7976931348623157e308 (MLflow).
CREATE TABLE metrics (
    run_key   INTEGER NOT NULL REFERENCES runs (run_key),
    key       TEXT    NOT NULL,
    step      INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    value     REAL    NOT NULL,
    is_nan    INTEGER NOT NULL,
    PRIMARY KEY (run_key, key, step, timestamp, seq)
) WITHOUT ROWID;

-- The value a run shows per key: highest step, then latest timestamp, then last arrival.
CREATE TABLE latest_metrics (
    run_key   INTEGER NOT NULL REFERENCES runs (run_key),
    key       TEXT    NOT NULL,
    value     REAL    NOT NULL,
    is_nan    INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    step      INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (run_key, key)
) WITHOUT ROWID;
CREATE INDEX ix_latest_metrics_key_value ON latest_metrics (key, value);

CREATE TABLE datasets (
    dataset_key   INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
    name          TEXT    NOT NULL,
    digest        TEXT    NOT NULL,
    source_type   TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    schema        TEXT,
    profile       TEXT,
    UNIQUE (experiment_id, name, digest)
);

CREATE TABLE inputs (
    run_key     INTEGER NOT NULL REFERENCES runs (run_key),
    dataset_key INTEGER NOT NULL REFERENCES datasets (dataset_key),
    PRIMARY KEY (run_key, dataset_key)
) WITHOUT ROWID;
CREATE INDEX ix_inputs_dataset ON inputs (dataset_key);

CREATE TABLE input_tags (
    run_key     INTEGER NOT NULL,
    dataset_key INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    PRIMARY KEY (run_key, dataset_key, key),
    FOREIGN KEY (run_key, dataset_key) REFERENCES inputs (run_key, dataset_key)
) WITHOUT ROWID;
