//! The pipeline, stage by stage: load → ingest → check → merge → score → document data →
//! render → write. A [`Session`] keeps what is expensive and rarely changes (fonts, the
//! Typst library, parsed workbooks, rendered PDFs) between builds, so that `watch`
//! re-does only the stages whose inputs changed.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::changes::ChangeReport;
use crate::fsutil::{WriteOutcome, relative, sha256_file, sha256_hex};
use crate::output_set;
use crate::project::{Project, Setup};
use crate::record::{BuildRecord, FileEntry, IndicatorBrief};
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::diagnostics::{self, Diagnostic, Summary};
use zhiliang_core::facts::{EvidenceItem, Facts};
use zhiliang_core::score::ScoreSheet;
use zhiliang_render::Fingerprints;
use zhiliang_render::evidence::{InspectionCache, Inspector};
use zhiliang_render::{DocKind, DocumentSet, RenderJob, RenderOptions, RenderedDocument, Renderer};
use zhiliang_workbook::{IngestCache, IngestReport, Reader};

/// Name of the build record in the output folder.
pub const RECORD_FILE: &str = "生成记录.json";
/// Name of the change report in the output folder.
pub const CHANGES_FILE: &str = "变更报告.txt";
/// Name of the diagnostics listing in the output folder.
pub const DIAGNOSTICS_FILE: &str = "校验结果.json";
/// What the last build found opening each evidence PDF and image, by content (hidden, in
/// the output folder): the next process opens only files that changed. Not part of the
/// printed set: not in the build record, not archived; deleting it only costs time.
/// (`.zhiliang.` like the lock: names starting `.zhiliang-` are the output set's
/// temporaries and journal.)
pub const EVIDENCE_CACHE_FILE: &str = ".zhiliang.evidence-cache.json";

/// Everything the check stage produces: the facts as submitted and every problem found.
pub struct Checked {
    pub ingest: IngestReport,
    pub facts: Facts,
    pub evidence: Vec<EvidenceItem>,
    pub scores: ScoreSheet,
    /// Everything found, sorted (by unit, file, sheet, severity, cell), long runs of one
    /// problem summarised.
    pub diagnostics: Vec<Diagnostic>,
    /// What reading, checking and merging found: facts as submitted, whatever the
    /// benchmarks. Province mode compares only counties without such errors.
    check_diagnostics: Vec<Diagnostic>,
    /// What scoring found with the benchmarks it was given (replaced by [`Checked::rescore`]).
    score_diagnostics: Vec<Diagnostic>,
    pub timings: Timings,
}

impl Checked {
    /// Forgets the submissions and rows as read from the workbooks (province mode, once a
    /// county is checked and merged): only the facts, the diagnostics and the list of
    /// files read are needed from here on, and memory must not grow with the counties.
    pub fn drop_workbook_rows(&mut self) {
        self.ingest.submissions = Vec::new();
        self.ingest.rows = Vec::new();
    }

    /// Errors found before scoring: the submissions themselves are wrong.
    pub fn check_errors(&self) -> usize {
        self.check_diagnostics
            .iter()
            .filter(|d| d.is_error())
            .count()
    }

    /// Scores the same facts again under `campaign` (province mode: the benchmarks derived
    /// from every county). Scores and scoring diagnostics are replaced; the check's own are
    /// kept. A county configuration that states another value for an end the rule fixes
    /// stays reported: that statement is still wrong, whatever benchmarks are used now.
    pub fn rescore(&mut self, catalogue: &Catalogue, campaign: &Campaign) {
        let kept: Vec<Diagnostic> = self
            .score_diagnostics
            .drain(..)
            .filter(|d| d.code == diagnostics::Code::BenchmarkFixedByRule)
            .collect();
        let (scores, mut fresh) = zhiliang_core::score::score(catalogue, &self.facts, campaign);
        fresh.retain(|d| d.code != diagnostics::Code::BenchmarkFixedByRule);
        fresh.extend(kept);
        fresh.extend(catalogue.example_benchmarks(campaign));
        self.scores = scores;
        self.score_diagnostics = fresh;
        self.diagnostics = combine(&self.check_diagnostics, &self.score_diagnostics);
    }
}

