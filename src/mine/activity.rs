//! Monthly commit activity, data-quality findings and the per-repository summary, computed from
//! a walked [`History`].
//!
//! Every definition here is the contract in the README ("Metric definitions"): commits are
//! bucketed by author time in UTC; commits dated at or before the Unix epoch, or more than a day
//! after the time of analysis, are kept out of every month and reported as findings instead; every
//! month from the first to the last plausible one has a row.

use crate::mine::class::{Class, ClassLines};
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::mine::git::History;
use crate::month::Month;

/// Seconds past the time of analysis a commit may be dated before it counts as implausible.
const FUTURE_SLACK_SECONDS: i64 = 86_400;

/// How many example commit ids a data-quality finding lists.
const FINDING_EXAMPLES: usize = 5;

/// Whether an author time can be placed in a month.
pub fn is_plausible(author_time: i64, now: i64) -> bool {
    author_time > 0 && author_time <= now + FUTURE_SLACK_SECONDS
}

/// One row of the `activity` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    /// The UTC calendar month, by author time.
    pub month: Month,
    /// Plausibly dated commits authored in the month, merges included.
    pub commits: u32,
    /// Those of them with two or more parents.
    pub merges: u32,
    /// Distinct identities with a commit in the month: its authors and the people its
    /// `Co-authored-by` trailers name.
    pub contributors: u32,
    /// Those of them who are not bots (see [`crate::mine::git::BotRule`]).
    pub human_contributors: u32,
    /// Identities whose first plausibly dated commit (authored or co-authored) falls in this month.
    pub new_contributors: u32,
    /// Commits of the month whose author is a bot (counted in `commits` too).
    pub bot_commits: u32,
    /// Churn of the month's non-merge commits (`None` when churn was not mined).
    pub lines_added: Option<u64>,
    /// Lines those commits removed (`None` when churn was not mined).
    pub lines_removed: Option<u64>,
    /// The same churn split by class (`None` when churn was not mined).
    pub class_lines: Option<ClassLines>,
    /// Distinct identities with a commit in the 12 months ending with this one.
    pub contributors_12m: u32,
    /// The fewest people whose commits make at least half of the human (non-bot) commits of the
    /// 24 months ending with this one (0 without such commits).
    pub pony_factor_24m: u32,
    /// The fewest organisations whose people make at least half of those commits, an individual
    /// (personal mail, or a domain of one author) counting as an organisation of one (see
    /// [`crate::mine::organisations`]).
    pub elephant_factor_24m: u32,
    /// Line age at the month's snapshot (`None` when line age was not mined or there are no
    /// counted lines).
    pub median_line_age_days: Option<f64>,
    /// Share (0 to 1) of the snapshot's own code (class `code`) last written in the 12 months
    /// ending with this one (`None` as for `median_line_age_days`).
    pub new_code_share: Option<f64>,
    /// Bus factor at the month's snapshot, from line ownership (see [`crate::mine::churn::age`]).
    pub bus_factor: Option<u32>,
}

/// A kind of data-quality finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// Author time at or before the Unix epoch, or more than a day after the time of analysis: left
    /// out of every month.
    ImplausibleDate,
    /// Author or committer lines git has to read leniently (`git fsck` warns about them).
    MalformedIdentity,
    /// A referenced commit, tree or blob absent from the object database (a partial or damaged
    /// clone).
    MissingObject,
    /// An object present but unreadable or of the wrong kind.
    CorruptObject,
    /// A blob over the size limit, counted as a file without lines.
    OversizedBlob,
    /// A shallow clone's boundary commit: the history beyond it is absent.
    ShallowBoundary,
    /// A commit of a bulk recommit: a history imported or rewritten long after it was written.
    RecommittedHistory,
    /// A `.gitattributes` blob with a line of 2,048 bytes or more, which git ignores.
    IgnoredAttributeLine,
}

impl FindingKind {
    /// Every kind, in the order they are reported.
    pub const ALL: [FindingKind; 8] = [
        FindingKind::ImplausibleDate,
        FindingKind::MalformedIdentity,
        FindingKind::MissingObject,
        FindingKind::CorruptObject,
        FindingKind::OversizedBlob,
        FindingKind::ShallowBoundary,
        FindingKind::RecommittedHistory,
        FindingKind::IgnoredAttributeLine,
    ];

