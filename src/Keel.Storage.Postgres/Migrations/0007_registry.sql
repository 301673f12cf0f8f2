-- Keel PostgreSQL schema version 7: the model registry (SQLite versions 3 and 4). Its audit trail is
-- registry_events (version 1). Names, keys and aliases are COLLATE "C", so they compare and sort in
-- byte order, as SQLite does, whatever the database's locale. A model's row is the lock that
-- serialises changes to the model (SELECT ... FOR UPDATE): version numbers are max + 1 under it.
CREATE TABLE registered_models (
    name text COLLATE "C" NOT NULL PRIMARY KEY,
    creation_time bigint NOT NULL,
    last_updated_time bigint NOT NULL,
    description text
);
CREATE INDEX ix_registered_models_updated ON registered_models (last_updated_time);

CREATE TABLE registered_model_tags (
    name text COLLATE "C" NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    key text COLLATE "C" NOT NULL,
    value text COLLATE "C" NOT NULL,
    PRIMARY KEY (name, key)
);

CREATE TABLE model_versions (
    name text COLLATE "C" NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    version bigint NOT NULL,
    creation_time bigint NOT NULL,
    last_updated_time bigint NOT NULL,
    user_id text COLLATE "C",
    current_stage text COLLATE "C" NOT NULL DEFAULT 'None',
    description text,
    source text COLLATE "C" NOT NULL,
    run_id text COLLATE "C",
    run_link text,
    status text NOT NULL DEFAULT 'READY',
    status_message text,
    lineage text,
    PRIMARY KEY (name, version)
);
CREATE INDEX ix_model_versions_run ON model_versions (run_id);
-- SearchModelVersions' default order (last_updated_timestamp DESC, name ASC, version_number DESC).
CREATE INDEX ix_model_versions_updated ON model_versions (last_updated_time DESC, name, version DESC);
-- A model's latest version per stage: one seek per (name, stage).
CREATE INDEX ix_model_versions_stage ON model_versions (name, current_stage, version);

CREATE TABLE model_version_tags (
    name text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    key text COLLATE "C" NOT NULL,
    value text COLLATE "C" NOT NULL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE ON DELETE CASCADE
);

CREATE TABLE registered_model_aliases (
    name text COLLATE "C" NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    alias text COLLATE "C" NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (name, alias)
);
CREATE INDEX ix_registered_model_aliases_version ON registered_model_aliases (name, version);
