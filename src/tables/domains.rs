//! `domains`: the e-mail domains behind the elephant factor, over the human commits of the 24
//! months ending with the last month (see [`crate::activity::domains`]). A domain of a single
//! author is never shown by name: such domains are summed in one row.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, repo_column, required, Table, TableDef, TableError};
use crate::activity::DomainShare;

pub const DOMAINS: TableDef = TableDef {
    name: "domains",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::DOMAIN, Kind::Str),
        required(col::AUTHORS, Kind::U32),
        required(col::COMMITS, Kind::U64),
        required(col::SHARE, Kind::F64),
    ],
};

/// One row per domain shown, most commits first; `share` is of all human commits counted.
pub fn domains_frame(repo: &str, rows: &[DomainShare]) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let total: u64 = rows.iter().map(|r| r.commits).sum();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::DOMAIN.into(),
            rows.iter().map(|r| r.domain.clone()).collect::<Vec<_>>(),
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
    schema::frame(Table::Domains, n, columns)
}
