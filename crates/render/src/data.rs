//! The data of each document: serialisable structs built from the campaign, the roster,
//! the catalogue, the facts and the score sheet. Everything a template prints is a
//! string prepared here (numbers through [`score::display`]); templates only lay out.
//!
//! Objects that carry text typed by a unit have a `src` field (`unit › file › sheet ›
//! cell`), which the missing-glyph check uses to say where a character came from.

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use zhiliang_core::catalogue::{Catalogue, Indicator};
use zhiliang_core::config::{Campaign, Target, chinese_date};
use zhiliang_core::diagnostics::Diagnostic;
use zhiliang_core::facts::{EvidenceItem, Facts, Source, Value};
use zhiliang_core::score::{ScoreSheet, display};
use zhiliang_core::units::{Person, Roster};

use crate::wording::{Wording, WordingError};

/// What one indicator of the catalogue contributes to the documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorMeta {
    pub id: u32,
    pub category: String,
    pub subcategory: String,
    pub points: Decimal,
    /// 指标内容及评分方法, verbatim.
    pub text: String,
    pub responsible: Vec<String>,
    /// How the project reads the rule where the seed is ambiguous (printed next to the
    /// verbatim text when the template asks for it).
    pub interpretation: String,
}

impl From<&Indicator> for IndicatorMeta {
    fn from(i: &Indicator) -> Self {
        IndicatorMeta {
            id: i.id,
            category: i.category.clone(),
            subcategory: i.subcategory.clone(),
            points: i.points,
            text: i.text.clone(),
            responsible: i.responsible.clone(),
            interpretation: i.interpretation.clone(),
        }
    }
}

/// Everything the three documents are built from.
pub struct Inputs<'a> {
    pub campaign: &'a Campaign,
    pub roster: &'a Roster,
    pub indicators: Vec<IndicatorMeta>,
    pub facts: &'a Facts,
    pub scores: &'a ScoreSheet,
    pub evidence: &'a [EvidenceItem],
    pub diagnostics: &'a [Diagnostic],
}

impl<'a> Inputs<'a> {
    pub fn new(
        campaign: &'a Campaign,
        roster: &'a Roster,
        catalogue: &Catalogue,
        facts: &'a Facts,
        scores: &'a ScoreSheet,
        evidence: &'a [EvidenceItem],
        diagnostics: &'a [Diagnostic],
    ) -> Self {
        Inputs {
            campaign,
            roster,
            indicators: catalogue
                .indicators
                .iter()
                .map(IndicatorMeta::from)
                .collect(),
            facts,
            scores,
            evidence,
            diagnostics,
        }
    }
}

/// Document metadata, written into the PDF by `set document(...)` in the templates.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub district: String,
    pub short_name: String,
    pub city: String,
    pub province: String,
    /// 成文日期, 2022年7月20日
    pub date_text: String,
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// A paragraph of running text and where its words came from.
#[derive(Debug, Clone, Serialize)]
pub struct Para {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

impl Para {
    fn plain(text: String) -> Para {
        Para { text, src: None }
    }
}

fn paras(texts: Vec<String>) -> Vec<Para> {
    texts.into_iter().map(Para::plain).collect()
}

/// `unit › file › sheet › cell` of a source (empty parts kept so positions stay fixed).
pub fn src(source: &Source) -> String {
    [&source.unit, &source.file, &source.sheet, &source.cell]
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" › ")
        .trim_end_matches([' ', '›'])
        .to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error(transparent)]
    Wording(#[from] WordingError),
    #[error("计分结果与任务分解表不一致：{0}")]
    Inconsistent(String),
}

fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

