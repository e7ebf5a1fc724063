//! Benchmark of the pipeline on the example campaign, stage by stage.
//!
//! ```text
//! cargo bench --bench pipeline [-- --root DIR] [--runs N] [--python PYTHON]
//! ```
//!
//! Works on a throw-away copy of the campaign, so `input/` and `output/` of the project
//! stay untouched. Prints medians over N runs (default 5) of:
//! - 读取+校验+计分 (ingest, check, merge, score) — target < 100 ms;
//! - cold `build` (fresh session: fonts, templates, everything) — target < 1 s; this runs
//!   inside the benchmark process, so from the second run on Typst's process-wide
//!   memoisation cache is already warm;
//! - cold start as a fresh process: the built `zhiliang build` executable started N times
//!   into an empty output folder — median wall time, median CPU time (user + system) and
//!   peak resident memory of the process (from `wait4`), what a user actually waits for;
//! - incremental rebuild after one workbook changed, in a warm session (what `watch`
//!   does) — target < 200 ms;
//! - reading the 15 workbooks in isolated worker processes (what the `zhiliang` binary
//!   does) against reading them in this process — the cost of isolation;
//! - checking a workbook with 5 000 bad rows in each of four list sheets (linear time);
//! - the evidence binder alone (fresh renderer, ~100 items, ~150 pages), which the cold
//!   build renders in parallel with the other three documents;
//! - three cold single-document renders, each with its own freshly loaded fonts and
//!   library: what three separate runs of a Typst command-line compiler do. When a
//!   `typst` executable is on PATH, three real `typst compile` runs are timed as well;
//! - when PYTHON (default `python3`) can import the Typst Python binding
//!   (`pip install typst`): the same four documents compiled by it as a fresh process,
//!   one shared font book, one thread per document — the yardstick of issue #13 —
//!   alternating round by round with a fresh `zhiliang build`, with the median ratio.

// Helpers here take owned values to keep the many call sites short.
#![allow(clippy::needless_pass_by_value)]

mod common;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zhiliang::fsutil::copy_tree;
use zhiliang::pipeline::{BuildOptions, Session};
use zhiliang::project::Project;
use zhiliang_render::{DocKind, RenderOptions, Renderer};
use zhiliang_workbook::Reader;

