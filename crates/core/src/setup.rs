//! What is fixed for a run: what is asked (the catalogue), by whom (the roster), for which
//! campaign. Loaded once per run (see the binary's `project`), then passed as one value to
//! every stage that needs more than one of the three.

use crate::catalogue::Catalogue;
use crate::config::Campaign;
use crate::units::Roster;

#[derive(Debug, Clone)]
pub struct Setup {
    pub catalogue: Catalogue,
    pub roster: Roster,
    pub campaign: Campaign,
    /// SHA-256 of the catalogue file as read (recorded in every build record: scores are
    /// only comparable under the same catalogue).
    pub catalogue_sha256: String,
}
