//! The rules engine: facts → 43 indicator scores with a one-sentence 得分依据 each.
//!
//! The rule of every indicator is data (see [`crate::catalogue::rule`]); [`score`] evaluates the 43 rule
//! trees against the merged facts, exactly (rust_decimal), and explains each result.

pub mod benchmarks;
mod eval;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;
use crate::config::Campaign;
use crate::diagnostics::Diagnostic;
use crate::facts::{Facts, Source};

pub use benchmarks::{DerivedBenchmarks, DerivedPart, benchmarks_from_counties, efficacy_values};

/// The score of one indicator and how it came about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub id: u32,
    /// 分值 (maximum).
    pub points: Decimal,
    /// 自评得分, the official score: `exact` rounded half up (四舍五入) to 0.01 point. Every
    /// document, table, subtotal and total uses this figure, so printed tables add up.
    pub score: Decimal,
    /// The unrounded score (kept to [`SCORE_DP`] decimals when the division does not
    /// terminate); never printed as the score.
    pub exact: Decimal,
    /// points − score (official)
    pub lost: Decimal,
    /// 得分依据: one Chinese sentence saying how the facts produced the score.
    pub basis: String,
    /// What evidence or result would earn the lost points (empty at full marks); feeds
    /// 四、存在的不足及下一步打算.
    pub improve: String,
    /// Evidence (证明材料) named by the facts that were used, in order of appearance.
    pub evidence: Vec<String>,
    /// Cells the used facts came from.
    pub sources: Vec<Source>,
}

/// Score of a 二级指标 or 类别.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subtotal {
    pub name: String,
    pub points: Decimal,
    pub score: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSheet {
    /// In catalogue order (序号 1..=43).
    pub indicators: Vec<IndicatorScore>,
    /// In catalogue order; `name` is the subcategory name.
    pub subcategories: Vec<Subtotal>,
    pub categories: Vec<Subtotal>,
    /// Sum of the official indicator scores (the subtotals are sums of official scores too).
    pub total: Decimal,
    /// 100
    pub max: Decimal,
}

/// Display form of a number: rounded half up (四舍五入, never banker's rounding) to at most
/// two decimals, no trailing zeros (`1.5`, `0.25`, `3`, `2.565` → `2.57`).
pub fn display(value: Decimal) -> String {
    round_half_up(value).normalize().to_string()
}

/// Decimals kept of a non-terminating score (far beyond the 2 shown). 20 decimals keep
/// every exact score written with up to 20 decimals as it is (an input such as
/// 0.18749999999 gives 1.8449999999976, which is officially 1.84; kept to 10 decimals it
/// became 1.845 → 1.85), while still absorbing the last-digit error (about 1e-26) of
/// rust_decimal's 28-digit quotients.
pub const SCORE_DP: u32 = 20;

/// Decimals of the official score (0.01 point).
pub const OFFICIAL_DP: u32 = 2;

/// 四舍五入 to [`OFFICIAL_DP`] decimals: a midpoint goes away from zero (2.565 → 2.57,
/// 2.575 → 2.58), unlike rust_decimal's default banker's rounding (2.565 → 2.56).
pub fn round_half_up(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(OFFICIAL_DP, RoundingStrategy::MidpointAwayFromZero)
}

/// The official score of an exact score (scoring.md: "Each indicator's official score is
/// that value rounded half up to 0.01 point").
pub fn official(exact: Decimal) -> Decimal {
    round_half_up(exact).normalize()
}

/// Score every indicator of the catalogue. Diagnostics: `outside-window` warnings for
/// records dated outside their window, `missing-benchmark` errors (the part scores 0),
/// `invalid-choice` errors for award grades the seed does not list.
pub fn score(
    catalogue: &Catalogue,
    facts: &Facts,
    campaign: &Campaign,
) -> (ScoreSheet, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut indicators = Vec::new();
    for indicator in &catalogue.indicators {
        let (result, diags) = score_indicator(catalogue, indicator.id, facts, campaign);
        diagnostics.extend(diags);
        if let Some(result) = result {
            indicators.push(result);
        }
    }
    let sheet = assemble(catalogue, indicators);
    (sheet, diagnostics)
}

