//! Reading a spreadsheet file into sparse cells, safely.
//!
//! Everything a hostile or broken file could do to us is stopped here, before calamine
//! allocates: the file size is capped, the container is sniffed by its magic bytes (a
//! "xlsx" that is really text or HTML, an OLE container holding an encrypted workbook),
//! zip entries are inspected for absurd uncompressed sizes, and xlsx sheets are read
//! through calamine's streaming cell reader with a row/column cap, so neither a huge
//! `<dimension>` nor a far-away cell makes us allocate a dense range. calamine calls are
//! wrapped in `catch_unwind` as a last resort.

use calamine::{Data, Dimensions, Ods, Reader, Xls, Xlsb, Xlsx, XlsxError};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;
use std::io::Cursor;

use crate::layout::limits;

/// A cell value as read, before it is interpreted against a field kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Text(String),
    /// A number cell; `percent` when its number format shows a percentage (97.5% is stored
    /// as 0.975).
    Number {
        value: f64,
        percent: bool,
    },
    Bool(bool),
    /// A date-formatted cell (or an ISO date from an ODS file).
    Date(NaiveDateTime),
    /// An Excel error value such as `#DIV/0!`.
    Error(String),
}

/// One sheet's non-empty cells, keyed by zero-based (row, column).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), Raw>,
    /// The first non-blank cell found beyond the row/column cap, if any.
    pub beyond_limits: Option<(u32, u32)>,
}

impl Sheet {
    pub fn get(&self, row: u32, col: u32) -> Option<&Raw> {
        self.cells.get(&(row, col))
    }
    /// The text of a cell as shown (numbers formatted), trimmed; empty when blank.
    pub fn text(&self, row: u32, col: u32) -> String {
        match self.get(row, col) {
            Some(r) => r.display(),
            None => String::new(),
        }
    }
    /// Rows that hold at least one cell, ascending.
    pub fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.cells.keys().map(|(r, _)| *r).collect();
        rows.dedup();
        rows
    }
}

impl Raw {
    /// What the cell shows, as a user would quote it in a message.
    pub fn display(&self) -> String {
        match self {
            Raw::Text(s) => s.trim().to_string(),
            Raw::Number { value, percent } => {
                if *percent {
                    format!("{}%", fmt_f64(value * 100.0))
                } else {
                    fmt_f64(*value)
                }
            }
            Raw::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Raw::Date(d) => {
                if d.time() == chrono::NaiveTime::MIN {
                    d.date().format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            Raw::Error(e) => e.clone(),
        }
    }
}

/// Shortest decimal representation that round-trips (so 1217.8 stays 1217.8, and
/// 0.975 × 100 prints as 97.5, not 97.49999999999999).
pub fn fmt_f64(v: f64) -> String {
    let rounded = (v * 1e9).round() / 1e9;
    let s = format!("{rounded}");
    if s == "-0" { "0".to_string() } else { s }
}

#[derive(Debug, Clone, Default)]
pub struct Book {
    pub sheets: Vec<Sheet>,
}

impl Book {
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// Why a file could not be read; mapped to diagnostics by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Empty,
    TooLarge(u64),
    /// Not a spreadsheet container; the text says what it looks like.
    NotSpreadsheet(String),
    Encrypted,
    /// A zip whose entries would decompress to an absurd size.
    Bomb(String),
    Corrupt(String),
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Column letters of a zero-based column (0 → A, 26 → AA).
pub fn col_letters(col: u32) -> String {
    let a1 = zhiliang_core::diagnostics::a1(0, col);
    a1.trim_end_matches('1').to_string()
}

enum Container {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

/// Reads a workbook from memory, never panicking.
pub fn read_book(bytes: &[u8]) -> Result<Book, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    // The zip inspection and calamine both parse untrusted bytes: a panic in either is
    // this file's problem, not the run's.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_container(bytes, sniff(bytes)?)
    })) {
        Ok(r) => r,
        Err(_) => Err(ReadError::Corrupt("读取时发生内部错误".to_string())),
    }
}

