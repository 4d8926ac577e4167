-- Per project and each dependency mined beside it: a stored project named as `temper deps
-- --config-out` names the dependency's repository (`dependencies.project`), or whose source is
-- that repository. One row per dependency (several Go modules of one repository, as
-- github.com/moby/sys/*, are a row each: each has its own releases). For the pin: the release
-- whose tag is the pinned version (`v0.17.3`, or `LINE/v0.7.2` for a Go module in a
-- subdirectory), the dependency's latest final release on that release's line, and how many
-- final releases and days the pin is behind it; `not a release` when no tag is the version (a
-- pseudo-version or a branch). advisory_commits_after_pin counts the dependency's commits
-- committed after the pinned release that name an advisory id (CVE, GHSA, ...): fixes, or work
-- about an advisory (containerd/console's "ci: cap GITHUB_TOKEN" names CVE-2025-30066), the
-- project's pin does not have yet; read them before upgrading (from `commits`, so a store: a
-- dataset has no commits table and leaves it empty). elephant_factor_24m and top_organisation
-- say how concentrated its work is (activity's fewest organisations behind half its commits of
-- 24 months, at its last month with commits; its largest organisation's share of them,
-- individuals aside). licence is its licence now (`licences`); licence_changed names the one
-- its pinned release had when that differs (a relicensing since the pin, which an upgrade
-- brings in). Its verdict, score and coverage are the dependency's own, from the maturity
-- query, added by the report.
WITH d AS (
    SELECT d.repo, d.name, d.version, d.line, d.direct, d.vendored, p.repo AS dependency
    FROM dependencies d JOIN provenance p ON d.project = p.repo
    WHERE d.repo <> p.repo
    UNION
    SELECT d.repo, d.name, d.version, d.line, d.direct, d.vendored, p.repo AS dependency
    FROM dependencies d JOIN provenance p ON d.repository = p.source
    WHERE d.repo <> p.repo
),
pin AS (
    SELECT d.repo, d.dependency, d.name, d.version, r.tag, r.line, r.date AS pinned_date
    FROM d JOIN releases r ON r.repo = d.dependency AND r.line = d.line
    WHERE r.tag = d.version OR r.tag = d.line || '/' || d.version
),
latest AS (
    SELECT repo, line, tag, date,
           ROW_NUMBER() OVER (PARTITION BY repo, line ORDER BY date DESC, tag DESC) AS rn
    FROM releases WHERE NOT prerelease
),
behind AS (
    SELECT pin.repo, pin.dependency, pin.name,
           SUM(CASE WHEN r.date > pin.pinned_date THEN 1 ELSE 0 END) AS releases_behind
    FROM pin JOIN releases r ON r.repo = pin.dependency AND r.line = pin.line
    WHERE NOT r.prerelease
    GROUP BY pin.repo, pin.dependency, pin.name
),
fixes AS (
    SELECT pin.repo, pin.dependency, pin.name, COUNT(*) AS advisory_commits
    FROM pin JOIN commits c ON c.repo = pin.dependency
    WHERE c.advisories <> '' AND c.committer_time > pin.pinned_date
    GROUP BY pin.repo, pin.dependency, pin.name
),
lic AS (
    SELECT l.repo, l.licence, l.date,
           ROW_NUMBER() OVER (PARTITION BY l.repo ORDER BY l.first_month DESC, l.date DESC) AS rn
    FROM licences l JOIN calendar c ON l.first_month = c.month
    WHERE c.months_before_now >= 0
),
lic_pin AS (
    SELECT pin.repo, pin.dependency, pin.name, l.licence,
           ROW_NUMBER() OVER (PARTITION BY pin.repo, pin.dependency, pin.name
                              ORDER BY l.date DESC) AS rn
    FROM pin JOIN licences l ON l.repo = pin.dependency AND l.date <= pin.pinned_date
),
last_commit AS (
    SELECT repo, MAX(month) AS last_commit_month FROM activity WHERE commits > 0 GROUP BY repo
),
concentration AS (
    SELECT a.repo, a.elephant_factor_24m
    FROM activity a JOIN last_commit lc ON a.repo = lc.repo AND a.month = lc.last_commit_month
),
top_org AS (
    SELECT repo, organisation || ' ' || CAST(CAST(ROUND(100 * share, 0) AS INT) AS VARCHAR) || ' %'
               AS top_organisation,
           ROW_NUMBER() OVER (PARTITION BY repo ORDER BY fewer, organisation) AS rn
    FROM (SELECT repo, organisation, share, 0 - commits AS fewer FROM organisations
          WHERE organisation NOT IN ('(individuals)', '(other organisations)')) dep_named
),
one AS (
    SELECT d.repo, d.dependency, d.name, d.version, d.direct, d.vendored,
           COALESCE(pin.tag, 'not a release') AS pinned_release,
           dep_latest.tag AS latest_release,
           b.releases_behind,
           CAST((CAST(dep_latest.date AS BIGINT) - CAST(pin.pinned_date AS BIGINT)) / 86400000 AS BIGINT)
               AS days_behind,
           f.advisory_commits,
           dep_lic_now.licence,
           CASE WHEN dep_lic_pin.licence IS NOT NULL AND dep_lic_pin.licence <> dep_lic_now.licence
                THEN dep_lic_pin.licence || ' at the pin' END AS licence_changed
    FROM d
    LEFT JOIN pin ON pin.repo = d.repo AND pin.dependency = d.dependency AND pin.name = d.name
    LEFT JOIN (SELECT * FROM latest WHERE rn = 1) dep_latest ON dep_latest.repo = d.dependency AND dep_latest.line = pin.line
    LEFT JOIN behind b ON b.repo = d.repo AND b.dependency = d.dependency AND b.name = d.name
    LEFT JOIN fixes f ON f.repo = d.repo AND f.dependency = d.dependency AND f.name = d.name
    LEFT JOIN (SELECT * FROM lic WHERE rn = 1) dep_lic_now ON dep_lic_now.repo = d.dependency
    LEFT JOIN (SELECT * FROM lic_pin WHERE rn = 1) dep_lic_pin
        ON dep_lic_pin.repo = d.repo AND dep_lic_pin.dependency = d.dependency
        AND dep_lic_pin.name = d.name
)
SELECT one.repo, one.dependency, one.name AS module, one.version, one.direct, one.vendored,
       one.pinned_release, one.latest_release, one.releases_behind, one.days_behind,
       one.advisory_commits AS advisory_commits_after_pin, one.licence, one.licence_changed,
       lc.last_commit_month, ce.elephant_factor_24m, dep_top.top_organisation
FROM one
LEFT JOIN last_commit lc ON lc.repo = one.dependency
LEFT JOIN concentration ce ON ce.repo = one.dependency
LEFT JOIN (SELECT * FROM top_org WHERE rn = 1) dep_top ON dep_top.repo = one.dependency
-- By risk: the dependency silent longest first, then the pin furthest behind.
ORDER BY one.repo, lc.last_commit_month, one.days_behind DESC, one.dependency, one.name
