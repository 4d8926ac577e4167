//! Churn: lines added and removed by each non-merge commit against its parent.
//!
//! The contract is `git log --numstat --no-merges`: each commit's tree is compared with its
//! first (only) parent's, or with the empty tree for a root commit; renames are detected as git
//! does by default (50 % similarity, up to 1000 candidates, no copies); every changed file is one
//! `files_changed`, and text files contribute the added and removed lines of a Myers line diff.
//! A submodule (gitlink) is one file whose content is one line, `Subproject commit <id>`, as in
//! numstat: +1 when added, -1 when removed, +1 -1 when it moves to another commit.
//! A binary file (by git's rule, a NUL byte near the start) counts as changed with no lines, as
//! numstat's `-` does; so does a file over temper's 64 MiB blob limit (git's own default
//! threshold for that is 512 MiB). Merge commits carry no churn. Under a `--path`/`--exclude`
//! scope only in-scope files count, a rename across the scope's edge counting as an addition or a
//! deletion. Nothing a repository configures (diff drivers, textconv) runs: blobs are compared as
//! stored. Renames are paired as git pairs them (`renames.rs`); each commit's changes are made once
//! (`diff.rs`) and, for first-parent commits, handed on to line age.

use gix::ObjectId;
use rayon::prelude::*;

use crate::mine::class::{Class, Classifier};
use crate::mine::git::History;
use crate::scope::Scope;

pub mod age;
mod classes;
pub(crate) use classes::ClassMemo;
pub(crate) mod diff;
mod xdiff;
pub(crate) use diff::{Delta, PairMemo};

/// The diffs a run has made, for the stages after churn: the first-parent commits' changes (line
/// age follows them) and line diffs by blob pair (for the merges and release branches diffed
/// later).
#[derive(Default)]
pub struct Diffs {
    pub(crate) commits: gix::hashtable::HashMap<ObjectId, Vec<Delta>>,
    pub(crate) pairs: PairMemo,
}
mod renames;

/// Per-thread diff state, made at most once per pool thread for a whole run: making one is not
/// free (gix reads the tip's tree for attributes), and rayon's `map_init` would make one per
/// split of every batch. A thread's object cache then also serves consecutive commits, whose
/// trees and blobs overlap.
pub(crate) struct Workers<T> {
    slots: Vec<std::sync::Mutex<Option<T>>>,
}

impl<T> Workers<T> {
    pub(crate) fn new() -> Workers<T> {
        Workers {
            slots: (0..rayon::current_num_threads().max(1))
                .map(|_| std::sync::Mutex::new(None))
                .collect(),
        }
    }

    /// Runs `f` with the calling thread's state, made by `make` on first use. `f` must not
    /// block on other rayon tasks (it would wait for a lock its own thread holds).
    pub(crate) fn with<R>(&self, make: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let i = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        let mut slot = self.slots[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(slot.get_or_insert_with(make))
    }
}

/// Object cache per diff worker. None: with the delta-base cache ([`crate::mine::git::PACK_CACHE_BYTES`])
/// a 64 MiB object cache saved no time on xen (29.2 s against 29.6 s, medians of three cold
/// runs) and cost 200 MiB of peak memory (558 against 759 MiB), its copies in and out included.
pub(crate) const WORKER_OBJECT_CACHE_BYTES: usize = 0;

/// A worker's repository handle and the resource cache its tree diffs need.
pub(crate) type DiffWorker = (gix::Repository, Option<gix::diff::blob::Platform>);

pub(crate) fn diff_worker(shared: &gix::ThreadSafeRepository) -> DiffWorker {
    let local = crate::mine::git::local_handle(shared, WORKER_OBJECT_CACHE_BYTES);
    let cache = local.diff_resource_cache_for_tree_diff().ok();
    (local, cache)
}

pub use crate::mine::git::Churn;

/// A blob the repository lacks, named by a commit's change at a path (inside the scope).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MissingRef {
    /// The file's path from the repository root.
    pub path: String,
    /// The blob the repository lacks.
    pub blob: ObjectId,
    /// The commit whose change names the blob at `path`.
    pub commit: ObjectId,
}

