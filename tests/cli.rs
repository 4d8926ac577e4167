//! The command line as packagers and scripts meet it: `--version` names the commit the binary
//! was built from (git says which), shell completions that bash itself completes with, and man
//! pages that groff renders without a warning.

use std::process::Command;

use crate::common::{run_ok, temper};

/// `temper --version` names the package version and the commit of the checkout it was built
/// from, as `git rev-parse` reports it (or `unknown` when built outside a git checkout).
#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = run_ok(temper().arg("--version"));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let expected = format!("temper {} (", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected), "{text}");
    let head = Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short=12",
            "HEAD",
        ])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    let commit = String::from_utf8(head.stdout).expect("utf-8");
    match head.status.success() {
        true => assert!(
            text.contains(&format!("({} ", commit.trim())),
            "{text} should name {commit}"
        ),
        false => assert!(text.contains("(unknown)"), "{text}"),
    }
}

/// The bash completion script, loaded into bash, completes `temper an` to `analyze` (and its
/// alias) and lists `analyze`'s options after `temper analyze --`.
#[test]
fn bash_completes_commands_and_options() {
    let script = run_ok(temper().args(["completions", "bash"])).stdout;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("temper.bash");
    std::fs::write(&file, &script).expect("write");
    let complete = |words: &str| -> Vec<String> {
        let probe = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
             _temper temper \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display()
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &probe])
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    let mut commands = complete("temper an");
    commands.sort();
    assert_eq!(commands, ["analyse", "analyze"]);
    let options = complete("temper analyze --");
    for option in [
        "--ref",
        "--name",
        "--store",
        "--path",
        "--exclude",
        "--release-pattern",
    ] {
        assert!(
            options.iter().any(|o| o == option),
            "{option} in {options:?}"
        );
    }
    // Every other shell's script generates and names the program.
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let text =
            String::from_utf8(run_ok(temper().args(["completions", shell])).stdout).expect("utf-8");
        assert!(
            text.contains("temper") && text.contains("analyze"),
            "{shell}"
        );
    }
    let bad = temper()
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

/// `temper man --out DIR` writes temper.1 and one page per command; groff renders each with no
/// warning, and each page's NAME and synopsis name its command.
#[test]
fn man_pages_render_in_groff() {
    let dir = tempfile::tempdir().expect("tempdir");
    run_ok(temper().args(["man", "--out"]).arg(dir.path()));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected = [
        "analyze",
        "chart",
        "completions",
        "dataset",
        "deps",
        "export",
        "list",
        "man",
        "mv",
        "query",
        "report",
        "rm",
        "run",
    ];
    let mut want: Vec<String> = expected.iter().map(|c| format!("temper-{c}.1")).collect();
    want.push("temper.1".to_string());
    want.sort();
    assert_eq!(names, want);
    // stdout holds temper.1 itself.
    let stdout = run_ok(temper().arg("man")).stdout;
    assert_eq!(
        stdout,
        std::fs::read(dir.path().join("temper.1")).expect("read")
    );
    if Command::new("groff").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("TEMPER_SKIP_GROFF").is_some(),
            "groff renders the man pages here: apt-get install groff-base, or set \
             TEMPER_SKIP_GROFF=1 to check only that they generate"
        );
        eprintln!("TEMPER_SKIP_GROFF: the man pages were generated but not rendered");
        return;
    }
    for name in &names {
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(dir.path().join(name))
            .output()
            .expect("groff runs");
        assert!(out.status.success(), "{name}");
        assert!(
            out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = Command::new("groff")
            .args(["-man", "-Tutf8"])
            .arg(dir.path().join(name))
            .env("GROFF_NO_SGR", "1")
            .output()
            .expect("groff runs");
        // Overstruck bold (X, backspace, X) read as its letters.
        let mut plain = String::new();
        for c in String::from_utf8_lossy(&text.stdout).chars() {
            match c {
                '\u{8}' => drop(plain.pop()),
                '\u{2010}' | '\u{2212}' => plain.push('-'),
                c => plain.push(c),
            }
        }
        let text = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        let command = name.trim_end_matches(".1").replacen('-', " ", 1);
        assert!(
            text.contains("NAME") && text.contains(&command),
            "{name}: {text}"
        );
    }
}

