//! The source tree's import rule (see `src/lib.rs` and `docs/design.md`, "Layout"): imports run
//! cli → run → read / mine → store → leaves. Each `crate::` path in code (comments aside) of
//! every file under `src/` is checked against what its folder may import, so an edge that runs
//! the wrong way fails here with the file and line that adds it.

use std::path::Path;

/// The folder (room) a file of `src/` belongs to: its first directory, or `leaf` for the files
/// at the root (`main.rs` and `lib.rs` name every room and are left out).
fn room(relative: &str) -> Option<&str> {
    match relative.split_once('/') {
        Some((dir, _)) => Some(dir),
        None if relative == "main.rs" || relative == "lib.rs" => None,
        None => Some("leaf"),
    }
}

/// Whether a file in `from` (at `relative`) may name `crate::target`, where `target` is the
/// path's first two segments (`mine::class`, `store`, `month`).
fn allowed(from: &str, relative: &str, target: &str) -> bool {
    let to = target.split("::").next().unwrap_or(target);
    let leaf = !matches!(to, "cli" | "run" | "read" | "mine" | "store");
    if to == from || leaf {
        return from != "leaf" || leaf;
    }
    match from {
        "cli" => true,
        "run" => to != "cli",
        // The reading half names code classes, nothing else of the miner.
        "read" => to == "store" || target == "mine::class",
        // Only the driver keeps and reuses what an earlier run mined.
        "mine" => to == "store" && relative.starts_with("mine/analyze/"),
        // The one upward edge: the tables convert the miner's stage results into rows, and the
        // store's summary holds the miner's summary type (named in `src/store/mod.rs`).
        "store" => to == "mine",
        _ => false,
    }
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn imports_run_from_the_command_line_down_to_the_leaves() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let path = regex::Regex::new(r"crate::([a-z_]+)(::[a-z_]+)?").unwrap();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for file in &all {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(from) = room(&relative) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for m in path.captures_iter(code) {
                seen += 1;
                let target = m.get(0).unwrap().as_str().trim_start_matches("crate::");
                if !allowed(from, &relative, target) {
                    wrong.push(format!("src/{relative}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        seen > 200,
        "only {seen} crate:: paths found: is src/ where it was?"
    );
    assert!(
        wrong.is_empty(),
        "imports against the layout:\n{}",
        wrong.join("\n")
    );
    // The rule itself: a store module naming the report, or a leaf naming the store, is caught.
    assert!(!allowed("store", "store/mod.rs", "read::report"));
    assert!(!allowed("leaf", "month.rs", "store"));
    assert!(!allowed("mine", "mine/loc/mod.rs", "store::tables"));
    assert!(!allowed("read", "read/query.rs", "mine::analyze"));
}
