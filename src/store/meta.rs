//! The record stored beside a repository's tables (`meta.json`): what was analysed, from where,
//! under which rules, and every point a later run resumes from; and `temper list`'s table of a
//! store's records.

use serde::{Deserialize, Serialize};

/// What was analysed, stored beside a repository's tables. Its `Default` is an empty record with
/// no resume points, which a writer fills in.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RepoMeta {
    /// The repository's name in the store (the rule of [`super::check_name`]).
    pub name: String,
    /// The git directory analysed.
    pub source: String,
    /// The ref analysed, as the user gave it (or `HEAD`).
    pub reference: String,
    /// The commit the analysis started from, in full hex.
    pub tip: String,
    /// Unix seconds.
    pub analysed_at: i64,
    /// When the clone was last fetched, Unix seconds, where that is known: `run` records its own
    /// fetch, and a local clone's `FETCH_HEAD` says when git last fetched into it. Part of the
    /// data's "now" ([`crate::window`]), never the time of the analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<i64>,
    /// The version of temper that wrote this generation.
    pub temper_version: String,
    /// The store format it was written in ([`super::FORMAT_VERSION`]).
    pub format: u32,
    /// What counted the lines (tokei version and temper's counting rules); the blob cache is
    /// reused only by the same counter.
    #[serde(default)]
    pub counter: String,
    /// `--path`/`--exclude` as given; empty for the whole tree.
    #[serde(default)]
    pub scope: String,
    /// The code classes' rules ([`crate::mine::class::Classifier::key`]): months are reused only
    /// under the same rules.
    #[serde(default)]
    pub classes: String,
    /// A fingerprint of everything the tables depend on (tip, ref, scope, bot rule, mailmap,
    /// counter): a run with the same fingerprint has nothing to mine.
    #[serde(default)]
    pub inputs: String,
    /// Mined with `--activity-only`: the line tables were not made (a query of one says so).
    #[serde(default)]
    pub activity_only: bool,
    /// The summary and findings as of this generation, so an up-to-date run can print them.
    #[serde(default)]
    pub summary: Option<crate::mine::activity::Summary>,
    /// The findings of the same analysis (see `summary`).
    #[serde(default)]
    pub findings: Vec<crate::mine::activity::Finding>,
    /// What the stored walk depends on besides the tip (scope, bot rule, mailmap); a later run
    /// with the same key walks only new commits.
    #[serde(default)]
    pub walk_key: String,
    /// What the stored churn depends on (scope): kept when a walk is made again for another
    /// reason (a changed `.mailmap` or bot rule).
    #[serde(default)]
    pub churn_key: String,
    /// The stored walk's missing, unreadable and shallow-boundary commits.
    #[serde(default)]
    pub walk_problems: [Vec<String>; 3],
    /// The missing, unreadable and oversized blobs met while counting lines, in this run or (for
    /// the snapshots it reused) in earlier ones: a reused count must not lose its finding.
    #[serde(default)]
    pub loc_problems: [Vec<String>; 3],
    /// The `.gitattributes` blobs with lines git ignores, met as `loc_problems` are.
    #[serde(default)]
    pub loc_ignored_attributes: Vec<String>,
    /// What the stored line-age state depends on (the line counter's rules), the first-parent
    /// commit it was advanced to, and how many chain links that is: a later run whose chain
    /// passes through that commit at that position follows only the new links.
    #[serde(default)]
    pub age_key: String,
    /// The first-parent commit the line-age state was advanced to, in full hex (see `age_key`).
    #[serde(default)]
    pub age_tip: String,
    /// How many chain links that is (see `age_key`).
    #[serde(default)]
    pub age_applied: usize,
    /// What the stored `licences` periods depend on besides the chain (the detector and
    /// temper's rules, [`crate::mine::licence::LICENCE_KEY`]), and where they were found: the
    /// chain's tip, its number of links, and the time of analysis then (which commits were
    /// plausible; a run that finds nothing new moves `analysed_at`, never this). A later run
    /// under the same key whose chain passes through that tip with as many links below it
    /// reads only the new links' root trees.
    #[serde(default)]
    pub licence_key: String,
    /// The chain's tip then, in full hex; empty when none is stored (see `licence_key`).
    #[serde(default)]
    pub licence_tip: String,
    /// The chain's number of links then (see `licence_key`).
    #[serde(default)]
    pub licence_links: usize,
    /// The time of analysis then, Unix seconds (see `licence_key`).
    #[serde(default)]
    pub licence_now: i64,
    /// Each file of the generation with its size and FNV-1a fingerprint, `SIZE:HEX`, so a
    /// damaged table is noticed even when nothing else changed (see [`super::Store::verify`]).
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, String>,
}

