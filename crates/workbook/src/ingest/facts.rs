//! Facts import: the documented [`FactsFile`] format → [`Submission`]s, with the same
//! unit-name resolution and value normalisation as a workbook. `*.facts.json` files under
//! `input/` come through here, and so does `zhiliang score --facts` (JSON or TOML).
//!
//! The narrow interface: [`import_json`] (bytes) and [`import`] (a parsed document; a TOML
//! file is converted to the same JSON value by its caller). Both return a [`FileOutcome`]
//! like a workbook does; nothing here panics on bad input.
//!
//! A value may be written canonically (`{"type": "rate", "value": {"num": "95", "den":
//! "100"}}`) or as a person would type it into the form: a bare `"９５％"`, `95` or
//! `true`, or a tagged value whose value does not parse (`{"type": "number", "value":
//! "１，２３４"}`). Such a value, and any text where the catalogue expects a number, rate,
//! date, year, yes/no or choice, is read exactly as that workbook cell would be
//! ([`super::normalise`]): full-width digits, thousands separators, percent strings, 是/否,
//! Chinese dates, folded choices. A value that cannot be read is a diagnostic pointing at
//! its JSON path and is left out, as a rejected cell is.

use serde_json::Value as Json;
use zhiliang_core::catalogue::{Catalogue, FieldKind};
use zhiliang_core::diagnostics::{Code, Diagnostic, Location, Place};
use zhiliang_core::facts::{FactsFile, Source, Submission, Value};
use zhiliang_core::units::Roster;

use super::FileOutcome;
use super::normalise::{self, Problem};
use super::read::{self, Raw};

/// Reads a facts file held in memory (JSON); `rel` names it in sources and messages.
pub fn import_json(rel: &str, bytes: &[u8], catalogue: &Catalogue, roster: &Roster) -> FileOutcome {
    match serde_json::from_slice::<Json>(bytes) {
        Ok(doc) => import(rel, doc, catalogue, roster),
        Err(e) => FileOutcome::failed(malformed(rel, &e)),
    }
}

fn malformed(rel: &str, e: &serde_json::Error) -> Diagnostic {
    Diagnostic::new(
        Code::UnreadableFile,
        Location::file(rel),
        format!("导入文件“{rel}”格式有误（{e}），请按文档说明的格式修改后重新导入。"),
    )
}

/// Imports a parsed facts document. Each submission's unit is resolved through the roster
/// (aliases, full names, the district prefix); values keep their sources, and sources
/// without a sheet or cell get the JSON path instead (`submissions[0]` / `scalars[3]`).
pub fn import(rel: &str, mut doc: Json, catalogue: &Catalogue, roster: &Roster) -> FileOutcome {
    accept_as_typed(&mut doc, catalogue);
    let file: FactsFile = match serde_json::from_value(doc) {
        Ok(f) => f,
        Err(e) => return FileOutcome::failed(malformed(rel, &e)),
    };
    let mut out = FileOutcome::default();
    let mut units = Vec::new();
    for (i, mut sub) in file.submissions.into_iter().enumerate() {
        let Some(unit) = roster.resolve(&sub.unit) else {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::UnknownUnit,
                    Location {
                        file: Some(rel.to_string()),
                        sheet: Some(format!("submissions[{i}]")),
                        cell: Some(Place::json_path("unit")),
                        ..Default::default()
                    },
                    format!("导入文件“{rel}”第{}份报送的单位“{}”不是专班成员单位，已跳过；请改为规范的单位名称。", i + 1, sub.unit),
                )
                .with_value(sub.unit.clone()),
            );
            continue;
        };
        sub.unit = unit.name.clone();
        sub.file = rel.to_string();
        let fix = |s: &mut Source, sheet: String, path: String| {
            s.unit = unit.name.clone();
            s.file = rel.to_string();
            if s.sheet.is_empty() {
                s.sheet = sheet;
            }
            if s.cell.is_none() {
                s.cell = Some(Place::JsonPath(path));
            }
        };
        for (j, f) in sub.scalars.iter_mut().enumerate() {
            fix(
                &mut f.source,
                format!("submissions[{i}]"),
                format!("scalars[{j}]"),
            );
        }
        for (j, r) in sub.records.iter_mut().enumerate() {
            fix(
                &mut r.source,
                format!("submissions[{i}]"),
                format!("records[{j}]"),
            );
        }
        // Control characters removed from every text, as from workbook cells (before the
        // text is read as a number or date, as in a workbook).
        let stripped = strip_controls(&mut sub);
        if stripped > 0 {
            out.diagnostics.push(Diagnostic::new(
                Code::ControlCharacters,
                Location {
                    unit: Some(unit.name.clone()),
                    file: Some(rel.to_string()),
                    sheet: Some(format!("submissions[{i}]")),
                    ..Default::default()
                },
                format!(
                    "导入文件“{rel}”第{}份报送中有{stripped}处文字含有不可见的控制字符，已自动删除；请核对这些内容。",
                    i + 1
                ),
            ));
        }
        read_as_typed(&mut sub, catalogue, |source, fact, problem, seen| {
            // Where the value says it came from, as the checker locates imported values
            // (so that it knows this one was reported and does not call it missing too).
            let at = Location::from_source(source).with_fact(fact);
            out.diagnostics
                .push(Diagnostic::new(problem.code, at, problem.message).with_value(seen));
        });
        // Numbers normalised as workbook values are (1.50 and 1.5 are one value).
        for f in &mut sub.scalars {
            normalise_value(&mut f.value);
        }
        for r in &mut sub.records {
            r.fields.values_mut().for_each(normalise_value);
        }
        if !units.contains(&unit.name) {
            units.push(unit.name.clone());
        }
        out.submissions.push(sub);
    }
    out.unit = (units.len() == 1).then(|| units[0].clone());
    out
}

