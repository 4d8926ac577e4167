//! `organisations`: the organisations behind the elephant factor, over the human commits of the
//! 24 months ending with the last month (see [`crate::mine::activity::organisations`] and
//! [`crate::mine::organisations`]). People on personal mail, without a domain or alone on their domain
//! are one row, `(individuals)`: never named, never hidden.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, repo_column, required, Table, TableDef, TableError};
use crate::mine::activity::OrgShare;

pub const ORGANISATIONS: TableDef = TableDef {
    name: "organisations",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::ORGANISATION, Kind::Str),
        required(col::AUTHORS, Kind::U32),
        required(col::COMMITS, Kind::U64),
        required(col::SHARE, Kind::F64),
    ],
};

/// One row per organisation shown, most commits first, the individuals last; `share` is of all
/// human commits counted.
pub fn organisations_frame(repo: &str, rows: &[OrgShare]) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let total: u64 = rows.iter().map(|r| r.commits).sum();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::ORGANISATION.into(),
            rows.iter()
                .map(|r| r.organisation.clone())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::AUTHORS.into(),
            rows.iter().map(|r| r.authors).collect::<Vec<_>>(),
        ),
        Column::new(
            col::COMMITS.into(),
            rows.iter().map(|r| r.commits).collect::<Vec<_>>(),
        ),
        Column::new(
            col::SHARE.into(),
            rows.iter()
                .map(|r| r.commits as f64 / total.max(1) as f64)
                .collect::<Vec<_>>(),
        ),
    ];
    schema::frame(Table::Organisations, n, columns)
}
