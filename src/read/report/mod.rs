//! `temper report`: projects side by side, as Markdown and one self-contained HTML file.
//!
//! The report opens with a scorecard (one column per project: verdict, score, why, and the
//! figures an architect asks first), then the maturity factors, then the findings and the
//! narrative tables, the charts, and an appendix with every repository's provenance. Every table
//! is the result of one SQL file from `queries/` (compiled into the binary; a file of the same
//! name in `report --queries DIR` replaces it, so the score's formula can change without a
//! rebuild), run over the store or dataset, with "now" the as-of month (`--as-of`, else the
//! latest analysis). Projects appear in order of score unless named. Numbers are formatted for
//! people ([`format`](mod@format)); the CSVs beside the report keep raw values. The HTML embeds its charts as
//! SVG and loads nothing; all text from a repository is escaped. The frame of both files comes
//! from `reports/templates/`.
//!
//! This module runs the queries, orders the projects and writes the folder; what the page shows
//! is one model (`page.rs`), laid out by two writers (`markdown.rs`, `html.rs`); the charts come
//! from `figures.rs`, the decision cards from `glance.rs`, the comparison with an earlier report
//! from `changes.rs`.

use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use crate::month::Month;
use crate::read::chart;
use crate::store::tables::{self, Format};
use crate::store::{Store, StoreError};
use crate::window::Window;

mod changes;
mod figures;
pub mod format;
mod glance;
mod html;
mod markdown;
mod page;

/// The report's tables, in order: title, query file (as shipped in `queries/`), its SQL. The
/// first is the scorecard (shown transposed, one column per project) and the last the appendix.
const SECTIONS: [(&str, &str, &str); 15] = [
    (
        "Scorecard",
        "queries/report_scorecard.sql",
        include_str!("../../../queries/report_scorecard.sql"),
    ),
    (
        "Summary",
        "queries/report_summary.sql",
        include_str!("../../../queries/report_summary.sql"),
    ),
    (
        "Hardening-maturity score",
        "queries/report_maturity.sql",
        include_str!("../../../queries/report_maturity.sql"),
    ),
    (
        "Hardening evidence",
        "queries/report_evidence.sql",
        include_str!("../../../queries/report_evidence.sql"),
    ),
    (
        "Dependencies",
        DEPENDENCIES,
        include_str!("../../../queries/report_dependencies.sql"),
    ),
    (
        "Factoids",
        "queries/report_factoids.sql",
        include_str!("../../../queries/report_factoids.sql"),
    ),
    (
        "Findings: language-mix jumps",
        "queries/findings_language_jumps.sql",
        include_str!("../../../queries/findings_language_jumps.sql"),
    ),
    (
        "Findings: vendored imports and removals",
        "queries/findings_vendored.sql",
        include_str!("../../../queries/findings_vendored.sql"),
    ),
    (
        "Findings: periods of mostly new code",
        "queries/findings_new_code.sql",
        include_str!("../../../queries/findings_new_code.sql"),
    ),
    (
        "Findings: data quality",
        "queries/data_quality.sql",
        include_str!("../../../queries/data_quality.sql"),
    ),
    (
        "Findings: unreadable files",
        "queries/findings_missing_files.sql",
        include_str!("../../../queries/findings_missing_files.sql"),
    ),
    (
        "Language mix now",
        "queries/language_mix_now.sql",
        include_str!("../../../queries/language_mix_now.sql"),
    ),
    (
        "Code age now",
        "queries/code_age_now.sql",
        include_str!("../../../queries/code_age_now.sql"),
    ),
    (
        "Trends",
        TRENDS,
        include_str!("../../../queries/report_trends.sql"),
    ),
    (
        "Provenance",
        "queries/report_provenance.sql",
        include_str!("../../../queries/report_provenance.sql"),
    ),
];

/// The maturity query's file name: its `score` rows order the projects and fill the scorecard's
/// verdict, score and why.
const MATURITY: &str = "queries/report_maturity.sql";

/// The dependencies query: its rows gain each dependency's own verdict and score.
const DEPENDENCIES: &str = "queries/report_dependencies.sql";

/// The monthly series the decision view's sparklines draw (not a section of its own).
const TRENDS: &str = "queries/report_trends.sql";

