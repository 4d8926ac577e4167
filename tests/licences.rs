//! The licence over time (`licences` table) on `make_licence.sh`: Apache-2.0, then a Business
//! Source License with its parameters filled in, Apache-2.0 again, then a second licence file.
//! The commits that begin each period are `git log` of the licence files (a copyright line
//! edited is no new period), the first commit's for the period before any licence.

use crate::common::*;

#[test]
fn licence_periods_are_named_by_the_commits_that_began_them() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_licence.sh", tmp.path(), "licence");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let rows = export_csv(&store, "licences", None);
    let got: Vec<(String, String, String, String, String)> = (1..rows.len())
        .map(|i| {
            let cell = |name: &str| column(&rows, name)[i - 1].to_string();
            (
                cell("licence"),
                cell("files"),
                cell("commit"),
                cell("first_month"),
                cell("last_month"),
            )
        })
        .collect();
    let root = git(&repo, &["rev-list", "--max-parents=0", "HEAD"])
        .trim()
        .to_string();
    let changed: Vec<String> = git(
        &repo,
        &[
            "log",
            "--reverse",
            "--format=%H",
            "--",
            "LICENSE",
            "LICENSE-MIT",
        ],
    )
    .lines()
    .map(String::from)
    .collect();
    // c2, c3 (the copyright line: same licence), c4, c5, c6.
    assert_eq!(changed.len(), 5);
    let expected = vec![
        ("none", "", root.as_str(), "2020-01", "2020-01"),
        (
            "Apache-2.0",
            "LICENSE",
            changed[0].as_str(),
            "2020-02",
            "2021-04",
        ),
        (
            "BUSL-1.1",
            "LICENSE",
            changed[2].as_str(),
            "2021-05",
            "2022-02",
        ),
        (
            "Apache-2.0",
            "LICENSE",
            changed[3].as_str(),
            "2022-03",
            "2022-05",
        ),
        (
            "Apache-2.0, MIT",
            "LICENSE, LICENSE-MIT",
            changed[4].as_str(),
            "2022-06",
            "2022-08",
        ),
    ];
    let expected: Vec<(String, String, String, String, String)> = expected
        .into_iter()
        .map(|(a, b, c, d, e)| (a.into(), b.into(), c.into(), d.into(), e.into()))
        .collect();
    assert_eq!(got, expected);
}

/// A run on top of a stored one reads only the new links' root trees and goes on from the
/// stored periods: from every commit of the fixture (in each period, at its first commit and
/// after it), the table equals a cold run's at HEAD (checked against `git log` above).
#[test]
fn a_later_run_goes_on_from_the_stored_periods() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_licence.sh", tmp.path(), "licence");
    let cold = tmp.path().join("cold");
    analyze(&repo, &cold, &[]);
    let expected = export_csv(&cold, "licences", None);
    let commits: Vec<String> = git(&repo, &["rev-list", "--reverse", "HEAD"])
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(commits.len(), 7);
    for (i, commit) in commits.iter().enumerate() {
        let store = tmp.path().join(format!("store-{i}"));
        analyze(&repo, &store, &["--ref", commit]);
        analyze(&repo, &store, &[]);
        assert_eq!(
            export_csv(&store, "licences", None),
            expected,
            "first run at c{}",
            i + 1
        );
    }
}
