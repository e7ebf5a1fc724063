//! Writes the example campaign from `examples/zhangqiu/facts.json`:
//!
//! - `input/<unit.id>.xlsx`: every unit's fill-in workbook, filled with its facts;
//! - `input/evidence/<unit.id>/<file>`: a small placeholder for every evidence file named;
//!   `zhiliang-render`'s `make_example_evidence` then replaces the PDF and JPG placeholders
//!   with typeset PDFs and scans for the evidence binder;
//! - `examples/problems/`: workbooks with deliberate problems, to show what `check` says.
//!
//! Then ingests and checks `input/` and fails if the clean example has any error.
//!
//! Run: `cargo run -p zhiliang-workbook --example make_example_campaign`

use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::diagnostics::{Code, Severity, render_for_people};
use zhiliang_core::facts::{FactsFile, Submission, Value};
use zhiliang_core::units::Roster;
use zhiliang_workbook::evidence::{is_doc_number, split_evidence};
use zhiliang_workbook::forms::{FillOptions, fill_form_with};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// An evidence item that names a file: it has an extension (a.pdf, b.xlsx).
fn looks_like_file(s: &str) -> bool {
    s.rsplit_once('.').is_some_and(|(_, e)| {
        (2..=4).contains(&e.len()) && e.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

/// The evidence files a submission names.
fn evidence_files(sub: &Submission) -> BTreeSet<String> {
    let texts = sub
        .scalars
        .iter()
        .filter_map(|f| f.evidence.as_deref())
        .chain(sub.records.iter().filter_map(|r| r.evidence.as_deref()));
    let mut files = BTreeSet::new();
    for t in texts {
        for item in split_evidence(t, looks_like_file) {
            if !is_doc_number(&item) {
                files.insert(item);
            }
        }
    }
    files
}

/// A one-page PDF whose visible text (ASCII) says it is a placeholder and whose document
/// title (UTF-16) names the evidence it stands for.
fn placeholder_pdf(unit: &str, name: &str) -> Vec<u8> {
    let title: String = format!("示例证明材料（占位文件）：{unit} {name}")
        .encode_utf16()
        .map(|u| format!("{u:04X}"))
        .collect();
    let stream = "BT /F1 12 Tf 72 760 Td (Placeholder evidence file of the zhiliang example campaign.) Tj 0 -18 Td (See the document title for what it stands for.) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Title <FEFF{title}> /Producer (zhiliang make_example_campaign) >>"),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn placeholder_xlsx(unit: &str, name: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    // Fixed creation time: regenerating gives byte-identical files.
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 7, 20).expect("date");
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, format!("示例证明材料（占位文件）：{unit} {name}"))
        .expect("write");
    ws.write_string(
        1,
        0,
        "本文件仅为示例创建项目的占位文件，正式申报时替换为实际证明材料。",
    )
    .expect("write");
    wb.save_to_buffer().expect("xlsx")
}

fn placeholder(unit: &str, name: &str) -> Vec<u8> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => placeholder_pdf(unit, name),
        "xlsx" => placeholder_xlsx(unit, name),
        // Images, videos: a text stand-in under the named file name.
        _ => format!("示例证明材料（占位文件）：{unit} {name}\n正式申报时替换为实际文件。\n")
            .into_bytes(),
    }
}

