//! Hostile and damaged repositories (tests/fixtures/make_hostile.sh): every walk ends, nothing
//! git reads is dropped, a missing blob costs only its own lines. git itself is the oracle,
//! read on the same repository (or, for the missing blob, before the blob was deleted).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

fn fixtures(dir: &Path) -> PathBuf {
    build_fixture("make_hostile.sh", dir, "hostile")
}

/// Runs `temper ARGS` and fails the test if it has not ended within `limit` (a loop or
/// runaway allocation shows as a time-out instead of a hung test run).
fn bounded(args: &[&std::ffi::OsStr], limit: Duration) -> std::process::Output {
    let mut child = temper()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("temper {args:?} ran past {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn analyze_bounded(repo: &Path, store: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "analyze".as_ref(),
        repo.as_os_str(),
        "--quiet".as_ref(),
        "--store".as_ref(),
        store.as_os_str(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let out = bounded(&args, Duration::from_secs(60));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn finding(store: &Path, name: &str, kind: &str) -> (u64, String) {
    let rows = export_csv(store, "data_quality", Some(name));
    let i = column(&rows, "kind")
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_else(|| panic!("no {kind} row"));
    (
        column(&rows, "count")[i].parse().unwrap(),
        column(&rows, "examples")[i].to_string(),
    )
}

#[test]
fn a_replace_ref_cycle_ends_every_walk() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("cycle");
    let expected = git(&repo, &["rev-list", "--count", "main"]);
    assert_eq!(expected.trim(), "3", "git reads the cycle as three commits");
    for extra in [&[][..], &["--activity-only"][..]] {
        let store = tmp.path().join(format!("store{}", extra.len()));
        analyze_bounded(&repo, &store, extra);
        let commits = export_csv(&store, "commits", None).len() - 1;
        assert_eq!(commits.to_string(), expected.trim(), "{extra:?}");
    }
}

#[test]
fn replace_refs_are_read_as_git_reads_them() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("replaced");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    assert_eq!(
        stored_churn(&store, "replaced"),
        numstat_paths(&repo, "main", &[])
    );
    let authors: BTreeSet<String> = git_log(&repo, "main", "%aE").into_iter().collect();
    let rows = export_csv(&store, "commits", None);
    let stored: BTreeSet<String> = column(&rows, "author")
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert_eq!(stored, authors, "Y's author stands for c2");
}

#[test]
fn malformed_identities_keep_their_commits_and_are_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("malformed");
    let store = tmp.path().join("store");
    let out = analyze_bounded(&repo, &store, &[]);
    let count = git(&repo, &["rev-list", "--count", "main"]);
    assert_eq!(
        (export_csv(&store, "commits", None).len() - 1).to_string(),
        count.trim()
    );
    assert_eq!(
        stored_churn(&store, "malformed"),
        numstat_paths(&repo, "main", &[])
    );
    // Every commit git fsck complains about is counted, and no other.
    let fsck = git_output(&repo, &["fsck", "--no-dangling"]);
    let flagged: BTreeSet<String> = String::from_utf8_lossy(&fsck.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("error in commit "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    assert_eq!(flagged.len(), 7, "the fixture's seven shapes");
    let (n, _) = finding(&store, "malformed", "malformed_identity");
    assert_eq!(n, flagged.len() as u64);
    // An author time git shows none for (`%at` empty) is an implausible date, not a month.
    let no_date = git_log(&repo, "main", "%at")
        .iter()
        .filter(|t| t.is_empty())
        .count();
    assert_eq!(
        finding(&store, "malformed", "implausible_date").0,
        no_date as u64
    );
    // Snapshots: git's first-parent commit at or before each month's end.
    let rows = export_csv(&store, "snapshots", None);
    for (month, commit) in column(&rows, "month").iter().zip(column(&rows, "commit")) {
        let (y, m): (i32, u32) = (month[..4].parse().unwrap(), month[5..].parse().unwrap());
        let end = if m == 12 {
            format!("{}-01-01T00:00:00Z", y + 1)
        } else {
            format!("{y}-{:02}-01T00:00:00Z", m + 1)
        };
        let at = git(
            &repo,
            &[
                "rev-list",
                "-1",
                "--first-parent",
                &format!("--before={end}"),
                "main",
            ],
        );
        assert_eq!(at.trim(), commit, "{month}");
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("malformed author or committer"));
}

#[test]
fn declared_encodings_keep_identities_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("latin1");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let authors: BTreeSet<String> = git_log(&repo, "main", "%aE").into_iter().collect();
    assert_eq!(authors.len(), 2, "{authors:?}");
    let rows = export_csv(&store, "commits", None);
    let stored: BTreeSet<String> = column(&rows, "author")
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert_eq!(stored, authors);
}

#[test]
fn a_missing_blob_costs_only_its_own_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("damaged");
    // The oracle, read while every object is present (on a copy that keeps the blob).
    let git_churn = numstat_paths(&repo, "main", &[]);
    let repo_before = tmp.path().join("before");
    git(
        tmp.path(),
        &["clone", "-q", repo.to_str().unwrap(), "before"],
    );
    let c2 = git(&repo, &["rev-parse", "main~2^1"]);
    let c2 = c2.trim().to_string();
    assert_eq!(git(&repo, &["log", "-1", "--format=%s", &c2]).trim(), "c2");
    let blob = git(&repo, &["rev-parse", &format!("{c2}:extra.c")]);
    let blob = blob.trim().to_string();
    let extra_lines = git(&repo, &["cat-file", "-p", &blob]).lines().count() as u64;
    assert_eq!(extra_lines, 4);
    // A partial clone's missing blob: the fixture's objects are loose, so one file goes.
    let object = repo.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    std::fs::remove_file(&object).unwrap();
    assert!(!git_output(&repo, &["cat-file", "-e", &blob])
        .status
        .success());

    let store = tmp.path().join("store");
    let out = analyze_bounded(&repo, &store, &[]);
    let got = stored_churn(&store, "damaged");
    // The only blob extra.c ever had: each commit touching it still changes one file, and only
    // the lines git counts for that file there (c2 +4, c3 -4) are unknown.
    let extra = numstat_paths(&repo_before, "main", &["extra.c"]);
    assert_eq!(extra.len(), 2);
    for (commit, expected) in &git_churn {
        let mut expected = *expected;
        if let Some((added, removed, _)) = extra.get(commit) {
            expected.0 -= added;
            expected.1 -= removed;
        }
        assert_eq!(got.get(commit), Some(&expected), "commit {commit}");
    }
    assert_eq!(got.len(), git_churn.len());
    let (n, examples) = finding(&store, "damaged", "missing_object");
    assert_eq!((n, examples.as_str()), (1, blob.as_str()));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing objects skipped"));

    // Line age follows the merge that deletes extra.c and old.c: at every month the age
    // cohorts hold exactly the lines the month's snapshot counts.
    let loc = export_csv(&store, "loc", None);
    let age = export_csv(&store, "age", None);
    let months: BTreeSet<&str> = column(&loc, "month").into_iter().collect();
    for month in months {
        let sum = |rows: &[Vec<String>], cols: &[&str]| -> u64 {
            let m = column(rows, "month");
            cols.iter()
                .map(|c| {
                    column(rows, c)
                        .iter()
                        .zip(&m)
                        .filter(|(_, mm)| **mm == month)
                        .map(|(v, _)| v.parse::<u64>().unwrap())
                        .sum::<u64>()
                })
                .sum()
        };
        assert_eq!(
            sum(&age, &["lines"]),
            sum(&loc, &["code", "comments", "blanks"]),
            "{month}"
        );
    }
}

