//! What a commit object says about how the change was reviewed, signed, fixed and merged, read
//! in the same pass that reads its header.
//!
//! - **Signed**: the commit carries a `gpgsig` (or `gpgsig-sha256`) header. The signature is not
//!   verified: a signed commit is evidence of a signing workflow, not of who signed.
//! - **Trailers** are found as git finds them (`trailer.c`, what `git log
//!   --format=%(trailers)` prints): the last paragraph of the message, after the title, once
//!   trailing comment lines and an old `Conflicts:` block are set aside, is a trailer block when
//!   all its lines are `Token: value` lines (a token is letters, digits and `-`) or their
//!   indented continuations, or when it holds a git-generated one (`Signed-off-by: `,
//!   `(cherry picked from commit `) and at least a quarter of its lines are trailers. Tokens
//!   compare case-insensitively.
//! - **Reviewed**: a `Reviewed-by`, `Acked-by` or Gerrit `Reviewed-on` trailer, or a Phabricator
//!   `Differential Revision:` line (git does not take that one for a trailer: its token has a
//!   space).
//! - **Pull-request merge**: a subject `Merge pull request #N ...` (GitHub) or a line `See merge
//!   request GROUP/PROJECT!N` (GitLab).
//! - **Pull-request subject**: a subject ending in `(#N)`, what GitHub writes when it squashes a
//!   pull request into one commit (its default squash title).
//! - **Pull-request copy**: the commit has the author (name and e-mail), author time and subject
//!   of a commit of a pull-request ref that the analysed ref does not reach (see
//!   [`super::pulls`]): a pull request landed by "rebase and merge" or by hand. Set by the walk,
//!   which knows the pull-request refs; a plain read leaves it false.
//! - **Advisories**: ids mentioned anywhere in the message, as whole words, case-insensitively:
//!   `CVE-YYYY-NNNN...`, `GHSA-xxxx-xxxx-xxxx`, `XSA-N`, `RUSTSEC-YYYY-NNNN`, and the user's own
//!   patterns ([`AdvisoryRule::new`], `analyze --advisory-pattern`), upper-cased, each once per
//!   commit.
//! - **Fixes**: the commit ids named by `Fixes:` trailers (the first word of the value, 7 to 40
//!   hex digits).
//! - **Fuzzer credit**: the message credits a fuzzer with what it fixes: "found (caught,
//!   detected, discovered, reported, uncovered, spotted, triggered) by/with/using/via" followed
//!   within three words by a fuzzer (`fuzz…`, syzkaller, syzbot, OSS-Fuzz, ClusterFuzz, AFL,
//!   libFuzzer, honggfuzz), "the fuzzer found/hit/triggered/reported", or a `Reported-by:`
//!   trailer naming syzbot or OSS-Fuzz.
//! - **Bump subject**: the subject says `bump`, `update`, `upgrade` or `vendor` (a dependency
//!   update rather than the project's own fix, together with what the change touches).

use std::sync::LazyLock;

use regex::Regex;

/// The evidence of one commit (all empty or false for a plain commit).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// A `gpgsig` or `gpgsig-sha256` header (the signature is not verified).
    pub signed: bool,
    /// A `Reviewed-by`, `Acked-by` or `Reviewed-on` trailer, or a `Differential Revision:` line.
    pub reviewed: bool,
    /// A `Tested-by` trailer.
    pub tested: bool,
    /// A `Reported-by` trailer.
    pub reported: bool,
    /// `Signed-off-by` trailers (the DCO sign-off, not a cryptographic signature).
    pub signed_off: bool,
    /// A pull-request merge: a GitHub `Merge pull request #N` subject or a GitLab `See merge
    /// request` line.
    pub pr_merge: bool,
    /// A subject ending in `(#N)`: GitHub's squash of pull request N.
    pub pr_subject: bool,
    /// A copy of a pull-request ref's commit (same author, author time and subject).
    pub pr_ref: bool,
    /// The message credits a fuzzer with what the commit fixes.
    pub fuzz_credit: bool,
    /// `Co-authored-by` trailers.
    pub co_authors: u16,
    /// Their values, `Name <e-mail>` (the walk resolves them to identities; not stored).
    pub co_author_values: Vec<String>,
    /// Advisory ids mentioned, upper-cased, sorted, each once.
    pub advisories: Vec<String>,
    /// Abbreviated or full commit ids named by `Fixes:` trailers, lower-cased.
    pub fixes: Vec<String>,
    /// The subject says bump, update, upgrade or vendor (a dependency update).
    pub bump_subject: bool,
}

