//! 年度质量分析报告: published to the public (indicator 27), so it analyses the district's
//! quality — year-on-year change with direction and size, 主要目标 met or not, the causes and
//! measures the responsible units reported — and its 存在问题 are quality problems (unmet
//! targets, worsening series), never self-score deductions.
//!
//! Every series comes from the units (catalogue `[[series]]`); the report-year value is
//! the fact scoring reads ([`zhiliang_core::series::resolve`]).

use std::collections::{BTreeMap, HashMap};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use zhiliang_core::config::Target;
use zhiliang_core::series::{self as core_series, SeriesDef};

use super::*;
use crate::wording::Wording;

#[derive(Debug, Clone, Serialize)]
pub struct AnnualReportData {
    pub meta: Meta,
    pub doc_title: String,
    /// 主送机关, empty when the report has none (published to the public only).
    pub recipient: String,
    /// 发文机关署名 (above the 成文日期, with room for the seal).
    pub issuer: String,
    pub year: i32,
    pub sections: Vec<AnnualSection>,
    /// Every 主要目标 with its status, for 一、总体情况.
    pub targets: Vec<TargetStatus>,
    pub targets_met: usize,
    pub targets_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnnualSection {
    pub key: SectionKey,
    /// 一、
    pub number: String,
    pub heading: String,
    pub paragraphs: Vec<Para>,
    pub series: Vec<SeriesData>,
    /// Charts drawn in the section (one per series).
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

/// A section of the report, by identity rather than by its heading, so a reworded heading
/// cannot silently detach a section from its series, tables or wording template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKey {
    Overall,
    Products,
    Construction,
    Services,
    Environment,
    Foundations,
    Innovation,
    Problems,
    Outlook,
}

impl SectionKey {
    /// The report's sections in print order.
    pub const ALL: [SectionKey; 9] = [
        SectionKey::Overall,
        SectionKey::Products,
        SectionKey::Construction,
        SectionKey::Services,
        SectionKey::Environment,
        SectionKey::Foundations,
        SectionKey::Innovation,
        SectionKey::Problems,
        SectionKey::Outlook,
    ];

    /// The printed heading; for the sections a series may belong to it is also the name
    /// the catalogue's `[[series]].section` uses ([`zhiliang_core::series::SECTIONS`]; a
    /// test keeps the two lists equal).
    pub fn heading(self) -> &'static str {
        match self {
            SectionKey::Overall => "总体情况",
            SectionKey::Products => "产品质量",
            SectionKey::Construction => "工程质量",
            SectionKey::Services => "服务质量",
            SectionKey::Environment => "环境质量",
            SectionKey::Foundations => "质量基础",
            SectionKey::Innovation => "创新与品牌",
            SectionKey::Problems => "存在问题",
            SectionKey::Outlook => "发展前景与对策建议",
        }
    }

    /// Machine name: the `key` the Typst template tests and the wording file's name.
    pub fn slug(self) -> &'static str {
        match self {
            SectionKey::Overall => "overall",
            SectionKey::Products => "products",
            SectionKey::Construction => "construction",
            SectionKey::Services => "services",
            SectionKey::Environment => "environment",
            SectionKey::Foundations => "foundations",
            SectionKey::Innovation => "innovation",
            SectionKey::Problems => "problems",
            SectionKey::Outlook => "outlook",
        }
    }

    /// The wording template that writes the section's text.
    pub fn wording_template(self) -> String {
        format!("annual/section-{}.j2", self.slug())
    }

    /// Whether series may belong to this section (the last two are the report's own
    /// analysis).
    pub fn takes_series(self) -> bool {
        !matches!(self, SectionKey::Problems | SectionKey::Outlook)
    }

    /// The section a catalogue series names in `section`, if any.
    pub fn of_series(section: &str) -> Option<SectionKey> {
        SectionKey::ALL
            .into_iter()
            .find(|k| k.takes_series() && k.heading() == section)
    }
}

