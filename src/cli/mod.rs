//! Command-line definitions (clap) and their resolution into the library's option structs.
//!
//! Nothing past [`resolve`] sees a clap type: the engine takes plain options, resolved once, with
//! defaults applied and cross-option rules checked here. Usage errors exit with code 2.

// The doc comments of the clap structs are `--help` text, written for a terminal: brackets,
// angle brackets and URLs in them are meant literally, not as rustdoc links or HTML.
#![allow(
    rustdoc::broken_intra_doc_links,
    rustdoc::bare_urls,
    rustdoc::invalid_html_tags
)]

use std::path::PathBuf;

use clap::{error::ErrorKind, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::mine::analyze::{AnalyzeOptions, MemoryBudget, RepoSpec};
use crate::mine::git::{BotRule, DEFAULT_BOT_PATTERN};
use crate::month::Month;
use crate::read::chart::{Align, ChartKind, ChartOptions, ImageFormat, ThemeName};
use crate::read::export::ExportOptions;
use crate::read::report::ReportOptions;
use crate::scope::Scope;
use crate::store::dataset::DatasetOptions;
use crate::store::tables::{Format, Table};
use crate::store::Store;

/// `temper --version`: the package version and the commit (and its date) it was built from, or
/// `unknown` outside a git checkout (see build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("TEMPER_COMMIT"), ")");

/// The command line as clap parses it; [`resolve`] turns it into the [`Global`] settings and
/// a [`Command`].
#[derive(Debug, Parser)]
#[command(
    name = "temper",
    version = VERSION,
    about = "Mine git repositories and tell how battle-hardened a codebase is",
    after_help = "Exit codes: 0 success, 1 error (bad repository, store, I/O), 2 usage error."
)]
pub struct Cli {
    /// Show no progress bars; `run` then prints nothing when all went well, only failures.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: CommandArgs,
}

/// The commands as clap parses them, before [`resolve`] applies defaults and checks them.
#[derive(Debug, Subcommand)]
pub enum CommandArgs {
    /// Mine repositories into the store and print a summary row for each.
    #[command(visible_alias = "analyse")]
    Analyze(AnalyzeArgs),
    /// List the repositories of a store or dataset: name, source, ref, tip, scope, months and
    /// the time of the last analysis.
    List(ListArgs),
    /// Remove repositories (all their tables) from a store.
    Rm(RmArgs),
    /// Rename a stored repository (its tables keep everything; reports and charts then show the
    /// new name). Datasets are read-only: rename in the store that made them.
    Mv(MvArgs),
    /// Write a stored table as CSV, Parquet or JSON.
    Export(ExportArgs),
    /// Draw a chart from the stored tables as PNG or SVG.
    Chart(ChartArgs),
    /// Compare projects side by side: report.md, a self-contained report.html, charts and tables.
    Report(ReportArgs),
    /// Copy the aggregate tables (no names or e-mail addresses) of a store into a shareable
    /// dataset, which every command reads like a store.
    Dataset(DatasetArgs),
    /// Run SQL (a file, or -e SQL) over the stored tables (every table `export` names, and
    /// provenance) and print the result as a table, CSV or JSON.
    Query(QueryArgs),
    /// The scheduled job: bring every project of a TOML config up to date (cloning or fetching
    /// remote sources), mine what is new, and write a dated report.
    Run(RunArgs),
    /// List the dependencies a project declares (go.mod and vendor/modules.txt, Cargo.lock,
    /// package-lock.json) with each one's pinned version and source repository, and write a
    /// `run` configuration that mines them beside the project.
    Deps(DepsArgs),
    /// Print a shell completion script: e.g. `temper completions bash >
    /// /etc/bash_completion.d/temper`.
    Completions(CompletionsArgs),
    /// Print the man page temper(1), or write it and one page per command into a directory.
    Man(ManArgs),
    /// Internal: mine one project of a `run` configuration and print the outcome as JSON. `run`
    /// starts one per project, so a crash or an out-of-memory kill costs only that project.
    #[command(hide = true)]
    MineProject(MineProjectArgs),
}

/// `mine-project`: what `run` passes its child (see [`crate::run`]).
#[derive(Debug, clap::Args)]
pub struct MineProjectArgs {
    /// The run's configuration file.
    #[arg(value_name = "CONFIG.toml")]
    pub config: PathBuf,
    /// The project to mine, by its name in the configuration.
    #[arg(long)]
    pub project: String,
    /// The run's store directory.
    #[arg(long)]
    pub store: PathBuf,
    /// The run's worker threads.
    #[arg(long)]
    pub threads: std::num::NonZeroUsize,
    /// The run's memory budget, MiB.
    #[arg(long, default_value_t = MemoryBudget::DEFAULT_MIB)]
    pub memory: u64,
    /// The run's time, Unix seconds.
    #[arg(long, allow_hyphen_values = true)]
    pub now: i64,
    /// The local repository (the project's path, or the run's clone of its URL).
    #[arg(long)]
    pub path: PathBuf,
    /// The ref to analyse (the project's `ref`) [default: HEAD].
    #[arg(long = "ref")]
    pub reference: Option<String>,
    /// When the run fetched the clone, Unix seconds (not given for a local path).
    #[arg(long, allow_hyphen_values = true)]
    pub fetched_at: Option<i64>,
}

