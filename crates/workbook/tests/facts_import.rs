//! The facts import (`*.facts.json` under input/, and `zhiliang score --facts`): unit names
//! resolved through the roster, and values written as people type them read exactly as the
//! same text in a workbook cell.

mod common;

use common::{Setup, of, repo};
use serde_json::{Value as Json, json};
use zhiliang_core::diagnostics::{Cell, Code, Place};
use zhiliang_core::facts::{Submission, Value};
use zhiliang_workbook::ingest::facts::{import, import_json};

fn example_json() -> Json {
    let bytes = std::fs::read(repo("examples/zhangqiu/facts.json")).expect("facts.json");
    serde_json::from_slice(&bytes).expect("JSON")
}

/// "1217.8" → "１２１７．８", as typed with a Chinese input method in full-width mode.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | '.' | '-' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

/// "2022-06-28" → "2022年6月28日".
fn chinese_date(iso: &str) -> String {
    let p: Vec<u32> = iso.split('-').map(|x| x.parse().unwrap()).collect();
    format!("{}年{}月{}日", p[0], p[1], p[2])
}

/// The example facts, with one rate of 95 in 100 (so that a percentage can say the same).
fn canonical() -> Json {
    let mut doc = example_json();
    let rate = doc["submissions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|s| s["scalars"].as_array_mut().unwrap().iter_mut())
        .find(|f| f["key"] == "energy_metrology_review_coverage")
        .expect("the example has the rate");
    rate["value"] = json!({ "type": "rate", "value": { "num": "95", "den": "100" } });
    doc
}

/// What each kind of edit changed, so the test knows the variant really differs.
#[derive(Debug, Default)]
struct Edits {
    units: usize,
    numbers: usize,
    dates: usize,
    bools: usize,
    rates: usize,
}

/// The canonical facts as a clerk might write them: the unit by its full name, every number
/// a bare full-width string, dates in Chinese, yes/no as 是/否 or √/×, the rate as
/// "９５％".
fn as_typed(mut doc: Json) -> (Json, Edits) {
    let mut e = Edits::default();
    let retype = |v: &mut Json, e: &mut Edits| {
        let typed = match v["type"].as_str() {
            Some("number") => {
                e.numbers += 1;
                full_width(v["value"].as_str().unwrap())
            }
            Some("date") => {
                e.dates += 1;
                chinese_date(v["value"].as_str().unwrap())
            }
            Some("bool") => {
                e.bools += 1;
                if v["value"] == true { "√" } else { "否" }.to_string()
            }
            Some("rate") if v["value"]["den"] == "100" => {
                e.rates += 1;
                format!("{}％", full_width(v["value"]["num"].as_str().unwrap()))
            }
            _ => return,
        };
        *v = Json::String(typed);
    };
    for sub in doc["submissions"].as_array_mut().unwrap() {
        if sub["unit"] == "区市场监管局" {
            sub["unit"] = "区市场监督管理局".into();
            e.units += 1;
        }
        for f in sub["scalars"].as_array_mut().unwrap() {
            retype(&mut f["value"], &mut e);
        }
        if let Some(records) = sub["records"].as_array_mut() {
            for r in records {
                for v in r["fields"].as_object_mut().unwrap().values_mut() {
                    retype(v, &mut e);
                }
            }
        }
    }
    (doc, e)
}

#[test]
fn facts_written_as_typed_import_exactly_as_the_canonical_facts() {
    let setup = Setup::load();
    let (typed, edits) = as_typed(canonical());
    assert_eq!(edits.units, 1, "{edits:?}");
    assert_eq!(edits.rates, 1, "{edits:?}");
    assert!(
        edits.numbers > 50 && edits.dates > 20 && edits.bools > 5,
        "{edits:?}"
    );
    let want = import("x.facts.json", canonical(), &setup.catalogue, &setup.roster);
    let got = import("x.facts.json", typed, &setup.catalogue, &setup.roster);
    assert!(want.diagnostics.is_empty(), "{:#?}", want.diagnostics);
    assert!(got.diagnostics.is_empty(), "{:#?}", got.diagnostics);
    assert_eq!(got.submissions, want.submissions);
    let sjj = got
        .submissions
        .iter()
        .find(|s| s.unit == "区市场监管局")
        .expect("the full name resolves to the canonical unit");
    let rate = sjj
        .scalars
        .iter()
        .find(|f| f.key == "energy_metrology_review_coverage")
        .unwrap();
    assert_eq!(
        rate.value,
        Value::Rate {
            num: 95.into(),
            den: 100.into()
        }
    );
    assert_eq!(rate.source.unit, "区市场监管局");
    assert_eq!(rate.source.file, "x.facts.json");
}

/// A value without a sheet and cell of its own is located by its JSON path, typed as a path
/// (not mistaken for a cell), and keeps it through JSON (the build record, the facts the
/// documents carry); a value whose source names a cell keeps that cell.
#[test]
fn an_imported_value_keeps_its_json_path_through_a_round_trip() {
    let setup = Setup::load();
    let doc = json!({ "submissions": [
        { "unit": "区市监局", "scalars": [
            { "key": "class_a_verification_coverage", "value": "95%", "source": { "unit": "" } },
            { "key": "instrument_verification_rate", "value": "98%",
              "source": { "unit": "", "sheet": "标量数据", "cell": "D7" } }
        ] }
    ] });
    let bytes = serde_json::to_vec(&doc).unwrap();
    let out = import_json("市监.facts.json", &bytes, &setup.catalogue, &setup.roster);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let sub = &out.submissions[0];
    let source = |key: &str| &sub.scalars.iter().find(|f| f.key == key).unwrap().source;
    let path = source("class_a_verification_coverage");
    assert_eq!(path.sheet, "submissions[0]");
    assert_eq!(path.cell, Some(Place::json_path("scalars[0]")));
    assert_eq!(
        source("instrument_verification_rate").cell,
        Some(Place::Cell(Cell::new(6, 3)))
    );
    let json = serde_json::to_value(sub).unwrap();
    assert_eq!(json["scalars"][0]["source"]["cell"], "scalars[0]");
    assert_eq!(json["scalars"][1]["source"]["cell"], "D7");
    let back: Submission = serde_json::from_value(json).unwrap();
    assert_eq!(back, *sub);
}

#[test]
fn unreadable_values_point_at_their_json_path_and_are_left_out() {
    let setup = Setup::load();
    let doc = json!({ "submissions": [
        { "unit": "区气象局", "scalars": [] },
        { "unit": "区市监局", "scalars": [
            { "key": "class_a_verification_coverage", "value": "约95", "source": { "unit": "" } },
            { "key": "instrument_verification_rate", "value": "无", "source": { "unit": "" } },
            { "key": "drug_inspection_coverage", "value": { "type": "number", "value": "９８％" },
              "source": { "unit": "" } }
        ] }
    ] });
    let bytes = serde_json::to_vec(&doc).unwrap();
    let out = import_json("市监.facts.json", &bytes, &setup.catalogue, &setup.roster);
    // The unknown unit is skipped and said; the alias 区市监局 resolves.
    let unknown = of(&out.diagnostics, Code::UnknownUnit);
    assert_eq!(unknown.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(unknown[0].value.as_deref(), Some("区气象局"));
    assert_eq!(unknown[0].location.sheet.as_deref(), Some("submissions[0]"));
    assert_eq!(out.unit.as_deref(), Some("区市场监管局"));
    // "约95" is not a number: wrong-type at submissions[1] › scalars[0], value as written.
    let wrong = of(&out.diagnostics, Code::WrongType);
    assert_eq!(wrong.len(), 1, "{:#?}", out.diagnostics);
    let d = wrong[0];
    assert_eq!(d.location.unit.as_deref(), Some("区市场监管局"));
    assert_eq!(d.location.file.as_deref(), Some("市监.facts.json"));
    assert_eq!(d.location.sheet.as_deref(), Some("submissions[1]"));
    assert_eq!(
        d.location.cell.as_ref().map(ToString::to_string).as_deref(),
        Some("scalars[0]")
    );
    assert_eq!(
        d.location.fact.as_deref(),
        Some("class_a_verification_coverage")
    );
    assert_eq!(d.value.as_deref(), Some("约95"));
    assert!(d.message.contains("A类强制检定项目覆盖率"), "{}", d.message);
    assert_eq!(out.diagnostics.len(), 2, "{:#?}", out.diagnostics);
    // "无" is a blank; the tagged number that does not parse as one is read as typed.
    let s = &out.submissions[0];
    let keys: Vec<&str> = s.scalars.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["drug_inspection_coverage"]);
    assert_eq!(
        s.scalars[0].value,
        Value::Rate {
            num: 98.into(),
            den: 100.into()
        }
    );
}

#[test]
fn a_facts_file_that_is_not_json_is_one_unreadable_file_diagnostic() {
    let setup = Setup::load();
    let out = import_json(
        "坏.facts.json",
        b"{ \"submissions\": [",
        &setup.catalogue,
        &setup.roster,
    );
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(out.diagnostics[0].code, Code::UnreadableFile);
    assert_eq!(
        out.diagnostics[0].location.file.as_deref(),
        Some("坏.facts.json")
    );
    assert!(out.submissions.is_empty());
}

/// Through ingest and check, as `*.facts.json` under input/: a value the import refused is
/// reported once, as what is wrong with it, and not a second time as missing — for a
/// scalar and for a record field alike.
#[test]
fn a_value_the_import_refused_is_not_also_reported_missing() {
    let setup = Setup::load();
    let mut doc = example_json();
    let mut record_fact = None;
    for sub in doc["submissions"].as_array_mut().unwrap() {
        if sub["unit"] == "区统计局" {
            for f in sub["scalars"].as_array_mut().unwrap() {
                if f["key"] == "gdp" {
                    f["value"] = "约1217.8亿".into();
                }
            }
        }
        if record_fact.is_some() {
            continue;
        }
        for r in sub["records"].as_array_mut().into_iter().flatten() {
            let list = r["list"].as_str().unwrap().to_string();
            let fields = r["fields"].as_object_mut().unwrap();
            if let Some((key, v)) = fields.iter_mut().find(|(_, v)| v["type"] == "date") {
                *v = "2022年13月1日".into();
                record_fact = Some(format!("{list}.{key}"));
                break;
            }
        }
    }
    let record_fact = record_fact.expect("the example has a dated record");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("all.facts.json"),
        serde_json::to_vec(&doc).unwrap(),
    )
    .unwrap();
    let report = zhiliang_workbook::ingest(dir.path(), &setup);
    let diags = zhiliang_workbook::check(&setup, &report, &dir.path().join("evidence"));
    let about = |fact: &str| -> Vec<Code> {
        diags
            .iter()
            .filter(|d| d.location.fact.as_deref() == Some(fact))
            .filter(|d| {
                matches!(
                    d.code,
                    Code::MissingFact | Code::WrongType | Code::InvalidDate
                )
            })
            .map(|d| d.code)
            .collect()
    };
    assert_eq!(about("gdp"), [Code::WrongType], "{diags:#?}");
    assert_eq!(about(&record_fact), [Code::InvalidDate], "{diags:#?}");
}

