//! From stored tables to chart specs: which numbers each chart kind shows.
//!
//! - `loc`: code lines (tokei's `code`) per month by language for one repository, the
//!   `TOP_LANGUAGES` with the highest peak in the range and the rest summed as "Other"; with
//!   several repositories, one line of total code each.
//! - `language-share`: the same stack as percentages of each month's code.
//! - `commits`, `contributors`: the `activity` columns, one line per repository.
//! - `churn`: `activity.lines_added` up, `lines_removed` down (with `--class`, that class's
//!   `class_churn`), `new_code_share` as a line.
//! - `age`: the `age` table's lines per cohort year, oldest at the bottom (of the class
//!   `--class` picks).
//! - `classes`: code lines per month by class (own code, tests, docs, vendored, generated) for
//!   one repository, own code at the bottom.
//! - `loc`, `language-share`, `churn` and `age` show the class `--class` picks (every class
//!   by default).
//! - `last-year`: average commits per month and contributors over the last 12 months, one
//!   window for every repository: ending with `--until`, else with the newest data among them
//!   (see [`crate::window`]), as the report's scorecard counts them.
//!
//! `--since`/`--until` keep calendar months in that range; `--align age` puts each repository's
//! first month (its inception) at position 0.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::theme::{class_color, cohort_color, repo_color};
use super::{Align, ChartError, ChartKind, ChartOptions, ChartSpec, Plot, Series, XAxis};
use crate::month::Month;
use crate::store::tables::{self, ActivityPoint, Table};
use crate::store::Store;

/// How many languages a stacked chart names; the rest are "Other".
const TOP_LANGUAGES: usize = 8;

/// Builds the spec of `options.kind` from the store.
pub fn build(store: &Store, options: &ChartOptions) -> Result<ChartSpec, ChartError> {
    let known: Vec<String> = store.repos()?.into_iter().map(|m| m.name).collect();
    let repos = if options.repos.is_empty() {
        known.clone()
    } else {
        options.repos.clone()
    };
    // Unknown names fail here, with the store's message.
    let activity = tables::activity_points(&store.load_stacked(Table::Activity, &repos)?)?;
    let frame = Frame::new(&repos, &activity, options)?;
    let request = Request {
        store,
        options,
        known,
        repos,
        activity,
        frame,
    };
    let mut spec = match options.kind {
        ChartKind::Commits | ChartKind::Contributors => activity_lines(&request),
        ChartKind::Loc | ChartKind::LanguageShare if request.repos.len() > 1 => {
            total_code_lines(&request)
        }
        ChartKind::Loc | ChartKind::LanguageShare => language_stack_chart(&request),
        ChartKind::Churn => churn_chart(&request),
        ChartKind::Age => age_chart(&request),
        ChartKind::LastYear => last_year_chart(&request),
        ChartKind::Classes => classes_chart(&request),
    }?;
    if let Some(n) = options.rolling.filter(|&n| n > 1) {
        smooth(&mut spec, n as usize);
    }
    pick_axis(&mut spec, options.log);
    if options.log == Some(true) && !matches!(spec.plot, Plot::Lines { .. }) {
        return Err(ChartError::NotLines(format!(
            "the {} chart of one repository is a stack (name several with --repo for lines)",
            options.kind.name()
        )));
    }
    Ok(spec)
}

/// How many times the largest project's peak may exceed the smallest's on a linear axis: beyond
/// it the smallest would fill less than a twentieth of the chart's height, a flat line at its
/// foot, and a chart of several projects (`log` left to temper) draws a logarithmic axis.
const LOG_AXIS_RATIO: f64 = 20.0;

/// Chooses the y axis of a line chart of several projects when the user did not (`asked` is
/// `None`): logarithmic when the peaks differ `LOG_AXIS_RATIO`-fold or more, linear otherwise.
/// Either way the subtitle says which axis it is, and why when it is logarithmic.
pub fn pick_axis(spec: &mut ChartSpec, asked: Option<bool>) {
    let Plot::Lines { series } = &spec.plot else {
        return;
    };
    let peaks: Vec<f64> = series
        .iter()
        .map(|s| s.values.iter().flatten().copied().fold(0.0f64, f64::max))
        .filter(|&p| p > 0.0)
        .collect();
    if peaks.len() < 2 {
        return;
    }
    let (lo, hi) = peaks
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &p| (lo.min(p), hi.max(p)));
    let ratio = hi / lo;
    let log = asked.unwrap_or(spec.ymax.is_none() && ratio >= LOG_AXIS_RATIO);
    spec.log = log;
    let said = match (log, asked.is_some()) {
        (true, false) => format!(
            " · log axis: the largest peak is {:.0} times the smallest",
            ratio
        ),
        (true, true) => " · log axis".to_string(),
        (false, _) => " · linear axis".to_string(),
    };
    spec.subtitle.push_str(&said);
}