/// Sums `cols` of the rows of `month`.
fn month_sum(rows: &[Vec<String>], month: &str, cols: &[&str]) -> u64 {
    let months = column(rows, "month");
    cols.iter()
        .map(|c| {
            column(rows, c)
                .iter()
                .zip(&months)
                .filter(|(_, m)| **m == month)
                .map(|(v, _)| v.parse::<u64>().unwrap())
                .sum::<u64>()
        })
        .sum()
}

#[test]
fn one_scope_for_every_stage_in_both_glob_spellings() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("vendored");
    let git_churn = numstat_paths(&repo, "main", &[".", ":!vendor"]);
    for spelling in ["vendor", "vendor/**", "vendor/"] {
        let store = tmp.path().join(format!("store-{}", spelling.len()));
        analyze_bounded(&repo, &store, &["--exclude", spelling]);
        // git leaves out the commits that touch nothing in scope; temper keeps them at zero.
        for (commit, churn) in stored_churn(&store, "vendored") {
            let expected = git_churn.get(&commit).copied().unwrap_or((0, 0, 0));
            assert_eq!(churn, expected, "{spelling}: commit {commit}");
        }
        let loc = export_csv(&store, "loc", None);
        let age = export_csv(&store, "age", None);
        let months: BTreeSet<&str> = column(&loc, "month").into_iter().collect();
        assert_eq!(months.len(), 5);
        for month in months {
            assert_eq!(
                month_sum(&age, month, &["lines"]),
                month_sum(&loc, month, &["code", "comments", "blanks"]),
                "{spelling}: {month}"
            );
        }
    }
}

