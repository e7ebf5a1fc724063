//! Evaluation of one rule tree against the merged facts.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::benchmarks::with_fixed_end;
use super::display;
use crate::catalogue::rule::{
    Condition, Counter, Dedupe, Expr, Filter, FixedEnd, ItemPart, LevelPoints, Rule, Tier,
    TotalCheck, item_parts, window_name,
};
use crate::catalogue::{Catalogue, MergePolicy};
use crate::config::Campaign;
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::facts::{Facts, Record, Source, Value};

/// What one rule (or part) produced.
pub(crate) struct Outcome {
    pub score: Decimal,
    /// Phrase for the 得分依据 sentence (no final 。).
    pub basis: String,
    /// Phrases saying what would earn the lost points.
    pub improve: Vec<String>,
    /// A list-based part that found no record: left out of a `sum`'s sentence when
    /// other parts have something to say.
    pub quiet: bool,
}

/// Everything one indicator's evaluation reads and collects.
pub(crate) struct Ctx<'a> {
    pub catalogue: &'a Catalogue,
    pub facts: &'a Facts,
    pub campaign: &'a Campaign,
    pub indicator: u32,
    pub evidence: Vec<String>,
    pub sources: Vec<Source>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The value of an expression.
enum Val {
    Num(Decimal),
    /// Growth over a zero base: scored by the special rule, not the formula.
    ZeroBase {
        now_positive: bool,
    },
    /// Why there is no value (a phrase naming what is missing).
    Missing(String),
}

const SIXTY: Decimal = Decimal::from_parts(60, 0, 0, false, 0);
const FORTY: Decimal = Decimal::from_parts(40, 0, 0, false, 0);

impl<'a> Ctx<'a> {
    fn fact_label(&self, key: &str) -> String {
        self.catalogue
            .fact(key)
            .map(|f| f.label.clone())
            .unwrap_or_else(|| key.to_string())
    }

    fn list_label(&self, key: &str) -> String {
        self.catalogue
            .list(key)
            .map(|l| l.label.clone())
            .unwrap_or_else(|| key.to_string())
    }