fn main() -> Result<()> {
    #[cfg(unix)]
    if std::env::args().nth(1).as_deref() == Some(TIME_CHILD) {
        return time_child(std::env::args_os().skip(2).collect());
    }
    let mut root = PathBuf::from(".");
    let mut runs = 5usize;
    // Interpreter for the comparison with the Typst Python binding.
    let mut python = String::from("python3");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => root = PathBuf::from(args.next().context("--root needs a folder")?),
            "--runs" => runs = args.next().context("--runs needs a number")?.parse()?,
            "--python" => python = args.next().context("--python needs an interpreter")?,
            "--bench" => {} // passed by `cargo bench`
            other => bail!("unknown argument {other}"),
        }
    }
    let work = tempfile::tempdir()?;
    copy_campaign(&root, work.path())?;
    let project = Project::new(work.path(), None, None);
    println!(
        "基准测试：{}（{} 次取中位数，{} 核）",
        root.display(),
        runs,
        num_cpus()
    );

    // Read workbooks the way the `zhiliang` binary does: in isolated worker processes of
    // the `zhiliang` executable built beside this one.
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_zhiliang"));
    let isolated = exe.is_file().then(|| Reader::subcommand(exe.clone()));
    match &isolated {
        Some(r) => zhiliang_workbook::ingest::isolate::set_process_default(r.clone()),
        None => println!("（找不到 {}，以下都在进程内读取）", exe.display()),
    }

    // 0. the cost of isolation: the read stage alone, in-process and in workers.
    for (label, reader) in [
        ("读取（进程内）", Some(Reader::InProcess)),
        ("读取（隔离进程）", isolated),
    ] {
        let Some(reader) = reader else { continue };
        let read = median(runs, || {
            let mut session = Session::open(project.clone()).expect("open");
            session.reader = reader.clone();
            let c = session.check().expect("check");
            let stage = c.timings.0[0].1;
            (stage, format!("{} 个文件", c.ingest.files.len()))
        });
        println!("{label}：{}（{}）", ms(read.0), read.1);
    }

    // 1. ingest + check + score
    // A fresh session each run, so every workbook is parsed (no ingest cache).
    let checked = median(runs, || {
        let mut session = Session::open(project.clone()).expect("open");
        let t = Instant::now();
        let c = session.check().expect("check");
        (t.elapsed(), c.timings.render())
    });
    println!("读取+校验+计分：{}（{}）", ms(checked.0), checked.1);

    // 2. cold build
    let cold = median(runs, || {
        let _ = std::fs::remove_dir_all(&project.output);
        let t = Instant::now();
        let mut s = Session::open(project.clone()).expect("open");
        let built = s.build(BuildOptions::default(), &|_| {}).expect("build");
        assert!(!built.refused, "example campaign has check errors");
        (t.elapsed(), built.timings.render())
    });
    println!("冷启动完整生成（本进程内）：{}（{}）", ms(cold.0), cold.1);

    // 2b. cold start as a fresh process: nothing shared with earlier runs but the
    // operating system's page cache (as for a user who runs `zhiliang build` twice).
    #[cfg(unix)]
    if exe.is_file() {
        let runs = cold_process_runs(&exe, work.path(), runs)?;
        print_process_runs("冷启动完整生成（新进程 zhiliang build）", &runs);
    }

    // 3. incremental rebuild after one workbook changed: 区住建局 corrects its count of
    // 装配式建筑产业基地 back and forth, so every run changes a score, the totals and the
    // documents that print them.
    let mut warm = Session::open(project.clone())?;
    warm.build(BuildOptions::default(), &|_| {})?;
    let workbook = project.input.join("zhujian.xlsx");
    let original = std::fs::read(&workbook).context("input/zhujian.xlsx")?;
    let corrected = common::with_fact(&warm.setup, &original, "prefab_industry_bases", 5)?;
    let mut flip = false;
    let incremental = median(runs, || {
        flip = !flip;
        std::fs::write(&workbook, if flip { &corrected } else { &original }).expect("write");
        let t = Instant::now();
        let built = warm
            .build(BuildOptions::default(), &|_| {})
            .expect("rebuild");
        assert!(
            !built.changes.scores.is_empty(),
            "the change must move a score"
        );
        (t.elapsed(), built.timings.render())
    });
    std::fs::write(&workbook, &original)?;
    println!(
        "改动一份填报表后增量生成：{}（{}）",
        ms(incremental.0),
        incremental.1
    );

    // 3b. 5 000 bad rows in each of four list sheets (check time must grow linearly).
    let bad = tempfile::tempdir()?;
    copy_campaign(&root, bad.path())?;
    let bad_project = Project::new(bad.path(), None, None);
    {
        let session = Session::open(bad_project.clone())?;
        std::fs::write(
            bad_project.input.join("shichangjianguan.xlsx"),
            bad_rows_workbook(&session, 5_000)?,
        )?;
    }
    let many = median(runs.min(3), || {
        let mut session = Session::open(bad_project.clone()).expect("open");
        let t = Instant::now();
        let c = session.check().expect("check");
        (
            t.elapsed(),
            format!("{} 条问题，{}", c.diagnostics.len(), c.timings.render()),
        )
    });
    println!(
        "4 张清单表各 5 000 行错误的读取+校验+计分：{}（{}）",
        ms(many.0),
        many.1
    );

    // 4. three separate cold renders
    let mut session = Session::open(project.clone())?;
    let checked = session.check()?;
    let setup = &session.setup;
    let renderer = Renderer::new(&project.templates, &project.fonts)?;
    let inputs = zhiliang_render::Inputs::new(
        setup,
        &checked.facts,
        &checked.scores,
        &checked.evidence,
        &checked.diagnostics,
    )
    .with_evidence_dir(&project.input);
    let set = renderer.build_data(&inputs)?;
    let options = RenderOptions::new(setup.campaign.dates.document_date);
    // The three documents of the comparison with a command-line compiler (the binder
    // needs its evidence files served, which a plain `typst compile` of the data cannot).
    let three: Vec<DocKind> = DocKind::ALL
        .into_iter()
        .filter(|k| *k != DocKind::Binder)
        .collect();

    // 4a. the binder alone, cold
    let binder = median(runs, || {
        let fresh = Renderer::new(&project.templates, &project.fonts).expect("renderer");
        let t = Instant::now();
        let doc = fresh
            .render_doc(DocKind::Binder, &set, &options)
            .expect("render binder");
        (t.elapsed(), format!("{} 页", doc.pages))
    });
    println!(
        "证明材料汇编单独冷排版（不含加载字体）：{}（{}）",
        ms(binder.0),
        binder.1
    );

    let separate = median(runs, || {
        let t = Instant::now();
        for &kind in &three {
            let fresh = Renderer::new(&project.templates, &project.fonts).expect("renderer");
            fresh.render(kind, set.get(kind), &options).expect("render");
        }
        (t.elapsed(), String::new())
    });
    println!(
        "三次独立冷排版（每次重新加载字体，相当于三次独立运行排版程序）：{}",
        ms(separate.0)
    );

    if let Some(typst) = which("typst") {
        let dir = tempfile::tempdir()?;
        copy_tree(&project.templates, dir.path())?;
        let cli = median(runs.min(3), || {
            let t = Instant::now();
            for &kind in &three {
                let data = renderer.typst_data(set.get(kind), &options);
                std::fs::write(
                    dir.path().join("data.json"),
                    serde_json::to_vec(&data).unwrap(),
                )
                .unwrap();
                let status = std::process::Command::new(&typst)
                    .args(["compile", "--ignore-system-fonts", "--font-path"])
                    .arg(&project.fonts)
                    .arg("--root")
                    .arg(dir.path())
                    .arg(dir.path().join(kind.template().trim_start_matches('/')))
                    .arg(dir.path().join("out.pdf"))
                    .status()
                    .expect("typst");
                assert!(status.success());
            }
            (t.elapsed(), String::new())
        });
        println!("三次 typst 命令行编译：{}", ms(cli.0));
    } else {
        println!("（PATH 中没有 typst 命令行程序，未测三次 typst compile）");
    }

    #[cfg(unix)]
    if python_with_typst(&python) {
        // One folder per document (each has its own /data.json), as the binding reads
        // the data from the project root.
        let dir = tempfile::tempdir()?;
        let mut roots = Vec::new();
        for kind in DocKind::ALL {
            let root = dir.path().join(
                kind.template()
                    .trim_start_matches('/')
                    .replace(['/', '.'], "_"),
            );
            copy_tree(&project.templates, &root)?;
            let data = renderer.typst_data(set.get(kind), &options);
            std::fs::write(root.join("data.json"), serde_json::to_vec(&data)?)?;
            if kind == DocKind::Binder {
                // The binder's world serves the evidence files at /evidence/<unit>/<file>.
                std::os::unix::fs::symlink(
                    project.input.join("evidence").canonicalize()?,
                    root.join("evidence"),
                )?;
            }
            std::fs::write(
                root.join("main.typ"),
                format!("#include \"{}\"\n", kind.template()),
            )?;
            roots.push(root);
        }
        let script = dir.path().join("compile.py");
        std::fs::write(&script, PYTHON_BINDING)?;
        // Side by side: each round runs `zhiliang build` and the binding once, one after
        // the other, so a machine that is faster or slower for a while (a shared virtual
        // machine drifts by 10–20 % over minutes) weighs on both alike; the ratio is the
        // median of the rounds' ratios.
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for _ in 0..runs.max(1) {
            ours.extend(cold_process_runs(&exe, work.path(), 1)?);
            let mut cmd = vec![python.clone().into(), script.clone().into_os_string()];
            cmd.push(project.fonts.canonicalize()?.into_os_string());
            cmd.extend(roots.iter().map(|r| r.clone().into_os_string()));
            theirs.push(time_process(cmd)?);
        }
        print_process_runs(
            "并排交替：zhiliang build（新进程，含读取、校验、计分、写出）",
            &ours,
        );
        print_process_runs(
            "并排交替：同样四份文件用 Typst Python 绑定编译（新进程，共用一套字体，每份一个线程，三份 PDF/A-3b、汇编为普通 PDF）",
            &theirs,
        );
        let ratios = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| (a.wall.as_secs_f64() / b.wall.as_secs_f64() * 1000.0).round() as u64);
        println!(
            "墙钟比值 zhiliang / Python 绑定（逐轮比值的中位数）：{:.2}",
            median_of(ratios) as f64 / 1000.0
        );
    } else {
        println!("（{python} 无法导入 typst 模块（pip install typst），未测 Typst Python 绑定）");
    }
    Ok(())
}

