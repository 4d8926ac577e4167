//! `temper report`: projects side by side, as Markdown and one self-contained HTML file.
//!
//! The report opens with a scorecard (one column per project: verdict, score, why, and the
//! figures an architect asks first), then the maturity factors, then the findings and the
//! narrative tables, the charts, and an appendix with every repository's provenance. Every table
//! is the result of one SQL file from `queries/` (compiled into the binary; a file of the same
//! name in `report --queries DIR` replaces it, so the score's formula can change without a
//! rebuild), run over the store or dataset, with "now" the as-of month (`--as-of`, else the
//! latest analysis). Projects appear in order of score unless named. Numbers are formatted for
//! people ([`format`]); the CSVs beside the report keep raw values. The HTML embeds its charts as
//! SVG and loads nothing; all text from a repository is escaped. The frame of both files comes
//! from `reports/templates/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use crate::month::Month;
use crate::read::chart::{self, Align, ChartKind, ChartOptions, ImageFormat, ThemeName};
use crate::store::tables::{self, Format};
use crate::store::{Store, StoreError};
use crate::window::Window;

mod changes;
pub mod format;
mod glance;

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

/// The frames of the two reports, with `{{projects}}`, `{{version}}`, `{{sections}}` and
/// `{{charts}}` to fill (see `reports/templates/README.md`).
const MARKDOWN_TEMPLATE: &str = include_str!("../../../reports/templates/report.md");
const HTML_TEMPLATE: &str = include_str!("../../../reports/templates/report.html");

