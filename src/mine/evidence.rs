//! Hardening evidence per month, from what each commit object says (see
//! [`crate::mine::git::evidence`]): how changes are signed, reviewed and merged, which advisories they
//! mention, and which commits `Fixes:` trailers name.
//!
//! Counts are of plausibly dated commits in the month of their author time, as in `activity`.
//! An **advisory commit** mentions a CVE, GHSA or XSA id; it is a **dependency** advisory commit
//! when its subject says bump, update, upgrade or vendor, or when it changed lines only in
//! vendored or generated files (see [`crate::mine::class`]), and the project's **own** otherwise. An
//! advisory id is **new** in the month of the first commit that mentions it. A `Fixes:` id is
//! resolved to the one walked commit whose id starts with it: that commit counts as **fixed
//! later** in its own month, and the days from it to the fix go into the fix's month's median
//! (a fix authored before the commit it names is left out of the median: no negative days). These are commits
//! that mention advisories, not vulnerabilities: the report never calls them that.
//!
//! **Review** is counted per main-line change, as OpenSSF Scorecard's Code-Review check and
//! CHAOSS's Change Request Reviews do: each commit of the first-parent chain is one change (a
//! merge stands for the branch it brings in), in the month of its author time. A change is
//! reviewed when git shows it by any of these rules (each counted on its own too, so the table
//! says which matched):
//! - `trailer`: it carries a Reviewed-by, Acked-by or Reviewed-on trailer or a Differential
//!   Revision line (Gerrit, Phabricator, kernel-style mailing lists);
//! - `pr_ref`: it is a copy of a commit of a pull-request ref (same author, author time and
//!   subject: "rebase and merge"; see [`crate::mine::git::pulls`]);
//! - `pr_subject`: its subject ends in `(#N)`, GitHub's squash of pull request N;
//! - `pr_merge`: it is a GitHub or GitLab pull-request merge;
//! - `other_merger`: it is a merge whose author wrote none of the commits it brings in (a
//!   maintainer landing another person's topic branch, as in git's and the kernel's mailing-list
//!   workflow, or a pull request merged by someone else).

use std::collections::{BTreeMap, HashSet};

use gix::ObjectId;

use crate::mine::activity::is_plausible;
use crate::mine::class::Class;
use crate::mine::git::{CommitInfo, History};
use crate::month::Month;

/// One month of evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    /// The month, by author time in UTC.
    pub month: Month,
    /// Non-merge commits.
    pub commits: u32,
    /// Merge commits (two or more parents).
    pub merges: u32,
    /// Commits (merges included) with a `gpgsig` header.
    pub signed_commits: u32,
    /// Non-merge commits with review evidence (Reviewed-by, Acked-by, Reviewed-on, Differential
    /// Revision).
    pub reviewed_commits: u32,
    /// Non-merge commits with a `Tested-by` trailer.
    pub tested_commits: u32,
    /// Non-merge commits with a `Signed-off-by` trailer (the DCO sign-off).
    pub signed_off_commits: u32,
    /// Non-merge commits with a `Co-authored-by` trailer.
    pub co_authored_commits: u32,
    /// Merges whose message is a GitHub or GitLab pull-request merge.
    pub pr_merges: u32,
    /// Commits mentioning an advisory id that are not dependency updates: the project's own.
    pub own_advisory_commits: u32,
    /// Commits mentioning an advisory id that update dependencies (see `is_dependency_update`).
    pub dependency_advisory_commits: u32,
    /// Advisory ids first mentioned this month.
    pub new_advisories: u32,
    /// Commits with a `Fixes:` trailer.
    pub fix_commits: u32,
    /// Commits whose message credits a fuzzer with what they fix (see [`crate::mine::git::evidence`]).
    pub fuzz_credited_commits: u32,
    /// Commits of this month that a `Fixes:` trailer of a later commit names (regressions found).
    pub fixed_later: u32,
    /// The median days from a fixed commit to the commit that fixes it, over this month's fixes
    /// whose `Fixes:` id names exactly one walked commit.
    pub median_days_to_fix: Option<f64>,
    /// Main-line changes (first-parent commits) and those reviewed by any rule.
    pub mainline_changes: u32,
    /// Main-line changes reviewed by at least one rule.
    pub reviewed_changes: u32,
    /// Main-line changes reviewed by each rule (see the module documentation).
    pub review: ReviewCounts,
}

