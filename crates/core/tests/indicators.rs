//! Hand-computed scores for each of the 43 indicators: full marks, partial, zero, and the
//! edge cases of each rule. Reference date 2022-07-20, evaluation year 2022, so
//! 近一年 = (2021-07-20, 2022-07-20] and 近三年 = (2019-07-20, 2022-07-20].

mod common;

use common::*;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::diagnostics::{Code, Severity};
use zhiliang_core::score;

// ---------- 1–5 质量发展理念 ----------

#[test]
fn i01_slogan_in_a_party_or_government_document() {
    let full = Case::new()
        .text("slogan", "品立章丘，质载未来")
        .text("slogan_document", "章政发〔2022〕11号");
    assert_score(1, &full, "2");
    // A slogan that no document carries earns nothing: both conditions are required.
    let slogan_only = Case::new().text("slogan", "品立章丘，质载未来");
    let s = assert_score(1, &slogan_only, "0");
    assert!(
        s.basis.contains("尚无体现质量口号的党委政府文件"),
        "{}",
        s.basis
    );
    assert_score(1, &Case::new(), "0");
    // A blank document is not a document.
    assert_score(1, &slogan_only.text("slogan_document", "  "), "0");
}

#[test]
fn i02_quality_development_model() {
    let full = Case::new()
        .text("quality_model_name", "章丘智造")
        .text("quality_model_summary", "标准引领");
    assert_score(2, &full, "2");
    assert_score(2, &Case::new().text("quality_model_name", "章丘智造"), "0");
    assert_score(2, &Case::new(), "0");
}

fn activity(c: Case, typ: &str, date: &str) -> Case {
    c.rec(
        "culture_activities",
        &[
            ("name", t(&format!("{typ}活动"))),
            ("type", t(typ)),
            ("date", d(date)),
        ],
    )
}
fn publicity(c: Case, channel: &str, date: &str) -> Case {
    c.rec(
        "publicity",
        &[
            ("channel", t(channel)),
            ("content", t("质量宣传")),
            ("date", d(date)),
        ],
    )
}

#[test]
fn i03_culture_activities_and_publicity_in_the_last_year() {
    let full = publicity(
        publicity(
            activity(Case::new(), "质量月", "2021-09-08"),
            "网络",
            "2022-05-10",
        ),
        "显示屏",
        "2022-03-15",
    );
    assert_score(3, &full, "2");
    // Two publicity records through the same channel are one 途径, not "多种途径".
    let one_channel = publicity(
        publicity(
            activity(Case::new(), "3·15", "2022-03-15"),
            "网络",
            "2022-05-10",
        ),
        "网络",
        "2022-06-10",
    );
    assert_score(3, &one_channel, "1");
    assert_score(3, &Case::new(), "0");
}

#[test]
fn i03_window_edges_of_the_last_year() {
    // One day before the window start (2021-07-20) is outside; the next day is inside.
    let outside = activity(Case::new(), "质量月", "2021-07-20");
    let (s, diags) = score_with(3, &outside, &campaign());
    assert_eq!(s.score, dec("0"));
    let warning = diags
        .iter()
        .find(|d| d.code == Code::OutsideWindow)
        .expect("outside-window warning");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(
        warning.message.contains("不在近一年统计期内，不计分"),
        "{}",
        warning.message
    );
    assert_eq!(
        warning.location.sheet.as_deref(),
        Some("culture_activities")
    );
    assert_eq!(
        warning
            .location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("A4")
    );
    assert_eq!(warning.location.indicator, Some(3));
    assert_score(3, &activity(Case::new(), "质量月", "2021-07-21"), "1");
    // After the reference date is outside too.
    assert_score(3, &activity(Case::new(), "质量月", "2022-07-21"), "0");
}

fn honour_or_report(c: Case, typ: &str, level: &str, date: &str, ad: bool) -> Case {
    let name = format!("{typ}{level}{date}{ad}");
    c.rec(
        "honors_and_reports",
        &[
            ("type", t(typ)),
            ("level", t(level)),
            ("name", t(&name)),
            ("issuer", t("机关")),
            ("date", d(date)),
            ("is_ad", b(ad)),
        ],
    )
}

#[test]
fn i04_honours_and_reports() {
    // Two national honours reach the part's cap (4) and the indicator's.
    let full = honour_or_report(
        honour_or_report(Case::new(), "表彰", "国家级", "2021-01-01", false),
        "表彰",
        "国家级",
        "2022-01-01",
        false,
    );
    assert_score(4, &full, "4");
    // Provincial honour 1 + three provincial reports 0.5 each, capped at 1 → 2.
    let mut partial = honour_or_report(Case::new(), "表彰", "省级", "2021-01-01", false);
    for day in ["2021-02-01", "2021-03-01", "2021-04-01"] {
        partial = honour_or_report(partial, "报道", "省级", day, false);
    }
    let s = assert_score(4, &partial, "2");
    assert!(
        s.basis
            .contains("近三年省级主流媒体报道3次（0.5分/次，上限1分）1分"),
        "{}",
        s.basis
    );
    // Advertising and city-level reports earn nothing.
    let zero = honour_or_report(
        honour_or_report(Case::new(), "报道", "国家级", "2021-01-01", true),
        "报道",
        "市级",
        "2021-01-01",
        false,
    );
    assert_score(4, &zero, "0");
}

#[test]
fn i04_basis_is_one_sentence_naming_what_counted() {
    let mut c = honour_or_report(Case::new(), "表彰", "国家级", "2021-01-01", false);
    for day in ["2021-02-01", "2021-03-01", "2021-04-01"] {
        c = honour_or_report(c, "报道", "省级", day, false);
    }
    let s = assert_score(4, &c, "3");
    assert_eq!(
        s.basis,
        "近三年国家级表彰1次（2分/次，上限4分）2分；近三年省级主流媒体报道3次（0.5分/次，上限1分）1分；合计3分。"
    );
    assert_eq!(
        s.improve,
        "近三年国家级表彰每增加1次可加2分（上限4分）；近三年省级表彰每增加1次可加1分（上限2分）；近三年市级表彰每增加1次可加0.5分（上限1分）；近三年国家级主流媒体报道每增加1次可加1分（上限2分）。"
    );
    assert_eq!(s.evidence.len(), 4);
    assert_eq!(s.sources.len(), 4);
}

#[test]
fn i04_overall_cap_and_three_year_window() {
    // National 2 + provincial 2 + national report 1 = 5 → capped at 4.
    let mut c = honour_or_report(Case::new(), "表彰", "国家级", "2021-01-01", false);
    c = honour_or_report(c, "表彰", "省级", "2021-01-02", false);
    c = honour_or_report(c, "表彰", "省级", "2021-01-03", false);
    c = honour_or_report(c, "报道", "国家级", "2021-01-04", false);
    let s = assert_score(4, &c, "4");
    assert!(s.basis.contains("累计5分，超过上限按4分计"), "{}", s.basis);
    assert_score(
        4,
        &honour_or_report(Case::new(), "表彰", "国家级", "2019-07-20", false),
        "0",
    );
    assert_score(
        4,
        &honour_or_report(Case::new(), "表彰", "国家级", "2019-07-21", false),
        "2",
    );
    // City honours: 0.5 each up to 1.
    let mut city = Case::new();
    for day in ["2021-01-01", "2021-01-02", "2021-01-03"] {
        city = honour_or_report(city, "表彰", "市级", day, false);
    }
    assert_score(4, &city, "1");
}

