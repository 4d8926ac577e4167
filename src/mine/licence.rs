//! Licences over time: the licence of the project's root licence files at every commit of the
//! first-parent chain, as periods named by the commit that began each.
//!
//! A licence file is a regular file at the root whose name (any case) is `LICENSE`, `LICENCE`,
//! `COPYING` or `UNLICENSE`, alone or followed by `.`, `-` or `_` and more (`LICENSE.md`,
//! `LICENSE-MIT`, `COPYING.LIB`). Each file's text is matched against the SPDX licence list by
//! the `spdx` crate's detector (askalono's algorithm, with the list's texts built in): a file's
//! own `SPDX-License-Identifier:` line first, else a match of the whole text scoring `SURE` or
//! more, else the licences a top-down scan finds inside it (a preamble before the GPL). Below
//! that, a few source-available
//! licences whose texts carry per-project parameters (the Business Source License's licensor and
//! change date, which lower the score) are named by their title; anything else is `unknown`.
//! The GNU licences' `-only` and `-or-later` forms share one text, so a file names the family
//! (`GPL-2.0`); which one applies is said in source headers, not in the licence file.
//!
//! A period's `licence` is the licences of its files, sorted and comma-separated (`Apache-2.0,
//! MIT` for a project with `LICENSE-APACHE` and `LICENSE-MIT`); a root with no licence file but a
//! REUSE `LICENSES/` folder has the identifiers that folder's files are named by (the licences
//! the project's files are under); `none` before either. A root licence file no licence
//! matches is `unknown` even beside such a folder (xen's `COPYING` since 2022 explains its
//! exceptions and points to the folder, whose ten licences are not all the project's). A new period starts at the first commit whose files give another licence (a
//! copyright year edited is not a change). Each distinct blob is matched once.

use std::collections::HashMap;

use gix::objs::Find;
use gix::ObjectId;

use crate::mine::git::snapshot::ChainLink;
use crate::month::Month;

/// The detector's score from which its best match names a file's licence.
const SURE: f32 = 0.8;

/// One period of the first-parent chain with one licence.
#[derive(Debug, Clone, PartialEq)]
pub struct LicencePeriod {
    /// The licences of the root's licence files, comma-separated; `none` without one.
    pub licence: String,
    /// The licence files (root paths), comma-separated.
    pub files: String,
    /// The lowest detector score among the files (1 for `none`).
    pub score: f32,
    /// The first commit of the period, and its committer time.
    pub commit: ObjectId,
    /// That commit's committer time, Unix seconds.
    pub committed_at: i64,
    /// The UTC month of that committer time.
    pub first_month: Month,
    /// The month before the next period's first (never before `first_month`), or the month of
    /// the tip's commit for the current period: the licence at a month's end is that of the
    /// latest period whose `first_month` is not after it.
    pub last_month: Month,
}

/// Whether a root file name (a tree entry's bytes) is a licence file, without allocating: it is
/// asked of every root entry at every link of the chain.
fn is_licence_name(name: &[u8]) -> bool {
    [&b"LICENSE"[..], b"LICENCE", b"COPYING", b"UNLICENSE"]
        .iter()
        .any(|stem| {
            name.len() >= stem.len()
                && name[..stem.len()].eq_ignore_ascii_case(stem)
                && matches!(name.get(stem.len()), None | Some(b'.' | b'-' | b'_'))
        })
}

/// What the stored periods depend on besides the chain: the detector (the `spdx` crate's
/// version, whose licence list it carries) and the rules above. Periods stored under another key
/// are found afresh.
pub const LICENCE_KEY: &str = "temper-licence-1/spdx-0.13";

/// A previous run's periods, to go on from.
#[derive(Debug, Clone)]
pub struct Resume {
    /// The periods it found, oldest first.
    pub periods: Vec<LicencePeriod>,
    /// The chain tip that run walked to, and how many links the chain had from it to its root
    /// (a history grown at its old end, a shallow clone made whole, is read afresh).
    pub tip: ObjectId,
    /// How many links the chain had from that tip to its root.
    pub links: usize,
    /// Its time of analysis (which commits were plausible then).
    pub now: i64,
}

