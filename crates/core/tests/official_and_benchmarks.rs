//! Official scores (四舍五入 to 0.01, tables that add up), benchmark ends fixed by the rule,
//! and indicator 26 when no unit reports (scoring.md).

mod common;

use common::*;
use rust_decimal::Decimal;
use zhiliang_core::catalogue::BenchmarkEnd;
use zhiliang_core::config::Benchmark;
use zhiliang_core::diagnostics::{Code, Severity};
use zhiliang_core::score::{self, display, official, table_for_people};

// ---------- official score ----------

#[test]
fn half_up_not_bankers_rounding() {
    assert_eq!(official(dec("2.565")), dec("2.57"));
    assert_eq!(official(dec("2.575")), dec("2.58"));
    assert_eq!(official(dec("0.125")), dec("0.13"));
    assert_eq!(official(dec("2.5649999999")), dec("2.56"));
    assert_eq!(display(dec("2.565")), "2.57");
    assert_eq!(display(dec("0.005")), "0.01");
    assert_eq!(display(dec("1.50")), "1.5");
    // rust_decimal's default would say 2.56 (to the even digit).
    assert_eq!(dec("2.565").round_dp(2), dec("2.56"));
}

/// 35: share 52.75% with benchmarks 60/40 → t = 0.6375 → d = 85.5 → 3 × 0.855 = 2.565.
/// 36: 200 enterprises (d 100) and revenue 27.5 (t 0.275, d 71): 1.5 + 1.065 = 2.565.
fn two_thousandths() -> Case {
    Case::new()
        .num("service_value_added", "527.5")
        .num("gdp", "1000")
        .num("service_enterprises", "200")
        .num("service_revenue", "27.5")
}

#[test]
fn an_exact_2_565_is_officially_2_57_and_the_basis_says_so() {
    let s = assert_score(35, &two_thousandths(), "2.57");
    assert_eq!(s.exact, dec("2.565"));
    assert_eq!(s.lost, dec("0.43"));
    assert!(s.basis.ends_with("功效系数得2.57分。"), "{}", s.basis);
    let s = assert_score(36, &two_thousandths(), "2.57");
    assert_eq!(s.exact, dec("2.565"));
    assert!(s.basis.contains("2.57分"), "{}", s.basis);
    // JSON keeps both: `score` is the official one, `exact` beside it.
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["score"], "2.57");
    assert_eq!(json["exact"], "2.565");
    assert_eq!(json["lost"], "0.43");
}

/// What a printed line of the table is.
#[derive(Debug, PartialEq)]
enum Line {
    Indicator,
    Subtotal,
    Category,
    Total,
}

/// The printed 得分 column of `table`, line by line.
fn printed(table: &str) -> Vec<(Line, Decimal)> {
    table
        .lines()
        .skip(2)
        .map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // Indicator rows: 序号 类别 二级指标 分值 得分 失分; the others end in 分值 得分.
            if cols[0].parse::<u32>().is_ok() {
                (Line::Indicator, dec(cols[4]))
            } else {
                let kind = if line.contains("小计") {
                    Line::Subtotal
                } else if line.contains("合计") {
                    Line::Category
                } else {
                    assert_eq!(cols[0], "总分", "{line}");
                    Line::Total
                };
                (kind, dec(cols[cols.len() - 1]))
            }
        })
        .collect()
}

/// Every printed subtotal is the sum of the printed rows above it, every category total the
/// sum of its printed subtotals, and the printed total the sum of the categories.
fn assert_table_adds_up(table: &str) -> Decimal {
    let (mut rows, mut subs, mut total) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let lines = printed(table);
    assert_eq!(lines.len(), 43 + 15 + 4 + 1, "{table}");
    for (kind, score) in lines {
        match kind {
            Line::Indicator => rows += score,
            Line::Subtotal => {
                assert_eq!(score, rows, "a subtotal:\n{table}");
                subs += score;
                rows = Decimal::ZERO;
            }
            Line::Category => {
                assert_eq!(score, subs, "a category:\n{table}");
                total += score;
                subs = Decimal::ZERO;
            }
            Line::Total => assert_eq!(score, total, "总分:\n{table}"),
        }
    }
    total
}

