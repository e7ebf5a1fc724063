//! Archiving a printed set: a new dated folder (never an existing one) holding the PDFs,
//! the exact input files they came from and `manifest.json` with every file's SHA-256;
//! `verify` re-hashes an archive and names every file that changed or went missing.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use crate::fsutil::{relative, sha256_file, write_atomic};
use crate::record::{BuildRecord, FileEntry};
use zhiliang_core::Decimal;
use zhiliang_core::diagnostics::Summary;

pub const MANIFEST: &str = "manifest.json";

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

/// Copies `record`'s outputs (from `output_dir`) and inputs (from `project_root`) into a
/// new folder under `archive_root` named after `date` (`2022-07-20`, then `2022-07-20-2`…).
/// Refuses when an input changed since the build: the archive must hold what was printed.
pub fn create(
    record: &BuildRecord,
    project_root: &Path,
    output_dir: &Path,
    archive_root: &Path,
    date: &str,
    archived_at: &str,
) -> Result<PathBuf> {
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
    let folder = new_folder(archive_root, date)?;

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
    files.sort();
    let manifest = Manifest {
        program: record.program.clone(),
        program_version: record.program_version.clone(),
        archived_at: archived_at.to_string(),
        catalogue_sha256: record.catalogue_sha256.clone(),
        total: record.total,
        summary: record.summary,
        draft: record.draft,
        files,
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    write_atomic(&folder.join(MANIFEST), &json)?;
    Ok(folder)
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
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Modified { path } => write!(f, "已被修改：{path}"),
            Problem::Missing { path } => write!(f, "已缺失：{path}"),
            Problem::Unlisted { path } => write!(f, "清单外文件：{path}"),
        }
    }
}

/// Re-hashes every file the manifest lists; an empty result means the archive is intact.
pub fn verify(folder: &Path) -> Result<(Manifest, Vec<Problem>)> {
    let bytes = std::fs::read(folder.join(MANIFEST))
        .with_context(|| format!("{} 中没有 {MANIFEST}，不是归档目录", folder.display()))?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} 中的 {MANIFEST} 已损坏", folder.display()))?;
    let mut problems = Vec::new();
    for entry in &manifest.files {
        match sha256_file(&folder.join(&entry.path)) {
            Ok((hash, size)) if hash == entry.sha256 && size == entry.size => {}
            Ok(_) => problems.push(Problem::Modified {
                path: entry.path.clone(),
            }),
            Err(_) => problems.push(Problem::Missing {
                path: entry.path.clone(),
            }),
        }
    }
    let listed: std::collections::BTreeSet<&str> =
        manifest.files.iter().map(|f| f.path.as_str()).collect();
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() {
            let rel = relative(entry.path(), folder);
            if rel != MANIFEST && !listed.contains(rel.as_str()) {
                problems.push(Problem::Unlisted { path: rel });
            }
        }
    }
    Ok((manifest, problems))
}
