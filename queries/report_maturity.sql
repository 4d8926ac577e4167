-- Per repository: the hardening-maturity score, 0 to 100, as the sum of fourteen factors. Each
-- row is one factor with its raw value, what that value means, its rule, the points it gives and
-- the published definition it follows where one exists; the last row per repository ("score")
-- is their sum, with the verdict and a sentence naming the strongest and weakest factors. This
-- file is the formula: copy it into a directory, change it, and pass `report --queries DIR`.
-- "Now" is the as-of month (provenance.as_of: the latest analysis, or report --as-of); the
-- last 12 months are the 12 months ending with it, the 12 before them the prior year.
--   history        8 x min(age_years / 15, 1)                 inception to now (criticality_score created_since)
--   recency       10 x clamp((12 - months_since_last_commit) / 11, 0, 1)
--                                                             (criticality_score updated_since)
--   activity      10 x min(ln(1 + commits_12m) / ln(5001), 1) (criticality_score commit_frequency)
--   trend          6 x min(commits_12m / commits_prior_12m, 1) a shrinking year costs its share
--   team          10 x min(ln(1 + contributors_12m) / ln(301), 1) (CHAOSS Contributors)
--   pony_factor    5 x min(pony_factor_24m / 10, 1)           fewest authors of half the commits (CHAOSS)
--   bus_factor     5 x min(bus_factor / 10, 1)                fewest authors of half the own lines now
--   releases      10 x min(ln(1 + final_releases_12m) / ln(25), 1)  24 a year is full marks
--                                                             (criticality_score recent_releases_count)
--   review        10 x review coverage of the last 12 months (OpenSSF Scorecard Code-Review):
--                 the larger of reviewed commits / commits and pull-request merges / merges
--   security       8 = 4 if any own advisory-referencing commit, + 2 security policy now
--                 (Scorecard Security-Policy), + 2 fuzzing now (Scorecard Fuzzing)
--   tests          6 x min(test_to_code / 0.6, 1)             test code lines per own code line now
--   code_age       4 x min(median_age_years / 6, 1)           own code that has survived
--   vendored       4 x (1 - vendored_share)                   less code from elsewhere to trust
--   data_quality   4 - 1 per kind of problem found (implausible dates, missing or corrupt
--                 objects, shallow history, history recommitted in bulk), at least 0
-- (LEAST and GREATEST skip empty values in polars SQL, so an empty figure is tested first.)
-- A figure git cannot give (no release tags, no review trailers or pull-request merges: squash
-- and rebase merges leave no trace; line age not mined) gives 0 points and says so. Verdict: "dormant" when the last commit is 12 or more
-- months before now, whatever the score; else >= 75 "battle-hardened", >= 55 "maturing", below
-- "young or at risk". contributors_12m is activity's trailing count at the last month with
-- commits when that month is in the window (it may then count people up to 11 months earlier),
-- and 0 otherwise.
WITH p AS (
    SELECT repo, as_of,
           CAST(SUBSTR(as_of, 1, 4) AS INT) * 12 + CAST(SUBSTR(as_of, 6, 2) AS INT) AS now_idx
    FROM provenance
),
m AS (
    SELECT a.repo, a.month, a.commits, a.merges, a.contributors_12m, a.pony_factor_24m,
           a.bus_factor, a.median_line_age_days, p.now_idx,
           CAST(SUBSTR(a.month, 1, 4) AS INT) * 12 + CAST(SUBSTR(a.month, 6, 2) AS INT) AS idx
    FROM activity a JOIN p ON a.repo = p.repo
),
mm AS (
    SELECT * FROM m WHERE idx <= now_idx
),
b AS (
    SELECT repo, MIN(idx) AS first_idx, MAX(idx) AS last_idx, MAX(now_idx) AS now_idx,
           SUM(CASE WHEN idx > now_idx - 12 THEN commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN idx > now_idx - 24 AND idx <= now_idx - 12 THEN commits ELSE 0 END)
               AS commits_prior_12m
    FROM mm GROUP BY repo
),
last AS (
    SELECT mm.repo, mm.pony_factor_24m, mm.bus_factor, mm.median_line_age_days,
           CASE WHEN mm.idx > b.now_idx - 12 THEN mm.contributors_12m ELSE 0 END
               AS contributors_12m
    FROM mm JOIN b ON mm.repo = b.repo AND mm.idx = b.last_idx
),
code AS (
    SELECT l.repo,
           SUM(CASE WHEN l.class = 'code' THEN l.code ELSE 0 END) AS own,
           SUM(CASE WHEN l.class = 'vendored' THEN l.code ELSE 0 END) AS vendored,
           SUM(CASE WHEN l.class = 'test' THEN l.code ELSE 0 END) AS test,
           SUM(l.code) AS all_code
    FROM loc l JOIN b ON l.repo = b.repo
    WHERE CAST(SUBSTR(l.month, 1, 4) AS INT) * 12 + CAST(SUBSTR(l.month, 6, 2) AS INT) = b.last_idx
    GROUP BY l.repo
),
ev AS (
    SELECT e.repo,
           SUM(CASE WHEN x.idx > b.now_idx - 12 THEN e.commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN x.idx > b.now_idx - 12 THEN e.merges ELSE 0 END) AS merges_12m,
           SUM(CASE WHEN x.idx > b.now_idx - 12 THEN e.reviewed_commits ELSE 0 END) AS reviewed_12m,
           SUM(CASE WHEN x.idx > b.now_idx - 12 THEN e.pr_merges ELSE 0 END) AS pr_merges_12m,
           SUM(CASE WHEN x.idx <= b.now_idx THEN e.own_advisory_commits ELSE 0 END) AS own_advisory
    FROM evidence e
    JOIN (SELECT repo, month,
                 CAST(SUBSTR(month, 1, 4) AS INT) * 12 + CAST(SUBSTR(month, 6, 2) AS INT) AS idx
          FROM evidence) x ON e.repo = x.repo AND e.month = x.month
    JOIN b ON e.repo = b.repo
    GROUP BY e.repo
),
rel AS (
    SELECT r.repo,
           SUM(CASE WHEN CAST(SUBSTR(r.month, 1, 4) AS INT) * 12
                         + CAST(SUBSTR(r.month, 6, 2) AS INT) > b.now_idx - 12
                     AND CAST(SUBSTR(r.month, 1, 4) AS INT) * 12
                         + CAST(SUBSTR(r.month, 6, 2) AS INT) <= b.now_idx
                    THEN 1 ELSE 0 END) AS releases_12m,
           COUNT(*) AS releases_all
    FROM releases r JOIN b ON r.repo = b.repo
    WHERE NOT r.prerelease
    GROUP BY r.repo
),
pr AS (
    SELECT s.repo,
           MAX(CASE WHEN s.practice = 'security_policy' AND s.last_month >= b.last_month
                    THEN 1 ELSE 0 END) AS security_policy,
           MAX(CASE WHEN s.practice = 'fuzzing' AND s.last_month >= b.last_month
                    THEN 1 ELSE 0 END) AS fuzzing
    FROM practices s
    JOIN (SELECT repo, MAX(month) AS last_month FROM activity GROUP BY repo) b
      ON s.repo = b.repo
    GROUP BY s.repo
),
problems AS (
    SELECT repo,
           SUM(CASE WHEN count > 0 AND kind IN ('implausible_date', 'missing_object',
                    'corrupt_object', 'shallow_boundary', 'recommitted_history')
                    THEN 1 ELSE 0 END) AS kinds
    FROM data_quality GROUP BY repo
),
f AS (
    SELECT b.repo,
           CAST(b.now_idx - b.first_idx + 1 AS DOUBLE) / 12 AS age_years,
           b.now_idx - b.last_idx AS months_since_last_commit,
           b.commits_12m, b.commits_prior_12m, last.contributors_12m,
           last.pony_factor_24m, last.bus_factor,
           last.median_line_age_days / 365.25 AS median_age_years,
           COALESCE(rel.releases_12m, 0) AS releases_12m, COALESCE(rel.releases_all, 0) AS releases_all,
           ev.commits_12m AS ev_commits_12m, ev.merges_12m, ev.reviewed_12m, ev.pr_merges_12m,
           COALESCE(ev.own_advisory, 0) AS own_advisory,
           COALESCE(pr.security_policy, 0) AS security_policy, COALESCE(pr.fuzzing, 0) AS fuzzing,
           CASE WHEN code.own > 0 THEN CAST(code.test AS DOUBLE) / code.own END AS test_to_code,
           CASE WHEN code.all_code > 0 THEN CAST(code.vendored AS DOUBLE) / code.all_code END
               AS vendored_share,
           COALESCE(problems.kinds, 0) AS problem_kinds
    FROM b
    JOIN last ON b.repo = last.repo
    LEFT JOIN code ON b.repo = code.repo
    LEFT JOIN ev ON b.repo = ev.repo
    LEFT JOIN rel ON b.repo = rel.repo
    LEFT JOIN pr ON b.repo = pr.repo
    LEFT JOIN problems ON b.repo = problems.repo
),
r AS (
    SELECT *,
           CASE WHEN ev_commits_12m > 0 THEN CAST(reviewed_12m AS DOUBLE) / ev_commits_12m ELSE 0.0 END
               AS trailer_share,
           CASE WHEN merges_12m > 0 THEN CAST(pr_merges_12m AS DOUBLE) / merges_12m ELSE 0.0 END
               AS pr_share
    FROM f
),
factors AS (
    SELECT repo AS repo,
           1 AS ord,
           'history' AS factor,
           age_years AS value,
           CAST(ROUND(age_years, 1) AS VARCHAR) || ' years' AS shown,
           '8 x min(age_years / 15, 1)' AS rule,
           8.0 AS max_points,
           8 * LEAST(age_years / 15, 1.0) AS points,
           'criticality_score created_since' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           2 AS ord,
           'recency' AS factor,
           CAST(months_since_last_commit AS DOUBLE) AS value,
           CASE WHEN months_since_last_commit >= 12
                THEN CAST(months_since_last_commit AS VARCHAR) || ' months since the last commit: dormant'
                ELSE CAST(months_since_last_commit AS VARCHAR) || ' months since the last commit' END AS shown,
           '10 x clamp((12 - months_since_last_commit) / 11, 0, 1)' AS rule,
           10.0 AS max_points,
           10 * GREATEST(LEAST((12 - months_since_last_commit) / 11.0, 1.0), 0.0) AS points,
           'criticality_score updated_since' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           3 AS ord,
           'activity' AS factor,
           CAST(commits_12m AS DOUBLE) AS value,
           CAST(commits_12m AS VARCHAR) || ' commits in the last 12 months' AS shown,
           '10 x min(ln(1 + commits_12m) / ln(5001), 1)' AS rule,
           10.0 AS max_points,
           10 * LEAST(LN(1 + commits_12m) / LN(5001), 1.0) AS points,
           'criticality_score commit_frequency' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           4 AS ord,
           'trend' AS factor,
           CASE WHEN commits_prior_12m > 0 THEN CAST(commits_12m AS DOUBLE) / commits_prior_12m END AS value,
           CASE WHEN commits_prior_12m > 0
                THEN CAST(commits_12m AS VARCHAR) || ' commits against ' || CAST(commits_prior_12m AS VARCHAR) || ' the year before'
                WHEN commits_12m > 0 THEN 'no commits the year before'
                ELSE 'no commits in either year' END AS shown,
           '6 x min(commits_12m / commits_prior_12m, 1)' AS rule,
           6.0 AS max_points,
           CASE WHEN commits_prior_12m > 0
                THEN 6 * LEAST(CAST(commits_12m AS DOUBLE) / commits_prior_12m, 1.0)
                WHEN commits_12m > 0 THEN 6.0 ELSE 0.0 END AS points,
           'CHAOSS Activity Dates and Times' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           5 AS ord,
           'team' AS factor,
           CAST(contributors_12m AS DOUBLE) AS value,
           CAST(contributors_12m AS VARCHAR) || ' people in the last 12 months' AS shown,
           '10 x min(ln(1 + contributors_12m) / ln(301), 1)' AS rule,
           10.0 AS max_points,
           10 * LEAST(LN(1 + contributors_12m) / LN(301), 1.0) AS points,
           'CHAOSS Contributors; criticality_score contributor_count' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           6 AS ord,
           'pony_factor' AS factor,
           CAST(pony_factor_24m AS DOUBLE) AS value,
           'pony factor ' || CAST(pony_factor_24m AS VARCHAR) || ' (authors of half the commits, 24 months)' AS shown,
           '5 x min(pony_factor_24m / 10, 1)' AS rule,
           5.0 AS max_points,
           CASE WHEN pony_factor_24m IS NULL THEN 0.0
                ELSE 5 * LEAST(CAST(pony_factor_24m AS DOUBLE) / 10, 1.0) END AS points,
           'CHAOSS Bus Factor (commits)' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           7 AS ord,
           'bus_factor' AS factor,
           CAST(bus_factor AS DOUBLE) AS value,
           CASE WHEN bus_factor IS NULL THEN 'line age not mined'
                ELSE 'bus factor ' || CAST(bus_factor AS VARCHAR) || ' (authors of half the own lines now)' END AS shown,
           '5 x min(bus_factor / 10, 1)' AS rule,
           5.0 AS max_points,
           CASE WHEN bus_factor IS NULL THEN 0.0
                ELSE 5 * LEAST(CAST(bus_factor AS DOUBLE) / 10, 1.0) END AS points,
           'Truck factor (Avelino et al., by line ownership)' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           8 AS ord,
           'releases' AS factor,
           CAST(releases_12m AS DOUBLE) AS value,
           CASE WHEN releases_all = 0 THEN 'no release tags in git'
                ELSE CAST(releases_12m AS VARCHAR) || ' final releases in the last 12 months' END AS shown,
           '10 x min(ln(1 + final_releases_12m) / ln(25), 1)' AS rule,
           10.0 AS max_points,
           10 * LEAST(LN(1 + releases_12m) / LN(25), 1.0) AS points,
           'criticality_score recent_releases_count' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           9 AS ord,
           'review' AS factor,
           GREATEST(trailer_share, pr_share) AS value,
           CASE WHEN ev_commits_12m IS NULL OR ev_commits_12m + merges_12m = 0 THEN 'no changes in the last 12 months'
                WHEN trailer_share = 0 AND pr_share = 0 THEN 'no evidence in git'
                WHEN trailer_share >= pr_share
                THEN CAST(CAST(ROUND(100 * trailer_share, 0) AS INT) AS VARCHAR) || ' % of commits carry review trailers'
                ELSE CAST(CAST(ROUND(100 * pr_share, 0) AS INT) AS VARCHAR) || ' % of merges are pull-request merges' END AS shown,
           '10 x max(reviewed / commits, pr_merges / merges), last 12 months' AS rule,
           10.0 AS max_points,
           10 * GREATEST(trailer_share, pr_share) AS points,
           'OpenSSF Scorecard Code-Review' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           10 AS ord,
           'security' AS factor,
           CAST(own_advisory AS DOUBLE) AS value,
           CAST(own_advisory AS VARCHAR) || ' own advisory-referencing commits; security policy '
               || CASE WHEN security_policy = 1 THEN 'yes' ELSE 'no' END || '; fuzzing '
               || CASE WHEN fuzzing = 1 THEN 'yes' ELSE 'no' END AS shown,
           '4 if own advisory commits + 2 security policy + 2 fuzzing' AS rule,
           8.0 AS max_points,
           CASE WHEN own_advisory > 0 THEN 4.0 ELSE 0.0 END + 2.0 * security_policy + 2.0 * fuzzing AS points,
           'OpenSSF Scorecard Security-Policy, Fuzzing' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           11 AS ord,
           'tests' AS factor,
           test_to_code AS value,
           CASE WHEN test_to_code IS NULL THEN 'no own code lines (or lines not mined)'
                ELSE CAST(ROUND(test_to_code, 2) AS VARCHAR) || ' test lines per own code line' END AS shown,
           '6 x min(test_to_code / 0.6, 1)' AS rule,
           6.0 AS max_points,
           CASE WHEN test_to_code IS NULL THEN 0.0
                ELSE 6 * LEAST(test_to_code / 0.6, 1.0) END AS points,
           '' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           12 AS ord,
           'code_age' AS factor,
           median_age_years AS value,
           CASE WHEN median_age_years IS NULL THEN 'line age not mined'
                ELSE CAST(ROUND(median_age_years, 1) AS VARCHAR) || ' years median age of own lines' END AS shown,
           '4 x min(median_age_years / 6, 1)' AS rule,
           4.0 AS max_points,
           CASE WHEN median_age_years IS NULL THEN 0.0
                ELSE 4 * LEAST(median_age_years / 6, 1.0) END AS points,
           '' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           13 AS ord,
           'vendored' AS factor,
           vendored_share AS value,
           CASE WHEN vendored_share IS NULL THEN 'no code lines (or lines not mined)'
                ELSE CAST(CAST(ROUND(100 * vendored_share, 0) AS INT) AS VARCHAR) || ' % of code lines are vendored' END AS shown,
           '4 x (1 - vendored_share)' AS rule,
           4.0 AS max_points,
           COALESCE(4 * (1 - vendored_share), 0.0) AS points,
           '' AS definition
    FROM r
    UNION ALL
    SELECT repo AS repo,
           14 AS ord,
           'data_quality' AS factor,
           CAST(problem_kinds AS DOUBLE) AS value,
           CAST(problem_kinds AS VARCHAR) || ' kinds of problem found' AS shown,
           '4 - 1 per kind of problem found, at least 0' AS rule,
           4.0 AS max_points,
           CAST(GREATEST(4 - problem_kinds, 0) AS DOUBLE) AS points,
           '' AS definition
    FROM r
),
keyed AS (
    SELECT repo, factor, shown, ord,
           ROUND((1 - points / max_points) * 1000, 6) * 1000 + 100 - max_points AS best_key,
           ROUND(points / max_points * 1000, 6) * 1000 + 100 - max_points AS worst_key
    FROM factors
),
ranked AS (
    SELECT repo, factor, shown,
           ROW_NUMBER() OVER (PARTITION BY repo ORDER BY best_key, ord) AS best,
           ROW_NUMBER() OVER (PARTITION BY repo ORDER BY worst_key, ord) AS worst
    FROM keyed
),
totals AS (
    SELECT fa.repo, SUM(fa.points) AS total, MAX(r.months_since_last_commit) AS silent
    FROM factors fa JOIN r ON fa.repo = r.repo GROUP BY fa.repo
),
why AS (
    SELECT s.repo, 'strongest: ' || s.factor || ' (' || s.shown || '); weakest: ' || w.factor
           || ' (' || w.shown || ')' AS why
    FROM ranked s JOIN ranked w ON s.repo = w.repo
    WHERE s.best = 1 AND w.worst = 1
),
scored AS (
    SELECT repo, ord, factor, value, shown, rule, points, max_points, definition, '' AS why
    FROM factors
    UNION ALL
    SELECT t.repo AS repo, 99 AS ord, 'score' AS factor, t.total AS value,
           CASE WHEN t.silent >= 12 THEN 'dormant'
                WHEN t.total >= 75 THEN 'battle-hardened'
                WHEN t.total >= 55 THEN 'maturing'
                ELSE 'young or at risk' END AS shown,
           'sum of the factors; dormant when silent for 12 months' AS rule, t.total AS points,
           100.0 AS max_points, '' AS definition, why.why AS why
    FROM totals t JOIN why ON t.repo = why.repo
)
SELECT repo, factor, value, shown, points, max_points, rule, definition, why
FROM scored
ORDER BY repo, ord
