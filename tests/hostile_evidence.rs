//! Hostile evidence files against the real binary. Evidence comes from other offices and
//! is opened, like every workbook, in an isolated worker with hard limits: a PDF built to
//! overflow the parser's stack, to loop in its page tree or to inflate to gigabytes ends
//! as one diagnostic naming unit, file and reason, the draft binder shows a placeholder
//! page for it, and the run — every other file, every other document — goes on.
//!
//! The hostile files are written here, byte by byte.

mod common;
#[path = "support/png.rs"]
mod png;

use common::{Campaign, stderr, stdout};
use std::io::Write;

/// A PDF whose objects are `objects` (object 1 the catalogue), with a correct xref table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    common::pdf_from_objects(objects, "")
}

/// One A4 page: catalogue, page tree, the page (with `extra` in its dictionary and
/// `media_box`), and its content stream (`content`, already encoded, with `filter`).
fn one_page(extra: &str, media_box: &str, content: &[u8], filter: &str) -> Vec<u8> {
    let mut stream = format!("<< /Length {}{filter} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox {media_box} /Contents 4 0 R{extra} >>")
            .into_bytes(),
        stream,
    ])
}

const A4: &str = "[0 0 595 842]";

/// Arrays nested `depth` deep in the page dictionary: a recursive parser or writer
/// overflows its stack. Half a million levels (1 MB) crashed `check` and `build` before
/// evidence was opened in a worker; the worker's deep stack survives them and the
/// nesting check refuses the file, while eight million (16 MB) overflow even that
/// stack and kill the worker.
fn deeply_nested(depth: usize) -> Vec<u8> {
    let extra = format!(" /Nested {}{}", "[".repeat(depth), "]".repeat(depth));
    one_page(&extra, A4, b"", "")
}

/// A page tree whose only kid is itself (the loader stops at the cycle: no pages).
fn page_tree_cycle() -> Vec<u8> {
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>".to_vec(),
    ])
}

/// A content stream of 300 MB of spaces, deflated to a few hundred kilobytes.
fn flate_bomb() -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![b' '; 1024 * 1024];
    for _ in 0..300 {
        z.write_all(&block).unwrap();
    }
    one_page("", A4, &z.finish().unwrap(), " /Filter /FlateDecode")
}

/// A page a billion points wide.
fn huge_media_box() -> Vec<u8> {
    one_page("", "[0 0 1000000000 1000000000]", b"", "")
}

/// A page tree that claims two billion pages and has one.
fn lying_count() -> Vec<u8> {
    let mut p = one_page("", A4, b"BT ET", "");
    let from = b"/Count 1 ";
    let at = p.windows(from.len()).position(|w| w == from).unwrap();
    p.splice(at..at + from.len(), b"/Count 2000000000 ".iter().copied());
    // The xref offsets after the page tree moved by the longer number: a reader that
    // trusts them still finds the objects by scanning.
    p
}

/// An image whose header claims 65 000 × 65 000 pixels (a PNG of 57 bytes: signature,
/// header, empty data). Decoding it would ask for 4 GB; it must be refused from its
/// header. (Saved under a `.jpg` name: the type is read from the content.)
fn image_claiming_huge_size() -> Vec<u8> {
    png::png_header_only(65_000, 65_000, 2)
}

fn diagnostics(c: &Campaign) -> Vec<serde_json::Value> {
    let out = c.run(&["check", "--json"]);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", stdout(&out), stderr(&out)))
}

/// The one diagnostic for `file` among the errors, with its code.
fn error_for<'a>(diags: &'a [serde_json::Value], file: &str) -> &'a serde_json::Value {
    let found: Vec<_> = diags
        .iter()
        .filter(|d| d["location"]["file"] == file && d["severity"] == "error")
        .collect();
    assert_eq!(found.len(), 1, "one error for {file}: {diags:#?}");
    found[0]
}

