//! `efficacy`: the 功效系数法 score of a value between its 不允许值 and 满意值 (the value is
//! one of the expressions of [`super::expr`]).

use rust_decimal::Decimal;

use super::expr::{Val, too_large};
use super::{Ctx, Outcome, display_measured};
use crate::catalogue::Catalogue;
use crate::catalogue::rule::{BenchmarkEnd, Expr, FixedEnd};
use crate::config::{Benchmark, Campaign};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::facts::Facts;
use crate::score::display;

const SIXTY: Decimal = Decimal::from_parts(60, 0, 0, false, 0);
const FORTY: Decimal = Decimal::from_parts(40, 0, 0, false, 0);

/// An efficacy part as its rule states it: what its phrases and diagnostics name.
#[derive(Clone, Copy)]
pub(super) struct Part<'r> {
    pub(super) label: &'r str,
    /// The benchmark key (`19.count`).
    pub(super) key: &'r str,
    pub(super) points: Decimal,
    pub(super) unit: &'r str,
    pub(super) zero_below: bool,
}

impl Ctx<'_> {
    /// `efficacy`: the 功效系数法 score of the value against its benchmark.
    pub(super) fn efficacy(
        &mut self,
        part: Part<'_>,
        value: &Expr,
        fixed: Option<&FixedEnd>,
    ) -> Outcome {
        let label = part.label;
        let value = self.expr(value);
        let bench = match self.benchmark(part, fixed) {
            Ok(bench) => bench,
            Err(outcome) => return outcome,
        };
        match value {
            Val::Missing(why) => Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{label}：{why}，不得分"),
                improve: vec![format!("补报{label}的统计数据")],
            },
            Val::ZeroBase { now_positive } => zero_base(part, now_positive),
            Val::Num(x) => self.coefficient(part, &bench, x),
        }
    }

    /// The benchmark the part is scored with: the configured one, with the end its 评分方法
    /// fixes put in place (a configured end that differs is a `benchmark-fixed-by-rule`
    /// warning). `Err` is the outcome (0 points) of a part that cannot be scored: nothing
    /// configured (`missing-benchmark`), or the fixed end turns the configured direction
    /// around (`config-invalid`).
    fn benchmark(&mut self, part: Part, fixed: Option<&FixedEnd>) -> Result<Benchmark, Outcome> {
        let Part {
            label, key, unit, ..
        } = part;
        let Some(configured) = self.campaign.benchmarks.get(key) else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::MissingBenchmark,
                    Location::indicator(self.indicator).with_fact(key.to_string()),
                    format!(
                        "指标{}：缺少功效系数法基准“{key}”（{label}）的满意值和不允许值，本项按0分计，请在创建配置 [benchmarks] 中补充",
                        self.indicator
                    ),
                ),
            );
            return Err(Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{label}缺少功效系数法满意值/不允许值，暂按0分计"),
                improve: vec![format!("在创建配置中补充“{key}”的满意值和不允许值")],
            });
        };
        // The end the 评分方法 fixes wins over the configuration (scoring.md, 功效系数法).
        let (bench, stated) = with_fixed_end(configured, fixed);
        if let (Some(stated), Some(f)) = (stated, fixed) {
            let name = f.end.name();
            let d = Diagnostic::new(
                Code::BenchmarkFixedByRule,
                Location::indicator(self.indicator).with_fact(key.to_string()),
                format!(
                    "指标{}：创建配置中功效系数法基准“{key}”（{label}）的{name}为{}{unit}，与{}不一致；{name}由评分方法规定，按{}{unit}计分，请更正创建配置 [benchmarks]",
                    self.indicator,
                    display(stated),
                    f.text,
                    display(f.value)
                ),
            )
            .with_value(stated.normalize().to_string());
            if !self.diagnostics.contains(&d) {
                self.diagnostics.push(d);
            }
            let configured_higher = configured.satisfactory > configured.unacceptable;
            let higher = bench.satisfactory > bench.unacceptable;
            if bench.satisfactory != bench.unacceptable && configured_higher != higher {
                self.diagnostics.push(Diagnostic::new(
                    Code::ConfigInvalid,
                    Location::indicator(self.indicator).with_fact(key.to_string()),
                    format!(
                        "指标{}：功效系数法基准“{key}”按评分方法规定的{name}{}{unit}计算后，满意值{}{unit}与不允许值{}{unit}的高低方向与创建配置相反，无法计算，本项按0分计；请更正创建配置 [benchmarks]",
                        self.indicator,
                        display(f.value),
                        display(bench.satisfactory),
                        display(bench.unacceptable)
                    ),
                ));
                return Err(Outcome {
                    quiet: false,
                    score: Decimal::ZERO,
                    basis: format!("{label}的满意值与不允许值方向相反，无法计算，暂按0分计"),
                    improve: vec![format!("更正“{key}”的满意值和不允许值")],
                });
            }
        }
        Ok(bench)
    }

    /// The formula: 60 + 40 × (x − 不允许值) / (满意值 − 不允许值) percent of the points, 100%
    /// at or beyond the 满意值, 60% (or 0 with `zero_below`) below the 不允许值.
    fn coefficient(&mut self, part: Part, bench: &Benchmark, x: Decimal) -> Outcome {
        let Part {
            label,
            key,
            points,
            unit,
            zero_below,
        } = part;
        let (xh, xs) = (bench.satisfactory, bench.unacceptable);
        let bench_text = format!("满意值{}{unit}、不允许值{}{unit}", display(xh), display(xs));
        if xh == xs {
            self.diagnostics.push(Diagnostic::new(
                Code::ConfigInvalid,
                Location::indicator(self.indicator).with_fact(key.to_string()),
                format!(
                    "指标{}：功效系数法基准“{key}”的满意值与不允许值相同，无法计算，本项按0分计",
                    self.indicator
                ),
            ));
            return Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{label}的满意值与不允许值相同，无法计算，暂按0分计"),
                improve: vec![format!("更正“{key}”的满意值和不允许值")],
            };
        }
        let Some(t) = x.checked_sub(xs).and_then(|dx| dx.checked_div(xh - xs)) else {
            return Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{label}：{}，不得分", too_large(label)),
                improve: vec![format!("核对{label}的统计数据")],
            };
        };
        let (d, note) = if t >= Decimal::ONE {
            (Decimal::ONE_HUNDRED, "达到满意值")
        } else if t < Decimal::ZERO {
            if zero_below {
                (Decimal::ZERO, "未达不允许值，不得分")
            } else {
                (SIXTY, "未达不允许值，按60%计")
            }
        } else {
            (SIXTY + FORTY * t, "")
        };
        let score = points * d / Decimal::ONE_HUNDRED;
        let note = if note.is_empty() {
            String::new()
        } else {
            format!("，{note}")
        };
        let basis = format!(
            "{label}{}{unit}（{bench_text}）{note}，功效系数得{}分",
            display_measured(x, unit),
            display(score)
        );
        let improve = if score < points {
            vec![format!(
                "{label}为{}{unit}，未达到满意值{}{unit}",
                display_measured(x, unit),
                display(xh)
            )]
        } else {
            vec![]
        };
        Outcome {
            quiet: false,
            score,
            basis,
            improve,
        }
    }
}

