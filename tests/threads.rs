//! Threads are a parameter of each call, not process state: in one process, analyses with 1 and
//! with 4 threads (in either order) give byte-identical public tables. So does the memory
//! budget: with no room for the blob-pair memo at all, every table is the default run's.

use crate::common::*;
use temper::mine::analyze::{AnalyzeOptions, MemoryBudget, RepoSpec};
use temper::store::tables::{Format, Table};

fn analyze_with(repo: &std::path::Path, store: &std::path::Path, threads: usize) {
    analyze_within(repo, store, threads, MemoryBudget::default());
}

fn analyze_within(
    repo: &std::path::Path,
    store: &std::path::Path,
    threads: usize,
    memory: MemoryBudget,
) {
    let repos = vec![RepoSpec {
        path: repo.to_path_buf(),
        reference: None,
        name: Some("fixture".into()),
    }];
    let rules = temper::mine::analyze::MineRules::default();
    let options = AnalyzeOptions {
        threads,
        memory,
        now: 1_800_000_000,
        ..AnalyzeOptions::new(repos, store.to_path_buf(), rules)
    };
    temper::mine::analyze::analyze(&options, &temper::progress::Progress::hidden()).unwrap();
}

fn tables(store: &std::path::Path) -> Vec<(Table, Vec<u8>)> {
    let store = temper::store::Store::open(store).unwrap();
    Table::public()
        .map(|table| {
            let mut df = store.load("fixture", table).unwrap();
            let mut csv = Vec::new();
            temper::store::tables::write_as(&mut df, Format::Csv, Default::default(), &mut csv)
                .unwrap();
            (table, csv)
        })
        .collect()
}

#[test]
fn one_and_four_threads_give_identical_tables_in_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let repos = [
        build_fixture("make_age.sh", tmp.path(), "age"),
        build_fixture("make_renames.sh", tmp.path(), "renames"),
    ];
    for (i, repo) in repos.iter().enumerate() {
        // 4 then 1 for one fixture, 1 then 4 for the other: a pool made first must not stick.
        let order = if i == 0 { [4, 1] } else { [1, 4] };
        let stores: Vec<std::path::PathBuf> = order
            .iter()
            .map(|n| {
                let store = tmp.path().join(format!("store-{i}-{n}"));
                analyze_with(repo, &store, *n);
                store
            })
            .collect();
        let (a, b) = (tables(&stores[0]), tables(&stores[1]));
        for ((table, x), (_, y)) in a.iter().zip(&b) {
            assert!(x.len() > 1, "{table:?} has rows");
            assert_eq!(x, y, "{}: {table:?}", repo.display());
        }
    }
}

/// The blob-pair memo serves release branches' churn and line age from churn's own diffs; a
/// budget that leaves it no room (every pair diffed afresh) changes no table, only the time.
#[test]
fn a_memory_budget_too_small_for_the_memo_changes_no_table() {
    let tmp = tempfile::tempdir().unwrap();
    for script in ["make_release_lines.sh", "make_age.sh"] {
        let repo = build_fixture(script, tmp.path(), script.trim_end_matches(".sh"));
        let default = tmp.path().join(format!("{script}-default"));
        let starved = tmp.path().join(format!("{script}-starved"));
        analyze_within(&repo, &default, 2, MemoryBudget::default());
        analyze_within(&repo, &starved, 2, MemoryBudget::mib(0));
        assert_eq!(MemoryBudget::mib(0).pair_memo_bytes(), 0);
        let (a, b) = (tables(&default), tables(&starved));
        assert!(a.iter().any(|(_, csv)| csv.len() > 1));
        for ((table, x), (_, y)) in a.iter().zip(&b) {
            assert_eq!(x, y, "{script}: {table:?}");
        }
    }
}
