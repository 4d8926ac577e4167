//! `loc` (lines of code per month and language, from the month's snapshot) and the blob-count
//! cache it is built from (internal: lets a later run count only new blobs).

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{
    class_at, col, column_of, month_at, need, oid_at, optional, repo_column, required, str_col,
    Table, TableDef, TableError,
};
use crate::mine::class::Class;
use crate::mine::loc::count::Lines;
use crate::mine::loc::detect::{language_by_name, PathLanguage};
use crate::mine::loc::{BlobCache, BlobCount, Counts, LocRow};
use crate::month::Month;

pub const LOC: TableDef = TableDef {
    name: "loc",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::MONTH, Kind::Month),
        // Whose code: code (the project's own), test, docs, vendored, generated.
        required(col::CLASS, Kind::Class),
        required(col::LANGUAGE, Kind::Str),
        required(col::FILES, Kind::U64),
        required(col::CODE, Kind::U64),
        required(col::COMMENTS, Kind::U64),
        required(col::BLANKS, Kind::U64),
        required(col::BYTES, Kind::U64),
    ],
};

pub const BLOB_COUNTS: TableDef = TableDef {
    name: "blob_counts",
    public: false,
    schema: &[
        required(col::BLOB, Kind::Oid),
        required(col::PATH_LANGUAGE, Kind::Str),
        // Empty for a blob tokei counts as no language.
        optional(col::LANGUAGE, Kind::Str),
        required(col::CODE, Kind::U64),
        required(col::COMMENTS, Kind::U64),
        required(col::BLANKS, Kind::U64),
        required(col::BYTES, Kind::U64),
        // A generator's marker in its first bytes.
        required(col::GENERATED, Kind::Bool),
    ],
};

/// One row per month x language present in that month's snapshot.
pub fn loc_frame(repo: &str, rows: &[LocRow]) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let columns = vec![
        repo_column(repo, n),
        column_of(col::MONTH, rows, |r| r.month.to_string()),
        column_of(col::CLASS, rows, |r| r.class.as_str()),
        column_of(col::LANGUAGE, rows, |r| r.language.as_str()),
        column_of(col::FILES, rows, |r| r.counts.files),
        column_of(col::CODE, rows, |r| r.counts.code),
        column_of(col::COMMENTS, rows, |r| r.counts.comments),
        column_of(col::BLANKS, rows, |r| r.counts.blanks),
        column_of(col::BYTES, rows, |r| r.counts.bytes),
    ];
    schema::frame(Table::Loc, n, columns)
}

/// Reads a stored `loc` table back into rows.
pub fn loc_rows_from_frame(df: &DataFrame) -> Result<Vec<LocRow>, TableError> {
    let t = Table::Loc;
    let month = str_col(df, col::MONTH)?;
    let class = str_col(df, col::CLASS)?;
    let language = str_col(df, col::LANGUAGE)?;
    let [files, code, comments, blanks, bytes] = [
        col::FILES,
        col::CODE,
        col::COMMENTS,
        col::BLANKS,
        col::BYTES,
    ]
    .map(|c| df.column(c));
    let (files, code, comments, blanks, bytes) = (
        files?.u64()?,
        code?.u64()?,
        comments?.u64()?,
        blanks?.u64()?,
        bytes?.u64()?,
    );
    (0..df.height())
        .map(|i| {
            Ok(LocRow {
                month: month_at(t, col::MONTH, i, month.get(i))?,
                class: class_at(t, col::CLASS, i, class.get(i))?,
                language: need(t, col::LANGUAGE, i, language.get(i))?.to_string(),
                counts: Counts {
                    files: need(t, col::FILES, i, files.get(i))?,
                    code: need(t, col::CODE, i, code.get(i))?,
                    comments: need(t, col::COMMENTS, i, comments.get(i))?,
                    blanks: need(t, col::BLANKS, i, blanks.get(i))?,
                    bytes: need(t, col::BYTES, i, bytes.get(i))?,
                },
            })
        })
        .collect()
}

