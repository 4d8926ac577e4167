//! The tables line age writes: `age` (lines by the year they were last written, per month),
//! `language_commits` (lines each first-parent commit changed per language) and the internal
//! `line_ages` state that lets a later run follow only new commits.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{
    class_at, col, column_of, month_at, need, oid_at, repo_column, required, str_col, Table,
    TableDef, TableError,
};
use crate::mine::churn::age::{FileAges, LineAges, MonthAge};
use crate::mine::class::Class;
use crate::month::Month;

pub const AGE: TableDef = TableDef {
    name: "age",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::MONTH, Kind::Month),
        required(col::CLASS, Kind::Class),
        required(col::COHORT, Kind::I32),
        required(col::LINES, Kind::U64),
    ],
};

pub const LANGUAGE_COMMITS: TableDef = TableDef {
    name: "language_commits",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::MONTH, Kind::Month),
        required(col::COMMIT, Kind::Oid),
        required(col::LANGUAGE, Kind::Str),
        required(col::CLASS, Kind::Class),
        required(col::LINES_ADDED, Kind::U64),
        required(col::LINES_REMOVED, Kind::U64),
    ],
};

pub const LINE_AGES: TableDef = TableDef {
    name: "line_ages",
    public: false,
    schema: &[
        required(col::PATH, Kind::Str),
        required(col::BLOB, Kind::Oid),
        required(col::COUNTED, Kind::Bool),
        required(col::GENERATED, Kind::Bool),
        required(col::POSITION, Kind::U32),
        required(col::LINES, Kind::U32),
    ],
};

/// One row per month x class x cohort (the UTC year lines were last written) with lines.
pub fn age_frame(repo: &str, months: &[MonthAge]) -> Result<DataFrame, TableError> {
    let rows: Vec<(&MonthAge, Class, i32, u64)> = months
        .iter()
        .flat_map(|m| m.cohorts.iter().map(move |((c, y), n)| (m, *c, *y, *n)))
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
            col::CLASS.into(),
            rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::COHORT.into(),
            rows.iter().map(|r| r.2).collect::<Vec<i32>>(),
        ),
        Column::new(
            col::LINES.into(),
            rows.iter().map(|r| r.3).collect::<Vec<u64>>(),
        ),
    ];
    schema::frame(Table::Age, n, columns)
}

/// One row of `language_commits`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageCommit {
    /// The month whose snapshot the commit leads up to.
    pub month: Month,
    /// The first-parent commit's 40-hex id (a merge stands for the branch it brings in).
    pub commit: String,
    /// The language of the changed files, by tokei's name.
    pub language: String,
    /// The class of the changed files.
    pub class: Class,
    /// Lines the commit added in that language and class, against its first parent.
    pub lines_added: u64,
    /// Lines the commit removed in that language and class, against its first parent.
    pub lines_removed: u64,
}

/// One row per first-parent commit x language x class whose counted lines it changed,
/// in chain order (root first), with the month whose snapshot it leads up to.
pub fn language_commits_frame(
    repo: &str,
    rows: &[LanguageCommit],
) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let columns = vec![
        repo_column(repo, n),
        column_of(col::MONTH, rows, |r| r.month.to_string()),
        column_of(col::COMMIT, rows, |r| r.commit.as_str()),
        column_of(col::LANGUAGE, rows, |r| r.language.as_str()),
        column_of(col::CLASS, rows, |r| r.class.as_str()),
        column_of(col::LINES_ADDED, rows, |r| r.lines_added),
        column_of(col::LINES_REMOVED, rows, |r| r.lines_removed),
    ];
    schema::frame(Table::LanguageCommits, n, columns)
}