/// Check and score diagnostics as one sorted list; thousands of rows with the same problem
/// become the first few and one summary.
fn combine(check: &[Diagnostic], score: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut all: Vec<Diagnostic> = check.iter().chain(score).cloned().collect();
    diagnostics::sort(&mut all);
    zhiliang_workbook::check::summarise_repeats(
        all,
        zhiliang_workbook::layout::limits::REPEATS_SHOWN,
    )
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
    /// Leave out the 证明材料汇编 (province mode ranks counties on their three documents;
    /// each county's binder is its own `build`'s business).
    pub without_binder: bool,
}

/// The outcome of one build.
pub struct Built {
    pub checked: Checked,
    /// Empty when rendering was refused because of check errors, or failed.
    pub documents: Vec<BuiltDocument>,
    /// Set when rendering was refused (errors and no `--draft`).
    pub refused: bool,
    /// Rendering or writing problems (missing glyphs, template errors).
    pub render_problems: Vec<Diagnostic>,
    /// Typst's warnings about the templates (the documents were still written).
    pub template_warnings: Vec<Diagnostic>,
    /// `output-mismatch`: files of the previous set that no longer match its build record.
    pub output_problems: Vec<Diagnostic>,
    /// What was left of an interrupted build and has been finished or removed.
    pub recovered: output_set::Recovery,
    pub record: BuildRecord,
    pub changes: ChangeReport,
    pub timings: Timings,
    /// The output folder it was written to.
    pub output: PathBuf,
}

impl Built {
    /// Documents in the output folder that this build's record does not vouch for: left
    /// by an earlier build (the build refused or failed, or wrote the other variant), they
    /// do not reflect the data submitted now.
    pub fn stale_documents(&self) -> Vec<PathBuf> {
        DocKind::ALL
            .iter()
            .flat_map(|k| [k.file_name_for(false), k.file_name_for(true)])
            .filter(|name| !self.record.outputs.iter().any(|o| o.path == *name))
            .map(|name| self.output.join(name))
            .filter(|p| p.exists())
            .collect()
    }
}

/// One document of a build as written.
#[derive(Debug, Clone)]
pub struct BuiltDocument {
    pub kind: DocKind,
    pub path: PathBuf,
    pub outcome: WriteOutcome,
    /// Typst laid it out in this build (otherwise it was reused: unchanged render key).
    pub rendered: bool,
}

/// A rendered PDF, or the problems that stopped it.
pub type Rendered = std::result::Result<RenderedDocument, Vec<Diagnostic>>;

/// A build's documents before rendering: data, render key, reusable bytes.
pub struct Prepared {
    draft: bool,
    /// Check errors and no `--draft`: nothing is rendered.
    refused: bool,
    options: RenderOptions,
    /// The documents' data (none when refused or when building it failed).
    set: Option<DocumentSet>,
    documents: Vec<PreparedDocument>,
    /// Building the document data failed (a wording template error).
    problems: Vec<Diagnostic>,
    timings: Timings,
}

struct PreparedDocument {
    kind: DocKind,
    /// Hash of everything the PDF depends on; stored in the build record.
    key: String,
    /// The PDF of an earlier render with the same key.
    reuse: Option<Reused>,
}

/// A PDF of an earlier render with the same key — by this session (`watch`), or by the
/// previous build and still on disk unchanged — and the template warnings Typst gave then
/// (a reused document still carries them into this build's diagnostics).
struct Reused {
    pdf: Vec<u8>,
    warnings: Vec<Diagnostic>,
}

struct OutputDocument {
    kind: DocKind,
    pdf: Vec<u8>,
    key: String,
    /// How long Typst took to lay it out in this build; `None` when it was reused.
    render_time: Option<Duration>,
    /// Template warnings of its render, this build's or the reused one's (kept with the
    /// PDF in the session cache and in the build record).
    warnings: Vec<Diagnostic>,
}

/// How a template warning's message starts: it names the document it came from.
fn warning_prefix(kind: DocKind) -> String {
    format!("排版{}时：", kind.label())
}

/// A build's documents gathered from what was reused and what was rendered, with the
/// problems of those that failed and the template warnings of all.
struct Collected {
    docs: Vec<OutputDocument>,
    problems: Vec<Diagnostic>,
    template_warnings: Vec<Diagnostic>,
}

