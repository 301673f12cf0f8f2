-- Keel PostgreSQL schema version 10: approval policies and requests (SQLite version 13,
-- docs/approvals.md). Every change to them first locks the model's row (SELECT ... FOR UPDATE), the
-- same lock the registry's stage and alias moves take, so decisions, their count and a move that
-- consumes an approval are serialised per model; request numbers are max + 1 under it.
CREATE TABLE approval_policies (
    name text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    required_approvals integer NOT NULL,
    lifetime_seconds bigint NOT NULL,
    covers_stage boolean NOT NULL,
    covers_aliases boolean NOT NULL,
    covers_deployments boolean NOT NULL,
    updated_by text COLLATE "C" NOT NULL,
    updated_at bigint NOT NULL
);

CREATE TABLE approval_requests (
    name text COLLATE "C" NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    id bigint NOT NULL,
    version bigint NOT NULL,
    target text COLLATE "C" NOT NULL,
    requester text COLLATE "C" NOT NULL,
    reason text,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    required_approvals integer NOT NULL,
    state text COLLATE "C" NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (name, id)
);
CREATE INDEX ix_approval_requests_version ON approval_requests (name, version, state);

CREATE TABLE approval_decisions (
    name text COLLATE "C" NOT NULL,
    id bigint NOT NULL,
    user_id text COLLATE "C" NOT NULL,
    decision text COLLATE "C" NOT NULL,
    timestamp bigint NOT NULL,
    comment text,
    PRIMARY KEY (name, id, user_id),
    FOREIGN KEY (name, id) REFERENCES approval_requests (name, id) ON UPDATE CASCADE ON DELETE CASCADE
);