/// The rows of a stored `language_commits` table.
pub fn language_commits_from_frame(df: &DataFrame) -> Result<Vec<LanguageCommit>, TableError> {
    let t = Table::LanguageCommits;
    let month = str_col(df, col::MONTH)?;
    let commit = str_col(df, col::COMMIT)?;
    let language = str_col(df, col::LANGUAGE)?;
    let class = str_col(df, col::CLASS)?;
    let added = df.column(col::LINES_ADDED)?.u64()?;
    let removed = df.column(col::LINES_REMOVED)?.u64()?;
    (0..df.height())
        .map(|i| {
            Ok(LanguageCommit {
                month: month_at(t, col::MONTH, i, month.get(i))?,
                commit: oid_at(t, col::COMMIT, i, commit.get(i))?.to_string(),
                language: need(t, col::LANGUAGE, i, language.get(i))?.to_string(),
                class: class_at(t, col::CLASS, i, class.get(i))?,
                lines_added: need(t, col::LINES_ADDED, i, added.get(i))?,
                lines_removed: need(t, col::LINES_REMOVED, i, removed.get(i))?,
            })
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
    let t = Table::Age;
    let month = age.column(col::MONTH)?.str()?;
    let class = age.column(col::CLASS)?.str()?;
    let cohort = age.column(col::COHORT)?.i32()?;
    let lines = age.column(col::LINES)?.u64()?;
    for i in 0..age.height() {
        let m = month_at(t, col::MONTH, i, month.get(i))?;
        let c = class_at(t, col::CLASS, i, class.get(i))?;
        let y = need(t, col::COHORT, i, cohort.get(i))?;
        let n = need(t, col::LINES, i, lines.get(i))?;
        if let Some(entry) = by_month.get_mut(&m) {
            entry.cohorts.insert((c, y), n);
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
    let mut generated = Vec::new();
    for (p, f) in files {
        let mut push = |pos: u32, n: u32| {
            path.push(p.to_string());
            blob.push(f.blob.to_string());
            counted.push(f.counted);
            generated.push(f.generated);
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
        Column::new(col::GENERATED.into(), generated),
        Column::new(col::POSITION.into(), position),
        Column::new(col::LINES.into(), lines),
    ];
    schema::frame(Table::LineAges, n, columns)
}

/// Reads the line-age state back; `applied` comes from the repository's meta.
pub fn line_ages_from_frame(df: &DataFrame, applied: usize) -> Result<LineAges, TableError> {
    let t = Table::LineAges;
    let path = str_col(df, col::PATH)?;
    let blob = str_col(df, col::BLOB)?;
    let counted = df.column(col::COUNTED)?.bool()?;
    let generated = df.column(col::GENERATED)?.bool()?;
    let position = df.column(col::POSITION)?.u32()?;
    let lines = df.column(col::LINES)?.u32()?;
    let mut state = LineAges {
        applied,
        ..LineAges::default()
    };
    for i in 0..df.height() {
        let p = need(t, col::PATH, i, path.get(i))?;
        let id = oid_at(t, col::BLOB, i, blob.get(i))?;
        let counted = need(t, col::COUNTED, i, counted.get(i))?;
        let generated = need(t, col::GENERATED, i, generated.get(i))?;
        let n = need(t, col::LINES, i, lines.get(i))? as usize;
        let pos = need(t, col::POSITION, i, position.get(i))?;
        let entry = state
            .files
            .entry(p.as_bytes().into())
            .or_insert_with(|| FileAges {
                blob: id,
                counted,
                generated,
                lines: Vec::new(),
            });
        entry.lines.extend(std::iter::repeat_n(pos, n));
    }
    Ok(state)
}

/// One row of a stacked `age` table, as charts read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgePoint {
    /// The repository's name in the store and every table.
    pub repo: String,
    /// The row's month.
    pub month: Month,
    /// The class of the lines.
    pub class: Class,
    /// The UTC year in which the lines were last written.
    pub cohort: i32,
    /// Lines of that class and cohort in the month's snapshot.
    pub lines: u64,
}

/// Rows of a stacked `age` table.
pub fn age_points(df: &DataFrame) -> Result<Vec<AgePoint>, TableError> {
    let t = Table::Age;
    let repo = str_col(df, col::REPO)?;
    let month = str_col(df, col::MONTH)?;
    let class = str_col(df, col::CLASS)?;
    let cohort = df.column(col::COHORT)?.i32()?;
    let lines = df.column(col::LINES)?.u64()?;
    (0..df.height())
        .map(|i| {
            Ok(AgePoint {
                repo: need(t, col::REPO, i, repo.get(i))?.to_string(),
                month: month_at(t, col::MONTH, i, month.get(i))?,
                class: class_at(t, col::CLASS, i, class.get(i))?,
                cohort: need(t, col::COHORT, i, cohort.get(i))?,
                lines: need(t, col::LINES, i, lines.get(i))?,
            })
        })
        .collect()
}
