//! `temper analyze` and `temper export` on fixture repositories, checked against git itself and
//! against the hand counts written in `tests/fixtures/make_history.sh`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::*;
use chrono::{DateTime, Datelike};

/// The activity table git implies: per UTC month of author time, excluding dates at or before
/// the epoch, every month from first to last.
fn activity_oracle(repo: &Path, reference: &str) -> Vec<(String, u32, u32, u32, u32)> {
    activity_oracle_paths(repo, reference, &[])
}

fn activity_oracle_paths(
    repo: &Path,
    reference: &str,
    paths: &[&str],
) -> Vec<(String, u32, u32, u32, u32)> {
    let mut months: BTreeMap<(i32, u32), (u32, u32, BTreeSet<String>)> = BTreeMap::new();
    let mut first_month: BTreeMap<String, (i32, u32)> = BTreeMap::new();
    for line in git_log_paths(repo, reference, "%at|%aE|%P", paths) {
        let mut parts = line.split('|');
        let at: i64 = parts.next().unwrap().parse().unwrap();
        let email = parts.next().unwrap().to_lowercase();
        let parents = parts.next().unwrap().split_whitespace().count();
        if at <= 0 {
            continue;
        }
        let t = DateTime::from_timestamp(at, 0).unwrap();
        let key = (t.year(), t.month());
        let m = months.entry(key).or_default();
        m.0 += 1;
        m.1 += u32::from(parents > 1);
        m.2.insert(email.clone());
        let f = first_month.entry(email).or_insert(key);
        *f = (*f).min(key);
    }
    let (first, last) = (
        *months.keys().next().unwrap(),
        *months.keys().next_back().unwrap(),
    );
    let mut out = Vec::new();
    let (mut y, mut mo) = first;
    loop {
        let m = months.get(&(y, mo));
        let new = first_month.values().filter(|v| **v == (y, mo)).count() as u32;
        out.push((
            format!("{y:04}-{mo:02}"),
            m.map_or(0, |m| m.0),
            m.map_or(0, |m| m.1),
            m.map_or(0, |m| m.2.len() as u32),
            new,
        ));
        if (y, mo) == last {
            break;
        }
        (y, mo) = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
    }
    out
}

fn activity_table(store: &Path, repo: &str) -> Vec<(String, u32, u32, u32, u32)> {
    let rows = export_csv(store, "activity", Some(repo));
    let n = |name: &str| -> Vec<u32> {
        column(&rows, name)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect()
    };
    let (commits, merges, people, new) = (
        n("commits"),
        n("merges"),
        n("contributors"),
        n("new_contributors"),
    );
    column(&rows, "month")
        .iter()
        .enumerate()
        .map(|(i, m)| (m.to_string(), commits[i], merges[i], people[i], new[i]))
        .collect()
}

fn analyze(repo: &Path, store: &Path, extra: &[&str]) -> std::process::Output {
    run_ok(
        temper()
            .arg("analyze")
            .arg(repo)
            .arg("--store")
            .arg(store)
            .arg("--quiet")
            .args(extra),
    )
}

#[test]
fn activity_matches_git_log_and_hand_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    let out = analyze(&repo, &store, &[]);

    let expected = activity_oracle(&repo, "HEAD");
    assert_eq!(activity_table(&store, "history"), expected);
    // The hand count beside the fixture, so a wrong oracle cannot pass unnoticed.
    let months: Vec<&str> = expected.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        months,
        ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05"]
    );
    assert_eq!(expected[2], ("2020-03".into(), 4, 1, 3, 2));

    let rows = export_csv(&store, "activity", None);
    assert_eq!(column(&rows, "bot_commits"), ["0", "0", "1", "0", "0"]);
    assert_eq!(
        column(&rows, "human_contributors"),
        ["2", "0", "2", "0", "1"]
    );

    // Summary row: every reachable commit and identity, as git counts them.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let row: Vec<&str> = stdout.lines().nth(1).unwrap().split_whitespace().collect();
    let commits = git(&repo, &["rev-list", "--count", "HEAD"]);
    let people: BTreeSet<String> = git_log(&repo, "HEAD", "%aE")
        .into_iter()
        .map(|e| e.to_lowercase())
        .collect();
    assert_eq!(
        row[..5],
        [
            "history",
            "2020-01",
            "2020-05",
            commits.trim(),
            &people.len().to_string()
        ]
    );
    assert_eq!(people.len(), 5);
    // Last-12-month window is 2020-01..2020-05: 8 plausible commits over 5 months, 5 people.
    assert_eq!(row[5..7], ["1.6", "5"]);
}

