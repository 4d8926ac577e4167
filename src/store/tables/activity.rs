//! `activity`: commits, contributors, churn and code-age figures per month, and the read model
//! charts take from it.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{
    col, month_at, need, optional, repo_column, required, str_col, Table, TableDef, TableError,
};
use crate::mine::activity::ActivityRow;
use crate::month::Month;

pub const ACTIVITY: TableDef = TableDef {
    name: "activity",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::MONTH, Kind::Month),
        required(col::COMMITS, Kind::U32),
        required(col::MERGES, Kind::U32),
        required(col::CONTRIBUTORS, Kind::U32),
        required(col::HUMAN_CONTRIBUTORS, Kind::U32),
        required(col::NEW_CONTRIBUTORS, Kind::U32),
        required(col::BOT_COMMITS, Kind::U32),
        required(col::CONTRIBUTORS_12M, Kind::U32),
        required(col::PONY_FACTOR_24M, Kind::U32),
        required(col::ELEPHANT_FACTOR_24M, Kind::U32),
        // Empty when churn was not mined (`--activity-only`).
        optional(col::LINES_ADDED, Kind::U64),
        optional(col::LINES_REMOVED, Kind::U64),
        // Empty for months without counted lines, or without line age.
        optional(col::MEDIAN_LINE_AGE_DAYS, Kind::F64),
        optional(col::NEW_CODE_SHARE, Kind::F64),
        optional(col::BUS_FACTOR, Kind::U32),
    ],
};

/// One row per month, no gaps.
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
    schema::frame(Table::Activity, n, columns)
}

/// One month of a stacked `activity` table, as charts read it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityPoint {
    /// The repository's name in the store and every table.
    pub repo: String,
    /// The row's month.
    pub month: Month,
    /// Commits authored in the month (reachable through all parents; bots included).
    pub commits: u32,
    /// Distinct identities with a commit in the month, co-authors included.
    pub contributors: u32,
    /// Distinct identities of the 12 months ending with this one.
    pub contributors_12m: u32,
    /// Lines the month's non-merge commits added; `None` when churn was not mined
    /// (`--activity-only`).
    pub lines_added: Option<u64>,
    /// Lines the month's non-merge commits removed; `None` as for `lines_added`.
    pub lines_removed: Option<u64>,
    /// The share of own code's lines last written in the 12 months ending with this one, 0 to 1;
    /// `None` for a month without counted lines or line age.
    pub new_code_share: Option<f64>,
}

/// Rows of a stacked `activity` table.
pub fn activity_points(df: &DataFrame) -> Result<Vec<ActivityPoint>, TableError> {
    let repo = str_col(df, col::REPO)?;
    let month = str_col(df, col::MONTH)?;
    let commits = df.column(col::COMMITS)?.u32()?;
    let contributors = df.column(col::CONTRIBUTORS)?.u32()?;
    let contributors_12m = df.column(col::CONTRIBUTORS_12M)?.u32()?;
    let added = df.column(col::LINES_ADDED)?.u64()?;
    let removed = df.column(col::LINES_REMOVED)?.u64()?;
    let share = df.column(col::NEW_CODE_SHARE)?.f64()?;
    let mut out = Vec::with_capacity(df.height());
    let t = Table::Activity;
    for i in 0..df.height() {
        out.push(ActivityPoint {
            repo: need(t, col::REPO, i, repo.get(i))?.to_string(),
            month: month_at(t, col::MONTH, i, month.get(i))?,
            commits: need(t, col::COMMITS, i, commits.get(i))?,
            contributors: need(t, col::CONTRIBUTORS, i, contributors.get(i))?,
            contributors_12m: need(t, col::CONTRIBUTORS_12M, i, contributors_12m.get(i))?,
            lines_added: added.get(i),
            lines_removed: removed.get(i),
            new_code_share: share.get(i),
        });
    }
    Ok(out)
}
