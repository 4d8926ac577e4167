-- Per repository: what was skipped or left out while mining (implausible dates, missing or
-- unreadable objects, oversized blobs, a shallow boundary), with example object ids.
SELECT repo, kind, count, examples
FROM data_quality
WHERE count > 0
ORDER BY repo, kind