#[test]
fn other_ref_uses_that_history() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--ref", "feature", "--name", "feat"]);
    let expected = activity_oracle(&repo, "feature");
    assert_eq!(activity_table(&store, "feat"), expected);
    assert_eq!(expected.last().unwrap().0, "2020-03");
}

#[test]
fn commits_table_matches_rev_list() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let rows = export_csv(&store, "commits", None);
    let ids: BTreeSet<&str> = column(&rows, "commit").into_iter().collect();
    let git_ids = git(&repo, &["rev-list", "HEAD"]);
    assert_eq!(ids, git_ids.lines().collect::<BTreeSet<_>>());
    let merges: BTreeSet<&str> = column(&rows, "commit")
        .into_iter()
        .zip(column(&rows, "is_merge"))
        .filter(|(_, m)| *m == "true")
        .map(|(c, _)| c)
        .collect();
    let git_merges = git(&repo, &["rev-list", "--merges", "HEAD"]);
    assert_eq!(merges, git_merges.lines().collect::<BTreeSet<_>>());
    let authors: BTreeSet<(String, String)> = column(&rows, "commit")
        .into_iter()
        .zip(column(&rows, "author"))
        .map(|(c, a)| (c.to_string(), a.to_string()))
        .collect();
    let git_authors: BTreeSet<(String, String)> = git_log(&repo, "HEAD", "%H %aE")
        .into_iter()
        .map(|l| {
            let (c, a) = l.split_once(' ').unwrap();
            (c.to_string(), a.to_lowercase())
        })
        .collect();
    assert_eq!(authors, git_authors);
    let root = git(&repo, &["rev-list", "--max-parents=0", "HEAD"]);
    let implausible: Vec<&str> = column(&rows, "commit")
        .into_iter()
        .zip(column(&rows, "plausible_date"))
        .filter(|(_, p)| *p == "false")
        .map(|(c, _)| c)
        .collect();
    assert_eq!(implausible, [root.trim()]);
    // 1970-01-01 00:00:00, written for spreadsheets.
    assert_eq!(column(&rows, "author_time")[0], "1970-01-01 00:00:00");
}

#[test]
fn implausible_dates_are_findings_not_months() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    let out = analyze(&repo, &store, &[]);
    let rows = export_csv(&store, "data_quality", None);
    let root = git(&repo, &["rev-list", "--max-parents=0", "HEAD"]);
    assert_eq!(
        column(&rows, "kind"),
        [
            "implausible_date",
            "malformed_identity",
            "missing_object",
            "corrupt_object",
            "oversized_blob",
            "shallow_boundary",
            "recommitted_history",
            "ignored_attribute_line"
        ]
    );
    assert_eq!(
        column(&rows, "count"),
        ["1", "0", "0", "0", "0", "0", "0", "0"]
    );
    assert_eq!(column(&rows, "examples")[0], root.trim());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("1 commits with implausible dates"),
        "{stderr}"
    );
}

