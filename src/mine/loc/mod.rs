//! Lines of code by language in month-end snapshots.
//!
//! The work is reading each distinct tree once, counting each distinct blob once, and summing:
//!
//! 1. read every tree reachable from the snapshots' root trees, each tree id once, noting for
//!    each file entry its blob id and what its name says about the language ([`detect`]);
//! 2. count every (blob, name-language) pair not already in the blob cache, in parallel on the
//!    global rayon pool, each worker with its own repository handle ([`count`]);
//! 3. sum totals bottom-up with a memo by tree id, so a directory unchanged between months costs
//!    one lookup.
//!
//! Regular and executable files count; symlinks and submodules do not. A missing or unreadable
//! tree or blob is skipped and reported; a blob over [`MAX_BLOB_BYTES`] is counted as a file with
//! bytes but no lines, and reported. Files no language claims are counted under `UNRECOGNISED`
//! with files and bytes only.

pub mod count;
pub mod detect;

use std::collections::{BTreeMap, HashMap};
use std::ops::AddAssign;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use gix::objs::Find;
use gix::prelude::Header;
use gix::ObjectId;
use rayon::prelude::*;
use tokei::{Config, LanguageType};

use crate::mine::class::{Attributes, Class, Classifier, Linguist, PathClass};
use crate::mine::git::snapshot::Snapshot;
use crate::month::Month;
use crate::scope::Scope;
use count::Lines;
use detect::{Detector, PathLanguage};

pub use crate::mine::git::MAX_BLOB_BYTES;

/// The `language` value of files no language claims.
const UNRECOGNISED: &str = "Unrecognised";

/// Object cache per worker repository handle.
const WORKER_OBJECT_CACHE_BYTES: usize = 0;

/// Totals of one language in one tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Regular and executable files (symlinks and submodules are not counted).
    pub files: u64,
    /// Lines of code, as tokei counts them.
    pub code: u64,
    /// Comment lines, as tokei counts them.
    pub comments: u64,
    /// Blank lines, as tokei counts them.
    pub blanks: u64,
    /// The files' size in bytes.
    pub bytes: u64,
}

impl AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, o: &Counts) {
        self.files += o.files;
        self.code += o.code;
        self.comments += o.comments;
        self.blanks += o.blanks;
        self.bytes += o.bytes;
    }
}

/// What one blob counts as under one name-language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobCount {
    /// `None`: no language claims it.
    pub language: Option<LanguageType>,
    /// Its lines as tokei counts them (none when no language claims it or it is oversized).
    pub lines: Lines,
    /// The blob's size in bytes.
    pub bytes: u64,
    /// Its first bytes carry a generator's marker ([`crate::mine::class::generated_marker`]); only
    /// blobs that were read (counted in lines) are looked at.
    pub generated: bool,
}

/// The blob cache's key: the same bytes under another name may be another language.
pub type BlobKey = (ObjectId, PathLanguage);
/// What each (blob, name-language) pair counts as; stored, so a later run counts only new blobs.
pub type BlobCache = HashMap<BlobKey, BlobCount>;

/// One row of the `loc` table before it gets its repository name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocRow {
    /// The month whose snapshot was counted.
    pub month: Month,
    /// The class of the files counted (see [`crate::mine::class`]).
    pub class: Class,
    /// tokei's language name, or `UNRECOGNISED`.
    pub language: String,
    /// The totals of the month's files of this class and language.
    pub counts: Counts,
}

impl LocRow {
    /// The table's row order: month, language, class.
    pub fn order(&self) -> (Month, &str, Class) {
        (self.month, &self.language, self.class)
    }
}

/// How much work a run did, for benchmarks and the closing summary.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct LocStats {
    /// Wall time reading trees, counting new blobs, and summing.
    pub trees_time: std::time::Duration,
    /// Wall time counting the blobs the cache lacked.
    pub blobs_time: std::time::Duration,
    /// Wall time summing each snapshot's totals.
    pub sums_time: std::time::Duration,
    /// CPU time summed over workers: reading blobs from the object database, and tokei counting.
    pub decode_cpu: std::time::Duration,
    /// CPU time tokei spent counting, summed over workers.
    pub count_cpu: std::time::Duration,
    /// Snapshots counted by this run (reused ones left out).
    pub snapshots: usize,
    /// Months whose stored counts were kept because their tree had not changed.
    pub snapshots_reused: usize,
    /// Commits read from the object database by the walk (only new ones when incremental).
    pub commits_walked: usize,
    /// Trees read, each once per directory and attribute set it sits under.
    pub trees: usize,
    /// Distinct (blob, name-language) pairs counted by this run.
    pub blobs_counted: usize,
    /// Distinct pairs the blob cache already held.
    pub blobs_cached: usize,
    /// Bytes of blob content read from the object database.
    pub bytes_decoded: u64,
}

