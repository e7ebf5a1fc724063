//! The pipeline, stage by stage: load → ingest → check → merge → score → document data →
//! render → write. A [`Session`] keeps what is expensive and rarely changes (fonts, the
//! Typst library, parsed workbooks, rendered PDFs) between builds, so that `watch`
//! re-does only the stages whose inputs changed.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::changes::ChangeReport;
use crate::fsutil::{WriteOutcome, relative, sha256_file, sha256_hex};
use crate::output_set;
use crate::project::{Project, Setup};
use crate::record::{BuildRecord, FileEntry, IndicatorBrief};
use zhiliang_core::diagnostics::{self, Diagnostic, Summary};
use zhiliang_core::facts::{EvidenceItem, Facts};
use zhiliang_core::score::ScoreSheet;
use zhiliang_render::{DocKind, RenderOptions, RenderedDocument, Renderer};
use zhiliang_workbook::{IngestCache, IngestReport, Reader};

/// Name of the build record in the output folder.
pub const RECORD_FILE: &str = "生成记录.json";
/// Name of the change report in the output folder.
pub const CHANGES_FILE: &str = "变更报告.txt";
/// Name of the diagnostics listing in the output folder.
pub const DIAGNOSTICS_FILE: &str = "校验结果.json";

/// Everything the check stage produces: the facts as submitted and every problem found.
pub struct Checked {
    pub ingest: IngestReport,
    pub facts: Facts,
    pub evidence: Vec<EvidenceItem>,
    pub scores: ScoreSheet,
    /// Sorted: by unit, file, sheet, severity, cell.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
}

/// Wall-clock time per stage, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings(pub Vec<(String, Duration)>);

