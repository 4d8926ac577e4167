//! `temper dataset`: a shareable copy of the aggregate tables that names no person, records
//! where each repository came from, and reads like a store for `query` and `chart`.

use crate::common::*;

#[test]
fn a_dataset_keeps_counts_and_provenance_and_no_identities() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    analyze(&repo, &store, &[]);
    let dataset = tmp.path().join("dataset");
    run_ok(
        temper()
            .args(["dataset", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(&dataset)
            .args(["--origin", "history=https://example.org/history.git"]),
    );
    // The fixture's authors have e-mail addresses (git log shows them); none reaches the dataset.
    assert!(git_log(&repo, "HEAD", "%aE")
        .iter()
        .all(|e| e.contains('@')));
    for table in ["activity", "loc", "age", "data_quality", "snapshots"] {
        let rows = export_csv(&dataset, table, None);
        assert!(rows.len() > 1, "{table} is empty");
        assert_eq!(
            rows,
            export_csv(&store, table, None),
            "{table} is copied unchanged"
        );
        assert!(
            rows.iter().flatten().all(|cell| !cell.contains('@')),
            "{table}"
        );
    }
    let commits = temper()
        .args(["export", "--table", "commits", "--format", "csv", "--store"])
        .arg(&dataset)
        .output()
        .unwrap();
    assert_eq!(commits.status.code(), Some(1), "no commits table");
    // Provenance: the origin, not the local path; every file free of e-mail addresses.
    let provenance = std::fs::read_to_string(dataset.join("PROVENANCE.md")).unwrap();
    let tip = git(&repo, &["rev-parse", "HEAD"]);
    assert!(provenance.contains("https://example.org/history.git"));
    assert!(provenance.contains(tip.trim()));
    assert!(provenance.contains("temper dataset --store"));
    for entry in walk(&dataset) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("example.org>") && !text.contains("@example"),
            "{}",
            entry.display()
        );
        // The tables and metadata name no local path (the provenance file quotes the command,
        // whose --store is one).
        if !entry.ends_with("PROVENANCE.md") {
            assert!(
                !text.contains(&*tmp.path().to_string_lossy()),
                "{}",
                entry.display()
            );
        }
    }
    // It reads like a store.
    let query =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("queries/language_mix_now.sql");
    let from = |flag: &str, dir: &std::path::Path| {
        run_ok(
            temper()
                .arg("query")
                .arg(&query)
                .arg(flag)
                .arg(dir)
                .args(["--format", "csv"]),
        )
        .stdout
    };
    assert_eq!(from("--dataset", &dataset), from("--store", &store));
    let png = tmp.path().join("c.png");
    run_ok(
        temper()
            .args(["chart", "commits", "--dataset"])
            .arg(&dataset)
            .arg("--out")
            .arg(&png),
    );
    assert!(png.exists());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A store in `tmp` holding the age and jump fixtures.
fn store_of_age_and_jump(tmp: &std::path::Path) -> std::path::PathBuf {
    let store = tmp.join("store");
    for (script, name) in [("make_age.sh", "age"), ("make_jump.sh", "jump")] {
        let repo = build_fixture(script, tmp, name);
        analyze(&repo, &store, &[]);
    }
    store
}

#[test]
fn a_report_from_a_dataset_equals_the_report_from_its_store() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_of_age_and_jump(tmp.path());
    let dataset = tmp.path().join("dataset");
    make_dataset(&store, &dataset);
    let (a, b) = (
        tmp.path().join("from-store"),
        tmp.path().join("from-dataset"),
    );
    report("--store", &store, &a);
    report("--dataset", &dataset, &b);
    let mut names: Vec<_> = std::fs::read_dir(a.join("tables"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 15, "one CSV per report section and the trends");
    for name in names {
        // A dataset records the origin its maker named, not the miner's local path.
        if name == "report_provenance.csv" {
            continue;
        }
        assert_eq!(
            std::fs::read(a.join("tables").join(&name)).unwrap(),
            std::fs::read(b.join("tables").join(&name)).unwrap(),
            "{name:?}"
        );
    }
    // The same report but for the appendix, which names each one's source.
    let body = |dir: &std::path::Path| {
        let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
        let end = md.find("## Appendix: provenance").unwrap();
        md[..end].to_string()
    };
    assert_eq!(body(&a), body(&b));
}