/// Everything the line counting produced.
#[derive(Debug, Default)]
pub struct LocResult {
    /// The `loc` rows, in [`LocRow::order`].
    pub rows: Vec<LocRow>,
    /// The cache including this run's new entries.
    pub cache: BlobCache,
    /// Trees and blobs absent from the object database.
    pub missing: Vec<ObjectId>,
    /// Trees and blobs present but unreadable or of the wrong kind.
    pub corrupt: Vec<ObjectId>,
    /// Blobs over [`MAX_BLOB_BYTES`], counted as files with bytes and no lines.
    pub oversized: Vec<ObjectId>,
    /// `.gitattributes` blobs with lines git ignores (see [`crate::mine::class::MAX_ATTRIBUTES_LINE`]).
    pub ignored_attributes: Vec<ObjectId>,
    /// The files of the counted snapshots whose blobs are missing, by path.
    pub missing_files: Vec<MissingFile>,
    /// The hardening practices each counted snapshot shows (see [`crate::mine::practices`]).
    pub practices: Vec<(Month, crate::mine::practices::Found)>,
    /// How much work the run did.
    pub stats: LocStats,
}

/// The missing files of an earlier run (for the months this run reused) and of this run, one
/// row per (path, blob) spanning both; rows of months no longer analysed are dropped.
pub fn merge_missing(
    earlier: Vec<MissingFile>,
    now: Vec<MissingFile>,
    months: &std::collections::HashSet<Month>,
) -> Vec<MissingFile> {
    let mut merged: BTreeMap<(String, ObjectId), MissingFile> = BTreeMap::new();
    let earlier = earlier
        .into_iter()
        .filter(|f| months.contains(&f.first_month) || months.contains(&f.last_month));
    for file in earlier.chain(now) {
        merged
            .entry((file.path.clone(), file.blob))
            .and_modify(|f| {
                f.first_month = f.first_month.min(file.first_month);
                f.last_month = f.last_month.max(file.last_month);
                f.commits.extend(file.commits.iter().copied());
                f.commits.dedup();
            })
            .or_insert(file);
    }
    merged.into_values().collect()
}

/// A file whose blob the repository lacks (a partial or damaged clone): its lines are missing
/// from every month it spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFile {
    /// The file's path from the repository root.
    pub path: String,
    /// The blob the repository lacks.
    pub blob: ObjectId,
    /// Its class by path (a generator's marker cannot be read).
    pub class: Class,
    /// The language its name gives; empty when only its content could tell.
    pub language: String,
    /// The first month whose series lack its lines.
    pub first_month: Month,
    /// The last month whose series lack its lines.
    pub last_month: Month,
    /// The commits whose changes name it at this path (adding, changing or removing it), oldest
    /// first; empty when only a snapshot held it (its commit's churn was not diffed).
    pub commits: Vec<ObjectId>,
}

