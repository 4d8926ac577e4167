//! Which tags are releases, and of which version.
//!
//! A release tag is a tag whose name is a version: an optional word prefix (`RELEASE-`, `xen-`,
//! `go`), an optional `v`, two to four dot-separated numbers, and an optional suffix
//! (`-rc1`, `.beta2`, `-ce`). So `v1.2.3`, `RELEASE-4.10.0`, `4.10.0-rc1`, `go1.21.0` and
//! `api/v0.3.1` are releases; `latest`, `nightly-20200101` and `1` are not. A release is a
//! *pre-release* when its suffix names one (`rc`, `alpha`, `beta`, `pre`, `preview`, `dev`,
//! `snapshot`, `nightly`, `test`, or `a`/`b` followed by a digit, in any case): `v2.0.0-rc.1`
//! and `1.0b2` are, `v17.03.0-ce` is not. The rule matches how the projects temper was tried on
//! (xen, moby, git, runc, firecracker) name their releases; a tag it misreads is a data point,
//! never a failure.
//!
//! **Release lines.** A tag with a path prefix (`api/v1.2.3`, `client/v0.1.0`: Go's tags of a
//! module in a subdirectory) is a release of its own line, named by the prefix; the others are
//! the root line. The project's releases are its root line ([`Release::main_line`]), or the line
//! with the most final releases when the root has none. Within a line, a release's previous
//! release is a lower version of the same line that is its ancestor (a previous release the
//! release's commit does not reach would give an empty range): for an `x.y.0` release the
//! highest lower feature release, for a maintenance release the highest lower release of its
//! feature. Feature releases are `x.y.0` (or `x.y`), except in a major version whose tags use
//! four numbers (git 1.x: `1.7.1` a feature release, `1.7.1.2` its maintenance), where they are
//! `x.y.z` (or `x.y.z.0`).
//!
//! A tag dated at or before the Unix epoch or after the analysis (as implausible commit dates
//! are) is not a release: `analyze` leaves it out.
//!
//! A project that names its releases otherwise gives its own rule ([`ReleaseRule::new`],
//! `analyze --release-pattern`): a regular expression a tag's whole name must match. Its named
//! group `version` is the version (its runs of digits joined by dots, so `2024_05` is `2024.05`;
//! without the group, the first dotted run of numbers in the name), and the
//! pre-release rule above reads what follows the version.

use std::sync::LazyLock;

use regex::Regex;

use crate::git::tags::Tag;
use crate::month::Month;

static VERSION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[A-Za-z][A-Za-z0-9_]*?[-_/.]?)?[vV]?(?P<version>\d+(?:\.\d+){1,3})(?P<suffix>[-.+~_]?[0-9A-Za-z][0-9A-Za-z.+~_-]*)?$",
    )
    .ok()
});

static PRERELEASE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(rc|alpha|beta|pre|preview|dev|snapshot|nightly|test|(^|[^a-z])[ab]\d)").ok()
});

/// One release tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub tag: Tag,
    /// The version numbers, e.g. `4.10.0`.
    pub version: String,
    pub prerelease: bool,
    /// The UTC month of its date.
    pub month: Month,
    /// Whether the tag's commit is reachable from the analysed ref.
    pub on_ref: bool,
    /// Its release line: the tag name's path prefix (`api` for `api/v1.2.3`), empty for the root.
    pub line: String,
    /// Whether its line is the project's (the root, or the largest line when the root has none).
    pub main_line: bool,
    /// The release before it on its line, an ancestor of it (see [`previous_candidates`]);
    /// none for pre-releases.
    pub previous: Option<String>,
    /// The latest final release of its line dated before it.
    pub previous_by_date: Option<String>,
    /// Days from `previous_by_date` to it.
    pub days_since_previous: Option<f64>,
    /// Non-merge commits and distinct authors in `previous..tag` (what `git rev-list
    /// --no-merges` and `git log --format=%aE` list), when there is a previous release; the
    /// commits of releases off the analysed ref are walked for this (and only for this).
    pub commits: Option<u32>,
    pub contributors: Option<u32>,
    /// Of those authors, the ones with no commit reachable from the previous release.
    pub new_contributors: Option<u32>,
    /// Lines of own code (class `code`) the range's non-merge commits added and removed, when
    /// every one of them has churn (releases off the analysed ref are walked without it).
    pub own_lines_added: Option<u64>,
    pub own_lines_removed: Option<u64>,
}

