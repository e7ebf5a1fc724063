//! The rules engine: facts → 43 indicator scores with a one-sentence 得分依据 each.
//!
//! The rule of every indicator is data (see [`rule`]); [`score`] evaluates the 43 rule
//! trees against the merged facts, exactly (rust_decimal), and explains each result.

pub mod benchmarks;
mod eval;
pub(crate) use eval::filter_fits;
pub mod rule;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;
use crate::config::Campaign;
use crate::diagnostics::Diagnostic;
use crate::facts::{Facts, Source};

pub use benchmarks::{DerivedBenchmarks, DerivedPart, benchmarks_from_counties, efficacy_values};
pub use rule::{
    Condition, Counter, Dedupe, Exemption, Expr, Factor, Filter, LevelPoints, PointsRow, Rule,
    Term, Tier, TotalCheck,
};

/// The score of one indicator and how it came about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub id: u32,
    /// 分值 (maximum).
    pub points: Decimal,
    /// 自评得分, exact (halves and quarters add up); round only for display.
    pub score: Decimal,
    /// points − score
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
    /// Sum of the unrounded indicator scores.
    pub total: Decimal,
    /// 100
    pub max: Decimal,
}

/// Display form of an exact score: at most two decimals, no trailing zeros (`1.5`, `0.25`, `3`).
pub fn display(score: Decimal) -> String {
    score.round_dp(2).normalize().to_string()
}

/// Decimals kept of a non-terminating score (far beyond the 2 shown).
pub const SCORE_DP: u32 = 10;

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
    // sums of scores are exact and do not depend on the order of addition.
    let score = outcome.score.round_dp(SCORE_DP).clamp(Decimal::ZERO, indicator.points);
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

/// Subtotals per subcategory and category, in catalogue order.
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
    ScoreSheet { indicators, subcategories, categories, total, max }
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
