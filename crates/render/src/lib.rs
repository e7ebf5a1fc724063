//! 排版：以内嵌 Typst 0.15 把申请表、自评报告、年度质量分析报告与证明材料汇编排成可打印、可归档的 PDF。
//!
//! ```text
//! Inputs ──data::*──▶ typed document data ──serde──▶ /data.json ──Typst (templates/*.typ)──▶ PDF/A-3b
//!            ▲ wording/*.j2 (minijinja) fills the narrative paragraphs
//! ```
//!
//! * [`Renderer::new`] loads the fonts once ([`FontSet`], shared by every
//!   document and every thread) and builds Typst's standard library once.
//! * Data reaches Typst only as a JSON file, so a cell containing `#read("/etc/passwd")`
//!   prints literally.
//! * Before compiling, every string is checked against the fonts of its role
//!   (`Renderer::check_glyphs`); a character no font can draw is a `missing-glyph` diagnostic.
//! * Same inputs → same bytes: the PDF timestamp and `datetime.today()` are the
//!   configured document date, the PDF identifier is derived from the document kind.
//!
//! Writing the files (atomically) is the caller's job: this crate returns bytes.
//!
//! # What a caller uses
//!
//! The program drives the crate through a handful of names; everything else (how each
//! document's data is assembled, the wording templates, the glyph check, the Typst world)
//! stays inside:
//!
//! 1. [`Inputs`] (setup, facts, scores, evidence, diagnostics) → [`build_data`] or
//!    [`Renderer::build_data`] → [`DocumentSet`], the JSON data of the four documents;
//! 2. [`DocumentSet::job`] / [`RenderJob::all`] → [`Renderer::render_set`] →
//!    [`RenderedDocument`] per [`DocKind`], or a [`RenderError`] whose
//!    [`RenderError::diagnostics`] join the common diagnostic model;
//! 3. [`Fingerprints`]: what a PDF depends on besides its data, so an unchanged document
//!    is not rendered again;
//! 4. [`evidence`]: the binder's PDFs and images inspected in a worker process before
//!    Typst ever opens them.

mod cmapcheck;
mod data;
pub mod evidence;
mod fingerprint;
mod fonts;
mod glyphs;
mod wording;
mod world;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::syntax::DiagSpanKind;
use typst::text::TextItem;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};
use zhiliang_core::diagnostics::{Code, Diagnostic, Location, Place};

pub use data::{DataError, IndicatorMeta, Inputs};
pub use fingerprint::Fingerprints;
pub use fonts::{FontError, FontReport, FontSet, Origin, Role, RoleReport};
use wording::Wording;
pub use wording::WordingError;
use world::{DocWorld, Shared};

/// The documents: the three the office signs, and the evidence binder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    Application,
    SelfEvaluation,
    AnnualReport,
    /// 证明材料汇编: the evidence files themselves, in indicator order.
    Binder,
}

impl DocKind {
    pub const ALL: [DocKind; 4] = [
        DocKind::Application,
        DocKind::SelfEvaluation,
        DocKind::AnnualReport,
        DocKind::Binder,
    ];

