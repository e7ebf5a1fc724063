//! `sum` and `max`: combinations of parts.

use rust_decimal::Decimal;

use super::{Ctx, Outcome};
use crate::catalogue::rule::Rule;
use crate::score::display;

impl Ctx<'_> {
    /// `sum`: the parts added up, capped; one sentence joining the parts that have something to say.
    pub(super) fn sum(&mut self, label: &str, cap: Option<Decimal>, parts: &[Rule]) -> Outcome {
        let outcomes: Vec<Outcome> = parts.iter().map(|p| self.eval(p)).collect();
        let raw = outcomes
            .iter()
            .fold(Decimal::ZERO, |acc, o| acc.saturating_add(o.score));
        let score = cap.map_or(raw, |c| raw.min(c));
        let speaking: Vec<&Outcome> = outcomes.iter().filter(|o| !o.quiet).collect();
        let phrases: Vec<&str> = if speaking.is_empty() {
            outcomes.iter().map(|o| o.basis.as_str()).collect()
        } else {
            speaking.iter().map(|o| o.basis.as_str()).collect()
        };
        let mut basis = String::new();
        if !label.is_empty() {
            basis.push_str(label);
            basis.push('：');
        }
        basis.push_str(&phrases.join("；"));
        match cap {
            Some(c) if raw > c => basis.push_str(&format!(
                "；累计{}分，超过上限按{}分计",
                display(raw),
                display(c)
            )),
            _ if phrases.len() > 1 => basis.push_str(&format!("；合计{}分", display(score))),
            _ => {}
        }
        let improve = if cap.is_some_and(|c| score >= c) {
            vec![]
        } else {
            outcomes.into_iter().flat_map(|o| o.improve).collect()
        };
        Outcome {
            quiet: false,
            score,
            basis,
            improve,
        }
    }

    /// `max`: the best of the parts; the advice is the first (best) alternative's.
    pub(super) fn max(&mut self, rule: &Rule, label: &str, parts: &[Rule]) -> Outcome {
        let outcomes: Vec<Outcome> = parts.iter().map(|p| self.eval(p)).collect();
        let Some(best) = outcomes
            .into_iter()
            .reduce(|a, b| if b.score > a.score { b } else { a })
        else {
            return Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: label.to_string(),
                improve: vec![],
            };
        };
        let improve = if best.score < rule.max().unwrap_or(Decimal::ZERO) {
            let first = parts
                .first()
                .map(|p| self.peek_improve(p))
                .unwrap_or_default();
            if first.is_empty() {
                best.improve.clone()
            } else {
                first
            }
        } else {
            vec![]
        };
        let basis = if label.is_empty() {
            best.basis
        } else {
            format!("{label}：{}", best.basis)
        };
        Outcome {
            quiet: false,
            score: best.score,
            basis,
            improve,
        }
    }

    /// The improvement advice of the best alternative of a `max`, without collecting
    /// evidence or diagnostics twice.
    fn peek_improve(&mut self, rule: &Rule) -> Vec<String> {
        let (evidence, sources, diags) = (
            self.evidence.len(),
            self.sources.len(),
            self.diagnostics.len(),
        );
        let improve = self.eval(rule).improve;
        self.evidence.truncate(evidence);
        self.sources.truncate(sources);
        self.diagnostics.truncate(diags);
        improve
    }
}
