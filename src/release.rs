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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub tag: Tag,
    /// The version numbers, e.g. `4.10.0`.
    pub version: String,
    pub prerelease: bool,
    /// The UTC month of its date.
    pub month: Month,
    /// Whether the tag's commit is reachable from the analysed ref.
    pub on_ref: bool,
}

/// The version of a tag name and whether it is a pre-release, if the name is a version.
pub fn version_of(name: &str) -> Option<(String, bool)> {
    let captures = VERSION.as_ref()?.captures(name)?;
    let version = captures.name("version")?.as_str().to_string();
    let suffix = captures.name("suffix").map_or("", |m| m.as_str());
    let prerelease = PRERELEASE.as_ref().is_some_and(|p| p.is_match(suffix));
    Some((version, prerelease))
}

/// The release tags among `tags`, ordered by date then name; `reachable` says whether a commit
/// is on the analysed ref. A tag whose date has no month (beyond the calendar temper reads) is
/// left out.
pub fn releases(tags: &[Tag], reachable: impl Fn(&gix::ObjectId) -> bool) -> Vec<Release> {
    let mut out: Vec<Release> = tags
        .iter()
        .filter_map(|tag| {
            let (version, prerelease) = version_of(&tag.name)?;
            Some(Release {
                month: Month::from_unix(tag.time)?,
                on_ref: reachable(&tag.commit),
                tag: tag.clone(),
                version,
                prerelease,
            })
        })
        .collect();
    out.sort_by(|a, b| (a.tag.time, &a.tag.name).cmp(&(b.tag.time, &b.tag.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
