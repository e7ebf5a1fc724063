//! Archiving a printed set, and proving later that nothing in it changed.
//!
//! `archive` copies the PDFs and the exact input files they came from into a new dated
//! folder (never an existing one) with `manifest.json` (every file's size and SHA-256).
//! A manifest alone proves nothing — whoever edits a file can edit its hash, or the
//! total, or empty the list — so the manifest itself is anchored twice:
//!
//! * on paper: the folder also gets [`FORM`] (归档登记表), one page listing the printed
//!   files with sizes and SHA-256 and, in large type, the SHA-256 of the manifest; it is
//!   printed and signed with the set, and `verify DIR --expect HASH` compares the
//!   manifest with the hash typed from the paper copy;
//! * in the chained register [`REGISTER`] (`archive/登记簿`): one line per archive with the
//!   manifest's and the form's SHA-256 and the hash of the previous line, so an entry
//!   cannot be changed without breaking every later one.
//!
//! `verify` re-hashes every listed file, refuses manifest entries that leave the archive
//! (`../../etc/passwd`, `/etc/passwd`: never opened or looked up) and empty lists, and
//! checks the manifest against the register and, when given, the paper copy.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

use crate::fsutil::{relative, sha256_file, sha256_hex, write_atomic};
use crate::record::{BuildRecord, FileEntry};
use zhiliang_core::Decimal;
use zhiliang_core::diagnostics::Summary;

pub const MANIFEST: &str = "manifest.json";
/// The one-page register form in every archive folder (not in the manifest: it carries
/// the manifest's hash).
pub const FORM: &str = "归档登记表.pdf";
/// The chained register, in the archive root next to the archive folders.
pub const REGISTER: &str = "登记簿";
/// The template of [`FORM`], in the templates folder.
pub const FORM_TEMPLATE: &str = "/archive-register.typ";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub program: String,
    pub program_version: String,
    /// When the set was archived (the one wall-clock time of the pipeline: it dates the
    /// archive, not the documents).
    pub archived_at: String,
    pub catalogue_sha256: String,
    pub total: Decimal,
    pub summary: Summary,
    pub draft: bool,
    /// Paths relative to the archive folder: `output/…` and `input/…`.
    pub files: Vec<FileEntry>,
}

/// Who archives, and when.
#[derive(Debug, Clone)]
pub struct Occasion {
    /// The archive date (names the folder, dates the form).
    pub date: chrono::NaiveDate,
    /// RFC 3339 time, recorded in the manifest and the register.
    pub archived_at: String,
    /// 济南市章丘区
    pub district: String,
    /// The issuing office (the form's author).
    pub issuer: String,
}

/// What `archive` made.
#[derive(Debug, Clone)]
pub struct Archived {
    pub folder: PathBuf,
    pub manifest_sha256: String,
    pub entry: RegisterEntry,
}

