//! The rule language of the catalogue. The rule kinds: a handful of composable, data-driven kinds that together express the
//! 43 评分方法 of 附件2. Each indicator's rule is one tree of these, written in
//! `catalogue/indicators.toml` (`rule = { kind = "sum", cap = "4", parts = [...] }`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::FieldKind;

/// A scoring rule. Leaves look at facts or record lists; `sum` and `max` combine parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// `points` when every condition holds, else 0 (presence of documents, 100% rates,
    /// all-conditions-then-points).
    All {
        #[serde(default)]
        label: String,
        points: Decimal,
        conditions: Vec<Condition>,
    },
    /// A status fact (one of the choice options) mapped to points (indicator 25).
    Level {
        #[serde(default)]
        label: String,
        fact: String,
        levels: Vec<LevelPoints>,
    },
    /// Highest level wins: the best level of `field` among the qualifying records (5, 6).
    MaxLevel {
        #[serde(default)]
        label: String,
        records: Counter,
        field: String,
        levels: Vec<LevelPoints>,
    },
    /// `each` points per qualifying record, up to `cap` (unbounded without a cap; then an
    /// enclosing `sum` must cap it).
    PerRecord {
        #[serde(default)]
        label: String,
        records: Counter,
        each: Decimal,
        #[serde(default)]
        cap: Option<Decimal>,
        /// Counting word for phrases (次, 个, 项); 个 when empty.
        #[serde(default)]
        unit: String,
        /// How the 得分依据 names each record counted: `{field}` is replaced by that field's
        /// text (a date as 2021年5月1日, a blank as nothing), e.g. 43's
        /// `{recipient}“{matter}”获{honor_name}（{date}）`. Without it the records are only
        /// counted.
        #[serde(default)]
        item: Option<String>,
    },
    /// The highest tier whose `min` the count of qualifying records (or of their distinct
    /// values) reaches (≥3 → 2, 1–2 → 1).
    Tiers {
        #[serde(default)]
        label: String,
        records: Counter,
        tiers: Vec<Tier>,
    },
    /// `full` minus `per_missing` for every option of the choice `field` that no qualifying
    /// record covers, never below 0 (9, 21).
    Deduct {
        #[serde(default)]
        label: String,
        records: Counter,
        field: String,
        full: Decimal,
        per_missing: Decimal,
    },
    /// 功效系数法 on a value expression, with 满意值/不允许值 from `Campaign.benchmarks`.
    Efficacy {
        #[serde(default)]
        label: String,
        value: Expr,
        /// Key into `Campaign.benchmarks` (e.g. `"19.count"`).
        benchmark: String,
        points: Decimal,
        /// Unit the value is shown in (`%`, `个`, `元/人`).
        #[serde(default)]
        unit: String,
        /// Below the 不允许值 scores 0 instead of 60% (indicator 26).
        #[serde(default)]
        zero_below: bool,
        /// The end of the benchmark the 评分方法 itself fixes (26: 不允许值 90%; 28: 满意值
        /// 1 元/人). It wins over the configuration and the county comparison in every mode.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fixed: Option<FixedEnd>,
    },
    /// Sum of the parts, capped at `cap` (累计不超过).
    Sum {
        #[serde(default)]
        label: String,
        #[serde(default)]
        cap: Option<Decimal>,
        parts: Vec<Rule>,
    },
    /// The best of the parts (e.g. full report 1 / any report 0.5).
    Max {
        #[serde(default)]
        label: String,
        parts: Vec<Rule>,
    },
}

/// One end of a 功效系数法 benchmark fixed by the rule text (scoring.md: "Where the rule
/// itself fixes one end …, that end is the rule's, in every mode").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedEnd {
    pub end: BenchmarkEnd,
    pub value: Decimal,
    /// The words of the 评分方法 that fix it, for sentences (评分方法规定的90%).
    pub text: String,
}

/// 满意值 or 不允许值.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkEnd {
    Satisfactory,
    Unacceptable,
}

impl BenchmarkEnd {
    /// 满意值 / 不允许值
    pub fn name(self) -> &'static str {
        match self {
            BenchmarkEnd::Satisfactory => "满意值",
            BenchmarkEnd::Unacceptable => "不允许值",
        }
    }
}

/// A consistency check between a reported total and the sum of a list field (10's
/// 质量工作财政经费 vs. 9's amounts). A difference is an `inconsistent-totals` warning; it
/// never changes a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotalCheck {
    /// The scalar fact holding the total.
    pub fact: String,
    /// The records whose `field` should add up to it.
    pub records: Counter,
    pub field: String,
}

