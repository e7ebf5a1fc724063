//! Cheap fingerprints of what a rendered PDF depends on besides its data: the template
//! files and the fonts. A build compares them with the previous build's record to decide
//! whether a document must be rendered again (see the root crate's `pipeline`).
//!
//! Fonts are fingerprinted by file metadata (path, size, modification time), not by
//! content: the shipped fonts are ~70 MB, hashing them would cost more than rendering.
//! Any font file added, removed, replaced or touched in the project's `fonts/` folder or
//! in the usual system font folders changes the fingerprint, so the next build renders
//! again. Conservative by design: a spurious change costs one render, a missed one would
//! leave a PDF set in an old font.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::DocKind;

/// Fingerprint of the fonts a [`crate::FontSet::load`] on this machine can see.
fn fonts(fonts_dir: &Path) -> String {
    let mut dirs = vec![fonts_dir.to_path_buf()];
    dirs.extend(system_font_dirs());
    let mut hasher = Sha256::new();
    for dir in dirs {
        hasher.update(dir.to_string_lossy().as_bytes());
        hasher.update([0]);
        let walk = walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .flatten();
        for entry in walk {
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            hasher.update(entry.path().to_string_lossy().as_bytes());
            hasher.update(format!("|{}|{modified}\n", meta.len()).as_bytes());
        }
    }
    hex(&hasher.finalize())
}

/// Where fontdb (and so Typst's system font scan) looks on each platform.
fn system_font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(target_os = "macos") {
        dirs.push("/Library/Fonts".into());
        dirs.push("/System/Library/Fonts".into());
        dirs.extend(home.map(|h| h.join("Library/Fonts")));
    } else if cfg!(windows) {
        let windir = std::env::var_os("SYSTEMROOT").unwrap_or_else(|| "C:\\Windows".into());
        dirs.push(PathBuf::from(windir).join("Fonts"));
        if let Some(local) = std::env::var_os("LOCALAPPDATA") {
            dirs.push(PathBuf::from(local).join("Microsoft\\Windows\\Fonts"));
        }
    } else {
        dirs.push("/usr/share/fonts".into());
        dirs.push("/usr/local/share/fonts".into());
        if let Some(h) = &home {
            dirs.push(h.join(".fonts"));
            dirs.push(h.join(".local/share/fonts"));
        }
    }
    dirs
}

/// Everything besides its data that a document's PDF depends on, fingerprinted once per
/// build (or once per province run, for every county): the fonts, and per document the
/// template files it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprints {
    fonts: String,
    templates: BTreeMap<DocKind, String>,
}

impl Fingerprints {
    /// Walks the fonts folders once and reads each template file once.
    pub fn take(templates_dir: &Path, fonts_dir: &Path) -> Fingerprints {
        let files = template_files(templates_dir);
        Fingerprints {
            fonts: fonts(fonts_dir),
            templates: DocKind::ALL
                .into_iter()
                .map(|kind| (kind, templates_of(&files, kind)))
                .collect(),
        }
    }

    pub fn fonts(&self) -> &str {
        &self.fonts
    }

    pub fn templates(&self, kind: DocKind) -> &str {
        &self.templates[&kind]
    }
}

/// Every file under the templates folder, relative path → SHA-256 of its content.
fn template_files(dir: &Path) -> Vec<(String, [u8; 32])> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            // An unreadable template fails the render anyway; hash what can be read.
            let content = std::fs::read(entry.path()).unwrap_or_default();
            (rel, Sha256::digest(&content).into())
        })
        .collect()
}

/// Hash of the template files one document depends on (names and contents): every file
/// under the templates folder except the other documents' main templates. Editing
/// `annual-report.typ` therefore re-renders the annual report only; editing `style.typ`
/// or a wording template re-renders all of them.
fn templates_of(files: &[(String, [u8; 32])], kind: DocKind) -> String {
    let others: Vec<&str> = DocKind::ALL
        .iter()
        .filter(|k| **k != kind)
        .map(|k| k.template().trim_start_matches('/'))
        .collect();
    let mut hasher = Sha256::new();
    for (rel, digest) in files {
        if others.contains(&rel.as_str()) {
            continue;
        }
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update(digest);
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touched_font_file_changes_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ttf"), b"one").unwrap();
        let before = fonts(dir.path());
        assert_eq!(before, fonts(dir.path()), "stable when nothing changed");
        std::fs::write(dir.path().join("a.ttf"), b"three").unwrap();
        assert_ne!(before, fonts(dir.path()), "size changed");
        let after_edit = fonts(dir.path());
        std::fs::write(dir.path().join("b.otf"), b"x").unwrap();
        assert_ne!(after_edit, fonts(dir.path()), "a font added");
    }

    #[test]
    fn a_document_template_only_changes_its_own_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        for k in DocKind::ALL {
            std::fs::write(dir.path().join(k.template().trim_start_matches('/')), "x").unwrap();
        }
        std::fs::write(dir.path().join("style.typ"), "s").unwrap();
        let before: Vec<String> = DocKind::ALL
            .iter()
            .map(|k| {
                Fingerprints::take(dir.path(), dir.path())
                    .templates(*k)
                    .to_string()
            })
            .collect();
        std::fs::write(dir.path().join("annual-report.typ"), "changed").unwrap();
        let after: Vec<String> = DocKind::ALL
            .iter()
            .map(|k| {
                Fingerprints::take(dir.path(), dir.path())
                    .templates(*k)
                    .to_string()
            })
            .collect();
        for (i, k) in DocKind::ALL.iter().enumerate() {
            assert_eq!(before[i] != after[i], *k == DocKind::AnnualReport, "{k:?}");
        }
        std::fs::write(dir.path().join("style.typ"), "changed").unwrap();
        let styled: Vec<String> = DocKind::ALL
            .iter()
            .map(|k| {
                Fingerprints::take(dir.path(), dir.path())
                    .templates(*k)
                    .to_string()
            })
            .collect();
        assert!(styled.iter().zip(&after).all(|(a, b)| a != b));
    }
}
