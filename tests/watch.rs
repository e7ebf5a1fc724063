//! `watch` regenerates the PDFs after a workbook changes, without being restarted.

mod common;

use common::Campaign;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn watch_rebuilds_after_a_workbook_is_replaced() {
    let c = Campaign::example();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhiliang"))
        .arg("--root")
        .arg(c.root())
        .args(["watch", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start watch");
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |needle: &str, rx: &mpsc::Receiver<String>| -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                let hit = line.contains(needle);
                seen.push(line);
                if hit {
                    return seen;
                }
            }
        }
        panic!(
            "watch never printed {needle:?}; printed:\n{}",
            seen.join("\n")
        );
    };
    wait_for("正在监视", &rx);
    let pdf = c.path("output/自评报告.pdf");
    let before = std::fs::read(&pdf).expect("first build wrote the report");

    // A unit sends a corrected workbook (written in place over the old one).
    common::change_fact(
        &c,
        "zhujian.xlsx",
        "prefab_industry_bases",
        zhiliang_core::facts::Value::Number(1.into()),
    );

    let lines = wait_for("指标33得分", &rx);
    let after = std::fs::read(&pdf).unwrap();
    child.kill().ok();
    child.wait().ok();
    assert_ne!(before, after, "the self-evaluation report was regenerated");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("更新报送：input/zhujian.xlsx")),
        "{}",
        lines.join("\n")
    );
}