/// One run of a child process.
#[cfg(unix)]
struct ProcessRun {
    wall: Duration,
    /// User plus system CPU time of the process and the children it waited for.
    cpu: Duration,
    /// Peak resident set size (KiB) of the process or of its largest child.
    max_rss_kib: u64,
}

/// Runs `zhiliang build` `runs` times on the campaign in `root`, each into a fresh output
/// folder.
#[cfg(unix)]
fn cold_process_runs(exe: &Path, root: &Path, runs: usize) -> Result<Vec<ProcessRun>> {
    (0..runs.max(1))
        .map(|_| {
            let output = tempfile::tempdir()?;
            let run = time_process(vec![
                exe.into(),
                "--root".into(),
                root.into(),
                "--output".into(),
                output.path().into(),
                "build".into(),
            ])?;
            if !output.path().join("自评报告.pdf").is_file() {
                bail!("{} build wrote no 自评报告.pdf", exe.display());
            }
            Ok(run)
        })
        .collect()
}

/// Argument that makes this program a timing helper: `pipeline --time-child PROGRAM ARGS…`.
#[cfg(unix)]
const TIME_CHILD: &str = "--time-child";

/// Runs `cmd` (program and arguments) to its end and returns its wall time and resource
/// usage; fails unless it exits with status 0.
///
/// The child is started by a fresh helper process (this program with [`TIME_CHILD`]):
/// Linux carries a process's peak-memory mark over `exec` from the address space it
/// was started from, so a child of this benchmark — which by now holds fonts and
/// documents — would report the benchmark's own peak as its `ru_maxrss`.
#[cfg(unix)]
fn time_process(cmd: Vec<std::ffi::OsString>) -> Result<ProcessRun> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .arg(TIME_CHILD)
        .args(&cmd)
        .output()
        .with_context(|| format!("{cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8(out.stdout)?;
    let numbers: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("timing helper printed {text:?}"))?;
    let [wall_ns, cpu_ns, max_rss_kib] = numbers[..] else {
        bail!("timing helper printed {text:?}");
    };
    Ok(ProcessRun {
        wall: Duration::from_nanos(wall_ns),
        cpu: Duration::from_nanos(cpu_ns),
        max_rss_kib,
    })
}