/// `completions`: the shell to write the script for.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man`: where the pages go.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write temper.1 and temper-COMMAND.1 for every command into this directory instead.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `list`: the store or dataset to list, and how to print it.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The store or dataset to list.
    #[command(flatten)]
    pub tables: TablesArgs,
    /// How to print the list: an aligned table, or JSON for scripts (an array of objects: name,
    /// source, ref, tip, scope, classes, first_month, last_month, analysed_at, fetched_at,
    /// activity_only, temper_version).
    #[arg(long, value_enum, default_value = "table")]
    pub format: SummaryFormat,
}

/// `deps`: the project, how its dependencies are mapped to repositories, and what is
/// written.
#[derive(Debug, clap::Args)]
pub struct DepsArgs {
    /// The project (a clone, bare or not).
    #[arg(value_name = "PATH")]
    pub repo: PathBuf,
    /// The revision whose tree is read [default: HEAD].
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// A TOML file of `"NAME" = "URL or path"` lines mapping modules, crates or packages to
    /// repositories (a Go module path also matches a key that is its prefix at a `/`); read
    /// before every built-in rule.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// How to print the list (CSV and JSON columns: ecosystem, name, version, direct, vendored,
    /// replaced_by, repository, found, declared_in).
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueryFormat,
    /// Also write a `run` configuration: the project, then one project per distinct repository
    /// of the mapped dependencies (unmapped ones listed in a comment).
    #[arg(long, value_name = "FILE")]
    pub config_out: Option<PathBuf>,
}

/// `rm`: the repositories to remove, and their store.
#[derive(Debug, clap::Args)]
pub struct RmArgs {
    /// The repositories to remove.
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
    /// The store directory [default: as for analyze].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
}

/// `mv`: the stored repository, its new name, and the store.
#[derive(Debug, clap::Args)]
pub struct MvArgs {
    /// The repository's name in the store.
    #[arg(value_name = "OLD")]
    pub old: String,
    /// Its new name (the rule of `analyze --name`; not already in the store).
    #[arg(value_name = "NEW")]
    pub new: String,
    /// The store directory [default: as for analyze].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
}

/// `run`: the configuration file, and what the command line overrides or adds.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The configuration file (see datasets/temper.toml for an example).
    #[arg(value_name = "CONFIG.toml")]
    pub config: PathBuf,
    /// The store directory [default: the config's `store`, else as for analyze].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Where dated report folders go [default: the config's `out`, else `reports` beside it].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
    /// Memory budget of each project's mining, MiB (as `analyze --memory`).
    #[arg(long, value_name = "MIB", default_value_t = MemoryBudget::DEFAULT_MIB,
          value_parser = memory_mib)]
    pub memory: u64,
    /// Print each project's time per mining stage on stderr.
    #[arg(long)]
    pub timings: bool,
    /// Mine only shard K of N (K from 0): the projects whose name hashes to K (FNV-1a 64 of the
    /// name, mod N), so N machines split the list [default: $TEMPER_SHARD].
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Split the list into N shards and take this machine's from the job scheduler's index:
    /// $JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or $SLURM_ARRAY_TASK_ID (Slurm array).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub shards: Option<u64>,
    /// Write the run's status as JSON to FILE (also when the run fails): ok, report, and per
    /// project its status (mined, unchanged, failed), reason, tip, seconds, verdict and score.
    #[arg(long, value_name = "FILE")]
    pub status: Option<PathBuf>,
}

/// A class of code, or every class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClassChoice {
    /// Every class: own code, tests, docs, vendored and generated.
    All,
    /// The project's own code: files no rule claims.
    Code,
    /// Tests.
    Test,
    /// Documentation.
    Docs,
    /// Third-party code copied into the repository.
    Vendored,
    /// Code a generator wrote.
    Generated,
}

impl ClassChoice {
    /// The class chosen; `None` for `all`.
    pub fn class(self) -> Option<crate::mine::class::Class> {
        use crate::mine::class::Class;
        match self {
            ClassChoice::All => None,
            ClassChoice::Code => Some(Class::Code),
            ClassChoice::Test => Some(Class::Test),
            ClassChoice::Docs => Some(Class::Docs),
            ClassChoice::Vendored => Some(Class::Vendored),
            ClassChoice::Generated => Some(Class::Generated),
        }
    }
}

/// Where a reading command finds its tables: a store, or a dataset (one or the other).
#[derive(Debug, clap::Args)]
pub struct TablesArgs {
    /// The store directory [default: as for analyze].
    #[arg(long, value_name = "DIR", conflicts_with = "dataset")]
    pub store: Option<PathBuf>,
    /// A dataset directory (made by `temper dataset`) instead of a store.
    #[arg(long, value_name = "DIR")]
    pub dataset: Option<PathBuf>,
}

impl TablesArgs {
    /// The directory to read: the dataset, else the store (or its default).
    fn resolve(self) -> Result<PathBuf, clap::Error> {
        match self.dataset {
            Some(dir) => Ok(dir),
            None => store_or_default(self.store),
        }
    }
}

