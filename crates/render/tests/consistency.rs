//! One figure, one source; official scores; wording (documents.md): assertions on the
//! text of the three rendered PDFs of the example campaign.

mod common;

use common::*;
use rust_decimal::Decimal;
use zhiliang_render::{DocKind, RenderedDocument};

fn render(kind: DocKind) -> RenderedDocument {
    renderer()
        .render(kind, example_set().get(kind), &options())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{c}')
        .collect()
}

/// A decimal number at the start of `s` (digits with at most one point).
fn leading_number(s: &str) -> Option<Decimal> {
    let n: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    n.trim_end_matches('.').parse().ok()
}

/// Every number printed right after `label` (optionally after 为).
fn values_after(text: &str, label: &str) -> Vec<Decimal> {
    text.match_indices(label)
        .filter_map(|(i, _)| {
            let rest = &text[i + label.len()..];
            let rest = rest.strip_prefix('为').unwrap_or(rest);
            leading_number(rest)
        })
        .collect()
}

/// The report-year value of a series, resolved the way scoring reads its facts.
fn series_value(key: &str) -> Decimal {
    let def = catalogue()
        .series
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("series {key}"));
    let r = zhiliang_core::series::resolve(
        catalogue(),
        def,
        &example().facts,
        campaign().dates.evaluation_year,
    );
    *r.values
        .get(&(campaign().dates.evaluation_year - 1))
        .unwrap_or_else(|| panic!("{key} has no report-year value"))
}

#[test]
fn every_figure_printed_in_several_documents_has_one_value() {
    // Running text is read from the pages. The 自评报告's score table is read from the data
    // it is drawn from: text extraction reads a landscape table line by line across its
    // columns, so a label and its figure from one cell do not come out side by side.
    let texts: Vec<(DocKind, String)> = DocKind::ALL
        .iter()
        .map(|k| {
            let doc = render(*k);
            let text = if *k == DocKind::SelfEvaluation {
                let prose: Vec<&str> = doc
                    .page_texts()
                    .into_iter()
                    .filter(|page| !squeeze(page).contains("得分依据"))
                    .collect();
                format!("{}\n{}", prose.join("\n"), example_set().get(*k))
            } else {
                doc.text().to_string()
            };
            (*k, squeeze(&text))
        })
        .collect();
    // (series, the labels under which the documents print it)
    let quantities: [(&str, &[&str]); 8] = [
        (
            "service_share",
            &["服务业增加值占地区生产总值比重", "服务业增加值占GDP比重"],
        ),
        ("prefab_bases", &["装配式建筑产业基地数量"]),
        (
            "certificates",
            &["自愿性认证有效证书数量", "上年度自愿性认证证书数量"],
        ),
        ("patents_per_10k", &["每万人口有效发明专利拥有量"]),
        (
            "hightech_share",
            &[
                "规上高新技术产业产值占规上工业总产值比重",
                "规上高新技术产业产值占比",
            ],
        ),
        ("service_enterprises", &["规模以上服务业企业数量"]),
        ("service_revenue", &["规模以上服务业企业营业收入"]),
        ("good_air_ratio", &["空气质量优良天数比例"]),
    ];
    for (key, labels) in quantities {
        let expected = series_value(key);
        let mut printed_in = Vec::new();
        for (kind, text) in &texts {
            let found: Vec<Decimal> = labels.iter().flat_map(|l| values_after(text, l)).collect();
            for v in &found {
                assert_eq!(
                    v.normalize(),
                    expected.normalize(),
                    "{key}: {} prints {v}, the facts give {expected}",
                    kind.label()
                );
            }
            if !found.is_empty() {
                printed_in.push(kind.label());
            }
        }
        assert!(
            printed_in.len() >= 2,
            "{key} should be printed in at least two documents, found in {printed_in:?}"
        );
    }
    // The PM2.5 of both years is the scoring facts' (40 in 2021, 50 in 2020).
    let annual = &texts
        .iter()
        .find(|(k, _)| *k == DocKind::AnnualReport)
        .unwrap()
        .1;
    assert!(
        annual.contains("2021年PM2.5年均浓度为40微克/立方米"),
        "PM2.5 2021"
    );
    let env = example_set().annual_report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["heading"] == "环境质量")
        .unwrap();
    let pm25 = env["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "pm25")
        .unwrap();
    assert_eq!(
        pm25["values"],
        serde_json::json!(["63", "58", "55", "50", "40"])
    );
}

