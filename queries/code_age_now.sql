-- Per repository: the lines of its own code (class 'code') in its last month's snapshot at or before now by the
-- year they were last written (cohort), with each cohort's share; the median age and new-code
-- share (of own code too) are in `activity`, other classes' cohorts in `age`. Where data_quality
-- lists recommitted_history, the cohort of the recommit month holds lines written earlier.
WITH last AS (
    -- The last month with a snapshot at or before now (the `calendar` table's); an empty tree
    -- has no rows: then nothing is shown.
    SELECT s.repo, MAX(s.month) AS month
    FROM snapshots s JOIN calendar c ON s.month = c.month
    WHERE c.months_before_now >= 0
    GROUP BY s.repo
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