/// The licence periods of `chain` (tip first, as [`crate::mine::git::snapshot::first_parent_chain`]
/// gives it), oldest first. With `resume`, only the links after its tip are read, when the tip is
/// on the chain and no link up to it is plausible now but not then or the reverse (else the
/// whole chain is).
pub fn licence_periods(
    repo: &gix::Repository,
    chain: &[ChainLink],
    now: i64,
    resume: Option<Resume>,
) -> Vec<LicencePeriod> {
    let (mut out, mut files, new) = match resume.and_then(|r| resumed(repo, chain, now, r)) {
        Some(resumed) => resumed,
        None => (Vec::new(), None, chain.len()),
    };
    // The plausible links, oldest first: a commit that cannot be placed in a month (as activity
    // leaves it out) begins nothing.
    let links: Vec<(&ChainLink, Month)> = chain[..new]
        .iter()
        .rev()
        .filter(|l| crate::mine::activity::is_plausible(l.committer_time, now))
        .filter_map(|l| Some((l, Month::from_unix(l.committer_time)?)))
        .collect();
    let roots = read_roots(repo, &links);
    // Each link's root licence files where they changed (`Some`); an unreadable tree lets the
    // period go on.
    let mut steps: Vec<(&ChainLink, Month, Option<RootLicences>)> = Vec::new();
    for ((link, month), root) in links.into_iter().zip(roots) {
        let changed = root.filter(|root| files.as_ref() != Some(root));
        if let Some(root) = &changed {
            files = Some(root.clone());
        }
        steps.push((link, month, changed));
    }
    let detector = Detector::of(repo, steps.iter().filter_map(|s| s.2.as_ref()));
    for (link, month, changed) in steps {
        if let Some(root) = changed {
            let (licence, score) = detector.licence(&root);
            if out.last().is_none_or(|p| p.licence != licence) {
                out.push(LicencePeriod {
                    licence,
                    files: root.names(),
                    score,
                    commit: link.commit,
                    committed_at: link.committer_time,
                    first_month: month,
                    last_month: month,
                });
            }
        }
        if let Some(last) = out.last_mut() {
            last.last_month = last.last_month.max(month);
        }
    }
    // A period stands at every month's end until the next one begins.
    for i in 1..out.len() {
        let next = out[i].first_month;
        let period = &mut out[i - 1];
        period.last_month = period.first_month.max(next.minus(1));
    }
    out
}

/// The stored periods, the root's licence files at `resume`'s tip and how many links (tip
/// first) come after it; `None` when the whole chain must be read: the tip is not on it or the
/// chain below it is not as long as it was, a link
/// up to it is plausible at one time of analysis and not at the other (it would begin a period
/// now that it did not then, or the reverse), or the tip's root no longer reads as the last
/// period says.
fn resumed(
    repo: &gix::Repository,
    chain: &[ChainLink],
    now: i64,
    resume: Resume,
) -> Option<(Vec<LicencePeriod>, Option<RootLicences>, usize)> {
    let at = chain.iter().position(|l| l.commit == resume.tip)?;
    if chain.len() - at != resume.links {
        return None;
    }
    // A link's plausibility is the same at both times unless its date falls between them.
    let (low, high) = (resume.now.min(now), resume.now.max(now));
    let plausible = |l: &&ChainLink, t: i64| {
        crate::mine::activity::is_plausible(l.committer_time, t)
            && Month::from_unix(l.committer_time).is_some()
    };
    if !chain[at..]
        .iter()
        .all(|l| plausible(&l, low) == plausible(&l, high))
    {
        return None;
    }
    // The files stood as the newest link read then left them.
    let newest = chain[at..].iter().find(|l| plausible(l, now))?;
    let root = root_licence_files(repo, newest.tree, &mut Vec::new())?;
    if resume.periods.last()?.files != root.names() {
        return None;
    }
    Some((resume.periods, Some(root), at))
}

