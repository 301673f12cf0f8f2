-- PLACEHOLDER on branch auth only: version 0007 belongs to helper pgreg. Delete this file when merging
-- (the migrator requires versions 1..n without gaps, and auth's tables are version 9).
SELECT 1;