#[test]
fn the_annual_report_analyses_and_reads_as_published_text() {
    let text = squeeze(render(DocKind::AnnualReport).text());
    for bad in [
        "报错",
        "未提供",
        "字段",
        "null",
        "true",
        "达到“达到",
        "达到'达到",
        "失分",
    ] {
        assert!(!text.contains(bad), "annual report contains {bad}");
    }
    // Change on the previous year, with direction and size, and target met or not.
    assert!(text.contains("2021年服务业增加值占地区生产总值比重为48.0%，比上年上升0.9个百分点"));
    assert!(text.contains("实现了“稳步提升”的目标"));
    // The causes and measures the units reported.
    assert!(text.contains("现代物流、文化旅游和科技服务业较快增长"));
    // 存在问题 are quality problems: the unmet target and the worsening series.
    let problems = text.split("八、存在问题").nth(1).unwrap();
    let problems = problems.split("九、").next().unwrap();
    assert!(problems.contains(
        "生活性服务业顾客满意度仍未达到目标要求。该项指标由2020年的80.2%降至2021年的79.6%，低于目标值0.4个百分点。"
    ));
    assert!(
        problems
            .contains("国省控断面水质优良比例不升反降。该项指标由2020年的88.9%降至2021年的77.8%。")
    );
    assert!(!problems.contains("自评"));
    // 对策建议 derive from the problems and the units' measures.
    let advice = text.split("九、发展前景与对策建议").nth(1).unwrap();
    assert!(advice.contains("区市场监管局将开展餐饮、住宿、家政等生活性服务业质量提升行动"));
    // Percentages print with one decimal, except targets quoted from the seed and the
    // charts' axis ranges.
    let mut stripped = text.clone();
    for s in &catalogue().series {
        if let Some(t) = &s.target {
            let t = match t {
                zhiliang_core::config::Target::AtLeast { text, .. }
                | zhiliang_core::config::Target::Rising { text }
                | zhiliang_core::config::Target::Falling { text } => text.clone(),
            };
            stripped = stripped.replace(&t, "");
        }
    }
    let chars: Vec<char> = stripped.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != '%' || i == 0 || !chars[i - 1].is_ascii_digit() {
            continue;
        }
        let mut j = i;
        while j > 0 && (chars[j - 1].is_ascii_digit() || chars[j - 1] == '.') {
            j -= 1;
        }
        let number: String = chars[j..i].iter().collect();
        let before: String = chars[j.saturating_sub(3)..j].iter().collect();
        if before.contains('至') || chars.get(i + 1) == Some(&'以') {
            continue; // 纵轴 96 至 100%; a target quoted from the seed (97%以上)
        }
        assert!(
            number.contains('.'),
            "percentage {number}% without a decimal: …{}…",
            chars[j.saturating_sub(12)..(i + 1).min(chars.len())]
                .iter()
                .collect::<String>()
        );
    }
}

#[test]
fn the_self_evaluation_has_no_log_lines_and_prints_benchmark_sources() {
    let text = squeeze(render(DocKind::SelfEvaluation).text());
    for bad in ["报错", "未提供", "：未提供", "null", "true", "达到“达到"] {
        assert!(!text.contains(bad), "自评报告 contains {bad}");
    }
    assert!(text.contains("诚信计量示范单位数量为86家，未达100家"));
    // Lost points grouped by responsible unit.
    let shortfalls = text.split("（一）存在的不足").nth(1).unwrap();
    let shortfalls = shortfalls.split("（二）下一步打算").next().unwrap();
    assert!(shortfalls.contains("区市场监管局（失分"));
    assert!(shortfalls.contains("区统计局（失分"));
    assert!(
        shortfalls.chars().count() < 2500,
        "不足 is {} characters",
        shortfalls.chars().count()
    );
    // Every benchmark with its source.
    for (_, key) in catalogue().benchmark_keys() {
        let b = &campaign().benchmarks[&key];
        assert!(text.contains(&squeeze(&b.source)), "source of {key}");
    }
}

