-- Per repository: saw-tooth periods, runs of months in which at least half of the lines at the
-- month's end were written in the 12 months before (new_code_share >= 0.5), counted only once the
-- project is two years old (before that nearly all code is new by definition). The thresholds
-- live here. One row per period: first and last month, length, peak share, lines added and
-- removed over the period, and a caveat when the history was recommitted in bulk (data_quality's
-- recommitted_history): then new code may measure the recommit, not the writing.
WITH m AS (
    -- Months up to now (the `calendar` table's), numbered in order.
    SELECT a.repo, a.month, a.new_code_share, a.lines_added, a.lines_removed,
           0 - c.months_before_now AS idx
    FROM activity a JOIN calendar c ON a.month = c.month
    WHERE c.months_before_now >= 0
),
b AS (
    SELECT repo, MIN(idx) AS first_idx FROM m GROUP BY repo
),
high AS (
    SELECT m.repo, m.month, m.idx, m.new_code_share, m.lines_added, m.lines_removed
    FROM m JOIN b ON m.repo = b.repo
    WHERE m.idx >= b.first_idx + 24 AND m.new_code_share >= 0.5
),
recommit AS (
    SELECT repo, SUM(count) AS recommitted FROM data_quality
    WHERE kind = 'recommitted_history' GROUP BY repo
),
runs AS (
    SELECT repo, month, idx, new_code_share, lines_added, lines_removed,
           idx - ROW_NUMBER() OVER (PARTITION BY repo ORDER BY idx) AS run
    FROM high
)
SELECT r.repo, MIN(r.month) AS from_month, MAX(r.month) AS to_month, COUNT(*) AS months,
       MAX(r.new_code_share) AS peak_new_code_share,
       SUM(r.lines_added) AS lines_added, SUM(r.lines_removed) AS lines_removed,
       CASE WHEN MAX(c.recommitted) > 0
            THEN 'history recommitted in bulk: may measure the recommit' ELSE '' END AS caveat
FROM runs r LEFT JOIN recommit c ON r.repo = c.repo
GROUP BY r.repo, r.run
ORDER BY r.repo, from_month