    /// Main template, relative to the templates folder.
    pub fn template(self) -> &'static str {
        match self {
            DocKind::Application => "/application.typ",
            DocKind::SelfEvaluation => "/self-evaluation.typ",
            DocKind::AnnualReport => "/annual-report.typ",
            DocKind::Binder => "/binder.typ",
        }
    }

    /// Output file name of the final document.
    pub fn file_name(self) -> &'static str {
        self.file_name_for(false)
    }

    /// Output file name: a draft says so in its name (自评报告（草稿）.pdf), so a draft
    /// lying in `output/` is never taken for the document to sign.
    pub fn file_name_for(self, draft: bool) -> &'static str {
        match (self, draft) {
            (DocKind::Application, false) => "申请表.pdf",
            (DocKind::SelfEvaluation, false) => "自评报告.pdf",
            (DocKind::AnnualReport, false) => "年度质量分析报告.pdf",
            (DocKind::Application, true) => "申请表（草稿）.pdf",
            (DocKind::SelfEvaluation, true) => "自评报告（草稿）.pdf",
            (DocKind::AnnualReport, true) => "年度质量分析报告（草稿）.pdf",
            (DocKind::Binder, false) => "证明材料汇编.pdf",
            (DocKind::Binder, true) => "证明材料汇编（草稿）.pdf",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocKind::Application => "申请表",
            DocKind::SelfEvaluation => "自评报告",
            DocKind::AnnualReport => "年度质量分析报告",
            DocKind::Binder => "证明材料汇编",
        }
    }

    /// How long the document takes to render, relatively (measured on the example: binder
    /// 197 pages ≈ 640 ms, 自评报告 ≈ 430 ms, 年度报告 ≈ 220 ms, 申请表 ≈ 75 ms), so that
    /// [`Renderer::render_set`] can start the longest first.
    fn render_weight(self) -> u8 {
        match self {
            DocKind::Binder => 3,
            DocKind::SelfEvaluation => 2,
            DocKind::AnnualReport => 1,
            DocKind::Application => 0,
        }
    }

    fn ident(self) -> &'static str {
        match self {
            DocKind::Application => "zhiliang/application",
            DocKind::SelfEvaluation => "zhiliang/self-evaluation",
            DocKind::AnnualReport => "zhiliang/annual-report",
            DocKind::Binder => "zhiliang/binder",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// A draft: 草稿 on every page and in the PDF title (the caller also names the file
    /// with [`DocKind::file_name_for`]); the only way to render when the check found
    /// errors — the caller decides that.
    pub draft: bool,
    /// 成文日期: printed, returned by `datetime.today()`, and the PDF timestamp.
    pub document_date: NaiveDate,
    /// PDF/A-3b (default), which allows the document's data to travel inside it as an
    /// attachment. Off only for experiments.
    pub pdf_a: bool,
}

