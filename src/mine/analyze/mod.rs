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
mod line_count;
mod render;
mod save;
mod walk;
pub use budget::MemoryBudget;
pub use clock::Lap;
use clock::Stopwatch;
pub use keys::counter_id;
use keys::{age_key, Keys};
use line_age::{age_frames, age_resume, age_stage, LineAgeOutcome};
use line_count::{add_missing_refs, loc_stage, Counted};
pub use render::{finding_notes, render_json, render_summaries, render_timings};
use save::{save_stage, Mined};
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
    /// The repository: its working tree or git directory, or any directory inside it.
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
    /// Which authors are bots (`--bot-pattern`, else the built-in rule).
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
    /// The repositories, analysed one after another (each in parallel inside).
    pub repos: Vec<RepoSpec>,
    /// The store directory the tables go into.
    pub store: PathBuf,
    /// Worker threads of this call's own pool (`--threads`).
    pub threads: usize,
    /// How each repository is mined.
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

/// Why `analyze` failed: nothing of the failing repository was written.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// A repository could not be opened or its ref resolved.
    #[error(transparent)]
    Open(#[from] git::OpenError),
    /// Two repositories resolved to one name.
    #[error("two repositories are both named '{0}'; name each as NAME=PATH")]
    DuplicateName(String),
    /// The store could not be read, locked or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored table could not be read or a new one built.
    #[error(transparent)]
    Table(#[from] TableError),
    /// The worker pool could not start.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// What one repository's analysis produced (serialisable: `run` receives it from the child
/// process that mined the project).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RepoOutcome {
    /// The repository's headline figures (what `analyze` prints and `list` shows).
    pub summary: Summary,
    /// What could not be read or trusted (the `data_quality` table's rows).
    pub findings: Vec<Finding>,
    /// What the line counter did: snapshots counted and reused, blobs decoded.
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

/// Where the repository is, absolute, so `temper list` and the report's provenance say where it
/// was.
fn source_of(repo: &git::Opened) -> String {
    std::fs::canonicalize(&repo.git_dir)
        .unwrap_or_else(|_| repo.git_dir.clone())
        .display()
        .to_string()
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
