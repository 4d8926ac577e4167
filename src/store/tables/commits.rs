//! `commits` (every reachable commit with its identity, dates and churn), the internal `walk`
//! state (the walked commit graph, which lets a later run walk only new commits) and the
//! internal `release_churn` (the churn of release branches' commits off the analysed ref, which
//! lets a later run diff only their new commits).

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{
    col, datetime_column, need, oid_at, optional, raw_oid_at, repo_column, required, str_col,
    Table, TableDef, TableError,
};
use crate::mine::activity::is_plausible;
use crate::mine::git::evidence::Evidence;
use crate::mine::git::History;

pub const COMMITS: TableDef = TableDef {
    name: "commits",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::COMMIT, Kind::Oid),
        required(col::AUTHOR_TIME, Kind::Datetime),
        required(col::COMMITTER_TIME, Kind::Datetime),
        required(col::AUTHOR, Kind::Str),
        required(col::PARENTS, Kind::U32),
        required(col::IS_MERGE, Kind::Bool),
        required(col::IS_BOT, Kind::Bool),
        required(col::PLAUSIBLE_DATE, Kind::Bool),
        // Empty for merges, and without churn (`--activity-only`).
        optional(col::LINES_ADDED, Kind::U64),
        optional(col::LINES_REMOVED, Kind::U64),
        optional(col::FILES_CHANGED, Kind::U32),
        // A `gpgsig` header (not verified).
        required(col::SIGNED, Kind::Bool),
        // A Reviewed-by, Acked-by or Reviewed-on trailer, or a Differential Revision line.
        required(col::REVIEWED, Kind::Bool),
        // A GitHub "Merge pull request #N" or GitLab "See merge request" merge.
        required(col::PR_MERGE, Kind::Bool),
        // Advisory ids the message mentions (CVE, GHSA, XSA), space-separated.
        required(col::ADVISORIES, Kind::Str),
        // Commit ids named by Fixes: trailers, space-separated.
        required(col::FIXES, Kind::Str),
    ],
};

pub const WALK: TableDef = TableDef {
    name: "walk",
    public: false,
    schema: &[
        // Ids as raw bytes: at the Linux kernel's size hex made this table twice as large
        // (186 MB) and its writing and reading a second each.
        required(col::COMMIT, Kind::RawOid),
        required(col::TREE, Kind::RawOid),
        required(col::PARENT_IDS, Kind::RawOids),
        // Unix seconds.
        required(col::AUTHOR_TIME, Kind::I64),
        required(col::COMMITTER_TIME, Kind::I64),
        required(col::AUTHOR, Kind::Str),
        required(col::IS_BOT, Kind::Bool),
        required(col::IN_SCOPE, Kind::Bool),
        required(col::MALFORMED, Kind::U32),
        optional(col::LINES_ADDED, Kind::U64),
        optional(col::LINES_REMOVED, Kind::U64),
        optional(col::FILES_CHANGED, Kind::U32),
        // Lines added and removed per class: ten numbers (see `ClassLines::to_text`).
        optional(col::CLASS_LINES, Kind::Str),
        // Review, signing and merge flags and the co-author count (see `Evidence::flags`).
        required(col::EVIDENCE, Kind::U32),
        required(col::ADVISORIES, Kind::Str),
        required(col::FIXES, Kind::Str),
        // Co-authors' identities, separated by new lines.
        required(col::CO_AUTHORS, Kind::Str),
    ],
};

pub const RELEASE_CHURN: TableDef = TableDef {
    name: "release_churn",
    public: false,
    schema: &[
        required(col::COMMIT, Kind::Oid),
        required(col::LINES_ADDED, Kind::U64),
        required(col::LINES_REMOVED, Kind::U64),
        required(col::FILES_CHANGED, Kind::U32),
        required(col::CLASS_LINES, Kind::Str),
    ],
};

