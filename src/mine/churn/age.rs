//! Line age: when each line of the tree was last written, followed along the first-parent chain.
//!
//! Every line of every regular or executable file carries the chain position of the commit that
//! last wrote it. Walking the first-parent chain from the root, each commit is compared with its
//! first parent (a merge therefore counts as the commit that brought its branch's lines into the
//! mainline, as `git blame --first-parent` sees it); renames are detected as git does by default,
//! so a moved file keeps its lines' ages; a changed file is line-diffed (Myers with git's slider
//! heuristics), unchanged lines keep their age and added lines take the commit's. The diffs of
//! non-merge links come from the churn stage, which made them already;
//! the others (merges, or links churn did not see in this run) are computed here in parallel
//! batches; all are applied in chain order.
//!
//! At each month's snapshot the lines of the files the `loc` table counts (a language claims the
//! file and it is not oversized; inside the `--path`/`--exclude` scope) are summed by class (as
//! the line counter classes the file, under the snapshot's `.gitattributes` files, nested ones too) and cohort, the
//! UTC year of the committer time of the commit that wrote them; median age, new-code share and
//! bus factor are those of the project's own code (class `code`). A file git would diff as binary
//! (such as UTF-16 text) but that tokei counts cannot be followed line by line: when it changes,
//! all its lines (as tokei counts them) take the commit's age.
//!
//! All files are followed whatever the scope, so that a file renamed into the scope keeps its
//! history; the scope only decides which files a month's figures sum.

use std::collections::{BTreeMap, HashMap};

use gix::bstr::{BStr, BString, ByteSlice};
use gix::ObjectId;
use rayon::prelude::*;
use tokei::{Config, LanguageType};

use super::diff::{within_limit, Delta};
use crate::mine::class::{Class, Classifier};
use crate::mine::git::snapshot::ChainLink;
use crate::mine::loc::count::count_lines;
use crate::mine::loc::detect::{Detector, PathLanguage};
use crate::month::Month;
use crate::scope::Scope;

/// Chain links whose diffs are computed together before being applied in order.
const BATCH: usize = 256;

/// One file's lines at the tracked commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAges {
    /// The file's blob at the tracked commit.
    pub blob: ObjectId,
    /// Whether the `loc` table counts the file's lines.
    pub counted: bool,
    /// Whether its content carries a generator's marker (see [`crate::mine::class`]).
    pub generated: bool,
    /// For each line, the chain position (0 = the root) of the commit that last wrote it.
    pub lines: Vec<u32>,
}

/// The tracked files after the first `applied` links of the chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineAges {
    /// Every followed file (in scope or not), by path from the repository root.
    pub files: HashMap<BString, FileAges>,
    /// How many links of the chain, root first, the state has followed.
    pub applied: usize,
}

/// One month's age figures.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthAge {
    /// The month whose snapshot these figures describe.
    pub month: Month,
    /// Lines by class and by the UTC year of the commit that last wrote them.
    pub cohorts: BTreeMap<(Class, i32), u64>,
    /// Lines of every class.
    pub lines: u64,
    /// Median age of the project's own code (class `code`) at the month's end, in days (`None`
    /// without such lines).
    pub median_age_days: Option<f64>,
    /// Share of own code's lines last written in the 12 calendar months ending with this month.
    pub new_code_share: Option<f64>,
    /// Bus factor: the fewest people credited with at least half of the own code's lines
    /// written by people (see [`ChainLink::owner`]; bots' lines are left out), `None` without
    /// such lines.
    pub bus_factor: Option<u32>,
}

/// How a file's lines change in one step.
#[derive(Debug)]
enum Edit {
    /// Line-diff hunks against the old content: (old line range, new line count).
    Hunks {
        hunks: Vec<(std::ops::Range<u32>, u32)>,
        old_len: u32,
        new_len: u32,
    },
    /// All lines are new.
    Replace(u32),
}

