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
//! bytes but no lines, and reported. Files no language claims are counted under [`UNRECOGNISED`]
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

use crate::git::snapshot::Snapshot;
use crate::month::Month;
use crate::scope::Scope;
use count::Lines;
use detect::{Detector, PathLanguage};

pub use crate::git::MAX_BLOB_BYTES;

/// The `language` value of files no language claims.
pub const UNRECOGNISED: &str = "Unrecognised";

/// Object cache per worker repository handle.
const WORKER_OBJECT_CACHE_BYTES: usize = 0;

/// Totals of one language in one tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: u64,
    pub code: u64,
    pub comments: u64,
    pub blanks: u64,
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
    pub lines: Lines,
    pub bytes: u64,
}

/// The blob cache's key: the same bytes under another name may be another language.
pub type BlobKey = (ObjectId, PathLanguage);
pub type BlobCache = HashMap<BlobKey, BlobCount>;

/// One row of the `loc` table before it gets its repository name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocRow {
    pub month: Month,
    /// tokei's language name, or [`UNRECOGNISED`].
    pub language: String,
    pub counts: Counts,
}

/// How much work a run did, for benchmarks and the closing summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocStats {
    /// Wall time reading trees, counting new blobs, and summing.
    pub trees_time: std::time::Duration,
    pub blobs_time: std::time::Duration,
    pub sums_time: std::time::Duration,
    /// CPU time summed over workers: reading blobs from the object database, and tokei counting.
    pub decode_cpu: std::time::Duration,
    pub count_cpu: std::time::Duration,
    pub snapshots: usize,
    /// Months whose stored counts were kept because their tree had not changed.
    pub snapshots_reused: usize,
    /// Commits read from the object database by the walk (only new ones when incremental).
    pub commits_walked: usize,
    pub trees: usize,
    pub blobs_counted: usize,
    pub blobs_cached: usize,
    pub bytes_decoded: u64,
}

/// Everything the line counting produced.
#[derive(Debug, Default)]
pub struct LocResult {
    pub rows: Vec<LocRow>,
    /// The cache including this run's new entries.
    pub cache: BlobCache,
    pub missing: Vec<ObjectId>,
    pub corrupt: Vec<ObjectId>,
    pub oversized: Vec<ObjectId>,
    pub stats: LocStats,
}

/// A tree as visited: its id, and (only when a scope narrows the analysis, because then what
/// counts depends on where the tree sits) the interned directory path it was found at.
type NodeKey = (ObjectId, u32);

enum Child {
    Tree(NodeKey),
    File(ObjectId, PathLanguage),
}

type Totals = BTreeMap<Option<LanguageType>, Counts>;

enum Outcome {
    Counted(BlobCount),
    Oversized(BlobCount),
    Missing,
    Corrupt,
}