/// Adds to `files` every absent blob that `refs` name at a path, and the naming commits to each
/// row: a file no snapshot holds (it lived between two month ends) gets a row of its own,
/// spanning the months of those commits (`month_of`: their churn lacks its lines), with its
/// class by path and its language by name; a row a snapshot holds keeps its snapshots' months.
/// `order` sorts a row's commits oldest first.
pub fn add_references(
    files: &mut Vec<MissingFile>,
    refs: &[crate::mine::churn::MissingRef],
    month_of: impl Fn(&ObjectId) -> Option<Month>,
    order: impl Fn(&ObjectId) -> (i64, usize),
    classes: &Classifier,
) {
    let held: std::collections::HashSet<(String, ObjectId)> =
        files.iter().map(|f| (f.path.clone(), f.blob)).collect();
    let detector = Detector::default();
    let mut rows: BTreeMap<(String, ObjectId), MissingFile> = files
        .drain(..)
        .map(|f| ((f.path.clone(), f.blob), f))
        .collect();
    for r in refs {
        let month = month_of(&r.commit);
        let row = rows.entry((r.path.clone(), r.blob)).or_insert_with(|| {
            let name = r.path.rsplit('/').next().unwrap_or(&r.path);
            let fallback =
                month.unwrap_or_else(|| Month::from_unix(0).expect("the epoch is a month"));
            MissingFile {
                path: r.path.clone(),
                blob: r.blob,
                class: classes
                    .path_class(r.path.as_bytes(), &Attributes::default())
                    .class,
                language: match detector.from_file_name(name.as_bytes()) {
                    PathLanguage::Known(l) => l.name().to_string(),
                    _ => String::new(),
                },
                first_month: fallback,
                last_month: fallback,
                commits: Vec::new(),
            }
        });
        if let Some(m) = month.filter(|_| !held.contains(&(r.path.clone(), r.blob))) {
            row.first_month = row.first_month.min(m);
            row.last_month = row.last_month.max(m);
        }
        row.commits.push(r.commit);
    }
    for row in rows.values_mut() {
        row.commits.sort_by_key(|c| (order(c), *c));
        row.commits.dedup();
    }
    files.extend(rows.into_values());
}

/// A tree as visited: its id, the interned directory path it was found at (what counts and
/// each file's class depend on where a tree sits), and the interned linguist attributes of the
/// `.gitattributes` files above it.
type NodeKey = (ObjectId, u32, u32);

/// A visited tree's index in [`TreeReader::nodes`].
type Node = u32;

/// An entry of a visited tree, in 16 bytes: a kernel-sized history's month-end trees hold 20
/// million of them, so trees and blobs are indices rather than ids.
enum Child {
    Tree(Node),
    /// A file: its blob (an index into [`TreeReader::blobs`]), what its name says of its
    /// language, its class by path, and its name (an index into [`TreeReader::names`]).
    File(u32, PathLanguage, PathClass, u32),
}

const _: () = assert!(std::mem::size_of::<Child>() <= 16);

/// A value for the tree at `root` made from its children's (`combine` receives the tree, its
/// children and the values of every subtree, all in `memo`), for every tree below it once:
/// a post-order walk with a work list, as a repository controls how deep its trees go (git
/// reads 4,096 levels; a recursion would overflow the stack first).
fn fold_trees<T: Clone>(
    root: Node,
    trees: &HashMap<Node, Vec<Child>>,
    memo: &mut HashMap<Node, T>,
    mut combine: impl FnMut(Node, &[Child], &HashMap<Node, T>) -> T,
) -> T {
    let children = |key: &Node| trees.get(key).map(Vec::as_slice).unwrap_or_default();
    let mut work = vec![(root, false)];
    while let Some((key, expanded)) = work.pop() {
        if memo.contains_key(&key) {
            continue;
        }
        if expanded {
            let value = combine(key, children(&key), memo);
            memo.insert(key, value);
            continue;
        }
        work.push((key, true));
        for child in children(&key) {
            if let Child::Tree(sub) = child {
                if !memo.contains_key(sub) {
                    work.push((*sub, false));
                }
            }
        }
    }
    memo[&root].clone()
}

/// The index of `key` in `list`, added at its end when `index` does not know it yet.
fn intern<K, S>(list: &mut Vec<K>, index: &mut HashMap<K, u32, S>, key: K) -> u32
where
    K: std::hash::Hash + Eq + Copy,
    S: std::hash::BuildHasher,
{
    *index.entry(key).or_insert_with(|| {
        list.push(key);
        (list.len() - 1) as u32
    })
}

type Totals = BTreeMap<(Class, Option<LanguageType>), Counts>;

enum Outcome {
    Counted(BlobCount),
    Oversized(BlobCount),
    Missing,
    Corrupt,
}

