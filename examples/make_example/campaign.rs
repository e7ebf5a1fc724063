//! Writes the example campaign from `examples/zhangqiu/facts.json`:
//!
//! - `input/<unit.id>.xlsx`: every unit's fill-in workbook, filled with its facts;
//! - `input/evidence/<unit.id>/<file>`: a small placeholder for every evidence file named
//!   (spreadsheets are written as their final statistical tables); the evidence part then
//!   replaces the PDF and JPG placeholders with typeset PDFs and photographs, and writes
//!   the documents cited by 文号;
//! - `examples/problems/`: workbooks with deliberate problems, to show what `check` says.
//!
//! Once all evidence exists, [`check`] ingests and checks `input/` and fails if the clean
//! example has any error.

use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use zhiliang_core::Setup;
use zhiliang_core::diagnostics::{Code, Severity, render_for_people};
use zhiliang_core::facts::{FactsFile, Submission, Value};
use zhiliang_workbook::evidence::{is_doc_number, split_evidence};
use zhiliang_workbook::forms::{FillOptions, fill_form_with};

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
        format!("<< /Title <FEFF{title}> /Producer (zhiliang make_example) >>"),
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

/// The example facts, for the evidence spreadsheets (statistical tables whose totals are
/// the figures the workbooks report).
static EXAMPLE_FACTS: std::sync::OnceLock<FactsFile> = std::sync::OnceLock::new();

/// A small stable hash (FNV-1a): the tables' rows do not change between runs.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// `total` split into `n` plausible parts (weights from `seed`), rounded to `dp` decimal
/// places; the parts add up to `total` exactly.
fn split(total: Decimal, n: usize, dp: u32, seed: u64) -> Vec<Decimal> {
    let weights: Vec<u64> = (0..n as u64)
        .map(|i| 40 + (stable_hash(&format!("{seed}-{i}")) % 100))
        .collect();
    let sum: u64 = weights.iter().sum();
    let mut parts: Vec<Decimal> = weights
        .iter()
        .map(|w| (total * Decimal::from(*w) / Decimal::from(sum)).round_dp(dp))
        .collect();
    let rest = total - parts.iter().copied().sum::<Decimal>();
    if let Some(first) = parts.first_mut() {
        *first += rest;
    }
    parts
}

/// A count `k` of `of` spread over parts as large as `of`'s parts (k ≤ of).
fn split_within(parts: &[Decimal], k: Decimal, of: Decimal) -> Vec<Decimal> {
    let mut out: Vec<Decimal> = parts
        .iter()
        .map(|p| {
            if of.is_zero() {
                Decimal::ZERO
            } else {
                (*p * k / of).floor()
            }
        })
        .collect();
    let mut rest = k - out.iter().copied().sum::<Decimal>();
    for (o, p) in out.iter_mut().zip(parts) {
        while rest > Decimal::ZERO && *o < *p {
            *o += Decimal::ONE;
            rest -= Decimal::ONE;
        }
    }
    out
}

const STREETS: &[&str] = &[
    "明水街道",
    "双山街道",
    "枣园街道",
    "龙山街道",
    "埠村街道",
    "圣井街道",
    "普集街道",
    "绣惠街道",
    "相公庄街道",
    "文祖街道",
    "官庄街道",
    "高官寨街道",
    "白云湖街道",
    "宁家埠街道",
    "曹范街道",
    "刁镇街道",
    "垛庄镇",
    "黄河镇",
];

/// One evidence table: title, unit line, header, rows, 合计.
struct Sheet {
    title: String,
    left: String,
    right: String,
    header: Vec<String>,
    widths: Vec<f64>,
    rows: Vec<Vec<String>>,
    total: Option<Vec<String>>,
}

