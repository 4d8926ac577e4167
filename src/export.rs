//! `temper export`: a stored table, stacked over repositories, in a portable format.

use std::path::PathBuf;

use polars::prelude::DataFrame;

use crate::store::{Store, StoreError};
use crate::tables::{Format, Table};

/// Resolved options for `export`.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub store: PathBuf,
    pub table: Table,
    pub format: Format,
    /// Repository names to include; all when empty.
    pub repos: Vec<String>,
    /// The output file; stdout when absent.
    pub out: Option<PathBuf>,
}

/// The table to export.
pub fn export_frame(options: &ExportOptions) -> Result<DataFrame, StoreError> {
    let store = Store::open(&options.store)?;
    store.load_stacked(options.table, &options.repos)
}
