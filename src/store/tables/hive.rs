//! A table's rows of one repository as a Hive partition (`TABLE/repo=NAME/part-0.parquet`), and
//! back. The file leaves out `repo` (the path holds it, and readers such as DuckDB, polars,
//! Spark and Trino add it from there) and carries `schema_version`, the revision of the table
//! schemas that wrote it, so a reader can tell tables of different temper releases apart.

use std::path::Path;

use polars::prelude::*;

use super::{col, repo_column, schema, Table, TableError};

/// The column naming the schema revision in every partition file.
const SCHEMA_VERSION: &str = "schema_version";

/// `df` (one repository's rows of a table) as a partition file's frame.
pub fn to_partition(df: &DataFrame, version: u32) -> Result<DataFrame, TableError> {
    let mut out = df.drop(col::REPO)?;
    let height = out.height();
    out.with_column(Column::new(SCHEMA_VERSION.into(), vec![version; height]))?;
    Ok(out)
}

/// Reads the partition file at `path` of `table` for repository `repo`, written by schema
/// revision `version`; the stored frame (with `repo`, in schema order), checked as any stored
/// table is.
pub fn from_partition(
    table: Table,
    repo: &str,
    path: &Path,
    version: u32,
) -> Result<DataFrame, TableError> {
    let df = super::read_parquet(path)?;
    // (An empty column has no first value to ask for: polars panics on it.)
    let found = match df.height() {
        0 => Some(version),
        _ => df
            .column(SCHEMA_VERSION)
            .ok()
            .and_then(|c| c.u32().ok()?.get(0)),
    };
    if found != Some(version) {
        return Err(TableError::Damaged {
            path: path.to_owned(),
            message: format!(
                "written by table schema revision {}, this temper reads revision {version}",
                found.map_or("(none)".to_string(), |v| v.to_string())
            ),
        });
    }
    let mut df = df.drop(SCHEMA_VERSION)?;
    let height = df.height();
    df.insert_column(0, repo_column(repo, height))?;
    let order: Vec<&str> = table.schema().iter().map(|c| c.name).collect();
    let df = df.select(order)?;
    schema::validate(table, path, &df)?;
    Ok(df)
}
