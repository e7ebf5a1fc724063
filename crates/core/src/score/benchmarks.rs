//! 功效系数法 benchmarks from a comparison of counties (multi-county mode).
//!
//! In a province run, each efficacy part's 满意值 is the best and its 不允许值 the worst
//! value among the counties compared (scoring.md, 功效系数法). [`efficacy_values`] gives the
//! actual value x of every efficacy part for one county, exactly as the scoring evaluates
//! it; [`benchmarks_from_counties`] turns the values of all counties into benchmarks.
//!
//! Decisions (kept visible in each benchmark's `source` and in the diagnostics):
//! - Direction: taken from the configured benchmark (satisfactory < unacceptable means
//!   lower is better, and then the best county is the one with the smallest value);
//!   higher is better when nothing is configured.
//! - Ends fixed by the 评分方法 itself (the catalogue's `fixed` on an efficacy rule) are
//!   never moved by the comparison: indicator 26's 不允许值 90% ("90%以下的不得分") and
//!   indicator 28's 满意值 1 元/人 (the 1:1 target). Single-district scoring applies the
//!   same ends ([`with_fixed_end`]), so the rule's value is used in every mode.
//! - When the comparison gives no usable pair — no county has a value, all counties are
//!   equal (or only one county has a value), or a fixed end lies on the wrong side of the
//!   compared values — the formula would divide by zero or invert the direction. The part
//!   then keeps the configured benchmark (the same one for every county, so the ranking
//!   stays fair) and a `missing-benchmark` warning says so. Without a configured benchmark
//!   the key stays absent, and scoring reports its `missing-benchmark` error as usual.
//! - Ties for best or worst name the first county in the order given, "等N个县" when
//!   several share the value.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::display;
use super::eval::efficacy_value;
use crate::catalogue::Catalogue;
use crate::catalogue::rule::{BenchmarkEnd, Expr, FixedEnd, Rule};
use crate::config::{Benchmark, Campaign};
use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::facts::Facts;

/// Defined with the scoring of efficacy parts (this module reads the scoring, never the
/// other way round); public here as before.
pub use super::eval::with_fixed_end;

/// One efficacy part of the catalogue.
struct Part<'c> {
    indicator: u32,
    key: &'c str,
    label: &'c str,
    unit: &'c str,
    value: &'c Expr,
    fixed: Option<&'c FixedEnd>,
}

