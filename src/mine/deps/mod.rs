//! `temper deps`: the dependencies a project declares at one commit, and the repository each
//! comes from, so that `temper run` can mine them beside the project.
//!
//! Read from the commit's tree (never the work tree's edits): Go's `go.mod` (or moby's
//! `vendor.mod`) with `vendor/modules.txt` ([`go`]), Rust's `Cargo.lock` with the manifests of a
//! `cargo vendor` directory ([`cargo`]), and npm's `package-lock.json` with the manifests under
//! `node_modules` ([`npm`]). Each dependency says its pinned version, whether the project
//! requires it itself (direct) or through another (indirect), whether its code is committed in
//! the tree (vendored), and its source repository with how that was found ([`Found`]).
//!
//! A repository is never guessed. It comes from, in this order: the user's mapping file
//! (`--map`), what the lock file itself records (a git source), the dependency's own manifest
//! (vendored in the tree, installed in `node_modules`, or in the local cargo registry cache), and
//! for Go the `go get` rules for module paths (`go_hosts.toml`: github.com, bitbucket.org,
//! gopkg.in and the well-known vanity paths). A dependency none of these maps is listed as
//! unmapped, for the user to add to the mapping file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use serde::Serialize;

use crate::mine::git::open::OpenError;

pub mod cargo;
pub mod go;
pub mod npm;

/// A package ecosystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// Go modules, from `go.mod` (or `vendor.mod`).
    Go,
    /// Rust crates, from `Cargo.lock`.
    Cargo,
    /// npm packages, from `package-lock.json`.
    Npm,
}

impl Ecosystem {
    /// The name `deps` prints and the `dependencies` table stores (`go`, `cargo`, `npm`).
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Go => "go",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
        }
    }
}

/// Where a dependency's repository was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Found {
    /// The user's mapping file (`--map`).
    Map,
    /// The lock file's own record (a git source, a git `resolved` URL).
    Lock,
    /// The dependency's manifest committed in the tree (`vendor/`, `node_modules/`).
    VendoredManifest,
    /// The dependency's manifest installed beside the work tree (`node_modules/`) or in the
    /// local cargo registry cache.
    InstalledManifest,
    /// The `go get` rules for a module path (`go_hosts.toml`).
    GoPath,
    /// Replaced by a directory of the project itself: its code is the project's.
    InRepo,
    /// Nothing maps it.
    Unmapped,
}

impl Found {
    /// The name `deps` prints and the `dependencies` table stores (`vendored-manifest`).
    pub fn as_str(self) -> &'static str {
        match self {
            Found::Map => "map",
            Found::Lock => "lock",
            Found::VendoredManifest => "vendored-manifest",
            Found::InstalledManifest => "installed-manifest",
            Found::GoPath => "go-path",
            Found::InRepo => "in-repo",
            Found::Unmapped => "unmapped",
        }
    }
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    /// The ecosystem whose files declare it.
    pub ecosystem: Ecosystem,
    /// The module, crate or package name as declared.
    pub name: String,
    /// The pinned version.
    pub version: String,
    /// Required by the project itself (not only through another dependency).
    pub direct: bool,
    /// Its code is committed in the project's tree.
    pub vendored: bool,
    /// Go: what a `replace` directive puts in its place (`path version`, or a directory).
    pub replaced_by: Option<String>,
    /// The source repository: a URL, or a local path from the mapping file.
    pub repository: Option<String>,
    /// Where `repository` was found (`in-repo` and `unmapped` have none).
    pub found: Found,
    /// The project name `--config-out` gives its repository, from the repository temper's own
    /// rules find (so a `--map` to a local mirror keeps the name): `cilium-ebpf`.
    pub project: Option<String>,
    /// Go: the module's directory in its repository, whose releases are tagged `LINE/vX.Y.Z`
    /// (`mountinfo` for github.com/moby/sys/mountinfo; empty at the root, and for the other
    /// ecosystems).
    pub line: String,
    /// The file that declares it (`go.mod`, `Cargo.lock`, `package-lock.json`).
    pub declared_in: String,
}

