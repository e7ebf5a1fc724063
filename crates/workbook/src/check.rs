//! Validation of the ingested submissions against the catalogue, the roster and the
//! evidence folders.
//!
//! [`check`] returns the complete list for the run: the ingest diagnostics (unreadable
//! files, wrong types, …) followed by its own, sorted. It does not report what other stages
//! own: conflicting values between units and duplicate records (merge), dates outside their
//! window and missing benchmarks (scoring).

use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use zhiliang_core::Setup;
use zhiliang_core::catalogue::{Catalogue, FactDef, FieldKind, Indicator, MergePolicy};
use zhiliang_core::config::Campaign;
use zhiliang_core::diagnostics::{self, Code, Diagnostic, Location, Place, Severity};
use zhiliang_core::facts::{Record, ScalarFact, Source, Submission, Value};
use zhiliang_core::units::{Roster, Unit};

use crate::evidence::{self, EvidenceFolders};
use crate::ingest::{FormRow, IngestReport};
use crate::layout::{self, scalar_col};
use crate::plan::{FieldAttrs, names_unit};

/// Every problem of the run, sorted for people (by unit, file, sheet, severity, cell).
pub fn check(setup: &Setup, report: &IngestReport, evidence_root: &Path) -> Vec<Diagnostic> {
    let Setup {
        catalogue,
        roster,
        campaign,
        ..
    } = setup;
    let mut c = Checker {
        catalogue,
        roster,
        campaign,
        report,
        evidence: EvidenceFolders::scan(roster, evidence_root),
        index: Index::new(report),
        out: report.diagnostics.clone(),
    };
    c.submissions();
    for sub in &report.submissions {
        c.values(sub);
    }
    c.unread_values_evidence();
    c.missing_facts();
    c.evidence_files();
    // A 年度数据 year that a scoring fact also gives must carry the same figure.
    c.out.extend(zhiliang_core::series::fact_conflicts(
        catalogue,
        campaign.dates.evaluation_year,
        &report.accepted_submissions(),
    ));
    diagnostics::sort(&mut c.out);
    c.out
}

struct Checker<'a> {
    catalogue: &'a Catalogue,
    roster: &'a Roster,
    campaign: &'a Campaign,
    report: &'a IngestReport,
    evidence: EvidenceFolders,
    index: Index<'a>,
    out: Vec<Diagnostic>,
}

/// Lookups built once per run, so that checking stays linear in the number of rows.
struct Index<'a> {
    /// (file, sheet, 1-based row) → form row.
    by_cell: HashMap<(&'a str, &'a str, u32), &'a FormRow>,
    /// (file, fact key) → form row of a scalar.
    by_fact: HashMap<(&'a str, &'a str), &'a FormRow>,
    /// (file, fact) and (file, fact, row) that ingest already reported.
    rejected: HashSet<(&'a str, &'a str)>,
    /// The row is [`sheet_row`]'s: `None` for all values of an import file alike.
    rejected_rows: HashSet<(&'a str, &'a str, Option<u32>)>,
}

impl<'a> Index<'a> {
    fn new(report: &'a IngestReport) -> Self {
        let mut by_cell = HashMap::new();
        let mut by_fact = HashMap::new();
        for r in &report.rows {
            by_cell.insert((r.file.as_str(), r.sheet.as_str(), r.row), r);
            if let Some(f) = &r.fact {
                by_fact.entry((r.file.as_str(), f.as_str())).or_insert(r);
            }
        }
        let mut rejected = HashSet::new();
        let mut rejected_rows = HashSet::new();
        for d in &report.diagnostics {
            if let (Some(file), Some(fact)) =
                (d.location.file.as_deref(), d.location.fact.as_deref())
            {
                rejected.insert((file, fact));
                if let Some(place) = &d.location.cell {
                    rejected_rows.insert((file, fact, sheet_row(place)));
                }
            }
        }
        Index {
            by_cell,
            by_fact,
            rejected,
            rejected_rows,
        }
    }

    fn row_of(&self, source: &Source) -> Option<&'a FormRow> {
        let row = sheet_row(source.cell.as_ref()?)?;
        self.by_cell
            .get(&(source.file.as_str(), source.sheet.as_str(), row))
            .copied()
    }
}

