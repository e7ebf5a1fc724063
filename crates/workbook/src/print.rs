//! How a form prints and how tall its rows are: A4, all columns on one page width,
//! repeated header rows, 页眉/页脚, and row heights that fit wrapped Chinese text.
//!
//! Excel and WPS do not grow a row to fit wrapped text that a program wrote, so without
//! explicit heights the lines of long cells overlap or are cut off on screen and on paper.
//! [`row_height`] estimates the lines each cell needs from its text and its column's
//! width; it is a pure function so the estimate can be tested without a spreadsheet.

use rust_xlsxwriter::{Worksheet, XlsxError};

/// Points per wrapped line at the default 11 pt font. Excel gives a one-line row 15 pt
/// (Calibri) or 14.25 pt (等线); LibreOffice's CJK fallback fonts need about 15.5 pt, so
/// 15.5 keeps the last line of a long cell visible in both.
pub const LINE_POINTS: f64 = 15.5;
/// Room above and below the text of a row (points).
pub const ROW_PADDING: f64 = 4.0;
/// Column-width units a cell loses to its inner margins and to line breaking (a line
/// cannot start with “，” or “。”, so a CJK line often ends one character short).
pub const WRAP_SLACK: f64 = 2.0;
/// Rows are never set lower than this (points): the default height of an 11 pt row.
pub const MIN_ROW_POINTS: f64 = 15.0;
/// Excel's limit for a row height (points).
pub const MAX_ROW_POINTS: f64 = 409.0;

/// A4 in Excel's paper-size codes.
pub const PAPER_A4: u8 = 9;
/// Sheets whose visible columns are wider than this (Excel width units) print landscape;
/// the printable width of a portrait A4 page with [`MARGINS`] is about 100 units.
pub const PORTRAIT_MAX_UNITS: f64 = 104.0;
/// Page margins in inches: left, right, top, bottom, header, footer.
pub const MARGINS: [f64; 6] = [0.4, 0.4, 0.65, 0.6, 0.3, 0.3];

/// Width of a character in column-width units at 11 pt: ideographs, kana, hangul,
/// full-width forms and CJK punctuation (including “” ‘’ …, which Chinese fonts draw
/// full-width) count 2; everything else 1.
pub fn char_units(c: char) -> f64 {
    let wide = matches!(c as u32,
        0x1100..=0x115F          // hangul jamo
        | 0x2018..=0x201F        // ‘ ’ “ ” and friends
        | 0x2026                 // …
        | 0x2E80..=0x303E        // CJK radicals, punctuation (、。〔〕《》)
        | 0x3041..=0x33FF        // kana, CJK symbols
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK unified ideographs
        | 0xA000..=0xA4CF        // Yi
        | 0xAC00..=0xD7A3        // hangul syllables
        | 0xF900..=0xFAFF        // compatibility ideographs
        | 0xFE30..=0xFE4F        // CJK compatibility forms
        | 0xFF00..=0xFF60        // full-width forms （），：；
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD); // supplementary ideographs
    if wide { 2.0 } else { 1.0 }
}

/// Width of a text in column-width units (see [`char_units`]).
pub fn text_units(text: &str) -> f64 {
    text.chars().map(char_units).sum()
}

/// Lines a wrapped cell of `width` units shows `text` in: each explicit line (`\n`) takes
/// at least one line, and a line is filled character by character up to the width less
/// [`WRAP_SLACK`]. An empty text takes one line.
pub fn wrapped_lines(text: &str, width: f64) -> u32 {
    let room = (width - WRAP_SLACK).max(2.0);
    text.trim_end_matches(['\n', '\r'])
        .split('\n')
        .map(|line| {
            let mut lines = 1;
            let mut used = 0.0;
            for c in line.trim_end_matches('\r').chars() {
                let w = char_units(c);
                if used + w > room && used > 0.0 {
                    lines += 1;
                    used = 0.0;
                }
                used += w;
            }
            lines
        })
        .sum()
}

/// Height in points of a row whose wrapped cells hold these (text, column width) pairs:
/// the tallest cell's lines × [`LINE_POINTS`] plus [`ROW_PADDING`], at least
/// [`MIN_ROW_POINTS`] and at most Excel's 409, rounded up to whole pixels (¾ pt), which is
/// how the file stores it.
pub fn row_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>) -> f64 {
    let lines = cells
        .into_iter()
        .filter(|(text, _)| !text.is_empty())
        .map(|(text, width)| wrapped_lines(text, width))
        .max()
        .unwrap_or(1);
    let points = lines as f64 * LINE_POINTS + ROW_PADDING;
    ((points / 0.75).ceil() * 0.75).clamp(MIN_ROW_POINTS, MAX_ROW_POINTS)
}

/// Text for a 页眉/页脚: `&` is a control character there, so a literal one is doubled.
pub fn header_text(text: &str) -> String {
    text.replace('&', "&&")
}

