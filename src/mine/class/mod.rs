//! Code classes: whose code a file is. Every file in every snapshot is the project's own `code`,
//! or `vendored`, `generated`, `test` or `docs`.
//!
//! A file's class is decided, in this order, by:
//!
//! 1. the linguist attributes of the snapshot's `.gitattributes` files ([`Attributes`],
//!    `attributes.rs`): `linguist-vendored`, `linguist-generated` and `linguist-documentation`
//!    set a class;
//!    `-linguist-vendored` (or `=false`) forbids one, so a project that marks a directory as its
//!    own is believed. The attributes of *that* snapshot apply: a project that marks paths in
//!    2020 is classified by its 2020 rules. As in git, a deeper `.gitattributes` overrides a
//!    shallower one and a later line an earlier one;
//! 2. the user's rules (`--class vendored=GLOB`, in the order given; globs as `--exclude`);
//! 3. the built-in rules in `src/mine/class/class_rules.toml` (compiled in, `rules.rs`):
//!    directory names at any depth, file-name globs, and for `generated` the markers generators
//!    write at the top of a file
//!    ([`generated_marker`]). Among them the first class in the order vendored, generated, test,
//!    docs wins, so `vendor/x/x_test.go` is vendored and `docs/x_test.go` is test.
//!
//! A file no rule claims is `code`.

mod attributes;
mod rules;

pub use attributes::{Attributes, AttributesRead, Linguist, MAX_ATTRIBUTES_LINE};
use rules::{dir_bits, name_class, RULES_TEXT};
pub use rules::{generated_marker, vendored_package};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Whose code a file is. The order is the built-in rules' precedence.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Third-party code copied into the repository (vendor/, third_party/, node_modules/, ...).
    Vendored,
    /// Files a tool wrote: protobuf output, lock files, minified files, files marked DO NOT EDIT.
    Generated,
    /// Tests and their data, by each ecosystem's conventions (tests/, testdata/, Go's _test.go).
    Test,
    /// Documentation: docs/, Markdown, man pages, README and licence files, translations.
    Docs,
    /// The project's own code: no rule claims it.
    Code,
}

impl Class {
    /// Every class, in the order the stored tables list them (own code first).
    pub const ALL: [Class; 5] = [
        Class::Code,
        Class::Test,
        Class::Docs,
        Class::Vendored,
        Class::Generated,
    ];

    /// The class's name in tables and `--class` rules (`code`, `vendored`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Vendored => "vendored",
            Class::Generated => "generated",
            Class::Test => "test",
            Class::Docs => "docs",
            Class::Code => "code",
        }
    }

    /// The class named `name` (as [`Class::as_str`] spells it); `None` for any other name.
    pub fn parse(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == name)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }

    /// A position in 0..5, for per-class arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Lines added and removed per class (one commit's churn, or a month's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassLines {
    /// (added, removed), indexed by [`Class::index`].
    lines: [(u64, u64); 5],
}

impl ClassLines {
    /// Adds `added` and `removed` lines to `class`.
    pub fn add(&mut self, class: Class, added: u64, removed: u64) {
        let slot = &mut self.lines[class.index()];
        slot.0 += added;
        slot.1 += removed;
    }

    /// Adds every class's lines of `other`.
    pub fn add_all(&mut self, other: &ClassLines) {
        for (mine, theirs) in self.lines.iter_mut().zip(other.lines) {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
        }
    }

    /// Lines added and removed in `class`.
    pub fn get(&self, class: Class) -> (u64, u64) {
        self.lines[class.index()]
    }

    /// As stored: `added removed` per class, in [`Class::ALL`] order, space-separated.
    pub fn to_text(&self) -> String {
        Class::ALL
            .iter()
            .map(|c| {
                let (a, r) = self.get(*c);
                format!("{a} {r}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Back from [`ClassLines::to_text`]; `None` unless it has ten numbers.
    pub fn from_text(text: &str) -> Option<ClassLines> {
        let numbers: Vec<u64> = text
            .split_ascii_whitespace()
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        if numbers.len() != 10 {
            return None;
        }
        let mut out = ClassLines::default();
        for (i, class) in Class::ALL.into_iter().enumerate() {
            out.add(class, numbers[2 * i], numbers[2 * i + 1]);
        }
        Some(out)
    }
}

/// What the path rules decided for a file: its class, and whether a generator's marker in its
/// first bytes may still make it `generated` (not when a `.gitattributes` or user rule decided,
/// or `-linguist-generated` forbids it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PathClass {
    /// The class the path rules give.
    pub class: Class,
    /// Whether a generator's marker in the blob's first bytes may still make it `generated`.
    pub marker_applies: bool,
}

impl PathClass {
    /// The class once the blob's content is known.
    pub fn with_marker(self, has_generated_marker: bool) -> Class {
        match self.marker_applies && has_generated_marker {
            true => Class::Generated,
            false => self.class,
        }
    }
}

/// Why a `--class` rule could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    /// The rule is not `CLASS=GLOB` with a known class (the rule as given).
    #[error(
        "--class '{0}': expected CLASS=GLOB, CLASS one of code, vendored, generated, test, docs"
    )]
    Syntax(String),
    /// The glob does not compile: the rule as given, and why.
    #[error("--class '{rule}': {message}")]
    Glob {
        /// The rule as given (`CLASS=GLOB`).
        rule: String,
        /// What the glob parser said.
        message: String,
    },
}