/// Why the dependencies could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DepsError {
    /// The repository could not be opened or its ref resolved.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// A manifest or lock file does not parse.
    #[error("{file}:{line}: {message}")]
    Parse {
        /// The file, by its path in the tree.
        file: String,
        /// The line, from 1 (0 when the parser does not say).
        line: usize,
        /// What is wrong, as the parser reports it.
        message: String,
    },
    /// A lock file in a format version temper does not read.
    #[error("{file}:{line}: lock file version {version} is not one temper reads ({known})")]
    UnknownVersion {
        /// The lock file (`Cargo.lock`, `package-lock.json`).
        file: String,
        /// The line of its version field, from 1.
        line: usize,
        /// The version the file declares (`(none)` when it declares none).
        version: String,
        /// The versions temper reads (`Cargo.lock versions 1 to 4`).
        known: &'static str,
    },
    /// The root of the tree holds no manifest or lock file temper reads.
    #[error("{reference}: no go.mod, vendor.mod, Cargo.lock or package-lock.json at the root of the tree")]
    NoManifest {
        /// The ref as the user gave it (or `HEAD`).
        reference: String,
    },
    /// The commit's tree, or an object in it, could not be read.
    #[error("reading the tree of {reference}: {message}")]
    Tree {
        /// The ref as the user gave it (or `HEAD`).
        reference: String,
        /// The git library's error.
        message: String,
    },
    /// The mapping file (`--map`) could not be read or is not a table of strings.
    #[error("{}: {message}", .path.display())]
    Map {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong: the reading error, or the TOML error and its line.
        message: String,
    },
}

/// What `temper deps` reads.
#[derive(Debug, Clone)]
pub struct DepsOptions {
    /// The project: a clone, bare or not, or any directory inside one.
    pub repo: PathBuf,
    /// The revision whose tree is read (`--ref`); `None` reads `HEAD`.
    pub reference: Option<String>,
    /// The user's mapping file.
    pub map: Option<PathBuf>,
    /// The cargo home whose registry cache is read for crates' repositories (`$CARGO_HOME`,
    /// else `~/.cargo`); `None` reads none.
    pub cargo_home: Option<PathBuf>,
}

/// A project's dependencies.
#[derive(Debug, Clone, Serialize)]
pub struct Dependencies {
    /// The project's name (as `analyze` would name it).
    pub project: String,
    /// The commit read.
    pub commit: String,
    /// Where the project is (absolute).
    pub source: PathBuf,
    /// The declared dependencies, one per package and version, sorted by ecosystem, name and
    /// version.
    pub dependencies: Vec<Dependency>,
}

/// The files of one commit's tree.
pub struct TreeFiles<'a> {
    repo: &'a gix::Repository,
    tree: ObjectId,
    reference: String,
}

impl TreeFiles<'_> {
    /// The blob at `path` (`/`-separated, from the root), if the tree has one.
    pub fn read(&self, path: &str) -> Result<Option<Vec<u8>>, DepsError> {
        let Some(entry) = self.entry(path)? else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let object = entry.object().map_err(|e| self.error(e))?;
        Ok(Some(object.data.clone()))
    }

    /// The names of the directories in directory `path` (none when it is not one).
    pub fn dirs(&self, path: &str) -> Result<Vec<String>, DepsError> {
        let tree = if path.is_empty() {
            Some(self.tree)
        } else {
            self.entry(path)?
                .filter(|e| e.mode().is_tree())
                .map(|e| e.object_id())
        };
        let Some(tree) = tree else {
            return Ok(Vec::new());
        };
        let tree = self
            .repo
            .find_tree(tree)
            .map_err(|e| self.error(e))?
            .decode()
            .map_err(|e| self.error(e))?
            .to_owned();
        Ok(tree
            .entries
            .iter()
            .filter(|e| e.mode.is_tree())
            .map(|e| e.filename.to_string())
            .collect())
    }

    fn entry(&self, path: &str) -> Result<Option<gix::object::tree::Entry<'_>>, DepsError> {
        let tree = self.repo.find_tree(self.tree).map_err(|e| self.error(e))?;
        tree.lookup_entry_by_path(path).map_err(|e| self.error(e))
    }

    fn error(&self, e: impl std::fmt::Display) -> DepsError {
        DepsError::Tree {
            reference: self.reference.clone(),
            message: e.to_string(),
        }
    }
}

/// The user's mapping: a TOML file of `"NAME" = "URL or path"` lines. A Go module path also
/// matches a key that is a prefix of it at a `/` (the longest wins), so one line maps every
/// module of a repository; a relative path is relative to the file.
#[derive(Debug, Default)]
pub struct Mapping {
    entries: BTreeMap<String, String>,
}

