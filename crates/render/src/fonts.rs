//! The font store shared by every document of a run, and the five font roles of
//! GB/T 9704 (小标宋, 仿宋, 黑体, 楷体, 宋体).
//!
//! Each role is a fallback list of family names handed to the templates
//! (`set text(font: data.fonts.fangsong)`): the official fonts first, when they are
//! present, then the open font shipped in the project's `fonts/` folder. Typst falls
//! through the list per character, so an official GB 2312 font plus the open font
//! covers rare characters such as 劼 even when the official face lacks them.
//!
//! System fonts are scanned, but only faces whose family is one of the official names
//! are accepted: a developer machine with Noto CJK installed system-wide must render
//! exactly like a fresh machine, where the open fallbacks come from `fonts/` only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use typst::foundations::Bytes;
use typst::text::{Coverage, Font, FontInfo, FontStretch, FontStyle, FontWeight};
use typst_kit::fonts::{FontSource, FontStore};

/// A face of a font file, memory-mapped when Typst first asks for it
/// ([`FontStore`] calls `load` at most once per face, and only for faces a document uses).
///
/// Mapping instead of reading: the shipped CJK fonts are 66 MB, of which a document
/// touches the tables and glyphs it needs; the kernel shares the page cache instead of
/// copying every byte into fresh heap pages on every run.
struct MappedFont {
    path: PathBuf,
    index: u32,
}

impl FontSource for MappedFont {
    fn load(&self) -> Option<Font> {
        let file = std::fs::File::open(&self.path).ok()?;
        // SAFETY: the map is read-only and lives as long as the font. A font file that
        // is truncated while a build runs could fault the process — the same contract
        // as Typst's own font scanning (fontdb maps the files too); font files are not
        // edited in place while the program runs.
        let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        Font::new(Bytes::new(map), self.index)
    }
}

/// Faces of `db` for which `candidate` (on the raw face) and then `keep` (on Typst's font
/// info) hold. Faces that are no candidate are skipped before Typst computes their
/// coverage, the costly part of a scan (every code point of the cmap is collected and
/// sorted). Refuses kept faces whose cmap ttf-parser would read wrongly (see
/// [`crate::cmapcheck`]).
fn scan_faces(
    db: &fontdb::Database,
    candidate: impl Fn(&ttf_parser::Face) -> bool,
    keep: impl Fn(&FontInfo) -> bool,
) -> Result<Vec<(PathBuf, u32, FontInfo)>, FontError> {
    let mut out = Vec::new();
    for face in db.faces() {
        let path = match &face.source {
            fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _) => path,
            fontdb::Source::Binary(_) => continue,
        };
        let scanned = db.with_face_data(face.id, |data, index| {
            let ttf = ttf_parser::Face::parse(data, index).ok()?;
            if !candidate(&ttf) {
                return None;
            }
            let info = FontInfo::new(data, index).filter(&keep)?;
            Some((info, crate::cmapcheck::drops_glyphs(data, index)))
        });
        let Some(Some((info, narrow))) = scanned else {
            continue;
        };
        if narrow {
            return Err(FontError::NarrowCmap {
                file: path.display().to_string(),
                family: info.family,
            });
        }
        out.push((path.clone(), face.index, info));
    }
    // Directory order is not stable across machines; the output must be.
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(out)
}

/// Whether a family name of the face (name ID 1, any language) starts with one of
/// `names` (lowercase). Typst's family name is a name-ID-1 name with style words such
/// as "Bold" trimmed from its end, so every face whose Typst family is in `names`
/// passes; the exact test follows on the Typst family. (Typst also renames a handful of
/// Latin fonts by their PostScript name; no official Chinese font is among them.)
fn family_starts_with_any(ttf: &ttf_parser::Face, names: &[String]) -> bool {
    ttf.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FAMILY)
        .any(|n| match n.to_string() {
            Some(family) => {
                let family = family.trim().trim_start_matches('.').to_lowercase();
                names
                    .iter()
                    .any(|wanted| family.starts_with(wanted.as_str()))
            }
            // A name ttf-parser cannot decode (old Mac encodings): let Typst decide.
            None => true,
        })
}

