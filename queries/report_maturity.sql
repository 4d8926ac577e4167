-- Per repository: the hardening-maturity score, 0 to 100, as the sum of nine factors. Each row
-- is one factor with its raw value, its rule and the points it gives; the last row per
-- repository ("score") is their sum. This file is the formula (the README repeats it):
--   history       15 x min(age_years / 10, 1)                    a decade of history is full marks
--   team          15 x min(ln(1 + contributors_12m) / ln(51), 1) 50 people in the last 12 months
--   activity      15 x min(ln(1 + commits_12m) / ln(1001), 1)    1,000 commits in the last 12 months
--   trend         10 x min(commits_12m / commits_prior_12m, 1)   a shrinking year costs its share
--                 (10 when the year before had no commits and this one has some; 0 with none)
--   bus_factor    10 x min(bus_factor / 5, 1)                    line ownership at the last month
--   pony_factor   10 x min(pony_factor_24m / 5, 1)               commit concentration, 24 months
--   code_age      10 x min(median_age_years / 5, 1)              code that has survived
--   settled_code  10 x (1 - new_code_share)                      little rewritten in a year
--   data_quality   5 - 1 per kind of problem found (implausible dates, missing or corrupt
--                 objects, shallow history), at least 0
-- A missing figure (e.g. line age not mined) gives 0 points. Verdict on the score: >= 75
-- "battle-hardened", >= 50 "maturing", below "young or at risk".
WITH m AS (
    SELECT repo, month, commits, contributors_12m, pony_factor_24m, bus_factor,
           new_code_share, median_line_age_days,
           CAST(SUBSTR(month, 1, 4) AS INT) * 12 + CAST(SUBSTR(month, 6, 2) AS INT) AS idx
    FROM activity
),
b AS (
    SELECT repo, MIN(idx) AS first_idx, MAX(idx) AS last_idx FROM m GROUP BY repo
),
problems AS (
    SELECT repo,
           SUM(CASE WHEN count > 0 AND kind IN ('implausible_date', 'missing_object',
                    'corrupt_object', 'shallow_boundary') THEN 1 ELSE 0 END) AS kinds
    FROM data_quality GROUP BY repo
),
w AS (
    SELECT m.repo,
           SUM(CASE WHEN m.idx > b.last_idx - 12 THEN m.commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN m.idx > b.last_idx - 24 AND m.idx <= b.last_idx - 12
                    THEN m.commits ELSE 0 END) AS commits_prior_12m
    FROM m JOIN b ON m.repo = b.repo
    GROUP BY m.repo
),
f AS (
    SELECT b.repo,
           CAST(b.last_idx - b.first_idx + 1 AS DOUBLE) / 12 AS age_years,
           w.commits_12m, w.commits_prior_12m,
           m.contributors_12m, m.bus_factor, m.pony_factor_24m,
           m.median_line_age_days / 365.25 AS median_age_years, m.new_code_share
    FROM b
    JOIN w ON b.repo = w.repo
    JOIN m ON m.repo = b.repo AND m.idx = b.last_idx
),
factors AS (
    SELECT repo, 1 AS ord, 'history' AS factor, age_years AS value,
           '15 x min(age_years / 10, 1)' AS rule, 15.0 AS max_points,
           15 * LEAST(age_years / 10, 1.0) AS points
    FROM f
    UNION ALL
    SELECT repo, 2 AS ord, 'team' AS factor, CAST(contributors_12m AS DOUBLE) AS value,
           '15 x min(ln(1 + contributors_12m) / ln(51), 1)' AS rule, 15.0 AS max_points,
           15 * LEAST(LN(1 + contributors_12m) / LN(51), 1.0) AS points
    FROM f
    UNION ALL
    SELECT repo, 3 AS ord, 'activity' AS factor, CAST(commits_12m AS DOUBLE) AS value,
           '15 x min(ln(1 + commits_12m) / ln(1001), 1)' AS rule, 15.0 AS max_points,
           15 * LEAST(LN(1 + commits_12m) / LN(1001), 1.0) AS points
    FROM f
    UNION ALL
    SELECT repo, 4 AS ord, 'trend' AS factor, CASE WHEN commits_prior_12m > 0
                THEN CAST(commits_12m AS DOUBLE) / commits_prior_12m END AS value,
           '10 x min(commits_12m / commits_prior_12m, 1)' AS rule, 10.0 AS max_points,
           CASE WHEN commits_prior_12m > 0
                THEN 10 * LEAST(CAST(commits_12m AS DOUBLE) / commits_prior_12m, 1.0)
                WHEN commits_12m > 0 THEN 10.0 ELSE 0.0 END AS points
    FROM f
    UNION ALL
    SELECT repo, 5 AS ord, 'bus_factor' AS factor, CAST(bus_factor AS DOUBLE) AS value,
           '10 x min(bus_factor / 5, 1)' AS rule, 10.0 AS max_points,
           COALESCE(10 * LEAST(CAST(bus_factor AS DOUBLE) / 5, 1.0), 0.0) AS points
    FROM f
    UNION ALL
    SELECT repo, 6 AS ord, 'pony_factor' AS factor, CAST(pony_factor_24m AS DOUBLE) AS value,
           '10 x min(pony_factor_24m / 5, 1)' AS rule, 10.0 AS max_points,
           COALESCE(10 * LEAST(CAST(pony_factor_24m AS DOUBLE) / 5, 1.0), 0.0) AS points
    FROM f
    UNION ALL
    SELECT repo, 7 AS ord, 'code_age' AS factor, median_age_years AS value,
           '10 x min(median_age_years / 5, 1)' AS rule, 10.0 AS max_points,
           COALESCE(10 * LEAST(median_age_years / 5, 1.0), 0.0) AS points
    FROM f
    UNION ALL
    SELECT repo, 8 AS ord, 'settled_code' AS factor, new_code_share AS value,
           '10 x (1 - new_code_share)' AS rule, 10.0 AS max_points,
           COALESCE(10 * (1 - new_code_share), 0.0) AS points
    FROM f
    UNION ALL
    SELECT f.repo, 9 AS ord, 'data_quality' AS factor,
           CAST(COALESCE(p.kinds, 0) AS DOUBLE) AS value,
           '5 - 1 per kind of problem found, at least 0' AS rule, 5.0 AS max_points,
           CAST(GREATEST(5 - COALESCE(p.kinds, 0), 0) AS DOUBLE) AS points
    FROM f LEFT JOIN problems p ON f.repo = p.repo
),
totals AS (
    SELECT repo, SUM(points) AS total FROM factors GROUP BY repo
),
scored AS (
    SELECT repo, factor, value, rule, points, max_points, ord FROM factors
    UNION ALL
    SELECT repo, 'score' AS factor, total AS value,
           CASE WHEN total >= 75 THEN 'battle-hardened'
                WHEN total >= 50 THEN 'maturing'
                ELSE 'young or at risk' END AS rule,
           total AS points, 100.0 AS max_points, 10 AS ord
    FROM totals
)
SELECT repo, factor, value, rule, points, max_points
FROM scored
ORDER BY repo, ord
