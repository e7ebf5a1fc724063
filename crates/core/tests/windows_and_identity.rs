//! Windows from 29 February, and record identity with the order of units and rows made
//! irrelevant (scoring.md: time windows; merging).

mod common;

use common::*;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::diagnostics::{Code, Diagnostic, Severity};
use zhiliang_core::facts::{FactsFile, Record, ScalarFact, Source, Submission, Value};
use zhiliang_core::merge::merge;
use zhiliang_core::score;

// ---------- 29 February ----------

/// Evaluation year 2024, reference date 2024-02-29: 近一年 is (2023-02-28, 2024-02-29],
/// 近三年 (2021-02-28, 2024-02-29].
fn leap() -> Campaign {
    let mut c = campaign();
    c.dates.evaluation_year = 2024;
    c.dates.reference_date = date("2024-02-29");
    c.dates.document_date = date("2024-02-29");
    c
}

fn rec(c: Case, list: &str, fields: &[(&str, Value)]) -> Case {
    c.rec(list, fields)
}

/// Score on the leap-day campaign; the dates the `outside-window` warnings name.
fn leap_score(id: u32, case: &Case, expected: &str) -> Vec<String> {
    let (s, diags) = score_with(id, case, &leap());
    assert_eq!(s.score, dec(expected), "指标{id}：{}", s.basis);
    assert!(
        diags.iter().all(|d| d.code == Code::OutsideWindow),
        "{diags:#?}"
    );
    let mut dates: Vec<String> = diags.iter().filter_map(|d| d.value.clone()).collect();
    dates.sort();
    dates
}

#[test]
fn one_year_from_29_february_starts_after_28_february() {
    // 24: 交流观摩 on 2023-03-01 is inside (0.5); 质量培训 on 2023-02-28 is not (0).
    let c = rec(
        rec(
            Case::new(),
            "exchanges",
            &[
                ("type", t("交流观摩")),
                ("name", t("观摩会")),
                ("date", d("2023-03-01")),
            ],
        ),
        "exchanges",
        &[
            ("type", t("质量培训")),
            ("name", t("首席质量官培训")),
            ("date", d("2023-02-28")),
        ],
    );
    assert_eq!(leap_score(24, &c, "0.5"), ["2023-02-28"]);
    let (_, diags) = score_with(24, &c, &leap());
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(
        diags[0].message.contains("2023年2月28日不在近一年统计期内"),
        "{}",
        diags[0].message
    );
    // The reference day itself is inside: training on 2024-02-29 → 1.
    let c = rec(
        c,
        "exchanges",
        &[
            ("type", t("质量培训")),
            ("name", t("培训")),
            ("date", d("2024-02-29")),
        ],
    );
    assert_eq!(leap_score(24, &c, "1"), ["2023-02-28"]);

    // 3: an activity of 2023-03-01 counts (1); publicity through 2 channels, one of them on
    // 2023-02-28, is only 1 channel inside (0).
    let c = rec(
        Case::new(),
        "culture_activities",
        &[
            ("name", t("质量月")),
            ("type", t("质量月")),
            ("date", d("2023-03-01")),
        ],
    );
    let c = rec(
        c,
        "publicity",
        &[
            ("channel", t("横幅")),
            ("content", t("质量月")),
            ("date", d("2024-02-29")),
        ],
    );
    let c = rec(
        c,
        "publicity",
        &[
            ("channel", t("网络")),
            ("content", t("质量月")),
            ("date", d("2023-02-28")),
        ],
    );
    assert_eq!(leap_score(3, &c, "1"), ["2023-02-28"]);

    // 6: body 2 + the best meeting inside: 区长 on 2023-03-01 (1); 区委书记 on 2023-02-28 is out.
    let c = Case::new().text("coordination_body", "质量强区工作领导小组");
    let c = rec(
        c,
        "quality_meetings",
        &[
            ("name", t("质量工作会议")),
            ("date", d("2023-02-28")),
            ("top_leader", t("区委书记")),
        ],
    );
    let c = rec(
        c,
        "quality_meetings",
        &[
            ("name", t("质量工作推进会")),
            ("date", d("2023-03-01")),
            ("top_leader", t("区长")),
        ],
    );
    assert_eq!(leap_score(6, &c, "3"), ["2023-02-28"]);
}

