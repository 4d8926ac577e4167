//! `temper run`: the scheduled job over a configured list of projects.
//!
//! A TOML file lists the projects (`[[project]]` with `name` and `source`, optionally `ref`,
//! `paths`, `exclude`, `report`, `activity_only`). A source is a local path, or a URL
//! (`https://`, `ssh://`, `git://`, `file://`): a URL is cloned bare with the system's git into the
//! cache directory on the first run and fetched on later ones (see [`crate::run::source`]: the user's
//! git configuration is read for transport only, nothing the repository holds ever runs). Each project is then mined into the
//! store, which reuses everything an earlier run left (new commits, blobs and months only).
//!
//! One failing project (an unreachable URL, a corrupt repository) does not stop the others: it
//! is reported and the run's outcome says so (the binary exits non-zero). The run holds the
//! store's lock throughout, so a second run exits with a clear message instead of writing beside
//! it; every store write is atomic (see [`crate::store`]), so a run killed at any moment leaves
//! the store as the last completed write left it, and the next run resumes. The report goes to a
//! dated folder under the output directory, written beside it and renamed into place.
//!
//! This folder owns the job: where a project's history comes from ([`source`]: a path, or a URL
//! cloned and fetched with the system's git), and how a list of projects is split between the
//! machines of a cluster ([`shard`]), and the status file a run leaves for scripts
//! (`status.rs`: [`RunStatus`]). It may import [`crate::mine`], [`crate::read`],
//! [`crate::store`] and the leaves; only [`crate::cli`] imports it.

pub mod shard;
pub mod source;
mod status;

pub use status::{failed_status, write_status, Previous, ProjectLine, RunStatus};
use status::{previous_scores, PreviousScores};

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::mine::analyze::{self, AnalyzeOptions, MineRules, RepoOutcome, RepoSpec};
use crate::mine::git::BotRule;
use crate::progress::Progress;
use crate::read::report::{self, ReportOptions};
use crate::scope::Scope;
use crate::store::{Store, StoreError};

/// The configuration file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The store [default: as for `analyze`]; relative paths are relative to the config file.
    pub store: Option<PathBuf>,
    /// Where the dated report folders go [default: `reports` beside the config file].
    pub out: Option<PathBuf>,
    /// Where remote sources are cloned [default: `sources` inside the store].
    pub cache: Option<PathBuf>,
    /// The bot pattern for every project [default: temper's].
    pub bot_pattern: Option<String>,
    /// Advisory id patterns for every project, added to the built-in ones (as `analyze
    /// --advisory-pattern`).
    #[serde(default)]
    pub advisory_pattern: Vec<String>,
    /// A file grouping e-mail domains into organisations, read before the built-in mapping (as
    /// `analyze --organisations`); relative to the config file.
    pub organisations: Option<PathBuf>,
    /// The `[[project]]` tables, in order.
    #[serde(rename = "project", default)]
    pub projects: Vec<Project>,
}

/// One `[[project]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The project's name in the store and the report (unique in the file).
    pub name: String,
    /// A local path or a URL.
    pub source: String,
    /// The revision to analyse [default: HEAD, for a URL the remote's default branch].
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// Analyse only these parts of the tree, as `analyze --path` [default: all of it].
    #[serde(default)]
    pub paths: Vec<String>,
    /// Leave out files matching these globs, as `analyze --exclude`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Class rules, `CLASS=GLOB`, as `analyze --class`.
    #[serde(default)]
    pub class: Vec<String>,
    /// Which tags are releases, as `analyze --release-pattern` [default: the version rule].
    pub release_pattern: Option<String>,
    /// Whether the report includes it [default: true].
    #[serde(default = "yes")]
    pub report: bool,
    /// Mine commit activity only (no lines of code, churn or age).
    #[serde(default)]
    pub activity_only: bool,
    /// Fetch the remote's pull-request heads (`refs/pull/*/head`, GitLab's
    /// `refs/merge-requests/*/head`) too, so that review by "rebase and merge" shows: every pull
    /// request ever opened, so the first clone and the walk cost more (firecracker: 4,500 refs).
    #[serde(default)]
    pub pull_refs: bool,
}

