//! 填报工作簿：the member units' Excel loop.
//!
//! - [`forms`] builds one fill-in workbook per unit (and fills it programmatically for the
//!   example campaign and round-trip tests);
//! - [`mod@ingest`] reads every returned workbook under `input/` (and `*.facts.json` imports)
//!   into [`zhiliang_core::facts::Submission`]s, normalising what people really type;
//! - [`mod@check`] validates the submissions against the catalogue and the evidence folders;
//! - [`evidence`] finds the files 证明材料 cells name and numbers the 证明材料目录;
//! - [`evidence_table`] reads spreadsheets among the evidence for the binder to print;
//! - [`feedback`] writes each unit a workbook listing its own problems;
//! - [`print`](mod@print) sets how the forms print (A4, one page wide, 页眉/页脚) and sizes rows to
//!   their wrapped text.
//!
//! The physical layout shared by the writer and the reader lives in [`layout`], so the
//! two cannot drift apart; what a unit's form contains lives in [`plan`], shared by the
//! writer, the reader and the checker.
//!
//! The crate writes no files: forms and feedback workbooks come back as (file name,
//! bytes), and the caller writes them (the binary does so atomically), as the render crate
//! does with PDFs.

pub mod check;
pub mod evidence;
pub mod evidence_table;
pub mod feedback;
pub mod forms;
pub mod ingest;
pub mod layout;
pub mod plan;
pub mod print;

pub use check::check;
pub use evidence::evidence_index;
pub use evidence_table::read_evidence_tables;
pub use feedback::{feedback_files, write_feedback};
pub use forms::{FormError, fill_form, form_file_name, form_files, write_form};
pub use ingest::{
    FormRow, IngestCache, IngestReport, InputFile, Reader, ingest, ingest_cached, ingest_file,
    ingest_file_with, ingest_with,
};
pub use plan::{FormPlan, Role, unit_indicators};