#[test]
fn three_years_from_29_february_start_after_28_february_2021() {
    // 4: 省级表彰 1/次: 2021-03-01 in, 2021-02-28 out → 1.
    let honour = |c: Case, date: &str| {
        rec(
            c,
            "honors_and_reports",
            &[
                ("type", t("表彰")),
                ("level", t("省级")),
                ("name", t(&format!("表彰{date}"))),
                ("issuer", t("省政府")),
                ("date", d(date)),
                ("is_ad", b(false)),
            ],
        )
    };
    assert_eq!(
        leap_score(
            4,
            &honour(honour(Case::new(), "2021-02-28"), "2021-03-01"),
            "1"
        ),
        ["2021-02-28"]
    );

    // 5: 国家级 on 2021-02-28 is out; 省级 on 2021-03-01 is the best inside → 1.
    let event = |c: Case, level: &str, date: &str| {
        rec(
            c,
            "demonstration_events",
            &[
                ("name", t(&format!("现场会{date}"))),
                ("level", t(level)),
                ("role", t("举办")),
                ("date", d(date)),
            ],
        )
    };
    assert_eq!(
        leap_score(
            5,
            &event(
                event(Case::new(), "国家级", "2021-02-28"),
                "省级",
                "2021-03-01"
            ),
            "1"
        ),
        ["2021-02-28"]
    );

    // 14: 国家 主导制定 on 2021-02-28 and 2021-03-01: one inside → 0.5 (two would be 1).
    let standard = |c: Case, number: &str, date: &str| {
        rec(
            c,
            "standards",
            &[
                ("number", t(number)),
                ("name", t("标准")),
                ("level", t("国家")),
                ("role", t("主导制定")),
                ("published", d(date)),
            ],
        )
    };
    assert_eq!(
        leap_score(
            14,
            &standard(
                standard(Case::new(), "GB/T 1-2021", "2021-02-28"),
                "GB/T 2-2021",
                "2021-03-01"
            ),
            "0.5"
        ),
        ["2021-02-28"]
    );

    // 15: 国家级 pilots on 2021-02-28, 2021-03-01 and 2024-02-29: two inside → 1 (three → 2).
    let pilot = |c: Case, date: &str| {
        rec(
            c,
            "standard_pilots",
            &[
                ("name", t(&format!("试点{date}"))),
                ("level", t("国家级")),
                ("completed", d(date)),
            ],
        )
    };
    let c = pilot(
        pilot(pilot(Case::new(), "2021-02-28"), "2021-03-01"),
        "2024-02-29",
    );
    assert_eq!(leap_score(15, &c, "1"), ["2021-02-28"]);

    // 42: 国家一等 (3) on 2021-03-01 counts, 国家二等 (2) on 2021-02-28 does not: raw 3 →
    // t = 3/6 → d = 80 → 2.4 (with the 2 it would be 2.8).
    let award = |c: Case, grade: &str, date: &str| {
        rec(
            c,
            "tech_awards",
            &[
                ("name", t(&format!("项目{date}"))),
                ("category", t("科技进步奖")),
                ("level", t("国家级")),
                ("grade", t(grade)),
                ("first_unit", b(true)),
                ("date", d(date)),
            ],
        )
    };
    assert_eq!(
        leap_score(
            42,
            &award(
                award(Case::new(), "一等奖", "2021-03-01"),
                "二等奖",
                "2021-02-28"
            ),
            "2.4"
        ),
        ["2021-02-28"]
    );

    // 43: 国家级 on 2021-03-01 (3) + 省级 on 2024-02-29 (2); 省级 on 2021-02-28 is out → 5.
    let honour = |c: Case, level: &str, recipient: &str, date: &str| {
        rec(
            c,
            "quality_honors",
            &[
                ("honor_name", t("质量标杆")),
                ("level", t(level)),
                ("recipient", t(recipient)),
                ("matter", t("精益管理")),
                ("date", d(date)),
            ],
        )
    };
    let c = honour(
        honour(
            honour(Case::new(), "国家级", "甲企业", "2021-03-01"),
            "省级",
            "乙企业",
            "2021-02-28",
        ),
        "省级",
        "丙企业",
        "2024-02-29",
    );
    assert_eq!(leap_score(43, &c, "5"), ["2021-02-28"]);
}

// ---------- record identity ----------

fn submission(unit: &str, file: &str) -> Submission {
    Submission {
        unit: unit.into(),
        file: file.into(),
        ..Default::default()
    }
}

