//! One diagnostic model for every stage (catalogue, ingest, check, score, render), in the
//! spirit of Frictionless's error catalogue: a stable kebab-case code, a severity, where it
//! happened (unit, file, sheet, cell or other [`Place`], indicator, fact), a Chinese message
//! that the office can forward to the unit as is, and the value that was seen.

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

/// Everything the program says about one diagnostic code: one row of the table in
/// `codes!`'s invocation below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// Stable kebab-case name, identical to the serialised form (`missing-fact`).
    pub name: &'static str,
    /// The severity a diagnostic of this code has unless the reporter says otherwise.
    pub severity: Severity,
    /// Short Chinese title of the problem kind (used as a heading in reports).
    pub title: &'static str,
    /// What the unit has to do (问题反馈表's 处理要求; the message says the specifics).
    pub remedy: &'static str,
}

/// Declares [`Code`], [`Code::ALL`] and [`Code::info`] from one table, so that a code's
/// name, severity, title and remedy are written once, side by side (as ruff's `map_codes`
/// does for its rules), instead of in parallel matches that can drift apart.
macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $title:literal, $remedy:literal;)*) => {
        /// The stable catalogue of diagnostic codes. Serialised by their kebab-case names
        /// (`missing-fact`). Add a row to the table rather than inventing free-form codes
        /// elsewhere.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Code {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl Code {
            const COUNT: usize = [$($name),*].len();

            /// Every code, in catalogue order (docs/diagnostics.md lists them all; a test
            /// checks it).
            pub const ALL: [Code; Code::COUNT] = [$(Code::$variant),*];

            /// The code's row of the table.
            pub fn info(self) -> CodeInfo {
                match self {
                    $(Code::$variant => CodeInfo {
                        name: $name,
                        severity: Severity::$severity,
                        title: $title,
                        remedy: $remedy,
                    },)*
                }
            }
        }
    };
}

