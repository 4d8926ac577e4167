//! The HTML writer: the page model ([`Model`]) laid out in `reports/templates/report.html`,
//! one self-contained file: charts inlined as SVG, reference sections folded, every text from a
//! repository escaped for HTML.

use std::fmt::Write as _;

use super::figures::Figure;
use super::page::{FactorRow, Grid, Matrix, Model, Part};
use super::{format, glance};

/// The frame of `report.html` (see `reports/templates/README.md`).
const TEMPLATE: &str = include_str!("../../../reports/templates/report.html");

/// Text for HTML.
fn h(text: &str) -> String {
    crate::text::html(text)
}

/// `report.html` of `model`.
pub(super) fn render(model: &Model<'_>) -> String {
    let mut toc = String::from("<nav><h2>Contents</h2><ol>");
    let mut out = String::new();
    for part in &model.parts {
        let _ = write!(
            toc,
            "<li><a href=\"#{}\">{}</a></li>",
            part.anchor,
            h(part.title)
        );
        out.push_str(&section(part));
    }
    let mut charts = figures(&model.loose_figures);
    if !charts.is_empty() {
        toc.push_str("<li><a href=\"#charts\">Charts</a></li>");
        charts.insert_str(0, "<h2 id=\"charts\">Charts</h2>\n");
    }
    toc.push_str("<li><a href=\"#provenance\">Appendix: provenance</a></li></ol></nav>");
    let appendix = model
        .appendix
        .as_ref()
        .map(|g| {
            format!(
                "<details class=\"fold\"><summary>Show: where each project's data comes from</summary>{}</details>",
                grid(g, "data")
            )
        })
        .unwrap_or_default();
    let projects: Vec<String> = model.projects.iter().map(|r| h(r)).collect();
    model.fill(
        TEMPLATE,
        &[
            ("projects", &projects.join(", ")),
            ("as_of_basis", &h(&model.as_of_basis)),
            ("notes", &notes(model)),
            ("decision", &decision(model)),
            ("scorecard", &scorecard(model)),
            ("toc", &toc),
            ("sections", &out),
            ("charts", &charts),
            ("appendix", &appendix),
        ],
    )
}

/// The notes on what the report cannot show.
fn notes(model: &Model<'_>) -> String {
    let mut notes = String::new();
    for (repo, note) in model.notes {
        let _ = writeln!(
            notes,
            "<p class=\"note\"><strong>Note:</strong> {} {}</p>",
            h(repo),
            h(note)
        );
    }
    notes
}

/// The decision view and, with `--previous`, what changed since that report.
fn decision(model: &Model<'_>) -> String {
    let mut decision = glance::html(&model.glances);
    if !model.changes.is_empty() {
        decision.push_str("<h3>Since the previous report</h3>\n<ul class=\"changes\">\n");
        for (repo, change) in model.changes {
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

/// The scorecard and the paragraph of each project (folded).
fn scorecard(model: &Model<'_>) -> String {
    let mut scorecard = model
        .scorecard
        .as_ref()
        .map(|g| grid(g, "scorecard"))
        .unwrap_or_default();
    scorecard.push_str(
        "<details><summary>In brief: a paragraph per project</summary>\n<ul class=\"brief\">\n",
    );
    for (repo, text) in &model.brief {
        let _ = writeln!(
            scorecard,
            "<li><strong>{}</strong>: {}</li>",
            h(repo),
            h(text)
        );
    }
    scorecard.push_str("</ul></details>\n");
    scorecard
}

/// One body section: its table (the maturity factors as a matrix, the full table folded), its
/// charts, folded whole when it is reference, and how it was computed.
fn section(part: &Part<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<section id=\"{}\"><h2>{}</h2>",
        part.anchor,
        h(part.title)
    );
    let rows = part.grid.rows.len();
    let mut body = String::new();
    if rows == 0 {
        body.push_str("<p>Nothing to report.</p>\n");
    } else if part.query == super::MATURITY {
        if let Some(m) = &part.matrix {
            out.push_str(&matrix(m));
        }
        let _ = write!(
            body,
            "<details><summary>Each factor's value, rule and source</summary>{}</details>",
            grid(&part.grid, "data")
        );
    } else {
        body.push_str(&grid(&part.grid, "data"));
    }
    body.push_str(&figures(&part.figures));
    match part.folded {
        true => {
            let charts = part.figures.len();
            let mut what = format!("{rows} {}", if rows == 1 { "row" } else { "rows" });
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
        h(part.query)
    );
    for (literal, block) in &part.how {
        if *literal {
            let _ = writeln!(out, "<pre>{}</pre>", h(block));
        } else {
            let _ = writeln!(out, "<p class=\"query\">{}</p>", h(block));
        }
    }
    out.push_str("</details></section>\n");
    out
}

/// A table of class `class`; each row's first cell is its header, numbers are right-aligned.
fn grid(grid: &Grid, class: &str) -> String {
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

/// The maturity factors as a matrix: a row per factor, a column per project, the points in the
/// cells (shaded by the share of the factor's most), what was measured in each cell's tooltip.
fn matrix(m: &Matrix) -> String {
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

/// Charts as inline SVG figures; the extra views (calendar months) folded.
fn figures(figures: &[&Figure]) -> String {
    let mut out = String::new();
    let mut extra = String::new();
    for f in figures {
        match f.extra {
            true => extra.push_str(&figure(f)),
            false => out.push_str(&figure(f)),
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

/// One chart as an inline SVG figure: scaled to the page, no narrower than keeps its text
/// legible ([`chart_min_width`]), its theme colours following the reader's light or dark mode
/// through the page's style sheet.
fn figure(f: &Figure) -> String {
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
        h(&f.title)
    )
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