impl Evidence {
    /// The flags and co-author count as one number, for the stored walk.
    pub fn flags(&self) -> u32 {
        let bits = [
            self.signed,
            self.reviewed,
            self.tested,
            self.reported,
            self.signed_off,
            self.pr_merge,
            self.bump_subject,
            self.pr_subject,
            self.pr_ref,
            self.fuzz_credit,
        ];
        let flags = bits
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << i));
        flags | (u32::from(self.co_authors) << 16)
    }

    /// Back from [`Evidence::flags`] and the stored space-separated lists.
    pub fn from_parts(flags: u32, advisories: &str, fixes: &str) -> Evidence {
        let bit = |i: u32| flags & (1 << i) != 0;
        let list = |text: &str| text.split_whitespace().map(str::to_string).collect();
        Evidence {
            signed: bit(0),
            reviewed: bit(1),
            tested: bit(2),
            reported: bit(3),
            signed_off: bit(4),
            pr_merge: bit(5),
            bump_subject: bit(6),
            pr_subject: bit(7),
            pr_ref: bit(8),
            fuzz_credit: bit(9),
            co_authors: (flags >> 16) as u16,
            co_author_values: Vec::new(),
            advisories: list(advisories),
            fixes: list(fixes),
        }
    }
}

/// The built-in advisory id patterns.
const BUILTIN_ADVISORIES: &str =
    r"CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|XSA-\d+|RUSTSEC-\d{4}-\d{4}";

/// Which words of a message are advisory ids: the built-in patterns and the user's.
#[derive(Debug, Clone)]
pub struct AdvisoryRule {
    regex: Regex,
    extra: Vec<String>,
}

impl AdvisoryRule {
    /// The built-in patterns plus `extra` ones (regular expressions, e.g. `OSV-\d{4}-\d+` or
    /// `PYSEC-\d{4}-\d+`), matched as whole words, case-insensitively.
    pub fn new(extra: &[String]) -> Result<AdvisoryRule, regex::Error> {
        for pattern in extra {
            Regex::new(pattern)?;
        }
        let alternatives: String = extra.iter().map(|p| format!("|(?:{p})")).collect();
        Ok(AdvisoryRule {
            regex: Regex::new(&format!(r"(?i)\b(?:{BUILTIN_ADVISORIES}{alternatives})\b"))?,
            extra: extra.to_vec(),
        })
    }

    /// What the stored tables depend on: the user's patterns (empty for the built-in rule).
    pub fn key(&self) -> String {
        self.extra.join("\u{1f}")
    }

    /// The ids in `message`, upper-cased, sorted, each once.
    pub fn ids(&self, message: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .regex
            .find_iter(message)
            .map(|m| m.as_str().to_ascii_uppercase())
            .filter(|id| !id.is_empty())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

impl Default for AdvisoryRule {
    fn default() -> AdvisoryRule {
        AdvisoryRule::new(&[]).expect("the built-in advisory patterns are valid")
    }
}

static BUMP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(bump|bumps|bumped|update|updates|updated|upgrade|upgrades|vendor|vendored|revendor)\b").ok()
});

static FUZZ_CREDIT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let fuzzer = r"(?:fuzz\w*|syzkaller|syzbot|oss-fuzz|clusterfuzz\w*|afl\+*|libfuzzer|honggfuzz)";
    Regex::new(&format!(
        r"(?im)\b(?:found|caught|detected|discovered|reported|uncovered|spotted|triggered)\s+(?:by|with|using|via|through)\s+(?:[\w+-]+\s+){{0,3}}?{fuzzer}\b|\bthe\s+fuzzer\s+(?:found|hit|triggered|reported)\b|^reported-by:.*\b(?:syzbot|oss-fuzz)\b"
    ))
    .ok()
});

static PR_SUBJECT: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\(#\d+\)\s*$").ok());

static PR_MERGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?m)\A\s*Merge pull request #\d+|^See merge request \S+!\d+\s*$").ok()
});

/// The evidence in a commit object's bytes (header and message).
pub fn read(data: &[u8], advisories: &AdvisoryRule) -> Evidence {
    let split = memchr::memmem::find(data, b"\n\n");
    let header = &data[..split.unwrap_or(data.len())];
    let message = split.map_or(&[][..], |i| &data[i + 2..]);
    let message = String::from_utf8_lossy(message);
    let signed = header
        .split(|&b| b == b'\n')
        .any(|l| l.starts_with(b"gpgsig ") || l.starts_with(b"gpgsig-sha256 "));
    let mut out = Evidence {
        signed,
        ..Evidence::default()
    };
    let subject = message.lines().next().unwrap_or("");
    out.bump_subject = BUMP.as_ref().is_some_and(|r| r.is_match(subject));
    out.pr_merge = PR_MERGE.as_ref().is_some_and(|r| r.is_match(&message));
    out.pr_subject = PR_SUBJECT.as_ref().is_some_and(|r| r.is_match(subject));
    out.fuzz_credit = FUZZ_CREDIT.as_ref().is_some_and(|r| r.is_match(&message));
    out.advisories = advisories.ids(&message);
    out.reviewed = message
        .lines()
        .any(|l| l.starts_with("Differential Revision:"));
    for (token, value) in trailers(&message) {
        match token.to_ascii_lowercase().as_str() {
            "reviewed-by" | "acked-by" | "reviewed-on" => out.reviewed = true,
            "tested-by" => out.tested = true,
            "reported-by" => out.reported = true,
            "signed-off-by" => out.signed_off = true,
            "co-authored-by" => {
                out.co_authors = out.co_authors.saturating_add(1);
                out.co_author_values.push(value.to_string());
            }
            "fixes" => {
                let id = value.split_whitespace().next().unwrap_or("");
                if (7..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    out.fixes.push(id.to_ascii_lowercase());
                }
            }
            _ => {}
        }
    }
    out
}

