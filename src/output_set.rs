//! The output folder as one set: the four PDFs, the diagnostics, the change report and
//! the build record of one build are replaced together, so `output/` always holds one
//! complete generation — the previous one or the new one, never a mix — even when the
//! build is killed during the write phase or the disk fills.
//!
//! A commit goes in four steps:
//!
//! 1. every file that changed is written to a temporary file next to its destination
//!    (`.zhiliang-…tmp`) and flushed to disk; a failure here (disk full) removes the
//!    temporaries and leaves the previous generation untouched;
//! 2. the journal [`JOURNAL`] listing the renames (temporary → destination, with the new
//!    file's SHA-256) is written atomically: from this moment the new generation is
//!    decided;
//! 3. the temporaries are renamed over their destinations, the build record last;
//! 4. the journal is removed.
//!
//! [`recover`], run under the same lock before every write phase (and before `archive`
//! reads the folder), finishes a commit that was interrupted after step 2 by replaying
//! the journal, and removes temporaries without a journal (interrupted before step 2),
//! so an interrupted build leaves the previous generation or the new one, and no stray
//! temporary files.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::fsutil::{WriteOutcome, sha256_file, sha256_hex};

/// The commit journal in the output folder (present only while a commit is under way, or
/// after one was interrupted).
pub const JOURNAL: &str = ".zhiliang-commit.json";
/// Held (locked) while a process writes or recovers the output folder.
pub const LOCK: &str = ".zhiliang.lock";
const TMP_PREFIX: &str = ".zhiliang-";
const TMP_SUFFIX: &str = ".tmp";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Journal {
    renames: Vec<Rename>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Rename {
    /// File names inside the output folder.
    temporary: String,
    target: String,
    sha256: String,
}

/// An exclusive lock on the output folder: one build (or `watch`, or `archive`) writes it
/// at a time, so one process never removes another's temporaries.
pub struct Lock {
    _file: std::fs::File,
}

/// Waits for and takes the lock of `dir` (created if needed).
pub fn lock(dir: &Path) -> Result<Lock> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建输出目录 {}", dir.display()))?;
    let path = dir.join(LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("无法创建锁文件 {}", path.display()))?;
    file.lock()
        .with_context(|| format!("无法锁定输出目录 {}", dir.display()))?;
    Ok(Lock { _file: file })
}

/// What [`recover`] found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Files of an interrupted commit that were moved into place from its journal.
    pub completed: Vec<String>,
    /// Temporary files left by an interrupted write, removed.
    pub removed: Vec<String>,
    /// Files of an interrupted commit that could not be completed (their temporary file
    /// was missing or damaged and the destination does not hold the journal's content).
    pub broken: Vec<String>,
}

impl Recovery {
    pub fn is_empty(&self) -> bool {
        self.completed.is_empty() && self.removed.is_empty() && self.broken.is_empty()
    }

    /// Sentences for the build summary.
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.completed.is_empty() {
            out.push(format!(
                "上次生成在写出文件时中断，已按写出日志补完同一次生成的其余文件：{}。",
                self.completed.join("、")
            ));
        }
        if !self.broken.is_empty() {
            out.push(format!(
                "上次生成在写出文件时中断，以下文件无法补完：{}；本次生成将重新写出。",
                self.broken.join("、")
            ));
        }
        if !self.removed.is_empty() {
            out.push(format!(
                "已删除上次中断的写出留下的 {} 个临时文件。",
                self.removed.len()
            ));
        }
        out
    }
}

fn is_temporary(name: &str) -> bool {
    name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)
}

/// Finishes or undoes an interrupted commit in `dir` (see the module documentation).
/// Call with the [`Lock`] held.
pub fn recover(dir: &Path) -> Result<Recovery> {
    let mut recovery = Recovery::default();
    let journal_path = dir.join(JOURNAL);
    match std::fs::read(&journal_path) {
        Ok(bytes) => {
            // The journal is written atomically; one that does not parse was damaged
            // afterwards, and the temporaries it named are swept below (roll back).
            if let Ok(journal) = serde_json::from_slice::<Journal>(&bytes) {
                for r in &journal.renames {
                    if !safe_name(&r.temporary) || !safe_name(&r.target) {
                        continue;
                    }
                    let tmp = dir.join(&r.temporary);
                    let target = dir.join(&r.target);
                    let tmp_ok = sha256_file(&tmp).is_ok_and(|(h, _)| h == r.sha256);
                    if tmp_ok {
                        std::fs::rename(&tmp, &target)
                            .with_context(|| format!("无法补完中断的写出：{}", target.display()))?;
                        recovery.completed.push(r.target.clone());
                    } else if !sha256_file(&target).is_ok_and(|(h, _)| h == r.sha256) {
                        recovery.broken.push(r.target.clone());
                    }
                }
                sync_dir(dir);
            }
            std::fs::remove_file(&journal_path)
                .with_context(|| format!("无法删除 {}", journal_path.display()))?;
            sync_dir(dir);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(e).with_context(|| format!("无法读取 {}", journal_path.display()));
        }
    }
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("无法读取输出目录 {}", dir.display()))?;
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_temporary(&name) && entry.file_type().is_ok_and(|t| t.is_file()) {
            stale.push(name);
        }
    }
    stale.sort();
    for name in stale {
        std::fs::remove_file(dir.join(&name))
            .with_context(|| format!("无法删除残留的临时文件 {name}"))?;
        recovery.removed.push(name);
    }
    Ok(recovery)
}

