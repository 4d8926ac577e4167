//! The `loc` table against tokei's own CLI: for every month, temper's counts of the month-end
//! snapshot must equal `tokei --hidden --no-ignore` over `git archive` of the same commit.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

type Row = (u64, u64, u64, u64); // files, code, comments, blanks
type LocTable = BTreeMap<(String, String), (u64, u64, u64, u64, u64)>; // (month, language) -> files, code, comments, blanks, bytes

/// Per language, tokei's summarised totals (a language plus its embedded children) over the
/// `subdirs` of a checkout of `commit`, and the regular files tokei does not claim (files, bytes).
pub fn tokei_oracle_in(
    repo: &Path,
    commit: &str,
    subdirs: &[&str],
) -> (BTreeMap<String, Row>, (u64, u64)) {
    let out = tempfile::tempdir().unwrap();
    let archive = git_output(repo, &["archive", "--format=tar", commit]);
    assert!(archive.status.success());
    let mut tar = std::process::Command::new("tar")
        .args(["-x", "-C"])
        .arg(out.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    tar.stdin
        .take()
        .unwrap()
        .write_all(&archive.stdout)
        .unwrap();
    assert!(tar.wait().unwrap().success());

    let roots: Vec<std::path::PathBuf> = subdirs
        .iter()
        .map(|d| out.path().join(d))
        .filter(|p| p.exists())
        .collect();
    if roots.is_empty() {
        return (BTreeMap::new(), (0, 0));
    }
    let json = std::process::Command::new(tokei_cli())
        .args(["--hidden", "--no-ignore", "--output", "json"])
        .args(&roots)
        .current_dir(out.path())
        .output()
        .unwrap();
    assert!(json.status.success());
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let mut langs = BTreeMap::new();
    let mut claimed = std::collections::BTreeSet::new();
    for (name, lang) in value.as_object().unwrap() {
        if name == "Total" {
            continue;
        }
        let n = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap();
        let reports = lang["reports"].as_array().unwrap();
        let (mut code, mut comments, mut blanks) =
            (n(lang, "code"), n(lang, "comments"), n(lang, "blanks"));
        for child_reports in lang["children"].as_object().unwrap().values() {
            for r in child_reports.as_array().unwrap() {
                let (c, m, b) = summarise(&r["stats"]);
                code += c;
                comments += m;
                blanks += b;
            }
        }
        for r in reports {
            claimed.insert(r["name"].as_str().unwrap().to_string());
        }
        // tokei's JSON names languages by their enum key (BASH); temper uses display names.
        let display = tokei::LanguageType::list()
            .iter()
            .map(|(l, _)| *l)
            .find(|l| format!("{l:?}") == *name)
            .map(|l| l.name().to_string())
            .unwrap_or_else(|| name.clone());
        langs.insert(display, (reports.len() as u64, code, comments, blanks));
    }
    // Regular files tokei did not claim.
    let mut unclaimed = (0, 0);
    let mut stack = roots.clone();
    while let Some(dir) = stack.pop() {
        if dir.is_file() {
            // A file given as a root (the class tests list files).
            if !claimed.contains(dir.to_str().unwrap()) {
                unclaimed.0 += 1;
                unclaimed.1 += dir.metadata().unwrap().len();
            }
            continue;
        }
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let ft = entry.file_type().unwrap();
            if ft.is_dir() {
                stack.push(entry.path());
            } else if ft.is_file() && !claimed.contains(entry.path().to_str().unwrap()) {
                unclaimed.0 += 1;
                unclaimed.1 += entry.metadata().unwrap().len();
            }
        }
    }
    (langs, unclaimed)
}

/// A report's stats with its embedded blobs folded in (tokei's `CodeStats::summarise`).
fn summarise(stats: &serde_json::Value) -> (u64, u64, u64) {
    let mut t = (
        stats["code"].as_u64().unwrap(),
        stats["comments"].as_u64().unwrap(),
        stats["blanks"].as_u64().unwrap(),
    );
    for blob in stats["blobs"].as_object().unwrap().values() {
        let (c, m, b) = summarise(blob);
        t = (t.0 + c, t.1 + m, t.2 + b);
    }
    t
}