/// What [`Session::write_output`] writes besides the checked facts: the documents (none
/// when a problem withholds the set), whether they are drafts, whether the check refused
/// the build, and the timings so far.
struct OutputSet {
    collected: Collected,
    draft: bool,
    refused: bool,
    timings: Timings,
}

/// Each prepared document, in order, from its reused PDF or its render in `rendered`; a
/// failed or missing render adds to `problems` instead.
fn collect_documents(
    documents: Vec<PreparedDocument>,
    mut rendered: BTreeMap<DocKind, Rendered>,
    mut problems: Vec<Diagnostic>,
) -> Collected {
    let mut docs: Vec<OutputDocument> = Vec::new();
    let mut template_warnings = Vec::new();
    for doc in documents {
        match doc.reuse {
            Some(reused) => {
                template_warnings.extend(reused.warnings.iter().cloned());
                docs.push(OutputDocument {
                    kind: doc.kind,
                    pdf: reused.pdf,
                    key: doc.key,
                    render_time: None,
                    warnings: reused.warnings,
                });
            }
            None => match rendered.remove(&doc.kind) {
                Some(Ok(rendered)) => {
                    let warnings = render_warnings(doc.kind, &rendered);
                    template_warnings.extend(warnings.iter().cloned());
                    docs.push(OutputDocument {
                        kind: doc.kind,
                        pdf: rendered.pdf,
                        key: doc.key,
                        render_time: Some(rendered.elapsed),
                        warnings,
                    });
                }
                Some(Err(p)) => problems.extend(p),
                None => problems.push(template_error(format!(
                    "{}未排版（内部错误：排版结果缺失）",
                    doc.kind.label()
                ))),
            },
        }
    }
    Collected {
        docs,
        problems,
        template_warnings,
    }
}

/// Typst's warnings of one render as diagnostics naming the document, with their hints.
fn render_warnings(kind: DocKind, rendered: &RenderedDocument) -> Vec<Diagnostic> {
    rendered
        .warnings
        .iter()
        .map(|w| {
            Diagnostic::new(
                diagnostics::Code::TemplateWarning,
                w.location(),
                format!(
                    "{}{}{}",
                    warning_prefix(kind),
                    w.message,
                    w.hints
                        .iter()
                        .map(|h| format!("（提示：{h}）"))
                        .collect::<String>()
                ),
            )
        })
        .collect()
}

impl Prepared {
    /// The documents that must be rendered, in order.
    pub fn jobs(&self) -> Vec<RenderJob<'_>> {
        let Some(set) = &self.set else {
            return Vec::new();
        };
        self.documents
            .iter()
            .filter(|d| d.reuse.is_none())
            .map(|d| set.job(d.kind, &self.options))
            .collect()
    }
}

/// A project's renderer (templates and fonts loaded, Typst library built), loaded on first
/// use and then kept: a build that reuses every document never loads it. The one loader
/// of `build`, `watch`, `province` and `archive`; a failure to load is kept too, as the
/// sentence each document that needed it reports.
pub struct LazyRenderer {
    templates: PathBuf,
    fonts: PathBuf,
    loaded: OnceLock<std::result::Result<Arc<Renderer>, String>>,
}

impl LazyRenderer {
    pub fn new(templates: &Path, fonts: &Path) -> LazyRenderer {
        LazyRenderer {
            templates: templates.to_path_buf(),
            fonts: fonts.to_path_buf(),
            loaded: OnceLock::new(),
        }
    }

    /// The renderer, loading it now if need be; the error says why it could not be.
    pub fn get(&self) -> std::result::Result<Arc<Renderer>, String> {
        self.loaded
            .get_or_init(|| {
                Renderer::new(&self.templates, &self.fonts)
                    .map(Arc::new)
                    .map_err(|e| format!("无法加载模板或字体：{e}"))
            })
            .clone()
    }

    /// The renderer if it has been loaded.
    pub fn loaded(&self) -> Option<Arc<Renderer>> {
        self.loaded.get().and_then(|r| r.as_ref().ok()).cloned()
    }

