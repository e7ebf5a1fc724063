//! `all`: full points when every condition holds, and the conditions themselves.

use rust_decimal::Decimal;

use super::read::{percent, truthy};
use super::{Ctx, Outcome, display_measured};
use crate::catalogue::rule::Condition;
use crate::facts::Value;
use crate::score::display;

impl Ctx<'_> {
    /// `all`: `points` when every condition holds, else 0, naming what is missing.
    pub(super) fn all(
        &mut self,
        label: &str,
        points: Decimal,
        conditions: &[Condition],
    ) -> Outcome {
        let mut failures = Vec::new();
        for c in conditions {
            if let Err(why) = self.condition(c) {
                failures.push(why);
            }
        }
        let label = if label.is_empty() {
            "本项".to_string()
        } else {
            label.to_string()
        };
        if failures.is_empty() {
            Outcome {
                quiet: false,
                score: points,
                basis: format!("{label}（{}分）", display(points)),
                improve: vec![],
            }
        } else {
            let why = failures.join("、");
            Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{why}（0分）"),
                // What is lacking, in the words of the 得分依据 (尚无…, …为96.0%，未达100%).
                improve: vec![why],
            }
        }
    }

    fn condition(&mut self, c: &Condition) -> Result<(), String> {
        match c {
            Condition::Present { fact } => match self.use_fact(fact) {
                Some(v) if truthy(v) == Some(false) => {
                    Err(format!("{}为“否”", self.fact_label(fact)))
                }
                Some(v) if v.is_present() => Ok(()),
                None if self.facts.conflicts.contains_key(fact) => Err(self.absent(fact)),
                _ => Err(format!("尚无{}", self.fact_label(fact))),
            },
            Condition::RateFull { fact } => {
                let label = self.fact_label(fact);
                match self.use_fact(fact) {
                    Some(Value::Rate { num, den }) if !den.is_zero() && num == den => Ok(()),
                    Some(Value::Rate { num, den }) if !den.is_zero() => Err(format!(
                        "{label}为{}%（{}/{}），未达100%",
                        display_measured(percent(*num, *den).unwrap_or_default(), "%"),
                        display(*num),
                        display(*den)
                    )),
                    Some(Value::Number(n)) if *n == Decimal::ONE_HUNDRED => Ok(()),
                    Some(Value::Number(n)) => Err(format!("{label}为{}%，未达100%", display(*n))),
                    Some(Value::Rate { .. }) => Err(format!("{label}的分母为0")),
                    None => Err(self.absent(fact)),
                    _ => Err(format!("{label}不是比率")),
                }
            }
            Condition::AtLeast { fact, value } => {
                let label = self.fact_label(fact);
                match self.number(fact) {
                    Ok(n) if n >= *value => Ok(()),
                    Ok(n) => {
                        let unit = self
                            .catalogue
                            .fact(fact)
                            .map(|f| f.unit.as_str())
                            .unwrap_or_default();
                        Err(format!(
                            "{label}为{}{unit}，未达{}{unit}",
                            display(n),
                            display(*value)
                        ))
                    }
                    Err(why) => Err(why),
                }
            }
            Condition::Equal { fact, other } => {
                let a = self.number(fact)?;
                let b = self.number(other)?;
                if a == b {
                    Ok(())
                } else {
                    Err(format!(
                        "{}{}与{}{}不一致",
                        self.fact_label(fact),
                        display(a),
                        self.fact_label(other),
                        display(b)
                    ))
                }
            }
            Condition::Count { records, min } => {
                let qualifying = self.records(records);
                let n = self.count(records);
                if n >= *min {
                    for r in &qualifying {
                        self.use_record(r);
                    }
                    Ok(())
                } else {
                    let what = if records.distinct.is_some() {
                        "种"
                    } else {
                        "项"
                    };
                    Err(if n == 0 {
                        format!("尚无{}", self.scope(records))
                    } else {
                        format!("{}仅{n}{what}，未达到{min}{what}", self.scope(records))
                    })
                }
            }
        }
    }
}
