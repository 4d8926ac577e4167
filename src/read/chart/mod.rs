//! `temper chart`: charts for slides and reports, drawn from the stored tables only.
//!
//! A chart is made in two steps: [`data`] turns stored tables into a [`ChartSpec`] (plain numbers
//! per series and month, which the tests compare with the tables), and [`draw`] renders a spec
//! with plotters on either backend, PNG or SVG, from the same code. [`theme`] holds the colours
//! (a language keeps its colour in every chart) and the font shipped in `assets/fonts`, so
//! charts look the same on every machine. A chart never reads a repository.

pub mod data;
pub mod draw;
mod glyphs;
pub mod theme;

use std::path::PathBuf;

use crate::month::Month;
use crate::store::tables::TableError;
use crate::store::{Store, StoreError};

/// The chart kinds (also the values of `temper chart KIND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartKind {
    /// Lines of code over time, stacked by language (one repository), or one line per repository.
    Loc,
    /// Each language's share of the code over time (one repository).
    LanguageShare,
    /// Commits per month, one line per repository.
    Commits,
    /// Distinct contributors per month, one line per repository.
    Contributors,
    /// Lines added and removed per month, with the new-code share (one repository).
    Churn,
    /// Lines by the year they were written, over time (one repository).
    Age,
    /// Average commits per month and contributors over the last 12 months, per repository.
    LastYear,
    /// Lines of code over time by class: own code, tests, docs, vendored, generated (one
    /// repository).
    Classes,
}

impl ChartKind {
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Loc => "loc",
            ChartKind::LanguageShare => "language-share",
            ChartKind::Commits => "commits",
            ChartKind::Contributors => "contributors",
            ChartKind::Churn => "churn",
            ChartKind::Age => "age",
            ChartKind::LastYear => "last-year",
            ChartKind::Classes => "classes",
        }
    }
}

/// How several repositories share the x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Align {
    /// Calendar months.
    Calendar,
    /// Months since each repository's first month.
    Age,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    Light,
    Dark,
}

/// The output format, from the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

/// Resolved options for `chart`.
#[derive(Debug, Clone)]
pub struct ChartOptions {
    pub kind: ChartKind,
    pub store: PathBuf,
    /// Repositories to draw; all in the store when empty.
    pub repos: Vec<String>,
    pub out: PathBuf,
    pub format: ImageFormat,
    pub size: (u32, u32),
    pub theme: ThemeName,
    pub title: Option<String>,
    pub since: Option<Month>,
    pub until: Option<Month>,
    pub align: Align,
    /// The class of code the line charts show; every class when `None`.
    pub class: Option<crate::mine::class::Class>,
    /// What one position of the x axis holds: a month, a quarter or a year (`--by`).
    pub by: Period,
    /// A trailing mean over this many positions (`--rolling N`), for the flow charts.
    pub rolling: Option<u32>,
    /// The top of the y axis (`--ymax`): what lies above is clipped and labelled with its value.
    pub ymax: Option<f64>,
    /// The y axis of line charts: logarithmic (`--log`), linear (`--linear`), or, when `None`,
    /// chosen so the smallest of several projects stays visible ([`data::pick_axis`]).
    pub log: Option<bool>,
    /// The projects in the order that gives them their colours: a project keeps the colour of
    /// its place here in every chart (the report passes its own order; `chart` the projects as
    /// named). Projects not in it take colours by their place among those drawn.
    pub palette: Vec<String>,
}

/// What one position of a series chart's x axis holds. Flows (commits, churn) are summed over
/// it; snapshots (lines of code, shares, code age, classes, the new-code share) take its last
/// month's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Period {
    #[default]
    Month,
    Quarter,
    Year,
}

impl Period {
    /// Months in one period.
    pub fn months(self) -> i32 {
        match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    /// The first month of the period holding `m` (quarters start in January, April, July and
    /// October).
    pub fn start(self, m: Month) -> Month {
        let first = (m.month() as i32 - 1) / self.months() * self.months() + 1;
        Month::new(m.year(), first as u32).unwrap_or(m)
    }

    /// The period starting at `m`, as a tooltip and a tick call it: `2020-03`, `2020-Q1`, `2020`.
    pub fn name(self, m: Month) -> String {
        match self {
            Period::Month => m.to_string(),
            Period::Quarter => format!("{}-Q{}", m.year(), (m.month() - 1) / 3 + 1),
            Period::Year => m.year().to_string(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(
        "the {kind} chart shows one repository; pick one with --repo (the store has: {known})"
    )]
    OneRepository { kind: &'static str, known: String },
    #[error("nothing to draw: {0}")]
    Empty(String),
    #[error("--log draws lines on a logarithmic axis; {0}")]
    NotLines(String),
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("{}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One named series of values, one per x position (`None`: no value there).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub color: theme::Rgb,
    pub values: Vec<Option<f64>>,
}

/// What the x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XAxis {
    /// Position i is the period starting `i` periods after the month `first`.
    Months {
        first: Month,
        count: usize,
        period: Period,
    },
    /// Position i is the i-th period after each series' first month.
    MonthsSince { count: usize, period: Period },
}

impl XAxis {
    pub fn len(&self) -> usize {
        match *self {
            XAxis::Months { count, .. } | XAxis::MonthsSince { count, .. } => count,
        }
    }

    pub fn period(&self) -> Period {
        match *self {
            XAxis::Months { period, .. } | XAxis::MonthsSince { period, .. } => period,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The body of a chart.
#[derive(Debug, Clone, PartialEq)]
pub enum Plot {
    /// Areas stacked bottom-up in series order; `percent` draws shares of the total.
    Stacked { series: Vec<Series>, percent: bool },
    /// One line per series.
    Lines { series: Vec<Series> },
    /// Lines added (up) and removed (down) per month, and a share on a second axis (0-1).
    Churn {
        added: Vec<Option<f64>>,
        removed: Vec<Option<f64>>,
        share: Vec<Option<f64>>,
    },
    /// Side-by-side panels of bars, one bar per category in each.
    Bars {
        categories: Vec<(String, theme::Rgb)>,
        panels: Vec<(String, Vec<f64>)>,
    },
}

/// Everything a chart shows, as numbers and words.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub title: String,
    pub subtitle: String,
    pub x_label: String,
    pub y_label: String,
    pub x: XAxis,
    pub plot: Plot,
    /// The top of the y axis the user set (`--ymax`).
    pub ymax: Option<f64>,
    /// A logarithmic y axis (`--log`, or chosen for projects of very different sizes; line
    /// charts only).
    pub log: bool,
}

/// Builds the chart's spec from the store.
pub fn spec(options: &ChartOptions) -> Result<ChartSpec, ChartError> {
    let store = Store::open(&options.store)?;
    data::build(&store, options)
}

/// Builds and draws the chart into `options.out` (written atomically).
pub fn render(options: &ChartOptions) -> Result<ChartSpec, ChartError> {
    let spec = spec(options)?;
    draw::write(&spec, options)?;
    Ok(spec)
}
