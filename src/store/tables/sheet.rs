//! Tables shaped for spreadsheets: CSV with an optional UTF-8 byte-order mark and months kept as
//! text, and `loc` in a wide layout (months as rows, languages as columns).
//!
//! Why these choices: Excel decodes a CSV as UTF-8 only when it starts with a byte-order mark
//! (without one, `zürich` reads as `zÃ¼rich`), and it turns a `2020-01` cell into the date
//! 1 January 2020, shown as `Jan-20`. A month written as the formula `="2020-01"` is the text
//! `2020-01` in Excel, LibreOffice and Google Sheets alike; it is temper's own constant, never
//! text from a repository (which stays neutralised, see [`super::neutralise_cell`]). Both are
//! opt-in (`export --spreadsheet`, `--bom`) because every other reader of CSV (pandas, DuckDB, a
//! shell script) wants the plain month and no mark.

use std::collections::BTreeMap;
use std::io::Write;

use polars::prelude::*;

use super::{col, str_col, TableError};

/// How CSV is written for the program that will read it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvStyle {
    /// A UTF-8 byte-order mark first.
    pub bom: bool,
    /// Month cells (`YYYY-MM`) written as `="YYYY-MM"`, text a spreadsheet does not turn into a
    /// date.
    pub text_months: bool,
}

impl CsvStyle {
    /// What `--spreadsheet` means: both.
    pub const SPREADSHEET: CsvStyle = CsvStyle {
        bom: true,
        text_months: true,
    };
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes `df` as CSV in `style`, text cells neutralised for spreadsheets.
pub fn write_csv(df: &DataFrame, style: CsvStyle, mut out: impl Write) -> Result<(), TableError> {
    if style.bom {
        out.write_all(BOM).map_err(|e| PolarsError::IO {
            error: e.into(),
            msg: None,
        })?;
    }
    let mut safe = super::neutralise_for_spreadsheet(df)?;
    if style.text_months {
        safe = months_as_text(&safe)?;
    }
    CsvWriter::new(out)
        .include_header(true)
        .with_datetime_format(Some("%Y-%m-%d %H:%M:%S".into()))
        .finish(&mut safe)?;
    Ok(())
}

/// Whether `text` is a month as temper writes one: `YYYY-MM`.
fn is_month(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
        && matches!(
            &text[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

/// Every text column whose cells are all months (or empty) with those cells as `="YYYY-MM"`.
fn months_as_text(df: &DataFrame) -> Result<DataFrame, TableError> {
    let columns = df
        .columns()
        .iter()
        .map(|c| -> Result<Column, TableError> {
            let Ok(text) = c.str() else {
                return Ok(c.clone());
            };
            let months =
                text.iter().flatten().all(is_month) && text.iter().flatten().next().is_some();
            if !months {
                return Ok(c.clone());
            }
            let quoted: StringChunked = text
                .iter()
                .map(|v| v.map(|m| format!("=\"{m}\"")))
                .collect();
            Ok(quoted.with_name(c.name().clone()).into_column())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DataFrame::new(df.height(), columns)?)
}

/// `loc` (long: a row per repository, month, class and language) as one row per repository and
/// month with a column per language holding its code lines, summed over the classes in `keep`
/// (every class when `None`). Languages are ordered by their code lines over the whole table,
/// largest first; a language with no code line anywhere (e.g. `Unrecognised`) gets no column; a
/// language absent in a month is 0.
pub fn wide_loc(
    df: &DataFrame,
    keep: Option<crate::mine::class::Class>,
) -> Result<DataFrame, TableError> {
    let repo = str_col(df, col::REPO)?;
    let month = str_col(df, col::MONTH)?;
    let class = str_col(df, col::CLASS)?;
    let language = str_col(df, col::LANGUAGE)?;
    let code = df.column(col::CODE)?.u64()?;
    let mut rows: BTreeMap<(&str, &str), BTreeMap<&str, u64>> = BTreeMap::new();
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for i in 0..df.height() {
        let (Some(r), Some(m), Some(c), Some(l)) =
            (repo.get(i), month.get(i), class.get(i), language.get(i))
        else {
            continue;
        };
        // Every month has its row, even one without code of the class kept.
        let row = rows.entry((r, m)).or_default();
        if keep.is_some_and(|k| k.as_str() != c) {
            continue;
        }
        let n = code.get(i).unwrap_or(0);
        *row.entry(l).or_default() += n;
        *totals.entry(l).or_default() += n;
    }
    let mut languages: Vec<(&str, u64)> = totals.into_iter().filter(|&(_, n)| n > 0).collect();
    languages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut columns = vec![
        Column::new(
            col::REPO.into(),
            rows.keys().map(|k| k.0).collect::<Vec<_>>(),
        ),
        Column::new(
            col::MONTH.into(),
            rows.keys().map(|k| k.1).collect::<Vec<_>>(),
        ),
    ];
    for (language, _) in &languages {
        let values: Vec<u64> = rows
            .values()
            .map(|by| by.get(language).copied().unwrap_or(0))
            .collect();
        columns.push(Column::new((*language).into(), values));
    }
    Ok(DataFrame::new(rows.len(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_recognised_exactly() {
        assert!(is_month("2020-01") && is_month("1999-12"));
        for not in [
            "2020-13",
            "2020-00",
            "2020-1",
            "20200-1",
            "2020/01",
            "abcd-01",
            "2020-01-01",
        ] {
            assert!(!is_month(not), "{not}");
        }
    }

    #[test]
    fn only_all_month_columns_become_text_and_repository_text_stays_neutralised() {
        let df = DataFrame::new(
            2,
            vec![
                Column::new("month".into(), ["2020-01", "2020-02"]),
                Column::new("repo".into(), ["=cmd", "2020-03"]),
                Column::new("n".into(), [1u32, 2]),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        write_csv(&df, CsvStyle::SPREADSHEET, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\u{feff}month,repo,n\n\"=\"\"2020-01\"\"\",'=cmd,1\n\"=\"\"2020-02\"\"\",2020-03,2\n"
        );
    }

    #[test]
    fn headers_from_the_data_are_neutralised_too() {
        // A wide table's columns are languages read from a store or a dataset: a forged one must
        // not become a formula.
        let df = DataFrame::new(
            1,
            vec![
                Column::new("month".into(), ["2020-01"]),
                Column::new("=HYPERLINK(\"x\")".into(), [3u64]),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        write_csv(&df, CsvStyle::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("month,\"'=HYPERLINK(\"\"x\"\")\"\n"),
            "{text}"
        );
    }
}
