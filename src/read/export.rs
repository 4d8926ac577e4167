//! `temper export`: a stored table, stacked over repositories, in a portable format.

use std::path::PathBuf;

use polars::prelude::DataFrame;

use crate::store::tables::{Format, Table};
use crate::store::{Store, StoreError};

/// Resolved options for `export`.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The store or dataset directory to read (`--store` or `--dataset`).
    pub store: PathBuf,
    /// The table to export (`--table`), stacked over the chosen repositories.
    pub table: Table,
    /// CSV, Parquet or JSON: `--format`, else from the extension of `--out`.
    pub format: Format,
    /// Repository names to include; all when empty.
    pub repos: Vec<String>,
    /// The output file; stdout when absent.
    pub out: Option<PathBuf>,
    /// How CSV is written (byte-order mark, months as text).
    pub csv: crate::store::tables::CsvStyle,
    /// `loc` only: months as rows and languages as columns, code lines of this class (`Some(None)`:
    /// every class).
    pub wide: Option<Option<crate::mine::class::Class>>,
}

/// The table to export.
pub fn export_frame(options: &ExportOptions) -> Result<DataFrame, StoreError> {
    let store = Store::open(&options.store)?;
    let df = store.load_stacked(options.table, &options.repos)?;
    match options.wide {
        Some(class) => Ok(crate::store::tables::wide_loc(&df, class)?),
        None => Ok(df),
    }
}