/// The month-end snapshot by git: the first-parent commit nearest the tip committed before the
/// month ends.
pub fn snapshot_commit(repo: &Path, month: &str) -> String {
    let (y, m): (i32, u32) = (month[..4].parse().unwrap(), month[5..].parse().unwrap());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let end = chrono::NaiveDate::from_ymd_opt(ny, nm, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let before = format!("--before=@{}", end - 1);
    git(
        repo,
        &["rev-list", "--first-parent", "-n1", &before, "HEAD"],
    )
    .trim()
    .to_string()
}

fn temper_loc(store: &Path) -> LocTable {
    temper_loc_of(store, None)
}

fn temper_loc_of(store: &Path, repo: Option<&str>) -> LocTable {
    let rows = export_csv(store, "loc", repo);
    let cols: Vec<Vec<&str>> = [
        "month", "language", "files", "code", "comments", "blanks", "bytes",
    ]
    .iter()
    .map(|c| column(&rows, c))
    .collect();
    // Rows of every class, summed: the classless totals tokei gives.
    let mut table = LocTable::new();
    #[allow(clippy::needless_range_loop)]
    for i in 0..rows.len() - 1 {
        let n = |j: usize| cols[j][i].parse::<u64>().unwrap();
        let key = (cols[0][i].to_string(), cols[1][i].to_string());
        let e = table.entry(key).or_default();
        *e = (e.0 + n(2), e.1 + n(3), e.2 + n(4), e.3 + n(5), e.4 + n(6));
    }
    table
}

/// temper's rows for `month` equal tokei's counts over `subdirs` of that month's snapshot, and
/// its `Unrecognised` row holds exactly the regular files tokei leaves out.
fn assert_month_matches_tokei(repo: &Path, loc: &LocTable, month: &str, subdirs: &[&str]) {
    let commit = snapshot_commit(repo, month);
    let (expected, unclaimed) = tokei_oracle_in(repo, &commit, subdirs);
    let got: BTreeMap<String, Row> = loc
        .iter()
        .filter(|((m, l), _)| m == month && l != "Unrecognised")
        .map(|((_, l), v)| (l.clone(), (v.0, v.1, v.2, v.3)))
        .collect();
    assert_eq!(got, expected, "{month} ({commit})");
    let other = loc
        .get(&(month.to_string(), "Unrecognised".to_string()))
        .map_or((0, 0), |v| (v.0, v.4));
    assert_eq!(other, unclaimed, "{month}: files no language claims");
}

#[test]
fn every_month_equals_tokei_cli_over_git_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_loc.sh", tmp.path(), "loc");
    let store = tmp.path().join("store");
    run_ok(
        temper()
            .arg("analyze")
            .arg(&repo)
            .arg("--store")
            .arg(&store)
            .arg("--quiet"),
    );
    let loc = temper_loc(&store);
    let months: std::collections::BTreeSet<&str> = loc.keys().map(|k| k.0.as_str()).collect();
    assert_eq!(
        months.iter().copied().collect::<Vec<_>>(),
        ["2021-01", "2021-02", "2021-03", "2021-04"]
    );
    for month in months {
        assert_month_matches_tokei(&repo, &loc, month, &["."]);
    }
    // Hand counts beside the fixture, so a broken oracle cannot agree with a broken temper:
    // January's `run` is BASH by its shebang (no extension): 2 code, 2 comments (the shebang and
    // "# comment"), 1 blank, 41 bytes. a.c: 5 code, 3 comments (two block-comment lines and one
    // line comment; the "/* */" inside a string is code), 1 blank, 136 bytes. The March rename
    // keeps a.c one file, and wide.c and crlf.c make three.
    assert_eq!(loc[&("2021-01".into(), "BASH".into())], (1, 2, 2, 1, 41));
    assert_eq!(loc[&("2021-01".into(), "C".into())], (1, 5, 3, 1, 136));
    assert_eq!(loc[&("2021-03".into(), "C".into())].0, 3);
}

#[test]
fn second_run_reuses_the_blob_cache_and_agrees() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_loc.sh", tmp.path(), "loc");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_ok(
        temper()
            .arg("analyze")
            .arg(&repo)
            .arg("--store")
            .arg(&a)
            .arg("--quiet"),
    );
    let first = temper_loc(&a);
    run_ok(
        temper()
            .arg("analyze")
            .arg(&repo)
            .arg("--store")
            .arg(&a)
            .arg("--quiet"),
    );
    assert_eq!(temper_loc(&a), first);
    run_ok(
        temper()
            .arg("analyze")
            .arg(&repo)
            .args(["--threads", "1", "--quiet", "--store"])
            .arg(&b),
    );
    assert_eq!(temper_loc(&b), first, "one thread and many agree");
}

#[test]
fn path_scope_counts_only_that_part_of_each_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_loc.sh", tmp.path(), "loc");
    let store = tmp.path().join("store");
    run_ok(
        temper()
            .arg("analyze")
            .arg(&repo)
            .args(["--path", "src", "--path", ".hidden/", "--quiet", "--store"])
            .arg(&store),
    );
    let loc = temper_loc(&store);
    let months: std::collections::BTreeSet<&str> = loc.keys().map(|k| k.0.as_str()).collect();
    // Commits touching src/ or .hidden/: January, March, the April side edit (git log -- paths).
    assert_eq!(
        git_log_paths(&repo, "HEAD", "%H", &["src", ".hidden"]).len(),
        3
    );
    assert_eq!(months.len(), 4);
    for month in months {
        assert_month_matches_tokei(&repo, &loc, month, &["src", ".hidden"]);
    }
}

