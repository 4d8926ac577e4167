-- Per repository: Open Hub's factoids, each with its value and the rule that labels it. This
-- file is the one place the thresholds live:
--   age (inception to now, the `calendar` table's month; "12 months" end with it too): < 1 year
--     "young", 1-3 "1-3 years", 3-5 "3-5 years",
--     >= 5 "well established";
--   team size (distinct contributors over the last 12 months): 0 "no team", 1 "one person",
--     2-3 "very small", 4-6 "small", 7-27 "average", >= 28 "large";
--   activity (commits in the last 12 months against the 12 before): more than 25 % up
--     "increasing", more than 25 % down "decreasing", otherwise "stable"; from none "increasing".
WITH m AS (
    SELECT a.repo, a.month, a.commits, a.contributors_12m, c.months_before_now, c.in_12m,
           c.in_prior_12m
    FROM activity a JOIN calendar c ON a.month = c.month
    WHERE c.months_before_now >= 0
),
b AS (
    SELECT repo, MAX(month) AS last_month, MAX(months_before_now) AS months_since_inception,
           SUM(CASE WHEN in_12m THEN commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN in_prior_12m THEN commits ELSE 0 END) AS commits_prior_12m
    FROM m GROUP BY repo
),
figures AS (
    SELECT b.repo,
           CAST(b.months_since_inception + 1 AS DOUBLE) / 12 AS age_years,
           b.commits_12m, b.commits_prior_12m,
           CASE WHEN m.in_12m THEN m.contributors_12m ELSE 0 END AS contributors_12m
    FROM b JOIN m ON m.repo = b.repo AND m.month = b.last_month
)
SELECT repo,
       age_years,
       CASE WHEN age_years < 1 THEN 'young'
            WHEN age_years < 3 THEN '1-3 years'
            WHEN age_years < 5 THEN '3-5 years'
            ELSE 'well established' END AS age_label,
       contributors_12m,
       CASE WHEN contributors_12m = 0 THEN 'no team'
            WHEN contributors_12m = 1 THEN 'one person'
            WHEN contributors_12m <= 3 THEN 'very small'
            WHEN contributors_12m <= 6 THEN 'small'
            WHEN contributors_12m <= 27 THEN 'average'
            ELSE 'large' END AS team_label,
       commits_12m,
       commits_prior_12m,
       CASE WHEN commits_prior_12m = 0 AND commits_12m > 0 THEN 'increasing'
            WHEN commits_prior_12m = 0 THEN 'stable'
            WHEN commits_12m > 1.25 * commits_prior_12m THEN 'increasing'
            WHEN commits_12m < 0.75 * commits_prior_12m THEN 'decreasing'
            ELSE 'stable' END AS activity_label
FROM figures
ORDER BY repo
