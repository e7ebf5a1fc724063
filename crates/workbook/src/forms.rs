//! Fill-in workbooks (填报表): one per member unit, listing exactly the indicators that
//! unit answers for, with drop-downs, validation, input messages, locked headers and the
//! hidden keys that [`mod@crate::ingest`] reads back (see [`crate::layout`]).
//!
//! [`fill_form`] writes the same workbook with values in it: the example campaign and the
//! round-trip tests use it, so "what the form looks like" and "what ingest reads" are
//! tested against each other.

use chrono::Datelike;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, ProtectionOptions, Workbook, Worksheet,
    XlsxError,
};
use std::collections::BTreeMap;
use zhiliang_core::Setup;
use zhiliang_core::catalogue::{Catalogue, FactDef, FieldDef, FieldKind, Indicator};
use zhiliang_core::config::{Campaign, chinese_date};
use zhiliang_core::facts::{Submission, Value};
use zhiliang_core::series::SeriesDef;
use zhiliang_core::units::{Roster, Unit};

use crate::layout::{self, narrative_col, scalar_col};
use crate::plan::{FieldAttrs, FormPlan, PlannedList, Role};
use crate::print::{self, PageSetup};

#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("生成填报表失败：{0}")]
    Xlsx(#[from] XlsxError),
    #[error("{unit}的填报表中没有“{key}”这一项，无法填入")]
    NotInForm { unit: String, key: String },
}

/// Options of [`fill_form_with`] used to build deliberately faulty example workbooks.
#[derive(Debug, Clone, Default)]
pub struct FillOptions {
    /// Write this name on the cover instead of the unit's full name.
    pub cover_unit: Option<String>,
    /// Write this raw text into the value cell of the fact (key), as a user might type it.
    pub raw_values: BTreeMap<String, String>,
    /// Write this raw text into the denominator cell of a rate fact (key).
    pub raw_denominators: BTreeMap<String, String>,
    /// Write this 备注 for the fact (key), e.g. why a value is left blank.
    pub notes: BTreeMap<String, String>,
}

/// The blank fill-in workbook of one unit.
pub fn write_form(setup: &Setup, unit: &Unit) -> Result<Vec<u8>, FormError> {
    build(
        &setup.catalogue,
        &setup.roster,
        &setup.campaign,
        unit,
        None,
        &FillOptions::default(),
    )
}

/// The unit's workbook with the submission's values filled in. Every value must have a
/// place in the unit's form ([`FormError::NotInForm`] otherwise), so a round trip through
/// [`mod@crate::ingest`] gives back exactly the submission.
pub fn fill_form(
    setup: &Setup,
    unit: &Unit,
    submission: &Submission,
) -> Result<Vec<u8>, FormError> {
    build(
        &setup.catalogue,
        &setup.roster,
        &setup.campaign,
        unit,
        Some(submission),
        &FillOptions::default(),
    )
}

/// [`fill_form`] with overrides for faulty examples and tests.
pub fn fill_form_with(
    setup: &Setup,
    unit: &Unit,
    submission: &Submission,
    options: &FillOptions,
) -> Result<Vec<u8>, FormError> {
    build(
        &setup.catalogue,
        &setup.roster,
        &setup.campaign,
        unit,
        Some(submission),
        options,
    )
}

/// The file name of a unit's blank form: `<代号>-<单位>.xlsx` (`zhujian-区住建局.xlsx`), so
/// the office can tell the files apart and the unit finds its own.
pub fn form_file_name(unit: &Unit) -> String {
    format!("{}-{}.xlsx", unit.id, unit.name)
}

/// Every roster unit's blank form as (file name, bytes), in roster order. Writing them is
/// the caller's business (the `zhiliang forms` command writes each atomically).
pub fn form_files(setup: &Setup) -> Result<Vec<(String, Vec<u8>)>, FormError> {
    setup
        .roster
        .units
        .iter()
        .map(|unit| {
            let bytes = write_form(setup, unit)?;
            Ok((form_file_name(unit), bytes))
        })
        .collect()
}

/// Cell formats used throughout a form.
struct Formats {
    title: Format,
    header: Format,
    text: Format,
    input: Format,
    input_date: Format,
    input_wrap: Format,
    na: Format,
}

impl Formats {
    fn new() -> Self {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
        let input = border(Format::new())
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF2CC))
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            header: border(Format::new())
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xD9D9D9)),
            text: border(Format::new())
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            input_date: input.clone().set_num_format("yyyy-mm-dd"),
            input_wrap: input.clone().set_text_wrap(),
            input,
            na: border(Format::new()).set_background_color(Color::RGB(0xEEEEEE)),
        }
    }

    fn for_kind(&self, kind: FieldKind) -> &Format {
        match kind {
            FieldKind::Date => &self.input_date,
            FieldKind::Text | FieldKind::Doc => &self.input_wrap,
            _ => &self.input,
        }
    }
}

/// The form's title, as on the cover and in every sheet's 页眉.
fn form_title(campaign: &Campaign) -> String {
    format!(
        "{}创建山东省质量强区 数据填报表",
        campaign.district.short_name
    )
}

/// What every printed sheet of a unit's form shares: the 页眉's title and unit.
struct Pages<'a> {
    title: &'a str,
    unit: &'a str,
}

impl Pages<'_> {
    /// A4 print setup of a sheet whose visible columns are `width_units` wide; data sheets
    /// repeat their header row (and the hidden key row above it) on every page.
    fn apply(
        &self,
        ws: &mut Worksheet,
        width_units: f64,
        repeat_header: bool,
        one_page: bool,
    ) -> Result<(), XlsxError> {
        PageSetup {
            width_units,
            repeat_rows: repeat_header.then_some((layout::KEY_ROW, layout::HEADER_ROW)),
            title: self.title,
            unit: self.unit,
            one_page,
        }
        .apply(ws)
    }
}

