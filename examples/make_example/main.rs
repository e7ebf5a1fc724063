//! Writes the example campaign and its evidence, in one run:
//!
//! 1. [`campaign`]: every unit's workbook in `input/`, the workbooks with deliberate
//!    problems in `examples/problems/`, and placeholder evidence files in their
//!    `evidence/` folders (spreadsheets already final);
//! 2. [`evidence`]: the PDF and JPG placeholders replaced by typeset documents and
//!    photographs, and the documents the facts cite by 文号 written.
//!
//! Run: `cargo run --release --example make_example`. The output is byte-identical from
//! run to run.

mod campaign;
mod evidence;

use std::path::PathBuf;

/// The repository root (this example belongs to the root package).
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("repository root")
}

fn main() {
    campaign::run();
    evidence::run();
}
