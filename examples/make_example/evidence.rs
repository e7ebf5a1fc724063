//! Replaces the example campaign's placeholder evidence with files that look like the real
//! thing, so the example 证明材料汇编 (evidence binder) shows what a real binder holds:
//!
//! - every `*.pdf` under `input/evidence/` and `examples/problems/evidence/` becomes a
//!   1–3 page PDF/A document typeset with Typst in the shipped fonts (fonts embedded, text
//!   searchable) of the kind its file name says — a 红头 notice with its 文号 and a drawn
//!   seal placeholder, a 会议纪要, a 工作信息 about an event with its photograph, a
//!   certificate, a newspaper page, a phone screenshot, a standard's cover, a report, a
//!   statistical table — filled with what the example facts (`examples/zhangqiu/facts.json`)
//!   say about the file (names, dates, figures);
//! - every document the facts cite by 文号 only (e.g. 章政办字〔2021〕18号) is written as
//!   `<文号> <标题>.pdf` into the citing unit's folder: a 红头 notice issuing it;
//! - every `*.jpg` / `*.jpeg` becomes a photograph-like picture (`photo` below: a scene
//!   drawn procedurally, with the banner, screen or board text set from the shipped fonts);
//! - spreadsheets are written by the campaign part (statistical tables).
//!
//! The word 示例 appears once in each file, in the top margin of its first page.
//!
//! Runs after the campaign part has written the placeholders (see `main.rs`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use zhiliang_core::facts::is_doc_number;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{Value as J, json};
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::facts::{FactsFile, Value};
use zhiliang_core::units::{Roster, Unit};
use zhiliang_render::{FontSet, RenderOptions, Renderer};

const TEMPLATE: &str = r##"// Example evidence: one file, drawn from blocks the generator composes page by page.
#let data = json("/data.json")
#let fonts = data.fonts
#let red = rgb(206, 18, 18)
#let grey = luma(120)

#let 版心宽 = 156mm
#let 行距 = 225mm / 22 - 16pt
#let layouts = (
  gongwen: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),
  plain: (top: 28mm, bottom: 25mm, left: 25mm, right: 22mm),
  landscape: (x: 16mm, y: 14mm),
  news: (top: 14mm, bottom: 14mm, x: 13mm),
  phone: (top: 20mm, bottom: 18mm, x: 20mm),
  standard: (top: 22mm, bottom: 20mm, left: 25mm, right: 20mm),
)

#set document(title: data.doc_title, author: data.author,
  date: datetime(year: data.year, month: data.month, day: data.day))
#set page(paper: "a4", flipped: data.layout == "landscape", margin: layouts.at(data.layout),
  header: context if here().page() == 1 {
    align(right, text(font: fonts.songti, size: 8pt, fill: luma(140), tracking: 0pt, data.mark))
  },
  footer: context {
    let n = here().page()
    let total = counter(page).final().first()
    if data.footer == "dash" {
      let t = text(font: fonts.songti, size: 14pt, tracking: 0pt)[— #n —]
      if calc.odd(n) { align(right, t + h(1em)) } else { align(left, h(1em) + t) }
    } else if data.footer == "count" {
      align(center, text(font: fonts.songti, size: 10pt, tracking: 0pt)[第 #n 页 共 #total 页])
    }
  })
#set text(font: fonts.fangsong, size: 16pt, lang: "zh", region: "cn", cjk-latin-spacing: none,
  top-edge: 0.88em, bottom-edge: -0.12em)
#set par(leading: 行距, spacing: 行距, justify: true, first-line-indent: (amount: 2em, all: true))

// Fit one line of text into the available width by compressing it horizontally.
#let fit(body) = layout(size => {
  let w = measure(body).width
  if w > size.width { scale(x: size.width / w * 100%, reflow: true, body) } else { body }
})

// A seal placeholder: a red ring, the organ's name around the top, 印章位置 inside.
#let seal(name, size: 40mm) = {
  let r = size / 2
  let chars = name.clusters()
  let n = chars.len()
  let fs = calc.min(5.4mm, (r * 2 * calc.pi * 0.62) / n)
  let rr = r - fs * 0.95
  let step = (fs * 1.08) / rr
  let span = calc.min(250, n * step * 180 / calc.pi) * 1deg
  box(width: size, height: size, {
    place(top + left, circle(radius: r, stroke: 1.6pt + red))
    for (i, c) in chars.enumerate() {
      let a = -90deg - span / 2 + span * (i + 0.5) / n
      place(top + left, dx: r + rr * calc.cos(a) - fs / 2, dy: r + rr * calc.sin(a) - fs / 2,
        rotate(a + 90deg, origin: center + horizon,
          box(width: fs, height: fs, align(center + horizon,
            text(font: fonts.songti, size: fs * 0.92, fill: red, weight: "bold", top-edge: "bounds", bottom-edge: "bounds", tracking: 0pt, c)))))
    }
    place(center + horizon, dy: 3mm, text(font: fonts.heiti, size: 8pt, fill: red, tracking: 0pt)[印章位置])
    place(center + horizon, dy: -3mm, text(font: fonts.songti, size: 15pt, fill: red)[◆])
  })
}

#let photo(b) = {
  let h = b.at("height", default: 60) * 1mm
  if b.at("image", default: none) != none {
    block(width: 100%, height: h, clip: true, image(b.image, width: 100%, height: h, fit: "cover"))
  } else {
    block(width: 100%, height: h, fill: luma(205), stroke: 0.5pt + luma(160),
      align(center + horizon, text(font: fonts.heiti, size: 10pt, fill: luma(110), tracking: 0pt)[图片]))
  }
  if "caption" in b {
    v(-0.4em)
    align(center, text(font: fonts.kaiti, size: 11pt, tracking: 0pt, b.caption))
  }
}

#let lines(l) = if type(l) == array { l.join(linebreak()) } else { l }

#let table-block(b) = {
  if "title" in b {
    align(center, text(font: fonts.xiaobiaosong, size: b.at("title_size", default: 18pt / 1pt) * 1pt, lines(b.title)))
    v(2mm)
  }
  let size = b.at("size", default: 10.5) * 1pt
  if "left" in b or "right" in b {
    set par(first-line-indent: 0em)
    grid(columns: (1fr, auto),
      text(font: fonts.songti, size: size, tracking: 0pt, b.at("left", default: "")),
      text(font: fonts.songti, size: size, tracking: 0pt, b.at("right", default: "")))
    v(-1mm)
  }
  set text(font: fonts.songti, size: size, tracking: 0pt, top-edge: "cap-height", bottom-edge: "baseline")
  set par(first-line-indent: 0em, leading: 0.55em, justify: false)
  let aligns = b.at("aligns", default: b.columns.map(_ => "c"))
  table(
    columns: b.widths.map(w => w * 1fr),
    align: (x, y) => (if aligns.at(x) == "l" { left } else if aligns.at(x) == "r" { right } else { center }) + horizon,
    stroke: 0.6pt,
    inset: (x: 3pt, y: b.at("pad", default: 5) * 1pt),
    fill: (x, y) => if y == 0 { luma(232) },
    table.header(..b.columns.map(c => text(font: fonts.heiti, c))),
    ..b.rows.flatten(),
    ..if "total" in b { b.total.map(c => text(font: fonts.heiti, c)) } else { () },
  )
  if "note" in b {
    v(1mm)
    set par(first-line-indent: 0em)
    text(size: size, b.note)
  }
}

#let sign(b) = {
  v(b.at("gap", default: 2) * 1em)
  set par(first-line-indent: 0em)
  align(right, box(inset: (right: b.at("indent", default: 4) * 1em), {
    stack(dir: ttb, spacing: 行距, align(center, b.organ), align(center, b.date))
    if b.at("seal", default: none) != none {
      place(center + horizon, dx: 0mm, dy: -1mm, seal(b.seal))
    }
  }))
}

#let banner(b) = {
  // 红头 of a briefing, a minutes series or a newsletter.
  set par(first-line-indent: 0em)
  v(b.at("top", default: 4) * 1mm)
  align(center, fit(text(font: fonts.xiaobiaosong, size: b.at("size", default: 32) * 1pt, fill: red, tracking: 0.05em, b.title)))
  if "issue" in b {
    v(3mm)
    align(center, text(b.issue))
  }
  if "office" in b {
    v(2mm)
    grid(columns: (1fr, auto), text(size: 14pt, b.office), text(size: 14pt, b.date))
  }
  v(-2mm)
  line(length: 100%, stroke: 2pt + red)
  v(2mm)
}

#let certificate(b) = {
  let gold = rgb(176, 132, 40)
  set par(first-line-indent: 0em, justify: false)
  block(width: 100%, height: 100%, stroke: 6pt + gold, inset: 3.5mm,
    block(width: 100%, height: 100%, stroke: 1.2pt + gold, inset: (x: 26mm, top: 14mm, bottom: 10mm), {
      align(center, text(font: fonts.xiaobiaosong, size: 44pt, fill: red, tracking: 0.35em, b.title))
      if "subheading" in b {
        v(-2mm)
        align(center, text(font: fonts.kaiti, size: 16pt, tracking: 0.2em, b.subheading))
      }
      v(9mm)
      set text(size: 19pt)
      if "recipient" in b { text(b.recipient) }
      if "body" in b {
        v(4mm)
        for p in b.body { par(first-line-indent: (amount: 2em, all: true), leading: 1em, justify: true, p) }
      }
      if "fields" in b {
        v(2mm)
        set text(size: 16pt)
        grid(columns: (34mm, 1fr), row-gutter: 4.2mm,
          ..b.fields.map(f => (text(font: fonts.heiti, f.at(0)), f.at(1))).flatten())
      }
      v(1fr)
      grid(columns: (1fr, auto), align(left + bottom, text(size: 12pt, b.number)),
        box({
          stack(dir: ttb, spacing: 5mm, align(center, text(size: 18pt, b.organ)), align(center, text(size: 18pt, b.date)))
          place(center + horizon, dy: -1mm, seal(b.seal, size: 42mm))
        }))
    }))
}

#let news(b) = {
  set par(first-line-indent: 0em, justify: true)
  grid(columns: (auto, 1fr, auto), column-gutter: 6mm,
    align(left + bottom, text(font: fonts.xiaobiaosong, size: 50pt, fill: red, tracking: 0.05em, b.paper)),
    align(left + bottom, text(font: fonts.songti, size: 8.5pt, tracking: 0pt, lines(b.imprint))),
    align(right + bottom, text(font: fonts.heiti, size: 10pt, tracking: 0pt, lines(b.dateline))))
  v(-1mm)
  line(length: 100%, stroke: 2.2pt + red)
  v(-3.2mm)
  line(length: 100%, stroke: 0.5pt + red)
  v(3mm)
  align(center, text(font: fonts.kaiti, size: 13pt, tracking: 0pt, b.kicker))
  v(-1mm)
  align(center, text(font: fonts.heiti, size: 27pt, tracking: 0pt, b.heading))
  v(-1mm)
  align(center, text(font: fonts.kaiti, size: 13pt, tracking: 0pt, b.subheading))
  align(center, text(font: fonts.songti, size: 9.5pt, tracking: 0pt, b.byline))
  v(1mm)
  set text(font: fonts.songti, size: 10pt, tracking: 0pt, top-edge: "cap-height", bottom-edge: "baseline")
  set par(leading: 0.62em, spacing: 0.62em, first-line-indent: (amount: 2em, all: true))
  block(height: 142mm, columns(3, gutter: 5mm, {
    place(top, float: true, scope: "parent", clearance: 4mm, {
      grid(columns: (2fr, 1fr), column-gutter: 5mm,
        photo((height: 58, image: b.at("image", default: none))),
        align(bottom, text(font: fonts.kaiti, size: 10pt, b.caption)))
    })
    for p in b.body { par(p) }
  }))
  line(length: 100%, stroke: 0.8pt)
  v(1mm)
  text(font: fonts.heiti, size: 13pt, b.brief_heading)
  v(-1mm)
  columns(3, gutter: 5mm, { for p in b.brief { par(p) } })
  v(1fr)
  line(length: 100%, stroke: 0.4pt)
  v(-2mm)
  text(size: 8.5pt, fill: grey, b.footline)
}

#let screenshot(b) = {
  set par(first-line-indent: 0em, justify: true)
  align(center, block(width: 96mm, height: 208mm, radius: 9mm, stroke: 3pt + luma(35), fill: luma(35), inset: 2.5mm,
    block(width: 100%, height: 100%, radius: 7mm, fill: white, clip: true, {
      set text(font: fonts.heiti, tracking: 0pt, top-edge: "cap-height", bottom-edge: "baseline")
      block(width: 100%, height: 7mm, fill: luma(237), inset: (x: 5mm),
        grid(columns: (1fr, 1fr), align(left + horizon, text(size: 8pt, b.clock)), align(right + horizon, text(size: 8pt)[5G　86%])))
      block(width: 100%, height: 9mm, fill: luma(237), inset: (x: 4mm),
        grid(columns: (8mm, 1fr, 8mm), align(left + horizon, text(size: 12pt)[×]), align(center + horizon, text(size: 10pt, b.account)), align(right + horizon, text(size: 12pt)[···])))
      block(width: 100%, inset: (x: 5mm, top: 4mm), {
        set text(font: fonts.songti, size: 9.5pt, top-edge: 0.88em, bottom-edge: -0.12em)
        set par(leading: 0.7em, spacing: 0.9em)
        text(font: fonts.heiti, size: 14pt, b.heading)
        v(1mm)
        text(size: 8.5pt, fill: rgb(87, 107, 149), b.account) + h(3mm) + text(size: 8.5pt, fill: grey, b.when)
        v(1mm)
        for p in b.body.slice(0, 2) { par(p) }
        photo((height: 34, image: b.at("image", default: none)))
        for p in b.body.slice(2) { par(p) }
        v(1mm)
        text(size: 8.5pt, fill: grey, b.stats)
      })
    })))
}

#let standard-cover(b) = {
  set par(first-line-indent: 0em, justify: false)
  set text(tracking: 0pt)
  grid(columns: (1fr, auto),
    text(font: fonts.heiti, size: 11pt, lines(b.codes)),
    text(font: fonts.heiti, size: 40pt, weight: "bold", b.abbr))
  v(6mm)
  align(center, text(font: fonts.xiaobiaosong, size: 26pt, tracking: 0.25em, b.family))
  v(3mm)
  align(right, text(font: fonts.heiti, size: 14pt, b.number))
  line(length: 100%, stroke: 0.8pt)
  v(1fr)
  align(center, text(font: fonts.heiti, size: 26pt, b.heading))
  v(5mm)
  align(center, text(font: fonts.songti, size: 12pt, b.english))
  v(1fr)
  grid(columns: (1fr, 1fr), text(font: fonts.heiti, size: 14pt, b.published), align(right, text(font: fonts.heiti, size: 14pt, b.effective)))
  line(length: 100%, stroke: 0.8pt)
  v(4mm)
  align(center, box({
    text(font: fonts.songti, size: 18pt, lines(b.issuer))
    h(8mm)
    text(font: fonts.songti, size: 18pt, tracking: 0.5em)[发布]
  }))
}

#let kv(b) = {
  set text(size: b.at("size", default: 14) * 1pt, tracking: 0pt)
  set par(first-line-indent: 0em, justify: true, leading: 0.6em)
  table(columns: (30mm, 1fr), stroke: 0.6pt, inset: (x: 4pt, y: 6pt), align: (x, y) => (if x == 0 { center } else { left }) + horizon,
    ..b.rows.map(r => (text(font: fonts.heiti, r.at(0)), r.at(1))).flatten())
}

#let block-of(b) = {
  let t = b.t
  if t == "redhead" {
    set par(first-line-indent: 0em)
    v(b.at("top", default: 6) * 1mm)
    align(center, fit(text(font: fonts.xiaobiaosong, size: 34pt, fill: red, tracking: 0.04em, b.title)))
    v(10mm)
    align(center, text(b.docno))
    v(-2mm)
    line(length: 100%, stroke: 1.6pt + red)
    v(8mm)
  } else if t == "banner" { banner(b) }
  else if t == "title" {
    set par(first-line-indent: 0em, leading: 0.5em, justify: false)
    align(center, text(font: fonts.xiaobiaosong, size: b.at("size", default: 22) * 1pt, lines(b.title)))
    v(b.at("after", default: 4) * 1mm)
  } else if t == "subtitle" {
    set par(first-line-indent: 0em)
    align(center, text(font: fonts.kaiti, size: 16pt, b.subheading))
  } else if t == "to" {
    par(first-line-indent: 0em, b.text)
  } else if t == "p" {
    par(b.text)
  } else if t == "lead" {
    par(text(font: fonts.heiti, b.heading) + b.text)
  } else if t == "h1" {
    par(text(font: fonts.heiti, b.heading))
  } else if t == "h2" {
    par(text(font: fonts.kaiti, b.subheading))
  } else if t == "plain" {
    par(first-line-indent: 0em, b.text)
  } else if t == "right" {
    set par(first-line-indent: 0em)
    align(right, b.text)
  } else if t == "attach" {
    par(hanging-indent: 5em, b.text)
  } else if t == "sign" { sign(b) }
  else if t == "table" { table-block(b) }
  else if t == "photo" { photo(b) }
  else if t == "photos" {
    grid(columns: (1fr, 1fr), column-gutter: 4mm, ..b.items.map(photo))
  } else if t == "kv" { kv(b) }
  else if t == "space" { v(b.mm * 1mm) }
  else if t == "fill" { v(1fr) }
  else if t == "imprint" {
    // 版记: 抄送 and the printing office between two rules, at the foot of the last page.
    v(1fr)
    set text(size: 14pt, tracking: 0pt)
    set par(first-line-indent: 0em)
    line(length: 100%, stroke: 0.8pt)
    v(-3mm)
    if "cc" in b {
      par(hanging-indent: 3em, h(1em) + b.cc)
      v(-3.5mm)
      line(length: 100%, stroke: 0.4pt)
      v(-3mm)
    }
    grid(columns: (1fr, auto), h(1em) + b.office, b.date + h(1em))
    v(-3.5mm)
    line(length: 100%, stroke: 0.8pt)
  } else if t == "certificate" { certificate(b) }
  else if t == "news" { news(b) }
  else if t == "screenshot" { screenshot(b) }
  else if t == "standard-cover" { standard-cover(b) }
  else if t == "small" {
    set text(font: fonts.songti, size: b.at("size", default: 10.5) * 1pt, tracking: 0pt)
    set par(leading: 0.65em, spacing: 0.8em)
    if "heading" in b { align(center, text(font: fonts.heiti, size: 14pt, b.heading)) }
    for p in b.paras { par(p) }
  } else {
    panic("unknown block " + t)
  }
}

#for (i, page) in data.pages.enumerate() {
  if i > 0 { pagebreak() }
  for b in page { block-of(b) }
}
"##;

/// The one mention of 示例 in each file: the top margin of its first page.
const MARK: &str = "示例材料：虚构内容，仅用于演示证明材料汇编";

