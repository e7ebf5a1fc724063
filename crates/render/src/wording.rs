//! Wording templates (`templates/wording/**/*.j2`, minijinja): the office edits the
//! narrative sentences of the documents there, without touching Rust or Typst.
//!
//! A wording template renders to plain text; blank lines separate paragraphs and single
//! line breaks inside a paragraph are dropped (Chinese needs no space between wrapped
//! lines). The result reaches Typst as strings in the data, never as markup.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum WordingError {
    #[error("无法读取措辞模板目录 {path}：{message}")]
    Io { path: String, message: String },
    #[error("措辞模板 {name} 有误：{message}")]
    Template { name: String, message: String },
    #[error(
        "措辞模板 {name} 实际指向模板目录之外的 {target}，已拒绝读取。措辞模板只能是 templates/ 目录中的文件，请删除该符号链接，把措辞直接写进模板文件"
    )]
    Escapes { name: String, target: String },
}

pub struct Wording {
    env: Environment<'static>,
}

impl Wording {
    /// Loads every `*.j2` below `dir`, reading only files whose real path (symbolic links
    /// resolved) lies inside `root`, the templates folder, as the Typst world does: a link
    /// in `templates/wording/` to `/etc/passwd` is refused, not printed in a report.
    ///
    /// Templates reach each other only by these names (`{% include %}` has no file
    /// loader behind it), so a name with `..` cannot read a file either.
    pub fn load_within(dir: &Path, root: &Path) -> Result<Wording, WordingError> {
        let mut env = Environment::new();
        // A misspelt variable in a wording template must fail loudly, not print blank.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(false);
        for (name, real) in collect(dir, root)? {
            let text = std::fs::read_to_string(&real).map_err(|e| WordingError::Io {
                path: dir.join(&name).display().to_string(),
                message: e.to_string(),
            })?;
            env.add_template_owned(name.clone(), text)
                .map_err(|e| WordingError::Template {
                    name,
                    message: describe(&e),
                })?;
        }
        Ok(Wording { env })
    }

    /// Renders `name` with `ctx` and splits the text into paragraphs.
    pub fn paragraphs(&self, name: &str, ctx: impl Serialize) -> Result<Vec<String>, WordingError> {
        let text = self.render(name, ctx)?;
        Ok(split_paragraphs(&text))
    }

    /// Renders `name` with `ctx` into one string (paragraphs joined without breaks).
    pub fn sentence(&self, name: &str, ctx: impl Serialize) -> Result<String, WordingError> {
        Ok(self.paragraphs(name, ctx)?.join(""))
    }

    fn render(&self, name: &str, ctx: impl Serialize) -> Result<String, WordingError> {
        let tmpl = self
            .env
            .get_template(name)
            .map_err(|e| WordingError::Template {
                name: name.to_string(),
                message: describe(&e),
            })?;
        tmpl.render(ctx).map_err(|e| WordingError::Template {
            name: name.to_string(),
            message: describe(&e),
        })
    }
}

fn describe(e: &minijinja::Error) -> String {
    match e.line() {
        Some(line) => format!("第{line}行：{e}"),
        None => e.to_string(),
    }
}

/// Every `*.j2` below `dir`: its name (path relative to `dir`, with `/`) and its real
/// path. A file or folder whose real path leaves `root` is an error; a folder reached
/// twice through links is entered once.
fn collect(dir: &Path, root: &Path) -> Result<Vec<(String, PathBuf)>, WordingError> {
    let io = |path: &Path, e: std::io::Error| WordingError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let root = root.canonicalize().map_err(|e| io(root, e))?;
    let confine = |name: &str, real: &Path| {
        if real.starts_with(&root) {
            Ok(())
        } else {
            Err(WordingError::Escapes {
                name: if name.is_empty() {
                    "目录".into()
                } else {
                    name.to_string()
                },
                target: real.display().to_string(),
            })
        }
    };
    let mut out = Vec::new();
    let mut entered = HashSet::new();
    let mut folders = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = folders.pop() {
        let real = folder.canonicalize().map_err(|e| io(&folder, e))?;
        confine(&prefix, &real)?;
        if !entered.insert(real.clone()) {
            continue;
        }
        for entry in std::fs::read_dir(&real).map_err(|e| io(&folder, e))? {
            let entry = entry.map_err(|e| io(&folder, e))?;
            let path = entry.path();
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let name = if prefix.is_empty() {
                file_name
            } else {
                format!("{prefix}/{file_name}")
            };
            let is_template = path.extension().is_some_and(|e| e == "j2");
            // `metadata` follows links: a link to a folder is a folder.
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => folders.push((path, name)),
                Ok(_) if is_template => {
                    let real = path.canonicalize().map_err(|e| io(&path, e))?;
                    confine(&name, &real)?;
                    out.push((name, real));
                }
                Ok(_) => {}
                // A dangling link named like a template is a broken template.
                Err(e) if is_template => return Err(io(&path, e)),
                Err(_) => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Path, modification time and size of one wording file.
pub type FileStamp = (std::path::PathBuf, Option<std::time::SystemTime>, u64);

/// The state of every `*.j2` under `dir` (real paths), to notice edits. Empty when the
/// folder cannot be listed or leaves `root`: loading then reports why.
pub fn stamp(dir: &Path, root: &Path) -> Vec<FileStamp> {
    collect(dir, root)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, f)| {
            let meta = std::fs::metadata(&f).ok();
            let modified = meta.as_ref().and_then(|m| m.modified().ok());
            let len = meta.map_or(0, |m| m.len());
            (f, modified, len)
        })
        .collect()
}

/// Blank lines separate paragraphs; line breaks inside one are dropped.
pub fn split_paragraphs(text: &str) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wording file linked from another folder of the templates is read; a link from a
    /// folder to its own parent ends; a name with `..` reaches no file, since templates
    /// only include each other by name.
    #[cfg(unix)]
    #[test]
    fn links_inside_the_root_are_read_and_dot_dot_includes_are_not() {
        use std::os::unix::fs::symlink;
        let root = tempfile::tempdir().unwrap();
        let wording = root.path().join("wording");
        std::fs::create_dir_all(wording.join("annual")).unwrap();
        std::fs::write(root.path().join("shared.j2"), "共用措辞").unwrap();
        symlink(
            root.path().join("shared.j2"),
            wording.join("annual/shared.j2"),
        )
        .unwrap();
        symlink(&wording, wording.join("annual/loop")).unwrap();
        std::fs::write(
            wording.join("annual/include.j2"),
            "{% include \"../../../../../../etc/passwd\" %}",
        )
        .unwrap();

        let w = Wording::load_within(&wording, root.path()).unwrap();
        assert_eq!(w.sentence("annual/shared.j2", ()).unwrap(), "共用措辞");
        let err = w.sentence("annual/include.j2", ()).unwrap_err().to_string();
        assert!(err.contains("annual/include.j2"), "{err}");
        assert!(!err.contains("root:"), "{err}");
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(split_paragraphs("甲乙\n丙\n\n\n丁\n"), vec!["甲乙丙", "丁"]);
    }
}
