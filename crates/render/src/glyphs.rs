//! Missing-glyph check before compiling.
//!
//! Typst draws a character no font has as a blank box, silently. A printed, sealed
//! document with a blank box in a name is worse than no document, so every string of the
//! data is checked against the fonts of the role it will be set in, and each character
//! that cannot be drawn becomes a `missing-glyph` diagnostic naming the character and
//! where it came from.
//!
//! Provenance travels with the data: any object may carry a `src` string (unit › file ›
//! sheet › cell); a string's source is the `src` of its nearest enclosing object.

use serde_json::Value;
use zhiliang_core::diagnostics::{Code, Diagnostic, Location};

use crate::fonts::{FontSet, Role};

/// Keys whose strings are set in a role other than the body's 仿宋.
fn role_of_key(key: &str) -> Option<Role> {
    match key {
        "title" | "doc_title" | "form_title" => Some(Role::Xiaobiaosong),
        "heading" => Some(Role::Heiti),
        "subheading" => Some(Role::Kaiti),
        // Font names and provenance are not printed.
        "fonts" | "src" | "kind" | "key" => None,
        _ => Some(Role::Fangsong),
    }
}

/// Check every string in `data`; one diagnostic per (character, place).
pub fn check(data: &Value, fonts: &FontSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    walk(data, Role::Fangsong, "", None, fonts, &mut out);
    out
}

fn walk(
    value: &Value,
    role: Role,
    path: &str,
    src: Option<&str>,
    fonts: &FontSet,
    out: &mut Vec<Diagnostic>,
) {
    match value {
        Value::String(s) => check_str(s, role, path, src, fonts, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, role, &format!("{path}/{i}"), src, fonts, out);
            }
        }
        Value::Object(map) => {
            let src = map
                .get("src")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .or(src);
            for (key, item) in map {
                let Some(role) =
                    role_of_key(key).map(|r| if r == Role::Fangsong { role } else { r })
                else {
                    continue;
                };
                walk(item, role, &format!("{path}/{key}"), src, fonts, out);
            }
        }
        _ => {}
    }
}

fn check_str(
    s: &str,
    role: Role,
    path: &str,
    src: Option<&str>,
    fonts: &FontSet,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: Vec<char> = Vec::new();
    for c in s.chars() {
        if c.is_control() || c.is_whitespace() || seen.contains(&c) {
            continue;
        }
        if !fonts.covers(role, c) {
            seen.push(c);
            let place = src
                .map(str::to_string)
                .unwrap_or_else(|| format!("数据 {path}"));
            let mut location = Location::default();
            if let Some(src) = src {
                // `unit › file › sheet › cell`, as written by `data::src`.
                let mut parts = src.split(" › ");
                location.unit = parts.next().map(str::to_string).filter(|p| !p.is_empty());
                location.file = parts.next().map(str::to_string).filter(|p| !p.is_empty());
                location.sheet = parts.next().map(str::to_string).filter(|p| !p.is_empty());
                location.cell = parts.next().map(str::to_string).filter(|p| !p.is_empty());
            } else {
                location.fact = Some(path.to_string());
            }
            let message = format!(
                "字符“{c}”（U+{:04X}）无法用{}字体（{}）排印，出自 {place}；请改用规范汉字，或安装含此字的字体后重新生成",
                c as u32,
                role.label(),
                fonts.families(role).join("、"),
            );
            out.push(Diagnostic::new(Code::MissingGlyph, location, message).with_value(s));
        }
    }
}
