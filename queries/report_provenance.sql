-- Per repository: where its figures come from. source, ref and tip are what was analysed (for a
-- dataset, the origin its maker named); scope is --path/--exclude as given (empty: the whole
-- tree) and classes the user's class rules (empty: the built-in ones only); analysed_at is the
-- time of the last analysis (UTC), last_commit_month the month of the last plausibly dated
-- commit, fetched_at when the clone was last fetched (where recorded), and as_of the month every
-- "now" in this report ends at, as_of_basis how it was chosen (the newest data, or --as-of).
SELECT repo, source, ref, tip, scope, classes, temper_version, analysed_at, last_commit_month,
       fetched_at, as_of, as_of_basis
FROM provenance
ORDER BY repo