/// 一 二 … 十二 for section numbers.
pub fn cn_number(n: usize) -> String {
    const DIGITS: [&str; 11] = [
        "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    match n {
        0..=10 => DIGITS[n].to_string(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        _ => {
            let tens = DIGITS[n / 10];
            let ones = if n.is_multiple_of(10) {
                String::new()
            } else {
                DIGITS[n % 10].to_string()
            };
            format!("{tens}十{ones}")
        }
    }
}

fn meta(inputs: &Inputs, title: String, subject: &str, keywords: &[&str]) -> Meta {
    let c = inputs.campaign;
    let d = c.dates.document_date;
    Meta {
        title,
        author: c.district.issuer.clone(),
        subject: subject.to_string(),
        keywords: keywords.iter().map(|s| s.to_string()).collect(),
        district: c.district.name.clone(),
        short_name: c.district.short_name.clone(),
        city: c.district.city.clone(),
        province: c.district.province.clone(),
        date_text: chinese_date(d),
        year: d.year(),
        month: d.month(),
        day: d.day(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Subtotal {
    pub name: String,
    pub points: String,
    pub score: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub name: String,
    pub position: String,
    pub role: String,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskForce {
    pub convener: Member,
    pub deputies: Vec<Member>,
    pub members: Vec<Member>,
    pub office_name: String,
    pub office_unit: String,
    pub office_director: String,
    pub office_duties: String,
}

fn task_force(roster: &Roster) -> TaskForce {
    let person = |p: &Person, role: &str, unit: &str| Member {
        name: p.name.clone(),
        position: p.position.clone(),
        role: role.to_string(),
        unit: unit.to_string(),
    };
    TaskForce {
        convener: person(&roster.convener, "召集人", ""),
        deputies: roster
            .units
            .iter()
            .filter(|u| u.role.contains("副召集人"))
            .map(|u| person(&u.member, &u.role, &u.name))
            .collect(),
        members: roster
            .units
            .iter()
            .filter(|u| !u.role.contains("召集人"))
            .map(|u| person(&u.member, &u.role, &u.name))
            .collect(),
        office_name: roster.office.name.clone(),
        office_unit: roster.office.unit.clone(),
        office_director: roster.office.director.clone(),
        office_duties: roster.office.duties.clone(),
    }
}

fn score_of<'a>(
    inputs: &Inputs<'a>,
    id: u32,
) -> Result<&'a zhiliang_core::score::IndicatorScore, DataError> {
    inputs
        .scores
        .indicators
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| DataError::Inconsistent(format!("指标{id}没有得分")))
}

fn category_subtotals(inputs: &Inputs) -> Vec<Subtotal> {
    inputs
        .scores
        .categories
        .iter()
        .map(|c| Subtotal {
            name: c.name.clone(),
            points: num(c.points),
            score: display(c.score),
        })
        .collect()
}

/// Categories in catalogue order with their indicators.
fn categories<'i>(inputs: &'i Inputs) -> Vec<(&'i str, Vec<&'i IndicatorMeta>)> {
    let mut out: Vec<(&str, Vec<&IndicatorMeta>)> = Vec::new();
    for ind in &inputs.indicators {
        match out.iter_mut().find(|(c, _)| *c == ind.category) {
            Some((_, list)) => list.push(ind),
            None => out.push((&ind.category, vec![ind])),
        }
    }
    out
}

fn subtotal<'s>(
    list: &'s [zhiliang_core::score::Subtotal],
    name: &str,
) -> Option<&'s zhiliang_core::score::Subtotal> {
    list.iter().find(|s| s.name == name)
}

