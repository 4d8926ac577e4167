//! git's Myers line diff, as xdiff makes it, so that numstat counts and blame hunks are git's.
//!
//! git does not run a textbook Myers: `xdl_prepare_env` first trims the common ends, then sets
//! aside every line that occurs nowhere on the other side and every frequent line (at least
//! √n occurrences there, at most 1,024) that sits inside a run of such lines
//! (`xdl_cleanup_records`, `xdl_clean_mmatch`); `xdl_recs_cmp` then splits the rest with a
//! middle-snake search whose cost is bounded (`xdl_split`: after 256 rounds it settles for a
//! diagonal that has reached far with a snake of 20 lines, after √n rounds for the furthest
//! one). On ordinary files every variant finds the same minimal diff; on huge generated files
//! (a 52,000-line `generated.pb.go`) the bounded search decides, and a different bound gives a
//! diff ten times git's size. This is a line-for-line port of those three functions (git 2.47,
//! unchanged since 2.30 in what they decide), iterative where git recurses so that no input can
//! exhaust the stack. Sliding the result into git's hunk positions is left to gix's
//! post-processing (`xdl_change_compact` with the indent heuristic), which [`Marks::to_diff`]
//! feeds.

use gix::diff::blob::{Algorithm, Diff, Token};

/// git's `XDL_MAX_EQLIMIT`: a line is frequent at this many occurrences on the other side at most.
const MAX_EQLIMIT: usize = 1024;
/// git's `XDL_SIMSCAN_WINDOW`: how far `xdl_clean_mmatch` looks either way.
const SIMSCAN_WINDOW: usize = 100;
/// git's `XDL_KPDIS_RUN`.
const KPDIS_RUN: usize = 4;
/// git's `XDL_MAX_COST_MIN` and `XDL_HEUR_MIN_COST`.
const MAX_COST_MIN: isize = 256;
const HEUR_MIN_COST: isize = 256;
/// git's `XDL_SNAKE_CNT` and `XDL_K_HEUR`.
const SNAKE_CNT: isize = 20;
const K_HEUR: isize = 4;

/// Which lines of each side the diff marks as changed (removed before, added after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marks {
    pub removed: Vec<bool>,
    pub added: Vec<bool>,
}

impl Marks {
    /// Lines added, as numstat counts them.
    pub(crate) fn additions(&self) -> u32 {
        self.added.iter().filter(|&&a| a).count() as u32
    }

    /// Lines removed, as numstat counts them.
    pub(crate) fn removals(&self) -> u32 {
        self.removed.iter().filter(|&&r| r).count() as u32
    }

    /// The same marks as gix's [`Diff`], for its hunk iterator and slider post-processing.
    /// gix builds a `Diff` only by diffing, so each side is given as tokens that admit exactly
    /// this diff: the k-th unchanged line of both sides shares token k, every changed line has a
    /// token of its own (any diff of such sequences is this one; gix's Myers finds it in
    /// linear time, as it sets aside the one-sided tokens and what remains is identical).
    pub(crate) fn to_diff(&self) -> Diff {
        let kept = self.removed.iter().filter(|&&r| !r).count() as u32;
        let mut fresh = kept;
        let mut tokens = |changed: &[bool]| -> Vec<Token> {
            let mut k = 0;
            changed
                .iter()
                .map(|&c| {
                    let slot = if c { &mut fresh } else { &mut k };
                    *slot += 1;
                    Token(*slot - 1)
                })
                .collect()
        };
        let before = tokens(&self.removed);
        let after = tokens(&self.added);
        let mut diff = Diff::default();
        diff.compute_with(Algorithm::Myers, &before, &after, fresh);
        diff
    }
}

/// git's `xdl_bogosqrt`: a power of two near √n, rounded up.
fn bogosqrt(mut n: usize) -> usize {
    let mut i = 1;
    while n > 0 {
        i <<= 1;
        n >>= 2;
    }
    i
}