/// Every efficacy part, in catalogue order; a key used twice is listed once (its first use).
fn parts(catalogue: &Catalogue) -> Vec<Part<'_>> {
    fn walk<'c>(indicator: u32, rule: &'c Rule, out: &mut Vec<Part<'c>>) {
        match rule {
            Rule::Efficacy {
                label,
                value,
                benchmark,
                unit,
                fixed,
                ..
            } if !out.iter().any(|p| p.key == benchmark) => {
                out.push(Part {
                    indicator,
                    key: benchmark,
                    label,
                    unit,
                    value,
                    fixed: fixed.as_ref(),
                });
            }
            Rule::Sum { parts, .. } | Rule::Max { parts, .. } => {
                for p in parts {
                    walk(indicator, p, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for indicator in &catalogue.indicators {
        walk(indicator.id, &indicator.rule, &mut out);
    }
    out
}

/// For every benchmark key the catalogue references, the actual value x its efficacy part
/// evaluates for this county (`None` when facts are missing or unusable, or a growth rate
/// has a zero base — such a part is scored by its special rule and has no value to compare).
pub fn efficacy_values(
    catalogue: &Catalogue,
    facts: &Facts,
    campaign: &Campaign,
) -> BTreeMap<String, Option<Decimal>> {
    parts(catalogue)
        .into_iter()
        .map(|p| {
            let x = efficacy_value(catalogue, facts, campaign, p.indicator, p.value);
            (p.key.to_string(), x)
        })
        .collect()
}

/// The benchmarks of a county comparison, part by part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivedBenchmarks {
    /// The benchmarks every county is scored with: derived where the comparison gives a
    /// usable pair, else the configured one; a key with neither is absent.
    pub benchmarks: BTreeMap<String, Benchmark>,
    /// One entry per efficacy part, in catalogue order.
    pub parts: Vec<DerivedPart>,
    /// `missing-benchmark` warnings for parts that kept their configured benchmark, and
    /// errors for parts left without any.
    pub diagnostics: Vec<Diagnostic>,
}

/// How one part's benchmark came about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DerivedPart {
    pub key: String,
    pub indicator: u32,
    pub label: String,
    pub unit: String,
    pub lower_is_better: bool,
    /// Counties with a value for this part.
    pub counties: usize,
    /// The best county (first in order among equals) and its value.
    pub best: Option<CountyValue>,
    pub worst: Option<CountyValue>,
    /// True when the benchmark comes from the comparison, false when the configured one
    /// was kept (or none exists).
    pub derived: bool,
    pub benchmark: Option<Benchmark>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountyValue {
    pub county: String,
    pub value: Decimal,
    /// How many counties share this value.
    pub shared_by: usize,
}

impl CountyValue {
    fn name(&self) -> String {
        if self.shared_by > 1 {
            format!("{}等{}个县", self.county, self.shared_by)
        } else {
            self.county.clone()
        }
    }
}

/// 满意值 = the best and 不允许值 = the worst value among the counties that have one, for
/// every efficacy part of the catalogue. `configured` holds the configured benchmarks
/// (their direction is kept; they are the fallback when the comparison gives no usable
/// pair, see the module documentation). `values` are the counties in the order ties are
/// resolved (by name, usually), each with its [`efficacy_values`].
pub fn benchmarks_from_counties(
    catalogue: &Catalogue,
    configured: &BTreeMap<String, Benchmark>,
    values: &[(String, BTreeMap<String, Option<Decimal>>)],
) -> DerivedBenchmarks {
    let mut out = DerivedBenchmarks {
        benchmarks: BTreeMap::new(),
        parts: Vec::new(),
        diagnostics: Vec::new(),
    };
    for part in parts(catalogue) {
        let config = configured.get(part.key);
        let lower_is_better = config.is_some_and(|b| b.satisfactory < b.unacceptable);
        let present: Vec<(&str, Decimal)> = values
            .iter()
            .filter_map(|(county, v)| {
                v.get(part.key)
                    .copied()
                    .flatten()
                    .map(|x| (county.as_str(), x))
            })
            .collect();
        let best = pick(&present, true, lower_is_better);
        let worst = pick(&present, false, lower_is_better);
        let n = present.len();
        let missing = values.len() - n;
        let counted = if missing > 0 {
            format!("{n}个县有数值，{missing}个县缺数")
        } else {
            format!("{n}个县")
        };
        let derived = match (&best, &worst) {
            (Some(b), Some(w)) => compared_pair(&part, b, w, lower_is_better, &counted),
            _ => None,
        };
        let benchmark = match derived.clone() {
            Some(b) => Some(b),
            None => {
                let why = why_not_compared(&best, &worst, n, part.unit);
                fallback(&part, config, &why, &mut out.diagnostics)
            }
        };
        if let Some(b) = &benchmark {
            out.benchmarks.insert(part.key.to_string(), b.clone());
        }
        out.parts.push(DerivedPart {
            key: part.key.to_string(),
            indicator: part.indicator,
            label: part.label.to_string(),
            unit: part.unit.to_string(),
            lower_is_better,
            counties: n,
            best,
            worst,
            derived: derived.is_some(),
            benchmark,
        });
    }
    out
}

/// Whether value `a` is better than `b`.
fn better(lower_is_better: bool, a: Decimal, b: Decimal) -> bool {
    if lower_is_better { a < b } else { a > b }
}

/// The best (or worst) of the counties' values: the first county in order among equals,
/// with the number of counties that share its value.
fn pick(
    present: &[(&str, Decimal)],
    want_best: bool,
    lower_is_better: bool,
) -> Option<CountyValue> {
    let mut chosen: Option<(&str, Decimal)> = None;
    for &(county, x) in present {
        let replace = match chosen {
            None => true,
            Some((_, c)) => {
                if want_best {
                    better(lower_is_better, x, c)
                } else {
                    better(lower_is_better, c, x)
                }
            }
        };
        if replace {
            chosen = Some((county, x));
        }
    }
    chosen.map(|(county, value)| CountyValue {
        county: county.to_string(),
        value,
        shared_by: present.iter().filter(|(_, x)| *x == value).count(),
    })
}

/// The pair the comparison gives (best and worst county), with the end the rule fixes
/// applied; `None` when it is not usable (equal ends, or the wrong way round).
fn compared_pair(
    part: &Part,
    best: &CountyValue,
    worst: &CountyValue,
    lower_is_better: bool,
    counted: &str,
) -> Option<Benchmark> {
    let (mut sat, mut unacc) = (best.value, worst.value);
    let mut sat_from = format!("满意值取{}", best.name());
    let mut unacc_from = format!("不允许值取{}", worst.name());
    match part.fixed {
        Some(
            f @ FixedEnd {
                end: BenchmarkEnd::Satisfactory,
                ..
            },
        ) => {
            sat = f.value;
            sat_from = format!("满意值为{}", f.text);
        }
        Some(
            f @ FixedEnd {
                end: BenchmarkEnd::Unacceptable,
                ..
            },
        ) => {
            unacc = f.value;
            unacc_from = format!("不允许值为{}", f.text);
        }
        None => {}
    }
    let usable = sat != unacc && better(lower_is_better, sat, unacc);
    usable.then(|| Benchmark {
        satisfactory: sat,
        unacceptable: unacc,
        source: format!("多县比较：{sat_from}，{unacc_from}（{counted}）"),
    })
}

/// Why the comparison gives no usable pair, for the diagnostics (`n` counties have a value).
fn why_not_compared(
    best: &Option<CountyValue>,
    worst: &Option<CountyValue>,
    n: usize,
    unit: &str,
) -> String {
    match (best, worst) {
        (Some(b), Some(w)) if b.value == w.value => {
            if n == 1 {
                format!("只有{}有数值（{}{unit}）", b.county, display(b.value))
            } else {
                format!("各县数值相同（均为{}{unit}）", display(b.value))
            }
        }
        (Some(b), Some(w)) => format!(
            "各县数值（{}{unit}至{}{unit}）都在评分方法规定值的同一侧",
            display(w.value),
            display(b.value)
        ),
        _ => "没有县报送可计算的数值".to_string(),
    }
}

/// The benchmark of a part the comparison gives none for: the configured one (a warning
/// says so) or none at all (an error: the part scores 0 in every county).
fn fallback(
    part: &Part,
    config: Option<&Benchmark>,
    why: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Benchmark> {
    let unit = part.unit;
    let location = Location::indicator(part.indicator).with_fact(part.key.to_string());
    // The configured fallback keeps the rule's end too (scoring warns about a
    // configuration that states another value).
    let config = config.map(|c| with_fixed_end(c, part.fixed).0);
    match config.as_ref() {
        Some(c) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::MissingBenchmark,
                    location,
                    format!(
                        "指标{}：{}，无法按多县比较取“{}”（{}）的满意值和不允许值，各县统一沿用创建配置中的基准（满意值{}{unit}、不允许值{}{unit}）",
                        part.indicator,
                        why,
                        part.key,
                        part.label,
                        display(c.satisfactory),
                        display(c.unacceptable)
                    ),
                )
                .with_severity(Severity::Warning),
            );
            Some(c.clone())
        }
        None => {
            diagnostics.push(Diagnostic::new(
                Code::MissingBenchmark,
                location,
                format!(
                    "指标{}：{}，无法按多县比较取“{}”（{}）的满意值和不允许值，创建配置中也没有该基准，本项各县均按0分计",
                    part.indicator, why, part.key, part.label
                ),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalogue");
        let roster = crate::units::Roster::load(&root.join("units.toml")).expect("roster");
        Catalogue::load(&root.join("indicators.toml"), &roster).expect("catalogue")
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn bench(h: &str, s: &str) -> Benchmark {
        Benchmark {
            satisfactory: dec(h),
            unacceptable: dec(s),
            source: "配置".into(),
        }
    }

    fn county(
        name: &str,
        key: &str,
        x: Option<&str>,
    ) -> (String, BTreeMap<String, Option<Decimal>>) {
        (
            name.to_string(),
            BTreeMap::from([(key.to_string(), x.map(dec))]),
        )
    }

    fn part<'d>(d: &'d DerivedBenchmarks, key: &str) -> &'d DerivedPart {
        d.parts.iter().find(|p| p.key == key).unwrap()
    }

    #[test]
    fn best_and_worst_county_higher_is_better() {
        let configured = BTreeMap::from([("33.count".to_string(), bench("5", "0"))]);
        let values = [
            county("甲县", "33.count", Some("1")),
            county("乙县", "33.count", Some("3")),
            county("丙县", "33.count", Some("5")),
            county("丁县", "33.count", None),
        ];
        let d = benchmarks_from_counties(&catalogue(), &configured, &values);
        let b = &d.benchmarks["33.count"];
        assert_eq!((b.satisfactory, b.unacceptable), (dec("5"), dec("1")));
        assert_eq!(
            b.source,
            "多县比较：满意值取丙县，不允许值取甲县（3个县有数值，1个县缺数）"
        );
        let p = part(&d, "33.count");
        assert!(p.derived && !p.lower_is_better);
        assert_eq!(p.indicator, 33);
        assert!(
            !d.diagnostics
                .iter()
                .any(|x| x.location.fact.as_deref() == Some("33.count"))
        );
    }

    #[test]
    fn lower_is_better_keeps_its_direction() {
        // Configured lower-is-better: the smallest value is the best.
        let configured = BTreeMap::from([("37.reduction".to_string(), bench("1", "8"))]);
        let values = [
            county("甲县", "37.reduction", Some("2.5")),
            county("乙县", "37.reduction", Some("7")),
            county("丙县", "37.reduction", Some("4")),
        ];
        let d = benchmarks_from_counties(&catalogue(), &configured, &values);
        let b = &d.benchmarks["37.reduction"];
        assert_eq!((b.satisfactory, b.unacceptable), (dec("2.5"), dec("7")));
        assert_eq!(b.source, "多县比较：满意值取甲县，不允许值取乙县（3个县）");
        assert!(part(&d, "37.reduction").lower_is_better);
    }

    #[test]
    fn single_county_keeps_the_configured_benchmark_with_a_warning() {
        let configured = BTreeMap::from([("33.count".to_string(), bench("5", "0"))]);
        let d = benchmarks_from_counties(
            &catalogue(),
            &configured,
            &[county("甲县", "33.count", Some("3"))],
        );
        assert_eq!(d.benchmarks["33.count"], bench("5", "0"));
        assert!(!part(&d, "33.count").derived);
        let w = d
            .diagnostics
            .iter()
            .find(|x| x.location.fact.as_deref() == Some("33.count"))
            .expect("warning");
        assert_eq!(w.code, Code::MissingBenchmark);
        assert_eq!(w.severity, Severity::Warning);
        assert!(w.message.contains("只有甲县有数值"), "{}", w.message);
    }

    #[test]
    fn all_equal_never_divides_by_zero() {
        let configured = BTreeMap::from([("33.count".to_string(), bench("5", "0"))]);
        let values = [
            county("甲县", "33.count", Some("2")),
            county("乙县", "33.count", Some("2")),
        ];
        let d = benchmarks_from_counties(&catalogue(), &configured, &values);
        assert_eq!(d.benchmarks["33.count"], bench("5", "0"));
        let w = d
            .diagnostics
            .iter()
            .find(|x| x.location.fact.as_deref() == Some("33.count"))
            .unwrap();
        assert!(
            w.message.contains("各县数值相同（均为2个）"),
            "{}",
            w.message
        );
        assert_eq!(part(&d, "33.count").best.as_ref().unwrap().shared_by, 2);

        // Nothing configured either: no benchmark, an error (scoring gives the part 0).
        let d = benchmarks_from_counties(&catalogue(), &BTreeMap::new(), &values);
        assert!(!d.benchmarks.contains_key("33.count"));
        let e = d
            .diagnostics
            .iter()
            .find(|x| x.location.fact.as_deref() == Some("33.count"))
            .unwrap();
        assert!(e.is_error());
    }

    #[test]
    fn ends_fixed_by_the_rule_stay_fixed() {
        let configured = BTreeMap::from([
            ("26.rate".to_string(), bench("100", "90")),
            ("28.per_capita".to_string(), bench("1", "0.2")),
        ]);
        let values = [
            (
                "甲县".to_string(),
                BTreeMap::from([
                    ("26.rate".to_string(), Some(dec("95"))),
                    ("28.per_capita".to_string(), Some(dec("0.4"))),
                ]),
            ),
            (
                "乙县".to_string(),
                BTreeMap::from([
                    ("26.rate".to_string(), Some(dec("99"))),
                    ("28.per_capita".to_string(), Some(dec("0.8"))),
                ]),
            ),
        ];
        let d = benchmarks_from_counties(&catalogue(), &configured, &values);
        let rate = &d.benchmarks["26.rate"];
        assert_eq!(
            (rate.satisfactory, rate.unacceptable),
            (dec("99"), dec("90"))
        );
        assert!(
            rate.source.contains("不允许值为评分方法规定的90%"),
            "{}",
            rate.source
        );
        let per = &d.benchmarks["28.per_capita"];
        assert_eq!((per.satisfactory, per.unacceptable), (dec("1"), dec("0.4")));
        assert!(
            !per.source.contains("满意值取") && per.source.contains("1:1"),
            "{}",
            per.source
        );
    }

    #[test]
    fn efficacy_values_of_the_example_counties_parts() {
        let c = catalogue();
        let mut facts = Facts::default();
        facts.scalars.insert(
            "prefab_industry_bases".to_string(),
            crate::facts::MergedFact {
                value: crate::facts::Value::Number(dec("3")),
                evidence: vec![],
                sources: vec![],
            },
        );
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../input/campaign.toml"),
        )
        .unwrap();
        let campaign = Campaign::parse(&text, "campaign.toml").unwrap();
        let v = efficacy_values(&c, &facts, &campaign);
        assert_eq!(v["33.count"], Some(dec("3")));
        assert_eq!(v["35.share"], None);
        let keys: Vec<&str> = c
            .indicators
            .iter()
            .flat_map(|i| i.rule.benchmark_keys())
            .collect();
        assert_eq!(v.len(), keys.len());
    }
}
