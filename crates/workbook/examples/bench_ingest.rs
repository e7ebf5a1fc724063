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
    let setup = &zhiliang_core::Setup {
        catalogue,
        roster,
        campaign,
        catalogue_sha256: String::new(),
    };
    let (catalogue, roster) = (&setup.catalogue, &setup.roster);
    let input = root.join("input");
    let runs = 10;
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let report = zhiliang_workbook::ingest(&input, setup);
        let ingest_ms = t.elapsed().as_secs_f64() * 1e3;
        let diags = zhiliang_workbook::check(setup, &report, &input.join("evidence"));
        let total = t.elapsed().as_secs_f64() * 1e3;
        best = best.min(total);
        println!(
            "{} files, {} diagnostics: ingest {ingest_ms:.1} ms, ingest + check {total:.1} ms",
            report.files.len(),
            diags.len()
        );
    }
    println!("best of {runs}: {best:.1} ms");

    // Cost per row: one unit's workbook with a growing 质量荣誉 list.
    let unit = roster.by_name("区市场监管局").expect("unit");
    for n in [250usize, 1000, 4000] {
        let mut sub = zhiliang_core::facts::Submission {
            unit: unit.name.clone(),
            ..Default::default()
        };
        for i in 0..n {
            let mut fields = std::collections::BTreeMap::new();
            let text = |s: String| zhiliang_core::facts::Value::Text(s);
            fields.insert("honor_name".to_string(), text(format!("荣誉{i}")));
            fields.insert("level".to_string(), text("省级".into()));
            fields.insert("recipient".to_string(), text(format!("企业{i}")));
            fields.insert("matter".to_string(), text("质量管理".into()));
            fields.insert(
                "date".to_string(),
                zhiliang_core::facts::Value::Date(
                    chrono::NaiveDate::from_ymd_opt(2021, 5, 1).expect("date"),
                ),
            );
            sub.records.push(zhiliang_core::facts::Record {
                list: "quality_honors".into(),
                fields,
                evidence: Some("章政发〔2022〕11号".into()),
                source: Default::default(),
            });
        }
        let bytes = zhiliang_workbook::fill_form(setup, unit, &sub).expect("fill");
        let t = Instant::now();
        let out = zhiliang_workbook::ingest_file("x.xlsx", &bytes, catalogue, roster);
        let report = zhiliang_workbook::IngestReport {
            submissions: out.submissions,
            files: Vec::new(),
            diagnostics: out.diagnostics,
            rows: out.rows,
            copies: Vec::new(),
        };
        let _ = zhiliang_workbook::check(setup, &report, &input.join("evidence"));
        let ms = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "{n} records: {ms:.1} ms ({:.1} µs per record)",
            ms * 1e3 / n as f64
        );
    }
}
