//! `watch`: rebuild whenever a workbook, evidence file, the catalogue, the configuration,
//! a template or a font changes, and print what changed each time.
//!
//! Editors and office suites save in bursts (write a temp file, rename it over the old
//! one, touch a lock file), so events are collected until the folder has been quiet for
//! [`DEBOUNCE`]. A file that arrived by rename, or was closed after writing, is complete;
//! any other changed file is waited for while it still grows (`STABLE`). A workbook
//! caught half-written anyway (unreadable) is retried a few times before its error is
//! reported. Both waits are short because the retry catches what they miss: the time
//! from a saved workbook to the rewritten PDF is mostly the rebuild itself.

use anyhow::{Context, Result};
use notify::{RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use crate::cli::BuildArgs;
use crate::commands::{Progress, report_build};
use crate::fsutil::normalise;
use crate::pipeline::{BuildOptions, Checked, Session};
use crate::project::Project;
use zhiliang_core::diagnostics::Code;

/// Quiet time that ends a burst of file events.
pub const DEBOUNCE: Duration = Duration::from_millis(60);
/// Interval between two size checks of a file that may still be growing.
const STABLE: Duration = Duration::from_millis(50);
/// How often a build that found a half-written workbook is retried.
const RETRIES: usize = 3;

/// Names written by editors and office suites while saving, never real inputs.
fn is_noise(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.starts_with("~$")
        || name.starts_with(".~lock")
        || name.starts_with(".zhiliang-")
        || name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".tmp")
        || name.ends_with(".swp")
        || name == "4913"
}

/// The watched paths, each spelt once the way [`normalise`] spells event paths: with the
/// default `--root .` the project says `./input/campaign.toml` while events say
/// `/home/…/./input/campaign.toml` or `/home/…/input/campaign.toml`.
struct Watched {
    input: PathBuf,
    output: PathBuf,
    templates: PathBuf,
    fonts: PathBuf,
    catalogue: Option<PathBuf>,
    config_files: Vec<PathBuf>,
}

impl Watched {
    fn of(project: &Project) -> Watched {
        Watched {
            input: normalise(&project.input),
            output: normalise(&project.output),
            templates: normalise(&project.templates),
            fonts: normalise(&project.fonts),
            catalogue: project.catalogue_file.parent().map(normalise),
            config_files: project
                .config_files()
                .iter()
                .map(|f| normalise(f))
                .collect(),
        }
    }

    /// The folders to watch (recursively).
    fn folders(&self) -> Vec<PathBuf> {
        let mut folders = vec![
            self.input.clone(),
            self.templates.clone(),
            self.fonts.clone(),
        ];
        folders.extend(self.catalogue.clone());
        folders.dedup();
        folders
    }
}

pub fn run(project: &Project, args: &BuildArgs) -> Result<ExitCode> {
    let mut session = Session::open(project.clone())?;
    build_once(&mut session, args, &BTreeSet::new());

    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .context("无法启动文件监视")?;
    let paths = Watched::of(project);
    let watched = paths.folders();
    for dir in &watched {
        if dir.exists() {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .with_context(|| format!("无法监视 {}", dir.display()))?;
        }
    }
    println!(
        "正在监视 {}（按 Ctrl+C 退出）…",
        watched
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join("、")
    );

    loop {
        let Ok(first) = rx.recv() else {
            return Ok(ExitCode::SUCCESS);
        };
        let mut changed = BTreeSet::new();
        let mut complete = BTreeSet::new();
        collect(first, &paths.output, &mut changed, &mut complete);
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(event) => collect(event, &paths.output, &mut changed, &mut complete),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Ok(ExitCode::SUCCESS),
            }
        }
        if changed.is_empty() {
            continue;
        }
        wait_until_stable(&changed.difference(&complete).cloned().collect());
        let touches = |dir: &Path| changed.iter().any(|p| p.starts_with(dir));
        let config_changed = paths.config_files.iter().any(|f| changed.contains(f))
            || paths.catalogue.as_deref().is_some_and(touches);
        if config_changed && let Err(e) = session.reload_setup() {
            println!("配置文件有误，暂不重新生成：{e:#}");
            continue;
        }
        if touches(&paths.fonts) {
            session.reset_renderer();
        }
        println!(
            "检测到变更：{}",
            changed
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("、")
        );
        build_once(&mut session, args, &changed);
        println!("{WAITING}");
    }
}

/// Adds the event's paths, normalised, except noise and the output folder's own files.
/// Paths whose content is known to be complete (renamed into place, or closed after
/// writing) also go to `complete`.
fn collect(
    event: notify::Result<notify::Event>,
    output: &Path,
    into: &mut BTreeSet<PathBuf>,
    complete: &mut BTreeSet<PathBuf>,
) {
    use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
    let Ok(event) = event else { return };
    let done = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => return,
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => true,
        _ => false,
    };
    let last = event.paths.len().saturating_sub(1);
    for (i, path) in event.paths.into_iter().enumerate() {
        let path = normalise(&path);
        if path.starts_with(output) || is_noise(&path) {
            continue;
        }
        // Of a rename pair (from, to), only the target is complete.
        let renamed_to = !matches!(
            event.kind,
            EventKind::Modify(ModifyKind::Name(RenameMode::Both))
        ) || i == last;
        if done && renamed_to {
            complete.insert(path.clone());
        } else {
            complete.remove(&path);
        }
        into.insert(path);
    }
}

/// Waits (at most two seconds) until no changed file is still growing.
fn wait_until_stable(paths: &BTreeSet<PathBuf>) {
    if paths.is_empty() {
        return;
    }
    let snapshot = || {
        paths
            .iter()
            .map(|p| {
                std::fs::metadata(p)
                    .map(|m| (m.len(), m.modified().ok()))
                    .ok()
            })
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut before = snapshot();
    while Instant::now() < deadline {
        std::thread::sleep(STABLE);
        let now = snapshot();
        if now == before {
            return;
        }
        before = now;
    }
}

/// Builds once, after waiting (a few times half a second) while a just-changed workbook is
/// unreadable — most likely still being copied. Only the check runs while waiting, so the
/// build record and the change report are written once, against the previous real build.
fn build_once(session: &mut Session, args: &BuildArgs, changed: &BTreeSet<PathBuf>) {
    let progress = Progress::new(args.quiet);
    let start = Instant::now();
    let mut checked = session.check();
    for _ in 1..RETRIES {
        match &checked {
            Ok(c) if half_written(c, session, changed) => {
                std::thread::sleep(Duration::from_millis(500));
                checked = session.check();
            }
            _ => break,
        }
    }
    let options = BuildOptions {
        draft: args.draft,
        ..BuildOptions::default()
    };
    let result = checked.and_then(|c| session.build_checked(c, options, &|s| progress.stage(s)));
    progress.finish();
    match result {
        Ok(built) => report_build(session, &built, start.elapsed()),
        Err(e) => println!("生成失败：{e:#}"),
    }
}

/// Printed after every build: the office (and the tests) know the report is complete.
pub const WAITING: &str = "继续监视中，等待下一次变更……";

fn half_written(checked: &Checked, session: &Session, changed: &BTreeSet<PathBuf>) -> bool {
    checked.diagnostics.iter().any(|d| {
        matches!(d.code, Code::UnreadableFile)
            && d.location
                .file
                .as_ref()
                .is_some_and(|f| changed.contains(&normalise(&session.project.input.join(f))))
    })
}