/// Main-line changes per review rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewCounts {
    /// Changes with a Reviewed-by, Acked-by or Reviewed-on trailer or a Differential Revision line
    /// (`review_trailer`).
    pub trailer: u32,
    /// Non-merge changes copied from a pull-request ref's commit (`review_pr_ref`).
    pub pr_ref: u32,
    /// Non-merge changes whose subject ends in `(#N)` (`review_pr_subject`).
    pub pr_subject: u32,
    /// Merges of a GitHub or GitLab pull request (`review_pr_merge`).
    pub pr_merge: u32,
    /// Merges whose author wrote none of the commits they bring in (`review_other_merger`).
    pub other_merger: u32,
}

impl ReviewCounts {
    fn any(&self) -> bool {
        self.trailer + self.pr_ref + self.pr_subject + self.pr_merge + self.other_merger > 0
    }

    fn add(&mut self, other: &ReviewCounts) {
        self.trailer += other.trailer;
        self.pr_ref += other.pr_ref;
        self.pr_subject += other.pr_subject;
        self.pr_merge += other.pr_merge;
        self.other_merger += other.other_merger;
    }
}

impl EvidenceRow {
    fn new(month: Month) -> EvidenceRow {
        EvidenceRow {
            month,
            commits: 0,
            merges: 0,
            signed_commits: 0,
            reviewed_commits: 0,
            tested_commits: 0,
            signed_off_commits: 0,
            co_authored_commits: 0,
            pr_merges: 0,
            own_advisory_commits: 0,
            dependency_advisory_commits: 0,
            new_advisories: 0,
            fix_commits: 0,
            fuzz_credited_commits: 0,
            fixed_later: 0,
            median_days_to_fix: None,
            mainline_changes: 0,
            reviewed_changes: 0,
            review: ReviewCounts::default(),
        }
    }

    fn add(&mut self, c: &CommitInfo, first_mentions: u32) {
        let e = &c.evidence;
        let merge = c.parents.len() > 1;
        let count = |yes: bool| u32::from(yes && !merge);
        self.commits += u32::from(!merge);
        self.merges += u32::from(merge);
        self.signed_commits += u32::from(e.signed);
        self.reviewed_commits += count(e.reviewed);
        self.tested_commits += count(e.tested);
        self.signed_off_commits += count(e.signed_off);
        self.co_authored_commits += count(e.co_authors > 0);
        self.pr_merges += u32::from(e.pr_merge && merge);
        if !e.advisories.is_empty() {
            match is_dependency_update(c) {
                true => self.dependency_advisory_commits += 1,
                false => self.own_advisory_commits += 1,
            }
        }
        self.new_advisories += first_mentions;
        self.fix_commits += u32::from(!e.fixes.is_empty());
        self.fuzz_credited_commits += u32::from(e.fuzz_credit);
    }
}

/// Whether a commit updates dependencies rather than changing the project's own code: its
/// subject says so, or its lines changed are all in vendored or generated files.
fn is_dependency_update(c: &CommitInfo) -> bool {
    if c.evidence.bump_subject {
        return true;
    }
    let Some(churn) = c.churn else {
        return false;
    };
    let lines = |class| {
        let (a, r) = churn.classes.get(class);
        a + r
    };
    let theirs = lines(Class::Vendored) + lines(Class::Generated);
    let ours = lines(Class::Code) + lines(Class::Test) + lines(Class::Docs);
    theirs > 0 && ours == 0
}

