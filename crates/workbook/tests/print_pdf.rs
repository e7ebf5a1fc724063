//! Printing a form: LibreOffice converts 区市场监管局's form (the unit with the most
//! indicators, so the longest form) to PDF, blank and filled with the example facts, and
//! the pages are checked as a clerk would look at them: A4, every sheet's columns on one
//! page width (the leftmost and rightmost header of the sheet on every page), the header
//! row repeated, the cover on one page, 页眉 with the unit and 页脚 with the sheet and
//! “第 N 页，共 M 页”, no two words drawn over each other (text that overflows a row too
//! low for it overlaps the next row's), and no more pages than measured.
//!
//! **Skipped when the tools are missing**: it needs LibreOffice (`soffice` or
//! `libreoffice` on PATH) and poppler's `pdfinfo` and `pdftotext`; without them the test
//! prints “skipped” and passes. Install with
//! `apt-get install libreoffice-calc-nogui fonts-noto-cjk fonts-crosextra-carlito
//! poppler-utils` (Carlito has Calibri's metrics, so LibreOffice lays the columns out as
//! wide as Excel does; without it they come out wider and the check is more lenient). Set
//! `ZHILIANG_PRINT_OUT=<dir>` to keep the PDFs.

mod common;

use common::Setup;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

const UNIT: &str = "区市场监管局";
/// LibreOffice's first start (creating its profile) plus two conversions take 10–20 s on
/// the 2-core machine; this is the limit after which the test fails instead of hanging.
const SOFFICE_TIMEOUT: Duration = Duration::from_secs(240);

/// At most this many pages, blank or filled. Measured with LibreOffice 7.4 and Noto Sans
/// CJK: 27 pages with Carlito (Calibri's metrics, so columns are as wide as in Excel), 25
/// (blank) and 26 (filled) when Calibri falls back to the wider DejaVu Sans; 工作情况 takes
/// 7 of them (one row per indicator, at least 90 pt high to leave room to write). Three
/// pages of slack for other fonts' line heights. Before the print setup the same form took
/// 39 (Carlito) to 50 (DejaVu) pages, most of them sheets cut into vertical strips.
const MAX_PAGES: usize = 30;

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

struct Page {
    width: f64,
    height: f64,
    words: Vec<Word>,
}

impl Page {
    /// Body text without spaces (words in reading order), header and footer excluded.
    fn body(&self) -> String {
        self.words
            .iter()
            .filter(|w| !self.in_header(w) && !self.in_footer(w))
            .map(|w| w.text.as_str())
            .collect()
    }

    fn in_header(&self, w: &Word) -> bool {
        w.y1 < 40.0
    }

    fn in_footer(&self, w: &Word) -> bool {
        w.y0 > self.height - 40.0
    }

    /// The 页脚's left part (the sheet name) and centre part (page numbers), without spaces.
    fn footer(&self) -> (String, String) {
        let part = |keep: &dyn Fn(&Word) -> bool| -> String {
            self.words
                .iter()
                .filter(|w| self.in_footer(w) && keep(w))
                .map(|w| w.text.as_str())
                .collect()
        };
        (
            part(&|w| w.x1 < self.width / 3.0),
            part(&|w| w.x0 > self.width / 3.0 && w.x1 < self.width * 2.0 / 3.0),
        )
    }

    fn header(&self) -> String {
        self.words
            .iter()
            .filter(|w| self.in_header(w))
            .map(|w| w.text.as_str())
            .collect()
    }

    fn landscape(&self) -> bool {
        self.width > self.height
    }

    /// Pairs of words drawn over each other (more than a fifth of the smaller one).
    fn overlaps(&self) -> Vec<String> {
        let mut words: Vec<&Word> = self.words.iter().collect();
        words.sort_by(|a, b| a.y0.total_cmp(&b.y0));
        let mut out = Vec::new();
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                if b.y0 >= a.y1 {
                    break;
                }
                let w = a.x1.min(b.x1) - a.x0.max(b.x0);
                let h = a.y1.min(b.y1) - a.y0.max(b.y0);
                let smaller = ((a.x1 - a.x0) * (a.y1 - a.y0)).min((b.x1 - b.x0) * (b.y1 - b.y0));
                if w > 0.5 && h > 0.5 && w * h > 0.2 * smaller {
                    out.push(format!("“{}” over “{}”", a.text, b.text));
                }
            }
        }
        out
    }
}

fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

/// The pages of a PDF with their words' boxes, from `pdftotext -bbox`.
fn read_pdf(pdftotext: &Path, pdf: &Path) -> Vec<Page> {
    let out = Command::new(pdftotext)
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext failed on {pdf:?}");
    let html = String::from_utf8_lossy(&out.stdout);
    let mut pages: Vec<Page> = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push(Page {
                width: attr(line, "width"),
                height: attr(line, "height"),
                words: Vec::new(),
            });
        } else if line.starts_with("<word ") {
            let text = line
                .split_once('>')
                .and_then(|(_, rest)| rest.strip_suffix("</word>"))
                .unwrap_or("")
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"");
            pages.last_mut().expect("word on a page").words.push(Word {
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text,
            });
        }
    }
    pages
}