#[test]
fn a_report_compares_a_dataset_beside_a_store() {
    let tmp = tempfile::tempdir().unwrap();
    let (mine, theirs) = (tmp.path().join("mine"), tmp.path().join("theirs"));
    let age = build_fixture("make_age.sh", tmp.path(), "age");
    let jump = build_fixture("make_jump.sh", tmp.path(), "jump");
    analyze(&age, &mine, &[]);
    analyze(&jump, &theirs, &[]);
    let dataset = tmp.path().join("dataset");
    make_dataset(&theirs, &dataset);
    // Both together: the same tables as one store holding both projects.
    let both = tmp.path().join("both");
    analyze(&age, &both, &[]);
    analyze(&jump, &both, &[]);
    let (combined, single) = (tmp.path().join("combined"), tmp.path().join("single"));
    run_ok(
        temper()
            .args(["report", "--as-of", "2022-03", "--store"])
            .arg(&mine)
            .arg("--dataset")
            .arg(&dataset)
            .arg("--out")
            .arg(&combined),
    );
    run_ok(
        temper()
            .args(["report", "--as-of", "2022-03", "--store"])
            .arg(&both)
            .arg("--out")
            .arg(&single),
    );
    for name in [
        "report_scorecard.csv",
        "report_maturity.csv",
        "report_summary.csv",
    ] {
        assert_eq!(
            std::fs::read(combined.join("tables").join(name)).unwrap(),
            std::fs::read(single.join("tables").join(name)).unwrap(),
            "{name}"
        );
    }
    // A project in two sources is refused, naming both.
    let twice = temper()
        .args(["report", "--store"])
        .arg(&theirs)
        .arg("--dataset")
        .arg(&dataset)
        .arg("--out")
        .arg(tmp.path().join("twice"))
        .output()
        .unwrap();
    assert_eq!(twice.status.code(), Some(1));
    let clash = String::from_utf8_lossy(&twice.stderr);
    assert!(clash.contains("'jump' is in both"), "{clash}");
    // The message says how to resolve it: rename the store's copy.
    assert!(clash.contains("temper mv OLD NEW --store DIR"), "{clash}");
    // `temper mv`: the store's jump becomes jump-mine, every table's rows kept under the new
    // name (the export equals the old one but for the repo column); then both compare.
    let before = export_csv(&theirs, "activity", Some("jump"));
    run_ok(
        temper()
            .args(["mv", "jump", "jump-mine", "--store"])
            .arg(&theirs),
    );
    let after = export_csv(&theirs, "activity", Some("jump-mine"));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after).skip(1) {
        assert_eq!((&b[1..], a[0].as_str()), (&a[1..], "jump-mine"));
    }
    // The renamed project is that project to `analyze`: its summary says the new name.
    let again = run_ok(
        temper()
            .args(["analyze", "--name", "jump-mine", "--store"])
            .arg(&theirs)
            .arg(&jump),
    );
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        said.contains("jump-mine") && !said.contains("jump "),
        "{said}"
    );
    let listed = run_ok(temper().args(["list", "--store"]).arg(&theirs));
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("jump-mine") && !listed.contains("jump "),
        "{listed}"
    );
    run_ok(
        temper()
            .args(["report", "--store"])
            .arg(&theirs)
            .arg("--dataset")
            .arg(&dataset)
            .arg("--out")
            .arg(tmp.path().join("renamed")),
    );
    // Renaming onto a name the store holds, or a name it does not hold, is refused.
    let mv = |old: &str, new: &str| {
        temper()
            .args(["mv", old, new, "--store"])
            .arg(&theirs)
            .output()
            .unwrap()
    };
    analyze(&jump, &theirs, &[]);
    let taken = mv("jump", "jump-mine");
    assert_eq!(taken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&taken.stderr).contains("'jump-mine' is already in"));
    assert_eq!(mv("nowhere", "elsewhere").status.code(), Some(1));
    let bad = mv("jump", "a=b");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot hold '='"));
    // Naming only projects that do not clash is no clash: `both` and the dataset both hold
    // jump, but a report of age alone takes age from `both` and nothing else.
    let named = tmp.path().join("named");
    run_ok(
        temper()
            .args(["report", "age", "--as-of", "2022-03", "--store"])
            .arg(&both)
            .arg("--dataset")
            .arg(&dataset)
            .arg("--out")
            .arg(&named),
    );
    let scorecard = std::fs::read_to_string(named.join("tables/report_scorecard.csv")).unwrap();
    assert!(
        scorecard.contains("age") && !scorecard.contains("jump"),
        "{scorecard}"
    );
}