#[derive(Debug)]
enum FileChange {
    /// A deleted file, with the language its name gives (for the per-language line changes).
    Delete(BString, Option<LanguageType>),
    Put {
        /// The old path of a rename.
        from: Option<BString>,
        /// Whether `from` stays (blame's own rename for an added file whose source another
        /// change of the commit also uses or deletes): its lines are copied, and the commit's
        /// line changes are numstat's for an added file (`added` lines, none removed).
        copy: Option<u64>,
        path: BString,
        /// The blob the old content must have for `edit` to apply.
        previous: Option<ObjectId>,
        blob: ObjectId,
        counted: bool,
        generated: bool,
        /// The language the `loc` table counts the file under (`None` when not counted).
        language: Option<LanguageType>,
        edit: Edit,
    },
}

/// Lines one first-parent commit added and removed in the counted files of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanguageChange {
    /// Chain position of the commit (0 = the root).
    pub position: usize,
    /// The language the `loc` table counts the files under.
    pub language: LanguageType,
    /// The class of the files changed (as the line counter classes them at that commit).
    pub class: Class,
    /// Lines the commit added in those files.
    pub added: u64,
    /// Lines the commit removed in those files.
    pub removed: u64,
}

/// Lines one first-parent commit added and removed in the counted files of one vendored package
/// (see [`crate::mine::class::vendored_package`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorChange {
    /// Chain position of the commit (0 = the root).
    pub position: usize,
    /// The package's directory, e.g. `vendor/github.com/mattn/go-sqlite3`.
    pub package: String,
    /// Lines the commit added in the package's counted files.
    pub added: u64,
    /// Lines the commit removed in the package's counted files.
    pub removed: u64,
}

/// What one call of `track` found.
#[derive(Debug, Default)]
pub struct Tracked {
    /// The figures of the wanted months, in order.
    pub months: Vec<MonthAge>,
    /// Per vendored package line changes of the links followed in this call, in chain order.
    pub vendored: Vec<VendorChange>,
    /// Per-language line changes of the links followed in this call, in chain order (one entry
    /// per link and language, in-scope counted files only).
    pub languages: Vec<LanguageChange>,
}

/// Advances `state` to the end of `chain` (root first) and returns the figures of every
/// `(month, chain position)` in `wanted`, in that order, with each followed link's line changes
/// by language. Positions must be ascending and none may
/// lie before `state.applied - 1` (the state cannot go back): the caller starts afresh otherwise.
#[allow(clippy::too_many_arguments)]
pub(crate) fn track(
    repo: &gix::Repository,
    chain: &[ChainLink],
    state: &mut LineAges,
    wanted: &[(Month, usize)],
    (scope, classes): (&Scope, &Classifier),
    cached: &super::Diffs,
    on_link: &(dyn Fn() + Sync),
) -> Tracked {
    let mut tracker = Tracker {
        repo,
        chain,
        scope,
        classes,
        figures: Figures::new(chain),
        wanted,
        next: 0,
        memo: super::ClassMemo::default(),
        attributes: None,
        histogram: None,
        out: Tracked::default(),
    };
    if state.applied > 0 {
        tracker.emit(state, state.applied - 1);
    }
    let diffs = LinkDiffs {
        detector: Detector::default(),
        shared: repo.clone().into_sync(),
        config: Config::default(),
        workers: super::Workers::new(),
    };
    while state.applied < chain.len() {
        let end = (state.applied + BATCH).min(chain.len());
        for changes in diffs.batch(chain, state.applied..end, cached, on_link) {
            // An unreadable tree leaves the state as it was; later diffs resynchronise it
            // file by file (a blob that does not match the stored one is taken as all new).
            tracker.apply_link(state, changes.unwrap_or_default());
            state.applied += 1;
            tracker.emit(state, state.applied - 1);
        }
    }
    tracker.out
}

/// What diffing chain links needs for a whole [`track`] call: worker states (each with its
/// object cache) and language detection live as long as the call, not one batch.
struct LinkDiffs {
    detector: Detector,
    shared: gix::ThreadSafeRepository,
    config: Config,
    workers: super::Workers<super::DiffWorker>,
}