/// The trailers of a commit message, as (token, value), in order (see the module documentation).
pub fn trailers(message: &str) -> Vec<(&str, &str)> {
    // git starts at the subject: blank lines before it are skipped.
    let lines: Vec<&str> = message
        .lines()
        .skip_while(|l| l.trim_ascii().is_empty())
        .collect();
    let end = lines.len() - ignored_tail(&lines);
    // The first paragraph is the title and cannot hold trailers.
    let title_end = lines
        .iter()
        .position(|l| l.trim_ascii().is_empty())
        .unwrap_or(lines.len());
    let Some(start) = block_start(&lines[..end], title_end) else {
        return Vec::new();
    };
    lines[start..end]
        .iter()
        .filter_map(|l| {
            let at = separator(l)?;
            Some((l[..at].trim_end(), l[at + 1..].trim()))
        })
        .collect()
}

/// git's `find_trailer_block_start`: the first line of the trailer block, if there is one.
fn block_start(lines: &[&str], title_end: usize) -> Option<usize> {
    let (mut trailers, mut others, mut continuations) = (0usize, 0usize, 0usize);
    let mut recognised = false;
    let mut only_spaces = true;
    for i in (title_end..lines.len()).rev() {
        let line = lines[i];
        if line.starts_with('#') {
            others += continuations;
            continuations = 0;
            continue;
        }
        if line.trim_ascii().is_empty() {
            if only_spaces {
                continue;
            }
            others += continuations;
            let block = (recognised && trailers * 3 >= others) || (trailers > 0 && others == 0);
            return block.then_some(i + 1);
        }
        only_spaces = false;
        if line.starts_with("Signed-off-by: ") || line.starts_with("(cherry picked from commit ") {
            trailers += 1;
            continuations = 0;
            recognised = true;
            continue;
        }
        let starts_blank = line.starts_with([' ', '\t']);
        if separator(line).is_some_and(|at| at >= 1) && !starts_blank {
            trailers += 1;
            continuations = 0;
        } else if starts_blank {
            continuations += 1;
        } else {
            others += 1 + continuations;
            continuations = 0;
        }
    }
    None
}

