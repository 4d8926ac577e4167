-- Per repository: average commits per month and distinct contributors over the last 12 months
-- (the `calendar` table's: the 12 calendar months ending with the month of the newest data in the
-- store, the same window for every repository; months without commits count as 0, and a project
-- younger than a year averages the months since its first), with the lines of the project's own
-- code (class 'code') added and removed in that window. contributors_12m is activity's trailing
-- count at the last month with commits, 0 when that month is before the window.
WITH own AS (
    SELECT repo, month, lines_added, lines_removed FROM class_churn WHERE class = 'code'
),
m AS (
    SELECT a.repo, a.month, a.commits, a.contributors_12m, o.lines_added, o.lines_removed,
           c.months_before_now, c.in_12m
    FROM activity a
    JOIN calendar c ON a.month = c.month
    LEFT JOIN own o ON a.repo = o.repo AND a.month = o.month
    WHERE c.months_before_now >= 0
),
b AS (
    SELECT repo, MAX(month) AS last_month, MAX(months_before_now) AS months_since_inception,
           SUM(CASE WHEN in_12m THEN commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN in_12m THEN lines_added ELSE 0 END) AS lines_added_12m,
           SUM(CASE WHEN in_12m THEN lines_removed ELSE 0 END) AS lines_removed_12m
    FROM m GROUP BY repo
)
SELECT b.repo,
       CAST(b.commits_12m AS DOUBLE) / LEAST(b.months_since_inception + 1, 12)
           AS commits_per_month_12m,
       CASE WHEN m.in_12m THEN m.contributors_12m ELSE 0 END AS contributors_12m,
       b.lines_added_12m, b.lines_removed_12m
FROM b JOIN m ON m.repo = b.repo AND m.month = b.last_month
ORDER BY b.repo