/// The churn of the commits of `off_ref` (release branches off the analysed ref) that have one.
pub fn release_churn_frame(off_ref: &History) -> Result<DataFrame, TableError> {
    let rows: Vec<(String, crate::mine::churn::Churn)> = off_ref
        .commits
        .iter()
        .filter_map(|c| Some((c.id.to_string(), c.churn?)))
        .collect();
    let columns = vec![
        Column::new(
            col::COMMIT.into(),
            rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            col::LINES_ADDED.into(),
            rows.iter().map(|r| r.1.lines_added).collect::<Vec<_>>(),
        ),
        Column::new(
            col::LINES_REMOVED.into(),
            rows.iter().map(|r| r.1.lines_removed).collect::<Vec<_>>(),
        ),
        Column::new(
            col::FILES_CHANGED.into(),
            rows.iter().map(|r| r.1.files_changed).collect::<Vec<_>>(),
        ),
        Column::new(
            col::CLASS_LINES.into(),
            rows.iter()
                .map(|r| r.1.classes.to_text())
                .collect::<Vec<_>>(),
        ),
    ];
    schema::frame(Table::ReleaseChurn, rows.len(), columns)
}

/// The stored churn of release branches' commits, by commit.
pub fn release_churn_from_frame(
    df: &DataFrame,
) -> Result<gix::hashtable::HashMap<gix::ObjectId, crate::mine::churn::Churn>, TableError> {
    let t = Table::ReleaseChurn;
    let commit = str_col(df, col::COMMIT)?;
    let lines_added = df.column(col::LINES_ADDED)?.u64()?;
    let lines_removed = df.column(col::LINES_REMOVED)?.u64()?;
    let files_changed = df.column(col::FILES_CHANGED)?.u32()?;
    let class_lines = str_col(df, col::CLASS_LINES)?;
    let mut out = gix::hashtable::HashMap::default();
    for i in 0..df.height() {
        let classes = need(t, col::CLASS_LINES, i, class_lines.get(i))?;
        let churn = crate::mine::churn::Churn {
            lines_added: need(t, col::LINES_ADDED, i, lines_added.get(i))?,
            lines_removed: need(t, col::LINES_REMOVED, i, lines_removed.get(i))?,
            files_changed: need(t, col::FILES_CHANGED, i, files_changed.get(i))?,
            classes: need(
                t,
                col::CLASS_LINES,
                i,
                crate::mine::class::ClassLines::from_text(classes),
            )?,
        };
        out.insert(oid_at(t, col::COMMIT, i, commit.get(i))?, churn);
    }
    Ok(out)
}

/// A nullable churn count per commit (null for merges).
fn churn_column<'a>(
    name: &str,
    commits: impl Iterator<Item = &'a crate::mine::git::CommitInfo>,
    f: fn(&crate::mine::churn::Churn) -> u64,
) -> Column {
    Column::new(
        name.into(),
        commits
            .map(|c| c.churn.as_ref().map(f))
            .collect::<Vec<Option<u64>>>(),
    )
}

/// A flag of each commit's evidence.
fn flag_column<'a>(
    name: &str,
    commits: impl Iterator<Item = &'a crate::mine::git::CommitInfo>,
    f: fn(&Evidence) -> bool,
) -> Column {
    Column::new(
        name.into(),
        commits.map(|c| f(&c.evidence)).collect::<Vec<bool>>(),
    )
}

/// A list of each commit's evidence, space-separated.
fn list_column<'a>(
    name: &str,
    commits: impl Iterator<Item = &'a crate::mine::git::CommitInfo>,
    f: fn(&Evidence) -> &Vec<String>,
) -> Column {
    Column::new(
        name.into(),
        commits
            .map(|c| f(&c.evidence).join(" "))
            .collect::<Vec<String>>(),
    )
}

