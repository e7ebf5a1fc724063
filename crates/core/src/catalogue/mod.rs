//! The task breakdown (任务分解表, 附件2) as data: categories, subcategories, the 43
//! indicators with the seed's verbatim text, the facts each one needs and its scoring rule.
//!
//! Loaded from `catalogue/indicators.toml` at run time and validated on load, so that a
//! wrong points sum, an unknown unit or a duplicate fact key is reported with the place
//! it occurs instead of producing a wrong score.
//!
//! The model and loading are here; [`rule`] is the rule language each indicator's `rule`
//! is written in, and `validate` checks a loaded catalogue. The scoring engine
//! ([`crate::score`]) reads all three; nothing here depends on it.

use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::Target;
use crate::units::Roster;

pub mod rule;
mod validate;
pub use rule::{
    BenchmarkEnd, Condition, Counter, Dedupe, Exemption, Expr, Factor, Filter, FixedEnd,
    LevelPoints, PointsRow, Rule, Term, Tier, TotalCheck,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Title of the breakdown (章丘区创建山东省质量强区任务分解表).
    pub title: String,
    pub categories: Vec<Category>,
    /// Scalar facts, each declared once; indicators refer to them by key.
    #[serde(default)]
    pub facts: Vec<FactDef>,
    /// Record lists, each declared once; indicators refer to them by key.
    #[serde(default)]
    pub lists: Vec<ListDef>,
    pub indicators: Vec<Indicator>,
    /// Multi-year series of the annual report, each reported by one unit (see
    /// [`crate::series`]).
    #[serde(default)]
    pub series: Vec<SeriesDef>,
}

/// 类别 (e.g. 质量发展理念, 12分) with its 二级指标.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub name: String,
    pub points: Decimal,
    pub subcategories: Vec<Subcategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subcategory {
    pub name: String,
    pub points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// 序号 1..=43
    pub id: u32,
    pub category: String,
    pub subcategory: String,
    pub points: Decimal,
    /// 指标内容及评分方法, verbatim from the seed.
    pub text: String,
    /// 责任单位 as written in the seed, one entry per unit; the special entries
    /// 其他成员单位 / 其他各成员单位 / 各成员单位 mean every unit of the roster.
    pub responsible: Vec<String>,
    /// 完成时限 (6月底前, 7月20日前, 根据实际情况推进).
    pub deadline: String,
    /// How the project reads the rule where the seed is ambiguous (from scoring.md);
    /// printed next to the verbatim text.
    #[serde(default)]
    pub interpretation: String,
    /// Keys of the scalar facts this indicator reads.
    #[serde(default)]
    pub facts: Vec<String>,
    /// Keys of the record lists this indicator reads.
    #[serde(default)]
    pub lists: Vec<String>,
    pub rule: Rule,
    /// Optional cross-check of a reported total against a list (never changes the score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_check: Option<TotalCheck>,
}

/// The value type of a fact or a list field, which decides the workbook cell's validation
/// and how ingestion normalises what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// free text
    Text,
    /// a document: title and/or 文号; non-empty means it exists
    Doc,
    /// 是/否
    Bool,
    /// a decimal number
    Number,
    /// a whole number ≥ 0
    Count,
    /// numerator and denominator (two cells)
    Rate,
    /// a calendar date
    Date,
    /// a calendar year (2021)
    Year,
    /// one of `options`
    Choice,
}

/// How values of one scalar from several units combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergePolicy {
    /// One value: two different values from two units is a `conflicting-values` error.
    #[default]
    Single,
    /// Each unit reports its own part; the parts are summed (violations of 26).
    Sum,
}

/// A scalar fact: one input cell (two for a rate) in a unit's workbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactDef {
    /// Stable machine key (`gdp_prev`), written hidden into the workbook row.
    pub key: String,
    /// Chinese label shown to the unit (地区生产总值).
    pub label: String,
    pub kind: FieldKind,
    /// Unit of measure (亿元, 万元, 个, %).
    #[serde(default)]
    pub unit: String,
    /// For statistics of one calendar year: offset from the evaluation year
    /// (−1 = 评价当年的前一年度). The workbook shows the resolved year.
    #[serde(default)]
    pub year_offset: Option<i32>,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub merge: MergePolicy,
    /// Inclusive bounds for numbers (a negative count or a share above 100 is out of range).
    #[serde(default)]
    pub min: Option<Decimal>,
    #[serde(default)]
    pub max: Option<Decimal>,
    /// Whether a value that earns points must name its evidence (证明材料).
    #[serde(default)]
    pub evidence: bool,
    /// Instructions shown as the cell's input message.
    #[serde(default)]
    pub help: String,
}