impl Mapping {
    /// Reads the mapping file at `path`; a relative path in it is taken from the file's directory.
    pub fn read(path: &Path) -> Result<Mapping, DepsError> {
        let text = std::fs::read_to_string(path).map_err(|e| DepsError::Map {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let table: BTreeMap<String, String> = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(0);
            DepsError::Map {
                path: path.to_owned(),
                message: format!(
                    "line {line}: {} (expected lines of \"NAME\" = \"URL or path\")",
                    e.message()
                ),
            }
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let entries = table
            .into_iter()
            .map(|(name, target)| {
                let url = target.contains("://") || target.starts_with("git@");
                let target = if url || Path::new(&target).is_absolute() {
                    target
                } else {
                    base.join(&target).to_string_lossy().into_owned()
                };
                (name, target)
            })
            .collect();
        Ok(Mapping { entries })
    }

    /// The mapped repository of `name`: its own line, else (with `prefixes`) the longest key
    /// that is a prefix of it at a `/`.
    pub fn get(&self, name: &str, prefixes: bool) -> Option<&str> {
        if let Some(hit) = self.entries.get(name) {
            return Some(hit);
        }
        if !prefixes {
            return None;
        }
        let mut at = name.len();
        while let Some(slash) = name[..at].rfind('/') {
            if let Some(hit) = self.entries.get(&name[..slash]) {
                return Some(hit);
            }
            at = slash;
        }
        None
    }
}

/// Reads the dependencies of the project at `options.repo` (its `options.reference`, default
/// `HEAD`): every ecosystem whose files the root of the tree holds.
pub fn read(options: &DepsOptions) -> Result<Dependencies, DepsError> {
    let opened = crate::mine::git::open::open(&options.repo, options.reference.as_deref())?;
    let mapping = match &options.map {
        Some(path) => Mapping::read(path)?,
        None => Mapping::default(),
    };
    // Installed manifests are read from the work tree only when it is what was asked for.
    let workdir = match options.reference {
        None => opened.repo.workdir().map(Path::to_owned),
        Some(_) => None,
    };
    let found = of_commit(
        &opened.repo,
        opened.tip,
        &opened.reference,
        &Sources {
            mapping: &mapping,
            cargo_home: options.cargo_home.as_deref(),
            workdir: workdir.as_deref(),
        },
    )?;
    let Some(dependencies) = found else {
        return Err(DepsError::NoManifest {
            reference: opened.reference,
        });
    };
    Ok(Dependencies {
        project: opened.default_name.clone(),
        commit: opened.tip.to_string(),
        source: crate::mine::git::open::work_location(&opened),
        dependencies,
    })
}

/// Where repositories may be found besides the tree and the lock files.
pub struct Sources<'a> {
    /// The user's mapping file (`--map`); empty when none was given.
    pub mapping: &'a Mapping,
    /// The cargo home whose registry cache is read (`None`: none).
    pub cargo_home: Option<&'a Path>,
    /// The work tree whose installed `node_modules` are read (`None`: none).
    pub workdir: Option<&'a Path>,
}

/// The dependencies the tree of `commit` declares, one row per package and version, sorted;
/// `None` when its root holds no manifest temper reads.
pub fn of_commit(
    repo: &gix::Repository,
    commit: ObjectId,
    reference: &str,
    sources: &Sources<'_>,
) -> Result<Option<Vec<Dependency>>, DepsError> {
    let tree_error = |e: &dyn std::fmt::Display| DepsError::Tree {
        reference: reference.to_string(),
        message: e.to_string(),
    };
    let tree = repo
        .find_commit(commit)
        .map_err(|e| tree_error(&e))?
        .tree_id()
        .map_err(|e| tree_error(&e))?;
    let files = TreeFiles {
        repo,
        tree: tree.detach(),
        reference: reference.to_string(),
    };
    let mut found = Vec::new();
    let mut any = false;
    if let Some(go) = go::read(&files, sources.mapping)? {
        any = true;
        found.extend(go);
    }
    if let Some(crates) = cargo::read(&files, sources.mapping, sources.cargo_home)? {
        any = true;
        found.extend(crates);
    }
    if let Some(packages) = npm::read(&files, sources.mapping, sources.workdir)? {
        any = true;
        found.extend(packages);
    }
    if !any {
        return Ok(None);
    }
    found.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version).cmp(&(b.ecosystem, &b.name, &b.version))
    });
    // One row per package and version (npm installs a version in several places): direct or
    // vendored if any copy is.
    found.dedup_by(|later, kept| {
        let same = (later.ecosystem, &later.name, &later.version)
            == (kept.ecosystem, &kept.name, &kept.version);
        if same {
            kept.direct |= later.direct;
            kept.vendored |= later.vendored;
        }
        same
    });
    Ok(Some(found))
}

/// A dependency's repository: the mapping's, else what temper's rules found (`auto`); and the
/// project name, from the rules' repository when they found one.
pub(crate) fn choose(
    mapped: Option<&str>,
    auto: (Option<String>, Found),
) -> (Option<String>, Found, Option<String>) {
    let project = auto.0.as_deref().or(mapped).map(repo_name);
    match mapped {
        Some(m) if auto.1 != Found::InRepo => (Some(m.to_string()), Found::Map, project),
        _ => (auto.0, auto.1, project),
    }
}