    /// Forgets the renderer (after a template or font change): the next use reloads it.
    pub fn reset(&mut self) {
        self.loaded = OnceLock::new();
    }

    /// Renders the jobs in parallel (see [`Renderer::render_set`]): one result per job, in
    /// job order, each with its document's kind. When the renderer cannot be loaded, each
    /// document gets its own error saying so — never a result matched by position.
    pub fn render_jobs(&self, jobs: &[RenderJob]) -> Vec<(DocKind, Rendered)> {
        if jobs.is_empty() {
            return Vec::new();
        }
        let kinds = jobs.iter().map(|j| j.kind);
        match self.get() {
            Ok(renderer) => kinds
                .zip(renderer.render_set(jobs))
                .map(|(kind, r)| (kind, r.map_err(|e| e.diagnostics())))
                .collect(),
            Err(why) => kinds
                .map(|kind| {
                    let problem = template_error(format!("{}未排版：{why}", kind.label()));
                    (kind, Err(vec![problem]))
                })
                .collect(),
        }
    }
}

/// The render key: a PDF rendered with the same key is the same PDF.
/// The program is part of it: another version may lay out the same data differently.
fn render_key(
    program: &str,
    kind: DocKind,
    data: &serde_json::Value,
    templates: &str,
    fonts: &str,
    draft: bool,
) -> String {
    let data = sha256_hex(&serde_json::to_vec(data).expect("document data serialises"));
    let text = format!(
        "{program}|{}|{data}|{templates}|{fonts}|{draft}",
        kind.label()
    );
    sha256_hex(text.as_bytes())
}

/// This program and its version, as the render key includes it.
const PROGRAM: &str = concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION"));

/// The bytes of `name` in `output` if the previous build wrote it with render key `key`
/// and it is unchanged since (hash as recorded).
fn reusable(
    previous: &BuildRecord,
    output: &std::path::Path,
    name: &str,
    key: &str,
) -> Option<Reused> {
    let entry = previous
        .outputs
        .iter()
        .find(|e| e.path == name && e.render_key.as_deref() == Some(key))?;
    let bytes = std::fs::read(output.join(name)).ok()?;
    (sha256_hex(&bytes) == entry.sha256).then(|| Reused {
        pdf: bytes,
        warnings: entry.warnings.clone(),
    })
}

/// Long-lived state between builds.
pub struct Session {
    pub project: Project,
    pub setup: Setup,
    renderer: LazyRenderer,
    /// PDFs rendered by this session, by document, with their render key.
    render_cache: HashMap<DocKind, (String, Vec<u8>, Vec<Diagnostic>)>,
    /// Parsed workbooks by content: a rebuild re-reads only the files that changed.
    ingest_cache: IngestCache,
    /// How workbooks are read: the `zhiliang` binary reads each one in an isolated worker
    /// process (see `zhiliang_workbook::ingest::isolate`); library users read in-process.
    pub reader: Reader,
    /// How evidence files are opened: likewise in isolated workers for the binary.
    pub inspector: Inspector,
    /// Evidence files already opened, by content: a rebuild opens only changed files.
    /// Loaded from the last build's [`EVIDENCE_CACHE_FILE`] by the first check, so commands
    /// that open no evidence (`forms`, `score --facts`) never read it.
    inspection_cache: Option<InspectionCache>,
}

impl Session {
    pub fn open(project: Project) -> Result<Session> {
        let setup = project.load()?;
        let renderer = LazyRenderer::new(&project.templates, &project.fonts);
        Ok(Session {
            project,
            setup,
            renderer,
            render_cache: HashMap::new(),
            ingest_cache: IngestCache::default(),
            reader: Reader::process_default(),
            inspector: Inspector::process_default(),
            inspection_cache: None,
        })
    }

    /// Re-reads catalogue, roster and campaign (after one of them changed).
    pub fn reload_setup(&mut self) -> Result<()> {
        self.setup = self.project.load()?;
        // Parsed workbooks depend on the catalogue (which facts a form holds) and roster.
        self.ingest_cache = IngestCache::default();
        Ok(())
    }

    /// Forgets the parsed workbooks (province mode, once a county is checked).
    pub fn drop_ingest_cache(&mut self) {
        self.ingest_cache = IngestCache::default();
    }

