//! One function per subcommand: parse nothing, print for people, return the exit status.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::BuildArgs;
use crate::fsutil::write_atomic;
use crate::pipeline::{BuildOptions, Built, Session};
use crate::project::Project;
use crate::record::BuildRecord;
use zhiliang_core::diagnostics::{Diagnostic, Summary, render_for_people};
use zhiliang_core::score::{display, table_for_people};

fn status(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// `forms`: one fill-in workbook per member unit.
pub fn forms(project: &Project, out: Option<&Path>, unit: Option<&str>) -> Result<ExitCode> {
    let setup = project.load()?;
    let dir = out.map_or_else(|| project.output.join("填报表"), Path::to_path_buf);
    let units: Vec<_> = match unit {
        Some(name) => {
            let found = setup
                .roster
                .resolve(name)
                .or_else(|| setup.roster.by_id(name))
                .with_context(|| format!("专班名单中没有“{name}”这个单位"))?;
            vec![found.clone()]
        }
        None => setup.roster.units.clone(),
    };
    for u in &units {
        let bytes = zhiliang_workbook::write_form(&setup, u)?;
        let path = dir.join(zhiliang_workbook::form_file_name(u));
        write_atomic(&path, &bytes)?;
        let n = zhiliang_workbook::unit_indicators(&setup.catalogue, &setup.roster, u).len();
        println!("{}：{} 项指标 → {}", u.name, n, path.display());
    }
    println!("已生成 {} 份填报表。", units.len());
    Ok(ExitCode::SUCCESS)
}

/// `check`: every problem, grouped by unit, or as JSON.
pub fn check(project: &Project, json: bool, feedback: Option<&Path>) -> Result<ExitCode> {
    let mut session = Session::open(project.clone())?;
    let checked = session.check()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&checked.diagnostics)?);
    } else {
        print!("{}", render_for_people(&checked.diagnostics));
        let s = Summary::of(&checked.diagnostics);
        if s.errors == 0 {
            println!(
                "校验通过：{} 个文件，{} 个单位已报送。",
                checked.ingest.files.len(),
                checked.ingest.accepted_submissions().len()
            );
        }
    }
    if let Some(dir) = feedback {
        let files = zhiliang_workbook::feedback_files(&session.setup.roster, &checked.diagnostics)
            .context("生成问题反馈表失败")?;
        for (name, bytes) in &files {
            write_atomic(&dir.join(name), bytes)?;
        }
        eprintln!(
            "已为 {} 个单位生成问题反馈表：{}",
            files.len(),
            dir.display()
        );
    }
    Ok(status(!has_errors(&checked.diagnostics)))
}

/// `score`: the 43-row table, from the workbooks or from a facts file.
pub fn score(
    project: &Project,
    json: Option<&Path>,
    facts_file: Option<&Path>,
) -> Result<ExitCode> {
    let mut session = Session::open(project.clone())?;
    let (sheet, diagnostics) = match facts_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("无法读取事实数据文件 {}", path.display()))?;
            let doc: serde_json::Value = if path.extension().is_some_and(|e| e == "toml") {
                toml_facts(&text).with_context(|| format!("{} 格式有误", path.display()))?
            } else {
                serde_json::from_str(&text)
                    .with_context(|| format!("{} 格式有误", path.display()))?
            };
            let setup = &session.setup;
            // The same import as a `*.facts.json` under input/: unit names resolved through
            // the roster, values written as typed read as the workbook cell would be.
            let imported = zhiliang_workbook::ingest::facts::import(
                &path.display().to_string(),
                doc,
                &setup.catalogue,
                &setup.roster,
            );
            if let Some(d) = imported
                .diagnostics
                .iter()
                .find(|d| d.code == zhiliang_core::diagnostics::Code::UnreadableFile)
            {
                bail!("{}", d.message);
            }
            // `check` reads input/, not this file: what the import found is shown here.
            if !imported.diagnostics.is_empty() {
                eprint!("{}", render_for_people(&imported.diagnostics));
            }
            let (facts, mut diags) =
                zhiliang_core::merge::merge(&setup.catalogue, &setup.roster, &imported.submissions);
            let (sheet, score_diags) =
                zhiliang_core::score::score(&setup.catalogue, &facts, &setup.campaign);
            diags.extend(imported.diagnostics);
            diags.extend(score_diags);
            (sheet, diags)
        }
        None => {
            let checked = session.check()?;
            (checked.scores, checked.diagnostics)
        }
    };
    print!("{}", table_for_people(&sheet, &session.setup.catalogue));
    if let Some(path) = json {
        let mut bytes = serde_json::to_vec_pretty(&sheet)?;
        bytes.push(b'\n');
        write_atomic(path, &bytes)?;
        eprintln!("计分结果已写入 {}", path.display());
    }
    let s = Summary::of(&diagnostics);
    if s.errors + s.warnings > 0 {
        eprintln!(
            "校验发现 {} 个错误、{} 个警告，详见 `zhiliang check`。",
            s.errors, s.warnings
        );
    }
    Ok(status(s.errors == 0))
}

