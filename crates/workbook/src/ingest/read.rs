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
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Cursor;

use crate::layout::limits;
use zhiliang_core::diagnostics::Cell;

/// A cell value as read, before it is interpreted against a field kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    #[serde(with = "cell_list")]
    pub cells: BTreeMap<(u32, u32), Raw>,
    /// The first non-blank cell found beyond the row/column cap, if any.
    pub beyond_limits: Option<Cell>,
    /// Merged ranges not applied because the sheet has more than the cap allows.
    #[serde(default)]
    pub merges_skipped: usize,
    /// Cells whose text held control characters (BEL, NUL, ESC …), which were removed:
    /// (the cell, the characters as `U+0007` names).
    #[serde(default)]
    pub control_chars: Vec<(Cell, String)>,
    /// The sheet could not be read to its end (broken XML, a shared-string index out of
    /// range, an unreadable sheet): the last cell read before it broke, if any, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<(Option<Cell>, String)>,
}

/// The cells of a sheet as a list of (row, column, value): JSON has no tuple keys.
mod cell_list {
    use super::Raw;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(
        cells: &BTreeMap<(u32, u32), Raw>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let list: Vec<(u32, u32, &Raw)> = cells.iter().map(|((r, c), v)| (*r, *c, v)).collect();
        list.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(u32, u32), Raw>, D::Error> {
        let list: Vec<(u32, u32, Raw)> = Vec::deserialize(d)?;
        Ok(list.into_iter().map(|(r, c, v)| ((r, c), v)).collect())
    }
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
/// 0.975 × 100 prints as 97.5, not 97.49999999999999). Huge numbers are shown in
/// scientific notation as Excel shows them (1e308, not "inf" nor 309 digits).
pub fn fmt_f64(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "#NUM!"
        } else {
            "#NUM!（溢出）"
        }
        .to_string();
    }
    if v.abs() >= 1e15 {
        return format!("{v:e}");
    }
    let rounded = (v * 1e9).round() / 1e9;
    let s = format!("{rounded}");
    if s == "-0" { "0".to_string() } else { s }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Book {
    pub sheets: Vec<Sheet>,
    /// Sheets beyond [`limits::MAX_SHEETS`], not read.
    #[serde(default)]
    pub sheets_skipped: usize,
}

impl Book {
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// Why a file could not be read; mapped to diagnostics by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadError {
    Empty,
    TooLarge(u64),
    /// Not a spreadsheet container; the text says what it looks like.
    NotSpreadsheet(String),
    Encrypted,
    /// A zip whose entries would decompress to an absurd size.
    Bomb(String),
    Corrupt(String),
    /// A cell with content (or a repeat of one) far beyond the form's layout, found before
    /// anything was allocated for it: (sheet, zero-based row, zero-based column).
    BeyondLayout(String, u64, u64),
    /// More cells in the whole workbook than [`limits::MAX_BOOK_CELLS`].
    TooManyCells(u64),
    /// The isolated reader ran out of its memory limit.
    OutOfMemory,
    /// The isolated reader ran past its time limit and was stopped.
    Timeout,
    /// The isolated reader died (a signal, a crash); the text says how.
    Crashed(String),
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

#[derive(Clone, Copy)]
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
                "内部文件 {name} 解压后达 {size} 字节"
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
        shared_strings_guard(&mut zip)?;
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

/// calamine reserves room for as many shared strings as `<sst uniqueCount="…">` declares,
/// before reading one: a 2 000 000 000 there asks for tens of gigabytes and aborts the
/// process (no panic to catch). The declaration is read from the first few kilobytes of the
/// table and refused when it exceeds what the workbook may hold.
fn shared_strings_guard(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), ReadError> {
    use std::io::Read;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index(i) else { continue };
        let name = f.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if !name.ends_with("sharedstrings.xml") {
            continue;
        }
        let mut head = Vec::new();
        let _ = f.take(4096).read_to_end(&mut head);
        let head = String::from_utf8_lossy(&head);
        let Some(i) = head.find("uniqueCount=") else {
            continue;
        };
        let digits: String = head[i + "uniqueCount=".len()..]
            .chars()
            .skip_while(|c| *c == '"' || *c == '\'')
            .take_while(char::is_ascii_digit)
            .collect();
        let declared: u64 = digits.parse().unwrap_or(u64::MAX);
        if declared > limits::MAX_BOOK_CELLS {
            return Err(ReadError::Bomb(format!(
                "共享字符串表声明有 {digits} 个字符串"
            )));
        }
    }
    Ok(())
}

fn read_container(bytes: &[u8], container: Container) -> Result<Book, ReadError> {
    match container {
        Container::Xlsx => read_xlsx(bytes),
        Container::Xls => {
            // calamine parses every sheet of an .xls up front and reserves what the sheet's
            // DIMENSIONS record declares: an absurd declaration aborts on allocation, which
            // no Rust code can catch. The isolated reader (see `isolate`) is what contains
            // that; in-process reading trusts the file as far as calamine does.
            let mut wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => ReadError::Encrypted,
                e => ReadError::Corrupt(e.to_string()),
            })?;
            read_ranges(&mut wb, |wb, name| {
                wb.merge_cells_by_sheet_name(name).unwrap_or_default()
            })
        }
        Container::Xlsb => {
            let mut wb =
                Xlsb::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt(e.to_string()))?;
            // calamine does not expose .xlsb merged ranges.
            read_ranges(&mut wb, |_, _| Vec::new())
        }
        Container::Ods => {
            ods_guard(bytes)?;
            let mut wb = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::OdsError::Password => ReadError::Encrypted,
                e => ReadError::Corrupt(e.to_string()),
            })?;
            // calamine does not expose .ods merged ranges.
            read_ranges(&mut wb, |_, _| Vec::new())
        }
    }
}

