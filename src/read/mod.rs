//! Reading: everything that turns stored tables into answers without touching history again.
//! SQL over the tables ([`query`]), portable copies of one table ([`export`]), charts
//! ([`chart`]) and the side-by-side report ([`report`]).
//!
//! May import: [`crate::store`] (the tables and their schemas), the leaves (`month`, `text`,
//! `window`) and, for the names of code classes, [`crate::mine::class`]. Never the rest of
//! [`crate::mine`], nor [`crate::run`] or [`crate::cli`].

pub mod chart;
pub mod export;
pub mod query;
pub mod report;
