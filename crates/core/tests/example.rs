//! The example campaign (济南市章丘区, 2022) merges cleanly and scores to a known total.

use std::path::PathBuf;

use rust_decimal::Decimal;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::diagnostics::Severity;
use zhiliang_core::facts::FactsFile;
use zhiliang_core::units::Roster;
use zhiliang_core::{merge, score};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn example_facts_merge_cleanly_and_score_to_the_expected_total() {
    let roster = Roster::load(&repo("catalogue/units.toml")).unwrap();
    let catalogue = Catalogue::load(&repo("catalogue/indicators.toml"), &roster).unwrap();
    let campaign = Campaign::load(&repo("input/campaign.toml")).unwrap();
    let text = std::fs::read_to_string(repo("examples/zhangqiu/facts.json")).unwrap();
    let file: FactsFile = serde_json::from_str(&text).unwrap();
    assert_eq!(file.submissions.len(), 15);

    let (facts, merge_diags) = merge::merge(&catalogue, &roster, &file.submissions);
    assert!(merge_diags.is_empty(), "{merge_diags:#?}");
    assert!(catalogue.check_benchmarks(&campaign).is_empty());

    let (sheet, diags) = score::score(&catalogue, &facts, &campaign);
    assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:#?}");
    println!("{}", score::table_for_people(&sheet, &catalogue));
    for s in &sheet.indicators {
        println!("{} {} {}", s.id, s.basis, s.improve);
    }
    assert_eq!(sheet.indicators.len(), 43);
    assert_eq!(sheet.total, dec("87.069"));
    assert_eq!(sheet.total, sheet.indicators.iter().map(|s| s.score).sum::<Decimal>());
    let categories: Vec<Decimal> = sheet.categories.iter().map(|c| c.score).collect();
    assert_eq!(categories, [dec("11"), dec("13.18"), dec("24.27"), dec("38.619")]);
}
