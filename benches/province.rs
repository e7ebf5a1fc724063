//! Benchmark of the multi-county mode at province scale.
//!
//! ```text
//! cargo bench --bench province [-- --counties 136] [--root DIR] [--jobs N]
//! ```
//!
//! Generates N synthetic counties in a temporary folder — copies of the example campaign
//! (`ROOT/input`) whose returned workbooks differ deterministically in a few numeric facts
//! (装配式建筑产业基地, 规上服务业企业数及营收, 发明专利, 能耗降低率, 高新技术产值, 认证,
//! 技术交易额), written back through the workbook fill/ingest functions the way a unit
//! would return them — then times one `province` run over all of them: read + check,
//! scoring (benchmarks and rescoring), rendering all N × 3 PDFs, writing. Not a test.

use anyhow::{Context, Result, bail};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zhiliang::fsutil::copy_tree;
use zhiliang::project::Project;
use zhiliang::province::{ProvinceOptions, run_province};
use zhiliang_core::facts::Value;
use zhiliang_workbook::forms::{FillOptions, fill_form_with};

/// The facts varied per county.
const VARIED: [&str; 9] = [
    "prefab_industry_bases",
    "service_enterprises",
    "service_revenue",
    "invention_patents",
    "energy_intensity_reduction",
    "hightech_output",
    "certification_helped_smes_y1",
    "voluntary_certificates_y1",
    "tech_transaction_value",
];

