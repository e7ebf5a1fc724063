//! 自评报告

use rust_decimal::Decimal;
use serde::Serialize;
use zhiliang_core::facts::EvidenceStatus;
use zhiliang_core::score::display;
use zhiliang_core::series::SeriesDef;

use super::*;
use crate::wording::Wording;

#[derive(Debug, Clone, Serialize)]
pub struct SelfEvaluationData {
    pub meta: Meta,
    pub doc_title: String,
    /// 主送机关 (printed above the body, ending in a full-width colon).
    pub recipient: String,
    /// 发文机关署名 (above the 成文日期, with room for the seal).
    pub issuer: String,
    /// 附件说明: the attachments' names, in order.
    pub attachments: Vec<String>,
    pub basics: Vec<Para>,
    pub task_force: TaskForce,
    pub work_intro: Vec<Para>,
    pub sections: Vec<CategorySection>,
    pub score_intro: Vec<Para>,
    pub table: Vec<TableRow>,
    pub total: String,
    pub max: String,
    /// 功效系数法的满意值与不允许值, each with its source.
    pub benchmarks: Vec<BenchmarkRow>,
    pub shortfall_intro: Vec<Para>,
    pub shortfalls: Vec<Shortfall>,
    /// The lost points grouped by responsible unit, a few lines per unit.
    pub shortfall_units: Vec<Para>,
    pub next_steps: Vec<Para>,
    pub evidence: Vec<EvidenceRow>,
    /// Counted with `EvidenceItem::status`, as the binder counts: printed in the binder,
    /// attached only (listed with size and SHA-256), missing or unusable.
    pub evidence_found: usize,
    pub evidence_attached: usize,
    pub evidence_missing: usize,
}

/// The title of the 自评报告's attachment, as its 附件说明 and its own page name it.
pub const EVIDENCE_INDEX_TITLE: &str = "证明材料目录";

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
        /// Boxed: a source would make every row as large as this variant.
        #[serde(skip_serializing_if = "Option::is_none")]
        src: Option<Box<Source>>,
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
    pub src: Option<Source>,
}

/// One benchmark pair of the efficacy-coefficient method, as printed with its source.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkRow {
    pub indicator: String,
    pub key: String,
    pub satisfactory: String,
    pub unacceptable: String,
    pub source: String,
    /// The source is marked as example data (示例).
    pub example: bool,
}

// ---------------------------------------------------------------------------------------
// Typed contexts of the wording templates (templates/wording/self-evaluation/*.j2): the
// field names are the variables a template may use.

/// The report year's value of a quantity (地区生产总值 of 2021).
#[derive(Debug, Clone, Serialize)]
pub struct YearFigureCtx {
    pub year: i32,
    pub value: String,
}

/// Context of `title.j2`, `basics.j2`, `work-intro.j2` and `score-intro.j2`: the district,
/// its task force and the overall score.
#[derive(Debug, Clone, Serialize)]
pub struct ReportCtx {
    pub district: DistrictCtx,
    /// 上年末常住人口 (万人), empty when no unit reported it.
    pub population: String,
    /// 面积 (平方公里).
    pub area_km2: String,
    /// 地区生产总值 (亿元) of the report year, if reported.
    pub gdp: Option<YearFigureCtx>,
    pub pillar_industries: Vec<String>,
    pub slogan: String,
    pub task_force: TaskForce,
    pub total: String,
    pub max: String,
    pub categories: Vec<Subtotal>,
}

/// An indicator of a category, as `category.j2` sees it.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRefCtx {
    pub id: u32,
    pub subcategory: String,
    pub points: String,
    pub score: String,
    /// Whether the indicator earned all its points.
    pub full: bool,
}

/// Context of `category.j2`: the opening of one section of 二、创建工作开展情况.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryCtx {
    pub district: DistrictCtx,
    pub category: String,
    pub points: String,
    pub score: String,
    pub indicators: Vec<IndicatorRefCtx>,
    /// How many of `indicators` earned all their points.
    pub full_count: usize,
    /// Units that reported work or figures for the category, in order of appearance.
    pub units: Vec<String>,
}

/// One unit's narrative of one indicator, as the unit typed it.
#[derive(Debug, Clone, Serialize)]
pub struct NarrativeCtx {
    pub id: u32,
    pub subcategory: String,
    pub text: String,
}