    /// Drops the renderer (after a template or font change), so the next build reloads it.
    pub fn reset_renderer(&mut self) {
        self.renderer.reset();
        self.render_cache.clear();
    }

    /// Which font served each role, once the renderer is loaded.
    pub fn font_report(&self) -> Option<String> {
        self.renderer.loaded().map(|r| {
            r.font_report()
                .roles
                .iter()
                .map(|role| format!("{}={}", role.role.label(), role.family))
                .collect::<Vec<_>>()
                .join("，")
        })
    }

    /// Ingest, check, merge and score: everything `check` and `score` print.
    pub fn check(&mut self) -> Result<Checked> {
        let mut timings = Timings::default();
        let t = Instant::now();
        let setup = &self.setup;
        let Setup {
            catalogue,
            roster,
            campaign,
            ..
        } = setup;
        let ingest = zhiliang_workbook::ingest_with(
            &self.project.input,
            setup,
            &mut self.ingest_cache,
            &self.reader,
        );
        let t = timings.add("读取", t);
        let evidence_root = self.project.input.join("evidence");
        // `check` returns the whole run's problems, the ingest diagnostics included.
        let mut diagnostics = zhiliang_workbook::check(setup, &ingest, &evidence_root);
        // A unit that sent two files has both reported and neither used.
        let submissions = ingest.accepted_submissions();
        let mut evidence = zhiliang_workbook::evidence_index(setup, &submissions, &evidence_root);
        // The binder's check: every evidence PDF or image opened, in an isolated worker,
        // as the binder will embed it (damaged, encrypted, too large, unsafe → errors; PDF
        // pages → not PDF/A). The render stage only ever sees files that passed.
        diagnostics.extend(zhiliang_render::evidence::inspect_evidence(
            &mut evidence,
            &self.project.input,
            &self.inspector,
            self.inspection_cache.get_or_insert_with(|| {
                InspectionCache::from_json(
                    &std::fs::read(self.project.output.join(EVIDENCE_CACHE_FILE))
                        .unwrap_or_default(),
                )
            }),
        ));
        // Spreadsheets among the evidence, read (isolated, like the forms) into the
        // tables the binder prints.
        diagnostics.extend(zhiliang_workbook::read_evidence_tables(
            &mut evidence,
            &self.project.input,
            &self.reader,
        ));
        let t = timings.add("校验", t);
        let (facts, merge_diags) = zhiliang_core::merge::merge(catalogue, roster, &submissions);
        diagnostics.extend(merge_diags);
        let (scores, mut score_diagnostics) =
            zhiliang_core::score::score(catalogue, &facts, campaign);
        score_diagnostics.extend(catalogue.example_benchmarks(campaign));
        let check_diagnostics = diagnostics;
        let diagnostics = combine(&check_diagnostics, &score_diagnostics);
        timings.add("计分", t);
        Ok(Checked {
            ingest,
            facts,
            evidence,
            scores,
            diagnostics,
            check_diagnostics,
            score_diagnostics,
            timings,
        })
    }

    /// The whole build: check, score, render what changed, write the set with the build
    /// record, the diagnostics and the change report.
    pub fn build(&mut self, options: BuildOptions, on_stage: &dyn Fn(&str)) -> Result<Built> {
        on_stage("读取、校验并计分…");
        let checked = self.check()?;
        self.build_checked(checked, options, on_stage)
    }

    /// The back half of [`Session::build`] for facts already checked and scored (province
    /// mode scores them again with the province's benchmarks first): prepare, render, write.
    pub fn build_checked(
        &mut self,
        checked: Checked,
        options: BuildOptions,
        on_stage: &dyn Fn(&str),
    ) -> Result<Built> {
        let fingerprints = self.fingerprints();
        let prepared = self.prepare(&checked, options, &fingerprints)?;
        let jobs = prepared.jobs();
        if !jobs.is_empty() {
            on_stage("排版…");
        }
        let rendered = self.renderer.render_jobs(&jobs).into_iter().collect();
        drop(jobs);
        on_stage("写出…");
        self.write_set(checked, prepared, rendered, &[])
    }

