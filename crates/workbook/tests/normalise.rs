//! What users type in Excel/WPS/LibreOffice is read as the value they meant: one test per
//! normalisation, with the workbook built the way a user would leave it.

mod common;

use chrono::NaiveDate;
use common::{Cell, FormBuilder, ListSheet, Setup};
use rust_decimal::Decimal;
use zhiliang_core::facts::{Submission, Value};
use zhiliang_workbook::ingest::FileOutcome;
use zhiliang_workbook::ingest_file;

fn read(b: &FormBuilder) -> FileOutcome {
    let setup = Setup::load();
    ingest_file("x.xlsx", &b.build(), &setup.catalogue, &setup.roster)
}

/// The value read for one fact, asserting that no diagnostic concerns it.
fn value(out: &FileOutcome, key: &str) -> Value {
    let own: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.location.fact.as_deref() == Some(key))
        .collect();
    assert!(own.is_empty(), "{own:#?}");
    let sub: &Submission = out.submissions.first().expect("a submission");
    sub.scalars
        .iter()
        .find(|f| f.key == key)
        .unwrap_or_else(|| panic!("{key} not read"))
        .value
        .clone()
}

fn one(key: &'static str, cell: Cell) -> Value {
    value(&read(&FormBuilder::new("区住建局").scalar(key, cell)), key)
}

fn n(s: &str) -> Value {
    Value::Number(s.parse::<Decimal>().unwrap())
}

