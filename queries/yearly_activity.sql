-- Per repository and calendar year: commits, merges, lines added and removed, the average
-- monthly contributors, and the new-code share and median line age at the year's last month.
WITH years AS (
    SELECT repo, SUBSTR(month, 1, 4) AS year, month, commits, merges, contributors,
           lines_added, lines_removed, new_code_share, median_line_age_days
    FROM activity
),
last AS (
    SELECT repo, year, MAX(month) AS month FROM years GROUP BY repo, year
)
SELECT y.repo, y.year,
       SUM(y.commits) AS commits,
       SUM(y.merges) AS merges,
       SUM(y.lines_added) AS lines_added,
       SUM(y.lines_removed) AS lines_removed,
       AVG(y.contributors) AS avg_monthly_contributors,
       MAX(CASE WHEN y.month = l.month THEN y.new_code_share END) AS new_code_share_at_end,
       MAX(CASE WHEN y.month = l.month THEN y.median_line_age_days END) AS median_age_days_at_end
FROM years y JOIN last l ON y.repo = l.repo AND y.year = l.year
GROUP BY y.repo, y.year
ORDER BY y.repo, y.year
