//! `temper report`: tables equal their queries, repository text is escaped in HTML and
//! Markdown and neutralised in CSV, and the HTML needs no other file.

mod common;

use common::*;

#[test]
fn report_tables_are_their_queries_and_hostile_names_are_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let age = build_fixture("make_age.sh", tmp.path(), "age");
    let history = build_fixture("make_history.sh", tmp.path(), "history");
    analyze(&age, &store, &["--name", "<script>alert(1)</script>"]);
    analyze(&history, &store, &["--name", "=HYPERLINK(\"x\")"]);
    let out = tmp.path().join("report");
    run_ok(
        temper()
            .args(["report", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&out),
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for text in [&html, &md] {
        assert!(
            !text.contains("<script>"),
            "markup from a repository name got through"
        );
        assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
    // Self-contained: no reference to another file or the network.
    for needle in ["src=", "href=", "<link", "@import", "url("] {
        assert!(!html.contains(needle), "report.html contains {needle}");
    }
    assert!(html.matches("<svg").count() >= 7, "charts are inlined");
    // Every table is its query's result (the CSV of the report equals `temper query`).
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for name in [
        "report_summary",
        "language_mix_now",
        "code_age_now",
        "data_quality",
    ] {
        let query = run_ok(
            temper()
                .arg("query")
                .arg(root.join("queries").join(format!("{name}.sql")))
                .args(["--format", "csv", "--store"])
                .arg(&store),
        );
        let csv = std::fs::read(out.join("tables").join(format!("{name}.csv"))).unwrap();
        assert_eq!(csv, query.stdout, "{name}");
    }
    // A cell starting with = is neutralised for spreadsheets.
    let summary = std::fs::read_to_string(out.join("tables/report_summary.csv")).unwrap();
    assert!(summary.contains("'=HYPERLINK"), "{summary}");
    // The summary's numbers: the age fixture's code now (hand count in make_age.sh: 7 + 6 + 4).
    assert!(
        summary
            .lines()
            .any(|l| l.contains("alert(1)") && l.contains(",17,")),
        "{summary}"
    );
    // Factoids, by hand from the fixture scripts. age: 2019-06..2022-03 is 34 months (1-3
    // years), one author, 6 commits in 2021-04..2022-03 (c4..c9) and none in the 12 months
    // before. history: 2020-01..2020-05 (young), 5 identities (small), 8 plausible commits, none
    // before.
    let factoids = std::fs::read_to_string(out.join("tables/report_factoids.csv")).unwrap();
    let rows: Vec<Vec<&str>> = factoids.lines().map(|l| l.split(',').collect()).collect();
    let pick = |row: &Vec<&str>| {
        let col = |name: &str| row[rows[0].iter().position(|h| *h == name).unwrap()].to_string();
        (
            col("age_label"),
            col("contributors_12m"),
            col("team_label"),
            col("commits_12m"),
            col("activity_label"),
        )
    };
    let by_name = |needle: &str| pick(rows.iter().find(|r| r[0].contains(needle)).unwrap());
    assert_eq!(
        by_name("alert(1)"),
        (
            "1-3 years".into(),
            "1".into(),
            "one person".into(),
            "6".into(),
            "increasing".into()
        )
    );
    assert_eq!(
        by_name("HYPERLINK"),
        (
            "young".into(),
            "5".into(),
            "small".into(),
            "8".into(),
            "increasing".into()
        )
    );
    // Unknown project: exit 1.
    let bad = temper()
        .args(["report", "nope", "--store"])
        .arg(&store)
        .arg("--out")
        .arg(tmp.path().join("r2"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
}