/// `report`: the projects to compare, the stores and datasets holding them, and where
/// the report goes.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Projects to compare (names in the stores or datasets), in this order [default: all, by
    /// score].
    #[arg(value_name = "NAME")]
    pub repos: Vec<String>,
    /// A store to read (repeatable) [default: as for analyze, when no --dataset is given].
    #[arg(long, value_name = "DIR")]
    pub store: Vec<PathBuf>,
    /// A dataset to read (repeatable), alone or beside stores: e.g. the shipped dataset beside
    /// one's own analysis. A project name in two sources is an error.
    #[arg(long, value_name = "DIR")]
    pub dataset: Vec<PathBuf>,
    /// The directory to write the report into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The month every "now" and "last 12 months" figure ends with [default: the month of the
    /// latest analysis], for a report that can be made again identically.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub as_of: Option<crate::month::Month>,
    /// A directory of .sql files that replace the shipped queries of the same name (e.g. a
    /// changed report_maturity.sql: the score's formula).
    #[arg(long, value_name = "DIR")]
    pub queries: Option<PathBuf>,
    /// An earlier report's folder: the new report opens with what changed since it (verdicts,
    /// scores, red flags raised and cleared, new releases). `temper run` compares each dated
    /// report with the one `latest` pointed at.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
}

/// `dataset`: the store to copy from, what to copy, and the dataset to write.
#[derive(Debug, clap::Args)]
pub struct DatasetArgs {
    /// The store to copy from [default: as for analyze].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// The dataset directory to write (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only these repositories (repeatable) [default: all].
    #[arg(long = "repo", value_name = "NAME")]
    pub repos: Vec<String>,
    /// Where a repository comes from, recorded as its source (repeatable), e.g.
    /// moby=https://github.com/moby/moby.
    #[arg(long = "origin", value_name = "NAME=URL")]
    pub origins: Vec<String>,
    /// `store` (read by every temper command) or `hive`: TABLE/repo=NAME/part-0.parquet with a
    /// schema_version column and a _SUCCESS marker written last, for DuckDB, polars, Spark,
    /// Trino or Athena, and for `report --dataset`.
    #[arg(long, value_enum, default_value = "store")]
    pub layout: crate::store::dataset::Layout,
}

/// How `analyze` prints its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormat {
    /// An aligned table.
    Table,
    /// JSON, for scripts.
    Json,
}

/// How `query` prints its result and `deps` its list.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum QueryFormat {
    /// An aligned table.
    Table,
    /// CSV, a header row first.
    Csv,
    /// JSON, for scripts.
    Json,
}

/// `query`: the SQL, the tables it reads, and how the result is printed.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// The SQL file.
    #[arg(
        value_name = "FILE.sql",
        required_unless_present = "execute",
        conflicts_with = "execute"
    )]
    pub file: Option<PathBuf>,
    /// The SQL itself instead of a file, e.g. -e 'SELECT repo, COUNT(*) FROM loc GROUP BY repo'.
    #[arg(short = 'e', long = "execute", value_name = "SQL")]
    pub execute: Option<String>,
    /// The store or dataset the SQL reads.
    #[command(flatten)]
    pub tables: TablesArgs,
    /// How to print the result.
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueryFormat,
    /// How CSV is shaped (`--spreadsheet`, `--bom`).
    #[command(flatten)]
    pub csv: CsvArgs,
}

/// `chart`: what to draw, from which tables, and how.
#[derive(Debug, clap::Args)]
pub struct ChartArgs {
    /// What to draw.
    #[arg(value_enum)]
    pub kind: ChartKind,
    /// Repositories to draw (repeatable) [default: all in the store].
    #[arg(long = "repo", value_name = "NAME")]
    pub repos: Vec<String>,
    /// The store or dataset to draw from.
    #[command(flatten)]
    pub tables: TablesArgs,
    /// The image to write: FILE.png or FILE.svg.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Width x height in pixels.
    #[arg(long, value_name = "WxH", default_value = "1600x900")]
    pub size: String,
    /// The chart's colours: dark on white, or light on dark.
    #[arg(long, value_enum, default_value = "light")]
    pub theme: ThemeName,
    /// The chart's title [default: one naming the chart and repository].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// First month to show (YYYY-MM; a year YYYY stands for its January).
    #[arg(long, value_name = "YYYY-MM")]
    pub since: Option<String>,
    /// Last month to show (YYYY-MM; a year YYYY stands for its December).
    #[arg(long, value_name = "YYYY-MM")]
    pub until: Option<String>,
    /// Calendar months, or months since each repository's first commit.
    #[arg(long, value_enum, default_value = "calendar")]
    pub align: Align,
    /// Which code the line-of-code charts show: one class, or every class [default: the
    /// project's own code, as the report's headline figures: moby's 2.4 million lines are
    /// mostly vendored, its own code 173,000].
    #[arg(long, value_enum, default_value = "code", hide_default_value = true)]
    pub class: ClassChoice,
    /// One point or bar per month, quarter or year: commits and churn are summed over it, lines
    /// of code, shares and ages are its last month's (not for contributors: distinct authors do
    /// not add up).
    #[arg(long, value_enum, default_value = "month")]
    pub by: crate::read::chart::Period,
    /// Smooth commits, contributors or churn with a trailing mean over N months (or quarters or
    /// years, with --by).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=120))]
    pub rolling: Option<u32>,
    /// The top of the y axis: values above it are clipped and labelled with their value (churn
    /// charts clip far outliers on their own, e.g. a month that imports a vendored tree).
    #[arg(long, value_name = "N")]
    pub ymax: Option<f64>,
    /// A logarithmic y axis, for line charts (commits, contributors, loc of several
    /// repositories): projects of very different sizes on one slide.
    #[arg(long, conflicts_with_all = ["ymax", "linear"])]
    pub log: bool,
    /// A linear y axis for line charts of several projects [default: linear, or logarithmic
    /// when the smallest project would be lost at the foot of the largest one's axis; the
    /// subtitle says which].
    #[arg(long)]
    pub linear: bool,
}

