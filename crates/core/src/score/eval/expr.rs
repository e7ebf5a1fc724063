//! The value expressions an `efficacy` part scores: a fact, a ratio, a growth rate, a
//! weighted sum, the points of records.

use rust_decimal::Decimal;

use super::Ctx;
use super::read::{percent, truthy};
use super::records::filter_holds;
use crate::catalogue::rule::{Counter, Expr, Factor, PointsRow, Term};

/// The value of an expression.
pub(super) enum Val {
    Num(Decimal),
    /// Growth over a zero base: scored by the special rule, not the formula.
    ZeroBase {
        now_positive: bool,
    },
    /// Why there is no value (a phrase naming what is missing).
    Missing(String),
}

impl Ctx<'_> {
    pub(super) fn expr(&mut self, e: &Expr) -> Val {
        match e {
            Expr::Fact { key } => match self.number(key) {
                Ok(n) => Val::Num(n),
                Err(why) => Val::Missing(why),
            },
            Expr::Ratio {
                num,
                den,
                scale,
                zero_den,
            } => self.ratio(num, den, *scale, *zero_den),
            Expr::Growth { now, before } => self.growth(now, before),
            Expr::Linear { terms } => self.linear(terms),
            Expr::RecordPoints {
                records,
                table,
                factor,
                unlisted,
            } => self.record_points(records, table, factor.as_ref(), unlisted),
        }
    }

    /// `num` / `den` × `scale`; `zero_den` (when given) is the value of a zero denominator.
    fn ratio(&mut self, num: &str, den: &str, scale: Decimal, zero_den: Option<Decimal>) -> Val {
        let n = match self.number(num) {
            Ok(n) => n,
            Err(why) => {
                // Both counts of 26 unreported: say so for both.
                if self.summed(den)
                    && !self.facts.scalars.contains_key(den)
                    && !self.facts.conflicts.contains_key(den)
                {
                    self.nobody_reported(den);
                }
                return Val::Missing(why);
            }
        };
        let d = match self.number(den) {
            Ok(d) => d,
            Err(why) => return Val::Missing(why),
        };
        if d.is_zero() {
            match zero_den {
                Some(v) => Val::Num(v),
                None => Val::Missing(format!("{}为0", self.fact_label(den))),
            }
        } else {
            match n.checked_div(d).and_then(|q| q.checked_mul(scale)) {
                Some(v) => Val::Num(v),
                None => Val::Missing(too_large(&self.fact_label(num))),
            }
        }
    }

    /// The growth rate of `now` over `before` in %; a zero base is [`Val::ZeroBase`].
    fn growth(&mut self, now: &str, before: &str) -> Val {
        let n = match self.number(now) {
            Ok(n) => n,
            Err(why) => return Val::Missing(why),
        };
        let b = match self.number(before) {
            Ok(b) => b,
            Err(why) => return Val::Missing(why),
        };
        if b.is_zero() {
            Val::ZeroBase {
                now_positive: n > Decimal::ZERO,
            }
        } else {
            match n.checked_sub(b).and_then(|diff| percent(diff, b)) {
                Some(v) => Val::Num(v),
                None => Val::Missing(too_large(&self.fact_label(now))),
            }
        }
    }

    /// Σ weight × value; missing as soon as one term is.
    fn linear(&mut self, terms: &[Term]) -> Val {
        let mut total = Decimal::ZERO;
        for t in terms {
            match self.expr(&t.value) {
                Val::Num(v) => match t.weight.checked_mul(v).and_then(|p| total.checked_add(p)) {
                    Some(sum) => total = sum,
                    None => return Val::Missing(too_large("综合值")),
                },
                Val::ZeroBase { .. } => {
                    return Val::Missing("基期数值为0，无法计算变化幅度".to_string());
                }
                missing => return missing,
            }
        }
        Val::Num(total)
    }

    /// Σ of the points of the first `table` row each qualifying record matches, times
    /// `factor` unless the record's `unless` field is 是. A record no row matches earns
    /// nothing and is an `invalid-choice` error.
    fn record_points(
        &mut self,
        records: &Counter,
        table: &[PointsRow],
        factor: Option<&Factor>,
        unlisted: &str,
    ) -> Val {
        let qualifying = self.records(records);
        let mut total = Decimal::ZERO;
        for r in qualifying {
            let row = table
                .iter()
                .find(|row| row.filter.iter().all(|f| filter_holds(f, r, self.campaign)));
            let Some(row) = row else {
                self.unlisted_grade(records, r, unlisted);
                continue;
            };
            let mut p = row.points;
            if let Some(f) = factor
                && r.get(&f.unless).and_then(truthy) != Some(true)
            {
                p *= f.factor;
            }
            total += p;
            self.use_record(r);
        }
        Val::Num(total)
    }
}

pub(super) fn too_large(what: &str) -> String {
    format!("{what}数值超出可计算范围")
}
