//! Wording templates (`templates/wording/**/*.j2`, minijinja): the office edits the
//! narrative sentences of the documents there, without touching Rust or Typst.
//!
//! A wording template renders to plain text; blank lines separate paragraphs and single
//! line breaks inside a paragraph are dropped (Chinese needs no space between wrapped
//! lines). The result reaches Typst as strings in the data, never as markup.

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum WordingError {
    #[error("无法读取措辞模板目录 {path}：{message}")]
    Io { path: String, message: String },
    #[error("措辞模板 {name} 有误：{message}")]
    Template { name: String, message: String },
}

pub struct Wording {
    env: Environment<'static>,
}

impl Wording {
    /// Loads every `*.j2` below `dir`, named by its path relative to `dir`
    /// (`self-evaluation/category.j2`).
    pub fn load(dir: &Path) -> Result<Wording, WordingError> {
        let mut env = Environment::new();
        // A misspelt variable in a wording template must fail loudly, not print blank.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(false);
        let mut files = Vec::new();
        collect(dir, &mut files).map_err(|e| WordingError::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        files.sort();
        for file in files {
            let name = file
                .strip_prefix(dir)
                .unwrap_or(&file)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&file).map_err(|e| WordingError::Io {
                path: file.display().to_string(),
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

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "j2") {
            out.push(path);
        }
    }
    Ok(())
}

/// Path, modification time and size of one wording file.
pub type FileStamp = (std::path::PathBuf, Option<std::time::SystemTime>, u64);

/// The state of every `*.j2` under `dir`, to notice edits.
pub fn stamp(dir: &Path) -> Vec<FileStamp> {
    let mut files = Vec::new();
    let _ = collect(dir, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let meta = std::fs::metadata(&f).ok();
            let modified = meta.as_ref().and_then(|m| m.modified().ok());
            let len = meta.map(|m| m.len()).unwrap_or(0);
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

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(split_paragraphs("甲乙\n丙\n\n\n丁\n"), vec!["甲乙丙", "丁"]);
    }
}