/// Rewrites every value not in the canonical tagged form into a text (or yes/no) value
/// holding what was written, so that the document deserialises and [`read_as_typed`] reads
/// it against the catalogue. Anything else (an array, an object without `value`) is left
/// for deserialisation to report.
fn accept_as_typed(doc: &mut Json, catalogue: &Catalogue) {
    let Some(subs) = doc.get_mut("submissions").and_then(Json::as_array_mut) else {
        return;
    };
    for sub in subs {
        if let Some(scalars) = sub.get_mut("scalars").and_then(Json::as_array_mut) {
            for f in scalars {
                let kind = f
                    .get("key")
                    .and_then(Json::as_str)
                    .and_then(|k| catalogue.fact(k))
                    .map(|d| d.kind);
                if let Some(v) = f.get_mut("value") {
                    as_typed(v, kind);
                }
            }
        }
        if let Some(records) = sub.get_mut("records").and_then(Json::as_array_mut) {
            for r in records {
                let list = r
                    .get("list")
                    .and_then(Json::as_str)
                    .and_then(|l| catalogue.list(l));
                if let Some(fields) = r.get_mut("fields").and_then(Json::as_object_mut) {
                    for (key, v) in fields.iter_mut() {
                        let kind = list
                            .and_then(|l| l.fields.iter().find(|f| f.key == *key))
                            .map(|f| f.kind);
                        as_typed(v, kind);
                    }
                }
            }
        }
    }
}

/// `kind` is what the catalogue declares for the value (None: an unknown fact or field).
fn as_typed(v: &mut Json, kind: Option<FieldKind>) {
    if serde_json::from_value::<Value>(v.clone()).is_ok() {
        return;
    }
    let written = match &*v {
        Json::Object(m) => m.get("value").cloned(),
        other => Some(other.clone()),
    };
    // A bare number where a date is expected is what a number cell without a date format
    // holds: an Excel serial (44740 → 2022-06-28) or 20220720, read as that cell would be.
    // One that is not a date stays text, so that the reading below reports it.
    if let (Some(Json::Number(n)), Some(FieldKind::Date)) = (&written, kind)
        && let Some(value) = n.as_f64()
        && let Ok(Some(d)) = normalise::date(
            &Raw::Number {
                value,
                percent: false,
            },
            "",
        )
    {
        *v = serde_json::json!({ "type": "date", "value": d.to_string() });
        return;
    }
    *v = match written {
        Some(Json::String(s)) => serde_json::json!({ "type": "text", "value": s }),
        Some(Json::Number(n)) => serde_json::json!({ "type": "text", "value": n.to_string() }),
        Some(Json::Bool(b)) => serde_json::json!({ "type": "bool", "value": b }),
        _ => return,
    };
}