#[test]
fn bad_input_fails_cleanly_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let plain = tmp.path().join("plain");
    std::fs::create_dir(&plain).unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    git(&empty, &["init", "-q"]);
    let unborn = tmp.path().join("unborn");
    git(
        tmp.path(),
        &["clone", "-q", repo.to_str().unwrap(), "unborn"],
    );
    git(
        &unborn,
        &["symbolic-ref", "HEAD", "refs/heads/nothing-here"],
    );

    let cases: [(&Path, &[&str], &str); 5] = [
        (&plain, &[], "not a git repository"),
        (&empty, &[], "empty repository"),
        (&unborn, &[], "refs/heads/nothing-here"),
        (
            &repo,
            &["--ref", "no-such-branch"],
            "unknown ref 'no-such-branch'",
        ),
        (&tmp.path().join("absent"), &[], "no such directory"),
    ];
    for (path, extra, message) in cases {
        let store = tmp.path().join("store-bad");
        // A good repository first: a bad one later on the command line still writes nothing.
        let out = temper()
            .arg("analyze")
            .arg(&repo)
            .arg(path)
            .arg("--store")
            .arg(&store)
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{path:?}: {stderr}");
        assert!(stderr.contains(message), "{path:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one-line error: {stderr}");
        assert!(!store.exists(), "{path:?} wrote a store");
    }
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        vec!["analyze", "--ref"],
        vec!["analyze", "a", "b", "--name", "x"],
        vec!["analyze", ".", "--threads", "0"],
        vec!["analyze", ".", "--bot-pattern", "("],
        vec!["analyze", ".", "--organisations", "no-such-file.toml"],
        vec!["export", "--table", "nope", "--format", "csv"],
        vec!["frobnicate"],
    ] {
        let out = temper()
            .current_dir(tmp.path())
            .args(&args)
            .arg("--store")
            .arg(tmp.path().join("s"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // The message names the file and its cause once.
    let out = temper()
        .current_dir(tmp.path())
        .args([
            "analyze",
            ".",
            "--organisations",
            "no-such-file.toml",
            "--store",
        ])
        .arg(tmp.path().join("s"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no-such-file.toml"), "{stderr}");
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
    // `analyze` alone mines the current directory: here no repository, an error (exit 1).
    let here = temper()
        .current_dir(tmp.path())
        .arg("analyze")
        .arg("--store")
        .arg(tmp.path().join("s"))
        .output()
        .unwrap();
    assert_eq!(here.status.code(), Some(1));
    // Exporting from a directory that is no store is an error, not a usage error.
    let out = temper()
        .args([
            "export", "--table", "activity", "--format", "csv", "--store",
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a temper store"));
}

#[test]
fn shallow_clone_counts_its_boundary() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let url = format!("file://{}", repo.display());
    git(
        tmp.path(),
        &["clone", "-q", "--depth", "2", &url, "shallow"],
    );
    let shallow = tmp.path().join("shallow");
    let boundary = std::fs::read_to_string(shallow.join(".git/shallow")).unwrap();
    let store = tmp.path().join("store");
    analyze(&shallow, &store, &[]);
    let rows = export_csv(&store, "data_quality", None);
    let counts: BTreeMap<&str, &str> = column(&rows, "kind")
        .into_iter()
        .zip(column(&rows, "count"))
        .collect();
    assert_eq!(
        counts["shallow_boundary"],
        boundary.lines().count().to_string()
    );
    let commits = export_csv(&store, "commits", None).len() - 1;
    let git_count = git(&shallow, &["rev-list", "--count", "HEAD"]);
    assert_eq!(commits.to_string(), git_count.trim());
}

#[test]
fn missing_commit_is_skipped_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    // Remove the loose object of c2 (Bob's January commit): c0 and c1 are only reachable
    // through it, so 9 - 3 = 6 commits remain readable (hand count).
    let c2 = git(&repo, &["log", "--format=%H", "--grep=^c2$", "HEAD"]);
    let c2 = c2.trim();
    std::fs::remove_file(repo.join(".git/objects").join(&c2[..2]).join(&c2[2..])).unwrap();
    let store = tmp.path().join("store");
    let out = analyze(&repo, &store, &[]);
    let rows = export_csv(&store, "data_quality", None);
    assert_eq!(column(&rows, "count")[2], "1");
    assert_eq!(column(&rows, "examples")[2], c2);
    assert_eq!(export_csv(&store, "commits", None).len() - 1, 6);
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing objects skipped"));
}

#[test]
fn missing_blob_stays_counted_when_a_later_run_reuses_its_month() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    // Remove a.txt as of c3 (make_history.sh): in the 2020-01..2020-03 snapshots, changed by c8
    // in 2020-04.
    let blob = git(&repo, &["rev-parse", "HEAD~1:a.txt"]);
    let blob = blob.trim();
    std::fs::remove_file(repo.join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let rows = export_csv(&store, "data_quality", None);
    assert_eq!(column(&rows, "kind")[2], "missing_object");
    assert_eq!(column(&rows, "examples")[2], blob);
    // The file is named, with the months whose snapshot holds that blob at that path (git
    // ls-tree of each month's snapshot commit).
    let snapshots = export_csv(&store, "snapshots", None);
    let months: Vec<&str> = column(&snapshots, "month")
        .into_iter()
        .zip(column(&snapshots, "commit"))
        .filter(|(_, commit)| git(&repo, &["ls-tree", commit, "a.txt"]).contains(blob))
        .map(|(m, _)| m)
        .collect();
    assert!(months.len() >= 2, "{months:?}");
    let missing = export_csv(&store, "missing_files", None);
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert_eq!(column(&missing, "path"), ["a.txt"]);
    assert_eq!(column(&missing, "blob"), [blob]);
    assert_eq!(column(&missing, "class"), ["code"]);
    assert_eq!(column(&missing, "language"), ["Plain Text"]);
    assert_eq!(column(&missing, "first_month"), [months[0]]);
    assert_eq!(column(&missing, "last_month"), [months[months.len() - 1]]);
    // The ref moves back to c7 (2020-03): the months up to 2020-03 reuse their counts, and
    // the blob they could not read is still reported (and its file named); and again after
    // moving forward.
    for reference in ["HEAD~1", "HEAD"] {
        analyze(&repo, &store, &["--ref", reference]);
        assert_eq!(
            export_csv(&store, "data_quality", None),
            rows,
            "{reference}"
        );
        assert_eq!(
            export_csv(&store, "missing_files", None),
            missing,
            "{reference}"
        );
    }
}

#[test]
fn hostile_names_stay_inside_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("deep/store");
    analyze(&repo, &store, &["--name", "../../escape"]);
    assert!(!tmp.path().join("escape").exists());
    assert!(!tmp.path().join("deep/escape").exists());
    let rows = export_csv(&store, "activity", Some("../../escape"));
    assert_eq!(column(&rows, "repo")[0], "../../escape");
}

#[test]
fn one_thread_and_many_give_identical_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    analyze(&repo, &a, &["--threads", "1"]);
    analyze(&repo, &b, &["--threads", "4"]);
    for table in ["commits", "activity", "loc", "data_quality"] {
        assert_eq!(
            export_csv(&a, table, None),
            export_csv(&b, table, None),
            "{table}"
        );
    }
}

#[test]
fn rerun_replaces_tables_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    let out = analyze(&repo, &store, &[]);
    let first = export_csv(&store, "activity", None);
    // Nothing changed: nothing is mined or written, and the summary is the same.
    let again = analyze(&repo, &store, &[]);
    assert_eq!(again.stdout, out.stdout);
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing to mine"));
    assert_eq!(
        std::fs::read_to_string(store.join("repos/history/CURRENT")).unwrap(),
        "g000001"
    );
    // Leftovers of an interrupted run must not confuse the next one, which has work to do
    // because the ref moved (one commit back).
    std::fs::create_dir(store.join("repos/history/tmp-999999")).unwrap();
    analyze(&repo, &store, &["--ref", "HEAD~1"]);
    assert_ne!(export_csv(&store, "activity", None), first);
    analyze(&repo, &store, &[]);
    assert_eq!(export_csv(&store, "activity", None), first);
    let entries: Vec<String> = std::fs::read_dir(store.join("repos/history"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 2, "CURRENT and one generation: {entries:?}");
    assert_eq!(
        std::fs::read_to_string(store.join("repos/history/CURRENT")).unwrap(),
        "g000003"
    );
}

#[test]
fn bare_repositories_and_subdirectories_resolve_like_git() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            "--bare",
            repo.to_str().unwrap(),
            "mirror.git",
        ],
    );
    std::fs::create_dir(repo.join("sub")).unwrap();
    let store = tmp.path().join("store");
    analyze(&tmp.path().join("mirror.git"), &store, &[]);
    analyze(&repo.join("sub"), &store, &[]);
    assert_eq!(
        activity_table(&store, "mirror"),
        activity_oracle(&repo, "HEAD")
    );
    assert_eq!(
        activity_table(&store, "history"),
        activity_oracle(&repo, "HEAD")
    );
}