    /// Read a fact and remember its evidence and sources.
    fn use_fact(&mut self, key: &str) -> Option<&'a Value> {
        let fact = self.facts.scalars.get(key)?;
        for e in &fact.evidence {
            if !self.evidence.contains(e) {
                self.evidence.push(e.clone());
            }
        }
        for s in &fact.sources {
            if !self.sources.contains(s) {
                self.sources.push(s.clone());
            }
        }
        Some(&fact.value)
    }

    fn use_record(&mut self, record: &Record) {
        if let Some(e) = &record.evidence
            && !e.trim().is_empty()
            && !self.evidence.contains(e)
        {
            self.evidence.push(e.clone());
        }
        if !self.sources.contains(&record.source) {
            self.sources.push(record.source.clone());
        }
    }

    /// Why a fact is absent: not reported, or left out because units disagree.
    fn absent(&self, key: &str) -> String {
        let label = self.fact_label(key);
        match self.facts.conflicts.get(key) {
            Some(cells) => {
                let units: Vec<&str> = cells.iter().map(|s| s.unit.as_str()).collect();
                format!("{label}因{}填报不一致暂不采用", units.join("、"))
            }
            None if self.summed(key) => format!("没有单位填报{label}"),
            None => format!("未填报{label}"),
        }
    }

    /// A fact every unit reports its own part of (`merge = "sum"`, 26's counts).
    fn summed(&self, key: &str) -> bool {
        self.catalogue
            .fact(key)
            .is_some_and(|f| f.merge == MergePolicy::Sum)
    }

    /// A blank is not a zero (scoring.md, Merging): when no unit reported a summed count at
    /// all, the indicator scores 0 and the check says why (each unit that left it blank gets
    /// its own `missing-fact` from the workbook check).
    fn nobody_reported(&mut self, key: &str) {
        let label = self.fact_label(key);
        let unit = self
            .catalogue
            .fact(key)
            .map(|f| f.unit.clone())
            .unwrap_or_default();
        let d = Diagnostic::new(
            Code::MissingFact,
            Location::indicator(self.indicator).with_fact(key.to_string()),
            format!(
                "指标{}：没有任何单位填报“{label}”，本项按0分计；该数据须由各单位分别填报（没有的填0{unit}，不能留空），请各单位补填后重新报送",
                self.indicator
            ),
        );
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    /// A number fact (a rate as %), or a phrase saying why there is none.
    fn number(&mut self, key: &str) -> Result<Decimal, String> {
        let label = self.fact_label(key);
        match self.use_fact(key) {
            None if self.summed(key) && !self.facts.conflicts.contains_key(key) => {
                self.nobody_reported(key);
                Err(self.absent(key))
            }
            None => Err(self.absent(key)),
            Some(Value::Number(n)) => Ok(*n),
            Some(Value::Rate { num, den }) => {
                if den.is_zero() {
                    Err(format!("{label}的分母为0"))
                } else {
                    percent(*num, *den).ok_or_else(|| format!("{label}数值超出可计算范围"))
                }
            }
            Some(other) => Err(format!("{label}不是数值（{other}）")),
        }
    }

    /// One rule (or part) against the facts: dispatches on the rule kind.
    pub fn eval(&mut self, rule: &Rule) -> Outcome {
        match rule {
            Rule::All {
                label,
                points,
                conditions,
            } => self.all(label, *points, conditions),
            Rule::Level {
                label,
                fact,
                levels,
            } => self.level(label, fact, levels),
            Rule::MaxLevel {
                label,
                records,
                field,
                levels,
            } => self.max_level(label, records, field, levels),
            Rule::PerRecord {
                label,
                records,
                each,
                cap,
                unit,
                item,
            } => self.per_record(label, records, *each, *cap, unit, item.as_deref()),
            Rule::Tiers {
                label,
                records,
                tiers,
            } => self.tiers(label, records, tiers),
            Rule::Deduct {
                label,
                records,
                field,
                full,
                per_missing,
            } => self.deduct(label, records, field, *full, *per_missing),
            Rule::Efficacy {
                label,
                value,
                benchmark,
                points,
                unit,
                zero_below,
                fixed,
            } => self.efficacy(
                label,
                value,
                benchmark,
                *points,
                unit,
                *zero_below,
                fixed.as_ref(),
            ),
            Rule::Sum { label, cap, parts } => self.sum(label, *cap, parts),
            Rule::Max { label, parts } => self.max(rule, label, parts),
        }
    }

    /// `all`: `points` when every condition holds, else 0, naming what is missing.
    fn all(&mut self, label: &str, points: Decimal, conditions: &[Condition]) -> Outcome {
        let mut failures = Vec::new();
        for c in conditions {
            if let Err(why) = self.condition(c) {
                failures.push(why);
            }
        }
        let label = if label.is_empty() {
            "本项".to_string()
        } else {
            label.to_string()
        };
        if failures.is_empty() {
            Outcome {
                quiet: false,
                score: points,
                basis: format!("{label}（{}分）", display(points)),
                improve: vec![],
            }
        } else {
            let why = failures.join("、");
            Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{why}（0分）"),
                // What is lacking, in the words of the 得分依据 (尚无…, …为96.0%，未达100%).
                improve: vec![why],
            }
        }
    }

    /// `level`: the points of the status fact's value.
    fn level(&mut self, label: &str, fact: &str, levels: &[LevelPoints]) -> Outcome {
        let name = self.fact_label(fact);
        let label = if label.is_empty() {
            name.clone()
        } else {
            label.to_string()
        };
        let best = levels
            .iter()
            .map(|l| l.points)
            .fold(Decimal::ZERO, Decimal::max);
        let value = self.use_fact(fact).map(|v| v.to_string());
        let points = value
            .as_deref()
            .and_then(|v| levels.iter().find(|l| l.value == v))
            .map(|l| l.points)
            .unwrap_or(Decimal::ZERO);
        let shown = value.clone().unwrap_or_else(|| "未填报".to_string());
        let improve = if points < best {
            let top = levels
                .iter()
                .find(|l| l.points == best)
                .map(|l| l.value.clone());
            vec![format!(
                "{label}为“{shown}”，未达到“{}”",
                top.unwrap_or_default()
            )]
        } else {
            vec![]
        };
        Outcome {
            quiet: false,
            score: points,
            basis: format!("{label}为“{shown}”（{}分）", display(points)),
            improve,
        }
    }

    /// `max_level`: the points of the best level among the qualifying records.
    fn max_level(
        &mut self,
        label: &str,
        records: &Counter,
        field: &str,
        levels: &[LevelPoints],
    ) -> Outcome {
        let qualifying = self.records(records);
        let best = levels
            .iter()
            .map(|l| l.points)
            .fold(Decimal::ZERO, Decimal::max);
        let mut got: Option<(&str, Decimal)> = None;
        for r in &qualifying {
            let Some(v) = r.get(field).map(|v| v.to_string()) else {
                continue;
            };
            if let Some(l) = levels.iter().find(|l| l.value == v)
                && got.is_none_or(|(_, p)| l.points > p)
            {
                got = Some((l.value.as_str(), l.points));
            }
        }
        for r in &qualifying {
            self.use_record(r);
        }
        let scope = self.scope(records);
        let label = if label.is_empty() {
            scope.clone()
        } else {
            label.to_string()
        };
        let quiet = got.is_none();
        let (basis, score) = match got {
            Some((v, p)) => (format!("{label}最高为{v}（{}分）", display(p)), p),
            None => (format!("{label}无符合条件的记录（0分）"), Decimal::ZERO),
        };
        let improve = if score < best {
            let top = levels
                .iter()
                .find(|l| l.points == best)
                .map(|l| l.value.clone())
                .unwrap_or_default();
            vec![match got {
                Some((v, _)) => format!("{label}最高为{v}，未达到{top}"),
                None => format!("尚无{label}"),
            }]
        } else {
            vec![]
        };
        Outcome {
            quiet,
            score,
            basis,
            improve,
        }
    }

    /// `per_record`: `each` points per qualifying record, up to `cap`.
    fn per_record(
        &mut self,
        label: &str,
        records: &Counter,
        each: Decimal,
        cap: Option<Decimal>,
        unit: &str,
        item: Option<&str>,
    ) -> Outcome {
        let unit = if unit.is_empty() { "个" } else { unit };
        let counted = self.counted(records);
        let merged: usize = counted.iter().map(|k| k.merged).sum();
        let qualifying: Vec<&Record> = counted.iter().map(|k| k.record).collect();
        let n = Decimal::from(qualifying.len());
        for r in &qualifying {
            self.use_record(r);
        }
        let raw = n * each;
        let score = cap.map_or(raw, |c| raw.min(c));
        let label = if label.is_empty() {
            self.scope(records)
        } else {
            label.to_string()
        };
        let rate = match cap {
            Some(c) => format!("{}分/{unit}，上限{}分", display(each), display(c)),
            None => format!("{}分/{unit}", display(each)),
        };
        let mut basis = format!(
            "{label}{}{unit}（{rate}）{}分",
            qualifying.len(),
            display(score)
        );
        if let Some(template) = item.filter(|_| !qualifying.is_empty()) {
            basis.push('：');
            basis.push_str(&self.items(records, template, &qualifying).join("、"));
        }
        if let Some(d) = records.dedupe.as_ref().filter(|_| merged > 0) {
            basis.push('，');
            basis.push_str(&d.note_for(merged));
        }
        let improve = match cap {
            Some(c) if score < c => vec![format!(
                "{label}每增加1{unit}可加{}分（上限{}分）",
                display(each),
                display(c)
            )],
            Some(_) => vec![],
            // Uncapped here: the enclosing `sum` drops the advice once its cap is reached.
            None => vec![format!("{label}每增加1{unit}可加{}分", display(each))],
        };
        Outcome {
            quiet: qualifying.is_empty(),
            score,
            basis,
            improve,
        }
    }

    /// `tiers`: the highest tier the count of qualifying records reaches.
    fn tiers(&mut self, label: &str, records: &Counter, tiers: &[Tier]) -> Outcome {
        let n = self.count(records);
        let best = tiers
            .iter()
            .map(|t| t.points)
            .fold(Decimal::ZERO, Decimal::max);
        let score = tiers
            .iter()
            .filter(|t| n >= t.min)
            .map(|t| t.points)
            .fold(Decimal::ZERO, Decimal::max);
        let label = if label.is_empty() {
            self.scope(records)
        } else {
            label.to_string()
        };
        let what = if records.distinct.is_some() {
            "种"
        } else {
            "项"
        };
        let improve = if score < best {
            let need = tiers
                .iter()
                .filter(|t| t.points == best)
                .map(|t| t.min)
                .min();
            let need = need.unwrap_or_default();
            vec![if n == 0 {
                format!("尚无{label}")
            } else {
                format!("{label}{n}{what}，未达到{need}{what}")
            }]
        } else {
            vec![]
        };
        Outcome {
            quiet: n == 0,
            score,
            basis: format!("{label}{n}{what}（{}分）", display(score)),
            improve,
        }
    }

    /// `deduct`: `full` minus `per_missing` for every option no qualifying record covers.
    fn deduct(
        &mut self,
        label: &str,
        records: &Counter,
        field: &str,
        full: Decimal,
        per_missing: Decimal,
    ) -> Outcome {
        let qualifying = self.records(records);
        for r in &qualifying {
            self.use_record(r);
        }
        let options = self
            .catalogue
            .list(&records.list)
            .and_then(|l| l.fields.iter().find(|f| f.key == field))
            .map(|f| f.options.clone())
            .unwrap_or_default();
        let missing: Vec<&String> = options
            .iter()
            .filter(|o| !qualifying.iter().any(|r| r.text(field) == Some(o.as_str())))
            .collect();
        let deduction = per_missing * Decimal::from(missing.len());
        let score = (full - deduction).max(Decimal::ZERO);
        let label = if label.is_empty() {
            self.list_label(&records.list)
        } else {
            label.to_string()
        };
        if missing.is_empty() {
            Outcome {
                quiet: false,
                score,
                basis: format!("{label}{}个领域齐全（{}分）", options.len(), display(score)),
                improve: vec![],
            }
        } else {
            let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            Outcome {
                quiet: false,
                score,
                basis: format!(
                    "{label}缺少{}共{}项，每项扣{}分，得{}分",
                    names.join("、"),
                    missing.len(),
                    display(per_missing),
                    display(score)
                ),
                improve: vec![format!("{label}缺少{}", names.join("、"))],
            }
        }
    }

    /// `sum`: the parts added up, capped; one sentence joining the parts that have something to say.
    fn sum(&mut self, label: &str, cap: Option<Decimal>, parts: &[Rule]) -> Outcome {
        let outcomes: Vec<Outcome> = parts.iter().map(|p| self.eval(p)).collect();
        let raw = outcomes
            .iter()
            .fold(Decimal::ZERO, |acc, o| acc.saturating_add(o.score));
        let score = cap.map_or(raw, |c| raw.min(c));
        let speaking: Vec<&Outcome> = outcomes.iter().filter(|o| !o.quiet).collect();
        let phrases: Vec<&str> = if speaking.is_empty() {
            outcomes.iter().map(|o| o.basis.as_str()).collect()
        } else {
            speaking.iter().map(|o| o.basis.as_str()).collect()
        };
        let mut basis = String::new();
        if !label.is_empty() {
            basis.push_str(label);
            basis.push('：');
        }
        basis.push_str(&phrases.join("；"));
        match cap {
            Some(c) if raw > c => basis.push_str(&format!(
                "；累计{}分，超过上限按{}分计",
                display(raw),
                display(c)
            )),
            _ if phrases.len() > 1 => basis.push_str(&format!("；合计{}分", display(score))),
            _ => {}
        }
        let improve = if cap.is_some_and(|c| score >= c) {
            vec![]
        } else {
            outcomes.into_iter().flat_map(|o| o.improve).collect()
        };
        Outcome {
            quiet: false,
            score,
            basis,
            improve,
        }
    }

    /// `max`: the best of the parts; the advice is the first (best) alternative's.
    fn max(&mut self, rule: &Rule, label: &str, parts: &[Rule]) -> Outcome {
        let outcomes: Vec<Outcome> = parts.iter().map(|p| self.eval(p)).collect();
        let Some(best) = outcomes
            .into_iter()
            .reduce(|a, b| if b.score > a.score { b } else { a })
        else {
            return Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: label.to_string(),
                improve: vec![],
            };
        };
        let improve = if best.score < rule.max().unwrap_or(Decimal::ZERO) {
            let first = parts
                .first()
                .map(|p| self.peek_improve(p))
                .unwrap_or_default();
            if first.is_empty() {
                best.improve.clone()
            } else {
                first
            }
        } else {
            vec![]
        };
        let basis = if label.is_empty() {
            best.basis
        } else {
            format!("{label}：{}", best.basis)
        };
        Outcome {
            quiet: false,
            score: best.score,
            basis,
            improve,
        }
    }

    /// Warn when a reported total differs from the sum of its list (nothing to compare
    /// when either side is missing).
    pub fn check_total(&mut self, check: &TotalCheck) {
        let Some(Value::Number(total)) = self.facts.value(&check.fact) else {
            return;
        };
        let (evidence, sources) = (self.evidence.len(), self.sources.len());
        let records = self.records(&check.records);
        // The check reads facts but does not make them evidence of the score.
        self.evidence.truncate(evidence);
        self.sources.truncate(sources);
        if records.is_empty() {
            return;
        }
        // Absurd amounts are `check`'s out-of-range errors; here they only must not panic.
        let sum = records
            .iter()
            .filter_map(|r| r.get(&check.field).and_then(Value::as_number))
            .fold(Decimal::ZERO, |acc, x| acc.saturating_add(x));
        if sum != *total {
            let unit = self
                .catalogue
                .fact(&check.fact)
                .map(|f| f.unit.clone())
                .unwrap_or_default();
            let field = self
                .catalogue
                .list(&check.records.list)
                .and_then(|l| l.fields.iter().find(|f| f.key == check.field))
                .map_or(check.field.as_str(), |f| f.label.as_str());
            let message = format!(
                "指标{}：{}为{}{unit}，与{}中各单位填报的{field}合计{}{unit}不一致，请核对",
                self.indicator,
                self.fact_label(&check.fact),
                display(*total),
                self.scope(&check.records),
                display(sum)
            );
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InconsistentTotals,
                    Location::indicator(self.indicator).with_fact(check.fact.clone()),
                    message,
                )
                .with_value(total.normalize().to_string()),
            );
        }
    }

    /// The improvement advice of the best alternative of a `max`, without collecting
    /// evidence or diagnostics twice.
    fn peek_improve(&mut self, rule: &Rule) -> Vec<String> {
        let (evidence, sources, diags) = (
            self.evidence.len(),
            self.sources.len(),
            self.diagnostics.len(),
        );
        let improve = self.eval(rule).improve;
        self.evidence.truncate(evidence);
        self.sources.truncate(sources);
        self.diagnostics.truncate(diags);
        improve
    }

    fn condition(&mut self, c: &Condition) -> Result<(), String> {
        match c {
            Condition::Present { fact } => match self.use_fact(fact) {
                Some(v) if truthy(v) == Some(false) => {
                    Err(format!("{}为“否”", self.fact_label(fact)))
                }
                Some(v) if v.is_present() => Ok(()),
                None if self.facts.conflicts.contains_key(fact) => Err(self.absent(fact)),
                _ => Err(format!("尚无{}", self.fact_label(fact))),
            },
            Condition::RateFull { fact } => {
                let label = self.fact_label(fact);
                match self.use_fact(fact) {
                    Some(Value::Rate { num, den }) if !den.is_zero() && num == den => Ok(()),
                    Some(Value::Rate { num, den }) if !den.is_zero() => Err(format!(
                        "{label}为{}%（{}/{}），未达100%",
                        display_measured(percent(*num, *den).unwrap_or_default(), "%"),
                        display(*num),
                        display(*den)
                    )),
                    Some(Value::Number(n)) if *n == Decimal::ONE_HUNDRED => Ok(()),
                    Some(Value::Number(n)) => Err(format!("{label}为{}%，未达100%", display(*n))),
                    Some(Value::Rate { .. }) => Err(format!("{label}的分母为0")),
                    None => Err(self.absent(fact)),
                    _ => Err(format!("{label}不是比率")),
                }
            }
            Condition::AtLeast { fact, value } => {
                let label = self.fact_label(fact);
                match self.number(fact) {
                    Ok(n) if n >= *value => Ok(()),
                    Ok(n) => {
                        let unit = self
                            .catalogue
                            .fact(fact)
                            .map(|f| f.unit.as_str())
                            .unwrap_or_default();
                        Err(format!(
                            "{label}为{}{unit}，未达{}{unit}",
                            display(n),
                            display(*value)
                        ))
                    }
                    Err(why) => Err(why),
                }
            }
            Condition::Equal { fact, other } => {
                let a = self.number(fact)?;
                let b = self.number(other)?;
                if a == b {
                    Ok(())
                } else {
                    Err(format!(
                        "{}{}与{}{}不一致",
                        self.fact_label(fact),
                        display(a),
                        self.fact_label(other),
                        display(b)
                    ))
                }
            }
            Condition::Count { records, min } => {
                let qualifying = self.records(records);
                let n = self.count(records);
                if n >= *min {
                    for r in &qualifying {
                        self.use_record(r);
                    }
                    Ok(())
                } else {
                    let what = if records.distinct.is_some() {
                        "种"
                    } else {
                        "项"
                    };
                    Err(if n == 0 {
                        format!("尚无{}", self.scope(records))
                    } else {
                        format!("{}仅{n}{what}，未达到{min}{what}", self.scope(records))
                    })
                }
            }
        }
    }

    /// "近三年国家级表彰" — the window and the filter values, for phrases.
    fn scope(&self, c: &Counter) -> String {
        let mut s = c.window.map(window_name).unwrap_or_default();
        let field_label = |key: &str| {
            self.catalogue
                .list(&c.list)
                .and_then(|l| l.fields.iter().find(|f| f.key == key))
                .map(|f| f.label.clone())
                .unwrap_or_else(|| key.to_string())
        };
        for f in &c.filter {
            if let Some(offset) = f.year_offset {
                s.push_str(&format!(
                    "{}年度",
                    self.campaign.dates.evaluation_year.saturating_add(offset)
                ));
            }
            if f.present == Some(true) {
                s.push_str(&format!("有{}的", field_label(&f.field)));
            }
            if let Some(v) = &f.eq {
                s.push_str(v);
            }
        }
        s.push_str(&self.list_label(&c.list));
        s
    }

    fn count(&mut self, c: &Counter) -> u32 {
        let qualifying = self.records(c);
        match &c.distinct {
            Some(field) => {
                let mut seen: Vec<String> = Vec::new();
                for r in &qualifying {
                    if let Some(v) = r.get(field).filter(|v| v.is_present()) {
                        let v = v.to_string();
                        if !seen.contains(&v) {
                            seen.push(v);
                        }
                    }
                }
                if !seen.is_empty() {
                    for r in &qualifying {
                        self.use_record(r);
                    }
                }
                seen.len() as u32
            }
            None => {
                for r in &qualifying {
                    self.use_record(r);
                }
                qualifying.len() as u32
            }
        }
    }

    /// The records that qualify: in the window (or exempt), de-duplicated, passing the
    /// filters. Records that pass the filters but fall outside the window get an
    /// `outside-window` warning.
    pub fn records(&mut self, c: &Counter) -> Vec<&'a Record> {
        self.counted(c).into_iter().map(|k| k.record).collect()
    }

    /// [`Ctx::records`], each with the number of records merged into it by the counter's
    /// `dedupe`. Only records that count (in the window or exempt) are merged: a duplicate
    /// outside the window neither counts nor displaces one inside it.
    fn counted(&mut self, c: &Counter) -> Vec<Kept<'a>> {
        let all = self.facts.list(&c.list);
        let date_field = self
            .catalogue
            .list(&c.list)
            .and_then(|l| l.date_field.clone());
        let mut in_window: Vec<&'a Record> = Vec::new();
        let mut outside: Vec<&'a Record> = Vec::new();
        for r in all {
            let ok = match (c.window, &date_field) {
                (Some(years), Some(field)) => {
                    let exempt = c.exempt.as_ref().is_some_and(|e| {
                        r.get(&e.field)
                            .map(|v| v.to_string())
                            .is_some_and(|v| e.contains.iter().any(|w| v.contains(w.as_str())))
                    });
                    exempt
                        || r.get(field)
                            .and_then(Value::as_date)
                            .is_some_and(|d| self.campaign.dates.in_window(d, years))
                }
                _ => true,
            };
            if ok {
                in_window.push(r)
            } else {
                outside.push(r)
            }
        }
        let kept = match &c.dedupe {
            Some(d) => dedupe(in_window, d, date_field.as_deref()),
            None => in_window
                .into_iter()
                .map(|record| Kept { record, merged: 0 })
                .collect(),
        };
        let campaign = self.campaign;
        let passes = |r: &Record| c.filter.iter().all(|f| filter_holds(f, r, campaign));
        for r in outside.into_iter().filter(|r| passes(r)) {
            self.warn_outside(c, r, date_field.as_deref());
        }
        kept.into_iter().filter(|k| passes(k.record)).collect()
    }

    /// The counted records named by a `per_record` rule's `item` template, earliest date first
    /// (then by the text), so that the sentence does not depend on the order of the rows.
    fn items(&self, c: &Counter, template: &str, records: &[&Record]) -> Vec<String> {
        let date_field = self
            .catalogue
            .list(&c.list)
            .and_then(|l| l.date_field.as_deref());
        let mut named: Vec<(Option<chrono::NaiveDate>, String)> = records
            .iter()
            .map(|r| {
                let date = date_field.and_then(|f| r.get(f)).and_then(Value::as_date);
                (date, fill_item(template, r))
            })
            .collect();
        named.sort();
        named.into_iter().map(|(_, text)| text).collect()
    }

    fn warn_outside(&mut self, c: &Counter, r: &Record, date_field: Option<&str>) {
        let Some(years) = c.window else { return };
        let Some(date) = date_field.and_then(|f| r.get(f)).and_then(Value::as_date) else {
            return;
        };
        let name = self.record_name(&c.list, r);
        let message = format!(
            "{}“{name}”的日期{}不在{}统计期内，不计分",
            self.list_label(&c.list),
            crate::config::chinese_date(date),
            window_name(years)
        );
        let d = Diagnostic::new(
            Code::OutsideWindow,
            Location::from_source(&r.source)
                .with_indicator(self.indicator)
                .with_fact(c.list.clone()),
            message,
        )
        .with_value(date.to_string());
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    /// The record's identity fields joined, for messages.
    fn record_name(&self, list: &str, r: &Record) -> String {
        let fields = self
            .catalogue
            .list(list)
            .map(|l| l.identity.clone())
            .unwrap_or_default();
        let parts: Vec<String> = fields
            .iter()
            .filter_map(|f| r.get(f))
            .filter(|v| !matches!(v, Value::Date(_) | Value::Bool(_)))
            .map(|v| v.to_string())
            .collect();
        parts.join("·")
    }

    fn expr(&mut self, e: &Expr) -> Val {
        match e {
            Expr::Fact { key } => match self.number(key) {
                Ok(n) => Val::Num(n),
                Err(why) => Val::Missing(why),
            },
            Expr::Ratio {
                num,
                den,
                scale,
                zero_den,
            } => {
                let n = match self.number(num) {
                    Ok(n) => n,
                    Err(why) => {
                        // Both counts of 26 unreported: say so for both.
                        if self.summed(den)
                            && !self.facts.scalars.contains_key(den)
                            && !self.facts.conflicts.contains_key(den)
                        {
                            self.nobody_reported(den);
                        }
                        return Val::Missing(why);
                    }
                };
                let d = match self.number(den) {
                    Ok(d) => d,
                    Err(why) => return Val::Missing(why),
                };
                if d.is_zero() {
                    match zero_den {
                        Some(v) => Val::Num(*v),
                        None => Val::Missing(format!("{}为0", self.fact_label(den))),
                    }
                } else {
                    match n.checked_div(d).and_then(|q| q.checked_mul(*scale)) {
                        Some(v) => Val::Num(v),
                        None => Val::Missing(too_large(&self.fact_label(num))),
                    }
                }
            }
            Expr::Growth { now, before } => {
                let n = match self.number(now) {
                    Ok(n) => n,
                    Err(why) => return Val::Missing(why),
                };
                let b = match self.number(before) {
                    Ok(b) => b,
                    Err(why) => return Val::Missing(why),
                };
                if b.is_zero() {
                    Val::ZeroBase {
                        now_positive: n > Decimal::ZERO,
                    }
                } else {
                    match n.checked_sub(b).and_then(|diff| percent(diff, b)) {
                        Some(v) => Val::Num(v),
                        None => Val::Missing(too_large(&self.fact_label(now))),
                    }
                }
            }
            Expr::Linear { terms } => {
                let mut total = Decimal::ZERO;
                for t in terms {
                    match self.expr(&t.value) {
                        Val::Num(v) => {
                            match t.weight.checked_mul(v).and_then(|p| total.checked_add(p)) {
                                Some(sum) => total = sum,
                                None => return Val::Missing(too_large("综合值")),
                            }
                        }
                        Val::ZeroBase { .. } => {
                            return Val::Missing("基期数值为0，无法计算变化幅度".to_string());
                        }
                        missing => return missing,
                    }
                }
                Val::Num(total)
            }
            Expr::RecordPoints {
                records,
                table,
                factor,
                unlisted,
            } => {
                let qualifying = self.records(records);
                let mut total = Decimal::ZERO;
                for r in qualifying {
                    let row = table
                        .iter()
                        .find(|row| row.filter.iter().all(|f| filter_holds(f, r, self.campaign)));
                    let Some(row) = row else {
                        let name = self.record_name(&records.list, r);
                        let d = Diagnostic::new(
                            Code::InvalidChoice,
                            Location::from_source(&r.source)
                                .with_indicator(self.indicator)
                                .with_fact(records.list.clone()),
                            format!(
                                "{}“{name}”的级别或等级不在任务分解表所列范围内（{unlisted}），不计分",
                                self.list_label(&records.list)
                            ),
                        );
                        if !self.diagnostics.contains(&d) {
                            self.diagnostics.push(d);
                        }
                        continue;
                    };
                    let mut p = row.points;
                    if let Some(f) = factor
                        && r.get(&f.unless).and_then(truthy) != Some(true)
                    {
                        p *= f.factor;
                    }
                    total += p;
                    self.use_record(r);
                }
                Val::Num(total)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn efficacy(
        &mut self,
        label: &str,
        value: &Expr,
        key: &str,
        points: Decimal,
        unit: &str,
        zero_below: bool,
        fixed: Option<&FixedEnd>,
    ) -> Outcome {
        let value = self.expr(value);
        let Some(configured) = self.campaign.benchmarks.get(key) else {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::MissingBenchmark,
                    Location::indicator(self.indicator).with_fact(key.to_string()),
                    format!(
                        "指标{}：缺少功效系数法基准“{key}”（{label}）的满意值和不允许值，本项按0分计，请在创建配置 [benchmarks] 中补充",
                        self.indicator
                    ),
                ),
            );
            return Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{label}缺少功效系数法满意值/不允许值，暂按0分计"),
                improve: vec![format!("在创建配置中补充“{key}”的满意值和不允许值")],
            };
        };
        // The end the 评分方法 fixes wins over the configuration (scoring.md, 功效系数法).
        let (bench, stated) = with_fixed_end(configured, fixed);
        if let (Some(stated), Some(f)) = (stated, fixed) {
            let name = f.end.name();
            let d = Diagnostic::new(
                Code::BenchmarkFixedByRule,
                Location::indicator(self.indicator).with_fact(key.to_string()),
                format!(
                    "指标{}：创建配置中功效系数法基准“{key}”（{label}）的{name}为{}{unit}，与{}不一致；{name}由评分方法规定，按{}{unit}计分，请更正创建配置 [benchmarks]",
                    self.indicator,
                    display(stated),
                    f.text,
                    display(f.value)
                ),
            )
            .with_value(stated.normalize().to_string());
            if !self.diagnostics.contains(&d) {
                self.diagnostics.push(d);
            }
            let configured_higher = configured.satisfactory > configured.unacceptable;
            let higher = bench.satisfactory > bench.unacceptable;
            if bench.satisfactory != bench.unacceptable && configured_higher != higher {
                self.diagnostics.push(Diagnostic::new(
                    Code::ConfigInvalid,
                    Location::indicator(self.indicator).with_fact(key.to_string()),
                    format!(
                        "指标{}：功效系数法基准“{key}”按评分方法规定的{name}{}{unit}计算后，满意值{}{unit}与不允许值{}{unit}的高低方向与创建配置相反，无法计算，本项按0分计；请更正创建配置 [benchmarks]",
                        self.indicator,
                        display(f.value),
                        display(bench.satisfactory),
                        display(bench.unacceptable)
                    ),
                ));
                return Outcome {
                    quiet: false,
                    score: Decimal::ZERO,
                    basis: format!("{label}的满意值与不允许值方向相反，无法计算，暂按0分计"),
                    improve: vec![format!("更正“{key}”的满意值和不允许值")],
                };
            }
        }
        let (xh, xs) = (bench.satisfactory, bench.unacceptable);
        let bench_text = format!("满意值{}{unit}、不允许值{}{unit}", display(xh), display(xs));
        let x = match value {
            Val::Missing(why) => {
                return Outcome {
                    quiet: false,
                    score: Decimal::ZERO,
                    basis: format!("{label}：{why}，不得分"),
                    improve: vec![format!("补报{label}的统计数据")],
                };
            }
            Val::ZeroBase { now_positive } => {
                let (score, basis) = if now_positive {
                    (
                        points,
                        format!(
                            "{label}：上年基数为0、本年大于0，按满分计（{}分）",
                            display(points)
                        ),
                    )
                } else {
                    let s = points * SIXTY / Decimal::ONE_HUNDRED;
                    (
                        s,
                        format!("{label}：两年均为0，按60%计（{}分）", display(s)),
                    )
                };
                let improve = if score < points {
                    vec![format!("提高{label}")]
                } else {
                    vec![]
                };
                return Outcome {
                    quiet: false,
                    score,
                    basis,
                    improve,
                };
            }
            Val::Num(x) => x,
        };
        if xh == xs {
            self.diagnostics.push(Diagnostic::new(
                Code::ConfigInvalid,
                Location::indicator(self.indicator).with_fact(key.to_string()),
                format!(
                    "指标{}：功效系数法基准“{key}”的满意值与不允许值相同，无法计算，本项按0分计",
                    self.indicator
                ),
            ));
            return Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{label}的满意值与不允许值相同，无法计算，暂按0分计"),
                improve: vec![format!("更正“{key}”的满意值和不允许值")],
            };
        }
        let Some(t) = x.checked_sub(xs).and_then(|dx| dx.checked_div(xh - xs)) else {
            return Outcome {
                quiet: false,
                score: Decimal::ZERO,
                basis: format!("{label}：{}，不得分", too_large(label)),
                improve: vec![format!("核对{label}的统计数据")],
            };
        };
        let (d, note) = if t >= Decimal::ONE {
            (Decimal::ONE_HUNDRED, "达到满意值")
        } else if t < Decimal::ZERO {
            if zero_below {
                (Decimal::ZERO, "未达不允许值，不得分")
            } else {
                (SIXTY, "未达不允许值，按60%计")
            }
        } else {
            (SIXTY + FORTY * t, "")
        };
        let score = points * d / Decimal::ONE_HUNDRED;
        let note = if note.is_empty() {
            String::new()
        } else {
            format!("，{note}")
        };
        let basis = format!(
            "{label}{}{unit}（{bench_text}）{note}，功效系数得{}分",
            display_measured(x, unit),
            display(score)
        );
        let improve = if score < points {
            vec![format!(
                "{label}为{}{unit}，未达到满意值{}{unit}",
                display_measured(x, unit),
                display(xh)
            )]
        } else {
            vec![]
        };
        Outcome {
            quiet: false,
            score,
            basis,
            improve,
        }
    }
}