/// A plain file name (no folder, no `..`): journal entries name files of `dir` only.
fn safe_name(name: &str) -> bool {
    let mut components = Path::new(name).components();
    matches!(
        (components.next(), components.next()),
        (Some(std::path::Component::Normal(_)), None)
    )
}

/// Where a test stops a commit, leaving the folder as a killed process would.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// After this many temporary files were written (before the journal).
    AfterStaging(usize),
    /// After the journal and this many renames.
    AfterRenames(usize),
}

/// Replaces the files `files` (names inside `dir`, contents) as one set; files whose
/// content is unchanged are not rewritten. Call with the [`Lock`] held, after
/// [`recover`]. The last file is renamed last (put the build record there).
pub fn commit(dir: &Path, files: &[(&str, &[u8])]) -> Result<Vec<WriteOutcome>> {
    commit_interrupted(dir, files, None)
}

/// [`commit`], stopped at `interruption` (tests of [`recover`]): returns an error and
/// leaves temporaries and journal behind exactly as a process killed there would.
#[doc(hidden)]
pub fn commit_interrupted(
    dir: &Path,
    files: &[(&str, &[u8])],
    interruption: Option<Interruption>,
) -> Result<Vec<WriteOutcome>> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建输出目录 {}", dir.display()))?;
    let mut outcomes = Vec::new();
    let mut staged: Vec<(tempfile::TempPath, Rename)> = Vec::new();
    for (name, bytes) in files {
        if !safe_name(name) {
            bail!("输出文件名 {name} 无效");
        }
        let target = dir.join(name);
        if std::fs::read(&target).is_ok_and(|existing| existing == *bytes) {
            outcomes.push(WriteOutcome::Unchanged);
            continue;
        }
        if interruption == Some(Interruption::AfterStaging(staged.len())) {
            let n = staged.len();
            keep_all(staged);
            bail!("写出在暂存 {n} 个文件后中断");
        }
        // On error the temporaries staged so far are dropped, which deletes them: the
        // previous generation stays as it was.
        let tmp = stage(dir, name, bytes)?;
        staged.push((
            tmp,
            Rename {
                temporary: String::new(),
                target: name.to_string(),
                sha256: sha256_hex(bytes),
            },
        ));
        outcomes.push(WriteOutcome::Written);
    }
    if staged.is_empty() {
        return Ok(outcomes);
    }
    if interruption == Some(Interruption::AfterStaging(staged.len())) {
        keep_all(staged);
        bail!("写出在写日志前中断");
    }
    for (tmp, rename) in &mut staged {
        rename.temporary = file_name(tmp)?;
    }
    let journal = Journal {
        renames: staged.iter().map(|(_, r)| r.clone()).collect(),
    };
    write_journal(dir, &journal)?;
    // The new generation is decided: from here on the temporaries belong to the journal.
    let staged: Vec<(PathBuf, Rename)> = keep_all(staged);
    for (done, (tmp, rename)) in staged.iter().enumerate() {
        if interruption == Some(Interruption::AfterRenames(done)) {
            bail!("写出在第 {done} 次改名后中断");
        }
        std::fs::rename(tmp, dir.join(&rename.target))
            .with_context(|| format!("无法写入 {}", dir.join(&rename.target).display()))?;
    }
    sync_dir(dir);
    let journal_path = dir.join(JOURNAL);
    std::fs::remove_file(&journal_path)
        .with_context(|| format!("无法删除 {}", journal_path.display()))?;
    sync_dir(dir);
    Ok(outcomes)
}

/// Writes `bytes` to a new temporary file in `dir`, flushed to disk, readable like any
/// document (temporary files are created 0600).
fn stage(dir: &Path, name: &str, bytes: &[u8]) -> Result<tempfile::TempPath> {
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .suffix(TMP_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| format!("无法在 {} 中创建临时文件", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("写入 {name} 失败（磁盘可能已满）"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("无法设置 {name} 的权限"))?;
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("写入 {name} 失败（磁盘可能已满）"))?;
    Ok(tmp.into_temp_path())
}

fn keep_all(staged: Vec<(tempfile::TempPath, Rename)>) -> Vec<(PathBuf, Rename)> {
    staged
        .into_iter()
        .filter_map(|(tmp, rename)| tmp.keep().ok().map(|path| (path, rename)))
        .collect()
}

fn file_name(path: &Path) -> Result<String> {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .with_context(|| format!("临时文件 {} 没有文件名", path.display()))
}

/// Writes the journal atomically (temporary file, flush, rename, flush the folder).
fn write_journal(dir: &Path, journal: &Journal) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(journal)?;
    let tmp = stage(dir, JOURNAL, &bytes)?;
    tmp.persist(dir.join(JOURNAL))
        .map_err(|e| e.error)
        .with_context(|| format!("无法写入 {}", dir.join(JOURNAL).display()))?;
    sync_dir(dir);
    Ok(())
}

