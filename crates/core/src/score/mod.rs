//! The rules engine: facts → 43 indicator scores with a one-sentence 得分依据 each.
//!
//! (Rule kinds and evaluation are being written under issue 2; the output types below are
//! the interface the rendering and reporting stages rely on.)

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::facts::Source;

/// Placeholder until the rule kinds land.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {}

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
