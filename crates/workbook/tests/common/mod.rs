//! Shared fixtures: the real catalogue, roster and campaign of the repository, the example
//! facts, and a builder for hand-made workbooks in the form's layout (to type cells the way
//! users do, which `fill_form` never would).

#![allow(dead_code)]

use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::path::{Path, PathBuf};
use zhiliang_core::catalogue::Catalogue;
use zhiliang_core::config::Campaign;
use zhiliang_core::diagnostics::{Code, Diagnostic};
use zhiliang_core::facts::{FactsFile, Submission};
use zhiliang_core::units::{Roster, Unit};
use zhiliang_workbook::layout;
use zhiliang_workbook::plan::FormPlan;

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// The repository's catalogue, roster and example campaign, as the crate's API takes them
/// (a [`zhiliang_core::Setup`], which this derefs to), with test conveniences.
pub struct Setup(pub zhiliang_core::Setup);

impl std::ops::Deref for Setup {
    type Target = zhiliang_core::Setup;
    fn deref(&self) -> &zhiliang_core::Setup {
        &self.0
    }
}

impl Setup {
    pub fn load() -> Setup {
        let roster = Roster::load(&repo("catalogue/units.toml")).expect("roster");
        let catalogue =
            Catalogue::load(&repo("catalogue/indicators.toml"), &roster).expect("catalogue");
        let campaign = Campaign::load(&repo("input/campaign.toml")).expect("campaign");
        Setup(zhiliang_core::Setup {
            roster,
            catalogue,
            campaign,
            catalogue_sha256: String::new(),
        })
    }

    pub fn unit(&self, name: &str) -> &Unit {
        self.roster
            .by_name(name)
            .unwrap_or_else(|| panic!("unit {name}"))
    }

    pub fn plan(&self, unit: &str) -> FormPlan<'_> {
        FormPlan::new(&self.catalogue, &self.roster, self.unit(unit))
    }

    /// The 1-based Excel row of a fact on the unit's 数据填报 sheet, as the form lays it out.
    pub fn fact_row(&self, unit: &str, key: &str) -> u32 {
        let plan = self.plan(unit);
        let idx = plan
            .scalars
            .iter()
            .position(|p| p.def.key == key)
            .unwrap_or_else(|| panic!("{key} not in {unit}'s form"));
        idx as u32 + layout::FIRST_DATA_ROW + 1
    }
}

pub fn example_facts() -> FactsFile {
    let text = std::fs::read_to_string(repo("examples/zhangqiu/facts.json")).expect("facts.json");
    serde_json::from_str(&text).expect("facts.json format")
}

pub fn example_submission(unit: &str) -> Submission {
    example_facts()
        .submissions
        .into_iter()
        .find(|s| s.unit == unit)
        .expect("unit in facts")
}

/// Diagnostics of one code.
/// An xlsx with one entry's text edited by `edit` and every other entry copied, stored
/// deflated (as Excel writes them): to break a workbook in one precise place.
pub fn rewrite(xlsx: &[u8], entry: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    rewrite_as(xlsx, entry, zip::CompressionMethod::Deflated, edit)
}

/// [`rewrite`] with every entry stored with `method` (`Stored` keeps the bytes of an entry
/// where a test patches them directly).
pub fn rewrite_as(
    xlsx: &[u8],
    entry: &str,
    method: zip::CompressionMethod,
    edit: impl Fn(String) -> String,
) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == entry {
            data = edit(String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

pub fn of(diags: &[Diagnostic], code: Code) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.code == code).collect()
}

pub fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// A cell as a user may have typed it.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(&'static str),
    Number(f64),
    /// A number shown with a number format (e.g. "0.0%" or "yyyy-mm-dd").
    Formatted(f64, &'static str),
    Bool(bool),
}

fn put(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell) {
    match cell {
        Cell::Text(s) => ws.write_string(row, col, *s).map(|_| ()),
        Cell::Number(n) => ws.write_number(row, col, *n).map(|_| ()),
        Cell::Formatted(n, f) => ws
            .write_number_with_format(row, col, *n, &Format::new().set_num_format(*f))
            .map(|_| ()),
        Cell::Bool(b) => ws.write_boolean(row, col, *b).map(|_| ()),
    }
    .unwrap();
}

