//! The line-age stage: every line followed along the first-parent chain, from the stored state
//! when it was made on the same chain (and under the same counter), else from the root; its
//! month figures, and each followed link's line changes by language and by vendored package.

use super::*;

/// Progress of the line-age stage: where a resumed run starts on the chain, and each link
/// followed.
pub(super) struct AgeTicks<'a> {
    pub(super) start: &'a dyn Fn(usize),
    pub(super) link: &'a (dyn Fn() + Sync),
}

/// Follows every line along the first-parent chain (see [`line_age`]).
pub(super) fn age_stage(
    job: &Job<'_>,
    walked: &Walked,
    snapshots: &[snapshot::Snapshot],
    progress: &Progress,
) -> Result<LineAgeOutcome, AnalyzeError> {
    let bar = progress.bar(
        format!("{}: following lines along first-parent commits", job.name),
        walked.chain.len() as u64,
    );
    let on_link = || bar.inc(1);
    let ticks = AgeTicks {
        start: &|resumed: usize| bar.set_position(resumed as u64),
        link: &on_link,
    };
    let outcome = line_age(job, &walked.chain, snapshots, &walked.diffs, &ticks)?;
    bar.finish_and_clear();
    Ok(outcome)
}

/// The tables line age writes: `age`, `language_commits` and its resumable state.
pub(super) fn age_frames(
    name: &str,
    age: Option<&LineAgeOutcome>,
) -> Result<Vec<(Table, polars::prelude::DataFrame)>, AnalyzeError> {
    let Some(age) = age else {
        return Ok(Vec::new());
    };
    Ok(vec![
        (Table::Age, tables::age_frame(name, &age.months)?),
        (
            Table::LanguageCommits,
            tables::language_commits_frame(name, &age.languages)?,
        ),
        (
            Table::VendoredChanges,
            tables::vendored_changes_frame(name, &age.vendored)?,
        ),
        (Table::LineAges, tables::line_ages_frame(&age.state)?),
    ])
}

/// Where the stored line-age state stands, for the metadata: (key, first-parent commit it was
/// advanced to, links applied). Kept from the previous run when line age did not run.
pub(super) fn age_resume(
    previous: Option<&RepoMeta>,
    age: Option<&LineAgeOutcome>,
    chain_tip_first: &[snapshot::ChainLink],
) -> (String, String, usize) {
    match age {
        Some(age) => {
            let applied = age.state.applied;
            let tip = applied
                .checked_sub(1)
                .and_then(|i| chain_tip_first.len().checked_sub(i + 1))
                .map(|i| chain_tip_first[i].commit.to_string())
                .unwrap_or_default();
            (age_key(), tip, applied)
        }
        None => previous.map_or((String::new(), String::new(), 0), |p| {
            (p.age_key.clone(), p.age_tip.clone(), p.age_applied)
        }),
    }
}

/// Month figures of line age for every snapshot, following only the new first-parent links
/// when the stored state was made on the same chain (and under the same scope and counter), and
/// keeping the stored figures of months whose snapshot commit is unchanged. Returns the figures
/// in month order and the new state.
pub(super) fn line_age(
    job: &Job<'_>,
    chain_tip_first: &[snapshot::ChainLink],
    snapshots: &[snapshot::Snapshot],
    cached: &churn::Diffs,
    ticks: &AgeTicks<'_>,
) -> Result<LineAgeOutcome, AnalyzeError> {
    let chain: Vec<snapshot::ChainLink> = chain_tip_first.iter().rev().copied().collect();
    let position: std::collections::HashMap<gix::ObjectId, usize> = chain
        .iter()
        .enumerate()
        .map(|(i, l)| (l.commit, i))
        .collect();
    let (resumed, wanted) = resume_or_restart(job, &chain, &position, snapshots)?;
    let ResumedAge {
        mut state,
        mut kept,
        mut changes,
        mut vendored,
    } = resumed;
    let start = state.applied;
    (ticks.start)(start);
    let scope = (&job.options.rules.scope, &job.options.rules.classes);
    let tracked = age::track(
        &job.repo.repo,
        &chain,
        &mut state,
        &wanted,
        scope,
        cached,
        ticks.link,
    );
    for a in tracked.months {
        kept.insert(a.month, a);
    }
    changes.extend(tracked.languages.into_iter().map(|c| LanguageChange {
        commit: chain[c.position].commit,
        language: c.language.name().to_string(),
        class: c.class,
        added: c.added,
        removed: c.removed,
    }));
    vendored.extend(tracked.vendored.into_iter().map(|c| VendorLink {
        commit: chain[c.position].commit,
        package: c.package,
        added: c.added,
        removed: c.removed,
    }));
    let month_of = MonthOfLink::new(&position, snapshots);
    Ok(LineAgeOutcome {
        months: kept.into_values().collect(),
        followed: state.applied - start,
        state,
        languages: languages_by_month(changes, &month_of),
        vendored: vendored_by_month(vendored, &month_of),
    })
}