#[test]
fn bot_pattern_is_overridable() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--bot-pattern", "^carol@"]);
    let rows = export_csv(&store, "activity", None);
    // Carol's two March commits are now the bot's; dependabot is a person.
    assert_eq!(column(&rows, "bot_commits"), ["0", "0", "2", "0", "0"]);
    assert_eq!(column(&rows, "human_contributors")[2], "2");
}

#[test]
fn export_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let json = run_ok(
        temper()
            .args([
                "export", "--table", "activity", "--format", "json", "--store",
            ])
            .arg(&store),
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rows = value.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[2]["month"], "2020-03");
    assert_eq!(rows[2]["commits"], 4);

    let out = tmp.path().join("activity.parquet");
    run_ok(
        temper()
            .args([
                "export", "--table", "activity", "--format", "parquet", "--store",
            ])
            .arg(&store)
            .arg("--out")
            .arg(&out),
    );
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");

    let out = temper()
        .args([
            "export", "--table", "activity", "--format", "csv", "--repo", "nope", "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no repository named 'nope'"));
}

#[test]
fn path_scope_narrows_commits_like_git_log_with_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--path", "b.txt"]);
    let expected = activity_oracle_paths(&repo, "HEAD", &["b.txt"]);
    assert_eq!(activity_table(&store, "history"), expected);
    // Hand count: Carol's c4 and c6 touch b.txt; the merge c7 is identical to its feature
    // parent there, so it does not count.
    assert_eq!(expected, [("2020-03".to_string(), 2, 0, 1, 1)]);
    let ids: BTreeSet<String> = export_csv(&store, "commits", None)[1..]
        .iter()
        .map(|r| r[1].clone())
        .collect();
    let git_ids: BTreeSet<String> = git_log_paths(&repo, "HEAD", "%H", &["b.txt"])
        .into_iter()
        .collect();
    assert_eq!(ids, git_ids);
    // Excluding the only file in scope leaves nothing; a bad glob is a usage error.
    let out = temper()
        .arg("analyze")
        .arg(&repo)
        .args(["--exclude", "a[", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rewritten_history_is_walked_afresh() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let (store, fresh) = (tmp.path().join("store"), tmp.path().join("fresh"));
    analyze(&repo, &store, &[]);
    // Replace the last commit (Dave's) by another one: the stored walk's tip is gone.
    git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    commit_at(
        &repo,
        "Eve",
        "eve@example.org",
        "2020-06-01T00:00:00+0000",
        "rewritten",
    );
    analyze(&repo, &store, &[]);
    analyze(&repo, &fresh, &[]);
    for table in ["commits", "activity", "loc", "data_quality"] {
        assert_eq!(
            export_csv(&store, table, None),
            export_csv(&fresh, table, None),
            "{table}"
        );
    }
    assert_eq!(
        activity_table(&store, "history"),
        activity_oracle(&repo, "HEAD")
    );
}

/// Trailing-window team figures against `git log` (mailmap applied): distinct identities over
/// 12 months, and the fewest people / e-mail domains making half of the human commits over 24.
#[test]
fn trailing_contributors_pony_and_elephant_factors_follow_git_log() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    // (month index, identity) of every plausibly dated commit, as git reports it.
    let commits: Vec<(i32, String)> = git_log(&repo, "HEAD", "%aE %at")
        .iter()
        .filter_map(|line| {
            let (email, at) = line.rsplit_once(' ')?;
            let at: i64 = at.parse().ok()?;
            (at > 0).then(|| {
                let d = chrono::DateTime::from_timestamp(at, 0).unwrap();
                use chrono::Datelike;
                (d.year() * 12 + d.month() as i32 - 1, email.to_lowercase())
            })
        })
        .collect();
    let half = |mut counts: Vec<u64>| -> u32 {
        let total: u64 = counts.iter().sum();
        counts.sort_by(|a, b| b.cmp(a));
        let mut sum = 0;
        for (i, n) in counts.iter().enumerate() {
            sum += n;
            if 2 * sum >= total {
                return i as u32 + 1;
            }
        }
        0
    };
    let rows = export_csv(&store, "activity", None);
    let months = column(&rows, "month");
    for (i, month) in months.iter().enumerate() {
        let (y, m) = month.split_once('-').unwrap();
        let idx = y.parse::<i32>().unwrap() * 12 + m.parse::<i32>().unwrap() - 1;
        let in_window = |n: i32| {
            commits
                .iter()
                .filter(move |(c, _)| *c > idx - n && *c <= idx)
        };
        let people: std::collections::BTreeSet<&String> = in_window(12).map(|(_, e)| e).collect();
        let mut by_person: std::collections::BTreeMap<&String, u64> = Default::default();
        let mut by_domain: std::collections::BTreeMap<&str, u64> = Default::default();
        for (_, e) in in_window(24).filter(|(_, e)| !e.contains("[bot]")) {
            *by_person.entry(e).or_default() += 1;
            *by_domain.entry(e.rsplit_once('@').unwrap().1).or_default() += 1;
        }
        let expected = (
            people.len().to_string(),
            half(by_person.into_values().collect()).to_string(),
            half(by_domain.into_values().collect()).to_string(),
        );
        let got = (
            column(&rows, "contributors_12m")[i].to_string(),
            column(&rows, "pony_factor_24m")[i].to_string(),
            column(&rows, "elephant_factor_24m")[i].to_string(),
        );
        assert_eq!(got, expected, "{month}");
    }
    // Hand count at 2020-05 (make_history.sh): human commits alice 2, bob 2, carol 2, dave 1
    // of 7: two people make half; everyone is at example.org; 5 identities in 12 months.
    let last = months.len() - 1;
    assert_eq!(
        (
            column(&rows, "contributors_12m")[last],
            column(&rows, "pony_factor_24m")[last],
            column(&rows, "elephant_factor_24m")[last]
        ),
        ("5", "2", "1")
    );
}

