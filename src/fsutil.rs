//! Atomic file output: write to a temporary file in the destination folder, fsync, rename.
//! An interrupted run therefore leaves either the previous file or the new one, never half
//! of one — the office may be printing the previous set while a rebuild runs.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically. Skips the write when the file already holds
/// exactly these bytes (keeps mtimes stable for watchers and printers), and says so.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<WriteOutcome> {
    if std::fs::read(path).is_ok_and(|existing| existing == bytes) {
        return Ok(WriteOutcome::Unchanged);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".zhiliang-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("无法在 {} 中创建临时文件", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("写入 {} 失败", path.display()))?;
    // Temporary files are created 0600; outputs are ordinary documents the office shares.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .ok();
    }
    tmp.as_file().sync_all().ok();
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(WriteOutcome::Written)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Written,
    Unchanged,
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a file, streamed (evidence files may be large scans).
pub fn sha256_file(path: &Path) -> Result<(String, u64)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("无法打开 {}", path.display()))?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut file, &mut hasher)
        .with_context(|| format!("无法读取 {}", path.display()))?;
    let digest = hasher.finalize();
    Ok((digest.iter().map(|b| format!("{b:02x}")).collect(), size))
}

/// Path relative to `base` with forward slashes, for manifests that must read the same on
/// every machine.
pub fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` made absolute, lexically normalised (no `.`, `..` resolved) and, as far as it
/// exists, with symbolic links resolved: the one spelling under which `watch` compares
/// the paths it watches with the paths of file events (`./input/campaign.toml`,
/// `/tmp/x/./input/campaign.toml` and `/tmp/x/input/campaign.toml` are one file). Works
/// for paths that no longer exist (a deleted file): the missing tail is kept as written.
pub fn normalise(path: &Path) -> PathBuf {
    let lexical = lexical_absolute(path);
    // Resolve links on the longest existing prefix.
    let mut tail = Vec::new();
    let mut head = lexical.as_path();
    loop {
        if let Ok(real) = head.canonicalize() {
            let mut out = real;
            out.extend(tail.iter().rev());
            return out;
        }
        match (head.parent(), head.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name.to_os_string());
                head = parent;
            }
            _ => return lexical,
        }
    }
}

/// `path` made absolute (against the current folder) with `.` dropped and `..` applied
/// to the text, without touching the file system.
pub fn lexical_absolute(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path))
    };
    let mut lexical = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    lexical
}

/// Copies the folder `from` (recursively) to `to`, creating folders as needed. Used to
/// make throw-away copies of a campaign for benchmarks and tests.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let dest = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest)
                .with_context(|| format!("无法创建目录 {}", dest.display()))?;
        } else {
            std::fs::copy(entry.path(), &dest)
                .with_context(|| format!("无法复制 {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_reports_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a").join("x.pdf");
        assert_eq!(write_atomic(&path, b"one").unwrap(), WriteOutcome::Written);
        assert_eq!(
            write_atomic(&path, b"one").unwrap(),
            WriteOutcome::Unchanged
        );
        assert_eq!(write_atomic(&path, b"two").unwrap(), WriteOutcome::Written);
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
        // no temporary files left behind
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["x.pdf".to_string()]);
    }

    #[test]
    fn normalise_gives_one_spelling_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("input")).unwrap();
        std::fs::write(root.join("input/campaign.toml"), "").unwrap();
        let want = root.join("input/campaign.toml");
        assert_eq!(normalise(&root.join("./input/campaign.toml")), want);
        assert_eq!(
            normalise(&root.join("input/../input/./campaign.toml")),
            want
        );
        // a file that does not exist (yet, or any more)
        assert_eq!(
            normalise(&root.join("./input/gone/../new.xlsx")),
            root.join("input/new.xlsx")
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, root.join("link")).unwrap();
            assert_eq!(normalise(&root.join("link/./input/campaign.toml")), want);
            assert_eq!(
                normalise(&root.join("link/input/deleted")),
                root.join("input/deleted")
            );
        }
    }

    #[test]
    fn sha256_of_known_value() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
