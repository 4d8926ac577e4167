//! Charts: the numbers fed to each kind equal the stored tables (exported with `temper export`),
//! PNGs decode at the requested size with drawn pixels in the plot area, SVGs are well-formed and
//! carry the title, axis labels and legend entries, and bad requests fail with exit code 1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::*;
use temper::read::chart::{
    Align, ChartKind, ChartOptions, ImageFormat, Plot, Series, ThemeName, XAxis,
};

/// A store holding the age fixture (as `age`) and the history fixture (as `history`).
fn store_with_two(tmp: &Path) -> PathBuf {
    let store = tmp.join("store");
    let age = build_fixture("make_age.sh", tmp, "age");
    let history = build_fixture("make_history.sh", tmp, "history");
    for repo in [&age, &history] {
        analyze(repo, &store, &[]);
    }
    store
}

/// Default options for drawing `kind` of `repos` to `out` (SVG or PNG by its extension).
pub fn options(store: &Path, kind: ChartKind, repos: &[&str], out: &Path) -> ChartOptions {
    ChartOptions {
        kind,
        store: store.to_path_buf(),
        repos: repos.iter().map(|r| r.to_string()).collect(),
        out: out.to_path_buf(),
        format: if out.extension().is_some_and(|e| e == "svg") {
            ImageFormat::Svg
        } else {
            ImageFormat::Png
        },
        size: (1600, 900),
        theme: ThemeName::Light,
        title: None,
        since: None,
        until: None,
        align: Align::Calendar,
        class: None,
        by: temper::read::chart::Period::Month,
        rolling: None,
        ymax: None,
        log: None,
        palette: Vec::new(),
    }
}

fn months_of(x: &XAxis) -> Vec<String> {
    match *x {
        XAxis::Months { first, count, .. } => (0..count)
            .map(|i| first.minus(-(i as i32)).to_string())
            .collect(),
        XAxis::MonthsSince { .. } => panic!("calendar axis expected"),
    }
}

/// (month, value) of a column of an exported table for one repository.
fn table_column(store: &Path, table: &str, repo: &str, value: &str) -> Vec<(String, String)> {
    let rows = export_csv(store, table, Some(repo));
    column(&rows, "month")
        .into_iter()
        .zip(column(&rows, value))
        .map(|(m, v)| (m.to_string(), v.to_string()))
        .collect()
}

fn by_month(months: &[String], series: &Series) -> BTreeMap<String, f64> {
    months
        .iter()
        .zip(&series.values)
        .filter_map(|(m, v)| v.map(|v| (m.clone(), v)))
        .collect()
}

