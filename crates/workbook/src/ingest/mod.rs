//! Ingestion: every workbook (and `*.facts.json` import) under `input/` → typed
//! [`Submission`]s, each value remembering its unit, file, sheet and A1 cell.
//!
//! This module walks the folder, caches, and dispatches each file to one of two readers
//! with a narrow interface each: [`form`] (a workbook's cells → the unit's submission) and
//! [`facts`] (the documented import format, also used by `score --facts`). Both return a
//! [`FileOutcome`]; neither knows about the other or about files on disk.
//!
//! A file is attributed to a unit by its cover sheet's 填报单位 (aliases honoured), never by
//! its file name. Cells are found through the hidden keys of [`crate::layout`], so moved
//! rows and renamed sheets still read back. Problems found while reading (unreadable,
//! encrypted, not a spreadsheet, old form, unknown unit, wrong type, invalid date or
//! choice) are diagnostics in the report; nothing here panics or stops the run.

pub mod facts;
pub mod form;
pub mod isolate;
pub mod normalise;
pub mod read;

pub use form::{ingest_file, ingest_file_with};
pub use isolate::{Limits, Reader, Worker, worker_limits};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;
use zhiliang_core::Setup;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::diagnostics::{Cell, Code, Diagnostic, Location};
use zhiliang_core::facts::Submission;
use zhiliang_core::units::Roster;

use crate::layout::limits;
use read::{Book, ReadError};

/// One file seen under `input/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Relative to the input folder, with `/` separators.
    pub path: String,
    pub size: u64,
    /// Canonical unit name the file was attributed to (from its cover sheet).
    pub unit: Option<String>,
    /// SHA-256 of the bytes that were read (hex); `None` when the file could not be read.
    /// The build record takes it from here, so a file is never opened twice (and never
    /// by a lossily converted name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// One data row of a form as found in a file: where its cells are, so that the checker can
/// point at a blank cell (a missing value, a missing 证明材料) that has no value source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRow {
    pub file: String,
    pub unit: String,
    pub sheet: String,
    /// 1-based row number as Excel shows it.
    pub row: u32,
    /// Fact key (scalar sheet) or list key (list sheet).
    pub fact: Option<String>,
    pub list: Option<String>,
    /// Column key (`value`, `denominator`, `evidence`, a field key, `_evidence`) → its cell
    /// (serialised as the A1 reference, `"H18"`).
    pub cells: BTreeMap<String, Cell>,
    /// The 备注 of a scalar row, kept even when the value is blank (it says why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The 证明材料 of a scalar row, kept even when the value is blank or was refused (the
    /// file it names is still referenced, and still has to exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// One per readable file attributed to a roster unit (several per unit when a unit sent
    /// two files: the checker reports that; see [`IngestReport::accepted_submissions`]).
    /// A [`RedundantCopy`] contributes nothing here.
    pub submissions: Vec<Submission>,
    /// Every file seen, copies included (the build record hashes them all).
    pub files: Vec<InputFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every scalar row and every non-blank record row read, for cell lookups.
    pub rows: Vec<FormRow>,
    /// Files that repeat another file of the same unit exactly, set aside.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<RedundantCopy>,
}

/// A workbook that says exactly what another workbook of the same unit says — the same
/// data and the same reading problems, only the file name differs (the form sent twice,
/// `zhujian (1).xlsx` from a second download, a copy re-saved unchanged). It is read once:
/// its submission, rows and diagnostics are those of `kept` and are not added again, and
/// the checker says so with a `duplicate-copy` warning. Files that differ in anything are
/// not copies: they stay `duplicate-submission` errors and neither is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedundantCopy {
    pub file: String,
    pub unit: String,
    /// The file whose content is used: of the identical files, the one with the shortest
    /// name (then the first by name), so `zhujian.xlsx` is kept over `zhujian (1).xlsx`.
    pub kept: String,
}

impl IngestReport {
    /// Submissions of units that sent exactly one file. A unit with two files has both
    /// reported as `duplicate-submission` and neither is used: picking one silently could
    /// score last month's numbers.
    pub fn accepted_submissions(&self) -> Vec<Submission> {
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &self.submissions {
            *count.entry(s.unit.as_str()).or_default() += 1;
        }
        self.submissions
            .iter()
            .filter(|s| count[s.unit.as_str()] == 1)
            .cloned()
            .collect()
    }
}

