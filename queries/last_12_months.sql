-- Per repository: average commits per month and distinct contributors over its last 12 months
-- (the 12 calendar months ending with the repository's last month, as in `analyze`'s summary),
-- with the lines of the project's own code (class 'code') added and removed in that window.
-- Months are compared as year * 12 + month.
-- Needs the `commits` table (identities), so it runs on a store, not on a dataset.
WITH own AS (
    SELECT repo, month, lines_added, lines_removed FROM class_churn WHERE class = 'code'
),
months AS (
    SELECT a.repo, a.month, a.commits, o.lines_added, o.lines_removed,
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
authored AS (
    SELECT repo, author,
           CAST(strftime(author_time, '%Y') AS INT) * 12
             + CAST(strftime(author_time, '%m') AS INT) AS idx
    FROM commits
    WHERE plausible_date
),
people AS (
    SELECT a.repo, COUNT(DISTINCT a.author) AS contributors_12m
    FROM authored a JOIN bounds b ON a.repo = b.repo
    WHERE a.idx > b.last_idx - 12 AND a.idx <= b.last_idx
    GROUP BY a.repo
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
