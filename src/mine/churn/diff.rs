//! One tree diff as git makes it, surviving missing blobs.
//!
//! Churn and line age both compare a commit's tree with its parent's, with git's default rename
//! detection (50 % similarity, up to 1000 candidates, no copies), paired as git pairs them
//! ([`super::renames`]). In a partial or damaged clone
//! some blobs are absent; git's rename detection then proceeds with what it can read, and so
//! does this one: an absent blob reads as empty (so it pairs with nothing), is recorded once, and
//! the change that names it counts as a changed file whose lines are unknown. Such a blob costs
//! the lines of that one file in that one commit, never the commit's other changes. A missing
//! tree still fails the whole comparison (there is nothing to compare).

use std::cell::RefCell;

use gix::diff::tree_with_rewrites::{ChangeRef, Options};
use gix::objs::{Find, FindHeader};
use gix::ObjectId;

/// The repository's objects, with absent ones read as empty blobs and recorded.
pub(crate) struct Tolerant<'r> {
    objects: &'r gix::OdbHandle,
    missing: RefCell<Vec<ObjectId>>,
}

impl<'r> Tolerant<'r> {
    pub(crate) fn new(repo: &'r gix::Repository) -> Tolerant<'r> {
        Tolerant {
            objects: &repo.objects,
            missing: RefCell::new(Vec::new()),
        }
    }

    /// Whether blob `id` is absent (recording it if so).
    pub(crate) fn absent(&self, id: &gix::oid) -> bool {
        let absent = !gix::objs::Exists::exists(self.objects, id);
        if absent {
            self.record(id);
        }
        absent
    }

    /// Whether either side of `change` names an absent blob.
    pub(crate) fn touches_absent(&self, change: &ChangeRef<'_>) -> bool {
        let (old, new) = sides(change);
        let old_absent = old.is_some_and(|(mode, id)| mode.is_blob() && self.absent(&id));
        let new_absent = new.is_some_and(|(mode, id)| mode.is_blob() && self.absent(&id));
        old_absent || new_absent
    }

    /// The absent objects seen so far, each once.
    pub(crate) fn into_missing(self) -> Vec<ObjectId> {
        let mut ids = self.missing.into_inner();
        ids.sort();
        ids.dedup();
        ids
    }

    fn record(&self, id: &gix::oid) {
        self.missing.borrow_mut().push(id.to_owned());
    }
}

impl Find for Tolerant<'_> {
    fn try_find<'a>(
        &self,
        id: &gix::oid,
        buffer: &'a mut Vec<u8>,
    ) -> gix::Result<Option<gix::objs::Data<'a>>> {
        if gix::objs::Exists::exists(self.objects, id) {
            return self.objects.try_find(id, buffer);
        }
        self.record(id);
        buffer.clear();
        Ok(Some(gix::objs::Data::new(
            buffer,
            gix::objs::Kind::Blob,
            id.kind(),
        )))
    }
}

impl FindHeader for Tolerant<'_> {
    fn try_header(&self, id: &gix::oid) -> gix::Result<Option<gix::objs::Header>> {
        match self.objects.try_header(id)? {
            Some(header) => Ok(Some(header)),
            None => {
                self.record(id);
                Ok(Some(gix::objs::Header {
                    kind: gix::objs::Kind::Blob,
                    size: 0,
                }))
            }
        }
    }
}

/// The absent blobs `change` names, each with the path it has on that side (a rename's source
/// path for its old side).
pub(crate) fn absent_blobs(
    change: &ChangeRef<'_>,
    objects: &Tolerant<'_>,
) -> Vec<(ObjectId, gix::bstr::BString)> {
    let (old, new) = sides(change);
    let old_path = match change {
        ChangeRef::Rewrite {
            source_location, ..
        } => *source_location,
        _ => change.location(),
    };
    [(old, old_path), (new, change.location())]
        .into_iter()
        .filter_map(|(side, path)| {
            let (mode, id) = side?;
            (mode.is_blob() && objects.absent(&id)).then(|| (id, path.to_owned()))
        })
        .collect()
}

