//! Reading facts: labels, values, why a value is missing, and the evidence and sources of
//! every fact and record an evaluation uses.

use rust_decimal::Decimal;

use super::Ctx;
use crate::catalogue::MergePolicy;
use crate::facts::{Record, Value};

impl<'a> Ctx<'a> {
    pub(super) fn fact_label(&self, key: &str) -> String {
        self.catalogue
            .fact(key)
            .map_or_else(|| key.to_string(), |f| f.label.clone())
    }

    pub(super) fn list_label(&self, key: &str) -> String {
        self.catalogue
            .list(key)
            .map_or_else(|| key.to_string(), |l| l.label.clone())
    }

    /// Read a fact and remember its evidence and sources.
    pub(super) fn use_fact(&mut self, key: &str) -> Option<&'a Value> {
        let fact = self.facts.scalars.get(key)?;
        for e in &fact.evidence {
            if !self.evidence.contains(e) {
                self.evidence.push(e.clone());
            }
        }
        for s in &fact.sources {
            if !self.sources.contains(s) {
                self.sources.push(s.clone());
            }
        }
        Some(&fact.value)
    }

    pub(super) fn use_record(&mut self, record: &Record) {
        if let Some(e) = &record.evidence
            && !e.trim().is_empty()
            && !self.evidence.contains(e)
        {
            self.evidence.push(e.clone());
        }
        if !self.sources.contains(&record.source) {
            self.sources.push(record.source.clone());
        }
    }

    /// Why a fact is absent: not reported, or left out because units disagree.
    pub(super) fn absent(&self, key: &str) -> String {
        let label = self.fact_label(key);
        match self.facts.conflicts.get(key) {
            Some(cells) => {
                let units: Vec<&str> = cells.iter().map(|s| s.unit.as_str()).collect();
                format!("{label}因{}填报不一致暂不采用", units.join("、"))
            }
            None if self.summed(key) => format!("没有单位填报{label}"),
            None => format!("未填报{label}"),
        }
    }

    /// A fact every unit reports its own part of (`merge = "sum"`, 26's counts).
    pub(super) fn summed(&self, key: &str) -> bool {
        self.catalogue
            .fact(key)
            .is_some_and(|f| f.merge == MergePolicy::Sum)
    }

    /// A number fact (a rate as %), or a phrase saying why there is none.
    pub(super) fn number(&mut self, key: &str) -> Result<Decimal, String> {
        let label = self.fact_label(key);
        match self.use_fact(key) {
            None if self.summed(key) && !self.facts.conflicts.contains_key(key) => {
                self.nobody_reported(key);
                Err(self.absent(key))
            }
            None => Err(self.absent(key)),
            Some(Value::Number(n)) => Ok(*n),
            Some(Value::Rate { num, den }) => {
                if den.is_zero() {
                    Err(format!("{label}的分母为0"))
                } else {
                    percent(*num, *den).ok_or_else(|| format!("{label}数值超出可计算范围"))
                }
            }
            Some(other) => Err(format!("{label}不是数值（{other}）")),
        }
    }
}

/// 是/否 as a boolean: `Bool`, or the text 是/否 (a workbook may keep the typed word);
/// `None` for anything else.
pub(super) fn truthy(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Text(t) => match t.trim() {
            "是" | "有" => Some(true),
            "否" | "无" | "没有" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// a / b × 100, or `None` when it does not fit a decimal (absurd inputs must not panic).
pub(super) fn percent(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_div(b)?.checked_mul(Decimal::ONE_HUNDRED)
}