/// Spreadsheet extensions read with calamine. `.et` (WPS's own format) and `.csv` are
/// recognised only to tell the unit to save as .xlsx.
const SPREADSHEET_EXT: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];
const FOREIGN_EXT: [&str; 3] = ["et", "csv", "numbers"];
/// Archives a unit may send its form in: said, so that the unit is not merely listed as
/// "not submitted".
const ARCHIVE_EXT: [&str; 3] = ["zip", "rar", "7z"];

fn skipped_name(name: &str) -> bool {
    // Hidden files, Excel owner files (~$x.xlsx), LibreOffice locks (.~lock.x#).
    name.starts_with('.') || name.starts_with("~$") || name.starts_with(".~lock")
}

/// Reads every workbook and facts import under `input` (sorted, so the result is the same on
/// every machine); `input/evidence/` is the evidence folder and not read here.
pub fn ingest(input: &Path, setup: &Setup) -> IngestReport {
    ingest_cached(input, setup, &mut IngestCache::default())
}

/// What each file contributed last time, with the exact bytes it had: a file whose bytes
/// are unchanged is not parsed again. `watch` keeps one across rebuilds, so a corrected
/// workbook re-reads that workbook only. Valid for one catalogue and roster: drop it when
/// either changes.
#[derive(Debug, Default)]
pub struct IngestCache {
    files: BTreeMap<String, (Vec<u8>, FileOutcome)>,
    /// Files parsed (not served from the cache) by the last call.
    pub parsed: Vec<String>,
}

/// [`ingest`] reusing the previous run's results for files whose bytes did not change.
/// Workbooks are read by [`Reader::process_default`].
pub fn ingest_cached(input: &Path, setup: &Setup, cache: &mut IngestCache) -> IngestReport {
    ingest_with(input, setup, cache, &Reader::process_default())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One file found under `input/`, before it is parsed.
struct Found {
    rel: String,
    size: u64,
    sha256: Option<String>,
    /// Bytes read, or the outcome decided without parsing.
    work: Work,
}

enum Work {
    Done(FileOutcome),
    Cached(Vec<u8>, FileOutcome),
    Facts(Vec<u8>),
    Workbook(Vec<u8>),
}

/// [`ingest_cached`] with an explicit [`Reader`]. Workbooks that need parsing are parsed
/// in parallel (at most one per rayon thread, so at most that many workers at a time).
pub fn ingest_with(
    input: &Path,
    setup: &Setup,
    cache: &mut IngestCache,
    reader: &Reader,
) -> IngestReport {
    cache.parsed.clear();
    let found = find_files(input, cache);
    let parsed = parse_all(found, &setup.catalogue, &setup.roster, reader);
    assemble(parsed, cache)
}

/// Every file under `input/` worth a look (sorted), read into memory or already decided.
fn find_files(input: &Path, cache: &mut IngestCache) -> Vec<Found> {
    let walker = WalkDir::new(input)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(skipped_name(&name)
                || (e.depth() == 1 && e.file_type().is_dir() && name == "evidence"))
        });
    walker
        .filter_map(Result::ok)
        .filter_map(|entry| found_file(&entry, input, cache))
        .collect()
}