impl LinkDiffs {
    /// The changes of the chain links in `links`, diffed in parallel (or taken from `cached`,
    /// the diffs churn made, whose line diffs by blob pair also serve the merges), in chain
    /// order; `None` for a link whose trees cannot be read.
    fn batch(
        &self,
        chain: &[ChainLink],
        links: std::ops::Range<usize>,
        cached: &super::Diffs,
        on_link: &(dyn Fn() + Sync),
    ) -> Vec<Option<Vec<FileChange>>> {
        // Contiguous runs of links per task, so a worker's object cache sees consecutive trees.
        links
            .into_par_iter()
            .with_min_len(16)
            .map(|i| {
                on_link();
                self.workers.with(
                    || super::diff_worker(&self.shared),
                    |(local, renames)| {
                        let renames = renames.as_mut()?;
                        let parent = i.checked_sub(1).map(|p| chain[p].tree);
                        let ctx = Ctx {
                            repo: local,
                            detector: &self.detector,
                            config: &self.config,
                        };
                        let known = cached.commits.get(&chain[i].commit).map(Vec::as_slice);
                        let trees = (parent, chain[i].tree);
                        link_changes(&ctx, renames, trees, known, &cached.pairs)
                    },
                )
            })
            .collect()
    }
}

/// What [`track`] keeps while it follows the chain: the months still to emit, the classes of
/// paths (one memo for month figures and link changes alike), and what it found.
struct Tracker<'a> {
    repo: &'a gix::Repository,
    chain: &'a [ChainLink],
    scope: &'a Scope,
    classes: &'a Classifier,
    figures: Figures,
    wanted: &'a [(Month, usize)],
    /// The first month of `wanted` not emitted yet.
    next: usize,
    memo: super::ClassMemo,
    /// The tree whose `.gitattributes` files classify the state's paths: the tree of the first
    /// position after the last link that changed a `.gitattributes` file (`None`: not chosen
    /// yet). A later tree has the same `.gitattributes` files where it has the same paths (a
    /// directory it adds has none, or the link adding it would have changed one), so classes
    /// memoised under it stay right until a link changes one.
    attributes: Option<ObjectId>,
    /// The line histogram of the state as it stands (see [`Figures::histogram`]), kept up to
    /// date link by link (the files a link touches taken out before it and put back after), so
    /// a month's figures cost its cohorts, not a pass over every tracked line; `None` until
    /// first needed and after a link that changes `.gitattributes` (every class may change).
    histogram: Option<[Vec<u64>; 5]>,
    out: Tracked,
}

