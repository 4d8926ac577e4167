//! Line age against `git blame --first-parent` on the age fixture (`tests/fixtures/make_age.sh`):
//! line by line for every file at every first-parent commit, and month by month for the `age`
//! table, the median age and the new-code share, whose totals must also equal the `loc` table's
//! lines.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::common::*;

/// The files of the fixture the `loc` table counts, by the fixture's hand-written rule: C, C
/// header and Python by extension, and `run` by its python shebang. `notes.xyz` (unknown
/// extension) and `logo.bin` are never counted.
fn counted(path: &str) -> bool {
    path.ends_with(".c") || path.ends_with(".h") || path.ends_with(".py") || path == "run"
}

/// Per line of `path` at `commit`: the blamed commit and its committer time.
fn blame(repo: &Path, commit: &str, path: &str) -> Vec<(String, i64)> {
    let out = git(
        repo,
        &["blame", "--first-parent", "--porcelain", commit, "--", path],
    );
    let mut times: HashMap<String, i64> = HashMap::new();
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in out.lines() {
        let first = line.split(' ').next().unwrap_or("");
        if first.len() == 40 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
            current = first.to_string();
            lines.push(current.clone());
        } else if let Some(t) = line.strip_prefix("committer-time ") {
            times.insert(current.clone(), t.parse().unwrap());
        }
    }
    lines
        .into_iter()
        .map(|c| {
            let t = times[&c];
            (c, t)
        })
        .collect()
}

/// Who is credited with the lines `commit` wrote on the first-parent chain: its author, or
/// for a merge the author of its second parent (git log's %aE).
fn credited(repo: &Path, commit: &str) -> String {
    let parents = git(repo, &["rev-list", "--parents", "-n1", commit]);
    let who = match parents.split_whitespace().nth(2) {
        Some(second) => second.to_string(),
        None => commit.to_string(),
    };
    git(repo, &["log", "-1", "--format=%aE", &who])
        .trim()
        .to_string()
}

fn files_at(repo: &Path, commit: &str) -> Vec<String> {
    git(repo, &["ls-tree", "-r", "--name-only", commit])
        .lines()
        .map(String::from)
        .collect()
}

fn month_end(month: &str) -> i64 {
    let (y, m) = month.split_once('-').unwrap();
    let (y, m): (i32, u32) = (y.parse().unwrap(), m.parse().unwrap());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    chrono::NaiveDate::from_ymd_opt(ny, nm, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
}

fn year_of(t: i64) -> i32 {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp(t, 0).unwrap().year()
}

#[test]
fn every_line_at_every_first_parent_commit_equals_git_blame_first_parent() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    // Every commit of the first-parent chain, not only those standing for a month.
    let chain = git(&repo, &["rev-list", "--first-parent", "main"]);
    let chain: Vec<&str> = chain.lines().collect();
    assert_eq!(chain.len(), 8, "c1..c9 but c6 (side branch)");
    for &commit in &chain {
        let opened = temper::mine::git::open(&repo, Some(commit)).unwrap();
        let origins = temper::mine::churn::age::line_origins(&opened);
        for path in files_at(&repo, commit) {
            if path == "logo.bin" {
                // Binary to git: blame splits it at newlines, temper does not follow it.
                assert!(!origins[&path].0 && origins[&path].1.is_empty());
                continue;
            }
            let expected: Vec<String> = blame(&repo, commit, &path)
                .into_iter()
                .map(|(c, _)| c)
                .collect();
            let (is_counted, got) = &origins[&path];
            let got: Vec<String> = got.iter().map(|id| id.to_string()).collect();
            assert_eq!(got, expected, "{path} at {commit}");
            assert_eq!(*is_counted, counted(&path), "{path} counted");
        }
    }
}

