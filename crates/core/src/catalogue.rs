//! The task breakdown (任务分解表, 附件2) as data: categories, subcategories, the 43
//! indicators with the seed's verbatim text, the facts each one needs and its scoring rule.
//!
//! Loaded from `catalogue/indicators.toml` at run time and validated on load, so that a
//! wrong points sum, an unknown unit or a duplicate fact key is reported with the place
//! it occurs instead of producing a wrong score.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::score::Rule;

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
}

impl Indicator {
    /// The named units (canonical names), without the "every member" entries.
    pub fn lead_units(&self) -> impl Iterator<Item = &str> {
        self.responsible.iter().map(String::as_str).filter(|u| !ALL_MEMBERS.contains(u))
    }
    /// Whether every member unit answers for this indicator too.
    pub fn open_to_all(&self) -> bool {
        self.responsible.iter().any(|u| ALL_MEMBERS.contains(&u.as_str()))
    }
}
