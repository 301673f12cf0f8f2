-- Keel schema version 4: indexes for model registry search.
-- SearchModelVersions' default order (last_updated_timestamp DESC, name, version DESC) walks this
-- index (the primary key is appended to it) and stops after a page instead of sorting every version.
CREATE INDEX ix_model_versions_updated ON model_versions (last_updated_time);
