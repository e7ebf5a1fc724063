//! One test per diagnostic code that ingest and check emit, asserting the code and the
//! sheet and A1 cell it points at.

// Helpers here take owned values to keep the many call sites short.
#![allow(clippy::needless_pass_by_value)]

mod common;

use common::{Cell, FormBuilder, Setup, of, write};
use rust_decimal::Decimal;
use tempfile::TempDir;
use zhiliang_core::diagnostics::{self, Code, Diagnostic, Place, Severity};
use zhiliang_core::facts::{Submission, Value};
use zhiliang_workbook::forms::{FillOptions, fill_form_with};
use zhiliang_workbook::{IngestReport, check, ingest};

const ZHUJIAN: &str = "区住建局";

/// A campaign folder holding the given files, ingested and checked.
struct Run {
    _dir: TempDir,
    report: IngestReport,
    diags: Vec<Diagnostic>,
}

fn run(files: &[(&str, Vec<u8>)]) -> Run {
    let setup = Setup::load();
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in files {
        write(dir.path(), rel, bytes);
    }
    let report = ingest(dir.path(), &setup);
    let diags = check(&setup, &report, &dir.path().join("evidence"));
    Run {
        _dir: dir,
        report,
        diags,
    }
}

/// 区住建局's example workbook, changed by `edit`, and its evidence files.
fn zhujian(edit: impl FnOnce(&mut Submission), options: FillOptions) -> Vec<(String, Vec<u8>)> {
    let setup = Setup::load();
    let mut sub = common::example_submission(ZHUJIAN);
    let evidence: Vec<String> = sub
        .scalars
        .iter()
        .filter_map(|f| f.evidence.clone())
        .chain(sub.records.iter().filter_map(|r| r.evidence.clone()))
        .collect();
    edit(&mut sub);
    let bytes = fill_form_with(&setup, setup.unit(ZHUJIAN), &sub, &options).unwrap();
    let mut files = vec![("zhujian.xlsx".to_string(), bytes)];
    for e in evidence {
        files.push((format!("evidence/zhujian/{e}"), b"placeholder".to_vec()));
    }
    files
}

fn run_owned(files: Vec<(String, Vec<u8>)>) -> Run {
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    run(&refs)
}

fn fact<'a>(sub: &'a mut Submission, key: &str) -> &'a mut zhiliang_core::facts::ScalarFact {
    sub.scalars.iter_mut().find(|f| f.key == key).unwrap()
}

fn cell(d: &Diagnostic) -> (&str, String) {
    (
        d.location.sheet.as_deref().unwrap_or(""),
        d.location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    )
}

fn only(r: &Run, code: Code) -> &Diagnostic {
    let v = of(&r.diags, code);
    assert_eq!(v.len(), 1, "{code}: {:#?}", r.diags);
    v[0]
}

fn row(key: &str) -> u32 {
    Setup::load().fact_row(ZHUJIAN, key)
}

#[test]
fn the_unmodified_workbook_has_no_problems_of_its_own() {
    let r = run_owned(zhujian(|_| {}, FillOptions::default()));
    let own: Vec<_> = r
        .diags
        .iter()
        .filter(|d| d.location.unit.as_deref() == Some(ZHUJIAN))
        .collect();
    assert!(own.is_empty(), "{own:#?}");
}

#[test]
fn missing_submission_names_the_unit() {
    let r = run_owned(zhujian(|_| {}, FillOptions::default()));
    let missing = of(&r.diags, Code::MissingSubmission);
    assert_eq!(missing.len(), 14);
    let d = missing
        .iter()
        .find(|d| d.location.unit.as_deref() == Some("区统计局"))
        .unwrap();
    assert_eq!(d.location.file, None);
    assert_eq!(d.location.cell, None);
    assert!(d.message.contains("区统计局尚未报送"));
    assert!(
        missing
            .iter()
            .all(|d| d.location.unit.as_deref() != Some(ZHUJIAN))
    );
}

/// The files of `unit` whose data the run uses (none when it sent two that differ).
fn used_files(r: &Run, unit: &str) -> Vec<String> {
    r.report
        .accepted_submissions()
        .into_iter()
        .filter(|s| s.unit == unit)
        .map(|s| s.file)
        .collect()
}

