//! The commit stream: every commit reachable from the tip through all parents.
//!
//! A hand-rolled walk rather than `gix::revision::Walk` because a partial clone or a damaged
//! repository must not end the walk: a missing or undecodable commit is recorded and skipped, and
//! a shallow clone's boundary commits are recorded and not followed. Only the header of each
//! commit is parsed (tree, parents, author, committer), leniently as git does; messages are never
//! decoded. Every walk keeps a seen-set, so it ends on any object graph, including one that
//! replace refs (`refs/replace/`, honoured as git honours them) turn into a cycle.
//!
//! Decompressing commit objects is most of the work, so `fetch_all` reads them on every core
//! sharing one frontier; the commits are then put in the order a one-thread depth-first walk
//! gives, so no table depends on how the threads raced.

use gix::hashtable::HashSet;
use gix::objs::Find;
use gix::ObjectId;

use super::evidence::AdvisoryRule;
use super::identity::Resolver;

/// What the walk reads each commit with: who its people are (`.mailmap`, bots) and which advisory
/// ids its message names.
pub struct CommitReader {
    /// Resolves authors and co-authors through the ref's `.mailmap` and tells bots apart.
    pub people: Resolver,
    /// Finds the advisory ids a message names (built-in and `--advisory-pattern`).
    pub advisories: AdvisoryRule,
    /// The [`super::pulls::review_key`]s of the pull-request refs' own commits: a commit with
    /// one of them is a pull request's copy (empty: the clone holds no pull-request refs).
    pub pull_keys: std::collections::HashSet<u64>,
}

/// One commit as the rest of temper sees it.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    /// The commit's id.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Its parents in header order, the first parent first (none for a root commit).
    pub parents: Vec<ObjectId>,
    /// Author time, Unix seconds (UTC); 0 if the header's date is malformed.
    pub author_time: i64,
    /// Committer time, Unix seconds (UTC); 0 if the header's date is malformed.
    pub committer_time: i64,
    /// Index into [`History::identities`].
    pub author: u32,
    /// Whether the resolved author name or e-mail matched the bot rule.
    pub is_bot: bool,
    /// Author or committer fields read leniently (see [`super::header`]); 0 when well formed.
    pub malformed: u8,
    /// Lines added and removed against the parent; `None` for merges and until computed.
    pub churn: Option<Churn>,
    /// What the commit object says of review, signing, fixes and advisories.
    pub evidence: super::evidence::Evidence,
    /// Its `Co-authored-by` people (indices into [`History::identities`], resolved like
    /// authors), counted as contributors; bots among them are left out.
    pub co_authors: Vec<u32>,
}

/// One commit's churn (computed by [`crate::mine::churn`], kept with the commit so a later run reuses
/// it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Churn {
    /// Lines added, as `git log --numstat` sums them (binary files add none).
    pub lines_added: u64,
    /// Lines removed, as `git log --numstat` sums them.
    pub lines_removed: u64,
    /// Files changed, one per numstat row (a rename or a submodule is one).
    pub files_changed: u32,
    /// The same lines split by the class of the file they are in (the sum over classes is
    /// `lines_added` and `lines_removed`).
    pub classes: crate::mine::class::ClassLines,
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
    reader: &CommitReader,
    progress: &dyn Fn(u64),
) -> History {
    walk_new(repo, tip, reader, &HashSet::default(), progress).0
}

/// Like [`walk`], but stops at `known` commits (an earlier walk's): returns only the commits not
/// in `known`, and which known commits were reached. Every known commit is an ancestor of the new
/// tip exactly when the old tip is among those reached (see `analyze`).
pub fn walk_new(
    repo: &gix::Repository,
    tip: ObjectId,
    reader: &CommitReader,
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

    let mut fetched = fetch_all(repo, tip, reader, known, &shallow, progress);

    // The same depth-first order as a one-thread walk, over the fetched headers, so that the
    // commit order and identity numbering do not depend on how the threads raced. Commits and
    // their parents are slot numbers here (given as the fetch first saw each id), so ordering a
    // million commits needs no table of ids (only the shallow set, and an incremental walk's
    // known set, are asked by id).
    let mut history = History::default();
    history.commits.reserve(fetched.slots.len());
    let mut identity_index: std::collections::HashMap<String, u32> =
        std::collections::HashMap::new();
    let mut seen = vec![false; fetched.slots.len()];
    let mut queue = vec![0u32];
    seen[0] = true;
    while let Some(slot) = queue.pop() {
        let slot = slot as usize;
        let id = fetched.ids[slot];
        if !known.is_empty() && known.contains(&id) {
            reached.insert(id);
            continue;
        }
        // Each slot is queued once, so its header is moved out.
        let (
            (tree, parents, author_time, committer_time, author, malformed, evidence),
            parent_slots,
        ) = match fetched.slots[slot].take() {
            Some(Fetched::Parsed(header, parent_slots)) => (header, parent_slots),
            Some(Fetched::Corrupt) => {
                history.corrupt.push(id);
                continue;
            }
            Some(Fetched::Missing) | None => {
                history.missing.push(id);
                continue;
            }
        };
        if shallow.contains(&id) {
            history.shallow.push(id);
        } else {
            for &parent in &parent_slots {
                if !std::mem::replace(&mut seen[parent as usize], true) {
                    queue.push(parent);
                }
            }
        }
        let is_bot = author.is_bot;
        let author = intern(&mut history, &mut identity_index, author.identity);
        // The raw values are only needed to resolve the identities: not kept with the commit.
        let mut evidence = evidence;
        let co_authors = std::mem::take(&mut evidence.co_author_values)
            .iter()
            .filter_map(|value| {
                let (name, rest) = value.split_once('<')?;
                let email = rest.split_once('>')?.0;
                let person = reader.people.resolve_parts(name.trim(), email.trim());
                (!person.is_bot).then_some(person.identity)
            })
            .map(|identity| intern(&mut history, &mut identity_index, identity))
            .filter(|&i| i != author)
            .collect();
        history.commits.push(CommitInfo {
            id,
            tree,
            parents,
            author_time,
            committer_time,
            author,
            is_bot,
            malformed,
            churn: None,
            evidence,
            co_authors,
        });
    }
    progress(history.commits.len() as u64);
    (history, reached)
}

