//! Evaluation of one rule tree against the merged facts.
//!
//! [`Ctx`] holds what one indicator's evaluation reads (catalogue, facts, campaign) and
//! what it collects (evidence, sources, diagnostics); [`Ctx::eval`] dispatches on the rule
//! kind to one module per family of rule kinds:
//!
//! - [`conditions`]: `all` and its conditions;
//! - [`levels`]: `level`, `max_level`, `tiers`;
//! - [`counters`]: `per_record` and `deduct`;
//! - [`efficacy`]: `efficacy` (功效系数法), and [`expr`], the value expressions it scores;
//! - [`combine`]: `sum` and `max`;
//!
//! and the helpers they share: [`read`] (reading facts and remembering their evidence),
//! [`records`] (record selection: windows, exemptions, dedupe, filters) and [`diagnose`]
//! (the diagnostics evaluation adds, and the reported-total check).

mod combine;
mod conditions;
mod counters;
mod diagnose;
mod efficacy;
mod expr;
mod levels;
mod read;
mod records;

use rust_decimal::Decimal;

use super::display;
use crate::catalogue::Catalogue;
use crate::catalogue::rule::Rule;
use crate::config::Campaign;
use crate::diagnostics::Diagnostic;
use crate::facts::{Facts, Source};

pub(crate) use efficacy::efficacy_value;
pub use efficacy::with_fixed_end;

/// What one rule (or part) produced.
pub(crate) struct Outcome {
    pub score: Decimal,
    /// Phrase for the 得分依据 sentence (no final 。).
    pub basis: String,
    /// Phrases saying what would earn the lost points.
    pub improve: Vec<String>,
    /// A list-based part that found no record: left out of a `sum`'s sentence when
    /// other parts have something to say.
    pub quiet: bool,
}

/// Everything one indicator's evaluation reads and collects.
pub(crate) struct Ctx<'a> {
    pub catalogue: &'a Catalogue,
    pub facts: &'a Facts,
    pub campaign: &'a Campaign,
    pub indicator: u32,
    pub evidence: Vec<String>,
    pub sources: Vec<Source>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// One rule (or part) against the facts: dispatches on the rule kind.
    pub fn eval(&mut self, rule: &Rule) -> Outcome {
        match rule {
            Rule::All {
                label,
                points,
                conditions,
            } => self.all(label, *points, conditions),
            Rule::Level {
                label,
                fact,
                levels,
            } => self.level(label, fact, levels),
            Rule::MaxLevel {
                label,
                records,
                field,
                levels,
            } => self.max_level(label, records, field, levels),
            Rule::PerRecord {
                label,
                records,
                each,
                cap,
                unit,
                item,
            } => self.per_record(label, records, *each, *cap, unit, item.as_deref()),
            Rule::Tiers {
                label,
                records,
                tiers,
            } => self.tiers(label, records, tiers),
            Rule::Deduct {
                label,
                records,
                field,
                full,
                per_missing,
            } => self.deduct(label, records, field, *full, *per_missing),
            Rule::Efficacy {
                label,
                value,
                benchmark,
                points,
                unit,
                zero_below,
                fixed,
            } => self.efficacy(
                efficacy::Part {
                    label,
                    key: benchmark,
                    points: *points,
                    unit,
                    zero_below: *zero_below,
                },
                value,
                fixed.as_ref(),
            ),
            Rule::Sum { label, cap, parts } => self.sum(label, *cap, parts),
            Rule::Max { label, parts } => self.max(rule, label, parts),
        }
    }
}

/// A measured value as the documents print it: a percentage keeps at least one decimal
/// (documents.md: "one decimal for percentages unless the fact has more", so 48 → 48.0%,
/// 89.95 → 89.95%); other values as [`display`].
fn display_measured(value: Decimal, unit: &str) -> String {
    let shown = display(value);
    if unit == "%" && !shown.contains('.') {
        format!("{shown}.0")
    } else {
        shown
    }
}
