//! What a unit's form contains: the indicators it answers for ([`unit_indicators`]), with
//! its role in each ([`Role`]), and the scalar rows and list sheets that follow
//! ([`FormPlan`]). The writer ([`crate::forms`]), the reader ([`mod@crate::ingest`], to
//! recognise an old form) and the checker (to know which facts a unit leads) all derive
//! from this one plan, so none of them depends on another.

use rust_decimal::Decimal;
use zhiliang_core::catalogue::{Catalogue, FactDef, FieldDef, FieldKind, Indicator, ListDef};
use zhiliang_core::units::{Roster, Unit};

use crate::layout;

/// The attributes of one input, alike for a fact and a list field: what the writer's
/// validation and the checker's value checks need. `label` and `help` may be overridden
/// (a record's field is named with its record, a list's help goes with its first column).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldAttrs<'a> {
    pub kind: FieldKind,
    pub options: &'a [String],
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub unit_of_measure: &'a str,
    pub label: &'a str,
    pub help: &'a str,
}

impl<'a> FieldAttrs<'a> {
    pub fn of_fact(def: &'a FactDef) -> Self {
        FieldAttrs {
            kind: def.kind,
            options: &def.options,
            min: def.min,
            max: def.max,
            unit_of_measure: &def.unit,
            label: &def.label,
            help: &def.help,
        }
    }

    pub fn of_field(def: &'a FieldDef) -> Self {
        FieldAttrs {
            kind: def.kind,
            options: &def.options,
            min: def.min,
            max: def.max,
            unit_of_measure: &def.unit,
            label: &def.label,
            help: &def.help,
        }
    }
}

/// Whether a unit leads an indicator (named in 责任单位) or may contribute to it because the
/// seed opens it to every member unit (其他成员单位 / 各成员单位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Lead,
    Support,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Lead => "牵头",
            Role::Support => "配合",
        }
    }
}

/// Whether `entry` (a 责任单位 entry of the catalogue) designates `unit`.
pub(crate) fn names_unit(roster: &Roster, entry: &str, unit: &Unit) -> bool {
    match roster.resolve(entry) {
        Some(u) => u.id == unit.id,
        None => entry == unit.name,
    }
}

/// The indicators a unit answers for, in catalogue order, with its role in each.
pub fn unit_indicators<'c>(
    catalogue: &'c Catalogue,
    roster: &Roster,
    unit: &Unit,
) -> Vec<(&'c Indicator, Role)> {
    catalogue
        .indicators
        .iter()
        .filter_map(|ind| {
            if ind.lead_units().any(|n| names_unit(roster, n, unit)) {
                Some((ind, Role::Lead))
            } else if ind.open_to_all() {
                Some((ind, Role::Support))
            } else {
                None
            }
        })
        .collect()
}

/// One scalar row of a unit's form.
#[derive(Debug, Clone)]
pub struct PlannedFact<'c> {
    pub def: &'c FactDef,
    /// The unit's indicators that read this fact (a fact such as `gdp` serves several).
    pub indicators: Vec<u32>,
    pub role: Role,
}

/// One list sheet of a unit's form.
#[derive(Debug, Clone)]
pub struct PlannedList<'c> {
    pub def: &'c ListDef,
    pub indicators: Vec<u32>,
    pub role: Role,
    pub sheet: String,
}

/// What a unit's form contains; shared by the writer, the ingester (to recognise an old
/// form) and the checker (to know which facts a unit leads).
#[derive(Debug, Clone)]
pub struct FormPlan<'c> {
    pub indicators: Vec<(&'c Indicator, Role)>,
    pub scalars: Vec<PlannedFact<'c>>,
    pub lists: Vec<PlannedList<'c>>,
}

impl<'c> FormPlan<'c> {
    pub fn new(catalogue: &'c Catalogue, roster: &Roster, unit: &Unit) -> Self {
        let indicators = unit_indicators(catalogue, roster, unit);
        let mut scalars: Vec<PlannedFact<'c>> = Vec::new();
        let mut lists: Vec<PlannedList<'c>> = Vec::new();
        for (ind, role) in &indicators {
            for key in &ind.facts {
                let Some(def) = catalogue.fact(key) else {
                    continue;
                };
                match scalars.iter_mut().find(|p| p.def.key == *key) {
                    Some(p) => {
                        p.indicators.push(ind.id);
                        p.role = p.role.min(*role);
                    }
                    None => scalars.push(PlannedFact {
                        def,
                        indicators: vec![ind.id],
                        role: *role,
                    }),
                }
            }
            for key in &ind.lists {
                let Some(def) = catalogue.list(key) else {
                    continue;
                };
                match lists.iter_mut().find(|p| p.def.key == *key) {
                    Some(p) => {
                        p.indicators.push(ind.id);
                        p.role = p.role.min(*role);
                    }
                    None => lists.push(PlannedList {
                        def,
                        indicators: vec![ind.id],
                        role: *role,
                        sheet: String::new(),
                    }),
                }
            }
        }
        // Sheet names: Excel forbids []:*?/\ and allows 31 characters; keep them unique.
        let mut used: Vec<String> = [
            layout::COVER,
            layout::SCALARS,
            layout::NARRATIVES,
            layout::META,
            layout::OPTIONS,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        for l in &mut lists {
            let base: String = l
                .def
                .label
                .chars()
                .filter(|c| !"[]:*?/\\'".contains(*c))
                .take(28)
                .collect();
            let base = if base.trim().is_empty() {
                l.def.key.clone()
            } else {
                base
            };
            let mut name = base.clone();
            let mut n = 2;
            while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
                name = format!("{base}{n}");
                n += 1;
            }
            used.push(name.clone());
            l.sheet = name;
        }
        FormPlan {
            indicators,
            scalars,
            lists,
        }
    }

    pub fn role_of(&self, indicator: u32) -> Option<Role> {
        self.indicators
            .iter()
            .find(|(i, _)| i.id == indicator)
            .map(|(_, r)| *r)
    }
}
