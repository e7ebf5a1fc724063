//! What member units report: typed values that remember the cell they came from.
//!
//! Units submit **facts**, never scores. A [`Submission`] is one unit's workbook (or one
//! entry of a facts import file) after normalisation; [`crate::merge::merge`] combines all
//! submissions into [`Facts`], which is what the scoring engine reads.

use crate::diagnostics::{Location, Place};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where a value came from: unit, file, sheet and cell. For values from a facts import
/// file that does not name a sheet and cell, `sheet` and `cell` hold the JSON path instead
/// (`submissions[0]`, [`Place::JsonPath`] `scalars[3]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    pub unit: String,
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub sheet: String,
    /// The cell (or JSON path) of the value; `None` when only the unit is known (a unit's
    /// narrative). Written as its text, `""` when there is none, as always.
    #[serde(default, with = "crate::diagnostics::place_or_empty")]
    pub cell: Option<Place>,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.unit)?;
        if !self.file.is_empty() {
            write!(f, " {}", self.file)?;
        }
        if !self.sheet.is_empty() {
            write!(f, " › {}", self.sheet)?;
        }
        if let Some(cell) = &self.cell {
            write!(f, " › {cell}")?;
        }
        Ok(())
    }
}

impl Location {
    /// The location of a fact's cell. (Defined here, with [`Source`], so that the diagnostics
    /// model does not depend on the facts model.)
    pub fn from_source(source: &Source) -> Self {
        Location {
            unit: Some(source.unit.clone()).filter(|u| !u.is_empty()),
            file: Some(source.file.clone()).filter(|f| !f.is_empty()),
            sheet: Some(source.sheet.clone()).filter(|s| !s.is_empty()),
            cell: source.cell.clone(),
            ..Default::default()
        }
    }
}

/// A normalised value. Documents (`doc` facts: a title and/or 文号) are `Text`; a non-empty
/// text means "exists".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    Text(String),
    Number(Decimal),
    /// A rate as numerator and denominator, e.g. 98 of 100 checked.
    Rate {
        num: Decimal,
        den: Decimal,
    },
    Bool(bool),
    Date(NaiveDate),
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s.as_str()),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// True for a non-blank text, a `true` boolean, any number, date or rate.
    pub fn is_present(&self) -> bool {
        match self {
            Value::Text(s) => !s.trim().is_empty(),
            Value::Bool(b) => *b,
            _ => true,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Number(n) => write!(f, "{}", n.normalize()),
            Value::Rate { num, den } => write!(f, "{}/{}", num.normalize(), den.normalize()),
            Value::Bool(b) => f.write_str(if *b { "是" } else { "否" }),
            Value::Date(d) => write!(f, "{}", crate::config::chinese_date(*d)),
        }
    }
}

/// One scalar fact as one unit reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalarFact {
    pub key: String,
    pub value: Value,
    /// 证明材料: a file name under the unit's evidence folder, or a 文号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub source: Source,
}

/// One row of a record list (e.g. one 表彰, one 标准, one 质量荣誉).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The list this row belongs to (catalogue list key).
    pub list: String,
    /// Field key → value; blank cells are absent.
    pub fields: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The first cell of the row.
    pub source: Source,
}

impl Record {
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field)
    }
    pub fn text(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(Value::as_text)
    }
}

/// One unit's normalised submission (one workbook).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// Canonical unit name (see [`crate::units::Roster::resolve`]).
    pub unit: String,
    /// Path of the workbook relative to the input folder.
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub scalars: Vec<ScalarFact>,
    #[serde(default)]
    pub records: Vec<Record>,
    /// Free narrative per indicator (工作开展情况), used by the 自评报告.
    #[serde(default)]
    pub narratives: BTreeMap<u32, String>,
    /// Rows of the 年度数据 sheet: multi-year series with causes and measures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<SeriesFact>,
}

/// One series row as a unit reported it (see [`crate::series`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesFact {
    /// Series key of the catalogue (`[[series]]`).
    pub key: String,
    /// Values by calendar year.
    #[serde(default)]
    pub values: BTreeMap<i32, Decimal>,
    /// The cell of each year's value (workbooks; empty for an import file).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cells: BTreeMap<i32, Source>,
    /// 原因分析: why the figure moved.
    #[serde(default)]
    pub causes: String,
    /// 主要措施: what the unit did or will do.
    #[serde(default)]
    pub measures: String,
    /// The first cell of the row.
    #[serde(default)]
    pub source: Source,
}