fn build(
    catalogue: &Catalogue,
    roster: &Roster,
    campaign: &Campaign,
    unit: &Unit,
    submission: Option<&Submission>,
    options: &FillOptions,
) -> Result<Vec<u8>, FormError> {
    let plan = FormPlan::new(catalogue, roster, unit);
    if let Some(sub) = submission {
        check_placeable(catalogue, &plan, unit, sub)?;
    }
    let fmt = Formats::new();
    let mut wb = Workbook::new();
    // A fixed creation time (the campaign's reference date) keeps regenerated forms
    // byte-identical, so archives and git diffs only change when content does.
    let created = excel_date(campaign.dates.reference_date)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{}填报表", unit.full_name))
            .set_author(campaign.district.issuer.clone())
            .set_creation_datetime(&created),
    );
    let mut options_sheet = OptionsSheet::default();
    let title = form_title(campaign);
    let pages = Pages {
        title: &title,
        unit: &unit.full_name,
    };

    // Each sheet writer returns the width of the columns it shows, for its print setup.
    // The cover prints on one page: instructions and the sheet list, as the clerk files it.
    let ws = wb.add_worksheet();
    let width = write_cover(ws, &fmt, campaign, unit, &plan, submission, options)?;
    pages.apply(ws, width, false, true)?;
    let ws = wb.add_worksheet();
    let width = write_scalars(
        ws,
        &fmt,
        campaign,
        &plan,
        submission,
        options,
        &mut options_sheet,
    )?;
    pages.apply(ws, width, true, false)?;
    for list in &plan.lists {
        let ws = wb.add_worksheet();
        let width = write_list(ws, &fmt, list, submission, &mut options_sheet)?;
        pages.apply(ws, width, true, false)?;
    }
    let ws = wb.add_worksheet();
    let width = write_narratives(ws, &fmt, &plan, submission)?;
    pages.apply(ws, width, true, false)?;
    let series: Vec<&SeriesDef> = catalogue
        .series
        .iter()
        .filter(|s| s.responsible == unit.name)
        .collect();
    if !series.is_empty() {
        let ws = wb.add_worksheet();
        let width = write_series(ws, &fmt, catalogue, campaign, &series, submission)?;
        pages.apply(ws, width, true, false)?;
    }

    let opts = wb.add_worksheet();
    opts.set_name(layout::OPTIONS)?;
    for (col, list) in options_sheet.lists.iter().enumerate() {
        for (row, o) in list.iter().enumerate() {
            opts.write_string(row as u32, col as u16, o)?;
        }
    }
    opts.set_hidden(true);

    let meta = wb.add_worksheet();
    meta.set_name(layout::META)?;
    let rows = [
        (layout::META_VERSION, layout::FORM_VERSION.to_string()),
        (layout::META_HASH, layout::catalogue_hash(catalogue)),
        (layout::META_UNIT_ID, unit.id.clone()),
        (layout::META_UNIT, unit.name.clone()),
        ("catalogue", catalogue.title.clone()),
        (
            "evaluation_year",
            campaign.dates.evaluation_year.to_string(),
        ),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        meta.write_string(i as u32, 0, *k)?;
        meta.write_string(i as u32, 1, v)?;
    }
    meta.set_very_hidden(true);
    wb.define_name(
        "zhiliang_catalogue_hash",
        &format!("={}!$B$2", layout::META),
    )?;

    Ok(wb.save_to_buffer()?)
}

/// Every value of the submission must have a cell in the unit's form.
fn check_placeable(
    catalogue: &Catalogue,
    plan: &FormPlan,
    unit: &Unit,
    sub: &Submission,
) -> Result<(), FormError> {
    let missing = |key: &str| FormError::NotInForm {
        unit: unit.name.clone(),
        key: key.to_string(),
    };
    for s in &sub.scalars {
        if !plan.scalars.iter().any(|p| p.def.key == s.key) {
            return Err(missing(&s.key));
        }
    }
    for r in &sub.records {
        let Some(list) = plan.lists.iter().find(|l| l.def.key == r.list) else {
            return Err(missing(&r.list));
        };
        for k in r.fields.keys() {
            if !list.def.fields.iter().any(|f| f.key == *k) {
                return Err(missing(&format!("{}.{}", r.list, k)));
            }
        }
    }
    for id in sub.narratives.keys() {
        if plan.role_of(*id).is_none() {
            return Err(missing(&format!("指标{id}工作情况")));
        }
    }
    for s in &sub.series {
        if !catalogue
            .series
            .iter()
            .any(|d| d.key == s.key && d.responsible == unit.name)
        {
            return Err(missing(&format!("年度数据“{}”", s.key)));
        }
    }
    Ok(())
}

/// Long drop-down lists live on a hidden sheet (Excel caps inline lists at 255 characters).
#[derive(Default)]
struct OptionsSheet {
    lists: Vec<Vec<String>>,
}