// code = name, default severity, title, remedy (问题反馈表 处理要求)
codes! {
    // --- catalogue and configuration ---
    CatalogueInvalid = "catalogue-invalid", Error, "任务分解表数据有误", "核实后按说明处理";
    ConfigInvalid = "config-invalid", Error, "创建配置有误", "核实后按说明处理";
    MissingBenchmark = "missing-benchmark", Error, "缺少功效系数法的满意值或不允许值", "核实后按说明处理";
    BenchmarkFixedByRule = "benchmark-fixed-by-rule", Warning, "配置的基准与评分方法规定值不一致", "核实后按说明处理";
    ExampleBenchmark = "example-benchmark", Error, "满意值、不允许值为示例数据", "换成实际来源后重新生成";
    // --- files ---
    UnreadableFile = "unreadable-file", Error, "文件无法读取", "用 Excel/WPS 另存为 .xlsx 后重新报送";
    UnreadableWorkbook = "unreadable-workbook", Error, "工作簿读取失败", "核实后按说明处理";
    EncryptedFile = "encrypted-file", Error, "文件已加密", "取消打开密码后重新报送";
    NotASpreadsheet = "not-a-spreadsheet", Error, "不是电子表格文件", "用 Excel/WPS 另存为 .xlsx 后重新报送";
    FileTooLarge = "file-too-large", Error, "文件过大", "删除多余内容或图片后重新报送";
    OutdatedForm = "outdated-form", Error, "填报表与当前任务分解表不一致（旧版表格）", "改用最新下发的填报表";
    UnknownUnit = "unknown-unit", Error, "无法识别的单位名称", "在封面填写本单位规范名称";
    MissingSubmission = "missing-submission", Error, "单位尚未报送", "报送填报表及证明材料";
    FormOfAnotherUnit = "form-of-another-unit", Warning, "封面单位与填报表所属单位不同", "核实封面的填报单位";
    DuplicateSubmission = "duplicate-submission", Error, "同一单位重复报送", "确认以哪份为准，撤回其余文件";
    DuplicateCopy = "duplicate-copy", Warning, "同一份填报表报送了不止一次", "删除重复的文件";
    // --- values ---
    MissingFact = "missing-fact", Error, "缺少应填数据", "补填该单元格";
    WrongType = "wrong-type", Error, "数据类型不符", "按要求的格式重新填写";
    InvalidChoice = "invalid-choice", Error, "不在可选项内", "按要求的格式重新填写";
    OutOfRange = "out-of-range", Error, "数值超出合理范围", "核实数据后重新填写";
    RateAboveHundred = "rate-above-100", Error, "比率超过100%", "核实数据后重新填写";
    ZeroDenominator = "zero-denominator", Error, "分母为零", "核实数据后重新填写";
    InvalidDate = "invalid-date", Error, "日期无法识别", "按要求的格式重新填写";
    OutsideWindow = "outside-window", Warning, "不在统计期内", "核实后按说明处理";
    UnknownField = "unknown-field", Warning, "无法识别的栏目", "核实后按说明处理";
    ControlCharacters = "control-characters", Warning, "单元格含控制字符", "核实后按说明处理";
    // --- evidence ---
    MissingEvidence = "missing-evidence", Error, "缺少证明材料", "填写证明材料文件名或文号，并报送文件";
    EvidenceNotFound = "evidence-not-found", Error, "证明材料文件不存在", "补交该文件，或更正文件名";
    EvidenceUnreferenced = "evidence-unreferenced", Warning, "证明材料未被引用", "在证明材料栏引用该文件，或删除该文件";
    EvidenceDamaged = "evidence-damaged", Error, "证明材料文件已损坏", "重新导出或扫描该文件后报送";
    UnreadableEvidence = "unreadable-evidence", Error, "证明材料无法安全打开", "用原软件重新导出（另存为 PDF）或重新扫描后报送";
    // --- between units ---
    ConflictingValues = "conflicting-values", Error, "同一数据报了不同的值", "核实后按说明处理";
    DuplicateRecord = "duplicate-record", Warning, "重复记录", "核实后按说明处理";
    NotResponsible = "not-responsible", Warning, "非责任单位报送", "与专班办公室确认";
    InconsistentTotals = "inconsistent-totals", Warning, "合计数不一致", "核实后按说明处理";
    // --- rendering ---
    MissingGlyph = "missing-glyph", Error, "字体缺字", "核实后按说明处理";
    TemplateError = "template-error", Error, "模板错误", "核实后按说明处理";
    TemplateWarning = "template-warning", Warning, "模板警告", "核实模板后按说明处理";
    BinderNotPdfa = "binder-not-pdfa", Warning, "证明材料汇编不是 PDF/A", "核实后按说明处理";
    // --- output ---
    OutputMismatch = "output-mismatch", Warning, "输出文件与生成记录不符", "核实后按说明处理";
}

