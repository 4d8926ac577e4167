//! The registry of tables, and their conversion to and from files.
//!
//! Every table is long/tidy: one row per repository x month (x more keys), with a `repo` column so
//! tables of several repositories stack. Each table (or family of tables built from one stage's
//! result) has a module below that declares its schema once ([`schema::Schema`]) next to its
//! writer and reader; [`Table`] is the one registry that the store, `export`, `query`, `dataset`
//! and the CLI read. Adding a table is a module, a variant and its line in [`Table::def`]. This
//! module and `store.rs` are the only ones that touch polars I/O, so a polars upgrade is contained
//! here.
//!
//! CSV is written for spreadsheets: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return gets a leading `'` so a spreadsheet shows it as text instead of running it as
//! a formula (repository text such as author names is data, never code).

use std::io::Write;
use std::path::Path;

use polars::prelude::*;

use crate::month::Month;
use polars_io::prelude::{
    JsonFormat, JsonWriter, ParquetCompression, ParquetReader, ParquetWriter, SerReader, SerWriter,
};
use schema::{optional, required};

/// The tables' schema revision, bumped when a table gains or changes a column: a store made
/// before is then re-mined (its walk, blob counts and line-age state still reused) instead of
/// being reported up to date, and a dataset says which revision its files follow.
pub const REVISION: u32 = 22;

mod activity;
mod age;
mod class_churn;
mod commits;
mod data_quality;
mod dependencies;
mod evidence;
pub mod hive;
mod licences;
mod loc;
mod missing_files;
mod organisations;
mod practices;
mod releases;
pub mod schema;
mod sheet;
mod snapshots;
mod vendored;

pub use activity::{activity_frame, activity_points, ActivityPoint};
pub use age::{
    age_frame, age_points, language_commits_frame, language_commits_from_frame, line_ages_frame,
    line_ages_from_frame, month_ages_from_frames, AgePoint, LanguageCommit,
};
pub use class_churn::{class_churn_frame, class_churn_points, ClassChurnPoint};
pub use commits::{
    commits_frame, release_churn_frame, release_churn_from_frame, walk_frame, walk_from_frame,
};
pub use data_quality::data_quality_frame;
pub use dependencies::dependencies_frame;
pub use evidence::evidence_frame;
pub use licences::{licences_frame, licences_from_frame};
pub use loc::{
    blob_cache_from_frame, blob_counts_frame, loc_frame, loc_points, loc_rows_from_frame, LocPoint,
};
pub use missing_files::{missing_files_frame, missing_files_from_frame};
pub use organisations::organisations_frame;
pub use practices::{practices_frame, practices_from_frame};
pub use releases::releases_frame;
pub use sheet::{wide_loc, write_csv, CsvStyle};
pub use snapshots::{snapshots_frame, snapshots_from_frame};
pub use vendored::{vendored_changes_frame, vendored_changes_from_frame, VendoredChange};

