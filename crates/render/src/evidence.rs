//! Opening evidence files before the binder embeds them.
//!
//! Evidence files come from other offices and are as untrusted as workbooks. A 1 MB PDF
//! can nest arrays half a million deep (the parser recurses until the stack overflows,
//! which aborts the process), point its page tree back at itself (the same), or hold a
//! Flate stream that inflates to gigabytes. So every evidence PDF or image is opened in
//! an isolated worker (`zhiliang evidence-worker`, see `zhiliang-isolate`) with hard
//! limits on memory, CPU and wall-clock time, with the loaders Typst itself uses:
//!
//! * the file's size is checked before a byte is read (a 2 GB sparse file costs nothing);
//! * a PDF is parsed (hayro-syntax, Typst's PDF loader), its pages counted, each page's
//!   size checked, and every stream decoded — Flate streams with a cap on the decoded
//!   size, so a decompression bomb is refused after [`limits::MAX_STREAM_DECODED`]
//!   bytes, not after it has filled the memory; fonts that are not embedded are named;
//! * an image's size is read from its header and refused above
//!   [`limits::MAX_IMAGE_PIXELS`] before it is decoded, then decoded as Typst will.
//!
//! What the worker does not survive (a stack overflow, running out of memory or time) is
//! a diagnostic for that one file, naming unit, file and reason; the render phase only
//! ever sees evidence that passed. In-process inspection ([`Inspector::InProcess`]) stays
//! for library users and tests that have no worker binary; it trusts the parsers.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use typst::foundations::Bytes;
use zhiliang_core::diagnostics::{Code, Diagnostic, Location, Severity};
use zhiliang_core::facts::{EvidenceItem, EvidenceKind};

use crate::data::size_text;

/// Limits on the evidence files the binder embeds or lists.
pub mod limits {
    /// Bytes of one PDF or image file that is embedded; checked before the file is read.
    pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
    /// Bytes of any other evidence file (a video, a spreadsheet): the binder lists it
    /// with its SHA-256, so it is read once to hash it; beyond this it is not read.
    pub const MAX_LISTED_BYTES: u64 = zhiliang_core::facts::MAX_EVIDENCE_BYTES;
    /// Pages of one evidence PDF.
    pub const MAX_PDF_PAGES: usize = 300;
    /// Pixels of one image (a 600 dpi A3 scan is about 70 million).
    pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;
    /// Decoded bytes of one stream of a PDF (a 600 dpi A4 grey scan is about 35 MB).
    pub const MAX_STREAM_DECODED: u64 = 128 * 1024 * 1024;
    /// Decoded bytes of all streams of one PDF together.
    pub const MAX_PDF_DECODED: u64 = 1024 * 1024 * 1024;
    /// Longest side of a page, in points (the PDF format's own limit: 200 inches).
    pub const MAX_PAGE_SIDE_PT: f64 = 14_400.0;
    /// Shortest side of a page, in points.
    pub const MIN_PAGE_SIDE_PT: f64 = 3.0;
    /// Arrays and dictionaries nested in one object (real files stay under ten). Deeper
    /// nesting would overflow the stack of Typst's PDF writer, which recurses per level.
    pub const MAX_NESTING: usize = 64;
    /// Address space of an inspection worker.
    pub const WORKER_MEMORY_BYTES: u64 = 1024 * 1024 * 1024;
    /// CPU seconds of an inspection worker, and the wall-clock time after which it is
    /// stopped (both per file).
    pub const WORKER_CPU_SECONDS: u64 = 8;
    pub const WORKER_WALL_SECONDS: u64 = 10;
    /// Stack of the thread that parses in the worker: deep enough for any real file,
    /// so that only hostile nesting overflows it.
    pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;
}

/// What the binder's check found in one evidence file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// Pages of a PDF (1 for an image).
    pub pages: usize,
    /// Fonts the PDF uses without embedding them (PDF/A needs every font embedded).
    pub unembedded_fonts: Vec<String>,
}