/// A bare JSON number where a date is expected reads as a number cell without a date
/// format does (docs/workbooks.md, 日期序列号): the Excel serial 44740 is 2022-06-28, and
/// 20220628 typed as a number is the same day. Before, the number became the text
/// "44740" and was refused as invalid-date, so the record scored nothing.
#[test]
fn a_bare_number_for_a_date_is_an_excel_serial_as_in_a_cell() {
    let setup = Setup::load();
    let want = import(
        "x.facts.json",
        example_json(),
        &setup.catalogue,
        &setup.roster,
    );
    for written in [json!(44740), json!(44740.0), json!(20220628)] {
        let mut doc = example_json();
        let zfb = doc["submissions"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|s| s["unit"] == "区政府办")
            .unwrap();
        let meeting = zfb["scalars"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| f["key"] == "mobilization_meeting_date")
            .unwrap();
        assert_eq!(meeting["value"]["value"], "2022-06-28");
        meeting["value"] = written.clone();
        // 质量工作会议 of 2022-03-28 (serial 44648), written as a bare number.
        let record = &mut zfb["records"][0];
        assert_eq!(record["fields"]["date"]["value"], "2022-03-28");
        record["fields"]["date"] = json!(44648);
        let got = import("x.facts.json", doc, &setup.catalogue, &setup.roster);
        assert!(
            got.diagnostics.is_empty(),
            "{written}: {:#?}",
            got.diagnostics
        );
        assert_eq!(got.submissions, want.submissions, "{written}");
    }
    // A number that is no date is still refused, at its JSON path.
    let mut doc = example_json();
    doc["submissions"][0]["records"][0]["fields"]["date"] = json!(12.5);
    let got = import("x.facts.json", doc, &setup.catalogue, &setup.roster);
    assert!(
        got.diagnostics.iter().any(|d| d.code == Code::InvalidDate),
        "{:#?}",
        got.diagnostics
    );
}
