-- Per repository: language-mix jumps. A jump is a run of months in which a language's share of
-- the code differs by more than 10 percentage points from its share 3 months before, in a
-- codebase of at least 5,000 code lines at both ends (the thresholds live here). One row per
-- jump and per commit: the share before the run (from_month, 3 months before its first month),
-- the share at the run's month farthest from it (to_month), and the three first-parent commits
-- that changed that language's lines most from from_month to the run's end (from the
-- language_commits table; a merge stands for the branch it brought in). Shares are of all code
-- (every class); `class` says which class of that language moved most from from_month to
-- to_month (a vendored import is not the project rewriting itself), and the commits named are
-- those that changed that class of that language most.
WITH per_language AS (
    -- Months up to now (the `calendar` table's), numbered in order by idx.
    SELECT l.repo, l.month, l.language, SUM(l.code) AS code, MAX(0 - c.months_before_now) AS idx
    FROM loc l JOIN calendar c ON l.month = c.month
    WHERE l.language <> 'Unrecognised' AND c.months_before_now >= 0
    GROUP BY l.repo, l.month, l.language
),
totals AS (
    SELECT repo, month, SUM(code) AS total, MAX(idx) AS idx
    FROM per_language
    GROUP BY repo, month
),
langs AS (
    SELECT DISTINCT repo, language FROM per_language WHERE code > 0
),
grid AS (
    SELECT t.repo, t.month, t.idx, t.total, g.language
    FROM totals t JOIN langs g ON t.repo = g.repo
),
shares AS (
    SELECT g.repo, g.month, g.idx, g.total, g.language,
           CAST(COALESCE(l.code, 0) AS DOUBLE) / g.total AS share
    FROM grid g
    LEFT JOIN per_language l
        ON l.repo = g.repo AND l.month = g.month AND l.language = g.language
    WHERE g.total > 0
),
moves AS (
    SELECT s.repo, s.language, s.idx, s.share, p.share AS share_before
    FROM shares s
    JOIN shares p ON p.repo = s.repo AND p.language = s.language AND p.idx = s.idx - 3
    WHERE s.total >= 5000 AND p.total >= 5000 AND ABS(s.share - p.share) > 0.10
),
runs AS (
    SELECT repo, language, idx,
           idx - ROW_NUMBER() OVER (PARTITION BY repo, language ORDER BY idx) AS run
    FROM moves
),
jumps AS (
    SELECT repo, language, MIN(idx) AS first_idx, MAX(idx) AS last_idx
    FROM runs GROUP BY repo, language, run
),
peaks AS (
    SELECT j.repo, j.language, j.first_idx, j.last_idx,
           b.month AS from_month, b.share AS share_before,
           a.month AS to_month, a.share AS share_after,
           ROW_NUMBER() OVER (PARTITION BY j.repo, j.language, j.first_idx
                              ORDER BY ABS(a.share - b.share) DESC, a.idx DESC) AS nearest
    FROM jumps j
    JOIN shares b ON b.repo = j.repo AND b.language = j.language AND b.idx = j.first_idx - 3
    JOIN shares a ON a.repo = j.repo AND a.language = j.language
    WHERE a.idx >= j.first_idx AND a.idx <= j.last_idx
),
ends AS (
    SELECT * FROM peaks WHERE nearest = 1
),
class_moves AS (
    SELECT e.repo, e.language, e.first_idx, c.class,
           ROW_NUMBER() OVER (PARTITION BY e.repo, e.language, e.first_idx
                              ORDER BY ABS(CAST(COALESCE(t.code, 0) AS DOUBLE)
                                           - CAST(COALESCE(f.code, 0) AS DOUBLE)) DESC,
                                       c.class DESC) AS rn
    FROM ends e
    JOIN (SELECT DISTINCT repo, language, class FROM loc) c
        ON c.repo = e.repo AND c.language = e.language
    LEFT JOIN loc f ON f.repo = e.repo AND f.language = e.language AND f.class = c.class
        AND f.month = e.from_month
    LEFT JOIN loc t ON t.repo = e.repo AND t.language = e.language AND t.class = c.class
        AND t.month = e.to_month
),
moved AS (
    SELECT repo, language, first_idx, class FROM class_moves WHERE rn = 1
),
changes AS (
    SELECT l.repo, l.language, l.class, l.commit, l.lines_added, l.lines_removed,
           0 - c.months_before_now AS idx
    FROM language_commits l JOIN calendar c ON l.month = c.month
),
ranked AS (
    SELECT e.repo, e.language, e.from_month, e.to_month, e.share_before, e.share_after,
           m.class, c.commit, c.lines_added, c.lines_removed,
           ROW_NUMBER() OVER (PARTITION BY e.repo, e.language, e.first_idx
                              ORDER BY c.lines_added + c.lines_removed DESC, c.commit DESC)
                  AS rank
    FROM ends e
    JOIN moved m ON m.repo = e.repo AND m.language = e.language AND m.first_idx = e.first_idx
    JOIN changes c ON c.repo = e.repo AND c.language = e.language AND c.class = m.class
    WHERE c.idx >= e.first_idx - 2 AND c.idx <= e.last_idx
)
SELECT repo, language, from_month, to_month, share_before, share_after,
       share_after - share_before AS change, class, rank, commit, lines_added, lines_removed
FROM ranked
WHERE rank <= 3
ORDER BY repo, from_month, language, rank