/// One value of a choice field and the points it earns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelPoints {
    pub value: String,
    pub points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub min: u32,
    pub points: Decimal,
}

/// A yes/no condition of an `all` rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The fact is present: a non-blank document or text, 是, any number or date.
    Present { fact: String },
    /// A rate fact equals 100% (numerator = denominator > 0).
    RateFull { fact: String },
    /// A number fact is at least `value`.
    AtLeast { fact: String, value: Decimal },
    /// Two number facts are equal (抽查企业数 = 合格企业数).
    Equal { fact: String, other: String },
    /// At least `min` qualifying records (or distinct values, see [`Counter::distinct`]).
    Count { records: Counter, min: u32 },
}

/// Which records of a list qualify: rolling window, field filters, exemptions, de-duplication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counter {
    pub list: String,
    /// Rolling window in years (近一年 = 1 … 近三年 = 3) on the list's `date_field`.
    #[serde(default)]
    pub window: Option<u32>,
    #[serde(default)]
    pub filter: Vec<Filter>,
    /// Records exempt from the window (中国质量奖/省长质量奖 count whatever their date).
    #[serde(default)]
    pub exempt: Option<Exemption>,
    /// Count distinct values of this field instead of records ("多种途径").
    #[serde(default)]
    pub distinct: Option<String>,
    /// Records equal in these fields count once, at the best rank (43).
    #[serde(default)]
    pub dedupe: Option<Dedupe>,
}

/// A test on one field of a record; every given test must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub field: String,
    /// The text equals this.
    #[serde(default)]
    pub eq: Option<String>,
    /// The text is one of these.
    #[serde(default)]
    pub one_of: Vec<String>,
    /// The boolean is this (a blank boolean counts as 否).
    #[serde(default)]
    pub is: Option<bool>,
    /// The field is present (true) or blank (false).
    #[serde(default)]
    pub present: Option<bool>,
    /// The year field equals evaluation_year + offset.
    #[serde(default)]
    pub year_offset: Option<i32>,
    /// The number is greater than this.
    #[serde(default)]
    pub gt: Option<Decimal>,
}