/// A `--class` rule.
#[derive(Debug, Clone)]
struct UserRule {
    class: Class,
    glob: String,
}

/// The classifier of one analysis: the built-in rules and the user's.
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    user: Vec<UserRule>,
    user_set: Option<GlobSet>,
    /// For each glob of `user_set`, its rule.
    user_index: Vec<usize>,
}

impl Classifier {
    /// The built-in rules and the user's `CLASS=GLOB` rules.
    pub fn new(rules: &[String]) -> Result<Classifier, ClassError> {
        let mut user = Vec::new();
        let mut builder = GlobSetBuilder::new();
        let mut user_index = Vec::new();
        for rule in rules {
            let (class, glob) = rule
                .split_once('=')
                .and_then(|(c, g)| Some((Class::parse(c.trim())?, g.trim())))
                .filter(|(_, g)| !g.is_empty())
                .ok_or_else(|| ClassError::Syntax(rule.clone()))?;
            for pattern in crate::scope::glob_and_below(glob) {
                let compiled = GlobBuilder::new(&pattern)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| ClassError::Glob {
                        rule: rule.clone(),
                        message: e.kind().to_string(),
                    })?;
                builder.add(compiled);
                user_index.push(user.len());
            }
            user.push(UserRule {
                class,
                glob: glob.to_string(),
            });
        }
        let user_set = match user.is_empty() {
            true => None,
            false => Some(builder.build().map_err(|e| ClassError::Glob {
                rule: rules.join(" "),
                message: e.to_string(),
            })?),
        };
        Ok(Classifier {
            user,
            user_set,
            user_index,
        })
    }

    /// The rules as given, for the store's keys (built-in rules are keyed by the counter id).
    pub fn description(&self) -> String {
        self.user
            .iter()
            .map(|r| format!("--class {}={}", r.class.as_str(), r.glob))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a file's class depends on its full path (user rules), not only on its name and
    /// its directories' names.
    pub fn needs_paths(&self) -> bool {
        self.user_set.is_some()
    }

    /// The classes the built-in rules give the directory at `path` and those above it (a bit
    /// per class); `parent` is the value of the directory above.
    pub fn dir_context(&self, parent: u8, path: &[u8]) -> u8 {
        parent | dir_bits(path)
    }

    /// What the built-in file-name rules say of a file named `name` (callers memoise it: names
    /// repeat across a history).
    pub fn name_class(&self, name: &[u8]) -> Option<Class> {
        name_class(name)
    }

    /// The key of everything classes depend on, for the store: a change re-counts the months.
    pub fn key(&self) -> String {
        format!(
            "rules={:016x} {}",
            crate::text::fnv1a(RULES_TEXT.as_bytes()),
            self.description()
        )
    }

    /// The class of the file at `path`, whose name's built-in class is `named` (see
    /// [`Classifier::name_class`]), in a directory with built-in context `dir`, under the
    /// linguist attributes `attrs` (see the module documentation).
    pub fn file_class(
        &self,
        dir: u8,
        path: &[u8],
        named: Option<Class>,
        attrs: &Linguist,
    ) -> PathClass {
        let forced = |class| PathClass {
            class,
            marker_applies: false,
        };
        if attrs.vendored == Some(true) {
            return forced(Class::Vendored);
        }
        if attrs.generated == Some(true) {
            return forced(Class::Generated);
        }
        if attrs.documentation == Some(true) {
            return forced(Class::Docs);
        }
        let allowed = |c: Class| match c {
            Class::Vendored => attrs.vendored != Some(false),
            Class::Generated => attrs.generated != Some(false),
            Class::Docs => attrs.documentation != Some(false),
            Class::Test | Class::Code => true,
        };
        if let Some(class) = self.user_class(path).filter(|c| allowed(*c)) {
            return forced(class);
        }
        let mut bits = dir | named.map_or(0, Class::bit);
        for class in [Class::Vendored, Class::Generated, Class::Docs] {
            if !allowed(class) {
                bits &= !class.bit();
            }
        }
        let class = [Class::Vendored, Class::Generated, Class::Test, Class::Docs]
            .into_iter()
            .find(|c| bits & c.bit() != 0)
            .unwrap_or(Class::Code);
        PathClass {
            class,
            marker_applies: class != Class::Vendored && allowed(Class::Generated),
        }
    }

    /// The class of the file at `path` (from the root) under `attrs`, from its path alone: the
    /// same decision the line counter makes while it walks a tree (callers memoise it).
    pub fn path_class(&self, path: &[u8], attrs: &Attributes) -> PathClass {
        let mut dir = 0;
        for (i, b) in path.iter().enumerate() {
            if *b == b'/' {
                dir = self.dir_context(dir, &path[..i]);
            }
        }
        let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
        self.file_class(dir, path, self.name_class(name), &attrs.lookup(path))
    }

    fn user_class(&self, path: &[u8]) -> Option<Class> {
        let set = self.user_set.as_ref()?;
        let text = String::from_utf8_lossy(path);
        let first = set.matches(text.as_ref()).into_iter().min()?;
        Some(self.user[self.user_index[first]].class)
    }
}

