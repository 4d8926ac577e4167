//! Everything that reads a git repository: opening it safely, walking its commits, resolving
//! identities. Nothing here writes to a repository or runs anything it contains.

pub mod header;
pub mod identity;
pub mod open;
pub mod snapshot;
pub mod touch;
pub mod walk;

pub use identity::{Author, BotRule, Resolver, DEFAULT_BOT_PATTERN};
pub use open::{open, OpenError, Opened};
pub use walk::{walk, CommitInfo, History};