/// The actual value x an efficacy part's `value` expression gives for these facts, as
/// the scoring evaluates it; `None` when a fact is missing or unusable, a denominator is 0,
/// or a growth rate has a zero base (scored by its special rule, not by a value).
/// Diagnostics are dropped: the scoring run reports them.
pub(crate) fn efficacy_value(
    catalogue: &Catalogue,
    facts: &Facts,
    campaign: &Campaign,
    indicator: u32,
    value: &Expr,
) -> Option<Decimal> {
    let mut ctx = Ctx {
        catalogue,
        facts,
        campaign,
        indicator,
        evidence: vec![],
        sources: vec![],
        diagnostics: vec![],
    };
    match ctx.expr(value) {
        Val::Num(x) => Some(x),
        Val::ZeroBase { .. } | Val::Missing(_) => None,
    }
}

/// 是/否 as a boolean: `Bool`, or the text 是/否 (a workbook may keep the typed word);
/// `None` for anything else.
fn truthy(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Text(t) => match t.trim() {
            "是" | "有" => Some(true),
            "否" | "无" | "没有" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// a / b × 100, or `None` when it does not fit a decimal (absurd inputs must not panic).
fn percent(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_div(b)?.checked_mul(Decimal::ONE_HUNDRED)
}

fn too_large(what: &str) -> String {
    format!("{what}数值超出可计算范围")
}

/// A record that counts, with how many other records of the same achievement were merged
/// into it by a `dedupe`.
struct Kept<'r> {
    record: &'r Record,
    merged: usize,
}

/// Records equal in `fields` are one achievement and count once, at the best rank of
/// `rank_field` (43: "同一荣誉既获得国家级又获得省级的，仅按高级别统计一次", and scoring.md: the
/// same 获得单位 + 荣誉事项 counts once however many records name it, also twice at one
/// level). Of each achievement one record is kept: the best rank, then the latest date
/// (`date_field`), then the first by field texts, 证明材料 and source, so that neither the
/// score nor the record kept depends on the order of the list. A record with any key
/// field blank is its own achievement. The kept records stay in list order.
fn dedupe<'r>(records: Vec<&'r Record>, d: &Dedupe, date_field: Option<&str>) -> Vec<Kept<'r>> {
    let rank_of = |r: &Record| {
        r.get(&d.rank_field)
            .map(|v| v.to_string())
            .and_then(|v| d.rank.iter().position(|x| *x == v))
            .unwrap_or(usize::MAX)
    };
    // `None` when a key field is blank: such a record is never merged.
    let key_of = |r: &Record| -> Option<Vec<String>> {
        d.fields
            .iter()
            .map(|f| r.get(f).filter(|v| v.is_present()).map(|v| v.to_string()))
            .collect()
    };
    // Smaller is better: best rank, latest date (a missing date is the oldest), then text.
    let preference = |r: &'r Record| {
        let date = date_field.and_then(|f| r.get(f)).and_then(Value::as_date);
        let texts: Vec<(&str, String)> = r
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_string()))
            .collect();
        (
            rank_of(r),
            std::cmp::Reverse(date),
            texts,
            r.evidence.as_deref(),
            &r.source,
        )
    };
    // Key → (index of the kept record, records in the group).
    let mut best: BTreeMap<Vec<String>, (usize, usize)> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let Some(key) = key_of(r) else { continue };
        best.entry(key)
            .and_modify(|(kept, n)| {
                *n += 1;
                if preference(r) < preference(records[*kept]) {
                    *kept = i;
                }
            })
            .or_insert((i, 1));
    }
    records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match key_of(r) {
            None => Some(Kept {
                record: r,
                merged: 0,
            }),
            Some(key) => {
                let (kept, n) = best[&key];
                (kept == i).then_some(Kept {
                    record: r,
                    merged: n - 1,
                })
            }
        })
        .collect()
}

