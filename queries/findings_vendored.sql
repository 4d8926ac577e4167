-- Per repository: vendored imports, bumps and removals, told apart from the project's own work.
-- One row per month and vendored package (see `vendored_changes`) whose first-parent commits
-- added and removed at least 5,000 counted lines in it that month (the threshold lives here):
-- an import adds more than twice what it removes, a removal the reverse, a bump is in between;
-- `commit` is the commit that changed the package most that month (a merge stands for the
-- branch it brought in).
WITH per AS (
    -- Months up to now (the `calendar` table's).
    SELECT v.repo, v.month, v.package,
           SUM(v.lines_added) AS lines_added, SUM(v.lines_removed) AS lines_removed
    FROM vendored_changes v JOIN calendar c ON v.month = c.month
    WHERE c.months_before_now >= 0
    GROUP BY v.repo, v.month, v.package
),
big AS (
    SELECT * FROM per WHERE lines_added + lines_removed >= 5000
),
ranked AS (
    SELECT repo, month, package, commit,
           ROW_NUMBER() OVER (PARTITION BY repo, month, package
                              ORDER BY lines_added + lines_removed DESC, commit DESC) AS rn
    FROM vendored_changes
),
largest AS (
    SELECT repo, month, package, commit FROM ranked WHERE rn = 1
)
SELECT b.repo, b.month, b.package,
       CASE WHEN b.lines_added > 2 * b.lines_removed THEN 'import'
            WHEN b.lines_removed > 2 * b.lines_added THEN 'removal'
            ELSE 'bump' END AS kind,
       b.lines_added, b.lines_removed, r.commit
FROM big b
JOIN largest r ON r.repo = b.repo AND r.month = b.month AND r.package = b.package
ORDER BY b.repo, b.month, b.package
