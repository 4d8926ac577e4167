//! `temper analyze`: mine repositories into the store and summarise them.
//!
//! Every repository is opened and its ref resolved before anything is written, so bad input
//! (not a repository, empty, unborn HEAD, unknown ref) fails the whole command with nothing
//! changed. Each repository's tables then replace its previous ones in one atomic store write.

use std::path::PathBuf;

mod keys;
mod render;
pub use keys::counter_id;
use keys::{age_key, Keys};
pub use render::{finding_notes, render_json, render_summaries, render_timings};

use crate::activity::{self, Finding, Problems, Summary};
use crate::churn::{self, age, age::LineAges, age::MonthAge};
use crate::git::{self, snapshot, touch, BotRule, Resolver};
use crate::loc::{self, BlobCache, LocStats};
use crate::month::Month;
use crate::progress::Progress;
use crate::scope::Scope;
use crate::store::{RepoMeta, Store, StoreError, FORMAT_VERSION};
use crate::tables::{self, Table, TableError};

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
    pub classes: crate::class::Classifier,
    pub bots: BotRule,
    /// The advisory ids looked for in messages (`--advisory-pattern`, then the built-in ones).
    pub advisories: git::evidence::AdvisoryRule,
    /// Which tags are releases (`--release-pattern`, else the built-in version rule).
    pub releases: crate::release::ReleaseRule,
    /// Which e-mail domains are one organisation (`--organisations FILE`, then the built-in
    /// mapping).
    pub organisations: crate::organisations::Organisations,
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
    /// Wall time per stage, in order.
    pub timings: Vec<(String, std::time::Duration)>,
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
    let outcome = save_stage(&job, mined)?;
    clock.lap("tables + store");
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

/// What the walk stage hands on: the history in scope (with churn), the first-parent chain and
/// its diffs, and the walk state to store.
struct Walked {
    history: git::History,
    chain: Vec<snapshot::ChainLink>,
    /// The diffs churn made (the first-parent commits' changes and line diffs by blob pair), for
    /// line age.
    diffs: churn::Diffs,
    /// Absent blobs and the paths and commits that name them, as this run's churn met them.
    missing_refs: Vec<churn::MissingRef>,
    /// The `walk` table: every walked commit, in scope or not.
    walk_frame: polars::prelude::DataFrame,
    /// The `release_churn` table (the churn of release branches' commits), when lines count.
    release_churn: Option<polars::prelude::DataFrame>,
    /// The walk's missing, corrupt and shallow-boundary objects, as stored.
    walk_problems: [Vec<String>; 3],
    /// Commits read from the repository in this run.
    walked_new: usize,
    /// The release tags, with their ranges counted over every walked commit.
    releases: Vec<crate::release::Release>,
}