#[test]
fn a_new_month_mined_incrementally_equals_a_fresh_run() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_loc.sh", tmp.path(), "loc");
    let (incremental, fresh) = (tmp.path().join("inc"), tmp.path().join("fresh"));
    let analyze = |store: &Path| {
        run_ok(
            temper()
                .arg("analyze")
                .arg(&repo)
                .args(["--quiet", "--timings", "--store"])
                .arg(store),
        )
    };
    analyze(&incremental);
    // A new month: May edits one file and adds another.
    std::fs::write(repo.join("lib.rs"), "pub fn f() {}\n").unwrap();
    std::fs::write(repo.join("more.py"), "# c\nx = 1\n").unwrap();
    git(&repo, &["add", "lib.rs", "more.py"]);
    commit_at(
        &repo,
        "Lin",
        "lin@example.org",
        "2021-05-06T12:00:00+0000",
        "May",
    );
    let second = analyze(&incremental);
    let timings = String::from_utf8_lossy(&second.stderr);
    // Four months kept their counts; only May's snapshot was counted, with two new blobs.
    assert!(
        timings.contains("1 snapshots counted, 4 reused"),
        "{timings}"
    );
    assert!(timings.contains("2 blobs counted"), "{timings}");
    assert!(
        timings.contains("commits read 1;"),
        "only the new commit is walked: {timings}"
    );
    analyze(&fresh);
    for table in ["commits", "activity", "loc", "data_quality", "snapshots"] {
        assert_eq!(
            export_csv(&incremental, table, None),
            export_csv(&fresh, table, None),
            "{table}"
        );
    }
    assert_month_matches_tokei(&repo, &temper_loc(&incremental), "2021-05", &["."]);
}

#[test]
fn no_loc_mines_activity_only_and_keeps_the_blob_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_loc.sh", tmp.path(), "loc");
    let store = tmp.path().join("store");
    let run = |extra: &[&str]| {
        run_ok(
            temper()
                .arg("analyze")
                .arg(&repo)
                .args(["--quiet", "--timings", "--store"])
                .arg(&store)
                .args(extra),
        )
    };
    run(&[]);
    let full = temper_loc(&store);
    let activity = export_csv(&store, "activity", None);
    run(&["--activity-only"]);
    assert!(temper_loc(&store).is_empty());
    // Commit activity is the same; churn was not mined, so its columns are empty.
    let without_churn = export_csv(&store, "activity", None);
    for col in [
        "month",
        "commits",
        "merges",
        "contributors",
        "new_contributors",
    ] {
        assert_eq!(column(&without_churn, col), column(&activity, col));
    }
    assert!(column(&without_churn, "lines_added")
        .iter()
        .all(|v| v.is_empty()));
    let again = run(&[]);
    assert_eq!(temper_loc(&store), full);
    let timings = String::from_utf8_lossy(&again.stderr);
    assert!(timings.contains(" 0 blobs counted"), "{timings}");
}

#[test]
fn oversized_blobs_count_as_files_without_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("big");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    // 64 MiB + 1 byte of C source (blank lines): over the documented limit, so not decoded.
    let size = (64u64 << 20) + 1;
    std::fs::write(repo.join("big.c"), vec![b'\n'; size as usize]).unwrap();
    std::fs::write(repo.join("small.c"), "int x;\n").unwrap();
    git(&repo, &["add", "big.c", "small.c"]);
    commit_at(
        &repo,
        "Big",
        "big@example.org",
        "2022-02-02T00:00:00+0000",
        "big",
    );
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let loc = temper_loc(&store);
    // Hand count: two C files; only small.c's one line of code; bytes of both.
    assert_eq!(loc[&("2022-02".into(), "C".into())], (2, 1, 0, 0, size + 7));
    let dq = export_csv(&store, "data_quality", None);
    let kinds = column(&dq, "kind");
    let counts = column(&dq, "count");
    let i = kinds.iter().position(|k| *k == "oversized_blob").unwrap();
    assert_eq!(counts[i], "1");
    // Churn treats the oversized file as binary: two files changed, one line (small.c) added.
    let commits = export_csv(&store, "commits", None);
    assert_eq!(column(&commits, "files_changed"), ["2"]);
    assert_eq!(column(&commits, "lines_added"), ["1"]);
}