fn event(c: Case, level: &str, date: &str) -> Case {
    c.rec(
        "demonstration_events",
        &[
            ("name", t(&format!("{level}现场会{date}"))),
            ("level", t(level)),
            ("role", t("承担")),
            ("date", d(date)),
        ],
    )
}

#[test]
fn i05_highest_level_wins() {
    // National and provincial: the highest level counts, not the sum.
    assert_score(
        5,
        &event(
            event(Case::new(), "国家级", "2021-05-01"),
            "省级",
            "2021-06-01",
        ),
        "2",
    );
    assert_score(5, &event(Case::new(), "省级", "2021-06-01"), "1");
    assert_score(5, &event(Case::new(), "市级", "2021-06-01"), "0");
    assert_score(5, &Case::new(), "0");
    // A national event older than three years does not count; the provincial one does.
    assert_score(
        5,
        &event(
            event(Case::new(), "国家级", "2019-07-20"),
            "省级",
            "2019-07-21",
        ),
        "1",
    );
}

// ---------- 6–11 质量发展保障 ----------

fn meeting(c: Case, leader: &str, date: &str) -> Case {
    c.rec(
        "quality_meetings",
        &[
            ("name", t(&format!("会议{date}"))),
            ("date", d(date)),
            ("top_leader", t(leader)),
        ],
    )
}

#[test]
fn i06_coordination_body_and_meetings() {
    let body = Case::new().text("coordination_body", "章政办字〔2021〕32号");
    assert_score(6, &meeting(body.clone(), "区委书记", "2022-03-01"), "4");
    // 区长 and 其他主要领导: the best meeting counts (1), not the sum.
    let s = assert_score(
        6,
        &meeting(
            meeting(body.clone(), "区长", "2022-03-01"),
            "其他主要领导",
            "2022-04-01",
        ),
        "3",
    );
    assert!(s.improve.contains("区委书记"), "{}", s.improve);
    assert_score(
        6,
        &meeting(body.clone(), "其他主要领导", "2022-03-01"),
        "2.5",
    );
    // The secretary's meeting was more than a year ago.
    assert_score(6, &meeting(body, "区委书记", "2021-07-20"), "2");
    assert_score(6, &meeting(Case::new(), "其他", "2022-03-01"), "0");
}

#[test]
fn i07_creation_plan_and_mobilisation_meeting() {
    let plan = Case::new().text("creation_plan", "章政发〔2022〕11号");
    assert_score(
        7,
        &plan.clone().date("mobilization_meeting_date", "2022-06-28"),
        "2",
    );
    assert_score(7, &plan, "1");
    assert_score(7, &Case::new(), "0");
}

#[test]
fn i08_credit_policy_and_joint_punishment() {
    let credit = Case::new().text("credit_policy", "章政办发〔2021〕7号");
    assert_score(
        8,
        &credit
            .clone()
            .text("joint_punishment_mechanism", "章信用办发〔2021〕3号"),
        "1",
    );
    assert_score(8, &credit, "0.5");
    assert_score(8, &Case::new(), "0");
}