/// Flushes a folder's entries (the renames) to disk, where the platform allows it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n != LOCK)
            .collect();
        v.sort();
        v
    }

    fn contents(dir: &Path, files: &[&str]) -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|f| std::fs::read(dir.join(f)).unwrap_or_default())
            .collect()
    }

    const FILES: [&str; 4] = ["a.pdf", "b.pdf", "c.pdf", "record.json"];

    fn generation(tag: &str) -> Vec<(String, Vec<u8>)> {
        FILES
            .iter()
            .map(|f| (f.to_string(), format!("{tag}:{f}").into_bytes()))
            .collect()
    }

    fn as_refs(g: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
        g.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect()
    }

    #[test]
    fn an_interrupted_commit_leaves_one_whole_generation_after_recovery() {
        let old = generation("old");
        let new = generation("new");
        let old_bytes: Vec<Vec<u8>> = old.iter().map(|(_, b)| b.clone()).collect();
        let new_bytes: Vec<Vec<u8>> = new.iter().map(|(_, b)| b.clone()).collect();
        let mut points: Vec<Interruption> =
            (0..=FILES.len()).map(Interruption::AfterStaging).collect();
        points.extend((0..FILES.len()).map(Interruption::AfterRenames));
        for point in points {
            let dir = tempfile::tempdir().unwrap();
            let _lock = lock(dir.path()).unwrap();
            commit(dir.path(), &as_refs(&old)).unwrap();
            assert!(commit_interrupted(dir.path(), &as_refs(&new), Some(point)).is_err());
            let recovery = recover(dir.path()).unwrap();
            let now = contents(dir.path(), &FILES);
            match point {
                // Not decided yet: the previous generation stays, temporaries go.
                Interruption::AfterStaging(n) => {
                    assert_eq!(now, old_bytes, "{point:?}");
                    assert_eq!(recovery.removed.len(), n, "{point:?}");
                    assert!(recovery.completed.is_empty());
                }
                // Decided: the journal completes the new generation.
                Interruption::AfterRenames(n) => {
                    assert_eq!(now, new_bytes, "{point:?}");
                    assert_eq!(recovery.completed.len(), FILES.len() - n, "{point:?}");
                }
            }
            assert!(recovery.broken.is_empty());
            assert_eq!(
                names(dir.path()),
                FILES.to_vec(),
                "{point:?}: nothing else left"
            );
            // Recovering again finds nothing to do.
            assert!(recover(dir.path()).unwrap().is_empty());
        }
    }

    #[test]
    fn unchanged_files_are_not_rewritten_and_a_no_op_commit_leaves_no_journal() {
        let dir = tempfile::tempdir().unwrap();
        let g = generation("one");
        let refs = as_refs(&g);
        assert!(
            commit(dir.path(), &refs)
                .unwrap()
                .iter()
                .all(|o| *o == WriteOutcome::Written)
        );
        let mut changed = g.clone();
        changed[1].1 = b"two".to_vec();
        let outcomes = commit(dir.path(), &as_refs(&changed)).unwrap();
        assert_eq!(
            outcomes,
            vec![
                WriteOutcome::Unchanged,
                WriteOutcome::Written,
                WriteOutcome::Unchanged,
                WriteOutcome::Unchanged
            ]
        );
        assert_eq!(names(dir.path()), FILES.to_vec());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("b.pdf"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn a_damaged_journal_rolls_back_and_unsafe_names_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        commit(dir.path(), &as_refs(&generation("old"))).unwrap();
        std::fs::write(dir.path().join(".zhiliang-x.tmp"), "half").unwrap();
        std::fs::write(dir.path().join(JOURNAL), "{\"renames\": [").unwrap();
        let r = recover(dir.path()).unwrap();
        assert_eq!(r.removed, vec![".zhiliang-x.tmp".to_string()]);
        assert_eq!(names(dir.path()), FILES.to_vec());

        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("victim"), "keep").unwrap();
        let journal = Journal {
            renames: vec![Rename {
                temporary: "a.pdf".into(),
                target: format!(
                    "../{}/victim",
                    outside.path().file_name().unwrap().to_string_lossy()
                ),
                sha256: sha256_hex(b"old:a.pdf"),
            }],
        };
        std::fs::write(
            dir.path().join(JOURNAL),
            serde_json::to_vec(&journal).unwrap(),
        )
        .unwrap();
        recover(dir.path()).unwrap();
        assert_eq!(
            std::fs::read(outside.path().join("victim")).unwrap(),
            b"keep"
        );
        assert_eq!(
            std::fs::read(dir.path().join("a.pdf")).unwrap(),
            b"old:a.pdf"
        );
    }
}