/// `export --table loc --wide --spreadsheet` for a repository with a non-ASCII name: a UTF-8
/// byte-order mark, then the name as UTF-8, a row per month with the month as `="YYYY-MM"`, and
/// a column per language holding the code lines tokei counts in that month's snapshot (every
/// class, so tokei's totals); `--class code` keeps own code only, equal to the long table's
/// `code` rows; `--bom` alone marks the plain CSV.
#[test]
fn wide_spreadsheet_csv_equals_tokei_per_month() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_loc.sh", tmp.path(), "loc");
    let store = tmp.path().join("store");
    let name = "zürich-ß";
    run_ok(
        temper()
            .args(["analyze", "--quiet", "--store"])
            .arg(&store)
            .arg(format!("{name}={}", repo.display())),
    );
    let out = run_ok(
        temper()
            .args([
                "export",
                "--table",
                "loc",
                "--wide",
                "--spreadsheet",
                "--store",
            ])
            .arg(&store),
    )
    .stdout;
    assert_eq!(&out[..3], b"\xEF\xBB\xBF", "a UTF-8 byte-order mark first");
    let text = String::from_utf8(out[3..].to_vec()).expect("UTF-8 after the mark");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..2], ["repo", "month"]);
    let mut months = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], name);
        let month = cells[1]
            .strip_prefix("\"=\"\"")
            .and_then(|m| m.strip_suffix("\"\"\""))
            .unwrap_or_else(|| panic!("a month as text: {line}"));
        months.push(month.to_string());
        let commit = snapshot_commit(&repo, month);
        let (tokei, _) = tokei_oracle_in(&repo, &commit, &["."]);
        for (language, cell) in header[2..].iter().zip(&cells[2..]) {
            let expected = tokei.get(*language).map_or(0, |row| row.1);
            assert_eq!(cell.parse::<u64>().unwrap(), expected, "{month} {language}");
        }
        // Every language tokei counts code for has its column.
        for (language, row) in &tokei {
            assert!(
                row.1 == 0 || header.contains(&language.as_str()),
                "{language}"
            );
        }
    }
    assert_eq!(months, ["2021-01", "2021-02", "2021-03", "2021-04"]);

    // One class: the long table's own-code rows, pivoted by hand.
    let long = export_csv(&store, "loc", Some(name));
    let mut own: BTreeMap<(String, String), u64> = BTreeMap::new();
    let (m, c, l, n) = (
        column(&long, "month"),
        column(&long, "class"),
        column(&long, "language"),
        column(&long, "code"),
    );
    for i in 0..m.len() {
        if c[i] == "code" {
            *own.entry((m[i].to_string(), l[i].to_string())).or_default() +=
                n[i].parse::<u64>().unwrap();
        }
    }
    let code = run_ok(
        temper()
            .args([
                "export", "--table", "loc", "--wide", "--class", "code", "--bom",
            ])
            .args(["--format", "csv", "--store"])
            .arg(&store),
    )
    .stdout;
    let text = String::from_utf8(code).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("--bom marks the CSV");
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows: Vec<&str> = lines.collect();
    // A row for every month, whether or not it has own code.
    assert_eq!(rows.len(), months.len(), "{text}");
    for line in rows {
        let cells: Vec<&str> = line.split(',').collect();
        assert!(
            cells[1].len() == 7,
            "--bom alone keeps plain months: {line}"
        );
        for (language, cell) in header[2..].iter().zip(&cells[2..]) {
            let expected = own
                .get(&(cells[1].to_string(), language.clone()))
                .copied()
                .unwrap_or(0);
            assert_eq!(cell.parse::<u64>().unwrap(), expected, "{line} {language}");
        }
    }
    // A class the fixture has none of: still a row per month (with no language column).
    let none = run_ok(
        temper()
            .args(["export", "--table", "loc", "--wide", "--class", "vendored"])
            .args(["--format", "csv", "--store"])
            .arg(&store),
    )
    .stdout;
    let none = String::from_utf8(none).unwrap();
    assert_eq!(none.lines().next(), Some("repo,month"), "{none}");
    assert_eq!(none.lines().count(), 1 + months.len(), "{none}");
    // --wide is for loc only; CSV shaping is for CSV only.
    for (args, word) in [
        (
            &["--table", "commits", "--wide", "--format", "csv"][..],
            "--wide",
        ),
        (
            &["--table", "loc", "--spreadsheet", "--format", "json"][..],
            "--spreadsheet",
        ),
    ] {
        let refused = temper()
            .arg("export")
            .args(args)
            .arg("--store")
            .arg(&store)
            .output()
            .unwrap();
        assert_eq!(refused.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&refused.stderr).contains(word));
    }
}
