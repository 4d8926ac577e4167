//! Code classes against tokei's CLI: for every month and class, the `loc` rows of that class
//! equal `tokei` over `git archive` of the month's snapshot restricted to that class's paths,
//! which are written out below by hand from the rules (src/mine/class/class_rules.toml, the fixture's
//! .gitattributes of that month, and `--class vendored=src/bundled`).

use std::collections::BTreeMap;

use crate::common::*;
use crate::loc::{snapshot_commit, tokei_oracle_in};

/// (month, class, language) -> (files, code, comments, blanks)
type ClassLoc = BTreeMap<(String, String, String), (u64, u64, u64, u64)>;

const COMMON: [(&str, &str); 13] = [
    ("src/main.c", "code"),
    ("src/bundled/b.c", "vendored"), // --class
    ("src/util_test.go", "test"),
    ("vendor/lib/lib.c", "vendored"),
    ("vendor/lib/lib_test.c", "vendored"), // vendored before test
    ("third_party/x/y.py", "vendored"),
    ("tests/test_main.c", "test"),
    ("docs/guide.md", "docs"),
    ("docs/example_test.go", "test"), // test before docs
    ("README.md", "docs"),
    ("api/types.pb.go", "generated"), // by name
    ("gen/notes.txt", "code"),        // no rule: code (and no language)
    (".gitattributes", "code"),
];

/// Each month's remaining files and their classes.
fn classes_of(month: &str) -> Vec<(&'static str, &'static str)> {
    let mut files = COMMON.to_vec();
    match month {
        "2021-01" => files.extend([
            ("vendor/ours/o.c", "vendored"),
            ("docs/conf.py", "docs"),
            ("gen/parser.c", "generated"), // the marker in its first line
        ]),
        // gen/** -linguist-generated, vendor/ours/** -linguist-vendored, extra/** vendored.
        "2021-02" => files.extend([
            ("vendor/ours/o.c", "code"),
            ("docs/conf.py", "docs"),
            ("gen/parser.c", "code"),
            ("extra/e.c", "vendored"),
        ]),
        // Only extra/** linguist-vendored and docs/conf.py -linguist-documentation remain.
        "2021-03" => files.extend([
            ("vendor/ours/o.c", "vendored"),
            ("docs/conf.py", "code"),
            ("gen/parser.c", "generated"),
            ("extra/e.c", "vendored"),
        ]),
        _ => unreachable!(),
    }
    files.retain(|(path, _)| month != "2021-01" || *path != ".gitattributes");
    files
}

#[test]
fn each_class_equals_tokei_over_its_paths_month_by_month() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_classes.sh", tmp.path(), "classes");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--class", "vendored=src/bundled"]);
    let rows = export_csv(&store, "loc", None);
    let mut got: ClassLoc = BTreeMap::new();
    let cols: Vec<Vec<&str>> = [
        "month", "class", "language", "files", "code", "comments", "blanks",
    ]
    .iter()
    .map(|c| column(&rows, c))
    .collect();
    #[allow(clippy::needless_range_loop)]
    for i in 0..rows.len() - 1 {
        let n = |j: usize| cols[j][i].parse::<u64>().unwrap();
        let key = (
            cols[0][i].to_string(),
            cols[1][i].to_string(),
            cols[2][i].to_string(),
        );
        assert!(
            got.insert(key, (n(3), n(4), n(5), n(6))).is_none(),
            "one row per key"
        );
    }
    for month in ["2021-01", "2021-02", "2021-03"] {
        let commit = snapshot_commit(&repo, month);
        let files = classes_of(month);
        let listed = git(&repo, &["ls-tree", "-r", "--name-only", &commit]);
        let mut in_tree: Vec<&str> = listed.lines().collect();
        let mut written: Vec<&str> = files.iter().map(|f| f.0).collect();
        in_tree.sort_unstable();
        written.sort_unstable();
        assert_eq!(
            in_tree, written,
            "{month}: the hand list covers the snapshot"
        );
        for class in ["code", "test", "docs", "vendored", "generated"] {
            let paths: Vec<&str> = files.iter().filter(|f| f.1 == class).map(|f| f.0).collect();
            let (expected, unclaimed) = tokei_oracle_in(&repo, &commit, &paths);
            let mine = |language: &str| {
                got.get(&(month.to_string(), class.to_string(), language.to_string()))
                    .copied()
            };
            let languages: BTreeMap<String, (u64, u64, u64, u64)> = got
                .iter()
                .filter(|((m, c, l), _)| m == month && c == class && l != "Unrecognised")
                .map(|((_, _, l), v)| (l.clone(), *v))
                .collect();
            assert_eq!(languages, expected, "{month} {class}");
            let other = mine("Unrecognised").map_or(0, |v| v.0);
            assert_eq!(
                other, unclaimed.0,
                "{month} {class}: files no language claims"
            );
        }
    }
}

