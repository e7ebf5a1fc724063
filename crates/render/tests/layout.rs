//! Layout and typography of the three documents, checked on the laid-out pages (text runs
//! with their positions, fonts and ink) and on the PDF bytes: page numbers 7 mm below the
//! type area, the 仿宋 face for body text, a text layer searchable as typed, score-table
//! rows that continue on the next page, no near-empty table pages, the 申请表's signature
//! lines and unbroken labels, and long unbreakable text kept inside the page.

mod common;

use common::*;
use zhiliang_core::facts::Facts;
use zhiliang_core::score::display;
use zhiliang_render::{DocKind, PageLayout, RenderedDocument, Role, TextRun};

const MM: f64 = 72.0 / 25.4;
// GB/T 9704 geometry of the portrait page (mm): 天头, 订口, 版心.
const TOP: f64 = 37.0;
const INSIDE: f64 = 28.0;
const OUTSIDE: f64 = 210.0 - 28.0 - 156.0;
const BODY_W: f64 = 156.0;
const BODY_H: f64 = 225.0;
// Landscape (score-table) pages: the portrait type area turned 90°.
const L_LEFT: f64 = 297.0 - TOP - BODY_H; // the portrait page's 地脚
const L_RIGHT: f64 = TOP;
const L_TOP: f64 = (INSIDE + OUTSIDE) / 2.0;

fn render(kind: DocKind, set: &zhiliang_render::DocumentSet) -> RenderedDocument {
    renderer()
        .render(kind, set.get(kind), &options())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn example_docs() -> &'static [RenderedDocument] {
    static D: std::sync::OnceLock<Vec<RenderedDocument>> = std::sync::OnceLock::new();
    D.get_or_init(|| {
        DocKind::ALL
            .iter()
            .map(|&k| render(k, example_set()))
            .collect()
    })
}

fn doc(kind: DocKind) -> &'static RenderedDocument {
    &example_docs()[DocKind::ALL.iter().position(|&k| k == kind).unwrap()]
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The runs of a page number: "—", the number, "—", all 四号 (14 pt).
fn page_number(page: &PageLayout, n: usize) -> (&TextRun, &TextRun, &TextRun) {
    let is_14 = |r: &&TextRun| (r.size - 14.0).abs() < 0.01;
    let dashes: Vec<&TextRun> = page
        .runs
        .iter()
        .filter(is_14)
        .filter(|r| r.text == "—")
        .collect();
    let number: Vec<&TextRun> = page
        .runs
        .iter()
        .filter(is_14)
        .filter(|r| r.text == n.to_string())
        .collect();
    assert_eq!(dashes.len(), 2, "page {n}: {dashes:?}");
    assert_eq!(number.len(), 1, "page {n}: {number:?}");
    (dashes[0], number[0], dashes[1])
}

#[test]
fn page_numbers_sit_7mm_below_the_type_area_on_the_outer_side() {
    let songti = renderer().fonts().families(Role::Songti)[0].clone();
    let mut landscape = 0;
    for d in example_docs() {
        for (i, page) in d.layout().iter().enumerate() {
            let n = i + 1;
            let (first, number, last) = page_number(page, n);
            for r in [first, number, last] {
                assert_eq!(
                    r.family, songti,
                    "{:?} page {n}: page number in 宋体",
                    d.kind
                );
            }
            // Along the reading direction: the start of "— n —" and its end.
            let (start, end) = if page.is_landscape() {
                (first.y, last.y + last.width)
            } else {
                (first.x, last.x + last.width)
            };
            let odd = n % 2 == 1;
            let em = 14.0;
            if odd {
                // right, one character from the type area's outer edge
                let edge = (INSIDE + BODY_W) * MM - em;
                assert!(
                    (end - edge).abs() < 0.5,
                    "{:?} page {n}: ends at {end}, expected {edge}",
                    d.kind
                );
            } else {
                let edge = OUTSIDE * MM + em;
                assert!(
                    (start - edge).abs() < 0.5,
                    "{:?} page {n}: starts at {start}, expected {edge}",
                    d.kind
                );
            }
            // The 一字线 (the dashes' ink) 7 mm below the type area of the portrait page.
            for dash in [first, last] {
                let [x0, y0, x1, y1] = dash.ink;
                if page.is_landscape() {
                    landscape += 1;
                    // Turned 90° clockwise: the portrait page's foot is the landscape
                    // page's left edge, so the distance is measured from the left.
                    let (dx, dy) = dash.direction;
                    assert!(
                        dx.abs() < 1e-6 && (dy - 1.0).abs() < 1e-6,
                        "{:?} page {n}",
                        d.kind
                    );
                    let mid = (x0 + x1) / 2.0;
                    let expected = (297.0 - TOP - BODY_H - 7.0) * MM;
                    assert!(
                        (mid - expected).abs() < 0.25 * MM,
                        "{:?} page {n}: 一字线 at {:.2} mm from the left edge, expected {:.2}",
                        d.kind,
                        mid / MM,
                        expected / MM
                    );
                } else {
                    assert!(dash.is_horizontal());
                    let mid = (y0 + y1) / 2.0;
                    let below = mid / MM - (TOP + BODY_H);
                    assert!(
                        (below - 7.0).abs() < 0.25,
                        "{:?} page {n}: 一字线 {below:.2} mm below the type area",
                        d.kind
                    );
                }
            }
        }
    }
    assert!(landscape > 0, "the score table has landscape pages");
}