/// The timing helper: runs `cmd`, reaps it with `wait4` and prints "wall-ns cpu-ns
/// peak-rss-KiB"; the child's output goes to /dev/null, except errors, which are passed
/// on when it fails.
#[cfg(unix)]
fn time_child(cmd: Vec<std::ffi::OsString>) -> Result<()> {
    let (program, args) = cmd.split_first().context("no program to time")?;
    let t = Instant::now();
    let mut child = std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("{cmd:?}"))?;
    let mut stderr = child.stderr.take().expect("piped");
    // Drained on a thread: a child that fills the pipe would otherwise never exit.
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).ok();
        text
    });
    let mut status = 0;
    // SAFETY: all-zero bytes are a valid `rusage`; `wait4` fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own unreaped child; status and usage are valid for writes.
    // `Child` never waits on its own, so the child is reaped exactly once.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = t.elapsed();
    if pid < 0 {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    let errors = errors.join().unwrap_or_default();
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        bail!("{cmd:?} failed (status {status}): {errors}");
    }
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    let cpu = time(usage.ru_utime) + time(usage.ru_stime);
    // Linux reports ru_maxrss in KiB.
    println!("{} {} {}", wall.as_nanos(), cpu.as_nanos(), usage.ru_maxrss);
    Ok(())
}