/// One entry of the walk: `None` when it is no file of ours (by its extension).
fn found_file(entry: &walkdir::DirEntry, input: &Path, cache: &mut IngestCache) -> Option<Found> {
    let link = entry.path_is_symlink();
    if !(entry.file_type().is_file() || link) {
        return None;
    }
    let name = entry.file_name().to_string_lossy().to_string();
    // "zhujian.xlsx " and "zhujian.xlsx." (names unpacked from archives made elsewhere;
    // Windows drops trailing blanks and dots) are still workbooks.
    let lower = name.to_lowercase().trim_end_matches([' ', '.']).to_string();
    let ext = lower
        .rsplit_once('.')
        .map(|(_, e)| e.to_string())
        .unwrap_or_default();
    let is_facts = lower.ends_with(".facts.json");
    if !(is_facts
        || SPREADSHEET_EXT.contains(&ext.as_str())
        || FOREIGN_EXT.contains(&ext.as_str())
        || ARCHIVE_EXT.contains(&ext.as_str()))
    {
        return None;
    }
    let rel = entry
        .path()
        .strip_prefix(input)
        .unwrap_or(entry.path())
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/");
    let fail = |size: u64, d: Diagnostic| Found {
        rel: rel.clone(),
        size,
        sha256: None,
        work: Work::Done(FileOutcome::failed(d)),
    };
    if link {
        // Not followed: a link may point anywhere on the machine. Said, not skipped,
        // so the unit is not merely listed as "not submitted".
        let target = std::fs::read_link(entry.path())
            .map(|t| t.to_string_lossy().to_string())
            .unwrap_or_default();
        return Some(fail(
            0,
            Diagnostic::new(
                Code::UnreadableFile,
                Location::file(&rel),
                format!(
                    "文件“{rel}”是指向“{target}”的符号链接（快捷方式），为防止读取输入文件夹以外的文件，系统不读取符号链接，该单位的填报表因此未被读取；请把工作簿文件本身（而非链接）放入输入文件夹。"
                ),
            )
            .with_value(target),
        ));
    }
    let size = entry.metadata().map_or(0, |m| m.len());
    if size > limits::MAX_FILE_BYTES {
        // Refused by its size alone: not read, not hashed (a 2 GB sparse file would
        // take seconds to hash for nothing).
        return Some(fail(
            size,
            form::read_error_diagnostic(&rel, &ReadError::TooLarge(size)),
        ));
    }
    let bytes = match std::fs::read(entry.path()) {
        Ok(b) => b,
        Err(e) => {
            return Some(fail(
                size,
                Diagnostic::new(
                    Code::UnreadableFile,
                    Location::file(&rel),
                    format!("文件“{rel}”无法打开（{e}），请检查文件后重新报送。"),
                ),
            ));
        }
    };
    let sha256 = Some(sha256_hex(&bytes));
    let work = work_for(&rel, &ext, is_facts, bytes, cache);
    Some(Found {
        rel,
        size,
        sha256,
        work,
    })
}

/// What is to be done with a file's bytes: served from the cache, imported, refused by its
/// kind, or read as a workbook.
fn work_for(rel: &str, ext: &str, is_facts: bool, bytes: Vec<u8>, cache: &mut IngestCache) -> Work {
    let cached = cache.files.remove(rel).filter(|(old, _)| *old == bytes);
    if let Some((_, outcome)) = cached {
        Work::Cached(bytes, outcome)
    } else if is_facts {
        Work::Facts(bytes)
    } else if ARCHIVE_EXT.contains(&ext) {
        Work::Done(FileOutcome::failed(Diagnostic::new(
            Code::NotASpreadsheet,
            Location::file(rel),
            format!(
                "文件“{rel}”是压缩包，系统不读取压缩包中的文件；请解压后把填报表（.xlsx）放入输入文件夹，证明材料放入 evidence/<单位代号>/ 文件夹。"
            ),
        )))
    } else if FOREIGN_EXT.contains(&ext) {
        Work::Done(FileOutcome::failed(Diagnostic::new(
            Code::NotASpreadsheet,
            Location::file(rel),
            format!(
                "文件“{rel}”是 .{ext} 格式，系统无法读取；请在 Excel 或 WPS 中打开下发的填报表，填写后“另存为”Excel 工作簿（.xlsx）重新报送。"
            ),
        )))
    } else {
        Work::Workbook(bytes)
    }
}

/// A file with the bytes to cache (if any), what it contributed, and whether it was parsed
/// in this run.
type Parsed = (Found, Option<Vec<u8>>, FileOutcome, bool);

/// Parses what needs parsing, in parallel; results keep the sorted order. Workbooks are
/// read all at once by `reader` (with workers: a few worker processes for the whole folder).
fn parse_all(
    found: Vec<Found>,
    catalogue: &Catalogue,
    roster: &Roster,
    reader: &Reader,
) -> Vec<Parsed> {
    use rayon::prelude::*;
    let pending: Vec<&[u8]> = found
        .iter()
        .filter_map(|f| match &f.work {
            Work::Workbook(bytes) => Some(bytes.as_slice()),
            _ => None,
        })
        .collect();
    let mut books = reader.read_all(&pending).into_iter();
    let jobs: Vec<(Found, Option<Result<Book, ReadError>>)> = found
        .into_iter()
        .map(|f| {
            let book = matches!(f.work, Work::Workbook(_)).then(|| {
                books
                    .next()
                    .unwrap_or_else(|| Err(ReadError::Corrupt("读取结果缺失".to_string())))
            });
            (f, book)
        })
        .collect();
    jobs.into_par_iter()
        .map(|(mut f, book)| {
            match std::mem::replace(&mut f.work, Work::Done(FileOutcome::default())) {
                Work::Done(outcome) => (f, None, outcome, false),
                Work::Cached(bytes, outcome) => (f, Some(bytes), outcome, false),
                Work::Facts(bytes) => {
                    let outcome = facts::import_json(&f.rel, &bytes, catalogue, roster);
                    (f, Some(bytes), outcome, true)
                }
                Work::Workbook(bytes) => {
                    let outcome = match book.expect("a book for every workbook") {
                        Ok(book) => form::read_form(&f.rel, &book, catalogue, roster),
                        Err(e) => FileOutcome::failed(form::read_error_diagnostic(&f.rel, &e)),
                    };
                    (f, Some(bytes), outcome, true)
                }
            }
        })
        .collect()
}

