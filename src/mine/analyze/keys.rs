//! What each piece of stored state depends on, as typed fingerprints.
//!
//! A stored generation is reused piece by piece: its tables when nothing they depend on changed
//! (the run is then up to date), its walk when the walk's rules are the same (only new commits
//! are walked), its churn when the churn's rules are (a walk made again for a new `.mailmap` or
//! bot rule keeps it), its line-age state when the counter is. Each fingerprint is a struct whose
//! fields say what it depends on, nested from the narrowest (churn) to the widest (inputs), and
//! is stored as its JSON text in the generation's metadata, where an operator can read why a run
//! mined again. A field added here changes every stored fingerprint once: such a store is mined
//! again (its blob counts, keyed by [`counter_id`], and its line-age state, by [`age_key`], are
//! still reused).

use serde::Serialize;

use super::AnalyzeOptions;
use crate::mine::git;
use crate::store::tables;
use crate::store::FORMAT_VERSION;

/// Bumped when the stored walk's columns change (2: churn split by class, 3: evidence, 4:
/// co-authors, 5: pull-request subjects and copies, fuzzer credits, 6: ids as raw bytes): a
/// stored walk of another revision is walked afresh instead of being read.
const WALK_REVISION: u32 = 6;

/// Identifies the line counter: a cache written by another one is not reused.
pub fn counter_id() -> String {
    format!(
        "tokei-15.0.0/temper-loc-3/max-{}",
        crate::mine::loc::MAX_BLOB_BYTES
    )
}

/// What the stored line-age state depends on besides the chain.
pub(super) fn age_key() -> String {
    format!("temper-age-3/{}", counter_id())
}

/// What churn depends on: the part of the tree analysed and the class rules, not identities.
#[derive(Serialize)]
struct ChurnKey<'a> {
    scope: &'a str,
    classes: String,
    /// Lines counted at all (`--activity-only` makes no churn).
    lines: bool,
    store_format: u32,
    walk_revision: u32,
}

/// What the walk depends on: churn's rules, and how commits are read (identities, bots,
/// advisory ids, pull-request refs).
#[derive(Serialize)]
struct WalkKey<'a> {
    #[serde(flatten)]
    churn: ChurnKey<'a>,
    bots: &'a str,
    advisories: String,
    mailmap: String,
    pulls: String,
}

/// What the tables depend on: the walk's rules, the tip and ref, the release, organisation and
/// counting rules, the tags, and the tables' own revision.
#[derive(Serialize)]
struct InputsKey<'a> {
    #[serde(flatten)]
    walk: WalkKey<'a>,
    tip: String,
    reference: &'a str,
    releases: String,
    organisations: &'a str,
    tags: String,
    counter: String,
    age: String,
    tables_revision: u32,
}

/// The three fingerprints of one repository's run, as stored.
pub(super) struct Keys {
    /// Equal to the stored one: nothing to mine.
    pub inputs: String,
    pub walk: String,
    pub churn: String,
}

impl Keys {
    pub(super) fn new(
        repo: &git::Opened,
        options: &AnalyzeOptions,
        mailmap: &[u8],
        tags: &git::tags::Tags,
        pulls: &git::pulls::PullHeads,
    ) -> Keys {
        let churn = || ChurnKey {
            scope: options.rules.scope.description(),
            classes: options.rules.classes.key(),
            lines: options.rules.count_lines,
            store_format: FORMAT_VERSION,
            walk_revision: WALK_REVISION,
        };
        let walk = || WalkKey {
            churn: churn(),
            bots: options.rules.bots.pattern(),
            advisories: options.rules.advisories.key(),
            mailmap: format!("{:016x}", crate::text::fnv1a(mailmap)),
            pulls: format!("{:016x}", pulls.fingerprint()),
        };
        let inputs = InputsKey {
            walk: walk(),
            tip: repo.tip.to_string(),
            reference: &repo.reference,
            releases: options.rules.releases.key(),
            organisations: options.rules.organisations.key(),
            tags: format!("{:016x}", tags.fingerprint()),
            counter: counter_id(),
            age: age_key(),
            tables_revision: tables::REVISION,
        };
        Keys {
            inputs: json(&inputs),
            walk: json(&walk()),
            churn: json(&churn()),
        }
    }
}

/// A fingerprint's stored text: its fields as JSON, in declaration order.
fn json(key: &impl Serialize) -> String {
    // Plain strings, numbers and booleans: serialising cannot fail.
    serde_json::to_string(key).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_nest_and_read_as_what_they_hold() {
        let churn = ChurnKey {
            scope: "everything",
            classes: "built-in".into(),
            lines: false,
            store_format: 1,
            walk_revision: 5,
        };
        let text = json(&churn);
        assert_eq!(
            text,
            r#"{"scope":"everything","classes":"built-in","lines":false,"store_format":1,"walk_revision":5}"#
        );
        let walk = WalkKey {
            churn,
            bots: "bot",
            advisories: "a".into(),
            mailmap: "00".into(),
            pulls: "01".into(),
        };
        // The walk's fingerprint holds churn's fields, flattened.
        assert!(json(&walk).starts_with(r#"{"scope":"everything","classes""#));
        assert!(json(&walk).ends_with(r#""pulls":"01"}"#));
    }
}