/// Column names shared by several tables.
pub mod col {
    /// The repository's name in the store: every public table has it, so tables of several stack.
    pub const REPO: &str = "repo";
    /// An organisation behind the elephant factor (`organisations`), or `(individuals)` for
    /// the people on personal mail, without a domain or alone on theirs.
    pub const ORGANISATION: &str = "organisation";
    /// An organisation's distinct authors in the 24 months ending with the last month.
    pub const AUTHORS: &str = "authors";
    /// An organisation's share of the human commits of those 24 months, 0 to 1.
    pub const SHARE: &str = "share";
    /// A UTC calendar month, `YYYY-MM`: the row's month, or the month a commit or tag falls in.
    pub const MONTH: &str = "month";
    /// A 40-hex commit id: the row's own commit, a month's snapshot, a tag's target or the first
    /// commit of a licence period.
    pub const COMMIT: &str = "commit";
    /// When a commit was authored: a UTC datetime in `commits`, Unix seconds in the internal
    /// `walk`.
    pub const AUTHOR_TIME: &str = "author_time";
    /// When a commit was committed (git's commit date): a UTC datetime in `commits`, Unix seconds
    /// in the internal `walk`.
    pub const COMMITTER_TIME: &str = "committer_time";
    /// A commit author's identity: the e-mail address after `.mailmap`, lower-cased (the name when
    /// the address is empty).
    pub const AUTHOR: &str = "author";
    /// How many parents a commit has (0 for a root commit).
    pub const PARENTS: &str = "parents";
    /// Whether a commit has two or more parents.
    pub const IS_MERGE: &str = "is_merge";
    /// Whether the resolved author name or e-mail matches the bot pattern (`--bot-pattern`).
    pub const IS_BOT: &str = "is_bot";
    /// Whether a commit's author time is after the Unix epoch and at most a day after the analysis;
    /// a commit without one is put in no month.
    pub const PLAUSIBLE_DATE: &str = "plausible_date";
    /// Commits counted: per month (`activity`, `evidence`), per release or per organisation; in
    /// `missing_files`, the ids of the commits whose changes name the file, space-separated.
    pub const COMMITS: &str = "commits";
    /// The month's commits with two or more parents.
    pub const MERGES: &str = "merges";
    /// Distinct identities with a commit in the month (authors and co-authors), or the distinct
    /// authors of a release's range.
    pub const CONTRIBUTORS: &str = "contributors";
    /// The month's contributors whose identity does not match the bot pattern.
    pub const HUMAN_CONTRIBUTORS: &str = "human_contributors";
    /// Identities whose first plausibly dated commit falls in the month; for a release, the range's
    /// authors with no commit reachable from the previous release.
    pub const NEW_CONTRIBUTORS: &str = "new_contributors";
    /// The month's commits whose author matches the bot pattern.
    pub const BOT_COMMITS: &str = "bot_commits";
    /// A `data_quality` finding kind, such as `implausible_date` or `missing_object`.
    pub const KIND: &str = "kind";
    /// How often a `data_quality` kind was found (0 when never: every kind has a row).
    pub const COUNT: &str = "count";
    /// Up to five object ids (commits or blobs, by kind) of a `data_quality` finding,
    /// space-separated.
    pub const EXAMPLES: &str = "examples";
    /// A language by tokei's name (`loc` counts files no language claims as `Unrecognised`).
    pub const LANGUAGE: &str = "language";
    /// Files counted (`loc`), or the licence files as root paths, comma-separated (`licences`).
    pub const FILES: &str = "files";
    /// Lines of code (neither comments nor blanks), as tokei counts them.
    pub const CODE: &str = "code";
    /// Comment lines, as tokei counts them.
    pub const COMMENTS: &str = "comments";
    /// Blank lines, as tokei counts them.
    pub const BLANKS: &str = "blanks";
    /// The size of the counted files (or of one blob), in bytes.
    pub const BYTES: &str = "bytes";
    /// A blob's 40-hex object id (`missing_files` and the internal caches).
    pub const BLOB: &str = "blob";
    /// What a blob's file name says of its language (internal `blob_counts`): a tokei name, `#!`
    /// when the shebang decides, `?` for an extension tokei does not know.
    pub const PATH_LANGUAGE: &str = "path_language";
    /// A 40-hex tree id: the tree standing for a month (`snapshots`) or a walked commit's (`walk`).
    pub const TREE: &str = "tree";
    /// A walked commit's parent ids, space-separated (internal `walk`).
    pub const PARENT_IDS: &str = "parent_ids";
    /// Whether a walked commit touches the `--path`/`--exclude` scope (internal `walk`).
    pub const IN_SCOPE: &str = "in_scope";
    /// How many author or committer fields git had to read leniently; 0 for a well-formed commit
    /// (internal `walk`).
    pub const MALFORMED: &str = "malformed_fields";
    /// Lines added, as `git log --numstat` counts them; empty where churn was not mined (merges,
    /// `--activity-only`).
    pub const LINES_ADDED: &str = "lines_added";
    /// Lines removed, counted like `lines_added`.
    pub const LINES_REMOVED: &str = "lines_removed";
    /// Files a commit changed (submodule entries too); empty for merges and without churn.
    pub const FILES_CHANGED: &str = "files_changed";
    /// Distinct identities with a commit in the 12 months ending with the month.
    pub const CONTRIBUTORS_12M: &str = "contributors_12m";
    /// The fewest people whose commits make at least half of the human commits of the 24 months
    /// ending with the month; 0 when there are none.
    pub const PONY_FACTOR_24M: &str = "pony_factor_24m";
    /// The fewest organisations whose people make at least half of those 24 months' human commits
    /// (an individual counts as an organisation of one); 0 when there are none.
    pub const ELEPHANT_FACTOR_24M: &str = "elephant_factor_24m";
    /// The age in days, at the month's end, of the median line of own code in its snapshot; empty
    /// without counted lines or line age.
    pub const MEDIAN_LINE_AGE_DAYS: &str = "median_line_age_days";
    /// The share of own code's lines last written in the 12 months ending with the month, 0 to 1.
    pub const NEW_CODE_SHARE: &str = "new_code_share";
    /// The fewest people credited with at least half of own code's lines in the month's snapshot.
    pub const BUS_FACTOR: &str = "bus_factor";
    /// The UTC year in which lines were last written (`age`).
    pub const COHORT: &str = "cohort";
    /// A count of lines: of a class and cohort (`age`), or of a run last written by one commit
    /// (internal `line_ages`).
    pub const LINES: &str = "lines";
    /// A file's path in the repository (`missing_files`, internal `line_ages`).
    pub const PATH: &str = "path";
    /// Whether the `loc` table counts a file's lines (internal `line_ages`).
    pub const COUNTED: &str = "counted";
    /// The chain position (0 = the root) of the commit that last wrote a run of lines (internal
    /// `line_ages`).
    pub const POSITION: &str = "position";
    /// A release tag's name.
    pub const TAG: &str = "tag";
    /// A UTC datetime: a release's tagger time (a lightweight tag's commit date), or the committer
    /// time of a licence period's first commit.
    pub const DATE: &str = "date";
    /// A version: a release tag's numbers (`4.10.0`), or a dependency's declared version.
    pub const VERSION: &str = "version";
    /// Whether a release's version is a pre-release.
    pub const PRERELEASE: &str = "prerelease";
    /// Whether a release tag is an annotated tag object (not a lightweight tag).
    pub const ANNOTATED: &str = "annotated";
    /// Whether a signature is present (not verified): a commit's `gpgsig` header, a tag's in-body
    /// signature.
    pub const SIGNED: &str = "signed";
    /// Whether a release tag's commit is reachable from the analysed ref.
    pub const ON_REF: &str = "on_ref";
    /// Whose code: `code` (the project's own), `test`, `docs`, `vendored` or `generated`.
    pub const CLASS: &str = "class";
    /// Whether a blob's first bytes carry a generator's marker (internal `blob_counts`,
    /// `line_ages`).
    pub const GENERATED: &str = "generated";
    /// A commit's lines added and removed per class, ten numbers as text (internal `walk`,
    /// `release_churn`).
    pub const CLASS_LINES: &str = "class_lines";
    /// The first month a row covers: a practice shown, a licence held, or a missing file's lines
    /// lacking.
    pub const FIRST_MONTH: &str = "first_month";
    /// A vendored package's directory, e.g. `vendor/github.com/mattn/go-sqlite3`.
    pub const PACKAGE: &str = "package";
    /// A walked commit's review, signing and merge flags and co-author count, packed in one number
    /// (internal `walk`).
    pub const EVIDENCE: &str = "evidence";
    /// A practice the snapshots show: `security_policy`, `ci` or `fuzzing`.
    pub const PRACTICE: &str = "practice";
    /// A walked commit's `Co-authored-by` identities, separated by new lines (internal `walk`).
    pub const CO_AUTHORS: &str = "co_authors";
    /// The path that showed a practice first.
    pub const EXAMPLE: &str = "example";
    /// Advisory ids (CVE, GHSA, XSA) a commit message mentions, space-separated.
    pub const ADVISORIES: &str = "advisories";
    /// Commit ids a commit's `Fixes:` trailers name, space-separated.
    pub const FIXES: &str = "fixes";
    /// Whether a commit has a Reviewed-by, Acked-by or Reviewed-on trailer, or a Differential
    /// Revision line.
    pub const REVIEWED: &str = "reviewed";
    /// Whether a commit is a GitHub "Merge pull request #N" or GitLab "See merge request" merge.
    pub const PR_MERGE: &str = "pr_merge";
    /// The last month a row covers (see `first_month`).
    pub const LAST_MONTH: &str = "last_month";
}

