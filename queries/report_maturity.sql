-- Per repository: the hardening-maturity score, 0 to 100, from fifteen factors. Each row is one
-- factor with its raw value, what that value means, its rule, the points it gives, whether git
-- can measure it for this project, and the published definition it follows where one exists;
-- the last row per repository ("score") is the score, with the verdict, its coverage and a
-- sentence naming the strongest and weakest measured factors. This file is the formula: copy it
-- into a directory, change it, and pass `report --queries DIR`.
-- "Now" and the windows are the `calendar` table's (the month of the newest data, or report
-- --as-of): the last 12 months end with now, the 12 before them are the prior year, and nothing
-- after now counts (a practice must show in the last snapshot at or before now).
--   history        8 x min(age_years / 15, 1)                 inception to now (criticality_score created_since)
--   recency       10 x clamp((12 - months_since_last_commit) / 11, 0, 1)
--                                                             (criticality_score updated_since)
--   activity      10 x min(ln(1 + commits_12m) / ln(5001), 1) (criticality_score commit_frequency)
--   trend          6 x min(commits_12m / commits_prior_12m, 1) a shrinking year costs its share
--   team          10 x min(ln(1 + contributors_12m) / ln(301), 1) (CHAOSS Contributors)
--   pony_factor    5 x min(pony_factor_24m / 10, 1)           fewest authors of half the commits (CHAOSS)
--   bus_factor     5 x min(bus_factor / 10, 1)                fewest authors of half the own lines now
--   releases      10 x min(ln(1 + final_releases_12m) / ln(25), 1)  24 a year is full marks; final
--                 releases of the project's line (module tags such as api/v1.2.3 are not)
--                                                             (criticality_score recent_releases_count)
--   review        10 x reviewed / main-line changes of the last 12 months (OpenSSF Scorecard
--                 Code-Review, CHAOSS Change Request Reviews): a change is a first-parent commit,
--                 reviewed when it has a review trailer, is a pull request's rebased copy or
--                 squash (subject "... (#N)"), a pull-request merge, or a merge by someone who
--                 wrote none of what it brings in (the evidence table's review_* columns)
--   security       8 = 4 if any own advisory-referencing commit, + 2 a security process
--                 (Scorecard Security-Policy: a policy file now, or own-code commits citing
--                 advisories in 3 or more distinct years, a published process such as Xen's XSA
--                 series), + 2 fuzzing (Scorecard Fuzzing: fuzz targets in the tree now, or fixes
--                 whose messages credit a fuzzer in the last 24 months)
--   tests          6 x min(test_to_code / 0.6, 1)             test code lines per own code line now
--   code_age       4 x min(median_age_years / 6, 1)           own code that has survived
--   vendored       4 x (1 - vendored_share)                   less code from elsewhere to trust
--   concentration  5 x clamp((0.9 - top_org_share) / 0.6, 0, 1)  the largest organisation's share of
--                 the human commits of 24 months (CHAOSS Organizational Diversity): full marks
--                 at 30 % or less, none at 90 %; organisations, not e-mail domains (see
--                 `organisations`); individuals are people, not an organisation
--   data_quality   4 - 1 per kind of problem in the history (implausible dates, history
--                 recommitted in bulk), at least 0; what a clone lacks (missing or corrupt
--                 objects, a shallow boundary) is a caveat on the figures, not the project's
-- (LEAST and GREATEST skip empty values in polars SQL, so an empty figure is tested first.)
-- Unknown is not zero: a factor git cannot show for a project is "not measured" (measured =
-- false, no points): no release tag ever; no trace of review ever (no main-line change reviewed
-- by any rule up to now: review may happen where git does not record it) or no change in the
-- last 12 months to review; line age or
-- lines not mined; no commit in 24 months for the pony factor. It leaves the score's
-- denominator: score = 100 x the measured factors' points / the most they can give, and the
-- coverage says how many factors that is; the weakest factor named is always a measured one.
-- Verdict: "dormant" when the last commit is 12 or more months before now, whatever the score;
-- else >= 75 and at least 5 years of history "battle-hardened" (years in production are what the
-- word means; the calibration panel's 2.9-year-old uv scored 81), >= 55 "maturing", below
-- "young or at risk". contributors_12m is
-- activity's trailing count at the last month with commits when that month is in the window (it
-- may then count people up to 11 months earlier), and 0 otherwise.
WITH m AS (
    SELECT a.repo, a.month, a.commits, a.merges, a.contributors_12m, a.pony_factor_24m,
           a.bus_factor, a.median_line_age_days, c.months_before_now, c.in_12m, c.in_prior_12m
    FROM activity a JOIN calendar c ON a.month = c.month
    WHERE c.months_before_now >= 0
),
b AS (
    SELECT repo, MAX(month) AS last_month,
           MAX(months_before_now) AS months_since_inception,
           MIN(months_before_now) AS months_since_last_commit,
           SUM(CASE WHEN in_12m THEN commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN in_prior_12m THEN commits ELSE 0 END) AS commits_prior_12m
    FROM m GROUP BY repo
),
last AS (
    SELECT m.repo, m.pony_factor_24m, m.bus_factor, m.median_line_age_days,
           CASE WHEN m.in_12m THEN m.contributors_12m ELSE 0 END AS contributors_12m
    FROM m JOIN b ON m.repo = b.repo AND m.month = b.last_month
),
code AS (
    SELECT l.repo,
           SUM(CASE WHEN l.class = 'code' THEN l.code ELSE 0 END) AS own,
           SUM(CASE WHEN l.class = 'vendored' THEN l.code ELSE 0 END) AS vendored,
           SUM(CASE WHEN l.class = 'test' THEN l.code ELSE 0 END) AS test,
           SUM(l.code) AS all_code
    FROM loc l JOIN b ON l.repo = b.repo AND l.month = b.last_month
    GROUP BY l.repo
),
ev AS (
    SELECT e.repo,
           SUM(CASE WHEN c.in_12m THEN e.commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN c.in_12m THEN e.merges ELSE 0 END) AS merges_12m,
           SUM(CASE WHEN c.in_12m THEN e.mainline_changes ELSE 0 END) AS changes_12m,
           SUM(CASE WHEN c.in_12m THEN e.reviewed_changes ELSE 0 END) AS reviewed_12m,
           SUM(CASE WHEN c.in_12m THEN e.review_trailer ELSE 0 END) AS by_trailer_12m,
           SUM(CASE WHEN c.in_12m THEN e.review_pr_ref + e.review_pr_subject + e.review_pr_merge
                    ELSE 0 END) AS by_pr_12m,
           SUM(CASE WHEN c.in_12m THEN e.review_other_merger ELSE 0 END) AS by_merger_12m,
           SUM(CASE WHEN c.in_12m THEN e.pr_merges ELSE 0 END) AS pr_merges_12m,
           SUM(e.reviewed_changes) AS review_evidence_ever,
           SUM(e.own_advisory_commits) AS own_advisory,
           SUM(CASE WHEN c.in_24m THEN e.fuzz_credited_commits ELSE 0 END) AS fuzz_credits_24m
    FROM evidence e JOIN calendar c ON e.month = c.month
    WHERE c.months_before_now >= 0
    GROUP BY e.repo
),
rel AS (
    SELECT r.repo,
           SUM(CASE WHEN c.in_12m THEN 1 ELSE 0 END) AS releases_12m,
           COUNT(*) AS releases_all
    FROM releases r JOIN calendar c ON r.month = c.month
    WHERE NOT r.prerelease AND r.main_line AND c.months_before_now >= 0
    GROUP BY r.repo
),
adv_years AS (
    -- The distinct years whose own-code commits cite advisories: a recurring response.
    SELECT e.repo, COUNT(DISTINCT SUBSTR(e.month, 1, 4)) AS years
    FROM evidence e JOIN calendar c ON e.month = c.month
    WHERE c.months_before_now >= 0 AND e.own_advisory_commits > 0
    GROUP BY e.repo
),
pr AS (
    -- A practice counts when the snapshot of the last month at or before now shows it.
    SELECT s.repo,
           MAX(CASE WHEN s.practice = 'security_policy' THEN 1 ELSE 0 END) AS security_policy,
           MAX(CASE WHEN s.practice = 'fuzzing' THEN 1 ELSE 0 END) AS fuzzing
    FROM practices s JOIN b ON s.repo = b.repo
    WHERE s.first_month <= b.last_month AND s.last_month >= b.last_month
    GROUP BY s.repo
),
conc AS (
    -- The largest organisation's share of the human commits of the 24 months ending with the
    -- last commit (individuals are people, not an organisation); 0 when only individuals.
    SELECT repo,
           MAX(CASE WHEN organisation NOT IN ('(individuals)', '(other organisations)')
                    THEN share ELSE 0.0 END) AS top_org_share
    FROM organisations GROUP BY repo
),
top_org AS (
    SELECT o.repo, MIN(o.organisation) AS top_org
    FROM organisations o JOIN conc c ON o.repo = c.repo AND o.share = c.top_org_share
    WHERE o.organisation NOT IN ('(individuals)', '(other organisations)')
    GROUP BY o.repo
),
problems AS (
    -- The project's own history only: what a clone lacks (missing, corrupt objects, a shallow
    -- boundary) is a caveat on the figures, printed with the data-quality notes.
    SELECT repo,
           SUM(CASE WHEN count > 0 AND kind IN ('implausible_date', 'recommitted_history')
                    THEN 1 ELSE 0 END) AS kinds
    FROM data_quality GROUP BY repo
),
f AS (
    SELECT b.repo,
           CAST(b.months_since_inception + 1 AS DOUBLE) / 12 AS age_years,
           b.months_since_last_commit,
           b.commits_12m, b.commits_prior_12m, last.contributors_12m,
           last.pony_factor_24m, last.bus_factor,
           last.median_line_age_days / 365.25 AS median_age_years,
           COALESCE(rel.releases_12m, 0) AS releases_12m, COALESCE(rel.releases_all, 0) AS releases_all,
           ev.commits_12m AS ev_commits_12m, ev.merges_12m, ev.reviewed_12m, ev.pr_merges_12m,
           ev.changes_12m, ev.by_trailer_12m, ev.by_pr_12m, ev.by_merger_12m,
           COALESCE(ev.review_evidence_ever, 0) AS review_evidence_ever,
           COALESCE(ev.own_advisory, 0) AS own_advisory,
           COALESCE(pr.security_policy, 0) AS security_policy, COALESCE(pr.fuzzing, 0) AS fuzzing,
           COALESCE(adv_years.years, 0) AS advisory_years,
           COALESCE(ev.fuzz_credits_24m, 0) AS fuzz_credits_24m,
           CASE WHEN code.own > 0 THEN CAST(code.test AS DOUBLE) / code.own END AS test_to_code,
           CASE WHEN code.all_code > 0 THEN CAST(code.vendored AS DOUBLE) / code.all_code END
               AS vendored_share,
           COALESCE(problems.kinds, 0) AS problem_kinds,
           conc.top_org_share, top_org.top_org
    FROM b
    JOIN last ON b.repo = last.repo
    LEFT JOIN code ON b.repo = code.repo
    LEFT JOIN ev ON b.repo = ev.repo
    LEFT JOIN rel ON b.repo = rel.repo
    LEFT JOIN pr ON b.repo = pr.repo
    LEFT JOIN adv_years ON b.repo = adv_years.repo
    LEFT JOIN problems ON b.repo = problems.repo
    LEFT JOIN conc ON b.repo = conc.repo
    LEFT JOIN top_org ON b.repo = top_org.repo
),
r AS (
    SELECT *,
           CASE WHEN changes_12m > 0 THEN CAST(reviewed_12m AS DOUBLE) / changes_12m ELSE 0.0 END
               AS review_share,
           CASE WHEN by_pr_12m >= by_trailer_12m AND by_pr_12m >= by_merger_12m THEN 'pull requests'
                WHEN by_trailer_12m >= by_merger_12m THEN 'review trailers'
                ELSE 'merges by another person' END AS review_by
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
           'criticality_score created_since' AS definition,
           TRUE AS measured
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
           'criticality_score updated_since' AS definition,
           TRUE AS measured
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
           'criticality_score commit_frequency' AS definition,
           TRUE AS measured
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
           'CHAOSS Activity Dates and Times' AS definition,
           TRUE AS measured
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
           'CHAOSS Contributors; criticality_score contributor_count' AS definition,
           TRUE AS measured
    FROM r
    UNION ALL
    SELECT repo AS repo,
           6 AS ord,
           'pony_factor' AS factor,
           CAST(pony_factor_24m AS DOUBLE) AS value,
           CAST(pony_factor_24m AS VARCHAR) || CASE WHEN pony_factor_24m = 1 THEN ' person makes' ELSE ' people make' END
                || ' half the commits of 24 months' AS shown,
           '5 x min(pony_factor_24m / 10, 1)' AS rule,
           5.0 AS max_points,
           CASE WHEN pony_factor_24m IS NULL THEN 0.0
                ELSE 5 * LEAST(CAST(pony_factor_24m AS DOUBLE) / 10, 1.0) END AS points,
           'CHAOSS Bus Factor (commits)' AS definition,
           pony_factor_24m IS NOT NULL AS measured
    FROM r
    UNION ALL
    SELECT repo AS repo,
           7 AS ord,
           'bus_factor' AS factor,
           CAST(bus_factor AS DOUBLE) AS value,
           CASE WHEN bus_factor IS NULL THEN 'line age not mined'
                ELSE CAST(bus_factor AS VARCHAR) || CASE WHEN bus_factor = 1 THEN ' person wrote' ELSE ' people wrote' END
                     || ' half the own lines now' END AS shown,
           '5 x min(bus_factor / 10, 1)' AS rule,
           5.0 AS max_points,
           CASE WHEN bus_factor IS NULL THEN 0.0
                ELSE 5 * LEAST(CAST(bus_factor AS DOUBLE) / 10, 1.0) END AS points,
           'Truck factor (Avelino et al., by line ownership)' AS definition,
           bus_factor IS NOT NULL AS measured
    FROM r
    UNION ALL
    SELECT repo AS repo,
           8 AS ord,
           'releases' AS factor,
           CAST(releases_12m AS DOUBLE) AS value,
           CASE WHEN releases_all = 0 THEN 'no release tags in git: not measured'
                ELSE CAST(releases_12m AS VARCHAR) || ' final releases in the last 12 months' END AS shown,
           '10 x min(ln(1 + final_releases_12m) / ln(25), 1)' AS rule,
           10.0 AS max_points,
           10 * LEAST(LN(1 + releases_12m) / LN(25), 1.0) AS points,
           'criticality_score recent_releases_count' AS definition,
           releases_all > 0 AS measured
    FROM r
    UNION ALL
    SELECT repo AS repo,
           9 AS ord,
           'review' AS factor,
           review_share AS value,
           CASE WHEN changes_12m IS NULL OR changes_12m = 0 THEN 'no changes in the last 12 months'
                WHEN review_evidence_ever = 0 THEN 'no trace of review in git: not measured'
                WHEN reviewed_12m = 0 THEN 'none in the last 12 months'
                ELSE CAST(CAST(ROUND(100 * review_share, 0) AS INT) AS VARCHAR)
                     || ' % of main-line changes show review, ' || CAST(reviewed_12m AS VARCHAR)
                     || ' of ' || CAST(changes_12m AS VARCHAR) || ', mostly ' || review_by END AS shown,
           '10 x reviewed / main-line changes, last 12 months' AS rule,
           10.0 AS max_points,
           10 * review_share AS points,
           'OpenSSF Scorecard Code-Review; CHAOSS Change Request Reviews' AS definition,
           review_evidence_ever > 0 AND changes_12m > 0 AS measured
    FROM r
    UNION ALL
    SELECT repo AS repo,
           10 AS ord,
           'security' AS factor,
           CAST(own_advisory AS DOUBLE) AS value,
           CAST(own_advisory AS VARCHAR) || ' own advisory-referencing commits; security process: '
               || CASE WHEN security_policy = 1 THEN 'policy file'
                       WHEN advisory_years >= 3
                       THEN 'advisories cited in ' || CAST(advisory_years AS VARCHAR) || ' years'
                       ELSE 'none seen' END
               || '; fuzzing: '
               || CASE WHEN fuzzing = 1 THEN 'fuzz targets'
                       WHEN fuzz_credits_24m > 0
                       THEN CAST(fuzz_credits_24m AS VARCHAR) || ' fixes credit a fuzzer (24 months)'
                       ELSE 'none seen' END AS shown,
           '4 if own advisory commits + 2 security process + 2 fuzzing' AS rule,
           8.0 AS max_points,
           CASE WHEN own_advisory > 0 THEN 4.0 ELSE 0.0 END
               + CASE WHEN security_policy = 1 OR advisory_years >= 3 THEN 2.0 ELSE 0.0 END
               + CASE WHEN fuzzing = 1 OR fuzz_credits_24m > 0 THEN 2.0 ELSE 0.0 END AS points,
           'OpenSSF Scorecard Security-Policy, Fuzzing' AS definition,
           TRUE AS measured
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
           '' AS definition,
           test_to_code IS NOT NULL AS measured
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
           '' AS definition,
           median_age_years IS NOT NULL AS measured
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
           '' AS definition,
           vendored_share IS NOT NULL AS measured
    FROM r
    UNION ALL
    SELECT repo AS repo,
           14 AS ord,
           'data_quality' AS factor,
           CAST(problem_kinds AS DOUBLE) AS value,
           CAST(problem_kinds AS VARCHAR) || ' kinds of problem in the history' AS shown,
           '4 - 1 per kind of problem in the history, at least 0' AS rule,
           4.0 AS max_points,
           CAST(GREATEST(4 - problem_kinds, 0) AS DOUBLE) AS points,
           '' AS definition,
           TRUE AS measured
    FROM r

    UNION ALL
    SELECT repo AS repo,
           15 AS ord,
           'concentration' AS factor,
           top_org_share AS value,
           CASE WHEN top_org_share IS NULL THEN 'no human commits in 24 months: not measured'
                WHEN top_org IS NULL THEN 'no organisation: every commit is an individual''s'
                ELSE 'largest organisation ' || top_org || ' ' || CAST(CAST(ROUND(100 * top_org_share, 0) AS INT) AS VARCHAR)
                     || ' % of human commits in 24 months' END AS shown,
           '5 x clamp((0.9 - top_org_share) / 0.6, 0, 1)' AS rule,
           5.0 AS max_points,
           5 * GREATEST(LEAST((0.9 - COALESCE(top_org_share, 0.0)) / 0.6, 1.0), 0.0) AS points,
           'CHAOSS Organizational Diversity; Elephant Factor' AS definition,
           top_org_share IS NOT NULL AS measured
    FROM r
),
keyed AS (
    SELECT repo, factor, shown, ord,
           ROUND((1 - points / max_points) * 1000, 6) * 1000 + 100 - max_points AS best_key,
           ROUND(points / max_points * 1000, 6) * 1000 + 100 - max_points AS worst_key
    FROM factors
    WHERE measured
),
ranked AS (
    SELECT repo, factor, shown,
           -- The factor in words, for the why-sentence.
           CASE factor WHEN 'history' THEN 'history'
                       WHEN 'recency' THEN 'recent commits'
                       WHEN 'activity' THEN 'activity'
                       WHEN 'trend' THEN 'trend'
                       WHEN 'team' THEN 'team size'
                       WHEN 'pony_factor' THEN 'spread of commits'
                       WHEN 'bus_factor' THEN 'spread of code ownership'
                       WHEN 'releases' THEN 'releases'
                       WHEN 'review' THEN 'review'
                       WHEN 'security' THEN 'security'
                       WHEN 'tests' THEN 'tests'
                       WHEN 'code_age' THEN 'code age'
                       WHEN 'vendored' THEN 'vendored code'
                       WHEN 'data_quality' THEN 'data quality'
                       WHEN 'concentration' THEN 'organisations'
                       ELSE factor END AS label,
           ROW_NUMBER() OVER (PARTITION BY repo ORDER BY best_key, ord) AS best,
           ROW_NUMBER() OVER (PARTITION BY repo ORDER BY worst_key, ord) AS worst
    FROM keyed
),
totals AS (
    SELECT fa.repo,
           SUM(CASE WHEN fa.measured THEN fa.points ELSE 0.0 END) AS got,
           SUM(CASE WHEN fa.measured THEN fa.max_points ELSE 0.0 END) AS possible,
           SUM(CASE WHEN fa.measured THEN 1 ELSE 0 END) AS measured_factors,
           COUNT(*) AS factors,
           MAX(r.months_since_last_commit) AS silent,
           MAX(r.age_years) AS age_years
    FROM factors fa JOIN r ON fa.repo = r.repo GROUP BY fa.repo
),
score AS (
    SELECT repo, 100 * got / possible AS total, possible, measured_factors, factors, silent,
           age_years
    FROM totals
),
why AS (
    SELECT s.repo, 'Strongest: ' || s.label || ', ' || s.shown || '. Weakest: ' || w.label
           || ', ' || w.shown || '.' AS why
    FROM ranked s JOIN ranked w ON s.repo = w.repo
    WHERE s.best = 1 AND w.worst = 1
),
scored AS (
    SELECT repo, ord, factor, CASE WHEN measured THEN value END AS value, shown, rule,
           CASE WHEN measured THEN points END AS points, max_points, measured, definition,
           '' AS coverage, '' AS why
    FROM factors
    UNION ALL
    SELECT t.repo AS repo, 99 AS ord, 'score' AS factor, t.total AS value,
           CASE WHEN t.silent >= 12 THEN 'dormant'
                WHEN t.total >= 75 AND t.age_years >= 5 THEN 'battle-hardened'
                WHEN t.total >= 55 THEN 'maturing'
                ELSE 'young or at risk' END AS shown,
           '100 x points / the most the measured factors can give; dormant when silent for 12 months; battle-hardened needs 5 years' AS rule,
           t.total AS points, 100.0 AS max_points, TRUE AS measured, '' AS definition,
           CAST(t.measured_factors AS VARCHAR) || ' of ' || CAST(t.factors AS VARCHAR)
               || ' factors measured' AS coverage,
           why.why AS why
    FROM score t JOIN why ON t.repo = why.repo
)
SELECT repo, factor, value, shown, points, max_points, measured, rule, definition, coverage, why
FROM scored
ORDER BY repo, ord
