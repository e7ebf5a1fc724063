//! Inputs built to exhaust time or memory, and values at the edges of what a cell can
//! hold: each ends as a diagnostic, in bounded time and memory, with the other workbooks
//! still read.

mod common;

use common::{Cell, FormBuilder, ListSheet, Setup, of, rewrite, write};
use std::time::Duration;
use zhiliang_core::diagnostics::{Code, Diagnostic, Location, Severity};
use zhiliang_workbook::ingest::read::ReadError;
use zhiliang_workbook::ingest::{FileOutcome, Limits, Reader, Worker, worker_limits};
use zhiliang_workbook::{ingest_file, ingest_with};

fn read(name: &str, bytes: &[u8]) -> FileOutcome {
    let setup = Setup::load();
    ingest_file(name, bytes, &setup.catalogue, &setup.roster)
}

fn list_form(rows: Vec<(u32, Vec<Option<Cell>>)>) -> FormBuilder {
    let mut b = FormBuilder::new("区市场监管局").scalar("prefab_industry_bases", Cell::Number(1.0));
    b.lists.push(ListSheet {
        key: "culture_activities",
        name: "质量文化活动",
        fields: vec!["name", "type", "date"],
        rows,
        merges: vec![],
    });
    b
}

#[test]
fn three_hundred_thousand_merged_ranges_are_capped_and_reported() {
    // A value in B3 and something in row 4000; then 300 000 merges B3:B4000 (a 29 KB
    // file once compressed). Expanding each one row by row took minutes.
    let rows = vec![
        (2, vec![Some(Cell::Text("质量月启动仪式")), None, None]),
        (3999, vec![Some(Cell::Text("最后一行")), None, None]),
    ];
    let bytes = rewrite(&list_form(rows).build(), "xl/worksheets/sheet3.xml", |s| {
        let merges = "<mergeCell ref=\"B3:B4000\"/>".repeat(300_000);
        s.replace(
            "</sheetData>",
            &format!("</sheetData><mergeCells count=\"300000\">{merges}</mergeCells>"),
        )
    });
    assert!(bytes.len() < 200_000, "{}", bytes.len());
    let out = read("shichang.xlsx", &bytes);
    let capped: Vec<&Diagnostic> = of(&out.diagnostics, Code::FileTooLarge);
    assert_eq!(capped.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(capped[0].severity, Severity::Warning);
    assert_eq!(capped[0].location.sheet.as_deref(), Some("质量文化活动"));
    assert!(capped[0].message.contains("合并单元格过多"));
    // The merges that fit the budget were applied; the workbook's data is read.
    let s = &out.submissions[0];
    assert_eq!(s.scalars[0].key, "prefab_industry_bases");
    assert!(!s.records.is_empty());
}

#[test]
fn fifty_sheets_full_of_cells_are_refused_as_a_whole() {
    // 50 sheets × 1 300 rows × 10 columns: more cells than any form holds.
    let mut wb = rust_xlsxwriter::Workbook::new();
    for i in 0..50u32 {
        let ws = wb.add_worksheet();
        ws.set_name(format!("表{i}")).unwrap();
        for r in 0..1_300u32 {
            for c in 0..10u16 {
                ws.write_number(r, c, (r * 10 + c as u32) as f64).unwrap();
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let out = read("many.xlsx", &bytes);
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(out.diagnostics[0].code, Code::FileTooLarge);
    assert!(out.diagnostics[0].message.contains("单元格超过"));
}

#[test]
fn sheets_beyond_the_cap_are_reported() {
    let mut b = FormBuilder::new("区住建局").scalar("prefab_industry_bases", Cell::Number(3.0));
    for i in 0..70 {
        b.lists.push(ListSheet {
            key: "culture_activities",
            name: Box::leak(format!("副本{i}").into_boxed_str()),
            fields: vec!["name"],
            rows: vec![],
            merges: vec![],
        });
    }
    let out = read("zhujian.xlsx", &b.build());
    let w: Vec<&Diagnostic> = of(&out.diagnostics, Code::FileTooLarge);
    assert_eq!(w.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(w[0].severity, Severity::Warning);
    // Cover + 数据填报 + 70 copies = 72 sheets, 60 read.
    assert!(w[0].message.contains("有72个工作表"), "{}", w[0].message);
    assert!(
        w[0].message.contains("后12个工作表未读取"),
        "{}",
        w[0].message
    );
    assert_eq!(out.submissions[0].scalars.len(), 1);
}

#[test]
fn edge_values_serial_60_year_9999_and_1e308() {
    let rows = vec![
        // Serial 60 shown as a date (Excel's fictitious 1900-02-29), and unformatted.
        (
            2,
            vec![
                Some(Cell::Text("甲")),
                Some(Cell::Text("质量月")),
                Some(Cell::Formatted(60.0, "yyyy-mm-dd")),
            ],
        ),
        (
            3,
            vec![
                Some(Cell::Text("乙")),
                Some(Cell::Text("质量月")),
                Some(Cell::Number(60.0)),
            ],
        ),
        // A real date no report can mean, as a date cell and as text.
        (
            4,
            vec![
                Some(Cell::Text("丙")),
                Some(Cell::Text("质量月")),
                Some(Cell::Formatted(2_958_465.0, "yyyy-mm-dd")),
            ],
        ),
        (
            5,
            vec![
                Some(Cell::Text("丁")),
                Some(Cell::Text("质量月")),
                Some(Cell::Text("9999-12-31")),
            ],
        ),
    ];
    let mut b = list_form(rows);
    b.scalars[0].1 = Some(Cell::Number(1e308));
    let out = read("shichang.xlsx", &b.build());
    let at = |cell: &str| -> &Diagnostic {
        out.diagnostics
            .iter()
            .find(|d| {
                d.location.sheet.as_deref() == Some("质量文化活动")
                    && d.location.cell.as_ref().map(ToString::to_string).as_deref() == Some(cell)
            })
            .unwrap_or_else(|| panic!("{cell}: {:#?}", out.diagnostics))
    };
    for cell in ["D3", "D4"] {
        let d = at(cell);
        assert_eq!(d.code, Code::InvalidDate, "{d:?}");
        assert!(d.message.contains("1900年2月29日"), "{}", d.message);
    }
    for cell in ["D5", "D6"] {
        let d = at(cell);
        assert_eq!(d.code, Code::OutOfRange, "{d:?}");
        assert!(d.message.contains("超出合理范围"), "{}", d.message);
        assert!(d.message.contains("9999-12-31"), "{}", d.message);
    }
    let huge = out
        .diagnostics
        .iter()
        .find(|d| d.location.sheet.as_deref() == Some("数据填报"))
        .expect("1e308 reported");
    assert_eq!(huge.code, Code::OutOfRange);
    assert_eq!(huge.value.as_deref(), Some("1e308"));
    assert!(huge.message.contains("“1e308”数值过大"), "{}", huge.message);
    assert!(!huge.message.contains("inf"));
}

#[test]
fn feedback_for_a_value_longer_than_an_excel_cell_is_cut_with_a_note() {
    let setup = Setup::load();
    let unit = setup.unit("区住建局");
    let long = "很长的说明".repeat(8_000); // 40 000 characters
    let d = Diagnostic::new(
        Code::WrongType,
        Location {
            unit: Some(unit.name.clone()),
            file: Some("zhujian.xlsx".into()),
            sheet: Some("数据填报".into()),
            cell: Some("H3".into()),
            ..Default::default()
        },
        format!("‘装配式建筑产业基地’应填写数值，所填“{long}”类型不符。"),
    )
    .with_value(long);
    let bytes = zhiliang_workbook::write_feedback(unit, &[d]).expect("feedback written");
    // Read back: the message and the value cells end with the note.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "fb.xlsx", &bytes);
    use calamine::Reader as _;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(dir.path().join("fb.xlsx")).unwrap();
    let range = wb.worksheet_range("问题清单").unwrap();
    for col in [6, 7] {
        let text = range.get_value((4, col)).unwrap().to_string();
        assert!(text.chars().count() <= 32_767);
        assert!(text.ends_with("字）"), "{}", &text[text.len() - 60..]);
        assert!(text.contains("……（以下省略"));
    }
}

/// A worker that is really a shell script, to provoke each way a worker can fail.
fn fake(script: &str, wall: Duration) -> Reader {
    Reader::Worker(Worker {
        program: "/bin/sh".into(),
        args: vec!["-c".into(), script.into()],
        limits: Limits {
            wall,
            ..worker_limits()
        },
    })
}

#[cfg(unix)]
#[test]
fn a_worker_that_hangs_runs_out_of_memory_or_crashes_is_a_diagnostic_with_the_reason() {
    let setup = Setup::load();
    let bytes = FormBuilder::new("区住建局")
        .scalar("prefab_industry_bases", Cell::Number(3.0))
        .build();
    let cases = [
        (
            fake("cat > /dev/null; exec sleep 30", Duration::from_millis(500)),
            ReadError::Timeout,
            "读取超时",
        ),
        (
            fake(
                "cat > /dev/null; echo 'memory allocation of 1099511627776 bytes failed' >&2; kill -ABRT $$",
                Duration::from_secs(10),
            ),
            ReadError::OutOfMemory,
            "读取时超出内存限制",
        ),
        (
            fake("cat > /dev/null; kill -SEGV $$", Duration::from_secs(10)),
            ReadError::Crashed("信号 11".into()),
            "读取时程序异常终止",
        ),
        (
            fake("cat > /dev/null; echo not-json", Duration::from_secs(10)),
            ReadError::Crashed(String::new()),
            "读取时程序异常终止",
        ),
    ];
    for (reader, error, reason) in cases {
        let got = reader.read(&bytes).unwrap_err();
        match (&got, &error) {
            (ReadError::Crashed(a), ReadError::Crashed(b)) => assert!(a.contains(b.as_str())),
            _ => assert_eq!(got, error),
        }
        // Through ingest: that file is one diagnostic, the reason in Chinese.
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "zhujian.xlsx", &bytes);
        let mut cache = Default::default();
        let report = ingest_with(dir.path(), &setup, &mut cache, &reader);
        assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
        let d = &report.diagnostics[0];
        assert_eq!(d.code, Code::UnreadableWorkbook);
        assert_eq!(d.location.file.as_deref(), Some("zhujian.xlsx"));
        assert!(d.message.contains(reason), "{}", d.message);
        assert!(report.submissions.is_empty());
    }
}

#[test]
fn control_characters_in_a_facts_import_are_removed_with_a_warning() {
    let setup = Setup::load();
    let mut facts = common::example_facts();
    let sub = facts
        .submissions
        .iter_mut()
        .find(|s| !s.narratives.is_empty())
        .unwrap();
    let id = *sub.narratives.keys().next().unwrap();
    sub.narratives
        .insert(id, "开展了\u{7}\u{1b}[2J活动".to_string());
    let unit = sub.unit.clone();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "all.facts.json",
        &serde_json::to_vec(&facts).unwrap(),
    );
    let report = zhiliang_workbook::ingest(dir.path(), &setup);
    let ctl = of(&report.diagnostics, Code::ControlCharacters);
    assert_eq!(ctl.len(), 1, "{:#?}", report.diagnostics);
    assert_eq!(ctl[0].location.unit.as_deref(), Some(unit.as_str()));
    assert_eq!(ctl[0].severity, Severity::Warning);
    let read = report.submissions.iter().find(|s| s.unit == unit).unwrap();
    assert_eq!(read.narratives[&id], "开展了[2J活动");
}

#[test]
fn another_units_form_under_this_units_cover_is_said_once_at_the_cover() {
    // 区住建局's form as the program wrote it, with 区市场监管局 typed on the cover.
    let original = std::fs::read(common::repo("input/zhujian.xlsx")).unwrap();
    let swapped = rewrite(&original, "xl/sharedStrings.xml", |s| {
        assert!(s.contains("区住房和城乡建设局"));
        s.replace("区住房和城乡建设局", "区市场监管局")
    });
    assert!(
        of(
            &read("zhujian.xlsx", &original).diagnostics,
            Code::FormOfAnotherUnit
        )
        .is_empty()
    );

    let out = read("zhujian.xlsx", &swapped);
    let d = of(&out.diagnostics, Code::FormOfAnotherUnit);
    assert_eq!(d.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(d[0].severity, Severity::Warning);
    assert_eq!(d[0].location.sheet.as_deref(), Some("封面"));
    assert_eq!(
        d[0].location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("B3")
    );
    assert!(
        d[0].message.contains("是下发给区住建局的填报表"),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains("evidence/shichangjianguan/"),
        "{}",
        d[0].message
    );
    // The data still counts for the unit on the cover, as the message says.
    assert_eq!(out.submissions[0].unit, "区市场监管局");
}

#[test]
fn a_row_beyond_the_cap_written_before_the_form_rows_hides_none_of_them() {
    // Excel writes rows in order; a script need not. A cell at row 20 001 placed first in
    // 数据填报's XML must not stop the rows after it from being read.
    let original = std::fs::read(common::repo("input/zhujian.xlsx")).unwrap();
    // 数据填报 is the form's second sheet (the far cell reported on 数据填报 below confirms
    // the edit landed there).
    let sheet = "xl/worksheets/sheet2.xml";
    // After the far row: an in-range row holding only a formula (no saved result), which
    // the second, formula pass must reach too.
    let far = concat!(
        r#"<row r="20001"><c r="H20001" t="inlineStr"><is><t>写在表格外的数据</t></is></c></row>"#,
        r#"<row r="9001"><c r="K9001"><f>1+2</f></c></row>"#
    );
    let shuffled = rewrite(&original, sheet, |s| {
        s.replacen("<sheetData>", &format!("<sheetData>{far}"), 1)
    });
    let before = read("zhujian.xlsx", &original);
    let after = read("zhujian.xlsx", &shuffled);
    // Every value of the form is still read...
    assert_eq!(
        after.submissions[0].scalars, before.submissions[0].scalars,
        "{:#?}",
        after.diagnostics
    );
    assert!(!after.submissions[0].scalars.is_empty());
    let book = zhiliang_workbook::ingest::read::read_book(&shuffled).unwrap();
    let data = book.sheet("数据填报").unwrap();
    assert_eq!(
        data.get(9000, 10),
        Some(&zhiliang_workbook::ingest::read::Raw::Error("=1+2".into()))
    );
    // ...and the far cell is reported where it is.
    let d = of(&after.diagnostics, Code::FileTooLarge);
    assert_eq!(d.len(), 1, "{:#?}", after.diagnostics);
    assert_eq!(d[0].location.sheet.as_deref(), Some("数据填报"));
    assert_eq!(
        d[0].location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("H20001")
    );
}