/// Copies `record`'s outputs (from `output_dir`) and inputs (from `project_root`) into a
/// new folder under `archive_root` named after the date (`2022-07-20`, then
/// `2022-07-20-2`…), writes the manifest and the register form (`render_form` turns the
/// form's data into a PDF dated `date`) and registers the archive. Refuses when an input
/// changed since the build (the archive must hold what was printed) and when the register
/// has been tampered with. A failure leaves no archive folder and no register entry.
pub fn create(
    record: &BuildRecord,
    project_root: &Path,
    output_dir: &Path,
    archive_root: &Path,
    occasion: &Occasion,
    render_form: &dyn Fn(&serde_json::Value, chrono::NaiveDate) -> Result<Vec<u8>>,
) -> Result<Archived> {
    for input in &record.inputs {
        let path = project_root.join(&input.path);
        let (hash, _) = sha256_file(&path)
            .with_context(|| format!("输入文件 {} 已不存在，请重新生成后再归档", input.path))?;
        if hash != input.sha256 {
            bail!(
                "输入文件 {} 在生成之后已被修改，请重新生成后再归档",
                input.path
            );
        }
    }
    for output in &record.outputs {
        let (hash, _) = sha256_file(&output_dir.join(&output.path))
            .with_context(|| format!("输出文件 {} 不存在，请重新生成后再归档", output.path))?;
        if hash != output.sha256 {
            bail!(
                "输出文件 {} 与生成记录不符，请重新生成后再归档",
                output.path
            );
        }
    }
    std::fs::create_dir_all(archive_root)
        .with_context(|| format!("无法创建归档目录 {}", archive_root.display()))?;
    // The register stays locked until this archive is entered: one archive at a time
    // gets the next number.
    let mut register = Register::open(&archive_root.join(REGISTER))?;
    let entries = register.entries()?;
    if let Err(broken) = check_chain(&entries) {
        bail!(
            "{}：{broken}。请先查明登记簿为何被改动，再继续归档",
            register.path.display()
        );
    }
    let entries: Vec<RegisterEntry> = entries.into_iter().map(|(_, e)| e).collect();
    let folder = new_folder(archive_root, &occasion.date.format("%Y-%m-%d").to_string())?;
    let result = fill(
        record,
        project_root,
        output_dir,
        &folder,
        occasion,
        &entries,
        render_form,
    )
    .and_then(|(manifest_sha256, form_sha256)| {
        let entry = RegisterEntry::next(
            entries.last(),
            &folder_name(&folder),
            &occasion.archived_at,
            &manifest_sha256,
            &form_sha256,
        );
        register.append(&entry)?;
        Ok(Archived {
            folder: folder.clone(),
            manifest_sha256,
            entry,
        })
    });
    if result.is_err() {
        // Ours, created above: an archive that is not registered must not remain.
        let _ = std::fs::remove_dir_all(&folder);
    }
    result
}

