//! The run's status file: what `run --status FILE` and each report folder's `run.json` hold, a
//! contract for scripts and cron ([`RunStatus`], its shape in the README's "JSON for scripts"),
//! how a run's outcome becomes one, and how the next run reads the last one back to say what
//! changed since (its scores).

use std::io::Write;
use std::path::Path;

use super::{ProjectStatus, RunOutcome, RUN_STATUS};
use crate::store::StoreError;

impl RunOutcome {
    /// How many of this run's projects failed.
    pub fn failures(&self) -> usize {
        self.projects
            .iter()
            .filter(|p| matches!(p.status, ProjectStatus::Failed(_)))
            .count()
    }

    /// The run's status for scripts and cron (`run --status FILE`, and `run.json` in the report
    /// folder): see [`RunStatus`].
    pub fn status(&self, finished: i64) -> RunStatus {
        let projects = self
            .projects
            .iter()
            .map(|p| {
                let stored = self.stored.get(&p.name).cloned().unwrap_or_default();
                let (status, reason) = match &p.status {
                    ProjectStatus::Mined(o) if o.up_to_date => ("unchanged", None),
                    ProjectStatus::Mined(_) => ("mined", None),
                    ProjectStatus::Failed(why) => ("failed", Some(why.clone())),
                };
                ProjectLine {
                    name: p.name.clone(),
                    status: status.to_string(),
                    reason,
                    tip: (!stored.tip.is_empty()).then_some(stored.tip),
                    seconds: round1(p.fetch_seconds + p.mine_seconds),
                    verdict: stored.verdict,
                    score: stored.score,
                    score_change: stored
                        .score
                        .zip(stored.previous.as_ref())
                        .map(|(now, (_, _, before))| round1(now - before)),
                    previous: stored.previous.map(|(report, verdict, score)| Previous {
                        report,
                        verdict,
                        score,
                    }),
                    changes: stored.changes,
                }
            })
            .collect();
        RunStatus {
            ok: self.failures() == 0,
            started: crate::text::rfc3339(self.started),
            finished: crate::text::rfc3339(finished),
            failed: self.failures(),
            report: self.report.as_ref().map(|p| p.display().to_string()),
            latest: self.latest,
            latest_error: self.latest_error.clone(),
            error: None,
            projects,
        }
    }
}

/// A run's status file (`run --status FILE`, and `run.json` in each report folder), a contract
/// for scripts and cron; its fields are listed in the README ("The monthly job").
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunStatus {
    /// Every project was mined or unchanged, and the run did not stop early.
    pub ok: bool,
    /// RFC 3339 UTC.
    pub started: String,
    /// When the status was written (the run's end), RFC 3339 UTC.
    pub finished: String,
    /// Projects that failed.
    #[serde(default)]
    pub failed: usize,
    /// The report folder written, if any.
    #[serde(default)]
    pub report: Option<String>,
    /// `<out>/latest` now points at that report.
    #[serde(default)]
    pub latest: bool,
    /// Why `latest` could not be moved.
    #[serde(default)]
    pub latest_error: Option<String>,
    /// Why the run stopped before mining (a held lock, an unreadable store); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// One line per project of this run (this shard's), in the configuration's order.
    #[serde(default)]
    pub projects: Vec<ProjectLine>,
}

/// One project's line in [`RunStatus`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProjectLine {
    /// The project's name in the configuration.
    pub name: String,
    /// `mined`, `unchanged` or `failed`.
    pub status: String,
    /// Why it failed.
    pub reason: Option<String>,
    /// The commit now stored.
    pub tip: Option<String>,
    /// Fetching and mining, to a tenth.
    pub seconds: f64,
    /// The report's verdict (e.g. `battle-hardened`); `None` when the project was not
    /// reported or has none.
    pub verdict: Option<String>,
    /// The report's score, 0 to 100; `None` when the project was not reported or has
    /// none.
    pub score: Option<f64>,
    /// The verdict and score in the report `latest` pointed at before this run.
    pub previous: Option<Previous>,
    /// The score's change since that report.
    pub score_change: Option<f64>,
    /// What changed since that report, in the words the report uses.
    pub changes: Option<String>,
}

/// A project's verdict and score in an earlier report (`report`: its folder name, the day).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Previous {
    /// The earlier report's folder name: its day, `YYYY-MM-DD`.
    pub report: String,
    /// The project's verdict in that report.
    pub verdict: String,
    /// The project's score in that report, 0 to 100.
    pub score: f64,
}

/// The status of a run that stopped before mining (a held lock, an unreadable store).
pub fn failed_status(started: i64, finished: i64, error: &str) -> RunStatus {
    RunStatus {
        ok: false,
        started: crate::text::rfc3339(started),
        finished: crate::text::rfc3339(finished),
        failed: 0,
        report: None,
        latest: false,
        latest_error: None,
        error: Some(error.to_string()),
        projects: Vec::new(),
    }
}

/// `seconds` to one decimal, as the log lines show them.
fn round1(seconds: f64) -> f64 {
    (seconds * 10.0).round() / 10.0
}

/// Writes a run's status as JSON to `file`, atomically (`run --status FILE`, and `run.json` in
/// each report folder).
pub fn write_status(file: &Path, status: &RunStatus) -> Result<(), StoreError> {
    crate::store::write_output(file, |w| {
        let bytes = serde_json::to_vec_pretty(status).map_err(std::io::Error::other)?;
        w.write_all(&bytes)
    })
}

/// The report a run compares its scores with: its folder name (the day), and per project its
/// verdict and score.
pub(super) struct PreviousScores {
    pub(super) day: String,
    pub(super) scores: std::collections::BTreeMap<String, (String, f64)>,
}

/// Each project's verdict and score in the run status of the report `<out>/latest` points at, and
/// that report's folder name (its day): what the log compares this run's scores with.
pub(super) fn previous_scores(out: &Path) -> Option<PreviousScores> {
    let dir = std::fs::canonicalize(out.join("latest")).ok()?;
    let day = dir.file_name()?.to_string_lossy().into_owned();
    let bytes = crate::store::read_regular(&dir.join(RUN_STATUS)).ok()?;
    let status: RunStatus = serde_json::from_slice(&bytes).ok()?;
    let scores = status
        .projects
        .into_iter()
        .filter_map(|p| Some((p.name, (p.verdict.unwrap_or_default(), p.score?))))
        .collect();
    Some(PreviousScores { day, scores })
}
