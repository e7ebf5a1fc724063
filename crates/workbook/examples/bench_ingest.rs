//! Times ingest + check of the example campaign (`input/`): the target is under
//! 100 ms on a 2-core machine. Run in release:
//! `cargo run --release -p zhiliang-workbook --example bench_ingest`

use std::path::PathBuf;
use std::time::Instant;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::units::Roster;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let roster = Roster::load(&root.join("catalogue/units.toml")).expect("roster");
    let catalogue =
        Catalogue::load(&root.join("catalogue/indicators.toml"), &roster).expect("catalogue");
    let campaign = Campaign::load(&root.join("input/campaign.toml")).expect("campaign");
    let input = root.join("input");
    let runs = 10;
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let report = zhiliang_workbook::ingest(&input, &catalogue, &roster);
        let ingest_ms = t.elapsed().as_secs_f64() * 1e3;
        let diags = zhiliang_workbook::check(
            &catalogue,
            &roster,
            &campaign,
            &report,
            &input.join("evidence"),
        );
        let total = t.elapsed().as_secs_f64() * 1e3;
        best = best.min(total);
        println!(
            "{} files, {} diagnostics: ingest {ingest_ms:.1} ms, ingest + check {total:.1} ms",
            report.files.len(),
            diags.len()
        );
    }
    println!("best of {runs}: {best:.1} ms");
}