impl OptionsSheet {
    fn validation(&mut self, options: &[String]) -> Result<DataValidation, XlsxError> {
        let inline: usize = options.iter().map(|o| o.chars().count() + 1).sum();
        if inline < 200 && options.iter().all(|o| !o.contains(',')) {
            return DataValidation::new().allow_list_strings(options);
        }
        let col = match self.lists.iter().position(|l| l == options) {
            Some(c) => c,
            None => {
                self.lists.push(options.to_vec());
                self.lists.len() - 1
            }
        };
        let letters = layout::col_letters(col as u32);
        let formula = format!(
            "='{}'!${letters}$1:${letters}${}",
            layout::OPTIONS,
            options.len()
        );
        Ok(DataValidation::new().allow_list_formula(formula.as_str().into()))
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The validation (drop-down, number/date range) and input message of one input cell,
/// titled with the field's label.
fn validation_for(
    field: &FieldAttrs,
    sheet_options: &mut OptionsSheet,
) -> Result<DataValidation, XlsxError> {
    let FieldAttrs {
        kind,
        options,
        min,
        max,
        unit_of_measure,
        label: title,
        help,
    } = *field;
    let f = |d: Option<Decimal>, default: f64| d.and_then(|d| d.to_f64()).unwrap_or(default);
    let i = |d: Option<Decimal>, default: i32| d.and_then(|d| d.to_i32()).unwrap_or(default);
    let (v, hint) = match kind {
        FieldKind::Bool => (
            DataValidation::new().allow_list_strings(&["是", "否"])?,
            "请从下拉列表中选择“是”或“否”。".to_string(),
        ),
        FieldKind::Choice => (
            sheet_options.validation(options)?,
            format!("请从下拉列表中选择：{}。", options.join("、")),
        ),
        FieldKind::Number => (
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(f(min, -1e15), f(max, 1e15)))
                .set_error_style(DataValidationErrorStyle::Warning),
            format!(
                "请填写阿拉伯数字{}，不要带单位或文字。",
                if unit_of_measure.is_empty() { String::new() } else { format!("（单位：{unit_of_measure}）") }
            ),
        ),
        FieldKind::Count => (
            DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(i(min, 0), i(max, i32::MAX)))
                .set_error_style(DataValidationErrorStyle::Warning),
            "请填写不小于0的整数。".to_string(),
        ),
        FieldKind::Rate => (
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
                .set_error_style(DataValidationErrorStyle::Warning),
            "比率请分别填写分子和分母（数量），不要填写百分数。".to_string(),
        ),
        FieldKind::Date => (
            DataValidation::new()
                .allow_date(DataValidationRule::Between(
                    ExcelDateTime::from_ymd(1990, 1, 1)?,
                    ExcelDateTime::from_ymd(2100, 12, 31)?,
                ))
                .set_error_style(DataValidationErrorStyle::Warning),
            "请按“2022-07-20”格式填写日期。".to_string(),
        ),
        FieldKind::Year => (
            DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(i(min, 1990), i(max, 2100)))
                .set_error_style(DataValidationErrorStyle::Warning),
            "请填写四位年份，如2021。".to_string(),
        ),
        FieldKind::Text => (DataValidation::new().allow_any_value(), "请填写文字。".to_string()),
        FieldKind::Doc => (
            DataValidation::new().allow_any_value(),
            "请填写文件名称及文号，如《章丘区质量强区工作实施方案》（章政办发〔2022〕11号）；没有请留空。"
                .to_string(),
        ),
    };
    // For free text and documents the catalogue's help already says what to write.
    let message = if help.trim().is_empty() {
        hint
    } else if matches!(kind, FieldKind::Text | FieldKind::Doc) {
        help.trim().to_string()
    } else {
        format!("{}\n{hint}", help.trim())
    };
    v.set_input_title(clip(title, 30))?
        .set_input_message(clip(&message, 250))
}

fn write_cover(
    ws: &mut Worksheet,
    fmt: &Formats,
    campaign: &Campaign,
    unit: &Unit,
    plan: &FormPlan,
    submission: Option<&Submission>,
    options: &FillOptions,
) -> Result<f64, FormError> {
    ws.set_name(layout::COVER)?;
    for (c, w) in COVER_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let full_width: f64 = COVER_WIDTHS.iter().sum();
    ws.merge_range(0, 0, 0, 3, &form_title(campaign), &fmt.title)?;
    ws.set_row_height(0, 24)?;
    cover_fields(ws, fmt, unit, submission, options)?;
    let row = cover_notes(ws, fmt, campaign, unit)?;
    cover_contents(ws, fmt, plan, row + 1)?;
    ws.protect_with_options(&protection(false));
    ws.set_active(true);
    Ok(full_width)
}

/// Column widths of the cover.
const COVER_WIDTHS: [f64; 4] = [16.0, 28.0, 28.0, 28.0];

/// The cover's 填报单位, 联系人, 联系电话 and 报送日期 rows.
fn cover_fields(
    ws: &mut Worksheet,
    fmt: &Formats,
    unit: &Unit,
    submission: Option<&Submission>,
    options: &FillOptions,
) -> Result<(), FormError> {
    let full_width: f64 = COVER_WIDTHS.iter().sum();
    let contact = submission.and_then(|s| s.contact.as_ref());
    let unit_name = options
        .cover_unit
        .clone()
        .unwrap_or_else(|| unit.full_name.clone());
    ws.write_string_with_format(2, 0, layout::COVER_UNIT, &fmt.header)?;
    ws.merge_range(2, 1, 2, 3, &unit_name, &fmt.text)?;
    ws.set_row_height(
        2,
        print::row_height([(unit_name.as_str(), full_width - COVER_WIDTHS[0])]),
    )?;
    let fields = [
        (3, layout::COVER_CONTACT, contact.map(|c| c.name.clone())),
        (4, layout::COVER_PHONE, contact.map(|c| c.phone.clone())),
    ];
    for (row, label, value) in fields {
        ws.write_string_with_format(row, 0, label, &fmt.header)?;
        ws.merge_range(row, 1, row, 3, value.as_deref().unwrap_or(""), &fmt.input)?;
    }
    ws.write_string_with_format(5, 0, layout::COVER_DATE, &fmt.header)?;
    ws.merge_range(5, 1, 5, 3, "", &fmt.input_date)?;
    if let Some(d) = contact.and_then(|c| c.submitted_on) {
        ws.write_datetime_with_format(5, 1, &excel_date(d)?, &fmt.input_date)?;
    }
    let date_rule = DataValidation::new()
        .allow_date(DataValidationRule::Between(
            ExcelDateTime::from_ymd(2000, 1, 1)?,
            ExcelDateTime::from_ymd(2100, 12, 31)?,
        ))
        .set_input_title("报送日期")?
        .set_input_message("请按“2022-07-20”格式填写报送日期。")?;
    ws.add_data_validation(5, 1, 5, 1, &date_rule)?;
    Ok(())
}

