-- Per repository: the report's summary row, at its last month at or before now (the `calendar`
-- table's: the month of the newest data, or report --as-of). Inception is the first month
-- with a plausibly dated commit; code_now and the main language are the project's own code (class
-- 'code': not vendored, generated, test or docs), the main language the one with the most own
-- code lines now (its share of them; the whole mix is in language_mix_now.sql); vendored_share is
-- vendored code lines over all code lines now, generated_share likewise, test_to_code test code
-- lines per own code line; lines_added_12m and lines_removed_12m are own code's churn; "12m" figures cover the calendar's last 12
-- months (commits_per_month_12m averages them, or the months since inception for a project
-- younger than a year), age_years runs from inception to now;
-- commits_trend_yoy is the change of those 12 months' commits against the 12 before (0.10 = 10 %
-- more; empty when the 12 before had none); contributors, pony and elephant factors are
-- activity's trailing figures at the last month (contributors: 0 when that month is before the
-- last 12), the bus factor is line ownership at the last
-- month's snapshot.
-- COCOMO (basic, organic mode, as scc and Open Hub use it), from the code lines now:
--   effort_person_months = 2.4 * KLOC ^ 1.05, schedule_months = 2.5 * effort ^ 0.38,
--   cocomo_people = effort / schedule (= effort ^ 0.62 / 2.5), KLOC = code_now / 1000.
WITH own AS (
    SELECT repo, month, lines_added, lines_removed FROM class_churn WHERE class = 'code'
),
m AS (
    SELECT a.repo, a.month, a.commits, o.lines_added, o.lines_removed, a.contributors_12m,
           a.pony_factor_24m, a.elephant_factor_24m, a.bus_factor, a.new_code_share,
           a.median_line_age_days, c.months_before_now, c.in_12m, c.in_prior_12m
    FROM activity a
    JOIN calendar c ON a.month = c.month
    LEFT JOIN own o ON a.repo = o.repo AND a.month = o.month
    WHERE c.months_before_now >= 0
),
b AS (
    SELECT repo, MIN(month) AS inception, MAX(month) AS last_month,
           MAX(months_before_now) AS months_since_inception
    FROM m GROUP BY repo
),
w AS (
    SELECT repo,
           SUM(CASE WHEN in_12m THEN commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN in_prior_12m THEN commits ELSE 0 END) AS commits_prior_12m,
           SUM(CASE WHEN in_12m THEN lines_added ELSE 0 END) AS lines_added_12m,
           SUM(CASE WHEN in_12m THEN lines_removed ELSE 0 END) AS lines_removed_12m
    FROM m GROUP BY repo
),
now AS (
    SELECT m.repo,
           CASE WHEN m.in_12m THEN m.contributors_12m ELSE 0 END AS contributors_12m,
           m.pony_factor_24m, m.elephant_factor_24m, m.bus_factor,
           m.new_code_share, m.median_line_age_days
    FROM m JOIN b ON m.repo = b.repo AND m.month = b.last_month
),
code AS (
    SELECT l.repo,
           SUM(CASE WHEN l.class = 'code' THEN l.code ELSE 0 END) AS code_now,
           SUM(l.code) AS all_code_now,
           SUM(CASE WHEN l.class = 'vendored' THEN l.code ELSE 0 END) AS vendored_now,
           SUM(CASE WHEN l.class = 'generated' THEN l.code ELSE 0 END) AS generated_now,
           SUM(CASE WHEN l.class = 'test' THEN l.code ELSE 0 END) AS test_now
    FROM loc l JOIN b ON l.repo = b.repo AND l.month = b.last_month
    GROUP BY l.repo
),
main AS (
    SELECT l.repo, l.language, l.code,
           ROW_NUMBER() OVER (PARTITION BY l.repo ORDER BY l.code DESC, l.language DESC) AS rn
    FROM loc l JOIN b ON l.repo = b.repo AND l.month = b.last_month
    WHERE l.language <> 'Unrecognised' AND l.code > 0 AND l.class = 'code'
),
leader AS (
    SELECT repo, language, code FROM main WHERE rn = 1
),
cocomo AS (
    SELECT repo, code_now, all_code_now, vendored_now, generated_now, test_now,
           2.4 * POWER(CAST(code_now AS DOUBLE) / 1000, 1.05) AS effort_person_months
    FROM code
)
SELECT b.repo, b.inception, b.last_month,
       CAST(b.months_since_inception + 1 AS DOUBLE) / 12 AS age_years,
       cocomo.code_now,
       CASE WHEN cocomo.all_code_now > 0
            THEN CAST(cocomo.vendored_now AS DOUBLE) / cocomo.all_code_now END AS vendored_share,
       CASE WHEN cocomo.all_code_now > 0
            THEN CAST(cocomo.generated_now AS DOUBLE) / cocomo.all_code_now END AS generated_share,
       CASE WHEN cocomo.code_now > 0
            THEN CAST(cocomo.test_now AS DOUBLE) / cocomo.code_now END AS test_to_code,
       leader.language AS main_language,
       CAST(leader.code AS DOUBLE) / cocomo.code_now AS main_language_share,
       CAST(w.commits_12m AS DOUBLE) / LEAST(b.months_since_inception + 1, 12)
           AS commits_per_month_12m,
       CASE WHEN w.commits_prior_12m > 0
            THEN CAST(w.commits_12m AS DOUBLE) / w.commits_prior_12m - 1 END
           AS commits_trend_yoy,
       now.contributors_12m,
       w.lines_added_12m, w.lines_removed_12m,
       now.new_code_share, now.median_line_age_days / 365.25 AS median_age_years,
       now.bus_factor, now.pony_factor_24m, now.elephant_factor_24m,
       cocomo.effort_person_months,
       2.5 * POWER(cocomo.effort_person_months, 0.38) AS schedule_months,
       POWER(cocomo.effort_person_months, 0.62) / 2.5 AS cocomo_people
FROM b
JOIN w ON b.repo = w.repo
JOIN now ON b.repo = now.repo
LEFT JOIN cocomo ON b.repo = cocomo.repo
LEFT JOIN leader ON b.repo = leader.repo
ORDER BY b.repo
