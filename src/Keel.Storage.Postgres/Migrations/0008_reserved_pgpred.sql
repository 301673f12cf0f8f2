-- PLACEHOLDER on branch auth only: version 0008 belongs to helper pgpred. Delete this file when merging
-- (the migrator requires versions 1..n without gaps, and auth's tables are version 9).
SELECT 1;
