//! Missing-glyph check before compiling.
//!
//! Typst draws a character no font has as a blank box, silently. A printed, sealed
//! document with a blank box in a name is worse than no document, so every string of the
//! data is checked against the fonts of the role it will be set in, and each character
//! that cannot be drawn becomes a `missing-glyph` diagnostic naming the character and
//! where it came from.
//!
//! Provenance travels with the data: any object may carry a `src`, a [`Source`] (unit,
//! file, sheet, cell); a string's source is the `src` of its nearest enclosing object.

use serde::Deserialize;
use serde_json::Value;
use zhiliang_core::diagnostics::{Code, Diagnostic, Location};
use zhiliang_core::facts::Source;

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
    src: Option<&Source>,
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
            // A `src` that is not a source (or names nothing) leaves the enclosing one.
            let own = map
                .get("src")
                .and_then(|v| Source::deserialize(v).ok())
                .filter(|s| *s != Source::default());
            let src = own.as_ref().or(src);
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
    src: Option<&Source>,
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
            let (place, location) = match src {
                Some(source) => (source.to_string(), Location::from_source(source)),
                None => (
                    format!("数据 {path}"),
                    Location::default().with_fact(path.to_string()),
                ),
            };
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use zhiliang_core::diagnostics::{Cell, Place};

    fn fonts() -> FontSet {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fonts");
        FontSet::load_with(&dir, false).expect("the project's fonts load")
    }

    /// The source is read back as a structure: a file name containing the separator the
    /// display form uses (" › ") stays one file name, and the innermost `src` wins.
    #[test]
    fn a_missing_glyph_points_at_the_cell_of_the_nearest_source() {
        let source = Source {
            unit: "区文旅局".into(),
            file: "文旅 › 第二版.xlsx".into(),
            sheet: "标量数据".into(),
            cell: Some(Place::Cell(Cell::new(11, 3))),
        };
        let data = serde_json::json!({
            "src": { "unit": "区住建局" },
            "rows": [
                { "text": "组织开展\u{10FFFD}活动", "src": source },
                { "text": "无\u{10FFFE}来源字段", "src": "区住建局 › x.xlsx" },
            ],
        });
        let diags = check(&data, &fonts());
        assert_eq!(diags.len(), 2, "{diags:#?}");
        assert_eq!(diags[0].location, Location::from_source(&source));
        assert_eq!(
            diags[0].location.file.as_deref(),
            Some("文旅 › 第二版.xlsx")
        );
        assert!(
            diags[0]
                .message
                .contains("出自 区文旅局 文旅 › 第二版.xlsx › 标量数据 › D12"),
            "{}",
            diags[0].message
        );
        // A `src` that is not a source leaves the enclosing object's source (the unit).
        assert_eq!(diags[1].location.unit.as_deref(), Some("区住建局"));
        assert_eq!(diags[1].location.file, None);
    }

    #[test]
    fn without_a_source_the_data_path_is_named() {
        let data = serde_json::json!({ "title": "x", "rows": [{ "text": "\u{10FFFD}" }] });
        let diags = check(&data, &fonts());
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].location.fact.as_deref(), Some("/rows/0/text"));
        assert!(diags[0].message.contains("出自 数据 /rows/0/text"));
    }
}
