-- Keel schema version 9: the replicas of rolling deployments (docs/deployments.md, "Rolling").
-- One row per serving process (keel serve --deployment NAME): what its last heartbeat reported,
-- the version it is told to serve (desired_version, moved by the rolling coordinator), and when
-- it first reported that version ready and healthy since its assignment (converged_at; bake
-- periods count from there). Times are the store's clock, in Unix milliseconds.
CREATE TABLE deployment_replicas (
    deployment TEXT NOT NULL,
    replica_id TEXT NOT NULL,
    address TEXT NOT NULL,
    served_version TEXT,
    desired_version TEXT NOT NULL,
    ready INTEGER NOT NULL,
    healthy INTEGER NOT NULL,
    detail TEXT,
    failed_version TEXT,
    registered_at INTEGER NOT NULL,
    last_heartbeat_at INTEGER NOT NULL,
    assigned_at INTEGER NOT NULL,
    converged_at INTEGER,
    PRIMARY KEY (deployment, replica_id)
);
CREATE INDEX ix_deployment_replicas_heartbeat ON deployment_replicas (last_heartbeat_at);
