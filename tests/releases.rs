//! The `releases` table against git: which tags name commits (`git rev-parse TAG^{commit}`),
//! their dates (`%(creatordate)`: the tagger's time, or the commit's date for a lightweight tag),
//! annotated (`%(objecttype)`), signed (`%(contents:signature)`) and on the analysed ref
//! (`git merge-base --is-ancestor`); which tags are releases is the hand count beside the fixture
//! (tests/fixtures/make_tags.sh).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

/// The release tags of the fixture, by the hand count in make_tags.sh, with their versions and
/// whether they are pre-releases.
const RELEASES: [(&str, &str, bool); 6] = [
    ("v0.1", "0.1", false),
    ("v1.0", "1.0", false),
    ("v1.1-rc1", "1.1", true),
    ("RELEASE-2.0", "2.0", false),
    ("v2.1", "2.1", false),
    ("v9.9", "9.9", false),
];

#[test]
fn releases_equal_what_git_says_of_each_tag() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_tags.sh", tmp.path(), "tags");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--ref", "main"]);
    let rows = export_csv(&store, "releases", None);
    let tags = column(&rows, "tag");
    let mut expected: Vec<(i64, &str)> = RELEASES
        .iter()
        .map(|(tag, _, _)| {
            let date = git(
                &repo,
                &[
                    "for-each-ref",
                    "--format=%(creatordate:unix)",
                    &format!("refs/tags/{tag}"),
                ],
            );
            (date.trim().parse::<i64>().unwrap(), *tag)
        })
        .collect();
    expected.sort();
    assert_eq!(
        tags,
        expected.iter().map(|e| e.1).collect::<Vec<_>>(),
        "oldest first"
    );
    for (i, tag) in tags.iter().enumerate() {
        let cell = |name: &str| column(&rows, name)[i].to_string();
        let reference = format!("refs/tags/{tag}");
        let field = |f: &str| {
            git(
                &repo,
                &["for-each-ref", &format!("--format={f}"), &reference],
            )
        };
        let commit = git(&repo, &["rev-parse", &format!("{tag}^{{commit}}")]);
        assert_eq!(cell("commit"), commit.trim(), "{tag}");
        let seconds: i64 = field("%(creatordate:unix)").trim().parse().unwrap();
        let date = chrono::DateTime::from_timestamp(seconds, 0).unwrap();
        assert_eq!(
            cell("date"),
            date.format("%Y-%m-%d %H:%M:%S").to_string(),
            "{tag}"
        );
        assert_eq!(cell("month"), date.format("%Y-%m").to_string(), "{tag}");
        let annotated = field("%(objecttype)").trim() == "tag";
        assert_eq!(cell("annotated"), annotated.to_string(), "{tag}");
        let signed = !field("%(contents:signature)").trim().is_empty();
        assert_eq!(cell("signed"), signed.to_string(), "{tag}");
        let on_ref = git_output(
            &repo,
            &["merge-base", "--is-ancestor", commit.trim(), "main"],
        )
        .status
        .success();
        assert_eq!(cell("on_ref"), on_ref.to_string(), "{tag}");
        let (_, version, pre) = RELEASES.iter().find(|r| r.0 == *tag).unwrap();
        assert_eq!(cell("version"), *version, "{tag}");
        assert_eq!(cell("prerelease"), pre.to_string(), "{tag}");
    }
    // The previous release on its line (hand count: every version here has two numbers, so
    // all are on the main line; the pre-release has none and is none), and git's count of
    // previous..tag.
    let previous: BTreeMap<&str, &str> = [
        ("v1.0", "v0.1"),
        ("RELEASE-2.0", "v1.0"),
        ("v2.1", "RELEASE-2.0"),
        ("v9.9", "v2.1"),
    ]
    .into();
    assert_ranges_equal_git(&repo, &rows, &previous);
    // By date: the latest final release dated before each, and the days since.
    let dates: Vec<i64> = tags
        .iter()
        .map(|t| {
            let d = git(
                &repo,
                &[
                    "for-each-ref",
                    "--format=%(creatordate:unix)",
                    &format!("refs/tags/{t}"),
                ],
            );
            d.trim().parse().unwrap()
        })
        .collect();
    let prerelease = column(&rows, "prerelease");
    let mut last: Option<usize> = None;
    for i in 0..tags.len() {
        let by_date = column(&rows, "previous_by_date")[i];
        let days = column(&rows, "days_since_previous")[i];
        match last {
            None => assert_eq!((by_date, days), ("", ""), "{}", tags[i]),
            Some(p) => {
                assert_eq!(by_date, tags[p], "{}", tags[i]);
                let expected = (dates[i] - dates[p]) as f64 / 86_400.0;
                assert!(
                    (days.parse::<f64>().unwrap() - expected).abs() < 1e-9,
                    "{}",
                    tags[i]
                );
            }
        }
        if prerelease[i] == "false" {
            last = Some(i);
        }
    }
    // Sanity of the oracle itself: the fixture has the shapes the hand count names (Bob's one
    // commit makes him new in the RELEASE-2.0 range).
    let new = column(&rows, "new_contributors");
    assert_eq!(
        new[tags.iter().position(|t| *t == "RELEASE-2.0").unwrap()],
        "1"
    );
    assert_eq!(
        column(&rows, "signed")
            .iter()
            .filter(|s| **s == "true")
            .count(),
        1
    );
    assert_eq!(
        column(&rows, "on_ref")
            .iter()
            .filter(|s| **s == "false")
            .count(),
        1
    );
}

