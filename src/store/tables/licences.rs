//! `licences`: the project's licence over its first-parent history, one row per period (see
//! [`crate::mine::licence`]): the licence of its root licence files, the commit that began the
//! period, and the months it spans. The licence at a month's end is that of the latest row
//! whose `first_month` is not after it.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, datetime_column, repo_column, required, Table, TableDef, TableError};
use crate::mine::licence::LicencePeriod;

pub const LICENCES: TableDef = TableDef {
    name: "licences",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        // SPDX identifiers of the root's licence files, comma-separated; `none`, `unknown`.
        required("licence", Kind::Str),
        required(col::FILES, Kind::Str),
        // The detector's lowest score among the files, 0 to 1.
        required("score", Kind::F64),
        // The first commit with this licence, its committer time and month.
        required(col::COMMIT, Kind::Oid),
        required(col::DATE, Kind::Datetime),
        required(col::FIRST_MONTH, Kind::Month),
        required(col::LAST_MONTH, Kind::Month),
    ],
};

/// One row per period, oldest first.
pub fn licences_frame(repo: &str, periods: &[LicencePeriod]) -> Result<DataFrame, TableError> {
    let n = periods.len();
    let text = |f: fn(&LicencePeriod) -> String| periods.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new("licence".into(), text(|p| p.licence.clone())),
        Column::new(col::FILES.into(), text(|p| p.files.clone())),
        Column::new(
            "score".into(),
            periods
                .iter()
                .map(|p| f64::from(p.score))
                .collect::<Vec<_>>(),
        ),
        Column::new(col::COMMIT.into(), text(|p| p.commit.to_string())),
        datetime_column(col::DATE, periods.iter().map(|p| p.committed_at).collect()),
        Column::new(col::FIRST_MONTH.into(), text(|p| p.first_month.to_string())),
        Column::new(col::LAST_MONTH.into(), text(|p| p.last_month.to_string())),
    ];
    schema::frame(Table::Licences, n, columns)
}