#[test]
fn outputs_never_replace_what_they_write_to() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("replaced");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let expected = export_csv(&store, "activity", None);
    // A symlink stays a symlink, and its target holds the table.
    let target = tmp.path().join("target.csv");
    std::fs::write(&target, "old").unwrap();
    let link = tmp.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    run_ok(
        temper()
            .args([
                "export", "--table", "activity", "--format", "csv", "--store",
            ])
            .arg(&store)
            .arg("--out")
            .arg(&link),
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let written: Vec<Vec<String>> = std::fs::read_to_string(&target)
        .unwrap()
        .lines()
        .map(csv_cells)
        .collect();
    assert_eq!(written, expected);
    // A FIFO stays a FIFO; its reader gets the chart.
    let fifo = tmp.path().join("chart.svg");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    run_ok(
        temper()
            .args(["chart", "commits", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&fifo),
    );
    assert!(reader.join().unwrap().contains("<svg"));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn a_dataset_is_never_written_into_a_store() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("replaced");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let before = export_csv(&store, "commits", None);
    let other = tmp.path().join("other");
    analyze_bounded(&repo, &other, &[]);
    for out in [
        store.clone(),
        store.join("repos"),
        store.join("new/dir"),
        tmp.path().to_path_buf(),
        other.clone(),
    ] {
        let result = temper()
            .args(["dataset", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(1), "{}", out.display());
        assert!(String::from_utf8_lossy(&result.stderr).contains("--out"));
    }
    assert_eq!(export_csv(&store, "commits", None), before);
    assert_eq!(export_csv(&other, "commits", None), before);
    assert!(!store.join("new").exists());
    // A dataset of its own may be written, and written again.
    for _ in 0..2 {
        run_ok(
            temper()
                .args(["dataset", "--store"])
                .arg(&store)
                .arg("--out")
                .arg(tmp.path().join("ds")),
        );
    }
}

#[test]
fn activity_only_repositories_are_reported_with_what_they_have() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fixtures(tmp.path());
    let store = tmp.path().join("store");
    analyze_bounded(&root.join("replaced"), &store, &["--activity-only"]);
    analyze_bounded(&root.join("vendored"), &store, &[]);
    let out = tmp.path().join("report");
    report("--store", &store, &out);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("replaced was mined with --activity-only"),
        "{md}"
    );
    assert!(!md.contains("vendored was mined with --activity-only"));
    // A dataset of it, in either layout, is reported the same way.
    for layout in ["store", "hive"] {
        let dataset = tmp.path().join(format!("dataset-{layout}"));
        run_ok(
            temper()
                .args(["dataset", "--layout", layout, "--store"])
                .arg(&store)
                .arg("--out")
                .arg(&dataset),
        );
        let out = tmp.path().join(format!("report-{layout}"));
        report("--dataset", &dataset, &out);
        let from_dataset = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(
            from_dataset.contains("replaced was mined with --activity-only"),
            "{layout}"
        );
    }
    let chart = temper()
        .args(["chart", "age", "--repo", "replaced", "--store"])
        .arg(&store)
        .arg("--out")
        .arg(tmp.path().join("age.png"))
        .output()
        .unwrap();
    assert_eq!(chart.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&chart.stderr).contains("was mined with --activity-only"));
}

#[test]
fn long_and_escaping_text_reaches_every_output_safely() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("long");
    let store = tmp.path().join("store");
    let out = analyze_bounded(&repo, &store, &[]);
    assert!(!out.stdout.contains(&0x1b));
    // The stored identity is the whole address, as git prints it.
    let long = format!("{}@example.org", "a".repeat(70_000));
    let rows = export_csv(&store, "commits", None);
    assert!(column(&rows, "author").contains(&long.as_str()));
    // The table view cuts and escapes it.
    let sql = tmp.path().join("authors.sql");
    std::fs::write(&sql, "SELECT author FROM commits ORDER BY author").unwrap();
    let view = run_ok(temper().arg("query").arg(&sql).arg("--store").arg(&store));
    let text = String::from_utf8(view.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.contains("red\\u{1b}[31m\\u{7}@example.org"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() < 1000));
    assert!(text.contains('…'));
    // Every other output takes it too.
    // (Parquet compresses the run of a's: it is only checked to be written.)
    for format in ["csv", "json", "parquet"] {
        let file = tmp.path().join(format!("commits.{format}"));
        run_ok(
            temper()
                .args([
                    "export", "--table", "commits", "--format", format, "--store",
                ])
                .arg(&store)
                .arg("--out")
                .arg(&file),
        );
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size > 70_000 || format == "parquet", "{format}");
    }
    let report_dir = tmp.path().join("report");
    report("--store", &store, &report_dir);
    for file in ["report.md", "report.html"] {
        let text = std::fs::read_to_string(report_dir.join(file)).unwrap();
        assert!(!text.contains('\u{1b}'), "{file}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_device_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("replaced");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let sql = tmp.path().join("all.sql");
    std::fs::write(&sql, "SELECT * FROM commits").unwrap();
    type Cmd = fn(&Path, &Path, &Path) -> std::process::Command;
    let commands: [(&str, Cmd); 3] = [
        ("analyze", |repo, store, _| {
            let mut c = temper();
            c.arg("analyze")
                .arg(repo)
                .arg("--quiet")
                .arg("--store")
                .arg(store);
            c
        }),
        ("query", |_, store, sql| {
            let mut c = temper();
            c.arg("query").arg(sql).arg("--store").arg(store);
            c
        }),
        ("export", |_, store, _| {
            let mut c = temper();
            c.args(["export", "--table", "commits", "--format", "csv", "--store"])
                .arg(store);
            c
        }),
    ];
    for (what, make) in commands {
        // The reading end is closed before temper starts, so its first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = make(&repo, &store, &sql)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{what}: closed pipe");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("error") && !stderr.contains("panicked"),
            "{what}: {stderr}"
        );

        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = make(&repo, &store, &sql).stdout(full).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}: full device");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("No space left on device"),
            "{what}: {stderr}"
        );
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn repository_names_follow_one_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("replaced");
    let store = tmp.path().join("store");
    let long = "n".repeat(70_000);
    for bad in ["", "-x", " x", "a=b", "a\u{1b}[31m", "..", long.as_str()] {
        let out = temper()
            .arg("analyze")
            .arg(&repo)
            .arg("--store")
            .arg(&store)
            .arg(format!("--name={bad}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("repository name"), "{stderr}");
        assert!(!stderr.contains('\u{1b}') && stderr.len() < 400);
        assert!(!store.exists(), "nothing is written for a bad name");
    }
    for good in ["../../escape", "a b", "café", "[x](y)"] {
        analyze_bounded(&repo, &store, &["--name", good]);
    }
}

#[test]
fn an_empty_tip_tree_has_no_code_and_no_main_language() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("emptied");
    assert_eq!(
        git(&repo, &["ls-tree", "-r", "main"]),
        "",
        "git sees an empty tree"
    );
    let store = tmp.path().join("store");
    let out = analyze_bounded(&repo, &store, &[]);
    let summary = String::from_utf8(out.stdout).unwrap();
    let row: Vec<&str> = summary.lines().nth(1).unwrap().split_whitespace().collect();
    // repo first last commits contributors c/m c12m code-now ...: code now is 0 and the main
    // languages column is empty.
    assert_eq!(row[7], "0", "{summary}");
    assert!(!summary.contains("C 100%"), "{summary}");
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries");
    for query in ["language_mix_now.sql", "code_age_now.sql"] {
        let out = run_ok(
            temper()
                .arg("query")
                .arg(root.join(query))
                .args(["--format", "csv", "--store"])
                .arg(&store),
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap().lines().count(),
            1,
            "{query}: header only"
        );
    }
    let report_dir = tmp.path().join("report");
    report("--store", &store, &report_dir);
    let csv = std::fs::read_to_string(report_dir.join("tables/report_summary.csv")).unwrap();
    let rows: Vec<Vec<String>> = csv.lines().map(csv_cells).collect();
    assert_eq!(column(&rows, "main_language"), [""]);
}

