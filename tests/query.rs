//! `temper query` and the SQL files in `queries/`: they run over a fixture store, agree with the
//! summary `analyze` prints (itself checked against `git log`), and a bad file fails with a
//! message naming it and quoting the SQL.

use std::path::{Path, PathBuf};

use crate::common::*;

fn queries_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries")
}

fn query_csv(store: &Path, file: &Path) -> Vec<Vec<String>> {
    let out = run_ok(
        temper()
            .arg("query")
            .arg(file)
            .args(["--format", "csv", "--store"])
            .arg(store),
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// `last_12_months.sql` over a store of one repository equals `analyze`'s summary of it (both end
/// the window with its newest data); over a store of both, the window is the store's one "now"
/// (the age fixture's 2022-03), so the history fixture, silent since 2020-05, has no commits and
/// no contributors in it.
#[test]
fn last_12_months_agrees_with_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let both = tmp.path().join("both");
    let figures = |store: &std::path::Path| -> Vec<(String, String, String)> {
        let rows = query_csv(store, &queries_dir().join("last_12_months.sql"));
        column(&rows, "repo")
            .into_iter()
            .zip(column(&rows, "commits_per_month_12m"))
            .zip(column(&rows, "contributors_12m"))
            .map(|((r, c), p)| {
                (
                    r.to_string(),
                    format!("{:.1}", c.parse::<f64>().unwrap()),
                    p.to_string(),
                )
            })
            .collect()
    };
    let mut together = Vec::new();
    for script in ["make_age.sh", "make_history.sh"] {
        let name = script.trim_end_matches(".sh");
        let repo = build_fixture(script, tmp.path(), name);
        let own = tmp.path().join(format!("store-{name}"));
        let out = analyze(&repo, &own, &[]);
        analyze(&repo, &both, &[]);
        let text = String::from_utf8(out.stdout).unwrap();
        // repo first last commits contributors commits/month-12m contributors-12m ...
        let row: Vec<String> = text
            .lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect();
        let summary = (row[0].clone(), row[5].clone(), row[6].clone());
        assert_eq!(figures(&own), std::slice::from_ref(&summary));
        together.push(summary);
    }
    // By hand: the age fixture is the newest data; history's 8 commits end in 2020-05.
    together[1] = ("make_history".into(), "0.0".into(), "0".into());
    assert_eq!(figures(&both), together);
}

#[test]
fn every_shipped_query_runs_and_says_what_it_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    analyze(&repo, &store, &[]);
    let mut files: Vec<PathBuf> = std::fs::read_dir(queries_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("-- "),
            "{} must open with a comment saying what it answers",
            file.display()
        );
        let rows = query_csv(&store, &file);
        assert!(!rows.is_empty(), "{}: no header", file.display());
    }
    // language_mix_now at 2022-03 (hand count in make_age.sh): C 7, C Header 6, Python 4.
    let rows = query_csv(&store, &queries_dir().join("language_mix_now.sql"));
    let got: Vec<(&str, &str)> = column(&rows, "language")
        .into_iter()
        .zip(column(&rows, "code"))
        .collect();
    assert_eq!(got, [("C", "7"), ("C Header", "6"), ("Python", "4")]);
}

#[test]
fn a_bad_query_names_the_file_and_quotes_the_sql() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    analyze(&repo, &store, &[]);
    let bad = tmp.path().join("bad.sql");
    std::fs::write(
        &bad,
        "-- broken on purpose\nSELECT nosuchcolumn FROM activity\n",
    )
    .unwrap();
    let out = temper()
        .arg("query")
        .arg(&bad)
        .arg("--store")
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.sql"), "{err}");
    assert!(err.contains("SELECT nosuchcolumn FROM activity"), "{err}");
    let out = temper()
        .arg("query")
        .arg(tmp.path().join("missing.sql"))
        .arg("--store")
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.sql"));
}

