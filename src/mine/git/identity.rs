//! Who made a commit: `.mailmap` resolution and telling bots apart.
//!
//! An identity is the author's e-mail address after `.mailmap` resolution, lower-cased, or the
//! resolved name where the address is empty: what `git log --format=%aE` prints, folded to one
//! case. The `.mailmap` is the one in the analysed ref's tree, so a result never depends on a
//! work tree's state or on user configuration.
//!
//! Bots stay in every raw count; [`BotRule`] only marks them so tables can also show human-only
//! columns. The default pattern is [`DEFAULT_BOT_PATTERN`]; users override it with
//! `--bot-pattern`.

use gix::bstr::ByteSlice;
use regex::Regex;

/// Matched, case-insensitively, against the resolved author name and e-mail address separately.
///
/// It catches GitHub App accounts (`dependabot[bot]`), a word `bot` delimited by non-alphanumerics
/// (`ci-bot@example.org`, `Docker Bot`, but not `abbott` or `robot`), and a few well-known automation
/// accounts that do not say "bot".
pub const DEFAULT_BOT_PATTERN: &str = r"(?i)\[bot\]|(^|[^a-z0-9])bot([^a-z0-9]|$)|dependabot|renovate|greenkeeper|github-actions|mergify|k8s-ci-robot|^noreply@github\.com$";

/// Decides whether an identity is a bot.
#[derive(Debug, Clone)]
pub struct BotRule {
    pattern: Regex,
}

impl BotRule {
    /// A rule from a regular expression (`--bot-pattern`); an error when it does not compile.
    pub fn new(pattern: &str) -> Result<BotRule, regex::Error> {
        Ok(BotRule {
            pattern: Regex::new(pattern)?,
        })
    }

    /// The pattern as given.
    pub fn pattern(&self) -> &str {
        self.pattern.as_str()
    }

    /// Whether the resolved name or e-mail address (each on its own) matches the pattern.
    pub fn is_bot(&self, name: &str, email: &str) -> bool {
        self.pattern.is_match(name) || self.pattern.is_match(email)
    }
}

impl Default for BotRule {
    fn default() -> Self {
        BotRule::new(DEFAULT_BOT_PATTERN).expect("the default bot pattern is a valid regex")
    }
}

/// A resolved author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// Lower-cased resolved e-mail, or the resolved name if the e-mail is empty.
    pub identity: String,
    /// Whether the resolved name or e-mail matches the bot rule.
    pub is_bot: bool,
}

/// Resolves raw commit signatures into [`Author`]s.
pub struct Resolver {
    mailmap: gix::mailmap::Snapshot,
    bots: BotRule,
}

impl Resolver {
    /// `mailmap` holds the bytes of a `.mailmap` file (empty for none).
    pub fn new(mailmap: &[u8], bots: BotRule) -> Resolver {
        Resolver {
            mailmap: gix::mailmap::Snapshot::from_bytes(mailmap),
            bots,
        }
    }

    /// Resolves a name and e-mail address read from a commit (see [`super::header`]).
    pub fn resolve_parts(&self, name: &str, email: &str) -> Author {
        self.resolve(gix::actor::SignatureRef {
            name: name.into(),
            email: email.into(),
            time: "",
        })
    }

    /// Resolves a commit signature through the `.mailmap` to its identity, and tells whether it is
    /// a bot's.
    pub fn resolve(&self, signature: gix::actor::SignatureRef<'_>) -> Author {
        let (name, email) = match self.mailmap.try_resolve_ref(signature) {
            Some(resolved) => (
                resolved.name.unwrap_or(signature.name),
                resolved.email.unwrap_or(signature.email),
            ),
            None => (signature.name, signature.email),
        };
        let name = name.to_str_lossy();
        let email = email.trim().to_str_lossy().to_lowercase();
        let is_bot = self.bots.is_bot(&name, &email);
        let identity = if email.is_empty() {
            name.trim().to_string()
        } else {
            email
        };
        Author { identity, is_bot }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig<'a>(name: &'a str, email: &'a str) -> gix::actor::SignatureRef<'a> {
        gix::actor::SignatureRef {
            name: name.into(),
            email: email.into(),
            time: "0 +0000",
        }
    }

    #[test]
    fn default_bot_pattern() {
        let rule = BotRule::default();
        for (name, email) in [
            (
                "dependabot[bot]",
                "49699333+dependabot[bot]@users.noreply.github.com",
            ),
            ("Docker CI Bot", "ci@docker.com"),
            ("x", "bot@example.org"),
            ("x", "ci-bot@example.org"),
            ("Renovate", "renovate@whitesourcesoftware.com"),
            ("k8s-ci-robot", "k8s-ci-robot@users.noreply.github.com"),
        ] {
            assert!(rule.is_bot(name, email), "{name} <{email}> is a bot");
        }
        for (name, email) in [
            ("Jane Abbott", "jane.abbott@example.org"),
            ("Robot Framework Fan", "rf@example.org"),
            ("Bo Tan", "botan@example.org"),
        ] {
            assert!(!rule.is_bot(name, email), "{name} <{email}> is a person");
        }
    }

    #[test]
    fn mailmap_resolution_lowercases_and_falls_back_to_name() {
        let map = b"Jane Doe <jane@example.org> <JANE@old.example.org>\n";
        let r = Resolver::new(map, BotRule::default());
        assert_eq!(
            r.resolve(sig("J", "jane@OLD.example.org")).identity,
            "jane@example.org"
        );
        assert_eq!(
            r.resolve(sig("Bob", "Bob@Example.org")).identity,
            "bob@example.org"
        );
        assert_eq!(r.resolve(sig("Nobody", "")).identity, "Nobody");
    }
}
