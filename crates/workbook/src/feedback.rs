//! 问题反馈表: one workbook per unit listing that unit's problems, with the cell to fix and
//! what to do, ready to send back with the unit's own form.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use zhiliang_core::diagnostics::{Diagnostic, Severity, sort};
use zhiliang_core::units::{Roster, Unit};

/// Excel's limit on the characters of one cell.
pub const CELL_CHARS: usize = 32_767;

/// A text that fits one Excel cell: a longer one (a pasted report in a 备注, an echoed
/// value) is cut with a visible note saying how much was left out, instead of failing the
/// whole workbook.
pub fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    // Excel counts UTF-16 code units; leave room for the note.
    if text.encode_utf16().count() <= CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let total = text.chars().count();
    let mut kept = String::new();
    let mut units = 0;
    for c in text.chars() {
        units += c.len_utf16();
        if units > CELL_CHARS - 40 {
            break;
        }
        kept.push(c);
    }
    let omitted = total - kept.chars().count();
    kept.push_str(&format!("……（以下省略{omitted}字）"));
    std::borrow::Cow::Owned(kept)
}

/// The feedback workbook of one unit: its diagnostics only (by `location.unit`).
pub fn write_feedback(unit: &Unit, diagnostics: &[Diagnostic]) -> Result<Vec<u8>, XlsxError> {
    let mut mine: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.location.unit.as_deref() == Some(unit.name.as_str()))
        .cloned()
        .collect();
    sort(&mut mine);

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("问题清单")?;
    let border = Format::new().set_border(FormatBorder::Thin);
    let header = border
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_align(FormatAlign::Center);
    let text = border
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let error = text.clone().set_font_color(Color::RGB(0xC00000));
    let title = Format::new().set_bold().set_font_size(14);

    let errors = mine
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    ws.merge_range(
        0,
        0,
        0,
        9,
        &format!(
            "{}填报问题清单（错误{}项，警告{}项）",
            unit.full_name,
            errors,
            mine.len() - errors
        ),
        &title,
    )?;
    ws.merge_range(
        1,
        0,
        1,
        9,
        if mine.is_empty() {
            "经校验，本单位报送的填报表未发现问题。"
        } else {
            "请按“处理要求”逐项修改本单位的填报表（“错误”必须修改，“警告”请核实），修改后将整份填报表重新报送专班办公室。"
        },
        &text,
    )?;
    let headers = [
        ("序号", 6.0),
        ("类别", 8.0),
        ("问题类型", 18.0),
        ("文件", 22.0),
        ("工作表", 14.0),
        ("单元格", 8.0),
        ("问题", 60.0),
        ("所填值", 18.0),
        ("处理要求", 26.0),
        ("问题代码", 18.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, d) in mine.iter().enumerate() {
        let r = 4 + i as u32;
        let f = if d.severity == Severity::Error {
            &error
        } else {
            &text
        };
        ws.write_number_with_format(r, 0, (i + 1) as f64, &text)?;
        ws.write_string_with_format(r, 1, d.severity.label(), f)?;
        ws.write_string_with_format(r, 2, d.code.title(), &text)?;
        ws.write_string_with_format(
            r,
            3,
            fit_cell(d.location.file.as_deref().unwrap_or("")).as_ref(),
            &text,
        )?;
        ws.write_string_with_format(
            r,
            4,
            fit_cell(d.location.sheet.as_deref().unwrap_or("")).as_ref(),
            &text,
        )?;
        let place = d.location.cell.as_ref().map(ToString::to_string);
        ws.write_string_with_format(r, 5, place.as_deref().unwrap_or(""), &text)?;
        ws.write_string_with_format(r, 6, fit_cell(&d.message).as_ref(), &text)?;
        ws.write_string_with_format(
            r,
            7,
            fit_cell(d.value.as_deref().unwrap_or("")).as_ref(),
            &text,
        )?;
        ws.write_string_with_format(r, 8, d.code.remedy(), &text)?;
        ws.write_string_with_format(r, 9, d.code.as_str(), &text)?;
    }
    ws.set_freeze_panes(4, 0)?;
    ws.autofilter(3, 0, 3 + mine.len().max(1) as u32, 9)?;
    wb.save_to_buffer()
}

/// The file name of a unit's feedback workbook: `<代号>-问题反馈.xlsx`.
pub fn feedback_file_name(unit: &Unit) -> String {
    format!("{}-问题反馈.xlsx", unit.id)
}

/// The feedback workbooks as (file name, bytes), in roster order, for every unit that has
/// at least one error or warning. A unit whose only notes are informational (a blank it
/// explained in 备注) has nothing to fix and gets no workbook. Writing them is the
/// caller's business (`zhiliang check --feedback` writes each atomically).
pub fn feedback_files(
    roster: &Roster,
    diagnostics: &[Diagnostic],
) -> Result<Vec<(String, Vec<u8>)>, XlsxError> {
    roster
        .units
        .iter()
        .filter(|unit| {
            diagnostics.iter().any(|d| {
                d.location.unit.as_deref() == Some(unit.name.as_str())
                    && d.severity != Severity::Info
            })
        })
        .map(|unit| Ok((feedback_file_name(unit), write_feedback(unit, diagnostics)?)))
        .collect()
}
