//! End-to-end tests of the `zhiliang` binary on a copy of the example campaign: build,
//! rebuild, change report, draft mode, archive and verify, watch.

// Helpers here take owned values to keep the many call sites short.
#![allow(clippy::needless_pass_by_value)]

mod common;

use common::{Campaign, change_fact, stdout};
use rust_decimal::Decimal;
use std::str::FromStr;
use zhiliang_core::facts::Value;

const DOCS: [&str; 3] = ["申请表.pdf", "自评报告.pdf", "年度质量分析报告.pdf"];
const DRAFTS: [&str; 3] = [
    "申请表（草稿）.pdf",
    "自评报告（草稿）.pdf",
    "年度质量分析报告（草稿）.pdf",
];

fn record(c: &Campaign) -> serde_json::Value {
    let bytes = std::fs::read(c.path("output/生成记录.json")).expect("build record");
    serde_json::from_slice(&bytes).expect("record is JSON")
}

fn score_of(record: &serde_json::Value, id: u32) -> Decimal {
    let s = &record["scores"][id.to_string()]["score"];
    Decimal::from_str(s.as_str().expect("score as string")).unwrap()
}

/// 区住建局 now reports 60 of 64 new buildings to the green standard: indicator 32 (2
/// points for 100 %) loses its points, and the documents that print it change.
fn green_standard_met_by_60_of_64(c: &Campaign) {
    change_fact(
        c,
        "zhujian.xlsx",
        "green_design_standard_rate",
        Value::Rate {
            num: Decimal::from(60),
            den: Decimal::from(64),
        },
    );
}

#[test]
fn build_writes_three_pdfs_then_an_unchanged_rebuild_is_byte_identical() {
    let c = Campaign::example();
    let first = c.run(&["build", "--quiet"]);
    assert!(
        first.status.success(),
        "{}\n{}",
        stdout(&first),
        common::stderr(&first)
    );
    let out = stdout(&first);
    assert!(out.contains("首次生成"), "{out}");
    assert!(out.contains("总分"), "{out}");
    let before: Vec<Vec<u8>> = DOCS
        .iter()
        .map(|d| std::fs::read(c.path(&format!("output/{d}"))).unwrap())
        .collect();
    for (doc, bytes) in DOCS.iter().zip(&before) {
        assert!(bytes.starts_with(b"%PDF-"), "{doc} is a PDF");
    }

    let second = c.run(&["build", "--quiet"]);
    assert!(second.status.success());
    let out = stdout(&second);
    assert!(out.contains("与上次生成相比无变化"), "{out}");
    for (doc, bytes) in DOCS.iter().zip(&before) {
        assert_eq!(
            &std::fs::read(c.path(&format!("output/{doc}"))).unwrap(),
            bytes,
            "{doc} changed"
        );
    }
    assert!(
        std::fs::read_to_string(c.path("output/变更报告.txt"))
            .unwrap()
            .contains("无变化")
    );
}

#[test]
fn editing_one_fact_changes_exactly_the_affected_score_and_the_report_names_it() {
    let c = Campaign::example();
    assert!(c.run(&["build", "--quiet"]).status.success());
    let before = record(&c);
    assert_eq!(score_of(&before, 32), Decimal::from(2));

    green_standard_met_by_60_of_64(&c);
    let rebuilt = c.run(&["build", "--quiet"]);
    assert!(rebuilt.status.success(), "{}", stdout(&rebuilt));
    let after = record(&c);
    assert_eq!(score_of(&after, 32), Decimal::ZERO);
    for id in (1..=43).filter(|id| *id != 32) {
        assert_eq!(
            score_of(&before, id),
            score_of(&after, id),
            "indicator {id} must not move"
        );
    }
    let report = stdout(&rebuilt);
    assert!(
        report.contains("更新报送：input/zhujian.xlsx（区住建局）"),
        "{report}"
    );
    assert!(report.contains("指标32得分下降：2 → 0"), "{report}");
    // (the example-benchmark warning above the change report names 33 as well)
    let changes = report.split("与上次生成相比").nth(1).unwrap_or_default();
    assert!(!changes.contains("指标33"), "{report}");
}