/// What the churn stage found.
pub struct ChurnOutcome {
    /// Churn of each commit asked for, in order.
    pub commits: Vec<Option<Churn>>,
    /// Blobs the diffs needed but could not read, each once.
    pub missing: Vec<ObjectId>,
    /// Where and by which commit each of those was named.
    pub missing_refs: Vec<MissingRef>,
    /// The changes of the commits asked to be kept, by commit.
    pub(crate) deltas: gix::hashtable::HashMap<ObjectId, Vec<Delta>>,
}

/// Churn of `history.commits[from..]` (same order); `None` for merges and for commits whose
/// trees cannot be read (those are reported by the other stages). A commit that already
/// carries churn (kept from an earlier run) keeps it. The diffs of the commits in `keep` (the
/// first-parent chain, whose line age follows the same diffs) are handed back, so no pair of
/// trees is diffed twice.
///
/// `in_scope` (indexed like `history.commits`; empty for "all") marks the commits that touch the
/// `--path`/`--exclude` scope: a commit outside it changes no in-scope line, so its churn is zero
/// without a diff, unless its changes are to be kept (line age follows every file, in scope or
/// not, so a file renamed into the scope keeps its history). Line diffs go through `pairs`
/// (asked first, filled with what is diffed here) for the stages that diff after this one.
#[allow(clippy::too_many_arguments)]
pub(crate) fn churn(
    repo: &gix::Repository,
    history: &History,
    scope: &Scope,
    classes: &Classifier,
    from: usize,
    keep: &gix::hashtable::HashSet<ObjectId>,
    in_scope: &[bool],
    pairs: &diff::PairMemo,
    on_commit: &(dyn Fn() + Sync),
) -> ChurnOutcome {
    let trees: gix::hashtable::HashMap<ObjectId, ObjectId> =
        history.commits.iter().map(|c| (c.id, c.tree)).collect();
    let shared = repo.clone().into_sync();
    let pending = history.commits.get(from..).unwrap_or_default();
    let workers = Workers::new();
    let results: Vec<Option<CommitChurn>> = pending
        .par_iter()
        .enumerate()
        .with_min_len(16)
        .map(|(i, c)| {
            on_commit();
            if let Some(kept) = c.churn {
                return Some(CommitChurn::undiffed(kept));
            }
            if c.parents.len() > 1 {
                return None;
            }
            if in_scope.get(from + i) == Some(&false) && !keep.contains(&c.id) {
                return Some(CommitChurn::undiffed(Churn::default()));
            }
            let parent_tree = match c.parents.first() {
                Some(p) => Some(*trees.get(p)?),
                None => None,
            };
            workers.with(
                || (diff_worker(&shared), ClassMemo::default()),
                |((local, renames), memo)| {
                    let renames = renames.as_mut()?;
                    let kept = keep.contains(&c.id);
                    let rules = (scope, classes);
                    diff_commit(local, renames, memo, rules, (c, parent_tree), kept, pairs)
                },
            )
        })
        .collect();
    let mut missing: Vec<ObjectId> = Vec::new();
    let mut missing_refs = Vec::new();
    let mut deltas = gix::hashtable::HashMap::default();
    let commits = results
        .into_iter()
        .zip(pending)
        .map(|(r, c)| {
            r.map(|one| {
                missing.extend(one.missing);
                missing_refs.extend(one.missing_refs);
                if let Some(d) = one.deltas {
                    deltas.insert(c.id, d);
                }
                one.churn
            })
        })
        .collect();
    missing.sort();
    missing.dedup();
    missing_refs.sort();
    missing_refs.dedup();
    ChurnOutcome {
        commits,
        missing,
        missing_refs,
        deltas,
    }
}

