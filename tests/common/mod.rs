//! The one integration-test harness: a throw-away copy of the example campaign (catalogue,
//! templates, input; fonts linked, not copied) and a way to run the real binary in it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use zhiliang::project::Project;
use zhiliang_core::facts::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary project folder laid out like the repository, with the example campaign.
pub struct Campaign {
    pub dir: tempfile::TempDir,
}

impl Campaign {
    pub fn example() -> Campaign {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = repo();
        for sub in ["catalogue", "templates", "input"] {
            copy_dir(&repo.join(sub), &dir.path().join(sub));
        }
        link_or_copy(&repo.join("fonts"), &dir.path().join("fonts"));
        Campaign { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs `zhiliang --root <campaign> args…`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_zhiliang"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .expect("run zhiliang")
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    zhiliang::fsutil::copy_tree(from, to).expect("copy");
}

fn link_or_copy(from: &Path, to: &Path) {
    #[cfg(unix)]
    {
        if std::os::unix::fs::symlink(from, to).is_ok() {
            return;
        }
    }
    copy_dir(from, to);
}

/// One unit's workbook with one scalar fact changed, as the unit would send it back.
pub fn changed_workbook(c: &Campaign, file: &str, key: &str, value: Value) -> Vec<u8> {
    let project = Project::new(c.root(), None, None);
    let setup = project.load().expect("setup");
    let bytes = std::fs::read(c.path(&format!("input/{file}"))).unwrap();
    let outcome = zhiliang_workbook::ingest_file(file, &bytes, &setup.catalogue, &setup.roster);
    let mut submission = outcome
        .submissions
        .into_iter()
        .next()
        .expect("one submission");
    let fact = submission
        .scalars
        .iter_mut()
        .find(|f| f.key == key)
        .expect("fact present");
    fact.value = value;
    let unit = setup.roster.by_name(&submission.unit).unwrap().clone();
    zhiliang_workbook::fill_form(&setup, &unit, &submission).unwrap()
}

/// Rewrites one unit's workbook with one scalar fact changed, the way a unit would send a
/// corrected form.
pub fn change_fact(c: &Campaign, file: &str, key: &str, value: Value) {
    let bytes = changed_workbook(c, file, key, value);
    std::fs::write(c.path(&format!("input/{file}")), bytes).unwrap();
}