#[test]
fn monthly_cohorts_median_and_new_code_share_follow_from_blame() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let age = export_csv(&store, "age", None);
    let mut table: BTreeMap<(String, i32), u64> = BTreeMap::new();
    for ((m, c), l) in column(&age, "month")
        .into_iter()
        .zip(column(&age, "cohort"))
        .zip(column(&age, "lines"))
    {
        table.insert((m.to_string(), c.parse().unwrap()), l.parse().unwrap());
    }
    let loc = export_csv(&store, "loc", None);
    let mut loc_lines: BTreeMap<String, u64> = BTreeMap::new();
    for i in 0..column(&loc, "month").len() {
        let n: u64 = ["code", "comments", "blanks"]
            .iter()
            .map(|c| column(&loc, c)[i].parse::<u64>().unwrap())
            .sum();
        *loc_lines
            .entry(column(&loc, "month")[i].to_string())
            .or_default() += n;
    }
    let activity = export_csv(&store, "activity", None);
    let snapshots = export_csv(&store, "snapshots", None);
    let mut expected_table = BTreeMap::new();
    for (month, commit) in column(&snapshots, "month")
        .into_iter()
        .zip(column(&snapshots, "commit"))
    {
        let mut times: Vec<i64> = Vec::new();
        let mut by_owner: BTreeMap<String, u64> = BTreeMap::new();
        for path in files_at(&repo, commit) {
            if counted(&path) {
                for (c, t) in blame(&repo, commit, &path) {
                    times.push(t);
                    *by_owner.entry(credited(&repo, &c)).or_default() += 1;
                }
            }
        }
        // Bus factor: the fewest owners with at least half of the lines.
        let mut owned: Vec<u64> = by_owner.into_values().collect();
        owned.sort_by(|a, b| b.cmp(a));
        let total: u64 = owned.iter().sum();
        let bus = 1 + owned
            .iter()
            .scan(0, |sum, n| {
                *sum += n;
                Some(*sum)
            })
            .position(|sum| 2 * sum >= total)
            .unwrap();
        let mut cohorts: BTreeMap<i32, u64> = BTreeMap::new();
        for &t in &times {
            *cohorts.entry(year_of(t)).or_default() += 1;
        }
        for (y, n) in &cohorts {
            expected_table.insert((month.to_string(), *y), *n);
        }
        // The cohorts add up to the snapshot's line count in the loc table.
        assert_eq!(times.len() as u64, loc_lines[month], "{month}");
        // Median: the age of the ceil(n/2)-th youngest line, in days at the month's end.
        let end = month_end(month);
        let mut ages: Vec<i64> = times.iter().map(|t| end - t).collect();
        ages.sort();
        let median = ages[ages.len().div_ceil(2) - 1] as f64 / 86_400.0;
        let new_since = month_end(&prev_months(month, 12));
        let share = times.iter().filter(|&&t| t >= new_since).count() as f64 / times.len() as f64;
        let row = column(&activity, "month")
            .iter()
            .position(|m| *m == month)
            .unwrap();
        let got_median: f64 = column(&activity, "median_line_age_days")[row]
            .parse()
            .unwrap();
        let got_share: f64 = column(&activity, "new_code_share")[row].parse().unwrap();
        assert_eq!(
            column(&activity, "bus_factor")[row],
            bus.to_string(),
            "{month} bus factor"
        );
        assert!((got_median - median).abs() < 1e-6, "{month} median");
        assert!((got_share - share).abs() < 1e-9, "{month} new share");
    }
    assert_eq!(table, expected_table);
    // Hand count at 2022-03 (c9), from the script's comments: 2019: #include and main() of
    // main.c; 2020: move1, move2 (c3), a2, c (c2); 2021: util.h's three untouched lines (c4);
    // 2022: b3 (c5), util.h's new first line (c9) and two merged lines (c8), run (c9, 3 lines),
    // side.py (c8, 3 lines).
    let at = |y: i32| table[&("2022-03".to_string(), y)];
    assert_eq!((at(2019), at(2020), at(2021), at(2022)), (2, 4, 3, 10));
    // Owners at 2022-03, by hand: Age 8 (c1 2, c3 2, c4 3, c5 1), Bo 6 (c2 2, c9 4), Cy 5 (the
    // merge c8 credits its branch's author); 8 < 19 / 2 <= 8 + 6: a bus factor of 2.
    let last = column(&activity, "month")
        .iter()
        .position(|m| *m == "2022-03")
        .unwrap();
    assert_eq!(column(&activity, "bus_factor")[last], "2");
    // The summary shows the last month's new-code share: 13 of 19 lines are from the 12 months
    // ending 2022-03 (2021-04 onwards: util.h's three c4 lines of 2021-05 and the ten of 2022).
    let out = run_ok(
        temper()
            .arg("analyze")
            .arg(&repo)
            .args(["--store"])
            .arg(&store),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("new code"), "{stdout}");
    assert!(stdout.lines().nth(1).unwrap().contains(" 68%"), "{stdout}");
}

/// The month `n` months before `month` (`YYYY-MM`).
fn prev_months(month: &str, n: i32) -> String {
    let (y, m) = month.split_once('-').unwrap();
    let idx = y.parse::<i32>().unwrap() * 12 + m.parse::<i32>().unwrap() - 1 - n;
    format!("{:04}-{:02}", idx.div_euclid(12), idx.rem_euclid(12) + 1)
}