/// What every chart kind reads: the store, the options, the repositories and their activity.
struct Request<'a> {
    store: &'a Store,
    options: &'a ChartOptions,
    known: Vec<String>,
    repos: Vec<String>,
    activity: Vec<ActivityPoint>,
    frame: Frame,
}

impl Request<'_> {
    /// The colour of `repo`, drawn `i`-th: that of its place in the palette, if it has one.
    fn color(&self, repo: &str, i: usize) -> super::theme::Rgb {
        repo_color(
            self.options
                .palette
                .iter()
                .position(|p| p == repo)
                .unwrap_or(i),
        )
    }

    /// The one repository a single-repository chart draws.
    fn single(&self) -> Result<String, ChartError> {
        match self.repos.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(ChartError::OneRepository {
                kind: self.options.kind.name(),
                known: self.known.join(", "),
            }),
        }
    }
}

/// A chart's title: `title`, led by the project's name when it shows one ("moby: commits per
/// month"), so a slide says whose history it is.
fn named(repos: &[String], title: &str) -> String {
    match repos {
        [one] => {
            let mut lower = title.chars();
            let first = lower.next().map(|c| c.to_lowercase().to_string());
            format!("{one}: {}{}", first.unwrap_or_default(), lower.as_str())
        }
        _ => title.to_string(),
    }
}

/// Commits or contributors per month, one line per repository.
fn activity_lines(r: &Request<'_>) -> Result<ChartSpec, ChartError> {
    let options = r.options;
    let repos = &r.repos;
    let activity = &r.activity;
    let frame = &r.frame;
    let commits = options.kind == ChartKind::Commits;
    let series = repos
        .iter()
        .enumerate()
        .map(|(i, repo)| {
            let points = activity.iter().filter(|p| &p.repo == repo).map(|p| {
                let v = if commits { p.commits } else { p.contributors };
                (p.month, f64::from(v))
            });
            // Commits add up over a quarter or a year; distinct authors do not (and `--by` is
            // refused for them).
            let values = match commits {
                true => frame.place_sum(repo, points.map(|(m, v)| (m, Some(v)))),
                false => frame.place(repo, points),
            };
            Series {
                name: repo.clone(),
                color: r.color(repo, i),
                values,
            }
        })
        .collect();
    let noun = frame.period.noun();
    let (title, y) = if commits {
        (format!("Commits per {noun}"), format!("commits per {noun}"))
    } else {
        (
            "Contributors per month".to_string(),
            "distinct authors per month".to_string(),
        )
    };
    Ok(frame.spec(options, named(repos, &title), &y, Plot::Lines { series }))
}

/// Code lines per month, one line per repository.
fn total_code_lines(r: &Request<'_>) -> Result<ChartSpec, ChartError> {
    let store = r.store;
    let options = r.options;
    let repos = &r.repos;
    let frame = &r.frame;
    if options.kind == ChartKind::LanguageShare {
        r.single()?;
    }
    let rows = code_by_language(
        tables::loc_points(&store.load_stacked(Table::Loc, repos)?)?,
        options.class,
    );
    let series = repos
        .iter()
        .enumerate()
        .map(|(i, repo)| {
            let mut totals: BTreeMap<Month, f64> = BTreeMap::new();
            for (r, m, _, code) in &rows {
                if r == repo {
                    *totals.entry(*m).or_default() += *code as f64;
                }
            }
            Series {
                name: repo.clone(),
                color: r.color(repo, i),
                values: frame.place(repo, totals.into_iter()),
            }
        })
        .collect();
    Ok(frame.spec(
        options,
        named(repos, &format!("Lines of {}", class_label(options.class))),
        "lines of code",
        Plot::Lines { series },
    ))
}

