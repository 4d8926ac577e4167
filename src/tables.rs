//! Table schemas, in one place, and their conversion to and from files.
//!
//! Every table is long/tidy: one row per repository x month (x more keys), with a `repo` column so
//! tables of several repositories stack. Column names are the constants below; the README lists
//! them for users. This module and `store.rs` are the only ones that touch polars I/O, so a polars
//! upgrade is contained here.
//!
//! CSV is written for spreadsheets: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return gets a leading `'` so a spreadsheet shows it as text instead of running it as
//! a formula (repository text such as author names is data, never code).

use std::io::Write;
use std::path::Path;

use polars::prelude::*;
use polars_io::prelude::{
    CsvWriter, JsonFormat, JsonWriter, ParquetCompression, ParquetReader, ParquetWriter, SerReader,
    SerWriter,
};

use crate::activity::{is_plausible, ActivityRow, Finding};
use crate::churn::age::{FileAges, LineAges, MonthAge};
use crate::git::snapshot::Snapshot;
use crate::git::History;
use crate::loc::count::Lines;
use crate::loc::detect::{language_by_name, PathLanguage};
use crate::loc::{BlobCache, BlobCount, Counts, LocRow};
use crate::month::Month;

/// Column names shared by several tables.
pub mod col {
    pub const REPO: &str = "repo";
    pub const MONTH: &str = "month";
    pub const COMMIT: &str = "commit";
    pub const AUTHOR_TIME: &str = "author_time";
    pub const COMMITTER_TIME: &str = "committer_time";
    pub const AUTHOR: &str = "author";
    pub const PARENTS: &str = "parents";
    pub const IS_MERGE: &str = "is_merge";
    pub const IS_BOT: &str = "is_bot";
    pub const PLAUSIBLE_DATE: &str = "plausible_date";
    pub const COMMITS: &str = "commits";
    pub const MERGES: &str = "merges";
    pub const CONTRIBUTORS: &str = "contributors";
    pub const HUMAN_CONTRIBUTORS: &str = "human_contributors";
    pub const NEW_CONTRIBUTORS: &str = "new_contributors";
    pub const BOT_COMMITS: &str = "bot_commits";
    pub const KIND: &str = "kind";
    pub const COUNT: &str = "count";
    pub const EXAMPLES: &str = "examples";
    pub const LANGUAGE: &str = "language";
    pub const FILES: &str = "files";
    pub const CODE: &str = "code";
    pub const COMMENTS: &str = "comments";
    pub const BLANKS: &str = "blanks";
    pub const BYTES: &str = "bytes";
    pub const BLOB: &str = "blob";
    pub const PATH_LANGUAGE: &str = "path_language";
    pub const TREE: &str = "tree";
    pub const PARENT_IDS: &str = "parent_ids";
    pub const IN_SCOPE: &str = "in_scope";
    pub const MALFORMED: &str = "malformed_fields";
    pub const LINES_ADDED: &str = "lines_added";
    pub const LINES_REMOVED: &str = "lines_removed";
    pub const FILES_CHANGED: &str = "files_changed";
    pub const CONTRIBUTORS_12M: &str = "contributors_12m";
    pub const PONY_FACTOR_24M: &str = "pony_factor_24m";
    pub const ELEPHANT_FACTOR_24M: &str = "elephant_factor_24m";
    pub const MEDIAN_LINE_AGE_DAYS: &str = "median_line_age_days";
    pub const NEW_CODE_SHARE: &str = "new_code_share";
    pub const BUS_FACTOR: &str = "bus_factor";
    pub const COHORT: &str = "cohort";
    pub const LINES: &str = "lines";
    pub const PATH: &str = "path";
    pub const COUNTED: &str = "counted";
    pub const POSITION: &str = "position";
}

/// The stored tables (the public ones are also the values of `--table`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Table {
    /// Every reachable commit, with its identity, dates and churn.
    Commits,
    /// Commits, contributors, churn and code-age figures per month.
    Activity,
    /// Lines of code per month and language, from the month's snapshot.
    Loc,
    /// What could not be read or trusted, by kind.
    #[value(name = "data_quality", alias = "data-quality")]
    DataQuality,
    /// Which commit and tree stood for each month.
    Snapshots,
    /// The walked commit graph (internal): lets a later run walk only new commits.
    #[value(skip)]
    Walk,
    /// The blob-count cache: internal, kept so a later run counts only new blobs.
    #[value(skip)]
    BlobCounts,
    /// Lines by the year they were last written, per month.
    Age,
    /// The line-age state at the tip (internal): lets a later run follow only new commits.
    #[value(skip)]
    LineAges,
    /// Lines each first-parent commit added and removed per language, with its month.
    #[value(name = "language_commits", alias = "language-commits")]
    LanguageCommits,
}

