//! `temper deps` on `make_deps.sh`: Go (hand list from go's rules: `go list -m all` needs the
//! module download cache, i.e. the network), Cargo (against `cargo tree` over the fixture's
//! vendored sources, offline) and npm (against `npm ls --all`, which reads the committed
//! `node_modules`), the mapping file, the `run` configuration, and bad input.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// (ecosystem, name, version, direct, vendored, repository, found) of `temper deps --format json`.
type Row = (String, String, String, bool, bool, String, String);

fn deps(repo: &Path, extra: &[&str]) -> (serde_json::Value, Vec<Row>) {
    let out = run_ok(
        temper()
            .arg("deps")
            .arg(repo)
            .args(["--format", "json"])
            .args(extra)
            .env("CARGO_HOME", repo.join("no-cargo-home")),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or("").to_string();
            (
                s("ecosystem"),
                s("name"),
                s("version"),
                d["direct"].as_bool().unwrap(),
                d["vendored"].as_bool().unwrap(),
                s("repository"),
                s("found"),
            )
        })
        .collect();
    (json, rows)
}

fn of(rows: &[Row], ecosystem: &str) -> Vec<Row> {
    rows.iter().filter(|r| r.0 == ecosystem).cloned().collect()
}

fn row(e: &str, n: &str, v: &str, direct: bool, vendored: bool, repo: &str, found: &str) -> Row {
    (
        e.into(),
        n.into(),
        v.into(),
        direct,
        vendored,
        repo.into(),
        found.into(),
    )
}

/// Whether a tool runs here (the test says so when it does not).
fn installed(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("{tool} is not installed: its oracle is skipped, the hand list still checked");
    }
    found
}

#[test]
fn go_modules_by_the_rules_of_go_mod_and_modules_txt() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_deps.sh", tmp.path(), "deps");
    let (_, rows) = deps(&repo, &[]);
    let g = "https://github.com";
    // By hand from make_deps.sh: `// indirect` and the module only modules.txt names are
    // indirect; notvendored has no package lines; the fork's repository is the replacement's;
    // a directory replacement is the project's own code; example.com is no host go knows.
    let expected = vec![
        row(
            "go",
            "example.com/local",
            "v0.0.0",
            true,
            true,
            "",
            "in-repo",
        ),
        row(
            "go",
            "example.com/private/lib",
            "v0.3.0",
            true,
            true,
            "",
            "unmapped",
        ),
        row(
            "go",
            "github.com/ex/direct",
            "v1.2.3",
            true,
            true,
            &format!("{g}/ex/direct"),
            "go-path",
        ),
        row(
            "go",
            "github.com/ex/forked",
            "v1.1.0",
            true,
            true,
            &format!("{g}/fork/forked"),
            "go-path",
        ),
        row(
            "go",
            "github.com/ex/indirect",
            "v0.4.0",
            false,
            true,
            &format!("{g}/ex/indirect"),
            "go-path",
        ),
        row(
            "go",
            "github.com/ex/major/v2",
            "v2.0.1",
            true,
            true,
            &format!("{g}/ex/major"),
            "go-path",
        ),
        row(
            "go",
            "github.com/ex/notvendored",
            "v1.0.0",
            true,
            false,
            &format!("{g}/ex/notvendored"),
            "go-path",
        ),
        row(
            "go",
            "github.com/ex/old",
            "v0.1.0",
            false,
            true,
            &format!("{g}/ex/old"),
            "go-path",
        ),
    ];
    assert_eq!(of(&rows, "go"), expected);
}

