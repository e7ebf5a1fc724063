//! Hostile or unlucky conditions on the output side (issue #10): a wording template
//! linked outside the project, a build killed while writing, a hand-edited PDF, a date no
//! calendar can print, rendering errors in the summary, and a tampered archive.

mod common;

use common::{Campaign, change_fact, stderr, stdout};
use rust_decimal::Decimal;
use std::path::Path;
use zhiliang::output_set::{self, Interruption};
use zhiliang_core::facts::Value;

const DOCS: [&str; 3] = ["申请表.pdf", "自评报告.pdf", "年度质量分析报告.pdf"];
/// The files of one generation, in the order a build commits them.
const SET: [&str; 7] = [
    "申请表.pdf",
    "自评报告.pdf",
    "年度质量分析报告.pdf",
    "证明材料汇编.pdf",
    "校验结果.json",
    "变更报告.txt",
    "生成记录.json",
];

fn read_set(dir: &Path) -> Vec<Vec<u8>> {
    SET.iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap_or_default())
        .collect()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".zhiliang-") && n != ".zhiliang.lock")
        .collect()
}

fn record(c: &Campaign) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(c.path("output/生成记录.json")).unwrap()).unwrap()
}

/// The summary line of a build: "总分 … ；N 个错误，M 个警告；…".
/// N of "N 个警告" in a build summary line.
fn warning_count(line: &str) -> usize {
    let before = line.split(" 个警告").next().unwrap_or_default();
    let digits: String = before
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("{line}"))
}

fn summary_line(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("总分 "))
        .unwrap_or_else(|| panic!("no summary line:\n{out}"))
}

// ---- point 10: dates ----