/// 区住建局's workbook with one figure changed: the same form, a different answer.
fn zhujian_revised() -> Vec<u8> {
    let revised = zhujian(
        |s| {
            for f in &mut s.scalars {
                if f.key == "prefab_industry_bases" {
                    f.value = Value::Number(Decimal::from(7));
                }
            }
        },
        FillOptions::default(),
    );
    revised[0].1.clone()
}

#[test]
fn duplicate_submission_names_both_files_and_uses_neither() {
    let mut files = zhujian(|_| {}, FillOptions::default());
    files.push(("zhujian（修改）.xlsx".into(), zhujian_revised()));
    let r = run_owned(files);
    let d = of(&r.diags, Code::DuplicateSubmission);
    assert_eq!(d.len(), 2);
    let named: Vec<_> = d
        .iter()
        .map(|d| d.location.file.as_deref().unwrap())
        .collect();
    assert!(named.contains(&"zhujian.xlsx") && named.contains(&"zhujian（修改）.xlsx"));
    assert!(d[0].message.contains("zhujian.xlsx") && d[0].message.contains("zhujian（修改）.xlsx"));
    assert!(d.iter().all(|d| d.is_error()));
    // The file is where the problem is, not something the unit filled in: no “所填值”.
    assert!(d.iter().all(|d| d.value.is_none()));
    assert!(used_files(&r, ZHUJIAN).is_empty());
}

/// The same form sent three times — twice byte for byte, once saved again with other file
/// properties — is read once: the copies are warned about, pointing at each copy and naming
/// the file kept (the shortest name), and add no submission, row or diagnostic of their own.
#[test]
fn identical_copies_are_counted_once_with_a_warning() {
    let mut files = zhujian(|_| {}, FillOptions::default());
    let original = files[0].1.clone();
    let resaved = common::rewrite(&original, "docProps/core.xml", |xml| {
        xml.replace(
            "</cp:coreProperties>",
            "<dc:description>另存</dc:description></cp:coreProperties>",
        )
    });
    assert_ne!(resaved, original, "the re-saved copy differs in its bytes");
    files.push(("zhujian (1).xlsx".into(), original));
    files.push(("新建 Microsoft Excel 工作表.xlsx".into(), resaved));
    let r = run_owned(files);

    assert!(
        of(&r.diags, Code::DuplicateSubmission).is_empty(),
        "{:#?}",
        r.diags
    );
    let copies = of(&r.diags, Code::DuplicateCopy);
    let named: Vec<&str> = copies
        .iter()
        .map(|d| d.location.file.as_deref().unwrap())
        .collect();
    assert_eq!(
        named,
        ["zhujian (1).xlsx", "新建 Microsoft Excel 工作表.xlsx"]
    );
    for d in &copies {
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.location.unit.as_deref(), Some(ZHUJIAN));
        assert!(
            d.message.contains("只按“zhujian.xlsx”计入一次"),
            "{}",
            d.message
        );
    }
    assert_eq!(used_files(&r, ZHUJIAN), ["zhujian.xlsx"]);
    assert!(r.report.rows.iter().all(|row| row.file == "zhujian.xlsx"));
    let from_copies: Vec<&Diagnostic> = r
        .diags
        .iter()
        .filter(|d| d.code != Code::DuplicateCopy)
        .filter(|d| {
            d.location
                .file
                .as_deref()
                .is_some_and(|f| f != "zhujian.xlsx" && !f.starts_with("evidence/"))
        })
        .collect();
    assert!(from_copies.is_empty(), "{from_copies:#?}");
    // Every file is still listed (the build record hashes them all).
    assert_eq!(
        r.report
            .files
            .iter()
            .filter(|f| f.path.ends_with(".xlsx"))
            .count(),
        3
    );
}

/// A copy beside a file that differs: the two different files are errors and neither is
/// used; the copy is still only a copy.
#[test]
fn a_copy_beside_a_different_file_leaves_the_conflict_an_error() {
    let mut files = zhujian(|_| {}, FillOptions::default());
    let original = files[0].1.clone();
    files.push(("zhujian (1).xlsx".into(), original));
    files.push(("zhujian（修改）.xlsx".into(), zhujian_revised()));
    let r = run_owned(files);
    let errors: Vec<&str> = of(&r.diags, Code::DuplicateSubmission)
        .iter()
        .map(|d| d.location.file.as_deref().unwrap())
        .collect();
    assert_eq!(errors.len(), 2);
    assert!(errors.contains(&"zhujian.xlsx") && errors.contains(&"zhujian（修改）.xlsx"));
    let copies = of(&r.diags, Code::DuplicateCopy);
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].location.file.as_deref(), Some("zhujian (1).xlsx"));
    assert!(used_files(&r, ZHUJIAN).is_empty());
}

