-- Per repository: the project's own code (class 'code': not vendored, generated, test or docs)
-- by language in its last month's snapshot at or before now, largest first, with each language's share of it
-- (files no language claims are left out).
WITH last AS (
    -- The last month with a snapshot at or before now (the `calendar` table's); an empty tree
    -- has no rows: then nothing is shown.
    SELECT s.repo, MAX(s.month) AS month
    FROM snapshots s JOIN calendar c ON s.month = c.month
    WHERE c.months_before_now >= 0
    GROUP BY s.repo
),
now AS (
    SELECT l.repo, l.language, l.files, l.code, l.comments, l.blanks
    FROM loc l JOIN last ON l.repo = last.repo AND l.month = last.month
    WHERE l.language <> 'Unrecognised' AND l.code > 0 AND l.class = 'code'
),
totals AS (
    SELECT repo, SUM(code) AS total FROM now GROUP BY repo
)
SELECT n.repo, n.language, n.files, n.code, n.comments, n.blanks,
       CAST(n.code AS DOUBLE) / t.total AS share
FROM now n JOIN totals t ON n.repo = t.repo
ORDER BY n.repo, n.code DESC, n.language
