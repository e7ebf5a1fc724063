//! Acceptance tests of the three documents: rendered from the example campaign (the real
//! catalogue, examples/zhangqiu/facts.json scored by zhiliang-core) and from a hand-made
//! score sheet; assertions on the text of the laid-out pages and on the PDF bytes.

mod common;

use common::*;
use zhiliang_core::diagnostics::Code;
use zhiliang_core::facts::Facts;
use zhiliang_core::score::display;
use zhiliang_render::{DocKind, RenderError, RenderJob, RenderedDocument};

fn render(kind: DocKind, set: &zhiliang_render::DocumentSet) -> RenderedDocument {
    renderer()
        .render(kind, set.get(kind), &options())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{c}')
        .collect()
}

/// Every indicator has a line `序号 … 分值 自评得分 …` in the score table.
fn assert_rows(text: &str, sheet: &zhiliang_core::score::ScoreSheet) {
    for s in &sheet.indicators {
        let (p, sc) = (display(s.points), display(s.score));
        let found = text.lines().any(|l| {
            l.starts_with(&format!("{} ", s.id))
                && (l.contains(&format!(" {p} {sc} ")) || l.ends_with(&format!(" {p} {sc}")))
        });
        assert!(
            found,
            "row of indicator {} ({p} / {sc}) not found in the score table",
            s.id
        );
    }
}