/// Converts the workbooks to PDF next to them, in a private LibreOffice profile so that
/// parallel runs and a desktop session do not clash.
fn convert(soffice: &Path, dir: &Path, files: &[PathBuf]) {
    let profile = dir.join("lo-profile");
    let mut child = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir)
        .args(files)
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("soffice starts");
    match child.wait_timeout(SOFFICE_TIMEOUT).unwrap() {
        Some(status) => assert!(status.success(), "soffice failed: {status}"),
        None => {
            child.kill().ok();
            child.wait().ok();
            panic!("soffice did not finish within {SOFFICE_TIMEOUT:?}");
        }
    }
}

/// The leftmost and rightmost visible header of each printed sheet of the unit's form.
fn sheet_edges(setup: &Setup) -> Vec<(String, String, String)> {
    let plan = setup.plan(UNIT);
    let mut edges = vec![
        (
            "封面".to_string(),
            "填报单位".to_string(),
            "本单位责任".to_string(),
        ),
        ("数据填报".into(), "指标序号".into(), "填写说明".into()),
        ("工作情况".into(), "指标序号".into(), "工作开展情况".into()),
        ("年度数据".into(), "数据项".into(), "填报说明".into()),
    ];
    for l in &plan.lists {
        edges.push((
            l.sheet.clone(),
            l.def.fields[0].label.clone(),
            "证明材料".into(),
        ));
    }
    edges
}

/// Checks one printed form and returns its pages per sheet, in print order.
fn check_pages(
    setup: &Setup,
    name: &str,
    pages: &[Page],
    max_pages: usize,
) -> Vec<(String, usize)> {
    let unit = setup.unit(UNIT);
    let edges = sheet_edges(setup);
    let mut per_sheet: Vec<(String, usize)> = Vec::new();
    let mut problems = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        let a4 = |a: f64, b: f64| (a - 595.3).abs() < 2.0 && (b - 841.9).abs() < 2.0;
        if !(a4(page.width, page.height) || a4(page.height, page.width)) {
            problems.push(format!("p{n}: not A4 ({} × {})", page.width, page.height));
        }
        let (sheet, numbers) = page.footer();
        if numbers != format!("第{n}页，共{}页", pages.len()) {
            problems.push(format!("p{n}: 页脚 page numbers “{numbers}”"));
        }
        if !page.header().contains(&unit.full_name) {
            problems.push(format!("p{n}: 页眉 “{}” lacks the unit", page.header()));
        }
        match per_sheet.last_mut() {
            Some((s, count)) if *s == sheet => *count += 1,
            _ => per_sheet.push((sheet.clone(), 1)),
        }
        let body = page.body();
        match edges.iter().find(|(s, _, _)| *s == sheet) {
            Some((_, left, right)) => {
                // Every page of a sheet carries its header row with all its columns.
                if !(body.contains(left.as_str()) && body.contains(right.as_str())) {
                    problems.push(format!(
                        "p{n} ({sheet}): lacks “{left}” or “{right}”: columns split sideways or header not repeated"
                    ));
                }
            }
            None => problems.push(format!("p{n}: unexpected sheet “{sheet}” in the 页脚")),
        }
        let wide = ["数据填报", "工作情况", "年度数据"].contains(&sheet.as_str());
        if wide && !page.landscape() {
            problems.push(format!("p{n} ({sheet}): wide sheet printed portrait"));
        }
        if sheet == "封面" && page.landscape() {
            problems.push(format!("p{n}: cover printed landscape"));
        }
        for o in page.overlaps() {
            problems.push(format!("p{n} ({sheet}): text overlaps: {o}"));
        }
    }
    for (sheet, _, _) in &edges {
        if !per_sheet.iter().any(|(s, _)| s == sheet) {
            problems.push(format!("sheet {sheet} not printed"));
        }
    }
    if per_sheet.first() != Some(&("封面".to_string(), 1)) {
        problems.push(format!("the cover is not one first page: {per_sheet:?}"));
    }
    if pages.len() > max_pages {
        problems.push(format!("{} pages, more than {max_pages}", pages.len()));
    }
    eprintln!("{name}: {} pages: {per_sheet:?}", pages.len());
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    per_sheet
}

#[test]
fn forms_print_on_a4_with_whole_columns_and_no_overlapping_text() {
    let Some(soffice) = on_path(&["soffice", "libreoffice"]) else {
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    };
    let (Some(pdftotext), Some(_)) = (on_path(&["pdftotext"]), on_path(&["pdfinfo"])) else {
        eprintln!("skipped: poppler-utils (pdftotext, pdfinfo) is not installed");
        return;
    };
    let setup = Setup::load();
    let unit = setup.unit(UNIT);
    let blank = zhiliang_workbook::write_form(&setup, unit).unwrap();
    let filled =
        zhiliang_workbook::fill_form(&setup, unit, &common::example_submission(UNIT)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = [("blank", blank), ("filled", filled)].map(|(name, bytes)| {
        let path = dir.path().join(format!("{name}.xlsx"));
        std::fs::write(&path, bytes).unwrap();
        path
    });
    convert(&soffice, dir.path(), &files);
    if let Some(out) = std::env::var_os("ZHILIANG_PRINT_OUT") {
        std::fs::create_dir_all(&out).unwrap();
        for name in ["blank", "filled"] {
            let pdf = format!("{name}.pdf");
            std::fs::copy(dir.path().join(&pdf), Path::new(&out).join(&pdf)).unwrap();
        }
    }
    for name in ["blank", "filled"] {
        let pages = read_pdf(&pdftotext, &dir.path().join(format!("{name}.pdf")));
        check_pages(&setup, name, &pages, MAX_PAGES);
    }
}