/// The sheets of a workbook that calamine reads whole, one range per sheet (.xls, .xlsb,
/// .ods), under the same limits as the streaming xlsx reader: the first
/// [`limits::MAX_SHEETS`] sheets (the rest counted in [`Book::sheets_skipped`]), the
/// workbook's cell budget, and the merged-range caps of [`sheet_from_range`]. `merges`
/// gives a sheet's merged ranges where the format has them. A sheet calamine cannot read
/// is skipped, as before: the form reader then reports what is missing.
fn read_ranges<RS, R>(
    wb: &mut R,
    merges: impl Fn(&mut R, &str) -> Vec<Dimensions>,
) -> Result<Book, ReadError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let names = wb.sheet_names();
    let mut book = Book::default();
    let mut budget = Budget::default();
    for name in limit_sheets(names, &mut book) {
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                book.sheets.push(Sheet::broken(name, None, e.to_string()));
                continue;
            }
        };
        let merged = merges(wb, &name);
        book.sheets
            .push(sheet_from_range(name, &range, &merged, &mut budget)?);
    }
    Ok(book)
}

/// The first [`limits::MAX_SHEETS`] sheet names; the count of the others is noted.
fn limit_sheets(mut names: Vec<String>, book: &mut Book) -> Vec<String> {
    if names.len() > limits::MAX_SHEETS {
        book.sheets_skipped = names.len() - limits::MAX_SHEETS;
        names.truncate(limits::MAX_SHEETS);
    }
    names
}

/// Cells kept so far in the whole workbook, against [`limits::MAX_BOOK_CELLS`].
#[derive(Default)]
struct Budget(u64);

impl Budget {
    fn take(&mut self, n: u64) -> Result<(), ReadError> {
        self.0 = self.0.saturating_add(n);
        if self.0 > limits::MAX_BOOK_CELLS {
            return Err(ReadError::TooManyCells(self.0));
        }
        Ok(())
    }
}

/// ODS compresses runs of equal rows and cells as `number-rows-repeated` /
/// `number-columns-repeated`, and calamine expands them into a dense range reaching the
/// last cell with a value. LibreOffice writes huge repeats for the empty rest of a sheet
/// (harmless: nothing follows them). A cell *with a value* placed, or repeated, beyond the
/// form's layout would make calamine allocate up to its own limit of 100 million cells (gigabytes),
/// so it is refused here, from the XML alone, before calamine allocates anything; so is a
/// workbook whose repeated cells add up to more than the whole-workbook cell budget.
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
    let attr = |tag: &str, name: &str| -> Option<String> {
        // The attribute must start after a blank (so `rows-repeated` never matches
        // `number-rows-repeated` of another name).
        let i = tag.find(&format!(" {name}="))?;
        tag[i + name.len() + 2..]
            .split(['"', '\''])
            .nth(1)
            .map(str::to_string)
    };
    let repeat = |tag: &str, name: &str| -> u64 {
        attr(tag, name)
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let mut sheet = String::new();
    // Zero-based index of the current row (first of its repeats) and column.
    let (mut row, mut rows_repeated, mut col) = (0u64, 1u64, 0u64);
    let mut cells: u64 = 0;
    let mut rest = xml.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if is_element(tag, "<table:table") {
            sheet = attr(tag, "table:name").unwrap_or_default();
            (row, rows_repeated, col) = (0, 0, 0);
        } else if is_element(tag, "<table:table-row") {
            row = row.saturating_add(rows_repeated);
            rows_repeated = repeat(tag, "table:number-rows-repeated");
            col = 0;
        } else if is_element(tag, "<table:table-cell")
            || is_element(tag, "<table:covered-table-cell")
        {
            let cols = repeat(tag, "table:number-columns-repeated");
            let has_value = tag.contains("value-type=")
                || tag.contains("table:formula=")
                || !tag.ends_with('/');
            if has_value {
                let last_row = row.saturating_add(rows_repeated - 1);
                let last_col = col.saturating_add(cols - 1);
                if last_row >= limits::MAX_ROWS as u64 || last_col >= limits::MAX_COLS as u64 {
                    let (r, c) = if row >= limits::MAX_ROWS as u64 || col >= limits::MAX_COLS as u64
                    {
                        (row, col)
                    } else {
                        (last_row, last_col)
                    };
                    return Err(ReadError::BeyondLayout(sheet, r, c));
                }
                cells = cells.saturating_add(cols.saturating_mul(rows_repeated));
                if cells > limits::MAX_BOOK_CELLS {
                    return Err(ReadError::TooManyCells(cells));
                }
            }
            col = col.saturating_add(cols);
        }
        rest = &rest[end.min(rest.len())..];
        if rest.len() <= 1 {
            break;
        }
        rest = &rest[1..];
    }
    Ok(())
}

