//! Regeneration as the office lives it, every run a fresh `zhiliang` process:
//!
//! ```text
//! cargo bench --bench rebuild [-- --root DIR] [--runs N]
//! ```
//!
//! On a throw-away copy of the campaign, prints medians over N runs (default 7) of:
//! - `check` (read, check, score; what every build costs at least), first with no build
//!   before it (every evidence file opened in workers), then after a build (the evidence
//!   verdicts it kept in `output/.zhiliang.evidence-cache.json` reused);
//! - a cold `build` into an empty output folder (fonts loaded, three documents rendered);
//! - `build` again with nothing changed (target: no rendering, ≤ 15 % of cold);
//! - `build` after one workbook cell changed (only the documents whose data changed
//!   are rendered);
//! - `watch`: a changed workbook renamed into `input/` (as office suites save) → the
//!   last PDF rewritten (target: ≤ 250 ms).
//!
//! Each number is a whole process from start to exit, so Typst's in-process caches never
//! flatter it.

mod common;
use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use zhiliang::fsutil::copy_tree;
use zhiliang::project::Project;

const EXE: &str = env!("CARGO_BIN_EXE_zhiliang");
const DOCS: [&str; 3] = ["申请表.pdf", "自评报告.pdf", "年度质量分析报告.pdf"];

fn main() -> Result<()> {
    let mut root = PathBuf::from(".");
    let mut runs = 7usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => root = PathBuf::from(args.next().context("--root needs a folder")?),
            "--runs" => runs = args.next().context("--runs needs a number")?.parse()?,
            "--bench" => {}
            other => bail!("unknown argument {other}"),
        }
    }
    let work = tempfile::tempdir()?;
    let dir = work.path();
    for sub in ["catalogue", "templates", "input"] {
        copy_tree(&root.join(sub), &dir.join(sub))?;
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("fonts").canonicalize()?, dir.join("fonts"))?;
    #[cfg(not(unix))]
    copy_tree(&root.join("fonts"), &dir.join("fonts"))?;

    let workbook = dir.join("input/zhujian.xlsx");
    let original = std::fs::read(&workbook)?;
    let changed = common::with_fact(
        &Project::new(dir, None, None).load()?,
        &original,
        "prefab_industry_bases",
        9,
    )?;
    println!("重新生成基准：每次都是新进程（{runs} 次取中位数）");

    let zhiliang = |args: &[&str]| -> Result<Duration> {
        let t = Instant::now();
        let out = Command::new(EXE)
            .arg("--root")
            .arg(dir)
            .args(args)
            .output()?;
        let elapsed = t.elapsed();
        // `check` exits 0 here; `build` too (the example has no errors).
        if !out.status.success() {
            bail!(
                "zhiliang {args:?} 失败：{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        Ok(elapsed)
    };

    let check = median(
        (0..runs)
            .map(|_| zhiliang(&["check"]))
            .collect::<Result<_>>()?,
    );
    let cold = median(
        (0..runs)
            .map(|_| {
                let _ = std::fs::remove_dir_all(dir.join("output"));
                zhiliang(&["build", "--quiet"])
            })
            .collect::<Result<_>>()?,
    );
    let unchanged = median(
        (0..runs)
            .map(|_| zhiliang(&["build", "--quiet"]))
            .collect::<Result<_>>()?,
    );
    let check_after_build = median(
        (0..runs)
            .map(|_| zhiliang(&["check"]))
            .collect::<Result<_>>()?,
    );
    let mut one_cell = Vec::new();
    for i in 0..runs {
        let bytes = if i % 2 == 0 { &changed } else { &original };
        std::fs::write(&workbook, bytes)?;
        one_cell.push(zhiliang(&["build", "--quiet"])?);
    }
    std::fs::write(&workbook, &original)?;
    zhiliang(&["build", "--quiet"])?;
    let one_cell = median(one_cell);
    let watch = median(watch_latency(dir, &workbook, &original, &changed, runs)?);

    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let ratio = |d: Duration| format!("{:.0} %", 100.0 * d.as_secs_f64() / cold.as_secs_f64());
    println!("| 场景 | 中位数 | 相对冷启动 |");
    println!("|---|---|---|");
    println!(
        "| check（读取、校验、计分；此前没有生成过） | {} | {} |",
        ms(check),
        ratio(check)
    );
    println!(
        "| check（上次生成之后，证明材料检查结果沿用） | {} | {} |",
        ms(check_after_build),
        ratio(check_after_build)
    );
    println!("| build，冷启动（空输出目录） | {} | 100 % |", ms(cold));
    println!(
        "| build，无任何变化（不排版） | {} | {} |",
        ms(unchanged),
        ratio(unchanged)
    );
    println!(
        "| build，改动一个单元格后 | {} | {} |",
        ms(one_cell),
        ratio(one_cell)
    );
    println!("| watch：保存工作簿 → PDF 写出 | {} | — |", ms(watch));
    Ok(())
}

/// `watch` running; the workbook is replaced by rename (as office suites save) and the
/// time until the last PDF is rewritten is measured, alternating two versions.
fn watch_latency(
    dir: &Path,
    workbook: &Path,
    original: &[u8],
    changed: &[u8],
    runs: usize,
) -> Result<Vec<Duration>> {
    let mut child = Command::new(EXE)
        .arg("--root")
        .arg(dir)
        .args(["watch", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
    let mut wait_for = |what: &str| -> Result<()> {
        for line in lines.by_ref() {
            if line?.contains(what) {
                return Ok(());
            }
        }
        bail!("watch 意外退出")
    };
    // The first build, then the line saying it watches.
    wait_for("正在监视")?;
    let stamp = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let pdfs: Vec<PathBuf> = DOCS.iter().map(|d| dir.join("output").join(d)).collect();
    let mut times = Vec::new();
    for i in 0..runs {
        std::thread::sleep(Duration::from_millis(300));
        let before: Vec<Option<SystemTime>> = pdfs.iter().map(|p| stamp(p)).collect();
        let bytes = if i % 2 == 0 { changed } else { original };
        let tmp = dir.join("input/.~zhujian.tmp");
        std::fs::write(&tmp, bytes)?;
        let t = Instant::now();
        std::fs::rename(&tmp, workbook)?;
        // The build report ends with WAITING; by then every changed PDF is written.
        wait_for(zhiliang::watch::WAITING)?;
        let elapsed = t.elapsed();
        let rewritten = pdfs
            .iter()
            .zip(&before)
            .any(|(p, b)| stamp(p).as_ref() != b.as_ref());
        if !rewritten {
            bail!("watch 未重写任何 PDF");
        }
        times.push(elapsed);
    }
    let _ = child.kill();
    let _ = child.wait();
    Ok(times)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
