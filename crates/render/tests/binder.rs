//! The evidence binder inside the render crate: the Typst world serves exactly the mapped
//! evidence files, and the inspection tells drawable files from damaged ones.

mod common;
#[path = "../../../tests/support/png.rs"]
mod png;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use common::{example_set, options, renderer, repo};
use zhiliang_core::facts::EvidenceKind;
use zhiliang_render::evidence::{FileProblem, inspect_file};
use zhiliang_render::{DocKind, DocumentSet, RenderError};

/// An example evidence PDF (typeset by examples/make_example, text searchable).
fn example_pdf() -> PathBuf {
    repo("input/evidence/fagai/章丘区十四五规划纲要.pdf")
}

/// The example binder with its first listed item turned into an embedded PDF at `file`,
/// and `served` as the only file the world maps.
fn binder_with(file: &str, served: BTreeMap<String, PathBuf>) -> DocumentSet {
    let mut set = example_set().clone();
    let item = set.binder["categories"][0]["indicators"][0]["items"][0]
        .as_object_mut()
        .expect("an item");
    item.insert("kind".into(), "pdf".into());
    // A title other than the page's text, so only the embedded page can supply it.
    item.insert("title".into(), "发展规划".into());
    item.insert("file".into(), file.into());
    item.insert("pages".into(), 1.into());
    set.binder_files = Arc::new(served);
    set.binder_embeds_pdf = true;
    set
}

#[test]
fn the_binder_embeds_a_mapped_evidence_pdf_with_its_text_and_cannot_read_anything_else() {
    let mapped = "/evidence/fagai/章丘区十四五规划纲要.pdf";
    let served = BTreeMap::from([(mapped.to_string(), example_pdf())]);
    let set = binder_with(mapped, served.clone());
    let doc = renderer()
        .render_doc(DocKind::Binder, &set, &options())
        .unwrap_or_else(|e| panic!("{e}"));
    // The evidence page's own text is in the binder, as text.
    assert!(
        doc.text().contains("章丘区十四五规划纲要"),
        "embedded page text kept"
    );
    assert!(doc.pdf.starts_with(b"%PDF-"));

    // A file on disk that is not in the map is not served, even beside a mapped one.
    let other = "/evidence/fagai/2022年度部门预算批复-发改.pdf";
    assert!(repo(&format!("input{other}")).exists());
    let err = renderer()
        .render_doc(DocKind::Binder, &binder_with(other, served), &options())
        .expect_err("an unmapped evidence file must not be readable");
    assert!(matches!(err, RenderError::Template { .. }), "{err}");

    // `render` (the path of every other document) serves no evidence file at all.
    let err = renderer()
        .render(DocKind::Binder, set.get(DocKind::Binder), &options())
        .expect_err("render() serves no evidence files");
    assert!(matches!(err, RenderError::Template { .. }), "{err}");
}

#[test]
fn a_binder_embedding_pdf_pages_is_plain_pdf_and_one_without_stays_pdf_a() {
    let mapped = "/evidence/fagai/章丘区十四五规划纲要.pdf";
    let set = binder_with(
        mapped,
        BTreeMap::from([(mapped.to_string(), example_pdf())]),
    );
    let with_pdf = renderer()
        .render_doc(DocKind::Binder, &set, &options())
        .unwrap();
    let pdfa = |bytes: &[u8]| bytes.windows(11).any(|w| w == b"pdfaid:part");
    assert!(
        !pdfa(&with_pdf.pdf),
        "Typst 0.15 refuses embedded PDFs in PDF/A"
    );
    let listed_only = renderer()
        .render_doc(DocKind::Binder, example_set(), &options())
        .unwrap();
    assert!(
        pdfa(&listed_only.pdf),
        "no PDF embedded: PDF/A-3b as the others"
    );
}