/// The stored tables (the public ones are also the values of `--table`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Table {
    /// Every reachable commit, with its identity, dates and churn.
    Commits,
    /// Commits, contributors, churn and code-age figures per month.
    Activity,
    /// Lines of code per month and language, from the month's snapshot.
    Loc,
    /// What could not be read or trusted, by kind.
    #[value(name = "data_quality", alias = "data-quality")]
    DataQuality,
    /// Which commit and tree stood for each month.
    Snapshots,
    /// The walked commit graph (internal): lets a later run walk only new commits.
    #[value(skip)]
    Walk,
    /// The blob-count cache: internal, kept so a later run counts only new blobs.
    #[value(skip)]
    BlobCounts,
    /// The churn of release branches' commits off the analysed ref (internal): lets a later run
    /// diff only their new commits.
    #[value(skip)]
    ReleaseChurn,
    /// Lines by the year they were last written, per month.
    Age,
    /// The line-age state at the tip (internal): lets a later run follow only new commits.
    #[value(skip)]
    LineAges,
    /// Lines each first-parent commit added and removed per language, with its month.
    #[value(name = "language_commits", alias = "language-commits")]
    LanguageCommits,
    /// One row per release tag: version, date, annotated, signed, on the analysed ref.
    Releases,
    /// Lines added and removed per month and class of code.
    #[value(name = "class_churn", alias = "class-churn")]
    ClassChurn,
    /// Files whose blobs the clone lacks, with the months (and series) they leave short.
    #[value(name = "missing_files", alias = "missing-files")]
    MissingFiles,
    /// Lines each first-parent commit changed in each vendored package.
    #[value(name = "vendored_changes", alias = "vendored-changes")]
    VendoredChanges,
    /// Hardening evidence per month: signing, review, pull-request merges, advisories, fixes.
    Evidence,
    /// Security policy, continuous integration and fuzzing: the months the snapshots show them.
    Practices,
    /// The organisations behind the elephant factor (24 months; individuals summed).
    Organisations,
    /// The project's licence over its history: one row per period, named by the commit that
    /// began it.
    Licences,
    /// What the project declares at the analysed tip (go.mod, Cargo.lock, package-lock.json).
    Dependencies,
}