/// The 1-based worksheet row of a place, as [`FormRow::row`] counts; `None` for a place
/// that is not a cell (the JSON path of a value in a facts import), which no form row has.
fn sheet_row(place: &Place) -> Option<u32> {
    place.as_cell().map(|c| c.row + 1)
}

/// Repeated problems collapsed: within one sheet, the first `shown` diagnostics of a code
/// (and severity) are kept as they are, the rest become one diagnostic of the same code
/// saying how many more rows have the same problem ("另有 N 行同类问题"), placed where the
/// first of them was. `diags` must be sorted ([`diagnostics::sort`]); the order is kept.
/// Linear in the number of diagnostics. Problems without a sheet are never collapsed.
pub fn summarise_repeats(diags: Vec<Diagnostic>, shown: usize) -> Vec<Diagnostic> {
    type Key = (Option<String>, Option<String>, String, Code, Severity);
    let key = |d: &Diagnostic| -> Option<Key> {
        Some((
            d.location.unit.clone(),
            d.location.file.clone(),
            d.location.sheet.clone()?,
            d.code,
            d.severity,
        ))
    };
    // The rows a group covers, as [`sheet_row`] gives them: places that are not cells (JSON
    // paths of an import) count as one.
    type Rows = BTreeSet<Option<u32>>;
    // Per group: how many seen, the index of its summary in `out`, the rows it covers.
    let mut groups: HashMap<Key, (usize, Option<usize>, Rows)> = HashMap::new();
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diags.len().min(4096));
    let mut summaries: Vec<(usize, Key)> = Vec::new();
    for d in diags {
        let Some(k) = key(&d) else {
            out.push(d);
            continue;
        };
        let g = groups.entry(k.clone()).or_default();
        g.0 += 1;
        if g.0 <= shown {
            out.push(d);
            continue;
        }
        if let Some(place) = &d.location.cell {
            g.2.insert(sheet_row(place));
        }
        if g.1.is_none() {
            g.1 = Some(out.len());
            summaries.push((out.len(), k.clone()));
            // A placeholder, written below once the count is known.
            out.push(d);
        }
    }
    for (at, k) in summaries {
        let (seen, _, rows) = &groups[&k];
        let more = seen - shown;
        let (unit, file, sheet, code, severity) = k;
        let rows = if rows.is_empty() { more } else { rows.len() };
        out[at] = Diagnostic::new(
            code,
            Location {
                unit,
                file,
                sheet: Some(sheet.clone()),
                ..Default::default()
            },
            format!(
                "工作表“{sheet}”另有{rows}行同类问题（{}，共{more}处）未逐条列出；请参照上列同类问题的说明，将该工作表中同样的问题一并修改。",
                code.title()
            ),
        )
        .with_severity(severity)
        .with_value(format!("另有{more}处"));
    }
    out
}

/// The indicators that read a fact or list key.
fn readers<'c>(catalogue: &'c Catalogue, key: &str) -> Vec<&'c Indicator> {
    catalogue
        .indicators
        .iter()
        .filter(|i| i.facts.iter().any(|k| k == key) || i.lists.iter().any(|k| k == key))
        .collect()
}

fn ids(inds: &[&Indicator]) -> String {
    inds.iter()
        .map(|i| i.id.to_string())
        .collect::<Vec<_>>()
        .join("、")
}

fn is_lead(roster: &Roster, ind: &Indicator, unit: &Unit) -> bool {
    ind.lead_units().any(|n| names_unit(roster, n, unit))
}

fn may_report(roster: &Roster, ind: &Indicator, unit: &Unit) -> bool {
    ind.open_to_all() || is_lead(roster, ind, unit)
}

/// Where a rate's problem is said: the value's cell, or the denominator's column in the
/// same row when only the denominator is at fault.
struct RateAt<'s> {
    source: &'s Source,
    fact: &'s str,
    loc: Location,
    den_column: &'s str,
}

fn num(n: Decimal) -> String {
    n.normalize().to_string()
}

impl<'a> Checker<'a> {
    fn at(&self, source: &Source) -> Location {
        Location::from_source(source)
    }