#[test]
fn body_text_is_set_in_an_open_fangsong_and_embedded() {
    let fangsong = renderer().fonts().families(Role::Fangsong);
    assert_eq!(fangsong[0], "Zhuque Fangsong", "{fangsong:?}");
    assert!(
        fangsong.iter().any(|f| f == "Noto Serif CJK SC"),
        "GBK characters 朱雀仿宋 lacks fall back to Noto Serif CJK SC: {fangsong:?}"
    );
    let se = doc(DocKind::SelfEvaluation);
    // Running text (三号, 16 pt) of the first page: the paragraphs under 一、基本情况.
    let body: Vec<&TextRun> = se.layout()[0]
        .runs
        .iter()
        .filter(|r| (r.size - 16.0).abs() < 0.01 && r.text.contains("章丘区"))
        .collect();
    assert!(!body.is_empty());
    for r in &body {
        assert_eq!(r.family, "Zhuque Fangsong", "{:?}", r.text);
    }
    // and the face is embedded in every document (what pdffonts lists)
    for d in example_docs() {
        let pdf = lopdf::Document::load_mem(&d.pdf).unwrap();
        let names: Vec<String> = pdf
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter_map(|d| d.get(b"BaseFont").ok()?.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.contains("ZhuqueFangsong")),
            "{:?}: {names:?}",
            d.kind
        );
    }
}

/// GBK characters 朱雀仿宋 lacks are drawn by the next face of the 仿宋 role (Noto Serif
/// CJK SC), not refused and not left blank; the text around them stays in 朱雀仿宋.
#[test]
fn gbk_characters_zhuque_lacks_fall_back_to_the_next_fangsong_face() {
    let mut sheet = hand_sheet();
    sheet.indicators[0].basis = "丂丆丒丠为罕用字示例".into();
    let set = build(&Facts::default(), &sheet, &evidence_index(&sheet));
    let se = render(DocKind::SelfEvaluation, &set);
    let runs: Vec<&TextRun> = se.layout().iter().flat_map(|p| &p.runs).collect();
    let rare = runs
        .iter()
        .find(|r| r.text.contains("丂丆丒丠"))
        .expect("the rare characters are printed");
    assert_eq!(rare.family, "Noto Serif CJK SC");
    let common = runs
        .iter()
        .find(|r| r.text.contains("罕用字示例"))
        .expect("the rest is printed");
    assert_eq!(common.family, "Zhuque Fangsong");
}

/// The text of one page as a PDF reader extracts it from the content stream (lopdf
/// inserts a space wherever the layout shifts a glyph by more than 0.1 em).
fn pdf_page_text(pdf: &[u8], page: u32) -> String {
    lopdf::Document::load_mem(pdf)
        .unwrap()
        .extract_text(&[page])
        .unwrap()
}

