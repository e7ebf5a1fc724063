//! Writes the example campaign and its evidence from `examples/zhangqiu/facts.json`:
//!
//! 1. `campaign`: every unit's workbook in `input/`, the workbooks with deliberate
//!    problems in `examples/problems/`, and a placeholder for every evidence file they
//!    name in the `evidence/` folders (the spreadsheets are already the final tables);
//! 2. `evidence`: the PDF and JPG placeholders replaced by typeset documents and drawn
//!    photographs, and the documents the facts cite by 文号 written beside them;
//! 3. both folders checked: `input/` must have no error.
//!
//! Run: `cargo run --release --example make_example`. The output is byte-identical from
//! run to run.

mod campaign;
mod evidence;

use std::path::PathBuf;
use zhiliang_core::Setup;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::facts::FactsFile;
use zhiliang_core::units::Roster;

fn main() {
    // This example belongs to the root package: its manifest folder is the repository.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("repository root");
    let roster = Roster::load(&root.join("catalogue/units.toml")).expect("roster");
    let catalogue =
        Catalogue::load(&root.join("catalogue/indicators.toml"), &roster).expect("catalogue");
    let campaign = Campaign::load(&root.join("input/campaign.toml")).expect("campaign");
    let setup = Setup {
        catalogue,
        roster,
        campaign,
        catalogue_sha256: String::new(),
    };
    let text =
        std::fs::read_to_string(root.join("examples/zhangqiu/facts.json")).expect("facts.json");
    let facts: FactsFile = serde_json::from_str(&text).expect("facts.json format");

    campaign::write_workbooks(&root, &setup, &facts);
    evidence::write_documents(&root, &setup.roster, &setup.catalogue, &facts);
    campaign::check(&root, &setup);
}
