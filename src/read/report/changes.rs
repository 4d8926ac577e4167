//! What changed since an earlier report (`report --previous DIR`, and the monthly job's dated
//! report against the one `latest` pointed at): per project, a verdict that changed, the score's
//! change, red flags raised and cleared, and a release newer than the earlier report's last. It
//! reads the earlier report's own tables (`tables/report_maturity.csv` and
//! `tables/report_scorecard.csv`), so it compares what was published, whatever temper or queries
//! made it.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::{AnyValue, DataFrame};

use super::Verdict;

/// One project's figures as a report published them.
#[derive(Debug, Clone, Default, PartialEq)]
struct Published {
    verdict: String,
    score: Option<f64>,
    flags: Vec<String>,
    last_release: Option<String>,
}

/// Text cell `column` of row `i` (`None` when empty or absent), as it was before the report's
/// CSV neutralised it for spreadsheets (`'@scope/x` is the project `@scope/x`).
fn text(frame: &DataFrame, column: &str, i: usize) -> Option<String> {
    let cell = match frame.column(column).ok()?.get(i).ok()? {
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Null => return None,
        v => v.to_string(),
    };
    let plain = match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => cell,
    };
    Some(plain).filter(|s| !s.is_empty())
}

fn flags(text: Option<String>) -> Vec<String> {
    text.map(|t| t.split(", ").map(str::to_string).collect())
        .unwrap_or_default()
}

/// Each project of an earlier report, read from its tables; `None` when `dir` holds no report
/// tables (the caller says so in a note).
fn published(dir: &Path) -> Option<HashMap<String, Published>> {
    let maturity =
        crate::store::tables::read_report_csv(&dir.join("tables/report_maturity.csv")).ok()?;
    let scorecard =
        crate::store::tables::read_report_csv(&dir.join("tables/report_scorecard.csv")).ok()?;
    let mut out: HashMap<String, Published> = HashMap::new();
    for i in 0..maturity.height() {
        if text(&maturity, "factor", i).as_deref() != Some("score") {
            continue;
        }
        let Some(repo) = text(&maturity, "repo", i) else {
            continue;
        };
        let p = out.entry(repo).or_default();
        p.verdict = text(&maturity, "shown", i).unwrap_or_default();
        p.score = text(&maturity, "points", i).and_then(|v| v.parse().ok());
    }
    for i in 0..scorecard.height() {
        let Some(repo) = text(&scorecard, "repo", i) else {
            continue;
        };
        let p = out.entry(repo).or_default();
        p.flags = flags(text(&scorecard, "red_flags", i));
        p.last_release = text(&scorecard, "last_release_month", i);
    }
    Some(out)
}

/// What changed for each of `repos` since the report in `dir`, in words, in the report's order;
/// `Err` with a note when `dir` holds no readable report.
pub(super) fn since(
    dir: &Path,
    repos: &[String],
    verdicts: &HashMap<String, Verdict>,
    scorecard: Option<&DataFrame>,
) -> Result<Vec<(String, String)>, String> {
    let Some(before) = published(dir) else {
        return Err(format!(
            "{} holds no report tables to compare with (tables/report_maturity.csv and tables/report_scorecard.csv)",
            dir.display()
        ));
    };
    let mut now: HashMap<String, Published> = HashMap::new();
    for repo in repos {
        let v = verdicts.get(repo).cloned().unwrap_or_default();
        now.insert(
            repo.clone(),
            Published {
                verdict: v.verdict,
                score: v.score,
                ..Published::default()
            },
        );
    }
    if let Some(frame) = scorecard {
        for i in 0..frame.height() {
            let Some(repo) = text(frame, "repo", i) else {
                continue;
            };
            if let Some(p) = now.get_mut(&repo) {
                p.flags = flags(text(frame, "red_flags", i));
                p.last_release = text(frame, "last_release_month", i);
            }
        }
    }
    Ok(repos
        .iter()
        .map(|repo| {
            let said = match (now.get(repo), before.get(repo)) {
                (Some(n), Some(b)) => describe(n, b),
                _ => "new in this report".to_string(),
            };
            (repo.clone(), said)
        })
        .collect())
}

/// One project's changes: `now` against `before`.
fn describe(now: &Published, before: &Published) -> String {
    let mut parts = Vec::new();
    if now.verdict != before.verdict {
        parts.push(format!("now {}, was {}", now.verdict, before.verdict));
    }
    match (now.score, before.score) {
        (Some(n), Some(b)) => parts.push(format!("score {n:.1}, {:+.1}", n - b)),
        (Some(n), None) => parts.push(format!("score {n:.1}, none before")),
        _ => {}
    }
    // The flags of `a` that `b` lacks.
    let without = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|f| !b.contains(f)).cloned().collect()
    };
    for (said, flags) in [
        ("new red flags", without(&now.flags, &before.flags)),
        ("red flags cleared", without(&before.flags, &now.flags)),
    ] {
        if !flags.is_empty() {
            parts.push(format!("{said}: {}", flags.join(", ")));
        }
    }
    if let Some(release) = &now.last_release {
        if before.last_release.as_ref() < Some(release) {
            parts.push(format!("a new release in {release}"));
        }
    }
    match parts.is_empty() {
        true => "no change".to_string(),
        false => parts.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(verdict: &str, score: f64, flags: &[&str], release: Option<&str>) -> Published {
        Published {
            verdict: verdict.into(),
            score: Some(score),
            flags: flags.iter().map(|f| f.to_string()).collect(),
            last_release: release.map(str::to_string),
        }
    }

    #[test]
    fn a_neutralised_cell_reads_as_itself() {
        let frame = polars::prelude::df!("repo" => ["'@scope/x", "'plain", ""]).unwrap();
        assert_eq!(text(&frame, "repo", 0).as_deref(), Some("@scope/x"));
        assert_eq!(text(&frame, "repo", 1).as_deref(), Some("'plain"));
        assert_eq!(text(&frame, "repo", 2), None);
    }

    #[test]
    fn changes_are_said_in_words() {
        let before = p("maturing", 70.0, &["declining", "no release tags"], None);
        let now = p(
            "battle-hardened",
            75.3,
            &["declining", "dormant"],
            Some("2026-09"),
        );
        assert_eq!(
            describe(&now, &before),
            "now battle-hardened, was maturing; score 75.3, +5.3; new red flags: dormant; \
             red flags cleared: no release tags; a new release in 2026-09"
        );
        assert_eq!(describe(&before, &before), "score 70.0, +0.0");
        let same_release = p("maturing", 70.0, &[], Some("2026-09"));
        assert_eq!(describe(&same_release, &same_release), "score 70.0, +0.0");
    }
}