#[test]
fn the_text_layer_is_searchable_as_typed() {
    let total = display(example().scores.total);
    let app = doc(DocKind::Application);
    let app_text: String = (1..=app.pages as u32)
        .map(|p| pdf_page_text(&app.pdf, p))
        .collect();
    assert!(app_text.contains("2022年7月20日"), "{app_text}");
    assert!(
        app_text.contains(&format!("{total}分（满分100分）")),
        "{app_text}"
    );
    let se = doc(DocKind::SelfEvaluation);
    let se_text: String = (1..=se.pages as u32)
        .map(|p| pdf_page_text(&se.pdf, p))
        .collect();
    assert!(
        se_text.contains(&format!("{total}分")),
        "自评报告 lacks {total}分"
    );
    assert!(se_text.contains("2022年7月20日"), "自评报告 lacks its date");
}

/// The score table's pages: landscape pages of the 自评报告.
fn table_pages(se: &RenderedDocument) -> Vec<(usize, &PageLayout)> {
    se.layout()
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_landscape())
        .collect()
}

/// Column of a run on a landscape table page: 0 = 序号, 1 = 二级指标, 2.. others.
fn column(r: &TextRun) -> usize {
    let x = r.x / MM - L_LEFT;
    if x < 9.0 {
        0
    } else if x < 9.0 + 18.0 {
        1
    } else {
        2
    }
}

/// 序号 of the rows on a table page, top to bottom, and the text of the 二级指标 column.
fn rows_of(page: &PageLayout) -> (Vec<u32>, String) {
    let header = page
        .runs
        .iter()
        .find(|r| r.text == "指标内容")
        .expect("the table header repeats on every page");
    assert!(page.runs.iter().any(|r| r.text == "责任单位"));
    let mut runs: Vec<&TextRun> = page
        .runs
        .iter()
        .filter(|r| r.is_horizontal() && r.y > header.y + 12.0)
        .collect();
    runs.sort_by(|a, b| a.y.total_cmp(&b.y));
    let ids = runs
        .iter()
        .filter(|r| column(r) == 0)
        .filter_map(|r| r.text.trim().parse().ok())
        .collect();
    let sub = runs
        .iter()
        .filter(|r| column(r) == 1)
        .map(|r| r.text.as_str())
        .collect();
    (ids, sub)
}

#[test]
fn score_table_rows_that_continue_repeat_their_number_and_subcategory() {
    let se = doc(DocKind::SelfEvaluation);
    let pages = table_pages(se);
    assert!(pages.len() >= 2);
    let mut seen = std::collections::BTreeSet::new();
    let mut continued = 0;
    let mut prev_last: Option<u32> = None;
    for (i, page) in &pages {
        let (ids, sub) = rows_of(page);
        assert!(!ids.is_empty(), "table page {} has no rows", i + 1);
        seen.extend(ids.iter().copied());
        let first = ids[0];
        if prev_last == Some(first) {
            // The row began on the previous page: its 序号 and 二级指标 are here again,
            // marked （续）.
            continued += 1;
            let subcategory = &catalogue().indicator(first).unwrap().subcategory;
            assert!(
                sub.contains(&format!("{subcategory}（续）"))
                    || sub.starts_with(subcategory.as_str()) && sub.contains("（续）"),
                "page {}: row {first} continues but the 二级指标 column reads {sub:?}",
                i + 1
            );
        } else {
            assert!(
                !sub.contains("（续）"),
                "page {}: （续） without a continuing row: {sub:?}",
                i + 1
            );
        }
        prev_last = ids.last().copied();
    }
    assert_eq!(seen.len(), 43, "every indicator appears: {seen:?}");
    assert!(
        continued > 0,
        "the example has rows that continue on the next page"
    );
    // A continued row is still one row of the table: its scores are printed once.
    let total = display(example().scores.total);
    assert!(se.text().contains(&format!("总计 100 {total}")));
}

/// Top of the type area and its height (mm) along the page's reading direction: the
/// portrait 版心, or on a landscape table page the same 版心 turned 90°.
fn type_area(page: &PageLayout) -> (f64, f64) {
    if page.is_landscape() {
        (L_TOP, BODY_W)
    } else {
        (TOP, BODY_H)
    }
}