fn source(s: &Submission, sheet: &str, cell: &str) -> Source {
    Source {
        unit: s.unit.clone(),
        file: s.file.clone(),
        sheet: sheet.into(),
        cell: Some(cell.into()),
    }
}

fn record(s: &mut Submission, list: &str, fields: &[(&str, Value)], cell: &str) {
    let source = source(s, list, cell);
    s.records.push(Record {
        list: list.into(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        evidence: Some(format!("{list}-{cell}.pdf")),
        source,
    });
}

fn provincial_benchmark(s: &mut Submission, date: &str, cell: &str) {
    record(
        s,
        "quality_honors",
        &[
            ("honor_name", t("山东省质量标杆")),
            ("level", t("省级")),
            ("recipient", t("甲企业")),
            ("matter", t("精益管理")),
            ("date", d(date)),
        ],
        cell,
    );
}

#[test]
fn the_same_honour_received_in_2018_and_2021_is_two_records_each_judged_by_its_date() {
    // Whichever row comes first: the 2021 honour counts (2), the 2018 one is outside 近三年.
    for order in [["2018-11-20", "2021-11-20"], ["2021-11-20", "2018-11-20"]] {
        let mut s = submission("区市场监管局", "shichangjianguan.xlsx");
        provincial_benchmark(&mut s, order[0], "A5");
        provincial_benchmark(&mut s, order[1], "A6");
        let (facts, merge_diags) = merge(catalogue(), roster(), &[s]);
        assert!(merge_diags.is_empty(), "{merge_diags:#?}");
        assert_eq!(facts.list("quality_honors").len(), 2);
        let (s43, diags) = score::score_indicator(catalogue(), 43, &facts, &campaign());
        let s43 = s43.unwrap();
        assert_eq!(s43.score, dec("2"), "{order:?}: {}", s43.basis);
        let outside: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.code == Code::OutsideWindow)
            .collect();
        assert_eq!(outside.len(), 1);
        assert_eq!(outside[0].value.as_deref(), Some("2018-11-20"));
    }
}

#[test]
fn the_same_award_with_two_dates_is_two_awards() {
    let award = |s: &mut Submission, date: &str, cell: &str| {
        record(
            s,
            "tech_awards",
            &[
                ("name", t("高端轴承精密制造关键技术")),
                ("category", t("科技进步奖")),
                ("level", t("省级")),
                ("grade", t("二等奖")),
                ("first_unit", b(true)),
                ("date", d(date)),
            ],
            cell,
        );
    };
    let mut s = submission("区工信局", "gongxin.xlsx");
    award(&mut s, "2020-12-01", "A5");
    award(&mut s, "2021-12-01", "A6");
    let (facts, merge_diags) = merge(catalogue(), roster(), &[s]);
    assert!(merge_diags.is_empty(), "{merge_diags:#?}");
    // 省二等 1 + 1 = 2 → t = 2/6 → d = 60 + 40/3 → 3 × d / 100 = 2.2.
    let (s42, _) = score::score_indicator(catalogue(), 42, &facts, &campaign());
    assert_eq!(s42.unwrap().score, dec("2.2"));
}

#[test]
fn records_equal_in_every_field_scoring_reads_are_one_record() {
    // 表彰 with 是否广告 blank and 是否广告 否 are the same record (a blank counts as 否).
    let honour = |s: &mut Submission, ad: Option<Value>, cell: &str| {
        let mut fields = vec![
            ("type", t("表彰")),
            ("level", t("省级")),
            ("name", t("山东省质量工作先进集体")),
            ("issuer", t(" 山东省人民政府 ")),
            ("date", d("2021-05-20")),
        ];
        if let Some(ad) = ad {
            fields.push(("is_ad", ad));
        }
        record(s, "honors_and_reports", &fields, cell);
    };
    let mut market = submission("区市场监管局", "shichangjianguan.xlsx");
    honour(&mut market, Some(b(false)), "A5");
    let mut office = submission("区政府办", "zhengfuban.xlsx");
    honour(&mut office, None, "A9");
    // Another level is another record.
    let mut s = submission("区工信局", "gongxin.xlsx");
    record(
        &mut s,
        "honors_and_reports",
        &[
            ("type", t("表彰")),
            ("level", t("市级")),
            ("name", t("山东省质量工作先进集体")),
            ("issuer", t("山东省人民政府")),
            ("date", d("2021-05-20")),
        ],
        "A4",
    );
    let (facts, diags) = merge(catalogue(), roster(), &[market, office, s]);
    assert_eq!(facts.list("honors_and_reports").len(), 2);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    // Roster order: 区政府办 comes before 区市场监管局, so its row is kept and the other warned.
    assert_eq!(diags[0].code, Code::DuplicateRecord);
    assert_eq!(diags[0].location.unit.as_deref(), Some("区市场监管局"));
    assert!(
        diags[0]
            .message
            .contains("zhengfuban.xlsx › honors_and_reports › A9"),
        "{}",
        diags[0].message
    );
    assert!(!diags[0].message.contains("·否"), "{}", diags[0].message);
    // 省级 1 + 市级 0.5.
    let (s4, _) = score::score_indicator(catalogue(), 4, &facts, &campaign());
    assert_eq!(s4.unwrap().score, dec("1.5"));
}

