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
use zhiliang_core::facts::FactsFile;
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
    let dir = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| project.output.join("填报表"));
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
        let bytes =
            zhiliang_workbook::write_form(&setup.catalogue, &setup.roster, &setup.campaign, u)?;
        let path = dir.join(format!("{}-{}.xlsx", u.id, u.name));
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
        let written = zhiliang_workbook::write_feedback_folder(
            dir,
            &session.setup.roster,
            &checked.diagnostics,
        )?;
        eprintln!(
            "已为 {} 个单位生成问题反馈表：{}",
            written.len(),
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
            let file: FactsFile = if path.extension().is_some_and(|e| e == "toml") {
                toml_facts(&text).with_context(|| format!("{} 格式有误", path.display()))?
            } else {
                serde_json::from_str(&text)
                    .with_context(|| format!("{} 格式有误", path.display()))?
            };
            let setup = &session.setup;
            let (facts, mut diags) =
                zhiliang_core::merge::merge(&setup.catalogue, &setup.roster, &file.submissions);
            let (sheet, score_diags) =
                zhiliang_core::score::score(&setup.catalogue, &facts, &setup.campaign);
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

fn toml_facts(text: &str) -> Result<FactsFile> {
    Ok(toml::from_str(text)?)
}

/// `build`: check, score, render, write; summary and change report.
pub fn build(project: &Project, args: &BuildArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let mut session = Session::open(project.clone())?;
    let progress = Progress::new(args.quiet);
    progress.stage("读取、校验并计分…");
    let built = session.build(BuildOptions { draft: args.draft }, &|stage| {
        progress.stage(stage)
    })?;
    progress.finish();
    report_build(&session, &built, start.elapsed());
    Ok(status(build_ok(&built)))
}

pub fn build_ok(built: &Built) -> bool {
    !built.refused && built.render_problems.is_empty() && built.record.summary.errors == 0
}

/// The summary printed after every build (and by `watch`).
pub fn report_build(session: &Session, built: &Built, elapsed: std::time::Duration) {
    let diags = &built.checked.diagnostics;
    let s = Summary::of(diags);
    if s.errors + s.warnings > 0 {
        print!("{}", render_for_people(diags));
    }
    for d in &built.render_problems {
        println!("{d}");
    }
    if built.refused {
        println!(
            "校验发现 {} 个错误，未生成文件。请按上列提示修改后重新报送；如需先出草稿，请加 --draft（每页将标注“草稿”）。",
            s.errors
        );
    }
    if built.documents.is_empty() {
        let stale: Vec<String> = zhiliang_render::DocKind::ALL
            .iter()
            .flat_map(|k| [k.file_name_for(false), k.file_name_for(true)])
            .map(|name| session.project.output.join(name))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !stale.is_empty() {
            println!(
                "注意：{} 仍是此前生成的版本，未反映本次报送的数据。",
                stale.join("、")
            );
        }
    }
    for (kind, path, outcome) in &built.documents {
        let note = match outcome {
            crate::fsutil::WriteOutcome::Written => "已写出",
            crate::fsutil::WriteOutcome::Unchanged => "未变化",
        };
        println!("{}：{}（{note}）", kind.label(), path.display());
    }
    if let Some(report) = session.font_report() {
        println!("字体：{report}");
    }
    let written = built
        .documents
        .iter()
        .filter(|(_, _, o)| *o == crate::fsutil::WriteOutcome::Written)
        .count();
    println!(
        "总分 {} / {}；{} 个错误，{} 个警告；写出 {} 个文件（{} 个内容未变）；用时 {:.2} 秒（{}）。",
        display(built.record.total),
        display(built.checked.scores.max),
        s.errors,
        s.warnings,
        written,
        built.documents.len() - written,
        elapsed.as_secs_f64(),
        built.timings.render()
    );
    print!("{}", built.changes.render());
}

/// `archive`: copy the current set into a new dated folder.
pub fn archive(project: &Project, to: Option<&Path>) -> Result<ExitCode> {
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
    let root = to
        .map(Path::to_path_buf)
        .unwrap_or_else(|| project.archive.clone());
    let now = chrono::Local::now();
    let folder = crate::archive::create(
        &record,
        &project.root,
        &project.output,
        &root,
        &now.format("%Y-%m-%d").to_string(),
        &now.to_rfc3339(),
    )?;
    println!(
        "已归档到 {}：{} 个输出文件、{} 个输入文件，总分 {}。",
        folder.display(),
        record.outputs.len(),
        record.inputs.len(),
        display(record.total)
    );
    Ok(ExitCode::SUCCESS)
}

/// `verify`: re-hash an archive.
pub fn verify(folder: &Path) -> Result<ExitCode> {
    let (manifest, problems) = crate::archive::verify(folder)?;
    if problems.is_empty() {
        println!(
            "归档完好：{} 个文件与清单一致（归档于 {}，总分 {}）。",
            manifest.files.len(),
            manifest.archived_at,
            display(manifest.total)
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        println!("{p}");
    }
    println!("归档校验未通过：{} 处问题。", problems.len());
    Ok(ExitCode::from(1))
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
