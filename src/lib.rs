//! temper mines git repositories and tells how battle-hardened a codebase is.
//!
//! Data flows one way, and the folders are its rooms:
//!
//! - [`mine`]: history in, rows out. A repository (opened read-only by [`mine::git`]) becomes a
//!   commit stream, the stream becomes monthly figures (activity, churn, lines of code, code age,
//!   evidence, releases), driven as typed stages by [`mine::analyze`];
//! - [`store`]: the tables those figures become ([`store::tables`]), kept as Parquet in versioned
//!   generations written atomically, and shareable datasets;
//! - [`read`]: every cheap command that reads the store without touching history again: SQL
//!   ([`read::query`]), exports, charts and the report;
//! - [`run`]: the scheduled job over a list of projects, on one machine or sharded on a cluster;
//! - [`cli`]: the command line, resolved once into the options the rooms above take. The binary
//!   in `main.rs` only parses arguments and maps errors to exit codes.
//!
//! Imports run cli → run → read / mine → store → leaves ([`month`], [`scope`], [`text`],
//! [`progress`], [`window`]), which import nothing of temper's but each other.

#![warn(missing_docs)]

pub mod cli;
pub mod mine;
pub mod month;
pub mod progress;
pub mod read;
pub mod run;
pub mod scope;
pub mod store;
pub mod text;
pub mod window;
