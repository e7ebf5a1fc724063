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
use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, FieldKind};
use crate::config::Target;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::facts::{Facts, Source, Submission, Value};

/// How many years a series covers (the report year and the four before it).
pub const SERIES_YEARS: i32 = 5;

/// The sections of the annual report a series may belong to.
pub const SECTIONS: [&str; 7] = [
    "总体情况",
    "产品质量",
    "工程质量",
    "服务质量",
    "环境质量",
    "质量基础",
    "创新与品牌",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesDef {
    /// Stable machine key, written hidden into the workbook row.
    pub key: String,
    /// 服务业增加值占地区生产总值比重
    pub label: String,
    /// 计量单位 (%, 个, 微克/立方米)
    pub unit: String,
    /// Section of the annual report (产品质量 … 创新与品牌, or 总体情况).
    pub section: String,
    /// The unit that reports the series (canonical roster name).
    pub responsible: String,
    /// The seed's 主要目标 this series tracks, if any.
    #[serde(default)]
    pub target: Option<Target>,
    /// Scalar facts that give the value of their year (the fact's `year_offset`; a fact
    /// without one gives the report year). Numbers as they are, rates as percentages.
    #[serde(default)]
    pub facts: Vec<String>,
    /// A value computed from two facts of the same year (服务业增加值 ÷ 地区生产总值 × 100).
    #[serde(default)]
    pub ratio: Option<Ratio>,
    /// Decimal places a computed value keeps (percentages: 1).
    #[serde(default)]
    pub decimals: Option<u32>,
    /// Instructions shown in the workbook.
    #[serde(default)]
    pub help: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    pub num: String,
    pub den: String,
    #[serde(default = "hundred")]
    pub scale: Decimal,
}

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

impl SeriesDef {
    /// Keys of every fact the series reads.
    pub fn fact_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.facts.iter().map(String::as_str).collect();
        if let Some(r) = &self.ratio {
            keys.push(&r.num);
            keys.push(&r.den);
        }
        keys
    }

    fn decimals(&self) -> u32 {
        self.decimals
            .unwrap_or(if self.unit == "%" { 1 } else { 2 })
    }

    /// The years the workbook asks for: the report year and the four before it.
    pub fn years(report_year: i32) -> Vec<i32> {
        (report_year - SERIES_YEARS + 1..=report_year).collect()
    }
}

/// Problems of the `[[series]]` declarations, for the catalogue's validation on load.
pub fn validate(catalogue: &Catalogue, problems: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    for s in &catalogue.series {
        let at = format!("年度数据系列“{}”", s.key);
        if !seen.insert(s.key.as_str()) {
            problems.push(format!("{at}重复定义"));
        }
        if s.label.trim().is_empty() || s.unit.trim().is_empty() {
            problems.push(format!("{at}缺少名称（label）或计量单位（unit）"));
        }
        if !SECTIONS.contains(&s.section.as_str()) {
            problems.push(format!(
                "{at}的章节（section）“{}”不是年度报告的章节（应为：{}）",
                s.section,
                SECTIONS.join("、")
            ));
        }
        for key in s.fact_keys() {
            match catalogue.fact(key) {
                None => problems.push(format!("{at}引用的事实“{key}”未在 [[facts]] 中定义")),
                Some(f)
                    if !matches!(
                        f.kind,
                        FieldKind::Number | FieldKind::Count | FieldKind::Rate
                    ) =>
                {
                    problems.push(format!("{at}引用的事实“{key}”不是数值，不能作为系列的数值"))
                }
                Some(_) => {}
            }
        }
        if let Some(r) = &s.ratio {
            let off = |k: &str| catalogue.fact(k).and_then(|f| f.year_offset);
            if off(&r.num) != off(&r.den) {
                problems.push(format!("{at}的比值（ratio）分子与分母不是同一年度的事实"));
            }
            if r.scale <= Decimal::ZERO {
                problems.push(format!("{at}的比值倍数（scale）应大于0"));
            }
        }
    }
}

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
                let places: Vec<String> = fv.sources.iter().map(|x| x.to_string()).collect();
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
