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
        applicant: c.district.name.clone(),
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
        summary: Para::plain(a.summary.clone()),
        contact: Contact {
            name: a.contact.name.clone(),
            position: a.contact.position.clone(),
            phone: a.contact.phone.clone(),
            email: a.contact.email.clone(),
        },
    })
}