/// The Python engines of the Hive test, or why they are missing.
fn python_engines() -> Result<(), String> {
    let out = std::process::Command::new("python3")
        .args(["-c", "import duckdb, polars"])
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}

#[test]
fn a_hive_layout_dataset_is_read_by_duckdb_polars_and_report() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_of_age_and_jump(tmp.path());
    let hive = tmp.path().join("hive");
    let write = |repos: &[&str], out: &std::path::Path| {
        let mut cmd = temper();
        cmd.args(["dataset", "--layout", "hive", "--store"])
            .arg(&store)
            .arg("--out")
            .arg(out);
        for r in repos {
            cmd.args(["--repo", r]);
        }
        run_ok(&mut cmd);
    };
    write(&[], &hive);
    // The marker names the projects and the schema revision the partitions carry.
    let done: serde_json::Value =
        serde_json::from_slice(&std::fs::read(hive.join("_SUCCESS")).unwrap()).unwrap();
    assert_eq!(done["repos"], serde_json::json!(["age", "jump"]));
    let carried = {
        use polars::prelude::{DataType, ParquetReader, SerReader};
        let part = std::fs::File::open(hive.join("activity/repo=age/part-0.parquet")).unwrap();
        let frame = ParquetReader::new(part).finish().unwrap();
        let column = frame.column("schema_version").unwrap();
        column
            .cast(&DataType::UInt64)
            .unwrap()
            .u64()
            .unwrap()
            .get(0)
    };
    assert_eq!(done["schema_version"].as_u64(), carried);
    let marker: serde_json::Value =
        serde_json::from_slice(&std::fs::read(store.join("temper-store.json")).unwrap()).unwrap();
    assert_eq!(done["format"], marker["format"]);
    assert!(hive.join("activity/repo=age/part-0.parquet").is_file());
    // Every shared table's rows, per repository, as `temper export` counts them from the store.
    let tables = [
        "activity",
        "loc",
        "age",
        "releases",
        "evidence",
        "organisations",
    ];
    let mut want: Vec<String> = Vec::new();
    for table in tables {
        for repo in ["age", "jump"] {
            let n = export_csv(&store, table, Some(repo)).len() - 1;
            if n > 0 {
                for engine in ["duckdb", "polars"] {
                    want.push(format!("{engine}\t{table}\t{repo}\t{n}"));
                }
            }
        }
    }
    want.sort();
    match python_engines() {
        Ok(()) => {
            let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let out = std::process::Command::new("python3")
                .arg(root.join("tests/bench/hive_counts.py"))
                .arg(&hive)
                .args(tables)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let got: Vec<String> = String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect();
            assert_eq!(got, want);
        }
        Err(why) if std::env::var_os("TEMPER_SKIP_PYTHON").is_some() => {
            eprintln!("TEMPER_SKIP_PYTHON is set ({why}): DuckDB and polars not asked");
        }
        Err(why) => panic!(
            "the Hive test reads the dataset with DuckDB and polars: pip install duckdb polars \
             (or set TEMPER_SKIP_PYTHON=1): {why}"
        ),
    }
    // `report` reads the layout, from one folder or from shard folders, as it reads the store.
    let (from_store, from_hive, from_shards) = (
        tmp.path().join("r-store"),
        tmp.path().join("r-hive"),
        tmp.path().join("r-shards"),
    );
    let (shard_a, shard_b) = (tmp.path().join("shard-a"), tmp.path().join("shard-b"));
    write(&["age"], &shard_a);
    write(&["jump"], &shard_b);
    report("--store", &store, &from_store);
    report("--dataset", &hive, &from_hive);
    run_ok(
        temper()
            .arg("report")
            .arg("--dataset")
            .arg(&shard_a)
            .arg("--dataset")
            .arg(&shard_b)
            .arg("--out")
            .arg(&from_shards),
    );
    for name in [
        "report_scorecard.csv",
        "report_maturity.csv",
        "report_summary.csv",
    ] {
        let a = std::fs::read(from_store.join("tables").join(name)).unwrap();
        assert_eq!(
            a,
            std::fs::read(from_hive.join("tables").join(name)).unwrap(),
            "{name}"
        );
        assert_eq!(
            a,
            std::fs::read(from_shards.join("tables").join(name)).unwrap(),
            "{name}"
        );
    }
    // A shard folder still being written (no _SUCCESS yet) is refused.
    std::fs::remove_file(shard_b.join("_SUCCESS")).unwrap();
    let refused = temper()
        .arg("report")
        .arg("--dataset")
        .arg(&shard_a)
        .arg("--dataset")
        .arg(&shard_b)
        .arg("--out")
        .arg(tmp.path().join("r-refused"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("_SUCCESS"));
}

