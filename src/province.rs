//! Multi-county mode (`zhiliang province`): every county of a province scored against the
//! same 功效系数法 benchmarks, taken from the best and worst county, ranked, and its three
//! documents rendered — all counties in parallel, with one font store.
//!
//! ```text
//! COUNTIES/<县名>/campaign.toml      one folder per county, laid out like input/
//! COUNTIES/<县名>/*.xlsx
//! COUNTIES/<县名>/evidence/<unit>/
//! OUT/<县名>/申请表.pdf …             the documents (counties without check errors)
//! OUT/<县名>/计分结果.json            the county's score sheet
//! OUT/<县名>/校验结果.json            the county's diagnostics
//! OUT/<县名>/生成记录.json, 变更报告.txt  build record and change report, as `build` writes
//! OUT/排名.txt, OUT/排名.json         ranking, derived benchmarks, counties not read
//! ```
//!
//! Stages: read + check every county ([`Session::check`]), compute each county's efficacy
//! values, derive the benchmarks from the counties whose check found no errors
//! ([`zhiliang_core::score::benchmarks_from_counties`]), score every county again with
//! them, rank, then each county through the same prepare → render → write path as
//! `build` ([`Session::prepare`], [`LazyRenderer::render_jobs`], [`Session::write_set`]): a county whose
//! documents' render keys match its last build record is not rendered again. A county whose folder cannot be read
//! (no campaign.toml, broken configuration) is reported and left out; the others still
//! run. A county with check errors is ranked but its documents are not rendered (the rule
//! of `build`).

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::fsutil::write_atomic;
use crate::pipeline::{BuildOptions, Checked, LazyRenderer, Prepared, Rendered, Session, Timings};
use crate::project::Project;
use zhiliang_core::config::Benchmark;
use zhiliang_core::diagnostics::{Diagnostic, Summary};
use zhiliang_core::score::{
    DerivedBenchmarks, ScoreSheet, Subtotal, benchmarks_from_counties, display, efficacy_values,
};
use zhiliang_render::Fingerprints;
use zhiliang_render::{DocKind, RenderJob, Renderer};

/// Ranking table (people) and ranking data (programs) in the output folder.
pub const RANKING_TEXT: &str = "排名.txt";
pub const RANKING_JSON: &str = "排名.json";
/// Each county's score sheet in its output folder.
pub const SCORES_FILE: &str = "计分结果.json";

/// What a province run needs.
#[derive(Debug, Clone)]
pub struct ProvinceOptions {
    /// Project folder with catalogue/, templates/, fonts/ (shared by every county).
    pub root: PathBuf,
    /// One folder per county.
    pub counties: PathBuf,
    /// Output folder (one sub-folder per county, ranking files at the top).
    pub out: PathBuf,
    /// Worker threads (default: one per core).
    pub jobs: Option<usize>,
}

/// One county after reading, checking and scoring. Its session and checked facts are
/// dropped once its documents are written, so memory stays flat in the number of counties.
pub struct County {
    /// The folder name, used in the ranking and as the output folder.
    pub name: String,
    /// The district named in the county's campaign.toml.
    pub district: String,
    /// Errors found by the check (scoring's own diagnostics excluded): such a county
    /// takes no part in deriving the benchmarks.
    pub check_errors: usize,
    /// The county's scores under the province benchmarks.
    pub scores: ScoreSheet,
    /// Counts of everything found (check, scoring, rendering).
    pub summary: Summary,
    /// The first few errors, for the summary printed to people.
    pub first_errors: Vec<Diagnostic>,
    /// Efficacy values, compared across counties to derive the benchmarks.
    pub values: BTreeMap<String, Option<Decimal>>,
    /// Until written: the county's session and what its check found.
    state: Option<(Session, Checked)>,
}

/// A county folder that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub county: String,
    pub message: String,
}

/// One line of the ranking.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub rank: usize,
    pub county: String,
    /// The district named in the county's campaign.toml.
    pub district: String,
    pub total: Decimal,
    pub categories: Vec<Subtotal>,
    pub errors: usize,
    pub warnings: usize,
    /// Whether the three documents were rendered and written.
    pub rendered: bool,
    /// Written files, relative to the output folder.
    pub documents: Vec<String>,
}

