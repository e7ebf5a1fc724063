//! Broken, hostile and foreign files end in a diagnostic, never a panic; the other files
//! of the run are still read and checked. Bounded time and memory are shown by what the
//! reader reports (a size or cell cap reached, `file-too-large` before decompression), not
//! by timing: speed is measured by the benchmarks, never asserted in a test.

mod common;

use common::{Cell, FormBuilder, Setup, of, write};
use std::io::{Read, Write};
use zhiliang_core::diagnostics::{Code, Diagnostic};
use zhiliang_workbook::ingest::FileOutcome;
use zhiliang_workbook::layout::limits;
use zhiliang_workbook::{ingest, ingest_file};

fn read(name: &str, bytes: &[u8]) -> FileOutcome {
    let setup = Setup::load();
    ingest_file(name, bytes, &setup.catalogue, &setup.roster)
}

fn only_code(out: &FileOutcome) -> Code {
    assert_eq!(out.diagnostics.len(), 1, "{:#?}", out.diagnostics);
    assert!(out.submissions.is_empty());
    out.diagnostics[0].code
}

fn good_workbook() -> Vec<u8> {
    FormBuilder::new("区住建局")
        .scalar("prefab_industry_bases", Cell::Number(3.0))
        .build()
}

/// [`common::rewrite`] with every entry stored, uncompressed: tests below patch entry
/// bytes and declared sizes directly.
fn rewrite(xlsx: &[u8], entry: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    common::rewrite_as(xlsx, entry, zip::CompressionMethod::Stored, edit)
}

/// Patches the uncompressed size an entry declares in the zip's central directory.
fn declare_size(zip: &mut [u8], entry: &str, size: u32) {
    let mut i = 0;
    while i + 46 < zip.len() {
        if zip[i..i + 4] == *b"PK\x01\x02" {
            let name_len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if &zip[i + 46..i + 46 + name_len] == entry.as_bytes() {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                return;
            }
        }
        i += 1;
    }
    panic!("entry {entry} not found");
}

/// An OLE compound file header followed by the directory names an encrypted OOXML package
/// holds (what Excel writes for "Encrypt with password").
fn encrypted_ole() -> Vec<u8> {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(512, 0);
    for name in ["EncryptionInfo", "EncryptedPackage"] {
        let mut entry: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        entry.resize(128, 0);
        ole.extend_from_slice(&entry);
    }
    ole
}

#[test]
fn zero_bytes() {
    let out = read("zhujian.xlsx", b"");
    assert_eq!(only_code(&out), Code::UnreadableFile);
    assert!(out.diagnostics[0].message.contains("空文件"));
    assert_eq!(
        out.diagnostics[0].location.file.as_deref(),
        Some("zhujian.xlsx")
    );
}

#[test]
fn text_saved_as_xlsx() {
    let out = read("tongji.xlsx", "单位,数值\n区统计局,1217.8\n".as_bytes());
    assert_eq!(only_code(&out), Code::NotASpreadsheet);
    assert!(out.diagnostics[0].message.contains("文本文件"));
}

#[test]
fn html_saved_as_xls() {
    let out = read(
        "tongji.xls",
        b"<html><body><table><tr><td>1</td></tr></table></body></html>",
    );
    assert_eq!(only_code(&out), Code::NotASpreadsheet);
    assert!(out.diagnostics[0].message.contains("网页"));
}

#[test]
fn corrupt_zip() {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    assert_eq!(
        only_code(&read("zhujian.xlsx", &bytes)),
        Code::UnreadableFile
    );
    // A valid xlsx cut in half.
    let good = good_workbook();
    assert_eq!(
        only_code(&read("zhujian.xlsx", &good[..good.len() / 2])),
        Code::UnreadableFile
    );
}

#[test]
fn a_zip_that_is_not_a_workbook() {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(b"<w:document/>").unwrap();
    let bytes = w.finish().unwrap().into_inner();
    assert_eq!(
        only_code(&read("zhujian.xlsx", &bytes)),
        Code::NotASpreadsheet
    );
}

#[test]
fn broken_xml_inside_a_valid_zip() {
    let bytes = rewrite(&good_workbook(), "xl/workbook.xml", |_| {
        "<workbook><sheets><sheet".to_string()
    });
    let out = read("zhujian.xlsx", &bytes);
    assert!(!out.diagnostics.is_empty());
    assert!(out.submissions.is_empty());
}