/// Each release's previous one on its line is `previous` (a hand count), and the figures of the
/// range `previous..tag` are git's: `git rev-list --count --no-merges`, the distinct `%aE` of
/// `git log --no-merges` and those new since the previous release, and the sums of `git log
/// --numstat --no-merges` (every file of these fixtures is the project's own C) — for releases
/// off the analysed ref too.
fn assert_ranges_equal_git(repo: &Path, rows: &[Vec<String>], previous: &BTreeMap<&str, &str>) {
    let tags = column(rows, "tag");
    for (i, tag) in tags.iter().enumerate() {
        let cell = |name: &str| column(rows, name)[i].to_string();
        assert_eq!(
            cell("previous"),
            previous.get(tag).copied().unwrap_or(""),
            "{tag}"
        );
        let Some(prev) = previous.get(tag) else {
            assert_eq!(cell("commits"), "", "{tag}");
            continue;
        };
        let range = format!("{prev}..{tag}");
        let count = git(repo, &["rev-list", "--count", "--no-merges", &range]);
        assert_eq!(cell("commits"), count.trim(), "{tag}");
        let authors = git(repo, &["log", "--no-merges", "--format=%aE", &range]);
        let mut authors: Vec<String> = authors.lines().map(str::to_lowercase).collect();
        authors.sort();
        authors.dedup();
        assert_eq!(cell("contributors"), authors.len().to_string(), "{tag}");
        let before = git(repo, &["log", "--no-merges", "--format=%aE", prev]).to_lowercase();
        let new = authors
            .iter()
            .filter(|a| !before.lines().any(|b| b == a.as_str()))
            .count();
        assert_eq!(cell("new_contributors"), new.to_string(), "{tag}");
        let numstat = git(
            repo,
            &["log", "--numstat", "--no-merges", "--format=", &range],
        );
        let (mut added, mut removed) = (0u64, 0u64);
        for line in numstat.lines().filter(|l| !l.is_empty()) {
            let mut cells = line.split('\t');
            added += cells.next().unwrap().parse::<u64>().unwrap();
            removed += cells.next().unwrap().parse::<u64>().unwrap();
        }
        assert_eq!(cell("own_lines_added"), added.to_string(), "{tag}");
        assert_eq!(cell("own_lines_removed"), removed.to_string(), "{tag}");
    }
}

#[test]
fn maintenance_lines_with_three_number_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_release_lines.sh", tmp.path(), "lines");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--ref", "main"]);
    let rows = export_csv(&store, "releases", None);
    // The hand count in make_release_lines.sh.
    let previous: BTreeMap<&str, &str> = [
        ("v1.0.1", "v1.0.0"),
        ("v1.0.2", "v1.0.1"),
        ("v1.1.0", "v1.0.0"),
        ("v1.1.1", "v1.1.0"),
        ("v2.0.0", "v1.1.0"),
    ]
    .into();
    let mut tags = column(&rows, "tag");
    tags.sort();
    assert_eq!(
        tags,
        ["v1.0.0", "v1.0.1", "v1.0.2", "v1.1.0", "v1.1.1", "v2.0.0"]
    );
    assert_ranges_equal_git(&repo, &rows, &previous);
    for (i, tag) in column(&rows, "tag").iter().enumerate() {
        let commit = git(&repo, &["rev-parse", &format!("{tag}^{{commit}}")]);
        let on_ref = git_output(
            &repo,
            &["merge-base", "--is-ancestor", commit.trim(), "main"],
        )
        .status
        .success();
        assert_eq!(column(&rows, "on_ref")[i], on_ref.to_string(), "{tag}");
    }
    // The oracle's own sanity: the 1.0 line is off the ref, and its ranges have lines.
    let off: Vec<&str> = column(&rows, "on_ref")
        .iter()
        .zip(column(&rows, "tag"))
        .filter(|(on, _)| **on == "false")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(off, ["v1.0.1", "v1.0.2"]);
}

