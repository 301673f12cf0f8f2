-- Keel schema version 14: users' levels on Keel's own resources (deployments, served models,
-- monitors), per-resource scoring tokens, and the one-time setup tokens (docs/auth.md).
CREATE TABLE auth_deployment_permissions (
    name TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (name, user_id)
);
CREATE INDEX ix_auth_deployment_permissions_user ON auth_deployment_permissions (user_id);

CREATE TABLE auth_served_model_permissions (
    name TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (name, user_id)
);
CREATE INDEX ix_auth_served_model_permissions_user ON auth_served_model_permissions (user_id);

CREATE TABLE auth_monitor_permissions (
    name TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (name, user_id)
);
CREATE INDEX ix_auth_monitor_permissions_user ON auth_monitor_permissions (user_id);

CREATE TABLE auth_scoring_tokens (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    resource_name TEXT NOT NULL,
    name TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER,
    UNIQUE (kind, resource_name, name)
);

CREATE TABLE auth_setup_tokens (
    hash BLOB PRIMARY KEY,
    created_at INTEGER NOT NULL
);