#[test]
fn example_documents_carry_what_matters() {
    let ex = example();
    let set = example_set();
    let docs: Vec<RenderedDocument> = renderer()
        .render_set(&RenderJob::all(set, &options()))
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    // render_set starts the longest document first, but answers in the order asked.
    assert_eq!(
        docs.iter().map(|d| d.kind).collect::<Vec<_>>(),
        DocKind::ALL
    );
    let total = display(ex.scores.total);
    for doc in &docs {
        eprintln!(
            "{}: {} pages in {:?}",
            doc.kind.label(),
            doc.pages,
            doc.elapsed
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        assert!(
            doc.text().contains("章丘区"),
            "{:?} lacks the district",
            doc.kind
        );
        // page numbers “— N —” on every page
        for (i, page) in doc.page_texts().iter().enumerate() {
            assert!(
                page.contains(&format!("— {} —", i + 1)),
                "{:?} page {} has no page number",
                doc.kind,
                i + 1
            );
        }
    }
    let app = &docs[0];
    assert_eq!(app.kind, DocKind::Application);
    assert!(app.pages <= 2, "申请表 has {} pages", app.pages);
    for needle in [
        "济南市章丘区",
        "李琦",
        "高伟",
        "品立章丘，质载未来",
        "县级人民政府",
        "省质量强省办",
        "年",
        "月",
        "日",
    ] {
        assert!(app.text().contains(needle), "申请表 lacks {needle}");
    }
    assert!(
        app.text().contains(&format!("{total}分（满分100分）")),
        "申请表 lacks the total {total}"
    );
    for c in &ex.scores.categories {
        assert!(
            app.text()
                .contains(&format!("{}/{}", display(c.score), display(c.points))),
            "申请表 lacks {}",
            c.name
        );
    }

    let se = &docs[1];
    for needle in [
        "济南市章丘区创建山东省质量强区自评报告",
        "一、基本情况",
        "二、创建工作开展情况",
        "三、自评得分情况",
        "四、存在的不足及下一步打算",
        "证明材料目录",
        "张劼",
        "李琦",
        "刘韶山",
    ] {
        assert!(se.text().contains(needle), "自评报告 lacks {needle}");
    }
    assert_rows(se.text(), &ex.scores);
    assert!(
        se.text().contains(&format!("总计 100 {total}")),
        "自评报告 lacks the total line"
    );
    // every evidence item is listed in the annex
    let flat = squeeze(se.text());
    for e in &ex.evidence {
        assert!(
            flat.contains(&squeeze(&e.number)),
            "evidence {} missing from the annex",
            e.number
        );
    }

    let ar = &docs[2];
    for needle in [
        "章丘区2021年度质量发展状况分析报告",
        "一、总体情况",
        "二、产品质量",
        "五、环境质量",
        "九、发展前景与对策建议",
        "已达到",
        "未达到",
        "食品抽检合格率",
    ] {
        assert!(ar.text().contains(needle), "年度报告 lacks {needle}");
    }
}

#[test]
fn hand_made_sheet_prints_all_rows_and_lost_points() {
    let sheet = hand_sheet();
    let set = build(&Facts::default(), &sheet, &evidence_index(&sheet));
    let se = render(DocKind::SelfEvaluation, &set);
    assert_rows(se.text(), &sheet);
    assert!(
        se.text()
            .contains(&format!("总计 100 {}", display(sheet.total)))
    );
    for s in sheet.indicators.iter().filter(|s| !s.lost.is_zero()) {
        assert!(
            squeeze(se.text()).contains(&format!("补充指标{}的证明材料", s.id)),
            "lost points of {} not discussed",
            s.id
        );
    }
    // The other two documents from the same hand-made sheet (no facts at all).
    let app = render(DocKind::Application, &set);
    assert_eq!(app.pages, 2);
    assert!(
        app.text()
            .contains(&format!("{}分（满分100分）", display(sheet.total)))
    );
    for c in &sheet.categories {
        assert!(
            app.text()
                .contains(&format!("{}/{}", display(c.score), display(c.points)))
        );
    }
    let ar = render(DocKind::AnnualReport, &set);
    assert!(ar.text().contains("九、发展前景与对策建议"));
    // Published to the public: the annual report analyses quality, not the self-score.
    assert!(!squeeze(ar.text()).contains("自评得分"));
}

#[test]
fn every_font_is_embedded() {
    let set = example_set();
    for kind in DocKind::ALL {
        let doc = render(kind, set);
        let pdf = lopdf::Document::load_mem(&doc.pdf).expect("pdf parses");
        let mut fonts = 0;
        for obj in pdf.objects.values() {
            let Ok(dict) = obj.as_dict() else { continue };
            if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"Font".as_slice()) {
                continue;
            }
            let sub = dict.get(b"Subtype").and_then(|t| t.as_name()).unwrap();
            if sub == b"Type0" {
                continue; // checked through its descendant CIDFont
            }
            fonts += 1;
            let desc = dict.get(b"FontDescriptor").expect("font descriptor");
            let desc = pdf.dereference(desc).unwrap().1.as_dict().unwrap();
            assert!(
                [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
                    .iter()
                    .any(|k| desc.has(k)),
                "{:?}: font {:?} is not embedded",
                kind,
                String::from_utf8_lossy(
                    dict.get(b"BaseFont")
                        .and_then(|b| b.as_name())
                        .unwrap_or(b"?")
                )
            );
        }
        assert!(fonts > 0, "{kind:?} has no fonts");
    }
}

/// Every document carries the data it was rendered from as a PDF/A-3 attachment (relationship
/// Data), so an archived PDF can be checked by machine years later.
#[test]
fn each_pdf_carries_its_data_as_an_attachment() {
    let ex = example();
    let set = example_set();
    for kind in DocKind::ALL {
        let doc = render(kind, set);
        let pdf = lopdf::Document::load_mem(&doc.pdf).expect("pdf parses");
        let mut attached = Vec::new();
        for obj in pdf.objects.values() {
            let Ok(spec) = obj.as_dict() else { continue };
            if spec.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"Filespec".as_slice()) {
                continue;
            }
            assert_eq!(
                spec.get(b"AFRelationship").unwrap().as_name().unwrap(),
                b"Data"
            );
            let ef = spec.get(b"EF").unwrap().as_dict().unwrap();
            let stream = pdf
                .dereference(ef.get(b"F").unwrap())
                .unwrap()
                .1
                .as_stream()
                .unwrap();
            let bytes = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            attached.push(serde_json::from_slice::<serde_json::Value>(&bytes).expect("JSON"));
        }
        assert_eq!(attached.len(), 1, "{kind:?}: one attachment");
        let data = &attached[0];
        assert_eq!(data["meta"]["district"], "济南市章丘区", "{kind:?}");
        // The attachment is the data the pages were set from: the total printed is in it.
        if kind == DocKind::Binder {
            // The binder prints no score (see data::binder): its evidence numbers instead.
            let first = &ex.evidence[0].number;
            assert!(data.to_string().contains(first.as_str()), "{kind:?}");
        } else if kind != DocKind::AnnualReport {
            assert!(
                data.to_string().contains(&display(ex.scores.total)),
                "{kind:?}"
            );
        } else {
            assert!(data.to_string().contains("1217.8"), "{kind:?}");
        }
    }
}