impl Tracker<'_> {
    /// The tree whose `.gitattributes` files apply at `position` (see [`Tracker::attributes`]).
    fn attributes_at(&mut self, position: usize) -> ObjectId {
        *self.attributes.get_or_insert(self.chain[position].tree)
    }

    /// The figures of the wanted months whose snapshot is the state at `position`.
    fn emit(&mut self, state: &LineAges, position: usize) {
        let start = self.next;
        while self.next < self.wanted.len() && self.wanted[self.next].1 <= position {
            self.next += 1;
        }
        if self.next == start {
            return;
        }
        if self.histogram.is_none() {
            let (repo, classes) = (self.repo, self.classes);
            let attributes = self.attributes_at(position);
            let memo = &mut self.memo;
            let mut class_of = |path: &[u8], generated: bool| {
                memo.class(repo, classes, attributes, path)
                    .with_marker(generated)
            };
            self.histogram = Some(self.figures.histogram(state, self.scope, &mut class_of));
        }
        let Some(histogram) = &self.histogram else {
            return;
        };
        let months = self.wanted[start..self.next].iter();
        let figures = &self.figures;
        self.out
            .months
            .extend(months.map(|(month, _)| figures.month(histogram, *month)));
    }

    /// Takes the lines of the files at `paths` out of the kept histogram (`add` false) or puts
    /// them back (`add` true), under the `.gitattributes` files of tree `attributes`; a path named
    /// twice counts once.
    fn recount(&mut self, state: &LineAges, paths: &[BString], attributes: ObjectId, add: bool) {
        let Some(histogram) = self.histogram.as_mut() else {
            return;
        };
        let everything = self.scope.is_everything();
        let mut done: std::collections::HashSet<&[u8]> = Default::default();
        for path in paths {
            let Some(file) = state.files.get(path.as_bstr()) else {
                continue;
            };
            if !done.insert(path.as_slice()) {
                continue;
            }
            if !file.counted || !(everything || self.scope.includes_file(path)) {
                continue;
            }
            let class = self
                .memo
                .class(self.repo, self.classes, attributes, path)
                .with_marker(file.generated);
            let of_class = &mut histogram[class.index()];
            if of_class.is_empty() {
                of_class.resize(self.figures.times.len(), 0);
            }
            for &p in &file.lines {
                let n = &mut of_class[p as usize];
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        }
    }

    /// Applies one link's changes to `state` and notes its line changes by language and class,
    /// and by vendored package, for the in-scope files.
    fn apply_link(&mut self, state: &mut LineAges, changes: Vec<FileChange>) {
        let position = state.applied;
        if changes.iter().any(FileChange::touches_attributes) {
            self.attributes = None;
            self.histogram = None;
        }
        let attributes = self.attributes_at(position);
        // The files this link may change: each change's path and the path it renames from
        // (only while a histogram is kept: before the first month, nothing needs them).
        let touched: Vec<BString> = changes
            .iter()
            .filter(|_| self.histogram.is_some())
            .flat_map(|c| {
                let from = match c {
                    FileChange::Put { from, .. } => from.clone(),
                    FileChange::Delete(..) => None,
                };
                std::iter::once(c.path().to_owned()).chain(from)
            })
            .collect();
        self.recount(state, &touched, attributes, false);
        let mut by_language: BTreeMap<(&'static str, Class), LanguageChange> = BTreeMap::new();
        let mut by_package: BTreeMap<String, VendorChange> = BTreeMap::new();
        for change in changes {
            let in_scope = self.scope.is_everything() || self.scope.includes_file(change.path());
            let path = change.path().to_owned();
            let applied = apply(state, change, position as u32);
            let Some((language, generated, added, removed)) = applied.filter(|_| in_scope) else {
                continue;
            };
            let class = self
                .memo
                .class(self.repo, self.classes, attributes, &path)
                .with_marker(generated);
            if class == Class::Vendored {
                let package = crate::mine::class::vendored_package(&path.to_str_lossy());
                let entry = by_package.entry(package.clone()).or_insert(VendorChange {
                    position,
                    package,
                    added: 0,
                    removed: 0,
                });
                entry.added += added;
                entry.removed += removed;
            }
            let entry = by_language
                .entry((language.name(), class))
                .or_insert(LanguageChange {
                    position,
                    language,
                    class,
                    added: 0,
                    removed: 0,
                });
            entry.added += added;
            entry.removed += removed;
        }
        self.recount(state, &touched, attributes, true);
        let changed = |added: u64, removed: u64| added + removed > 0;
        let languages = by_language
            .into_values()
            .filter(|c| changed(c.added, c.removed));
        self.out.languages.extend(languages);
        let packages = by_package
            .into_values()
            .filter(|c| changed(c.added, c.removed));
        self.out.vendored.extend(packages);
    }
}

/// The tracked lines of an opened repository at its tip: for every followed file, whether the
/// `loc` table counts it, and the commit that last wrote each line. What
/// `git blame --first-parent` answers, for every file at once (the tests' oracle).
pub fn line_origins(opened: &crate::mine::git::Opened) -> BTreeMap<String, (bool, Vec<ObjectId>)> {
    let reader = crate::mine::git::walk::CommitReader {
        people: crate::mine::git::Resolver::new(b"", crate::mine::git::BotRule::default()),
        advisories: Default::default(),
        pull_keys: Default::default(),
    };
    let history = crate::mine::git::walk(&opened.repo, opened.tip, &reader, &|_| {});
    let mut chain = crate::mine::git::snapshot::first_parent_chain(&history, opened.tip);
    chain.reverse();
    let mut state = LineAges::default();
    track(
        &opened.repo,
        &chain,
        &mut state,
        &[],
        (&Scope::everything(), &Classifier::default()),
        &Default::default(),
        &|| {},
    );
    state
        .files
        .into_iter()
        .map(|(path, f)| {
            let ids = f.lines.iter().map(|&p| chain[p as usize].commit).collect();
            (path.to_string(), (f.counted, ids))
        })
        .collect()
}

impl FileChange {
    /// Whether the change adds, changes, removes or renames a `.gitattributes` file (at any
    /// depth).
    fn touches_attributes(&self) -> bool {
        let is_attributes = |p: &BStr| p == ".gitattributes" || p.ends_with(b"/.gitattributes");
        let from = match self {
            FileChange::Put { from, .. } => {
                from.as_ref().is_some_and(|f| is_attributes(f.as_ref()))
            }
            FileChange::Delete(..) => false,
        };
        from || is_attributes(self.path())
    }

    /// The path the change leaves (or, for a deletion, removes).
    fn path(&self) -> &BStr {
        match self {
            FileChange::Delete(path, _) | FileChange::Put { path, .. } => path.as_ref(),
        }
    }
}

/// Applies one file change; returns the counted language, whether the file carries a
/// generator's marker, and the lines the change added and removed.
fn apply(
    state: &mut LineAges,
    change: FileChange,
    position: u32,
) -> Option<(LanguageType, bool, u64, u64)> {
    match change {
        FileChange::Delete(path, language) => {
            let old = state.files.remove(&path)?;
            let language = language.filter(|_| old.counted)?;
            Some((language, old.generated, 0, old.lines.len() as u64))
        }
        FileChange::Put {
            from,
            copy,
            path,
            previous,
            blob,
            counted,
            generated,
            language,
            edit,
        } => {
            let old = match (copy, &from) {
                (Some(_), Some(from)) => state.files.get(from).cloned(),
                _ => state.files.remove(from.as_ref().unwrap_or(&path)),
            };
            let old_counted_lines = old
                .as_ref()
                .filter(|o| o.counted)
                .map(|o| o.lines.len() as u64);
            let old = old.filter(|o| Some(o.blob) == previous);
            let lines = match (edit, old) {
                (
                    Edit::Hunks {
                        hunks,
                        old_len,
                        new_len,
                    },
                    old,
                ) => {
                    let old_lines = old.map(|o| o.lines).unwrap_or_default();
                    if old_lines.len() == old_len as usize {
                        splice(&old_lines, &hunks, position, new_len)
                    } else {
                        vec![position; new_len as usize]
                    }
                }
                (Edit::Replace(n), _) => vec![position; n as usize],
            };
            // Lines the commit wrote, and the old lines it dropped (a file that was not counted
            // before, such as one renamed into a known extension, brings all its lines anew).
            let (added, removed) = match (copy, old_counted_lines) {
                (Some(added), _) => (added, 0),
                (None, Some(old_len)) => {
                    let added = lines.iter().filter(|&&p| p == position).count() as u64;
                    let kept = lines.len() as u64 - added;
                    (added, old_len.saturating_sub(kept))
                }
                (None, None) => (lines.len() as u64, 0),
            };
            let change = language.map(|l| (l, generated, added, removed));
            state.files.insert(
                path,
                FileAges {
                    blob,
                    counted,
                    generated,
                    lines,
                },
            );
            change
        }
    }
}

/// The new line list: unchanged lines keep their position, hunk lines take `position`.
fn splice(
    old: &[u32],
    hunks: &[(std::ops::Range<u32>, u32)],
    position: u32,
    new_len: u32,
) -> Vec<u32> {
    let mut out = Vec::with_capacity(new_len as usize);
    let mut at = 0usize;
    for (before, added) in hunks {
        let start = (before.start as usize).min(old.len());
        out.extend_from_slice(&old[at.min(start)..start]);
        out.extend(std::iter::repeat_n(position, *added as usize));
        at = (before.end as usize).min(old.len());
    }
    out.extend_from_slice(&old[at.min(old.len())..]);
    if out.len() != new_len as usize {
        // Cannot happen for hunks of a diff of the old content; stay consistent regardless.
        return vec![position; new_len as usize];
    }
    out
}

struct Ctx<'a> {
    repo: &'a gix::Repository,
    detector: &'a Detector,
    config: &'a Config,
}