    /// Document data, and for each document whether it can be reused — from this session
    /// (`watch`) or from the PDF the previous build left, when its render key (data,
    /// templates, fonts, program version, draft) is the one the build record vouches for
    /// and the file on disk still has the recorded hash — or must be rendered.
    /// What the documents depend on besides their data, taken now (see
    /// [`Session::prepare`]).
    pub fn fingerprints(&self) -> Fingerprints {
        Fingerprints::take(&self.project.templates, &self.project.fonts)
    }

    pub fn prepare(
        &self,
        checked: &Checked,
        options: BuildOptions,
        fingerprints: &Fingerprints,
    ) -> Result<Prepared> {
        let mut timings = checked.timings.clone();
        let draft = options.draft;
        let refused = checked.diagnostics.iter().any(Diagnostic::is_error) && !draft;
        let mut prepared = Prepared {
            draft,
            refused,
            options: RenderOptions::new(self.setup.campaign.dates.document_date),
            set: None,
            documents: Vec::new(),
            problems: Vec::new(),
            timings: Timings::default(),
        };
        prepared.options.draft = draft;
        if refused {
            prepared.timings = timings;
            return Ok(prepared);
        }
        let t = Instant::now();
        let inputs = zhiliang_render::Inputs::new(
            &self.setup,
            &checked.facts,
            &checked.scores,
            &checked.evidence,
            &checked.diagnostics,
        )
        .with_evidence_dir(&self.project.input);
        let set = match zhiliang_render::build_data(&self.project.templates, &inputs) {
            Ok(set) => set,
            Err(e) => {
                prepared.problems = e.diagnostics();
                timings.add("文件数据", t);
                prepared.timings = timings;
                return Ok(prepared);
            }
        };
        let previous = std::fs::read(self.project.output.join(RECORD_FILE))
            .ok()
            .and_then(|b| BuildRecord::from_json(&b));
        let kinds = DocKind::ALL
            .into_iter()
            .filter(|k| !(options.without_binder && *k == DocKind::Binder));
        for kind in kinds {
            let key = render_key(
                PROGRAM,
                kind,
                set.get(kind),
                fingerprints.templates(kind),
                fingerprints.fonts(),
                draft,
            );
            let reuse = match self.render_cache.get(&kind) {
                Some((k, pdf, warnings)) if *k == key => Some(Reused {
                    pdf: pdf.clone(),
                    warnings: warnings.clone(),
                }),
                _ => previous.as_ref().and_then(|r| {
                    reusable(r, &self.project.output, kind.file_name_for(draft), &key)
                }),
            };
            prepared
                .documents
                .push(PreparedDocument { kind, key, reuse });
        }
        prepared.set = Some(set);
        timings.add("文件数据", t);
        prepared.timings = timings;
        Ok(prepared)
    }

    /// Writes one build's set — PDFs, diagnostics, change report, build record, and any
    /// `extra` files (province mode adds the score sheet) — as one, under the output
    /// folder's lock, after finishing or undoing whatever an interrupted build left there.
    /// `rendered` holds the results of [`Prepared::jobs`], by document.
    pub fn write_set(
        &mut self,
        checked: Checked,
        prepared: Prepared,
        rendered: BTreeMap<DocKind, Rendered>,
        extra: &[(String, Vec<u8>)],
    ) -> Result<Built> {
        let Prepared {
            draft,
            refused,
            documents,
            problems,
            mut timings,
            ..
        } = prepared;
        let mut collected = collect_documents(documents, rendered, problems);
        if let Some(t) = collected.docs.iter().filter_map(|d| d.render_time).max() {
            timings.0.push(("排版".to_string(), t));
        }
        // One failed document withholds the whole set: documents from two builds
        // must never lie side by side.
        if !collected.problems.is_empty() {
            collected.docs.clear();
        }
        for doc in &collected.docs {
            if doc.render_time.is_some() {
                self.render_cache.insert(
                    doc.kind,
                    (doc.key.clone(), doc.pdf.clone(), doc.warnings.clone()),
                );
            }
        }
        let set = OutputSet {
            collected,
            draft,
            refused,
            timings,
        };
        self.write_output(checked, set, extra)
    }