const FUNDING_FIELDS: [&str; 9] = [
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

fn funding(c: Case, field: &str, year: &str, amount: &str, department: &str) -> Case {
    c.rec(
        "funding",
        &[
            ("field", t(field)),
            ("year", n(year)),
            ("amount", n(amount)),
            ("department", t(department)),
        ],
    )
}

#[test]
fn i09_funding_fields_deduct_half_a_point_each() {
    let mut full = Case::new();
    for (i, f) in FUNDING_FIELDS.iter().enumerate() {
        // Fields come from different departments: they merge.
        full = funding(
            full,
            f,
            "2022",
            "10",
            if i % 2 == 0 {
                "区市场监管局"
            } else {
                "区住建局"
            },
        );
    }
    assert_score(9, &full, "3");
    // 商标专利 missing, 信用 only with amount 0, 品牌 only in 2021: three missing → 1.5.
    let mut partial = Case::new();
    for f in &FUNDING_FIELDS[..6] {
        partial = funding(partial, f, "2022", "10", "区市场监管局");
    }
    partial = funding(partial, "信用", "2022", "0", "区发改局");
    partial = funding(partial, "品牌", "2021", "50", "区工信局");
    let s = assert_score(9, &partial, "1.5");
    assert!(s.basis.contains("品牌、信用、商标专利"), "{}", s.basis);
    // Nothing: 3 − 9 × 0.5 is below 0 → 0.
    assert_score(9, &Case::new(), "0");
}

fn funding_shares(y0: (&str, &str), y1: (&str, &str)) -> Case {
    Case::new()
        .num("quality_funding_total_y0", y0.0)
        .num("public_expenditure_y0", y0.1)
        .num("quality_funding_total_y1", y1.0)
        .num("public_expenditure_y1", y1.1)
}

#[test]
fn i10_funding_share_and_its_change() {
    // 1% (= 满意值 1) and +0.1 pp (= 满意值 0.1): 1 + 1.
    assert_score(
        10,
        &funding_shares(("10000", "1000000"), ("9000", "1000000")),
        "2",
    );
    // 0.5%: d = 60 + 40 × 0.5 = 80 → 0.8; change +0.1 pp → 1.  Total 1.8.
    assert_score(
        10,
        &funding_shares(("5000", "1000000"), ("4000", "1000000")),
        "1.8",
    );
    // 0.5% and −0.05 pp: 0.8 + (60 + 40 × 0.25)% = 0.8 + 0.7 = 1.5.
    assert_score(
        10,
        &funding_shares(("5000", "1000000"), ("5500", "1000000")),
        "1.5",
    );
    let s = assert_score(10, &Case::new(), "0");
    assert!(s.basis.contains("未填报"), "{}", s.basis);
}

#[test]
fn i10_funding_total_is_checked_against_the_amounts_of_9() {
    let case = funding(
        funding(
            funding_shares(("5000", "1000000"), ("4000", "1000000")),
            "质量发展",
            "2022",
            "3000",
            "区市场监管局",
        ),
        "品牌",
        "2021",
        "900",
        "区工信局",
    );
    let (s, diags) = score_with(10, &case, &campaign());
    assert_eq!(s.score, dec("1.8"), "the check never changes the score");
    let w = diags
        .iter()
        .find(|d| d.code == Code::InconsistentTotals)
        .expect("inconsistent-totals");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(
        w.message,
        "指标10：评价当年质量工作财政经费为5000万元，与2022年度财政经费中各单位填报的金额合计3000万元不一致，请核对"
    );
    let agreeing = funding(
        funding_shares(("5000", "1000000"), ("4000", "1000000")),
        "质量发展",
        "2022",
        "5000",
        "区市场监管局",
    );
    assert!(score_with(10, &agreeing, &campaign()).1.is_empty());
}

#[test]
fn i11_support_policies() {
    let one = Case::new().rec(
        "support_policies",
        &[
            ("name", t("奖励办法")),
            ("doc_number", t("章政办发〔2021〕15号")),
            ("date", d("2021-08-16")),
            ("direction", t("品牌")),
        ],
    );
    assert_score(11, &one, "3");
    // More policies do not earn more.
    let two = one.rec(
        "support_policies",
        &[
            ("name", t("若干措施")),
            ("doc_number", t("章政发〔2021〕9号")),
            ("date", d("2015-01-01")),
            ("direction", t("质量提升")),
        ],
    );
    assert_score(11, &two, "3");
    assert_score(11, &Case::new(), "0");
}

// ---------- 12–27 质量发展基础 ----------

#[test]
fn i12_one_stop_platform() {
    assert_score(
        12,
        &Case::new().text("nqi_one_stop_platform", "一站式服务平台"),
        "2",
    );
    assert_score(12, &Case::new().text("nqi_one_stop_platform", ""), "0");
    assert_score(12, &Case::new(), "0");
}

#[test]
fn i13_standardisation_in_plan_and_policy() {
    let plan = Case::new().text("standardization_in_plan", "十四五规划");
    assert_score(
        13,
        &plan.clone().text("standardization_policy", "资助办法"),
        "1",
    );
    assert_score(13, &plan, "0.5");
    assert_score(13, &Case::new(), "0");
}

fn standard(c: Case, level: &str, role: &str, published: &str) -> Case {
    let number = format!("STD-{}", c.facts.list("standards").len() + 1);
    c.rec(
        "standards",
        &[
            ("number", t(&number)),
            ("name", t("标准")),
            ("level", t(level)),
            ("role", t(role)),
            ("published", d(published)),
        ],
    )
}

#[test]
fn i14_standards_tiers() {
    // 国际 2 + 国家主导制定 ×2 1 + 省地方主导 ×3 1 = 4.
    let mut full = standard(Case::new(), "国际", "参与制定", "2021-01-01");
    full = standard(
        standard(full, "国家", "主导制定", "2021-01-01"),
        "国家",
        "主导制定",
        "2021-02-01",
    );
    for day in ["2021-03-01", "2021-04-01", "2021-05-01"] {
        full = standard(full, "省地方", "主导制定", day);
    }
    assert_score(14, &full, "4");
    // Plus three national participations (0.5): 4.5 is capped at 4.
    let mut capped = full;
    for day in ["2021-06-01", "2021-07-01", "2021-08-01"] {
        capped = standard(capped, "国家", "参与修订", day);
    }
    let s = assert_score(14, &capped, "4");
    assert!(s.basis.contains("超过上限按4分计"), "{}", s.basis);
    // 国家主导 1 → 0.5; 国家参与 1 → 0.25; 省地方主导 2 → 0.5; 行业 → 0.  Total 1.25.
    let mut partial = standard(Case::new(), "国家", "主导制定", "2021-01-01");
    partial = standard(partial, "国家", "主导修订", "2021-01-01");
    partial = standard(
        standard(partial, "省地方", "主导制定", "2021-01-01"),
        "省地方",
        "主导制定",
        "2022-01-01",
    );
    partial = standard(partial, "行业", "主导制定", "2022-01-01");
    assert_score(14, &partial, "1.25");
    assert_score(
        14,
        &standard(Case::new(), "行业", "主导制定", "2022-01-01"),
        "0",
    );
    // Province standards only led (主导制定) count; participating earns nothing.
    assert_score(
        14,
        &standard(Case::new(), "省地方", "参与制定", "2022-01-01"),
        "0",
    );
}

#[test]
fn i14_window_edges() {
    assert_score(
        14,
        &standard(Case::new(), "国际", "主导制定", "2019-07-20"),
        "0",
    );
    assert_score(
        14,
        &standard(Case::new(), "国际", "主导制定", "2019-07-21"),
        "2",
    );
}

fn org(c: Case, typ: &str) -> Case {
    let name = format!("TC{}", c.facts.list("standard_orgs").len() + 1);
    c.rec("standard_orgs", &[("name", t(&name)), ("type", t(typ))])
}
fn pilot(c: Case, level: &str, date: &str) -> Case {
    let name = format!("试点{}", c.facts.list("standard_pilots").len() + 1);
    c.rec(
        "standard_pilots",
        &[
            ("name", t(&name)),
            ("level", t(level)),
            ("completed", d(date)),
        ],
    )
}

#[test]
fn i15_standard_organisations_and_pilots() {
    // 国际TC 2 + 国家TC秘书处 1.5 = 3.5 → capped at 3.
    let s = assert_score(
        15,
        &org(org(Case::new(), "国际TC成员单位"), "国家TC秘书处"),
        "3",
    );
    assert!(
        s.basis.contains("累计3.5分，超过上限按3分计"),
        "{}",
        s.basis
    );
    // Three provincial secretariats: 1 each, capped at 2; one provincial pilot 0.5 → 2.5.
    let mut partial = org(
        org(org(Case::new(), "省TC秘书处"), "省TC秘书处"),
        "省TC秘书处",
    );
    partial = pilot(partial, "省级", "2021-01-01");
    assert_score(15, &partial, "2.5");
    // Three national pilots in 近三年 → 2; the fourth is older and does not matter.
    let mut national = Case::new();
    for day in ["2020-01-01", "2021-01-01", "2022-01-01"] {
        national = pilot(national, "国家级", day);
    }
    assert_score(15, &national, "2");
    // Two national pilots in the window, one just outside → tier 1–2 → 1.
    let edge = pilot(
        pilot(
            pilot(Case::new(), "国家级", "2019-07-20"),
            "国家级",
            "2019-07-21",
        ),
        "国家级",
        "2022-07-20",
    );
    assert_score(15, &edge, "1");
    // Five provincial pilots → 1.
    let mut provincial = Case::new();
    for day in [
        "2020-01-01",
        "2020-02-01",
        "2020-03-01",
        "2020-04-01",
        "2020-05-01",
    ] {
        provincial = pilot(provincial, "省级", day);
    }
    assert_score(15, &provincial, "1");
    assert_score(15, &Case::new(), "0");
}

#[test]
fn i16_metrology_mechanism_and_test_centre() {
    let mechanism = Case::new().text("metrology_mechanism", "联席会议制度");
    assert_score(
        16,
        &mechanism
            .clone()
            .text("metrology_test_center", "省级产业计量测试中心"),
        "2",
    );
    assert_score(16, &mechanism, "1");
    assert_score(16, &Case::new(), "0");
}

#[test]
fn i17_three_rates_at_100_percent() {
    let full = Case::new()
        .rate("class_a_verification_coverage", "12", "12")
        .rate("instrument_verification_rate", "18650", "18650")
        .rate("energy_metrology_review_coverage", "50", "50");
    assert_score(17, &full, "3");
    let s = assert_score(
        17,
        &full
            .clone()
            .rate("energy_metrology_review_coverage", "48", "50"),
        "2",
    );
    assert!(s.basis.contains("96.0%（48/50），未达100%"), "{}", s.basis);
    // A zero denominator is no rate.
    assert_score(
        17,
        &full.rate("class_a_verification_coverage", "0", "0").rate(
            "energy_metrology_review_coverage",
            "99",
            "100",
        ),
        "1",
    );
    assert_score(17, &Case::new(), "0");
}

fn metrology(streets: &str, units: &str) -> Case {
    Case::new()
        .text("honest_metrology_policy", "诚信计量实施意见")
        .text("honest_metrology_activities", "示范活动通知")
        .num("honest_metrology_streets", streets)
        .num("honest_metrology_units", units)
}

#[test]
fn i18_metrology_promotion() {
    let full = metrology("1", "100")
        .text("enterprise_metrology_policy", "促进措施")
        .text("metrology_benefit_activities", "计量惠民");
    assert_score(18, &full, "2");
    // 99 demonstration units: honest metrology earns 0.5 instead of 1.
    assert_score(
        18,
        &metrology("1", "99").text("enterprise_metrology_policy", "促进措施"),
        "1",
    );
    // No demonstration street, 150 units: still only policy + activities → 0.5.
    assert_score(18, &metrology("0", "150"), "0.5");
    // Policy without activities: nothing for honest metrology.
    assert_score(
        18,
        &Case::new()
            .text("honest_metrology_policy", "实施意见")
            .num("honest_metrology_units", "200"),
        "0",
    );
    assert_score(18, &Case::new(), "0");
}

fn two_years(prefix: &str, y1: &str, y2: &str) -> Case {
    Case::new()
        .num(&format!("{prefix}_y1"), y1)
        .num(&format!("{prefix}_y2"), y2)
}

#[test]
fn i19_helped_smes_count_and_growth() {
    // 100 (满意值) and +25% (≥ 20%).
    assert_score(
        19,
        &two_years("certification_helped_smes", "100", "80"),
        "2",
    );
    // 50 → d 80 → 0.8; growth 0% = 不允许值 → 60% → 0.6.  1.4.
    assert_score(
        19,
        &two_years("certification_helped_smes", "50", "50"),
        "1.4",
    );
    // Falling numbers: 40 → d 76 → 0.76; −20% is below 不允许值 → clamped at 60% → 0.6.
    assert_score(
        19,
        &two_years("certification_helped_smes", "40", "50"),
        "1.36",
    );
    assert_score(19, &Case::new(), "0");
}

#[test]
fn i19_zero_base_growth() {
    // Last year 0, this year 10: the growth part scores full; 10 → d 64 → 0.64.
    let s = assert_score(
        19,
        &two_years("certification_helped_smes", "10", "0"),
        "1.64",
    );
    assert!(
        s.basis.contains("上年基数为0、本年大于0，按满分计"),
        "{}",
        s.basis
    );
    // Both years 0: growth part 60%; count 0 = 不允许值 → 60%.  0.6 + 0.6.
    assert_score(19, &two_years("certification_helped_smes", "0", "0"), "1.2");
}

#[test]
fn i20_voluntary_certificates_count_and_growth() {
    assert_score(20, &two_years("voluntary_certificates", "1000", "800"), "2");
    // 550 → d 82 → 0.82; +10% → d 80 → 0.8.  1.62.
    assert_score(
        20,
        &two_years("voluntary_certificates", "550", "500"),
        "1.62",
    );
    assert_score(20, &two_years("voluntary_certificates", "250", "0"), "1.7");
    assert_score(20, &Case::new(), "0");
}

fn risk(c: Case, domain: &str, mechanism: &str, plan: &str) -> Case {
    c.rec(
        "risk_warnings",
        &[
            ("domain", t(domain)),
            ("mechanism", t(mechanism)),
            ("plan", t(plan)),
        ],
    )
}

#[test]
fn i21_risk_warning_domains_deduct_one_each() {
    let mut full = Case::new();
    for domain in ["生产安全", "环境", "食品", "药品", "其他重点产品"] {
        full = risk(full, domain, "预警机制", "应急预案");
    }
    assert_score(21, &full, "2");
    // 药品 has a mechanism but no plan: one domain missing → 1.
    let mut partial = Case::new();
    for domain in ["生产安全", "环境", "食品", "其他重点产品"] {
        partial = risk(partial, domain, "预警机制", "应急预案");
    }
    partial = risk(partial, "药品", "预警机制", "");
    let s = assert_score(21, &partial, "1");
    assert!(s.basis.contains("缺少药品"), "{}", s.basis);
    // Three domains missing: 2 − 3 → 0, never negative.
    assert_score(
        21,
        &risk(
            risk(Case::new(), "食品", "机制", "预案"),
            "药品",
            "机制",
            "预案",
        ),
        "0",
    );
}

#[test]
fn i22_complaint_channel() {
    assert_score(22, &Case::new().text("complaint_channel", "12345热线"), "1");
    assert_score(22, &Case::new().text("complaint_channel", " "), "0");
    assert_score(22, &Case::new(), "0");
}

#[test]
fn i23_key_positions_policy_and_spot_checks() {
    let policy = Case::new().text("key_position_policy", "章市监发〔2022〕8号");
    assert_score(
        23,
        &policy
            .clone()
            .num("spot_check_enterprises", "30")
            .num("spot_check_compliant", "30"),
        "1",
    );
    assert_score(
        23,
        &policy
            .num("spot_check_enterprises", "30")
            .num("spot_check_compliant", "29"),
        "0.5",
    );
    // Checking nobody proves nothing.
    assert_score(
        23,
        &Case::new()
            .num("spot_check_enterprises", "0")
            .num("spot_check_compliant", "0"),
        "0",
    );
}

fn exchange(c: Case, typ: &str, date: &str) -> Case {
    c.rec(
        "exchanges",
        &[
            ("type", t(typ)),
            ("name", t(&format!("{typ}{date}"))),
            ("date", d(date)),
        ],
    )
}

#[test]
fn i24_exchanges_and_training_in_the_last_year() {
    assert_score(
        24,
        &exchange(
            exchange(Case::new(), "交流观摩", "2021-11-05"),
            "质量培训",
            "2022-04-22",
        ),
        "1",
    );
    assert_score(24, &exchange(Case::new(), "质量培训", "2022-04-22"), "0.5");
    assert_score(24, &exchange(Case::new(), "交流观摩", "2021-07-20"), "0");
    assert_score(24, &exchange(Case::new(), "交流观摩", "2021-07-21"), "0.5");
}

#[test]
fn i25_injury_monitoring_and_recall() {
    let full = Case::new()
        .text("injury_monitoring", "已推行")
        .text("recall_system", "召回体系")
        .text("recall_support_policy", "扶持政策");
    assert_score(25, &full, "2");
    assert_score(
        25,
        &Case::new()
            .text("injury_monitoring", "着手研究")
            .text("recall_system", "召回体系"),
        "1",
    );
    assert_score(25, &Case::new().text("injury_monitoring", "未开展"), "0");
    assert_score(25, &Case::new(), "0");
}

fn violations(found: &str, handled: &str) -> Case {
    Case::new()
        .num("violations_found", found)
        .num("violations_handled", handled)
}

#[test]
fn i26_handling_rate_with_a_90_percent_threshold() {
    // Nothing found counts as 100%.
    assert_score(26, &violations("0", "0"), "2");
    assert_score(26, &violations("250", "250"), "2");
    // 95%: d = 60 + 40 × 0.5 = 80 → 1.6.
    assert_score(26, &violations("20", "19"), "1.6");
    // Exactly 90%: 60% of the points.
    assert_score(26, &violations("10", "9"), "1.2");
    // 89.9%: below the threshold scores 0, not 60%.
    let s = assert_score(26, &violations("1000", "899"), "0");
    assert!(s.basis.contains("89.9%"), "{}", s.basis);
    assert_score(26, &Case::new(), "0");
}

fn report(c: Case, year: &str, channel: Option<&str>) -> Case {
    let mut fields = vec![
        ("year", n(year)),
        ("title", t(&format!("{year}年度质量分析报告"))),
    ];
    if let Some(ch) = channel {
        fields.push(("channel", t(ch)));
        fields.push((
            "published",
            d(&format!("{}-03-30", year.parse::<i32>().unwrap() + 1)),
        ));
    }
    c.rec("quality_reports", &fields)
}

#[test]
fn i27_regular_quality_reports() {
    assert_score(
        27,
        &report(
            report(Case::new(), "2021", Some("门户网站")),
            "2020",
            Some("门户网站"),
        ),
        "1",
    );
    // 2020's report was not published: not regular → 0.5.
    let s = assert_score(
        27,
        &report(report(Case::new(), "2021", Some("门户网站")), "2020", None),
        "0.5",
    );
    assert!(
        s.improve
            .contains("尚无2020年度有发布途径的质量状况分析报告"),
        "{}",
        s.improve
    );
    // Reports of the wrong years are still reports.
    assert_score(27, &report(Case::new(), "2019", Some("门户网站")), "0.5");
    assert_score(27, &Case::new(), "0");
}

// ---------- 28–43 质量发展成效 ----------

#[test]
fn i28_regulation_funds_per_resident() {
    // 1 000 000 元 / 100 万人 = 1 元/人 = 满意值.
    assert_score(
        28,
        &Case::new()
            .num("product_regulation_funds_y1", "1000000")
            .num("resident_population", "100"),
        "1",
    );
    // 0.5 元/人 → d 80 → 0.8.
    assert_score(
        28,
        &Case::new()
            .num("product_regulation_funds_y1", "500000")
            .num("resident_population", "100"),
        "0.8",
    );
    assert_score(28, &Case::new().num("resident_population", "100"), "0");
}

#[test]
fn i29_i30_safety_counties() {
    assert_score(29, &Case::new().yes("agri_quality_safety_county"), "2");
    let s = assert_score(29, &Case::new().no("agri_quality_safety_county"), "0");
    assert!(s.basis.contains("为“否”"), "{}", s.basis);
    assert_score(29, &Case::new(), "0");
    assert_score(30, &Case::new().yes("food_safety_county"), "2");
    assert_score(30, &Case::new().no("food_safety_county"), "0");
    assert_score(30, &Case::new(), "0");
}

#[test]
fn i31_i32_rates_at_100_percent() {
    assert_score(
        31,
        &Case::new().rate("drug_inspection_coverage", "426", "426"),
        "1",
    );
    assert_score(
        31,
        &Case::new().rate("drug_inspection_coverage", "425", "426"),
        "0",
    );
    assert_score(31, &Case::new(), "0");
    assert_score(
        32,
        &Case::new().rate("green_design_standard_rate", "64", "64"),
        "2",
    );
    assert_score(
        32,
        &Case::new().rate("green_design_standard_rate", "63", "64"),
        "0",
    );
    assert_score(32, &Case::new(), "0");
}

#[test]
fn i33_prefab_bases() {
    assert_score(33, &Case::new().num("prefab_industry_bases", "5"), "2");
    assert_score(33, &Case::new().num("prefab_industry_bases", "2"), "1.6");
    // None at all is the 不允许值: 60%.
    assert_score(33, &Case::new().num("prefab_industry_bases", "0"), "1.2");
    assert_score(33, &Case::new(), "0");
}

#[test]
fn i34_smart_site_system_and_full_online_rate() {
    let system = Case::new().text("smart_site_system", "智慧工地监管平台");
    assert_score(
        34,
        &system.clone().rate("smart_site_online_rate", "132", "132"),
        "2",
    );
    assert_score(
        34,
        &system.rate("smart_site_online_rate", "131", "132"),
        "0",
    );
    assert_score(
        34,
        &Case::new().rate("smart_site_online_rate", "132", "132"),
        "0",
    );
}

#[test]
fn i35_service_share_of_gdp() {
    assert_score(
        35,
        &Case::new()
            .num("service_value_added", "60")
            .num("gdp", "100"),
        "3",
    );
    let s = assert_score(
        35,
        &Case::new()
            .num("service_value_added", "50")
            .num("gdp", "100"),
        "2.4",
    );
    // Percentages print with one decimal (documents.md, Wording): 50.0%, not 50%.
    assert!(s.basis.contains("50.0%（满意值"), "{}", s.basis);
    // 30% is below the 不允许值 40%: clamped at 60%.
    assert_score(
        35,
        &Case::new()
            .num("service_value_added", "30")
            .num("gdp", "100"),
        "1.8",
    );
    assert_score(35, &Case::new().num("service_value_added", "60"), "0");
}

#[test]
fn i36_mean_of_count_and_revenue() {
    assert_score(
        36,
        &Case::new()
            .num("service_enterprises", "200")
            .num("service_revenue", "100"),
        "3",
    );
    assert_score(
        36,
        &Case::new()
            .num("service_enterprises", "100")
            .num("service_revenue", "50"),
        "2.4",
    );
    // Revenue missing: only the count half scores.
    assert_score(36, &Case::new().num("service_enterprises", "200"), "1.5");
    assert_score(36, &Case::new(), "0");
}

#[test]
fn i37_energy_intensity_reduction() {
    assert_score(37, &Case::new().num("energy_intensity_reduction", "5"), "3");
    assert_score(
        37,
        &Case::new().num("energy_intensity_reduction", "2.5"),
        "2.4",
    );
    assert_score(
        37,
        &Case::new().num("energy_intensity_reduction", "-1"),
        "1.8",
    );
    assert_score(37, &Case::new(), "0");
}

#[test]
fn i37_a_score_just_below_a_half_cent_rounds_down() {
    // Benchmarks 5 / 0: score = 3 × (60 + 40 × x / 5) / 100 = 1.8 + 0.24 x.
    // x = 0.1875: 1.8 + 0.045 = 1.845 exactly, a midpoint → 1.85 (half up).
    let s = assert_score(
        37,
        &Case::new().num("energy_intensity_reduction", "0.1875"),
        "1.85",
    );
    assert_eq!(s.exact, dec("1.845"));
    // x = 0.18749999999: 1.8 + 0.24 × 0.18749999999 = 1.8 + 0.0449999999976
    // = 1.8449999999976 exactly, below the midpoint → 1.84. (Kept to 10 decimals the
    // exact value became 1.8450000000 and was rounded up to 1.85.)
    let s = assert_score(
        37,
        &Case::new().num("energy_intensity_reduction", "0.18749999999"),
        "1.84",
    );
    assert_eq!(s.exact, dec("1.8449999999976"));
    // A midpoint reached through a non-terminating quotient still rounds up: benchmarks
    // 3 / 0, x = 0.0625: t = 0.0625 / 3 = 0.0208333…, d = 60 + 40 t = 60.8333…,
    // score = 3 × d / 100 = 1.8 + 0.4 × 0.0625 = 1.825 → 1.83.
    let mut c = campaign();
    let bench = c.benchmarks.get_mut("37.reduction").unwrap();
    bench.satisfactory = dec("3");
    let (s, _) = score_with(
        37,
        &Case::new().num("energy_intensity_reduction", "0.0625"),
        &c,
    );
    assert_eq!((s.score, s.exact), (dec("1.83"), dec("1.825")));
}

#[test]
fn efficacy_lower_is_better_when_satisfactory_is_below_unacceptable() {
    let mut c = campaign();
    let bench = c.benchmarks.get_mut("37.reduction").unwrap();
    bench.satisfactory = dec("0");
    bench.unacceptable = dec("5");
    // x = 1: t = (1 − 5) / (0 − 5) = 0.8 → d = 92 → 2.76.
    let (s, _) = score_with(37, &Case::new().num("energy_intensity_reduction", "1"), &c);
    assert_eq!(s.score, dec("2.76"));
    let (s, _) = score_with(37, &Case::new().num("energy_intensity_reduction", "-2"), &c);
    assert_eq!(s.score, dec("3"));
    let (s, _) = score_with(37, &Case::new().num("energy_intensity_reduction", "9"), &c);
    assert_eq!(s.score, dec("1.8"));
}

fn air(good: &str, pm_now: &str, pm_before: &str) -> Case {
    Case::new()
        .num("good_air_days", good)
        .num("total_days", "365")
        .num("pm25_y1", pm_now)
        .num("pm25_y2", pm_before)
}

#[test]
fn i38_air_quality_composite() {
    // 100% × 0.4 + 20% × 0.6 = 52 ≥ 50 → 3.
    assert_score(38, &air("365", "40", "50"), "3");
    // 60% × 0.4 + 10% × 0.6 = 30 → t 0.5 → d 80 → 2.4.
    let s = assert_score(38, &air("219", "45", "50"), "2.4");
    assert!(s.basis.contains("综合值30"), "{}", s.basis);
    assert_score(38, &Case::new().num("good_air_days", "219"), "0");
}

#[test]
fn i39_to_i41_shares_and_per_10000() {
    assert_score(
        39,
        &Case::new()
            .num("hightech_output", "50")
            .num("industrial_output", "100"),
        "2",
    );
    assert_score(
        39,
        &Case::new()
            .num("hightech_output", "30")
            .num("industrial_output", "100"),
        "1.6",
    );
    assert_score(39, &Case::new().num("industrial_output", "100"), "0");
    assert_score(
        40,
        &Case::new()
            .num("invention_patents", "2000")
            .num("resident_population", "100"),
        "2",
    );
    assert_score(
        40,
        &Case::new()
            .num("invention_patents", "1000")
            .num("resident_population", "100"),
        "1.6",
    );
    assert_score(40, &Case::new().num("invention_patents", "1000"), "0");
    assert_score(
        41,
        &Case::new()
            .num("tech_transaction_value", "40")
            .num("gdp", "1000"),
        "2",
    );
    assert_score(
        41,
        &Case::new()
            .num("tech_transaction_value", "20")
            .num("gdp", "1000"),
        "1.6",
    );
    // A zero GDP is no denominator.
    assert_score(
        41,
        &Case::new()
            .num("tech_transaction_value", "20")
            .num("gdp", "0"),
        "0",
    );
}

fn award(c: Case, level: &str, grade: &str, first: bool, date: &str) -> Case {
    let name = format!("项目{}", c.facts.list("tech_awards").len() + 1);
    c.rec(
        "tech_awards",
        &[
            ("name", t(&name)),
            ("category", t("科技进步奖")),
            ("level", t(level)),
            ("grade", t(grade)),
            ("first_unit", b(first)),
            ("date", d(date)),
        ],
    )
}

#[test]
fn i42_weighted_awards_then_efficacy() {
    // 国家一等 3 + 国家二等 2 + 省一等 2 = 7 ≥ 6 → 3.
    let full = award(
        award(
            award(Case::new(), "国家级", "一等奖", true, "2021-01-01"),
            "国家级",
            "二等奖",
            true,
            "2021-01-01",
        ),
        "省级",
        "一等奖",
        true,
        "2021-01-01",
    );
    assert_score(42, &full, "3");
    // Non-first units count 50%: 省一等 1 + 省二等 1 + 省三等 0.25 = 2.25 → t 0.375 → d 75 → 2.25.
    let partial = award(
        award(
            award(Case::new(), "省级", "一等奖", false, "2021-01-01"),
            "省级",
            "二等奖",
            true,
            "2021-01-01",
        ),
        "省级",
        "三等奖",
        false,
        "2021-01-01",
    );
    let s = assert_score(42, &partial, "2.25");
    assert!(s.basis.contains("折算分2.25分"), "{}", s.basis);
    // The window: an award dated 2019-07-20 is out, 2019-07-21 in. 国家一等 3 → d 80 → 2.4.
    assert_score(
        42,
        &award(Case::new(), "国家级", "一等奖", true, "2019-07-21"),
        "2.4",
    );
    assert_score(
        42,
        &award(Case::new(), "国家级", "一等奖", true, "2019-07-20"),
        "1.8",
    );
    // No awards: raw 0 is the 不允许值 → 60% (the 功效系数法 floor).
    assert_score(42, &Case::new(), "1.8");
}

#[test]
fn i42_zero_when_the_benchmark_is_missing() {
    let mut c = campaign();
    c.benchmarks.remove("42.points");
    let (s, diags) = score_with(
        42,
        &award(Case::new(), "国家级", "一等奖", true, "2021-01-01"),
        &c,
    );
    assert_eq!(s.score, dec("0"));
    assert!(
        s.basis.contains("缺少功效系数法满意值/不允许值"),
        "{}",
        s.basis
    );
    assert!(
        diags
            .iter()
            .any(|d| d.code == Code::MissingBenchmark && d.location.indicator == Some(42))
    );
}

#[test]
fn i42_unlisted_grade_is_an_error_and_earns_nothing() {
    let c = award(
        award(Case::new(), "省级", "特等奖", true, "2021-01-01"),
        "省级",
        "二等奖",
        true,
        "2021-01-01",
    );
    let (s, diags) = score_with(42, &c, &campaign());
    // Only 省二等 1 counts → t 1/6 → d = 60 + 40/6 → 3 × d / 100 = 2.
    assert_eq!(s.score, dec("2"));
    let error = diags
        .iter()
        .find(|d| d.code == Code::InvalidChoice)
        .expect("error for 特等奖");
    assert_eq!(error.severity, Severity::Error);
    assert_eq!(error.location.indicator, Some(42));
    assert!(
        error.message.contains("不在任务分解表所列范围内"),
        "{}",
        error.message
    );
    // What the rule lists is the catalogue's `unlisted` words.
    assert!(
        error
            .message
            .contains("（评分方法只列国家级一、二等奖和省级一、二、三等奖），不计分"),
        "{}",
        error.message
    );
}

#[test]
fn i42_unlisted_message_comes_from_the_catalogue() {
    let text = catalogue_text().replacen(
        "unlisted = \"评分方法只列国家级一、二等奖和省级一、二、三等奖\"",
        "unlisted = \"本表只列五种奖项等级\"",
        1,
    );
    let edited =
        Catalogue::parse(&text, "indicators.toml", roster()).unwrap_or_else(|e| panic!("{e}"));
    let c = award(Case::new(), "省级", "特等奖", true, "2021-01-01");
    let (_, diags) = score::score_indicator(&edited, 42, &c.facts, &campaign());
    let messages: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == Code::InvalidChoice)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages.len(), 1, "{diags:#?}");
    assert!(
        messages[0].ends_with("（本表只列五种奖项等级），不计分"),
        "{}",
        messages[0]
    );
}