#[cfg(test)]
mod tests {
    use super::rules::{built_in, BUILT_IN};
    use super::*;

    fn class(c: &Classifier, path: &str) -> Class {
        class_with(c, path, &Attributes::default())
    }

    fn class_with(c: &Classifier, path: &str, attrs: &Attributes) -> Class {
        let by_path = c.path_class(path.as_bytes(), attrs).class;
        let mut dir = 0;
        let parts: Vec<&str> = path.split('/').collect();
        for i in 1..parts.len() {
            dir = c.dir_context(dir, parts[..i].join("/").as_bytes());
        }
        let name = parts[parts.len() - 1];
        let named = c.name_class(name.as_bytes());
        let walked = c
            .file_class(dir, path.as_bytes(), named, &attrs.lookup(path.as_bytes()))
            .class;
        assert_eq!(walked, by_path, "{path}: the walk and the path alone agree");
        walked
    }

    #[test]
    fn the_built_in_rules_parse() {
        built_in(RULES_TEXT).unwrap();
        assert!(BUILT_IN.is_some());
    }

    #[test]
    fn built_in_rules_and_their_precedence() {
        let c = Classifier::new(&[]).unwrap();
        assert_eq!(class(&c, "main.go"), Class::Code);
        assert_eq!(class(&c, "vendor/github.com/x/y.go"), Class::Vendored);
        assert_eq!(class(&c, "a/b/vendor/x.c"), Class::Vendored);
        assert_eq!(class(&c, "Godeps/_workspace/src/x.go"), Class::Vendored);
        assert_eq!(class(&c, "_workspace/src/x.go"), Class::Code);
        assert_eq!(class(&c, "vendor/x/x_test.go"), Class::Vendored);
        assert_eq!(class(&c, "docs/x_test.go"), Class::Test);
        assert_eq!(class(&c, "api/types.pb.go"), Class::Generated);
        assert_eq!(class(&c, "tests/types.pb.go"), Class::Generated);
        assert_eq!(class(&c, "pkg/x_test.go"), Class::Test);
        assert_eq!(class(&c, "t/t0001-init.sh"), Class::Test);
        assert_eq!(class(&c, "docs/conf.py"), Class::Docs);
        assert_eq!(class(&c, "README.md"), Class::Docs);
        assert_eq!(class(&c, "src/notes.md"), Class::Docs);
        assert_eq!(class(&c, "CMakeLists.txt"), Class::Code);
        assert_eq!(class(&c, "po/de.po"), Class::Docs);
        assert_eq!(class(&c, "src/locale/fr.po"), Class::Docs);
        assert_eq!(class(&c, "Cargo.lock"), Class::Generated);
        assert_eq!(class(&c, "vendored/x.go"), Class::Code);
        assert_eq!(class(&c, "testsx/x.go"), Class::Code);
    }

    #[test]
    fn user_rules_come_before_built_in_ones() {
        let c = Classifier::new(&["code=vendor/ours".into(), "generated=*.gen.c".into()]).unwrap();
        assert_eq!(class(&c, "vendor/ours/a.go"), Class::Code);
        assert_eq!(class(&c, "vendor/theirs/a.go"), Class::Vendored);
        assert_eq!(class(&c, "src/x.gen.c"), Class::Generated);
        assert!(Classifier::new(&["bogus=x".into()]).is_err());
        assert!(Classifier::new(&["vendored=".into()]).is_err());
        assert!(Classifier::new(&["vendored=a[".into()]).is_err());
    }