/// `analyze`: the repositories, the store, and the rules they are mined by.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Repositories: a work tree, any directory inside one, or a bare repository, each as PATH
    /// or NAME=PATH to name it.
    #[arg(value_name = "[NAME=]PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The ref or revision to analyse in every repository [default: HEAD].
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// The repository's name in the store and tables (only with a single PATH).
    #[arg(long)]
    pub name: Option<String>,
    /// The store directory [default: $TEMPER_STORE, else $XDG_DATA_HOME/temper, else
    /// ~/.local/share/temper].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Memory budget, MiB: the caches keep to it, and a stage that ends over it is reported
    /// (what holds the history itself grows with it; see the README's Speed section).
    #[arg(long, value_name = "MIB", default_value_t = MemoryBudget::DEFAULT_MIB,
          value_parser = memory_mib)]
    pub memory: u64,
    /// Analyse only this part of the tree (repeatable): a directory or file relative to the
    /// repository root. Applies to every table.
    #[arg(long = "path", value_name = "PATH")]
    pub scope_paths: Vec<String>,
    /// Leave out files matching this glob (repeatable), e.g. 'vendor/**' or '**/*.pb.go'.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
    /// Give files matching GLOB a class (repeatable), before the built-in rules and after the
    /// repository's .gitattributes: CLASS is code, vendored, generated, test or docs, e.g.
    /// 'vendored=deps/**' or 'code=vendor/ours/**'.
    #[arg(long = "class", value_name = "CLASS=GLOB")]
    pub classes: Vec<String>,
    /// Mine commits and monthly activity only: no lines of code, no churn (those tables and
    /// columns stay empty).
    #[arg(long)]
    pub activity_only: bool,
    /// Print the time each stage took, and the line counter's work, on stderr.
    #[arg(long)]
    pub timings: bool,
    /// How to print the summary: an aligned table, or JSON for scripts.
    #[arg(long, value_enum, default_value = "table")]
    pub format: SummaryFormat,
    /// Regex matched case-insensitively against resolved author names and e-mails to tell bots apart.
    #[arg(long, value_name = "REGEX", default_value = DEFAULT_BOT_PATTERN, hide_default_value = true)]
    pub bot_pattern: String,
    /// Also count this advisory id pattern (repeatable), matched as a whole word in commit
    /// messages in any case, beside the built-in CVE, GHSA, XSA and RUSTSEC ids, e.g.
    /// 'OSV-\d{4}-\d+'.
    #[arg(long = "advisory-pattern", value_name = "REGEX")]
    pub advisory_patterns: Vec<String>,
    /// Which tags are releases: a regex the whole tag name matches, its group 'version' the
    /// version, e.g. 'release_(?P<version>\d+_\d+)' [default: version-like names].
    #[arg(long, value_name = "REGEX")]
    pub release_pattern: Option<String>,
    /// A TOML file grouping e-mail domains into organisations and naming personal mail services,
    /// read before the built-in mapping (its entries win), e.g. '[organisations] "Acme" =
    /// ["acme.com", "acme.*"]'.
    #[arg(long, value_name = "FILE")]
    pub organisations: Option<PathBuf>,
}

/// How CSV is shaped for a spreadsheet.
#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    /// CSV for a spreadsheet: a UTF-8 byte-order mark (so Excel reads names right) and months
    /// written as ="2020-01" (so no spreadsheet turns them into dates).
    #[arg(long)]
    pub spreadsheet: bool,
    /// CSV starting with a UTF-8 byte-order mark (implied by --spreadsheet).
    #[arg(long)]
    pub bom: bool,
}

impl CsvArgs {
    /// The style, checked against the format it shapes.
    fn resolve(
        &self,
        format: Option<Format>,
    ) -> Result<crate::store::tables::CsvStyle, clap::Error> {
        let style = crate::store::tables::CsvStyle {
            bom: self.bom || self.spreadsheet,
            text_months: self.spreadsheet,
        };
        if format != Some(Format::Csv) && style != Default::default() {
            return Err(usage(
                ErrorKind::ArgumentConflict,
                "--spreadsheet and --bom shape CSV; the format here is not CSV",
            ));
        }
        Ok(style)
    }
}