    /// The output set written under the output folder's lock: the build record and change
    /// report made against the previous record, then every file committed as one, the
    /// record last.
    fn write_output(
        &self,
        checked: Checked,
        set: OutputSet,
        extra: &[(String, Vec<u8>)],
    ) -> Result<Built> {
        let OutputSet {
            collected:
                Collected {
                    docs,
                    problems,
                    template_warnings,
                },
            draft,
            refused,
            mut timings,
        } = set;
        let output = self.project.output.clone();
        let t = Instant::now();
        let _lock = output_set::lock(&output)?;
        let recovered = output_set::recover(&output)?;
        let previous_bytes = std::fs::read(output.join(RECORD_FILE)).ok();
        let previous = previous_bytes.as_deref().and_then(BuildRecord::from_json);
        let output_problems = check_output_set(
            &output,
            previous_bytes.is_some(),
            previous.as_ref(),
            !docs.is_empty(),
        );
        let outputs: Vec<FileEntry> = docs
            .iter()
            .map(|doc| FileEntry {
                path: doc.kind.file_name_for(draft).to_string(),
                sha256: sha256_hex(&doc.pdf),
                size: doc.pdf.len() as u64,
                unit: None,
                render_key: Some(doc.key.clone()),
                warnings: doc.warnings.clone(),
            })
            .collect();
        let mut all_diags = checked.diagnostics.clone();
        all_diags.extend(problems.iter().cloned());
        all_diags.extend(template_warnings.iter().cloned());
        all_diags.extend(output_problems.iter().cloned());
        let record = self.record(&checked, &all_diags, outputs, draft)?;
        let changes = ChangeReport::between(previous.as_ref(), &record);
        let mut diag_json = serde_json::to_vec_pretty(&all_diags)?;
        diag_json.push(b'\n');
        let changes_text = changes.render();
        let record_json = record.to_json();
        let t = timings.add("记录", t);
        let mut files: Vec<(&str, &[u8])> = docs
            .iter()
            .map(|doc| (doc.kind.file_name_for(draft), doc.pdf.as_slice()))
            .collect();
        files.extend(extra.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        files.push((DIAGNOSTICS_FILE, &diag_json));
        files.push((CHANGES_FILE, changes_text.as_bytes()));
        // The record last: it vouches for the files before it.
        files.push((RECORD_FILE, &record_json));
        let outcomes = output_set::commit(&output, &files)?;
        // Only a cache: a failure to keep it costs the next build time, nothing else.
        if let Some(cache) = &self.inspection_cache {
            let _ =
                crate::fsutil::write_atomic(&output.join(EVIDENCE_CACHE_FILE), &cache.to_json());
        }
        // The other variant of each document is now stale: a final left beside newer
        // drafts would pass for current, and vice versa.
        for doc in &docs {
            remove_stale(&output.join(doc.kind.file_name_for(!draft)))?;
        }
        let documents = docs
            .iter()
            .zip(outcomes)
            .map(|(doc, outcome)| BuiltDocument {
                kind: doc.kind,
                path: output.join(doc.kind.file_name_for(draft)),
                outcome,
                rendered: doc.render_time.is_some(),
            })
            .collect();
        timings.add("写出", t);
        Ok(Built {
            checked,
            documents,
            refused,
            render_problems: problems,
            template_warnings,
            output_problems,
            recovered,
            record,
            changes,
            timings,
            output,
        })
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
                render_key: None,
                warnings: Vec::new(),
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
                render_key: None,
                warnings: Vec::new(),
            });
        }
        // Evidence files the 证明材料目录 names were hashed by the check (the binder prints
        // those hashes); only the others are read here.
        let known: HashMap<PathBuf, (String, u64)> = checked
            .evidence
            .iter()
            .filter_map(|e| {
                let path = self.project.input.join(e.path.as_ref()?);
                Some((path, (e.sha256.clone()?, e.size?)))
            })
            .collect();
        let evidence = self.project.input.join("evidence");
        hash_files_under(&evidence, root, &known, &mut inputs)?;
        hash_files_under(&self.project.templates, root, &HashMap::new(), &mut inputs)?;
        inputs.sort_by(|a, b| a.path.cmp(&b.path));
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