#[test]
fn a_run_after_new_commits_follows_only_them_and_equals_a_fresh_run() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    let c5 = git(&repo, &["rev-parse", "main~3"]).trim().to_string();
    let incremental = tmp.path().join("incremental");
    let fresh = tmp.path().join("fresh");
    for reference in [c5.as_str(), "main"] {
        run_ok(
            temper()
                .arg("analyze")
                .arg(&repo)
                .args(["--quiet", "--name", "age", "--ref", reference, "--store"])
                .arg(&incremental),
        );
    }
    run_ok(
        temper()
            .arg("analyze")
            .arg(&repo)
            .args(["--quiet", "--name", "age", "--threads", "1", "--store"])
            .arg(&fresh),
    );
    for table in ["age", "activity", "language_commits"] {
        assert_eq!(
            export_csv(&incremental, table, None),
            export_csv(&fresh, table, None),
            "{table}"
        );
    }
}

#[test]
fn the_second_run_follows_only_the_new_first_parent_commits() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    let c5 = git(&repo, &["rev-parse", "main~3"]).trim().to_string();
    let store = tmp.path().join("store");
    let followed = |reference: &str| {
        let out = run_ok(
            temper()
                .arg("analyze")
                .arg(&repo)
                .args(["--quiet", "--timings", "--name", "age", "--ref", reference])
                .arg("--store")
                .arg(&store),
        );
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        let n = err
            .split("lines of ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|s| s.parse::<u64>().ok());
        n.unwrap_or_else(|| panic!("no line-age figure in {err}"))
    };
    // First parents: c1 c2 c3 c4 c5, then c7 c8 c9 (`git rev-list --first-parent`).
    let chain = git(&repo, &["rev-list", "--first-parent", "--count", "main"]);
    let before = git(&repo, &["rev-list", "--first-parent", "--count", &c5]);
    assert_eq!((chain.trim(), before.trim()), ("8", "5"));
    assert_eq!(followed(&c5), 5);
    assert_eq!(followed("main"), 3);
}

/// The fixture's language by the hand rule of [`counted`] (run is Python by its shebang).
fn language_of(path: &str) -> Option<&'static str> {
    if path.ends_with(".c") {
        Some("C")
    } else if path.ends_with(".h") {
        Some("C Header")
    } else if path.ends_with(".py") || path.rsplit('/').next() == Some("run") {
        Some("Python")
    } else {
        None
    }
}

#[test]
fn language_commits_equal_git_diff_numstat_along_the_first_parent_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    // Oracle: every first-parent commit against its first parent (the empty tree for the root),
    // renames detected, numstat summed per language; months from the snapshots table (a commit
    // leads up to the first snapshot at or after it).
    let chain = git(&repo, &["rev-list", "--first-parent", "--reverse", "main"]);
    let snapshots = export_csv(&store, "snapshots", None);
    let snap_commits = column(&snapshots, "commit");
    let snap_months = column(&snapshots, "month");
    let empty = git(&repo, &["hash-object", "-t", "tree", "/dev/null"]);
    let mut expected = Vec::new();
    let mut parent = empty.trim().to_string();
    let mut pending: Vec<(String, String, u64, u64)> = Vec::new();
    for commit in chain.lines() {
        let numstat = git(&repo, &["diff", "--numstat", "-M", &parent, commit]);
        let mut by_language: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for line in numstat.lines() {
            let mut f = line.split('\t');
            let (added, removed, path) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            // A rename reads "old => new" (or "dir/{old => new}"); the new path's language.
            let path = path.rsplit(" => ").next().unwrap().trim_end_matches('}');
            if let (Some(language), Ok(a), Ok(r)) = (
                language_of(path),
                added.parse::<u64>(),
                removed.parse::<u64>(),
            ) {
                let e = by_language.entry(language).or_default();
                e.0 += a;
                e.1 += r;
            }
        }
        for (language, (a, r)) in by_language {
            if a + r > 0 {
                pending.push((commit.to_string(), language.to_string(), a, r));
            }
        }
        if let Some(i) = snap_commits.iter().position(|c| *c == commit) {
            for (c, l, a, r) in pending.drain(..) {
                // Every file of make_age.sh is the project's own code (no class rule claims it).
                expected.push(vec![
                    snap_months[i].to_string(),
                    c,
                    l,
                    "code".to_string(),
                    a.to_string(),
                    r.to_string(),
                ]);
            }
        }
        parent = commit.to_string();
    }
    let table = export_csv(&store, "language_commits", None);
    let got: Vec<Vec<String>> = table[1..].iter().map(|r| r[1..].to_vec()).collect();
    assert_eq!(
        table[0],
        [
            "repo",
            "month",
            "commit",
            "language",
            "class",
            "lines_added",
            "lines_removed"
        ]
    );
    assert_eq!(got, expected);
    // By hand from make_age.sh: c7 deletes run (3 Python lines, a shebang file); the merge c8
    // brings side.py (3) and util.h's two lines.
    let c7 = git(&repo, &["rev-parse", "main~2"]).trim().to_string();
    assert!(got.contains(&vec![
        "2022-01".to_string(),
        c7,
        "Python".into(),
        "code".into(),
        "0".into(),
        "3".into()
    ]));
}

