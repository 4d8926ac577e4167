//! The `evidence` table against git: per month, the commits git shows with each trailer
//! (`%(trailers:key=...)`), a `gpgsig` header (`git cat-file`), a pull-request merge or an
//! advisory id (`git log --grep`), on tests/fixtures/make_evidence.sh.

use std::collections::BTreeMap;

use crate::common::*;

/// Per month, how many commits git selects with `args` (merges included unless `args` say).
fn per_month(
    repo: &std::path::Path,
    args: &[&str],
    keep: impl Fn(&str) -> bool,
) -> BTreeMap<String, u64> {
    let mut all = vec!["log", "--date=format:%Y-%m"];
    all.extend_from_slice(args);
    let mut out = BTreeMap::new();
    for line in git(repo, &all).lines() {
        let (month, rest) = line.split_once('|').unwrap_or((line, ""));
        if keep(rest) {
            *out.entry(month.to_string()).or_insert(0) += 1;
        }
    }
    out
}

fn trailer(repo: &std::path::Path, keys: &str) -> BTreeMap<String, u64> {
    let keys: Vec<String> = keys.split(',').map(|k| format!("key={k}")).collect();
    let format = format!(
        "--format=%ad|%(trailers:{},valueonly,separator=%x2C)",
        keys.join(",")
    );
    per_month(repo, &["--no-merges", &format], |rest| {
        !rest.trim().is_empty()
    })
}

#[test]
fn evidence_equals_what_git_shows_month_by_month() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_evidence.sh", tmp.path(), "evidence");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let rows = export_csv(&store, "evidence", None);
    let got = |name: &str| -> BTreeMap<String, u64> {
        column(&rows, "month")
            .into_iter()
            .zip(column(&rows, name))
            .map(|(m, v)| (m.to_string(), v.parse::<u64>().unwrap()))
            .filter(|(_, v)| *v > 0)
            .collect()
    };
    let any = |_: &str| true;
    assert_eq!(
        got("commits"),
        per_month(&repo, &["--no-merges", "--format=%ad"], any)
    );
    assert_eq!(
        got("merges"),
        per_month(&repo, &["--merges", "--format=%ad"], any)
    );
    // Review: the trailers, or a Differential Revision line (not a trailer to git).
    let mut reviewed = trailer(&repo, "Reviewed-by,Acked-by,Reviewed-on");
    let phabricator = per_month(
        &repo,
        &[
            "--no-merges",
            "--grep=^Differential Revision:",
            "--format=%ad",
        ],
        any,
    );
    for (m, n) in phabricator {
        *reviewed.entry(m).or_insert(0) += n;
    }
    assert_eq!(got("reviewed_commits"), reviewed);
    assert_eq!(got("tested_commits"), trailer(&repo, "Tested-by"));
    assert_eq!(got("signed_off_commits"), trailer(&repo, "Signed-off-by"));
    assert_eq!(got("co_authored_commits"), trailer(&repo, "Co-authored-by"));
    assert_eq!(got("fix_commits"), trailer(&repo, "Fixes"));
    // Signed: a gpgsig header, as git cat-file shows it.
    let mut signed = BTreeMap::new();
    for line in git(&repo, &["log", "--format=%H %ad", "--date=format:%Y-%m"]).lines() {
        let (id, month) = line.split_once(' ').unwrap();
        if git(&repo, &["cat-file", "commit", id]).contains("\ngpgsig ") {
            *signed.entry(month.to_string()).or_insert(0) += 1;
        }
    }
    assert_eq!(got("signed_commits"), signed);
    let prs = per_month(
        &repo,
        &[
            "--merges",
            "-E",
            "--grep=^Merge pull request #[0-9]+",
            "--grep=^See merge request [^ ]+![0-9]+",
            "--format=%ad",
        ],
        any,
    );
    assert_eq!(got("pr_merges"), prs);
    // Advisory commits: git's grep; the bump is a dependency update (its subject), the others
    // the project's own (hand count).
    let advisory = per_month(
        &repo,
        &[
            "-E",
            "-i",
            "--grep=CVE-[0-9]{4}-[0-9]{4,}|XSA-[0-9]+|GHSA(-[23456789cfghjmpqrvwx]{4}){3}",
            "--format=%ad|%s",
        ],
        any,
    );
    let mut own = got("own_advisory_commits");
    for (m, n) in got("dependency_advisory_commits") {
        *own.entry(m).or_insert(0) += n;
    }
    assert_eq!(own, advisory);
    assert_eq!(
        got("dependency_advisory_commits"),
        BTreeMap::from([("2021-02".to_string(), 1)])
    );
    // Distinct ids by first mention (hand count): XSA-101 and CVE-2021-1234 in January (the
    // lower-case repetition is the same id), GHSA-C9F4-XJ24-8JQX in February (XSA-101 again
    // is not new).
    assert_eq!(
        got("new_advisories"),
        BTreeMap::from([("2021-01".to_string(), 2), ("2021-02".to_string(), 1)])
    );
    // Fixes: each id resolved by git (rev-parse), the fixed commit counted in its month and the
    // days from it to the fix in the fix's month.
    let mut fixed = BTreeMap::new();
    let mut days = BTreeMap::new();
    let log = git(
        &repo,
        &[
            "log",
            "--format=%at|%(trailers:key=Fixes,valueonly,separator=%x2C)",
        ],
    );
    for line in log.lines() {
        let (time, value) = line.split_once('|').unwrap();
        let Some(prefix) = value.split_whitespace().next() else {
            continue;
        };
        let target = git(&repo, &["rev-parse", &format!("{prefix}^{{commit}}")]);
        let target_time = git(&repo, &["log", "-1", "--format=%at", target.trim()]);
        let month = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .format("%Y-%m")
                .to_string()
        };
        let (t, tt): (i64, i64) = (time.parse().unwrap(), target_time.trim().parse().unwrap());
        *fixed.entry(month(tt)).or_insert(0u64) += 1;
        days.insert(month(t), (t - tt) as f64 / 86_400.0);
    }
    assert_eq!(got("fixed_later"), fixed);
    let median: BTreeMap<String, f64> = column(&rows, "month")
        .into_iter()
        .zip(column(&rows, "median_days_to_fix"))
        .filter(|(_, v)| !v.is_empty())
        .map(|(m, v)| (m.to_string(), v.parse().unwrap()))
        .collect();
    assert_eq!(median, days);
    // The commits table carries each commit's ids and the commits its Fixes: trailers name.
    let commits = export_csv(&store, "commits", None);
    let fixes: Vec<&str> = column(&commits, "fixes")
        .into_iter()
        .filter(|f| !f.is_empty())
        .collect();
    let first = git(&repo, &["log", "--format=%H", "--grep=^Fix an overflow"]);
    assert_eq!(fixes, [&first.trim()[..12]]);
}

