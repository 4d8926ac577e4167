//! Rename detection as git's `diffcore-rename.c` does it, over the plain tree diff.
//!
//! gix pairs renames greedily, one destination at a time in object-id order, scoring by a line
//! diff; git ranks every (source, destination) pair of a commit by one similarity score and
//! accepts the best first. On a commit with one deleted file and two similar new ones the two
//! disagree (git keeps the 96 %-similar pair, gix took a 77 % one), so temper pairs renames
//! itself, step for step as git (2.47) does for `git log -M` without copies:
//!
//! 1. Candidates: deleted entries are sources, added entries destinations, in the diff's order.
//! 2. Exact renames: a destination takes an unused source with the same blob id (and, unless both
//!    are regular files, the same mode), one with the same file name first, else the first one.
//! 3. File names: a name that is unique among the remaining sources and among the remaining
//!    destinations pairs them when their similarity is at least 75 %.
//! 4. Unless remaining destinations x sources exceed 1000 x 1000 (git's rename limit), every
//!    destination keeps its four best sources by similarity, scanned in order, ties to the
//!    earlier; all kept pairs are sorted by score, then same file name, and accepted best first
//!    down to 50 %, each source and destination once.
//!
//! Similarity is git's: both files regular, sizes within the score's reach, and the bytes of
//! destination material found in the source (`diffcore-delta.c`: chunks ending at a newline or
//! after 64 bytes, hashed, counts compared per hash; a CR before LF is ignored in text) over the
//! larger size, on a scale of 60,000. `.gitattributes` binary marks are not read: text is what
//! has no NUL in its first 8,000 bytes.

use std::collections::HashMap;

use gix::bstr::{BStr, ByteSlice};
use gix::diff::tree_with_rewrites::Change;
use gix::objs::{Find, FindHeader};
use gix::ObjectId;

use super::diff::Tolerant;

/// git's `MAX_SCORE`: 100 % similarity.
const MAX_SCORE: u64 = 60_000;
/// git's default `-M` threshold: 50 %.
const MINIMUM_SCORE: u64 = 30_000;
/// git's basename pass threshold: halfway between the minimum and 100 % (75 %).
const BASENAME_SCORE: u64 = MINIMUM_SCORE + (MAX_SCORE - MINIMUM_SCORE) / 2;
/// git's `diff.renameLimit` default.
const RENAME_LIMIT: usize = 1000;
/// git's `NUM_CANDIDATE_PER_DST`.
const CANDIDATES_PER_DESTINATION: usize = 4;
/// git's `HASHBASE`.
const HASHBASE: u32 = 107_927;

/// One side of a possible rename: the index of its change, and what git compares.
struct Entry {
    change: usize,
    path: Vec<u8>,
    mode: gix::objs::tree::EntryMode,
    id: ObjectId,
    used: bool,
}

impl Entry {
    fn name(&self) -> &[u8] {
        self.path.rsplit_str("/").next().unwrap_or(&self.path)
    }

    fn is_regular(&self) -> bool {
        matches!(
            self.mode.kind(),
            gix::objs::tree::EntryKind::Blob | gix::objs::tree::EntryKind::BlobExecutable
        )
    }
}

/// Replaces each deletion and addition that git would pair with one `Rewrite` (at the
/// destination's place), leaving every other change as it was.
pub(crate) fn pair(changes: Vec<Change>, objects: &Tolerant<'_>) -> Vec<Change> {
    let mut sources = Vec::new();
    let mut destinations = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let entry = |location: &BStr, mode: gix::objs::tree::EntryMode, id: ObjectId| Entry {
            change: i,
            path: location.to_vec(),
            mode,
            id,
            used: false,
        };
        match change {
            Change::Deletion {
                location,
                entry_mode,
                id,
                ..
            } if !entry_mode.is_tree() => sources.push(entry(location.as_ref(), *entry_mode, *id)),
            Change::Addition {
                location,
                entry_mode,
                id,
                ..
            } if !entry_mode.is_tree() => {
                destinations.push(entry(location.as_ref(), *entry_mode, *id))
            }
            _ => {}
        }
    }
    if sources.is_empty() || destinations.is_empty() {
        return changes;
    }
    let mut similarity = Similarity::new(objects);
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    exact(&mut sources, &mut destinations, &mut pairs);
    by_name(&mut sources, &mut destinations, &mut pairs, &mut similarity);
    inexact(&mut sources, &mut destinations, &mut pairs, &mut similarity);
    rewrite(changes, &sources, &destinations, &pairs)
}