    /// The cell of a column (evidence, denominator, a field) in the row of `source`.
    fn sibling(&self, source: &Source, column: &str) -> Location {
        let mut loc = Location::from_source(source);
        if let Some(row) = self.index.row_of(source)
            && let Some(cell) = row.cells.get(column)
        {
            loc = loc.with_cell(*cell);
        }
        loc
    }

    /// Unit has not submitted; one unit, several files.
    fn submissions(&mut self) {
        let anyone = self
            .catalogue
            .indicators
            .iter()
            .any(zhiliang_core::catalogue::Indicator::open_to_all);
        for unit in &self.roster.units {
            let expected = anyone
                || self
                    .catalogue
                    .indicators
                    .iter()
                    .any(|i| is_lead(self.roster, i, unit));
            let files: Vec<&str> = self
                .report
                .submissions
                .iter()
                .filter(|s| s.unit == unit.name)
                .map(|s| s.file.as_str())
                .collect();
            if files.is_empty() && expected {
                self.out.push(Diagnostic::new(
                    Code::MissingSubmission,
                    Location::unit(&unit.name),
                    format!(
                        "{}尚未报送填报表；请于完成时限前将填写完整的填报表（{}.xlsx）连同证明材料报送专班办公室。",
                        unit.name, unit.id
                    ),
                ));
            }
            for copy in self.report.copies.iter().filter(|c| c.unit == unit.name) {
                self.out.push(Diagnostic::new(
                    Code::DuplicateCopy,
                    Location {
                        unit: Some(unit.name.clone()),
                        ..Location::file(&copy.file)
                    },
                    format!(
                        "“{}”与“{}”内容完全相同（同一份填报表报送了两次），只按“{}”计入一次，此文件不再重复计入；请删除重复的文件。",
                        copy.file, copy.kept, copy.kept
                    ),
                ));
            }
            if files.len() > 1 {
                let list = files
                    .iter()
                    .map(|f| format!("“{f}”"))
                    .collect::<Vec<_>>()
                    .join("、");
                for f in &files {
                    self.out.push(
                        Diagnostic::new(
                            Code::DuplicateSubmission,
                            Location { unit: Some(unit.name.clone()), ..Location::file(*f) },
                            format!(
                                "{}报送了{}份填报表（{list}），系统不会自行选用其中任何一份，这些文件的数据暂不计入；请确认以哪一份为准，撤回其余文件后重新报送。",
                                unit.name,
                                files.len()
                            ),
                        ),
                    );
                }
            }
        }
    }

    fn values(&mut self, sub: &Submission) {
        let Some(unit) = self
            .roster
            .by_name(&sub.unit)
            .or_else(|| self.roster.resolve(&sub.unit))
        else {
            return;
        };
        for f in &sub.scalars {
            self.scalar_value(unit, f);
        }
        for (j, r) in sub.records.iter().enumerate() {
            self.record_values(unit, j, r);
        }
    }

    /// One scalar fact: known, reported by a responsible unit, of its kind and range, with
    /// its evidence.
    fn scalar_value(&mut self, unit: &Unit, f: &ScalarFact) {
        let Some(def) = self.catalogue.fact(&f.key) else {
            self.out.push(
                Diagnostic::new(
                    Code::UnknownField,
                    self.at(&f.source).with_fact(&f.key),
                    format!(
                        "数据项代码“{}”在当前任务分解表中不存在，该数据已忽略；请核对代码。",
                        f.key
                    ),
                )
                .with_value(f.value.to_string()),
            );
            return;
        };
        let inds = readers(self.catalogue, &f.key);
        if !inds.is_empty() && !inds.iter().any(|i| may_report(self.roster, i, unit)) {
            self.out.push(
                    Diagnostic::new(
                        Code::NotResponsible,
                        self.at(&f.source).with_fact(&f.key),
                        format!(
                            "{}不是指标{}的责任单位，所报‘{}’将作为非责任单位数据提示专班办公室核实；如确由本单位提供，请与专班办公室联系。",
                            unit.name,
                            ids(&inds),
                            def.label
                        ),
                    )
                    .with_value(f.value.to_string()),
                );
        }
        self.value_checks(
            &f.source,
            &f.key,
            &FieldAttrs::of_fact(def),
            &f.value,
            scalar_col::DENOMINATOR,
        );
        if def.evidence && f.value.is_present() && f.evidence.is_none() {
            self.out.push(Diagnostic::new(
                    Code::MissingEvidence,
                    self.sibling(&f.source, scalar_col::EVIDENCE).with_fact(&f.key),
                    format!(
                        "‘{}’已填写，但没有填写证明材料；请在“证明材料”栏填写证明文件的文件名或文号，并随表报送该文件。",
                        def.label
                    ),
                ));
        }
        if let Some(e) = &f.evidence {
            let loc = self
                .sibling(&f.source, scalar_col::EVIDENCE)
                .with_fact(&f.key);
            self.evidence_refs(unit, &def.label, e, &loc);
        }
    }

