//! `temper dataset`: a shareable copy of a store's aggregate tables.
//!
//! A dataset is a store that holds only tables of counts: `activity`, `loc`, `age`,
//! `data_quality`, `snapshots` and `language_commits` (commit ids and line counts) of each
//! repository, and its summary (figures only). The
//! `commits` table (author identities) and the internal state (`walk`, `blob_counts`,
//! `line_ages`) stay behind, so a dataset names no person and no e-mail address. Because it is a
//! store, everything that reads a store (`query`, `chart`, `export`) reads a dataset the same
//! way. Each repository's metadata records its provenance: where it came from (`--origin`, not
//! the local path it was mined from), the commit, the time of analysis and the temper version;
//! `PROVENANCE.md` lists the same for people, with the command that made the dataset.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::store::tables::{self, Table};
use crate::store::{RepoMeta, Store, StoreError};

/// Whether a dataset keeps `table`: every public table but `commits`, which names people.
fn is_shared(table: Table) -> bool {
    table != Table::Commits && table.def().public
}

/// Commits kept per month, language and class in a dataset's `language_commits`: the report
/// names the three biggest of a jump's months and class, which are always among each month's
/// three biggest.
const LANGUAGE_COMMITS_PER_MONTH: usize = 3;

/// The `LANGUAGE_COMMITS_PER_MONTH` commits that changed most lines (added + removed) of each
/// month, language and class, biggest first (ties: the greater commit id, as the report's query
/// ranks them).
fn top_language_commits(
    repo: &str,
    df: &polars::prelude::DataFrame,
) -> Result<polars::prelude::DataFrame, StoreError> {
    type Group = (crate::month::Month, String, crate::mine::class::Class);
    let mut groups: BTreeMap<Group, Vec<tables::LanguageCommit>> = BTreeMap::new();
    for row in tables::language_commits_from_frame(df)? {
        groups
            .entry((row.month, row.language.clone(), row.class))
            .or_default()
            .push(row);
    }
    let mut kept = Vec::new();
    for mut rows in groups.into_values() {
        rows.sort_by(|a, b| {
            (b.lines_added + b.lines_removed, &b.commit)
                .cmp(&(a.lines_added + a.lines_removed, &a.commit))
        });
        rows.truncate(LANGUAGE_COMMITS_PER_MONTH);
        kept.extend(rows);
    }
    Ok(tables::language_commits_frame(repo, &kept)?)
}

/// Resolved options for `dataset`.
#[derive(Debug, Clone)]
pub struct DatasetOptions {
    /// The store to copy from (`--store`, else the default store).
    pub store: PathBuf,
    /// The dataset directory to write (`--out`), created if needed.
    pub out: PathBuf,
    /// Repositories to copy; all when empty.
    pub repos: Vec<String>,
    /// Where each repository can be found (name -> URL), recorded as its source.
    pub origins: BTreeMap<String, String>,
    /// The command line, for the provenance file.
    pub command: String,
    /// How the dataset is laid out on disk.
    pub layout: Layout,
}

/// A dataset's layout on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// A store of aggregate tables: every temper command reads it like a store.
    Store,
    /// Hive-partitioned Parquet, `TABLE/repo=NAME/part-0.parquet`, that DuckDB, polars, Spark,
    /// Trino or Athena read directly; `_SUCCESS` is written last.
    Hive,
}

