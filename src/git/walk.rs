//! The commit stream: every commit reachable from the tip through all parents.
//!
//! A hand-rolled walk rather than `gix::revision::Walk` because a partial clone or a damaged
//! repository must not end the walk: a missing or undecodable commit is recorded and skipped, and
//! a shallow clone's boundary commits are recorded and not followed. Only the header of each
//! commit is parsed (tree, parents, author, committer); messages are never decoded.

use gix::hashtable::HashSet;
use gix::objs::Find;
use gix::ObjectId;

use super::identity::Resolver;

/// One commit as the rest of temper sees it.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    /// Author time, Unix seconds (UTC); 0 if the header's date is malformed.
    pub author_time: i64,
    /// Committer time, Unix seconds (UTC); 0 if the header's date is malformed.
    pub committer_time: i64,
    /// Index into [`History::identities`].
    pub author: u32,
    /// Whether the resolved author name or e-mail matched the bot rule.
    pub is_bot: bool,
    /// Lines added and removed against the parent; `None` for merges and until computed.
    pub churn: Option<crate::churn::Churn>,
}

/// The result of a walk: the commits found and what could not be read.
#[derive(Debug, Default)]
pub struct History {
    /// In walk order (no guarantee beyond "each commit once").
    pub commits: Vec<CommitInfo>,
    /// Distinct author identities, indexed by [`CommitInfo::author`].
    pub identities: Vec<String>,
    /// Referenced commits absent from the object database (partial or damaged clones).
    pub missing: Vec<ObjectId>,
    /// Commits whose object exists but cannot be read or parsed as a commit.
    pub corrupt: Vec<ObjectId>,
    /// Shallow-clone boundary commits reached by the walk: their parents are not present.
    pub shallow: Vec<ObjectId>,
}

/// Walks all commits reachable from `tip`. `progress` is called with the number of commits seen
/// so far, every few thousand commits.
pub fn walk(
    repo: &gix::Repository,
    tip: ObjectId,
    resolver: &Resolver,
    progress: &dyn Fn(u64),
) -> History {
    walk_new(repo, tip, resolver, &HashSet::default(), progress).0
}

/// Like [`walk`], but stops at `known` commits (an earlier walk's): returns only the commits not
/// in `known`, and which known commits were reached. Every known commit is an ancestor of the new
/// tip exactly when the old tip is among those reached (see `analyze`).
pub fn walk_new(
    repo: &gix::Repository,
    tip: ObjectId,
    resolver: &Resolver,
    known: &HashSet<ObjectId>,
    progress: &dyn Fn(u64),
) -> (History, HashSet<ObjectId>) {
    let mut reached: HashSet<ObjectId> = HashSet::default();
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|list| list.iter().copied().collect())
        .unwrap_or_default();

    let mut history = History::default();
    let mut identity_index: std::collections::HashMap<String, u32> =
        std::collections::HashMap::new();
    let mut seen: HashSet<ObjectId> = HashSet::default();
    let mut queue = vec![tip];
    seen.insert(tip);
    let mut buf = Vec::new();
    // Raw (name, e-mail) -> resolved author: a few thousand distinct signatures sign tens of
    // thousands of commits, and resolving runs the mailmap and the bot regex.
    let mut authors: std::collections::HashMap<(Vec<u8>, Vec<u8>), super::Author> =
        std::collections::HashMap::new();

    while let Some(id) = queue.pop() {
        if known.contains(&id) {
            reached.insert(id);
            continue;
        }
        let data = match repo.objects.try_find(&id, &mut buf) {
            Ok(Some(data)) if data.kind == gix::object::Kind::Commit => data,
            Ok(Some(_)) | Err(_) => {
                history.corrupt.push(id);
                continue;
            }
            Ok(None) => {
                history.missing.push(id);
                continue;
            }
        };
        let Some(parsed) = parse_header(data.data, data.object_hash, resolver, &mut authors) else {
            history.corrupt.push(id);
            continue;
        };
        let (tree, parents, author_time, committer_time, author) = parsed;
        let is_boundary = shallow.contains(&id);
        if is_boundary {
            history.shallow.push(id);
        } else {
            for parent in &parents {
                if seen.insert(*parent) {
                    queue.push(*parent);
                }
            }
        }
        let is_bot = author.is_bot;
        let author = intern(&mut history, &mut identity_index, author.identity);
        history.commits.push(CommitInfo {
            id,
            tree,
            parents,
            author_time,
            committer_time,
            author,
            is_bot,
            churn: None,
        });
        if history.commits.len() % 4096 == 0 {
            progress(history.commits.len() as u64);
        }
    }
    progress(history.commits.len() as u64);
    (history, reached)
}

fn intern(
    history: &mut History,
    index: &mut std::collections::HashMap<String, u32>,
    identity: String,
) -> u32 {
    match index.get(&identity) {
        Some(i) => *i,
        None => {
            let i = history.identities.len() as u32;
            index.insert(identity.clone(), i);
            history.identities.push(identity);
            i
        }
    }
}

impl History {
    /// Appends `other`'s commits and problems (re-interning its identities).
    pub fn extend(&mut self, other: History) {
        let mut index: std::collections::HashMap<String, u32> = self
            .identities
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        for mut c in other.commits {
            c.author = intern(
                self,
                &mut index,
                other.identities[c.author as usize].clone(),
            );
            self.commits.push(c);
        }
        self.missing.extend(other.missing);
        self.corrupt.extend(other.corrupt);
        self.shallow.extend(other.shallow);
    }
}

type Header = (ObjectId, Vec<ObjectId>, i64, i64, super::Author);

/// Parses the header fields temper needs; `None` if the commit is malformed.
fn parse_header(
    data: &[u8],
    hash: gix::hash::Kind,
    resolver: &Resolver,
    authors: &mut std::collections::HashMap<(Vec<u8>, Vec<u8>), super::Author>,
) -> Option<Header> {
    use gix::objs::commit::ref_iter::Token;
    let mut tree = None;
    let mut parents = Vec::with_capacity(1);
    let mut author = None;
    let mut author_time = 0;
    for token in gix::objs::CommitRefIter::from_bytes(data, hash) {
        match token.ok()? {
            Token::Tree { id } => tree = Some(id),
            Token::Parent { id } => parents.push(id),
            Token::Author { signature } => {
                author_time = signature.seconds();
                let key = (signature.name.to_vec(), signature.email.to_vec());
                author = Some(match authors.get(&key) {
                    Some(a) => a.clone(),
                    None => {
                        let a = resolver.resolve(signature);
                        authors.insert(key, a.clone());
                        a
                    }
                });
            }
            Token::Committer { signature } => {
                return Some((tree?, parents, author_time, signature.seconds(), author?));
            }
            _ => {}
        }
    }
    None
}