/// The page setup every printed sheet of a form shares.
pub struct PageSetup<'a> {
    /// Sum of the visible columns' widths (units), to choose the orientation.
    pub width_units: f64,
    /// Rows repeated at the top of every page (first, last), zero-based.
    pub repeat_rows: Option<(u32, u32)>,
    /// Left part of the 页眉 (the form's title).
    pub title: &'a str,
    /// Right part of the 页眉 (the unit).
    pub unit: &'a str,
    /// Fit the whole sheet on one page (the cover), not only its width.
    pub one_page: bool,
}

impl PageSetup<'_> {
    /// Whether the sheet prints landscape.
    pub fn landscape(&self) -> bool {
        self.width_units > PORTRAIT_MAX_UNITS
    }

    /// A4, landscape if wide, every column on one page width (as many pages down as
    /// needed), header rows repeated, centred, and 页眉 (title, unit) and 页脚 (sheet name,
    /// 第 N 页，共 M 页).
    pub fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        ws.set_paper_size(PAPER_A4);
        if self.landscape() {
            ws.set_landscape();
        } else {
            ws.set_portrait();
        }
        ws.set_print_fit_to_pages(1, if self.one_page { 1 } else { 0 });
        if let Some((first, last)) = self.repeat_rows {
            ws.set_repeat_rows(first, last)?;
        }
        let [left, right, top, bottom, header, footer] = MARGINS;
        ws.set_margins(left, right, top, bottom, header, footer);
        ws.set_print_center_horizontally(true);
        ws.set_header(format!(
            "&L{}&R{}",
            header_text(self.title),
            header_text(self.unit)
        ));
        ws.set_footer("&L&A&C第 &P 页，共 &N 页");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_two_units_latin_one() {
        assert_eq!(text_units("质量"), 4.0);
        assert_eq!(text_units("GB/T 1"), 6.0);
        assert_eq!(text_units("（2分）。"), 9.0);
        assert_eq!(text_units("“品牌日”"), 10.0);
        assert_eq!(text_units(""), 0.0);
    }

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(wrapped_lines("", 30.0), 1);
        assert_eq!(wrapped_lines("牵头", 6.0), 1);
        // 14 ideographs (28 units) fill a 30-unit column exactly.
        assert_eq!(wrapped_lines(&"质".repeat(14), 30.0), 1);
        assert_eq!(wrapped_lines(&"质".repeat(15), 30.0), 2);
    }

    #[test]
    fn long_text_wraps_by_width() {
        // 100 ideographs in a 50-unit column: 24 per line → 5 lines.
        assert_eq!(wrapped_lines(&"质".repeat(100), 50.0), 5);
        // The same text in a column half as wide takes about twice the lines.
        assert_eq!(wrapped_lines(&"质".repeat(100), 26.0), 9);
        // Latin text is half as wide.
        assert_eq!(wrapped_lines(&"a".repeat(100), 50.0), 3);
    }

    #[test]
    fn explicit_newlines_count() {
        assert_eq!(wrapped_lines("填报值\n（比率填分子）", 22.0), 2);
        assert_eq!(wrapped_lines("a\n\nb", 30.0), 3);
        // A trailing newline adds no line; a long line after a newline still wraps.
        assert_eq!(wrapped_lines("a\n", 30.0), 1);
        assert_eq!(
            wrapped_lines(&format!("标题\n{}", "质".repeat(30)), 30.0),
            4
        );
    }

    #[test]
    fn a_character_wider_than_the_column_still_fits_one_per_line() {
        assert_eq!(wrapped_lines("质量", 1.0), 2);
    }

    #[test]
    fn row_height_follows_the_tallest_cell() {
        // One line: 15.5 + 4 = 19.5 pt, 26 pixels.
        assert_eq!(row_height(std::iter::empty()), 19.5);
        assert_eq!(row_height([("", 30.0)]), 19.5);
        assert_eq!(row_height([("牵头", 6.0)]), 19.5);
        let long = "质".repeat(100);
        // Five lines: 81.5 pt, rounded up to 109 pixels.
        assert_eq!(
            row_height([("牵头", 6.0), (long.as_str(), 50.0), ("", 10.0)]),
            81.75
        );
        // Never above Excel's limit.
        assert_eq!(row_height([("质".repeat(5000).as_str(), 10.0)]), 409.0);
    }

    #[test]
    fn ampersands_are_escaped_in_headers() {
        assert_eq!(header_text("A&B"), "A&&B");
        assert_eq!(header_text("区市场监督管理局"), "区市场监督管理局");
    }

    #[test]
    fn wide_sheets_print_landscape() {
        let setup = |w| PageSetup {
            width_units: w,
            repeat_rows: None,
            title: "",
            unit: "",
            one_page: false,
        };
        assert!(!setup(100.0).landscape());
        assert!(setup(223.0).landscape());
    }
}
