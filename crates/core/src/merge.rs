//! Merging the submissions of several units into one set of facts (scoring.md, "Merging").
//!
//! - Lists are concatenated; a record equal to an earlier one in its identity fields (every
//!   field scoring reads, dates and levels included) is dropped with a `duplicate-record`
//!   warning naming both sources. "Earlier" is a canonical order (roster, file, sheet, cell),
//!   so the result never depends on the order units or rows arrive in.
//! - `merge = "sum"` scalars (26's counts) are summed over units; rates add numerators and
//!   denominators.
//! - A single-valued scalar that arrives with two different values is a
//!   `conflicting-values` error naming both cells, and is left out of the facts so the
//!   indicator scores on missing data instead of on a silently chosen value.
//! - Narratives are collected per indicator, in roster order.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use crate::catalogue::{Catalogue, FieldKind, MergePolicy};
use crate::diagnostics::{Code, Diagnostic, Location, Place};
use crate::facts::{Facts, MergedFact, Record, ScalarFact, Source, Submission, Value};
use crate::units::Roster;

pub fn merge(
    catalogue: &Catalogue,
    roster: &Roster,
    submissions: &[Submission],
) -> (Facts, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut facts = Facts::default();

    // One canonical order, whatever order the units and rows came in: roster order first,
    // then any unit the roster does not know (kept, not dropped: `check` reports unknown
    // units); within a unit by file, sheet and cell (row-major), then by content. The
    // merged facts, the cell a duplicate is kept from and every warning therefore do not
    // depend on the order of units or rows (scoring.md, Merging).
    let rank = |s: &Submission| roster.rank(&s.unit);
    let mut ordered: Vec<&Submission> = submissions.iter().collect();
    ordered.sort_by(|a, b| (rank(a), &a.unit, &a.file).cmp(&(rank(b), &b.unit, &b.file)));

    let mut scalars: Vec<(usize, &Submission, &ScalarFact)> = Vec::new();
    let mut records: Vec<(usize, &Submission, &Record)> = Vec::new();
    for (i, sub) in ordered.iter().enumerate() {
        scalars.extend(sub.scalars.iter().map(|f| (i, *sub, f)));
        records.extend(sub.records.iter().map(|r| (i, *sub, r)));
    }
    scalars.sort_by(|(i, _, a), (j, _, b)| {
        (i, cell_key(&a.source), &a.key, &a.value, &a.evidence).cmp(&(
            j,
            cell_key(&b.source),
            &b.key,
            &b.value,
            &b.evidence,
        ))
    });
    records.sort_by(|(i, _, a), (j, _, b)| {
        (i, cell_key(&a.source), &a.list, &a.fields, &a.evidence).cmp(&(
            j,
            cell_key(&b.source),
            &b.list,
            &b.fields,
            &b.evidence,
        ))
    });

    let mut by_key: BTreeMap<&str, Vec<&ScalarFact>> = BTreeMap::new();
    for (_, _, fact) in &scalars {
        by_key.entry(fact.key.as_str()).or_default().push(fact);
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

    // (list, identity) → index of the kept record in its list.
    let mut kept: BTreeMap<(&str, Identity), usize> = BTreeMap::new();
    for (_, _, record) in &records {
        let list = facts.lists.entry(record.list.clone()).or_default();
        match kept.entry((record.list.as_str(), identity_of(catalogue, record))) {
            Entry::Occupied(at) => diagnostics.push(duplicate(catalogue, &list[*at.get()], record)),
            Entry::Vacant(slot) => {
                slot.insert(list.len());
                list.push((*record).clone());
            }
        }
    }
    for sub in &ordered {
        for (id, text) in &sub.narratives {
            if !text.trim().is_empty() {
                facts
                    .narratives
                    .entry(*id)
                    .or_default()
                    .push((sub.unit.clone(), text.clone()));
            }
        }
    }
    diagnostics.extend(crate::series::merge(&ordered, &mut facts));
    (facts, diagnostics)
}

/// Position of a value within its unit: file, sheet, then its place (cells row-major, then
/// JSON paths; see [`Place`]'s order); a value without a place last.
fn cell_key(s: &Source) -> (&str, &str, bool, Option<&Place>) {
    (&s.file, &s.sheet, s.cell.is_none(), s.cell.as_ref())
}

/// The values of every field that identifies a record: the list's identity fields, which
/// the catalogue guarantees include every field scoring reads (all fields when the list
/// declares none).
type Identity = Vec<Option<Value>>;

fn identity_of(catalogue: &Catalogue, record: &Record) -> Identity {
    let def = catalogue.list(&record.list);
    let fields: Vec<String> = match def {
        Some(l) if !l.identity.is_empty() => l.identity.clone(),
        _ => record.fields.keys().cloned().collect(),
    };
    fields
        .iter()
        .map(|f| {
            let kind = def
                .and_then(|l| l.fields.iter().find(|d| &d.key == f))
                .map(|d| d.kind);
            normalise(record.get(f).cloned(), kind)
        })
        .collect()
}

/// Texts compare without surrounding blanks; a yes/no field compares as scoring reads it
/// (是/否 typed as text, and a blank counts as 否).
fn normalise(v: Option<Value>, kind: Option<FieldKind>) -> Option<Value> {
    match (v, kind) {
        (None, Some(FieldKind::Bool)) => Some(Value::Bool(false)),
        (Some(Value::Text(t)), Some(FieldKind::Bool)) => match t.trim() {
            "是" | "有" => Some(Value::Bool(true)),
            "否" | "无" | "没有" => Some(Value::Bool(false)),
            other => Some(Value::Text(other.to_string())),
        },
        (Some(Value::Text(t)), _) => Some(Value::Text(t.trim().to_string())),
        (other, _) => other,
    }
}

fn duplicate(catalogue: &Catalogue, first: &Record, again: &Record) -> Diagnostic {
    let label = catalogue
        .list(&again.list)
        .map_or_else(|| again.list.clone(), |l| l.label.clone());
    let name: Vec<String> = catalogue
        .list(&again.list)
        .map(|l| l.identity.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| again.get(f))
        .filter(|v| !matches!(v, Value::Bool(_)))
        .map(ToString::to_string)
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
    let mut merged = MergedFact {
        value: Value::Number(Default::default()),
        evidence: vec![],
        sources: vec![],
    };
    for r in reports {
        value = Some(match (value, &r.value) {
            (None, v) => v.clone(),
            // Absurd values are `check`'s out-of-range errors; summing them must not panic.
            (Some(Value::Number(a)), Value::Number(b)) => Value::Number(a.saturating_add(*b)),
            (Some(Value::Rate { num, den }), Value::Rate { num: n, den: d }) => Value::Rate {
                num: num.saturating_add(*n),
                den: den.saturating_add(*d),
            },
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
    let text = |v: &Value| normalise(Some(v.clone()), None);
    if let Some(other) = reports
        .iter()
        .find(|r| text(&r.value) != text(&first.value))
    {
        let label = catalogue
            .fact(key)
            .map_or_else(|| key.to_string(), |f| f.label.clone());
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
    let mut merged = MergedFact {
        value: first.value.clone(),
        evidence: vec![],
        sources: vec![],
    };
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