/// Context of `unit.j2`: what one unit did for one category — its narratives, then the
/// figures of the series it reports (the annual report's values) that its narratives do
/// not already state.
#[derive(Debug, Clone, Serialize)]
pub struct UnitCtx {
    pub category: String,
    /// Roster short name (区市场监管局) and full name.
    pub unit: String,
    pub unit_full: String,
    pub items: Vec<NarrativeCtx>,
    pub series: Vec<SeriesCtx>,
}

/// Context of `shortfall.j2`: one indicator that lost points.
#[derive(Debug, Clone, Serialize)]
pub struct ShortfallCtx {
    pub id: u32,
    pub subcategory: String,
    pub category: String,
    pub points: String,
    pub score: String,
    pub lost: String,
    pub units: String,
    pub improve: String,
    pub basis: String,
}

/// Context of `shortfalls-intro.j2` and `next-steps.j2`.
#[derive(Debug, Clone, Serialize)]
pub struct ShortfallSummaryCtx {
    pub district: DistrictCtx,
    /// Indicators that lost points.
    pub count: usize,
    /// Points lost in all.
    pub lost: String,
    /// Evidence items of the 证明材料目录 whose file is missing (only a draft has any: a
    /// missing file stops the final build).
    pub evidence_missing: usize,
    /// The task force's office, which follows the work up (章丘区创建山东省质量强区工作专班办公室).
    pub office: String,
}

/// Context of `self-evaluation/shortfall-unit.j2`: one leading unit's lost points — what
/// is lacking, which units act, and by when.
#[derive(Debug, Clone, Serialize)]
pub struct ShortfallUnitCtx {
    /// The unit that leads the indicators (the first responsible unit).
    pub unit: String,
    pub lost: String,
    pub items: Vec<ShortfallItemCtx>,
    /// Other named units responsible for some of the items, which work with the lead unit
    /// (“其他成员单位” is not named).
    pub partners: Vec<String>,
    /// By when, with the indicators each date applies to (one entry when all agree).
    pub deadlines: Vec<DeadlineCtx>,
    /// The “unit” is every member unit (各成员单位): each acts for its own part.
    pub shared: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShortfallItemCtx {
    pub id: u32,
    pub subcategory: String,
    pub lost: String,
    /// What is lacking (尚无省级以上产业计量测试中心；…为96.0%（48/50），未达100%).
    pub improve: String,
    /// 2022年11月30日
    pub deadline: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeadlineCtx {
    /// 2022年11月30日
    pub date: String,
    pub ids: Vec<u32>,
}

/// By when an indicator's shortfall is made good: the 任务分解表's 完成时限 when it is a
/// date (6月底前, 7月20日前) after the 成文日期, otherwise the campaign's `rectify_by`.
pub fn rectify_date(
    deadline: &str,
    campaign: &zhiliang_core::config::Campaign,
) -> chrono::NaiveDate {
    let year = campaign.dates.evaluation_year;
    let d = deadline.trim().trim_end_matches('前');
    let parsed = d.split_once('月').and_then(|(m, rest)| {
        let m: u32 = m.parse().ok()?;
        if rest == "底" {
            let next = if m == 12 {
                chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                chrono::NaiveDate::from_ymd_opt(year, m + 1, 1)
            }?;
            next.pred_opt()
        } else {
            let day: u32 = rest.strip_suffix('日')?.parse().ok()?;
            chrono::NaiveDate::from_ymd_opt(year, m, day)
        }
    });
    match parsed {
        Some(date) if date > campaign.dates.document_date => date,
        _ => campaign.rectify_by(),
    }
}

/// Whether a responsible-unit entry names a unit (not “其他成员单位”, “各成员单位”).
fn names_a_unit(u: &str) -> bool {
    !u.contains("成员单位")
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub number: String,
    pub indicator: String,
    pub unit: String,
    /// The material's title (never a path or a file name with its extension).
    pub name: String,
    pub found: bool,
    pub status: String,
    pub src: Source,
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

type UnitWork = (String, Vec<NarrativeCtx>, Vec<SeriesCtx>);

/// Index of `unit`'s entry, added at the end on first appearance.
fn unit_entry(by_unit: &mut Vec<UnitWork>, unit: &str) -> usize {
    match by_unit.iter().position(|(u, _, _)| u == unit) {
        Some(k) => k,
        None => {
            by_unit.push((unit.to_string(), Vec::new(), Vec::new()));
            by_unit.len() - 1
        }
    }
}

/// The category whose indicators read one of the series' facts (the series is then the
/// very figure those indicators were scored on); failing that, the category with a
/// 二级指标 of the series' section's name (产品质量, 环境质量).
fn series_category<'i>(inputs: &'i Inputs, def: &SeriesDef) -> Option<&'i str> {
    let keys = def.fact_keys();
    inputs
        .catalogue
        .indicators
        .iter()
        .find(|i| i.facts.iter().any(|f| keys.contains(&f.as_str())))
        .or_else(|| {
            inputs
                .catalogue
                .indicators
                .iter()
                .find(|i| i.subcategory == def.section)
        })
        .map(|i| i.category.as_str())
}

/// Whether a unit's narrative already states the series' report-year value (48%, 48.0%,
/// 156家), so the composed text does not repeat it.
fn states_value(text: &str, latest: &str, unit: &str) -> bool {
    let plain = latest.strip_suffix(unit).unwrap_or(latest);
    let short = plain.strip_suffix(".0").unwrap_or(plain);
    [plain, short].iter().any(|n| {
        let needle = format!("{n}{unit}");
        // “4家” is not stated by “14家”: the match must not continue a longer number.
        text.match_indices(&needle).any(|(at, _)| {
            !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit() || c == '.')
        })
    })
}

