//! `temper analyze`: mine repositories into the store and summarise them.
//!
//! Every repository is opened and its ref resolved before anything is written, so bad input
//! (not a repository, empty, unborn HEAD, unknown ref) fails the whole command with nothing
//! changed. Each repository's tables then replace its previous ones in one atomic store write.

use std::path::PathBuf;

mod budget;
mod clock;
mod keys;
mod line_age;
mod render;
mod walk;
pub use budget::MemoryBudget;
pub use clock::Lap;
use clock::Stopwatch;
pub use keys::counter_id;
use keys::{age_key, Keys};
use line_age::{age_frames, age_resume, age_stage, LineAgeOutcome};
pub use render::{finding_notes, render_json, render_summaries, render_timings};
use walk::{walk_stage, Walked};

use crate::mine::activity::{self, Finding, Problems, Summary};
use crate::mine::churn::{self, age, age::LineAges, age::MonthAge};
use crate::mine::git::{self, snapshot, touch, BotRule, Resolver};
use crate::mine::loc::{self, BlobCache, LocStats};
use crate::month::Month;
use crate::progress::Progress;
use crate::scope::Scope;
use crate::store::tables::{self, Table, TableError};
use crate::store::{RepoMeta, Store, StoreError, FORMAT_VERSION};

/// One repository to analyse.
#[derive(Debug, Clone)]
pub struct RepoSpec {
    pub path: PathBuf,
    /// The ref to analyse; `HEAD` when absent.
    pub reference: Option<String>,
    /// The name in the store and in every table; derived from the path when absent.
    pub name: Option<String>,
}

/// How to mine a repository: whether lines count, which part of the tree, and the rules that
/// read and classify commits, files and tags. Resolved once, from the flags (`cli`) or from a
/// project's configuration (`run`), and fingerprinted by the stored keys (`keys.rs`).
#[derive(Debug, Clone)]
pub struct MineRules {
    /// Count lines of code (`loc`) and churn; without it only commit activity is mined, and a
    /// stored blob cache is kept for a later full run.
    pub count_lines: bool,
    /// The part of each tree analysed (`--path`, `--exclude`); applies to every table.
    pub scope: Scope,
    /// The code classes' rules (`--class`, then the built-in ones).
    pub classes: crate::mine::class::Classifier,
    pub bots: BotRule,
    /// The advisory ids looked for in messages (`--advisory-pattern`, then the built-in ones).
    pub advisories: git::evidence::AdvisoryRule,
    /// Which tags are releases (`--release-pattern`, else the built-in version rule).
    pub releases: crate::mine::release::ReleaseRule,
    /// Which e-mail domains are one organisation (`--organisations FILE`, then the built-in
    /// mapping).
    pub organisations: crate::mine::organisations::Organisations,
}

impl Default for MineRules {
    /// Everything counted, over the whole tree, under the built-in rules.
    fn default() -> MineRules {
        MineRules {
            count_lines: true,
            scope: Scope::everything(),
            classes: Default::default(),
            bots: Default::default(),
            advisories: Default::default(),
            releases: Default::default(),
            organisations: Default::default(),
        }
    }
}

/// Resolved options for `analyze`.
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    pub repos: Vec<RepoSpec>,
    pub store: PathBuf,
    pub threads: usize,
    pub rules: MineRules,
    /// The time of analysis, Unix seconds: the reference for implausible future dates.
    pub now: i64,
    /// When the caller fetched the clone (Unix seconds; `run` sets it), else `None` and git's
    /// own record (`FETCH_HEAD`) is read: part of the data's "now", see [`crate::window`].
    pub fetched_at: Option<i64>,
    /// Take the store's lock for the analysis (`false` when the caller already holds it, as
    /// `run` does for its whole duration).
    pub lock: bool,
    /// What the caches may take (`--memory`), and the line past which a stage's end is reported.
    pub memory: MemoryBudget,
}

