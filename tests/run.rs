//! `temper run`: a configured list of projects, remote (file://) sources cloned and fetched with
//! gix, incremental runs equal to a fresh analysis, one failing project not stopping the others,
//! a run killed mid-write leaving a store the next run completes, and the store lock.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The age fixture (make_age.sh), a bare "origin" clone of it whose main is moved back to c5
/// (2022-01, hand count: c6..c9 follow), and a config over origin (file://), a URL that does not
/// exist, and the history fixture as a local path.
struct Setup {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    fixture: PathBuf,
    origin: PathBuf,
    config: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let fixture = build_fixture("make_age.sh", &dir, "age");
    build_fixture("make_history.sh", &dir, "history");
    git(&dir, &["clone", "-q", "--bare", "age", "origin.git"]);
    let origin = dir.join("origin.git");
    let c5 = git(&fixture, &["rev-parse", "main~3"]);
    git(&origin, &["update-ref", "refs/heads/main", c5.trim()]);
    let config = dir.join("temper.toml");
    std::fs::write(
        &config,
        format!(
            "store = \"store\"\nout = \"reports\"\n\n[[project]]\nname = \"age\"\nsource = \"file://{}\"\n\n[[project]]\nname = \"gone\"\nsource = \"file://{}/nowhere.git\"\n\n[[project]]\nname = \"history\"\nsource = \"history\"\n",
            origin.display(),
            dir.display()
        ),
    )
    .unwrap();
    Setup {
        _tmp: tmp,
        dir,
        fixture,
        origin,
        config,
    }
}

fn run(config: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = temper();
    cmd.arg("run").arg(config);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

const TABLES: [&str; 6] = [
    "commits",
    "activity",
    "loc",
    "age",
    "language_commits",
    "data_quality",
];

/// The setup's config without the project whose URL does not exist (`gone`): every project of
/// it can be mined.
fn good_config(s: &Setup) -> PathBuf {
    let good = s.dir.join("good.toml");
    let text = std::fs::read_to_string(&s.config).unwrap();
    let without_gone: String = text
        .split("\n\n")
        .filter(|block| !block.contains("name = \"gone\""))
        .collect::<Vec<_>>()
        .join("\n\n");
    std::fs::write(&good, without_gone).unwrap();
    good
}

/// The tables of `name` in `store`.
fn tables(store: &Path, name: &str) -> Vec<Vec<Vec<String>>> {
    TABLES
        .iter()
        .map(|t| export_csv(store, t, Some(name)))
        .collect()
}

/// A fresh analysis of the fixture at its tip, named `age`.
fn fresh(s: &Setup) -> Vec<Vec<Vec<String>>> {
    let store = s.dir.join("fresh");
    analyze(&s.fixture, &store, &["--name", "age"]);
    tables(&store, "age")
}

#[test]
fn a_month_later_the_run_mines_only_what_is_new_and_equals_a_fresh_run() {
    let s = setup();
    let first = run(&s.config, &[]);
    // The unreachable URL fails that project only: exit 1, the others mined and reported.
    assert_eq!(first.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("gone: FAILED"), "{stdout}");
    assert!(stdout.contains("age: mined: 5 commits read"), "{stdout}");
    assert!(stdout.contains("history: mined"), "{stdout}");
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("1 of 3 projects failed"), "{stderr}");
    let reports: Vec<PathBuf> = std::fs::read_dir(s.dir.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("latest"))
        .collect();
    assert_eq!(reports.len(), 1, "one dated folder, no staging left");
    let html = std::fs::read_to_string(reports[0].join("report.html")).unwrap();
    assert!(html.contains("Projects: age, history, in the order given."));

    // Origin gains c6..c9 (a month and more); the next run fetches and mines those 4 commits.
    let tip = git(&s.fixture, &["rev-parse", "main"]);
    git(&s.origin, &["update-ref", "refs/heads/main", tip.trim()]);
    let second = run(&s.config, &[]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    // c6..c9 read; the first-parent chain gains c7, the merge c8 and c9 (c6 is on the side).
    assert!(
        stdout.contains("age: mined: 4 commits read")
            && stdout.contains("3 first-parent commits followed"),
        "{stdout}"
    );
    assert!(stdout.contains("history: unchanged"), "{stdout}");
    assert_eq!(tables(&s.dir.join("store"), "age"), fresh(&s));
}

#[test]
fn a_run_killed_while_writing_leaves_the_store_as_it_was_and_the_next_run_completes() {
    let s = setup();
    run(&s.config, &[]);
    let store = s.dir.join("store");
    let before = tables(&store, "age");
    let tip = git(&s.fixture, &["rev-parse", "main"]);
    git(&s.origin, &["update-ref", "refs/heads/main", tip.trim()]);
    // Killed (abort, as SIGKILL) after writing the new generation, before making it current:
    // the project's miner dies, the run goes on and says so, the store is as it was.
    let killed = run(&s.config, &[("TEMPER_FAULT", "before-current")]);
    let log = String::from_utf8_lossy(&killed.stdout);
    assert!(
        log.contains("age: FAILED: the miner aborted (SIGABRT)"),
        "{log}"
    );
    assert!(!killed.status.success());
    assert_eq!(tables(&store, "age"), before);
    let again = run(&s.config, &[]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("age: mined"));
    assert_eq!(tables(&store, "age"), fresh(&s));
}

#[test]
fn a_second_run_on_a_locked_store_exits_with_a_clear_message() {
    let s = setup();
    let store = s.dir.join("store");
    std::fs::create_dir_all(&store).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(store.join("temper.lock"))
        .unwrap();
    lock.lock().unwrap();
    let blocked = run(&s.config, &[]);
    assert_eq!(blocked.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&blocked.stderr);
    assert!(stderr.contains("in use by another temper run"), "{stderr}");
    assert!(!store.join("repos").exists(), "nothing was written");
    drop(lock);
    // Two runs at once: each either completes or stops at the lock; the store ends correct.
    let spawn = || {
        temper()
            .arg("run")
            .arg(&s.config)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for out in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("in use by another temper run")
                || stderr.contains("1 of 3 projects failed"),
            "{stderr}"
        );
    }
    let c5 = git(&s.fixture, &["rev-parse", "main~3"]);
    let expected_store = s.dir.join("expected");
    analyze(
        &s.fixture,
        &expected_store,
        &["--name", "age", "--ref", c5.trim()],
    );
    assert_eq!(tables(&store, "age"), tables(&expected_store, "age"));
}

