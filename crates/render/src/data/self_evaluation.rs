//! 自评报告

use rust_decimal::Decimal;
use serde::Serialize;
use zhiliang_core::score::display;

use super::*;
use crate::wording::Wording;

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
    /// 功效系数法的满意值与不允许值, each with its source.
    pub benchmarks: Vec<BenchmarkRow>,
    pub shortfall_intro: Vec<Para>,
    pub shortfalls: Vec<Shortfall>,
    /// The lost points grouped by responsible unit, a few lines per unit.
    pub shortfall_units: Vec<Para>,
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

/// Context of `self-evaluation/shortfall-unit.j2`: one responsible unit's lost points.
#[derive(Debug, Clone, Serialize)]
pub struct ShortfallUnitCtx {
    pub unit: String,
    pub lost: String,
    pub items: Vec<ShortfallItemCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShortfallItemCtx {
    pub id: u32,
    pub subcategory: String,
    pub lost: String,
    pub improve: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub number: String,
    pub indicator: String,
    pub unit: String,
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
        "population": population(inputs.facts),
        "gdp": gdp_years(inputs).last().map(|(y, v)| serde_json::json!({"year": y, "value": num(*v)})),
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
                    src: Some(unit_src(unit)),
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
                    src: s.sources.first().cloned().map(Box::new),
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
            src: s.sources.first().cloned(),
        });
    }
    // The same lost points, grouped by the unit that leads each indicator.
    let mut by_unit: Vec<(String, Vec<(u32, Decimal)>)> = Vec::new();
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
    let mut shortfall_units = Vec::new();
    for (unit, items) in &by_unit {
        let lost: Decimal = items.iter().map(|(_, l)| *l).sum();
        let ctx = ShortfallUnitCtx {
            unit: unit.clone(),
            lost: display(lost),
            items: items
                .iter()
                .map(|(id, l)| -> Result<ShortfallItemCtx, DataError> {
                    let s = score_of(inputs, *id)?;
                    let ind = inputs.indicators.iter().find(|i| i.id == *id);
                    Ok(ShortfallItemCtx {
                        id: *id,
                        subcategory: ind.map(|i| i.subcategory.clone()).unwrap_or_default(),
                        lost: display(*l),
                        improve: s.improve.trim().trim_end_matches(['。', '；']).to_string(),
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        for text in wording.paragraphs("self-evaluation/shortfall-unit.j2", &ctx)? {
            shortfall_units.push(Para {
                text,
                src: Some(unit_src(unit)),
            });
        }
    }
    let benchmarks: Vec<BenchmarkRow> = inputs
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
        .collect();
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
            src: unit_src(&e.unit),
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
        benchmarks,
        shortfall_intro,
        shortfalls,
        shortfall_units,
        next_steps,
        evidence_missing: evidence.len() - evidence_found,
        evidence_found,
        evidence,
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
}
