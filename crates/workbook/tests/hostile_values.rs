//! Values and layouts found by mutating real fill-in workbooks the way offices (and
//! hostile senders) do: each is read as the documented normalisation or ends as one clear
//! diagnostic at its cell.

mod common;

use common::{Cell, FormBuilder, Setup, of, rewrite, write};
use rust_decimal::Decimal;
use zhiliang_core::diagnostics::{Code, Diagnostic};
use zhiliang_core::facts::Value;
use zhiliang_workbook::ingest::FileOutcome;
use zhiliang_workbook::{check, ingest, ingest_file};

/// A hand-made form, read; the `outdated-form` that its missing rows cause is dropped.
fn read(b: &FormBuilder) -> FileOutcome {
    let setup = Setup::load();
    let mut out = ingest_file("x.xlsx", &b.build(), &setup.catalogue, &setup.roster);
    out.diagnostics.retain(|d| d.code != Code::OutdatedForm);
    out
}

fn n(s: &str) -> Value {
    Value::Number(s.parse::<Decimal>().unwrap())
}

fn scalar(out: &FileOutcome, key: &str) -> Option<Value> {
    out.submissions
        .first()
        .expect("a submission")
        .scalars
        .iter()
        .find(|f| f.key == key)
        .map(|f| f.value.clone())
}

fn at(d: &Diagnostic) -> (String, String) {
    (
        d.location.sheet.clone().unwrap_or_default(),
        d.location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    )
}

/// A campaign folder with the given files, ingested and checked.
fn check_files(files: &[(&str, Vec<u8>)]) -> Vec<Diagnostic> {
    let setup = Setup::load();
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in files {
        write(dir.path(), rel, bytes);
    }
    let report = ingest(dir.path(), &setup);
    check(&setup, &report, &dir.path().join("evidence"))
}

#[test]
fn zero_width_characters_and_byte_order_marks_are_removed() {
    // Pasted from a web page or a chat: "3" followed by a zero-width space, a BOM before
    // "１２", and the unit's name with a zero-width space after it.
    let mut b = FormBuilder::new("区住房和城乡建设局\u{200B}")
        .scalar("prefab_industry_bases", Cell::Text("3\u{200B}"))
        .scalar("spot_check_enterprises", Cell::Text("\u{FEFF}１２"));
    b.scalars.push((
        "smart_site_system",
        Some(Cell::Text("智慧\u{200D}工地\u{202E}")),
        None,
        None,
    ));
    let out = read(&b);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(out.unit.as_deref(), Some("区住建局"));
    assert_eq!(scalar(&out, "prefab_industry_bases"), Some(n("3")));
    assert_eq!(scalar(&out, "spot_check_enterprises"), Some(n("12")));
    assert_eq!(
        scalar(&out, "smart_site_system"),
        Some(Value::Text("智慧工地".into()))
    );
}

#[test]
fn evidence_named_beside_a_refused_value_is_still_referenced() {
    // The value is refused (wrong type); the evidence file it names is there. Before, the
    // file was reported as "not named in any 证明材料 cell, delete it".
    let mut b = FormBuilder::new("区住建局");
    b.scalars.push((
        "prefab_industry_bases",
        Some(Cell::Text("约3个")),
        None,
        Some("认定文件.pdf"),
    ));
    b.scalars.push((
        "spot_check_enterprises",
        Some(Cell::Text("#N/A?")),
        None,
        Some("抽查名单.pdf"),
    ));
    let diags = check_files(&[
        ("zhujian.xlsx", b.build()),
        ("evidence/zhujian/认定文件.pdf", b"%PDF-1.4".to_vec()),
    ]);
    assert!(
        of(&diags, Code::EvidenceUnreferenced).is_empty(),
        "{:#?}",
        of(&diags, Code::EvidenceUnreferenced)
    );
    let wrong = of(&diags, Code::WrongType);
    assert_eq!(wrong.len(), 2, "{wrong:#?}");
    assert_eq!(at(wrong[0]), ("数据填报".to_string(), "H3".to_string()));
    // The absent file is still reported, at the evidence cell of its row.
    let absent = of(&diags, Code::EvidenceNotFound);
    assert_eq!(absent.len(), 1, "{absent:#?}");
    assert_eq!(at(absent[0]), ("数据填报".to_string(), "J4".to_string()));
    assert!(absent[0].message.contains("抽查名单.pdf"));
}

