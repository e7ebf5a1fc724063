//! The documentation that users rely on stays in step with the code.

use zhiliang_core::diagnostics::Code;

#[test]
fn the_diagnostics_catalogue_lists_every_code_with_its_severity() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    for code in Code::ALL {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", code.as_str())))
            .unwrap_or_else(|| panic!("docs/diagnostics.md has no row for `{code}`"));
        let severity = code.default_severity().label();
        assert!(
            row.contains(&format!("| {severity} |")),
            "`{code}` should be {severity}: {row}"
        );
    }
}

#[test]
fn the_readme_starts_with_the_build_and_test_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let commands: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("cargo "))
        .take(2)
        .map(|l| l.split('#').next().unwrap().trim())
        .collect();
    assert_eq!(
        commands,
        [
            "cargo run --release -- build",
            "cargo test --release --workspace"
        ]
    );
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(
        ci.lines()
            .any(|l| l.trim() == "cargo test --release --workspace"),
        "CI runs the README's test command"
    );
}
