//! temper's integration tests, one binary: each module drives the built `temper` binary (or the
//! library) over fixture repositories made by the scripts in `tests/fixtures/`, with git, the
//! tokei CLI or a hand count as the oracle. One binary links once, so a change rebuilds one test
//! executable instead of one per file.

mod common;

mod age;
mod analyze;
mod browser;
mod chart;
mod churn;
mod classes;
mod cli;
mod dataset;
mod deps;
mod evidence;
mod hostile;
mod layout;
mod licences;
mod loc;
mod query;
mod releases;
mod report;
mod run;
mod shards;
mod threads;