    /// One record: known list, reported by a responsible unit, its fields of their kinds,
    /// the required ones filled, with its evidence.
    fn record_values(&mut self, unit: &Unit, j: usize, r: &Record) {
        let Some(def) = self.catalogue.list(&r.list) else {
            self.out.push(Diagnostic::new(
                Code::UnknownField,
                self.at(&r.source),
                format!(
                    "清单代码“{}”在当前任务分解表中不存在，该记录已忽略；请核对代码。",
                    r.list
                ),
            ));
            return;
        };
        let n = self
            .index
            .row_of(&r.source)
            .map_or(j as u32 + 1, |row| row.row - layout::FIRST_DATA_ROW);
        let name = format!("{}第{n}条", def.label);
        let inds = readers(self.catalogue, &r.list);
        if !inds.is_empty() && !inds.iter().any(|i| may_report(self.roster, i, unit)) {
            self.out.push(Diagnostic::new(
                    Code::NotResponsible,
                    self.at(&r.source).with_fact(&r.list),
                    format!(
                        "{}不是指标{}的责任单位，所报‘{name}’将作为非责任单位数据提示专班办公室核实；如确由本单位提供，请与专班办公室联系。",
                        unit.name,
                        ids(&inds)
                    ),
                ));
        }
        for field in &def.fields {
            let fact = format!("{}.{}", r.list, field.key);
            match r.fields.get(&field.key) {
                Some(v) => {
                    let mut src = r.source.clone();
                    if let Some(cell) = self
                        .index
                        .row_of(&r.source)
                        .and_then(|row| row.cells.get(&field.key))
                    {
                        src.cell = Some(Place::Cell(*cell));
                    }
                    let label = format!("{name}的{}", field.label);
                    let attrs = FieldAttrs {
                        label: &label,
                        ..FieldAttrs::of_field(field)
                    };
                    self.value_checks(&src, &fact, &attrs, v, "");
                }
                None if field.required
                    && !self.rejected(&r.source.file, &fact, Some(&r.source)) =>
                {
                    self.out.push(Diagnostic::new(
                        Code::MissingFact,
                        self.sibling(&r.source, &field.key).with_fact(&fact),
                        format!("‘{name}’的“{}”未填写，请补填后重新报送。", field.label),
                    ));
                }
                None => {}
            }
        }
        if def.evidence && r.evidence.is_none() {
            self.out.push(Diagnostic::new(
                    Code::MissingEvidence,
                    self.sibling(&r.source, layout::EVIDENCE_FIELD).with_fact(&r.list),
                    format!(
                        "‘{name}’没有填写证明材料；请在该行“证明材料”栏填写证明文件的文件名或文号，并随表报送该文件。"
                    ),
                ));
        }
        if let Some(e) = &r.evidence {
            let loc = self
                .sibling(&r.source, layout::EVIDENCE_FIELD)
                .with_fact(&r.list);
            self.evidence_refs(unit, &name, e, &loc);
        }
    }

    /// Whether ingest already reported the value of `fact` in `file` (a wrong type, an
    /// invalid date): then it is not also "missing".
    fn rejected(&self, file: &str, fact: &str, row_of: Option<&Source>) -> bool {
        match row_of {
            None => self.index.rejected.contains(&(file, fact)),
            Some(s) => {
                let row = s.cell.as_ref().and_then(sheet_row);
                self.index.rejected_rows.contains(&(file, fact, row))
            }
        }
    }

