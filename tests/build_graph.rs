//! The README's two commands share one compiled dependency graph: `cargo test --release
//! --workspace` right after `cargo run --release` must not compile Typst again. That holds
//! when every crate of the program's graph gets the same features in the test graph (the
//! dev-dependencies must not switch on new features of shared crates; see the feature
//! alignment block in Cargo.toml).

use std::collections::BTreeMap;
use std::process::Command;

/// `name version` → the features cargo resolves for it, per `cargo tree`.
fn resolved_features(args: &[&str]) -> BTreeMap<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "--offline", "--prefix", "none", "-f", "{p}|{f}"])
        .args(args)
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let line = line.trim_end_matches(" (*)");
            let (package, features) = line.split_once('|')?;
            // "name v1.2.3 (/path)" → "name v1.2.3"; proc-macro markers dropped too.
            let package: String = package.split(' ').take(2).collect::<Vec<_>>().join(" ");
            Some((package, features.trim_end_matches(" (*)").to_string()))
        })
        .collect()
}

#[test]
fn the_test_command_reuses_every_crate_the_run_command_compiled() {
    let run = resolved_features(&["-p", "zhiliang", "-e", "normal,build"]);
    let test = resolved_features(&["--workspace", "-e", "normal,build,dev"]);
    assert!(
        run.len() > 100,
        "cargo tree listed the program's graph: {}",
        run.len()
    );
    let differing: Vec<String> = run
        .iter()
        .filter(|(package, features)| test.get(*package) != Some(features))
        .map(|(package, features)| {
            format!(
                "{package}: run [{features}] test [{}]",
                test.get(package).map_or("-", |f| f)
            )
        })
        .collect();
    assert!(
        differing.is_empty(),
        "the test build would recompile these crates (and all that depend on them):\n{}",
        differing.join("\n")
    );
}
