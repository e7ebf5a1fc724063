//! 填报工作簿：the member units' Excel loop.
//!
//! - [`forms`] writes one fill-in workbook per unit (and fills it programmatically for the
//!   example campaign and round-trip tests);
//! - [`ingest`] reads every returned workbook under `input/` (and `*.facts.json` imports)
//!   into [`zhiliang_core::facts::Submission`]s, normalising what people really type;
//! - [`check`] validates the submissions against the catalogue and the evidence folders;
//! - [`evidence`] finds the files 证明材料 cells name and numbers the 证明材料目录;
//! - [`feedback`] writes each unit a workbook listing its own problems.
//!
//! The physical layout shared by the writer and the reader lives in [`layout`], so the
//! two cannot drift apart.

pub mod check;
pub mod evidence;
pub mod feedback;
pub mod forms;
pub mod ingest;
pub mod layout;

pub use check::check;
pub use evidence::evidence_index;
pub use feedback::{write_feedback, write_feedback_folder};
pub use forms::{FormError, Role, fill_form, unit_indicators, write_form, write_forms};
pub use ingest::{
    FormRow, IngestCache, IngestReport, InputFile, Reader, Worker, WorkerLimits, ingest,
    ingest_cached, ingest_file, ingest_file_with, ingest_with,
};
