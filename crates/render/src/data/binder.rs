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
use zhiliang_core::facts::{EvidenceItem, EvidenceKind};

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
