//! `zhiliang province`: counties compared, benchmarks from the best and worst county,
//! ranking, documents for every county without check errors.

mod common;

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value as Json;
use zhiliang_core::facts::Value;

fn dec(v: &Json) -> Decimal {
    match v {
        Json::String(s) => s.parse().expect("decimal"),
        Json::Number(n) => n.to_string().parse().expect("decimal"),
        other => panic!("not a decimal: {other}"),
    }
}

fn read_json(path: &Path) -> Json {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("json")
}

fn indicator_score(out: &Path, county: &str, id: u64) -> Decimal {
    let sheet = read_json(&out.join(county).join("计分结果.json"));
    let row = sheet["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_u64() == Some(id))
        .expect("indicator");
    dec(&row["score"])
}

fn pdfs_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn counties_are_compared_ranked_and_rendered() {
    let c = common::Campaign::example();
    let counties = c.path("counties");
    // Three counties that differ in 区住建局's count of 装配式建筑产业基地.
    for (name, bases) in [("甲县", 1), ("乙县", 3), ("丙县", 5)] {
        common::change_fact(
            &c,
            "zhujian.xlsx",
            "prefab_industry_bases",
            Value::Number(bases.into()),
        );
        common::copy_dir(&c.path("input"), &counties.join(name));
    }
    // A fourth county sent 区住建局's workbook twice, with different figures: a check error.
    let ding = counties.join("丁县");
    common::copy_dir(&c.path("input"), &ding);
    let revised = common::zhujian_revised(&c);
    std::fs::write(ding.join("zhujian-副本.xlsx"), revised).unwrap();
    // Its configuration also states 95% as 26's 不允许值, which the rule fixes at 90%.
    let toml = std::fs::read_to_string(ding.join("campaign.toml")).unwrap();
    let fixed = "[benchmarks.\"26.rate\"]\nsatisfactory = \"100\"\nunacceptable = \"90\"";
    assert!(toml.contains(fixed));
    let toml = toml.replace(fixed, &fixed.replace("\"90\"", "\"95\""));
    std::fs::write(ding.join("campaign.toml"), toml).unwrap();
    // A folder without campaign.toml is reported; the others still run.
    let empty = counties.join("戊县");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::copy(c.path("input/zhujian.xlsx"), empty.join("zhujian.xlsx")).unwrap();

    let out = c.path("province-out");
    let run = c.run(&[
        "province",
        "--counties",
        counties.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ]);
    let stdout = common::stdout(&run);
    assert_eq!(
        run.status.code(),
        Some(1),
        "丁县 has errors, 戊县 cannot be read\n{stdout}\n{}",
        common::stderr(&run)
    );
    assert!(stdout.contains("读取 4 个县（区）"), "{stdout}");
    assert!(
        stdout.contains("戊县") && stdout.contains("campaign.toml"),
        "{stdout}"
    );

    let ranking = read_json(&out.join("排名.json"));

    // 33.count from the counties without check errors: best 丙县 (5), worst 甲县 (1).
    let part = ranking["benchmarks"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "33.count")
        .expect("33.count")
        .clone();
    assert_eq!(part["derived"], true);
    let bench = &ranking["benchmarks"]["benchmarks"]["33.count"];
    assert_eq!(dec(&bench["satisfactory"]), Decimal::from(5));
    assert_eq!(dec(&bench["unacceptable"]), Decimal::from(1));
    let source = bench["source"].as_str().unwrap();
    assert_eq!(
        source, "多县比较：满意值取丙县，不允许值取甲县（3个县）",
        "{source}"
    );
    assert!(stdout.contains(source), "{stdout}");
    let compared: Vec<&str> = ranking["compared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!compared.contains(&"丁县"), "{compared:?}");

    // Indicator 33 (2 points): 5 bases = full points, 1 base = exactly 60%, 3 = 80%.
    assert_eq!(indicator_score(&out, "丙县", 33), Decimal::from(2));
    assert_eq!(indicator_score(&out, "甲县", 33), "1.2".parse().unwrap());
    assert_eq!(indicator_score(&out, "乙县", 33), "1.6".parse().unwrap());
    // The basis (printed in the 自评报告) names the derived benchmark.
    let sheet = read_json(&out.join("甲县").join("计分结果.json"));
    let basis = sheet["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == 33)
        .unwrap()["basis"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(basis.contains("满意值5个、不允许值1个"), "{basis}");
    assert!(
        stdout.contains("排名：") && stdout.contains("用时："),
        "{stdout}"
    );

    // Ranking: total order, ranks follow the totals, every readable county ranked.
    let rows = ranking["counties"].as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["county"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(&names[..3], ["丙县", "乙县", "甲县"], "{names:?}");
    let totals: Vec<Decimal> = rows.iter().map(|r| dec(&r["total"])).collect();
    for (i, w) in totals.windows(2).enumerate() {
        assert!(w[0] >= w[1], "{totals:?}");
        let (a, b) = (
            rows[i]["rank"].as_u64().unwrap(),
            rows[i + 1]["rank"].as_u64().unwrap(),
        );
        if w[0] == w[1] {
            assert_eq!(a, b);
        } else {
            assert_eq!(b, i as u64 + 2);
        }
    }
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(totals[0] - totals[2], "0.8".parse::<Decimal>().unwrap());
    for row in rows {
        let subtotal: Decimal = row["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| dec(&c["score"]))
            .sum();
        assert_eq!(subtotal, dec(&row["total"]));
        assert_eq!(row["categories"].as_array().unwrap().len(), 4);
    }

    // 26's 不允许值 stays the rule's 90% (丁县 configures 95% and is told so).
    let rate = &ranking["benchmarks"]["benchmarks"]["26.rate"];
    assert_eq!(dec(&rate["unacceptable"]), Decimal::from(90));
    let diags = read_json(&out.join("丁县").join("校验结果.json"));
    let fixed: Vec<&Json> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "benchmark-fixed-by-rule")
        .collect();
    assert_eq!(fixed.len(), 1, "{diags:#}");
    let message = fixed[0]["message"].as_str().unwrap();
    assert!(
        message.contains("95%") && message.contains("90%"),
        "{message}"
    );
    let yi = read_json(&out.join("乙县").join("校验结果.json"));
    assert!(
        yi.as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "benchmark-fixed-by-rule")
    );

    // 丁县 is ranked but not rendered; 戊县 is listed as not read.
    let ding = rows.iter().find(|r| r["county"] == "丁县").unwrap();
    assert!(ding["errors"].as_u64().unwrap() > 0);
    assert_eq!(ding["rendered"], false);
    let failed = ranking["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["county"], "戊县");

    // 9 PDFs: three per county without errors, none for 丁县.
    let pdfs = pdfs_under(&out);
    assert_eq!(pdfs.len(), 9, "{pdfs:?}");
    for county in ["甲县", "乙县", "丙县"] {
        for file in ["申请表.pdf", "自评报告.pdf", "年度质量分析报告.pdf"] {
            let path = out.join(county).join(file);
            let bytes = std::fs::read(&path).unwrap();
            assert!(bytes.starts_with(b"%PDF"), "{}", path.display());
        }
    }
    assert!(out.join("丁县").join("校验结果.json").is_file());
    let table = std::fs::read_to_string(out.join("排名.txt")).unwrap();
    assert!(
        table.contains("丁县") && table.contains("有错误，未生成"),
        "{table}"
    );
}

#[test]
fn a_second_run_renders_only_the_county_whose_data_changed() {
    let c = common::Campaign::example();
    let counties = c.path("counties");
    for (name, bases) in [("甲县", 1), ("乙县", 3)] {
        common::change_fact(
            &c,
            "zhujian.xlsx",
            "prefab_industry_bases",
            Value::Number(bases.into()),
        );
        common::copy_dir(&c.path("input"), &counties.join(name));
    }
    let out = c.path("province-out");
    let run = |c: &common::Campaign| {
        let run = c.run(&[
            "province",
            "--counties",
            counties.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", common::stdout(&run));
        common::stdout(&run)
    };
    let first = run(&c);
    assert!(
        first.contains("共写出 6 份PDF（其中 6 份本次排版"),
        "{first}"
    );
    // Each county's folder is a build's output set: record, change report, diagnostics.
    for county in ["甲县", "乙县"] {
        for file in [
            "生成记录.json",
            "变更报告.txt",
            "校验结果.json",
            "计分结果.json",
        ] {
            assert!(out.join(county).join(file).is_file(), "{county}/{file}");
        }
    }
    let second = run(&c);
    assert!(
        second.contains("共写出 6 份PDF（其中 0 份本次排版"),
        "{second}"
    );

    // 乙县's office corrects its contact phone: only 乙县's documents that print it change.
    let before = std::fs::read(out.join("甲县").join("申请表.pdf")).unwrap();
    let yi = counties.join("乙县");
    let template = yi.join("campaign.toml");
    let toml = std::fs::read_to_string(&template).unwrap();
    let contact = toml
        .lines()
        .find(|l| l.trim_start().starts_with("phone"))
        .expect("campaign.toml names a contact phone")
        .to_string();
    std::fs::write(
        &template,
        toml.replace(&contact, "phone = \"0531-99999999\""),
    )
    .unwrap();
    let yi_before = std::fs::read(out.join("乙县").join("申请表.pdf")).unwrap();
    let third = run(&c);
    // The phone is printed on the 申请表 only: exactly one document is laid out again.
    assert!(
        third.contains("共写出 6 份PDF（其中 1 份本次排版"),
        "only 乙县's 申请表: {third}"
    );
    assert_ne!(
        std::fs::read(out.join("乙县").join("申请表.pdf")).unwrap(),
        yi_before,
        "乙县's 申请表 carries the new phone"
    );
    let yi_record = std::fs::read_to_string(out.join("乙县").join("变更报告.txt")).unwrap();
    assert!(yi_record.contains("campaign.toml"), "{yi_record}");
    assert_eq!(
        std::fs::read(out.join("甲县").join("申请表.pdf")).unwrap(),
        before,
        "甲县 untouched"
    );
}