impl RepoMeta {
    /// Mined with `--activity-only`, as this metadata says (or, written before it had the
    /// field, as its inputs fingerprint said).
    pub fn mined_activity_only(&self) -> bool {
        self.activity_only || self.inputs.contains(" loc=false ")
    }

    /// How new this project's data is: its last commit's month and its last fetch's.
    pub fn newest(&self) -> crate::window::Newest {
        crate::window::Newest {
            repo: self.name.clone(),
            last_commit: self.summary.as_ref().and_then(|s| s.last_month),
            fetched: self.fetched_at.and_then(crate::month::Month::from_unix),
        }
    }
}

/// One stored repository as `temper list --format json` prints it: a contract for scripts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Listed {
    /// The repository's name in the store.
    pub name: String,
    /// Where the repository was, as `analyze` resolved it.
    pub source: String,
    /// The ref mined, as the user gave it (or `HEAD`); `ref` in the JSON.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The commit mined, in full.
    pub tip: String,
    /// The `--path`/`--exclude` scope; empty for the whole tree.
    pub scope: String,
    /// The class rules' fingerprint (`--class`, then the built-in ones).
    pub classes: String,
    /// `YYYY-MM` of the first and last commit month, when known.
    pub first_month: Option<String>,
    /// `YYYY-MM` of the last commit month, when known (`null` otherwise).
    pub last_month: Option<String>,
    /// When it was mined and its clone fetched, RFC 3339 UTC.
    pub analysed_at: String,
    /// When its clone was last fetched, RFC 3339 UTC; `null` when that is not known.
    pub fetched_at: Option<String>,
    /// Mined with `--activity-only` (no line tables).
    pub activity_only: bool,
    /// The temper version that mined it.
    pub temper_version: String,
}

impl Listed {
    /// The listing of a repository's stored metadata.
    pub fn of(m: &RepoMeta) -> Listed {
        let rfc3339 = crate::text::rfc3339;
        let month = |f: fn(&crate::mine::activity::Summary) -> Option<crate::month::Month>| {
            m.summary.as_ref().and_then(f).map(|m| m.to_string())
        };
        Listed {
            name: m.name.clone(),
            source: m.source.clone(),
            reference: m.reference.clone(),
            tip: m.tip.clone(),
            scope: m.scope.clone(),
            classes: m.classes.clone(),
            first_month: month(|s| s.first_month),
            last_month: month(|s| s.last_month),
            analysed_at: rfc3339(m.analysed_at),
            fetched_at: m.fetched_at.map(rfc3339),
            activity_only: m.mined_activity_only(),
            temper_version: m.temper_version.clone(),
        }
    }
}

/// The `temper list` table of a store's repositories: name, source, ref, tip (12 digits),
/// scope, months (first to last) and the time of the last analysis (UTC), one line each,
/// aligned; text from a repository made safe for a terminal.
pub fn listing(metas: &[RepoMeta]) -> String {
    let rows: Vec<[String; 7]> = metas
        .iter()
        .map(|m| {
            let months =
                m.summary
                    .as_ref()
                    .map_or(String::new(), |s| match (s.first_month, s.last_month) {
                        (Some(a), Some(b)) => format!("{a}..{b}"),
                        _ => String::new(),
                    });
            let when = chrono::DateTime::from_timestamp(m.analysed_at, 0)
                .map_or(String::new(), |t| t.format("%Y-%m-%d %H:%M").to_string());
            let cell = |t: &str| crate::text::terminal(t, 60);
            [
                cell(&m.name),
                cell(&m.source),
                cell(&m.reference),
                m.tip.chars().take(12).collect(),
                cell(if m.scope.is_empty() {
                    "(whole tree)"
                } else {
                    &m.scope
                }),
                months,
                when,
            ]
        })
        .collect();
    let header = [
        "name",
        "source",
        "ref",
        "tip",
        "scope",
        "months",
        "analysed (UTC)",
    ]
    .map(String::from);
    let all: Vec<[String; 7]> = std::iter::once(header).chain(rows).collect();
    let mut out = crate::text::aligned(&all, &[]).join("\n");
    out.push('\n');
    out
}