/// The cover's 填报说明, numbered lines; the row after the last.
fn cover_notes(
    ws: &mut Worksheet,
    fmt: &Formats,
    campaign: &Campaign,
    unit: &Unit,
) -> Result<u32, FormError> {
    let full_width: f64 = COVER_WIDTHS.iter().sum();
    let lines = [
        "本表由专班办公室根据《任务分解表》生成，只列出本单位“牵头”的指标和各成员单位均可“配合”填报的指标。牵头指标须逐项如实填写；配合指标有相关工作和材料的填写，没有的可留空。".to_string(),
        "请只在浅黄色单元格中填写。表头和灰色单元格已锁定，请勿修改、删除或重命名工作表，不要改动隐藏的行和列；可以调整行高列宽。".to_string(),
        "数值请直接填写阿拉伯数字，不带单位；比率请在“填报值”和“分母”两格分别填写分子和分母（如应检100家、已检100家，分子填100、分母填100），不要填写百分数。".to_string(),
        format!(
            "日期请按“2022-07-20”格式填写；“统计年度”一栏已注明数据所属年度（评价年度为{}年，“前一年度”即{}年），近一年、近三年等以{}为截止日。",
            campaign.dates.evaluation_year,
            campaign.dates.evaluation_year - 1,
            chinese_date(campaign.dates.reference_date)
        ),
        format!(
            "每项有得分的数据都须在“证明材料”栏填写证明文件的文件名（含扩展名，文件放在 evidence/{}/ 文件夹中随本表一并报送），或填写文件的文号（如“章政发〔2022〕11号”）；多个材料用“；”分隔。",
            unit.id
        ),
        "各清单工作表（如“表彰与报道”）每行填写一条记录，预留行不够可插入行；“工作情况”表请简要填写本单位相关工作的开展情况，供撰写自评报告使用。".to_string(),
        "请按各指标的完成时限将本表连同证明材料报送专班办公室；专班办公室校验后如有问题，会将问题清单反馈本单位。".to_string(),
    ];
    ws.write_string_with_format(7, 0, "填报说明", &fmt.header)?;
    let mut row = 8;
    for (i, line) in lines.iter().enumerate() {
        let text = format!("{}. {line}", i + 1);
        ws.merge_range(row, 0, row, 3, &text, &fmt.text)?;
        ws.set_row_height(row, print::row_height([(text.as_str(), full_width)]))?;
        row += 1;
    }
    Ok(row)
}

/// The cover's table of the form's sheets, their contents and indicators, from `row`.
fn cover_contents(
    ws: &mut Worksheet,
    fmt: &Formats,
    plan: &FormPlan,
    mut row: u32,
) -> Result<(), FormError> {
    ws.write_string_with_format(row, 0, "工作表", &fmt.header)?;
    ws.write_string_with_format(row, 1, "内容", &fmt.header)?;
    ws.write_string_with_format(row, 2, "涉及指标", &fmt.header)?;
    ws.write_string_with_format(row, 3, "本单位责任", &fmt.header)?;
    row += 1;
    let ids = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
    let lead_any = |v: &[u32]| {
        if v.iter().any(|i| plan.role_of(*i) == Some(Role::Lead)) {
            "牵头"
        } else {
            "配合"
        }
    };
    let all_ids: Vec<u32> = plan
        .scalars
        .iter()
        .flat_map(|p| p.indicators.clone())
        .collect();
    let mut contents = vec![(
        layout::SCALARS.to_string(),
        "各项数值、是否、文件类数据".to_string(),
        dedup(all_ids),
    )];
    for l in &plan.lists {
        contents.push((
            l.sheet.clone(),
            format!("{}（每行一条）", l.def.label),
            l.indicators.clone(),
        ));
    }
    contents.push((
        layout::NARRATIVES.to_string(),
        "各指标工作开展情况".to_string(),
        plan.indicators.iter().map(|(i, _)| i.id).collect(),
    ));
    for (sheet, what, inds) in contents {
        let id_text = ids(&inds);
        ws.write_string_with_format(row, 0, &sheet, &fmt.text)?;
        ws.write_string_with_format(row, 1, &what, &fmt.text)?;
        ws.write_string_with_format(row, 2, &id_text, &fmt.text)?;
        ws.write_string_with_format(row, 3, lead_any(&inds), &fmt.text)?;
        ws.set_row_height(
            row,
            print::row_height([
                (sheet.as_str(), COVER_WIDTHS[0]),
                (what.as_str(), COVER_WIDTHS[1]),
                (id_text.as_str(), COVER_WIDTHS[2]),
            ]),
        )?;
        row += 1;
    }
    Ok(())
}