/// The file changes of one chain link: its commit's changes as churn made them (`known`), or
/// the diff of its trees (a merge's, against its first parent) through the blob-pair memo.
fn link_changes(
    ctx: &Ctx<'_>,
    renames: &mut gix::diff::blob::Platform,
    trees: (Option<ObjectId>, ObjectId),
    known: Option<&[Delta]>,
    pairs: &super::PairMemo,
) -> Option<Vec<FileChange>> {
    let computed;
    let deltas = match known {
        Some(deltas) => deltas,
        None => {
            let objects = super::diff::Tolerant::new(ctx.repo);
            computed = super::diff::deltas(ctx.repo, &objects, renames, trees, pairs)?;
            &computed
        }
    };
    Some(with_blame_renames(ctx, deltas))
}

/// The file changes of `deltas`, with `git blame`'s own renames: an added file whose content
/// came from a file the commit deletes or renames away (one deleted file feeding two new ones)
/// takes that file's lines, as blame's one-path rename search finds them, while the commit's
/// line changes stay numstat's (an added file). These come first, before their source goes.
fn with_blame_renames(ctx: &Ctx<'_>, deltas: &[Delta]) -> Vec<FileChange> {
    use gix::diff::tree_with_rewrites::Change;
    let mut sources: Vec<super::renames::Side<'_>> = deltas
        .iter()
        .filter_map(|d| match &d.change {
            Change::Deletion {
                location,
                entry_mode,
                id,
                ..
            } => Some((location.as_ref(), *entry_mode, *id)),
            Change::Rewrite {
                source_location,
                source_entry_mode,
                source_id,
                copy: false,
                ..
            } => Some((source_location.as_ref(), *source_entry_mode, *source_id)),
            _ => None,
        })
        .collect();
    // git's candidates come in diff order: by path.
    sources.sort_by(|a, b| a.0.cmp(b.0));
    let objects = super::diff::Tolerant::new(ctx.repo);
    let mut renames = super::renames::BlameRenames::new(&sources, &objects);
    let mut copies = Vec::new();
    let mut rest = Vec::new();
    for d in deltas {
        if let Change::Addition {
            location,
            entry_mode,
            id,
            ..
        } = &d.change
        {
            let followed = (!sources.is_empty() && entry_mode.is_blob() && !d.absent)
                .then(|| {
                    let source = renames.source_of((location.as_ref(), *entry_mode, *id))?;
                    blame_copy(ctx, &objects, d, sources[source], (location.as_ref(), *id))
                })
                .flatten();
            if let Some(change) = followed {
                copies.push(change);
                continue;
            }
        }
        rest.extend(file_change(ctx, d));
    }
    copies.extend(rest);
    copies
}

