//! UTC calendar months, the time axis of every table.
//!
//! A [`Month`] is a count of months since year 0 so that ranges and gaps are plain integer
//! arithmetic; it is written `YYYY-MM` everywhere a user sees it. Conversions from Unix seconds
//! always use UTC, whatever the committer's offset was.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use std::fmt;

/// One UTC calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// The month from a year and a 1-based month number.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12)
            .contains(&month)
            .then(|| Month(year * 12 + month as i32 - 1))
    }

    /// The UTC month holding `seconds` since the Unix epoch (`None` if chrono cannot represent it).
    pub fn from_unix(seconds: i64) -> Option<Month> {
        let t = DateTime::<Utc>::from_timestamp(seconds, 0)?;
        Month::new(t.year(), t.month())
    }

    /// The year, e.g. 2024 for `2024-06`.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1-based month number.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// The month after this one (December's is the next year's January).
    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }

    /// The month `n` months earlier.
    pub fn minus(self, n: i32) -> Month {
        Month(self.0 - n)
    }

    /// Months from `self` to `later` (0 when equal).
    pub fn months_until(self, later: Month) -> i32 {
        later.0 - self.0
    }

    /// Every month from `first` to `last`, both included.
    pub fn range_inclusive(first: Month, last: Month) -> impl Iterator<Item = Month> {
        (first.0..=last.0).map(Month)
    }

    /// The first second of the next month, i.e. the exclusive end of this one, in Unix seconds.
    pub fn end_exclusive_unix(self) -> i64 {
        let n = self.next();
        NaiveDate::from_ymd_opt(n.year(), n.month(), 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|dt| Utc.from_utc_datetime(&dt).timestamp())
            .unwrap_or(i64::MAX)
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        Month::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a YYYY-MM month: {text}")))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_bucketing_and_formatting() {
        // 2013-01-31T23:30:00Z is still January in UTC even if the author was at +02:00.
        assert_eq!(
            Month::from_unix(1_359_675_000).unwrap().to_string(),
            "2013-01"
        );
        assert_eq!(Month::from_unix(0).unwrap().to_string(), "1970-01");
        assert_eq!(Month::from_unix(-1).unwrap().to_string(), "1969-12");
        let dec = Month::new(2019, 12).unwrap();
        assert_eq!(dec.next().to_string(), "2020-01");
        assert_eq!(dec.minus(12).to_string(), "2018-12");
        assert_eq!(Month::parse("2020-02"), Month::new(2020, 2));
        assert_eq!(Month::parse("2020-13"), None);
        // 2020-02 ends at 2020-03-01T00:00:00Z.
        assert_eq!(
            Month::new(2020, 2).unwrap().end_exclusive_unix(),
            1_583_020_800
        );
        assert_eq!(Month::range_inclusive(dec, dec.next().next()).count(), 3);
    }
}