fn dedup(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

fn protection(rows_editable: bool) -> ProtectionOptions {
    ProtectionOptions {
        format_columns: true,
        format_rows: true,
        insert_rows: rows_editable,
        delete_rows: rows_editable,
        sort: rows_editable,
        use_autofilter: rows_editable,
        ..ProtectionOptions::default()
    }
}

/// 指标内容 shortened to its first sentence, for the scalar sheet.
fn short_content(ind: &Indicator) -> String {
    let text = ind.text.trim();
    let first = text.split(['。', '\n']).next().unwrap_or(text);
    clip(first, 40)
}

fn period(def_year_offset: Option<i32>, kind: FieldKind, campaign: &Campaign) -> String {
    match def_year_offset {
        Some(o) => format!("{}年", campaign.dates.evaluation_year + o),
        None if kind == FieldKind::Date => "填写具体日期".to_string(),
        None => format!("截至{}", chinese_date(campaign.dates.reference_date)),
    }
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn dec(n: Decimal) -> f64 {
    n.to_f64().unwrap_or(0.0)
}

/// Writes a typed value into an input cell (keeping the input format).
fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Value,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Value::Text(s) => ws.write_string_with_format(row, col, s, format)?,
        Value::Number(n) => ws.write_number_with_format(row, col, dec(*n), format)?,
        Value::Bool(b) => {
            ws.write_string_with_format(row, col, if *b { "是" } else { "否" }, format)?
        }
        Value::Date(d) => ws.write_datetime_with_format(row, col, &excel_date(*d)?, format)?,
        // A rate in a single-cell field (not produced by the catalogue's kinds) is written as
        // "num/den" text so that nothing is lost.
        Value::Rate { num, den } => ws.write_string_with_format(
            row,
            col,
            format!("{}/{}", num.normalize(), den.normalize()),
            format,
        )?,
    };
    Ok(())
}

const SCALAR_COLUMNS: [(&str, &str, f64); 12] = [
    ("", "数据项代码", 4.0),
    (scalar_col::INDICATOR, "指标序号", 8.0),
    (scalar_col::CONTENT, "指标内容", 30.0),
    (scalar_col::ROLE, "责任", 6.0),
    (scalar_col::LABEL, "数据项", 30.0),
    (scalar_col::UNIT, "计量单位", 9.0),
    (scalar_col::PERIOD, "统计年度", 14.0),
    (scalar_col::VALUE, "填报值\n（比率填分子）", 22.0),
    (scalar_col::DENOMINATOR, "分母\n（仅比率填写）", 14.0),
    (scalar_col::EVIDENCE, "证明材料\n（文件名或文号）", 30.0),
    (scalar_col::NOTE, "备注", 20.0),
    (scalar_col::HELP, "填写说明", 40.0),
];

fn col_of(key: &str) -> u16 {
    SCALAR_COLUMNS
        .iter()
        .position(|(k, _, _)| *k == key)
        .expect("known column") as u16
}

/// Width of a 数据填报 column.
fn width_of(key: &str) -> f64 {
    SCALAR_COLUMNS[col_of(key) as usize].2
}

fn write_scalars(
    ws: &mut Worksheet,
    fmt: &Formats,
    campaign: &Campaign,
    plan: &FormPlan,
    submission: Option<&Submission>,
    options: &FillOptions,
    sheet_options: &mut OptionsSheet,
) -> Result<f64, FormError> {
    ws.set_name(layout::SCALARS)?;
    for (c, (key, header, width)) in SCALAR_COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string(
            layout::KEY_ROW,
            c,
            if c == 0 { layout::MARK_SCALARS } else { key },
        )?;
        ws.write_string_with_format(layout::HEADER_ROW, c, *header, &fmt.header)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_row_hidden(layout::KEY_ROW)?;
    ws.set_column_hidden(0)?;
    ws.set_row_height(
        layout::HEADER_ROW,
        print::row_height(SCALAR_COLUMNS.iter().map(|(_, h, w)| (*h, *w))),
    )?;

    for (row, p) in (layout::FIRST_DATA_ROW..).zip(&plan.scalars) {
        let def = p.def;
        let first = plan
            .indicators
            .iter()
            .find(|(i, _)| i.id == p.indicators[0])
            .map(|(i, _)| short_content(i))
            .unwrap_or_default();
        let ids = p
            .indicators
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("、");
        let period = period(def.year_offset, def.kind, campaign);
        // Texts of the row's wrapped cells, for its height; the inputs are added below.
        let mut texts: Vec<(&str, &str)> = vec![
            (&ids, scalar_col::INDICATOR),
            (&first, scalar_col::CONTENT),
            (&def.label, scalar_col::LABEL),
            (&def.unit, scalar_col::UNIT),
            (&period, scalar_col::PERIOD),
            (&def.help, scalar_col::HELP),
        ];
        ws.write_string(row, 0, &def.key)?;
        ws.write_string_with_format(row, col_of(scalar_col::INDICATOR), &ids, &fmt.text)?;
        ws.write_string_with_format(row, col_of(scalar_col::CONTENT), &first, &fmt.text)?;
        ws.write_string_with_format(row, col_of(scalar_col::ROLE), p.role.label(), &fmt.text)?;
        ws.write_string_with_format(row, col_of(scalar_col::LABEL), &def.label, &fmt.text)?;
        ws.write_string_with_format(row, col_of(scalar_col::UNIT), &def.unit, &fmt.text)?;
        ws.write_string_with_format(row, col_of(scalar_col::PERIOD), &period, &fmt.text)?;
        ws.write_string_with_format(row, col_of(scalar_col::HELP), &def.help, &fmt.text)?;

        scalar_inputs(ws, fmt, def, row, sheet_options)?;
        fill_scalar(ws, fmt, def, row, (submission, options), &mut texts)?;
        ws.set_row_height(
            row,
            print::row_height(texts.iter().map(|(t, k)| (*t, width_of(k)))),
        )?;
    }
    finish_keyed_sheet(ws, SCALAR_COLUMNS.iter().map(|(_, _, w)| *w), 5)
}

/// The end of a data sheet whose first column is the hidden machine key: the header rows
/// and the first `frozen` columns frozen, the sheet protected. Returns the width that
/// prints: every column but the key.
fn finish_keyed_sheet(
    ws: &mut Worksheet,
    widths: impl IntoIterator<Item = f64>,
    frozen: u16,
) -> Result<f64, FormError> {
    ws.set_freeze_panes(layout::FIRST_DATA_ROW, frozen)?;
    ws.protect_with_options(&protection(false));
    Ok(widths.into_iter().skip(1).sum())
}

