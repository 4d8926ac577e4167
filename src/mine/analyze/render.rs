//! What `analyze` prints: the summary table on stdout, and on stderr the stage timings
//! (`--timings`) and a line per data-quality finding.

use super::RepoOutcome;
use crate::mine::activity::{self, Summary};
use crate::text::thousands;

/// The `--timings` report: stage times and the line counter's work, for stderr.
pub fn render_timings(outcome: &RepoOutcome) -> String {
    let mut out = format!("{}:", outcome.summary.name);
    if outcome.up_to_date {
        let t: std::time::Duration = outcome.timings.iter().map(|lap| lap.time).sum();
        out.push_str(&format!(" up to date, {:.3}s", t.as_secs_f64()));
        return out;
    }
    for lap in &outcome.timings {
        out.push_str(&format!(" {} {:.2}s", lap.stage, lap.time.as_secs_f64()));
        if let Some(bytes) = lap.memory {
            out.push_str(&format!(" ({} MiB)", bytes >> 20));
        }
        out.push(';');
    }
    let s = &outcome.loc_stats;
    out.push_str(&format!(
        " age: lines of {} first-parent commits followed;",
        outcome.age_links
    ));
    out.push_str(&format!(
        " commits read {}; loc: {} snapshots counted, {} reused, {} trees in {:.2}s, {} blobs counted ({} MB decoded) in {:.2}s (CPU: decode {:.2}s, count {:.2}s), {} reused from the cache, sums {:.2}s",
        s.commits_walked,
        s.snapshots,
        s.snapshots_reused,
        s.trees,
        s.trees_time.as_secs_f64(),
        s.blobs_counted,
        s.bytes_decoded / 1_000_000,
        s.blobs_time.as_secs_f64(),
        s.decode_cpu.as_secs_f64(),
        s.count_cpu.as_secs_f64(),
        s.blobs_cached,
        s.sums_time.as_secs_f64(),
    ));
    out
}

/// The data-quality findings worth a line on stderr.
pub fn finding_notes(outcome: &RepoOutcome) -> Vec<String> {
    outcome
        .findings
        .iter()
        .filter(|f| f.count > 0)
        .map(|f| {
            let what =
                activity::FindingKind::from_name(&f.kind).map_or(f.kind.as_str(), |k| k.note());
            format!(
                "{}: {} {what}; see the data_quality table (e.g. {})",
                outcome.summary.name,
                f.count,
                f.examples.first().map(String::as_str).unwrap_or("-")
            )
        })
        .collect()
}

/// The outcomes as a JSON array for scripts (`analyze --format json`): per repository its summary
/// (the table's figures, unrounded), whether it was unchanged, what changed since the stored run,
/// and its data-quality findings.
pub fn render_json(outcomes: &[RepoOutcome]) -> String {
    let rows: Vec<SummaryLine<'_>> = outcomes
        .iter()
        .map(|o| SummaryLine {
            summary: &o.summary,
            up_to_date: o.up_to_date,
            changes: &o.changes,
            findings: &o.findings,
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

/// One repository in `analyze --format json`, a contract for scripts: the summary's fields
/// ([`Summary`]), then whether nothing had changed since the stored run, what the user chose
/// differently from it, and the findings.
#[derive(serde::Serialize)]
struct SummaryLine<'a> {
    #[serde(flatten)]
    summary: &'a Summary,
    up_to_date: bool,
    changes: &'a [String],
    findings: &'a [crate::mine::activity::Finding],
}

/// The summary rows as an aligned text table.
pub fn render_summaries(summaries: &[Summary]) -> String {
    let header = [
        "repo",
        "first",
        "last",
        "commits",
        "contributors",
        "commits/month 12m",
        "contributors 12m",
        "code now",
        "vendored",
        "tests/code",
        "churn 12m",
        "new code",
        "median age",
        "main languages",
    ];
    let month = |m: Option<crate::month::Month>| m.map_or("-".to_string(), |m| m.to_string());
    let rows: Vec<[String; 14]> = summaries
        .iter()
        .map(|s| {
            [
                crate::text::terminal(&s.name, crate::text::TERMINAL_CELL_CHARS),
                month(s.first_month),
                month(s.last_month),
                thousands(s.commits),
                thousands(s.contributors),
                format!("{:.1}", s.commits_per_month_12m),
                thousands(s.contributors_12m),
                thousands(s.code_now),
                class_share(s, crate::mine::class::Class::Vendored),
                test_ratio(s),
                match (s.lines_added_12m, s.lines_removed_12m) {
                    (Some(a), Some(r)) => format!("+{} -{}", thousands(a), thousands(r)),
                    _ => "-".to_string(),
                },
                s.new_code_share_now
                    .map_or("-".to_string(), |v| format!("{:.0}%", v * 100.0)),
                s.median_line_age_days_now
                    .map_or("-".to_string(), |d| format!("{:.1} y", d / 365.25)),
                s.main_languages
                    .iter()
                    .map(|(l, share)| {
                        let l = crate::text::terminal(l, crate::text::TERMINAL_CELL_CHARS);
                        format!("{l} {:.0}%", share * 100.0)
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    // Numbers right-aligned: every column but the name and the languages.
    let right: Vec<bool> = (0..header.len()).map(|i| i != 0 && i != 13).collect();
    let all: Vec<[String; 14]> = std::iter::once(header.map(String::from))
        .chain(rows)
        .collect();
    let mut out = crate::text::aligned(&all, &right).join("\n");
    out.push('\n');
    out
}

/// The share of all code lines now that `class` holds, e.g. `72%`; `-` without code.
fn class_share(s: &Summary, class: crate::mine::class::Class) -> String {
    let all: u64 = s.classes_now.iter().map(|(_, n)| n).sum();
    let mine: u64 = s
        .classes_now
        .iter()
        .filter(|(c, _)| *c == class)
        .map(|(_, n)| n)
        .sum();
    match all {
        0 => "-".to_string(),
        _ => format!("{:.0}%", mine as f64 * 100.0 / all as f64),
    }
}

/// Test code lines per line of own code now, e.g. `0.57`; `-` without own code.
fn test_ratio(s: &Summary) -> String {
    let of = |class| {
        s.classes_now
            .iter()
            .filter(|(c, _)| *c == class)
            .map(|(_, n)| *n)
            .sum::<u64>()
    };
    match of(crate::mine::class::Class::Code) {
        0 => "-".to_string(),
        own => format!(
            "{:.2}",
            of(crate::mine::class::Class::Test) as f64 / own as f64
        ),
    }
}