#[test]
fn crates_equal_cargo_tree_over_the_vendored_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_deps.sh", tmp.path(), "deps");
    let (_, rows) = deps(&repo, &[]);
    let crates = of(&rows, "cargo");
    let expected = vec![
        row(
            "cargo",
            "alpha",
            "1.0.0",
            true,
            true,
            "https://example.com/alpha",
            "vendored-manifest",
        ),
        row("cargo", "beta", "2.1.0", true, true, "", "unmapped"),
    ];
    assert_eq!(crates, expected);
    if !installed("cargo") {
        return;
    }
    let tree = |depth: Option<&str>| -> BTreeSet<(String, String)> {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(&repo)
            .env("CARGO_HOME", tmp.path().join("cargo-home"))
            .env("CARGO_TARGET_DIR", tmp.path().join("target"))
            .args([
                "tree",
                "--offline",
                "--workspace",
                "--prefix",
                "none",
                "--no-dedupe",
                "-e",
                "normal,build,dev",
            ]);
        if let Some(d) = depth {
            cmd.args(["--depth", d]);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.is_empty() && !l.contains('('))
            .map(|l| {
                let mut parts = l.split_whitespace();
                let name = parts.next().unwrap().to_string();
                (
                    name,
                    parts.next().unwrap().trim_start_matches('v').to_string(),
                )
            })
            .collect()
    };
    let all: BTreeSet<(String, String)> =
        crates.iter().map(|r| (r.1.clone(), r.2.clone())).collect();
    let direct: BTreeSet<(String, String)> = crates
        .iter()
        .filter(|r| r.3)
        .map(|r| (r.1.clone(), r.2.clone()))
        .collect();
    assert_eq!(all, tree(None));
    assert_eq!(direct, tree(Some("1")));
}

#[test]
fn npm_packages_equal_npm_ls() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_deps.sh", tmp.path(), "deps");
    let (_, rows) = deps(&repo, &[]);
    let packages = of(&rows, "npm");
    // By hand: left's manifest says github:ex/left, shared's a git+https URL, right's none; the
    // workspace link (tool) is the project's own.
    let expected = vec![
        row(
            "npm",
            "left",
            "1.0.0",
            true,
            true,
            "https://github.com/ex/left",
            "vendored-manifest",
        ),
        row("npm", "right", "2.0.0", true, true, "", "unmapped"),
        row(
            "npm",
            "shared",
            "3.0.0",
            false,
            true,
            "https://github.com/ex/shared",
            "vendored-manifest",
        ),
        row(
            "npm",
            "shared",
            "4.0.0",
            false,
            true,
            "https://github.com/ex/shared",
            "vendored-manifest",
        ),
    ];
    assert_eq!(packages, expected);
    if !installed("npm") {
        return;
    }
    let out = Command::new("npm")
        .current_dir(&repo)
        .args(["ls", "--all", "--json", "--offline"])
        .env("npm_config_cache", tmp.path().join("npm-cache"))
        .output()
        .unwrap();
    let tree: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all = BTreeSet::new();
    let mut direct = BTreeSet::new();
    let mut stack = vec![(0, &tree["dependencies"])];
    while let Some((depth, deps)) = stack.pop() {
        for (name, d) in deps.as_object().into_iter().flatten() {
            // Workspaces (resolved `file:`) are the project's own.
            if d["resolved"]
                .as_str()
                .is_some_and(|r| r.starts_with("file:"))
            {
                continue;
            }
            let version = d["version"].as_str().unwrap().to_string();
            if depth == 0 {
                direct.insert((name.clone(), version.clone()));
            }
            all.insert((name.clone(), version));
            stack.push((depth + 1, &d["dependencies"]));
        }
    }
    let got: BTreeSet<(String, String)> = packages
        .iter()
        .map(|r| (r.1.clone(), r.2.clone()))
        .collect();
    let got_direct: BTreeSet<(String, String)> = packages
        .iter()
        .filter(|r| r.3)
        .map(|r| (r.1.clone(), r.2.clone()))
        .collect();
    assert_eq!(got, all);
    assert_eq!(got_direct, direct);
}