impl Table {
    pub const ALL: [Table; 10] = [
        Table::Commits,
        Table::Activity,
        Table::Loc,
        Table::DataQuality,
        Table::Snapshots,
        Table::Walk,
        Table::BlobCounts,
        Table::Age,
        Table::LineAges,
        Table::LanguageCommits,
    ];

    /// The tables users query and export, in that order; the others are the store's internal
    /// state.
    pub const PUBLIC: [Table; 7] = [
        Table::Commits,
        Table::Activity,
        Table::Loc,
        Table::Age,
        Table::DataQuality,
        Table::Snapshots,
        Table::LanguageCommits,
    ];

    /// The name users type (`--table`) and SQL queries use.
    pub fn name(self) -> &'static str {
        match self {
            Table::Commits => "commits",
            Table::Activity => "activity",
            Table::Loc => "loc",
            Table::DataQuality => "data_quality",
            Table::Snapshots => "snapshots",
            Table::Walk => "walk",
            Table::BlobCounts => "blob_counts",
            Table::Age => "age",
            Table::LineAges => "line_ages",
            Table::LanguageCommits => "language_commits",
        }
    }

    pub fn file_name(self) -> String {
        format!("{}.parquet", self.name())
    }

    pub fn parse(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Output formats for `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Parquet,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("table operation failed: {0}")]
    Polars(#[from] PolarsError),
    #[error("{}", .path.display())]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("stored table is invalid: {0}")]
    Invalid(&'static str),
    #[error("{}: damaged table ({message}); run `temper analyze` again to rebuild it", .path.display())]
    Damaged {
        path: std::path::PathBuf,
        message: String,
    },
}

fn repo_column(repo: &str, height: usize) -> Column {
    Column::new(col::REPO.into(), vec![repo; height])
}

/// A nullable churn count per commit (null for merges).
fn churn_column<'a>(
    name: &str,
    commits: impl Iterator<Item = &'a crate::git::CommitInfo>,
    f: fn(&crate::churn::Churn) -> u64,
) -> Column {
    Column::new(
        name.into(),
        commits
            .map(|c| c.churn.as_ref().map(f))
            .collect::<Vec<Option<u64>>>(),
    )
}

fn datetime_column(name: &str, seconds: Vec<i64>) -> Column {
    let millis: Vec<i64> = seconds
        .into_iter()
        .map(|s| s.saturating_mul(1000))
        .collect();
    Int64Chunked::from_vec(name.into(), millis)
        .into_datetime(TimeUnit::Milliseconds, None)
        .into_column()
}

/// `commits`: one row per reachable commit, sorted by author time then id.
pub fn commits_frame(repo: &str, history: &History, now: i64) -> Result<DataFrame, TableError> {
    let mut commits: Vec<_> = history.commits.iter().collect();
    commits.sort_by_key(|c| (c.author_time, c.id));
    let n = commits.len();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::COMMIT.into(),
            commits.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(),
        ),
        datetime_column(
            col::AUTHOR_TIME,
            commits.iter().map(|c| c.author_time).collect(),
        ),
        datetime_column(
            col::COMMITTER_TIME,
            commits.iter().map(|c| c.committer_time).collect(),
        ),
        Column::new(
            col::AUTHOR.into(),
            commits
                .iter()
                .map(|c| history.identities[c.author as usize].as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::PARENTS.into(),
            commits
                .iter()
                .map(|c| c.parents.len() as u32)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::IS_MERGE.into(),
            commits
                .iter()
                .map(|c| c.parents.len() > 1)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::IS_BOT.into(),
            commits.iter().map(|c| c.is_bot).collect::<Vec<_>>(),
        ),
        Column::new(
            col::PLAUSIBLE_DATE.into(),
            commits
                .iter()
                .map(|c| is_plausible(c.author_time, now))
                .collect::<Vec<_>>(),
        ),
        churn_column(col::LINES_ADDED, commits.iter().copied(), |c| c.lines_added),
        churn_column(col::LINES_REMOVED, commits.iter().copied(), |c| {
            c.lines_removed
        }),
        Column::new(
            col::FILES_CHANGED.into(),
            commits
                .iter()
                .map(|c| c.churn.map(|c| c.files_changed))
                .collect::<Vec<Option<u32>>>(),
        ),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// `activity`: one row per month, no gaps.
pub fn activity_frame(repo: &str, rows: &[ActivityRow]) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let u = |f: fn(&ActivityRow) -> u32| rows.iter().map(f).collect::<Vec<u32>>();
    let opt_u64 = |f: fn(&ActivityRow) -> Option<u64>| rows.iter().map(f).collect::<Vec<_>>();
    let opt_f64 = |f: fn(&ActivityRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::MONTH.into(),
            rows.iter().map(|r| r.month.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(col::COMMITS.into(), u(|r| r.commits)),
        Column::new(col::MERGES.into(), u(|r| r.merges)),
        Column::new(col::CONTRIBUTORS.into(), u(|r| r.contributors)),
        Column::new(col::HUMAN_CONTRIBUTORS.into(), u(|r| r.human_contributors)),
        Column::new(col::NEW_CONTRIBUTORS.into(), u(|r| r.new_contributors)),
        Column::new(col::BOT_COMMITS.into(), u(|r| r.bot_commits)),
        Column::new(col::CONTRIBUTORS_12M.into(), u(|r| r.contributors_12m)),
        Column::new(col::PONY_FACTOR_24M.into(), u(|r| r.pony_factor_24m)),
        Column::new(
            col::ELEPHANT_FACTOR_24M.into(),
            u(|r| r.elephant_factor_24m),
        ),
        Column::new(col::LINES_ADDED.into(), opt_u64(|r| r.lines_added)),
        Column::new(col::LINES_REMOVED.into(), opt_u64(|r| r.lines_removed)),
        Column::new(
            col::MEDIAN_LINE_AGE_DAYS.into(),
            opt_f64(|r| r.median_line_age_days),
        ),
        Column::new(col::NEW_CODE_SHARE.into(), opt_f64(|r| r.new_code_share)),
        Column::new(
            col::BUS_FACTOR.into(),
            rows.iter()
                .map(|r| r.bus_factor)
                .collect::<Vec<Option<u32>>>(),
        ),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// `age`: one row per month x cohort (the UTC year lines were last written) with lines.
pub fn age_frame(repo: &str, months: &[MonthAge]) -> Result<DataFrame, TableError> {
    let rows: Vec<(&MonthAge, i32, u64)> = months
        .iter()
        .flat_map(|m| m.cohorts.iter().map(move |(y, n)| (m, *y, *n)))
        .collect();
    let n = rows.len();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::MONTH.into(),
            rows.iter()
                .map(|r| r.0.month.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::COHORT.into(),
            rows.iter().map(|r| r.1).collect::<Vec<i32>>(),
        ),
        Column::new(
            col::LINES.into(),
            rows.iter().map(|r| r.2).collect::<Vec<u64>>(),
        ),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// The table with its columns and no rows, for the line tables a store may lack.
pub fn empty_frame(table: Table) -> Option<DataFrame> {
    match table {
        Table::Loc => loc_frame("", &[]).ok(),
        Table::Age => age_frame("", &[]).ok(),
        Table::LanguageCommits => language_commits_frame("", &[]).ok(),
        _ => None,
    }
}

/// One row of `language_commits`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageCommit {
    pub month: Month,
    pub commit: String,
    pub language: String,
    pub lines_added: u64,
    pub lines_removed: u64,
}

/// `language_commits`: one row per first-parent commit x language whose counted lines it changed,
/// in chain order (root first), with the month whose snapshot it leads up to.
pub fn language_commits_frame(
    repo: &str,
    rows: &[LanguageCommit],
) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::MONTH.into(),
            rows.iter().map(|r| r.month.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::COMMIT.into(),
            rows.iter().map(|r| r.commit.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::LANGUAGE.into(),
            rows.iter().map(|r| r.language.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::LINES_ADDED.into(),
            rows.iter().map(|r| r.lines_added).collect::<Vec<u64>>(),
        ),
        Column::new(
            col::LINES_REMOVED.into(),
            rows.iter().map(|r| r.lines_removed).collect::<Vec<u64>>(),
        ),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// The rows of a stored `language_commits` table.
pub fn language_commits_from_frame(df: &DataFrame) -> Result<Vec<LanguageCommit>, TableError> {
    let month = str_col(df, col::MONTH)?;
    let commit = str_col(df, col::COMMIT)?;
    let language = str_col(df, col::LANGUAGE)?;
    let added = df.column(col::LINES_ADDED)?.u64()?;
    let removed = df.column(col::LINES_REMOVED)?.u64()?;
    (0..df.height())
        .map(|i| {
            let row = || {
                Some(LanguageCommit {
                    month: month.get(i).and_then(Month::parse)?,
                    commit: commit.get(i)?.to_string(),
                    language: language.get(i)?.to_string(),
                    lines_added: added.get(i)?,
                    lines_removed: removed.get(i)?,
                })
            };
            row().ok_or(TableError::Invalid("language_commits has a null cell"))
        })
        .collect()
}

/// Month figures back from a stored `age` table and the `activity` table stored with it.
///
/// A month's bus factor is kept as it was computed: when `.mailmap` later merges identities,
/// months mined before keep the figure of the identities of their run (a fresh store recomputes
/// them); re-following every line on each `.mailmap` change would cost a full line-age run.
pub fn month_ages_from_frames(
    age: &DataFrame,
    activity: &DataFrame,
) -> Result<Vec<MonthAge>, TableError> {
    let mut by_month: std::collections::BTreeMap<Month, MonthAge> = Default::default();
    let month = activity.column(col::MONTH)?.str()?;
    let median = activity.column(col::MEDIAN_LINE_AGE_DAYS)?.f64()?;
    let share = activity.column(col::NEW_CODE_SHARE)?.f64()?;
    // A store from before the bus factor: keep no month, so every month is computed afresh.
    let Ok(bus) = activity.column(col::BUS_FACTOR) else {
        return Ok(Vec::new());
    };
    let bus = bus.u32()?;
    for i in 0..activity.height() {
        let Some(m) = month.get(i).and_then(Month::parse) else {
            continue;
        };
        by_month.insert(
            m,
            MonthAge {
                month: m,
                cohorts: Default::default(),
                lines: 0,
                median_age_days: median.get(i),
                new_code_share: share.get(i),
                bus_factor: bus.get(i),
            },
        );
    }
    let month = age.column(col::MONTH)?.str()?;
    let cohort = age.column(col::COHORT)?.i32()?;
    let lines = age.column(col::LINES)?.u64()?;
    for i in 0..age.height() {
        let (Some(m), Some(y), Some(n)) = (
            month.get(i).and_then(Month::parse),
            cohort.get(i),
            lines.get(i),
        ) else {
            continue;
        };
        if let Some(entry) = by_month.get_mut(&m) {
            entry.cohorts.insert(y, n);
            entry.lines += n;
        }
    }
    Ok(by_month.into_values().collect())
}

/// The line-age state as a table: one row per run of consecutive lines written by the same
/// commit (chain position), files in path order.
pub fn line_ages_frame(state: &LineAges) -> Result<DataFrame, TableError> {
    let mut files: Vec<_> = state.files.iter().collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let (mut path, mut blob, mut counted, mut position, mut lines) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (p, f) in files {
        let mut push = |pos: u32, n: u32| {
            path.push(p.to_string());
            blob.push(f.blob.to_string());
            counted.push(f.counted);
            position.push(pos);
            lines.push(n);
        };
        if f.lines.is_empty() {
            push(0, 0);
        }
        let mut i = 0;
        while i < f.lines.len() {
            let start = i;
            while i < f.lines.len() && f.lines[i] == f.lines[start] {
                i += 1;
            }
            push(f.lines[start], (i - start) as u32);
        }
    }
    let n = path.len();
    let columns = vec![
        Column::new(col::PATH.into(), path),
        Column::new(col::BLOB.into(), blob),
        Column::new(col::COUNTED.into(), counted),
        Column::new(col::POSITION.into(), position),
        Column::new(col::LINES.into(), lines),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// Reads the line-age state back; `applied` comes from the repository's meta.
pub fn line_ages_from_frame(df: &DataFrame, applied: usize) -> Result<LineAges, TableError> {
    let path = df.column(col::PATH)?.str()?;
    let blob = df.column(col::BLOB)?.str()?;
    let counted = df.column(col::COUNTED)?.bool()?;
    let position = df.column(col::POSITION)?.u32()?;
    let lines = df.column(col::LINES)?.u32()?;
    let mut state = LineAges {
        applied,
        ..LineAges::default()
    };
    for i in 0..df.height() {
        let (Some(p), Some(id)) = (
            path.get(i),
            blob.get(i)
                .and_then(|b| gix::ObjectId::from_hex(b.as_bytes()).ok()),
        ) else {
            return Err(TableError::Invalid("line_ages: a row without path or blob"));
        };
        let entry = state
            .files
            .entry(p.as_bytes().into())
            .or_insert_with(|| FileAges {
                blob: id,
                counted: counted.get(i).unwrap_or(false),
                lines: Vec::new(),
            });
        let n = lines.get(i).unwrap_or(0) as usize;
        let pos = position.get(i).unwrap_or(0);
        entry.lines.extend(std::iter::repeat_n(pos, n));
    }
    Ok(state)
}

/// `data_quality`: one row per finding kind; `examples` holds space-separated commit ids.
pub fn data_quality_frame(repo: &str, findings: &[Finding]) -> Result<DataFrame, TableError> {
    let n = findings.len();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::KIND.into(),
            findings.iter().map(|f| f.kind.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::COUNT.into(),
            findings.iter().map(|f| f.count).collect::<Vec<_>>(),
        ),
        Column::new(
            col::EXAMPLES.into(),
            findings
                .iter()
                .map(|f| f.examples.join(" "))
                .collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// `loc`: one row per month x language present in that month's snapshot.
pub fn loc_frame(repo: &str, rows: &[LocRow]) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let u = |f: fn(&LocRow) -> u64| rows.iter().map(f).collect::<Vec<u64>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::MONTH.into(),
            rows.iter().map(|r| r.month.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::LANGUAGE.into(),
            rows.iter().map(|r| r.language.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(col::FILES.into(), u(|r| r.counts.files)),
        Column::new(col::CODE.into(), u(|r| r.counts.code)),
        Column::new(col::COMMENTS.into(), u(|r| r.counts.comments)),
        Column::new(col::BLANKS.into(), u(|r| r.counts.blanks)),
        Column::new(col::BYTES.into(), u(|r| r.counts.bytes)),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// `snapshots`: one row per month, the first-parent commit (and its tree) that stands for it.
pub fn snapshots_frame(repo: &str, snapshots: &[Snapshot]) -> Result<DataFrame, TableError> {
    let n = snapshots.len();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::MONTH.into(),
            snapshots
                .iter()
                .map(|s| s.month.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::COMMIT.into(),
            snapshots
                .iter()
                .map(|s| s.commit.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::TREE.into(),
            snapshots
                .iter()
                .map(|s| s.tree.to_string())
                .collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// The walk state: every walked commit (in scope or not) with its tree, parents, times as Unix
/// seconds, resolved identity, bot flag and scope flag.
pub fn walk_frame(history: &History, in_scope: &[bool]) -> Result<DataFrame, TableError> {
    let c = &history.commits;
    let n = c.len();
    let columns = vec![
        Column::new(
            col::COMMIT.into(),
            c.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::TREE.into(),
            c.iter().map(|c| c.tree.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::PARENT_IDS.into(),
            c.iter()
                .map(|c| {
                    c.parents
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::AUTHOR_TIME.into(),
            c.iter().map(|c| c.author_time).collect::<Vec<_>>(),
        ),
        Column::new(
            col::COMMITTER_TIME.into(),
            c.iter().map(|c| c.committer_time).collect::<Vec<_>>(),
        ),
        Column::new(
            col::AUTHOR.into(),
            c.iter()
                .map(|c| history.identities[c.author as usize].as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::IS_BOT.into(),
            c.iter().map(|c| c.is_bot).collect::<Vec<_>>(),
        ),
        Column::new(col::IN_SCOPE.into(), in_scope.to_vec()),
        Column::new(
            col::MALFORMED.into(),
            c.iter().map(|c| u32::from(c.malformed)).collect::<Vec<_>>(),
        ),
        churn_column(col::LINES_ADDED, c.iter(), |c| c.lines_added),
        churn_column(col::LINES_REMOVED, c.iter(), |c| c.lines_removed),
        Column::new(
            col::FILES_CHANGED.into(),
            c.iter()
                .map(|c| c.churn.map(|c| c.files_changed))
                .collect::<Vec<Option<u32>>>(),
        ),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// Reads the walk state back; `None` if any row does not parse (then the caller walks afresh).
pub fn walk_from_frame(df: &DataFrame) -> Result<Option<(History, Vec<bool>)>, TableError> {
    let commit = df.column(col::COMMIT)?.str()?;
    let tree = df.column(col::TREE)?.str()?;
    let parents = df.column(col::PARENT_IDS)?.str()?;
    let author_time = df.column(col::AUTHOR_TIME)?.i64()?;
    let committer_time = df.column(col::COMMITTER_TIME)?.i64()?;
    let author = df.column(col::AUTHOR)?.str()?;
    let is_bot = df.column(col::IS_BOT)?.bool()?;
    let in_scope = df.column(col::IN_SCOPE)?.bool()?;
    // A walk stored before the column existed is walked afresh.
    let Ok(malformed) = df.column(col::MALFORMED).and_then(|c| c.u32()) else {
        return Ok(None);
    };
    let lines_added = df.column(col::LINES_ADDED)?.u64()?;
    let lines_removed = df.column(col::LINES_REMOVED)?.u64()?;
    let files_changed = df.column(col::FILES_CHANGED)?.u32()?;
    let id = |v: &str| gix::ObjectId::from_hex(v.as_bytes()).ok();
    let mut history = History::default();
    let mut identities: std::collections::HashMap<String, u32> = Default::default();
    let mut flags = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let (Some(c), Some(t), Some(p), Some(a)) = (
            commit.get(i).and_then(id),
            tree.get(i).and_then(id),
            parents.get(i),
            author.get(i),
        ) else {
            return Ok(None);
        };
        let Some(parent_ids) = p.split_whitespace().map(id).collect::<Option<Vec<_>>>() else {
            return Ok(None);
        };
        let index = match identities.get(a) {
            Some(x) => *x,
            None => {
                let x = history.identities.len() as u32;
                identities.insert(a.to_string(), x);
                history.identities.push(a.to_string());
                x
            }
        };
        history.commits.push(crate::git::CommitInfo {
            id: c,
            tree: t,
            parents: parent_ids,
            author_time: author_time.get(i).unwrap_or(0),
            committer_time: committer_time.get(i).unwrap_or(0),
            author: index,
            is_bot: is_bot.get(i).unwrap_or(false),
            malformed: malformed.get(i).map_or(0, |m| m.min(255) as u8),
            churn: match (
                lines_added.get(i),
                lines_removed.get(i),
                files_changed.get(i),
            ) {
                (Some(lines_added), Some(lines_removed), Some(files_changed)) => {
                    Some(crate::churn::Churn {
                        lines_added,
                        lines_removed,
                        files_changed,
                    })
                }
                _ => None,
            },
        });
        flags.push(in_scope.get(i).unwrap_or(true));
    }
    Ok(Some((history, flags)))
}

/// Reads a stored `snapshots` table back.
pub fn snapshots_from_frame(df: &DataFrame) -> Result<Vec<Snapshot>, TableError> {
    let month = df.column(col::MONTH)?.str()?;
    let commit = df.column(col::COMMIT)?.str()?;
    let tree = df.column(col::TREE)?.str()?;
    let id = |v: Option<&str>| v.and_then(|h| gix::ObjectId::from_hex(h.as_bytes()).ok());
    Ok((0..df.height())
        .filter_map(|i| {
            Some(Snapshot {
                month: Month::parse(month.get(i)?)?,
                commit: id(commit.get(i))?,
                tree: id(tree.get(i))?,
            })
        })
        .collect())
}

/// Reads a stored `loc` table back into rows.
pub fn loc_rows_from_frame(df: &DataFrame) -> Result<Vec<LocRow>, TableError> {
    let month = df.column(col::MONTH)?.str()?;
    let language = df.column(col::LANGUAGE)?.str()?;
    let n = |name: &str| -> Result<Vec<u64>, TableError> {
        Ok(df
            .column(name)?
            .u64()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let (files, code, comments, blanks, bytes) = (
        n(col::FILES)?,
        n(col::CODE)?,
        n(col::COMMENTS)?,
        n(col::BLANKS)?,
        n(col::BYTES)?,
    );
    Ok((0..df.height())
        .filter_map(|i| {
            Some(LocRow {
                month: Month::parse(month.get(i)?)?,
                language: language.get(i)?.to_string(),
                counts: Counts {
                    files: files[i],
                    code: code[i],
                    comments: comments[i],
                    blanks: blanks[i],
                    bytes: bytes[i],
                },
            })
        })
        .collect())
}

/// The blob-count cache as a table, sorted by blob id so reruns write identical files.
pub fn blob_counts_frame(cache: &BlobCache) -> Result<DataFrame, TableError> {
    let mut entries: Vec<_> = cache.iter().collect();
    entries.sort_by_key(|(k, _)| **k);
    let n = entries.len();
    let u = |f: fn(&BlobCount) -> u64| entries.iter().map(|(_, v)| f(v)).collect::<Vec<u64>>();
    let columns = vec![
        Column::new(
            col::BLOB.into(),
            entries
                .iter()
                .map(|(k, _)| k.0.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::PATH_LANGUAGE.into(),
            entries
                .iter()
                .map(|(k, _)| k.1.as_key())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::LANGUAGE.into(),
            entries
                .iter()
                .map(|(_, v)| v.language.map(|l| l.name()))
                .collect::<Vec<Option<&str>>>(),
        ),
        Column::new(col::CODE.into(), u(|v| v.lines.code)),
        Column::new(col::COMMENTS.into(), u(|v| v.lines.comments)),
        Column::new(col::BLANKS.into(), u(|v| v.lines.blanks)),
        Column::new(col::BYTES.into(), u(|v| v.bytes)),
    ];
    Ok(DataFrame::new(n, columns)?)
}

/// Reads the blob-count cache back; rows that do not parse (another tokei's language names) are
/// dropped, which only means those blobs are counted again.
pub fn blob_cache_from_frame(df: &DataFrame) -> Result<BlobCache, TableError> {
    let blob = df.column(col::BLOB)?.str()?;
    let path_language = df.column(col::PATH_LANGUAGE)?.str()?;
    let language = df.column(col::LANGUAGE)?.str()?;
    let code = df.column(col::CODE)?.u64()?;
    let comments = df.column(col::COMMENTS)?.u64()?;
    let blanks = df.column(col::BLANKS)?.u64()?;
    let bytes = df.column(col::BYTES)?.u64()?;
    let mut cache = BlobCache::with_capacity(df.height());
    for i in 0..df.height() {
        let (Some(id), Some(key)) = (
            blob.get(i)
                .and_then(|b| gix::ObjectId::from_hex(b.as_bytes()).ok()),
            path_language.get(i).and_then(PathLanguage::from_key),
        ) else {
            continue;
        };
        let lang = match language.get(i) {
            None => None,
            Some(name) => match language_by_name(name) {
                Some(l) => Some(l),
                None => continue,
            },
        };
        cache.insert(
            (id, key),
            BlobCount {
                language: lang,
                lines: Lines {
                    code: code.get(i).unwrap_or(0),
                    comments: comments.get(i).unwrap_or(0),
                    blanks: blanks.get(i).unwrap_or(0),
                },
                bytes: bytes.get(i).unwrap_or(0),
            },
        );
    }
    Ok(cache)
}

/// One month of a stacked `activity` table, as charts read it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityPoint {
    pub repo: String,
    pub month: Month,
    pub commits: u32,
    pub contributors: u32,
    pub lines_added: Option<u64>,
    pub lines_removed: Option<u64>,
    pub new_code_share: Option<f64>,
}

fn str_col<'a>(df: &'a DataFrame, name: &str) -> Result<&'a StringChunked, TableError> {
    Ok(df.column(name)?.str()?)
}

/// Rows of a stacked `activity` table.
pub fn activity_points(df: &DataFrame) -> Result<Vec<ActivityPoint>, TableError> {
    let repo = str_col(df, col::REPO)?;
    let month = str_col(df, col::MONTH)?;
    let commits = df.column(col::COMMITS)?.u32()?;
    let contributors = df.column(col::CONTRIBUTORS)?.u32()?;
    let added = df.column(col::LINES_ADDED)?.u64()?;
    let removed = df.column(col::LINES_REMOVED)?.u64()?;
    let share = df.column(col::NEW_CODE_SHARE)?.f64()?;
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let (Some(r), Some(m)) = (repo.get(i), month.get(i).and_then(Month::parse)) else {
            return Err(TableError::Invalid("activity: a row without repo or month"));
        };
        out.push(ActivityPoint {
            repo: r.to_string(),
            month: m,
            commits: commits.get(i).unwrap_or(0),
            contributors: contributors.get(i).unwrap_or(0),
            lines_added: added.get(i),
            lines_removed: removed.get(i),
            new_code_share: share.get(i),
        });
    }
    Ok(out)
}

/// Rows of a stacked `loc` table: (repo, month, language, code lines).
pub fn loc_code_rows(df: &DataFrame) -> Result<Vec<(String, Month, String, u64)>, TableError> {
    let repo = str_col(df, col::REPO)?;
    let month = str_col(df, col::MONTH)?;
    let language = str_col(df, col::LANGUAGE)?;
    let code = df.column(col::CODE)?.u64()?;
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let (Some(r), Some(m), Some(l)) = (
            repo.get(i),
            month.get(i).and_then(Month::parse),
            language.get(i),
        ) else {
            return Err(TableError::Invalid(
                "loc: a row without repo, month or language",
            ));
        };
        out.push((r.to_string(), m, l.to_string(), code.get(i).unwrap_or(0)));
    }
    Ok(out)
}

/// Rows of a stacked `age` table: (repo, month, cohort, lines).
pub fn age_rows(df: &DataFrame) -> Result<Vec<(String, Month, i32, u64)>, TableError> {
    let repo = str_col(df, col::REPO)?;
    let month = str_col(df, col::MONTH)?;
    let cohort = df.column(col::COHORT)?.i32()?;
    let lines = df.column(col::LINES)?.u64()?;
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let (Some(r), Some(m), Some(c)) = (
            repo.get(i),
            month.get(i).and_then(Month::parse),
            cohort.get(i),
        ) else {
            return Err(TableError::Invalid(
                "age: a row without repo, month or cohort",
            ));
        };
        out.push((r.to_string(), m, c, lines.get(i).unwrap_or(0)));
    }
    Ok(out)
}

/// `df` as an aligned text table for a terminal: every row and column, no type line.
pub fn render_text(df: &DataFrame) -> String {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let columns = df.columns();
    let mut rows: Vec<Vec<String>> = vec![names];
    for i in 0..df.height() {
        rows.push(
            columns
                .iter()
                .map(|c| match c.get(i) {
                    Ok(AnyValue::Null) | Err(_) => String::new(),
                    // Repository text: escaped and cut for the terminal.
                    Ok(AnyValue::String(s)) => {
                        crate::text::terminal(s, crate::text::TERMINAL_CELL_CHARS)
                    }
                    Ok(v) => v.to_string(),
                })
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|j| rows.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
        .collect();
    let numeric: Vec<bool> = columns
        .iter()
        .map(|c| c.dtype().is_primitive_numeric())
        .collect();
    rows.iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(j, cell)| crate::text::pad(cell, widths[j], numeric[j]))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes `df` as Parquet into `out`.
/// LZ4: on moby's 57,533-commit tables it wrote in 0.12 s what zstd (polars' default) wrote in
/// 0.17 s; the store is a working cache, size matters less than the monthly job's latency.
pub fn write_parquet(df: &mut DataFrame, out: impl Write) -> Result<(), TableError> {
    ParquetWriter::new(out)
        .with_compression(ParquetCompression::Lz4Raw)
        .finish(df)?;
    Ok(())
}

pub fn read_parquet(path: &Path) -> Result<DataFrame, TableError> {
    let file = std::fs::File::open(path).map_err(|source| TableError::Io {
        path: path.to_owned(),
        source,
    })?;
    ParquetReader::new(file)
        .finish()
        .map_err(|e| TableError::Damaged {
            path: path.to_owned(),
            message: e.to_string(),
        })
}

/// Writes `df` in `format`; CSV text cells are neutralised for spreadsheets.
pub fn write_as(df: &mut DataFrame, format: Format, out: impl Write) -> Result<(), TableError> {
    match format {
        Format::Parquet => write_parquet(df, out),
        Format::Csv => {
            let mut safe = neutralise_for_spreadsheet(df)?;
            CsvWriter::new(out)
                .include_header(true)
                .with_datetime_format(Some("%Y-%m-%d %H:%M:%S".into()))
                .finish(&mut safe)?;
            Ok(())
        }
        Format::Json => {
            JsonWriter::new(out)
                .with_json_format(JsonFormat::Json)
                .finish(df)?;
            Ok(())
        }
    }
}

/// Prefixes `'` to text cells a spreadsheet would read as a formula.
pub fn neutralise_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn neutralise_for_spreadsheet(df: &DataFrame) -> Result<DataFrame, TableError> {
    let columns = df
        .columns()
        .iter()
        .map(|c| -> Result<Column, TableError> {
            if c.dtype() != &DataType::String {
                return Ok(c.clone());
            }
            let safe: StringChunked = c.str()?.iter().map(|v| v.map(neutralise_cell)).collect();
            Ok(safe.with_name(c.name().clone()).into_column())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DataFrame::new(df.height(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let mut df = DataFrame::new(
            3,
            vec![
                Column::new("author".into(), ["=cmd|' /C calc'!A0", "@x", "plain"]),
                Column::new("n".into(), [-1i64, 2, 3]),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        write_as(&mut df, Format::Csv, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "author,n");
        assert_eq!(lines[1], "'=cmd|' /C calc'!A0,-1");
        assert_eq!(lines[2], "'@x,2");
        assert_eq!(lines[3], "plain,3");
    }
}
