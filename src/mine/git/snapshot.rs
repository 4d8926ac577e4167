//! Month-end snapshots: which tree stands for each month.
//!
//! The snapshot of month M is the tree of the last commit on the analysed ref's first-parent
//! chain whose committer time is at or before the end of M (UTC). "Last" is in chain order, nearest
//! the tip, so a rebased or clock-skewed commit cannot make an older tree stand for a later month.

use gix::hashtable::HashMap;
use gix::ObjectId;

use super::History;
use crate::month::Month;

/// One month's snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// The month the snapshot stands for.
    pub month: Month,
    /// The last first-parent commit whose committer time is at or before the month's end (UTC).
    pub commit: ObjectId,
    /// That commit's root tree.
    pub tree: ObjectId,
}

/// A commit on the first-parent chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainLink {
    /// The commit's id.
    pub commit: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Its committer time (git's commit date), Unix seconds: when its lines reached the mainline.
    pub committer_time: i64,
    /// Who is credited with the lines this link writes (an index into the history's
    /// identities): the author, or for a merge the author of the merged branch's tip, who wrote
    /// the lines the merge brings in far more often than the person merging. `None` for bots.
    pub owner: Option<u32>,
}

/// The first-parent chain from `tip`, tip first. It ends at a root, a shallow boundary, a
/// missing commit, or a commit already on the chain (replace refs can make the graph cyclic;
/// git's walk stops there too).
pub fn first_parent_chain(history: &History, tip: ObjectId) -> Vec<ChainLink> {
    let index: HashMap<ObjectId, usize> = history
        .commits
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let mut chain = Vec::new();
    let mut on_chain: gix::hashtable::HashSet<ObjectId> = Default::default();
    let mut next = index.get(&tip).copied();
    while let Some(i) = next.filter(|&i| on_chain.insert(history.commits[i].id)) {
        let c = &history.commits[i];
        let credited = c
            .parents
            .get(1)
            .and_then(|p| index.get(p))
            .map_or(c, |&j| &history.commits[j]);
        chain.push(ChainLink {
            commit: c.id,
            tree: c.tree,
            committer_time: c.committer_time,
            owner: (!credited.is_bot).then_some(credited.author),
        });
        next = history.commits[i]
            .parents
            .first()
            .and_then(|p| index.get(p).copied());
    }
    chain
}

/// The snapshot of every month in `months` (ascending) that has one; months before the chain's
/// first commit have none.
pub fn month_end_snapshots(chain: &[ChainLink], months: &[Month]) -> Vec<Snapshot> {
    // For an earlier month the qualifying commits are a subset of a later month's, so the nearest
    // qualifying position only moves rootwards as months go back: one pass over the chain.
    let mut out = Vec::with_capacity(months.len());
    let mut pos = 0;
    for &month in months.iter().rev() {
        let end = month.end_exclusive_unix();
        while pos < chain.len() && chain[pos].committer_time >= end {
            pos += 1;
        }
        let Some(c) = chain.get(pos) else { break };
        out.push(Snapshot {
            month,
            commit: c.commit,
            tree: c.tree,
        });
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mine::git::CommitInfo;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    #[test]
    fn nearest_the_tip_wins_under_clock_skew() {
        let t = |y, m, d| {
            chrono::NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp()
        };
        // Chain tip->root: 4 (Mar 10), 3 (Jan 20, skewed clock), 2 (Feb 5), 1 (Jan 5).
        let mk = |n: u8, ct: i64, parent: Option<u8>| CommitInfo {
            id: id(n),
            tree: id(n + 100),
            parents: parent.map(id).into_iter().collect(),
            author_time: ct,
            committer_time: ct,
            author: 0,
            is_bot: false,
            malformed: 0,
            churn: None,
            evidence: Default::default(),
            co_authors: Vec::new(),
        };
        let history = History {
            commits: vec![
                mk(1, t(2020, 1, 5), None),
                mk(2, t(2020, 2, 5), Some(1)),
                mk(3, t(2020, 1, 20), Some(2)),
                mk(4, t(2020, 3, 10), Some(3)),
            ],
            ..History::default()
        };
        let chain = first_parent_chain(&history, id(4));
        let ids: Vec<ObjectId> = chain.iter().map(|l| l.commit).collect();
        assert_eq!(ids, [id(4), id(3), id(2), id(1)]);
        let months: Vec<Month> = (1..=4).map(|m| Month::new(2020, m).unwrap()).collect();
        let snaps = month_end_snapshots(&chain, &months);
        let got: Vec<(String, ObjectId)> = snaps
            .iter()
            .map(|s| (s.month.to_string(), s.commit))
            .collect();
        // January: commit 3 is nearest the tip with a January committer time.
        assert_eq!(
            got,
            [
                ("2020-01".to_string(), id(3)),
                ("2020-02".to_string(), id(3)),
                ("2020-03".to_string(), id(4)),
                ("2020-04".to_string(), id(4)),
            ]
        );
    }
}
