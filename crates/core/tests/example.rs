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
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
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
    // No errors, and not even a warning: every record is inside its window and the
    // funding total of 10 equals the sum of 9's amounts.
    assert!(diags.is_empty(), "{diags:#?}");
    assert!(diags.iter().all(|d| d.severity != Severity::Error));
    let table = score::table_for_people(&sheet, &catalogue);
    println!("{table}");
    for s in &sheet.indicators {
        println!("{} {} {}", s.id, s.basis, s.improve);
    }
    // 43 indicator rows, 15 subtotals, 4 category totals and the total.
    assert_eq!(table.lines().filter(|l| l.contains("小计")).count(), 15);
    assert_eq!(table.lines().filter(|l| l.contains("合计")).count(), 4);
    assert!(table.lines().last().unwrap().contains("87.07"), "{table}");
    // A few indicators lose points, most do not.
    let losing: Vec<u32> = sheet
        .indicators
        .iter()
        .filter(|s| !s.lost.is_zero())
        .map(|s| s.id)
        .collect();
    assert!(
        losing.contains(&9) && losing.contains(&17) && losing.contains(&27),
        "{losing:?}"
    );
    let i9 = &sheet.indicators[8];
    assert_eq!(
        i9.basis,
        "评价当年财政经费覆盖的领域缺少商标专利共1项，每项扣0.5分，得2.5分。"
    );
    assert!(
        i9.evidence
            .contains(&"2022年度部门预算批复-市场监管.pdf".to_string())
    );
    assert!(i9.sources.iter().any(|s| s.unit == "区发改局"));
    assert_eq!(sheet.indicators.len(), 43);
    // The total is the sum of the official scores (each rounded half up to 0.01): 36's
    // exact 2.565 (1.335 + 1.23) is officially 2.57. The exact values add up to 87.069.
    assert_eq!(sheet.total, dec("87.07"));
    assert_eq!(
        sheet.total,
        sheet.indicators.iter().map(|s| s.score).sum::<Decimal>()
    );
    assert_eq!(
        sheet.indicators.iter().map(|s| s.exact).sum::<Decimal>(),
        dec("87.069")
    );
    assert_eq!(
        (sheet.indicators[35].score, sheet.indicators[35].exact),
        (dec("2.57"), dec("2.565"))
    );
    let categories: Vec<Decimal> = sheet.categories.iter().map(|c| c.score).collect();
    assert_eq!(
        categories,
        [dec("11"), dec("13.18"), dec("24.27"), dec("38.62")]
    );
}