#[test]
fn a_repeated_row_with_another_value_is_a_conflict_and_neither_is_taken() {
    // A 数据填报 row copied (hidden code included) and given another value: before, the
    // second row was silently ignored.
    let mut b = FormBuilder::new("区住建局")
        .scalar("prefab_industry_bases", Cell::Number(3.0))
        .scalar("spot_check_enterprises", Cell::Number(12.0));
    b.scalars
        .push(("prefab_industry_bases", Some(Cell::Text("5")), None, None));
    // A repeat with the same value, and an empty repeat, are harmless.
    b.scalars.push((
        "spot_check_enterprises",
        Some(Cell::Text("１２")),
        None,
        None,
    ));
    b.scalars.push(("spot_check_enterprises", None, None, None));
    let out = read(&b);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.code, Code::ConflictingValues);
    assert_eq!(at(d), ("数据填报".to_string(), "H5".to_string()));
    assert_eq!(d.location.fact.as_deref(), Some("prefab_industry_bases"));
    assert!(d.message.contains("第3行、第5行"), "{}", d.message);
    assert!(d.message.contains("“3”") && d.message.contains("“5”"));
    assert_eq!(scalar(&out, "prefab_industry_bases"), None);
    assert_eq!(scalar(&out, "spot_check_enterprises"), Some(n("12")));

    // And the checker does not also call it missing.
    let diags = check_files(&[("zhujian.xlsx", b.build())]);
    assert!(
        !diags.iter().any(|d| d.code == Code::MissingFact
            && d.location.fact.as_deref() == Some("prefab_industry_bases")),
        "{diags:#?}"
    );
}

