//! The task-force roster of 附件1 and the unit-name aliases used wherever a unit name is read.
//!
//! The seed itself writes one unit several ways (区市场监管局 in 附件2, 区市场监督管理局 in
//! 附件1), and units type their own names freely on the cover sheet; [`Roster::resolve`]
//! maps all of them to the canonical short name used in 附件2.

use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub position: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// ASCII id used in file names (`shichang` → `shichang.xlsx`, `evidence/shichang/`).
    pub id: String,
    /// Canonical short name as written in 附件2 (区市场监管局).
    pub name: String,
    /// Full name as written in 附件1 (区市场监督管理局).
    pub full_name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The unit's member of the task force (附件1).
    pub member: Person,
    /// The member's place in the task force (副召集人 or 成员).
    pub role: TaskForceRole,
}

/// A place in the task force of 附件1. The roster writes the Chinese label (`role =
/// "副召集人"`), which is also what documents print; any other text is refused on load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskForceRole {
    /// 召集人: the district leader heading the task force ([`Roster::convener`]); never a
    /// unit's member.
    Convener,
    /// 副召集人
    DeputyConvener,
    /// 成员
    Member,
}

impl TaskForceRole {
    pub const ALL: [TaskForceRole; 3] = [
        TaskForceRole::Convener,
        TaskForceRole::DeputyConvener,
        TaskForceRole::Member,
    ];

    /// The label of 附件1 (召集人 / 副召集人 / 成员).
    pub fn label(self) -> &'static str {
        match self {
            TaskForceRole::Convener => "召集人",
            TaskForceRole::DeputyConvener => "副召集人",
            TaskForceRole::Member => "成员",
        }
    }
}

impl std::fmt::Display for TaskForceRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl std::str::FromStr for TaskForceRole {
    type Err = String;

    /// The label, ignoring surrounding spaces.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        TaskForceRole::ALL
            .into_iter()
            .find(|r| r.label() == s)
            .ok_or_else(|| format!("专班职务“{s}”无法识别，应为“副召集人”或“成员”"))
    }
}

impl Serialize for TaskForceRole {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for TaskForceRole {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    /// 召集人 (not a unit's head: a district leader).
    pub convener: Person,
    /// Where the task-force office sits and who directs it.
    pub office: Office,
    pub units: Vec<Unit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    pub name: String,
    pub unit: String,
    pub director: String,
    pub duties: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("无法读取专班名单 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("专班名单 {path} 格式有误：{message}")]
    Parse { path: String, message: String },
    #[error("专班名单有误：{0}")]
    Invalid(String),
}

/// Canonical form for comparing unit names: no whitespace, half-width brackets, no
/// district prefix.
pub fn normalise_name(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        // Whitespace, and invisible formatting characters (zero-width space, BOM, bidi
        // marks) pasted with a name.
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '\u{3000}'
                        | '\u{00AD}'
                        | '\u{200B}'..='\u{200F}'
                        | '\u{202A}'..='\u{202E}'
                        | '\u{2060}'..='\u{2064}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{FEFF}'
                )
        })
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect();
    for prefix in ["济南市章丘区", "章丘区"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = format!("区{rest}");
        }
    }
    s
}

impl Roster {
    pub fn load(path: &Path) -> Result<Roster, RosterError> {
        let text = std::fs::read_to_string(path).map_err(|source| RosterError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Read and validate the roster's TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Roster, RosterError> {
        let roster: Roster = toml::from_str(text).map_err(|e| RosterError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        roster.validate()?;
        Ok(roster)
    }

    /// Ids and every spelling must be unique, so that [`Roster::resolve`] is unambiguous.
    pub fn validate(&self) -> Result<(), RosterError> {
        let mut seen = std::collections::BTreeMap::new();
        let mut ids = std::collections::BTreeSet::new();
        for unit in &self.units {
            if !ids.insert(unit.id.as_str()) {
                return Err(RosterError::Invalid(format!("单位代号“{}”重复", unit.id)));
            }
            if unit.role == TaskForceRole::Convener {
                return Err(RosterError::Invalid(format!(
                    "单位“{}”的专班职务不能是召集人：召集人是区领导，在 [convener] 中填写；单位成员应为“副召集人”或“成员”",
                    unit.name
                )));
            }
            for spelling in self.spellings(unit) {
                if let Some(other) = seen.insert(normalise_name(&spelling), unit.name.clone())
                    && other != unit.name
                {
                    return Err(RosterError::Invalid(format!(
                        "名称“{spelling}”同时指向“{other}”和“{}”",
                        unit.name
                    )));
                }
            }
        }
        Ok(())
    }

    fn spellings<'a>(&self, unit: &'a Unit) -> impl Iterator<Item = String> + 'a {
        std::iter::once(unit.name.clone())
            .chain(std::iter::once(unit.full_name.clone()))
            .chain(unit.aliases.iter().cloned())
    }

    /// The unit a free-form name designates (any alias, with or without 章丘区 prefix,
    /// spaces or full-width brackets), or `None`.
    pub fn resolve(&self, raw: &str) -> Option<&Unit> {
        let wanted = normalise_name(raw);
        if wanted.is_empty() {
            return None;
        }
        self.units
            .iter()
            .find(|u| self.spellings(u).any(|s| normalise_name(&s) == wanted))
    }

    pub fn by_name(&self, canonical: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.name == canonical)
    }

    /// Where a unit stands in the roster (附件1 order), for putting units in one fixed
    /// order; a name the roster does not know comes after all of them.
    pub fn rank(&self, canonical: &str) -> usize {
        self.units
            .iter()
            .position(|u| u.name == canonical)
            .unwrap_or(usize::MAX)
    }

    pub fn by_id(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }
}