/// The root licence files of each link's tree (`None`: unreadable, or the same tree as the link
/// before, which cannot change the licence), read in parallel in runs of consecutive links (a
/// root tree is mostly a delta of a neighbour, so a run shares its delta bases).
///
/// A run is read in the direction its pack's deltas go ([`newer_are_bases`]): the delta-base
/// cache keeps each tree it rebuilt, so read base first every tree costs one delta on top of
/// the one read before it, while read the other way each rebuilds its chain. Repacked histories
/// (every clone of a hosted project) store a root tree as a delta of a newer one: read newest
/// first, the root reads took xen 93 ms instead of 238, git/git 313-406 instead of 751, moby
/// 121-136 instead of 196; a pack written by `git fast-import` goes the other way.
fn read_roots(repo: &gix::Repository, links: &[(&ChainLink, Month)]) -> Vec<Option<RootLicences>> {
    use rayon::prelude::*;
    let run = links
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(64);
    let shared = repo.clone().into_sync();
    let trees: Vec<Option<ObjectId>> = (0..links.len())
        .map(|i| match i > 0 && links[i - 1].0.tree == links[i].0.tree {
            true => None,
            false => Some(links[i].0.tree),
        })
        .collect();
    trees
        .par_chunks(run)
        .map_init(
            || (crate::mine::git::local_handle(&shared, 0), Vec::new()),
            |(local, buf), trees| {
                let mut read = |tree: &Option<ObjectId>| root_licence_files(local, (*tree)?, buf);
                if !newer_are_bases(local, trees) {
                    return trees.iter().map(read).collect::<Vec<_>>();
                }
                let mut roots: Vec<_> = trees.iter().rev().map(&mut read).collect();
                roots.reverse();
                roots
            },
        )
        .flatten()
        .collect()
}

/// Whether the newer trees of a run (oldest first) are the delta bases of the older ones: the
/// delta depths of up to 16 pairs of neighbouring trees, every `len / 16`-th pair from the run's
/// start (a short run: its first pairs), where the newer of a pair is the shallower more often
/// than not (a tie, or trees that are not packed: yes). Only the order of reading depends on
/// it, never a result.
fn newer_are_bases(repo: &gix::Repository, trees: &[Option<ObjectId>]) -> bool {
    let depth = |id: &ObjectId| {
        gix::odb::Header::try_header(&repo.objects, id)
            .ok()
            .flatten()
            .and_then(|h| h.num_deltas())
            .unwrap_or(0)
    };
    let present: Vec<&ObjectId> = trees.iter().flatten().collect();
    let step = (present.len() / 16).max(1);
    let mut balance = 0i64;
    for pair in present.windows(2).step_by(step).take(16) {
        balance += match depth(pair[1]).cmp(&depth(pair[0])) {
            std::cmp::Ordering::Less => 1,
            std::cmp::Ordering::Greater => -1,
            std::cmp::Ordering::Equal => 0,
        };
    }
    balance >= 0
}

/// What the root of a tree says of its licence: its licence files (sorted by name), and the
/// identifiers of a REUSE `LICENSES/` folder (each file there is named by its SPDX identifier).
#[derive(Debug, Clone, PartialEq, Eq)]
struct RootLicences {
    files: Vec<(String, ObjectId)>,
    reuse: Vec<String>,
}

impl RootLicences {
    fn names(&self) -> String {
        if self.files.is_empty() && !self.reuse.is_empty() {
            return "LICENSES/".to_string();
        }
        let names: Vec<&str> = self.files.iter().map(|(n, _)| n.as_str()).collect();
        names.join(", ")
    }
}