/// Counts lines by class and language in every snapshot. `on_blob` is called once per newly
/// counted blob.
pub fn count_snapshots(
    repo: &gix::Repository,
    snapshots: &[Snapshot],
    scope: &Scope,
    classes: &Classifier,
    cache: BlobCache,
    on_blob: &(dyn Fn() + Sync),
) -> LocResult {
    let detector = Detector::default();
    let mut result = LocResult::default();
    let started = std::time::Instant::now();
    let mut trees = TreeReader::new(repo, scope, classes, &detector);
    let in_tree_order = trees.read(snapshots, &mut result);
    result.stats.trees = trees.trees.len();
    result.stats.snapshots = snapshots.len();
    result.stats.trees_time = started.elapsed();

    let started = std::time::Instant::now();
    let cache = count_new_blobs(repo, in_tree_order, cache, &detector, &mut result, on_blob);
    result.stats.blobs_time = started.elapsed();
    result.missing_files = trees.missing_files(snapshots, &result.missing);
    result.practices = trees.practices(snapshots);
    result.ignored_attributes = trees.ignored_attributes.iter().copied().collect();
    result.ignored_attributes.sort();

    let started = std::time::Instant::now();
    let mut memo: HashMap<Node, Rc<Totals>> = HashMap::new();
    for snapshot in snapshots {
        let root = trees.root(snapshot.tree);
        let totals = tree_totals(root, &trees.trees, &trees.blobs, &cache, &mut memo);
        for ((class, language), counts) in totals.iter() {
            result.rows.push(LocRow {
                month: snapshot.month,
                class: *class,
                language: language.map_or(UNRECOGNISED, |l| l.name()).to_string(),
                counts: *counts,
            });
        }
    }
    result.rows.sort_by(|a, b| a.order().cmp(&b.order()));
    result.cache = cache;
    result.stats.sums_time = started.elapsed();
    result
}

/// Reads every tree of the snapshots once per place it sits, noting each file's blob, what its
/// name says of its language, and its class by path.
struct TreeReader<'a> {
    repo: &'a gix::Repository,
    scope: &'a Scope,
    classes: &'a Classifier,
    detector: &'a Detector,
    /// Each readable tree's entries that count, by node.
    trees: HashMap<Node, Vec<Child>>,
    /// Every tree met (readable or not), interned.
    nodes: Vec<NodeKey>,
    node_index: HashMap<NodeKey, Node>,
    /// Every blob met, interned.
    blobs: Vec<ObjectId>,
    blob_index: HashMap<ObjectId, u32, gix::hashtable::hash::Builder>,
    unreadable: gix::hashtable::HashSet<ObjectId>,
    /// Interned directory paths (index 0 is the root), and each one's built-in class bits.
    dirs: Vec<(Vec<u8>, u8)>,
    dir_index: HashMap<Vec<u8>, u32>,
    /// Interned attribute sets (index 0: none), and the set a `.gitattributes` blob in a
    /// directory under a set gives.
    attrs: Vec<Attributes>,
    attrs_index: HashMap<(u32, ObjectId, u32), u32>,
    /// `.gitattributes` blobs with a line git ignores (too long), each once.
    ignored_attributes: gix::hashtable::HashSet<ObjectId>,
    /// File names, interned: names repeat across a history. Each with its language and built-in
    /// class.
    names: Vec<Vec<u8>>,
    name_index: HashMap<Vec<u8>, (u32, PathLanguage, Option<Class>)>,
}