impl RenderOptions {
    pub fn new(document_date: NaiveDate) -> Self {
        RenderOptions {
            draft: false,
            document_date,
            pdf_a: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RenderedDocument {
    pub kind: DocKind,
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Typst warnings (template file, line and column).
    pub warnings: Vec<TemplateMessage>,
    /// Compile + export time.
    pub elapsed: Duration,
    /// The laid-out pages, kept so that text and positions can be read back
    /// ([`RenderedDocument::text`], [`RenderedDocument::layout`]) by whoever needs them:
    /// tests and consistency checks. A build does not, and reading them back walks every
    /// glyph run of every page (on the 197-page binder a noticeable share of a cold build),
    /// so it is done on first request, once.
    laid_out: Arc<PagedDocument>,
    layout: OnceLock<Vec<PageLayout>>,
    text: OnceLock<String>,
}

impl RenderedDocument {
    /// Text of the laid-out pages: lines in reading order, pages separated by `\f`.
    pub fn text(&self) -> &str {
        self.text.get_or_init(|| text_of(self.layout()))
    }

    /// Text of each page, as in [`RenderedDocument::text`].
    pub fn page_texts(&self) -> Vec<&str> {
        self.text().split('\u{c}').collect()
    }

    /// Where each text run sits on its page (tests check positions: page numbers, text
    /// inside the page).
    pub fn layout(&self) -> &[PageLayout] {
        self.layout.get_or_init(|| layout_of(&self.laid_out))
    }
}

/// A PDF rendered from a template other than the three documents.
#[derive(Debug, Clone)]
pub struct StandalonePdf {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Text of the laid-out pages, as in [`RenderedDocument::text`].
    pub text: String,
}

/// A Typst error or warning, located in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateMessage {
    pub error: bool,
    /// Template path relative to the templates folder (`/style.typ`), empty when the
    /// message has no location.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hints: Vec<String>,
}

impl TemplateMessage {
    /// Where it points, for a diagnostic: the template file and `line:column`.
    pub fn location(&self) -> Location {
        if self.file.is_empty() {
            return Location::default();
        }
        Location {
            file: Some(format!("templates{}", self.file)),
            cell: Some(Place::text(format!("{}:{}", self.line, self.column))),
            ..Default::default()
        }
    }
}

impl std::fmt::Display for TemplateMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.error { "错误" } else { "警告" };
        if self.file.is_empty() {
            write!(f, "{kind}：{}", self.message)?;
        } else {
            write!(
                f,
                "templates{}:{}:{}：{kind}：{}",
                self.file, self.line, self.column, self.message
            )?;
        }
        for h in &self.hints {
            write!(f, "（提示：{h}）")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("字体：{0}")]
    Fonts(#[from] fonts::FontError),
    #[error("模板目录 {path} 无法使用：{message}")]
    Templates { path: String, message: String },
    #[error(transparent)]
    Wording(#[from] wording::WordingError),
    #[error("{0}")]
    Data(#[from] data::DataError),
    #[error("成文日期 {0} 超出 PDF 所能记录的范围，请核对创建配置中的 dates.document_date")]
    Date(String),
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    MissingGlyphs(Vec<Diagnostic>),
    #[error("排版{kind}失败：\n{}", .messages.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Template {
        kind: &'static str,
        messages: Vec<TemplateMessage>,
    },
    #[error("导出{kind} PDF 失败：\n{}", .messages.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Pdf {
        kind: &'static str,
        messages: Vec<TemplateMessage>,
    },
}

impl RenderError {
    /// The error as diagnostics of the common model (`missing-glyph`, `template-error`).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            RenderError::MissingGlyphs(d) => d.clone(),
            RenderError::Template { messages, .. } | RenderError::Pdf { messages, .. } => messages
                .iter()
                .map(|m| Diagnostic::new(Code::TemplateError, m.location(), m.message.clone()))
                .collect(),
            other => vec![Diagnostic::new(
                Code::TemplateError,
                Location::default(),
                other.to_string(),
            )],
        }
    }
}

/// The data of the documents, built once and rendered many times.
#[derive(Debug, Clone)]
pub struct DocumentSet {
    pub application: serde_json::Value,
    pub self_evaluation: serde_json::Value,
    pub annual_report: serde_json::Value,
    pub binder: serde_json::Value,
    /// The evidence files the binder draws: virtual path (`/evidence/<unit>/<file>`) →
    /// real path. The binder's world serves exactly these, read-only.
    pub binder_files: Arc<BTreeMap<String, PathBuf>>,
    /// The binder embeds PDF pages, which Typst 0.15 refuses in PDF/A: it is exported as
    /// plain PDF (the check stage's `binder-not-pdfa` warning says so).
    pub binder_embeds_pdf: bool,
}

impl DocumentSet {
    pub fn get(&self, kind: DocKind) -> &serde_json::Value {
        match kind {
            DocKind::Application => &self.application,
            DocKind::SelfEvaluation => &self.self_evaluation,
            DocKind::AnnualReport => &self.annual_report,
            DocKind::Binder => &self.binder,
        }
    }
}

/// Builds the data of the documents without loading fonts: the wording templates are
/// read from `templates_dir/wording`. A build that finds every document unchanged since
/// the last one never needs more than this.
pub fn build_data(templates_dir: &Path, inputs: &Inputs) -> Result<DocumentSet, RenderError> {
    let wording = Wording::load_within(&templates_dir.join("wording"), templates_dir)?;
    document_set(inputs, &wording)
}