/// Walks the commits (only the new ones when the stored walk allows), marks those in scope,
/// computes the churn of the new ones, and keeps the commits in scope.
fn walk_stage(
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
    let mut diffs = churn::Diffs::default();
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
    crate::release::count_ranges(&mut releases, &[&history, &off_ref]);
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
fn walk_release_branches(
    job: &Job<'_>,
    releases: &[crate::release::Release],
    reachable: &gix::hashtable::HashSet<gix::ObjectId>,
    reader: &git::walk::CommitReader,
) -> git::History {
    let mut known = reachable.clone();
    let mut off_ref = git::History::default();
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
fn reuse_release_churn(job: &Job<'_>, off_ref: &mut git::History) -> Result<(), AnalyzeError> {
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
fn churn_off_ref(
    repo: &git::Opened,
    history: &git::History,
    off_ref: &mut git::History,
    (scope, classes): (&Scope, &crate::class::Classifier),
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

/// What the lines-of-code stage hands on: every month's rows (kept and counted) and the
/// counter's result (cache, problems, statistics).
struct Counted {
    rows: Vec<loc::LocRow>,
    result: loc::LocResult,
    /// The practices the snapshots show, with the months they span (reused months included).
    practices: Vec<crate::practices::PracticeSpan>,
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
    let practices = crate::practices::spans(&result.practices, earlier_practices);
    Ok(Counted {
        rows,
        result,
        practices,
    })
}

/// Progress of the line-age stage: where a resumed run starts on the chain, and each link
/// followed.
struct AgeTicks<'a> {
    start: &'a dyn Fn(usize),
    link: &'a (dyn Fn() + Sync),
}

/// Follows every line along the first-parent chain (see [`line_age`]).
fn age_stage(
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

/// Everything the mining stages produced, for the tables.
struct Mined {
    walked: Walked,
    activity_rows: Vec<activity::ActivityRow>,
    snapshots: Vec<snapshot::Snapshot>,
    counted: Counted,
    age: Option<LineAgeOutcome>,
}

/// Builds every table and the metadata, and replaces the repository's generation in the store.
fn save_stage(job: &Job<'_>, mined: Mined) -> Result<RepoOutcome, AnalyzeError> {
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
    let (mut frames, carry) = frames_of(
        job,
        &mined_tables(&walked, &activity_rows, &snapshots, &counted),
        &findings,
        age.as_ref(),
    )?;
    let mut meta = repo_meta(job, &summary, &findings);
    (meta.age_key, meta.age_tip, meta.age_applied) =
        age_resume(job.previous.as_ref(), age.as_ref(), &walked.chain);
    meta.walk_problems = walked.walk_problems;
    meta.loc_problems = loc_problems.each_ref().map(|ids| hex_ids(ids));
    meta.loc_ignored_attributes = hex_ids(&problems.ignored_attributes);
    frames.push((Table::Walk, walked.walk_frame));
    frames.extend(walked.release_churn.map(|f| (Table::ReleaseChurn, f)));
    job.store.save_repo(&meta, &mut frames, &carry)?;
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

/// Tables to write, with their frames.
type Frames = Vec<(Table, polars::prelude::DataFrame)>;

/// Every table of this run but the walk state, and the tables to carry over from the stored
/// generation (without counted lines, the stored line state is kept for a later full run).
fn frames_of(
    job: &Job<'_>,
    m: &MinedTables<'_>,
    findings: &[Finding],
    age: Option<&LineAgeOutcome>,
) -> Result<(Frames, Vec<Table>), AnalyzeError> {
    let (name, now) = (job.name, job.options.now);
    let history = &m.walked.history;
    let chain: Vec<gix::ObjectId> = m.walked.chain.iter().map(|l| l.commit).collect();
    let evidence = crate::evidence::monthly_evidence(history, &chain, now);
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
                &crate::activity::organisations(history, now, &job.options.rules.organisations),
            )?,
        ),
    ];
    if !job.options.rules.count_lines {
        let carry = vec![
            Table::BlobCounts,
            Table::LineAges,
            Table::LanguageCommits,
            Table::VendoredChanges,
            Table::ReleaseChurn,
        ];
        return Ok((frames, carry));
    }
    let cache = &m.counted.result.cache;
    frames.push((Table::BlobCounts, tables::blob_counts_frame(cache)?));
    let class_churn = tables::class_churn_frame(name, m.activity_rows)?;
    frames.push((Table::ClassChurn, class_churn));
    frames.extend(age_frames(name, age)?);
    Ok((frames, Vec::new()))
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
        age_tip: String::new(),
        age_applied: 0,
        files: Default::default(),
    }
}

/// The tables line age writes: `age`, `language_commits` and its resumable state.
fn age_frames(
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
fn age_resume(
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

/// Churn of the commits from `from` on, written into `history` (with the blobs it could not
/// read, kept with the walk's problems so a later run that reuses this churn still reports
/// them); returns the first-parent commits' changes for line age, which follows the same diffs.
#[allow(clippy::too_many_arguments)]
fn churn_stage(
    repo: &git::Opened,
    history: &mut git::History,
    chain: &[snapshot::ChainLink],
    (scope, classes): (&Scope, &crate::class::Classifier),
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

/// The commits reachable from the tip, and the scope flags of those an earlier run stored. When
/// the stored walk was made under the same key and its tip is an ancestor of the new tip, only new
/// commits are read; otherwise (first run, rewritten history, changed mailmap) everything is.
fn walk_incrementally(
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
struct WalkedHistory {
    history: git::History,
    in_scope: Vec<bool>,
    walked_new: usize,
}

/// The tags dated plausibly, as commits must be (after the Unix epoch, not after the analysis):
/// a tag dated 9999 is no release of 9999-12.
fn plausible_tags(tags: &[git::tags::Tag], now: i64) -> Vec<git::tags::Tag> {
    tags.iter()
        .filter(|t| activity::is_plausible(t.time, now))
        .cloned()
        .collect()
}

/// Adds an earlier run's missing and corrupt objects (`problems`, as stored) to `history`'s: the
/// missing ones the repository still lacks (a clone that got them since has none), the corrupt
/// ones as they were. The problems of a walk are a function of the history, not of the run.
fn carry_problems(repo: &gix::Repository, history: &mut git::History, problems: &[Vec<String>; 3]) {
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
fn stored_walk(job: &Job<'_>) -> Result<Option<(git::History, Vec<bool>)>, AnalyzeError> {
    Ok(job
        .store
        .load_optional(job.name, Table::Walk)?
        .map(|(_, df)| tables::walk_from_frame(&df))
        .transpose()?)
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

/// Month figures of line age for every snapshot, following only the new first-parent links
/// when the stored state was made on the same chain (and under the same scope and counter), and
/// keeping the stored figures of months whose snapshot commit is unchanged. Returns the figures
/// in month order and the new state.
fn line_age(
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
fn vendored_by_month(
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
fn resume_or_restart(
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
struct VendorLink {
    commit: gix::ObjectId,
    package: String,
    added: u64,
    removed: u64,
}

/// The month a first-parent link leads up to: the first month whose snapshot is at or after it.
struct MonthOfLink<'a> {
    position: &'a std::collections::HashMap<gix::ObjectId, usize>,
    marks: Vec<(usize, Month)>,
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
struct LanguageChange {
    commit: gix::ObjectId,
    language: String,
    class: crate::class::Class,
    added: u64,
    removed: u64,
}

/// The stored line-age state, the month figures it still stands for, and the language changes
/// of the links it followed.
#[derive(Default)]
struct ResumedAge {
    state: LineAges,
    kept: std::collections::BTreeMap<Month, MonthAge>,
    changes: Vec<LanguageChange>,
    vendored: Vec<VendorLink>,
}

/// The stored line-age state, when it was made under the same key on a prefix of `chain`;
/// months whose snapshot commit changed are dropped from it.
fn resume_age(
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
fn stored_links(
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
fn languages_by_month(
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
struct LineAgeOutcome {
    months: Vec<MonthAge>,
    state: LineAges,
    /// First-parent links followed in this run.
    followed: usize,
    languages: Vec<tables::LanguageCommit>,
    vendored: Vec<tables::VendoredChange>,
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

/// Wall time per stage of one repository's analysis.
struct Stopwatch {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Stopwatch {
    /// The laps so far, named.
    fn laps(&self) -> Vec<(String, std::time::Duration)> {
        self.laps.iter().map(|(s, d)| (s.to_string(), *d)).collect()
    }

    fn start() -> Stopwatch {
        Stopwatch {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}
