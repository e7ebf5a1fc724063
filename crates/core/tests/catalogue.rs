//! The real catalogue and roster load and validate; malformed catalogues are rejected with
//! a message naming the place.

use std::path::PathBuf;

use rust_decimal::Decimal;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::units::Roster;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn roster() -> Roster {
    Roster::load(&repo("catalogue/units.toml")).expect("roster loads")
}

#[test]
fn real_catalogue_loads_and_validates() {
    let c = Catalogue::load(&repo("catalogue/indicators.toml"), &roster())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.categories.len(), 4);
    assert_eq!(c.categories.iter().map(|c| c.subcategories.len()).sum::<usize>(), 15);
    assert_eq!(c.indicators.len(), 43);
    let points: Vec<Decimal> = c.categories.iter().map(|c| c.points).collect();
    assert_eq!(points, [12, 15, 31, 42].map(Decimal::from));
    assert_eq!(c.indicators.iter().map(|i| i.points).sum::<Decimal>(), Decimal::from(100));
    for i in &c.indicators {
        assert_eq!(i.rule.max(), Some(i.points), "指标{}", i.id);
    }
    // 区工信局（科技局） in the seed becomes the canonical 区工信局.
    assert_eq!(c.indicator(41).unwrap().responsible, ["区工信局"]);
    assert_eq!(c.indicator(26).unwrap().responsible, ["各成员单位"]);
    assert!(c.indicator(3).unwrap().text.contains("“3·15”"));
    assert!(c.indicator(23).unwrap().text.contains("（0.5）"));
}
