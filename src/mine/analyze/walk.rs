//! The walk stage: commits walked (only the new ones when the stored walk allows), their scope
//! and churn, the first-parent chain and its diffs, and the release tags with their ranges
//! (release branches off the analysed ref walked and diffed too, their stored churn reused).

use super::*;

/// What the walk stage hands on: the history in scope (with churn), the first-parent chain and
/// its diffs, and the walk state to store.
pub(super) struct Walked {
    pub(super) history: git::History,
    pub(super) chain: Vec<snapshot::ChainLink>,
    /// The diffs churn made (the first-parent commits' changes and line diffs by blob pair), for
    /// line age.
    pub(super) diffs: churn::Diffs,
    /// Absent blobs and the paths and commits that name them, as this run's churn met them.
    pub(super) missing_refs: Vec<churn::MissingRef>,
    /// The `walk` table: every walked commit, in scope or not.
    pub(super) walk_frame: polars::prelude::DataFrame,
    /// The `release_churn` table (the churn of release branches' commits), when lines count.
    pub(super) release_churn: Option<polars::prelude::DataFrame>,
    /// The walk's missing, corrupt and shallow-boundary objects, as stored.
    pub(super) walk_problems: [Vec<String>; 3],
    /// Commits read from the repository in this run.
    pub(super) walked_new: usize,
    /// The release tags, with their ranges counted over every walked commit.
    pub(super) releases: Vec<crate::mine::release::Release>,
}

/// Walks the commits (only the new ones when the stored walk allows), marks those in scope,
/// computes the churn of the new ones, and keeps the commits in scope.
pub(super) fn walk_stage(
    job: &Job<'_>,
    progress: &Progress,
    clock: &mut Stopwatch,
) -> Result<Walked, AnalyzeError> {
    let (repo, options) = (job.repo, job.options);
    let reader = git::walk::CommitReader {
        people: Resolver::new(&job.mailmap, options.rules.bots.clone()),
        advisories: options.rules.advisories.clone(),
        pull_keys: git::pulls::pull_keys(&repo.repo, &job.pulls, repo.tip),
    };
    let bar = progress.counter(format!("{}: walking commits", job.name));
    let WalkedHistory {
        mut history,
        mut in_scope,
        walked_new,
    } = walk_incrementally(job, &reader, &|n| bar.set_position(n))?;
    bar.finish_and_clear();
    clock.lap("walk");
    let chain = snapshot::first_parent_chain(&history, repo.tip);
    let from = in_scope.len();
    in_scope.extend(touch::commits_in_scope(
        &repo.repo,
        &history,
        &options.rules.scope,
        from,
    ));
    let mut diffs = churn::Diffs {
        pairs: churn::PairMemo::with_budget(options.memory.pair_memo_bytes()),
        ..Default::default()
    };
    let mut missing_refs = Vec::new();
    if options.rules.count_lines {
        let total = (history.commits.len() - from) as u64;
        let bar = progress.bar(format!("{}: diffing commits", job.name), total);
        let rules = (&options.rules.scope, &options.rules.classes);
        let pairs = &diffs.pairs;
        (diffs.commits, missing_refs) = churn_stage(
            repo,
            &mut history,
            &chain,
            rules,
            from,
            &in_scope,
            pairs,
            &|| bar.inc(1),
        );
        bar.finish_and_clear();
        clock.lap("churn");
    }
    let walk_problems =
        [&history.missing, &history.corrupt, &history.shallow].map(|ids| hex_ids(ids));
    let walk_frame = tables::walk_frame(&history, &in_scope)?;
    let reachable: gix::hashtable::HashSet<gix::ObjectId> =
        history.commits.iter().map(|c| c.id).collect();
    // Release ranges over every walked commit, as `git rev-list` counts them (no scope).
    let mut releases = options
        .rules
        .releases
        .releases(&plausible_tags(&job.tags.tags, options.now), |id| {
            reachable.contains(id)
        });
    let mut off_ref = walk_release_branches(job, &releases, &reachable, &reader);
    let mut release_churn = None;
    if options.rules.count_lines && !off_ref.commits.is_empty() {
        reuse_release_churn(job, &mut off_ref)?;
        let missing = churn_off_ref(
            repo,
            &history,
            &mut off_ref,
            (&options.rules.scope, &options.rules.classes),
            &diffs.pairs,
        );
        history.missing.extend(missing);
        history.missing.sort();
        history.missing.dedup();
    }
    if options.rules.count_lines {
        release_churn = Some(tables::release_churn_frame(&off_ref)?);
    }
    crate::mine::release::count_ranges(&mut releases, &[&history, &off_ref]);
    clock.lap("releases");
    if !options.rules.scope.is_everything() {
        let mut keep = in_scope.iter();
        history
            .commits
            .retain(|_| keep.next().copied().unwrap_or(false));
    }
    Ok(Walked {
        history,
        chain,
        diffs,
        missing_refs,
        walk_frame,
        release_churn,
        walk_problems,
        walked_new,
        releases,
    })
}