#[test]
fn a_mapping_file_and_the_run_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_deps.sh", tmp.path(), "deps");
    let lib = build_fixture("make_orgs.sh", tmp.path(), "private-lib");
    let map = tmp.path().join("map.toml");
    // A prefix at a `/` maps every module below it; a relative path is the map file's.
    std::fs::write(&map, "\"example.com/private\" = \"private-lib\"\n\"beta\" = \"https://example.com/beta\"\n\"github.com/ex/old\" = \"https://example.com/=cmd\"\n").unwrap();
    let config = tmp.path().join("deps.toml");
    let (_, rows) = deps(
        &repo,
        &[
            "--map",
            map.to_str().unwrap(),
            "--config-out",
            config.to_str().unwrap(),
        ],
    );
    let find = |name: &str| rows.iter().find(|r| r.1 == name).unwrap().clone();
    assert_eq!(find("example.com/private/lib").5, lib.to_string_lossy());
    assert_eq!(find("example.com/private/lib").6, "map");
    assert_eq!(find("beta").5, "https://example.com/beta");
    // The configuration `temper run` reads: the project first, then one project per repository
    // (moby/sys-style repositories of several modules once), names unique.
    let text = std::fs::read_to_string(&config).unwrap();
    let parsed: toml::Value = toml::from_str(&text).unwrap();
    let projects = parsed["project"].as_array().unwrap();
    let sources: Vec<&str> = projects
        .iter()
        .map(|p| p["source"].as_str().unwrap())
        .collect();
    let repos: BTreeSet<&str> = rows
        .iter()
        .map(|r| r.5.as_str())
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(
        sources[0],
        std::fs::canonicalize(&repo).unwrap().to_string_lossy()
    );
    assert_eq!(sources[1..].iter().copied().collect::<BTreeSet<_>>(), repos);
    assert_eq!(projects.len(), repos.len() + 1);
    let names: BTreeSet<&str> = projects
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), projects.len());
    assert!(text.contains("# Unmapped (add them to a --map file):\n# npm right 2.0.0\n"));
    // The configuration is one `temper run` accepts: the local project and the mapped fixture
    // mine (the URLs are left out here: no network in tests).
    let local: Vec<String> = text
        .split("\n[[project]]")
        .filter(|p| !p.contains("https://"))
        .map(String::from)
        .collect();
    let local_config = tmp.path().join("local.toml");
    std::fs::write(&local_config, local.join("\n[[project]]")).unwrap();
    run_ok(
        temper()
            .args(["run", "--quiet"])
            .arg(&local_config)
            .arg("--store")
            .arg(tmp.path().join("store")),
    );
}

#[test]
fn bad_manifests_name_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_fixture("make_deps.sh", tmp.path(), "deps");
    let fails = |file: &str, text: &str, expected: &str| {
        std::fs::write(repo.join(file), text).unwrap();
        git(&repo, &["add", "-A"]);
        commit_at(
            &repo,
            "Dee",
            "dee@example.com",
            "2023-04-01T10:00:00Z",
            "bad",
        );
        let out = temper().arg("deps").arg(&repo).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{stderr}");
        git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    };
    fails(
        "go.mod",
        "module m\n\nrequire (\n\tgithub.com/a/b\n)\n",
        "go.mod:4: usage: require module/path v1.2.3",
    );
    fails(
        "Cargo.lock",
        "# c\nversion = 9\n",
        "Cargo.lock:2: lock file version 9 is not one temper reads",
    );
    fails(
        "package-lock.json",
        "{\"lockfileVersion\": 7}",
        "package-lock.json:1: lock file version 7",
    );
    fails(
        "package-lock.json",
        "{\n\"lockfileVersion\": 3,\n\"packages\": [\n}",
        "package-lock.json:3:",
    );
}

