-- Per repository: the scorecard the report opens with (one column per project there). "Now" and
-- the windows are the `calendar` table's (one for every query: the month of the newest data, or
-- report --as-of); nothing after now counts. Own code is class 'code' at the last snapshot at or
-- before now; vendored_share is vendored lines over all code lines, test_to_code test
-- lines per own code line, comment_share own code's comment lines over its code and comment
-- lines (Open Hub's comments factoid). commits_per_month_12m averages the 12 months (months
-- without commits count as 0; a project younger than a year, the months since its first);
-- commits_trend_yoy compares them with the 12 before (-0.13 is 13 %
-- fewer); bot_share_12m is the share of those commits made by bots (the bot rule of `analyze`).
-- contributors_12m, pony, elephant (organisations, an individual counting as one) and bus
-- factors are activity's figures at the last month with commits (contributors: 0 when that month
-- is before the window); top_organisations_24m names the three organisations with most human
-- commits in the 24 months ending with the last commit (of at least 0.5 %), with their shares, and
-- the share of the
-- individuals (people on personal mail or alone on their domain: see `organisations`, never
-- hidden).
-- Red flags, each with its rule: one author makes half the commits (of the last 24
-- months), dormant (no commit for 12 months), declining (commits fell by more than a third year
-- over year), recent vendored import (an import of 5,000 lines or more in the last 12 months, as
-- findings_vendored.sql), history recommitted in bulk (data_quality's recommitted_history: an imported or rewritten history,
-- whose code age and new code in the recommit month measure the recommit), no release tags.
-- licence is the licence of the root's licence files at now (`licences`: the latest period that
-- began by then), with the month and commit of its last change and what it replaced when it
-- replaced another licence (a relicensing is news; adding the first licence file is not); a
-- licence file whose text matches no SPDX licence is "not recognised", never called a change.
-- dependencies counts what the project declares at its tip (`dependencies`: go.mod, Cargo.lock,
-- package-lock.json; direct ones apart) and, of the dependency repositories mined beside it
-- (as report_dependencies.sql finds them), how many are dormant (no commit in the 12 months to
-- now) and how many are pinned to a release a year or more older than their latest; and the
-- distinct repositories the vendored ones come from (a module without a known repository counts
-- as its own), and how many of the dormant ones the project vendors: "72 % of moby's code is
-- vendored from N repositories, K of them dormant" (the narrative says it).
-- unreadable_objects (objects the clone lacks or cannot read) is a caveat on the figures, not a
-- flag on the project: the report prints it with the data-quality notes.
WITH m AS (
    SELECT a.repo, a.month, a.commits, a.bot_commits, a.contributors_12m, a.pony_factor_24m,
           a.elephant_factor_24m, a.bus_factor, c.months_before_now, c.in_12m, c.in_prior_12m
    FROM activity a JOIN calendar c ON a.month = c.month
    WHERE c.months_before_now >= 0
),
b AS (
    SELECT repo, MIN(month) AS inception, MAX(month) AS last_month,
           MAX(months_before_now) AS months_since_inception,
           MIN(months_before_now) AS months_since_last_commit,
           SUM(CASE WHEN in_12m THEN commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN in_12m THEN bot_commits ELSE 0 END) AS bot_commits_12m,
           SUM(CASE WHEN in_prior_12m THEN commits ELSE 0 END) AS commits_prior_12m
    FROM m GROUP BY repo
),
last AS (
    SELECT m.repo, m.pony_factor_24m, m.elephant_factor_24m, m.bus_factor,
           CASE WHEN m.in_12m THEN m.contributors_12m ELSE 0 END AS contributors_12m
    FROM m JOIN b ON m.repo = b.repo AND m.month = b.last_month
),
code AS (
    SELECT l.repo,
           SUM(CASE WHEN l.class = 'code' THEN l.code ELSE 0 END) AS own,
           SUM(CASE WHEN l.class = 'vendored' THEN l.code ELSE 0 END) AS vendored,
           SUM(CASE WHEN l.class = 'test' THEN l.code ELSE 0 END) AS test,
           SUM(CASE WHEN l.class = 'code' THEN l.comments ELSE 0 END) AS own_comments,
           SUM(l.code) AS all_code
    FROM loc l JOIN b ON l.repo = b.repo AND l.month = b.last_month
    GROUP BY l.repo
),
lang AS (
    SELECT l.repo, l.language, l.code,
           ROW_NUMBER() OVER (PARTITION BY l.repo ORDER BY l.code DESC, l.language DESC) AS rn
    FROM loc l JOIN b ON l.repo = b.repo AND l.month = b.last_month
    WHERE l.language <> 'Unrecognised' AND l.code > 0 AND l.class = 'code'
),
leader AS (
    SELECT repo, language, code FROM lang WHERE rn = 1
),
rel AS (
    SELECT r.repo, MAX(r.month) AS last_release_month,
           MIN(c.months_before_now) AS months_since_last_release
    FROM releases r JOIN calendar c ON r.month = c.month
    WHERE NOT r.prerelease AND r.main_line AND c.months_before_now >= 0
    GROUP BY r.repo
),
adv AS (
    SELECT e.repo, SUM(e.own_advisory_commits) AS own_advisory_commits,
           SUM(e.dependency_advisory_commits) AS dependency_advisory_commits
    FROM evidence e JOIN calendar c ON e.month = c.month
    WHERE c.months_before_now >= 0
    GROUP BY e.repo
),
imports AS (
    SELECT v.repo, COUNT(*) AS recent_imports
    FROM (SELECT repo, month, package, SUM(lines_added) AS added, SUM(lines_removed) AS removed
          FROM vendored_changes GROUP BY repo, month, package) v
    JOIN calendar c ON v.month = c.month
    WHERE v.added + v.removed >= 5000 AND v.added > 2 * v.removed AND c.in_12m
    GROUP BY v.repo
),
org AS (
    -- Named organisations first, most commits first; the individuals last, always shown.
    SELECT repo, organisation, share,
           CASE WHEN organisation = '(individuals)' THEN 1 ELSE 0 END AS individuals,
           0 - commits AS fewer
    FROM organisations WHERE organisation <> '(other organisations)'
),
org_ranked AS (
    SELECT repo, organisation, share,
           ROW_NUMBER() OVER (PARTITION BY repo ORDER BY individuals, fewer, organisation) AS rn
    FROM org WHERE individuals = 0 AND share >= 0.005
),
org_text AS (
    SELECT repo, organisation || ' ' || CAST(CAST(ROUND(100 * share, 0) AS INT) AS VARCHAR) || ' %'
               AS shown, rn
    FROM org_ranked
),
people AS (
    SELECT repo, 'individuals ' || CAST(CAST(ROUND(100 * share, 0) AS INT) AS VARCHAR) || ' %'
               AS shown
    FROM org WHERE individuals = 1
),
top_orgs AS (
    SELECT r.repo,
           CONCAT_WS(', ', o1.shown, o2.shown, o3.shown, p.shown) AS top_organisations_24m
    FROM (SELECT DISTINCT repo FROM organisations) r
    LEFT JOIN (SELECT * FROM org_text WHERE rn = 1) o1 ON r.repo = o1.repo
    LEFT JOIN (SELECT * FROM org_text WHERE rn = 2) o2 ON r.repo = o2.repo
    LEFT JOIN (SELECT * FROM org_text WHERE rn = 3) o3 ON r.repo = o3.repo
    LEFT JOIN people p ON r.repo = p.repo
),
lic AS (
    SELECT l.repo, l.licence, l.first_month, l.commit,
           ROW_NUMBER() OVER (PARTITION BY l.repo ORDER BY l.first_month DESC, l.date DESC) AS rn
    FROM licences l JOIN calendar c ON l.first_month = c.month
    WHERE c.months_before_now >= 0
),
lic_text AS (
    SELECT lic_now.repo,
           CASE WHEN lic_now.licence = 'unknown'
                THEN 'not recognised since ' || lic_now.first_month || ' (' || SUBSTR(lic_now.commit, 1, 10)
                     || COALESCE('; before: ' || lic_before.licence, '') || ')'
                WHEN lic_before.licence IS NULL OR lic_before.licence = 'none' THEN lic_now.licence
                ELSE lic_now.licence || ' since ' || lic_now.first_month || ' (' || SUBSTR(lic_now.commit, 1, 10)
                     || '; before: ' || lic_before.licence || ')' END AS licence
    FROM (SELECT * FROM lic WHERE rn = 1) lic_now
    LEFT JOIN (SELECT * FROM lic WHERE rn = 2) lic_before ON lic_now.repo = lic_before.repo
),
declared AS (
    SELECT repo, COUNT(*) AS declared, SUM(CASE WHEN direct THEN 1 ELSE 0 END) AS direct,
           COUNT(DISTINCT CASE WHEN vendored THEN COALESCE(project, name) END) AS vendored_from
    FROM dependencies GROUP BY repo
),
dep AS (
    SELECT d.repo, d.version, d.line, d.vendored, p.repo AS dependency
    FROM dependencies d JOIN provenance p ON d.project = p.repo
    WHERE d.repo <> p.repo
    UNION
    SELECT d.repo, d.version, d.line, d.vendored, p.repo AS dependency
    FROM dependencies d JOIN provenance p ON d.repository = p.source
    WHERE d.repo <> p.repo
),
dep_last AS (
    SELECT a.repo, MIN(c.months_before_now) AS silent_months
    FROM activity a JOIN calendar c ON a.month = c.month
    WHERE a.commits > 0 AND c.months_before_now >= 0
    GROUP BY a.repo
),
dep_pin AS (
    SELECT dep.repo, dep.dependency, MAX(r.date) AS pinned_date, MIN(r.line) AS line
    FROM dep JOIN releases r ON r.repo = dep.dependency AND r.line = dep.line
    WHERE r.tag = dep.version OR r.tag = dep.line || '/' || dep.version
    GROUP BY dep.repo, dep.dependency
),
dep_latest AS (
    SELECT repo, line, MAX(date) AS latest_date FROM releases WHERE NOT prerelease
    GROUP BY repo, line
),
dep_lag AS (
    SELECT p.repo, p.dependency,
           (CAST(l.latest_date AS BIGINT) - CAST(p.pinned_date AS BIGINT)) / 86400000 AS days
    FROM dep_pin p JOIN dep_latest l ON l.repo = p.dependency AND l.line = p.line
),
deps AS (
    SELECT dep_pairs.repo, COUNT(*) AS mined,
           SUM(CASE WHEN dl.silent_months IS NULL OR dl.silent_months >= 12 THEN 1 ELSE 0 END)
               AS dormant,
           SUM(CASE WHEN dep_pairs.vendored = 1
                         AND (dl.silent_months IS NULL OR dl.silent_months >= 12)
                    THEN 1 ELSE 0 END) AS vendored_dormant,
           SUM(CASE WHEN dep_days.days >= 365 THEN 1 ELSE 0 END) AS lagging
    FROM (SELECT repo, dependency, MAX(CASE WHEN vendored THEN 1 ELSE 0 END) AS vendored
          FROM dep GROUP BY repo, dependency) dep_pairs
    LEFT JOIN dep_last dl ON dl.repo = dep_pairs.dependency
    LEFT JOIN (SELECT repo, dependency, MAX(days) AS days FROM dep_lag GROUP BY repo, dependency)
        dep_days ON dep_days.repo = dep_pairs.repo AND dep_days.dependency = dep_pairs.dependency
    GROUP BY dep_pairs.repo
),
deps_text AS (
    SELECT d.repo,
           CAST(d.declared AS VARCHAR) || ' declared (' || CAST(d.direct AS VARCHAR) || ' direct'
           || CASE WHEN d.vendored_from > 0
                   THEN ', vendored from ' || CAST(d.vendored_from AS VARCHAR) || ' repositories'
                   ELSE '' END
           || '); '
           || CASE WHEN dm.mined IS NULL THEN 'none mined beside it'
                   ELSE CAST(dm.mined AS VARCHAR)
                        || CASE WHEN dm.mined = 1 THEN ' repository' ELSE ' repositories' END
                        || ' mined: '
                        || CAST(dm.dormant AS VARCHAR) || ' dormant'
                        || CASE WHEN dm.vendored_dormant > 0
                                THEN ' (' || CAST(dm.vendored_dormant AS VARCHAR) || ' vendored)'
                                ELSE '' END
                        || ', '
                        || CAST(COALESCE(dm.lagging, 0) AS VARCHAR) || ' pinned a year or more behind'
              END AS dependencies
    FROM declared d LEFT JOIN deps dm ON d.repo = dm.repo
),
dq AS (
    SELECT repo, SUM(CASE WHEN kind IN ('missing_object', 'corrupt_object') THEN count ELSE 0 END)
               AS unreadable,
           SUM(CASE WHEN kind = 'recommitted_history' THEN count ELSE 0 END) AS recommitted
    FROM data_quality GROUP BY repo
),
s AS (
    SELECT b.repo, b.inception,
           CAST(b.months_since_inception + 1 AS DOUBLE) / 12 AS age_years,
           b.months_since_last_commit,
           rel.last_release_month, rel.months_since_last_release,
           code.own AS own_code,
           leader.language AS main_language,
           CASE WHEN code.own > 0 THEN CAST(leader.code AS DOUBLE) / code.own END
               AS main_language_share,
           CASE WHEN code.all_code > 0 THEN CAST(code.vendored AS DOUBLE) / code.all_code END
               AS vendored_share,
           CASE WHEN code.own > 0 THEN CAST(code.test AS DOUBLE) / code.own END AS test_to_code,
           CASE WHEN code.own + code.own_comments > 0
                THEN CAST(code.own_comments AS DOUBLE) / (code.own + code.own_comments) END
               AS comment_share,
           CAST(b.commits_12m AS DOUBLE) / LEAST(b.months_since_inception + 1, 12)
               AS commits_per_month_12m,
           CASE WHEN b.commits_12m > 0 THEN CAST(b.bot_commits_12m AS DOUBLE) / b.commits_12m END
               AS bot_share_12m,
           CASE WHEN b.commits_prior_12m > 0
                THEN CAST(b.commits_12m AS DOUBLE) / b.commits_prior_12m - 1 END AS commits_trend_yoy,
           last.contributors_12m, last.bus_factor, last.pony_factor_24m, last.elephant_factor_24m,
           top_orgs.top_organisations_24m,
           lic_text.licence,
           deps_text.dependencies,
           declared.vendored_from AS vendored_repositories,
           deps.vendored_dormant AS vendored_repositories_dormant,
           COALESCE(adv.own_advisory_commits, 0) AS own_advisory_commits,
           COALESCE(adv.dependency_advisory_commits, 0) AS dependency_advisory_commits,
           COALESCE(imports.recent_imports, 0) AS recent_imports,
           COALESCE(dq.unreadable, 0) AS unreadable_objects,
           COALESCE(dq.recommitted, 0) AS recommitted_commits
    FROM b
    JOIN last ON b.repo = last.repo
    LEFT JOIN code ON b.repo = code.repo
    LEFT JOIN leader ON b.repo = leader.repo
    LEFT JOIN rel ON b.repo = rel.repo
    LEFT JOIN adv ON b.repo = adv.repo
    LEFT JOIN imports ON b.repo = imports.repo
    LEFT JOIN dq ON b.repo = dq.repo
    LEFT JOIN top_orgs ON b.repo = top_orgs.repo
    LEFT JOIN lic_text ON b.repo = lic_text.repo
    LEFT JOIN deps_text ON b.repo = deps_text.repo
    LEFT JOIN declared ON b.repo = declared.repo
    LEFT JOIN deps ON b.repo = deps.repo
)
SELECT repo, inception, age_years, months_since_last_commit, last_release_month,
       months_since_last_release, own_code, main_language, main_language_share, vendored_share,
       test_to_code, comment_share, commits_per_month_12m, commits_trend_yoy, bot_share_12m,
       contributors_12m, bus_factor,
       pony_factor_24m, elephant_factor_24m, top_organisations_24m, licence, dependencies, vendored_repositories,
       vendored_repositories_dormant,
       own_advisory_commits, dependency_advisory_commits,
       unreadable_objects,
       CONCAT_WS(', ',
           CASE WHEN pony_factor_24m <= 1 THEN 'one author makes half the commits' END,
           CASE WHEN months_since_last_commit >= 12 THEN 'dormant' END,
           CASE WHEN commits_trend_yoy < -0.34 THEN 'declining activity' END,
           CASE WHEN recent_imports > 0 THEN 'recent vendored import' END,
           CASE WHEN recommitted_commits > 0 THEN 'history recommitted in bulk' END,
           CASE WHEN last_release_month IS NULL THEN 'no release tags' END) AS red_flags
FROM s
ORDER BY repo
