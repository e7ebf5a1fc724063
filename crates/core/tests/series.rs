//! Annual-report series (documents.md, "One figure, one source").

mod common;

use common::*;
use zhiliang_core::diagnostics::Code;
use zhiliang_core::facts::{ScalarFact, SeriesFact, Source, Submission, Value};
use zhiliang_core::series;

fn cell(unit: &str, sheet: &str, at: &str) -> Source {
    Source {
        unit: unit.into(),
        file: "x.xlsx".into(),
        sheet: sheet.into(),
        cell: Some(at.into()),
    }
}

fn stats(service_2021: &str) -> Submission {
    let unit = "区统计局";
    let n = |s: &str| Value::Number(s.parse().unwrap());
    let fact = |key: &str, v: &str, at: &str| ScalarFact {
        key: key.into(),
        value: n(v),
        evidence: None,
        note: None,
        source: cell(unit, "数据填报", at),
    };
    Submission {
        unit: unit.into(),
        file: "x.xlsx".into(),
        scalars: vec![
            fact("gdp", "1217.8", "H15"),
            fact("service_value_added", "584.544", "H14"),
        ],
        series: vec![SeriesFact {
            key: "service_share".into(),
            values: [
                (2020, "47.1".parse().unwrap()),
                (2021, service_2021.parse().unwrap()),
            ]
            .into(),
            cells: [(2021, cell(unit, "年度数据", "I3"))].into(),
            causes: "现代物流较快增长。".into(),
            measures: String::new(),
            source: cell(unit, "年度数据", "A3"),
        }],
        ..Default::default()
    }
}

#[test]
fn the_catalogue_declares_the_series_with_their_units() {
    let c = catalogue();
    assert!(c.series.len() >= 20);
    let share = c.series.iter().find(|s| s.key == "service_share").unwrap();
    assert_eq!(share.responsible, "区统计局");
}

#[test]
fn a_series_year_that_disagrees_with_its_fact_names_both_cells() {
    // 584.544 / 1217.8 = 48.0 %: typing 48 or 48.0 agrees, 43.8 does not.
    for ok in ["48", "48.0"] {
        assert!(
            series::fact_conflicts(catalogue(), 2022, &[stats(ok)]).is_empty(),
            "{ok}"
        );
    }
    let d = series::fact_conflicts(catalogue(), 2022, &[stats("43.8")]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, Code::ConflictingValues);
    assert_eq!(
        d[0].location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("I3")
    );
    assert!(
        d[0].message.contains("43.8") && d[0].message.contains("48"),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains("H14") && d[0].message.contains("H15"),
        "{}",
        d[0].message
    );
}

#[test]
fn the_report_year_value_is_the_fact_scoring_reads() {
    let (facts, diags) = zhiliang_core::merge::merge(catalogue(), roster(), &[stats("43.8")]);
    assert!(diags.is_empty(), "{diags:?}");
    let def = catalogue()
        .series
        .iter()
        .find(|s| s.key == "service_share")
        .unwrap();
    let r = series::resolve(catalogue(), def, &facts, 2022);
    let d = |s: &str| s.parse::<zhiliang_core::Decimal>().unwrap();
    assert_eq!(r.values[&2021], d("48.0"));
    assert_eq!(r.values[&2020], d("47.1"));
    assert_eq!(
        r.causes,
        vec![("区统计局".to_string(), "现代物流较快增长。".to_string())]
    );
}

#[test]
fn two_units_giving_one_year_different_values_conflict() {
    let mut a = stats("48");
    let mut b = stats("48");
    a.scalars.clear();
    b.scalars.clear();
    b.unit = "区市场监管局".into();
    b.series[0].values.insert(2020, "46.0".parse().unwrap());
    let (facts, diags) = zhiliang_core::merge::merge(catalogue(), roster(), &[a, b]);
    assert!(
        diags.iter().any(|d| d.code == Code::ConflictingValues),
        "{diags:?}"
    );
    assert!(!facts.series["service_share"].values.contains_key(&2020));
}