/// One repository's code lines by language, stacked (or as shares).
fn language_stack_chart(r: &Request<'_>) -> Result<ChartSpec, ChartError> {
    let store = r.store;
    let options = r.options;
    let frame = &r.frame;
    let repo = r.single()?;
    let rows = code_by_language(
        tables::loc_points(&store.load(&repo, Table::Loc)?)?,
        options.class,
    );
    let percent = options.kind == ChartKind::LanguageShare;
    let series = language_stack(frame, &repo, &rows, percent);
    if series.is_empty() {
        return Err(ChartError::Empty(format!(
            "{repo} has no lines of code in the range (was it mined with --activity-only?)"
        )));
    }
    let (title, y) = if percent {
        (
            format!(
                "{repo}: share of {} by language",
                class_label(options.class)
            ),
            "share of code lines (%)",
        )
    } else {
        (
            format!(
                "{repo}: lines of {} by language",
                class_label(options.class)
            ),
            "lines of code",
        )
    };
    Ok(frame.spec(options, title, y, Plot::Stacked { series, percent }))
}

/// One repository's lines added and removed, and the new-code share.
fn churn_chart(r: &Request<'_>) -> Result<ChartSpec, ChartError> {
    let options = r.options;
    let activity = &r.activity;
    let frame = &r.frame;
    let repo = r.single()?;
    let mine: Vec<&ActivityPoint> = activity.iter().filter(|p| p.repo == repo).collect();
    if mine.iter().all(|p| p.lines_added.is_none()) {
        return Err(ChartError::Empty(format!(
            "{repo} has no churn (was it mined with --activity-only?)"
        )));
    }
    let pick = |f: fn(&ActivityPoint) -> Option<f64>| {
        frame.place_sum(&repo, mine.iter().map(|p| (p.month, f(p))))
    };
    let (added, removed) = match options.class {
        None => (
            pick(|p| p.lines_added.map(|v| v as f64)),
            pick(|p| p.lines_removed.map(|v| v as f64)),
        ),
        Some(class) => {
            let rows = tables::class_churn_points(&r.store.load(&repo, Table::ClassChurn)?)?;
            let of = |f: fn(&tables::ClassChurnPoint) -> u64| {
                let points = rows.iter().filter(|p| p.class == class);
                frame.place_sum(&repo, points.map(|p| (p.month, Some(f(p) as f64))))
            };
            (of(|p| p.lines_added), of(|p| p.lines_removed))
        }
    };
    let plot = Plot::Churn {
        added,
        removed,
        // A share is a snapshot: the period's last month.
        share: frame.place_optional(&repo, mine.iter().map(|p| (p.month, p.new_code_share))),
    };
    let title = match options.class {
        None => format!("{repo}: churn and new code"),
        Some(_) => format!(
            "{repo}: churn of {} and new code",
            class_label(options.class)
        ),
    };
    Ok(frame.spec(
        options,
        title,
        &format!(
            "lines added (up) and removed (down) per {}",
            frame.period.noun()
        ),
        plot,
    ))
}

/// One repository's lines by the year they were last written.
fn age_chart(r: &Request<'_>) -> Result<ChartSpec, ChartError> {
    let store = r.store;
    let options = r.options;
    let frame = &r.frame;
    let repo = r.single()?;
    // (month, cohort) -> lines of the chosen class (every class without one).
    let mut sums: BTreeMap<(Month, i32), u64> = BTreeMap::new();
    for p in tables::age_points(&store.load(&repo, Table::Age)?)? {
        if options.class.is_none_or(|c| c == p.class) {
            *sums.entry((p.month, p.cohort)).or_default() += p.lines;
        }
    }
    let rows: Vec<(Month, i32, u64)> = sums.into_iter().map(|((m, y), n)| (m, y, n)).collect();
    let years: BTreeSet<i32> = rows.iter().map(|r| r.1).collect();
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return Err(ChartError::Empty(format!(
            "{repo} has no code age (was it mined with --activity-only?)"
        )));
    };
    let bands = age_bands(first, last);
    let series = bands
        .iter()
        .enumerate()
        .map(|(i, &(from, to))| {
            let mut lines: BTreeMap<Month, f64> = BTreeMap::new();
            for r in rows.iter().filter(|r| (from..=to).contains(&r.1)) {
                *lines.entry(r.0).or_default() += r.2 as f64;
            }
            Series {
                name: match from == to {
                    true => from.to_string(),
                    false => format!("{from}\u{2013}{to}"),
                },
                color: cohort_color(i as i32, 0, bands.len() as i32 - 1),
                values: frame.place(&repo, lines.into_iter()),
            }
        })
        .filter(|s| s.values.iter().any(|v| v.is_some_and(|v| v > 0.0)))
        .collect();
    Ok(frame.spec(
        options,
        match options.class {
            None => format!("{repo}: lines by the year they were last written"),
            Some(_) => format!(
                "{repo}: lines of {} by the year they were last written",
                class_label(options.class)
            ),
        },
        "lines (code, comments and blanks)",
        Plot::Stacked {
            series,
            percent: false,
        },
    ))
}

