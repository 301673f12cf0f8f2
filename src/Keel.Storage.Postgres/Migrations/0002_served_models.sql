-- Keel PostgreSQL schema version 2: the models the server serves (SQLite version 6).
CREATE TABLE served_models (
    name text NOT NULL PRIMARY KEY,
    model_uri text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);
