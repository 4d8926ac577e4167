//! Everything that reads a git repository: opening it safely, walking its commits, resolving
//! identities. Nothing here writes to a repository or runs anything it contains.

pub mod evidence;
pub mod header;
pub mod identity;
pub mod open;
pub mod pulls;
pub mod snapshot;
pub mod tags;
pub mod touch;
pub mod walk;

pub use identity::{Author, BotRule, Resolver, DEFAULT_BOT_PATTERN};
pub use open::{last_fetch, open, OpenError, Opened};
pub use walk::{walk, Churn, CommitInfo, History};

/// Blobs larger than this are not decoded: they count as a file with bytes but no lines, and are
/// reported in `data_quality` as `oversized_blob`; line diffs treat them as binary. tokei has no
/// limit; 64 MiB of source in one file is generated data in every repository seen so far.
pub const MAX_BLOB_BYTES: u64 = 64 << 20;