    /// The name in the `data_quality` table.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::ImplausibleDate => "implausible_date",
            FindingKind::MalformedIdentity => "malformed_identity",
            FindingKind::MissingObject => "missing_object",
            FindingKind::CorruptObject => "corrupt_object",
            FindingKind::OversizedBlob => "oversized_blob",
            FindingKind::ShallowBoundary => "shallow_boundary",
            FindingKind::RecommittedHistory => "recommitted_history",
            FindingKind::IgnoredAttributeLine => "ignored_attribute_line",
        }
    }

    /// The kind named `name` in a stored table.
    pub fn from_name(name: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What a count of this kind is, for a note on stderr.
    pub fn note(self) -> &'static str {
        match self {
            FindingKind::ImplausibleDate => {
                "commits with implausible dates left out of monthly tables"
            }
            FindingKind::MalformedIdentity => {
                "commits with malformed author or committer lines, read as git reads them"
            }
            FindingKind::MissingObject => "missing objects skipped (partial or damaged clone)",
            FindingKind::CorruptObject => "unreadable objects skipped",
            FindingKind::OversizedBlob => "blobs over the size limit counted without lines",
            FindingKind::ShallowBoundary => {
                "shallow-clone boundary commits (history beyond them is absent)"
            }
            FindingKind::RecommittedHistory => {
                "commits recommitted in bulk long after they were written (an imported or rewritten history: line age and new code in their commit month measure the recommit)"
            }
            FindingKind::IgnoredAttributeLine => {
                ".gitattributes files with lines of 2,048 bytes or more, ignored as git ignores them"
            }
        }
    }
}

/// Objects that could not be used, gathered from every stage of a run.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// Referenced objects absent from the object database (commits, trees, blobs).
    pub missing: Vec<gix::ObjectId>,
    /// Objects present but unreadable or of the wrong kind.
    pub corrupt: Vec<gix::ObjectId>,
    /// Blobs over the size limit, counted without lines.
    pub oversized: Vec<gix::ObjectId>,
    /// Shallow-clone boundary commits.
    pub shallow: Vec<gix::ObjectId>,
    /// `.gitattributes` blobs with lines git ignores.
    pub ignored_attributes: Vec<gix::ObjectId>,
}

/// One row of the `data_quality` table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// The kind's name (see [`FindingKind::name`]).
    pub kind: String,
    /// How many objects of that kind were found (commits for the commit kinds); 0 for none.
    pub count: u64,
    /// Up to `FINDING_EXAMPLES` object ids, smallest first so reruns agree.
    pub examples: Vec<String>,
}

/// What one month's plausibly dated commits add up to.
#[derive(Default)]
struct Bucket {
    commits: u32,
    merges: u32,
    bot_commits: u32,
    lines_added: u64,
    lines_removed: u64,
    classes: ClassLines,
    people: HashSet<u32>,
    humans: HashSet<u32>,
    human_commits: HashMap<u32, u32>,
}

impl Bucket {
    fn add(&mut self, c: &crate::mine::git::CommitInfo) {
        self.commits += 1;
        self.merges += u32::from(c.parents.len() > 1);
        self.bot_commits += u32::from(c.is_bot);
        if let Some(churn) = c.churn {
            self.lines_added += churn.lines_added;
            self.lines_removed += churn.lines_removed;
            self.classes.add_all(&churn.classes);
        }
        self.people.insert(c.author);
        if !c.is_bot {
            self.humans.insert(c.author);
            *self.human_commits.entry(c.author).or_default() += 1;
        }
        // Co-authors are contributors of the month too (never bots: the walk leaves those out).
        self.people.extend(&c.co_authors);
        self.humans.extend(&c.co_authors);
    }
}

