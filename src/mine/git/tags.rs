//! Tags: every ref under `refs/tags/`, peeled to the commit it names.
//!
//! An annotated tag's date is its tagger line's time (read leniently, as commit identities are),
//! a lightweight tag's is its commit's date (git's `%(creatordate)` does the same); a tag object
//! without a tagger date takes its commit's date too (git shows none). A tag is
//! *signed* when its object carries an in-body signature (OpenPGP, SSH or X.509, as git
//! recognises them); the signature is not verified. Tags of trees or blobs, and tags whose
//! objects cannot be read, are counted but not listed.

use gix::ObjectId;

/// One tag that names a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The name under `refs/tags/`.
    pub name: String,
    /// The commit the tag names, through any tags of tags.
    pub commit: ObjectId,
    /// Unix seconds: the tagger's time, or the commit's date for a lightweight tag.
    pub time: i64,
    /// Whether the ref names a tag object (`false` for a lightweight tag).
    pub annotated: bool,
    /// Whether the tag object carries an in-body signature (OpenPGP, SSH or X.509); not verified.
    pub signed: bool,
}

/// The repository's tags, sorted by name, and the tag refs that do not name a readable commit.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    /// The tags that name a commit, sorted by name.
    pub tags: Vec<Tag>,
    /// How many tag refs name no readable commit (a tree, a blob, an unreadable object).
    pub unusable: usize,
}

impl Tags {
    /// A fingerprint of every tag's name and target: a stored run is up to date only when it is
    /// unchanged (tags move without the analysed ref moving).
    pub fn fingerprint(&self) -> u64 {
        let mut text = Vec::new();
        for t in &self.tags {
            text.extend_from_slice(t.name.as_bytes());
            text.push(0);
            text.extend_from_slice(t.commit.as_bytes());
        }
        text.extend_from_slice(&self.unusable.to_le_bytes());
        crate::text::fnv1a(&text)
    }
}

/// Every tag of `repo` (packed and loose refs; replace refs do not apply to tags).
pub fn read_tags(repo: &gix::Repository) -> Tags {
    let mut out = Tags::default();
    let Ok(refs) = repo.references() else {
        return out;
    };
    let Ok(tags) = refs.tags() else {
        return out;
    };
    for reference in tags {
        let Ok(reference) = reference else {
            out.unusable += 1;
            continue;
        };
        let name = reference.name().shorten().to_string();
        let Some(target) = reference.target().try_id().map(ToOwned::to_owned) else {
            out.unusable += 1;
            continue;
        };
        match peel(repo, name, target) {
            Some(tag) => out.tags.push(tag),
            None => out.unusable += 1,
        }
    }
    out.tags.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// How many tag objects a tag may nest before it is unusable: far beyond any real chain.
const MAX_TAG_CHAIN: usize = 1_000_000;

/// Follows tag objects to a commit; the outermost tag object gives the date and signature.
fn peel(repo: &gix::Repository, name: String, target: ObjectId) -> Option<Tag> {
    let mut id = target;
    let mut outer: Option<(i64, bool)> = None;
    // Tags of tags are rare but may nest deeply (git peels any depth); a cycle cannot be built
    // (ids are content hashes), so the loop ends; the cap only guards against a hash collision.
    for _ in 0..MAX_TAG_CHAIN {
        let object = repo.find_object(id).ok()?;
        match object.kind {
            gix::object::Kind::Commit => {
                // A tag object without a tagger date (git's own v0.99 has none; git shows no
                // date) is dated by its commit, as a lightweight tag is, not by the epoch.
                let (time, signed) = match outer {
                    Some((time, signed)) if time > 0 => (time, signed),
                    Some((_, signed)) => (commit_time(&object.data, repo.object_hash()), signed),
                    None => (commit_time(&object.data, repo.object_hash()), false),
                };
                return Some(Tag {
                    name,
                    commit: id,
                    time,
                    annotated: outer.is_some(),
                    signed,
                });
            }
            gix::object::Kind::Tag => {
                let tag = gix::objs::TagRef::from_bytes(&object.data, repo.object_hash()).ok()?;
                let time = tag.tagger.map_or(0, |t| super::header::ident_time(t));
                outer.get_or_insert((time, tag.signature.is_some()));
                id = tag.target();
            }
            _ => return None,
        }
    }
    None
}

/// A commit's date as git's `%ct` reads it.
fn commit_time(data: &[u8], hash: gix::hash::Kind) -> i64 {
    super::header::parse(data, hash).map_or(0, |h| h.committer_time)
}