impl Filter {
    /// Whether the field's kind supports every test this filter makes (a boolean test on a
    /// text field would never hold, silently scoring 0), for catalogue validation.
    pub fn fits(&self, kind: FieldKind) -> bool {
        if self.is.is_some() && kind != FieldKind::Bool {
            return false;
        }
        if self.gt.is_some() && !matches!(kind, FieldKind::Number | FieldKind::Count) {
            return false;
        }
        if self.year_offset.is_some() && !matches!(kind, FieldKind::Year | FieldKind::Date) {
            return false;
        }
        true
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    pub field: String,
    /// The record is exempt when the field's text contains any of these.
    pub contains: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dedupe {
    /// Records whose texts in all these fields are equal are one achievement, counted once
    /// however many records name it (43: 获得单位 + 荣誉事项). A record with any of these
    /// fields blank is not merged with anything: a blank says nothing about sameness.
    pub fields: Vec<String>,
    /// Field whose value ranks the records of one achievement: one record is kept, the one
    /// of the best rank present (earlier in `rank` is better; a value not in `rank` is worst);
    /// among those, the one with the latest date (the list's `date_field`); among those, the
    /// one whose field texts, then 证明材料, then source come first. All others are dropped,
    /// whatever their rank, so the result does not depend on the order of the records.
    pub rank_field: String,
    pub rank: Vec<String>,
    /// The 得分依据's note when records were merged, with `{n}` for the number dropped; said
    /// by the part that counts the kept records (43: 同一获得单位同一荣誉事项重复报送{n}条，
    /// 按最高级别计一次). Required, with `{n}`.
    #[serde(default)]
    pub note: String,
}

impl Dedupe {
    /// The placeholder [`Dedupe::note`] must contain.
    pub const COUNT: &'static str = "{n}";

    /// The note for `dropped` duplicates.
    pub fn note_for(&self, dropped: usize) -> String {
        self.note.replace(Self::COUNT, &dropped.to_string())
    }
}

/// A value expression for the 功效系数法.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Expr {
    /// A number fact, or a rate fact as a percentage.
    Fact { key: String },
    /// num / den × scale (100 for a share in %, 10000 for per-10 000, 1 for a plain ratio).
    Ratio {
        num: String,
        den: String,
        #[serde(default = "hundred")]
        scale: Decimal,
        /// Value when the denominator is 0 (26: nothing found counts as 100%).
        #[serde(default)]
        zero_den: Option<Decimal>,
    },
    /// Growth rate in % of `now` over `before`; a zero base is scored by the special rule.
    Growth { now: String, before: String },
    /// Σ weight × value (the composite of 38, the change of a share in percentage points).
    Linear { terms: Vec<Term> },
    /// Σ of per-record points from `table` (first matching row), times `factor` when the
    /// boolean `unless` field is not 是 (42: ×0.5 for non-first units).
    RecordPoints {
        /// Boxed: the counter would make every expression as large as this variant.
        records: Box<Counter>,
        table: Vec<PointsRow>,
        #[serde(default)]
        factor: Option<Factor>,
        /// What the 评分方法 lists, said of a record no row matches (42: 评分方法只列国家级一、
        /// 二等奖和省级一、二、三等奖); such a record earns nothing and is an `invalid-choice`
        /// error. Required: the catalogue refuses a points table without it.
        #[serde(default)]
        unlisted: String,
    },
}

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub weight: Decimal,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsRow {
    pub filter: Vec<Filter>,
    pub points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub unless: String,
    pub factor: Decimal,
}

impl Rule {
    /// The most this rule can give; `None` when unbounded (an uncapped `per_record`).
    pub fn max(&self) -> Option<Decimal> {
        match self {
            Rule::All { points, .. } | Rule::Efficacy { points, .. } => Some(*points),
            Rule::Level { levels, .. } | Rule::MaxLevel { levels, .. } => Some(
                levels
                    .iter()
                    .map(|l| l.points)
                    .fold(Decimal::ZERO, Decimal::max),
            ),
            Rule::PerRecord { cap, .. } => *cap,
            Rule::Tiers { tiers, .. } => Some(
                tiers
                    .iter()
                    .map(|t| t.points)
                    .fold(Decimal::ZERO, Decimal::max),
            ),
            Rule::Deduct { full, .. } => Some(*full),
            Rule::Sum { cap, parts, .. } => {
                // Saturating: a malformed catalogue must be reported, not crash the loader.
                let total = parts
                    .iter()
                    .map(Rule::max)
                    .try_fold(Decimal::ZERO, |acc, m| m.map(|m| acc.saturating_add(m)));
                match (total, cap) {
                    (Some(t), Some(c)) => Some(t.min(*c)),
                    (Some(t), None) => Some(t),
                    (None, c) => *c,
                }
            }
            Rule::Max { parts, .. } => parts
                .iter()
                .map(Rule::max)
                .try_fold(Decimal::ZERO, |acc, m| m.map(|m| acc.max(m))),
        }
    }

    /// Every scalar fact key the rule reads.
    pub fn fact_keys(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        self.walk(&mut |node| match node {
            Node::Rule(Rule::Level { fact, .. }) => keys.push(fact.as_str()),
            Node::Rule(Rule::Efficacy { value, .. }) => value.fact_keys(&mut keys),
            Node::Condition(c) => match c {
                Condition::Present { fact }
                | Condition::RateFull { fact }
                | Condition::AtLeast { fact, .. } => keys.push(fact.as_str()),
                Condition::Equal { fact, other } => {
                    keys.push(fact.as_str());
                    keys.push(other.as_str());
                }
                Condition::Count { .. } => {}
            },
            _ => {}
        });
        keys
    }

    /// Every record counter in the rule (for validating list and field references).
    pub fn counters(&self) -> Vec<&Counter> {
        let mut out = Vec::new();
        self.walk(&mut |node| match node {
            Node::Rule(
                Rule::MaxLevel { records, .. }
                | Rule::PerRecord { records, .. }
                | Rule::Tiers { records, .. }
                | Rule::Deduct { records, .. },
            ) => out.push(records),
            Node::Rule(Rule::Efficacy { value, .. }) => value.counters(&mut out),
            Node::Condition(Condition::Count { records, .. }) => out.push(records),
            _ => {}
        });
        out
    }

    /// Every `per_record` part that names its records: its list and `item` template (for
    /// validating the template's fields).
    pub fn items(&self) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        self.walk(&mut |node| {
            if let Node::Rule(Rule::PerRecord {
                records,
                item: Some(item),
                ..
            }) = node
            {
                out.push((records.list.as_str(), item.as_str()));
            }
        });
        out
    }