    /// Type (for imported values), choice, range, rate checks of one value of `field`
    /// (named in messages by its label).
    fn value_checks(
        &mut self,
        source: &Source,
        fact: &str,
        field: &FieldAttrs,
        value: &Value,
        den_column: &str,
    ) {
        let FieldAttrs {
            kind,
            options,
            label,
            ..
        } = *field;
        let loc = self.at(source).with_fact(fact);
        let seen = value.to_string();
        if !self.type_fits(kind, label, value, &loc) {
            return;
        }
        match value {
            Value::Text(t) if kind == FieldKind::Choice && !options.iter().any(|o| o == t) => {
                self.out.push(
                    Diagnostic::new(
                        Code::InvalidChoice,
                        loc,
                        format!(
                            "‘{label}’只能从下拉列表中选择（{}），所填“{t}”不在可选项内，请重新选择。",
                            options.join("、")
                        ),
                    )
                    .with_value(seen),
                );
            }
            Value::Number(n) => self.number_checks(field, *n, loc, seen),
            Value::Rate { num: a, den: b } => {
                let at = RateAt {
                    source,
                    fact,
                    loc,
                    den_column,
                };
                self.rate_checks(label, (*a, *b), at, seen);
            }
            _ => {}
        }
    }

    /// Whether `value` is of the field's kind (an imported value may not be); `wrong-type`
    /// at `loc` when not.
    fn type_fits(&mut self, kind: FieldKind, label: &str, value: &Value, loc: &Location) -> bool {
        let expected = match kind {
            FieldKind::Text | FieldKind::Doc | FieldKind::Choice => matches!(value, Value::Text(_)),
            FieldKind::Number | FieldKind::Count | FieldKind::Year => {
                matches!(value, Value::Number(_))
            }
            FieldKind::Rate => matches!(value, Value::Rate { .. }),
            FieldKind::Bool => matches!(value, Value::Bool(_)),
            FieldKind::Date => matches!(value, Value::Date(_)),
        };
        if !expected {
            let seen = value.to_string();
            let what = match kind {
                FieldKind::Text | FieldKind::Doc => "文字",
                FieldKind::Choice => "下拉选项",
                FieldKind::Number => "数值",
                FieldKind::Count => "整数",
                FieldKind::Year => "年份",
                FieldKind::Rate => "分子和分母",
                FieldKind::Bool => "“是”或“否”",
                FieldKind::Date => "日期",
            };
            self.out.push(
                Diagnostic::new(
                    Code::WrongType,
                    loc.clone(),
                    format!("‘{label}’应填写{what}，所填“{seen}”类型不符，请核实后重新填写。"),
                )
                .with_value(seen),
            );
        }
        expected
    }

    /// A number: not negative when a count (unless the catalogue sets a minimum), within
    /// the field's range.
    fn number_checks(&mut self, field: &FieldAttrs, n: Decimal, loc: Location, seen: String) {
        let FieldAttrs {
            kind,
            min,
            max,
            unit_of_measure,
            label,
            ..
        } = *field;
        let unit_txt = if unit_of_measure == "%" {
            "%".to_string()
        } else {
            unit_of_measure.to_string()
        };
        if kind == FieldKind::Count && n.is_sign_negative() && !n.is_zero() && min.is_none() {
            self.out.push(
                Diagnostic::new(
                    Code::OutOfRange,
                    loc,
                    format!(
                        "‘{label}’是数量，不能为负数（所填{}），请核实后重新填写。",
                        num(n)
                    ),
                )
                .with_value(seen),
            );
            return;
        }
        let low = min.is_some_and(|m| n < m);
        let high = max.is_some_and(|m| n > m);
        if low || high {
            let range = match (min, max) {
                (Some(a), Some(b)) => format!("应在{}至{}{unit_txt}之间", num(a), num(b)),
                (Some(a), None) => format!("不应小于{}{unit_txt}", num(a)),
                (None, Some(b)) => format!("不应大于{}{unit_txt}", num(b)),
                (None, None) => unreachable!("low or high implies a bound"),
            };
            self.out.push(
                Diagnostic::new(
                    Code::OutOfRange,
                    loc,
                    format!(
                        "‘{label}’填写的{}{unit_txt}超出合理范围（{range}），请核实后重新填写。",
                        num(n)
                    ),
                )
                .with_value(seen),
            );
        }
    }

