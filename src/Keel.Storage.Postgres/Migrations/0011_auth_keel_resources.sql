-- Keel PostgreSQL schema version 11: levels on Keel's own resources, scoring tokens, setup tokens (SQLite version 14, docs/auth.md).
CREATE TABLE auth_deployment_permissions (
    name text NOT NULL,
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission text NOT NULL,
    PRIMARY KEY (name, user_id)
);
CREATE INDEX ix_auth_deployment_permissions_user ON auth_deployment_permissions (user_id);

CREATE TABLE auth_served_model_permissions (
    name text NOT NULL,
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission text NOT NULL,
    PRIMARY KEY (name, user_id)
);
CREATE INDEX ix_auth_served_model_permissions_user ON auth_served_model_permissions (user_id);

CREATE TABLE auth_monitor_permissions (
    name text NOT NULL,
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission text NOT NULL,
    PRIMARY KEY (name, user_id)
);
CREATE INDEX ix_auth_monitor_permissions_user ON auth_monitor_permissions (user_id);

CREATE TABLE auth_scoring_tokens (
    id text PRIMARY KEY,
    kind text NOT NULL,
    resource_name text NOT NULL,
    name text NOT NULL,
    secret_hash bytea NOT NULL,
    created_by text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    revoked_at bigint,
    last_used_at bigint,
    UNIQUE (kind, resource_name, name)
);

CREATE TABLE auth_setup_tokens (
    hash bytea PRIMARY KEY,
    created_at bigint NOT NULL
);