#[test]
fn the_composed_summary_gives_figures_within_1000_characters() {
    assert!(campaign().application.summary.is_empty());
    let set = example_set();
    let summary = set.application["summary"]["text"].as_str().unwrap();
    let n = summary.chars().filter(|c| !c.is_whitespace()).count();
    assert!(n <= 1000, "{n} characters");
    assert!(n > 400, "only {n} characters");
    assert!(
        summary.contains("服务业增加值占地区生产总值比重48.0%"),
        "{summary}"
    );
    assert!(
        summary.contains("每万人口有效发明专利拥有量20件"),
        "{summary}"
    );
    let text = squeeze(render(DocKind::Application).text());
    assert!(text.contains("自愿性认证有效证书数量1840张"));
}

/// The 43 printed scores add up to the printed subtotals and total.
#[test]
fn printed_scores_add_up_to_the_printed_total() {
    let sheet = &example().scores;
    let set = example_set();
    let table = set.self_evaluation["table"].as_array().unwrap();
    let dec = |v: &serde_json::Value| v.as_str().unwrap().parse::<Decimal>().unwrap();
    let mut sum = Decimal::ZERO;
    let mut sub = Decimal::ZERO;
    let mut cat = Decimal::ZERO;
    let mut rows = 0;
    for row in table {
        match row["kind"].as_str().unwrap() {
            "indicator" => {
                let s = dec(&row["score"]);
                sum += s;
                sub += s;
                cat += s;
                rows += 1;
            }
            "subtotal" => {
                assert_eq!(dec(&row["score"]), sub, "{}", row["label"]);
                sub = Decimal::ZERO;
            }
            "category-total" => {
                assert_eq!(dec(&row["score"]), cat, "{}", row["label"]);
                cat = Decimal::ZERO;
            }
            "total" => assert_eq!(dec(&row["score"]), sum, "总计"),
            _ => {}
        }
    }
    assert_eq!(rows, 43);
    // And the PDF text prints the same total the score sheet has.
    let text = squeeze(render(DocKind::SelfEvaluation).text());
    assert!(text.contains(&format!("{}分", zhiliang_core::score::display(sheet.total))));
}

/// 二、创建工作开展情况 of the 自评报告: each category section opens with its figures, then
/// each unit's work in its own words, completed by the series figures (the same values
/// the annual report prints, with their units and one decimal for percentages) that no
/// unit of the category already wrote.
#[test]
fn the_work_section_is_composed_from_the_units_narratives_and_figures() {
    let se = render(DocKind::SelfEvaluation);
    let text = squeeze(se.text());
    let work = text
        .split("二、创建工作开展情况")
        .nth(1)
        .unwrap()
        .split("三、自评得分情况")
        .next()
        .unwrap();
    for bad in ["未提供", "字段", "null", "true", "报送工作开展情况"] {
        assert!(!work.contains(bad), "二、 contains {bad}");
    }
    // Category openings from the score sheet.
    let sheet = &example().scores;
    let outcomes = sheet
        .categories
        .iter()
        .find(|c| c.name == "质量发展成效")
        .unwrap();
    assert!(work.contains(&format!(
        "本类共16项指标，满分{}分，自评得分{}分",
        outcomes.points.normalize(),
        zhiliang_core::score::display(outcomes.score)
    )));
    // A series no unit wrote about: its report-year value, with one decimal and the change.
    let agri = series_value("agri_pass_rate");
    assert_eq!(agri.to_string(), "98.9");
    assert!(
        work.contains("2021年主要农产品质量安全抽检合格率为98.9%，比上年上升0.2个百分点，实现了“保持在97%以上”的目标。"),
        "{work}"
    );
    // 生活性服务业顾客满意度 79.6% misses its target and says so.
    assert!(work.contains(
        "2021年生活性服务业顾客满意度为79.6%，比上年下降0.6个百分点，尚未实现“达到80%以上”的目标。"
    ));
    // 区商务服务中心 wrote “156家” itself: 区统计局's series is not added a second time.
    assert_eq!(series_value("service_enterprises").to_string(), "156");
    assert_eq!(work.matches("156家").count(), 1, "{work}");
    // 地区生产总值 belongs to 一、基本情况, not to the units' work.
    assert!(!work.contains("地区生产总值为"));
}

