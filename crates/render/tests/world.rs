//! The Typst world: templates folder only, no packages, fixed date, errors located in
//! the template; the font roles.

mod common;

use common::*;
use zhiliang_render::{DocKind, RenderError, Renderer, Role};

/// A throw-away templates folder whose 申请表 template is `body`.
fn templates_with(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wording")).unwrap();
    std::fs::write(dir.path().join("application.typ"), body).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "模板目录内的文件").unwrap();
    dir
}

fn render_template(body: &str) -> Result<zhiliang_render::RenderedDocument, RenderError> {
    let dir = templates_with(body);
    let r = Renderer::with_fonts(dir.path(), fonts()).unwrap();
    let mut o = options();
    o.pdf_a = false;
    r.render(DocKind::Application, &serde_json::json!({"x": 1}), &o)
}

fn template_error(body: &str) -> zhiliang_render::TemplateMessage {
    match render_template(body) {
        Err(RenderError::Template { messages, .. }) => {
            messages.into_iter().find(|m| m.error).unwrap()
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("template compiled"),
    }
}

#[test]
fn files_outside_the_templates_folder_are_refused() {
    let e = template_error(
        "#set text(font: \"Noto Serif CJK SC\")\n一\n#read(\"../../../../etc/passwd\")\n",
    );
    assert_eq!((e.file.as_str(), e.line), ("/application.typ", 3), "{e}");
    let e = template_error("#read(\"/etc/passwd\")");
    assert_eq!(e.file, "/application.typ", "{e}");
}

#[test]
fn packages_are_refused() {
    let e = template_error("\n#import \"@preview/cetz:0.3.0\": canvas\n");
    assert_eq!(e.line, 2);
    assert!(
        e.message.contains("软件包") || e.message.contains("package"),
        "{e}"
    );
}

#[test]
fn data_and_template_files_are_served_and_today_is_the_document_date() {
    let doc = render_template(
        "#set text(font: \"Noto Serif CJK SC\")\n#let d = json(\"/data.json\")\n#read(\"secret.txt\") #d.x #datetime.today().display() #d.render.date_text #d.fonts.fangsong.first()",
    )
    .unwrap();
    assert!(doc.text().contains("模板目录内的文件"), "{}", doc.text());
    assert!(doc.text().contains("2022-07-20"), "{}", doc.text());
    assert!(doc.text().contains("2022年7月20日"), "{}", doc.text());
    assert!(doc.text().contains("Zhuque Fangsong"), "{}", doc.text());
}

#[test]
fn errors_name_the_template_line_and_column() {
    let e = template_error("第一行\n#let x = (1, 2\n");
    assert_eq!(e.file, "/application.typ");
    assert_eq!(e.line, 2, "{e}");
    assert!(e.column >= 1);
    assert!(
        e.to_string().starts_with("templates/application.typ:2:"),
        "{e}"
    );
}

#[test]
fn every_role_is_served_with_a_real_bold_where_needed() {
    let report = fonts().report().clone();
    assert_eq!(report.roles.len(), 5);
    for r in &report.roles {
        assert!(!r.family.is_empty());
        assert!(r.file.exists(), "{r:?}");
    }
    let role = |x: Role| report.roles.iter().find(|r| r.role == x).unwrap();
    assert!(
        role(Role::Xiaobiaosong).has_bold,
        "the title needs a real bold face"
    );
    assert!(
        role(Role::Heiti).has_bold,
        "table headers need a real bold face"
    );
    // without official fonts (this test loads fonts/ only) the open fonts serve
    assert_eq!(role(Role::Fangsong).family, "Zhuque Fangsong");
    assert_eq!(
        role(Role::Fangsong).fallback,
        ["Zhuque Fangsong", "Noto Serif CJK SC"],
        "朱雀仿宋 first, Noto Serif CJK SC for the GBK characters it lacks"
    );
    assert_eq!(role(Role::Kaiti).family, "LXGW WenKai");
    // the open fonts cover the seed's rare characters and punctuation
    for c in "劼·—•“”；（）〔〕".chars() {
        for r in Role::ALL {
            assert!(fonts().covers(r, c), "{} lacks {c}", r.label());
        }
    }
    assert!(report.to_string().contains("仿宋"));
}

#[test]
fn seed_characters_shape_to_real_glyphs() {
    // Large CJK fonts whose only cmap is format 4 lose glyph ids ≥ 32768 in
    // ttf-parser; the renderer adds a format-12 table. PDF/A export fails on any
    // .notdef glyph, so a successful PDF/A render of these characters proves it.
    let seed = std::fs::read_to_string("/work/shared/seed/000_fa22a23b0b99634d.txt")
        .unwrap_or_else(|_| "质量要障邮“；”劼·—•".into());
    let text: String = seed
        .chars()
        .filter(|c| !c.is_control() && *c != '\u{3000}')
        .take(4000)
        .collect();
    let dir = templates_with(
        "#let d = json(\"/data.json\")\n#set text(font: d.fonts.fangsong)\n#d.t\n#text(font: d.fonts.heiti, weight: \"bold\", d.t)\n#text(font: d.fonts.kaiti, d.t)\n#text(font: d.fonts.xiaobiaosong, weight: \"bold\", d.t)\n#set document(date: datetime.today())\n",
    );
    let r = Renderer::with_fonts(dir.path(), fonts()).unwrap();
    let doc = r.render(
        DocKind::Application,
        &serde_json::json!({ "t": text }),
        &options(),
    );
    assert!(doc.is_ok(), "{}", doc.unwrap_err());
}

#[test]
fn edited_wording_and_templates_are_picked_up_by_a_long_lived_renderer() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        for e in walk(from) {
            let rel = e.strip_prefix(from).unwrap();
            let dest = to.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&e, &dest).unwrap();
        }
    };
    copy(&repo("templates"), dir.path());
    let r = Renderer::with_fonts(dir.path(), fonts()).unwrap();
    let inputs = example_inputs(setup());
    let before = r.build_data(&inputs).unwrap();
    assert!(
        before.self_evaluation["doc_title"]
            .as_str()
            .unwrap()
            .ends_with("自评报告")
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(
        dir.path().join("wording/self-evaluation/title.j2"),
        "{{ district.short_name }}质量强区创建自评报告（修订稿）\n",
    )
    .unwrap();
    let after = r.build_data(&inputs).unwrap();
    assert_eq!(
        after.self_evaluation["doc_title"],
        "章丘区质量强区创建自评报告（修订稿）"
    );

    let mut o = options();
    o.pdf_a = false;
    let first = r
        .render(DocKind::Application, after.get(DocKind::Application), &o)
        .unwrap();
    assert!(!first.text().contains("办公室修改"));
    let path = dir.path().join("application.typ");
    let text = std::fs::read_to_string(&path).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&path, text + "\n#text(font: fonts.fangsong)[办公室修改]\n").unwrap();
    let second = r
        .render(DocKind::Application, after.get(DocKind::Application), &o)
        .unwrap();
    assert!(
        second.text().contains("办公室修改"),
        "template edit not picked up"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_misspelt_wording_variable_names_the_template_and_line() {
    let dir = tempfile::tempdir().unwrap();
    for e in walk(&repo("templates")) {
        let dest = dir.path().join(e.strip_prefix(repo("templates")).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&e, &dest).unwrap();
    }
    std::fs::write(
        dir.path().join("wording/annual/title.j2"),
        "{{ district.short_name }}\n{{ yaer }}年度质量发展状况分析报告\n",
    )
    .unwrap();
    let r = Renderer::with_fonts(dir.path(), fonts()).unwrap();
    let inputs = example_inputs(setup());
    let err = r.build_data(&inputs).unwrap_err().to_string();
    assert!(
        err.contains("annual/title.j2") && err.contains("第2行"),
        "{err}"
    );
}

/// A copy of the project's templates folder, to plant links in.
#[cfg(unix)]
fn templates_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in walk(&repo("templates")) {
        let dest = dir.path().join(e.strip_prefix(repo("templates")).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&e, &dest).unwrap();
    }
    dir
}

