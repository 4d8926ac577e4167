//! The one "now" every figure is measured at, and the windows that end with it.
//!
//! A report's, a query's or a chart's "now" is the month of the newest data it holds: the latest
//! of its projects' last commits and of the times their clones were last fetched (as `run`
//! records it, or as git records it in a local clone's `FETCH_HEAD`), unless the user asks for
//! another month (`--as-of`). Never the wall clock: the same data gives the same figures on
//! whatever day it is read, and a report of old mirrors is "as of" their time. A project silent
//! while the others moved is then measured against the others' now (it is the one that stopped).
//!
//! "The last 12 months" are the 12 calendar months ending with now; "the 12 before" are the 12
//! before those; "the 24 months" are both. They are defined here once: queries read them as the
//! `calendar` table ([`Window::calendar_rows`]), charts and `analyze`'s summary as a [`Window`].
//! Averages "per month over the last 12 months" divide by the window's months a project
//! existed in ([`Window::months_12m`]): 12, or fewer for a project younger than a year.

use crate::month::Month;

/// How new one project's data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newest {
    /// The project's name in the store.
    pub repo: String,
    /// The month of its last plausibly dated commit.
    pub last_commit: Option<Month>,
    /// The month its clone was last fetched, where that is recorded.
    pub fetched: Option<Month>,
}

/// Why "now" is the month it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The user asked for it (`--as-of`).
    Asked,
    /// The newest data is this project's last commit.
    LastCommit(String),
    /// The newest data is this project's last fetch (later than every commit).
    Fetched(String),
}

/// "Now" and the windows that end with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The month "now" is: the last month of every window.
    pub now: Month,
    /// Why now is the month it is.
    pub basis: Basis,
}

/// One month of the calendar queries read (see [`Window::calendar_rows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarRow {
    /// The calendar month of this row.
    pub month: Month,
    /// Months from this month to now: 0 for now, negative after it.
    pub months_before_now: i32,
    /// Whether the month is one of the last 12 months (now included).
    pub in_12m: bool,
    /// Whether the month is one of the 12 months before the last 12.
    pub in_prior_12m: bool,
    /// Whether the month is one of the 24 months (the last 12 or the 12 before them).
    pub in_24m: bool,
}

impl Window {
    /// The window of `asked` when given, else of the newest month among `projects` (a commit
    /// wins a tie with a fetch, then the first name); `None` when nothing is dated.
    pub fn resolve(asked: Option<Month>, projects: &[Newest]) -> Option<Window> {
        if let Some(now) = asked {
            return Some(Window {
                now,
                basis: Basis::Asked,
            });
        }
        let (now, commit, std::cmp::Reverse(repo)) = projects
            .iter()
            .flat_map(|p| [(p.last_commit, true, p), (p.fetched, false, p)])
            .filter_map(|(m, commit, p)| m.map(|m| (m, commit, std::cmp::Reverse(p.repo.as_str()))))
            .max()?;
        let repo = repo.to_string();
        Some(Window {
            now,
            basis: if commit {
                Basis::LastCommit(repo)
            } else {
                Basis::Fetched(repo)
            },
        })
    }

    /// The first month of the last 12 months.
    pub fn start_12m(&self) -> Month {
        self.now.minus(11)
    }

    /// The first month of the 24 months (the 12 before the last 12 included).
    fn start_24m(&self) -> Month {
        self.now.minus(23)
    }

    /// Whether `m` is one of the last 12 months (now included).
    pub fn in_12m(&self, m: Month) -> bool {
        m >= self.start_12m() && m <= self.now
    }

    /// Whether `m` is one of the 12 months before the last 12.
    pub fn in_prior_12m(&self, m: Month) -> bool {
        m >= self.start_24m() && m < self.start_12m()
    }