/// The annual report's sections carry a typed key; the template picks the section that
/// prints the 主要目标 table by that key, not by its number or heading.
#[test]
fn annual_report_sections_are_keyed_and_the_targets_table_sits_in_the_overall_section() {
    let set = example_set();
    let keys: Vec<&str> = set.annual_report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "overall",
            "products",
            "construction",
            "services",
            "environment",
            "foundations",
            "innovation",
            "problems",
            "outlook"
        ]
    );
    let text = squeeze(render(DocKind::AnnualReport).text());
    let overall = text
        .split("一、总体情况")
        .nth(1)
        .unwrap()
        .split("二、产品质量")
        .next()
        .unwrap();
    // The targets table: its header and a row of another section's target.
    assert!(overall.contains("主要目标"), "{overall}");
    assert!(overall.contains("生活性服务业顾客满意度"), "{overall}");
}

/// Words about the program, its forms and checks. The 计分口径 printed under each
/// indicator is the district's own reading of the rule; how the program reads the forms
/// stays in the catalogue's comments.
const SYSTEM_WORDS: [&str; 16] = [
    "创建配置",
    "配置",
    "校验",
    "填报",
    "填写",
    "单元格",
    "留空",
    "系统",
    "程序",
    "报错",
    "字段",
    "记录",
    "已提供",
    "数据",
    "工作表",
    "表格",
];

/// Domain words that contain a system word (智慧工地的信息化管理系统).
fn without_domain_words(s: &str) -> String {
    s.replace("信息化管理系统", "")
}

#[test]
fn interpretations_speak_in_the_districts_voice() {
    for ind in &catalogue().indicators {
        let text = without_domain_words(&ind.interpretation);
        for w in SYSTEM_WORDS {
            assert!(
                !text.contains(w),
                "指标{}的计分口径含“{w}”：{}",
                ind.id,
                ind.interpretation
            );
        }
    }
    // What the template prints is the catalogue's text and nothing else.
    let set = example_set();
    let printed: Vec<&str> = set.self_evaluation["table"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["interpretation"].as_str())
        .collect();
    assert_eq!(printed.len(), 43);
    for p in printed {
        let p = without_domain_words(p);
        assert!(SYSTEM_WORDS.iter().all(|w| !p.contains(w)), "{p}");
    }
    // Nor does the printed report say any of them anywhere.
    let text = squeeze(render(DocKind::SelfEvaluation).text());
    for w in [
        "创建配置",
        "校验",
        "填报",
        "填写",
        "单元格",
        "留空",
        "程序",
        "报错",
        "字段",
    ] {
        assert!(!text.contains(w), "自评报告 contains {w}");
    }
}

/// 《济南市章丘区创建山东省质量强区实施方案》“二、（二）主要目标”, verbatim.
const PLAN_TARGETS: &str = "产品质量：主要农产品质量安全抽检合格率保持在97%以上；工业产品质量监督抽查合格率达到95%以上；食品抽检合格率达97%以上，重点食品质量安全状况保持稳定良好。
工程质量：新开工建筑绿色节能设计标准执行率达到100%；获得装配式建筑产业基地的数量稳步提高；智慧工地建设方面有与工程质量安全监督管理工作相适应的信息化管理系统，在监工程项目上线率达100%；人民群众对工程质量满意度明显提高，建设工程质量投诉率显著下降。
服务质量：服务业增加值占GDP比重稳步提升；规模以上服务业企业数量及其营业收入稳步增加；基本实现服务标准化、规范化和品牌化，服务质量稳步提升，生产性服务业和生活性服务业顾客满意度均达到80%以上。
环境质量：推动绿色发展，规模以上工业单位增加值能耗不断降低；强化污染防治，优良天数比例进一步提升，空气环境质量不断改善；水环境质量持续改善，水生态建设得到加强；抓好农业面污染防治，土壤和固体废物污染防治监管水平进一步增强。";