/// Why a dataset could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The store could not be read, or the dataset (a store) written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An `--origin` names a repository that is not being copied.
    #[error("--origin {0}: no repository of that name is being copied")]
    UnknownOrigin(String),
    /// The dataset directory is, lies inside or holds a store.
    #[error("--out {}: {reason}; write the dataset to a directory of its own", .out.display())]
    Overlap {
        /// The dataset directory, as given (`--out`).
        out: PathBuf,
        /// How it overlaps: it lies inside a store, or holds the one copied from.
        reason: String,
    },
    /// A Hive-layout dataset has no `_SUCCESS` marker: still being written, or interrupted.
    #[error("{}: a Hive-layout dataset without its _SUCCESS marker (still being written, or interrupted); write it again", .0.display())]
    Incomplete(PathBuf),
    /// Another `temper dataset` is writing into the folder (it holds the folder's lock).
    #[error("{}: another `temper dataset` is writing into this folder; wait for it, or write to a folder of its own", .0.display())]
    Busy(PathBuf),
    /// A file or directory could not be read or written.
    #[error("{}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// A repository's `meta.json` could not be made, or does not parse.
    #[error("{}", .path.display())]
    Meta {
        /// The `meta.json` file (or, when writing, its directory).
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// A table could not be read, or made into a partition.
    #[error(transparent)]
    Table(#[from] tables::TableError),
}

/// Copies the shared tables of the chosen repositories into the dataset at `options.out`
/// (created if needed; a repository already there is replaced). Returns the names copied.
pub fn write(options: &DatasetOptions) -> Result<Vec<String>, DatasetError> {
    let store = Store::open(&options.store)?;
    check_out(options)?;
    let metas: Vec<RepoMeta> = store
        .repos()?
        .into_iter()
        .filter(|m| options.repos.is_empty() || options.repos.contains(&m.name))
        .collect();
    // An empty store (a fleet shard that drew no project) makes an empty dataset: a report over
    // every shard's dataset then reads it as nothing rather than failing.
    for name in &options.repos {
        if !metas.iter().any(|m| &m.name == name) {
            return Err(store.not_here(name).into());
        }
    }
    if let Some(name) = options
        .origins
        .keys()
        .find(|n| !metas.iter().any(|m| &m.name == *n))
    {
        return Err(DatasetError::UnknownOrigin(name.clone()));
    }
    let mut repos = Vec::new();
    for meta in metas {
        let mut frames = Vec::new();
        for table in Table::public().filter(|t| is_shared(*t)) {
            if let Some((_, df)) = store.load_optional(&meta.name, table)? {
                let df = match table {
                    Table::LanguageCommits => top_language_commits(&meta.name, &df)?,
                    _ => df,
                };
                frames.push((table, df));
            }
        }
        let shared = RepoMeta {
            source: options
                .origins
                .get(&meta.name)
                .cloned()
                .unwrap_or_else(|| "(not recorded)".to_string()),
            // The inputs fingerprint and the resumable state describe the miner's store only;
            // a dataset keeps whether lines were counted (an `--activity-only` project has no
            // line tables, which its readers must know).
            inputs: String::new(),
            activity_only: meta.mined_activity_only(),
            walk_key: String::new(),
            churn_key: String::new(),
            walk_problems: Default::default(),
            loc_problems: Default::default(),
            loc_ignored_attributes: Default::default(),
            age_key: String::new(),
            licence_key: String::new(),
            licence_tip: String::new(),
            licence_links: 0,
            licence_now: 0,
            age_tip: String::new(),
            age_applied: 0,
            ..meta.clone()
        };
        repos.push((shared, frames));
    }
    let names: Vec<String> = repos.iter().map(|(m, _)| m.name.clone()).collect();
    // One writer at a time per folder: two at once would mix their partitions and markers.
    let _lock;
    let metas: Vec<RepoMeta> = match options.layout {
        Layout::Store => {
            let dataset = Store::create(&options.out)?;
            _lock = DatasetLock::Store(dataset.lock().map_err(|e| match e {
                StoreError::Locked(dir) => DatasetError::Busy(dir),
                other => other.into(),
            })?);
            for (meta, mut frames) in repos {
                dataset.save_repo(&meta, &mut frames, &[])?;
            }
            dataset.repos()?
        }
        Layout::Hive => {
            _lock = DatasetLock::Hive(lock_hive(&options.out)?);
            write_hive(&options.out, repos)?
        }
    };
    let provenance = provenance(&metas, &options.command);
    crate::store::atomic_write(&options.out.join("PROVENANCE.md"), |w| {
        w.write_all(provenance.as_bytes())
    })?;
    if options.layout == Layout::Hive {
        // Last: readers take the folder as complete once this exists.
        let done = HiveDone {
            format: crate::store::FORMAT_VERSION,
            schema_version: tables::REVISION,
            repos: &names,
        };
        let text = serde_json::to_vec(&done).expect("plain fields serialise");
        crate::store::atomic_write(&options.out.join(SUCCESS), |w| w.write_all(&text))?;
    }
    Ok(names)
}

/// The `_SUCCESS` marker of a Hive-layout dataset, written last: a contract for the scripts and
/// engines that read the folder (see `docs/fleets.md`).
#[derive(serde::Serialize)]
struct HiveDone<'a> {
    /// The store format the metadata files follow.
    format: u32,
    /// The tables' schema revision (each partition's `schema_version` column).
    schema_version: u32,
    /// The projects in the folder.
    repos: &'a [String],
}