/// A record list: one table sheet in a unit's workbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListDef {
    pub key: String,
    /// Sheet title (表彰与报道).
    pub label: String,
    pub fields: Vec<FieldDef>,
    /// Fields that identify a record: two records with equal key fields are duplicates.
    pub identity: Vec<String>,
    /// Whether each record must name its evidence.
    #[serde(default)]
    pub evidence: bool,
    #[serde(default)]
    pub help: String,
    /// The date field the rolling windows (近一年/近三年) look at.
    #[serde(default)]
    pub date_field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub unit: String,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub min: Option<Decimal>,
    #[serde(default)]
    pub max: Option<Decimal>,
    #[serde(default)]
    pub help: String,
}

fn yes() -> bool {
    true
}

/// How many years a series covers (the report year and the four before it).
pub const SERIES_YEARS: i32 = 5;

/// The sections of the annual report a series may belong to.
pub const SERIES_SECTIONS: [&str; 7] = [
    "总体情况",
    "产品质量",
    "工程质量",
    "服务质量",
    "环境质量",
    "质量基础",
    "创新与品牌",
];

/// One `[[series]]` declaration: a multi-year series of the 年度质量分析报告, the unit that
/// reports it and the facts that give some of its years. Merging and resolving the reported
/// values is [`crate::series`]'s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesDef {
    /// Stable machine key, written hidden into the workbook row.
    pub key: String,
    /// 服务业增加值占地区生产总值比重
    pub label: String,
    /// 计量单位 (%, 个, 微克/立方米)
    pub unit: String,
    /// Section of the annual report (产品质量 … 创新与品牌, or 总体情况).
    pub section: String,
    /// The unit that reports the series (canonical roster name).
    pub responsible: String,
    /// The seed's 主要目标 this series tracks, if any.
    #[serde(default)]
    pub target: Option<Target>,
    /// Scalar facts that give the value of their year (the fact's `year_offset`; a fact
    /// without one gives the report year). Numbers as they are, rates as percentages.
    #[serde(default)]
    pub facts: Vec<String>,
    /// A value computed from two facts of the same year (服务业增加值 ÷ 地区生产总值 × 100).
    #[serde(default)]
    pub ratio: Option<SeriesRatio>,
    /// Decimal places a computed value keeps (percentages: 1).
    #[serde(default)]
    pub decimals: Option<u32>,
    /// Instructions shown in the workbook.
    #[serde(default)]
    pub help: String,
}

/// A series value computed from two facts of the same year: `num` ÷ `den` × `scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesRatio {
    pub num: String,
    pub den: String,
    #[serde(default = "hundred")]
    pub scale: Decimal,
}

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

impl SeriesDef {
    /// Keys of every fact the series reads.
    pub fn fact_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.facts.iter().map(String::as_str).collect();
        if let Some(r) = &self.ratio {
            keys.push(&r.num);
            keys.push(&r.den);
        }
        keys
    }

    /// Decimal places a value computed from facts keeps (percentages: 1, others: 2).
    pub(crate) fn decimals(&self) -> u32 {
        self.decimals
            .unwrap_or(if self.unit == "%" { 1 } else { 2 })
    }

    /// The years the workbook asks for: the report year and the four before it.
    pub fn years(report_year: i32) -> Vec<i32> {
        (report_year - SERIES_YEARS + 1..=report_year).collect()
    }
}

/// Names in the 责任单位 column that stand for every member unit.
pub const ALL_MEMBERS: [&str; 3] = ["其他成员单位", "其他各成员单位", "各成员单位"];

impl Catalogue {
    pub fn indicator(&self, id: u32) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
    pub fn fact(&self, key: &str) -> Option<&FactDef> {
        self.facts.iter().find(|f| f.key == key)
    }
    pub fn list(&self, key: &str) -> Option<&ListDef> {
        self.lists.iter().find(|l| l.key == key)
    }
    /// The indicators that read a scalar fact or a record list with this key (gdp → 35, 41),
    /// e.g. to decide whether a unit is responsible for what it submitted.
    pub fn indicators_using(&self, key: &str) -> impl Iterator<Item = &Indicator> {
        self.indicators
            .iter()
            .filter(move |i| i.facts.iter().chain(i.lists.iter()).any(|k| k == key))
    }
}