#[test]
fn zip_bomb_declared_sizes_are_refused_before_decompression() {
    let mut bytes = rewrite(&good_workbook(), "xl/worksheets/sheet2.xml", |s| s);
    declare_size(&mut bytes, "xl/worksheets/sheet2.xml", 0xF000_0000);
    let out = read("zhujian.xlsx", &bytes);
    assert_eq!(only_code(&out), Code::FileTooLarge);
}

#[test]
fn zip_bomb_lying_about_its_size() {
    // A sheet padded with 40 MB of spaces (compressed to a few dozen KB), declared as 2 KB in
    // both the local header and the central directory.
    let padded = {
        let mut zin = zip::ZipArchive::new(std::io::Cursor::new(good_workbook())).unwrap();
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..zin.len() {
            let mut f = zin.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            if name == "xl/worksheets/sheet2.xml" {
                let text = String::from_utf8(data).unwrap();
                data = text
                    .replacen(
                        "<sheetData>",
                        &format!("<sheetData>{}", " ".repeat(40_000_000)),
                        1,
                    )
                    .into_bytes();
            }
            out.start_file(name, opts).unwrap();
            out.write_all(&data).unwrap();
        }
        out.finish().unwrap().into_inner()
    };
    let mut bytes = padded;
    declare_size(&mut bytes, "xl/worksheets/sheet2.xml", 2048);
    // The local header's size field (offset 22) of the same entry.
    let name = b"xl/worksheets/sheet2.xml";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap() - 30;
    assert_eq!(bytes[at..at + 4], *b"PK\x03\x04");
    bytes[at + 22..at + 26].copy_from_slice(&2048u32.to_le_bytes());
    let out = read("zhujian.xlsx", &bytes);
    assert!(out.submissions.is_empty());
    let code = only_code(&out);
    assert_eq!(code, Code::FileTooLarge);
}

