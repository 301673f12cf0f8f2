-- Keel PostgreSQL schema version 8: the prediction log and its feedback (SQLite versions 5, 8 and 11,
-- docs/serving.md). Appends arrive by binary COPY; ids come from identity sequences, so they are
-- unique across processes and grow (roughly) with time, as SQLite's rowids do.

-- The input column lists (a JSON array each), stored once instead of in every logged row. A long list
-- can pass B-tree's entry limit (about 2.7 kB), so uniqueness is on its SHA-256, not on the text.
CREATE TABLE prediction_input_columns (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    digest bytea NOT NULL UNIQUE,
    columns text NOT NULL
);

-- One row per served request; inputs and outputs are JSON arrays with one entry per scored row.
-- deployment and arm are NULL outside a deployment; error_code is NULL for an answered request.
CREATE TABLE prediction_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id text NOT NULL,
    model_name text NOT NULL,
    model_version text NOT NULL,
    timestamp bigint NOT NULL,
    latency_us bigint NOT NULL,
    row_count integer NOT NULL,
    input_columns_id bigint NOT NULL,
    inputs text NOT NULL,
    outputs text NOT NULL,
    deployment text,
    arm text,
    error_code text
);

-- A model's (or a deployment's) log over a time range, oldest first; the id breaks ties (SQLite's
-- rowid is in every index implicitly, PostgreSQL's id must be named to read pages in index order).
CREATE INDEX ix_prediction_log_model_time ON prediction_log (model_name, timestamp, id);
CREATE INDEX ix_prediction_log_deployment_time ON prediction_log (deployment, timestamp, id) WHERE deployment IS NOT NULL;

-- Feedback finds its request.
CREATE INDEX ix_prediction_log_request ON prediction_log (request_id);

-- Counting failures over a window reads only the failed rows.
CREATE INDEX ix_prediction_log_errors_model_time ON prediction_log (model_name, timestamp) WHERE error_code IS NOT NULL;
CREATE INDEX ix_prediction_log_errors_deployment_time ON prediction_log (deployment, timestamp) WHERE error_code IS NOT NULL AND deployment IS NOT NULL;

-- Labels for all rows of a request (row_index NULL) or for one row; the latest per row wins when read.
CREATE TABLE prediction_feedback (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id text NOT NULL,
    row_index integer,
    labels text NOT NULL,
    label_count integer NOT NULL,
    timestamp bigint NOT NULL
);
CREATE INDEX ix_prediction_feedback_request ON prediction_feedback (request_id, id);