fn document_set(inputs: &Inputs, wording: &Wording) -> Result<DocumentSet, RenderError> {
    let to = |v: Result<serde_json::Value, serde_json::Error>| v.expect("document data serialises");
    let binder = data::binder(inputs, wording)?;
    let binder_files = match inputs.evidence_dir {
        Some(dir) => data::binder_files(&binder, dir),
        None => BTreeMap::new(),
    };
    Ok(DocumentSet {
        application: to(serde_json::to_value(data::application(inputs, wording)?)),
        self_evaluation: to(serde_json::to_value(data::self_evaluation(
            inputs, wording,
        )?)),
        annual_report: to(serde_json::to_value(data::annual_report(inputs, wording)?)),
        binder_embeds_pdf: binder.embeds_pdf,
        binder: to(serde_json::to_value(binder)),
        binder_files: Arc::new(binder_files),
    })
}

pub struct Renderer {
    shared: Shared,
    /// Wording templates and the state of their files when loaded: a long-lived
    /// renderer (`watch`) reloads them when the office edits one.
    wording: std::sync::Mutex<(Vec<wording::FileStamp>, Arc<Wording>)>,
    templates: PathBuf,
}

impl Renderer {
    /// Loads the fonts (project folder + official system fonts) and the wording
    /// templates. Done once per run.
    pub fn new(templates_dir: &Path, fonts_dir: &Path) -> Result<Renderer, RenderError> {
        let fonts = Arc::new(FontSet::load(fonts_dir)?);
        Self::with_fonts(templates_dir, fonts)
    }

    /// With an already loaded font set (shared with other renderers, or without the
    /// system scan in tests).
    pub fn with_fonts(templates_dir: &Path, fonts: Arc<FontSet>) -> Result<Renderer, RenderError> {
        let shared = Shared::new(templates_dir, fonts).map_err(|e| RenderError::Templates {
            path: templates_dir.display().to_string(),
            message: e.to_string(),
        })?;
        let dir = templates_dir.join("wording");
        let stamp = wording::stamp(&dir, templates_dir);
        let wording = Wording::load_within(&dir, templates_dir)?;
        Ok(Renderer {
            shared,
            wording: std::sync::Mutex::new((stamp, Arc::new(wording))),
            templates: templates_dir.to_path_buf(),
        })
    }

    pub fn fonts(&self) -> &Arc<FontSet> {
        &self.shared.fonts
    }

    pub fn font_report(&self) -> &FontReport {
        self.shared.fonts.report()
    }

    /// The wording templates, reloaded when a file changed since they were loaded.
    fn wording(&self) -> Result<Arc<Wording>, RenderError> {
        let dir = self.templates.join("wording");
        let stamp = wording::stamp(&dir, &self.templates);
        let mut guard = self.wording.lock().expect("wording lock poisoned");
        if guard.0 != stamp {
            *guard = (
                stamp,
                Arc::new(Wording::load_within(&dir, &self.templates)?),
            );
        }
        Ok(guard.1.clone())
    }

    /// Builds the data of the documents (wording templates filled in).
    pub fn build_data(&self, inputs: &Inputs) -> Result<DocumentSet, RenderError> {
        document_set(inputs, &*self.wording()?)
    }

    /// Check the data for characters the fonts cannot draw.
    fn check_glyphs(&self, data: &serde_json::Value) -> Vec<Diagnostic> {
        glyphs::check(data, &self.shared.fonts)
    }

    /// Renders one document from its data (as built by [`Renderer::build_data`], or any
    /// JSON object the template understands).
    pub fn render(
        &self,
        kind: DocKind,
        data: &serde_json::Value,
        options: &RenderOptions,
    ) -> Result<RenderedDocument, RenderError> {
        self.render_with(kind, data, &BTreeMap::new(), options)
    }

    /// Renders one document of a [`DocumentSet`]: the binder with its evidence files
    /// served, and as plain PDF when it embeds PDF pages.
    pub fn render_doc(
        &self,
        kind: DocKind,
        set: &DocumentSet,
        options: &RenderOptions,
    ) -> Result<RenderedDocument, RenderError> {
        let job = set.job(kind, options);
        self.render_with(job.kind, job.data, job.files, &job.options)
    }

