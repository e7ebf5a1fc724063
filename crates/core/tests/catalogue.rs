//! The real catalogue and roster load and validate; malformed catalogues are rejected with
//! a message naming the place.

use std::path::PathBuf;

use rust_decimal::Decimal;
use zhiliang_core::catalogue::{Catalogue, CatalogueError, FieldKind};
use zhiliang_core::units::{Roster, TaskForceRole};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn roster() -> Roster {
    Roster::load(&repo("catalogue/units.toml")).expect("roster loads")
}

#[test]
fn real_catalogue_loads_and_validates() {
    let c = Catalogue::load(&repo("catalogue/indicators.toml"), &roster())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.categories.len(), 4);
    assert_eq!(
        c.categories
            .iter()
            .map(|c| c.subcategories.len())
            .sum::<usize>(),
        15
    );
    assert_eq!(c.indicators.len(), 43);
    let points: Vec<Decimal> = c.categories.iter().map(|c| c.points).collect();
    assert_eq!(points, [12, 15, 31, 42].map(Decimal::from));
    assert_eq!(
        c.indicators.iter().map(|i| i.points).sum::<Decimal>(),
        Decimal::from(100)
    );
    for i in &c.indicators {
        assert_eq!(i.rule.max(), Some(i.points), "指标{}", i.id);
    }
    // 区工信局（科技局） in the seed becomes the canonical 区工信局.
    assert_eq!(c.indicator(41).unwrap().responsible, ["区工信局"]);
    assert_eq!(c.indicator(26).unwrap().responsible, ["各成员单位"]);
    assert!(c.indicator(3).unwrap().text.contains("“3·15”"));
    assert!(c.indicator(23).unwrap().text.contains("（0.5）"));
}

fn catalogue_text() -> String {
    std::fs::read_to_string(repo("catalogue/indicators.toml")).unwrap()
}

/// Replace `from` by `to` inside the section of indicator `id` only.
fn edit_indicator(text: &str, id: u32, from: &str, to: &str) -> String {
    let head = format!("[[indicators]]\nid = {id}\n");
    let start = text.find(&head).expect("indicator section");
    let end = text[start + head.len()..]
        .find("[[indicators]]")
        .map_or(text.len(), |e| start + head.len() + e);
    let section = &text[start..end];
    assert!(section.contains(from), "indicator {id} has no {from:?}");
    format!(
        "{}{}{}",
        &text[..start],
        section.replacen(from, to, 1),
        &text[end..]
    )
}