#[test]
fn a_users_advisory_pattern_adds_to_the_built_in_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_evidence.sh", tmp.path(), "evidence");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let count = |rows: &[Vec<String>], name: &str| -> u64 {
        column(rows, name)
            .iter()
            .map(|v| v.parse::<u64>().unwrap())
            .sum()
    };
    let before = export_csv(&store, "evidence", None);
    analyze(&repo, &store, &["--advisory-pattern", r"OSV-\d{4}-\d+"]);
    let rows = export_csv(&store, "evidence", None);
    let grep = git(
        &repo,
        &[
            "log",
            "-E",
            "-i",
            "--grep=CVE-[0-9]{4}-[0-9]{4,}|XSA-[0-9]+|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|OSV-[0-9]{4}-[0-9]+",
            "--format=%H",
        ],
    );
    let advisory =
        count(&rows, "own_advisory_commits") + count(&rows, "dependency_advisory_commits");
    assert_eq!(advisory, grep.lines().count() as u64);
    // One more commit and one more id (OSV-2021-7, first named in March) than without it.
    assert_eq!(
        advisory,
        count(&before, "own_advisory_commits") + count(&before, "dependency_advisory_commits") + 1
    );
    assert_eq!(
        count(&rows, "new_advisories"),
        count(&before, "new_advisories") + 1
    );
}

#[test]
fn practices_span_the_months_whose_snapshots_hold_them() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_evidence.sh", tmp.path(), "evidence");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    // The oracle: which of each month's snapshot commits holds each path (git ls-tree).
    let snapshots = export_csv(&store, "snapshots", None);
    let holding = |path: &str| -> Vec<String> {
        column(&snapshots, "month")
            .into_iter()
            .zip(column(&snapshots, "commit"))
            .filter(|(_, c)| !git(&repo, &["ls-tree", "-r", "--name-only", c, path]).is_empty())
            .map(|(m, _)| m.to_string())
            .collect()
    };
    let rows = export_csv(&store, "practices", None);
    let practice = column(&rows, "practice");
    let (first, last, example) = (
        column(&rows, "first_month"),
        column(&rows, "last_month"),
        column(&rows, "example"),
    );
    for (name, path, shown) in [
        ("security_policy", "SECURITY.md", "SECURITY.md"),
        ("ci", ".github/workflows", ".github/workflows"),
        ("fuzzing", "fuzz", "fuzz"),
    ] {
        let months = holding(path);
        let i = practice
            .iter()
            .position(|p| *p == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(first[i], months[0], "{name}");
        assert_eq!(last[i], months[months.len() - 1], "{name}");
        assert_eq!(example[i], shown, "{name}");
    }
    assert_eq!(
        holding("fuzz"),
        ["2021-01", "2021-02"],
        "the fixture's hand count"
    );
}