/// The blob-count cache as a table, sorted by blob id so reruns write identical files.
pub fn blob_counts_frame(cache: &BlobCache) -> Result<DataFrame, TableError> {
    let mut entries: Vec<_> = cache.iter().collect();
    entries.sort_by_key(|(k, _)| **k);
    let n = entries.len();
    let u = |f: fn(&BlobCount) -> u64| entries.iter().map(|(_, v)| f(v)).collect::<Vec<u64>>();
    let columns = vec![
        Column::new(
            col::BLOB.into(),
            entries
                .iter()
                .map(|(k, _)| k.0.to_string())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::PATH_LANGUAGE.into(),
            entries
                .iter()
                .map(|(k, _)| k.1.as_key())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::LANGUAGE.into(),
            entries
                .iter()
                .map(|(_, v)| v.language.map(|l| l.name()))
                .collect::<Vec<Option<&str>>>(),
        ),
        Column::new(col::CODE.into(), u(|v| v.lines.code)),
        Column::new(col::COMMENTS.into(), u(|v| v.lines.comments)),
        Column::new(col::BLANKS.into(), u(|v| v.lines.blanks)),
        Column::new(col::BYTES.into(), u(|v| v.bytes)),
        Column::new(
            col::GENERATED.into(),
            entries.iter().map(|(_, v)| v.generated).collect::<Vec<_>>(),
        ),
    ];
    schema::frame(Table::BlobCounts, n, columns)
}

/// Reads the blob-count cache back. A row whose language this tokei does not know (a cache of
/// another tokei) is dropped, which only means that blob is counted again.
pub fn blob_cache_from_frame(df: &DataFrame) -> Result<BlobCache, TableError> {
    let t = Table::BlobCounts;
    let blob = str_col(df, col::BLOB)?;
    let path_language = str_col(df, col::PATH_LANGUAGE)?;
    let language = str_col(df, col::LANGUAGE)?;
    let [code, comments, blanks, bytes] =
        [col::CODE, col::COMMENTS, col::BLANKS, col::BYTES].map(|c| df.column(c));
    let (code, comments, blanks, bytes) = (
        code?.u64()?,
        comments?.u64()?,
        blanks?.u64()?,
        bytes?.u64()?,
    );
    let generated = df.column(col::GENERATED)?.bool()?;
    let mut cache = BlobCache::with_capacity(df.height());
    for i in 0..df.height() {
        let id = oid_at(t, col::BLOB, i, blob.get(i))?;
        let key = path_language.get(i).and_then(PathLanguage::from_key);
        let key = need(t, col::PATH_LANGUAGE, i, key)?;
        let lang = match language.get(i).map(language_by_name) {
            None => None,
            Some(Some(l)) => Some(l),
            Some(None) => continue,
        };
        let count = BlobCount {
            language: lang,
            lines: Lines {
                code: need(t, col::CODE, i, code.get(i))?,
                comments: need(t, col::COMMENTS, i, comments.get(i))?,
                blanks: need(t, col::BLANKS, i, blanks.get(i))?,
            },
            bytes: need(t, col::BYTES, i, bytes.get(i))?,
            generated: need(t, col::GENERATED, i, generated.get(i))?,
        };
        cache.insert((id, key), count);
    }
    Ok(cache)
}

/// One row of a stacked `loc` table, as charts read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocPoint {
    /// The repository's name in the store and every table.
    pub repo: String,
    /// The row's month.
    pub month: Month,
    /// The class of the counted files.
    pub class: Class,
    /// The language, by tokei's name.
    pub language: String,
    /// Lines of code (neither comments nor blanks) in the month's snapshot, as tokei counts them.
    pub code: u64,
}

/// Rows of a stacked `loc` table.
pub fn loc_points(df: &DataFrame) -> Result<Vec<LocPoint>, TableError> {
    let t = Table::Loc;
    let repo = str_col(df, col::REPO)?;
    let month = str_col(df, col::MONTH)?;
    let class = str_col(df, col::CLASS)?;
    let language = str_col(df, col::LANGUAGE)?;
    let code = df.column(col::CODE)?.u64()?;
    (0..df.height())
        .map(|i| {
            Ok(LocPoint {
                repo: need(t, col::REPO, i, repo.get(i))?.to_string(),
                month: month_at(t, col::MONTH, i, month.get(i))?,
                class: class_at(t, col::CLASS, i, class.get(i))?,
                language: need(t, col::LANGUAGE, i, language.get(i))?.to_string(),
                code: need(t, col::CODE, i, code.get(i))?,
            })
        })
        .collect()
}