/// Whether `tag` (an XML start tag without its `>`) is the element `name` itself, not
/// another one whose name starts the same (`table:table-row` vs `table:table-row-group`).
fn is_element(tag: &str, name: &str) -> bool {
    tag.strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r', '/']))
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
    let mut budget = Budget::default();
    for name in limit_sheets(names, &mut book) {
        // A second, cheap pass over the sheet XML (bounded by the zip guard's size caps).
        let merges: Vec<Dimensions> = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let mut sheet = Sheet {
            name: name.clone(),
            ..Default::default()
        };
        let mut reader = match wb.worksheet_cells_reader(&name) {
            Ok(r) => r,
            Err(e) => {
                book.sheets.push(Sheet::broken(name, None, e.to_string()));
                continue;
            }
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
                    // A broken sheet XML: keep what was read, and say where it broke.
                    let last = sheet
                        .cells
                        .keys()
                        .next_back()
                        .map(|(r, c)| Cell::new(*r, *c));
                    sheet.broken = Some((last, e.to_string()));
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
                    sheet.beyond_limits = Some(Cell::new(row, col));
                }
                // Not `break` at the first row beyond the cap: Excel writes rows in order,
                // but nothing obliges a file to, and a far row written first would hide
                // every in-range row after it. Reading on costs at most one pass over the
                // sheet's XML, which the zip guard caps at MAX_ENTRY_BYTES.
                continue;
            }
            sheet.put(row, col, raw);
            budget.take(1)?;
        }
        drop(reader);
        unsaved_formulas(&mut wb, &mut sheet, &mut budget)?;
        apply_merges(&mut sheet, &merges, &mut budget)?;
        book.sheets.push(sheet);
    }
    Ok(book)
}

/// Formulas saved without their result. Excel and WPS store each formula's last result,
/// which is what is read; files written by other programs (scripts, some exports) may hold
/// only the formula, which Excel computes when the file is opened: the cell looks filled in,
/// and every reader sees it blank. Such a cell is kept as [`Raw::Error`] holding the formula
/// (`=1+2`), so it is reported at its cell instead of as "未填写". A second streaming pass
/// over the sheet, under the same caps.
fn unsaved_formulas(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    sheet: &mut Sheet,
    budget: &mut Budget,
) -> Result<(), ReadError> {
    use calamine::{DataRef, XlsxFormulaMetadata};
    let Ok(mut reader) = wb.worksheet_cells_reader(&sheet.name) else {
        return Ok(());
    };
    while let Ok(Some(rec)) = reader.next_cell_with_formula_metadata() {
        let (row, col) = rec.pos;
        let Some(formula) = rec.formula else { continue };
        // Rows beyond the cap are skipped, not a reason to stop: as in the first pass, a
        // file need not keep Excel's row order.
        if row >= limits::MAX_ROWS
            || col >= limits::MAX_COLS
            || !matches!(rec.value, DataRef::Empty)
            || sheet.cells.contains_key(&(row, col))
        {
            continue;
        }
        let shown = match formula {
            XlsxFormulaMetadata::Normal { formula }
            | XlsxFormulaMetadata::Shared { formula, .. } => {
                format!("={formula}")
            }
            _ => "=（公式）".to_string(),
        };
        let shown: String = shown.chars().filter(|c| !is_stray_control(*c)).collect();
        sheet.cells.insert((row, col), Raw::Error(shown));
        budget.take(1)?;
    }
    Ok(())
}

impl Sheet {
    fn broken(name: String, last: Option<Cell>, why: String) -> Sheet {
        Sheet {
            name,
            broken: Some((last, why)),
            ..Default::default()
        }
    }

