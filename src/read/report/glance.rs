//! The decision view at the top of the report: one card per project with its colour, verdict
//! badge, score and coverage, three sparklines over its whole history (commits, contributors and
//! own code lines per month, from `queries/report_trends.sql`), its red flags, and the why in
//! plain words. It holds what an architect decides from on the first screen; every figure on it
//! is also in the scorecard below (the sparklines' end values are the scorecard's).

use std::fmt::Write as _;

use polars::prelude::{AnyValue, DataFrame};

use super::{format, Verdict};
use crate::read::chart::theme::{repo_color, Rgb};
use crate::text::{html as esc, markdown as md};

/// One project's card.
pub(super) struct Glance {
    pub repo: String,
    pub color: Rgb,
    pub verdict: Verdict,
    /// The three sparklines: what each shows, its figure as the scorecard gives it, and the
    /// values per month (a month without a snapshot carries the one before).
    pub sparks: Vec<Spark>,
    /// The scorecard's red flags, in its order.
    pub flags: Vec<String>,
}

pub(super) struct Spark {
    pub label: &'static str,
    /// The scorecard's figure: the last 12 months' (commits a month, contributors), or now's
    /// (own code lines).
    pub figure: String,
    pub values: Vec<f64>,
}

/// The cards of `repos`, in their order, from the scorecard (figures, red flags) and the trends
/// (monthly values); a project missing from either gets empty sparklines and no flags.
pub(super) fn glances(
    repos: &[String],
    verdicts: &std::collections::HashMap<String, Verdict>,
    scorecard: Option<&DataFrame>,
    trends: Option<&DataFrame>,
) -> Vec<Glance> {
    repos
        .iter()
        .enumerate()
        .map(|(i, repo)| {
            let card = |column: &str| scorecard.and_then(|f| cell(f, repo, column));
            let flags = card("red_flags")
                .map(|f| f.split(", ").map(str::to_string).collect())
                .unwrap_or_default();
            let series =
                |column: &str| trends.map(|f| monthly(f, repo, column)).unwrap_or_default();
            let sparks = vec![
                Spark {
                    label: "commits a month",
                    figure: card("commits_per_month_12m").unwrap_or_default(),
                    values: series("commits"),
                },
                Spark {
                    label: "contributors",
                    figure: card("contributors_12m").unwrap_or_default(),
                    values: series("contributors"),
                },
                Spark {
                    label: "own code lines",
                    figure: card("own_code").unwrap_or_default(),
                    values: series("own_code"),
                },
            ];
            Glance {
                repo: repo.clone(),
                color: repo_color(i),
                verdict: verdicts.get(repo).cloned().unwrap_or_default(),
                sparks,
                flags,
            }
        })
        .collect()
}

/// `column` of `repo`'s row of `frame`, formatted for people; `None` when empty.
fn cell(frame: &DataFrame, repo: &str, column: &str) -> Option<String> {
    let repos = frame.column("repo").ok()?;
    let values = frame.column(column).ok()?;
    (0..frame.height())
        .find(|&i| matches!(repos.get(i), Ok(AnyValue::String(r)) if r == repo))
        .and_then(|i| format::cell(column, &values.get(i).ok()?))
        .filter(|t| !t.is_empty())
}

/// `column` of `repo`'s rows of the trends, in month order; an empty value carries the one
/// before (0 before the first).
fn monthly(frame: &DataFrame, repo: &str, column: &str) -> Vec<f64> {
    let (Ok(repos), Ok(values)) = (frame.column("repo"), frame.column(column)) else {
        return Vec::new();
    };
    let mut last = 0.0;
    (0..frame.height())
        .filter(|&i| matches!(repos.get(i), Ok(AnyValue::String(r)) if r == repo))
        .map(|i| {
            if let Some(v) = values.get(i).ok().and_then(|v| v.extract::<f64>()) {
                last = v;
            }
            last
        })
        .collect()
}

/// A CSS colour.
pub(super) fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The CSS class of a verdict's badge.
fn badge_class(verdict: &str) -> &'static str {
    match verdict {
        "battle-hardened" => "v-hardened",
        "maturing" => "v-maturing",
        "dormant" => "v-dormant",
        "" => "v-none",
        _ => "v-risk",
    }
}

/// Width and height of a sparkline's drawing, in its own units (it scales to its box).
const SPARK: (f64, f64) = (200.0, 36.0);

/// An inline SVG sparkline of `values` (scaled from 0 to their maximum), in `color`.
fn spark_svg(values: &[f64], color: Rgb, label: &str) -> String {
    let (w, h) = SPARK;
    let top = values.iter().copied().fold(0.0f64, f64::max);
    let n = values.len();
    let mut points = String::new();
    for (i, v) in values.iter().enumerate() {
        let x = match n {
            0 | 1 => w / 2.0,
            _ => i as f64 * w / (n - 1) as f64,
        };
        let y = match top > 0.0 {
            true => h - 2.0 - v / top * (h - 4.0),
            false => h - 2.0,
        };
        let _ = write!(points, "{x:.1},{y:.1} ");
    }
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" preserveAspectRatio=\"none\" role=\"img\" \
         aria-label=\"{}\"><polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" \
         vector-effect=\"non-scaling-stroke\" points=\"{}\"/></svg>",
        esc(label),
        hex(color),
        points.trim_end()
    )
}

