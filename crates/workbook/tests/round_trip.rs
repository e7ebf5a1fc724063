//! forms → fill → ingest gives back exactly the facts written, for every fact of every
//! indicator; and the committed example campaign checks clean.

mod common;

use chrono::NaiveDate;
use common::{Cell, FormBuilder, Setup, of, repo};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;
use zhiliang_core::catalogue::FieldKind;
use zhiliang_core::diagnostics::{Code, Severity};
use zhiliang_core::facts::{Contact, Record, ScalarFact, Source, Submission, Value};
use zhiliang_workbook::plan::FormPlan;
use zhiliang_workbook::{fill_form, ingest, ingest_file, write_form};

/// The submission without its sources (they name cells of the file, not of the original).
fn strip(s: &Submission) -> Submission {
    let mut s = s.clone();
    s.file.clear();
    for f in &mut s.scalars {
        f.source = Source::default();
    }
    for r in &mut s.records {
        r.source = Source::default();
    }
    for r in &mut s.series {
        r.source = Source::default();
        r.cells.clear();
    }
    s
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A plausible value of a kind within the declared bounds.
fn sample(
    kind: FieldKind,
    options: &[String],
    min: Option<Decimal>,
    max: Option<Decimal>,
    i: usize,
    label: &str,
) -> Value {
    let clamp = |v: Decimal| {
        let v = min.map_or(v, |m| v.max(m));
        max.map_or(v, |m| v.min(m))
    };
    match kind {
        FieldKind::Text => Value::Text(format!("{label}示例{i}")),
        FieldKind::Doc => Value::Text(format!(
            "《关于{label}的通知》（章政发〔2022〕{}号）",
            11 + i
        )),
        FieldKind::Bool => Value::Bool(i.is_multiple_of(2)),
        FieldKind::Number => Value::Number(clamp(dec("12.75") + Decimal::from(i))),
        FieldKind::Count => Value::Number(clamp(Decimal::from(7 + i))),
        FieldKind::Rate => Value::Rate {
            num: Decimal::from(98 - i as i64),
            den: Decimal::from(100),
        },
        FieldKind::Date => Value::Date(NaiveDate::from_ymd_opt(2022, 6, 30 - i as u32).unwrap()),
        FieldKind::Year => Value::Number(clamp(Decimal::from(2021 - i as i64))),
        FieldKind::Choice => Value::Text(options[i % options.len()].clone()),
    }
}

/// A submission holding a value for every fact, two records of every list and a narrative
/// for every indicator of the unit's form.
fn full_submission(setup: &Setup, unit: &str) -> Submission {
    let plan: FormPlan = setup.plan(unit);
    let scalars = plan
        .scalars
        .iter()
        .map(|p| {
            let d = p.def;
            ScalarFact {
                key: d.key.clone(),
                value: sample(d.kind, &d.options, d.min, d.max, 0, &d.label),
                evidence: Some(format!("证明-{}.pdf", d.key)),
                note: Some(format!("备注：{}", d.label)),
                source: Source::default(),
            }
        })
        .collect();
    let mut records = Vec::new();
    for l in &plan.lists {
        for i in 0..2 {
            let fields: BTreeMap<String, Value> = l
                .def
                .fields
                .iter()
                .map(|f| {
                    (
                        f.key.clone(),
                        sample(f.kind, &f.options, f.min, f.max, i, &f.label),
                    )
                })
                .collect();
            records.push(Record {
                list: l.def.key.clone(),
                fields,
                evidence: Some(format!("{}-{i}.pdf", l.def.key)),
                source: Source::default(),
            });
        }
    }
    Submission {
        unit: unit.to_string(),
        file: String::new(),
        contact: Some(Contact {
            name: "王晓明".into(),
            phone: "0531-83210000".into(),
            submitted_on: NaiveDate::from_ymd_opt(2022, 7, 12),
        }),
        scalars,
        records,
        narratives: plan
            .indicators
            .iter()
            .map(|(i, _)| (i.id, format!("指标{}：本单位已完成相关工作。", i.id)))
            .collect(),
        // Every 年度数据 row of the unit: five years, causes and measures.
        series: setup
            .catalogue
            .series
            .iter()
            .filter(|d| d.responsible == unit)
            .map(|d| zhiliang_core::facts::SeriesFact {
                key: d.key.clone(),
                values: (2017..=2021)
                    .map(|y| (y, dec(&format!("{}.5", y - 2000))))
                    .collect(),
                causes: format!("{}变化的原因。", d.label),
                measures: format!("{}的措施。", d.label),
                ..Default::default()
            })
            .collect(),
    }
}

#[test]
fn every_fact_of_every_indicator_round_trips() {
    let setup = Setup::load();
    let mut facts_seen = BTreeSet::new();
    let mut lists_seen = BTreeSet::new();
    for unit in &setup.roster.units {
        let written = full_submission(&setup, &unit.name);
        let file = format!("{}.xlsx", unit.id);
        let out = fill_and_read(&setup, unit, &written, &file);
        assert!(
            out.diagnostics.is_empty(),
            "{}: {:#?}",
            unit.name,
            out.diagnostics
        );
        assert_eq!(out.submissions.len(), 1);
        let read = &out.submissions[0];
        assert_eq!(read.unit, unit.name);
        assert_eq!(read.file, file);
        assert_eq!(strip(read), strip(&written), "{}", unit.name);
        // Every value remembers its cell: the value column H of its row.
        for f in &read.scalars {
            assert_eq!(f.source.unit, unit.name);
            assert_eq!(f.source.sheet, "数据填报");
            assert_eq!(
                f.source.cell.as_ref().unwrap().to_string(),
                format!("H{}", setup.fact_row(&unit.name, &f.key)),
                "{}",
                f.key
            );
            facts_seen.insert(f.key.clone());
        }
        for r in &read.records {
            assert!(
                r.source.cell.as_ref().unwrap().to_string().starts_with('B'),
                "{:?}",
                r.source
            );
            lists_seen.insert(r.list.clone());
        }
    }
    // Every fact and list of every indicator went through some unit's form.
    for i in &setup.catalogue.indicators {
        for k in &i.facts {
            assert!(
                facts_seen.contains(k),
                "fact {k} of indicator {} in no form",
                i.id
            );
        }
        for k in &i.lists {
            assert!(
                lists_seen.contains(k),
                "list {k} of indicator {} in no form",
                i.id
            );
        }
    }
}

#[test]
fn example_facts_round_trip_through_the_forms() {
    let setup = Setup::load();
    for written in common::example_facts().submissions {
        let unit = setup.roster.resolve(&written.unit).unwrap();
        let out = fill_and_read(&setup, unit, &written, "x.xlsx");
        assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
        let mut expected = strip(&written);
        for f in &mut expected.scalars {
            if let Value::Number(n) = &mut f.value {
                *n = n.normalize();
            }
        }
        // The form lists facts in catalogue order, the import file in its own.
        expected.scalars.sort_by(|a, b| a.key.cmp(&b.key));
        let mut read = strip(&out.submissions[0]);
        read.scalars.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(read, expected, "{}", written.unit);
    }
}

#[test]
fn blank_forms_hold_exactly_the_units_indicators() {
    let setup = Setup::load();
    let unit = setup.unit("区住建局");
    let bytes = write_form(&setup, unit).unwrap();
    let out = ingest_file("zhujian.xlsx", &bytes, &setup.catalogue, &setup.roster);
    // A blank form is a valid (empty) submission of its unit, with no problems of its own.
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(out.unit.as_deref(), Some("区住建局"));
    assert!(out.submissions[0].scalars.is_empty());
    let keys: BTreeSet<&str> = out.rows.iter().filter_map(|r| r.fact.as_deref()).collect();
    let plan = setup.plan("区住建局");
    let want: BTreeSet<&str> = plan.scalars.iter().map(|p| p.def.key.as_str()).collect();
    assert_eq!(keys, want);
    // 32 is led by 区住建局; 1 is open to every member (配合).
    assert_eq!(plan.role_of(32), Some(zhiliang_workbook::Role::Lead));
    assert_eq!(plan.role_of(1), Some(zhiliang_workbook::Role::Support));
    // An indicator neither led by it nor open to all is not in its form.
    let absent = setup
        .catalogue
        .indicators
        .iter()
        .find(|i| !i.open_to_all() && !i.lead_units().any(|u| u == "区住建局"))
        .expect("some indicator not for 区住建局");
    assert_eq!(plan.role_of(absent.id), None);
}

#[test]
fn values_are_read_by_key_not_by_position() {
    let setup = Setup::load();
    // Rows in another order than the form's, and sheets renamed: still read by hidden keys.
    let mut b = FormBuilder::new("区住建局")
        .scalar("prefab_industry_bases", Cell::Number(3.0))
        .scalar("green_design_standard_rate", Cell::Number(64.0));
    b.scalars[1].2 = Some(Cell::Number(64.0));
    let out = ingest_file("x.xlsx", &b.build(), &setup.catalogue, &setup.roster);
    let s = &out.submissions[0];
    let get = |k: &str| s.scalars.iter().find(|f| f.key == k).unwrap();
    assert_eq!(get("prefab_industry_bases").value, Value::Number(3.into()));
    assert_eq!(
        get("prefab_industry_bases")
            .source
            .cell
            .as_ref()
            .unwrap()
            .to_string(),
        "H3"
    );
    assert_eq!(
        get("green_design_standard_rate").value,
        Value::Rate {
            num: 64.into(),
            den: 64.into()
        }
    );
    assert_eq!(
        get("green_design_standard_rate")
            .source
            .cell
            .as_ref()
            .unwrap()
            .to_string(),
        "H4"
    );
}

#[test]
fn the_example_campaign_checks_clean() {
    let setup = Setup::load();
    let input = repo("input");
    let t = Instant::now();
    let report = ingest(&input, &setup);
    let diags = zhiliang_workbook::check(&setup, &report, &input.join("evidence"));
    let elapsed = t.elapsed();
    eprintln!("ingest + check of the example campaign: {elapsed:?}");
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(of(&diags, Code::EvidenceUnreferenced).is_empty());
    assert_eq!(report.files.len(), 15);
    assert_eq!(report.accepted_submissions().len(), 15);
    // The committed workbooks hold exactly the example facts.
    for written in common::example_facts().submissions {
        let read = report
            .submissions
            .iter()
            .find(|s| s.unit == written.unit)
            .unwrap();
        assert_eq!(
            read.scalars.len(),
            written.scalars.len(),
            "{}",
            written.unit
        );
        assert_eq!(
            read.records.len(),
            written.records.len(),
            "{}",
            written.unit
        );
    }
}

#[test]
fn evidence_index_is_numbered_by_category_indicator_and_item() {
    let setup = Setup::load();
    let input = repo("input");
    let report = ingest(&input, &setup);
    let items =
        zhiliang_workbook::evidence_index(&setup, &report.submissions, &input.join("evidence"));
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|i| i.found),
        "{:#?}",
        items.iter().filter(|i| !i.found).collect::<Vec<_>>()
    );
    // Numbers are category-indicator-sequence, sequences start at 1 per indicator, and
    // indicators appear in catalogue order.
    let mut last: Option<(u32, u32)> = None;
    for it in &items {
        let parts: Vec<u32> = it.number.split('-').map(|p| p.parse().unwrap()).collect();
        assert_eq!(parts.len(), 3, "{}", it.number);
        assert_eq!(parts[1], it.indicator);
        let ind = setup.catalogue.indicator(it.indicator).unwrap();
        let cat = setup
            .catalogue
            .categories
            .iter()
            .position(|c| c.name == ind.category)
            .unwrap() as u32
            + 1;
        assert_eq!(parts[0], cat);
        match last {
            Some((i, n)) if i == it.indicator => assert_eq!(parts[2], n + 1),
            Some((i, _)) => {
                assert!(it.indicator > i);
                assert_eq!(parts[2], 1);
            }
            None => assert_eq!(parts[2], 1),
        }
        last = Some((it.indicator, parts[2]));
    }
}

