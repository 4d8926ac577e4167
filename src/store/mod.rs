//! The on-disk store: versioned, written atomically, shared by every command.
//!
//! Layout:
//!
//! ```text
//! STORE/temper-store.json          {"format": 1}: refuses stores of another format
//! STORE/repos/<dir>/CURRENT        name of the live generation, replaced by rename
//! STORE/repos/<dir>/g000007/       meta.json + one Parquet file per table
//! ```
//!
//! A repository's tables are written into a fresh generation directory, flushed, and only then
//! made live by atomically replacing `CURRENT`. A run interrupted at any point leaves the previous
//! generation live and complete; leftovers are removed by the next successful write. `<dir>` is
//! the repository name reduced to `[A-Za-z0-9._-]` (plus a hash of the real name when that changed
//! it), so no name can reach outside the store.
//!
//! This folder owns the tables ([`tables`]: one module per table, its schema beside its writer
//! and reader, and the schema version [`tables::REVISION`]), the generations above, and shareable
//! datasets ([`dataset`]). It may import the leaves (`month`, `text`, `window`); its table
//! modules still read the row types the miner produces ([`crate::mine`]'s stage results), the one
//! edge that runs upward (see `docs/design.md`, "Layout").

pub mod dataset;
mod files;
mod meta;
mod names;
mod staged;
pub mod tables;

pub use files::{atomic_write, write_output};
pub(crate) use files::{check_regular, read_regular};
use files::{link_tree, sync_dir, write_synced};
pub use meta::{listing, Listed, RepoMeta};
use names::legacy_dir_name;
pub use names::{check_name, dir_name, NAME_MAX_CHARS};
pub use staged::Staged;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use tables::{Table, TableError};

/// Bumped whenever a stored table's columns or meaning change.
pub const FORMAT_VERSION: u32 = 1;
const MARKER: &str = "temper-store.json";
const CURRENT: &str = "CURRENT";
const META: &str = "meta.json";

