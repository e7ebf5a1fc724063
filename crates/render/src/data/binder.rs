//! 证明材料汇编 (the evidence binder): every evidence item of the 证明材料目录, in
//! indicator order, in one PDF.
//!
//! Two steps:
//! * [`inspect_evidence`] (run by the check stage) opens every evidence file the index
//!   names, with the same PDF and image loaders Typst uses, and records its page count or
//!   the problem that keeps it out of the binder (unreadable, damaged, encrypted, too
//!   large) — each problem a diagnostic with the unit and the path;
//! * [`binder`] turns the index into the binder's data, and [`binder_files`] says which
//!   evidence files the Typst world may serve (read-only, under `/evidence/…`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use typst::foundations::Bytes;
use zhiliang_core::diagnostics::{Code, Diagnostic, Location, Severity};
use zhiliang_core::facts::{EvidenceItem, EvidenceKind};

use super::*;
use crate::wording::Wording;

/// Limits on what the binder embeds: a file beyond them is a `file-too-large` error, so a
/// stray 2 GB video or a 3 000-page scan cannot stall the build or swell the binder.
pub mod limits {
    /// Bytes of one PDF or image file that is embedded (files only listed are not read).
    pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
    /// Pages of one evidence PDF.
    pub const MAX_PDF_PAGES: usize = 300;
    /// Pixels of one image (a 600 dpi A3 scan is about 70 million).
    pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;
}

/// What the binder's check found in one evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// Pages of a PDF (1 for an image).
    pub pages: usize,
    /// Fonts the PDF uses without embedding them (PDF/A needs every font embedded).
    pub unembedded_fonts: Vec<String>,
}

/// Opens every evidence file the index names that the binder draws (PDFs and images) and
/// records its page count in `item.pages`, or the problem in `item.problem`. Returns one
/// diagnostic per problem (with the unit and the path), and — when PDF pages are embedded
/// — the `binder-not-pdfa` warning with one note per PDF whose fonts are not embedded.
///
/// `input_dir` is the folder that `item.path` (`evidence/<unit>/<file>`) is relative to.
pub fn inspect_evidence(items: &mut [EvidenceItem], input_dir: &Path) -> Vec<Diagnostic> {
    // Opening and parsing ~100 files is most of what `check` costs: each distinct file is
    // inspected once, in parallel, before the results are handed out in order.
    let mut wanted: Vec<(String, EvidenceKind)> = items
        .iter()
        .filter(|i| matches!(i.kind, EvidenceKind::Pdf | EvidenceKind::Image))
        .filter_map(|i| i.path.clone().map(|p| (p, i.kind)))
        .collect();
    wanted.sort_by(|a, b| a.0.cmp(&b.0));
    wanted.dedup_by(|a, b| a.0 == b.0);
    let inspected: std::collections::HashMap<String, Result<Inspection, FileProblem>> = {
        use rayon::prelude::*;
        wanted
            .into_par_iter()
            .map(|(rel, kind)| {
                let result = inspect_file(&input_dir.join(&rel), kind);
                (rel, result)
            })
            .collect()
    };
    let mut out = Vec::new();
    let mut embedded_pdfs = 0usize;
    for item in items.iter_mut() {
        let Some(rel) = item.path.clone() else {
            continue;
        };
        if !matches!(item.kind, EvidenceKind::Pdf | EvidenceKind::Image) {
            continue;
        }
        let loc = Location {
            unit: Some(item.unit.clone()),
            file: Some(rel.clone()),
            indicator: Some(item.indicator),
            ..Default::default()
        };
        let Some(result) = inspected.get(&rel).cloned() else {
            continue;
        };
        match result {
            Ok(found) => {
                item.pages = Some(found.pages);
                if item.kind == EvidenceKind::Pdf {
                    embedded_pdfs += 1;
                    if !found.unembedded_fonts.is_empty() {
                        out.push(
                            Diagnostic::new(
                                Code::BinderNotPdfa,
                                loc,
                                format!(
                                    "证明材料“{rel}”（{}）使用了未嵌入的字体（{}），即使排版程序允许嵌入 PDF，证明材料汇编也不能符合 PDF/A；如需 PDF/A 版本，请向报送单位索取嵌入字体的 PDF（如“另存为 PDF/A”）。",
                                    item.number,
                                    found.unembedded_fonts.join("、")
                                ),
                            )
                            .with_severity(Severity::Info),
                        );
                    }
                }
            }
            Err(problem) => {
                let (code, what) = problem.describe();
                item.problem = Some(what.clone());
                out.push(Diagnostic::new(
                    code,
                    loc,
                    format!(
                        "证明材料“{rel}”（{}，{}）{what}，无法编入证明材料汇编；请报送单位重新提供该文件后再生成（草稿中以占位页标明）。",
                        item.number, item.unit
                    ),
                ));
            }
        }
    }
    if embedded_pdfs > 0 {
        out.push(Diagnostic::new(
            Code::BinderNotPdfa,
            Location::file(format!("output/{}", crate::DocKind::Binder.file_name())),
            format!(
                "证明材料汇编按原样（矢量、文字可检索）嵌入了 {embedded_pdfs} 份 PDF 证明材料，排版程序（Typst 0.15）不允许在 PDF/A 文件中嵌入其他 PDF，因此证明材料汇编导出为普通 PDF（不是 PDF/A）；其余文件仍为 PDF/A-3b。长期归档时请知悉。"
            ),
        ));
    }
    out
}