#[test]
fn the_summary_counts_own_code_and_the_query_names_the_shares() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_classes.sh", tmp.path(), "classes");
    let store = tmp.path().join("store");
    let out = analyze(&repo, &store, &["--class", "vendored=src/bundled"]);
    let commit = snapshot_commit(&repo, "2021-03");
    let own: Vec<&str> = classes_of("2021-03")
        .into_iter()
        .filter(|f| f.1 == "code")
        .map(|f| f.0)
        .collect();
    let (expected, _) = tokei_oracle_in(&repo, &commit, &own);
    let code: u64 = expected.values().map(|v| v.1).sum();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let row = stdout.lines().find(|l| l.starts_with("classes")).unwrap();
    assert!(
        row.contains(&format!("  {code}  ")),
        "code now {code} in: {row}"
    );
}

#[test]
fn the_classes_chart_draws_each_class_of_the_loc_table() {
    use temper::read::chart::{ChartKind, Plot, XAxis};
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_classes.sh", tmp.path(), "classes");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--class", "vendored=src/bundled"]);
    let out = tmp.path().join("c.svg");
    let options = crate::chart::options(&store, ChartKind::Classes, &["classes"], &out);
    let spec = temper::read::chart::spec(&options).unwrap();
    let Plot::Stacked { series, .. } = &spec.plot else {
        panic!("a stack")
    };
    let XAxis::Months { first, .. } = spec.x else {
        panic!("calendar months")
    };
    assert_eq!(first.to_string(), "2021-01");
    // Each series, month by month, is the sum of its class's code in the loc table.
    let rows = export_csv(&store, "loc", None);
    let (month, class, code) = (
        column(&rows, "month"),
        column(&rows, "class"),
        column(&rows, "code"),
    );
    for s in series {
        for (i, m) in ["2021-01", "2021-02", "2021-03"].iter().enumerate() {
            let expected: u64 = (0..month.len())
                .filter(|&r| month[r] == *m && class[r] == s.name)
                .map(|r| code[r].parse::<u64>().unwrap())
                .sum();
            assert_eq!(s.values[i], Some(expected as f64), "{} {m}", s.name);
        }
    }
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["code", "test", "docs", "vendored", "generated"]);
    temper::read::chart::render(&options).unwrap();
    assert!(std::fs::read_to_string(&options.out)
        .unwrap()
        .contains("<svg"));
}

#[test]
fn class_churn_equals_git_numstat_split_by_the_hand_listed_classes() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_classes.sh", tmp.path(), "classes");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--class", "vendored=src/bundled"]);
    // git's numstat, one commit a month in this fixture: (month, class) -> (added, removed).
    let mut expected: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    // The same for the files a language claims: every file here but .gitattributes.
    let mut with_language = expected.clone();
    for (month, path, added, removed) in numstat_files_by_month(&repo) {
        let class = classes_of(&month)
            .into_iter()
            .find(|f| f.0 == path)
            .map(|f| f.1)
            .unwrap_or_else(|| panic!("{path} is not listed"));
        let key = (month.clone(), class.to_string());
        let e = expected.entry(key.clone()).or_default();
        (e.0, e.1) = (e.0 + added, e.1 + removed);
        if path != ".gitattributes" {
            let e = with_language.entry(key).or_default();
            (e.0, e.1) = (e.0 + added, e.1 + removed);
        }
    }
    with_language.retain(|_, v| *v != (0, 0));
    let rows = export_csv(&store, "class_churn", None);
    let (m, c, a, r) = (
        column(&rows, "month"),
        column(&rows, "class"),
        column(&rows, "lines_added"),
        column(&rows, "lines_removed"),
    );
    let mut got = BTreeMap::new();
    for i in 0..m.len() {
        let lines = (a[i].parse::<u64>().unwrap(), r[i].parse::<u64>().unwrap());
        if lines != (0, 0) {
            got.insert((m[i].to_string(), c[i].to_string()), lines);
        }
    }
    assert_eq!(got, expected);
    assert!(got.contains_key(&("2021-01".to_string(), "generated".to_string())));
    // language_commits splits the same lines by class too, for the files a language claims
    // (one commit a month here, so months stand for commits).
    let rows = export_csv(&store, "language_commits", None);
    let (m, c, a, r) = (
        column(&rows, "month"),
        column(&rows, "class"),
        column(&rows, "lines_added"),
        column(&rows, "lines_removed"),
    );
    let mut by_class: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for i in 0..m.len() {
        let e = by_class
            .entry((m[i].to_string(), c[i].to_string()))
            .or_default();
        e.0 += a[i].parse::<u64>().unwrap();
        e.1 += r[i].parse::<u64>().unwrap();
    }
    assert_eq!(by_class, with_language);
}

