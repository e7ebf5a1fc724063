//! 证明材料汇编 (the evidence binder): every evidence item of the 证明材料目录, in
//! indicator order, in one PDF.
//!
//! Two steps:
//! * [`crate::evidence::inspect_evidence`] (run by the check stage) opens every evidence
//!   file the index names, in an isolated worker, with the same PDF and image loaders
//!   Typst uses, and records its page count or the problem that keeps it out of the
//!   binder — each problem a diagnostic with the unit and the path;
//! * [`binder`] turns the index into the binder's data, and [`binder_files`] says which
//!   evidence files the Typst world may serve (read-only, under `/evidence/…`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use zhiliang_core::facts::{EvidenceItem, EvidenceKind, EvidenceStatus};

use super::*;
use crate::wording::Wording;

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
    /// Items in the binder; how many are printed (pages or tables), only attached
    /// (listed with size and SHA-256), and missing or unusable — counted with
    /// `EvidenceItem::status`, as the 自评报告 counts them.
    pub count: usize,
    pub printed: usize,
    pub attached: usize,
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
    /// The material's title (file name without folder, extension or unit code).
    pub title: String,
    /// What kind of file it is, for a listed item (MP4 视频).
    pub format: String,
    /// `pdf`, `image` (drawn); `table` (a spreadsheet printed sheet by sheet); `listed`
    /// (a file that cannot be printed, such as a video: title, size, SHA-256,
    /// 见电子附件); `missing` (named but absent or unusable: a placeholder page).
    pub kind: &'static str,
    /// The sheets of a `table` item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<BinderSheet>,
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
    /// The number of the item that already printed the same file (the binder prints a
    /// file once and refers back to it: 同证明材料 1-1-1); empty when this is the first.
    pub same_as: String,
}

/// One sheet of a spreadsheet as the binder prints it.
#[derive(Debug, Clone, Serialize)]
pub struct BinderSheet {
    pub name: String,
    pub caption: String,
    pub preamble: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
    pub columns: usize,
    /// What was left out, as a sentence (empty when nothing was).
    pub note: String,
}

/// The binder's data: categories → indicators that have evidence → items, in the order
/// and with the numbers of the 证明材料目录.
pub fn binder(inputs: &Inputs, wording: &Wording) -> Result<BinderData, DataError> {
    let c = inputs.campaign;
    let common = serde_json::json!({ "district": c.district });
    let doc_title = wording.sentence("binder/title.j2", &common)?;
    let mut categories = Vec::new();
    let mut count = 0;
    let mut printed = 0;
    let mut attached = 0;
    let mut problems = 0;
    let mut embeds_pdf = false;
    // The first item that printed each file: path → evidence number.
    let mut first_printing: BTreeMap<String, String> = BTreeMap::new();
    for (n, (cat, inds)) in super::categories(inputs).into_iter().enumerate() {
        let mut indicators = Vec::new();
        for ind in inds {
            let evidence: Vec<&EvidenceItem> = inputs
                .evidence
                .iter()
                .filter(|e| e.indicator == ind.id)
                .collect();
            if evidence.is_empty() {
                continue;
            }
            for e in &evidence {
                match e.status() {
                    EvidenceStatus::Printed => printed += 1,
                    EvidenceStatus::Attached => attached += 1,
                    EvidenceStatus::Missing => problems += 1,
                }
            }
            let items: Vec<BinderItem> = evidence
                .iter()
                .map(|e| {
                    let mut it = item(e, inputs.evidence_dir.is_some());
                    // A file printed under an earlier indicator is referred to, not
                    // printed again (the plan itself backs several indicators).
                    if matches!(it.kind, "pdf" | "image" | "table")
                        && let Some(path) = &e.path
                    {
                        match first_printing.get(path) {
                            Some(first) => it.same_as = first.clone(),
                            None => {
                                first_printing.insert(path.clone(), it.number.clone());
                            }
                        }
                    }
                    it
                })
                .collect();
            count += items.len();
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
        printed,
        attached,
        problems,
        categories,
        embeds_pdf,
    })
}