/// `export`: the table, where it is read from, and how and where it is written.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The store or dataset to export from.
    #[command(flatten)]
    pub tables: TablesArgs,
    /// The table to export.
    #[arg(long, value_enum)]
    pub table: Table,
    /// The output format [default: from --out's extension: .csv, .parquet or .json].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Only these repositories (repeatable) [default: all].
    #[arg(long = "repo", value_name = "NAME")]
    pub repos: Vec<String>,
    /// The output file [default: stdout].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// How CSV is shaped (`--spreadsheet`, `--bom`).
    #[command(flatten)]
    pub csv: CsvArgs,
    /// `loc` only: a row per repository and month, a column per language (largest first)
    /// holding its code lines.
    #[arg(long)]
    pub wide: bool,
    /// With --wide: the code lines of one class, or of every class.
    #[arg(long, value_enum, default_value = "all", requires = "wide")]
    pub class: ClassChoice,
}

/// A fully resolved command.
#[derive(Debug)]
pub enum Command {
    /// Mine repositories into the store and print a summary of each.
    Analyze {
        /// What to mine, into which store, and how.
        options: AnalyzeOptions,
        /// How to print the summary (`--format`).
        format: SummaryFormat,
    },
    /// The store or dataset to list.
    List(PathBuf, SummaryFormat),
    /// Remove repositories from a store.
    Rm {
        /// The store to remove them from.
        store: PathBuf,
        /// The repositories to remove, by name.
        names: Vec<String>,
    },
    /// Rename a stored repository.
    Mv {
        /// The store holding it.
        store: PathBuf,
        /// Its name now.
        old: String,
        /// The name it takes.
        new: String,
    },
    /// Write a stored table to a file or stdout.
    Export(ExportOptions),
    /// Draw a chart as PNG or SVG.
    Chart(ChartOptions),
    /// Run SQL over the stored tables and print the result.
    Query(QueryOptions),
    /// Copy a store's aggregate tables into a dataset.
    Dataset(DatasetOptions),
    /// Write a report comparing projects.
    Report(ReportOptions),
    /// The scheduled job over the projects of a configuration file.
    Run {
        /// The configuration, resolved, with the command line's store, output, threads,
        /// memory and shard applied.
        options: crate::run::RunOptions,
        /// `--status FILE`.
        status: Option<PathBuf>,
    },
    /// List a project's dependencies and, if asked, write a `run` configuration.
    Deps {
        /// The project, its ref, the name map, and where crates are looked up.
        options: crate::mine::deps::DepsOptions,
        /// How to print the list (`--format`).
        listing: crate::mine::deps::Listing,
        /// Where to write the `run` configuration (`--config-out`); `None` for none.
        config_out: Option<PathBuf>,
    },
    /// The shell to print a completion script for.
    Completions(clap_complete::Shell),
    /// Where to write every page, or `None` for temper(1) on stdout.
    Man(Option<PathBuf>),
    /// One project of a run, mined by a child process.
    MineProject(AnalyzeOptions),
}

/// Why the command line could not be resolved: a usage error (exit 2), or a `run` configuration
/// file that cannot be read or is invalid (exit 1, like every other bad input).
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// A usage error, as clap words it (exit 2).
    #[error(transparent)]
    Usage(#[from] clap::Error),
    /// A `run` configuration that cannot be read or is invalid (exit 1).
    #[error("{error}")]
    Config {
        /// What is wrong with it.
        error: Box<crate::run::RunError>,
        /// `run --status FILE`, which hears of the failure too.
        status: Option<PathBuf>,
    },
}

/// A `run` configuration that could not be used, and where the run's status goes.
#[derive(Debug)]
pub struct ConfigFailure {
    /// What is wrong with it.
    pub error: Box<crate::run::RunError>,
    /// `run --status FILE`, where the failure is written too; `None` without it.
    pub status: Option<PathBuf>,
}

/// Resolved options for `query`.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// The SQL file, or `None` for `sql`.
    pub file: Option<PathBuf>,
    /// The SQL given inline (`-e`).
    pub sql: Option<String>,
    /// The store or dataset directory the SQL reads.
    pub store: PathBuf,
    /// `None`: an aligned text table.
    pub format: Option<Format>,
    /// How CSV is written.
    pub csv: crate::store::tables::CsvStyle,
}

/// Global settings that are not a command's.
#[derive(Debug, Clone, Copy)]
pub struct Global {
    /// `--quiet`: no progress bars, and `run` prints only failures.
    pub quiet: bool,
    /// `analyze --timings`.
    pub timings: bool,
}

/// The command line, resolved; a usage error ends the process with clap's message (exit 2).
pub fn parse() -> Result<(Global, Command), ConfigFailure> {
    let cli = Cli::parse();
    match resolve(cli) {
        Ok(resolved) => Ok(resolved),
        Err(ResolveError::Usage(e)) => e.exit(),
        Err(ResolveError::Config { error, status }) => Err(ConfigFailure { error, status }),
    }
}

fn usage(kind: ErrorKind, message: impl std::fmt::Display) -> clap::Error {
    Cli::command().error(kind, message)
}

/// A `--memory` value: whole MiB, at least [`MemoryBudget::MIN_MIB`].
fn memory_mib(text: &str) -> Result<u64, String> {
    let mib: u64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a whole number of MiB (e.g. 2048)"))?;
    match mib >= MemoryBudget::MIN_MIB {
        true => Ok(mib),
        false => Err(format!(
            "{mib} MiB is below the smallest budget, {} MiB (the fixed caches alone need about that)",
            MemoryBudget::MIN_MIB
        )),
    }
}