#[test]
fn gitlinks_count_as_numstat_counts_them() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("gitlink");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let expected = numstat_paths(&repo, "main", &[]);
    assert_eq!(
        expected.values().map(|c| c.2).sum::<u32>(),
        4,
        "git: 4 file changes"
    );
    assert_eq!(stored_churn(&store, "gitlink"), expected);
}

/// Entries of the repository directories of `store` whose name starts with `prefix`.
fn leftovers(store: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(store.join("repos"))
        .unwrap()
        .flatten()
        .flat_map(|repo| std::fs::read_dir(repo.path()).unwrap().flatten())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[test]
fn a_full_disk_or_a_kill_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("replaced");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &["--ref", "main~1"]);
    let before = export_csv(&store, "commits", None);
    // The disk fills while the new tables are written: an error, the old tables stay, and the
    // partial copy is gone.
    let full = temper()
        .args(["analyze", "--quiet", "--store"])
        .arg(&store)
        .arg(&repo)
        .env("TEMPER_FAULT", "disk-full")
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&full.stderr).contains("No space left on device"));
    assert_eq!(export_csv(&store, "commits", None), before);
    assert!(leftovers(&store, "tmp-").is_empty());
    // Killed with its copy half made: the next run collects it and completes.
    let killed = temper()
        .args(["analyze", "--quiet", "--store"])
        .arg(&store)
        .arg(&repo)
        .env("TEMPER_FAULT", "in-staging")
        .output()
        .unwrap();
    assert!(!killed.status.success());
    assert_eq!(leftovers(&store, "tmp-").len(), 1);
    assert_eq!(export_csv(&store, "commits", None), before);
    analyze_bounded(&repo, &store, &[]);
    assert!(leftovers(&store, "tmp-").is_empty());
    let fresh = tmp.path().join("fresh");
    analyze_bounded(&repo, &fresh, &[]);
    assert_eq!(
        export_csv(&store, "commits", None),
        export_csv(&fresh, "commits", None)
    );
}

/// The peak resident memory (VmHWM, kB) of `temper ARGS`, read from /proc while it runs.
fn peak_memory_kb(args: &[&std::ffi::OsStr]) -> u64 {
    let mut child = temper()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(text) = std::fs::read_to_string(&status) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kb);
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(child.wait().unwrap().success());
    peak
}

#[test]
fn a_blob_over_the_limit_is_never_inflated() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_big.sh", tmp.path(), "big");
    let blob = git(&repo, &["rev-parse", "main:big.c"]);
    let size: u64 = git(&repo, &["cat-file", "-s", blob.trim()])
        .trim()
        .parse()
        .unwrap();
    assert!(size > 160 << 20);
    let store = tmp.path().join("store");
    let peak = peak_memory_kb(&[
        "analyze".as_ref(),
        repo.as_os_str(),
        "--store".as_ref(),
        store.as_os_str(),
    ]);
    // Measured: about 72 MB with the header check, 545 MB when the blob was inflated (by churn's
    // and line age's readers). Anything below the blob's own size shows it was not read whole.
    assert!(peak * 1024 < size, "peak {peak} kB for a {size}-byte blob");
    let (n, _) = finding(&store, "big", "oversized_blob");
    assert_eq!(n, 2, "both versions of big.c");
}

#[test]
fn a_damaged_store_is_noticed_and_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("replaced");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let expected = export_csv(&store, "activity", None);
    let dir = store.join("repos/replaced");
    let live = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    // One byte of a table changes: the next run with unchanged inputs notices and rebuilds.
    let table = dir.join(live.trim()).join("activity.parquet");
    let mut bytes = std::fs::read(&table).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&table, bytes).unwrap();
    let out = analyze_bounded(&repo, &store, &[]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("unchanged"));
    assert_eq!(export_csv(&store, "activity", None), expected);
    // CURRENT pointing outside the repository's directory is refused by every reader.
    std::fs::write(dir.join("CURRENT"), "../../../../etc").unwrap();
    let export = temper()
        .args([
            "export", "--table", "activity", "--format", "csv", "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(export.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&export.stderr);
    assert!(
        stderr.contains("CURRENT") && stderr.contains("damaged"),
        "{stderr}"
    );
    analyze_bounded(&repo, &store, &[]);
    assert_eq!(export_csv(&store, "activity", None), expected);
}

/// `temper ARGS`, which must fail with exit 1 and a one-line message holding every `needle`.
fn fails_clearly(args: &[&std::ffi::OsStr], needles: &[&str]) {
    let out = bounded(args, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: wanted {needle:?} in {stderr}"
        );
    }
}