/// The root's licence files of `tree` (`None`: the tree cannot be read).
fn root_licence_files(
    repo: &gix::Repository,
    tree: ObjectId,
    buf: &mut Vec<u8>,
) -> Option<RootLicences> {
    let data = repo.objects.try_find(&tree, buf).ok()??;
    // Only the few entries that matter are copied out: a root of hundreds of directories read at
    // every link of a kernel-sized chain would otherwise make a string of every name each time.
    let mut files: Vec<(String, ObjectId)> = Vec::new();
    let mut folder: Option<ObjectId> = None;
    for entry in gix::objs::TreeRefIter::from_bytes(data.data, data.object_hash).flatten() {
        if entry.mode.is_tree() && entry.filename == "LICENSES" {
            folder = Some(entry.oid.to_owned());
        } else if entry.mode.is_blob() && is_licence_name(entry.filename) {
            files.push((entry.filename.to_string(), entry.oid.to_owned()));
        }
    }
    files.sort();
    let mut reuse = Vec::new();
    if let Some(folder) = folder {
        if let Some(data) = repo.objects.try_find(&folder, buf).ok().flatten() {
            reuse = gix::objs::TreeRefIter::from_bytes(data.data, data.object_hash)
                .filter_map(Result::ok)
                .filter(|e| e.mode.is_blob())
                .map(|e| {
                    let name = e.filename.to_string();
                    match name.rsplit_once('.') {
                        Some((stem, "txt" | "md")) => stem.to_string(),
                        _ => name,
                    }
                })
                .collect();
            reuse.sort();
        }
    }
    Some(RootLicences { files, reuse })
}

/// Licences by blob, matched once each.
struct Detector {
    by_blob: HashMap<ObjectId, (String, f32)>,
}

impl Detector {
    /// The licences of every licence file of `roots`: the texts read once each, then matched in
    /// parallel (a match costs tens of milliseconds; a top-down scan of a text no licence
    /// matches, hundreds).
    fn of<'a>(repo: &gix::Repository, roots: impl Iterator<Item = &'a RootLicences>) -> Detector {
        use rayon::prelude::*;
        let mut blobs: Vec<ObjectId> = roots.flat_map(|r| r.files.iter().map(|f| f.1)).collect();
        blobs.sort();
        blobs.dedup();
        if blobs.is_empty() {
            return Detector {
                by_blob: HashMap::new(),
            };
        }
        let mut buf = Vec::new();
        let texts: Vec<(ObjectId, String)> = blobs
            .into_iter()
            .map(|blob| {
                let text = match repo.objects.try_find(&blob, &mut buf) {
                    Ok(Some(d)) => String::from_utf8_lossy(d.data).into_owned(),
                    _ => String::new(),
                };
                (blob, text)
            })
            .collect();
        let store = spdx::detection::Store::load_inline().ok();
        let by_blob = texts
            .par_iter()
            .map(|(blob, text)| {
                let found = match &store {
                    Some(store) => identify(store, text),
                    None => ("unknown".to_string(), 0.0),
                };
                (*blob, found)
            })
            .collect();
        Detector { by_blob }
    }

    /// The licence of a root's files and the lowest score among them; without licence files,
    /// the identifiers its `LICENSES/` folder names.
    fn licence(&self, root: &RootLicences) -> (String, f32) {
        let files = &root.files;
        if files.is_empty() {
            return match root.reuse.is_empty() {
                true => ("none".to_string(), 1.0),
                false => (root.reuse.join(", "), 1.0),
            };
        }
        let mut ids = Vec::new();
        let mut score = 1.0f32;
        for (_, blob) in files {
            let (id, s) = self
                .by_blob
                .get(blob)
                .cloned()
                .unwrap_or_else(|| ("unknown".to_string(), 0.0));
            score = score.min(s);
            ids.push(id);
        }
        ids.sort();
        ids.dedup();
        (ids.join(", "), score)
    }
}

