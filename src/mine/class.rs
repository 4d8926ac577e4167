//! Code classes: whose code a file is. Every file in every snapshot is the project's own `code`,
//! or `vendored`, `generated`, `test` or `docs`.
//!
//! A file's class is decided, in this order, by:
//!
//! 1. the linguist attributes of the snapshot's `.gitattributes` files ([`Attributes`]):
//!    `linguist-vendored`, `linguist-generated` and `linguist-documentation` set a class;
//!    `-linguist-vendored` (or `=false`) forbids one, so a project that marks a directory as its
//!    own is believed. The attributes of *that* snapshot apply: a project that marks paths in
//!    2020 is classified by its 2020 rules. As in git, a deeper `.gitattributes` overrides a
//!    shallower one and a later line an earlier one;
//! 2. the user's rules (`--class vendored=GLOB`, in the order given; globs as `--exclude`);
//! 3. the built-in rules in `src/mine/class_rules.toml` (compiled in): directory names at any depth,
//!    file-name globs, and for `generated` the markers generators write at the top of a file
//!    ([`generated_marker`]). Among them the first class in the order vendored, generated, test,
//!    docs wins, so `vendor/x/x_test.go` is vendored and `docs/x_test.go` is test.
//!
//! A file no rule claims is `code`.

use std::collections::HashMap;
use std::sync::LazyLock;

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
    Vendored,
    Generated,
    Test,
    Docs,
    /// The project's own code: no rule claims it.
    Code,
}

impl Class {
    pub const ALL: [Class; 5] = [
        Class::Code,
        Class::Test,
        Class::Docs,
        Class::Vendored,
        Class::Generated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Vendored => "vendored",
            Class::Generated => "generated",
            Class::Test => "test",
            Class::Docs => "docs",
            Class::Code => "code",
        }
    }

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
    pub class: Class,
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

#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    #[error(
        "--class '{0}': expected CLASS=GLOB, CLASS one of code, vendored, generated, test, docs"
    )]
    Syntax(String),
    #[error("--class '{rule}': {message}")]
    Glob { rule: String, message: String },
}

/// The built-in rules, as `src/mine/class_rules.toml` writes them.
#[derive(Debug, serde::Deserialize)]
struct RulesFile {
    vendored: ClassRules,
    generated: ClassRules,
    test: ClassRules,
    docs: ClassRules,
}

#[derive(Debug, serde::Deserialize)]
struct ClassRules {
    dirs: Vec<String>,
    files: Vec<String>,
}

/// The built-in rules, compiled.
struct BuiltIn {
    /// Single directory names, and runs of names (`Godeps/_workspace`), with their class.
    dirs: HashMap<Vec<u8>, Class>,
    runs: Vec<(Vec<u8>, Class)>,
    files: GlobSet,
    file_classes: Vec<Class>,
}

static RULES_TEXT: &str = include_str!("class_rules.toml");

/// The built-in rules; a test checks that the file parses and compiles, so `None` is unreachable
/// in a released binary (and would only mean "no built-in rules").
static BUILT_IN: LazyLock<Option<BuiltIn>> = LazyLock::new(|| built_in(RULES_TEXT).ok());

fn built_in(text: &str) -> Result<BuiltIn, String> {
    let file: RulesFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut dirs = HashMap::new();
    let mut runs = Vec::new();
    let mut files = GlobSetBuilder::new();
    let mut file_classes = Vec::new();
    for (class, rules) in [
        (Class::Vendored, &file.vendored),
        (Class::Generated, &file.generated),
        (Class::Test, &file.test),
        (Class::Docs, &file.docs),
    ] {
        for dir in &rules.dirs {
            match dir.contains('/') {
                true => runs.push((dir.as_bytes().to_vec(), class)),
                false => {
                    dirs.entry(dir.as_bytes().to_vec()).or_insert(class);
                }
            }
        }
        for glob in &rules.files {
            let glob = GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("{glob}: {e}"))?;
            files.add(glob);
            file_classes.push(class);
        }
    }
    Ok(BuiltIn {
        dirs,
        runs,
        files: files.build().map_err(|e| e.to_string())?,
        file_classes,
    })
}

/// The classes the built-in rules give a directory (a bit per class), from its path.
fn dir_bits(path: &[u8]) -> u8 {
    let Some(rules) = BUILT_IN.as_ref() else {
        return 0;
    };
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    let mut bits = rules.dirs.get(name).map_or(0, |c| c.bit());
    for (run, class) in &rules.runs {
        let at_boundary = |p: &[u8]| p.len() == run.len() || p[p.len() - run.len() - 1] == b'/';
        if path.ends_with(run) && at_boundary(path) {
            bits |= class.bit();
        }
    }
    bits
}

/// The first class (by precedence) the built-in file-name rules give `name`.
fn name_class(name: &[u8]) -> Option<Class> {
    let rules = BUILT_IN.as_ref()?;
    let text = String::from_utf8_lossy(name);
    rules
        .files
        .matches(text.as_ref())
        .into_iter()
        .map(|i| rules.file_classes[i])
        .min()
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

/// The linguist attributes that apply to one file: `Some(true)` set, `Some(false)` unset
/// (`-linguist-vendored`, `linguist-vendored=false`), `None` unspecified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Linguist {
    pub vendored: Option<bool>,
    pub generated: Option<bool>,
    pub documentation: Option<bool>,
}