/// Runs printed inside the type area (the page number, 7 mm below it, and a turned
/// 草稿 mark are not content).
fn content_runs(page: &PageLayout) -> impl Iterator<Item = &TextRun> {
    let (top, height) = type_area(page);
    page.runs
        .iter()
        .filter(|r| r.is_horizontal())
        .filter(move |r| r.ink[1] / MM < top + height)
}

/// How much of the type area's height a page uses: from its top to the lowest ink of the
/// page's content. A table's last row ends a cell padding below its text, so a table page
/// measures at most about 1 mm short.
fn used(page: &PageLayout) -> f64 {
    let (top, height) = type_area(page);
    let lowest = content_runs(page)
        .map(|r| r.ink[3] / MM)
        .fold(top, f64::max);
    (lowest - top) / height
}

/// The first line of a page: its topmost content runs, left to right.
fn first_line(page: &PageLayout) -> String {
    let mut runs: Vec<&TextRun> = content_runs(page).collect();
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let Some(y0) = runs.first().map(|r| r.y) else {
        return String::new();
    };
    runs.iter()
        .filter(|r| (r.y - y0).abs() < 2.0)
        .map(|r| r.text.as_str())
        .collect()
}

/// Whether page `i` ends where the document's structure ends anyway: the last page, the
/// page before a turn between portrait and landscape, or the page before one that opens
/// with a 一级标题 (“四、存在的不足…”) or the 附件.
fn natural_end(d: &RenderedDocument, i: usize) -> bool {
    let Some(next) = d.layout().get(i + 1) else {
        return true;
    };
    if next.is_landscape() != d.layout()[i].is_landscape() {
        return true;
    }
    let line = first_line(next);
    let numeral = line.split_once('、').is_some_and(|(n, _)| {
        !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c))
    });
    numeral || line.starts_with("附件")
}

/// documents.md: no page is left more than a quarter empty, except where a section ends.
/// `pages` are the 1-based pages checked, each must use at least `min` of the type area;
/// the measurement is the lowest printed ink, not where the layout engine thought a block
/// ended.
fn assert_pages_filled(d: &RenderedDocument, pages: impl IntoIterator<Item = usize>, min: f64) {
    let mut checked = 0;
    for n in pages {
        let i = n - 1;
        if natural_end(d, i) {
            continue;
        }
        checked += 1;
        let u = used(&d.layout()[i]);
        assert!(
            u >= min,
            "{:?} page {n} is {:.0} % empty (next page opens with “{}”)",
            d.kind,
            (1.0 - u) * 100.0,
            first_line(&d.layout()[i + 1])
        );
    }
    assert!(checked > 0, "{:?}: no page was checked", d.kind);
}

fn run_at(text: &str, x_mm: f64, bottom_mm: f64) -> TextRun {
    TextRun {
        text: text.into(),
        x: x_mm * MM,
        y: bottom_mm * MM,
        width: 10.0,
        direction: (1.0, 0.0),
        family: "Zhuque Fangsong".into(),
        size: 16.0,
        ink: [
            x_mm * MM,
            (bottom_mm - 4.0) * MM,
            x_mm * MM + 10.0,
            bottom_mm * MM,
        ],
    }
}

#[test]
fn the_page_measure_counts_the_lowest_ink_inside_the_type_area() {
    // A portrait page whose text ends half-way down the 版心, with its page number 7 mm
    // below the 版心: half used (the page number is not content).
    let half = PageLayout {
        width: 210.0 * MM,
        height: 297.0 * MM,
        runs: vec![
            run_at("正文", INSIDE, TOP + 10.0),
            run_at("末行", INSIDE, TOP + BODY_H / 2.0),
            run_at("1", 150.0, TOP + BODY_H + 8.0),
        ],
    };
    assert!((used(&half) - 0.5).abs() < 1e-9, "{}", used(&half));
    // The same on a landscape table page, whose 版心 is the portrait one turned.
    let landscape = PageLayout {
        width: 297.0 * MM,
        height: 210.0 * MM,
        runs: vec![run_at("行", L_LEFT, L_TOP + BODY_W * 0.6)],
    };
    assert!((used(&landscape) - 0.6).abs() < 1e-9);
    // The example's 证明材料目录 ends on its last page, well short of the foot: the measure
    // sees it (it is exempt as the document's end).
    let se = doc(DocKind::SelfEvaluation);
    assert!(used(se.layout().last().unwrap()) < 0.6);
    assert!(natural_end(se, se.pages - 1));
}