/// The old and new (mode, id) of a change.
type Side = Option<(gix::objs::tree::EntryMode, ObjectId)>;

fn sides(change: &ChangeRef<'_>) -> (Side, Side) {
    match *change {
        ChangeRef::Addition { entry_mode, id, .. } => (None, Some((entry_mode, id))),
        ChangeRef::Deletion { entry_mode, id, .. } => (Some((entry_mode, id)), None),
        ChangeRef::Modification {
            previous_entry_mode,
            previous_id,
            entry_mode,
            id,
            ..
        } => (
            Some((previous_entry_mode, previous_id)),
            Some((entry_mode, id)),
        ),
        ChangeRef::Rewrite {
            source_entry_mode,
            source_id,
            entry_mode,
            id,
            ..
        } => (Some((source_entry_mode, source_id)), Some((entry_mode, id))),
    }
}

/// Compares `old` (the empty tree for `None`) with `new`, calling `each` for every change, in
/// git's order, with renames paired. `None` when a tree cannot be read.
pub(crate) fn for_each_change(
    repo: &gix::Repository,
    objects: &Tolerant<'_>,
    renames: &mut gix::diff::blob::Platform,
    old: Option<ObjectId>,
    new: ObjectId,
    mut each: impl FnMut(ChangeRef<'_>),
) -> Option<()> {
    let old = match old {
        Some(id) => repo.find_tree(id).ok()?,
        None => repo.empty_tree(),
    };
    let new = repo.find_tree(new).ok()?;
    let mut state = gix::diff::tree::State::default();
    let mut changes = Vec::new();
    gix::diff::tree_with_rewrites(
        gix::objs::TreeRefIter::from_bytes(&old.data, old.id.kind()),
        gix::objs::TreeRefIter::from_bytes(&new.data, new.id.kind()),
        renames,
        &mut state,
        objects,
        |change| {
            // git compares canonical modes: `100664` (old histories) is `100644`, so an entry
            // whose content and canonical mode are unchanged is no change at all.
            let unchanged = matches!(change, ChangeRef::Modification {
                previous_entry_mode, previous_id, entry_mode, id, ..
            } if previous_id == id && previous_entry_mode.kind() == entry_mode.kind());
            if !unchanged {
                changes.push(change.into_owned());
            }
            Ok(gix::diff::tree_with_rewrites::Action::Continue(()))
        },
        Options {
            location: Some(gix::diff::tree::recorder::Location::Path),
            // Renames are paired as git pairs them (see `renames`), not by gix's tracker.
            rewrites: None,
        },
    )
    .ok()?;
    for change in super::renames::pair(changes, objects) {
        each(change.to_ref());
    }
    Some(())
}

/// `change` as `git log -- PATHSPEC` sees it under `scope`: git limits the tree diff to the
/// pathspec before it pairs renames, so a file renamed across the scope's edge is an addition
/// (moved in) or a deletion (moved out), and a change wholly outside is none. (git could then
/// pair an in-scope deletion with another in-scope addition; that rarer case is not redone.)
pub(crate) fn within<'a>(
    change: ChangeRef<'a>,
    scope: &crate::scope::Scope,
) -> Option<ChangeRef<'a>> {
    if scope.is_everything() {
        return Some(change);
    }
    match change {
        ChangeRef::Rewrite {
            source_location,
            source_entry_mode,
            source_id,
            entry_mode,
            id,
            location,
            ..
        } => match (
            scope.includes_file(source_location),
            scope.includes_file(location),
        ) {
            (true, true) => Some(change),
            (false, true) => Some(ChangeRef::Addition {
                location,
                entry_mode,
                relation: None,
                id,
            }),
            (true, false) => Some(ChangeRef::Deletion {
                location: source_location,
                entry_mode: source_entry_mode,
                relation: None,
                id: source_id,
            }),
            (false, false) => None,
        },
        _ => scope.includes_file(change.location()).then_some(change),
    }
}