fn sniff(bytes: &[u8]) -> Result<Container, ReadError> {
    if bytes.starts_with(&OLE_MAGIC) {
        // An encrypted xlsx (Office "password to open") is an OLE compound file holding the
        // streams EncryptionInfo and EncryptedPackage; their names are stored in UTF-16.
        if contains(bytes, &utf16("EncryptedPackage")) || contains(bytes, &utf16("EncryptionInfo"))
        {
            return Err(ReadError::Encrypted);
        }
        return Ok(Container::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return zip_guard(bytes);
    }
    let head = &bytes[..bytes.len().min(2048)];
    let text = String::from_utf8_lossy(head).to_lowercase();
    let what = if text.contains("<html") || text.contains("<table") {
        "网页（HTML）文件"
    } else if text.contains("<?xml") {
        "XML 文件"
    } else if head.starts_with(b"%PDF") {
        "PDF 文件"
    } else if std::str::from_utf8(head).is_ok()
        || head
            .iter()
            .filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
            .count()
            * 10
            > head.len() * 9
    {
        "文本文件"
    } else {
        "无法识别的二进制文件"
    };
    Err(ReadError::NotSpreadsheet(what.to_string()))
}

/// Inspects the zip's central directory (no decompression) before anyone inflates it.
fn zip_guard(bytes: &[u8]) -> Result<Container, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::Corrupt(format!("压缩包结构损坏（{e}）")))?;
    if zip.len() > limits::MAX_ZIP_ENTRIES {
        return Err(ReadError::Bomb(format!("包含 {} 个内部文件", zip.len())));
    }
    let mut total: u64 = 0;
    let (mut xlsx, mut xlsb, mut ods) = (false, false, false);
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| ReadError::Corrupt(format!("压缩包结构损坏（{e}）")))?;
        let size = f.size();
        let packed = f.compressed_size().max(1);
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        if size > limits::MAX_ENTRY_BYTES
            || (size > 10 * 1024 * 1024 && size / packed > limits::MAX_RATIO)
        {
            return Err(ReadError::Bomb(format!(
                "内部文件 {name} 解压后达 {} 字节",
                size
            )));
        }
        total = total.saturating_add(size);
        match name.as_str() {
            "xl/workbook.xml" => xlsx = true,
            "xl/workbook.bin" => xlsb = true,
            "content.xml" => ods = true,
            _ => {}
        }
    }
    if total > limits::MAX_TOTAL_BYTES {
        return Err(ReadError::Bomb(format!("解压后共 {total} 字节")));
    }
    // Declared sizes can lie, and neither the zip crate nor calamine stops at them. Entries
    // large enough to matter are inflated once into a counting sink, stopping one byte past
    // the declared size; small entries cannot expand far (deflate tops out near 1:1032).
    for i in 0..zip.len() {
        let Ok(mut f) = zip.by_index(i) else {
            return Err(ReadError::Corrupt("压缩包内部文件无法读取".to_string()));
        };
        if f.compressed_size() < limits::VERIFY_COMPRESSED_BYTES {
            continue;
        }
        let declared = f.size();
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut limited = std::io::Read::take(&mut f, declared + 1);
        match std::io::copy(&mut limited, &mut std::io::sink()) {
            Ok(n) if n > declared => {
                return Err(ReadError::Bomb(format!(
                    "内部文件 {name} 实际解压大小超过其声明的 {declared} 字节"
                )));
            }
            Ok(_) => {}
            // The zip crate itself refuses to inflate past the declared size.
            Err(e) if e.to_string().contains("larger than its declared") => {
                return Err(ReadError::Bomb(format!(
                    "内部文件 {name} 实际解压大小超过其声明的 {declared} 字节"
                )));
            }
            Err(e) => {
                return Err(ReadError::Corrupt(format!(
                    "内部文件 {name} 解压失败（{e}）"
                )));
            }
        }
    }
    if xlsx {
        Ok(Container::Xlsx)
    } else if xlsb {
        Ok(Container::Xlsb)
    } else if ods {
        Ok(Container::Ods)
    } else {
        Err(ReadError::NotSpreadsheet(
            "压缩包（不含工作簿，可能是 Word 文档或其他压缩文件）".to_string(),
        ))
    }
}