/// The added file at `path` (blob `id`, change `delta`) taking its lines from `source`, as blame
/// does; `None` when either side is binary to git.
fn blame_copy(
    ctx: &Ctx<'_>,
    objects: &super::diff::Tolerant<'_>,
    delta: &Delta,
    (from, _, from_blob): super::renames::Side<'_>,
    (path, id): (&BStr, ObjectId),
) -> Option<FileChange> {
    let added = delta.text.as_ref()?.added;
    let old = super::diff::text(objects, &from_blob)?;
    let new = super::diff::text(objects, &id)?;
    let (hunks, old_len, new_len) = super::diff::blame_diff(&old, &new);
    let mut change = put(ctx, delta, Some(from), path, Some(from_blob), id);
    let FileChange::Put { copy, edit, .. } = &mut change else {
        return None;
    };
    *copy = Some(u64::from(added));
    *edit = Edit::Hunks {
        hunks,
        old_len,
        new_len,
    };
    Some(change)
}

/// What one change does to the tracked files (nothing for trees, gitlinks and symlinks).
fn file_change(ctx: &Ctx<'_>, delta: &Delta) -> Option<FileChange> {
    use gix::diff::tree_with_rewrites::Change;
    let put = |from: Option<&BStr>, path: &BStr, previous: Option<ObjectId>, id| {
        Some(put(ctx, delta, from, path, previous, id))
    };
    match &delta.change {
        Change::Deletion {
            location,
            entry_mode,
            id,
            ..
        } => entry_mode
            .is_blob()
            .then(|| deleted(ctx, location.as_ref(), *id)),
        Change::Addition {
            location,
            entry_mode,
            id,
            ..
        } => entry_mode
            .is_blob()
            .then(|| put(None, location.as_ref(), None, *id))
            .flatten(),
        Change::Modification {
            location,
            previous_entry_mode,
            previous_id,
            entry_mode,
            id,
        } => {
            if entry_mode.is_blob() {
                let previous = previous_entry_mode.is_blob().then_some(*previous_id);
                put(None, location.as_ref(), previous, *id)
            } else {
                previous_entry_mode
                    .is_blob()
                    .then(|| deleted(ctx, location.as_ref(), *previous_id))
            }
        }
        Change::Rewrite {
            source_location,
            source_entry_mode,
            source_id,
            entry_mode,
            location,
            id,
            copy,
            ..
        } => match (source_entry_mode.is_blob() && !copy, entry_mode.is_blob()) {
            (true, true) => put(
                Some(source_location.as_ref()),
                location.as_ref(),
                Some(*source_id),
                *id,
            ),
            (true, false) => Some(deleted(ctx, source_location.as_ref(), *source_id)),
            (false, true) => put(None, location.as_ref(), None, *id),
            (false, false) => None,
        },
    }
}