/// Diffs commit `c` against its parent's tree (`None` for a root commit): its churn under the
/// scope, the absent blobs it named (and where), and its changes when `kept` (for line age).
fn diff_commit(
    repo: &gix::Repository,
    renames: &mut gix::diff::blob::Platform,
    memo: &mut ClassMemo,
    (scope, classes): (&Scope, &Classifier),
    (c, parent_tree): (&crate::mine::git::walk::CommitInfo, Option<ObjectId>),
    kept: bool,
    pairs: &diff::PairMemo,
) -> Option<CommitChurn> {
    let objects = diff::Tolerant::new(repo);
    let deltas = diff::deltas(repo, &objects, renames, (parent_tree, c.tree), pairs)?;
    let mut class_of = |path: &[u8], generated: bool| {
        memo.class(repo, classes, c.tree, path)
            .with_marker(generated)
    };
    let missing_refs = deltas
        .iter()
        .filter(|d| d.absent)
        .flat_map(|d| diff::absent_blobs(&d.change.to_ref(), &objects))
        .filter(|(_, path)| scope.includes_file(path))
        .map(|(blob, path)| MissingRef {
            path: path.to_string(),
            blob,
            commit: c.id,
        })
        .collect();
    Some(CommitChurn {
        churn: churn_of(&deltas, scope, &objects, &mut class_of),
        missing: objects.into_missing(),
        missing_refs,
        deltas: kept.then_some(deltas),
    })
}

/// What diffing one commit gave.
struct CommitChurn {
    churn: Churn,
    missing: Vec<ObjectId>,
    missing_refs: Vec<MissingRef>,
    deltas: Option<Vec<diff::Delta>>,
}

impl CommitChurn {
    /// A commit's churn known without a diff (kept from an earlier run, or zero outside the
    /// scope).
    fn undiffed(churn: Churn) -> CommitChurn {
        CommitChurn {
            churn,
            missing: Vec::new(),
            missing_refs: Vec::new(),
            deltas: None,
        }
    }
}

/// One commit's churn from its changes, under `scope`; `class_of` gives a changed file's class
/// from its path and whether its content carries a generator's marker.
fn churn_of(
    deltas: &[diff::Delta],
    scope: &Scope,
    objects: &diff::Tolerant<'_>,
    class_of: &mut dyn FnMut(&[u8], bool) -> Class,
) -> Churn {
    use gix::diff::tree_with_rewrites::ChangeRef;
    let mut total = Churn::default();
    for delta in deltas {
        let change = delta.change.to_ref();
        let Some(scoped) = diff::within(change, scope) else {
            continue;
        };
        total.files_changed += 1;
        let generated = delta.text.as_ref().is_some_and(|t| t.generated);
        let class = class_of(scoped.location(), generated);
        if let Some((added, removed)) = diff::gitlink_lines(&scoped) {
            total.lines_added += added;
            total.lines_removed += removed;
            total.classes.add(class, added, removed);
            continue;
        }
        let split = matches!(change, ChangeRef::Rewrite { .. })
            && !matches!(scoped, ChangeRef::Rewrite { .. });
        // Binary content counts as a changed file with no lines, as numstat's `-`.
        let counts = if split {
            // A rename across the scope's edge: the side inside counts whole.
            if objects.touches_absent(&scoped) {
                None
            } else {
                diff::texts(&scoped, objects).map(|(old, new)| {
                    let (lines, _) = diff::line_diff(&old, &new);
                    (u64::from(lines.additions()), u64::from(lines.removals()))
                })
            }
        } else if delta.absent {
            None
        } else {
            delta
                .text
                .as_ref()
                .map(|t| (u64::from(t.added), u64::from(t.removed)))
        };
        if let Some((added, removed)) = counts {
            total.lines_added += added;
            total.lines_removed += removed;
            total.classes.add(class, added, removed);
        }
    }
    total
}