/// `--threads`, else one per core.
fn threads_or_all(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

fn store_or_default(store: Option<PathBuf>) -> Result<PathBuf, clap::Error> {
    store.or_else(Store::default_location).ok_or_else(|| {
        usage(
            ErrorKind::MissingRequiredArgument,
            "no store location: pass --store DIR or set TEMPER_STORE",
        )
    })
}

/// `deps`: the options, the listing format, and where the `run` configuration goes; crates'
/// repositories are looked up in `$CARGO_HOME` (else `~/.cargo`).
fn resolve_deps(d: DepsArgs) -> Command {
    Command::Deps {
        options: crate::mine::deps::DepsOptions {
            repo: d.repo,
            reference: d.reference,
            map: d.map,
            cargo_home: std::env::var_os("CARGO_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo"))),
        },
        listing: match d.format {
            QueryFormat::Table => crate::mine::deps::Listing::Table,
            QueryFormat::Csv => crate::mine::deps::Listing::Csv,
            QueryFormat::Json => crate::mine::deps::Listing::Json,
        },
        config_out: d.config_out,
    }
}

/// Applies defaults and checks the rules clap cannot express.
pub fn resolve(cli: Cli) -> Result<(Global, Command), ResolveError> {
    let timings = match &cli.command {
        CommandArgs::Analyze(a) => a.timings,
        CommandArgs::Run(r) => r.timings,
        _ => false,
    };
    let global = Global {
        quiet: cli.quiet,
        timings,
    };
    let command = match cli.command {
        CommandArgs::Analyze(a) => Command::Analyze {
            format: a.format,
            options: resolve_analyze(a)?,
        },
        CommandArgs::List(l) => Command::List(l.tables.resolve()?, l.format),
        CommandArgs::Deps(d) => resolve_deps(d),
        CommandArgs::Rm(r) => Command::Rm {
            store: store_or_default(r.store)?,
            names: r.names,
        },
        CommandArgs::Mv(m) => Command::Mv {
            store: store_or_default(m.store)?,
            old: m.old,
            new: m.new,
        },
        CommandArgs::Run(r) => {
            let shard = crate::run::shard::Shard::resolve(r.shard.as_deref(), r.shards, |k| {
                std::env::var(k).ok()
            })
            .map_err(|e| usage(ErrorKind::ValueValidation, e))?;
            let status = r.status.clone();
            let mut options = crate::run::options(
                &r.config,
                r.store,
                r.out,
                threads_or_all(r.threads.map(usize::from)),
                chrono::Utc::now().timestamp(),
            )
            .map_err(|error| ResolveError::Config {
                error: Box::new(error),
                status,
            })?;
            options.shard = shard;
            options.memory = MemoryBudget::mib(r.memory);
            Command::Run {
                options,
                status: r.status,
            }
        }
        CommandArgs::Export(e) => Command::Export(resolve_export(e)?),
        CommandArgs::Chart(c) => Command::Chart(resolve_chart(c)?),
        CommandArgs::Report(r) => Command::Report(resolve_report(r)?),
        CommandArgs::Dataset(d) => Command::Dataset(resolve_dataset(d)?),
        CommandArgs::Completions(c) => Command::Completions(c.shell),
        CommandArgs::MineProject(m) => {
            let mut options =
                crate::run::options(&m.config, Some(m.store), None, m.threads.get(), m.now)
                    .map_err(|error| ResolveError::Config {
                        error: Box::new(error),
                        status: None,
                    })?;
            options.memory = MemoryBudget::mib(m.memory);
            let rules = options
                .projects
                .iter()
                .find(|r| r.project.name == m.project)
                .ok_or_else(|| {
                    usage(
                        ErrorKind::ValueValidation,
                        format!("no project '{}' in the configuration", m.project),
                    )
                })?;
            Command::MineProject(crate::run::project_options(
                &options,
                rules,
                (m.path, m.reference, m.fetched_at),
            ))
        }
        CommandArgs::Man(m) => Command::Man(m.out),
        CommandArgs::Query(q) => {
            let format = match q.format {
                QueryFormat::Table => None,
                QueryFormat::Csv => Some(Format::Csv),
                QueryFormat::Json => Some(Format::Json),
            };
            Command::Query(QueryOptions {
                file: q.file,
                sql: q.execute,
                store: q.tables.resolve()?,
                format,
                csv: q.csv.resolve(format)?,
            })
        }
    };
    Ok((global, command))
}

/// A `YYYY-MM` month argument.
fn parse_month(text: &str) -> Result<crate::month::Month, String> {
    crate::month::Month::parse(text).ok_or_else(|| format!("'{text}' is not a month (YYYY-MM)"))
}