/// What keeps a second writer out of a dataset folder while this one writes.
enum DatasetLock {
    Store(#[allow(dead_code)] crate::store::StoreLock),
    Hive(#[allow(dead_code)] std::fs::File),
}

/// The lock of a Hive-layout dataset folder (`.temper-dataset.lock`, beside the partitions).
fn lock_hive(out: &std::path::Path) -> Result<std::fs::File, DatasetError> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    let path = out.join(".temper-dataset.lock");
    if path.exists() {
        crate::store::check_regular(&path).map_err(io(&path))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(DatasetError::Busy(out.to_path_buf())),
        Err(std::fs::TryLockError::Error(source)) => Err(DatasetError::Io { path, source }),
    }
}

/// An I/O error at `path`.
fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> DatasetError {
    let path = path.to_path_buf();
    move |source| DatasetError::Io { path, source }
}

/// The marker a Hive-layout dataset's writer puts last.
const SUCCESS: &str = "_SUCCESS";
/// Where a Hive-layout dataset keeps each repository's metadata: `_meta/repo=NAME/meta.json`.
const META_DIR: &str = "_meta";

/// Whether `dir` holds a Hive-layout dataset (complete or not).
pub fn is_hive(dir: &std::path::Path) -> bool {
    dir.join(META_DIR).is_dir() || dir.join(SUCCESS).is_file()
}

/// A partition directory: `repo=NAME`, the name made safe for a path as the store makes it.
fn partition(name: &str) -> String {
    format!("repo={}", crate::store::dir_name(name))
}

/// Writes each repository's tables as Hive partitions into `out` (its earlier partitions of
/// tables it no longer has are removed); returns the metadata written, by name.
fn write_hive(
    out: &std::path::Path,
    repos: Vec<(RepoMeta, Vec<(Table, polars::prelude::DataFrame)>)>,
) -> Result<Vec<RepoMeta>, DatasetError> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    let success = out.join(SUCCESS);
    if success.exists() {
        std::fs::remove_file(&success).map_err(io(&success))?;
    }
    let mut metas = Vec::new();
    for (meta, frames) in repos {
        let part = partition(&meta.name);
        for table in Table::public().filter(|t| is_shared(*t)) {
            let dir = out.join(table.name()).join(&part);
            match frames.iter().find(|(t, _)| *t == table) {
                Some((_, df)) => {
                    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
                    let mut file = tables::hive::to_partition(df, tables::REVISION)?;
                    crate::store::atomic_write(&dir.join("part-0.parquet"), |w| {
                        tables::write_as(&mut file, tables::Format::Parquet, Default::default(), w)
                            .map_err(std::io::Error::other)
                    })?;
                }
                None if dir.exists() => std::fs::remove_dir_all(&dir).map_err(io(&dir))?,
                None => {}
            }
        }
        let dir = out.join(META_DIR).join(&part);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let text = serde_json::to_vec_pretty(&meta).map_err(|source| DatasetError::Meta {
            path: dir.clone(),
            source,
        })?;
        crate::store::atomic_write(&dir.join("meta.json"), |w| w.write_all(&text))?;
        metas.push(meta);
    }
    metas.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(metas)
}