/// Resolved options for `report`.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The stores and datasets to read (projects of several are compared in one report).
    pub sources: Vec<PathBuf>,
    /// Projects to compare, in this order; all, by score, when empty.
    pub repos: Vec<String>,
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

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Query(#[from] crate::read::query::QueryError),
    #[error(transparent)]
    Chart(#[from] chart::ChartError),
    #[error(transparent)]
    Table(#[from] tables::TableError),
    #[error(transparent)]
    Dataset(#[from] crate::store::dataset::DatasetError),
    #[error("{}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{}: the folder holds '{name}', which temper did not write; give --out an empty or new folder, or one holding an earlier report",
        .dir.display()
    )]
    Foreign { dir: PathBuf, name: String },
    #[error("{}", .path.display())]
    ReadQuery {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What a report wrote.
#[derive(Debug, Clone)]
pub struct ReportOutcome {
    pub repos: Vec<String>,
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

struct Section {
    title: &'static str,
    query: &'static str,
    sql: String,
    frame: DataFrame,
}

/// Each project's verdict, score and why-sentence (the maturity query's `score` rows).
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub verdict: String,
    pub score: Option<f64>,
    /// How many factors git could measure ("13 of 15 factors measured").
    pub coverage: String,
    pub why: String,
}

struct Figure {
    title: String,
    png: String,
    svg: String,
    /// A second view of a chart shown open (the calendar-month versions): folded in the HTML.
    extra: bool,
    /// The query of the section the chart illustrates (shown under that section's table).
    section: &'static str,
}

/// The section a chart of the report belongs with, by its file stem.
fn section_of(stem: &str) -> &'static str {
    let ends = |suffix: &str| stem.ends_with(suffix);
    if ends("-loc") || ends("-language-share") {
        "queries/language_mix_now.sql"
    } else if ends("-classes") {
        "queries/findings_vendored.sql"
    } else if ends("-churn") {
        "queries/findings_new_code.sql"
    } else if ends("-age") {
        "queries/code_age_now.sql"
    } else {
        "queries/report_summary.sql"
    }
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
    for (figure, png) in draw_figures(source, &charts_dir, &repos, &dated, now)? {
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
    let page = Page {
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
    let markdown = markdown(&page);
    write_file(&md, |w| w.write_all(markdown.as_bytes()))?;
    files.push(md);
    let html_path = options.out.join("report.html");
    let html = html(&page);
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

/// The report's charts of the `dated` projects (of `compared` in all): the side-by-side ones,
/// then each project's own; a project mined with `--activity-only` has no line charts.
fn draw_figures(
    store: &Path,
    charts_dir: &Path,
    compared: &[String],
    dated: &[String],
    now: Option<Month>,
) -> Result<Vec<(Figure, PathBuf)>, ReportError> {
    // Each project keeps the colour of its place in the report, as on its decision card.
    let draw = |kind, chosen: &[String], align, stem: &str, class| {
        let at = Place {
            stem,
            class,
            now,
            palette: compared,
        };
        draw_figure(store, charts_dir, kind, chosen, align, &at)
    };
    let compared = compared.len();
    let mut out = Vec::new();
    if dated.is_empty() {
        return Ok(out);
    }
    let align = if compared > 1 {
        Align::Age
    } else {
        Align::Calendar
    };
    for (kind, align, stem) in [
        (ChartKind::LastYear, Align::Calendar, "last-year"),
        (ChartKind::Commits, align, "commits"),
        (ChartKind::Contributors, align, "contributors"),
    ] {
        out.push(draw(kind, dated, align, stem, None)?);
    }
    // Side by side, the same series in calendar time too: who was active when.
    if align == Align::Age {
        for (kind, stem) in [
            (ChartKind::Commits, "commits-calendar"),
            (ChartKind::Contributors, "contributors-calendar"),
        ] {
            let (mut figure, png) = draw(kind, dated, Align::Calendar, stem, None)?;
            figure.title = format!("{}, in calendar months", figure.title);
            figure.extra = true;
            out.push((figure, png));
        }
    }
    for repo in dated {
        let one = std::slice::from_ref(repo);
        // The language charts show the project's own code; the classes chart shows the rest.
        let own = Some(crate::mine::class::Class::Code);
        for (kind, what, class) in [
            (ChartKind::Loc, "loc", own),
            (ChartKind::LanguageShare, "language-share", own),
            (ChartKind::Classes, "classes", None),
            (ChartKind::Churn, "churn", own),
            (ChartKind::Age, "age", own),
        ] {
            let stem = format!("{repo}-{what}");
            match draw(kind, one, Align::Calendar, &stem, class) {
                Err(ReportError::Chart(
                    chart::ChartError::Empty(_)
                    | chart::ChartError::Store(StoreError::NotMined { .. }),
                )) => {}
                other => out.push(other?),
            }
        }
    }
    Ok(out)
}

/// Where a report's chart goes and what it shares with the others.
struct Place<'a> {
    /// Its file name without extension.
    stem: &'a str,
    class: Option<crate::mine::class::Class>,
    /// The report's as-of month: the chart's last.
    now: Option<Month>,
    /// The report's projects, whose order gives their colours.
    palette: &'a [String],
}

/// One chart as a PNG in `charts_dir` and as SVG for the HTML, its months ending with the
/// report's now.
fn draw_figure(
    store: &Path,
    charts_dir: &Path,
    kind: ChartKind,
    chosen: &[String],
    align: Align,
    at: &Place<'_>,
) -> Result<(Figure, PathBuf), ReportError> {
    let (stem, class, now) = (at.stem, at.class, at.now);
    let png = charts_dir.join(format!("{}.png", crate::store::dir_name(stem)));
    let options = ChartOptions {
        kind,
        store: store.to_path_buf(),
        repos: chosen.to_vec(),
        out: png.clone(),
        format: ImageFormat::Png,
        size: (1600, 900),
        theme: ThemeName::Light,
        title: None,
        since: None,
        until: now,
        align,
        class,
        by: chart::Period::Month,
        rolling: None,
        ymax: None,
        log: None,
        palette: at.palette.to_vec(),
    };
    let spec = chart::render(&options)?;
    let svg = chart::draw::svg(&spec, &options)?;
    let name = png
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let figure = Figure {
        title: spec.title,
        png: format!("charts/{name}"),
        svg,
        extra: false,
        section: section_of(stem),
    };
    Ok((figure, png))
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

/// A query file's header comment in blocks: prose lines joined into paragraphs (`false`), lines
/// indented past the comment marker kept as they are (`true`), as in a formula.
fn header_blocks(sql: &str) -> Vec<(bool, String)> {
    let mut blocks: Vec<(bool, String)> = Vec::new();
    for line in sql.lines().map_while(|l| l.strip_prefix("--")) {
        let text = line.strip_prefix(' ').unwrap_or(line);
        let literal = text.starts_with("  ");
        match blocks.last_mut() {
            Some((kind, block)) if *kind == literal => {
                block.push(if literal { '\n' } else { ' ' });
                block.push_str(if literal { text } else { text.trim() });
            }
            _ => blocks.push((
                literal,
                if literal { text } else { text.trim() }.to_string(),
            )),
        }
    }
    blocks
}

/// What the two renderings of a report share.
struct Page<'a> {
    /// How the projects are ordered, said in the report's first line.
    order: &'static str,
    repos: &'a [String],
    notes: &'a [(String, String)],
    sections: &'a [Section],
    figures: &'a [Figure],
    verdicts: &'a std::collections::HashMap<String, Verdict>,
    window: Option<&'a Window>,
    /// What changed since the previous report, per project, in words.
    changes: &'a [(String, String)],
}

impl Page<'_> {
    fn section(&self, query: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.query == query)
    }

    /// The as-of month (the one window every query read).
    fn as_of(&self) -> String {
        self.window.map(|w| w.now.to_string()).unwrap_or_default()
    }

    /// How the as-of month was chosen, in words (repository names unescaped).
    fn as_of_basis(&self) -> String {
        self.window
            .map_or_else(|| "no dated commit".to_string(), Window::describe)
    }

    /// The sections of the body: all but the scorecard (on top) and the provenance (appendix).
    fn body(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| {
            ![
                "queries/report_scorecard.sql",
                "queries/report_provenance.sql",
                TRENDS,
            ]
            .contains(&s.query)
        })
    }
}

/// A table for people: headers, and rows of cells (text, whether it is a number).
struct Grid {
    header: Vec<String>,
    rows: Vec<Vec<(String, bool)>>,
}

/// A query result as a table for people (see [`format`]).
fn grid(frame: &DataFrame) -> Grid {
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let rows = (0..frame.height())
        .map(|i| {
            frame
                .columns()
                .iter()
                .zip(&names)
                .map(|(c, name)| match c.get(i) {
                    Ok(v) => (
                        format::cell(name, &v).unwrap_or_default(),
                        format::is_number(&v),
                    ),
                    Err(_) => (String::new(), false),
                })
                .collect()
        })
        .collect();
    Grid {
        header: names.iter().map(|n| format::header(n)).collect(),
        rows,
    }
}

/// The scorecard: one column per project, a row per figure, led by verdict, score and why.
fn scorecard_grid(page: &Page<'_>) -> Option<Grid> {
    let section = page.section("queries/report_scorecard.sql")?;
    let frame = &section.frame;
    let repo_of_row: Vec<String> = (0..frame.height())
        .map(|i| {
            frame
                .column("repo")
                .ok()
                .and_then(|c| format::cell("repo", &c.get(i).ok()?))
                .unwrap_or_default()
        })
        .collect();
    let mut header = vec![String::new()];
    header.extend(repo_of_row.iter().cloned());
    let verdict = |r: &String| page.verdicts.get(r).cloned().unwrap_or_default();
    let mut rows = vec![
        std::iter::once(("Verdict".to_string(), false))
            .chain(repo_of_row.iter().map(|r| (verdict(r).verdict, false)))
            .collect::<Vec<_>>(),
        std::iter::once(("Score (of 100)".to_string(), false))
            .chain(repo_of_row.iter().map(|r| {
                let score = verdict(r).score.map(|v| format!("{v:.1}"));
                (score.unwrap_or_default(), true)
            }))
            .collect(),
        std::iter::once(("Coverage".to_string(), false))
            .chain(repo_of_row.iter().map(|r| (verdict(r).coverage, false)))
            .collect(),
    ];
    for (c, name) in frame.columns().iter().zip(frame.get_column_names()) {
        if name.as_str() == "repo" {
            continue;
        }
        let mut row = vec![(format::header(name), false)];
        for i in 0..frame.height() {
            row.push(match c.get(i) {
                Ok(v) => (
                    format::cell(name, &v).unwrap_or_default(),
                    format::is_number(&v),
                ),
                Err(_) => (String::new(), false),
            });
        }
        rows.push(row);
    }
    Some(Grid { header, rows })
}

/// A few generated sentences per project from its scorecard row: when it began, what it is
/// made of, who works on it now, and its verdict. Every number is the scorecard's.
fn narratives(page: &Page<'_>) -> Vec<(String, String)> {
    let Some(section) = page.section("queries/report_scorecard.sql") else {
        return Vec::new();
    };
    let frame = &section.frame;
    let get = |name: &str, i: usize| -> Option<String> {
        let c = frame.column(name).ok()?;
        format::cell(name, &c.get(i).ok()?).filter(|t| !t.is_empty())
    };
    let mut out = Vec::new();
    for i in 0..frame.height() {
        let Some(repo) = get("repo", i) else {
            continue;
        };
        let mut text = String::new();
        if let (Some(since), Some(years)) = (get("inception", i), get("age_years", i)) {
            let _ = write!(text, "{repo} began in {since} ({years} years ago). ");
        }
        match (get("own_code", i), get("main_language", i)) {
            (Some(lines), Some(lang)) => {
                let share = get("main_language_share", i).unwrap_or_default();
                let _ = write!(
                    text,
                    "It has {lines} lines of its own code, {share} of them {lang}"
                );
                if let Some(v) = get("vendored_share", i).filter(|v| v != "0 %") {
                    let _ = write!(
                        text,
                        ", beside vendored code that makes {v} of all code lines"
                    );
                    if let Some(n) = get("vendored_repositories", i).filter(|n| n != "0") {
                        let _ = write!(text, " (from {n} repositories its manifests name");
                        if let Some(k) = get("vendored_repositories_dormant", i) {
                            let verb = if k == "1" { "is" } else { "are" };
                            let _ = write!(text, "; {k} of those mined beside it {verb} dormant");
                        }
                        text.push(')');
                    }
                }
                text.push_str(". ");
            }
            _ => text.push_str("Its lines of code were not mined. "),
        }
        let months = get("months_since_last_commit", i).unwrap_or_default();
        match (get("commits_per_month_12m", i), get("contributors_12m", i)) {
            (Some(c), Some(p)) if months.parse::<u32>().is_ok_and(|m| m < 12) => {
                let _ = write!(
                    text,
                    "In the last 12 months {p} people made {c} commits a month"
                );
                if let Some(t) = get("commits_trend_yoy", i) {
                    let _ = write!(text, " ({t} on the year before)");
                }
                text.push_str(". ");
            }
            _ => {
                let _ = write!(text, "Its last commit was {months} months ago. ");
            }
        }
        match get("last_release_month", i) {
            Some(m) => {
                let _ = write!(text, "Its last release was in {m}. ");
            }
            None => text.push_str("Git shows no release tags. "),
        }
        if let Some(v) = page.verdicts.get(&repo) {
            let score = v.score.map(|s| format!("{s:.1}")).unwrap_or_default();
            let _ = write!(text, "Verdict: {} ({score} of 100); {}.", v.verdict, v.why);
        }
        if let Some(flags) = get("red_flags", i) {
            let _ = write!(text, " Red flags: {flags}.");
        }
        out.push((repo, text));
    }
    out
}

/// A title's anchor in the HTML page.
fn anchor(title: &str) -> String {
    title
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() {
            true => c.to_ascii_lowercase(),
            false => '-',
        })
        .collect()
}

