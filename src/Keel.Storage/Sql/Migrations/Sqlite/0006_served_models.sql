-- Keel schema version 6: the models the server serves, restored at start-up. Following (alias,
-- stage, latest) is a property of model_uri, so the URI is the whole setting.
CREATE TABLE served_models (
    name TEXT NOT NULL PRIMARY KEY,
    model_uri TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
