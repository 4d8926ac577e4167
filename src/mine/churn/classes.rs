//! The classes of changed files for churn and line age, as the line counter gives them: by path,
//! under every `.gitattributes` file on the path's directories in the commit's tree (the root's
//! and nested ones, deeper over shallower as git reads them), memoised per worker.
//!
//! A path's attributes are the `.gitattributes` blobs met going down its directories from the
//! root tree: that list (its *chain*) is what a class depends on, so classes are memoised under
//! the chain and the path, and a commit that leaves the chain alone costs tree look-ups only.

use std::collections::HashMap;

use gix::bstr::ByteSlice;
use gix::objs::Find;
use gix::ObjectId;

use crate::mine::class::{Attributes, Classifier, PathClass};

/// Entries kept in each of the tree memos before they are emptied (a kernel-sized history
/// visits tens of millions of trees; every entry is some 60 bytes).
const TREE_MEMO_ENTRIES: usize = 1 << 20;

/// The `.gitattributes` blobs on one path's directories, shallowest first: each with the length
/// of its directory's path (0 for the root).
type Chain = Vec<(u32, ObjectId)>;

/// Classes by path under the `.gitattributes` files of a tree, memoised.
#[derive(Default)]
pub(crate) struct ClassMemo {
    /// Each tree's own `.gitattributes` blob.
    own: gix::hashtable::HashMap<ObjectId, Option<ObjectId>>,
    /// A tree's subtree of a name.
    subtrees: HashMap<(ObjectId, Vec<u8>), Option<ObjectId>>,
    /// Interned chains and the attributes each stands for.
    chains: HashMap<Chain, usize>,
    attributes: Vec<Attributes>,
    paths: HashMap<(usize, Vec<u8>), PathClass>,
    buf: Vec<u8>,
}

impl ClassMemo {
    /// The class by path of `path` in the tree `root` (a commit's tree).
    pub(crate) fn class(
        &mut self,
        repo: &gix::Repository,
        classes: &Classifier,
        root: ObjectId,
        path: &[u8],
    ) -> PathClass {
        let chain = self.chain(repo, root, path);
        let at = match self.chains.get(&chain) {
            Some(&at) => at,
            None => {
                let attributes = self.attributes_of(repo, path, &chain);
                self.attributes.push(attributes);
                let at = self.attributes.len() - 1;
                self.chains.insert(chain, at);
                at
            }
        };
        if let Some(hit) = self.paths.get(&(at, path.to_vec())) {
            return *hit;
        }
        let class = classes.path_class(path, &self.attributes[at]);
        self.paths.insert((at, path.to_vec()), class);
        class
    }

    /// The `.gitattributes` blobs on the directories of `path` in the tree `root`.
    fn chain(&mut self, repo: &gix::Repository, root: ObjectId, path: &[u8]) -> Chain {
        if self.own.len() > TREE_MEMO_ENTRIES || self.subtrees.len() > TREE_MEMO_ENTRIES {
            self.own.clear();
            self.subtrees.clear();
        }
        let mut chain = Chain::new();
        let mut tree = root;
        let mut offset = 0;
        loop {
            if let Some(blob) = self.own_attributes(repo, tree) {
                chain.push((offset as u32, blob));
            }
            let Some(slash) = path[offset..].find_byte(b'/') else {
                break;
            };
            let name = &path[offset..offset + slash];
            let Some(sub) = self.subtree(repo, tree, name) else {
                break;
            };
            tree = sub;
            offset += slash + 1;
        }
        chain
    }

    /// The attributes the blobs of `chain` give (unreadable blobs give none).
    fn attributes_of(&mut self, repo: &gix::Repository, path: &[u8], chain: &Chain) -> Attributes {
        let mut attributes = Attributes::default();
        for &(offset, blob) in chain {
            let dir = path[..(offset as usize).saturating_sub(1)].to_vec();
            let text = match repo.objects.try_find(&blob, &mut self.buf) {
                Ok(Some(d)) if d.kind == gix::object::Kind::Blob => d.data.to_vec(),
                _ => Vec::new(),
            };
            if let Some(more) = attributes.with_file(&dir, &text) {
                attributes = more;
            }
        }
        attributes
    }

    /// The `.gitattributes` blob of `tree`, if it has one.
    fn own_attributes(&mut self, repo: &gix::Repository, tree: ObjectId) -> Option<ObjectId> {
        if let Some(hit) = self.own.get(&tree) {
            return *hit;
        }
        let found = self.find_entry(repo, tree, b".gitattributes", |m| m.is_blob());
        self.own.insert(tree, found);
        found
    }

    /// The subtree of `tree` named `name`, if it has one.
    fn subtree(&mut self, repo: &gix::Repository, tree: ObjectId, name: &[u8]) -> Option<ObjectId> {
        let key = (tree, name.to_vec());
        if let Some(hit) = self.subtrees.get(&key) {
            return *hit;
        }
        let found = self.find_entry(repo, tree, name, |m| m.is_tree());
        self.subtrees.insert(key, found);
        found
    }

    /// The entry `name` of `tree` whose mode `kind` accepts (an unreadable tree has none).
    fn find_entry(
        &mut self,
        repo: &gix::Repository,
        tree: ObjectId,
        name: &[u8],
        kind: impl Fn(gix::objs::tree::EntryMode) -> bool,
    ) -> Option<ObjectId> {
        let data = repo.objects.try_find(&tree, &mut self.buf).ok()??;
        if data.kind != gix::object::Kind::Tree {
            return None;
        }
        gix::objs::TreeRefIter::from_bytes(data.data, data.object_hash)
            .filter_map(Result::ok)
            .find(|e| e.filename == name && kind(e.mode))
            .map(|e| e.oid.to_owned())
    }
}
