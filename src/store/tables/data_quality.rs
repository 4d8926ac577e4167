//! `data_quality`: what could not be read or trusted, one row per finding kind.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, repo_column, required, Table, TableDef, TableError};
use crate::mine::activity::Finding;

pub const DATA_QUALITY: TableDef = TableDef {
    name: "data_quality",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::KIND, Kind::Str),
        required(col::COUNT, Kind::U64),
        // Space-separated object ids (commits or blobs, by kind).
        required(col::EXAMPLES, Kind::Str),
    ],
};

/// One row per finding kind; `examples` holds space-separated object ids.
pub fn data_quality_frame(repo: &str, findings: &[Finding]) -> Result<DataFrame, TableError> {
    let n = findings.len();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::KIND.into(),
            findings.iter().map(|f| f.kind.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::COUNT.into(),
            findings.iter().map(|f| f.count).collect::<Vec<_>>(),
        ),
        Column::new(
            col::EXAMPLES.into(),
            findings
                .iter()
                .map(|f| f.examples.join(" "))
                .collect::<Vec<_>>(),
        ),
    ];
    schema::frame(Table::DataQuality, n, columns)
}
