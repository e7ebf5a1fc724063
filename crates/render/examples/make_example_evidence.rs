//! Replaces the example campaign's placeholder evidence with files that exercise every
//! path of the evidence binder (证明材料汇编):
//!
//! - every `*.pdf` under `input/evidence/` and `examples/problems/evidence/` becomes a
//!   1–3 page PDF/A document typeset with Typst in the shipped fonts (fonts embedded, text
//!   searchable), naming its unit and file;
//! - every `*.jpg` / `*.jpeg` becomes a JPEG "scan" (a drawn page on a grey scanner bed);
//! - spreadsheets and other files are left as `make_example_campaign` wrote them (the binder
//!   lists them with size and SHA-256).
//!
//! Run after `make_example_campaign` (which writes the placeholders):
//! `cargo run --release -p zhiliang-render --example make_example_evidence`.
//! The output is byte-identical from run to run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use zhiliang_core::units::Roster;
use zhiliang_render::{FontSet, RenderOptions, Renderer};

const TEMPLATE: &str = r#"
#let data = json("/data.json")
#let fonts = data.fonts
#set document(title: data.title, author: data.unit, date: datetime(year: 2022, month: 7, day: 20))
#set page(paper: "a4", margin: (top: 30mm, bottom: 25mm, x: 25mm),
  footer: context align(center, text(font: fonts.songti, size: 10pt)[第 #counter(page).display() 页 共 #str(data.pages) 页]))
#set text(font: fonts.fangsong, size: 14pt, lang: "zh", region: "cn", cjk-latin-spacing: none)
#set par(first-line-indent: (amount: 2em, all: true), leading: 0.9em, spacing: 0.9em, justify: true)
#align(center, text(font: fonts.xiaobiaosong, size: 24pt, fill: rgb(200, 20, 20), tracking: 0.1em, data.unit))
#line(length: 100%, stroke: 1.5pt + rgb(200, 20, 20))
#v(6mm)
#align(center, text(font: fonts.heiti, size: 18pt, data.heading))
#v(4mm)
#for p in range(data.pages) [
  #if p > 0 { pagebreak() }
  #for t in data.paragraphs { par(t) }
  #par[（本页为示例证明材料“#data.name”第 #str(p + 1) 页，正式申报时替换为实际文件。）]
]
#v(10mm)
#align(right)[#data.unit#h(2em)]
#align(right)[2022年7月20日#h(2em)]
"#;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// A small stable hash (FNV-1a) so page counts and drawings do not change between runs.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name)
}

fn pdf(renderer: &Renderer, unit: &str, name: &str) -> Vec<u8> {
    let pages = 1 + (stable_hash(name) % 3) as usize;
    let data = serde_json::json!({
        "title": format!("{}（示例证明材料）", stem(name)),
        "unit": unit,
        "name": name,
        "heading": stem(name),
        "pages": pages,
        "paragraphs": [
            format!("本文件是章丘区创建山东省质量强区示例项目中{unit}报送的证明材料“{name}”的示例文本，用于演示证明材料汇编如何逐页嵌入 PDF 证明材料：文字保持为矢量，可以检索和复制。"),
            "正式申报时，请以加盖公章的原件扫描件或电子公文替换本文件，文件名须与填报表“证明材料”栏所填一致。".to_string(),
        ],
    });
    let mut options = RenderOptions::new(NaiveDate::from_ymd_opt(2022, 7, 20).expect("date"));
    options.pdf_a = true;
    renderer
        .render_template(
            "/evidence.typ",
            &format!("zhiliang/example-evidence/{name}"),
            "示例证明材料",
            &data,
            &options,
        )
        .unwrap_or_else(|e| panic!("render {name}: {e}"))
        .pdf
}

/// A JPEG "scan": an off-white sheet with a red title bar and text lines, slightly
/// rotated on a grey scanner bed.
fn jpeg(name: &str) -> Vec<u8> {
    let (w, h) = (900u32, 1200u32);
    let seed = stable_hash(name);
    let tilt = ((seed % 7) as f64 - 3.0) * 0.004;
    let mut img = image::RgbImage::new(w, h);
    for (x, y, px) in img.enumerate_pixels_mut() {
        // Sheet coordinates: undo the tilt around the centre.
        let (cx, cy) = (x as f64 - w as f64 / 2.0, y as f64 - h as f64 / 2.0);
        let sx = cx * tilt.cos() + cy * tilt.sin() + w as f64 / 2.0;
        let sy = -cx * tilt.sin() + cy * tilt.cos() + h as f64 / 2.0;
        let on_sheet = (60.0..840.0).contains(&sx) && (50.0..1150.0).contains(&sy);
        let grain = ((x.wrapping_mul(31) ^ y.wrapping_mul(17)) % 9) as u8;
        *px = if !on_sheet {
            image::Rgb([120 + grain, 120 + grain, 124 + grain])
        } else if (140.0..200.0).contains(&sy) && (140.0..760.0).contains(&sx) {
            image::Rgb([196, 32, 32])
        } else if sy > 280.0
            && sy < 1050.0
            && (sy as u32 % 48) < 14
            && (140.0..(760.0 - ((sy as u64 / 48 + seed) % 5) as f64 * 60.0)).contains(&sx)
        {
            image::Rgb([70 + grain, 70 + grain, 76 + grain])
        } else {
            image::Rgb([244 - grain, 241 - grain, 232 - grain])
        };
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 75)
        .encode_image(&img)
        .expect("encode jpeg");
    out
}

fn rewrite(dir: &Path, roster: &Roster, renderer: &Renderer) -> usize {
    let mut count = 0;
    let Ok(units) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut units: Vec<_> = units.flatten().map(|e| e.path()).collect();
    units.sort();
    for unit_dir in units {
        let id = unit_dir.file_name().unwrap().to_string_lossy().to_string();
        let unit = roster
            .by_id(&id)
            .map(|u| u.name.clone())
            .unwrap_or(id.clone());
        let mut files: Vec<_> = std::fs::read_dir(&unit_dir)
            .expect("unit folder")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            let bytes = match ext.as_str() {
                "pdf" => pdf(renderer, &unit, &name),
                "jpg" | "jpeg" => jpeg(&name),
                _ => continue,
            };
            std::fs::write(&path, bytes).expect("write evidence");
            count += 1;
        }
    }
    count
}

fn main() {
    let root = repo();
    let roster = Roster::load(&root.join("catalogue/units.toml")).expect("roster");
    // A private templates folder holding only the evidence template (and an empty
    // wording folder), in the same confined world as the documents.
    let templates = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(templates.path().join("wording")).expect("wording folder");
    std::fs::write(templates.path().join("evidence.typ"), TEMPLATE).expect("template");
    let fonts = Arc::new(FontSet::load_with(&root.join("fonts"), false).expect("fonts"));
    let renderer = Renderer::with_fonts(templates.path(), fonts).expect("renderer");
    let mut total = 0;
    for dir in ["input/evidence", "examples/problems/evidence"] {
        total += rewrite(&root.join(dir), &roster, &renderer);
    }
    println!("rewrote {total} evidence files (PDF/A with embedded fonts, JPEG scans)");
}
