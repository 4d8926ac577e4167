-- Per repository: hardening evidence over the last 12 months and all time up to now (the
-- `calendar` table's: the month of the newest data, or report --as-of; nothing after it counts).
-- Review is counted per main-line change (first-parent commit; see the evidence table): a change
-- is reviewed when it carries a review trailer (by_trailer), is a rebased copy of a pull-request
-- ref's commit (by_pr_ref) or a squash whose subject ends in "(#N)" (by_pr_subject), is a
-- pull-request merge (by_pr_merge), or is a merge by someone who wrote none of what it brings in
-- (by_other_merger: a maintainer landing another person's topic); a change may match several.
-- review_workflow names the rule family that matched most ('pull requests', 'trailers',
-- 'maintainer merges'), or 'no evidence in git' (not the same as no review).
-- reviewed_share_12m and pr_merge_share_12m are the older per-commit and per-merge shares.
-- Shares are of the window's commits; signed is a
-- gpgsig header, not verified. Advisory commits mention a CVE, GHSA or XSA id (they are not
-- vulnerabilities); 'dependency' ones update dependencies (subject says bump/update/vendor, or
-- only vendored or generated lines changed). Releases are final release tags (see `releases`)
-- of the project's release line (main_line: module tags such as api/v1.2.3 are lines of their
-- own), on any maintenance branch; the median gap is between consecutive final releases of
-- the line by date.
-- security_policy_since, ci_since and fuzzing_since are the first month whose snapshot shows
-- the practice (see `practices`; empty: never seen in the tree).
WITH e AS (
    SELECT e.*, c.in_12m
    FROM evidence e JOIN calendar c ON e.month = c.month
    WHERE c.months_before_now >= 0
),
w AS (
    SELECT repo,
           SUM(CASE WHEN in_12m THEN commits ELSE 0 END) AS commits_12m,
           SUM(CASE WHEN in_12m THEN merges ELSE 0 END) AS merges_12m,
           SUM(CASE WHEN in_12m THEN reviewed_commits ELSE 0 END) AS reviewed_12m,
           SUM(CASE WHEN in_12m THEN mainline_changes ELSE 0 END) AS changes_12m,
           SUM(CASE WHEN in_12m THEN reviewed_changes ELSE 0 END) AS reviewed_changes_12m,
           SUM(CASE WHEN in_12m THEN review_trailer ELSE 0 END) AS by_trailer_12m,
           SUM(CASE WHEN in_12m THEN review_pr_ref ELSE 0 END) AS by_pr_ref_12m,
           SUM(CASE WHEN in_12m THEN review_pr_subject ELSE 0 END) AS by_pr_subject_12m,
           SUM(CASE WHEN in_12m THEN review_pr_merge ELSE 0 END) AS by_pr_merge_12m,
           SUM(CASE WHEN in_12m THEN review_other_merger ELSE 0 END) AS by_other_merger_12m,
           SUM(CASE WHEN in_12m THEN pr_merges ELSE 0 END) AS pr_merges_12m,
           SUM(CASE WHEN in_12m THEN signed_commits ELSE 0 END) AS signed_12m,
           SUM(CASE WHEN in_12m THEN own_advisory_commits ELSE 0 END) AS own_advisory_commits_12m,
           SUM(CASE WHEN in_12m THEN dependency_advisory_commits ELSE 0 END)
               AS dependency_advisory_commits_12m,
           SUM(CASE WHEN in_12m THEN fix_commits ELSE 0 END) AS fix_commits_12m,
           SUM(new_advisories) AS advisories_all_time,
           SUM(own_advisory_commits) AS own_advisory_commits_all_time
    FROM e GROUP BY repo
),
last AS (
    SELECT a.repo, MAX(a.month) AS last_month
    FROM activity a JOIN calendar c ON a.month = c.month
    WHERE c.months_before_now >= 0
    GROUP BY a.repo
),
p AS (
    -- Practices seen at or before now (a practice first seen later is not shown).
    SELECT s.repo,
           MIN(CASE WHEN s.practice = 'security_policy' THEN s.first_month END)
               AS security_policy_since,
           MIN(CASE WHEN s.practice = 'ci' THEN s.first_month END) AS ci_since,
           MIN(CASE WHEN s.practice = 'fuzzing' THEN s.first_month END) AS fuzzing_since
    FROM practices s JOIN last ON s.repo = last.repo
    WHERE s.first_month <= last.last_month
    GROUP BY s.repo
),
r AS (
    SELECT l.repo,
           COUNT(*) AS final_releases,
           SUM(CASE WHEN c.in_12m THEN 1 ELSE 0 END) AS releases_12m,
           MAX(l.month) AS last_release_month,
           SUM(CASE WHEN l.signed THEN 1 ELSE 0 END) AS signed_releases,
           MEDIAN(l.days_since_previous) AS median_days_between_releases
    FROM releases l JOIN calendar c ON l.month = c.month
    WHERE NOT l.prerelease AND l.main_line AND c.months_before_now >= 0
    GROUP BY l.repo
)
SELECT w.repo,
       CASE WHEN w.reviewed_changes_12m = 0 THEN 'no evidence in git'
            WHEN w.by_pr_ref_12m + w.by_pr_subject_12m + w.by_pr_merge_12m >= w.by_trailer_12m
                 AND w.by_pr_ref_12m + w.by_pr_subject_12m + w.by_pr_merge_12m >= w.by_other_merger_12m
                 THEN 'pull requests'
            WHEN w.by_trailer_12m >= w.by_other_merger_12m THEN 'trailers'
            ELSE 'maintainer merges' END AS review_workflow,
       w.changes_12m AS mainline_changes_12m, w.reviewed_changes_12m,
       CASE WHEN w.changes_12m > 0
            THEN CAST(w.reviewed_changes_12m AS DOUBLE) / w.changes_12m END AS review_share_12m,
       w.by_trailer_12m, w.by_pr_ref_12m, w.by_pr_subject_12m, w.by_pr_merge_12m,
       w.by_other_merger_12m,
       CASE WHEN w.commits_12m > 0
            THEN CAST(w.reviewed_12m AS DOUBLE) / w.commits_12m END AS reviewed_share_12m,
       CASE WHEN w.merges_12m > 0
            THEN CAST(w.pr_merges_12m AS DOUBLE) / w.merges_12m END AS pr_merge_share_12m,
       CASE WHEN w.commits_12m + w.merges_12m > 0
            THEN CAST(w.signed_12m AS DOUBLE) / (w.commits_12m + w.merges_12m) END
           AS signed_share_12m,
       w.own_advisory_commits_12m, w.dependency_advisory_commits_12m,
       w.own_advisory_commits_all_time, w.advisories_all_time, w.fix_commits_12m,
       r.final_releases, r.releases_12m, r.last_release_month, r.signed_releases,
       r.median_days_between_releases,
       p.security_policy_since, p.ci_since, p.fuzzing_since
FROM w
LEFT JOIN r ON w.repo = r.repo
LEFT JOIN p ON w.repo = p.repo
ORDER BY w.repo
