//! Which part of a tree an analysis covers: `--path` prefixes and `--exclude` globs.
//!
//! A file is in scope when its path is one of the `--path` entries or lies below one (no `--path`
//! means the whole tree) and no `--exclude` glob matches the file or any directory above it. Globs
//! use `/` as a separator that `*` does not cross; `**` crosses it (`vendor/**`, `**/*.pb.go`);
//! like `.gitignore`, a glob without `/` matches a name at any depth (`vendor`, `*.pb.go`), and a
//! glob that matches a directory excludes everything below it (`vendor` and `vendor/**` are the
//! same scope). Every stage asks [`Scope::includes_file`] with a file's full path, so one matcher
//! decides for commits, lines of code, churn and line age alike.
//! Paths are matched as bytes relative to the repository root.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Why `--path` or `--exclude` entries do not make a scope.
#[derive(Debug, thiserror::Error)]
pub enum ScopeError {
    /// An `--exclude` glob that does not parse.
    #[error("--exclude '{glob}': {message}")]
    Glob {
        /// The glob as given (all of them, space-separated, when the set failed to build).
        glob: String,
        /// What is wrong with it.
        message: String,
    },
    /// A `--path` entry that is absolute or climbs out of the repository with `..`.
    #[error("--path '{0}': give a path relative to the repository root, without '..'")]
    Path(String),
}

/// The resolved scope.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    paths: Vec<Vec<u8>>,
    excludes: Option<GlobSet>,
    /// As given, for the store's metadata.
    description: String,
}

impl Scope {
    /// The whole tree.
    pub fn everything() -> Scope {
        Scope::default()
    }

    /// The scope of `--path` entries and `--exclude` globs; an error names a glob that does not
    /// parse or a path that is absolute or climbs out with `..`.
    pub fn new(paths: &[String], excludes: &[String]) -> Result<Scope, ScopeError> {
        let mut normalised = Vec::new();
        for p in paths {
            let trimmed = p.trim_matches('/');
            let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
            if trimmed.split('/').any(|c| c == "..") || p.starts_with('/') {
                return Err(ScopeError::Path(p.clone()));
            }
            if trimmed.is_empty() || trimmed == "." {
                // The root: everything, which makes other --path entries moot.
                normalised.clear();
                break;
            }
            normalised.push(trimmed.as_bytes().to_vec());
        }
        let glob_set = if excludes.is_empty() {
            None
        } else {
            let mut builder = GlobSetBuilder::new();
            for g in excludes {
                for pattern in glob_and_below(g) {
                    let glob = GlobBuilder::new(&pattern)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| ScopeError::Glob {
                            glob: g.clone(),
                            message: e.kind().to_string(),
                        })?;
                    builder.add(glob);
                }
            }
            Some(builder.build().map_err(|e| ScopeError::Glob {
                glob: excludes.join(" "),
                message: e.to_string(),
            })?)
        };
        let description = paths
            .iter()
            .map(|p| format!("--path {p}"))
            .chain(excludes.iter().map(|g| format!("--exclude {g}")))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Scope {
            paths: normalised,
            excludes: glob_set,
            description,
        })
    }

    /// Whether this scope is the whole tree, so per-path bookkeeping can be skipped.
    pub fn is_everything(&self) -> bool {
        self.paths.is_empty() && self.excludes.is_none()
    }

    /// The scope as given (`--path P --exclude G`, empty for the whole tree), for the store's
    /// metadata.
    pub fn description(&self) -> &str {
        &self.description
    }

    fn excluded(&self, path: &[u8]) -> bool {
        self.excludes.as_ref().is_some_and(|set| {
            std::str::from_utf8(path).map_or_else(
                |_| set.is_match(String::from_utf8_lossy(path).as_ref()),
                |s| set.is_match(s),
            )
        })
    }

    /// Whether the directory `dir` (no trailing `/`, empty for the root) can hold in-scope files.
    pub fn enters(&self, dir: &[u8]) -> bool {
        if dir.is_empty() {
            return true;
        }
        if self.excluded(dir) {
            return false;
        }
        self.paths.is_empty()
            || self
                .paths
                .iter()
                .any(|p| is_at_or_below(dir, p) || is_at_or_below(p, dir))
    }

    /// Whether the file at `path` (its full path from the root) is in scope.
    pub fn includes_file(&self, path: &[u8]) -> bool {
        (self.paths.is_empty() || self.paths.iter().any(|p| is_at_or_below(path, p)))
            && !self.excluded(path)
    }
}

/// The globs a path glob stands for, as `.gitignore` reads one: a glob without `/` matches a
/// name at any depth, and a glob that matches a directory matches everything below it too
/// (`vendor`, `vendor/` and `vendor/**` are the same). Shared by `--exclude` and `--class`.
pub fn glob_and_below(glob: &str) -> [String; 2] {
    let pattern = glob.trim_end_matches('/');
    let pattern = match pattern.contains('/') {
        true => pattern.to_string(),
        false => format!("**/{pattern}"),
    };
    [pattern.clone(), format!("{pattern}/**")]
}

/// `path == base` or `path` lies below `base`.
fn is_at_or_below(path: &[u8], base: &[u8]) -> bool {
    path.starts_with(base) && (path.len() == base.len() || path[base.len()] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_globs() {
        let s = Scope::new(
            &["virt/kvm".into(), "arch/x86/kvm/".into()],
            &["**/*.pb.go".into(), "vendor".into()],
        )
        .unwrap();
        assert!(s.enters(b"virt"));
        assert!(s.enters(b"virt/kvm"));
        assert!(s.enters(b"virt/kvm/arm"));
        assert!(!s.enters(b"virt2"));
        assert!(!s.enters(b"virt/kvmx"));
        assert!(s.enters(b"arch/x86"));
        assert!(!s.enters(b"arch/arm"));
        assert!(s.includes_file(b"virt/kvm/kvm_main.c"));
        assert!(!s.includes_file(b"virt/kvm/gen.pb.go"));
        assert!(!s.includes_file(b"virt/other.c"));
        assert!(!s.enters(b"virt/kvm/vendor"));
        for spelling in ["vendor/**", "vendor", "vendor/"] {
            let all = Scope::new(&[], &[spelling.into()]).unwrap();
            assert!(all.includes_file(b"main.go"), "{spelling}");
            assert!(!all.includes_file(b"vendor/x/y.go"), "{spelling}");
            assert!(!all.includes_file(b"vendor/y.go"), "{spelling}");
            assert!(all.includes_file(b"src/vendor.go"), "{spelling}");
            assert!(all.includes_file(b"vendored/y.go"), "{spelling}");
        }
        assert!(!s.includes_file(b"virt/kvm/vendor/x.c"));
        assert!(Scope::new(&["../x".into()], &[]).is_err());
        assert!(Scope::new(&[], &["a[".into()]).is_err());
        assert!(Scope::new(&[".".into()], &[]).unwrap().is_everything());
    }
}