/// Why an evidence file cannot go into the binder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    Unreadable(String),
    TooLarge(String),
    Encrypted,
    Damaged(String),
}

impl FileProblem {
    /// The diagnostic code and a clause for the message (and the draft's placeholder page).
    fn describe(&self) -> (Code, String) {
        match self {
            FileProblem::Unreadable(why) => (Code::UnreadableFile, format!("无法读取（{why}）")),
            FileProblem::TooLarge(what) => (Code::FileTooLarge, what.clone()),
            FileProblem::Encrypted => (
                Code::EncryptedFile,
                "设置了密码或加密，无法打开".to_string(),
            ),
            FileProblem::Damaged(what) => (Code::EvidenceDamaged, what.clone()),
        }
    }
}

/// Checks one PDF or image file as the binder will embed it.
pub fn inspect_file(path: &Path, kind: EvidenceKind) -> Result<Inspection, FileProblem> {
    let meta = std::fs::metadata(path).map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    if meta.len() > limits::MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge(format!(
            "有 {}，超过汇编单个文件 {} 的上限",
            size_text(meta.len()),
            size_text(limits::MAX_FILE_BYTES)
        )));
    }
    let data = std::fs::read(path).map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    match kind {
        EvidenceKind::Pdf => inspect_pdf(data),
        _ => inspect_image(data),
    }
}

fn inspect_pdf(data: Vec<u8>) -> Result<Inspection, FileProblem> {
    // The parser Typst's `image` loads PDFs with: what it accepts here, the binder can
    // embed.
    let doc = hayro_syntax::Pdf::new(data.clone()).map_err(|e| match e {
        hayro_syntax::LoadPdfError::Decryption(_) => FileProblem::Encrypted,
        hayro_syntax::LoadPdfError::Invalid => {
            FileProblem::Damaged("不是完整有效的 PDF 文件（可能已损坏或扩展名有误）".to_string())
        }
    })?;
    let pages = doc.pages().len();
    if pages == 0 {
        return Err(FileProblem::Damaged("是没有页面的 PDF 文件".to_string()));
    }
    if pages > limits::MAX_PDF_PAGES {
        return Err(FileProblem::TooLarge(format!(
            "有 {pages} 页，超过汇编单个文件 {} 页的上限",
            limits::MAX_PDF_PAGES
        )));
    }
    Ok(Inspection {
        pages,
        unembedded_fonts: unembedded_fonts(&data),
    })
}

