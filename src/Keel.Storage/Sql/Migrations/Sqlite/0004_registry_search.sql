-- Keel schema version 4: indexes for model registry search.
-- SearchModelVersions' default order is last_updated_timestamp DESC, name ASC, version_number DESC;
-- this index holds exactly that order, so a page is read off the index without sorting every version.
CREATE INDEX ix_model_versions_updated ON model_versions (last_updated_time DESC, name, version DESC);

-- A registered model's latest version per stage (loaded with every search result) is a MAX over
-- (name, current_stage): one seek in this covering index instead of a scan of the model's versions.
CREATE INDEX ix_model_versions_stage ON model_versions (name, current_stage, version);