impl AnalyzeOptions {
    /// Mining `repos` into `store` under `rules`, now, on every core, with the store locked
    /// for the call; the caller changes what differs (`run` holds the lock itself and knows
    /// when it fetched).
    pub fn new(repos: Vec<RepoSpec>, store: PathBuf, rules: MineRules) -> AnalyzeOptions {
        AnalyzeOptions {
            repos,
            store,
            threads: rayon::current_num_threads().max(1),
            rules,
            now: chrono::Utc::now().timestamp(),
            fetched_at: None,
            lock: true,
            memory: MemoryBudget::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error(transparent)]
    Open(#[from] git::OpenError),
    #[error("two repositories are both named '{0}'; name each as NAME=PATH")]
    DuplicateName(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// What one repository's analysis produced (serialisable: `run` receives it from the child
/// process that mined the project).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RepoOutcome {
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub loc_stats: LocStats,
    /// Wall time per stage, in order, with temper's own memory at its end.
    pub timings: Vec<Lap>,
    /// Nothing had changed since the stored run: nothing was mined or written.
    pub up_to_date: bool,
    /// First-parent commits whose line changes this run followed (line age).
    pub age_links: usize,
    /// What the user chose differently from the stored run of this name (source, ref, scope,
    /// class rules), one sentence each: the tables now follow the new choice (what the stored
    /// run left is reused only where it still holds).
    pub changes: Vec<String>,
}

/// The stored blob-count cache of `name`, if one exists and was written by this counter.
fn load_blob_cache(store: &Store, name: &str) -> Result<BlobCache, AnalyzeError> {
    match store.load_optional(name, Table::BlobCounts)? {
        Some((meta, df)) if meta.counter == counter_id() => Ok(tables::blob_cache_from_frame(&df)?),
        _ => Ok(BlobCache::default()),
    }
}

/// Mines every repository in `options` into the store.
pub fn analyze(
    options: &AnalyzeOptions,
    progress: &Progress,
) -> Result<Vec<RepoOutcome>, AnalyzeError> {
    // A pool of this call's own: every parallel step below runs in it (rayon uses the pool it
    // is called from), so `threads` holds for this call whatever else the process runs.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| AnalyzeError::Threads(e.to_string()))?;
    pool.install(|| analyze_in_pool(options, progress))
}

/// [`analyze`] on the current rayon pool.
fn analyze_in_pool(
    options: &AnalyzeOptions,
    progress: &Progress,
) -> Result<Vec<RepoOutcome>, AnalyzeError> {
    let mut opened = Vec::with_capacity(options.repos.len());
    for spec in &options.repos {
        let repo = git::open(&spec.path, spec.reference.as_deref())?;
        let name = spec
            .name
            .clone()
            .unwrap_or_else(|| repo.default_name.clone());
        crate::store::check_name(&name)?;
        if opened
            .iter()
            .any(|(n, _): &(String, git::Opened)| *n == name)
        {
            return Err(AnalyzeError::DuplicateName(name));
        }
        opened.push((name, repo));
    }
    let store = Store::create(&options.store)?;
    let _lock = if options.lock {
        Some(store.lock()?)
    } else {
        None
    };

    let mut outcomes = Vec::with_capacity(opened.len());
    for (name, repo) in opened {
        outcomes.push(analyze_one(&store, &name, &repo, options, progress)?);
    }
    Ok(outcomes)
}

/// Mines one opened repository into the store, reusing what an earlier run left there: nothing
/// is mined when every input is unchanged, months whose snapshot tree is unchanged keep their
/// stored line counts, and blobs already counted are not counted again.
///
/// The stages run in order, each from typed inputs to a typed result: walk (with churn, which
/// diffs every commit once and hands the first-parent diffs on), monthly activity, lines of code,
/// line age, and the tables.
fn analyze_one(
    store: &Store,
    name: &str,
    repo: &git::Opened,
    options: &AnalyzeOptions,
    progress: &Progress,
) -> Result<RepoOutcome, AnalyzeError> {
    let mut clock = Stopwatch::start();
    let job = Job::new(store, name, repo, options)?;
    if let Some(outcome) = job.up_to_date(&mut clock) {
        if let Some(previous) = &job.previous {
            store.touch(previous, options.now, job.fetched_at(), &job.source)?;
        }
        return Ok(RepoOutcome {
            changes: job.changes(),
            ..outcome
        });
    }
    let mut walked = walk_stage(&job, progress, &mut clock)?;
    // The next generation is written as its tables are made, each dropped once written: at the
    // kernel's size they would otherwise all be held at once (the walk state alone is hundreds
    // of megabytes). A failure before the commit leaves the live generation as it was.
    let staged = store.stage_repo(name)?;
    staged.write(Table::Walk, &mut walked.walk_frame)?;
    walked.walk_frame = polars::prelude::DataFrame::default();
    clock.lap("walk stored");
    let mut activity_rows = activity::monthly_activity(
        &walked.history,
        options.now,
        options.rules.count_lines,
        &options.rules.organisations,
    );
    let months: Vec<Month> = match options.rules.count_lines {
        true => activity_rows.iter().map(|r| r.month).collect(),
        false => Vec::new(),
    };
    let snapshots = snapshot::month_end_snapshots(&walked.chain, &months);
    clock.lap("activity");
    // The stored missing files, read once: the months and the churn this run reuses keep theirs.
    let stored_missing = match job.reusable() {
        Some(_) => job
            .store
            .load_optional(job.name, Table::MissingFiles)?
            .map(|(_, df)| tables::missing_files_from_frame(&df))
            .transpose()?
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let walked_new = walked.walked_new;
    let mut counted = loc_stage(&job, &snapshots, walked_new, &stored_missing, progress)?;
    if options.rules.count_lines {
        let refs = std::mem::take(&mut walked.missing_refs);
        let files = &mut counted.result.missing_files;
        add_missing_refs(&job, &walked.history, refs, &stored_missing, files);
    }
    clock.lap("loc");
    let age = match options.rules.count_lines {
        true => Some(age_stage(&job, &walked, &snapshots, progress)?),
        false => None,
    };
    if let Some(age) = &age {
        add_ages(&mut activity_rows, &age.months);
        clock.lap("age");
    }
    let mined = Mined {
        walked,
        activity_rows,
        snapshots,
        counted,
        age,
    };
    let outcome = save_stage(&job, mined, staged, &mut clock)?;
    clock.lap("store");
    if let Some(lap) = options.memory.overrun(&clock.laps()) {
        log::warn!("{}", options.memory.overrun_message(name, lap));
    }
    Ok(RepoOutcome {
        timings: clock.laps(),
        ..outcome
    })
}

/// What every stage may read about the repository being mined.
struct Job<'a> {
    store: &'a Store,
    name: &'a str,
    repo: &'a git::Opened,
    options: &'a AnalyzeOptions,
    mailmap: Vec<u8>,
    tags: git::tags::Tags,
    /// The clone's pull-request heads (what marks a main-line commit as a pull request's copy).
    pulls: git::pulls::PullHeads,
    keys: Keys,
    /// The stored generation, when it is sound.
    previous: Option<RepoMeta>,
    /// Whether the stored tables were made under the same scope and line counter, so that months
    /// and line-age state can be reused.
    reusable: bool,
    /// Where the repository is, absolute ([`source_of`]).
    source: String,
}

impl<'a> Job<'a> {
    /// When the clone was last fetched: the caller's record, else git's ([`git::last_fetch`]).
    fn fetched_at(&self) -> Option<i64> {
        self.options
            .fetched_at
            .or_else(|| git::last_fetch(&self.repo.git_dir))
    }

    fn new(
        store: &'a Store,
        name: &'a str,
        repo: &'a git::Opened,
        options: &'a AnalyzeOptions,
    ) -> Result<Job<'a>, AnalyzeError> {
        let mailmap = read_mailmap(repo);
        let tags = git::tags::read_tags(&repo.repo);
        let pulls = git::pulls::read_heads(&repo.repo);
        let keys = Keys::new(repo, options, &mailmap, &tags, &pulls);
        let previous = sound_previous(store, name)?;
        let reusable = previous.as_ref().is_some_and(|p| {
            p.counter == counter_id()
                && p.scope == options.rules.scope.description()
                && p.classes == options.rules.classes.key()
        });
        Ok(Job {
            store,
            name,
            repo,
            options,
            mailmap,
            tags,
            pulls,
            keys,
            previous,
            reusable,
            source: source_of(repo),
        })
    }

    /// What differs from the stored run in what the user chose, one sentence each.
    fn changes(&self) -> Vec<String> {
        let Some(p) = &self.previous else {
            return Vec::new();
        };
        let scope = self.options.rules.scope.description();
        let classes = self.options.rules.classes.key();
        let differ = |what: &str, was: &str, now: &str| {
            let shown = |v: &str| match (v.is_empty(), what) {
                (true, "scope") => "the whole tree".to_string(),
                (true, _) => "the built-in ones".to_string(),
                _ => format!("'{v}'"),
            };
            (was != now).then(|| format!("{what} was {}, now {}", shown(was), shown(now)))
        };
        [
            differ("source", &p.source, &self.source),
            differ("ref", &p.reference, &self.repo.reference),
            differ("scope", &p.scope, scope),
            differ("class rules", &p.classes, &classes),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The stored generation, when its tables can be reused.
    fn reusable(&self) -> Option<&RepoMeta> {
        self.previous.as_ref().filter(|_| self.reusable)
    }

    /// The stored outcome, when every input is unchanged.
    fn up_to_date(&self, clock: &mut Stopwatch) -> Option<RepoOutcome> {
        let prev = self
            .previous
            .as_ref()
            .filter(|p| p.inputs == self.keys.inputs)?;
        let summary = prev.summary.clone()?;
        clock.lap("up to date");
        Some(RepoOutcome {
            summary,
            findings: prev.findings.clone(),
            loc_stats: LocStats::default(),
            timings: clock.laps(),
            up_to_date: true,
            age_links: 0,
            changes: Vec::new(),
        })
    }
}

/// What the lines-of-code stage hands on: every month's rows (kept and counted) and the
/// counter's result (cache, problems, statistics).
struct Counted {
    rows: Vec<loc::LocRow>,
    result: loc::LocResult,
    /// The practices the snapshots show, with the months they span (reused months included).
    practices: Vec<crate::mine::practices::PracticeSpan>,
}

/// Counts the snapshots whose tree changed since the stored run, reusing the stored rows of
/// the others and the stored blob counts.
fn loc_stage(
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

/// Everything the mining stages produced, for the tables.
struct Mined {
    walked: Walked,
    activity_rows: Vec<activity::ActivityRow>,
    snapshots: Vec<snapshot::Snapshot>,
    counted: Counted,
    age: Option<LineAgeOutcome>,
}

/// Builds every table and the metadata, and replaces the repository's generation in the store.
fn save_stage(
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
struct MinedTables<'a> {
    walked: &'a Walked,
    activity_rows: &'a [activity::ActivityRow],
    snapshots: &'a [snapshot::Snapshot],
    counted: &'a Counted,
}

fn mined_tables<'a>(
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
fn write_tables(
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

/// Where the repository is, absolute, so `temper list` and the report's provenance say where it
/// was.
fn source_of(repo: &git::Opened) -> String {
    std::fs::canonicalize(&repo.git_dir)
        .unwrap_or_else(|_| repo.git_dir.clone())
        .display()
        .to_string()
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
        walk_problems: Default::default(),
        loc_problems: Default::default(),
        loc_ignored_attributes: Default::default(),
        age_key: String::new(),
        licence_key: String::new(),
        licence_tip: String::new(),
        licence_links: 0,
        licence_now: 0,
        age_tip: String::new(),
        age_applied: 0,
        files: Default::default(),
    }
}

/// The stored generation of `name`, when it is sound: a damaged one (a file not as written,
/// unreadable metadata) is neither reported up to date nor reused, but mined afresh.
fn sound_previous(store: &Store, name: &str) -> Result<Option<RepoMeta>, AnalyzeError> {
    match store.meta(name) {
        Ok(meta) => Ok(meta.filter(|m| store.verify(m).is_ok())),
        Err(StoreError::Meta { .. } | StoreError::Damaged(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Each month's line-age figures copied into its activity row.
fn add_ages(rows: &mut [activity::ActivityRow], ages: &[MonthAge]) {
    let by_month: std::collections::HashMap<Month, &MonthAge> =
        ages.iter().map(|a| (a.month, a)).collect();
    for row in rows {
        if let Some(a) = by_month.get(&row.month) {
            row.median_line_age_days = a.median_age_days;
            row.new_code_share = a.new_code_share;
            row.bus_factor = a.bus_factor;
        }
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

/// Adds to `files` (the missing files the snapshots hold) every absent blob a change names, with
/// its path and commits: this run's churn's, and for the commits whose churn was reused the
/// stored ones that still hold (the blob still absent, the path in scope), so the table is the
/// same whichever way the run went.
fn add_missing_refs(
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

/// Stored `loc` rows of the months whose snapshot tree is unchanged, and the snapshots that
/// must be counted afresh.
fn reusable_rows(
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

/// Object ids as stored in a repository's metadata.
fn hex_ids(ids: &[gix::ObjectId]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

/// Object ids back from a repository's metadata (an unparsable entry is dropped).
fn object_ids(hex: &[String]) -> Vec<gix::ObjectId> {
    hex.iter()
        .filter_map(|h| gix::ObjectId::from_hex(h.as_bytes()).ok())
        .collect()
}

/// The `.mailmap` blob of the analysed commit's tree; empty when there is none or it cannot be
/// read (a missing mailmap only means identities stay unmerged).
fn read_mailmap(repo: &git::Opened) -> Vec<u8> {
    let spec = format!("{}:.mailmap", repo.tip);
    repo.repo
        .rev_parse_single(spec.as_str())
        .ok()
        .and_then(|id| id.object().ok())
        .filter(|o| o.kind == gix::object::Kind::Blob)
        .map(|o| o.detach().data)
        .unwrap_or_default()
}