/// How each main-line change (`chain`, the first-parent chain, tip first) was reviewed, by rule:
/// walked oldest first, each merge's brought-in commits are those its other parents reach that
/// no earlier change reached.
///
/// The tables are keyed by commit id with gix's id hash (an id's own leading bytes) and sized up
/// front: at the kernel's size they hold over a million commits each.
fn mainline_review<'a>(
    history: &'a History,
    chain: &[ObjectId],
) -> Vec<(&'a CommitInfo, ReviewCounts)> {
    let mut index: gix::hashtable::HashMap<ObjectId, &CommitInfo> =
        gix::hashtable::HashMap::default();
    index.reserve(history.commits.len());
    index.extend(history.commits.iter().map(|c| (c.id, c)));
    let mut reached: gix::hashtable::HashSet<ObjectId> = gix::hashtable::HashSet::default();
    reached.reserve(history.commits.len());
    let mut out = Vec::with_capacity(chain.len());
    for id in chain.iter().rev() {
        let Some(c) = index.get(id) else { continue };
        reached.insert(c.id);
        let e = &c.evidence;
        let merge = c.parents.len() > 1;
        let mut authors: HashSet<u32> = HashSet::new();
        let mut stack: Vec<ObjectId> = c.parents.iter().skip(1).copied().collect();
        while let Some(p) = stack.pop() {
            if !reached.insert(p) {
                continue;
            }
            if let Some(b) = index.get(&p) {
                authors.insert(b.author);
                stack.extend(b.parents.iter().copied());
            }
        }
        let counts = ReviewCounts {
            trailer: u32::from(e.reviewed),
            pr_ref: u32::from(e.pr_ref && !merge),
            pr_subject: u32::from(e.pr_subject && !merge),
            pr_merge: u32::from(e.pr_merge && merge),
            other_merger: u32::from(merge && !authors.is_empty() && !authors.contains(&c.author)),
        };
        out.push((*c, counts));
    }
    out
}

/// Evidence per month, from the first to the last month with a plausibly dated commit (no gaps);
/// `chain` is the first-parent chain (tip first), whose commits are the main-line changes.
pub fn monthly_evidence(history: &History, chain: &[ObjectId], now: i64) -> Vec<EvidenceRow> {
    let mut dated: Vec<(Month, i64, &CommitInfo)> = history
        .commits
        .iter()
        .filter(|c| is_plausible(c.author_time, now))
        .filter_map(|c| Some((Month::from_unix(c.author_time)?, c.author_time, c)))
        .collect();
    // First mentions in author-time order (ties: commit id), so the result does not depend on
    // the walk's order.
    dated.sort_by_key(|(_, t, c)| (*t, c.id));
    let mut seen: HashSet<&str> = HashSet::new();
    let mut months: BTreeMap<Month, EvidenceRow> = BTreeMap::new();
    for (month, _, c) in &dated {
        let first = c
            .evidence
            .advisories
            .iter()
            .filter(|id| seen.insert(id.as_str()))
            .count() as u32;
        months
            .entry(*month)
            .or_insert_with(|| EvidenceRow::new(*month))
            .add(c, first);
    }
    add_fixes(&dated, &mut months);
    for (c, counts) in mainline_review(history, chain) {
        // Counted in its author month, as `dated` places it (an implausible date: nowhere).
        let Some(month) = Some(c.author_time)
            .filter(|t| is_plausible(*t, now))
            .and_then(Month::from_unix)
        else {
            continue;
        };
        if let Some(row) = months.get_mut(&month) {
            row.mainline_changes += 1;
            row.reviewed_changes += u32::from(counts.any());
            row.review.add(&counts);
        }
    }
    let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().next_back()) else {
        return Vec::new();
    };
    Month::range_inclusive(first, last)
        .map(|m| months.remove(&m).unwrap_or_else(|| EvidenceRow::new(m)))
        .collect()
}