/// The licence of one text and the detector's score: the file's own `SPDX-License-Identifier:`
/// line (the project's statement, as the Linux kernel's `COPYING` makes it), else the
/// detector's best match of the whole text, else the licences the text contains (a preamble
/// before a licence, as xen's `COPYING`), else a source-available licence by its title.
fn identify(store: &spdx::detection::Store, text: &str) -> (String, f32) {
    if let Some(id) = declared(text) {
        return (id, 1.0);
    }
    let data = spdx::detection::TextData::new(text);
    let found = store.analyze(&data);
    if found.score >= SURE {
        return (family(found.name), found.score);
    }
    let scanner = spdx::detection::scan::Scanner::with_scan_mode(
        store,
        spdx::detection::scan::ScanMode::top_down(),
    )
    .confidence_threshold(SURE)
    .optimize(true);
    let scanned = scanner.scan(&data);
    let mut contained: Vec<(String, f32)> = scanned
        .containing
        .iter()
        .filter(|c| c.score >= SURE)
        .map(|c| (family(c.license.name), c.score))
        .collect();
    if !contained.is_empty() {
        let score = contained.iter().map(|c| c.1).fold(1.0f32, f32::min);
        contained.sort_by(|a, b| a.0.cmp(&b.0));
        contained.dedup_by(|a, b| a.0 == b.0);
        let ids: Vec<String> = contained.into_iter().map(|c| c.0).collect();
        return (ids.join(", "), score);
    }
    match by_title(text) {
        Some(id) => (id.to_string(), found.score),
        None => ("unknown".to_string(), found.score),
    }
}

/// The expression of the first `SPDX-License-Identifier:` line among the text's first 40
/// lines.
fn declared(text: &str) -> Option<String> {
    text.lines().take(40).find_map(|line| {
        let at = line.find("SPDX-License-Identifier:")?;
        let expression = line[at + "SPDX-License-Identifier:".len()..]
            .trim()
            .trim_end_matches("*/")
            .trim();
        let clean: String = expression
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || " .-+()".contains(*c))
            .take(120)
            .collect();
        (!clean.is_empty()).then(|| clean.trim().to_string())
    })
}

/// A GNU licence's family: its `-only` and `-or-later` forms share one text.
fn family(name: &str) -> String {
    let gnu = ["GPL-", "LGPL-", "AGPL-", "GFDL-"]
        .iter()
        .any(|p| name.starts_with(p));
    let base = name
        .strip_suffix("-or-later")
        .or_else(|| name.strip_suffix("-only"))
        .or_else(|| name.strip_suffix('+'));
    match (gnu, base) {
        (true, Some(base)) => base.to_string(),
        _ => name.to_string(),
    }
}

/// Source-available licences named by their title, for texts whose filled-in parameters keep
/// the detector's score low.
fn by_title(text: &str) -> Option<&'static str> {
    let head: String = text.chars().take(400).collect();
    if head.contains("Business Source License 1.1") {
        Some("BUSL-1.1")
    } else if head.contains("Server Side Public License") && head.contains("VERSION 1") {
        Some("SSPL-1.0")
    } else if head.contains("Elastic License 2.0") {
        Some("Elastic-2.0")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licence_file_names() {
        for yes in [
            "LICENSE",
            "license.md",
            "LICENSE-MIT",
            "COPYING.LIB",
            "Licence.txt",
            "UNLICENSE",
        ] {
            assert!(is_licence_name(yes.as_bytes()), "{yes}");
        }
        for no in ["LICENSES", "licensed.go", "COPYINGX", "README"] {
            assert!(!is_licence_name(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn declared_identifiers() {
        let kernel = "SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note\n\nThe Linux Kernel is provided under:";
        assert_eq!(
            declared(kernel).as_deref(),
            Some("GPL-2.0 WITH Linux-syscall-note")
        );
        assert_eq!(
            declared("/* SPDX-License-Identifier: MIT */").as_deref(),
            Some("MIT")
        );
        assert_eq!(declared("MIT License\n"), None);
    }

    #[test]
    fn gnu_families() {
        assert_eq!(family("GPL-2.0-or-later"), "GPL-2.0");
        assert_eq!(family("GPL-2.0+"), "GPL-2.0");
        assert_eq!(family("LGPL-2.1-only"), "LGPL-2.1");
        assert_eq!(family("Apache-2.0"), "Apache-2.0");
    }
}