    fn render_with(
        &self,
        kind: DocKind,
        data: &serde_json::Value,
        files: &BTreeMap<String, PathBuf>,
        options: &RenderOptions,
    ) -> Result<RenderedDocument, RenderError> {
        let start = Instant::now();
        let (doc, pdf, warnings) = self.compile(
            kind.template(),
            kind.ident(),
            kind.label(),
            data,
            files,
            options,
        )?;
        Ok(RenderedDocument {
            kind,
            pages: doc.pages().len(),
            pdf,
            warnings,
            elapsed: start.elapsed(),
            laid_out: Arc::new(doc),
            layout: OnceLock::new(),
            text: OnceLock::new(),
        })
    }

    /// Renders a template that is not one of the three documents — the 归档登记表 that
    /// `archive` prints (`/archive-register.typ`) — in the same confined world, with the
    /// same glyph check and PDF/A export. `ident` makes the PDF identifier stable.
    pub fn render_template(
        &self,
        template: &str,
        ident: &str,
        label: &'static str,
        data: &serde_json::Value,
        options: &RenderOptions,
    ) -> Result<StandalonePdf, RenderError> {
        let (doc, pdf, _) =
            self.compile(template, ident, label, data, &BTreeMap::new(), options)?;
        Ok(StandalonePdf {
            pages: doc.pages().len(),
            text: extract_text(&doc),
            pdf,
        })
    }

    /// The `/data.json` a template reads: the document's data with what only the renderer
    /// knows added — `fonts` (the family list of each role) and `render` (draft, the
    /// printed 成文日期, the ink of the page number's dash). The benchmark hands the same
    /// file to the Typst command line, so both compile the same input.
    pub fn typst_data(
        &self,
        data: &serde_json::Value,
        options: &RenderOptions,
    ) -> serde_json::Value {
        let mut full = data.clone();
        if let Some(obj) = full.as_object_mut() {
            obj.insert("fonts".into(), self.shared.fonts.families_json());
            obj.insert(
                "render".into(),
                serde_json::json!({
                    "draft": options.draft,
                    "date_text": zhiliang_core::config::chinese_date(options.document_date),
                    // ink of the page number's 一字线 (bottom, top; em above the baseline)
                    "page_dash": self.shared.fonts.ink_extent(Role::Songti, '—'),
                }),
            );
        }
        full
    }

