//! `licences`: the project's licence over its first-parent history, one row per period (see
//! [`crate::mine::licence`]): the licence of its root licence files, the commit that began the
//! period, and the months it spans. The licence at a month's end is that of the latest row
//! whose `first_month` is not after it.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{
    col, datetime_column, month_at, need, oid_at, repo_column, required, str_col, Table, TableDef,
    TableError,
};
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

/// Reads a stored `licences` table back (what a later run goes on from).
pub fn licences_from_frame(df: &DataFrame) -> Result<Vec<LicencePeriod>, TableError> {
    let t = Table::Licences;
    let licence = str_col(df, "licence")?;
    let files = str_col(df, col::FILES)?;
    let score = df.column("score")?.f64()?;
    let commit = str_col(df, col::COMMIT)?;
    let date = df.column(col::DATE)?.cast(&DataType::Int64)?;
    let date = date.i64()?;
    let first = str_col(df, col::FIRST_MONTH)?;
    let last = str_col(df, col::LAST_MONTH)?;
    (0..df.height())
        .map(|i| {
            Ok(LicencePeriod {
                licence: need(t, "licence", i, licence.get(i))?.to_string(),
                files: need(t, col::FILES, i, files.get(i))?.to_string(),
                // Stored from an f32, so the round trip is exact.
                score: need(t, "score", i, score.get(i))? as f32,
                commit: oid_at(t, col::COMMIT, i, commit.get(i))?,
                committed_at: need(t, col::DATE, i, date.get(i))?.div_euclid(1000),
                first_month: month_at(t, col::FIRST_MONTH, i, first.get(i))?,
                last_month: month_at(t, col::LAST_MONTH, i, last.get(i))?,
            })
        })
        .collect()
}