/// The `vendored_changes` rows: each link's changes with the month it leads up to.
pub(super) fn vendored_by_month(
    vendored: Vec<VendorLink>,
    month_of: &MonthOfLink<'_>,
) -> Vec<tables::VendoredChange> {
    vendored
        .into_iter()
        .filter_map(|v| {
            Some(tables::VendoredChange {
                month: month_of.get(&v.commit)?,
                commit: v.commit.to_string(),
                package: v.package,
                lines_added: v.added,
                lines_removed: v.removed,
            })
        })
        .collect()
}

/// The stored line-age state to go on from (or a fresh one) and the months still to compute,
/// as (month, chain position): a month the stored state has already passed starts it afresh.
pub(super) fn resume_or_restart(
    job: &Job<'_>,
    chain: &[snapshot::ChainLink],
    position: &std::collections::HashMap<gix::ObjectId, usize>,
    snapshots: &[snapshot::Snapshot],
) -> Result<(ResumedAge, Vec<(Month, usize)>), AnalyzeError> {
    let wanted_of = |kept: &std::collections::BTreeMap<Month, MonthAge>| -> Vec<(Month, usize)> {
        snapshots
            .iter()
            .filter(|s| !kept.contains_key(&s.month))
            .filter_map(|s| position.get(&s.commit).map(|&p| (s.month, p)))
            .collect()
    };
    let resumed = resume_age(job, chain, snapshots)?.unwrap_or_default();
    let wanted = wanted_of(&resumed.kept);
    if wanted
        .first()
        .is_some_and(|w| w.1 + 1 < resumed.state.applied)
    {
        let fresh = ResumedAge::default();
        let wanted = wanted_of(&fresh.kept);
        return Ok((fresh, wanted));
    }
    Ok((resumed, wanted))
}

/// One followed link's lines changed in one vendored package, before its month is known.
pub(super) struct VendorLink {
    pub(super) commit: gix::ObjectId,
    pub(super) package: String,
    pub(super) added: u64,
    pub(super) removed: u64,
}

/// The month a first-parent link leads up to: the first month whose snapshot is at or after it.
pub(super) struct MonthOfLink<'a> {
    pub(super) position: &'a std::collections::HashMap<gix::ObjectId, usize>,
    pub(super) marks: Vec<(usize, Month)>,
}

impl<'a> MonthOfLink<'a> {
    fn new(
        position: &'a std::collections::HashMap<gix::ObjectId, usize>,
        snapshots: &[snapshot::Snapshot],
    ) -> MonthOfLink<'a> {
        let marks = snapshots
            .iter()
            .filter_map(|s| position.get(&s.commit).map(|&p| (p, s.month)))
            .collect();
        MonthOfLink { position, marks }
    }

    fn get(&self, commit: &gix::ObjectId) -> Option<Month> {
        let p = *self.position.get(commit)?;
        let (_, month) = self.marks.get(self.marks.partition_point(|m| m.0 < p))?;
        Some(*month)
    }
}

/// One followed link's lines changed in one language and class, before its month is known.
pub(super) struct LanguageChange {
    pub(super) commit: gix::ObjectId,
    pub(super) language: String,
    pub(super) class: crate::mine::class::Class,
    pub(super) added: u64,
    pub(super) removed: u64,
}

/// The stored line-age state, the month figures it still stands for, and the language changes
/// of the links it followed.
#[derive(Default)]
pub(super) struct ResumedAge {
    pub(super) state: LineAges,
    pub(super) kept: std::collections::BTreeMap<Month, MonthAge>,
    pub(super) changes: Vec<LanguageChange>,
    pub(super) vendored: Vec<VendorLink>,
}