    /// The months of the last 12 a project whose first month is `first` existed in: 12, fewer
    /// for a younger project, 0 when it began after now. Averages per month divide by this.
    pub fn months_12m(&self, first: Month) -> u32 {
        let from = self.start_12m().max(first);
        u32::try_from(from.months_until(self.now) + 1).unwrap_or(0)
    }

    /// One row per month from `first` to the later of `last` and now: the calendar the queries
    /// join their months to, so no query works out "now" or a window itself.
    pub fn calendar_rows(&self, first: Month, last: Month) -> Vec<CalendarRow> {
        let first = first.min(self.start_24m());
        let last = last.max(self.now);
        Month::range_inclusive(first, last)
            .map(|month| CalendarRow {
                month,
                months_before_now: month.months_until(self.now),
                in_12m: self.in_12m(month),
                in_prior_12m: self.in_prior_12m(month),
                in_24m: self.in_12m(month) || self.in_prior_12m(month),
            })
            .collect()
    }

    /// How now was chosen, for a reader: "2026-08, the newest data (xen's last commit)".
    pub fn describe(&self) -> String {
        match &self.basis {
            Basis::Asked => format!("{}, as asked (--as-of)", self.now),
            Basis::LastCommit(repo) => {
                format!(
                    "{}, the month of the newest data ({repo}'s last commit)",
                    self.now
                )
            }
            Basis::Fetched(repo) => format!(
                "{}, the month of the newest data (when {repo}'s clone was last fetched)",
                self.now
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Month {
        Month::parse(text).expect("a month")
    }

    fn newest(repo: &str, last: &str, fetched: Option<&str>) -> Newest {
        Newest {
            repo: repo.into(),
            last_commit: Some(m(last)),
            fetched: fetched.map(m),
        }
    }

    #[test]
    fn now_is_the_newest_data_not_the_calendar() {
        let projects = [
            newest("xen", "2026-08", None),
            newest("kvmtool", "2025-01", None),
            newest("moby", "2026-08", None),
        ];
        let w = Window::resolve(None, &projects).unwrap();
        assert_eq!(w.now, m("2026-08"));
        // A tie goes to the first name: the description does not depend on the input order.
        assert_eq!(w.basis, Basis::LastCommit("moby".into()));
        let later = [
            newest("a", "2026-05", Some("2026-09")),
            newest("b", "2026-08", None),
        ];
        let w = Window::resolve(None, &later).unwrap();
        assert_eq!((w.now, w.basis), (m("2026-09"), Basis::Fetched("a".into())));
        let asked = Window::resolve(Some(m("2020-01")), &projects).unwrap();
        assert_eq!((asked.now, asked.basis), (m("2020-01"), Basis::Asked));
        assert_eq!(Window::resolve(None, &[]), None);
    }

    #[test]
    fn windows_count_by_hand() {
        let w = Window::resolve(Some(m("2026-08")), &[]).unwrap();
        assert_eq!(w.start_12m(), m("2025-09"));
        assert_eq!(w.start_24m(), m("2024-09"));
        assert!(w.in_12m(m("2025-09")) && !w.in_12m(m("2025-08")) && !w.in_12m(m("2026-09")));
        assert!(w.in_prior_12m(m("2025-08")) && w.in_prior_12m(m("2024-09")));
        assert!(!w.in_prior_12m(m("2024-08")));
        assert_eq!(w.months_12m(m("2002-11")), 12);
        assert_eq!(w.months_12m(m("2026-04")), 5);
        assert_eq!(w.months_12m(m("2026-09")), 0);
        let rows = w.calendar_rows(m("2026-01"), m("2026-10"));
        assert_eq!(rows.first().map(|r| r.month), Some(m("2024-09")));
        assert_eq!(
            rows.last().map(|r| (r.month, r.months_before_now)),
            Some((m("2026-10"), -2))
        );
        assert_eq!(rows.iter().filter(|r| r.in_12m).count(), 12);
        assert_eq!(rows.iter().filter(|r| r.in_24m).count(), 24);
    }
}