/// The sections shown as reference: folded (`<details>`) in the HTML, so the page stays short
/// enough to read while everything remains a click away.
const FOLDED: [&str; 8] = [
    "queries/findings_language_jumps.sql",
    "queries/findings_vendored.sql",
    "queries/findings_new_code.sql",
    "queries/data_quality.sql",
    "queries/findings_missing_files.sql",
    "queries/language_mix_now.sql",
    "queries/code_age_now.sql",
    "queries/report_factoids.sql",
];

/// Resolved options for `report`.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The stores and datasets to read (projects of several are compared in one report).
    pub sources: Vec<PathBuf>,
    /// Projects to compare, in this order; all, by score, when empty.
    pub repos: Vec<String>,
    /// The report folder (`--out`): created, or the earlier report in it replaced.
    pub out: PathBuf,
    /// The month "now" is (every last-12-months figure ends with it); the month of the newest
    /// data of the compared projects when `None` ([`crate::window`]).
    pub as_of: Option<Month>,
    /// A directory whose `*.sql` files replace the compiled-in queries of the same name.
    pub queries: Option<PathBuf>,
    /// Projects the `run` that writes this report could not mine, with why: each gets a note.
    pub failed: Vec<(String, String)>,
    /// An earlier report's folder (`report --previous DIR`; `run` passes the report `latest`
    /// pointed at): the report opens with what changed since it.
    pub previous: Option<PathBuf>,
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A store could not be opened, read or merged.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A section's query failed (a shipped one, or one from `--queries`).
    #[error(transparent)]
    Query(#[from] crate::read::query::QueryError),
    /// A chart of the report could not be drawn.
    #[error(transparent)]
    Chart(#[from] chart::ChartError),
    /// A table could not be read, kept to the report's projects or written.
    #[error(transparent)]
    Table(#[from] tables::TableError),
    /// A dataset could not be read into the report's store.
    #[error(transparent)]
    Dataset(#[from] crate::store::dataset::DatasetError),
    /// A file or folder of the report could not be written.
    #[error("{}", .path.display())]
    Write {
        /// The file or folder that could not be written or created.
        path: PathBuf,
        /// Why writing failed.
        #[source]
        source: std::io::Error,
    },
    /// The `--out` folder holds something a report does not write, so it is not replaced.
    #[error(
        "{}: the folder holds '{name}', which temper did not write; give --out an empty or new folder, or one holding an earlier report",
        .dir.display()
    )]
    Foreign {
        /// The folder given to `--out`.
        dir: PathBuf,
        /// The first entry in it a report does not write (shortened for the terminal).
        name: String,
    },
    /// A query file in the `--queries` directory could not be read.
    #[error("{}", .path.display())]
    ReadQuery {
        /// The `--queries` file that could not be read.
        path: PathBuf,
        /// Why reading failed.
        #[source]
        source: std::io::Error,
    },
}

/// What a report wrote.
#[derive(Debug, Clone)]
pub struct ReportOutcome {
    /// The projects reported on, in the report's order (by score unless named).
    pub repos: Vec<String>,
    /// Every file written (tables, charts, `report.md`, `report.html`), at its final path.
    pub files: Vec<PathBuf>,
    /// Per project, in the report's order: its verdict, score and why.
    pub verdicts: Vec<(String, Verdict)>,
    /// Per project, what changed since `--previous`, in words (empty without one).
    pub changes: Vec<(String, String)>,
}

/// Said of each project mined with `--activity-only` (after its name).
const ACTIVITY_ONLY: &str = "was mined with --activity-only: it has commits and contributors but no lines of code, churn or code age, so those figures are empty for it and the maturity factors that need them score nothing.";

/// Said of each project none of whose commits has a plausible date.
const NO_PLAUSIBLE_MONTH: &str = "has no commit with a plausible date (every one is dated at or before 1970-01-01 or after the analysis), so it has no months, no charts and no monthly figures; the data-quality findings list its commits.";

/// One section's query and its result, kept to the report's projects.
struct Section {
    title: &'static str,
    query: &'static str,
    sql: String,
    frame: DataFrame,
}

/// Each project's verdict, score and why-sentence (the maturity query's `score` rows).
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// The verdict in words: "battle-hardened", "maturing", "young or at risk" or
    /// "dormant"; empty when the project has none.
    pub verdict: String,
    /// The score out of 100; `None` when it could not be worked out.
    pub score: Option<f64>,
    /// How many factors git could measure ("13 of 15 factors measured").
    pub coverage: String,
    /// The why-sentence: the strongest and the weakest measured factor, with their figures.
    pub why: String,
}

