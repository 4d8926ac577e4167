//! The Markdown writer: the page model ([`Model`]) laid out in `reports/templates/report.md`,
//! every text from a repository escaped for Markdown, charts as links to their PNGs.

use std::fmt::Write as _;

use super::figures::Figure;
use super::page::{FactorRow, Grid, Matrix, Model};
use super::{format, glance};

/// The frame of `report.md` (see `reports/templates/README.md`).
const TEMPLATE: &str = include_str!("../../../reports/templates/report.md");

/// `report.md` of `model`.
pub(super) fn render(model: &Model<'_>) -> String {
    let md = |c: &str| crate::text::markdown(c);
    let mut notes = String::new();
    for (repo, note) in model.notes {
        let _ = write!(notes, "\n**Note:** {} {}\n", md(repo), md(note));
    }
    let mut scorecard = glance::markdown(&model.glances);
    if !model.changes.is_empty() {
        scorecard.push_str("\n### Since the previous report\n\n");
        for (repo, change) in model.changes {
            let _ = writeln!(scorecard, "- **{}**: {}", md(repo), md(change));
        }
    }
    scorecard.push_str("\n### The figures\n\n");
    scorecard.push_str(&model.scorecard.as_ref().map(grid).unwrap_or_default());
    scorecard.push_str("\n### In brief\n\n");
    for (repo, text) in &model.brief {
        let _ = writeln!(scorecard, "- **{}**: {}", md(repo), md(text));
    }
    let mut toc = String::new();
    let mut out = String::new();
    for part in &model.parts {
        let _ = writeln!(toc, "- {}", part.title);
        let _ = write!(out, "\n## {}\n\n", part.title);
        if let Some(m) = &part.matrix {
            out.push_str(&matrix(m));
            out.push_str("\nEach factor's value, rule and source:\n\n");
        }
        if part.grid.rows.is_empty() {
            out.push_str("Nothing to report.\n");
        } else {
            out.push_str(&grid(&part.grid));
        }
        out.push_str(&figures(&part.figures));
        let _ = write!(out, "\nHow (from `{}`):\n\n", part.query);
        for (literal, block) in &part.how {
            if *literal {
                let _ = write!(out, "```text\n{block}\n```\n\n");
            } else {
                let _ = write!(out, "> {}\n\n", md(block));
            }
        }
    }
    let mut charts = figures(&model.loose_figures);
    if !charts.is_empty() {
        toc.push_str("- Charts\n");
        charts.insert_str(0, "\n## Charts\n");
    }
    toc.push_str("- Appendix: provenance\n");
    let appendix = model.appendix.as_ref().map(grid).unwrap_or_default();
    let projects: Vec<String> = model.projects.iter().map(|r| md(r)).collect();
    model.fill(
        TEMPLATE,
        &[
            ("projects", &projects.join(", ")),
            ("as_of_basis", &md(&model.as_of_basis)),
            ("notes", &notes),
            ("scorecard", &scorecard),
            ("toc", &toc),
            ("sections", &out),
            ("charts", &charts),
            ("appendix", &appendix),
        ],
    )
}

/// A table; columns whose every cell is a number (or empty) are right-aligned, but the first.
fn grid(grid: &Grid) -> String {
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

/// Charts as Markdown image links to their PNGs.
fn figures(figures: &[&Figure]) -> String {
    let mut out = String::new();
    for f in figures {
        let _ = write!(out, "\n![{}]({})\n", crate::text::markdown(&f.title), f.png);
    }
    out
}

/// The maturity factors as a table: a row per factor, its most points, each project's points.
fn matrix(m: &Matrix) -> String {
    let mut table = Grid {
        header: vec!["Factor".to_string(), "Most".to_string()],
        rows: Vec::new(),
    };
    table.header.extend(m.repos.iter().cloned());
    for FactorRow { name, most, cells } in &m.rows {
        let mut row = vec![
            (name.clone(), false),
            (format::number("points", *most), true),
        ];
        row.extend(cells.iter().map(|(p, _)| match p {
            Some(p) => (format!("{p:.1}"), true),
            None => ("not measured".to_string(), false),
        }));
        table.rows.push(row);
    }
    grid(&table)
}