fn problems_of(text: &str) -> Vec<String> {
    match Catalogue::parse(text, "indicators.toml", &roster()) {
        Ok(_) => panic!("malformed catalogue accepted"),
        Err(CatalogueError::Invalid { problems, .. }) => problems,
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[test]
fn wrong_points_sum_names_the_subcategory_and_the_indicator() {
    let text = edit_indicator(&catalogue_text(), 1, "points = 2\n", "points = 3\n");
    let problems = problems_of(&text);
    assert!(
        problems.contains(&"二级指标“质量理念”：所含指标分值合计5与其分值4不符".to_string()),
        "{problems:#?}"
    );
    assert!(
        problems.contains(&"指标1：评分规则最高分 2 与分值 3 不符".to_string()),
        "{problems:#?}"
    );
}

#[test]
fn category_points_not_adding_up_to_100_is_rejected() {
    let text = catalogue_text().replacen("points = 12\n", "points = 13\n", 1);
    let problems = problems_of(&text);
    assert!(
        problems
            .iter()
            .any(|p| p == "总分：各类别分值合计101，应为100"),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p == "类别“质量发展理念”：二级指标分值合计12与其分值13不符"),
        "{problems:#?}"
    );
}

#[test]
fn unknown_unit_is_named_with_its_indicator() {
    let text = edit_indicator(&catalogue_text(), 8, "\"区发改局\"", "\"区科协\"");
    let err = Catalogue::parse(&text, "indicators.toml", &roster()).unwrap_err();
    assert!(
        err.to_string()
            .contains("指标8：责任单位“区科协”不在专班名单中"),
        "{err}"
    );
    assert_eq!(
        err.diagnostics()[0].code,
        zhiliang_core::diagnostics::Code::CatalogueInvalid
    );
}

#[test]
fn duplicate_fact_key_is_rejected() {
    let text = catalogue_text().replacen("key = \"slogan_document\"", "key = \"slogan\"", 1);
    let problems = problems_of(&text);
    assert!(
        problems.contains(&"事实定义：键“slogan”重复".to_string()),
        "{problems:#?}"
    );
    // …and indicator 1 now refers to an undeclared key.
    assert!(
        problems.contains(&"指标1：facts 中的事实“slogan_document”未定义".to_string()),
        "{problems:#?}"
    );
}

#[test]
fn rule_maximum_different_from_points_is_rejected() {
    let text = edit_indicator(&catalogue_text(), 14, "cap = \"4\"", "cap = \"3.5\"");
    let problems = problems_of(&text);
    assert_eq!(problems, ["指标14：评分规则最高分 3.5 与分值 4 不符"]);
}

#[test]
fn choice_without_options_and_unknown_filter_values_are_rejected() {
    let text = catalogue_text().replacen(
        "options = [\"已推行\", \"着手研究\", \"未开展\"]",
        "options = []",
        1,
    );
    let problems = problems_of(&text);
    assert!(
        problems.contains(&"事实“injury_monitoring”：选择型字段缺少可选项（options）".to_string()),
        "{problems:#?}"
    );
    let text = edit_indicator(&catalogue_text(), 5, "\"国家级\"", "\"全国级\"");
    let problems = problems_of(&text);
    assert!(
        problems
            .contains(&"指标5：等级“全国级”不在“demonstration_events.level”的可选项内".to_string()),
        "{problems:#?}"
    );
    let text = edit_indicator(&catalogue_text(), 24, "eq = \"交流观摩\"", "eq = \"观摩\"");
    let problems = problems_of(&text);
    assert!(
        problems.contains(&"指标24：筛选值“观摩”不在字段“exchanges.type”的可选项内".to_string()),
        "{problems:#?}"
    );
}

#[test]
fn undeclared_fact_in_a_rule_is_rejected() {
    let text = edit_indicator(
        &catalogue_text(),
        22,
        "fact = \"complaint_channel\"",
        "fact = \"hotline\"",
    );
    let problems = problems_of(&text);
    assert!(
        problems.contains(&"指标22：评分规则引用的事实“hotline”未定义".to_string()),
        "{problems:#?}"
    );
}

#[test]
fn ids_must_run_from_1_to_43() {
    let text =
        catalogue_text().replacen("[[indicators]]\nid = 43\n", "[[indicators]]\nid = 44\n", 1);
    let problems = problems_of(&text);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("指标序号：应为1至43依次排列")),
        "{problems:#?}"
    );
}

// ---------- rule behaviour held as data (fixed benchmark ends, unlisted grades, dedupe notes) ----------

#[test]
fn a_fixed_benchmark_end_whose_words_do_not_show_its_value_is_refused() {
    let text = edit_indicator(
        &catalogue_text(),
        26,
        r#"value = "90", text"#,
        r#"value = "95", text"#,
    );
    assert_eq!(
        problems_of(&text),
        [
            "指标26：基准“26.rate”由评分方法规定的不允许值为95，说明文字“评分方法规定的90%”中却没有这个数"
        ]
    );
}

#[test]
fn a_fixed_benchmark_end_without_words_is_refused() {
    let text = edit_indicator(
        &catalogue_text(),
        28,
        r#"text = "评分方法规定的1:1目标（1元/人）""#,
        r#"text = " ""#,
    );
    assert_eq!(
        problems_of(&text),
        ["指标28：基准“28.per_capita”由评分方法规定的一端缺少说明文字（fixed.text）"]
    );
}

