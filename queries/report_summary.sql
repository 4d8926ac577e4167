-- Per repository: the report's summary row, at its last month. Inception is the first month
-- with a plausibly dated commit; "12m" figures cover the 12 months ending with the last month;
-- contributors, pony and elephant factors are activity's trailing figures at the last month.
WITH m AS (
    SELECT repo, month, commits, lines_added, lines_removed, contributors_12m,
           pony_factor_24m, elephant_factor_24m, new_code_share, median_line_age_days,
           CAST(SUBSTR(month, 1, 4) AS INT) * 12 + CAST(SUBSTR(month, 6, 2) AS INT) AS idx
    FROM activity
),
b AS (
    SELECT repo, MIN(month) AS inception, MAX(month) AS last_month,
           MIN(idx) AS first_idx, MAX(idx) AS last_idx
    FROM m GROUP BY repo
),
w AS (
    SELECT m.repo, SUM(m.commits) AS commits_12m, COUNT(*) AS months_12m,
           SUM(m.lines_added) AS lines_added_12m, SUM(m.lines_removed) AS lines_removed_12m
    FROM m JOIN b ON m.repo = b.repo
    WHERE m.idx > b.last_idx - 12
    GROUP BY m.repo
),
now AS (
    SELECT m.repo, m.contributors_12m, m.pony_factor_24m, m.elephant_factor_24m,
           m.new_code_share, m.median_line_age_days
    FROM m JOIN b ON m.repo = b.repo AND m.idx = b.last_idx
),
code AS (
    SELECT l.repo, SUM(l.code) AS code_now
    FROM loc l JOIN b ON l.repo = b.repo AND l.month = b.last_month
    GROUP BY l.repo
)
SELECT b.repo, b.inception, b.last_month,
       CAST(b.last_idx - b.first_idx + 1 AS DOUBLE) / 12 AS age_years,
       code.code_now,
       CAST(w.commits_12m AS DOUBLE) / w.months_12m AS commits_per_month_12m,
       now.contributors_12m,
       w.lines_added_12m, w.lines_removed_12m,
       now.new_code_share, now.median_line_age_days / 365.25 AS median_age_years,
       now.pony_factor_24m, now.elephant_factor_24m
FROM b
JOIN w ON b.repo = w.repo
JOIN now ON b.repo = now.repo
LEFT JOIN code ON b.repo = code.repo
ORDER BY b.repo