/// The numbers of a version, compared numerically (`4.10.0` > `4.9.3`).
fn numbers(version: &str) -> Vec<u64> {
    version.split('.').filter_map(|n| n.parse().ok()).collect()
}

/// The release line of a tag name: its path prefix (`api` for `api/v1.2.3`), empty for none.
pub fn line_of(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(prefix, _)| prefix)
}

/// How many leading numbers name a feature release, per line and major version: 3 where that
/// major version has four-number tags (git 1.x), else 2. Computed once for all releases.
fn feature_depths(releases: &[Release]) -> std::collections::HashMap<(&str, u64), usize> {
    let mut depths = std::collections::HashMap::new();
    for r in releases {
        let v = numbers(&r.version);
        let depth = depths
            .entry((r.line.as_str(), v.first().copied().unwrap_or(0)))
            .or_insert(2);
        if v.len() >= 4 {
            *depth = 3;
        }
    }
    depths
}

/// The feature depth of `r` (see [`feature_depths`]).
fn depth_of(depths: &std::collections::HashMap<(&str, u64), usize>, r: &Release) -> usize {
    let major = numbers(&r.version).first().copied().unwrap_or(0);
    depths.get(&(r.line.as_str(), major)).copied().unwrap_or(2)
}

/// Whether numbers `v` name a feature release at `depth` (every number after it is 0).
fn is_feature(v: &[u64], depth: usize) -> bool {
    v.iter().skip(depth).all(|n| *n == 0)
}

/// A candidate previous release, in preference order: by the rule, version, plain tag, earliest,
/// then its index.
type Candidate = (bool, Vec<u64>, bool, std::cmp::Reverse<i64>, usize);

/// The candidates for the release before `index` on its line, best first: for a feature release
/// the lower feature releases, highest first; for a maintenance release the lower releases of
/// its feature; then every other lower release of the line, highest first. Pre-releases have none and are never one; among tags of one version the plain
/// one comes first, then the earliest. [`count_ranges`] takes the first that is an ancestor.
pub fn previous_candidates(releases: &[Release], index: usize) -> Vec<usize> {
    previous_candidates_with(releases, &feature_depths(releases), index)
}

/// [`previous_candidates`] with the feature depths already known.
fn previous_candidates_with(
    releases: &[Release],
    depths: &std::collections::HashMap<(&str, u64), usize>,
    index: usize,
) -> Vec<usize> {
    let me = &releases[index];
    if me.prerelease {
        return Vec::new();
    }
    let v = numbers(&me.version);
    let depth = depth_of(depths, me);
    let feature = is_feature(&v, depth);
    // The rule's releases first; then, for a line that has none (Go module lines often tag only
    // patch versions), any lower release of the line.
    let mut out: Vec<Candidate> = releases
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.prerelease && r.line == me.line)
        .filter_map(|(i, r)| {
            let w = numbers(&r.version);
            let by_rule = match feature {
                true => is_feature(&w, depth_of(depths, r)),
                false => w.get(..depth) == v.get(..depth),
            };
            // Among equal versions, the plain one (`RELEASE-4.10.0` over
            // `4.10.0-shim-comet-3`), then the earliest.
            let plain = r.tag.name.ends_with(&r.version);
            (w < v).then_some((by_rule, w, plain, std::cmp::Reverse(r.tag.time), i))
        })
        .collect();
    out.sort_by(|a, b| b.cmp(a));
    out.into_iter().map(|(.., i)| i).collect()
}