#[test]
fn no_score_table_page_is_left_more_than_a_quarter_empty() {
    let se = doc(DocKind::SelfEvaluation);
    let pages = table_pages(se);
    let (last_index, last) = pages.last().unwrap();
    // Every table page but the last (whose end is the table's end).
    // A quarter, as documents.md says (the template itself splits rows at a fifth; the text
    // of a last row ends a cell padding above the rule, which the margin absorbs).
    assert_pages_filled(
        se,
        pages
            .iter()
            .map(|(i, _)| i + 1)
            .filter(|n| *n != last_index + 1),
        0.75,
    );
    // The last table page carries rows, not only the totals.
    let (ids, _) = rows_of(last);
    assert!(!ids.is_empty());
}

#[test]
fn no_running_text_page_is_left_more_than_a_fifth_empty() {
    // The 自评报告's portrait pages (running text, the benchmark table and the 证明材料目录)
    // and every page of the 年度质量分析报告, whose charts and tables must not leave half
    // pages behind them. Text flows line by line and every table here breaks between rows,
    // so these pages are held to a fifth, stricter than the quarter of documents.md: an
    // unbreakable series table that left a page 24.7 % empty is caught.
    let se = doc(DocKind::SelfEvaluation);
    let portrait: Vec<usize> = (1..=se.pages)
        .filter(|n| !se.layout()[n - 1].is_landscape())
        .collect();
    assert_pages_filled(se, portrait, 0.8);
    let ar = doc(DocKind::AnnualReport);
    assert_pages_filled(ar, 1..=ar.pages, 0.8);
}

#[test]
fn application_names_the_government_signature_lines_and_keeps_words_whole() {
    let app = doc(DocKind::Application);
    assert!(app.pages <= 2, "申请表 has {} pages", app.pages);
    let text = squeeze(app.text());
    for needle in [
        "济南市章丘区人民政府",
        "主要负责人",
        "（签字）",
        "填表人",
        "王晓明",
        "县级人民政府",
        "省质量强省办",
    ] {
        assert!(text.contains(needle), "申请表 lacks {needle}");
    }
    assert!(!app.text().contains("申报单位 济南市章丘区\n"));
    // Labels, category names, names of bodies, the date and the contact's position and
    // e-mail are each set on one line.
    for whole in [
        "质量发展理念",
        "质量发展保障",
        "质量发展基础",
        "质量发展成效",
        "工作领导小组",
        "议事协调机构",
        "主要负责人",
        "2022年7月20日",
        "章丘区质量强区及品牌战略推进工作领导小组",
        "文化旅游",
        "区市场监管局质量发展科科长",
        "zqzlqq@example.cn",
    ] {
        assert!(
            app.text().lines().any(|l| l.contains(whole)),
            "“{whole}” is broken across lines:\n{}",
            app.text()
        );
    }
}

#[test]
fn long_unbreakable_text_in_table_cells_stays_on_the_page() {
    let url = "https://www.example.gov.cn/zhangqiu/zhiliangqiangqu/2022/shenbao-cailiao/zhengming/ISO9001-renzheng-zhengshu-qingdan-final-version.pdf";
    let file = "Zhangqiu_Quality_Development_Annual_Statistical_Report_2021_Final_Signed_Version_Scanned.pdf";
    let mut sheet = hand_sheet();
    sheet.indicators[0].basis = url.to_string();
    sheet.indicators[0].evidence.push(file.to_string());
    let set = build(&Facts::default(), &sheet, &evidence_index(&sheet));
    let se = render(DocKind::SelfEvaluation, &set);
    // Each is printed whole, though over several lines of its cell (the evidence by its
    // title: the file name without extension).
    let title = file.trim_end_matches(".pdf");
    for target in [url, title] {
        assert!(
            se.layout().iter().any(|p| printed_in_one_cell(p, target)),
            "{target} is not printed whole"
        );
    }
    for (i, page) in se.layout().iter().enumerate() {
        let n = i + 1;
        let (left, right) = if page.is_landscape() {
            (L_LEFT, 297.0 - L_RIGHT)
        } else if n % 2 == 1 {
            (INSIDE, INSIDE + BODY_W)
        } else {
            (OUTSIDE, OUTSIDE + BODY_W)
        };
        for r in page.runs.iter().filter(|r| r.is_horizontal()) {
            assert!(
                r.ink[0] >= left * MM - 1.0 && r.ink[2] <= right * MM + 1.0,
                "page {n}: “{}” reaches {:.1}–{:.1} mm, outside the type area {left}–{right} mm",
                r.text,
                r.ink[0] / MM,
                r.ink[2] / MM
            );
        }
    }
}