/// The plan's targets that data can measure: the series that measures each, and the
/// plan's words for the target. (重点食品质量安全状况保持稳定良好、服务标准化规范化品牌化、
/// 水生态建设、土壤和固体废物污染防治 state no measurable level and have no series.)
const MEASURED_TARGETS: [(&str, &str); 17] = [
    ("主要农产品质量安全抽检合格率", "保持在97%以上"),
    ("工业产品质量监督抽查合格率", "达到95%以上"),
    ("食品抽检合格率", "达97%以上"),
    ("新开工建筑绿色节能设计标准执行率", "达到100%"),
    ("在监工程项目智慧工地上线率", "达100%"),
    ("装配式建筑产业基地数量", "稳步提高"),
    ("建设工程质量投诉率", "显著下降"),
    ("人民群众对工程质量满意度", "明显提高"),
    ("服务业增加值占地区生产总值比重", "稳步提升"),
    ("规模以上服务业企业数量", "稳步增加"),
    ("规模以上服务业企业营业收入", "稳步增加"),
    ("生产性服务业顾客满意度", "达到80%以上"),
    ("生活性服务业顾客满意度", "达到80%以上"),
    ("规模以上工业单位增加值能耗", "不断降低"),
    ("空气质量优良天数比例", "进一步提升"),
    ("PM2.5年均浓度", "空气环境质量不断改善"),
    ("国省控断面水质优良比例", "水环境质量持续改善"),
];

