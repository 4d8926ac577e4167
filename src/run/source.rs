//! Remote sources of `temper run`: cloned bare into a cache and fetched with the system's `git`.
//!
//! Fetching is the one place where temper talks to the network, and it does so the way users'
//! other tools do (cargo's `net.git-fetch-with-cli`): through the `git` command, so the user's
//! credential helpers, SSH configuration and proxies work. What a fetch reads is the user's and
//! the system's git configuration, for transport; what it never does is run anything the mined
//! repository holds: only the https, http, ssh, git and file protocols are allowed
//! (`GIT_ALLOW_PROTOCOL`), hooks are switched off (`core.hooksPath=/dev/null`, an empty
//! template), no terminal prompt is shown, and the URL always follows `--`.
//!
//! A clone remembers its URL (`remote.origin.url` in the cache clone, written by temper): a
//! project whose configured source changed is cloned afresh rather than fetched from the old
//! place. Clones are made in a staging directory (`.clone-*`) renamed into place, so a killed
//! clone never looks like a clone; [`collect_leftovers`] removes what killed runs left.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The protocols a source may use (`GIT_ALLOW_PROTOCOL`).
const ALLOWED_PROTOCOLS: &str = "https:http:ssh:git:file";

/// What a clone mirrors: the remote's branches and tags as they are (forced: a rewritten branch
/// is mined as rewritten), so the clone's HEAD follows the remote's default branch.
const MIRROR_REFSPECS: [&str; 2] = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

/// Prefix of the staging directories of clones under way.
const STAGING_PREFIX: &str = ".clone-";

/// Why a remote source could not be cloned or fetched; URLs in it have passwords redacted.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// `git` could not be started (not installed, or not on the `PATH`).
    #[error(
        "{url}: cannot run git ({source}); temper fetches remote sources with the system's git"
    )]
    NoGit {
        /// The source's URL.
        url: String,
        /// Why it could not be started.
        #[source]
        source: std::io::Error,
    },
    /// A git command failed: an unreachable remote, a refused credential, a missing repository.
    #[error("{url}: git {action} failed: {message}")]
    Git {
        /// The source's URL.
        url: String,
        /// The git command that failed: `init`, `config`, `fetch`, `ls-remote` or `symbolic-ref`.
        action: &'static str,
        /// What git said on stderr, its lines joined by `; ` and control characters escaped.
        message: String,
    },
    /// A directory of the cache could not be made, renamed or removed.
    #[error("{}", .path.display())]
    Io {
        /// The directory in question.
        path: PathBuf,
        /// Why the operation failed.
        #[source]
        source: std::io::Error,
    },
    /// A URL whose scheme is not one of `ALLOWED_PROTOCOLS`; git is not run.
    #[error("{url}: only {protocols} URLs are fetched", protocols = ALLOWED_PROTOCOLS.replace(':', ", "))]
    Protocol {
        /// The source's URL.
        url: String,
    },
}

/// Whether a source is a URL rather than a local path.
pub fn is_url(source: &str) -> bool {
    source.contains("://")
}

/// `url` with any password replaced by `***` (`https://user:secret@host/x` ->
/// `https://user:***@host/x`), for messages and logs.
fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &authority[..colon],
            &rest[at..]
        ),
        _ => url.to_string(),
    }
}

/// The pull-request refs a project may ask for (`pull_refs = true`): GitHub's pull requests and
/// GitLab's merge requests, their heads only (not GitHub's test merges).
const PULL_REFSPECS: [&str; 2] = [
    "+refs/pull/*/head:refs/pull/*/head",
    "+refs/merge-requests/*/head:refs/merge-requests/*/head",
];

/// Brings the bare clone of `url` at `clone` up to date: fetched when it exists and was cloned
/// from `url`, cloned afresh otherwise (first run, or the configured source changed). With
/// `pull_refs`, the remote's pull-request heads come too (see [`crate::mine::git::pulls`]).
pub fn update(url: &str, clone: &Path, pull_refs: bool) -> Result<(), SourceError> {
    let scheme = url.split("://").next().unwrap_or_default();
    if !ALLOWED_PROTOCOLS.split(':').any(|p| p == scheme) {
        return Err(SourceError::Protocol { url: redact(url) });
    }
    if clone.join("HEAD").exists() {
        if origin_url(clone).as_deref() == Some(url) {
            return fetch(url, clone, pull_refs);
        }
        std::fs::remove_dir_all(clone).map_err(|source| SourceError::Io {
            path: clone.to_path_buf(),
            source,
        })?;
    }
    clone_bare(url, clone, pull_refs)
}

