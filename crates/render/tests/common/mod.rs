//! Shared fixtures: the real roster/catalogue/campaign, the example facts scored by
//! zhiliang-core, a hand-made score sheet, and one renderer (fonts loaded once, from the
//! project's fonts/ only, as on a fresh machine).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rust_decimal::Decimal;
use zhiliang_core::Setup;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::diagnostics::{Cell, Place};
use zhiliang_core::facts::{EvidenceItem, Facts, FactsFile, Source};
use zhiliang_core::score::{self, IndicatorScore, ScoreSheet};
use zhiliang_core::units::Roster;
use zhiliang_render::{DocumentSet, FontSet, Inputs, RenderOptions, Renderer};

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

pub fn roster() -> &'static Roster {
    static R: OnceLock<Roster> = OnceLock::new();
    R.get_or_init(|| Roster::load(&repo("catalogue/units.toml")).expect("roster"))
}

pub fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| {
        Catalogue::load(&repo("catalogue/indicators.toml"), roster()).expect("catalogue")
    })
}

/// Catalogue, roster and campaign of the example, as one [`Setup`].
pub fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| Setup {
        catalogue: catalogue().clone(),
        roster: roster().clone(),
        campaign: campaign().clone(),
        catalogue_sha256: String::new(),
    })
}

/// The example's setup under another campaign configuration.
pub fn setup_with(campaign: &Campaign) -> Setup {
    Setup {
        campaign: campaign.clone(),
        ..setup().clone()
    }
}

pub fn campaign() -> &'static Campaign {
    static C: OnceLock<Campaign> = OnceLock::new();
    C.get_or_init(|| Campaign::load(&repo("input/campaign.toml")).expect("campaign"))
}

pub fn fonts() -> Arc<FontSet> {
    static F: OnceLock<Arc<FontSet>> = OnceLock::new();
    F.get_or_init(|| Arc::new(FontSet::load_with(&repo("fonts"), false).expect("fonts")))
        .clone()
}

pub fn renderer() -> &'static Renderer {
    static R: OnceLock<Renderer> = OnceLock::new();
    R.get_or_init(|| Renderer::with_fonts(&repo("templates"), fonts()).expect("renderer"))
}

pub fn options() -> RenderOptions {
    RenderOptions::new(campaign().dates.document_date)
}

/// The example facts (examples/zhangqiu/facts.json) merged and scored by zhiliang-core.
pub struct Scored {
    pub facts: Facts,
    pub scores: ScoreSheet,
    pub evidence: Vec<EvidenceItem>,
}

pub fn example() -> &'static Scored {
    static S: OnceLock<Scored> = OnceLock::new();
    S.get_or_init(|| {
        let text =
            std::fs::read_to_string(repo("examples/zhangqiu/facts.json")).expect("facts.json");
        let file: FactsFile = serde_json::from_str(&text).expect("facts.json parses");
        let (facts, _) = zhiliang_core::merge::merge(catalogue(), roster(), &file.submissions);
        let (scores, _) = score::score(catalogue(), &facts, campaign());
        let evidence = evidence_index(&scores);
        Scored {
            facts,
            scores,
            evidence,
        }
    })
}

/// A simple evidence index (`类别-指标-序号`) from the evidence the scores name.
pub fn evidence_index(scores: &ScoreSheet) -> Vec<EvidenceItem> {
    let mut out = Vec::new();
    for s in &scores.indicators {
        let cat = catalogue()
            .categories
            .iter()
            .position(|c| Some(&c.name) == catalogue().indicator(s.id).map(|i| &i.category))
            .unwrap_or(0)
            + 1;
        for (k, name) in s.evidence.iter().enumerate() {
            out.push(EvidenceItem {
                number: format!("{cat}-{}-{}", s.id, k + 1),
                indicator: s.id,
                unit: s
                    .sources
                    .first()
                    .map(|x| x.unit.clone())
                    .unwrap_or_default(),
                name: name.clone(),
                // As the evidence index titles a file: without its extension.
                title: name
                    .rsplit_once('.')
                    .map_or(name.as_str(), |(stem, _)| stem)
                    .to_string(),
                found: k % 7 != 3,
                ..Default::default()
            });
        }
    }
    out
}

/// A hand-made score sheet: indicator n scores `points − (n % 4) × 0.25` (never below
/// 0), with a recognisable 得分依据 `依据N号` per row.
pub fn hand_sheet() -> ScoreSheet {
    let indicators = catalogue()
        .indicators
        .iter()
        .map(|i| {
            let lost = (Decimal::from(i.id % 4) * Decimal::new(25, 2)).min(i.points);
            let score = i.points - lost;
            IndicatorScore {
                id: i.id,
                points: i.points,
                score,
                exact: score,
                lost,
                basis: format!(
                    "依据{}号：按报送数据计得{}分。",
                    i.id,
                    score::display(score)
                ),
                improve: if lost > Decimal::ZERO {
                    format!("补充指标{}的证明材料。", i.id)
                } else {
                    String::new()
                },
                evidence: vec![format!("材料{}.pdf", i.id)],
                sources: vec![Source {
                    unit: i.responsible.first().cloned().unwrap_or_default(),
                    file: "test.xlsx".into(),
                    sheet: "标量数据".into(),
                    cell: Some(Place::Cell(Cell::new(i.id + 2, 3))),
                }],
            }
        })
        .collect();
    score::assemble(catalogue(), indicators)
}

pub fn build(facts: &Facts, scores: &ScoreSheet, evidence: &[EvidenceItem]) -> DocumentSet {
    let inputs = Inputs::new(setup(), facts, scores, evidence, &[]);
    renderer()
        .build_data(&inputs)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The example campaign's inputs under `setup` (see [`setup_with`]).
pub fn example_inputs(setup: &Setup) -> Inputs<'_> {
    let ex = example();
    Inputs::new(setup, &ex.facts, &ex.scores, &ex.evidence, &[])
}

pub fn example_set() -> &'static DocumentSet {
    static S: OnceLock<DocumentSet> = OnceLock::new();
    S.get_or_init(|| {
        let ex = example();
        build(&ex.facts, &ex.scores, &ex.evidence)
    })
}
