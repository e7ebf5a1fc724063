//! Where things live in a campaign folder, and loading the three configuration files.
//!
//! ```text
//! catalogue/indicators.toml   任务分解表 (43 indicators, rules)      — provincial, shared
//! catalogue/units.toml        附件1 专班名单 and unit aliases
//! input/campaign.toml         this campaign: district, dates, benchmarks, 申请表 particulars
//! input/*.xlsx|xls|ods        returned workbooks (any file name; the cover sheet names the unit)
//! input/evidence/<unit-id>/   证明材料 files
//! templates/                  Typst templates and wording templates
//! fonts/                      open fonts shipped with the project (official fonts may be added)
//! output/                     PDFs, build record, change report
//! archive/                    archived printed sets
//! ```

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

use crate::fsutil::sha256_hex;
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::units::Roster;

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub input: PathBuf,
    pub output: PathBuf,
    pub archive: PathBuf,
    pub catalogue_file: PathBuf,
    pub units_file: PathBuf,
    pub campaign_file: PathBuf,
    pub templates: PathBuf,
    pub fonts: PathBuf,
}

impl Project {
    /// The standard layout under `root`, with the input and output folders overridable.
    pub fn new(root: &Path, input: Option<&Path>, output: Option<&Path>) -> Project {
        let input = input.map_or_else(|| root.join("input"), Path::to_path_buf);
        Project {
            root: root.to_path_buf(),
            output: output.map_or_else(|| root.join("output"), Path::to_path_buf),
            archive: root.join("archive"),
            catalogue_file: root.join("catalogue").join("indicators.toml"),
            units_file: root.join("catalogue").join("units.toml"),
            campaign_file: input.join("campaign.toml"),
            templates: root.join("templates"),
            fonts: root.join("fonts"),
            input,
        }
    }

    /// Loads and validates roster, catalogue and campaign configuration.
    pub fn load(&self) -> Result<Setup> {
        let roster = Roster::load(&self.units_file)?;
        let catalogue_bytes = std::fs::read(&self.catalogue_file)
            .with_context(|| format!("无法读取任务分解表 {}", self.catalogue_file.display()))?;
        let catalogue = Catalogue::load(&self.catalogue_file, &roster)?;
        let campaign = Campaign::load(&self.campaign_file)?;
        Ok(Setup {
            catalogue,
            roster,
            campaign,
            catalogue_sha256: sha256_hex(&catalogue_bytes),
        })
    }

    /// The configuration files, as project-relative paths (recorded as build inputs).
    pub fn config_files(&self) -> Vec<PathBuf> {
        vec![
            self.catalogue_file.clone(),
            self.units_file.clone(),
            self.campaign_file.clone(),
        ]
    }
}

pub use zhiliang_core::Setup;