#[test]
fn a_fixed_benchmark_end_that_is_neither_end_is_refused_naming_the_line() {
    let text = edit_indicator(
        &catalogue_text(),
        26,
        r#"end = "unacceptable""#,
        r#"end = "lower""#,
    );
    let line = text
        .lines()
        .position(|l| l.contains(r#"end = "lower""#))
        .unwrap()
        + 1;
    let err = Catalogue::parse(&text, "indicators.toml", &roster()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("任务分解表 indicators.toml 格式有误"),
        "{message}"
    );
    assert!(message.contains(&format!("line {line}")), "{message}");
    assert!(message.contains("`lower`"), "{message}");
    assert!(
        message.contains("`satisfactory`") && message.contains("`unacceptable`"),
        "{message}"
    );
}

#[test]
fn a_points_table_that_does_not_say_what_the_rule_lists_is_refused() {
    let text = edit_indicator(
        &catalogue_text(),
        42,
        r#", unlisted = "评分方法只列国家级一、二等奖和省级一、二、三等奖""#,
        "",
    );
    assert_eq!(
        problems_of(&text),
        [
            "指标42：记录折算分规则缺少 unlisted（评分方法列出了哪些级别、等级）；不在折算表内的记录不计分并报错，报错时须说明这一点"
        ]
    );
}

#[test]
fn a_dedupe_note_without_the_count_is_refused_for_each_part() {
    let text = catalogue_text().replace(
        "note = \"同一获得单位同一荣誉事项重复报送{n}条，按最高级别计一次\"",
        "note = \"同一获得单位同一荣誉事项重复报送，按最高级别计一次\"",
    );
    let problem = "指标43：清单“quality_honors”的去重规则（dedupe）缺少得分依据中的说明（note），或说明中没有表示重复条数的“{n}”";
    assert_eq!(problems_of(&text), [problem, problem]);
}

#[test]
fn an_item_template_naming_an_undefined_field_is_refused() {
    let text = catalogue_text().replacen(
        "item = \"{recipient}“{matter}”获{honor_name}（{date}）\"",
        "item = \"{recipient}“{subject}”获{honor_name}（{date}）\"",
        1,
    );
    assert_ne!(text, catalogue_text());
    assert_eq!(
        problems_of(&text),
        ["指标43：得分依据列出记录的写法（item）引用的字段“quality_honors.subject”未定义"]
    );
}

#[test]
fn syntax_errors_name_the_file() {
    let err = Catalogue::parse("title = ", "indicators.toml", &roster()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("任务分解表 indicators.toml 格式有误"),
        "{err}"
    );
}

#[test]
fn roster_resolves_aliases_to_canonical_names() {
    let roster = roster();
    assert_eq!(roster.units.len(), 15);
    for (raw, canonical) in [
        ("区市场监督管理局", "区市场监管局"),
        ("章丘区市场监管局", "区市场监管局"),
        ("区工信局（科技局）", "区工信局"),
        ("济南市生态环境局章丘分局", "区生态环境分局"),
        ("区 财政局", "区财政局"),
    ] {
        assert_eq!(
            roster.resolve(raw).map(|u| u.name.as_str()),
            Some(canonical),
            "{raw}"
        );
    }
    assert!(roster.resolve("区科协").is_none());
}

#[test]
fn task_force_roles_are_parsed_from_the_roster_and_print_their_chinese_label() {
    let roster = roster();
    let role_of = |name: &str| roster.by_name(name).unwrap().role;
    assert_eq!(role_of("区政府办"), TaskForceRole::DeputyConvener);
    assert_eq!(role_of("区市场监管局"), TaskForceRole::DeputyConvener);
    assert_eq!(role_of("区财政局"), TaskForceRole::Member);
    let deputies = roster
        .units
        .iter()
        .filter(|u| u.role == TaskForceRole::DeputyConvener)
        .count();
    assert_eq!(deputies, 2);
    assert_eq!(TaskForceRole::DeputyConvener.label(), "副召集人");
    assert_eq!(
        serde_json::to_string(&TaskForceRole::Member).unwrap(),
        "\"成员\""
    );
}

#[test]
fn an_unknown_or_misplaced_task_force_role_is_refused() {
    let text = std::fs::read_to_string(repo("catalogue/units.toml")).unwrap();
    let unknown = text.replacen("role = \"副召集人\"", "role = \"组长\"", 1);
    let err = Roster::parse(&unknown, "units.toml")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("专班名单 units.toml 格式有误"), "{err}");
    assert!(
        err.contains("专班职务“组长”无法识别，应为“副召集人”或“成员”"),
        "{err}"
    );
    let convener = text.replacen("role = \"副召集人\"", "role = \" 召集人 \"", 1);
    let err = Roster::parse(&convener, "units.toml")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "专班名单有误：单位“区政府办”的专班职务不能是召集人：召集人是区领导，在 [convener] 中填写；单位成员应为“副召集人”或“成员”"
    );
}

