//! Hardening practices a tree shows: a security policy, continuous integration, fuzzing. Each is
//! recognised by where its files live (what a reader of the repository would look for), and is
//! "present" in a month when that month's snapshot holds one of them:
//!
//! - `security_policy`: a file `SECURITY.md` (or `.rst`, `.txt`, or no extension; any case) at
//!   the root, in `.github/` or in `docs/`;
//! - `ci`: `.github/workflows/`, `.gitlab-ci.yml`, `.travis.yml`, `Jenkinsfile`, `.circleci/`,
//!   `azure-pipelines.yml`, `.cirrus.yml`, `appveyor.yml`, `.buildkite/`, `.drone.yml`,
//!   `.woodpecker.yml` or `.woodpecker/`, at the root;
//! - `fuzzing`: a directory named `fuzz`, `fuzzing`, `fuzzers`, `oss-fuzz` or `.clusterfuzzlite`
//!   at any depth, or a file named like a libFuzzer target (`*_fuzzer.c`, `*_fuzzer.cc`,
//!   `*_fuzzer.cpp`, `fuzz_*.c`, `fuzz_*.cc`, `fuzz_*.rs`, `fuzz_*.py`), or a Go test file
//!   (`*_test.go`) that declares a native fuzz test (a line `func FuzzXxx(f *testing.F)`, Go
//!   1.18's form; read from the file's contents, once per blob).

use crate::month::Month;

/// A practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Practice {
    /// A security policy: `SECURITY.md` (or the like) at the root, in `.github/` or `docs/`.
    SecurityPolicy,
    /// Continuous integration: a CI service's configuration at the root.
    Ci,
    /// Fuzzing: fuzz directories, libFuzzer targets or Go native fuzz tests, at any depth.
    Fuzzing,
}

impl Practice {
    /// Every practice, in declaration order.
    pub const ALL: [Practice; 3] = [Practice::SecurityPolicy, Practice::Ci, Practice::Fuzzing];

    /// The name the `practices` table stores (`security_policy`, `ci`, `fuzzing`).
    pub fn as_str(self) -> &'static str {
        match self {
            Practice::SecurityPolicy => "security_policy",
            Practice::Ci => "ci",
            Practice::Fuzzing => "fuzzing",
        }
    }

    /// The practice of a stored name (`ci`); `None` for a name this temper does not know.
    pub fn parse(name: &str) -> Option<Practice> {
        Practice::ALL.into_iter().find(|p| p.as_str() == name)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The months a practice is present in, with the first path that showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeSpan {
    /// Which practice (stored by its name, [`Practice::as_str`]).
    pub practice: Practice,
    /// The first month whose snapshot shows it.
    pub first_month: Month,
    /// The last month whose snapshot shows it (it may be absent in months between).
    pub last_month: Month,
    /// A path that shows it in the first month.
    pub example: String,
}

/// The practices a directory at `dir` (no trailing `/`, empty for the root) shows by itself.
pub fn of_dir(dir: &str) -> Option<Practice> {
    let name = dir.rsplit('/').next().unwrap_or(dir);
    let root_level = !dir.contains('/');
    match name {
        "fuzz" | "fuzzing" | "fuzzers" | "oss-fuzz" | ".clusterfuzzlite" => Some(Practice::Fuzzing),
        ".circleci" | ".buildkite" | ".woodpecker" if root_level => Some(Practice::Ci),
        _ if dir == ".github/workflows" => Some(Practice::Ci),
        _ => None,
    }
}

/// The practice a file at `path` shows by itself.
pub fn of_file(path: &str) -> Option<Practice> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let lower = name.to_ascii_lowercase();
    let stem = lower.split('.').next().unwrap_or("");
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    if stem == "security"
        && ["", "md", "rst", "txt"].contains(&ext)
        && ["", ".github", "docs"].contains(&dir)
    {
        return Some(Practice::SecurityPolicy);
    }
    const CI_FILES: [&str; 8] = [
        ".gitlab-ci.yml",
        ".travis.yml",
        "Jenkinsfile",
        "azure-pipelines.yml",
        ".cirrus.yml",
        "appveyor.yml",
        ".drone.yml",
        ".woodpecker.yml",
    ];
    if dir.is_empty() && CI_FILES.contains(&name) {
        return Some(Practice::Ci);
    }
    let fuzzer = ["c", "cc", "cpp"].contains(&ext) && stem.ends_with("_fuzzer")
        || ["c", "cc", "rs", "py"].contains(&ext) && stem.starts_with("fuzz_");
    fuzzer.then_some(Practice::Fuzzing)
}