fn honour(c: Case, name: &str, level: &str, recipient: &str, matter: &str, date: &str) -> Case {
    c.rec(
        "quality_honors",
        &[
            ("honor_name", t(name)),
            ("level", t(level)),
            ("recipient", t(recipient)),
            ("matter", t(matter)),
            ("date", d(date)),
        ],
    )
}

#[test]
fn i43_quality_honours() {
    // National 3 each, capped at 9.
    let mut full = Case::new();
    for i in 0..4 {
        full = honour(
            full,
            "全国质量标杆",
            "国家级",
            &format!("企业{i}"),
            "质量管理",
            "2021-01-01",
        );
    }
    let s = assert_score(43, &full, "9");
    assert!(s.basis.contains("累计12分，超过上限按9分计"), "{}", s.basis);
    // 1 national + 1 provincial = 5.
    let partial = honour(
        honour(
            Case::new(),
            "全国质量标杆",
            "国家级",
            "甲企业",
            "卓越绩效",
            "2021-01-01",
        ),
        "山东省质量标杆",
        "省级",
        "乙企业",
        "精益管理",
        "2021-06-01",
    );
    assert_score(43, &partial, "5");
    assert_score(43, &Case::new(), "0");
}

#[test]
fn i43_same_honour_at_both_levels_counts_once_at_national_level() {
    let c = honour(
        honour(
            Case::new(),
            "山东省质量标杆",
            "省级",
            "甲企业",
            "数字化质量管控",
            "2020-05-01",
        ),
        "全国质量标杆",
        "国家级",
        "甲企业",
        "数字化质量管控",
        "2021-05-01",
    );
    let s = assert_score(43, &c, "3");
    // The counted honour is named (the catalogue's `item`), then the dedupe `note` with the
    // number of records merged into it.
    assert_eq!(
        s.basis,
        "国家级质量荣誉1个（3分/个）3分：甲企业“数字化质量管控”获全国质量标杆（2021年5月1日），同一获得单位同一荣誉事项重复报送1条，按最高级别计一次，本项得3分。"
    );
    assert_eq!(assert_score(43, &reversed(&c), "3").basis, s.basis);
    // A different matter of the same recipient is another honour.
    assert_score(
        43,
        &honour(
            c,
            "山东省质量标杆",
            "省级",
            "甲企业",
            "精益生产",
            "2021-05-01",
        ),
        "5",
    );
}

