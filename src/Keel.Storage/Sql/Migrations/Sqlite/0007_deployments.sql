-- Keel schema version 7: deployments (docs/adr/0005-deployments.md). A deployment row holds its
-- normalised spec as JSON and where its rollout stands; revision is the optimistic-concurrency
-- token every update checks. deployment_events is each deployment's history (the registry's
-- audit trail gets a 'deployment_*' entry for the same change, in the same transaction).
-- deployment_leases holds the controller lease: one holder acts until expires_at.
CREATE TABLE deployments (
    name TEXT NOT NULL PRIMARY KEY,
    model TEXT NOT NULL,
    state TEXT NOT NULL,
    stable_version TEXT NOT NULL,
    candidate_version TEXT,
    previous_stable_version TEXT,
    candidate_weight INTEGER NOT NULL,
    step_index INTEGER NOT NULL,
    spec TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    state_changed_at INTEGER NOT NULL,
    reason TEXT
);
CREATE INDEX ix_deployments_model ON deployments (model);
CREATE TABLE deployment_events (
    event_id INTEGER PRIMARY KEY,
    deployment TEXT NOT NULL,
    revision INTEGER NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    stable_version TEXT NOT NULL,
    candidate_version TEXT,
    candidate_weight INTEGER NOT NULL,
    step_index INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    reason TEXT,
    evidence TEXT
);
CREATE INDEX ix_deployment_events_deployment ON deployment_events (deployment, event_id);
CREATE TABLE deployment_leases (
    name TEXT NOT NULL PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