/// A series after merging all units' rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MergedSeries {
    pub values: BTreeMap<i32, Decimal>,
    #[serde(default)]
    pub cells: BTreeMap<i32, Source>,
    /// (unit, text)
    #[serde(default)]
    pub causes: Vec<(String, String)>,
    #[serde(default)]
    pub measures: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub submitted_on: Option<NaiveDate>,
}

/// A scalar after merging: one value, and every cell that contributed to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedFact {
    pub value: Value,
    pub evidence: Vec<String>,
    pub sources: Vec<Source>,
}

/// Facts after merging all submissions: what the scoring engine reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub scalars: BTreeMap<String, MergedFact>,
    pub lists: BTreeMap<String, Vec<Record>>,
    /// Per indicator, the narratives of every unit that wrote one, in roster order.
    pub narratives: BTreeMap<u32, Vec<(String, String)>>,
    /// Single-valued facts left out because units reported different values
    /// (`conflicting-values`), with every cell that reported one; scoring says so.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub conflicts: BTreeMap<String, Vec<Source>>,
    /// Annual-report series reported by the units, by series key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub series: BTreeMap<String, MergedSeries>,
}

impl Facts {
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.scalars.get(key).map(|f| &f.value)
    }
    pub fn list(&self, key: &str) -> &[Record] {
        self.lists.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The documented import format: a JSON (or TOML) file holding a list of submissions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FactsFile {
    pub submissions: Vec<Submission>,
}

/// A document number (文号) such as 章政发〔2022〕11号 or 2022年第3号: how a 证明材料 cell
/// cites a document by number (the check, the binder and the example generator share it).
pub fn is_doc_number(s: &str) -> bool {
    let t = s.trim().trim_end_matches(['）', ')', '》', '”']);
    if t.chars().count() > 60 || t.contains(['、', '，', ',', '；', ';', '\n']) {
        return false;
    }
    let mut run = 0;
    let mut has_year = false;
    for c in t.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run == 4 {
                has_year = true;
            }
        } else {
            run = 0;
        }
    }
    t.ends_with('号') && has_year
}

/// Bytes of one evidence file beyond which it is neither read, hashed nor listed: the
/// check refuses it as too large before touching its content (a 2 GB sparse file costs
/// nothing). PDFs and images the binder embeds have a lower limit of their own.
pub const MAX_EVIDENCE_BYTES: u64 = 200 * 1024 * 1024;

/// One entry of the 证明材料目录 (evidence index), numbered `类别-指标-序号` (e.g. `1-3-2`).
/// The 自评报告 lists it; the 证明材料汇编 (evidence binder) prints the file itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    pub number: String,
    pub indicator: u32,
    pub unit: String,
    /// What the 证明材料 cell named: a file name under the unit's evidence folder, or a
    /// 文号 (then the file is the one whose name contains it).
    pub name: String,
    /// The material's title as the documents print it: the file's name without folder,
    /// extension or unit code (双随机抽查结果汇总-shichangjianguan-2022.xlsx →
    /// 双随机抽查结果汇总-2022), never a path.
    #[serde(default)]
    pub title: String,
    /// True when the file is in the unit's evidence folder (for a 文号: a file whose name
    /// contains it). A 文号 without its file is missing like any other file.
    pub found: bool,
    /// How the binder shows the item (by the file's extension; a 文号 or a missing file
    /// has no file to show).
    #[serde(default)]
    pub kind: EvidenceKind,
    /// The file relative to the input folder, `evidence/<unit id>/<file>`, `/`-separated;
    /// `None` for a 文号 or a file that was not found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Size in bytes and SHA-256 (hex) of the file, when it could be read. The binder
    /// prints them for files it cannot draw, and the binder's render key covers the hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Pages the binder embeds (a PDF's page count, 1 for an image), once the binder's
    /// check has opened the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<usize>,
    /// Why the binder cannot embed the file (damaged, encrypted, too large, unreadable),
    /// as a clause of a Chinese sentence; the draft's placeholder page prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// A spreadsheet's sheets as read (capped), which the binder prints as tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<EvidenceTable>,
}