impl Sheet {
    /// Numbered rows: 序号, the label, one number from each of `cols`, then `extra(row)`;
    /// the 合计 row sums `cols`.
    fn table(
        &mut self,
        labels: &[&str],
        header: &[&str],
        widths: &[f64],
        cols: &[Vec<Decimal>],
        extra: &dyn Fn(usize) -> Vec<String>,
    ) {
        self.header = header.iter().map(ToString::to_string).collect();
        self.widths = widths.to_vec();
        for (i, l) in labels.iter().enumerate() {
            let mut row = vec![(i + 1).to_string(), l.to_string()];
            row.extend(cols.iter().map(|c| c[i].normalize().to_string()));
            row.extend(extra(i));
            self.rows.push(row);
        }
        let mut total = vec!["合计".to_string(), String::new()];
        total.extend(
            cols.iter()
                .map(|c| c.iter().copied().sum::<Decimal>().normalize().to_string()),
        );
        self.total = Some(total);
    }

    /// A [`table`](Sheet::table) whose last column is a rate: each row's `cols[done]` as a
    /// percentage of its `cols[of]`; the 合计 row's rate is `total_rate` (numerator,
    /// denominator: the rate the workbook reports), or left empty.
    fn rate_table(
        &mut self,
        labels: &[&str],
        header: &[&str],
        widths: &[f64],
        cols: &[Vec<Decimal>],
        (done, of): (usize, usize),
        total_rate: Option<(Decimal, Decimal)>,
    ) {
        let rates: Vec<String> = (0..labels.len())
            .map(|i| pct(cols[done][i], cols[of][i]))
            .collect();
        self.table(labels, header, widths, cols, &|i| vec![rates[i].clone()]);
        if let (Some(t), Some((num, den))) = (&mut self.total, total_rate) {
            t.push(pct(num, den));
        }
    }
}