/// Counts lines by language in every snapshot. `on_blob` is called once per newly counted blob.
pub fn count_snapshots(
    repo: &gix::Repository,
    snapshots: &[Snapshot],
    scope: &Scope,
    mut cache: BlobCache,
    on_blob: &(dyn Fn() + Sync),
) -> LocResult {
    let detector = Detector::default();
    let mut result = LocResult::default();
    let scoped = !scope.is_everything();
    // Interned directory paths (index 0 is the root), used only when scoped.
    let mut dirs: Vec<Vec<u8>> = vec![Vec::new()];
    let mut dir_index: HashMap<Vec<u8>, u32> = HashMap::new();

    // 1. Trees.
    let started = std::time::Instant::now();
    let mut trees: HashMap<NodeKey, Vec<Child>> = HashMap::new();
    let mut unreadable_trees: gix::hashtable::HashSet<ObjectId> = Default::default();
    // Newest snapshot first, so the first trees read are the ones most blobs are deltas against.
    let mut stack: Vec<NodeKey> = snapshots.iter().map(|s| (s.tree, 0)).collect();
    let mut in_tree_order: Vec<BlobKey> = Vec::new();
    let mut buf = Vec::new();
    while let Some(key) = stack.pop() {
        let (id, dir) = key;
        if trees.contains_key(&key) || unreadable_trees.contains(&id) {
            continue;
        }
        let data = match repo.objects.try_find(&id, &mut buf) {
            Ok(Some(d)) if d.kind == gix::object::Kind::Tree => d,
            Ok(None) => {
                unreadable_trees.insert(id);
                result.missing.push(id);
                continue;
            }
            Ok(Some(_)) | Err(_) => {
                unreadable_trees.insert(id);
                result.corrupt.push(id);
                continue;
            }
        };
        let mut children = Vec::new();
        let mut broken = false;
        for entry in gix::objs::TreeRefIter::from_bytes(data.data, data.object_hash) {
            let Ok(entry) = entry else {
                broken = true;
                break;
            };
            use gix::objs::tree::EntryKind;
            let path = |dirs: &Vec<Vec<u8>>| {
                let mut p = dirs[dir as usize].clone();
                if !p.is_empty() {
                    p.push(b'/');
                }
                p.extend_from_slice(entry.filename);
                p
            };
            match entry.mode.kind() {
                EntryKind::Tree => {
                    let child_dir = if scoped {
                        let p = path(&dirs);
                        if !scope.enters(&p) {
                            continue;
                        }
                        *dir_index.entry(p.clone()).or_insert_with(|| {
                            dirs.push(p);
                            (dirs.len() - 1) as u32
                        })
                    } else {
                        0
                    };
                    let child = (entry.oid.to_owned(), child_dir);
                    if !trees.contains_key(&child) {
                        stack.push(child);
                    }
                    children.push(Child::Tree(child));
                }
                EntryKind::Blob | EntryKind::BlobExecutable => {
                    if scoped && !scope.includes_file(&path(&dirs)) {
                        continue;
                    }
                    let file = (
                        entry.oid.to_owned(),
                        detector.from_file_name(entry.filename),
                    );
                    in_tree_order.push(file);
                    children.push(Child::File(file.0, file.1))
                }
                EntryKind::Link | EntryKind::Commit => {}
            }
        }
        if broken {
            result.corrupt.push(id);
        }
        trees.insert(key, children);
    }
    result.stats.trees = trees.len();
    result.stats.snapshots = snapshots.len();

    result.stats.trees_time = started.elapsed();

    // 2. Blobs not yet counted.
    let started = std::time::Instant::now();
    let mut wanted = in_tree_order;
    // Keep first-seen (tree) order: versions of one file sit together, so delta chains in the
    // pack are resolved from a warm delta-base cache instead of from scratch for every blob.
    let mut seen: std::collections::HashSet<BlobKey> = std::collections::HashSet::new();
    wanted.retain(|key| seen.insert(*key));
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
                let mut local = shared.to_thread_local();
                local.object_cache_size(WORKER_OBJECT_CACHE_BYTES);
                (local, Vec::new())
            },
            |(local, buf), key| {
                let outcome = count_blob(
                    local,
                    buf,
                    *key,
                    &detector,
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

    result.stats.blobs_time = started.elapsed();

    // 3. Sums.
    let started = std::time::Instant::now();
    let mut memo: HashMap<NodeKey, Rc<Totals>> = HashMap::new();
    for snapshot in snapshots {
        let totals = tree_totals((snapshot.tree, 0), &trees, &cache, &mut memo);
        for (language, counts) in totals.iter() {
            result.rows.push(LocRow {
                month: snapshot.month,
                language: language.map_or(UNRECOGNISED, |l| l.name()).to_string(),
                counts: *counts,
            });
        }
    }
    result
        .rows
        .sort_by(|a, b| (a.month, &a.language).cmp(&(b.month, &b.language)));
    result.cache = cache;
    result.stats.sums_time = started.elapsed();
    result
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
        });
    }
    if size > MAX_BLOB_BYTES {
        return Outcome::Oversized(BlobCount {
            language: named,
            lines: Lines::default(),
            bytes: size,
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
    })
}

fn tree_totals(
    id: NodeKey,
    trees: &HashMap<NodeKey, Vec<Child>>,
    cache: &BlobCache,
    memo: &mut HashMap<NodeKey, Rc<Totals>>,
) -> Rc<Totals> {
    if let Some(hit) = memo.get(&id) {
        return Rc::clone(hit);
    }
    let mut totals = Totals::new();
    for child in trees.get(&id).map(Vec::as_slice).unwrap_or_default() {
        match child {
            Child::Tree(sub) => {
                let sub = tree_totals(*sub, trees, cache, memo);
                for (language, counts) in sub.iter() {
                    *totals.entry(*language).or_default() += counts;
                }
            }
            Child::File(blob, lang) => {
                // Unreadable blobs have no cache entry and are left out (reported elsewhere).
                if let Some(c) = cache.get(&(*blob, *lang)) {
                    *totals.entry(c.language).or_default() += &Counts {
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
    let totals = Rc::new(totals);
    memo.insert(id, Rc::clone(&totals));
    totals
}
