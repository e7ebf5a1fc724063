//! Merging the submissions of several units into one set of facts (scoring.md, "Merging").
//!
//! - Lists are concatenated; a record equal to an earlier one in its identity fields is
//!   dropped with a `duplicate-record` warning naming both sources.
//! - `merge = "sum"` scalars (26's counts) are summed over units; rates add numerators and
//!   denominators.
//! - A single-valued scalar that arrives with two different values is a
//!   `conflicting-values` error naming both cells, and is left out of the facts so the
//!   indicator scores on missing data instead of on a silently chosen value.
//! - Narratives are collected per indicator, in roster order.

use std::collections::BTreeMap;

use crate::catalogue::{Catalogue, MergePolicy};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::facts::{Facts, MergedFact, Record, ScalarFact, Submission, Value};
use crate::units::Roster;

pub fn merge(
    catalogue: &Catalogue,
    roster: &Roster,
    submissions: &[Submission],
) -> (Facts, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut facts = Facts::default();

    // Roster order first, then any unit the roster does not know (kept, not dropped:
    // `check` reports unknown units).
    let mut ordered: Vec<&Submission> = submissions.iter().collect();
    let rank =
        |s: &Submission| roster.units.iter().position(|u| u.name == s.unit).unwrap_or(usize::MAX);
    ordered.sort_by_key(|s| rank(s));

    let mut by_key: BTreeMap<&str, Vec<&ScalarFact>> = BTreeMap::new();
    for sub in &ordered {
        for fact in &sub.scalars {
            by_key.entry(fact.key.as_str()).or_default().push(fact);
        }
    }
    for (key, reports) in by_key {
        let policy = catalogue.fact(key).map(|f| f.merge).unwrap_or_default();
        match policy {
            MergePolicy::Sum => {
                if let Some(merged) = sum(&reports) {
                    facts.scalars.insert(key.to_string(), merged);
                }
            }
            MergePolicy::Single => match single(catalogue, key, &reports) {
                Ok(merged) => {
                    facts.scalars.insert(key.to_string(), merged);
                }
                Err(d) => {
                    diagnostics.push(*d);
                    let cells = reports.iter().map(|r| r.source.clone()).collect();
                    facts.conflicts.insert(key.to_string(), cells);
                }
            },
        }
    }

    for sub in &ordered {
        for record in &sub.records {
            let list = facts.lists.entry(record.list.clone()).or_default();
            let identity = identity_of(catalogue, record);
            match list.iter().find(|r| identity_of(catalogue, r) == identity) {
                Some(first) => diagnostics.push(duplicate(catalogue, first, record)),
                None => list.push(record.clone()),
            }
        }
        for (id, text) in &sub.narratives {
            if !text.trim().is_empty() {
                facts.narratives.entry(*id).or_default().push((sub.unit.clone(), text.clone()));
            }
        }
    }
    diagnostics.extend(crate::series::merge(&ordered, &mut facts));
    (facts, diagnostics)
}

/// The values of a record's identity fields (all fields when the list declares none).
fn identity_of(catalogue: &Catalogue, record: &Record) -> (String, Vec<Option<Value>>) {
    let fields: Vec<String> = match catalogue.list(&record.list) {
        Some(l) if !l.identity.is_empty() => l.identity.clone(),
        _ => record.fields.keys().cloned().collect(),
    };
    let values = fields.iter().map(|f| record.get(f).cloned().map(normalise)).collect();
    (record.list.clone(), values)
}

/// Texts compare without surrounding blanks.
fn normalise(v: Value) -> Value {
    match v {
        Value::Text(t) => Value::Text(t.trim().to_string()),
        other => other,
    }
}

fn duplicate(catalogue: &Catalogue, first: &Record, again: &Record) -> Diagnostic {
    let label =
        catalogue.list(&again.list).map(|l| l.label.clone()).unwrap_or_else(|| again.list.clone());
    let name: Vec<String> = catalogue
        .list(&again.list)
        .map(|l| l.identity.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| again.get(f))
        .map(|v| v.to_string())
        .collect();
    Diagnostic::new(
        Code::DuplicateRecord,
        Location::from_source(&again.source).with_fact(again.list.clone()),
        format!(
            "{label}记录“{}”与{}报送的记录重复，已按一条计（另见{}）",
            name.join("·"),
            first.source.unit,
            first.source
        ),
    )
}

fn sum(reports: &[&ScalarFact]) -> Option<MergedFact> {
    let mut value: Option<Value> = None;
    let mut merged =
        MergedFact { value: Value::Number(Default::default()), evidence: vec![], sources: vec![] };
    for r in reports {
        value = Some(match (value, &r.value) {
            (None, v) => v.clone(),
            // Absurd values are `check`'s out-of-range errors; summing them must not panic.
            (Some(Value::Number(a)), Value::Number(b)) => Value::Number(a.saturating_add(*b)),
            (Some(Value::Rate { num, den }), Value::Rate { num: n, den: d }) => {
                Value::Rate { num: num.saturating_add(*n), den: den.saturating_add(*d) }
            }
            // A value of another type cannot be added; `check` reports the wrong type.
            (Some(v), _) => v,
        });
        add_provenance(&mut merged, r);
    }
    merged.value = value?;
    Some(merged)
}

fn single(
    catalogue: &Catalogue,
    key: &str,
    reports: &[&ScalarFact],
) -> Result<MergedFact, Box<Diagnostic>> {
    let Some(first) = reports.first() else {
        return Err(Box::new(Diagnostic::new(
            Code::MissingFact,
            Location::default().with_fact(key.to_string()),
            format!("{key}：没有报送值"),
        )));
    };
    if let Some(other) =
        reports.iter().find(|r| normalise(r.value.clone()) != normalise(first.value.clone()))
    {
        let label = catalogue.fact(key).map(|f| f.label.clone()).unwrap_or_else(|| key.to_string());
        return Err(Box::new(Diagnostic::new(
            Code::ConflictingValues,
            Location::from_source(&other.source).with_fact(key.to_string()),
            format!(
                "{label}：{}填报为{}（{}），{}填报为{}（{}），两者不一致；本项暂不采用任何一方的数据（按未填报计分），请协商后更正",
                first.source.unit,
                first.value,
                first.source,
                other.source.unit,
                other.value,
                other.source
            ),
        )
        .with_value(other.value.to_string())));
    }
    let mut merged = MergedFact { value: first.value.clone(), evidence: vec![], sources: vec![] };
    for r in reports {
        add_provenance(&mut merged, r);
    }
    Ok(merged)
}

fn add_provenance(merged: &mut MergedFact, r: &ScalarFact) {
    if let Some(e) = r.evidence.as_ref().filter(|e| !e.trim().is_empty())
        && !merged.evidence.contains(e)
    {
        merged.evidence.push(e.clone());
    }
    if !merged.sources.contains(&r.source) {
        merged.sources.push(r.source.clone());
    }
}
