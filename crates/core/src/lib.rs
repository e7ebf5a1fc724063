//! 质量强区申报流水线的核心：任务分解表（目录）、专班名单、事实模型、诊断模型与计分引擎。
//!
//! Everything here is pure: no file system access except the explicit `load_*` functions,
//! so every stage can be tested without files and re-run cheaply by `watch`.
//!
//! Data flow: [`catalogue::Catalogue`] + [`config::Campaign`] describe what is asked;
//! units answer with [`facts::Submission`]s; [`merge::merge`] turns them into [`facts::Facts`];
//! [`score::score`] turns those into a [`score::ScoreSheet`]. Every problem found on the way
//! is a [`diagnostics::Diagnostic`].

pub mod catalogue;
pub mod config;
pub mod diagnostics;
pub mod facts;
pub mod merge;
pub mod score;
pub mod series;
pub mod setup;
pub mod units;

pub use rust_decimal::Decimal;
pub use setup::Setup;