/// What the registry knows of a table.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    /// The name users type (`--table`), SQL queries use, and the store's file is named after.
    pub name: &'static str,
    /// The table's columns, in order: what its writer must build and its stored file must hold.
    pub schema: schema::Schema,
    /// Users query and export it; the others are the store's internal state.
    pub public: bool,
}

impl Table {
    /// Every table: the public ones in the order users see them, then the internal ones.
    pub const ALL: [Table; 20] = [
        Table::Commits,
        Table::Activity,
        Table::Loc,
        Table::Age,
        Table::DataQuality,
        Table::Snapshots,
        Table::LanguageCommits,
        Table::Releases,
        Table::ClassChurn,
        Table::MissingFiles,
        Table::VendoredChanges,
        Table::Evidence,
        Table::Practices,
        Table::Organisations,
        Table::Licences,
        Table::Dependencies,
        Table::Walk,
        Table::BlobCounts,
        Table::LineAges,
        Table::ReleaseChurn,
    ];

    /// The registry: each table's name, schema and visibility, declared by its module.
    pub fn def(self) -> TableDef {
        match self {
            Table::Commits => commits::COMMITS,
            Table::Activity => activity::ACTIVITY,
            Table::Loc => loc::LOC,
            Table::Age => age::AGE,
            Table::DataQuality => data_quality::DATA_QUALITY,
            Table::Snapshots => snapshots::SNAPSHOTS,
            Table::LanguageCommits => age::LANGUAGE_COMMITS,
            Table::Releases => releases::RELEASES,
            Table::ClassChurn => class_churn::CLASS_CHURN,
            Table::MissingFiles => missing_files::MISSING_FILES,
            Table::VendoredChanges => vendored::VENDORED_CHANGES,
            Table::Evidence => evidence::EVIDENCE,
            Table::Practices => practices::PRACTICES,
            Table::Organisations => organisations::ORGANISATIONS,
            Table::Licences => licences::LICENCES,
            Table::Dependencies => dependencies::DEPENDENCIES,
            Table::Walk => commits::WALK,
            Table::BlobCounts => loc::BLOB_COUNTS,
            Table::LineAges => age::LINE_AGES,
            Table::ReleaseChurn => commits::RELEASE_CHURN,
        }
    }