/// The plausibly dated commits by month, and how many identities (authors and co-authors)
/// appear first in each month.
fn month_buckets(history: &History, now: i64) -> (BTreeMap<Month, Bucket>, HashMap<Month, u32>) {
    let mut buckets: BTreeMap<Month, Bucket> = BTreeMap::new();
    let mut first_seen: HashMap<u32, Month> = HashMap::new();
    for c in &history.commits {
        if !is_plausible(c.author_time, now) {
            continue;
        }
        let Some(month) = Month::from_unix(c.author_time) else {
            continue;
        };
        buckets.entry(month).or_default().add(c);
        for person in std::iter::once(&c.author).chain(&c.co_authors) {
            first_seen
                .entry(*person)
                .and_modify(|m| *m = (*m).min(month))
                .or_insert(month);
        }
    }
    let mut newcomers: HashMap<Month, u32> = HashMap::new();
    for month in first_seen.values() {
        *newcomers.entry(*month).or_default() += 1;
    }
    (buckets, newcomers)
}

/// Who a commit counts for in the elephant factor: an organisation, or one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Unit<'a> {
    Org(&'a str),
    Person(u32),
}

/// The elephant factor's unit of each identity (by index): its organisation, or itself.
fn units<'a>(
    history: &History,
    affiliations: &'a [crate::mine::organisations::Affiliation],
) -> Vec<Unit<'a>> {
    (0..history.identities.len())
        .map(|i| match affiliations.get(i) {
            Some(crate::mine::organisations::Affiliation::Org { name, .. }) => {
                Unit::Org(name.as_str())
            }
            _ => Unit::Person(i as u32),
        })
        .collect()
}

/// The trailing team figures of every month from `first` to `last`, in order: distinct
/// identities of its 12 months, and the pony and elephant factors of its 24 months' human
/// commits. Both windows slide a month at a time (the month entering added, the one leaving
/// taken away), so a long history costs one pass over its months, not 24 per month.
fn trailing_figures(
    buckets: &BTreeMap<Month, Bucket>,
    (first, last): (Month, Month),
    units: &[Unit<'_>],
) -> Vec<(u32, u32, u32)> {
    fn take<K: std::hash::Hash + Eq>(map: &mut HashMap<K, u64>, key: K, n: u64) {
        if let Some(v) = map.get_mut(&key) {
            *v = v.saturating_sub(n);
            if *v == 0 {
                map.remove(&key);
            }
        }
    }
    let unit_of = |author: u32| {
        units
            .get(author as usize)
            .copied()
            .unwrap_or(Unit::Person(author))
    };
    // Months of the 12-month window each identity appears in; commits of the 24-month one.
    let mut people: HashMap<u32, u64> = HashMap::new();
    let mut by_person: HashMap<u32, u64> = HashMap::new();
    let mut by_unit: HashMap<Unit<'_>, u64> = HashMap::new();
    Month::range_inclusive(first, last)
        .map(|month| {
            if let Some(b) = buckets.get(&month) {
                for &p in &b.people {
                    *people.entry(p).or_default() += 1;
                }
                for (&author, &n) in &b.human_commits {
                    *by_person.entry(author).or_default() += u64::from(n);
                    *by_unit.entry(unit_of(author)).or_default() += u64::from(n);
                }
            }
            if let Some(gone) = buckets.get(&month.minus(12)) {
                for &p in &gone.people {
                    take(&mut people, p, 1);
                }
            }
            if let Some(gone) = buckets.get(&month.minus(24)) {
                for (&author, &n) in &gone.human_commits {
                    take(&mut by_person, author, u64::from(n));
                    take(&mut by_unit, unit_of(author), u64::from(n));
                }
            }
            (
                people.len() as u32,
                half_makers(by_person.values().copied().collect()),
                half_makers(by_unit.values().copied().collect()),
            )
        })
        .collect()
}

/// The monthly activity rows, first to last plausible month, no gaps.
pub fn monthly_activity(
    history: &History,
    now: i64,
    with_churn: bool,
    organisations: &crate::mine::organisations::Organisations,
) -> Vec<ActivityRow> {
    let (buckets, newcomers) = month_buckets(history, now);
    let (Some(first), Some(last)) = (
        buckets.keys().next().copied(),
        buckets.keys().next_back().copied(),
    ) else {
        return Vec::new();
    };
    let affiliations: Vec<_> = history
        .identities
        .iter()
        .map(|id| organisations.affiliation(id))
        .collect();
    let units = units(history, &affiliations);
    let trailing = trailing_figures(&buckets, (first, last), &units);
    Month::range_inclusive(first, last)
        .zip(trailing)
        .map(|(month, (contributors_12m, pony, elephant))| {
            let b = buckets.get(&month);
            ActivityRow {
                contributors_12m,
                pony_factor_24m: pony,
                elephant_factor_24m: elephant,
                month,
                commits: b.map_or(0, |b| b.commits),
                merges: b.map_or(0, |b| b.merges),
                contributors: b.map_or(0, |b| b.people.len() as u32),
                human_contributors: b.map_or(0, |b| b.humans.len() as u32),
                new_contributors: newcomers.get(&month).copied().unwrap_or(0),
                bot_commits: b.map_or(0, |b| b.bot_commits),
                lines_added: with_churn.then(|| b.map_or(0, |b| b.lines_added)),
                lines_removed: with_churn.then(|| b.map_or(0, |b| b.lines_removed)),
                class_lines: with_churn.then(|| b.map_or(ClassLines::default(), |b| b.classes)),
                median_line_age_days: None,
                new_code_share: None,
                bus_factor: None,
            }
        })
        .collect()
}

/// One organisation's part of the human commits of the 24 months ending with the last month:
/// what stands behind the elephant factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgShare {
    /// The organisation (a mapped name, or an unmapped domain of two or more authors), or
    /// `(individuals)` for the people on personal mail, without a domain, or alone on their
    /// domain (shown together: a domain of one person would name that person).
    pub organisation: String,
    /// Distinct human authors with commits in the window.
    pub authors: u32,
    /// Their human commits in the window.
    pub commits: u64,
}