#[test]
fn every_fact_and_list_field_is_described_for_the_forms() {
    let c = Catalogue::load(&repo("catalogue/indicators.toml"), &roster()).unwrap();
    for f in &c.facts {
        assert!(!f.label.is_empty() && !f.help.is_empty(), "{}", f.key);
        if matches!(f.kind, FieldKind::Count | FieldKind::Number) {
            assert!(f.min.is_some(), "{} needs a lower bound", f.key);
        }
    }
    for l in &c.lists {
        assert!(
            !l.label.is_empty() && !l.help.is_empty() && !l.identity.is_empty(),
            "{}",
            l.key
        );
        for field in &l.fields {
            assert!(!field.label.is_empty(), "{}.{}", l.key, field.key);
        }
    }
    // Every fact and list is used by some indicator.
    for f in &c.facts {
        assert!(
            c.indicators.iter().any(|i| i.facts.contains(&f.key)),
            "unused fact {}",
            f.key
        );
    }
    for l in &c.lists {
        assert!(
            c.indicators.iter().any(|i| i.lists.contains(&l.key)),
            "unused list {}",
            l.key
        );
    }
    // Shared facts are declared once and used twice.
    let users = |key: &str| {
        c.indicators
            .iter()
            .filter(|i| i.facts.iter().any(|k| k == key))
            .map(|i| i.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(users("gdp"), [35, 41]);
    assert_eq!(
        c.indicators_using("gdp").map(|i| i.id).collect::<Vec<_>>(),
        [35, 41]
    );
    assert_eq!(
        c.indicators_using("funding")
            .map(|i| i.id)
            .collect::<Vec<_>>(),
        [9]
    );
    assert_eq!(users("resident_population"), [28, 40]);
    assert_eq!(
        c.fact("certification_helped_smes_y1").unwrap().year_offset,
        Some(-1)
    );
    assert_eq!(
        c.fact("certification_helped_smes_y2").unwrap().year_offset,
        Some(-2)
    );
}

#[test]
fn verbatim_seed_text_is_kept() {
    let c = Catalogue::load(&repo("catalogue/indicators.toml"), &roster()).unwrap();
    let seed = std::fs::read_to_string("/work/shared/seed/000_fa22a23b0b99634d.txt").ok();
    for i in &c.indicators {
        assert!(!i.text.trim().is_empty());
        if let Some(seed) = &seed {
            assert!(seed.contains(&i.text), "指标{} text is not verbatim", i.id);
        }
    }
    assert_eq!(c.indicator(14).unwrap().deadline, "根据实际情况推进");
    assert_eq!(c.indicator(1).unwrap().deadline, "6月底前");
    assert_eq!(
        c.indicator(27).unwrap().responsible,
        ["区市场监管局", "其他各成员单位"]
    );
}

#[test]
fn catalogue_round_trips_through_json_and_toml() {
    let c = Catalogue::load(&repo("catalogue/indicators.toml"), &roster()).unwrap();
    let json = serde_json::to_string(&c).unwrap();
    let back: Catalogue = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    let toml_text = toml::to_string(&c).unwrap();
    let back = Catalogue::parse(&toml_text, "round-trip", &roster()).unwrap();
    assert_eq!(back, c);
}

/// The catalogue (model, rule language, validation) is read by the scoring engine and never
/// reads it back: no code line under `src/catalogue/` names `score::`.
#[test]
fn the_catalogue_does_not_depend_on_the_scoring_engine() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/catalogue");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        files += 1;
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            assert!(
                code.starts_with("//") || !code.contains("score::"),
                "{}:{}: {line}",
                path.display(),
                n + 1
            );
        }
    }
    assert_eq!(files, 3, "mod.rs, rule.rs, validate.rs");
}