/// The annual report tracks the plan's 主要目标 as the plan states them: no target the
/// plan does not state (A类强制检定项目覆盖率 is data only), 投诉率 stays a rate.
#[test]
fn the_annual_reports_targets_are_the_plans_stated_targets() {
    let set = example_set();
    let targets: Vec<(String, String)> = set.annual_report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["label"].as_str().unwrap().to_string(),
                t["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = MEASURED_TARGETS
        .iter()
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .collect();
    assert_eq!(targets, expected);
    for (_, t) in MEASURED_TARGETS {
        assert!(PLAN_TARGETS.contains(t), "the plan does not state “{t}”");
    }
    assert_eq!(set.annual_report["targets_total"], 17);
    let verification = catalogue()
        .series
        .iter()
        .find(|s| s.key == "compulsory_verification_rate")
        .unwrap();
    assert!(verification.target.is_none());
    let complaints = catalogue()
        .series
        .iter()
        .find(|s| s.label == "建设工程质量投诉率")
        .unwrap();
    assert_eq!(complaints.unit, "%");
}

/// The 申请表 says what the annual report finds: one computation for both.
#[test]
fn the_application_repeats_the_annual_reports_target_finding() {
    let set = example_set();
    let targets = set.annual_report["targets"].as_array().unwrap();
    let total = targets.len();
    let met = targets.iter().filter(|t| t["met"] == true).count();
    assert_eq!(set.annual_report["targets_met"], met);
    let finding = format!("可量化的{total}项目标中，{met}项已经实现");
    let overall = set.annual_report["sections"][0]["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect::<String>();
    assert!(overall.contains(&finding), "{overall}");
    let summary = set.application["summary"]["text"].as_str().unwrap();
    assert!(summary.contains(&finding), "{summary}");
    assert!(squeeze(render(DocKind::Application).text()).contains(&finding));
}

/// 八、存在问题 and 九、发展前景与对策建议 say nothing the sections before them said; the
/// causes they give add to the findings (no restated figures).
#[test]
fn problems_and_outlook_add_to_the_findings_without_repeating_them() {
    let set = example_set();
    let sections = set.annual_report["sections"].as_array().unwrap();
    let sentences = |keys: &[&str]| -> Vec<String> {
        sections
            .iter()
            .filter(|s| keys.contains(&s["key"].as_str().unwrap()))
            .flat_map(|s| s["paragraphs"].as_array().unwrap().iter())
            .flat_map(|p| {
                p["text"]
                    .as_str()
                    .unwrap()
                    .split_inclusive('。')
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let earlier = sentences(&[
        "overall",
        "products",
        "construction",
        "services",
        "environment",
        "foundations",
        "innovation",
    ]);
    let problems = sentences(&["problems"]);
    let outlook = sentences(&["outlook"]);
    assert!(problems.len() > 3 && outlook.len() > 3);
    for s in problems.iter().chain(&outlook) {
        assert!(!earlier.contains(s), "repeated from the sections: {s}");
    }
    for s in &outlook {
        assert!(!problems.contains(s), "九 repeats 八: {s}");
    }
    // Each problem's cause is in 八 and not before it; its measures only in 九.
    let unmet = "受疫情影响，餐饮、住宿等行业经营困难，服务投诉有所增加。";
    assert!(problems.iter().any(|s| s.contains(unmet)));
    assert!(earlier.iter().all(|s| !s.contains(unmet)));
    let measures = "开展餐饮、住宿、家政等生活性服务业质量提升行动";
    assert!(outlook.iter().any(|s| s.contains(measures)));
    assert!(
        earlier
            .iter()
            .chain(&problems)
            .all(|s| !s.contains(measures))
    );
    // A cause never restates the finding's figures.
    let year = campaign().annual_report.year.unwrap();
    for def in &catalogue().series {
        let r = zhiliang_core::series::resolve(
            catalogue(),
            def,
            &example().facts,
            campaign().dates.evaluation_year,
        );
        let causes: String = r.causes.iter().map(|(_, t)| t.as_str()).collect();
        let (Some(now), Some(before)) = (r.values.get(&year), r.values.get(&(year - 1))) else {
            continue;
        };
        let diff = (*now - *before).abs().normalize();
        let mut figures = vec![
            format!("{}{}", now.normalize(), def.unit),
            format!("{diff}{}", def.unit),
        ];
        if !before.is_zero() && def.unit != "%" {
            let rel = (diff / before.abs() * Decimal::ONE_HUNDRED).round_dp(1);
            figures.push(format!("{rel:.1}%"));
        }
        for f in figures {
            assert!(
                !causes.contains(&f),
                "the cause of {} restates {f}: {causes}",
                def.label
            );
        }
    }
}

/// 存在的不足: per leading unit, what is lacking for each indicator, who acts and by
/// when, in the district's words; 下一步打算 promises missing evidence only when some is
/// missing.
#[test]
fn shortfalls_say_what_is_lacking_who_acts_and_by_when() {
    let ex = example();
    let complete: Vec<_> = ex
        .evidence
        .iter()
        .cloned()
        .map(|mut e| {
            e.found = true;
            e
        })
        .collect();
    let set = build(&ex.facts, &ex.scores, &complete);
    let text = |v: &serde_json::Value| -> String {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p["text"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let units = text(&set.self_evaluation["shortfall_units"]);
    for bad in ["需至少", "0项", "可得", "补齐", "目前", "（目前"] {
        assert!(!units.contains(bad), "不足 contains {bad}:\n{units}");
    }
    let lost: Vec<_> = ex
        .scores
        .indicators
        .iter()
        .filter(|s| !s.lost.is_zero())
        .collect();
    for s in &lost {
        assert!(
            units.contains(&format!("指标{}（", s.id)),
            "指标{} lost points but is not listed",
            s.id
        );
    }
    for para in units.lines() {
        let unit = para.split('（').next().unwrap();
        assert!(
            para.contains(&format!("以上由{unit}")),
            "who acts is missing: {para}"
        );
        assert!(
            para.contains("2022年11月30日前"),
            "by when is missing: {para}"
        );
    }
    assert!(units.contains("指标16（计量）失分1分，尚无省级以上产业计量测试中心。"));
    assert!(
        units.contains("指标27（质量管理）失分0.5分，尚无2020年度有发布途径的质量状况分析报告。")
    );
    assert!(units.contains("以上由区市场监管局牵头、区住建局、区农业农村局、区文旅局配合，于2022年11月30日前落实整改措施。"));
    let next = text(&set.self_evaluation["next_steps"]);
    assert!(!next.contains("证明材料"), "{next}");
    // A draft with missing evidence says how many items the units still owe.
    let missing = ex.evidence.iter().filter(|e| !e.found).count();
    assert!(missing > 0);
    let next = text(&example_set().self_evaluation["next_steps"]);
    assert!(
        next.contains(&format!("补齐尚缺的{missing}项证明材料")),
        "{next}"
    );
}