    /// Stores a cell; control characters in a text are removed here (and remembered for a
    /// diagnostic), so they never reach a message, a terminal or a document.
    fn put(&mut self, row: u32, col: u32, raw: Raw) {
        // Invisible formatting characters (zero-width space, BOM, bidi marks) pasted from web
        // pages and chat apps change nothing the user sees: removed silently, so "3\u{200B}"
        // is the number 3 and "省级\u{FEFF}" the option 省级.
        let raw = match raw {
            Raw::Text(s) if s.chars().any(is_invisible_format) => {
                let clean: String = s.chars().filter(|c| !is_invisible_format(*c)).collect();
                match text(&clean) {
                    Some(r) => r,
                    None => return,
                }
            }
            other => other,
        };
        let raw = match raw {
            Raw::Text(s) if s.chars().any(is_stray_control) => {
                let mut names: Vec<String> = Vec::new();
                for c in s.chars().filter(|c| is_stray_control(*c)) {
                    let n = format!("U+{:04X}", c as u32);
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                self.control_chars
                    .push((Cell::new(row, col), names.join("、")));
                let clean: String = s.chars().filter(|c| !is_stray_control(*c)).collect();
                match text(&clean) {
                    Some(r) => r,
                    None => return,
                }
            }
            other => other,
        };
        self.cells.insert((row, col), raw);
    }
}

/// An invisible formatting character: zero-width space, non-joiner and joiner, the
/// left-to-right and right-to-left marks and overrides, the word joiner and invisible
/// operators, the byte-order mark (zero-width no-break space) and the soft hyphen. None of
/// them shows in a cell; all of them make "3" not a number and "省级" not an option.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// A control character that has no place in a cell: everything Unicode calls a control
/// (C0, DEL, C1) except the tab and line breaks people type with Alt+Enter.
pub fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
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
        Data::Float(f) if !f.is_finite() => Raw::Error("#NUM!".to_string()),
        Data::Float(f) => Raw::Number { value: *f, percent },
        Data::String(s) => text(s)?,
        Data::Bool(b) => Raw::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            // Excel's fictitious 1900-02-29 (serial 60) has no date: calamine turns it into
            // 1900-02-28. Kept as the number it is, so it is rejected like an unformatted 60.
            Some(d) if dt.is_datetime() && !(60.0..61.0).contains(&dt.as_f64()) => Raw::Date(d),
            _ if !dt.as_f64().is_finite() => Raw::Error("#NUM!".to_string()),
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

fn sheet_from_range(
    name: String,
    range: &calamine::Range<Data>,
    merges: &[Dimensions],
    budget: &mut Budget,
) -> Result<Sheet, ReadError> {
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
                sheet.beyond_limits = Some(Cell::new(row, col));
            }
            continue;
        }
        sheet.put(row, col, raw);
        budget.take(1)?;
    }
    apply_merges(&mut sheet, merges, budget)?;
    Ok(sheet)
}

/// A vertically merged cell holds its value in the top-left cell only; every row the merge
/// covers gets that value in the merge's first column (a 级别 merged over three records
/// belongs to all three). Horizontal spans are not copied (a merged 填报单位 B3:D3 is one
/// value, not three).
///
/// Bounded work whatever the file declares: only merges whose top-left cell holds a value
/// inside the read range count, each is clipped to the sheet's last used row, and at most
/// [`limits::MAX_MERGES`] merges filling at most [`limits::MAX_MERGED_CELLS`] cells are
/// applied; the others are counted in `merges_skipped` (and reported).
fn apply_merges(
    sheet: &mut Sheet,
    merges: &[Dimensions],
    budget: &mut Budget,
) -> Result<(), ReadError> {
    let last_row = sheet.cells.keys().map(|(r, _)| *r).max().unwrap_or(0);
    let (mut applied, mut filled) = (0usize, 0u64);
    for (i, m) in merges.iter().enumerate() {
        let (top, left) = m.start;
        let bottom = m.end.0.min(last_row);
        if bottom <= top || top >= limits::MAX_ROWS || left >= limits::MAX_COLS {
            continue;
        }
        let Some(v) = sheet.cells.get(&(top, left)).cloned() else {
            continue;
        };
        let span = (bottom - top) as u64;
        if applied >= limits::MAX_MERGES || filled + span > limits::MAX_MERGED_CELLS {
            sheet.merges_skipped = merges.len() - i;
            break;
        }
        applied += 1;
        filled += span;
        for r in top + 1..=bottom {
            if let std::collections::btree_map::Entry::Vacant(e) = sheet.cells.entry((r, left)) {
                e.insert(v.clone());
                budget.take(1)?;
            }
        }
    }
    Ok(())
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
    fn f64_display() {
        assert_eq!(fmt_f64(0.975 * 100.0), "97.5");
        assert_eq!(fmt_f64(1217.8), "1217.8");
    }
}
