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
    assert_eq!(html.matches("<h2").count(), md.matches("\n## ").count());
    // Markdown is plain text: no HTML entities in it.
    for entity in ["&#", "&quot;", "&amp;", "&lt;", "&gt;"] {
        assert!(!md.contains(entity), "report.md holds {entity}");
    }
    // Self-contained: no reference to another file or the network.
    for needle in ["src=", "<link", "@import", "url("] {
        assert!(!html.contains(needle), "report.html contains {needle}");
    }
    // Links stay inside the page (the contents).
    assert!(html.contains("href=\"#"));
    assert_eq!(
        html.matches("href=").count(),
        html.matches("href=\"#").count()
    );
    assert!(html.matches("<svg").count() >= 7, "charts are inlined");
    // Every table is its query's result (the CSV of the report equals `temper query`).
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for name in [
        "report_scorecard",
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
        // The same rows; the report lists the projects in order of score.
        let rows = |text: &str| {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            lines[1..].sort();
            lines
        };
        let csv = std::fs::read_to_string(out.join("tables").join(format!("{name}.csv"))).unwrap();
        assert_eq!(
            rows(&csv),
            rows(&String::from_utf8_lossy(&query.stdout)),
            "{name}"
        );
    }
    // Every figure of the scorecard is its query's, formatted: the Markdown row of a figure
    // holds the CSV's values in the projects' order.
    let (h, rows) = csv_rows(&out.join("tables/report_scorecard.csv"));
    let md_row = |label: &str| -> Vec<String> {
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap_or_else(|| panic!("{label}"));
        line.trim_matches('|')
            .split(" | ")
            .skip(1)
            .map(|c| c.trim().to_string())
            .collect()
    };
    let own: Vec<String> = rows
        .iter()
        .map(|r| cell(&h, r, "own_code").to_string())
        .collect();
    assert_eq!(md_row("Own code"), own);
    let years: Vec<String> = rows
        .iter()
        .map(|r| format!("{:.1}", cell(&h, r, "age_years").parse::<f64>().unwrap()))
        .collect();
    assert_eq!(md_row("Age (years)"), years);
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
    // Factoids, by hand from the fixture scripts, each project as of its own last month
    // (`--as-of`: "the last 12 months" end with it). age: 2019-06..2022-03 is 34 months (1-3
    // years), three authors in 2021-04..2022-03 (Age, Cy on c6, Bo on c9), 6 commits there
    // (c4..c9) and none in the 12 months before. history: 2020-01..2020-05 (young), 5
    // identities (small), 8 plausible commits, none before.
    let factoids = |name: &str, as_of: &str| {
        let out = tmp.path().join(format!("as-of-{as_of}"));
        run_ok(
            temper()
                .args(["report", name, "--as-of", as_of, "--store"])
                .arg(&store)
                .arg("--out")
                .arg(&out),
        );
        let (h, rows) = csv_rows(&out.join("tables/report_factoids.csv"));
        let row = rows.into_iter().next().unwrap();
        let col = |c: &str| cell(&h, &row, c).to_string();
        (
            col("age_label"),
            col("contributors_12m"),
            col("team_label"),
            col("commits_12m"),
            col("activity_label"),
        )
    };
    assert_eq!(
        factoids("<script>alert(1)</script>", "2022-03"),
        (
            "1-3 years".into(),
            "3".into(),
            "very small".into(),
            "6".into(),
            "increasing".into()
        )
    );
    assert_eq!(
        factoids("+HYPERLINK(\"x\")", "2020-05"),
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
    run_ok(
        temper()
            .args(["report", "--as-of", "2022-03", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&out),
    );

    // Maturity, age fixture as of its last month (2022-03), by hand from make_age.sh: 34 months
    // of history (8 x 34/12 / 15), its last commit in the as-of month (recency 10), 6 commits in
    // the last 12 months (10 x ln 7 / ln 5001), none the year before (trend 6), 3 people (10 x
    // ln 4 / ln 301), pony factor 1 (c4..c9 are 4 of Age's 6 commits: 5 x 1/10), bus factor 2
    // (see tests/age.rs: 5 x 2/10), no release tags, no review trailers or pull-request merges,
    // no advisory, policy or fuzzing, no test files (all 0), no vendored code (4), no
    // data-quality problem (4); code age 4 x min(median / 6, 1) with the median of the
    // activity table (checked against git blame in tests/age.rs).
    let (h, rows) = csv_rows(&out.join("tables/report_maturity.csv"));
    // Empty points: a factor git cannot measure for the project.
    let points = |repo: &str, factor: &str| -> Option<f64> {
        let row = rows
            .iter()
            .find(|r| cell(&h, r, "repo") == repo && cell(&h, r, "factor") == factor)
            .unwrap();
        let text = cell(&h, row, "points");
        (!text.is_empty()).then(|| text.parse().unwrap())
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let activity = export_csv(&store, "activity", Some("age"));
    let median_days: f64 = column(&activity, "median_line_age_days")
        .last()
        .unwrap()
        .parse()
        .unwrap();
    // (factor, points, most points): releases are not measured (no tag ever), so they leave the
    // score's denominator.
    let by_hand = [
        ("history", Some(8.0 * 34.0 / 12.0 / 15.0), 8.0),
        ("recency", Some(10.0), 10.0),
        ("activity", Some(10.0 * 7f64.ln() / 5001f64.ln()), 10.0),
        ("trend", Some(6.0), 6.0),
        ("team", Some(10.0 * 4f64.ln() / 301f64.ln()), 10.0),
        ("pony_factor", Some(0.5), 5.0),
        ("bus_factor", Some(1.0), 5.0),
        ("releases", None, 10.0),
        // c8 is Age's merge of Cy's c6: of the main line's changes in the 12 months (c4, c5,
        // c7, c8, c9), one shows review.
        ("review", Some(2.0), 10.0),
        ("security", Some(0.0), 8.0),
        ("tests", Some(0.0), 6.0),
        (
            "code_age",
            Some(4.0 * (median_days / 365.25 / 6.0).min(1.0)),
            4.0,
        ),
        ("vendored", Some(4.0), 4.0),
        ("data_quality", Some(4.0), 4.0),
        // Human commits of 2020-04..2022-03: Age's c4, c5, c7, c8 and Bo's c9 at example.org,
        // Cy's c6 alone at example.net (an individual): the largest organisation makes 5 of 6.
        ("concentration", Some(5.0 * (0.9 - 5.0 / 6.0) / 0.6), 5.0),
    ];
    for (factor, expected, _) in by_hand {
        match (points("age", factor), expected) {
            (Some(got), Some(want)) => assert!(close(got, want), "{factor}: {got} {want}"),
            (got, want) => assert_eq!(got, want, "{factor}"),
        }
    }
    let got: f64 = by_hand.iter().filter_map(|(_, p, _)| *p).sum();
    let possible: f64 = by_hand
        .iter()
        .filter(|(_, p, _)| p.is_some())
        .map(|(_, _, most)| most)
        .sum();
    assert_eq!(possible, 95.0);
    assert!(close(
        points("age", "score").unwrap(),
        100.0 * got / possible
    ));
    let coverage = rows
        .iter()
        .find(|r| cell(&h, r, "repo") == "age" && cell(&h, r, "factor") == "score")
        .map(|r| cell(&h, r, "coverage").to_string());
    assert_eq!(coverage.as_deref(), Some("14 of 15 factors measured"));
    // The weakest factor named is a measured one.
    let why = rows
        .iter()
        .find(|r| cell(&h, r, "repo") == "age" && cell(&h, r, "factor") == "score")
        .map(|r| cell(&h, r, "why").to_string())
        .unwrap();
    assert!(!why.contains("weakest: releases"), "{why}");
    let verdict = |repo: &str, rows: &[Vec<String>], h: &[String]| -> String {
        let row = rows
            .iter()
            .find(|r| cell(h, r, "repo") == repo && cell(h, r, "factor") == "score")
            .unwrap();
        cell(h, row, "shown").to_string()
    };
    assert_eq!(verdict("age", &rows, &h), "young or at risk");
    // A year of silence later the same project is dormant, whatever its score.
    let later = tmp.path().join("later");
    run_ok(
        temper()
            .args(["report", "age", "--as-of", "2023-03", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&later),
    );
    let (h2, rows2) = csv_rows(&later.join("tables/report_maturity.csv"));
    assert_eq!(verdict("age", &rows2, &h2), "dormant");
    let card = std::fs::read_to_string(later.join("tables/report_scorecard.csv")).unwrap();
    assert!(card.contains("dormant"), "{card}");
    let md = std::fs::read_to_string(later.join("report.md")).unwrap();
    assert!(md.contains("| Verdict | dormant |"), "{md}");
    assert!(md.contains("As of 2023-03"));
    // The same as-of month gives the same report, byte for byte.
    let again = tmp.path().join("again");
    run_ok(
        temper()
            .args(["report", "age", "--as-of", "2023-03", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&again),
    );
    assert_eq!(
        std::fs::read(later.join("report.md")).unwrap(),
        std::fs::read(again.join("report.md")).unwrap()
    );
    // A report into the folder of an earlier one replaces it (no chart of a project no longer
    // compared stays); a folder holding anything else is refused.
    let charts = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir.join("charts"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let replaced = tmp.path().join("replaced");
    report("--store", &store, &replaced);
    assert!(charts(&replaced).iter().any(|c| c.starts_with("jump-")));
    run_ok(
        temper()
            .args(["report", "age", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&replaced),
    );
    assert!(!charts(&replaced).iter().any(|c| c.starts_with("jump-")));
    let foreign = tmp.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let refused = temper()
        .args(["report", "--store"])
        .arg(&store)
        .arg("--out")
        .arg(&foreign)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("notes.txt"));
    assert!(foreign.join("notes.txt").exists());
    // The formula is a file a user can replace without rebuilding.
    let mine = tmp.path().join("my-queries");
    std::fs::create_dir_all(&mine).unwrap();
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let formula = std::fs::read_to_string(root.join("queries/report_maturity.sql")).unwrap();
    std::fs::write(
        mine.join("report_maturity.sql"),
        formula.replace("'young or at risk'", "'needs a closer look'"),
    )
    .unwrap();
    let custom = tmp.path().join("custom");
    run_ok(
        temper()
            .args(["report", "age", "--as-of", "2022-03", "--store"])
            .arg(&store)
            .arg("--queries")
            .arg(&mine)
            .arg("--out")
            .arg(&custom),
    );
    let md = std::fs::read_to_string(custom.join("report.md")).unwrap();
    assert!(md.contains("| Verdict | needs a closer look |"), "{md}");
    // The score is 100 x the measured factors' points over the most they can give, for every
    // repository.
    for repo in ["age", "jump"] {
        let factors = || {
            rows.iter().filter(|r| {
                cell(&h, r, "repo") == repo
                    && cell(&h, r, "factor") != "score"
                    && cell(&h, r, "measured") == "true"
            })
        };
        let sum: f64 = factors()
            .map(|r| cell(&h, r, "points").parse::<f64>().unwrap())
            .sum();
        let most: f64 = factors()
            .map(|r| cell(&h, r, "max_points").parse::<f64>().unwrap())
            .sum();
        assert!(
            close(points(repo, "score").unwrap(), 100.0 * sum / most),
            "{repo}"
        );
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
    assert!(md.contains("8 x min(age_years / 15, 1)"));
    assert!(md.contains(&j1));
}

/// The numbers of a finished report: every table (CSV) with one row per project, the maturity
/// factors' raw values, and the last-12-months chart's bars, as (project, figure) -> value.
fn figures_of(out: &std::path::Path) -> Vec<((String, String), String, String)> {
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(out.join("tables")).unwrap() {
        let path = entry.unwrap().path();
        let table = path.file_stem().unwrap().to_string_lossy().into_owned();
        let (h, rows) = csv_rows(&path);
        if !h.iter().any(|c| c == "repo") {
            continue;
        }
        let mut repos: Vec<&str> = rows.iter().map(|r| cell(&h, r, "repo")).collect();
        repos.sort();
        repos.dedup();
        if table == "report_maturity" {
            // The factors' raw values are the figures other sections show under these names.
            let names = [
                ("history", "age_years"),
                ("team", "contributors_12m"),
                ("activity", "commits_12m"),
                ("pony_factor", "pony_factor_24m"),
                ("bus_factor", "bus_factor"),
                ("tests", "test_to_code"),
                ("vendored", "vendored_share"),
                ("releases", "releases_12m"),
            ];
            for r in &rows {
                if let Some((_, name)) = names.iter().find(|(f, _)| *f == cell(&h, r, "factor")) {
                    let key = (cell(&h, r, "repo").to_string(), name.to_string());
                    seen.push((key, cell(&h, r, "value").to_string(), table.clone()));
                }
            }
        } else if repos.len() == rows.len() {
            for r in &rows {
                for (name, value) in h.iter().zip(r) {
                    let key = (cell(&h, r, "repo").to_string(), name.clone());
                    seen.push((key, value.clone(), table.clone()));
                }
            }
        }
    }
    // The last-12-months chart: after each panel's title, the project names, then their bars'
    // labels in the same order.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let start = html
        .find("The last 12 months, to ")
        .expect("the last-12-months chart");
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    let texts: Vec<String> = svg
        .split("</text>")
        .filter_map(|t| t.rsplit_once('>').map(|(_, x)| x.trim().to_string()))
        .collect();
    for (panel, name) in [
        ("average commits per month", "commits_per_month_12m"),
        ("contributors", "contributors_12m"),
    ] {
        let at = texts.iter().position(|t| t == panel).unwrap();
        let repos: Vec<&String> = texts[at..]
            .iter()
            .skip_while(|t| t.parse::<f64>().is_ok() || *t == panel)
            .take_while(|t| t.parse::<f64>().is_err())
            .collect();
        let first_label = at + texts[at..].iter().position(|t| t == repos[0]).unwrap();
        let labels = &texts[first_label + repos.len()..first_label + 2 * repos.len()];
        for (repo, label) in repos.iter().zip(labels) {
            let key = (repo.to_string(), name.to_string());
            seen.push((key, label.replace(',', ""), "last-year chart".to_string()));
        }
    }
    seen
}

/// The figures of report.md as a reader sees them, as (project, figure name) -> (cell, where): the
/// scorecard (a row per figure, a column per project) and every table with one row per project.
fn markdown_figures(md: &str) -> Vec<((String, String), String, String)> {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split(" | ")
            .map(|c| c.trim().to_string())
            .collect()
    };
    let mut seen = Vec::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') || !lines.get(i + 1).is_some_and(|l| l.starts_with("| ---")) {
            i += 1;
            continue;
        }
        let header = cells(lines[i]);
        let mut rows = Vec::new();
        let mut j = i + 2;
        while j < lines.len() && lines[j].starts_with('|') {
            rows.push(cells(lines[j]));
            j += 1;
        }
        if header[0].is_empty() {
            // The scorecard: the projects are the columns.
            for row in &rows {
                for (repo, value) in header.iter().zip(row).skip(1) {
                    seen.push((
                        (repo.clone(), row[0].clone()),
                        value.clone(),
                        "scorecard".into(),
                    ));
                }
            }
        } else if header[0] == "Repo" {
            let mut repos: Vec<&String> = rows.iter().map(|r| &r[0]).collect();
            repos.sort();
            repos.dedup();
            if repos.len() == rows.len() {
                for row in &rows {
                    for (name, value) in header.iter().zip(row).skip(1) {
                        let key = (row[0].clone(), name.clone());
                        seen.push((key, value.clone(), format!("table at line {}", i + 1)));
                    }
                }
            }
        }
        i = j;
    }
    seen
}

/// Every figure shown under one name has one value across the report's sections and its chart
/// (numbers compared at the chart's precision, one decimal), and report.md shows it as one text.
fn assert_one_value_per_figure(out: &std::path::Path) -> usize {
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let shown = markdown_figures(&md);
    let mut compared_md = 0;
    for (key, value, place) in &shown {
        for (key2, value2, place2) in &shown {
            if key == key2 && place < place2 {
                compared_md += 1;
                assert_eq!(value, value2, "{key:?} in {place} and {place2}");
            }
        }
    }
    assert!(
        compared_md > 20,
        "{compared_md} figures shown twice in report.md"
    );
    let seen = figures_of(out);
    let mut compared = 0;
    for (key, value, table) in &seen {
        for (key2, value2, table2) in &seen {
            if key != key2 || table >= table2 {
                continue;
            }
            compared += 1;
            let same = match (value.parse::<f64>(), value2.parse::<f64>()) {
                (Ok(a), Ok(b)) => (a - b).abs() < 0.05 + 1e-9,
                _ => value == value2,
            };
            assert!(
                same,
                "{key:?}: {value} in {table}, {value2} in {table2} ({})",
                out.display()
            );
        }
    }
    compared
}

#[test]
fn one_value_per_figure_on_the_shipped_datasets_now_and_in_the_past() {
    let tmp = tempfile::tempdir().unwrap();
    let datasets = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets");
    let out = tmp.path().join("now");
    report("--dataset", &datasets, &out);
    // Every pair of sections (and the chart) that show a figure agree on it.
    assert!(assert_one_value_per_figure(&out) > 100);
    // Now is the data's: the shipped histories end in 2026-08, whatever today is.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("As of 2026-08, the month of the newest data"),
        "{md}"
    );
    let (h, rows) = csv_rows(&out.join("tables/report_scorecard.csv"));
    for r in &rows {
        let (repo, flags) = (cell(&h, r, "repo"), cell(&h, r, "red_flags"));
        let silent: u32 = cell(&h, r, "months_since_last_commit").parse().unwrap();
        if repo == "kvmtool" {
            assert!(silent >= 12 && flags.contains("dormant"), "{flags}");
        } else {
            // The active projects: on the aligned window, none falls by a third.
            assert_eq!(silent, 0, "{repo}");
            assert!(!flags.contains("declining"), "{repo}: {flags}");
        }
        // What a clone lacks is a caveat, not the project's red flag.
        assert!(!flags.contains("unreadable"), "{repo}: {flags}");
    }
    // In the past, the same: and a practice first seen after the as-of month earns nothing
    // (datasets' practices: moby's fuzzing from 2022-12, cloud-hypervisor's security policy
    // from 2026-07; runc's fuzzing from 2021-03 counts).
    let past = tmp.path().join("past");
    run_ok(
        temper()
            .args(["report", "--as-of", "2022-06", "--dataset"])
            .arg(&datasets)
            .arg("--out")
            .arg(&past),
    );
    assert!(assert_one_value_per_figure(&past) > 100);
    let (h, rows) = csv_rows(&past.join("tables/report_maturity.csv"));
    let security = |repo: &str| {
        rows.iter()
            .find(|r| cell(&h, r, "repo") == repo && cell(&h, r, "factor") == "security")
            .map(|r| cell(&h, r, "shown").to_string())
            .unwrap()
    };
    assert!(
        security("moby").ends_with("fuzzing: none seen"),
        "{}",
        security("moby")
    );
    assert!(
        security("runc").ends_with("fuzzing: fuzz targets"),
        "{}",
        security("runc")
    );
    assert!(
        security("cloud-hypervisor").contains("security process: none seen"),
        "{}",
        security("cloud-hypervisor")
    );
    let md = std::fs::read_to_string(past.join("report.md")).unwrap();
    assert!(md.contains("As of 2022-06, as asked (--as-of)"));
    // The same data gives the same report, byte for byte, whatever the day.
    let again = tmp.path().join("again");
    report("--dataset", &datasets, &again);
    assert_eq!(
        std::fs::read(out.join("report.md")).unwrap(),
        std::fs::read(again.join("report.md")).unwrap()
    );
}

/// The shipped datasets' report (the README's main job) in a new folder, and one of its CSV
/// tables as a header and rows of cells.
fn shipped_table(table: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    report("--dataset", &root.join("datasets"), &out);
    let text = std::fs::read_to_string(out.join("tables").join(table)).unwrap();
    let mut rows = text.lines().map(csv_cells);
    let header = rows.next().unwrap();
    (header, rows.collect())
}

/// The README's own figures are the shipped report's: the sentence on moby's own and vendored
/// code is built from the report's scorecard (`report --dataset datasets`, the README's main
/// job), so a changed dataset or rule that changes them fails here until the README says so.
#[test]
fn the_readmes_figures_are_the_shipped_reports() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (header, rows) = shipped_table("report_scorecard.csv");
    let at = |c: &str| header.iter().position(|h| h == c).unwrap();
    let moby = rows.iter().find(|r| r[0] == "moby").unwrap();
    let own: u64 = moby[at("own_code")].parse().unwrap();
    let vendored: f64 = moby[at("vendored_share")].parse().unwrap();
    // All code lines of every class at moby's last snapshot, as `temper query` sums them.
    let summed = run_ok(
        temper()
            .args([
                "query",
                "--format",
                "csv",
                "-e",
                "SELECT SUM(code) AS code FROM loc WHERE repo = 'moby' AND month IN \
                 (SELECT MAX(month) FROM loc WHERE repo = 'moby')",
                "--dataset",
            ])
            .arg(root.join("datasets")),
    );
    let summed = String::from_utf8(summed.stdout).unwrap();
    let all: f64 = summed.lines().nth(1).unwrap().trim().parse().unwrap();
    // The vendored share is vendored lines over all code lines: it leaves own code below a
    // third of the whole.
    assert!((own as f64) < all * (1.0 - vendored));
    let sentence = format!(
        "(moby: {} own lines among {:.1} million, {:.0} % vendored)",
        temper::text::thousands(own),
        all / 1e6,
        vendored * 100.0
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.replace('\n', " ").contains(&sentence),
        "the README should say {sentence}"
    );
}

/// The why of each verdict reads as plain words: on the shipped report, no identifier (no `_`)
/// and no parenthesis inside another, two sentences naming the strongest and weakest factor.
#[test]
fn the_why_of_each_verdict_is_plain_words() {
    let (header, rows) = shipped_table("report_maturity.csv");
    let at = |c: &str| header.iter().position(|h| h == c).unwrap();
    let mut seen = 0;
    for row in rows {
        if row[at("factor")] != "score" {
            continue;
        }
        let why = &row[at("why")];
        seen += 1;
        assert!(
            why.starts_with("Strongest: ") && why.contains(". Weakest: "),
            "{why}"
        );
        assert!(!why.contains('_'), "an identifier in {why}");
        let mut depth = 0i32;
        for c in why.chars() {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            assert!((0..=1).contains(&depth), "nested parentheses in {why}");
        }
    }
    assert_eq!(seen, 6);
}
