//! Merging the units' submissions (scoring.md, "Merging").

mod common;

use common::*;
use zhiliang_core::diagnostics::{Code, Severity};
use zhiliang_core::facts::{Record, ScalarFact, Source, Submission, Value};
use zhiliang_core::merge::merge;
use zhiliang_core::score;

fn submission(unit: &str, file: &str) -> Submission {
    Submission {
        unit: unit.into(),
        file: file.into(),
        ..Default::default()
    }
}

fn cell(unit: &str, file: &str, sheet: &str, cell: &str) -> Source {
    Source {
        unit: unit.into(),
        file: file.into(),
        sheet: sheet.into(),
        cell: Some(cell.into()),
    }
}

fn scalar(s: &mut Submission, key: &str, value: Value, at: &str) {
    let source = cell(&s.unit, &s.file, "标量数据", at);
    s.scalars.push(ScalarFact {
        key: key.into(),
        value,
        evidence: Some(format!("{key}.pdf")),
        note: None,
        source,
    });
}

fn record(s: &mut Submission, list: &str, fields: &[(&str, Value)], at: &str) {
    let source = cell(&s.unit, &s.file, list, at);
    s.records.push(Record {
        list: list.into(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        evidence: Some(format!("{list}-{at}.pdf")),
        source,
    });
}

#[test]
fn two_different_values_of_a_single_fact_conflict_and_neither_is_used() {
    let mut stats = submission("区统计局", "tongji.xlsx");
    scalar(&mut stats, "gdp", n("1217.8"), "D20");
    scalar(&mut stats, "service_value_added", n("584.544"), "D21");
    let mut industry = submission("区工信局", "gongxin.xlsx");
    scalar(&mut industry, "gdp", n("1200"), "D9");
    let (facts, diags) = merge(catalogue(), roster(), &[industry, stats]);

    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(
        (d.code, d.severity),
        (Code::ConflictingValues, Severity::Error)
    );
    // Both cells are named; the roster puts 区工信局 before 区统计局.
    assert!(
        d.message
            .contains("区工信局填报为1200（区工信局 gongxin.xlsx › 标量数据 › D9）"),
        "{}",
        d.message
    );
    assert!(
        d.message
            .contains("区统计局填报为1217.8（区统计局 tongji.xlsx › 标量数据 › D20）"),
        "{}",
        d.message
    );
    assert!(d.message.contains("按未填报计分"), "{}", d.message);
    assert_eq!(d.location.fact.as_deref(), Some("gdp"));
    assert!(facts.value("gdp").is_none());

    // The indicator scores on missing data and says so.
    let (sheet, _) = score::score(catalogue(), &facts, &campaign());
    let i35 = &sheet.indicators[34];
    assert_eq!(i35.score, dec("0"));
    assert!(
        i35.basis
            .contains("上年度地区生产总值因区工信局、区统计局填报不一致暂不采用"),
        "{}",
        i35.basis
    );
    assert_eq!(facts.conflicts["gdp"].len(), 2);
}

#[test]
fn equal_values_from_two_units_agree_and_keep_both_sources() {
    let mut stats = submission("区统计局", "tongji.xlsx");
    scalar(&mut stats, "gdp", n("1217.8"), "D20");
    let mut industry = submission("区工信局", "gongxin.xlsx");
    scalar(&mut industry, "gdp", n("1217.80"), "D9");
    let (facts, diags) = merge(catalogue(), roster(), &[stats, industry]);
    assert!(diags.is_empty(), "{diags:#?}");
    let gdp = &facts.scalars["gdp"];
    assert_eq!(gdp.value, n("1217.8"));
    assert_eq!(gdp.sources.len(), 2);
}

#[test]
fn per_unit_counts_are_summed() {
    let mut subs = Vec::new();
    for (unit, found, handled) in [
        ("区市场监管局", "120", "117"),
        ("区住建局", "36", "35"),
        ("区应急局", "44", "43"),
    ] {
        let mut s = submission(unit, "x.xlsx");
        scalar(&mut s, "violations_found", n(found), "D30");
        scalar(&mut s, "violations_handled", n(handled), "D31");
        subs.push(s);
    }
    let (facts, diags) = merge(catalogue(), roster(), &subs);
    assert!(diags.is_empty());
    assert_eq!(facts.value("violations_found"), Some(&n("200")));
    assert_eq!(facts.value("violations_handled"), Some(&n("195")));
    assert_eq!(facts.scalars["violations_found"].sources.len(), 3);
    // 195/200 = 97.5% → t 0.75 → d 90 → 1.8.
    let (sheet, _) = score::score(catalogue(), &facts, &campaign());
    assert_eq!(sheet.indicators[25].score, dec("1.8"));
}

fn honour(s: &mut Submission, at: &str) {
    record(
        s,
        "quality_honors",
        &[
            ("honor_name", t("山东省质量标杆")),
            ("level", t("省级")),
            ("recipient", t("甲企业")),
            ("matter", t("精益管理")),
            ("date", d("2021-09-26")),
        ],
        at,
    );
}

#[test]
fn exact_duplicate_records_are_dropped_with_a_warning_naming_both_sources() {
    let mut market = submission("区市场监管局", "shichangjianguan.xlsx");
    honour(&mut market, "A5");
    let mut industry = submission("区工信局", "gongxin.xlsx");
    honour(&mut industry, "A7");
    let (facts, diags) = merge(catalogue(), roster(), &[industry, market]);
    assert_eq!(facts.list("quality_honors").len(), 1);
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(
        (d.code, d.severity),
        (Code::DuplicateRecord, Severity::Warning)
    );
    assert_eq!(d.location.unit.as_deref(), Some("区工信局"));
    assert_eq!(
        d.location.cell.as_ref().map(ToString::to_string).as_deref(),
        Some("A7")
    );
    assert!(
        d.message
            .contains("区市场监管局 shichangjianguan.xlsx › quality_honors › A5"),
        "{}",
        d.message
    );
    let (sheet, _) = score::score(catalogue(), &facts, &campaign());
    assert_eq!(sheet.indicators[42].score, dec("2"));
}

#[test]
fn lists_from_several_departments_are_concatenated() {
    let fields = [
        "质量发展",
        "质量监督",
        "标准",
        "计量",
        "检验检测",
        "认证认可",
        "品牌",
        "信用",
        "商标专利",
    ];
    let mut subs = Vec::new();
    for (i, unit) in ["区市场监管局", "区住建局", "区工信局"].iter().enumerate() {
        let mut s = submission(unit, "x.xlsx");
        for field in &fields[i * 3..i * 3 + 3] {
            record(
                &mut s,
                "funding",
                &[
                    ("field", t(field)),
                    ("year", n("2022")),
                    ("amount", n("10")),
                    ("department", t(unit)),
                ],
                "A4",
            );
        }
        s.narratives.insert(9, format!("{unit}安排了经费。"));
        subs.push(s);
    }
    subs.reverse();
    let (facts, diags) = merge(catalogue(), roster(), &subs);
    assert!(diags.is_empty());
    assert_eq!(facts.list("funding").len(), 9);
    let (sheet, _) = score::score(catalogue(), &facts, &campaign());
    assert_eq!(sheet.indicators[8].score, dec("3"));
    // Narratives per indicator, in roster order.
    let units: Vec<&str> = facts.narratives[&9]
        .iter()
        .map(|(u, _)| u.as_str())
        .collect();
    assert_eq!(units, ["区市场监管局", "区工信局", "区住建局"]);
}

#[test]
fn a_unit_submitting_twice_gives_duplicates_not_conflicts() {
    let text = std::fs::read_to_string(repo("examples/zhangqiu/facts.json")).unwrap();
    let file: zhiliang_core::facts::FactsFile = serde_json::from_str(&text).unwrap();
    let mut subs = file.submissions;
    let again = subs.iter().find(|s| s.unit == "区住建局").unwrap().clone();
    let records = again.records.len();
    subs.push(again);
    let (facts, diags) = merge(catalogue(), roster(), &subs);
    assert_eq!(diags.len(), records, "{diags:#?}");
    assert!(diags.iter().all(|d| d.code == Code::DuplicateRecord));
    // Per-unit counts are summed, so the second copy doubles 区住建局's part (36 + 36).
    assert_eq!(facts.value("violations_found"), Some(&n("286")));
    // Single-valued facts agree with themselves.
    assert_eq!(facts.value("prefab_industry_bases"), Some(&n("3")));
}