/// The outcome of a province run.
pub struct Province {
    pub counties: Vec<County>,
    pub failures: Vec<Failure>,
    pub benchmarks: DerivedBenchmarks,
    /// Counties whose values took part in the comparison.
    pub compared: Vec<String>,
    /// In rank order.
    pub ranking: Vec<Ranked>,
    /// Rendering or writing problems, per county.
    pub render_problems: Vec<(String, Diagnostic)>,
    /// Counties not rendered now whose output folder still holds PDFs of an earlier run.
    pub stale: Vec<String>,
    pub timings: Timings,
    /// Number of PDFs written.
    pub pdfs: usize,
    /// Number of documents Typst laid out (the others were unchanged since the last run).
    pub rendered: usize,
    pub out: PathBuf,
}

#[derive(Serialize)]
struct RankingFile<'a> {
    counties: &'a [Ranked],
    failed: &'a [Failure],
    compared: &'a [String],
    benchmarks: &'a DerivedBenchmarks,
}

/// The folders of `dir` that hold a county (every non-hidden folder), sorted by name.
pub fn county_folders(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取县（区）目录 {}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("无法读取县（区）目录 {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.path().is_dir() {
            continue;
        }
        out.push((name, entry.path()));
    }
    out.sort();
    if out.is_empty() {
        bail!(
            "{} 中没有县（区）文件夹：每个县一个文件夹，内有 campaign.toml、填报表和 evidence/",
            dir.display()
        );
    }
    Ok(out)
}

/// Read, check and score one county with its own configuration.
fn read_county(root: &Path, out: &Path, name: &str, dir: &Path) -> Result<County, Failure> {
    let fail = |message: String| Failure {
        county: name.to_string(),
        message,
    };
    if !dir.join("campaign.toml").is_file() {
        return Err(fail(format!(
            "{} 中没有 campaign.toml（创建配置），该县未参加比较",
            dir.display()
        )));
    }
    let project = Project::new(root, Some(dir), Some(&out.join(name)));
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut session = Session::open(project)?;
        let checked = session.check()?;
        Ok::<_, anyhow::Error>((session, checked))
    }));
    let (mut session, checked) = match run {
        Ok(Ok(pair)) => pair,
        Ok(Err(e)) => return Err(fail(format!("{e:#}"))),
        Err(_) => return Err(fail("读取时发生内部错误，该县未参加比较".to_string())),
    };
    // Parsed workbooks are not needed again: only the facts go on.
    session.drop_ingest_cache();
    let mut checked = checked;
    checked.drop_workbook_rows();
    let setup = &session.setup;
    let values = efficacy_values(&setup.catalogue, &checked.facts, &setup.campaign);
    Ok(County {
        name: name.to_string(),
        district: setup.campaign.district.name.clone(),
        check_errors: checked.check_errors(),
        scores: checked.scores.clone(),
        summary: Summary::of(&checked.diagnostics),
        first_errors: Vec::new(),
        values,
        state: Some((session, checked)),
    })
}

/// The whole province run: read, derive, rescore, rank, render, write.
pub fn run_province(options: &ProvinceOptions) -> Result<Province> {
    // Typst's layout recurses deeply; rayon's default 2 MiB worker stacks are too small.
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(64 << 20);
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    let pool = builder.build().context("无法创建并行线程池")?;
    pool.install(|| province(options))
}

fn stage(timings: &mut Timings, name: &str, since: Instant) -> Instant {
    let now = Instant::now();
    timings.0.push((name.to_string(), now - since));
    now
}

