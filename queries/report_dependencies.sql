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
-- dataset has no commits table and leaves it empty). Its verdict and score are the
-- dependency's own, from the maturity query, added by the report.
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
last_commit AS (
    SELECT repo, MAX(month) AS last_commit_month FROM activity WHERE commits > 0 GROUP BY repo
),
one AS (
    SELECT d.repo, d.dependency, d.name, d.version, d.direct, d.vendored,
           COALESCE(pin.tag, 'not a release') AS pinned_release,
           l.tag AS latest_release,
           b.releases_behind,
           CAST((CAST(l.date AS BIGINT) - CAST(pin.pinned_date AS BIGINT)) / 86400000 AS BIGINT)
               AS days_behind,
           f.advisory_commits
    FROM d
    LEFT JOIN pin ON pin.repo = d.repo AND pin.dependency = d.dependency AND pin.name = d.name
    LEFT JOIN (SELECT * FROM latest WHERE rn = 1) l ON l.repo = d.dependency AND l.line = pin.line
    LEFT JOIN behind b ON b.repo = d.repo AND b.dependency = d.dependency AND b.name = d.name
    LEFT JOIN fixes f ON f.repo = d.repo AND f.dependency = d.dependency AND f.name = d.name
)
SELECT one.repo, one.dependency, one.name AS module, one.version, one.direct, one.vendored,
       one.pinned_release, one.latest_release, one.releases_behind, one.days_behind,
       one.advisory_commits AS advisory_commits_after_pin, lc.last_commit_month
FROM one LEFT JOIN last_commit lc ON lc.repo = one.dependency
-- By risk: the dependency silent longest first, then the pin furthest behind.
ORDER BY one.repo, lc.last_commit_month, one.days_behind DESC, one.dependency, one.name
