//! Pull-request refs: what a clone holds of a forge's review, read to recognise the main line's
//! copies of reviewed commits.
//!
//! GitHub publishes every pull request's branch as `refs/pull/N/head`, GitLab every merge
//! request's as `refs/merge-requests/N/head` (a mirror clone, `git clone --mirror`, or a fetch
//! of `+refs/pull/*/head:refs/pull/*/head` brings them; `temper run` does with `pull_refs =
//! true`). GitHub's `refs/pull/N/merge` (a test merge with the target branch) is not read. A
//! pull request landed with "rebase and merge" puts copies of its commits on the main line: new
//! ids, but the same author, author time and subject. The commits of the pull-request refs that
//! the analysed ref does not reach are read, and each one's [`review_key`] kept; the walk marks
//! a main-line commit whose key is among them ([`super::evidence::Evidence::pr_ref`]).

use std::collections::HashSet;

use gix::ObjectId;

/// The pull-request heads of a repository, sorted, and their fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullHeads {
    /// The distinct objects the pull-request refs name, sorted.
    pub heads: Vec<ObjectId>,
}

impl PullHeads {
    /// A fingerprint of the heads: a stored walk is reused only when they are unchanged (the
    /// marks of its commits depend on them).
    pub fn fingerprint(&self) -> u64 {
        let bytes: Vec<u8> = self
            .heads
            .iter()
            .flat_map(|id| id.as_bytes().to_vec())
            .collect();
        crate::text::fnv1a(&bytes)
    }
}

/// Every `refs/pull/*/head` and `refs/merge-requests/*/head` of `repo` that names an object.
pub fn read_heads(repo: &gix::Repository) -> PullHeads {
    let mut heads = Vec::new();
    if let Ok(refs) = repo.references() {
        for prefix in ["refs/pull/", "refs/merge-requests/"] {
            let Ok(iter) = refs.prefixed(prefix) else {
                continue;
            };
            for reference in iter.flatten() {
                let name = reference.name().as_bstr().to_vec();
                if !name.ends_with(b"/head") {
                    continue;
                }
                if let Some(id) = reference.target().try_id() {
                    heads.push(id.to_owned());
                }
            }
        }
    }
    heads.sort();
    heads.dedup();
    PullHeads { heads }
}

/// What identifies a commit across a rebase: its author's name and e-mail (as written, before
/// `.mailmap`), its author time and its subject (the message's first line).
pub fn review_key(name: &str, email: &str, author_time: i64, subject: &[u8]) -> u64 {
    let mut bytes = Vec::with_capacity(name.len() + email.len() + subject.len() + 12);
    bytes.extend_from_slice(name.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(email.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(&author_time.to_le_bytes());
    bytes.extend_from_slice(subject);
    crate::text::fnv1a(&bytes)
}

/// The subject of a commit object's bytes: the message's first line, without trailing space.
pub fn subject(data: &[u8]) -> &[u8] {
    let message = memchr::memmem::find(data, b"\n\n").map_or(&[][..], |i| &data[i + 2..]);
    let line = message.split(|&b| b == b'\n').next().unwrap_or(&[]);
    line.trim_ascii_end()
}

/// The [`review_key`]s of the commits reachable from `heads` but not from `tip`; unreadable
/// commits are skipped (a pull request's commit that cannot be read marks nothing).
pub fn pull_keys(repo: &gix::Repository, heads: &PullHeads, tip: ObjectId) -> HashSet<u64> {
    let mut keys = HashSet::new();
    if heads.heads.is_empty() {
        return keys;
    }
    let hash = repo.object_hash();
    let walk = repo
        .rev_walk(heads.heads.iter().copied())
        .with_hidden([tip])
        .all();
    let Ok(walk) = walk else {
        return keys;
    };
    for info in walk.flatten() {
        let Ok(object) = repo.find_object(info.id) else {
            continue;
        };
        let data = &object.data;
        if let Some(h) = super::header::parse(data, hash) {
            keys.insert(review_key(
                &h.author.name,
                &h.author.email,
                h.author.time,
                subject(data),
            ));
        }
    }
    keys
}
