//! The blank form's structure: what Excel shows the unit (drop-downs, validation, input
//! messages, protection, frozen headers) and what it hides (keys, meta).

mod common;

use common::Setup;
use std::io::Read;

/// The XML of every part of an xlsx, by name.
fn parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.insert(f.name().unwrap().to_string(), s);
        }
    }
    out
}

fn form(unit: &str) -> (Setup, std::collections::BTreeMap<String, String>) {
    let setup = Setup::load();
    let bytes = zhiliang_workbook::write_form(&setup, setup.unit(unit)).unwrap();
    let p = parts(&bytes);
    (setup, p)
}

/// Sheet XML by sheet name (sheets are numbered in workbook order).
fn sheet<'a>(p: &'a std::collections::BTreeMap<String, String>, name: &str) -> &'a str {
    let wb = &p["xl/workbook.xml"];
    let names: Vec<&str> = wb
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let i = names
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("no sheet {name} in {names:?}"));
    &p[&format!("xl/worksheets/sheet{}.xml", i + 1)]
}

#[test]
fn sheets_hold_the_units_lists_and_a_very_hidden_meta_sheet() {
    let (setup, p) = form("区住建局");
    let wb = &p["xl/workbook.xml"];
    for name in ["封面", "数据填报", "工作情况", "表彰与报道", "质量文化活动"]
    {
        assert!(wb.contains(&format!("<sheet name=\"{name}\"")), "{name}");
    }
    // 标准制修订 (indicator 14) is 区市场监管局's alone.
    assert!(!wb.contains("标准制修订"));
    assert!(wb.contains("name=\"_zhiliang\"") && wb.contains("state=\"veryHidden\""));
    assert!(wb.contains("zhiliang_catalogue_hash"));
    let hash = zhiliang_workbook::layout::catalogue_hash(&setup.catalogue);
    assert!(p["xl/sharedStrings.xml"].contains(&hash));
}

#[test]
fn data_sheet_is_protected_frozen_and_keyed() {
    let (_, p) = form("区住建局");
    let s = sheet(&p, "数据填报");
    assert!(s.contains("<sheetProtection"), "protected without password");
    assert!(!s.contains("password="));
    assert!(s.contains("state=\"frozen\"") && s.contains("ySplit=\"2\""));
    // Key column A and key row 1 hidden.
    assert!(s.contains("<col min=\"1\" max=\"1\"") && s.contains("hidden=\"1\""));
    assert!(
        s.contains("<row r=\"1\"")
            && s.split("<row r=\"1\"")
                .nth(1)
                .unwrap()
                .split('>')
                .next()
                .unwrap()
                .contains("hidden=\"1\"")
    );
    // Validation with Chinese input messages: decimal for amounts, whole numbers for counts,
    // a list for 是/否.
    assert!(s.contains("type=\"decimal\""));
    assert!(s.contains("type=\"whole\""));
    assert!(s.contains("promptTitle=\"新开工建筑绿色节能设计标准执行率\""));
    assert!(s.contains("prompt=\"") && s.contains("分子和分母"));
}

#[test]
fn choice_and_bool_fields_have_drop_downs() {
    let (_, p) = form("区住建局");
    let s = sheet(&p, "表彰与报道");
    assert!(s.contains("type=\"list\""));
    assert!(s.contains("\"国家级,省级,市级\""), "level drop-down");
    assert!(s.contains("\"是,否\""), "is_ad drop-down");
    assert!(s.contains("type=\"date\""));
    assert!(s.contains("state=\"frozen\""));
    // Rows can be inserted in list sheets.
    assert!(s.contains("insertRows=\"0\""));
}

#[test]
fn the_form_marks_lead_and_support_indicators() {
    let (_, p) = form("区统计局");
    let strings = &p["xl/sharedStrings.xml"];
    assert!(strings.contains(">牵头<") && strings.contains(">配合<"));
    // Its 数据项 with the resolved statistics year (评价年度 2022 → 2021年).
    assert!(strings.contains("上年度地区生产总值"));
    assert!(strings.contains(">2021年<"));
    // The cover names the unit in full.
    assert!(strings.contains("区统计局"));
}

#[test]
fn every_unit_gets_a_form_and_support_only_units_still_get_the_open_indicators() {
    let setup = Setup::load();
    let files = zhiliang_workbook::form_files(&setup).unwrap();
    assert_eq!(files.len(), 15);
    for (unit, (name, bytes)) in setup.roster.units.iter().zip(&files) {
        let inds = zhiliang_workbook::unit_indicators(&setup.catalogue, &setup.roster, unit);
        // 1 (其他成员单位) and 26 (各成员单位) are open to everybody.
        assert!(inds.iter().any(|(i, _)| i.id == 1), "{}", unit.name);
        assert!(inds.iter().any(|(i, _)| i.id == 26), "{}", unit.name);
        assert_eq!(*name, format!("{}-{}.xlsx", unit.id, unit.name));
        // The bytes are that unit's own form.
        let own = zhiliang_workbook::write_form(&setup, unit).unwrap();
        assert_eq!(*bytes, own, "{name}");
    }
    assert!(files.iter().any(|(n, _)| n == "zhujian-区住建局.xlsx"));
}