#[test]
fn the_numbers_drawn_are_the_stored_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_with_two(tmp.path());
    let out = tmp.path().join("x.png");

    // commits: one line per repository, equal to activity.commits month by month.
    let spec = temper::read::chart::spec(&options(&store, ChartKind::Commits, &[], &out)).unwrap();
    let Plot::Lines { series } = &spec.plot else {
        panic!("lines expected")
    };
    let months = months_of(&spec.x);
    assert_eq!(
        series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["age", "history"]
    );
    for s in series {
        let expected: BTreeMap<String, f64> = table_column(&store, "activity", &s.name, "commits")
            .into_iter()
            .map(|(m, v)| (m, v.parse().unwrap()))
            .collect();
        assert_eq!(by_month(&months, s), expected, "{}", s.name);
    }

    // loc of one repository: the stack adds up to each month's code in the loc table.
    let spec = temper::read::chart::spec(&options(&store, ChartKind::Loc, &["age"], &out)).unwrap();
    let Plot::Stacked { series, percent } = &spec.plot else {
        panic!("stack expected")
    };
    assert!(!percent);
    let months = months_of(&spec.x);
    let mut expected: BTreeMap<String, f64> = BTreeMap::new();
    for (m, v) in table_column(&store, "loc", "age", "code") {
        *expected.entry(m).or_default() += v.parse::<f64>().unwrap();
    }
    expected.retain(|_, v| *v > 0.0);
    let mut got: BTreeMap<String, f64> = BTreeMap::new();
    for s in series {
        for (m, v) in by_month(&months, s) {
            *got.entry(m).or_default() += v;
        }
    }
    got.retain(|_, v| *v > 0.0);
    assert_eq!(got, expected);
    // Hand count (make_age.sh, 2022-03): C 7, C Header 6, Python 4 code lines.
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["C", "C Header", "Python"]);
    let last = |name: &str| {
        let s = series.iter().find(|s| s.name == name).unwrap();
        s.values.last().copied().flatten().unwrap()
    };
    assert_eq!(
        (last("C"), last("C Header"), last("Python")),
        (7.0, 6.0, 4.0)
    );

    // language-share: every month with code adds up to 100 %.
    let spec =
        temper::read::chart::spec(&options(&store, ChartKind::LanguageShare, &["age"], &out))
            .unwrap();
    let Plot::Stacked { series, percent } = &spec.plot else {
        panic!("stack expected")
    };
    assert!(percent);
    for i in 0..spec.x.len() {
        let total: f64 = series.iter().filter_map(|s| s.values[i]).sum();
        assert!(total == 0.0 || (total - 100.0).abs() < 1e-9, "{total}");
    }

    // churn: added and removed are activity's lines_added and lines_removed.
    let spec =
        temper::read::chart::spec(&options(&store, ChartKind::Churn, &["age"], &out)).unwrap();
    let Plot::Churn { added, removed, .. } = &spec.plot else {
        panic!("churn expected")
    };
    let months = months_of(&spec.x);
    let as_map = |values: &[Option<f64>]| -> BTreeMap<String, f64> {
        months
            .iter()
            .zip(values)
            .filter_map(|(m, v)| v.map(|v| (m.clone(), v)))
            .collect()
    };
    let table = |col: &str| -> BTreeMap<String, f64> {
        table_column(&store, "activity", "age", col)
            .into_iter()
            .map(|(m, v)| (m, v.parse().unwrap()))
            .collect()
    };
    assert_eq!(as_map(added), table("lines_added"));
    assert_eq!(as_map(removed), table("lines_removed"));

    // age: one series per cohort, equal to the age table.
    let spec = temper::read::chart::spec(&options(&store, ChartKind::Age, &["age"], &out)).unwrap();
    let Plot::Stacked { series, .. } = &spec.plot else {
        panic!("stack expected")
    };
    let months = months_of(&spec.x);
    let rows = export_csv(&store, "age", Some("age"));
    let mut expected: BTreeMap<(String, String), f64> = BTreeMap::new();
    for ((m, c), l) in column(&rows, "month")
        .into_iter()
        .zip(column(&rows, "cohort"))
        .zip(column(&rows, "lines"))
    {
        expected.insert((m.to_string(), c.to_string()), l.parse().unwrap());
    }
    let mut got = BTreeMap::new();
    for s in series {
        for (m, v) in by_month(&months, s) {
            if v > 0.0 {
                got.insert((m, s.name.clone()), v);
            }
        }
    }
    assert_eq!(got, expected);

    // --since/--until keep those months; --align age starts each repository at 0.
    let mut o = options(&store, ChartKind::Commits, &["age"], &out);
    o.since = temper::month::Month::parse("2020-01");
    o.until = temper::month::Month::parse("2020-12");
    let spec = temper::read::chart::spec(&o).unwrap();
    let months = months_of(&spec.x);
    assert_eq!((months[0].as_str(), months.len()), ("2020-01", 12));
    let mut o = options(&store, ChartKind::Commits, &[], &out);
    o.align = Align::Age;
    let spec = temper::read::chart::spec(&o).unwrap();
    let Plot::Lines { series } = &spec.plot else {
        panic!("lines expected")
    };
    for s in series {
        assert!(s.values[0].is_some(), "{} starts at position 0", s.name);
    }
}