fn province(options: &ProvinceOptions) -> Result<Province> {
    let mut timings = Timings::default();
    let t = Instant::now();
    let (mut counties, failures) = read_counties(options)?;
    let t = stage(&mut timings, "读取+校验", t);

    let (derived, compared) = derive_benchmarks(&counties);
    let t = stage(&mut timings, "计算基准", t);

    counties.par_iter_mut().for_each(|c| c.rescore(&derived));
    let t = stage(&mut timings, "重新计分", t);

    let mut ranking = rank(&counties);
    stage(&mut timings, "排名", t);

    let mut run = write_counties(options, &mut counties)?;
    timings.0.push(("文件数据".to_string(), run.data_time));
    timings.0.push(("排版".to_string(), run.render_time));
    let t = Instant::now();

    let mut pdfs = 0;
    for r in &mut ranking {
        if let Some(files) = run.written.remove(&r.county) {
            pdfs += files.len();
            r.rendered = !files.is_empty();
            r.documents = files;
        }
    }
    let file = RankingFile {
        counties: &ranking,
        failed: &failures,
        compared: &compared,
        benchmarks: &derived,
    };
    let mut json = serde_json::to_vec_pretty(&file)?;
    json.push(b'\n');
    write_atomic(&options.out.join(RANKING_JSON), &json)?;
    let text = ranking_table(&ranking, &counties, &failures);
    write_atomic(&options.out.join(RANKING_TEXT), text.as_bytes())?;
    run.write_time += t.elapsed();
    timings.0.push(("写出".to_string(), run.write_time));

    Ok(Province {
        counties,
        failures,
        benchmarks: derived,
        compared,
        ranking,
        render_problems: run.render_problems,
        stale: run.stale,
        timings,
        pdfs,
        rendered: run.rendered,
        out: options.out.clone(),
    })
}

/// Every county folder read, checked and scored in parallel; those that cannot be read
/// are failures.
fn read_counties(options: &ProvinceOptions) -> Result<(Vec<County>, Vec<Failure>)> {
    // The output folder may sit inside the counties folder: it is not a county.
    let out = options.out.canonicalize().ok();
    let folders: Vec<(String, PathBuf)> = county_folders(&options.counties)?
        .into_iter()
        .filter(|(_, dir)| out.is_none() || dir.canonicalize().ok() != out)
        .collect();
    let results: Vec<Result<County, Failure>> = folders
        .par_iter()
        .map(|(name, dir)| read_county(&options.root, &options.out, name, dir))
        .collect();
    let mut counties = Vec::new();
    let mut failures = Vec::new();
    for r in results {
        match r {
            Ok(c) => counties.push(c),
            Err(f) => failures.push(f),
        }
    }
    Ok((counties, failures))
}

/// Benchmarks from the counties whose check found no errors, and those counties' names.
/// The configured benchmarks (first county by name that configures a key) give the
/// direction and the fallback.
fn derive_benchmarks(counties: &[County]) -> (DerivedBenchmarks, Vec<String>) {
    let mut configured: BTreeMap<String, Benchmark> = BTreeMap::new();
    for c in counties {
        if let Some((session, _)) = &c.state {
            for (key, b) in &session.setup.campaign.benchmarks {
                configured.entry(key.clone()).or_insert_with(|| b.clone());
            }
        }
    }
    let compared: Vec<&County> = counties.iter().filter(|c| c.check_errors == 0).collect();
    let values: Vec<(String, BTreeMap<String, Option<Decimal>>)> = compared
        .iter()
        .map(|c| (c.name.clone(), c.values.clone()))
        .collect();
    let compared: Vec<String> = compared.iter().map(|c| c.name.clone()).collect();
    let derived = match counties.first().and_then(|c| c.state.as_ref()) {
        Some((session, _)) => {
            benchmarks_from_counties(&session.setup.catalogue, &configured, &values)
        }
        None => DerivedBenchmarks {
            benchmarks: BTreeMap::new(),
            parts: vec![],
            diagnostics: vec![],
        },
    };
    (derived, compared)
}

/// What writing every county's set produced, with the time each stage took.
#[derive(Default)]
struct WriteRun {
    render_problems: Vec<(String, Diagnostic)>,
    /// Each county's documents, relative to the province output folder.
    written: BTreeMap<String, Vec<String>>,
    /// Counties whose folder still holds PDFs of an earlier run (not rendered now).
    stale: Vec<String>,
    data_time: Duration,
    render_time: Duration,
    write_time: Duration,
    /// Documents rendered (or reused) in all.
    rendered: usize,
}

