-- Per repository: the lines of its own code (class 'code') in its last month's snapshot by the
-- year they were last written (cohort), with each cohort's share; the median age and new-code
-- share (of own code too) are in `activity`, other classes' cohorts in `age`. Where data_quality
-- lists recommitted_history, the cohort of the recommit month holds lines written earlier.
WITH last AS (
    -- The last month with a snapshot (an empty tree has no rows: then nothing is shown).
    SELECT repo, MAX(month) AS month FROM snapshots GROUP BY repo
),
now AS (
    SELECT a.repo, a.cohort, a.lines
    FROM age a JOIN last ON a.repo = last.repo AND a.month = last.month
    WHERE a.class = 'code'
),
totals AS (
    SELECT repo, SUM(lines) AS total FROM now GROUP BY repo
)
SELECT n.repo, n.cohort, n.lines, CAST(n.lines AS DOUBLE) / t.total AS share
FROM now n JOIN totals t ON n.repo = t.repo
ORDER BY n.repo, n.cohort