#[test]
fn an_identity_without_a_field_scoring_reads_is_a_catalogue_error() {
    let text = catalogue_text().replace(
        r#"identity = ["honor_name", "level", "recipient", "matter", "date"]"#,
        r#"identity = ["honor_name", "level", "recipient", "matter"]"#,
    );
    let err = Catalogue::parse(&text, "indicators.toml", roster())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("清单“quality_honors”：计分要读取的字段“date”未列入识别字段"),
        "{err}"
    );
    // Every list's identity holds every field scoring reads.
    for l in &catalogue().lists {
        for f in catalogue().scoring_fields(&l.key) {
            assert!(l.identity.contains(&f), "{}.{f}", l.key);
        }
    }
    assert_eq!(
        catalogue().scoring_fields("tech_awards"),
        ["date", "level", "grade", "first_unit"]
    );
}

// ---------- order of units and rows ----------

/// xorshift: permutations that are the same on every run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// The example campaign plus duplicates across and within units, and records that differ
/// only in their dates.
fn submissions_with_duplicates() -> Vec<Submission> {
    let text = std::fs::read_to_string(repo("examples/zhangqiu/facts.json")).unwrap();
    let mut subs = serde_json::from_str::<FactsFile>(&text)
        .unwrap()
        .submissions;
    let find =
        |subs: &mut Vec<Submission>, unit: &str| subs.iter().position(|s| s.unit == unit).unwrap();
    let market = find(&mut subs, "区市场监管局");
    let industry = find(&mut subs, "区工信局");
    // The same honour from two units, the same one again from one unit, and one dated 2018.
    provincial_benchmark(&mut subs[market], "2021-11-20", "A40");
    provincial_benchmark(&mut subs[industry], "2021-11-20", "A41");
    provincial_benchmark(&mut subs[industry], "2021-11-20", "A42");
    provincial_benchmark(&mut subs[industry], "2018-11-20", "A43");
    // An exact copy of one of 区住建局's rows, under another cell.
    let builder = find(&mut subs, "区住建局");
    let mut copy = subs[builder].records[0].clone();
    copy.source.cell = Some("A99".into());
    subs[builder].records.push(copy);
    subs
}

fn run(
    subs: &[Submission],
    campaign: &Campaign,
) -> (score::ScoreSheet, Vec<Diagnostic>, Vec<Diagnostic>) {
    let (facts, merge_diags) = merge(catalogue(), roster(), subs);
    let (sheet, score_diags) = score::score(catalogue(), &facts, campaign);
    (sheet, merge_diags, score_diags)
}