#[test]
fn inputs_that_cannot_be_mined_get_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fixtures(tmp.path());
    let store = tmp.path().join("store");
    let analyze = |name: &str, needles: &[&str]| {
        let repo = root.join(name);
        fails_clearly(
            &[
                "analyze".as_ref(),
                repo.as_os_str(),
                "--store".as_ref(),
                store.as_os_str(),
            ],
            needles,
        );
    };
    analyze("sha256", &["SHA-256"]);
    analyze("symloop", &["refs/heads/a -> refs/heads/b -> refs/heads/a"]);
    // A truncated pack holding the tip: the tip is named and the damage said.
    let packed = tmp.path().join("packed");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            "--no-local",
            root.join("replaced").to_str().unwrap(),
            "packed",
        ],
    );
    git(&packed, &["repack", "-q", "-a", "-d"]);
    let pack = std::fs::read_dir(packed.join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pack)
        .unwrap()
        .set_len(100)
        .unwrap();
    fails_clearly(
        &[
            "analyze".as_ref(),
            packed.as_os_str(),
            "--store".as_ref(),
            store.as_os_str(),
        ],
        &["cannot be read", "git fsck"],
    );
    assert!(!store.exists(), "nothing was written");
    // An empty store: query and dataset say so.
    std::fs::create_dir_all(&store).unwrap();
    analyze_bounded(&root.join("epoch"), &store, &[]);
    std::fs::remove_dir_all(store.join("repos")).unwrap();
    let sql = tmp.path().join("q.sql");
    std::fs::write(&sql, "SELECT * FROM data_quality").unwrap();
    fails_clearly(
        &[
            "query".as_ref(),
            sql.as_os_str(),
            "--store".as_ref(),
            store.as_os_str(),
        ],
        &["no repositories"],
    );
    // A dataset of an empty store is an empty dataset (a fleet shard that drew no project), said
    // so; reporting on it alone fails clearly.
    let out = tmp.path().join("ds");
    let made = run_ok(
        temper()
            .args(["dataset", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&out),
    );
    assert!(String::from_utf8_lossy(&made.stderr).contains("no repository"));
    let report_dir = tmp.path().join("empty-report");
    fails_clearly(
        &[
            "report".as_ref(),
            "--dataset".as_ref(),
            out.as_os_str(),
            "--out".as_ref(),
            report_dir.as_os_str(),
        ],
        &["no repositories"],
    );
    // Damaged Parquet names its file.
    let store2 = tmp.path().join("store2");
    analyze_bounded(&root.join("replaced"), &store2, &[]);
    let dir = store2.join("repos/replaced");
    let live = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    std::fs::write(dir.join(live.trim()).join("loc.parquet"), "not parquet").unwrap();
    fails_clearly(
        &[
            "export".as_ref(),
            "--table".as_ref(),
            "loc".as_ref(),
            "--format".as_ref(),
            "csv".as_ref(),
            "--store".as_ref(),
            store2.as_os_str(),
        ],
        &["loc.parquet", "damaged"],
    );
}

#[test]
fn no_plausible_month_and_a_tree_that_is_a_blob_are_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fixtures(tmp.path());
    let store = tmp.path().join("store");
    // Every commit dated 1970: analysed, and the report says why it shows no months.
    analyze_bounded(&root.join("epoch"), &store, &[]);
    let out = tmp.path().join("report");
    report("--store", &store, &out);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("epoch has no commit with a plausible date"),
        "{md}"
    );
    // The tip's tree header names a blob: git reads both commits; the tree is unreadable.
    let repo = root.join("blobtree");
    let blob = git(&repo, &["rev-parse", "main~1:a.c"]);
    let store = tmp.path().join("store2");
    analyze_bounded(&repo, &store, &[]);
    let count = git(&repo, &["rev-list", "--count", "main"]);
    assert_eq!(
        (export_csv(&store, "commits", None).len() - 1).to_string(),
        count.trim()
    );
    let (n, examples) = finding(&store, "blobtree", "corrupt_object");
    assert!(n >= 1 && examples.contains(blob.trim()), "{n} {examples}");
}

#[test]
fn chart_svgs_stay_well_formed_xml() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("replaced");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &["--name", "<&\"'>"]);
    let svg = tmp.path().join("c.svg");
    run_ok(
        temper()
            .args(["chart", "commits", "--title", "a\u{1}b<c>", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&svg),
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let texts: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(
        texts.contains("a\u{fffd}b<c>") && texts.contains("<&\"'>"),
        "{texts}"
    );
}

#[test]
fn old_trees_diff_as_git_diffs_them() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = fixtures(tmp.path()).join("unsorted");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    assert_eq!(
        stored_churn(&store, "unsorted"),
        numstat_paths(&repo, "main", &[])
    );
}

