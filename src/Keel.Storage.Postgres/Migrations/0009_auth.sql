-- Keel PostgreSQL schema version 9: users, permissions and API tokens (SQLite version 12, docs/auth.md).
CREATE TABLE auth_users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    is_admin boolean NOT NULL DEFAULT false
);

CREATE TABLE auth_experiment_permissions (
    experiment_id text NOT NULL,
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission text NOT NULL,
    PRIMARY KEY (experiment_id, user_id)
);
CREATE INDEX ix_auth_experiment_permissions_user ON auth_experiment_permissions (user_id);

CREATE TABLE auth_registered_model_permissions (
    name text NOT NULL,
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permission text NOT NULL,
    PRIMARY KEY (name, user_id)
);
CREATE INDEX ix_auth_registered_model_permissions_user ON auth_registered_model_permissions (user_id);

CREATE TABLE auth_tokens (
    id text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    name text NOT NULL,
    scope text NOT NULL,
    secret_hash bytea NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    revoked_at bigint,
    last_used_at bigint,
    UNIQUE (user_id, name)
);
