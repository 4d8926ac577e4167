//! `vendored_changes`: lines each first-parent commit added and removed in each vendored package
//! (a merge stands for the branch it brings in), with the month whose snapshot it leads up to:
//! vendored imports, bumps and removals, told apart from the project's own work.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{
    col, month_at, need, oid_at, repo_column, required, str_col, Table, TableDef, TableError,
};
use crate::month::Month;

pub const VENDORED_CHANGES: TableDef = TableDef {
    name: "vendored_changes",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::MONTH, Kind::Month),
        required(col::COMMIT, Kind::Oid),
        required(col::PACKAGE, Kind::Str),
        required(col::LINES_ADDED, Kind::U64),
        required(col::LINES_REMOVED, Kind::U64),
    ],
};

/// One row of `vendored_changes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendoredChange {
    /// The month whose snapshot the commit leads up to.
    pub month: Month,
    /// The first-parent commit's 40-hex id (a merge stands for the branch it brings in).
    pub commit: String,
    /// The vendored package's directory, e.g. `vendor/github.com/mattn/go-sqlite3`.
    pub package: String,
    /// Lines the commit added in the package's counted files.
    pub lines_added: u64,
    /// Lines the commit removed in the package's counted files.
    pub lines_removed: u64,
}

/// One row per first-parent commit x vendored package whose counted lines it changed, in chain
/// order.
pub fn vendored_changes_frame(
    repo: &str,
    rows: &[VendoredChange],
) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let text = |f: fn(&VendoredChange) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let lines = |f: fn(&VendoredChange) -> u64| rows.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new(col::MONTH.into(), text(|r| r.month.to_string())),
        Column::new(col::COMMIT.into(), text(|r| r.commit.clone())),
        Column::new(col::PACKAGE.into(), text(|r| r.package.clone())),
        Column::new(col::LINES_ADDED.into(), lines(|r| r.lines_added)),
        Column::new(col::LINES_REMOVED.into(), lines(|r| r.lines_removed)),
    ];
    schema::frame(Table::VendoredChanges, n, columns)
}

/// The rows of a stored `vendored_changes` table.
pub fn vendored_changes_from_frame(df: &DataFrame) -> Result<Vec<VendoredChange>, TableError> {
    let t = Table::VendoredChanges;
    let (month, commit, package) = (
        str_col(df, col::MONTH)?,
        str_col(df, col::COMMIT)?,
        str_col(df, col::PACKAGE)?,
    );
    let added = df.column(col::LINES_ADDED)?.u64()?;
    let removed = df.column(col::LINES_REMOVED)?.u64()?;
    (0..df.height())
        .map(|i| {
            Ok(VendoredChange {
                month: month_at(t, col::MONTH, i, month.get(i))?,
                commit: oid_at(t, col::COMMIT, i, commit.get(i))?.to_string(),
                package: need(t, col::PACKAGE, i, package.get(i))?.to_string(),
                lines_added: need(t, col::LINES_ADDED, i, added.get(i))?,
                lines_removed: need(t, col::LINES_REMOVED, i, removed.get(i))?,
            })
        })
        .collect()
}