/// The same records in the opposite order.
fn reversed(c: &Case) -> Case {
    let mut r = c.clone();
    r.facts
        .lists
        .get_mut("quality_honors")
        .expect("honours")
        .reverse();
    r
}

#[test]
fn i43_a_nomination_then_the_award_for_one_matter_count_once_at_one_level() {
    // 省长质量奖提名奖 in 2019, then 省长质量奖 in 2021, for one 事项 of one 获得单位: one
    // achievement, 2 points (not 2 + 2), and the later award is the record kept.
    let c = honour(
        honour(
            Case::new(),
            "山东省省长质量奖提名奖",
            "省级",
            "乙企业",
            "全面质量管理",
            "2019-03-01",
        ),
        "山东省省长质量奖",
        "省级",
        "乙企业",
        "全面质量管理",
        "2021-11-05",
    );
    let expected = "省级质量荣誉1个（2分/个）2分：乙企业“全面质量管理”获山东省省长质量奖（2021年11月5日），同一获得单位同一荣誉事项重复报送1条，按最高级别计一次，本项得2分。";
    for case in [c.clone(), reversed(&c)] {
        let s = assert_score(43, &case, "2");
        assert_eq!(s.basis, expected);
        // The kept record's 证明材料 is the one cited.
        assert_eq!(s.evidence.len(), 1, "{:?}", s.evidence);
    }
}