impl EvidenceItem {
    /// How the documents count the item: in the binder (its pages or table printed), as
    /// an electronic attachment only (a video: listed with size and SHA-256), or missing
    /// (absent, or present but unusable). The 自评报告's 证明材料目录 and the binder
    /// count with this one function, so their numbers agree.
    pub fn status(&self) -> EvidenceStatus {
        if !self.found || self.problem.is_some() {
            return EvidenceStatus::Missing;
        }
        match self.kind {
            EvidenceKind::Pdf | EvidenceKind::Image => EvidenceStatus::Printed,
            EvidenceKind::Spreadsheet if self.table.is_some() => EvidenceStatus::Printed,
            EvidenceKind::Missing => EvidenceStatus::Missing,
            _ => EvidenceStatus::Attached,
        }
    }
}

/// See [`EvidenceItem::status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceStatus {
    Printed,
    Attached,
    Missing,
}

/// A spreadsheet's content for printing: each sheet with its caption (a merged title
/// row), header row and data rows, as displayed text, capped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceTable {
    pub sheets: Vec<EvidenceSheet>,
    /// Sheets left out beyond the cap (the binder says so).
    #[serde(default)]
    pub sheets_omitted: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceSheet {
    pub name: String,
    /// A title row above the table (one text across the row), if any.
    #[serde(default)]
    pub caption: String,
    /// Lines between the title and the header (填报单位, 统计时间 …), each row's texts
    /// joined.
    #[serde(default)]
    pub preamble: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Lines below the table (负责人, 填表人, notes): trailing rows of one or two texts.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Rows and columns left out beyond the cap (the binder says so).
    #[serde(default)]
    pub rows_omitted: usize,
    #[serde(default)]
    pub columns_omitted: usize,
}

/// What kind of evidence an [`EvidenceItem`] is, as far as the binder is concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// A PDF: embedded page by page.
    Pdf,
    /// A JPG or PNG scan: scaled to the 版心.
    Image,
    /// A spreadsheet (xlsx, xlsm, xls, ods): printed as tables, sheet by sheet.
    Spreadsheet,
    /// Anything else (video, Word files, archives): listed with its title, size and
    /// SHA-256, "见电子附件".
    Other,
    /// A named file that is not in the unit's evidence folder.
    #[default]
    Missing,
}

impl EvidenceKind {
    /// The kind of a file by its name's extension (case-insensitive).
    pub fn of_file(name: &str) -> EvidenceKind {
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "pdf" => EvidenceKind::Pdf,
            "jpg" | "jpeg" | "png" => EvidenceKind::Image,
            "xlsx" | "xlsm" | "xls" | "ods" => EvidenceKind::Spreadsheet,
            _ => EvidenceKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Cell;

    fn source(cell: Option<Place>) -> Source {
        Source {
            unit: "区统计局".into(),
            file: "tongji.xlsx".into(),
            sheet: "数据填报".into(),
            cell,
        }
    }

    /// A source's place is written as the text it always was, `""` when there is none, and
    /// read back as the same kind of place.
    #[test]
    fn a_source_writes_its_place_as_text_and_reads_it_back_typed() {
        let cases = [
            (Some(Place::Cell(Cell::new(14, 7))), "H15"),
            (Some(Place::json_path("scalars[3]")), "scalars[3]"),
            (None, ""),
        ];
        for (cell, text) in cases {
            let s = source(cell);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(
                json,
                format!(
                    r#"{{"unit":"区统计局","file":"tongji.xlsx","sheet":"数据填报","cell":"{text}"}}"#
                )
            );
            assert_eq!(serde_json::from_str::<Source>(&json).unwrap(), s);
        }
        // Only the unit given (a facts import before its paths are filled in).
        let bare: Source = serde_json::from_str(r#"{"unit":"区统计局"}"#).unwrap();
        assert_eq!(bare.cell, None);
        assert_eq!(bare.to_string(), "区统计局");
        assert_eq!(
            source(Some(Place::Cell(Cell::new(14, 7)))).to_string(),
            "区统计局 tongji.xlsx › 数据填报 › H15"
        );
    }
}
