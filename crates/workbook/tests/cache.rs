//! The ingest cache re-parses exactly the files whose bytes changed, and gives the same
//! report as an uncached read.

mod common;

use common::{Setup, example_submission, repo};
use rust_decimal::Decimal;
use zhiliang_core::facts::Value;
use zhiliang_workbook::{IngestCache, fill_form, ingest, ingest_cached};

#[test]
fn only_the_changed_workbook_is_parsed_again() {
    let setup = Setup::load();
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo("input")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xlsx") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let mut cache = IngestCache::default();
    let first = ingest_cached(dir.path(), &setup, &mut cache);
    assert_eq!(cache.parsed.len(), 15, "a cold cache parses every workbook");

    let second = ingest_cached(dir.path(), &setup, &mut cache);
    assert!(
        cache.parsed.is_empty(),
        "nothing changed: {:?}",
        cache.parsed
    );
    assert_eq!(first, second);

    // 区住建局 corrects one number.
    let mut submission = example_submission("区住建局");
    let fact = submission
        .scalars
        .iter_mut()
        .find(|f| f.key == "prefab_industry_bases")
        .unwrap();
    fact.value = Value::Number(Decimal::from(7));
    let unit = setup.unit("区住建局");
    let bytes = fill_form(&setup, unit, &submission).unwrap();
    std::fs::write(dir.path().join("zhujian.xlsx"), bytes).unwrap();
    // …and 区统计局's file is withdrawn.
    std::fs::remove_file(dir.path().join("tongji.xlsx")).unwrap();

    let third = ingest_cached(dir.path(), &setup, &mut cache);
    assert_eq!(cache.parsed, vec!["zhujian.xlsx".to_string()]);
    assert_eq!(third, ingest(dir.path(), &setup), "cache changes nothing");
    let zhujian = third
        .submissions
        .iter()
        .find(|s| s.unit == "区住建局")
        .unwrap();
    let bases = zhujian
        .scalars
        .iter()
        .find(|f| f.key == "prefab_industry_bases")
        .unwrap();
    assert_eq!(bases.value, Value::Number(Decimal::from(7)));
    assert!(third.submissions.iter().all(|s| s.unit != "区统计局"));
}