#[test]
fn a_bad_config_is_a_clear_error() {
    let s = setup();
    let bad = s.dir.join("bad.toml");
    std::fs::write(&bad, "[[project]]\nname = \"x\"\n").unwrap();
    let out = run(&bad, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.toml") && stderr.contains("source"),
        "{stderr}"
    );
    let missing = run(&s.dir.join("missing.toml"), &[]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn sources_are_fetched_safely_and_follow_a_changed_url() {
    let s = setup();
    let store = s.dir.join("store");
    let config = |source: &str| {
        let path = s.dir.join("one.toml");
        std::fs::write(
            &path,
            format!("store = \"store\"\nout = \"reports\"\n\n[[project]]\nname = \"age\"\nsource = \"{source}\"\n\n[[project]]\nname = \"secret\"\nsource = \"https://user:hunter2@127.0.0.1:9/x.git\"\n\n[[project]]\nname = \"ftp\"\nsource = \"ftp://127.0.0.1:9/x.git\"\n"),
        )
        .unwrap();
        path
    };
    let first = run(&config(&format!("file://{}", s.origin.display())), &[]);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("age: mined"), "{stdout}");
    // A password never reaches the output; a protocol outside the list is refused.
    let all = format!("{stdout}{}", String::from_utf8_lossy(&first.stderr));
    assert!(!all.contains("hunter2"), "{all}");
    assert!(all.contains("secret: FAILED"), "{all}");
    assert!(
        all.contains("ftp: FAILED") && all.contains("only https, http, ssh, git, file URLs"),
        "{all}"
    );
    // The configured source moves to another repository (the history fixture): it is cloned
    // afresh, and the tables are that repository's.
    let other = s.dir.join("other.git");
    git(&s.dir, &["clone", "-q", "--bare", "history", "other.git"]);
    // A killed clone's staging directory is collected by the next run.
    let leftover = store.join("sources/.clone-killed");
    std::fs::create_dir_all(&leftover).unwrap();
    let second = run(&config(&format!("file://{}", other.display())), &[]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(stdout.contains("age: mined"), "{stdout}");
    let expected = s.dir.join("expected");
    analyze(&other, &expected, &["--name", "age"]);
    assert_eq!(tables(&store, "age"), tables(&expected, "age"));
    assert!(
        !leftover.exists(),
        "the killed clone's staging is collected"
    );
}

/// Whether `line` starts with an RFC 3339 UTC timestamp and a space.
fn stamped(line: &str) -> bool {
    let b = line.as_bytes();
    line.len() > 21
        && b[4] == b'-'
        && b[10] == b'T'
        && b[19] == b'Z'
        && b[20] == b' '
        && chrono::DateTime::parse_from_rfc3339(&line[..20]).is_ok()
}

/// `run --status FILE` says how each project went (tips as git reports them, verdict and score as
/// the report's maturity table has them); log lines carry timestamps; `OUT/latest` names the
/// newest report; a run with a failure leaves that day's report of a run without one in place
/// and writes `DAY-partial` beside it; `--quiet` prints nothing on success and only the failures
/// otherwise; a config that cannot be read still writes a failed status.
#[test]
fn status_file_latest_and_a_failed_run_keeps_the_days_good_report() {
    let s = setup();
    let good = good_config(&s);
    let status = |file: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
    };

    let first = temper()
        .args(["run", "--status"])
        .arg(s.dir.join("s1.json"))
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8(first.stdout).unwrap();
    // A line per project mined, one per project scored, one for the report.
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
    assert!(stdout.lines().all(stamped), "{stdout}");
    let s1 = status(&s.dir.join("s1.json"));
    assert_eq!(s1["ok"], true);
    let day_dir = PathBuf::from(s1["report"].as_str().unwrap());
    assert!(day_dir.is_absolute(), "{}", day_dir.display());
    let day = day_dir.file_name().unwrap().to_str().unwrap().to_string();
    assert_eq!(day.len(), 10, "{day}");
    let origin_tip = git(&s.origin, &["rev-parse", "refs/heads/main"]);
    let history_tip = git(&s.dir.join("history"), &["rev-parse", "HEAD"]);
    let projects = s1["projects"].as_array().unwrap();
    let maturity = std::fs::read_to_string(day_dir.join("tables/report_maturity.csv")).unwrap();
    for (project, name, tip) in [
        (&projects[0], "age", origin_tip.trim()),
        (&projects[1], "history", history_tip.trim()),
    ] {
        assert_eq!(project["name"], name);
        assert_eq!(project["status"], "mined");
        assert_eq!(project["tip"], tip);
        // The status carries what the report's maturity table says (its own tests check the
        // score against hand counts).
        let header = csv_cells(maturity.lines().next().unwrap());
        let at = |c: &str| header.iter().position(|h| h == c).unwrap();
        let score_row = csv_cells(
            maturity
                .lines()
                .find(|l| l.starts_with(&format!("{name},score,")))
                .unwrap_or_else(|| panic!("{maturity}")),
        );
        let points: f64 = score_row[at("points")].parse().unwrap();
        assert_eq!(project["score"].as_f64(), Some(points), "{score_row:?}");
        assert_eq!(
            project["verdict"].as_str(),
            Some(score_row[at("shown")].as_str())
        );
    }
    // The log gives each project's verdict and score, as the status does.
    let scored: Vec<String> = projects
        .iter()
        .map(|p| {
            format!(
                "{}: {}, score {:.1}",
                p["name"].as_str().unwrap(),
                p["verdict"].as_str().unwrap(),
                p["score"].as_f64().unwrap()
            )
        })
        .collect();
    for line in &scored {
        assert!(
            stdout.lines().any(|l| l.ends_with(line.as_str())),
            "{line}\n{stdout}"
        );
    }
    let latest = s.dir.join("reports/latest");
    assert_eq!(std::fs::read_link(&latest).unwrap(), PathBuf::from(&day));
    assert_eq!(status(&day_dir.join("run.json"))["ok"], true);

    // A failing project, quietly: stdout is empty, the failure is on stderr with its time, the
    // day's good report stays and this run's goes beside it; latest does not move.
    let second = temper()
        .args(["run", "--quiet", "--status"])
        .arg(s.dir.join("s2.json"))
        .arg(&s.config)
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(1));
    assert!(second.stdout.is_empty());
    let stderr = String::from_utf8(second.stderr).unwrap();
    let failure = stderr.lines().find(|l| l.contains("gone: FAILED")).unwrap();
    assert!(stamped(failure), "{failure}");
    let s2 = status(&s.dir.join("s2.json"));
    assert_eq!(s2["ok"], false);
    assert_eq!(s2["failed"], 1);
    let gone = &s2["projects"][1];
    assert_eq!(
        (gone["name"].as_str(), gone["status"].as_str()),
        (Some("gone"), Some("failed"))
    );
    assert!(
        gone["reason"].as_str().unwrap().contains("nowhere.git"),
        "{gone}"
    );
    assert!(s2["report"]
        .as_str()
        .unwrap()
        .ends_with(&format!("{day}-partial")));
    assert_eq!(std::fs::read_link(&latest).unwrap(), PathBuf::from(&day));
    assert_eq!(
        status(&day_dir.join("run.json"))["ok"],
        true,
        "the good report stands"
    );
    // The partial report says which project this run could not mine, and why.
    let partial =
        std::fs::read_to_string(PathBuf::from(s2["report"].as_str().unwrap()).join("report.md"))
            .unwrap();
    assert!(
        partial.contains("**Note:** gone could not be mined in this run (")
            && partial.contains("nowhere.git"),
        "{partial}"
    );

    // Quiet and all well: nothing at all; the good run's report supersedes the partial one.
    let third = temper()
        .args(["run", "--quiet"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(third.status.success());
    assert!(
        third.stdout.is_empty() && third.stderr.is_empty(),
        "{third:?}"
    );
    assert!(!s.dir.join(format!("reports/{day}-partial")).exists());

    // Another run: each score with its change since the report latest pointed at, in the log,
    // the status and the report's own "since the previous report" list.
    let fourth = temper()
        .args(["run", "--status"])
        .arg(s.dir.join("s4.json"))
        .arg(&good)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&fourth.stdout);
    for line in &scored {
        let with_change = format!("{line} (+0.0 since {day})");
        assert!(
            log.lines().any(|l| l.ends_with(&with_change)),
            "{with_change}\n{log}"
        );
    }
    let s4 = status(&s.dir.join("s4.json"));
    let report_md =
        std::fs::read_to_string(PathBuf::from(s4["report"].as_str().unwrap()).join("report.md"))
            .unwrap();
    assert!(
        report_md.contains("### Since the previous report"),
        "{report_md}"
    );
    for (p, before) in s4["projects"].as_array().unwrap().iter().zip(projects) {
        assert_eq!(p["previous"]["report"].as_str(), Some(day.as_str()), "{p}");
        assert_eq!(p["previous"]["score"], before["score"], "{p}");
        assert_eq!(p["score_change"].as_f64(), Some(0.0), "{p}");
        let said = format!("score {:.1}, +0.0", p["score"].as_f64().unwrap());
        assert_eq!(p["changes"].as_str(), Some(said.as_str()), "{p}");
        let line = format!("- **{}**: {said}", p["name"].as_str().unwrap());
        assert!(report_md.contains(&line), "{line}\n{report_md}");
    }

    // A config that cannot be read: exit 1, and the status file says why.
    let missing = temper()
        .args(["run", "--status"])
        .arg(s.dir.join("s3.json"))
        .arg(s.dir.join("nowhere.toml"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    let s3 = status(&s.dir.join("s3.json"));
    assert_eq!(s3["ok"], false);
    assert!(
        s3["error"].as_str().unwrap().contains("nowhere.toml"),
        "{s3}"
    );
}

/// `pull_refs = true` fetches the origin's pull-request heads, so review by "rebase and merge"
/// shows; without it the same project has none of them (tests/fixtures/make_review.sh: two
/// main-line commits are copies of refs/pull/1/head's).
#[test]
fn pull_refs_are_fetched_when_a_project_asks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let fixture = build_fixture("make_review.sh", dir, "review");
    git(dir, &["clone", "-q", "--mirror", "review", "origin.git"]);
    assert!(git(&fixture, &["for-each-ref", "refs/pull/"]).contains("refs/pull/1/head"));
    let copies = |pull_refs: bool| -> u64 {
        let name = format!("with-{pull_refs}");
        let config = dir.join(format!("{name}.toml"));
        std::fs::write(
            &config,
            format!(
                "store = \"{name}-store\"\nout = \"{name}-reports\"\n\n[[project]]\nname = \"review\"\nsource = \"file://{}\"\npull_refs = {pull_refs}\n",
                dir.join("origin.git").display()
            ),
        )
        .unwrap();
        let out = run(&config, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = export_csv(&dir.join(format!("{name}-store")), "evidence", None);
        column(&rows, "review_pr_ref")
            .iter()
            .map(|v| v.parse::<u64>().unwrap())
            .sum()
    };
    assert_eq!(copies(true), 2);
    assert_eq!(copies(false), 0);
}

/// `run` never replaces a folder of the user's that happens to bear the day's name (as `report
/// --out` refuses one): it fails, says which file, and leaves the folder and no staging behind.
#[test]
fn run_never_replaces_a_users_folder_named_like_the_day() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    build_fixture("make_history.sh", dir, "history");
    let config = dir.join("temper.toml");
    std::fs::write(
        &config,
        "store = \"store\"\nout = \"reports\"\n\n[[project]]\nname = \"history\"\nsource = \"history\"\n",
    )
    .unwrap();
    let first = temper()
        .args(["run", "--status"])
        .arg(dir.join("s1.json"))
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let s1: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("s1.json")).unwrap()).unwrap();
    let day_dir = PathBuf::from(s1["report"].as_str().unwrap());
    std::fs::remove_dir_all(&day_dir).unwrap();
    std::fs::create_dir_all(&day_dir).unwrap();
    std::fs::write(day_dir.join("notes.txt"), "mine").unwrap();
    let second = run(&config, &[]);
    assert!(!second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("notes.txt"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(day_dir.join("notes.txt")).unwrap(),
        "mine"
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// One project whose miner crashes (an abort, as a stack overflow or an out-of-memory kill ends
/// a process) is that project's failure with its reason: the run mines the others, writes its
/// report and its status file, and exits 1.
#[test]
fn a_crashing_project_is_its_own_failure_and_the_run_goes_on() {
    let s = setup();
    let out = temper()
        .args(["run", "--status"])
        .arg(s.dir.join("status.json"))
        .arg(&s.config)
        .env("TEMPER_FAULT", "mine:age")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        log.contains("age: FAILED: the miner aborted (SIGABRT)"),
        "{log}"
    );
    assert!(log.contains("history: mined"), "{log}");
    assert!(log.contains("report: "), "{log}");
    let status: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.dir.join("status.json")).unwrap()).unwrap();
    let projects = status["projects"].as_array().unwrap();
    let by_name = |n: &str| projects.iter().find(|p| p["name"] == n).unwrap().clone();
    assert_eq!(by_name("age")["status"], "failed");
    assert!(by_name("age")["reason"]
        .as_str()
        .unwrap()
        .contains("SIGABRT"));
    assert_eq!(by_name("history")["status"], "mined");
    assert!(status["report"].is_string());
    // The store never held age: the report covers history alone.
    let listed = run_ok(temper().arg("list").arg("--store").arg(s.dir.join("store"))).stdout;
    let listed = String::from_utf8_lossy(&listed);
    assert!(
        listed.contains("history") && !listed.contains("age "),
        "{listed}"
    );
}