/// One row per reachable commit, sorted by author time then id.
pub fn commits_frame(repo: &str, history: &History, now: i64) -> Result<DataFrame, TableError> {
    let mut commits: Vec<_> = history.commits.iter().collect();
    commits.sort_by_key(|c| (c.author_time, c.id));
    let n = commits.len();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            col::COMMIT.into(),
            commits.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(),
        ),
        datetime_column(
            col::AUTHOR_TIME,
            commits.iter().map(|c| c.author_time).collect(),
        ),
        datetime_column(
            col::COMMITTER_TIME,
            commits.iter().map(|c| c.committer_time).collect(),
        ),
        Column::new(
            col::AUTHOR.into(),
            commits
                .iter()
                .map(|c| history.identities[c.author as usize].as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::PARENTS.into(),
            commits
                .iter()
                .map(|c| c.parents.len() as u32)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::IS_MERGE.into(),
            commits
                .iter()
                .map(|c| c.parents.len() > 1)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::IS_BOT.into(),
            commits.iter().map(|c| c.is_bot).collect::<Vec<_>>(),
        ),
        Column::new(
            col::PLAUSIBLE_DATE.into(),
            commits
                .iter()
                .map(|c| is_plausible(c.author_time, now))
                .collect::<Vec<_>>(),
        ),
        churn_column(col::LINES_ADDED, commits.iter().copied(), |c| c.lines_added),
        churn_column(col::LINES_REMOVED, commits.iter().copied(), |c| {
            c.lines_removed
        }),
        Column::new(
            col::FILES_CHANGED.into(),
            commits
                .iter()
                .map(|c| c.churn.map(|c| c.files_changed))
                .collect::<Vec<Option<u32>>>(),
        ),
        flag_column(col::SIGNED, commits.iter().copied(), |e| e.signed),
        flag_column(col::REVIEWED, commits.iter().copied(), |e| e.reviewed),
        flag_column(col::PR_MERGE, commits.iter().copied(), |e| e.pr_merge),
        list_column(col::ADVISORIES, commits.iter().copied(), |e| &e.advisories),
        list_column(col::FIXES, commits.iter().copied(), |e| &e.fixes),
    ];
    schema::frame(Table::Commits, n, columns)
}