#[test]
fn a_history_recommitted_in_bulk_is_a_data_quality_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_recommit.sh", tmp.path(), "recommit");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    // The oracle: git's author and committer times; a recommit is 180 days or more late, and
    // counts when one committer month holds at least 100 of them and 5 % of all commits.
    let times = git(&repo, &["log", "--format=%H %at %ct"]);
    let mut late: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let total = times.lines().count();
    for line in times.lines() {
        let cells: Vec<&str> = line.split(' ').collect();
        let (at, ct): (i64, i64) = (cells[1].parse().unwrap(), cells[2].parse().unwrap());
        if ct - at >= 180 * 86_400 {
            let month = chrono::DateTime::from_timestamp(ct, 0)
                .unwrap()
                .format("%Y-%m");
            late.entry(month.to_string())
                .or_default()
                .push(cells[0].to_string());
        }
    }
    let bulk: usize = late
        .values()
        .filter(|ids| ids.len() >= 100 && ids.len() as f64 >= 0.05 * total as f64)
        .map(Vec::len)
        .sum();
    assert_eq!(bulk, 120, "the fixture's hand count");
    let rows = export_csv(&store, "data_quality", None);
    let i = column(&rows, "kind")
        .iter()
        .position(|k| *k == "recommitted_history")
        .unwrap();
    assert_eq!(column(&rows, "count")[i], bulk.to_string());
}