/// Why the store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file or directory of the store could not be read or written.
    #[error("{}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// The directory holds no store (no `temper-store.json`).
    #[error("{}: not a temper store (no {MARKER}); run `temper analyze` first or pass --store", .0.display())]
    NotAStore(PathBuf),
    /// A store was to be made in a non-empty directory that is not one.
    #[error("{}: refusing to use a non-empty directory that is not a temper store", .0.display())]
    ForeignDirectory(PathBuf),
    /// The store is of another format than [`FORMAT_VERSION`].
    #[error("{}: store format {found}, this temper reads format {FORMAT_VERSION}; re-run `temper analyze` into a new store", .path.display())]
    Version {
        /// The store's directory.
        path: PathBuf,
        /// The format its marker records.
        found: u32,
    },
    /// The store's marker or a repository's `meta.json` does not parse.
    #[error("{}: damaged store metadata", .path.display())]
    Meta {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A repository is not in the store (or was removed while it was read).
    #[error("no repository named '{0}' in the store")]
    UnknownRepo(String),
    /// A repository the user named is not in the store; the message lists the ones it holds.
    #[error(
        "no repository named '{}' in {}{}; it holds: {}",
        crate::text::terminal(.name, 60),
        .store.display(),
        .suggestion.as_ref().map_or(String::new(), |s| format!(" (did you mean '{}'?)", crate::text::terminal(s, 60))),
        if .known.is_empty() { "nothing".to_string() } else { .known.iter().map(|k| crate::text::terminal(k, 60)).collect::<Vec<_>>().join(", ") }
    )]
    NotInStore {
        /// The name given.
        name: String,
        /// The store's directory.
        store: PathBuf,
        /// The held name closest to it, when one is close (a typo).
        suggestion: Option<String>,
        /// Every repository the store holds, sorted by name.
        known: Vec<String>,
    },
    /// A repository name is in two of the stores or datasets being combined.
    #[error(
        "'{}' is in both {} and {}; name only the projects to compare (`temper report NAME...`), \
         or rename the project in the store that holds it (`temper mv OLD NEW --store DIR`)",
        crate::text::terminal(.name, 60),
        .first.display(),
        .second.display()
    )]
    NameInTwo {
        /// The name in both.
        name: String,
        /// The first store or dataset that holds it.
        first: PathBuf,
        /// The other one.
        second: PathBuf,
    },
    /// A stored file is not as temper wrote it (a fingerprint that differs, a `CURRENT` naming
    /// no generation).
    #[error("{}: damaged (not as temper wrote it); run `temper analyze` again to rebuild it", .0.display())]
    Damaged(PathBuf),
    /// A repository's new name is already in the store.
    #[error(
        "'{}' is already in {}; pick another name, or `temper rm` that one first",
        crate::text::terminal(.name, 60),
        .store.display()
    )]
    NameTaken {
        /// The name asked for.
        name: String,
        /// The store's directory.
        store: PathBuf,
    },
    /// A repository name breaks the name rule ([`check_name`]).
    #[error("repository name '{}': {reason}; pass another with --name (or `name` in the config)", crate::text::terminal(.name, 60))]
    BadName {
        /// The name given.
        name: String,
        /// Which part of the rule it breaks.
        reason: &'static str,
    },
    /// A line table was asked of a repository mined with `--activity-only`.
    #[error("'{repo}' was mined with --activity-only, so it has no {table} table; run `temper analyze` without --activity-only for lines of code, churn and code age")]
    NotMined {
        /// The repository.
        repo: String,
        /// The line table asked for (`loc`).
        table: &'static str,
    },
    /// A table was asked of a repository an earlier temper mined, which did not write it.
    #[error("'{repo}' was mined by an earlier temper, which did not write the {table} table; run `temper analyze` on it again")]
    OlderGeneration {
        /// The repository.
        repo: String,
        /// The table asked for.
        table: &'static str,
    },
    /// The store holds no repositories.
    #[error("the store holds no repositories yet")]
    Empty,
    /// A stored table could not be read or a new one written.
    #[error(transparent)]
    Table(#[from] TableError),
    /// Another process holds the store's lock (`temper.lock`).
    #[error("the store {} is in use by another temper run (it holds {}); try again when it has finished", .0.display(), LOCK)]
    Locked(PathBuf),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

#[derive(Serialize, Deserialize)]
struct Marker {
    format: u32,
}

/// An opened store.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// `$TEMPER_STORE`, else `$XDG_DATA_HOME/temper`, else `~/.local/share/temper`.
    pub fn default_location() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("TEMPER_STORE").filter(|v| !v.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
            return Some(PathBuf::from(dir).join("temper"));
        }
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share/temper"))
    }

    /// The store's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Opens the store at `root`, creating it if the directory is absent or empty.
    pub fn create(root: &Path) -> Result<Store, StoreError> {
        let marker = root.join(MARKER);
        if !marker.exists() {
            if root.exists() {
                // The lock file and another process's half-written marker (two runs creating
                // the same store at once) do not make a directory foreign.
                let mut entries = fs::read_dir(root).map_err(io_err(root))?;
                let foreign = entries.any(|e| {
                    e.map_or(true, |e| {
                        let name = e.file_name();
                        let name = name.to_string_lossy();
                        name != LOCK && !name.contains(".tmp-")
                    })
                });
                if foreign {
                    return Err(StoreError::ForeignDirectory(root.to_owned()));
                }
            }
            fs::create_dir_all(root).map_err(io_err(root))?;
            let text = serde_json::to_vec(&Marker {
                format: FORMAT_VERSION,
            })
            .expect("a two-field struct serialises");
            atomic_write(&marker, |w| w.write_all(&text))?;
        }
        Store::open(root)
    }

    /// Opens an existing store.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let marker = root.join(MARKER);
        let text = match read_regular(&marker) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotAStore(root.to_owned()))
            }
            Err(e) => return Err(io_err(&marker)(e)),
        };
        let found: Marker = serde_json::from_slice(&text).map_err(|source| StoreError::Meta {
            path: marker.clone(),
            source,
        })?;
        if found.format != FORMAT_VERSION {
            return Err(StoreError::Version {
                path: root.to_owned(),
                found: found.format,
            });
        }
        Ok(Store {
            root: root.to_owned(),
        })
    }

    /// The directory of repository `name`: its own ([`dir_name`]), or the one an earlier temper
    /// named when that one holds this very name (a store made before the names became
    /// one-to-one).
    fn repo_dir(&self, name: &str) -> PathBuf {
        let dir = self.repos_dir().join(dir_name(name));
        if dir.exists() {
            return dir;
        }
        let old = self.repos_dir().join(legacy_dir_name(name));
        match old != dir && holds(&old, name) {
            true => old,
            false => dir,
        }
    }

    fn repos_dir(&self) -> PathBuf {
        self.root.join("repos")
    }

    /// Replaces a repository's tables in one atomic step.
    /// Tables in `carry` are taken unchanged from the live generation (hard-linked, or copied
    /// where links are not possible) when it has them.
    pub fn save_repo(
        &self,
        meta: &RepoMeta,
        tables: &mut [(Table, DataFrame)],
        carry: &[Table],
    ) -> Result<(), StoreError> {
        let staged = self.stage_repo(&meta.name)?;
        staged.write_all(tables)?;
        staged.commit(meta, carry)
    }

    /// Begins the next generation of repository `name`: its tables are written one at a time
    /// (see [`Staged`]), and become live together or not at all.
    pub fn stage_repo(&self, name: &str) -> Result<Staged, StoreError> {
        Staged::begin(self.repo_dir(name))
    }

    /// Takes the store's lock, or fails at once with [`StoreError::Locked`] when another process
    /// holds it. The lock is an advisory `flock` on `temper.lock`, which the system releases
    /// when its holder exits, however it exits: a killed run never leaves a stale lock.
    pub fn lock(&self) -> Result<StoreLock, StoreError> {
        let path = self.root.join(LOCK);
        // A FIFO planted as the lock would block the open below.
        if path.exists() {
            check_regular(&path).map_err(io_err(&path))?;
        }
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_err(&path))?;
        match file.try_lock() {
            Ok(()) => {
                collect_garbage(&self.root);
                Ok(StoreLock { _file: file })
            }
            Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked(self.root.clone())),
            Err(fs::TryLockError::Error(source)) => Err(StoreError::Io { path, source }),
        }
    }

    /// Every repository in the store, sorted by name.
    pub fn repos(&self) -> Result<Vec<RepoMeta>, StoreError> {
        let dir = self.repos_dir();
        let mut out = Vec::new();
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(io_err(&dir)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io_err(&dir))?;
            // A repository being removed (or whose removal was interrupted) is gone.
            if entry.file_name().to_string_lossy().starts_with(".rm-") {
                continue;
            }
            // A repository whose live generation cannot be read is that repository's damage
            // ([`Store::damaged`]), never the store's: the others stay readable, and its next
            // `analyze` rebuilds it.
            if let Some(meta) = live_meta(&entry.path()) {
                out.push(meta);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        // A store of damaged repositories only says so (rather than that it is empty).
        if out.is_empty() {
            if let Some(dir) = self.damaged().first() {
                return Err(StoreError::Damaged(
                    self.repos_dir().join(dir).join(CURRENT),
                ));
            }
        }
        Ok(out)
    }

    /// The repository directories whose live generation cannot be read (a `CURRENT` naming a
    /// missing or foreign generation, unreadable metadata, a name that breaks the name rule), by
    /// directory name.
    pub fn damaged(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.repos_dir()) else {
            return Vec::new();
        };
        let mut out: Vec<String> = entries
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with(".rm-"))
            .filter(|e| e.path().join(CURRENT).exists() && live_meta(&e.path()).is_none())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        out.sort();
        out
    }

    /// The error for a repository `name` this store does not hold: it names the store, the
    /// repositories it holds, and the closest of them when one is close (a typo).
    pub fn not_here(&self, name: &str) -> StoreError {
        let known: Vec<String> = self
            .repos()
            .map(|m| m.into_iter().map(|m| m.name).collect())
            .unwrap_or_default();
        let suggestion = known
            .iter()
            .map(|k| (crate::text::edit_distance(name, k), k))
            .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
            .min()
            .map(|(_, k)| k.clone());
        StoreError::NotInStore {
            name: name.to_string(),
            store: self.root.clone(),
            suggestion,
            known,
        }
    }

    /// One repository's table ([`StoreError::NotMined`] for a line table of a repository mined
    /// with `--activity-only`).
    pub fn load(&self, repo: &str, table: Table) -> Result<DataFrame, StoreError> {
        let dir = self.repo_dir(repo);
        let generation = read_current(&dir)?.ok_or_else(|| self.not_here(repo))?;
        let path = dir.join(&generation).join(table.file_name());
        if !path.exists() {
            let meta = self.meta(repo)?;
            let activity_only = meta.is_some_and(|m| m.mined_activity_only());
            let (repo, table) = (repo.to_string(), table.name());
            return Err(match activity_only {
                true => StoreError::NotMined { repo, table },
                false => StoreError::OlderGeneration { repo, table },
            });
        }
        Ok(tables::read(table, &path)?)
    }

    /// Checks that every file of `meta`'s generation is as it was written (size and
    /// fingerprint); the first that is not is returned as an error.
    pub fn verify(&self, meta: &RepoMeta) -> Result<(), StoreError> {
        let dir = self.repo_dir(&meta.name);
        let generation =
            read_current(&dir)?.ok_or_else(|| StoreError::UnknownRepo(meta.name.clone()))?;
        let found = fingerprints(&dir.join(&generation), Default::default())?;
        for (name, expected) in &meta.files {
            if found.get(name) != Some(expected) {
                return Err(StoreError::Damaged(dir.join(&generation).join(name)));
            }
        }
        Ok(())
    }

    /// Records that `meta`'s repository was analysed again at `analysed_at`, found at `source`,
    /// with nothing to mine (its tables stand): the live generation's metadata is replaced atomically, so "now" in a
    /// report follows the last analysis, not the last change.
    pub fn touch(
        &self,
        meta: &RepoMeta,
        analysed_at: i64,
        fetched_at: Option<i64>,
        source: &str,
    ) -> Result<(), StoreError> {
        let dir = self.repo_dir(&meta.name);
        let generation =
            read_current(&dir)?.ok_or_else(|| StoreError::UnknownRepo(meta.name.clone()))?;
        let touched = RepoMeta {
            analysed_at,
            fetched_at: fetched_at.or(meta.fetched_at),
            source: source.to_string(),
            ..meta.clone()
        };
        let text = serde_json::to_vec_pretty(&touched).map_err(std::io::Error::other);
        let path = dir.join(generation).join(META);
        let text = text.map_err(io_err(&path))?;
        atomic_write(&path, |w| w.write_all(&text))
    }

    /// A store at `target` (new or empty) holding the live generation of every repository of
    /// the stores or datasets at `sources`, so one report can compare projects from several
    /// (the shipped dataset beside one's own analysis). Files are hard-linked where possible;
    /// a name in two sources is an error. With `only` non-empty, just those repositories are
    /// taken, so names outside it may be in several sources.
    pub fn union(sources: &[PathBuf], target: &Path, only: &[String]) -> Result<Store, StoreError> {
        let merged = Store::create(target)?;
        let mut seen: std::collections::BTreeMap<String, PathBuf> = Default::default();
        for source in sources {
            let store = Store::open(source)?;
            let wanted = store.repos()?.into_iter();
            for meta in wanted.filter(|m| only.is_empty() || only.contains(&m.name)) {
                if let Some(first) = seen.insert(meta.name.clone(), source.clone()) {
                    return Err(StoreError::NameInTwo {
                        name: meta.name,
                        first,
                        second: source.clone(),
                    });
                }
                let from = store.repo_dir(&meta.name);
                let generation = read_current(&from)?
                    .ok_or_else(|| StoreError::UnknownRepo(meta.name.clone()))?;
                let to = merged.repos_dir().join(dir_name(&meta.name));
                link_tree(&from.join(&generation), &to.join(&generation))?;
                fs::copy(from.join(CURRENT), to.join(CURRENT)).map_err(io_err(&to))?;
            }
        }
        Ok(merged)
    }

    /// Removes repository `name` and all its tables. The directory is first renamed out of the
    /// way (one atomic step: readers see the repository or nothing), then deleted. The caller
    /// holds the lock.
    pub fn remove(&self, name: &str) -> Result<(), StoreError> {
        let dir = self.repo_dir(name);
        if read_current(&dir)?.is_none() {
            return Err(self.not_here(name));
        }
        let gone = self
            .repos_dir()
            .join(format!(".rm-{}-{}", std::process::id(), dir_name(name)));
        fs::rename(&dir, &gone).map_err(io_err(&dir))?;
        sync_dir(&self.repos_dir());
        fs::remove_dir_all(&gone).map_err(io_err(&gone))
    }

    /// Renames repository `old` to `new`: every table is rewritten with the new name in its
    /// `repo` column into `new`'s own directory (a complete generation, as `analyze` writes one),
    /// and only then is `old` removed. An interruption leaves `old` whole (and perhaps `new`
    /// complete beside it); nothing is lost. `new` must follow the name rule and not be in the
    /// store. The caller holds the lock.
    pub fn rename(&self, old: &str, new: &str) -> Result<(), StoreError> {
        check_name(new)?;
        let Some(mut meta) = self.meta(old)? else {
            return Err(self.not_here(old));
        };
        if self.meta(new)?.is_some() {
            return Err(StoreError::NameTaken {
                name: new.to_string(),
                store: self.root.clone(),
            });
        }
        self.verify(&meta)?;
        let mut renamed = Vec::new();
        for table in Table::ALL {
            let Some((_, frame)) = self.load_optional(old, table)? else {
                continue;
            };
            renamed.push((table, tables::with_repo(frame, new)?));
        }
        meta.name = new.to_string();
        if let Some(summary) = meta.summary.as_mut() {
            summary.name = new.to_string();
        }
        self.save_repo(&meta, &mut renamed, &[])?;
        fault_point("renamed-before-removal");
        self.remove(old)
    }

    /// Removes every repository of `names`, or none when one is not in the store (the error
    /// names it). The caller holds the lock.
    pub fn remove_all(&self, names: &[String]) -> Result<(), StoreError> {
        for name in names {
            if self.meta(name)?.is_none() {
                return Err(self.not_here(name));
            }
        }
        names.iter().try_for_each(|n| self.remove(n))
    }

    /// A repository's stored metadata, if it is in the store.
    pub fn meta(&self, repo: &str) -> Result<Option<RepoMeta>, StoreError> {
        let dir = self.repo_dir(repo);
        let Some(generation) = read_current(&dir)? else {
            return Ok(None);
        };
        let path = dir.join(generation).join(META);
        // CURRENT naming a generation that is not there is damage, which `analyze` repairs.
        if !path.exists() {
            return Err(StoreError::Damaged(dir.join(CURRENT)));
        }
        let text = read_regular(&path).map_err(io_err(&path))?;
        serde_json::from_slice(&text)
            .map(Some)
            .map_err(|source| StoreError::Meta { path, source })
    }

    /// A repository's stored metadata and a table, if the repository and that table exist.
    pub fn load_optional(
        &self,
        repo: &str,
        table: Table,
    ) -> Result<Option<(RepoMeta, DataFrame)>, StoreError> {
        let dir = self.repo_dir(repo);
        let Some(generation) = read_current(&dir)? else {
            return Ok(None);
        };
        let path = dir.join(&generation).join(table.file_name());
        if !path.exists() {
            return Ok(None);
        }
        let meta_path = dir.join(generation).join(META);
        let text = read_regular(&meta_path).map_err(io_err(&meta_path))?;
        let meta: RepoMeta = serde_json::from_slice(&text).map_err(|source| StoreError::Meta {
            path: meta_path,
            source,
        })?;
        Ok(Some((meta, tables::read(table, &path)?)))
    }

    /// A table stacked over the given repositories (all when `repos` is empty).
    pub fn load_stacked(&self, table: Table, repos: &[String]) -> Result<DataFrame, StoreError> {
        let known = self.repos()?;
        if known.is_empty() {
            return Err(StoreError::Empty);
        }
        let names: Vec<String> = if repos.is_empty() {
            known.into_iter().map(|m| m.name).collect()
        } else {
            for name in repos {
                if !known.iter().any(|m| &m.name == name) {
                    return Err(StoreError::UnknownRepo(name.clone()));
                }
            }
            repos.to_vec()
        };
        let mut stacked: Option<DataFrame> = None;
        let mut not_mined = None;
        for name in &names {
            // Repositories mined with --activity-only have no line tables: the others stack.
            let df = match self.load(name, table) {
                Err(e @ StoreError::NotMined { .. }) => {
                    not_mined.get_or_insert(e);
                    continue;
                }
                other => other?,
            };
            match stacked.as_mut() {
                None => stacked = Some(df),
                Some(acc) => {
                    acc.vstack_mut_owned(df).map_err(TableError::from)?;
                }
            }
        }
        match (stacked, not_mined) {
            (Some(df), _) => Ok(df),
            (None, Some(e)) => Err(e),
            (None, None) => Err(StoreError::Empty),
        }
    }
}

