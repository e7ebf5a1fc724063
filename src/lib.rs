//! `zhiliang`: the pipeline that turns the member units' returned workbooks into the three
//! documents of a 山东省质量强区 application, and archives what was printed.
//!
//! The stages live in their own crates — [`zhiliang_core`] (catalogue, facts, diagnostics,
//! scoring), [`zhiliang_workbook`] (fill-in forms, ingestion, checks) and
//! [`zhiliang_render`] (Typst documents) — and this crate wires them together:
//! [`pipeline`] runs them, [`record`] and [`changes`] say what a build did and what changed,
//! [`archive`] keeps printed sets, [`watch`] rebuilds on every change.

pub mod archive;
pub mod changes;
pub mod cli;
pub mod commands;
pub mod fsutil;
pub mod output_set;
pub mod pipeline;
pub mod project;
pub mod province;
pub mod record;
pub mod watch;