/// The huge generated file of `make_generated.sh`, line by line against `git blame`: blame
/// diffs without the files' common tail, and on such a file the diff git's bounded search
/// decides is the one that credits each line.
#[test]
fn a_huge_generated_file_is_credited_as_git_blame_credits_it() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_generated.sh", tmp.path(), "generated");
    for (commit, path) in [
        ("HEAD~1", "api/generated.pb.go"),
        ("HEAD", "api/generated.pb.go"),
        ("HEAD~1", "api/braces.txt"),
    ] {
        let id = git(&repo, &["rev-parse", commit]);
        let opened = temper::mine::git::open(&repo, Some(id.trim())).unwrap();
        let origins = temper::mine::churn::age::line_origins(&opened);
        let expected: Vec<String> = blame(&repo, id.trim(), path)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let got: Vec<String> = origins[path].1.iter().map(|id| id.to_string()).collect();
        assert_eq!(got.len(), expected.len());
        let wrong = got.iter().zip(&expected).filter(|(g, e)| g != e).count();
        assert_eq!(
            wrong, 0,
            "{path}: lines credited unlike git blame at {commit}"
        );
    }
    // Hand count (make_generated.sh): braces.txt's line 11 is still c1's after c2.
    let c1 = git(&repo, &["rev-list", "--max-parents=0", "HEAD"]);
    let opened =
        temper::mine::git::open(&repo, Some(git(&repo, &["rev-parse", "HEAD~1"]).trim())).unwrap();
    let origins = temper::mine::churn::age::line_origins(&opened);
    assert_eq!(origins["api/braces.txt"].1[10].to_string(), c1.trim());
}

/// One deleted file feeding two new ones (`make_blame_renames.sh`): `git log -M` pairs a.c with
/// b.c only, but `git blame` looks for each new file's rename on its own and credits both b.c's
/// and c.c's lines to a.c's commit. Line by line against `git blame --first-parent` at every
/// commit; the per-language line changes stay numstat's.
#[test]
fn a_deleted_file_feeding_two_new_ones_is_blamed_as_git_blames_it() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_blame_renames.sh", tmp.path(), "renames");
    let chain = git(&repo, &["rev-list", "--first-parent", "main"]);
    for commit in chain.lines() {
        let opened = temper::mine::git::open(&repo, Some(commit)).unwrap();
        let origins = temper::mine::churn::age::line_origins(&opened);
        for path in files_at(&repo, commit) {
            let expected: Vec<String> = blame(&repo, commit, &path)
                .into_iter()
                .map(|(c, _)| c)
                .collect();
            let got: Vec<String> = origins[&path].1.iter().map(|id| id.to_string()).collect();
            assert_eq!(got, expected, "{path} at {commit}");
        }
    }
    // Hand count: at c2, c.c's first 18 lines are c1's.
    let c1 = git(&repo, &["rev-list", "--max-parents=0", "main"]);
    let opened =
        temper::mine::git::open(&repo, Some(git(&repo, &["rev-parse", "main~1"]).trim())).unwrap();
    let origins = temper::mine::churn::age::line_origins(&opened);
    let from_c1 = origins["c.c"]
        .1
        .iter()
        .map(|id| id.to_string())
        .filter(|id| id == c1.trim())
        .count();
    assert_eq!(from_c1, 18);
    // numstat: c2 adds b.c's 1 line (a rename) and c.c's 19, removes none; c3 adds 1.
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let rows = export_csv(&store, "language_commits", None);
    let added: Vec<&str> = column(&rows, "lines_added");
    let removed: Vec<&str> = column(&rows, "lines_removed");
    assert_eq!(added, ["23", "20", "1"], "{rows:?}");
    assert_eq!(removed, ["0", "0", "0"], "{rows:?}");
}