fn units_text(ind: &IndicatorMeta) -> String {
    ind.responsible.join("、")
}

pub fn self_evaluation(
    inputs: &Inputs,
    wording: &Wording,
) -> Result<SelfEvaluationData, DataError> {
    let c = inputs.campaign;
    let scores = inputs.scores;
    let report = report_ctx(inputs);
    let doc_title = wording.sentence("self-evaluation/title.j2", &report)?;
    let sections = work_sections(inputs, wording, &report.district)?;
    let table = score_table(inputs)?;
    let shortfalls = shortfalls(inputs, wording)?;
    let shortfall_units = shortfall_units(inputs, wording)?;
    let benchmarks = benchmarks(inputs);
    let ctx = ShortfallSummaryCtx {
        district: report.district.clone(),
        count: shortfalls.len(),
        lost: display(scores.max - scores.total),
        evidence_missing: inputs.evidence.iter().filter(|e| !e.found).count(),
        office: inputs.roster.office.name.clone(),
    };
    let shortfall_intro = paras(wording.paragraphs("self-evaluation/shortfalls-intro.j2", &ctx)?);
    let next_steps = paras(wording.paragraphs("self-evaluation/next-steps.j2", &ctx)?);
    let evidence = evidence_rows(inputs);
    let count = |status: EvidenceStatus| {
        inputs
            .evidence
            .iter()
            .filter(|e| e.status() == status)
            .count()
    };

    let issuer = c.self_evaluation_issuer();
    Ok(SelfEvaluationData {
        meta: meta_by(
            inputs,
            issuer.clone(),
            doc_title.clone(),
            "质量强区创建自评",
            &["质量强区", "自评报告", &c.district.short_name],
        ),
        doc_title,
        recipient: c.self_evaluation_recipient(),
        issuer,
        attachments: vec![EVIDENCE_INDEX_TITLE.to_string()],
        basics: paras(wording.paragraphs("self-evaluation/basics.j2", &report)?),
        task_force: report.task_force.clone(),
        work_intro: paras(wording.paragraphs("self-evaluation/work-intro.j2", &report)?),
        sections,
        score_intro: paras(wording.paragraphs("self-evaluation/score-intro.j2", &report)?),
        table,
        total: display(scores.total),
        max: num(scores.max),
        benchmarks,
        shortfall_intro,
        shortfalls,
        shortfall_units,
        next_steps,
        evidence_found: count(EvidenceStatus::Printed),
        evidence_attached: count(EvidenceStatus::Attached),
        evidence_missing: count(EvidenceStatus::Missing),
        evidence,
    })
}

/// 一、基本情况 and the overall score: the district, its task force and its figures.
fn report_ctx(inputs: &Inputs) -> ReportCtx {
    let c = inputs.campaign;
    let scores = inputs.scores;
    ReportCtx {
        district: DistrictCtx::of(c),
        population: population(inputs.facts),
        area_km2: num(c.application.area_km2),
        gdp: gdp_years(inputs).last().map(|(y, v)| YearFigureCtx {
            year: *y,
            value: num(*v),
        }),
        pillar_industries: c.application.pillar_industries.clone(),
        slogan: slogan(inputs.facts),
        task_force: task_force(inputs.roster),
        total: display(scores.total),
        max: num(scores.max),
        categories: category_subtotals(inputs),
    }
}