fn yes() -> bool {
    true
}

/// A configured project with its rules resolved.
#[derive(Debug, Clone)]
pub struct ProjectRules {
    /// The project as configured.
    pub project: Project,
    /// Its `paths` and `exclude`, checked.
    pub scope: Scope,
    /// Its `class` rules, checked.
    pub classes: crate::mine::class::Classifier,
    /// Its `release_pattern`, checked (the version rule when it has none).
    pub releases: crate::mine::release::ReleaseRule,
}

/// Resolved options for `run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The configuration file, as given (each project is mined by a child process that reads it).
    pub config: PathBuf,
    /// The configured projects, in order, each with its resolved rules.
    pub projects: Vec<ProjectRules>,
    /// Who counts as a bot in every project (the config's `bot_pattern`, else temper's).
    pub bots: BotRule,
    /// The advisory ids counted in every project: the built-in ones and the config's
    /// `advisory_pattern`.
    pub advisories: crate::mine::git::evidence::AdvisoryRule,
    /// The e-mail domains' organisations for every project: the config's
    /// `organisations` file, then the built-in mapping.
    pub organisations: crate::mine::organisations::Organisations,
    /// The config file's directory: relative paths in it are relative to this.
    pub base: PathBuf,
    /// The store (`--store`, else the config's `store`, else as for `analyze`).
    pub store: PathBuf,
    /// Where the dated report folders go (`--out`, else the config's `out`, else
    /// `reports` beside the config file).
    pub out: PathBuf,
    /// Where remote sources are cloned (the config's `cache`, else `sources` inside the
    /// store).
    pub cache: PathBuf,
    /// Worker threads of each project's mining (`--threads`, else one per core).
    pub threads: usize,
    /// The memory budget of each project's mining (`--memory`).
    pub memory: crate::mine::analyze::MemoryBudget,
    /// The time of the run, Unix seconds: dates the report folder and bounds plausible dates.
    pub now: i64,
    /// Mine only this shard's projects (see [`crate::run::shard`]); `None` for all.
    pub shard: Option<crate::run::shard::Shard>,
}

impl RunOptions {
    /// Whether project `name` is this run's (its shard's, or every project without one).
    fn takes(&self, name: &str) -> bool {
        self.shard.is_none_or(|s| s.takes(name))
    }
}

/// Why a run, or reading its configuration, failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The configuration file could not be read.
    #[error("{}", .path.display())]
    Read {
        /// The configuration file.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// The configuration cannot be used: bad TOML, a missing or repeated name, a bad rule, no
    /// store.
    #[error("{}: {message}", .path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The store could not be opened, locked or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The report could not be written.
    #[error("writing the report")]
    Report(#[from] report::ReportError),
    /// A file or folder under the report directory could not be written, renamed or removed.
    #[error("{}", .path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why the operation failed.
        #[source]
        source: std::io::Error,
    },
}

