//! Table schemas, declared once per table and used by both its writer and its reader.
//!
//! A writer builds its columns and hands them to [`frame`], which checks them against the
//! table's [`Schema`]: a writer that drifts from its schema is a bug that fails loudly, not a
//! file a later reader misreads. A reader gets a frame that [`validate`] has checked: every column
//! present with its type, and no empty or unparsable cell where the schema allows none. That is
//! the one bad-row policy of the store: a table that breaks its schema is an error naming the
//! table, the file, the row and the column (see [`super::TableError::BadRow`]); readers can then
//! read every cell without handling cases that cannot occur.

use polars::prelude::*;

use super::{Table, TableError};
use crate::month::Month;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text: a name, a path, or a list the column's table describes.
    Str,
    /// A month, `YYYY-MM`.
    Month,
    /// A 40-hex object id.
    Oid,
    /// Object ids separated by spaces (possibly none).
    Oids,
    /// An object id as its 20 raw bytes (the internal walk state: half the size of hex, and
    /// nothing to format or parse).
    RawOid,
    /// Object ids as their raw bytes, one after another (possibly none).
    RawOids,
    /// A code class: `code`, `test`, `docs`, `vendored` or `generated`.
    Class,
    /// An unsigned 32-bit count.
    U32,
    /// An unsigned 64-bit count (lines, bytes).
    U64,
    /// A signed 32-bit number (a cohort's year).
    I32,
    /// A signed 64-bit number (Unix seconds in the internal tables).
    I64,
    /// A floating-point figure (a share, a median, a score).
    F64,
    /// A flag, `true` or `false`.
    Bool,
    /// Milliseconds since the Unix epoch, UTC.
    Datetime,
}

impl Kind {
    fn dtype(self) -> DataType {
        match self {
            Kind::Str | Kind::Month | Kind::Oid | Kind::Oids | Kind::Class => DataType::String,
            Kind::U32 => DataType::UInt32,
            Kind::U64 => DataType::UInt64,
            Kind::I32 => DataType::Int32,
            Kind::I64 => DataType::Int64,
            Kind::F64 => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::Datetime => DataType::Datetime(TimeUnit::Milliseconds, None),
            Kind::RawOid | Kind::RawOids => DataType::Binary,
        }
    }

    /// Whether a present binary cell is well formed: ids of 20 bytes.
    fn accepts_bytes(self, bytes: &[u8]) -> bool {
        match self {
            Kind::RawOid => bytes.len() == 20,
            Kind::RawOids => bytes.len().is_multiple_of(20),
            _ => true,
        }
    }