/// The row of the individuals.
const INDIVIDUALS: &str = "(individuals)";

/// Organisations shown one by one at most; the rest are summed as `(other organisations)`.
const ORGANISATIONS_SHOWN: usize = 15;

/// The organisations of the human commits of the 24 months ending with the last plausible
/// month, most commits first, the individuals last (see [`OrgShare`]).
pub fn organisations(
    history: &History,
    now: i64,
    organisations: &crate::mine::organisations::Organisations,
) -> Vec<OrgShare> {
    use crate::mine::organisations::Affiliation;
    let (buckets, _) = month_buckets(history, now);
    let Some(last) = buckets.keys().next_back().copied() else {
        return Vec::new();
    };
    // Each identity's affiliation once, not once per month it committed in.
    let affiliations: Vec<Affiliation> = history
        .identities
        .iter()
        .map(|id| organisations.affiliation(id))
        .collect();
    let individual = Affiliation::Individual;
    let mut by_org: BTreeMap<&Affiliation, (HashSet<u32>, u64)> = BTreeMap::new();
    for (_, b) in buckets.range(last.minus(23)..=last) {
        for (&author, &n) in &b.human_commits {
            let affiliation = affiliations.get(author as usize).unwrap_or(&individual);
            let entry = by_org.entry(affiliation).or_default();
            entry.0.insert(author);
            entry.1 += u64::from(n);
        }
    }
    let mut shown: Vec<OrgShare> = Vec::new();
    let mut individuals = OrgShare {
        organisation: INDIVIDUALS.into(),
        authors: 0,
        commits: 0,
    };
    for (key, (authors, commits)) in by_org {
        match key {
            Affiliation::Org { name, mapped } if *mapped || authors.len() > 1 => {
                shown.push(OrgShare {
                    organisation: name.clone(),
                    authors: authors.len() as u32,
                    commits,
                })
            }
            _ => {
                individuals.authors += authors.len() as u32;
                individuals.commits += commits;
            }
        }
    }
    shown.sort_by(|a, b| {
        b.commits
            .cmp(&a.commits)
            .then_with(|| a.organisation.cmp(&b.organisation))
    });
    if shown.len() > ORGANISATIONS_SHOWN {
        let rest = shown.split_off(ORGANISATIONS_SHOWN);
        shown.push(OrgShare {
            organisation: "(other organisations)".into(),
            authors: rest.iter().map(|r| r.authors).sum(),
            commits: rest.iter().map(|r| r.commits).sum(),
        });
    }
    if individuals.authors > 0 {
        shown.push(individuals);
    }
    shown
}