/// Whether a text is this kind's own value (free text, a document) rather than a number,
/// date, yes/no or choice written as text.
fn holds_text(kind: FieldKind) -> bool {
    matches!(kind, FieldKind::Text | FieldKind::Doc)
}

/// A text read against the kind the catalogue declares, as the workbook cell would be.
fn read_text(
    text: &str,
    kind: FieldKind,
    label: &str,
    unit: &str,
    options: &[String],
) -> Result<Option<Value>, Problem> {
    let raw = Raw::Text(text.to_string());
    match kind {
        FieldKind::Rate => normalise::rate(Some(&raw), None, label)
            .map(|r| r.map(|(v, _)| v))
            .map_err(|(p, _)| p),
        kind => normalise::value(Some(&raw), kind, label, unit, options),
    }
}

/// Reads every text value of a non-text fact or field against its kind; a blank ("/",
/// "无") or unreadable value is left out, an unreadable one reported through `problem`
/// with its source (the sheet and cell the file gives, else its JSON path), fact key
/// (`list.field` for a record field) and the text seen. Facts and lists the catalogue does not
/// know are left for the checker (`unknown-field`).
fn read_as_typed(
    sub: &mut Submission,
    catalogue: &Catalogue,
    mut problem: impl FnMut(&Source, &str, Problem, String),
) {
    let scalars = std::mem::take(&mut sub.scalars);
    for mut f in scalars {
        if let (Value::Text(t), Some(def)) = (&f.value, catalogue.fact(&f.key))
            && !holds_text(def.kind)
        {
            match read_text(t, def.kind, &def.label, &def.unit, &def.options) {
                Ok(Some(v)) => f.value = v,
                Ok(None) => continue,
                Err(p) => {
                    problem(&f.source, &f.key, p, t.trim().to_string());
                    continue;
                }
            }
        }
        sub.scalars.push(f);
    }
    for (j, r) in sub.records.iter_mut().enumerate() {
        let Some(def) = catalogue.list(&r.list) else {
            continue;
        };
        let n = j + 1;
        for field in &def.fields {
            if holds_text(field.kind) {
                continue;
            }
            let Some(Value::Text(t)) = r.fields.get(&field.key) else {
                continue;
            };
            let label = format!("{}第{n}条的{}", def.label, field.label);
            match read_text(t, field.kind, &label, &field.unit, &field.options) {
                Ok(Some(v)) => {
                    r.fields.insert(field.key.clone(), v);
                }
                Ok(None) => {
                    r.fields.remove(&field.key);
                }
                Err(p) => {
                    let seen = t.trim().to_string();
                    let fact = format!("{}.{}", r.list, field.key);
                    problem(&r.source, &fact, p, seen);
                    r.fields.remove(&field.key);
                }
            }
        }
    }
}

/// Removes control characters from every text of a submission; returns how many texts
/// held some.
fn strip_controls(sub: &mut Submission) -> usize {
    let mut stripped = 0usize;
    let mut strip = |t: &mut String| {
        // Invisible formatting characters go silently, as from workbook cells.
        t.retain(|c| !read::is_invisible_format(c));
        if t.chars().any(read::is_stray_control) {
            t.retain(|c| !read::is_stray_control(c));
            stripped += 1;
        }
    };
    for f in &mut sub.scalars {
        if let Value::Text(t) = &mut f.value {
            strip(t);
        }
        if let Some(e) = &mut f.evidence {
            strip(e);
        }
        if let Some(n) = &mut f.note {
            strip(n);
        }
    }
    for r in &mut sub.records {
        for v in r.fields.values_mut() {
            if let Value::Text(t) = v {
                strip(t);
            }
        }
        if let Some(e) = &mut r.evidence {
            strip(e);
        }
    }
    for t in sub.narratives.values_mut() {
        strip(t);
    }
    stripped
}

fn normalise_value(v: &mut Value) {
    match v {
        Value::Number(n) => *n = n.normalize(),
        Value::Rate { num, den } => {
            *num = num.normalize();
            *den = den.normalize();
        }
        Value::Text(s) => *s = s.trim().to_string(),
        _ => {}
    }
}
