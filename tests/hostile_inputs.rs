//! Hostile and unlucky inputs against the real binary: every workbook is read in an
//! isolated worker with hard limits, so a file built to exhaust memory ends as a
//! diagnostic while every other workbook is still read; `build` judges the files `check`
//! judges; control characters never reach the terminal raw.
//!
//! The hostile files are generated here (a BIFF8 `.xls` is written byte by byte).

mod common;

use common::{Campaign, stderr, stdout};
use std::process::Output;
use zhiliang::project::Project;

/// The diagnostics `check --json` prints.
fn check_json(c: &Campaign) -> (Output, Vec<serde_json::Value>) {
    let out = c.run(&["check", "--json"]);
    let diags: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", stdout(&out), stderr(&out)));
    (out, diags)
}

fn of_file<'a>(diags: &'a [serde_json::Value], file: &str) -> Vec<&'a serde_json::Value> {
    diags
        .iter()
        .filter(|d| d["location"]["file"] == file)
        .collect()
}

/// A minimal BIFF8 workbook in an OLE compound file, written by hand: one worksheet
/// "Sheet1" whose DIMENSIONS record declares `dims` = (first row, last row + 1, first col,
/// last col + 1) and which holds NUMBER cells at (row, col). calamine reserves what
/// DIMENSIONS declares and allocates a dense range reaching the farthest cell.
fn xls(dims: (u32, u32, u16, u16), cells: &[(u16, u16, f64)]) -> Vec<u8> {
    fn rec(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend(typ.to_le_bytes());
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
    }
    let bof = |dt: u16| {
        let mut d = vec![0u8; 16];
        d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        d[2..4].copy_from_slice(&dt.to_le_bytes());
        d
    };
    // Globals: BOF, BOUNDSHEET (offset patched below), EOF.
    let mut stream = Vec::new();
    rec(&mut stream, 0x0809, &bof(0x0005));
    let name = b"Sheet1";
    let mut sheet = vec![0u8; 4];
    sheet.extend([0u8, 0u8, name.len() as u8, 0u8]);
    sheet.extend(name);
    let boundsheet_at = stream.len() + 4;
    rec(&mut stream, 0x0085, &sheet);
    rec(&mut stream, 0x000A, &[]);
    let sheet_at = stream.len() as u32;
    stream[boundsheet_at..boundsheet_at + 4].copy_from_slice(&sheet_at.to_le_bytes());
    // The worksheet.
    rec(&mut stream, 0x0809, &bof(0x0010));
    let mut d = Vec::new();
    d.extend(dims.0.to_le_bytes());
    d.extend(dims.1.to_le_bytes());
    d.extend(dims.2.to_le_bytes());
    d.extend(dims.3.to_le_bytes());
    d.extend([0u8, 0u8]);
    rec(&mut stream, 0x0200, &d);
    for (r, c, v) in cells {
        let mut n = Vec::new();
        n.extend(r.to_le_bytes());
        n.extend(c.to_le_bytes());
        n.extend(0u16.to_le_bytes());
        n.extend(v.to_le_bytes());
        rec(&mut stream, 0x0203, &n);
    }
    rec(&mut stream, 0x000A, &[]);
    let len = stream.len();
    // Streams under 4096 bytes live in the mini stream; pad to keep to plain sectors.
    stream.resize(len.max(4096).div_ceil(512) * 512, 0);
    let n_sectors = stream.len() / 512;

    // Compound file: header, sector 0 = FAT, sector 1 = directory, 2.. = Workbook.
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut file = vec![0u8; 512];
    file[0..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    file[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    file[26..28].copy_from_slice(&3u16.to_le_bytes());
    file[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    file[30..32].copy_from_slice(&9u16.to_le_bytes());
    file[32..34].copy_from_slice(&6u16.to_le_bytes());
    file[44..48].copy_from_slice(&1u32.to_le_bytes()); // FAT sectors
    file[48..52].copy_from_slice(&1u32.to_le_bytes()); // first directory sector
    file[56..60].copy_from_slice(&4096u32.to_le_bytes());
    file[60..64].copy_from_slice(&END.to_le_bytes()); // no mini FAT
    file[68..72].copy_from_slice(&END.to_le_bytes()); // no DIFAT sectors
    for i in 0..109 {
        let v = if i == 0 { 0 } else { FREE };
        file[76 + i * 4..80 + i * 4].copy_from_slice(&v.to_le_bytes());
    }
    let mut fat = vec![0xFFFF_FFFDu32, END];
    for i in 0..n_sectors {
        fat.push(if i + 1 == n_sectors {
            END
        } else {
            (i + 3) as u32
        });
    }
    fat.resize(128, FREE);
    for v in fat {
        file.extend(v.to_le_bytes());
    }
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        e[..units.len()].copy_from_slice(&units);
        e[64..66].copy_from_slice(&(units.len() as u16).to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    file.extend(entry("Root Entry", 5, 1, END, 0));
    file.extend(entry("Workbook", 2, FREE, 2, stream.len() as u32));
    file.extend(vec![0u8; 256]);
    file.extend(stream);
    file
}

#[test]
fn the_hand_made_xls_is_a_workbook_calamine_reads() {
    // The generator itself: a sane .xls reads back its cell (so the hostile variants below
    // fail because of what they declare, not because the container is broken).
    let bytes = xls((0, 3, 0, 2), &[(2, 1, 42.0)]);
    let book = zhiliang_workbook::ingest::read::read_book(&bytes).expect("readable");
    assert_eq!(book.sheets[0].name, "Sheet1");
    assert_eq!(
        book.sheets[0].get(2, 1),
        Some(&zhiliang_workbook::ingest::read::Raw::Number {
            value: 42.0,
            percent: false
        })
    );
}

#[test]
fn an_xls_that_exhausts_memory_is_a_diagnostic_and_every_other_workbook_is_read() {
    let c = Campaign::example();
    // 5.6 KB that makes calamine reserve terabytes for the declared dimensions.
    std::fs::write(
        c.path("input/absurd.xls"),
        xls((0, 0x0FFF_FFFF, 0, 256), &[(0, 0, 1.0)]),
    )
    .unwrap();
    // A legal .xls with one cell at IV65536: a dense range of 16.7 million cells.
    std::fs::write(
        c.path("input/far.xls"),
        xls((0, 65536, 0, 256), &[(0, 0, 1.0), (65535, 255, 2.0)]),
    )
    .unwrap();
    let (out, diags) = check_json(&c);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let absurd = of_file(&diags, "absurd.xls");
    assert_eq!(absurd.len(), 1, "{absurd:#?}");
    assert_eq!(absurd[0]["code"], "unreadable-workbook");
    assert_eq!(absurd[0]["value"], "读取时超出内存限制");
    assert!(
        absurd[0]["message"]
            .as_str()
            .unwrap()
            .contains("读取时超出内存限制")
    );
    let far = of_file(&diags, "far.xls");
    assert_eq!(far.len(), 1, "{far:#?}");
    assert!(
        far[0]["code"] == "unreadable-workbook" || far[0]["code"] == "file-too-large",
        "{far:#?}"
    );
    // Every unit's own workbook was still read.
    assert!(
        !diags.iter().any(|d| d["code"] == "missing-submission"),
        "{diags:#?}"
    );
    // `build` survives the same files (refused because of the errors, not aborted).
    let built = c.run(&["build", "--quiet"]);
    assert_eq!(built.status.code(), Some(1), "{}", stderr(&built));
    assert!(stdout(&built).contains("读取时超出内存限制"));
}

#[test]
fn the_worker_subcommand_is_hidden_and_refuses_to_write_files() {
    let c = Campaign::example();
    let help = c.run(&["--help"]);
    assert!(!stdout(&help).contains("read-worker"), "{}", stdout(&help));
    // The worker answers on stdout: each workbook (length-prefixed) comes back as one
    // JSON line.
    let bytes = std::fs::read(c.path("input/zhujian.xlsx")).unwrap();
    let mut framed = Vec::new();
    for _ in 0..2 {
        framed.extend((bytes.len() as u64).to_le_bytes());
        framed.extend(&bytes);
    }
    std::fs::write(c.path("framed.bin"), &framed).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zhiliang"))
        .args(["read-worker", "--memory", "268435456", "--cpu", "5"])
        .stdin(std::fs::File::open(c.path("framed.bin")).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<&[u8]> = out
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 2);
    let answer: serde_json::Value = serde_json::from_slice(lines[0]).unwrap();
    assert!(answer["Ok"]["sheets"].as_array().unwrap().len() > 3);
    // With its limits set, the worker cannot create a file of any size: told to answer
    // into a file, it is stopped at its first byte.
    let sh = format!(
        "exec {} read-worker --memory 268435456 --cpu 5 < {} > {}",
        env!("CARGO_BIN_EXE_zhiliang"),
        c.path("framed.bin").display(),
        c.path("leak.json").display()
    );
    let status = std::process::Command::new("sh")
        .args(["-c", &sh])
        .status()
        .unwrap();
    assert!(!status.success());
    assert_eq!(std::fs::metadata(c.path("leak.json")).unwrap().len(), 0);
}

#[cfg(unix)]
#[test]
fn build_judges_a_gbk_named_workbook_as_check_does() {
    use std::os::unix::ffi::OsStrExt;
    let c = Campaign::example();
    // "住建局.xlsx" in GBK, as unzipping a Windows-made zip on Linux leaves it.
    let gbk: &[u8] = b"\xd7\xa1\xbd\xa8\xbe\xd6.xlsx";
    let name = std::ffi::OsStr::from_bytes(gbk);
    std::fs::rename(c.path("input/zhujian.xlsx"), c.path("input").join(name)).unwrap();
    let check = c.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let build = c.run(&["build", "--quiet"]);
    assert_eq!(
        build.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&build),
        stderr(&build)
    );
    // The record hashes the bytes that were read, under the (lossy) name it shows.
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.path("output/生成记录.json")).unwrap()).unwrap();
    let entry = record["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["unit"] == "区住建局")
        .expect("区住建局's workbook in the record");
    let bytes = std::fs::read(c.path("input").join(name)).unwrap();
    assert_eq!(entry["sha256"], zhiliang::fsutil::sha256_hex(&bytes));
}

#[cfg(unix)]
#[test]
fn a_symlinked_workbook_is_reported_not_ignored() {
    let c = Campaign::example();
    std::fs::rename(c.path("input/zhujian.xlsx"), c.path("zhujian.xlsx")).unwrap();
    std::os::unix::fs::symlink(c.path("zhujian.xlsx"), c.path("input/zhujian.xlsx")).unwrap();
    let (out, diags) = check_json(&c);
    assert_eq!(out.status.code(), Some(1));
    let link = of_file(&diags, "zhujian.xlsx");
    assert_eq!(link.len(), 1, "{link:#?}");
    assert_eq!(link[0]["code"], "unreadable-file");
    assert!(link[0]["message"].as_str().unwrap().contains("符号链接"));
}

/// One unit's workbook with a narrative and a scalar text replaced, as the unit sends it.
fn with_texts(c: &Campaign, file: &str, narrative: &str) {
    let project = Project::new(c.root(), None, None);
    let setup = project.load().unwrap();
    let bytes = std::fs::read(c.path(&format!("input/{file}"))).unwrap();
    let outcome = zhiliang_workbook::ingest_file(file, &bytes, &setup.catalogue, &setup.roster);
    let mut sub = outcome.submissions.into_iter().next().unwrap();
    let id = *sub.narratives.keys().next().expect("a narrative");
    sub.narratives.insert(id, narrative.to_string());
    let unit = setup.roster.by_name(&sub.unit).unwrap().clone();
    let filled = zhiliang_workbook::fill_form(&setup, &unit, &sub).unwrap();
    std::fs::write(c.path(&format!("input/{file}")), filled).unwrap();
}

#[test]
fn control_characters_in_a_cell_are_a_warning_at_the_cell_and_never_reach_typst_or_the_terminal() {
    let c = Campaign::example();
    with_texts(
        &c,
        "zhujian.xlsx",
        "我局开展质量提升行动\u{7}\u{0}\u{1b}[2J\u{1b}[H校验通过",
    );
    // A file name with an escape sequence in it, too.
    std::fs::write(c.path("input/\u{1b}[2J假.xlsx"), b"").unwrap();
    let (_, diags) = check_json(&c);
    let ctl: Vec<_> = diags
        .iter()
        .filter(|d| d["code"] == "control-characters")
        .collect();
    assert_eq!(ctl.len(), 1, "{ctl:#?}");
    assert_eq!(ctl[0]["location"]["file"], "zhujian.xlsx");
    assert_eq!(ctl[0]["severity"], "warning");
    assert!(
        ctl[0]["location"]["cell"]
            .as_str()
            .unwrap()
            .starts_with('E')
    );
    let msg = ctl[0]["message"].as_str().unwrap();
    assert!(msg.contains("U+0007") && msg.contains("U+001B"), "{msg}");
    assert_eq!(ctl[0]["value"], "我局开展质量提升行动[2J[H校验通过");

    let text = c.run(&["check"]);
    let out = stdout(&text);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("\\u{1b}[2J假.xlsx"), "{out}");

    // The draft renders: the cell's text arrives without the control characters.
    std::fs::remove_file(c.path("input/\u{1b}[2J假.xlsx")).unwrap();
    let built = c.run(&["build", "--quiet"]);
    assert!(built.status.success(), "{}", stdout(&built));
    assert!(!stdout(&built).contains("template-error"));
    let changes = std::fs::read_to_string(c.path("output/变更报告.txt")).unwrap();
    assert!(!changes.contains('\u{1b}'));
}

#[test]
fn check_json_summarises_repeated_problems_of_a_sheet_after_twenty() {
    use zhiliang_core::facts::{Record, Value};
    let c = Campaign::example();
    let project = Project::new(c.root(), None, None);
    let setup = project.load().unwrap();
    let bytes = std::fs::read(c.path("input/shichangjianguan.xlsx")).unwrap();
    let outcome = zhiliang_workbook::ingest_file(
        "shichangjianguan.xlsx",
        &bytes,
        &setup.catalogue,
        &setup.roster,
    );
    let mut sub = outcome.submissions.into_iter().next().unwrap();
    sub.records.retain(|r| r.list != "culture_activities");
    for i in 0..500 {
        let mut fields = std::collections::BTreeMap::new();
        fields.insert("name".to_string(), Value::Text(format!("活动{i}")));
        fields.insert("type".to_string(), Value::Text("庙会".to_string()));
        fields.insert("date".to_string(), Value::Text("去年春天".to_string()));
        sub.records.push(Record {
            list: "culture_activities".to_string(),
            fields,
            evidence: None,
            source: Default::default(),
        });
    }
    let unit = setup.roster.by_name(&sub.unit).unwrap().clone();
    let filled = zhiliang_workbook::fill_form(&setup, &unit, &sub).unwrap();
    std::fs::write(c.path("input/shichangjianguan.xlsx"), filled).unwrap();
    let (out, diags) = check_json(&c);
    assert_eq!(out.status.code(), Some(1));
    // Every row: a choice not on the list, a date that is not a date, no evidence.
    for code in ["invalid-choice", "invalid-date", "missing-evidence"] {
        let mine: Vec<_> = diags
            .iter()
            .filter(|d| d["code"] == code && d["location"]["sheet"] == "质量文化活动")
            .collect();
        assert_eq!(mine.len(), 21, "{code}: {mine:#?}");
        let rest: Vec<_> = mine
            .iter()
            .filter(|d| d["location"]["cell"].is_null())
            .collect();
        assert_eq!(rest.len(), 1);
        assert!(
            rest[0]["message"]
                .as_str()
                .unwrap()
                .contains("另有480行同类问题"),
            "{rest:#?}"
        );
    }
    // The text output says the same, once per code.
    let text = stdout(&c.run(&["check"]));
    assert_eq!(text.matches("另有480行同类问题").count(), 3, "{text}");
}
