//! Spreadsheets among the evidence (统计表, 台账, 名单): read like workbooks — in the
//! isolated reader, with every limit the forms have — and turned into tables the binder
//! prints sheet by sheet, so that a reviewer reads the figures in the binder itself
//! instead of "见电子附件".
//!
//! Each sheet becomes: an optional caption (a first row with one text across it, usually
//! a merged title), a header row (the first row after it), and the data rows, as the
//! cells display. Blank rows and columns are dropped. What exceeds the print caps
//! ([`MAX_ROWS`], [`MAX_COLUMNS`], [`MAX_SHEETS`]) is counted, and the binder says what
//! was left out.

use std::path::Path;

use zhiliang_core::diagnostics::{Code, Diagnostic, Location};
use zhiliang_core::facts::{EvidenceItem, EvidenceKind, EvidenceSheet, EvidenceTable};

use crate::ingest::Reader;
use crate::ingest::read::{Book, ReadError, Sheet};
use crate::layout::limits;

/// Data rows printed per sheet (about ten pages of 五号 table).
pub const MAX_ROWS: usize = 300;
/// Columns printed (a landscape A4 page holds about twelve readable columns).
pub const MAX_COLUMNS: usize = 12;
/// Sheets printed per file.
pub const MAX_SHEETS: usize = 10;
/// Characters kept of one cell.
pub const MAX_CELL_CHARS: usize = 200;

/// Reads every spreadsheet the evidence index names into `item.table`, or records why it
/// cannot be printed in `item.problem`; one diagnostic (with unit, file and indicator)
/// per such file.
///
/// `input_dir` is the folder `item.path` (`evidence/<unit>/<file>`) is relative to.
pub fn read_evidence_tables(
    items: &mut [EvidenceItem],
    input_dir: &Path,
    reader: &Reader,
) -> Vec<Diagnostic> {
    let mut paths: Vec<String> = items
        .iter()
        .filter(|i| i.kind == EvidenceKind::Spreadsheet && i.problem.is_none())
        .filter_map(|i| i.path.clone())
        .collect();
    paths.sort();
    paths.dedup();
    // Files are read within the workbook limit and never past it.
    let mut files: Vec<Result<Vec<u8>, ReadError>> = Vec::with_capacity(paths.len());
    for rel in &paths {
        files.push(read_capped(&input_dir.join(rel)));
    }
    let to_read: Vec<&[u8]> = files
        .iter()
        .filter_map(|f| f.as_ref().ok().map(Vec::as_slice))
        .collect();
    let mut books = reader.read_all(&to_read).into_iter();
    let results: std::collections::HashMap<&str, Result<EvidenceTable, String>> = paths
        .iter()
        .zip(&files)
        .map(|(rel, file)| {
            let result = match file {
                Err(e) => Err(e.clone()),
                Ok(_) => books
                    .next()
                    .unwrap_or_else(|| Err(ReadError::Crashed(String::new()))),
            };
            let table = result.map_err(|e| why(&e)).and_then(|book| {
                let table = table_of(&book);
                if table.sheets.is_empty() {
                    Err("是空表格，没有可排印的内容".to_string())
                } else {
                    Ok(table)
                }
            });
            (rel.as_str(), table)
        })
        .collect();
    let mut out = Vec::new();
    for item in items.iter_mut() {
        let Some(result) = item.path.as_deref().and_then(|p| results.get(p)) else {
            continue;
        };
        match result {
            Ok(table) => item.table = Some(table.clone()),
            Err(what) => {
                item.problem = Some(what.clone());
                let rel = item.path.clone().unwrap_or_default();
                out.push(
                    Diagnostic::new(
                        Code::EvidenceDamaged,
                        Location {
                            unit: Some(item.unit.clone()),
                            file: Some(rel.clone()),
                            indicator: Some(item.indicator),
                            ..Default::default()
                        },
                        format!(
                            "证明材料“{rel}”（{}，{}）{what}，无法在证明材料汇编中排印为表格；请报送单位用 Excel 或 WPS 打开后另存为 .xlsx 重新报送（草稿中以占位页标明）。",
                            item.number, item.unit
                        ),
                    )
                    .with_value(what.clone()),
                );
            }
        }
    }
    out
}