/// The most bands the code-age chart draws: more shades of one scale than this cannot be told
/// apart on a projector or in greyscale.
const AGE_BANDS: usize = 8;

/// The cohort years `first..=last` grouped into at most [`AGE_BANDS`] bands of equal length,
/// oldest first; the newest band ends with `last` (so the recent years keep their own band when
/// each band is one year) and the oldest may be shorter.
fn age_bands(first: i32, last: i32) -> Vec<(i32, i32)> {
    let years = (last - first + 1).max(1);
    let step = (years + AGE_BANDS as i32 - 1) / AGE_BANDS as i32;
    let mut bands = Vec::new();
    let mut to = last;
    while to >= first {
        bands.push(((to - step + 1).max(first), to));
        to -= step;
    }
    bands.reverse();
    bands
}

/// Each repository's last 12 months, in the one window of [`crate::window`]: ending with
/// `--until` when given, else with the newest data among the charted repositories (as the
/// report's scorecard). Commits per month average the window's months the project existed in;
/// contributors are the trailing 12-month count at its last month with commits, 0 when that
/// month is before the window (the scorecard's rule).
fn last_year_chart(r: &Request<'_>) -> Result<ChartSpec, ChartError> {
    let options = r.options;
    let metas: HashMap<String, crate::store::RepoMeta> = r
        .store
        .repos()?
        .into_iter()
        .map(|m| (m.name.clone(), m))
        .collect();
    let newest: Vec<crate::window::Newest> = r
        .repos
        .iter()
        .filter_map(|repo| metas.get(repo).map(crate::store::RepoMeta::newest))
        .collect();
    let Some(window) = crate::window::Window::resolve(options.until, &newest) else {
        return Err(ChartError::Empty("no repository has a dated commit".into()));
    };
    let mut commits = Vec::new();
    let mut people = Vec::new();
    let mut categories = Vec::new();
    for (i, repo) in r.repos.iter().enumerate() {
        let mine = || {
            r.activity
                .iter()
                .filter(|p| &p.repo == repo && p.month <= window.now)
        };
        let Some(first) = mine().map(|p| p.month).min() else {
            continue;
        };
        let in_window: u64 = mine()
            .filter(|p| window.in_12m(p.month))
            .map(|p| u64::from(p.commits))
            .sum();
        let last = mine().max_by_key(|p| p.month);
        let team = last
            .filter(|p| window.in_12m(p.month))
            .map_or(0, |p| p.contributors_12m);
        categories.push((repo.clone(), r.color(repo, i)));
        commits.push(in_window as f64 / f64::from(window.months_12m(first).max(1)));
        people.push(f64::from(team));
    }
    if categories.is_empty() {
        return Err(ChartError::Empty(format!(
            "no repository has a commit by {}",
            window.now
        )));
    }
    let count = categories.len();
    Ok(ChartSpec {
        title: options
            .title
            .clone()
            .unwrap_or_else(|| format!("The last 12 months, to {}", window.now)),
        subtitle: format!(
            "{} to {}, the same window for every project",
            window.start_12m(),
            window.now
        ),
        x_label: String::new(),
        y_label: String::new(),
        x: XAxis::MonthsSince {
            count,
            period: super::Period::Month,
        },
        ymax: None,
        log: false,
        plot: Plot::Bars {
            categories,
            panels: vec![
                ("average commits per month".to_string(), commits),
                ("contributors".to_string(), people),
            ],
        },
    })
}

