//! `temper analyze`: mine repositories into the store and summarise them.
//!
//! Every repository is opened and its ref resolved before anything is written, so bad input
//! (not a repository, empty, unborn HEAD, unknown ref) fails the whole command with nothing
//! changed. Each repository's tables then replace its previous ones in one atomic store write.

use std::path::PathBuf;

use crate::activity::{self, Finding, Problems, Summary};
use crate::git::{self, snapshot, touch, BotRule, Resolver};
use crate::loc::{self, BlobCache, LocStats};
use crate::month::Month;
use crate::progress::Progress;
use crate::scope::Scope;
use crate::store::{RepoMeta, Store, StoreError, FORMAT_VERSION};
use crate::tables::{self, Table, TableError};

/// One repository to analyse.
#[derive(Debug, Clone)]
pub struct RepoSpec {
    pub path: PathBuf,
    /// The ref to analyse; `HEAD` when absent.
    pub reference: Option<String>,
    /// The name in the store and in every table; derived from the path when absent.
    pub name: Option<String>,
}

/// Resolved options for `analyze`.
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    pub repos: Vec<RepoSpec>,
    pub store: PathBuf,
    pub threads: usize,
    pub bots: BotRule,
    /// The part of each tree analysed (`--path`, `--exclude`); applies to every table.
    pub scope: Scope,
    /// The time of analysis, Unix seconds: the reference for implausible future dates.
    pub now: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error(transparent)]
    Open(#[from] git::OpenError),
    #[error("two repositories are both named '{0}'; pass distinct --name values")]
    DuplicateName(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Table(#[from] TableError),
}

/// What one repository's analysis produced.
#[derive(Debug, Clone)]
pub struct RepoOutcome {
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub loc_stats: LocStats,
}

/// Identifies the line counter: a cache written by another one is not reused.
pub fn counter_id() -> String {
    format!("tokei-15.0.0/temper-loc-1/max-{}", loc::MAX_BLOB_BYTES)
}

/// The stored blob-count cache of `name`, if one exists and was written by this counter.
fn load_blob_cache(store: &Store, name: &str) -> Result<BlobCache, AnalyzeError> {
    match store.load_optional(name, Table::BlobCounts)? {
        Some((meta, df)) if meta.counter == counter_id() => Ok(tables::blob_cache_from_frame(&df)?),
        _ => Ok(BlobCache::default()),
    }
}

/// Mines every repository in `options` into the store.
pub fn analyze(
    options: &AnalyzeOptions,
    progress: &Progress,
) -> Result<Vec<RepoOutcome>, AnalyzeError> {
    // Configure the global pool before anything uses it (tokei counts on it too); a pool that
    // already exists (a second call in one process) keeps its size.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build_global();

    let mut opened = Vec::with_capacity(options.repos.len());
    for spec in &options.repos {
        let repo = git::open(&spec.path, spec.reference.as_deref())?;
        let name = spec
            .name
            .clone()
            .unwrap_or_else(|| repo.default_name.clone());
        if opened
            .iter()
            .any(|(n, _): &(String, git::Opened)| *n == name)
        {
            return Err(AnalyzeError::DuplicateName(name));
        }
        opened.push((name, repo));
    }
    let store = Store::create(&options.store)?;

    let mut outcomes = Vec::with_capacity(opened.len());
    for (name, repo) in opened {
        let mailmap = read_mailmap(&repo);
        let resolver = Resolver::new(&mailmap, options.bots.clone());
        let bar = progress.counter(format!("{name}: walking commits"));
        let mut history = git::walk(&repo.repo, repo.tip, &resolver, &|n| bar.set_position(n));
        bar.finish_and_clear();
        let chain = snapshot::first_parent_chain(&history, repo.tip);
        if !options.scope.is_everything() {
            let in_scope = touch::commits_in_scope(&repo.repo, &history, &options.scope);
            let mut keep = in_scope.into_iter();
            history.commits.retain(|_| keep.next().unwrap_or(false));
        }

        let activity_rows = activity::monthly_activity(&history, options.now);
        let months: Vec<Month> = activity_rows.iter().map(|r| r.month).collect();
        let snapshots = snapshot::month_end_snapshots(&chain, &months);

        let cache = load_blob_cache(&store, &name)?;
        let bar = progress.counter(format!("{name}: counting new blobs"));
        let loc = loc::count_snapshots(&repo.repo, &snapshots, &options.scope, cache, &|| {
            bar.inc(1)
        });
        bar.finish_and_clear();

        let problems = Problems {
            missing: [history.missing.as_slice(), loc.missing.as_slice()].concat(),
            corrupt: [history.corrupt.as_slice(), loc.corrupt.as_slice()].concat(),
            oversized: loc.oversized.clone(),
            shallow: history.shallow.clone(),
        };
        let findings = activity::findings(&history, &problems, options.now);
        let summary = activity::summary(&name, &history, &activity_rows, &loc.rows, options.now);
        let mut frames = vec![
            (
                Table::Commits,
                tables::commits_frame(&name, &history, options.now)?,
            ),
            (
                Table::Activity,
                tables::activity_frame(&name, &activity_rows)?,
            ),
            (Table::Loc, tables::loc_frame(&name, &loc.rows)?),
            (
                Table::DataQuality,
                tables::data_quality_frame(&name, &findings)?,
            ),
            (Table::BlobCounts, tables::blob_counts_frame(&loc.cache)?),
        ];
        let meta = RepoMeta {
            name: name.clone(),
            source: repo.git_dir.display().to_string(),
            reference: repo.reference.clone(),
            tip: repo.tip.to_string(),
            analysed_at: options.now,
            temper_version: env!("CARGO_PKG_VERSION").to_string(),
            format: FORMAT_VERSION,
            counter: counter_id(),
            scope: options.scope.description().to_string(),
        };
        store.save_repo(&meta, &mut frames)?;
        outcomes.push(RepoOutcome {
            summary,
            findings,
            loc_stats: loc.stats,
        });
    }
    Ok(outcomes)
}

/// The `.mailmap` blob of the analysed commit's tree; empty when there is none or it cannot be
/// read (a missing mailmap only means identities stay unmerged).
fn read_mailmap(repo: &git::Opened) -> Vec<u8> {
    let spec = format!("{}:.mailmap", repo.tip);
    repo.repo
        .rev_parse_single(spec.as_str())
        .ok()
        .and_then(|id| id.object().ok())
        .filter(|o| o.kind == gix::object::Kind::Blob)
        .map(|o| o.detach().data)
        .unwrap_or_default()
}

/// The data-quality findings worth a line on stderr.
pub fn finding_notes(outcome: &RepoOutcome) -> Vec<String> {
    outcome
        .findings
        .iter()
        .filter(|f| f.count > 0)
        .map(|f| {
            let what = match f.kind {
                "implausible_date" => "commits with implausible dates left out of monthly tables",
                "missing_object" => "missing objects skipped (partial or damaged clone)",
                "corrupt_object" => "unreadable objects skipped",
                "oversized_blob" => "blobs over the size limit counted without lines",
                _ => "shallow-clone boundary commits (history beyond them is absent)",
            };
            format!(
                "{}: {} {what}; see the data_quality table (e.g. {})",
                outcome.summary.name,
                f.count,
                f.examples.first().map(String::as_str).unwrap_or("-")
            )
        })
        .collect()
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
        "main languages",
    ];
    let month = |m: Option<crate::month::Month>| m.map_or("-".to_string(), |m| m.to_string());
    let rows: Vec<[String; 9]> = summaries
        .iter()
        .map(|s| {
            [
                s.name.clone(),
                month(s.first_month),
                month(s.last_month),
                thousands(s.commits),
                thousands(s.contributors),
                format!("{:.1}", s.commits_per_month_12m),
                thousands(s.contributors_12m),
                thousands(s.code_now),
                s.main_languages
                    .iter()
                    .map(|(l, share)| format!("{l} {:.0}%", share * 100.0))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let text: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 || i == 8 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        out.push_str(text.join("  ").trim_end());
        out.push('\n');
    };
    line(&header.map(String::from));
    for row in &rows {
        line(row);
    }
    out
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(57_533), "57,533");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