#[test]
fn organisations_are_the_authors_e_mail_domains_of_24_months() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    // The oracle: git's author e-mails and months; the 24 months end with the last one.
    let log = git(&repo, &["log", "--format=%aE %ad", "--date=format:%Y-%m"]);
    let rows: Vec<(String, String)> = log
        .lines()
        .map(|l| {
            let (email, month) = l.split_once(' ').unwrap();
            (email.to_lowercase(), month.to_string())
        })
        .collect();
    let last = rows.iter().map(|r| r.1.clone()).max().unwrap();
    let (y, m): (i32, i32) = (last[..4].parse().unwrap(), last[5..].parse().unwrap());
    let first = {
        let idx = y * 12 + m - 1 - 23;
        format!("{:04}-{:02}", idx / 12, idx % 12 + 1)
    };
    let mut by_domain: std::collections::BTreeMap<
        String,
        (std::collections::BTreeSet<String>, u64),
    > = Default::default();
    for (email, _) in rows.iter().filter(|r| r.1 >= first) {
        let domain = email.rsplit_once('@').unwrap().1.to_string();
        let entry = by_domain.entry(domain).or_default();
        entry.0.insert(email.clone());
        entry.1 += 1;
    }
    // No domain of this fixture is mapped or personal (src/mine/organisations.toml): each domain of
    // two or more authors is an organisation, the others are individuals.
    let got = export_csv(&store, "organisations", None);
    let (domain, authors, commits) = (
        column(&got, "organisation"),
        column(&got, "authors"),
        column(&got, "commits"),
    );
    let mut single = (0, 0);
    let mut named = Vec::new();
    for (d, (people, n)) in &by_domain {
        match people.len() {
            1 => single = (single.0 + 1, single.1 + n),
            k => named.push((d.clone(), k.to_string(), n.to_string())),
        }
    }
    named.sort_by_key(|n| std::cmp::Reverse(n.2.parse::<u64>().unwrap()));
    let mut want: Vec<(String, String, String)> = named;
    if single.0 > 0 {
        want.push((
            "(individuals)".into(),
            single.0.to_string(),
            single.1.to_string(),
        ));
    }
    let have: Vec<(String, String, String)> = (0..domain.len())
        .map(|i| {
            (
                domain[i].to_string(),
                authors[i].to_string(),
                commits[i].to_string(),
            )
        })
        .collect();
    assert_eq!(have, want);
    // The fixture's hand count: example.org (Age and Bo) by name, Cy's example.net summed.
    assert_eq!(have[0].0, "example.org");
    assert_eq!(have[1].0, "(individuals)");
}