    /// Whether a present text cell is well formed.
    fn accepts(self, text: &str) -> bool {
        let oid = |t: &str| gix::ObjectId::from_hex(t.as_bytes()).is_ok();
        match self {
            Kind::Month => Month::parse(text).is_some(),
            Kind::Oid => oid(text),
            Kind::Oids => text.split_whitespace().all(oid),
            Kind::Class => crate::mine::class::Class::parse(text).is_some(),
            _ => true,
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    /// The column's name in its table and in SQL queries.
    pub name: &'static str,
    /// What the column holds, and so its polars type.
    pub kind: Kind,
    /// Whether a cell may be empty (null).
    pub nullable: bool,
}

/// A table's columns, in order.
pub type Schema = &'static [ColumnDef];

/// A column that is never empty.
pub const fn required(name: &'static str, kind: Kind) -> ColumnDef {
    ColumnDef {
        name,
        kind,
        nullable: false,
    }
}

/// A column whose cells may be empty.
pub const fn optional(name: &'static str, kind: Kind) -> ColumnDef {
    ColumnDef {
        name,
        kind,
        nullable: true,
    }
}

/// The frame of `table` from `columns`, checked against its schema (names, order and types).
pub fn frame(table: Table, height: usize, columns: Vec<Column>) -> Result<DataFrame, TableError> {
    let schema = table.schema();
    let fits = columns.len() == schema.len()
        && columns
            .iter()
            .zip(schema)
            .all(|(c, d)| c.name().as_str() == d.name && c.dtype() == &d.kind.dtype());
    if !fits {
        return Err(TableError::Schema {
            table: table.name(),
            found: columns
                .iter()
                .map(|c| format!("{}: {}", c.name(), c.dtype()))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(DataFrame::new(height, columns)?)
}

/// `table` with its columns and no rows.
pub fn empty(table: Table) -> DataFrame {
    let columns: Vec<Column> = table
        .schema()
        .iter()
        .map(|d| Column::new_empty(d.name.into(), &d.kind.dtype()))
        .collect();
    // Columns of equal (zero) length with distinct names: cannot fail.
    DataFrame::new(0, columns).unwrap_or_default()
}

/// Checks a frame read from `path` against `table`'s schema; the first violation is an error
/// naming the table, the file, the row (1-based, as a spreadsheet counts data rows) and the column.
pub fn validate(table: Table, path: &std::path::Path, df: &DataFrame) -> Result<(), TableError> {
    let bad = |row: Option<usize>, column: &str, problem: String| TableError::BadRow {
        table: table.name(),
        path: path.to_owned(),
        row,
        column: column.to_string(),
        problem,
    };
    for def in table.schema() {
        let Ok(column) = df.column(def.name) else {
            return Err(bad(None, def.name, "the column is missing".into()));
        };
        if column.dtype() != &def.kind.dtype() {
            let problem = format!("holds {}, expected {}", column.dtype(), def.kind.dtype());
            return Err(bad(None, def.name, problem));
        }
        if !def.nullable && column.null_count() > 0 {
            let row = column.is_null().iter().position(|n| n == Some(true));
            return Err(bad(
                row.map(|r| r + 1),
                def.name,
                "the cell is empty".into(),
            ));
        }
        if matches!(def.kind, Kind::Month | Kind::Oid | Kind::Oids | Kind::Class) {
            let cells = column.str()?;
            if let Some(row) = cells
                .iter()
                .position(|v| v.is_some_and(|t| !def.kind.accepts(t)))
            {
                let text = cells.get(row).unwrap_or_default();
                let problem = format!(
                    "'{}' is not a {:?}",
                    crate::text::terminal(text, 60),
                    def.kind
                );
                return Err(bad(Some(row + 1), def.name, problem));
            }
        }
        if matches!(def.kind, Kind::RawOid | Kind::RawOids) {
            let cells = column.binary()?;
            if let Some(row) = cells
                .iter()
                .position(|v| v.is_some_and(|b| !def.kind.accepts_bytes(b)))
            {
                let problem = format!("not a {:?}: ids are 20 bytes", def.kind);
                return Err(bad(Some(row + 1), def.name, problem));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_distinct_names_and_an_empty_frame_that_fits_its_schema() {
        let mut names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Table::ALL.len());
        for table in Table::ALL {
            let df = empty(table);
            assert_eq!(df.width(), table.schema().len(), "{}", table.name());
            validate(table, std::path::Path::new("x"), &df).unwrap();
        }
    }

    #[test]
    fn a_writer_that_drifts_from_its_schema_is_an_error() {
        let columns = vec![Column::new(col_name("month"), ["2020-01"])];
        let err = frame(Table::Snapshots, 1, columns).unwrap_err();
        assert!(err.to_string().contains("snapshots"), "{err}");
    }

    #[test]
    fn a_bad_cell_names_the_table_the_file_the_row_and_the_column() {
        let df = DataFrame::new(
            3,
            vec![
                Column::new(col_name("repo"), ["r", "r", "r"]),
                Column::new(col_name("month"), ["2020-01", "2020-02", "2020-13"]),
                Column::new(col_name("commit"), vec!["a".repeat(40); 3]),
                Column::new(col_name("tree"), vec!["b".repeat(40); 3]),
            ],
        )
        .unwrap();
        let err = validate(Table::Snapshots, std::path::Path::new("s.parquet"), &df).unwrap_err();
        let text = err.to_string();
        for part in ["s.parquet", "snapshots", "row 3", "'month'", "2020-13"] {
            assert!(text.contains(part), "{part} not in: {text}");
        }
        let nulls = DataFrame::new(
            2,
            vec![
                Column::new(col_name("repo"), [Some("r"), None]),
                Column::new(col_name("month"), ["2020-01", "2020-02"]),
                Column::new(col_name("commit"), vec!["a".repeat(40); 2]),
                Column::new(col_name("tree"), vec!["b".repeat(40); 2]),
            ],
        )
        .unwrap();
        let err = validate(Table::Snapshots, std::path::Path::new("s.parquet"), &nulls);
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("row 2, column 'repo': the cell is empty"));
    }

    #[test]
    fn raw_ids_are_20_bytes_each() {
        assert!(Kind::RawOid.accepts_bytes(&[7; 20]));
        assert!(!Kind::RawOid.accepts_bytes(&[7; 19]));
        assert!(Kind::RawOids.accepts_bytes(&[]));
        assert!(Kind::RawOids.accepts_bytes(&[7; 40]));
        assert!(!Kind::RawOids.accepts_bytes(&[7; 41]));
        // A walk table whose second commit id lost a byte is refused, naming row and column.
        let walk = |ids: Vec<Vec<u8>>| {
            let mut df = empty(Table::Walk);
            let n = ids.len();
            let columns: Vec<Column> = Table::Walk
                .schema()
                .iter()
                .map(|d| match d.name {
                    "commit" => BinaryChunked::from_iter_values(d.name.into(), ids.iter())
                        .into_series()
                        .into(),
                    _ => Column::full_null(d.name.into(), n, &d.kind.dtype()),
                })
                .collect();
            df = DataFrame::new(n, columns).unwrap_or(df);
            df
        };
        let err = validate(
            Table::Walk,
            std::path::Path::new("w.parquet"),
            &walk(vec![vec![1; 20], vec![2; 19]]),
        )
        .unwrap_err()
        .to_string();
        // The nulls of the other columns come after `commit` in the schema's order.
        assert!(err.contains("row 2, column 'commit'"), "{err}");
    }

    fn col_name(name: &str) -> PlSmallStr {
        name.into()
    }
}