fn resolve_analyze(a: AnalyzeArgs) -> Result<AnalyzeOptions, clap::Error> {
    if a.name.is_some() && a.paths.len() > 1 {
        return Err(usage(
            ErrorKind::ArgumentConflict,
            "--name applies to a single PATH; name each of several as NAME=PATH",
        ));
    }
    let mut repos = Vec::with_capacity(a.paths.len());
    for path in a.paths {
        let (name, path) = named_path(path);
        if name.is_some() && a.name.is_some() {
            return Err(usage(
                ErrorKind::ArgumentConflict,
                "give the name once: --name NAME PATH, or NAME=PATH",
            ));
        }
        repos.push(RepoSpec {
            path,
            reference: a.reference.clone(),
            name: name.or_else(|| a.name.clone()),
        });
    }
    let bots = BotRule::new(&a.bot_pattern).map_err(|e| {
        usage(
            ErrorKind::ValueValidation,
            format!("--bot-pattern is not a valid regex: {e}"),
        )
    })?;
    let threads = threads_or_all(a.threads.map(usize::from));
    let store = store_or_default(a.store)?;
    let classes = crate::mine::class::Classifier::new(&a.classes)
        .map_err(|e| usage(ErrorKind::ValueValidation, e))?;
    let scope = Scope::new(&a.scope_paths, &a.excludes)
        .map_err(|e| usage(ErrorKind::ValueValidation, e))?;
    let advisories =
        crate::mine::git::evidence::AdvisoryRule::new(&a.advisory_patterns).map_err(|e| {
            usage(
                ErrorKind::ValueValidation,
                format!("--advisory-pattern is not a valid regex: {e}"),
            )
        })?;
    let releases = match &a.release_pattern {
        Some(p) => crate::mine::release::ReleaseRule::new(p).map_err(|e| {
            usage(
                ErrorKind::ValueValidation,
                format!("--release-pattern: {e}"),
            )
        })?,
        None => Default::default(),
    };
    let organisations = crate::mine::organisations::Organisations::with_file(
        a.organisations.as_deref(),
    )
    .map_err(|e| {
        let e = anyhow::Error::from(e);
        usage(ErrorKind::ValueValidation, format!("--organisations {e:#}"))
    })?;
    let rules = crate::mine::analyze::MineRules {
        count_lines: !a.activity_only,
        scope,
        classes,
        bots,
        advisories,
        releases,
        organisations,
    };
    Ok(AnalyzeOptions {
        threads,
        memory: MemoryBudget::mib(a.memory),
        ..AnalyzeOptions::new(repos, store, rules)
    })
}

/// `NAME=PATH` split into its name and path; a path that exists as given, or holds no `=`, is
/// a path (names never hold `=`, so the first `=` separates them).
fn named_path(arg: PathBuf) -> (Option<String>, PathBuf) {
    if arg.exists() {
        return (None, arg);
    }
    match arg.to_str().and_then(|a| a.split_once('=')) {
        Some((name, path)) if !name.is_empty() => (Some(name.to_string()), PathBuf::from(path)),
        _ => (None, arg),
    }
}

fn resolve_export(e: ExportArgs) -> Result<ExportOptions, clap::Error> {
    let format =
        match (e.format, e.out.as_ref().and_then(|o| o.extension())) {
            (Some(f), _) => f,
            (None, Some(ext)) if ext == "csv" => Format::Csv,
            (None, Some(ext)) if ext == "parquet" => Format::Parquet,
            (None, Some(ext)) if ext == "json" => Format::Json,
            // Shaping CSV says CSV.
            (None, None) if e.csv.spreadsheet || e.csv.bom => Format::Csv,
            _ => return Err(usage(
                ErrorKind::MissingRequiredArgument,
                "give --format csv|parquet|json (or an --out ending in .csv, .parquet or .json)",
            )),
        };
    let csv = e.csv.resolve(Some(format))?;
    if e.wide && e.table != Table::Loc {
        return Err(usage(
            ErrorKind::ArgumentConflict,
            format!("--wide applies to --table loc, not {}", e.table.name()),
        ));
    }
    Ok(ExportOptions {
        store: e.tables.resolve()?,
        table: e.table,
        format,
        repos: e.repos,
        out: e.out,
        csv,
        wide: e.wide.then(|| e.class.class()),
    })
}

/// `report`'s options: the stores and datasets named (the default store when none is).
fn resolve_report(r: ReportArgs) -> Result<ReportOptions, clap::Error> {
    Ok(ReportOptions {
        sources: match (r.store.is_empty(), r.dataset.is_empty()) {
            (true, true) => vec![store_or_default(None)?],
            _ => r.store.into_iter().chain(r.dataset).collect(),
        },
        repos: r.repos,
        out: r.out,
        as_of: r.as_of,
        queries: r.queries,
        failed: Vec::new(),
        previous: r.previous,
    })
}

fn resolve_dataset(d: DatasetArgs) -> Result<DatasetOptions, clap::Error> {
    let mut origins = std::collections::BTreeMap::new();
    for o in d.origins {
        let Some((name, url)) = o.split_once('=') else {
            return Err(usage(
                ErrorKind::ValueValidation,
                format!("--origin {o}: expected NAME=URL"),
            ));
        };
        origins.insert(name.to_string(), url.to_string());
    }
    Ok(DatasetOptions {
        store: store_or_default(d.store)?,
        out: d.out,
        repos: d.repos,
        origins,
        // The program as `temper`, not the path it ran from on this machine.
        command: std::iter::once("temper".to_string())
            .chain(std::env::args().skip(1))
            .collect::<Vec<_>>()
            .join(" "),
        layout: d.layout,
    })
}

