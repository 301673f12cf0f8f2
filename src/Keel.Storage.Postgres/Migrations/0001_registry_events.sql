-- Keel PostgreSQL schema version 1: the registry's audit trail (SQLite: registry_events of version 3).
-- Deployments write their changes here; the rest of the registry moves to PostgreSQL later.
CREATE TABLE registry_events (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    version bigint,
    kind text NOT NULL,
    target text,
    from_value text,
    to_value text,
    user_id text NOT NULL,
    timestamp bigint NOT NULL,
    comment text,
    rollback boolean NOT NULL DEFAULT false
);
CREATE INDEX ix_registry_events_name ON registry_events (name, target, event_id);
CREATE INDEX ix_registry_events_time ON registry_events (timestamp);