#[test]
fn the_example_workbooks_score_exactly_like_the_example_facts() {
    let setup = Setup::load();
    let input = repo("input");
    let report = ingest(&input, &setup);
    let (from_workbooks, merge_diags) = zhiliang_core::merge::merge(
        &setup.catalogue,
        &setup.roster,
        &report.accepted_submissions(),
    );
    assert!(
        merge_diags.iter().all(|d| d.severity != Severity::Error),
        "{merge_diags:#?}"
    );
    let facts = common::example_facts();
    let (from_json, _) =
        zhiliang_core::merge::merge(&setup.catalogue, &setup.roster, &facts.submissions);
    let (a, _) = zhiliang_core::score::score(&setup.catalogue, &from_workbooks, &setup.campaign);
    let (b, _) = zhiliang_core::score::score(&setup.catalogue, &from_json, &setup.campaign);
    assert_eq!(a.total, b.total);
    for (x, y) in a.indicators.iter().zip(&b.indicators) {
        assert_eq!((x.id, x.score), (y.id, y.score));
    }
    // Realistic, not perfect.
    assert!(a.total < a.max);
}

/// Fills the unit's form with `written` and reads it back as file `name`.
fn fill_and_read(
    setup: &Setup,
    unit: &zhiliang_core::units::Unit,
    written: &zhiliang_core::facts::Submission,
    name: &str,
) -> zhiliang_workbook::ingest::FileOutcome {
    let bytes = fill_form(setup, unit, written).unwrap();
    ingest_file(name, &bytes, &setup.catalogue, &setup.roster)
}

