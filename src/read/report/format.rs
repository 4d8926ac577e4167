//! Numbers and headers for people: the report's tables show `147,744`, `95 %`, `7.6` years and
//! `−13 %`, under headers such as "Commits per month (12 months)"; the CSVs beside the report
//! keep the raw values. How a number is shown follows its column's name, so a user's own query
//! is formatted by the same rules: `…share…` is a percentage, `…trend…` a signed percentage,
//! `…years…` one decimal, `…per_month…`, points and scores one decimal, `test_to_code` two
//! decimals, other fractional numbers two decimals (whole ones above 100 none), integers with
//! thousands separators, except years (`year`, `cohort`, `…_year`), which read as written.

use polars::prelude::AnyValue;

/// How the cell of `column` holding `value` reads; `None` is an empty cell.
pub fn cell(column: &str, value: &AnyValue<'_>) -> Option<String> {
    let float = match value {
        AnyValue::Null => return None,
        AnyValue::String(s) => return Some(s.to_string()),
        AnyValue::StringOwned(s) => return Some(s.to_string()),
        AnyValue::Boolean(b) => return Some(if *b { "yes" } else { "no" }.to_string()),
        AnyValue::Float64(v) => *v,
        AnyValue::Float32(v) => f64::from(*v),
        other => match integer(other) {
            Some(i) if is_year(column) => return Some(i.to_string()),
            Some(i) => return Some(thousands(i)),
            None => return Some(other.to_string()),
        },
    };
    Some(number(column, float))
}

/// Whether `column` holds a calendar year (`2014`, never `2,014`).
fn is_year(column: &str) -> bool {
    matches!(column, "year" | "cohort") || column.ends_with("_year")
}

/// Whether a cell of this value is a number (right-aligned in HTML).
pub fn is_number(value: &AnyValue<'_>) -> bool {
    matches!(value, AnyValue::Float64(_) | AnyValue::Float32(_)) || integer(value).is_some()
}

fn integer(value: &AnyValue<'_>) -> Option<i128> {
    Some(match value {
        AnyValue::Int8(v) => i128::from(*v),
        AnyValue::Int16(v) => i128::from(*v),
        AnyValue::Int32(v) => i128::from(*v),
        AnyValue::Int64(v) => i128::from(*v),
        AnyValue::UInt8(v) => i128::from(*v),
        AnyValue::UInt16(v) => i128::from(*v),
        AnyValue::UInt32(v) => i128::from(*v),
        AnyValue::UInt64(v) => i128::from(*v),
        _ => return None,
    })
}

/// A fractional number of `column`, by the rules in the module documentation.
pub fn number(column: &str, v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if column.contains("trend") {
        let pct = v * 100.0;
        let sign = if pct.round() > 0.0 {
            "+"
        } else if pct.round() < 0.0 {
            "\u{2212}"
        } else {
            ""
        };
        return format!("{sign}{:.0} %", pct.abs());
    }
    if column.contains("share") {
        let pct = v * 100.0;
        return match pct.abs() < 10.0 && pct != 0.0 {
            true => format!("{pct:.1} %"),
            false => format!("{pct:.0} %"),
        };
    }
    if column == "test_to_code" {
        return format!("{v:.2}");
    }
    // Years always with their decimal, so an age of exactly 7 reads "7.0" beside "6.8".
    if column.contains("years") {
        return decimals(v, 1);
    }
    let one_decimal = ["years", "per_month", "points", "score", "value", "months"];
    if one_decimal.iter().any(|k| column.contains(k)) || v.abs() < 100.0 {
        if v.fract() == 0.0 && v.abs() >= 1.0 {
            return thousands(v as i128);
        }
        let digits = if one_decimal.iter().any(|k| column.contains(k)) {
            1
        } else {
            2
        };
        return decimals(v, digits);
    }
    thousands(v.round() as i128)
}

/// `v` with `digits` decimals and thousands separators in its whole part.
fn decimals(v: f64, digits: usize) -> String {
    let text = format!("{:.digits$}", v.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = thousands(whole.parse::<i128>().unwrap_or(0));
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if v < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.insert(0, '\u{2212}');
    }
    out
}

/// `1234567` as `1,234,567`; negative numbers with a minus sign.
pub fn thousands(n: i128) -> String {
    let digits = crate::text::thousands(u64::try_from(n.unsigned_abs()).unwrap_or(u64::MAX));
    match n < 0 {
        true => format!("\u{2212}{digits}"),
        false => digits,
    }
}

/// A column name for people: `commits_per_month_12m` is "Commits per month (12 months)".
pub fn header(column: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut suffix = String::new();
    for word in column.split('_') {
        match word {
            "12m" => suffix = " (12 months)".into(),
            "years" => suffix = " (years)".into(),
            "24m" => suffix = " (24 months)".into(),
            "yoy" => words.push("year over year".into()),
            "loc" => words.push("LOC".into()),
            "pr" => words.push("PR".into()),
            "ci" => words.push("CI".into()),
            "to" if column == "test_to_code" => words.push("lines per own".into()),
            "" => {}
            w => words.push(w.to_string()),
        }
    }
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text + &suffix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(147_744), "147,744");
        assert_eq!(thousands(-1_000), "\u{2212}1,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(
            cell("cohort", &AnyValue::Int32(2014)).as_deref(),
            Some("2014")
        );
        assert_eq!(
            cell("lines", &AnyValue::Int32(2014)).as_deref(),
            Some("2,014")
        );
        assert_eq!(number("vendored_share", 0.95), "95 %");
        assert_eq!(number("vendored_share", 0.0323), "3.2 %");
        assert_eq!(number("commits_trend_yoy", -0.1301), "\u{2212}13 %");
        assert_eq!(number("commits_trend_yoy", 0.25), "+25 %");
        assert_eq!(number("age_years", 7.583), "7.6");
        assert_eq!(number("test_to_code", 0.6401), "0.64");
        assert_eq!(number("effort_person_months", 12_345.6), "12,345.6");
        assert_eq!(number("cocomo_people", 1234.4), "1,234");
        assert_eq!(number("points", 8.0), "8");
        assert_eq!(number("points", -0.25), "\u{2212}0.2");
        assert_eq!(number("ratio", 0.0), "0.00");
        assert_eq!(
            header("commits_per_month_12m"),
            "Commits per month (12 months)"
        );
        assert_eq!(header("commits_trend_yoy"), "Commits trend year over year");
        assert_eq!(header("test_to_code"), "Test lines per own code");
        assert_eq!(header("repo"), "Repo");
        assert_eq!(header("age_years"), "Age (years)");
    }
}
