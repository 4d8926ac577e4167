//! `evidence`: hardening evidence per month (signing, review, pull-request merges, advisories,
//! fixes); see [`crate::mine::evidence`] for every rule.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, optional, repo_column, required, Table, TableDef, TableError};
use crate::mine::evidence::EvidenceRow;

pub const EVIDENCE: TableDef = TableDef {
    name: "evidence",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::MONTH, Kind::Month),
        required(col::COMMITS, Kind::U32),
        required(col::MERGES, Kind::U32),
        required("signed_commits", Kind::U32),
        required("reviewed_commits", Kind::U32),
        required("tested_commits", Kind::U32),
        required("signed_off_commits", Kind::U32),
        required("co_authored_commits", Kind::U32),
        required("pr_merges", Kind::U32),
        required("own_advisory_commits", Kind::U32),
        required("dependency_advisory_commits", Kind::U32),
        required("new_advisories", Kind::U32),
        required("fix_commits", Kind::U32),
        required("fixed_later", Kind::U32),
        optional("median_days_to_fix", Kind::F64),
        // Review per main-line change (first-parent commit), by any rule and by each (see
        // `crate::mine::evidence`).
        required("mainline_changes", Kind::U32),
        required("reviewed_changes", Kind::U32),
        required("review_trailer", Kind::U32),
        required("review_pr_ref", Kind::U32),
        required("review_pr_subject", Kind::U32),
        required("review_pr_merge", Kind::U32),
        required("review_other_merger", Kind::U32),
        // Commits whose message credits a fuzzer with what they fix.
        required("fuzz_credited_commits", Kind::U32),
    ],
};

/// A count of an evidence row.
type Count = fn(&EvidenceRow) -> u32;

/// One row per month, no gaps.
pub fn evidence_frame(repo: &str, rows: &[EvidenceRow]) -> Result<DataFrame, TableError> {
    let n = rows.len();
    let u = |f: fn(&EvidenceRow) -> u32| rows.iter().map(f).collect::<Vec<u32>>();
    let counts: [(&str, Count); 13] = [
        (col::COMMITS, |r| r.commits),
        (col::MERGES, |r| r.merges),
        ("signed_commits", |r| r.signed_commits),
        ("reviewed_commits", |r| r.reviewed_commits),
        ("tested_commits", |r| r.tested_commits),
        ("signed_off_commits", |r| r.signed_off_commits),
        ("co_authored_commits", |r| r.co_authored_commits),
        ("pr_merges", |r| r.pr_merges),
        ("own_advisory_commits", |r| r.own_advisory_commits),
        ("dependency_advisory_commits", |r| {
            r.dependency_advisory_commits
        }),
        ("new_advisories", |r| r.new_advisories),
        ("fix_commits", |r| r.fix_commits),
        ("fixed_later", |r| r.fixed_later),
    ];
    let mut columns = vec![
        repo_column(repo, n),
        Column::new(
            col::MONTH.into(),
            rows.iter().map(|r| r.month.to_string()).collect::<Vec<_>>(),
        ),
    ];
    columns.extend(
        counts
            .iter()
            .map(|(name, f)| Column::new((*name).into(), u(*f))),
    );
    columns.push(Column::new(
        "median_days_to_fix".into(),
        rows.iter()
            .map(|r| r.median_days_to_fix)
            .collect::<Vec<_>>(),
    ));
    let review: [(&str, Count); 8] = [
        ("mainline_changes", |r| r.mainline_changes),
        ("reviewed_changes", |r| r.reviewed_changes),
        ("review_trailer", |r| r.review.trailer),
        ("review_pr_ref", |r| r.review.pr_ref),
        ("review_pr_subject", |r| r.review.pr_subject),
        ("review_pr_merge", |r| r.review.pr_merge),
        ("review_other_merger", |r| r.review.other_merger),
        ("fuzz_credited_commits", |r| r.fuzz_credited_commits),
    ];
    columns.extend(
        review
            .iter()
            .map(|(name, f)| Column::new((*name).into(), u(*f))),
    );
    schema::frame(Table::Evidence, n, columns)
}
