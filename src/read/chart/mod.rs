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
    /// The kind's name as typed on the command line, e.g. `language-share`.
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

/// The colour themes (also the values of `--theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// Dark text on a white background.
    Light,
    /// Light text on a dark background.
    Dark,
}

/// The output format, from the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG (`.png`): a bitmap of `--size` pixels.
    Png,
    /// SVG (`.svg`): a vector image whose text stays text.
    Svg,
}

/// Resolved options for `chart`.
#[derive(Debug, Clone)]
pub struct ChartOptions {
    /// The chart to draw (`temper chart KIND`).
    pub kind: ChartKind,
    /// The store or dataset directory to read (`--store` or `--dataset`).
    pub store: PathBuf,
    /// Repositories to draw; all in the store when empty.
    pub repos: Vec<String>,
    /// The image file to write (`--out`).
    pub out: PathBuf,
    /// PNG or SVG, from the extension of `out`.
    pub format: ImageFormat,
    /// Width and height of the image in pixels (`--size`).
    pub size: (u32, u32),
    /// The colour theme (`--theme`).
    pub theme: ThemeName,
    /// The chart's title (`--title`); one naming the chart and its project when `None`.
    pub title: Option<String>,
    /// The first month to show (`--since`); from the oldest data when `None`.
    pub since: Option<Month>,
    /// The last month to show (`--until`); up to the newest data when `None`.
    pub until: Option<Month>,
    /// How several repositories share the x axis (`--align`).
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
    /// One point or bar per calendar month.
    #[default]
    Month,
    /// One point or bar per quarter (starting in January, April, July and October).
    Quarter,
    /// One point or bar per calendar year.
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

    /// The period as a word for labels: "month", "quarter" or "year".
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

/// Why a chart could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The store could not be opened or read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored table could not be read.
    #[error(transparent)]
    Table(#[from] TableError),
    /// A single-repository chart has none or several repositories to draw (`--repo` picks one).
    #[error(
        "the {kind} chart shows one repository; pick one with --repo (the store has: {known})"
    )]
    OneRepository {
        /// The chart kind's name, e.g. `churn`.
        kind: &'static str,
        /// The repositories in the store to pick from, comma-separated.
        known: String,
    },
    /// The chart would be empty (e.g. no dated commit, or no churn); the message says why.
    #[error("nothing to draw: {0}")]
    Empty(String),
    /// `--log` was asked of a chart that is not drawn as lines; the message says which.
    #[error("--log draws lines on a logarithmic axis; {0}")]
    NotLines(String),
    /// plotters could not draw the chart; the message is its error.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// Writing the image file failed.
    #[error("{}", .path.display())]
    Write {
        /// The image file that could not be written (`--out`).
        path: PathBuf,
        /// Why writing failed.
        #[source]
        source: std::io::Error,
    },
}

/// One named series of values, one per x position (`None`: no value there).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The name the legend shows, e.g. a language or a project.
    pub name: String,
    /// The colour it is drawn in (a language's, a class's or a project's own).
    pub color: theme::Rgb,
    /// One value per x position (`None`: no value there).
    pub values: Vec<Option<f64>>,
}

/// What the x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XAxis {
    /// Position i is the period starting `i` periods after the month `first`.
    Months {
        /// The month position 0 starts with.
        first: Month,
        /// How many positions the axis has.
        count: usize,
        /// What one position holds: a month, a quarter or a year.
        period: Period,
    },
    /// Position i is the i-th period after each series' first month.
    MonthsSince {
        /// How many positions the axis has.
        count: usize,
        /// What one position holds: a month, a quarter or a year.
        period: Period,
    },
}

impl XAxis {
    /// How many positions the axis has.
    pub fn len(&self) -> usize {
        match *self {
            XAxis::Months { count, .. } | XAxis::MonthsSince { count, .. } => count,
        }
    }

    /// What one position holds: a month, a quarter or a year.
    pub fn period(&self) -> Period {
        match *self {
            XAxis::Months { period, .. } | XAxis::MonthsSince { period, .. } => period,
        }
    }

    /// Whether the axis has no positions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The body of a chart.
#[derive(Debug, Clone, PartialEq)]
pub enum Plot {
    /// Areas stacked bottom-up in series order; `percent` draws shares of the total.
    Stacked {
        /// The areas, bottom one first.
        series: Vec<Series>,
        /// Each position's areas as percentages of its total, so the stack fills the height.
        percent: bool,
    },
    /// One line per series.
    Lines {
        /// The lines, each in its own colour with its own legend entry.
        series: Vec<Series>,
    },
    /// Lines added (up) and removed (down) per month, and a share on a second axis (0-1).
    Churn {
        /// Lines added per position (`None`: no value there).
        added: Vec<Option<f64>>,
        /// Lines removed per position, as positive counts drawn downwards (`None`: no value).
        removed: Vec<Option<f64>>,
        /// The new-code share per position (0-1; the period's last month's), on the right axis.
        share: Vec<Option<f64>>,
    },
    /// Side-by-side panels of bars, one bar per category in each.
    Bars {
        /// Each category's name and bar colour, top to bottom.
        categories: Vec<(String, theme::Rgb)>,
        /// Each panel's heading and its bars' values, one per category in category order.
        panels: Vec<(String, Vec<f64>)>,
    },
}

/// Everything a chart shows, as numbers and words.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// The chart's title: `--title`, else one naming the chart and its project.
    pub title: String,
    /// The line under the title: the months shown, the period, partial periods and, for line
    /// charts, the kind of y axis.
    pub subtitle: String,
    /// The x axis's description, e.g. "month (UTC)"; empty for none.
    pub x_label: String,
    /// The y axis's description, e.g. "share of code lines (%)"; empty for none.
    pub y_label: String,
    /// What the x axis shows, and how many positions it has.
    pub x: XAxis,
    /// What is drawn: stacked areas, lines, churn bars or panels of bars.
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
