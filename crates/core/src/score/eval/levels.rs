//! `level`, `max_level` and `tiers`: the points of a status, of the best record level, or
//! of the tier a count reaches.

use rust_decimal::Decimal;

use super::{Ctx, Outcome};
use crate::catalogue::rule::{Counter, LevelPoints, Tier};
use crate::score::display;

impl Ctx<'_> {
    /// `level`: the points of the status fact's value.
    pub(super) fn level(&mut self, label: &str, fact: &str, levels: &[LevelPoints]) -> Outcome {
        let name = self.fact_label(fact);
        let label = if label.is_empty() {
            name
        } else {
            label.to_string()
        };
        let best = levels
            .iter()
            .map(|l| l.points)
            .fold(Decimal::ZERO, Decimal::max);
        let value = self.use_fact(fact).map(ToString::to_string);
        let points = value
            .as_deref()
            .and_then(|v| levels.iter().find(|l| l.value == v))
            .map_or(Decimal::ZERO, |l| l.points);
        let shown = value.unwrap_or_else(|| "未填报".to_string());
        let improve = if points < best {
            let top = levels
                .iter()
                .find(|l| l.points == best)
                .map(|l| l.value.clone());
            vec![format!(
                "{label}为“{shown}”，未达到“{}”",
                top.unwrap_or_default()
            )]
        } else {
            vec![]
        };
        Outcome {
            quiet: false,
            score: points,
            basis: format!("{label}为“{shown}”（{}分）", display(points)),
            improve,
        }
    }

    /// `max_level`: the points of the best level among the qualifying records.
    pub(super) fn max_level(
        &mut self,
        label: &str,
        records: &Counter,
        field: &str,
        levels: &[LevelPoints],
    ) -> Outcome {
        let qualifying = self.records(records);
        let best = levels
            .iter()
            .map(|l| l.points)
            .fold(Decimal::ZERO, Decimal::max);
        let mut got: Option<(&str, Decimal)> = None;
        for r in &qualifying {
            let Some(v) = r.get(field).map(ToString::to_string) else {
                continue;
            };
            if let Some(l) = levels.iter().find(|l| l.value == v)
                && got.is_none_or(|(_, p)| l.points > p)
            {
                got = Some((l.value.as_str(), l.points));
            }
        }
        for r in &qualifying {
            self.use_record(r);
        }
        let scope = self.scope(records);
        let label = if label.is_empty() {
            scope
        } else {
            label.to_string()
        };
        let quiet = got.is_none();
        let (basis, score) = match got {
            Some((v, p)) => (format!("{label}最高为{v}（{}分）", display(p)), p),
            None => (format!("{label}无符合条件的记录（0分）"), Decimal::ZERO),
        };
        let improve = if score < best {
            let top = levels
                .iter()
                .find(|l| l.points == best)
                .map(|l| l.value.clone())
                .unwrap_or_default();
            vec![match got {
                Some((v, _)) => format!("{label}最高为{v}，未达到{top}"),
                None => format!("尚无{label}"),
            }]
        } else {
            vec![]
        };
        Outcome {
            quiet,
            score,
            basis,
            improve,
        }
    }

    /// `tiers`: the highest tier the count of qualifying records reaches.
    pub(super) fn tiers(&mut self, label: &str, records: &Counter, tiers: &[Tier]) -> Outcome {
        let n = self.count(records);
        let best = tiers
            .iter()
            .map(|t| t.points)
            .fold(Decimal::ZERO, Decimal::max);
        let score = tiers
            .iter()
            .filter(|t| n >= t.min)
            .map(|t| t.points)
            .fold(Decimal::ZERO, Decimal::max);
        let label = if label.is_empty() {
            self.scope(records)
        } else {
            label.to_string()
        };
        let what = if records.distinct.is_some() {
            "种"
        } else {
            "项"
        };
        let improve = if score < best {
            let need = tiers
                .iter()
                .filter(|t| t.points == best)
                .map(|t| t.min)
                .min();
            let need = need.unwrap_or_default();
            vec![if n == 0 {
                format!("尚无{label}")
            } else {
                format!("{label}{n}{what}，未达到{need}{what}")
            }]
        } else {
            vec![]
        };
        Outcome {
            quiet: n == 0,
            score,
            basis: format!("{label}{n}{what}（{}分）", display(score)),
            improve,
        }
    }
}