#[test]
fn an_absurd_document_date_is_a_configuration_error_not_a_crash() {
    let c = Campaign::example();
    let path = c.path("input/campaign.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen(
            "document_date = 2022-07-20",
            "document_date = \"+12345-01-01\"",
            1,
        ),
    )
    .unwrap();
    for command in [&["build", "--quiet"][..], &["check"][..]] {
        let out = c.run(command);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("dates.document_date") && err.contains("超出可接受的范围"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    for doc in DOCS {
        assert!(!c.path(&format!("output/{doc}")).exists());
    }
}

// ---- point 4: wording templates stay inside templates/ ----

#[cfg(unix)]
#[test]
fn a_wording_template_linked_to_a_file_outside_is_refused_and_nothing_leaks() {
    let c = Campaign::example();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("passwd");
    std::fs::write(&secret, "root:x:0:0:外部机密:/root:/bin/bash\n").unwrap();
    let title = c.path("templates/wording/annual/title.j2");
    std::fs::remove_file(&title).unwrap();
    std::os::unix::fs::symlink(&secret, &title).unwrap();

    let out = c.run(&["build", "--quiet"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("annual/title.j2") && text.contains("已拒绝读取"),
        "{text}"
    );
    assert!(!text.contains("外部机密"));
    for doc in DOCS {
        assert!(!c.path(&format!("output/{doc}")).exists(), "{doc} written");
    }
    for file in ["生成记录.json", "校验结果.json"] {
        let bytes = std::fs::read(c.path(&format!("output/{file}"))).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("外部机密"),
            "{file}"
        );
    }
    // ---- point 15: the summary counts the rendering error ----
    let line = summary_line(&text);
    assert!(!line.contains("；0 个错误"), "{line}");
    assert!(line.contains("；1 个错误"), "{line}");
    assert_eq!(record(&c)["summary"]["errors"], 1);
}

// ---- point 15: rendering errors are counted ----

#[test]
fn the_summary_counts_template_errors() {
    let c = Campaign::example();
    let path = c.path("templates/self-evaluation.typ");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text + "\n#let broken = (1, 2\n").unwrap();
    let out = c.run(&["build", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("template-error"), "{text}");
    let errors = record(&c)["summary"]["errors"].as_u64().unwrap();
    assert!(errors >= 1);
    let line = summary_line(&text);
    assert!(line.contains(&format!("；{errors} 个错误")), "{line}");
    assert!(text.contains("排版发现"), "{text}");
}

// ---- point 8: the output folder holds one generation ----

/// The output set of the example campaign after `zhujian.xlsx` reports a new value, built
/// in a second copy (what the interrupted build was writing).
fn next_generation() -> Vec<(String, Vec<u8>)> {
    let other = Campaign::example();
    change_fact(
        &other,
        "zhujian.xlsx",
        "prefab_industry_bases",
        Value::Number(Decimal::from(1)),
    );
    let built = other.run(&["build", "--quiet"]);
    assert!(built.status.success(), "{}", stdout(&built));
    SET.iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(other.path(&format!("output/{f}"))).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_build_killed_between_renames_is_completed_by_the_next_run() {
    let c = Campaign::example();
    assert!(c.run(&["build", "--quiet"]).status.success());
    let old = read_set(&c.path("output"));
    let new = next_generation();
    // The unit's corrected workbook arrives, and the build that reads it is killed after
    // moving two of its six files into place.
    change_fact(
        &c,
        "zhujian.xlsx",
        "prefab_industry_bases",
        Value::Number(Decimal::from(1)),
    );
    let files: Vec<(&str, &[u8])> = new
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let out = c.path("output");
    assert!(
        output_set::commit_interrupted(&out, &files, Some(Interruption::AfterRenames(2))).is_err()
    );
    let torn = read_set(&out);
    let new_bytes: Vec<Vec<u8>> = new.iter().map(|(_, b)| b.clone()).collect();
    assert!(torn != old && torn != new_bytes, "the folder holds a mix");
    assert!(
        !leftovers(&out).is_empty(),
        "journal and temporaries remain"
    );

    // The next run (here `archive`, which reads the set) completes the interrupted one:
    // the record vouches for every file again and the archive succeeds.
    let archived = c.run(&["archive"]);
    assert!(archived.status.success(), "{}", stderr(&archived));
    assert!(read_set(&out) == new_bytes, "the new generation, whole");
    assert_eq!(leftovers(&out), Vec::<String>::new());

    // And a build finds the set complete and consistent: nothing to rewrite, no warning.
    let rebuilt = c.run(&["build", "--quiet"]);
    assert!(rebuilt.status.success(), "{}", stdout(&rebuilt));
    let text = stdout(&rebuilt);
    assert!(text.contains("与上次生成相比无变化"), "{text}");
    assert!(!text.contains("output-mismatch"), "{text}");
    assert!(text.contains("写出 0 个文件（4 个内容未变）"), "{text}");
}

#[test]
fn a_build_killed_before_its_journal_leaves_the_previous_set_and_no_temporaries() {
    let c = Campaign::example();
    assert!(c.run(&["build", "--quiet"]).status.success());
    let out = c.path("output");
    let old = read_set(&out);
    let new = next_generation();
    let files: Vec<(&str, &[u8])> = new
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    assert!(
        output_set::commit_interrupted(&out, &files, Some(Interruption::AfterStaging(3))).is_err()
    );
    assert!(read_set(&out) == old, "nothing was replaced yet");
    // A stale temporary of some other crash, too.
    std::fs::write(out.join(".zhiliang-AbC123.tmp"), b"%PDF-1.7 half").unwrap();
    assert_eq!(leftovers(&out).len(), 4);

    let rebuilt = c.run(&["build", "--quiet"]);
    assert!(rebuilt.status.success(), "{}", stdout(&rebuilt));
    let text = stdout(&rebuilt);
    assert!(
        text.contains("已删除上次中断的写出留下的 4 个临时文件"),
        "{text}"
    );
    assert_eq!(leftovers(&out), Vec::<String>::new());
    assert!(read_set(&out)[..3] == old[..3], "the inputs did not change");
}

#[test]
fn a_pdf_edited_by_hand_is_reported_and_replaced() {
    let c = Campaign::example();
    let first = c.run(&["build", "--quiet"]);
    assert!(first.status.success());
    let warnings_before = warning_count(summary_line(&stdout(&first)));
    let pdf = c.path("output/自评报告.pdf");
    let original = std::fs::read(&pdf).unwrap();
    let mut edited = original.clone();
    let mid = edited.len() / 2;
    edited[mid] ^= 0x20;
    std::fs::write(&pdf, &edited).unwrap();

    let out = c.run(&["build", "--quiet"]);
    assert!(out.status.success(), "a warning, not an error");
    let text = stdout(&out);
    assert!(
        text.contains("output-mismatch")
            && text.contains("自评报告.pdf 与生成记录不符")
            && text.contains("已重新写出"),
        "{text}"
    );
    assert!(std::fs::read(&pdf).unwrap() == original, "rewritten");
    let line = summary_line(&text);
    assert_eq!(
        warning_count(line),
        warnings_before + 1,
        "one more warning: {line}"
    );

    // With the build refused (a check error), the edited file stays: say not to use it.
    std::fs::write(&pdf, &edited).unwrap();
    let revised = common::zhujian_revised(&c);
    std::fs::write(c.path("input/zhujian-副本.xlsx"), revised).unwrap();
    let refused = c.run(&["build", "--quiet"]);
    assert_eq!(refused.status.code(), Some(1));
    let text = stdout(&refused);
    assert!(
        text.contains("自评报告.pdf 与生成记录不符") && text.contains("请勿打印或归档"),
        "{text}"
    );
}

// ---- point 9: the archive's manifest is anchored in the register and on paper ----

/// Builds and archives the example; returns the archive folder and the manifest hash the
/// paper form shows.
fn archived(c: &Campaign) -> (std::path::PathBuf, String) {
    assert!(c.run(&["build", "--quiet"]).status.success());
    let out = c.run(&["archive"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let folder = std::fs::read_dir(c.path("archive"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("archive folder");
    let manifest = std::fs::read(folder.join("manifest.json")).unwrap();
    let hash = zhiliang::fsutil::sha256_hex(&manifest);
    assert!(stdout(&out).contains(&hash), "{}", stdout(&out));
    (folder, hash)
}

fn verify(c: &Campaign, folder: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["verify", folder.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = c.run(&args);
    (out.status.code(), stdout(&out) + &stderr(&out))
}

fn edit_manifest(folder: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = folder.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut m);
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

#[test]
fn archive_writes_a_one_page_register_form_and_a_chained_register() {
    let c = Campaign::example();
    let (folder, hash) = archived(&c);
    let form = std::fs::read(folder.join("归档登记表.pdf")).unwrap();
    assert!(form.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&form).expect("a valid PDF");
    assert_eq!(doc.get_pages().len(), 1, "one page to sign");
    let text = {
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        doc.extract_text(&pages).unwrap_or_default()
    };
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        compact.contains(&hash),
        "the manifest hash is printed:\n{text}"
    );
    assert!(compact.contains("申请表.pdf"), "{text}");
    let register = std::fs::read_to_string(c.path("archive/登记簿")).unwrap();
    assert!(register.contains(&hash), "{register}");

    let (code, out) = verify(&c, &folder, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("与登记簿第 1 条一致"), "{out}");
    // The hash typed from the paper copy, with its spaces.
    let typed: Vec<String> = hash
        .as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect();
    let (code, out) = verify(&c, &folder, &["--expect", &typed.join(" ")]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("与纸质归档登记表一致"), "{out}");
    // Differs in the last digit whatever that digit is (the hash varies with the time of archiving).
    let last = if hash.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &hash[..63]);
    let (code, out) = verify(&c, &folder, &["--expect", &wrong]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("纸质归档登记表上的是"), "{out}");
    let (code, out) = verify(&c, &folder, &["--expect", "12345"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("64 位十六进制"), "{out}");

    // A second archive is entry 2, chained to the first.
    assert!(c.run(&["archive"]).status.success());
    let register = std::fs::read_to_string(c.path("archive/登记簿")).unwrap();
    let entries: Vec<&str> = register.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(entries.len(), 2);
    let first_hash = entries[0].split('\t').next_back().unwrap();
    assert_eq!(entries[1].split('\t').nth(5), Some(first_hash));
    let second = entries[1].split('\t').nth(1).unwrap();
    let form = std::fs::read(c.path(&format!("archive/{second}/归档登记表.pdf"))).unwrap();
    let doc = lopdf::Document::load_mem(&form).unwrap();
    assert_eq!(
        doc.get_pages().len(),
        1,
        "still one page with the previous entry's hash"
    );
}

#[test]
fn a_tampered_pdf_with_its_hash_updated_in_the_manifest_is_caught() {
    let c = Campaign::example();
    let (folder, hash) = archived(&c);
    let pdf = folder.join("output/申请表.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&pdf, &bytes).unwrap();
    let (sha, size) = zhiliang::fsutil::sha256_file(&pdf).unwrap();
    edit_manifest(&folder, |m| {
        for f in m["files"].as_array_mut().unwrap() {
            if f["path"] == "output/申请表.pdf" {
                f["sha256"] = sha.clone().into();
                f["size"] = size.into();
            }
        }
    });
    let (code, out) = verify(&c, &folder, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("清单已被改动") && out.contains("登记簿第 1 条"),
        "{out}"
    );
    let (code, out) = verify(&c, &folder, &["--expect", &hash]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("纸质归档登记表上的是"), "{out}");

    // Rewriting the register line too breaks its chain.
    let register = c.path("archive/登记簿");
    let text = std::fs::read_to_string(&register).unwrap();
    let forged =
        zhiliang::fsutil::sha256_hex(&std::fs::read(folder.join("manifest.json")).unwrap());
    std::fs::write(&register, text.replace(&hash, &forged)).unwrap();
    let (code, out) = verify(&c, &folder, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("登记簿已被改动"), "{out}");
    // And the paper copy still tells.
    let (code, out) = verify(&c, &folder, &["--expect", &hash]);
    assert_eq!(code, Some(1), "{out}");
}

#[test]
fn a_manifest_whose_total_was_edited_is_caught() {
    let c = Campaign::example();
    let (folder, _) = archived(&c);
    edit_manifest(&folder, |m| m["total"] = "100".into());
    let (code, out) = verify(&c, &folder, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("清单已被改动"), "{out}");
    assert!(!out.contains("归档完好"), "{out}");
}

#[test]
fn an_empty_file_list_is_refused() {
    let c = Campaign::example();
    let (folder, _) = archived(&c);
    edit_manifest(&folder, |m| m["files"] = serde_json::json!([]));
    for dir in ["output", "input"] {
        std::fs::remove_dir_all(folder.join(dir)).unwrap();
    }
    // Even with the register out of the way (moved to a USB stick without it).
    std::fs::remove_file(c.path("archive/登记簿")).unwrap();
    let (code, out) = verify(&c, &folder, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("清单中没有任何文件"), "{out}");
    assert!(out.contains("找不到登记簿"), "{out}");
}

#[test]
fn manifest_entries_outside_the_archive_are_refused_without_being_opened() {
    let c = Campaign::example();
    let (folder, _) = archived(&c);
    // A file that exists outside the archive, listed with its true hash and size: if it
    // were hashed, it would pass; whether it exists must not show either.
    let outside = c.path("outside.txt");
    std::fs::write(&outside, "不应被读取").unwrap();
    let (sha, size) = zhiliang::fsutil::sha256_file(&outside).unwrap();
    let existing = "../../outside.txt".to_string();
    let absolute = outside.to_str().unwrap().to_string();
    edit_manifest(&folder, |m| {
        let files = m["files"].as_array_mut().unwrap();
        for path in [
            &existing,
            &absolute,
            &"../../no-such-file".to_string(),
            &"/etc/passwd".to_string(),
        ] {
            files.push(serde_json::json!({"path": path, "sha256": sha, "size": size}));
        }
    });
    let (code, out) = verify(&c, &folder, &[]);
    assert_eq!(code, Some(1), "{out}");
    for path in [
        existing.as_str(),
        absolute.as_str(),
        "../../no-such-file",
        "/etc/passwd",
    ] {
        assert!(
            out.contains(&format!(
                "清单条目指向归档目录之外，已拒绝核对（未读取该文件）：{path}"
            )),
            "{path}: {out}"
        );
    }
    assert!(!out.contains("已缺失：../../no-such-file"), "{out}");
    assert!(!out.contains("已缺失：/etc/passwd"), "{out}");
}