#[test]
fn absurd_dimension_and_a_far_away_cell() {
    // <dimension ref="A1:XFD1048576"/> and one cell in the sheet's last corner: a dense read
    // would allocate 17 billion cells.
    let bytes = rewrite(&good_workbook(), "xl/worksheets/sheet2.xml", |s| {
        let start = s.find("<dimension").unwrap();
        let end = start + s[start..].find("/>").unwrap() + 2;
        let s = format!(
            "{}<dimension ref=\"A1:XFD1048576\"/>{}",
            &s[..start],
            &s[end..]
        );
        s.replace(
            "</sheetData>",
            "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>",
        )
    });
    let out = read("zhujian.xlsx", &bytes);
    let far: Vec<&Diagnostic> = of(&out.diagnostics, Code::FileTooLarge);
    assert_eq!(far.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(
        far[0]
            .location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("XFD1048576")
    );
    // The data before it is read.
    let s = &out.submissions[0];
    assert_eq!(s.scalars[0].key, "prefab_industry_bases");
}

#[test]
fn encrypted_workbook() {
    let out = read("wenlv.xlsx", &encrypted_ole());
    assert_eq!(only_code(&out), Code::EncryptedFile);
    assert!(out.diagnostics[0].message.contains("密码"));
}

#[test]
fn ten_thousand_blank_rows_in_bounded_time() {
    let mut b = FormBuilder::new("区住建局").scalar("prefab_industry_bases", Cell::Number(3.0));
    b.blank_rows = 10_000;
    let bytes = b.build();
    let out = read("zhujian.xlsx", &bytes);
    assert!(of(&out.diagnostics, Code::FileTooLarge).is_empty());
    assert_eq!(out.submissions[0].scalars.len(), 1);
}

#[test]
fn content_beyond_the_row_cap_is_reported() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("封面").unwrap();
    cover.write_string(2, 0, "填报单位").unwrap();
    cover.write_string(2, 1, "区住建局").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("数据填报").unwrap();
    ws.write_string(0, 0, "zhiliang:facts").unwrap();
    ws.write_string(0, 7, "value").unwrap();
    ws.write_string(2, 0, "prefab_industry_bases").unwrap();
    ws.write_number(2, 7, 3.0).unwrap();
    let blank = rust_xlsxwriter::Format::new().set_unlocked();
    for r in 3..10_000 {
        ws.write_blank(r, 7, &blank).unwrap();
    }
    ws.write_string(10_000, 7, "漏填在最后一行的数据").unwrap();
    let out = read("zhujian.xlsx", &wb.save_to_buffer().unwrap());
    let d = of(&out.diagnostics, Code::FileTooLarge);
    assert_eq!(d.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(d[0].location.sheet.as_deref(), Some("数据填报"));
    assert_eq!(
        d[0].location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("H10001")
    );
    assert_eq!(out.submissions[0].scalars.len(), 1);
}

#[test]
fn a_run_with_bad_files_still_checks_the_good_ones() {
    let setup = Setup::load();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "zhujian.xlsx", &good_workbook());
    write(p, "empty.xlsx", b"");
    write(p, "text.xlsx", b"just text");
    write(p, "wenlv.xlsx", &encrypted_ole());
    write(p, "corrupt.xlsx", b"PK\x03\x04garbage");
    write(p, "wps.et", b"\xD0\xCF\x11\xE0 WPS");
    write(p, "export.csv", "单位,数值\n".as_bytes());
    // Not read: lock files, hidden files, other documents, the evidence folder.
    write(p, "~$zhujian.xlsx", b"owner");
    write(p, ".~lock.zhujian.xlsx#", b"lock");
    write(p, ".hidden.xlsx", b"");
    write(p, "说明.docx", b"doc");
    write(p, "evidence/zhujian/台账.xlsx", b"not a form");
    // Too large to open at all (checked by size, before reading).
    let big = std::fs::File::create(p.join("scan.xlsx")).unwrap();
    big.set_len(21 * 1024 * 1024).unwrap();

    let report = ingest(p, &setup);
    let files: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        files,
        [
            "corrupt.xlsx",
            "empty.xlsx",
            "export.csv",
            "scan.xlsx",
            "text.xlsx",
            "wenlv.xlsx",
            "wps.et",
            "zhujian.xlsx"
        ]
    );
    let code_of = |f: &str| -> Vec<Code> {
        report
            .diagnostics
            .iter()
            .filter(|d| d.location.file.as_deref() == Some(f))
            .map(|d| d.code)
            .collect()
    };
    assert_eq!(code_of("empty.xlsx"), [Code::UnreadableFile]);
    assert_eq!(code_of("text.xlsx"), [Code::NotASpreadsheet]);
    assert_eq!(code_of("wenlv.xlsx"), [Code::EncryptedFile]);
    assert_eq!(code_of("corrupt.xlsx"), [Code::UnreadableFile]);
    assert_eq!(code_of("wps.et"), [Code::NotASpreadsheet]);
    assert_eq!(code_of("export.csv"), [Code::NotASpreadsheet]);
    assert_eq!(code_of("scan.xlsx"), [Code::FileTooLarge]);
    // The good workbook is read and checked.
    assert_eq!(report.submissions.len(), 1);
    assert_eq!(
        report.files.last().unwrap().unit.as_deref(),
        Some("区住建局")
    );
    let diags = zhiliang_workbook::check(&setup, &report, &p.join("evidence"));
    assert!(
        diags.iter().any(|d| d.code == Code::MissingEvidence
            && d.location.file.as_deref() == Some("zhujian.xlsx"))
    );
}

#[test]
fn random_bytes_never_panic() {
    // A cheap fuzz over prefixes and bit flips of a valid workbook.
    let good = good_workbook();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..60 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut bytes = good.clone();
        if i % 2 == 0 {
            bytes.truncate((seed as usize) % good.len());
        } else {
            for k in 0..8 {
                let at = (seed.rotate_left(k * 8) as usize) % bytes.len();
                bytes[at] ^= 0x5A;
            }
        }
        let _ = read("fuzz.xlsx", &bytes);
    }
}

/// A minimal OpenDocument spreadsheet as LibreOffice writes it, including the trailing
/// "repeated" empty rows and columns that stand for the rest of the sheet.
fn ods(rows_repeated: u32) -> Vec<u8> {
    ods_with(rows_repeated, "")
}

fn ods_with(rows_repeated: u32, extra_row: &str) -> Vec<u8> {
    let cell = |s: &str| {
        format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{s}</text:p></table:table-cell>"
        )
    };
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>
<table:table table:name="封面"><table:table-row><table:table-cell/></table:table-row><table:table-row><table:table-cell/></table:table-row><table:table-row>{}{}</table:table-row></table:table>
<table:table table:name="数据填报"><table:table-row>{}<table:table-cell table:number-columns-repeated="6"/>{}</table:table-row><table:table-row><table:table-cell/></table:table-row><table:table-row>{}<table:table-cell table:number-columns-repeated="6"/><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="{rows_repeated}"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>{extra_row}</table:table>
</office:spreadsheet></office:body></office:document-content>"#,
        cell("填报单位"),
        cell("区住建局"),
        cell("zhiliang:facts"),
        cell("value"),
        cell("prefab_industry_bases"),
    );
    ods_document(&content)
}