/// Lines added and removed by a change of a submodule (gitlink) entry, as `git log --numstat`
/// counts them (a gitlink reads as the one line `Subproject commit <id>`); `None` when neither
/// side is a gitlink.
pub(crate) fn gitlink_lines(change: &ChangeRef<'_>) -> Option<(u64, u64)> {
    let (old, new) = sides(change);
    let is_link = |side: Side| side.is_some_and(|(mode, _)| mode.is_commit());
    (is_link(old) || is_link(new)).then(|| (u64::from(is_link(new)), u64::from(is_link(old))))
}

/// The bytes of blob `id` when it is readable and within [`crate::mine::loc::MAX_BLOB_BYTES`], sized
/// from its header first so a bigger blob is never inflated.
pub(crate) fn within_limit(objects: &(impl Find + FindHeader), id: &gix::oid) -> Option<Vec<u8>> {
    let size = objects.try_header(id).ok().flatten()?.size;
    if size > crate::mine::loc::MAX_BLOB_BYTES {
        return None;
    }
    let mut buf = Vec::new();
    let (start, len) = {
        let data = objects.try_find(id, &mut buf).ok().flatten()?.data;
        (data.as_ptr() as usize, data.len())
    };
    // The object is decoded into `buf`; keep it there rather than copying it.
    match (start as isize).checked_sub(buf.as_ptr() as isize) {
        Some(offset) if offset >= 0 && offset as usize + len <= buf.len() => {
            buf.truncate(offset as usize + len);
            buf.drain(..offset as usize);
            Some(buf)
        }
        // Not inside the buffer (no reader does this today): read it again and copy.
        _ => Some(objects.try_find(id, &mut buf).ok().flatten()?.data.to_vec()),
    }
}

/// The bytes of blob `id` when git would diff it as text: within the limit and without a NUL
/// in its first 8,000 bytes (git's `buffer_is_binary`; gix's own rule would also call text with
/// other control bytes binary). An absent blob reads as empty.
pub(crate) fn text(objects: &Tolerant<'_>, id: &gix::oid) -> Option<Vec<u8>> {
    within_limit(objects, id).filter(|data| !data[..data.len().min(8000)].contains(&0))
}

/// Both sides of `change` as text (an absent side, a tree or a gitlink is empty); `None` when
/// either side is binary to git.
pub(crate) fn texts(change: &ChangeRef<'_>, objects: &Tolerant<'_>) -> Option<(Vec<u8>, Vec<u8>)> {
    let read = |side: Side| match side {
        Some((mode, id)) if !mode.is_tree() && !mode.is_commit() => text(objects, &id),
        _ => Some(Vec::new()),
    };
    let (old, new) = sides(change);
    Some((read(old)?, read(new)?))
}

/// The line diff git's numstat makes: lines keep their terminators (a last line that gains its
/// newline is one line removed and one added), git's Myers as `diff.algorithm` defaults to
/// ([`super::xdiff`]).
pub(crate) fn line_diff<'a>(
    old: &'a [u8],
    new: &'a [u8],
) -> (
    super::xdiff::Marks,
    gix::diff::blob::InternedInput<&'a [u8]>,
) {
    let input = gix::diff::blob::InternedInput::new(
        gix::diff::blob::sources::byte_lines(old),
        gix::diff::blob::sources::byte_lines(new),
    );
    let marks = super::xdiff::diff(&input.before, &input.after, input.interner.num_tokens());
    (marks, input)
}

/// Blame's hunks of `old` to `new` (see [`blame_hunks`]) with both line counts.
pub(crate) fn blame_diff(old: &[u8], new: &[u8]) -> (Vec<(std::ops::Range<u32>, u32)>, u32, u32) {
    let (marks, input) = line_diff(old, new);
    let hunks = blame_hunks(old, new, &input, &marks);
    (hunks, input.before.len() as u32, input.after.len() as u32)
}