/// The sources `git blame` takes added files from: blame looks for the rename of one path at a
/// time (`find_rename`, a diff whose only destination is that path), so every deleted file of
/// the commit is a candidate for each added one, also a file that the whole-tree pairing gave
/// to another destination (one deleted file can feed two new ones). The similarity memo is
/// shared by the commit's destinations, so each blob is read and fingerprinted once.
pub(crate) struct BlameRenames<'o, 'r> {
    sources: Vec<Entry>,
    similarity: Similarity<'o, 'r>,
}

/// A side of a possible rename: its path, mode and blob.
pub(crate) type Side<'a> = (&'a BStr, gix::objs::tree::EntryMode, ObjectId);

fn side_entry(change: usize, (path, mode, id): Side<'_>) -> Entry {
    Entry {
        change,
        path: path.to_vec(),
        mode,
        id,
        used: false,
    }
}

impl<'o, 'r> BlameRenames<'o, 'r> {
    /// The commit's deleted entries (in diff order) as candidate sources.
    pub(crate) fn new(sources: &[Side<'_>], objects: &'o Tolerant<'r>) -> BlameRenames<'o, 'r> {
        BlameRenames {
            sources: (sources.iter().enumerate())
                .filter(|(_, s)| !s.1.is_tree())
                .map(|(i, s)| side_entry(i, *s))
                .collect(),
            similarity: Similarity::new(objects),
        }
    }

    /// The index (in the sources given to [`BlameRenames::new`]) that the pairing with
    /// `destination` alone picks, if any.
    pub(crate) fn source_of(&mut self, destination: Side<'_>) -> Option<usize> {
        self.sources.iter_mut().for_each(|s| s.used = false);
        let mut destinations = vec![side_entry(0, destination)];
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let (sources, similarity) = (&mut self.sources, &mut self.similarity);
        exact(sources, &mut destinations, &mut pairs);
        by_name(sources, &mut destinations, &mut pairs, similarity);
        inexact(sources, &mut destinations, &mut pairs, similarity);
        pairs.first().map(|&(s, _)| sources[s].change)
    }
}

/// Step 2: identical content.
fn exact(sources: &mut [Entry], destinations: &mut [Entry], pairs: &mut Vec<(usize, usize)>) {
    let mut by_id: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    for (i, s) in sources.iter().enumerate() {
        by_id.entry(s.id).or_default().push(i);
    }
    for (d, dst) in destinations.iter_mut().enumerate() {
        let Some(candidates) = by_id.get(&dst.id) else {
            continue;
        };
        // The first best stays: among equals, the first source in diff order (as git picks;
        // checked on tests/fixtures/make_renames.sh).
        let mut best: Option<(usize, bool)> = None;
        for &s in candidates {
            let src = &sources[s];
            let both_regular = src.is_regular() && dst.is_regular();
            if src.used || (!both_regular && src.mode != dst.mode) {
                continue;
            }
            let same_name = src.name() == dst.name();
            if best.is_none_or(|(_, named)| same_name && !named) {
                best = Some((s, same_name));
            }
        }
        if let Some((s, _)) = best {
            sources[s].used = true;
            dst.used = true;
            pairs.push((s, d));
        }
    }
}

/// Step 3: a file name unique on both sides, at 75 % or more.
fn by_name(
    sources: &mut [Entry],
    destinations: &mut [Entry],
    pairs: &mut Vec<(usize, usize)>,
    similarity: &mut Similarity<'_, '_>,
) {
    fn unique(entries: &[Entry]) -> HashMap<Vec<u8>, Option<usize>> {
        let mut names: HashMap<Vec<u8>, Option<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate().filter(|(_, e)| !e.used) {
            names
                .entry(e.name().to_vec())
                .and_modify(|slot| *slot = None)
                .or_insert(Some(i));
        }
        names
    }
    let source_names = unique(sources);
    let destination_names = unique(destinations);
    for (s_index, s) in sources.iter_mut().enumerate() {
        if s.used {
            continue;
        }
        let (Some(Some(_)), Some(Some(d))) =
            (source_names.get(s.name()), destination_names.get(s.name()))
        else {
            continue;
        };
        let dst = &mut destinations[*d];
        if similarity.score(s, dst) >= BASENAME_SCORE {
            s.used = true;
            dst.used = true;
            pairs.push((s_index, *d));
        }
    }
}

/// Step 4: the best-scoring pairs first.
fn inexact(
    sources: &mut [Entry],
    destinations: &mut [Entry],
    pairs: &mut Vec<(usize, usize)>,
    similarity: &mut Similarity<'_, '_>,
) {
    let open_sources: Vec<usize> = (0..sources.len()).filter(|&i| !sources[i].used).collect();
    let open_destinations: Vec<usize> = (0..destinations.len())
        .filter(|&i| !destinations[i].used)
        .collect();
    if open_sources.is_empty()
        || open_destinations.is_empty()
        || open_sources.len() * open_destinations.len() > RENAME_LIMIT * RENAME_LIMIT
    {
        return;
    }
    // (score, same name, destination, source), best four per destination.
    let mut kept: Vec<(u64, bool, usize, usize)> = Vec::new();
    for &d in &open_destinations {
        let mut best: Vec<(u64, bool, usize, usize)> = Vec::new();
        for &s in &open_sources {
            let score = similarity.score(&sources[s], &destinations[d]);
            if score < MINIMUM_SCORE {
                continue;
            }
            let candidate = (score, sources[s].name() == destinations[d].name(), d, s);
            let better = |a: &(u64, bool, usize, usize), b: &(u64, bool, usize, usize)| {
                (a.0, a.1) > (b.0, b.1)
            };
            if best.len() < CANDIDATES_PER_DESTINATION {
                best.push(candidate);
            } else if let Some(worst) = (0..best.len())
                // The worst slot; among equals the first, as git's `record_if_better` picks.
                .min_by_key(|&i| (best[i].0, best[i].1))
            {
                if better(&candidate, &best[worst]) {
                    best[worst] = candidate;
                }
            }
        }
        kept.extend(best);
    }
    // A stable sort: equal pairs keep destination order, then source order.
    kept.sort_by_key(|k| std::cmp::Reverse((k.0, k.1)));
    for (_, _, d, s) in kept {
        if destinations[d].used || sources[s].used {
            continue;
        }
        destinations[d].used = true;
        sources[s].used = true;
        pairs.push((s, d));
    }
}

/// The changes with each pair's deletion dropped and its addition turned into a rename.
fn rewrite(
    changes: Vec<Change>,
    sources: &[Entry],
    destinations: &[Entry],
    pairs: &[(usize, usize)],
) -> Vec<Change> {
    let mut source_of: HashMap<usize, usize> = HashMap::new();
    let mut dropped = vec![false; changes.len()];
    for &(s, d) in pairs {
        source_of.insert(destinations[d].change, sources[s].change);
        dropped[sources[s].change] = true;
    }
    let mut slots: Vec<Option<Change>> = changes.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for i in 0..slots.len() {
        if dropped[i] {
            continue;
        }
        let Some(change) = slots[i].take() else {
            continue;
        };
        let Some(&s) = source_of.get(&i) else {
            out.push(change);
            continue;
        };
        let (
            Some(Change::Deletion {
                location: source_location,
                entry_mode: source_entry_mode,
                id: source_id,
                ..
            }),
            Change::Addition {
                location,
                entry_mode,
                id,
                ..
            },
        ) = (slots[s].take(), change)
        else {
            continue;
        };
        // A tree whose entries are out of order (some of git's own first trees) shows one file
        // as deleted and added again; paired, it is unmodified, and git's output drops it.
        if source_location == location && source_id == id && source_entry_mode == entry_mode {
            continue;
        }
        out.push(Change::Rewrite {
            source_location,
            source_entry_mode,
            source_relation: None,
            source_id,
            diff: None,
            entry_mode,
            id,
            location,
            relation: None,
            copy: false,
        });
    }
    out
}

/// git's similarity of two blobs, with each blob's fingerprint made once.
struct Similarity<'o, 'r> {
    objects: &'o Tolerant<'r>,
    sizes: HashMap<ObjectId, u64>,
    spans: HashMap<ObjectId, Vec<(u32, u32)>>,
    buf: Vec<u8>,
}

impl<'o, 'r> Similarity<'o, 'r> {
    fn new(objects: &'o Tolerant<'r>) -> Similarity<'o, 'r> {
        Similarity {
            objects,
            sizes: HashMap::new(),
            spans: HashMap::new(),
            buf: Vec::new(),
        }
    }