/// The fewest contributors whose counts add up to at least half of the total.
pub fn half_makers(mut counts: Vec<u64>) -> u32 {
    let total: u64 = counts.iter().sum();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let mut sum = 0;
    for (i, n) in counts.iter().enumerate() {
        sum += n;
        if 2 * sum >= total {
            return i as u32 + 1;
        }
    }
    0
}

/// Commits committed at least this long after they were authored are recommitted...
const RECOMMIT_SECONDS: i64 = 180 * 86_400;
/// ...and count as a bulk recommit when one committer month holds at least this many of them and
/// at least [`RECOMMIT_SHARE`] of all commits (kvmtool: 1,466 of 1,997 commits recommitted in
/// 2015-06; the most any month of xen, moby, runc, firecracker or cloud-hypervisor holds is 78).
const RECOMMIT_MIN: usize = 100;
const RECOMMIT_SHARE: f64 = 0.05;

/// The commits of bulk recommits (see [`RECOMMIT_MIN`]): a history imported or rewritten at
/// once, whose author dates are older than the commits themselves.
fn recommitted(history: &History) -> Vec<gix::ObjectId> {
    let mut by_month: BTreeMap<Month, Vec<gix::ObjectId>> = BTreeMap::new();
    for c in &history.commits {
        if c.committer_time - c.author_time >= RECOMMIT_SECONDS {
            if let Some(m) = Month::from_unix(c.committer_time) {
                by_month.entry(m).or_default().push(c.id);
            }
        }
    }
    let total = history.commits.len() as f64;
    by_month
        .into_values()
        .filter(|ids| ids.len() >= RECOMMIT_MIN && ids.len() as f64 >= RECOMMIT_SHARE * total)
        .flatten()
        .collect()
}

/// The `data_quality` rows: one per kind, in [`FindingKind::ALL`] order, with count 0 when nothing
/// was found. `now` (Unix seconds, the time of analysis) decides which dates are implausible.
pub fn findings(history: &History, problems: &Problems, now: i64) -> Vec<Finding> {
    let recommitted = recommitted(history);
    let implausible: Vec<gix::ObjectId> = history
        .commits
        .iter()
        .filter(|c| !is_plausible(c.author_time, now))
        .map(|c| c.id)
        .collect();
    let malformed: Vec<gix::ObjectId> = history
        .commits
        .iter()
        .filter(|c| c.malformed > 0)
        .map(|c| c.id)
        .collect();
    FindingKind::ALL
        .into_iter()
        .map(|kind| {
            let ids: &[gix::ObjectId] = match kind {
                FindingKind::ImplausibleDate => &implausible,
                FindingKind::MalformedIdentity => &malformed,
                FindingKind::MissingObject => &problems.missing,
                FindingKind::CorruptObject => &problems.corrupt,
                FindingKind::OversizedBlob => &problems.oversized,
                FindingKind::ShallowBoundary => &problems.shallow,
                FindingKind::RecommittedHistory => &recommitted,
                FindingKind::IgnoredAttributeLine => &problems.ignored_attributes,
            };
            let mut examples: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
            examples.sort();
            examples.truncate(FINDING_EXAMPLES);
            Finding {
                kind: kind.name().to_string(),
                count: ids.len() as u64,
                examples,
            }
        })
        .collect()
}