/// The rules of `--rolling`, `--by` and `--ymax`: which charts each applies to.
fn check_series_flags(c: &ChartArgs) -> Result<(), clap::Error> {
    let invalid = |m: String| usage(ErrorKind::ValueValidation, m);
    let flow = matches!(
        c.kind,
        ChartKind::Commits | ChartKind::Contributors | ChartKind::Churn
    );
    if c.rolling.is_some() && !flow {
        return Err(invalid(format!(
            "--rolling smooths commits, contributors or churn; the {} chart shows snapshots",
            c.kind.name()
        )));
    }
    if (c.log || c.linear)
        && !matches!(
            c.kind,
            ChartKind::Commits | ChartKind::Contributors | ChartKind::Loc
        )
    {
        return Err(invalid(format!(
            "--log and --linear apply to line charts (commits, contributors, loc of several repositories), not {}",
            c.kind.name()
        )));
    }
    let by = c.by != crate::read::chart::Period::Month;
    if by && c.kind == ChartKind::Contributors {
        return Err(invalid(format!(
            "--by {} does not apply to the contributors chart: distinct authors per month do not \
             add up to a quarter's or a year's (use --rolling N to smooth them)",
            c.by.noun()
        )));
    }
    let months_axis = !matches!(c.kind, ChartKind::LastYear);
    if (by || c.ymax.is_some()) && !months_axis {
        return Err(invalid(
            "--by and --ymax apply to charts over months; last-year shows one bar per repository"
                .to_string(),
        ));
    }
    if c.ymax.is_some() && c.kind == ChartKind::LanguageShare {
        return Err(invalid(
            "--ymax does not apply to language-share: its axis is 0-100 %".to_string(),
        ));
    }
    if let Some(y) = c.ymax.filter(|y| !(y.is_finite() && *y > 0.0)) {
        return Err(invalid(format!("--ymax {y}: expected a number above 0")));
    }
    Ok(())
}

fn resolve_chart(c: ChartArgs) -> Result<ChartOptions, clap::Error> {
    let invalid = |m: String| usage(ErrorKind::ValueValidation, m);
    check_series_flags(&c)?;
    let format = match c
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => ImageFormat::Png,
        Some("svg") => ImageFormat::Svg,
        _ => {
            return Err(invalid(format!(
                "--out {}: the file name must end in .png or .svg",
                c.out.display()
            )))
        }
    };
    let size = c
        .size
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?)))
        .filter(|&(w, h)| (320..=8000).contains(&w) && (180..=8000).contains(&h))
        .ok_or_else(|| {
            invalid(format!(
                "--size {}: expected WIDTHxHEIGHT in pixels, from 320x180 to 8000x8000",
                c.size
            ))
        })?;
    // A bare year stands for its first month after --since and its last after --until.
    let month = |flag: &str, v: Option<String>, last: u32| -> Result<Option<Month>, clap::Error> {
        v.map(|text| {
            let year = (text.len() == 4)
                .then(|| text.parse::<i32>().ok())
                .flatten()
                .and_then(|y| Month::new(y, last));
            Month::parse(&text).or(year).ok_or_else(|| {
                invalid(format!(
                    "{flag} {text}: expected a month (YYYY-MM) or a year (YYYY)"
                ))
            })
        })
        .transpose()
    };
    let since = month("--since", c.since, 1)?;
    let until = month("--until", c.until, 12)?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(invalid(format!("--since {s} is after --until {u}")));
        }
    }
    Ok(ChartOptions {
        kind: c.kind,
        store: c.tables.resolve()?,
        repos: c.repos.clone(),
        out: c.out,
        format,
        size,
        theme: c.theme,
        title: c.title,
        since,
        until,
        align: c.align,
        class: c.class.class(),
        by: c.by,
        rolling: c.rolling,
        ymax: c.ymax,
        log: match (c.log, c.linear) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        palette: c.repos,
    })
}

/// The completion script for `shell`, from the same definitions as the parser.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "temper", &mut out);
    out
}

/// The man pages: `temper.1` first, then `temper-COMMAND.1` for every command (aliases not
/// repeated), as (file name, roff text).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut command = Cli::command();
    command.build();
    let mut pages = Vec::new();
    let mut page = |name: String, cmd: clap::Command| -> std::io::Result<()> {
        let mut roff = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut roff)?;
        pages.push((format!("{name}.1"), roff));
        Ok(())
    };
    page("temper".to_string(), command.clone())?;
    for sub in command
        .get_subcommands()
        .filter(|s| s.get_name() != "help" && !s.is_hide_set())
    {
        let name = format!("temper-{}", sub.get_name());
        page(
            name.clone(),
            sub.clone().name(name.clone()).version(VERSION),
        )?;
    }
    Ok(pages)
}

/// Writes [`man_pages`] into `dir` (created if needed); returns how many.
pub fn write_man_pages(dir: &std::path::Path) -> std::io::Result<usize> {
    let pages = man_pages()?;
    std::fs::create_dir_all(dir)?;
    for (name, roff) in &pages {
        std::fs::write(dir.join(name), roff)?;
    }
    Ok(pages.len())
}