impl Code {
    /// Kebab-case name, identical to the serialised form.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// Short Chinese title of the problem kind (used as a heading in reports).
    pub fn title(self) -> &'static str {
        self.info().title
    }

    /// The severity a diagnostic of this code has unless the reporter says otherwise.
    pub fn default_severity(self) -> Severity {
        self.info().severity
    }

    /// What the unit has to do about a problem of this kind (the message says the specifics).
    pub fn remedy(self) -> &'static str {
        self.info().remedy
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a diagnostic points. Every part is optional because a problem may concern a whole
/// unit (not submitted), a whole file (unreadable) or one place in it: a worksheet cell, a
/// value of a facts import (its JSON path), a template's line and column ([`Place`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The place within the file or sheet: a worksheet [`Cell`] (`D12`) for everything read
    /// from a workbook, the JSON path of a value in a facts import (`scalars[3]`), a
    /// template's `line:column`. Serialised as that text (`"cell": "D12"`); see [`Place`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<Place>,
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
    // `Location::from_source` (the location of a fact's cell) is in `crate::facts`, next to
    // `Source`: facts are located with this model's `Place`, so this module names no facts.
    /// The location of one worksheet cell of a file.
    pub fn at_cell(
        unit: Option<&str>,
        file: impl Into<String>,
        sheet: impl Into<String>,
        cell: Cell,
    ) -> Self {
        Location {
            unit: unit.map(str::to_string),
            file: Some(file.into()),
            sheet: Some(sheet.into()),
            cell: Some(Place::Cell(cell)),
            ..Default::default()
        }
    }
    pub fn with_cell(mut self, cell: Cell) -> Self {
        self.cell = Some(Place::Cell(cell));
        self
    }
    /// The worksheet cell this location points at, if it points at one (not at a JSON path
    /// of a facts import or a template position).
    pub fn cell_ref(&self) -> Option<Cell> {
        self.cell.as_ref().and_then(Place::as_cell)
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
            parts.push(cell.to_string());
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
/// breaks become `\n` too, so one diagnostic stays one line. So do the bidirectional
/// embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069): a file named
/// `zhujian\u{202e}xcod.xlsx` would otherwise print as “zhujianxslx.docx”. Everything else
/// is kept.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let escaped =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if escaped(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
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

/// Sort diagnostics for stable output: by unit, file, sheet, severity, then place: cells in
/// row-major order (so `A2` comes before `A10`), then JSON paths and other places (see
/// [`Place`]'s order).
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.location.unit.clone(),
                d.location.file.clone(),
                d.location.sheet.clone(),
                d.severity,
                d.location.cell.clone(),
                d.location.indicator,
                d.code,
                d.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// One worksheet cell. Row and column are **zero-based**, as calamine and rust_xlsxwriter
/// count them: `Cell { row: 11, col: 3 }` is the cell Excel shows as `D12`. It displays,
/// serialises and parses as that A1 reference, so JSON output (diagnostics, form rows)
/// reads `"D12"` and a cell never has to be rebuilt from its text by hand.
///
/// Ordered row-major (`A2` before `A10` before `B10`), as diagnostics are sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cell {
    /// Zero-based row (Excel's row number minus one).
    pub row: u32,
    /// Zero-based column (`A` is 0, `AA` is 26).
    pub col: u32,
}

impl Cell {
    pub const fn new(row: u32, col: u32) -> Cell {
        Cell { row, col }
    }

    /// The cell of an A1 reference (`D12`, `aa1`); `None` for anything else, such as the
    /// JSON path (`scalars[3]`) that locates a value of a facts import, or a range.
    pub fn parse(a1: &str) -> Option<Cell> {
        let split = a1.find(|c: char| !c.is_ascii_alphabetic())?;
        let (letters, digits) = a1.split_at(split);
        if letters.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut col: u32 = 0;
        for c in letters.bytes() {
            let v = u32::from(c.to_ascii_uppercase() - b'A') + 1;
            col = col.checked_mul(26)?.checked_add(v)?;
        }
        let row: u32 = digits.parse().ok()?;
        Some(Cell::new(row.checked_sub(1)?, col - 1))
    }

    /// Column letters (`A`, `AB`).
    pub fn column_letters(self) -> String {
        let mut letters = Vec::new();
        let mut c = u64::from(self.col) + 1;
        while c > 0 {
            let rem = ((c - 1) % 26) as u8;
            letters.push((b'A' + rem) as char);
            c = (c - 1) / 26;
        }
        letters.iter().rev().collect()
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.column_letters(), u64::from(self.row) + 1)
    }
}

impl std::str::FromStr for Cell {
    type Err = String;
    fn from_str(s: &str) -> Result<Cell, String> {
        Cell::parse(s).ok_or_else(|| format!("“{s}”不是 A1 形式的单元格引用"))
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where in a file a value came from or a problem is: the `cell` of a [`Location`] and of a
/// [`crate::facts::Source`]. Almost always a worksheet [`Cell`], but not every input is a
/// worksheet: a facts import file locates a value by its JSON path, a template a problem by
/// line and column. Keeping the kinds apart lets code that needs a row or column take it
/// from the cell ([`Place::as_cell`]) instead of parsing text back, and never mistake a
/// JSON path for a cell.
///
/// Displays and serialises as the text people and JSON files have always seen: the A1
/// reference of a cell (`D12`), a path or text verbatim. Reading text back
/// ([`Place::parse`], deserialising) gives a cell for every A1 reference, a JSON path for
/// text shaped like one (`scalars[3]`, `submissions[0].unit`), and text for anything else
/// (`12:5`).
///
/// Ordered cells first, row-major (`A2` before `A10` before `B10`), then JSON paths, then
/// other text, each by its text: as diagnostics and a unit's values are sorted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// A worksheet cell: every value and most problems of a workbook.
    Cell(Cell),
    /// The JSON path of a value in a facts import file (`scalars[3]`, `records[0]`, `unit`),
    /// used where the file does not name a sheet and cell of its own.
    JsonPath(String),
    /// Any other position, verbatim: a template's `line:column` (`12:5`), or text read
    /// back that is neither an A1 reference nor a JSON path.
    Text(String),
}

impl Place {
    /// The JSON path of a value in a facts import file.
    pub fn json_path(path: impl Into<String>) -> Place {
        Place::JsonPath(path.into())
    }