/// Findings are a function of the history, not of the run's path: a blob only churn reads (it
/// lived between two month ends: tests/fixtures/make_midmonth.sh) is missing; a later commit that
/// edits `.mailmap` makes the next run walk again and reuse the stored churn, and the missing
/// blob stays a finding, as a fresh run of the same history reports it.
#[test]
fn a_missing_blob_stays_a_finding_when_churn_is_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_midmonth.sh", tmp.path(), "midmonth");
    let blob = git(&repo, &["rev-parse", "main~1:a.c"]).trim().to_string();
    let object = repo.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    std::fs::remove_file(&object).unwrap();
    assert!(!git_output(&repo, &["cat-file", "-e", &blob])
        .status
        .success());
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    assert_eq!(
        finding(&store, "midmonth", "missing_object"),
        (1, blob.clone())
    );
    std::fs::write(
        repo.join(".mailmap"),
        "Ann <ann@example.org> <ann@example.com>\n",
    )
    .unwrap();
    git(&repo, &["add", ".mailmap"]);
    commit_at(
        &repo,
        "Ann",
        "ann@example.org",
        "2024-02-01T10:00:00Z",
        "mailmap",
    );
    analyze_bounded(&repo, &store, &[]);
    assert_eq!(
        finding(&store, "midmonth", "missing_object"),
        (1, blob.clone())
    );
    let fresh = tmp.path().join("fresh");
    analyze_bounded(&repo, &fresh, &[]);
    assert_eq!(
        finding(&fresh, "midmonth", "missing_object"),
        (1, blob.clone())
    );
    // No month-end snapshot holds v2, yet missing_files names it with its path, class, language
    // and the commits that add and replace it (c2, c3: `git log --format=%H -- a.c` lists them),
    // on the re-run as on a fresh run.
    let c2 = git(&repo, &["rev-parse", "main~2"]);
    let c3 = git(&repo, &["rev-parse", "main~1"]);
    let expected = vec![vec![
        "midmonth".to_string(),
        "a.c".to_string(),
        blob,
        "code".to_string(),
        "C".to_string(),
        "2024-01".to_string(),
        "2024-01".to_string(),
        format!("{} {}", c2.trim(), c3.trim()),
    ]];
    for s in [&store, &fresh] {
        let rows = export_csv(s, "missing_files", None);
        assert_eq!(rows[1..].to_vec(), expected);
    }
}

/// The age and history fixtures built in `dir` and analysed into `dir/store`: the age fixture's
/// path and the store.
fn store_of_age_and_history(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let age = build_fixture("make_age.sh", dir, "age");
    let history = build_fixture("make_history.sh", dir, "history");
    let store = dir.join("store");
    analyze_bounded(&age, &store, &[]);
    analyze_bounded(&history, &store, &[]);
    (age, store)
}

/// One damaged project does not brick the store: with one repository's `CURRENT` naming a
/// generation that is not there, `list` shows the others and warns, a report of the others is
/// made, and the next `analyze` of the damaged one rebuilds it (its activity equal to before).
#[test]
fn one_damaged_project_leaves_the_others_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let (age, store) = store_of_age_and_history(tmp.path());
    let expected = export_csv(&store, "activity", Some("age"));
    std::fs::write(store.join("repos/age/CURRENT"), "g999999\n").unwrap();
    let list = temper()
        .args(["list", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("history") && !listed.contains("\nage "),
        "{listed}"
    );
    assert!(String::from_utf8_lossy(&list.stderr).contains("repos/age is damaged"));
    report("--store", &store, &tmp.path().join("report"));
    analyze_bounded(&age, &store, &[]);
    assert_eq!(export_csv(&store, "activity", Some("age")), expected);
    assert!(temper()
        .args(["list", "--store"])
        .arg(&store)
        .output()
        .unwrap()
        .stderr
        .is_empty());
}

/// A store (or dataset) from elsewhere is input too: a repository whose stored name breaks the
/// name rule (here an escape sequence, which would colour a terminal and reach the page) is left
/// out like a damaged one, and the others are listed and reported.
#[test]
fn a_stored_name_that_breaks_the_name_rule_is_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, store) = store_of_age_and_history(tmp.path());
    let dir = store.join("repos/age");
    let live = std::fs::read_to_string(dir.join("CURRENT")).unwrap();
    let meta = dir.join(live.trim()).join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replacen("\"name\": \"age\"", "\"name\": \"\\u001b[31mred\"", 1),
    )
    .unwrap();
    let list = temper()
        .args(["list", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(list.status.success());
    let shown = [list.stdout.clone(), list.stderr.clone()].concat();
    assert!(
        !shown.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&shown)
    );
    assert!(String::from_utf8_lossy(&list.stdout).contains("history"));
    assert!(String::from_utf8_lossy(&list.stderr).contains("repos/age is damaged"));
    let out = tmp.path().join("report");
    report("--store", &store, &out);
    for page in ["report.md", "report.html"] {
        let text = std::fs::read(out.join(page)).unwrap();
        assert!(!text.contains(&0x1b), "{page}");
    }
}

/// The loc rows of `store` as (class, language) -> (files, code).
fn loc_by_class(store: &Path) -> BTreeSet<(String, String, String, String)> {
    let rows = export_csv(store, "loc", None);
    let (class, language, files, code) = (
        column(&rows, "class"),
        column(&rows, "language"),
        column(&rows, "files"),
        column(&rows, "code"),
    );
    (0..class.len())
        .filter(|&i| code[i] != "0")
        .map(|i| {
            let s = |c: &[&str]| c[i].to_string();
            (s(&class), s(&language), s(&files), s(&code))
        })
        .collect()
}