#[test]
fn missing_fact_points_at_the_blank_value_cell() {
    let r = run_owned(zhujian(
        |s| s.scalars.retain(|f| f.key != "prefab_industry_bases"),
        FillOptions::default(),
    ));
    let d = only(&r, Code::MissingFact);
    assert_eq!(
        cell(d),
        ("数据填报", format!("H{}", row("prefab_industry_bases")))
    );
    assert_eq!(d.location.fact.as_deref(), Some("prefab_industry_bases"));
    assert!(d.is_error());
    assert!(d.message.contains("装配式建筑产业基地"), "{}", d.message);
}

/// `check --json` and the build record write the cell as `"H12"`; read back, the location
/// holds the typed cell again, with that reference's zero-based row and column.
#[test]
fn a_diagnostic_read_back_from_json_points_at_the_typed_cell() {
    let r = run_owned(zhujian(
        |s| s.scalars.retain(|f| f.key != "prefab_industry_bases"),
        FillOptions::default(),
    ));
    let d = only(&r, Code::MissingFact);
    let excel_row = row("prefab_industry_bases");
    let json = serde_json::to_string(&r.diags).unwrap();
    assert!(
        json.contains(&format!("\"cell\":\"H{excel_row}\"")),
        "{json}"
    );
    let back: Vec<Diagnostic> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r.diags);
    let d = back.iter().find(|b| *b == d).unwrap();
    let cell = diagnostics::Cell {
        row: excel_row - 1,
        col: 7,
    };
    assert_eq!(d.location.cell, Some(Place::Cell(cell)));
    assert_eq!(d.location.cell_ref(), Some(cell));
}

#[test]
fn a_blank_explained_in_the_note_is_only_shown() {
    let options = FillOptions {
        notes: [(
            "prefab_industry_bases".to_string(),
            "本年度未认定".to_string(),
        )]
        .into(),
        ..Default::default()
    };
    let r = run_owned(zhujian(
        |s| s.scalars.retain(|f| f.key != "prefab_industry_bases"),
        options,
    ));
    let d = only(&r, Code::MissingFact);
    assert_eq!(d.severity, Severity::Info);
    assert!(d.message.contains("本年度未认定"));
}

#[test]
fn a_blank_count_of_26_is_missing_even_with_a_note_and_zero_is_an_answer() {
    // 26 belongs to every member unit: each answers its own two counts.
    let options = FillOptions {
        notes: [(
            "violations_handled".to_string(),
            "本单位无此项工作".to_string(),
        )]
        .into(),
        ..Default::default()
    };
    let r = run_owned(zhujian(
        |s| s.scalars.retain(|f| f.key != "violations_handled"),
        options,
    ));
    let d = only(&r, Code::MissingFact);
    assert_eq!(
        cell(d),
        ("数据填报", format!("H{}", row("violations_handled")))
    );
    assert_eq!(d.location.fact.as_deref(), Some("violations_handled"));
    assert_eq!(d.location.indicator, Some(26));
    assert!(d.is_error(), "a note does not replace the number");
    assert!(d.message.contains("没有的请填0，不能留空"), "{}", d.message);
    assert!(d.message.contains("本单位无此项工作"), "{}", d.message);

    // 0 and 0 is an answer: nothing missing.
    let r = run_owned(zhujian(
        |s| {
            for key in ["violations_found", "violations_handled"] {
                fact(s, key).value = Value::Number(Decimal::ZERO);
            }
        },
        FillOptions::default(),
    ));
    assert!(of(&r.diags, Code::MissingFact).is_empty(), "{:#?}", r.diags);

    // A unit that does not lead 26 (区统计局) is asked too: 26 is every member's.
    let b = FormBuilder::new("区统计局").scalar("gdp", Cell::Number(1217.8));
    let r = run(&[("tongji.xlsx", b.build())]);
    let missing: Vec<&str> = of(&r.diags, Code::MissingFact)
        .iter()
        .filter(|d| d.location.unit.as_deref() == Some("区统计局"))
        .filter_map(|d| d.location.fact.as_deref())
        .filter(|f| f.starts_with("violations"))
        .collect();
    assert_eq!(missing, ["violations_found", "violations_handled"]);
}