/// The input cells of a 数据填报 row (value, denominator, 证明材料, 备注), with their
/// validations and input messages.
fn scalar_inputs(
    ws: &mut Worksheet,
    fmt: &Formats,
    def: &FactDef,
    row: u32,
    sheet_options: &mut OptionsSheet,
) -> Result<(), FormError> {
    let (vc, dc, ec, nc) = (
        col_of(scalar_col::VALUE),
        col_of(scalar_col::DENOMINATOR),
        col_of(scalar_col::EVIDENCE),
        col_of(scalar_col::NOTE),
    );
    let input = fmt.for_kind(def.kind);
    ws.write_blank(row, vc, input)?;
    let v = validation_for(&FieldAttrs::of_fact(def), sheet_options)?;
    ws.add_data_validation(row, vc, row, vc, &v)?;
    if def.kind == FieldKind::Rate {
        ws.write_blank(row, dc, &fmt.input)?;
        let denominator = FieldAttrs {
            kind: FieldKind::Rate,
            options: &[],
            min: None,
            max: None,
            unit_of_measure: "",
            label: &format!("{}（分母）", def.label),
            help: "",
        };
        let v = validation_for(&denominator, sheet_options)?;
        ws.add_data_validation(row, dc, row, dc, &v)?;
    } else {
        ws.write_blank(row, dc, &fmt.na)?;
    }
    ws.write_blank(row, ec, &fmt.input_wrap)?;
    let ev = DataValidation::new()
        .allow_any_value()
        .set_input_title("证明材料")?
        .set_input_message(if def.evidence {
            "本项须填写证明材料：文件名（含扩展名，文件随表报送）或文号；多个用“；”分隔。"
        } else {
            "如有证明材料，请填写文件名（含扩展名）或文号；多个用“；”分隔。"
        })?;
    ws.add_data_validation(row, ec, row, ec, &ev)?;
    ws.write_blank(row, nc, &fmt.input_wrap)?;
    Ok(())
}

/// The values of a 数据填报 row from the submission and the overrides of faulty examples;
/// the texts written are added to `texts`, for the row's height.
fn fill_scalar<'t>(
    ws: &mut Worksheet,
    fmt: &Formats,
    def: &FactDef,
    row: u32,
    (submission, options): (Option<&'t Submission>, &'t FillOptions),
    texts: &mut Vec<(&'t str, &'static str)>,
) -> Result<(), FormError> {
    let (vc, dc, ec, nc) = (
        col_of(scalar_col::VALUE),
        col_of(scalar_col::DENOMINATOR),
        col_of(scalar_col::EVIDENCE),
        col_of(scalar_col::NOTE),
    );
    let input = fmt.for_kind(def.kind);
    if let Some(sub) = submission
        && let Some(f) = sub.scalars.iter().find(|s| s.key == def.key)
    {
        match &f.value {
            Value::Rate { num, den } => {
                ws.write_number_with_format(row, vc, dec(*num), input)?;
                ws.write_number_with_format(row, dc, dec(*den), &fmt.input)?;
            }
            v => {
                write_value(ws, row, vc, v, input)?;
                if let Value::Text(t) = v {
                    texts.push((t, scalar_col::VALUE));
                }
            }
        }
        if let Some(e) = &f.evidence {
            ws.write_string_with_format(row, ec, e, &fmt.input_wrap)?;
            texts.push((e, scalar_col::EVIDENCE));
        }
        if let Some(n) = &f.note {
            ws.write_string_with_format(row, nc, n, &fmt.input_wrap)?;
            texts.push((n, scalar_col::NOTE));
        }
    }
    if let Some(raw) = options.raw_values.get(&def.key) {
        ws.write_string_with_format(row, vc, raw, input)?;
        texts.push((raw, scalar_col::VALUE));
    }
    if let Some(note) = options.notes.get(&def.key) {
        ws.write_string_with_format(row, nc, note, &fmt.input_wrap)?;
        texts.push((note, scalar_col::NOTE));
    }
    if let Some(raw) = options.raw_denominators.get(&def.key) {
        ws.write_string_with_format(row, dc, raw, &fmt.input)?;
    }
    Ok(())
}

fn field_header(f: &FieldDef) -> String {
    let mut h = f.label.clone();
    if !f.unit.is_empty() {
        h.push_str(&format!("（{}）", f.unit));
    }
    if f.required {
        h.push('*');
    }
    h
}

/// Width of a list field's column: wide for free text, and wide enough for the longest
/// drop-down option, so a chosen option is not cut off on screen or on paper.
fn list_width(f: &FieldDef) -> f64 {
    let base: f64 = match f.kind {
        FieldKind::Text | FieldKind::Doc => 30.0,
        FieldKind::Date => 13.0,
        _ => 12.0,
    };
    let longest = f
        .options
        .iter()
        .map(|o| print::text_units(o) + print::WRAP_SLACK)
        .fold(0.0, f64::max);
    base.max(longest.min(30.0))
}

/// Width of the 证明材料 column of a list sheet.
const LIST_EVIDENCE_WIDTH: f64 = 30.0;