    /// A rate: numerator and denominator not negative, denominator not zero, numerator not
    /// above the denominator.
    fn rate_checks(&mut self, label: &str, (a, b): (Decimal, Decimal), at: RateAt, seen: String) {
        let RateAt {
            source,
            fact,
            loc,
            den_column,
        } = at;
        let negative = |d: &Decimal| d.is_sign_negative() && !d.is_zero();
        if negative(&a) || negative(&b) {
            // At the cell holding the negative number (the denominator's when only
            // it is negative).
            let mut l = if negative(&a) || den_column.is_empty() {
                loc
            } else {
                self.sibling(source, den_column)
            };
            l.fact = Some(fact.to_string());
            self.out.push(
                Diagnostic::new(
                    Code::OutOfRange,
                    l,
                    format!("‘{label}’的分子、分母不能为负数（所填{seen}），请核实后重新填写。"),
                )
                .with_value(seen),
            );
        } else if b.is_zero() {
            let mut l = if den_column.is_empty() {
                loc
            } else {
                self.sibling(source, den_column)
            };
            l.fact = Some(fact.to_string());
            self.out.push(
                Diagnostic::new(
                    Code::ZeroDenominator,
                    l,
                    format!(
                        "‘{label}’的分母为0，无法计算比率；请填写实际的分母数量，如确无此项工作，请将分子、分母都留空并在备注中说明。"
                    ),
                )
                .with_value(seen),
            );
        } else if a > b {
            self.out.push(
                Diagnostic::new(
                    Code::RateAboveHundred,
                    loc,
                    format!(
                        "‘{label}’的分子（{}）大于分母（{}），请核实后重新填写。",
                        num(a),
                        num(b)
                    ),
                )
                .with_value(seen),
            );
        }
    }

    /// A fact a lead unit must report but left blank. A single-valued fact (gdp) needs one
    /// value: it is asked of the first lead unit the seed names, and only when nobody
    /// reported it. A per-unit part (summed facts) is asked of every lead unit, and of every
    /// member unit when the indicator belongs to all of them (26); 0 is an answer, a blank
    /// is an error even with a note.
    fn missing_facts(&mut self) {
        let subs = &self.report.submissions;
        for def in &self.catalogue.facts {
            let inds = readers(self.catalogue, &def.key);
            // Lead units in the order the seed names them (the first is the main one).
            let mut leads: Vec<&Unit> = Vec::new();
            for i in &inds {
                for n in i.lead_units() {
                    if let Some(u) = self.roster.resolve(n)
                        && !leads.iter().any(|l| l.id == u.id)
                    {
                        leads.push(u);
                    }
                }
            }
            let has = |s: &Submission| s.scalars.iter().any(|f| f.key == def.key);
            let targets: Vec<&Submission> = match def.merge {
                MergePolicy::Single => {
                    if subs.iter().any(has) {
                        continue;
                    }
                    // The first lead unit is the one asked; if it has not submitted at all,
                    // missing-submission already says so.
                    let Some(first) = leads.first() else { continue };
                    subs.iter().filter(|s| s.unit == first.name).collect()
                }
                // Each unit's own part: every lead unit answers, and every member unit when
                // the indicator is every member's (26). A blank is not a zero.
                MergePolicy::Sum => {
                    let everyone = inds.iter().any(|i| i.open_to_all());
                    subs.iter()
                        .filter(|s| {
                            let member = self.roster.by_name(&s.unit).is_some();
                            (leads.iter().any(|u| u.name == s.unit) || everyone && member)
                                && !has(s)
                        })
                        .collect()
                }
            };
            for s in targets {
                self.missing_fact(def, &inds, &leads, s);
            }
        }
    }

