-- Placeholder on branch pgreg only: version 6 is allocated to the PostgreSQL tracking store (helper
-- pgtrack), and the migrator wants versions 1..n without gaps. Its 0006 replaces this file at merge.
SELECT 1;