/// Whether `target` is printed on the page as the lines of one left-aligned cell: runs of
/// adjacent characters on a baseline form a segment; the target's segments follow one
/// another downwards, each starting at the cell's left edge.
fn printed_in_one_cell(page: &PageLayout, target: &str) -> bool {
    let mut runs: Vec<&TextRun> = page.runs.iter().filter(|r| r.is_horizontal()).collect();
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    // (x, y, text) of each segment
    let mut segs: Vec<(f64, f64, String)> = Vec::new();
    let mut end = f64::MIN;
    for r in runs {
        match segs.last_mut() {
            Some((_, y, t)) if (r.y - *y).abs() < 0.5 && (r.x - end).abs() < 1.0 => {
                t.push_str(&r.text);
            }
            _ => segs.push((r.x, r.y, r.text.clone())),
        }
        end = r.x + r.width;
    }
    segs.iter().enumerate().any(|(i, (x0, y0, first))| {
        if first.len() < 4 || !target.starts_with(first.as_str()) {
            return false;
        }
        let mut text = first.clone();
        let mut y = *y0;
        for (x, sy, t) in &segs[i + 1..] {
            if text.len() >= target.len() {
                break;
            }
            if (x - x0).abs() < 0.5 && *sy > y {
                text.push_str(t);
                y = *sy;
            }
        }
        text == target
    })
}

/// The runs of one line that reads `text` (runs on one baseline, joined left to right).
fn line_of<'a>(page: &'a PageLayout, text: &str) -> Option<Vec<&'a TextRun>> {
    let mut ys: Vec<f64> = page.runs.iter().map(|r| r.y).collect();
    ys.sort_by(f64::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    ys.into_iter().find_map(|y| {
        let mut runs: Vec<&TextRun> = page
            .runs
            .iter()
            .filter(|r| r.is_horizontal() && (r.y - y).abs() < 0.5)
            .collect();
        runs.sort_by(|a, b| a.x.total_cmp(&b.x));
        let joined: String = runs.iter().map(|r| r.text.as_str()).collect();
        (squeeze(&joined) == text).then_some(runs)
    })
}

fn span(runs: &[&TextRun]) -> (f64, f64) {
    let x0 = runs.iter().map(|r| r.ink[0]).fold(f64::MAX, f64::min);
    let x1 = runs.iter().map(|r| r.ink[2]).fold(f64::MIN, f64::max);
    (x0 / MM, x1 / MM)
}