/// The sum of `fields` per (month, class) of a stored table, months and classes with none left
/// out.
fn by_month_and_class(
    store: &std::path::Path,
    table: &str,
    fields: &[&str],
) -> BTreeMap<(String, String), u64> {
    let rows = export_csv(store, table, None);
    let (m, c) = (column(&rows, "month"), column(&rows, "class"));
    let values: Vec<Vec<&str>> = fields.iter().map(|f| column(&rows, f)).collect();
    let mut out: BTreeMap<(String, String), u64> = BTreeMap::new();
    for i in 0..m.len() {
        let n: u64 = values.iter().map(|v| v[i].parse::<u64>().unwrap()).sum();
        if n > 0 {
            *out.entry((m[i].to_string(), c[i].to_string())).or_default() += n;
        }
    }
    out
}

#[test]
fn line_age_classes_files_as_the_line_counter_does() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_classes.sh", tmp.path(), "classes");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--class", "vendored=src/bundled"]);
    // Each month's lines per class in `age` are the lines (code + comments + blanks) of the
    // files of that class that `loc` counts, which the first test checks against tokei.
    let sum = |table: &str, fields: &[&str]| by_month_and_class(&store, table, fields);
    let loc = sum("loc", &["code", "comments", "blanks"]);
    let age = sum("age", &["lines"]);
    assert_eq!(age, loc);
    assert!(age.contains_key(&("2021-02".to_string(), "vendored".to_string())));
}

#[test]
fn vendored_changes_equal_git_numstat_of_each_vendored_package() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_classes.sh", tmp.path(), "classes");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &["--class", "vendored=src/bundled"]);
    // The packages, by hand from the rule (src/mine/class.rs, `vendored_package`).
    let package = |path: &str| match path {
        "vendor/lib/lib.c" | "vendor/lib/lib_test.c" => "vendor/lib",
        "vendor/ours/o.c" => "vendor/ours",
        "third_party/x/y.py" => "third_party/x",
        "src/bundled/b.c" => "src/bundled", // --class: the file's directory
        "extra/e.c" => "extra",             // .gitattributes: the file's directory
        other => panic!("{other} is not vendored"),
    };
    let mut expected: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for (month, path, added, removed) in numstat_files_by_month(&repo) {
        let vendored = classes_of(&month)
            .into_iter()
            .any(|f| f.0 == path && f.1 == "vendored");
        if vendored {
            let e = expected
                .entry((month.clone(), package(&path).to_string()))
                .or_default();
            e.0 += added;
            e.1 += removed;
        }
    }
    let rows = export_csv(&store, "vendored_changes", None);
    let (m, p, a, r) = (
        column(&rows, "month"),
        column(&rows, "package"),
        column(&rows, "lines_added"),
        column(&rows, "lines_removed"),
    );
    let got: BTreeMap<(String, String), (u64, u64)> = (0..m.len())
        .map(|i| {
            let lines = (a[i].parse().unwrap(), r[i].parse().unwrap());
            ((m[i].to_string(), p[i].to_string()), lines)
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        got.len(),
        5,
        "four packages imported in 2021-01, extra in 2021-02"
    );
}

/// What `git check-attr` prints for a value, as temper reads it (`Some(true)` set,
/// `Some(false)` forbidden, `None` unspecified).
fn check_attr_value(value: &str) -> Option<bool> {
    match value {
        "unspecified" => None,
        "unset" | "false" | "0" => Some(false),
        _ => Some(true),
    }
}