impl<'a> TreeReader<'a> {
    fn new(
        repo: &'a gix::Repository,
        scope: &'a Scope,
        classes: &'a Classifier,
        detector: &'a Detector,
    ) -> TreeReader<'a> {
        TreeReader {
            repo,
            scope,
            classes,
            detector,
            trees: HashMap::new(),
            nodes: Vec::new(),
            node_index: HashMap::new(),
            blobs: Vec::new(),
            blob_index: Default::default(),
            unreadable: Default::default(),
            dirs: vec![(Vec::new(), 0)],
            dir_index: HashMap::new(),
            attrs: vec![Attributes::default()],
            attrs_index: HashMap::new(),
            ignored_attributes: Default::default(),
            names: Vec::new(),
            name_index: HashMap::new(),
        }
    }

    /// Reads every tree reachable from the snapshots; returns the distinct files in the order
    /// first met (each once: a blob sits in the trees of many months, and a kernel-sized history
    /// has 20 million file entries in its month-end trees for 2.5 million distinct blobs).
    fn read(&mut self, snapshots: &[Snapshot], result: &mut LocResult) -> Vec<BlobKey> {
        // Newest snapshot first, so the first trees read are the ones most blobs are deltas
        // against.
        let mut stack: Vec<Node> = snapshots
            .iter()
            .map(|s| self.node((s.tree, 0, 0)))
            .collect();
        let mut in_tree_order = Vec::new();
        let mut met: std::collections::HashSet<(u32, PathLanguage)> = Default::default();
        let mut buf = Vec::new();
        while let Some(node) = stack.pop() {
            let key = self.nodes[node as usize];
            if self.trees.contains_key(&node) || self.unreadable.contains(&key.0) {
                continue;
            }
            let data = match self.repo.objects.try_find(&key.0, &mut buf) {
                Ok(Some(d)) if d.kind == gix::object::Kind::Tree => d,
                Ok(None) => {
                    self.unreadable.insert(key.0);
                    result.missing.push(key.0);
                    continue;
                }
                Ok(Some(_)) | Err(_) => {
                    self.unreadable.insert(key.0);
                    result.corrupt.push(key.0);
                    continue;
                }
            };
            let (children, broken) = self.children(key, data.data, data.object_hash);
            if broken {
                result.corrupt.push(key.0);
            }
            for child in &children {
                match child {
                    Child::Tree(sub) if !self.trees.contains_key(sub) => stack.push(*sub),
                    Child::File(blob, language, ..) => {
                        if met.insert((*blob, *language)) {
                            in_tree_order.push((self.blobs[*blob as usize], *language));
                        }
                    }
                    Child::Tree(_) => {}
                }
            }
            self.trees.insert(node, children);
        }
        // Every blob is met by now; the index would only hold memory through the counting.
        self.blob_index = Default::default();
        in_tree_order
    }

    /// The node of the tree at `key`, interned.
    fn node(&mut self, key: NodeKey) -> Node {
        intern(&mut self.nodes, &mut self.node_index, key)
    }

    /// The node of a snapshot's root tree (every one was interned by [`TreeReader::read`]; any
    /// other tree is a node with no entries).
    fn root(&self, tree: ObjectId) -> Node {
        self.node_index
            .get(&(tree, 0, 0))
            .copied()
            .unwrap_or(Node::MAX)
    }

    /// The index of blob `id`, interned.
    fn blob(&mut self, id: ObjectId) -> u32 {
        intern(&mut self.blobs, &mut self.blob_index, id)
    }

    /// The entries of the tree at `key` that count: subtrees in scope and regular or executable
    /// files in scope, with their classes; and whether the tree could not be read to its end.
    fn children(
        &mut self,
        (_, dir, parent_attrs): NodeKey,
        data: &[u8],
        hash: gix::hash::Kind,
    ) -> (Vec<Child>, bool) {
        use gix::objs::tree::EntryKind;
        let attrs = self.own_attributes(dir, parent_attrs, data, hash);
        let scoped = !self.scope.is_everything();
        let with_paths = scoped || self.classes.needs_paths() || attrs != 0;
        let mut children = Vec::new();
        let mut path = Vec::new();
        for entry in gix::objs::TreeRefIter::from_bytes(data, hash) {
            let Ok(entry) = entry else {
                return (children, true);
            };
            path.clear();
            path.extend_from_slice(&self.dirs[dir as usize].0);
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(entry.filename);
            match entry.mode.kind() {
                EntryKind::Tree => {
                    if scoped && !self.scope.enters(&path) {
                        continue;
                    }
                    let child_dir = self.intern_dir(dir, &path);
                    let node = self.node((entry.oid.to_owned(), child_dir, attrs));
                    children.push(Child::Tree(node));
                }
                EntryKind::Blob | EntryKind::BlobExecutable => {
                    if scoped && !self.scope.includes_file(&path) {
                        continue;
                    }
                    let (name, language, named) = self.name(entry.filename);
                    let linguist = match attrs {
                        0 => Linguist::default(),
                        i => self.attrs[i as usize].lookup(&path),
                    };
                    let full = if with_paths { path.as_slice() } else { b"" };
                    let dir_bits = self.dirs[dir as usize].1;
                    let class = self.classes.file_class(dir_bits, full, named, &linguist);
                    let blob = self.blob(entry.oid.to_owned());
                    children.push(Child::File(blob, language, class, name));
                }
                EntryKind::Link | EntryKind::Commit => {}
            }
        }
        (children, false)
    }

    /// The practices each snapshot's tree shows.
    fn practices(&self, snapshots: &[Snapshot]) -> Vec<(Month, crate::mine::practices::Found)> {
        let mut memo: HashMap<Node, crate::mine::practices::Found> = HashMap::new();
        let mut fuzz_tests = HashMap::new();
        snapshots
            .iter()
            .map(|s| {
                let found = self.practices_in(self.root(s.tree), &mut memo, &mut fuzz_tests);
                (s.month, found)
            })
            .collect()
    }

    /// Whether the Go test file `blob` declares a fuzz test (memoised by blob in `memo`; an
    /// unreadable blob declares none: the line counter reports it).
    fn go_fuzz_test(&self, blob: ObjectId, memo: &mut HashMap<ObjectId, bool>) -> bool {
        *memo.entry(blob).or_insert_with(|| {
            let mut buf = Vec::new();
            match self.repo.objects.try_find(&blob, &mut buf) {
                Ok(Some(d)) if d.kind == gix::object::Kind::Blob => {
                    crate::mine::practices::declares_go_fuzz_test(d.data)
                }
                _ => false,
            }
        })
    }

    /// The practices the tree at `key` shows, at any depth (memoised in `memo`).
    fn practices_in(
        &self,
        node: Node,
        memo: &mut HashMap<Node, crate::mine::practices::Found>,
        fuzz_tests: &mut HashMap<ObjectId, bool>,
    ) -> crate::mine::practices::Found {
        use crate::mine::practices::{of_dir, of_file, Found};
        fold_trees(node, &self.trees, memo, |node, children, memo| {
            let mut found = Found::default();
            let dir = match self.nodes.get(node as usize) {
                Some(key) => self.dirs[key.1 as usize].0.as_slice(),
                None => &[],
            };
            let dir = String::from_utf8_lossy(dir).into_owned();
            if let Some(p) = of_dir(&dir).filter(|_| !dir.is_empty()) {
                found.add(p, &dir);
            }
            for child in children {
                match child {
                    Child::Tree(sub) => found.merge(&memo[sub]),
                    Child::File(blob, .., name) => {
                        let name = String::from_utf8_lossy(&self.names[*name as usize]);
                        let path = match dir.is_empty() {
                            true => name.into_owned(),
                            false => format!("{dir}/{name}"),
                        };
                        if let Some(p) = of_file(&path) {
                            found.add(p, &path);
                        } else if path.ends_with("_test.go")
                            && self.go_fuzz_test(self.blobs[*blob as usize], fuzz_tests)
                        {
                            found.add(crate::mine::practices::Practice::Fuzzing, &path);
                        }
                    }
                }
            }
            found
        })
    }

    /// The files of `snapshots` whose blob is in `missing`, with the months they span.
    fn missing_files(&self, snapshots: &[Snapshot], missing: &[ObjectId]) -> Vec<MissingFile> {
        let missing: std::collections::HashSet<&ObjectId> = missing.iter().collect();
        if missing.is_empty() {
            return Vec::new();
        }
        let mut holds: HashMap<Node, bool> = HashMap::new();
        let mut found: BTreeMap<(String, ObjectId), MissingFile> = BTreeMap::new();
        for snapshot in snapshots {
            let mut stack = vec![self.root(snapshot.tree)];
            while let Some(node) = stack.pop() {
                if !self.holds_missing(node, &missing, &mut holds) {
                    continue;
                }
                for child in self.trees.get(&node).map(Vec::as_slice).unwrap_or_default() {
                    let (blob, language, class, name) = match child {
                        Child::Tree(sub) => {
                            stack.push(*sub);
                            continue;
                        }
                        Child::File(blob, language, class, name) => {
                            (&self.blobs[*blob as usize], language, class, name)
                        }
                    };
                    if !missing.contains(blob) {
                        continue;
                    }
                    let dir = self.nodes.get(node as usize).map_or(0, |key| key.1);
                    let mut path = self.dirs[dir as usize].0.clone();
                    if !path.is_empty() {
                        path.push(b'/');
                    }
                    path.extend_from_slice(&self.names[*name as usize]);
                    let path = String::from_utf8_lossy(&path).into_owned();
                    found
                        .entry((path.clone(), *blob))
                        .and_modify(|f| f.last_month = snapshot.month)
                        .or_insert(MissingFile {
                            path,
                            blob: *blob,
                            class: class.class,
                            language: match language {
                                PathLanguage::Known(l) => l.name().to_string(),
                                _ => String::new(),
                            },
                            first_month: snapshot.month,
                            last_month: snapshot.month,
                            commits: Vec::new(),
                        });
                }
            }
        }
        found.into_values().collect()
    }

    /// Whether the tree at `node` holds a missing blob at any depth (memoised in `holds`).
    fn holds_missing(
        &self,
        node: Node,
        missing: &std::collections::HashSet<&ObjectId>,
        holds: &mut HashMap<Node, bool>,
    ) -> bool {
        fold_trees(node, &self.trees, holds, |_, children, holds| {
            children.iter().any(|c| match c {
                Child::Tree(sub) => holds[sub],
                Child::File(blob, ..) => missing.contains(&self.blobs[*blob as usize]),
            })
        })
    }

    /// A file name's index, language and built-in class.
    fn name(&mut self, name: &[u8]) -> (u32, PathLanguage, Option<Class>) {
        if let Some(hit) = self.name_index.get(name) {
            return *hit;
        }
        let found = (
            self.names.len() as u32,
            self.detector.from_file_name(name),
            self.classes.name_class(name),
        );
        self.names.push(name.to_vec());
        self.name_index.insert(name.to_vec(), found);
        found
    }

    fn intern_dir(&mut self, parent: u32, path: &[u8]) -> u32 {
        if let Some(i) = self.dir_index.get(path) {
            return *i;
        }
        let bits = self.classes.dir_context(self.dirs[parent as usize].1, path);
        self.dirs.push((path.to_vec(), bits));
        let i = (self.dirs.len() - 1) as u32;
        self.dir_index.insert(path.to_vec(), i);
        i
    }

    /// The attribute set for the entries of a tree in `dir` under `parent`: `parent` and the
    /// linguist lines of the tree's own `.gitattributes`, if it has one that sets any.
    fn own_attributes(&mut self, dir: u32, parent: u32, data: &[u8], hash: gix::hash::Kind) -> u32 {
        let file = gix::objs::TreeRefIter::from_bytes(data, hash)
            .filter_map(Result::ok)
            .find(|e| e.filename == ".gitattributes" && e.mode.is_blob())
            .map(|e| e.oid.to_owned());
        let Some(blob) = file else {
            return parent;
        };
        if let Some(i) = self.attrs_index.get(&(parent, blob, dir)) {
            return *i;
        }
        let mut buf = Vec::new();
        let text = match self.repo.objects.try_find(&blob, &mut buf) {
            Ok(Some(d)) if d.kind == gix::object::Kind::Blob => d.data,
            // An unreadable .gitattributes is met again as a blob to count, and reported then.
            _ => &[],
        };
        let dir_path = &self.dirs[dir as usize].0;
        let (set, read) = self.attrs[parent as usize].with_file_read(dir_path, text);
        if read.long_lines > 0 {
            self.ignored_attributes.insert(blob);
        }
        let i = match set {
            Some(set) => {
                self.attrs.push(set);
                (self.attrs.len() - 1) as u32
            }
            None => parent,
        };
        self.attrs_index.insert((parent, blob, dir), i);
        i
    }
}

