-- Per repository: what was skipped or left out while mining (implausible dates, missing or
-- unreadable objects, oversized blobs, a shallow boundary, .gitattributes lines git ignores), or cannot be taken at face value
-- (recommitted_history: commits committed 180 days or more after they were authored, when one
-- committer month holds at least 100 of them and 5 % of all commits: a history imported or
-- rewritten at once; line age and new code in that month measure the recommit, not the
-- writing), with example object ids.
SELECT repo, kind, count, examples
FROM data_quality
WHERE count > 0
ORDER BY repo, kind