/// Copies the files, writes the manifest and the form; returns their SHA-256.
fn fill(
    record: &BuildRecord,
    project_root: &Path,
    output_dir: &Path,
    folder: &Path,
    occasion: &Occasion,
    register: &[RegisterEntry],
    render_form: &dyn Fn(&serde_json::Value, chrono::NaiveDate) -> Result<Vec<u8>>,
) -> Result<(String, String)> {
    let mut files = Vec::new();
    let mut copy = |from: &Path, to_rel: String, unit: Option<String>| -> Result<()> {
        let to = folder.join(&to_rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, &to).with_context(|| format!("复制 {} 到归档失败", from.display()))?;
        let (sha256, size) = sha256_file(&to)?;
        files.push(FileEntry {
            path: to_rel,
            sha256,
            size,
            unit,
            render_key: None,
            warnings: Vec::new(),
        });
        Ok(())
    };
    for output in &record.outputs {
        copy(
            &output_dir.join(&output.path),
            format!("output/{}", output.path),
            None,
        )?;
    }
    for input in &record.inputs {
        copy(
            &project_root.join(&input.path),
            format!("input/{}", input.path),
            input.unit.clone(),
        )?;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        program: record.program.clone(),
        program_version: record.program_version.clone(),
        archived_at: occasion.archived_at.clone(),
        catalogue_sha256: record.catalogue_sha256.clone(),
        total: record.total,
        summary: record.summary,
        draft: record.draft,
        files,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    write_atomic(&folder.join(MANIFEST), &json)?;
    let manifest_sha256 = sha256_hex(&json);

    let data = form_data(
        &manifest,
        &manifest_sha256,
        &folder_name(folder),
        occasion,
        register,
    );
    let pdf = render_form(&data, occasion.date).context("排版归档登记表失败")?;
    write_atomic(&folder.join(FORM), &pdf)?;
    Ok((manifest_sha256, sha256_hex(&pdf)))
}

fn folder_name(folder: &Path) -> String {
    folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `e3b0c442…` as eight groups of eight, for copying by hand.
fn groups(hash: &str) -> Vec<String> {
    hash.as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// 1234567 → 1,234,567
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The data of the 归档登记表 (`templates/archive-register.typ`).
fn form_data(
    manifest: &Manifest,
    manifest_sha256: &str,
    folder: &str,
    occasion: &Occasion,
    register: &[RegisterEntry],
) -> serde_json::Value {
    use chrono::Datelike;
    let documents: Vec<serde_json::Value> = manifest
        .files
        .iter()
        .filter(|f| f.path.starts_with("output/"))
        .map(|f| {
            serde_json::json!({
                "path": f.path.trim_start_matches("output/"),
                "size": thousands(f.size),
                "sha256_groups": groups(&f.sha256),
            })
        })
        .collect();
    let mut by_group: std::collections::BTreeMap<(u8, &str), (usize, u64)> = Default::default();
    for f in manifest
        .files
        .iter()
        .filter(|f| !f.path.starts_with("output/"))
    {
        let group = if f.unit.is_some() {
            (1, "各成员单位报送的填报表")
        } else if f.path.contains("/evidence/") {
            (2, "证明材料")
        } else if f.path.starts_with("input/templates/") {
            (3, "排版模板与措辞模板")
        } else {
            (0, "创建配置、任务分解表与专班名单")
        };
        let slot = by_group.entry(group).or_default();
        slot.0 += 1;
        slot.1 += f.size;
    }
    let groups_json: Vec<serde_json::Value> = by_group
        .iter()
        .map(|((_, name), (count, size))| {
            serde_json::json!({ "name": name, "count": count, "size": thousands(*size) })
        })
        .collect();
    let seq = register.len() + 1;
    let (register_text, previous_groups) = match register.last() {
        Some(prev) => (
            format!("第 {seq} 条；上一条（第 {} 条）的 SHA-256：", prev.seq),
            groups(&prev.entry_sha256),
        ),
        None => (format!("第 {seq} 条（登记簿的第一条）"), Vec::new()),
    };
    let check_text = format!(
        "{} 个错误，{} 个警告；{}",
        manifest.summary.errors,
        manifest.summary.warnings,
        if manifest.draft {
            "草稿（校验有错误，每页标注“草稿”）"
        } else {
            "正式文件"
        }
    );
    let archived_at_text = chrono::DateTime::parse_from_rfc3339(&occasion.archived_at).map_or_else(
        |_| occasion.archived_at.clone(),
        |t| t.format("%Y年%-m月%-d日 %H:%M").to_string(),
    );
    let d = occasion.date;
    serde_json::json!({
        "meta": {
            "title": "归档登记表",
            "author": occasion.issuer,
            "subject": format!("{}创建山东省质量强区申报材料归档登记表（{folder}）", occasion.district),
            "keywords": ["归档登记表", "SHA-256", "质量强区"],
            "year": d.year(),
            "month": d.month(),
            "day": d.day(),
        },
        "title": "归档登记表",
        "district": occasion.district,
        "folder": folder,
        "archived_at_text": archived_at_text,
        "program": format!("{} {}", manifest.program, manifest.program_version),
        "total": zhiliang_core::score::display(manifest.total),
        "check_text": check_text,
        "register": { "seq": seq, "text": register_text, "previous_groups": previous_groups },
        "documents": documents,
        "groups": groups_json,
        "file_count": manifest.files.len(),
        "total_size": thousands(manifest.files.iter().map(|f| f.size).sum()),
        "manifest_sha256": manifest_sha256,
        "manifest_sha256_groups": groups(manifest_sha256),
        "note": format!(
            "清单逐一记载本归档全部 {} 个文件的大小与 SHA-256，上列清单 SHA-256 即整套归档的指纹。本表打印后与所归档的文件一并签字保存。复核时运行 zhiliang verify archive/{folder} --expect 清单SHA-256：任何文件被改动、增删，或清单本身被改动，复核均不能通过。",
            manifest.files.len()
        ),
    })
}

/// `create_dir` (not `create_dir_all`) fails when the folder exists, so two archives on one
/// day, even from two processes at once, get distinct folders and nothing is overwritten.
fn new_folder(archive_root: &Path, date: &str) -> Result<PathBuf> {
    for n in 1..10_000 {
        let name = if n == 1 {
            date.to_string()
        } else {
            format!("{date}-{n}")
        };
        let path = archive_root.join(name);
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("无法创建归档目录 {}", path.display()));
            }
        }
    }
    bail!("{} 下当日归档已过多", archive_root.display())
}