/// Counts the blobs of `wanted` (distinct, in the order the trees were read) that the cache
/// lacks, in parallel; returns the cache with them.
fn count_new_blobs(
    repo: &gix::Repository,
    mut wanted: Vec<BlobKey>,
    mut cache: BlobCache,
    detector: &Detector,
    result: &mut LocResult,
    on_blob: &(dyn Fn() + Sync),
) -> BlobCache {
    // Kept in first-seen (tree) order: versions of one file sit together, so delta chains in
    // the pack are resolved from a warm delta-base cache instead of from scratch for every blob.
    let distinct = wanted.len();
    wanted.retain(|key| !cache.contains_key(key));
    result.stats.blobs_cached = distinct - wanted.len();
    let bytes_decoded = AtomicU64::new(0);
    let decode_nanos = AtomicU64::new(0);
    let count_nanos = AtomicU64::new(0);
    let shared = repo.clone().into_sync();
    let config = Config::default();
    let outcomes: Vec<(BlobKey, Outcome)> = wanted
        .par_iter()
        .map_init(
            || {
                let local = crate::mine::git::local_handle(&shared, WORKER_OBJECT_CACHE_BYTES);
                (local, Vec::new())
            },
            |(local, buf), key| {
                let outcome = count_blob(
                    local,
                    buf,
                    *key,
                    detector,
                    &config,
                    (&bytes_decoded, &decode_nanos, &count_nanos),
                );
                on_blob();
                (*key, outcome)
            },
        )
        .collect();
    result.stats.blobs_counted = outcomes.len();
    result.stats.bytes_decoded = bytes_decoded.into_inner();
    result.stats.decode_cpu = std::time::Duration::from_nanos(decode_nanos.into_inner());
    result.stats.count_cpu = std::time::Duration::from_nanos(count_nanos.into_inner());
    for (key, outcome) in outcomes {
        match outcome {
            Outcome::Counted(c) => {
                cache.insert(key, c);
            }
            Outcome::Oversized(c) => {
                cache.insert(key, c);
                result.oversized.push(key.0);
            }
            Outcome::Missing => result.missing.push(key.0),
            Outcome::Corrupt => result.corrupt.push(key.0),
        }
    }
    cache
}