/// A value as printed: percentages with one decimal unless the value has more, other
/// quantities as reported.
pub fn figure(d: Decimal, unit: &str) -> String {
    let d = d.normalize();
    if unit == "%" && d.scale() < 1 {
        format!("{d:.1}")
    } else {
        d.to_string()
    }
}

/// A value with its unit: 48.0%, 1840张, 40微克/立方米.
pub fn with_unit(d: Decimal, unit: &str) -> String {
    format!("{}{}", figure(d, unit), unit)
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

// ---------------------------------------------------------------------------------------
// Typed contexts of the wording templates (templates/wording/annual/*.j2).

/// The district as the wording templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictCtx {
    pub name: String,
    pub short_name: String,
    pub city: String,
    pub province: String,
}

impl DistrictCtx {
    pub fn of(c: &zhiliang_core::config::Campaign) -> DistrictCtx {
        DistrictCtx {
            name: c.district.name.clone(),
            short_name: c.district.short_name.clone(),
            city: c.district.city.clone(),
            province: c.district.province.clone(),
        }
    }
}

/// The year the annual report (and the figures quoted from it elsewhere) is about.
pub(crate) fn report_year(inputs: &Inputs) -> i32 {
    let c = inputs.campaign;
    c.annual_report.year.unwrap_or(c.dates.evaluation_year - 1)
}

/// One series as the annual report shows it for `year`: its values in the report's years,
/// the target verdict, and the context the wording templates see.
struct ReportSeries {
    values: BTreeMap<i32, Decimal>,
    status: String,
    met: Option<bool>,
    ctx: SeriesCtx,
}

fn report_series(inputs: &Inputs, def: &SeriesDef, year: i32) -> ReportSeries {
    let resolved = core_series::resolve(
        inputs.catalogue,
        def,
        inputs.facts,
        inputs.campaign.dates.evaluation_year,
    );
    let years = SeriesDef::years(year);
    let mut values = resolved.values;
    values.retain(|y, _| years.contains(y));
    let (status, met) = evaluate(&values, def.target.as_ref());
    let mut ctx = series_ctx(
        def,
        &values,
        &resolved.causes,
        &resolved.measures,
        year,
        met,
    );
    // A falling GDP is context for the whole report, not a quality problem of its own.
    let overall = SectionKey::of_series(&def.section) == Some(SectionKey::Overall);
    let worse = ctx.change.as_ref().is_some_and(|ch| ch.worse);
    ctx.problem = met == Some(false) || (worse && !overall);
    ReportSeries {
        values,
        status,
        met,
        ctx,
    }
}

/// Every 主要目标 with its status in the report year, in catalogue order: the one
/// computation behind the annual report's 总体情况 table and the 申请表's sentence
/// "N项目标中M项已经实现".
pub(crate) fn target_statuses(inputs: &Inputs) -> Vec<TargetStatus> {
    let year = report_year(inputs);
    inputs
        .series
        .iter()
        .filter(|def| def.target.is_some())
        .map(|def| {
            let r = report_series(inputs, def, year);
            TargetStatus {
                section: def.section.clone(),
                label: def.label.clone(),
                target: target_text(def.target.as_ref()),
                latest: r
                    .values
                    .get(&year)
                    .map_or_else(|| "—".into(), |v| with_unit(*v, &def.unit)),
                status: r.status,
                met: r.met,
            }
        })
        .collect()
}

/// Every series of the catalogue as the wording templates see it, for the report year:
/// the same values, changes and target verdicts the annual report prints.
pub(crate) fn series_contexts<'i>(inputs: &'i Inputs) -> Vec<(&'i SeriesDef, SeriesCtx)> {
    let year = report_year(inputs);
    inputs
        .series
        .iter()
        .map(|def| (def, report_series(inputs, def, year).ctx))
        .collect()
}

