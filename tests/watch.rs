//! `watch` regenerates the PDFs after a workbook changes, without being restarted, and
//! survives a workbook caught half-written.

mod common;

use common::Campaign;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use zhiliang_core::facts::Value;

/// A running `zhiliang watch` whose standard output is read line by line.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watch {
    fn start(c: &Campaign) -> Watch {
        let mut command = Command::new(env!("CARGO_BIN_EXE_zhiliang"));
        command.arg("--root").arg(c.root());
        Watch::spawn(command)
    }

    /// Started the way the office starts it: in the project folder, with the default
    /// `--root .`.
    fn start_in_project_folder(c: &Campaign) -> Watch {
        let mut command = Command::new(env!("CARGO_BIN_EXE_zhiliang"));
        command.current_dir(c.root()).args(["--root", "."]);
        Watch::spawn(command)
    }

    fn spawn(mut command: Command) -> Watch {
        let mut child = command
            .args(["watch", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start watch");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let watch = Watch { child, lines };
        watch.wait_for("正在监视");
        watch
    }

    /// Every line printed until one contains `needle` (panics after two minutes).
    fn wait_for(&self, needle: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
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
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

#[test]
fn watch_rebuilds_after_a_workbook_is_replaced() {
    let c = Campaign::example();
    let watch = Watch::start(&c);
    let pdf = c.path("output/自评报告.pdf");
    let before = std::fs::read(&pdf).expect("first build wrote the report");

    // A unit sends a corrected workbook (written in place over the old one).
    common::change_fact(
        &c,
        "zhujian.xlsx",
        "prefab_industry_bases",
        Value::Number(1.into()),
    );

    let lines = watch.wait_for("继续监视中");
    let after = std::fs::read(&pdf).unwrap();
    assert_ne!(before, after, "the self-evaluation report was regenerated");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("更新报送：input/zhujian.xlsx")),
        "{}",
        lines.join("\n")
    );
}

#[test]
fn watch_survives_a_half_written_workbook_and_recovers_when_it_is_complete() {
    let c = Campaign::example();
    let watch = Watch::start(&c);
    let corrected = common::changed_workbook(
        &c,
        "zhujian.xlsx",
        "prefab_industry_bases",
        Value::Number(1.into()),
    );
    let path = c.path("input/zhujian.xlsx");

    // The copy stalls half-way: the build reads a truncated zip, reports it, keeps watching.
    std::fs::write(&path, &corrected[..corrected.len() / 2]).unwrap();
    let lines = watch.wait_for("继续监视中");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("unreadable-file") && l.contains("zhujian.xlsx")),
        "{}",
        lines.join("\n")
    );

    // The copy completes: the next build is clean and carries the new value.
    std::fs::write(&path, &corrected).unwrap();
    let lines = watch.wait_for("继续监视中");
    assert!(
        lines.iter().any(|l| l.contains("指标33得分")),
        "{}",
        lines.join("\n")
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("已解决") && l.contains("unreadable-file")),
        "{}",
        lines.join("\n")
    );
}

#[test]
fn watch_from_a_relative_root_rebuilds_after_the_configuration_changes() {
    let c = Campaign::example();
    let watch = Watch::start_in_project_folder(&c);
    let pdf = c.path("output/申请表.pdf");
    let before = std::fs::read(&pdf).expect("first build wrote the application form");

    // The office corrects the 成文日期 in campaign.toml: printed on the form and its date.
    let campaign = c.path("input/campaign.toml");
    let text = std::fs::read_to_string(&campaign).unwrap();
    assert!(text.contains("document_date = 2022-07-20"));
    std::fs::write(
        &campaign,
        text.replacen(
            "document_date = 2022-07-20",
            "document_date = 2022-07-25",
            1,
        ),
    )
    .unwrap();

    let lines = watch.wait_for("继续监视中");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("检测到变更") && l.contains("campaign.toml")),
        "{}",
        lines.join("\n")
    );
    let after = std::fs::read(&pdf).unwrap();
    assert_ne!(
        before, after,
        "the application form was rebuilt with the new date"
    );
    // The build record now lists the edited configuration.
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(c.path("output/生成记录.json")).unwrap()).unwrap();
    let (hash, _) = zhiliang::fsutil::sha256_file(&campaign).unwrap();
    assert!(record["inputs"].to_string().contains(&hash));
}