/// The options of a run: the config file read and checked, relative paths resolved against its
/// directory, command-line overrides applied.
pub fn options(
    config_path: &Path,
    store: Option<PathBuf>,
    out: Option<PathBuf>,
    threads: usize,
    now: i64,
) -> Result<RunOptions, RunError> {
    let config = load_config(config_path)?;
    let bad = |message: String| RunError::Config {
        path: config_path.to_path_buf(),
        message,
    };
    let projects = config
        .projects
        .iter()
        .map(|p| {
            let scope = Scope::new(&p.paths, &p.exclude)
                .map_err(|e| bad(format!("project '{}': {e}", p.name)))?;
            let classes = crate::mine::class::Classifier::new(&p.class)
                .map_err(|e| bad(format!("project '{}': {e}", p.name)))?;
            let releases = match &p.release_pattern {
                Some(pattern) => crate::mine::release::ReleaseRule::new(pattern)
                    .map_err(|e| bad(format!("project '{}': {e}", p.name)))?,
                None => Default::default(),
            };
            Ok::<_, RunError>(ProjectRules {
                project: p.clone(),
                scope,
                classes,
                releases,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bots = match &config.bot_pattern {
        Some(pattern) => BotRule::new(pattern).map_err(|e| bad(format!("bot_pattern: {e}")))?,
        None => BotRule::default(),
    };
    let advisories = crate::mine::git::evidence::AdvisoryRule::new(&config.advisory_pattern)
        .map_err(|e| bad(format!("advisory_pattern: {e}")))?;
    let base = config_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let organisations = crate::mine::organisations::Organisations::with_file(
        config
            .organisations
            .as_ref()
            .map(|f| base.join(f))
            .as_deref(),
    )
    .map_err(|e| bad(format!("organisations: {:#}", anyhow::Error::from(e))))?;
    let store = store
        .or_else(|| config.store.as_ref().map(|s| base.join(s)))
        .or_else(Store::default_location)
        .ok_or_else(|| {
            bad(
                "no store location: set `store` in the config, pass --store or set TEMPER_STORE"
                    .into(),
            )
        })?;
    let out = out
        .or_else(|| config.out.as_ref().map(|o| base.join(o)))
        .unwrap_or_else(|| base.join("reports"));
    let cache = config
        .cache
        .as_ref()
        .map_or_else(|| store.join("sources"), |c| base.join(c));
    Ok(RunOptions {
        config: config_path.to_path_buf(),
        projects,
        bots,
        advisories,
        organisations,
        base,
        store,
        out,
        cache,
        threads,
        memory: Default::default(),
        now,
        shard: None,
    })
}

/// Reads a configuration file and checks what its structure cannot say (names and sources
/// present and unique); [`options`] resolves the rest.
fn load_config(path: &Path) -> Result<Config, RunError> {
    let text = std::fs::read_to_string(path).map_err(|source| RunError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |message: String| RunError::Config {
        path: path.to_path_buf(),
        message,
    };
    let config: Config = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if config.projects.is_empty() {
        return Err(bad("no [[project]] is configured".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for p in &config.projects {
        if p.name.trim().is_empty() || p.source.trim().is_empty() {
            return Err(bad("every [[project]] needs a name and a source".into()));
        }
        crate::store::check_name(&p.name).map_err(|e| bad(e.to_string()))?;
        if !seen.insert(p.name.as_str()) {
            return Err(bad(format!("two projects are named '{}'", p.name)));
        }
    }
    Ok(config)
}

/// How one project went.
#[derive(Debug)]
pub enum ProjectStatus {
    /// Mined (or found unchanged) in this run.
    Mined(Box<RepoOutcome>),
    /// Failed; the store keeps what an earlier run stored for it, if anything.
    Failed(String),
}

/// One configured project's part in a run.
#[derive(Debug)]
pub struct ProjectRun {
    /// The project's name in the configuration.
    pub name: String,
    /// Whether it was mined, or why it failed.
    pub status: ProjectStatus,
    /// Seconds spent getting the source (clone or fetch), then mining it.
    pub fetch_seconds: f64,
    /// Seconds spent mining it, once the source was ready.
    pub mine_seconds: f64,
}

/// What a run did.
#[derive(Debug)]
pub struct RunOutcome {
    /// Per configured project of this shard, in order.
    pub projects: Vec<ProjectRun>,
    /// The report folder, when a report was written.
    pub report: Option<PathBuf>,
    /// Whether `OUT/latest` now names that report (not when a run with failures left the day's
    /// good report in place and wrote its own beside it).
    pub latest: bool,
    /// Why `OUT/latest` could not be pointed at the report, if it could not.
    pub latest_error: Option<String>,
    /// Seconds spent writing the report.
    pub report_seconds: f64,
    /// Per project in the store after the run: the tip analysed, and the report's verdict and
    /// score (when the project was reported).
    pub stored: std::collections::BTreeMap<String, StoredProject>,
    /// The time of the run, Unix seconds (as [`RunOptions::now`]).
    pub started: i64,
}

/// A project as the store and the report hold it after a run.
#[derive(Debug, Clone, Default)]
pub struct StoredProject {
    /// The commit the store last analysed.
    pub tip: String,
    /// The report's verdict (e.g. `battle-hardened`); `None` when the project was not
    /// reported or has none.
    pub verdict: Option<String>,
    /// The report's score, 0 to 100; `None` when the project was not reported or has
    /// none.
    pub score: Option<f64>,
    /// The verdict and score in the report `latest` pointed at before this run, and that
    /// report's folder name (its day).
    pub previous: Option<(String, String, f64)>,
    /// What changed since that report, in the words the report uses.
    pub changes: Option<String>,
}

/// Runs the job: every project's source brought up to date and mined, then the report. `log`
/// hears one line per project as it ends (and whether it failed), and one for the report.
pub fn run(
    options: &RunOptions,
    progress: &Progress,
    log: &mut dyn FnMut(&str, bool),
) -> Result<RunOutcome, RunError> {
    let store = Store::create(&options.store)?;
    let _lock = store.lock()?;
    source::collect_leftovers(&options.cache);
    let mut projects = Vec::new();
    let mine = options
        .projects
        .iter()
        .filter(|r| options.takes(&r.project.name));
    for rules in mine {
        let project = mine_project(options, rules, progress);
        let failed = matches!(project.status, ProjectStatus::Failed(_));
        log(&render_project(&project), failed);
        projects.push(project);
    }

    // The report covers the configured projects the store has (a project that failed this time
    // is reported from its earlier run, if it had one).
    let stored: std::collections::BTreeMap<String, StoredProject> = store
        .repos()?
        .into_iter()
        .map(|m| {
            let project = StoredProject {
                tip: m.tip,
                ..Default::default()
            };
            (m.name, project)
        })
        .collect();
    let repos: Vec<String> = options
        .projects
        .iter()
        .map(|r| &r.project)
        .filter(|p| p.report && stored.contains_key(&p.name))
        .filter(|p| options.takes(&p.name))
        .map(|p| p.name.clone())
        .collect();
    let mut outcome = RunOutcome {
        projects,
        report: None,
        latest: false,
        latest_error: None,
        report_seconds: 0.0,
        stored,
        started: options.now,
    };
    if !repos.is_empty() {
        let started = std::time::Instant::now();
        // The scores of the report `latest` points at, read before this run moves it.
        let previous = previous_scores(&options.out);
        if let Some(p) = &previous {
            for (name, (verdict, score)) in &p.scores {
                if let Some(project) = outcome.stored.get_mut(name) {
                    project.previous = Some((p.day.clone(), verdict.clone(), *score));
                }
            }
        }
        publish(options, &repos, &mut outcome)?;
        for name in &repos {
            if let Some(line) = score_line(name, outcome.stored.get(name), previous.as_ref()) {
                log(&line, false);
            }
        }
        outcome.report_seconds = started.elapsed().as_secs_f64();
        if let Some(dir) = &outcome.report {
            let kept = match (outcome.latest, &outcome.latest_error) {
                (true, _) => String::new(),
                (false, Some(e)) => format!(" (latest not updated: {e})"),
                (false, None) => " (the day's good report kept; latest unchanged)".to_string(),
            };
            let line = format!(
                "report: {}{kept} ({:.1} s)",
                dir.display(),
                outcome.report_seconds
            );
            log(&line, false);
        }
    }
    Ok(outcome)
}

/// Brings one project's source up to date and mines it; a failure is the project's status.
fn mine_project(options: &RunOptions, rules: &ProjectRules, progress: &Progress) -> ProjectRun {
    let project = &rules.project;
    let started = std::time::Instant::now();
    let source = source_path(project, options);
    let fetch_seconds = started.elapsed().as_secs_f64();
    let status = match source {
        Err(e) => ProjectStatus::Failed(e.to_string()),
        Ok(source) => mine_in_child(options, project, &source, progress),
    };
    ProjectRun {
        name: project.name.clone(),
        status,
        fetch_seconds,
        mine_seconds: started.elapsed().as_secs_f64() - fetch_seconds,
    }
}

/// Where a project's clone is, its ref, and when this run fetched it (see `source_path`).
pub type Source = (PathBuf, Option<String>, Option<i64>);

/// What `analyze` is asked to do for one configured project: the same options whether the run
/// mines it itself or in a child process.
pub fn project_options(
    options: &RunOptions,
    rules: &ProjectRules,
    (path, reference, fetched_at): Source,
) -> AnalyzeOptions {
    let repos = vec![RepoSpec {
        path,
        reference,
        name: Some(rules.project.name.clone()),
    }];
    let mine = MineRules {
        count_lines: !rules.project.activity_only,
        scope: rules.scope.clone(),
        classes: rules.classes.clone(),
        bots: options.bots.clone(),
        advisories: options.advisories.clone(),
        releases: rules.releases.clone(),
        organisations: options.organisations.clone(),
    };
    AnalyzeOptions {
        threads: options.threads,
        memory: options.memory,
        now: options.now,
        fetched_at,
        // The run holds the store's lock for its children.
        lock: false,
        ..AnalyzeOptions::new(repos, options.store.clone(), mine)
    }
}

/// What the child process that mines one project prints on stdout: its outcome or its error.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub enum ChildReport {
    /// Mined: what `analyze` reports for the project.
    Mined(Box<RepoOutcome>),
    /// Failed, and why.
    Failed(String),
}

/// Mines one project in this process and says how it went (the child's side of
/// `mine_in_child`).
pub fn mine_here(options: &AnalyzeOptions, progress: &Progress) -> ChildReport {
    match analyze::analyze(options, progress).map(|mut o| o.pop()) {
        Ok(Some(outcome)) => ChildReport::Mined(Box::new(outcome)),
        Ok(None) => ChildReport::Failed("nothing was analysed".to_string()),
        Err(e) => ChildReport::Failed(format!("{:#}", anyhow::Error::from(e))),
    }
}

/// Mines `project` in a child process (`temper mine-project`), so that a crash, an abort or an
/// out-of-memory kill is that project's failure, with its reason, and the run goes on to the
/// next project, the report and the status file. The child reads the same configuration, writes
/// the store under this run's lock and inherits stderr (its progress and panic messages).
fn mine_in_child(
    options: &RunOptions,
    project: &Project,
    (path, reference, fetched_at): &Source,
    progress: &Progress,
) -> ProjectStatus {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return ProjectStatus::Failed(format!("cannot find temper's own binary: {e}")),
    };
    let mut command = std::process::Command::new(exe);
    command
        .arg("mine-project")
        .arg(&options.config)
        .arg("--project")
        .arg(&project.name)
        .arg("--store")
        .arg(&options.store)
        .arg("--threads")
        .arg(options.threads.to_string())
        .arg("--memory")
        .arg(options.memory.in_mib().to_string())
        .arg("--now")
        .arg(options.now.to_string())
        .arg("--path")
        .arg(path);
    if let Some(reference) = reference {
        command.arg("--ref").arg(reference);
    }
    if let Some(at) = fetched_at {
        command.arg("--fetched-at").arg(at.to_string());
    }
    if !progress.is_visible() {
        command.arg("--quiet");
    }
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit());
    let output = match command.output() {
        Ok(output) => output,
        Err(e) => return ProjectStatus::Failed(format!("cannot start the miner: {e}")),
    };
    match serde_json::from_slice::<ChildReport>(&output.stdout) {
        Ok(ChildReport::Mined(outcome)) if output.status.success() => ProjectStatus::Mined(outcome),
        Ok(ChildReport::Failed(why)) => ProjectStatus::Failed(why),
        _ => ProjectStatus::Failed(crash_reason(&output.status)),
    }
}

/// Why a child that left no report ended: a signal (an abort, a crash, an out-of-memory kill)
/// or an exit code (101 is a Rust panic, whose message the log shows above).
fn crash_reason(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let what = match signal {
                6 => "aborted (SIGABRT)",
                9 => "killed (SIGKILL: the system may have run out of memory)",
                11 => "crashed (SIGSEGV)",
                _ => "killed by a signal",
            };
            return format!(
                "the miner {what}, signal {signal}; the store keeps the project's earlier run"
            );
        }
    }
    match status.code() {
        Some(101) => "the miner panicked (exit code 101; its message is in the log); the store keeps the project's earlier run".to_string(),
        Some(code) => format!("the miner ended with exit code {code} and no report; the store keeps the project's earlier run"),
        None => "the miner ended without a report".to_string(),
    }
}

/// The run's status file inside each report folder.
pub use crate::read::report::RUN_STATUS;

/// Writes the report into `<out>/<YYYY-MM-DD>` (built in a staging folder beside it, then renamed
/// into place) with the run's status as `run.json`, and points `<out>/latest` at it. A run with
/// failures never replaces a report of the same day whose run had none: it writes
/// `<YYYY-MM-DD>-partial` instead and leaves `latest` alone. Records each reported project's
/// verdict and score in `outcome.stored`.
fn publish(
    options: &RunOptions,
    repos: &[String],
    outcome: &mut RunOutcome,
) -> Result<(), RunError> {
    let day = chrono::DateTime::from_timestamp(options.now, 0).map_or_else(
        || "unknown-date".to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    );
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RunError::Write { path, source }
    };
    std::fs::create_dir_all(&options.out).map_err(io(&options.out))?;
    // Absolute, so the status and the log say where the report is from anywhere.
    let out = std::fs::canonicalize(&options.out).map_err(io(&options.out))?;
    // A killed run's staging and set-aside folders are collected once its process is gone.
    crate::read::report::remove_leftovers(&out, ".tmp-");
    crate::read::report::remove_leftovers(&out, ".old-");
    let staging = out.join(format!(".tmp-{}-{day}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    let written = report::write(&ReportOptions {
        sources: vec![options.store.clone()],
        repos: repos.to_vec(),
        out: staging.clone(),
        // The data's own now (the fetches this run recorded among it), not the run's date.
        as_of: None,
        queries: None,
        // What changed since the report `latest` points at (the previous run's).
        previous: std::fs::canonicalize(out.join("latest")).ok(),
        failed: outcome
            .projects
            .iter()
            .filter_map(|p| match &p.status {
                ProjectStatus::Failed(why) => Some((p.name.clone(), why.clone())),
                ProjectStatus::Mined(_) => None,
            })
            .collect(),
    })?;
    for (name, v) in written.verdicts {
        if let Some(project) = outcome.stored.get_mut(&name) {
            project.verdict = Some(v.verdict).filter(|v| !v.is_empty());
            project.score = v.score;
        }
    }
    for (name, change) in written.changes {
        if let Some(project) = outcome.stored.get_mut(&name) {
            project.changes = Some(change);
        }
    }
    let good_today = |dir: &Path| {
        std::fs::read(dir.join(RUN_STATUS))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<RunStatus>(&bytes).ok())
            .is_some_and(|status| status.ok)
    };
    let mut target = out.join(&day);
    outcome.latest = true;
    if outcome.failures() > 0 && good_today(&target) {
        target = out.join(format!("{day}-partial"));
        outcome.latest = false;
    }
    outcome.report = Some(target.clone());
    let now = || chrono::Utc::now().timestamp();
    write_status(&staging.join(RUN_STATUS), &outcome.status(now()))?;
    let old = out.join(format!(".old-{}-{day}", std::process::id()));
    // A folder of that name that is not a report (a user's own files) is never replaced.
    if let Err(e) = report::report_folder_entries(&target) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e.into());
    }
    if target.exists() {
        std::fs::rename(&target, &old).map_err(io(&target))?;
    }
    std::fs::rename(&staging, &target).map_err(io(&target))?;
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    // A good run's report supersedes the day's partial one.
    let partial = out.join(format!("{day}-partial"));
    if outcome.failures() == 0 && partial.exists() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    if outcome.latest {
        if let Err(e) = point_latest(&out, &target) {
            // The report stands; only the pointer to it could not be made: say so in its status.
            outcome.latest = false;
            outcome.latest_error = Some(format!("{}: {e}", out.join("latest").display()));
            write_status(&target.join(RUN_STATUS), &outcome.status(now()))?;
        }
    }
    Ok(())
}

