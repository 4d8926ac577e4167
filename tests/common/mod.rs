//! Shared helpers for the integration tests: fixture repositories built by the scripts in
//! `tests/fixtures/`, the temper binary, and git itself as the oracle.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs `tests/fixtures/<script> <dir>/<name>` and returns the repository path.
pub fn build_fixture(script: &str, dir: &Path, name: &str) -> PathBuf {
    let repo = dir.join(name);
    let status = Command::new("bash")
        .arg(fixtures_dir().join(script))
        .arg(&repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TZ", "UTC")
        .status()
        .expect("bash runs");
    assert!(status.success(), "{script} failed");
    repo
}

/// git with no user or system configuration, in `dir`.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_output(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("git prints UTF-8 here")
}

pub fn git_output(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TZ", "UTC")
        .output()
        .expect("git runs")
}

/// `git log` over `reference` as seen from outside any work tree, with the `.mailmap` of
/// `reference`'s tree: the contract's definition of identities.
pub fn git_log(repo: &Path, reference: &str, format: &str) -> Vec<String> {
    git_log_paths(repo, reference, format, &[])
}

/// [`git_log`] limited to `paths` (git's default history simplification).
pub fn git_log_paths(repo: &Path, reference: &str, format: &str, paths: &[&str]) -> Vec<String> {
    let git_dir = git(repo, &["rev-parse", "--absolute-git-dir"]);
    let empty = tempfile::tempdir().expect("tempdir");
    let mailmap = format!("mailmap.blob={reference}:.mailmap");
    let out = Command::new("git")
        .current_dir(empty.path())
        .env("GIT_DIR", git_dir.trim())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args([
            "-c",
            &mailmap,
            "log",
            &format!("--format={format}"),
            reference,
            "--",
        ])
        .args(paths)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

/// Per commit id: (added, removed, files) as `git log --numstat --no-merges REFERENCE --
/// PATHS` reports them (binary files count 0 lines).
pub fn numstat_paths(
    repo: &Path,
    reference: &str,
    paths: &[&str],
) -> std::collections::BTreeMap<String, (u64, u64, u32)> {
    let mut args = vec![
        "log",
        "--numstat",
        "--no-merges",
        "--format=@%H",
        reference,
        "--",
    ];
    args.extend_from_slice(paths);
    let out = git(repo, &args);
    let mut map = std::collections::BTreeMap::new();
    let mut current = String::new();
    for line in out.lines() {
        if let Some(id) = line.strip_prefix('@') {
            current = id.to_string();
            map.insert(current.clone(), (0, 0, 0));
        } else if !line.is_empty() {
            let mut parts = line.split('\t');
            let n = |v: Option<&str>| v.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            let (a, r) = (n(parts.next()), n(parts.next()));
            let e = map.get_mut(&current).expect("a commit line comes first");
            *e = (e.0 + a, e.1 + r, e.2 + 1);
        }
    }
    map
}

/// Every file line of `git log --numstat --no-merges` as (UTC month of the author date, path,
/// added, removed); binary files count 0 lines.
pub fn numstat_files_by_month(repo: &Path) -> Vec<(String, String, u64, u64)> {
    let format = ["--format=@%ad", "--date=format-local:%Y-%m"];
    let out = git(
        repo,
        &["log", "--numstat", "--no-merges", format[0], format[1]],
    );
    let mut month = String::new();
    let mut rows = Vec::new();
    for line in out.lines().filter(|l| !l.is_empty()) {
        if let Some(m) = line.strip_prefix('@') {
            month = m.to_string();
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let n = |v: &str| v.parse::<u64>().unwrap_or(0);
        rows.push((
            month.clone(),
            cells[2].to_string(),
            n(cells[0]),
            n(cells[1]),
        ));
    }
    rows
}

/// The churn temper stored per non-merge commit: (added, removed, files), by commit id.
pub fn stored_churn(
    store: &Path,
    name: &str,
) -> std::collections::BTreeMap<String, (u64, u64, u32)> {
    let rows = export_csv(store, "commits", Some(name));
    let n = |c: &str| -> Vec<u64> {
        column(&rows, c)
            .iter()
            .map(|v| v.parse().unwrap_or(0))
            .collect()
    };
    let (added, removed, files) = (n("lines_added"), n("lines_removed"), n("files_changed"));
    column(&rows, "commit")
        .into_iter()
        .zip(column(&rows, "is_merge"))
        .enumerate()
        .filter(|(_, (_, merge))| *merge == "false")
        .map(|(i, (c, _))| (c.to_string(), (added[i], removed[i], files[i] as u32)))
        .collect()
}

pub fn temper() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_temper"));
    cmd.env_remove("TEMPER_STORE");
    cmd
}

pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("temper runs");
    assert!(
        out.status.success(),
        "temper failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `temper analyze REPO --quiet --store STORE EXTRA...`, which must succeed.
pub fn analyze(repo: &Path, store: &Path, extra: &[&str]) -> Output {
    run_ok(
        temper()
            .arg("analyze")
            .arg(repo)
            .args(["--quiet", "--store"])
            .arg(store)
            .args(extra),
    )
}

/// `temper dataset --store STORE --out OUT`, which must succeed.
pub fn make_dataset(store: &Path, out: &Path) -> Output {
    run_ok(
        temper()
            .args(["dataset", "--store"])
            .arg(store)
            .arg("--out")
            .arg(out),
    )
}

/// Exports `table` as CSV and splits it into rows of cells (the tables tested here hold no
/// quoted commas).
pub fn export_csv(store: &Path, table: &str, repo: Option<&str>) -> Vec<Vec<String>> {
    let mut cmd = temper();
    cmd.args(["export", "--store"])
        .arg(store)
        .args(["--table", table, "--format", "csv"]);
    if let Some(repo) = repo {
        cmd.args(["--repo", repo]);
    }
    let out = run_ok(&mut cmd);
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(csv_cells)
        .collect()
}

/// The column `name` of CSV `rows` (header first).
pub fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[i].as_str()).collect()
}