    #[test]
    fn gitattributes_set_and_forbid_classes() {
        let c = Classifier::new(&["vendored=ours/**".into()]).unwrap();
        let root = Attributes::default()
            .with_file(
                b"",
                b"# comment\n*.txt text\nthird/** linguist-vendored\nvendor/mine/** -linguist-vendored\n\
                  ours/** linguist-vendored=false\napi/*.yaml linguist-generated\nnotes linguist-documentation\n",
            )
            .unwrap();
        assert_eq!(class_with(&c, "third/x.c", &root), Class::Vendored);
        assert_eq!(class_with(&c, "vendor/mine/x.go", &root), Class::Code);
        assert_eq!(class_with(&c, "vendor/other/x.go", &root), Class::Vendored);
        assert_eq!(
            class_with(&c, "ours/x.go", &root),
            Class::Code,
            "attributes before user rules"
        );
        assert_eq!(class_with(&c, "api/swagger.yaml", &root), Class::Generated);
        assert_eq!(class_with(&c, "api/sub/swagger.yaml", &root), Class::Code);
        assert_eq!(class_with(&c, "notes", &root), Class::Docs);
        assert_eq!(
            class_with(&c, "src/notes", &root),
            Class::Docs,
            "a name at any depth"
        );
        // A deeper file overrides, for paths below it only.
        let deeper = root
            .with_file(b"third/keep", b"* -linguist-vendored\n")
            .unwrap();
        assert_eq!(class_with(&c, "third/keep/x.c", &deeper), Class::Code);
        assert_eq!(class_with(&c, "third/x.c", &deeper), Class::Vendored);
        assert!(root.with_file(b"x", b"*.c text eol=lf\n").is_none());
        // As in git, `dir/` applies to no file, and `dir` only to a file named so.
        assert!(Attributes::default()
            .with_file(b"", b"gen/ linguist-generated\n")
            .is_none());
        let dirs = Attributes::default()
            .with_file(b"", b"gen linguist-generated\n")
            .unwrap();
        assert_eq!(class_with(&c, "gen/x.c", &dirs), Class::Code);
        assert_eq!(class_with(&c, "a/gen", &dirs), Class::Generated);
    }

    #[test]
    fn vendored_packages() {
        let p = |path| vendored_package(path);
        assert_eq!(
            p("vendor/src/github.com/mattn/go-sqlite3/code/sqlite3-binding.c"),
            "vendor/src/github.com/mattn/go-sqlite3"
        );
        assert_eq!(p("vendor/github.com/x/y/z/a.go"), "vendor/github.com/x/y");
        assert_eq!(
            p("Godeps/_workspace/src/golang.org/x/net/a.go"),
            "Godeps/_workspace/src/golang.org/x/net"
        );
        assert_eq!(p("third_party/zlib/inflate.c"), "third_party/zlib");
        assert_eq!(
            p("a/node_modules/left-pad/index.js"),
            "a/node_modules/left-pad"
        );
        assert_eq!(p("extra/e.c"), "extra");
        assert_eq!(p("vendor/x.c"), "vendor");
    }

    #[test]
    fn generator_markers() {
        assert!(generated_marker(
            b"// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n"
        ));
        assert!(generated_marker(b"/* @generated by cbindgen */\n"));
        assert!(generated_marker(
            b"# This file is automatically generated; do not edit\n"
        ));
        assert!(generated_marker(b"#! /bin/sh\n# Guess values for system-dependent variables.\n# Generated by GNU Autoconf 2.69 for Xen Hypervisor 4.17.\n"));
        assert!(!generated_marker(
            b"// generated code lives elsewhere\npackage x\n"
        ));
        assert!(!generated_marker(b"package x\n"));
        let late = [
            vec![b'\n'; 1100],
            b"// Code generated x. DO NOT EDIT.\n".to_vec(),
        ]
        .concat();
        assert!(!generated_marker(&late), "only the first 1,024 bytes");
        let path = PathClass {
            class: Class::Code,
            marker_applies: true,
        };
        assert_eq!(path.with_marker(true), Class::Generated);
        let vendored = PathClass {
            class: Class::Vendored,
            marker_applies: false,
        };
        assert_eq!(vendored.with_marker(true), Class::Vendored);
    }
}