/// Writes `report.md`, `report.html`, `charts/*.png` and `tables/*.csv` into `options.out`.
///
/// The report is built in a folder beside `out` and put in its place only when complete, so a
/// run killed or failing half-way leaves the earlier report whole (and its staging folder, which
/// the next report removes once the process that made it is gone).
pub fn write(options: &ReportOptions) -> Result<ReportOutcome, ReportError> {
    // A folder of the user's is refused before any work.
    report_folder_entries(&options.out)?;
    // `--out` through a link writes where the link points, as it always did; the link stays.
    let out = match std::fs::symlink_metadata(&options.out) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(&options.out).unwrap_or_else(|_| options.out.clone())
        }
        _ => options.out.clone(),
    };
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return write_sources(options);
    };
    let parent = match parent.as_os_str().is_empty() {
        true => Path::new("."),
        false => parent,
    };
    let name = name.to_string_lossy().into_owned();
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Write { path, source }
    };
    std::fs::create_dir_all(parent).map_err(write_err(parent))?;
    let pid = std::process::id();
    remove_leftovers(parent, &format!(".{name}.tmp-"));
    remove_leftovers(parent, &format!(".{name}.old-"));
    let staging = parent.join(format!(".{name}.tmp-{pid}"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(write_err(&staging))?;
    }
    let staged = ReportOptions {
        out: staging.clone(),
        ..options.clone()
    };
    let mut outcome = match write_sources(&staged) {
        Ok(outcome) => outcome,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            // The user asked for `out`: an error names where the file was to go, not the
            // staging folder it was written in.
            return Err(match e {
                ReportError::Write { path, source } => ReportError::Write {
                    path: path
                        .strip_prefix(&staging)
                        .map_or(path.clone(), |inside| options.out.join(inside)),
                    source,
                },
                other => other,
            });
        }
    };
    let old = parent.join(format!(".{name}.old-{pid}"));
    if out.exists() {
        std::fs::rename(&out, &old).map_err(write_err(&options.out))?;
    }
    std::fs::rename(&staging, &out).map_err(write_err(&options.out))?;
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    for file in &mut outcome.files {
        if let Ok(inside) = file.strip_prefix(&staging) {
            *file = options.out.join(inside);
        }
    }
    Ok(outcome)
}