fn main() -> Result<()> {
    let mut root = PathBuf::from(".");
    let mut n = 136usize;
    let mut jobs = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => root = PathBuf::from(args.next().context("--root needs a folder")?),
            "--counties" => n = args.next().context("--counties needs a number")?.parse()?,
            "--jobs" => jobs = Some(args.next().context("--jobs needs a number")?.parse()?),
            "--bench" => {} // passed by `cargo bench`
            other => bail!("unknown argument {other}"),
        }
    }
    let root = root.canonicalize().context("project folder")?;
    let work = tempfile::tempdir()?;
    let counties = work.path().join("counties");
    let out = work.path().join("out");

    let t = Instant::now();
    generate(&root, &counties, n)?;
    let generated = t.elapsed();

    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!(
        "多县基准测试：{n} 个县（区），{} 个工作线程（{cores} 核）；生成测试数据 {}",
        jobs.unwrap_or(cores),
        secs(generated)
    );
    let t = Instant::now();
    let p = run_province(&ProvinceOptions {
        root,
        counties,
        out,
        jobs,
    })?;
    let total = t.elapsed();

    let stage = |names: &[&str]| -> Duration {
        p.timings
            .0
            .iter()
            .filter(|(s, _)| names.contains(&s.as_str()))
            .map(|(_, d)| *d)
            .sum()
    };
    let counted = p.counties.len().max(1) as f64;
    let per = |d: Duration| format!("{:.1} ms/县", d.as_secs_f64() * 1000.0 / counted);
    let read = stage(&["读取+校验"]);
    let scoring = stage(&["计算基准", "重新计分", "排名"]);
    let fonts = stage(&["加载字体与模板"]);
    let data = stage(&["文件数据"]);
    let render = stage(&["排版"]);
    let write = stage(&["写出"]);
    println!("读取+校验：{}（{}）", secs(read), per(read));
    println!(
        "计分（基准+重新计分+排名）：{}（{}）",
        secs(scoring),
        per(scoring)
    );
    println!("加载字体与模板（一次）：{}", secs(fonts));
    println!(
        "文件数据（三份文件的数据与措辞）：{}（{}）",
        secs(data),
        per(data)
    );
    println!(
        "排版 {} 份PDF：{}（{}，{:.1} ms/份）",
        p.pdfs,
        secs(render),
        per(render),
        render.as_secs_f64() * 1000.0 / p.pdfs.max(1) as f64
    );
    println!("写出：{}（{}）", secs(write), per(write));
    println!("合计：{}（{}）", secs(total), per(total));
    let derived = p.benchmarks.parts.iter().filter(|x| x.derived).count();
    println!(
        "{} 个县排名，{} 个县未能读取，{} 项基准由多县比较得出（共 {} 项），{} 个排版问题。",
        p.ranking.len(),
        p.failures.len(),
        derived,
        p.benchmarks.parts.len(),
        p.render_problems.len()
    );
    if let (Some(first), Some(last)) = (p.ranking.first(), p.ranking.last()) {
        println!(
            "最高 {} {} 分，最低 {} {} 分。",
            first.county,
            zhiliang_core::score::display(first.total),
            last.county,
            zhiliang_core::score::display(last.total)
        );
    }
    if let Some(c) = p.counties.iter().find(|c| c.check_errors > 0) {
        println!("{} 的校验错误（示例）：", c.name);
        for d in &c.first_errors {
            println!("  {d}");
        }
    }
    if p.pdfs != 3 * n {
        bail!("只写出 {} 份PDF，应为 {}", p.pdfs, 3 * n);
    }
    let t = Instant::now();
    drop(p);
    let freed = t.elapsed();
    drop(work);
    println!(
        "（释放内存 {}，删除临时文件 {}）",
        secs(freed),
        secs(t.elapsed() - freed)
    );
    Ok(())
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// N county folders: the example campaign with the varied facts scaled per county.
fn generate(root: &Path, counties: &Path, n: usize) -> Result<()> {
    let project = Project::new(root, None, None);
    let setup = project.load()?;
    let input = &project.input;
    let mut workbooks = Vec::new();
    for entry in std::fs::read_dir(input)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path)?;
            let outcome =
                zhiliang_workbook::ingest_file(&name, &bytes, &setup.catalogue, &setup.roster);
            // The 备注 of blank rows ("没有此项"), written back with the varied values.
            let notes: BTreeMap<String, String> = outcome
                .rows
                .iter()
                .filter_map(|r| Some((r.fact.clone()?, r.note.clone()?)))
                .collect();
            let options = FillOptions {
                notes,
                ..FillOptions::default()
            };
            let submission = outcome.submissions.into_iter().next();
            workbooks.push((name, bytes, submission, options));
        }
    }
    for i in 0..n {
        let dir = counties.join(format!("县{:03}", i + 1));
        copy_tree(&input.join("evidence"), &dir.join("evidence"))?;
        std::fs::copy(input.join("campaign.toml"), dir.join("campaign.toml"))?;
        for (name, bytes, submission, options) in &workbooks {
            let varied = submission.as_ref().and_then(|s| {
                let mut s = s.clone();
                let mut changed = false;
                for (k, key) in VARIED.iter().enumerate() {
                    if let Some(f) = s.scalars.iter_mut().find(|f| f.key == *key)
                        && let Value::Number(x) = f.value
                    {
                        f.value = Value::Number(vary(x, i, k));
                        changed = true;
                    }
                }
                changed.then_some(s)
            });
            let out = match varied {
                Some(s) => {
                    let unit = setup.roster.by_name(&s.unit).context("单位")?;
                    fill_form_with(&setup, unit, &s, options)?
                }
                None => bytes.clone(),
            };
            std::fs::write(dir.join(name), out)?;
        }
    }
    Ok(())
}

/// x × (0.6 … 1.4), the factor a deterministic function of county and fact; counts stay
/// whole numbers, 装配式建筑产业基地 runs 0 … 6.
fn vary(x: Decimal, county: usize, fact: usize) -> Decimal {
    if fact == 0 {
        return Decimal::from((county * 5 + 3) % 7);
    }
    let step = ((county * 37 + fact * 11) % 81) as i64;
    let factor = Decimal::new(60 + step, 2);
    let v = x * factor;
    if x.scale() == 0 {
        v.round()
    } else {
        v.round_dp(2)
    }
}