/// Every county through the pipeline's own back half — prepare, render, write — in
/// batches: one flat parallel render of the batch's documents, then each county's set
/// written as `build` writes it, then its session dropped. A county with check errors
/// is written without documents (the rule of `build`); one whose documents are
/// unchanged since the last run is not rendered again.
fn write_counties(options: &ProvinceOptions, counties: &mut [County]) -> Result<WriteRun> {
    let renderer = LazyRenderer::new(&options.root.join("templates"), &options.root.join("fonts"));
    let mut run = WriteRun::default();
    let batch = rayon::current_num_threads().max(1) * 4;
    // Every county shares the project's templates and fonts: fingerprinted once.
    let fingerprints =
        Fingerprints::take(&options.root.join("templates"), &options.root.join("fonts"));
    for chunk in counties.chunks_mut(batch) {
        write_batch(&renderer, &fingerprints, chunk, &mut run)?;
    }
    Ok(run)
}

/// One batch of counties prepared, rendered together and written, into `run`.
fn write_batch(
    renderer: &LazyRenderer,
    fingerprints: &Fingerprints,
    chunk: &mut [County],
    run: &mut WriteRun,
) -> Result<()> {
    let d = Instant::now();
    let prepared: Vec<Result<Prepared>> = chunk
        .par_iter()
        .map(|c| {
            let (session, checked) = c.state.as_ref().expect("county not yet written");
            session.prepare(
                checked,
                BuildOptions {
                    without_binder: true,
                    ..BuildOptions::default()
                },
                fingerprints,
            )
        })
        .collect();
    let prepared: Vec<Prepared> = prepared.into_iter().collect::<Result<_>>()?;
    run.data_time += d.elapsed();
    let r = Instant::now();
    let jobs: Vec<RenderJob> = prepared
        .iter()
        .flat_map(super::pipeline::Prepared::jobs)
        .collect();
    let mut results = renderer.render_jobs(&jobs).into_iter();
    run.rendered += jobs.len();
    drop(jobs);
    // Every batch lays out new data: memoised layouts of earlier batches are never
    // used again, so keep only the last two generations (render_set keeps ten, which
    // suits `watch`), or memory grows with the number of counties.
    Renderer::evict_cache(2);
    run.render_time += r.elapsed();
    let w = Instant::now();
    // Each county's results are its own jobs', keyed by document.
    let mut units: Vec<(&mut County, Prepared, BTreeMap<DocKind, Rendered>)> = Vec::new();
    for (c, p) in chunk.iter_mut().zip(prepared) {
        let n = p.jobs().len();
        let mine = results.by_ref().take(n).collect();
        units.push((c, p, mine));
    }
    let outcomes: Vec<Result<Written>> = units
        .into_par_iter()
        .map(|(c, prepared, mine)| c.write(prepared, mine))
        .collect();
    for outcome in outcomes {
        let Written {
            county,
            files,
            problems,
            stale: old_pdfs,
        } = outcome?;
        run.render_problems
            .extend(problems.into_iter().map(|p| (county.clone(), p)));
        if old_pdfs && files.is_empty() {
            run.stale.push(county.clone());
        }
        run.written.insert(county, files);
    }
    run.write_time += w.elapsed();
    Ok(())
}

impl County {
    /// Scores the county's facts again with the province benchmarks.
    fn rescore(&mut self, derived: &DerivedBenchmarks) {
        let Some((session, checked)) = &mut self.state else {
            return;
        };
        session.setup.campaign.benchmarks = derived.benchmarks.clone();
        checked.rescore(&session.setup.catalogue, &session.setup.campaign);
        self.scores = checked.scores.clone();
        self.summary = Summary::of(&checked.diagnostics);
    }