#[test]
fn subtotals_and_the_total_are_sums_of_official_scores_so_the_table_adds_up() {
    let (sheet, _) = score::score(catalogue(), &two_thousandths().facts, &campaign());
    // 35 and 36 are 2.57 each (exact 2.565); 42 gets its floor 1.8 on no awards.
    let service = sheet
        .subcategories
        .iter()
        .find(|s| s.name == "服务质量")
        .unwrap();
    assert_eq!(service.score, dec("5.14"), "not the rounded exact sum 5.13");
    assert_eq!(sheet.total, dec("6.94"));
    let exact: Decimal = sheet.indicators.iter().map(|s| s.exact).sum();
    assert_eq!(exact, dec("6.93"));
    let table = table_for_people(&sheet, catalogue());
    assert!(table.contains("  35  "), "{table}");
    let row35 = table
        .lines()
        .find(|l| l.trim_start().starts_with("35 "))
        .unwrap();
    assert!(
        row35.contains(" 2.57 ") && row35.ends_with("0.43"),
        "{row35}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.contains("〔服务质量〕") && l.contains("小计") && l.ends_with("5.14")),
        "{table}"
    );
    assert!(table.lines().last().unwrap().ends_with("6.94"), "{table}");
    assert_eq!(assert_table_adds_up(&table), dec("6.94"));
}

#[test]
fn the_example_table_adds_up_as_printed() {
    let text = std::fs::read_to_string(repo("examples/zhangqiu/facts.json")).unwrap();
    let file: zhiliang_core::facts::FactsFile = serde_json::from_str(&text).unwrap();
    let c = zhiliang_core::config::Campaign::load(&repo("input/campaign.toml")).unwrap();
    let (facts, _) = zhiliang_core::merge::merge(catalogue(), roster(), &file.submissions);
    let (sheet, _) = score::score(catalogue(), &facts, &c);
    let table = table_for_people(&sheet, catalogue());
    assert_eq!(assert_table_adds_up(&table), sheet.total);
    for s in &sheet.indicators {
        assert_eq!(s.score, official(s.exact), "指标{}", s.id);
        assert_eq!(s.score, s.score.round_dp(2));
    }
}

// ---------- ends fixed by the rule ----------

fn with_benchmark(key: &str, h: &str, s: &str) -> zhiliang_core::config::Campaign {
    let mut c = campaign();
    c.benchmarks.insert(
        key.to_string(),
        Benchmark {
            satisfactory: dec(h),
            unacceptable: dec(s),
            source: "配置".into(),
        },
    );
    c
}

fn violations(found: &str, handled: &str) -> Case {
    Case::new()
        .num("violations_found", found)
        .num("violations_handled", handled)
}

#[test]
fn the_catalogue_fixes_26_unacceptable_90_and_28_satisfactory_1() {
    let parts: Vec<(u32, String, BenchmarkEnd, Decimal)> = catalogue()
        .indicators
        .iter()
        .flat_map(|i| {
            i.rule
                .benchmark_parts()
                .into_iter()
                .filter_map(move |(key, fixed)| {
                    fixed.map(|f| (i.id, key.to_string(), f.end, f.value))
                })
        })
        .collect();
    assert_eq!(
        parts,
        [
            (
                26,
                "26.rate".to_string(),
                BenchmarkEnd::Unacceptable,
                dec("90")
            ),
            (
                28,
                "28.per_capita".to_string(),
                BenchmarkEnd::Satisfactory,
                dec("1")
            ),
        ]
    );
}

#[test]
fn a_configured_unacceptable_95_for_26_is_overruled_by_the_rules_90_with_a_warning() {
    // 19 of 20 = 95%. With x_s = 90 (the rule): t = 0.5 → d = 80 → 1.6. With the configured
    // 95 it would be the 60% floor, 1.2.
    let c = with_benchmark("26.rate", "100", "95");
    let (s, diags) = score_with(26, &violations("20", "19"), &c);
    assert_eq!(s.score, dec("1.6"), "{}", s.basis);
    assert!(s.basis.contains("满意值100%、不允许值90%"), "{}", s.basis);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let w = &diags[0];
    assert_eq!(
        (w.code, w.severity),
        (Code::BenchmarkFixedByRule, Severity::Warning)
    );
    assert_eq!(w.location.indicator, Some(26));
    assert_eq!(w.location.fact.as_deref(), Some("26.rate"));
    assert_eq!(w.value.as_deref(), Some("95"));
    assert!(w.message.contains("不允许值为95%"), "{}", w.message);
    assert!(w.message.contains("评分方法规定的90%"), "{}", w.message);
    assert!(w.message.contains("按90%计分"), "{}", w.message);
    // 92%: below the configured 95 but above the rule's 90 → d = 60 + 40 × 0.2 = 68 → 1.36.
    let (s, _) = score_with(26, &violations("50", "46"), &c);
    assert_eq!(s.score, dec("1.36"), "{}", s.basis);
}