    /// A position that is neither a cell nor a JSON path (a template's `line:column`).
    pub fn text(text: impl Into<String>) -> Place {
        Place::Text(text.into())
    }

    /// Reads the text of a place back: an A1 reference as [`Cell`] writes it (`D12`) is a
    /// [`Place::Cell`], text shaped like a JSON path (names and `[index]`es joined by dots,
    /// `scalars[3]`) a [`Place::JsonPath`], anything else [`Place::Text`]. The place always
    /// displays as the text it was read from: `d12` or `D012`, which [`Cell::parse`] would
    /// accept, stay as written (a JSON path). A JSON path that is also an A1 reference (a
    /// key `D1`) reads as the cell; facts imports write none such.
    pub fn parse(s: &str) -> Place {
        if let Some(cell) = Cell::parse(s).filter(|c| c.to_string() == s) {
            Place::Cell(cell)
        } else if is_json_path(s) {
            Place::JsonPath(s.to_string())
        } else {
            Place::Text(s.to_string())
        }
    }

    /// The worksheet cell, if this place is one.
    pub fn as_cell(&self) -> Option<Cell> {
        match self {
            Place::Cell(cell) => Some(*cell),
            Place::JsonPath(_) | Place::Text(_) => None,
        }
    }
}

/// `name`, `name[3]`, `a.b[0].c`: names (a letter or `_`, then letters, digits, `_`)
/// joined by dots, each optionally followed by `[index]`es.
fn is_json_path(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|segment| {
            let (name, mut rest) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
            let mut chars = name.chars();
            let name_ok = chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
            while let Some(tail) = rest.strip_prefix('[') {
                let Some((index, after)) = tail.split_once(']') else {
                    return false;
                };
                if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
                    return false;
                }
                rest = after;
            }
            name_ok && rest.is_empty()
        })
}

impl From<Cell> for Place {
    fn from(cell: Cell) -> Place {
        Place::Cell(cell)
    }
}

impl From<&str> for Place {
    /// As [`Place::parse`].
    fn from(s: &str) -> Place {
        Place::parse(s)
    }
}

impl std::str::FromStr for Place {
    type Err = std::convert::Infallible;
    /// As [`Place::parse`]; every text is some place.
    fn from_str(s: &str) -> Result<Place, Self::Err> {
        Ok(Place::parse(s))
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Cell(cell) => cell.fmt(f),
            Place::JsonPath(text) | Place::Text(text) => f.write_str(text),
        }
    }
}

impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Place {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Place, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Ok(Place::parse(&s))
    }
}