    /// Writes the county's set as `build` writes it (plus its score sheet), then drops its
    /// session.
    fn write(
        &mut self,
        prepared: Prepared,
        rendered: BTreeMap<DocKind, Rendered>,
    ) -> Result<Written> {
        let (mut session, checked) = self.state.take().expect("county written once");
        let mut sheet = serde_json::to_vec_pretty(&checked.scores)?;
        sheet.push(b'\n');
        let built = session.write_set(
            checked,
            prepared,
            rendered,
            &[(SCORES_FILE.to_string(), sheet)],
        )?;
        self.summary = built.record.summary;
        self.first_errors = built
            .record
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .take(5)
            .cloned()
            .collect();
        let files = built
            .documents
            .iter()
            .map(|d| format!("{}/{}", self.name, d.kind.file_name()))
            .collect();
        let stale = !built.stale_documents().is_empty();
        let mut problems = built.render_problems;
        problems.extend(built.template_warnings);
        Ok(Written {
            county: self.name.clone(),
            files,
            problems,
            stale,
        })
    }
}

/// One county's set, written.
struct Written {
    county: String,
    /// Documents, relative to the province output folder.
    files: Vec<String>,
    /// Rendering problems and template warnings.
    problems: Vec<Diagnostic>,
    /// Its folder still holds PDFs of an earlier run that this run did not vouch for.
    stale: bool,
}

/// By total, highest first; equal totals share a rank (1, 1, 3) and are sorted by name.
fn rank(counties: &[County]) -> Vec<Ranked> {
    let mut rows: Vec<Ranked> = counties
        .iter()
        .map(|c| {
            let s = c.summary;
            Ranked {
                rank: 0,
                county: c.name.clone(),
                district: c.district.clone(),
                total: c.scores.total,
                categories: c.scores.categories.clone(),
                errors: s.errors,
                warnings: s.warnings,
                rendered: false,
                documents: vec![],
            }
        })
        .collect();
    rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.county.cmp(&b.county)));
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && rows[i].total == rows[i - 1].total {
            rows[i - 1].rank
        } else {
            i + 1
        };
    }
    rows
}

/// Display width, CJK characters counting two columns.
fn width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn pad(text: &str, w: usize) -> String {
    format!("{text}{}", " ".repeat(w.saturating_sub(width(text))))
}

