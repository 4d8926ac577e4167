//! Commit headers read as git reads them: leniently.
//!
//! Imported histories hold commits whose author or committer lines are malformed (a time that
//! is not a number, a missing `<` or `>`, no time zone, two author lines, no author at all).
//! git reads them (`git fsck` only warns), so temper must too: a commit is dropped only when its
//! `tree` or a `parent` line is unusable, which git cannot read either. Identity lines follow
//! git's `split_ident_line`: the name runs to the first `<`, the e-mail to the next `>`, the
//! time is the digits after the last `>`; a line without `<` or `>` has no name and no e-mail,
//! a line without a time has time 0 (an implausible date, reported as such). The first author
//! and committer lines count, as in git. Names and e-mails are decoded by the commit's
//! `encoding` header (git re-encodes them to UTF-8 for `git log`); without one they are UTF-8.
//!
//! Every field that git had to read leniently is counted ([`Header::malformed`]) so the
//! `data_quality` table can say how many commits had them.

use gix::ObjectId;

/// One identity line, as far as it could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub email: String,
    /// Unix seconds; 0 when the line has no readable time.
    pub time: i64,
}

/// The fields of a commit header temper uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    pub author: Ident,
    pub committer: Ident,
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
    let mut malformed = 0u8;
    for line in data[..header_end].split(|&b| b == b'\n') {
        if let Some(hex) = line.strip_prefix(b"tree ") {
            if tree.is_some() {
                return None;
            }
            tree = Some(object_id(hex, hash)?);
        } else if let Some(hex) = line.strip_prefix(b"parent ") {
            parents.push(object_id(hex, hash)?);
        } else if let Some(rest) = line.strip_prefix(b"author ") {
            if author.is_some() {
                malformed += 1;
            } else {
                author = Some(rest);
            }
        } else if let Some(rest) = line.strip_prefix(b"committer ") {
            if committer.is_some() {
                malformed += 1;
            } else {
                committer = Some(rest);
            }
        } else if let Some(label) = line.strip_prefix(b"encoding ") {
            encoding = encoding_rs::Encoding::for_label(label.trim_ascii());
        }
    }
    let mut read = |line: Option<&[u8]>| match line.map(split_ident) {
        Some((ident, ok)) => {
            malformed += u8::from(!ok);
            decode(ident, encoding)
        }
        None => {
            malformed += 1;
            Ident {
                name: String::new(),
                email: String::new(),
                time: 0,
            }
        }
    };
    let author = read(author);
    let committer = read(committer);
    Some(Header {
        tree: tree?,
        parents,
        author,
        committer,
        malformed,
    })
}

fn object_id(hex: &[u8], hash: gix::hash::Kind) -> Option<ObjectId> {
    (hex.len() == hash.len_in_hex())
        .then(|| ObjectId::from_hex(hex).ok())
        .flatten()
}

/// An identity line's raw parts, and whether it was well formed.
struct RawIdent<'a> {
    name: &'a [u8],
    email: &'a [u8],
    time: i64,
}

/// git's `split_ident_line`, with the time read as `%at` would read it.
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
    // The time follows the last '>' (an e-mail with a stray '>' does not shift it).
    let last_gt = memchr::memrchr(b'>', line).unwrap_or(gt);
    let rest = line[last_gt + 1..].trim_ascii_start();
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let time = std::str::from_utf8(&rest[..digits])
        .ok()
        .and_then(|d| d.parse::<i64>().ok());
    let zone = rest[digits..].trim_ascii_start();
    let zone_ok = zone.len() == 5
        && matches!(zone[0], b'+' | b'-')
        && zone[1..].iter().all(u8::is_ascii_digit);
    (
        RawIdent {
            name,
            email,
            time: time.unwrap_or(0),
        },
        time.is_some() && zone_ok,
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
        assert_eq!((h.author.time, h.committer.time), (1600000000, 1600000100));
        assert_eq!(h.malformed, 0);
    }

    #[test]
    fn malformed_identities_are_read_as_git_reads_them() {
        let h = parsed(&[
            b"author A <a@example.org> notanumber +0000",
            b"committer C <c@example.org> 1600000100 +zone",
        ]);
        assert_eq!((h.author.time, h.committer.time), (0, 1600000100));
        assert_eq!(h.author.email, "a@example.org");
        assert_eq!(h.malformed, 2);

        let h = parsed(&[
            b"author A a@example.org> 1600000000 +0000",
            b"author B <b@example.org> 1600000000 +0000",
            b"committer C <c@example.org 1600000100 +0000",
        ]);
        assert_eq!((h.author.name.as_str(), h.author.email.as_str()), ("", ""));
        assert_eq!(h.committer.time, 0);
        assert_eq!(h.malformed, 3);

        let h = parsed(&[]);
        assert_eq!(h.malformed, 2);
        assert_eq!(h.committer.time, 0);
    }

    #[test]
    fn declared_encoding_decodes_names() {
        let h = parsed(&[
            b"author caf\xe9 <caf\xe9@example.org> 1600000000 +0000",
            b"committer caf\xe8 <caf\xe8@example.org> 1600000000 +0000",
            b"encoding ISO-8859-1",
        ]);
        assert_eq!(h.author.email, "caf\u{e9}@example.org");
        assert_eq!(h.committer.email, "caf\u{e8}@example.org");
    }

    #[test]
    fn unreadable_tree_or_parent_is_rejected() {
        assert!(parse(b"tree nothex\n\n", gix::hash::Kind::Sha1).is_none());
        assert!(parse(b"parent 11\n\n", gix::hash::Kind::Sha1).is_none());
        let no_tree = b"author A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nm\n";
        assert!(parse(no_tree, gix::hash::Kind::Sha1).is_none());
    }
}