#[test]
fn png_and_svg_render_every_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_with_two(tmp.path());
    let kinds = [
        ("loc", Some("age")),
        ("language-share", Some("age")),
        ("commits", None),
        ("commits", Some("history")),
        ("contributors", None),
        ("churn", Some("age")),
        ("age", Some("age")),
        ("last-year", None),
        ("loc", None),
    ];
    for (i, (kind, repo)) in kinds.iter().enumerate() {
        for (ext, theme) in [("png", "light"), ("svg", "dark")] {
            let out = tmp.path().join(format!("{i}-{kind}.{ext}"));
            let mut cmd = temper();
            cmd.args(["chart", kind, "--store"])
                .arg(&store)
                .args(["--theme", theme, "--size", "1280x720", "--out"])
                .arg(&out);
            if let Some(r) = repo {
                cmd.args(["--repo", r]);
            }
            run_ok(&mut cmd);
            if ext == "png" {
                check_png(&out, (1280, 720));
            } else {
                check_svg(&out, kind, *repo);
            }
        }
    }
}

fn check_png(path: &Path, size: (u32, u32)) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), size, "{}", path.display());
    // The plot area (the middle of the image) has pixels of several colours besides the
    // background.
    let (w, h) = (info.width as usize, info.height as usize);
    let background = [buf[0], buf[1], buf[2]];
    let mut colours = std::collections::HashSet::new();
    let mut drawn = 0;
    for y in h / 4..h * 3 / 4 {
        for x in w / 8..w * 5 / 8 {
            let p = (y * w + x) * 3;
            let px = [buf[p], buf[p + 1], buf[p + 2]];
            if px != background {
                drawn += 1;
                colours.insert(px);
            }
        }
    }
    assert!(
        drawn > 1000,
        "{}: only {drawn} drawn pixels",
        path.display()
    );
    assert!(colours.len() > 2, "{}", path.display());
}

fn check_svg(path: &Path, kind: &str, repo: Option<&str>) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect();
    let has = |needle: &str| texts.iter().any(|t| t.contains(needle));
    let (title, axis, legend): (&str, &str, &[&str]) = match kind {
        "loc" if repo.is_some() => (
            "age: lines of own code by language",
            "lines of code",
            &["C", "Python"],
        ),
        "loc" => ("Lines of own code", "lines of code", &["age", "history"]),
        "language-share" => (
            "age: share of own code by language",
            "share of code lines (%)",
            &["C Header"],
        ),
        // One repository: its name leads the title, so a slide says whose history it is.
        "commits" if repo == Some("history") => (
            "history: commits per month",
            "commits per month",
            &["history"],
        ),
        "commits" => (
            "Commits per month",
            "commits per month",
            &["age", "history"],
        ),
        "contributors" => ("Contributors per month", "distinct authors", &["history"]),
        "churn" => (
            "age: churn of own code and new code",
            "lines added",
            &["lines removed"],
        ),
        "age" => (
            "by the year they were last written",
            "lines (code",
            &["2019", "2022"],
        ),
        _ => (
            "The last 12 months",
            "average commits per month",
            &["age", "history"],
        ),
    };
    assert!(has(title), "{kind}: no title {title:?} in {texts:?}");
    if kind == "language-share" {
        // Hand count (make_age.sh): in 2019-06 own code is main.c's 6 lines and run's 1 line
        // of Python, as the loc chart's tooltip says: 6/7 and 1/7.
        let tip = "2019-06: Python 14.3 %, C Header 0.0 %, C 85.7 %";
        assert!(has(tip), "no tooltip {tip:?} in {texts:?}");
    }
    if kind == "churn" {
        // The first month's code is all new: 100 %, not 1 %.
        let tip = "2019-06: added 10, removed 0, new code 100.0 %";
        assert!(has(tip), "no tooltip {tip:?} in {texts:?}");
    }
    assert!(has(axis), "{kind}: no axis label {axis:?} in {texts:?}");
    for l in legend {
        assert!(
            texts.iter().any(|t| t == l),
            "{kind}: no legend entry {l:?}"
        );
    }
}

