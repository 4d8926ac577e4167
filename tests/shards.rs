//! `run --shard K/N`: N machines split a list of projects by the FNV-1a hash of each name. Over
//! 40 fixture projects, 1 shard and 4 shards (four processes, each its own store) mine the same
//! union of rows, each project in exactly one shard; a shard run again adds no duplicate row; the
//! index also comes from `TEMPER_SHARD` and from Kubernetes' `JOB_COMPLETION_INDEX` with
//! `--shards N`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

const PROJECTS: usize = 40;

/// A config of 40 projects, all the small tags fixture under different names, no report.
fn config(dir: &Path, fixture: &Path) -> std::path::PathBuf {
    let mut text = String::new();
    for i in 0..PROJECTS {
        text.push_str(&format!(
            "[[project]]\nname = \"p{i:02}\"\nsource = \"{}\"\nref = \"main\"\nreport = false\n\n",
            fixture.display()
        ));
    }
    let path = dir.join("fleet.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run_shard(config: &Path, store: &Path, args: &[&str], env: &[(&str, &str)]) {
    let mut cmd = temper();
    cmd.arg("run")
        .arg(config)
        .arg("--store")
        .arg(store)
        .arg("--out")
        .arg(store.with_extension("reports"))
        .args(args)
        .env_remove("TEMPER_SHARD")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_ok(&mut cmd);
}

/// Every row of `table` in the store, as CSV lines (header left out), with its repository.
fn rows(store: &Path, table: &str) -> Vec<String> {
    let out = run_ok(
        temper()
            .args(["export", "--table", table, "--format", "csv", "--store"])
            .arg(store),
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn repos(store: &Path) -> Vec<String> {
    let mut names: Vec<String> = rows(store, "snapshots")
        .iter()
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    names.dedup();
    names
}

#[test]
fn four_shards_mine_what_one_does() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = build_fixture("make_tags.sh", tmp.path(), "tags");
    let config = config(tmp.path(), &fixture);
    let whole = tmp.path().join("whole");
    run_shard(&config, &whole, &[], &[]);
    assert_eq!(repos(&whole).len(), PROJECTS);
    // Shards 0 and 1 by flag, 2 by TEMPER_SHARD, 3 by JOB_COMPLETION_INDEX with --shards.
    let stores: Vec<std::path::PathBuf> =
        (0..4).map(|k| tmp.path().join(format!("s{k}"))).collect();
    run_shard(&config, &stores[0], &["--shard", "0/4"], &[]);
    run_shard(&config, &stores[1], &["--shard", "1/4"], &[]);
    run_shard(&config, &stores[2], &[], &[("TEMPER_SHARD", "2/4")]);
    run_shard(
        &config,
        &stores[3],
        &["--shards", "4"],
        &[("JOB_COMPLETION_INDEX", "3")],
    );
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for (k, store) in stores.iter().enumerate() {
        for name in repos(store) {
            assert!(
                owner.insert(name.clone(), k).is_none(),
                "{name} in two shards"
            );
        }
    }
    assert_eq!(owner.len(), PROJECTS, "every project in one shard");
    assert!(
        (0..4).all(|k| owner.values().any(|v| *v == k)),
        "no shard is empty: {owner:?}"
    );
    for table in ["activity", "loc", "releases", "evidence"] {
        let mut union: Vec<String> = stores.iter().flat_map(|s| rows(s, table)).collect();
        let mut one = rows(&whole, table);
        union.sort();
        one.sort();
        assert_eq!(union, one, "{table}");
    }
    // A shard run again (as after a kill and a restart) adds nothing twice.
    let before = rows(&stores[1], "activity");
    run_shard(&config, &stores[1], &["--shard", "1/4"], &[]);
    assert_eq!(rows(&stores[1], "activity"), before);
    // A bad shard is a usage error.
    let bad = temper()
        .arg("run")
        .arg(&config)
        .args(["--shard", "4/4"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// The shipped Slurm script, run as a Slurm array would run it (one process per index, each with
/// its own scratch), then one report over the shards' datasets: every project is in it once.
#[test]
fn the_slurm_array_script_splits_and_the_report_joins() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = build_fixture("make_tags.sh", tmp.path(), "tags");
    let fleet = tmp.path().join("fleet.toml");
    let names = ["alpha", "beta", "gamma", "delta", "epsilon"];
    let text: String = names
        .iter()
        .map(|n| {
            format!(
                "[[project]]\nname = \"{n}\"\nsource = \"{}\"\nref = \"main\"\nreport = false\n\n",
                fixture.display()
            )
        })
        .collect();
    std::fs::write(&fleet, text).unwrap();
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_temper"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let shared = tmp.path().join("shared");
    for task in 0..8 {
        let out = std::process::Command::new("bash")
            .arg(root.join("examples/cluster/slurm.sh"))
            .arg(&fleet)
            .env("PATH", &path)
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SHARED", &shared)
            .env("SCRATCH", tmp.path().join(format!("scratch-{task}")))
            .env("USER", "test")
            .env_remove("RCLONE_REMOTE")
            .env_remove("TEMPER_SHARD")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "task {task}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut report = temper();
    report.arg("report");
    let mut shards: Vec<std::path::PathBuf> = std::fs::read_dir(&shared)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    shards.sort();
    assert_eq!(shards.len(), 8, "one dataset per task");
    for s in &shards {
        report.arg("--dataset").arg(s);
    }
    let out = tmp.path().join("report");
    run_ok(report.arg("--out").arg(&out));
    let csv = std::fs::read_to_string(out.join("tables/report_scorecard.csv")).unwrap();
    let mut found: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    found.sort();
    let mut want = names.to_vec();
    want.sort();
    assert_eq!(found, want);
}