/// GB/T 9704: 主送机关 flush left under the title, ending in a full-width colon; the
/// 发文机关署名 centred over the 成文日期, which stands four characters from the right
/// edge; two empty lines above the 署名 for the seal; the 自评报告's 附件说明 two
/// characters in, after its body.
#[test]
fn the_reports_carry_recipient_attachment_note_issuer_and_date_as_a_government_document() {
    let char_w = BODY_W / 28.0;
    for (kind, recipient, attachment) in [
        (
            DocKind::SelfEvaluation,
            "济南市质量强市及品牌战略推进工作领导小组办公室：",
            Some("附件：证明材料目录"),
        ),
        (
            DocKind::AnnualReport,
            "各街道办事处、镇人民政府，区政府有关部门（单位）：",
            None,
        ),
    ] {
        let d = doc(kind);
        let first = &d.layout()[0];
        let r = line_of(first, recipient).unwrap_or_else(|| panic!("{kind:?}: no 主送机关"));
        let left = INSIDE; // page 1 is an odd page: 订口 on the left
        assert!(
            (span(&r).0 - left).abs() < 1.0,
            "{kind:?} 主送机关 not flush left"
        );
        // The page that signs: 署名 and 成文日期.
        let (page, issuer) = d
            .layout()
            .iter()
            .enumerate()
            .find_map(|(i, p)| line_of(p, "济南市章丘区人民政府").map(|l| (i, l)))
            .unwrap_or_else(|| panic!("{kind:?}: no 署名"));
        let p = &d.layout()[page];
        let date = line_of(p, "2022年7月20日").expect("成文日期 under the 署名");
        let left = if (page + 1) % 2 == 1 { INSIDE } else { OUTSIDE };
        let right = left + BODY_W;
        let (d0, d1) = span(&date);
        let (i0, i1) = span(&issuer);
        assert!(
            (right - d1 - 4.0 * char_w).abs() < 1.5,
            "{kind:?}: 成文日期 ends {:.1} mm from the right edge",
            right - d1
        );
        assert!(
            ((i0 + i1) / 2.0 - (d0 + d1) / 2.0).abs() < 1.5,
            "{kind:?}: 署名 not centred over the 成文日期"
        );
        let pitch = BODY_H / 22.0;
        assert!(((date[0].y - issuer[0].y) / MM - pitch).abs() < 1.0);
        // Two empty lines above the 署名: nothing printed in between.
        let above = p
            .runs
            .iter()
            .filter(|r| r.is_horizontal() && r.y < issuer[0].y - 1.0)
            .map(|r| r.y)
            .fold(f64::MIN, f64::max);
        let gap = (issuer[0].y - above) / MM;
        assert!(
            gap > 2.5 * pitch && gap < 3.5 * pitch,
            "{kind:?}: {gap:.1} mm between the body and the 署名"
        );
        if let Some(note) = attachment {
            let n = line_of(p, note).unwrap_or_else(|| panic!("no 附件说明 above the 署名"));
            assert!(n[0].y < issuer[0].y);
            assert!((span(&n).0 - left - 2.0 * char_w).abs() < 1.0);
        }
    }
}

/// The word list of `templates/style.typ` (whole-words), for checking line breaks.
fn word_list() -> Vec<String> {
    let style = std::fs::read_to_string(repo("templates/style.typ")).unwrap();
    let list = style
        .split("#let 词表 = (")
        .nth(1)
        .unwrap()
        .split("\n)")
        .next()
        .unwrap();
    list.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| l.split('"').skip(1).step_by(2).map(str::to_string))
        .collect()
}

/// Character offsets where `s` may break: between the words the template's word list
/// finds (longest match; digits and letters stay together; 、/） go with the word before).
fn word_bounds(s: &str, words: &[String]) -> Vec<usize> {
    let cs: Vec<char> = s.chars().collect();
    let ascii = |c: char| c.is_ascii_alphanumeric() || ".+-%".contains(c);
    let mut bounds = vec![0];
    let mut i = 0;
    while i < cs.len() {
        let mut n = 1;
        if ascii(cs[i]) {
            while i + n < cs.len() && ascii(cs[i + n]) {
                n += 1;
            }
        } else {
            for k in (2..=7.min(cs.len() - i)).rev() {
                let w: String = cs[i..i + k].iter().collect();
                if words.contains(&w) {
                    n = k;
                    break;
                }
            }
        }
        i += n;
        while i < cs.len() && "、，。；：）%/".contains(cs[i]) {
            i += 1;
        }
        bounds.push(i);
    }
    bounds
}