/// (fact key, value, denominator, evidence) of one 数据填报 row.
pub type ScalarRow = (
    &'static str,
    Option<Cell>,
    Option<Cell>,
    Option<&'static str>,
);

/// A hand-made workbook in the form's layout: a cover, a 数据填报 sheet whose rows are given
/// as (fact key, value, denominator, evidence), and list sheets given as field keys and rows.
pub struct FormBuilder {
    pub cover_unit: &'static str,
    pub scalars: Vec<ScalarRow>,
    pub lists: Vec<ListSheet>,
    /// Rows to leave blank (styled) below the scalar rows, e.g. 10 000.
    pub blank_rows: u32,
}

pub struct ListSheet {
    pub key: &'static str,
    pub name: &'static str,
    pub fields: Vec<&'static str>,
    /// (zero-based row, cells in field order; None = blank)
    pub rows: Vec<(u32, Vec<Option<Cell>>)>,
    /// Merged ranges (first_row, col, last_row, col), the value in the first row.
    pub merges: Vec<(u32, u16, u32, u16, &'static str)>,
}

impl FormBuilder {
    pub fn new(cover_unit: &'static str) -> Self {
        FormBuilder {
            cover_unit,
            scalars: Vec::new(),
            lists: Vec::new(),
            blank_rows: 0,
        }
    }

    pub fn scalar(mut self, key: &'static str, value: Cell) -> Self {
        self.scalars.push((key, Some(value), None, None));
        self
    }

    pub fn build(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let cover = wb.add_worksheet();
        cover.set_name(layout::COVER).unwrap();
        cover.write_string(2, 0, layout::COVER_UNIT).unwrap();
        cover.write_string(2, 1, self.cover_unit).unwrap();

        let ws = wb.add_worksheet();
        ws.set_name(layout::SCALARS).unwrap();
        ws.write_string(0, 0, layout::MARK_SCALARS).unwrap();
        // Same column letters as the real form: H value, I denominator, J evidence, K note.
        for (c, k) in [
            (7u16, "value"),
            (8, "denominator"),
            (9, "evidence"),
            (10, "note"),
        ] {
            ws.write_string(0, c, k).unwrap();
        }
        for (i, (key, v, d, e)) in self.scalars.iter().enumerate() {
            let r = layout::FIRST_DATA_ROW + i as u32;
            ws.write_string(r, 0, *key).unwrap();
            if let Some(v) = v {
                put(ws, r, 7, v);
            }
            if let Some(d) = d {
                put(ws, r, 8, d);
            }
            if let Some(e) = e {
                ws.write_string(r, 9, *e).unwrap();
            }
        }
        let styled = Format::new().set_unlocked();
        let first_blank = layout::FIRST_DATA_ROW + self.scalars.len() as u32;
        for r in first_blank..first_blank + self.blank_rows {
            ws.write_blank(r, 7, &styled).unwrap();
        }

        for l in &self.lists {
            let ws = wb.add_worksheet();
            ws.set_name(l.name).unwrap();
            ws.write_string(0, 0, format!("{}{}", layout::MARK_LIST_PREFIX, l.key))
                .unwrap();
            for (i, f) in l.fields.iter().enumerate() {
                ws.write_string(0, 1 + i as u16, *f).unwrap();
            }
            ws.write_string(0, 1 + l.fields.len() as u16, layout::EVIDENCE_FIELD)
                .unwrap();
            for (r, cells) in &l.rows {
                for (i, c) in cells.iter().enumerate() {
                    if let Some(c) = c {
                        put(ws, *r, 1 + i as u16, c);
                    }
                }
            }
            for (r0, c0, r1, c1, v) in &l.merges {
                ws.merge_range(*r0, *c0, *r1, *c1, v, &Format::new())
                    .unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }
}