/// The hunks `git blame` takes from the diff of `old` and `new`, after git's slider heuristics:
/// blame diffs without the common tail that [`super::xdiff::blame_tail_lines`] trims, which can
/// decide a different diff than numstat's (`marks`) on huge files.
fn blame_hunks(
    old: &[u8],
    new: &[u8],
    input: &gix::diff::blob::InternedInput<&[u8]>,
    marks: &super::xdiff::Marks,
) -> Vec<(std::ops::Range<u32>, u32)> {
    use gix::diff::blob::{IndentHeuristic, IndentLevel};
    let tail = super::xdiff::blame_tail_lines(old, new);
    let before = &input.before[..input.before.len() - tail];
    let after = &input.after[..input.after.len() - tail];
    let trimmed;
    let marks = if tail == 0 {
        marks
    } else {
        trimmed = super::xdiff::diff(before, after, input.interner.num_tokens());
        &trimmed
    };
    let mut diff = marks.to_diff();
    diff.postprocess_with(
        before,
        after,
        IndentHeuristic::new(|token| {
            IndentLevel::for_ascii_line(input.interner[token].iter().copied(), 8)
        }),
    );
    diff.hunks()
        .map(|h| (h.before.clone(), h.after.end - h.after.start))
        .collect()
}

/// The line diff of one text change, kept for whichever stage reads it (churn counts it, line
/// age applies its hunks).
#[derive(Debug, Clone)]
pub(crate) struct TextDiff {
    /// Lines added and removed, as numstat counts them.
    pub added: u32,
    pub removed: u32,
    /// (old line range, new line count) per hunk, after git's slider heuristics (line age
    /// applies them).
    pub hunks: Vec<(std::ops::Range<u32>, u32)>,
    pub old_len: u32,
    pub new_len: u32,
    /// The new content's first bytes when they open a shebang (`#!`), else empty.
    pub head: Vec<u8>,
    /// A generator's marker at the top of the new content (the old one for a deletion).
    pub generated: bool,
}

/// One change of a commit with what both stages need of it: made once per (parent, commit) pair.
#[derive(Debug, Clone)]
pub(crate) struct Delta {
    pub change: gix::diff::tree_with_rewrites::Change,
    /// A side names a blob the repository lacks.
    pub absent: bool,
    /// The line diff, when both sides are text to git (absent for trees, gitlinks and binary).
    pub text: Option<TextDiff>,
}

/// Line diffs by blob pair, made once per run and shared by every stage that diffs: churn of
/// the ref's commits fills it, and the diffs that follow ask it first, so a first-parent merge
/// that brings in a topic branch's change of a file (the pair of blobs that branch's commit
/// diffed) and a release branch's backport that left the file as the ref's commit did are not
/// inflated and diffed again. A pair's diff depends on the two blobs alone (never on the path or
/// the commit), so a hit gives exactly what a fresh diff would; the memo stops taking entries
/// at its budget (an eighth of `--memory`, [`PAIR_MEMO_BYTES`] by default), which costs only
/// speed.
pub(crate) struct PairMemo {
    shards: Vec<std::sync::Mutex<std::collections::HashMap<Pair, Option<TextDiff>>>>,
    bytes: std::sync::atomic::AtomicUsize,
    budget: usize,
}

/// The old and new blob of a text diff (the null id for a side that is missing, a tree or a
/// gitlink, which reads as empty).
type Pair = (ObjectId, ObjectId);

/// How much the blob-pair memo may hold: on moby (142,000 distinct pairs of the ref's non-merge
/// commits) it takes some 40 MiB; the budget matters only for kernel-sized histories. The
/// default; a run's own is an eighth of its memory budget (`MemoryBudget`).
pub(crate) const PAIR_MEMO_BYTES: usize = 512 << 20;