/// The version of a tag name and whether it is a pre-release, if the name is a version.
pub fn version_of(name: &str) -> Option<(String, bool)> {
    let captures = VERSION.as_ref()?.captures(name)?;
    let version = captures.name("version")?.as_str().to_string();
    let suffix = captures.name("suffix").map_or("", |m| m.as_str());
    let prerelease = PRERELEASE.as_ref().is_some_and(|p| p.is_match(suffix));
    Some((version, prerelease))
}

static NUMBERS: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\d+(?:\.\d+)*").ok());

/// Which tags are releases: the built-in version rule, or the user's pattern.
#[derive(Debug, Clone, Default)]
pub struct ReleaseRule {
    custom: Option<Regex>,
}

#[derive(Debug, thiserror::Error)]
#[error("not a valid release pattern: {0}")]
pub struct ReleaseRuleError(#[from] regex::Error);

impl ReleaseRule {
    /// A rule from a regular expression the whole tag name must match (anchored here).
    pub fn new(pattern: &str) -> Result<ReleaseRule, ReleaseRuleError> {
        Ok(ReleaseRule {
            custom: Some(Regex::new(&format!("^(?:{pattern})$"))?),
        })
    }

    /// What the stored tables depend on (empty for the built-in rule).
    pub fn key(&self) -> String {
        self.custom
            .as_ref()
            .map_or(String::new(), |r| r.to_string())
    }

    /// The version of a tag name and whether it is a pre-release, if the name is a release. With
    /// a `version` group, its runs of digits joined by dots (`2024_05` is `2024.05`).
    pub fn version_of(&self, name: &str) -> Option<(String, bool)> {
        let Some(custom) = &self.custom else {
            return version_of(name);
        };
        let captures = custom.captures(name)?;
        let (end, version) = match captures.name("version") {
            Some(v) => {
                let runs: Vec<&str> = v
                    .as_str()
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|r| !r.is_empty())
                    .collect();
                (v.end(), runs.join("."))
            }
            None => {
                let n = NUMBERS.as_ref()?.find(name)?;
                (n.end(), n.as_str().to_string())
            }
        };
        if version.is_empty() {
            return None;
        }
        let prerelease = PRERELEASE
            .as_ref()
            .is_some_and(|p| p.is_match(&name[end..]));
        Some((version, prerelease))
    }

    /// The release tags among `tags`, ordered by date then name; `reachable` says whether a
    /// commit is on the analysed ref. A tag whose date has no month (beyond the calendar temper
    /// reads) is left out.
    pub fn releases(
        &self,
        tags: &[Tag],
        reachable: impl Fn(&gix::ObjectId) -> bool,
    ) -> Vec<Release> {
        releases_by(tags, reachable, |name| self.version_of(name))
    }
}

/// The release tags among `tags` by the built-in rule (see [`ReleaseRule::releases`]).
pub fn releases(tags: &[Tag], reachable: impl Fn(&gix::ObjectId) -> bool) -> Vec<Release> {
    releases_by(tags, reachable, version_of)
}