fn count_blob(
    repo: &gix::Repository,
    buf: &mut Vec<u8>,
    (id, path_language): BlobKey,
    detector: &Detector,
    config: &Config,
    (bytes_decoded, decode_nanos, count_nanos): (&AtomicU64, &AtomicU64, &AtomicU64),
) -> Outcome {
    let started = std::time::Instant::now();
    let size = match repo.objects.try_header(&id) {
        Ok(Some(h)) if h.kind() == gix::object::Kind::Blob => h.size(),
        Ok(None) => return Outcome::Missing,
        Ok(Some(_)) | Err(_) => return Outcome::Corrupt,
    };
    let named = match path_language {
        PathLanguage::Known(l) => Some(l),
        PathLanguage::Shebang | PathLanguage::Unknown => None,
    };
    if path_language == PathLanguage::Unknown {
        return Outcome::Counted(BlobCount {
            language: None,
            lines: Lines::default(),
            bytes: size,
            generated: false,
        });
    }
    if size > MAX_BLOB_BYTES {
        return Outcome::Oversized(BlobCount {
            language: named,
            lines: Lines::default(),
            bytes: size,
            generated: false,
        });
    }
    let bytes = match repo.objects.try_find(&id, buf) {
        Ok(Some(d)) => d.data,
        Ok(None) => return Outcome::Missing,
        Err(_) => return Outcome::Corrupt,
    };
    bytes_decoded.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    let decoded = std::time::Instant::now();
    decode_nanos.fetch_add((decoded - started).as_nanos() as u64, Ordering::Relaxed);
    let language = named.or_else(|| detector.from_shebang(bytes));
    let lines = language.map_or_else(Lines::default, |l| count::count_lines(l, bytes, config));
    count_nanos.fetch_add(decoded.elapsed().as_nanos() as u64, Ordering::Relaxed);
    Outcome::Counted(BlobCount {
        language,
        lines,
        bytes: size,
        generated: crate::mine::class::generated_marker(bytes),
    })
}

fn tree_totals(
    node: Node,
    trees: &HashMap<Node, Vec<Child>>,
    blobs: &[ObjectId],
    cache: &BlobCache,
    memo: &mut HashMap<Node, Rc<Totals>>,
) -> Rc<Totals> {
    fold_trees(node, trees, memo, |_, children, memo| {
        let mut totals = Totals::new();
        for child in children {
            match child {
                Child::Tree(sub) => {
                    for (key, counts) in memo[sub].iter() {
                        *totals.entry(*key).or_default() += counts;
                    }
                }
                Child::File(blob, lang, class, _) => {
                    // Unreadable blobs have no cache entry and are left out (reported elsewhere).
                    if let Some(c) = cache.get(&(blobs[*blob as usize], *lang)) {
                        let class = class.with_marker(c.generated);
                        *totals.entry((class, c.language)).or_default() += &Counts {
                            files: 1,
                            code: c.lines.code,
                            comments: c.lines.comments,
                            blanks: c.lines.blanks,
                            bytes: c.bytes,
                        };
                    }
                }
            }
        }
        Rc::new(totals)
    })
}
