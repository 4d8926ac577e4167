//! Repository names: the one rule they keep, and the directory each is stored in (one-to-one,
//! safe on every file system), with the form an earlier temper gave, still read.

use super::StoreError;

/// The longest repository name, in characters.
pub const NAME_MAX_CHARS: usize = 200;

/// The one rule for repository names (given with `--name`, in a `run` config, or derived from a
/// repository's directory): 1 to [`NAME_MAX_CHARS`] characters, no control characters, no `=`
/// (it separates `NAME=URL` and `NAME=PATH`), not starting with `-` or a space (it would read as
/// an option, or vanish), and not `.` or `..`. Anything else (`/`, spaces, quotes, Unicode) is
/// allowed: names are escaped wherever they are written, and [`dir_name`] makes file names.
pub fn check_name(name: &str) -> Result<(), StoreError> {
    let bad = |reason| {
        Err(StoreError::BadName {
            name: name.to_string(),
            reason,
        })
    };
    if name.is_empty() {
        return bad("a name cannot be empty");
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return bad("a name has at most 200 characters");
    }
    if name.chars().any(char::is_control) {
        return bad("a name cannot hold control characters");
    }
    if name.contains('=') {
        return bad("a name cannot hold '='");
    }
    if name.starts_with('-') || name.starts_with(char::is_whitespace) {
        return bad("a name cannot start with '-' or a space");
    }
    if name == "." || name == ".." {
        return bad("a name cannot be '.' or '..'");
    }
    Ok(())
}

/// The directory name for a repository name, one-to-one: ASCII letters, digits and `-` stand for
/// themselves, as does `.` after the first character; every other byte (of the name's UTF-8,
/// `_` included) is written `_XX` in hex. So no two names share a directory (`x y` is `x_20y`,
/// the literal `x_20y` is `x_5f20y`), none is `.` or `..` or starts with `.`, and `moby` stays
/// `moby`. A name whose form is longer than 120 bytes keeps its first 100 and a 128-bit hash of
/// the whole name after a `~` (which no short form holds).
pub fn dir_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, b) in name.bytes().enumerate() {
        if b.is_ascii_alphanumeric() || b == b'-' || (b == b'.' && i > 0) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    if out.is_empty() {
        // No other name gives `_` alone: `_` itself is `_5f`.
        return "_".to_string();
    }
    if out.len() > 120 {
        let reversed: Vec<u8> = name.bytes().rev().collect();
        let mut cut = 100;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out = format!(
            "{}~{:016x}{:016x}",
            &out[..cut],
            crate::text::fnv1a(name.as_bytes()),
            crate::text::fnv1a(&reversed)
        );
    }
    out
}

/// The directory name an earlier temper gave a repository name (safe characters kept, the rest
/// `_`, a 32-bit hash suffix whenever that changed anything): stores made then are still read.
pub(super) fn legacy_dir_name(name: &str) -> String {
    let mut safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    safe = safe.trim_start_matches('.').to_string();
    safe.truncate(64);
    if safe != name || safe.is_empty() {
        safe = format!("{safe}-{:08x}", crate::text::fnv1a(name.as_bytes()) as u32);
    }
    safe
}