#[test]
fn i43_national_and_provincial_for_one_matter_count_three_in_either_order() {
    let c = honour(
        honour(
            Case::new(),
            "全国质量标杆",
            "国家级",
            "甲企业",
            "精益管理",
            "2020-05-01",
        ),
        "山东省质量标杆",
        "省级",
        "甲企业",
        "精益管理",
        "2021-05-01",
    );
    // The 国家级 record is kept although the 省级 one is later.
    let expected = "国家级质量荣誉1个（3分/个）3分：甲企业“精益管理”获全国质量标杆（2020年5月1日），同一获得单位同一荣誉事项重复报送1条，按最高级别计一次，本项得3分。";
    assert_eq!(assert_score(43, &c, "3").basis, expected);
    assert_eq!(assert_score(43, &reversed(&c), "3").basis, expected);
}

#[test]
fn i43_two_national_records_for_one_matter_count_three() {
    let c = honour(
        honour(
            Case::new(),
            "中国质量奖提名奖",
            "国家级",
            "甲企业",
            "卓越绩效模式",
            "2016-03-29",
        ),
        "中国质量奖",
        "国家级",
        "甲企业",
        "卓越绩效模式",
        "2020-09-16",
    );
    let expected = "国家级质量荣誉1个（3分/个）3分：甲企业“卓越绩效模式”获中国质量奖（2020年9月16日），同一获得单位同一荣誉事项重复报送1条，按最高级别计一次，本项得3分。";
    assert_eq!(assert_score(43, &c, "3").basis, expected);
    assert_eq!(assert_score(43, &reversed(&c), "3").basis, expected);
}