/// The one-line summary `analyze` prints per repository.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// The repository's name in every table.
    pub name: String,
    /// The first month with a plausibly dated commit (`None` without one).
    pub first_month: Option<Month>,
    /// The last month with a plausibly dated commit (`None` without one).
    pub last_month: Option<Month>,
    /// Every reachable commit, whatever its date (what `git rev-list --count` gives).
    pub commits: u64,
    /// Distinct identities over every reachable commit.
    pub contributors: u64,
    /// Plausibly dated commits in the last-12-month window divided by the months in it.
    pub commits_per_month_12m: f64,
    /// Distinct identities with a plausibly dated commit in the last-12-month window.
    pub contributors_12m: u64,
    /// Lines of the project's own code (tokei's `code` lines of class `code`) in the last
    /// month's snapshot.
    pub code_now: u64,
    /// The largest languages of its own code in the last snapshot, with their share of it.
    pub main_languages: Vec<(String, f64)>,
    /// Code lines of every class in the last snapshot (`code`, `test`, `docs`, `vendored`,
    /// `generated`; a class with none is left out).
    #[serde(default)]
    pub classes_now: Vec<(crate::mine::class::Class, u64)>,
    /// Lines of own code (class `code`) added and removed by the non-merge commits of the
    /// last-12-month window (`None` when churn was not mined).
    #[serde(default)]
    pub lines_added_12m: Option<u64>,
    /// Lines of own code those commits removed (`None` when churn was not mined).
    #[serde(default)]
    pub lines_removed_12m: Option<u64>,
    /// Share of the last snapshot's lines written in its last 12 months, and their median age.
    #[serde(default)]
    pub new_code_share_now: Option<f64>,
    /// Median age in days of the last snapshot's own code (`None` when line age was not mined or
    /// there is no own code).
    #[serde(default)]
    pub median_line_age_days_now: Option<f64>,
}

/// How many languages the summary names.
const MAIN_LANGUAGES: usize = 3;

/// The project's own code at `last` (the last month), and its main languages: nothing when that
/// month's tree has no code, even if earlier months had some.
fn current_code(
    loc: &[crate::mine::loc::LocRow],
    last: Option<Month>,
) -> (u64, Vec<(String, f64)>) {
    let Some(last) = last else {
        return (0, Vec::new());
    };
    let mut now: Vec<(&str, u64)> = loc
        .iter()
        .filter(|r| r.month == last && r.class == Class::Code && r.counts.code > 0)
        .map(|r| (r.language.as_str(), r.counts.code))
        .collect();
    let total: u64 = now.iter().map(|(_, c)| c).sum();
    now.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let main = now
        .iter()
        .take(MAIN_LANGUAGES)
        .map(|(l, c)| (l.to_string(), *c as f64 / total.max(1) as f64))
        .collect();
    (total, main)
}

/// Code lines per class at `last`, in [`Class::ALL`] order, classes without any left out.
fn classes_at(loc: &[crate::mine::loc::LocRow], last: Option<Month>) -> Vec<(Class, u64)> {
    Class::ALL
        .into_iter()
        .map(|class| {
            let lines = loc
                .iter()
                .filter(|r| Some(r.month) == last && r.class == class)
                .map(|r| r.counts.code)
                .sum();
            (class, lines)
        })
        .filter(|(_, lines)| *lines > 0)
        .collect()
}