#[test]
fn wrong_type_points_at_the_cell_and_quotes_the_value() {
    let options = FillOptions {
        raw_values: [("prefab_industry_bases".to_string(), "约3个".to_string())].into(),
        ..Default::default()
    };
    let r = run_owned(zhujian(|_| {}, options));
    let d = only(&r, Code::WrongType);
    assert_eq!(
        cell(d),
        ("数据填报", format!("H{}", row("prefab_industry_bases")))
    );
    assert_eq!(d.value.as_deref(), Some("约3个"));
    // Rejected, hence not also reported as missing.
    assert!(of(&r.diags, Code::MissingFact).is_empty());
}

#[test]
fn invalid_choice_in_a_list_sheet() {
    let r = run_owned(zhujian(
        |s| {
            let rec = s
                .records
                .iter_mut()
                .find(|r| r.list == "honors_and_reports")
                .unwrap();
            rec.fields
                .insert("level".into(), Value::Text("区级".into()));
        },
        FillOptions::default(),
    ));
    let d = only(&r, Code::InvalidChoice);
    // 序号 in A, then type (B), level (C); first record on row 3.
    assert_eq!(cell(d), ("表彰与报道", "C3".to_string()));
    assert_eq!(d.value.as_deref(), Some("区级"));
}

#[test]
fn out_of_range_negative_count() {
    let r = run_owned(zhujian(
        |s| fact(s, "prefab_industry_bases").value = Value::Number((-2).into()),
        FillOptions::default(),
    ));
    let d = only(&r, Code::OutOfRange);
    assert_eq!(
        cell(d),
        ("数据填报", format!("H{}", row("prefab_industry_bases")))
    );
    assert!(d.message.contains("不应小于0"), "{}", d.message);
}

#[test]
fn rate_above_100_points_at_the_numerator() {
    let r = run_owned(zhujian(
        |s| {
            fact(s, "green_design_standard_rate").value = Value::Rate {
                num: 105.into(),
                den: 100.into(),
            }
        },
        FillOptions::default(),
    ));
    let d = only(&r, Code::RateAboveHundred);
    assert_eq!(
        cell(d),
        (
            "数据填报",
            format!("H{}", row("green_design_standard_rate"))
        )
    );
    assert_eq!(
        d.message,
        "‘新开工建筑绿色节能设计标准执行率’的分子（105）大于分母（100），请核实后重新填写。"
    );
}

#[test]
fn zero_denominator_points_at_the_denominator() {
    let r = run_owned(zhujian(
        |s| {
            fact(s, "green_design_standard_rate").value = Value::Rate {
                num: Decimal::ZERO,
                den: Decimal::ZERO,
            }
        },
        FillOptions::default(),
    ));
    let d = only(&r, Code::ZeroDenominator);
    assert_eq!(
        cell(d),
        (
            "数据填报",
            format!("I{}", row("green_design_standard_rate"))
        )
    );
}

#[test]
fn invalid_date_points_at_the_cell() {
    let b = FormBuilder::new("区政府办")
        .scalar("mobilization_meeting_date", Cell::Text("2022年13月1日"));
    let r = run(&[("zhengfuban.xlsx", b.build())]);
    let d = only(&r, Code::InvalidDate);
    assert_eq!(cell(d), ("数据填报", "H3".to_string()));
    assert_eq!(d.value.as_deref(), Some("2022年13月1日"));
}

#[test]
fn missing_evidence_points_at_the_evidence_cell() {
    let r = run_owned(zhujian(
        |s| fact(s, "prefab_industry_bases").evidence = None,
        FillOptions::default(),
    ));
    let d = only(&r, Code::MissingEvidence);
    assert_eq!(
        cell(d),
        ("数据填报", format!("J{}", row("prefab_industry_bases")))
    );
    // Its file, now named by nobody, is reported as unreferenced (a warning).
    assert_eq!(of(&r.diags, Code::EvidenceUnreferenced).len(), 1);
}