/// The seed plan (章政发〔2022〕11号), quoted on its first pages.
const SEED_DOCNO: &str = "章政发〔2022〕11号";
const SEED_DATE: (i32, u32, u32) = (2022, 6, 25);
const SEED_OPENING: &[&str] = &[
    "为深入实施质量强区战略，推进全区质量水平不断提升，根据山东省质量强省及品牌战略推进工作领导小组《关于印发山东省质量强县（市、区）创建实施方案的通知》（鲁质强发〔2022〕2号）、济南市质量强市及品牌战略推进工作领导小组办公室《关于做好山东省质量强县（区）申报工作的通知》（济质强办发〔2022〕6号）要求，积极争创山东省质量强区，结合我区实际，制定本实施方案。",
];
const SEED_SECTIONS: &[(&str, &[&str])] = &[
    (
        "一、总体思路",
        &[
            "以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的十九大和十九届历次全会精神及习近平总书记关于质量工作的重要指示要求，激发区域高质量发展的内生动力，提升区域质量竞争力，持续深化质量强区建设，着力构建“党委领导、政府主导、部门联合、企业主责、社会参与”大质量治理工作格局，为开创济东强区建设新局面、当好省会创新发展龙头提供有力支撑，走出章丘特色的高质量发展道路。",
        ],
    ),
    (
        "二、创建目标",
        &[
            "（一）总体目标",
            "通过深入开展质量强区创建工作，到2022年底，质量发展理念深入大众，质量发展机制进一步完善，质量发展基础更加稳固，产品质量、工程质量、服务质量、环境质量等质量总体水平显著提升，形成具有章丘区特色的质量强区创建工作新格局，并力争在一年内创建成为山东省质量强区。",
        ],
    ),
    (
        "（二）主要目标",
        &[
            "产品质量：主要农产品质量安全抽检合格率保持在97%以上；工业产品质量监督抽查合格率达到95%以上；食品抽检合格率达97%以上，重点食品质量安全状况保持稳定良好。",
            "工程质量：新开工建筑绿色节能设计标准执行率达到100%；获得装配式建筑产业基地的数量稳步提高；智慧工地建设方面有与工程质量安全监督管理工作相适应的信息化管理系统，在监工程项目上线率达100%；人民群众对工程质量满意度明显提高，建设工程质量投诉率显著下降。",
            "服务质量：服务业增加值占GDP比重稳步提升；规模以上服务业企业数量及其营业收入稳步增加；基本实现服务标准化、规范化和品牌化，服务质量稳步提升，生产性服务业和生活性服务业顾客满意度均达到80%以上。",
        ],
    ),
];

/// A small stable hash (FNV-1a) so page counts, numbers and drawings do not change
/// between runs.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn pick<'a>(items: &[&'a str], seed: u64) -> &'a str {
    items[(seed % items.len() as u64) as usize]
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn cn_md(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

fn weekday(d: NaiveDate) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][d.weekday().num_days_from_monday() as usize]
}

/// Text without the example data's own "（示例）" tags: each file says 示例 once, on its
/// first page, and nowhere else.
fn clean(s: &str) -> String {
    s.replace("（示例）", "")
        .replace("(示例)", "")
        .replace("示例", "")
}