#[test]
fn check_errors_refuse_the_build_unless_a_draft_is_asked_for() {
    let c = Campaign::example();
    // The same unit's workbook twice, with different figures: a duplicate submission is an
    // error (an identical copy would only be a warning).
    let revised = common::zhujian_revised(&c);
    std::fs::write(c.path("input/zhujian-副本.xlsx"), revised).unwrap();
    let refused = c.run(&["build", "--quiet"]);
    assert_eq!(refused.status.code(), Some(1));
    let out = stdout(&refused);
    assert!(out.contains("duplicate-submission"), "{out}");
    assert!(out.contains("未生成文件"), "{out}");
    for doc in DOCS {
        assert!(
            !c.path(&format!("output/{doc}")).exists(),
            "{doc} must not be written"
        );
    }

    let draft = c.run(&["build", "--quiet", "--draft"]);
    assert_eq!(
        draft.status.code(),
        Some(1),
        "errors still give a non-zero status"
    );
    // Drafts are named as drafts, never with the final names.
    for (doc, draft) in DOCS.iter().zip(DRAFTS) {
        assert!(
            c.path(&format!("output/{draft}")).exists(),
            "{draft} written"
        );
        assert!(
            !c.path(&format!("output/{doc}")).exists(),
            "a draft build must not write {doc}"
        );
    }
    assert_eq!(record(&c)["draft"], serde_json::Value::Bool(true));
    let outputs: Vec<String> = record(&c)["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap().to_string())
        .collect();
    assert!(
        DRAFTS.iter().all(|d| outputs.iter().any(|o| o == d)),
        "{outputs:?}"
    );

    // Refused again: the draft PDFs stay, and the summary says they are not current.
    let again = c.run(&["build", "--quiet"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stdout(&again).contains("仍是此前生成的版本"),
        "{}",
        stdout(&again)
    );
}

/// The same form sent twice (a second download's "(1)") is no reason to refuse the set:
/// it is read once, the build goes ahead with the same total, and the copy is a warning
/// that names the file kept.
#[test]
fn an_identical_copy_of_a_workbook_is_counted_once_and_the_build_goes_ahead() {
    let c = Campaign::example();
    std::fs::copy(
        c.path("input/zhujian.xlsx"),
        c.path("input/zhujian (1).xlsx"),
    )
    .unwrap();
    let built = c.run(&["build", "--quiet"]);
    let out = stdout(&built);
    assert_eq!(built.status.code(), Some(0), "{out}");
    assert!(
        out.contains("duplicate-copy zhujian (1).xlsx")
            && out.contains("只按“zhujian.xlsx”计入一次"),
        "{out}"
    );
    assert!(!out.contains("duplicate-submission"), "{out}");
    for doc in DOCS {
        assert!(c.path(&format!("output/{doc}")).exists(), "{doc} written");
    }
    assert_eq!(record(&c)["total"], "87.07");
}

/// output/ never holds a final beside newer drafts (it would pass for the current
/// document), nor drafts beside a newer final.
#[test]
fn a_draft_build_and_a_final_build_replace_each_other() {
    let c = Campaign::example();
    let exists = |name: &str| c.path(&format!("output/{name}")).exists();
    assert!(c.run(&["build", "--quiet"]).status.success());
    assert!(DOCS.iter().all(|d| exists(d)) && !DRAFTS.iter().any(|d| exists(d)));

    let draft = c.run(&["build", "--quiet", "--draft"]);
    assert!(draft.status.success(), "{}", stdout(&draft));
    assert!(
        DRAFTS.iter().all(|d| exists(d)),
        "--draft writes drafts even without errors"
    );
    assert!(
        !DOCS.iter().any(|d| exists(d)),
        "the earlier finals are removed by a draft build"
    );
    assert!(
        stdout(&draft).contains("申请表（草稿）.pdf"),
        "{}",
        stdout(&draft)
    );

    assert!(c.run(&["build", "--quiet"]).status.success());
    assert!(DOCS.iter().all(|d| exists(d)));
    assert!(
        !DRAFTS.iter().any(|d| exists(d)),
        "the earlier drafts are removed by a final build"
    );
    assert_eq!(record(&c)["draft"], serde_json::Value::Bool(false));
}

#[test]
fn archive_verifies_clean_and_verify_catches_a_modified_byte_and_a_missing_file() {
    let c = Campaign::example();
    assert!(c.run(&["build", "--quiet"]).status.success());
    let archived = c.run(&["archive"]);
    assert!(archived.status.success(), "{}", common::stderr(&archived));
    let folders: Vec<_> = std::fs::read_dir(c.path("archive"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(folders.len(), 1);
    let folder = &folders[0];
    for doc in DOCS {
        assert!(folder.join("output").join(doc).is_file());
    }
    assert!(folder.join("input/input/zhujian.xlsx").is_file());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["total"], record(&c)["total"]);

    let ok = c.run(&["verify", folder.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("归档完好"));

    // A second archive never overwrites the first.
    assert!(c.run(&["archive"]).status.success());
    let folders_now = std::fs::read_dir(c.path("archive"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(folders_now, 2);

    // Flip one byte of the archived 申请表 and delete an archived workbook.
    let pdf = folder.join("output/申请表.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&pdf, bytes).unwrap();
    std::fs::remove_file(folder.join("input/input/zhujian.xlsx")).unwrap();
    let bad = c.run(&["verify", folder.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let out = stdout(&bad);
    assert!(out.contains("已被修改：output/申请表.pdf"), "{out}");
    assert!(out.contains("已缺失：input/input/zhujian.xlsx"), "{out}");
}

#[test]
fn archive_refuses_when_an_input_changed_after_the_build() {
    let c = Campaign::example();
    assert!(c.run(&["build", "--quiet"]).status.success());
    change_fact(
        &c,
        "zhujian.xlsx",
        "prefab_industry_bases",
        Value::Number(Decimal::from(4)),
    );
    let refused = c.run(&["archive"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        common::stderr(&refused).contains("在生成之后已被修改"),
        "{}",
        common::stderr(&refused)
    );
    assert!(
        !c.path("archive").exists() || std::fs::read_dir(c.path("archive")).unwrap().count() == 0
    );
}

/// 区住建局 reports 70 of 64 new buildings to the green standard: a rate above 100%.
fn overstate_green_rate(c: &Campaign) {
    let rate = Value::Rate {
        num: Decimal::from(70),
        den: Decimal::from(64),
    };
    change_fact(c, "zhujian.xlsx", "green_design_standard_rate", rate);
}

#[test]
fn check_json_points_at_file_sheet_and_cell() {
    let c = Campaign::example();
    overstate_green_rate(&c);
    let out = c.run(&["check", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let hit = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "rate-above-100")
        .expect("rate-above-100 reported");
    assert_eq!(hit["severity"], "error");
    assert_eq!(hit["location"]["unit"], "区住建局");
    assert_eq!(hit["location"]["file"], "zhujian.xlsx");
    assert_eq!(hit["location"]["sheet"], "数据填报");
    // The 数据填报 sheet lists the unit's facts one per row in catalogue order; the
    // numerator of this rate is in the input column H of its row.
    assert_eq!(hit["location"]["cell"], "H17");
    assert_eq!(hit["location"]["fact"], "green_design_standard_rate");
    let message = hit["message"].as_str().unwrap();
    assert!(
        message.contains("新开工建筑绿色节能设计标准执行率"),
        "{message}"
    );
}

#[test]
fn forms_writes_one_workbook_per_unit() {
    let c = Campaign::example();
    let out = c.run(&["forms", "--out", c.path("forms").to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let count = std::fs::read_dir(c.path("forms")).unwrap().count();
    assert_eq!(count, 15);
    assert!(c.path("forms/zhujian-区住建局.xlsx").is_file());
    assert!(stdout(&out).contains("已生成 15 份填报表"));
}

#[test]
fn score_from_the_facts_file_prints_all_43_rows_and_the_total() {
    let c = Campaign::example();
    let facts = common::repo().join("examples/zhangqiu/facts.json");
    let json = c.path("得分.json");
    let out = c.run(&[
        "score",
        "--facts",
        facts.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let table = stdout(&out);
    for id in 1..=43 {
        let row = format!("\n{id:>4}  ");
        assert!(table.contains(&row), "row {id} missing:\n{table}");
    }
    assert!(table.lines().last().unwrap().contains("87.07"), "{table}");
    assert_eq!(
        printed_table_adds_up(&table),
        Decimal::from_str("87.07").unwrap()
    );
    let sheet: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(sheet["total"], "87.07");
    assert_eq!(sheet["indicators"].as_array().unwrap().len(), 43);
    assert_eq!(
        sheet["indicators"][8]["score"], "2.5",
        "indicator 9 loses half a point"
    );
}

/// `score --facts` reads the file through the same import as a `*.facts.json` under
/// input/: the example facts with 区市场监管局 named by its full name (区市场监督管理局),
/// every number a bare full-width string and a rate written "９６％" score exactly as the
/// canonical facts do.
#[test]
fn score_from_a_facts_file_resolves_unit_names_and_reads_values_as_typed() {
    let c = Campaign::example();
    let example = common::repo().join("examples/zhangqiu/facts.json");
    let mut canonical: serde_json::Value =
        serde_json::from_slice(&std::fs::read(example).unwrap()).unwrap();
    let mut typed = canonical.clone();
    // 48 of 50 in the example; 96 of 100 is the same share, and can be written "96%".
    fn set_rate(doc: &mut serde_json::Value, value: serde_json::Value) {
        for s in doc["submissions"].as_array_mut().unwrap() {
            for f in s["scalars"].as_array_mut().unwrap() {
                if f["key"] == "energy_metrology_review_coverage" {
                    f["value"] = value.clone();
                }
            }
        }
    }
    set_rate(
        &mut canonical,
        serde_json::json!({ "type": "rate", "value": { "num": "96", "den": "100" } }),
    );
    set_rate(&mut typed, "９６％".into());
    let full_width = |s: &str| -> String {
        s.chars()
            .map(|ch| match ch {
                '0'..='9' | '.' | '-' => char::from_u32(ch as u32 + 0xFEE0).unwrap(),
                ch => ch,
            })
            .collect()
    };
    let mut numbers = 0;
    for s in typed["submissions"].as_array_mut().unwrap() {
        if s["unit"] == "区市场监管局" {
            s["unit"] = "区市场监督管理局".into();
        }
        for f in s["scalars"].as_array_mut().unwrap() {
            if f["value"]["type"] == "number" {
                f["value"] = full_width(f["value"]["value"].as_str().unwrap()).into();
                numbers += 1;
            }
        }
    }
    assert!(numbers > 50, "{numbers}");
    let score = |name: &str, doc: &serde_json::Value| {
        let path = c.path(name);
        std::fs::write(&path, serde_json::to_vec(doc).unwrap()).unwrap();
        let json = c.path(&format!("{name}.得分.json"));
        let out = c.run(&[
            "score",
            "--facts",
            path.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let sheet: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        (stdout(&out), common::stderr(&out), sheet)
    };
    let (want_table, _, want) = score("canonical.json", &canonical);
    let (got_table, got_err, got) = score("typed.json", &typed);
    assert_eq!(want["total"], "87.07");
    assert_eq!(got["total"], want["total"]);
    let scores = |sheet: &serde_json::Value| -> Vec<serde_json::Value> {
        sheet["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["score"].clone())
            .collect()
    };
    assert_eq!(scores(&got), scores(&want));
    assert_eq!(got_table, want_table);
    // Nothing in the typed file was refused: no unknown unit, no unreadable value.
    assert!(!got_err.contains("不是专班成员单位"), "{got_err}");
    assert!(!got_err.contains("wrong-type"), "{got_err}");
}

/// A TOML facts file goes through the same import: the unit by its full name, a rate as
/// "１００％", a native TOML date and a float; indicator 17 (two complete verification rates,
/// one point each) earns both points, and loses one when the percentage says 99%.
#[test]
fn score_from_a_toml_facts_file_reads_values_as_typed() {
    let c = Campaign::example();
    let toml = |percent: &str| {
        format!(
            r#"
[[submissions]]
unit = "区市场监督管理局"

[[submissions.scalars]]
key = "class_a_verification_coverage"
value = "{percent}"
source = {{ unit = "" }}

[[submissions.scalars]]
key = "instrument_verification_rate"
value = {{ type = "rate", value = {{ num = "5", den = "5" }} }}
source = {{ unit = "" }}

[[submissions]]
unit = "区政府办"

[[submissions.scalars]]
key = "mobilization_meeting_date"
value = 2022-06-28
source = {{ unit = "" }}

[[submissions]]
unit = "区统计局"

[[submissions.scalars]]
key = "gdp"
value = 1217.8
source = {{ unit = "" }}
"#
        )
    };
    let score = |name: &str, text: String| {
        let path = c.path(name);
        std::fs::write(&path, text).unwrap();
        let json = c.path(&format!("{name}.json"));
        let out = c.run(&[
            "score",
            "--facts",
            path.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]);
        // Most facts are missing, hence exit code 1; the import itself found nothing.
        assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
        let err = common::stderr(&out);
        assert!(!err.contains("不是专班成员单位"), "{err}");
        assert!(
            !err.contains("wrong-type") && !err.contains("invalid-date"),
            "{err}"
        );
        let sheet: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        sheet["indicators"][16]["score"].clone()
    };
    assert_eq!(score("全.toml", toml("１００％")), "2");
    assert_eq!(score("缺.toml", toml("９９％")), "1");
}

/// Each printed subtotal is the sum of the printed rows above it, each category the sum of
/// its subtotals, and the printed total the sum of the categories; returns the total.
fn printed_table_adds_up(table: &str) -> Decimal {
    let (mut rows, mut subs, mut total) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for line in table.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let last = |i: usize| Decimal::from_str(cols[cols.len() - i]).expect(line);
        if cols[0].parse::<u32>().is_ok() {
            rows += last(2); // 得分, then 失分
        } else if line.contains("小计") {
            assert_eq!(last(1), rows, "{line}\n{table}");
            subs += rows;
            rows = Decimal::ZERO;
        } else if line.contains("合计") {
            assert_eq!(last(1), subs, "{line}\n{table}");
            total += subs;
            subs = Decimal::ZERO;
        } else {
            assert!(line.contains("总分"), "{line}");
            assert_eq!(last(1), total, "{line}\n{table}");
        }
    }
    total
}

#[test]
fn score_prints_official_scores_half_up_and_the_table_adds_up() {
    // 35: 509.375 / 1000 = 50.9375% with the example's 60/35 → d = 85.5 → exact 2.565;
    // 36: 156 enterprises (1.335) and 96 亿元 (1.23) → exact 2.565. Both are officially
    // 2.57 (banker's rounding would print 2.56), and with 42's floor 1.8 the total is
    // 6.94 — the sum of the printed rows, not the rounded exact sum 6.93.
    let c = Campaign::example();
    let facts = serde_json::json!({ "submissions": [{
        "unit": "区统计局",
        "file": "tongji.xlsx",
        "scalars": [
            { "key": "gdp", "value": { "type": "number", "value": "1000" },
              "source": { "unit": "区统计局", "cell": "D4" } },
            { "key": "service_value_added", "value": { "type": "number", "value": "509.375" },
              "source": { "unit": "区统计局", "cell": "D5" } },
            { "key": "service_enterprises", "value": { "type": "number", "value": "156" },
              "source": { "unit": "区统计局", "cell": "D6" } },
            { "key": "service_revenue", "value": { "type": "number", "value": "96" },
              "source": { "unit": "区统计局", "cell": "D7" } }
        ]
    }]});
    let path = c.path("事实.json");
    std::fs::write(&path, serde_json::to_vec(&facts).unwrap()).unwrap();
    let json = c.path("得分.json");
    let out = c.run(&[
        "score",
        "--facts",
        path.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    // Most facts are missing (26's counts among them), hence errors and exit code 1.
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let table = stdout(&out);
    for id in [35, 36] {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("{id:>4}  ")))
            .unwrap();
        assert!(row.ends_with("  2.57   0.43"), "{row}");
    }
    assert!(table.lines().last().unwrap().ends_with("6.94"), "{table}");
    assert_eq!(
        printed_table_adds_up(&table),
        Decimal::from_str("6.94").unwrap()
    );

    let sheet: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    for i in [34, 35] {
        assert_eq!(sheet["indicators"][i]["score"], "2.57");
        assert_eq!(sheet["indicators"][i]["exact"], "2.565");
        assert_eq!(sheet["indicators"][i]["lost"], "0.43");
    }
    assert_eq!(sheet["total"], "6.94");
    let service = sheet["subcategories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "服务质量")
        .unwrap();
    assert_eq!(service["score"], "5.14");
}

#[test]
fn check_feedback_writes_a_workbook_for_each_unit_with_problems() {
    let c = Campaign::example();
    overstate_green_rate(&c);
    let dir = c.path("反馈");
    let out = c.run(&["check", "--feedback", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("【区住建局】"), "{text}");
    assert!(text.contains("zhujian.xlsx › 数据填报 › H17"), "{text}");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        files,
        vec!["zhujian-问题反馈.xlsx".to_string()],
        "only the unit with problems"
    );
}

/// The documents a build says it laid out (the others it reused from the previous build).
/// The four documents of a build, the binder included.
const ALL_DOCS: [&str; 4] = [
    "申请表.pdf",
    "自评报告.pdf",
    "年度质量分析报告.pdf",
    "证明材料汇编.pdf",
];

fn rendered_by(out: &str) -> Vec<&'static str> {
    ALL_DOCS
        .iter()
        .copied()
        .filter(|doc| {
            let line = out
                .lines()
                .find(|l| l.contains(&format!("/{doc}（")))
                .unwrap_or_else(|| panic!("no line for {doc} in\n{out}"));
            !line.contains("沿用上次排版")
        })
        .collect()
}

fn pdf_bytes(c: &Campaign) -> Vec<Vec<u8>> {
    ALL_DOCS
        .iter()
        .map(|d| std::fs::read(c.path(&format!("output/{d}"))).unwrap())
        .collect()
}

#[test]
fn an_unchanged_build_renders_nothing_and_rewrites_no_pdf() {
    let c = Campaign::example();
    let first = c.run(&["build", "--quiet"]);
    assert!(first.status.success(), "{}", stdout(&first));
    assert_eq!(
        rendered_by(&stdout(&first)),
        ALL_DOCS,
        "a first build renders all"
    );
    let modified = |c: &Campaign| -> Vec<std::time::SystemTime> {
        ALL_DOCS
            .iter()
            .map(|d| {
                std::fs::metadata(c.path(&format!("output/{d}")))
                    .unwrap()
                    .modified()
                    .unwrap()
            })
            .collect()
    };
    let (bytes, times) = (pdf_bytes(&c), modified(&c));
    std::thread::sleep(std::time::Duration::from_millis(20));

    let second = c.run(&["build", "--quiet"]);
    assert!(second.status.success(), "{}", stdout(&second));
    let out = stdout(&second);
    assert!(rendered_by(&out).is_empty(), "{out}");
    assert!(out.contains("排版 0 份，写出 0 个文件"), "{out}");
    // Fonts are loaded only to render: a build that renders nothing never names them.
    assert!(!out.contains("字体："), "{out}");
    assert_eq!(pdf_bytes(&c), bytes);
    assert_eq!(modified(&c), times, "no PDF was rewritten");

    // What the evidence check found is kept beside the set, for the next process only: not
    // a document of the set, so neither the record nor an archive lists it.
    let cache = std::fs::read_to_string(c.path("output/.zhiliang.evidence-cache.json"))
        .expect("evidence cache written");
    assert!(cache.contains("\"pages\""), "{cache}");
    let outputs = record(&c)["outputs"].to_string();
    assert!(!outputs.contains("evidence-cache"), "{outputs}");
}

#[test]
fn one_changed_fact_renders_exactly_the_documents_whose_data_changed() {
    let c = Campaign::example();
    assert!(c.run(&["build", "--quiet"]).status.success());
    let before = pdf_bytes(&c);
    green_standard_met_by_60_of_64(&c);
    let rebuilt = c.run(&["build", "--quiet"]);
    assert!(rebuilt.status.success(), "{}", stdout(&rebuilt));
    let out = stdout(&rebuilt);
    // Each PDF carries its data as an attachment, so its bytes change exactly when its
    // data does: the documents rendered must be exactly those whose bytes changed.
    let changed: Vec<&str> = ALL_DOCS
        .iter()
        .zip(before.iter().zip(pdf_bytes(&c)))
        .filter(|(_, (a, b))| *a != b)
        .map(|(d, _)| *d)
        .collect();
    assert!(
        !changed.is_empty(),
        "the score change reaches the documents"
    );
    assert_eq!(rendered_by(&out), changed, "{out}");
    // The binder's data holds no scores: a changed fact leaves it as it was.
    assert!(!changed.contains(&"证明材料汇编.pdf"), "{out}");
}

#[test]
fn a_changed_template_or_font_folder_invalidates_what_depends_on_it() {
    let c = Campaign::example();
    // fonts/ as a folder of links to the shipped files, so the test can add one.
    let fonts = c.path("fonts");
    std::fs::remove_file(&fonts).ok();
    std::fs::create_dir_all(&fonts).unwrap();
    for entry in std::fs::read_dir(common::repo().join("fonts")).unwrap() {
        let entry = entry.unwrap();
        std::os::unix::fs::symlink(entry.path(), fonts.join(entry.file_name())).unwrap();
    }
    assert!(c.run(&["build", "--quiet"]).status.success());

    // The annual report's own template: only the annual report is laid out again.
    let template = c.path("templates/annual-report.typ");
    let mut text = std::fs::read_to_string(&template).unwrap();
    text.push_str("\n// 编辑过的模板\n");
    std::fs::write(&template, text).unwrap();
    let out = stdout(&c.run(&["build", "--quiet"]));
    assert_eq!(rendered_by(&out), ["年度质量分析报告.pdf"], "{out}");

    // The shared style: all three.
    let style = c.path("templates/style.typ");
    let mut text = std::fs::read_to_string(&style).unwrap();
    text.push_str("\n// 编辑过的样式\n");
    std::fs::write(&style, text).unwrap();
    let out = stdout(&c.run(&["build", "--quiet"]));
    assert_eq!(rendered_by(&out), ALL_DOCS, "{out}");

    // A font added to the fonts folder may change which face serves a role: all three.
    std::fs::write(fonts.join("新增字体说明.txt"), "x").unwrap();
    let out = stdout(&c.run(&["build", "--quiet"]));
    assert_eq!(rendered_by(&out), ALL_DOCS, "{out}");
    let out = stdout(&c.run(&["build", "--quiet"]));
    assert!(rendered_by(&out).is_empty(), "and then stable again: {out}");
}

#[test]
fn typst_warnings_are_reported_with_their_template_and_kept_when_the_pdf_is_reused() {
    let c = Campaign::example();
    // A font family nobody has: Typst warns (and falls back), the document still renders.
    let template = c.path("templates/annual-report.typ");
    let mut text = std::fs::read_to_string(&template).unwrap();
    text.push_str("\n#place(hide(text(font: \"不存在的字体甲\")[附注]))\n");
    std::fs::write(&template, text).unwrap();
    let warned = |out: &str| {
        out.lines()
            .any(|l| l.contains("template-warning") && l.contains("排版年度质量分析报告时"))
    };
    let first = c.run(&["build", "--quiet"]);
    let out = stdout(&first);
    assert!(
        first.status.success(),
        "a warning does not stop the build\n{out}"
    );
    assert!(warned(&out), "{out}");
    let diagnostics = std::fs::read_to_string(c.path("output/校验结果.json")).unwrap();
    assert!(
        diagnostics.contains("\"template-warning\"")
            && diagnostics.contains("templates/annual-report.typ"),
        "{diagnostics}"
    );
    // Reused unchanged, the document still carries its warning: nothing was fixed.
    let second = c.run(&["build", "--quiet"]);
    let out = stdout(&second);
    assert!(rendered_by(&out).is_empty(), "{out}");
    assert!(warned(&out), "{out}");
    assert!(out.contains("与上次生成相比无变化"), "{out}");
    // The warning is kept with its PDF in the build record, structured (code, template
    // and place), so reuse takes it from there rather than matching message text.
    let record = record(&c);
    let outputs = record["outputs"].as_array().unwrap();
    let annual = outputs
        .iter()
        .find(|o| o["path"] == "年度质量分析报告.pdf")
        .unwrap();
    let kept = annual["warnings"].as_array().expect("warnings kept");
    assert_eq!(kept.len(), 1, "{kept:#?}");
    assert_eq!(kept[0]["code"], "template-warning");
    assert_eq!(kept[0]["location"]["file"], "templates/annual-report.typ");
    for other in outputs
        .iter()
        .filter(|o| o["path"] != "年度质量分析报告.pdf")
    {
        assert!(other.get("warnings").is_none(), "{other:#}");
    }
}

/// A set whose 满意值/不允许值 are marked as example data (示例) declares itself
/// fictional: the final build refuses with the reason, and the draft carries 草稿 in every
/// file name and on every page.
#[test]
fn benchmarks_marked_as_example_data_make_the_set_a_draft() {
    let c = Campaign::example();
    let path = c.path("input/campaign.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    let marked = config.replacen(
        "source = \"《山东统计年鉴2022》县域主要经济指标：全省136个县（市、区）服务业增加值占GDP比重",
        "source = \"示例数据：服务业增加值占GDP比重",
        1,
    );
    assert_ne!(marked, config, "the example states the 35.share source");
    std::fs::write(&path, marked).unwrap();

    let refused = c.run(&["build", "--quiet"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    let out = stdout(&refused);
    assert!(out.contains("example-benchmark"), "{out}");
    assert!(
        out.contains("指标35的满意值、不允许值来源标为示例数据"),
        "{out}"
    );
    assert!(!c.path("output/自评报告.pdf").exists());

    let draft = c.run(&["build", "--quiet", "--draft"]);
    assert_eq!(draft.status.code(), Some(1));
    // The 草稿 watermark: its two characters, set large and turned, on every page (as
    // pdftotext -bbox reports them, word by word with their boxes).
    let pdf = c.path("output/自评报告（草稿）.pdf");
    let bbox = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let html = String::from_utf8_lossy(&bbox.stdout);
    let pages: Vec<&str> = html.split("<page ").skip(1).collect();
    assert!(pages.len() > 5, "{} pages", pages.len());
    let large = |page: &str, ch: &str| {
        page.lines()
            .filter(|l| l.contains(&format!(">{ch}</word>")))
            .any(|l| {
                let num = |key: &str| -> f64 {
                    let at = l.find(key).unwrap() + key.len() + 2;
                    l[at..].split('"').next().unwrap().parse().unwrap()
                };
                num("xMax") - num("xMin") > 40.0
            })
    };
    for (n, page) in pages.iter().enumerate() {
        assert!(
            large(page, "草") && large(page, "稿"),
            "page {} has no 草稿 watermark",
            n + 1
        );
    }
}

/// A renderer that cannot be loaded (no font for a role) is one error per document, each
/// naming its document and the reason — not one error and three "results missing".
#[test]
fn a_renderer_that_cannot_load_is_one_error_per_document() {
    let c = Campaign::example();
    let fonts = c.path("fonts");
    if std::fs::symlink_metadata(&fonts).unwrap().is_dir() {
        std::fs::remove_dir_all(&fonts).unwrap();
    } else {
        std::fs::remove_file(&fonts).unwrap();
    }
    std::fs::create_dir(&fonts).unwrap();
    let run = c.run(&["build", "--quiet", "--draft"]);
    assert_eq!(run.status.code(), Some(1), "{}", stdout(&run));
    let bytes = std::fs::read(c.path("output/校验结果.json")).unwrap();
    let diags: Vec<serde_json::Value> = serde_json::from_slice(&bytes).unwrap();
    let errors: Vec<&str> = diags
        .iter()
        .filter(|d| d["code"] == "template-error")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 4, "{errors:#?}");
    for (doc, message) in ["申请表", "自评报告", "年度质量分析报告", "证明材料汇编"]
        .iter()
        .zip(&errors)
    {
        assert!(
            message.starts_with(&format!("{doc}未排版：无法加载模板或字体")),
            "{message}"
        );
    }
    assert!(!errors.iter().any(|m| m.contains("排版结果缺失")));
}