/// Why an evidence file cannot go into the binder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileProblem {
    /// The file cannot be opened at all (permissions, vanished).
    Unreadable(String),
    /// Over a limit: file size, pages, pixels, decoded size, memory.
    TooLarge(String),
    Encrypted,
    /// Not a valid PDF or image.
    Damaged(String),
    /// Could not be opened safely: the inspection crashed, or the file's structure is
    /// absurd (page size, nesting). The text says why.
    Unsafe(String),
    /// The inspection ran out of time. Reported like [`FileProblem::Unsafe`], but never
    /// kept in a saved cache: on a machine busy for a while the same file may pass.
    TimedOut(String),
}

impl FileProblem {
    /// The diagnostic code and a clause for the message (and the draft's placeholder page).
    pub fn describe(&self) -> (Code, String) {
        match self {
            FileProblem::Unreadable(why) => (Code::UnreadableFile, format!("无法读取（{why}）")),
            FileProblem::TooLarge(what) => (Code::FileTooLarge, what.clone()),
            FileProblem::Encrypted => (
                Code::EncryptedFile,
                "设置了密码或加密，无法打开".to_string(),
            ),
            FileProblem::Damaged(what) => (Code::EvidenceDamaged, what.clone()),
            FileProblem::Unsafe(what) | FileProblem::TimedOut(what) => {
                (Code::UnreadableEvidence, what.clone())
            }
        }
    }
}

/// How evidence files are opened.
#[derive(Debug, Clone, Default)]
pub enum Inspector {
    /// In this process (library users, tests). Trusts the parsers.
    #[default]
    InProcess,
    /// In isolated child processes with hard limits.
    Worker(zhiliang_isolate::Worker),
}

static DEFAULT: OnceLock<Inspector> = OnceLock::new();

impl Inspector {
    /// `program evidence-worker --memory … --cpu …`: the hidden subcommand of the
    /// `zhiliang` binary (pass `std::env::current_exe()`), with the default limits.
    pub fn subcommand(program: std::path::PathBuf) -> Inspector {
        Inspector::Worker(zhiliang_isolate::Worker::subcommand(
            program,
            "evidence-worker",
            zhiliang_isolate::Limits {
                memory_bytes: limits::WORKER_MEMORY_BYTES,
                cpu_seconds: limits::WORKER_CPU_SECONDS,
                wall: Duration::from_secs(limits::WORKER_WALL_SECONDS),
                output_bytes: 1024 * 1024,
            },
        ))
    }

    /// Sets the inspector [`Inspector::process_default`] returns (once, at program start).
    pub fn set_process_default(inspector: Inspector) {
        let _ = DEFAULT.set(inspector);
    }

    /// The inspector set by [`Inspector::set_process_default`], else in-process.
    pub fn process_default() -> Inspector {
        DEFAULT.get().cloned().unwrap_or_default()
    }

    /// Inspects files already read (each with its kind); one answer per file, in order.
    fn inspect_all(
        &self,
        files: &[(EvidenceKind, Vec<u8>)],
    ) -> Vec<Result<Inspection, FileProblem>> {
        use rayon::prelude::*;
        match self {
            Inspector::InProcess => files
                .par_iter()
                .map(|(kind, bytes)| inspect_bytes(*kind, bytes))
                .collect(),
            Inspector::Worker(worker) => {
                let payloads: Vec<Vec<u8>> = files
                    .iter()
                    .map(|(kind, bytes)| {
                        let mut p = Vec::with_capacity(bytes.len() + 1);
                        p.push(kind_byte(*kind));
                        p.extend_from_slice(bytes);
                        p
                    })
                    .collect();
                let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
                zhiliang_isolate::run_all::<Result<Inspection, FileProblem>>(worker, &refs)
                    .into_iter()
                    .map(|answer| answer.unwrap_or_else(|f| Err(failure_problem(f))))
                    .collect()
            }
        }
    }
}

/// The problem a worker's failure means for the file it was on.
fn failure_problem(failure: zhiliang_isolate::Failure) -> FileProblem {
    use zhiliang_isolate::Failure;
    match failure {
        Failure::OutOfMemory => FileProblem::TooLarge(format!(
            "打开时所需内存超过 {} 的上限（可能含有解压后极大的内容）",
            size_text(limits::WORKER_MEMORY_BYTES)
        )),
        Failure::Timeout => FileProblem::TimedOut(format!(
            "打开时超过 {} 秒的时间上限，疑似被恶意构造",
            limits::WORKER_WALL_SECONDS
        )),
        Failure::Crashed(how) => FileProblem::Unsafe(format!("无法安全打开（{how}）")),
    }
}

