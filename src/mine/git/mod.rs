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

/// Bytes of delta-base cache per repository handle. Packs store most trees and blobs as deltas
/// against another version; without a cache every read rebuilds its whole delta chain from the
/// base (gix installs none unless built with `max-performance`, and would then size it from the
/// repository's own configuration, which temper never reads).
pub const PACK_CACHE_BYTES: usize = 32 << 20;

/// A thread's handle on `shared` with temper's delta-base cache ([`PACK_CACHE_BYTES`]) and
/// `object_cache` bytes of object cache.
pub fn local_handle(shared: &gix::ThreadSafeRepository, object_cache: usize) -> gix::Repository {
    let mut local = shared.to_thread_local();
    with_pack_cache(&mut local);
    local.object_cache_size(object_cache);
    local
}

/// Gives `repo` temper's delta-base cache: a fixed-size LRU of decoded delta bases, the same
/// whatever the repository's configuration says.
pub fn with_pack_cache(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE_BYTES,
        ))
    });
}
