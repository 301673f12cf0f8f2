-- Keel PostgreSQL schema version 4: the replicas of rolling deployments (SQLite version 9).
CREATE TABLE deployment_replicas (
    deployment text NOT NULL,
    replica_id text NOT NULL,
    address text NOT NULL,
    served_version text,
    desired_version text NOT NULL,
    ready boolean NOT NULL,
    healthy boolean NOT NULL,
    detail text,
    failed_version text,
    registered_at bigint NOT NULL,
    last_heartbeat_at bigint NOT NULL,
    assigned_at bigint NOT NULL,
    converged_at bigint,
    PRIMARY KEY (deployment, replica_id)
);
CREATE INDEX ix_deployment_replicas_heartbeat ON deployment_replicas (last_heartbeat_at);
