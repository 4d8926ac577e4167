//! Build script: stamps the binary with the commit it was built from, for `temper --version`.
//!
//! The commit comes from `git rev-parse` in the source directory; a build outside a git checkout
//! (a crates.io tarball, a source archive) says `unknown`. Cargo re-runs this script when the
//! checkout's HEAD or refs move, so the stamp follows the commit without a clean build.

use std::path::Path;
use std::process::Command;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(args)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?;
        (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]);
    let date = git(&["log", "-1", "--format=%cs", "HEAD"]);
    let stamp = match (commit, date) {
        (Some(c), Some(d)) => format!("{c} {d}"),
        (Some(c), None) => c,
        _ => "unknown".to_string(),
    };
    println!("cargo:rustc-env=TEMPER_COMMIT={stamp}");
    // HEAD lives in the (work tree's) git directory; refs in the common one.
    let git_dir = git(&["rev-parse", "--absolute-git-dir"]);
    let common = git(&["rev-parse", "--path-format=absolute", "--git-common-dir"]);
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    // A packed branch ref turns loose with the next commit: the refs directory is watched too
    // (cargo scans a watched directory's files).
    let watched = [
        git_dir.as_deref().map(|d| Path::new(d).join("HEAD")),
        common.as_deref().map(|d| Path::new(d).join("packed-refs")),
        common.as_deref().map(|d| Path::new(d).join("refs/heads")),
        common
            .as_deref()
            .zip(branch.as_deref())
            .map(|(d, b)| Path::new(d).join(b)),
    ];
    for path in watched.into_iter().flatten().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