/// Form rows carry typed cells (zero-based), which serialise as the A1 reference the
/// checker and JSON consumers have always seen.
#[test]
fn form_rows_carry_typed_cells_that_serialise_as_a1() {
    let setup = Setup::load();
    let unit = setup.unit("区统计局");
    let sub = common::example_submission("区统计局");
    let bytes = fill_form(&setup, unit, &sub).unwrap();
    let out = ingest_file("tongji.xlsx", &bytes, &setup.catalogue, &setup.roster);
    let row = out
        .rows
        .iter()
        .find(|r| r.fact.as_deref() == Some("gdp"))
        .expect("the gdp row");
    let excel_row = setup.fact_row("区统计局", "gdp");
    assert_eq!(row.row, excel_row);
    // 填报值 is column H: zero-based (excel_row - 1, 7).
    assert_eq!(
        row.cells["value"],
        zhiliang_core::diagnostics::Cell::new(excel_row - 1, 7)
    );
    assert_eq!(
        row.cells["evidence"],
        zhiliang_core::diagnostics::Cell::new(excel_row - 1, 9)
    );
    let json = serde_json::to_value(row).unwrap();
    assert_eq!(json["cells"]["value"], format!("H{excel_row}"));
    assert_eq!(json["cells"]["evidence"], format!("J{excel_row}"));
    // The value's source names the same cell.
    let gdp = out.submissions[0]
        .scalars
        .iter()
        .find(|f| f.key == "gdp")
        .unwrap();
    assert_eq!(
        gdp.source.cell.as_ref().unwrap().to_string(),
        format!("H{excel_row}")
    );
}