/// git's `find_separator` for the default separator `:`: a token of letters, digits and `-`,
/// optionally followed by spaces, then `:`.
fn separator(line: &str) -> Option<usize> {
    let mut whitespace = false;
    for (i, c) in line.char_indices() {
        if c == ':' {
            return Some(i);
        }
        if !whitespace && (c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        if i > 0 && (c == ' ' || c == '\t') {
            whitespace = true;
            continue;
        }
        return None;
    }
    None
}

/// git's `ignored_log_message_bytes`: how many lines at the end are a run of comment or blank
/// lines, or an old `Conflicts:` block with its tab-indented paths.
fn ignored_tail(lines: &[&str]) -> usize {
    let mut run_start: Option<usize> = None;
    let mut in_conflicts = false;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            run_start.get_or_insert(i);
        } else if *line == "Conflicts:" {
            in_conflicts = true;
            run_start.get_or_insert(i);
        } else if in_conflicts && line.starts_with('\t') {
        } else if run_start.is_some() {
            run_start = None;
            in_conflicts = false;
        }
    }
    run_start.map_or(0, |s| lines.len() - s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(message: &str) -> Vec<u8> {
        format!("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\n{message}").into_bytes()
    }

    #[test]
    fn trailers_as_git_finds_them() {
        fn t(m: &str) -> Vec<(&str, &str)> {
            trailers(m)
        }
        assert_eq!(
            t("Fix it\n\nBody.\n\nReviewed-by: B <b@x>\nSigned-off-by: A <a@x>\n"),
            [("Reviewed-by", "B <b@x>"), ("Signed-off-by", "A <a@x>")]
        );
        // The title alone is never trailers.
        assert!(t("Fixes: abc\n").is_empty());
        // A paragraph of prose with one trailer-looking line is not a block...
        assert!(t("T\n\nThis: is prose\nand more prose\n").is_empty());
        // ...unless a git-generated trailer is in it and a quarter of it are trailers.
        assert_eq!(t("T\n\nsome prose\nSigned-off-by: A <a@x>\n").len(), 1,);
        // Continuation lines, and trailing comments and blank lines, are set aside.
        assert_eq!(
            t("T\n\nAcked-by: C\n  continued\n\n# a comment\n\n").len(),
            1
        );
        // Blank lines before the subject are skipped: the subject paragraph runs to here.
        assert!(t("\nremove a file\nSigned-off-by: A <a@x>\n").is_empty());
        // Only ASCII white space makes a blank line, as git's isspace: a no-break space does not.
        let nbsp = "T\n\nprose\nprose\nprose\nprose\n\u{a0}\nSigned-off-by: A <a@x>\nfoo bar\n";
        assert!(t(nbsp).is_empty());
        assert_eq!(t(&nbsp.replace('\u{a0}', "")).len(), 1);
        // A token with a space is not a trailer.
        assert!(t("T\n\nDifferential Revision: https://x/D1\n").is_empty());
    }

    #[test]
    fn evidence_of_real_shapes() {
        let read_default = |data: &[u8]| read(data, &AdvisoryRule::default());
        let e = read_default(&commit(
            "Fix overflow (XSA-123, CVE-2020-12345)\n\nThis is XSA-123.\n\nFixes: 0123abcd4567 (\"x\")\nReviewed-by: R <r@x>\nCo-authored-by: C <c@x>\nCo-authored-by: D <d@x>\n",
        ));
        assert_eq!(e.advisories, ["CVE-2020-12345", "XSA-123"]);
        assert_eq!(e.fixes, ["0123abcd4567"]);
        assert!(e.reviewed && !e.signed && !e.pr_merge && !e.bump_subject);
        assert_eq!(e.co_authors, 2);
        let pr = read_default(&commit(
            "Merge pull request #42 from a/b\n\nBump x from 1 to 2\n",
        ));
        assert!(pr.pr_merge && !pr.bump_subject);
        let gl = read_default(&commit(
            "Merge branch 'x' into 'main'\n\nSee merge request grp/proj!17\n",
        ));
        assert!(gl.pr_merge);
        let squash = read_default(&commit("vmm: fix the boot path (#7071)\n\nbody (#1)\n"));
        assert!(squash.pr_subject && !squash.pr_merge);
        assert!(!read_default(&commit("see (#7071) later\n")).pr_subject);
        for credited in [
            "fix: x\n\nFound by the snapshot fuzzer.\n",
            "fix: y\n\nFound by the vcpu fuzzer with a small region\n",
            "fix: z\n\nThe fuzzer found a crash when Gicv3 is used\n",
            "net: w\n\nReported-by: syzbot+1234@syzkaller.appspotmail.com\n",
            "fix\n\nDetected with OSS-Fuzz (issue 42).\n",
        ] {
            assert!(read_default(&commit(credited)).fuzz_credit, "{credited}");
        }
        for plain in [
            "feat(fuzzer): add fuzzer helpers\n",
            "chore: make handle_queue public for fuzzer\n",
            "Found by a reviewer, not a fuzzy search\n",
        ] {
            assert!(!read_default(&commit(plain)).fuzz_credit, "{plain}");
        }
        let bump = read_default(&commit(
            "build(deps): bump golang.org/x/net from 0.1 to 0.2\n",
        ));
        assert!(bump.bump_subject);
        let mut signed = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\ngpgsig -----BEGIN PGP SIGNATURE-----\n =x\n -----END PGP SIGNATURE-----\n\nm\n".to_vec();
        assert!(read_default(&signed).signed);
        signed.clear();
        assert!(!read_default(&signed).signed);
        // The user's patterns add to the built-in ones, matched as whole words in any case.
        let rule = AdvisoryRule::new(&[r"OSV-\d{4}-\d+".to_string()]).expect("valid");
        let osv = read(
            &commit("Fix parser (osv-2024-17, RUSTSEC-2023-0001; not XOSV-2024-1)\n"),
            &rule,
        );
        assert_eq!(osv.advisories, ["OSV-2024-17", "RUSTSEC-2023-0001"]);
        assert!(AdvisoryRule::new(&["(".to_string()]).is_err());
        let e = Evidence {
            pr_ref: true,
            pr_subject: true,
            fuzz_credit: true,
            ..e
        };
        let round = Evidence::from_parts(e.flags(), &e.advisories.join(" "), &e.fixes.join(" "));
        assert_eq!(
            round,
            Evidence {
                co_author_values: Vec::new(),
                ..e
            }
        );
    }
}