/// The diff git's default algorithm makes of `before` and `after` (interned lines; `num_tokens`
/// bounds their values).
pub(crate) fn diff(before: &[Token], after: &[Token], num_tokens: u32) -> Marks {
    let mut marks = Marks {
        removed: vec![false; before.len()],
        added: vec![false; after.len()],
    };
    // xdl_trim_ends: the common ends are no change.
    let lim = before.len().min(after.len());
    let start = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let tail = before[start..]
        .iter()
        .rev()
        .zip(after[start..].iter().rev())
        .take(lim - start)
        .take_while(|(a, b)| a == b)
        .count();
    let (end1, end2) = (before.len() - tail, after.len() - tail);

    // xdl_cleanup_records: occurrences are counted over the whole of both files.
    let mut in_before = vec![0usize; num_tokens as usize];
    let mut in_after = vec![0usize; num_tokens as usize];
    for t in before {
        in_before[t.0 as usize] += 1;
    }
    for t in after {
        in_after[t.0 as usize] += 1;
    }
    let side1 = kept_lines(
        &before[start..end1],
        &in_after,
        bogosqrt(before.len()).min(MAX_EQLIMIT),
    );
    let side2 = kept_lines(
        &after[start..end2],
        &in_before,
        bogosqrt(after.len()).min(MAX_EQLIMIT),
    );
    let reduce = |side: &[bool], lines: &[Token], changed: &mut [bool]| {
        let mut index = Vec::new();
        let mut hashes = Vec::new();
        for (i, (&keep, &token)) in side.iter().zip(lines).enumerate() {
            if keep {
                index.push(start + i);
                hashes.push(token.0);
            } else {
                changed[start + i] = true;
            }
        }
        (index, hashes)
    };
    let (index1, hash1) = reduce(&side1, &before[start..end1], &mut marks.removed);
    let (index2, hash2) = reduce(&side2, &after[start..end2], &mut marks.added);

    let mut search = Search::new(&hash1, &hash2);
    search.compare(&mut |side, i| match side {
        Side::Before => marks.removed[index1[i]] = true,
        Side::After => marks.added[index2[i]] = true,
    });
    marks
}