/// A font role of the official document layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 小标宋: the document title (二号).
    Xiaobiaosong,
    /// 仿宋: body text and tables; also 三级标题 "1." in bold.
    Fangsong,
    /// 黑体: 一级标题 "一、" and table headers.
    Heiti,
    /// 楷体: 二级标题 "（一）".
    Kaiti,
    /// 宋体: page numbers.
    Songti,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Xiaobiaosong,
        Role::Fangsong,
        Role::Heiti,
        Role::Kaiti,
        Role::Songti,
    ];

    /// Key under `data.fonts` in the templates.
    pub fn key(self) -> &'static str {
        match self {
            Role::Xiaobiaosong => "xiaobiaosong",
            Role::Fangsong => "fangsong",
            Role::Heiti => "heiti",
            Role::Kaiti => "kaiti",
            Role::Songti => "songti",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Xiaobiaosong => "小标宋",
            Role::Fangsong => "仿宋",
            Role::Heiti => "黑体",
            Role::Kaiti => "楷体",
            Role::Songti => "宋体",
        }
    }

    /// Official family names, most preferred first, as they may appear in a font's
    /// name table (English or Chinese spelling).
    pub fn official(self) -> &'static [&'static str] {
        match self {
            Role::Xiaobiaosong => &[
                "FZXiaoBiaoSong-B05S",
                "方正小标宋简体",
                "FZXiaoBiaoSong-B05",
                "方正小标宋_GBK",
            ],
            Role::Fangsong => &[
                "FangSong_GB2312",
                "仿宋_GB2312",
                "FangSong",
                "仿宋",
                "STFangsong",
            ],
            Role::Heiti => &["SimHei", "黑体"],
            Role::Kaiti => &["KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti"],
            Role::Songti => &["SimSun", "宋体", "NSimSun", "新宋体"],
        }
    }

    /// The open fonts shipped in `fonts/` that stand in for the role, in fallback
    /// order. 朱雀仿宋 is a real 仿宋 design but covers only about half of GBK's hanzi
    /// (all of GB 2312 and the seed); Noto Serif CJK SC after it draws the rest, so every
    /// GBK character still has a glyph in the role. Like 仿宋_GB2312, 朱雀仿宋 has a
    /// single weight: the templates embolden 仿宋 with a thin outline stroke.
    pub fn open(self) -> &'static [&'static str] {
        match self {
            Role::Fangsong => &["Zhuque Fangsong", "Noto Serif CJK SC"],
            Role::Xiaobiaosong | Role::Songti => &["Noto Serif CJK SC"],
            Role::Heiti => &["Noto Sans CJK SC"],
            Role::Kaiti => &["LXGW WenKai"],
        }
    }
}

/// Where a face was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Origin {
    /// The project's `fonts/` folder.
    Project(PathBuf),
    /// Installed on the system (only official families are accepted from there).
    System(PathBuf),
}

/// Which font serves one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleReport {
    pub role: Role,
    /// Family that serves the role (the first of the fallback list that is present).
    pub family: String,
    pub official: bool,
    /// File of the regular face of that family.
    pub file: PathBuf,
    pub from_system: bool,
    /// The whole fallback list handed to the templates.
    pub fallback: Vec<String>,
    /// Whether a real bold face exists in the list (标题 and table headers need one).
    pub has_bold: bool,
}

/// Which font served each role; printed by the build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FontReport {
    pub roles: Vec<RoleReport>,
}

