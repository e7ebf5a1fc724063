//! Dependencies between core's modules go one way. Each test reads the source of the module
//! that must not depend on the other and checks that no code line (comments aside) names it:
//! a path through it (`facts::`) or a `use` line that imports it by name.
//! (`tests/catalogue.rs` checks the same of the catalogue and the scoring engine.)

use std::path::{Path, PathBuf};

fn src(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(path)
}

/// The `.rs` files at `path`: the file itself, or every file under the folder.
fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files.extend(rust_files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            files.push(p);
        }
    }
    files.sort();
    files
}

/// Every code line of the files at `path` that names the module `module`, as `file:line: text`.
fn lines_naming(path: &str, module: &str) -> Vec<String> {
    let files = rust_files(&src(path));
    assert!(!files.is_empty(), "no source at src/{path}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let is_use = code.starts_with("use ") || code.contains(" use ");
            let imports = is_use
                && code
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|w| w == module);
            if code.contains(&format!("{module}::")) || imports {
                found.push(format!("{}:{}: {line}", file.display(), n + 1));
            }
        }
    }
    found
}

/// The `[[series]]` declarations (`SeriesDef`) are the catalogue's, and `series` reads the
/// catalogue (fact years, declarations) to merge and resolve the reported values: nothing
/// under `src/catalogue/` names `series::`.
#[test]
fn the_catalogue_does_not_depend_on_the_series() {
    let found = lines_naming("catalogue", "series");
    assert!(found.is_empty(), "{found:#?}");
}

/// Facts locate their values with the diagnostics model's `Place`, and
/// `Location::from_source` is defined with `Source` in `facts.rs`: `diagnostics.rs` names
/// no `facts::`.
#[test]
fn the_diagnostics_model_does_not_depend_on_the_facts_model() {
    let found = lines_naming("diagnostics.rs", "facts");
    assert!(found.is_empty(), "{found:#?}");
}

/// Multi-county benchmarks evaluate each efficacy part as the scoring does
/// (`efficacy_value`), and the benchmark an efficacy part is scored with (`with_fixed_end`)
/// is the evaluator's: nothing under `src/score/eval/` names `benchmarks::`.
#[test]
fn the_evaluator_does_not_depend_on_the_benchmarks() {
    let found = lines_naming("score/eval", "benchmarks");
    assert!(found.is_empty(), "{found:#?}");
}

/// The check itself finds what it looks for: the other direction of each pair does name
/// the module.
#[test]
fn the_check_finds_the_dependencies_that_remain() {
    assert!(!lines_naming("series.rs", "catalogue").is_empty());
    assert!(!lines_naming("facts.rs", "diagnostics").is_empty());
    assert!(!lines_naming("score/benchmarks.rs", "eval").is_empty());
}