#[cfg(unix)]
fn print_process_runs(label: &str, runs: &[ProcessRun]) {
    let wall = median_of(runs.iter().map(|r| r.wall));
    let cpu = median_of(runs.iter().map(|r| r.cpu));
    let rss = median_of(runs.iter().map(|r| r.max_rss_kib));
    let rss_max = runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0);
    println!(
        "{label}（{} 次）：墙钟 {}，CPU {}（用户态+内核态），峰值内存 {:.1} MiB（最大 {:.1} MiB）",
        runs.len(),
        ms(wall),
        ms(cpu),
        rss as f64 / 1024.0,
        rss_max as f64 / 1024.0,
    );
}

/// The comparison of issue #13: the same three templates and data compiled, as one
/// fresh process, by the Typst Python binding (`pip install typst`) with one shared
/// font book and one thread per document, exported as PDF/A-3b like ours.
const PYTHON_BINDING: &str = r#"
import sys, threading, typst
fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[sys.argv[1]])
errors = []
def run(root):
    try:
        # the binder embeds PDF pages, which Typst refuses in PDF/A (as in `zhiliang build`)
        extra = {} if root.endswith("binder_typ") else {"pdf_standards": "a-3b"}
        typst.compile(root + "/main.typ", output=root + "/out.pdf", root=root, font_paths=fonts,
                      timestamp=1764547200, **extra)
    except Exception as e:
        errors.append(e)
threads = [threading.Thread(target=run, args=(root,)) for root in sys.argv[2:]]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    sys.exit(str(errors))
"#;

/// Whether `python` can import the Typst binding.
#[cfg(unix)]
fn python_with_typst(python: &str) -> bool {
    std::process::Command::new(python)
        .args(["-c", "import typst"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
fn median_of<T: Ord + Copy + Default>(values: impl Iterator<Item = T>) -> T {
    let mut all: Vec<T> = values.collect();
    all.sort();
    all.get(all.len() / 2).copied().unwrap_or_default()
}

fn median<T: Clone>(runs: usize, mut f: impl FnMut() -> (Duration, T)) -> (Duration, T) {
    let mut all: Vec<(Duration, T)> = (0..runs.max(1)).map(|_| f()).collect();
    all.sort_by_key(|(d, _)| *d);
    all[all.len() / 2].clone()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

fn copy_campaign(from: &Path, to: &Path) -> Result<()> {
    for sub in ["catalogue", "templates", "input"] {
        copy_tree(&from.join(sub), &to.join(sub))?;
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(from.join("fonts").canonicalize()?, to.join("fonts"))?;
    #[cfg(not(unix))]
    copy_tree(&from.join("fonts"), &to.join("fonts"))?;
    Ok(())
}

/// 区市场监管局's workbook with `rows` records in each of four list sheets, every record
/// wrong the same ways (a choice not on the list, a date that is not a date, no evidence).
fn bad_rows_workbook(session: &Session, rows: usize) -> Result<Vec<u8>> {
    use zhiliang_core::facts::{Record, Submission, Value};
    let setup = &session.setup;
    let unit = setup.roster.by_name("区市场监管局").context("单位")?;
    let mut sub = Submission {
        unit: unit.name.clone(),
        ..Default::default()
    };
    let lists: [(&str, [(&str, &str); 3]); 4] = [
        (
            "culture_activities",
            [("name", "活动"), ("type", "庙会"), ("date", "去年春天")],
        ),
        (
            "publicity",
            [("channel", "广播"), ("content", "宣传"), ("date", "某日")],
        ),
        (
            "quality_meetings",
            [("name", "会议"), ("date", "上月"), ("top_leader", "处长")],
        ),
        (
            "exchanges",
            [("type", "座谈"), ("name", "培训"), ("date", "近日")],
        ),
    ];
    for (list, fields) in lists {
        for i in 0..rows {
            let mut record = Record {
                list: list.to_string(),
                fields: Default::default(),
                evidence: None,
                source: Default::default(),
            };
            for (k, v) in fields {
                record
                    .fields
                    .insert(k.to_string(), Value::Text(format!("{v}{i}")));
            }
            sub.records.push(record);
        }
    }
    Ok(zhiliang_workbook::fill_form(setup, unit, &sub)?)
}