    /// The tables users query and export, in that order.
    pub fn public() -> impl Iterator<Item = Table> {
        Table::ALL.into_iter().filter(|t| t.def().public)
    }

    /// The name users type (`--table`) and SQL queries use; the store's file is named after it.
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// The table's columns, in order.
    pub fn schema(self) -> schema::Schema {
        self.def().schema
    }

    /// The name of the store's file of the table, `<name>.parquet`.
    pub fn file_name(self) -> String {
        format!("{}.parquet", self.name())
    }

    /// The table called `name`, public or internal; `None` when no table has that name.
    pub fn parse(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Output formats for `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated text; a cell a spreadsheet would run as a formula gets a leading `'`.
    Csv,
    /// Parquet (LZ4-compressed), as the store keeps its tables.
    Parquet,
    /// A JSON array with one object per row.
    Json,
}

/// What can go wrong building, writing or reading a table.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// A polars operation failed (building, reading or writing a frame).
    #[error("table operation failed: {0}")]
    Polars(#[from] PolarsError),
    /// A table file that cannot be opened, or that is not a regular file.
    #[error("{}", .path.display())]
    Io {
        /// The file: a stored table, or a report's CSV table.
        path: std::path::PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// A writer built columns its table's schema does not declare: a bug in temper.
    #[error("internal error: the {table} table was built with columns [{found}], not its schema")]
    Schema {
        /// The name of the table the writer built.
        table: &'static str,
        /// The built columns as `name: type`, comma-separated.
        found: String,
    },
    /// A stored table that breaks its schema (the store's one bad-row policy).
    #[error("{}: the {table} table is damaged: {}column '{column}': {problem}; run `temper analyze` again to rebuild it", .path.display(), .row.map_or(String::new(), |r| format!("row {r}, ")))]
    BadRow {
        /// The name of the damaged table.
        table: &'static str,
        /// The damaged file; `(a table in memory)` for a frame that was not read from one.
        path: std::path::PathBuf,
        /// 1-based data row; `None` when the whole column is wrong.
        row: Option<usize>,
        /// The column at fault.
        column: String,
        /// What is wrong with the cell or the column, e.g. `the cell is empty`.
        problem: String,
    },
    /// A table file that cannot be read: not Parquet polars reads, too many rows (more than
    /// `MAX_TABLE_ROWS`), or another schema revision.
    #[error("{}: damaged table ({message}); run `temper analyze` again to rebuild it", .path.display())]
    Damaged {
        /// The damaged file.
        path: std::path::PathBuf,
        /// What is wrong with it, shown after the path.
        message: String,
    },
}

/// Unix seconds as a UTC datetime column (milliseconds).
fn datetime_column(name: &str, seconds: Vec<i64>) -> Column {
    let millis: Vec<i64> = seconds
        .into_iter()
        .map(|s| s.saturating_mul(1000))
        .collect();
    Int64Chunked::from_vec(name.into(), millis)
        .into_datetime(TimeUnit::Milliseconds, None)
        .into_column()
}

/// The column `name` of `rows`, each row's value by `f`.
fn column_of<'a, R, V, P: ?Sized>(name: &str, rows: &'a [R], f: impl Fn(&'a R) -> V) -> Column
where
    Series: NamedFrom<Vec<V>, P>,
{
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<V>>())
}

/// `frame` with every row's `repo` replaced by `repo` (a table without the column is unchanged):
/// what renaming a stored project rewrites.
pub fn with_repo(mut frame: DataFrame, repo: &str) -> Result<DataFrame, TableError> {
    if frame.column(col::REPO).is_ok() {
        let height = frame.height();
        frame.with_column(repo_column(repo, height))?;
    }
    Ok(frame)
}

fn repo_column(repo: &str, height: usize) -> Column {
    Column::new(col::REPO.into(), vec![repo; height])
}

fn str_col<'a>(df: &'a DataFrame, name: &str) -> Result<&'a StringChunked, TableError> {
    Ok(df.column(name)?.str()?)
}