/// The walk state: every walked commit (in scope or not) with its tree, parents, times as Unix
/// seconds, resolved identity, bot flag and scope flag.
pub fn walk_frame(history: &History, in_scope: &[bool]) -> Result<DataFrame, TableError> {
    let c = &history.commits;
    let n = c.len();
    let columns = vec![
        raw_column(col::COMMIT, c.iter().map(|c| c.id.as_bytes())),
        raw_column(col::TREE, c.iter().map(|c| c.tree.as_bytes())),
        raw_column(
            col::PARENT_IDS,
            c.iter().map(|c| {
                c.parents
                    .iter()
                    .flat_map(|p| p.as_bytes().iter().copied())
                    .collect::<Vec<u8>>()
            }),
        ),
        Column::new(
            col::AUTHOR_TIME.into(),
            c.iter().map(|c| c.author_time).collect::<Vec<_>>(),
        ),
        Column::new(
            col::COMMITTER_TIME.into(),
            c.iter().map(|c| c.committer_time).collect::<Vec<_>>(),
        ),
        Column::new(
            col::AUTHOR.into(),
            c.iter()
                .map(|c| history.identities[c.author as usize].as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::IS_BOT.into(),
            c.iter().map(|c| c.is_bot).collect::<Vec<_>>(),
        ),
        Column::new(col::IN_SCOPE.into(), in_scope.to_vec()),
        Column::new(
            col::MALFORMED.into(),
            c.iter().map(|c| u32::from(c.malformed)).collect::<Vec<_>>(),
        ),
        churn_column(col::LINES_ADDED, c.iter(), |c| c.lines_added),
        churn_column(col::LINES_REMOVED, c.iter(), |c| c.lines_removed),
        Column::new(
            col::FILES_CHANGED.into(),
            c.iter()
                .map(|c| c.churn.map(|c| c.files_changed))
                .collect::<Vec<Option<u32>>>(),
        ),
        Column::new(
            col::CLASS_LINES.into(),
            c.iter()
                .map(|c| c.churn.map(|c| c.classes.to_text()))
                .collect::<Vec<Option<String>>>(),
        ),
        Column::new(
            col::EVIDENCE.into(),
            c.iter().map(|c| c.evidence.flags()).collect::<Vec<u32>>(),
        ),
        list_column(col::ADVISORIES, c.iter(), |e| &e.advisories),
        list_column(col::FIXES, c.iter(), |e| &e.fixes),
        Column::new(
            col::CO_AUTHORS.into(),
            c.iter()
                .map(|c| {
                    let names = c
                        .co_authors
                        .iter()
                        .map(|&i| history.identities[i as usize].as_str());
                    names.collect::<Vec<_>>().join("\n")
                })
                .collect::<Vec<String>>(),
        ),
    ];
    schema::frame(Table::Walk, n, columns)
}

/// A column of raw bytes (object ids, or several one after another).
fn raw_column<B: AsRef<[u8]>>(name: &str, cells: impl Iterator<Item = B>) -> Column {
    BinaryChunked::from_iter_values(name.into(), cells)
        .into_series()
        .into()
}

/// Reads the walk state back: the history and each commit's scope flag.
pub fn walk_from_frame(df: &DataFrame) -> Result<(History, Vec<bool>), TableError> {
    let t = Table::Walk;
    let (commit, tree, parents) = (
        df.column(col::COMMIT)?.binary()?,
        df.column(col::TREE)?.binary()?,
        df.column(col::PARENT_IDS)?.binary()?,
    );
    let author_time = df.column(col::AUTHOR_TIME)?.i64()?;
    let committer_time = df.column(col::COMMITTER_TIME)?.i64()?;
    let author = str_col(df, col::AUTHOR)?;
    let is_bot = df.column(col::IS_BOT)?.bool()?;
    let in_scope = df.column(col::IN_SCOPE)?.bool()?;
    let malformed = df.column(col::MALFORMED)?.u32()?;
    let lines_added = df.column(col::LINES_ADDED)?.u64()?;
    let lines_removed = df.column(col::LINES_REMOVED)?.u64()?;
    let files_changed = df.column(col::FILES_CHANGED)?.u32()?;
    let class_lines = str_col(df, col::CLASS_LINES)?;
    let evidence = df.column(col::EVIDENCE)?.u32()?;
    let (advisories, fixes) = (str_col(df, col::ADVISORIES)?, str_col(df, col::FIXES)?);
    let co_authors = str_col(df, col::CO_AUTHORS)?;
    let mut history = History::default();
    let mut identities: std::collections::HashMap<String, u32> = Default::default();
    let mut flags = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let a = need(t, col::AUTHOR, i, author.get(i))?;
        let mut intern = |name: &str| {
            *identities.entry(name.to_string()).or_insert_with(|| {
                history.identities.push(name.to_string());
                (history.identities.len() - 1) as u32
            })
        };
        let index = intern(a);
        let co: Vec<u32> = need(t, col::CO_AUTHORS, i, co_authors.get(i))?
            .split('\n')
            .filter(|n| !n.is_empty())
            .map(&mut intern)
            .collect();
        let parent_ids = need(t, col::PARENT_IDS, i, parents.get(i))?
            .chunks(20)
            .map(|p| raw_oid_at(t, col::PARENT_IDS, i, Some(p)))
            .collect::<Result<Vec<_>, _>>()?;
        let classes = class_lines
            .get(i)
            .map(crate::mine::class::ClassLines::from_text);
        let churn = match (
            lines_added.get(i),
            lines_removed.get(i),
            files_changed.get(i),
            classes,
        ) {
            (Some(lines_added), Some(lines_removed), Some(files_changed), Some(classes)) => {
                Some(crate::mine::churn::Churn {
                    lines_added,
                    lines_removed,
                    files_changed,
                    classes: need(t, col::CLASS_LINES, i, classes)?,
                })
            }
            _ => None,
        };
        history.commits.push(crate::mine::git::CommitInfo {
            id: raw_oid_at(t, col::COMMIT, i, commit.get(i))?,
            tree: raw_oid_at(t, col::TREE, i, tree.get(i))?,
            parents: parent_ids,
            author_time: need(t, col::AUTHOR_TIME, i, author_time.get(i))?,
            committer_time: need(t, col::COMMITTER_TIME, i, committer_time.get(i))?,
            author: index,
            is_bot: need(t, col::IS_BOT, i, is_bot.get(i))?,
            malformed: need(t, col::MALFORMED, i, malformed.get(i))?.min(255) as u8,
            churn,
            evidence: Evidence::from_parts(
                need(t, col::EVIDENCE, i, evidence.get(i))?,
                need(t, col::ADVISORIES, i, advisories.get(i))?,
                need(t, col::FIXES, i, fixes.get(i))?,
            ),
            co_authors: co,
        });
        flags.push(need(t, col::IN_SCOPE, i, in_scope.get(i))?);
    }
    Ok((history, flags))
}