fn inspect_image(data: Vec<u8>) -> Result<Inspection, FileProblem> {
    use typst::visualize::{ExchangeFormat, RasterImage};
    let format = ExchangeFormat::detect(&data).ok_or_else(|| {
        FileProblem::Damaged("不是可识别的 JPG 或 PNG 图片（可能已损坏或扩展名有误）".to_string())
    })?;
    // The size from the header first: a few kilobytes can claim billions of pixels, and
    // decoding such a file would take the memory the limit is there to protect.
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(&data))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .ok_or_else(|| {
            FileProblem::Damaged("无法读出图片尺寸（可能已损坏或扩展名有误）".to_string())
        })?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits::MAX_IMAGE_PIXELS {
        return Err(FileProblem::TooLarge(format!(
            "为 {width}×{height} 像素，超过汇编单张图片 {} 万像素的上限",
            limits::MAX_IMAGE_PIXELS / 10_000
        )));
    }
    RasterImage::plain(Bytes::new(data), format).map_err(|_| {
        FileProblem::Damaged("无法解码为图片（可能已损坏或扩展名有误）".to_string())
    })?;
    Ok(Inspection {
        pages: 1,
        unembedded_fonts: Vec::new(),
    })
}

/// Base names of the fonts a PDF uses without embedding them (no FontFile, FontFile2 or
/// FontFile3 in the descriptor; a simple font without a descriptor, such as the standard
/// Helvetica, is not embedded either). Empty when the file cannot be parsed this way.
fn unembedded_fonts(data: &[u8]) -> Vec<String> {
    use lopdf::{Document, Object};
    let Ok(doc) = Document::load_mem(data) else {
        return Vec::new();
    };
    let mut names = std::collections::BTreeSet::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if !dict
            .get(b"Type")
            .and_then(Object::as_name)
            .is_ok_and(|t| t == b"Font")
        {
            continue;
        }
        let subtype = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        // Type0 fonts carry their file in the descendant; Type3 fonts are drawn by
        // content streams and need no file.
        if subtype == b"Type0" || subtype == b"Type3" {
            continue;
        }
        let descriptor = dict.get(b"FontDescriptor").ok().and_then(|d| match d {
            Object::Reference(id) => doc.get_dictionary(*id).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        });
        let embedded = descriptor
            .is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));
        if !embedded {
            let name = dict
                .get(b"BaseFont")
                .and_then(Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_else(|_| "未命名字体".to_string());
            names.insert(name);
        }
    }
    names.into_iter().collect()
}

