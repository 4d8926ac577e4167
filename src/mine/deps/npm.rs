//! npm packages: `package-lock.json` (lockfile versions 1, 2 and 3).
//!
//! Versions 2 and 3 list every installed package under `packages`, keyed by its place
//! (`node_modules/a`, `node_modules/a/node_modules/b`: the name is what follows the last
//! `node_modules/`); links (workspace members) are the project's own and left out. The root
//! entry (`""`) names the direct dependencies (`dependencies`, `devDependencies`,
//! `optionalDependencies`); version 1 has no root entry, so they come from the tree's
//! `package.json`, and its packages are the nested `dependencies` maps. A package is direct when
//! the root names it and it is the top-level copy.
//!
//! A package's repository is its git `resolved` URL, else the `repository` of its
//! `package.json` under `node_modules/`: committed in the tree (the package is vendored), else
//! installed in the work tree (only when the work tree's commit is the one read).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use super::{normalise_url, Dependency, DepsError, Ecosystem, Found, Mapping, TreeFiles};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lock {
    lockfile_version: Option<serde_json::Value>,
    packages: Option<BTreeMap<String, Entry>>,
    dependencies: Option<BTreeMap<String, V1Entry>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    version: Option<String>,
    resolved: Option<String>,
    #[serde(default)]
    link: bool,
    #[serde(default)]
    dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct V1Entry {
    version: Option<String>,
    resolved: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, V1Entry>,
}

/// One installed package: its place under `node_modules`, name, version and git URL if any.
struct Installed {
    place: String,
    name: String,
    version: String,
    resolved: Option<String>,
}

/// The npm dependencies of the tree, if it has a `package-lock.json`; `workdir` is the work
/// tree whose installed `node_modules` may be read.
pub fn read(
    files: &TreeFiles<'_>,
    mapping: &Mapping,
    workdir: Option<&Path>,
) -> Result<Option<Vec<Dependency>>, DepsError> {
    const FILE: &str = "package-lock.json";
    let Some(bytes) = files.read(FILE)? else {
        return Ok(None);
    };
    let parse_error = |e: serde_json::Error| DepsError::Parse {
        file: FILE.into(),
        line: e.line(),
        message: e.to_string(),
    };
    let lock: Lock = serde_json::from_slice(&bytes).map_err(parse_error)?;
    let version = lock.lockfile_version.as_ref().and_then(|v| v.as_i64());
    if !matches!(version, Some(1..=3)) {
        let text = String::from_utf8_lossy(&bytes);
        let at = text.find("\"lockfileVersion\"").unwrap_or(0);
        return Err(DepsError::UnknownVersion {
            file: FILE.into(),
            line: super::line_of(&text, at),
            version: lock
                .lockfile_version
                .map_or("(none)".to_string(), |v| v.to_string()),
            known: "package-lock.json lockfileVersion 1 to 3",
        });
    }
    let (roots, installed) = match &lock.packages {
        Some(packages) if version != Some(1) => installed_v2(packages),
        _ => installed_v1(files, &lock)?,
    };
    let mut out = Vec::new();
    for p in installed {
        let manifest_path = format!("{}/package.json", p.place);
        let committed = files.read(&manifest_path)?;
        let on_disk = || workdir.and_then(|w| std::fs::read(w.join(&manifest_path)).ok());
        let git = p
            .resolved
            .as_deref()
            .filter(|r| r.starts_with("git") || p.version.starts_with("git"));
        let auto = if let Some(url) = git.and_then(normalise_url) {
            (Some(url), Found::Lock)
        } else if let Some(url) = committed.as_deref().and_then(repository_of) {
            (Some(url), Found::VendoredManifest)
        } else if let Some(url) = on_disk().as_deref().and_then(repository_of) {
            (Some(url), Found::InstalledManifest)
        } else {
            (None, Found::Unmapped)
        };
        let (repository, found, project) = super::choose(mapping.get(&p.name, false), auto);
        out.push(Dependency {
            ecosystem: Ecosystem::Npm,
            direct: roots.contains(&p.name) && p.place == format!("node_modules/{}", p.name),
            vendored: committed.is_some(),
            name: p.name,
            version: p.version,
            replaced_by: None,
            repository,
            found,
            project,
            line: String::new(),
            declared_in: FILE.into(),
        });
    }
    Ok(Some(out))
}

/// Versions 2 and 3: the root entry's dependency names, and every installed package but links.
fn installed_v2(packages: &BTreeMap<String, Entry>) -> (BTreeSet<String>, Vec<Installed>) {
    let mut installed = Vec::new();
    let roots: BTreeSet<String> = packages
        .get("")
        .map(|r| {
            r.dependencies
                .keys()
                .chain(r.dev_dependencies.keys())
                .chain(r.optional_dependencies.keys())
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for (place, entry) in packages {
        let Some(at) = place.rfind("node_modules/") else {
            continue;
        };
        if entry.link {
            continue;
        }
        installed.push(Installed {
            place: place.clone(),
            name: place[at + "node_modules/".len()..].to_string(),
            version: entry.version.clone().unwrap_or_default(),
            resolved: entry.resolved.clone(),
        });
    }
    (roots, installed)
}

/// Version 1: the tree's `package.json` names the direct dependencies; the packages are the
/// nested `dependencies` maps.
fn installed_v1(
    files: &TreeFiles<'_>,
    lock: &Lock,
) -> Result<(BTreeSet<String>, Vec<Installed>), DepsError> {
    let mut installed = Vec::new();
    let roots = match files.read("package.json")? {
        Some(b) => root_names(&b).map_err(|e| DepsError::Parse {
            file: "package.json".into(),
            line: e.line(),
            message: e.to_string(),
        })?,
        None => BTreeSet::new(),
    };
    let mut stack: Vec<(String, &BTreeMap<String, V1Entry>)> = Vec::new();
    if let Some(deps) = &lock.dependencies {
        stack.push((String::new(), deps));
    }
    while let Some((prefix, deps)) = stack.pop() {
        for (name, entry) in deps {
            let place = format!("{prefix}node_modules/{name}");
            installed.push(Installed {
                place: place.clone(),
                name: name.clone(),
                version: entry.version.clone().unwrap_or_default(),
                resolved: entry.resolved.clone(),
            });
            stack.push((format!("{place}/"), &entry.dependencies));
        }
    }
    Ok((roots, installed))
}

/// The names a `package.json` depends on itself.
fn root_names(bytes: &[u8]) -> Result<BTreeSet<String>, serde_json::Error> {
    let root: Entry = serde_json::from_slice(bytes)?;
    Ok(root
        .dependencies
        .into_keys()
        .chain(root.dev_dependencies.into_keys())
        .chain(root.optional_dependencies.into_keys())
        .collect())
}

/// The `repository` of a `package.json` (a string, or an object with a `url`).
fn repository_of(bytes: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let repository = value.get("repository")?;
    let url = match repository {
        serde_json::Value::String(s) => s.as_str(),
        other => other.get("url")?.as_str()?,
    };
    normalise_url(url)
}