fn read_capped(path: &Path) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let len = std::fs::metadata(path)
        .map_err(|e| ReadError::Corrupt(e.to_string()))?
        .len();
    if len > limits::MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(len));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limits::MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| ReadError::Corrupt(e.to_string()))?;
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Why a spreadsheet cannot be printed, as a clause.
fn why(e: &ReadError) -> String {
    match e {
        ReadError::Empty => "是空文件".to_string(),
        ReadError::TooLarge(n) => format!(
            "有 {:.1} MB，超过 {} MB 的上限",
            *n as f64 / 1024.0 / 1024.0,
            limits::MAX_FILE_BYTES / 1024 / 1024
        ),
        ReadError::NotSpreadsheet(what) => format!("不是电子表格文件（{what}）"),
        ReadError::Encrypted => "设置了密码或加密，无法打开".to_string(),
        ReadError::Bomb(what) => format!("解压后异常庞大（{what}）"),
        ReadError::Corrupt(what) => format!("已损坏，无法读取（{what}）"),
        ReadError::BeyondLayout(sheet, row, col) => format!(
            "工作表“{sheet}”在第 {} 行第 {} 列有远超常规范围的内容",
            row + 1,
            col + 1
        ),
        ReadError::TooManyCells(n) => format!("单元格过多（{n} 个）"),
        ReadError::OutOfMemory => "读取时超出内存限制".to_string(),
        ReadError::Timeout => "读取超时".to_string(),
        ReadError::Crashed(how) => format!("读取时程序异常终止（{how}）"),
    }
}

/// The printable tables of a workbook.
pub fn table_of(book: &Book) -> EvidenceTable {
    let mut sheets: Vec<EvidenceSheet> = book.sheets.iter().filter_map(sheet_of).collect();
    let sheets_omitted = sheets.len().saturating_sub(MAX_SHEETS) + book.sheets_skipped;
    sheets.truncate(MAX_SHEETS);
    EvidenceTable {
        sheets,
        sheets_omitted,
    }
}

fn cell_text(sheet: &Sheet, row: u32, col: u32) -> String {
    let text = sheet.text(row, col);
    if text.chars().count() > MAX_CELL_CHARS {
        let cut: String = text.chars().take(MAX_CELL_CHARS).collect();
        format!("{cut}……")
    } else {
        text
    }
}