/// The names of the repositories `temper list` shows for `store`.
fn listed_names(store: &std::path::Path) -> Vec<String> {
    let out = run_ok(temper().args(["list", "--store"]).arg(store));
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// A repository kept in a directory with a generic name (`moby/repo`, `xen/src.git`, `kvm/.git`)
/// takes its parent's name; `NAME=PATH` names each of several; two equal names are refused with
/// that advice; a name analysed again with another scope or from another place says so.
#[test]
fn names_from_paths_and_name_equals_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let work = crate::common::build_fixture("make_tags.sh", &tmp.path().join("tags"), "repo");
    for (dir, bare) in [
        ("moby/repo", true),
        ("xen/src.git", true),
        ("kvm/checkout", false),
    ] {
        let target = tmp.path().join(dir);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        let mut args = vec!["clone", "--quiet"];
        if bare {
            args.push("--bare");
        }
        let out = crate::common::git_output(
            tmp.path(),
            &[
                &args[..],
                &[
                    work.to_str().expect("utf-8"),
                    target.to_str().expect("utf-8"),
                ],
            ]
            .concat(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = tmp.path().join("store");
    let mut analyze = temper();
    analyze
        .args(["analyze", "--quiet", "--activity-only", "--store"])
        .arg(&store);
    for dir in ["moby/repo", "xen/src.git", "kvm/checkout", "tags/repo"] {
        analyze.arg(tmp.path().join(dir));
    }
    run_ok(&mut analyze);
    assert_eq!(listed_names(&store), ["kvm", "moby", "tags", "xen"]);

    // A mirror reached through a link is named by the link, as given: `mirrors/docker.git`
    // pointing at `moby/repo` is `docker`.
    let mirrors = tmp.path().join("mirrors");
    std::fs::create_dir_all(&mirrors).expect("mkdir");
    std::os::unix::fs::symlink(tmp.path().join("moby/repo"), mirrors.join("docker.git"))
        .expect("symlink");
    let linked = tmp.path().join("linked");
    run_ok(
        temper()
            .args(["analyze", "--quiet", "--activity-only", "--store"])
            .arg(&linked)
            .arg(mirrors.join("docker.git")),
    );
    assert_eq!(listed_names(&linked), ["docker"]);

    // NAME=PATH names each; the same path twice without names is refused with that advice.
    let moby = tmp.path().join("moby/repo");
    run_ok(
        temper()
            .args(["analyze", "--quiet", "--activity-only", "--store"])
            .arg(&store)
            .arg(format!("first={}", moby.display()))
            .arg(format!("second={}", moby.display())),
    );
    assert_eq!(
        listed_names(&store),
        ["first", "kvm", "moby", "second", "tags", "xen"]
    );
    let twice = temper()
        .args(["analyze", "--quiet", "--store"])
        .arg(&store)
        .arg(&moby)
        .arg(&moby)
        .output()
        .expect("runs");
    assert_eq!(twice.status.code(), Some(1));
    let said = String::from_utf8_lossy(&twice.stderr);
    assert!(
        said.contains("both named 'moby'") && said.contains("NAME=PATH"),
        "{said}"
    );

    // Another scope, and another source, for a stored name: a note says what changed.
    let scoped = |path: &std::path::Path| {
        run_ok(
            temper()
                .args(["analyze", "--quiet", "--activity-only", "--path", "src"])
                .arg("--store")
                .arg(&store)
                .arg(format!("first={}", path.display())),
        )
    };
    let rescoped = scoped(&moby);
    let said = String::from_utf8_lossy(&rescoped.stderr);
    assert!(
        said.contains("first: scope was the whole tree, now '--path src'"),
        "{said}"
    );
    let moved = scoped(&tmp.path().join("xen/src.git"));
    let said = String::from_utf8_lossy(&moved.stderr);
    assert!(
        said.contains("first: source was '") && said.contains("src.git'"),
        "{said}"
    );
    assert!(!said.contains("scope was"), "{said}");
}

/// `analyze --format json`: an array with each repository's summary, as git counts it (commits
/// from `git rev-list --count`, months from `git log`), and `up_to_date` true on a second run.
#[test]
fn analyze_prints_json_for_scripts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = crate::common::build_fixture("make_tags.sh", tmp.path(), "tags");
    let store = tmp.path().join("store");
    let json = |extra: &[&str]| -> serde_json::Value {
        let out = run_ok(
            temper()
                .args(["analyze", "--quiet", "--format", "json", "--store"])
                .arg(&store)
                .arg(&repo)
                .args(extra),
        );
        serde_json::from_slice(&out.stdout).expect("JSON on stdout")
    };
    let first = json(&[]);
    let row = &first[0];
    let commits = crate::common::git(&repo, &["rev-list", "--count", "HEAD"]);
    assert_eq!(row["name"], "tags");
    assert_eq!(row["commits"].as_u64(), commits.trim().parse::<u64>().ok());
    let months = crate::common::git(&repo, &["log", "--format=%ad", "--date=format-local:%Y-%m"]);
    assert_eq!(row["last_month"].as_str(), months.lines().next());
    assert_eq!(row["first_month"].as_str(), months.lines().last());
    let authors = crate::common::git(&repo, &["log", "--format=%aE"]);
    let distinct: std::collections::BTreeSet<&str> = authors.lines().collect();
    assert_eq!(row["contributors"].as_u64(), Some(distinct.len() as u64));
    assert_eq!(row["up_to_date"], false);
    assert_eq!(json(&[])[0]["up_to_date"], true);
}

/// The README's first 120 lines hold a newcomer's path: what temper answers, the picture of the
/// decision view (the file is there), Install, the two commands exactly as `.ci/run` and the
/// main job run them, and "your own repositories in three commands".
#[test]
fn the_readme_opens_with_the_newcomer_path() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let top: Vec<&str> = readme.lines().take(120).collect();
    let top = top.join("\n");
    for needed in [
        "battle-hardened",
        "](docs/screenshots/decision-1280.png)",
        "## Install",
        "## Two commands",
        "cargo run --release -- report --dataset datasets --out reports/example",
        "\ncargo test\n",
        "## Your own repositories in three commands",
        "temper analyze ",
        "temper report --out ",
        "temper chart ",
    ] {
        assert!(
            top.contains(needed),
            "the README's first 120 lines lack {needed:?}"
        );
    }
    assert!(root.join("docs/screenshots/decision-1280.png").is_file());
}

/// `--memory` takes whole MiB from 256 up; a smaller or malformed budget is a usage error (exit
/// 2) that says what is accepted, before anything is opened or written.
#[test]
fn a_memory_budget_below_the_smallest_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    for (value, says) in [
        ("255", "below the smallest budget, 256 MiB"),
        ("2G", "whole number of MiB"),
    ] {
        let out = temper()
            .args(["analyze", "no-such-repo", "--memory", value, "--store"])
            .arg(&store)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{value}: {err}");
        assert!(!store.exists(), "{value}: nothing written");
    }
}
