-- Keel schema version 3: the model registry and its audit trail.
CREATE TABLE registered_models (
    name                   TEXT    PRIMARY KEY,
    creation_time          INTEGER NOT NULL,
    last_updated_time      INTEGER NOT NULL,
    description            TEXT
) WITHOUT ROWID;
CREATE INDEX ix_registered_models_updated ON registered_models (last_updated_time);

CREATE TABLE registered_model_tags (
    name  TEXT NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, key)
) WITHOUT ROWID;

CREATE TABLE model_versions (
    name              TEXT    NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    version           INTEGER NOT NULL,
    creation_time     INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    user_id           TEXT,
    current_stage     TEXT    NOT NULL DEFAULT 'None',
    description       TEXT,
    source            TEXT    NOT NULL,
    run_id            TEXT,
    run_link          TEXT,
    status            TEXT    NOT NULL DEFAULT 'READY',
    status_message    TEXT,
    lineage           TEXT,
    PRIMARY KEY (name, version)
) WITHOUT ROWID;
CREATE INDEX ix_model_versions_run ON model_versions (run_id);

CREATE TABLE model_version_tags (
    name    TEXT    NOT NULL,
    version INTEGER NOT NULL,
    key     TEXT    NOT NULL,
    value   TEXT    NOT NULL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE registered_model_aliases (
    name    TEXT    NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    alias   TEXT    NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias)
) WITHOUT ROWID;

-- Every registry change, never updated or deleted: who, when, what, from, to, why.
-- The model name is copied, not referenced, so history outlives renames and deletions.
CREATE TABLE registry_events (
    event_id   INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    version    INTEGER,
    kind       TEXT    NOT NULL,
    target     TEXT,
    from_value TEXT,
    to_value   TEXT,
    user_id    TEXT    NOT NULL,
    timestamp  INTEGER NOT NULL,
    comment    TEXT,
    rollback   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_registry_events_name ON registry_events (name, target, event_id);
CREATE INDEX ix_registry_events_time ON registry_events (timestamp);
