//! The save stage: every table built from the stages' results and written into the staged
//! generation a few at a time, the licence periods and dependencies found, the metadata with
//! each stage's resume point, and the generation made live.

use super::*;

/// Everything the mining stages produced, for the tables.
pub(super) struct Mined {
    pub(super) walked: Walked,
    pub(super) activity_rows: Vec<activity::ActivityRow>,
    pub(super) snapshots: Vec<snapshot::Snapshot>,
    pub(super) counted: Counted,
    pub(super) age: Option<LineAgeOutcome>,
}

/// Builds every table and the metadata, and replaces the repository's generation in the store.
pub(super) fn save_stage(
    job: &Job<'_>,
    mined: Mined,
    staged: crate::store::Staged,
    clock: &mut Stopwatch,
) -> Result<RepoOutcome, AnalyzeError> {
    let (name, options) = (job.name, job.options);
    let Mined {
        walked,
        activity_rows,
        snapshots,
        counted,
        age,
    } = mined;
    let history = &walked.history;
    let (problems, loc_problems) = gather_problems(history, &counted.result, job.reusable());
    let findings = activity::findings(history, &problems, options.now);
    let fetched = job.fetched_at().and_then(Month::from_unix);
    let summary = activity::summary(
        name,
        history,
        &activity_rows,
        &counted.rows,
        fetched,
        options.now,
    );
    let carry = write_tables(
        job,
        &mined_tables(&walked, &activity_rows, &snapshots, &counted),
        &findings,
        age.as_ref(),
        (&staged, clock),
    )?;
    clock.lap("tables");
    let mut meta = repo_meta(job, &summary, &findings);
    (meta.age_key, meta.age_tip, meta.age_applied) =
        age_resume(job.previous.as_ref(), age.as_ref(), &walked.chain);
    meta.walk_problems = walked.walk_problems;
    // Where this run's licence periods were found, for the next run to go on from.
    meta.licence_key = crate::mine::licence::LICENCE_KEY.to_string();
    meta.licence_tip = (walked.chain.first()).map_or(String::new(), |l| l.commit.to_string());
    meta.licence_links = walked.chain.len();
    meta.licence_now = options.now;
    meta.loc_problems = loc_problems.each_ref().map(|ids| hex_ids(ids));
    meta.loc_ignored_attributes = hex_ids(&problems.ignored_attributes);
    if let Some(mut frame) = walked.release_churn {
        staged.write(Table::ReleaseChurn, &mut frame)?;
    }
    staged.commit(&meta, &carry)?;
    Ok(RepoOutcome {
        summary,
        findings,
        loc_stats: counted.result.stats,
        timings: Vec::new(),
        up_to_date: false,
        age_links: age.map_or(0, |a| a.followed),
        changes: job.changes(),
    })
}

/// What the tables are made from, borrowed from the stages' results.
pub(super) struct MinedTables<'a> {
    pub(super) walked: &'a Walked,
    pub(super) activity_rows: &'a [activity::ActivityRow],
    pub(super) snapshots: &'a [snapshot::Snapshot],
    pub(super) counted: &'a Counted,
}

pub(super) fn mined_tables<'a>(
    walked: &'a Walked,
    activity_rows: &'a [activity::ActivityRow],
    snapshots: &'a [snapshot::Snapshot],
    counted: &'a Counted,
) -> MinedTables<'a> {
    MinedTables {
        walked,
        activity_rows,
        snapshots,
        counted,
    }
}

/// Writes every table of this run but the walk state into `staged`, a few at a time (each
/// group encoded in parallel, then dropped); returns the tables to carry over from the stored
/// generation (without counted lines, the stored line state is kept for a later full run).
pub(super) fn write_tables(
    job: &Job<'_>,
    m: &MinedTables<'_>,
    findings: &[Finding],
    age: Option<&LineAgeOutcome>,
    (staged, clock): (&crate::store::Staged, &mut Stopwatch),
) -> Result<Vec<Table>, AnalyzeError> {
    let (name, now) = (job.name, job.options.now);
    let resume = licence_resume(job);
    let licences =
        crate::mine::licence::licence_periods(&job.repo.repo, &m.walked.chain, now, resume);
    let dependencies = declared_dependencies(job);
    clock.lap("licences and dependencies");
    let history = &m.walked.history;
    let chain: Vec<gix::ObjectId> = m.walked.chain.iter().map(|l| l.commit).collect();
    let evidence = crate::mine::evidence::monthly_evidence(history, &chain, now);
    let missing = &m.counted.result.missing_files;
    let mut frames = vec![
        (Table::Commits, tables::commits_frame(name, history, now)?),
        (
            Table::Activity,
            tables::activity_frame(name, m.activity_rows)?,
        ),
        (Table::Loc, tables::loc_frame(name, &m.counted.rows)?),
        (
            Table::MissingFiles,
            tables::missing_files_frame(name, missing)?,
        ),
        (
            Table::Practices,
            tables::practices_frame(name, &m.counted.practices)?,
        ),
        (
            Table::DataQuality,
            tables::data_quality_frame(name, findings)?,
        ),
        (
            Table::Snapshots,
            tables::snapshots_frame(name, m.snapshots)?,
        ),
        (
            Table::Releases,
            tables::releases_frame(name, &m.walked.releases)?,
        ),
        (Table::Evidence, tables::evidence_frame(name, &evidence)?),
        (
            Table::Organisations,
            tables::organisations_frame(
                name,
                &crate::mine::activity::organisations(
                    history,
                    now,
                    &job.options.rules.organisations,
                ),
            )?,
        ),
    ];
    frames.push((Table::Licences, tables::licences_frame(name, &licences)?));
    frames.push((
        Table::Dependencies,
        tables::dependencies_frame(name, &dependencies)?,
    ));
    staged.write_all(&mut frames)?;
    drop(frames);
    if !job.options.rules.count_lines {
        let carry = vec![
            Table::BlobCounts,
            Table::LineAges,
            Table::LanguageCommits,
            Table::VendoredChanges,
            Table::ReleaseChurn,
        ];
        return Ok(carry);
    }
    let cache = &m.counted.result.cache;
    let class_churn = tables::class_churn_frame(name, m.activity_rows)?;
    staged.write_all(&mut [
        (Table::BlobCounts, tables::blob_counts_frame(cache)?),
        (Table::ClassChurn, class_churn),
    ])?;
    staged.write_all(&mut age_frames(name, age)?)?;
    Ok(Vec::new())
}

