//! `dependencies`: what the project declares at the analysed tip (see [`crate::mine::deps`]):
//! one row per package and version, with its source repository by temper's own rules (the
//! lock files, vendored manifests, Go's module paths; no `--map`, no installed copies, so a
//! run anywhere stores the same rows). The report joins `repository` to the `source` of the
//! projects mined beside it.

use polars::prelude::*;

use super::schema::{self, Kind};
use super::{col, optional, repo_column, required, Table, TableDef, TableError};
use crate::mine::deps::Dependency;

pub const DEPENDENCIES: TableDef = TableDef {
    name: "dependencies",
    public: true,
    schema: &[
        required(col::REPO, Kind::Str),
        required("ecosystem", Kind::Str),
        required("name", Kind::Str),
        required(col::VERSION, Kind::Str),
        required("direct", Kind::Bool),
        required("vendored", Kind::Bool),
        optional("replaced_by", Kind::Str),
        optional("repository", Kind::Str),
        // The name `temper deps --config-out` gives the repository's project (`cilium-ebpf`):
        // the report finds a dependency mined beside the project by it (or by its source).
        optional("project", Kind::Str),
        // Go: the module's directory in its repository, the prefix of its release tags.
        required("line", Kind::Str),
        required("found", Kind::Str),
        required("declared_in", Kind::Str),
    ],
};

/// One row per dependency, sorted by ecosystem, name and version.
pub fn dependencies_frame(repo: &str, deps: &[Dependency]) -> Result<DataFrame, TableError> {
    let n = deps.len();
    let text = |f: fn(&Dependency) -> String| deps.iter().map(f).collect::<Vec<_>>();
    let maybe = |f: fn(&Dependency) -> Option<String>| deps.iter().map(f).collect::<Vec<_>>();
    let flag = |f: fn(&Dependency) -> bool| deps.iter().map(f).collect::<Vec<_>>();
    let columns = vec![
        repo_column(repo, n),
        Column::new(
            "ecosystem".into(),
            text(|d| d.ecosystem.as_str().to_string()),
        ),
        Column::new("name".into(), text(|d| d.name.clone())),
        Column::new(col::VERSION.into(), text(|d| d.version.clone())),
        Column::new("direct".into(), flag(|d| d.direct)),
        Column::new("vendored".into(), flag(|d| d.vendored)),
        Column::new("replaced_by".into(), maybe(|d| d.replaced_by.clone())),
        Column::new("repository".into(), maybe(|d| d.repository.clone())),
        Column::new("project".into(), maybe(|d| d.project.clone())),
        Column::new("line".into(), text(|d| d.line.clone())),
        Column::new("found".into(), text(|d| d.found.as_str().to_string())),
        Column::new("declared_in".into(), text(|d| d.declared_in.clone())),
    ];
    schema::frame(Table::Dependencies, n, columns)
}
