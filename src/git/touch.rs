//! Which commits touch the analysed part of the tree, when `--path`/`--exclude` narrow it.
//!
//! A commit is in scope when its in-scope content differs from that of every parent (a root
//! commit: when it has in-scope content). For an ordinary commit that is "it changes an in-scope
//! path", as `git log --full-history -- PATHS` reports; a merge counts only when it is not
//! identical in scope to any parent, git's TREESAME rule, so a merge that merely brings a side
//! branch's in-scope commits along is not counted twice. The comparison descends only into
//! subtrees whose ids differ, so it costs a few tree reads per commit.

use std::collections::BTreeMap;

use gix::objs::Find;
use gix::ObjectId;
use rayon::prelude::*;

use super::History;
use crate::scope::Scope;

type Entries = BTreeMap<Vec<u8>, (bool, ObjectId)>; // name -> (is_tree, id)

fn read_tree(repo: &gix::Repository, id: Option<ObjectId>, buf: &mut Vec<u8>) -> Entries {
    let mut out = Entries::new();
    let Some(id) = id else { return out };
    let Ok(Some(data)) = repo.objects.try_find(&id, buf) else {
        // Unreadable trees compare as empty; the loc stage reports them.
        return out;
    };
    for entry in gix::objs::TreeRefIter::from_bytes(data.data, data.object_hash).flatten() {
        let is_tree = entry.mode.kind() == gix::objs::tree::EntryKind::Tree;
        out.insert(entry.filename.to_vec(), (is_tree, entry.oid.to_owned()));
    }
    out
}

/// Whether the in-scope content under `dir` differs between trees `a` and `b`.
fn differs(
    repo: &gix::Repository,
    scope: &Scope,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    dir: &[u8],
    buf: &mut Vec<u8>,
) -> bool {
    if a == b {
        return false;
    }
    let left = read_tree(repo, a, buf);
    let right = read_tree(repo, b, buf);
    let names: std::collections::BTreeSet<&Vec<u8>> = left.keys().chain(right.keys()).collect();
    for name in names {
        let (l, r) = (left.get(name), right.get(name));
        if l == r {
            continue;
        }
        let mut path = dir.to_vec();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(name);
        let subtree = |e: Option<&(bool, ObjectId)>| e.filter(|e| e.0).map(|e| e.1);
        let file = |e: Option<&(bool, ObjectId)>| e.filter(|e| !e.0).map(|e| e.1);
        if file(l) != file(r) && scope.includes_file(&path) {
            return true;
        }
        let (ta, tb) = (subtree(l), subtree(r));
        if ta != tb && scope.enters(&path) && differs(repo, scope, ta, tb, &path, buf) {
            return true;
        }
    }
    false
}

/// For each commit of `history` from index `from` on (same order), whether it is in scope.
pub fn commits_in_scope(
    repo: &gix::Repository,
    history: &History,
    scope: &Scope,
    from: usize,
) -> Vec<bool> {
    let pending = history.commits.get(from..).unwrap_or_default();
    if scope.is_everything() {
        return vec![true; pending.len()];
    }
    let trees: gix::hashtable::HashMap<ObjectId, ObjectId> =
        history.commits.iter().map(|c| (c.id, c.tree)).collect();
    let shared = repo.clone().into_sync();
    pending
        .par_iter()
        .map_init(
            || {
                let mut local = shared.to_thread_local();
                local.object_cache_size_if_unset(16 << 20);
                (local, Vec::new())
            },
            |(local, buf), c| {
                let parents: Vec<Option<ObjectId>> = if c.parents.is_empty() {
                    vec![None]
                } else {
                    // A parent that is missing compares as an empty tree.
                    c.parents.iter().map(|p| trees.get(p).copied()).collect()
                };
                parents
                    .into_iter()
                    .all(|p| differs(local, scope, p, Some(c.tree), b"", buf))
            },
        )
        .collect()
}
