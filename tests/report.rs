//! `temper report`: tables equal their queries, repository text is escaped in HTML and
//! Markdown and neutralised in CSV, and the HTML needs no other file.

use crate::common::*;

#[test]
fn report_tables_are_their_queries_and_hostile_names_are_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let age = build_fixture("make_age.sh", tmp.path(), "age");
    let history = build_fixture("make_history.sh", tmp.path(), "history");
    analyze(&age, &store, &["--name", "<script>alert(1)</script>"]);
    analyze(&history, &store, &["--name", "+HYPERLINK(\"x\")"]);
    analyze(&history, &store, &["--name", "[x](javascript:alert(3))"]);
    analyze(&history, &store, &["--name", "{{charts}}"]);
    let out = tmp.path().join("report");
    report("--store", &store, &out);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for text in [&html, &md] {
        assert!(
            !text.contains("<script>"),
            "markup from a repository name got through"
        );
    }
    assert!(
        !md.contains("[x](javascript"),
        "a name became a Markdown link"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Markdown shows markup as text through CommonMark's backslash escapes.
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"), "{md}");
    assert!(md.contains("\\[x\\](javascript:alert(3))"));
    // The template is filled in one pass: a name that looks like a placeholder stays a name.
    assert!(html.contains("{{charts}}"));
    assert_eq!(html.matches("<h2>").count(), md.matches("\n## ").count());
    // Self-contained: no reference to another file or the network.
    for needle in ["src=", "href=", "<link", "@import", "url("] {
        assert!(!html.contains(needle), "report.html contains {needle}");
    }
    assert!(html.matches("<svg").count() >= 7, "charts are inlined");
    // Every table is its query's result (the CSV of the report equals `temper query`).
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for name in [
        "report_summary",
        "report_maturity",
        "report_factoids",
        "findings_language_jumps",
        "findings_new_code",
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
    // A cell starting with + (a formula to a spreadsheet) is neutralised.
    let summary = std::fs::read_to_string(out.join("tables/report_summary.csv")).unwrap();
    assert!(summary.contains("'+HYPERLINK"), "{summary}");
    // The summary's numbers: the age fixture's code now (hand count in make_age.sh: 7 + 6 + 4).
    assert!(
        summary
            .lines()
            .any(|l| l.contains("alert(1)") && l.contains(",17,")),
        "{summary}"
    );
    // Factoids, by hand from the fixture scripts. age: 2019-06..2022-03 is 34 months (1-3
    // years), three authors in 2021-04..2022-03 (Age, Cy on c6, Bo on c9), 6 commits there
    // (c4..c9) and none in the 12 months
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
            "3".into(),
            "very small".into(),
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

/// The rows of a CSV file as (header, rows of cells).
fn csv_rows(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().map(csv_cells);
    (lines.next().unwrap(), lines.collect())
}

fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    &row[header.iter().position(|h| h == name).unwrap()]
}

#[test]
fn maturity_score_follows_its_formula_and_findings_name_the_commits() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let age = build_fixture("make_age.sh", tmp.path(), "age");
    let jump = build_fixture("make_jump.sh", tmp.path(), "jump");
    analyze(&age, &store, &[]);
    analyze(&jump, &store, &[]);
    let out = tmp.path().join("report");
    report("--store", &store, &out);

    // Maturity, age fixture, by hand from make_age.sh: 34 months of history (15 x 2.833 / 10),
    // 3 people in the last 12 months (15 x ln 4 / ln 51), 6 commits (15 x ln 7 / ln 1001), none
    // the year before (trend 10), bus factor 2 (see tests/age.rs: 4), pony factor 1 (c4..c9 are
    // 4 of Age's 6 commits: 2), 13 of 19 lines new (10 x 6 / 19), no data-quality problem (5).
    let (h, rows) = csv_rows(&out.join("tables/report_maturity.csv"));
    let points = |repo: &str, factor: &str| -> f64 {
        let row = rows
            .iter()
            .find(|r| cell(&h, r, "repo") == repo && cell(&h, r, "factor") == factor)
            .unwrap();
        cell(&h, row, "points").parse().unwrap()
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(points("age", "history"), 15.0 * 34.0 / 12.0 / 10.0));
    assert!(close(points("age", "team"), 15.0 * 4f64.ln() / 51f64.ln()));
    assert!(close(
        points("age", "activity"),
        15.0 * 7f64.ln() / 1001f64.ln()
    ));
    assert!(close(points("age", "trend"), 10.0));
    assert!(close(points("age", "bus_factor"), 4.0));
    assert!(close(points("age", "pony_factor"), 2.0));
    assert!(close(points("age", "settled_code"), 10.0 * 6.0 / 19.0));
    assert!(close(points("age", "data_quality"), 5.0));
    // The score is the sum of the factors' points, for every repository.
    for repo in ["age", "jump"] {
        let sum: f64 = rows
            .iter()
            .filter(|r| cell(&h, r, "repo") == repo && cell(&h, r, "factor") != "score")
            .map(|r| cell(&h, r, "points").parse::<f64>().unwrap())
            .sum();
        assert!(close(points(repo, "score"), sum), "{repo}");
    }

    // Language-mix jump, by hand from make_jump.sh: Go from 0 (2020-11) to 5002 of 11152 code
    // lines, J1 and J2 the commits that brought it.
    let (h, rows) = csv_rows(&out.join("tables/findings_language_jumps.csv"));
    let go: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| cell(&h, r, "repo") == "jump" && cell(&h, r, "language") == "Go")
        .collect();
    let j1 = git(&jump, &["rev-parse", "main~1^{/J1}"])
        .trim()
        .to_string();
    let j2 = git(&jump, &["rev-parse", "main^{/J2}"]).trim().to_string();
    assert_eq!(go.len(), 2);
    assert_eq!(cell(&h, go[0], "from_month"), "2020-11");
    assert_eq!(cell(&h, go[0], "share_before"), "0.0");
    let after: f64 = cell(&h, go[0], "share_after").parse().unwrap();
    assert!(close(after, 5002.0 / 11152.0));
    assert_eq!(
        (cell(&h, go[0], "commit"), cell(&h, go[0], "lines_added")),
        (j1.as_str(), "4001")
    );
    assert_eq!(
        (cell(&h, go[1], "commit"), cell(&h, go[1], "lines_added")),
        (j2.as_str(), "1001")
    );
    // The age fixture (under 5,000 lines) has no jump.
    assert!(!rows.iter().any(|r| cell(&h, r, "repo") == "age"));

    // Periods of mostly new code: the age fixture's months from its third year on whose share
    // (checked against git blame in tests/age.rs) is at least one half, as runs.
    let activity = export_csv(&store, "activity", Some("age"));
    let months = column(&activity, "month");
    let shares = column(&activity, "new_code_share");
    let high: Vec<&str> = months
        .iter()
        .zip(&shares)
        .skip(24)
        .filter(|(_, s)| s.parse::<f64>().is_ok_and(|v| v >= 0.5))
        .map(|(m, _)| *m)
        .collect();
    assert_eq!(high, ["2022-02", "2022-03"]);
    let (h, rows) = csv_rows(&out.join("tables/findings_new_code.csv"));
    let age_rows: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| cell(&h, r, "repo") == "age")
        .collect();
    assert_eq!(age_rows.len(), 1);
    assert_eq!(
        (
            cell(&h, age_rows[0], "from_month"),
            cell(&h, age_rows[0], "to_month"),
            cell(&h, age_rows[0], "months")
        ),
        ("2022-02", "2022-03", "2")
    );
    // The report shows the formula and the commits.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("15 x min(age_years / 10, 1)"));
    assert!(md.contains(&j1));
}