#[test]
fn missing_evidence_of_a_record() {
    let r = run_owned(zhujian(
        |s| {
            s.records
                .iter_mut()
                .find(|r| r.list == "honors_and_reports")
                .unwrap()
                .evidence = None;
        },
        FillOptions::default(),
    ));
    let d = only(&r, Code::MissingEvidence);
    // Six fields in B..G, 证明材料 in H.
    assert_eq!(cell(d), ("表彰与报道", "H3".to_string()));
}

#[test]
fn evidence_not_found_for_a_file_and_for_a_document_number_without_its_file() {
    let r = run_owned(zhujian(
        |s| {
            fact(s, "prefab_industry_bases").evidence = Some("装配式基地认定（扫描件）.pdf".into());
            fact(s, "smart_site_system").evidence = Some("章建发〔2021〕15号".into());
        },
        FillOptions::default(),
    ));
    let d = of(&r.diags, Code::EvidenceNotFound);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert_eq!(
        cell(d[0]),
        ("数据填报", format!("J{}", row("prefab_industry_bases")))
    );
    assert!(d[0].message.contains("evidence/zhujian/"));
    // A 文号 is satisfied only by the document itself: a file whose name contains it.
    assert_eq!(
        cell(d[1]),
        ("数据填报", format!("J{}", row("smart_site_system")))
    );
    assert!(
        d[1].message.contains("以文号“章建发〔2021〕15号”引用"),
        "{}",
        d[1].message
    );
    assert!(d[1].message.contains("文件名含该文号"), "{}", d[1].message);
}

/// A shortcut (symbolic link) in an evidence folder, or a unit's whole evidence folder as
/// one, could reach files outside the input folder: it is never followed. The file it
/// stands for is missing, and a warning says why, at the link.
#[cfg(unix)]
#[test]
fn an_evidence_link_is_not_followed_and_says_why() {
    use std::os::unix::fs::symlink;
    let files = zhujian(|_| {}, FillOptions::default());
    let (linked, _) = files
        .iter()
        .find(|(name, _)| name.starts_with("evidence/zhujian/"))
        .cloned()
        .unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.pdf"), b"%PDF-1.7 outside").unwrap();
    let setup = Setup::load();
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in &files {
        if *rel != linked {
            write(dir.path(), rel, bytes);
        }
    }
    symlink(outside.path().join("secret.pdf"), dir.path().join(&linked)).unwrap();
    // 区统计局's whole folder a link to the outside folder.
    std::fs::create_dir_all(dir.path().join("evidence")).unwrap();
    symlink(outside.path(), dir.path().join("evidence/tongji")).unwrap();

    let report = ingest(dir.path(), &setup);
    let diags = check(&setup, &report, &dir.path().join("evidence"));
    let name = linked.trim_start_matches("evidence/zhujian/");
    assert!(
        of(&diags, Code::EvidenceNotFound)
            .iter()
            .any(|d| d.value.as_deref() == Some(name)),
        "{diags:#?}"
    );
    let mut links: Vec<&str> = of(&diags, Code::UnreadableFile)
        .iter()
        .filter(|d| d.message.contains("符号链接"))
        .map(|d| d.location.file.as_deref().unwrap())
        .collect();
    links.sort_unstable();
    assert_eq!(links, ["evidence/tongji/", linked.as_str()], "{diags:#?}");
    let items = zhiliang_workbook::evidence_index(
        &setup,
        &report.accepted_submissions(),
        &dir.path().join("evidence"),
    );
    assert!(
        items
            .iter()
            .all(|i| i.path.as_deref() != Some(linked.as_str()))
    );
}

#[test]
fn a_document_number_is_the_file_whose_name_contains_it_whatever_the_brackets() {
    let mut files = zhujian(
        |s| fact(s, "smart_site_system").evidence = Some("章建发〔2021〕15号".into()),
        FillOptions::default(),
    );
    // The file written for the 文号 itself is not there; the notice is, with [] for 〔〕.
    files.retain(|(name, _)| name != "evidence/zhujian/章建发〔2021〕15号");
    let notice = "evidence/zhujian/章建发[2021]15号 关于推进智慧工地建设的通知.pdf";
    files.push((notice.into(), b"%PDF-1.7".to_vec()));
    let r = run_owned(files);
    assert!(
        of(&r.diags, Code::EvidenceNotFound).is_empty(),
        "{:#?}",
        r.diags
    );
    assert!(
        !of(&r.diags, Code::EvidenceUnreferenced)
            .iter()
            .any(|d| d.location.file.as_deref() == Some(notice)),
        "the notice is the 文号's file: {:#?}",
        r.diags
    );
    let setup = Setup::load();
    let items = zhiliang_workbook::evidence_index(
        &setup,
        &r.report.accepted_submissions(),
        &r._dir.path().join("evidence"),
    );
    let item = items
        .iter()
        .find(|i| i.name == "章建发〔2021〕15号")
        .expect("the 文号's item");
    assert!(item.found);
    assert_eq!(
        item.path.as_deref(),
        Some(notice),
        "the binder embeds the notice"
    );
    assert_eq!(item.title, "章建发[2021]15号 关于推进智慧工地建设的通知");
}

