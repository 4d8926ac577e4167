//! Churn against `git log --numstat --no-merges` on the churn fixture, and the hand counts
//! written in `tests/fixtures/make_churn.sh`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

fn numstat(repo: &Path) -> BTreeMap<String, (u64, u64, u32)> {
    numstat_paths(repo, "HEAD", &[])
}

#[test]
fn churn_equals_git_numstat() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_churn.sh", tmp.path(), "churn");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let rows = export_csv(&store, "commits", None);
    let ids = column(&rows, "commit");
    let (added, removed, files) = (
        column(&rows, "lines_added"),
        column(&rows, "lines_removed"),
        column(&rows, "files_changed"),
    );
    let merges = column(&rows, "is_merge");
    let expected = numstat(&repo);
    let mut got = BTreeMap::new();
    for i in 0..ids.len() {
        if merges[i] == "true" {
            // Merges carry no churn: empty cells.
            assert_eq!((added[i], removed[i], files[i]), ("", "", ""));
            continue;
        }
        got.insert(
            ids[i].to_string(),
            (
                added[i].parse().unwrap(),
                removed[i].parse().unwrap(),
                files[i].parse().unwrap(),
            ),
        );
    }
    assert_eq!(got, expected);
    // Hand counts (make_churn.sh), in author-time order c1..c8 without the merge c7.
    let by_order: Vec<(u64, u64, u32)> = ids
        .iter()
        .zip(merges.iter())
        .filter(|(_, m)| **m == "false")
        .map(|(id, _)| got[*id])
        .collect();
    assert_eq!(
        by_order,
        [
            (8, 0, 3),
            (2, 1, 1),
            (0, 0, 2),
            (1, 1, 1),
            (2, 0, 1),
            (1, 0, 1),
            (2, 1, 1)
        ]
    );

    // Monthly sums: January +10 -1, February +1 -1, March +5 -1.
    let activity = export_csv(&store, "activity", None);
    assert_eq!(
        column(&activity, "month"),
        ["2022-01", "2022-02", "2022-03"]
    );
    assert_eq!(column(&activity, "lines_added"), ["10", "1", "5"]);
    assert_eq!(column(&activity, "lines_removed"), ["1", "1", "1"]);
}

#[test]
fn churn_respects_the_path_scope_and_incremental_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_churn.sh", tmp.path(), "churn");
    let store = tmp.path().join("store");
    run_ok(
        temper()
            .arg("analyze")
            .arg(&repo)
            .args(["--quiet", "--path", "c.txt", "--store"])
            .arg(&store),
    );
    // In scope: c3 (the rename creates c.txt: within the scope an addition of its 3 lines, as
    // git limits the diff to the pathspec before pairing renames) and c6 (+1).
    let rows = export_csv(&store, "commits", None);
    assert_eq!(column(&rows, "lines_added"), ["3", "1"]);
    assert_eq!(
        stored_churn(&store, "churn"),
        numstat_paths(&repo, "HEAD", &["c.txt"])
    );
    assert_eq!(column(&rows, "files_changed"), ["1", "1"]);
    assert_eq!(git_log_paths(&repo, "HEAD", "%H", &["c.txt"]).len(), 2);

    // A later commit is diffed incrementally; earlier churn comes from the store.
    let full = tmp.path().join("full");
    analyze(&repo, &full, &[]);
    std::fs::write(repo.join("c.txt"), "x\ny\n").unwrap();
    git(&repo, &["add", "c.txt"]);
    commit_at(
        &repo,
        "Chu",
        "chu@example.org",
        "2022-04-01T00:00:00+0000",
        "c8",
    );
    analyze(&repo, &full, &[]);
    let same_as_fresh = |label: &str| {
        let fresh = tmp.path().join(format!("fresh-{label}"));
        analyze(&repo, &fresh, &[]);
        for table in ["commits", "activity"] {
            assert_eq!(
                export_csv(&full, table, None),
                export_csv(&fresh, table, None),
                "{label}: {table}"
            );
        }
    };
    same_as_fresh("new commit");

    // A new `.mailmap` makes every identity change, so everything is walked again; the stored
    // churn (which identities do not affect) is kept and only the new commit is diffed.
    std::fs::write(
        repo.join(".mailmap"),
        "Chu Two <two@example.org> <chu@example.org>\n",
    )
    .unwrap();
    git(&repo, &["add", ".mailmap"]);
    commit_at(
        &repo,
        "Chu",
        "chu@example.org",
        "2022-04-02T00:00:00+0000",
        "c9",
    );
    analyze(&repo, &full, &[]);
    let rows = export_csv(&full, "commits", None);
    assert!(column(&rows, "author")
        .iter()
        .all(|a| *a == "two@example.org"));
    same_as_fresh("mailmap");
}

#[test]
fn renames_are_paired_as_git_pairs_them() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_renames.sh", tmp.path(), "renames");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    // git's pairs, hand-checked in make_renames.sh: c2 +52 -2 (3 files: the 96 % pair, not the
    // 76 % one), c3 +61 -11, c4 +0 -50, c5 +34 -34.
    let expected = numstat_paths(&repo, "HEAD", &[]);
    assert_eq!(stored_churn(&store, "renames"), expected);
    let c2 = git(&repo, &["rev-parse", "HEAD~4"]);
    assert_eq!(expected[c2.trim()], (52, 2, 2));
}

/// A 55,000-line generated file changed twice (`make_generated.sh`): git's bounded Myers search
/// decides these diffs, and a search bounded otherwise finds one a few hundred lines bigger.
#[test]
fn a_huge_generated_file_diffs_as_git_diffs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_generated.sh", tmp.path(), "generated");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let got = stored_churn(&store, "generated");
    let expected = numstat(&repo);
    assert_eq!(got, expected);
    // The figures git printed when the fixture was written (make_generated.sh).
    let c2 = git(&repo, &["rev-parse", "HEAD~1"]);
    let c3 = git(&repo, &["rev-parse", "HEAD"]);
    assert_eq!(got[c2.trim()], (1395 + 21, 110 + 21, 2));
    assert_eq!(got[c3.trim()], (3454, 2204, 1));
}
