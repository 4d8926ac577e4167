//! The linguist attributes of `.gitattributes` files (`linguist-vendored`,
//! `linguist-generated`, `linguist-documentation`), read as git reads them: gix's parser for
//! the lines (quoted patterns, escapes, macros from the root file), gix's wildmatch for the
//! patterns, a deeper file over a shallower one and a later line over an earlier one.

use std::collections::HashMap;

/// The linguist attributes that apply to one file: `Some(true)` set, `Some(false)` unset
/// (`-linguist-vendored`, `linguist-vendored=false`), `None` unspecified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Linguist {
    /// `linguist-vendored`: the file is third-party code.
    pub vendored: Option<bool>,
    /// `linguist-generated`: a tool wrote the file.
    pub generated: Option<bool>,
    /// `linguist-documentation`: the file is documentation.
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

    /// Whether no `.gitattributes` file on the path assigns a linguist attribute (macros alone do
    /// not count).
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

/// What reading one `.gitattributes` file met that git also ignores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttributesRead {
    /// Lines of [`MAX_ATTRIBUTES_LINE`] bytes or more, ignored as git ignores them.
    pub long_lines: usize,
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