/// Appends every file below `dir` (if it exists), hashed, with paths relative to `root`;
/// a file in `known` keeps the hash and size found for it earlier in the build. A file
/// that cannot be read is recorded with an empty hash rather than failing the build:
/// `check` reports it (an unreadable evidence file is a warning there).
fn hash_files_under(
    dir: &std::path::Path,
    root: &std::path::Path,
    known: &HashMap<PathBuf, (String, u64)>,
    into: &mut Vec<FileEntry>,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_file() {
            let (sha256, size) = match known.get(entry.path()) {
                Some(found) => found.clone(),
                None => sha256_file(entry.path())
                    .unwrap_or_else(|_| (String::new(), entry.metadata().map_or(0, |m| m.len()))),
            };
            into.push(FileEntry {
                path: relative(entry.path(), root),
                sha256,
                size,
                unit: None,
                render_key: None,
                warnings: Vec::new(),
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

pub(crate) fn template_error(message: String) -> Diagnostic {
    Diagnostic::new(
        zhiliang_core::diagnostics::Code::TemplateError,
        zhiliang_core::diagnostics::Location::default(),
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_the_render_key_matters() {
        let data = serde_json::json!({"total": "87.07"});
        let base = render_key(
            "zhiliang 0.1.0",
            DocKind::SelfEvaluation,
            &data,
            "t",
            "f",
            false,
        );
        let other_data = serde_json::json!({"total": "87.08"});
        for (what, key) in [
            (
                "program version",
                render_key(
                    "zhiliang 0.1.1",
                    DocKind::SelfEvaluation,
                    &data,
                    "t",
                    "f",
                    false,
                ),
            ),
            (
                "document",
                render_key(
                    "zhiliang 0.1.0",
                    DocKind::AnnualReport,
                    &data,
                    "t",
                    "f",
                    false,
                ),
            ),
            (
                "data",
                render_key(
                    "zhiliang 0.1.0",
                    DocKind::SelfEvaluation,
                    &other_data,
                    "t",
                    "f",
                    false,
                ),
            ),
            (
                "templates",
                render_key(
                    "zhiliang 0.1.0",
                    DocKind::SelfEvaluation,
                    &data,
                    "u",
                    "f",
                    false,
                ),
            ),
            (
                "fonts",
                render_key(
                    "zhiliang 0.1.0",
                    DocKind::SelfEvaluation,
                    &data,
                    "t",
                    "g",
                    false,
                ),
            ),
            (
                "draft",
                render_key(
                    "zhiliang 0.1.0",
                    DocKind::SelfEvaluation,
                    &data,
                    "t",
                    "f",
                    true,
                ),
            ),
        ] {
            assert_ne!(base, key, "{what} must change the key");
        }
        assert_eq!(
            base,
            render_key(
                "zhiliang 0.1.0",
                DocKind::SelfEvaluation,
                &data,
                "t",
                "f",
                false
            )
        );
    }

    #[test]
    fn a_pdf_is_reused_only_with_its_key_and_its_recorded_hash() {
        let dir = tempfile::tempdir().unwrap();
        let name = "自评报告.pdf";
        std::fs::write(dir.path().join(name), b"%PDF-1.7 one").unwrap();
        let record = |key: &str, sha256: String| BuildRecord {
            program: "zhiliang".into(),
            program_version: "0.1.0".into(),
            catalogue_sha256: String::new(),
            draft: false,
            total: Default::default(),
            scores: Default::default(),
            summary: Default::default(),
            inputs: vec![],
            outputs: vec![FileEntry {
                path: name.into(),
                sha256,
                size: 12,
                unit: None,
                render_key: Some(key.into()),
                warnings: Vec::new(),
            }],
            diagnostics: vec![],
        };
        let good = sha256_hex(b"%PDF-1.7 one");
        assert_eq!(
            reusable(&record("k", good.clone()), dir.path(), name, "k")
                .map(|r| r.pdf)
                .as_deref(),
            Some(&b"%PDF-1.7 one"[..])
        );
        assert!(reusable(&record("k", good.clone()), dir.path(), name, "other").is_none());
        // edited by hand since the build: rendered again, never trusted
        std::fs::write(dir.path().join(name), b"%PDF-1.7 two").unwrap();
        assert!(reusable(&record("k", good), dir.path(), name, "k").is_none());
    }
}
