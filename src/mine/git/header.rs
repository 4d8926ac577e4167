//! Commit headers read as git reads them: leniently.
//!
//! Imported histories hold commits whose author or committer lines are malformed (a time that
//! is not a number, a missing `<` or `>`, no time zone, two author lines, no author at all).
//! git reads them (`git fsck` only warns), so temper must too: a commit is dropped only when its
//! `tree` or a `parent` line is unusable, which git cannot read either. Identity lines follow
//! git's `split_ident_line`: the name runs to the first `<`, the e-mail to the next `>`, the
//! time is the digits after the last `>`, followed by a `+`/`-` zone; a line without `<` or `>`
//! has no name and no e-mail, a line without a time or zone has time 0 (an implausible date,
//! reported as such), as `git log --format=%at` shows none. As in `git log`, the last author
//! line counts; the commit date is git's `parse_commit_date` (the committer line right after
//! the author line, else 0). Names and e-mails are decoded by the commit's
//! `encoding` header (git re-encodes them to UTF-8 for `git log`); without one they are UTF-8.
//!
//! Every field that git had to read leniently is counted ([`Header::malformed`]) so the
//! `data_quality` table can say how many commits had them.

use gix::ObjectId;

/// One identity line, as far as it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ident {
    /// Up to the first `<`, decoded by the commit's `encoding`; empty when the line lacks `<` or
    /// `>`.
    pub name: String,
    /// Between the `<` and the next `>`, as written (not lower-cased); empty as for `name`.
    pub email: String,
    /// Unix seconds; 0 when the line has no readable time.
    pub time: i64,
}

/// The fields of a commit header temper uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The commit's root tree.
    pub tree: ObjectId,
    /// Its parents in header order, the first parent first (none for a root commit).
    pub parents: Vec<ObjectId>,
    /// The last author line, as `git log` reads it (all empty without one).
    pub author: Ident,
    /// git's commit date (what `--before` and `--date-order` use); 0 when git reads none.
    pub committer_time: i64,
    /// Identity fields git had to read leniently: a missing, repeated or unparsable author or
    /// committer line, or a time that is not a number. 0 for a well-formed commit.
    pub malformed: u8,
}

/// Parses a commit object's header; `None` when its tree or a parent cannot be read (git
/// rejects such a commit as well).
pub fn parse(data: &[u8], hash: gix::hash::Kind) -> Option<Header> {
    let header_end = memchr::memmem::find(data, b"\n\n").map_or(data.len(), |i| i + 1);
    let mut tree = None;
    let mut parents = Vec::with_capacity(1);
    let (mut author, mut committer, mut encoding) = (None, None, None);
    let (mut authors, mut committers) = (0u8, 0u8);
    // git's commit date (`parse_commit_date`): the line after the parents must be an author
    // line and the one after it a committer line, else the date is 0.
    let mut lines = data[..header_end].split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next_if(|l| l.starts_with(b"tree ") || l.starts_with(b"parent ")) {
        if let Some(hex) = line.strip_prefix(b"tree ") {
            if tree.replace(object_id(hex, hash)?).is_some() {
                return None;
            }
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(object_id(hex, hash)?);
        }
    }
    let mut position = 0;
    let mut commit_date_line = None;
    for line in lines {
        position += 1;
        if let Some(rest) = line.strip_prefix(b"author ") {
            // git's `%an`/`%ae` read the last author line.
            authors += 1;
            author = Some(rest);
        } else if let Some(rest) = line.strip_prefix(b"committer ") {
            committers += 1;
            if committer.is_none() {
                committer = Some(rest);
                if position == 2 && authors == 1 {
                    commit_date_line = Some(rest);
                }
            }
        } else if let Some(label) = line.strip_prefix(b"encoding ") {
            encoding = encoding_rs::Encoding::for_label(label.trim_ascii());
        }
    }
    let mut malformed = u8::from(authors != 1) + u8::from(committers != 1);
    let author = match author.map(split_ident) {
        Some((ident, ok)) => {
            malformed += u8::from(!ok);
            decode(ident, encoding)
        }
        None => Ident::default(),
    };
    if let Some((_, ok)) = committer.map(split_ident) {
        malformed += u8::from(!ok);
    }
    Some(Header {
        tree: tree?,
        parents,
        author,
        committer_time: commit_date_line.map_or(0, commit_date),
        malformed,
    })
}

/// The time of an identity line (a tagger line), read as [`parse`] reads author lines.
pub fn ident_time(line: &[u8]) -> i64 {
    split_ident(line).0.time
}

fn object_id(hex: &[u8], hash: gix::hash::Kind) -> Option<ObjectId> {
    (hex.len() == hash.len_in_hex())
        .then(|| ObjectId::from_hex(hex).ok())
        .flatten()
}

/// git's commit date from a committer line: the number after its last `>` (0 without one).
fn commit_date(line: &[u8]) -> i64 {
    let Some(gt) = memchr::memrchr(b'>', line) else {
        return 0;
    };
    leading_number(line[gt + 1..].trim_ascii_start()).unwrap_or(0)
}

/// The decimal number at the start of `bytes`.
fn leading_number(bytes: &[u8]) -> Option<i64> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&bytes[..digits]).ok()?.parse().ok()
}

/// An identity line's raw parts.
struct RawIdent<'a> {
    name: &'a [u8],
    email: &'a [u8],
    time: i64,
}