/// The report from every file's outcome, in order; the cache keeps this run's files only.
fn assemble(parsed: Vec<Parsed>, cache: &mut IngestCache) -> IngestReport {
    let mut report = IngestReport {
        copies: redundant_copies(&parsed),
        ..IngestReport::default()
    };
    let mut seen = BTreeMap::new();
    for (f, bytes, outcome, fresh) in parsed {
        let copy = report.copies.iter().any(|c| c.file == f.rel);
        if fresh {
            cache.parsed.push(f.rel.clone());
        }
        report.files.push(InputFile {
            path: f.rel.clone(),
            size: f.size,
            unit: outcome.unit.clone(),
            sha256: f.sha256,
        });
        if !copy {
            report
                .submissions
                .extend(outcome.submissions.iter().cloned());
            report
                .diagnostics
                .extend(outcome.diagnostics.iter().cloned());
            report.rows.extend(outcome.rows.iter().cloned());
        }
        if let Some(bytes) = bytes {
            seen.insert(f.rel, (bytes, outcome));
        }
    }
    // Files that left the folder leave the cache too.
    cache.files = seen;
    report
}

/// The workbooks that repeat another workbook of their unit (see [`RedundantCopy`]).
fn redundant_copies(parsed: &[Parsed]) -> Vec<RedundantCopy> {
    // (unit, content with the file's own name blanked) → the files saying it.
    let mut alike: BTreeMap<(&str, String), Vec<&str>> = BTreeMap::new();
    for (f, _, outcome, _) in parsed {
        // A workbook is one unit's submission; an import file may carry several units and
        // is never taken for a copy.
        let [submission] = outcome.submissions.as_slice() else {
            continue;
        };
        let content = serde_json::json!([submission, outcome.diagnostics]);
        let key = without_name(content, &f.rel).to_string();
        alike
            .entry((submission.unit.as_str(), key))
            .or_default()
            .push(&f.rel);
    }
    let mut copies = Vec::new();
    for ((unit, _), mut files) in alike {
        files.sort_by_key(|f| (f.chars().count(), *f));
        let (kept, rest) = files.split_first().expect("a group has a file");
        copies.extend(rest.iter().map(|file| RedundantCopy {
            file: (*file).to_string(),
            unit: unit.to_string(),
            kept: (*kept).to_string(),
        }));
    }
    copies.sort_by(|a, b| a.file.cmp(&b.file));
    copies
}

/// `value` with every mention of the file's name removed: its submission and diagnostics
/// name their own file (in sources, locations and messages), which is all two copies
/// differ in.
fn without_name(value: serde_json::Value, name: &str) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        J::String(s) => J::String(s.replace(name, "")),
        J::Array(items) => J::Array(items.into_iter().map(|v| without_name(v, name)).collect()),
        J::Object(map) => J::Object(
            map.into_iter()
                .map(|(k, v)| (k, without_name(v, name)))
                .collect(),
        ),
        other => other,
    }
}

/// What one file contributed.
#[derive(Debug, Clone, Default)]
pub struct FileOutcome {
    pub unit: Option<String>,
    pub submissions: Vec<Submission>,
    pub diagnostics: Vec<Diagnostic>,
    pub rows: Vec<FormRow>,
}

impl FileOutcome {
    pub(crate) fn failed(d: Diagnostic) -> Self {
        FileOutcome {
            diagnostics: vec![d],
            ..Default::default()
        }
    }
}