/// Trailing dates and unit tags of a file stem: 质量月启动仪式-2021-09-08 → (质量月启动仪式,
/// 2021-09-08); 2022年度部门预算批复-市场监管 → (2022年度部门预算批复, None).
fn subject_and_date(stem: &str) -> (String, Option<NaiveDate>, Option<i32>) {
    let parts: Vec<&str> = stem.split('-').collect();
    let mut subject = parts[0].to_string();
    let nums: Vec<u32> = parts[1..]
        .iter()
        .filter_map(|p| p.parse::<u32>().ok())
        .collect();
    let mut when = None;
    let mut year = None;
    if let Some(&y) = nums.first().filter(|y| (1990..2100).contains(*y)) {
        year = Some(y as i32);
        let m = nums.get(1).copied().filter(|m| (1..=12).contains(m));
        let d = nums.get(2).copied().unwrap_or(28);
        if let Some(m) = m {
            when = NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    if year.is_none() {
        // 2021年度质量分析报告, 2021年章丘区…: a year at the front.
        let digits: String = subject.chars().take_while(char::is_ascii_digit).collect();
        if digits.len() == 4 {
            year = digits.parse().ok();
        }
    }
    if subject.is_empty() {
        subject = stem.to_string();
    }
    (subject, when, year)
}

fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

// ---------------------------------------------------------------------------------------
// What the facts say about each file

/// One fact or record that cites a file (or a 文号).
#[derive(Clone, Debug)]
struct Cite {
    /// Scalar key, or the record's list.
    key: String,
    scalar: bool,
    /// Record fields; a scalar's value is under "value".
    fields: BTreeMap<String, Value>,
}

impl Cite {
    fn text(&self, field: &str) -> Option<String> {
        self.fields.get(field).map(|v| match v {
            Value::Text(s) => clean(s),
            other => other.to_string(),
        })
    }
    fn number(&self, field: &str) -> Option<Decimal> {
        self.fields.get(field).and_then(Value::as_number)
    }
    fn date(&self, field: &str) -> Option<NaiveDate> {
        self.fields.get(field).and_then(Value::as_date)
    }
}

/// A 证明材料 cell's items: "a.pdf；b.jpg", one per line, or split at 、，,.
fn evidence_items(text: &str) -> Vec<String> {
    text.split(['；', ';', '\n', '\r', '、', '，', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

struct Facts {
    /// (unit name, cited item) → the facts citing it.
    by_item: BTreeMap<(String, String), Vec<Cite>>,
    /// item → the facts of any unit citing it (a 统计公报 several units send).
    by_name: BTreeMap<String, Vec<Cite>>,
    /// The campaign's 质量精神口号 (for banners and screens).
    slogan: String,
}

fn read_facts(file: &FactsFile) -> Facts {
    let mut by_item: BTreeMap<(String, String), Vec<Cite>> = BTreeMap::new();
    let mut by_name: BTreeMap<String, Vec<Cite>> = BTreeMap::new();
    for sub in &file.submissions {
        let scalars = sub.scalars.iter().filter_map(|f| {
            let ev = f.evidence.as_deref()?;
            Some((
                ev,
                Cite {
                    key: f.key.clone(),
                    scalar: true,
                    fields: BTreeMap::from([("value".to_string(), f.value.clone())]),
                },
            ))
        });
        let records = sub.records.iter().filter_map(|r| {
            let ev = r.evidence.as_deref()?;
            Some((
                ev,
                Cite {
                    key: r.list.clone(),
                    scalar: false,
                    fields: r.fields.clone(),
                },
            ))
        });
        for (ev, cite) in scalars.chain(records) {
            for item in evidence_items(ev) {
                by_item
                    .entry((sub.unit.clone(), item.clone()))
                    .or_default()
                    .push(cite.clone());
                by_name.entry(item).or_default().push(cite.clone());
            }
        }
    }
    let slogan = file
        .submissions
        .iter()
        .flat_map(|s| &s.scalars)
        .find(|f| f.key == "slogan")
        .and_then(|f| f.value.as_text())
        .unwrap_or("质量强区")
        .to_string();
    Facts {
        by_item,
        by_name,
        slogan,
    }
}

// ---------------------------------------------------------------------------------------
// Names

/// 区市场监督管理局 → 济南市章丘区市场监督管理局.
fn organ(unit: &Unit) -> String {
    if unit.full_name.starts_with('区') {
        format!("济南市章丘{}", unit.full_name)
    } else {
        unit.full_name.clone()
    }
}

const GOV: &str = "济南市章丘区人民政府";
const GOV_OFFICE: &str = "济南市章丘区人民政府办公室";

/// The issuing organ of a 文号 by its prefix (章政发 → 区人民政府), else the citing unit.
fn issuer_of(docno: &str, unit: &Unit) -> String {
    let prefix = docno.split('〔').next().unwrap_or("");
    match prefix {
        "章政发" | "章政字" => GOV.into(),
        "章政办发" | "章政办字" => GOV_OFFICE.into(),
        "章市监发" | "章市监字" => "济南市章丘区市场监督管理局".into(),
        "章信用办发" => "章丘区社会信用体系建设领导小组办公室".into(),
        "章财预" => "济南市章丘区财政局".into(),
        _ => organ(unit),
    }
}

/// The 红头: "…文件" for 发 documents, the organ alone for 字 (信函) documents.
fn header_of(docno: &str, issuer: &str) -> String {
    let prefix = docno.split('〔').next().unwrap_or("");
    if prefix.ends_with('发') {
        format!("{issuer}文件")
    } else {
        issuer.to_string()
    }
}

fn docno_year(docno: &str) -> Option<i32> {
    let (_, rest) = docno.split_once('〔')?;
    rest.split_once('〕')?.0.parse().ok()
}

/// An external body for a file about an honour, a list or an acceptance.
fn outside_issuer(text: &str, level: Option<&str>) -> &'static str {
    const BY_WORD: &[(&str, &str)] = &[
        ("省长质量奖", "山东省人民政府"),
        ("科学技术奖", "山东省人民政府"),
        ("科技进步奖", "山东省人民政府"),
        ("技术发明奖", "山东省人民政府"),
        ("中国质量奖", "国家市场监督管理总局"),
        ("质量标杆", "山东省工业和信息化厅"),
        ("农产品品牌", "山东省农业农村厅"),
        ("农产品质量安全县", "山东省农业农村厅"),
        ("食品安全", "山东省食品安全委员会办公室"),
        ("诚信计量示范街", "济南市市场监督管理局"),
        ("装配式建筑", "山东省住房和城乡建设厅"),
        ("TC", "国家标准化管理委员会"),
        ("标准化技术委员会", "国家标准化管理委员会"),
        ("国家级示范区", "国家标准化管理委员会"),
        ("国家级农业标准化", "国家标准化管理委员会"),
        ("标准化试点", "山东省市场监督管理局"),
        ("试点验收", "山东省市场监督管理局"),
    ];
    for (w, o) in BY_WORD {
        if text.contains(w) {
            return o;
        }
    }
    match level {
        Some(l) if l.contains("国家") => "国家市场监督管理总局",
        Some(l) if l.contains("省") => "山东省市场监督管理局",
        Some(l) if l.contains("市") => "济南市市场监督管理局",
        _ => "济南市章丘区人民政府",
    }
}

/// An invented 文号 for a document nobody cites by number (budget approvals, lists).
fn invented_docno(issuer: &str, year: i32, seed: u64) -> String {
    const PREFIX: &[(&str, &str)] = &[
        ("国家市场监督管理总局", "国市监质发"),
        ("国家标准化管理委员会", "国标委发"),
        ("山东省人民政府", "鲁政字"),
        ("山东省市场监督管理局", "鲁市监标字"),
        ("山东省农业农村厅", "鲁农质安字"),
        ("山东省住房和城乡建设厅", "鲁建节科字"),
        ("山东省食品安全委员会办公室", "鲁食安办发"),
        ("山东省工业和信息化厅", "鲁工信质字"),
        ("济南市市场监督管理局", "济市监计量字"),
        ("济南市章丘区财政局", "章财预"),
        ("济南市章丘区人民政府", "章政字"),
        ("济南市章丘区住房和城乡建设局", "章住建字"),
        ("济南市章丘区市场监督管理局", "章市监字"),
    ];
    let prefix = PREFIX
        .iter()
        .find(|(o, _)| *o == issuer)
        .map_or("章政办字", |(_, p)| *p);
    format!("{prefix}〔{year}〕{}号", 3 + seed % 60)
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "宋",
];
const GIVEN: &[&str] = &[
    "明", "伟", "静", "磊", "芳", "军", "洋", "勇", "艳", "杰", "娟", "涛", "超", "敏", "鹏", "霞",
    "强", "丽", "刚", "燕", "晓东", "建华", "玉兰", "志强", "海燕", "文博", "立新", "秀英",
];
fn person(seed: u64) -> String {
    let s = seed.wrapping_mul(0x9E3779B97F4A7C15);
    format!(
        "{}{}",
        SURNAMES[(s % SURNAMES.len() as u64) as usize],
        GIVEN[((s >> 17) % GIVEN.len() as u64) as usize]
    )
}

const FIRMS_A: &[&str] = &[
    "明水",
    "绣惠",
    "圣井",
    "龙山",
    "普集",
    "枣园",
    "双山",
    "埠村",
    "官庄",
    "文祖",
    "白云湖",
    "刁镇",
    "相公",
    "曹范",
    "宁埠",
    "黄河",
];
const FIRMS_B: &[&str] = &[
    "精工", "恒达", "华宇", "鲁泰", "金岭", "宏信", "瑞丰", "泰和", "东岳", "润德", "嘉诚", "福源",
    "永昌", "同力", "海纳", "中科", "力拓", "鼎盛",
];
const FIRMS_C: &[&str] = &[
    "机械有限公司",
    "铸造有限公司",
    "食品有限公司",
    "新材料有限公司",
    "风机有限公司",
    "汽车配件有限公司",
    "电子科技有限公司",
    "纺织有限公司",
    "建材有限公司",
    "包装制品有限公司",
    "锻造有限公司",
    "环保设备有限公司",
];
/// `n` distinct plausible firm names.
fn firms(n: usize, seed: u64) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut s = seed;
    while out.len() < n {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let name = format!(
            "章丘{}{}{}",
            FIRMS_A[((s >> 11) % FIRMS_A.len() as u64) as usize],
            FIRMS_B[((s >> 23) % FIRMS_B.len() as u64) as usize],
            FIRMS_C[((s >> 37) % FIRMS_C.len() as u64) as usize]
        );
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Blocks (see evidence.typ)

/// A block the page can do without when it does not fit (see `fit`).
fn opt(mut b: J) -> J {
    b["opt"] = J::Bool(true);
    b
}

fn p(text: impl Into<String>) -> J {
    json!({"t": "p", "text": text.into()})
}
fn plain(text: impl Into<String>) -> J {
    json!({"t": "plain", "text": text.into()})
}
fn h1(text: impl Into<String>) -> J {
    json!({"t": "h1", "heading": text.into()})
}
fn h2(text: impl Into<String>) -> J {
    json!({"t": "h2", "subheading": text.into()})
}
fn lead(heading: impl Into<String>, text: impl Into<String>) -> J {
    json!({"t": "lead", "heading": heading.into(), "text": text.into()})
}
fn title<S: AsRef<str>>(lines: &[S]) -> J {
    let lines: Vec<&str> = lines.iter().map(AsRef::as_ref).collect();
    json!({"t": "title", "title": lines})
}
fn to(text: impl Into<String>) -> J {
    json!({"t": "to", "text": text.into()})
}
fn space(mm: u32) -> J {
    json!({"t": "space", "mm": mm})
}
fn redhead(header: &str, docno: &str) -> J {
    json!({"t": "redhead", "title": header, "docno": docno})
}
fn sign(organ: &str, d: NaiveDate, sealed: bool) -> J {
    json!({"t": "sign", "organ": organ, "date": cn(d), "seal": if sealed { J::from(organ) } else { J::Null }})
}
fn imprint(office: &str, d: NaiveDate, cc: Option<&str>) -> J {
    let mut b = json!({"t": "imprint", "office": office, "date": format!("{}印发", cn(d))});
    if let Some(cc) = cc {
        b["cc"] = J::from(format!("抄送：{cc}"));
    }
    b
}
fn photo_block(image: Option<&str>, caption: &str, height: u32) -> J {
    json!({"t": "photo", "image": image, "caption": caption, "height": height})
}

struct Table {
    title: Option<Vec<String>>,
    left: String,
    right: String,
    columns: Vec<String>,
    widths: Vec<f64>,
    aligns: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    total: Option<Vec<String>>,
    note: Option<String>,
    size: f64,
}

impl Table {
    fn new(columns: &[&str], widths: &[f64]) -> Table {
        Table {
            title: None,
            left: String::new(),
            right: String::new(),
            columns: columns.iter().map(ToString::to_string).collect(),
            widths: widths.to_vec(),
            aligns: vec!["c"; columns.len()],
            rows: Vec::new(),
            total: None,
            note: None,
            size: 10.5,
        }
    }
    fn block(&self) -> J {
        let mut b = json!({
            "t": "table", "columns": self.columns, "widths": self.widths, "aligns": self.aligns,
            "rows": self.rows, "size": self.size,
            "pad": if self.rows.len() > 24 { 3 } else { 5 },
        });
        if let Some(t) = &self.title {
            b["title"] = json!(t);
        }
        if !self.left.is_empty() || !self.right.is_empty() {
            b["left"] = J::from(self.left.clone());
            b["right"] = J::from(self.right.clone());
        }
        if let Some(t) = &self.total {
            b["total"] = json!(t);
        }
        if let Some(n) = &self.note {
            b["note"] = J::from(n.clone());
        }
        b
    }
}

// ---------------------------------------------------------------------------------------
// Documents

#[derive(Clone)]
struct Doc {
    title: String,
    author: String,
    layout: &'static str,
    footer: &'static str,
    date: NaiveDate,
    pages: Vec<Vec<J>>,
    /// Photographs the pages show: virtual path → (scene, banner text).
    photos: Vec<(String, photo::Scene, String)>,
}

impl Doc {
    fn new(
        title: &str,
        author: &str,
        layout: &'static str,
        footer: &'static str,
        d: NaiveDate,
    ) -> Doc {
        Doc {
            title: title.to_string(),
            author: author.to_string(),
            layout,
            footer,
            date: d,
            pages: Vec::new(),
            photos: Vec::new(),
        }
    }
    fn photo(&mut self, name: &str, scene: photo::Scene, banner: &str) -> String {
        let path = format!(
            "/photo-{:016x}-{}.jpg",
            stable_hash(name),
            self.photos.len()
        );
        self.photos.push((path.clone(), scene, banner.to_string()));
        path
    }
}

/// The file being made: its unit, name and what the facts say about it.
struct Item<'a> {
    unit: &'a Unit,
    name: String,
    subject: String,
    when: Option<NaiveDate>,
    year: Option<i32>,
    cites: Vec<Cite>,
    seed: u64,
    pages: usize,
}

impl Item<'_> {
    fn first(&self, field: &str) -> Option<String> {
        self.cites.iter().find_map(|c| c.text(field))
    }
    fn first_date(&self, field: &str) -> Option<NaiveDate> {
        self.cites.iter().find_map(|c| c.date(field))
    }
    fn scalar(&self, key: &str) -> Option<&Value> {
        self.cites
            .iter()
            .find(|c| c.scalar && c.key == key)
            .and_then(|c| c.fields.get("value"))
    }
    fn list(&self, list: &str) -> Vec<&Cite> {
        self.cites
            .iter()
            .filter(|c| !c.scalar && c.key == list)
            .collect()
    }
    /// The date of the document: in the file name, in a cited record, or one in its year.
    fn date(&self) -> NaiveDate {
        if let Some(d) = self.when {
            return d;
        }
        for f in ["date", "completed", "published"] {
            if let Some(d) = self.first_date(f) {
                return d;
            }
        }
        let y = self.year.unwrap_or(2022);
        let m = if y >= 2022 {
            1 + (self.seed % 6) as u32
        } else {
            2 + (self.seed % 10) as u32
        };
        date(y, m, 1 + ((self.seed >> 8) % 27) as u32)
    }
}

fn has(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// What kind of document a file is, by its name first and the facts citing it second.
fn build(item: &Item, roster: &Roster, catalogue: &Catalogue) -> Doc {
    let n = &item.name;
    let lists: Vec<&str> = item.cites.iter().map(|c| c.key.as_str()).collect();
    let honour_type = item.first("type");
    if has(n, &["纪要"]) {
        minutes(item, roster)
    } else if has(n, &["报道"]) || honour_type.as_deref() == Some("报道") {
        news(item)
    } else if has(n, &["截图"]) {
        screenshot(item)
    } else if has(n, &["证书", "表彰"]) {
        certificate(item)
    } else if has(n, &["标准文本"]) || lists.contains(&"standards") {
        standard(item)
    } else if has(n, &["批复"]) && lists.contains(&"funding") {
        budget_approval(item)
    } else if has(n, &["记录"]) {
        inspection_record(item)
    } else if has(n, &["公报"]) {
        bulletin(item)
    } else if has(n, &["统计", "台账", "决算", "预算", "核算", "名单"]) {
        statistics(item, catalogue)
    } else if has(n, &["报告", "总结", "年报", "纲要", "规划"]) {
        report(item, catalogue)
    } else if has(
        n,
        &[
            "活动", "仪式", "观摩", "宣传", "培训", "展示", "挂牌", "照片", "会",
        ],
    ) {
        activity(item)
    } else {
        // 通知、意见、方案、办法、决定、批复、认定、验收、复核、评价结果、标杆…
        outside_notice(item)
    }
}

// ---- 文号 documents ----------------------------------------------------------------------

/// What a 文号 document is called, from the facts citing it: a text naming the document
/// (its 文号 removed), else a record's name, else the fact's label.
fn doc_subject(docno: &str, cites: &[Cite], catalogue: &Catalogue) -> String {
    let mut best: Option<String> = None;
    for c in cites {
        for v in c.fields.values() {
            let Value::Text(s) = v else { continue };
            if !s.contains(docno) {
                continue;
            }
            let t = clean(s)
                .replace(docno, "")
                .replace("（）", "")
                .replace("()", "")
                .trim()
                .to_string();
            if t.is_empty() {
                continue;
            }
            // Prefer the text that names the document itself (…关于…的通知).
            if best.is_none() || t.contains("关于") {
                best = Some(t);
            }
        }
    }
    best.or_else(|| cites.iter().find_map(|c| c.text("name")))
        .or_else(|| {
            cites.iter().find_map(|c| {
                catalogue
                    .fact(&c.key)
                    .map(|f| f.label.clone())
                    .or_else(|| catalogue.list(&c.key).map(|l| l.label.clone()))
            })
        })
        .unwrap_or_else(|| "有关工作".to_string())
}

#[derive(PartialEq, Clone, Copy)]
enum Genre {
    /// 关于成立…领导小组的通知
    Establish,
    /// 关于印发《…方案/意见》的通知
    Plan,
    /// 关于印发《…办法/措施》的通知 (articles)
    Rules,
    /// 关于印发《…制度/机制》的通知
    Mechanism,
    /// 关于印发《…预案》的通知
    Contingency,
    /// 关于…的通知 (a notice of its own)
    Notice,
}

/// (title of the notice, the document it issues, genre).
fn doc_title(subject: &str, issuer: &str) -> (String, String, Genre) {
    let mut s = subject.to_string();
    for prefix in [issuer, GOV_OFFICE, GOV] {
        if let Some(rest) = s.strip_prefix(prefix).filter(|r| r.starts_with("关于")) {
            s = rest.to_string();
        }
    }
    if let Some(inner) = s
        .strip_prefix("关于印发")
        .and_then(|r| r.strip_suffix("的通知"))
    {
        let inner = inner
            .trim_start_matches('《')
            .trim_end_matches('》')
            .to_string();
        let g = genre_of(&inner);
        return (format!("关于印发《{inner}》的通知"), inner, g);
    }
    if s.starts_with("关于") {
        return (s.clone(), s, Genre::Notice);
    }
    if has(&s, &["领导小组", "委员会", "工作专班"]) {
        return (format!("关于成立{s}的通知"), s, Genre::Establish);
    }
    let g = genre_of(&s);
    (format!("关于印发《{s}》的通知"), s, g)
}

fn genre_of(doc: &str) -> Genre {
    if doc.ends_with("预案") {
        Genre::Contingency
    } else if has(doc, &["办法", "措施", "规定", "细则"]) {
        Genre::Rules
    } else if has(doc, &["制度", "机制"]) {
        Genre::Mechanism
    } else {
        Genre::Plan
    }
}

fn addressees(issuer: &str) -> &'static str {
    if issuer == GOV || issuer == GOV_OFFICE {
        "各街道办事处、镇人民政府，区政府有关部门（单位）："
    } else if issuer.contains("市场监督管理局") {
        "各市场监管所，局机关各科室、各直属单位："
    } else if issuer.contains("信用") {
        "区社会信用体系建设领导小组各成员单位："
    } else {
        "各有关单位："
    }
}

/// A 红头 notice for a document cited by its 文号.
fn doc_number_notice(
    unit: &Unit,
    docno: &str,
    cites: &[Cite],
    roster: &Roster,
    catalogue: &Catalogue,
) -> (String, Doc) {
    let issuer = issuer_of(docno, unit);
    let subject = doc_subject(docno, cites, catalogue);
    let (notice_title, document, genre) = doc_title(&subject, &issuer);
    let seed = stable_hash(docno);
    let year = docno_year(docno).unwrap_or(2021);
    let when = if docno == SEED_DOCNO {
        date(SEED_DATE.0, SEED_DATE.1, SEED_DATE.2)
    } else {
        cites
            .iter()
            .find_map(|c| c.date("date"))
            .unwrap_or_else(|| {
                let m = if year >= 2022 {
                    1 + (seed % 5) as u32
                } else {
                    2 + (seed % 10) as u32
                };
                date(year, m, 1 + ((seed >> 9) % 27) as u32)
            })
    };
    let file = format!("{docno} {notice_title}.pdf");
    let mut doc = Doc::new(&notice_title, &issuer, "gongwen", "dash", when);
    let pages = 1 + (seed % 3) as usize;
    let pages = if docno == SEED_DOCNO { 3 } else { pages };
    let approver = if issuer == GOV || issuer == GOV_OFFICE {
        "区政府"
    } else if issuer.contains("市场监督管理局") {
        "局党组会议"
    } else {
        "领导小组"
    };
    let office = if issuer == GOV || issuer == GOV_OFFICE {
        GOV_OFFICE.to_string()
    } else {
        format!("{issuer}办公室").replace("办公室办公室", "办公室")
    };
    let mut first = vec![
        redhead(&header_of(docno, &issuer), docno),
        title(&[issuer.clone(), notice_title]),
        to(addressees(&issuer)),
    ];
    let core = document
        .trim_start_matches("章丘区")
        .trim_start_matches("济南市章丘区");
    let mut rest: Vec<Vec<J>> = Vec::new();
    match genre {
        Genre::Establish => {
            first.push(p(format!(
                "为进一步加强对全区质量强区及品牌战略推进工作的组织领导，统筹协调解决质量发展中的重大问题，经{approver}研究，决定成立{document}。现将有关事项通知如下："
            )));
            first.push(lead("一、组成人员。", "领导小组组成人员如下："));
            let members: Vec<String> = roster.units.iter().map(|u| u.full_name.clone()).collect();
            first.push(plain(format!(
                "组　长：区政府区长\n副组长：{}　{}",
                roster.convener.name, roster.convener.position
            )));
            let mut page2 = vec![
                plain(format!("成　员：{}主要负责同志。", members.join("、"))),
                opt(lead(
                    "二、主要职责。",
                    format!(
                        "贯彻落实上级关于质量强省、质量强市及品牌战略的决策部署，研究制定全区质量发展规划和年度工作计划，统筹推进{core}承担的各项工作，协调解决工作中的重大问题，督促检查各成员单位工作落实情况。"
                    ),
                )),
                opt(lead(
                    "三、办事机构。",
                    format!(
                        "领导小组办公室设在区市场监督管理局，{}兼任办公室主任，负责领导小组日常工作。领导小组成员因工作变动需要调整的，由所在单位接任领导自然替补，不再另行发文。",
                        roster.office.director
                    ),
                )),
            ];
            if pages == 1 {
                first.append(&mut page2);
            } else {
                rest.push(page2);
            }
        }
        Genre::Notice => {
            let topic = core.trim_start_matches("关于").trim_end_matches("的通知");
            first.push(p(format!(
                "为深入贯彻落实质量强区战略，压实企业质量主体责任，经{approver}研究，现就{topic}有关事项通知如下："
            )));
            let sections = [
                ("一、充分认识重要意义。", format!("{topic}是落实企业质量主体责任、提升全区产品质量水平的重要举措。各单位要提高思想认识，把此项工作纳入年度重点工作，明确责任人和完成时限。")),
                ("二、明确工作要求。", "规模以上工业企业要建立质量关键岗位责任清单和考核制度，将质量安全指标纳入岗位考核，对发生质量安全事故的实行一票否决；各市场监管所要加强指导，逐企建立工作台账。".to_string()),
                ("三、加强督促检查。", "局将结合“双随机、一公开”监管和质量提升行动，对企业制度建立和执行情况进行抽查，抽查结果纳入企业信用记录，对工作推进不力的予以通报。".to_string()),
                ("四、做好总结报送。", format!("各市场监管所于{}年11月底前将工作开展情况书面报送局质量发展科。", when.year())),
            ];
            let split = if pages == 1 { 4 } else { 2 };
            for (i, (h, t)) in sections[..split].iter().enumerate() {
                first.push(if i == 0 {
                    lead(*h, t.clone())
                } else {
                    opt(lead(*h, t.clone()))
                });
            }
            if split < 4 {
                rest.push(
                    sections[split..]
                        .iter()
                        .map(|(h, t)| opt(lead(*h, t.clone())))
                        .collect(),
                );
            }
        }
        _ if docno == SEED_DOCNO => {
            first.push(p(format!(
                "《{document}》已经{approver}研究同意，现印发给你们，请认真贯彻执行。"
            )));
            let mut page2 = vec![title(&[document.as_str()])];
            page2.extend(SEED_OPENING.iter().map(|t| p(*t)));
            let mut page3 = Vec::new();
            for (i, (heading, paras)) in SEED_SECTIONS.iter().enumerate() {
                let target = if i < 1 { &mut page2 } else { &mut page3 };
                target.push(if heading.starts_with('（') {
                    h2(*heading)
                } else {
                    h1(*heading)
                });
                for t in *paras {
                    target.push(if t.starts_with('（') {
                        h2(*t)
                    } else if i < 2 {
                        p(*t)
                    } else {
                        opt(p(*t))
                    });
                }
            }
            rest.push(page2);
            rest.push(page3);
        }
        _ => {
            first.push(p(format!(
                "《{document}》已经{approver}研究同意，现印发给你们，请结合实际认真贯彻执行。"
            )));
            if pages > 1 {
                let body: Vec<J> = issued_document(&document, genre, core, seed)
                    .into_iter()
                    .map(|b| if is_heading(&b) { b } else { opt(b) })
                    .collect();
                let (a, b) = body.split_at(body.len().div_ceil(2).min(if pages == 2 {
                    body.len()
                } else {
                    body.len().div_ceil(2)
                }));
                let mut page2 = vec![title(&[document.as_str()])];
                page2.extend(a.iter().cloned());
                rest.push(page2);
                if pages == 3 {
                    rest.push(b.to_vec());
                }
            }
        }
    }
    first.push(sign(&issuer, when, true));
    if issuer == GOV || issuer == GOV_OFFICE {
        first.push(json!({"t": "plain", "text": "（此件公开发布）"}));
    }
    let mut all = vec![first];
    all.extend(rest);
    let cc = if issuer == GOV || issuer == GOV_OFFICE {
        Some("区委各部门，区人大常委会办公室，区政协办公室，区法院，区检察院。")
    } else {
        None
    };
    all.last_mut()
        .expect("a page")
        .push(imprint(&office, when, cc));
    doc.pages = all;
    (file, doc)
}

/// The text of an issued plan, rules, mechanism or contingency plan.
fn issued_document(document: &str, genre: Genre, core: &str, seed: u64) -> Vec<J> {
    let domain = core
        .trim_end_matches("应急预案")
        .trim_end_matches("实施方案")
        .trim_end_matches("实施意见")
        .trim_end_matches("工作机制")
        .trim_end_matches("制度")
        .trim_end_matches("办法")
        .trim_end_matches("措施");
    match genre {
        Genre::Contingency => vec![
            h1("1　总则"),
            lead(
                "1.1　编制目的。",
                format!(
                    "建立健全{domain}应对工作机制，有效预防、及时控制和妥善处置各类突发事件，最大程度减少事件造成的危害，保障公众生命财产安全。"
                ),
            ),
            lead(
                "1.2　编制依据。",
                "依据《中华人民共和国突发事件应对法》《山东省突发事件应对条例》等法律法规和《济南市章丘区突发事件总体应急预案》，制定本预案。",
            ),
            lead(
                "1.3　工作原则。",
                "坚持人民至上、生命至上，统一领导、分级负责，属地为主、部门联动，预防为主、快速反应。",
            ),
            h1("2　组织指挥体系"),
            p(format!(
                "区政府设立{domain}应急指挥部，由分管副区长任总指挥，相关部门主要负责同志为成员，负责组织、协调、指挥全区{domain}应对工作。指挥部办公室设在牵头部门，承担日常工作。"
            )),
            h1("3　监测预警"),
            p(
                "各成员单位按照职责建立风险监测网络，定期开展风险研判，按照事件可能造成的危害程度、紧急程度和发展态势，预警级别由高到低分为一级、二级、三级和四级，分别用红色、橙色、黄色和蓝色标示。",
            ),
            h1("4　应急响应与保障"),
            p(
                "事件发生后，事发单位和属地街道（镇）立即先期处置并按规定时限报告，指挥部视情况启动相应级别响应；各成员单位做好队伍、物资、资金和通信保障，事件处置结束后及时开展调查评估和善后工作。",
            ),
        ],
        Genre::Rules => {
            let amount = [5, 10, 20, 30][(seed % 4) as usize];
            vec![
                lead(
                    "第一条　",
                    format!(
                        "为深入实施质量强区和品牌战略，鼓励和引导企业、社会组织积极参与{domain}工作，根据有关法律法规和政策规定，结合我区实际，制定本办法。"
                    ),
                ),
                lead(
                    "第二条　",
                    "本办法适用于在章丘区依法登记注册、具有独立法人资格、守法诚信经营的企业、事业单位和社会组织。",
                ),
                lead(
                    "第三条　",
                    format!(
                        "对主导制定国际标准、国家标准、行业标准的，经认定分别给予一次性资助，最高不超过{amount}万元；参与制定的按主导制定标准的50%给予资助。"
                    ),
                ),
                lead(
                    "第四条　",
                    "同一项目符合本办法多项资助条件的，按最高标准给予资助，不重复享受；已获得上级同类资助的，区级资助按差额补足。",
                ),
                lead(
                    "第五条　",
                    "申报单位每年1月向区市场监督管理局提交申请材料，经审核、公示无异议后，由区财政局按规定拨付资金。",
                ),
                lead(
                    "第六条　",
                    "对弄虚作假骗取资助资金的，追回已拨付资金，取消其三年内申报资格，并纳入信用记录。",
                ),
                lead(
                    "第七条　",
                    "本办法由区市场监督管理局负责解释，自印发之日起施行，有效期至2025年12月31日。",
                ),
            ]
        }
        Genre::Mechanism => vec![
            h1("一、工作目标"),
            p(format!(
                "建立{document}，明确成员单位职责，加强部门协作和信息共享，形成分工负责、齐抓共管的工作格局，推动{domain}工作规范化、常态化。"
            )),
            h1("二、成员单位"),
            p(
                "区市场监督管理局为牵头单位，区发展和改革局、区工业和信息化局、区财政局、区住房和城乡建设局、区农业农村局、区卫生健康局、区统计局等为成员单位，各单位分管负责同志为联络员。",
            ),
            h1("三、工作规则"),
            p(
                "原则上每半年召开一次全体成员会议，遇重大事项可随时召开专题会议。会议议定事项以会议纪要形式印发，由牵头单位跟踪督办。成员单位之间建立信息通报制度，每季度报送一次工作情况。",
            ),
            h1("四、工作要求"),
            p(
                "各成员单位要按照职责分工，主动研究和落实有关工作，及时报送工作信息，认真落实会议议定事项，确保各项工作落到实处。",
            ),
        ],
        Genre::Plan | Genre::Establish | Genre::Notice => vec![
            h1("一、总体要求"),
            p(format!(
                "以习近平新时代中国特色社会主义思想为指导，深入实施质量强区战略，围绕{domain}重点任务，坚持政府引导、部门协同、社会参与，着力补短板、强弱项，推动{domain}工作取得新成效。"
            )),
            h1("二、主要任务"),
            lead(
                "（一）健全工作体系。",
                format!(
                    "完善{domain}工作制度和标准规范，建立部门协同和信息共享机制，加快信用信息归集和公开。"
                ),
            ),
            lead(
                "（二）强化示范引领。",
                "培育一批示范单位和典型案例，及时总结推广好经验、好做法。",
            ),
            lead(
                "（三）加强监督管理。",
                "依法开展监督检查，对发现的问题建立台账、限期整改，整改情况纳入年度考核。",
            ),
            h1("三、保障措施"),
            lead(
                "（一）加强组织领导。",
                "各单位要把此项工作列入重要议事日程，主要负责同志亲自抓，明确专人负责。",
            ),
            lead(
                "（二）强化督导考核。",
                "区有关部门定期调度工作进展，对工作推进不力的予以通报。",
            ),
        ],
    }
}

// ---- Kinds by file name ------------------------------------------------------------------

/// A 会议纪要 (red masthead, issue number, body items).
fn minutes(item: &Item, roster: &Roster) -> Doc {
    let d = item.date();
    let meeting = item
        .first("name")
        .unwrap_or_else(|| item.subject.trim_end_matches("纪要").to_string());
    let (series, chair) = if meeting.contains("常务会议") {
        ("章丘区人民政府常务会议纪要".to_string(), "区长")
    } else if meeting.contains("领导小组") {
        (
            "章丘区质量强区及品牌战略推进工作领导小组会议纪要".to_string(),
            "区长、领导小组组长",
        )
    } else {
        ("章丘区人民政府会议纪要".to_string(), "区委常委、副区长")
    };
    let meeting = if item.subject.contains("动员部署") && !meeting.contains("大会") {
        "全区创建山东省质量强区动员部署大会".to_string()
    } else {
        meeting
    };
    let mut doc = Doc::new(&item.subject, GOV_OFFICE, "gongwen", "dash", d);
    let issue = format!("〔{}〕第{}期", d.year(), 3 + item.seed % 20);
    let units: Vec<String> = roster.units.iter().map(|u| u.full_name.clone()).collect();
    let body = [
        lead(
            "一、",
            "会议指出，开展质量强区创建是推动全区高质量发展的重要抓手。各单位要对照《山东省质量强县（市、区）创建实施方案》评价指标，逐项梳理目标任务，确保各项指标达到创建标准。",
        ),
        lead(
            "二、",
            "会议要求，各成员单位要按照任务分解表明确的分工，于规定时限内完成填报表和证明材料报送，专班办公室要加强调度，每半月通报一次工作进展。",
        ),
        lead(
            "三、",
            "会议强调，要强化经费保障，将质量工作经费纳入财政预算并保持稳定增长；要加强宣传引导，营造全社会关心质量、共建质量强区的浓厚氛围。",
        ),
        lead(
            "四、",
            "会议同意由区市场监督管理局牵头，会同有关部门开展质量提升行动，重点抓好标准化、计量、认证认可和品牌建设工作。",
        ),
    ];
    let mut first = vec![
        json!({"t": "banner", "title": series, "issue": issue, "office": GOV_OFFICE, "date": cn(d), "size": 30}),
        p(format!(
            "{}，{}主持召开{}，听取了区市场监督管理局关于质量强区创建工作进展情况的汇报，研究部署下一阶段重点工作。现将会议议定事项纪要如下：",
            cn(d),
            chair,
            meeting
        )),
    ];
    let split = match item.pages {
        1 => 2,
        2 => 3,
        _ => 2,
    };
    let body: Vec<J> = body
        .into_iter()
        .enumerate()
        .map(|(i, b)| if i == 0 { b } else { opt(b) })
        .collect();
    first.extend(body[..split].iter().cloned());
    let attendance = vec![
        plain(format!(
            "出席：{}。",
            roster.convener.position.clone() + roster.convener.name.as_str()
        )),
        plain(format!("列席：{}负责同志。", units.join("、"))),
        plain(format!("记录：区政府办公室　{}", person(item.seed))),
    ];
    let mut pages = vec![first];
    match item.pages {
        1 => {
            pages[0].extend(body[split..].iter().cloned());
            pages[0].extend(attendance);
        }
        2 => {
            let mut p2: Vec<J> = body[split..].to_vec();
            p2.extend(attendance);
            pages.push(p2);
        }
        _ => {
            pages.push(body[split..].to_vec());
            let mut p3 = vec![opt(lead(
                "五、",
                "会议明确，对创建工作中推进缓慢、材料报送不及时的单位，由区政府办公室会同专班办公室进行督办，督办情况纳入年度综合考核。",
            ))];
            p3.extend(attendance);
            pages.push(p3);
        }
    }
    pages.last_mut().expect("page").push(imprint(
        GOV_OFFICE,
        d,
        Some("区委办公室，区人大常委会办公室，区政协办公室。"),
    ));
    doc.pages = pages;
    doc
}

/// A 工作信息 about an event: masthead, story, photographs of the event.
fn activity(item: &Item) -> Doc {
    let d = item.date();
    let unit_organ = organ(item.unit);
    let event = item
        .first("name")
        .or_else(|| item.scalar_text())
        .unwrap_or_else(|| item.subject.clone());
    let event = event.trim_end_matches("通知").to_string();
    let short = item
        .unit
        .name
        .trim_start_matches('区')
        .trim_end_matches('局');
    let masthead = format!("章丘{}工作信息", short.replace("政府办", "政务"));
    let mut doc = Doc::new(&item.subject, &unit_organ, "plain", "count", d);
    let place = pick(
        &[
            "明水古城广场",
            "区政务服务中心广场",
            "百脉泉公园东广场",
            "区市民文化中心",
            "绣惠街道文化广场",
            "章丘大学城商业街",
        ],
        item.seed,
    );
    let banner_text = event.clone();
    let scene = photo::Scene::Event;
    let img = doc.photo(&item.name, scene, &banner_text);
    let story = [
        p(format!(
            "{}上午，{}在{}举办{}。区有关部门负责同志、企业代表和市民群众{}余人参加活动。",
            cn(d),
            unit_organ,
            place,
            event,
            120 + item.seed % 200
        )),
        p(format!(
            "活动现场设置政策咨询、质量检测、投诉受理等服务台{}个，发放宣传资料{}余份，解答群众咨询{}余人次。工作人员通过展板、实物展示和现场演示，向群众普及质量安全知识。",
            6 + item.seed % 6,
            1500 + (item.seed % 20) * 100,
            200 + item.seed % 300
        )),
        p(
            "下一步，将以此次活动为契机，持续开展质量文化进企业、进社区、进校园活动，推动形成人人关心质量、人人创造质量的良好氛围，为创建山东省质量强区营造浓厚氛围。",
        ),
    ];
    let mut first = vec![
        json!({"t": "banner", "title": masthead, "issue": format!("第{}期", 10 + item.seed % 40), "office": format!("{unit_organ}办公室"), "date": cn(d + chrono::Days::new(1)), "size": 30}),
        title(&[event.as_str()]),
    ];
    first.push(story[0].clone());
    first.push(opt(story[1].clone()));
    let mut pages = vec![first];
    let caption = format!("{event}现场");
    match item.pages {
        1 => {
            pages[0].push(opt(story[2].clone()));
            pages[0].push(photo_block(Some(&img), &caption, 62));
        }
        _ => {
            pages[0].push(opt(story[2].clone()));
            let img2 = doc.photo(
                &format!("{}#2", item.name),
                photo::Scene::Crowd,
                &banner_text,
            );
            let mut p2 = vec![
                photo_block(Some(&img), &format!("图1　{caption}"), 80),
                photo_block(Some(&img2), "图2　群众参与活动", 80),
            ];
            if item.pages == 3 {
                pages.push(p2);
                p2 = vec![
                    json!({"t": "table", "title": [format!("{event}参加人员签到表")],
                        "columns": ["序号", "姓名", "单位", "联系电话"], "widths": [0.6, 1.0, 3.0, 1.6],
                        "aligns": ["c", "c", "l", "c"], "size": 11,
                        "rows": (1..=14).map(|i| vec![
                            i.to_string(),
                            person(item.seed + i),
                            if i <= 4 { unit_organ.clone() } else { firms(14, item.seed)[i as usize - 1].clone() },
                            format!("1{}{:04}****", 35 + (item.seed + i) % 55, (item.seed >> (i % 30)) % 10000),
                        ]).collect::<Vec<_>>()}),
                ];
            }
            pages.push(p2);
        }
    }
    doc.pages = pages;
    doc
}

impl Item<'_> {
    fn scalar_text(&self) -> Option<String> {
        self.cites
            .iter()
            .filter(|c| c.scalar)
            .find_map(|c| match c.fields.get("value") {
                Some(Value::Text(s)) => Some(clean(s)),
                _ => None,
            })
    }
}

/// A certificate: landscape, gold border, recipient, issuing organ with a seal placeholder.
fn certificate(item: &Item) -> Doc {
    let mut doc = Doc::new(&item.subject, "", "landscape", "none", item.date());
    let mut pages = Vec::new();
    let cites: Vec<&Cite> = if item.cites.is_empty() {
        vec![]
    } else {
        item.cites.iter().collect()
    };
    for (i, c) in cites.iter().enumerate().take(3) {
        let d = c.date("date").or(item.when).unwrap_or_else(|| item.date());
        let seed = item.seed + i as u64;
        let number = format!("证书编号：{}{:06}", d.year(), (seed >> 7) % 1_000_000);
        let page = if c.key == "tech_awards" {
            let issuer = "山东省人民政府";
            let category = c.text("category").unwrap_or_else(|| "科技进步奖".into());
            json!({"t": "certificate", "title": "山东省科学技术奖", "subheading": "证　书",
                "body": [format!("为表彰在促进科学技术进步工作中做出突出贡献者，特颁发此证书，以资鼓励。")],
                "fields": [
                    ["项目名称：", c.text("name").unwrap_or_default()],
                    ["奖励类别：", category],
                    ["奖励等级：", c.text("grade").unwrap_or_default()],
                    ["获 奖 者：", c.text("organisation").unwrap_or_default()],
                ],
                "organ": issuer, "seal": issuer, "date": cn(d), "number": number})
        } else if c.key == "quality_honors" {
            let honour = c.text("honor_name").unwrap_or_else(|| item.subject.clone());
            let issuer = outside_issuer(&honour, c.text("level").as_deref());
            json!({"t": "certificate", "title": "荣誉证书",
                "recipient": format!("{}：", c.text("recipient").unwrap_or_default()),
                "body": [format!("你单位在{}方面成绩突出，荣获“{}”。", c.text("matter").unwrap_or_else(|| "质量管理".into()), honour), "特发此证，以资鼓励。".to_string()],
                "organ": issuer, "seal": issuer, "date": cn(d), "number": number})
        } else {
            let name = c.text("name").unwrap_or_else(|| item.subject.clone());
            let issuer = c
                .text("issuer")
                .unwrap_or_else(|| outside_issuer(&name, c.text("level").as_deref()).to_string());
            json!({"t": "certificate", "title": "荣誉证书",
                "recipient": format!("{}：", organ(item.unit)),
                "body": [format!("在{}年度工作中成绩突出，被评为“{}”。", d.year() - 1, name), "特发此证，以资鼓励。".to_string()],
                "organ": issuer, "seal": issuer, "date": cn(d), "number": number})
        };
        pages.push(vec![page]);
    }
    if pages.is_empty() {
        let d = item.date();
        let issuer = outside_issuer(&item.subject, None);
        pages.push(vec![json!({"t": "certificate", "title": "荣誉证书",
            "recipient": format!("{}：", organ(item.unit)),
            "body": [format!("荣获“{}”。", item.subject), "特发此证，以资鼓励。".to_string()],
            "organ": issuer, "seal": issuer, "date": cn(d),
            "number": format!("证书编号：{}{:06}", d.year(), item.seed % 1_000_000)})]);
    }
    doc.author = pages[0][0]["organ"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    doc.pages = pages;
    doc
}

/// A newspaper page: masthead, date line, headline, three columns and a picture.
fn news(item: &Item) -> Doc {
    let d = item.date();
    let paper = item
        .first("issuer")
        .unwrap_or_else(|| item.subject.trim_end_matches("报道").to_string());
    let headline = item
        .first("name")
        .unwrap_or_else(|| "章丘区扎实推进质量强区建设".to_string());
    let mut doc = Doc::new(&item.subject, &paper, "news", "none", d);
    let img = doc.photo(&item.name, photo::Scene::Event, "章丘区质量强区建设推进会");
    let edition = 2 + item.seed % 10;
    let reporter = person(item.seed);
    let topic = headline
        .trim_start_matches("章丘区")
        .trim_start_matches("章丘");
    let body: Vec<String> = vec![
        format!("本报济南{}电　走进济南市章丘区的生产车间，智能生产线有序运转，质量数据实时上传、自动分析。近年来，章丘区把质量作为城市发展的生命线，{}，推动产业质量整体跃升。", cn_md(d - chrono::Days::new(1)), topic),
        "“过去靠老师傅的经验把关，现在每一道工序都有标准可依、有数据可查。”一家装备制造企业的质量负责人说，企业参与制定了多项国家和行业标准，产品一次交验合格率提高到99%以上。".to_string(),
        "章丘区成立由政府主要负责同志牵头的质量强区及品牌战略推进工作领导小组，出台标准化资助、质量奖励等扶持政策，设立质量发展专项资金，引导企业加大质量投入。".to_string(),
        "在质量基础设施建设上，章丘区建成质量基础设施“一站式”服务平台，把计量、标准、认证认可、检验检测、知识产权等服务送到企业门口，累计为企业解决技术难题数百项。".to_string(),
        "围绕高端装备、新材料等支柱产业，章丘区开展质量提升行动，组织企业对标国际先进水平，推广卓越绩效、精益生产等先进质量管理方法，培育了一批质量标杆企业和知名品牌。".to_string(),
        "与此同时，章丘区持续深化“双随机、一公开”监管，加强重点产品质量安全风险监测，畅通12345、12315投诉举报渠道，群众质量投诉办结率保持在较高水平。".to_string(),
        "“质量强区不是一句口号，要落到每一家企业、每一件产品上。”章丘区有关负责同志表示，下一步将持续完善大质量工作格局，让“章丘智造”成为高质量发展的靓丽名片。".to_string(),
        "业内专家认为，章丘的做法抓住了标准、品牌和质量基础设施三个关键环节，为县域推进质量强区建设提供了有益借鉴。".to_string(),
    ];
    let brief = vec![
        format!("本报讯　近日，{}组织开展质量安全进企业活动，深入重点企业开展政策宣讲和技术帮扶，帮助企业完善质量管理体系。", pick(&["济南市", "淄博市", "泰安市", "潍坊市"], item.seed)),
        "本报讯　全省消费品质量提升现场推进会日前召开，会议要求各地聚焦群众关切，推动消费品质量持续提升。".to_string(),
        "本报讯　省有关部门近日发布提示，提醒消费者选购家用电器时查看强制性产品认证标志，保留购物凭证。".to_string(),
    ];
    doc.pages = vec![vec![json!({"t": "news", "paper": paper,
        "imprint": ["国内统一连续出版物号", format!("第{}期　今日{}版", 20000 + item.seed % 9000, 8 + edition % 8)],
        "dateline": [cn(d), format!("{}　农历　第{}版", weekday(d), edition)],
        "kicker": "聚焦高质量发展", "heading": headline,
        "subheading": "以标准引领、品牌带动推动产业质量整体跃升",
        "byline": format!("本报记者　{}　通讯员　{}", reporter, person(item.seed + 7)),
        "image": img, "caption": format!("图为章丘区质量强区建设推进会现场。本报记者　{reporter}　摄"),
        "body": body, "brief_heading": "简　讯", "brief": brief,
        "footline": format!("本版责任编辑：{}　　版式设计：{}", person(item.seed + 3), person(item.seed + 5)),
    })]];
    doc
}

/// A phone screenshot of an article on an official account.
fn screenshot(item: &Item) -> Doc {
    let d = item.date();
    let content = item
        .first("content")
        .unwrap_or_else(|| item.subject.clone());
    let account = if content.contains("“") {
        content
            .split('“')
            .nth(1)
            .and_then(|s| s.split('”').next())
            .unwrap_or("章丘发布")
            .to_string()
    } else {
        "章丘发布".to_string()
    };
    let mut doc = Doc::new(&item.subject, &account, "phone", "none", d);
    let img = doc.photo(&item.name, photo::Scene::Event, "质量强区 品立章丘");
    let heading = format!(
        "质量强区专栏｜{}",
        pick(
            &[
                "创建山东省质量强区，我们在行动",
                "一图读懂质量强区创建",
                "质量提升看章丘"
            ],
            item.seed
        )
    );
    doc.pages = vec![vec![
        json!({"t": "screenshot", "clock": format!("{}:{:02}", 8 + item.seed % 10, item.seed % 60),
            "account": account, "heading": heading, "when": format!("{}-{:02}-{:02} {}", d.year(), d.month(), d.day(), "08:30"),
            "image": img,
            "body": [
                format!("为深入推进质量强区创建，{}开设“质量强区”专栏，持续发布创建工作动态、政策解读和质量知识。", account),
                "专栏设置“创建动态”“政策解读”“质量课堂”“品牌故事”四个板块，每周更新，欢迎关注。".to_string(),
                "创建山东省质量强区是全区上下的共同任务。让我们携起手来，关心质量、重视质量、创造质量，共同建设质量强区。".to_string(),
                "品立章丘，质载未来。".to_string(),
            ],
            "stats": format!("阅读 {}　　赞 {}　　在看 {}", 1800 + item.seed % 3000, 40 + item.seed % 90, 10 + item.seed % 40),
        }),
    ]];
    doc
}

/// A standard: its cover page, 前言, and the first clauses.
fn standard(item: &Item) -> Doc {
    let c = item.list("standards").into_iter().next().cloned();
    let number = c
        .as_ref()
        .and_then(|c| c.text("number"))
        .unwrap_or_else(|| item.subject.clone());
    let name = c
        .as_ref()
        .and_then(|c| c.text("name"))
        .unwrap_or_else(|| item.subject.trim_start_matches("标准文本").to_string());
    let name = name.trim().to_string();
    let org = c
        .as_ref()
        .and_then(|c| c.text("organisation"))
        .unwrap_or_else(|| organ(item.unit));
    let published = c
        .as_ref()
        .and_then(|c| c.date("published"))
        .unwrap_or_else(|| item.date());
    let effective = published
        .checked_add_months(chrono::Months::new(6))
        .unwrap_or(published);
    let (abbr, family, issuer): (&str, &str, Vec<&str>) = if number.starts_with("GB") {
        (
            "GB/T",
            "中华人民共和国国家标准",
            vec!["国家市场监督管理总局", "国家标准化管理委员会"],
        )
    } else if number.starts_with("DB37") {
        ("DB37/T", "山东省地方标准", vec!["山东省市场监督管理局"])
    } else if number.starts_with("JB") {
        (
            "JB",
            "中华人民共和国机械行业标准",
            vec!["中华人民共和国工业和信息化部"],
        )
    } else {
        ("T/", "团体标准", vec![])
    };
    let number = number.replacen('-', "—", 1);
    let fmt = |d: NaiveDate| format!("{}-{:02}-{:02}", d.year(), d.month(), d.day());
    let mut doc = Doc::new(
        &format!("{number} {name}"),
        issuer.first().copied().unwrap_or(""),
        "standard",
        "none",
        published,
    );
    let ics = pick(
        &[
            "ICS 23.120",
            "ICS 25.040.20",
            "ICS 65.020.20",
            "ICS 97.040.60",
            "ICS 21.120.10",
        ],
        item.seed,
    );
    let ccs = pick(
        &["CCS J 72", "CCS J 54", "CCS B 05", "CCS Y 61", "CCS J 19"],
        item.seed >> 3,
    );
    let cover = json!({"t": "standard-cover", "codes": [ics, ccs], "abbr": abbr, "family": family,
        "number": number, "heading": name, "english": "",
        "published": format!("{} 发布", fmt(published)), "effective": format!("{} 实施", fmt(effective)),
        "issuer": issuer});
    let foreword = json!({"t": "small", "heading": "前　　言", "paras": [
        "本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。",
        "请注意本文件的某些内容可能涉及专利。本文件的发布机构不承担识别专利的责任。",
        format!("本文件起草单位：{org}、济南市章丘区标准化研究中心。"),
        format!("本文件主要起草人：{}、{}、{}、{}。", person(item.seed), person(item.seed + 1), person(item.seed + 2), person(item.seed + 3)),
    ]});
    let clauses = json!({"t": "small", "heading": name, "paras": [
        "1　范围",
        format!("本文件规定了{name}的术语和定义、基本要求、技术要求、试验方法、检验规则及标志、包装、运输和贮存。"),
        format!("本文件适用于{name}的生产、检验和验收。"),
        "2　规范性引用文件",
        "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。",
        "GB/T 191　包装储运图示标志",
        "GB/T 2828.1　计数抽样检验程序　第1部分：按接收质量限（AQL）检索的逐批检验抽样计划",
        "3　术语和定义",
        "本文件没有需要界定的术语和定义。",
        "4　基本要求",
        "4.1　生产企业应建立质量管理体系，配备与生产能力相适应的检验设备和检验人员。",
        "4.2　原材料应符合相应标准的规定，并有合格证明文件。",
    ]});
    doc.pages = match item.pages {
        1 => vec![vec![cover]],
        2 => vec![vec![cover], vec![foreword]],
        _ => vec![vec![cover], vec![foreword], vec![clauses]],
    };
    doc
}

/// 部门预算批复 from the 区财政局, with the approved items as a table.
fn budget_approval(item: &Item) -> Doc {
    let issuer = "济南市章丘区财政局";
    let year = item.year.unwrap_or(2022);
    let d = date(year, 1, 18 + (item.seed % 10) as u32);
    let docno = invented_docno(issuer, year, item.seed);
    let unit_organ = organ(item.unit);
    let mut doc = Doc::new(&item.subject, issuer, "gongwen", "dash", d);
    let funding = item.list("funding");
    let total: Decimal = funding.iter().filter_map(|c| c.number("amount")).sum();
    let items: Vec<String> = funding
        .iter()
        .map(|c| {
            format!(
                "{}{}万元",
                c.text("item").unwrap_or_default(),
                c.number("amount").map(num).unwrap_or_default()
            )
        })
        .collect();
    let mut t = Table::new(
        &["序号", "项目名称", "功能领域", "预算金额（万元）", "备注"],
        &[0.7, 3.0, 1.4, 1.6, 1.0],
    );
    t.title = Some(vec![format!("{year}年度部门预算项目支出表")]);
    t.left = format!("单位：{unit_organ}");
    t.right = "金额单位：万元".into();
    t.aligns = vec!["c", "l", "c", "r", "c"];
    for (i, c) in funding.iter().enumerate() {
        t.rows.push(vec![
            (i + 1).to_string(),
            c.text("item").unwrap_or_default(),
            c.text("field").unwrap_or_default(),
            c.number("amount").map(num).unwrap_or_default(),
            "区级".into(),
        ]);
    }
    t.total = Some(vec![
        "合计".into(),
        String::new(),
        String::new(),
        num(total),
        String::new(),
    ]);
    let mut first = vec![
        redhead(&format!("{issuer}文件"), &docno),
        title(&[
            issuer.to_string(),
            format!("关于批复{year}年度部门预算的通知"),
        ]),
        to(format!("{unit_organ}：")),
        p(format!(
            "你单位报送的{year}年度部门预算草案收悉。根据《中华人民共和国预算法》和区人民代表大会审查批准的{year}年全区预算，现将你单位{year}年度部门预算批复如下："
        )),
        p(format!(
            "一、质量工作相关项目支出预算{}万元，其中：{}。",
            num(total),
            items.join("，")
        )),
        opt(p(
            "二、请严格按照批复的预算执行，不得擅自调整；确需调整的，按规定程序报批。项目支出要加快执行进度，提高资金使用效益。",
        )),
    ];
    let tail = vec![
        opt(p(
            "三、请按规定在批复后二十日内向社会公开部门预算，主动接受社会监督。",
        )),
        plain(format!("附件：{year}年度部门预算项目支出表")),
        sign(issuer, d, true),
    ];
    match item.pages {
        1 => {
            first.extend(tail);
            first.push(imprint("济南市章丘区财政局办公室", d, None));
            doc.pages = vec![first];
        }
        _ => {
            first.extend(tail);
            let mut p2 = vec![plain("附件"), t.block()];
            p2.push(imprint("济南市章丘区财政局办公室", d, None));
            doc.pages = vec![first, p2];
        }
    }
    doc
}

/// A notice from an outside body: an acceptance, a recognition, a list, an approval.
fn outside_notice(item: &Item) -> Doc {
    let text_all = format!(
        "{} {}",
        item.subject,
        item.cites
            .iter()
            .flat_map(|c| c.fields.values().map(ToString::to_string))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let level = item.first("level");
    let local = has(&item.subject, &["通知", "上线"]) && !has(&item.subject, &["认定", "验收"]);
    let issuer = if local {
        organ(item.unit)
    } else {
        outside_issuer(&text_all, level.as_deref()).to_string()
    };
    let d = item.date();
    let year = d.year();
    let docno = invented_docno(&issuer, year, item.seed);
    let mut doc = Doc::new(&item.subject, &issuer, "gongwen", "dash", d);
    let thing = item
        .first("name")
        .or_else(|| item.first("honor_name"))
        .or_else(|| item.scalar_text())
        .unwrap_or_else(|| item.subject.clone());
    let zhangqiu = organ(item.unit);
    let (notice_title, addressee, body, list_title, rows): (
        String,
        String,
        Vec<String>,
        String,
        Vec<Vec<String>>,
    ) = if has(&item.subject, &["验收"]) {
        (
                format!("关于{thing}考核验收结果的通知"),
                "各有关单位：".into(),
                vec![
                    format!("根据标准化试点示范项目管理有关规定，{}组织专家对{}进行了考核验收。专家组通过听取汇报、查阅资料、现场检查和满意度测评，认为该项目标准体系健全、实施有效、示范作用明显，同意通过验收。", issuer, thing),
                    "希望承担单位以此为新的起点，持续完善标准体系，巩固试点成果，充分发挥示范带动作用。".into(),
                ],
                "考核验收结果".into(),
                vec![vec!["1".into(), thing, zhangqiu, format!("{}", 86 + item.seed % 12), "通过".into()]],
            )
    } else if has(&item.subject, &["复核", "评价结果", "食品安全县"]) {
        let what = if item.subject.contains("农产品") {
            "省级农产品质量安全县"
        } else {
            "山东省食品安全先进县"
        };
        (
            format!("关于公布{year}年度{what}复核评价结果的通知"),
            "各市有关部门：".into(),
            vec![
                format!(
                    "根据{what}管理有关规定，{issuer}组织对已命名的{what}开展了{year}年度动态复核评价。经材料审核、现场检查和群众满意度调查，济南市章丘区等县（市、区）复核评价结果为合格，继续保留{what}称号。"
                ),
                "各地要以复核评价为契机，对照评价标准查漏补缺，持续提升质量安全监管能力和水平。"
                    .into(),
            ],
            format!("{year}年度{what}复核评价合格名单（节选）"),
            vec![vec![
                "1".into(),
                what.into(),
                "济南市章丘区".into(),
                "—".into(),
                "合格".into(),
            ]],
        )
    } else if has(&item.subject, &["上线", "平台"]) {
        (
                format!("关于{thing}正式上线运行的通知"),
                "各建设、施工、监理单位：".into(),
                vec![
                    format!("为加强建设工程质量安全监管，提升监管信息化水平，经前期建设和试运行，{}定于{}正式上线运行。现将有关事项通知如下：", thing, cn(d)),
                    "一、全区在建房屋建筑和市政基础设施工程项目须在平台注册，按要求接入视频监控、塔吊监测、扬尘监测和实名制考勤等设备，实时上传质量安全数据。".into(),
                    "二、各参建单位要明确平台管理人员，及时处理平台推送的预警信息，整改情况在规定时限内上传平台。".into(),
                    "三、平台上线情况纳入工程质量安全监督检查和企业信用评价。".into(),
                ],
                "首批接入平台项目".into(),
                firms(6, item.seed)
                    .into_iter()
                    .enumerate()
                    .map(|(i, f)| vec![(i + 1).to_string(), format!("{}厂房建设项目", f.trim_end_matches("有限公司")), f, "已接入".into(), "在建".into()])
                    .collect(),
            )
    } else if has(&item.subject, &["批复", "TC", "秘书处"]) {
        (
                format!("关于同意{}承担{}秘书处工作的批复", item.first("organisation").unwrap_or_else(|| zhangqiu.clone()), thing),
                format!("{}：", item.first("organisation").unwrap_or_else(|| zhangqiu.clone())),
                vec![
                    format!("你单位关于承担{}秘书处工作的申请收悉。经研究，同意由你单位承担该工作组秘书处工作。", thing),
                    "请你单位按照全国专业标准化技术委员会管理有关规定，配备专职工作人员，提供必要的工作条件，认真做好标准制修订、标准复审和国际标准跟踪等工作。".into(),
                ],
                String::new(),
                Vec::new(),
            )
    } else {
        // 认定、命名、标杆、品牌…
        let count = item
            .cites
            .iter()
            .find_map(|c| c.fields.get("value").and_then(Value::as_number))
            .map_or(1, |n| n.to_string().parse::<usize>().unwrap_or(1))
            .clamp(1, 8);
        let recipient = item.first("recipient").unwrap_or_else(|| zhangqiu.clone());
        let matter = item.first("matter");
        let mut rows: Vec<Vec<String>> = Vec::new();
        for i in 0..count {
            let who = if count == 1 {
                recipient.clone()
            } else {
                firms(count, item.seed)[i].clone()
            };
            rows.push(vec![
                (i + 1).to_string(),
                matter.clone().unwrap_or_else(|| thing.clone()),
                who,
                "济南市章丘区".into(),
                "认定".into(),
            ]);
        }
        (
                format!("关于公布{}名单的通知", thing.trim_end_matches("认定文件").trim_end_matches("认定")),
                "各有关单位：".into(),
                vec![
                    format!("根据有关认定管理办法，经申报、初审、专家评审和公示，{}认定{}等为{}。现将名单予以公布。", issuer, rows.first().map(|r| r[2].clone()).unwrap_or_default(), thing.trim_end_matches("认定文件").trim_end_matches("认定")),
                    "希望被认定单位珍惜荣誉，发挥示范引领作用；各地要加强跟踪管理，对不再符合条件的按程序撤销认定。".into(),
                ],
                "名单".into(),
                rows,
            )
    };
    let mut first = vec![
        redhead(&format!("{issuer}文件"), &docno),
        title(&[notice_title.as_str()]),
        to(addressee),
    ];
    first.extend(
        body.into_iter()
            .enumerate()
            .map(|(i, t)| if i == 0 { p(t) } else { opt(p(t)) }),
    );
    let with_list = !rows.is_empty();
    if with_list && item.pages >= 2 {
        first.push(plain(format!("附件：{list_title}")));
    }
    first.push(sign(&issuer, d, true));
    let mut pages = vec![first];
    if with_list && item.pages >= 2 {
        let mut t = Table::new(
            &["序号", "名称", "单位", "所在地", "结果"],
            &[0.6, 3.2, 3.2, 1.6, 0.9],
        );
        t.title = Some(vec![list_title]);
        t.aligns = vec!["c", "l", "l", "c", "c"];
        t.rows = rows;
        let mut p2 = vec![plain("附件"), t.block()];
        p2.push(imprint(
            &format!("{issuer}办公室").replace("办公室办公室", "办公室"),
            d,
            None,
        ));
        pages.push(p2);
    } else {
        pages[0].push(imprint(
            &format!("{issuer}办公室").replace("办公室办公室", "办公室"),
            d,
            None,
        ));
    }
    doc.pages = pages;
    doc
}

/// 检查记录: a table of the firms checked.
fn inspection_record(item: &Item) -> Doc {
    let d = item.date();
    let unit_organ = organ(item.unit);
    let count = item
        .scalar("spot_check_enterprises")
        .and_then(Value::as_number)
        .map_or(20, |n| n.to_string().parse::<usize>().unwrap_or(20))
        .clamp(5, 40);
    let compliant = item
        .scalar("spot_check_compliant")
        .and_then(Value::as_number)
        .map_or(count, |n| n.to_string().parse::<usize>().unwrap_or(count));
    let mut doc = Doc::new(&item.subject, &unit_organ, "plain", "count", d);
    let names = firms(count, item.seed);
    let mut t = Table::new(
        &[
            "序号",
            "企业名称",
            "检查日期",
            "检查内容",
            "检查结果",
            "检查人员",
        ],
        &[0.6, 3.2, 1.4, 2.2, 1.0, 1.6],
    );
    t.title = Some(vec![format!("规模以上工业企业质量管理现场检查记录汇总表")]);
    t.left = format!("检查单位：{unit_organ}");
    t.right = format!("检查时间：{}年{}月", d.year(), d.month());
    t.aligns = vec!["c", "l", "c", "l", "c", "c"];
    t.size = 9.5;
    for (i, n) in names.iter().enumerate() {
        let day = 1 + (i as u32 * 29 / count as u32).min(27);
        t.rows.push(vec![
            (i + 1).to_string(),
            n.clone(),
            format!("{}.{:02}", d.month(), day),
            pick(
                &[
                    "质量岗位责任制落实",
                    "首席质量官制度",
                    "质量考核制度执行",
                    "出厂检验记录",
                ],
                item.seed + i as u64,
            )
            .into(),
            if i < compliant {
                "符合".into()
            } else {
                "限期整改".into()
            },
            format!(
                "{}、{}",
                person(item.seed + i as u64 * 2),
                person(item.seed + i as u64 * 2 + 1)
            ),
        ]);
    }
    t.total = Some(vec![
        "合计".into(),
        format!("{count}家"),
        String::new(),
        String::new(),
        format!("符合{compliant}家"),
        String::new(),
    ]);
    t.note = Some(format!(
        "说明：检查依据《{}年规模以上工业企业质量管理现场检查工作方案》，每家企业的现场检查记录表及影像资料存档备查。",
        d.year()
    ));
    doc.pages = vec![vec![
        t.block(),
        json!({"t": "right", "text": format!("填表人：{}　　审核人：{}", person(item.seed + 90), person(item.seed + 91))}),
    ]];
    doc
}

/// A statistical table printed as a PDF (决算、预算、核算…).
fn statistics(item: &Item, catalogue: &Catalogue) -> Doc {
    let d = item.date();
    let unit_organ = organ(item.unit);
    let mut doc = Doc::new(&item.subject, &unit_organ, "plain", "count", d);
    let year = item.year.unwrap_or(d.year());
    let facts: Vec<(String, String, String)> = item
        .cites
        .iter()
        .filter(|c| c.scalar)
        .filter_map(|c| {
            let f = catalogue.fact(&c.key)?;
            Some((
                f.label.clone(),
                c.fields.get("value")?.to_string(),
                f.unit.clone(),
            ))
        })
        .collect();
    let mut t;
    if has(&item.subject, &["决算", "预算"]) {
        // Expenditure by function, summing to the reported total.
        let total: Decimal = item
            .cites
            .iter()
            .filter_map(|c| c.fields.get("value").and_then(Value::as_number))
            .next()
            .unwrap_or(Decimal::from(100000));
        let yuan = facts.iter().any(|(_, _, u)| u == "元");
        let heads: &[(&str, u32)] = if yuan {
            &[
                ("产品质量监督抽查", 34),
                ("消费品质量安全监管", 22),
                ("质量安全风险监测", 14),
                ("执法装备及检验设备购置", 18),
                ("质量宣传与培训", 12),
            ]
        } else {
            &[
                ("一般公共服务支出", 9),
                ("公共安全支出", 6),
                ("教育支出", 19),
                ("科学技术支出", 3),
                ("文化旅游体育与传媒支出", 2),
                ("社会保障和就业支出", 14),
                ("卫生健康支出", 9),
                ("节能环保支出", 4),
                ("城乡社区支出", 17),
                ("农林水支出", 10),
                ("交通运输支出", 3),
                ("资源勘探工业信息等支出", 2),
                ("其他支出", 2),
            ]
        };
        let sum_w: u32 = heads.iter().map(|(_, w)| w).sum();
        let mut left = total;
        t = Table::new(
            &[
                "序号",
                "项目",
                if yuan {
                    "金额（元）"
                } else {
                    "金额（万元）"
                },
                "占比（%）",
            ],
            &[0.7, 3.4, 1.6, 1.2],
        );
        t.aligns = vec!["c", "l", "r", "r"];
        for (i, (h, w)) in heads.iter().enumerate() {
            let v = if i + 1 == heads.len() {
                left
            } else {
                (total * Decimal::from(*w) / Decimal::from(sum_w)).round()
            };
            left -= v;
            t.rows.push(vec![
                (i + 1).to_string(),
                h.to_string(),
                num(v),
                format!("{:.1}", (v * Decimal::from(100) / total).round_dp(1)),
            ]);
        }
        t.total = Some(vec![
            "合计".into(),
            String::new(),
            num(total),
            "100.0".into(),
        ]);
        t.title = Some(vec![format!("{}", item.subject.replace("-财政", ""))]);
        t.left = format!("编制单位：{unit_organ}");
        t.right = if yuan {
            "单位：元".into()
        } else {
            "单位：万元".into()
        };
    } else {
        // 核算 and anything else: the reported figures with their basis.
        t = Table::new(
            &[
                "序号",
                "指标",
                "计量单位",
                &format!("{year}年"),
                &format!("{}年", year - 1),
                "增减（%）",
            ],
            &[0.6, 3.4, 1.0, 1.1, 1.1, 1.0],
        );
        t.aligns = vec!["c", "l", "c", "r", "r", "r"];
        // Value added and energy use consistent with the reported reduction rate.
        let reduction: f64 = item
            .scalar("energy_intensity_reduction")
            .map_or(4.0, |v| v.to_string().parse().unwrap_or(4.0));
        let (va, va0) = (356.8f64, 336.2f64);
        let intensity = 0.876f64;
        let intensity0 = intensity / (1.0 - reduction / 100.0);
        let rows = [
            ("规模以上工业增加值（可比价）", "亿元", va, va0),
            (
                "规模以上工业综合能源消费量",
                "万吨标准煤",
                intensity * va,
                intensity0 * va0,
            ),
            (
                "规模以上工业单位增加值能耗",
                "吨标准煤/万元",
                intensity,
                intensity0,
            ),
        ];
        for (i, (l, u, a, b)) in rows.iter().enumerate() {
            let fmt = |x: f64| {
                if x < 10.0 {
                    format!("{x:.3}")
                } else {
                    format!("{x:.1}")
                }
            };
            t.rows.push(vec![
                (i + 1).to_string(),
                l.to_string(),
                u.to_string(),
                fmt(*a),
                fmt(*b),
                format!("{:.1}", (a - b) / b * 100.0),
            ]);
        }
        for (l, v, u) in &facts {
            let l = l.trim_start_matches("上年度");
            t.rows.push(vec![
                (t.rows.len() + 1).to_string(),
                l.to_string(),
                u.clone(),
                v.clone(),
                "—".into(),
                "—".into(),
            ]);
        }
        t.title = Some(vec![item.subject.clone()]);
        t.left = format!("填报单位：{unit_organ}");
        t.right = format!("{}年{}月", d.year(), d.month());
    }
    t.size = 11.0;
    let mut page = vec![t.block()];
    page.push(space(6));
    page.push(json!({"t": "small", "paras": [format!("单位负责人：{}　　　统计负责人：{}　　　填表人：{}　　　报出日期：{}", person(item.seed), person(item.seed + 1), person(item.seed + 2), cn(d))], "size": 10.5}));
    page.push(json!({"t": "sign", "organ": unit_organ, "date": cn(d), "seal": unit_organ, "gap": 1, "indent": 2}));
    doc.pages = vec![page];
    if item.pages >= 2 {
        doc.pages.push(vec![
            json!({"t": "small", "heading": "编制说明", "paras": if has(&item.subject, &["决算", "预算"]) { vec![
                "一、本表数据来源于区级财政总决算报表、部门决算报表，按照政府收支分类科目汇总。",
                "二、表中金额为四舍五入后的数据，合计数与分项之和可能存在尾差。",
                "三、有关项目的具体构成及绩效目标完成情况，详见各部门决算公开说明。",
            ] } else { vec![
                "一、本表数据来源于规模以上工业企业能源统计报表和统计联网直报平台。",
                "二、工业增加值按可比价格计算，单位增加值能耗＝综合能源消费量÷工业增加值。",
                "三、表中数据为年报数，部分数据因四舍五入存在尾差。",
            ] }, "size": 12}),
        ]);
    }
    doc
}

/// 统计公报: the year's figures in the prose of a bulletin.
fn bulletin(item: &Item) -> Doc {
    let year = item.year.unwrap_or(2021);
    let d = date(year + 1, 3, 20 + (item.seed % 8) as u32);
    let issuer = "济南市章丘区统计局";
    let mut doc = Doc::new(&item.subject, issuer, "plain", "count", d);
    let all: Vec<&Cite> = item.cites.iter().collect();
    let get = |k: &str| {
        all.iter()
            .find(|c| c.scalar && c.key == k)
            .and_then(|c| c.fields.get("value").and_then(Value::as_number))
    };
    let gdp = get("gdp").unwrap_or(Decimal::new(12178, 1));
    let service = get("service_value_added")
        .unwrap_or(Decimal::new(584544, 3))
        .round_dp(1);
    let population = get("resident_population").unwrap_or(Decimal::new(1073, 1));
    let share = (service * Decimal::from(100) / gdp).round_dp(1);
    let first = vec![
        title(&[
            format!("{year}年章丘区国民经济和社会发展"),
            "统计公报".to_string(),
        ]),
        json!({"t": "subtitle", "subheading": format!("{}　{}", issuer, format!("{}年{}月", d.year(), d.month()))}),
        space(3),
        p(format!(
            "{year}年，面对复杂严峻的外部环境，全区上下坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，统筹疫情防控和经济社会发展，全区经济持续稳定恢复，高质量发展取得新成效。"
        )),
        h1("一、综合"),
        p(format!(
            "初步核算，全年实现地区生产总值{}亿元，按可比价格计算，比上年增长{}.{}%。其中，第一产业增加值{}亿元；第二产业增加值{}亿元；第三产业增加值{}亿元，占地区生产总值的比重为{}%。",
            num(gdp),
            6 + item.seed % 3,
            item.seed % 10,
            num((gdp * Decimal::new(56, 3)).round_dp(1)),
            num((gdp - service - (gdp * Decimal::new(56, 3)).round_dp(1)).round_dp(1)),
            num(service),
            num(share)
        )),
        p(format!(
            "年末全区常住人口{}万人，常住人口城镇化率{}.{}%。",
            num(population),
            64 + item.seed % 5,
            (item.seed >> 4) % 10
        )),
    ];
    let second = vec![
        h1("二、工业和建筑业"),
        p(
            "全年规模以上工业增加值比上年增长8.6%。高端装备、新材料、新一代信息技术等支柱产业增势良好，高新技术产业产值占规模以上工业总产值的比重继续提高。",
        ),
        h1("三、服务业"),
        p(
            "全年服务业保持较快增长，现代物流、文化旅游、商贸流通等行业稳步恢复。规模以上服务业企业营业收入比上年增长，服务业对经济增长的贡献率进一步提升。",
        ),
        h1("四、人民生活"),
        p(
            "全年全体居民人均可支配收入比上年增长8.0%，其中城镇居民人均可支配收入增长7.1%，农村居民人均可支配收入增长9.5%。",
        ),
    ];
    let third = vec![
        h1("注释"),
        p(
            "1. 本公报中各项统计数据均为初步统计数，部分数据因四舍五入的原因，存在总计与分项合计不等的情况。",
        ),
        p("2. 地区生产总值、各产业增加值绝对数按现价计算，增长速度按不变价格计算。"),
        p("3. 常住人口数据根据人口抽样调查推算。"),
    ];
    doc.pages = match item.pages {
        1 => vec![first],
        2 => vec![first, second],
        _ => vec![first, second, third],
    };
    doc
}

/// A report (质量分析报告、总结、年报、调研报告、规划纲要).
fn report(item: &Item, catalogue: &Catalogue) -> Doc {
    let d = item.date();
    let unit_organ = organ(item.unit);
    let heading = item
        .first("title")
        .or_else(|| {
            item.scalar("standardization_in_plan")
                .and_then(Value::as_text)
                .map(|s| s.split('（').next().unwrap_or(s).to_string())
        })
        .unwrap_or_else(|| item.subject.clone());
    let heading = if heading == item.subject && item.subject.contains("十四五规划纲要") {
        "济南市章丘区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要".to_string()
    } else {
        heading
    };
    let mut doc = Doc::new(&item.subject, &unit_organ, "plain", "count", d);
    let facts: Vec<String> = item
        .cites
        .iter()
        .filter(|c| c.scalar)
        .filter_map(|c| {
            let f = catalogue.fact(&c.key)?;
            let v = c.fields.get("value")?;
            let label = f
                .label
                .trim_start_matches("上年度")
                .trim_start_matches("前年度");
            Some(match v {
                Value::Text(s) => format!("{label}：{}", clean(s)),
                Value::Bool(b) => format!("{label}：{}", if *b { "是" } else { "否" }),
                other => format!("{label}{}{}", other, f.unit),
            })
        })
        .collect();
    let mut pages: Vec<Vec<J>> = Vec::new();
    // The title block: 纲要 as a cover; others a title and the author line.
    let mut first = vec![title(&[heading.as_str()])];
    first.push(json!({"t": "subtitle", "subheading": format!("{unit_organ}　{}", format!("{}年{}月", d.year(), d.month()))}));
    first.push(space(3));
    let intro = if item.subject.contains("纲要") {
        format!(
            "《{heading}》根据《中共济南市章丘区委关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议》编制，主要阐明区委、区政府战略意图，明确经济社会发展的主要目标、重点任务和重大举措，是全区人民共同的行动纲领。"
        )
    } else if item.subject.contains("年报") {
        format!(
            "根据环境空气自动监测站监测数据，现将{}年章丘区环境空气质量状况报告如下。",
            item.year.unwrap_or(d.year())
        )
    } else if item.subject.contains("调研") {
        format!(
            "为探索建立产品质量伤害监测体系，{}会同区市场监督管理局，于{}年{}月对区内骨干医院开展了专题调研，现将有关情况报告如下。",
            unit_organ,
            d.year(),
            d.month()
        )
    } else if item.subject.contains("总结") {
        format!(
            "近年来，{unit_organ}深入实施质量强区战略，探索形成了{}，现将有关情况总结如下。",
            item.scalar_text()
                .unwrap_or_else(|| "具有章丘特色的质量提升模式".into())
        )
    } else {
        format!(
            "根据《山东省质量强县（市、区）创建实施方案》关于定期开展县域质量发展状况分析的要求，现将章丘区{}年度质量发展状况分析如下。",
            item.year.unwrap_or(d.year())
        )
    };
    first.push(p(intro));
    first.push(h1("一、基本情况"));
    if facts.is_empty() {
        first.push(p(format!("{}年，全区质量工作紧紧围绕创建山东省质量强区目标，完善大质量工作机制，强化质量基础支撑，产品质量、工程质量、服务质量和环境质量稳步提升，主要质量指标保持在全省前列。", item.year.unwrap_or(d.year()))));
    } else {
        first.push(p(format!("{}。", facts.join("；"))));
    }
    let sections: Vec<(String, String)> = if item.subject.contains("纲要") {
        vec![
            ("第六章　实施质量强区战略".into(), "第三节　深化标准化改革创新。实施标准化战略，推动企业主导和参与制定国际标准、国家标准、行业标准和地方标准，建设一批标准化试点示范项目，完善标准化资助政策，以标准提升引领产业升级和质量提升。".into()),
            ("第七章　推动服务业提质增效".into(), "推进现代服务业与先进制造业深度融合，提升服务业标准化、规范化、品牌化水平，服务业增加值占地区生产总值比重稳步提升。".into()),
        ]
    } else if item.subject.contains("年报") {
        vec![
            ("二、主要污染物浓度".into(), "全年细颗粒物（PM2.5）、可吸入颗粒物（PM10）年均浓度同比下降，二氧化硫、一氧化碳浓度保持较低水平，臭氧浓度基本持平。".into()),
            ("三、原因分析及措施".into(), "空气质量改善得益于扬尘污染治理、工业企业深度治理和机动车尾气管控等措施。下一步将持续推进挥发性有机物综合治理，强化重污染天气应对。".into()),
            ("四、监测情况说明".into(), "全区共设国控、省控环境空气自动监测站点4个，监测项目包括二氧化硫、二氧化氮、可吸入颗粒物、细颗粒物、一氧化碳和臭氧，数据有效率均在95%以上。".into()),
        ]
    } else {
        vec![
            ("二、主要做法".into(), "坚持党委领导、政府主导、部门联合、企业主责、社会参与，健全质量工作议事协调机构，设立质量发展专项资金，出台标准化资助、质量奖励等扶持政策，推动质量基础设施“一站式”服务向产业园区延伸。".into()),
            ("三、存在的问题".into(), "部分中小企业质量管理基础薄弱，质量技术人才不足；品牌培育梯次不够完善，具有较强影响力的知名品牌数量偏少；质量安全风险监测覆盖面有待扩大。".into()),
            ("四、下一步打算".into(), "持续开展质量提升行动，推广先进质量管理方法，加快培育质量标杆企业和区域品牌，完善质量安全风险监测预警体系，推动全区质量水平整体提升。".into()),
            ("五、有关建议".into(), "建议进一步加大质量发展专项资金投入，完善质量激励政策；加强质量基础设施建设，推动计量、标准、认证认可、检验检测等资源向产业园区集聚；健全部门协作机制，形成质量工作合力。".into()),
        ]
    };
    let mut second = Vec::new();
    let mut third = Vec::new();
    for (i, (h, t)) in sections.iter().enumerate() {
        let target = match (item.pages, i) {
            (1, _) => &mut first,
            (2, _) => &mut second,
            (_, 0 | 1) => &mut second,
            _ => &mut third,
        };
        target.push(h1(h.clone()));
        target.push(opt(p(t.clone())));
    }
    if item.subject.contains("年报") {
        // A monthly table: the page that follows the prose.
        let pm = item
            .cites
            .iter()
            .find(|c| c.key.starts_with("pm25"))
            .and_then(|c| c.fields.get("value").and_then(Value::as_number))
            .and_then(|n| n.to_string().parse::<i64>().ok())
            .unwrap_or(45);
        let shape = [
            1.55, 1.35, 1.1, 0.85, 0.72, 0.6, 0.55, 0.6, 0.7, 0.95, 1.3, 1.73,
        ];
        let mut t = Table::new(
            &["月份", "PM2.5（μg/m³）", "PM10（μg/m³）", "优良天数（天）"],
            &[1.0, 1.6, 1.6, 1.6],
        );
        t.title = Some(vec![format!(
            "{}年章丘区环境空气质量月度统计",
            item.year.unwrap_or(2021)
        )]);
        let good_total = item
            .scalar("good_air_days")
            .and_then(Value::as_number)
            .and_then(|n| n.to_string().parse::<i64>().ok());
        let mut good_left = good_total.unwrap_or(230);
        for (m, s) in shape.iter().enumerate() {
            let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m];
            let g = if m == 11 {
                good_left
            } else {
                ((days as f64) * (1.25 - s * 0.45)).round() as i64
            };
            good_left -= g;
            t.rows.push(vec![
                format!("{}月", m + 1),
                format!("{}", (pm as f64 * s).round()),
                format!("{}", (pm as f64 * s * 1.8).round()),
                g.to_string(),
            ]);
        }
        t.total = Some(vec![
            "全年".into(),
            pm.to_string(),
            format!("{}", (pm as f64 * 1.8).round()),
            good_total.unwrap_or(230).to_string(),
        ]);
        let target = if item.pages == 1 {
            &mut first
        } else if item.pages == 2 {
            &mut second
        } else {
            &mut third
        };
        target.push(t.block());
    }
    let end = vec![json!({"t": "right", "text": format!("{unit_organ}\n{}", cn(d))})];
    pages.push(first);
    if item.pages >= 2 {
        pages.push(second);
    }
    if item.pages >= 3 {
        pages.push(third);
    }
    pages.last_mut().expect("page").extend(end);
    doc.pages = pages;
    doc
}

// ---------------------------------------------------------------------------------------
// Rendering

fn data_of(doc: &Doc) -> J {
    json!({
        "doc_title": doc.title,
        "author": doc.author,
        "layout": doc.layout,
        "footer": doc.footer,
        "mark": MARK,
        "year": doc.date.year(), "month": doc.date.month(), "day": doc.date.day(),
        "pages": doc.pages,
    })
}

fn is_heading(b: &J) -> bool {
    matches!(b["t"].as_str(), Some("h1" | "h2"))
}

fn is_body(b: &J) -> bool {
    matches!(
        b["t"].as_str(),
        Some("p" | "lead" | "plain" | "table" | "photo" | "photos" | "small" | "kv")
    )
}

/// Each page on its own must lay out as one page: optional blocks (`opt`) go from the end
/// of a page that overflows, and a heading left with nothing under it goes too.
fn fit(renderer: &Renderer, name: &str, doc: &Doc) -> Doc {
    let mut doc = doc.clone();
    let options = RenderOptions::new(doc.date);
    for i in 0..doc.pages.len() {
        loop {
            let mut alone = doc.clone();
            alone.pages = vec![doc.pages[i].clone()];
            let out = renderer
                .render_template(
                    "/evidence.typ",
                    "fit",
                    "示例证明材料",
                    &data_of(&alone),
                    &options,
                )
                .unwrap_or_else(|e| panic!("render {name}: {e}"));
            if out.pages <= 1 {
                break;
            }
            let page = &mut doc.pages[i];
            let Some(k) = page.iter().rposition(|b| b["opt"] == J::Bool(true)) else {
                break;
            };
            page.remove(k);
        }
        let page = &mut doc.pages[i];
        let mut k = 0;
        while k < page.len() {
            let has_body = page[k + 1..]
                .iter()
                .find(|b| !is_heading(b))
                .is_some_and(is_body);
            if is_heading(&page[k]) && !has_body {
                page.remove(k);
            } else {
                k += 1;
            }
        }
    }
    doc
}

fn render(
    renderer: &Renderer,
    templates: &Path,
    name: &str,
    doc: &Doc,
    expected_pages: Option<usize>,
) -> Vec<u8> {
    for (path, scene, banner) in &doc.photos {
        let bytes = photo::render(*scene, banner, stable_hash(path), (640, 430), 72);
        std::fs::write(templates.join(path.trim_start_matches('/')), bytes).expect("write photo");
    }
    let doc = &fit(renderer, name, doc);
    let data = data_of(doc);
    let text = data["pages"].to_string();
    assert!(
        !text.contains("示例"),
        "{name}: 示例 in the body: the mark says it once"
    );
    let options = RenderOptions::new(doc.date);
    let out = renderer
        .render_template(
            "/evidence.typ",
            &format!("zhiliang/example-evidence/{name}"),
            "示例证明材料",
            &data,
            &options,
        )
        .unwrap_or_else(|e| panic!("render {name}: {e}"));
    let want = expected_pages.unwrap_or(doc.pages.len());
    if out.pages != want {
        // Reported at the end: a page that overflows is a layout to fix.
        OVERFLOW.lock().expect("overflow list").push(format!(
            "{name}: {} pages laid out, {want} planned",
            out.pages
        ));
    }
    out.pdf
}

static OVERFLOW: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn rewrite(
    dir: &Path,
    roster: &Roster,
    catalogue: &Catalogue,
    facts: &Facts,
    renderer: &Renderer,
    templates: &Path,
) -> (usize, usize) {
    let (mut count, mut numbered) = (0, 0);
    let Ok(units) = std::fs::read_dir(dir) else {
        return (0, 0);
    };
    let mut units: Vec<_> = units.flatten().map(|e| e.path()).collect();
    units.sort();
    for unit_dir in units {
        let id = unit_dir.file_name().unwrap().to_string_lossy().to_string();
        let Some(unit) = roster.by_id(&id) else {
            continue;
        };
        // Documents cited by 文号: written first, so the listing below sees them.
        for ((u, item), cites) in &facts.by_item {
            if *u != unit.name || !is_doc_number(item) {
                continue;
            }
            // The campaign part wrote this folder afresh: no older notice to remove.
            let (file, doc) = doc_number_notice(unit, item, cites, roster, catalogue);
            let bytes = render(renderer, templates, &file, &doc, None);
            std::fs::write(unit_dir.join(&file), bytes).expect("write notice");
            numbered += 1;
        }
        let mut files: Vec<_> = std::fs::read_dir(&unit_dir)
            .expect("unit folder")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.split(' ').next().is_some_and(is_doc_number) {
                continue;
            }
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            let cites = facts
                .by_item
                .get(&(unit.name.clone(), name.clone()))
                .cloned()
                .or_else(|| facts.by_name.get(&name).cloned())
                .unwrap_or_default();
            let bytes = match ext.as_str() {
                "pdf" => {
                    let (subject, when, year) = subject_and_date(stem(&name));
                    let seed = stable_hash(&name);
                    let item = Item {
                        unit,
                        name: name.clone(),
                        subject,
                        when,
                        year,
                        cites,
                        seed,
                        pages: 1 + (seed % 3) as usize,
                    };
                    let doc = build(&item, roster, catalogue);
                    render(renderer, templates, &name, &doc, None)
                }
                "jpg" | "jpeg" => {
                    let what = cites
                        .iter()
                        .find_map(|c| c.text("content"))
                        .unwrap_or_else(|| subject_and_date(stem(&name)).0);
                    photo::evidence_photo(&name, &what, &facts.slogan)
                }
                _ => continue,
            };
            std::fs::write(&path, bytes).expect("write evidence");
            count += 1;
        }
    }
    (count, numbered)
}

/// Replaces the placeholder PDFs and JPGs under `input/evidence/` and
/// `examples/problems/evidence/` and writes the documents cited by 文号 beside them.
pub fn write_documents(root: &Path, roster: &Roster, catalogue: &Catalogue, file: &FactsFile) {
    let facts = read_facts(file);
    // A private templates folder holding only the evidence template (and an empty
    // wording folder), in the same confined world as the documents; photographs the
    // pages show are written beside it.
    let templates = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(templates.path().join("wording")).expect("wording folder");
    std::fs::write(templates.path().join("evidence.typ"), TEMPLATE).expect("template");
    let fonts = Arc::new(FontSet::load_with(&root.join("fonts"), false).expect("fonts"));
    photo::set_fonts(&root.join("fonts"));
    let renderer = Renderer::with_fonts(templates.path(), fonts).expect("renderer");
    let (mut total, mut numbered) = (0, 0);
    // examples/problems: the same units' facts (a unit that did not submit has no folder).
    for dir in ["input/evidence", "examples/problems/evidence"] {
        let (c, n) = rewrite(
            &root.join(dir),
            roster,
            catalogue,
            &facts,
            &renderer,
            templates.path(),
        );
        total += c;
        numbered += n;
    }
    let overflow = OVERFLOW.lock().expect("overflow list");
    if !overflow.is_empty() {
        eprintln!("{}", overflow.join("\n"));
        std::process::exit(1);
    }
    println!(
        "wrote {total} evidence files and {numbered} documents cited by 文号 (PDF/A with embedded fonts, JPEG photographs)"
    );
}

/// Photograph-like pictures drawn procedurally: sky, buildings, trees, people, and the
/// banner, screen or board of the event with its text set from the shipped fonts
/// (glyph outlines read with ttf-parser and filled with an anti-aliased scanline
/// rasteriser), then lens vignetting, a slight blur and sensor noise. Deterministic.
mod photo {
    use std::path::Path;
    use std::sync::OnceLock;

    static FONT: OnceLock<Vec<u8>> = OnceLock::new();

    /// Reads the bold sans face the signs are set in.
    pub fn set_fonts(dir: &Path) {
        let bytes = std::fs::read(dir.join("NotoSansCJKsc-Bold.otf")).expect("font for photos");
        let _ = FONT.set(bytes);
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    pub enum Scene {
        /// A stage with a red banner, people in front.
        Event,
        /// Service desks under gazebo tents, a crowd.
        Crowd,
        /// An LED screen on a building showing the text.
        Screen,
        /// A factory park with a red banner on its fence.
        Banner,
        /// A display board among trees.
        Board,
    }

    type Rgb = [f32; 3];

    struct Canvas {
        w: usize,
        h: usize,
        px: Vec<Rgb>,
        rng: u64,
    }

    impl Canvas {
        fn new(w: usize, h: usize, seed: u64) -> Canvas {
            Canvas {
                w,
                h,
                px: vec![[0.0; 3]; w * h],
                rng: seed | 1,
            }
        }
        fn rand(&mut self) -> f32 {
            // xorshift64*
            self.rng ^= self.rng >> 12;
            self.rng ^= self.rng << 25;
            self.rng ^= self.rng >> 27;
            ((self.rng.wrapping_mul(0x2545F4914F6CDD1D) >> 40) as f32) / (1u64 << 24) as f32
        }
        fn blend(&mut self, x: usize, y: usize, c: Rgb, a: f32) {
            if x < self.w && y < self.h && a > 0.0 {
                let p = &mut self.px[y * self.w + x];
                for i in 0..3 {
                    p[i] = p[i] * (1.0 - a) + c[i] * a;
                }
            }
        }
        fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: Rgb) {
            self.rect_shaded(x0, y0, x1, y1, |_, _| c);
        }
        /// A rectangle whose colour depends on the position inside it (u, v in 0..1).
        fn rect_shaded(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, f: impl Fn(f32, f32) -> Rgb) {
            let (ix0, iy0) = (x0.max(0.0).floor() as usize, y0.max(0.0).floor() as usize);
            let (ix1, iy1) = (
                (x1.min(self.w as f32)).ceil() as usize,
                (y1.min(self.h as f32)).ceil() as usize,
            );
            for y in iy0..iy1 {
                let cy = ((y as f32 + 1.0).min(y1) - (y as f32).max(y0)).clamp(0.0, 1.0);
                for x in ix0..ix1 {
                    let cx = ((x as f32 + 1.0).min(x1) - (x as f32).max(x0)).clamp(0.0, 1.0);
                    let u = (x as f32 + 0.5 - x0) / (x1 - x0);
                    let v = (y as f32 + 0.5 - y0) / (y1 - y0);
                    self.blend(x, y, f(u, v), cx * cy);
                }
            }
        }
        fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: Rgb) {
            let (x0, x1) = (
                (cx - rx - 1.0).max(0.0) as usize,
                (cx + rx + 1.0).max(0.0) as usize,
            );
            let (y0, y1) = (
                (cy - ry - 1.0).max(0.0) as usize,
                (cy + ry + 1.0).max(0.0) as usize,
            );
            for y in y0..=y1 {
                for x in x0..=x1 {
                    let dx = (x as f32 + 0.5 - cx) / rx;
                    let dy = (y as f32 + 0.5 - cy) / ry;
                    let d = (dx * dx + dy * dy).sqrt();
                    let edge = rx.min(ry);
                    let a = ((1.0 - d) * edge + 0.5).clamp(0.0, 1.0);
                    // A little shading: lighter towards the upper left.
                    let s = 1.0 + 0.18 * (-dx - dy) * 0.5;
                    self.blend(x, y, [c[0] * s, c[1] * s, c[2] * s], a);
                }
            }
        }
        /// A soft dark patch (a shadow on the ground).
        fn shadow(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, strength: f32) {
            let (x0, x1) = ((cx - rx).max(0.0) as usize, (cx + rx).max(0.0) as usize);
            let (y0, y1) = ((cy - ry).max(0.0) as usize, (cy + ry).max(0.0) as usize);
            for y in y0..=y1 {
                for x in x0..=x1 {
                    let dx = (x as f32 - cx) / rx;
                    let dy = (y as f32 - cy) / ry;
                    let d = 1.0 - (dx * dx + dy * dy);
                    if d > 0.0 {
                        self.blend(x, y, [20.0, 20.0, 24.0], strength * d.min(1.0));
                    }
                }
            }
        }
        /// Box blur of radius `r`, twice (close to a gaussian): the camera's focus.
        fn blur(&mut self, r: usize) {
            let (w, h) = (self.w, self.h);
            for _ in 0..2 {
                let src = self.px.clone();
                for y in 0..h {
                    for x in 0..w {
                        let mut acc = [0.0f32; 3];
                        let (a, b) = (x.saturating_sub(r), (x + r).min(w - 1));
                        for sx in a..=b {
                            for i in 0..3 {
                                acc[i] += src[y * w + sx][i];
                            }
                        }
                        let n = (b - a + 1) as f32;
                        self.px[y * w + x] = [acc[0] / n, acc[1] / n, acc[2] / n];
                    }
                }
                let src = self.px.clone();
                for y in 0..h {
                    let (a, b) = (y.saturating_sub(r), (y + r).min(h - 1));
                    for x in 0..w {
                        let mut acc = [0.0f32; 3];
                        for sy in a..=b {
                            for i in 0..3 {
                                acc[i] += src[sy * w + x][i];
                            }
                        }
                        let n = (b - a + 1) as f32;
                        self.px[y * w + x] = [acc[0] / n, acc[1] / n, acc[2] / n];
                    }
                }
            }
        }
        /// Draws an alpha mask (text) with its top left at (x, y); `warp` moves each column
        /// down by a number of pixels (a hanging banner's sag).
        fn mask(&mut self, m: &Mask, x: f32, y: f32, c: Rgb, warp: impl Fn(f32) -> f32) {
            for my in 0..m.h {
                for mx in 0..m.w {
                    let a = m.a[my * m.w + mx];
                    if a <= 0.0 {
                        continue;
                    }
                    let px = x + mx as f32;
                    let py = y + my as f32 + warp(px);
                    if px >= 0.0 && py >= 0.0 {
                        self.blend(px as usize, py as usize, c, a);
                    }
                }
            }
        }
    }

    fn hash2(x: i64, y: i64, seed: u64) -> f32 {
        let mut h = seed
            ^ (x as u64).wrapping_mul(0x9E3779B97F4A7C15)
            ^ (y as u64).wrapping_mul(0xC2B2AE3D27D4EB4F);
        h ^= h >> 29;
        h = h.wrapping_mul(0xBF58476D1CE4E5B9);
        h ^= h >> 32;
        (h >> 40) as f32 / (1u64 << 24) as f32
    }

    fn value_noise(x: f32, y: f32, seed: u64) -> f32 {
        let (xi, yi) = (x.floor() as i64, y.floor() as i64);
        let (fx, fy) = (x - x.floor(), y - y.floor());
        let s = |t: f32| t * t * (3.0 - 2.0 * t);
        let (sx, sy) = (s(fx), s(fy));
        let a = hash2(xi, yi, seed);
        let b = hash2(xi + 1, yi, seed);
        let c = hash2(xi, yi + 1, seed);
        let d = hash2(xi + 1, yi + 1, seed);
        (a + (b - a) * sx) * (1.0 - sy) + (c + (d - c) * sx) * sy
    }

    fn fbm(x: f32, y: f32, seed: u64) -> f32 {
        let mut v = 0.0;
        let mut amp = 0.5;
        let mut f = 1.0;
        for o in 0..5 {
            v += amp * value_noise(x * f, y * f, seed + o);
            f *= 2.03;
            amp *= 0.5;
        }
        v
    }

    fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
        [
            a[0] + (b[0] - a[0]) * t,
            a[1] + (b[1] - a[1]) * t,
            a[2] + (b[2] - a[2]) * t,
        ]
    }

    fn scale(c: Rgb, s: f32) -> Rgb {
        [c[0] * s, c[1] * s, c[2] * s]
    }

    // ---- text ----

    pub struct Mask {
        pub w: usize,
        pub h: usize,
        a: Vec<f32>,
    }

    struct Edges {
        edges: Vec<(f32, f32, f32, f32)>,
        start: (f32, f32),
        last: (f32, f32),
        scale: f32,
        dx: f32,
        base: f32,
    }

    impl Edges {
        fn pt(&self, x: f32, y: f32) -> (f32, f32) {
            (self.dx + x * self.scale, self.base - y * self.scale)
        }
        fn push(&mut self, p: (f32, f32)) {
            self.edges.push((self.last.0, self.last.1, p.0, p.1));
            self.last = p;
        }
    }

    impl ttf_parser::OutlineBuilder for Edges {
        fn move_to(&mut self, x: f32, y: f32) {
            let p = self.pt(x, y);
            self.start = p;
            self.last = p;
        }
        fn line_to(&mut self, x: f32, y: f32) {
            let p = self.pt(x, y);
            self.push(p);
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            let (p0, p1, p2) = (self.last, self.pt(x1, y1), self.pt(x, y));
            for i in 1..=8 {
                let t = i as f32 / 8.0;
                let u = 1.0 - t;
                self.push((
                    u * u * p0.0 + 2.0 * u * t * p1.0 + t * t * p2.0,
                    u * u * p0.1 + 2.0 * u * t * p1.1 + t * t * p2.1,
                ));
            }
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            let (p0, p1, p2, p3) = (self.last, self.pt(x1, y1), self.pt(x2, y2), self.pt(x, y));
            for i in 1..=10 {
                let t = i as f32 / 10.0;
                let u = 1.0 - t;
                self.push((
                    u * u * u * p0.0
                        + 3.0 * u * u * t * p1.0
                        + 3.0 * u * t * t * p2.0
                        + t * t * t * p3.0,
                    u * u * u * p0.1
                        + 3.0 * u * u * t * p1.1
                        + 3.0 * u * t * t * p2.1
                        + t * t * t * p3.1,
                ));
            }
        }
        fn close(&mut self) {
            let s = self.start;
            if self.last != s {
                self.push(s);
            }
        }
    }

    /// `text` set `px` pixels high (one em), with `tracking` extra em between characters.
    pub fn text_mask(text: &str, px: f32, tracking: f32) -> Mask {
        let data = FONT.get().expect("set_fonts first");
        let face = ttf_parser::Face::parse(data, 0).expect("font parses");
        let scale = px / face.units_per_em() as f32;
        let mut e = Edges {
            edges: Vec::new(),
            start: (0.0, 0.0),
            last: (0.0, 0.0),
            scale,
            dx: 1.0,
            base: px * 0.9,
        };
        for ch in text.chars() {
            if let Some(g) = face.glyph_index(ch) {
                face.outline_glyph(g, &mut e);
                e.dx += face.glyph_hor_advance(g).unwrap_or(0) as f32 * scale + tracking * px;
            } else {
                e.dx += px * 0.5;
            }
        }
        let (w, h) = ((e.dx + 2.0).ceil() as usize, (px * 1.12).ceil() as usize);
        let mut a = vec![0.0f32; w * h];
        const SUB: usize = 5;
        let mut xs: Vec<(f32, i32)> = Vec::new();
        for row in 0..h {
            for s in 0..SUB {
                let y = row as f32 + (s as f32 + 0.5) / SUB as f32;
                xs.clear();
                for &(x0, y0, x1, y1) in &e.edges {
                    if (y0 <= y && y1 > y) || (y1 <= y && y0 > y) {
                        let t = (y - y0) / (y1 - y0);
                        xs.push((x0 + t * (x1 - x0), if y1 > y0 { 1 } else { -1 }));
                    }
                }
                xs.sort_by(|p, q| p.0.total_cmp(&q.0));
                let mut wind = 0;
                for i in 0..xs.len() {
                    let before = wind;
                    wind += xs[i].1;
                    if before == 0 && wind != 0 {
                        // span starts at xs[i]; ends where the winding returns to 0
                        let xa = xs[i].0;
                        let mut wj = wind;
                        let mut j = i + 1;
                        while j < xs.len() {
                            wj += xs[j].1;
                            if wj == 0 {
                                break;
                            }
                            j += 1;
                        }
                        let xb = if j < xs.len() { xs[j].0 } else { xa };
                        let (ca, cb) = (xa.max(0.0), xb.min(w as f32));
                        let mut x = ca.floor() as usize;
                        while (x as f32) < cb && x < w {
                            let cover = ((x as f32 + 1.0).min(cb) - (x as f32).max(ca)).max(0.0);
                            a[row * w + x] += cover / SUB as f32;
                            x += 1;
                        }
                    }
                }
            }
        }
        for v in &mut a {
            *v = v.min(1.0);
        }
        Mask { w, h, a }
    }

    /// A text mask no wider than `max_w` pixels (shrunk to fit), `px` high at most.
    fn fitted(text: &str, px: f32, max_w: f32, tracking: f32) -> Mask {
        let m = text_mask(text, px, tracking);
        if m.w as f32 <= max_w {
            return m;
        }
        text_mask(text, px * max_w / m.w as f32, tracking)
    }

    // ---- scene parts ----

    fn sky(c: &mut Canvas, horizon: f32, seed: u64, overcast: f32) {
        let (w, h) = (c.w, c.h);
        for y in 0..h {
            let t = (y as f32 / horizon).min(1.0);
            let base = mix([78.0, 128.0, 196.0], [196.0, 214.0, 232.0], t.powf(0.8));
            let base = mix(base, [200.0, 204.0, 210.0], overcast);
            for x in 0..w {
                let n = fbm(x as f32 / 180.0, y as f32 / 70.0, seed);
                let cloud = ((n - 0.52) * 3.2).clamp(0.0, 1.0) * (1.0 - t * 0.6);
                let shade = 0.85 + 0.15 * fbm(x as f32 / 40.0, y as f32 / 20.0, seed + 9);
                c.px[y * w + x] = mix(base, scale([250.0, 250.0, 252.0], shade), cloud);
            }
        }
    }

    fn ground(c: &mut Canvas, top: f32, colour: Rgb, seed: u64) {
        let (w, h) = (c.w, c.h);
        for y in (top as usize)..h {
            let depth = (y as f32 - top) / (h as f32 - top);
            for x in 0..w {
                let n = fbm(
                    x as f32 / (6.0 + 30.0 * depth),
                    y as f32 / (3.0 + 12.0 * depth),
                    seed,
                );
                // Paving joints in perspective.
                let px = (x as f32 - w as f32 / 2.0) / (0.3 + depth * 2.0);
                let joint = if (px / 60.0).fract().abs() < 0.02
                    || ((y as f32 - top).sqrt() * 3.0).fract() < 0.06
                {
                    0.9
                } else {
                    1.0
                };
                let s = (0.78 + 0.3 * n) * joint * (0.9 + 0.15 * depth);
                c.px[y * w + x] = scale(colour, s);
            }
        }
    }

    fn building(c: &mut Canvas, x0: f32, y0: f32, x1: f32, y1: f32, wall: Rgb, seed: u64) {
        c.rect_shaded(x0, y0, x1, y1, |u, v| {
            scale(wall, 0.92 + 0.12 * (1.0 - v) - 0.08 * u)
        });
        let (cols, rows) = (((x1 - x0) / 34.0) as usize, ((y1 - y0) / 30.0) as usize);
        for r in 0..rows {
            for k in 0..cols {
                let wx = x0 + 8.0 + k as f32 * 34.0;
                let wy = y0 + 8.0 + r as f32 * 30.0;
                if wx + 22.0 > x1 - 4.0 || wy + 18.0 > y1 - 6.0 {
                    continue;
                }
                let lit = hash2(k as i64, r as i64, seed);
                c.rect_shaded(wx, wy, wx + 22.0, wy + 18.0, |u, v| {
                    let sky = mix([120.0, 150.0, 180.0], [60.0, 75.0, 95.0], v);
                    scale(sky, 0.8 + 0.35 * lit + 0.1 * u)
                });
            }
        }
    }

    fn tree(c: &mut Canvas, x: f32, base: f32, size: f32, seed: u64) {
        c.rect_shaded(
            x - size * 0.045,
            base - size * 0.75,
            x + size * 0.045,
            base,
            |u, _| scale([74.0, 60.0, 46.0], 0.7 + 0.5 * u),
        );
        c.shadow(x + size * 0.1, base, size * 0.45, size * 0.06, 0.35);
        // The crown: many small leaf clusters, darker inside and below, lit from the upper left.
        let n = (size * 1.6) as i64;
        for i in 0..n {
            let a = hash2(i, 1, seed) * std::f32::consts::TAU;
            let r = hash2(i, 2, seed).sqrt() * size * 0.5;
            let cx = x + a.cos() * r;
            let cy = base - size * 1.0 + a.sin() * r * 0.75;
            let light = 0.55
                + 0.35 * (-(a.cos() + a.sin()) * r / size).clamp(-0.5, 0.6)
                + 0.3 * hash2(i, 3, seed);
            let leaf = size * (0.05 + 0.06 * hash2(i, 4, seed));
            let hue = mix([52.0, 96.0, 44.0], [96.0, 124.0, 52.0], hash2(i, 5, seed));
            c.ellipse(cx, cy, leaf, leaf * 0.8, scale(hue, light));
        }
    }

    const CLOTHES: &[Rgb] = &[
        [32.0, 36.0, 48.0],
        [24.0, 24.0, 26.0],
        [225.0, 225.0, 222.0],
        [190.0, 40.0, 36.0],
        [60.0, 80.0, 120.0],
        [120.0, 120.0, 125.0],
        [200.0, 170.0, 120.0],
        [40.0, 70.0, 60.0],
        [220.0, 120.0, 40.0],
    ];

    /// People standing between `y_far` and `y_near` (feet), sized by their distance.
    fn people(c: &mut Canvas, n: usize, y_far: f32, y_near: f32, size: f32, seed: u64) {
        let mut ps: Vec<(f32, f32, usize, f32)> = (0..n)
            .map(|i| {
                let d = hash2(i as i64, 7, seed);
                let x = hash2(i as i64, 8, seed) * c.w as f32;
                let k = (hash2(i as i64, 9, seed) * CLOTHES.len() as f32) as usize % CLOTHES.len();
                (
                    x,
                    y_far + (y_near - y_far) * d,
                    k,
                    hash2(i as i64, 10, seed),
                )
            })
            .collect();
        ps.sort_by(|a, b| a.1.total_cmp(&b.1));
        const TROUSERS: &[Rgb] = &[
            [30.0, 32.0, 40.0],
            [50.0, 60.0, 90.0],
            [70.0, 66.0, 60.0],
            [20.0, 20.0, 22.0],
            [120.0, 110.0, 90.0],
        ];
        for (i, (x, feet, k, v)) in ps.into_iter().enumerate() {
            let s = size
                * (0.45 + 0.55 * (feet - y_far) / (y_near - y_far).max(1.0))
                * (0.88 + 0.24 * v);
            let body = CLOTHES[k];
            let legs = TROUSERS[(k + i) % TROUSERS.len()];
            let lean = (v - 0.5) * s * 0.03;
            let hip = feet - s * 0.47;
            let shoulders = feet - s * 0.86;
            c.shadow(x + s * 0.12, feet, s * 0.2, s * 0.035, 0.45);
            // Legs, a little apart; shoes.
            let gap = s * (0.012 + 0.02 * v);
            c.rect_shaded(x - s * 0.085 - gap, hip, x - gap * 0.5, feet, |u, _| {
                scale(legs, 0.75 + 0.35 * (1.0 - u))
            });
            c.rect_shaded(x + gap * 0.5, hip, x + s * 0.085 + gap, feet, |u, _| {
                scale(legs, 0.7 + 0.3 * (1.0 - u))
            });
            c.ellipse(
                x - s * 0.05 - gap,
                feet - s * 0.01,
                s * 0.05,
                s * 0.02,
                [24.0, 22.0, 22.0],
            );
            c.ellipse(
                x + s * 0.05 + gap,
                feet - s * 0.01,
                s * 0.05,
                s * 0.02,
                [24.0, 22.0, 22.0],
            );
            // Torso with rounded shoulders, arms at the sides.
            c.rect_shaded(
                x - s * 0.125 + lean,
                shoulders + s * 0.03,
                x + s * 0.125 + lean,
                hip + s * 0.04,
                |u, v| scale(body, (0.72 + 0.42 * (1.0 - u)) * (1.0 - 0.12 * v)),
            );
            c.ellipse(
                x + lean,
                shoulders + s * 0.045,
                s * 0.125,
                s * 0.045,
                scale(body, 0.95),
            );
            c.rect_shaded(
                x - s * 0.165 + lean,
                shoulders + s * 0.05,
                x - s * 0.115 + lean,
                hip + s * 0.02,
                |u, _| scale(body, 0.62 + 0.3 * u),
            );
            c.rect_shaded(
                x + s * 0.115 + lean,
                shoulders + s * 0.05,
                x + s * 0.165 + lean,
                hip + s * 0.02,
                |u, _| scale(body, 0.55 + 0.2 * (1.0 - u)),
            );
            c.ellipse(
                x - s * 0.14 + lean,
                hip + s * 0.035,
                s * 0.026,
                s * 0.03,
                [200.0, 156.0, 128.0],
            );
            c.ellipse(
                x + s * 0.14 + lean,
                hip + s * 0.035,
                s * 0.026,
                s * 0.03,
                [190.0, 146.0, 120.0],
            );
            // Neck, head, hair (some seen from behind).
            c.rect(
                x - s * 0.025 + lean,
                shoulders - s * 0.03,
                x + s * 0.025 + lean,
                shoulders + s * 0.02,
                [196.0, 152.0, 124.0],
            );
            let back = hash2(i as i64, 11, seed) < 0.55;
            let skin = mix(
                [222.0, 180.0, 150.0],
                [180.0, 134.0, 104.0],
                hash2(i as i64, 12, seed),
            );
            c.ellipse(
                x + lean,
                shoulders - s * 0.085,
                s * 0.062,
                s * 0.078,
                if back { [34.0, 30.0, 28.0] } else { skin },
            );
            c.ellipse(
                x + lean,
                shoulders - s * 0.13,
                s * 0.064,
                s * 0.042,
                [30.0, 27.0, 25.0],
            );
        }
    }

    /// A red banner with yellow (or white) text, sagging a little between its ends.
    /// `(x0, y0, x1, height)`: where the banner hangs.
    fn banner(
        c: &mut Canvas,
        (x0, y0, x1, height): (f32, f32, f32, f32),
        text: &str,
        ink: Rgb,
        seed: u64,
    ) {
        let sag = |x: f32| ((x - x0) / (x1 - x0) * std::f32::consts::PI).sin() * height * 0.12;
        for x in (x0.max(0.0) as usize)..(x1.min(c.w as f32) as usize) {
            let fold = 0.88
                + 0.12 * (((x as f32 - x0) / 37.0).sin() * 0.5 + 0.5)
                + 0.04 * value_noise(x as f32 / 9.0, 0.0, seed);
            let top = y0 + sag(x as f32);
            for y in (top as usize)..((top + height) as usize).min(c.h) {
                let v = (y as f32 - top) / height;
                c.blend(
                    x,
                    y,
                    scale([196.0, 22.0, 26.0], fold * (1.02 - 0.12 * v)),
                    1.0,
                );
            }
        }
        let m = fitted(text, height * 0.62, (x1 - x0) * 0.9, 0.12);
        let tx = x0 + ((x1 - x0) - m.w as f32) / 2.0;
        let ty = y0 + (height - m.h as f32) / 2.0 + height * 0.04;
        c.mask(&m, tx, ty, ink, sag);
    }

    // ---- scenes ----

    fn event(c: &mut Canvas, text: &str, seed: u64, crowd: bool) {
        let (w, h) = (c.w as f32, c.h as f32);
        let horizon = h * 0.5;
        sky(c, horizon, seed, 0.15);
        building(
            c,
            -20.0,
            h * 0.12,
            w * 0.34,
            horizon + 10.0,
            [214.0, 206.0, 192.0],
            seed,
        );
        building(
            c,
            w * 0.7,
            h * 0.2,
            w + 20.0,
            horizon + 10.0,
            [190.0, 196.0, 204.0],
            seed + 1,
        );
        tree(c, w * 0.36, horizon + 20.0, h * 0.28, seed + 2);
        tree(c, w * 0.68, horizon + 18.0, h * 0.25, seed + 3);
        ground(c, horizon + 10.0, [168.0, 160.0, 150.0], seed);
        c.blur(c.w / 400);
        if crowd {
            // Gazebo tents with a red valance.
            for i in 0..3 {
                let x = w * (0.12 + 0.3 * i as f32);
                c.rect_shaded(x, h * 0.34, x + w * 0.24, h * 0.42, |_, v| {
                    scale([245.0, 245.0, 246.0], 0.95 - 0.1 * v)
                });
                c.rect(x, h * 0.42, x + w * 0.24, h * 0.46, [186.0, 26.0, 30.0]);
                c.rect(x + 3.0, h * 0.46, x + 7.0, h * 0.66, [200.0, 200.0, 205.0]);
                c.rect(
                    x + w * 0.24 - 7.0,
                    h * 0.46,
                    x + w * 0.24 - 3.0,
                    h * 0.66,
                    [200.0, 200.0, 205.0],
                );
                c.rect_shaded(x + 10.0, h * 0.56, x + w * 0.24 - 10.0, h * 0.64, |_, v| {
                    scale([40.0, 90.0, 160.0], 1.0 - 0.2 * v)
                });
                let m = fitted(
                    ["政策咨询", "质量检测", "投诉受理"][i],
                    h * 0.03,
                    w * 0.2,
                    0.1,
                );
                c.mask(
                    &m,
                    x + (w * 0.24 - m.w as f32) / 2.0,
                    h * 0.423,
                    [255.0, 240.0, 200.0],
                    |_| 0.0,
                );
            }
            banner(
                c,
                (w * 0.08, h * 0.2, w * 0.92, h * 0.075),
                text,
                [255.0, 226.0, 120.0],
                seed,
            );
            people(c, 70, h * 0.6, h * 1.05, h * 0.42, seed);
        } else {
            // A stage backdrop with the banner across its top.
            let (sx0, sx1) = (w * 0.14, w * 0.86);
            c.rect_shaded(sx0, h * 0.18, sx1, h * 0.62, |u, v| {
                mix(
                    [28.0, 70.0, 150.0],
                    [60.0, 120.0, 200.0],
                    (1.0 - v) * 0.6 + 0.2 * (u * 6.0).sin().abs(),
                )
            });
            banner(
                c,
                (sx0, h * 0.2, sx1, h * 0.1),
                text,
                [255.0, 226.0, 120.0],
                seed,
            );
            let m = fitted("济南市章丘区", h * 0.035, w * 0.4, 0.3);
            c.mask(
                &m,
                (w - m.w as f32) / 2.0,
                h * 0.33,
                [235.0, 240.0, 250.0],
                |_| 0.0,
            );
            c.rect_shaded(sx0 - 10.0, h * 0.62, sx1 + 10.0, h * 0.66, |_, v| {
                scale([120.0, 30.0, 32.0], 1.0 - 0.3 * v)
            });
            // A lectern.
            c.rect_shaded(w * 0.62, h * 0.46, w * 0.68, h * 0.62, |u, _| {
                scale([150.0, 96.0, 60.0], 0.8 + 0.3 * u)
            });
            people(c, 5, h * 0.6, h * 0.62, h * 0.3, seed + 5);
            people(c, 45, h * 0.72, h * 1.08, h * 0.5, seed + 6);
        }
    }

    fn screen(c: &mut Canvas, text: &str, seed: u64) {
        let (w, h) = (c.w as f32, c.h as f32);
        let horizon = h * 0.72;
        sky(c, horizon, seed, 0.3);
        building(
            c,
            w * 0.05,
            h * 0.06,
            w * 0.95,
            horizon + 5.0,
            [200.0, 190.0, 176.0],
            seed,
        );
        c.blur(c.w / 600);
        // The screen: red ground, yellow text, an LED dot grid, a dark frame.
        let (x0, y0, x1, y1) = (w * 0.16, h * 0.16, w * 0.84, h * 0.52);
        c.rect(x0 - 8.0, y0 - 8.0, x1 + 8.0, y1 + 8.0, [40.0, 40.0, 44.0]);
        c.rect_shaded(x0, y0, x1, y1, |u, v| {
            mix([200.0, 20.0, 24.0], [150.0, 10.0, 16.0], 0.3 * v + 0.2 * u)
        });
        let lines: Vec<&str> = text.split('\n').collect();
        let n = lines.len() as f32;
        for (i, l) in lines.iter().enumerate() {
            let m = fitted(l, (y1 - y0) * 0.6 / n, (x1 - x0) * 0.88, 0.08);
            let ty = y0 + (y1 - y0) * (i as f32 + 0.5) / n - m.h as f32 / 2.0;
            c.mask(
                &m,
                x0 + ((x1 - x0) - m.w as f32) / 2.0,
                ty,
                [255.0, 232.0, 90.0],
                |_| 0.0,
            );
        }
        for y in (y0 as usize)..(y1 as usize) {
            for x in (x0 as usize)..(x1 as usize) {
                if x % 3 == 0 || y % 3 == 0 {
                    let p = c.px[y * c.w + x];
                    c.px[y * c.w + x] = scale(p, 0.72);
                }
            }
        }
        // Glow of the screen on the wall below it.
        c.rect_shaded(x0, y1 + 8.0, x1, y1 + 40.0, |_, v| {
            [210.0, 120.0, 100.0 + 0.0 * v]
        });
        ground(c, horizon + 5.0, [130.0, 130.0, 134.0], seed);
        tree(c, w * 0.08, horizon + 40.0, h * 0.35, seed + 2);
        tree(c, w * 0.93, horizon + 50.0, h * 0.38, seed + 3);
        people(c, 14, horizon + 20.0, h * 0.98, h * 0.3, seed + 4);
    }

    fn park(c: &mut Canvas, text: &str, seed: u64) {
        let (w, h) = (c.w as f32, c.h as f32);
        let horizon = h * 0.55;
        sky(c, horizon, seed, 0.05);
        // Factory halls: light wall, blue band, shallow roof.
        for (i, (x0, x1, top)) in [(-0.05, 0.45, 0.3), (0.42, 1.05, 0.25)].iter().enumerate() {
            let (x0, x1, top) = (w * x0, w * x1, h * top);
            c.rect_shaded(x0, top, x1, horizon + 10.0, |u, v| {
                scale([226.0, 228.0, 230.0], 0.88 + 0.1 * (1.0 - v) - 0.06 * u)
            });
            c.rect(x0, top + 14.0, x1, top + 34.0, [30.0, 90.0, 170.0]);
            c.rect(x0, top - 8.0, x1, top, [150.0, 150.0, 156.0]);
            for k in 0..((x1 - x0) / 70.0) as usize {
                let wx = x0 + 20.0 + k as f32 * 70.0;
                c.rect_shaded(wx, top + 60.0, wx + 40.0, top + 100.0, |_, v| {
                    mix([130.0, 160.0, 190.0], [70.0, 90.0, 110.0], v)
                });
            }
            let name = ["章丘高端装备产业园", "智能制造车间"][i];
            let m = fitted(name, h * 0.035, (x1 - x0) * 0.6, 0.1);
            c.mask(
                &m,
                x0 + ((x1 - x0) - m.w as f32) / 2.0,
                top + 44.0 - m.h as f32 + 10.0,
                [200.0, 30.0, 30.0],
                |_| 0.0,
            );
        }
        ground(c, horizon + 10.0, [120.0, 120.0, 118.0], seed);
        c.blur(c.w / 500);
        // A fence with the banner tied to it.
        let fy = horizon + h * 0.08;
        for k in 0..(w as usize / 16) {
            let x = k as f32 * 16.0;
            c.rect(x, fy - h * 0.12, x + 3.0, fy + h * 0.05, [60.0, 62.0, 66.0]);
        }
        c.rect(0.0, fy - h * 0.12, w, fy - h * 0.11, [60.0, 62.0, 66.0]);
        c.rect(0.0, fy + h * 0.03, w, fy + h * 0.04, [60.0, 62.0, 66.0]);
        banner(
            c,
            (w * 0.1, fy - h * 0.1, w * 0.9, h * 0.11),
            text,
            [255.0, 255.0, 255.0],
            seed,
        );
        tree(c, w * 0.04, fy + h * 0.1, h * 0.3, seed + 3);
        tree(c, w * 0.97, fy + h * 0.12, h * 0.34, seed + 4);
        people(c, 4, fy + h * 0.12, h * 0.95, h * 0.35, seed + 5);
    }

    fn board(c: &mut Canvas, text: &str, seed: u64) {
        let (w, h) = (c.w as f32, c.h as f32);
        let horizon = h * 0.5;
        sky(c, horizon, seed, 0.1);
        for i in 0..9 {
            tree(
                c,
                w * (i as f32 / 8.0),
                horizon + 30.0,
                h * (0.4 + 0.15 * hash2(i, 4, seed)),
                seed + i as u64,
            );
        }
        ground(c, horizon + 25.0, [150.0, 144.0, 132.0], seed);
        c.blur(c.w / 400);
        // The board: posts, a blue header with the title, white panels with text lines.
        let (x0, y0, x1, y1) = (w * 0.2, h * 0.22, w * 0.8, h * 0.7);
        c.rect(x0 + 20.0, y1, x0 + 34.0, h * 0.86, [90.0, 92.0, 98.0]);
        c.rect(x1 - 34.0, y1, x1 - 20.0, h * 0.86, [90.0, 92.0, 98.0]);
        c.rect(
            x0 - 6.0,
            y0 - 6.0,
            x1 + 6.0,
            y1 + 6.0,
            [120.0, 122.0, 128.0],
        );
        c.rect_shaded(x0, y0, x1, y1, |u, v| {
            scale([246.0, 244.0, 238.0], 0.9 + 0.08 * (1.0 - u) - 0.04 * v)
        });
        c.rect_shaded(x0, y0, x1, y0 + (y1 - y0) * 0.2, |u, _| {
            mix([20.0, 80.0, 160.0], [30.0, 110.0, 190.0], u)
        });
        let lines: Vec<&str> = text.split('\n').collect();
        let m = fitted(lines[0], (y1 - y0) * 0.12, (x1 - x0) * 0.9, 0.1);
        c.mask(
            &m,
            x0 + ((x1 - x0) - m.w as f32) / 2.0,
            y0 + (y1 - y0) * 0.1 - m.h as f32 / 2.0,
            [255.0, 255.0, 255.0],
            |_| 0.0,
        );
        let cols = 3;
        for k in 0..cols {
            let px0 = x0 + 14.0 + k as f32 * (x1 - x0 - 28.0) / cols as f32;
            let px1 = px0 + (x1 - x0 - 28.0) / cols as f32 - 14.0;
            let top = y0 + (y1 - y0) * 0.26;
            c.rect_shaded(px0, top, px1, top + (y1 - y0) * 0.28, |u, v| {
                mix([110.0, 150.0, 120.0], [180.0, 200.0, 220.0], (u + v) / 2.0)
            });
            if let Some(l) = lines.get(1 + k) {
                let m = fitted(l, (y1 - y0) * 0.06, px1 - px0, 0.05);
                c.mask(&m, px0, top + (y1 - y0) * 0.31, [180.0, 20.0, 24.0], |_| {
                    0.0
                });
            }
            for r in 0..6 {
                let ly = top + (y1 - y0) * (0.42 + 0.045 * r as f32);
                let len = (px1 - px0) * (0.6 + 0.4 * hash2(k as i64, r, seed));
                c.rect(px0, ly, px0 + len, ly + 3.0, [90.0, 90.0, 96.0]);
            }
        }
        people(c, 6, h * 0.78, h * 1.02, h * 0.45, seed + 7);
    }

    /// Lens fall-off, a slight blur (the sharp drawing softened) and sensor noise.
    fn finish(c: &mut Canvas) -> image::RgbImage {
        let (w, h) = (c.w, c.h);
        let src = c.px.clone();
        let mut img = image::RgbImage::new(w as u32, h as u32);
        for y in 0..h {
            for x in 0..w {
                let mut acc = [0.0f32; 3];
                let mut n = 0.0;
                for (dx, dy, k) in [
                    (0i64, 0i64, 4.0f32),
                    (-1, 0, 1.0),
                    (1, 0, 1.0),
                    (0, -1, 1.0),
                    (0, 1, 1.0),
                ] {
                    let (sx, sy) = (
                        (x as i64 + dx).clamp(0, w as i64 - 1) as usize,
                        (y as i64 + dy).clamp(0, h as i64 - 1) as usize,
                    );
                    let p = src[sy * w + sx];
                    for i in 0..3 {
                        acc[i] += p[i] * k;
                    }
                    n += k;
                }
                let (u, v) = (x as f32 / w as f32 - 0.5, y as f32 / h as f32 - 0.5);
                let vignette = 1.0 - 0.42 * (u * u + v * v) * 2.0;
                // Sunlight from the upper left, uneven across the frame.
                let light = 1.06 - 0.1 * (u + v)
                    + 0.06 * (value_noise(x as f32 / 300.0, y as f32 / 300.0, 77) - 0.5);
                let grain = (c.rand() - 0.5) * 10.0;
                let px: Vec<u8> = (0..3)
                    .map(|i| {
                        let lin = (acc[i] / n * vignette * light * [1.03, 1.0, 0.95][i] / 255.0)
                            .clamp(0.0, 1.0);
                        // A gentle S-curve: a camera's contrast.
                        let t = 0.5 + 0.5 * ((lin - 0.5) * 2.4).tanh() / 1.2f32.tanh();
                        (t * 255.0 + grain + (c.rand() - 0.5) * 3.0).clamp(0.0, 255.0) as u8
                    })
                    .collect();
                img.put_pixel(x as u32, y as u32, image::Rgb([px[0], px[1], px[2]]));
            }
        }
        img
    }

    /// A JPEG of `scene` with `text` on its banner, screen or board.
    pub fn render(
        scene: Scene,
        text: &str,
        seed: u64,
        (w, h): (usize, usize),
        quality: u8,
    ) -> Vec<u8> {
        let mut c = Canvas::new(w, h, seed);
        match scene {
            Scene::Event => event(&mut c, text, seed, false),
            Scene::Crowd => event(&mut c, text, seed, true),
            Scene::Screen => screen(&mut c, text, seed),
            Scene::Banner => park(&mut c, text, seed),
            Scene::Board => board(&mut c, text, seed),
        }
        let img = finish(&mut c);
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(&img)
            .expect("encode jpeg");
        out
    }

    /// An evidence photograph named `name` of `what` (the publicity record's content).
    pub fn evidence_photo(name: &str, what: &str, slogan: &str) -> Vec<u8> {
        let seed = name.bytes().fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        });
        let all = format!("{name}{what}");
        let (scene, text) = if all.contains("显示屏") {
            (Scene::Screen, format!("创建山东省质量强区\n{slogan}"))
        } else if all.contains("横幅") {
            (Scene::Banner, format!("全力创建山东省质量强区　{slogan}"))
        } else if all.contains("展板") {
            (
                Scene::Board,
                "质量文化宣传\n质量强区\n标准引领\n品牌建设".to_string(),
            )
        } else {
            (Scene::Event, what.to_string())
        };
        render(scene, &text, seed, (1200, 800), 80)
    }
}
