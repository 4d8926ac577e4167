//! `releases`: one row per release tag (see [`crate::mine::release`] for which tags are releases).

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, datetime_column, optional, repo_column, required, Table, TableDef, TableError};
use crate::mine::release::Release;

pub const RELEASES: TableDef = TableDef {
    name: "releases",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required(col::TAG, Kind::Str),
        required(col::COMMIT, Kind::Oid),
        // The tagger's time; a lightweight tag's commit date.
        required(col::DATE, Kind::Datetime),
        required(col::MONTH, Kind::Month),
        required(col::VERSION, Kind::Str),
        required(col::PRERELEASE, Kind::Bool),
        required(col::ANNOTATED, Kind::Bool),
        // An in-body signature is present; it is not verified.
        required(col::SIGNED, Kind::Bool),
        required(col::ON_REF, Kind::Bool),
        // Its release line (a tag's path prefix, `api` for `api/v1.2.3`; empty for the root),
        // and whether that is the project's line (the root, or the largest when the root has
        // none): the report counts the project's releases on it.
        required("line", Kind::Str),
        required("main_line", Kind::Bool),
        // The release before it on its line, an ancestor (4.9.0 before 4.10.0, 4.9.0 before 4.9.1).
        optional("previous", Kind::Str),
        // The latest final release of its line dated before it, and the days since.
        optional("previous_by_date", Kind::Str),
        optional("days_since_previous", Kind::F64),
        // Non-merge commits and distinct authors in previous..tag.
        optional(col::COMMITS, Kind::U32),
        optional(col::CONTRIBUTORS, Kind::U32),
        // Authors of the range with no commit reachable from the previous release.
        optional(col::NEW_CONTRIBUTORS, Kind::U32),
        // Own code's lines added and removed by the range's non-merge commits.
        optional("own_lines_added", Kind::U64),
        optional("own_lines_removed", Kind::U64),
    ],
};

/// One row per release, oldest first.
pub fn releases_frame(repo: &str, releases: &[Release]) -> Result<DataFrame, TableError> {
    let n = releases.len();
    let text = |f: fn(&Release) -> String| releases.iter().map(f).collect::<Vec<_>>();
    let flag = |f: fn(&Release) -> bool| releases.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new(col::TAG.into(), text(|r| r.tag.name.clone())),
        Column::new(col::COMMIT.into(), text(|r| r.tag.commit.to_string())),
        datetime_column(col::DATE, releases.iter().map(|r| r.tag.time).collect()),
        Column::new(col::MONTH.into(), text(|r| r.month.to_string())),
        Column::new(col::VERSION.into(), text(|r| r.version.clone())),
        Column::new(col::PRERELEASE.into(), flag(|r| r.prerelease)),
        Column::new(col::ANNOTATED.into(), flag(|r| r.tag.annotated)),
        Column::new(col::SIGNED.into(), flag(|r| r.tag.signed)),
        Column::new(col::ON_REF.into(), flag(|r| r.on_ref)),
        Column::new("line".into(), text(|r| r.line.clone())),
        Column::new("main_line".into(), flag(|r| r.main_line)),
        Column::new(
            "previous".into(),
            releases
                .iter()
                .map(|r| r.previous.clone())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "previous_by_date".into(),
            releases
                .iter()
                .map(|r| r.previous_by_date.clone())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "days_since_previous".into(),
            releases
                .iter()
                .map(|r| r.days_since_previous)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            col::COMMITS.into(),
            releases.iter().map(|r| r.commits).collect::<Vec<_>>(),
        ),
        Column::new(
            col::CONTRIBUTORS.into(),
            releases.iter().map(|r| r.contributors).collect::<Vec<_>>(),
        ),
        Column::new(
            col::NEW_CONTRIBUTORS.into(),
            releases
                .iter()
                .map(|r| r.new_contributors)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "own_lines_added".into(),
            releases
                .iter()
                .map(|r| r.own_lines_added)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "own_lines_removed".into(),
            releases
                .iter()
                .map(|r| r.own_lines_removed)
                .collect::<Vec<_>>(),
        ),
    ];
    schema::frame(Table::Releases, n, columns)
}