/// The commits of release tags off the analysed ref (maintenance branches), which the ref's
/// walk did not reach: walked only to count release ranges, never mined.
pub(super) fn walk_release_branches(
    job: &Job<'_>,
    releases: &[crate::mine::release::Release],
    reachable: &gix::hashtable::HashSet<gix::ObjectId>,
    reader: &git::walk::CommitReader,
) -> git::History {
    let mut off_ref = git::History::default();
    if releases.iter().all(|r| reachable.contains(&r.tag.commit)) {
        // Every release is on the ref (or there are none): nothing to walk, nothing to copy.
        return off_ref;
    }
    let mut known = reachable.clone();
    for r in releases {
        if known.contains(&r.tag.commit) {
            continue;
        }
        let (found, _) = git::walk::walk_new(&job.repo.repo, r.tag.commit, reader, &known, &|_| {});
        known.extend(found.commits.iter().map(|c| c.id));
        off_ref.extend(found);
    }
    off_ref
}

/// Gives the commits of `off_ref` the churn an earlier run stored for them, when it was made
/// under the same rules (scope, classes, counter): a monthly run then diffs only the release
/// branches' new commits (on xen they cost 3 to 4 s of every run).
pub(super) fn reuse_release_churn(
    job: &Job<'_>,
    off_ref: &mut git::History,
) -> Result<(), AnalyzeError> {
    let same_rules = job
        .previous
        .as_ref()
        .is_some_and(|p| p.churn_key == job.keys.churn);
    let stored = match same_rules {
        true => job.store.load_optional(job.name, Table::ReleaseChurn)?,
        false => None,
    };
    let Some((_, frame)) = stored else {
        return Ok(());
    };
    let churn = tables::release_churn_from_frame(&frame)?;
    for c in &mut off_ref.commits {
        c.churn = churn.get(&c.id).copied();
    }
    Ok(())
}

/// Churn of the commits of release branches off the analysed ref (for the releases' own lines):
/// diffed like the ref's commits, against their parents, which may be on the ref. Returns the
/// blobs it could not read.
pub(super) fn churn_off_ref(
    repo: &git::Opened,
    history: &git::History,
    off_ref: &mut git::History,
    (scope, classes): (&Scope, &crate::mine::class::Classifier),
    pairs: &churn::PairMemo,
) -> Vec<gix::ObjectId> {
    let off: gix::hashtable::HashSet<gix::ObjectId> =
        off_ref.commits.iter().map(|c| c.id).collect();
    let wanted: gix::hashtable::HashSet<gix::ObjectId> = off_ref
        .commits
        .iter()
        .flat_map(|c| c.parents.iter().copied())
        .filter(|p| !off.contains(p))
        .collect();
    // The branch points (parents on the ref) first, for their trees; then the branches' commits.
    let mut both = git::History {
        commits: history
            .commits
            .iter()
            .filter(|c| wanted.contains(&c.id))
            .cloned()
            .collect(),
        ..Default::default()
    };
    let from = both.commits.len();
    both.commits.extend(off_ref.commits.iter().cloned());
    let none = Default::default();
    let churn = churn::churn(
        &repo.repo,
        &both,
        scope,
        classes,
        from,
        &none,
        &[],
        pairs,
        &|| {},
    );
    for (c, commit) in off_ref.commits.iter_mut().zip(churn.commits) {
        c.churn = commit;
    }
    churn.missing
}

/// Churn of the commits from `from` on, written into `history` (with the blobs it could not
/// read, kept with the walk's problems so a later run that reuses this churn still reports
/// them); returns the first-parent commits' changes for line age, which follows the same diffs.
#[allow(clippy::too_many_arguments)]
pub(super) fn churn_stage(
    repo: &git::Opened,
    history: &mut git::History,
    chain: &[snapshot::ChainLink],
    (scope, classes): (&Scope, &crate::mine::class::Classifier),
    from: usize,
    in_scope: &[bool],
    pairs: &churn::PairMemo,
    on_commit: &(dyn Fn() + Sync),
) -> (
    gix::hashtable::HashMap<gix::ObjectId, Vec<churn::Delta>>,
    Vec<churn::MissingRef>,
) {
    let on_chain: gix::hashtable::HashSet<gix::ObjectId> = chain.iter().map(|l| l.commit).collect();
    let churn = churn::churn(
        &repo.repo, history, scope, classes, from, &on_chain, in_scope, pairs, on_commit,
    );
    for (c, commit) in history.commits[from..].iter_mut().zip(churn.commits) {
        c.churn = commit;
    }
    history.missing.extend(churn.missing);
    history.missing.sort();
    history.missing.dedup();
    (churn.deltas, churn.missing_refs)
}

