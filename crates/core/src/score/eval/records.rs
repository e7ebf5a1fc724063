//! Record selection: the records of a list that count for a rule — inside the window (or
//! exempt from it), de-duplicated, passing the filters — and how they are counted and named.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::Ctx;
use super::read::truthy;
use crate::catalogue::rule::{Counter, Dedupe, Filter, window_name};
use crate::config::Campaign;
use crate::facts::{Record, Value};

/// A record that counts, with how many other records of the same achievement were merged
/// into it by a `dedupe`.
pub(super) struct Kept<'r> {
    pub(super) record: &'r Record,
    pub(super) merged: usize,
}

impl<'a> Ctx<'a> {
    /// "近三年国家级表彰" — the window and the filter values, for phrases.
    pub(super) fn scope(&self, c: &Counter) -> String {
        let mut s = c.window.map(window_name).unwrap_or_default();
        let field_label = |key: &str| {
            self.catalogue
                .list(&c.list)
                .and_then(|l| l.fields.iter().find(|f| f.key == key))
                .map_or_else(|| key.to_string(), |f| f.label.clone())
        };
        for f in &c.filter {
            if let Some(offset) = f.year_offset {
                s.push_str(&format!(
                    "{}年度",
                    self.campaign.dates.evaluation_year.saturating_add(offset)
                ));
            }
            if f.present == Some(true) {
                s.push_str(&format!("有{}的", field_label(&f.field)));
            }
            if let Some(v) = &f.eq {
                s.push_str(v);
            }
        }
        s.push_str(&self.list_label(&c.list));
        s
    }

    pub(super) fn count(&mut self, c: &Counter) -> u32 {
        let qualifying = self.records(c);
        match &c.distinct {
            Some(field) => {
                let mut seen: Vec<String> = Vec::new();
                for r in &qualifying {
                    if let Some(v) = r.get(field).filter(|v| v.is_present()) {
                        let v = v.to_string();
                        if !seen.contains(&v) {
                            seen.push(v);
                        }
                    }
                }
                if !seen.is_empty() {
                    for r in &qualifying {
                        self.use_record(r);
                    }
                }
                seen.len() as u32
            }
            None => {
                for r in &qualifying {
                    self.use_record(r);
                }
                qualifying.len() as u32
            }
        }
    }

    /// The records that qualify: in the window (or exempt), de-duplicated, passing the
    /// filters. Records that pass the filters but fall outside the window get an
    /// `outside-window` warning.
    pub(super) fn records(&mut self, c: &Counter) -> Vec<&'a Record> {
        self.counted(c).into_iter().map(|k| k.record).collect()
    }

    /// [`Ctx::records`], each with the number of records merged into it by the counter's
    /// `dedupe`. Only records that count (in the window or exempt) are merged: a duplicate
    /// outside the window neither counts nor displaces one inside it.
    pub(super) fn counted(&mut self, c: &Counter) -> Vec<Kept<'a>> {
        let all = self.facts.list(&c.list);
        let date_field = self
            .catalogue
            .list(&c.list)
            .and_then(|l| l.date_field.clone());
        let mut in_window: Vec<&'a Record> = Vec::new();
        let mut outside: Vec<&'a Record> = Vec::new();
        for r in all {
            let ok = match (c.window, &date_field) {
                (Some(years), Some(field)) => {
                    let exempt = c.exempt.as_ref().is_some_and(|e| {
                        r.get(&e.field)
                            .map(ToString::to_string)
                            .is_some_and(|v| e.contains.iter().any(|w| v.contains(w.as_str())))
                    });
                    exempt
                        || r.get(field)
                            .and_then(Value::as_date)
                            .is_some_and(|d| self.campaign.dates.in_window(d, years))
                }
                _ => true,
            };
            if ok {
                in_window.push(r);
            } else {
                outside.push(r);
            }
        }
        let kept = match &c.dedupe {
            Some(d) => dedupe(&in_window, d, date_field.as_deref()),
            None => in_window
                .into_iter()
                .map(|record| Kept { record, merged: 0 })
                .collect(),
        };
        let campaign = self.campaign;
        let passes = |r: &Record| c.filter.iter().all(|f| filter_holds(f, r, campaign));
        for r in outside.into_iter().filter(|r| passes(r)) {
            self.warn_outside(c, r, date_field.as_deref());
        }
        kept.into_iter().filter(|k| passes(k.record)).collect()
    }
}