/// 二、创建工作开展情况: one section per category, one paragraph per reporting unit.
fn work_sections(
    inputs: &Inputs,
    wording: &Wording,
    district: &DistrictCtx,
) -> Result<Vec<CategorySection>, DataError> {
    let series = series_contexts(inputs);
    categories(inputs)
        .into_iter()
        .enumerate()
        .map(|(n, (cat, inds))| category_section(inputs, wording, district, &series, n, cat, &inds))
        .collect()
}

/// The `n`th section of 二、创建工作开展情况: the category's opening, then what each unit did.
fn category_section(
    inputs: &Inputs,
    wording: &Wording,
    district: &DistrictCtx,
    series: &[(&SeriesDef, SeriesCtx)],
    n: usize,
    cat: &str,
    inds: &[&IndicatorMeta],
) -> Result<CategorySection, DataError> {
    let sub = subtotal(&inputs.scores.categories, cat);
    let points = sub.map(|s| num(s.points)).unwrap_or_default();
    let score = sub.map(|s| display(s.score)).unwrap_or_default();
    let by_unit = category_work(inputs, series, cat, inds);
    let indicators: Vec<IndicatorRefCtx> = inds
        .iter()
        .map(|i| {
            let s = score_of(inputs, i.id)?;
            Ok(IndicatorRefCtx {
                id: i.id,
                subcategory: i.subcategory.clone(),
                points: num(i.points),
                score: display(s.score),
                full: s.lost <= Decimal::ZERO,
            })
        })
        .collect::<Result<_, DataError>>()?;
    let ctx = CategoryCtx {
        district: district.clone(),
        category: cat.to_string(),
        points: points.clone(),
        score: score.clone(),
        full_count: indicators.iter().filter(|i| i.full).count(),
        indicators,
        units: by_unit.iter().map(|(u, _, _)| u.clone()).collect(),
    };
    let mut paragraphs = paras(wording.paragraphs("self-evaluation/category.j2", &ctx)?);
    for (unit, items, series) in by_unit {
        let full = inputs
            .roster
            .by_name(&unit)
            .map(|u| u.full_name.clone())
            .unwrap_or(unit.clone());
        let ctx = UnitCtx {
            category: cat.to_string(),
            unit: unit.clone(),
            unit_full: full,
            items,
            series,
        };
        for text in wording.paragraphs("self-evaluation/unit.j2", &ctx)? {
            paragraphs.push(Para {
                text,
                src: Some(unit_src(&unit)),
            });
        }
    }
    Ok(CategorySection {
        number: format!("（{}）", cn_number(n + 1)),
        subheading: cat.to_string(),
        points,
        score,
        paragraphs,
    })
}

/// The category's work by unit: each unit's narratives and the series figures it reports,
/// in order of first appearance; units with neither are left out.
fn category_work(
    inputs: &Inputs,
    series: &[(&SeriesDef, SeriesCtx)],
    cat: &str,
    inds: &[&IndicatorMeta],
) -> Vec<UnitWork> {
    let mut by_unit: Vec<UnitWork> = Vec::new();
    for ind in inds {
        for (unit, text) in inputs.facts.narratives.get(&ind.id).into_iter().flatten() {
            let k = unit_entry(&mut by_unit, unit);
            by_unit[k].1.push(NarrativeCtx {
                id: ind.id,
                subcategory: ind.subcategory.clone(),
                text: text.clone(),
            });
        }
    }
    for (def, ctx) in series {
        // 总体情况 series (地区生产总值) describe the district, already in 一、基本情况.
        let overall = SectionKey::of_series(&def.section) == Some(SectionKey::Overall);
        if overall || ctx.latest.is_empty() || series_category(inputs, def) != Some(cat) {
            continue;
        }
        // A figure a unit of the category already wrote in its own words is not said
        // twice (区商务服务中心 may write the 规模以上服务业企业数量 区统计局 reports).
        let said = by_unit
            .iter()
            .flat_map(|(_, items, _)| items)
            .any(|n| states_value(&n.text, &ctx.latest, &def.unit));
        if !said {
            let k = unit_entry(&mut by_unit, &def.responsible);
            by_unit[k].2.push(ctx.clone());
        }
    }
    by_unit.retain(|(_, items, series)| !items.is_empty() || !series.is_empty());
    by_unit
}