    /// Glyph check, compile and PDF export of `template` with `data` as `/data.json` and
    /// `files` (virtual path → real path) served read-only.
    fn compile(
        &self,
        template: &str,
        ident: &str,
        label: &'static str,
        data: &serde_json::Value,
        files: &BTreeMap<String, PathBuf>,
        options: &RenderOptions,
    ) -> Result<(PagedDocument, Vec<u8>, Vec<TemplateMessage>), RenderError> {
        let missing = self.check_glyphs(data);
        if !missing.is_empty() {
            return Err(RenderError::MissingGlyphs(missing));
        }
        let bytes = serde_json::to_vec(&self.typst_data(data, options)).expect("json serialises");
        let world =
            DocWorld::new(&self.shared, template, bytes, options.document_date).with_files(files);

        let warned = typst::compile::<PagedDocument>(&world);
        let warnings: Vec<TemplateMessage> =
            warned.warnings.iter().map(|d| message(&world, d)).collect();
        let doc = warned.output.map_err(|errors| RenderError::Template {
            kind: label,
            messages: errors
                .iter()
                .map(|d| message(&world, d))
                .chain(warnings.iter().cloned())
                .collect(),
        })?;

        let d = options.document_date;
        let datetime = Datetime::from_ymd_hms(d.year(), d.month() as u8, d.day() as u8, 0, 0, 0)
            .ok_or_else(|| RenderError::Date(zhiliang_core::config::chinese_date(d)))?;
        let standards = if options.pdf_a {
            PdfStandards::new(&[PdfStandard::A_3b]).expect("PDF/A-3b is a valid standard set")
        } else {
            PdfStandards::default()
        };
        let pdf_options = PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!(
                "zhiliang {} (Typst 0.15)",
                env!("CARGO_PKG_VERSION")
            ))),
            timestamp: Some(Timestamp::new_utc(datetime)),
            standards,
            ..PdfOptions::default()
        };
        let pdf = typst_pdf::pdf(&doc, &pdf_options).map_err(|errors| RenderError::Pdf {
            kind: label,
            messages: errors.iter().map(|d| message(&world, d)).collect(),
        })?;
        Ok((doc, pdf, warnings))
    }

    /// Drops Typst's memoised results that were not used in the last `max_age` renders.
    /// Call between builds in a long-running process (`watch`), as the Typst CLI does,
    /// so the cache does not grow without bound. Not while renders are running.
    pub fn evict_cache(max_age: usize) {
        typst::comemo::evict(max_age);
    }

    /// Renders `jobs` in parallel on the current rayon pool (one flat loop: `build` passes
    /// one build's documents, province mode every document of a batch of counties, so a
    /// worker never stacks one Typst compilation on another), results in job order.
    ///
    /// The longest documents start first (binder, 自评报告, 年度报告, 申请表): on two cores,
    /// started in file order the 申请表 and 自评报告 shared one worker while the 年度报告
    /// and the binder queued on the other, and the build waited for the longer pair; longest
    /// first lets the short ones fill in beside the binder.
    ///
    /// Typst's memoised results unused in the last ten renders are then dropped, so a
    /// long-running `watch` or a province run does not keep every layout forever.
    pub fn render_set(&self, jobs: &[RenderJob]) -> Vec<Result<RenderedDocument, RenderError>> {
        use rayon::prelude::*;
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].kind.render_weight()));
        let mut results: Vec<(usize, Result<RenderedDocument, RenderError>)> = order
            .into_par_iter()
            .map(|i| {
                let job = &jobs[i];
                (
                    i,
                    self.render_with(job.kind, job.data, job.files, &job.options),
                )
            })
            .collect();
        results.sort_by_key(|(i, _)| *i);
        Self::evict_cache(10);
        results.into_iter().map(|(_, r)| r).collect()
    }
}

/// One document to render: which, from what data and files, how.
#[derive(Debug, Clone)]
pub struct RenderJob<'a> {
    pub kind: DocKind,
    pub data: &'a serde_json::Value,
    /// Files the document draws (the binder's evidence): virtual path → real path.
    pub files: &'a BTreeMap<String, PathBuf>,
    pub options: RenderOptions,
}

impl DocumentSet {
    /// The job that renders `kind` of this set: the binder with its evidence files, and
    /// as plain PDF when it embeds PDF pages (Typst 0.15 refuses them in PDF/A).
    pub fn job(&self, kind: DocKind, options: &RenderOptions) -> RenderJob<'_> {
        static NONE: BTreeMap<String, PathBuf> = BTreeMap::new();
        let mut options = options.clone();
        let files = if kind == DocKind::Binder {
            options.pdf_a &= !self.binder_embeds_pdf;
            &*self.binder_files
        } else {
            &NONE
        };
        RenderJob {
            kind,
            data: self.get(kind),
            files,
            options,
        }
    }
}