fn fill(template: &str, page: &Page<'_>, parts: &[(&str, &str)]) -> String {
    let as_of = page.as_of();
    let mut all = vec![
        ("version", env!("CARGO_PKG_VERSION")),
        ("as_of", as_of.as_str()),
        ("order", page.order),
    ];
    all.extend_from_slice(parts);
    crate::text::fill(template, &all)
}

fn markdown_grid(grid: &Grid) -> String {
    let md = |c: &str| crate::text::markdown(c);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| {} |",
        grid.header
            .iter()
            .map(|h| md(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let align: Vec<&str> = (0..grid.header.len())
        .map(|i| {
            let numeric = !grid.rows.is_empty()
                && grid
                    .rows
                    .iter()
                    .all(|r| r.get(i).is_none_or(|c| c.1 || c.0.is_empty()));
            if numeric && i > 0 {
                " ---: |"
            } else {
                " --- |"
            }
        })
        .collect();
    let _ = writeln!(out, "|{}", align.concat());
    for row in &grid.rows {
        let cells: Vec<String> = row.iter().map(|(c, _)| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// The charts `keep` selects, as Markdown image links.
fn markdown_figures(page: &Page<'_>, keep: impl Fn(&Figure) -> bool) -> String {
    let mut out = String::new();
    for f in page.figures.iter().filter(|f| keep(f)) {
        let _ = write!(out, "\n![{}]({})\n", crate::text::markdown(&f.title), f.png);
    }
    out
}

/// The narrowest a chart is shown, in CSS pixels: where its smallest text is 9 px. On a narrower
/// screen the chart scrolls sideways in its frame and the page does not.
fn chart_min_width(svg: &str) -> u32 {
    let number_after = |key: &str, from: usize| -> Option<(f64, usize)> {
        let start = svg[from..].find(key)? + from + key.len();
        let end = svg[start..].find('"')? + start;
        Some((svg[start..end].parse().ok()?, end))
    };
    let key = "viewBox=\"0 0 ";
    let width = svg
        .find(key)
        .and_then(|i| {
            let rest = &svg[i + key.len()..];
            rest.split_whitespace().next()?.parse::<f64>().ok()
        })
        .unwrap_or(1600.0);
    let mut smallest = f64::MAX;
    let mut at = 0;
    while let Some((size, end)) = number_after("font-size=\"", at) {
        if size > 0.0 {
            smallest = smallest.min(size);
        }
        at = end;
    }
    match smallest == f64::MAX {
        true => 0,
        // One pixel over, so rounding in the browser never lands below 9.
        false => ((9.0 * width / smallest).ceil() as u32).saturating_add(1),
    }
}

/// One chart as an inline SVG figure: scaled to the page, no narrower than keeps its text
/// legible ([`chart_min_width`]), its theme colours following the reader's light or dark mode
/// through the page's style sheet.
fn html_figure(f: &Figure) -> String {
    // The SVG comes from plotters, which escapes its text; it is inlined so the file needs
    // nothing else.
    let svg = f
        .svg
        .trim_start_matches(|c| c != '<')
        .trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    format!(
        "<figure class=\"chart\"><div class=\"frame\"><div style=\"min-width:{}px\">{}</div></div>\
         <figcaption>{}</figcaption></figure>\n",
        chart_min_width(svg),
        svg,
        crate::text::html(&f.title)
    )
}

/// The charts `keep` selects, as inline SVG figures; the extra views folded.
fn html_figures(page: &Page<'_>, keep: impl Fn(&Figure) -> bool) -> String {
    let mut out = String::new();
    let mut extra = String::new();
    for f in page.figures.iter().filter(|f| keep(f)) {
        match f.extra {
            true => extra.push_str(&html_figure(f)),
            false => out.push_str(&html_figure(f)),
        }
    }
    if !extra.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>The same in calendar months</summary>{extra}</details>"
        );
    }
    out
}

/// The maturity factors as a matrix: a row per factor, a column per project, the points in the
/// cells (shaded by the share of the factor's most), what was measured in each cell's tooltip.
struct Matrix {
    repos: Vec<String>,
    rows: Vec<FactorRow>,
}

/// One factor of the matrix.
struct FactorRow {
    name: String,
    /// The most points the factor gives.
    most: f64,
    /// Per project, in the report's order: its points (`None`: not measured) and what was
    /// measured, in words.
    cells: Vec<(Option<f64>, String)>,
}

fn matrix(page: &Page<'_>) -> Option<Matrix> {
    let frame = &page.section(MATURITY)?.frame;
    let text = |column: &str, i: usize| -> String {
        frame
            .column(column)
            .ok()
            .and_then(|c| format::cell(column, &c.get(i).ok()?))
            .unwrap_or_default()
    };
    let float = |column: &str, i: usize| -> Option<f64> {
        frame.column(column).ok()?.get(i).ok()?.extract::<f64>()
    };
    let mut rows: Vec<FactorRow> = Vec::new();
    for i in 0..frame.height() {
        let (factor, repo) = (text("factor", i), text("repo", i));
        let Some(col) = page.repos.iter().position(|r| *r == repo) else {
            continue;
        };
        let name = match factor.as_str() {
            "score" => "Score".to_string(),
            f => format::header(f),
        };
        let row = match rows.iter().position(|r| r.name == name) {
            Some(k) => k,
            None => {
                rows.push(FactorRow {
                    name,
                    most: float("max_points", i).unwrap_or_default(),
                    cells: vec![(None, String::new()); page.repos.len()],
                });
                rows.len() - 1
            }
        };
        // `format::cell` says "no" of a factor git could not measure.
        let measured = text("measured", i) != "no";
        rows[row].cells[col] = (float("points", i).filter(|_| measured), text("shown", i));
    }
    Some(Matrix {
        repos: page.repos.to_vec(),
        rows,
    })
}

fn html_matrix(m: &Matrix) -> String {
    let h = |c: &str| crate::text::html(c);
    let mut out = String::from(
        "<div class=\"wide\"><table class=\"matrix\"><thead><tr><th>Factor</th><th class=\"num\">Most</th>",
    );
    for r in &m.repos {
        let _ = write!(out, "<th>{}</th>", h(r));
    }
    out.push_str("</tr></thead><tbody>\n");
    for FactorRow { name, most, cells } in &m.rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td>",
            h(name),
            format::number("points", *most)
        );
        for (points, shown) in cells {
            match points {
                Some(p) => {
                    let share = if *most > 0.0 { p / most } else { 0.0 };
                    let _ = write!(
                        out,
                        "<td class=\"num\" style=\"--p:{:.0}%\" title=\"{}\">{}</td>",
                        share * 100.0,
                        h(shown),
                        h(&format!("{p:.1}"))
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<td class=\"num na\" title=\"{}\">not measured</td>",
                        h(shown)
                    );
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

fn markdown_matrix(m: &Matrix) -> String {
    let mut grid = Grid {
        header: vec!["Factor".to_string(), "Most".to_string()],
        rows: Vec::new(),
    };
    grid.header.extend(m.repos.iter().cloned());
    for FactorRow { name, most, cells } in &m.rows {
        let mut row = vec![
            (name.clone(), false),
            (format::number("points", *most), true),
        ];
        row.extend(cells.iter().map(|(p, _)| match p {
            Some(p) => (format!("{p:.1}"), true),
            None => ("not measured".to_string(), false),
        }));
        grid.rows.push(row);
    }
    markdown_grid(&grid)
}

/// The decision view's cards, built from the page's scorecard and trends.
fn glances(page: &Page<'_>) -> Vec<glance::Glance> {
    glance::glances(
        page.repos,
        page.verdicts,
        page.section("queries/report_scorecard.sql")
            .map(|s| &s.frame),
        page.section(TRENDS).map(|s| &s.frame),
    )
}

fn markdown(page: &Page<'_>) -> String {
    let mut notes = String::new();
    for (repo, note) in page.notes {
        let _ = write!(
            notes,
            "\n**Note:** {} {}\n",
            crate::text::markdown(repo),
            crate::text::markdown(note)
        );
    }
    let mut scorecard = glance::markdown(&glances(page));
    if !page.changes.is_empty() {
        scorecard.push_str("\n### Since the previous report\n\n");
        for (repo, change) in page.changes {
            let _ = writeln!(
                scorecard,
                "- **{}**: {}",
                crate::text::markdown(repo),
                crate::text::markdown(change)
            );
        }
    }
    scorecard.push_str("\n### The figures\n\n");
    scorecard.push_str(
        &scorecard_grid(page)
            .map(|g| markdown_grid(&g))
            .unwrap_or_default(),
    );
    scorecard.push_str("\n### In brief\n\n");
    for (repo, text) in narratives(page) {
        let _ = writeln!(
            scorecard,
            "- **{}**: {}",
            crate::text::markdown(&repo),
            crate::text::markdown(&text)
        );
    }
    let mut toc = String::new();
    let mut out = String::new();
    for s in page.body() {
        let _ = writeln!(toc, "- {}", s.title);
        let _ = write!(out, "\n## {}\n\n", s.title);
        if s.query == MATURITY {
            if let Some(m) = matrix(page) {
                out.push_str(&markdown_matrix(&m));
                out.push_str("\nEach factor's value, rule and source:\n\n");
            }
        }
        let grid = grid(&s.frame);
        if grid.rows.is_empty() {
            out.push_str("Nothing to report.\n");
        } else {
            out.push_str(&markdown_grid(&grid));
        }
        out.push_str(&markdown_figures(page, |f| f.section == s.query));
        let _ = write!(out, "\nHow (from `{}`):\n\n", s.query);
        for (literal, block) in header_blocks(&s.sql) {
            if literal {
                let _ = write!(out, "```text\n{block}\n```\n\n");
            } else {
                let _ = write!(out, "> {}\n\n", crate::text::markdown(&block));
            }
        }
    }
    // Charts of no section shown (none today) keep a section of their own.
    let shown = |f: &Figure| page.body().any(|s| s.query == f.section);
    let mut charts = markdown_figures(page, |f| !shown(f));
    if !charts.is_empty() {
        toc.push_str("- Charts\n");
        charts.insert_str(0, "\n## Charts\n");
    }
    toc.push_str("- Appendix: provenance\n");
    let appendix = page
        .section("queries/report_provenance.sql")
        .map(|s| markdown_grid(&grid(&s.frame)))
        .unwrap_or_default();
    let projects: Vec<String> = page
        .repos
        .iter()
        .map(|r| crate::text::markdown(r))
        .collect();
    fill(
        MARKDOWN_TEMPLATE,
        page,
        &[
            ("projects", &projects.join(", ")),
            ("as_of_basis", &crate::text::markdown(&page.as_of_basis())),
            ("notes", &notes),
            ("scorecard", &scorecard),
            ("toc", &toc),
            ("sections", &out),
            ("charts", &charts),
            ("appendix", &appendix),
        ],
    )
}

fn html_grid(grid: &Grid, class: &str) -> String {
    let h = |c: &str| crate::text::html(c);
    let mut out = format!("<div class=\"wide\"><table class=\"{class}\"><thead><tr>");
    for head in &grid.header {
        let _ = write!(out, "<th>{}</th>", h(head));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in &grid.rows {
        out.push_str("<tr>");
        for (i, (c, number)) in row.iter().enumerate() {
            match (i, number) {
                (0, _) => {
                    let _ = write!(out, "<th scope=\"row\">{}</th>", h(c));
                }
                (_, true) => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", h(c));
                }
                _ => {
                    let _ = write!(out, "<td>{}</td>", h(c));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// The notes on what the report cannot show, in HTML.
fn html_notes(page: &Page<'_>) -> String {
    let h = |c: &str| crate::text::html(c);
    let mut notes = String::new();
    for (repo, note) in page.notes {
        let _ = writeln!(
            notes,
            "<p class=\"note\"><strong>Note:</strong> {} {}</p>",
            h(repo),
            h(note)
        );
    }
    notes
}

/// The decision view and, with `--previous`, what changed since that report, in HTML.
fn html_decision(page: &Page<'_>) -> String {
    let h = |c: &str| crate::text::html(c);
    let mut decision = glance::html(&glances(page));
    if !page.changes.is_empty() {
        decision.push_str("<h3>Since the previous report</h3>\n<ul class=\"changes\">\n");
        for (repo, change) in page.changes {
            let _ = writeln!(
                decision,
                "<li><strong>{}</strong>: {}</li>",
                h(repo),
                h(change)
            );
        }
        decision.push_str("</ul>\n");
    }
    decision
}

/// The scorecard and the paragraph of each project (folded), in HTML.
fn html_scorecard(page: &Page<'_>) -> String {
    let h = |c: &str| crate::text::html(c);
    let mut scorecard = scorecard_grid(page)
        .map(|g| html_grid(&g, "scorecard"))
        .unwrap_or_default();
    scorecard.push_str(
        "<details><summary>In brief: a paragraph per project</summary>\n<ul class=\"brief\">\n",
    );
    for (repo, text) in narratives(page) {
        let _ = writeln!(
            scorecard,
            "<li><strong>{}</strong>: {}</li>",
            h(&repo),
            h(&text)
        );
    }
    scorecard.push_str("</ul></details>\n");
    scorecard
}

/// One body section in HTML: its table (the maturity factors as a matrix, the full table
/// folded), its charts, folded whole when it is reference, and how it was computed.
fn html_section(page: &Page<'_>, s: &Section) -> String {
    let h = |c: &str| crate::text::html(c);
    let mut out = String::new();
    let id = anchor(s.title);
    let title = h(s.title);
    let _ = writeln!(out, "<section id=\"{id}\"><h2>{title}</h2>");
    let grid = grid(&s.frame);
    let figures = html_figures(page, |f| f.section == s.query);
    let mut body = String::new();
    if grid.rows.is_empty() {
        body.push_str("<p>Nothing to report.</p>\n");
    } else if s.query == MATURITY {
        if let Some(m) = matrix(page) {
            out.push_str(&html_matrix(&m));
        }
        let _ = write!(
            body,
            "<details><summary>Each factor's value, rule and source</summary>{}</details>",
            html_grid(&grid, "data")
        );
    } else {
        body.push_str(&html_grid(&grid, "data"));
    }
    body.push_str(&figures);
    match FOLDED.contains(&s.query) {
        true => {
            let charts = page.figures.iter().filter(|f| f.section == s.query).count();
            let mut what = format!(
                "{} {}",
                grid.rows.len(),
                if grid.rows.len() == 1 { "row" } else { "rows" }
            );
            if charts > 0 {
                let _ = write!(
                    what,
                    ", {charts} {}",
                    if charts == 1 { "chart" } else { "charts" }
                );
            }
            let _ = writeln!(
                out,
                "<details class=\"fold\"><summary>Show: {what}</summary>{body}</details>"
            );
        }
        false => out.push_str(&body),
    }
    let _ = writeln!(
        out,
        "<details><summary>How: <code>{}</code></summary>",
        h(s.query)
    );
    for (literal, block) in header_blocks(&s.sql) {
        if literal {
            let _ = writeln!(out, "<pre>{}</pre>", h(&block));
        } else {
            let _ = writeln!(out, "<p class=\"query\">{}</p>", h(&block));
        }
    }
    out.push_str("</details></section>\n");
    out
}

fn html(page: &Page<'_>) -> String {
    let h = |c: &str| crate::text::html(c);
    let notes = html_notes(page);
    let decision = html_decision(page);
    let scorecard = html_scorecard(page);
    let mut toc = String::from("<nav><h2>Contents</h2><ol>");
    let mut out = String::new();
    for s in page.body() {
        let _ = write!(
            toc,
            "<li><a href=\"#{}\">{}</a></li>",
            anchor(s.title),
            h(s.title)
        );
        out.push_str(&html_section(page, s));
    }
    let shown = |f: &Figure| page.body().any(|s| s.query == f.section);
    let mut charts = html_figures(page, |f| !shown(f));
    if !charts.is_empty() {
        toc.push_str("<li><a href=\"#charts\">Charts</a></li>");
        charts.insert_str(0, "<h2 id=\"charts\">Charts</h2>\n");
    }
    toc.push_str("<li><a href=\"#provenance\">Appendix: provenance</a></li></ol></nav>");
    let appendix = page
        .section("queries/report_provenance.sql")
        .map(|s| {
            format!(
                "<details class=\"fold\"><summary>Show: where each project's data comes from</summary>{}</details>",
                html_grid(&grid(&s.frame), "data")
            )
        })
        .unwrap_or_default();
    let projects: Vec<String> = page.repos.iter().map(|r| h(r)).collect();
    fill(
        HTML_TEMPLATE,
        page,
        &[
            ("projects", &projects.join(", ")),
            ("as_of_basis", &h(&page.as_of_basis())),
            ("notes", &notes),
            ("decision", &decision),
            ("scorecard", &scorecard),
            ("toc", &toc),
            ("sections", &out),
            ("charts", &charts),
            ("appendix", &appendix),
        ],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_chart_is_no_narrower_than_keeps_its_smallest_text_at_9_px() {
        let svg = "<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\"><text \
                   font-size=\"35.5\">A</text><text font-size=\"19.2\">b</text></svg>";
        // 9 px at 19.2 of 1600: 750 px, and one more.
        assert_eq!(super::chart_min_width(svg), 751);
        assert_eq!(
            super::chart_min_width("<svg viewBox=\"0 0 800 450\"></svg>"),
            0
        );
    }
}
