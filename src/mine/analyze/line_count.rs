//! The lines-of-code stage: the month-end snapshots counted (only those whose tree changed since
//! the stored run; the others keep their stored rows), blobs already counted taken from the
//! stored blob cache, and the files the clone lacks, with the months they leave short.

use super::*;

/// The stored blob-count cache of `name`, if one exists and was written by this counter.
pub(super) fn load_blob_cache(store: &Store, name: &str) -> Result<BlobCache, AnalyzeError> {
    match store.load_optional(name, Table::BlobCounts)? {
        Some((meta, df)) if meta.counter == counter_id() => Ok(tables::blob_cache_from_frame(&df)?),
        _ => Ok(BlobCache::default()),
    }
}

/// What the lines-of-code stage hands on: every month's rows (kept and counted) and the
/// counter's result (cache, problems, statistics).
pub(super) struct Counted {
    pub(super) rows: Vec<loc::LocRow>,
    pub(super) result: loc::LocResult,
    /// The practices the snapshots show, with the months they span (reused months included).
    pub(super) practices: Vec<crate::mine::practices::PracticeSpan>,
}

/// Counts the snapshots whose tree changed since the stored run, reusing the stored rows of
/// the others and the stored blob counts.
pub(super) fn loc_stage(
    job: &Job<'_>,
    snapshots: &[snapshot::Snapshot],
    walked_new: usize,
    stored_missing: &[loc::MissingFile],
    progress: &Progress,
) -> Result<Counted, AnalyzeError> {
    let (mut rows, fresh) = match job.reusable() {
        Some(_) => reusable_rows(job.store, job.name, snapshots)?,
        None => (Vec::new(), snapshots.to_vec()),
    };
    let cache = match job.options.rules.count_lines && job.previous.is_some() {
        true => load_blob_cache(job.store, job.name)?,
        false => BlobCache::default(),
    };
    // How many blobs are new is known only as the snapshots are read: a running count.
    let bar = progress.counter(format!("{}: new blobs counted", job.name));
    let scope = &job.options.rules.scope;
    let classes = &job.options.rules.classes;
    let mut result = loc::count_snapshots(&job.repo.repo, &fresh, scope, classes, cache, &|| {
        bar.inc(1)
    });
    bar.finish_and_clear();
    result.stats.snapshots_reused = snapshots.len() - fresh.len();
    let mut earlier_practices = Vec::new();
    if job.reusable().is_some() && result.stats.snapshots_reused > 0 {
        if let Some((_, df)) = job.store.load_optional(job.name, Table::Practices)? {
            earlier_practices = tables::practices_from_frame(&df)?;
        }
        let months: std::collections::HashSet<Month> = snapshots.iter().map(|s| s.month).collect();
        result.missing_files = loc::merge_missing(
            stored_missing.to_vec(),
            std::mem::take(&mut result.missing_files),
            &months,
        );
    }
    result.stats.commits_walked = walked_new;
    rows.append(&mut result.rows);
    rows.sort_by(|a, b| a.order().cmp(&b.order()));
    let practices = crate::mine::practices::spans(&result.practices, earlier_practices);
    Ok(Counted {
        rows,
        result,
        practices,
    })
}

/// Stored `loc` rows of the months whose snapshot tree is unchanged, and the snapshots that
/// must be counted afresh.
pub(super) fn reusable_rows(
    store: &Store,
    name: &str,
    snapshots: &[snapshot::Snapshot],
) -> Result<(Vec<loc::LocRow>, Vec<snapshot::Snapshot>), AnalyzeError> {
    // A generation without `missing_files` (an earlier temper's) cannot say which files its
    // months lacked: its months are counted again.
    let (Some((_, stored_snapshots)), Some((_, stored_loc)), Some(_)) = (
        store.load_optional(name, Table::Snapshots)?,
        store.load_optional(name, Table::Loc)?,
        store.load_optional(name, Table::MissingFiles)?,
    ) else {
        return Ok((Vec::new(), snapshots.to_vec()));
    };
    let trees: std::collections::HashMap<Month, gix::ObjectId> =
        tables::snapshots_from_frame(&stored_snapshots)?
            .into_iter()
            .map(|s| (s.month, s.tree))
            .collect();
    let mut by_month: std::collections::HashMap<Month, Vec<loc::LocRow>> =
        std::collections::HashMap::new();
    for row in tables::loc_rows_from_frame(&stored_loc)? {
        by_month.entry(row.month).or_default().push(row);
    }
    let mut kept = Vec::new();
    let mut fresh = Vec::new();
    for s in snapshots {
        if trees.get(&s.month) == Some(&s.tree) {
            kept.extend(by_month.remove(&s.month).unwrap_or_default());
        } else {
            fresh.push(*s);
        }
    }
    Ok((kept, fresh))
}

/// Adds to `files` (the missing files the snapshots hold) every absent blob a change names, with
/// its path and commits: this run's churn's, and for the commits whose churn was reused the
/// stored ones that still hold (the blob still absent, the path in scope), so the table is the
/// same whichever way the run went.
pub(super) fn add_missing_refs(
    job: &Job<'_>,
    history: &git::History,
    mut refs: Vec<churn::MissingRef>,
    stored: &[loc::MissingFile],
    files: &mut Vec<loc::MissingFile>,
) {
    let position: gix::hashtable::HashMap<gix::ObjectId, usize> = history
        .commits
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    for f in stored {
        let absent = !gix::objs::Exists::exists(&job.repo.repo.objects, &f.blob);
        if !absent || !job.options.rules.scope.includes_file(f.path.as_bytes()) {
            continue;
        }
        refs.extend(
            f.commits
                .iter()
                .filter(|c| position.contains_key(*c))
                .map(|&commit| churn::MissingRef {
                    path: f.path.clone(),
                    blob: f.blob,
                    commit,
                }),
        );
    }
    let month_of = |id: &gix::ObjectId| {
        let c = &history.commits[*position.get(id)?];
        Month::from_unix(c.author_time).or_else(|| Month::from_unix(c.committer_time))
    };
    let order = |id: &gix::ObjectId| {
        position.get(id).map_or((i64::MAX, usize::MAX), |&i| {
            (history.commits[i].author_time, i)
        })
    };
    loc::add_references(files, &refs, month_of, order, &job.options.rules.classes);
}
