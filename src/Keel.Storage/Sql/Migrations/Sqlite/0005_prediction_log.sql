-- Keel schema version 5: the prediction log and the ground truth (feedback) joined to it by request id.

-- The input column lists, stored once each (as a JSON array) instead of in every logged row.
CREATE TABLE prediction_input_columns (
    id INTEGER PRIMARY KEY,
    columns TEXT NOT NULL UNIQUE
);

-- One row per served request; inputs (arrays of values in input_columns order) and outputs are JSON
-- arrays with one entry per scored row.
CREATE TABLE prediction_log (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL,
    model_name TEXT NOT NULL,
    model_version TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    latency_us INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    input_columns_id INTEGER NOT NULL,
    inputs TEXT NOT NULL,
    outputs TEXT NOT NULL
);

-- Reading a model's log over a time range, oldest first (the rowid breaks ties and is in every index).
CREATE INDEX ix_prediction_log_model_time ON prediction_log (model_name, timestamp);

-- Feedback finds its request.
CREATE INDEX ix_prediction_log_request ON prediction_log (request_id);

-- Labels for all rows of a request (row_index NULL) or for one row; the latest per row wins when read.
CREATE TABLE prediction_feedback (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL,
    row_index INTEGER,
    labels TEXT NOT NULL,
    label_count INTEGER NOT NULL,
    timestamp INTEGER NOT NULL
);

CREATE INDEX ix_prediction_feedback_request ON prediction_feedback (request_id, id);