/// Organisations, not domains (tests/fixtures/make_orgs.sh, whose hand count names the mapping):
/// the `organisations` table and the elephant factor against `git log --format=%aE`, grouped by
/// the hand mapping written here.
#[test]
fn domains_group_into_organisations_and_individuals_are_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_orgs.sh", tmp.path(), "orgs");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let org_of = |email: &str| -> Option<&'static str> {
        match email.rsplit_once('@').unwrap().1 {
            "amazon.com" | "amazon.co.uk" | "amazon.de" => Some("Amazon"),
            "bar.io" => Some("bar.io"),
            _ => None,
        }
    };
    let mut orgs: std::collections::BTreeMap<&str, (std::collections::BTreeSet<String>, u64)> =
        Default::default();
    let mut units: std::collections::BTreeMap<String, u64> = Default::default();
    for email in git_log(&repo, "HEAD", "%aE") {
        let org = org_of(&email);
        let entry = orgs.entry(org.unwrap_or("(individuals)")).or_default();
        entry.0.insert(email.clone());
        entry.1 += 1;
        *units
            .entry(org.map_or(email.clone(), str::to_string))
            .or_default() += 1;
    }
    let got = export_csv(&store, "organisations", None);
    let have: Vec<(String, String, String)> = (0..got.len() - 1)
        .map(|i| {
            (
                column(&got, "organisation")[i].to_string(),
                column(&got, "authors")[i].to_string(),
                column(&got, "commits")[i].to_string(),
            )
        })
        .collect();
    let row = |name: &str| {
        let (people, n) = &orgs[name];
        (name.to_string(), people.len().to_string(), n.to_string())
    };
    assert_eq!(have, [row("Amazon"), row("bar.io"), row("(individuals)")]);
    assert_eq!(have[0], ("Amazon".into(), "3".into(), "7".into()));
    // The elephant factor: the fewest units (organisations, and individuals one by one) whose
    // commits make half.
    let mut counts: Vec<u64> = units.into_values().collect();
    counts.sort_by(|a, b| b.cmp(a));
    let total: u64 = counts.iter().sum();
    let elephant = counts
        .iter()
        .scan(0, |sum, n| {
            *sum += n;
            Some(*sum)
        })
        .position(|sum| 2 * sum >= total)
        .unwrap()
        + 1;
    assert_eq!(elephant, 1);
    let activity = export_csv(&store, "activity", None);
    assert_eq!(
        column(&activity, "elephant_factor_24m").last().copied(),
        Some(elephant.to_string().as_str())
    );
}

/// `--path` on a kernel-shaped history gives what a history that only ever held those paths
/// gives (tests/fixtures/make_scoped.sh builds both): the same lines of code, code age and own
/// churn per month, the same non-merge commits and churn per month. Merges differ by design:
/// under `--path` a merge counts only when it is not identical in scope to a parent (git's
/// TREESAME rule, as `git log --full-history -- PATHS`), while the narrow history's merges are
/// ordinary commits of it.
#[test]
fn a_path_scope_equals_a_history_of_only_those_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full");
    let only = tmp.path().join("only");
    for (dir, mode) in [(&full, "full"), (&only, "only")] {
        let script = fixtures_dir().join("make_scoped.sh");
        let out = std::process::Command::new("bash")
            .arg(&script)
            .arg(dir)
            .arg(mode)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TZ", "UTC")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = tmp.path().join("store");
    analyze(
        &full,
        &store,
        &["--name", "k", "--path", "kvm", "--path", "arch/kvm"],
    );
    analyze(&only, &store, &["--name", "k-only"]);
    let without_repo = |table: &str, repo: &str| -> Vec<String> {
        export_csv(&store, table, Some(repo))
            .into_iter()
            .map(|row| row[1..].join(","))
            .collect()
    };
    for table in ["loc", "age", "class_churn"] {
        let (a, b) = (without_repo(table, "k"), without_repo(table, "k-only"));
        assert!(a.len() > 1, "{table} has rows");
        assert_eq!(a, b, "{table}");
    }
    let activity = |repo: &str| -> Vec<String> {
        let rows = export_csv(&store, "activity", Some(repo));
        let h = &rows[0];
        let at = |name: &str| h.iter().position(|c| c == name).unwrap();
        rows[1..]
            .iter()
            .map(|r| {
                let commits: u64 = r[at("commits")].parse().unwrap();
                let merges: u64 = r[at("merges")].parse().unwrap();
                [
                    r[at("month")].clone(),
                    (commits - merges).to_string(),
                    r[at("lines_added")].clone(),
                    r[at("lines_removed")].clone(),
                    r[at("median_line_age_days")].clone(),
                    r[at("new_code_share")].clone(),
                    r[at("bus_factor")].clone(),
                ]
                .join(",")
            })
            .collect()
    };
    assert_eq!(activity("k"), activity("k-only"));
    // The oracle's own sanity, from git: the narrow history's non-merge commits are the full
    // history's that touch the paths (`git log --no-merges -- PATHS`): 6 of them.
    let touching = git(
        &full,
        &[
            "rev-list",
            "--count",
            "--no-merges",
            "HEAD",
            "--",
            "kvm",
            "arch/kvm",
        ],
    );
    let narrow = git(&only, &["rev-list", "--count", "--no-merges", "HEAD"]);
    assert_eq!(touching.trim(), narrow.trim());
    assert_eq!(narrow.trim(), "6");
}