fn write_list(
    ws: &mut Worksheet,
    fmt: &Formats,
    list: &PlannedList,
    submission: Option<&Submission>,
    sheet_options: &mut OptionsSheet,
) -> Result<f64, FormError> {
    let def = list.def;
    ws.set_name(&list.sheet)?;
    ws.write_string(
        layout::KEY_ROW,
        0,
        format!("{}{}", layout::MARK_LIST_PREFIX, def.key),
    )?;
    // Column A only carries the sheet's marker; Excel's row numbers serve as 序号.
    ws.write_string_with_format(layout::HEADER_ROW, 0, "清单代码", &fmt.header)?;
    ws.set_column_hidden(0)?;
    let records: Vec<_> = submission
        .map(|s| s.records.iter().filter(|r| r.list == def.key).collect())
        .unwrap_or_default();
    let rows = layout::LIST_ROWS.max(records.len() as u32 + 20);
    let first = layout::FIRST_DATA_ROW;
    let last = first + rows - 1;

    let mut col: u16 = 1;
    let mut headers: Vec<(String, f64)> = Vec::new();
    for f in &def.fields {
        ws.write_string(layout::KEY_ROW, col, &f.key)?;
        ws.write_string_with_format(layout::HEADER_ROW, col, field_header(f), &fmt.header)?;
        let width = list_width(f);
        headers.push((field_header(f), width));
        ws.set_column_width(col, width)?;
        // Input cells are unlocked through the column's format, not cell by cell: a form
        // with ten lists would otherwise carry ten thousand blank cells that every read
        // has to parse.
        ws.set_column_format(col, fmt.for_kind(f.kind))?;
        // The list's own help goes with its first column, not with every one.
        let help = if f.help.is_empty() && col == 1 && !def.help.is_empty() {
            def.help.as_str()
        } else {
            f.help.as_str()
        };
        let field = FieldAttrs {
            help,
            ..FieldAttrs::of_field(f)
        };
        let v = validation_for(&field, sheet_options)?;
        ws.add_data_validation(first, col, last, col, &v)?;
        col += 1;
    }
    let ec = col;
    ws.write_string(layout::KEY_ROW, ec, layout::EVIDENCE_FIELD)?;
    let evidence_header = if def.evidence {
        "证明材料*\n（文件名或文号）"
    } else {
        "证明材料\n（文件名或文号）"
    };
    ws.write_string_with_format(layout::HEADER_ROW, ec, evidence_header, &fmt.header)?;
    headers.push((evidence_header.to_string(), LIST_EVIDENCE_WIDTH));
    ws.set_column_width(ec, LIST_EVIDENCE_WIDTH)?;
    ws.set_column_format(ec, &fmt.input_wrap)?;
    ws.set_row_hidden(layout::KEY_ROW)?;
    ws.set_row_height(
        layout::HEADER_ROW,
        print::row_height(headers.iter().map(|(h, w)| (h.as_str(), *w))),
    )?;

    for (i, rec) in records.iter().enumerate() {
        let r = first + i as u32;
        let mut texts: Vec<(&str, f64)> = Vec::new();
        for (j, f) in def.fields.iter().enumerate() {
            if let Some(v) = rec.fields.get(&f.key) {
                write_value(ws, r, 1 + j as u16, v, fmt.for_kind(f.kind))?;
                if let Value::Text(t) = v {
                    texts.push((t, headers[j].1));
                }
            }
        }
        if let Some(e) = &rec.evidence {
            ws.write_string_with_format(r, ec, e, &fmt.input_wrap)?;
            texts.push((e, LIST_EVIDENCE_WIDTH));
        }
        ws.set_row_height(r, print::row_height(texts))?;
    }
    ws.set_freeze_panes(layout::FIRST_DATA_ROW, 1)?;
    ws.protect_with_options(&protection(true));
    Ok(headers.iter().map(|(_, w)| w).sum())
}

/// Rows of the 工作情况 sheet are at least this tall (points), to leave room to write.
const NARRATIVE_MIN_POINTS: f64 = 90.0;
/// Rows of the 年度数据 sheet are at least this tall (points).
const SERIES_MIN_POINTS: f64 = 60.0;