/// Which lines of one side (between the trimmed ends) go into the search: git's `KEEP` after
/// `xdl_clean_mmatch` has decided the `INVESTIGATE` ones; the others are changed outright.
fn kept_lines(lines: &[Token], other: &[usize], mlim: usize) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Action {
        Discard,
        Keep,
        Investigate,
    }
    let action: Vec<Action> = lines
        .iter()
        .map(|t| match other[t.0 as usize] {
            0 => Action::Discard,
            nm if nm < mlim => Action::Keep,
            _ => Action::Investigate,
        })
        .collect();
    // xdl_clean_mmatch: a frequent line is set aside inside a run of lines set aside.
    let discard = |i: usize| -> bool {
        let s = i.saturating_sub(SIMSCAN_WINDOW);
        let e = (action.len() - 1).min(i + SIMSCAN_WINDOW);
        let (mut rdis0, mut rpdis0) = (0, 1);
        for a in action[s..i].iter().rev() {
            match a {
                Action::Discard => rdis0 += 1,
                Action::Investigate => rpdis0 += 1,
                Action::Keep => break,
            }
        }
        if rdis0 == 0 {
            return false;
        }
        let (mut rdis1, mut rpdis1) = (0, 1);
        for a in &action[i + 1..=e] {
            match a {
                Action::Discard => rdis1 += 1,
                Action::Investigate => rpdis1 += 1,
                Action::Keep => break,
            }
        }
        if rdis1 == 0 {
            return false;
        }
        let (rdis, rpdis) = (rdis0 + rdis1, rpdis0 + rpdis1);
        rpdis * KPDIS_RUN < rpdis + rdis
    };
    (0..action.len())
        .map(|i| match action[i] {
            Action::Keep => true,
            Action::Discard => false,
            Action::Investigate => !discard(i),
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Side {
    Before,
    After,
}

/// One box of `xdl_recs_cmp`: lines `off1..lim1` against `off2..lim2`.
struct Area {
    off1: isize,
    lim1: isize,
    off2: isize,
    lim2: isize,
    need_min: bool,
}

/// Where `xdl_split` divides a box, and whether each half must be minimal.
struct Split {
    i1: isize,
    i2: isize,
    min_lo: bool,
    min_hi: bool,
}

impl Split {
    /// Where the two searches met: both halves are minimal.
    fn minimal(i1: isize, i2: isize) -> Split {
        Split {
            i1,
            i2,
            min_lo: true,
            min_hi: true,
        }
    }
}

/// The diagonals one direction of `xdl_split` covers, and the one it started on.
struct Front {
    min: isize,
    max: isize,
    mid: isize,
}

impl Front {
    /// Extends the covered diagonals by one each way, or pulls them in where they would leave
    /// the box (`reach`: the lowest and highest diagonal); `seal` marks the new outer neighbours
    /// unreachable (git's `-1` and `XDL_LINE_MAX`).
    fn widen(&mut self, (dmin, dmax): (isize, isize), mut seal: impl FnMut(isize)) {
        if self.min > dmin {
            self.min -= 1;
            seal(self.min - 1);
        } else {
            self.min += 1;
        }
        if self.max < dmax {
            self.max += 1;
            seal(self.max + 1);
        } else {
            self.max -= 1;
        }
    }

    fn holds(&self, d: isize) -> bool {
        self.min <= d && d <= self.max
    }
}

/// The state of git's divide-and-conquer search over the set-aside-free sequences.
struct Search<'a> {
    h1: &'a [u32],
    h2: &'a [u32],
    /// Forward and backward furthest reach per diagonal (git's `kvdf`, `kvdb`), each indexed
    /// from its own base so that diagonal `d` in `-(n2 + 1)..=n1 + 1` is a valid index.
    kv: Vec<isize>,
    fbase: isize,
    bbase: isize,
    mxcost: isize,
}

impl<'a> Search<'a> {
    fn new(h1: &'a [u32], h2: &'a [u32]) -> Search<'a> {
        let ndiags = (h1.len() + h2.len() + 3) as isize;
        Search {
            h1,
            h2,
            kv: vec![0; (2 * ndiags + 2) as usize],
            fbase: h2.len() as isize + 1,
            bbase: ndiags + h2.len() as isize + 1,
            mxcost: (bogosqrt(ndiags as usize) as isize).max(MAX_COST_MIN),
        }
    }

    fn f(&self, d: isize) -> isize {
        self.kv[(self.fbase + d) as usize]
    }
    fn set_f(&mut self, d: isize, v: isize) {
        self.kv[(self.fbase + d) as usize] = v;
    }
    fn b(&self, d: isize) -> isize {
        self.kv[(self.bbase + d) as usize]
    }
    fn set_b(&mut self, d: isize, v: isize) {
        self.kv[(self.bbase + d) as usize] = v;
    }
    fn eq(&self, i1: isize, i2: isize) -> bool {
        self.h1[i1 as usize] == self.h2[i2 as usize]
    }

    /// `xdl_recs_cmp` over the whole of both sequences, with a work list for git's recursion;
    /// `mark` receives every changed line (by its index in the searched sequence).
    fn compare(&mut self, mark: &mut impl FnMut(Side, usize)) {
        let mut boxes = vec![Area {
            off1: 0,
            lim1: self.h1.len() as isize,
            off2: 0,
            lim2: self.h2.len() as isize,
            need_min: false,
        }];
        while let Some(Area {
            mut off1,
            mut lim1,
            mut off2,
            mut lim2,
            need_min,
        }) = boxes.pop()
        {
            while off1 < lim1 && off2 < lim2 && self.eq(off1, off2) {
                off1 += 1;
                off2 += 1;
            }
            while off1 < lim1 && off2 < lim2 && self.eq(lim1 - 1, lim2 - 1) {
                lim1 -= 1;
                lim2 -= 1;
            }
            if off1 == lim1 {
                (off2..lim2).for_each(|i| mark(Side::After, i as usize));
            } else if off2 == lim2 {
                (off1..lim1).for_each(|i| mark(Side::Before, i as usize));
            } else {
                let spl = self.split(&Area {
                    off1,
                    lim1,
                    off2,
                    lim2,
                    need_min,
                });
                boxes.push(Area {
                    off1: spl.i1,
                    lim1,
                    off2: spl.i2,
                    lim2,
                    need_min: spl.min_hi,
                });
                boxes.push(Area {
                    off1,
                    lim1: spl.i1,
                    off2,
                    lim2: spl.i2,
                    need_min: spl.min_lo,
                });
            }
        }
    }

    /// `xdl_split`: the middle snake of a box, or, when the search grows too costly, a point
    /// that git's heuristics accept instead. Each round extends both searches by one edit.
    fn split(&mut self, area: &Area) -> Split {
        let reach = (area.off1 - area.lim2, area.lim1 - area.off2);
        let fmid = area.off1 - area.off2;
        let bmid = area.lim1 - area.lim2;
        let mut forward = Front {
            min: fmid,
            max: fmid,
            mid: fmid,
        };
        let mut backward = Front {
            min: bmid,
            max: bmid,
            mid: bmid,
        };
        let odd = (fmid - bmid) & 1 != 0;
        self.set_f(fmid, area.off1);
        self.set_b(bmid, area.lim1);
        let mut ec: isize = 0;
        loop {
            ec += 1;
            forward.widen(reach, |d| self.set_f(d, -1));
            let (met, forward_snake) = self.forward_round(area, &forward, odd.then_some(&backward));
            if let Some(split) = met {
                return split;
            }
            backward.widen(reach, |d| self.set_b(d, isize::MAX));
            let (met, backward_snake) =
                self.backward_round(area, &backward, (!odd).then_some(&forward));
            if let Some(split) = met {
                return split;
            }
            if area.need_min {
                continue;
            }
            if (forward_snake || backward_snake) && ec > HEUR_MIN_COST {
                if let Some(split) = self.snake_split(area, &forward, &backward, ec) {
                    return split;
                }
            }
            // Enough is enough: the furthest-reaching path, by i1 + i2.
            if ec >= self.mxcost {
                return self.furthest_split(area, &forward, &backward);
            }
        }
    }

    /// One forward round over the diagonals of `front`, from the top: each reaches as far as
    /// it can, then follows its snake. Returns the split where it meets the backward search
    /// (only checked in `backward` when the delta is odd), and whether a snake longer than
    /// [`SNAKE_CNT`] was followed.
    fn forward_round(
        &mut self,
        area: &Area,
        front: &Front,
        backward: Option<&Front>,
    ) -> (Option<Split>, bool) {
        let mut got_snake = false;
        let mut d = front.max;
        while d >= front.min {
            let mut i1 = match self.f(d - 1) >= self.f(d + 1) {
                true => self.f(d - 1) + 1,
                false => self.f(d + 1),
            };
            let prev1 = i1;
            let mut i2 = i1 - d;
            while i1 < area.lim1 && i2 < area.lim2 && self.eq(i1, i2) {
                i1 += 1;
                i2 += 1;
            }
            got_snake |= i1 - prev1 > SNAKE_CNT;
            self.set_f(d, i1);
            if backward.is_some_and(|b| b.holds(d) && self.b(d) <= i1) {
                return (Some(Split::minimal(i1, i2)), got_snake);
            }
            d -= 2;
        }
        (None, got_snake)
    }

    /// The backward round, mirroring [`Search::forward_round`] from the box's end.
    fn backward_round(
        &mut self,
        area: &Area,
        front: &Front,
        forward: Option<&Front>,
    ) -> (Option<Split>, bool) {
        let mut got_snake = false;
        let mut d = front.max;
        while d >= front.min {
            let mut i1 = match self.b(d - 1) < self.b(d + 1) {
                true => self.b(d - 1),
                false => self.b(d + 1) - 1,
            };
            let prev1 = i1;
            let mut i2 = i1 - d;
            while i1 > area.off1 && i2 > area.off2 && self.eq(i1 - 1, i2 - 1) {
                i1 -= 1;
                i2 -= 1;
            }
            got_snake |= prev1 - i1 > SNAKE_CNT;
            self.set_b(d, i1);
            if forward.is_some_and(|f| f.holds(d) && i1 <= self.f(d)) {
                return (Some(Split::minimal(i1, i2)), got_snake);
            }
            d -= 2;
        }
        (None, got_snake)
    }

    /// git's heuristic once the cost passes [`HEUR_MIN_COST`]: a diagonal far from both corners
    /// (and from its middle), reached with a snake of [`SNAKE_CNT`] lines, is good enough;
    /// forward first, then backward.
    fn snake_split(
        &self,
        area: &Area,
        forward: &Front,
        backward: &Front,
        ec: isize,
    ) -> Option<Split> {
        let mut best = (0, (0, 0));
        let mut d = forward.max;
        while d >= forward.min {
            let i1 = self.f(d);
            let i2 = i1 - d;
            let v = (i1 - area.off1) + (i2 - area.off2) - (d - forward.mid).abs();
            if v > K_HEUR * ec
                && v > best.0
                && area.off1 + SNAKE_CNT <= i1
                && i1 < area.lim1
                && area.off2 + SNAKE_CNT <= i2
                && i2 < area.lim2
                && (1..=SNAKE_CNT).all(|k| self.eq(i1 - k, i2 - k))
            {
                best = (v, (i1, i2));
            }
            d -= 2;
        }
        if best.0 > 0 {
            let (i1, i2) = best.1;
            return Some(Split {
                i1,
                i2,
                min_lo: true,
                min_hi: false,
            });
        }
        let mut d = backward.max;
        while d >= backward.min {
            let i1 = self.b(d);
            let i2 = i1 - d;
            let v = (area.lim1 - i1) + (area.lim2 - i2) - (d - backward.mid).abs();
            if v > K_HEUR * ec
                && v > best.0
                && area.off1 < i1
                && i1 <= area.lim1 - SNAKE_CNT
                && area.off2 < i2
                && i2 <= area.lim2 - SNAKE_CNT
                && (0..SNAKE_CNT).all(|k| self.eq(i1 + k, i2 + k))
            {
                best = (v, (i1, i2));
            }
            d -= 2;
        }
        (best.0 > 0).then(|| {
            let (i1, i2) = best.1;
            Split {
                i1,
                i2,
                min_lo: false,
                min_hi: true,
            }
        })
    }

    /// The split at the furthest point either search reached (by i1 + i2), the forward one's
    /// when it went further.
    fn furthest_split(&self, area: &Area, forward: &Front, backward: &Front) -> Split {
        let (mut fbest, mut fbest1) = (-1, -1);
        let mut d = forward.max;
        while d >= forward.min {
            let mut i1 = self.f(d).min(area.lim1);
            let mut i2 = i1 - d;
            if area.lim2 < i2 {
                i1 = area.lim2 + d;
                i2 = area.lim2;
            }
            if fbest < i1 + i2 {
                fbest = i1 + i2;
                fbest1 = i1;
            }
            d -= 2;
        }
        let (mut bbest, mut bbest1) = (isize::MAX, isize::MAX);
        let mut d = backward.max;
        while d >= backward.min {
            let mut i1 = self.b(d).max(area.off1);
            let mut i2 = i1 - d;
            if i2 < area.off2 {
                i1 = area.off2 + d;
                i2 = area.off2;
            }
            if i1 + i2 < bbest {
                bbest = i1 + i2;
                bbest1 = i1;
            }
            d -= 2;
        }
        match (area.lim1 + area.lim2) - bbest < fbest - (area.off1 + area.off2) {
            true => Split {
                i1: fbest1,
                i2: fbest - fbest1,
                min_lo: true,
                min_hi: false,
            },
            false => Split {
                i1: bbest1,
                i2: bbest - bbest1,
                min_lo: false,
                min_hi: true,
            },
        }
    }
}