/// `analyse` (the spelling of the help text) with no PATH mines the current directory; `list`
/// names what the store holds; `rm` removes all of the named repositories or, when one is not
/// there, none.
#[test]
fn list_rm_and_the_current_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_tags.sh", tmp.path(), "tags");
    let other = build_fixture("make_gofuzz.sh", tmp.path(), "gofuzz");
    let store = tmp.path().join("store");
    run_ok(
        temper()
            .current_dir(&repo)
            .args(["analyse", "--quiet", "--store"])
            .arg(&store),
    );
    analyze(&other, &store, &[]);
    let listed = run_ok(temper().args(["list", "--store"]).arg(&store));
    let text = String::from_utf8(listed.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("name"));
    let tip = git(&repo, &["rev-parse", "HEAD"]);
    assert!(
        lines[2].starts_with("tags ") && lines[2].contains(&tip.trim()[..12]),
        "{text}"
    );
    let first = git(
        &repo,
        &["log", "--reverse", "--format=%ad", "--date=format:%Y-%m"],
    );
    let last = git(&repo, &["log", "-1", "--format=%ad", "--date=format:%Y-%m"]);
    let span = format!("{}..{}", first.lines().next().unwrap(), last.trim());
    assert!(lines[2].contains(&span), "{text}: {span}");
    // The source is where the repository is, absolute.
    let git_dir = std::fs::canonicalize(repo.join(".git")).unwrap();
    assert!(lines[2].contains(&git_dir.display().to_string()), "{text}");
    // The same for scripts: full tip, months and source as git gives them.
    let json = run_ok(
        temper()
            .args(["list", "--format", "json", "--store"])
            .arg(&store),
    );
    let listed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let tags = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "tags")
        .unwrap();
    assert_eq!(tags["tip"], tip.trim());
    assert_eq!(tags["first_month"], first.lines().next().unwrap());
    assert_eq!(tags["last_month"], last.trim());
    assert_eq!(tags["source"], git_dir.display().to_string());
    assert_eq!(tags["ref"], "HEAD");
    assert_eq!(tags["activity_only"], false);
    // All or nothing.
    let refused = temper()
        .args(["rm", "tags", "nope", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("nope"));
    // A typo: the error names the store, what it holds, and the likely name.
    let typo = temper()
        .args(["rm", "tgas", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&typo.stderr);
    assert_eq!(typo.status.code(), Some(1));
    assert!(said.contains("did you mean 'tags'"), "{said}");
    assert!(said.contains("it holds: gofuzz, tags"), "{said}");
    assert!(said.contains(&store.display().to_string()), "{said}");
    assert_eq!(
        column(&export_csv(&store, "snapshots", Some("tags")), "repo")[0],
        "tags"
    );
    run_ok(temper().args(["rm", "tags", "--store"]).arg(&store));
    let after = run_ok(temper().args(["list", "--store"]).arg(&store));
    let text = String::from_utf8(after.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).unwrap().starts_with("gofuzz "));
}