#[test]
fn identical_inputs_give_identical_bytes() {
    let set = example_set();
    for kind in DocKind::ALL {
        let a = render(kind, set);
        let b = render(kind, set);
        assert!(a.pdf == b.pdf, "{kind:?}: two renders differ");
    }
    // A second renderer with freshly loaded fonts gives the same bytes too.
    let other = zhiliang_render::Renderer::new(&repo("templates"), &repo("fonts")).unwrap();
    let a = render(DocKind::Application, set);
    let b = other
        .render(
            DocKind::Application,
            set.get(DocKind::Application),
            &options(),
        )
        .unwrap();
    assert!(a.pdf == b.pdf, "a fresh renderer gives other bytes");
    assert!(a.pdf.starts_with(b"%PDF-1.7") || a.pdf.starts_with(b"%PDF-"));
    let s = String::from_utf8_lossy(&a.pdf);
    assert!(
        s.contains("pdfaid:part") && s.contains("3</pdfaid:part>") || s.contains("<pdfaid:part>3"),
        "not PDF/A-3"
    );
}

#[test]
fn markup_in_cells_prints_literally() {
    let mut sheet = hand_sheet();
    let payload = [
        "#read(\"/etc/passwd\")",
        "$x$",
        "*bold*",
        "]",
        "<tag>",
        "@ref",
        "#set page(width: 1cm)",
    ];
    sheet.indicators[0].basis = payload.join(" ");
    // The 不足 section prints the improvement advice as running text.
    sheet.indicators[1].improve = format!("{} ]#panic(\"boom\")[", payload.join(" "));
    let mut facts = Facts::default();
    facts.narratives.insert(
        1,
        vec![(
            "区市场监管局".into(),
            "`raw` _emph_ \\ #lorem(3) // 注释".into(),
        )],
    );
    let set = build(&facts, &sheet, &[]);
    let se = render(DocKind::SelfEvaluation, &set);
    let flat = squeeze(se.text());
    for p in payload
        .iter()
        .chain(["]#panic(\"boom\")[", "`raw`_emph_\\#lorem(3)//注释"].iter())
    {
        assert!(flat.contains(&squeeze(p)), "{p} not printed literally");
    }
    assert!(!se.text().contains("root:"), "a template read /etc/passwd");
}

#[test]
fn a_character_no_font_has_is_a_named_error() {
    let mut sheet = hand_sheet();
    sheet.indicators[6].basis = "计得\u{10FFFD}分".into();
    let mut facts = Facts::default();
    facts.narratives.insert(
        3,
        vec![("区文旅局".into(), "组织开展𠮷祥质量文化活动".into())],
    );
    let set = build(&facts, &sheet, &[]);
    let err = renderer()
        .render(
            DocKind::SelfEvaluation,
            set.get(DocKind::SelfEvaluation),
            &options(),
        )
        .unwrap_err();
    let RenderError::MissingGlyphs(diags) = &err else {
        panic!("expected missing glyphs, got {err}")
    };
    assert!(diags.iter().all(|d| d.code == Code::MissingGlyph));
    let private: Vec<_> = diags
        .iter()
        .filter(|d| d.message.contains("U+10FFFD"))
        .collect();
    assert!(!private.is_empty(), "U+10FFFD not named");
    let private = private[0];
    assert_eq!(
        private
            .location
            .cell
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("D10"),
        "{private:?}"
    );
    assert_eq!(private.location.file.as_deref(), Some("test.xlsx"));
    let ext_b = diags
        .iter()
        .find(|d| d.message.contains("U+20BB7"))
        .expect("U+20BB7 named");
    assert!(
        ext_b.message.contains('𠮷') && ext_b.message.contains("区文旅局"),
        "{}",
        ext_b.message
    );
    assert_eq!(ext_b.location.unit.as_deref(), Some("区文旅局"));
    // the common diagnostics model carries the code
    assert!(
        err.diagnostics()
            .iter()
            .all(|d| d.code == Code::MissingGlyph)
    );
    assert!(err.to_string().contains("U+10FFFD"));
}