/// git's `split_ident_line`, with the time as `%at` reads it, and whether the line is well
/// formed. Without `<` or `>` git shows no name, no e-mail and no date; without a number and a
/// `+`/`-` zone after the last `>` it shows the person but no date (time 0 here).
fn split_ident(line: &[u8]) -> (RawIdent<'_>, bool) {
    let empty = RawIdent {
        name: b"",
        email: b"",
        time: 0,
    };
    let Some(lt) = memchr::memchr(b'<', line) else {
        return (empty, false);
    };
    let Some(gt) = memchr::memchr(b'>', &line[lt + 1..]).map(|i| lt + 1 + i) else {
        return (empty, false);
    };
    let name = line[..lt].trim_ascii_end();
    let email = &line[lt + 1..gt];
    // The date follows the last '>' (an e-mail with a stray '>' does not shift it).
    let last_gt = memchr::memrchr(b'>', line).unwrap_or(gt);
    let rest = line[last_gt + 1..].trim_ascii_start();
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let zone = rest[digits..].trim_ascii_start();
    let zone_ok =
        matches!(zone.first(), Some(b'+' | b'-')) && zone.get(1).is_some_and(u8::is_ascii_digit);
    let time = leading_number(rest).filter(|_| zone_ok);
    let strict_zone = zone.len() == 5 && zone[1..].iter().all(u8::is_ascii_digit);
    (
        RawIdent {
            name,
            email,
            time: time.unwrap_or(0),
        },
        time.is_some() && strict_zone && last_gt == gt,
    )
}

fn decode(raw: RawIdent<'_>, encoding: Option<&'static encoding_rs::Encoding>) -> Ident {
    let text = |bytes: &[u8]| match encoding {
        Some(e) if e != encoding_rs::UTF_8 => e.decode_without_bom_handling(bytes).0.into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    };
    Ident {
        name: text(raw.name),
        email: text(raw.email),
        time: raw.time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    const PARENT: &str = "1111111111111111111111111111111111111111";

    fn commit(lines: &[&[u8]]) -> Vec<u8> {
        let mut out = format!("tree {TREE}\nparent {PARENT}\n").into_bytes();
        for l in lines {
            out.extend_from_slice(l);
            out.push(b'\n');
        }
        out.extend_from_slice(b"\nmessage\n");
        out
    }

    fn parsed(lines: &[&[u8]]) -> Header {
        parse(&commit(lines), gix::hash::Kind::Sha1).expect("tree and parent are well formed")
    }

    // The expectations are what `git log --format='%an|%aE|%at|%ct'` prints for such commits
    // (tests/fixtures/make_hostile.sh builds them for the integration tests).
    #[test]
    fn well_formed() {
        let h = parsed(&[
            b"author A U Thor <a@example.org> 1600000000 +0200",
            b"committer C <c@example.org> 1600000100 -0700",
        ]);
        assert_eq!(h.tree.to_string(), TREE);
        assert_eq!(h.parents.len(), 1);
        assert_eq!(h.author.name, "A U Thor");
        assert_eq!(h.author.email, "a@example.org");
        assert_eq!((h.author.time, h.committer_time), (1600000000, 1600000100));
        assert_eq!(h.malformed, 0);
    }

    #[test]
    fn malformed_identities_are_read_as_git_reads_them() {
        let ok: &[u8] = b"committer C <c@example.org> 1600000100 +0000";
        let h = parsed(&[b"author A <a@example.org> notanumber +0000", ok]);
        assert_eq!((h.author.time, h.committer_time), (0, 1600000100));
        assert_eq!(h.author.email, "a@example.org");
        assert_eq!(h.malformed, 1);

        let h = parsed(&[b"author A <a@example.org> 1600000000 +zone", ok]);
        assert_eq!(
            (h.author.email.as_str(), h.author.time),
            ("a@example.org", 0)
        );

        let h = parsed(&[b"author A a@example.org> 1600000000 +0000", ok]);
        assert_eq!((h.author.name.as_str(), h.author.email.as_str()), ("", ""));
        assert_eq!(h.malformed, 1);

        let h = parsed(&[
            b"author A <a@example.org> 1600000000 +0000",
            b"author B <b@example.org> 1600000050 +0000",
            ok,
        ]);
        assert_eq!(
            (h.author.email.as_str(), h.author.time),
            ("b@example.org", 1600000050)
        );
        // git's commit date needs the committer line right after the one author line.
        assert_eq!((h.committer_time, h.malformed), (0, 1));

        let h = parsed(&[ok]);
        assert_eq!(
            (h.author.email.as_str(), h.committer_time, h.malformed),
            ("", 0, 1)
        );
        let h = parsed(&[b"author A <a@example.org> 1600000000 +0000"]);
        assert_eq!(
            (h.author.time, h.committer_time, h.malformed),
            (1600000000, 0, 1)
        );

        let h = parsed(&[b"author S <s>t@example.org> 1600000000 +0000", ok]);
        assert_eq!((h.author.email.as_str(), h.author.time), ("s", 1600000000));
        assert_eq!(h.malformed, 1);
    }

    #[test]
    fn declared_encoding_decodes_names() {
        let h = parsed(&[
            b"author caf\xe9 <caf\xe9@example.org> 1600000000 +0000",
            b"committer caf\xe8 <caf\xe8@example.org> 1600000000 +0000",
            b"encoding ISO-8859-1",
        ]);
        assert_eq!(h.author.email, "caf\u{e9}@example.org");
        assert_eq!(h.author.name, "caf\u{e9}");
    }

    #[test]
    fn unreadable_tree_or_parent_is_rejected() {
        assert!(parse(b"tree nothex\n\n", gix::hash::Kind::Sha1).is_none());
        let bad_parent = format!("tree {TREE}\nparent 11\n\n");
        assert!(parse(bad_parent.as_bytes(), gix::hash::Kind::Sha1).is_none());
        let no_tree = b"author A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nm\n";
        assert!(parse(no_tree, gix::hash::Kind::Sha1).is_none());
    }
}