/// 12.3 KB, 4.5 MB: a file size for people.
pub fn size_text(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} 字节")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BinderData {
    pub meta: Meta,
    pub doc_title: String,
    pub issuer: String,
    pub district: String,
    /// Items in the binder, and how many of them are missing or unusable.
    pub count: usize,
    pub problems: usize,
    pub categories: Vec<BinderCategory>,
    /// PDF pages are embedded: the binder is exported as plain PDF, not PDF/A (Typst 0.15
    /// refuses embedded PDFs in PDF/A).
    pub embeds_pdf: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BinderCategory {
    /// 一、
    pub number: String,
    pub name: String,
    pub indicators: Vec<BinderIndicator>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BinderIndicator {
    pub id: u32,
    /// 指标3　质量理念
    pub title: String,
    /// 指标内容及评分方法, verbatim.
    pub text: String,
    /// 分值3分: the indicator's official points from the 任务分解表. Deliberately not the
    /// self-assessed score: the binder then depends only on the catalogue, the evidence
    /// and its numbering, so a changed fact re-renders the other documents, not the
    /// ~200-page binder.
    pub score: String,
    pub responsible: String,
    pub items: Vec<BinderItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BinderItem {
    pub number: String,
    pub unit: String,
    /// File name (under the unit's folder) or 文号.
    pub name: String,
    /// `pdf`, `image` (drawn); `listed` (a file that is not drawn: name, size, SHA-256,
    /// 见电子附件); `doc-number` (a 文号); `missing` (named but absent or unusable: a
    /// placeholder page in drafts).
    pub kind: &'static str,
    /// Virtual path in the Typst world (`/evidence/<unit id>/<file>`) of a drawn file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub pages: usize,
    pub size: String,
    pub sha256: String,
    /// What is wrong with a `missing` item, as the placeholder page says it.
    pub problem: String,
    /// `unit › file` for the glyph check.
    pub src: String,
}

/// The binder's data: categories → indicators that have evidence → items, in the order
/// and with the numbers of the 证明材料目录.
pub fn binder(inputs: &Inputs, wording: &Wording) -> Result<BinderData, DataError> {
    let c = inputs.campaign;
    let common = serde_json::json!({ "district": c.district });
    let doc_title = wording.sentence("binder/title.j2", &common)?;
    let mut categories = Vec::new();
    let mut count = 0;
    let mut problems = 0;
    let mut embeds_pdf = false;
    for (n, (cat, inds)) in super::categories(inputs).into_iter().enumerate() {
        let mut indicators = Vec::new();
        for ind in inds {
            let items: Vec<BinderItem> = inputs
                .evidence
                .iter()
                .filter(|e| e.indicator == ind.id)
                .map(|e| item(e, inputs.evidence_dir.is_some()))
                .collect();
            if items.is_empty() {
                continue;
            }
            count += items.len();
            problems += items.iter().filter(|i| i.kind == "missing").count();
            embeds_pdf |= items.iter().any(|i| i.kind == "pdf");
            indicators.push(BinderIndicator {
                id: ind.id,
                title: format!("指标{}　{}", ind.id, ind.subcategory),
                text: ind.text.clone(),
                score: format!("分值{}分", num(ind.points)),
                responsible: ind.responsible.join("、"),
                items,
            });
        }
        if !indicators.is_empty() {
            categories.push(BinderCategory {
                number: format!("{}、", cn_number(n + 1)),
                name: cat.to_string(),
                indicators,
            });
        }
    }
    Ok(BinderData {
        meta: meta(
            inputs,
            doc_title.clone(),
            "质量强区创建证明材料",
            &["质量强区", "证明材料汇编", &c.district.short_name],
        ),
        doc_title,
        issuer: c.district.issuer.clone(),
        district: c.district.name.clone(),
        count,
        problems,
        categories,
        embeds_pdf,
    })
}

fn item(e: &EvidenceItem, files_served: bool) -> BinderItem {
    let drawable = files_served
        && e.problem.is_none()
        && e.pages.is_some_and(|p| p > 0)
        && e.path
            .as_ref()
            .is_some_and(|p| crate::world::valid_virtual_path(&format!("/{p}")));
    let kind = match e.kind {
        EvidenceKind::DocNumber => "doc-number",
        EvidenceKind::Missing => "missing",
        _ if e.problem.is_some() => "missing",
        EvidenceKind::Pdf if drawable => "pdf",
        EvidenceKind::Image if drawable => "image",
        _ => "listed",
    };
    let problem = match (&e.problem, e.kind) {
        (Some(p), _) => format!("该文件{p}。"),
        (None, EvidenceKind::Missing) => format!(
            "{}所填的证明材料“{}”未随填报表报送，证明材料文件夹中没有该文件。",
            e.unit, e.name
        ),
        _ => String::new(),
    };
    BinderItem {
        number: e.number.clone(),
        unit: e.unit.clone(),
        name: e.name.clone(),
        kind,
        file: matches!(kind, "pdf" | "image")
            .then(|| e.path.as_ref().map(|p| format!("/{p}")))
            .flatten(),
        pages: if matches!(kind, "pdf" | "image") {
            e.pages.unwrap_or(1)
        } else {
            0
        },
        size: e.size.map(size_text).unwrap_or_default(),
        sha256: e.sha256.clone().unwrap_or_default(),
        problem,
        src: [e.unit.as_str(), e.path.as_deref().unwrap_or(&e.name)].join(" › "),
    }
}

/// The evidence files the binder draws: virtual path in the Typst world → real path.
/// Exactly these are served (read-only); everything else under `/evidence` is not found.
pub fn binder_files(data: &BinderData, input_dir: &Path) -> BTreeMap<String, PathBuf> {
    data.categories
        .iter()
        .flat_map(|c| &c.indicators)
        .flat_map(|i| &i.items)
        .filter_map(|item| item.file.as_ref())
        .map(|v| (v.clone(), input_dir.join(v.trim_start_matches('/'))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_for_people() {
        assert_eq!(size_text(900), "900 字节");
        assert_eq!(size_text(5625), "5.5 KB");
        assert_eq!(size_text(3 * 1024 * 1024 + 1024 * 512), "3.5 MB");
    }
}