fn write(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create folder");
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn write_evidence(
    dir: &Path,
    unit_id: &str,
    unit: &str,
    files: &BTreeSet<String>,
    skip: Option<&str>,
) {
    for f in files {
        if Some(f.as_str()) == skip {
            continue;
        }
        write(
            &dir.join("evidence").join(unit_id).join(f),
            &placeholder(unit, f),
        );
    }
}

fn main() {
    let root = repo();
    let roster = Roster::load(&root.join("catalogue/units.toml")).expect("roster");
    let catalogue =
        Catalogue::load(&root.join("catalogue/indicators.toml"), &roster).expect("catalogue");
    let campaign = Campaign::load(&root.join("input/campaign.toml")).expect("campaign");
    let text =
        std::fs::read_to_string(root.join("examples/zhangqiu/facts.json")).expect("facts.json");
    let facts: FactsFile = serde_json::from_str(&text).expect("facts.json format");

    // 1. The clean example campaign.
    let input = root.join("input");
    let _ = std::fs::remove_dir_all(input.join("evidence"));
    // Facts a lead unit has nothing to report for (the example is realistic, not perfect):
    // found by a first pass, then explained in 备注 so that the office sees why.
    let mut notes: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut diags = Vec::new();
    for pass in 0..2 {
        for sub in &facts.submissions {
            let unit = roster
                .resolve(&sub.unit)
                .unwrap_or_else(|| panic!("unknown unit {}", sub.unit));
            let options = FillOptions {
                notes: notes.get(&unit.name).cloned().unwrap_or_default(),
                ..Default::default()
            };
            let bytes = fill_form_with(&catalogue, &roster, &campaign, unit, sub, &options)
                .expect("fill form");
            write(&input.join(format!("{}.xlsx", unit.id)), &bytes);
            write_evidence(&input, &unit.id, &unit.name, &evidence_files(sub), None);
        }
        let report = zhiliang_workbook::ingest(&input, &catalogue, &roster);
        diags = zhiliang_workbook::check(
            &catalogue,
            &roster,
            &campaign,
            &report,
            &input.join("evidence"),
        );
        if pass == 0 {
            for d in diags.iter().filter(|d| d.code == Code::MissingFact) {
                if let (Some(u), Some(k)) = (&d.location.unit, &d.location.fact) {
                    notes.entry(u.clone()).or_default().insert(
                        k.clone(),
                        "本单位暂无此项工作（截至申报日尚未完成）。".to_string(),
                    );
                }
            }
        }
    }
    print!("{}", render_for_people(&diags));
    assert!(
        diags.iter().all(|d| d.severity != Severity::Error),
        "the example campaign must check clean"
    );
    println!("input/: {} workbooks written.", facts.submissions.len());

    // 2. A second folder with deliberate problems.
    let problems = root.join("examples/problems");
    // Regenerate the workbooks and evidence; keep the README and anything else written by hand.
    let _ = std::fs::remove_dir_all(problems.join("evidence"));
    if let Ok(entries) = std::fs::read_dir(&problems) {
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "xlsx") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let sub_of = |name: &str| {
        facts
            .submissions
            .iter()
            .find(|s| s.unit == name)
            .cloned()
            .expect("unit in facts")
    };
    let unit_of = |name: &str| roster.by_name(name).expect("roster unit");

    // Every unit's clean workbook, except 区交通运输局 (has not submitted), 区文旅局 (sends an
    // encrypted file) and 区水务局 (sends a text file named .xlsx); the units below then get
    // their faulty versions.
    for sub in &facts.submissions {
        let unit = unit_of(&sub.unit);
        if ["jiaotong", "wenlv", "shuiwu"].contains(&unit.id.as_str()) {
            continue;
        }
        let options = FillOptions {
            notes: notes.get(&unit.name).cloned().unwrap_or_default(),
            ..Default::default()
        };
        let bytes =
            fill_form_with(&catalogue, &roster, &campaign, unit, sub, &options).expect("fill form");
        write(&problems.join(format!("{}.xlsx", unit.id)), &bytes);
        // 区发改局 names its 十四五规划纲要 but does not send it: an accepted submission
        // with a missing file, which the evidence binder's draft shows as a placeholder page.
        let unsent = (unit.id == "fagai").then_some("章丘区十四五规划纲要.pdf");
        write_evidence(
            &problems,
            &unit.id,
            &unit.name,
            &evidence_files(sub),
            unsent,
        );
    }

    // 区住建局: a rate above 100% and an evidence file named but not sent; a second,
    // "revised" copy of the same unit's workbook (duplicate submission).
    let zhujian = unit_of("区住建局");
    let mut sub = sub_of("区住建局");
    for f in &mut sub.scalars {
        if f.key == "green_design_standard_rate" {
            f.value = Value::Rate {
                num: Decimal::from(105),
                den: Decimal::from(100),
            };
        }
    }
    let files = evidence_files(&sub);
    let missing = sub
        .scalars
        .iter()
        .find(|f| f.key == "prefab_industry_bases")
        .and_then(|f| f.evidence.clone());
    let options = FillOptions {
        notes: notes.get(&zhujian.name).cloned().unwrap_or_default(),
        ..Default::default()
    };
    let bytes =
        fill_form_with(&catalogue, &roster, &campaign, zhujian, &sub, &options).expect("fill");
    write(&problems.join("zhujian.xlsx"), &bytes);
    write(&problems.join("zhujian-修改版.xlsx"), &bytes);
    write_evidence(
        &problems,
        &zhujian.id,
        &zhujian.name,
        &files,
        missing.as_deref(),
    );
    if let Some(m) = &missing {
        // The clean pass above wrote it; this unit "forgot" to send it.
        let _ = std::fs::remove_file(problems.join("evidence").join(&zhujian.id).join(m));
    }

    // 区统计局: text typed into a number cell, a full-width number (accepted), a point-earning
    // fact without evidence; plus a stray file in its evidence folder.
    let tongji = unit_of("区统计局");
    let mut sub = sub_of("区统计局");
    for f in &mut sub.scalars {
        if f.key == "service_revenue" {
            f.evidence = None;
        }
    }
    let options = FillOptions {
        raw_values: [
            ("gdp".to_string(), "约1217.8亿".to_string()),
            ("service_enterprises".to_string(), "１５６".to_string()),
        ]
        .into(),
        notes: notes.get(&tongji.name).cloned().unwrap_or_default(),
        ..Default::default()
    };
    let bytes =
        fill_form_with(&catalogue, &roster, &campaign, tongji, &sub, &options).expect("fill");
    write(&problems.join("tongji.xlsx"), &bytes);
    write_evidence(
        &problems,
        &tongji.id,
        &tongji.name,
        &evidence_files(&sub),
        None,
    );
    write(
        &problems.join("evidence/tongji/草稿-勿用.docx"),
        "草稿".as_bytes(),
    );

    // 区市场监管局: an honour dated outside 近三年 (scoring lists it), and an honour level that
    // is not an option.
    let scjg = unit_of("区市场监管局");
    let mut sub = sub_of("区市场监管局");
    if let Some(r) = sub.records.iter_mut().find(|r| r.list == "quality_honors") {
        r.fields.insert(
            "date".into(),
            Value::Date(chrono::NaiveDate::from_ymd_opt(2016, 5, 10).expect("date")),
        );
    }
    if let Some(r) = sub
        .records
        .iter_mut()
        .find(|r| r.list == "honors_and_reports")
    {
        r.fields.insert("level".into(), Value::Text("区级".into()));
    }
    let options = FillOptions {
        notes: notes.get(&scjg.name).cloned().unwrap_or_default(),
        ..Default::default()
    };
    let bytes = fill_form_with(&catalogue, &roster, &campaign, scjg, &sub, &options).expect("fill");
    write(&problems.join("shichangjianguan.xlsx"), &bytes);
    write_evidence(&problems, &scjg.id, &scjg.name, &evidence_files(&sub), None);

    // A workbook whose cover names a unit that is not on the task force.
    let weijian = unit_of("区卫健局");
    let options = FillOptions {
        cover_unit: Some("区气象局".into()),
        ..Default::default()
    };
    let bytes = fill_form_with(
        &catalogue,
        &roster,
        &campaign,
        weijian,
        &sub_of("区卫健局"),
        &options,
    )
    .expect("fill");
    write(&problems.join("qixiang.xlsx"), &bytes);

    // Files that are not usable workbooks.
    write(&problems.join("empty.xlsx"), b"");
    write(
        &problems.join("shuiwu.xlsx"),
        "水务局 填报数据\n指标 26 违法行为 12\n".as_bytes(),
    );
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(512, 0);
    for name in ["EncryptionInfo", "EncryptedPackage"] {
        let mut entry: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        entry.resize(128, 0);
        ole.extend_from_slice(&entry);
    }
    write(&problems.join("wenlv-加密.xlsx"), &ole);

    // The same campaign configuration, so that `zhiliang check --input examples/problems` runs.
    std::fs::copy(input.join("campaign.toml"), problems.join("campaign.toml"))
        .expect("copy campaign.toml");

    let report = zhiliang_workbook::ingest(&problems, &catalogue, &roster);
    let diags = zhiliang_workbook::check(
        &catalogue,
        &roster,
        &campaign,
        &report,
        &problems.join("evidence"),
    );
    print!("{}", render_for_people(&diags));
}