/// The commits reachable from the tip, and the scope flags of those an earlier run stored. When
/// the stored walk was made under the same key and its tip is an ancestor of the new tip, only new
/// commits are read; otherwise (first run, rewritten history, changed mailmap) everything is.
pub(super) fn walk_incrementally(
    job: &Job<'_>,
    reader: &git::walk::CommitReader,
    progress: &dyn Fn(u64),
) -> Result<WalkedHistory, AnalyzeError> {
    let repo = job.repo;
    let stored = match &job.previous {
        Some(p) if p.walk_key == job.keys.walk => stored_walk(job)?
            .zip(gix::ObjectId::from_hex(p.tip.as_bytes()).ok())
            .map(|(walk, tip)| (walk, tip, &p.walk_problems)),
        _ => None,
    };
    if let Some(((mut history, flags), old_tip, problems)) = stored {
        let known: gix::hashtable::HashSet<gix::ObjectId> =
            history.commits.iter().map(|c| c.id).collect();
        let (new, reached) = git::walk::walk_new(&repo.repo, repo.tip, reader, &known, progress);
        if repo.tip == old_tip || reached.contains(&old_tip) {
            history.shallow = object_ids(&problems[2]);
            carry_problems(&repo.repo, &mut history, problems);
            let walked_new = new.commits.len();
            history.extend(new);
            return Ok(WalkedHistory {
                history,
                in_scope: flags,
                walked_new,
            });
        }
    }
    let mut history = git::walk(&repo.repo, repo.tip, reader, progress);
    let walked = history.commits.len();
    // Churn depends on the scope, not on identities: it survives a walk made again because the
    // `.mailmap` or the bot rule changed.
    let same_churn = job
        .previous
        .as_ref()
        .is_some_and(|p| p.churn_key == job.keys.churn);
    if let Some((stored, _)) = same_churn.then(|| stored_walk(job)).transpose()?.flatten() {
        let churn: gix::hashtable::HashMap<gix::ObjectId, churn::Churn> = stored
            .commits
            .iter()
            .filter_map(|c| c.churn.map(|ch| (c.id, ch)))
            .collect();
        for c in &mut history.commits {
            c.churn = churn.get(&c.id).copied();
        }
        // The reused churn's unreadable blobs are not met again: keep them (those still absent),
        // so the findings do not depend on which way the run went.
        if let Some(p) = &job.previous {
            carry_problems(&repo.repo, &mut history, &p.walk_problems);
        }
    }
    Ok(WalkedHistory {
        history,
        in_scope: Vec::new(),
        walked_new: walked,
    })
}

/// What [`walk_incrementally`] found: the history, the stored scope flags of its first commits
/// (the stored walk's), and how many commits were read from the repository.
pub(super) struct WalkedHistory {
    pub(super) history: git::History,
    pub(super) in_scope: Vec<bool>,
    pub(super) walked_new: usize,
}

/// The tags dated plausibly, as commits must be (after the Unix epoch, not after the analysis):
/// a tag dated 9999 is no release of 9999-12.
pub(super) fn plausible_tags(tags: &[git::tags::Tag], now: i64) -> Vec<git::tags::Tag> {
    tags.iter()
        .filter(|t| activity::is_plausible(t.time, now))
        .cloned()
        .collect()
}

/// Adds an earlier run's missing and corrupt objects (`problems`, as stored) to `history`'s: the
/// missing ones the repository still lacks (a clone that got them since has none), the corrupt
/// ones as they were. The problems of a walk are a function of the history, not of the run.
pub(super) fn carry_problems(
    repo: &gix::Repository,
    history: &mut git::History,
    problems: &[Vec<String>; 3],
) {
    history.missing.extend(
        object_ids(&problems[0])
            .into_iter()
            .filter(|id| !repo.has_object(id)),
    );
    history.corrupt.extend(object_ids(&problems[1]));
    for ids in [&mut history.missing, &mut history.corrupt] {
        ids.sort();
        ids.dedup();
    }
}

/// The stored walk state (history and scope flags), if there is one.
pub(super) fn stored_walk(
    job: &Job<'_>,
) -> Result<Option<(git::History, Vec<bool>)>, AnalyzeError> {
    Ok(job
        .store
        .load_optional(job.name, Table::Walk)?
        .map(|(_, df)| tables::walk_from_frame(&df))
        .transpose()?)
}