/// 20,000 lines of root `.gitattributes`, 200 directories with their own, and a line of 200,001
/// bytes (`make_attr_flood.sh`): attribute sets are shared, not copied per directory (4.5 GB
/// before), and the long line is ignored as git ignores it (it panicked in the glob compiler).
#[test]
fn gitattributes_at_scale_cost_what_their_rules_cost() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_attr_flood.sh", tmp.path(), "flood");
    let store = tmp.path().join("store");
    let peak = peak_memory_kb(&[
        "analyze".as_ref(),
        repo.as_os_str(),
        "--store".as_ref(),
        store.as_os_str(),
    ]);
    // Measured: 41 MB in a release build.
    assert!(peak < 400 * 1024, "peak {peak} kB");
    // git says which files are generated; the hand count (make_attr_flood.sh) is 200.
    let files = git(&repo, &["ls-files"]);
    let mut args = vec!["check-attr", "linguist-generated", "--"];
    args.extend(files.lines());
    let generated = git(&repo, &args)
        .lines()
        .filter(|l| l.ends_with(".c: linguist-generated: set"))
        .count();
    assert_eq!(generated, 200);
    let expected: BTreeSet<(String, String, String, String)> =
        [("generated", "C", "200", "400"), ("code", "C", "1", "3")]
            .iter()
            .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
            .collect();
    assert_eq!(loc_by_class(&store), expected);
    let root = git(&repo, &["rev-parse", "HEAD:.gitattributes"]);
    assert_eq!(
        finding(&store, "flood", "ignored_attribute_line"),
        (1, root.trim().to_string())
    );
}

/// A file 20,000 directories deep (`make_deep.sh`): no stage recurses as deep as the tree, so
/// nothing overflows the stack (it aborted at 5,000). git stops at 4,096 levels; the oracle is
/// the hand count in the fixture.
#[test]
fn a_file_twenty_thousand_directories_deep_is_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_deep.sh", tmp.path(), "deep");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let churn: Vec<(u64, u64, u32)> = stored_churn(&store, "deep").into_values().collect();
    let mut churn = churn;
    churn.sort();
    assert_eq!(churn, [(1, 0, 1), (2, 0, 2)]);
    let rows = export_csv(&store, "loc", None);
    assert_eq!(column(&rows, "month"), ["2022-01", "2022-02"]);
    assert_eq!(column(&rows, "files"), ["2", "2"]);
    assert_eq!(column(&rows, "code"), ["2", "3"]);
    let age = export_csv(&store, "age", None);
    let lines: u64 = column(&age, "lines")
        .iter()
        .zip(column(&age, "month"))
        .filter(|(_, m)| *m == "2022-02")
        .map(|(l, _)| l.parse::<u64>().unwrap())
        .sum();
    assert_eq!(lines, 3, "every line of February's tree has an age");
}

/// 10,000 release tags and a tag 20,000 tag objects deep (`make_many_tags.sh`): release work
/// grows with the ranges, not tags times history (10,000 tags took 41 s), and a deep chain is
/// peeled as git peels it (chains over 16 were dropped). Ranges against `git rev-list`.
#[test]
fn ten_thousand_tags_and_a_deep_tag_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_many_tags.sh", tmp.path(), "tags");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &["--activity-only"]);
    let rows = export_csv(&store, "releases", None);
    let (tags, previous, commits, contributors) = (
        column(&rows, "tag"),
        column(&rows, "previous"),
        column(&rows, "commits"),
        column(&rows, "contributors"),
    );
    assert_eq!(tags.len(), 10_001);
    let at = |tag: &str| tags.iter().position(|t| *t == tag).unwrap();
    let deep = at("v2.0.0");
    let peeled = git(&repo, &["rev-parse", "v2.0.0^{commit}"]);
    assert_eq!(column(&rows, "commit")[deep], peeled.trim());
    assert_eq!((previous[deep], commits[deep]), ("v1.100.0", "0"));
    // The rule (src/mine/release.rs): a maintenance release follows the one before it in its
    // feature, a feature release the feature before it; v1.1.0 has no lower feature release
    // and takes the highest lower release; v1.0.1 has none at all.
    let rule = |n: u32, m: u32| match (n, m) {
        (0, 1) => String::new(),
        (1, 0) => "v1.0.99".to_string(),
        (n, 0) => format!("v1.{}.0", n - 1),
        (n, m) => format!("v1.{n}.{}", m - 1),
    };
    for k in (1..=10_000u32)
        .step_by(499)
        .chain([100, 101, 200, 9_999, 10_000])
    {
        let tag = format!("v1.{}.{}", k / 100, k % 100);
        let i = at(&tag);
        assert_eq!(previous[i], rule(k / 100, k % 100), "{tag}");
        if previous[i].is_empty() {
            continue;
        }
        let range = format!("{}..{tag}", previous[i]);
        let count = git(&repo, &["rev-list", "--count", "--no-merges", &range]);
        assert_eq!(commits[i], count.trim(), "{tag}");
        let authors = git(&repo, &["log", "--format=%aE", &range]);
        let authors: BTreeSet<&str> = authors.lines().collect();
        assert_eq!(contributors[i], authors.len().to_string(), "{tag}");
    }
}

