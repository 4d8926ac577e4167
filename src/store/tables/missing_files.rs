//! `missing_files`: the files of the counted snapshots whose blobs the repository lacks (a
//! partial or damaged clone), with the months they span: the series those months understate.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{
    class_at, col, month_at, need, oid_at, repo_column, required, str_col, Table, TableDef,
    TableError,
};
use crate::mine::loc::MissingFile;

pub const MISSING_FILES: TableDef = TableDef {
    name: "missing_files",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::PATH, Kind::Str),
        required(col::BLOB, Kind::Oid),
        required(col::CLASS, Kind::Class),
        // The language its name gives; empty when only its content could tell.
        required(col::LANGUAGE, Kind::Str),
        required(col::FIRST_MONTH, Kind::Month),
        required(col::LAST_MONTH, Kind::Month),
        // The commits whose changes name it, oldest first, space-separated.
        required(col::COMMITS, Kind::Str),
    ],
};

/// One row per missing (path, blob), in path order.
pub fn missing_files_frame(repo: &str, files: &[MissingFile]) -> Result<DataFrame, TableError> {
    let n = files.len();
    let text = |f: fn(&MissingFile) -> String| files.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new(col::PATH.into(), text(|f| f.path.clone())),
        Column::new(col::BLOB.into(), text(|f| f.blob.to_string())),
        Column::new(col::CLASS.into(), text(|f| f.class.as_str().to_string())),
        Column::new(col::LANGUAGE.into(), text(|f| f.language.clone())),
        Column::new(col::FIRST_MONTH.into(), text(|f| f.first_month.to_string())),
        Column::new(col::LAST_MONTH.into(), text(|f| f.last_month.to_string())),
        Column::new(
            col::COMMITS.into(),
            text(|f| {
                let ids: Vec<String> = f.commits.iter().map(|c| c.to_string()).collect();
                ids.join(" ")
            }),
        ),
    ];
    schema::frame(Table::MissingFiles, n, columns)
}

/// Reads a stored `missing_files` table back.
pub fn missing_files_from_frame(df: &DataFrame) -> Result<Vec<MissingFile>, TableError> {
    let t = Table::MissingFiles;
    let (path, blob, class) = (
        str_col(df, col::PATH)?,
        str_col(df, col::BLOB)?,
        str_col(df, col::CLASS)?,
    );
    let language = str_col(df, col::LANGUAGE)?;
    let (first, last) = (
        str_col(df, col::FIRST_MONTH)?,
        str_col(df, col::LAST_MONTH)?,
    );
    let commits = str_col(df, col::COMMITS)?;
    (0..df.height())
        .map(|i| {
            Ok(MissingFile {
                path: need(t, col::PATH, i, path.get(i))?.to_string(),
                blob: oid_at(t, col::BLOB, i, blob.get(i))?,
                class: class_at(t, col::CLASS, i, class.get(i))?,
                language: need(t, col::LANGUAGE, i, language.get(i))?.to_string(),
                first_month: month_at(t, col::FIRST_MONTH, i, first.get(i))?,
                last_month: month_at(t, col::LAST_MONTH, i, last.get(i))?,
                commits: need(t, col::COMMITS, i, commits.get(i))?
                    .split_ascii_whitespace()
                    .map(|hex| oid_at(t, col::COMMITS, i, Some(hex)))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect()
}