fn read_container(bytes: &[u8], container: Container) -> Result<Book, ReadError> {
    match container {
        Container::Xlsx => read_xlsx(bytes),
        Container::Xls => {
            let mut wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => ReadError::Encrypted,
                e => ReadError::Corrupt(e.to_string()),
            })?;
            let names = wb.sheet_names();
            let mut book = Book::default();
            for name in names.into_iter().take(limits::MAX_SHEETS) {
                let Ok(range) = wb.worksheet_range(&name) else {
                    continue;
                };
                let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
                book.sheets.push(sheet_from_range(name, &range, &merges));
            }
            Ok(book)
        }
        Container::Xlsb => {
            let mut wb =
                Xlsb::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt(e.to_string()))?;
            let names = wb.sheet_names();
            let mut book = Book::default();
            for name in names.into_iter().take(limits::MAX_SHEETS) {
                let Ok(range) = wb.worksheet_range(&name) else {
                    continue;
                };
                book.sheets.push(sheet_from_range(name, &range, &[]));
            }
            Ok(book)
        }
        Container::Ods => {
            ods_guard(bytes)?;
            let mut wb = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::OdsError::Password => ReadError::Encrypted,
                e => ReadError::Corrupt(e.to_string()),
            })?;
            let names = wb.sheet_names();
            let mut book = Book::default();
            for name in names.into_iter().take(limits::MAX_SHEETS) {
                let Ok(range) = wb.worksheet_range(&name) else {
                    continue;
                };
                book.sheets.push(sheet_from_range(name, &range, &[]));
            }
            Ok(book)
        }
    }
}

/// ODS compresses runs of equal cells as `number-rows-repeated` / `number-columns-repeated`,
/// and calamine expands the ones holding a value. LibreOffice writes huge repeats for empty
/// trailing rows and columns (harmless); a repeat of a cell *with a value* beyond the read
/// limits would expand into billions of cells, so it is refused here.
fn ods_guard(bytes: &[u8]) -> Result<(), ReadError> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::Corrupt(format!("压缩包结构损坏（{e}）")))?;
    let mut xml = String::new();
    zip.by_name("content.xml")
        .map_err(|e| ReadError::Corrupt(e.to_string()))?
        .take(limits::MAX_ENTRY_BYTES)
        .read_to_string(&mut xml)
        .map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let repeat = |tag: &str, attr: &str| -> u64 {
        tag.find(attr)
            .and_then(|i| tag[i + attr.len()..].split('"').nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(1)
    };
    let mut rows_repeated = 1u64;
    let mut rest = xml.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with("<table:table-row") {
            rows_repeated = repeat(tag, "number-rows-repeated=");
        } else if tag.starts_with("<table:table-cell")
            || tag.starts_with("<table:covered-table-cell")
        {
            let cols = repeat(tag, "number-columns-repeated=");
            if tag.contains("value-type=")
                && (cols > limits::MAX_COLS as u64 || rows_repeated > limits::MAX_ROWS as u64)
            {
                return Err(ReadError::Bomb(format!(
                    "一个有内容的单元格被重复 {} 行 × {} 列",
                    rows_repeated, cols
                )));
            }
        }
        rest = &rest[end.min(rest.len())..];
        if rest.len() <= 1 {
            break;
        }
        rest = &rest[1..];
    }
    Ok(())
}

/// Whether an Excel number format code shows a percentage (a `%` outside quotes).
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

