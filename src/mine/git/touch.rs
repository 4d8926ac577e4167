//! Which commits touch the analysed part of the tree, when `--path`/`--exclude` narrow it.
//!
//! A commit is in scope when its in-scope content differs from that of every parent (a root
//! commit: when it has in-scope content). For an ordinary commit that is "it changes an in-scope
//! path", as `git log --full-history -- PATHS` reports; a merge counts only when it is not
//! identical in scope to any parent, git's TREESAME rule, so a merge that merely brings a side
//! branch's in-scope commits along is not counted twice. The comparison descends only into
//! subtrees whose ids differ, so it costs a few tree reads per commit.

use gix::objs::Find;
use gix::ObjectId;
use rayon::prelude::*;

use super::History;
use crate::scope::Scope;

/// A tree's entries as (name, is a tree, id), in the tree's own (git's) order, borrowed from the
/// object's bytes.
fn entries(data: &[u8], hash: gix::hash::Kind) -> Vec<(&[u8], bool, ObjectId)> {
    gix::objs::TreeRefIter::from_bytes(data, hash)
        .flatten()
        .map(|e| {
            let is_tree = e.mode.kind() == gix::objs::tree::EntryKind::Tree;
            (AsRef::<[u8]>::as_ref(e.filename), is_tree, e.oid.to_owned())
        })
        .collect()
}

/// Git's order of tree entries: by name, a tree's name compared as if it ended in `/`.
fn git_order(a: (&[u8], bool), b: (&[u8], bool)) -> std::cmp::Ordering {
    let common = a.0.len().min(b.0.len());
    match a.0[..common].cmp(&b.0[..common]) {
        std::cmp::Ordering::Equal => {
            let end = |(name, tree): (&[u8], bool)| match (name.get(common), tree) {
                (Some(c), _) => *c,
                (None, true) => b'/',
                (None, false) => 0,
            };
            end(a).cmp(&end(b)).then(a.0.len().cmp(&b.0.len()))
        }
        other => other,
    }
}

/// The bytes of tree `id` into `buf`, or `None` (no tree, or unreadable: it compares as empty;
/// the loc stage reports it).
fn tree_bytes<'b>(
    repo: &gix::Repository,
    id: Option<ObjectId>,
    buf: &'b mut Vec<u8>,
) -> Option<(&'b [u8], gix::hash::Kind)> {
    let data = repo.objects.try_find(&id?, buf).ok()??;
    Some((data.data, data.object_hash))
}

/// Whether the in-scope content under `dir` differs between trees `a` and `b`. The two trees'
/// entries are walked side by side in git's order, so equal entries cost a comparison and no
/// allocation (a kernel-sized root tree is compared once per commit).
fn differs(
    repo: &gix::Repository,
    scope: &Scope,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    dir: &[u8],
) -> bool {
    if a == b {
        return false;
    }
    let (mut buf_a, mut buf_b) = (Vec::new(), Vec::new());
    let left = tree_bytes(repo, a, &mut buf_a).map_or_else(Vec::new, |(d, h)| entries(d, h));
    let right = tree_bytes(repo, b, &mut buf_b).map_or_else(Vec::new, |(d, h)| entries(d, h));
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        let order = match (left.get(i), right.get(j)) {
            (Some(l), Some(r)) => git_order((l.0, l.1), (r.0, r.1)),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (l, r) = match order {
            std::cmp::Ordering::Less => (left.get(i), None),
            std::cmp::Ordering::Greater => (None, right.get(j)),
            std::cmp::Ordering::Equal => (left.get(i), right.get(j)),
        };
        i += usize::from(l.is_some());
        j += usize::from(r.is_some());
        if l == r {
            continue;
        }
        let name = l.or(r).map_or(&b""[..], |e| e.0);
        let mut path = dir.to_vec();
        if !path.is_empty() {
            path.push(b'/');
        }
        path.extend_from_slice(name);
        let subtree = |e: Option<&(&[u8], bool, ObjectId)>| e.filter(|e| e.1).map(|e| e.2);
        let file = |e: Option<&(&[u8], bool, ObjectId)>| e.filter(|e| !e.1).map(|e| e.2);
        if file(l) != file(r) && scope.includes_file(&path) {
            return true;
        }
        let (ta, tb) = (subtree(l), subtree(r));
        if ta != tb && scope.enters(&path) && differs(repo, scope, ta, tb, &path) {
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
            || super::local_handle(&shared, 16 << 20),
            |local, c| {
                let parents: Vec<Option<ObjectId>> = if c.parents.is_empty() {
                    vec![None]
                } else {
                    // A parent that is missing compares as an empty tree.
                    c.parents.iter().map(|p| trees.get(p).copied()).collect()
                };
                parents
                    .into_iter()
                    .all(|p| differs(local, scope, p, Some(c.tree), b""))
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Greater, Less};

    #[test]
    fn entries_compare_in_gits_order() {
        // A tree's name sorts as if it ended in '/': "a.c" (file) before "a" (tree), "a" (file)
        // before "a-b".
        assert_eq!(git_order((b"a.c", false), (b"a", true)), Less);
        assert_eq!(git_order((b"a", true), (b"a0", false)), Less);
        assert_eq!(git_order((b"a", false), (b"a-b", false)), Less);
        assert_eq!(git_order((b"b", false), (b"a", true)), Greater);
        assert_eq!(
            git_order((b"kvm", true), (b"kvm", true)),
            std::cmp::Ordering::Equal
        );
    }
}
