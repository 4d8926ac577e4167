//! Text from a repository is data: names, paths, e-mail addresses and messages are escaped for
//! whatever they are written into, in one place.
//!
//! - HTML: the five characters with a meaning ([`html`]).
//! - Markdown: the characters that can open markup are backslash-escaped (CommonMark renders
//!   `\[` as `[`), and line breaks become spaces, so a repository named
//!   `[x](javascript:alert(3))` or `<script>` is shown as text, never as a link or a tag, and a
//!   `|` cannot split a table cell ([`markdown`]).
//! - The terminal: control characters (escape sequences, NUL, carriage returns) are shown
//!   escaped (`\u{1b}`), and text longer than a screen is cut with an ellipsis ([`terminal`]).
//! - XML (SVG): characters XML 1.0 cannot hold are replaced ([`xml_safe`]).
//! - CSV: a cell a spreadsheet would read as a formula is prefixed with `'`
//!   ([`neutralise_cell`]).
//!
//! Also the small text helpers every output shares: thousands separators, padding, one-pass
//! template filling, and the FNV-1a fingerprint of stored keys and file names ([`fnv1a`]).

/// Prefixes `'` to text cells a spreadsheet would read as a formula.
pub fn neutralise_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// `text` escaped for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` escaped for Markdown inline text (a paragraph or a table cell): the characters that
/// can open a link, an image, inline HTML, an entity, code, emphasis, strikethrough or a table
/// cell are backslash-escaped; `_` only at a word's edge, so `snake_case` stays readable.
///
/// GitHub's renderer also makes links of bare text (the GFM autolink extension): `www.` and
/// `scheme://` lose their trigger to a backslash (`www\.`, `https\://`), but an e-mail address
/// is linked even with its characters escaped, so a word joiner (U+2060, invisible) follows each
/// `@`. Checked against cmark-gfm, GitHub's own renderer (tests/hostile.rs).
pub fn markdown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &ch) in chars.iter().enumerate() {
        let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric());
        let after_www = i >= 3
            && chars[i - 3..i].iter().all(|c| c.eq_ignore_ascii_case(&'w'))
            && !word(i.checked_sub(4).and_then(|j| chars.get(j)));
        match ch {
            '.' if after_www => out.push_str("\\."),
            ':' if chars.get(i + 1) == Some(&'/') => out.push_str("\\:"),
            '@' => out.push_str("@\u{2060}"),
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '&' | '|' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '_' if !(word(i.checked_sub(1).and_then(|j| chars.get(j)))
                && word(chars.get(i + 1))) =>
            {
                out.push_str("\\_");
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Characters shown of one text cell on a terminal before it is cut.
pub const TERMINAL_CELL_CHARS: usize = 200;

/// `text` safe to print on a terminal: control characters escaped, cut to `max` characters
/// (with `…`).
pub fn terminal(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, ch) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if ch.is_control() {
            out.extend(ch.escape_default());
        } else {
            out.push(ch);
        }
    }
    out
}

/// `cell` padded with spaces to `width` characters, on the left when `right` (numbers), else on
/// the right. Safe for any width (`format!`'s own width stops at 65,535).
pub fn pad(cell: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(cell.chars().count()));
    if right {
        fill + cell
    } else {
        format!("{cell}{fill}")
    }
}

/// `rows` (the header first) as lines of aligned columns, two spaces apart, trailing spaces
/// trimmed; a column is padded on the left where `right[j]` (numbers). Cells must already be
/// safe for a terminal.
pub fn aligned<R: AsRef<[String]>>(rows: &[R], right: &[bool]) -> Vec<String> {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (j, cell) in row.as_ref().iter().enumerate() {
            let n = cell.chars().count();
            match widths.get_mut(j) {
                Some(w) => *w = (*w).max(n),
                None => widths.push(n),
            }
        }
    }
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .as_ref()
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(j, (c, w))| pad(c, *w, right.get(j).copied().unwrap_or(false)))
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `text` with the characters XML 1.0 cannot hold (controls other than tab, newline and carriage
/// return) replaced by U+FFFD.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Fills `{{name}}` placeholders of `template` from `values` in one pass: inserted text is never
/// read again, so a value holding `{{charts}}` stays as it is. An unknown placeholder is kept.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, end))
        });
        match value {
            Some((v, end)) => {
                out.push_str(v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Unix seconds as RFC 3339 UTC (`2026-11-30T03:40:00Z`), as the JSON outputs give times.
pub fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map_or_else(
        || unix.to_string(),
        |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// FNV-1a, for short stable fingerprints (not for security).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_extend(FNV1A_START, bytes)
}

/// FNV-1a's starting state: [`fnv1a`] of nothing.
pub const FNV1A_START: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a state `hash` carried on over `bytes`: the hash of a file written in pieces, as
/// [`fnv1a`] of the whole would give it.
pub fn fnv1a_extend(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The Levenshtein distance between `a` and `b`, in characters (for "did you mean"), by the
/// crate clap's own suggestions use.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_in_pieces_is_fnv1a_of_the_whole() {
        let bytes = b"temper mines git repositories";
        let (a, b) = bytes.split_at(11);
        assert_eq!(fnv1a_extend(fnv1a_extend(FNV1A_START, a), b), fnv1a(bytes));
        // The published FNV-1a 64 value of "a".
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn markdown_shows_markup_as_text() {
        assert_eq!(
            markdown("[x](javascript:alert(3))"),
            "\\[x\\](javascript:alert(3))"
        );
        assert_eq!(markdown("<script>|a\nb"), "\\<script\\>\\|a b");
        assert_eq!(markdown("cloud-hypervisor 1.5"), "cloud-hypervisor 1.5");
        assert_eq!(markdown("last_month _x_ &lt;"), "last_month \\_x\\_ \\&lt;");
        // No GFM autolink trigger survives: www., scheme://, an address's @.
        assert_eq!(
            markdown("WWW.evil.com https://x.io a@b.co awww.x"),
            "WWW\\.evil.com https\\://x.io a@\u{2060}b.co awww.x"
        );
    }

    #[test]
    fn terminal_escapes_and_cuts() {
        assert_eq!(terminal("a\u{1b}[31mb\0", 100), "a\\u{1b}[31mb\\u{0}");
        assert_eq!(terminal(&"x".repeat(70_000), 3), "xxx…");
    }

    #[test]
    fn fill_is_one_pass() {
        let t = "# {{projects}}\n{{sections}}\n{{charts}} {{unknown}}";
        let got = fill(
            t,
            &[
                ("projects", "{{charts}}"),
                ("sections", "S"),
                ("charts", "C"),
            ],
        );
        assert_eq!(got, "# {{charts}}\nS\nC {{unknown}}");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(57_533), "57,533");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn xml_safe_replaces_controls() {
        assert_eq!(xml_safe("a\u{1}b\tc"), "a\u{fffd}b\tc");
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("moby", "moby"), 0);
        assert_eq!(edit_distance("mby", "moby"), 1);
        assert_eq!(edit_distance("xen", "runc"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