/// The cards as HTML (every text from a repository escaped).
pub(super) fn html(glances: &[Glance]) -> String {
    let mut out = String::from("<div class=\"glance\">\n");
    for g in glances {
        let v = &g.verdict;
        let score = v
            .score
            .map(|s| format!("{s:.1}"))
            .unwrap_or_else(|| "–".into());
        let _ = write!(
            out,
            "<article class=\"card\" style=\"--project:{}\"><h3><span class=\"swatch\"></span>{}</h3>\
             <p class=\"verdict\"><span class=\"badge {}\">{}</span> \
             <span class=\"score\">{score}</span><span class=\"of\"> of 100</span></p>\
             <p class=\"coverage\">{}</p>",
            hex(g.color),
            esc(&g.repo),
            badge_class(&v.verdict),
            esc(if v.verdict.is_empty() { "no verdict" } else { &v.verdict }),
            esc(&v.coverage),
        );
        for s in &g.sparks {
            let _ = write!(
                out,
                "<div class=\"trend\"><span class=\"label\">{}</span>{}<span class=\"figure\">{}</span></div>",
                esc(s.label),
                spark_svg(&s.values, g.color, &format!("{}: {}", g.repo, s.label)),
                esc(&s.figure)
            );
        }
        match g.flags.is_empty() {
            true => out.push_str("<p class=\"flags none\">No red flags</p>"),
            false => {
                out.push_str("<ul class=\"flags\">");
                for f in g.flags.iter().take(3) {
                    let _ = write!(out, "<li>{}</li>", esc(f));
                }
                if g.flags.len() > 3 {
                    let _ = write!(out, "<li>and {} more</li>", g.flags.len() - 3);
                }
                out.push_str("</ul>");
            }
        }
        out.push_str("</article>\n");
    }
    let _ = write!(
        out,
        "</div>\n<p class=\"legend\">{LEGEND}</p>\n<ul class=\"why\">\n"
    );
    for g in glances.iter().filter(|g| !g.verdict.why.is_empty()) {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong>, {}: {}</li>",
            esc(&g.repo),
            esc(&g.verdict.verdict),
            esc(&g.verdict.why)
        );
    }
    out.push_str("</ul>\n");
    out
}

/// What the sparklines and their figures are.
const LEGEND: &str = "Lines: each project's whole history, month by month (contributors: \
    distinct authors of the month). Figures: commits a month and contributors over the last 12 \
    months, own code lines now, as in the scorecard.";

/// The legend under the Markdown table (the sparklines are 24 blocks, each a share of the
/// history).
const LEGEND_MD: &str = "\nLines: each project's whole history in 24 blocks, each the mean \
    of its share of the months (contributors: distinct authors of the month). Figures: commits \
    a month and contributors over the last 12 months, own code lines now, as in the figures \
    below.\n\n";

/// Eight heights of a text sparkline.
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `values` as at most 24 block characters (each the mean of its share of the months).
fn spark_text(values: &[f64]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let n = values.len().min(24);
    let means: Vec<f64> = (0..n)
        .map(|k| {
            let (a, b) = (
                k * values.len() / n,
                ((k + 1) * values.len() / n).max(k * values.len() / n + 1),
            );
            values[a..b].iter().sum::<f64>() / (b - a) as f64
        })
        .collect();
    let top = means.iter().copied().fold(0.0f64, f64::max);
    means
        .iter()
        .map(|v| match top > 0.0 {
            true => BLOCKS[((v / top) * 7.0).round().clamp(0.0, 7.0) as usize],
            false => BLOCKS[0],
        })
        .collect()
}

/// The cards as a Markdown table with text sparklines, then the why of each.
pub(super) fn markdown(glances: &[Glance]) -> String {
    let mut out = String::from(
        "| Project | Verdict | Score | Commits a month | Contributors | Own code lines | Red flags |\n\
         | --- | --- | ---: | --- | --- | --- | --- |\n",
    );
    for g in glances {
        let v = &g.verdict;
        let score = v.score.map(|s| format!("{s:.1}")).unwrap_or_default();
        let sparks: Vec<String> = g
            .sparks
            .iter()
            .map(|s| format!("{} {}", spark_text(&s.values), md(&s.figure)))
            .collect();
        let flags = match g.flags.is_empty() {
            true => "none".to_string(),
            false => md(&g.flags.join(", ")),
        };
        let _ = writeln!(
            out,
            "| **{}** | {} | {score} ({}) | {} | {flags} |",
            md(&g.repo),
            md(&v.verdict),
            md(&v.coverage),
            sparks.join(" | "),
        );
    }
    out.push_str(LEGEND_MD);
    for g in glances.iter().filter(|g| !g.verdict.why.is_empty()) {
        let _ = writeln!(
            out,
            "- **{}**, {}: {}",
            md(&g.repo),
            md(&g.verdict.verdict),
            md(&g.verdict.why)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_sparklines_scale_to_the_maximum() {
        assert_eq!(spark_text(&[0.0, 1.0, 2.0, 7.0]), "▁▂▃█");
        assert_eq!(spark_text(&[]), "");
        assert_eq!(spark_text(&[0.0, 0.0]), "▁▁");
        // 48 months in 24 blocks: each the mean of two.
        let months: Vec<f64> = (0..48).map(|i| if i < 24 { 0.0 } else { 14.0 }).collect();
        assert_eq!(spark_text(&months), "▁".repeat(12) + &"█".repeat(12));
    }
}