/// The report's dependency section and scorecard row (`make_dep_pair.sh`): `temper deps
/// --config-out` and `temper run` mine the project and its dependency; the pin's figures are
/// `git tag` and `git log --grep` counts on the dependency.
#[test]
fn the_report_shows_each_dependency_against_its_own_releases() {
    let tmp = tempfile::tempdir().unwrap();
    let pair = build_fixture("make_dep_pair.sh", tmp.path(), "pair");
    let (app, lib) = (pair.join("app"), pair.join("lib"));
    let map = tmp.path().join("map.toml");
    std::fs::write(
        &map,
        format!("\"github.com/fixture/lib\" = {:?}\n", lib.to_str().unwrap()),
    )
    .unwrap();
    let config = tmp.path().join("deps.toml");
    run_ok(temper().arg("deps").arg(&app).args([
        "--map",
        map.to_str().unwrap(),
        "--config-out",
        config.to_str().unwrap(),
    ]));
    let out = tmp.path().join("reports");
    run_ok(
        temper()
            .args(["run", "--quiet"])
            .arg(&config)
            .arg("--store")
            .arg(tmp.path().join("store"))
            .arg("--out")
            .arg(&out),
    );
    let latest = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("tables").is_dir())
        .max()
        .unwrap();
    let text = std::fs::read_to_string(latest.join("tables/report_dependencies.csv")).unwrap();
    let rows: Vec<Vec<String>> = text.lines().map(csv_cells).collect();
    assert_eq!(rows.len(), 2, "{text}");
    let cell = |name: &str| column(&rows, name)[0].to_string();
    // The oracle: git on the dependency.
    let finals: Vec<String> = git(&lib, &["tag", "--sort=creatordate"])
        .lines()
        .filter(|t| !t.contains('-'))
        .map(String::from)
        .collect();
    let after_pin = finals.iter().skip_while(|t| *t != "v1.0.0").skip(1).count();
    let date = |tag: &str| -> i64 {
        git(
            &lib,
            &[
                "for-each-ref",
                "--format=%(creatordate:unix)",
                &format!("refs/tags/{tag}"),
            ],
        )
        .trim()
        .parse()
        .unwrap()
    };
    let days = (date(finals.last().unwrap()) - date("v1.0.0")) / 86_400;
    let advisories = git(
        &lib,
        &[
            "log",
            "--format=%H",
            "-E",
            "--grep=CVE-|GHSA-",
            "v1.0.0..HEAD",
        ],
    )
    .lines()
    .count();
    assert_eq!(cell("repo"), "app");
    assert_eq!(cell("dependency"), "fixture-lib");
    assert_eq!(cell("version"), "v1.0.0");
    assert_eq!(cell("pinned_release"), "v1.0.0");
    assert_eq!(cell("latest_release"), finals.last().unwrap().as_str());
    assert_eq!(cell("releases_behind"), after_pin.to_string());
    assert_eq!(cell("days_behind"), days.to_string());
    assert_eq!(cell("advisory_commits_after_pin"), advisories.to_string());
    // The licence now and at the pin: `git log -- LICENSE` names two commits, the first before
    // v1.0.0 and the second after it; by hand, Apache-2.0 then BUSL-1.1.
    let licence_commits = git(&lib, &["log", "--format=%H", "--", "LICENSE"])
        .lines()
        .count();
    assert_eq!(licence_commits, 2);
    assert_eq!(cell("licence"), "BUSL-1.1");
    assert_eq!(cell("licence_changed"), "Apache-2.0 at the pin");
    // By hand (make_dep_pair.sh): 2 releases and 172 days behind, 2 advisory commits.
    assert_eq!((after_pin, days, advisories), (2, 172, 2));
    // The dependency's own verdict beside it, as the maturity table gives it.
    let maturity = std::fs::read_to_string(latest.join("tables/report_maturity.csv")).unwrap();
    let verdict = maturity
        .lines()
        .find(|l| l.starts_with("fixture-lib,score,"))
        .map(|l| csv_cells(l)[3].clone())
        .unwrap();
    assert_eq!(cell("verdict"), verdict);
    // The scorecard's row for the project. By hand: the lib's last commit (2023-09) is in the
    // month of the newest data (the app's, 2023-09): not dormant; its pin is 172 days behind.
    let scorecard = std::fs::read_to_string(latest.join("tables/report_scorecard.csv")).unwrap();
    let rows: Vec<Vec<String>> = scorecard.lines().map(csv_cells).collect();
    let repos = column(&rows, "repo");
    let deps = column(&rows, "dependencies");
    let app_row = repos.iter().position(|r| *r == "app").unwrap();
    assert_eq!(
        deps[app_row],
        "2 declared (2 direct); 1 repository mined: 0 dormant, 0 pinned a year or more behind"
    );
}