#[test]
fn a_go_fuzz_test_inside_a_test_file_is_fuzzing() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_gofuzz.sh", tmp.path(), "gofuzz");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    // The oracle: git grep over each month's snapshot commit.
    let snapshots = export_csv(&store, "snapshots", None);
    let months: Vec<String> = column(&snapshots, "month")
        .into_iter()
        .zip(column(&snapshots, "commit"))
        .filter(|(_, c)| {
            let out = git_output(
                &repo,
                &[
                    "grep",
                    "-l",
                    "-E",
                    r"^func\s+Fuzz\w*\s*\(\s*\w+\s+\*testing\.F",
                    c,
                    "--",
                    "*_test.go",
                ],
            );
            out.status.success()
        })
        .map(|(m, _)| m.to_string())
        .collect();
    assert_eq!(months, ["2021-02"], "the fixture's hand count");
    let rows = export_csv(&store, "practices", None);
    assert_eq!(column(&rows, "practice"), ["fuzzing"]);
    assert_eq!(column(&rows, "first_month"), [months[0].as_str()]);
    assert_eq!(column(&rows, "last_month"), [months[0].as_str()]);
    assert_eq!(column(&rows, "example"), ["parse_test.go"]);
}

#[test]
fn co_authors_are_contributors() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_evidence.sh", tmp.path(), "evidence");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    // git: each commit's author e-mail and its Co-authored-by e-mails, by month.
    let log = git(
        &repo,
        &[
            "log",
            "--date=format:%Y-%m",
            "--format=@%ad%n%aE%n%(trailers:key=Co-authored-by,valueonly)",
        ],
    );
    let mut people: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    let mut month = String::new();
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(m) = line.strip_prefix('@') {
            month = m.to_string();
            continue;
        }
        let email = match line.split_once('<') {
            Some((_, rest)) => rest.trim_end_matches('>').to_string(),
            None => line.to_string(),
        };
        people
            .entry(month.clone())
            .or_default()
            .insert(email.to_lowercase());
    }
    let rows = export_csv(&store, "activity", None);
    let got: BTreeMap<String, usize> = column(&rows, "month")
        .into_iter()
        .zip(column(&rows, "contributors"))
        .map(|(m, n)| (m.to_string(), n.parse().unwrap()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let expected: BTreeMap<String, usize> = people.into_iter().map(|(m, p)| (m, p.len())).collect();
    assert_eq!(got, expected);
    assert_eq!(
        got.get("2021-02"),
        Some(&3),
        "Ann, and Fay and Gus as co-authors"
    );
}

/// Review per main-line change against git (tests/fixtures/make_review.sh): for each
/// first-parent commit of `main`, git says whether it carries a review trailer, is a copy of a
/// commit of a `refs/pull/*/head` that main does not reach (same author, author time, subject),
/// has a subject ending in `(#N)`, is a pull-request merge, or is a merge whose author wrote none
/// of the commits it brings in (`git log M --not M^1`).
#[test]
fn review_per_mainline_change_equals_what_git_shows() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_review.sh", tmp.path(), "review");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let heads: Vec<String> = git(
        &repo,
        &["for-each-ref", "--format=%(refname)", "refs/pull/"],
    )
    .lines()
    .map(str::to_string)
    .collect();
    let mut args = vec!["log", "--format=%an|%ae|%at|%s"];
    args.extend(heads.iter().map(String::as_str));
    args.extend(["--not", "main"]);
    let pull_keys: std::collections::HashSet<String> =
        git(&repo, &args).lines().map(str::to_string).collect();
    let squash = |s: &str| {
        s.trim_end()
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once("(#"))
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut want: BTreeMap<String, [u64; 7]> = BTreeMap::new();
    let log = git(
        &repo,
        &[
            "log",
            "--first-parent",
            "--date=format:%Y-%m",
            "--format=%H|%ad|%P|%an|%ae|%at|%s",
            "main",
        ],
    );
    for line in log.lines() {
        let f: Vec<&str> = line.splitn(7, '|').collect();
        let (id, month, parents, subject) = (f[0], f[1], f[2], f[6]);
        let merge = parents.split(' ').count() > 1;
        let trailers = git(
            &repo,
            &[
                "log",
                "-1",
                "--format=%(trailers:key=Reviewed-by,key=Acked-by,valueonly)",
                id,
            ],
        );
        let key = format!("{}|{}|{}|{}", f[3], f[4], f[5], subject);
        let brought: Vec<String> = match merge {
            true => git(
                &repo,
                &["log", "--format=%H %aE", id, "--not", &format!("{id}^1")],
            )
            .lines()
            .filter(|l| !l.starts_with(id))
            .map(|l| l.split_once(' ').unwrap().1.to_string())
            .collect(),
            false => Vec::new(),
        };
        let rules = [
            !trailers.trim().is_empty(),
            !merge && pull_keys.contains(&key),
            !merge && squash(subject),
            merge && subject.starts_with("Merge pull request #"),
            merge && !brought.is_empty() && !brought.iter().any(|a| a == f[4]),
        ];
        let row = want.entry(month.to_string()).or_default();
        row[0] += 1;
        row[1] += u64::from(rules.iter().any(|r| *r));
        for (i, r) in rules.iter().enumerate() {
            row[2 + i] += u64::from(*r);
        }
    }
    let rows = export_csv(&store, "evidence", None);
    let columns = [
        "mainline_changes",
        "reviewed_changes",
        "review_trailer",
        "review_pr_ref",
        "review_pr_subject",
        "review_pr_merge",
        "review_other_merger",
    ];
    let months = column(&rows, "month");
    let mut got: BTreeMap<String, [u64; 7]> = BTreeMap::new();
    for (i, c) in columns.iter().enumerate() {
        for (m, v) in months.iter().zip(column(&rows, c)) {
            got.entry(m.to_string()).or_default()[i] = v.parse().unwrap();
        }
    }
    assert_eq!(got, want);
    // The hand count in the fixture script: 9 changes, 6 reviewed; pr_ref 2, pr_subject 1,
    // pr_merge 1, other_merger 2 (pull request 3 and Bob's topic), trailer 1.
    let total = |i: usize| want.values().map(|r| r[i]).sum::<u64>();
    assert_eq!((0..7).map(total).collect::<Vec<_>>(), [9, 6, 1, 2, 1, 1, 2]);
}