fn date(y: i32, m: u32, d: u32) -> Value {
    Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

#[test]
fn number_stored_as_text_in_full_width_digits() {
    assert_eq!(one("prefab_industry_bases", Cell::Text("１２３")), n("123"));
}

#[test]
fn number_stored_as_text_with_spaces() {
    assert_eq!(one("prefab_industry_bases", Cell::Text("  3 ")), n("3"));
}

#[test]
fn thousands_separators() {
    assert_eq!(one("gdp", Cell::Text("1,234.5")), n("1234.5"));
    assert_eq!(one("gdp", Cell::Text("１，２３４．５")), n("1234.5"));
}

#[test]
fn unit_of_measure_typed_after_the_number() {
    assert_eq!(one("gdp", Cell::Text("1217.8亿元")), n("1217.8"));
}

#[test]
fn percent_string_where_a_share_is_asked() {
    assert_eq!(
        one("energy_intensity_reduction", Cell::Text("4.2%")),
        n("4.2")
    );
    assert_eq!(
        one("energy_intensity_reduction", Cell::Text("４．２％")),
        n("4.2")
    );
}

#[test]
fn percent_formatted_cell_where_a_share_is_asked() {
    // Typing 4.2% into Excel stores 0.042 with a percent format.
    assert_eq!(
        one("energy_intensity_reduction", Cell::Formatted(0.042, "0.0%")),
        n("4.2")
    );
    assert_eq!(
        one("energy_intensity_reduction", Cell::Number(4.2)),
        n("4.2")
    );
}

#[test]
fn single_percentage_in_a_rate_is_that_many_of_100() {
    assert_eq!(
        one("green_design_standard_rate", Cell::Text("100%")),
        Value::Rate {
            num: Decimal::ONE_HUNDRED,
            den: Decimal::ONE_HUNDRED
        }
    );
    assert_eq!(
        one("green_design_standard_rate", Cell::Formatted(0.975, "0.0%")),
        Value::Rate {
            num: "97.5".parse().unwrap(),
            den: Decimal::ONE_HUNDRED
        }
    );
}

#[test]
fn rate_as_numerator_and_denominator_typed_as_text() {
    let mut b =
        FormBuilder::new("区住建局").scalar("green_design_standard_rate", Cell::Text("６４"));
    b.scalars[0].2 = Some(Cell::Text(" 64 "));
    assert_eq!(
        value(&read(&b), "green_design_standard_rate"),
        Value::Rate {
            num: 64.into(),
            den: 64.into()
        }
    );
}

#[test]
fn excel_date_serial_without_date_format() {
    assert_eq!(
        one("mobilization_meeting_date", Cell::Number(44740.0)),
        date(2022, 6, 28)
    );
}

#[test]
fn date_formatted_cell() {
    assert_eq!(
        one(
            "mobilization_meeting_date",
            Cell::Formatted(44740.0, "yyyy-mm-dd")
        ),
        date(2022, 6, 28)
    );
    assert_eq!(
        one(
            "mobilization_meeting_date",
            Cell::Formatted(44740.0, "yyyy\"年\"m\"月\"d\"日\"")
        ),
        date(2022, 6, 28)
    );
}

#[test]
fn chinese_date_text() {
    assert_eq!(
        one("mobilization_meeting_date", Cell::Text("2022年7月20日")),
        date(2022, 7, 20)
    );
    assert_eq!(
        one(
            "mobilization_meeting_date",
            Cell::Text("２０２２年７月２０日")
        ),
        date(2022, 7, 20)
    );
}

#[test]
fn dotted_slashed_and_iso_date_text() {
    assert_eq!(
        one("mobilization_meeting_date", Cell::Text("2022.7.20")),
        date(2022, 7, 20)
    );
    assert_eq!(
        one("mobilization_meeting_date", Cell::Text("2022/7/20")),
        date(2022, 7, 20)
    );
    assert_eq!(
        one("mobilization_meeting_date", Cell::Text("2022-07-20")),
        date(2022, 7, 20)
    );
    assert_eq!(
        one("mobilization_meeting_date", Cell::Text(" 2022-7-20 ")),
        date(2022, 7, 20)
    );
}

#[test]
fn ticks_and_crosses_yes_and_no() {
    assert_eq!(
        one("agri_quality_safety_county", Cell::Text("√")),
        Value::Bool(true)
    );
    assert_eq!(
        one("agri_quality_safety_county", Cell::Text("×")),
        Value::Bool(false)
    );
    assert_eq!(
        one("agri_quality_safety_county", Cell::Text("是")),
        Value::Bool(true)
    );
    assert_eq!(
        one("agri_quality_safety_county", Cell::Text("否")),
        Value::Bool(false)
    );
    assert_eq!(
        one("agri_quality_safety_county", Cell::Text("Y")),
        Value::Bool(true)
    );
    assert_eq!(
        one("agri_quality_safety_county", Cell::Text("有")),
        Value::Bool(true)
    );
    assert_eq!(
        one("agri_quality_safety_county", Cell::Text("无")),
        Value::Bool(false)
    );
    assert_eq!(
        one("agri_quality_safety_county", Cell::Bool(true)),
        Value::Bool(true)
    );
}

#[test]
fn choices_with_spaces_and_full_width() {
    assert_eq!(
        one("injury_monitoring", Cell::Text(" 已推行 ")),
        Value::Text("已推行".into())
    );
    assert_eq!(
        one("injury_monitoring", Cell::Text("已推行　")),
        Value::Text("已推行".into())
    );
}

#[test]
fn text_and_documents_are_trimmed() {
    assert_eq!(
        one(
            "smart_site_system",
            Cell::Text("  章丘区智慧工地监管平台\n")
        ),
        Value::Text("章丘区智慧工地监管平台".into())
    );
}

#[test]
fn placeholders_for_nothing_are_blank() {
    let out = read(&FormBuilder::new("区住建局").scalar("prefab_industry_bases", Cell::Text("/")));
    assert!(out.submissions[0].scalars.is_empty());
    assert!(
        out.diagnostics
            .iter()
            .all(|d| d.location.fact.as_deref() != Some("prefab_industry_bases"))
    );
}

fn honours(
    rows: Vec<(u32, Vec<Option<Cell>>)>,
    merges: Vec<(u32, u16, u32, u16, &'static str)>,
) -> FormBuilder {
    let mut b = FormBuilder::new("区住建局");
    b.lists.push(ListSheet {
        key: "honors_and_reports",
        name: "表彰与报道",
        fields: vec!["type", "level", "name", "issuer", "date", "is_ad"],
        rows,
        merges,
    });
    b
}

fn records(out: &FileOutcome) -> Vec<&zhiliang_core::facts::Record> {
    out.submissions[0]
        .records
        .iter()
        .filter(|r| r.list == "honors_and_reports")
        .collect()
}

#[test]
fn vertically_merged_cells_belong_to_every_row() {
    let row = |name: &'static str| {
        vec![
            Some(Cell::Text("报道")),
            None,
            Some(Cell::Text(name)),
            Some(Cell::Text("大众日报")),
            Some(Cell::Text("2022-03-09")),
            Some(Cell::Text("否")),
        ]
    };
    // 级别 (column C) merged over rows 3–4.
    let out = read(&honours(
        vec![(2, row("甲")), (3, row("乙"))],
        vec![(2, 2, 3, 2, "省级")],
    ));
    let rs = records(&out);
    assert_eq!(rs.len(), 2);
    for r in &rs {
        assert_eq!(r.get("level"), Some(&Value::Text("省级".into())), "{r:?}");
    }
    assert_eq!(rs[1].source.cell.as_ref().unwrap().to_string(), "B4");
}

#[test]
fn blank_rows_between_records_are_skipped() {
    let row = |name: &'static str| {
        vec![
            Some(Cell::Text("表彰")),
            Some(Cell::Text("国家级")),
            Some(Cell::Text(name)),
            Some(Cell::Text("国务院")),
            Some(Cell::Number(44500.0)),
            Some(Cell::Text("×")),
        ]
    };
    let out = read(&honours(
        vec![(2, row("甲")), (9, row("乙")), (40, row("丙"))],
        vec![],
    ));
    let rs = records(&out);
    assert_eq!(rs.len(), 3);
    assert_eq!(
        rs.iter()
            .map(|r| r.source.cell.as_ref().unwrap().to_string())
            .collect::<Vec<_>>(),
        ["B3", "B10", "B41"]
    );
    assert_eq!(rs[0].get("is_ad"), Some(&Value::Bool(false)));
    assert_eq!(rs[0].get("date"), Some(&date(2021, 10, 31)));
}

#[test]
fn cover_unit_by_alias_and_label_with_colon() {
    let setup = Setup::load();
    for cover in ["济南市章丘区住房和城乡建设局", "住建局", "区住建局 "] {
        let b = FormBuilder::new(cover);
        let out = ingest_file("any-name.xlsx", &b.build(), &setup.catalogue, &setup.roster);
        assert_eq!(out.unit.as_deref(), Some("区住建局"), "{cover}");
    }
    // "填报单位：区统计局" typed into the label cell itself; the file name says nothing.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("封面").unwrap();
    ws.write_string(1, 0, "填报单位：区统计局").unwrap();
    let data = wb.add_worksheet();
    data.write_string(0, 0, "zhiliang:facts").unwrap();
    data.write_string(0, 7, "value").unwrap();
    data.write_string(2, 0, "gdp").unwrap();
    data.write_number(2, 7, 1217.8).unwrap();
    let out = ingest_file(
        "zhujian.xlsx",
        &wb.save_to_buffer().unwrap(),
        &setup.catalogue,
        &setup.roster,
    );
    assert_eq!(out.unit.as_deref(), Some("区统计局"));
    assert_eq!(value(&out, "gdp"), n("1217.8"));
}