impl<'a> RenderJob<'a> {
    /// Every document of `set`, with the same options.
    pub fn all(set: &'a DocumentSet, options: &RenderOptions) -> Vec<RenderJob<'a>> {
        DocKind::ALL
            .iter()
            .map(|&kind| set.job(kind, options))
            .collect()
    }
}

fn message(world: &DocWorld, d: &SourceDiagnostic) -> TemplateMessage {
    let (file, line, column) = match d.span.get() {
        DiagSpanKind::Detached => (String::new(), 0, 0),
        DiagSpanKind::Number { id, .. } | DiagSpanKind::Range { id, .. } => {
            use typst::WorldExt;
            let offset = world.range(d.span).map_or(0, |r| r.start);
            let (line, col) = world.locate(id, offset).unwrap_or((0, 0));
            (id.vpath().get_with_slash().to_string(), line, col)
        }
    };
    TemplateMessage {
        error: d.severity == TypstSeverity::Error,
        file,
        line,
        column,
        message: d.message.to_string(),
        hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
    }
}

/// A run of text as laid out on a page (points, origin at the page's top-left corner,
/// y downwards).
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub text: String,
    /// Start of the baseline.
    pub x: f64,
    pub y: f64,
    /// Advance width along the baseline.
    pub width: f64,
    /// Reading direction as a unit vector: (1, 0) for ordinary text, (0, 1) for text
    /// turned 90° clockwise (read top to bottom).
    pub direction: (f64, f64),
    /// Family of the face that drew it.
    pub family: String,
    pub size: f64,
    /// Bounding box of the glyphs' ink: x0, y0, x1, y1.
    pub ink: [f64; 4],
}

impl TextRun {
    /// Whether the run reads left to right on the page (not turned).
    pub fn is_horizontal(&self) -> bool {
        (self.direction.0 - 1.0).abs() < 1e-6 && self.direction.1.abs() < 1e-6
    }
}

/// One laid-out page: its size (points) and text runs.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLayout {
    pub width: f64,
    pub height: f64,
    pub runs: Vec<TextRun>,
}

impl PageLayout {
    pub fn is_landscape(&self) -> bool {
        self.width > self.height
    }
}

/// The text runs of every page of a laid-out document.
fn layout_of(doc: &PagedDocument) -> Vec<PageLayout> {
    doc.pages()
        .iter()
        .map(|page| {
            let mut runs = Vec::new();
            collect_runs(&page.frame, Transform::identity(), &mut runs);
            let size = page.frame.size();
            PageLayout {
                width: size.x.to_pt(),
                height: size.y.to_pt(),
                runs,
            }
        })
        .collect()
}

/// Text of the laid-out document: per page, text runs grouped into lines by baseline
/// and ordered left to right, so a table row reads as one line. Turned text (the page
/// number of a landscape page) follows as lines of its own, read in its direction.
fn extract_text(doc: &PagedDocument) -> String {
    text_of(&layout_of(doc))
}

/// A run on a line: position along the line, width, text.
type Run<'a> = (f64, f64, &'a str);

fn text_of(pages: &[PageLayout]) -> String {
    let mut out = Vec::new();
    for page in pages {
        // Group by direction, then by the baseline's distance from the origin measured
        // across the direction; read along the direction.
        let mut runs: Vec<(i64, f64, f64, f64, &str)> = page
            .runs
            .iter()
            .map(|r| {
                let (dx, dy) = r.direction;
                let along = r.x * dx + r.y * dy;
                let across = -r.x * dy + r.y * dx;
                let dir = ((dx * 8.0).round() as i64, (dy * 8.0).round() as i64);
                // ordinary text first, then each other direction
                let key = if dir == (8, 0) {
                    0
                } else {
                    1 + (dir.0 + 8) * 17 + (dir.1 + 8)
                };
                (key, across, along, r.width, r.text.as_str())
            })
            .collect();
        runs.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.total_cmp(&b.2))
        });
        // (direction key, position across, runs: position along, width, text)
        let mut lines: Vec<(i64, f64, Vec<Run>)> = Vec::new();
        for (key, across, along, w, t) in runs {
            match lines.last_mut() {
                Some((k, la, items)) if *k == key && (across - *la).abs() < 2.0 => {
                    items.push((along, w, t));
                }
                _ => lines.push((key, across, vec![(along, w, t)])),
            }
        }
        let text: Vec<String> = lines
            .into_iter()
            .map(|(_, _, mut items)| {
                items.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut line = String::new();
                let mut last_end: Option<f64> = None;
                for (x, w, t) in items {
                    // A gap wider than a space separates table cells.
                    if let Some(e) = last_end
                        && x - e > 4.0
                    {
                        line.push(' ');
                    }
                    line.push_str(t);
                    last_end = Some(x + w);
                }
                line
            })
            .collect();
        out.push(text.join("\n"));
    }
    out.join("\u{c}")
}