/// A cell of a frame that [`schema::validate`] checked: the error arm only fires on a frame that
/// was not read through [`read`].
fn need<T>(table: Table, column: &str, row: usize, value: Option<T>) -> Result<T, TableError> {
    value.ok_or_else(|| TableError::BadRow {
        table: table.name(),
        path: "(a table in memory)".into(),
        row: Some(row + 1),
        column: column.to_string(),
        problem: "the cell is empty or malformed".into(),
    })
}

/// A month cell (see [`need`]).
fn month_at(
    table: Table,
    column: &str,
    row: usize,
    text: Option<&str>,
) -> Result<Month, TableError> {
    need(table, column, row, text.and_then(Month::parse))
}

/// A class cell (see [`need`]).
fn class_at(
    table: Table,
    column: &str,
    row: usize,
    text: Option<&str>,
) -> Result<crate::mine::class::Class, TableError> {
    need(
        table,
        column,
        row,
        text.and_then(crate::mine::class::Class::parse),
    )
}

/// An object-id cell (see [`need`]).
fn oid_at(
    table: Table,
    column: &str,
    row: usize,
    text: Option<&str>,
) -> Result<gix::ObjectId, TableError> {
    let id = text.and_then(|t| gix::ObjectId::from_hex(t.as_bytes()).ok());
    need(table, column, row, id)
}

/// An object-id cell of raw bytes (see [`need`]).
fn raw_oid_at(
    table: Table,
    column: &str,
    row: usize,
    bytes: Option<&[u8]>,
) -> Result<gix::ObjectId, TableError> {
    let id = bytes.and_then(|b| {
        gix::hash::oid::try_from_bytes(b)
            .ok()
            .map(ToOwned::to_owned)
    });
    need(table, column, row, id)
}

/// `df` as an aligned text table for a terminal: every row and column, no type line.
pub fn render_text(df: &DataFrame) -> String {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let columns = df.columns();
    let mut rows: Vec<Vec<String>> = vec![names];
    for i in 0..df.height() {
        rows.push(
            columns
                .iter()
                .map(|c| match c.get(i) {
                    Ok(AnyValue::Null) | Err(_) => String::new(),
                    // Repository text: escaped and cut for the terminal.
                    Ok(AnyValue::String(s)) => {
                        crate::text::terminal(s, crate::text::TERMINAL_CELL_CHARS)
                    }
                    // A string a query made (a join, a CASE): the same, never quoted.
                    Ok(AnyValue::StringOwned(s)) => {
                        crate::text::terminal(&s, crate::text::TERMINAL_CELL_CHARS)
                    }
                    Ok(v) => v.to_string(),
                })
                .collect(),
        );
    }
    let numeric: Vec<bool> = columns
        .iter()
        .map(|c| c.dtype().is_primitive_numeric())
        .collect();
    crate::text::aligned(&rows, &numeric).join("\n")
}

/// Writes `df` as Parquet into `out`.
/// LZ4: on moby's 57,533-commit tables it wrote in 0.12 s what zstd (polars' default) wrote in
/// 0.17 s; the store is a working cache, size matters less than the monthly job's latency.
pub fn write_parquet(df: &mut DataFrame, out: impl Write) -> Result<(), TableError> {
    ParquetWriter::new(out)
        .with_compression(ParquetCompression::Lz4Raw)
        .finish(df)?;
    Ok(())
}

/// Reads the stored `table` at `path` and checks it against the table's schema.
pub fn read(table: Table, path: &Path) -> Result<DataFrame, TableError> {
    let df = read_parquet(path)?;
    schema::validate(table, path, &df)?;
    Ok(df)
}

/// The most rows one stored table file (one project's table) may hold. The largest real table
/// is a project's `commits` or `walk` (the Linux kernel: about 1.4 million rows); a file that
/// claims far more is not read, as it would exhaust memory (a few megabytes of Parquet can
/// encode tens of millions of equal rows).
const MAX_TABLE_ROWS: usize = 20_000_000;