impl Timings {
    fn add(&mut self, stage: &str, since: Instant) -> Instant {
        let now = Instant::now();
        self.0.push((stage.to_string(), now - since));
        now
    }
    pub fn render(&self) -> String {
        self.0
            .iter()
            .map(|(stage, d)| format!("{stage} {:.1} ms", d.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join("，")
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Render even with check errors, marked 草稿 on every page.
    pub draft: bool,
}

/// The outcome of one build.
pub struct Built {
    pub checked: Checked,
    /// Empty when rendering was refused because of check errors.
    pub documents: Vec<(DocKind, PathBuf, WriteOutcome)>,
    /// Set when rendering was refused (errors and no `--draft`).
    pub refused: bool,
    /// Rendering or writing problems (missing glyphs, template errors).
    pub render_problems: Vec<Diagnostic>,
    /// `output-mismatch`: files of the previous set that no longer match its build record.
    pub output_problems: Vec<Diagnostic>,
    /// What was left of an interrupted build and has been finished or removed.
    pub recovered: output_set::Recovery,
    pub record: BuildRecord,
    pub changes: ChangeReport,
    pub timings: Timings,
}

/// Long-lived state between builds.
pub struct Session {
    pub project: Project,
    pub setup: Setup,
    renderer: Option<Renderer>,
    /// Rendered PDFs by document, keyed by the hash of their data + templates + options.
    render_cache: HashMap<DocKind, (String, RenderedDocument)>,
    /// Parsed workbooks by content: a rebuild re-reads only the files that changed.
    ingest_cache: IngestCache,
    /// How workbooks are read: the `zhiliang` binary reads each one in an isolated worker
    /// process (see `zhiliang_workbook::ingest::isolate`); library users read in-process.
    pub reader: Reader,
}

impl Session {
    pub fn open(project: Project) -> Result<Session> {
        let setup = project.load()?;
        Ok(Session {
            project,
            setup,
            renderer: None,
            render_cache: HashMap::new(),
            ingest_cache: IngestCache::default(),
            reader: Reader::process_default(),
        })
    }

    /// Re-reads catalogue, roster and campaign (after one of them changed).
    pub fn reload_setup(&mut self) -> Result<()> {
        self.setup = self.project.load()?;
        // Parsed workbooks depend on the catalogue (which facts a form holds) and roster.
        self.ingest_cache = IngestCache::default();
        Ok(())
    }

    /// Drops the renderer (after a template or font change), so the next build reloads it.
    pub fn reset_renderer(&mut self) {
        self.renderer = None;
        self.render_cache.clear();
    }

    /// Which font served each role, once the renderer is loaded.
    pub fn font_report(&self) -> Option<String> {
        self.renderer.as_ref().map(|r| {
            r.font_report()
                .roles
                .iter()
                .map(|role| format!("{}={}", role.role.label(), role.family))
                .collect::<Vec<_>>()
                .join("，")
        })
    }

    fn renderer(&mut self) -> Result<&Renderer> {
        if self.renderer.is_none() {
            let renderer = Renderer::new(&self.project.templates, &self.project.fonts)
                .context("无法加载模板或字体")?;
            self.renderer = Some(renderer);
        }
        Ok(self.renderer.as_ref().expect("just set"))
    }

    /// Ingest, check, merge and score: everything `check` and `score` print.
    pub fn check(&mut self) -> Result<Checked> {
        let mut timings = Timings::default();
        let t = Instant::now();
        let Setup {
            catalogue,
            roster,
            campaign,
            ..
        } = &self.setup;
        let ingest = zhiliang_workbook::ingest_with(
            &self.project.input,
            catalogue,
            roster,
            &mut self.ingest_cache,
            &self.reader,
        );
        let t = timings.add("读取", t);
        let evidence_root = self.project.input.join("evidence");
        // `check` returns the whole run's problems, the ingest diagnostics included.
        let mut diagnostics =
            zhiliang_workbook::check(catalogue, roster, campaign, &ingest, &evidence_root);
        // A unit that sent two files has both reported and neither used.
        let submissions = ingest.accepted_submissions();
        let mut evidence =
            zhiliang_workbook::evidence_index(catalogue, roster, &submissions, &evidence_root);
        // The binder's check: every evidence PDF or image opened as the binder will embed
        // it (damaged, encrypted, too large → errors; PDF pages → not PDF/A).
        diagnostics.extend(zhiliang_render::data::inspect_evidence(
            &mut evidence,
            &self.project.input,
        ));
        let t = timings.add("校验", t);
        let (facts, merge_diags) = zhiliang_core::merge::merge(catalogue, roster, &submissions);
        diagnostics.extend(merge_diags);
        let (scores, score_diags) = zhiliang_core::score::score(catalogue, &facts, campaign);
        diagnostics.extend(score_diags);
        diagnostics.extend(catalogue.example_benchmarks(campaign));
        diagnostics::sort(&mut diagnostics);
        // Thousands of rows with the same problem: the first few, then one summary.
        let diagnostics = zhiliang_workbook::check::summarise_repeats(
            diagnostics,
            zhiliang_workbook::layout::limits::REPEATS_SHOWN,
        );
        timings.add("计分", t);
        Ok(Checked {
            ingest,
            facts,
            evidence,
            scores,
            diagnostics,
            timings,
        })
    }

    /// The whole build: check, score, render the three PDFs, write them with the build
    /// record, the diagnostics and the change report.
    pub fn build(&mut self, options: BuildOptions, on_stage: &dyn Fn(&str)) -> Result<Built> {
        on_stage("读取、校验并计分…");
        let checked = self.check()?;
        let mut timings = checked.timings.clone();
        let has_errors = checked.diagnostics.iter().any(Diagnostic::is_error);
        let refused = has_errors && !options.draft;
        let output = self.project.output.clone();
        std::fs::create_dir_all(&output)
            .with_context(|| format!("无法创建输出目录 {}", output.display()))?;

        let mut rendered_docs = Vec::new();
        let mut render_problems = Vec::new();
        // `--draft` always gives drafts: 草稿 on every page, in the title and the file name.
        let draft = options.draft;
        if !refused {
            on_stage("排版四份文件…");
            let t = Instant::now();
            let rendered = self.render_documents(&checked, draft, &mut timings);
            timings.add("排版", t);
            match rendered {
                Ok(docs) => rendered_docs = docs,
                Err(problems) => render_problems = problems,
            }
        }

        // Write phase: the whole set (PDFs, diagnostics, change report, build record) is
        // replaced as one, under the output folder's lock, after finishing or undoing
        // whatever an interrupted build left there.
        on_stage("写出…");
        let t = Instant::now();
        let _lock = output_set::lock(&output)?;
        let recovered = output_set::recover(&output)?;
        let previous_bytes = std::fs::read(output.join(RECORD_FILE)).ok();
        let previous = previous_bytes.as_deref().and_then(BuildRecord::from_json);
        let output_problems = check_output_set(
            &output,
            previous_bytes.is_some(),
            previous.as_ref(),
            !rendered_docs.is_empty(),
        );
        let outputs: Vec<FileEntry> = rendered_docs
            .iter()
            .map(|doc| FileEntry {
                path: doc.kind.file_name_for(draft).to_string(),
                sha256: sha256_hex(&doc.pdf),
                size: doc.pdf.len() as u64,
                unit: None,
            })
            .collect();
        let mut all_diags = checked.diagnostics.clone();
        all_diags.extend(render_problems.iter().cloned());
        all_diags.extend(output_problems.iter().cloned());
        let record = self.record(&checked, &all_diags, outputs, draft)?;
        let changes = ChangeReport::between(previous.as_ref(), &record);
        let mut diag_json = serde_json::to_vec_pretty(&all_diags)?;
        diag_json.push(b'\n');
        let changes_text = changes.render();
        let record_json = record.to_json();
        let t = timings.add("记录", t);
        let mut files: Vec<(&str, &[u8])> = rendered_docs
            .iter()
            .map(|doc| (doc.kind.file_name_for(draft), doc.pdf.as_slice()))
            .collect();
        files.push((DIAGNOSTICS_FILE, &diag_json));
        files.push((CHANGES_FILE, changes_text.as_bytes()));
        // The record last: it vouches for the files before it.
        files.push((RECORD_FILE, &record_json));
        let outcomes = output_set::commit(&output, &files)?;
        // The other variant of each document is now stale: a final left beside newer
        // drafts would pass for current, and vice versa.
        for doc in &rendered_docs {
            remove_stale(&output.join(doc.kind.file_name_for(!draft)))?;
        }
        let documents = rendered_docs
            .iter()
            .zip(outcomes)
            .map(|(doc, outcome)| {
                (
                    doc.kind,
                    output.join(doc.kind.file_name_for(draft)),
                    outcome,
                )
            })
            .collect();
        timings.add("写出", t);
        Ok(Built {
            checked,
            documents,
            refused,
            render_problems,
            output_problems,
            recovered,
            record,
            changes,
            timings,
        })
    }

    /// Builds the document data and renders what changed since the last build of this
    /// session; unchanged documents come from the cache.
    fn render_documents(
        &mut self,
        checked: &Checked,
        draft: bool,
        timings: &mut Timings,
    ) -> std::result::Result<Vec<RenderedDocument>, Vec<Diagnostic>> {
        let document_date = self.setup.campaign.dates.document_date;
        if let Err(e) = self.renderer() {
            return Err(vec![template_error(format!("{e:#}"))]);
        }
        let renderer = self.renderer.as_ref().expect("renderer loaded above");
        let Setup {
            catalogue,
            roster,
            campaign,
            ..
        } = &self.setup;
        let inputs = zhiliang_render::data::Inputs::new(
            campaign,
            roster,
            catalogue,
            &checked.facts,
            &checked.scores,
            &checked.evidence,
            &checked.diagnostics,
        )
        .with_evidence_dir(&self.project.input);
        let t = Instant::now();
        let set = renderer.build_data(&inputs).map_err(|e| e.diagnostics())?;
        timings.add("文件数据", t);
        let mut options = RenderOptions::new(document_date);
        options.draft = draft;

        let mut keys = BTreeMap::new();
        let mut todo = Vec::new();
        for kind in DocKind::ALL {
            let data = serde_json::to_vec(set.get(kind)).expect("document data serialises");
            let templates = templates_fingerprint(&self.project.templates, kind);
            let key = sha256_hex(format!("{}|{templates}|{draft}", sha256_hex(&data)).as_bytes());
            if self.render_cache.get(&kind).map(|(k, _)| k) != Some(&key) {
                todo.push(kind);
            }
            keys.insert(kind, key);
        }
        let fresh: Vec<(
            DocKind,
            Result<RenderedDocument, zhiliang_render::RenderError>,
        )> = std::thread::scope(|s| {
            let handles: Vec<_> = todo
                .iter()
                .map(|&kind| {
                    let (set, options) = (&set, &options);
                    s.spawn(move || (kind, renderer.render_doc(kind, set, options)))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("render thread"))
                .collect()
        });
        // A long-running `watch` would otherwise keep every memoised layout forever.
        Renderer::evict_cache(10);
        let mut problems = Vec::new();
        for (kind, result) in fresh {
            match result {
                Ok(doc) => {
                    self.render_cache.insert(kind, (keys[&kind].clone(), doc));
                }
                Err(e) => problems.extend(e.diagnostics()),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(DocKind::ALL
            .iter()
            .map(|k| self.render_cache[k].1.clone())
            .collect())
    }

    fn record(
        &self,
        checked: &Checked,
        diagnostics: &[Diagnostic],
        outputs: Vec<FileEntry>,
        draft: bool,
    ) -> Result<BuildRecord> {
        let root = &self.project.root;
        let mut inputs = Vec::new();
        for path in self.project.config_files() {
            let (sha256, size) = sha256_file(&path)?;
            inputs.push(FileEntry {
                path: relative(&path, root),
                sha256,
                size,
                unit: None,
            });
        }
        // The hash of the bytes ingest read: the file is not opened again (its name may
        // not be UTF-8, it may have become unreadable), so build judges exactly the files
        // check judged. A file that could not be read has an empty hash.
        for file in &checked.ingest.files {
            let path = self.project.input.join(&file.path);
            inputs.push(FileEntry {
                path: relative(&path, root),
                sha256: file.sha256.clone().unwrap_or_default(),
                size: file.size,
                unit: file.unit.clone(),
            });
        }
        hash_files_under(&self.project.input.join("evidence"), root, &mut inputs)?;
        hash_files_under(&self.project.templates, root, &mut inputs)?;
        inputs.sort();
        inputs.dedup_by(|a, b| a.path == b.path);
        Ok(BuildRecord {
            program: env!("CARGO_PKG_NAME").to_string(),
            program_version: env!("CARGO_PKG_VERSION").to_string(),
            catalogue_sha256: self.setup.catalogue_sha256.clone(),
            draft,
            total: checked.scores.total,
            scores: checked
                .scores
                .indicators
                .iter()
                .map(|s| {
                    (
                        s.id,
                        IndicatorBrief {
                            score: s.score,
                            points: s.points,
                            basis: s.basis.clone(),
                        },
                    )
                })
                .collect(),
            summary: Summary::of(diagnostics),
            inputs,
            outputs,
            diagnostics: diagnostics.to_vec(),
        })
    }
}

/// Removes a document left over from an earlier build of the other kind (draft/final).
fn remove_stale(path: &std::path::Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("无法删除过时的文件 {}", path.display())),
    }
}

/// Appends every file below `dir` (if it exists), hashed, with paths relative to `root`.
/// A file that cannot be read is recorded with an empty hash rather than failing the
/// build: `check` reports it (an unreadable evidence file is a warning there).
fn hash_files_under(
    dir: &std::path::Path,
    root: &std::path::Path,
    into: &mut Vec<FileEntry>,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_file() {
            let (sha256, size) = sha256_file(entry.path()).unwrap_or_else(|_| {
                (
                    String::new(),
                    entry.metadata().map(|m| m.len()).unwrap_or(0),
                )
            });
            into.push(FileEntry {
                path: relative(entry.path(), root),
                sha256,
                size,
                unit: None,
            });
        }
    }
    Ok(())
}

/// Compares the PDFs on disk with the build record that vouches for them: a PDF edited,
/// replaced or deleted by hand since the last build is an `output-mismatch` warning, so
/// nobody prints or archives a file the program did not produce.
fn check_output_set(
    output: &std::path::Path,
    record_exists: bool,
    previous: Option<&BuildRecord>,
    rewriting: bool,
) -> Vec<Diagnostic> {
    use zhiliang_core::diagnostics::{Code, Location};
    let then = if rewriting {
        "本次生成已重新写出该文件。"
    } else {
        "本次未生成新文件，该文件不是程序生成的版本，请勿打印或归档，修正问题后重新生成。"
    };
    let problem = |name: &str, what: String| {
        Diagnostic::new(
            Code::OutputMismatch,
            Location {
                file: Some(format!("output/{name}")),
                ..Default::default()
            },
            format!("{what}{then}"),
        )
    };
    let mut out = Vec::new();
    match previous {
        Some(record) => {
            for entry in &record.outputs {
                let path = output.join(&entry.path);
                match sha256_file(&path) {
                    Ok((hash, _)) if hash == entry.sha256 => {}
                    Ok(_) => out.push(problem(
                        &entry.path,
                        format!(
                            "输出目录中的 {} 与生成记录不符（内容已变，可能被手工修改或替换）。",
                            entry.path
                        ),
                    )),
                    Err(_) => out.push(problem(
                        &entry.path,
                        format!("生成记录中的 {} 已不在输出目录中。", entry.path),
                    )),
                }
            }
        }
        None => {
            let why = if record_exists {
                format!("生成记录 {RECORD_FILE} 已损坏")
            } else {
                format!("没有生成记录 {RECORD_FILE}")
            };
            for kind in DocKind::ALL {
                for name in [kind.file_name_for(false), kind.file_name_for(true)] {
                    if output.join(name).exists() {
                        out.push(problem(
                            name,
                            format!("输出目录中有 {name}，但{why}，无法核对它是哪一次生成的。"),
                        ));
                    }
                }
            }
        }
    }
    out
}

fn template_error(message: String) -> Diagnostic {
    Diagnostic::new(
        zhiliang_core::diagnostics::Code::TemplateError,
        zhiliang_core::diagnostics::Location::default(),
        message,
    )
}

/// Hash of the template files one document depends on (names and contents): every file
/// under the templates folder except the other documents' main templates. Editing
/// `annual-report.typ` therefore re-renders the annual report only; editing `style.typ`
/// re-renders all three.
fn templates_fingerprint(dir: &std::path::Path, kind: DocKind) -> String {
    let others: Vec<String> = DocKind::ALL
        .iter()
        .filter(|k| **k != kind)
        .map(|k| k.template().trim_start_matches('/').to_string())
        .collect();
    let mut text = String::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() && !others.contains(&relative(entry.path(), dir)) {
            let hash = sha256_file(entry.path())
                .map(|(h, _)| h)
                .unwrap_or_default();
            text.push_str(&format!("{}={hash};", relative(entry.path(), dir)));
        }
    }
    sha256_hex(text.as_bytes())
}