#[test]
fn i43_merges_are_counted_by_the_part_that_counts_the_kept_record() {
    // 甲企业 精益管理 at both levels (kept: 国家级), 乙企业 全面质量管理 twice at 省级 (kept: the
    // later), 丙企业 at 省级 once: 3 + 2 + 2 = 7, one merge said in each part.
    let c = honour(
        honour(
            honour(
                honour(
                    honour(
                        Case::new(),
                        "山东省质量标杆",
                        "省级",
                        "甲企业",
                        "精益管理",
                        "2020-05-01",
                    ),
                    "山东省省长质量奖",
                    "省级",
                    "乙企业",
                    "全面质量管理",
                    "2021-11-05",
                ),
                "全国质量标杆",
                "国家级",
                "甲企业",
                "精益管理",
                "2021-05-01",
            ),
            "山东名牌",
            "省级",
            "丙企业",
            "精密轴承",
            "2020-12-01",
        ),
        "山东省省长质量奖提名奖",
        "省级",
        "乙企业",
        "全面质量管理",
        "2019-03-01",
    );
    let expected = "国家级质量荣誉1个（3分/个）3分：甲企业“精益管理”获全国质量标杆（2021年5月1日），同一获得单位同一荣誉事项重复报送1条，按最高级别计一次；省级质量荣誉2个（2分/个）4分：丙企业“精密轴承”获山东名牌（2020年12月1日）、乙企业“全面质量管理”获山东省省长质量奖（2021年11月5日），同一获得单位同一荣誉事项重复报送1条，按最高级别计一次；合计7分。";
    assert_eq!(assert_score(43, &c, "7").basis, expected);
    assert_eq!(assert_score(43, &reversed(&c), "7").basis, expected);
}

#[test]
fn i43_different_matters_or_recipients_count_separately() {
    let c = honour(
        honour(
            honour(
                Case::new(),
                "山东省质量标杆",
                "省级",
                "甲企业",
                "精益管理",
                "2021-05-01",
            ),
            "山东省质量标杆",
            "省级",
            "甲企业",
            "数字化质量管控",
            "2021-05-01",
        ),
        "山东省质量标杆",
        "省级",
        "乙企业",
        "精益管理",
        "2021-05-01",
    );
    let s = assert_score(43, &c, "6");
    assert!(!s.basis.contains("重复报送"), "{}", s.basis);
}