/// The tokei CLI at the version temper links (15.0.0): `$TOKEI`, else `tokei` on PATH if it is
/// that version, else installed once from crates.io into the target directory. The parity tests
/// need the real CLI: it is the oracle.
pub fn tokei_cli() -> PathBuf {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let wanted = "tokei 15.0.0";
    let is_wanted = |bin: &Path| {
        Command::new(bin)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).starts_with(wanted))
            .unwrap_or(false)
    };
    if let Some(bin) = std::env::var_os("TOKEI").map(PathBuf::from) {
        assert!(is_wanted(&bin), "$TOKEI is not {wanted}");
        return bin;
    }
    if is_wanted(Path::new("tokei")) {
        return PathBuf::from("tokei");
    }
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let root = target.join("tokei-cli");
    let bin = root.join("bin/tokei");
    if !is_wanted(&bin) {
        let status = Command::new(env!("CARGO"))
            .args([
                "install",
                "tokei",
                "--version",
                "15.0.0",
                "--locked",
                "--quiet",
                "--root",
            ])
            .arg(&root)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "installing the tokei CLI failed");
    }
    bin
}

/// Commits what is staged (or nothing, with `--allow-empty`) as `name <email>` at `date` for
/// both author and committer.
pub fn commit_at(repo: &Path, name: &str, email: &str, date: &str, message: &str) {
    let out = Command::new("git")
        .current_dir(repo)
        .args([
            "-c",
            &format!("user.name={name}"),
            "-c",
            &format!("user.email={email}"),
        ])
        .args(["commit", "-q", "--allow-empty", "-m", message])
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `temper report FLAG DIR --out OUT` (FLAG: `--store` or `--dataset`), which must succeed.
pub fn report(flag: &str, dir: &Path, out: &Path) {
    run_ok(
        temper()
            .arg("report")
            .arg(flag)
            .arg(dir)
            .arg("--out")
            .arg(out),
    );
}

/// The cells of one CSV line, with RFC 4180 quoting (`"a, b"` and `""` inside quotes).
pub fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}