    /// Every (list, field) the rule reads from records: window-independent filters,
    /// exemptions, distinct and de-duplication fields, levels, deductions, points tables.
    /// (The list's date field is read by windows; the catalogue adds it.)
    pub fn record_fields(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        for c in self.counters() {
            out.extend(c.field_refs().into_iter().map(|f| (c.list.as_str(), f)));
        }
        self.walk(&mut |node| match node {
            Node::Rule(
                Rule::MaxLevel { records, field, .. } | Rule::Deduct { records, field, .. },
            ) => out.push((records.list.as_str(), field.as_str())),
            Node::Rule(Rule::Efficacy { value, .. }) => value.record_fields(&mut out),
            _ => {}
        });
        out
    }

    /// Every benchmark key the rule looks up with the end its 评分方法 fixes, if any.
    pub fn benchmark_parts(&self) -> Vec<(&str, Option<&FixedEnd>)> {
        let mut out = Vec::new();
        self.walk(&mut |node| {
            if let Node::Rule(Rule::Efficacy {
                benchmark, fixed, ..
            }) = node
            {
                out.push((benchmark.as_str(), fixed.as_ref()));
            }
        });
        out
    }

    /// Every benchmark key the rule looks up.
    pub fn benchmark_keys(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk(&mut |node| {
            if let Node::Rule(Rule::Efficacy { benchmark, .. }) = node {
                out.push(benchmark.as_str());
            }
        });
        out
    }

    fn walk<'a>(&'a self, visit: &mut dyn FnMut(Node<'a>)) {
        visit(Node::Rule(self));
        match self {
            Rule::All { conditions, .. } => {
                for c in conditions {
                    visit(Node::Condition(c));
                }
            }
            Rule::Sum { parts, .. } | Rule::Max { parts, .. } => {
                for p in parts {
                    p.walk(visit);
                }
            }
            _ => {}
        }
    }
}

enum Node<'a> {
    Rule(&'a Rule),
    Condition(&'a Condition),
}

impl Expr {
    fn fact_keys<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Fact { key } => out.push(key),
            Expr::Ratio { num, den, .. } => {
                out.push(num);
                out.push(den);
            }
            Expr::Growth { now, before } => {
                out.push(now);
                out.push(before);
            }
            Expr::Linear { terms } => {
                for t in terms {
                    t.value.fact_keys(out);
                }
            }
            Expr::RecordPoints { .. } => {}
        }
    }

    fn record_fields<'a>(&'a self, out: &mut Vec<(&'a str, &'a str)>) {
        match self {
            Expr::Linear { terms } => {
                for t in terms {
                    t.value.record_fields(out);
                }
            }
            Expr::RecordPoints {
                records,
                table,
                factor,
                ..
            } => {
                for row in table {
                    out.extend(
                        row.filter
                            .iter()
                            .map(|f| (records.list.as_str(), f.field.as_str())),
                    );
                }
                if let Some(f) = factor {
                    out.push((records.list.as_str(), f.unless.as_str()));
                }
            }
            _ => {}
        }
    }

    fn counters<'a>(&'a self, out: &mut Vec<&'a Counter>) {
        match self {
            Expr::Linear { terms } => {
                for t in terms {
                    t.value.counters(out);
                }
            }
            Expr::RecordPoints { records, .. } => out.push(records),
            _ => {}
        }
    }
}

impl Counter {
    /// Every field the counter's filters, exemption, distinct and dedupe refer to.
    pub fn field_refs(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.filter.iter().map(|f| f.field.as_str()).collect();
        if let Some(e) = &self.exempt {
            out.push(&e.field);
        }
        if let Some(d) = &self.distinct {
            out.push(d);
        }
        if let Some(d) = &self.dedupe {
            out.extend(d.fields.iter().map(String::as_str));
            out.push(&d.rank_field);
        }
        out
    }
}

/// One piece of a `per_record` rule's `item` template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemPart<'t> {
    Text(&'t str),
    /// `{field}`
    Field(&'t str),
}

/// An `item` template in pieces; a `{` without a closing `}` is text.
pub fn item_parts(template: &str) -> Vec<ItemPart<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        if open > 0 {
            out.push(ItemPart::Text(&rest[..open]));
        }
        out.push(ItemPart::Field(&after[..close]));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        out.push(ItemPart::Text(rest));
    }
    out
}

/// The `{field}` placeholders of an `item` template, in order.
pub fn item_fields(template: &str) -> Vec<&str> {
    item_parts(template)
        .into_iter()
        .filter_map(|p| match p {
            ItemPart::Field(f) => Some(f),
            ItemPart::Text(_) => None,
        })
        .collect()
}

/// 近一年 / 近两年 / 近三年
pub fn window_name(years: u32) -> String {
    match years {
        1 => "近一年".to_string(),
        2 => "近两年".to_string(),
        3 => "近三年".to_string(),
        n => format!("近{n}年"),
    }
}
