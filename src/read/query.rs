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
//! `analysed_month`), how new its data is (`last_commit_month`, `fetched_at`), and `as_of`, the
//! month every "now" and "last 12 months" figure ends at, with `as_of_basis` saying how it was
//! chosen: the month of the newest data among the loaded repositories, or the month a report is
//! asked for (`report --as-of`); never the wall clock, see [`crate::window`]. `calendar` holds
//! one row per month with its place in that window (`months_before_now`, `in_12m`,
//! `in_prior_12m`, `in_24m`, `is_now`): queries join their months to it rather than work out
//! "now" themselves.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::month::Month;
use crate::store::tables::{self, Table};
use crate::store::{RepoMeta, Store, StoreError};
use crate::window::Window;

/// Why a query could not be run.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// A SQL file could not be read.
    #[error("{}", .path.display())]
    Read {
        /// The SQL file that could not be read.
        path: PathBuf,
        /// Why reading failed.
        #[source]
        source: std::io::Error,
    },
    /// The SQL (a file's, or `-e`'s) holds nothing but comments and blank space.
    #[error("{}: the file holds no SQL", .0.display())]
    Blank(PathBuf),
    /// polars could not run the SQL; the message quotes it.
    #[error("{}: {message}\n  in the query:\n{}", .path.display(), indent(.sql))]
    Sql {
        /// Where the SQL came from: its file, `queries/NAME.sql` for a shipped query, or `-e`.
        path: PathBuf,
        /// The SQL that failed, without its comments.
        sql: String,
        /// What polars said is wrong.
        message: String,
    },
    /// The store could not be opened, or one of its tables not loaded.
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
    Tables::load(store, None, &[])?.run(origin, sql)
}

/// The `provenance` table of `metas`: where each came from, how and when it was mined, how new
/// its data is, and the one `as_of` month with the rule that chose it (`as_of_basis`).
fn provenance(metas: &[RepoMeta], window: Option<&Window>) -> Result<DataFrame, PolarsError> {
    let time = |t: Option<i64>| {
        t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
    };
    let month = |m: Option<Month>| m.map(|m| m.to_string());
    let text = |f: &dyn Fn(&RepoMeta) -> String| -> Vec<String> { metas.iter().map(f).collect() };
    let months = |f: &dyn Fn(&RepoMeta) -> Option<Month>| -> Vec<Option<String>> {
        metas.iter().map(|m| month(f(m))).collect()
    };
    let as_of = month(window.map(|w| w.now));
    let basis = window.map(Window::describe);
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
                metas
                    .iter()
                    .map(|m| time(Some(m.analysed_at)))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "analysed_month".into(),
                months(&|m| Month::from_unix(m.analysed_at)),
            ),
            Column::new(
                "last_commit_month".into(),
                months(&|m| m.newest().last_commit),
            ),
            Column::new(
                "fetched_at".into(),
                metas.iter().map(|m| time(m.fetched_at)).collect::<Vec<_>>(),
            ),
            Column::new("as_of".into(), vec![as_of; metas.len()]),
            Column::new("as_of_basis".into(), vec![basis; metas.len()]),
        ],
    )
}

/// The `calendar` table: one row per month from the earliest month of any loaded repository
/// (and at least the 24 months before now) to the later of its last month and now, with how
/// many months before now it is and which of the windows it belongs to ([`Window`]). Every
/// query reads "now" and its windows from here instead of working them out.
fn calendar(metas: &[RepoMeta], window: &Window) -> Result<DataFrame, PolarsError> {
    let summaries = || metas.iter().filter_map(|m| m.summary.as_ref());
    let first = summaries()
        .filter_map(|s| s.first_month)
        .min()
        .unwrap_or(window.now);
    let last = summaries()
        .filter_map(|s| s.last_month)
        .max()
        .unwrap_or(window.now);
    calendar_of(&window.calendar_rows(first, last))
}

/// The `calendar` table of `rows`.
fn calendar_of(rows: &[crate::window::CalendarRow]) -> Result<DataFrame, PolarsError> {
    df!(
        "month" => rows.iter().map(|r| r.month.to_string()).collect::<Vec<_>>(),
        "months_before_now" => rows.iter().map(|r| r.months_before_now).collect::<Vec<_>>(),
        "in_12m" => rows.iter().map(|r| r.in_12m).collect::<Vec<_>>(),
        "in_prior_12m" => rows.iter().map(|r| r.in_prior_12m).collect::<Vec<_>>(),
        "in_24m" => rows.iter().map(|r| r.in_24m).collect::<Vec<_>>(),
        "is_now" => rows.iter().map(|r| r.months_before_now == 0).collect::<Vec<_>>(),
    )
}

/// A store's public tables, loaded and registered for SQL.
pub struct Tables {
    /// Each table by the name queries use.
    frames: Vec<(String, LazyFrame)>,
    window: Option<Window>,
}

impl Tables {
    /// Loads every public table of the store at `store`, stacked over its repositories, their
    /// `provenance`, and the `calendar` of the one window every query reads: ending with
    /// `as_of` when given, else with the newest data of `repos` (of every repository when
    /// `repos` is empty), see [`crate::window`].
    pub fn load(
        store: &Path,
        as_of: Option<Month>,
        repos: &[String],
    ) -> Result<Tables, QueryError> {
        let store = Store::open(store)?;
        let metas = store.repos()?;
        let names: Vec<String> = metas.iter().map(|m| m.name.clone()).collect();
        if names.is_empty() {
            return Err(StoreError::Empty.into());
        }
        let newest: Vec<_> = metas
            .iter()
            .filter(|m| repos.is_empty() || repos.contains(&m.name))
            .map(RepoMeta::newest)
            .collect();
        let window = Window::resolve(as_of, &newest);
        let table_error = |e: PolarsError| QueryError::from(StoreError::Table(e.into()));
        let provenance = provenance(&metas, window.as_ref()).map_err(table_error)?;
        let mut frames = vec![("provenance".to_string(), provenance.lazy())];
        // Without a dated commit there is no "now": the calendar is empty and so is every
        // windowed figure.
        let calendar = match &window {
            Some(window) => calendar(&metas, window),
            None => calendar_of(&[]),
        }
        .map_err(table_error)?;
        frames.push(("calendar".to_string(), calendar.lazy()));
        for table in Table::public() {
            let mut stacked: Option<DataFrame> = None;
            for repo in &names {
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
            // A store mined with --activity-only has no line tables, a dataset no `commits`, a
            // store from an older temper no newer table: queries see them empty.
            let df = stacked.unwrap_or_else(|| tables::schema::empty(table));
            frames.push((table.name().to_string(), df.lazy()));
        }
        Ok(Tables { frames, window })
    }

    /// The window the queries read (`None` when no repository has a dated commit).
    pub fn window(&self) -> Option<&Window> {
        self.window.as_ref()
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
        // Each query in a context of its own: polars keeps a query's derived-table aliases
        // registered in its context (shared by its clones), so `(...) o` in one query would
        // shadow `own o` in the next. The tables are lazy frames: registering costs pointers.
        let mut context = SQLContext::new();
        for (name, frame) in &self.frames {
            context.register(name, frame.clone());
        }
        context
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