/// A TOML facts file as the JSON document the facts import reads (dates as their text).
fn toml_facts(text: &str) -> Result<serde_json::Value> {
    fn json(v: toml::Value) -> serde_json::Value {
        match v {
            toml::Value::String(s) => s.into(),
            toml::Value::Integer(i) => i.into(),
            // A float goes through its shortest text, so 97.5 stays 97.5.
            toml::Value::Float(f) => serde_json::Value::String(f.to_string()),
            toml::Value::Boolean(b) => b.into(),
            toml::Value::Datetime(d) => d.to_string().into(),
            toml::Value::Array(a) => a.into_iter().map(json).collect(),
            toml::Value::Table(t) => t.into_iter().map(|(k, v)| (k, json(v))).collect(),
        }
    }
    Ok(json(toml::from_str(text)?))
}

/// `build`: check, score, render, write; summary and change report.
pub fn build(project: &Project, args: &BuildArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let mut session = Session::open(project.clone())?;
    let progress = Progress::new(args.quiet);
    progress.stage("读取、校验并计分…");
    let built = session.build(
        BuildOptions {
            draft: args.draft,
            ..BuildOptions::default()
        },
        &|stage| progress.stage(stage),
    )?;
    progress.finish();
    report_build(&session, &built, start.elapsed());
    Ok(status(build_ok(&built)))
}

pub fn build_ok(built: &Built) -> bool {
    !built.refused && built.render_problems.is_empty() && built.record.summary.errors == 0
}

/// The summary printed after every build (and by `watch`).
pub fn report_build(session: &Session, built: &Built, elapsed: std::time::Duration) {
    for line in built.recovered.messages() {
        println!("{line}");
    }
    let diags = &built.checked.diagnostics;
    let s = Summary::of(diags);
    if s.errors + s.warnings > 0 {
        print!("{}", render_for_people(diags));
    }
    for d in built.render_problems.iter().chain(&built.output_problems) {
        println!("{d}");
    }
    if built.refused {
        println!(
            "校验发现 {} 个错误，未生成文件。请按上列提示修改后重新报送；如需先出草稿，请加 --draft（每页将标注“草稿”）。",
            s.errors
        );
    }
    let render = Summary::of(&built.render_problems);
    if render.errors > 0 {
        println!(
            "排版发现 {} 个错误，未写出文件。请按上列提示修改模板、字体或所报数据后重新生成。",
            render.errors
        );
    }
    // Everything this build found: check, rendering (missing glyphs, template errors) and
    // the output folder — the same count the build record keeps.
    let s = built.record.summary;
    if built.documents.is_empty() {
        let stale: Vec<String> = built
            .stale_documents()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        if !stale.is_empty() {
            println!(
                "注意：{} 仍是此前生成的版本，未反映本次报送的数据。",
                stale.join("、")
            );
        }
    }
    for w in &built.template_warnings {
        println!("{w}");
    }
    for doc in &built.documents {
        let note = match (doc.outcome, doc.rendered) {
            (crate::fsutil::WriteOutcome::Written, _) => "已写出",
            (crate::fsutil::WriteOutcome::Unchanged, true) => "未变化",
            (crate::fsutil::WriteOutcome::Unchanged, false) => "数据与模板未变，沿用上次排版",
        };
        println!("{}：{}（{note}）", doc.kind.label(), doc.path.display());
    }
    if let Some(report) = session.font_report() {
        println!("字体：{report}");
    }
    let written = built
        .documents
        .iter()
        .filter(|d| d.outcome == crate::fsutil::WriteOutcome::Written)
        .count();
    let rendered = built.documents.iter().filter(|d| d.rendered).count();
    println!(
        "总分 {} / {}；{} 个错误，{} 个警告；排版 {} 份，写出 {} 个文件（{} 个内容未变）；用时 {:.2} 秒（{}）。",
        display(built.record.total),
        display(built.checked.scores.max),
        s.errors,
        s.warnings,
        rendered,
        written,
        built.documents.len() - written,
        elapsed.as_secs_f64(),
        built.timings.render()
    );
    print!("{}", built.changes.render());
}