/// The Parquet file at `path` as a frame, unchecked; a file polars cannot read, or one of more
/// than [`MAX_TABLE_ROWS`] rows, is damaged.
pub(crate) fn read_parquet(path: &Path) -> Result<DataFrame, TableError> {
    let file = crate::store::check_regular(path)
        .and_then(|()| std::fs::File::open(path))
        .map_err(|source| TableError::Io {
            path: path.to_owned(),
            source,
        })?;
    let damaged = |message: String| TableError::Damaged {
        path: path.to_owned(),
        message,
    };
    let mut reader = ParquetReader::new(file);
    let rows = reader.num_rows().map_err(|e| damaged(e.to_string()))?;
    if rows > MAX_TABLE_ROWS {
        return Err(damaged(format!(
            "it claims {} rows, more than the {} a table file may hold",
            crate::text::thousands(rows as u64),
            crate::text::thousands(MAX_TABLE_ROWS as u64)
        )));
    }
    reader.finish().map_err(|e| damaged(e.to_string()))
}

/// A CSV table a report wrote (`tables/*.csv`, a header row, values as polars writes them),
/// every column read as text: what `report --previous` compares with.
pub fn read_report_csv(path: &Path) -> Result<DataFrame, TableError> {
    crate::store::check_regular(path).map_err(|source| TableError::Io {
        path: path.to_owned(),
        source,
    })?;
    let frame = polars_io::csv::read::CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()?;
    Ok(frame)
}

/// Writes `df` in `format`; CSV text cells are neutralised for spreadsheets, and CSV is written
/// in `csv`'s style.
pub fn write_as(
    df: &mut DataFrame,
    format: Format,
    csv: CsvStyle,
    out: impl Write,
) -> Result<(), TableError> {
    match format {
        Format::Parquet => write_parquet(df, out),
        Format::Csv => write_csv(df, csv, out),
        Format::Json => {
            JsonWriter::new(out)
                .with_json_format(JsonFormat::Json)
                .finish(df)?;
            Ok(())
        }
    }
}

pub use crate::text::neutralise_cell;

fn neutralise_for_spreadsheet(df: &DataFrame) -> Result<DataFrame, TableError> {
    let columns = df
        .columns()
        .iter()
        .map(|c| -> Result<Column, TableError> {
            // Headers too: a wide table's columns are names from the data (languages), and a
            // dataset is input like any other.
            let name: PlSmallStr = neutralise_cell(c.name()).as_ref().into();
            if c.dtype() != &DataType::String {
                return Ok(c.clone().with_name(name));
            }
            let safe: StringChunked = c.str()?.iter().map(|v| v.map(neutralise_cell)).collect();
            Ok(safe.with_name(name).into_column())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DataFrame::new(df.height(), columns)?)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_table_file_of_too_many_rows_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.parquet");
        let n = MAX_TABLE_ROWS + 1;
        let mut df = DataFrame::new(n, vec![Column::new("a".into(), vec![false; n])]).unwrap();
        let file = std::fs::File::create(&path).unwrap();
        ParquetWriter::new(file).finish(&mut df).unwrap();
        drop(df);
        // A few hundred kilobytes of Parquet for twenty million rows.
        assert!(std::fs::metadata(&path).unwrap().len() < 10 << 20);
        let err = read_parquet(&path).unwrap_err().to_string();
        assert!(err.contains("20,000,001 rows"), "{err}");
    }

    use super::*;

    #[test]
    fn text_tables_never_quote_strings() {
        let df = DataFrame::new(
            1,
            vec![
                Column::new("repo".into(), ["git"]),
                Column::new("n".into(), [1u32]),
            ],
        )
        .unwrap();
        let mut sql = polars::sql::SQLContext::new();
        sql.register("t", df.lazy());
        let owned = sql
            .execute("SELECT repo, CASE WHEN n > 0 THEN 'yes' ELSE 'no' END AS made FROM t")
            .unwrap()
            .collect()
            .unwrap();
        let text = render_text(&owned);
        assert!(!text.contains('"'), "{text}");
        assert!(text.lines().nth(1).unwrap().starts_with("git"), "{text}");
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let mut df = DataFrame::new(
            3,
            vec![
                Column::new("author".into(), ["=cmd|' /C calc'!A0", "@x", "plain"]),
                Column::new("n".into(), [-1i64, 2, 3]),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        write_as(&mut df, Format::Csv, Default::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "author,n");
        assert_eq!(lines[1], "'=cmd|' /C calc'!A0,-1");
        assert_eq!(lines[2], "'@x,2");
        assert_eq!(lines[3], "plain,3");
    }
}