/// Removes the entries of `dir` named `PREFIX<pid>...` whose process has ended (a killed report's
/// or run's staging folder, or a report's temporary store). Where that cannot be known (no
/// `/proc`), nothing goes.
pub(crate) fn remove_leftovers(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let pid: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let proc = Path::new("/proc");
        if pid.is_empty() || !proc.is_dir() || proc.join(&pid).exists() {
            continue;
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// [`write`] without the staging: straight into `options.out`.
fn write_sources(options: &ReportOptions) -> Result<ReportOutcome, ReportError> {
    match options.sources.as_slice() {
        [one] if !crate::store::dataset::is_hive(one) => write_from(options, one),
        sources => {
            // Several sources, or a Hive-layout dataset: one store of them all, for the report's
            // lifetime (named by the process, so a killed report's is collected by the next).
            let prefix = "temper-report-";
            remove_leftovers(&std::env::temp_dir(), prefix);
            let merged = tempfile::Builder::new()
                .prefix(&format!("{prefix}{}-", std::process::id()))
                .tempdir()
                .map_err(|source| ReportError::Write {
                    path: std::env::temp_dir(),
                    source,
                })?;
            let (hive, stores): (Vec<PathBuf>, Vec<PathBuf>) = sources
                .iter()
                .cloned()
                .partition(|s| crate::store::dataset::is_hive(s));
            let store = Store::union(&stores, merged.path(), &options.repos)?;
            for source in &hive {
                crate::store::dataset::hive_into(source, &store, &options.repos)?;
            }
            write_from(options, merged.path())
        }
    }
}

/// [`write`] from the store or dataset at `source`.
fn write_from(options: &ReportOptions, source: &Path) -> Result<ReportOutcome, ReportError> {
    let store = Store::open(source)?;
    let repos = chosen_repos(&store, &options.repos)?;
    let mkdir = |dir: &Path| {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::Write {
            path: dir.to_path_buf(),
            source,
        })
    };
    clear_previous(&options.out)?;
    let (tables_dir, charts_dir) = (options.out.join("tables"), options.out.join("charts"));
    mkdir(&tables_dir)?;
    mkdir(&charts_dir)?;

    let (mut sections, window) = run_sections(options, source, &repos)?;
    let verdicts = verdicts(&sections);
    // Unless the user named them, projects go in order of score (then name).
    let repos = match options.repos.is_empty() {
        true => by_score(repos, &verdicts),
        false => repos,
    };
    let mut files = section_tables(&mut sections, &repos, &verdicts, &tables_dir)?;
    let mut notes = notes(&store, &repos)?;
    add_failed(&mut notes, &options.failed, &repos);
    // Charts need plausible months; projects without any are named in a note instead.
    let dated: Vec<String> = repos
        .iter()
        .filter(|r| {
            !notes
                .iter()
                .any(|(repo, note)| repo == *r && note == NO_PLAUSIBLE_MONTH)
        })
        .cloned()
        .collect();
    let mut figures = Vec::new();
    let now = window.as_ref().map(|w| w.now);
    for (figure, png) in figures::draw_figures(source, &charts_dir, &repos, &dated, now)? {
        figures.push(figure);
        files.push(png);
    }

    crate::store::fault_point("report-half-written");
    let md = options.out.join("report.md");
    let scorecard = sections
        .iter()
        .find(|s| s.query == "queries/report_scorecard.sql")
        .map(|s| &s.frame);
    let changes = match &options.previous {
        Some(dir) => changes::since(dir, &repos, &verdicts, scorecard).unwrap_or_else(|note| {
            notes.push(("--previous".to_string(), note));
            Vec::new()
        }),
        None => Vec::new(),
    };
    let page = page::Page {
        changes: &changes,
        order: match options.repos.is_empty() {
            true => "in order of score",
            false => "in the order given",
        },
        repos: &repos,
        notes: &notes,
        sections: &sections,
        figures: &figures,
        verdicts: &verdicts,
        window: window.as_ref(),
    };
    // One page model, laid out by two writers.
    let model = page::Model::build(&page);
    let markdown = markdown::render(&model);
    write_file(&md, |w| w.write_all(markdown.as_bytes()))?;
    files.push(md);
    let html_path = options.out.join("report.html");
    let html = html::render(&model);
    write_file(&html_path, |w| w.write_all(html.as_bytes()))?;
    files.push(html_path);
    let verdicts = repos
        .iter()
        .map(|r| (r.clone(), verdicts.get(r).cloned().unwrap_or_default()))
        .collect();
    Ok(ReportOutcome {
        repos,
        files,
        verdicts,
        changes,
    })
}

/// What a report writes into its folder: an earlier report's are replaced, so no stale chart or
/// table of a project no longer compared stays behind.
const REPORT_ENTRIES: [&str; 5] = ["report.md", "report.html", "charts", "tables", RUN_STATUS];

/// The status `temper run` leaves in each report folder it writes (so `report --out` into that
/// folder replaces it with the rest).
pub const RUN_STATUS: &str = "run.json";

/// The entries of `dir` when it is a report folder (or absent: none), else the error naming the
/// first entry a report does not write: a folder of the user's is never replaced.
pub fn report_folder_entries(dir: &Path) -> Result<Vec<String>, ReportError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = entries
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|source| ReportError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    if let Some(name) = names.iter().find(|n| !REPORT_ENTRIES.contains(&n.as_str())) {
        return Err(ReportError::Foreign {
            dir: dir.to_path_buf(),
            name: crate::text::terminal(name, crate::text::TERMINAL_CELL_CHARS),
        });
    }
    Ok(names)
}

