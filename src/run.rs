//! `temper run`: the scheduled job over a configured list of projects.
//!
//! A TOML file lists the projects (`[[project]]` with `name` and `source`, optionally `ref`,
//! `paths`, `exclude`, `report`, `activity_only`). A source is a local path, or a URL
//! (`https://`, `ssh://`, `git://`, `file://`): a URL is cloned bare with the system's git into the
//! cache directory on the first run and fetched on later ones (see [`crate::source`]: the user's
//! git configuration is read for transport only, nothing the repository holds ever runs). Each project is then mined into the
//! store, which reuses everything an earlier run left (new commits, blobs and months only).
//!
//! One failing project (an unreachable URL, a corrupt repository) does not stop the others: it
//! is reported and the run's outcome says so (the binary exits non-zero). The run holds the
//! store's lock throughout, so a second run exits with a clear message instead of writing beside
//! it; every store write is atomic (see [`crate::store`]), so a run killed at any moment leaves
//! the store as the last completed write left it, and the next run resumes. The report goes to a
//! dated folder under the output directory, written beside it and renamed into place.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::analyze::{self, AnalyzeOptions, RepoOutcome, RepoSpec};
use crate::git::BotRule;
use crate::progress::Progress;
use crate::report::{self, ReportOptions};
use crate::scope::Scope;
use crate::source;
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
    #[serde(rename = "project", default)]
    pub projects: Vec<Project>,
}

/// One `[[project]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    /// A local path or a URL.
    pub source: String,
    /// The revision to analyse [default: HEAD, for a URL the remote's default branch].
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub paths: Vec<String>,
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
}

fn yes() -> bool {
    true
}

/// A configured project with its rules resolved.
#[derive(Debug, Clone)]
pub struct ProjectRules {
    pub project: Project,
    pub scope: Scope,
    pub classes: crate::class::Classifier,
    pub releases: crate::release::ReleaseRule,
}