#[test]
fn a_configured_satisfactory_2_for_28_is_overruled_by_the_rules_1() {
    // 0.5 元/人 with x_h = 1 (rule), x_s = 0: d = 80 → 0.8 (with x_h = 2 it would be 0.7).
    let c = with_benchmark("28.per_capita", "2", "0");
    let case = Case::new()
        .num("product_regulation_funds_y1", "500000")
        .num("resident_population", "100");
    let (s, diags) = score_with(28, &case, &c);
    assert_eq!(s.score, dec("0.8"), "{}", s.basis);
    let w = diags
        .iter()
        .find(|d| d.code == Code::BenchmarkFixedByRule)
        .expect("warning");
    assert!(
        w.message.contains("满意值为2元/人") && w.message.contains("1:1目标（1元/人）"),
        "{}",
        w.message
    );
    // The rule's own values draw no warning.
    let (_, diags) = score_with(28, &case, &campaign());
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn a_configuration_the_rules_end_turns_around_is_an_error_not_a_silent_score() {
    // Configured 85/80 (higher is better); with the rule's 90 the satisfactory value 85 lies
    // below the unacceptable one, which would invert the formula.
    let c = with_benchmark("26.rate", "85", "80");
    let (s, diags) = score_with(26, &violations("20", "19"), &c);
    assert_eq!(s.score, dec("0"));
    assert!(diags.iter().any(|d| d.code == Code::BenchmarkFixedByRule));
    let e = diags
        .iter()
        .find(|d| d.code == Code::ConfigInvalid)
        .expect("config-invalid");
    assert!(
        e.is_error() && e.message.contains("方向与创建配置相反"),
        "{}",
        e.message
    );
}

#[test]
fn province_fallback_benchmarks_keep_the_rules_end() {
    // Every county below the rule's 90: the comparison gives no usable pair, the configured
    // benchmark is kept for all, but with the rule's 90 in place of the configured 95.
    let configured = std::collections::BTreeMap::from([(
        "26.rate".to_string(),
        Benchmark {
            satisfactory: dec("100"),
            unacceptable: dec("95"),
            source: "配置".into(),
        },
    )]);
    let county = |name: &str, x: &str| {
        (
            name.to_string(),
            std::collections::BTreeMap::from([("26.rate".to_string(), Some(dec(x)))]),
        )
    };
    let values = [county("甲县", "85"), county("乙县", "88")];
    let d = score::benchmarks_from_counties(catalogue(), &configured, &values);
    let part = d.parts.iter().find(|p| p.key == "26.rate").unwrap();
    assert!(!part.derived);
    let b = &d.benchmarks["26.rate"];
    assert_eq!((b.satisfactory, b.unacceptable), (dec("100"), dec("90")));
    let w = d
        .diagnostics
        .iter()
        .find(|x| x.location.fact.as_deref() == Some("26.rate"))
        .unwrap();
    assert!(
        w.message.contains("满意值100%、不允许值90%"),
        "{}",
        w.message
    );
}

// ---------- 26: a blank is not a zero ----------

#[test]
fn with_no_unit_reporting_26_scores_0_and_says_why() {
    let (s, diags) = score_with(26, &Case::new(), &campaign());
    assert_eq!(s.score, dec("0"));
    assert!(s.basis.contains("没有单位填报"), "{}", s.basis);
    let facts: Vec<&str> = diags
        .iter()
        .map(|d| d.location.fact.as_deref().unwrap())
        .collect();
    assert_eq!(facts, ["violations_handled", "violations_found"]);
    for d in &diags {
        assert_eq!((d.code, d.severity), (Code::MissingFact, Severity::Error));
        assert_eq!(d.location.indicator, Some(26));
        assert!(
            d.message.contains("没有任何单位填报") && d.message.contains("本项按0分计"),
            "{}",
            d.message
        );
        assert!(d.message.contains("没有的填0件"), "{}", d.message);
    }
    // Only the handled counts missing: that one is named.
    let (s, diags) = score_with(26, &Case::new().num("violations_found", "3"), &campaign());
    assert_eq!(s.score, dec("0"));
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0].location.fact.as_deref(),
        Some("violations_handled")
    );
    // Every unit answering 0 is an answer: nothing found counts as 100%.
    let (s, diags) = score_with(26, &violations("0", "0"), &campaign());
    assert_eq!(s.score, dec("2"));
    assert!(diags.is_empty());
}
