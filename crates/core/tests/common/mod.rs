//! Helpers shared by the integration tests: the real catalogue and roster, a campaign with
//! round test benchmarks, and a small builder so that each test reads like its rule.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::{Benchmark, Campaign};
use zhiliang_core::diagnostics::{Cell, Diagnostic, Place};
use zhiliang_core::facts::{Facts, MergedFact, Record, Source, Value};
use zhiliang_core::score::{self, IndicatorScore};
use zhiliang_core::units::Roster;

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

pub fn roster() -> &'static Roster {
    static ROSTER: OnceLock<Roster> = OnceLock::new();
    ROSTER.get_or_init(|| Roster::load(&repo("catalogue/units.toml")).expect("roster loads"))
}

pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        Catalogue::load(&repo("catalogue/indicators.toml"), roster())
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

pub fn catalogue_text() -> String {
    std::fs::read_to_string(repo("catalogue/indicators.toml")).unwrap()
}

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|_| panic!("not a decimal: {s}"))
}

/// Round benchmarks chosen so that hand computations stay short (not the example's).
pub const TEST_BENCHMARKS: [(&str, &str, &str); 18] = [
    ("10.share", "1", "0"),
    ("10.change", "0.1", "-0.1"),
    ("19.count", "100", "0"),
    ("19.growth", "20", "0"),
    ("20.count", "1000", "0"),
    ("20.growth", "20", "0"),
    ("26.rate", "100", "90"),
    ("28.per_capita", "1", "0"),
    ("33.count", "4", "0"),
    ("35.share", "60", "40"),
    ("36.count", "200", "0"),
    ("36.revenue", "100", "0"),
    ("37.reduction", "5", "0"),
    ("38.composite", "50", "10"),
    ("39.share", "50", "10"),
    ("40.per_10k", "20", "0"),
    ("41.share", "4", "0"),
    ("42.points", "6", "0"),
];

/// The example campaign's dates (evaluation year 2022, reference date 2022-07-20) with
/// the test benchmarks.
pub fn campaign() -> Campaign {
    let mut c = Campaign::load(&repo("input/campaign.toml")).expect("campaign loads");
    c.benchmarks = TEST_BENCHMARKS
        .iter()
        .map(|(k, h, s)| {
            (
                k.to_string(),
                Benchmark {
                    satisfactory: dec(h),
                    unacceptable: dec(s),
                    source: "测试".into(),
                },
            )
        })
        .collect();
    c
}

pub fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}
pub fn n(s: &str) -> Value {
    Value::Number(dec(s))
}
pub fn b(v: bool) -> Value {
    Value::Bool(v)
}
pub fn d(s: &str) -> Value {
    Value::Date(date(s))
}
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The zero-based sheet row of the `n`th value a [`Case`] adds: Excel rows 4, 5, … .
fn row(n: usize) -> u32 {
    u32::try_from(n).unwrap() + 3
}

/// Facts built in code.
#[derive(Clone, Default)]
pub struct Case {
    pub facts: Facts,
}

impl Case {
    pub fn new() -> Case {
        Case::default()
    }
    pub fn set(mut self, key: &str, value: Value) -> Case {
        let source = Source {
            unit: "区市场监管局".into(),
            file: "shichangjianguan.xlsx".into(),
            sheet: "标量数据".into(),
            // D4, D5, …
            cell: Some(Place::Cell(Cell::new(row(self.facts.scalars.len()), 3))),
        };
        self.facts.scalars.insert(
            key.to_string(),
            MergedFact {
                value,
                evidence: vec![format!("{key}.pdf")],
                sources: vec![source],
            },
        );
        self
    }
    pub fn text(self, key: &str, s: &str) -> Case {
        self.set(key, t(s))
    }
    pub fn num(self, key: &str, s: &str) -> Case {
        self.set(key, n(s))
    }
    pub fn rate(self, key: &str, num: &str, den: &str) -> Case {
        self.set(
            key,
            Value::Rate {
                num: dec(num),
                den: dec(den),
            },
        )
    }
    pub fn yes(self, key: &str) -> Case {
        self.set(key, b(true))
    }
    pub fn no(self, key: &str) -> Case {
        self.set(key, b(false))
    }
    pub fn date(self, key: &str, s: &str) -> Case {
        self.set(key, d(s))
    }
    /// Add one record to a list.
    pub fn rec(mut self, list: &str, fields: &[(&str, Value)]) -> Case {
        let rows = self.facts.lists.entry(list.to_string()).or_default();
        let source = Source {
            unit: "区市场监管局".into(),
            file: "shichangjianguan.xlsx".into(),
            sheet: list.to_string(),
            // A4, A5, …
            cell: Some(Place::Cell(Cell::new(row(rows.len()), 0))),
        };
        rows.push(Record {
            list: list.to_string(),
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            evidence: Some(format!("{list}-{}.pdf", rows.len() + 1)),
            source,
        });
        self
    }
}

pub fn score_with(id: u32, case: &Case, campaign: &Campaign) -> (IndicatorScore, Vec<Diagnostic>) {
    let (s, diags) = score::score_indicator(catalogue(), id, &case.facts, campaign);
    (s.expect("indicator exists"), diags)
}

pub fn score_of(id: u32, case: &Case) -> IndicatorScore {
    score_with(id, case, &campaign()).0
}

/// Assert the exact score, and the invariants every result keeps.
#[track_caller]
pub fn assert_score(id: u32, case: &Case, expected: &str) -> IndicatorScore {
    let s = score_of(id, case);
    assert_eq!(s.score, dec(expected), "指标{id}：{}", s.basis);
    assert_eq!(s.lost, s.points - s.score);
    assert!(
        s.basis.ends_with('。'),
        "basis is one sentence: {}",
        s.basis
    );
    assert_eq!(
        s.basis.matches('。').count(),
        1,
        "basis is one sentence: {}",
        s.basis
    );
    if s.lost.is_zero() {
        assert!(
            s.improve.is_empty(),
            "指标{id} improve at full marks: {}",
            s.improve
        );
    } else {
        assert!(
            !s.improve.is_empty(),
            "指标{id} lost points but no advice: {}",
            s.basis
        );
    }
    s
}
