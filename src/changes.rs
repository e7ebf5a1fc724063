//! What changed since the previous build: submissions added, changed or removed, indicator
//! scores up or down with the new 得分依据, diagnostics fixed or new. Printed after every
//! build and by `watch`, and kept as `output/变更报告.txt`.

use crate::record::{BuildRecord, FileEntry};
use zhiliang_core::Decimal;
use zhiliang_core::diagnostics::Diagnostic;
use zhiliang_core::score::display;

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreChange {
    pub indicator: u32,
    pub before: Decimal,
    pub after: Decimal,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChangeReport {
    /// True when there was no previous build to compare with.
    pub first_build: bool,
    pub added: Vec<FileEntry>,
    pub changed: Vec<FileEntry>,
    pub removed: Vec<FileEntry>,
    /// Other inputs (catalogue, configuration, templates, evidence) whose content changed.
    pub other_inputs_changed: Vec<String>,
    pub scores: Vec<ScoreChange>,
    pub total_before: Decimal,
    pub total_after: Decimal,
    pub fixed: Vec<Diagnostic>,
    pub new: Vec<Diagnostic>,
    /// Problems still there, at the same place with the same value, whose message now
    /// reads differently (the binder's count of embedded PDFs after a unit withdrew its
    /// files): the new wording. Not "fixed" plus "new", which would say a problem went
    /// away that did not.
    pub reworded: Vec<Diagnostic>,
}

impl ChangeReport {
    pub fn between(previous: Option<&BuildRecord>, current: &BuildRecord) -> ChangeReport {
        let Some(prev) = previous else {
            return ChangeReport {
                first_build: true,
                total_after: current.total,
                ..Default::default()
            };
        };
        let before = prev.submissions();
        let after = current.submissions();
        let mut report = ChangeReport {
            total_before: prev.total,
            total_after: current.total,
            ..Default::default()
        };
        for (path, entry) in &after {
            match before.get(path) {
                None => report.added.push((*entry).clone()),
                Some(old) if old.sha256 != entry.sha256 => report.changed.push((*entry).clone()),
                Some(_) => {}
            }
        }
        for (path, entry) in &before {
            if !after.contains_key(path) {
                report.removed.push((*entry).clone());
            }
        }
        let others = |r: &BuildRecord| {
            r.inputs
                .iter()
                .filter(|f| f.unit.is_none())
                .map(|f| (f.path.clone(), f.sha256.clone()))
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        let (old_others, new_others) = (others(prev), others(current));
        // A workbook that became unreadable (or readable again) is already reported as a
        // submission removed (or added).
        let is_submission =
            |p: &String| before.contains_key(p.as_str()) || after.contains_key(p.as_str());
        for (path, hash) in &new_others {
            if old_others.get(path) != Some(hash) && !is_submission(path) {
                report.other_inputs_changed.push(path.clone());
            }
        }
        for path in old_others.keys() {
            if !new_others.contains_key(path) && !is_submission(path) {
                report.other_inputs_changed.push(path.clone());
            }
        }
        for (id, now) in &current.scores {
            let was = prev.scores.get(id).map(|b| b.score).unwrap_or_default();
            if was != now.score {
                report.scores.push(ScoreChange {
                    indicator: *id,
                    before: was,
                    after: now.score,
                    basis: now.basis.clone(),
                });
            }
        }
        (report.fixed, report.new, report.reworded) =
            compare_diagnostics(&prev.diagnostics, &current.diagnostics);
        report
    }

    /// Nothing that a reader of the documents would notice has changed.
    pub fn is_empty(&self) -> bool {
        !self.first_build
            && self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.other_inputs_changed.is_empty()
            && self.scores.is_empty()
            && self.fixed.is_empty()
            && self.new.is_empty()
            && self.reworded.is_empty()
    }

    /// The Chinese text printed after a build and kept as 变更报告.txt.
    pub fn render(&self) -> String {
        use zhiliang_core::diagnostics::escape_controls as esc;
        if self.first_build {
            return format!(
                "首次生成（无上次生成记录可比较），总分 {}。\n",
                display(self.total_after)
            );
        }
        if self.is_empty() {
            return format!(
                "与上次生成相比无变化，总分仍为 {}。\n",
                display(self.total_after)
            );
        }
        let mut out = String::from("与上次生成相比：\n");
        // File names and cell texts may hold control characters: shown escaped.
        let unit = |f: &FileEntry| esc(f.unit.as_deref().unwrap_or_default()).into_owned();
        for f in &self.added {
            out.push_str(&format!("  新增报送：{}（{}）\n", esc(&f.path), unit(f)));
        }
        for f in &self.changed {
            out.push_str(&format!("  更新报送：{}（{}）\n", esc(&f.path), unit(f)));
        }
        for f in &self.removed {
            out.push_str(&format!("  撤回报送：{}（{}）\n", esc(&f.path), unit(f)));
        }
        for path in &self.other_inputs_changed {
            out.push_str(&format!("  其他输入已变更：{}\n", esc(path)));
        }
        for c in &self.scores {
            let arrow = if c.after > c.before {
                "上升"
            } else {
                "下降"
            };
            out.push_str(&format!(
                "  指标{}得分{}：{} → {}。{}\n",
                c.indicator,
                arrow,
                display(c.before),
                display(c.after),
                esc(&c.basis)
            ));
        }
        if self.total_before != self.total_after {
            out.push_str(&format!(
                "  总分：{} → {}\n",
                display(self.total_before),
                display(self.total_after)
            ));
        }
        for d in &self.fixed {
            out.push_str(&format!("  已解决：{d}\n"));
        }
        for d in &self.new {
            out.push_str(&format!("  新问题：{d}\n"));
        }
        for d in &self.reworded {
            out.push_str(&format!("  问题仍在，说明有更新：{d}\n"));
        }
        out
    }
}

/// Diagnostics fixed, new, and still there but worded differently. A problem is the same
/// problem when its code, place and value are: a changed message alone does not make it
/// fixed and new again.
fn compare_diagnostics(
    before: &[Diagnostic],
    after: &[Diagnostic],
) -> (Vec<Diagnostic>, Vec<Diagnostic>, Vec<Diagnostic>) {
    use std::collections::{BTreeMap, BTreeSet};
    use zhiliang_core::diagnostics::{Code, Location};
    type Identity = (Code, Location, Option<String>);
    let identity = |d: &Diagnostic| -> Identity { (d.code, d.location.clone(), d.value.clone()) };
    let messages = |list: &[Diagnostic]| {
        let mut by: BTreeMap<Identity, BTreeSet<String>> = BTreeMap::new();
        for d in list {
            by.entry(identity(d)).or_default().insert(d.message.clone());
        }
        by
    };
    let (old, new) = (messages(before), messages(after));
    let fixed = before
        .iter()
        .filter(|d| !new.contains_key(&identity(d)))
        .cloned()
        .collect();
    let added = after
        .iter()
        .filter(|d| !old.contains_key(&identity(d)))
        .cloned()
        .collect();
    let reworded = after
        .iter()
        .filter(|d| {
            old.get(&identity(d))
                .is_some_and(|was| !was.contains(&d.message))
        })
        .cloned()
        .collect();
    (fixed, added, reworded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhiliang_core::diagnostics::{Code, Location};

    fn record(diagnostics: Vec<Diagnostic>) -> BuildRecord {
        BuildRecord {
            program: "zhiliang".into(),
            program_version: "0".into(),
            catalogue_sha256: String::new(),
            draft: false,
            total: Decimal::ZERO,
            scores: Default::default(),
            summary: Default::default(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            diagnostics,
        }
    }

    fn binder_warning(pdfs: usize) -> Diagnostic {
        Diagnostic::new(
            Code::BinderNotPdfa,
            Location::file("output/证明材料汇编.pdf"),
            format!("证明材料汇编嵌入了 {pdfs} 份 PDF 证明材料"),
        )
    }

    fn wrong_type(value: &str) -> Diagnostic {
        Diagnostic::new(
            Code::WrongType,
            Location::file("tongji.xlsx"),
            format!("所填内容“{value}”无法识别为数字"),
        )
        .with_value(value.to_string())
    }

    /// The same warning with another count is one problem still there, worded anew — not
    /// a problem solved and a new one; a cell with another bad value is solved and new.
    #[test]
    fn a_problem_whose_wording_changed_is_neither_fixed_nor_new() {
        let before = record(vec![binder_warning(84), wrong_type("约1217.8亿")]);
        let after = record(vec![binder_warning(81), wrong_type("一千二百亿")]);
        let report = ChangeReport::between(Some(&before), &after);
        assert_eq!(report.reworded, [binder_warning(81)]);
        assert_eq!(report.fixed, [wrong_type("约1217.8亿")]);
        assert_eq!(report.new, [wrong_type("一千二百亿")]);
        let text = report.render();
        assert!(
            text.contains("问题仍在，说明有更新：[警告] binder-not-pdfa output/证明材料汇编.pdf：证明材料汇编嵌入了 81 份"),
            "{text}"
        );
        assert!(!text.contains("84 份"), "{text}");

        let same = ChangeReport::between(Some(&after), &after);
        assert!(same.is_empty(), "{same:?}");
    }
}