/// git's `ATTR_MAX_LINE_LENGTH`: a longer `.gitattributes` line is ignored, with a warning.
pub const MAX_ATTRIBUTES_LINE: usize = 2048;

/// One attribute's assignment on a line: `None` when the line does not name it, `Some(None)`
/// when it makes it unspecified again (`!attr`), `Some(Some(set))` otherwise.
type Assign = Option<Option<bool>>;

/// What one `.gitattributes` line (or macro) assigns to the three linguist attributes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Assigns {
    vendored: Assign,
    generated: Assign,
    documentation: Assign,
}

impl Assigns {
    fn is_empty(&self) -> bool {
        *self == Assigns::default()
    }

    /// `later`'s assignments over these (later in a line wins, as in git).
    fn then(self, later: Assigns) -> Assigns {
        Assigns {
            vendored: later.vendored.or(self.vendored),
            generated: later.generated.or(self.generated),
            documentation: later.documentation.or(self.documentation),
        }
    }

    /// These assignments where `found` has none yet (the first found, deepest and last, wins).
    fn fill(&self, found: &mut Assigns) {
        found.vendored = found.vendored.or(self.vendored);
        found.generated = found.generated.or(self.generated);
        found.documentation = found.documentation.or(self.documentation);
    }

    fn complete(&self) -> bool {
        self.vendored.is_some() && self.generated.is_some() && self.documentation.is_some()
    }
}

/// One `.gitattributes` line that assigns a linguist attribute: git's pattern (gix's parser and
/// wildmatch) and what it assigns.
#[derive(Debug, Clone)]
struct AttrLine {
    pattern: gix::glob::Pattern,
    assigns: Assigns,
}

/// The linguist lines of one `.gitattributes` file, below directory `base`.
#[derive(Debug)]
struct AttrFile {
    /// The file's directory, with a trailing `/` unless it is the root.
    base: Vec<u8>,
    lines: Vec<AttrLine>,
}

/// The linguist attributes of the `.gitattributes` files on a path from the root, shallowest
/// first: each file's lines apply to paths below its directory. Files are shared, never copied:
/// a directory's set costs one pointer per file on its path, whatever the files hold.
#[derive(Debug, Clone, Default)]
pub struct Attributes {
    files: Vec<std::sync::Arc<AttrFile>>,
    /// Macros (`[attr]name ...`), which git reads from the root file only.
    macros: std::sync::Arc<HashMap<String, Assigns>>,
}

/// What reading one `.gitattributes` file met that git also ignores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttributesRead {
    /// Lines of [`MAX_ATTRIBUTES_LINE`] bytes or more, ignored as git ignores them.
    pub long_lines: usize,
}

impl Attributes {
    /// These attributes and those of the `.gitattributes` in directory `dir` (its `text`);
    /// `None` when the file assigns no linguist attribute (nothing changes).
    pub fn with_file(&self, dir: &[u8], text: &[u8]) -> Option<Attributes> {
        self.with_file_read(dir, text).0
    }

    /// [`Attributes::with_file`], and what it ignored of `text`.
    pub fn with_file_read(&self, dir: &[u8], text: &[u8]) -> (Option<Attributes>, AttributesRead) {
        let root = dir.is_empty();
        let (lines, macros, read) = parse_linguist_lines(text, root, &self.macros);
        if lines.is_empty() && macros.is_empty() {
            return (None, read);
        }
        let mut base = dir.to_vec();
        if !root {
            base.push(b'/');
        }
        let mut out = self.clone();
        if !macros.is_empty() {
            let mut all = (*self.macros).clone();
            all.extend(macros);
            out.macros = std::sync::Arc::new(all);
        }
        if !lines.is_empty() {
            out.files
                .push(std::sync::Arc::new(AttrFile { base, lines }));
        }
        (Some(out), read)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The attributes that apply to the file at `path` (from the root): for each attribute, the
    /// last matching line of the deepest file that names it (git's rule).
    pub fn lookup(&self, path: &[u8]) -> Linguist {
        use gix::bstr::ByteSlice;
        let mut found = Assigns::default();
        'files: for file in self.files.iter().rev() {
            let Some(relative) = path.strip_prefix(file.base.as_slice()) else {
                continue;
            };
            let basename = relative.rfind_byte(b'/').map(|p| p + 1);
            for line in file.lines.iter().rev() {
                let mut wanted = found;
                line.assigns.fill(&mut wanted);
                if wanted != found
                    && line.pattern.matches_repo_relative_path(
                        relative.as_bstr(),
                        basename,
                        Some(false),
                        gix::glob::pattern::Case::Sensitive,
                        gix::glob::wildmatch::Mode::NO_MATCH_SLASH_LITERAL,
                    )
                {
                    found = wanted;
                    if found.complete() {
                        break 'files;
                    }
                }
            }
        }
        Linguist {
            vendored: found.vendored.flatten(),
            generated: found.generated.flatten(),
            documentation: found.documentation.flatten(),
        }
    }
}