#[cfg(unix)]
#[test]
fn a_wording_template_linked_outside_the_templates_folder_is_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("passwd");
    std::fs::write(&secret, "root:x:0:0:机密内容:/root:/bin/bash\n").unwrap();

    // A file link, replacing a real wording template.
    let dir = templates_copy();
    let title = dir.path().join("wording/annual/title.j2");
    std::fs::remove_file(&title).unwrap();
    symlink(&secret, &title).unwrap();
    let err = match Renderer::with_fonts(dir.path(), fonts()) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a link leaving the templates folder was followed"),
    };
    assert!(
        err.contains("annual/title.j2") && err.contains("已拒绝读取"),
        "{err}"
    );
    assert!(!err.contains("机密内容"), "{err}");

    // A folder link to the outside, and a relative `..` link, are refused the same way.
    let dir = templates_copy();
    std::fs::write(outside.path().join("x.j2"), "机密内容").unwrap();
    symlink(outside.path(), dir.path().join("wording/extra")).unwrap();
    let err = Renderer::with_fonts(dir.path(), fonts())
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("已拒绝读取"), "{err}");
    let dir = templates_copy();
    symlink(
        "../../../../../../../../..".to_string() + secret.to_str().unwrap(),
        dir.path().join("wording/annual/extra.j2"),
    )
    .unwrap();
    let err = Renderer::with_fonts(dir.path(), fonts())
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("annual/extra.j2"), "{err}");

    // A long-lived renderer notices a link planted after it was loaded.
    let dir = templates_copy();
    let r = Renderer::with_fonts(dir.path(), fonts()).unwrap();
    let inputs = example_inputs(setup());
    assert!(r.build_data(&inputs).is_ok());
    let title = dir.path().join("wording/annual/title.j2");
    std::fs::remove_file(&title).unwrap();
    symlink(&secret, &title).unwrap();
    let err = r.build_data(&inputs).unwrap_err().to_string();
    assert!(
        err.contains("已拒绝读取") && !err.contains("机密内容"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn links_inside_the_templates_folder_still_work_and_loops_end() {
    use std::os::unix::fs::symlink;
    let dir = templates_copy();
    // A shared wording file linked from another folder of the templates, and a link
    // from a folder to its own parent (a cycle).
    std::fs::write(dir.path().join("shared.j2"), "共用措辞").unwrap();
    symlink(
        dir.path().join("shared.j2"),
        dir.path().join("wording/annual/shared.j2"),
    )
    .unwrap();
    symlink(
        dir.path().join("wording"),
        dir.path().join("wording/annual/loop"),
    )
    .unwrap();
    // (the wording module's own tests read such a linked file and refuse `..` includes)
    let r = Renderer::with_fonts(dir.path(), fonts()).expect("links inside are fine");
    assert!(r.build_data(&example_inputs(setup())).is_ok());
}

#[test]
fn a_date_typst_cannot_hold_is_an_error_not_a_panic() {
    let dir =
        templates_with("#set text(font: \"Noto Serif CJK SC\")\n#datetime.today().display()\n");
    let r = Renderer::with_fonts(dir.path(), fonts()).unwrap();
    let mut o = options();
    o.document_date = chrono::NaiveDate::from_ymd_opt(12345, 1, 1).unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        r.render(DocKind::Application, &serde_json::json!({}), &o)
    }))
    .expect("rendering must not panic on any date");
    assert!(result.is_err(), "a date beyond Typst's range cannot render");
    // Without `datetime.today()` in the template, the PDF timestamp is what fails.
    let dir = templates_with("#set text(font: \"Noto Serif CJK SC\")\n一\n");
    let r = Renderer::with_fonts(dir.path(), fonts()).unwrap();
    let err = r
        .render(DocKind::Application, &serde_json::json!({}), &o)
        .unwrap_err();
    assert!(matches!(err, RenderError::Date(_)), "{err}");
    assert!(err.to_string().contains("dates.document_date"), "{err}");
}
