//! The evidence folders (`evidence/<unit id>/`): finding the file a 证明材料 cell names,
//! the checks on named and unnamed files, and the 证明材料目录 with its numbering
//! (`类别-指标-序号`) that the 自评报告 and the evidence binder share.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use walkdir::WalkDir;
use zhiliang_core::Setup;
use zhiliang_core::diagnostics::{Code, Diagnostic, Location, Severity};
use zhiliang_core::facts::{EvidenceItem, EvidenceKind, MAX_EVIDENCE_BYTES, Submission};
use zhiliang_core::units::{Roster, Unit};

use crate::ingest::IngestReport;

/// Each named evidence item must be a file in the unit's evidence folder; a 文号 must be
/// the name (or part of the name) of one, so that the binder holds the document itself.
pub(crate) fn check_refs(
    folders: &mut EvidenceFolders,
    unit: &Unit,
    label: &str,
    text: &str,
    loc: &Location,
    out: &mut Vec<Diagnostic>,
) {
    for item in split_evidence(text, |s| folders.find(&unit.id, s).is_some()) {
        if let Some(idx) = folders.resolve(&unit.id, &item) {
            folders.mark(&unit.id, idx);
            continue;
        }
        let message = if is_doc_number(&item) {
            format!(
                "‘{label}’的证明材料以文号“{item}”引用，但 evidence/{}/ 文件夹中没有文件名含该文号的文件；证明材料汇编须附文件本身，请将该文件的 PDF 或扫描件随填报表报送，文件名写明文号（如“{item} 关于……的通知.pdf”）。",
                unit.id
            )
        } else {
            format!(
                "‘{label}’的证明材料“{item}”在 evidence/{}/ 文件夹中找不到；请将该文件随填报表一并报送（文件名须与所填一致，含扩展名），或改填文件的文号并报送该文件。",
                unit.id
            )
        };
        out.push(
            Diagnostic::new(Code::EvidenceNotFound, loc.clone(), message).with_value(item.clone()),
        );
    }
}

/// Files in a submitting unit's evidence folder that no 证明材料 cell names, and files
/// there that cannot be opened (the build record and the archive need their bytes).
pub(crate) fn check_files(
    folders: &EvidenceFolders,
    roster: &Roster,
    report: &IngestReport,
    out: &mut Vec<Diagnostic>,
) {
    // A file the folder holds but that cannot serve as evidence: a warning at the file.
    let mut warn = |id: &str, rel: &str, message: String| {
        out.push(
            Diagnostic::new(
                Code::UnreadableFile,
                Location {
                    unit: roster.by_id(id).map(|u| u.name.clone()),
                    file: Some(format!("evidence/{id}/{rel}")),
                    ..Default::default()
                },
                message,
            )
            .with_severity(Severity::Warning),
        );
    };
    for (id, rel, why) in &folders.unreadable {
        warn(
            id,
            rel,
            format!(
                "证明材料“evidence/{id}/{rel}”无法打开（{why}），生成记录中无法记录其内容，归档时也无法复制；请检查该文件的读取权限，或重新放入该文件。"
            ),
        );
    }
    for (id, rel) in &folders.links {
        warn(
            id,
            rel,
            format!(
                "证明材料“evidence/{id}/{rel}”是符号链接（快捷方式），为防止读到输入文件夹以外的文件，系统不跟随它，也不把它当作证明材料；请把文件本身（而不是快捷方式）放入该文件夹。"
            ),
        );
    }
    for (id, folder) in &folders.units {
        let Some(unit) = roster.by_id(id) else {
            continue;
        };
        if !report.submissions.iter().any(|s| s.unit == unit.name) {
            continue;
        }
        for (i, f) in folder.files.iter().enumerate() {
            if folder.used.contains(&i) {
                continue;
            }
            out.push(Diagnostic::new(
                Code::EvidenceUnreferenced,
                Location {
                    unit: Some(unit.name.clone()),
                    file: Some(format!("evidence/{id}/{}", f.rel)),
                    ..Default::default()
                },
                format!(
                    "证明材料文件“evidence/{id}/{}”未在填报表的任何“证明材料”栏中提及；如是证明材料，请在对应数据项的“证明材料”栏填写该文件名，否则请删除该文件。",
                    f.rel
                ),
            ));
        }
    }
}

