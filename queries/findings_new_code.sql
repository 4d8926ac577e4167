-- Per repository: saw-tooth periods, runs of months in which at least half of the lines at the
-- month's end were written in the 12 months before (new_code_share >= 0.5), counted only once the
-- project is two years old (before that nearly all code is new by definition). The thresholds
-- live here. One row per period: first and last month, length, peak share, lines added and
-- removed over the period.
WITH m AS (
    SELECT repo, month, new_code_share, lines_added, lines_removed,
           CAST(SUBSTR(month, 1, 4) AS INT) * 12 + CAST(SUBSTR(month, 6, 2) AS INT) AS idx
    FROM activity
),
b AS (
    SELECT repo, MIN(idx) AS first_idx FROM m GROUP BY repo
),
high AS (
    SELECT m.repo, m.month, m.idx, m.new_code_share, m.lines_added, m.lines_removed
    FROM m JOIN b ON m.repo = b.repo
    WHERE m.idx >= b.first_idx + 24 AND m.new_code_share >= 0.5
),
runs AS (
    SELECT repo, month, idx, new_code_share, lines_added, lines_removed,
           idx - ROW_NUMBER() OVER (PARTITION BY repo ORDER BY idx) AS run
    FROM high
)
SELECT repo, MIN(month) AS from_month, MAX(month) AS to_month, COUNT(*) AS months,
       MAX(new_code_share) AS peak_new_code_share,
       SUM(lines_added) AS lines_added, SUM(lines_removed) AS lines_removed
FROM runs
GROUP BY repo, run
ORDER BY repo, from_month
