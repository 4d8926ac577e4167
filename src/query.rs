//! `temper query`: SQL over the stored tables, with polars SQL.
//!
//! Every user-facing table ([`Table::public`]: `commits`, `activity`, `loc`, `age`,
//! `data_quality`, `snapshots`, `language_commits`) is registered under its own name, stacked over
//! all repositories in the store (each has a `repo` column). A table some repository lacks (a run
//! with `--activity-only` has no `loc` or `age`) is registered for the repositories that have it,
//! and empty when none has it. A file's errors name the file and quote the SQL that failed. The
//! queries in `queries/` are run the same way; each starts with a comment that says what it
//! answers. [`Tables`] loads a store's tables once for several queries (the report runs eight).
//!
//! Beside the mined tables, `provenance` holds one row per repository: where it came from
//! (`source`, `ref`, `tip`), how (`scope`, `classes`, `temper_version`), when (`analysed_at`,
//! `analysed_month`), and `as_of`, the month every "now" and "last 12 months" figure ends at: the
//! month of the latest analysis among the loaded repositories, or the month a report is asked for
//! (`report --as-of`), so a report can be made again identically later.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::store::{Store, StoreError};
use crate::tables::{self, Table};

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: the file holds no SQL", .0.display())]
    Blank(PathBuf),
    #[error("{}: {message}\n  in the query:\n{}", .path.display(), indent(.sql))]
    Sql {
        path: PathBuf,
        sql: String,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn indent(sql: &str) -> String {
    sql.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the SQL in `file` over the tables of the store at `store`.
pub fn run_file(store: &Path, file: &Path) -> Result<DataFrame, QueryError> {
    let sql = std::fs::read_to_string(file).map_err(|source| QueryError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    run_sql(store, file, &sql)
}

/// Runs `sql` (from `origin`, for messages) over the tables of the store at `store`.
pub fn run_sql(store: &Path, origin: &Path, sql: &str) -> Result<DataFrame, QueryError> {
    Tables::load(store, None)?.run(origin, sql)
}

/// The month of the latest analysis among `metas` (the default `as_of`).
pub fn latest_analysis(metas: &[crate::store::RepoMeta]) -> Option<crate::month::Month> {
    metas
        .iter()
        .filter_map(|m| crate::month::Month::from_unix(m.analysed_at))
        .max()
}

/// The `provenance` table of `metas`, with `as_of` for every row.
fn provenance(
    metas: &[crate::store::RepoMeta],
    as_of: Option<crate::month::Month>,
) -> Result<DataFrame, PolarsError> {
    let when = |m: &crate::store::RepoMeta| {
        chrono::DateTime::from_timestamp(m.analysed_at, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
    };
    let month = |m: &crate::store::RepoMeta| {
        crate::month::Month::from_unix(m.analysed_at).map(|m| m.to_string())
    };
    let text = |f: &dyn Fn(&crate::store::RepoMeta) -> String| -> Vec<String> {
        metas.iter().map(f).collect()
    };
    let as_of = as_of
        .or_else(|| latest_analysis(metas))
        .map(|m| m.to_string());
    DataFrame::new(
        metas.len(),
        vec![
            Column::new("repo".into(), text(&|m| m.name.clone())),
            Column::new("source".into(), text(&|m| m.source.clone())),
            Column::new("ref".into(), text(&|m| m.reference.clone())),
            Column::new("tip".into(), text(&|m| m.tip.clone())),
            Column::new("scope".into(), text(&|m| m.scope.clone())),
            Column::new("classes".into(), text(&|m| m.classes.clone())),
            Column::new("temper_version".into(), text(&|m| m.temper_version.clone())),
            Column::new(
                "analysed_at".into(),
                metas.iter().map(when).collect::<Vec<_>>(),
            ),
            Column::new(
                "analysed_month".into(),
                metas.iter().map(month).collect::<Vec<_>>(),
            ),
            Column::new("as_of".into(), vec![as_of; metas.len()]),
        ],
    )
}

/// A store's public tables, loaded and registered for SQL.
pub struct Tables {
    context: SQLContext,
}

impl Tables {
    /// Loads every public table of the store at `store`, stacked over its repositories, and
    /// their `provenance` with `as_of` (the latest analysis's month when `None`).
    pub fn load(store: &Path, as_of: Option<crate::month::Month>) -> Result<Tables, QueryError> {
        let store = Store::open(store)?;
        let metas = store.repos()?;
        let repos: Vec<String> = metas.iter().map(|m| m.name.clone()).collect();
        if repos.is_empty() {
            return Err(StoreError::Empty.into());
        }
        let context = SQLContext::new();
        let provenance = provenance(&metas, as_of).map_err(|e| StoreError::Table(e.into()))?;
        context.register("provenance", provenance.lazy());
        for table in Table::public() {
            let mut stacked: Option<DataFrame> = None;
            for repo in &repos {
                let Some((_, df)) = store.load_optional(repo, table)? else {
                    continue;
                };
                match stacked.as_mut() {
                    None => stacked = Some(df),
                    Some(acc) => {
                        acc.vstack_mut_owned(df)
                            .map_err(|e| StoreError::Table(e.into()))?;
                    }
                }
            }
            // A store mined with --activity-only has no line tables: queries see them empty.
            if let Some(df) =
                stacked.or_else(|| table.optional_file().then(|| tables::schema::empty(table)))
            {
                context.register(table.name(), df.lazy());
            }
        }
        Ok(Tables { context })
    }

    /// Runs `sql` (from `origin`, for messages) over the loaded tables.
    pub fn run(&mut self, origin: &Path, sql: &str) -> Result<DataFrame, QueryError> {
        let body = strip_comments(sql);
        if body.trim().is_empty() {
            return Err(QueryError::Blank(origin.to_path_buf()));
        }
        let failed = |e: PolarsError| QueryError::Sql {
            path: origin.to_path_buf(),
            sql: body.trim().to_string(),
            message: e.to_string(),
        };
        self.context
            .execute(body.trim().trim_end_matches(';'))
            .and_then(LazyFrame::collect)
            .map_err(failed)
    }
}

/// The SQL without `--` line comments (polars SQL does not accept a leading comment).
fn strip_comments(sql: &str) -> String {
    sql.lines()
        .map(|line| {
            let mut quoted = false;
            let bytes = line.as_bytes();
            for i in 0..bytes.len() {
                match bytes[i] {
                    b'\'' => quoted = !quoted,
                    b'-' if !quoted && bytes.get(i + 1) == Some(&b'-') => return &line[..i],
                    _ => {}
                }
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_go_strings_stay() {
        assert_eq!(
            strip_comments("-- what\nSELECT '--x' AS a -- trailing\nFROM t"),
            "\nSELECT '--x' AS a \nFROM t"
        );
    }
}