/// `path` made absolute, with symlinks resolved as far as it exists (the rest appended as
/// given), so two spellings of one place compare equal.
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path))
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(found) = existing.canonicalize() {
            return rest.iter().rev().fold(found, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// The store (or dataset) that `path` is or lies inside, if any.
pub fn enclosing_store(path: &Path) -> Option<PathBuf> {
    resolved(path)
        .ancestors()
        .find(|dir| dir.join(MARKER).is_file())
        .map(Path::to_path_buf)
}

/// `SIZE:HEX` of every file in `dir` (the metadata file excepted): taken from `known` for the
/// files fingerprinted as they were written, read back for the others.
fn fingerprints(
    dir: &Path,
    mut known: std::collections::BTreeMap<String, String>,
) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
    let mut out = std::collections::BTreeMap::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == META {
            continue;
        }
        let print = match known.remove(&name) {
            Some(print) => print,
            None => fingerprint(&entry.path())?,
        };
        out.insert(name, print);
    }
    Ok(out)
}

/// `SIZE:HEX` of the file at `path`, read back.
fn fingerprint(path: &Path) -> Result<String, StoreError> {
    let bytes = read_regular(path).map_err(io_err(path))?;
    Ok(fingerprint_text(
        bytes.len() as u64,
        crate::text::fnv1a(&bytes),
    ))
}

