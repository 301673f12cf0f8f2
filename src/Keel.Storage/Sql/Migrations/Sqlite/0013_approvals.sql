-- Keel schema version 13: approval policies and requests (issue 16's four-eyes promotion,
-- docs/approvals.md). Keyed by the model's name: they follow a rename and go with a deleted model
-- (ON UPDATE/DELETE CASCADE), as versions do. Their audit entries are registry_events rows. A request
-- is numbered per model (max + 1 in the single writer's transaction), one decision per user.
CREATE TABLE approval_policies (
    name               TEXT    NOT NULL PRIMARY KEY REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    required_approvals INTEGER NOT NULL,
    lifetime_seconds   INTEGER NOT NULL,
    covers_stage       INTEGER NOT NULL,
    covers_aliases     INTEGER NOT NULL,
    covers_deployments INTEGER NOT NULL,
    updated_by         TEXT    NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE approval_requests (
    name               TEXT    NOT NULL REFERENCES registered_models (name) ON UPDATE CASCADE ON DELETE CASCADE,
    id                 INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    target             TEXT    NOT NULL,
    requester          TEXT    NOT NULL,
    reason             TEXT,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    required_approvals INTEGER NOT NULL,
    state              TEXT    NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (name, id)
);
CREATE INDEX ix_approval_requests_version ON approval_requests (name, version, state);

CREATE TABLE approval_decisions (
    name      TEXT    NOT NULL,
    id        INTEGER NOT NULL,
    user_id   TEXT    NOT NULL,
    decision  TEXT    NOT NULL,
    timestamp INTEGER NOT NULL,
    comment   TEXT,
    PRIMARY KEY (name, id, user_id),
    FOREIGN KEY (name, id) REFERENCES approval_requests (name, id) ON UPDATE CASCADE ON DELETE CASCADE
);
