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

/// 区住建局's workbook with another figure: a second file of one unit that really differs
/// (a check error; an identical copy would only be a warning).
pub fn zhujian_revised(c: &Campaign) -> Vec<u8> {
    changed_workbook(
        c,
        "zhujian.xlsx",
        "prefab_industry_bases",
        Value::Number(99.into()),
    )
}

/// Rewrites one unit's workbook with one scalar fact changed, the way a unit would send a
/// corrected form.
pub fn change_fact(c: &Campaign, file: &str, key: &str, value: Value) {
    let bytes = changed_workbook(c, file, key, value);
    std::fs::write(c.path(&format!("input/{file}")), bytes).unwrap();
}

/// A PDF written by hand: `objects` numbered from 1 (object 1 the catalogue), a correct
/// xref table, and `trailer_extra` added to the trailer dictionary (e.g. an /Encrypt
/// entry). For hostile and damaged evidence files the tests build byte by byte.
pub fn pdf_from_objects(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