impl std::fmt::Display for FontReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for r in &self.roles {
            writeln!(
                f,
                "{}：{}（{}，{}）",
                r.role.label(),
                r.family,
                if r.official {
                    "公文标准字体"
                } else {
                    "开源替代字体"
                },
                r.file.display()
            )?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("字体目录 {0} 不存在或无法读取")]
    NoFontsDir(String),
    #[error(
        "字体角色“{role}”既没有公文标准字体（{official}），也没有开源替代字体“{open}”；请把字体文件放进 {dir}"
    )]
    RoleUnserved {
        role: &'static str,
        official: String,
        open: String,
        dir: String,
    },
    #[error(
        "字体文件 {file}（{family}）的字符映射表只有 16 位的 format 4 子表，而其中字形号超过 32767：排版时许多汉字会成为空白方框。请为它加上 32 位的 format 12 子表（方法见 fonts/README.md 与 scripts/subset-fonts.sh），或移走该文件"
    )]
    NarrowCmap { file: String, family: String },
}

struct Face {
    info: FontInfo,
    origin: Origin,
}

/// The loaded fonts and the resolved roles. Built once per run and shared (`Arc`) by
/// every document's world; Typst loads the faces lazily on first use.
pub struct FontSet {
    pub(crate) store: FontStore,
    faces: Vec<Face>,
    roles: BTreeMap<Role, Vec<String>>,
    report: FontReport,
}

impl FontSet {
    /// Scan `fonts_dir` (every face) and the system (official families only).
    pub fn load(fonts_dir: &Path) -> Result<FontSet, FontError> {
        Self::load_with(fonts_dir, true)
    }

