//! One diagnostic model for every stage (catalogue, ingest, check, score, render), in the
//! spirit of Frictionless's error catalogue: a stable kebab-case code, a severity, where it
//! happened (unit, file, sheet, A1 cell, indicator, fact), a Chinese message that the office
//! can forward to the unit as is, and the value that was seen.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// The stable catalogue of diagnostic codes. Serialised as kebab-case (`missing-fact`).
/// Add a variant here (with its title and default severity) rather than inventing
/// free-form codes elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    // --- catalogue and configuration ---
    CatalogueInvalid,
    ConfigInvalid,
    MissingBenchmark,
    BenchmarkFixedByRule,
    ExampleBenchmark,
    // --- files ---
    UnreadableFile,
    UnreadableWorkbook,
    EncryptedFile,
    NotASpreadsheet,
    FileTooLarge,
    OutdatedForm,
    UnknownUnit,
    MissingSubmission,
    DuplicateSubmission,
    // --- values ---
    MissingFact,
    WrongType,
    InvalidChoice,
    OutOfRange,
    #[serde(rename = "rate-above-100")]
    RateAboveHundred,
    ZeroDenominator,
    InvalidDate,
    OutsideWindow,
    UnknownField,
    ControlCharacters,
    // --- evidence ---
    MissingEvidence,
    EvidenceNotFound,
    EvidenceUnreferenced,
    EvidenceDamaged,
    // --- between units ---
    ConflictingValues,
    DuplicateRecord,
    NotResponsible,
    InconsistentTotals,
    // --- rendering ---
    MissingGlyph,
    TemplateError,
    BinderNotPdfa,
    // --- output ---
    OutputMismatch,
}

impl Code {
    /// Every code, in catalogue order (docs/diagnostics.md lists them all; a test checks it).
    pub const ALL: [Code; 36] = [
        Code::CatalogueInvalid,
        Code::ConfigInvalid,
        Code::MissingBenchmark,
        Code::BenchmarkFixedByRule,
        Code::ExampleBenchmark,
        Code::UnreadableFile,
        Code::UnreadableWorkbook,
        Code::EncryptedFile,
        Code::NotASpreadsheet,
        Code::FileTooLarge,
        Code::OutdatedForm,
        Code::UnknownUnit,
        Code::MissingSubmission,
        Code::DuplicateSubmission,
        Code::MissingFact,
        Code::WrongType,
        Code::InvalidChoice,
        Code::OutOfRange,
        Code::RateAboveHundred,
        Code::ZeroDenominator,
        Code::InvalidDate,
        Code::OutsideWindow,
        Code::UnknownField,
        Code::ControlCharacters,
        Code::MissingEvidence,
        Code::EvidenceNotFound,
        Code::EvidenceUnreferenced,
        Code::EvidenceDamaged,
        Code::ConflictingValues,
        Code::DuplicateRecord,
        Code::NotResponsible,
        Code::InconsistentTotals,
        Code::MissingGlyph,
        Code::TemplateError,
        Code::BinderNotPdfa,
        Code::OutputMismatch,
    ];