/// A run killed mid-publish leaves `OUT/.tmp-PID-DAY` (and maybe `.old-PID-DAY`): the next run
/// removes them once that process is gone, and succeeds.
#[test]
fn a_killed_runs_staging_is_collected_by_the_next_run() {
    let s = setup();
    let good = good_config(&s);
    // The id of a process that has ended.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let reports = s.dir.join("reports");
    for name in [
        format!(".tmp-{dead}-2026-01-01"),
        format!(".old-{dead}-2026-01-01"),
    ] {
        std::fs::create_dir_all(reports.join(&name).join("charts")).unwrap();
        std::fs::write(reports.join(&name).join("report.md"), "half").unwrap();
    }
    let out = run(&good, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left: Vec<String> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The README's cron line runs under cron's environment: `env -i PATH=/usr/bin:/bin sh -c LINE`
/// (no HOME, no TEMPER_STORE, the working directory `/`), with this build, a config and a
/// status file put where the line names `/usr/local/bin/temper`, `/etc/temper/temper.toml` and
/// `/var/lib/temper/status.json`. The line in the monthly job's page is the same line.
#[test]
fn the_readmes_cron_line_runs_under_crons_minimal_environment() {
    let s = setup();
    let good = good_config(&s);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cron_line = |file: &str| -> String {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let start = text
            .find("```cron\n")
            .unwrap_or_else(|| panic!("no cron block in {file}"));
        let block = &text[start + "```cron\n".len()..];
        block[..block.find("\n```").unwrap()].trim().to_string()
    };
    let line = cron_line("README.md");
    assert_eq!(line, cron_line("docs/monthly-job.md"));
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&fields[..5], ["30", "2", "1", "*", "*"], "{line}");
    let status = s.dir.join("cron-status.json");
    let command = fields[5..]
        .join(" ")
        .replace("/usr/local/bin/temper", env!("CARGO_BIN_EXE_temper"))
        .replace("/etc/temper/temper.toml", &good.display().to_string())
        .replace("/var/lib/temper/status.json", &status.display().to_string());
    assert!(command.starts_with(env!("CARGO_BIN_EXE_temper")), "{line}");
    let out = std::process::Command::new("env")
        .args(["-i", "PATH=/usr/bin:/bin", "sh", "-c", &command])
        .current_dir("/")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --quiet: cron mails nothing when all is well.
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&status).unwrap()).unwrap();
    assert_eq!(written["ok"], true, "{written}");
    assert!(s.dir.join("reports/latest/report.html").is_file());
}