    /// `missing-fact` for `def` in submission `s` (a unit asked for it): where its row is,
    /// and what the unit can do (a count: fill in 0; else fill in, or say why in 备注).
    fn missing_fact(
        &mut self,
        def: &FactDef,
        inds: &[&Indicator],
        leads: &[&Unit],
        s: &Submission,
    ) {
        if self.rejected(&s.file, &def.key, None) {
            return;
        }
        let row = self
            .index
            .by_fact
            .get(&(s.file.as_str(), def.key.as_str()))
            .copied();
        let loc = match row {
            Some(row) => Location {
                unit: Some(s.unit.clone()),
                file: Some(s.file.clone()),
                sheet: Some(row.sheet.clone()),
                cell: row.cells.get(scalar_col::VALUE).copied().map(Place::Cell),
                ..Default::default()
            },
            None => Location {
                unit: Some(s.unit.clone()),
                ..Location::file(&s.file)
            },
        };
        let others: Vec<&str> = leads
            .iter()
            .map(|u| u.name.as_str())
            .filter(|n| *n != s.unit)
            .collect();
        let period = def
            .year_offset
            .map(|o| format!("{}年的", self.campaign.dates.evaluation_year + o))
            .unwrap_or_default();
        let also = if def.merge == MergePolicy::Single && !others.is_empty() {
            format!("（也可由{}填报）", others.join("、"))
        } else {
            String::new()
        };
        let loc = loc
            .with_indicator(inds.first().map_or(0, |i| i.id))
            .with_fact(&def.key);
        let note = row.and_then(|r| r.note.as_deref());
        // A per-unit count must be answered: 0 is an answer, a blank is not (26's
        // counts are summed over units; a note does not replace the number).
        if def.merge == MergePolicy::Sum {
            let noted = note
                .map(|n| format!("（本单位在备注中说明：“{n}”）"))
                .unwrap_or_default();
            self.out.push(Diagnostic::new(
                Code::MissingFact,
                loc,
                format!(
                    "指标{}需要各单位分别填报的‘{}’未填写{noted}；请填写本单位{period}的数量后重新报送，没有的请填0，不能留空。",
                    ids(inds),
                    def.label
                ),
            ));
            return;
        }
        // A blank explained in 备注 (本年度无此项工作) is shown, not an error.
        if let Some(note) = note {
            self.out.push(
                Diagnostic::new(
                    Code::MissingFact,
                    loc,
                    format!("‘{}’未填写，本单位在备注中说明：“{note}”。", def.label),
                )
                .with_severity(Severity::Info),
            );
            return;
        }
        self.out.push(Diagnostic::new(
            Code::MissingFact,
            loc,
            format!(
                "本单位牵头的指标{}需要的‘{}’未填写{also}；请补填{period}数据后重新报送，如确无此项，请在备注栏说明原因。",
                ids(inds),
                def.label
            ),
        ));
    }
    /// The 证明材料 of 数据填报 rows whose value was not taken (blank, or refused as a wrong
    /// type): the files they name are referenced all the same (not "unreferenced, delete
    /// it"), and a file named but absent is still reported.
    fn unread_values_evidence(&mut self) {
        let taken: HashSet<(&str, &str)> = self
            .report
            .submissions
            .iter()
            .flat_map(|s| s.scalars.iter().map(|f| (s.file.as_str(), f.key.as_str())))
            .collect();
        for row in &self.report.rows {
            let (Some(key), Some(text)) = (&row.fact, &row.evidence) else {
                continue;
            };
            if taken.contains(&(row.file.as_str(), key.as_str())) {
                continue;
            }
            let (Some(unit), Some(def)) =
                (self.roster.by_name(&row.unit), self.catalogue.fact(key))
            else {
                continue;
            };
            let mut loc = Location::file(&row.file).with_fact(key);
            loc.unit = Some(unit.name.clone());
            loc.sheet = Some(row.sheet.clone());
            loc.cell = row.cells.get(scalar_col::EVIDENCE).map(|c| Place::Cell(*c));
            evidence::check_refs(
                &mut self.evidence,
                unit,
                &def.label,
                text,
                &loc,
                &mut self.out,
            );
        }
    }

    /// Each named evidence item must be a 文号 or a file in the unit's evidence folder.
    fn evidence_refs(&mut self, unit: &Unit, label: &str, text: &str, loc: &Location) {
        evidence::check_refs(&mut self.evidence, unit, label, text, loc, &mut self.out);
    }

    /// Files in a submitting unit's evidence folder that no 证明材料 cell names, and files
    /// there that cannot be opened (the build record and the archive need their bytes).
    fn evidence_files(&mut self) {
        evidence::check_files(&self.evidence, self.roster, self.report, &mut self.out);
    }
}