fn collect_runs(frame: &Frame, ts: Transform, out: &mut Vec<TextRun>) {
    for (pos, item) in frame.items() {
        let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                collect_runs(&group.frame, ts.pre_concat(group.transform), out);
            }
            FrameItem::Text(text) => out.push(run_of(text, ts)),
            _ => {}
        }
    }
}

fn run_of(text: &TextItem, ts: Transform) -> TextRun {
    let origin = Point::zero().transform(ts);
    let unit = Point::new(Abs::pt(1.0), Abs::zero()).transform(ts) - origin;
    let len = unit.x.to_pt().hypot(unit.y.to_pt()).max(1e-9);
    let direction = (unit.x.to_pt() / len, unit.y.to_pt() / len);
    // Ink of the glyphs in the run's own coordinates (`bbox` flips y to point down).
    let bbox = text.bbox();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    if bbox.min.x.to_pt().is_finite() && bbox.max.x.to_pt().is_finite() {
        for (cx, cy) in [
            (bbox.min.x, bbox.min.y),
            (bbox.max.x, bbox.min.y),
            (bbox.min.x, bbox.max.y),
            (bbox.max.x, bbox.max.y),
        ] {
            let p = Point::new(cx, cy).transform(ts);
            x0 = x0.min(p.x.to_pt());
            y0 = y0.min(p.y.to_pt());
            x1 = x1.max(p.x.to_pt());
            y1 = y1.max(p.y.to_pt());
        }
    } else {
        (x0, y0, x1, y1) = (
            origin.x.to_pt(),
            origin.y.to_pt(),
            origin.x.to_pt(),
            origin.y.to_pt(),
        );
    }
    TextRun {
        text: text.text.to_string(),
        x: origin.x.to_pt(),
        y: origin.y.to_pt(),
        width: text.width().to_pt(),
        direction,
        family: text.font.info().family.clone(),
        size: text.size.to_pt(),
        ink: [x0, y0, x1, y1],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crate shows the program a narrow surface (see the crate documentation): one
    /// public module, `evidence`, and named re-exports. A new `pub mod` or a glob
    /// re-export would hand callers the document builders and the Typst world; widen the
    /// surface on purpose, here, or not at all.
    #[test]
    fn the_public_surface_is_the_documented_one() {
        let source = include_str!("lib.rs");
        let public_modules: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("pub mod "))
            .collect();
        assert_eq!(public_modules, ["evidence;"]);
        let reexports: Vec<&str> = source
            .lines()
            .filter(|l| l.starts_with("pub use "))
            .collect();
        assert_eq!(
            reexports,
            [
                "pub use data::{DataError, IndicatorMeta, Inputs};",
                "pub use fingerprint::Fingerprints;",
                "pub use fonts::{FontError, FontReport, FontSet, Origin, Role, RoleReport};",
                "pub use wording::WordingError;",
            ]
        );
        assert!(!source.contains(&["pub use ", "data::*"].concat()));
    }

    /// A template problem is located by file and `line:column`, which is no worksheet cell.
    #[test]
    fn a_template_message_is_located_by_line_and_column() {
        let message = TemplateMessage {
            error: false,
            file: "/style.typ".into(),
            line: 12,
            column: 5,
            message: "x".into(),
            hints: Vec::new(),
        };
        let location = message.location();
        assert_eq!(location.file.as_deref(), Some("templates/style.typ"));
        assert_eq!(location.cell, Some(Place::text("12:5")));
        assert_eq!(location.cell_ref(), None);
        assert_eq!(location.to_string(), "templates/style.typ › 12:5");
    }
}