    /// Kebab-case name, identical to the serialised form.
    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            CatalogueInvalid => "catalogue-invalid",
            ConfigInvalid => "config-invalid",
            MissingBenchmark => "missing-benchmark",
            BenchmarkFixedByRule => "benchmark-fixed-by-rule",
            ExampleBenchmark => "example-benchmark",
            UnreadableFile => "unreadable-file",
            UnreadableWorkbook => "unreadable-workbook",
            EncryptedFile => "encrypted-file",
            NotASpreadsheet => "not-a-spreadsheet",
            FileTooLarge => "file-too-large",
            OutdatedForm => "outdated-form",
            UnknownUnit => "unknown-unit",
            MissingSubmission => "missing-submission",
            DuplicateSubmission => "duplicate-submission",
            MissingFact => "missing-fact",
            WrongType => "wrong-type",
            InvalidChoice => "invalid-choice",
            OutOfRange => "out-of-range",
            RateAboveHundred => "rate-above-100",
            ZeroDenominator => "zero-denominator",
            InvalidDate => "invalid-date",
            OutsideWindow => "outside-window",
            UnknownField => "unknown-field",
            ControlCharacters => "control-characters",
            MissingEvidence => "missing-evidence",
            EvidenceNotFound => "evidence-not-found",
            EvidenceUnreferenced => "evidence-unreferenced",
            EvidenceDamaged => "evidence-damaged",
            ConflictingValues => "conflicting-values",
            DuplicateRecord => "duplicate-record",
            NotResponsible => "not-responsible",
            InconsistentTotals => "inconsistent-totals",
            MissingGlyph => "missing-glyph",
            TemplateError => "template-error",
            BinderNotPdfa => "binder-not-pdfa",
            OutputMismatch => "output-mismatch",
        }
    }

    /// Short Chinese title of the problem kind (used as a heading in reports).
    pub fn title(self) -> &'static str {
        use Code::*;
        match self {
            CatalogueInvalid => "任务分解表数据有误",
            ConfigInvalid => "创建配置有误",
            MissingBenchmark => "缺少功效系数法的满意值或不允许值",
            BenchmarkFixedByRule => "配置的基准与评分方法规定值不一致",
            ExampleBenchmark => "满意值、不允许值为示例数据",
            UnreadableFile => "文件无法读取",
            UnreadableWorkbook => "工作簿读取失败",
            EncryptedFile => "文件已加密",
            NotASpreadsheet => "不是电子表格文件",
            FileTooLarge => "文件过大",
            OutdatedForm => "填报表与当前任务分解表不一致（旧版表格）",
            UnknownUnit => "无法识别的单位名称",
            MissingSubmission => "单位尚未报送",
            DuplicateSubmission => "同一单位重复报送",
            MissingFact => "缺少应填数据",
            WrongType => "数据类型不符",
            InvalidChoice => "不在可选项内",
            OutOfRange => "数值超出合理范围",
            RateAboveHundred => "比率超过100%",
            ZeroDenominator => "分母为零",
            InvalidDate => "日期无法识别",
            OutsideWindow => "不在统计期内",
            UnknownField => "无法识别的栏目",
            ControlCharacters => "单元格含控制字符",
            MissingEvidence => "缺少证明材料",
            EvidenceNotFound => "证明材料文件不存在",
            EvidenceUnreferenced => "证明材料未被引用",
            EvidenceDamaged => "证明材料文件已损坏",
            ConflictingValues => "不同单位报送的数据不一致",
            DuplicateRecord => "重复记录",
            NotResponsible => "非责任单位报送",
            InconsistentTotals => "合计数不一致",
            MissingGlyph => "字体缺字",
            TemplateError => "模板错误",
            BinderNotPdfa => "证明材料汇编不是 PDF/A",
            OutputMismatch => "输出文件与生成记录不符",
        }
    }

    /// The severity a diagnostic of this code has unless the reporter says otherwise.
    pub fn default_severity(self) -> Severity {
        use Code::*;
        match self {
            OutsideWindow | ExampleBenchmark | DuplicateRecord | NotResponsible
            | InconsistentTotals | EvidenceUnreferenced | UnknownField | BenchmarkFixedByRule
            | OutputMismatch | ControlCharacters | BinderNotPdfa => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a diagnostic points. Every part is optional because a problem may concern a whole
/// unit (not submitted), a whole file (unreadable) or one cell.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// A1-style cell reference, e.g. `D12`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
}

impl Location {
    pub fn unit(unit: impl Into<String>) -> Self {
        Location {
            unit: Some(unit.into()),
            ..Default::default()
        }
    }
    pub fn file(file: impl Into<String>) -> Self {
        Location {
            file: Some(file.into()),
            ..Default::default()
        }
    }
    pub fn indicator(id: u32) -> Self {
        Location {
            indicator: Some(id),
            ..Default::default()
        }
    }
    /// The location of a fact's cell.
    pub fn from_source(source: &crate::facts::Source) -> Self {
        Location {
            unit: Some(source.unit.clone()).filter(|u| !u.is_empty()),
            file: Some(source.file.clone()).filter(|f| !f.is_empty()),
            sheet: Some(source.sheet.clone()).filter(|s| !s.is_empty()),
            cell: Some(source.cell.clone()).filter(|c| !c.is_empty()),
            ..Default::default()
        }
    }
    pub fn with_indicator(mut self, id: u32) -> Self {
        self.indicator = Some(id);
        self
    }
    pub fn with_fact(mut self, key: impl Into<String>) -> Self {
        self.fact = Some(key.into());
        self
    }
}

impl fmt::Display for Location {
    /// `区住建局.xlsx › 标量数据 › D12`, or the unit / indicator when no cell is known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        if let Some(sheet) = &self.sheet {
            parts.push(sheet.clone());
        }
        if let Some(cell) = &self.cell {
            parts.push(cell.clone());
        }
        if parts.is_empty() {
            if let Some(id) = self.indicator {
                parts.push(format!("指标{id}"));
            } else if let Some(unit) = &self.unit {
                parts.push(unit.clone());
            }
        }
        f.write_str(&parts.join(" › "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub location: Location,
    /// Complete Chinese sentence, forwardable to the unit as is.
    pub message: String,
    /// The value as seen in the cell, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            location,
            message: message.into(),
            value: None,
        }
    }
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// One line for people. Control characters from cells or file names are shown escaped
    /// (`\u{1b}`), so no value can move the cursor, clear the screen or forge a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.severity.label(), self.code)?;
        let loc = self.location.to_string();
        if !loc.is_empty() {
            write!(f, " {}", escape_controls(&loc))?;
        }
        write!(f, "：{}", escape_controls(&self.message))?;
        if let Some(v) = &self.value {
            write!(f, "（所填值：{}）", escape_controls(v))?;
        }
        Ok(())
    }
}