/// A monthly run reuses the churn it stored for the release branches' commits and diffs only
/// their new ones: after a new maintenance release (v1.0.3, one commit on release-1.0) the
/// ranges are still git's, and the releases table is byte for byte a cold run's.
#[test]
fn release_branch_churn_is_kept_between_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_release_lines.sh", tmp.path(), "lines");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--ref", "main"]);
    git(&repo, &["checkout", "-q", "release-1.0"]);
    std::fs::write(repo.join("core.c"), "a\nB\nc\nd\ne\n").unwrap();
    git(&repo, &["add", "core.c"]);
    commit_at(
        &repo,
        "Bob",
        "bob@example.com",
        "2021-10-01T10:00:00Z",
        "fix e",
    );
    git(&repo, &["tag", "v1.0.3"]);
    git(&repo, &["checkout", "-q", "main"]);
    analyze(&repo, &store, &["--ref", "main"]);
    let rows = export_csv(&store, "releases", None);
    let previous: BTreeMap<&str, &str> = [
        ("v1.0.1", "v1.0.0"),
        ("v1.0.2", "v1.0.1"),
        ("v1.0.3", "v1.0.2"),
        ("v1.1.0", "v1.0.0"),
        ("v1.1.1", "v1.1.0"),
        ("v2.0.0", "v1.1.0"),
    ]
    .into();
    assert_ranges_equal_git(&repo, &rows, &previous);
    let v103 = column(&rows, "tag").iter().position(|t| *t == "v1.0.3");
    let added = column(&rows, "own_lines_added")[v103.expect("v1.0.3 is a release")];
    assert_eq!(added, "1", "core.c gained the line e");
    let cold = tmp.path().join("cold");
    analyze(&repo, &cold, &["--ref", "main"]);
    assert_eq!(rows, export_csv(&cold, "releases", None));
}

#[test]
fn a_release_pattern_replaces_the_version_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_release_lines.sh", tmp.path(), "lines");
    let store = tmp.path().join("store");
    let pattern = r"rel_(?P<version>\d+_\d+)";
    analyze(
        &repo,
        &store,
        &["--ref", "main", "--release-pattern", pattern],
    );
    let rows = export_csv(&store, "releases", None);
    assert_eq!(column(&rows, "tag"), ["rel_2021_09"]);
    assert_eq!(column(&rows, "version"), ["2021.09"]);
    // A pattern that does not compile is a usage error, exit code 2.
    let out = temper()
        .args(["analyze", "--quiet", "--store"])
        .arg(&store)
        .arg(&repo)
        .args(["--release-pattern", "("])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--release-pattern"));
}

#[test]
fn a_new_tag_alone_makes_the_stored_run_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_tags.sh", tmp.path(), "tags");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--ref", "main"]);
    git(&repo, &["tag", "v3.0", "main"]);
    analyze(&repo, &store, &["--ref", "main"]);
    let rows = export_csv(&store, "releases", None);
    assert!(column(&rows, "tag").contains(&"v3.0"), "{rows:?}");
}

/// Dates that cannot be taken at face value (tests/fixtures/make_oddtags.sh): a tag dated
/// 9999-12-31 (as `git for-each-ref %(creatordate)` says) is no release, and a fix authored before
/// the commit it names (as `git log %at` says) adds no negative days to the median time to fix.
#[test]
fn implausible_tag_dates_and_fixes_before_their_bug() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_oddtags.sh", tmp.path(), "odd");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let dates = git(
        &repo,
        &[
            "for-each-ref",
            "--format=%(refname:short) %(creatordate:format:%Y)",
            "refs/tags",
        ],
    );
    assert!(dates.contains("v2.0 9999"), "{dates}");
    let rows = export_csv(&store, "releases", None);
    assert_eq!(column(&rows, "tag"), ["v1.0"]);
    // The fix is authored before c2, which it names.
    let times = git(&repo, &["log", "--format=%at %s"]);
    let at = |subject: &str| -> i64 {
        times
            .lines()
            .find(|l| l.ends_with(subject))
            .and_then(|l| l.split(' ').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(at("Fix the parser") < at("c2"));
    let evidence = export_csv(&store, "evidence", None);
    assert_eq!(column(&evidence, "fix_commits"), ["1"]);
    assert_eq!(column(&evidence, "fixed_later"), ["1"]);
    assert_eq!(column(&evidence, "median_days_to_fix"), [""]);
}