static GO_FUZZ: std::sync::LazyLock<Option<regex::bytes::Regex>> = std::sync::LazyLock::new(|| {
    regex::bytes::Regex::new(r"(?m)^func\s+Fuzz\w*\s*\(\s*\w+\s+\*testing\.F\s*\)").ok()
});

/// Whether a Go test file's bytes declare a native fuzz test.
pub fn declares_go_fuzz_test(data: &[u8]) -> bool {
    memchr::memmem::find(data, b"testing.F").is_some()
        && GO_FUZZ.as_ref().is_some_and(|r| r.is_match(data))
}

/// A set of practices with the first path that showed each, for one tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    bits: u8,
    examples: Vec<(Practice, String)>,
}

impl Found {
    /// Records `practice` as shown by `path`, unless it is already found (the first path stays).
    pub fn add(&mut self, practice: Practice, path: &str) {
        if self.bits & practice.bit() == 0 {
            self.bits |= practice.bit();
            self.examples.push((practice, path.to_string()));
        }
    }

    /// Adds `other`'s practices; one already found keeps its path.
    pub fn merge(&mut self, other: &Found) {
        for (p, path) in &other.examples {
            self.add(*p, path);
        }
    }

    /// The practices found, each with the first path that showed it, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &(Practice, String)> {
        self.examples.iter()
    }
}

/// Spans from each month's findings (months in order), merged with `earlier` spans (of months
/// an earlier run counted).
pub fn spans(by_month: &[(Month, Found)], earlier: Vec<PracticeSpan>) -> Vec<PracticeSpan> {
    let mut out: std::collections::BTreeMap<Practice, PracticeSpan> =
        earlier.into_iter().map(|s| (s.practice, s)).collect();
    for (month, found) in by_month {
        for (practice, path) in found.iter() {
            out.entry(*practice)
                .and_modify(|s| {
                    if *month < s.first_month {
                        s.first_month = *month;
                        s.example = path.clone();
                    }
                    s.last_month = s.last_month.max(*month);
                })
                .or_insert(PracticeSpan {
                    practice: *practice,
                    first_month: *month,
                    last_month: *month,
                    example: path.clone(),
                });
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_practices_live() {
        assert_eq!(of_file("SECURITY.md"), Some(Practice::SecurityPolicy));
        assert_eq!(
            of_file(".github/security.md"),
            Some(Practice::SecurityPolicy)
        );
        assert_eq!(of_file("src/SECURITY.md"), None);
        assert_eq!(of_file(".travis.yml"), Some(Practice::Ci));
        assert_eq!(of_file("sub/.travis.yml"), None);
        assert_eq!(of_dir(".github/workflows"), Some(Practice::Ci));
        assert_eq!(of_dir("a/b/fuzz"), Some(Practice::Fuzzing));
        assert_eq!(of_dir("a/.circleci"), None);
        assert_eq!(of_file("tests/png_fuzzer.cc"), Some(Practice::Fuzzing));
        assert_eq!(of_file("fuzz_parse.rs"), Some(Practice::Fuzzing));
        assert_eq!(of_file("fuzzy.c"), None);
        let go = |s: &str| declares_go_fuzz_test(s.as_bytes());
        assert!(go("package x\n\nfunc FuzzParse(f *testing.F) {\n"));
        assert!(go("func Fuzz( f  *testing.F ) {}"));
        assert!(!go(
            "func TestParse(t *testing.T) {}\n// func FuzzX(f *testing.F)"
        ));
        assert!(!go("func FuzzParse(t *testing.T) {}"));
    }
}