fn kind_byte(kind: EvidenceKind) -> u8 {
    if kind == EvidenceKind::Pdf {
        b'P'
    } else {
        b'I'
    }
}

/// Runs the inspection worker: for each file on `input` (a kind byte, `P` or `I`, then
/// the file's bytes, length-prefixed as `zhiliang_isolate::serve` reads them) prints the
/// answer. Called by the `evidence-worker` subcommand after `apply_limits`.
pub fn worker_main(input: &mut dyn Read, output: &mut dyn Write) -> std::io::Result<()> {
    zhiliang_isolate::serve::<Result<Inspection, FileProblem>>(
        input,
        output,
        limits::MAX_FILE_BYTES + 1,
        |len| Err(too_large_file(len)),
        |payload| {
            let Some((&kind, bytes)) = payload.split_first() else {
                return Err(FileProblem::Damaged("是空文件".to_string()));
            };
            let kind = if kind == b'P' {
                EvidenceKind::Pdf
            } else {
                EvidenceKind::Image
            };
            zhiliang_isolate::with_stack(limits::WORKER_STACK_BYTES, || inspect_bytes(kind, bytes))
        },
    )
}

fn too_large_file(len: u64) -> FileProblem {
    FileProblem::TooLarge(format!(
        "有 {}，超过汇编单个文件 {} 的上限",
        size_text(len),
        size_text(limits::MAX_FILE_BYTES)
    ))
}

/// Inspection results of files already opened, by content (SHA-256 and kind), so that a
/// rebuild opens only the files that changed. `watch` keeps one in memory; `build` also
/// keeps it beside its output ([`InspectionCache::to_json`], [`InspectionCache::from_json`]),
/// so that the next process need not open ~100 unchanged files in workers again (about
/// two thirds of a `check`).
#[derive(Debug, Default)]
pub struct InspectionCache {
    entries: HashMap<CacheKey, Result<Inspection, FileProblem>>,
    /// Keys used since the cache was made: what [`InspectionCache::to_json`] keeps, so the
    /// file holds the evidence of the last run, not every file ever seen.
    used: HashSet<CacheKey>,
}

/// Bump when the inspection itself changes (a new check, another message): results
/// written by an older inspection are then not trusted. The limits are part of the
/// format too (see `format_tag`).
const INSPECTION_VERSION: u32 = 1;

/// The tag a saved cache must carry to be used: program version, inspection version and
/// every limit, so that results judged under other rules are never reused.
fn format_tag() -> String {
    use limits::*;
    format!(
        "zhiliang {} evidence inspection {INSPECTION_VERSION}; limits {MAX_FILE_BYTES} {MAX_LISTED_BYTES} {MAX_PDF_PAGES} {MAX_IMAGE_PIXELS} {MAX_STREAM_DECODED} {MAX_PDF_DECODED} {MAX_PAGE_SIDE_PT} {MIN_PAGE_SIDE_PT} {MAX_NESTING}",
        env!("CARGO_PKG_VERSION")
    )
}

#[derive(Serialize, Deserialize)]
struct SavedCache {
    format: String,
    entries: Vec<SavedInspection>,
}

#[derive(Serialize, Deserialize)]
struct SavedInspection {
    sha256: String,
    pdf: bool,
    result: Result<Inspection, FileProblem>,
}

impl InspectionCache {
    /// The results used since this cache was made (loaded or empty), as JSON, sorted, so
    /// an unchanged run writes the same bytes.
    pub fn to_json(&self) -> Vec<u8> {
        let mut entries: Vec<SavedInspection> = self
            .used
            .iter()
            .filter_map(|key| {
                let result = self.entries.get(key)?;
                if matches!(result, Err(FileProblem::TimedOut(_))) {
                    return None;
                }
                Some(SavedInspection {
                    sha256: key.0.clone(),
                    pdf: key.1,
                    result: result.clone(),
                })
            })
            .collect();
        entries.sort_by(|a, b| (&a.sha256, a.pdf).cmp(&(&b.sha256, b.pdf)));
        let saved = SavedCache {
            format: format_tag(),
            entries,
        };
        let mut bytes = serde_json::to_vec_pretty(&saved).expect("cache serialises");
        bytes.push(b'\n');
        bytes
    }

