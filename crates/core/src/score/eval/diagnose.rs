//! Diagnostics an evaluation adds besides its score: a summed count nobody reported, a
//! record outside its window, a reported total that differs from its list.

use rust_decimal::Decimal;

use super::Ctx;
use crate::catalogue::rule::{Counter, TotalCheck, window_name};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::facts::{Record, Value};
use crate::score::display;

impl Ctx<'_> {
    /// A blank is not a zero (scoring.md, Merging): when no unit reported a summed count at
    /// all, the indicator scores 0 and the check says why (each unit that left it blank gets
    /// its own `missing-fact` from the workbook check).
    pub(super) fn nobody_reported(&mut self, key: &str) {
        let label = self.fact_label(key);
        let unit = self
            .catalogue
            .fact(key)
            .map(|f| f.unit.clone())
            .unwrap_or_default();
        let d = Diagnostic::new(
            Code::MissingFact,
            Location::indicator(self.indicator).with_fact(key.to_string()),
            format!(
                "指标{}：没有任何单位填报“{label}”，本项按0分计；该数据须由各单位分别填报（没有的填0{unit}，不能留空），请各单位补填后重新报送",
                self.indicator
            ),
        );
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    /// Warn when a reported total differs from the sum of its list (nothing to compare
    /// when either side is missing).
    pub fn check_total(&mut self, check: &TotalCheck) {
        let Some(Value::Number(total)) = self.facts.value(&check.fact) else {
            return;
        };
        let (evidence, sources) = (self.evidence.len(), self.sources.len());
        let records = self.records(&check.records);
        // The check reads facts but does not make them evidence of the score.
        self.evidence.truncate(evidence);
        self.sources.truncate(sources);
        if records.is_empty() {
            return;
        }
        // Absurd amounts are `check`'s out-of-range errors; here they only must not panic.
        let sum = records
            .iter()
            .filter_map(|r| r.get(&check.field).and_then(Value::as_number))
            .fold(Decimal::ZERO, rust_decimal::Decimal::saturating_add);
        if sum != *total {
            let unit = self
                .catalogue
                .fact(&check.fact)
                .map(|f| f.unit.clone())
                .unwrap_or_default();
            let field = self
                .catalogue
                .list(&check.records.list)
                .and_then(|l| l.fields.iter().find(|f| f.key == check.field))
                .map_or(check.field.as_str(), |f| f.label.as_str());
            let message = format!(
                "指标{}：{}为{}{unit}，与{}中各单位填报的{field}合计{}{unit}不一致，请核对",
                self.indicator,
                self.fact_label(&check.fact),
                display(*total),
                self.scope(&check.records),
                display(sum)
            );
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InconsistentTotals,
                    Location::indicator(self.indicator).with_fact(check.fact.clone()),
                    message,
                )
                .with_value(total.normalize().to_string()),
            );
        }
    }

    pub(super) fn warn_outside(&mut self, c: &Counter, r: &Record, date_field: Option<&str>) {
        let Some(years) = c.window else { return };
        let Some(date) = date_field.and_then(|f| r.get(f)).and_then(Value::as_date) else {
            return;
        };
        let name = self.record_name(&c.list, r);
        let message = format!(
            "{}“{name}”的日期{}不在{}统计期内，不计分",
            self.list_label(&c.list),
            crate::config::chinese_date(date),
            window_name(years)
        );
        let d = Diagnostic::new(
            Code::OutsideWindow,
            Location::from_source(&r.source)
                .with_indicator(self.indicator)
                .with_fact(c.list.clone()),
            message,
        )
        .with_value(date.to_string());
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    /// A record whose level or grade the 评分方法 does not list (`unlisted` says what it
    /// lists): it earns nothing and is an `invalid-choice` error.
    pub(super) fn unlisted_grade(&mut self, records: &Counter, r: &Record, unlisted: &str) {
        let name = self.record_name(&records.list, r);
        let d = Diagnostic::new(
            Code::InvalidChoice,
            Location::from_source(&r.source)
                .with_indicator(self.indicator)
                .with_fact(records.list.clone()),
            format!(
                "{}“{name}”的级别或等级不在任务分解表所列范围内（{unlisted}），不计分",
                self.list_label(&records.list)
            ),
        );
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    /// The record's identity fields joined, for messages.
    pub(super) fn record_name(&self, list: &str, r: &Record) -> String {
        let fields = self
            .catalogue
            .list(list)
            .map(|l| l.identity.clone())
            .unwrap_or_default();
        let parts: Vec<String> = fields
            .iter()
            .filter_map(|f| r.get(f))
            .filter(|v| !matches!(v, Value::Date(_) | Value::Bool(_)))
            .map(ToString::to_string)
            .collect();
        parts.join("·")
    }
}