#[test]
fn scores_and_warnings_do_not_depend_on_the_order_of_units_and_rows() {
    let campaign = Campaign::load(&repo("input/campaign.toml")).unwrap();
    let subs = submissions_with_duplicates();
    let (sheet, merge_diags, score_diags) = run(&subs, &campaign);
    // The duplicates: 区工信局's two copies of the honour 区市场监管局 also sent (the
    // roster puts 区市场监管局 first, so its row A40 is kept), and 区住建局's copied row.
    let dups: Vec<(&str, String)> = merge_diags
        .iter()
        .map(|d| {
            (
                d.location.unit.as_deref().unwrap(),
                d.location.cell.as_ref().unwrap().to_string(),
            )
        })
        .collect();
    let dups: Vec<(&str, &str)> = dups.iter().map(|(u, c)| (*u, c.as_str())).collect();
    assert_eq!(
        dups,
        [
            ("区工信局", "A41"),
            ("区工信局", "A42"),
            ("区住建局", "A99")
        ]
    );
    assert!(merge_diags.iter().all(|d| d.code == Code::DuplicateRecord));
    assert!(
        merge_diags[0]
            .message
            .contains("shichangjianguan.xlsx › quality_honors › A40"),
        "{}",
        merge_diags[0].message
    );
    // The 2018 honour is its own record, outside 近三年.
    assert!(
        score_diags
            .iter()
            .any(|d| d.code == Code::OutsideWindow && d.value.as_deref() == Some("2018-11-20"))
    );

    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    for round in 0..8 {
        let mut shuffled = subs.clone();
        dice.shuffle(&mut shuffled);
        for s in &mut shuffled {
            dice.shuffle(&mut s.records);
            dice.shuffle(&mut s.scalars);
        }
        assert_ne!(
            shuffled.iter().map(|s| &s.unit).collect::<Vec<_>>(),
            subs.iter().map(|s| &s.unit).collect::<Vec<_>>(),
            "round {round} shuffled nothing"
        );
        let (s, m, d) = run(&shuffled, &campaign);
        assert_eq!(s, sheet, "round {round}: scores differ");
        assert_eq!(m, merge_diags, "round {round}: duplicate warnings differ");
        assert_eq!(d, score_diags, "round {round}: scoring diagnostics differ");
    }
}

#[test]
fn summed_counts_and_their_sources_do_not_depend_on_the_order_of_units() {
    let mut subs = Vec::new();
    for (unit, found, handled) in [
        ("区住建局", "36", "35"),
        ("区市场监管局", "120", "117"),
        ("区统计局", "0", "0"),
    ] {
        let mut s = submission(unit, "x.xlsx");
        for (key, v, cell) in [
            ("violations_found", found, "D30"),
            ("violations_handled", handled, "D31"),
        ] {
            let source = source(&s, "数据填报", cell);
            s.scalars.push(ScalarFact {
                key: key.into(),
                value: n(v),
                evidence: None,
                note: None,
                source,
            });
        }
        subs.push(s);
    }
    let (a, ..) = run(&subs, &campaign());
    subs.reverse();
    let (b, ..) = run(&subs, &campaign());
    assert_eq!(a, b);
    // 152/156 = 97.44% → t 0.744 → d 89.74… → 1.79 (exact 1.794871794871794871794871…,
    // kept to 20 decimals).
    let i26 = &a.indicators[25];
    assert_eq!(
        (i26.score, i26.exact),
        (dec("1.79"), dec("1.79487179487179487179"))
    );
    let units: Vec<&str> = i26.sources.iter().map(|s| s.unit.as_str()).collect();
    // Handled counts first (the numerator), then found, each in roster order.
    assert_eq!(
        units,
        [
            "区市场监管局",
            "区住建局",
            "区统计局",
            "区市场监管局",
            "区住建局",
            "区统计局"
        ]
    );
}

#[test]
fn the_same_honour_twice_at_one_level_counts_once_and_a_higher_level_replaces_it() {
    // 43 (scoring.md): the same 获得单位 + 荣誉事项 counts once, at its highest level, however
    // many records name it — also twice at one level.
    let honour = |c: Case, level: &str, date: &str| {
        c.rec(
            "quality_honors",
            &[
                ("honor_name", t("质量标杆")),
                ("level", t(level)),
                ("recipient", t("甲企业")),
                ("matter", t("精益管理")),
                ("date", d(date)),
            ],
        )
    };
    // 省级 in 2020 and again in 2021: one honour, 2.
    let twice = honour(
        honour(Case::new(), "省级", "2020-06-01"),
        "省级",
        "2021-06-01",
    );
    let s = assert_score(43, &twice, "2");
    assert!(
        s.basis
            .contains("（2021年6月1日），同一获得单位同一荣誉事项重复报送1条"),
        "{}",
        s.basis
    );
    // Plus 国家级 for the same matter: both 省级 give way to it, 3.
    let s = assert_score(43, &honour(twice.clone(), "国家级", "2021-09-01"), "3");
    assert!(s.basis.contains("重复报送2条"), "{}", s.basis);
    // Whatever the order of the rows.
    let mut reversed = honour(twice, "国家级", "2021-09-01");
    reversed
        .facts
        .lists
        .get_mut("quality_honors")
        .unwrap()
        .reverse();
    assert_eq!(assert_score(43, &reversed, "3").basis, s.basis);
}