/// A scalar fact's text, by the first key that is present.
fn fact_text(facts: &Facts, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match facts.value(k) {
        Some(v) if v.is_present() => Some(v.to_string()),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------
// 申请表

#[derive(Debug, Clone, Serialize)]
pub struct ApplicationData {
    pub meta: Meta,
    pub form_title: String,
    pub applicant: String,
    pub filled_by: String,
    pub city: String,
    pub fill_date: String,
    pub population: String,
    pub area: String,
    pub gdp: Vec<YearValue>,
    pub pillar_industries: String,
    pub coordination_body: String,
    pub convener: String,
    pub deputies: String,
    pub office: String,
    pub slogan: String,
    pub total: String,
    pub max: String,
    pub categories: Vec<Subtotal>,
    pub summary: Para,
    pub contact: Contact,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearValue {
    pub year: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub name: String,
    pub position: String,
    pub phone: String,
    pub email: String,
}

/// The 质量精神口号 reported by the units (seed: 品立章丘，质载未来).
fn slogan(facts: &Facts) -> String {
    fact_text(
        facts,
        &[
            "slogan",
            "quality_slogan",
            "quality_spirit_slogan",
            "quality_slogan_text",
        ],
    )
    .or_else(|| {
        facts
            .scalars
            .iter()
            .find(|(k, f)| k.contains("slogan") && f.value.as_text().is_some_and(|t| !t.is_empty()))
            .map(|(_, f)| f.value.to_string())
    })
    .unwrap_or_default()
}

pub fn application(inputs: &Inputs, wording: &Wording) -> Result<ApplicationData, DataError> {
    let c = inputs.campaign;
    let a = &c.application;
    let tf = task_force(inputs.roster);
    let ctx = serde_json::json!({ "district": c.district, "dates": c.dates });
    let form_title = wording.sentence("application/title.j2", &ctx)?;
    let office = wording.sentence(
        "application/office.j2",
        serde_json::json!({ "office": inputs.roster.office, "district": c.district }),
    )?;
    Ok(ApplicationData {
        meta: meta(
            inputs,
            form_title.clone(),
            "质量强区申报",
            &["质量强区", "申请表", &c.district.short_name],
        ),
        form_title,
        applicant: c.applicant(),
        filled_by: c.filled_by(),
        city: c.district.city.clone(),
        fill_date: chinese_date(c.dates.document_date),
        population: num(a.resident_population_wan),
        area: num(a.area_km2),
        gdp: a
            .gdp
            .iter()
            .map(|(y, v)| YearValue {
                year: y.to_string(),
                value: num(*v),
            })
            .collect(),
        pillar_industries: a.pillar_industries.join("、"),
        coordination_body: a.coordination_body.clone(),
        convener: format!("{}（{}）", tf.convener.name, tf.convener.position),
        deputies: tf
            .deputies
            .iter()
            .map(|m| format!("{}（{}）", m.name, m.position))
            .collect::<Vec<_>>()
            .join("、"),
        office,
        slogan: slogan(inputs.facts),
        total: display(inputs.scores.total),
        max: num(inputs.scores.max),
        categories: category_subtotals(inputs),
        summary: Para::plain(a.summary.clone()),
        contact: Contact {
            name: a.contact.name.clone(),
            position: a.contact.position.clone(),
            phone: a.contact.phone.clone(),
            email: a.contact.email.clone(),
        },
    })
}

// ---------------------------------------------------------------------------------------
// 自评报告

#[derive(Debug, Clone, Serialize)]
pub struct SelfEvaluationData {
    pub meta: Meta,
    pub doc_title: String,
    pub basics: Vec<Para>,
    pub task_force: TaskForce,
    pub work_intro: Vec<Para>,
    pub sections: Vec<CategorySection>,
    pub score_intro: Vec<Para>,
    pub table: Vec<TableRow>,
    pub total: String,
    pub max: String,
    pub shortfall_intro: Vec<Para>,
    pub shortfalls: Vec<Shortfall>,
    pub next_steps: Vec<Para>,
    pub evidence: Vec<EvidenceRow>,
    pub evidence_found: usize,
    pub evidence_missing: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategorySection {
    /// （一）
    pub number: String,
    pub subheading: String,
    pub points: String,
    pub score: String,
    pub paragraphs: Vec<Para>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TableRow {
    /// A full-width row naming the 类别.
    Category { label: String },
    Indicator {
        id: u32,
        /// 二级指标 name, printed in the first row of the subcategory only.
        sub: String,
        /// Rows the 二级指标 cell spans (0: covered by the row above).
        sub_span: usize,
        text: String,
        /// 计分口径 (the project's reading of an ambiguous rule), may be empty.
        interpretation: String,
        points: String,
        score: String,
        basis: String,
        evidence: String,
        units: String,
        lost: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        src: Option<String>,
    },
    Subtotal {
        label: String,
        points: String,
        score: String,
    },
    CategoryTotal {
        label: String,
        points: String,
        score: String,
    },
    Total {
        label: String,
        points: String,
        score: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Shortfall {
    pub id: u32,
    pub subcategory: String,
    pub points: String,
    pub score: String,
    pub lost: String,
    pub units: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub number: String,
    pub indicator: String,
    pub unit: String,
    pub name: String,
    pub found: bool,
    pub status: String,
    pub src: String,
}

/// `1-3-1、1-3-2、1-3-3` → `1-3-1至1-3-3`: consecutive evidence numbers of one indicator
/// as a range, so the narrow 证明材料编号 column stays short.
pub fn compress_numbers(numbers: &[&str]) -> String {
    let split = |n: &str| {
        n.rsplit_once('-')
            .and_then(|(p, k)| Some((p.to_string(), k.parse::<u32>().ok()?)))
    };
    let mut runs: Vec<(String, u32, u32, String, String)> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for n in numbers {
        match split(n) {
            Some((prefix, k)) => {
                if let Some(last) = runs.last_mut()
                    && last.0 == prefix
                    && last.2 + 1 == k
                {
                    last.2 = k;
                    last.4 = n.to_string();
                    continue;
                }
                runs.push((prefix, k, k, n.to_string(), n.to_string()));
            }
            None => runs.push((String::new(), 0, 0, n.to_string(), n.to_string())),
        }
    }
    for (_, a, b, first, last) in runs {
        out.push(if b > a + 1 {
            format!("{first}至{last}")
        } else if b == a + 1 {
            format!("{first}、{last}")
        } else {
            first
        });
    }
    out.join("、")
}

/// `base` with the keys of `extra` added (wording templates see one flat context).
fn with(base: &serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    let mut out = base.clone();
    if let (Some(o), serde_json::Value::Object(e)) = (out.as_object_mut(), extra) {
        o.extend(e);
    }
    out
}

fn units_text(ind: &IndicatorMeta) -> String {
    ind.responsible.join("、")
}

pub fn self_evaluation(
    inputs: &Inputs,
    wording: &Wording,
) -> Result<SelfEvaluationData, DataError> {
    let c = inputs.campaign;
    let tf = task_force(inputs.roster);
    let scores = inputs.scores;
    let common = serde_json::json!({
        "district": c.district,
        "dates": c.dates,
        "application": c.application,
        "roster": inputs.roster,
        "task_force": tf,
        "total": display(scores.total),
        "max": num(scores.max),
        "categories": category_subtotals(inputs),
        "slogan": slogan(inputs.facts),
    });
    let doc_title = wording.sentence("self-evaluation/title.j2", &common)?;

    // 二、创建工作开展情况: one section per category, one paragraph per reporting unit.
    let mut sections = Vec::new();
    for (n, (cat, inds)) in categories(inputs).into_iter().enumerate() {
        let sub = subtotal(&scores.categories, cat);
        let points = sub.map(|s| num(s.points)).unwrap_or_default();
        let score = sub.map(|s| display(s.score)).unwrap_or_default();
        // unit → [(indicator, narrative)] in roster order of first appearance.
        let mut by_unit: Vec<(String, Vec<serde_json::Value>)> = Vec::new();
        for ind in &inds {
            for (unit, text) in inputs.facts.narratives.get(&ind.id).into_iter().flatten() {
                let item = serde_json::json!({ "id": ind.id, "subcategory": ind.subcategory, "text": text });
                match by_unit.iter_mut().find(|(u, _)| u == unit) {
                    Some((_, items)) => items.push(item),
                    None => by_unit.push((unit.clone(), vec![item])),
                }
            }
        }
        let ctx = with(
            &common,
            serde_json::json!({
                "category": cat, "points": points, "score": score,
                "indicators": inds.iter().map(|i| serde_json::json!({"id": i.id, "subcategory": i.subcategory})).collect::<Vec<_>>(),
                "units": by_unit.iter().map(|(u, _)| u).collect::<Vec<_>>(),
            }),
        );
        let mut paragraphs = paras(wording.paragraphs("self-evaluation/category.j2", &ctx)?);
        for (unit, items) in &by_unit {
            let full = inputs
                .roster
                .by_name(unit)
                .map(|u| u.full_name.clone())
                .unwrap_or(unit.clone());
            let ctx = with(
                &common,
                serde_json::json!({ "category": cat, "unit": unit, "unit_full": full, "items": items }),
            );
            for text in wording.paragraphs("self-evaluation/unit.j2", &ctx)? {
                paragraphs.push(Para {
                    text,
                    src: Some(unit.clone()),
                });
            }
        }
        sections.push(CategorySection {
            number: format!("（{}）", cn_number(n + 1)),
            subheading: cat.to_string(),
            points,
            score,
            paragraphs,
        });
    }

    // 三、自评得分情况: the 43-row table with subtotals.
    let mut table = Vec::new();
    for (cat, inds) in categories(inputs) {
        let csub = subtotal(&scores.categories, cat);
        table.push(TableRow::Category {
            label: format!(
                "{cat}（{}分）",
                csub.map(|s| num(s.points)).unwrap_or_default()
            ),
        });
        let mut i = 0;
        while i < inds.len() {
            let subname = &inds[i].subcategory;
            let run = inds[i..]
                .iter()
                .take_while(|x| &x.subcategory == subname)
                .count();
            for (k, ind) in inds[i..i + run].iter().enumerate() {
                let s = score_of(inputs, ind.id)?;
                let numbers: Vec<&str> = inputs
                    .evidence
                    .iter()
                    .filter(|e| e.indicator == ind.id)
                    .map(|e| e.number.as_str())
                    .collect();
                table.push(TableRow::Indicator {
                    id: ind.id,
                    sub: if k == 0 {
                        subname.clone()
                    } else {
                        String::new()
                    },
                    sub_span: if k == 0 { run } else { 0 },
                    text: ind.text.clone(),
                    interpretation: ind.interpretation.clone(),
                    points: num(ind.points),
                    score: display(s.score),
                    basis: s.basis.clone(),
                    evidence: compress_numbers(&numbers),
                    units: units_text(ind),
                    lost: s.lost > Decimal::ZERO,
                    src: s.sources.first().map(src),
                });
            }
            let ssub = subtotal(&scores.subcategories, subname);
            table.push(TableRow::Subtotal {
                label: format!("{subname}小计"),
                points: ssub.map(|s| num(s.points)).unwrap_or_default(),
                score: ssub.map(|s| display(s.score)).unwrap_or_default(),
            });
            i += run;
        }
        table.push(TableRow::CategoryTotal {
            label: format!("{cat}合计"),
            points: csub.map(|s| num(s.points)).unwrap_or_default(),
            score: csub.map(|s| display(s.score)).unwrap_or_default(),
        });
    }
    table.push(TableRow::Total {
        label: "总计".into(),
        points: num(scores.max),
        score: display(scores.total),
    });

    // 四、存在的不足及下一步打算: from the indicators that lost points.
    let mut shortfalls = Vec::new();
    for ind in &inputs.indicators {
        let s = score_of(inputs, ind.id)?;
        if s.lost <= Decimal::ZERO {
            continue;
        }
        let ctx = serde_json::json!({
            "id": ind.id, "subcategory": ind.subcategory, "category": ind.category,
            "points": num(ind.points), "score": display(s.score), "lost": display(s.lost),
            "units": units_text(ind), "improve": s.improve, "basis": s.basis,
        });
        shortfalls.push(Shortfall {
            id: ind.id,
            subcategory: ind.subcategory.clone(),
            points: num(ind.points),
            score: display(s.score),
            lost: display(s.lost),
            units: units_text(ind),
            text: wording.sentence("self-evaluation/shortfall.j2", &ctx)?,
            src: s.sources.first().map(src),
        });
    }
    let lost_total = scores.max - scores.total;
    let ctx = with(
        &common,
        serde_json::json!({ "count": shortfalls.len(), "lost": display(lost_total) }),
    );
    let shortfall_intro = paras(wording.paragraphs("self-evaluation/shortfalls-intro.j2", &ctx)?);
    let next_steps = paras(wording.paragraphs("self-evaluation/next-steps.j2", &ctx)?);

    let evidence: Vec<EvidenceRow> = inputs
        .evidence
        .iter()
        .map(|e| EvidenceRow {
            number: e.number.clone(),
            indicator: e.indicator.to_string(),
            unit: e.unit.clone(),
            name: e.name.clone(),
            found: e.found,
            status: if e.found {
                "已提供".into()
            } else {
                "缺失".into()
            },
            src: e.unit.clone(),
        })
        .collect();
    let evidence_found = evidence.iter().filter(|e| e.found).count();

    Ok(SelfEvaluationData {
        meta: meta(
            inputs,
            doc_title.clone(),
            "质量强区创建自评",
            &["质量强区", "自评报告", &c.district.short_name],
        ),
        doc_title,
        basics: paras(wording.paragraphs("self-evaluation/basics.j2", &common)?),
        task_force: tf,
        work_intro: paras(wording.paragraphs("self-evaluation/work-intro.j2", &common)?),
        sections,
        score_intro: paras(wording.paragraphs("self-evaluation/score-intro.j2", &common)?),
        table,
        total: display(scores.total),
        max: num(scores.max),
        shortfall_intro,
        shortfalls,
        next_steps,
        evidence_missing: evidence.len() - evidence_found,
        evidence_found,
        evidence,
    })
}

// ---------------------------------------------------------------------------------------
// 年度质量分析报告

#[derive(Debug, Clone, Serialize)]
pub struct AnnualReportData {
    pub meta: Meta,
    pub doc_title: String,
    pub year: i32,
    pub sections: Vec<AnnualSection>,
    /// Every 主要目标 with its status, for 一、总体情况.
    pub targets: Vec<TargetStatus>,
    pub targets_met: usize,
    pub targets_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnnualSection {
    /// 一、
    pub number: String,
    pub heading: String,
    pub paragraphs: Vec<Para>,
    pub series: Vec<SeriesData>,
    /// Charts drawn in the section (one per series, or a summary chart).
    pub charts: Vec<Chart>,
    /// Years shown in the section's table.
    pub years: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesData {
    pub key: String,
    pub label: String,
    pub unit: String,
    /// Values per year of the section table (`—` where unknown).
    pub values: Vec<String>,
    pub target: String,
    /// 已达到 / 未达到 / — (no target)
    pub status: String,
    pub met: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetStatus {
    pub section: String,
    pub label: String,
    pub target: String,
    pub latest: String,
    pub status: String,
    pub met: Option<bool>,
}

/// A chart prepared for native Typst drawing: values already scaled to 0‥1 of the
/// plot height, so the template only places shapes.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// `bars` (bars against a target line) or `line` (trend line).
    pub kind: String,
    pub title: String,
    pub unit: String,
    pub labels: Vec<String>,
    /// Displayed values (`—` where unknown).
    pub values: Vec<String>,
    /// Heights 0‥1, `null` where unknown.
    pub heights: Vec<Option<f64>>,
    /// Height of the target line, when there is one.
    pub target: Option<f64>,
    pub target_label: String,
    pub axis_min: String,
    pub axis_max: String,
}

const SECTIONS: [&str; 9] = [
    "总体情况",
    "产品质量",
    "工程质量",
    "服务质量",
    "环境质量",
    "质量基础",
    "创新与品牌",
    "存在问题",
    "发展前景与对策建议",
];

/// `二、产品质量` and `产品质量` name the same section.
fn section_name(s: &str) -> &str {
    match s.split_once('、') {
        Some((_, rest)) => rest.trim(),
        None => s.trim(),
    }
}

fn f64_of(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn round4(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

fn nice_step(span: f64) -> f64 {
    let raw = span / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let n = raw / mag;
    let m = if n <= 1.0 {
        1.0
    } else if n <= 2.0 {
        2.0
    } else if n <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

fn fmt_axis(x: f64) -> String {
    let d = Decimal::from_f64_retain(x).unwrap_or_default().round_dp(2);
    display(d)
}

/// Scales values (and a target) into a chart. The axis does not start at zero when the
/// values lie close together (合格率 95–99 %): the chart says where it starts.
pub fn chart(
    kind: &str,
    title: &str,
    unit: &str,
    labels: Vec<String>,
    values: &[Option<Decimal>],
    target: Option<Decimal>,
    target_label: &str,
) -> Chart {
    let mut all: Vec<f64> = values.iter().flatten().map(|d| f64_of(*d)).collect();
    if let Some(t) = target {
        all.push(f64_of(t));
    }
    let (lo, hi) = if all.is_empty() {
        (0.0, 1.0)
    } else {
        let mn = all.iter().cloned().fold(f64::INFINITY, f64::min);
        let mx = all.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let span = (mx - mn).max(mx.abs() * 0.02).max(1e-6);
        let step = nice_step(span * 1.6);
        let mut lo = ((mn - span * 0.5) / step).floor() * step;
        if mn >= 0.0 && lo < 0.0 {
            lo = 0.0;
        }
        let mut hi = ((mx + span * 0.2) / step).ceil() * step;
        // A rate axis ends at 100 %.
        if unit == "%" && mx <= 100.0 && hi > 100.0 {
            hi = 100.0;
        }
        (lo, if hi > lo { hi } else { lo + step })
    };
    let scale = |x: f64| round4(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
    Chart {
        kind: kind.to_string(),
        title: title.to_string(),
        unit: unit.to_string(),
        labels,
        values: values
            .iter()
            .map(|v| v.map(display).unwrap_or_else(|| "—".into()))
            .collect(),
        heights: values.iter().map(|v| v.map(|d| scale(f64_of(d)))).collect(),
        target: target.map(|t| scale(f64_of(t))),
        target_label: target_label.to_string(),
        axis_min: fmt_axis(lo),
        axis_max: fmt_axis(hi),
    }
}

/// The value a unit reported for the report year, if a fact has the series' key.
fn reported(facts: &Facts, key: &str) -> Option<Decimal> {
    match facts.value(key)? {
        Value::Number(n) => Some(*n),
        Value::Rate { num, den } if !den.is_zero() => {
            Some((num / den * Decimal::ONE_HUNDRED).round_dp(2))
        }
        _ => None,
    }
}

fn evaluate(values: &BTreeMap<i32, Decimal>, target: Option<&Target>) -> (String, Option<bool>) {
    let mut it = values.iter().rev();
    let last = it.next().map(|(_, v)| *v);
    let prev = it.next().map(|(_, v)| *v);
    let met = match (target, last, prev) {
        (Some(Target::AtLeast { value, .. }), Some(l), _) => Some(l >= *value),
        (Some(Target::Rising { .. }), Some(l), Some(p)) => Some(l > p),
        (Some(Target::Falling { .. }), Some(l), Some(p)) => Some(l < p),
        _ => None,
    };
    let status = match met {
        Some(true) => "已达到",
        Some(false) => "未达到",
        None => "—",
    };
    (status.to_string(), met)
}

fn target_text(t: Option<&Target>) -> String {
    match t {
        Some(Target::AtLeast { text, .. } | Target::Rising { text } | Target::Falling { text }) => {
            text.clone()
        }
        None => "—".into(),
    }
}

/// One series of a section: its table row, its chart and its values by year.
type SeriesEntry = (SeriesData, Chart, BTreeMap<i32, Decimal>);

pub fn annual_report(inputs: &Inputs, wording: &Wording) -> Result<AnnualReportData, DataError> {
    let c = inputs.campaign;
    let year = c.annual_report.year.unwrap_or(c.dates.evaluation_year - 1);
    let ctx0 = serde_json::json!({ "district": c.district, "year": year });
    let doc_title = wording.sentence("annual/title.j2", &ctx0)?;

    // Each series with the report year's reported value merged in.
    let mut series_by_section: BTreeMap<&str, Vec<SeriesEntry>> = BTreeMap::new();
    let mut targets = Vec::new();
    for s in &c.annual_report.series {
        let mut values = s.values.clone();
        if let Some(v) = reported(inputs.facts, &s.key) {
            values.insert(year, v);
        }
        values.retain(|y, _| *y <= year);
        let (status, met) = evaluate(&values, s.target.as_ref());
        let years: Vec<i32> = values.keys().copied().collect();
        let (kind, tval) = match &s.target {
            Some(Target::AtLeast { value, .. }) => ("bars", Some(*value)),
            _ => ("line", None),
        };
        let ch = chart(
            kind,
            &s.label,
            &s.unit,
            years.iter().map(|y| y.to_string()).collect(),
            &years
                .iter()
                .map(|y| values.get(y).copied())
                .collect::<Vec<_>>(),
            tval,
            &tval
                .map(|t| format!("目标值{}{}", display(t), s.unit))
                .unwrap_or_default(),
        );
        let data = SeriesData {
            key: s.key.clone(),
            label: s.label.clone(),
            unit: s.unit.clone(),
            values: vec![],
            target: target_text(s.target.as_ref()),
            status: status.clone(),
            met,
        };
        if s.target.is_some() {
            targets.push(TargetStatus {
                section: section_name(&s.section).to_string(),
                label: s.label.clone(),
                target: target_text(s.target.as_ref()),
                latest: values
                    .values()
                    .last()
                    .map(|v| format!("{}{}", display(*v), s.unit))
                    .unwrap_or_else(|| "—".into()),
                status,
                met,
            });
        }
        series_by_section
            .entry(section_name(&s.section))
            .or_default()
            .push((data, ch, values));
    }
    let targets_met = targets.iter().filter(|t| t.met == Some(true)).count();
    let targets_total = targets.len();
    let unmet: Vec<&TargetStatus> = targets.iter().filter(|t| t.met == Some(false)).collect();

    let lost: Vec<serde_json::Value> = inputs
        .indicators
        .iter()
        .filter_map(|ind| {
            let s = inputs.scores.indicators.iter().find(|s| s.id == ind.id)?;
            (s.lost > Decimal::ZERO).then(|| serde_json::json!({
                "id": ind.id, "subcategory": ind.subcategory, "lost": display(s.lost), "improve": s.improve,
            }))
        })
        .collect();

    let mut sections = Vec::new();
    for (n, name) in SECTIONS.iter().enumerate() {
        let mut entries = series_by_section.remove(name).unwrap_or_default();
        let mut charts: Vec<Chart> = entries.iter().map(|(_, ch, _)| ch.clone()).collect();
        let mut years: Vec<i32> = entries
            .iter()
            .flat_map(|(_, _, v)| v.keys().copied())
            .collect();
        years.sort();
        years.dedup();
        for (data, _, values) in &mut entries {
            data.values = years
                .iter()
                .map(|y| {
                    values
                        .get(y)
                        .map(|v| display(*v))
                        .unwrap_or_else(|| "—".into())
                })
                .collect();
        }
        let mut series: Vec<SeriesData> = entries.into_iter().map(|(d, _, _)| d).collect();
        match *name {
            "总体情况" => {
                // 地区生产总值 from the 申请表 particulars, as the overall trend.
                let gdp = &c.application.gdp;
                let ys: Vec<i32> = gdp.keys().copied().collect();
                charts.insert(
                    0,
                    chart(
                        "line",
                        "地区生产总值",
                        "亿元",
                        ys.iter().map(|y| y.to_string()).collect(),
                        &ys.iter().map(|y| gdp.get(y).copied()).collect::<Vec<_>>(),
                        None,
                        "",
                    ),
                );
                if series.is_empty() {
                    years = ys.clone();
                    series.push(SeriesData {
                        key: "gdp".into(),
                        label: "地区生产总值".into(),
                        unit: "亿元".into(),
                        values: ys.iter().map(|y| display(gdp[y])).collect(),
                        target: "—".into(),
                        status: "—".into(),
                        met: None,
                    });
                }
            }
            "存在问题" => {
                // Score rate per category: where the self-evaluation lost points.
                let cats = &inputs.scores.categories;
                let rates: Vec<Option<Decimal>> = cats
                    .iter()
                    .map(|s| {
                        (!s.points.is_zero())
                            .then(|| (s.score / s.points * Decimal::ONE_HUNDRED).round_dp(1))
                    })
                    .collect();
                charts.push(chart(
                    "bars",
                    "自评得分率（按类别）",
                    "%",
                    cats.iter().map(|s| s.name.clone()).collect(),
                    &rates,
                    Some(Decimal::ONE_HUNDRED),
                    "满分（100%）",
                ));
            }
            _ => {}
        }
        let ctx = serde_json::json!({
            "district": c.district, "year": year, "section": name, "series": series,
            "years": years, "targets": targets, "targets_met": targets_met, "targets_total": targets_total,
            "unmet": unmet, "lost": lost, "total": display(inputs.scores.total), "max": num(inputs.scores.max),
            "categories": category_subtotals(inputs), "gdp": c.application.gdp.iter().map(|(y, v)| serde_json::json!({"year": y, "value": display(*v)})).collect::<Vec<_>>(),
        });
        let file = format!("annual/section-{}.j2", n + 1);
        sections.push(AnnualSection {
            number: format!("{}、", cn_number(n + 1)),
            heading: name.to_string(),
            paragraphs: paras(wording.paragraphs(&file, &ctx)?),
            series,
            charts,
            years: years.iter().map(|y| y.to_string()).collect(),
        });
    }
    // Series whose section matches none of the nine are an error of the configuration:
    // better to say so than to drop them silently.
    if let Some((name, _)) = series_by_section.iter().next() {
        return Err(DataError::Inconsistent(format!(
            "年度报告数据系列的 section“{name}”不是报告的章节（应为：{}）",
            SECTIONS[1..7].join("、")
        )));
    }

    Ok(AnnualReportData {
        meta: meta(
            inputs,
            doc_title.clone(),
            "县域质量发展状况分析",
            &["质量发展", "年度分析报告", &c.district.short_name],
        ),
        doc_title,
        year,
        sections,
        targets,
        targets_met,
        targets_total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_numbers_are_compressed_into_ranges() {
        assert_eq!(
            compress_numbers(&["1-3-1", "1-3-2", "1-3-3", "1-3-5"]),
            "1-3-1至1-3-3、1-3-5"
        );
        assert_eq!(compress_numbers(&["1-3-1", "1-3-2"]), "1-3-1、1-3-2");
        assert_eq!(
            compress_numbers(&["2-6-1", "章政办字〔2021〕32号"]),
            "2-6-1、章政办字〔2021〕32号"
        );
        assert_eq!(compress_numbers(&[]), "");
    }

    #[test]
    fn chinese_section_numbers() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 23]
            .iter()
            .map(|n| cn_number(*n))
            .collect();
        assert_eq!(got, ["一", "九", "十", "十一", "二十", "二十三"]);
    }

    #[test]
    fn charts_scale_values_and_target_into_the_plot() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let ch = chart(
            "bars",
            "合格率",
            "%",
            vec!["2020".into(), "2021".into()],
            &[Some(d("96.4")), None],
            Some(d("97")),
            "目标值97%",
        );
        assert_eq!(ch.values, ["96.4", "—"]);
        assert!(ch.heights[1].is_none());
        let (h, t) = (ch.heights[0].unwrap(), ch.target.unwrap());
        assert!(0.0 < h && h < t && t <= 1.0, "{h} {t}");
        // a rate axis never goes beyond 100 %
        assert!(ch.axis_max.parse::<f64>().unwrap() <= 100.0);
    }

    #[test]
    fn targets_are_met_or_not() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let values: BTreeMap<i32, Decimal> = [(2020, d("80.2")), (2021, d("79.6"))].into();
        let at_least = Target::AtLeast {
            value: d("80"),
            text: "80%以上".into(),
        };
        assert_eq!(
            evaluate(&values, Some(&at_least)),
            ("未达到".into(), Some(false))
        );
        let rising = Target::Rising {
            text: "稳步提升".into(),
        };
        assert_eq!(evaluate(&values, Some(&rising)).1, Some(false));
        let falling = Target::Falling {
            text: "不断降低".into(),
        };
        assert_eq!(evaluate(&values, Some(&falling)).1, Some(true));
        assert_eq!(evaluate(&values, None), ("—".into(), None));
    }
}