/// Names that GitHub's Markdown would turn into links (`www.`, `https://`, an e-mail address)
/// stay text in report.md: rendered by cmark-gfm, GitHub's own renderer (Python's cmarkgfm,
/// which .ci/run installs), report.md holds no link to them.
#[test]
fn names_are_never_autolinked_in_report_md() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_midmonth.sh", tmp.path(), "repo");
    let store = tmp.path().join("store");
    for name in ["www.evil.com", "ops@evil.com", "https://evil.com/login"] {
        analyze_bounded(&repo, &store, &["--name", name]);
    }
    let out = tmp.path().join("report");
    report("--store", &store, &out);
    let md = out.join("report.md");
    let script = "import sys, cmarkgfm\n\
                  print(cmarkgfm.github_flavored_markdown_to_html(open(sys.argv[1]).read()))";
    let rendered = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&md)
        .output()
        .expect("python3 runs");
    if !rendered.status.success() && std::env::var_os("TEMPER_SKIP_PYTHON").is_some() {
        eprintln!("TEMPER_SKIP_PYTHON is set: report.md not rendered with cmark-gfm");
        return;
    }
    assert!(
        rendered.status.success(),
        "cmark-gfm (pip install cmarkgfm, or set TEMPER_SKIP_PYTHON=1): {}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let html = String::from_utf8(rendered.stdout).unwrap();
    assert!(html.contains("evil.com"), "the names are in the report");
    let links: Vec<&str> = html
        .match_indices("<a href=")
        .map(|(i, _)| &html[i..(i + 80).min(html.len())])
        .filter(|l| l.contains("evil"))
        .collect();
    assert!(links.is_empty(), "{links:?}");
}

/// `report --out` killed half-way (an abort where a SIGKILL would stop it) leaves the earlier
/// report whole; the next report replaces it and removes the killed one's staging folder.
#[test]
fn a_killed_report_leaves_the_earlier_report_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_midmonth.sh", tmp.path(), "repo");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let out = tmp.path().join("out");
    report("--store", &store, &out);
    let before = std::fs::read(out.join("report.md")).unwrap();
    let killed = temper()
        .args(["report", "--store"])
        .arg(&store)
        .arg("--out")
        .arg(&out)
        .env("TEMPER_FAULT", "report-half-written")
        .output()
        .unwrap();
    assert!(killed.status.code().is_none(), "the process was killed");
    assert_eq!(std::fs::read(out.join("report.md")).unwrap(), before);
    let staging = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".out."))
            .collect()
    };
    assert_eq!(staging(tmp.path()).len(), 1, "the killed report's staging");
    report("--store", &store, &out);
    assert!(staging(tmp.path()).is_empty());
    assert!(out.join("report.html").exists());
}

/// A FIFO where a store's or a dataset's file belongs (a table, a metadata file, CURRENT, the
/// marker, the lock) is refused with the file's name, never waited on.
#[test]
fn fifos_in_a_store_are_refused_not_waited_on() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_midmonth.sh", tmp.path(), "repo");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &["--name", "repo"]);
    let generation = std::fs::read_to_string(store.join("repos/repo/CURRENT")).unwrap();
    let generation = store.join("repos/repo").join(generation.trim());
    let victims = [
        generation.join("loc.parquet"),
        generation.join("meta.json"),
        store.join("repos/repo/CURRENT"),
        store.join("temper.lock"),
    ];
    for victim in &victims {
        let copy = tmp.path().join("copy");
        let _ = std::fs::remove_dir_all(&copy);
        run_ok(
            std::process::Command::new("cp")
                .arg("-r")
                .arg(&store)
                .arg(&copy),
        );
        let planted = copy.join(victim.strip_prefix(&store).unwrap());
        let _ = std::fs::remove_file(&planted);
        let made = std::process::Command::new("mkfifo")
            .arg(&planted)
            .status()
            .unwrap();
        assert!(made.success());
        let args: [&std::ffi::OsStr; 6] = [
            "export".as_ref(),
            "--table".as_ref(),
            "loc".as_ref(),
            "--format".as_ref(),
            "csv".as_ref(),
            "--store".as_ref(),
        ];
        let mut args = args.to_vec();
        args.push(copy.as_os_str());
        let out = bounded(&args, Duration::from_secs(30));
        let analyzed = bounded(
            &[
                "analyze".as_ref(),
                repo.as_os_str(),
                "--name".as_ref(),
                "repo".as_ref(),
                "--quiet".as_ref(),
                "--store".as_ref(),
                copy.as_os_str(),
            ],
            Duration::from_secs(30),
        );
        if victim.ends_with("loc.parquet") {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("not a regular file"), "{stderr}");
        }
        // Either command may still succeed where it does not read that file; neither waits.
        for o in [&out, &analyzed] {
            if !o.status.success() {
                let stderr = String::from_utf8_lossy(&o.stderr);
                assert!(
                    stderr.contains("not a regular file") || stderr.contains("damaged"),
                    "{stderr}"
                );
            }
        }
    }
}

/// `report --out LINK` writes where the link points, and the link stays a link (the report is
/// staged beside the target and swapped in there).
#[test]
fn a_report_through_a_link_writes_where_it_points() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_midmonth.sh", tmp.path(), "repo");
    let store = tmp.path().join("store");
    analyze_bounded(&repo, &store, &[]);
    let target = tmp.path().join("reports/today");
    std::fs::create_dir_all(&target).unwrap();
    let link = tmp.path().join("current");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for _ in 0..2 {
        report("--store", &store, &link);
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert!(target.join("report.md").is_file());
    }
}