/// A repository URL as a clone takes it: `git+` and `.git` dropped, `git://`, `ssh://git@` and
/// `git@host:` forms of the well-known hosts made `https://`, npm's `github:o/r`, `gitlab:o/r`,
/// `bitbucket:o/r` and `o/r` shorthands expanded.
pub fn normalise_url(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let url = url.strip_prefix("git+").unwrap_or(url);
    let expanded = if let Some(rest) = url.strip_prefix("github:") {
        format!("https://github.com/{rest}")
    } else if let Some(rest) = url.strip_prefix("gitlab:") {
        format!("https://gitlab.com/{rest}")
    } else if let Some(rest) = url.strip_prefix("bitbucket:") {
        format!("https://bitbucket.org/{rest}")
    } else if let Some(rest) = url.strip_prefix("git@") {
        format!("https://{}", rest.replacen(':', "/", 1))
    } else if let Some(rest) = url.strip_prefix("ssh://git@") {
        format!("https://{rest}")
    } else if let Some(rest) = url.strip_prefix("git://") {
        format!("https://{rest}")
    } else if !url.contains(':')
        && url.matches('/').count() == 1
        && !url.starts_with('.')
        && !url.starts_with('/')
    {
        format!("https://github.com/{url}")
    } else {
        url.to_string()
    };
    let cut = expanded
        .find(['#', '?'])
        .map_or(expanded.as_str(), |at| &expanded[..at]);
    let cut = cut.trim_end_matches('/');
    let cut = cut.strip_suffix(".git").unwrap_or(cut);
    Some(cut.to_string())
}

/// A `run` configuration whose projects are the project itself and each distinct repository of
/// its mapped dependencies (a comment names what each stands for, and what is unmapped).
pub fn run_config(deps: &Dependencies, written_at: &str) -> String {
    let mut by_repo: BTreeMap<&str, Vec<&Dependency>> = BTreeMap::new();
    for d in &deps.dependencies {
        if let Some(repo) = &d.repository {
            by_repo.entry(repo).or_default().push(d);
        }
    }
    let unmapped: Vec<&Dependency> = deps
        .dependencies
        .iter()
        .filter(|d| d.found == Found::Unmapped)
        .collect();
    let mut out = format!(
        "# Written by `temper deps` on {written_at} from {} at {}: the project and the {} \
         repositories of its {} mapped dependencies ({} unmapped, listed at the end).\n",
        toml_comment(&deps.source.to_string_lossy()),
        deps.commit,
        by_repo.len(),
        deps.dependencies.len() - unmapped.len(),
        unmapped.len()
    );
    let mut names: std::collections::HashSet<String> = Default::default();
    let mut project = |name: &str, source: &str, comment: &str, out: &mut String| {
        let mut unique = name.to_string();
        let mut n = 2;
        while !names.insert(unique.clone()) {
            unique = format!("{name}-{n}");
            n += 1;
        }
        out.push_str(&format!(
            "\n{comment}[[project]]\nname = {}\nsource = {}\n",
            toml_string(&unique),
            toml_string(source)
        ));
    };
    project(
        &project_name(&deps.project),
        &deps.source.to_string_lossy(),
        "",
        &mut out,
    );
    for (repo, of) in &by_repo {
        let pins: Vec<String> = of
            .iter()
            .map(|d| {
                format!(
                    "# {} {} {} ({}{})\n",
                    d.ecosystem.as_str(),
                    toml_comment(&d.name),
                    toml_comment(&d.version),
                    if d.direct { "direct" } else { "indirect" },
                    if d.vendored { ", vendored" } else { "" }
                )
            })
            .collect();
        let name = of
            .iter()
            .find_map(|d| d.project.clone())
            .unwrap_or_else(|| repo_name(repo));
        project(&name, repo, &pins.concat(), &mut out);
    }
    if !unmapped.is_empty() {
        out.push_str("\n# Unmapped (add them to a --map file):\n");
        for d in unmapped {
            out.push_str(&format!(
                "# {} {} {}\n",
                d.ecosystem.as_str(),
                toml_comment(&d.name),
                toml_comment(&d.version)
            ));
        }
    }
    out
}

/// How `temper deps` prints its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Aligned columns for the terminal (text from the repository escaped).
    Table,
    /// CSV, cells a spreadsheet would read as formulas neutralised.
    Csv,
    /// The [`Dependencies`] as pretty JSON.
    Json,
}