/// Sheet names in workbook order (the hidden ones last).
fn sheet_names(p: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    p["xl/workbook.xml"]
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn every_printed_sheet_is_a4_one_page_wide_with_header_rows_and_page_numbers() {
    // The printed result itself is checked by tests/print_pdf.rs where LibreOffice is
    // installed; this checks the setup Excel reads, everywhere.
    let (_, p) = form("区市场监管局");
    let wb = &p["xl/workbook.xml"];
    let printed: Vec<String> = sheet_names(&p)
        .into_iter()
        .filter(|n| !n.starts_with('_'))
        .collect();
    assert!(printed.len() > 10, "{printed:?}");
    for name in &printed {
        let s = sheet(&p, name);
        assert!(s.contains("paperSize=\"9\""), "{name}: A4");
        assert!(
            s.contains("<pageSetUpPr fitToPage=\"1\"/>"),
            "{name}: fit to page"
        );
        assert!(s.contains("horizontalCentered=\"1\""), "{name}");
        assert!(
            s.contains("<oddHeader>&amp;L章丘区创建山东省质量强区 数据填报表&amp;R区市场监督管理局</oddHeader>"),
            "{name}: 页眉 with the unit"
        );
        assert!(
            s.contains("<oddFooter>&amp;L&amp;A&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"),
            "{name}: 页脚 with page numbers"
        );
        if name == "封面" {
            // One page, portrait: no fitToHeight="0", so Excel fits it 1 × 1.
            assert!(s.contains("orientation=\"portrait\"") && !s.contains("fitToHeight"));
            assert!(!wb.contains(&format!(">{name}!$1:$2<")));
        } else {
            // One page wide, as many down as needed, the header row on every page.
            assert!(s.contains("fitToHeight=\"0\""), "{name}");
            assert!(
                wb.contains(&format!(
                    "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{}\">{name}!$1:$2<",
                    printed.iter().position(|n| n == name).unwrap()
                )),
                "{name}: print titles"
            );
            // Frozen under the header row.
            assert!(
                s.contains("ySplit=\"2\"") && s.contains("state=\"frozen\""),
                "{name}"
            );
        }
    }
    for wide in ["数据填报", "工作情况", "年度数据"] {
        assert!(
            sheet(&p, wide).contains("orientation=\"landscape\""),
            "{wide}"
        );
    }
}

/// The `ht` of a 1-based row of a sheet's XML.
fn row_height(s: &str, row: u32) -> f64 {
    let tag = s
        .split(&format!("<row r=\"{row}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("row {row}"))
        .split('>')
        .next()
        .unwrap();
    let ht = tag.split("ht=\"").nth(1).expect("row height set");
    ht.split('"').next().unwrap().parse().unwrap()
}

#[test]
fn rows_are_as_tall_as_their_wrapped_text() {
    let (setup, p) = form("区市场监管局");
    let plan = setup.plan("区市场监管局");
    let s = sheet(&p, "工作情况");
    // Each indicator's row holds its whole text (50-unit column): a long one is taller
    // than the 90 pt every row gets for writing in, and taller than a short one.
    let (long, short) = {
        let by_len = |i: usize| plan.indicators[i].0.text.trim().chars().count();
        let mut idx: Vec<usize> = (0..plan.indicators.len()).collect();
        idx.sort_by_key(|&i| by_len(i));
        (*idx.last().unwrap(), idx[0])
    };
    let row = |i: usize| i as u32 + zhiliang_workbook::layout::FIRST_DATA_ROW + 1;
    let long_text = plan.indicators[long].0.text.trim();
    let lines = zhiliang_workbook::print::wrapped_lines(long_text, 50.0);
    assert!(lines > 6, "{lines} lines");
    assert_eq!(
        row_height(s, row(long)),
        zhiliang_workbook::print::row_height([(long_text, 50.0)])
    );
    assert_eq!(row_height(s, row(short)), 90.0);
    // The 数据填报 header row fits its two-line headers; data rows fit their 填写说明.
    let s = sheet(&p, "数据填报");
    assert!(row_height(s, 2) >= 2.0 * zhiliang_workbook::print::LINE_POINTS);
    for r in 3..3 + plan.scalars.len() as u32 {
        assert!(
            row_height(s, r) >= zhiliang_workbook::print::MIN_ROW_POINTS,
            "row {r}"
        );
    }
}
