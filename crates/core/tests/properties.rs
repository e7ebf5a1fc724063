//! Properties of the scoring engine on random facts shaped by the real catalogue.

mod common;

use std::collections::BTreeMap;

use chrono::Duration;
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use zhiliang_core::catalogue::{FieldKind, ListDef};
use zhiliang_core::facts::{Facts, MergedFact, Record, Source, Value};
use zhiliang_core::score;

/// A small deterministic generator, so one `u64` from proptest describes a whole case.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Dates around every window edge, plus a spread over the years.
fn random_date(dice: &mut Dice) -> Value {
    const EDGES: [&str; 8] = [
        "2019-07-20",
        "2019-07-21",
        "2020-07-20",
        "2021-07-20",
        "2021-07-21",
        "2022-07-20",
        "2022-07-21",
        "2016-03-29",
    ];
    if dice.below(3) == 0 {
        d(dice.pick::<&str>(&EDGES))
    } else {
        Value::Date(date("2015-01-01") + Duration::days(dice.below(2900) as i64))
    }
}

fn random_value(dice: &mut Dice, kind: FieldKind, options: &[String]) -> Value {
    // The last ones are absurd on purpose: they must give diagnostics or 0, never a panic.
    const NUMBERS: [&str; 17] = [
        "0",
        "0.5",
        "1",
        "2",
        "3",
        "5",
        "10",
        "50",
        "89.9",
        "90",
        "100",
        "107.3",
        "1000",
        "-1",
        "79228162514264337593543950335",
        "0.0000000000000000000000000001",
        "-79228162514264337593543950335",
    ];
    const COUNTS: [&str; 9] = [
        "0",
        "1",
        "2",
        "3",
        "5",
        "10",
        "100",
        "1000",
        "79228162514264337593543950335",
    ];
    match kind {
        FieldKind::Text | FieldKind::Doc => t(dice.pick::<&str>(&["", "文件甲", "文件乙"])),
        FieldKind::Bool => b(dice.below(2) == 0),
        FieldKind::Number => n(dice.pick::<&str>(&NUMBERS)),
        FieldKind::Count => n(dice.pick::<&str>(&COUNTS)),
        FieldKind::Rate => {
            let den = *dice.pick(&[0u32, 1, 10, 50, 100]);
            let num = if den == 0 {
                0
            } else {
                den - (dice.below(3) as u32).min(den)
            };
            Value::Rate {
                num: Decimal::from(num),
                den: Decimal::from(den),
            }
        }
        FieldKind::Date => random_date(dice),
        FieldKind::Year => n(&(2019 + dice.below(5)).to_string()),
        FieldKind::Choice => t(dice.pick::<String>(options)),
    }
}

fn random_record(dice: &mut Dice, list: &ListDef, row: usize) -> Record {
    let mut fields = BTreeMap::new();
    for f in &list.fields {
        // Optional and sometimes even required fields are left blank.
        if dice.below(6) == 0 {
            continue;
        }
        fields.insert(f.key.clone(), random_value(dice, f.kind, &f.options));
    }
    let source = Source {
        unit: "区市场监管局".into(),
        file: "x.xlsx".into(),
        sheet: list.key.clone(),
        cell: Some(format!("A{row}").as_str().into()),
    };
    Record {
        list: list.key.clone(),
        fields,
        evidence: Some(format!("{}-{row}.pdf", list.key)),
        source,
    }
}

fn random_facts(seed: u64) -> Facts {
    let mut dice = Dice(seed | 1);
    let catalogue = catalogue();
    let mut facts = Facts::default();
    for f in &catalogue.facts {
        if dice.below(4) == 0 {
            continue;
        }
        let value = random_value(&mut dice, f.kind, &f.options);
        facts.scalars.insert(
            f.key.clone(),
            MergedFact {
                value,
                evidence: vec![],
                sources: vec![],
            },
        );
    }
    for list in &catalogue.lists {
        let rows = dice.below(6);
        let records = (0..rows)
            .map(|row| random_record(&mut dice, list, row + 4))
            .collect();
        facts.lists.insert(list.key.clone(), records);
    }
    facts
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_score_stays_within_its_points_and_totals_add_up(seed in any::<u64>()) {
        let facts = random_facts(seed);
        let (sheet, _) = score::score(catalogue(), &facts, &campaign());
        prop_assert_eq!(sheet.indicators.len(), 43);
        for s in &sheet.indicators {
            prop_assert!(s.score >= Decimal::ZERO && s.score <= s.points, "指标{} 得分 {} 超出 [0, {}]", s.id, s.score, s.points);
            prop_assert_eq!(s.lost, s.points - s.score);
            prop_assert!(s.basis.ends_with('。'));
        }
        let sum: Decimal = sheet.indicators.iter().map(|s| s.score).sum();
        prop_assert_eq!(sheet.total, sum);
        let by_category: Decimal = sheet.categories.iter().map(|c| c.score).sum();
        prop_assert_eq!(sheet.total, by_category);
        let by_subcategory: Decimal = sheet.subcategories.iter().map(|c| c.score).sum();
        prop_assert_eq!(sheet.total, by_subcategory);
        prop_assert_eq!(sheet.max, Decimal::ONE_HUNDRED);
    }

    #[test]
    fn adding_a_record_never_lowers_a_score(seed in any::<u64>(), list_index in 0usize..15, extra in any::<u64>()) {
        let facts = random_facts(seed);
        let list = &catalogue().lists[list_index % catalogue().lists.len()];
        let mut more = facts.clone();
        let mut dice = Dice(extra | 1);
        let rows = more.lists.entry(list.key.clone()).or_default();
        let record = random_record(&mut dice, list, rows.len() + 4);
        rows.push(record);
        let campaign = campaign();
        let (before, _) = score::score(catalogue(), &facts, &campaign);
        let (after, _) = score::score(catalogue(), &more, &campaign);
        for (b, a) in before.indicators.iter().zip(&after.indicators) {
            prop_assert!(a.score >= b.score, "指标{}：{} → {}（{} → {}）", b.id, b.score, a.score, b.basis, a.basis);
        }
    }

    #[test]
    fn adding_a_qualifying_honour_raises_43_until_the_cap(seed in any::<u64>()) {
        let facts = random_facts(seed);
        let mut more = facts.clone();
        let source = Source::default();
        more.lists.entry("quality_honors".into()).or_default().push(Record {
            list: "quality_honors".into(),
            fields: [
                ("honor_name", t("全国质量标杆")),
                ("level", t("国家级")),
                ("recipient", t(&format!("新企业{seed}"))),
                ("matter", t("新事项")),
                ("date", d("2022-01-01")),
            ].into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            evidence: None,
            source,
        });
        let c = campaign();
        let (before, _) = score::score_indicator(catalogue(), 43, &facts, &c);
        let (after, _) = score::score_indicator(catalogue(), 43, &more, &c);
        let (before, after) = (before.unwrap().score, after.unwrap().score);
        prop_assert_eq!(after, (before + Decimal::from(3)).min(Decimal::from(9)));
    }
}