/// How many lines at the end of both texts git blame leaves out of its diff: `xdi_diff` trims
/// their common tail in whole 1,024-byte blocks, then gives back the part of the first block
/// up to and including its first newline (`trim_common_tail`, applied when a diff has no
/// context lines, as blame's has; numstat's has three and is not trimmed). The cut always
/// falls after a newline, so it removes the same whole lines from both sides. It matters
/// beyond speed: the lines left out no longer count as occurrences in `xdl_cleanup_records`.
pub(crate) fn blame_tail_lines(old: &[u8], new: &[u8]) -> usize {
    const BLOCK: usize = 1024;
    let smaller = old.len().min(new.len());
    let mut trimmed = 0;
    while BLOCK + trimmed <= smaller
        && old[old.len() - trimmed - BLOCK..old.len() - trimmed]
            == new[new.len() - trimmed - BLOCK..new.len() - trimmed]
    {
        trimmed += BLOCK;
    }
    let cut = old.len() - trimmed;
    let recovered = match old[cut..].iter().position(|&b| b == b'\n') {
        Some(newline) => newline + 1,
        None => trimmed,
    };
    let tail = &old[cut + recovered..];
    let newlines = tail.iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(tail.last().is_some_and(|&b| b != b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(lines: &[u32]) -> Vec<Token> {
        lines.iter().map(|&t| Token(t)).collect()
    }

    #[test]
    fn bogosqrt_is_gits() {
        // for (i = 1; n > 0; n >>= 2) i <<= 1;
        let cases = [(0, 1), (1, 2), (3, 2), (4, 4), (15, 4), (16, 8), (421, 32)];
        for (n, root) in cases {
            assert_eq!(bogosqrt(n), root, "bogosqrt({n})");
        }
    }

    #[test]
    fn a_frequent_line_is_set_aside_only_inside_a_run_of_unmatched_lines() {
        // Token 9 occurs 8 times on the other side (>= bogosqrt(40) = 8): frequent. Around it
        // 3 + 3 unmatched lines: 4 * 2 < 2 + 6 is false, so git keeps it; one more unmatched
        // line tips it (4 * 2 < 2 + 7).
        let other = {
            let mut counts = vec![0; 10];
            counts[9] = 8;
            counts[1] = 1;
            counts
        };
        let line = |unmatched_after: usize| {
            let mut l = vec![Token(1); 40];
            l[17..20].fill(Token(0));
            l[20] = Token(9);
            l[21..21 + unmatched_after].fill(Token(0));
            l
        };
        assert!(kept_lines(&line(3), &other, bogosqrt(40))[20]);
        assert!(!kept_lines(&line(4), &other, bogosqrt(40))[20]);
    }

    #[test]
    fn small_diffs_are_minimal() {
        let before = tokens(&[1, 2, 3, 4, 5]);
        let after = tokens(&[1, 3, 4, 6, 5, 7]);
        let marks = diff(&before, &after, 8);
        assert_eq!(marks.removed, [false, true, false, false, false]);
        assert_eq!(marks.added, [false, false, false, true, false, true]);
        let gix = marks.to_diff();
        assert_eq!((gix.count_additions(), gix.count_removals()), (2, 1));
        assert!(gix.is_removed(1) && gix.is_added(3) && gix.is_added(5));
    }

    #[test]
    fn blame_trims_whole_blocks_of_the_common_tail_and_ends_on_a_line() {
        let tail: Vec<u8> = (0..300)
            .flat_map(|i| format!("line {i:04}\n").into_bytes())
            .collect();
        let old = [b"old\n".as_slice(), &tail].concat();
        let new = [b"new\nnewer\n".as_slice(), &tail].concat();
        // 3,000 common bytes: two blocks (2,048 bytes) go, less the line the cut falls in.
        let lines = blame_tail_lines(&old, &new);
        let kept = old.len() - lines * 10;
        assert_eq!(lines, 204);
        assert!(old.len() - kept <= 2048 && old[kept - 1] == b'\n');
        assert_eq!(blame_tail_lines(b"a\n", b"b\n"), 0);
        assert_eq!(blame_tail_lines(b"", b""), 0);
    }
}