/// Score one indicator (`None` when the id is not in the catalogue).
pub fn score_indicator(
    catalogue: &Catalogue,
    id: u32,
    facts: &Facts,
    campaign: &Campaign,
) -> (Option<IndicatorScore>, Vec<Diagnostic>) {
    let Some(indicator) = catalogue.indicator(id) else {
        return (None, vec![]);
    };
    let mut ctx = eval::Ctx {
        catalogue,
        facts,
        campaign,
        indicator: id,
        evidence: vec![],
        sources: vec![],
        diagnostics: vec![],
    };
    let outcome = ctx.eval(&indicator.rule);
    if let Some(check) = &indicator.total_check {
        ctx.check_total(check);
    }
    // The catalogue guarantees rule max = points; clamping keeps a hand-built catalogue
    // from producing a score above the indicator's points.
    // Scores are exact whenever the division terminates (halves, quarters, 功效系数 of
    // round values). A non-terminating quotient (1/3) is kept to SCORE_DP decimals so that
    // sums of scores are exact and do not depend on the order of addition. (Keeping 20
    // decimals also absorbs the last-digit error of a 28-digit quotient before the official
    // rounding: a true 2.555 computed as 2.55499…9 is still 2.56; fewer decimals would
    // round up true values such as 1.8449999999976 that lie just below a midpoint.)
    let exact = outcome
        .score
        .round_dp(SCORE_DP)
        .clamp(Decimal::ZERO, indicator.points)
        .normalize();
    let score = official(exact);
    let lost = indicator.points - score;
    let basis = sentence(&outcome.basis, score);
    let improve = if lost.is_zero() || outcome.improve.is_empty() {
        String::new()
    } else {
        format!("{}。", outcome.improve.join("；"))
    };
    let result = IndicatorScore {
        id,
        points: indicator.points,
        score,
        exact,
        lost,
        basis,
        improve,
        evidence: ctx.evidence,
        sources: ctx.sources,
    };
    (Some(result), ctx.diagnostics)
}

/// Close the phrase into one sentence that states the indicator's score.
fn sentence(phrase: &str, score: Decimal) -> String {
    let total = format!("{}分", display(score));
    if phrase.ends_with(&format!("合计{total}"))
        || phrase.ends_with(&format!("按{total}计"))
        || phrase.ends_with(&format!("（{total}）"))
        || phrase.ends_with(&format!("得{total}"))
    {
        format!("{phrase}。")
    } else {
        format!("{phrase}，本项得{total}。")
    }
}

/// Subtotals per subcategory and category, in catalogue order: sums of the official
/// indicator scores, so that every printed table adds up.
pub fn assemble(catalogue: &Catalogue, indicators: Vec<IndicatorScore>) -> ScoreSheet {
    let mut subcategories = Vec::new();
    let mut categories = Vec::new();
    for category in &catalogue.categories {
        let mut category_score = Decimal::ZERO;
        for sub in &category.subcategories {
            let sub_score: Decimal = catalogue
                .indicators
                .iter()
                .filter(|i| i.category == category.name && i.subcategory == sub.name)
                .filter_map(|i| indicators.iter().find(|s| s.id == i.id))
                .map(|s| s.score)
                .sum();
            category_score += sub_score;
            subcategories.push(Subtotal {
                name: sub.name.clone(),
                points: sub.points,
                score: sub_score,
            });
        }
        categories.push(Subtotal {
            name: category.name.clone(),
            points: category.points,
            score: category_score,
        });
    }
    let total = indicators.iter().map(|s| s.score).sum();
    let max = catalogue.categories.iter().map(|c| c.points).sum();
    ScoreSheet {
        indicators,
        subcategories,
        categories,
        total,
        max,
    }
}

/// The 43-row table for people: 序号, 类别, 二级指标, 分值, 得分, 失分, with a subtotal
/// line after each subcategory and category, and the total.
pub fn table_for_people(sheet: &ScoreSheet, catalogue: &Catalogue) -> String {
    let mut out = String::new();
    out.push_str(&format!("{}\n", catalogue.title));
    out.push_str("序号  类别          二级指标        分值   得分   失分\n");
    let mut sub_index = 0;
    for (c_index, category) in catalogue.categories.iter().enumerate() {
        for sub in &category.subcategories {
            for ind in catalogue
                .indicators
                .iter()
                .filter(|i| i.category == category.name && i.subcategory == sub.name)
            {
                let Some(s) = sheet.indicators.iter().find(|s| s.id == ind.id) else {
                    continue;
                };
                out.push_str(&format!(
                    "{:>4}  {}  {}  {:>5}  {:>5}  {:>5}\n",
                    ind.id,
                    pad(&category.name, 12),
                    pad(&sub.name, 14),
                    display(s.points),
                    display(s.score),
                    display(s.lost)
                ));
            }
            if let Some(t) = sheet.subcategories.get(sub_index) {
                out.push_str(&format!(
                    "      {}小计{}  {:>5}  {:>5}\n",
                    pad(&format!("〔{}〕", t.name), 26),
                    "",
                    display(t.points),
                    display(t.score)
                ));
            }
            sub_index += 1;
        }
        if let Some(t) = sheet.categories.get(c_index) {
            out.push_str(&format!(
                "      {}合计  {:>5}  {:>5}\n",
                pad(&format!("【{}】", t.name), 26),
                display(t.points),
                display(t.score)
            ));
        }
    }
    out.push_str(&format!(
        "      {}  {:>5}  {:>5}\n",
        pad("总分", 30),
        display(sheet.max),
        display(sheet.total)
    ));
    out
}

/// Pad to a display width, counting CJK characters as two columns.
fn pad(text: &str, width: usize) -> String {
    let w: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}
