//! `per_record` (points per qualifying record, capped, optionally naming each record) and
//! `deduct` (full points minus a deduction per option no record covers).

use rust_decimal::Decimal;

use super::{Ctx, Outcome};
use crate::catalogue::rule::{Counter, ItemPart, item_parts};
use crate::facts::{Record, Value};
use crate::score::display;

impl Ctx<'_> {
    /// `per_record`: `each` points per qualifying record, up to `cap`.
    pub(super) fn per_record(
        &mut self,
        label: &str,
        records: &Counter,
        each: Decimal,
        cap: Option<Decimal>,
        unit: &str,
        item: Option<&str>,
    ) -> Outcome {
        let unit = if unit.is_empty() { "个" } else { unit };
        let counted = self.counted(records);
        let merged: usize = counted.iter().map(|k| k.merged).sum();
        let qualifying: Vec<&Record> = counted.iter().map(|k| k.record).collect();
        let n = Decimal::from(qualifying.len());
        for r in &qualifying {
            self.use_record(r);
        }
        let raw = n * each;
        let score = cap.map_or(raw, |c| raw.min(c));
        let label = if label.is_empty() {
            self.scope(records)
        } else {
            label.to_string()
        };
        let rate = match cap {
            Some(c) => format!("{}分/{unit}，上限{}分", display(each), display(c)),
            None => format!("{}分/{unit}", display(each)),
        };
        let mut basis = format!(
            "{label}{}{unit}（{rate}）{}分",
            qualifying.len(),
            display(score)
        );
        if let Some(template) = item.filter(|_| !qualifying.is_empty()) {
            basis.push('：');
            basis.push_str(&self.items(records, template, &qualifying).join("、"));
        }
        if let Some(d) = records.dedupe.as_ref().filter(|_| merged > 0) {
            basis.push('，');
            basis.push_str(&d.note_for(merged));
        }
        let improve = match cap {
            Some(c) if score < c => vec![format!(
                "{label}每增加1{unit}可加{}分（上限{}分）",
                display(each),
                display(c)
            )],
            Some(_) => vec![],
            // Uncapped here: the enclosing `sum` drops the advice once its cap is reached.
            None => vec![format!("{label}每增加1{unit}可加{}分", display(each))],
        };
        Outcome {
            quiet: qualifying.is_empty(),
            score,
            basis,
            improve,
        }
    }

    /// `deduct`: `full` minus `per_missing` for every option no qualifying record covers.
    pub(super) fn deduct(
        &mut self,
        label: &str,
        records: &Counter,
        field: &str,
        full: Decimal,
        per_missing: Decimal,
    ) -> Outcome {
        let qualifying = self.records(records);
        for r in &qualifying {
            self.use_record(r);
        }
        let options = self
            .catalogue
            .list(&records.list)
            .and_then(|l| l.fields.iter().find(|f| f.key == field))
            .map(|f| f.options.clone())
            .unwrap_or_default();
        let missing: Vec<&String> = options
            .iter()
            .filter(|o| !qualifying.iter().any(|r| r.text(field) == Some(o.as_str())))
            .collect();
        let deduction = per_missing * Decimal::from(missing.len());
        let score = (full - deduction).max(Decimal::ZERO);
        let label = if label.is_empty() {
            self.list_label(&records.list)
        } else {
            label.to_string()
        };
        if missing.is_empty() {
            Outcome {
                quiet: false,
                score,
                basis: format!("{label}{}个领域齐全（{}分）", options.len(), display(score)),
                improve: vec![],
            }
        } else {
            let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            Outcome {
                quiet: false,
                score,
                basis: format!(
                    "{label}缺少{}共{}项，每项扣{}分，得{}分",
                    names.join("、"),
                    missing.len(),
                    display(per_missing),
                    display(score)
                ),
                improve: vec![format!("{label}缺少{}", names.join("、"))],
            }
        }
    }

    /// The counted records named by a `per_record` rule's `item` template, earliest date first
    /// (then by the text), so that the sentence does not depend on the order of the rows.
    fn items(&self, c: &Counter, template: &str, records: &[&Record]) -> Vec<String> {
        let date_field = self
            .catalogue
            .list(&c.list)
            .and_then(|l| l.date_field.as_deref());
        let mut named: Vec<(Option<chrono::NaiveDate>, String)> = records
            .iter()
            .map(|r| {
                let date = date_field.and_then(|f| r.get(f)).and_then(Value::as_date);
                (date, fill_item(template, r))
            })
            .collect();
        named.sort();
        named.into_iter().map(|(_, text)| text).collect()
    }
}

/// An `item` template filled from one record: `{field}` becomes the field's text
/// (nothing when blank).
fn fill_item(template: &str, r: &Record) -> String {
    item_parts(template)
        .into_iter()
        .map(|p| match p {
            ItemPart::Text(t) => t.to_string(),
            ItemPart::Field(f) => r
                .get(f)
                .filter(|v| v.is_present())
                .map(ToString::to_string)
                .unwrap_or_default(),
        })
        .collect()
}