/// The change of one file that exists after the commit.
fn put(
    ctx: &Ctx<'_>,
    delta: &Delta,
    from: Option<&BStr>,
    path: &BStr,
    previous: Option<ObjectId>,
    blob: ObjectId,
) -> FileChange {
    let name = path.rsplit_str("/").next().unwrap_or(path.as_bytes());
    let by_name = ctx.detector.from_file_name(name);
    if delta.absent {
        // An absent blob: the file's lines are unknown, so it holds none from here on.
        return FileChange::Put {
            from: from.map(ToOwned::to_owned),
            copy: None,
            path: path.to_owned(),
            previous,
            blob,
            counted: false,
            generated: false,
            language: None,
            edit: Edit::Replace(0),
        };
    }
    let fresh = delta.text.as_ref().map(|t| {
        let edit = if from.is_none() && previous.is_none() {
            // A new file: every line is new.
            Edit::Replace(t.new_len)
        } else {
            Edit::Hunks {
                hunks: t.hunks.clone(),
                old_len: t.old_len,
                new_len: t.new_len,
            }
        };
        (edit, t.head.as_slice(), t.generated)
    });
    let (language, edit, generated) = match fresh {
        Some((edit, head, generated)) => {
            let language = match by_name {
                PathLanguage::Known(l) => Some(l),
                PathLanguage::Shebang => ctx.detector.from_shebang(head),
                PathLanguage::Unknown => None,
            };
            (language, edit, generated)
        }
        // Binary to git, or unreadable: tokei's count of the whole blob, all new.
        None => {
            let bytes = within_limit(&ctx.repo.objects, &blob);
            let generated = bytes
                .as_deref()
                .is_some_and(crate::mine::class::generated_marker);
            let lines = bytes.and_then(|b| {
                let language = match by_name {
                    PathLanguage::Known(l) => Some(l),
                    PathLanguage::Shebang => ctx.detector.from_shebang(&b),
                    PathLanguage::Unknown => None,
                }?;
                Some((language, tokei_lines(language, &b, ctx.config)))
            });
            let edit = Edit::Replace(lines.map_or(0, |l| l.1));
            (lines.map(|l| l.0), edit, generated)
        }
    };
    FileChange::Put {
        from: from.map(ToOwned::to_owned),
        copy: None,
        path: path.to_owned(),
        previous,
        blob,
        counted: language.is_some(),
        generated,
        language,
        edit,
    }
}

/// The deletion of the file at `path` (blob `blob`), with its language.
fn deleted(ctx: &Ctx<'_>, path: &BStr, blob: ObjectId) -> FileChange {
    let name = path.rsplit_str("/").next().unwrap_or(path.as_bytes());
    let language = match ctx.detector.from_file_name(name) {
        PathLanguage::Known(l) => Some(l),
        PathLanguage::Shebang => within_limit(&ctx.repo.objects, &blob)
            .and_then(|b| ctx.detector.from_shebang(&b[..b.len().min(128)])),
        PathLanguage::Unknown => None,
    };
    FileChange::Delete(path.to_owned(), language)
}

fn tokei_lines(language: LanguageType, bytes: &[u8], config: &Config) -> u32 {
    let l = count_lines(language, bytes, config);
    u32::try_from(l.code + l.comments + l.blanks).unwrap_or(u32::MAX)
}

