-- Per repository: the files whose contents this clone lacks (a partial or damaged clone), and
-- the series they leave short: from first_month to last_month, the `loc` code of that language
-- and class, and its code age, are missing this file's lines. Fetch the missing objects (for a
-- partial clone: `git fetch --refetch`, or a full clone) and analyse again to fill them in.
SELECT repo, path, class, language, first_month, last_month, blob
FROM missing_files
ORDER BY repo, first_month, path