#[test]
fn evidence_unreferenced_is_a_warning_naming_the_file() {
    let mut files = zhujian(|_| {}, FillOptions::default());
    files.push((
        "evidence/zhujian/会议照片（未用）.jpg".into(),
        b"jpg".to_vec(),
    ));
    let r = run_owned(files);
    let d = only(&r, Code::EvidenceUnreferenced);
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.location.file.as_deref(),
        Some("evidence/zhujian/会议照片（未用）.jpg")
    );
    assert_eq!(d.location.unit.as_deref(), Some(ZHUJIAN));
}

#[test]
fn not_responsible_when_another_unit_fills_a_form() {
    // 区住建局's form, but the cover says 区统计局: 32/33/34 are not 区统计局's.
    let options = FillOptions {
        cover_unit: Some("区统计局".into()),
        ..Default::default()
    };
    let files = zhujian(|_| {}, options);
    let r = run(&[("tongji.xlsx", files[0].1.clone())]);
    let d = of(&r.diags, Code::NotResponsible);
    let green = d
        .iter()
        .find(|d| d.location.fact.as_deref() == Some("green_design_standard_rate"))
        .expect("green");
    assert_eq!(green.severity, Severity::Warning);
    assert_eq!(green.location.unit.as_deref(), Some("区统计局"));
    assert_eq!(
        cell(green),
        (
            "数据填报",
            format!("H{}", row("green_design_standard_rate"))
        )
    );
    // 26 is open to every member: no warning for it.
    assert!(
        d.iter()
            .all(|d| d.location.fact.as_deref() != Some("violations_found"))
    );
}

#[test]
fn unknown_unit_points_at_the_cover_cell() {
    let options = FillOptions {
        cover_unit: Some("区气象局".into()),
        ..Default::default()
    };
    let files = zhujian(|_| {}, options);
    let r = run(&[("zhujian.xlsx", files[0].1.clone())]);
    let d = only(&r, Code::UnknownUnit);
    assert_eq!(cell(d), ("封面", "B3".to_string()));
    assert_eq!(d.value.as_deref(), Some("区气象局"));
    assert_eq!(r.report.files[0].unit, None);
    // Not attributed by file name.
    assert!(r.report.submissions.is_empty());
}

#[test]
fn outdated_form_with_unknown_keys_points_at_the_key_cell() {
    let b = FormBuilder::new("区政府办")
        .scalar(
            "creation_plan",
            Cell::Text("《章丘区创建山东省质量强区实施方案》"),
        )
        .scalar("quality_office_2019", Cell::Number(1.0));
    let r = run(&[("zhengfuban.xlsx", b.build())]);
    let d = of(&r.diags, Code::OutdatedForm);
    assert_eq!(d.len(), 1);
    assert_eq!(cell(d[0]), ("数据填报", "A4".to_string()));
    assert_eq!(d[0].value.as_deref(), Some("quality_office_2019"));
    // The rest of the workbook is still read.
    assert_eq!(r.report.submissions[0].scalars[0].key, "creation_plan");
}

#[test]
fn outdated_form_without_the_forms_sheets() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "填报单位").unwrap();
    ws.write_string(0, 1, "区住建局").unwrap();
    ws.write_string(2, 0, "装配式建筑产业基地数量").unwrap();
    ws.write_number(2, 1, 3.0).unwrap();
    let r = run(&[("住建局-旧表.xlsx", wb.save_to_buffer().unwrap())]);
    let d = only(&r, Code::OutdatedForm);
    assert_eq!(d.location.file.as_deref(), Some("住建局-旧表.xlsx"));
    assert_eq!(d.location.unit.as_deref(), Some(ZHUJIAN));
}