/// The lines of a `.gitattributes` file that assign linguist attributes, parsed by gix as git
/// parses them (quoted patterns, `\` escapes, a pattern with `/` relative to the file's
/// directory, `**`, `dir/` matching no file), and the macros it defines (`root` only, as in
/// git; a macro used on a line assigns what it stands for, the line's own assignments after).
/// `-attr` and `attr=false` (or `0`) forbid, `!attr` makes unspecified again. Lines git
/// ignores are ignored: too long, negative patterns, invalid names.
fn parse_linguist_lines(
    text: &[u8],
    root: bool,
    macros: &HashMap<String, Assigns>,
) -> (Vec<AttrLine>, HashMap<String, Assigns>, AttributesRead) {
    use gix::attrs::StateRef;
    let mut read = AttributesRead::default();
    // git refuses the whole line; blank it so gix's line numbers and parse are unaffected.
    let mut kept = Vec::with_capacity(text.len());
    for line in text.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        if body.len() >= MAX_ATTRIBUTES_LINE {
            read.long_lines += 1;
            kept.push(b'\n');
        } else {
            kept.extend_from_slice(line);
        }
    }
    let mut defined: HashMap<String, Assigns> = HashMap::new();
    let mut lines = Vec::new();
    for parsed in gix::attrs::parse(&kept) {
        let Ok((kind, assignments, _)) = parsed else {
            continue;
        };
        let mut assigns = Assigns::default();
        for assignment in assignments.flatten() {
            let state = match assignment.state {
                StateRef::Set => Some(true),
                StateRef::Unset => Some(false),
                StateRef::Value(v) => Some(!matches!(&**v.as_bstr(), b"false" | b"0")),
                StateRef::Unspecified => None,
            };
            let name = assignment.name.as_str();
            let one = match name {
                "linguist-vendored" => Assigns {
                    vendored: Some(state),
                    ..Assigns::default()
                },
                "linguist-generated" => Assigns {
                    generated: Some(state),
                    ..Assigns::default()
                },
                "linguist-documentation" => Assigns {
                    documentation: Some(state),
                    ..Assigns::default()
                },
                _ => match defined.get(name).or_else(|| macros.get(name)) {
                    Some(m) if state == Some(true) => *m,
                    _ => Assigns::default(),
                },
            };
            assigns = assigns.then(one);
        }
        match kind {
            gix::attrs::parse::Kind::Macro(name) if root => {
                if !assigns.is_empty() {
                    defined.insert(name.as_str().to_string(), assigns);
                }
            }
            gix::attrs::parse::Kind::Macro(_) => {}
            gix::attrs::parse::Kind::Pattern(pattern) => {
                // `dir/` matches directories only, and only files are looked up.
                let dirs_only = pattern.mode.contains(gix::glob::pattern::Mode::MUST_BE_DIR);
                if !assigns.is_empty() && !dirs_only {
                    lines.push(AttrLine { pattern, assigns });
                }
            }
        }
    }
    (lines, defined, read)
}

/// The vendored package a vendored file belongs to, for findings: the directory that names it
/// below a vendored directory (`vendor/github.com/mattn/go-sqlite3` for a Go import path, whose
/// first part holds a dot; `third_party/zlib` otherwise; a GOPATH-style `src/` is skipped), or
/// the file's directory when no vendored directory is on its path (a `.gitattributes` or
/// `--class` rule made it vendored).
pub fn vendored_package(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let dirs = &parts[..parts.len().saturating_sub(1)];
    let vendored = |i: usize| {
        let one = dir_bits(dirs[i].as_bytes()) & Class::Vendored.bit() != 0;
        let two =
            i > 0 && dir_bits(dirs[i - 1..=i].join("/").as_bytes()) & Class::Vendored.bit() != 0;
        one || two
    };
    let Some(at) = (0..dirs.len()).find(|&i| vendored(i)) else {
        return dirs.join("/");
    };
    let mut start = at + 1;
    if dirs.get(start) == Some(&"src") {
        start += 1;
    }
    let take = match dirs.get(start) {
        Some(first) if first.contains('.') => 3,
        Some(_) => 1,
        None => 0,
    };
    let end = (start + take).min(dirs.len());
    dirs[..end].join("/")
}

/// Whether a blob's first 1,024 bytes carry a generator's marker: Go's `Code generated ... DO
/// NOT EDIT.`, `@generated` (Facebook, Phabricator, rustfmt-ignored generated code), a line that
/// says both "generated" and "do not edit" (in any case: protoc, flex, bison, swig, many
/// others), or `Generated by GNU Autoconf` (committed `configure` scripts).
pub fn generated_marker(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head);
    text.lines().any(|line| {
        let lower = line.to_ascii_lowercase();
        (line.contains("Code generated") && line.contains("DO NOT EDIT"))
            || line.contains("@generated")
            || (lower.contains("generated") && lower.contains("do not edit"))
            || line.contains("Generated by GNU Autoconf")
    })
}

#[cfg(test)]
mod tests {
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