/// A fleet shard that drew no project writes an empty dataset, in either layout; a report over
/// every shard's dataset reads it as nothing (the README's promise), beside a dataset that holds
/// a project.
#[test]
fn an_empty_shard_dataset_reads_as_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_history.sh", tmp.path(), "history");
    let full = tmp.path().join("full");
    let empty = tmp.path().join("empty");
    analyze(&repo, &full, &[]);
    analyze(&repo, &empty, &[]);
    run_ok(temper().args(["rm", "history", "--store"]).arg(&empty));
    for layout in ["hive", "store"] {
        let write = |store: &std::path::Path, out: &std::path::Path| {
            run_ok(
                temper()
                    .args(["dataset", "--layout", layout, "--store"])
                    .arg(store)
                    .arg("--out")
                    .arg(out),
            );
        };
        let (a, b) = (
            tmp.path().join(format!("a-{layout}")),
            tmp.path().join(format!("b-{layout}")),
        );
        write(&empty, &a);
        write(&full, &b);
        let out = tmp.path().join(format!("report-{layout}"));
        run_ok(
            temper()
                .args(["report", "--dataset"])
                .arg(&a)
                .arg("--dataset")
                .arg(&b)
                .arg("--out")
                .arg(&out),
        );
        let (h, rows) = {
            let text = std::fs::read_to_string(out.join("tables/report_scorecard.csv")).unwrap();
            let mut lines = text.lines().map(csv_cells);
            (lines.next().unwrap(), lines.collect::<Vec<_>>())
        };
        let repo_col = h.iter().position(|c| c == "repo").unwrap();
        assert_eq!(
            rows.iter()
                .map(|r| r[repo_col].as_str())
                .collect::<Vec<_>>(),
            ["history"]
        );
    }
}

/// Two `temper dataset` writers into one folder at once would mix their partitions: while one
/// holds the folder (here the test holds its lock, in either layout), the other is refused.
#[test]
fn one_dataset_writer_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_of_age_and_jump(tmp.path());
    for (layout, lock) in [("hive", ".temper-dataset.lock"), ("store", "temper.lock")] {
        let out = tmp.path().join(format!("busy-{layout}"));
        std::fs::create_dir_all(&out).unwrap();
        let write = || {
            temper()
                .args(["dataset", "--layout", layout, "--store"])
                .arg(&store)
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap()
        };
        if layout == "store" {
            // A store-layout dataset is a store: made first, then held.
            assert!(write().status.success());
        }
        let held = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(out.join(lock))
            .unwrap();
        held.try_lock().unwrap();
        let refused = write();
        assert_eq!(refused.status.code(), Some(1), "{layout}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("another `temper dataset` is writing"),
            "{stderr}"
        );
        drop(held);
        assert!(write().status.success());
    }
}