/// What a month's figures need from the chain: each position's time and year.
struct Figures {
    times: Vec<i64>,
    owners: Vec<Option<u32>>,
    years: Vec<i32>,
    /// Positions from the youngest commit to the oldest.
    youngest_first: Vec<u32>,
}

impl Figures {
    fn new(chain: &[ChainLink]) -> Figures {
        let times: Vec<i64> = chain.iter().map(|l| l.committer_time).collect();
        let years = times
            .iter()
            .map(|&t| {
                use chrono::Datelike;
                chrono::DateTime::from_timestamp(t, 0).map_or(1970, |d| d.year())
            })
            .collect();
        let mut youngest_first: Vec<u32> = (0..chain.len() as u32).collect();
        youngest_first.sort_by_key(|&p| (std::cmp::Reverse(times[p as usize]), p));
        Figures {
            owners: chain.iter().map(|l| l.owner).collect(),
            times,
            years,
            youngest_first,
        }
    }

    /// Lines by class and chain position over the counted, in-scope files; `class_of` gives a
    /// file's class from its path and generator marker.
    fn histogram(
        &self,
        state: &LineAges,
        scope: &Scope,
        class_of: &mut dyn FnMut(&[u8], bool) -> Class,
    ) -> [Vec<u64>; 5] {
        let mut histogram: [Vec<u64>; 5] = Default::default();
        let everything = scope.is_everything();
        for (path, file) in &state.files {
            if !file.counted || !(everything || scope.includes_file(path)) {
                continue;
            }
            let of_class = &mut histogram[class_of(path, file.generated).index()];
            if of_class.is_empty() {
                of_class.resize(self.times.len(), 0);
            }
            for &p in &file.lines {
                of_class[p as usize] += 1;
            }
        }
        histogram
    }

    /// The month's figures: cohorts of every class; median age, new-code share and bus factor
    /// of own code.
    fn month(&self, histogram: &[Vec<u64>; 5], month: Month) -> MonthAge {
        let mut cohorts = BTreeMap::new();
        let mut lines = 0u64;
        for class in Class::ALL {
            for (p, &n) in histogram[class.index()].iter().enumerate() {
                if n > 0 {
                    *cohorts.entry((class, self.years[p])).or_insert(0) += n;
                    lines += n;
                }
            }
        }
        let own = &histogram[Class::Code.index()];
        let mut own_lines = 0u64;
        let mut new = 0u64;
        let mut by_owner: HashMap<u32, u64> = HashMap::new();
        let new_since = month.minus(12).end_exclusive_unix();
        for (p, &n) in own.iter().enumerate() {
            if n == 0 {
                continue;
            }
            own_lines += n;
            if let Some(owner) = self.owners[p] {
                *by_owner.entry(owner).or_default() += n;
            }
            if self.times[p] >= new_since {
                new += n;
            }
        }
        let end = month.end_exclusive_unix();
        // The lower median: the age of the ceil(lines / 2)-th youngest line.
        let median_age_days = (own_lines > 0).then(|| {
            let k = own_lines.div_ceil(2);
            let mut seen = 0;
            let mut time = 0;
            for &p in &self.youngest_first {
                seen += own[p as usize];
                if seen >= k {
                    time = self.times[p as usize];
                    break;
                }
            }
            (end - time) as f64 / 86_400.0
        });
        MonthAge {
            month,
            cohorts,
            lines,
            median_age_days,
            new_code_share: (own_lines > 0).then(|| new as f64 / own_lines as f64),
            bus_factor: (!by_owner.is_empty())
                .then(|| crate::mine::activity::half_makers(by_owner.into_values().collect())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_keeps_unchanged_lines() {
        // Old lines written at 0,1,2,3,4; the diff replaces lines 1..3 by one line and adds two
        // lines at the end.
        let old = [0, 1, 2, 3, 4];
        let hunks = [(1..3, 1), (5..5, 2)];
        assert_eq!(splice(&old, &hunks, 9, 6), [0, 9, 3, 4, 9, 9]);
        // A pure deletion.
        assert_eq!(splice(&old, &[(0..2, 0)], 9, 3), [2, 3, 4]);
    }
}