/// Text safe to print on a terminal or in a plain-text report: every control character
/// (C0 such as NUL, BEL, ESC; DEL; C1) becomes a visible escape such as `\u{1b}`. Line
/// breaks become `\n` too, so one diagnostic stays one line. Everything else is kept.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Counts per severity, as printed in summaries and recorded in manifests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(diags: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        for d in diags {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// Sort diagnostics for stable output: by unit, file, sheet, severity, then cell in
/// row-major order (so `A2` comes before `A10`).
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.location.unit.clone(),
                d.location.file.clone(),
                d.location.sheet.clone(),
                d.severity,
                d.location.cell.as_deref().map(cell_order),
                d.location.indicator,
                d.code,
                d.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// (row, column) of an A1 reference, for ordering; unparsable references sort last.
pub fn cell_order(a1: &str) -> (u32, u32) {
    let letters: String = a1.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &a1[letters.len()..];
    let col = letters.chars().fold(0u32, |acc, c| {
        acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    });
    let row = digits.parse().unwrap_or(u32::MAX);
    (row, col)
}

/// A1 reference from zero-based row and column (`(0, 0)` → `A1`, `(11, 3)` → `D12`).
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = ((c - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

/// Human-readable report grouped by unit, as printed by `check`.
pub fn render_for_people(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut current: Option<Option<String>> = None;
    for d in diags {
        if current.as_ref() != Some(&d.location.unit) {
            let head = d
                .location
                .unit
                .clone()
                .unwrap_or_else(|| "（全局）".to_string());
            out.push_str(&format!("【{}】\n", escape_controls(&head)));
            current = Some(d.location.unit.clone());
        }
        out.push_str(&format!("  {d}\n"));
    }
    let s = Summary::of(diags);
    out.push_str(&format!(
        "共 {} 个错误，{} 个警告，{} 个提示。\n",
        s.errors, s.warnings, s.infos
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_round_trip() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 3), "D12");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(cell_order("D12"), (12, 4));
        assert_eq!(cell_order("AA1"), (1, 27));
    }

    #[test]
    fn codes_serialise_kebab_case() {
        let json = serde_json::to_string(&Code::RateAboveHundred).unwrap();
        assert_eq!(json, "\"rate-above-100\"");
        for code in Code::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