/// One repository's code lines by class (own code, tests, docs, vendored, generated), stacked.
fn classes_chart(r: &Request<'_>) -> Result<ChartSpec, ChartError> {
    let repo = r.single()?;
    let points = tables::loc_points(&r.store.load(&repo, Table::Loc)?)?;
    let series: Vec<Series> = crate::mine::class::Class::ALL
        .into_iter()
        .map(|class| {
            let mut totals: BTreeMap<Month, f64> = BTreeMap::new();
            for p in points.iter().filter(|p| p.class == class) {
                *totals.entry(p.month).or_default() += p.code as f64;
            }
            Series {
                name: class.as_str().to_string(),
                color: class_color(class),
                values: r.frame.place(&repo, totals.into_iter()),
            }
        })
        .filter(|s| s.values.iter().any(|v| v.is_some_and(|v| v > 0.0)))
        .collect();
    if series.is_empty() {
        return Err(ChartError::Empty(format!(
            "{repo} has no lines of code in the range (was it mined with --activity-only?)"
        )));
    }
    Ok(r.frame.spec(
        r.options,
        format!("{repo}: whose code it is"),
        "lines of code by class",
        Plot::Stacked {
            series,
            percent: false,
        },
    ))
}

/// What a chart of `class` counts, for its title.
fn class_label(class: Option<crate::mine::class::Class>) -> &'static str {
    use crate::mine::class::Class;
    match class {
        None => "code",
        Some(Class::Code) => "own code",
        Some(Class::Test) => "test code",
        Some(Class::Docs) => "docs",
        Some(Class::Vendored) => "vendored code",
        Some(Class::Generated) => "generated code",
    }
}

/// Code lines per (repository, month, language) of the chosen class (every class when `None`).
fn code_by_language(
    points: Vec<tables::LocPoint>,
    class: Option<crate::mine::class::Class>,
) -> Vec<(String, Month, String, u64)> {
    let mut sums: BTreeMap<(String, Month, String), u64> = BTreeMap::new();
    for p in points {
        if class.is_none_or(|c| c == p.class) {
            *sums.entry((p.repo, p.month, p.language)).or_default() += p.code;
        }
    }
    sums.into_iter()
        .map(|((r, m, l), code)| (r, m, l, code))
        .collect()
}

/// The stacked series of one repository's languages: the top ones by peak code in the range,
/// the largest (in the last month) at the bottom, then "Other".
fn language_stack(
    frame: &Frame,
    repo: &str,
    rows: &[(String, Month, String, u64)],
    percent: bool,
) -> Vec<Series> {
    let rows: Vec<&(String, Month, String, u64)> = rows
        .iter()
        .filter(|r| r.0 == repo && frame.keeps(r.1) && r.3 > 0)
        .collect();
    let Some(last) = rows.iter().map(|r| r.1).max() else {
        return Vec::new();
    };
    let mut peak: HashMap<&str, u64> = HashMap::new();
    let mut now: HashMap<&str, u64> = HashMap::new();
    for r in &rows {
        let p = peak.entry(r.2.as_str()).or_default();
        *p = (*p).max(r.3);
        if r.1 == last {
            now.insert(r.2.as_str(), r.3);
        }
    }
    let mut by_peak: Vec<(&str, u64)> = peak.into_iter().collect();
    by_peak.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut top: Vec<&str> = by_peak.iter().take(TOP_LANGUAGES).map(|l| l.0).collect();
    top.sort_by(|a, b| {
        let (x, y) = (now.get(a).unwrap_or(&0), now.get(b).unwrap_or(&0));
        y.cmp(x).then(a.cmp(b))
    });
    let has_other = by_peak.len() > TOP_LANGUAGES;
    let mut per_month: BTreeMap<Month, (HashMap<&str, f64>, f64)> = BTreeMap::new();
    for r in &rows {
        let name = if top.contains(&r.2.as_str()) {
            r.2.as_str()
        } else {
            "Other"
        };
        let (langs, total) = per_month.entry(r.1).or_default();
        *langs.entry(name).or_default() += r.3 as f64;
        *total += r.3 as f64;
    }
    let names = top
        .iter()
        .copied()
        .chain(has_other.then_some("Other"))
        .collect::<Vec<_>>();
    let colors = super::theme::language_colors(&names);
    names
        .into_iter()
        .zip(colors)
        .map(|(name, color)| {
            let points = per_month.iter().map(|(m, (langs, total))| {
                let v = langs.get(name).copied().unwrap_or(0.0);
                (
                    *m,
                    if percent {
                        100.0 * v / total.max(1.0)
                    } else {
                        v
                    },
                )
            });
            Series {
                name: name.to_string(),
                color,
                values: frame.place(repo, points),
            }
        })
        .collect()
}