#[test]
fn draft_mode_marks_every_page() {
    let set = example_set();
    let mut o = options();
    o.draft = true;
    for kind in DocKind::ALL {
        let doc = renderer().render(kind, set.get(kind), &o).unwrap();
        for (i, page) in doc.page_texts().iter().enumerate() {
            assert!(
                page.contains("草稿"),
                "{kind:?} page {} lacks the draft mark",
                i + 1
            );
        }
        let final_doc = render(kind, set);
        assert!(!final_doc.text().contains("草稿"));
        // The title says so too (PDF metadata), and the file name.
        let title = pdf_title(&doc.pdf);
        assert!(
            title.ends_with("（草稿）"),
            "{kind:?}: draft titled {title}"
        );
        assert!(!pdf_title(&final_doc.pdf).contains("草稿"));
        assert!(kind.file_name_for(true).contains("（草稿）"));
        assert!(!kind.file_name_for(false).contains("草稿"));
        assert_eq!(kind.file_name(), kind.file_name_for(false));
    }
}

/// The Title entry of a PDF's document information dictionary.
fn pdf_title(pdf: &[u8]) -> String {
    let pdf = lopdf::Document::load_mem(pdf).unwrap();
    let info = pdf
        .trailer
        .get(b"Info")
        .and_then(|i| pdf.dereference(i))
        .unwrap()
        .1
        .as_dict()
        .unwrap()
        .clone();
    match info.get(b"Title").unwrap() {
        lopdf::Object::String(bytes, _) if bytes.starts_with(&[0xFE, 0xFF]) => {
            let u: Vec<u16> = bytes[2..]
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&u)
        }
        lopdf::Object::String(bytes, _) => String::from_utf8_lossy(bytes).into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn metadata_is_set() {
    let set = example_set();
    let doc = render(DocKind::SelfEvaluation, set);
    let pdf = lopdf::Document::load_mem(&doc.pdf).unwrap();
    let info = pdf
        .trailer
        .get(b"Info")
        .and_then(|i| pdf.dereference(i))
        .unwrap()
        .1
        .as_dict()
        .unwrap()
        .clone();
    let text = |k: &[u8]| -> String {
        match info.get(k).unwrap() {
            lopdf::Object::String(bytes, _) => {
                if bytes.starts_with(&[0xFE, 0xFF]) {
                    let u: Vec<u16> = bytes[2..]
                        .chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect();
                    String::from_utf16_lossy(&u)
                } else {
                    String::from_utf8_lossy(bytes).into()
                }
            }
            other => format!("{other:?}"),
        }
    };
    assert_eq!(text(b"Title"), "济南市章丘区创建山东省质量强区自评报告");
    assert_eq!(text(b"Author"), "济南市章丘区人民政府");
    assert!(text(b"Keywords").contains("自评报告"));
    assert!(text(b"Subject").contains("自评"));
    assert!(
        text(b"CreationDate").starts_with("D:20220720"),
        "{}",
        text(b"CreationDate")
    );
}

/// Not a test of its own: `identical_bytes_across_processes` runs it in two child processes
/// (`--ignored` keeps it out of normal runs). By hand,
/// `ZL_DUMP=/tmp/out cargo test --release --workspace --test documents dump -- --ignored`
/// writes the example documents (and a draft) for looking at them.
#[test]
#[ignore]
fn dump() {
    let dir = std::path::PathBuf::from(std::env::var("ZL_DUMP").unwrap_or("/tmp/zl".into()));
    std::fs::create_dir_all(&dir).unwrap();
    let set = example_set();
    for kind in DocKind::ALL {
        let doc = render(kind, set);
        std::fs::write(dir.join(kind.file_name()), &doc.pdf).unwrap();
        std::fs::write(dir.join(format!("{}.txt", kind.file_name())), doc.text()).unwrap();
        eprintln!("{}: {} pages, {:?}", kind.label(), doc.pages, doc.elapsed);
    }
    let mut o = options();
    o.draft = true;
    let doc = renderer()
        .render(DocKind::Application, set.get(DocKind::Application), &o)
        .unwrap();
    std::fs::write(dir.join("草稿-申请表.pdf"), &doc.pdf).unwrap();
    let mut c = campaign().clone();
    c.application.summary = "章丘区坚持质量第一、效益优先，健全大质量工作机制。"
        .chars()
        .cycle()
        .take(1000)
        .collect();
    let setup = setup_with(&c);
    let inputs = example_inputs(&setup);
    let set = renderer().build_data(&inputs).unwrap();
    let long = render(DocKind::Application, &set);
    std::fs::write(dir.join("长摘要-申请表.pdf"), &long.pdf).unwrap();
    std::fs::write(dir.join("长摘要-申请表.txt"), long.text()).unwrap();
    eprintln!("{}", renderer().font_report());
    // warm timings: each document again, then the three in parallel
    for kind in DocKind::ALL {
        let doc = render(kind, example_set());
        eprintln!(
            "warm {}: {} pages, {:?}",
            kind.label(),
            doc.pages,
            doc.elapsed
        );
    }
    let t = std::time::Instant::now();
    let options = options();
    let all = renderer().render_set(&RenderJob::all(example_set(), &options));
    assert!(all.iter().all(std::result::Result::is_ok));
    eprintln!("render_set (4 documents in parallel): {:?}", t.elapsed());
}

#[test]
fn application_stays_on_two_pages_with_a_1000_character_summary() {
    let mut c = campaign().clone();
    let sentence = "章丘区坚持质量第一、效益优先，健全大质量工作机制，推进质量基础设施一站式服务，开展质量提升专项行动。";
    c.application.summary = sentence.chars().cycle().take(1000).collect();
    c.validate().expect("1000 characters are allowed");
    let setup = setup_with(&c);
    let inputs = example_inputs(&setup);
    let set = renderer().build_data(&inputs).unwrap();
    let doc = render(DocKind::Application, &set);
    assert_eq!(
        doc.pages, 2,
        "申请表 with a 1000-character summary has {} pages",
        doc.pages
    );
    let normal = render(DocKind::Application, example_set());
    assert_eq!(normal.pages, 2);
    for needle in ["县级人民政府", "审核意见", "（盖章）", "电子邮箱"] {
        assert!(
            doc.text().contains(needle) && normal.text().contains(needle),
            "{needle}"
        );
    }
}

/// Two separate processes (fresh font loading, fresh Typst caches) write the same bytes.
#[test]
fn identical_bytes_across_processes() {
    let exe = std::env::current_exe().unwrap();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for dir in &dirs {
        let status = std::process::Command::new(&exe)
            .args(["--exact", "dump", "--ignored", "--quiet"])
            .env("ZL_DUMP", dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }
    for kind in DocKind::ALL {
        let a = std::fs::read(dirs[0].path().join(kind.file_name())).unwrap();
        let b = std::fs::read(dirs[1].path().join(kind.file_name())).unwrap();
        assert!(a == b, "{kind:?} differs between two processes");
        assert!(
            a == render(kind, example_set()).pdf,
            "{kind:?} differs from this process"
        );
    }
}

#[test]
fn the_report_year_value_of_a_series_is_the_scoring_fact() {
    use zhiliang_core::facts::{MergedFact, MergedSeries, Value};
    let sheet = hand_sheet();
    let mut facts = Facts::default();
    facts.scalars.insert(
        "service_enterprises".into(),
        MergedFact {
            value: Value::Number("999".parse().unwrap()),
            evidence: vec![],
            sources: vec![],
        },
    );
    // The unit's 年度数据 row also gives the report year, differently: the fact wins
    // (check reports the conflict as conflicting-values).
    facts.series.insert(
        "service_enterprises".into(),
        MergedSeries {
            values: [
                (2020, "148".parse().unwrap()),
                (2021, "150".parse().unwrap()),
            ]
            .into(),
            ..Default::default()
        },
    );
    let set = build(&facts, &sheet, &[]);
    let sections = set.annual_report["sections"].as_array().unwrap();
    let service = sections
        .iter()
        .find(|s| s["heading"] == "服务质量")
        .unwrap();
    let row = service["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "service_enterprises")
        .unwrap();
    assert_eq!(row["values"].as_array().unwrap().last().unwrap(), "999");
    assert_eq!(row["status"], "已达到");
}