/// `query -e SQL` runs the SQL as a file holding it would; `export` takes its format from
/// `--out`'s extension, and says what it needs when it cannot.
#[test]
fn inline_sql_and_formats_from_the_file_name() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_tags.sh", tmp.path(), "tags");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let sql = "SELECT repo, COUNT(*) AS months FROM activity GROUP BY repo";
    let file = tmp.path().join("q.sql");
    std::fs::write(&file, sql).unwrap();
    let inline = run_ok(
        temper()
            .args(["query", "-e", sql, "--format", "csv", "--store"])
            .arg(&store),
    );
    let lines: Vec<String> = String::from_utf8(inline.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let from_file: Vec<String> = query_csv(&store, &file)
        .iter()
        .map(|r| r.join(","))
        .collect();
    assert_eq!(lines, from_file);
    // The months of the fixture, by git: 2020-01 to 2020-06 (v9.9's side branch is not on HEAD).
    let first = git(
        &repo,
        &["log", "--reverse", "--format=%ad", "--date=format:%Y-%m"],
    );
    let last = git(&repo, &["log", "-1", "--format=%ad", "--date=format:%Y-%m"]);
    let (a, b) = (
        first.lines().next().unwrap().to_string(),
        last.trim().to_string(),
    );
    let months = (b[..4].parse::<i32>().unwrap() * 12 + b[5..].parse::<i32>().unwrap())
        - (a[..4].parse::<i32>().unwrap() * 12 + a[5..].parse::<i32>().unwrap())
        + 1;
    assert_eq!(lines[1], format!("tags,{months}"));
    for (ext, starts) in [
        ("csv", &b"repo,"[..]),
        ("json", &b"["[..]),
        ("parquet", &b"PAR1"[..]),
    ] {
        let out = tmp.path().join(format!("activity.{ext}"));
        run_ok(
            temper()
                .args(["export", "--table", "activity", "--store"])
                .arg(&store)
                .arg("--out")
                .arg(&out),
        );
        assert!(std::fs::read(&out).unwrap().starts_with(starts), "{ext}");
    }
    let unknown = temper()
        .args(["export", "--table", "activity", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--format"));

    // For a spreadsheet: a byte-order mark, and git's first month as ="YYYY-MM" text.
    let sheet = run_ok(
        temper()
            .args(["query", "-e", "SELECT MIN(month) AS first FROM activity"])
            .args(["--format", "csv", "--spreadsheet", "--store"])
            .arg(&store),
    );
    let text = String::from_utf8(sheet.stdout).unwrap();
    assert_eq!(text, format!("\u{feff}first\n\"=\"\"{a}\"\"\"\n"));
    // A dataset reads like a store: its export equals the store's.
    let dataset = tmp.path().join("dataset");
    make_dataset(&store, &dataset);
    let export = |flag: &str, dir: &Path| {
        run_ok(
            temper()
                .args(["export", "--table", "activity", "--format", "csv", flag])
                .arg(dir),
        )
        .stdout
    };
    assert_eq!(export("--dataset", &dataset), export("--store", &store));
}

/// Queries run one after another over one load (as the report runs its sections) do not see
/// each other's names: a derived table aliased `o` in one query once shadowed the table
/// aliased `o` in the next ("no column named 'month' found in table 'o'").
#[test]
fn a_query_does_not_see_the_aliases_of_the_one_before() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let repo = build_fixture("make_age.sh", tmp.path(), "age");
    analyze(&repo, &store, &[]);
    let mut tables = temper::read::query::Tables::load(&store, None, &[]).unwrap();
    let first = tables
        .run(
            Path::new("first.sql"),
            "SELECT o.repo FROM (SELECT repo FROM provenance) o",
        )
        .unwrap();
    assert_eq!(first.height(), 1);
    let second = tables
        .run(
            Path::new("second.sql"),
            "SELECT o.month FROM activity o ORDER BY o.month",
        )
        .unwrap();
    // activity has a row for every month from the first commit's to the last's (`git log`).
    let months: Vec<(i32, i32)> = git(&repo, &["log", "--date=format:%Y-%m", "--format=%cd"])
        .lines()
        .map(|m| (m[..4].parse().unwrap(), m[5..7].parse().unwrap()))
        .collect();
    let (first, last) = (months.iter().min().unwrap(), months.iter().max().unwrap());
    let span = (last.0 - first.0) * 12 + (last.1 - first.1) + 1;
    assert_eq!(second.height(), span as usize);
}