fn item(e: &EvidenceItem, files_served: bool) -> BinderItem {
    let drawable = files_served
        && e.pages.is_some_and(|p| p > 0)
        && e.path
            .as_ref()
            .is_some_and(|p| crate::world::valid_virtual_path(&format!("/{p}")));
    // The status decides what the binder holds; the kind only how it is shown. A file
    // that passed the check but that this run cannot serve is listed, never dropped.
    let kind = match (e.status(), e.kind) {
        (EvidenceStatus::Missing, _) => "missing",
        (EvidenceStatus::Printed, EvidenceKind::Pdf) if drawable => "pdf",
        (EvidenceStatus::Printed, EvidenceKind::Image) if drawable => "image",
        (EvidenceStatus::Printed, EvidenceKind::Spreadsheet) => "table",
        _ => "listed",
    };
    let problem = match &e.problem {
        Some(p) => format!("该文件{p}。"),
        None if !e.found => format!(
            "{}所列的证明材料“{}”未随填报表报送，证明材料文件夹中没有该文件{}。",
            e.unit,
            e.name,
            if zhiliang_core::facts::is_doc_number(&e.name) {
                "（以文号引用的文件，须附文件本身）"
            } else {
                ""
            }
        ),
        None => String::new(),
    };
    let sheets = match (kind, &e.table) {
        ("table", Some(t)) => sheets(t),
        _ => Vec::new(),
    };
    BinderItem {
        number: e.number.clone(),
        unit: e.unit.clone(),
        title: e.title.clone(),
        format: format_name(e.path.as_deref().unwrap_or(&e.name)),
        kind,
        sheets,
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
        same_as: String::new(),
    }
}

/// MP4 视频, Word 文档 …: what a listed file is, by its extension.
fn format_name(file: &str) -> String {
    let ext = file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "mp4" | "mov" | "avi" | "wmv" | "mkv" | "flv" => format!("{} 视频", ext.to_uppercase()),
        "mp3" | "wav" | "m4a" => format!("{} 音频", ext.to_uppercase()),
        "doc" | "docx" | "wps" => "Word 文档".to_string(),
        "ppt" | "pptx" => "演示文稿".to_string(),
        "zip" | "rar" | "7z" => "压缩包".to_string(),
        "xlsx" | "xlsm" | "xls" | "ods" => "电子表格".to_string(),
        "" => "文件".to_string(),
        e => format!("{} 文件", e.to_uppercase()),
    }
}

fn sheets(t: &zhiliang_core::facts::EvidenceTable) -> Vec<BinderSheet> {
    let many = t.sheets.len() > 1;
    let mut out: Vec<BinderSheet> = t
        .sheets
        .iter()
        .map(|s| {
            let mut left_out = Vec::new();
            if s.rows_omitted > 0 {
                left_out.push(format!("其后 {} 行", s.rows_omitted));
            }
            if s.columns_omitted > 0 {
                left_out.push(format!("右侧 {} 列", s.columns_omitted));
            }
            let note = if left_out.is_empty() {
                String::new()
            } else {
                format!(
                    "本表篇幅较大，汇编只排印前 {} 行、前 {} 列，{}未排印，完整内容见电子附件。",
                    s.rows.len(),
                    s.header.len(),
                    left_out.join("、")
                )
            };
            BinderSheet {
                name: if many { s.name.clone() } else { String::new() },
                caption: s.caption.clone(),
                preamble: s.preamble.clone(),
                notes: s.notes.clone(),
                columns: s
                    .header
                    .len()
                    .max(s.rows.iter().map(Vec::len).max().unwrap_or(0)),
                header: s.header.clone(),
                rows: s.rows.clone(),
                note,
            }
        })
        .collect();
    if t.sheets_omitted > 0
        && let Some(last) = out.last_mut()
    {
        if !last.note.is_empty() {
            last.note.push('\n');
        }
        last.note.push_str(&format!(
            "另有 {} 张工作表未排印，完整内容见电子附件。",
            t.sheets_omitted
        ));
    }
    out
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