fn read_xlsx(bytes: &[u8]) -> Result<Book, ReadError> {
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsxError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt(e.to_string()),
    })?;
    let names = wb.sheet_names();
    let mut book = Book::default();
    for name in names.into_iter().take(limits::MAX_SHEETS) {
        // A second, cheap pass over the sheet XML (bounded by the zip guard's size caps).
        let merges: Vec<Dimensions> = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let mut sheet = Sheet {
            name: name.clone(),
            ..Default::default()
        };
        let Ok(mut reader) = wb.worksheet_cells_reader(&name) else {
            continue;
        };
        let percent: Vec<bool> = reader
            .styles()
            .iter()
            .map(|s| {
                s.number_format.as_ref().is_some_and(|f| {
                    matches!(f.format_id, Some(9) | Some(10)) || is_percent_format(&f.format_code)
                })
            })
            .collect();
        loop {
            let next = match reader.next_cell_with_style_id() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    // A broken sheet XML: keep what was read, the caller sees missing keys.
                    let _ = e;
                    break;
                }
            };
            let (cell, style) = next;
            let (row, col) = cell.get_position();
            let raw = from_data(
                &Data::from(cell.get_value().clone()),
                percent.get(style).copied().unwrap_or(false),
            );
            let Some(raw) = raw else { continue };
            if row >= limits::MAX_ROWS || col >= limits::MAX_COLS {
                if sheet.beyond_limits.is_none() {
                    sheet.beyond_limits = Some((row, col));
                }
                if row >= limits::MAX_ROWS {
                    // Rows come in order: nothing further will be read.
                    break;
                }
                continue;
            }
            sheet.cells.insert((row, col), raw);
        }
        drop(reader);
        apply_merges(&mut sheet, &merges);
        book.sheets.push(sheet);
    }
    Ok(book)
}

/// One calamine cell as a [`Raw`] value; `percent` says the cell's number format is a
/// percentage (only the streaming xlsx reader can tell).
fn from_data(v: &Data, percent: bool) -> Option<Raw> {
    Some(match v {
        Data::Empty => return None,
        Data::Int(i) => Raw::Number {
            value: *i as f64,
            percent,
        },
        Data::Float(f) => Raw::Number { value: *f, percent },
        Data::String(s) => text(s)?,
        Data::Bool(b) => Raw::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) if dt.is_datetime() => Raw::Date(d),
            _ => Raw::Number {
                value: dt.as_f64(),
                percent: false,
            },
        },
        Data::DateTimeIso(s) => iso(s),
        Data::DurationIso(s) => text(s)?,
        Data::Error(e) => Raw::Error(format!("{e}")),
    })
}

/// Text cells holding only whitespace (including the ideographic space) count as blank.
fn text(s: &str) -> Option<Raw> {
    if s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .is_empty()
    {
        None
    } else {
        Some(Raw::Text(s.to_string()))
    }
}

fn iso(s: &str) -> Raw {
    if let Ok(d) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Raw::Date(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Raw::Date(d.and_time(chrono::NaiveTime::MIN));
    }
    Raw::Text(s.to_string())
}

fn sheet_from_range(name: String, range: &calamine::Range<Data>, merges: &[Dimensions]) -> Sheet {
    let mut sheet = Sheet {
        name,
        ..Default::default()
    };
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let (row, col) = (r0 + r as u32, c0 + c as u32);
        let Some(raw) = from_data(v, false) else {
            continue;
        };
        if row >= limits::MAX_ROWS || col >= limits::MAX_COLS {
            if sheet.beyond_limits.is_none() {
                sheet.beyond_limits = Some((row, col));
            }
            continue;
        }
        sheet.cells.insert((row, col), raw);
    }
    apply_merges(&mut sheet, merges);
    sheet
}

/// A vertically merged cell holds its value in the top-left cell only; every row the merge
/// covers gets that value in the merge's first column (a 级别 merged over three records
/// belongs to all three). Horizontal spans are not copied (a merged 填报单位 B3:D3 is one
/// value, not three).
fn apply_merges(sheet: &mut Sheet, merges: &[Dimensions]) {
    for m in merges {
        let (top, left) = m.start;
        let bottom = m.end.0.min(limits::MAX_ROWS - 1);
        if bottom <= top {
            continue;
        }
        let Some(v) = sheet.cells.get(&(top, left)).cloned() else {
            continue;
        };
        for r in top + 1..=bottom {
            sheet.cells.entry((r, left)).or_insert_with(|| v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0.00%"));
        assert!(is_percent_format("0%"));
        assert!(!is_percent_format("0.00\"%\""));
        assert!(!is_percent_format("General"));
    }

    #[test]
    fn letters() {
        assert_eq!(col_letters(0), "A");
        assert_eq!(col_letters(27), "AB");
    }

    #[test]
    fn f64_display() {
        assert_eq!(fmt_f64(0.975 * 100.0), "97.5");
        assert_eq!(fmt_f64(1217.8), "1217.8");
    }
}