    /// Like [`FontSet::load`]; `system = false` skips the system scan (tests that must
    /// behave like a fresh machine).
    pub fn load_with(fonts_dir: &Path, system: bool) -> Result<FontSet, FontError> {
        if !fonts_dir.is_dir() {
            return Err(FontError::NoFontsDir(fonts_dir.display().to_string()));
        }
        let mut found: Vec<(PathBuf, u32, FontInfo, Origin)> = Vec::new();
        let mut db = fontdb::Database::new();
        db.load_fonts_dir(fonts_dir);
        for (path, index, info) in scan_faces(&db, |_| true, |_| true)? {
            let origin = Origin::Project(path.clone());
            found.push((path, index, info, origin));
        }
        if system {
            let official: Vec<String> = Role::ALL
                .iter()
                .flat_map(|r| r.official().iter().map(|s| s.to_lowercase()))
                .collect();
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            let sys = scan_faces(
                &db,
                |ttf| family_starts_with_any(ttf, &official),
                |info| official.contains(&info.family.to_lowercase()),
            )?;
            for (path, index, info) in sys {
                let origin = Origin::System(path.clone());
                found.push((path, index, info, origin));
            }
        }

        let mut store = FontStore::new();
        let mut faces = Vec::new();
        for (path, index, info, origin) in found {
            faces.push(Face {
                info: info.clone(),
                origin,
            });
            store.push((MappedFont { path, index }, info));
        }

        let mut set = FontSet {
            store,
            faces,
            roles: BTreeMap::new(),
            report: FontReport { roles: vec![] },
        };
        for role in Role::ALL {
            let mut list: Vec<String> = Vec::new();
            for name in role.official() {
                if let Some(face) = set.family_faces(name).next() {
                    let family = face.info.family.clone();
                    if !list.contains(&family) {
                        list.push(family);
                    }
                }
            }
            for name in role.open() {
                if set.family_faces(name).next().is_some() && !list.iter().any(|f| f == name) {
                    list.push(name.to_string());
                }
            }
            let Some(first) = list.first().cloned() else {
                return Err(FontError::RoleUnserved {
                    role: role.label(),
                    official: role.official().join("、"),
                    open: role.open().join("、"),
                    dir: fonts_dir.display().to_string(),
                });
            };
            let regular = set
                .family_faces(&first)
                .min_by_key(|f| (f.info.variant.weight.to_number() as i32 - 400).abs())
                .expect("family present");
            let (file, from_system) = match &regular.origin {
                Origin::Project(p) => (p.clone(), false),
                Origin::System(p) => (p.clone(), true),
            };
            let has_bold = list.iter().any(|fam| {
                set.family_faces(fam)
                    .any(|f| f.info.variant.weight >= FontWeight::from_number(600))
            });
            let official = role
                .official()
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&first));
            set.report.roles.push(RoleReport {
                role,
                family: first,
                official,
                file,
                from_system,
                fallback: list.clone(),
                has_bold,
            });
            set.roles.insert(role, list);
        }
        Ok(set)
    }

    fn family_faces<'a>(&'a self, family: &str) -> impl Iterator<Item = &'a Face> + 'a {
        let wanted = family.to_lowercase();
        self.faces
            .iter()
            .filter(move |f| f.info.family.to_lowercase() == wanted)
    }

    /// The fallback list of a role, as handed to the templates.
    pub fn families(&self, role: Role) -> &[String] {
        &self.roles[&role]
    }

    pub fn report(&self) -> &FontReport {
        &self.report
    }

    /// `{ "xiaobiaosong": [...], "fangsong": [...], ... }` for `data.fonts`.
    pub fn families_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for role in Role::ALL {
            map.insert(
                role.key().to_string(),
                serde_json::json!(self.families(role)),
            );
        }
        serde_json::Value::Object(map)
    }

    /// Whether some face of the role's fallback list, in the normal upright style, can
    /// draw `c`. (Typst would otherwise draw a blank box.)
    pub fn covers(&self, role: Role, c: char) -> bool {
        self.coverages(role).any(|cov| cov.contains(c as u32))
    }

    /// Vertical extent of the ink of `c` (bottom, top; in em, upwards from the
    /// baseline) in the regular face that draws it for the role. The page numbers use
    /// it to put the 一字线 exactly 7 mm below the type area: Typst's own `bounds`
    /// edges stop at the baseline and cannot tell where a dash's ink ends.
    pub fn ink_extent(&self, role: Role, c: char) -> Option<(f64, f64)> {
        for family in self.families(role) {
            let found = self.faces.iter().enumerate().find(|(_, f)| {
                f.info.family.eq_ignore_ascii_case(family)
                    && f.info.variant.style == FontStyle::Normal
                    && f.info.variant.weight == FontWeight::REGULAR
                    && f.info.coverage.contains(c as u32)
            });
            let Some((index, _)) = found else { continue };
            let font = self.store.font(index)?;
            let variant = font.info().variant;
            let font = font.instantiate(
                variant,
                typst::layout::Abs::pt(10.0),
                &typst::text::FontVariations::default(),
            );
            let face = font.ttf();
            let rect = face.glyph_bounding_box(face.glyph_index(c)?)?;
            let em = font.units_per_em();
            return Some((f64::from(rect.y_min) / em, f64::from(rect.y_max) / em));
        }
        None
    }

    fn coverages(&self, role: Role) -> impl Iterator<Item = &Coverage> + '_ {
        let list = self.families(role);
        self.faces
            .iter()
            .filter(move |f| {
                f.info.variant.style == FontStyle::Normal
                    && f.info.variant.stretch == FontStretch::NORMAL
                    && list
                        .iter()
                        .any(|fam| fam.eq_ignore_ascii_case(&f.info.family))
            })
            .map(|f| &f.info.coverage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The system-font name filter lets a face through exactly when one of its family
    /// names starts with a wanted name: official faces reach Typst's exact test, the
    /// others are skipped before their coverage is computed.
    #[test]
    fn the_name_filter_passes_wanted_families_and_skips_others() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fonts/LXGWWenKai-Regular.ttf"
        );
        let data = std::fs::read(path).unwrap();
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        // name ID 1 holds "LXGW WenKai" (English) and "霞鹜文楷" (Chinese).
        assert!(family_starts_with_any(&face, &["lxgw wenkai".into()]));
        assert!(family_starts_with_any(&face, &["霞鹜文楷".into()]));
        // A prefix passes too: Typst trims style words from the end of the name.
        assert!(family_starts_with_any(&face, &["lxgw".into()]));
        assert!(!family_starts_with_any(
            &face,
            &["kaiti".into(), "楷体".into(), "wenkai".into()]
        ));
    }
}