/// Copies every repository of the complete Hive-layout dataset at `source` into `target` (as a
/// report reads it), or with `only` non-empty just those; returns their names.
pub fn hive_into(
    source: &std::path::Path,
    target: &Store,
    only: &[String],
) -> Result<Vec<String>, DatasetError> {
    if !source.join(SUCCESS).is_file() {
        return Err(DatasetError::Incomplete(source.to_path_buf()));
    }
    let meta_dir = source.join(META_DIR);
    // A complete dataset of a shard that drew no project has no metadata folder: it holds none.
    if !meta_dir.exists() {
        return Ok(Vec::new());
    }
    let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(&meta_dir)
        .map_err(io(&meta_dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io(&meta_dir))?;
    entries.sort();
    let mut names = Vec::new();
    for dir in entries {
        let path = dir.join("meta.json");
        let text = crate::store::read_regular(&path).map_err(io(&path))?;
        let meta: RepoMeta =
            serde_json::from_slice(&text).map_err(|source| DatasetError::Meta {
                path: path.clone(),
                source,
            })?;
        if !only.is_empty() && !only.contains(&meta.name) {
            continue;
        }
        if target.meta(&meta.name)?.is_some() {
            return Err(StoreError::NameInTwo {
                name: meta.name,
                first: target.root().to_path_buf(),
                second: source.to_path_buf(),
            }
            .into());
        }
        let part = partition(&meta.name);
        let mut frames = Vec::new();
        for table in Table::public().filter(|t| is_shared(*t)) {
            let file = source.join(table.name()).join(&part).join("part-0.parquet");
            if file.is_file() {
                let df = tables::hive::from_partition(table, &meta.name, &file, tables::REVISION)?;
                frames.push((table, df));
            }
        }
        target.save_repo(&meta, &mut frames, &[])?;
        names.push(meta.name);
    }
    Ok(names)
}

use std::io::Write;

/// Refuses, before anything is written, an `--out` that would overwrite a store: the store
/// itself, a place inside it or inside any other store, or a directory holding the store. An
/// existing dataset (it has `PROVENANCE.md`) may be written again.
fn check_out(options: &DatasetOptions) -> Result<(), DatasetError> {
    let out = crate::store::resolved(&options.out);
    let store = crate::store::resolved(&options.store);
    let overlap = |reason: String| DatasetError::Overlap {
        out: options.out.clone(),
        reason,
    };
    if out.starts_with(&store) {
        return Err(overlap(format!(
            "is or lies inside the store {}",
            options.store.display()
        )));
    }
    if store.starts_with(&out) {
        return Err(overlap(format!(
            "holds the store {}",
            options.store.display()
        )));
    }
    if let Some(enclosing) = crate::store::enclosing_store(&out) {
        if enclosing != out || !out.join("PROVENANCE.md").is_file() {
            return Err(overlap(format!(
                "is or lies inside the temper store {}",
                enclosing.display()
            )));
        }
    }
    Ok(())
}

/// The provenance file: one row per repository in the dataset.
fn provenance(metas: &[RepoMeta], command: &str) -> String {
    let mut out = String::from(
        "# Provenance\n\nAggregate tables mined by temper (counts only: no names, no e-mail addresses).\n\n\
         | repository | source | ref | commit | scope | class rules | analysed (UTC) | temper |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for m in metas {
        let when = chrono::DateTime::from_timestamp(m.analysed_at, 0).map_or_else(
            || m.analysed_at.to_string(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        );
        let or_default = |text: &str, default: &str| match text.is_empty() {
            true => default.to_string(),
            false => crate::text::markdown(text),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            crate::text::markdown(&m.name),
            crate::text::markdown(&m.source),
            crate::text::markdown(&m.reference),
            m.tip,
            or_default(&m.scope, "whole tree"),
            or_default(&m.classes, "built-in"),
            when,
            m.temper_version
        ));
    }
    // An indented code block: shown literally, one line.
    let command: String = command
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    out.push_str(&format!("\nMade with:\n\n    {command}\n"));
    out.push_str(
        "\nA report from this dataset is as of the month of its newest data (the latest last \
         commit, or recorded fetch, among the repositories above), whenever it is made, unless \
         `temper report --as-of YYYY-MM` says otherwise.\n",
    );
    out
}
