//! `temper report`: projects side by side, as Markdown and one self-contained HTML file.
//!
//! Every table in the report is the result of one SQL file from `queries/` (compiled into the
//! binary, and named under the table), run over the store or dataset; every chart is drawn from
//! the stored tables by [`crate::chart`]. The HTML embeds its charts as SVG and loads nothing
//! from anywhere; all text that comes from a repository (names, languages) is escaped. The tables
//! are also written as CSV (spreadsheet-safe) and the charts as PNG beside the reports.
//!
//! Sections: summary, hardening-maturity score (every factor's points), Open Hub factoids,
//! findings (language-mix jumps with the commits behind them, periods of mostly new code, data
//! quality), language mix and code age now; then the charts. Each section quotes its query's
//! header comment, which states the rule and thresholds, so the report carries its own method.
//! The frame of both files comes from `reports/templates/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;

use crate::chart::{self, Align, ChartKind, ChartOptions, ImageFormat, ThemeName};
use crate::store::{Store, StoreError};
use crate::tables::{self, Format};

/// The report's tables, in order: title, query file (as shipped in `queries/`), its SQL.
const SECTIONS: [(&str, &str, &str); 11] = [
    (
        "Summary",
        "queries/report_summary.sql",
        include_str!("../queries/report_summary.sql"),
    ),
    (
        "Hardening-maturity score",
        "queries/report_maturity.sql",
        include_str!("../queries/report_maturity.sql"),
    ),
    (
        "Hardening evidence",
        "queries/report_evidence.sql",
        include_str!("../queries/report_evidence.sql"),
    ),
    (
        "Factoids",
        "queries/report_factoids.sql",
        include_str!("../queries/report_factoids.sql"),
    ),
    (
        "Findings: language-mix jumps",
        "queries/findings_language_jumps.sql",
        include_str!("../queries/findings_language_jumps.sql"),
    ),
    (
        "Findings: vendored imports and removals",
        "queries/findings_vendored.sql",
        include_str!("../queries/findings_vendored.sql"),
    ),
    (
        "Findings: periods of mostly new code",
        "queries/findings_new_code.sql",
        include_str!("../queries/findings_new_code.sql"),
    ),
    (
        "Findings: data quality",
        "queries/data_quality.sql",
        include_str!("../queries/data_quality.sql"),
    ),
    (
        "Findings: unreadable files",
        "queries/findings_missing_files.sql",
        include_str!("../queries/findings_missing_files.sql"),
    ),
    (
        "Language mix now",
        "queries/language_mix_now.sql",
        include_str!("../queries/language_mix_now.sql"),
    ),
    (
        "Code age now",
        "queries/code_age_now.sql",
        include_str!("../queries/code_age_now.sql"),
    ),
];

/// The frames of the two reports, with `{{projects}}`, `{{version}}`, `{{sections}}` and
/// `{{charts}}` to fill (see `reports/templates/README.md`).
const MARKDOWN_TEMPLATE: &str = include_str!("../reports/templates/report.md");
const HTML_TEMPLATE: &str = include_str!("../reports/templates/report.html");