    fn size(&mut self, id: ObjectId) -> u64 {
        let objects = self.objects;
        *self
            .sizes
            .entry(id)
            .or_insert_with(|| objects.try_header(&id).ok().flatten().map_or(0, |h| h.size))
    }

    fn fingerprint(&mut self, id: ObjectId) -> &[(u32, u32)] {
        if !self.spans.contains_key(&id) {
            let spans = match self.objects.try_find(&id, &mut self.buf) {
                Ok(Some(data)) => spans(data.data),
                _ => Vec::new(),
            };
            self.spans.insert(id, spans);
        }
        self.spans.get(&id).map_or(&[], Vec::as_slice)
    }

    /// git's `estimate_similarity`, 0 to [`MAX_SCORE`].
    fn score(&mut self, src: &Entry, dst: &Entry) -> u64 {
        if !src.is_regular() || !dst.is_regular() {
            return 0;
        }
        let (a, b) = (self.size(src.id), self.size(dst.id));
        let (max, min) = (a.max(b), a.min(b));
        if max > crate::mine::loc::MAX_BLOB_BYTES
            || max * (MAX_SCORE - MINIMUM_SCORE) < (max - min) * MAX_SCORE
            || b == 0
        {
            return 0;
        }
        let source = self.fingerprint(src.id).to_vec();
        let copied = copied(&source, self.fingerprint(dst.id));
        copied * MAX_SCORE / max
    }
}

/// `diffcore-delta.c`'s fingerprint: (hash, bytes) per distinct chunk hash, sorted by hash.
fn spans(data: &[u8]) -> Vec<(u32, u32)> {
    let text = !data[..data.len().min(8000)].contains(&0);
    let mut counts: HashMap<u32, u32> = HashMap::new();
    let (mut a1, mut a2, mut n) = (0u32, 0u32, 0u32);
    let hash = |a1: u32, a2: u32| a1.wrapping_add(a2.wrapping_mul(0x61)) % HASHBASE;
    for (i, &c) in data.iter().enumerate() {
        if text && c == b'\r' && data.get(i + 1) == Some(&b'\n') {
            continue;
        }
        let old = a1;
        a1 = (a1 << 7) ^ (a2 >> 25);
        a2 = (a2 << 7) ^ (old >> 25);
        a1 = a1.wrapping_add(u32::from(c));
        n += 1;
        if n < 64 && c != b'\n' {
            continue;
        }
        *counts.entry(hash(a1, a2)).or_default() += n;
        (a1, a2, n) = (0, 0, 0);
    }
    if n > 0 {
        *counts.entry(hash(a1, a2)).or_default() += n;
    }
    let mut out: Vec<(u32, u32)> = counts.into_iter().collect();
    out.sort_unstable();
    out
}

/// Bytes of the source's chunks found in the destination: the sum over hashes of the smaller
/// count (`diffcore_count_changes`' `src_copied`).
fn copied(source: &[(u32, u32)], destination: &[(u32, u32)]) -> u64 {
    let (mut i, mut j, mut sum) = (0, 0, 0u64);
    while i < source.len() && j < destination.len() {
        match source[i].0.cmp(&destination[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += u64::from(source[i].1.min(destination[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_git_chunking() {
        // Two lines: two chunks; the same lines in another order give the same fingerprint.
        let a = spans(b"one\ntwo\n");
        let b = spans(b"two\none\n");
        assert_eq!(a, b);
        assert_eq!(a.iter().map(|s| s.1).sum::<u32>(), 8);
        // CR before LF is ignored in text.
        assert_eq!(spans(b"one\r\ntwo\r\n"), a);
        // A 130-byte line is cut after 64 and 128 bytes.
        assert_eq!(spans(&[b'x'; 130]).iter().map(|s| s.1).sum::<u32>(), 130);
        assert_eq!(copied(&a, &spans(b"one\nthree\n")), 4);
    }
}
