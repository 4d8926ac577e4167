-- Per repository: average commits per month and distinct contributors over its last 12 months
-- (the 12 calendar months ending with the repository's last month, as in `analyze`'s summary),
-- with the lines of the project's own code (class 'code') added and removed in that window.
-- Months are compared as year * 12 + month.
WITH own AS (
    SELECT repo, month, lines_added, lines_removed FROM class_churn WHERE class = 'code'
),
months AS (
    SELECT a.repo, a.month, a.commits, a.contributors_12m, o.lines_added, o.lines_removed,
           CAST(SUBSTR(a.month, 1, 4) AS INT) * 12 + CAST(SUBSTR(a.month, 6, 2) AS INT) AS idx
    FROM activity a LEFT JOIN own o ON a.repo = o.repo AND a.month = o.month
),
bounds AS (
    SELECT repo, MAX(idx) AS last_idx FROM months GROUP BY repo
),
window_months AS (
    SELECT m.* FROM months m JOIN bounds b ON m.repo = b.repo
    WHERE m.idx > b.last_idx - 12
),
people AS (
    -- activity's trailing count at the last month: the distinct identities (authors and
    -- co-authors) of exactly these 12 months.
    SELECT m.repo, m.contributors_12m
    FROM months m JOIN bounds b ON m.repo = b.repo AND m.idx = b.last_idx
)
SELECT w.repo,
       CAST(SUM(w.commits) AS DOUBLE) / COUNT(*) AS commits_per_month_12m,
       MAX(p.contributors_12m) AS contributors_12m,
       SUM(w.lines_added) AS lines_added_12m,
       SUM(w.lines_removed) AS lines_removed_12m
FROM window_months w
LEFT JOIN people p ON w.repo = p.repo
GROUP BY w.repo
ORDER BY w.repo
