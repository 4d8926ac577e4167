//! Rust crates: `Cargo.lock` (lock file versions 1 to 4) and the manifests beside it.
//!
//! The lock file's packages without a `source` are the workspace's own (members and path
//! dependencies); a package with a source that one of them depends on is direct, every other
//! indirect (the lock file merges normal, build and dev dependencies, so they are not told apart).
//! A dependency entry names a package by `name`, `name version` or `name version (source)`.
//! Versions 1 and 2 carry no `version` line (version 1 may hold the root in a `[root]` table);
//! a later version than 4 is an error naming the line.
//!
//! A crate's repository is its git source (`git+URL?branch=..#commit`), else the `repository`
//! of its `Cargo.toml` in the tree's vendor directory (`vendor/`, or the `directory` a
//! `.cargo/config.toml` source replacement names; such a crate is vendored), else in the local
//! registry cache (`$CARGO_HOME/registry/src/*/NAME-VERSION/`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{line_of, normalise_url, Dependency, DepsError, Ecosystem, Found, Mapping, TreeFiles};

#[derive(Debug, Deserialize)]
struct Lock {
    version: Option<toml::Value>,
    #[serde(default)]
    package: Vec<Package>,
    root: Option<Package>,
}

#[derive(Debug, Clone, Deserialize)]
struct Package {
    name: String,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Manifest {
    package: Option<ManifestPackage>,
}

#[derive(Debug, Deserialize)]
struct ManifestPackage {
    name: Option<String>,
    version: Option<toml::Value>,
    repository: Option<toml::Value>,
}

/// `name`, version and repository of a `Cargo.toml` (text values only: a workspace-inherited
/// field says nothing here).
fn manifest(text: &str) -> Option<(String, Option<String>, Option<String>)> {
    let m: Manifest = toml::from_str(text).ok()?;
    let p = m.package?;
    let text_of = |v: Option<toml::Value>| v.and_then(|v| v.as_str().map(String::from));
    Some((p.name?, text_of(p.version), text_of(p.repository)))
}

/// The Rust dependencies of the tree, if it has a `Cargo.lock`.
pub fn read(
    files: &TreeFiles<'_>,
    mapping: &Mapping,
    cargo_home: Option<&Path>,
) -> Result<Option<Vec<Dependency>>, DepsError> {
    let Some(bytes) = files.read("Cargo.lock")? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    let lock: Lock = toml::from_str(&text).map_err(|e| DepsError::Parse {
        file: "Cargo.lock".into(),
        line: e.span().map_or(0, |s| line_of(&text, s.start)),
        message: e.message().to_string(),
    })?;
    if let Some(version) = &lock.version {
        if !matches!(version.as_integer(), Some(1..=4)) {
            let at = text.find("version").unwrap_or(0);
            return Err(DepsError::UnknownVersion {
                file: "Cargo.lock".into(),
                line: line_of(&text, at),
                version: version.to_string(),
                known: "Cargo.lock versions 1 to 4",
            });
        }
    }
    let mut packages = lock.package.clone();
    packages.extend(lock.root.clone());
    let vendor = vendored_manifests(files)?;
    // Direct: what the workspace's own packages depend on.
    let mut direct = std::collections::HashSet::new();
    for own in packages.iter().filter(|p| p.source.is_none()) {
        for entry in &own.dependencies {
            if let Some(p) = resolve(&packages, entry) {
                if p.source.is_some() {
                    direct.insert((p.name.clone(), p.version.clone()));
                }
            }
        }
    }
    let mut out = Vec::new();
    for p in packages.iter().filter(|p| p.source.is_some()) {
        let source = p.source.as_deref().unwrap_or("");
        let vendored = vendor.get(&(p.name.clone(), p.version.clone()));
        let auto = if let Some(git) = source.strip_prefix("git+") {
            (normalise_url(git), Found::Lock)
        } else if let Some(Some(repo)) = vendored {
            (normalise_url(repo), Found::VendoredManifest)
        } else if let Some(repo) = cargo_home.and_then(|h| cached_repository(h, p)) {
            (normalise_url(&repo), Found::InstalledManifest)
        } else {
            (None, Found::Unmapped)
        };
        let auto = match auto {
            (None, _) => (None, Found::Unmapped),
            found => found,
        };
        let (repository, found, project) = super::choose(mapping.get(&p.name, false), auto);
        out.push(Dependency {
            ecosystem: Ecosystem::Cargo,
            name: p.name.clone(),
            version: p.version.clone(),
            direct: direct.contains(&(p.name.clone(), p.version.clone())),
            vendored: vendored.is_some(),
            replaced_by: None,
            repository,
            found,
            project,
            line: String::new(),
            declared_in: "Cargo.lock".into(),
        });
    }
    Ok(Some(out))
}

/// The package a dependency entry names: `name`, `name version` or `name version (source)`.
fn resolve<'a>(packages: &'a [Package], entry: &str) -> Option<&'a Package> {
    let mut parts = entry.splitn(3, ' ');
    let name = parts.next()?;
    let version = parts.next();
    let source = parts
        .next()
        .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    packages.iter().find(|p| {
        p.name == name
            && version.is_none_or(|v| p.version == v)
            && source.is_none_or(|s| p.source.as_deref() == Some(s))
    })
}

/// The crates of the tree's vendor directory: (name, version) to its manifest's repository.
fn vendored_manifests(
    files: &TreeFiles<'_>,
) -> Result<BTreeMap<(String, String), Option<String>>, DepsError> {
    let mut dirs = vec!["vendor".to_string()];
    for config in [".cargo/config.toml", ".cargo/config"] {
        if let Some(bytes) = files.read(config)? {
            let value: Option<toml::Value> = toml::from_str(&String::from_utf8_lossy(&bytes)).ok();
            let sources = value
                .as_ref()
                .and_then(|v| v.get("source"))
                .and_then(|s| s.as_table());
            for source in sources.into_iter().flat_map(|t| t.values()) {
                if let Some(dir) = source.get("directory").and_then(|d| d.as_str()) {
                    dirs.push(
                        dir.trim_start_matches("./")
                            .trim_end_matches('/')
                            .to_string(),
                    );
                }
            }
        }
    }
    dirs.dedup();
    let mut out = BTreeMap::new();
    for dir in dirs {
        for name in files.dirs(&dir)? {
            let Some(bytes) = files.read(&format!("{dir}/{name}/Cargo.toml"))? else {
                continue;
            };
            if let Some((crate_name, Some(version), repository)) =
                manifest(&String::from_utf8_lossy(&bytes))
            {
                out.insert((crate_name, version), repository);
            }
        }
    }
    Ok(out)
}

/// The repository in the local registry cache's copy of `p`'s manifest.
fn cached_repository(cargo_home: &Path, p: &Package) -> Option<String> {
    let registries = std::fs::read_dir(cargo_home.join("registry").join("src")).ok()?;
    for registry in registries.flatten() {
        let path = registry
            .path()
            .join(format!("{}-{}", p.name, p.version))
            .join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&path) {
            if let Some((_, _, Some(repo))) = manifest(&text) {
                return Some(repo);
            }
        }
    }
    None
}