/// The CSV and table columns.
const COLUMNS: [&str; 9] = [
    "ecosystem",
    "name",
    "version",
    "direct",
    "vendored",
    "replaced_by",
    "repository",
    "found",
    "declared_in",
];

/// The list as text in `listing`.
pub fn render(deps: &Dependencies, listing: Listing) -> Result<String, serde_json::Error> {
    if listing == Listing::Json {
        let mut text = serde_json::to_string_pretty(deps)?;
        text.push('\n');
        return Ok(text);
    }
    let rows: Vec<[String; 9]> = deps
        .dependencies
        .iter()
        .map(|d| {
            [
                d.ecosystem.as_str().to_string(),
                d.name.clone(),
                d.version.clone(),
                d.direct.to_string(),
                d.vendored.to_string(),
                d.replaced_by.clone().unwrap_or_default(),
                d.repository.clone().unwrap_or_default(),
                d.found.as_str().to_string(),
                d.declared_in.clone(),
            ]
        })
        .collect();
    let mut out = String::new();
    if listing == Listing::Csv {
        out.push_str(&COLUMNS.join(","));
        out.push('\n');
        for row in &rows {
            let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        return Ok(out);
    }
    let header = COLUMNS.map(String::from);
    let mut table = vec![header];
    table.extend(rows.iter().map(|row| {
        row.clone()
            .map(|c| crate::text::terminal(&c, crate::text::TERMINAL_CELL_CHARS))
    }));
    let right = [false; 9];
    for line in crate::text::aligned(&table, &right) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let unmapped = deps
        .dependencies
        .iter()
        .filter(|d| d.found == Found::Unmapped)
        .count();
    out.push_str(&format!(
        "{} dependencies of {} at {}: {} direct, {} vendored, {} unmapped\n",
        deps.dependencies.len(),
        crate::text::terminal(&deps.project, crate::text::TERMINAL_CELL_CHARS),
        &deps.commit[..deps.commit.len().min(12)],
        deps.dependencies.iter().filter(|d| d.direct).count(),
        deps.dependencies.iter().filter(|d| d.vendored).count(),
        unmapped
    ));
    Ok(out)
}

/// One CSV cell: neutralised for spreadsheets, quoted when it holds a comma, quote or line break.
fn csv_cell(text: &str) -> String {
    let text = crate::text::neutralise_cell(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.into_owned()
    }
}

/// A project name from a repository URL or path: its last two parts (`cilium-ebpf`). The name
/// `--config-out` gives a dependency's project, and by which the report finds it in the store.
fn repo_name(repo: &str) -> String {
    let parts: Vec<&str> = repo
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .filter(|p| !p.is_empty())
        .take(2)
        .collect();
    let joined: Vec<&str> = parts.into_iter().rev().collect();
    project_name(&joined.join("-"))
}

/// `name` reduced to what a store name and a file name take: `[A-Za-z0-9._-]`, not starting
/// with `-` or `.`.
fn project_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_start_matches(['-', '.']);
    if clean.is_empty() {
        "dependency".to_string()
    } else {
        clean.chars().take(100).collect()
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Text for a TOML comment: control characters (a newline would end the comment) made `?`.
fn toml_comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_as_a_clone_takes_them() {
        let n = |u: &str| normalise_url(u).unwrap();
        assert_eq!(
            n("git+https://github.com/a/b.git"),
            "https://github.com/a/b"
        );
        assert_eq!(
            n("git+ssh://git@github.com/a/b.git#v1"),
            "https://github.com/a/b"
        );
        assert_eq!(n("git@github.com:a/b.git"), "https://github.com/a/b");
        assert_eq!(n("github:a/b"), "https://github.com/a/b");
        assert_eq!(n("a/b"), "https://github.com/a/b");
        assert_eq!(n("git://github.com/a/b"), "https://github.com/a/b");
        assert_eq!(
            n("git+https://github.com/o/r?branch=main#0123"),
            "https://github.com/o/r"
        );
    }

    #[test]
    fn names_for_the_run_configuration() {
        assert_eq!(repo_name("https://github.com/cilium/ebpf"), "cilium-ebpf");
        assert_eq!(repo_name("/srv/mirrors/x.git/"), "mirrors-x.git");
        assert_eq!(project_name("-../a b"), "a-b");
    }

    #[test]
    fn prefixes_map_at_a_slash() {
        let mut m = Mapping::default();
        m.entries.insert("example.com/a".into(), "u".into());
        assert_eq!(m.get("example.com/a/v2", true), Some("u"));
        assert_eq!(m.get("example.com/ab", true), None);
        assert_eq!(m.get("example.com/a/v2", false), None);
    }
}