/// What reading one commit gave. Headers are held inline: a slot per commit, and boxing them
/// would add a million allocations at the kernel's size for two variants that carry nothing.
#[allow(clippy::large_enum_variant)]
enum Fetched {
    /// The header, and the slots of the parents the walk follows (none past a shallow
    /// boundary).
    Parsed(Header, ParentSlots),
    Missing,
    Corrupt,
}

/// The slots of a commit's parents, held inline for all but an octopus merge: a vector each
/// would be a million small allocations at the kernel's size, outliving the walk as holes.
type ParentSlots = smallvec::SmallVec<[u32; 2]>;

/// Every commit the fetch saw, by slot: the ids (slot 0 is the tip) and what reading each gave
/// (`None`: an earlier walk's commit, not read, or one a panicked thread lost, reported
/// missing).
struct FetchedAll {
    ids: Vec<ObjectId>,
    slots: Vec<Option<Fetched>>,
}

/// Work shared by the fetching threads: commits to read, and those already queued.
struct Frontier {
    /// Commits to read, with their slots.
    stack: Vec<(ObjectId, u32)>,
    /// Every id queued so far, with its slot (slots count up from 0 in the order ids are seen).
    slots: gix::hashtable::HashMap<ObjectId, u32>,
    /// Threads reading a commit right now (which may add to the stack).
    busy: usize,
}

/// The frontier threads share, and the signal for threads waiting on it.
struct SharedFrontier {
    frontier: std::sync::Mutex<Frontier>,
    wake: std::sync::Condvar,
}

impl SharedFrontier {
    fn lock(&self) -> std::sync::MutexGuard<'_, Frontier> {
        self.frontier
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A commit from the shared stack, waiting while other threads may still add some; `None`
    /// when the stack is empty and no thread is busy (the walk is over).
    fn take(&self) -> Option<(ObjectId, u32)> {
        let mut f = self.lock();
        let popped = loop {
            if let Some(queued) = f.stack.pop() {
                f.busy += 1;
                break Some(queued);
            }
            if f.busy == 0 {
                break None;
            }
            f = self
                .wake
                .wait(f)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        };
        drop(f);
        if popped.is_none() {
            self.wake.notify_all();
        }
        popped
    }

    /// The slots of a read commit's parents, queueing those not seen before: the first becomes
    /// this thread's `next` (it stays busy along a chain of first parents), the others go on the
    /// shared stack. A thread with nothing next stops being busy; waiting threads are woken when
    /// there is more to take, or when the last busy thread finished.
    fn advance(&self, parents: &[ObjectId], next: &mut Option<(ObjectId, u32)>) -> ParentSlots {
        let mut shared_more = false;
        let mut parent_slots = ParentSlots::new();
        {
            let mut f = self.lock();
            for parent in parents {
                let fresh = f.slots.len() as u32;
                let slot = *f.slots.entry(*parent).or_insert(fresh);
                parent_slots.push(slot);
                if slot == fresh {
                    if next.is_none() {
                        *next = Some((*parent, slot));
                    } else {
                        f.stack.push((*parent, slot));
                        shared_more = true;
                    }
                }
            }
            if next.is_none() {
                f.busy -= 1;
                shared_more |= f.busy == 0;
            }
        }
        if shared_more {
            self.wake.notify_all();
        }
        parent_slots
    }
}

