-- Keel schema version 12: users, their permissions on experiments and registered models (MLflow's
-- auth model), and API tokens (docs/auth.md). Passwords and tokens are stored hashed only.
CREATE TABLE auth_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE auth_experiment_permissions (
    experiment_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (experiment_id, user_id)
);
CREATE INDEX ix_auth_experiment_permissions_user ON auth_experiment_permissions (user_id);

CREATE TABLE auth_registered_model_permissions (
    name TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (name, user_id)
);
CREATE INDEX ix_auth_registered_model_permissions_user ON auth_registered_model_permissions (user_id);

CREATE TABLE auth_tokens (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER,
    UNIQUE (user_id, name)
);