const PAIR_SHARDS: usize = 32;

impl Default for PairMemo {
    fn default() -> PairMemo {
        PairMemo::with_budget(PAIR_MEMO_BYTES)
    }
}

impl PairMemo {
    pub(crate) fn with_budget(budget: usize) -> PairMemo {
        PairMemo {
            shards: (0..PAIR_SHARDS).map(|_| Default::default()).collect(),
            bytes: Default::default(),
            budget,
        }
    }

    fn shard(
        &self,
        pair: &Pair,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<Pair, Option<TextDiff>>> {
        let i = usize::from(pair.1.as_bytes()[0] ^ pair.0.as_bytes()[1]) % PAIR_SHARDS;
        self.shards[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The diff of `pair` if memoised (`Some(None)`: binary to git).
    fn get(&self, pair: &Pair) -> Option<Option<TextDiff>> {
        self.shard(pair).get(pair).cloned()
    }

    /// Keeps `diff` for `pair` while the budget allows.
    fn put(&self, pair: Pair, diff: &Option<TextDiff>) {
        use std::sync::atomic::Ordering::Relaxed;
        let size = 96
            + diff
                .as_ref()
                .map_or(0, |d| d.hunks.len() * 12 + d.head.len());
        if self.bytes.fetch_add(size, Relaxed) + size > self.budget {
            return;
        }
        self.shard(&pair).insert(pair, diff.clone());
    }
}

/// The pair of blobs whose line diff `change` needs.
fn pair_of(change: &ChangeRef<'_>) -> Pair {
    let null = ObjectId::null(gix::hash::Kind::Sha1);
    let id = |side: Side| match side {
        Some((mode, id)) if !mode.is_tree() && !mode.is_commit() => id,
        _ => null,
    };
    let (old, new) = sides(change);
    (id(old), id(new))
}

/// The line diff of a change whose sides are readable: numstat's counts, blame's hunks, and
/// the new content's shebang and generator's marker; `None` when either side is binary to git.
fn text_diff(change: &ChangeRef<'_>, objects: &Tolerant<'_>) -> Option<TextDiff> {
    texts(change, objects).map(|(old, new)| {
        let head = if new.starts_with(b"#!") {
            new[..new.len().min(128)].to_vec()
        } else {
            Vec::new()
        };
        let marked = if new.is_empty() { &old } else { &new };
        let generated = crate::mine::class::generated_marker(marked);
        let (marks, input) = line_diff(&old, &new);
        let hunks = blame_hunks(&old, &new, &input, &marks);
        TextDiff {
            added: marks.additions(),
            removed: marks.removals(),
            hunks,
            old_len: input.before.len() as u32,
            new_len: input.after.len() as u32,
            head,
            generated,
        }
    })
}

/// Every change between `old` (the empty tree for `None`) and `new`, renames paired as git
/// pairs them, each with its line counts and hunks (from `memo` when it holds the pair, and kept
/// there otherwise); `None` when a tree cannot be read.
pub(crate) fn deltas(
    repo: &gix::Repository,
    objects: &Tolerant<'_>,
    renames: &mut gix::diff::blob::Platform,
    (old, new): (Option<ObjectId>, ObjectId),
    memo: &PairMemo,
) -> Option<Vec<Delta>> {
    let mut out = Vec::new();
    for_each_change(repo, objects, renames, old, new, |change| {
        let mode = change.entry_mode();
        if mode.is_tree() {
            return;
        }
        let absent = objects.touches_absent(&change);
        let text = if absent || gitlink_lines(&change).is_some() {
            None
        } else {
            let pair = pair_of(&change);
            match memo.get(&pair) {
                Some(hit) => hit,
                None => {
                    let made = text_diff(&change, objects);
                    memo.put(pair, &made);
                    made
                }
            }
        };
        out.push(Delta {
            change: change.into_owned(),
            absent,
            text,
        });
    })?;
    Some(out)
}