#[test]
fn bad_requests_fail_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_with_two(tmp.path());
    let run = |args: &[&str], out: &Path| {
        let o = temper()
            .args(["chart"])
            .args(args)
            .arg("--store")
            .arg(&store)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let png = tmp.path().join("c.png");
    let (code, err) = run(&["commits", "--repo", "nope"], &png);
    assert_eq!(code, Some(1));
    assert!(err.contains("nope"), "{err}");
    let (code, err) = run(&["commits", "--since", "2099-01"], &png);
    assert_eq!(code, Some(1));
    assert!(err.contains("nothing to draw"), "{err}");
    let (code, err) = run(&["churn"], &png);
    assert_eq!(code, Some(1));
    assert!(err.contains("one repository"), "{err}");
    let (code, err) = run(&["commits"], Path::new("/nonexistent-dir/c.png"));
    assert_eq!(code, Some(1));
    assert!(err.contains("/nonexistent-dir"), "{err}");
    assert!(!png.exists());
    let (code, _) = run(&["commits"], &tmp.path().join("c.gif"));
    assert_eq!(code, Some(2));
    let (code, _) = run(&["commits", "--size", "10x10"], &png);
    assert_eq!(code, Some(2));
}

#[test]
fn svg_tooltips_name_each_months_values() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let age = build_fixture("make_age.sh", tmp.path(), "age");
    analyze(&age, &store, &[]);
    let out = tmp.path().join("commits.svg");
    let options = options(&store, ChartKind::Commits, &["age"], &out);
    let spec = temper::read::chart::render(&options).unwrap();
    temper::read::chart::draw::write(&spec, &options).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let tips: BTreeMap<String, String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| {
            let (month, rest) = n.text()?.split_once(": ")?;
            Some((month.to_string(), rest.to_string()))
        })
        .collect();
    // The oracle: git's commits per author month (every commit of the fixture is plausible).
    let mut by_git: BTreeMap<String, u64> = BTreeMap::new();
    for month in git(&age, &["log", "--format=%ad", "--date=format:%Y-%m"]).lines() {
        *by_git.entry(month.to_string()).or_default() += 1;
    }
    let first = by_git.keys().next().unwrap().clone();
    let last = by_git.keys().last().unwrap().clone();
    assert_eq!(tips.keys().next(), Some(&first));
    assert_eq!(tips.keys().last(), Some(&last));
    for (month, tip) in &tips {
        let n = by_git.get(month).copied().unwrap_or(0);
        assert_eq!(tip, &format!("age {n}"), "{month}");
    }
}

/// `--since 2021 --until 2021` draws what `--since 2021-01 --until 2021-12` draws.
#[test]
fn a_year_stands_for_its_months() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_with_two(tmp.path());
    let draw = |since: &str, until: &str, name: &str| -> Vec<u8> {
        let out = tmp.path().join(name);
        run_ok(
            temper()
                .args([
                    "chart", "commits", "--repo", "age", "--since", since, "--until", until,
                ])
                .arg("--store")
                .arg(&store)
                .arg("--out")
                .arg(&out),
        );
        std::fs::read(out).unwrap()
    };
    let by_year = draw("2021", "2021", "year.svg");
    assert_eq!(by_year, draw("2021-01", "2021-12", "months.svg"));
    assert_ne!(by_year, draw("2021-01", "2022-03", "longer.svg"));
}

/// git's commits per UTC author month of `repo`.
fn git_commits_by_month(repo: &Path) -> BTreeMap<String, f64> {
    let mut by: BTreeMap<String, f64> = BTreeMap::new();
    for m in git(repo, &["log", "--format=%ad", "--date=format-local:%Y-%m"]).lines() {
        *by.entry(m.to_string()).or_default() += 1.0;
    }
    by
}

