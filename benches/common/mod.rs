//! What the benchmark programs share.

use anyhow::{Context, Result};
use zhiliang_core::Setup;
use zhiliang_core::facts::Value;

/// 区住建局's workbook (`zhujian.xlsx`) with one numeric fact set to `value`, as the unit
/// would send it back.
pub fn with_fact(setup: &Setup, original: &[u8], key: &str, value: i64) -> Result<Vec<u8>> {
    let outcome =
        zhiliang_workbook::ingest_file("zhujian.xlsx", original, &setup.catalogue, &setup.roster);
    let mut submission = outcome
        .submissions
        .into_iter()
        .next()
        .context("区住建局的报送")?;
    let fact = submission
        .scalars
        .iter_mut()
        .find(|f| f.key == key)
        .context("事实")?;
    fact.value = Value::Number(value.into());
    let unit = setup.roster.by_name(&submission.unit).context("单位")?;
    Ok(zhiliang_workbook::fill_form(setup, unit, &submission)?)
}
