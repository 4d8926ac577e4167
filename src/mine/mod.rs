//! Mining: history in, rows out. Everything that reads a repository lives here: the commit walk
//! and its identities ([`git`]), churn and line age ([`churn`]), lines of code of month-end
//! snapshots ([`loc`]), code classes ([`class`]), the monthly team figures ([`activity`]),
//! evidence of review, fixes and security work ([`evidence`], [`practices`]), releases
//! ([`release`]), organisations ([`organisations`]), the licence over time ([`licence`]), and the driver that runs them as typed
//! stages and hands their results to the store ([`analyze`]); and a project's declared
//! dependencies with their source repositories ([`deps`]).
//!
//! May import: the leaves (`month`, `scope`, `text`, `progress`, `window`) and, from
//! [`analyze`] only, [`crate::store`] to keep and reuse what an earlier run mined. Never
//! [`crate::read`], [`crate::run`] or [`crate::cli`].

pub mod activity;
pub mod analyze;
pub mod churn;
pub mod class;
pub mod deps;
pub mod evidence;
pub mod git;
pub mod licence;
pub mod loc;
pub mod organisations;
pub mod practices;
pub mod release;