/// `--by quarter` sums commits per calendar quarter and `--rolling 3` averages the last three
/// months, both against git's commits per month; `--by year` on lines of code takes each year's
/// last month (a snapshot), as the loc table has it.
#[test]
fn quarters_years_and_rolling_means_follow_git() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let age = build_fixture("make_age.sh", tmp.path(), "age");
    analyze(&age, &store, &[]);
    let out = tmp.path().join("c.svg");
    let monthly = git_commits_by_month(&age);

    let mut o = options(&store, ChartKind::Commits, &["age"], &out);
    o.by = temper::read::chart::Period::Quarter;
    let spec = temper::read::chart::spec(&o).unwrap();
    let XAxis::Months { first, count, .. } = spec.x else {
        panic!("calendar axis expected")
    };
    let Plot::Lines { series } = &spec.plot else {
        panic!("lines expected")
    };
    // Every quarter from git's first month's to its last month's, 0 when quiet, in order.
    let quarter_of = |m: &str| -> (i32, u32) {
        (
            m[..4].parse().unwrap(),
            (m[5..].parse::<u32>().unwrap() - 1) / 3 + 1,
        )
    };
    let (q0, q1) = (
        quarter_of(monthly.keys().next().unwrap()),
        quarter_of(monthly.keys().last().unwrap()),
    );
    let mut expected: Vec<((i32, u32), f64)> = Vec::new();
    let mut q = q0;
    while q <= q1 {
        let n = monthly
            .iter()
            .filter(|(m, _)| quarter_of(m) == q)
            .map(|(_, n)| n)
            .sum();
        expected.push((q, n));
        q = if q.1 == 4 {
            (q.0 + 1, 1)
        } else {
            (q.0, q.1 + 1)
        };
    }
    assert_eq!(count, expected.len());
    assert_eq!(
        first.to_string(),
        format!("{}-{:02}", q0.0, (q0.1 - 1) * 3 + 1)
    );
    for (i, (q, n)) in expected.iter().enumerate() {
        assert_eq!(series[0].values[i], Some(*n), "{q:?}");
    }
    assert_eq!(spec.y_label, "commits per quarter");

    let mut o = options(&store, ChartKind::Commits, &["age"], &out);
    o.rolling = Some(3);
    let spec = temper::read::chart::spec(&o).unwrap();
    let months = months_of(&spec.x);
    let Plot::Lines { series } = &spec.plot else {
        panic!("lines expected")
    };
    // Every month of the range is present (activity has a row for each, 0 when quiet).
    let plain: Vec<f64> = months
        .iter()
        .map(|m| monthly.get(m).copied().unwrap_or(0.0))
        .collect();
    for (i, m) in months.iter().enumerate() {
        let window = &plain[i.saturating_sub(2)..=i];
        let mean = window.iter().sum::<f64>() / window.len() as f64;
        let got = series[0].values[i].unwrap();
        assert!((got - mean).abs() < 1e-9, "{m}: {got} vs {mean}");
    }

    // Lines of code by year: each year's last month's snapshot, as tokei counts it.
    let mut o = options(&store, ChartKind::Loc, &["age"], &out);
    o.by = temper::read::chart::Period::Year;
    let spec = temper::read::chart::spec(&o).unwrap();
    let XAxis::Months { first, .. } = spec.x else {
        panic!("calendar axis expected")
    };
    let Plot::Stacked { series, .. } = &spec.plot else {
        panic!("stack expected")
    };
    let last_month = monthly.keys().last().unwrap().clone();
    for i in 0..series[0].values.len() {
        let year = first.minus(-(i as i32 * 12)).year();
        let month = format!("{year}-12").min(last_month.clone());
        let commit = crate::loc::snapshot_commit(&age, &month);
        let (tokei, _) = crate::loc::tokei_oracle_in(&age, &commit, &["."]);
        let code: u64 = tokei.values().map(|row| row.1).sum();
        let total: f64 = series.iter().filter_map(|s| s.values[i]).sum();
        assert_eq!(total, code as f64, "{year} ({month}, {commit})");
    }

    // Usage errors: smoothing a snapshot, summing distinct authors.
    for args in [
        &["loc", "--rolling", "3"][..],
        &["contributors", "--by", "quarter"][..],
        &["commits", "--ymax", "0"][..],
        &["language-share", "--repo", "age", "--ymax", "50"][..],
        &["last-year", "--by", "year"][..],
    ] {
        let o = chart_output(&store, &out, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

/// `temper chart ARGS --store STORE --out OUT`, whatever its exit.
fn chart_output(store: &Path, out: &Path, args: &[&str]) -> std::process::Output {
    temper()
        .arg("chart")
        .args(args)
        .arg("--store")
        .arg(store)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// The texts of an SVG file.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// A month importing 5,000 lines among months of 2 to 24 (make_spike.sh's hand count) is
/// clipped and labelled with git's own figure for it, and the axis keeps the ordinary months
/// readable; `--ymax 10` clips every month git says added more than 10 lines.
#[test]
fn churn_outliers_are_clipped_and_labelled() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let spike = build_fixture("make_spike.sh", tmp.path(), "spike");
    analyze(&spike, &store, &[]);
    let mut added: BTreeMap<String, u64> = BTreeMap::new();
    for (month, _, a, _) in numstat_files_by_month(&spike) {
        *added.entry(month).or_default() += a;
    }
    assert_eq!(added["2022-01"], 5000);
    let draw = |extra: &[&str], name: &str| -> Vec<String> {
        let out = tmp.path().join(name);
        run_ok(
            temper()
                .args(["chart", "churn", "--store"])
                .arg(&store)
                .arg("--out")
                .arg(&out)
                .args(extra),
        );
        svg_texts(&out)
    };
    let texts = draw(&[], "auto.svg");
    let labels: Vec<&String> = texts.iter().filter(|t| t.starts_with('▲')).collect();
    assert_eq!(labels, ["▲ 5,000"], "{texts:?}");
    // The y axis ends near the largest ordinary month (24 lines), not at 5,000.
    let ticks: Vec<f64> = texts
        .iter()
        .filter_map(|t| t.replace(',', "").parse::<f64>().ok())
        .collect();
    let top = ticks.iter().copied().fold(0.0, f64::max);
    assert!((20.0..=30.0).contains(&top), "{ticks:?}");

    let texts = draw(&["--ymax", "10"], "ymax.svg");
    let mut labels: Vec<String> = texts
        .iter()
        .filter(|t| t.starts_with('▲'))
        .cloned()
        .collect();
    labels.sort();
    let mut expected: Vec<String> = added
        .values()
        .filter(|&&a| a > 10)
        .map(|a| {
            format!(
                "▲ {}",
                if *a >= 1000 {
                    "5,000".to_string()
                } else {
                    a.to_string()
                }
            )
        })
        .collect();
    expected.sort();
    assert_eq!(labels, expected);
}

/// `--log`: the y axis of a line chart in whole decades (labels 1, 10, 100, ...), reaching past
/// git's largest monthly count; the tooltips keep the plain counts, as git gives them. A chart that
/// is not lines, or `--ymax` beside it, is refused.
#[test]
fn log_axis_in_decades_with_plain_tooltips() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let age = build_fixture("make_age.sh", tmp.path(), "age");
    analyze(&age, &store, &[]);
    let out = tmp.path().join("log.svg");
    run_ok(
        temper()
            .args(["chart", "commits", "--log", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&out),
    );
    let monthly = git_commits_by_month(&age);
    let most = monthly.values().copied().fold(0.0, f64::max);
    let texts = svg_texts(&out);
    let ticks: Vec<f64> = texts
        .iter()
        .filter_map(|t| t.replace(',', "").parse::<f64>().ok())
        .filter(|v| *v < 1900.0) // not the years of the x axis
        .collect();
    assert!(!ticks.is_empty(), "{texts:?}");
    for t in &ticks {
        assert_eq!(
            t.log10().fract(),
            0.0,
            "{t} is not a power of ten: {ticks:?}"
        );
    }
    let top = ticks.iter().copied().fold(0.0, f64::max);
    assert!(top >= most && top < most * 10.0, "{ticks:?} for {most}");
    let text = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    for tip in doc.descendants().filter(|n| n.has_tag_name("title")) {
        let (month, rest) = tip.text().unwrap().split_once(": ").unwrap();
        let n = monthly.get(month).copied().unwrap_or(0.0);
        assert_eq!(rest, format!("age {n}"), "{month}");
    }
    for (args, code) in [
        (&["churn", "--repo", "age", "--log"][..], 2),
        (&["commits", "--log", "--ymax", "5"][..], 2),
        (&["loc", "--repo", "age", "--log"][..], 1),
    ] {
        let o = chart_output(&store, &out, args);
        assert_eq!(o.status.code(), Some(code), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--log"),
            "{args:?}"
        );
    }
}