/// The x axis of a chart over calendar months: the range, each repository's first month, and how
/// many months one position holds.
struct Frame {
    align: Align,
    since: Option<Month>,
    until: Option<Month>,
    /// The first month of the first position.
    first: Month,
    count: usize,
    inception: HashMap<String, Month>,
    /// Each repository's last month in the range.
    ends: HashMap<String, Month>,
    /// The first and last month shown (periods may reach beyond them).
    span: (Month, Month),
    period: super::Period,
}

impl Frame {
    fn new(
        repos: &[String],
        activity: &[ActivityPoint],
        options: &ChartOptions,
    ) -> Result<Frame, ChartError> {
        let mut inception: HashMap<String, Month> = HashMap::new();
        for p in activity {
            let e = inception.entry(p.repo.clone()).or_insert(p.month);
            *e = (*e).min(p.month);
        }
        let keeps =
            |m: Month| options.since.is_none_or(|s| m >= s) && options.until.is_none_or(|u| m <= u);
        let kept: Vec<&ActivityPoint> = activity.iter().filter(|p| keeps(p.month)).collect();
        let mut ends: HashMap<String, Month> = HashMap::new();
        for p in &kept {
            let e = ends.entry(p.repo.clone()).or_insert(p.month);
            *e = (*e).max(p.month);
        }
        let (Some(first), Some(last)) = (
            kept.iter().map(|p| p.month).min(),
            kept.iter().map(|p| p.month).max(),
        ) else {
            return Err(ChartError::Empty(format!(
                "no month of {} lies in the range {}..{}",
                repos.join(", "),
                options.since.map_or("".into(), |m| m.to_string()),
                options.until.map_or("".into(), |m| m.to_string()),
            )));
        };
        let period = options.by;
        let step = period.months();
        let span = (first, last);
        let first = match options.align {
            Align::Calendar => period.start(first),
            Align::Age => first,
        };
        let count = match options.align {
            Align::Calendar => (first.months_until(last) / step) as usize + 1,
            Align::Age => kept
                .iter()
                .map(|p| (inception[&p.repo].months_until(p.month) / step) as usize + 1)
                .max()
                .unwrap_or(0),
        };
        Ok(Frame {
            align: options.align,
            since: options.since,
            until: options.until,
            first,
            count,
            inception,
            ends,
            span,
            period,
        })
    }

    fn keeps(&self, m: Month) -> bool {
        self.since.is_none_or(|s| m >= s) && self.until.is_none_or(|u| m <= u)
    }

    fn position(&self, repo: &str, m: Month) -> Option<usize> {
        if !self.keeps(m) {
            return None;
        }
        let origin = match self.align {
            Align::Calendar => self.first,
            Align::Age => *self.inception.get(repo)?,
        };
        // Euclidean: a month just before the origin is position -1, not 0.
        usize::try_from(origin.months_until(m).div_euclid(self.period.months()))
            .ok()
            .filter(|&i| i < self.count)
    }

    /// The month whose snapshot stands for position `i` of `repo`: the period's last month, or
    /// the last month shown of it (`--until`, the repository's last month).
    fn snapshot_month(&self, repo: &str, i: usize) -> Option<Month> {
        let origin = match self.align {
            Align::Calendar => self.first,
            Align::Age => *self.inception.get(repo)?,
        };
        let step = self.period.months();
        let end = origin.minus(-((i as i32 + 1) * step - 1));
        let end = end.min(*self.ends.get(repo)?);
        Some(self.until.map_or(end, |u| end.min(u)))
    }

