//! 申请表

use serde::Serialize;
use zhiliang_core::config::chinese_date;
use zhiliang_core::facts::Facts;
use zhiliang_core::score::display;

use super::*;
use crate::wording::Wording;

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
pub(crate) fn slogan(facts: &Facts) -> String {
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
    let district = DistrictCtx::of(c);
    let form_title = wording.sentence(
        "application/title.j2",
        FormTitleCtx {
            district: district.clone(),
        },
    )?;
    let office = wording.sentence(
        "application/office.j2",
        OfficeCtx {
            district,
            office: OfficeNameCtx {
                name: inputs.roster.office.name.clone(),
                unit: inputs.roster.office.unit.clone(),
                director: inputs.roster.office.director.clone(),
            },
        },
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
        population: population(inputs.facts),
        area: num(a.area_km2),
        gdp: gdp_years(inputs)
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
        summary: Para::plain(if a.summary.trim().is_empty() {
            composed_summary(inputs, wording)?
        } else {
            a.summary.clone()
        }),
        contact: Contact {
            name: a.contact.name.clone(),
            position: a.contact.position.clone(),
            phone: a.contact.phone.clone(),
            email: a.contact.email.clone(),
        },
    })
}

/// Characters allowed in 主要做法及成效.
pub const SUMMARY_LIMIT: usize = 1000;

/// Context of `application/title.j2`.
#[derive(Debug, Clone, Serialize)]
pub struct FormTitleCtx {
    pub district: DistrictCtx,
}

/// Context of `application/office.j2`: the task force's office.
#[derive(Debug, Clone, Serialize)]
pub struct OfficeCtx {
    pub district: DistrictCtx,
    pub office: OfficeNameCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfficeNameCtx {
    /// 专班办公室
    pub name: String,
    /// The unit it sits in (区市场监管局).
    pub unit: String,
    pub director: String,
}

/// Context of `application/summary.j2`.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryCtx {
    pub district: DistrictCtx,
    pub slogan: String,
    pub year: i32,
    /// Key figures of the report year: label and value with its unit.
    pub figures: Vec<Figure>,
    pub targets_total: usize,
    pub targets_met: usize,
    pub total: String,
    pub max: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// 主要做法及成效 composed from the data when the office leaves it empty: the key figures
/// the units reported (the same figures the other documents print), within 1 000
/// characters — figures are dropped from the end until the text fits.
fn composed_summary(inputs: &Inputs, wording: &Wording) -> Result<String, DataError> {
    let c = inputs.campaign;
    let year = super::annual_report::report_year(inputs);
    let mut figures = Vec::new();
    for def in &inputs.series {
        let values = series_values(inputs, &def.key);
        let Some(v) = values.get(&year) else { continue };
        figures.push(Figure {
            label: def.label.clone(),
            value: super::annual_report::with_unit(*v, &def.unit),
        });
    }
    // The annual report's finding, from the same computation.
    let targets = super::annual_report::target_statuses(inputs);
    let total = targets.len();
    let met = targets.iter().filter(|t| t.met == Some(true)).count();
    let district = DistrictCtx::of(c);
    loop {
        let ctx = SummaryCtx {
            district: district.clone(),
            slogan: slogan(inputs.facts),
            year,
            figures: figures.clone(),
            targets_total: total,
            targets_met: met,
            total: display(inputs.scores.total),
            max: num(inputs.scores.max),
        };
        let text = wording.sentence("application/summary.j2", &ctx)?;
        let chars = text.chars().filter(|ch| !ch.is_whitespace()).count();
        if chars <= SUMMARY_LIMIT || figures.is_empty() {
            return Ok(text);
        }
        figures.pop();
    }
}