// ---- the chained register ----

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const REGISTER_HEADER: &str = "# 归档登记簿（zhiliang）：每行登记一次归档，各栏以制表符分隔：序号、归档目录、归档时间、清单 SHA-256、归档登记表 SHA-256、上一条 SHA-256、本条 SHA-256。\n# 本条 SHA-256 = 前六栏以制表符连接后的 SHA-256；第一条的“上一条”为 64 个 0。改动任何一条，它和其后各条都对不上。请勿手工编辑。\n";

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub seq: usize,
    pub folder: String,
    pub archived_at: String,
    pub manifest_sha256: String,
    pub form_sha256: String,
    pub previous_sha256: String,
    pub entry_sha256: String,
}

impl RegisterEntry {
    fn next(
        previous: Option<&RegisterEntry>,
        folder: &str,
        archived_at: &str,
        manifest_sha256: &str,
        form_sha256: &str,
    ) -> RegisterEntry {
        let mut entry = RegisterEntry {
            seq: previous.map_or(1, |p| p.seq + 1),
            folder: folder.to_string(),
            archived_at: archived_at.to_string(),
            manifest_sha256: manifest_sha256.to_string(),
            form_sha256: form_sha256.to_string(),
            previous_sha256: previous.map_or(GENESIS.to_string(), |p| p.entry_sha256.clone()),
            entry_sha256: String::new(),
        };
        entry.entry_sha256 = entry.computed_hash();
        entry
    }

    fn fields(&self) -> String {
        [
            self.seq.to_string().as_str(),
            &self.folder,
            &self.archived_at,
            &self.manifest_sha256,
            &self.form_sha256,
            &self.previous_sha256,
        ]
        .join("\t")
    }

    fn computed_hash(&self) -> String {
        sha256_hex(self.fields().as_bytes())
    }

    fn line(&self) -> String {
        format!("{}\t{}\n", self.fields(), self.entry_sha256)
    }

    fn parse(line: &str) -> Option<RegisterEntry> {
        let parts: Vec<&str> = line.split('\t').collect();
        let [seq, folder, at, manifest, form, prev, hash] = parts.as_slice() else {
            return None;
        };
        Some(RegisterEntry {
            seq: seq.parse().ok()?,
            folder: folder.to_string(),
            archived_at: at.to_string(),
            manifest_sha256: manifest.to_string(),
            form_sha256: form.to_string(),
            previous_sha256: prev.to_string(),
            entry_sha256: hash.to_string(),
        })
    }
}

/// The register file, locked while open.
struct Register {
    path: PathBuf,
    file: std::fs::File,
}

impl Register {
    fn open(path: &Path) -> Result<Register> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .with_context(|| format!("无法打开登记簿 {}", path.display()))?;
        file.lock()
            .with_context(|| format!("无法锁定登记簿 {}", path.display()))?;
        Ok(Register {
            path: path.to_path_buf(),
            file,
        })
    }

    fn entries(&mut self) -> Result<Vec<(usize, RegisterEntry)>> {
        let mut text = String::new();
        self.file.rewind()?;
        self.file
            .read_to_string(&mut text)
            .with_context(|| format!("登记簿 {} 无法读取", self.path.display()))?;
        parse_register(&text).map_err(|e| anyhow::anyhow!("{}：{e}", self.path.display()))
    }

    fn append(&mut self, entry: &RegisterEntry) -> Result<()> {
        let empty = self.file.metadata()?.len() == 0;
        let mut text = String::new();
        if empty {
            text.push_str(REGISTER_HEADER);
        }
        text.push_str(&entry.line());
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.sync_all())
            .with_context(|| format!("无法写入登记簿 {}", self.path.display()))
    }
}