fn releases_by(
    tags: &[Tag],
    reachable: impl Fn(&gix::ObjectId) -> bool,
    version_of: impl Fn(&str) -> Option<(String, bool)>,
) -> Vec<Release> {
    let mut out: Vec<Release> = tags
        .iter()
        .filter_map(|tag| {
            let (version, prerelease) = version_of(&tag.name)?;
            Some(Release {
                previous: None,
                previous_by_date: None,
                days_since_previous: None,
                commits: None,
                contributors: None,
                new_contributors: None,
                own_lines_added: None,
                own_lines_removed: None,
                month: Month::from_unix(tag.time)?,
                on_ref: reachable(&tag.commit),
                line: line_of(&tag.name).to_string(),
                main_line: false,
                tag: tag.clone(),
                version,
                prerelease,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.tag.time, &a.tag.name).cmp(&(b.tag.time, &b.tag.name)));
    let mut last_final: std::collections::HashMap<String, usize> = Default::default();
    for i in 0..out.len() {
        if let Some(&p) = last_final.get(&out[i].line) {
            out[i].previous_by_date = Some(out[p].tag.name.clone());
            out[i].days_since_previous =
                Some((out[i].tag.time - out[p].tag.time) as f64 / 86_400.0);
        }
        if !out[i].prerelease {
            last_final.insert(out[i].line.clone(), i);
        }
    }
    // The project's line: the root when it has a final release, else the line with the most.
    let mut finals: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in out.iter().filter(|r| !r.prerelease) {
        *finals.entry(r.line.as_str()).or_default() += 1;
    }
    let main = match finals.contains_key("") {
        true => String::new(),
        false => finals
            .iter()
            .max_by_key(|(line, n)| (**n, std::cmp::Reverse(*line)))
            .map_or(String::new(), |(line, _)| line.to_string()),
    };
    for r in &mut out {
        r.main_line = r.line == main;
    }
    let depths = feature_depths(&out);
    let previous: Vec<Option<String>> = (0..out.len())
        .map(|i| {
            previous_candidates_with(&out, &depths, i)
                .first()
                .map(|&p| out[p].tag.name.clone())
        })
        .collect();
    for (r, p) in out.iter_mut().zip(previous) {
        r.previous = p;
    }
    out
}

/// Fills each release's `commits` and `contributors`: the non-merge commits reachable from its
/// commit but not from its previous release's (`git rev-list --no-merges PREVIOUS..TAG`), and
/// their distinct authors. `histories` hold every commit the ranges can reach (the analysed
/// ref's, and those walked from release tags off it).
pub fn count_ranges(releases: &mut [Release], histories: &[&crate::git::History]) {
    // (parents, is a merge, identity, own-code churn) of every commit, by index.
    type Node<'a> = (&'a [gix::ObjectId], bool, &'a str, Option<(u64, u64)>);
    let mut nodes: Vec<Node<'_>> = Vec::new();
    let mut index: gix::hashtable::HashMap<gix::ObjectId, usize> = Default::default();
    for h in histories {
        for c in &h.commits {
            if index.insert(c.id, nodes.len()).is_none() {
                let identity = h.identities[c.author as usize].as_str();
                let own = c.churn.map(|ch| ch.classes.get(crate::class::Class::Code));
                nodes.push((&c.parents, c.parents.len() > 1, identity, own));
            }
        }
    }
    let reach = |from: usize, stop: &[bool]| -> Vec<bool> {
        let mut seen = vec![false; nodes.len()];
        let mut stack = vec![from];
        while let Some(i) = stack.pop() {
            if seen[i] || stop[i] {
                continue;
            }
            seen[i] = true;
            stack.extend(nodes[i].0.iter().filter_map(|p| index.get(p).copied()));
        }
        seen
    };
    let none = vec![false; nodes.len()];
    let depths = feature_depths(releases);
    let candidates: Vec<Vec<usize>> = (0..releases.len())
        .map(|i| previous_candidates_with(releases, &depths, i))
        .collect();
    let commits_of: Vec<gix::ObjectId> = releases.iter().map(|r| r.tag.commit).collect();
    let names: Vec<String> = releases.iter().map(|r| r.tag.name.clone()).collect();
    for (i, r) in releases.iter_mut().enumerate() {
        let Some(&tip) = index.get(&r.tag.commit) else {
            continue;
        };
        // The previous release is the best candidate the release's commit reaches.
        let ancestors = reach(tip, &none);
        let chosen = candidates[i]
            .iter()
            .copied()
            .find(|&c| index.get(&commits_of[c]).is_some_and(|&n| ancestors[n]));
        r.previous = chosen.map(|c| names[c].clone());
        let Some(base) = chosen.and_then(|c| index.get(&commits_of[c])) else {
            continue;
        };
        let excluded = reach(*base, &none);
        let range = reach(tip, &excluded);
        let mut authors = std::collections::HashSet::new();
        let mut commits = 0u32;
        let mut own = Some((0u64, 0u64));
        for (i, (_, merge, author, lines)) in nodes.iter().enumerate() {
            if range[i] && !merge {
                commits += 1;
                authors.insert(*author);
                own = own.zip(*lines).map(|(a, b)| (a.0 + b.0, a.1 + b.1));
            }
        }
        let before: std::collections::HashSet<&str> = (0..nodes.len())
            .filter(|&i| excluded[i] && !nodes[i].1)
            .map(|i| nodes[i].2)
            .collect();
        r.commits = Some(commits);
        r.contributors = Some(authors.len() as u32);
        r.new_contributors = Some(authors.iter().filter(|a| !before.contains(*a)).count() as u32);
        r.own_lines_added = own.map(|o| o.0);
        r.own_lines_removed = own.map(|o| o.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_release_on_its_line() {
        let tag = |name: &str, time: i64| Tag {
            name: name.to_string(),
            commit: gix::ObjectId::null(gix::hash::Kind::Sha1),
            time,
            annotated: true,
            signed: false,
        };
        let tags = [
            tag("RELEASE-4.9.0", 100),
            tag("RELEASE-4.9.1", 200),
            tag("4.10.0-rc1", 250),
            tag("RELEASE-4.10.0", 300),
            tag("4.10.0-shim-comet-3", 350),
            tag("RELEASE-4.9.2", 400),
            tag("RELEASE-4.11.0", 500),
        ];
        let r = releases(&tags, |_| true);
        let previous: Vec<(&str, Option<&str>, Option<&str>)> = r
            .iter()
            .map(|r| {
                (
                    r.tag.name.as_str(),
                    r.previous.as_deref(),
                    r.previous_by_date.as_deref(),
                )
            })
            .collect();
        let want: [(&str, Option<&str>, Option<&str>); 7] = [
            ("RELEASE-4.9.0", None, None),
            (
                "RELEASE-4.9.1",
                Some("RELEASE-4.9.0"),
                Some("RELEASE-4.9.0"),
            ),
            ("4.10.0-rc1", None, Some("RELEASE-4.9.1")),
            (
                "RELEASE-4.10.0",
                Some("RELEASE-4.9.0"),
                Some("RELEASE-4.9.1"),
            ),
            (
                "4.10.0-shim-comet-3",
                Some("RELEASE-4.9.0"),
                Some("RELEASE-4.10.0"),
            ),
            (
                "RELEASE-4.9.2",
                Some("RELEASE-4.9.1"),
                Some("4.10.0-shim-comet-3"),
            ),
            // The plain 4.10.0, not the later suffixed tag of the same version.
            (
                "RELEASE-4.11.0",
                Some("RELEASE-4.10.0"),
                Some("RELEASE-4.9.2"),
            ),
        ];
        assert_eq!(previous, want);
    }

    #[test]
    fn module_tags_are_lines_of_their_own_and_old_schemes_keep_features() {
        let tag = |name: &str, time: i64| Tag {
            name: name.to_string(),
            commit: gix::ObjectId::null(gix::hash::Kind::Sha1),
            time,
            annotated: true,
            signed: false,
        };
        // A Go repository with module tags beside its own: v2.0.0 follows v1.9.0, never
        // api/v1.9.5, and the project's line is the root.
        let tags = [
            tag("v1.9.0", 100),
            tag("api/v1.9.5", 150),
            tag("client/v0.1.0", 160),
            tag("v2.0.0", 200),
            tag("api/v1.10.0", 250),
        ];
        let r = releases(&tags, |_| true);
        let of = |name: &str| r.iter().find(|x| x.tag.name == name).unwrap();
        assert_eq!(of("v2.0.0").previous.as_deref(), Some("v1.9.0"));
        assert_eq!(of("v2.0.0").previous_by_date.as_deref(), Some("v1.9.0"));
        assert_eq!(of("api/v1.10.0").previous.as_deref(), Some("api/v1.9.5"));
        assert_eq!(of("client/v0.1.0").previous, None);
        assert_eq!(
            r.iter()
                .filter(|x| x.main_line)
                .map(|x| x.tag.name.as_str())
                .collect::<Vec<_>>(),
            ["v1.9.0", "v2.0.0"]
        );
        assert_eq!(of("api/v1.9.5").line, "api");
        // git 1.x: 1.7.1 was a feature release and 1.7.1.2 its maintenance; 2.x went back to
        // x.y.0 features.
        let tags = [
            tag("v1.7.0", 100),
            tag("v1.7.1", 200),
            tag("v1.7.1.1", 250),
            tag("v1.7.1.2", 260),
            tag("v1.7.2", 300),
            tag("v2.0.0", 400),
            tag("v2.0.1", 450),
            tag("v2.1.0", 500),
        ];
        let r = releases(&tags, |_| true);
        let previous: Vec<(&str, Option<&str>)> = r
            .iter()
            .map(|x| (x.tag.name.as_str(), x.previous.as_deref()))
            .collect();
        assert_eq!(
            previous,
            [
                ("v1.7.0", None),
                ("v1.7.1", Some("v1.7.0")),
                ("v1.7.1.1", Some("v1.7.1")),
                ("v1.7.1.2", Some("v1.7.1.1")),
                ("v1.7.2", Some("v1.7.1")),
                ("v2.0.0", Some("v1.7.2")),
                ("v2.0.1", Some("v2.0.0")),
                ("v2.1.0", Some("v2.0.0")),
            ]
        );
    }

    #[test]
    fn version_names_of_real_projects() {
        let v = |n: &str| version_of(n);
        assert_eq!(v("v1.2.3"), Some(("1.2.3".into(), false)));
        assert_eq!(v("RELEASE-4.10.0"), Some(("4.10.0".into(), false)));
        assert_eq!(v("4.10.0-rc1"), Some(("4.10.0".into(), true)));
        assert_eq!(v("v17.03.0-ce"), Some(("17.03.0".into(), false)));
        assert_eq!(v("v17.03.0-ce-rc1"), Some(("17.03.0".into(), true)));
        assert_eq!(v("v2.40.0-rc0"), Some(("2.40.0".into(), true)));
        assert_eq!(v("v1.1.0-rc.1"), Some(("1.1.0".into(), true)));
        assert_eq!(v("go1.21.0"), Some(("1.21.0".into(), false)));
        assert_eq!(v("1.0b2"), Some(("1.0".into(), true)));
        assert_eq!(v("api/v0.3.1"), Some(("0.3.1".into(), false)));
        assert_eq!(v("latest"), None);
        assert_eq!(v("nightly-20200101"), None);
        assert_eq!(v("1"), None);
        assert_eq!(v("v1.2.3 extra"), None);
    }

    #[test]
    fn a_users_release_rule() {
        // A project that tags `release_2024_05` and `release_2024_06_rc1`.
        let rule = ReleaseRule::new(r"release_(?P<version>\d+_\d+)(_rc\d+)?").expect("valid");
        assert_eq!(
            rule.version_of("release_2024_05"),
            Some(("2024.05".into(), false))
        );
        assert_eq!(
            rule.version_of("release_2024_06_rc1"),
            Some(("2024.06".into(), true))
        );
        // What follows the version group decides pre-release.
        let dotted = ReleaseRule::new(r"rel-(?P<version>[0-9.]+)(-rc\d+)?").expect("valid");
        assert_eq!(dotted.version_of("rel-3.2"), Some(("3.2".into(), false)));
        assert_eq!(dotted.version_of("rel-3.2-rc1"), Some(("3.2".into(), true)));
        assert_eq!(dotted.version_of("v3.2"), None);
        // Without a version group, the first run of numbers; the match is of the whole name.
        let plain = ReleaseRule::new(r"stable-\d+").expect("valid");
        assert_eq!(plain.version_of("stable-7"), Some(("7".into(), false)));
        assert_eq!(plain.version_of("stable-7x"), None);
        assert!(ReleaseRule::new("(").is_err());
        assert_eq!(
            ReleaseRule::default().version_of("v1.2"),
            version_of("v1.2")
        );
    }
}