/// Serde for a place that is written as `""` when absent, as [`crate::facts::Source`]'s
/// `cell` always has been: `None` ↔ `""`, a place ↔ its text.
pub mod place_or_empty {
    use super::Place;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(place: &Option<Place>, s: S) -> Result<S::Ok, S::Error> {
        match place {
            Some(place) => s.collect_str(place),
            None => s.serialize_str(""),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Place>, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Ok((!s.is_empty()).then(|| Place::parse(&s)))
    }
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
    #[test]
    fn bidi_overrides_are_escaped_for_the_terminal() {
        assert_eq!(
            escape_controls("zhujian\u{202e}xcod.xlsx"),
            "zhujian\\u{202e}xcod.xlsx"
        );
        assert_eq!(escape_controls("a\u{2066}b\u{1b}"), "a\\u{2066}b\\u{1b}");
        assert_eq!(escape_controls("区住建局"), "区住建局");
    }

    use super::*;

    #[test]
    fn places_read_and_write_the_text_they_always_had() {
        let cases = [
            ("D12", Place::Cell(Cell::new(11, 3))),
            ("AA1", Place::Cell(Cell::new(0, 26))),
            ("scalars[3]", Place::json_path("scalars[3]")),
            ("records[12]", Place::json_path("records[12]")),
            ("unit", Place::json_path("unit")),
            (
                "submissions[0].scalars[1]",
                Place::json_path("submissions[0].scalars[1]"),
            ),
            ("d12", Place::json_path("d12")),
            ("D012", Place::json_path("D012")),
            ("12:5", Place::text("12:5")),
            ("D12:E13", Place::text("D12:E13")),
            ("scalars[x]", Place::text("scalars[x]")),
            ("a..b", Place::text("a..b")),
            ("第3行", Place::text("第3行")),
        ];
        for (text, place) in cases {
            assert_eq!(Place::parse(text), place, "{text}");
            assert_eq!(text.parse::<Place>(), Ok(place.clone()), "{text}");
            assert_eq!(place.to_string(), text);
            let json = serde_json::to_string(&place).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(
                serde_json::from_str::<Place>(&json).unwrap(),
                place,
                "{text}"
            );
        }
        assert_eq!(Place::parse("D12").as_cell(), Some(Cell::new(11, 3)));
        assert_eq!(Place::json_path("scalars[3]").as_cell(), None);
        assert_eq!(Place::text("12:5").as_cell(), None);
        assert_eq!(Place::from(Cell::new(0, 0)), Place::parse("A1"));
    }

    /// Cells row-major (`A2` before `A10` before `B10`), then JSON paths, then other text;
    /// before, `A10` was compared as text by callers that forgot to parse it.
    #[test]
    fn places_order_cells_row_major_before_paths_and_text() {
        let mut places: Vec<Place> = ["12:5", "scalars[1]", "B10", "A10", "records[0]", "A2"]
            .into_iter()
            .map(Place::parse)
            .collect();
        places.sort();
        let shown: Vec<String> = places.iter().map(Place::to_string).collect();
        assert_eq!(
            shown,
            ["A2", "A10", "B10", "records[0]", "scalars[1]", "12:5"]
        );
    }

    #[test]
    fn diagnostics_sort_cells_row_major_and_before_json_paths() {
        let at = |place: Option<&str>| {
            let mut loc = Location::file("x.xlsx");
            loc.sheet = Some("数据填报".to_string());
            loc.cell = place.map(Place::parse);
            Diagnostic::new(Code::WrongType, loc, "同一句话")
        };
        let mut diags = vec![
            at(Some("scalars[0]")),
            at(Some("A10")),
            at(None),
            at(Some("B2")),
            at(Some("A2")),
        ];
        sort(&mut diags);
        let shown: Vec<String> = diags
            .iter()
            .map(|d| {
                d.location
                    .cell
                    .as_ref()
                    .map(Place::to_string)
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(shown, ["", "A2", "B2", "A10", "scalars[0]"]);
    }

    /// A location read back from JSON (the diagnostics of `check --json`, a build record)
    /// holds a typed cell, or the path or text it was written with.
    #[test]
    fn a_location_read_back_from_json_holds_a_typed_cell() {
        let loc: Location =
            serde_json::from_str(r#"{"file":"tongji.xlsx","sheet":"数据填报","cell":"H15"}"#)
                .unwrap();
        assert_eq!(loc.cell, Some(Place::Cell(Cell { row: 14, col: 7 })));
        assert_eq!(loc.cell_ref(), Some(Cell::new(14, 7)));
        let loc: Location =
            serde_json::from_str(r#"{"file":"a.facts.json","cell":"scalars[2]"}"#).unwrap();
        assert_eq!(loc.cell, Some(Place::json_path("scalars[2]")));
        assert_eq!(loc.cell_ref(), None);
        let loc: Location =
            serde_json::from_str(r#"{"file":"templates/style.typ","cell":"12:5"}"#).unwrap();
        assert_eq!(loc.cell, Some(Place::text("12:5")));
        assert_eq!(loc.to_string(), "templates/style.typ › 12:5");
        assert_eq!(
            serde_json::to_string(&loc).unwrap(),
            r#"{"file":"templates/style.typ","cell":"12:5"}"#
        );
    }

    /// The table's names are the variants in kebab-case (one documented exception), unique,
    /// and every row has a title and a remedy: a typo in the table cannot slip through.
    #[test]
    fn every_row_of_the_code_table_is_complete_and_named_after_its_variant() {
        let mut names = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let info = code.info();
            let mut kebab = String::new();
            for (i, c) in format!("{code:?}").chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    kebab.push('-');
                }
                kebab.push(c.to_ascii_lowercase());
            }
            let expected = if code == Code::RateAboveHundred {
                "rate-above-100".to_string()
            } else {
                kebab
            };
            assert_eq!(info.name, expected);
            assert!(names.insert(info.name), "{} twice", info.name);
            assert!(
                !info.title.is_empty() && !info.remedy.is_empty(),
                "{code:?}"
            );
        }
        assert_eq!(Code::MissingFact.remedy(), "补填该单元格");
        assert_eq!(Code::OutsideWindow.default_severity(), Severity::Warning);
        assert_eq!(Code::CatalogueInvalid.title(), "任务分解表数据有误");
    }

    #[test]
    fn cells_are_zero_based_and_read_and_written_as_a1() {
        assert_eq!(Cell::new(11, 3).to_string(), "D12");
        assert_eq!(Cell::new(0, 0).to_string(), "A1");
        assert_eq!(Cell::new(9, 16383).to_string(), "XFD10");
        for c in [
            Cell::new(0, 25),
            Cell::new(99, 26),
            Cell::new(1_048_575, 16_383),
        ] {
            assert_eq!(Cell::parse(&c.to_string()), Some(c), "{c}");
        }
        assert_eq!(Cell::parse("D12"), Some(Cell::new(11, 3)));
        assert_eq!(Cell::parse("aa1"), Some(Cell::new(0, 26)));
        assert_eq!(Cell::parse("XFD10"), Some(Cell::new(9, 16383)));
        for not_a1 in [
            "",
            "D",
            "12",
            "D0",
            "scalars[3]",
            "D12:E13",
            "3:7",
            "D-1",
            "AAAAAAAAA1",
        ] {
            assert_eq!(Cell::parse(not_a1), None, "{not_a1}");
        }
        // JSON keeps the A1 string, both ways.
        assert_eq!(serde_json::to_string(&Cell::new(6, 1)).unwrap(), "\"B7\"");
        let back: Cell = serde_json::from_str("\"B7\"").unwrap();
        assert_eq!(back, Cell::new(6, 1));
        assert!(serde_json::from_str::<Cell>("\"scalars[3]\"").is_err());
        // Row-major order, as diagnostics are sorted.
        let mut cells = [Cell::new(9, 0), Cell::new(1, 1), Cell::new(1, 0)];
        cells.sort();
        let shown: Vec<String> = cells.iter().map(Cell::to_string).collect();
        assert_eq!(shown, ["A2", "B2", "A10"]);
        // A location built from a cell serialises exactly as before (`"cell": "D12"`).
        let loc = Location::at_cell(
            Some("区统计局"),
            "tongji.xlsx",
            "数据填报",
            Cell::new(11, 3),
        );
        assert_eq!(loc.cell, Some(Place::Cell(Cell::new(11, 3))));
        assert_eq!(loc.cell_ref(), Some(Cell::new(11, 3)));
        let json = serde_json::to_value(&loc).unwrap();
        assert_eq!(json["cell"], "D12");
        assert_eq!(
            Location::file("x")
                .with_cell(Cell::new(0, 2))
                .cell
                .map(|c| c.to_string())
                .as_deref(),
            Some("C1")
        );
    }

    #[test]
    fn codes_serialise_kebab_case() {
        let json = serde_json::to_string(&Code::RateAboveHundred).unwrap();
        assert_eq!(json, "\"rate-above-100\"");
        for code in Code::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), code);
        }
    }
}