/// One unit's evidence folder.
#[derive(Debug, Default)]
pub(crate) struct Folder {
    files: Vec<EvFile>,
    used: BTreeSet<usize>,
}

#[derive(Debug)]
struct EvFile {
    /// Path relative to the unit folder, `/`-separated.
    rel: String,
    name: String,
    stem: String,
}

/// The evidence folders `evidence_root/<unit.id>/`, scanned once.
#[derive(Debug, Default)]
pub(crate) struct EvidenceFolders {
    units: BTreeMap<String, Folder>,
    /// Files (or folders) that cannot be opened: (unit id, relative path, why).
    unreadable: Vec<(String, String, String)>,
    /// Symbolic links (shortcuts), never followed: one could reach a file outside the
    /// input folder. (unit id, relative path).
    links: Vec<(String, String)>,
}

fn fold_name(s: &str) -> String {
    crate::ingest::normalise::fold_width(s)
        .trim()
        .trim_matches(['《', '》', '“', '”', '"', '\''])
        .trim()
        .to_lowercase()
}

impl EvidenceFolders {
    pub(crate) fn scan(roster: &Roster, root: &Path) -> Self {
        let mut units = BTreeMap::new();
        let mut unreadable = Vec::new();
        let mut links = Vec::new();
        for unit in &roster.units {
            let dir = root.join(&unit.id);
            if dir.is_symlink() {
                // The unit's whole folder a link: walking it would read wherever it points.
                links.push((unit.id.clone(), String::new()));
                continue;
            }
            if !dir.is_dir() {
                continue;
            }
            let mut folder = Folder::default();
            let walker = WalkDir::new(&dir)
                .min_depth(1)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    let n = e.file_name().to_string_lossy();
                    !(n.starts_with('.') || n.starts_with("~$"))
                });
            for e in walker {
                let e = match e {
                    Ok(e) => e,
                    Err(err) => {
                        let rel = err
                            .path()
                            .and_then(|p| p.strip_prefix(&dir).ok())
                            .map(|p| p.to_string_lossy().replace('\\', "/"))
                            .unwrap_or_default();
                        unreadable.push((unit.id.clone(), rel, err.to_string()));
                        continue;
                    }
                };
                if e.path_is_symlink() {
                    let rel = e.path().strip_prefix(&dir).unwrap_or(e.path());
                    links.push((unit.id.clone(), rel.to_string_lossy().replace('\\', "/")));
                    continue;
                }
                if !e.file_type().is_file() {
                    continue;
                }
                if let Err(err) = std::fs::File::open(e.path()) {
                    let rel = e
                        .path()
                        .strip_prefix(&dir)
                        .unwrap_or(e.path())
                        .to_string_lossy()
                        .replace('\\', "/");
                    unreadable.push((unit.id.clone(), rel, err.to_string()));
                }
                let rel = e
                    .path()
                    .strip_prefix(&dir)
                    .unwrap_or(e.path())
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect::<Vec<_>>()
                    .join("/");
                let name = e.file_name().to_string_lossy().to_string();
                let stem = name
                    .rsplit_once('.')
                    .map(|(s, _)| s.to_string())
                    .unwrap_or(name.clone());
                folder.files.push(EvFile {
                    rel,
                    name: fold_name(&name),
                    stem: fold_name(&stem),
                });
            }
            units.insert(unit.id.clone(), folder);
        }
        EvidenceFolders {
            units,
            unreadable,
            links,
        }
    }

    /// The file an evidence item names: by relative path, file name, or name without
    /// extension (case- and width-insensitive).
    pub(crate) fn find(&self, unit_id: &str, item: &str) -> Option<usize> {
        let folder = self.units.get(unit_id)?;
        let want = fold_name(item).replace('\\', "/");
        let want = want.trim_start_matches("./");
        let want = want
            .strip_prefix(&format!("evidence/{unit_id}/"))
            .unwrap_or(want);
        folder
            .files
            .iter()
            .position(|f| f.rel.to_lowercase() == want || f.name == want)
            .or_else(|| folder.files.iter().position(|f| f.stem == want))
    }

    /// The file a 文号 names: the first (by path) whose name without extension contains
    /// it, brackets and widths folded (章政发〔2022〕11号 = 章政发[2022]11号).
    pub(crate) fn find_doc_number(&self, unit_id: &str, doc_number: &str) -> Option<usize> {
        let folder = self.units.get(unit_id)?;
        let want = fold_brackets(&fold_name(doc_number));
        folder
            .files
            .iter()
            .position(|f| fold_brackets(&f.stem).contains(&want))
    }

    /// The file an evidence item stands for: the file it names, or for a 文号 the file
    /// whose name contains it.
    pub(crate) fn resolve(&self, unit_id: &str, item: &str) -> Option<usize> {
        self.find(unit_id, item).or_else(|| {
            is_doc_number(item)
                .then(|| self.find_doc_number(unit_id, item))
                .flatten()
        })
    }

    pub(crate) fn mark(&mut self, unit_id: &str, idx: usize) {
        if let Some(f) = self.units.get_mut(unit_id) {
            f.used.insert(idx);
        }
    }
}