/// Entries with their line numbers; comment lines are skipped. A line that is not an
/// entry is an error naming it.
fn parse_register(text: &str) -> std::result::Result<Vec<(usize, RegisterEntry)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        match RegisterEntry::parse(line) {
            Some(e) => out.push((i + 1, e)),
            None => return Err(format!("第 {} 行不是有效的登记", i + 1)),
        }
    }
    Ok(out)
}

/// Every entry hashes to its recorded hash, names the previous entry's hash and is
/// numbered in sequence.
fn check_chain(entries: &[(usize, RegisterEntry)]) -> std::result::Result<(), String> {
    let mut previous: Option<&RegisterEntry> = None;
    for (line, e) in entries {
        let expected_prev = previous.map_or(GENESIS, |p| p.entry_sha256.as_str());
        let expected_seq = previous.map_or(1, |p| p.seq + 1);
        if e.computed_hash() != e.entry_sha256 {
            return Err(format!(
                "第 {line} 行（第 {} 条）的内容与其本条 SHA-256 不符，登记已被改动",
                e.seq
            ));
        }
        if e.previous_sha256 != expected_prev || e.seq != expected_seq {
            return Err(format!(
                "第 {line} 行（第 {} 条）与上一条接不上，登记簿中有登记被删除、插入或改动",
                e.seq
            ));
        }
        previous = Some(e);
    }
    Ok(())
}

// ---- verify ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Modified {
        path: String,
    },
    Missing {
        path: String,
    },
    /// A file in the archive folder that the manifest does not list.
    Unlisted {
        path: String,
    },
    /// A manifest entry that is absolute or leaves the folder: never opened.
    Outside {
        path: String,
    },
    /// A listed path that is (or passes through) a symbolic link.
    NotRegular {
        path: String,
    },
    /// The manifest lists no file.
    EmptyManifest,
    /// No register next to the archive, and no `--expect` hash.
    NoRegister {
        register: String,
    },
    /// The register does not mention this archive.
    NotRegistered {
        folder: String,
    },
    /// The register's chain is broken.
    RegisterBroken {
        why: String,
    },
    /// The manifest's SHA-256 differs from the registered one.
    ManifestChanged {
        seq: usize,
        actual: String,
        registered: String,
    },
    /// The register form's SHA-256 differs from the registered one (or it is missing).
    FormChanged {
        seq: usize,
    },
    /// The manifest's SHA-256 differs from the hash typed from the paper copy.
    NotAsOnPaper {
        actual: String,
        expected: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Modified { path } => write!(f, "已被修改：{path}"),
            Problem::Missing { path } => write!(f, "已缺失：{path}"),
            Problem::Unlisted { path } => write!(f, "清单外文件：{path}"),
            Problem::Outside { path } => write!(
                f,
                "清单条目指向归档目录之外，已拒绝核对（未读取该文件）：{path}"
            ),
            Problem::NotRegular { path } => {
                write!(f, "不是普通文件（符号链接），未核对：{path}")
            }
            Problem::EmptyManifest => write!(f, "清单中没有任何文件，不是有效的归档"),
            Problem::NoRegister { register } => write!(
                f,
                "找不到登记簿 {register}，无法证明清单本身未被改动；请用 --expect 输入纸质归档登记表上的清单 SHA-256"
            ),
            Problem::NotRegistered { folder } => {
                write!(f, "登记簿中没有归档目录 {folder} 的登记")
            }
            Problem::RegisterBroken { why } => write!(f, "登记簿已被改动：{why}"),
            Problem::ManifestChanged {
                seq,
                actual,
                registered,
            } => write!(
                f,
                "清单已被改动：{MANIFEST} 的 SHA-256 为 {actual}，登记簿第 {seq} 条登记的是 {registered}"
            ),
            Problem::FormChanged { seq } => {
                write!(f, "{FORM} 已被修改或缺失，与登记簿第 {seq} 条登记的不符")
            }
            Problem::NotAsOnPaper { actual, expected } => write!(
                f,
                "清单已被改动：{MANIFEST} 的 SHA-256 为 {actual}，纸质归档登记表上的是 {expected}"
            ),
        }
    }
}