/// documents.md: narrow table columns break between words, never inside one
/// (“区市场监管/局”, “吨标/准煤”): every piece of a label, unit of measure or unit name
/// that a table prints on a line of its own starts and ends at a word boundary.
#[test]
fn table_cells_break_between_words() {
    let words = word_list();
    let whole_pieces = |whole: &str, piece: &str| -> bool {
        let bounds = word_bounds(whole, &words);
        let (w, p): (Vec<char>, Vec<char>) = (whole.chars().collect(), piece.chars().collect());
        if p.len() > w.len() {
            return false;
        }
        (0..=w.len() - p.len()).any(|at| {
            w[at..at + p.len()] == p[..] && bounds.contains(&at) && bounds.contains(&(at + p.len()))
        })
    };
    // The annual report's tables: labels, units of measure, targets.
    let mut phrases: Vec<String> = Vec::new();
    for s in &catalogue().series {
        phrases.push(s.label.clone());
        phrases.push(s.unit.clone());
        if let Some(t) = &s.target {
            let (zhiliang_core::config::Target::AtLeast { text, .. }
            | zhiliang_core::config::Target::Rising { text }
            | zhiliang_core::config::Target::Falling { text }) = t;
            phrases.push(text.clone());
        }
    }
    let ar = doc(DocKind::AnnualReport);
    let mut checked = 0;
    for page in ar.layout() {
        for r in page.runs.iter().filter(|r| r.is_horizontal()) {
            let t = r.text.trim();
            if !t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                continue; // figures and years are not words of a phrase
            }
            if words.iter().any(|w| w == t) {
                continue; // a word of the list, set whole
            }
            for p in phrases.iter().filter(|p| p.chars().count() > 2) {
                if p.contains(t) && !t.is_empty() && t != p.as_str() {
                    checked += 1;
                    assert!(
                        phrases.iter().any(|q| whole_pieces(q, t)),
                        "“{t}” is a piece of “{p}” broken inside a word"
                    );
                }
            }
        }
    }
    assert!(checked > 0, "no broken label was seen at all");
    // The score table's 责任单位 column: each line holds whole unit names.
    let names: std::collections::BTreeSet<String> = catalogue()
        .indicators
        .iter()
        .flat_map(|i| i.responsible.clone())
        .collect();
    let se = doc(DocKind::SelfEvaluation);
    let column = L_LEFT + BODY_H - 33.0;
    let mut lines = 0;
    for (_, page) in table_pages(se) {
        let mut by_line: std::collections::BTreeMap<i64, Vec<&TextRun>> = Default::default();
        for r in page
            .runs
            .iter()
            .filter(|r| r.is_horizontal() && r.x / MM > column)
        {
            by_line
                .entry((r.y * 4.0).round() as i64)
                .or_default()
                .push(r);
        }
        for (_, mut runs) in by_line {
            runs.sort_by(|a, b| a.x.total_cmp(&b.x));
            let line: String = runs.iter().map(|r| r.text.trim()).collect();
            if line.is_empty() || line == "责任单位" {
                continue;
            }
            lines += 1;
            for part in line.split('、').filter(|p| !p.is_empty()) {
                assert!(names.contains(part), "责任单位 line “{line}” breaks a name");
            }
        }
    }
    assert!(lines > 40, "only {lines} lines in the 责任单位 column");
}

/// GB/T 9704: each document's title is 二号 (22 pt) 小标宋, centred on its first page (the
/// open substitute is Noto Serif CJK SC Bold, embedded as such).
#[test]
fn titles_are_set_in_xiaobiaosong_of_size_two() {
    let xbs = renderer().fonts().families(Role::Xiaobiaosong);
    for (kind, title) in [
        (DocKind::Application, "山东省质量强县（市、区）申请表"),
        (
            DocKind::SelfEvaluation,
            "济南市章丘区创建山东省质量强区自评报告",
        ),
        (DocKind::AnnualReport, "章丘区2021年度质量发展状况分析报告"),
    ] {
        let d = doc(kind);
        let runs: Vec<&TextRun> = d.layout()[0]
            .runs
            .iter()
            .filter(|r| (r.size - 22.0).abs() < 0.01)
            .collect();
        let text: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(squeeze(&text), title, "{kind:?}");
        for r in &runs {
            assert_eq!(r.family, xbs[0], "{kind:?}: {}", r.text);
        }
        let (x0, x1) = span(&runs);
        let mid = INSIDE + BODY_W / 2.0;
        assert!(
            ((x0 + x1) / 2.0 - mid).abs() < 1.5,
            "{kind:?} title not centred"
        );
        let pdf = lopdf::Document::load_mem(&d.pdf).unwrap();
        let bold = pdf
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter_map(|d| d.get(b"BaseFont").ok()?.as_name().ok())
            .any(|n| String::from_utf8_lossy(n).contains("NotoSerifCJKsc-Bold"));
        assert!(bold, "{kind:?}: the 小标宋 face is not embedded");
    }
}