/// The log line of one reported project's verdict and score, with the change since the report
/// `latest` pointed at before this run: `moby: battle-hardened, score 87.7 (+0.4 since
/// 2026-11-01)`.
fn score_line(
    name: &str,
    stored: Option<&StoredProject>,
    previous: Option<&PreviousScores>,
) -> Option<String> {
    let stored = stored?;
    let score = stored.score?;
    let verdict = stored.verdict.as_deref().unwrap_or("no verdict");
    let change = match previous {
        Some(PreviousScores { day, scores }) => match scores.get(name) {
            Some((was, before)) if was != verdict => {
                format!(" ({:+.1} since {day}, when it was {was})", score - before)
            }
            Some((_, before)) => format!(" ({:+.1} since {day})", score - before),
            None => format!(" (not in the report of {day})"),
        },
        None => String::new(),
    };
    Some(format!("{name}: {verdict}, score {score:.1}{change}"))
}

/// Points `<out>/latest` at `target` (a relative symbolic link, replaced atomically by a rename;
/// where links cannot be made, a `latest` text file naming the folder).
fn point_latest(out: &Path, target: &Path) -> std::io::Result<()> {
    let name = target.file_name().map(Path::new).unwrap_or(target);
    let link = out.join("latest");
    let staged = out.join(format!(".latest-{}", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    #[cfg(unix)]
    std::os::unix::fs::symlink(name, &staged)?;
    #[cfg(not(unix))]
    std::fs::write(&staged, name.display().to_string())?;
    std::fs::rename(&staged, &link)
}

/// The local repository to mine for `project` and the ref to analyse: the path itself, or the
/// cache's clone of the URL after cloning or fetching it.
/// Where project's clone is, its ref, and when this run fetched it (`None` for a local path,
/// whose own `FETCH_HEAD` says when it was last fetched).
fn source_path(
    project: &Project,
    options: &RunOptions,
) -> Result<(PathBuf, Option<String>, Option<i64>), source::SourceError> {
    if !source::is_url(&project.source) {
        let path = options.base.join(&project.source);
        return Ok((path, project.reference.clone(), None));
    }
    let clone = options
        .cache
        .join(format!("{}.git", crate::store::dir_name(&project.name)));
    source::update(&project.source, &clone, project.pull_refs)?;
    // The clone mirrors the remote's branches, so its HEAD is the remote's default branch.
    Ok((clone, project.reference.clone(), Some(options.now)))
}

/// The log line of one project: what was mined, or why it failed.
fn render_project(project: &ProjectRun) -> String {
    let (name, fetched, mined) = (&project.name, project.fetch_seconds, project.mine_seconds);
    match &project.status {
        ProjectStatus::Mined(o) if o.up_to_date => {
            format!("{name}: unchanged since the last run (source {fetched:.1} s, check {mined:.1} s)")
        }
        ProjectStatus::Mined(o) => format!(
            "{name}: mined: {} commits read, {} new blobs counted, {} first-parent commits followed (source {fetched:.1} s, mining {mined:.1} s)",
            o.loc_stats.commits_walked, o.loc_stats.blobs_counted, o.age_links
        ),
        ProjectStatus::Failed(message) => format!("{name}: FAILED: {message}"),
    }
}
