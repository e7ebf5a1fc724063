//! The task breakdown (任务分解表, 附件2) as data: categories, subcategories, the 43
//! indicators with the seed's verbatim text, the facts each one needs and its scoring rule.
//!
//! Loaded from `catalogue/indicators.toml` at run time and validated on load, so that a
//! wrong points sum, an unknown unit or a duplicate fact key is reported with the place
//! it occurs instead of producing a wrong score.

use std::collections::BTreeSet;
use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::units::Roster;

pub mod rule;
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
    pub series: Vec<crate::series::SeriesDef>,
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

    /// Check the catalogue against 附件2's shape and itself, resolving responsible units to
    /// canonical names. Returns every problem found (empty when valid).
    pub fn validate(&mut self, roster: &Roster) -> Vec<String> {
        let mut problems = Vec::new();
        self.validate_shape(&mut problems);
        self.validate_definitions(&mut problems);
        for indicator in &mut self.indicators {
            for unit in &mut indicator.responsible {
                if ALL_MEMBERS.contains(&unit.as_str()) {
                    continue;
                }
                match roster.resolve(unit) {
                    Some(u) => *unit = u.name.clone(),
                    None => problems.push(format!(
                        "指标{}：责任单位“{unit}”不在专班名单中",
                        indicator.id
                    )),
                }
            }
        }
        for indicator in &self.indicators {
            self.validate_indicator(indicator, &mut problems);
        }
        self.validate_identities(&mut problems);
        self.validate_fixed_ends(&mut problems);
        for series in &mut self.series {
            match roster.resolve(&series.responsible) {
                Some(u) => series.responsible = u.name.clone(),
                None => problems.push(format!(
                    "年度数据系列“{}”：报送单位“{}”不在专班名单中",
                    series.key, series.responsible
                )),
            }
        }
        crate::series::validate(self, &mut problems);
        problems
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

    /// Two records are duplicates only when every field scoring reads is equal (scoring.md,
    /// Merging): each list's `identity` must include them all, dates and levels included.
    fn validate_identities(&self, problems: &mut Vec<String>) {
        for l in &self.lists {
            if l.identity.is_empty() {
                continue; // all fields identify the record
            }
            for f in self.scoring_fields(&l.key) {
                if !l.identity.contains(&f) {
                    problems.push(format!(
                        "清单“{}”：计分要读取的字段“{f}”未列入识别字段（identity），只在该字段上不同的两条记录会被误作重复而只计一条",
                        l.key
                    ));
                }
            }
        }
    }

    /// A benchmark end fixed by the 评分方法 needs its words, and one benchmark key used
    /// by several rules must be fixed the same way everywhere.
    fn validate_fixed_ends(&self, problems: &mut Vec<String>) {
        let mut seen: Vec<(&str, Option<&FixedEnd>, u32)> = Vec::new();
        for i in &self.indicators {
            for (key, fixed) in i.rule.benchmark_parts() {
                if let Some(f) = fixed {
                    let value = f.value.normalize().to_string();
                    if f.text.trim().is_empty() {
                        problems.push(format!(
                            "指标{}：基准“{key}”由评分方法规定的一端缺少说明文字（fixed.text）",
                            i.id
                        ));
                    } else if !f.text.contains(&value) {
                        // The words are printed as the rule's value: they must show this one.
                        problems.push(format!(
                            "指标{}：基准“{key}”由评分方法规定的{}为{value}，说明文字“{}”中却没有这个数",
                            i.id,
                            f.end.name(),
                            f.text
                        ));
                    }
                }
                match seen.iter().find(|(k, ..)| *k == key) {
                    Some((_, other, id)) if *other != fixed => problems.push(format!(
                        "指标{}：基准“{key}”由评分方法规定的一端（fixed）与指标{id}中的写法不一致",
                        i.id
                    )),
                    Some(_) => {}
                    None => seen.push((key, fixed, i.id)),
                }
            }
        }
    }

    fn validate_shape(&self, problems: &mut Vec<String>) {
        if self.categories.len() != CATEGORY_COUNT {
            problems.push(format!(
                "类别：应为{CATEGORY_COUNT}个一级类别，现为{}个",
                self.categories.len()
            ));
        }
        let subs: usize = self.categories.iter().map(|c| c.subcategories.len()).sum();
        if subs != SUBCATEGORY_COUNT {
            problems.push(format!("二级指标：应为{SUBCATEGORY_COUNT}个，现为{subs}个"));
        }
        let ids: Vec<u32> = self.indicators.iter().map(|i| i.id).collect();
        let expected: Vec<u32> = (1..=INDICATOR_COUNT).collect();
        if ids != expected {
            problems.push(format!(
                "指标序号：应为1至{INDICATOR_COUNT}依次排列，现为{}",
                ids.iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        let mut total = Decimal::ZERO;
        for category in &self.categories {
            total = total.saturating_add(category.points);
            let mut category_sum = Decimal::ZERO;
            for sub in &category.subcategories {
                category_sum = category_sum.saturating_add(sub.points);
                let sum: Decimal = self
                    .indicators
                    .iter()
                    .filter(|i| i.category == category.name && i.subcategory == sub.name)
                    .map(|i| i.points)
                    .fold(Decimal::ZERO, Decimal::saturating_add);
                if sum != sub.points {
                    problems.push(format!(
                        "二级指标“{}”：所含指标分值合计{}与其分值{}不符",
                        sub.name,
                        sum.normalize(),
                        sub.points.normalize()
                    ));
                }
            }
            if category_sum != category.points {
                problems.push(format!(
                    "类别“{}”：二级指标分值合计{}与其分值{}不符",
                    category.name,
                    category_sum.normalize(),
                    category.points.normalize()
                ));
            }
        }
        if total != Decimal::ONE_HUNDRED {
            problems.push(format!(
                "总分：各类别分值合计{}，应为100",
                total.normalize()
            ));
        }
    }

    fn validate_definitions(&self, problems: &mut Vec<String>) {
        let mut keys = BTreeSet::new();
        for f in &self.facts {
            if !keys.insert(f.key.as_str()) {
                problems.push(format!("事实定义：键“{}”重复", f.key));
            }
            if f.kind == FieldKind::Choice && f.options.is_empty() {
                problems.push(format!("事实“{}”：选择型字段缺少可选项（options）", f.key));
            }
            if f.label.trim().is_empty() {
                problems.push(format!("事实“{}”：缺少中文名称（label）", f.key));
            }
        }
        for l in &self.lists {
            if !keys.insert(l.key.as_str()) {
                problems.push(format!("清单定义：键“{}”重复", l.key));
            }
            let mut fields = BTreeSet::new();
            for field in &l.fields {
                if !fields.insert(field.key.as_str()) {
                    problems.push(format!("清单“{}”：字段“{}”重复", l.key, field.key));
                }
                if field.kind == FieldKind::Choice && field.options.is_empty() {
                    problems.push(format!(
                        "清单“{}”字段“{}”：选择型字段缺少可选项（options）",
                        l.key, field.key
                    ));
                }
            }
            for id in &l.identity {
                if !fields.contains(id.as_str()) {
                    problems.push(format!("清单“{}”：识别字段“{id}”未定义", l.key));
                }
            }
            if let Some(d) = &l.date_field {
                match l.fields.iter().find(|f| &f.key == d) {
                    Some(f) if f.kind == FieldKind::Date => {}
                    _ => problems.push(format!("清单“{}”：日期字段“{d}”未定义或不是日期型", l.key)),
                }
            }
        }
    }

    fn validate_indicator(&self, indicator: &Indicator, problems: &mut Vec<String>) {
        let id = indicator.id;
        match self
            .categories
            .iter()
            .find(|c| c.name == indicator.category)
        {
            None => problems.push(format!("指标{id}：类别“{}”未定义", indicator.category)),
            Some(c)
                if !c
                    .subcategories
                    .iter()
                    .any(|s| s.name == indicator.subcategory) =>
            {
                problems.push(format!(
                    "指标{id}：二级指标“{}”不属于类别“{}”",
                    indicator.subcategory, indicator.category
                ))
            }
            Some(_) => {}
        }
        if indicator.text.trim().is_empty() {
            problems.push(format!("指标{id}：缺少指标内容及评分方法（text）"));
        }
        if indicator.responsible.is_empty() {
            problems.push(format!("指标{id}：缺少责任单位（responsible）"));
        }
        match indicator.rule.max() {
            Some(max) if max == indicator.points => {}
            Some(max) => problems.push(format!(
                "指标{id}：评分规则最高分 {} 与分值 {} 不符",
                max.normalize(),
                indicator.points.normalize()
            )),
            None => problems.push(format!(
                "指标{id}：评分规则没有上限（按个计分的部分须设 cap 或放在有 cap 的 sum 中）"
            )),
        }
        for key in &indicator.facts {
            if self.fact(key).is_none() {
                problems.push(format!("指标{id}：facts 中的事实“{key}”未定义"));
            }
        }
        for key in &indicator.lists {
            if self.list(key).is_none() {
                problems.push(format!("指标{id}：lists 中的清单“{key}”未定义"));
            }
        }
        for key in indicator.rule.fact_keys() {
            if self.fact(key).is_none() {
                problems.push(format!("指标{id}：评分规则引用的事实“{key}”未定义"));
            } else if !indicator.facts.iter().any(|k| k == key) {
                problems.push(format!("指标{id}：评分规则引用的事实“{key}”未列入 facts"));
            }
        }
        for counter in indicator.rule.counters() {
            let Some(list) = self.list(&counter.list) else {
                problems.push(format!(
                    "指标{id}：评分规则引用的清单“{}”未定义",
                    counter.list
                ));
                continue;
            };
            if !indicator.lists.contains(&counter.list) {
                problems.push(format!(
                    "指标{id}：评分规则引用的清单“{}”未列入 lists",
                    counter.list
                ));
            }
            if let Some(d) = &counter.dedupe
                && !d.note.contains(Dedupe::COUNT)
            {
                problems.push(format!(
                    "指标{id}：清单“{}”的去重规则（dedupe）缺少得分依据中的说明（note），或说明中没有表示重复条数的“{}”",
                    list.key,
                    Dedupe::COUNT
                ));
            }
            if counter.window.is_some() && list.date_field.is_none() {
                problems.push(format!(
                    "指标{id}：清单“{}”按时间窗口统计，但未指定日期字段（date_field）",
                    list.key
                ));
            }
            for field in counter.field_refs() {
                if !list.fields.iter().any(|f| f.key == field) {
                    problems.push(format!(
                        "指标{id}：评分规则引用的字段“{}.{field}”未定义",
                        list.key
                    ));
                }
            }
            for f in &counter.filter {
                if let Some(def) = list.fields.iter().find(|d| d.key == f.field) {
                    if !f.fits(def.kind) {
                        problems.push(format!(
                            "指标{id}：字段“{}.{}”的类型与筛选条件不符",
                            list.key, f.field
                        ));
                    }
                    for v in f.eq.iter().chain(f.one_of.iter()) {
                        if def.kind == FieldKind::Choice && !def.options.contains(v) {
                            problems.push(format!(
                                "指标{id}：筛选值“{v}”不在字段“{}.{}”的可选项内",
                                list.key, f.field
                            ));
                        }
                    }
                }
            }
        }
        self.validate_choices(id, &indicator.rule, problems);
        if let Some(check) = &indicator.total_check {
            if self.fact(&check.fact).is_none() {
                problems.push(format!(
                    "指标{id}：合计核对引用的事实“{}”未定义",
                    check.fact
                ));
            }
            match self.list(&check.records.list) {
                None => problems.push(format!(
                    "指标{id}：合计核对引用的清单“{}”未定义",
                    check.records.list
                )),
                Some(list) => {
                    let numeric = list.fields.iter().any(|f| {
                        f.key == check.field
                            && matches!(f.kind, FieldKind::Number | FieldKind::Count)
                    });
                    if !numeric {
                        problems.push(format!(
                            "指标{id}：合计核对字段“{}.{}”未定义或不是数值",
                            list.key, check.field
                        ));
                    }
                    for field in check.records.field_refs() {
                        if !list.fields.iter().any(|f| f.key == field) {
                            problems.push(format!(
                                "指标{id}：合计核对引用的字段“{}.{field}”未定义",
                                list.key
                            ));
                        }
                    }
                }
            }
        }
        for key in indicator.rule.benchmark_keys() {
            if key.trim().is_empty() {
                problems.push(format!("指标{id}：功效系数法规则缺少基准键（benchmark）"));
            }
        }
    }

    /// Level values, deduction fields and points-table filters must name existing fields
    /// and options, or a typo would silently score 0.
    fn validate_choices(&self, id: u32, rule: &Rule, problems: &mut Vec<String>) {
        use Rule as R;
        let list_field = |list: &str, field: &str| {
            self.list(list)
                .and_then(|l| l.fields.iter().find(|f| f.key == field))
        };
        let mut check_values =
            |what: &str, options: Option<&[String]>, values: Vec<&String>| match options {
                None => problems.push(format!("指标{id}：评分规则引用的字段“{what}”未定义")),
                Some(options) => {
                    for v in values {
                        if !options.contains(v) {
                            problems.push(format!("指标{id}：等级“{v}”不在“{what}”的可选项内"));
                        }
                    }
                }
            };
        match rule {
            R::Level { fact, levels, .. } => check_values(
                fact,
                self.fact(fact).map(|f| f.options.as_slice()),
                levels.iter().map(|l| &l.value).collect(),
            ),
            R::MaxLevel {
                records,
                field,
                levels,
                ..
            } => check_values(
                &format!("{}.{field}", records.list),
                list_field(&records.list, field).map(|f| f.options.as_slice()),
                levels.iter().map(|l| &l.value).collect(),
            ),
            R::Deduct { records, field, .. } => match list_field(&records.list, field) {
                Some(f) if f.kind == FieldKind::Choice && !f.options.is_empty() => {}
                _ => problems.push(format!(
                    "指标{id}：扣分规则的字段“{}.{field}”须为有可选项的选择型字段",
                    records.list
                )),
            },
            R::Efficacy {
                value:
                    Expr::RecordPoints {
                        records,
                        table,
                        factor,
                        unlisted,
                    },
                ..
            } => {
                for row in table {
                    for f in &row.filter {
                        let values: Vec<&String> = f.eq.iter().chain(f.one_of.iter()).collect();
                        check_values(
                            &format!("{}.{}", records.list, f.field),
                            list_field(&records.list, &f.field).map(|d| d.options.as_slice()),
                            values,
                        );
                    }
                }
                if let Some(factor) = factor
                    && list_field(&records.list, &factor.unless).map(|f| f.kind)
                        != Some(FieldKind::Bool)
                {
                    problems.push(format!(
                        "指标{id}：折算条件字段“{}.{}”须为是/否字段",
                        records.list, factor.unless
                    ));
                }
                if unlisted.trim().is_empty() {
                    problems.push(format!(
                        "指标{id}：记录折算分规则缺少 unlisted（评分方法列出了哪些级别、等级）；不在折算表内的记录不计分并报错，报错时须说明这一点"
                    ));
                }
            }
            R::Sum { parts, .. } | R::Max { parts, .. } => {
                for p in parts {
                    self.validate_choices(id, p, problems);
                }
            }
            _ => {}
        }
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

    /// One `example-benchmark` warning naming the indicators whose 满意值/不允许值 come
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
                .is_some_and(|b| b.is_example())
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
                "{}的满意值、不允许值来源标为示例数据（创建配置 [benchmarks]：{}），按此排出的文件不能正式报送；请换成实际来源（如《山东统计年鉴》县域数据）后重新生成",
                names.join("、"),
                keys.join("、")
            ),
        ))
    }
}