fn write_narratives(
    ws: &mut Worksheet,
    fmt: &Formats,
    plan: &FormPlan,
    submission: Option<&Submission>,
) -> Result<f64, FormError> {
    ws.set_name(layout::NARRATIVES)?;
    let cols = [
        (layout::MARK_NARRATIVES, "指标代码", 4.0),
        (narrative_col::INDICATOR, "指标序号", 8.0),
        (narrative_col::CONTENT, "指标内容及评分方法", 50.0),
        (narrative_col::ROLE, "责任", 6.0),
        (
            narrative_col::TEXT,
            "工作开展情况（请简要填写，供自评报告使用）",
            60.0,
        ),
    ];
    for (c, (key, header, width)) in cols.iter().enumerate() {
        ws.write_string(layout::KEY_ROW, c as u16, *key)?;
        ws.write_string_with_format(layout::HEADER_ROW, c as u16, *header, &fmt.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_row_hidden(layout::KEY_ROW)?;
    ws.set_column_hidden(0)?;
    for (row, (ind, role)) in (layout::FIRST_DATA_ROW..).zip(&plan.indicators) {
        ws.write_number(row, 0, ind.id as f64)?;
        ws.write_number_with_format(row, 1, ind.id as f64, &fmt.text)?;
        ws.write_string_with_format(row, 2, ind.text.trim(), &fmt.text)?;
        ws.write_string_with_format(row, 3, role.label(), &fmt.text)?;
        let narrative = submission.and_then(|s| s.narratives.get(&ind.id));
        match narrative {
            Some(t) => ws.write_string_with_format(row, 4, t, &fmt.input_wrap)?,
            None => ws.write_blank(row, 4, &fmt.input_wrap)?,
        };
        let height = print::row_height([
            (ind.text.trim(), cols[2].2),
            (narrative.map_or("", String::as_str), cols[4].2),
        ]);
        ws.set_row_height(row, height.max(NARRATIVE_MIN_POINTS))?;
    }
    ws.set_row_height(
        layout::HEADER_ROW,
        print::row_height(cols.iter().map(|(_, h, w)| (*h, *w))),
    )?;
    finish_keyed_sheet(ws, cols.iter().map(|(_, _, w)| *w), 2)
}

/// The 年度数据 sheet: one row per series the unit reports, a column per year, and the
/// causes and measures the annual report quotes. Years that a scalar fact gives (the
/// value scoring reads) are taken from the 数据填报 sheet and may stay blank here.
fn write_series(
    ws: &mut Worksheet,
    fmt: &Formats,
    catalogue: &Catalogue,
    campaign: &Campaign,
    series: &[&SeriesDef],
    submission: Option<&Submission>,
) -> Result<f64, FormError> {
    ws.set_name(layout::SERIES)?;
    let report_year = campaign
        .annual_report
        .year
        .unwrap_or(campaign.dates.evaluation_year - 1);
    let years = SeriesDef::years(report_year);
    let cols = series_columns(&years);
    for (c, (key, header, width)) in cols.iter().enumerate() {
        ws.write_string(layout::KEY_ROW, c as u16, key)?;
        ws.write_string_with_format(layout::HEADER_ROW, c as u16, header, &fmt.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_row_hidden(layout::KEY_ROW)?;
    ws.set_column_hidden(0)?;
    let first_year_col = 4u16;
    let causes_col = first_year_col + years.len() as u16;
    for (row, def) in (layout::FIRST_DATA_ROW..).zip(series) {
        let reported = submission.and_then(|s| s.series.iter().find(|x| x.key == def.key));
        ws.write_string(row, 0, &def.key)?;
        ws.write_string_with_format(row, 1, &def.label, &fmt.text)?;
        ws.write_string_with_format(row, 2, &def.unit, &fmt.text)?;
        let target = series_target(def);
        ws.write_string_with_format(row, 3, &target, &fmt.text)?;
        for (i, y) in years.iter().enumerate() {
            let col = first_year_col + i as u16;
            match reported.and_then(|r| r.values.get(y)) {
                Some(v) => ws.write_number_with_format(row, col, dec(*v), &fmt.input)?,
                None => ws.write_blank(row, col, &fmt.input)?,
            };
        }
        let causes = reported.map_or("", |r| r.causes.as_str());
        let measures = reported.map_or("", |r| r.measures.as_str());
        ws.write_string_with_format(row, causes_col, causes, &fmt.input_wrap)?;
        ws.write_string_with_format(row, causes_col + 1, measures, &fmt.input_wrap)?;
        let help = series_help(def, catalogue, campaign);
        ws.write_string_with_format(row, causes_col + 2, &help, &fmt.text)?;
        let width = |c: u16| cols[c as usize].2;
        let height = print::row_height([
            (def.label.as_str(), width(1)),
            (def.unit.as_str(), width(2)),
            (target.as_str(), width(3)),
            (causes, width(causes_col)),
            (measures, width(causes_col + 1)),
            (help.as_str(), width(causes_col + 2)),
        ]);
        ws.set_row_height(row, height.max(SERIES_MIN_POINTS))?;
    }
    ws.set_row_height(
        layout::HEADER_ROW,
        print::row_height(cols.iter().map(|(_, h, w)| (h.as_str(), *w))),
    )?;
    finish_keyed_sheet(ws, cols.iter().map(|(_, _, w)| *w), 2)
}

/// The 年度数据 sheet's columns: (key, header, width), a column per year of `years`.
fn series_columns(years: &[i32]) -> Vec<(String, String, f64)> {
    use layout::series_col;
    let mut cols: Vec<(String, String, f64)> = vec![
        (layout::MARK_SERIES.into(), "系列代码".into(), 4.0),
        (series_col::LABEL.into(), "数据项".into(), 30.0),
        (series_col::UNIT.into(), "计量单位".into(), 10.0),
        (series_col::TARGET.into(), "主要目标".into(), 12.0),
    ];
    for y in years {
        cols.push((
            format!("{}{y}", series_col::YEAR_PREFIX),
            format!("{y}年"),
            10.0,
        ));
    }
    cols.push((
        series_col::CAUSES.into(),
        "原因分析（报告年度比上年变化的主要原因）".into(),
        40.0,
    ));
    cols.push((
        series_col::MEASURES.into(),
        "主要措施（已采取和下一步的措施）".into(),
        40.0,
    ));
    cols.push((series_col::HELP.into(), "填报说明".into(), 36.0));
    cols
}

/// The 主要目标 of a series, as the catalogue words it.
fn series_target(def: &SeriesDef) -> String {
    def.target
        .as_ref()
        .map(|t| match t {
            zhiliang_core::config::Target::AtLeast { text, .. }
            | zhiliang_core::config::Target::Rising { text }
            | zhiliang_core::config::Target::Falling { text } => text.clone(),
        })
        .unwrap_or_default()
}

/// The 填报说明 of a series row: which years are taken from 数据填报 (and from which
/// facts), then the catalogue's help.
fn series_help(def: &SeriesDef, catalogue: &Catalogue, campaign: &Campaign) -> String {
    let given: Vec<(i32, String)> = def
        .fact_keys()
        .iter()
        .filter_map(|k| catalogue.fact(k))
        .map(|f| {
            (
                campaign.dates.evaluation_year + f.year_offset.unwrap_or(-1),
                f.label.clone(),
            )
        })
        .collect();
    let mut help = String::new();
    if !given.is_empty() {
        let mut ys: Vec<String> = given.iter().map(|(y, _)| format!("{y}年")).collect();
        ys.dedup();
        help = format!(
            "{}数值取自“{}”表中的计分数据（{}），可不填；如填写，须与之一致。",
            ys.join("、"),
            layout::SCALARS,
            given
                .iter()
                .map(|(_, l)| l.as_str())
                .collect::<Vec<_>>()
                .join("、")
        );
    }
    if !def.help.is_empty() {
        help.push_str(&def.help);
    }
    help
}
