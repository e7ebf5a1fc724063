//! The data of each document: serialisable structs built from the campaign, the roster,
//! the catalogue, the facts and the score sheet. Everything a template prints is a
//! string prepared here (numbers through `score::display`); templates only lay out.
//!
//! Objects that carry text typed by a unit have a `src` field, a [`Source`] (`{unit, file,
//! sheet, cell}`), which the missing-glyph check reads back to say where a character came
//! from.
//!
//! One module per document ([`application`], [`self_evaluation`], [`annual_report`]),
//! `charts` for the annual report's native charts; the helpers they share are here.

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::Serialize;
use zhiliang_core::Setup;
use zhiliang_core::catalogue::{Catalogue, Indicator};
use zhiliang_core::config::{Campaign, chinese_date};
use zhiliang_core::diagnostics::Diagnostic;
use zhiliang_core::facts::{EvidenceItem, Facts, Source};
use zhiliang_core::score::{ScoreSheet, display};
use zhiliang_core::units::{Person, Roster, TaskForceRole};

use crate::wording::WordingError;

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
    pub catalogue: &'a Catalogue,
    /// The annual report's series (catalogue `[[series]]`).
    pub series: Vec<zhiliang_core::series::SeriesDef>,
    pub roster: &'a Roster,
    pub indicators: Vec<IndicatorMeta>,
    pub facts: &'a Facts,
    pub scores: &'a ScoreSheet,
    pub evidence: &'a [EvidenceItem],
    pub diagnostics: &'a [Diagnostic],
    /// The input folder that evidence paths (`evidence/<unit>/<file>`) are relative to;
    /// without it the binder lists every file instead of drawing it.
    pub evidence_dir: Option<&'a std::path::Path>,
}

impl<'a> Inputs<'a> {
    pub fn new(
        setup: &'a Setup,
        facts: &'a Facts,
        scores: &'a ScoreSheet,
        evidence: &'a [EvidenceItem],
        diagnostics: &'a [Diagnostic],
    ) -> Self {
        let Setup {
            catalogue,
            roster,
            campaign,
            ..
        } = setup;
        Inputs {
            campaign,
            catalogue,
            series: catalogue.series.clone(),
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
            evidence_dir: None,
        }
    }

    /// Lets the binder draw the evidence files found under `input_dir`.
    pub fn with_evidence_dir(mut self, input_dir: &'a std::path::Path) -> Self {
        self.evidence_dir = Some(input_dir);
        self
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
    pub src: Option<Source>,
}

impl Para {
    fn plain(text: String) -> Para {
        Para { text, src: None }
    }
}

fn paras(texts: Vec<String>) -> Vec<Para> {
    texts.into_iter().map(Para::plain).collect()
}

/// The source of text a unit wrote as a whole (its paragraphs), naming only the unit.
pub fn unit_src(unit: &str) -> Source {
    Source {
        unit: unit.to_string(),
        ..Source::default()
    }
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
    meta_by(
        inputs,
        inputs.campaign.district.issuer.clone(),
        title,
        subject,
        keywords,
    )
}

/// [`meta`] of a document issued (signed and sealed) by `author`.
fn meta_by(
    inputs: &Inputs,
    author: String,
    title: String,
    subject: &str,
    keywords: &[&str],
) -> Meta {
    let c = inputs.campaign;
    let d = c.dates.document_date;
    Meta {
        title,
        author,
        subject: subject.to_string(),
        keywords: keywords.iter().map(ToString::to_string).collect(),
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
    let person = |p: &Person, role: TaskForceRole, unit: &str| Member {
        name: p.name.clone(),
        position: p.position.clone(),
        role: role.label().to_string(),
        unit: unit.to_string(),
    };
    let with_role = |role: TaskForceRole| -> Vec<Member> {
        roster
            .units
            .iter()
            .filter(move |u| u.role == role)
            .map(|u| person(&u.member, u.role, &u.name))
            .collect()
    };
    TaskForce {
        convener: person(&roster.convener, TaskForceRole::Convener, ""),
        deputies: with_role(TaskForceRole::DeputyConvener),
        members: with_role(TaskForceRole::Member),
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

/// The values of a series by year (facts first, then the unit's 年度数据 rows).
pub(crate) fn series_values(inputs: &Inputs, key: &str) -> BTreeMap<i32, Decimal> {
    inputs
        .series
        .iter()
        .find(|s| s.key == key)
        .map(|def| {
            zhiliang_core::series::resolve(
                inputs.catalogue,
                def,
                inputs.facts,
                inputs.campaign.dates.evaluation_year,
            )
            .values
        })
        .unwrap_or_default()
}

/// 地区生产总值 of the last three years up to the report year (亿元), from the units.
pub(crate) fn gdp_years(inputs: &Inputs) -> Vec<(i32, Decimal)> {
    let c = inputs.campaign;
    let year = c.annual_report.year.unwrap_or(c.dates.evaluation_year - 1);
    series_values(inputs, "gdp")
        .into_iter()
        .filter(|(y, _)| *y <= year && *y > year - 3)
        .collect()
}

/// 上年末常住人口 (万人) as the unit reported it.
pub(crate) fn population(facts: &Facts) -> String {
    facts
        .value("resident_population")
        .and_then(zhiliang_core::facts::Value::as_number)
        .map(num)
        .unwrap_or_default()
}

/// A scalar fact's text, by the first key that is present.
fn fact_text(facts: &Facts, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match facts.value(k) {
        Some(v) if v.is_present() => Some(v.to_string()),
        _ => None,
    })
}

mod annual_report;
mod application;
mod binder;
mod charts;
mod self_evaluation;

pub use annual_report::*;
pub use application::*;
pub use binder::*;
pub use charts::*;
pub use self_evaluation::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_section_numbers() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 23]
            .iter()
            .map(|n| cn_number(*n))
            .collect();
        assert_eq!(got, ["一", "九", "十", "十一", "二十", "二十三"]);
    }
}