/// 三、自评得分情况: the 43-row table with subtotals.
fn score_table(inputs: &Inputs) -> Result<Vec<TableRow>, DataError> {
    let scores = inputs.scores;
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
            subcategory_rows(inputs, &inds[i..i + run], &mut table)?;
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
    Ok(table)
}

/// The indicator rows of one 二级指标 (`run`: its indicators, in order), the first row
/// carrying the 二级指标 cell that spans them all.
fn subcategory_rows(
    inputs: &Inputs,
    run: &[&IndicatorMeta],
    table: &mut Vec<TableRow>,
) -> Result<(), DataError> {
    for (k, ind) in run.iter().enumerate() {
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
                ind.subcategory.clone()
            } else {
                String::new()
            },
            sub_span: if k == 0 { run.len() } else { 0 },
            text: ind.text.clone(),
            interpretation: ind.interpretation.clone(),
            points: num(ind.points),
            score: display(s.score),
            basis: s.basis.clone(),
            evidence: compress_numbers(&numbers),
            units: units_text(ind),
            lost: s.lost > Decimal::ZERO,
            src: s.sources.first().cloned().map(Box::new),
        });
    }
    Ok(())
}

/// 四、存在的不足及下一步打算: one entry per indicator that lost points.
fn shortfalls(inputs: &Inputs, wording: &Wording) -> Result<Vec<Shortfall>, DataError> {
    let mut shortfalls = Vec::new();
    for ind in &inputs.indicators {
        let s = score_of(inputs, ind.id)?;
        if s.lost <= Decimal::ZERO {
            continue;
        }
        let ctx = ShortfallCtx {
            id: ind.id,
            subcategory: ind.subcategory.clone(),
            category: ind.category.clone(),
            points: num(ind.points),
            score: display(s.score),
            lost: display(s.lost),
            units: units_text(ind),
            improve: s.improve.clone(),
            basis: s.basis.clone(),
        };
        shortfalls.push(Shortfall {
            id: ind.id,
            subcategory: ind.subcategory.clone(),
            points: num(ind.points),
            score: display(s.score),
            lost: display(s.lost),
            units: units_text(ind),
            text: wording.sentence("self-evaluation/shortfall.j2", &ctx)?,
            src: s.sources.first().cloned(),
        });
    }
    Ok(shortfalls)
}

/// A leading unit and the points its indicators lost (indicator, points).
type UnitLoss = (String, Vec<(u32, Decimal)>);

/// The lost points grouped by the unit that leads each indicator (its first responsible
/// unit, 各成员单位 when none is named), the units in order of first appearance.
fn lost_by_lead_unit(inputs: &Inputs) -> Result<Vec<UnitLoss>, DataError> {
    let mut by_unit: Vec<UnitLoss> = Vec::new();
    for ind in &inputs.indicators {
        let s = score_of(inputs, ind.id)?;
        if s.lost <= Decimal::ZERO {
            continue;
        }
        let lead = ind
            .responsible
            .first()
            .cloned()
            .unwrap_or_else(|| "各成员单位".into());
        match by_unit.iter_mut().find(|(u, _)| *u == lead) {
            Some((_, v)) => v.push((ind.id, s.lost)),
            None => by_unit.push((lead, vec![(ind.id, s.lost)])),
        }
    }
    Ok(by_unit)
}

/// The shortfalls again, a few lines per leading unit.
fn shortfall_units(inputs: &Inputs, wording: &Wording) -> Result<Vec<Para>, DataError> {
    let mut shortfall_units = Vec::new();
    for (unit, items) in &lost_by_lead_unit(inputs)? {
        let ctx = shortfall_unit_ctx(inputs, unit, items)?;
        for text in wording.paragraphs("self-evaluation/shortfall-unit.j2", &ctx)? {
            shortfall_units.push(Para {
                text,
                src: Some(unit_src(unit)),
            });
        }
    }
    Ok(shortfall_units)
}