/// The stored line-age state, when it was made under the same key on a prefix of `chain`;
/// months whose snapshot commit changed are dropped from it.
pub(super) fn resume_age(
    job: &Job<'_>,
    chain: &[snapshot::ChainLink],
    snapshots: &[snapshot::Snapshot],
) -> Result<Option<ResumedAge>, AnalyzeError> {
    let Some(p) = job.reusable().filter(|p| {
        p.age_key == age_key()
            && p.age_applied > 0
            && chain
                .get(p.age_applied - 1)
                .is_some_and(|l| l.commit == p.age_tip.as_str())
    }) else {
        return Ok(None);
    };
    let load = |table| job.store.load_optional(job.name, table);
    let (
        Some((_, lines)),
        Some((_, age)),
        Some((_, activity)),
        Some((_, snaps)),
        Some((_, languages)),
        Some((_, vendored_changes)),
    ) = (
        load(Table::LineAges)?,
        load(Table::Age)?,
        load(Table::Activity)?,
        load(Table::Snapshots)?,
        load(Table::LanguageCommits)?,
        load(Table::VendoredChanges)?,
    )
    else {
        return Ok(None);
    };
    let (changes, vendored) = stored_links(&languages, &vendored_changes)?;
    let stored: std::collections::HashMap<Month, gix::ObjectId> =
        tables::snapshots_from_frame(&snaps)?
            .into_iter()
            .map(|s| (s.month, s.commit))
            .collect();
    let now: std::collections::HashMap<Month, gix::ObjectId> =
        snapshots.iter().map(|s| (s.month, s.commit)).collect();
    let kept = tables::month_ages_from_frames(&age, &activity)?
        .into_iter()
        .filter(|a| {
            stored
                .get(&a.month)
                .is_some_and(|c| now.get(&a.month) == Some(c))
        })
        .map(|a| (a.month, a))
        .collect();
    Ok(Some(ResumedAge {
        state: tables::line_ages_from_frame(&lines, p.age_applied)?,
        kept,
        changes,
        vendored,
    }))
}

/// The language and vendored-package changes of the links an earlier run followed, back from
/// its `language_commits` and `vendored_changes` tables.
pub(super) fn stored_links(
    languages: &polars::prelude::DataFrame,
    vendored_changes: &polars::prelude::DataFrame,
) -> Result<(Vec<LanguageChange>, Vec<VendorLink>), AnalyzeError> {
    let id = |hex: &str| gix::ObjectId::from_hex(hex.as_bytes()).ok();
    let changes = tables::language_commits_from_frame(languages)?
        .into_iter()
        .filter_map(|r| {
            Some(LanguageChange {
                commit: id(&r.commit)?,
                language: r.language,
                class: r.class,
                added: r.lines_added,
                removed: r.lines_removed,
            })
        })
        .collect();
    let vendored = tables::vendored_changes_from_frame(vendored_changes)?
        .into_iter()
        .filter_map(|r| {
            Some(VendorLink {
                commit: id(&r.commit)?,
                package: r.package,
                added: r.lines_added,
                removed: r.lines_removed,
            })
        })
        .collect();
    Ok((changes, vendored))
}

/// The `language_commits` rows: each link's changes with the month it leads up to.
pub(super) fn languages_by_month(
    changes: Vec<LanguageChange>,
    month_of: &MonthOfLink<'_>,
) -> Vec<tables::LanguageCommit> {
    changes
        .into_iter()
        .filter_map(|c| {
            Some(tables::LanguageCommit {
                month: month_of.get(&c.commit)?,
                commit: c.commit.to_string(),
                language: c.language,
                class: c.class,
                lines_added: c.added,
                lines_removed: c.removed,
            })
        })
        .collect()
}

/// What the line-age stage hands back.
pub(super) struct LineAgeOutcome {
    pub(super) months: Vec<MonthAge>,
    pub(super) state: LineAges,
    /// First-parent links followed in this run.
    pub(super) followed: usize,
    pub(super) languages: Vec<tables::LanguageCommit>,
    pub(super) vendored: Vec<tables::VendoredChange>,
}