/// Removes an earlier report from `out`, refusing a folder that holds anything else.
fn clear_previous(out: &Path) -> Result<(), ReportError> {
    let names = report_folder_entries(out)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Write { path, source }
    };
    for name in names {
        let path = out.join(&name);
        match path.is_dir() {
            true => std::fs::remove_dir_all(&path).map_err(io(&path))?,
            false => std::fs::remove_file(&path).map_err(io(&path))?,
        }
    }
    Ok(())
}

/// The projects to report on: those asked for (each must be in the store), else all.
fn chosen_repos(store: &Store, asked: &[String]) -> Result<Vec<String>, ReportError> {
    let known: Vec<String> = store.repos()?.into_iter().map(|m| m.name).collect();
    if known.is_empty() {
        return Err(StoreError::Empty.into());
    }
    if let Some(name) = asked.iter().find(|n| !known.contains(n)) {
        return Err(store.not_here(name).into());
    }
    Ok(if asked.is_empty() {
        known
    } else {
        asked.to_vec()
    })
}

/// Every section's query (the user's where `--queries` has one of the name) run over the store
/// in one window (the asked month, else the newest data of `repos`), kept to `repos`; and that
/// window.
fn run_sections(
    options: &ReportOptions,
    source: &Path,
    repos: &[String],
) -> Result<(Vec<Section>, Option<Window>), ReportError> {
    let mut sections = Vec::new();
    let mut loaded = crate::read::query::Tables::load(source, options.as_of, repos)?;
    for (title, query, shipped) in SECTIONS {
        let name = query.trim_start_matches("queries/");
        let (origin, sql) = match options.queries.as_ref().map(|d| d.join(name)) {
            Some(path) if path.is_file() => {
                let sql =
                    std::fs::read_to_string(&path).map_err(|source| ReportError::ReadQuery {
                        path: path.clone(),
                        source,
                    })?;
                (path, sql)
            }
            _ => (PathBuf::from(query), shipped.to_string()),
        };
        let frame = keep_repos(loaded.run(&origin, &sql)?, repos)?;
        sections.push(Section {
            title,
            query,
            sql,
            frame,
        });
    }
    Ok((sections, loaded.window().cloned()))
}

/// The maturity section's `score` rows, by project.
fn verdicts(sections: &[Section]) -> std::collections::HashMap<String, Verdict> {
    let mut out = std::collections::HashMap::new();
    let Some(s) = sections.iter().find(|s| s.query == MATURITY) else {
        return out;
    };
    let text = |column: &str, i: usize| -> Option<String> {
        let c = s.frame.column(column).ok()?;
        format::cell(column, &c.get(i).ok()?)
    };
    let float = |column: &str, i: usize| -> Option<f64> {
        match s.frame.column(column).ok()?.get(i).ok()? {
            polars::prelude::AnyValue::Float64(v) => Some(v),
            _ => None,
        }
    };
    for i in 0..s.frame.height() {
        if text("factor", i).as_deref() != Some("score") {
            continue;
        }
        let Some(repo) = text("repo", i) else {
            continue;
        };
        out.insert(
            repo,
            Verdict {
                verdict: text("shown", i).unwrap_or_default(),
                score: float("points", i),
                coverage: text("coverage", i).unwrap_or_default(),
                why: text("why", i).unwrap_or_default(),
            },
        );
    }
    out
}

/// Each section's rows kept to `repos` (the dependencies' with their verdicts), written as
/// `tables/<query>.csv`; the files written.
fn section_tables(
    sections: &mut [Section],
    repos: &[String],
    verdicts: &std::collections::HashMap<String, Verdict>,
    tables_dir: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    let mut files = Vec::new();
    for s in sections {
        s.frame = keep_repos(std::mem::take(&mut s.frame), repos)?;
        if s.query == DEPENDENCIES {
            s.frame = with_verdicts(std::mem::take(&mut s.frame), verdicts)?;
        }
        let name = s
            .query
            .trim_start_matches("queries/")
            .trim_end_matches(".sql");
        let file = tables_dir.join(format!("{name}.csv"));
        let mut df = s.frame.clone();
        write_file(&file, |w| {
            tables::write_as(&mut df, Format::Csv, Default::default(), w)
                .map_err(std::io::Error::other)
        })?;
        files.push(file);
    }
    Ok(files)
}