/// The outcome of [`verify`].
#[derive(Debug, Clone)]
pub struct Verification {
    pub manifest: Manifest,
    pub manifest_sha256: String,
    /// The register entry of this archive, when the register has one.
    pub entry: Option<RegisterEntry>,
    /// Whether `--expect` was given and matched.
    pub matches_paper: bool,
    /// Empty when the archive is intact.
    pub problems: Vec<Problem>,
}

/// A hash typed from paper: spaces, dashes and case do not matter. `None` when it is
/// not 64 hexadecimal digits.
pub fn parse_expected(text: &str) -> Option<String> {
    let hash: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    (hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit())).then_some(hash)
}

/// A manifest path that names a file inside the archive folder, judged on the text
/// alone: relative, every component a plain name.
fn inside(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Whether `rel` (already known to be [`inside`]) reaches a file through a symbolic
/// link; only paths inside `folder` are looked at.
fn through_link(folder: &Path, rel: &str) -> bool {
    let mut path = folder.to_path_buf();
    for c in Path::new(rel).components() {
        path.push(c);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

/// Re-hashes every file the manifest lists and checks the manifest against the register
/// (`登记簿` next to the folder) and, when given, the hash `expect` from the paper copy.
pub fn verify(folder: &Path, expect: Option<&str>) -> Result<Verification> {
    let bytes = std::fs::read(folder.join(MANIFEST))
        .with_context(|| format!("{} 中没有 {MANIFEST}，不是归档目录", folder.display()))?;
    let manifest_sha256 = sha256_hex(&bytes);
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} 中的 {MANIFEST} 已损坏", folder.display()))?;
    let mut problems = Vec::new();
    if manifest.files.is_empty() {
        problems.push(Problem::EmptyManifest);
    }
    for entry in &manifest.files {
        let path = entry.path.clone();
        if !inside(&entry.path) {
            problems.push(Problem::Outside { path });
            continue;
        }
        if through_link(folder, &entry.path) {
            problems.push(Problem::NotRegular { path });
            continue;
        }
        match sha256_file(&folder.join(&entry.path)) {
            Ok((hash, size)) if hash == entry.sha256 && size == entry.size => {}
            Ok(_) => problems.push(Problem::Modified { path }),
            Err(_) => problems.push(Problem::Missing { path }),
        }
    }
    let listed: std::collections::BTreeSet<&str> =
        manifest.files.iter().map(|f| f.path.as_str()).collect();
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_dir() {
            let rel = relative(entry.path(), folder);
            if rel != MANIFEST && rel != FORM && !listed.contains(rel.as_str()) {
                problems.push(Problem::Unlisted { path: rel });
            }
        }
    }

    // The manifest itself: against the register, and the paper copy.
    let matches_paper = match expect {
        Some(expected) => {
            if expected == manifest_sha256 {
                true
            } else {
                problems.push(Problem::NotAsOnPaper {
                    actual: manifest_sha256.clone(),
                    expected: expected.to_string(),
                });
                false
            }
        }
        None => false,
    };
    let real = folder
        .canonicalize()
        .with_context(|| format!("无法读取归档目录 {}", folder.display()))?;
    let name = folder_name(&real);
    let register = real
        .parent()
        .map_or_else(|| PathBuf::from(REGISTER), |p| p.join(REGISTER));
    let mut entry = None;
    match std::fs::read_to_string(&register) {
        Ok(text) => match parse_register(&text) {
            Err(why) => problems.push(Problem::RegisterBroken { why }),
            Ok(entries) => {
                if let Err(why) = check_chain(&entries) {
                    problems.push(Problem::RegisterBroken { why });
                }
                match entries.into_iter().rev().find(|(_, e)| e.folder == name) {
                    None => problems.push(Problem::NotRegistered { folder: name }),
                    Some((_, e)) => {
                        if e.manifest_sha256 != manifest_sha256 {
                            problems.push(Problem::ManifestChanged {
                                seq: e.seq,
                                actual: manifest_sha256.clone(),
                                registered: e.manifest_sha256.clone(),
                            });
                        }
                        let form_ok = !through_link(folder, FORM)
                            && sha256_file(&folder.join(FORM))
                                .is_ok_and(|(h, _)| h == e.form_sha256);
                        if !form_ok {
                            problems.push(Problem::FormChanged { seq: e.seq });
                        }
                        entry = Some(e);
                    }
                }
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && expect.is_some() => {}
        Err(_) => problems.push(Problem::NoRegister {
            register: register.display().to_string(),
        }),
    }
    Ok(Verification {
        manifest,
        manifest_sha256,
        entry,
        matches_paper,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_are_judged_on_their_text() {
        for ok in ["output/申请表.pdf", "input/input/zhujian.xlsx", "a"] {
            assert!(inside(ok), "{ok}");
        }
        for bad in [
            "../../etc/passwd",
            "/etc/passwd",
            "output/../../x",
            "./output/a.pdf",
            "",
            "output\\..\\..\\x",
        ] {
            assert!(!inside(bad), "{bad}");
        }
    }

    #[test]
    fn hashes_typed_from_paper_ignore_spacing_and_case() {
        let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let typed = "E3B0C442 98FC1C14 9AFBF4C8 996FB924\n27AE41E4-649B934C A495991B 7852B855";
        assert_eq!(parse_expected(typed).as_deref(), Some(h));
        assert_eq!(parse_expected("e3b0c442"), None);
        assert_eq!(parse_expected(&h.replace('e', "g")), None);
    }

    #[test]
    fn the_register_chain_breaks_where_a_line_is_changed_removed_or_inserted() {
        let mut entries = Vec::new();
        for i in 0..4 {
            let e = RegisterEntry::next(
                entries.last(),
                &format!("2026-12-0{}", i + 1),
                "2026-12-01T10:00:00+08:00",
                &sha256_hex(format!("m{i}").as_bytes()),
                &sha256_hex(format!("f{i}").as_bytes()),
            );
            entries.push(e);
        }
        let text = |es: &[RegisterEntry]| {
            let mut t = REGISTER_HEADER.to_string();
            for e in es {
                t.push_str(&e.line());
            }
            t
        };
        let parsed = parse_register(&text(&entries)).unwrap();
        assert_eq!(parsed.len(), 4);
        assert!(check_chain(&parsed).is_ok());

        // A manifest hash changed in place.
        let mut changed = entries.clone();
        changed[1].manifest_sha256 = sha256_hex(b"forged");
        assert!(check_chain(&parse_register(&text(&changed)).unwrap()).is_err());
        // ... even with its own hash recomputed: the next line no longer follows.
        changed[1].entry_sha256 = changed[1].computed_hash();
        let err = check_chain(&parse_register(&text(&changed)).unwrap()).unwrap_err();
        assert!(err.contains("第 3 条"), "{err}");
        // A line removed.
        let mut removed = entries.clone();
        removed.remove(2);
        assert!(check_chain(&parse_register(&text(&removed)).unwrap()).is_err());
        // Garbage.
        assert!(parse_register("1\tx\n").is_err());
    }

    #[test]
    fn sizes_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