/// A growth rate over a zero base: full points when the value rose from 0, 60% when it
/// stayed 0.
fn zero_base(part: Part, now_positive: bool) -> Outcome {
    let Part { label, points, .. } = part;
    let (score, basis) = if now_positive {
        (
            points,
            format!(
                "{label}：上年基数为0、本年大于0，按满分计（{}分）",
                display(points)
            ),
        )
    } else {
        let s = points * SIXTY / Decimal::ONE_HUNDRED;
        (
            s,
            format!("{label}：两年均为0，按60%计（{}分）", display(s)),
        )
    };
    let improve = if score < points {
        vec![format!("提高{label}")]
    } else {
        vec![]
    };
    Outcome {
        quiet: false,
        score,
        basis,
        improve,
    }
}

/// The benchmark an efficacy part is scored with: the configured one, with the end its
/// 评分方法 fixes (catalogue `fixed`) put in place. The second value is the configured
/// value of that end when it differs from the rule's (the caller warns, naming both).
pub fn with_fixed_end(
    configured: &Benchmark,
    fixed: Option<&FixedEnd>,
) -> (Benchmark, Option<Decimal>) {
    let mut b = configured.clone();
    let Some(f) = fixed else { return (b, None) };
    let end = match f.end {
        BenchmarkEnd::Satisfactory => &mut b.satisfactory,
        BenchmarkEnd::Unacceptable => &mut b.unacceptable,
    };
    if *end == f.value {
        return (b, None);
    }
    let stated = *end;
    *end = f.value;
    (b, Some(stated))
}

/// The actual value x an efficacy part's `value` expression gives for these facts, as
/// the scoring evaluates it; `None` when a fact is missing or unusable, a denominator is 0,
/// or a growth rate has a zero base (scored by its special rule, not by a value).
/// Diagnostics are dropped: the scoring run reports them.
pub(crate) fn efficacy_value(
    catalogue: &Catalogue,
    facts: &Facts,
    campaign: &Campaign,
    indicator: u32,
    value: &Expr,
) -> Option<Decimal> {
    let mut ctx = Ctx {
        catalogue,
        facts,
        campaign,
        indicator,
        evidence: vec![],
        sources: vec![],
        diagnostics: vec![],
    };
    match ctx.expr(value) {
        Val::Num(x) => Some(x),
        Val::ZeroBase { .. } | Val::Missing(_) => None,
    }
}