    /// Values at their positions; positions without a value stay `None`. A position holding
    /// several months (`--by`) takes the value of its last month shown ([`Frame::snapshot_month`]):
    /// lines of code, shares and ages are snapshots, and a series without a value in that month has
    /// none there.
    fn place(&self, repo: &str, points: impl Iterator<Item = (Month, f64)>) -> Vec<Option<f64>> {
        self.place_optional(repo, points.map(|(m, v)| (m, Some(v))))
    }

    fn place_optional(
        &self,
        repo: &str,
        points: impl Iterator<Item = (Month, Option<f64>)>,
    ) -> Vec<Option<f64>> {
        let mut values = vec![None; self.count];
        let monthly = self.period == super::Period::Month;
        for (m, v) in points {
            if let Some(i) = self.position(repo, m) {
                if monthly || self.snapshot_month(repo, i) == Some(m) {
                    values[i] = v;
                }
            }
        }
        values
    }

    /// Values summed per position: commits and lines added or removed, flows that add up over
    /// a quarter or a year.
    fn place_sum(
        &self,
        repo: &str,
        points: impl Iterator<Item = (Month, Option<f64>)>,
    ) -> Vec<Option<f64>> {
        let mut values: Vec<Option<f64>> = vec![None; self.count];
        for (m, v) in points {
            if let (Some(i), Some(v)) = (self.position(repo, m), v) {
                values[i] = Some(values[i].unwrap_or(0.0) + v);
            }
        }
        values
    }

    fn axis(&self) -> XAxis {
        match self.align {
            Align::Calendar => XAxis::Months {
                first: self.first,
                count: self.count,
                period: self.period,
            },
            Align::Age => XAxis::MonthsSince {
                count: self.count,
                period: self.period,
            },
        }
    }

    fn spec(&self, options: &ChartOptions, title: String, y_label: &str, plot: Plot) -> ChartSpec {
        let period = self.period;
        let by = match period {
            super::Period::Month => String::new(),
            p => format!(" · by {}", p.noun()),
        };
        let (x_label, subtitle) = match self.align {
            Align::Calendar => {
                // The months shown, and whether the first or last period holds only some of its.
                let (first, last) = self.span;
                let partial = [
                    (period.start(first) != first).then_some("first"),
                    (period.start(last.next()) == period.start(last)).then_some("last"),
                ];
                let partial = match partial {
                    [Some(_), Some(_)] => format!(" (first and last {} partial)", period.noun()),
                    [Some(w), None] | [None, Some(w)] => {
                        format!(" ({w} {} partial)", period.noun())
                    }
                    [None, None] => String::new(),
                };
                (
                    format!("{} (UTC)", period.noun()),
                    format!("{first} to {last}{by}{partial} · mined by temper"),
                )
            }
            Align::Age => (
                "years since the first commit".to_string(),
                format!("aligned on each project's first month{by} · mined by temper"),
            ),
        };
        ChartSpec {
            // Text that XML cannot hold would make the SVG unreadable.
            title: crate::text::xml_safe(&options.title.clone().unwrap_or(title)),
            subtitle,
            x_label,
            y_label: y_label.to_string(),
            x: self.axis(),
            plot,
            ymax: options.ymax,
            log: options.log == Some(true),
        }
    }
}

/// Each value replaced by the mean of the last `n` positions' values up to it (those present),
/// for `--rolling N`; a position without a value stays without one.
fn rolling_mean(values: &[Option<f64>], n: usize) -> Vec<Option<f64>> {
    (0..values.len())
        .map(|i| {
            values[i]?;
            let window = &values[(i + 1).saturating_sub(n)..=i];
            let present: Vec<f64> = window.iter().flatten().copied().collect();
            Some(present.iter().sum::<f64>() / present.len() as f64)
        })
        .collect()
}

/// `--rolling N` applied to a flow chart: its lines, or its bars of lines added and removed (the
/// new-code share is a snapshot and stays).
fn smooth(spec: &mut ChartSpec, n: usize) {
    match &mut spec.plot {
        Plot::Lines { series } => {
            for s in series {
                s.values = rolling_mean(&s.values, n);
            }
        }
        Plot::Churn { added, removed, .. } => {
            *added = rolling_mean(added, n);
            *removed = rolling_mean(removed, n);
        }
        Plot::Stacked { .. } | Plot::Bars { .. } => return,
    }
    spec.y_label = format!("{}, mean of {n} {}s", spec.y_label, spec.x.period().noun());
}