/// `frame` with each row's `dependency`'s verdict, score and coverage (from the maturity query)
/// after that column, so a dependency reads as the project it is.
fn with_verdicts(
    frame: DataFrame,
    verdicts: &std::collections::HashMap<String, Verdict>,
) -> Result<DataFrame, ReportError> {
    use polars::prelude::*;
    let Ok(dependency) = frame.column("dependency").and_then(|c| c.str().cloned()) else {
        return Ok(frame);
    };
    let of = |d: Option<&str>| d.and_then(|d| verdicts.get(d));
    let verdict: Vec<Option<String>> = dependency
        .iter()
        .map(|d| of(d).map(|v| v.verdict.clone()))
        .collect();
    let score: Vec<Option<f64>> = dependency
        .iter()
        .map(|d| of(d).and_then(|v| v.score))
        .collect();
    let coverage: Vec<Option<String>> = dependency
        .iter()
        .map(|d| of(d).map(|v| v.coverage.clone()))
        .collect();
    let mut out = frame;
    let at = out
        .get_column_index("dependency")
        .map_or(out.width(), |i| i + 1);
    let added = [
        Column::new("verdict".into(), verdict),
        Column::new("score".into(), score),
        Column::new("coverage".into(), coverage),
    ];
    for (i, column) in added.into_iter().enumerate() {
        out.insert_column(at + i, column)
            .map_err(tables::TableError::from)?;
    }
    Ok(out)
}

/// `repos` by score, highest first (projects without one last), then by name.
fn by_score(
    mut repos: Vec<String>,
    verdicts: &std::collections::HashMap<String, Verdict>,
) -> Vec<String> {
    let score = |r: &String| {
        verdicts
            .get(r)
            .and_then(|v| v.score)
            .unwrap_or(f64::NEG_INFINITY)
    };
    repos.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| a.cmp(b)));
    repos
}

/// A note, first, for each project the `run` writing this report could not mine, with why.
fn add_failed(notes: &mut Vec<(String, String)>, failed: &[(String, String)], repos: &[String]) {
    for (name, why) in failed {
        let note = match repos.contains(name) {
            true => format!("could not be mined in this run ({why}); its figures are from its previous run."),
            false => format!("could not be mined in this run ({why}) and has no earlier run: it is not in this report."),
        };
        notes.insert(0, (name.clone(), note));
    }
}

/// What the report cannot show of each project, said where a reader looks first: projects with
/// no plausible month, and projects mined with `--activity-only`.
fn notes(store: &Store, repos: &[String]) -> Result<Vec<(String, String)>, ReportError> {
    let mut notes = Vec::new();
    for repo in repos {
        if store.load(repo, tables::Table::Activity)?.height() == 0 {
            notes.push((repo.clone(), NO_PLAUSIBLE_MONTH.to_string()));
        }
        if store.load_optional(repo, tables::Table::Age)?.is_none() {
            notes.push((repo.clone(), ACTIVITY_ONLY.to_string()));
        }
    }
    Ok(notes)
}

fn write_file(
    path: &Path,
    body: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    crate::store::write_output(path, |w| body(w)).map_err(|e| match e {
        StoreError::Io { path, source } => ReportError::Write { path, source },
        other => ReportError::Store(other),
    })
}

/// The rows of `frame` whose `repo` is one of `repos`, in `repos` order (a frame without a
/// `repo` column is kept whole).
fn keep_repos(frame: DataFrame, repos: &[String]) -> Result<DataFrame, ReportError> {
    use polars::prelude::*;
    let Ok(column) = frame.column("repo") else {
        return Ok(frame);
    };
    let names = column.str().map_err(tables::TableError::from)?;
    let mut order: Vec<(usize, IdxSize)> = (0..names.len())
        .filter_map(|i| {
            let at = repos
                .iter()
                .position(|r| Some(r.as_str()) == names.get(i))?;
            Some((at, i as IdxSize))
        })
        .collect();
    // Stable: rows of one project keep the query's order.
    order.sort_by_key(|(at, _)| *at);
    let rows = IdxCa::from_vec("rows".into(), order.into_iter().map(|(_, i)| i).collect());
    Ok(frame.take(&rows).map_err(tables::TableError::from)?)
}