    /// A cache saved by [`InspectionCache::to_json`]; empty when the bytes are not one, or
    /// were written by another version or under other limits (then every file is opened
    /// again, which is only slower).
    pub fn from_json(bytes: &[u8]) -> InspectionCache {
        let Ok(saved) = serde_json::from_slice::<SavedCache>(bytes) else {
            return InspectionCache::default();
        };
        if saved.format != format_tag() {
            return InspectionCache::default();
        }
        InspectionCache {
            entries: saved
                .entries
                .into_iter()
                // a SHA-256 is 64 hex digits; anything else is not a key this program made
                .filter(|e| e.sha256.len() == 64 && e.sha256.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(|e| ((e.sha256, e.pdf), e.result))
                .collect(),
            used: HashSet::new(),
        }
    }

    fn get(&mut self, key: &CacheKey) -> Option<&Result<Inspection, FileProblem>> {
        let hit = self.entries.get(key)?;
        self.used.insert(key.clone());
        Some(hit)
    }

    fn insert(&mut self, key: CacheKey, result: Result<Inspection, FileProblem>) {
        self.used.insert(key.clone());
        self.entries.insert(key, result);
    }
}

/// Opens every evidence file the index names that the binder draws (PDFs and images) and
/// records its page count in `item.pages`, or the problem in `item.problem`; any other
/// file over [`limits::MAX_LISTED_BYTES`] is a problem too. Returns one diagnostic per
/// problem (with the unit and the path), and — when PDF pages are embedded — the
/// `binder-not-pdfa` warning with one note per PDF whose fonts are not embedded.
///
/// `input_dir` is the folder that `item.path` (`evidence/<unit>/<file>`) is relative to.
pub fn inspect_evidence(
    items: &mut [EvidenceItem],
    input_dir: &Path,
    inspector: &Inspector,
    cache: &mut InspectionCache,
) -> Vec<Diagnostic> {
    let inspected = inspect_distinct(items, input_dir, inspector, cache);
    let mut out = Vec::new();
    let mut embedded_pdfs = 0usize;
    for item in items.iter_mut() {
        let Some(rel) = item.path.clone() else {
            continue;
        };
        let loc = Location {
            unit: Some(item.unit.clone()),
            file: Some(rel.clone()),
            indicator: Some(item.indicator),
            ..Default::default()
        };
        let Some(result) = inspected.get(&rel).cloned() else {
            continue;
        };
        match result {
            Ok(found) => {
                item.pages = Some(found.pages);
                if item.kind == EvidenceKind::Pdf {
                    embedded_pdfs += 1;
                    if !found.unembedded_fonts.is_empty() {
                        out.push(
                            Diagnostic::new(
                                Code::BinderNotPdfa,
                                loc,
                                format!(
                                    "证明材料“{rel}”（{}）使用了未嵌入的字体（{}），即使排版程序允许嵌入 PDF，证明材料汇编也不能符合 PDF/A；如需 PDF/A 版本，请向报送单位索取嵌入字体的 PDF（如“另存为 PDF/A”）。",
                                    item.number,
                                    found.unembedded_fonts.join("、")
                                ),
                            )
                            .with_severity(Severity::Info),
                        );
                    }
                }
            }
            Err(problem) => {
                let (code, what) = problem.describe();
                item.problem = Some(what.clone());
                out.push(
                    Diagnostic::new(
                        code,
                        loc,
                        format!(
                            "证明材料“{rel}”（{}，{}）{what}，无法编入证明材料汇编；请报送单位重新提供该文件后再生成（草稿中以占位页标明）。",
                            item.number, item.unit
                        ),
                    )
                    .with_value(what),
                );
            }
        }
    }
    if embedded_pdfs > 0 {
        out.push(Diagnostic::new(
            Code::BinderNotPdfa,
            Location::file(format!("output/{}", crate::DocKind::Binder.file_name())),
            format!(
                "证明材料汇编按原样（矢量、文字可检索）嵌入了 {embedded_pdfs} 份 PDF 证明材料，排版程序（Typst 0.15）不允许在 PDF/A 文件中嵌入其他 PDF，因此证明材料汇编导出为普通 PDF（不是 PDF/A）；其余文件仍为 PDF/A-3b。长期归档时请知悉。"
            ),
        ));
    }
    out
}

/// A file read for the inspector: its path, cache key, kind and bytes.
type ToInspect = (String, Option<CacheKey>, EvidenceKind, Vec<u8>);
/// An inspection's cache key: the file's SHA-256 and whether it is opened as a PDF.
type CacheKey = (String, bool);

/// Each distinct file the items name, inspected once: drawn files (PDF, image) in the
/// inspector, other files only by size. Keyed by the item's path.
fn inspect_distinct(
    items: &[EvidenceItem],
    input_dir: &Path,
    inspector: &Inspector,
    cache: &mut InspectionCache,
) -> HashMap<String, Result<Inspection, FileProblem>> {
    let mut wanted: Vec<(&str, EvidenceKind, Option<&str>)> = items
        .iter()
        .filter_map(|i| i.path.as_deref().map(|p| (p, i.kind, i.sha256.as_deref())))
        .collect();
    wanted.sort_by(|a, b| a.0.cmp(b.0));
    wanted.dedup_by(|a, b| a.0 == b.0);
    let mut done = HashMap::new();
    // Read (within the size limit) what the inspector must see; answer the rest now.
    let mut to_inspect: Vec<ToInspect> = Vec::new();
    for (rel, kind, sha) in wanted {
        let drawn = matches!(kind, EvidenceKind::Pdf | EvidenceKind::Image);
        let key = sha.map(|s| (s.to_string(), kind == EvidenceKind::Pdf));
        if drawn && let Some(hit) = key.as_ref().and_then(|k| cache.get(k)) {
            done.insert(rel.to_string(), hit.clone());
            continue;
        }
        let path = input_dir.join(rel);
        let size = match std::fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) => {
                done.insert(rel.to_string(), Err(FileProblem::Unreadable(e.to_string())));
                continue;
            }
        };
        if !drawn {
            if size > limits::MAX_LISTED_BYTES {
                done.insert(
                    rel.to_string(),
                    Err(FileProblem::TooLarge(format!(
                        "有 {}，超过证明材料单个文件 {} 的上限",
                        size_text(size),
                        size_text(limits::MAX_LISTED_BYTES)
                    ))),
                );
            }
            continue;
        }
        if size > limits::MAX_FILE_BYTES {
            done.insert(rel.to_string(), Err(too_large_file(size)));
            continue;
        }
        match read_at_most(&path, limits::MAX_FILE_BYTES) {
            Ok(bytes) => {
                // Cached under the hash of the bytes the worker sees, not the index's: a
                // file replaced in between must not lend its result to the old content.
                let key = Some((sha256_hex(&bytes), kind == EvidenceKind::Pdf));
                to_inspect.push((rel.to_string(), key, kind, bytes));
            }
            Err(problem) => {
                done.insert(rel.to_string(), Err(problem));
            }
        }
    }
    let files: Vec<(EvidenceKind, Vec<u8>)> = to_inspect
        .iter_mut()
        .map(|(_, _, kind, bytes)| (*kind, std::mem::take(bytes)))
        .collect();
    let answers = inspector.inspect_all(&files);
    for ((rel, key, _, _), answer) in to_inspect.into_iter().zip(answers) {
        if let Some(key) = key {
            cache.insert(key, answer.clone());
        }
        done.insert(rel, answer);
    }
    done
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The file's bytes, refusing it (without reading further) once it grows past `max`
/// — it may have grown since its size was taken.
fn read_at_most(path: &Path, max: u64) -> Result<Vec<u8>, FileProblem> {
    let file = std::fs::File::open(path).map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > max {
        return Err(too_large_file(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Checks one PDF or image file as the binder will embed it, in this process: the size
/// before anything is read, then the same checks the worker runs on the bytes.
pub fn inspect_file(path: &Path, kind: EvidenceKind) -> Result<Inspection, FileProblem> {
    let meta = std::fs::metadata(path).map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    if meta.len() > limits::MAX_FILE_BYTES {
        return Err(too_large_file(meta.len()));
    }
    let data = read_at_most(path, limits::MAX_FILE_BYTES)?;
    inspect_bytes(kind, &data)
}

/// Checks one PDF or image, given its bytes, as the binder will embed it. This is what
/// the worker runs.
fn inspect_bytes(kind: EvidenceKind, data: &[u8]) -> Result<Inspection, FileProblem> {
    if data.is_empty() {
        return Err(FileProblem::Damaged("是空文件".to_string()));
    }
    match kind {
        EvidenceKind::Pdf => inspect_pdf(data),
        _ => inspect_image(data),
    }
}

fn inspect_pdf(data: &[u8]) -> Result<Inspection, FileProblem> {
    // The parser Typst's `image` loads PDFs with: what it accepts here, the binder can
    // embed.
    let doc = hayro_syntax::Pdf::new(data.to_vec()).map_err(|e| match e {
        hayro_syntax::LoadPdfError::Decryption(_) => FileProblem::Encrypted,
        hayro_syntax::LoadPdfError::Invalid => {
            FileProblem::Damaged("不是完整有效的 PDF 文件（可能已损坏或扩展名有误）".to_string())
        }
    })?;
    let pages = doc.pages();
    if pages.is_empty() {
        return Err(FileProblem::Damaged("是没有页面的 PDF 文件".to_string()));
    }
    if pages.len() > limits::MAX_PDF_PAGES {
        return Err(FileProblem::TooLarge(format!(
            "有 {} 页，超过汇编单个文件 {} 页的上限",
            pages.len(),
            limits::MAX_PDF_PAGES
        )));
    }
    for (n, page) in pages.iter().enumerate() {
        let b = page.media_box();
        let (w, h) = ((b.x1 - b.x0).abs(), (b.y1 - b.y0).abs());
        let ok = |side: f64| {
            side.is_finite()
                && (limits::MIN_PAGE_SIDE_PT..=limits::MAX_PAGE_SIDE_PT).contains(&side)
        };
        if !(ok(w) && ok(h)) {
            return Err(FileProblem::Unsafe(format!(
                "第 {} 页的页面尺寸异常（{:.0}×{:.0} 磅，正常在 {:.0}—{:.0} 磅之间），疑似被恶意构造",
                n + 1,
                w,
                h,
                limits::MIN_PAGE_SIDE_PT,
                limits::MAX_PAGE_SIDE_PT
            )));
        }
    }
    check_nesting(&doc)?;
    check_streams(&doc)?;
    Ok(Inspection {
        pages: pages.len(),
        unembedded_fonts: unembedded_fonts(&doc),
    })
}

/// Refuses a file with an object nested deeper than [`limits::MAX_NESTING`]. Every
/// object is visited from the file's object table; references are not followed (each
/// referenced object is visited in its own turn), so a cycle cannot make this loop.
fn check_nesting(doc: &hayro_syntax::Pdf) -> Result<(), FileProblem> {
    use hayro_syntax::object::{MaybeRef, Object};
    fn depth_ok(object: &Object<'_>, depth: usize) -> bool {
        if depth > limits::MAX_NESTING {
            return false;
        }
        let inner = |m: MaybeRef<Object<'_>>| match m {
            MaybeRef::NotRef(o) => depth_ok(&o, depth + 1),
            MaybeRef::Ref(_) => true,
        };
        match object {
            Object::Dict(d) => d.entries().all(|(_, v)| inner(v)),
            Object::Stream(s) => s.dict().entries().all(|(_, v)| inner(v)),
            Object::Array(a) => a.raw_iter().all(inner),
            _ => true,
        }
    }
    if doc.objects().into_iter().all(|o| depth_ok(&o, 0)) {
        Ok(())
    } else {
        Err(FileProblem::Unsafe(format!(
            "的对象嵌套超过 {} 层，疑似被恶意构造",
            limits::MAX_NESTING
        )))
    }
}

/// Decodes every stream of the file, refusing one that decodes to more than
/// [`limits::MAX_STREAM_DECODED`] bytes or a file whose streams together decode to more
/// than [`limits::MAX_PDF_DECODED`]. Flate streams (nearly all of them) are inflated
/// with the cap, so a bomb stops at the cap; image codecs (JPEG, JPEG 2000, JBIG2, fax)
/// are checked by their declared pixel count instead, since the binder copies them
/// undecoded.
fn check_streams(doc: &hayro_syntax::Pdf) -> Result<(), FileProblem> {
    use hayro_syntax::Filter;
    use hayro_syntax::object::Object;
    let mut total = 0u64;
    for object in doc.objects() {
        let Object::Stream(stream) = object else {
            continue;
        };
        let filters = stream.filters();
        let image_codec = filters.iter().any(|f| {
            matches!(
                f,
                Filter::DctDecode
                    | Filter::JpxDecode
                    | Filter::Jbig2Decode
                    | Filter::CcittFaxDecode
            )
        });
        let decoded = if image_codec {
            let dict = stream.dict();
            let w = dict.get::<f64>(b"Width".as_slice()).unwrap_or(0.0).max(0.0);
            let h = dict
                .get::<f64>(b"Height".as_slice())
                .unwrap_or(0.0)
                .max(0.0);
            let pixels = w * h;
            if pixels > limits::MAX_IMAGE_PIXELS as f64 {
                return Err(FileProblem::TooLarge(format!(
                    "含有 {w:.0}×{h:.0} 像素的图片，超过汇编单张图片 {} 万像素的上限",
                    limits::MAX_IMAGE_PIXELS / 10_000
                )));
            }
            0
        } else if filters.iter().all(|f| matches!(f, Filter::FlateDecode)) {
            let raw = stream.raw_data();
            let mut size = raw.len() as u64;
            let mut data: Vec<u8> = raw.into_owned();
            for (i, _) in filters.iter().enumerate() {
                // Only the last stage's size needs no copy; earlier stages feed the next.
                let last = i + 1 == filters.len();
                let (n, out) = inflate_capped(&data, limits::MAX_STREAM_DECODED, !last)?;
                size = n;
                data = out;
            }
            size
        } else {
            // Rare filters (LZW, ASCII85, run-length …): hayro decodes them as Typst
            // would; the worker's memory limit bounds a bomb among them.
            stream.decoded().map_or(0, |d| d.len() as u64)
        };
        if decoded > limits::MAX_STREAM_DECODED {
            return Err(bomb());
        }
        total += decoded;
        if total > limits::MAX_PDF_DECODED {
            return Err(FileProblem::TooLarge(format!(
                "的内容解压后超过 {} 的上限",
                size_text(limits::MAX_PDF_DECODED)
            )));
        }
    }
    Ok(())
}

fn bomb() -> FileProblem {
    FileProblem::TooLarge(format!(
        "含有解压后超过 {} 的数据流（疑似“解压炸弹”）",
        size_text(limits::MAX_STREAM_DECODED)
    ))
}

/// Inflates zlib (or raw deflate) data, stopping past `cap` bytes. Returns the decoded
/// size and, when `keep` is set, the decoded bytes. Data that does not inflate is left
/// to the PDF loader (it falls back to a lenient decoder): size 0.
fn inflate_capped(data: &[u8], cap: u64, keep: bool) -> Result<(u64, Vec<u8>), FileProblem> {
    use flate2::read::{DeflateDecoder, ZlibDecoder};
    fn run(reader: impl Read, cap: u64, keep: bool) -> Option<(u64, Vec<u8>)> {
        let mut limited = reader.take(cap + 1);
        if keep {
            let mut out = Vec::new();
            limited.read_to_end(&mut out).ok()?;
            Some((out.len() as u64, out))
        } else {
            let n = std::io::copy(&mut limited, &mut std::io::sink()).ok()?;
            Some((n, Vec::new()))
        }
    }
    let result = run(ZlibDecoder::new(data), cap, keep)
        .or_else(|| run(DeflateDecoder::new(data), cap, keep))
        .unwrap_or((0, Vec::new()));
    if result.0 > cap {
        return Err(bomb());
    }
    Ok(result)
}

fn inspect_image(data: &[u8]) -> Result<Inspection, FileProblem> {
    use typst::visualize::{ExchangeFormat, RasterImage};
    let format = ExchangeFormat::detect(data).ok_or_else(|| {
        FileProblem::Damaged("不是可识别的 JPG 或 PNG 图片（可能已损坏或扩展名有误）".to_string())
    })?;
    // The size from the header first: a few kilobytes can claim billions of pixels, and
    // decoding such a file would take the memory the limit is there to protect.
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .ok_or_else(|| {
            FileProblem::Damaged("无法读出图片尺寸（可能已损坏或扩展名有误）".to_string())
        })?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits::MAX_IMAGE_PIXELS {
        return Err(FileProblem::TooLarge(format!(
            "为 {width}×{height} 像素，超过汇编单张图片 {} 万像素的上限",
            limits::MAX_IMAGE_PIXELS / 10_000
        )));
    }
    RasterImage::plain(Bytes::new(data.to_vec()), format).map_err(|_| {
        FileProblem::Damaged("无法解码为图片（可能已损坏或扩展名有误）".to_string())
    })?;
    Ok(Inspection {
        pages: 1,
        unembedded_fonts: Vec::new(),
    })
}

/// Base names of the fonts a PDF uses without embedding them (no FontFile, FontFile2 or
/// FontFile3 in the descriptor; a simple font without a descriptor, such as the standard
/// Helvetica, is not embedded either).
fn unembedded_fonts(doc: &hayro_syntax::Pdf) -> Vec<String> {
    use hayro_syntax::object::{Dict, Name, Object};
    let mut names = std::collections::BTreeSet::new();
    for object in doc.objects() {
        let Object::Dict(dict) = object else { continue };
        if dict.get::<Name>(b"Type".as_slice()).as_deref() != Some(b"Font".as_slice()) {
            continue;
        }
        let subtype = dict.get::<Name>(b"Subtype".as_slice());
        // Type0 fonts carry their file in the descendant; Type3 fonts are drawn by
        // content streams and need no file.
        if matches!(subtype.as_deref(), Some(b"Type0") | Some(b"Type3")) {
            continue;
        }
        let embedded = dict
            .get::<Dict>(b"FontDescriptor".as_slice())
            .is_some_and(|d| {
                d.contains_key(b"FontFile")
                    || d.contains_key(b"FontFile2")
                    || d.contains_key(b"FontFile3")
            });
        if !embedded {
            let name = dict.get::<Name>(b"BaseFont".as_slice()).map_or_else(
                || "未命名字体".to_string(),
                |n| String::from_utf8_lossy(&n).into_owned(),
            );
            names.insert(name);
        }
    }
    names.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A time-out may be the machine's fault, not the file's: it is reported, but the next
    /// process opens the file again rather than trusting a saved verdict. Entries not used
    /// by this run are not saved either.
    #[test]
    fn a_saved_cache_keeps_this_runs_verdicts_but_not_a_time_out() {
        let key = |c: char| (c.to_string().repeat(64), true);
        let ok = Ok(Inspection {
            pages: 3,
            unembedded_fonts: Vec::new(),
        });
        let mut cache = InspectionCache::default();
        cache.insert(key('a'), ok.clone());
        cache.insert(key('b'), Err(FileProblem::TimedOut("超时".into())));
        cache.insert(key('c'), Err(FileProblem::Encrypted));
        let mut loaded = InspectionCache::from_json(&cache.to_json());
        assert_eq!(loaded.get(&key('a')), Some(&ok));
        assert_eq!(loaded.get(&key('b')), None);
        assert_eq!(loaded.get(&key('c')), Some(&Err(FileProblem::Encrypted)));

        // Loaded but not looked up in this run: dropped on the next save.
        let reloaded = InspectionCache::from_json(&cache.to_json());
        let mut again = InspectionCache::from_json(&reloaded.to_json());
        assert_eq!(again.get(&key('a')), None);
    }
}