/// The largest peak resident memory of any finished child (and its descendants) of this
/// test process, in bytes.
#[cfg(unix)]
fn children_peak_rss() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn hostile_evidence_files_are_each_one_diagnostic_and_the_run_goes_on() {
    let c = Campaign::example();
    // Each replaces an evidence file that a workbook names, so the binder wants it.
    // A real evidence PDF cut off half-way, as an interrupted copy leaves it.
    let whole =
        std::fs::read(c.path("input/evidence/shichangjianguan/计量惠民活动-2022-05-20.pdf"))
            .unwrap();
    let truncated = whole[..whole.len() / 2].to_vec();
    let cases: [(&str, Vec<u8>, &str, &str); 8] = [
        (
            "evidence/shichangjianguan/计量惠民活动-2022-05-20.pdf",
            truncated,
            "evidence-damaged",
            "不是完整有效的 PDF 文件",
        ),
        (
            "evidence/shichangjianguan/质量月启动仪式-2021-09-08.pdf",
            deeply_nested(500_000),
            "unreadable-evidence",
            "嵌套超过 64 层",
        ),
        (
            "evidence/shichangjianguan/标准文本-JBT14102-2021.pdf",
            deeply_nested(8_000_000),
            "unreadable-evidence",
            "无法安全打开",
        ),
        (
            "evidence/shichangjianguan/人民日报报道-2022-04-26.pdf",
            page_tree_cycle(),
            "evidence-damaged",
            "没有页面",
        ),
        (
            "evidence/shichangjianguan/诚信计量示范活动-2022-04-15.pdf",
            flate_bomb(),
            "file-too-large",
            "解压炸弹",
        ),
        (
            "evidence/shichangjianguan/国家级表彰-2021-12-20.pdf",
            huge_media_box(),
            "unreadable-evidence",
            "页面尺寸异常",
        ),
        (
            "evidence/shichangjianguan/世界计量日活动-2022-05-20.pdf",
            b"%PDF-1.7\n\x00\xff garbage \x13\x37 that never becomes a PDF".to_vec(),
            "evidence-damaged",
            "不是完整有效的 PDF 文件",
        ),
        (
            "evidence/gongxin/园区宣传横幅-2022-06-20.jpg",
            image_claiming_huge_size(),
            "file-too-large",
            "65000×65000",
        ),
    ];
    for (file, bytes, _, _) in &cases {
        assert!(
            c.path(&format!("input/{file}")).exists(),
            "{file} is example evidence"
        );
        std::fs::write(c.path(&format!("input/{file}")), bytes).unwrap();
    }
    let diags = diagnostics(&c);
    for (file, _, code, why) in &cases {
        let d = error_for(&diags, file);
        assert_eq!(d["code"], *code, "{file}: {d:#}");
        assert!(d["location"]["unit"].is_string(), "unit named: {d:#}");
        let message = d["message"].as_str().unwrap();
        assert!(message.contains(file), "{message}");
        assert!(message.contains(why), "{file}: {message}");
    }

    // The final build refuses; the draft is written, the binder with a placeholder page
    // for each hostile file and every other document as usual.
    let run = c.run(&["build", "--quiet"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let draft = c.run(&["build", "--draft", "--quiet"]);
    assert_eq!(draft.status.code(), Some(1), "{}", stderr(&draft));
    for doc in ["申请表", "自评报告", "年度质量分析报告", "证明材料汇编"] {
        let path = c.path(&format!("output/{doc}（草稿）.pdf"));
        assert!(path.exists(), "{doc}: {}", stdout(&draft));
    }
    let binder = std::process::Command::new("pdftotext")
        .arg(c.path("output/证明材料汇编（草稿）.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&binder.stdout);
    assert!(
        text.contains("解压炸弹"),
        "the bomb's placeholder page says why"
    );
    assert!(
        text.contains("页面尺寸异常"),
        "the MediaBox placeholder says why"
    );
    #[cfg(unix)]
    {
        let peak = children_peak_rss();
        assert!(peak <= 1 << 30, "peak memory of a run: {peak} bytes");
    }
}

#[test]
fn a_page_tree_that_lies_about_its_count_is_read_by_its_pages() {
    let c = Campaign::example();
    let file = "evidence/shichangjianguan/质量月启动仪式-2021-09-08.pdf";
    std::fs::write(c.path(&format!("input/{file}")), lying_count()).unwrap();
    let diags = diagnostics(&c);
    assert!(
        !diags
            .iter()
            .any(|d| d["location"]["file"] == file && d["severity"] == "error"),
        "{diags:#?}"
    );
}

#[test]
fn a_two_gigabyte_file_is_refused_by_its_size_without_being_read() {
    let c = Campaign::example();
    // Sparse: no disk space, and nothing may read or hash it.
    let video = "evidence/shichangjianguan/质量月启动仪式-2021-09-08.pdf";
    std::fs::File::create(c.path(&format!("input/{video}")))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let workbook = "多余的大文件.xlsx";
    std::fs::File::create(c.path(&format!("input/{workbook}")))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let diags = diagnostics(&c);
    let d = error_for(&diags, video);
    assert_eq!(d["code"], "file-too-large");
    assert!(
        d["message"].as_str().unwrap().contains("2048.0 MB"),
        "{d:#}"
    );
    let w = error_for(&diags, workbook);
    assert_eq!(w["code"], "file-too-large");
}
