//! `class_churn`: lines added and removed per month and class (own code, tests, docs, vendored,
//! generated); the classes of a month add up to its `activity` churn.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{
    class_at, col, month_at, need, repo_column, required, str_col, Table, TableDef, TableError,
};
use crate::mine::activity::ActivityRow;
use crate::mine::class::Class;
use crate::month::Month;

pub const CLASS_CHURN: TableDef = TableDef {
    name: "class_churn",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::MONTH, Kind::Month),
        required(col::CLASS, Kind::Class),
        required(col::LINES_ADDED, Kind::U64),
        required(col::LINES_REMOVED, Kind::U64),
    ],
};

/// One row per month (with mined churn) and class, classes in [`Class::ALL`] order.
pub fn class_churn_frame(repo: &str, rows: &[ActivityRow]) -> Result<DataFrame, TableError> {
    let cells: Vec<(Month, Class, (u64, u64))> = rows
        .iter()
        .filter_map(|r| r.class_lines.map(|c| (r.month, c)))
        .flat_map(|(m, c)| Class::ALL.into_iter().map(move |k| (m, k, c.get(k))))
        .collect();
    let n = cells.len();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::MONTH.into(),
            cells.iter().map(|c| c.0.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::CLASS.into(),
            cells.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::LINES_ADDED.into(),
            cells.iter().map(|c| c.2 .0).collect::<Vec<u64>>(),
        ),
        Column::new(
            col::LINES_REMOVED.into(),
            cells.iter().map(|c| c.2 .1).collect::<Vec<u64>>(),
        ),
    ];
    schema::frame(Table::ClassChurn, n, columns)
}

/// One row of a stacked `class_churn` table, as charts read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassChurnPoint {
    /// The repository's name in the store and every table.
    pub repo: String,
    /// The row's month.
    pub month: Month,
    /// The class of the changed files.
    pub class: Class,
    /// Lines the month's non-merge commits added in files of the class.
    pub lines_added: u64,
    /// Lines the month's non-merge commits removed in files of the class.
    pub lines_removed: u64,
}

/// Rows of a stacked `class_churn` table.
pub fn class_churn_points(df: &DataFrame) -> Result<Vec<ClassChurnPoint>, TableError> {
    let t = Table::ClassChurn;
    let repo = str_col(df, col::REPO)?;
    let month = str_col(df, col::MONTH)?;
    let class = str_col(df, col::CLASS)?;
    let added = df.column(col::LINES_ADDED)?.u64()?;
    let removed = df.column(col::LINES_REMOVED)?.u64()?;
    (0..df.height())
        .map(|i| {
            Ok(ClassChurnPoint {
                repo: need(t, col::REPO, i, repo.get(i))?.to_string(),
                month: month_at(t, col::MONTH, i, month.get(i))?,
                class: class_at(t, col::CLASS, i, class.get(i))?,
                lines_added: need(t, col::LINES_ADDED, i, added.get(i))?,
                lines_removed: need(t, col::LINES_REMOVED, i, removed.get(i))?,
            })
        })
        .collect()
}
