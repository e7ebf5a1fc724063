//! Thousands of bad rows: checking stays linear (the time is measured by the benchmark,
//! not asserted here), and repeated problems of one code in one sheet are summarised
//! after the first 20.

mod common;

use common::{Cell, FormBuilder, ListSheet, Setup, write};
use zhiliang_core::diagnostics::{self, Code, Diagnostic};
use zhiliang_workbook::check::summarise_repeats;
use zhiliang_workbook::layout::limits::REPEATS_SHOWN;

const ROWS: u32 = 5_000;

/// (list key, sheet name, field keys, the three cells of row i: every row differs, every
/// row has a choice not on the list and a date that is not a date, and no evidence).
type Sheet = (
    &'static str,
    &'static str,
    [&'static str; 3],
    fn(u32) -> [&'static str; 3],
);

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

const SHEETS: [Sheet; 4] = [
    (
        "culture_activities",
        "质量文化活动",
        ["name", "type", "date"],
        |i| [leak(format!("活动{i}")), "庙会", "去年春天"],
    ),
    (
        "publicity",
        "质量宣传",
        ["channel", "content", "date"],
        |i| ["广播", leak(format!("宣传{i}")), "某日"],
    ),
    (
        "quality_meetings",
        "质量工作会议",
        ["name", "date", "top_leader"],
        |i| [leak(format!("会议{i}")), "上月", "处长"],
    ),
    (
        "exchanges",
        "交流与培训",
        ["type", "name", "date"],
        |i| ["座谈", leak(format!("培训{i}")), "近日"],
    ),
];

/// 区市场监管局's form with ROWS bad rows in each of four list sheets.
pub fn bad_rows_workbook() -> Vec<u8> {
    let mut b = FormBuilder::new("区市场监管局");
    for (key, name, fields, row) in SHEETS {
        b.lists.push(ListSheet {
            key,
            name,
            fields: fields.to_vec(),
            rows: (0..ROWS)
                .map(|i| (2 + i, row(i).map(|t| Some(Cell::Text(t))).to_vec()))
                .collect(),
            merges: vec![],
        });
    }
    b.build()
}

#[test]
fn five_thousand_bad_rows_in_four_sheets_are_checked_and_summarised() {
    let setup = Setup::load();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shichang.xlsx", &bad_rows_workbook());
    let report = zhiliang_workbook::ingest(dir.path(), &setup);
    let mut diags = zhiliang_workbook::check(&setup, &report, &dir.path().join("evidence"));
    let subs = report.accepted_submissions();
    assert_eq!(subs[0].records.len(), 4 * ROWS as usize);
    let (_, merged) = zhiliang_core::merge::merge(&setup.catalogue, &setup.roster, &subs);
    diags.extend(merged);
    diagnostics::sort(&mut diags);
    let count = |diags: &[Diagnostic], sheet: &str, code: Code| {
        diags
            .iter()
            .filter(|d| d.location.sheet.as_deref() == Some(sheet) && d.code == code)
            .count()
    };
    for (_, sheet, _, _) in SHEETS {
        assert_eq!(count(&diags, sheet, Code::InvalidChoice), ROWS as usize);
        assert_eq!(count(&diags, sheet, Code::InvalidDate), ROWS as usize);
    }

    let total = diags.len();
    let shown = summarise_repeats(diags, REPEATS_SHOWN);
    assert!(shown.len() < 400, "{} of {total}", shown.len());
    for (_, sheet, _, _) in SHEETS {
        for code in [Code::InvalidChoice, Code::InvalidDate] {
            assert_eq!(
                count(&shown, sheet, code),
                REPEATS_SHOWN + 1,
                "{sheet} {code}"
            );
            let rest: Vec<&Diagnostic> = shown
                .iter()
                .filter(|d| {
                    d.location.sheet.as_deref() == Some(sheet)
                        && d.code == code
                        && d.location.cell.is_none()
                })
                .collect();
            assert_eq!(rest.len(), 1);
            assert!(rest[0].is_error());
            assert!(
                rest[0]
                    .message
                    .contains(&format!("另有{}行同类问题", ROWS as usize - REPEATS_SHOWN)),
                "{}",
                rest[0].message
            );
            // The first 20 are the first rows of the sheet, with their cells.
            let first: Vec<u32> = shown
                .iter()
                .filter(|d| d.location.sheet.as_deref() == Some(sheet) && d.code == code)
                .filter_map(|d| d.location.cell_ref())
                .map(|c| c.row + 1)
                .collect();
            assert_eq!(first, (3..3 + REPEATS_SHOWN as u32).collect::<Vec<_>>());
        }
    }
    // A summary is a typed diagnostic like any other.
    let json = serde_json::to_string(&shown).unwrap();
    let back: Vec<Diagnostic> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, shown);
}

#[test]
fn few_repeats_are_all_kept() {
    let d = |cell: &str| {
        Diagnostic::new(
            Code::InvalidDate,
            zhiliang_core::diagnostics::Location {
                file: Some("a.xlsx".into()),
                sheet: Some("表".into()),
                cell: Some(cell.into()),
                ..Default::default()
            },
            "x",
        )
    };
    let diags: Vec<Diagnostic> = (3..3 + REPEATS_SHOWN as u32)
        .map(|r| d(&format!("D{r}")))
        .collect();
    assert_eq!(summarise_repeats(diags.clone(), REPEATS_SHOWN), diags);
}
