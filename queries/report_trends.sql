-- Per repository and month, from its first month with commits to now: commits, distinct
-- contributors and own code lines (class 'code' at that month's snapshot; empty for a month
-- without one, which the sparklines carry over from the month before). The report's decision
-- view draws them as sparklines over the whole history; "now" is the `calendar` table's.
WITH first AS (
    SELECT repo, MIN(month) AS inception FROM activity GROUP BY repo
),
own AS (
    SELECT repo, month, SUM(code) AS own_code
    FROM loc WHERE class = 'code'
    GROUP BY repo, month
)
SELECT f.repo, c.month,
       COALESCE(a.commits, 0) AS commits,
       COALESCE(a.contributors, 0) AS contributors,
       o.own_code
FROM first f
JOIN calendar c ON c.month >= f.inception AND c.months_before_now >= 0
LEFT JOIN activity a ON a.repo = f.repo AND a.month = c.month
LEFT JOIN own o ON o.repo = f.repo AND o.month = c.month
ORDER BY f.repo, c.month