#[test]
fn a_sheet_broken_half_way_says_where_not_that_the_form_is_old() {
    // H3 points at shared string 99999 of a table that has a handful: calamine stops
    // there. Before, the rows after it were silently missing and the only message was
    // "可能是旧版填报表".
    let b = FormBuilder::new("区住建局")
        .scalar("prefab_industry_bases", Cell::Number(3.0))
        .scalar("smart_site_system", Cell::Text("章丘区智慧工地监管平台"));
    let bytes = rewrite(&b.build(), "xl/worksheets/sheet2.xml", |s| {
        assert!(s.contains(r#"<c r="H3"><v>3</v></c>"#), "{s}");
        s.replace(
            r#"<c r="H3"><v>3</v></c>"#,
            r#"<c r="H3" t="s"><v>99999</v></c>"#,
        )
    });
    let setup = Setup::load();
    let out = ingest_file("x.xlsx", &bytes, &setup.catalogue, &setup.roster);
    let broken = of(&out.diagnostics, Code::UnreadableFile);
    assert_eq!(broken.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(at(broken[0]), ("数据填报".to_string(), "A3".to_string()));
    assert!(
        broken[0].message.contains("工作表“数据填报”已损坏")
            && broken[0].message.contains("A3之后"),
        "{}",
        broken[0].message
    );
    assert!(
        of(&out.diagnostics, Code::OutdatedForm).is_empty(),
        "{:#?}",
        out.diagnostics
    );
}

#[test]
fn a_formula_saved_without_its_result_is_reported_at_its_cell_not_as_blank() {
    // Excel and WPS save a formula's result with it (read as the value); a file written by
    // a script may hold only the formula. Before, such a cell read as blank: "未填写".
    let b = FormBuilder::new("区住建局")
        .scalar("prefab_industry_bases", Cell::Number(3.0))
        .scalar("spot_check_enterprises", Cell::Number(12.0));
    let bytes = rewrite(&b.build(), "xl/worksheets/sheet2.xml", |s| {
        assert!(s.contains(r#"<c r="H3"><v>3</v></c>"#), "{s}");
        assert!(s.contains(r#"<c r="H4"><v>12</v></c>"#), "{s}");
        s.replace(r#"<c r="H3"><v>3</v></c>"#, r#"<c r="H3"><f>1+2</f></c>"#)
            .replace(
                r#"<c r="H4"><v>12</v></c>"#,
                r#"<c r="H4"><f>10+2</f><v>12</v></c>"#,
            )
    });
    let setup = Setup::load();
    let mut out = ingest_file("x.xlsx", &bytes, &setup.catalogue, &setup.roster);
    out.diagnostics.retain(|d| d.code != Code::OutdatedForm);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.code, Code::WrongType);
    assert_eq!(at(d), ("数据填报".to_string(), "H3".to_string()));
    assert_eq!(d.value.as_deref(), Some("=1+2"));
    assert!(
        d.message.contains("没有保存公式的计算结果"),
        "{}",
        d.message
    );
    // A formula with its saved result is that result.
    assert_eq!(scalar(&out, "spot_check_enterprises"), Some(n("12")));
    assert_eq!(scalar(&out, "prefab_industry_bases"), None);
}

#[test]
fn a_repeated_year_row_with_another_figure_is_a_conflict_for_that_year() {
    use rust_xlsxwriter::Workbook;
    use zhiliang_workbook::layout::{self, series_col};
    // A 年度数据 row copied below itself (hidden series code included), one year changed.
    // Before, the repeat was silently ignored.
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name(layout::COVER).unwrap();
    cover.write_string(2, 0, layout::COVER_UNIT).unwrap();
    cover.write_string(2, 1, "区住建局").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("年度数据").unwrap();
    ws.write_string(0, 0, layout::MARK_SERIES).unwrap();
    ws.write_string(0, 4, format!("{}2020", series_col::YEAR_PREFIX))
        .unwrap();
    ws.write_string(0, 5, format!("{}2021", series_col::YEAR_PREFIX))
        .unwrap();
    for (r, y2020, y2021) in [(2, 96.5, 98.2), (4, 96.5, 50.0)] {
        ws.write_string(r, 0, "green_building_rate").unwrap();
        ws.write_number(r, 4, y2020).unwrap();
        ws.write_number(r, 5, y2021).unwrap();
    }
    let setup = Setup::load();
    let bytes = wb.save_to_buffer().unwrap();
    let mut out = ingest_file("x.xlsx", &bytes, &setup.catalogue, &setup.roster);
    out.diagnostics.retain(|d| d.code != Code::OutdatedForm);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.code, Code::ConflictingValues);
    assert_eq!(at(d), ("年度数据".to_string(), "F5".to_string()));
    assert!(
        d.message.contains("2021年") && d.message.contains("98.2") && d.message.contains("50"),
        "{}",
        d.message
    );
    let series = &out.submissions[0].series[0];
    assert_eq!(series.values.get(&2020), Some(&"96.5".parse().unwrap()));
    assert_eq!(series.values.get(&2021), None);
}

#[test]
fn a_workbook_name_with_a_trailing_blank_is_read_and_an_archive_is_reported() {
    // Both were silently skipped: the unit was only "not submitted".
    let setup = Setup::load();
    let dir = tempfile::tempdir().unwrap();
    let form = FormBuilder::new("区住建局").scalar("prefab_industry_bases", Cell::Number(3.0));
    write(dir.path(), "zhujian.xlsx ", &form.build());
    write(dir.path(), "财政局报送材料.zip", b"PK\x05\x06");
    let report = ingest(dir.path(), &setup);
    assert_eq!(report.submissions.len(), 1, "{:#?}", report.diagnostics);
    assert_eq!(report.submissions[0].file, "zhujian.xlsx ");
    let archive = of(&report.diagnostics, Code::NotASpreadsheet);
    assert_eq!(archive.len(), 1, "{:#?}", report.diagnostics);
    assert_eq!(
        archive[0].location.file.as_deref(),
        Some("财政局报送材料.zip")
    );
    assert!(
        archive[0].message.contains("压缩包"),
        "{}",
        archive[0].message
    );
}

#[test]
fn an_absurd_shared_string_count_is_refused_before_calamine_reserves_it() {
    // calamine reserves `uniqueCount` strings up front: 2 000 000 000 of them aborted the
    // process (an allocation failure, not a panic) when reading in-process.
    let b = FormBuilder::new("区住建局").scalar("prefab_industry_bases", Cell::Number(3.0));
    let bytes = rewrite(&b.build(), "xl/sharedStrings.xml", |s| {
        assert!(s.contains("uniqueCount=\""), "{s}");
        let i = s.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let j = i + s[i..].find('"').unwrap();
        format!("{}2000000000{}", &s[..i], &s[j..])
    });
    let setup = Setup::load();
    let out = ingest_file("x.xlsx", &bytes, &setup.catalogue, &setup.roster);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.code, Code::FileTooLarge);
    assert_eq!(d.location.file.as_deref(), Some("x.xlsx"));
    assert!(d.message.contains("2000000000"), "{}", d.message);
    assert!(out.submissions.is_empty());
}

#[test]
fn a_year_typed_where_a_date_is_asked_is_not_serial_day_2022() {
    // 2022 in a date cell was read as Excel serial 2022, 1905-07-14, and only warned about as
    // "不在统计期内".
    let mut b = FormBuilder::new("区住建局");
    b.lists.push(common::ListSheet {
        key: "culture_activities",
        name: "质量文化活动",
        fields: vec!["name", "type", "date"],
        rows: vec![
            (
                2,
                vec![
                    Some(Cell::Text("质量月启动仪式")),
                    Some(Cell::Text("质量月")),
                    Some(Cell::Number(2022.0)),
                ],
            ),
            (
                3,
                vec![
                    Some(Cell::Text("质量月现场会")),
                    Some(Cell::Text("质量月")),
                    Some(Cell::Number(44740.0)),
                ],
            ),
        ],
        merges: vec![],
    });
    let out = read(&b);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    let d = &out.diagnostics[0];
    assert_eq!(d.code, Code::InvalidDate);
    assert_eq!(at(d), ("质量文化活动".to_string(), "D3".to_string()));
    assert!(d.message.contains("只有年份"), "{}", d.message);
    // A serial without date format is still a date.
    let records = &out.submissions[0].records;
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[1].fields.get("date"),
        Some(&Value::Date(
            chrono::NaiveDate::from_ymd_opt(2022, 6, 28).unwrap()
        ))
    );
}

#[test]
fn a_negative_denominator_is_reported_at_the_denominator() {
    // It pointed at the numerator cell, which holds a valid 5.
    let mut b = FormBuilder::new("区住建局");
    b.scalars.push((
        "green_design_standard_rate",
        Some(Cell::Number(5.0)),
        Some(Cell::Number(-100.0)),
        None,
    ));
    let diags = check_files(&[("zhujian.xlsx", b.build())]);
    let neg: Vec<_> = of(&diags, Code::OutOfRange);
    assert_eq!(neg.len(), 1, "{diags:#?}");
    assert_eq!(at(neg[0]), ("数据填报".to_string(), "I3".to_string()));
    assert_eq!(
        neg[0].location.fact.as_deref(),
        Some("green_design_standard_rate")
    );
    assert!(neg[0].message.contains("不能为负数"), "{}", neg[0].message);
}
