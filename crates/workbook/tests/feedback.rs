//! The feedback workbook lists one unit's problems with the cell to fix; and the committed
//! examples/problems folder shows every deliberate problem.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::{Setup, of, repo};
use std::io::Cursor;
use zhiliang_core::diagnostics::Code;
use zhiliang_workbook::{check, feedback_files, ingest, write_feedback};

fn problems() -> (Setup, Vec<zhiliang_core::diagnostics::Diagnostic>) {
    let setup = Setup::load();
    let dir = repo("examples/problems");
    let report = ingest(&dir, &setup);
    let diags = check(&setup, &report, &dir.join("evidence"));
    (setup, diags)
}

#[test]
fn the_problems_example_shows_each_deliberate_problem() {
    let (_, diags) = problems();
    let at = |code: Code, file: &str| -> Vec<(String, String)> {
        of(&diags, code)
            .into_iter()
            .filter(|d| d.location.file.as_deref() == Some(file))
            .map(|d| {
                (
                    d.location.sheet.clone().unwrap_or_default(),
                    d.location
                        .cell
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )
            })
            .collect()
    };
    assert_eq!(at(Code::UnreadableFile, "empty.xlsx").len(), 1);
    assert_eq!(at(Code::NotASpreadsheet, "shuiwu.xlsx").len(), 1);
    assert_eq!(at(Code::EncryptedFile, "wenlv-加密.xlsx").len(), 1);
    assert_eq!(
        at(Code::UnknownUnit, "qixiang.xlsx"),
        [("封面".to_string(), "B3".to_string())]
    );
    assert_eq!(at(Code::DuplicateSubmission, "zhujian.xlsx").len(), 1);
    assert_eq!(
        at(Code::DuplicateSubmission, "zhujian-修改版.xlsx").len(),
        1
    );
    // The revised file corrected the rate; a byte-for-byte copy is read once.
    assert!(at(Code::RateAboveHundred, "zhujian-修改版.xlsx").is_empty());
    assert_eq!(at(Code::DuplicateCopy, "shengtai (1).xlsx").len(), 1);
    assert!(
        of(&diags, Code::DuplicateSubmission)
            .iter()
            .all(|d| d.location.unit.as_deref() == Some("区住建局"))
    );
    assert_eq!(at(Code::RateAboveHundred, "zhujian.xlsx").len(), 1);
    assert_eq!(at(Code::EvidenceNotFound, "zhujian.xlsx").len(), 1);
    assert_eq!(at(Code::WrongType, "tongji.xlsx").len(), 1);
    assert_eq!(at(Code::MissingEvidence, "tongji.xlsx").len(), 1);
    assert_eq!(
        at(Code::InvalidChoice, "shichangjianguan.xlsx"),
        [("表彰与报道".to_string(), "C3".to_string())]
    );
    assert_eq!(of(&diags, Code::EvidenceUnreferenced).len(), 1);
    let missing: Vec<_> = of(&diags, Code::MissingSubmission)
        .iter()
        .map(|d| d.location.unit.clone().unwrap())
        .collect();
    assert_eq!(missing, ["区交通运输局", "区文旅局", "区水务局"]);
}

#[test]
fn feedback_lists_the_units_problems_with_cells() {
    let (setup, diags) = problems();
    let unit = setup.unit("区统计局");
    let bytes = write_feedback(unit, &diags).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("问题清单").unwrap();
    let text = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|d: &Data| d.to_string())
            .unwrap_or_default()
    };
    assert!(text(0, 0).contains("区统计局"));
    let headers: Vec<String> = (0..10).map(|c| text(3, c)).collect();
    assert_eq!(
        &headers[..9],
        [
            "序号",
            "类别",
            "问题类型",
            "文件",
            "工作表",
            "单元格",
            "问题",
            "所填值",
            "处理要求"
        ]
    );
    let own = diags
        .iter()
        .filter(|d| d.location.unit.as_deref() == Some("区统计局"))
        .count();
    let rows: Vec<u32> = (4..4 + own as u32).collect();
    assert_eq!(
        rows.len(),
        3,
        "wrong type, missing evidence, unreferenced file"
    );
    let wrong = rows
        .iter()
        .find(|r| text(**r, 9) == "wrong-type")
        .expect("wrong-type row");
    assert_eq!(text(*wrong, 3), "tongji.xlsx");
    assert_eq!(text(*wrong, 4), "数据填报");
    assert_eq!(
        text(*wrong, 5),
        format!("H{}", setup.fact_row("区统计局", "gdp"))
    );
    assert_eq!(text(*wrong, 7), "约1217.8亿");
    assert!(text(*wrong, 6).contains("上年度地区生产总值"));
    // Nothing of other units.
    assert!(rows.iter().all(|r| !text(*r, 3).contains("zhujian")));
    assert_eq!(text(4 + own as u32, 0), "");
}

#[test]
fn feedback_folder_has_one_workbook_per_unit_with_problems() {
    let (setup, diags) = problems();
    let files = feedback_files(&setup.roster, &diags).unwrap();
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    // Each file is that unit's own feedback workbook: its title names the unit.
    for (name, bytes) in &files {
        let unit = setup
            .roster
            .units
            .iter()
            .find(|u| *name == format!("{}-问题反馈.xlsx", u.id))
            .expect("named after a unit");
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        let range = wb.worksheet_range("问题清单").unwrap();
        let title = range.get_value((0, 0)).map(Data::to_string);
        assert!(
            title.as_deref().unwrap_or("").starts_with(&unit.full_name),
            "{name}: {title:?}"
        );
    }
    assert!(names.contains(&"tongji-问题反馈.xlsx".to_string()));
    assert!(names.contains(&"zhujian-问题反馈.xlsx".to_string()));
    assert!(
        !names.contains(&"caizheng-问题反馈.xlsx".to_string()),
        "{names:?}"
    );
}