/// A row's texts as one line (blank cells left out).
fn joined(line: &[String]) -> String {
    line.iter()
        .filter(|t| !t.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("　　")
}

/// One sheet as caption, lines above, header, rows and lines below; `None` for a sheet
/// with no text.
fn sheet_of(sheet: &Sheet) -> Option<EvidenceSheet> {
    let rows = sheet.rows();
    // Columns holding any text, in order.
    let mut columns: Vec<u32> = sheet.cells.keys().map(|(_, c)| *c).collect();
    columns.sort_unstable();
    columns.dedup();
    columns.retain(|&c| rows.iter().any(|&r| !sheet.text(r, c).is_empty()));
    let mut lines: Vec<Vec<String>> = rows
        .iter()
        .map(|&r| columns.iter().map(|&c| cell_text(sheet, r, c)).collect())
        .filter(|line: &Vec<String>| line.iter().any(|t| !t.is_empty()))
        .collect();
    if lines.is_empty() {
        return None;
    }
    let columns_omitted = columns.len().saturating_sub(MAX_COLUMNS);
    for line in &mut lines {
        line.truncate(MAX_COLUMNS);
    }
    // A first row with one distinct text (a merged title repeats it across its range)
    // over a table of several columns is the caption.
    let mut caption = String::new();
    if lines.len() > 1 && lines[0].len() > 1 {
        let mut texts: Vec<&String> = lines[0].iter().filter(|t| !t.is_empty()).collect();
        texts.dedup();
        if texts.len() == 1 {
            caption = texts[0].clone();
            lines.remove(0);
        }
    }
    // The header is the first of the next few rows that fills most columns; rows before
    // it (填报单位, 统计时间) are printed above the table as lines.
    let width = lines.iter().map(Vec::len).max().unwrap_or(0);
    let filled = |line: &Vec<String>| line.iter().filter(|t| !t.is_empty()).count();
    let wide = |line: &Vec<String>| filled(line) >= 2.max((width * 3).div_ceil(5));
    let header_at = lines.iter().take(6).position(wide).unwrap_or(0);
    let preamble: Vec<String> = lines.drain(..header_at).map(|l| joined(&l)).collect();
    let header = lines.remove(0);
    // Trailing rows of one or two texts under a wider table (负责人, 填表人, a note)
    // are lines below it.
    let mut notes = Vec::new();
    while width >= 4 && lines.len() > 1 && lines.last().is_some_and(|l| filled(l) <= 2) {
        notes.push(joined(&lines.pop().unwrap_or_default()));
    }
    notes.reverse();
    let rows_omitted = lines.len().saturating_sub(MAX_ROWS);
    lines.truncate(MAX_ROWS);
    Some(EvidenceSheet {
        name: sheet.name.clone(),
        caption,
        preamble,
        header,
        rows: lines,
        notes,
        rows_omitted,
        columns_omitted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read::Raw;

    fn sheet(cells: &[(u32, u32, &str)]) -> Sheet {
        Sheet {
            name: "Sheet1".into(),
            cells: cells
                .iter()
                .map(|&(r, c, t)| ((r, c), Raw::Text(t.to_string())))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_merged_title_becomes_the_caption_and_the_next_row_the_header() {
        let s = sheet(&[
            (0, 0, "2022年能源计量审查统计表"),
            (0, 1, "2022年能源计量审查统计表"),
            (0, 2, "2022年能源计量审查统计表"),
            (2, 0, "序号"),
            (2, 1, "单位"),
            (2, 2, "结论"),
            (3, 0, "1"),
            (3, 1, "章丘明水风机有限公司"),
            (3, 2, "合格"),
            (5, 4, ""),
        ]);
        let t = sheet_of(&s).unwrap();
        assert_eq!(t.caption, "2022年能源计量审查统计表");
        assert_eq!(t.header, ["序号", "单位", "结论"]);
        assert_eq!(t.rows, [["1", "章丘明水风机有限公司", "合格"]]);
        assert_eq!((t.rows_omitted, t.columns_omitted), (0, 0));
    }

    #[test]
    fn lines_above_the_header_and_signatures_below_the_table_are_lines_not_rows() {
        let s = sheet(&[
            (0, 0, "重点用能单位能源计量审查统计表"),
            (0, 1, "重点用能单位能源计量审查统计表"),
            (0, 2, "重点用能单位能源计量审查统计表"),
            (0, 3, "重点用能单位能源计量审查统计表"),
            (1, 0, "填报单位：区市场监管局"),
            (1, 3, "统计时间：2022年"),
            (2, 0, "序号"),
            (2, 1, "行业"),
            (2, 2, "已审查（家）"),
            (2, 3, "覆盖率"),
            (3, 0, "1"),
            (3, 1, "通用设备制造业"),
            (3, 2, "4"),
            (3, 3, "100%"),
            (4, 0, "合计"),
            (4, 2, "4"),
            (4, 3, "100%"),
            (6, 0, "单位负责人："),
            (6, 2, "填表人："),
            (7, 0, "（数据为2022年6月底数）"),
        ]);
        let t = sheet_of(&s).unwrap();
        assert_eq!(t.caption, "重点用能单位能源计量审查统计表");
        assert_eq!(t.preamble, ["填报单位：区市场监管局　　统计时间：2022年"]);
        assert_eq!(t.header, ["序号", "行业", "已审查（家）", "覆盖率"]);
        assert_eq!(t.rows.len(), 2, "{:?}", t.rows);
        assert_eq!(t.rows[1][0], "合计");
        assert_eq!(
            t.notes,
            ["单位负责人：　　填表人：", "（数据为2022年6月底数）"]
        );
    }

    #[test]
    fn rows_and_columns_beyond_the_caps_are_counted_not_printed() {
        let mut cells = Vec::new();
        let texts: Vec<String> = (0..400).map(|i| i.to_string()).collect();
        for r in 0..(MAX_ROWS as u32 + 11) {
            for c in 0..(MAX_COLUMNS as u32 + 3) {
                cells.push((r, c, texts[(r + c) as usize % 400].as_str()));
            }
        }
        let t = sheet_of(&sheet(&cells)).unwrap();
        assert_eq!(t.rows.len(), MAX_ROWS);
        assert_eq!(t.rows_omitted, 10);
        assert_eq!(t.columns_omitted, 3);
        assert!(t.rows.iter().all(|r| r.len() == MAX_COLUMNS));
    }

    #[test]
    fn a_sheet_without_text_is_left_out() {
        assert!(sheet_of(&sheet(&[(0, 0, "  ")])).is_none());
        let book = Book {
            sheets: vec![sheet(&[]), sheet(&[(0, 0, "名单")])],
            sheets_skipped: 0,
        };
        assert_eq!(table_of(&book).sheets.len(), 1);
    }
}