/// Reads and parses one commit; `None` for a commit an earlier walk already knows.
fn fetch_one(
    repo: &gix::Repository,
    buf: &mut Vec<u8>,
    id: ObjectId,
    known: &HashSet<ObjectId>,
    reader: &CommitReader,
    authors: &mut std::collections::HashMap<(String, String), super::Author>,
) -> Option<Result<Header, Fetched>> {
    if known.contains(&id) {
        return None;
    }
    Some(match repo.objects.try_find(&id, buf) {
        Ok(Some(data)) if data.kind == gix::object::Kind::Commit => {
            parse_header(data.data, data.object_hash, reader, authors).ok_or(Fetched::Corrupt)
        }
        Ok(Some(_)) | Err(_) => Err(Fetched::Corrupt),
        Ok(None) => Err(Fetched::Missing),
    })
}

/// Reads and parses every commit reachable from `tip` (stopping at `known` commits and at shallow
/// boundaries) on several threads: decompressing commit objects is most of a walk's time, and
/// the threads share one frontier, so any history with branches keeps them all busy.
fn fetch_all(
    repo: &gix::Repository,
    tip: ObjectId,
    reader: &CommitReader,
    known: &HashSet<ObjectId>,
    shallow: &HashSet<ObjectId>,
    progress: &dyn Fn(u64),
) -> FetchedAll {
    use std::sync::atomic::{AtomicU64, Ordering};
    let threads = rayon::current_num_threads().clamp(1, 8);
    let mut slots = gix::hashtable::HashMap::default();
    slots.insert(tip, 0);
    let frontier = SharedFrontier {
        frontier: std::sync::Mutex::new(Frontier {
            stack: vec![(tip, 0)],
            slots,
            busy: 0,
        }),
        wake: std::sync::Condvar::new(),
    };
    let done = AtomicU64::new(0);
    let shared = repo.clone().into_sync();
    let work = |report: Option<&dyn Fn(u64)>| {
        let repo = super::local_handle(&shared, 0);
        let (mut buf, mut authors) = (Vec::new(), std::collections::HashMap::new());
        let mut out: Vec<(u32, Fetched)> = Vec::new();
        let mut next: Option<(ObjectId, u32)> = None;
        while let Some((id, slot)) = next.take().or_else(|| frontier.take()) {
            let fetched = fetch_one(&repo, &mut buf, id, known, reader, &mut authors);
            let parents = match &fetched {
                Some(Ok(header)) if !shallow.contains(&id) => header.1.as_slice(),
                _ => &[],
            };
            let parent_slots = frontier.advance(parents, &mut next);
            if let Some(fetched) = fetched {
                out.push((
                    slot,
                    match fetched {
                        Ok(header) => Fetched::Parsed(header, parent_slots),
                        Err(problem) => problem,
                    },
                ));
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(report) = report.filter(|_| n.is_multiple_of(4096)) {
                    report(n);
                }
            }
        }
        out
    };
    let mut found = Vec::new();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(|| work(None))).collect();
        found.push(work(Some(progress)));
        for helper in helpers {
            // A helper that panicked has lost its commits; they are then reported missing
            // rather than taking the whole run down.
            if let Ok(part) = helper.join() {
                found.push(part);
            }
        }
    });
    let seen = frontier.lock().slots.len();
    let mut all = FetchedAll {
        ids: vec![ObjectId::null(tip.kind()); seen],
        slots: Vec::with_capacity(seen),
    };
    all.slots.resize_with(seen, || None);
    for (id, slot) in frontier.lock().slots.drain() {
        all.ids[slot as usize] = id;
    }
    for (slot, fetched) in found.into_iter().flatten() {
        all.slots[slot as usize] = Some(fetched);
    }
    all
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
            for co in &mut c.co_authors {
                *co = intern(self, &mut index, other.identities[*co as usize].clone());
            }
            self.commits.push(c);
        }
        self.missing.extend(other.missing);
        self.corrupt.extend(other.corrupt);
        self.shallow.extend(other.shallow);
    }
}

type Header = (
    ObjectId,
    Vec<ObjectId>,
    i64,
    i64,
    super::Author,
    u8,
    super::evidence::Evidence,
);

/// Parses the header fields temper needs, leniently as git does (see [`super::header`]);
/// `None` if the commit's tree or parents cannot be read.
fn parse_header(
    data: &[u8],
    hash: gix::hash::Kind,
    reader: &CommitReader,
    authors: &mut std::collections::HashMap<(String, String), super::Author>,
) -> Option<Header> {
    let h = super::header::parse(data, hash)?;
    let mut evidence = super::evidence::read(data, &reader.advisories);
    evidence.pr_ref = !reader.pull_keys.is_empty()
        && reader.pull_keys.contains(&super::pulls::review_key(
            &h.author.name,
            &h.author.email,
            h.author.time,
            super::pulls::subject(data),
        ));
    let key = (h.author.name, h.author.email);
    let author = match authors.get(&key) {
        Some(a) => a.clone(),
        None => {
            let a = reader.people.resolve_parts(&key.0, &key.1);
            authors.insert(key, a.clone());
            a
        }
    };
    Some((
        h.tree,
        h.parents,
        h.author.time,
        h.committer_time,
        author,
        h.malformed,
        evidence,
    ))
}