/// Resolved options for `run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The configured projects, in order, each with its resolved rules.
    pub projects: Vec<ProjectRules>,
    pub bots: BotRule,
    pub advisories: crate::git::evidence::AdvisoryRule,
    /// The config file's directory: relative paths in it are relative to this.
    pub base: PathBuf,
    pub store: PathBuf,
    pub out: PathBuf,
    pub cache: PathBuf,
    pub threads: usize,
    /// The time of the run, Unix seconds: dates the report folder and bounds plausible dates.
    pub now: i64,
    /// Mine only this shard's projects (see [`crate::shard`]); `None` for all.
    pub shard: Option<crate::shard::Shard>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}", .path.display())]
    Config { path: PathBuf, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing the report")]
    Report(#[from] report::ReportError),
    #[error("{}", .path.display())]
    Write {
        path: PathBuf,
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
            let classes = crate::class::Classifier::new(&p.class)
                .map_err(|e| bad(format!("project '{}': {e}", p.name)))?;
            let releases = match &p.release_pattern {
                Some(pattern) => crate::release::ReleaseRule::new(pattern)
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
    let advisories = crate::git::evidence::AdvisoryRule::new(&config.advisory_pattern)
        .map_err(|e| bad(format!("advisory_pattern: {e}")))?;
    let base = config_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
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
        projects,
        bots,
        advisories,
        base,
        store,
        out,
        cache,
        threads,
        now,
        shard: None,
    })
}

/// Reads a configuration file and checks what its structure cannot say (names and sources
/// present and unique); [`options`] resolves the rest.
pub fn load_config(path: &Path) -> Result<Config, RunError> {
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

/// What a run did.
#[derive(Debug)]
pub struct RunOutcome {
    /// Per configured project, in order: name, status, seconds spent getting the source
    /// (clone or fetch) and mining it.
    pub projects: Vec<(String, ProjectStatus, f64, f64)>,
    /// The report folder, when a report was written.
    pub report: Option<PathBuf>,
    /// Seconds spent writing the report.
    pub report_seconds: f64,
}

impl RunOutcome {
    pub fn failures(&self) -> usize {
        self.projects
            .iter()
            .filter(|p| matches!(p.1, ProjectStatus::Failed(_)))
            .count()
    }
}

/// Runs the job: every project's source brought up to date and mined, then the report.
pub fn run(options: &RunOptions, progress: &Progress) -> Result<RunOutcome, RunError> {
    let store = Store::create(&options.store)?;
    let _lock = store.lock()?;
    source::collect_leftovers(&options.cache);
    let mut projects = Vec::new();
    let mine = options
        .projects
        .iter()
        .filter(|r| options.shard.is_none_or(|s| s.takes(&r.project.name)));
    for rules in mine {
        let project = &rules.project;
        let started = std::time::Instant::now();
        let source = source_path(project, options);
        let fetched = started.elapsed().as_secs_f64();
        let status = match source {
            Err(e) => ProjectStatus::Failed(e.to_string()),
            Ok((path, reference)) => {
                let analyze_options = AnalyzeOptions {
                    repos: vec![RepoSpec {
                        path,
                        reference,
                        name: Some(project.name.clone()),
                    }],
                    store: options.store.clone(),
                    threads: options.threads,
                    bots: options.bots.clone(),
                    count_lines: !project.activity_only,
                    scope: rules.scope.clone(),
                    classes: rules.classes.clone(),
                    advisories: options.advisories.clone(),
                    releases: rules.releases.clone(),
                    now: options.now,
                    lock: false,
                };
                match analyze::analyze(&analyze_options, progress) {
                    Ok(mut outcomes) => ProjectStatus::Mined(Box::new(
                        outcomes.pop().expect("one outcome per repository analysed"),
                    )),
                    Err(e) => ProjectStatus::Failed(format!("{:#}", anyhow::Error::from(e))),
                }
            }
        };
        let mined = started.elapsed().as_secs_f64() - fetched;
        projects.push((project.name.clone(), status, fetched, mined));
    }

    // The report covers the configured projects the store has (a project that failed this time
    // is reported from its earlier run, if it had one).
    let stored: Vec<String> = store.repos()?.into_iter().map(|m| m.name).collect();
    let repos: Vec<String> = options
        .projects
        .iter()
        .map(|r| &r.project)
        .filter(|p| p.report && stored.contains(&p.name))
        .filter(|p| options.shard.is_none_or(|s| s.takes(&p.name)))
        .map(|p| p.name.clone())
        .collect();
    let started = std::time::Instant::now();
    let report = if repos.is_empty() {
        None
    } else {
        Some(write_report(options, &repos)?)
    };
    Ok(RunOutcome {
        projects,
        report,
        report_seconds: started.elapsed().as_secs_f64(),
    })
}

/// Writes the report into `<out>/<YYYY-MM-DD>`: built in a staging folder beside it, then
/// renamed into place, replacing an earlier report of the same day.
fn write_report(options: &RunOptions, repos: &[String]) -> Result<PathBuf, RunError> {
    let day = chrono::DateTime::from_timestamp(options.now, 0).map_or_else(
        || "unknown-date".to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    );
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RunError::Write { path, source }
    };
    std::fs::create_dir_all(&options.out).map_err(io(&options.out))?;
    let staging = options
        .out
        .join(format!(".tmp-{day}-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    report::write(&ReportOptions {
        sources: vec![options.store.clone()],
        repos: repos.to_vec(),
        out: staging.clone(),
        as_of: crate::month::Month::from_unix(options.now),
        queries: None,
    })?;
    let target = options.out.join(&day);
    let old = options
        .out
        .join(format!(".old-{day}-{}", std::process::id()));
    if target.exists() {
        std::fs::rename(&target, &old).map_err(io(&target))?;
    }
    std::fs::rename(&staging, &target).map_err(io(&target))?;
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(target)
}

/// The local repository to mine for `project` and the ref to analyse: the path itself, or the
/// cache's clone of the URL after cloning or fetching it.
fn source_path(
    project: &Project,
    options: &RunOptions,
) -> Result<(PathBuf, Option<String>), source::SourceError> {
    if !source::is_url(&project.source) {
        let path = options.base.join(&project.source);
        return Ok((path, project.reference.clone()));
    }
    let clone = options
        .cache
        .join(format!("{}.git", crate::store::dir_name(&project.name)));
    source::update(&project.source, &clone)?;
    // The clone mirrors the remote's branches, so its HEAD is the remote's default branch.
    Ok((clone, project.reference.clone()))
}

/// One line per project and one for the report, for stdout.
pub fn render(outcome: &RunOutcome) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for (name, status, fetched, mined) in &outcome.projects {
        let _ = match status {
            ProjectStatus::Mined(o) if o.up_to_date => writeln!(
                out,
                "{name}: unchanged since the last run (source {fetched:.1} s, check {mined:.1} s)"
            ),
            ProjectStatus::Mined(o) => writeln!(
                out,
                "{name}: mined: {} commits read, {} new blobs counted, {} first-parent commits followed (source {fetched:.1} s, mining {mined:.1} s)",
                o.loc_stats.commits_walked, o.loc_stats.blobs_counted, o.age_links
            ),
            ProjectStatus::Failed(message) => writeln!(out, "{name}: FAILED: {message}"),
        };
    }
    if let Some(dir) = &outcome.report {
        let _ = writeln!(
            out,
            "report: {} ({:.1} s)",
            dir.display(),
            outcome.report_seconds
        );
    }
    out
}