/// `archive`: copy the current set into a new dated folder.
pub fn archive(project: &Project, to: Option<&Path>) -> Result<ExitCode> {
    // Read the output folder as one generation: finish a build that was interrupted
    // while writing, and keep builds out while copying.
    let _lock = crate::output_set::lock(&project.output)?;
    for line in crate::output_set::recover(&project.output)?.messages() {
        println!("{line}");
    }
    let record_path = project.output.join(crate::pipeline::RECORD_FILE);
    let bytes = std::fs::read(&record_path).with_context(|| {
        format!(
            "输出目录中没有生成记录（{}），请先运行 build",
            record_path.display()
        )
    })?;
    let Some(record) = BuildRecord::from_json(&bytes) else {
        bail!(
            "生成记录 {} 已损坏，请重新运行 build",
            record_path.display()
        );
    };
    if record.outputs.is_empty() {
        bail!("上次生成没有写出任何文件（校验有错误），无可归档");
    }
    let root = to.map_or_else(|| project.archive.clone(), Path::to_path_buf);
    let campaign = zhiliang_core::config::Campaign::load(&project.campaign_file)?;
    let now = chrono::Local::now();
    let occasion = crate::archive::Occasion {
        date: now.date_naive(),
        archived_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        district: campaign.district.name.clone(),
        issuer: campaign.district.issuer,
    };
    let renderer = crate::pipeline::LazyRenderer::new(&project.templates, &project.fonts);
    let render_form = |data: &serde_json::Value, date: chrono::NaiveDate| -> Result<Vec<u8>> {
        let renderer = renderer.get().map_err(|why| anyhow::anyhow!(why))?;
        let pdf = renderer
            .render_template(
                crate::archive::FORM_TEMPLATE,
                "zhiliang/archive-register",
                "归档登记表",
                data,
                &zhiliang_render::RenderOptions::new(date),
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(pdf.pdf)
    };
    let archived = crate::archive::create(
        &record,
        &project.root,
        &project.output,
        &root,
        &occasion,
        &render_form,
    )?;
    println!(
        "已归档到 {}：{} 个输出文件、{} 个输入文件，总分 {}。",
        archived.folder.display(),
        record.outputs.len(),
        record.inputs.len(),
        display(record.total)
    );
    println!(
        "请打印 {} 并签字，与所归档的文件一并保存；清单 SHA-256：{}（已记入登记簿第 {} 条）。",
        archived.folder.join(crate::archive::FORM).display(),
        archived.manifest_sha256,
        archived.entry.seq
    );
    Ok(ExitCode::SUCCESS)
}

/// `verify`: re-hash an archive; check its manifest against the register and, with
/// `--expect`, against the hash on the signed paper form.
pub fn verify(folder: &Path, expect: Option<&str>) -> Result<ExitCode> {
    let expect = match expect {
        Some(text) => Some(crate::archive::parse_expected(text).with_context(|| {
            format!("--expect 应为 64 位十六进制的清单 SHA-256（可含空格），所给的“{text}”不是")
        })?),
        None => None,
    };
    let v = crate::archive::verify(folder, expect.as_deref())?;
    if v.problems.is_empty() {
        let mut anchors = Vec::new();
        if let Some(e) = &v.entry {
            anchors.push(format!("与登记簿第 {} 条一致", e.seq));
        }
        if v.matches_paper {
            anchors.push("与纸质归档登记表一致".to_string());
        }
        println!(
            "归档完好：{} 个文件与清单一致；清单 SHA-256 {}，{}（归档于 {}，总分 {}）。",
            v.manifest.files.len(),
            v.manifest_sha256,
            anchors.join("，"),
            v.manifest.archived_at,
            display(v.manifest.total)
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &v.problems {
        println!("{p}");
    }
    println!("归档校验未通过：{} 处问题。", v.problems.len());
    Ok(ExitCode::from(1))
}

/// `read-worker` (hidden): limit this process, read one workbook from standard input,
/// print the result as JSON on standard output. Exit 0 whenever an answer was printed
/// (including "this file cannot be read"); the parent treats anything else as a crash.
pub fn read_worker(memory: u64, cpu: u64) -> ExitCode {
    if let Err(e) = zhiliang_workbook::ingest::isolate::apply_limits(memory, cpu) {
        eprintln!("错误：无法设置读取进程的资源限制（{e}）");
        return ExitCode::from(2);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match zhiliang_workbook::ingest::isolate::worker_main(&mut stdin.lock(), &mut stdout.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

/// `evidence-worker` (hidden): limit this process, open evidence files from standard
/// input as the binder will embed them, print each result as JSON on standard output.
pub fn evidence_worker(memory: u64, cpu: u64) -> ExitCode {
    if let Err(e) = zhiliang_isolate::apply_limits(memory, cpu) {
        eprintln!("错误：无法设置检查进程的资源限制（{e}）");
        return ExitCode::from(2);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match zhiliang_render::evidence::worker_main(&mut stdin.lock(), &mut stdout.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

/// A spinner with the current stage, on standard error; silent with `--quiet` or when
/// standard error is not a terminal.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Progress(Some(bar))
    }
    pub fn stage(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.to_string());
        }
    }
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