/// Change on the previous year.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeCtx {
    /// 上升 / 下降 / 持平
    pub direction: String,
    /// 增加 / 减少 / 持平 for counts and amounts
    pub verb: String,
    /// 2.1个百分点, 240张 (absolute, without sign)
    pub amount: String,
    /// 15.0% relative change (empty for percentages and when the base is zero)
    pub relative: String,
    /// True when the change goes the way the district wants (higher, or lower for a
    /// falling target).
    pub better: bool,
    pub worse: bool,
}

/// One series as the wording templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesCtx {
    pub key: String,
    pub label: String,
    pub unit: String,
    pub responsible: String,
    pub year: i32,
    /// The report-year value with its unit (48.0%), empty when unknown.
    pub latest: String,
    pub previous_year: i32,
    pub previous: String,
    pub change: Option<ChangeCtx>,
    /// Target text as the plan states it (达到95%以上, 稳步提升), empty without a target.
    pub target: String,
    pub met: Option<bool>,
    /// How far the report-year value falls short of an "at least" target (0.4个百分点),
    /// empty otherwise.
    pub gap: String,
    /// The district wants the value to fall (不断降低, 显著下降).
    pub lower_is_better: bool,
    /// An unmet target or a worsening series: the section states the finding only, and
    /// 八、存在问题 / 九、发展前景与对策建议 give its causes and measures.
    pub problem: bool,
    /// The first year of the table and its value, for the multi-year trend.
    pub first_year: i32,
    pub first: String,
    pub causes: Vec<String>,
    pub measures: Vec<String>,
}

/// A problem of 八、存在问题: an unmet target or a worsening series.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemCtx {
    pub section: String,
    pub series: SeriesCtx,
    /// 未达到目标 (true) or worsened (false).
    pub unmet: bool,
}

/// Context of one section's wording template (`annual/section-<slug>.j2`).
#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    pub district: DistrictCtx,
    pub year: i32,
    pub section: String,
    pub series: Vec<SeriesCtx>,
    pub targets_total: usize,
    pub targets_met: usize,
    pub unmet: Vec<TargetStatus>,
    /// Targets without a report-year value.
    pub unknown: Vec<TargetStatus>,
    pub problems: Vec<ProblemCtx>,
}

#[derive(Debug, Clone, Serialize)]
struct TitleCtx<'a> {
    district: &'a DistrictCtx,
    year: i32,
}

/// The size of a difference: 0.6个百分点 for percentages, 240张 otherwise (no sign).
fn amount(unit: &str, diff: Decimal) -> String {
    let abs = diff.abs().normalize();
    if unit == "%" {
        format!(
            "{:.1}个百分点",
            abs.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        )
    } else {
        format!("{abs}{unit}")
    }
}