/// Records equal in `fields` are one achievement and count once, at the best rank of
/// `rank_field` (43: "同一荣誉既获得国家级又获得省级的，仅按高级别统计一次", and scoring.md: the
/// same 获得单位 + 荣誉事项 counts once however many records name it, also twice at one
/// level). Of each achievement one record is kept: the best rank, then the latest date
/// (`date_field`), then the first by field texts, 证明材料 and source, so that neither the
/// score nor the record kept depends on the order of the list. A record with any key
/// field blank is its own achievement. The kept records stay in list order.
fn dedupe<'r>(records: &[&'r Record], d: &Dedupe, date_field: Option<&str>) -> Vec<Kept<'r>> {
    let rank_of = |r: &Record| {
        r.get(&d.rank_field)
            .map(ToString::to_string)
            .and_then(|v| d.rank.iter().position(|x| *x == v))
            .unwrap_or(usize::MAX)
    };
    // `None` when a key field is blank: such a record is never merged.
    let key_of = |r: &Record| -> Option<Vec<String>> {
        d.fields
            .iter()
            .map(|f| r.get(f).filter(|v| v.is_present()).map(ToString::to_string))
            .collect()
    };
    // Smaller is better: best rank, latest date (a missing date is the oldest), then text.
    let preference = |r: &'r Record| {
        let date = date_field.and_then(|f| r.get(f)).and_then(Value::as_date);
        let texts: Vec<(&str, String)> = r
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_string()))
            .collect();
        (
            rank_of(r),
            std::cmp::Reverse(date),
            texts,
            r.evidence.as_deref(),
            &r.source,
        )
    };
    // Key → (index of the kept record, records in the group).
    let mut best: BTreeMap<Vec<String>, (usize, usize)> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let Some(key) = key_of(r) else { continue };
        best.entry(key)
            .and_modify(|(kept, n)| {
                *n += 1;
                if preference(r) < preference(records[*kept]) {
                    *kept = i;
                }
            })
            .or_insert((i, 1));
    }
    records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match key_of(r) {
            None => Some(Kept {
                record: r,
                merged: 0,
            }),
            Some(key) => {
                let (kept, n) = best[&key];
                (kept == i).then_some(Kept {
                    record: r,
                    merged: n - 1,
                })
            }
        })
        .collect()
}

/// Whether a record passes one filter.
pub(super) fn filter_holds(f: &Filter, r: &Record, campaign: &Campaign) -> bool {
    let v = r.get(&f.field);
    let text = v.map(ToString::to_string);
    if let Some(eq) = &f.eq
        && text.as_deref() != Some(eq.as_str())
    {
        return false;
    }
    if !f.one_of.is_empty() && !text.as_ref().is_some_and(|t| f.one_of.contains(t)) {
        return false;
    }
    if let Some(want) = f.is
        && v.and_then(truthy).unwrap_or(false) != want
    {
        return false;
    }
    if let Some(want) = f.present
        && v.is_some_and(Value::is_present) != want
    {
        return false;
    }
    if let Some(offset) = f.year_offset {
        let year = campaign.dates.evaluation_year.saturating_add(offset);
        let matches = match v {
            Some(Value::Number(n)) => *n == Decimal::from(year),
            Some(Value::Text(t)) => t.trim().trim_end_matches('年') == year.to_string(),
            Some(Value::Date(d)) => chrono::Datelike::year(d) == year,
            _ => false,
        };
        if !matches {
            return false;
        }
    }
    if let Some(gt) = f.gt
        && v.and_then(Value::as_number).is_none_or(|n| n <= gt)
    {
        return false;
    }
    true
}
