//! temper mines git repositories and tells how battle-hardened a codebase is.
//!
//! Data flows one way: a repository (opened read-only by [`git`]) becomes a commit stream, the
//! stream becomes monthly tables ([`activity`], [`tables`]), and the tables are kept in the
//! [`store`], from which every cheap command ([`export`], [`chart`], and later queries and
//! reports) reads without touching history again. The binary in `main.rs` only parses arguments
//! ([`cli`]) and maps errors to exit codes.

pub mod activity;
pub mod analyze;
pub mod chart;
pub mod churn;
pub mod class;
pub mod cli;
pub mod dataset;
pub mod evidence;
pub mod export;
pub mod git;
pub mod loc;
pub mod month;
pub mod organisations;
pub mod practices;
pub mod progress;
pub mod query;
pub mod release;
pub mod report;
pub mod run;
pub mod scope;
pub mod shard;
pub mod source;
pub mod store;
pub mod tables;
pub mod text;
pub mod window;
