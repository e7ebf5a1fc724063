//! The physical layout of a fill-in workbook, shared by [`crate::forms`] (writer) and
//! [`mod@crate::ingest`] (reader).
//!
//! The reader never relies on sheet names or row positions: every data sheet carries a
//! marker in its hidden cell A1, every column a key in the hidden row 1 and every scalar
//! row its fact key in the hidden column A. Units may rename sheets, sort or move rows,
//! insert columns, and their values are still read back by key.

/// Written into the hidden meta sheet; bump when the layout changes incompatibly.
pub const FORM_VERSION: &str = "zhiliang-form/1";

pub const COVER: &str = "封面";
pub const SCALARS: &str = "数据填报";
pub const NARRATIVES: &str = "工作情况";
/// Multi-year series of the annual report (catalogue `[[series]]`).
pub const SERIES: &str = "年度数据";
/// Very hidden sheet with the form version, catalogue hash and unit id.
pub const META: &str = "_zhiliang";
/// Hidden sheet holding long drop-down lists (Excel limits inline lists to 255 characters).
pub const OPTIONS: &str = "_选项";

/// Cell A1 markers of the data sheets.
pub const MARK_SCALARS: &str = "zhiliang:facts";
pub const MARK_NARRATIVES: &str = "zhiliang:narratives";
pub const MARK_LIST_PREFIX: &str = "zhiliang:list:";
pub const MARK_SERIES: &str = "zhiliang:series";

/// Column keys of the series sheet; year columns are keyed `y2021`.
pub mod series_col {
    pub const LABEL: &str = "label";
    pub const UNIT: &str = "unit";
    pub const TARGET: &str = "target";
    pub const YEAR_PREFIX: &str = "y";
    pub const CAUSES: &str = "causes";
    pub const MEASURES: &str = "measures";
    pub const HELP: &str = "help";
}

/// Column keys in the hidden row 1 of the scalar sheet.
pub mod scalar_col {
    pub const INDICATOR: &str = "indicator";
    pub const CONTENT: &str = "content";
    pub const ROLE: &str = "role";
    pub const LABEL: &str = "label";
    pub const UNIT: &str = "unit";
    pub const PERIOD: &str = "period";
    pub const VALUE: &str = "value";
    pub const DENOMINATOR: &str = "denominator";
    pub const EVIDENCE: &str = "evidence";
    pub const NOTE: &str = "note";
    pub const HELP: &str = "help";
}

/// Column keys of the narrative sheet.
pub mod narrative_col {
    pub const INDICATOR: &str = "indicator";
    pub const CONTENT: &str = "content";
    pub const ROLE: &str = "role";
    pub const TEXT: &str = "narrative";
}

/// Column key of the 证明材料 column of a list sheet (field keys are the other columns).
pub const EVIDENCE_FIELD: &str = "_evidence";

/// Zero-based row of the hidden key row, the visible header row and the first data row.
pub const KEY_ROW: u32 = 0;
pub const HEADER_ROW: u32 = 1;
pub const FIRST_DATA_ROW: u32 = 2;

/// Labels on the cover sheet; the value is the first non-blank cell to their right.
pub const COVER_UNIT: &str = "填报单位";
pub const COVER_CONTACT: &str = "联系人";
pub const COVER_PHONE: &str = "联系电话";
pub const COVER_DATE: &str = "报送日期";

/// Meta sheet keys (column A) — values in column B.
pub const META_VERSION: &str = "form_version";
pub const META_HASH: &str = "catalogue_hash";
pub const META_UNIT_ID: &str = "unit_id";
pub const META_UNIT: &str = "unit";

/// Pre-formatted (validated, unlocked) rows on each list sheet.
pub const LIST_ROWS: u32 = 200;

/// Limits that keep a hostile or broken file from exhausting time or memory.
pub mod limits {
    /// Files above this size are not opened at all.
    pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
    /// Rows and columns read per sheet; cells beyond are ignored (and reported if not blank).
    pub const MAX_ROWS: u32 = 10_000;
    pub const MAX_COLS: u32 = 60;
    /// Zip container guards, checked on the central directory before calamine opens it.
    pub const MAX_ZIP_ENTRIES: usize = 5_000;
    pub const MAX_ENTRY_BYTES: u64 = 50 * 1024 * 1024;
    pub const MAX_TOTAL_BYTES: u64 = 150 * 1024 * 1024;
    /// Compression ratio above which a large entry is treated as a zip bomb.
    pub const MAX_RATIO: u64 = 200;
    /// Entries at least this large (compressed) are inflated once to verify their declared
    /// size before calamine reads them.
    pub const VERIFY_COMPRESSED_BYTES: u64 = 16 * 1024;
    /// Sheets read per workbook (a form has about twenty; the rest are reported, not read).
    pub const MAX_SHEETS: usize = 60;
    /// Cells kept for the whole workbook (a full form holds a few thousand; 5 000 rows in
    /// each of 20 list sheets of 6 columns fit); a workbook holding more is refused whole.
    pub const MAX_BOOK_CELLS: u64 = 600_000;
    /// Merged ranges applied per sheet, and the cells they may fill in total; merges
    /// beyond are reported and not applied.
    pub const MAX_MERGES: usize = 2_000;
    pub const MAX_MERGED_CELLS: u64 = 20_000;
    /// Hard limits of the isolated reader process (one per workbook): address space,
    /// CPU time, and the wall-clock time after which the parent kills it. Workers run at
    /// most one per core at a time.
    pub const WORKER_MEMORY_BYTES: u64 = 512 * 1024 * 1024;
    pub const WORKER_CPU_SECONDS: u64 = 20;
    pub const WORKER_WALL_SECONDS: u64 = 30;
    /// Problems of one code in one sheet listed one by one; the rest are summed up in one
    /// diagnostic ("另有 N 行同类问题").
    pub const REPEATS_SHOWN: usize = 20;
    /// Bytes of JSON a worker may answer with (far above what MAX_BOOK_CELLS produces).
    pub const WORKER_OUTPUT_BYTES: u64 = 256 * 1024 * 1024;
}

/// Column letters of a zero-based column (0 → A, 26 → AA).
pub fn col_letters(col: u32) -> String {
    zhiliang_core::diagnostics::Cell::new(0, col).column_letters()
}

/// A structural fingerprint of the catalogue (keys, kinds, options of facts and lists, and
/// which indicator reads what): stored in each form so an old form can be recognised.
/// Wording changes do not change it. FNV-1a 64, hex.
pub fn catalogue_hash(catalogue: &zhiliang_core::catalogue::Catalogue) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0u8)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &catalogue.facts {
        feed(&f.key);
        feed(&format!("{:?}", f.kind));
        for o in &f.options {
            feed(o);
        }
    }
    for l in &catalogue.lists {
        feed(&l.key);
        for f in &l.fields {
            feed(&f.key);
            feed(&format!("{:?}", f.kind));
            for o in &f.options {
                feed(o);
            }
        }
    }
    for s in &catalogue.series {
        feed(&s.key);
    }
    for i in &catalogue.indicators {
        feed(&i.id.to_string());
        for k in i.facts.iter().chain(&i.lists) {
            feed(k);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(col_letters(0), "A");
        assert_eq!(col_letters(27), "AB");
    }
}
