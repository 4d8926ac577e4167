//! `practices`: the hardening practices the snapshots show (security policy, continuous
//! integration, fuzzing; see [`crate::mine::practices`]), each with the months it spans and the path
//! that showed it first.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, month_at, need, repo_column, required, str_col, Table, TableDef, TableError};
use crate::mine::practices::{Practice, PracticeSpan};

pub const PRACTICES: TableDef = TableDef {
    name: "practices",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::PRACTICE, Kind::Str),
        required(col::FIRST_MONTH, Kind::Month),
        required(col::LAST_MONTH, Kind::Month),
        required(col::EXAMPLE, Kind::Str),
    ],
};

/// One row per practice present in any month.
pub fn practices_frame(repo: &str, spans: &[PracticeSpan]) -> Result<DataFrame, TableError> {
    let n = spans.len();
    let text = |f: fn(&PracticeSpan) -> String| spans.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::PRACTICE.into(),
            text(|s| s.practice.as_str().to_string()),
        ),
        Column::new(col::FIRST_MONTH.into(), text(|s| s.first_month.to_string())),
        Column::new(col::LAST_MONTH.into(), text(|s| s.last_month.to_string())),
        Column::new(col::EXAMPLE.into(), text(|s| s.example.clone())),
    ];
    schema::frame(Table::Practices, n, columns)
}

/// Reads a stored `practices` table back (rows of practices this temper does not know are
/// left out).
pub fn practices_from_frame(df: &DataFrame) -> Result<Vec<PracticeSpan>, TableError> {
    let t = Table::Practices;
    let (practice, first, last, example) = (
        str_col(df, col::PRACTICE)?,
        str_col(df, col::FIRST_MONTH)?,
        str_col(df, col::LAST_MONTH)?,
        str_col(df, col::EXAMPLE)?,
    );
    let mut out = Vec::new();
    for i in 0..df.height() {
        let Some(p) = practice.get(i).and_then(Practice::parse) else {
            continue;
        };
        out.push(PracticeSpan {
            practice: p,
            first_month: month_at(t, col::FIRST_MONTH, i, first.get(i))?,
            last_month: month_at(t, col::LAST_MONTH, i, last.get(i))?,
            example: need(t, col::EXAMPLE, i, example.get(i))?.to_string(),
        });
    }
    Ok(out)
}