/// Removes the staging directories of clones that a killed run left in `cache` (the caller
/// holds the store's lock, so no clone is under way).
pub fn collect_leftovers(cache: &Path) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(STAGING_PREFIX)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The URL the cache clone at `clone` was made from.
fn origin_url(clone: &Path) -> Option<String> {
    let out = git(clone)
        .args(["config", "--file", "config", "--get", "remote.origin.url"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// Clones `url` bare into `path`, through a staging directory beside it.
fn clone_bare(url: &str, path: &Path, pull_refs: bool) -> Result<(), SourceError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let io = |p: &Path| {
        let path = p.to_path_buf();
        move |source| SourceError::Io { path, source }
    };
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(parent)
        .map_err(io(parent))?;
    run(
        url,
        "init",
        git(staging.path()).args(["init", "--quiet", "--bare", "--template="]),
    )?;
    run(
        url,
        "config",
        git(staging.path()).args(["config", "--file", "config", "remote.origin.url", url]),
    )?;
    fetch(url, staging.path(), pull_refs)?;
    let staged = staging.keep();
    std::fs::rename(&staged, path).map_err(io(path))
}

/// Fetches the remote's branches and tags (and with `pull_refs` its pull-request heads) into the
/// bare clone at `clone`; the remote's default branch becomes the clone's HEAD.
fn fetch(url: &str, clone: &Path, pull_refs: bool) -> Result<(), SourceError> {
    let mut fetch = git(clone);
    fetch.args([
        "fetch",
        "--quiet",
        "--prune",
        "--no-tags",
        "--no-write-fetch-head",
        "--no-recurse-submodules",
        "--",
        url,
    ]);
    fetch.args(MIRROR_REFSPECS);
    if pull_refs {
        fetch.args(PULL_REFSPECS);
    }
    run(url, "fetch", &mut fetch)?;
    // The remote's HEAD: `ls-remote --symref` names the branch it points at.
    let mut head = git(clone);
    head.args(["ls-remote", "--symref", "--", url, "HEAD"]);
    let listing = run(url, "ls-remote", &mut head)?;
    let branch = listing.lines().find_map(|l| {
        l.strip_prefix("ref: ")
            .and_then(|r| r.strip_suffix("\tHEAD"))
            .filter(|r| r.starts_with("refs/heads/"))
            .map(str::to_string)
    });
    if let Some(branch) = branch {
        run(
            url,
            "symbolic-ref",
            git(clone).args(["symbolic-ref", "HEAD", &branch]),
        )?;
    }
    Ok(())
}

/// A `git` command in `dir` with the isolation every call shares.
fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args(["-c", "core.hooksPath=/dev/null"])
        .env("GIT_ALLOW_PROTOCOL", ALLOWED_PROTOCOLS)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_DIR", dir)
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd`, returning its stdout, or its stderr (passwords redacted) as the error.
fn run(url: &str, action: &'static str, cmd: &mut Command) -> Result<String, SourceError> {
    let out = cmd.output().map_err(|source| SourceError::NoGit {
        url: redact(url),
        source,
    })?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let message = String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    Err(SourceError::Git {
        url: redact(url),
        action,
        message: redact_all(&message, url),
    })
}

/// `text` with every occurrence of `url` redacted and terminal control characters escaped.
fn redact_all(text: &str, url: &str) -> String {
    let text = text.replace(url, &redact(url));
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("https://user:secret@example.org/x.git"),
            "https://user:***@example.org/x.git"
        );
        assert_eq!(
            redact("https://user@example.org/x.git"),
            "https://user@example.org/x.git"
        );
        assert_eq!(
            redact("https://example.org:8443/x.git"),
            "https://example.org:8443/x.git"
        );
        assert_eq!(redact("file:///tmp/a:b@c"), "file:///tmp/a:b@c");
        assert_eq!(redact("/local/path"), "/local/path");
    }
}
