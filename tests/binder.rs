//! The evidence binder (证明材料汇编) end to end, on a copy of the example campaign: its
//! table of contents and PDF outline against the 自评报告's 证明材料目录, the draft's
//! placeholder page, the refused final build, and evidence problems found by `check`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use common::{Campaign, stdout};

const BINDER: &str = "output/证明材料汇编.pdf";
const BINDER_DRAFT: &str = "output/证明材料汇编（草稿）.pdf";

/// `pdftotext` of the whole file, split into pages.
fn pdf_pages(path: &Path, layout: bool) -> Vec<String> {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext installed");
    assert!(out.status.success(), "pdftotext {}", path.display());
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(str::to_string)
        .collect()
}

/// Whether `text` (whitespace ignored) has `label` directly followed by `number`, and not
/// by a longer number (1-3-1 must not match 1-3-10).
fn has_labelled(text: &str, label: &str, number: &str) -> bool {
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let needle = format!("{label}{number}");
    flat.match_indices(&needle).any(|(i, _)| {
        !flat[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

fn is_evidence_number(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Evidence numbers listed in the 自评报告's 证明材料目录 (the 附件 after its title).
fn numbers_in_self_evaluation(c: &Campaign, file: &str) -> Vec<String> {
    let text = pdf_pages(&c.path(file), false).join("\n");
    let start = text
        .rfind("证明材料目录")
        .expect("证明材料目录 in the 自评报告");
    let mut seen = BTreeSet::new();
    text[start..]
        .split(|ch: char| !(ch.is_ascii_digit() || ch == '-'))
        .filter(|t| is_evidence_number(t))
        .filter(|t| seen.insert(t.to_string()))
        .map(str::to_string)
        .collect()
}

/// The binder's table of contents: evidence number → (page it names, the line). The TOC
/// pages are those before the first indicator divider (the first page with 责任单位).
fn table_of_contents(pages: &[String]) -> BTreeMap<String, (usize, String)> {
    let mut toc = BTreeMap::new();
    for page in pages.iter().skip(1).take_while(|p| !p.contains("责任单位")) {
        for line in page.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.len() < 3 || !is_evidence_number(words[0]) {
                continue;
            }
            let n: usize = words
                .last()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("TOC line without a page number: {line}"));
            toc.insert(words[0].to_string(), (n, line.trim().to_string()));
        }
    }
    toc
}

/// A PDF text string: UTF-16BE with a byte-order mark, or PDFDocEncoding (ASCII here).
fn pdf_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

/// The PDF outline (bookmarks) as (depth, title), depth-first.
fn outline(path: &Path) -> Vec<(usize, String)> {
    use lopdf::{Document, Object};
    let doc = Document::load(path).expect("binder parses");
    let catalog = doc.catalog().expect("catalog");
    let root = catalog
        .get(b"Outlines")
        .and_then(Object::as_reference)
        .expect("the binder has an outline");
    let mut out = Vec::new();
    fn walk(
        doc: &Document,
        first: Option<lopdf::ObjectId>,
        depth: usize,
        out: &mut Vec<(usize, String)>,
    ) {
        let mut next = first;
        while let Some(id) = next {
            let item = doc.get_dictionary(id).expect("outline item");
            let title = item
                .get(b"Title")
                .and_then(Object::as_str)
                .map(pdf_string)
                .unwrap_or_default();
            out.push((depth, title));
            let child = item.get(b"First").and_then(Object::as_reference).ok();
            walk(doc, child, depth + 1, out);
            next = item.get(b"Next").and_then(Object::as_reference).ok();
        }
    }
    let first = doc
        .get_dictionary(root)
        .expect("outline root")
        .get(b"First")
        .and_then(Object::as_reference)
        .ok();
    walk(&doc, first, 1, &mut out);
    out
}

fn diagnostics(c: &Campaign) -> Vec<serde_json::Value> {
    let bytes = std::fs::read(c.path("output/校验结果.json")).expect("diagnostics listing");
    serde_json::from_slice(&bytes).expect("diagnostics are JSON")
}

#[test]
fn build_writes_the_binder_with_every_evidence_number_on_the_page_its_contents_name() {
    let c = Campaign::example();
    let run = c.run(&["build", "--quiet"]);
    assert!(run.status.success(), "{}", stdout(&run));
    let binder = c.path(BINDER);
    assert!(binder.exists(), "build writes 证明材料汇编.pdf");

    let numbers = numbers_in_self_evaluation(&c, "output/自评报告.pdf");
    assert!(
        numbers.len() > 90,
        "the example has ~100 items: {numbers:?}"
    );

    let pages = pdf_pages(&binder, true);
    let toc = table_of_contents(&pages);
    for number in &numbers {
        let (page, line) = toc
            .get(number)
            .unwrap_or_else(|| panic!("{number} is not in the binder's table of contents"));
        let text = &pages[page - 1];
        assert!(
            has_labelled(text, "证明材料", number),
            "{number}: the contents name page {page} ({line}), which reads:\n{text}"
        );
    }
    // Nothing in the binder that the 证明材料目录 does not list.
    assert_eq!(toc.len(), numbers.len());

    // The outline mirrors the contents: a category level, every indicator with evidence,
    // every item under its indicator.
    let outline = outline(&binder);
    let titles: Vec<&str> = outline.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(outline[0], (1, "一、质量发展理念".to_string()));
    let indicators: BTreeSet<&str> = numbers
        .iter()
        .map(|n| n.split('-').nth(1).unwrap())
        .collect();
    for id in &indicators {
        let prefix = format!("指标{id}　");
        assert!(
            outline
                .iter()
                .any(|(d, t)| *d == 2 && t.starts_with(&prefix)),
            "no bookmark for indicator {id}: {titles:?}"
        );
    }
    for number in &numbers {
        let prefix = format!("{number}　");
        assert!(
            outline
                .iter()
                .any(|(d, t)| *d == 3 && t.starts_with(&prefix)),
            "no bookmark for {number}"
        );
    }
    assert_eq!(
        outline.iter().filter(|(d, _)| *d == 3).count(),
        numbers.len()
    );

    // A multi-page evidence PDF goes in page by page with its text kept, each page under
    // the item's header strip; the JPG scan and the spreadsheet are there too.
    let all = pages.join("\n");
    let flat: String = all.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat.contains("第2页共2页") || flat.contains("第3页共3页"));
    // Materials are named by title everywhere: no extension, no unit code.
    assert!(
        !toc.values()
            .any(|(_, l)| l.contains(".pdf") || l.contains(".xlsx")),
        "{toc:#?}"
    );
    let scan = toc
        .values()
        .find(|(_, l)| l.contains("园区宣传横幅-2022-06-20"))
        .expect("a JPG scan in the contents");
    assert!(
        pages[scan.0 - 1].contains("证明材料"),
        "{}",
        pages[scan.0 - 1]
    );
    // A spreadsheet is printed as its table: title, the lines above, header, rows and
    // the 合计 row, on the page the contents name.
    let (sheet_page, _) = toc
        .values()
        .find(|(_, l)| l.contains("能源计量审查统计-2021-2022"))
        .expect("the spreadsheet in the contents");
    let sheet: String = pages[sheet_page - 1]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for cell in [
        "重点用能单位能源计量审查统计表",
        "填报单位",
        "覆盖率",
        "通用设备制造业",
        "合计",
    ] {
        assert!(sheet.contains(cell), "{cell} not printed:\n{sheet}");
    }
    // A file that backs several indicators (the plan, 章政发〔2022〕11号) is printed once;
    // later items refer back to the page the contents give for the first.
    let flat_all: String = all.chars().filter(|c| !c.is_whitespace()).collect();
    let reference = "本材料与证明材料1-1-1为同一文件，已在本汇编第";
    let at = flat_all
        .find(reference)
        .expect("a later item refers back to 1-1-1");
    let page: usize = flat_all[at + reference.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    assert_eq!(page, toc["1-1-1"].0, "the page of 1-1-1");
    // Only what cannot be printed (the video) is listed by size and SHA-256.
    assert!(all.contains("见电子附件"));
    assert!(all.contains("SHA-256"));
    assert!(all.contains("MP4 视频"));
    // The counts agree: the 自评报告's 证明材料目录 and the binder's cover.
    let se = pdf_pages(&c.path("output/自评报告.pdf"), false).join("");
    let se: String = se.chars().filter(|c| !c.is_whitespace()).collect();
    let total = numbers.len();
    assert!(
        se.contains(&format!(
            "共{total}项，其中编入证明材料汇编{}项、以电子附件提供1项、缺失0项。",
            total - 1
        )),
        "{}",
        &se[se.rfind("证明材料目录").unwrap()..][..300]
    );
    // The video's row of the 证明材料目录 says 电子附件 whole, on the row's line.
    let se_layout = pdf_pages(&c.path("output/自评报告.pdf"), true).join("\n");
    let video = toc
        .iter()
        .find(|(_, (_, l))| l.contains("山东卫视报道"))
        .map(|(n, _)| n.clone())
        .expect("the video in the contents");
    assert!(
        se_layout
            .lines()
            .any(|l| l.contains(&video) && l.contains("电子附件")),
        "{video}: 电子附件 broken in the status column"
    );
    let cover: String = pages[0].chars().filter(|c| !c.is_whitespace()).collect();
    assert!(cover.contains(&format!("共{total}项证明材料")), "{cover}");
    assert!(cover.contains("其中以电子附件提供1项"), "{cover}");

    // Embedded PDF pages keep the binder out of PDF/A (Typst refuses them there): said
    // once as a warning; the other documents stay PDF/A-3b.
    let bytes = std::fs::read(&binder).unwrap();
    assert!(!bytes.windows(12).any(|w| w == b"pdfaid:part="));
    let report = std::fs::read(c.path("output/自评报告.pdf")).unwrap();
    assert!(report.windows(11).any(|w| w == b"pdfaid:part"));
    let warnings: Vec<_> = diagnostics(&c)
        .into_iter()
        .filter(|d| d["code"] == "binder-not-pdfa")
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["severity"], "warning");

    // The archive takes the binder with the other outputs, hashed in its manifest, and
    // the evidence files it was built from.
    let archived = c.run(&["archive"]);
    assert!(archived.status.success(), "{}", common::stderr(&archived));
    let folder = std::fs::read_dir(c.path("archive"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("an archive folder");
    assert_eq!(
        std::fs::read(folder.join(BINDER)).unwrap(),
        bytes,
        "the binder archived as built"
    );
    let manifest = std::fs::read_to_string(folder.join("manifest.json")).unwrap();
    assert!(manifest.contains("证明材料汇编.pdf"), "{manifest}");
    assert!(
        manifest.contains("章丘区十四五规划纲要.pdf"),
        "evidence inputs archived"
    );
}

#[test]
fn a_missing_evidence_file_refuses_the_final_binder_and_is_a_placeholder_page_in_the_draft() {
    let c = Campaign::example();
    let missing = "input/evidence/fagai/章丘区十四五规划纲要.pdf";
    std::fs::remove_file(c.path(missing)).unwrap();

    let run = c.run(&["build", "--quiet"]);
    assert!(!run.status.success(), "the final build refuses");
    assert!(!c.path(BINDER).exists());
    let not_found: Vec<_> = diagnostics(&c)
        .into_iter()
        .filter(|d| d["code"] == "evidence-not-found")
        .collect();
    assert_eq!(not_found.len(), 1, "{not_found:?}");
    assert_eq!(not_found[0]["location"]["unit"], "区发改局");
    assert!(
        not_found[0]["message"]
            .as_str()
            .unwrap()
            .contains("evidence/fagai/")
    );

    // A draft is written despite the error (the exit code still reports the error).
    let draft = c.run(&["build", "--draft", "--quiet"]);
    assert!(c.path(BINDER_DRAFT).exists(), "{}", stdout(&draft));
    let pages = pdf_pages(&c.path(BINDER_DRAFT), true);
    let toc = table_of_contents(&pages);
    let (number, (page, _)) = toc
        .iter()
        .find(|(_, (_, line))| line.contains("章丘区十四五规划纲要"))
        .expect("the missing file keeps its number in the contents");
    let text = &pages[page - 1];
    assert!(has_labelled(text, "缺少证明材料", number), "{text}");
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        flat.contains("证明材料“章丘区十四五规划纲要.pdf”未随填报表报送"),
        "the placeholder names what was listed: {text}"
    );
    assert!(text.contains("草稿占位页"), "{text}");
}

/// A PDF with an /Encrypt dictionary whose owner and user keys match no password.
fn encrypted_pdf() -> Vec<u8> {
    let zeros = "00".repeat(32);
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_string(),
        format!("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <{zeros}> /U <{zeros}> >>"),
    ]
    .map(String::into_bytes);
    common::pdf_from_objects(
        &objects,
        &format!(" /Encrypt 4 0 R /ID [<{zeros}> <{zeros}>]"),
    )
}

#[test]
fn damaged_and_encrypted_evidence_are_errors_with_their_unit_and_path() {
    let c = Campaign::example();
    let damaged = "evidence/fagai/2022年度部门预算批复-发改.pdf";
    let encrypted = "evidence/fagai/章丘区十四五规划纲要.pdf";
    std::fs::write(c.path(&format!("input/{damaged}")), b"not a PDF at all").unwrap();
    std::fs::write(c.path(&format!("input/{encrypted}")), encrypted_pdf()).unwrap();

    let run = c.run(&["build", "--quiet"]);
    assert!(!run.status.success(), "the final build refuses");
    let diags = diagnostics(&c);
    let find = |code: &str, file: &str| {
        diags
            .iter()
            .find(|d| d["code"] == code && d["location"]["file"] == file)
            .unwrap_or_else(|| panic!("no {code} for {file}: {diags:#?}"))
            .clone()
    };
    let d = find("evidence-damaged", damaged);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["location"]["unit"], "区发改局");
    let e = find("encrypted-file", encrypted);
    assert_eq!(e["location"]["unit"], "区发改局");

    // The draft shows both as placeholder pages saying what is wrong.
    let draft = c.run(&["build", "--draft", "--quiet"]);
    assert!(c.path(BINDER_DRAFT).exists(), "{}", stdout(&draft));
    let all = pdf_pages(&c.path(BINDER_DRAFT), false).join("\n");
    assert!(
        all.contains("不是完整有效的 PDF 文件"),
        "damaged file explained"
    );
    assert!(all.contains("设置了密码或加密"), "encrypted file explained");
}

#[test]
fn the_binder_is_re_rendered_when_an_evidence_file_changes_and_only_the_binder() {
    use zhiliang::fsutil::WriteOutcome;
    use zhiliang::pipeline::{BuildOptions, Session};
    use zhiliang_render::DocKind;

    let c = Campaign::example();
    let project = zhiliang::project::Project::new(c.root(), None, None);
    let mut session = Session::open(project).expect("session");
    session.reader = zhiliang_workbook::Reader::InProcess;
    let first = session
        .build(BuildOptions::default(), &|_| {})
        .expect("build");
    assert!(!first.refused);
    let binder_before = std::fs::read(c.path(BINDER)).unwrap();

    // Same name, other content: only the binder's data (the file's hash) changes, and
    // the session must not serve the cached binder.
    let other =
        std::fs::read(c.path("input/evidence/fagai/2022年度部门预算批复-发改.pdf")).unwrap();
    std::fs::write(
        c.path("input/evidence/fagai/章丘区十四五规划纲要.pdf"),
        other,
    )
    .unwrap();
    let second = session
        .build(BuildOptions::default(), &|_| {})
        .expect("rebuild");
    let outcome = |kind: DocKind| {
        second
            .documents
            .iter()
            .find(|d| d.kind == kind)
            .map(|d| (d.outcome, d.rendered))
            .unwrap()
    };
    assert_eq!(outcome(DocKind::Binder), (WriteOutcome::Written, true));
    for kind in [
        DocKind::Application,
        DocKind::SelfEvaluation,
        DocKind::AnnualReport,
    ] {
        // not even laid out again: their render keys are unchanged
        assert_eq!(outcome(kind), (WriteOutcome::Unchanged, false), "{kind:?}");
    }
    assert_ne!(std::fs::read(c.path(BINDER)).unwrap(), binder_before);
}
