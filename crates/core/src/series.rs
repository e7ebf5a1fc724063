//! Multi-year series of the 年度质量分析报告 and the 主要目标 they track (documents.md,
//! "One figure, one source").
//!
//! Each series is declared once in `catalogue/indicators.toml` (`[[series]]`) with the unit
//! that reports it. The unit fills the earlier years, the causes (原因) and the measures
//! (措施) on the 年度数据 sheet of its workbook; the years that a scalar fact already gives
//! (the value scoring reads, e.g. 上年度PM2.5年均浓度) are taken from that fact, so the two
//! reports can never print different figures. A year cell that the unit fills although a
//! fact gives it must agree with the fact, otherwise it is a `conflicting-values` error
//! naming both cells.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::catalogue::Catalogue;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::facts::{Facts, Source, Submission, Value};

// The declarations are the catalogue's (its `[[series]]` section, validated on load with the
// rest of it); this module reads them and never the other way round. Public here as before.
pub use crate::catalogue::{
    SERIES_SECTIONS as SECTIONS, SERIES_YEARS, SeriesDef, SeriesRatio as Ratio,
};

/// A fact-given value of one year and the cells it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct FactValue {
    pub year: i32,
    pub value: Decimal,
    pub sources: Vec<Source>,
}

fn year_of(catalogue: &Catalogue, key: &str, evaluation_year: i32) -> i32 {
    evaluation_year
        + catalogue
            .fact(key)
            .and_then(|f| f.year_offset)
            .unwrap_or(-1)
}

fn number(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Rate { num, den } if !den.is_zero() => Some(num / den * Decimal::ONE_HUNDRED),
        _ => None,
    }
}

/// The values that facts give a series, by year, rounded to the series' decimals.
/// `lookup` returns a fact's value and its cells.
pub fn fact_values<'f>(
    catalogue: &Catalogue,
    def: &SeriesDef,
    evaluation_year: i32,
    lookup: impl Fn(&str) -> Option<(&'f Value, Vec<Source>)>,
) -> Vec<FactValue> {
    let round = |d: Decimal| {
        d.round_dp_with_strategy(def.decimals(), RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    };
    let mut out = Vec::new();
    for key in &def.facts {
        if let Some((v, sources)) = lookup(key)
            && let Some(n) = number(v)
        {
            let n = if matches!(v, Value::Rate { .. }) {
                round(n)
            } else {
                n.normalize()
            };
            out.push(FactValue {
                year: year_of(catalogue, key, evaluation_year),
                value: n,
                sources,
            });
        }
    }
    if let Some(r) = &def.ratio
        && let (Some((nv, ns)), Some((dv, ds))) = (lookup(&r.num), lookup(&r.den))
        && let (Some(n), Some(d)) = (number(nv), number(dv))
        && !d.is_zero()
    {
        out.push(FactValue {
            year: year_of(catalogue, &r.num, evaluation_year),
            value: round(n / d * r.scale),
            sources: ns.into_iter().chain(ds).collect(),
        });
    }
    out
}

/// One series as the annual report prints it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResolvedSeries {
    /// Values by year: facts first, then the unit's series cells.
    pub values: BTreeMap<i32, Decimal>,
    /// 原因 and 措施 by unit.
    pub causes: Vec<(String, String)>,
    pub measures: Vec<(String, String)>,
}

/// The series' values: what the facts give (the figures scoring reads), completed by the
/// years the unit reported on its 年度数据 sheet.
pub fn resolve(
    catalogue: &Catalogue,
    def: &SeriesDef,
    facts: &Facts,
    evaluation_year: i32,
) -> ResolvedSeries {
    let mut out = ResolvedSeries::default();
    if let Some(m) = facts.series.get(&def.key) {
        out.values = m.values.clone();
        out.causes = m.causes.clone();
        out.measures = m.measures.clone();
    }
    let lookup = |k: &str| facts.scalars.get(k).map(|f| (&f.value, f.sources.clone()));
    for fv in fact_values(catalogue, def, evaluation_year, lookup) {
        out.values.insert(fv.year, fv.value);
    }
    out
}