/// 〔〕［］[]【】 as one pair of brackets, so a 文号 typed with any of them matches.
fn fold_brackets(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '[' | '［' | '【' | '(' => '〔',
            ']' | '］' | '】' | ')' => '〕',
            c => c,
        })
        .collect()
}

/// The title the documents print for an evidence file: its name without folders and
/// extension, and without segments that are a unit code (`-shichangjianguan-`), which
/// mean nothing to a reader.
pub fn evidence_title(file: &str, roster: &Roster) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 5 && ext.is_ascii() => stem,
        _ => name,
    };
    let is_code =
        |seg: &str| !seg.is_empty() && roster.units.iter().any(|u| u.id.eq_ignore_ascii_case(seg));
    let mut out = String::new();
    for seg in stem.split_inclusive(['-', '_']) {
        let bare = seg.trim_end_matches(['-', '_']);
        if is_code(bare) {
            continue;
        }
        out.push_str(seg);
    }
    let out = out.trim_matches(['-', '_', ' ']).to_string();
    if out.is_empty() {
        stem.to_string()
    } else {
        out
    }
}

pub use zhiliang_core::facts::is_doc_number;

/// The items of a 证明材料 cell: "a.pdf；b.jpg" or one per line; a part that is not a
/// known file or a 文号 is split further at 、，, (file names rarely contain them).
pub fn split_evidence(text: &str, is_file: impl Fn(&str) -> bool) -> Vec<String> {
    let whole = text.trim();
    if whole.is_empty() {
        return Vec::new();
    }
    if is_file(whole) || is_doc_number(whole) {
        return vec![whole.to_string()];
    }
    let mut items = Vec::new();
    for part in whole
        .split(['；', ';', '\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if is_file(part) || is_doc_number(part) || !part.contains(['、', '，', ',']) {
            items.push(part.to_string());
            continue;
        }
        items.extend(
            part.split(['、', '，', ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        );
    }
    items
}

/// Size and SHA-256 (hex) of a file, streamed; `None` when it cannot be read. A file over
/// [`MAX_EVIDENCE_BYTES`] has its size only: it is not read (the check refuses it).
fn file_digest(path: &Path) -> Option<(u64, Option<String>)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let len = std::fs::metadata(path).ok()?.len();
    if len > MAX_EVIDENCE_BYTES {
        return Some((len, None));
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    let hash = hasher.finalize();
    Some((
        size,
        Some(hash.iter().map(|b| format!("{b:02x}")).collect()),
    ))
}

/// The 证明材料目录: every evidence item named by the submissions, numbered
/// `类别-指标-序号` (1-3-2 = category 1, indicator 3, second item) in catalogue order;
/// within an indicator by fact/list order, then roster order of units.
pub fn evidence_index(
    setup: &Setup,
    submissions: &[Submission],
    evidence_root: &Path,
) -> Vec<EvidenceItem> {
    let (catalogue, roster) = (&setup.catalogue, &setup.roster);
    let folders = EvidenceFolders::scan(roster, evidence_root);
    let rank = |s: &Submission| roster.rank(&s.unit);
    let mut subs: Vec<&Submission> = submissions.iter().collect();
    subs.sort_by(|a, b| (rank(a), &a.file).cmp(&(rank(b), &b.file)));
    let mut items = Vec::new();
    for ind in &catalogue.indicators {
        let cat = catalogue
            .categories
            .iter()
            .position(|c| c.name == ind.category)
            .map_or(0, |p| p + 1);
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        let mut named: Vec<(&str, &str)> = Vec::new(); // (unit, evidence text)
        for key in &ind.facts {
            for s in &subs {
                for f in s.scalars.iter().filter(|f| f.key == *key) {
                    if let Some(e) = &f.evidence {
                        named.push((&s.unit, e));
                    }
                }
            }
        }
        for key in &ind.lists {
            for s in &subs {
                for r in s.records.iter().filter(|r| r.list == *key) {
                    if let Some(e) = &r.evidence {
                        named.push((&s.unit, e));
                    }
                }
            }
        }
        for (unit_name, text) in named {
            let unit_id = roster
                .by_name(unit_name)
                .map(|u| u.id.clone())
                .unwrap_or_default();
            for item in split_evidence(text, |s| folders.find(&unit_id, s).is_some()) {
                // A 文号 stands for the file whose name contains it; without one it is
                // missing like a file that was not sent.
                let file = folders
                    .resolve(&unit_id, &item)
                    .map(|i| folders.units[&unit_id].files[i].rel.clone());
                let (found, kind) = match &file {
                    Some(rel) => (true, EvidenceKind::of_file(rel)),
                    None => (false, EvidenceKind::Missing),
                };
                let key = file.clone().unwrap_or_else(|| item.clone());
                if !seen.insert((unit_name.to_string(), key)) {
                    continue;
                }
                let path = file.as_ref().map(|rel| format!("evidence/{unit_id}/{rel}"));
                let title = evidence_title(file.as_deref().unwrap_or(&item), roster);
                // Size and hash of the bytes as they are now: the binder prints them, and
                // its render key changes when a file's content does. A file that cannot
                // be read has neither (check reports it); one over the size limit has
                // its size only.
                let (size, sha256) = match &file {
                    Some(rel) => match file_digest(&evidence_root.join(&unit_id).join(rel)) {
                        Some((size, hash)) => (Some(size), hash),
                        None => (None, None),
                    },
                    None => (None, None),
                };
                items.push(EvidenceItem {
                    number: format!("{cat}-{}-{}", ind.id, seen.len()),
                    indicator: ind.id,
                    unit: unit_name.to_string(),
                    name: item,
                    title,
                    found,
                    kind,
                    path,
                    size,
                    sha256,
                    // Filled by the binder's check (it opens the file as Typst will).
                    pages: None,
                    problem: None,
                    // Filled by the spreadsheet reading (read_evidence_tables).
                    table: None,
                });
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_numbers() {
        assert!(is_doc_number("章政发〔2022〕11号"));
        assert!(is_doc_number("济质强办字[2021]3号"));
        assert!(is_doc_number("2022年第3号"));
        assert!(!is_doc_number("质量月活动照片.pdf"));
        assert!(!is_doc_number("12345热线"));
    }

    #[test]
    fn evidence_split() {
        let f = |s: &str| ["a.pdf", "b.pdf", "关于印发、实施的通知.pdf"].contains(&s);
        assert_eq!(split_evidence("a.pdf；b.pdf", f), vec!["a.pdf", "b.pdf"]);
        assert_eq!(
            split_evidence("a.pdf、章政发〔2022〕11号", f),
            vec!["a.pdf", "章政发〔2022〕11号"]
        );
        assert_eq!(
            split_evidence("关于印发、实施的通知.pdf", f),
            vec!["关于印发、实施的通知.pdf"]
        );
    }
}