/// The summary of one repository. Its last 12 months are those of the data's own "now"
/// ([`crate::window`]): the later of its last commit's month and `fetched` (the month its clone
/// was last fetched, where known), so a stored dataset gives the same figures whenever it is
/// read and a clone fetched after a silence shows the silence. `now` (Unix seconds, the time of
/// analysis) only bounds plausible dates.
pub fn summary(
    name: &str,
    history: &History,
    activity: &[ActivityRow],
    loc: &[crate::mine::loc::LocRow],
    fetched: Option<Month>,
    now: i64,
) -> Summary {
    let first_month = activity.first().map(|r| r.month);
    let last_month = activity.last().map(|r| r.month);
    let mut commits_per_month_12m = 0.0;
    let mut contributors_12m = 0;
    let (mut lines_added_12m, mut lines_removed_12m) = (None, None);
    if let (Some(first), Some(last)) = (first_month, last_month) {
        let year = crate::window::Window {
            now: fetched.map_or(last, |f| f.max(last)),
            basis: crate::window::Basis::LastCommit(name.to_string()),
        };
        let (from, to) = (year.start_12m().max(first), year.now);
        let window = || activity.iter().filter(|r| r.month >= from && r.month <= to);
        // Own code's churn: vendoring and generated files are not the project's work.
        let own = |r: &ActivityRow| r.class_lines.map(|c| c.get(Class::Code));
        lines_added_12m = window().map(|r| own(r).map(|c| c.0)).sum();
        lines_removed_12m = window().map(|r| own(r).map(|c| c.1)).sum();
        let months = f64::from(year.months_12m(first).max(1));
        let in_window: u64 = activity
            .iter()
            .filter(|r| r.month >= from && r.month <= to)
            .map(|r| u64::from(r.commits))
            .sum();
        commits_per_month_12m = in_window as f64 / months;
        let people: HashSet<u32> = history
            .commits
            .iter()
            .filter(|c| is_plausible(c.author_time, now))
            .filter(|c| Month::from_unix(c.author_time).is_some_and(|m| m >= from && m <= to))
            .flat_map(|c| std::iter::once(c.author).chain(c.co_authors.iter().copied()))
            .collect();
        contributors_12m = people.len() as u64;
    }
    let everyone: HashSet<u32> = history
        .commits
        .iter()
        .flat_map(|c| std::iter::once(c.author).chain(c.co_authors.iter().copied()))
        .collect();
    let (code_now, main_languages) = current_code(loc, last_month);
    let now_row = activity.last();
    Summary {
        code_now,
        main_languages,
        classes_now: classes_at(loc, last_month),
        lines_added_12m,
        lines_removed_12m,
        new_code_share_now: now_row.and_then(|r| r.new_code_share),
        median_line_age_days_now: now_row.and_then(|r| r.median_line_age_days),
        name: name.to_string(),
        first_month,
        last_month,
        commits: history.commits.len() as u64,
        contributors: everyone.len() as u64,
        commits_per_month_12m,
        contributors_12m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mine::git::CommitInfo;

    fn commit(n: u8, t: i64, author: u32, parents: usize, is_bot: bool) -> CommitInfo {
        let id = gix::ObjectId::from_bytes_or_panic(&[n; 20]);
        CommitInfo {
            id,
            tree: id,
            parents: vec![id; parents],
            author_time: t,
            committer_time: t,
            author,
            is_bot,
            malformed: 0,
            churn: None,
            evidence: Default::default(),
            co_authors: Vec::new(),
        }
    }

    #[test]
    fn gap_months_and_implausible_dates() {
        // Hand count: Jan 2020 two commits by 0 and 1 (bot); March 2020 a merge by 0 and a
        // commit by 2; a 1970 commit and a far-future one are left out of every month.
        let jan = 1_578_000_000; // 2020-01-02
        let mar = 1_583_100_000; // 2020-03-01
        let now = 1_600_000_000;
        let history = History {
            commits: vec![
                commit(1, jan, 0, 1, false),
                commit(2, jan + 10, 1, 1, true),
                commit(3, mar, 0, 2, false),
                commit(4, mar + 5, 2, 1, false),
                commit(5, 0, 3, 0, false),
                commit(6, now + 2 * FUTURE_SLACK_SECONDS, 4, 1, false),
            ],
            identities: (0..5).map(|i| format!("p{i}")).collect(),
            ..History::default()
        };
        let rows = monthly_activity(&history, now, true, &Default::default());
        let months: Vec<String> = rows.iter().map(|r| r.month.to_string()).collect();
        assert_eq!(months, ["2020-01", "2020-02", "2020-03"]);
        assert_eq!(
            (
                rows[0].commits,
                rows[0].contributors,
                rows[0].human_contributors
            ),
            (2, 2, 1)
        );
        assert_eq!((rows[0].bot_commits, rows[0].new_contributors), (1, 2));
        assert_eq!((rows[1].commits, rows[1].contributors), (0, 0));
        assert_eq!(
            (rows[2].commits, rows[2].merges, rows[2].new_contributors),
            (2, 1, 1)
        );
        let f = findings(&history, &Problems::default(), now);
        assert_eq!(f[0].kind, "implausible_date");
        assert_eq!(f[0].count, 2);
        let s = summary("x", &history, &rows, &[], None, now);
        assert_eq!((s.commits, s.contributors, s.contributors_12m), (6, 5, 3));
        assert!((s.commits_per_month_12m - 4.0 / 3.0).abs() < 1e-9);
    }
}
