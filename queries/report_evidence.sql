-- Per repository: hardening evidence over the 12 months ending with the as-of month
-- (provenance.as_of) and all time.
-- review_workflow says how changes are reviewed, as far as git can tell: 'trailers' when at
-- least half of the non-merge commits carry a Reviewed-by, Acked-by or Reviewed-on trailer (or a
-- Differential Revision line), 'pull requests' when at least half of the merges are GitHub or
-- GitLab pull-request merges, else 'no evidence in git' (squash and rebase merges leave no
-- trace: that is not the same as no review). Shares are of the window's commits; signed is a
-- gpgsig header, not verified. Advisory commits mention a CVE, GHSA or XSA id (they are not
-- vulnerabilities); 'dependency' ones update dependencies (subject says bump/update/vendor, or
-- only vendored or generated lines changed). Releases are final release tags (see `releases`),
-- on any maintenance line; the median gap is between consecutive final releases by date.
-- security_policy_since, ci_since and fuzzing_since are the first month whose snapshot shows
-- the practice (see `practices`; empty: never seen in the tree).
WITH e AS (
    SELECT *, CAST(SUBSTR(month, 1, 4) AS INT) * 12 + CAST(SUBSTR(month, 6, 2) AS INT) AS idx
    FROM evidence
),
b AS (
    SELECT repo, CAST(SUBSTR(as_of, 1, 4) AS INT) * 12 + CAST(SUBSTR(as_of, 6, 2) AS INT) AS last_idx
    FROM provenance
),
w AS (
    SELECT e.repo,
           SUM(e.commits) AS commits_12m, SUM(e.merges) AS merges_12m,
           SUM(e.reviewed_commits) AS reviewed_12m, SUM(e.pr_merges) AS pr_merges_12m,
           SUM(e.signed_commits) AS signed_12m,
           SUM(e.own_advisory_commits) AS own_advisory_commits_12m,
           SUM(e.dependency_advisory_commits) AS dependency_advisory_commits_12m,
           SUM(e.fix_commits) AS fix_commits_12m
    FROM e JOIN b ON e.repo = b.repo
    WHERE e.idx > b.last_idx - 12
    GROUP BY e.repo
),
t AS (
    SELECT repo, SUM(new_advisories) AS advisories_all_time,
           SUM(own_advisory_commits) AS own_advisory_commits_all_time
    FROM evidence GROUP BY repo
),
p AS (
    SELECT repo,
           MIN(CASE WHEN practice = 'security_policy' THEN first_month END)
               AS security_policy_since,
           MIN(CASE WHEN practice = 'ci' THEN first_month END) AS ci_since,
           MIN(CASE WHEN practice = 'fuzzing' THEN first_month END) AS fuzzing_since
    FROM practices GROUP BY repo
),
r AS (
    SELECT l.repo,
           COUNT(*) AS final_releases,
           SUM(CASE WHEN CAST(SUBSTR(l.month, 1, 4) AS INT) * 12
                         + CAST(SUBSTR(l.month, 6, 2) AS INT) > b.last_idx - 12
                    THEN 1 ELSE 0 END) AS releases_12m,
           MAX(l.month) AS last_release_month,
           SUM(CASE WHEN l.signed THEN 1 ELSE 0 END) AS signed_releases,
           MEDIAN(l.days_since_previous) AS median_days_between_releases
    FROM releases l JOIN b ON l.repo = b.repo
    WHERE NOT l.prerelease
    GROUP BY l.repo
)
SELECT w.repo,
       CASE WHEN w.commits_12m > 0 AND 2 * w.reviewed_12m >= w.commits_12m THEN 'trailers'
            WHEN w.merges_12m > 0 AND 2 * w.pr_merges_12m >= w.merges_12m THEN 'pull requests'
            ELSE 'no evidence in git' END AS review_workflow,
       CASE WHEN w.commits_12m > 0
            THEN CAST(w.reviewed_12m AS DOUBLE) / w.commits_12m END AS reviewed_share_12m,
       CASE WHEN w.merges_12m > 0
            THEN CAST(w.pr_merges_12m AS DOUBLE) / w.merges_12m END AS pr_merge_share_12m,
       CASE WHEN w.commits_12m + w.merges_12m > 0
            THEN CAST(w.signed_12m AS DOUBLE) / (w.commits_12m + w.merges_12m) END
           AS signed_share_12m,
       w.own_advisory_commits_12m, w.dependency_advisory_commits_12m,
       t.own_advisory_commits_all_time, t.advisories_all_time, w.fix_commits_12m,
       r.final_releases, r.releases_12m, r.last_release_month, r.signed_releases,
       r.median_days_between_releases,
       p.security_policy_since, p.ci_since, p.fuzzing_since
FROM w
JOIN t ON w.repo = t.repo
LEFT JOIN r ON w.repo = r.repo
LEFT JOIN p ON w.repo = p.repo
ORDER BY w.repo