fn pct(a: Decimal, b: Decimal) -> String {
    if b.is_zero() {
        "—".into()
    } else {
        format!("{}%", (a * Decimal::from(100) / b).round_dp(1))
    }
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// The statistical table an evidence spreadsheet holds, from the facts that cite it.
fn evidence_sheet(unit: &str, name: &str) -> Sheet {
    let seed = stable_hash(name);
    let facts = EXAMPLE_FACTS.get().expect("facts loaded");
    let cited: BTreeMap<String, Value> = facts
        .submissions
        .iter()
        .filter(|s| s.unit == unit)
        .flat_map(|s| &s.scalars)
        .filter(|f| f.evidence.as_deref().is_some_and(|e| e.contains(name)))
        .map(|f| (f.key.clone(), f.value.clone()))
        .collect();
    let number = |k: &str| cited.get(k).and_then(Value::as_number);
    let rate = |k: &str| match cited.get(k) {
        Some(Value::Rate { num, den }) => Some((*num, *den)),
        _ => None,
    };
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let year: String = stem.chars().filter(char::is_ascii_digit).take(4).collect();
    let year = if year.len() == 4 { year } else { "2022".into() };
    let mut sh = Sheet {
        title: format!("章丘区{}", stem.split('-').next().unwrap_or(stem)),
        left: format!("填报单位：济南市章丘{unit}"),
        right: format!("统计时间：{year}年"),
        header: Vec::new(),
        widths: Vec::new(),
        rows: Vec::new(),
        total: None,
    };
    if name.starts_with("双随机抽查结果汇总") {
        let found = number("violations_found").unwrap_or_default();
        let handled = number("violations_handled").unwrap_or(found);
        let items: &[&str] = &[
            "行政许可事项事后监管",
            "安全生产主体责任落实",
            "企业信息公示情况",
            "资质资格条件保持",
            "从业人员持证上岗",
            "经营场所和设施设备",
            "收费和价格行为",
            "服务质量和承诺履行",
            "投诉举报处理机制",
            "档案和台账管理",
            "广告和宣传行为",
            "统计数据报送质量",
        ];
        let n = 10 + (seed % 3) as usize;
        let objects = split(Decimal::from(180 + seed % 400), n, 0, seed);
        let f = split_within(&objects, found, objects.iter().copied().sum());
        let h = split_within(&f, handled, found);
        sh.rate_table(
            &items[..n],
            &[
                "序号",
                "抽查事项",
                "抽查对象（户）",
                "发现违法违规行为（件）",
                "已依法处置（件）",
                "处置率",
            ],
            &[6.0, 26.0, 14.0, 20.0, 16.0, 10.0],
            &[objects, f, h],
            (2, 1),
            Some((handled, found)),
        );
        sh.title = format!("“双随机、一公开”抽查结果汇总表（{year}年）");
        return sh;
    }
    if let Some((num, den)) = rate("class_a_verification_coverage") {
        let items = [
            "加油机",
            "出租汽车计价器",
            "电子计价秤",
            "血压计（表）",
            "心电图仪",
            "压力表",
            "燃气表",
            "电能表",
            "水表",
            "眼镜片顶焦度计",
            "验光仪",
            "声级计",
            "呼出气体酒精含量探测器",
            "机动车测速仪",
        ];
        let n = den
            .to_string()
            .parse::<usize>()
            .unwrap_or(12)
            .clamp(1, items.len());
        let counts = split(Decimal::from(900 + seed % 900), n, 0, seed);
        let done = split_within(&vec![Decimal::ONE; n], num, den);
        sh.header = [
            "序号",
            "A类强制检定项目",
            "承检机构",
            "是否开展",
            "检定数量（台件）",
        ]
        .map(String::from)
        .to_vec();
        sh.widths = vec![6.0, 26.0, 26.0, 10.0, 16.0];
        for i in 0..n {
            let on = done[i] > Decimal::ZERO;
            sh.rows.push(vec![
                (i + 1).to_string(),
                items[i].into(),
                "章丘区计量检定所".into(),
                if on { "是" } else { "否" }.into(),
                if on {
                    counts[i].to_string()
                } else {
                    "0".into()
                },
            ]);
        }
        sh.total = Some(vec![
            "合计".into(),
            format!("{n}项"),
            String::new(),
            format!("开展{}项", num.normalize()),
            String::new(),
        ]);
        sh.title = format!("A类强制检定项目开展情况统计表（{year}年）");
        return sh;
    }
    if let Some((num, den)) = rate("instrument_verification_rate") {
        let items = [
            "加油机",
            "电子计价秤",
            "出租汽车计价器",
            "血压计（表）",
            "压力表",
            "燃气表",
            "电能表",
            "水表",
            "心电图仪",
            "验光仪",
            "声级计",
            "称重传感器类衡器",
            "轮胎压力表",
            "医用注射泵",
        ];
        let applied = split(den, items.len(), 0, seed);
        let done = split_within(&applied, num, den);
        sh.rate_table(
            &items,
            &[
                "序号",
                "计量器具类别",
                "申请检定（台件）",
                "已检定（台件）",
                "检定率",
            ],
            &[6.0, 24.0, 16.0, 16.0, 10.0],
            &[applied, done],
            (1, 0),
            Some((num, den)),
        );
        sh.title = format!("申请强制检定的工作计量器具检定情况统计表（{year}年）");
        return sh;
    }
    if let Some((num, den)) = rate("energy_metrology_review_coverage") {
        let items = [
            "通用设备制造业",
            "专用设备制造业",
            "汽车制造业",
            "金属制品业",
            "非金属矿物制品业",
            "化学原料和化学制品制造业",
            "黑色金属冶炼和压延加工业",
            "橡胶和塑料制品业",
            "农副食品加工业",
            "电力、热力生产和供应业",
            "造纸和纸制品业",
            "纺织业",
        ];
        let units = split(den, items.len(), 0, seed);
        let done = split_within(&units, num, den);
        sh.rate_table(
            &items,
            &[
                "序号",
                "行业",
                "重点用能单位（家）",
                "已审查（家）",
                "覆盖率",
            ],
            &[6.0, 30.0, 18.0, 14.0, 10.0],
            &[units, done],
            (1, 0),
            Some((num, den)),
        );
        sh.title = "重点用能单位能源计量审查统计表（2021—2022年）".into();
        sh.right = "统计时间：2021年1月—2022年6月".into();
        return sh;
    }
    if let Some((num, den)) = rate("drug_inspection_coverage") {
        let items: Vec<&str> = STREETS.to_vec();
        let all = split(den, items.len(), 0, seed);
        let done = split_within(&all, num, den);
        let found = split(Decimal::from(20 + seed % 30), items.len(), 0, seed + 1);
        sh.rate_table(
            &items,
            &[
                "序号",
                "街道（镇）",
                "药品经营使用单位（家）",
                "已检查（家）",
                "发现问题（个）",
                "覆盖率",
            ],
            &[6.0, 16.0, 22.0, 14.0, 14.0, 10.0],
            &[all, done, found],
            (1, 0),
            Some((num, den)),
        );
        sh.title = format!("药品监督检查台账汇总表（{year}年）");
        return sh;
    }
    if let Some((num, den)) =
        rate("green_design_standard_rate").or_else(|| rate("smart_site_online_rate"))
    {
        let green = cited.contains_key("green_design_standard_rate");
        let items: Vec<&str> = STREETS[..16].to_vec();
        let all = split(den, items.len(), 0, seed);
        let done = split_within(&all, num, den);
        if green {
            sh.rate_table(
                &items,
                &[
                    "序号",
                    "街道（镇）",
                    "新开工项目（个）",
                    "执行绿色建筑设计标准（个）",
                    "执行率",
                ],
                &[6.0, 16.0, 18.0, 26.0, 10.0],
                &[all, done],
                (1, 0),
                Some((num, den)),
            );
            sh.title = format!("新开工项目绿色建筑设计审查台账汇总表（{year}年）");
        } else {
            sh.rate_table(
                &items,
                &[
                    "序号",
                    "街道（镇）",
                    "在监工程项目（个）",
                    "已接入智慧工地平台（个）",
                    "上线率",
                ],
                &[6.0, 16.0, 20.0, 24.0, 10.0],
                &[all, done],
                (1, 0),
                Some((num, den)),
            );
            sh.title = "在监工程项目智慧工地平台上线情况统计表".into();
            sh.right = "统计时间：2022年6月30日".into();
        }
        return sh;
    }
    if let Some(total) = number("honest_metrology_units") {
        let kinds = split(total, 5, 0, seed);
        let cols: Vec<Vec<Decimal>> = kinds
            .iter()
            .enumerate()
            .map(|(k, t)| split(*t, STREETS.len(), 0, seed + k as u64 + 1))
            .collect();
        let sums: Vec<String> = (0..STREETS.len())
            .map(|i| cols.iter().map(|c| c[i]).sum::<Decimal>().to_string())
            .collect();
        sh.table(
            STREETS,
            &[
                "序号",
                "街道（镇）",
                "集贸市场",
                "商场超市",
                "加油站",
                "眼镜店",
                "医疗机构",
                "小计",
            ],
            &[6.0, 16.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
            &cols,
            &|i| vec![sums[i].clone()],
        );
        if let Some(t) = &mut sh.total {
            t.push(total.to_string());
        }
        sh.title = format!("诚信计量示范单位统计表（{year}年）");
        sh.right = "单位：家".into();
        return sh;
    }
    if let Some(total) =
        number("certification_helped_smes_y1").or_else(|| number("certification_helped_smes_y2"))
    {
        let helped = split(total, STREETS.len(), 0, seed);
        let certified = split_within(&helped, (total * d("0.85")).round(), total);
        sh.rate_table(
            STREETS,
            &[
                "序号",
                "街道（镇）",
                "帮扶中小企业（家）",
                "帮扶后获证（家）",
                "获证率",
            ],
            &[6.0, 16.0, 20.0, 18.0, 10.0],
            &[helped, certified],
            (1, 0),
            None,
        );
        sh.title = format!("质量管理体系认证提升行动帮扶企业台账汇总表（{year}年）");
        return sh;
    }
    if let Some(total) =
        number("voluntary_certificates_y1").or_else(|| number("voluntary_certificates_y2"))
    {
        let items = [
            "质量管理体系认证",
            "环境管理体系认证",
            "职业健康安全管理体系认证",
            "能源管理体系认证",
            "食品安全管理体系认证",
            "危害分析与关键控制点（HACCP）认证",
            "知识产权管理体系认证",
            "信息安全管理体系认证",
            "服务认证",
            "有机产品认证",
            "绿色产品认证",
            "节能产品认证",
            "其他自愿性认证",
        ];
        let certs = split(total, items.len(), 0, seed);
        let orgs: Vec<Decimal> = certs.iter().map(|c| (*c * d("0.8")).round()).collect();
        sh.table(
            &items,
            &["序号", "认证类别", "有效证书（张）", "获证组织（家）"],
            &[6.0, 34.0, 16.0, 16.0],
            &[certs, orgs],
            &|_| Vec::new(),
        );
        sh.title = format!("自愿性认证有效证书统计表（{year}年末）");
        return sh;
    }
    if cited.contains_key("complaint_channel") {
        let items = [
            "产品质量",
            "食品安全",
            "药品医疗器械",
            "特种设备",
            "计量",
            "价格收费",
            "广告宣传",
            "商品房质量",
            "装饰装修",
            "家电维修",
            "汽车及配件",
            "预付式消费",
            "网络购物",
            "其他",
        ];
        let got = split(Decimal::from(1200 + seed % 600), items.len(), 0, seed);
        let done = split_within(
            &got,
            got.iter().copied().sum::<Decimal>() - Decimal::from(seed % 7),
            got.iter().copied().sum(),
        );
        // No rate is reported: the 合计 row's is that of the column sums.
        let total_rate = (done.iter().copied().sum(), got.iter().copied().sum());
        sh.rate_table(
            &items,
            &["序号", "投诉类别", "受理（件）", "办结（件）", "办结率"],
            &[6.0, 22.0, 14.0, 14.0, 10.0],
            &[got, done],
            (1, 0),
            Some(total_rate),
        );
        sh.title = "12345热线及12315平台质量投诉办结情况统计表（2022年1—6月）".into();
        return sh;
    }
    if let Some(total) = number("invention_patents") {
        let items = [
            "通用设备",
            "专用设备",
            "汽车及零部件",
            "新材料",
            "化学化工",
            "电子信息",
            "电气机械",
            "生物医药",
            "食品加工",
            "农业",
            "建筑材料",
            "环境保护",
            "计量测试",
            "其他",
        ];
        let all = split(total, items.len(), 0, seed);
        let firms = split_within(&all, (total * d("0.78")).round(), total);
        sh.table(
            &items,
            &[
                "序号",
                "技术领域",
                "有效发明专利（件）",
                "其中企业拥有（件）",
            ],
            &[6.0, 22.0, 18.0, 18.0],
            &[all, firms],
            &|_| Vec::new(),
        );
        sh.title = format!("有效发明专利拥有量统计表（{year}年末）");
        return sh;
    }
    if let (Some(all), Some(high)) = (number("industrial_output"), number("hightech_output")) {
        let items = [
            "通用设备制造业",
            "专用设备制造业",
            "汽车制造业",
            "金属制品业",
            "非金属矿物制品业",
            "化学原料和化学制品制造业",
            "黑色金属冶炼和压延加工业",
            "电气机械和器材制造业",
            "计算机、通信和其他电子设备制造业",
            "橡胶和塑料制品业",
            "农副食品加工业",
            "食品制造业",
            "纺织业",
            "电力、热力生产和供应业",
            "其他行业",
        ];
        let out = split(all, items.len(), 1, seed);
        let hi = {
            let mut v: Vec<Decimal> = out.iter().map(|o| (*o * high / all).round_dp(1)).collect();
            let rest = high - v.iter().copied().sum::<Decimal>();
            v[0] += rest;
            v
        };
        let firms = split(Decimal::from(420 + seed % 60), items.len(), 0, seed + 1);
        sh.table(
            &items,
            &[
                "序号",
                "行业",
                "企业数（家）",
                "工业总产值（亿元）",
                "其中高新技术产业产值（亿元）",
            ],
            &[6.0, 34.0, 12.0, 18.0, 26.0],
            &[firms, out, hi],
            &|_| Vec::new(),
        );
        sh.title = format!("规模以上工业主要指标统计表（{year}年）");
        return sh;
    }
    if let Some(total) = number("tech_transaction_value") {
        let items = [
            "先进制造",
            "电子信息",
            "新材料及其应用",
            "生物、医药和医疗器械",
            "现代农业",
            "新能源与高效节能",
            "环境保护与资源综合利用",
            "城市建设与社会发展",
            "现代交通",
            "航空航天",
            "核应用",
            "其他",
        ];
        let wan = total * Decimal::from(10000);
        let value = split(wan, items.len(), 0, seed);
        let contracts = split(Decimal::from(180 + seed % 90), items.len(), 0, seed + 1);
        sh.table(
            &items,
            &["序号", "技术领域", "合同数（项）", "成交额（万元）"],
            &[6.0, 28.0, 14.0, 18.0],
            &[contracts, value],
            &|_| Vec::new(),
        );
        sh.title = format!("技术合同登记情况统计表（{year}年）");
        return sh;
    }
    if let (Some(count), Some(revenue)) = (number("service_enterprises"), number("service_revenue"))
    {
        let items = [
            "交通运输、仓储和邮政业",
            "信息传输、软件和信息技术服务业",
            "房地产业（不含房地产开发经营）",
            "租赁和商务服务业",
            "科学研究和技术服务业",
            "水利、环境和公共设施管理业",
            "居民服务、修理和其他服务业",
            "教育",
            "卫生和社会工作",
            "文化、体育和娱乐业",
        ];
        let n = split(count, items.len(), 0, seed);
        let r = split(revenue, items.len(), 1, seed);
        let growth: Vec<String> = (0..items.len())
            .map(|i| {
                format!(
                    "{:.1}",
                    3.0 + (stable_hash(&format!("{seed}{i}")) % 120) as f64 / 10.0
                )
            })
            .collect();
        sh.table(
            &items,
            &[
                "序号",
                "行业门类",
                "企业数（家）",
                "营业收入（亿元）",
                "同比增长（%）",
            ],
            &[6.0, 34.0, 12.0, 18.0, 14.0],
            &[n, r],
            &|i| vec![growth[i].clone()],
        );
        sh.title = format!("规模以上服务业企业主要指标统计表（{year}年）");
        return sh;
    }
    if let Some(total) =
        number("quality_funding_total_y0").or_else(|| number("quality_funding_total_y1"))
    {
        // The funding records of every unit (the 2022 budget items), scaled to the year.
        let items: Vec<(String, String, String, Decimal)> = facts
            .submissions
            .iter()
            .flat_map(|s| s.records.iter().map(move |r| (s, r)))
            .filter(|(_, r)| r.list == "funding")
            .filter_map(|(s, r)| {
                Some((
                    s.unit.clone(),
                    r.text("field")?.to_string(),
                    r.text("item")?.to_string(),
                    r.get("amount")?.as_number()?,
                ))
            })
            .collect();
        let sum: Decimal = items.iter().map(|i| i.3).sum();
        let mut amounts: Vec<Decimal> = items
            .iter()
            .map(|i| {
                if sum.is_zero() {
                    i.3
                } else {
                    (i.3 * total / sum).round()
                }
            })
            .collect();
        let rest = total - amounts.iter().copied().sum::<Decimal>();
        if let Some(a) = amounts.first_mut() {
            *a += rest;
        }
        sh.header = ["序号", "项目名称", "经费领域", "主管部门", "金额（万元）"]
            .map(String::from)
            .to_vec();
        sh.widths = vec![6.0, 28.0, 12.0, 18.0, 14.0];
        for (i, ((u, f, it, _), a)) in items.iter().zip(&amounts).enumerate() {
            sh.rows.push(vec![
                (i + 1).to_string(),
                it.clone(),
                f.clone(),
                u.clone(),
                a.to_string(),
            ]);
        }
        sh.total = Some(vec![
            "合计".into(),
            String::new(),
            String::new(),
            String::new(),
            total.to_string(),
        ]);
        sh.title = format!("{year}年质量工作经费统计表");
        sh.left = "填报单位：济南市章丘区财政局".into();
        sh.right = "金额单位：万元".into();
        return sh;
    }
    // Anything else: a register of the unit's work this year.
    let items: Vec<String> = (1..=12).map(|m| format!("{year}年{m}月")).collect();
    let labels: Vec<&str> = items.iter().map(String::as_str).collect();
    let count = split(Decimal::from(120 + seed % 200), 12, 0, seed);
    let done = split_within(
        &count,
        count.iter().copied().sum(),
        count.iter().copied().sum(),
    );
    sh.table(
        &labels,
        &["序号", "月份", "登记（件）", "办结（件）"],
        &[6.0, 16.0, 14.0, 14.0],
        &[count, done],
        &|_| Vec::new(),
    );
    sh
}

fn placeholder_xlsx(unit: &str, name: &str) -> Vec<u8> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};
    let sh = evidence_sheet(unit, name);
    let mut wb = rust_xlsxwriter::Workbook::new();
    // Fixed creation time: regenerating gives byte-identical files.
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 7, 20).expect("date");
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let ws = wb.add_worksheet();
    ws.set_name("统计表").expect("sheet name");
    let cols = sh.header.len() as u16;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let head = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(rust_xlsxwriter::Color::RGB(0xE8E8E8));
    let total = cell.clone().set_bold();
    let number = cell.clone().set_align(FormatAlign::Right);
    let total_number = total.clone().set_align(FormatAlign::Right);
    ws.merge_range(0, 0, 0, cols - 1, &sh.title, &title)
        .expect("title");
    ws.set_row_height(0, 30).expect("row height");
    ws.write_string(1, 0, &sh.left).expect("write");
    ws.write_string(1, cols - 1, &sh.right).expect("write");
    for (c, (h, w)) in sh.header.iter().zip(&sh.widths).enumerate() {
        ws.write_string_with_format(2, c as u16, h, &head)
            .expect("write");
        ws.set_column_width(c as u16, *w).expect("width");
    }
    let mut r = 3;
    let write_row = |ws: &mut rust_xlsxwriter::Worksheet,
                     r: u32,
                     row: &[String],
                     text: &Format,
                     num: &Format| {
        for (c, v) in row.iter().enumerate() {
            // Numbers as numbers (the 序号 too), everything else as text.
            match v.parse::<f64>() {
                Ok(n) if !v.is_empty() => ws.write_number_with_format(r, c as u16, n, num),
                _ => ws.write_string_with_format(r, c as u16, v, text),
            }
            .expect("write");
        }
    };
    for row in &sh.rows {
        write_row(ws, r, row, &cell, &number);
        r += 1;
    }
    if let Some(t) = &sh.total {
        write_row(ws, r, t, &total, &total_number);
        r += 1;
    }
    ws.write_string(
        r + 1,
        0,
        format!(
            "单位负责人：　　　　审核人：　　　　填表人：　　　　填报日期：2022年7月{}日",
            5 + stable_hash(name) % 10
        ),
    )
    .expect("write");
    ws.write_string(
        r + 2,
        0,
        "（示例材料：数据为虚构，仅用于演示证明材料汇编。）",
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

/// Writes the workbooks and placeholder evidence of `input/` and `examples/problems/`.
pub fn write_workbooks(root: &Path, setup: &Setup, facts: &FactsFile) {
    let roster = &setup.roster;
    let _ = EXAMPLE_FACTS.set(facts.clone());

    // 1. The clean example campaign.
    let input = root.join("input");
    let _ = std::fs::remove_dir_all(input.join("evidence"));
    // Facts a lead unit has nothing to report for (the example is realistic, not perfect):
    // found by a first pass, then explained in 备注 so that the office sees why.
    let mut notes: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for pass in 0..2 {
        for sub in &facts.submissions {
            let unit = roster
                .resolve(&sub.unit)
                .unwrap_or_else(|| panic!("unknown unit {}", sub.unit));
            let options = FillOptions {
                notes: notes.get(&unit.name).cloned().unwrap_or_default(),
                ..Default::default()
            };
            let bytes = fill_form_with(setup, unit, sub, &options).expect("fill form");
            write(&input.join(format!("{}.xlsx", unit.id)), &bytes);
            write_evidence(&input, &unit.id, &unit.name, &evidence_files(sub), None);
        }
        if pass == 0 {
            let report = zhiliang_workbook::ingest(&input, setup);
            let diags = zhiliang_workbook::check(setup, &report, &input.join("evidence"));
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
        let bytes = fill_form_with(setup, unit, sub, &options).expect("fill form");
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
    // "revised" workbook of the same unit with that rate corrected to 98/100, sent without
    // withdrawing the first (duplicate submission: two different answers, neither used).
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
    let bytes = fill_form_with(setup, zhujian, &sub, &options).expect("fill");
    write(&problems.join("zhujian.xlsx"), &bytes);
    let mut revised = sub.clone();
    for f in &mut revised.scalars {
        if f.key == "green_design_standard_rate" {
            f.value = Value::Rate {
                num: Decimal::from(98),
                den: Decimal::from(100),
            };
        }
    }
    let revised = fill_form_with(setup, zhujian, &revised, &options).expect("fill");
    write(&problems.join("zhujian-修改版.xlsx"), &revised);
    // 区生态环境分局 sends its form twice, byte for byte (a second download's "(1)"): a
    // redundant copy, read once, with a warning.
    let shengtai = std::fs::read(problems.join("shengtai.xlsx")).expect("shengtai.xlsx");
    write(&problems.join("shengtai (1).xlsx"), &shengtai);
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
    let bytes = fill_form_with(setup, tongji, &sub, &options).expect("fill");
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
    let bytes = fill_form_with(setup, scjg, &sub, &options).expect("fill");
    write(&problems.join("shichangjianguan.xlsx"), &bytes);
    write_evidence(&problems, &scjg.id, &scjg.name, &evidence_files(&sub), None);

    // A workbook whose cover names a unit that is not on the task force.
    let weijian = unit_of("区卫健局");
    let options = FillOptions {
        cover_unit: Some("区气象局".into()),
        ..Default::default()
    };
    let bytes = fill_form_with(setup, weijian, &sub_of("区卫健局"), &options).expect("fill");
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
}

/// Checks both folders once all their evidence exists: `input/` must have no error (the
/// documents cited by 文号 included); what `check` says about `examples/problems/` is
/// printed for a look.
pub fn check(root: &Path, setup: &Setup) {
    let input = root.join("input");
    let report = zhiliang_workbook::ingest(&input, setup);
    let diags = zhiliang_workbook::check(setup, &report, &input.join("evidence"));
    print!("{}", render_for_people(&diags));
    assert!(
        diags.iter().all(|d| d.severity != Severity::Error),
        "the example campaign must check clean"
    );

    let problems = root.join("examples/problems");
    let report = zhiliang_workbook::ingest(&problems, setup);
    let diags = zhiliang_workbook::check(setup, &report, &problems.join("evidence"));
    print!("{}", render_for_people(&diags));
}
