//! The build record (`output/生成记录.json`): what one build read, what it wrote, the scores
//! and the diagnostics. The next build compares itself with it to say what changed, and
//! `archive` copies it into the manifest. It holds no wall-clock time, so an unchanged
//! rebuild writes it byte for byte again.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zhiliang_core::Decimal;
use zhiliang_core::diagnostics::{Diagnostic, Summary};

/// One file with its hash, relative to the project (inputs) or output folder (outputs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    /// The member unit a workbook belongs to, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Outputs: the render key of the PDF (a hash of its data, templates, fonts, program
    /// version and draft flag). The next build reuses the PDF when its key is the same
    /// and the file still has this hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render_key: Option<String>,
    /// Outputs: the template warnings Typst gave when it laid the PDF out. A build that
    /// reuses the PDF reports them again, taken from here (not matched by their text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorBrief {
    /// The official score (rounded half up to 0.01), as every document prints it.
    pub score: Decimal,
    pub points: Decimal,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildRecord {
    pub program: String,
    pub program_version: String,
    pub catalogue_sha256: String,
    pub draft: bool,
    /// Sum of the official scores.
    pub total: Decimal,
    pub scores: BTreeMap<u32, IndicatorBrief>,
    pub summary: Summary,
    pub inputs: Vec<FileEntry>,
    pub outputs: Vec<FileEntry>,
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildRecord {
    pub fn to_json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("build record serialises");
        bytes.push(b'\n');
        bytes
    }

    pub fn from_json(bytes: &[u8]) -> Option<BuildRecord> {
        serde_json::from_slice(bytes).ok()
    }

    /// Workbooks (files that carry a unit), by path.
    pub fn submissions(&self) -> BTreeMap<&str, &FileEntry> {
        self.inputs
            .iter()
            .filter(|f| f.unit.is_some())
            .map(|f| (f.path.as_str(), f))
            .collect()
    }
}