/// What `unit` lacks (`items`: indicator and points lost), which units work with it, and
/// by when.
fn shortfall_unit_ctx(
    inputs: &Inputs,
    unit: &str,
    items: &[(u32, Decimal)],
) -> Result<ShortfallUnitCtx, DataError> {
    let c = inputs.campaign;
    let lost: Decimal = items.iter().map(|(_, l)| *l).sum();
    let mut partners: Vec<String> = Vec::new();
    let mut deadlines: Vec<DeadlineCtx> = Vec::new();
    let items = items
        .iter()
        .map(|(id, l)| -> Result<ShortfallItemCtx, DataError> {
            let s = score_of(inputs, *id)?;
            let ind = inputs.indicators.iter().find(|i| i.id == *id);
            for u in ind.into_iter().flat_map(|i| i.responsible.iter().skip(1)) {
                if names_a_unit(u) && u != unit && !partners.contains(u) {
                    partners.push(u.clone());
                }
            }
            let deadline = inputs
                .catalogue
                .indicator(*id)
                .map_or_else(|| c.rectify_by(), |i| rectify_date(&i.deadline, c));
            let date = zhiliang_core::config::chinese_date(deadline);
            match deadlines.iter_mut().find(|d| d.date == date) {
                Some(d) => d.ids.push(*id),
                None => deadlines.push(DeadlineCtx {
                    date: date.clone(),
                    ids: vec![*id],
                }),
            }
            Ok(ShortfallItemCtx {
                id: *id,
                subcategory: ind.map(|i| i.subcategory.clone()).unwrap_or_default(),
                lost: display(*l),
                improve: s.improve.trim().trim_end_matches(['。', '；']).to_string(),
                deadline: date,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(ShortfallUnitCtx {
        unit: unit.to_string(),
        lost: display(lost),
        items,
        partners,
        deadlines,
        shared: !names_a_unit(unit),
    })
}

/// 功效系数法的满意值与不允许值 the campaign sets, with their sources.
fn benchmarks(inputs: &Inputs) -> Vec<BenchmarkRow> {
    let c = inputs.campaign;
    inputs
        .catalogue
        .benchmark_keys()
        .into_iter()
        .filter_map(|(id, key)| {
            let b = c.benchmarks.get(&key)?;
            Some(BenchmarkRow {
                indicator: id.to_string(),
                satisfactory: num(b.satisfactory),
                unacceptable: num(b.unacceptable),
                source: b.source.clone(),
                example: b.is_example(),
                key,
            })
        })
        .collect()
}

/// The attachment 证明材料目录: one row per evidence item, with its status.
fn evidence_rows(inputs: &Inputs) -> Vec<EvidenceRow> {
    inputs
        .evidence
        .iter()
        .map(|e| EvidenceRow {
            number: e.number.clone(),
            indicator: e.indicator.to_string(),
            unit: e.unit.clone(),
            name: e.title.clone(),
            found: e.status() != EvidenceStatus::Missing,
            status: match e.status() {
                EvidenceStatus::Printed => "已编入",
                EvidenceStatus::Attached => "电子附件",
                EvidenceStatus::Missing => "缺失",
            }
            .into(),
            src: unit_src(&e.unit),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrative_states_a_value_in_the_units_own_notation_only_as_a_whole_number() {
        // 48.0% is what the series prints; a unit that wrote 48% has said it.
        assert!(states_value(
            "服务业增加值占地区生产总值的48%。",
            "48.0%",
            "%"
        ));
        assert!(states_value("占比48.0%", "48.0%", "%"));
        assert!(states_value("规模以上服务业企业156家", "156家", "家"));
        // “14家” and “0.48%” do not state 4家 or 48%.
        assert!(!states_value("新增14家", "4家", "家"));
        assert!(!states_value("占0.48%", "48.0%", "%"));
        assert!(!states_value("共156个", "156家", "家"));
        assert!(!states_value("", "156家", "家"));
    }

    #[test]
    fn shortfalls_are_due_by_the_catalogue_deadline_or_the_rectification_date() {
        let mut c = zhiliang_core::config::Campaign::parse(
            include_str!("../../../../input/campaign.toml"),
            "campaign.toml",
        )
        .unwrap();
        let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(c.dates.document_date, date(2022, 7, 20));
        assert_eq!(c.rectify_by(), date(2022, 11, 30));
        // Passed by the 成文日期, or not a date: the rectification date.
        assert_eq!(rectify_date("7月20日前", &c), date(2022, 11, 30));
        assert_eq!(rectify_date("6月底前", &c), date(2022, 11, 30));
        assert_eq!(rectify_date("根据实际情况推进", &c), date(2022, 11, 30));
        // Still ahead: the catalogue's own deadline.
        assert_eq!(rectify_date("8月15日前", &c), date(2022, 8, 15));
        assert_eq!(rectify_date("12月底前", &c), date(2022, 12, 31));
        assert_eq!(rectify_date("2月底前", &c), date(2022, 11, 30));
        c.self_evaluation.rectify_by = None;
        assert_eq!(rectify_date("7月20日前", &c), date(2022, 12, 31));
    }

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
}