fn ranking_table(ranking: &[Ranked], counties: &[County], failures: &[Failure]) -> String {
    let names: Vec<String> = ranking
        .first()
        .map(|r| r.categories.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let max = counties.first().map(|c| c.scores.max).unwrap_or_default();
    let county_w = ranking
        .iter()
        .map(|r| width(&r.county))
        .max()
        .unwrap_or(0)
        .max(width("县（区）"))
        + 2;
    let mut out = format!(
        "多县比较排名（{}个县（区），满分{}）\n",
        ranking.len(),
        display(max)
    );
    out.push_str(&format!(
        "{}{}{}",
        pad("名次", 6),
        pad("县（区）", county_w),
        pad("总分", 8)
    ));
    for n in &names {
        out.push_str(&pad(n, width(n) + 2));
    }
    out.push_str("错误  警告  文件\n");
    for r in ranking {
        out.push_str(&format!(
            "{}{}{}",
            pad(&r.rank.to_string(), 6),
            pad(&r.county, county_w),
            pad(&display(r.total), 8)
        ));
        for (i, n) in names.iter().enumerate() {
            let v = r
                .categories
                .get(i)
                .map(|c| display(c.score))
                .unwrap_or_default();
            out.push_str(&pad(&v, width(n) + 2));
        }
        let docs = if r.rendered {
            "已生成".to_string()
        } else if r.errors > 0 {
            "有错误，未生成".to_string()
        } else {
            "排版失败".to_string()
        };
        out.push_str(&format!(
            "{}{}{docs}\n",
            pad(&r.errors.to_string(), 6),
            pad(&r.warnings.to_string(), 6)
        ));
    }
    for f in failures {
        out.push_str(&format!("未参加排名：{}：{}\n", f.county, f.message));
    }
    out
}

/// `zhiliang province`: run, print the Chinese summary, return the exit status (1 when a
/// county could not be read, has check errors or failed to render).
pub fn run(root: &Path, counties: &Path, out: &Path, jobs: Option<usize>) -> Result<ExitCode> {
    let start = Instant::now();
    let options = ProvinceOptions {
        root: root.to_path_buf(),
        counties: counties.to_path_buf(),
        out: out.to_path_buf(),
        jobs,
    };
    let p = run_province(&options)?;
    print!("{}", summary(&p, start.elapsed()));
    let ok = p.failures.is_empty()
        && p.render_problems.is_empty()
        && p.ranking.iter().all(|r| r.errors == 0);
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The summary for people: counties read, benchmarks, ranking, time per stage.
pub fn summary(p: &Province, elapsed: Duration) -> String {
    let mut out = String::new();
    let names: Vec<&str> = p.counties.iter().map(|c| c.name.as_str()).collect();
    out.push_str(&format!(
        "读取 {} 个县（区）：{}。\n",
        names.len(),
        names.join("、")
    ));
    for f in &p.failures {
        out.push_str(&format!("无法读取 {}：{}\n", f.county, f.message));
    }
    let excluded: Vec<&str> = p
        .counties
        .iter()
        .filter(|c| c.check_errors > 0)
        .map(|c| c.name.as_str())
        .collect();
    if !excluded.is_empty() {
        out.push_str(&format!(
            "{} 校验有错误，其数值不参加满意值/不允许值的比较。\n",
            excluded.join("、")
        ));
    }
    out.push_str(&format!(
        "功效系数法基准（{} 个县参加比较）：\n",
        p.compared.len()
    ));
    for part in &p.benchmarks.parts {
        let u = &part.unit;
        let line = match (&part.benchmark, part.derived) {
            (Some(b), true) => format!(
                "满意值 {}{u}，不允许值 {}{u}；{}",
                display(b.satisfactory),
                display(b.unacceptable),
                b.source
            ),
            (Some(b), false) => format!(
                "沿用创建配置：满意值 {}{u}，不允许值 {}{u}",
                display(b.satisfactory),
                display(b.unacceptable)
            ),
            (None, _) => "无基准，本项各县按0分计".to_string(),
        };
        out.push_str(&format!(
            "  指标{} {}〔{}〕：{line}\n",
            part.indicator, part.label, part.key
        ));
    }
    let kept = p.benchmarks.diagnostics.len();
    if kept > 0 {
        out.push_str(&format!(
            "  其中 {kept} 项无法由多县比较得出（原因见 {RANKING_JSON}）。\n"
        ));
    }
    out.push_str("排名：\n");
    for r in &p.ranking {
        let docs = if r.rendered {
            "已生成三份文件".to_string()
        } else if r.errors > 0 {
            format!("{} 个错误，未生成文件", r.errors)
        } else {
            "排版失败".to_string()
        };
        out.push_str(&format!(
            "  {:>3}  {}  {} 分  （{}；{} 个警告）\n",
            r.rank,
            pad(&r.county, 12),
            display(r.total),
            docs,
            r.warnings
        ));
    }
    if !p.stale.is_empty() {
        out.push_str(&format!(
            "注意：{} 本次未生成文件，其输出文件夹中的PDF是此前生成的版本，未反映本次报送的数据。\n",
            p.stale.join("、")
        ));
    }
    for (county, d) in &p.render_problems {
        out.push_str(&format!("{county}：{d}\n"));
    }
    let n = p.counties.len().max(1) as f64;
    let stages: Vec<String> = p
        .timings
        .0
        .iter()
        .map(|(s, d)| {
            format!(
                "{s} {}（每县 {:.1} ms）",
                ms(*d),
                d.as_secs_f64() * 1000.0 / n
            )
        })
        .collect();
    out.push_str(&format!("用时：{}。\n", stages.join("，")));
    out.push_str(&format!(
        "共写出 {} 份PDF（其中 {} 份本次排版，其余数据与模板未变、沿用上次排版），排名见 {}；总用时 {:.2} 秒。\n",
        p.pdfs,
        p.rendered,
        p.out.join(RANKING_TEXT).display(),
        elapsed.as_secs_f64()
    ));
    out
}
