-- Keel PostgreSQL schema version 10 is allocated to the approvals branch (issue 16). This placeholder
-- keeps the versions without gaps on the authkeel branch; the merge replaces it with the approvals migration.
SELECT 1;