/// The stored licence periods to go on from: those of a sound generation made under the same
/// licence rules ([`crate::mine::licence::licence_periods`] decides whether the chain still
/// passes through where they were found). A stored table that cannot be read is found afresh.
fn licence_resume(job: &Job<'_>) -> Option<crate::mine::licence::Resume> {
    let previous = job.previous.as_ref()?;
    if previous.licence_key != crate::mine::licence::LICENCE_KEY {
        return None;
    }
    let tip = gix::ObjectId::from_hex(previous.licence_tip.as_bytes()).ok()?;
    let periods = match job.store.load_optional(job.name, Table::Licences) {
        Ok(Some((_, frame))) => tables::licences_from_frame(&frame).map_err(|e| e.to_string()),
        Ok(None) => return None,
        Err(e) => Err(e.to_string()),
    };
    match periods {
        Ok(periods) => Some(crate::mine::licence::Resume {
            periods,
            tip,
            links: previous.licence_links,
            now: previous.licence_now,
        }),
        Err(e) => {
            log::warn!("{}: stored licences not read ({e}); found afresh", job.name);
            None
        }
    }
}

/// The dependencies the tip declares, by temper's own rules only (no `--map`, nothing installed
/// on this machine), so that every run stores the same rows; a manifest that cannot be read is
/// a warning and no rows.
fn declared_dependencies(job: &Job<'_>) -> Vec<crate::mine::deps::Dependency> {
    let mapping = crate::mine::deps::Mapping::default();
    let sources = crate::mine::deps::Sources {
        mapping: &mapping,
        cargo_home: None,
        workdir: None,
    };
    let repo = job.repo;
    match crate::mine::deps::of_commit(&repo.repo, repo.tip, &repo.reference, &sources) {
        Ok(found) => found.unwrap_or_default(),
        Err(e) => {
            log::warn!("{}: dependencies not read: {e}", job.name);
            Vec::new()
        }
    }
}

/// The repository's metadata for this run, without the stages' resume points and problems.
fn repo_meta(job: &Job<'_>, summary: &Summary, findings: &[Finding]) -> RepoMeta {
    RepoMeta {
        name: job.name.to_string(),
        source: job.source.clone(),
        reference: job.repo.reference.clone(),
        tip: job.repo.tip.to_string(),
        analysed_at: job.options.now,
        fetched_at: job.fetched_at(),
        temper_version: env!("CARGO_PKG_VERSION").to_string(),
        format: FORMAT_VERSION,
        counter: counter_id(),
        scope: job.options.rules.scope.description().to_string(),
        classes: job.options.rules.classes.key(),
        inputs: job.keys.inputs.clone(),
        activity_only: !job.options.rules.count_lines,
        summary: Some(summary.clone()),
        findings: findings.to_vec(),
        walk_key: job.keys.walk.clone(),
        churn_key: job.keys.churn.clone(),
        // The stages' resume points and problems: set by the save stage.
        ..Default::default()
    }
}

/// Every object a stage could not use, each once: the walk's and churn's (in `history`), the
/// line counter's of this run, and those that months reused from an earlier run (`earlier`)
/// met then. Also returns the line counter's three lists (missing, corrupt, oversized) to store.
fn gather_problems(
    history: &git::History,
    loc: &loc::LocResult,
    earlier: Option<&RepoMeta>,
) -> (Problems, [Vec<gix::ObjectId>; 3]) {
    let mut loc_problems = [&loc.missing, &loc.corrupt, &loc.oversized].map(|ids| ids.clone());
    for (i, ids) in loc_problems.iter_mut().enumerate() {
        if let Some(p) = earlier {
            ids.extend(object_ids(&p.loc_problems[i]));
        }
        ids.sort();
        ids.dedup();
    }
    let merged = |a: &[gix::ObjectId], b: &[gix::ObjectId]| {
        let mut ids = [a, b].concat();
        ids.sort();
        ids.dedup();
        ids
    };
    let earlier_ignored = earlier.map_or_else(Vec::new, |p| object_ids(&p.loc_ignored_attributes));
    let problems = Problems {
        missing: merged(&history.missing, &loc_problems[0]),
        corrupt: merged(&history.corrupt, &loc_problems[1]),
        oversized: loc_problems[2].clone(),
        shallow: history.shallow.clone(),
        ignored_attributes: merged(&loc.ignored_attributes, &earlier_ignored),
    };
    (problems, loc_problems)
}