/// The stored form of a file's fingerprint: its size and FNV-1a hash.
fn fingerprint_text(len: u64, hash: u64) -> String {
    format!("{len}:{hash:016x}")
}

/// Removes what killed runs left in the store: staging directories (`repos/*/tmp-*`) and
/// temporary files of atomic writes (`.*.tmp-*`). Called with the lock held, when no other run
/// can be writing.
fn collect_garbage(root: &Path) {
    let Ok(repos) = fs::read_dir(root.join("repos")) else {
        return;
    };
    for repo in repos.flatten() {
        // A repository whose removal was interrupted.
        if repo.file_name().to_string_lossy().starts_with(".rm-") {
            let _ = fs::remove_dir_all(repo.path());
            continue;
        }
        let Ok(entries) = fs::read_dir(repo.path()) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("tmp-") {
                let _ = fs::remove_dir_all(entry.path());
            } else if name.starts_with('.') && name.contains(".tmp-") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// A test hook: with `TEMPER_FAULT=<name>` in the environment the process aborts at the point
/// of that name, as a SIGKILL would stop it there (no destructor runs, nothing is cleaned up).
/// The tests use it to check that a run killed mid-write leaves a store the next run completes.
pub fn fault_point(name: &str) {
    if std::env::var_os("TEMPER_FAULT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

/// The store's lock file: held by a run for its whole duration.
const LOCK: &str = "temper.lock";

/// An exclusive lock on a store, released when dropped (or when the process dies).
#[derive(Debug)]
pub struct StoreLock {
    _file: fs::File,
}

/// Whether the repository directory `dir` holds repository `name` (its live metadata says so).
fn holds(dir: &Path, name: &str) -> bool {
    live_meta(dir).is_some_and(|meta| meta.name == name)
}

/// The live metadata of the repository directory `dir`, when it can be read and its name keeps
/// the name rule ([`check_name`]: a store or dataset from elsewhere is input like any other, and a
/// name with an escape sequence never reaches a terminal or a page).
fn live_meta(dir: &Path) -> Option<RepoMeta> {
    let generation = read_current(dir).ok().flatten()?;
    let text = read_regular(&dir.join(generation).join(META)).ok()?;
    serde_json::from_slice::<RepoMeta>(&text)
        .ok()
        .filter(|meta| check_name(&meta.name).is_ok())
}

fn read_current(dir: &Path) -> Result<Option<String>, StoreError> {
    let path = dir.join(CURRENT);
    match read_regular(&path).map(|b| String::from_utf8_lossy(&b).into_owned()) {
        // Only a generation name temper writes (`g` and digits) is followed: a tampered CURRENT
        // cannot point reads outside the repository's directory.
        Ok(text) => {
            let name = text.trim();
            let digits = name.strip_prefix('g').unwrap_or_default();
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(StoreError::Damaged(path));
            }
            Ok(Some(name.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(&path)(e)),
    }
}

fn next_generation(dir: &Path, live: Option<&str>) -> Result<String, StoreError> {
    let mut highest = live
        .and_then(|g| g.strip_prefix('g'))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0);
    for entry in fs::read_dir(dir).map_err(io_err(dir))?.flatten() {
        let name = entry.file_name();
        if let Some(n) = name
            .to_str()
            .and_then(|n| n.strip_prefix('g'))
            .and_then(|n| n.parse::<u64>().ok())
        {
            highest = highest.max(n);
        }
    }
    Ok(format!("g{:06}", highest + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_write_through_what_is_not_a_regular_file() {
        let tmp = tempfile::tempdir().unwrap();
        // A FIFO at the path stays a FIFO; what is written reaches its reader.
        let fifo = tmp.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        write_output(&fifo, |w| w.write_all(b"through")).unwrap();
        assert_eq!(reader.join().unwrap(), "through");
        assert!(!fs::symlink_metadata(&fifo).unwrap().is_file());
        // A symlink stays a symlink; its target gets the content.
        let target = tmp.path().join("target.csv");
        fs::write(&target, "old").unwrap();
        let link = tmp.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_output(&link, |w| w.write_all(b"new")).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn names_cannot_escape_the_store() {
        assert_eq!(dir_name("moby"), "moby");
        for hostile in [
            "../../x",
            "..",
            ".",
            "/etc/passwd",
            "a/b",
            "",
            "x\0y",
            "\u{202e}evil",
        ] {
            let d = dir_name(hostile);
            assert!(
                !d.contains('/') && !d.starts_with('.') && !d.is_empty(),
                "{hostile:?} -> {d}"
            );
        }
        assert_ne!(dir_name("a/b"), dir_name("a_b"));
        // One-to-one: the names that shared a directory before (`x y` became `x_y-7f2b3af4`)
        // no longer do; a long name ends in a hash after `~`.
        let legacy = legacy_dir_name("x y");
        assert_eq!(legacy_dir_name(&legacy), legacy);
        assert_ne!(dir_name("x y"), dir_name(&legacy));
        assert_eq!(dir_name("x y"), "x_20y");
        assert_eq!(dir_name("x_20y"), "x_5f20y");
        assert_eq!(dir_name("..."), "_2e..");
        assert_eq!(dir_name(""), "_");
        let long = "n".repeat(300);
        assert!(dir_name(&long).len() < 160 && dir_name(&long).contains('~'));
        assert_ne!(dir_name(&long), dir_name(&"n".repeat(301)));
        let names = ["Ωmega", "Ωmegb", "a b", "a_b", "a.b", ".a", "_2e", "a-b"];
        let dirs: std::collections::BTreeSet<String> = names.iter().map(|n| dir_name(n)).collect();
        assert_eq!(dirs.len(), names.len());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_temporary_name_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("config.toml");
        fs::write(&victim, "mine").unwrap();
        let path = tmp.path().join("status.json");
        let planted = tmp
            .path()
            .join(format!(".status.json.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        atomic_write(&path, |f| f.write_all(b"{}")).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "mine");
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        assert!(fs::symlink_metadata(&planted).is_err());
    }

    #[test]
    fn a_store_made_under_the_old_names_is_still_read() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(&tmp.path().join("s")).unwrap();
        let meta = RepoMeta {
            name: "x y".into(),
            source: String::new(),
            reference: "HEAD".into(),
            tip: String::new(),
            analysed_at: 0,
            fetched_at: None,
            temper_version: String::new(),
            format: FORMAT_VERSION,
            counter: String::new(),
            scope: String::new(),
            classes: String::new(),
            inputs: String::new(),
            activity_only: false,
            summary: None,
            ..Default::default()
        };
        store.save_repo(&meta, &mut Vec::new(), &[]).unwrap();
        // Move it where an earlier temper put it.
        let repos = tmp.path().join("s").join("repos");
        fs::rename(
            repos.join(dir_name("x y")),
            repos.join(legacy_dir_name("x y")),
        )
        .unwrap();
        assert_eq!(
            store.meta("x y").unwrap().map(|m| m.name),
            Some("x y".into())
        );
        // The literal name of that old directory is another repository, with a directory of its
        // own.
        let other = RepoMeta {
            name: legacy_dir_name("x y"),
            ..meta.clone()
        };
        assert!(store.meta(&other.name).unwrap().is_none());
        store.save_repo(&other, &mut Vec::new(), &[]).unwrap();
        let names: Vec<String> = store.repos().unwrap().into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["x y".to_string(), other.name.clone()]);
    }

    #[test]
    fn refuses_foreign_directories_and_other_formats() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            Store::create(tmp.path()),
            Err(StoreError::ForeignDirectory(_))
        ));
        let other = tempfile::tempdir().unwrap();
        fs::write(other.path().join(MARKER), r#"{"format": 999}"#).unwrap();
        assert!(matches!(
            Store::open(other.path()),
            Err(StoreError::Version { found: 999, .. })
        ));
    }
}