/// The linguist attributes of every file, at two commits of `make_attributes.sh`, against
/// `git check-attr --source`: macros, quoted patterns, `!attr`, nested files, runs of stars,
/// and the lines git ignores (too long, negative, a macro outside the root file).
#[test]
fn linguist_attributes_are_what_git_check_attr_says() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_attributes.sh", tmp.path(), "attributes");
    for commit in ["HEAD~1", "HEAD"] {
        let files: Vec<String> = git(&repo, &["ls-tree", "-r", "--name-only", commit])
            .lines()
            .map(String::from)
            .collect();
        let mut args = vec![
            "check-attr".to_string(),
            format!("--source={commit}"),
            "linguist-vendored".into(),
            "linguist-generated".into(),
            "linguist-documentation".into(),
            "--".into(),
        ];
        args.extend(files.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut expected: BTreeMap<String, [Option<bool>; 3]> = BTreeMap::new();
        for line in git(&repo, &args).lines() {
            // PATH: ATTRIBUTE: VALUE (paths here hold no ": ").
            let parts: Vec<&str> = line.splitn(3, ": ").collect();
            let slot = match parts[1] {
                "linguist-vendored" => 0,
                "linguist-generated" => 1,
                _ => 2,
            };
            expected.entry(parts[0].to_string()).or_default()[slot] = check_attr_value(parts[2]);
        }
        let attributes_of = |dir: &str| {
            let path = if dir.is_empty() {
                ".gitattributes".to_string()
            } else {
                format!("{dir}/.gitattributes")
            };
            files
                .contains(&path)
                .then(|| git(&repo, &["show", &format!("{commit}:{path}")]))
        };
        let mut got: BTreeMap<String, [Option<bool>; 3]> = BTreeMap::new();
        for file in &files {
            let mut attrs = temper::mine::class::Attributes::default();
            let parts: Vec<&str> = file.split('/').collect();
            for depth in 0..parts.len() {
                let dir = parts[..depth].join("/");
                if let Some(text) = attributes_of(&dir) {
                    attrs = attrs
                        .with_file(dir.as_bytes(), text.as_bytes())
                        .unwrap_or(attrs);
                }
            }
            let l = attrs.lookup(file.as_bytes());
            got.insert(file.clone(), [l.vendored, l.generated, l.documentation]);
        }
        assert_eq!(got, expected, "at {commit}");
    }
    // Hand counts from make_attributes.sh: `a` + 2,000 stars is `a*`; the macro reaches third/.
    let root = git(&repo, &["show", "HEAD~1:.gitattributes"]);
    let (attrs, read) =
        temper::mine::class::Attributes::default().with_file_read(b"", root.as_bytes());
    assert_eq!(read.long_lines, 1);
    let attrs = attrs.unwrap();
    assert_eq!(attrs.lookup(b"src/abc.c").documentation, Some(true));
    assert_eq!(attrs.lookup(b"third/x/y.c").vendored, Some(true));
}

/// Churn and line age class a file as the line counter does under nested `.gitattributes`
/// files too (`make_attributes.sh`): in 2022-01 one commit adds every file, so the lines it adds
/// per class are that month's lines per class in `loc` (checked against tokei above, and whose
/// attributes `git check-attr` confirms in the test before); `age` holds them in every month.
/// By hand: `lib/deep/c.pb.go` is vendored (`*.go linguist-vendored` in `lib/deep/`, deeper
/// than the root's `*.pb.go linguist-generated`), which the root file alone would call generated.
#[test]
fn churn_and_line_age_read_nested_gitattributes_as_the_line_counter_does() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_attributes.sh", tmp.path(), "attributes");
    let store = tmp.path().join("store");
    analyze(&repo, &store, &[]);
    let sum = |table: &str, fields: &[&str]| by_month_and_class(&store, table, fields);
    let loc = sum("loc", &["code", "comments", "blanks"]);
    let mut first_month = loc.clone();
    first_month.retain(|(month, _), _| month == "2022-01");
    let mut added = sum("language_commits", &["lines_added"]);
    added.retain(|(month, _), _| month == "2022-01");
    assert_eq!(added, first_month);
    assert_eq!(sum("age", &["lines"]), loc);
    let vendored = &("2022-01".to_string(), "vendored".to_string());
    // Hand count (as `git check-attr linguist-vendored` says): third/x/a.c (the root's macro),
    // keep.c, lib/deep/c.pb.go and src/notes.txt (tokei's Plain Text). One line each.
    assert_eq!(added.get(vendored), Some(&4));
}