impl Indicator {
    /// The named units (canonical names), without the "every member" entries.
    pub fn lead_units(&self) -> impl Iterator<Item = &str> {
        self.responsible
            .iter()
            .map(String::as_str)
            .filter(|u| !ALL_MEMBERS.contains(u))
    }
    /// Whether every member unit answers for this indicator too.
    pub fn open_to_all(&self) -> bool {
        self.responsible
            .iter()
            .any(|u| ALL_MEMBERS.contains(&u.as_str()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("无法读取任务分解表 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("任务分解表 {path} 格式有误：{message}")]
    Parse { path: String, message: String },
    /// Every problem found, each a Chinese sentence naming the place (指标14：…).
    #[error("任务分解表 {path} 有误：\n{}", .problems.join("\n"))]
    Invalid { path: String, problems: Vec<String> },
}

impl CatalogueError {
    /// The problems as `catalogue-invalid` diagnostics.
    pub fn diagnostics(&self) -> Vec<crate::diagnostics::Diagnostic> {
        use crate::diagnostics::{Code, Diagnostic, Location};
        let path = match self {
            CatalogueError::Io { path, .. }
            | CatalogueError::Parse { path, .. }
            | CatalogueError::Invalid { path, .. } => path.clone(),
        };
        match self {
            CatalogueError::Invalid { problems, .. } => problems
                .iter()
                .map(|p| {
                    Diagnostic::new(
                        Code::CatalogueInvalid,
                        Location::file(path.clone()),
                        p.clone(),
                    )
                })
                .collect(),
            other => vec![Diagnostic::new(
                Code::CatalogueInvalid,
                Location::file(path),
                other.to_string(),
            )],
        }
    }
}

/// Declared shape of 附件2: 4 categories, 15 subcategories, 43 indicators, 100 points.
pub const CATEGORY_COUNT: usize = 4;
pub const SUBCATEGORY_COUNT: usize = 15;
pub const INDICATOR_COUNT: u32 = 43;

impl Catalogue {
    /// Read and validate `catalogue/indicators.toml`; responsible units are resolved to
    /// their canonical names through the roster.
    pub fn load(path: &Path, roster: &Roster) -> Result<Catalogue, CatalogueError> {
        let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string(), roster)
    }

    pub fn parse(text: &str, origin: &str, roster: &Roster) -> Result<Catalogue, CatalogueError> {
        let mut catalogue: Catalogue = toml::from_str(text).map_err(|e| CatalogueError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        let problems = catalogue.validate(roster);
        if problems.is_empty() {
            Ok(catalogue)
        } else {
            Err(CatalogueError::Invalid {
                path: origin.to_string(),
                problems,
            })
        }
    }

    /// Every field that scoring reads from a list's records (its date field, filters, levels,
    /// points tables, de-duplication, total checks), in catalogue order.
    pub fn scoring_fields(&self, list: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |f: &str| {
            if !out.iter().any(|x| x == f) {
                out.push(f.to_string());
            }
        };
        if let Some(d) = self.list(list).and_then(|l| l.date_field.as_deref()) {
            add(d);
        }
        for i in &self.indicators {
            for (l, f) in i.rule.record_fields() {
                if l == list {
                    add(f);
                }
            }
            if let Some(check) = i.total_check.as_ref().filter(|c| c.records.list == list) {
                add(&check.field);
                for f in check.records.field_refs() {
                    add(f);
                }
            }
        }
        out
    }

    /// Every benchmark key the rules look up, in catalogue order, with its indicator.
    pub fn benchmark_keys(&self) -> Vec<(u32, String)> {
        let mut out = Vec::new();
        for i in &self.indicators {
            for key in i.rule.benchmark_keys() {
                out.push((i.id, key.to_string()));
            }
        }
        out
    }

    /// `missing-benchmark` errors for every benchmark key the campaign lacks.
    pub fn check_benchmarks(
        &self,
        campaign: &crate::config::Campaign,
    ) -> Vec<crate::diagnostics::Diagnostic> {
        use crate::diagnostics::{Code, Diagnostic, Location};
        self.benchmark_keys()
            .into_iter()
            .filter(|(_, key)| !campaign.benchmarks.contains_key(key))
            .map(|(id, key)| {
                Diagnostic::new(
                    Code::MissingBenchmark,
                    Location::indicator(id).with_fact(key.clone()),
                    format!("指标{id}：缺少功效系数法基准“{key}”的满意值和不允许值，请在创建配置 [benchmarks] 中补充"),
                )
            })
            .collect()
    }

    /// One `example-benchmark` error naming the indicators whose 满意值/不允许值 come
    /// from a source marked 示例 (example data): such documents must not be submitted.
    pub fn example_benchmarks(
        &self,
        campaign: &crate::config::Campaign,
    ) -> Option<crate::diagnostics::Diagnostic> {
        use crate::diagnostics::{Code, Diagnostic, Location};
        let mut ids: Vec<u32> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for (id, key) in self.benchmark_keys() {
            if campaign
                .benchmarks
                .get(&key)
                .is_some_and(super::config::Benchmark::is_example)
            {
                if !ids.contains(&id) {
                    ids.push(id);
                }
                keys.push(key);
            }
        }
        if ids.is_empty() {
            return None;
        }
        let names: Vec<String> = ids.iter().map(|i| format!("指标{i}")).collect();
        Some(Diagnostic::new(
            Code::ExampleBenchmark,
            Location::default().with_fact(keys.join("、")),
            format!(
                "{}的满意值、不允许值来源标为示例数据（创建配置 [benchmarks]：{}），按此排出的文件只能是草稿（文件名、标题和每页标注“草稿”），不能正式报送；请换成实际来源（如《山东统计年鉴》县域数据）后重新生成",
                names.join("、"),
                keys.join("、")
            ),
        ))
    }
}