#[test]
fn i43_a_nomination_earns_by_its_level_not_its_name() {
    // A 提名奖 is worth 3 only when the record says 国家级: the level field decides.
    let provincial = honour(
        Case::new(),
        "山东省省长质量奖提名奖",
        "省级",
        "甲企业",
        "全面质量管理",
        "2016-05-01",
    );
    let s = assert_score(43, &provincial, "2");
    assert_eq!(
        s.basis,
        "省级质量荣誉1个（2分/个）2分：甲企业“全面质量管理”获山东省省长质量奖提名奖（2016年5月1日），本项得2分。"
    );
    let national = honour(
        Case::new(),
        "中国质量奖提名奖",
        "国家级",
        "甲企业",
        "全面质量管理",
        "2016-05-01",
    );
    assert_score(43, &national, "3");
}

#[test]
fn i43_the_kept_record_is_the_latest_then_the_first_by_text() {
    // Three 省级 records for one matter: the latest (2022) is kept, whatever the order.
    let three = |dates: [&str; 3]| {
        dates.iter().fold(Case::new(), |c, date| {
            honour(c, "山东省质量标杆", "省级", "甲企业", "精益管理", date)
        })
    };
    for dates in [
        ["2020-01-01", "2022-01-01", "2021-01-01"],
        ["2022-01-01", "2021-01-01", "2020-01-01"],
        ["2021-01-01", "2020-01-01", "2022-01-01"],
    ] {
        let s = assert_score(43, &three(dates), "2");
        assert!(
            s.basis
                .contains("获山东省质量标杆（2022年1月1日），同一获得单位同一荣誉事项重复报送2条"),
            "{}",
            s.basis
        );
    }
    // The same date: the record whose texts come first (山东省省长质量奖 before
    // 山东省省长质量奖提名奖) is kept, in either order.
    let same_day = honour(
        honour(
            Case::new(),
            "山东省省长质量奖提名奖",
            "省级",
            "甲企业",
            "精益管理",
            "2021-01-01",
        ),
        "山东省省长质量奖",
        "省级",
        "甲企业",
        "精益管理",
        "2021-01-01",
    );
    for case in [same_day.clone(), reversed(&same_day)] {
        let s = assert_score(43, &case, "2");
        assert!(
            s.basis
                .contains("：甲企业“精益管理”获山东省省长质量奖（2021年1月1日），"),
            "{}",
            s.basis
        );
    }
}

#[test]
fn i43_a_blank_key_field_merges_nothing() {
    // 甲企业 with two honours whose 荣誉事项 is blank: nothing says they are one achievement.
    let blank_matter = |c: Case, name: &str| {
        c.rec(
            "quality_honors",
            &[
                ("honor_name", t(name)),
                ("level", t("省级")),
                ("recipient", t("甲企业")),
                ("date", d("2021-05-01")),
            ],
        )
    };
    let c = blank_matter(blank_matter(Case::new(), "山东省质量标杆"), "山东名牌");
    let s = assert_score(43, &c, "4");
    assert!(!s.basis.contains("重复报送"), "{}", s.basis);
    // A blank 获得单位 neither (a text of spaces is blank).
    let blank_recipient = |c: Case, recipient: &str| {
        c.rec(
            "quality_honors",
            &[
                ("honor_name", t("山东省质量标杆")),
                ("level", t("省级")),
                ("recipient", t(recipient)),
                ("matter", t("精益管理")),
                ("date", d("2021-05-01")),
            ],
        )
    };
    assert_score(
        43,
        &blank_recipient(blank_recipient(Case::new(), " "), "  "),
        "4",
    );
    // All key fields blank: not merged either (as before).
    let bare = |c: Case| {
        c.rec(
            "quality_honors",
            &[
                ("honor_name", t("山东省质量标杆")),
                ("level", t("省级")),
                ("date", d("2021-05-01")),
            ],
        )
    };
    assert_score(43, &bare(bare(Case::new())), "4");
}

#[test]
fn i43_a_duplicate_outside_the_window_does_not_displace_one_inside() {
    // 全国质量标杆 of 2018 is outside 近三年 and counts nothing; the 省级 honour of 2021 for
    // the same matter still counts 2, and nothing was merged.
    let c = honour(
        honour(
            Case::new(),
            "全国质量标杆",
            "国家级",
            "甲企业",
            "精益管理",
            "2018-05-01",
        ),
        "山东省质量标杆",
        "省级",
        "甲企业",
        "精益管理",
        "2021-05-01",
    );
    let (s, diags) = score_with(43, &c, &campaign());
    assert_eq!(s.score, dec("2"), "{}", s.basis);
    assert!(!s.basis.contains("重复报送"), "{}", s.basis);
    assert!(diags.iter().any(|d| d.code == Code::OutsideWindow));
}

#[test]
fn i43_china_quality_award_counts_whatever_its_date() {
    let old = honour(
        Case::new(),
        "中国质量奖提名奖",
        "国家级",
        "甲企业",
        "卓越绩效模式",
        "2016-03-29",
    );
    let (s, diags) = score_with(43, &old, &campaign());
    assert_eq!(s.score, dec("3"));
    assert!(diags.iter().all(|d| d.code != Code::OutsideWindow));
    let governor = honour(
        old,
        "山东省省长质量奖",
        "省级",
        "乙企业",
        "全面质量管理",
        "2012-01-10",
    );
    assert_score(43, &governor, "5");
    // Any other honour older than three years does not count, and says so.
    let other = honour(
        Case::new(),
        "全国质量标杆",
        "国家级",
        "丙企业",
        "质量管理",
        "2019-07-20",
    );
    let (s, diags) = score_with(43, &other, &campaign());
    assert_eq!(s.score, dec("0"));
    let w = diags
        .iter()
        .find(|d| d.code == Code::OutsideWindow)
        .expect("warning");
    assert!(
        w.message.contains("不在近三年统计期内，不计分"),
        "{}",
        w.message
    );
    assert_score(
        43,
        &honour(
            Case::new(),
            "全国质量标杆",
            "国家级",
            "丙企业",
            "质量管理",
            "2019-07-21",
        ),
        "3",
    );
}

#[test]
fn missing_satisfactory_value_is_a_missing_benchmark_error() {
    let mut c = campaign();
    c.benchmarks.remove("35.share");
    let (s, diags) = score_with(
        35,
        &Case::new()
            .num("service_value_added", "60")
            .num("gdp", "100"),
        &c,
    );
    assert_eq!(s.score, dec("0"));
    let e = diags
        .iter()
        .find(|d| d.code == Code::MissingBenchmark)
        .expect("missing-benchmark");
    assert_eq!(e.severity, Severity::Error);
    assert!(
        e.message.contains("指标35") && e.message.contains("35.share"),
        "{}",
        e.message
    );
    // The catalogue-level check lists it too.
    let listed = common::catalogue().check_benchmarks(&c);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].location.indicator, Some(35));
}

#[test]
fn every_indicator_has_a_zero_case_on_empty_facts_except_the_efficacy_floor() {
    // On no facts at all every indicator scores 0 except 42, whose raw score 0 is itself a
    // value (the 不允许值) and gets the efficacy floor of 60%.
    let (sheet, _) =
        zhiliang_core::score::score(common::catalogue(), &Case::new().facts, &campaign());
    for s in &sheet.indicators {
        let expected = if s.id == 42 { dec("1.8") } else { dec("0") };
        assert_eq!(s.score, expected, "指标{}：{}", s.id, s.basis);
    }
    assert_eq!(sheet.total, dec("1.8"));
}
