-- Keel PostgreSQL schema version 3: deployments, their history and the controller leases (SQLite
-- version 7, docs/adr/0005-deployments.md). revision is the optimistic-concurrency token every
-- update checks; the spec is kept as the exact JSON text written (not jsonb, which reorders keys).
CREATE TABLE deployments (
    name text NOT NULL PRIMARY KEY,
    model text NOT NULL,
    state text NOT NULL,
    stable_version text NOT NULL,
    candidate_version text,
    previous_stable_version text,
    candidate_weight integer NOT NULL,
    step_index integer NOT NULL,
    spec text NOT NULL,
    revision bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    state_changed_at bigint NOT NULL,
    reason text
);
CREATE INDEX ix_deployments_model ON deployments (model);
CREATE TABLE deployment_events (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deployment text NOT NULL,
    revision bigint NOT NULL,
    kind text NOT NULL,
    from_state text,
    to_state text NOT NULL,
    stable_version text NOT NULL,
    candidate_version text,
    candidate_weight integer NOT NULL,
    step_index integer NOT NULL,
    user_id text NOT NULL,
    timestamp bigint NOT NULL,
    reason text,
    evidence text
);
CREATE INDEX ix_deployment_events_deployment ON deployment_events (deployment, event_id);
CREATE TABLE deployment_leases (
    name text NOT NULL PRIMARY KEY,
    holder text NOT NULL,
    acquired_at bigint NOT NULL,
    expires_at bigint NOT NULL
);