/// The smallest object id whose hex starts with `prefix` (lowercase hex, at most 40 digits, as
/// [`crate::mine::git::evidence`] keeps a `Fixes:` id).
fn lowest_with_prefix(prefix: &str) -> ObjectId {
    let mut bytes = [0u8; 20];
    for (i, digit) in prefix.bytes().take(40).enumerate() {
        let value = (digit as char).to_digit(16).unwrap_or(0) as u8;
        bytes[i / 2] |= if i % 2 == 0 { value << 4 } else { value };
    }
    ObjectId::Sha1(bytes)
}

/// Resolves `Fixes:` ids to the commits they name (an id naming no walked commit, or several,
/// is left out) and adds, per month, the commits later named by a fix and the median days to
/// their fixes.
fn add_fixes(dated: &[(Month, i64, &CommitInfo)], months: &mut BTreeMap<Month, EvidenceRow>) {
    if dated.iter().all(|(_, _, c)| c.evidence.fixes.is_empty()) {
        return;
    }
    // Sorted as bytes, which is the order of their hex: a prefix's matches are one run.
    let mut ids: Vec<(ObjectId, Month, i64)> =
        dated.iter().map(|(m, t, c)| (c.id, *m, *t)).collect();
    ids.sort_unstable_by_key(|(id, ..)| *id);
    let resolve = |prefix: &str| -> Option<(Month, i64, usize)> {
        let start = ids.partition_point(|(id, ..)| id < &lowest_with_prefix(prefix));
        let mut hits = ids[start..]
            .iter()
            .take_while(|(id, ..)| id.to_hex().to_string().starts_with(prefix));
        let (_, month, time) = hits.next()?;
        hits.next().is_none().then_some((*month, *time, start))
    };
    let mut fixed: HashSet<usize> = HashSet::new();
    let mut days: BTreeMap<Month, Vec<f64>> = BTreeMap::new();
    for (month, time, c) in dated {
        for prefix in &c.evidence.fixes {
            let Some((target_month, target_time, index)) = resolve(prefix) else {
                continue;
            };
            if fixed.insert(index) {
                if let Some(row) = months.get_mut(&target_month) {
                    row.fixed_later += 1;
                }
            }
            // A fix authored before what it fixes (a skewed clock, a rebased series) has no time
            // to fix: it is left out of the median rather than counted as negative days.
            if *time >= target_time {
                days.entry(*month)
                    .or_default()
                    .push((time - target_time) as f64 / 86_400.0);
            }
        }
    }
    for (month, mut d) in days {
        d.sort_by(f64::total_cmp);
        if let Some(row) = months.get_mut(&month) {
            // The lower median, as for line age.
            row.median_days_to_fix = d.get((d.len() - 1) / 2).copied();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_starts_the_run_of_ids_that_bear_it() {
        let prefix = "0123abc";
        let low = lowest_with_prefix(prefix);
        assert_eq!(low.to_hex().to_string(), format!("{prefix:0<40}"));
        // Bytes and hex sort alike, so the ids bearing the prefix follow its lowest one.
        let hex = [
            "0123abbfffffffffffffffffffffffffffffffff",
            "0123abc000000000000000000000000000000001",
            "0123abcfffffffffffffffffffffffffffffffff",
            "0123abd000000000000000000000000000000000",
            "f000000000000000000000000000000000000000",
        ];
        let mut ids: Vec<ObjectId> = hex
            .iter()
            .map(|h| ObjectId::from_hex(h.as_bytes()).expect("hex"))
            .collect();
        ids.reverse();
        ids.sort();
        let sorted: Vec<String> = ids.iter().map(|i| i.to_hex().to_string()).collect();
        assert_eq!(sorted, hex);
        let start = ids.partition_point(|id| id < &low);
        let bearing: Vec<&String> = sorted[start..]
            .iter()
            .take_while(|h| h.starts_with(prefix))
            .collect();
        assert_eq!(bearing, [hex[1], hex[2]]);
    }
}