/// A security process and fuzzing seen in history alone (tests/fixtures/make_security.sh): the
/// evidence table's fuzzer credits per month equal what `git log --grep` finds with the same
/// rule, and the maturity factor counts the advisory years and the credited fixes as of a month.
#[test]
fn security_process_and_fuzzing_from_history() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_security.sh", tmp.path(), "security");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let credited = per_month(
        &repo,
        &[
            "-i",
            "-E",
            "--format=%ad|",
            "--grep=(found|caught|detected|discovered|reported|uncovered|spotted|triggered)[[:space:]]+(by|with|using|via|through)[[:space:]]+([[:alnum:]+-]+[[:space:]]+){0,3}(fuzz|syzkaller|syzbot|oss-fuzz|clusterfuzz|afl|libfuzzer|honggfuzz)",
            "--grep=the[[:space:]]+fuzzer[[:space:]]+(found|hit|triggered|reported)",
            "--grep=^reported-by:.*(syzbot|oss-fuzz)",
        ],
        |_| true,
    );
    assert_eq!(credited.values().sum::<u64>(), 2, "{credited:?}");
    let rows = export_csv(&store, "evidence", None);
    let got: BTreeMap<String, u64> = column(&rows, "month")
        .into_iter()
        .zip(column(&rows, "fuzz_credited_commits"))
        .map(|(m, v)| (m.to_string(), v.parse().unwrap()))
        .filter(|(_, v)| *v > 0)
        .collect();
    assert_eq!(got, credited);
    let security = |as_of: &str| {
        let out = tmp.path().join(format!("report-{as_of}"));
        run_ok(
            temper()
                .args(["report", "--as-of", as_of, "--store"])
                .arg(&store)
                .arg("--out")
                .arg(&out),
        );
        let text = std::fs::read_to_string(out.join("tables/report_maturity.csv")).unwrap();
        let line = text.lines().find(|l| l.contains(",security,")).unwrap();
        line.to_string()
    };
    let now = security("2021-06");
    assert!(
        now.contains("3 own advisory-referencing commits; security process: advisories cited in 3 years; fuzzing: 2 fixes credit a fuzzer (24 months)"),
        "{now}"
    );
    assert!(now.contains(",8.0,8.0,"), "{now}");
    // In 2020 only two years cite advisories, and no fix has credited a fuzzer yet.
    let before = security("2020-12");
    assert!(
        before.contains(
            "2 own advisory-referencing commits; security process: none seen; fuzzing: none seen"
        ),
        "{before}"
    );
    assert!(before.contains(",4.0,8.0,"), "{before}");
}