#[test]
fn facts_import_files_are_read_and_unknown_keys_reported() {
    let mut file = common::example_facts();
    file.submissions.retain(|s| s.unit == "区统计局");
    file.submissions[0].scalars[0].key = "gdp_2019".into();
    let r = run(&[("统计局.facts.json", serde_json::to_vec(&file).unwrap())]);
    assert_eq!(r.report.submissions.len(), 1);
    assert_eq!(r.report.files[0].unit.as_deref(), Some("区统计局"));
    let s = &r.report.submissions[0];
    assert!(
        s.scalars
            .iter()
            .all(|f| f.source.file == "统计局.facts.json")
    );
    let d = only(&r, Code::UnknownField);
    assert_eq!(d.location.fact.as_deref(), Some("gdp_2019"));
}

#[test]
fn evidence_titles_drop_folders_extensions_and_unit_codes() {
    let setup = Setup::load();
    let title = |f: &str| zhiliang_workbook::evidence::evidence_title(f, &setup.roster);
    assert_eq!(
        title("双随机抽查结果汇总-shichangjianguan-2022.xlsx"),
        "双随机抽查结果汇总-2022"
    );
    assert_eq!(
        title("子目录/质量月启动仪式-2021-09-08.pdf"),
        "质量月启动仪式-2021-09-08"
    );
    assert_eq!(title("zhujian-装配式基地认定.PDF"), "装配式基地认定");
    assert_eq!(title("章政发〔2022〕11号"), "章政发〔2022〕11号");
    // Letters that are not a unit code stay (GB/T 41230, 12345 热线).
    assert_eq!(
        title("标准文本-GBT41230-2022.pdf"),
        "标准文本-GBT41230-2022"
    );
}

/// A spreadsheet among the evidence is read into the table the binder prints: caption
/// from the merged title row, the header row, data rows as displayed.
#[test]
fn an_evidence_spreadsheet_is_read_as_a_table() {
    use zhiliang_core::facts::{EvidenceItem, EvidenceKind, EvidenceStatus};
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(
        0,
        0,
        0,
        2,
        "2022年强检器具检定统计表",
        &rust_xlsxwriter::Format::new(),
    )
    .unwrap();
    for (c, h) in ["序号", "器具类别", "检定台件数"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_number(3, 0, 1.0).unwrap();
    ws.write_string(3, 1, "加油机").unwrap();
    ws.write_number(3, 2, 1217.0).unwrap();
    ws.write_string(4, 1, "合计").unwrap();
    ws.write_number(4, 2, 1217.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "evidence/shichangjianguan/强检器具检定统计-2022.xlsx",
        &bytes,
    );
    write(
        dir.path(),
        "evidence/shichangjianguan/坏表.xlsx",
        b"not a workbook",
    );
    let item = |file: &str| EvidenceItem {
        number: "3-17-2".into(),
        indicator: 17,
        unit: "区市场监管局".into(),
        name: file.into(),
        title: file.into(),
        found: true,
        kind: EvidenceKind::of_file(file),
        path: Some(format!("evidence/shichangjianguan/{file}")),
        ..Default::default()
    };
    let mut items = vec![item("强检器具检定统计-2022.xlsx"), item("坏表.xlsx")];
    let diags = zhiliang_workbook::read_evidence_tables(
        &mut items,
        dir.path(),
        &zhiliang_workbook::Reader::InProcess,
    );
    let table = items[0].table.as_ref().expect("a table");
    assert_eq!(items[0].status(), EvidenceStatus::Printed);
    let sheet = &table.sheets[0];
    assert_eq!(sheet.caption, "2022年强检器具检定统计表");
    assert_eq!(sheet.header, ["序号", "器具类别", "检定台件数"]);
    assert_eq!(sheet.rows, [["1", "加油机", "1217"], ["", "合计", "1217"]]);
    // The broken one is a diagnostic with its unit and file, and counts as missing.
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, Code::EvidenceDamaged);
    assert_eq!(
        diags[0].location.file.as_deref(),
        Some("evidence/shichangjianguan/坏表.xlsx")
    );
    assert_eq!(items[1].status(), EvidenceStatus::Missing);
}