/// An .ods file holding `content` as its content.xml.
fn ods_document(content: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#,
    )
    .unwrap();
    w.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(content.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

/// .xls, .xlsb and .ods share one sheet loop with the xlsx limits: an .ods with more
/// sheets than [`limits::MAX_SHEETS`] has the first ones read and the rest reported.
#[test]
fn ods_with_more_sheets_than_the_limit_reads_the_first_and_warns() {
    let extra: String = (1..=limits::MAX_SHEETS + 5)
        .map(|i| format!("<table:table table:name=\"附表{i}\"><table:table-row><table:table-cell office:value-type=\"string\"><text:p>{i}</text:p></table:table-cell></table:table-row></table:table>"))
        .collect();
    let cell = |s: &str| {
        format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{s}</text:p></table:table-cell>"
        )
    };
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>
<table:table table:name="封面"><table:table-row>{}{}</table:table-row></table:table>
<table:table table:name="数据填报"><table:table-row>{}<table:table-cell table:number-columns-repeated="6"/>{}</table:table-row><table:table-row><table:table-cell/></table:table-row><table:table-row>{}<table:table-cell table:number-columns-repeated="6"/><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row></table:table>
{extra}</office:spreadsheet></office:body></office:document-content>"#,
        cell("填报单位"),
        cell("区住建局"),
        cell("zhiliang:facts"),
        cell("value"),
        cell("prefab_industry_bases"),
    );
    let book = zhiliang_workbook::ingest::read::read_book(&ods_document(&content)).unwrap();
    assert_eq!(book.sheets.len(), limits::MAX_SHEETS);
    assert_eq!(book.sheets_skipped, 7);
    assert_eq!(book.sheets[0].name, "封面");
    assert_eq!(book.sheets[limits::MAX_SHEETS - 1].name, "附表58");
    let out = read("zhujian.ods", &ods_document(&content));
    // The form itself is read, and the skipped sheets are said.
    assert_eq!(out.submissions[0].scalars[0].key, "prefab_industry_bases");
    let d: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::FileTooLarge)
        .collect();
    assert_eq!(d.len(), 1, "{:#?}", out.diagnostics);
    assert_eq!(d[0].severity, zhiliang_core::diagnostics::Severity::Warning);
    assert!(d[0].message.contains("有67个工作表"), "{}", d[0].message);
    assert!(
        d[0].message.contains("后7个工作表未读取"),
        "{}",
        d[0].message
    );
}

#[test]
fn libreoffice_ods_is_read_with_its_repeated_empty_rows() {
    let out = read("zhujian.ods", &ods(1_048_000));
    assert_eq!(
        out.unit.as_deref(),
        Some("区住建局"),
        "{:#?}",
        out.diagnostics
    );
    let s = &out.submissions[0];
    assert_eq!(s.scalars[0].key, "prefab_industry_bases");
    assert_eq!(
        s.scalars[0].value,
        zhiliang_core::facts::Value::Number(3.into())
    );
    assert_eq!(s.scalars[0].source.cell.as_ref().unwrap().to_string(), "H3");
}

#[test]
fn ods_with_a_value_repeated_over_the_whole_sheet_is_refused() {
    let bomb = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
    let out = read("zhujian.ods", &ods_with(10, bomb));
    assert_eq!(only_code(&out), Code::FileTooLarge);
}

#[test]
fn ods_with_content_past_a_huge_run_of_repeated_empty_rows_is_refused_before_expansion() {
    // 20 000 repeated empty rows, then a value 200 columns to the right: calamine would
    // expand every empty row to the full width (millions of cells) before anyone looks.
    let tail = r#"<table:table-row table:number-rows-repeated="20000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="200"/><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#;
    let bytes = ods_with(10, tail);
    let out = read("zhujian.ods", &bytes);
    assert_eq!(only_code(&out), Code::FileTooLarge);
    let d = &out.diagnostics[0];
    assert_eq!(d.location.sheet.as_deref(), Some("数据填报"));
    // Row 4 (three rows, the 10 repeated) + 20 000 → the 20 014th row, column 201.
    assert_eq!(
        d.location.cell.as_ref().map(ToString::to_string).as_deref(),
        Some("GS20014")
    );
    assert!(d.message.contains("远超填报表的范围"), "{}", d.message);
}