/// Resolved options for `report`.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The store or dataset to read.
    pub store: PathBuf,
    /// Projects to compare; all when empty.
    pub repos: Vec<String>,
    pub out: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Query(#[from] crate::query::QueryError),
    #[error(transparent)]
    Chart(#[from] chart::ChartError),
    #[error(transparent)]
    Table(#[from] tables::TableError),
    #[error("{}", .path.display())]
    Write {
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
}

/// Said of each project mined with `--activity-only` (after its name).
const ACTIVITY_ONLY: &str = "was mined with --activity-only: it has commits and contributors but no lines of code, churn or code age, so those figures are empty for it and the maturity factors that need them score nothing.";

/// Said of each project none of whose commits has a plausible date.
const NO_PLAUSIBLE_MONTH: &str = "has no commit with a plausible date (every one is dated at or before 1970-01-01 or after the analysis), so it has no months, no charts and no monthly figures; the data-quality findings list its commits.";

struct Section {
    title: &'static str,
    query: &'static str,
    sql: &'static str,
    frame: DataFrame,
}

struct Figure {
    title: String,
    png: String,
    svg: String,
}

/// Writes `report.md`, `report.html`, `charts/*.png` and `tables/*.csv` into `options.out`.
pub fn write(options: &ReportOptions) -> Result<ReportOutcome, ReportError> {
    let store = Store::open(&options.store)?;
    let repos = chosen_repos(&store, &options.repos)?;
    let mkdir = |dir: &Path| {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::Write {
            path: dir.to_path_buf(),
            source,
        })
    };
    let (tables_dir, charts_dir) = (options.out.join("tables"), options.out.join("charts"));
    mkdir(&tables_dir)?;
    mkdir(&charts_dir)?;

    let (sections, mut files) = write_sections(&options.store, &tables_dir, &repos)?;
    let notes = notes(&store, &repos)?;
    // Charts need plausible months; projects without any are named in a note instead.
    let dated: Vec<String> = repos
        .iter()
        .filter(|r| {
            !notes
                .iter()
                .any(|(repo, note)| repo == *r && *note == NO_PLAUSIBLE_MONTH)
        })
        .cloned()
        .collect();
    let mut figures = Vec::new();
    for (figure, png) in draw_figures(&options.store, &charts_dir, repos.len(), &dated)? {
        figures.push(figure);
        files.push(png);
    }

    let md = options.out.join("report.md");
    let markdown = markdown(&repos, &notes, &sections, &figures);
    write_file(&md, |w| w.write_all(markdown.as_bytes()))?;
    files.push(md);
    let html_path = options.out.join("report.html");
    let html = html(&repos, &notes, &sections, &figures);
    write_file(&html_path, |w| w.write_all(html.as_bytes()))?;
    files.push(html_path);
    Ok(ReportOutcome { repos, files })
}

/// The projects to report on: those asked for (each must be in the store), else all.
fn chosen_repos(store: &Store, asked: &[String]) -> Result<Vec<String>, ReportError> {
    let known: Vec<String> = store.repos()?.into_iter().map(|m| m.name).collect();
    if known.is_empty() {
        return Err(StoreError::Empty.into());
    }
    if let Some(name) = asked.iter().find(|n| !known.contains(n)) {
        return Err(StoreError::UnknownRepo(name.clone()).into());
    }
    Ok(if asked.is_empty() {
        known
    } else {
        asked.to_vec()
    })
}

/// Every section's query run over the store, kept to `repos` and written as CSV into
/// `tables_dir`; returns the sections and the files written.
fn write_sections(
    store: &Path,
    tables_dir: &Path,
    repos: &[String],
) -> Result<(Vec<Section>, Vec<PathBuf>), ReportError> {
    let mut sections = Vec::new();
    let mut files = Vec::new();
    let mut loaded = crate::query::Tables::load(store)?;
    for (title, query, sql) in SECTIONS {
        let frame = keep_repos(loaded.run(Path::new(query), sql)?, repos)?;
        let file = tables_dir.join(format!(
            "{}.csv",
            query
                .trim_start_matches("queries/")
                .trim_end_matches(".sql")
        ));
        let mut df = frame.clone();
        write_file(&file, |w| {
            tables::write_as(&mut df, Format::Csv, w).map_err(std::io::Error::other)
        })?;
        files.push(file);
        sections.push(Section {
            title,
            query,
            sql,
            frame,
        });
    }
    Ok((sections, files))
}

/// The report's charts of the `dated` projects (of `compared` in all): the side-by-side ones,
/// then each project's own; a project mined with `--activity-only` has no line charts.
fn draw_figures(
    store: &Path,
    charts_dir: &Path,
    compared: usize,
    dated: &[String],
) -> Result<Vec<(Figure, PathBuf)>, ReportError> {
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
        out.push(draw_figure(
            store, charts_dir, kind, dated, align, stem, None,
        )?);
    }
    for repo in dated {
        let one = std::slice::from_ref(repo);
        // The language charts show the project's own code; the classes chart shows the rest.
        let own = Some(crate::class::Class::Code);
        for (kind, what, class) in [
            (ChartKind::Loc, "loc", own),
            (ChartKind::LanguageShare, "language-share", own),
            (ChartKind::Classes, "classes", None),
            (ChartKind::Churn, "churn", own),
            (ChartKind::Age, "age", own),
        ] {
            let stem = format!("{repo}-{what}");
            match draw_figure(store, charts_dir, kind, one, Align::Calendar, &stem, class) {
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

/// One chart as a PNG in `charts_dir` and as SVG for the HTML.
fn draw_figure(
    store: &Path,
    charts_dir: &Path,
    kind: ChartKind,
    chosen: &[String],
    align: Align,
    stem: &str,
    class: Option<crate::class::Class>,
) -> Result<(Figure, PathBuf), ReportError> {
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
        until: None,
        align,
        class,
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
    };
    Ok((figure, png))
}

/// What the report cannot show of each project, said where a reader looks first: projects with
/// no plausible month, and projects mined with `--activity-only`.
fn notes(store: &Store, repos: &[String]) -> Result<Vec<(String, &'static str)>, ReportError> {
    let mut notes = Vec::new();
    for repo in repos {
        if store.load(repo, tables::Table::Activity)?.height() == 0 {
            notes.push((repo.clone(), NO_PLAUSIBLE_MONTH));
        }
        if store.load_optional(repo, tables::Table::Age)?.is_none() {
            notes.push((repo.clone(), ACTIVITY_ONLY));
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

/// The rows of `frame` whose `repo` is one of `repos`, in `repos` order.
fn keep_repos(frame: DataFrame, repos: &[String]) -> Result<DataFrame, ReportError> {
    use polars::prelude::*;
    let column = frame.column("repo").map_err(tables::TableError::from)?;
    let names = column.str().map_err(tables::TableError::from)?;
    let mask: BooleanChunked = (0..names.len())
        .map(|i| names.get(i).is_some_and(|n| repos.iter().any(|r| r == n)))
        .collect();
    Ok(frame.filter(&mask).map_err(tables::TableError::from)?)
}

/// The cells of a frame as text: header, then rows; numbers rounded for reading.
fn cells(frame: &DataFrame) -> (Vec<String>, Vec<Vec<String>>) {
    use polars::prelude::AnyValue;
    let header = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let rows = (0..frame.height())
        .map(|i| {
            frame
                .columns()
                .iter()
                .map(|c| match c.get(i) {
                    Ok(AnyValue::Null) | Err(_) => String::new(),
                    Ok(AnyValue::String(s)) => s.to_string(),
                    Ok(AnyValue::Float64(v)) => format!("{v:.3}"),
                    Ok(AnyValue::Float32(v)) => format!("{v:.3}"),
                    Ok(v) => v.to_string(),
                })
                .collect()
        })
        .collect();
    (header, rows)
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

fn fill(template: &str, projects: &str, sections: &str, charts: &str) -> String {
    crate::text::fill(
        template,
        &[
            ("projects", projects),
            ("version", env!("CARGO_PKG_VERSION")),
            ("charts", charts),
            ("sections", sections),
        ],
    )
}

fn markdown(
    repos: &[String],
    notes: &[(String, &str)],
    sections: &[Section],
    figures: &[Figure],
) -> String {
    let mut out = String::new();
    for (repo, note) in notes {
        let _ = write!(out, "\n**Note:** {} {note}\n", crate::text::markdown(repo));
    }
    for s in sections {
        let (header, rows) = cells(&s.frame);
        let _ = write!(out, "\n## {}\n\nFrom `{}`:\n\n", s.title, s.query);
        for (literal, block) in header_blocks(s.sql) {
            if literal {
                let _ = write!(out, "```text\n{block}\n```\n\n");
            } else {
                let _ = write!(out, "> {}\n\n", crate::text::markdown(&block));
            }
        }
        if rows.is_empty() {
            out.push_str("Nothing to report.\n");
            continue;
        }
        let _ = writeln!(
            out,
            "| {} |",
            header
                .iter()
                .map(|h| crate::text::markdown(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
        for row in rows {
            let _ = writeln!(
                out,
                "| {} |",
                row.iter()
                    .map(|c| crate::text::markdown(c))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
    }
    let mut charts = String::new();
    for f in figures {
        let _ = write!(
            charts,
            "\n![{}]({})\n",
            crate::text::markdown(&f.title),
            f.png
        );
    }
    let projects = repos
        .iter()
        .map(|r| crate::text::markdown(r))
        .collect::<Vec<_>>();
    fill(MARKDOWN_TEMPLATE, &projects.join(", "), &out, &charts)
}

fn html(
    repos: &[String],
    notes: &[(String, &str)],
    sections: &[Section],
    figures: &[Figure],
) -> String {
    let mut out = String::new();
    for (repo, note) in notes {
        let _ = writeln!(
            out,
            "<p class=\"note\"><strong>Note:</strong> {} {note}</p>",
            crate::text::html(repo)
        );
    }
    for s in sections {
        let (header, rows) = cells(&s.frame);
        let _ = write!(
            out,
            "<h2>{}</h2>\n<p class=\"query\">From <code>{}</code>:</p>\n",
            crate::text::html(s.title),
            crate::text::html(s.query)
        );
        for (literal, block) in header_blocks(s.sql) {
            if literal {
                let _ = writeln!(out, "<pre>{}</pre>", crate::text::html(&block));
            } else {
                let _ = writeln!(out, "<p class=\"query\">{}</p>", crate::text::html(&block));
            }
        }
        if rows.is_empty() {
            out.push_str("<p>Nothing to report.</p>\n");
            continue;
        }
        out.push_str("<table><thead><tr>");
        for h in &header {
            let _ = write!(out, "<th>{}</th>", crate::text::html(h));
        }
        out.push_str("</tr></thead><tbody>\n");
        for row in rows {
            out.push_str("<tr>");
            for c in row {
                let _ = write!(out, "<td>{}</td>", crate::text::html(&c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table>\n");
    }
    let mut charts = String::new();
    for f in figures {
        // The SVG comes from plotters, which escapes its text; it is inlined so the file needs
        // nothing else.
        let svg = f
            .svg
            .trim_start_matches(|c| c != '<')
            .trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(
            charts,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            svg,
            crate::text::html(&f.title)
        );
    }
    let projects = repos
        .iter()
        .map(|r| crate::text::html(r))
        .collect::<Vec<_>>();
    fill(HTML_TEMPLATE, &projects.join(", "), &out, &charts)
}