#[test]
fn inspection_counts_pdf_pages_and_names_damaged_files() {
    let found = inspect_file(&example_pdf(), EvidenceKind::Pdf).expect("a good PDF");
    assert!(found.pages >= 1);
    assert!(
        found.unembedded_fonts.is_empty(),
        "example evidence embeds its fonts"
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("扫描件.pdf");
    std::fs::write(&bad, b"%PDF-1.4 truncated").unwrap();
    assert!(matches!(
        inspect_file(&bad, EvidenceKind::Pdf),
        Err(FileProblem::Damaged(_))
    ));
    let text_as_jpg = dir.path().join("照片.jpg");
    std::fs::write(&text_as_jpg, "不是图片").unwrap();
    assert!(matches!(
        inspect_file(&text_as_jpg, EvidenceKind::Image),
        Err(FileProblem::Damaged(_))
    ));
    assert!(matches!(
        inspect_file(&dir.path().join("不存在.pdf"), EvidenceKind::Pdf),
        Err(FileProblem::Unreadable(_))
    ));
    let scan = repo("input/evidence/gongxin/园区宣传横幅-2022-06-20.jpg");
    assert_eq!(inspect_file(&scan, EvidenceKind::Image).unwrap().pages, 1);
}

#[test]
fn a_pdf_with_unembedded_fonts_is_named_with_its_fonts() {
    // The old example placeholder: one page of Helvetica, the font not embedded.
    let stream = "BT /F1 12 Tf 72 760 Td (Placeholder) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("占位.pdf");
    std::fs::write(&path, pdf).unwrap();
    let found = inspect_file(&path, EvidenceKind::Pdf).expect("a readable PDF");
    assert_eq!(found.pages, 1);
    assert_eq!(found.unembedded_fonts, vec!["Helvetica".to_string()]);
}

#[test]
fn the_binder_data_does_not_depend_on_the_scores() {
    // What keeps `watch` from re-rendering the binder when a unit corrects a figure: the
    // same evidence under two different score sheets gives the same binder data.
    let ex = common::example();
    let hand = common::hand_sheet();
    assert_ne!(ex.scores.total, hand.total);
    let a = common::build(&ex.facts, &ex.scores, &ex.evidence);
    let b = common::build(&ex.facts, &hand, &ex.evidence);
    assert_eq!(a.binder, b.binder);
    assert_ne!(a.self_evaluation, b.self_evaluation);
}

#[test]
fn evidence_over_the_limits_is_refused_before_it_is_decoded() {
    use zhiliang_render::evidence::limits;
    let dir = tempfile::tempdir().unwrap();

    // A file larger than the limit (sparse: it takes no disk space) is not even read.
    let huge = dir.path().join("全年台账扫描.pdf");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(limits::MAX_FILE_BYTES + 1).unwrap();
    match inspect_file(&huge, EvidenceKind::Pdf) {
        Err(FileProblem::TooLarge(why)) => {
            assert!(why.contains("50.0 MB") || why.contains("上限"), "{why}");
        }
        other => panic!("{other:?}"),
    }

    // A 60 000 × 60 000 image in a 57-byte file: refused from its header, never decoded
    // (decoding would ask for 3.6 GB).
    let bomb = dir.path().join("现场照片.png");
    std::fs::write(&bomb, png::png_header_only(60_000, 60_000, 0)).unwrap();
    match inspect_file(&bomb, EvidenceKind::Image) {
        Err(FileProblem::TooLarge(why)) => assert!(why.contains("60000×60000"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Within the limit, the same header-only file is refused as damaged: there is no
    // image data to draw.
    let empty = dir.path().join("空白照片.png");
    std::fs::write(&empty, png::png_header_only(100, 100, 0)).unwrap();
    assert!(matches!(
        inspect_file(&empty, EvidenceKind::Image),
        Err(FileProblem::Damaged(_))
    ));
}

/// A valid PDF of `pages` empty A4 pages.
fn pdf_with_pages(pages: usize) -> Vec<u8> {
    use lopdf::{Document, Object, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let kids: Vec<Object> = (0..pages)
        .map(|_| {
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into()
        })
        .collect();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => pages as i64,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn a_pdf_over_the_page_limit_is_refused_naming_its_pages() {
    use zhiliang_render::evidence::limits;
    let dir = tempfile::tempdir().unwrap();
    let at_limit = dir.path().join("会议记录汇编.pdf");
    std::fs::write(&at_limit, pdf_with_pages(limits::MAX_PDF_PAGES)).unwrap();
    assert_eq!(
        inspect_file(&at_limit, EvidenceKind::Pdf).unwrap().pages,
        limits::MAX_PDF_PAGES
    );
    let over = dir.path().join("全年台账.pdf");
    std::fs::write(&over, pdf_with_pages(limits::MAX_PDF_PAGES + 1)).unwrap();
    match inspect_file(&over, EvidenceKind::Pdf) {
        Err(FileProblem::TooLarge(why)) => assert!(why.contains("有 301 页"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// An evidence item for `rel` (under `input/`) as the evidence index would list it: with
/// the SHA-256 of its content.
fn indexed(
    rel: &str,
    kind: zhiliang_core::facts::EvidenceKind,
) -> zhiliang_core::facts::EvidenceItem {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(repo(&format!("input/{rel}"))).unwrap();
    zhiliang_core::facts::EvidenceItem {
        number: "1-1-1".into(),
        indicator: 1,
        unit: "区发改局".into(),
        found: true,
        kind,
        path: Some(rel.to_string()),
        size: Some(bytes.len() as u64),
        sha256: Some(
            Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        ),
        ..Default::default()
    }
}

/// What one process found opening the evidence, saved as JSON and loaded by the next, is
/// used as is: the next process opens none of the unchanged files (here it could not: its
/// inspector is a program that does not exist). A cache written under other limits or by
/// another version, or not a cache at all, is ignored and every file is opened again.
#[test]
fn a_saved_inspection_cache_spares_the_next_process_opening_unchanged_files() {
    use zhiliang_core::facts::EvidenceKind;
    use zhiliang_render::evidence::{InspectionCache, Inspector, inspect_evidence};
    let items = || {
        vec![
            indexed("evidence/fagai/章丘区十四五规划纲要.pdf", EvidenceKind::Pdf),
            indexed(
                "evidence/fagai/2022年度部门预算批复-发改.pdf",
                EvidenceKind::Pdf,
            ),
        ]
    };
    let input = repo("input");
    let mut first = items();
    let mut cache = InspectionCache::default();
    let found = inspect_evidence(&mut first, &input, &Inspector::InProcess, &mut cache);
    assert!(found.iter().all(|d| !d.is_error()), "{found:#?}");
    let saved = cache.to_json();

    let unable = Inspector::subcommand(PathBuf::from("/nonexistent/zhiliang"));
    let mut second = items();
    let mut loaded = InspectionCache::from_json(&saved);
    let again = inspect_evidence(&mut second, &input, &unable, &mut loaded);
    assert_eq!(again, found);
    assert_eq!(second, first, "the same pages, from the cache");
    assert!(second.iter().all(|i| i.pages.is_some_and(|p| p > 0)));
    assert_eq!(
        loaded.to_json(),
        saved,
        "an unchanged run keeps the same bytes"
    );

    // Saved under other rules, or garbage: nothing is taken from it.
    let text = String::from_utf8(saved).unwrap();
    let other_rules = text.replacen("limits ", "limits 1 ", 1);
    for bytes in [
        other_rules.as_bytes(),
        b"{}".as_slice(),
        b"\xff\xfe".as_slice(),
    ] {
        let mut third = items();
        let mut ignored = InspectionCache::from_json(bytes);
        let problems = inspect_evidence(&mut third, &input, &unable, &mut ignored);
        assert_eq!(
            problems.iter().filter(|d| d.is_error()).count(),
            2,
            "both files opened again (and failed): {problems:#?}"
        );
    }
}