/// An `item` template filled from one record: `{field}` becomes the field's text
/// (nothing when blank).
fn fill_item(template: &str, r: &Record) -> String {
    item_parts(template)
        .into_iter()
        .map(|p| match p {
            ItemPart::Text(t) => t.to_string(),
            ItemPart::Field(f) => r
                .get(f)
                .filter(|v| v.is_present())
                .map(|v| v.to_string())
                .unwrap_or_default(),
        })
        .collect()
}

/// Whether a record passes one filter.
pub(crate) fn filter_holds(f: &Filter, r: &Record, campaign: &Campaign) -> bool {
    let v = r.get(&f.field);
    let text = v.map(|v| v.to_string());
    if let Some(eq) = &f.eq
        && text.as_deref() != Some(eq.as_str())
    {
        return false;
    }
    if !f.one_of.is_empty() && !text.as_ref().is_some_and(|t| f.one_of.contains(t)) {
        return false;
    }
    if let Some(want) = f.is
        && v.and_then(truthy).unwrap_or(false) != want
    {
        return false;
    }
    if let Some(want) = f.present
        && v.is_some_and(Value::is_present) != want
    {
        return false;
    }
    if let Some(offset) = f.year_offset {
        let year = campaign.dates.evaluation_year.saturating_add(offset);
        let matches = match v {
            Some(Value::Number(n)) => *n == Decimal::from(year),
            Some(Value::Text(t)) => t.trim().trim_end_matches('年') == year.to_string(),
            Some(Value::Date(d)) => chrono::Datelike::year(d) == year,
            _ => false,
        };
        if !matches {
            return false;
        }
    }
    if let Some(gt) = f.gt
        && v.and_then(Value::as_number).is_none_or(|n| n <= gt)
    {
        return false;
    }
    true
}

/// A measured value as the documents print it: a percentage keeps at least one decimal
/// (documents.md: "one decimal for percentages unless the fact has more", so 48 → 48.0%,
/// 89.95 → 89.95%); other values as [`display`].
fn display_measured(value: Decimal, unit: &str) -> String {
    let shown = display(value);
    if unit == "%" && !shown.contains('.') {
        format!("{shown}.0")
    } else {
        shown
    }
}
