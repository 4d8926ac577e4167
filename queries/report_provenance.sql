-- Per repository: where its figures come from. source, ref and tip are what was analysed (for a
-- dataset, the origin its maker named); scope is --path/--exclude as given (empty: the whole
-- tree) and classes the user's class rules (empty: the built-in ones only); analysed_at is the
-- time of the last analysis (UTC) and as_of the month every "now" in this report ends at.
SELECT repo, source, ref, tip, scope, classes, temper_version, analysed_at, as_of
FROM provenance
ORDER BY repo
