//! The report's page model: everything `report.md` and `report.html` show, in order, built once
//! from the sections' query results, the charts and the verdicts, as text for people (numbers
//! formatted, nothing escaped: each writer escapes for its own format). The two writers
//! (`markdown.rs`, `html.rs`) only lay this out; a figure, a sentence or a table added here
//! appears in both.

use std::fmt::Write as _;

use polars::prelude::DataFrame;

use super::figures::Figure;
use super::{format, glance, Section, Verdict, FOLDED, MATURITY, TRENDS};
use crate::window::Window;

/// What the page is made from: the report's inputs, borrowed.
pub(super) struct Page<'a> {
    /// How the projects are ordered, said in the report's first line.
    pub(super) order: &'static str,
    pub(super) repos: &'a [String],
    pub(super) notes: &'a [(String, String)],
    pub(super) sections: &'a [Section],
    pub(super) figures: &'a [Figure],
    pub(super) verdicts: &'a std::collections::HashMap<String, Verdict>,
    pub(super) window: Option<&'a Window>,
    /// What changed since the previous report, per project, in words.
    pub(super) changes: &'a [(String, String)],
}

impl Page<'_> {
    fn section(&self, query: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.query == query)
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

/// The report as both writers show it, top to bottom.
pub(super) struct Model<'a> {
    /// How the projects are ordered, in words.
    pub(super) order: &'static str,
    /// The as-of month (the one window every query read), `YYYY-MM`.
    pub(super) as_of: String,
    /// How the as-of month was chosen, in words.
    pub(super) as_of_basis: String,
    /// The projects, in the report's order.
    pub(super) projects: &'a [String],
    /// What the report cannot show of a project: (project, sentence after its name).
    pub(super) notes: &'a [(String, String)],
    /// The decision view: a card per project.
    pub(super) glances: Vec<glance::Glance>,
    /// What changed since the previous report: (project, in words).
    pub(super) changes: &'a [(String, String)],
    /// The scorecard: a column per project, led by verdict, score and coverage.
    pub(super) scorecard: Option<Grid>,
    /// A paragraph per project made from its scorecard column: (project, text).
    pub(super) brief: Vec<(String, String)>,
    /// The body's sections, in order.
    pub(super) parts: Vec<Part<'a>>,
    /// Charts that belong with no section shown (none today): a section of their own.
    pub(super) loose_figures: Vec<&'a Figure>,
    /// Where each project's data comes from.
    pub(super) appendix: Option<Grid>,
}

/// One section of the body.
pub(super) struct Part<'a> {
    pub(super) title: &'static str,
    /// Its anchor in the HTML page.
    pub(super) anchor: String,
    /// The query file it is the result of, as shipped (`queries/NAME.sql`).
    pub(super) query: &'static str,
    pub(super) grid: Grid,
    /// The maturity section's factors as a matrix (no other section has one).
    pub(super) matrix: Option<Matrix>,
    /// Its charts, in order.
    pub(super) figures: Vec<&'a Figure>,
    /// Reference, not decision: folded in the HTML.
    pub(super) folded: bool,
    /// How it was computed: the query's header comment in blocks ([`header_blocks`]).
    pub(super) how: Vec<(bool, String)>,
}

impl<'a> Model<'a> {
    /// The page of `page`'s inputs.
    pub(super) fn build(page: &Page<'a>) -> Model<'a> {
        let body: Vec<&Section> = page.body().collect();
        let parts = body
            .iter()
            .map(|s| Part {
                title: s.title,
                anchor: anchor(s.title),
                query: s.query,
                grid: grid(&s.frame),
                matrix: (s.query == MATURITY).then(|| matrix(page)).flatten(),
                figures: page
                    .figures
                    .iter()
                    .filter(|f| f.section == s.query)
                    .collect(),
                folded: FOLDED.contains(&s.query),
                how: header_blocks(&s.sql),
            })
            .collect();
        let shown = |f: &Figure| body.iter().any(|s| s.query == f.section);
        Model {
            order: page.order,
            as_of: page.window.map(|w| w.now.to_string()).unwrap_or_default(),
            as_of_basis: page
                .window
                .map_or_else(|| "no dated commit".to_string(), Window::describe),
            projects: page.repos,
            notes: page.notes,
            glances: glance::glances(
                page.repos,
                page.verdicts,
                page.section("queries/report_scorecard.sql")
                    .map(|s| &s.frame),
                page.section(TRENDS).map(|s| &s.frame),
            ),
            changes: page.changes,
            scorecard: scorecard_grid(page),
            brief: narratives(page),
            parts,
            loose_figures: page.figures.iter().filter(|f| !shown(f)).collect(),
            appendix: page
                .section("queries/report_provenance.sql")
                .map(|s| grid(&s.frame)),
        }
    }

    /// `template` with the page's version, as-of month and order, and `parts`, filled in.
    pub(super) fn fill(&self, template: &str, parts: &[(&str, &str)]) -> String {
        let mut all = vec![
            ("version", env!("CARGO_PKG_VERSION")),
            ("as_of", self.as_of.as_str()),
            ("order", self.order),
        ];
        all.extend_from_slice(parts);
        crate::text::fill(template, &all)
    }
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

/// A table for people: headers, and rows of cells (text, whether it is a number).
pub(super) struct Grid {
    pub(super) header: Vec<String>,
    pub(super) rows: Vec<Vec<(String, bool)>>,
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

/// The maturity factors as a matrix: a row per factor, a column per project, the points in the
/// cells (shaded by the share of the factor's most), what was measured in each cell's tooltip.
pub(super) struct Matrix {
    pub(super) repos: Vec<String>,
    pub(super) rows: Vec<FactorRow>,
}

/// One factor of the matrix.
pub(super) struct FactorRow {
    pub(super) name: String,
    /// The most points the factor gives.
    pub(super) most: f64,
    /// Per project, in the report's order: its points (`None`: not measured) and what was
    /// measured, in words.
    pub(super) cells: Vec<(Option<f64>, String)>,
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