/// Merges the series rows of all submissions (in roster order): two units giving one
/// year different values is a `conflicting-values` error naming both cells (the year is
/// then left out); causes and measures are collected per unit.
pub fn merge(ordered: &[&Submission], facts: &mut Facts) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut first_cell: BTreeMap<(String, i32), Source> = BTreeMap::new();
    let mut dropped: std::collections::BTreeSet<(String, i32)> = Default::default();
    for sub in ordered {
        for s in &sub.series {
            let merged = facts.series.entry(s.key.clone()).or_default();
            for (year, value) in &s.values {
                let cell = s
                    .cells
                    .get(year)
                    .cloned()
                    .unwrap_or_else(|| s.source.clone());
                let id = (s.key.clone(), *year);
                if dropped.contains(&id) {
                    continue;
                }
                match merged.values.get(year) {
                    Some(old) if old.normalize() != value.normalize() => {
                        let other = first_cell.get(&id).cloned().unwrap_or_default();
                        diagnostics.push(Diagnostic::new(
                            Code::ConflictingValues,
                            Location::from_source(&cell).with_fact(s.key.clone()),
                            format!(
                                "{}年的数值填为{}，与{}填报的{}不一致（{}）；同一数据只能有一个数值，请核实后统一",
                                year,
                                value.normalize(),
                                other.unit,
                                old.normalize(),
                                other
                            ),
                        ));
                        merged.values.remove(year);
                        dropped.insert(id);
                    }
                    Some(_) => {}
                    None => {
                        merged.values.insert(*year, *value);
                        merged.cells.insert(*year, cell.clone());
                        first_cell.insert(id, cell);
                    }
                }
            }
            if !s.causes.trim().is_empty() {
                merged
                    .causes
                    .push((sub.unit.clone(), s.causes.trim().to_string()));
            }
            if !s.measures.trim().is_empty() {
                merged
                    .measures
                    .push((sub.unit.clone(), s.measures.trim().to_string()));
            }
        }
    }
    diagnostics
}

/// A series year cell that disagrees with the fact giving that year: the same figure
/// reported twice with two values (`conflicting-values`, naming both cells).
pub fn fact_conflicts(
    catalogue: &Catalogue,
    evaluation_year: i32,
    submissions: &[Submission],
) -> Vec<Diagnostic> {
    let mut scalars: BTreeMap<&str, (&Value, Vec<Source>)> = BTreeMap::new();
    for sub in submissions {
        for f in &sub.scalars {
            scalars
                .entry(f.key.as_str())
                .or_insert((&f.value, vec![f.source.clone()]));
        }
    }
    let mut out = Vec::new();
    for sub in submissions {
        for s in &sub.series {
            let Some(def) = catalogue.series.iter().find(|d| d.key == s.key) else {
                continue;
            };
            let given = fact_values(catalogue, def, evaluation_year, |k| {
                scalars.get(k).map(|(v, src)| (*v, src.clone()))
            });
            for fv in given {
                let Some(typed) = s.values.get(&fv.year) else {
                    continue;
                };
                // Compared at the precision the unit typed: 48 agrees with 48.0.
                let scale = typed.normalize().scale();
                let fact = fv
                    .value
                    .round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
                if fact.normalize() == typed.normalize() {
                    continue;
                }
                let cell = s
                    .cells
                    .get(&fv.year)
                    .cloned()
                    .unwrap_or_else(|| s.source.clone());
                let places: Vec<String> = fv.sources.iter().map(ToString::to_string).collect();
                out.push(Diagnostic::new(
                    Code::ConflictingValues,
                    Location::from_source(&cell).with_fact(s.key.clone()),
                    format!(
                        "“{}”{}年填为{}{}，而计分所用的数据为{}{}（{}）；同一数据只能有一个数值，该年度可不填，由计分数据自动带出",
                        def.label,
                        fv.year,
                        typed.normalize(),
                        def.unit,
                        fv.value,
                        def.unit,
                        places.join("；")
                    ),
                ));
            }
        }
    }
    out
}