fn change(def: &SeriesDef, prev: Decimal, last: Decimal) -> ChangeCtx {
    let diff = last - prev;
    let falling_good = matches!(def.target, Some(Target::Falling { .. }));
    let (direction, verb) = if diff > Decimal::ZERO {
        ("上升", "增加")
    } else if diff < Decimal::ZERO {
        ("下降", "减少")
    } else {
        ("持平", "持平")
    };
    let amount = amount(&def.unit, diff);
    let relative = if def.unit == "%" || prev.is_zero() {
        String::new()
    } else {
        let r = (diff.abs() / prev.abs() * Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        format!("{r:.1}%")
    };
    let better = if falling_good {
        diff < Decimal::ZERO
    } else {
        diff > Decimal::ZERO
    };
    let worse = if falling_good {
        diff > Decimal::ZERO
    } else {
        diff < Decimal::ZERO
    };
    ChangeCtx {
        direction: direction.into(),
        verb: verb.into(),
        amount,
        relative,
        better,
        worse,
    }
}

fn series_ctx(
    def: &SeriesDef,
    values: &BTreeMap<i32, Decimal>,
    causes: &[(String, String)],
    measures: &[(String, String)],
    year: i32,
    met: Option<bool>,
) -> SeriesCtx {
    let latest = values.get(&year).copied();
    let previous = values.get(&(year - 1)).copied();
    let first = values.iter().next();
    SeriesCtx {
        key: def.key.clone(),
        label: def.label.clone(),
        unit: def.unit.clone(),
        responsible: def.responsible.clone(),
        year,
        latest: latest.map(|v| with_unit(v, &def.unit)).unwrap_or_default(),
        previous_year: year - 1,
        previous: previous
            .map(|v| with_unit(v, &def.unit))
            .unwrap_or_default(),
        change: match (previous, latest) {
            (Some(p), Some(l)) => Some(change(def, p, l)),
            _ => None,
        },
        target: def
            .target
            .as_ref()
            .map(|t| target_text(Some(t)))
            .unwrap_or_default(),
        met,
        gap: match (&def.target, latest) {
            (Some(Target::AtLeast { value, .. }), Some(l)) if l < *value => {
                amount(&def.unit, *value - l)
            }
            _ => String::new(),
        },
        lower_is_better: matches!(def.target, Some(Target::Falling { .. })),
        problem: false,
        first_year: first.map_or(year, |(y, _)| *y),
        first: first
            .map(|(_, v)| with_unit(*v, &def.unit))
            .unwrap_or_default(),
        causes: causes.iter().map(|(_, t)| t.clone()).collect(),
        measures: measures.iter().map(|(_, t)| t.clone()).collect(),
    }
}

/// One resolved series of a section: its table row, chart and wording context.
struct Entry {
    data: SeriesData,
    chart: Chart,
    values: BTreeMap<i32, Decimal>,
    ctx: SeriesCtx,
}

pub fn annual_report(inputs: &Inputs, wording: &Wording) -> Result<AnnualReportData, DataError> {
    let c = inputs.campaign;
    let year = report_year(inputs);
    let district = DistrictCtx::of(c);
    let doc_title = wording.sentence(
        "annual/title.j2",
        TitleCtx {
            district: &district,
            year,
        },
    )?;

    let targets = target_statuses(inputs);
    let (mut by_section, problems) = section_entries(inputs, year)?;
    let targets_met = targets.iter().filter(|t| t.met == Some(true)).count();
    let targets_total = targets.len();
    // What every section's wording sees besides its own heading and series.
    let common = SectionCtx {
        district,
        year,
        section: String::new(),
        series: Vec::new(),
        targets_total,
        targets_met,
        unmet: targets
            .iter()
            .filter(|t| t.met == Some(false))
            .cloned()
            .collect(),
        unknown: targets
            .iter()
            .filter(|t| t.met.is_none())
            .cloned()
            .collect(),
        problems,
    };
    let sections = SectionKey::ALL
        .into_iter()
        .enumerate()
        .map(|(n, key)| {
            let entries = by_section.remove(&key).unwrap_or_default();
            annual_section(wording, &common, n, key, entries)
        })
        .collect::<Result<_, DataError>>()?;

    let issuer = c.annual_report_issuer();
    Ok(AnnualReportData {
        meta: meta_by(
            inputs,
            issuer.clone(),
            doc_title.clone(),
            "县域质量发展状况分析",
            &["质量发展", "年度分析报告", &c.district.short_name],
        ),
        doc_title,
        recipient: c.annual_report_recipient().unwrap_or_default(),
        issuer,
        year,
        sections,
        targets,
        targets_met,
        targets_total,
    })
}

/// The series of each report section, in catalogue order.
type SectionEntries = HashMap<SectionKey, Vec<Entry>>;

/// Every series with its chart, by the report section it belongs to, and the series that
/// are quality problems (target unmet or worsened), in catalogue order.
fn section_entries(
    inputs: &Inputs,
    year: i32,
) -> Result<(SectionEntries, Vec<ProblemCtx>), DataError> {
    let mut by_section: SectionEntries = HashMap::new();
    let mut problems = Vec::new();
    for def in &inputs.series {
        let ReportSeries {
            values,
            status,
            met,
            ctx,
        } = report_series(inputs, def, year);
        let ch = series_chart(def, &values);
        let section = SectionKey::of_series(&def.section).ok_or_else(|| {
            DataError::Inconsistent(format!(
                "年度数据系列“{}”的章节“{}”不是年度报告的章节",
                def.label, def.section
            ))
        })?;
        if ctx.problem {
            problems.push(ProblemCtx {
                section: def.section.clone(),
                series: ctx.clone(),
                unmet: met == Some(false),
            });
        }
        by_section.entry(section).or_default().push(Entry {
            data: SeriesData {
                key: def.key.clone(),
                label: def.label.clone(),
                unit: def.unit.clone(),
                values: vec![],
                target: target_text(def.target.as_ref()),
                status,
                met,
            },
            chart: ch,
            values,
            ctx,
        });
    }
    Ok((by_section, problems))
}

/// A series' chart: bars against the target line when the target is a value to reach,
/// otherwise a line.
fn series_chart(def: &SeriesDef, values: &BTreeMap<i32, Decimal>) -> Chart {
    let (kind, tval) = match &def.target {
        Some(Target::AtLeast { value, .. }) => ("bars", Some(*value)),
        _ => ("line", None),
    };
    let shown: Vec<i32> = values.keys().copied().collect();
    chart(
        kind,
        &def.label,
        &def.unit,
        shown.iter().map(ToString::to_string).collect(),
        &shown
            .iter()
            .map(|y| values.get(y).copied())
            .collect::<Vec<_>>(),
        tval,
        &tval
            .map(|t| format!("目标值{}", with_unit(t, &def.unit)))
            .unwrap_or_default(),
    )
}

/// The `n`th section of the report: its wording (`common` with the section's heading and
/// series), and its series tabled over every year any of them has a value.
fn annual_section(
    wording: &Wording,
    common: &SectionCtx,
    n: usize,
    key: SectionKey,
    entries: Vec<Entry>,
) -> Result<AnnualSection, DataError> {
    let mut shown: Vec<i32> = entries
        .iter()
        .flat_map(|e| e.values.keys().copied())
        .collect();
    shown.sort();
    shown.dedup();
    let mut series = Vec::new();
    let mut charts = Vec::new();
    let mut ctxs = Vec::new();
    for mut e in entries {
        e.data.values = shown
            .iter()
            .map(|y| {
                e.values
                    .get(y)
                    .map_or_else(|| "—".into(), |v| figure(*v, &e.data.unit))
            })
            .collect();
        series.push(e.data);
        charts.push(e.chart);
        ctxs.push(e.ctx);
    }
    let ctx = SectionCtx {
        section: key.heading().to_string(),
        series: ctxs,
        ..common.clone()
    };
    Ok(AnnualSection {
        key,
        number: format!("{}、", cn_number(n + 1)),
        heading: key.heading().to_string(),
        paragraphs: paras(wording.paragraphs(&key.wording_template(), &ctx)?),
        series,
        charts,
        years: shown.iter().map(ToString::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn every_series_section_of_the_catalogue_has_a_key_in_the_same_order() {
        let series_keys: Vec<&str> = SectionKey::ALL
            .into_iter()
            .filter(|k| k.takes_series())
            .map(super::SectionKey::heading)
            .collect();
        assert_eq!(series_keys, zhiliang_core::series::SECTIONS);
        for name in zhiliang_core::series::SECTIONS {
            assert_eq!(
                SectionKey::of_series(name).map(super::SectionKey::heading),
                Some(name)
            );
        }
        assert_eq!(SectionKey::of_series("存在问题"), None);
        assert_eq!(SectionKey::of_series("产品质量情况"), None);
    }

    #[test]
    fn percentages_print_one_decimal_unless_the_fact_has_more() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(with_unit(d("48"), "%"), "48.0%");
        assert_eq!(with_unit(d("97.25"), "%"), "97.25%");
        assert_eq!(with_unit(d("1840"), "张"), "1840张");
    }
}
