//! `snapshots`: which first-parent commit (and its tree) stands for each month.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, month_at, oid_at, repo_column, required, Table, TableDef, TableError};
use crate::mine::git::snapshot::Snapshot;

pub const SNAPSHOTS: TableDef = TableDef {
    name: "snapshots",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::MONTH, Kind::Month),
        required(col::COMMIT, Kind::Oid),
        required(col::TREE, Kind::Oid),
    ],
};

/// One row per month, the first-parent commit (and its tree) that stands for it.
pub fn snapshots_frame(repo: &str, snapshots: &[Snapshot]) -> Result<DataFrame, TableError> {
    let n = snapshots.len();
    let text = |f: fn(&Snapshot) -> String| snapshots.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new(col::MONTH.into(), text(|s| s.month.to_string())),
        Column::new(col::COMMIT.into(), text(|s| s.commit.to_string())),
        Column::new(col::TREE.into(), text(|s| s.tree.to_string())),
    ];
    schema::frame(Table::Snapshots, n, columns)
}

/// Reads a stored `snapshots` table back.
pub fn snapshots_from_frame(df: &DataFrame) -> Result<Vec<Snapshot>, TableError> {
    let t = Table::Snapshots;
    let month = df.column(col::MONTH)?.str()?;
    let commit = df.column(col::COMMIT)?.str()?;
    let tree = df.column(col::TREE)?.str()?;
    (0..df.height())
        .map(|i| {
            Ok(Snapshot {
                month: month_at(t, col::MONTH, i, month.get(i))?,
                commit: oid_at(t, col::COMMIT, i, commit.get(i))?,
                tree: oid_at(t, col::TREE, i, tree.get(i))?,
            })
        })
        .collect()
}
