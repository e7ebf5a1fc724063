//! Form reading: one workbook's cells ([`Book`]) → the unit's [`Submission`], found through
//! the hidden keys of [`crate::layout`], with every problem as a diagnostic that points at
//! its cell. The narrow interface is [`read_form`] (cells already read) and
//! [`ingest_file`] / [`ingest_file_with`] (bytes, read in this process or by a worker).

use std::collections::BTreeMap;
use zhiliang_core::catalogue::{Catalogue, FieldKind};
use zhiliang_core::diagnostics::{Cell, Code, Diagnostic, Location, Place, Severity};
use zhiliang_core::facts::{Contact, Record, ScalarFact, Source, Submission};
use zhiliang_core::units::{Roster, Unit};

use super::normalise::{self, RatePart};
use super::read::{Book, Raw, ReadError, Sheet};
use super::{FileOutcome, FormRow, Reader};
use crate::layout::{self, limits, narrative_col, scalar_col};
use crate::plan::FormPlan;

impl FileOutcome {
    fn push_merges_skipped(&mut self, rel: &str, unit: &str, sheet: &Sheet) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::FileTooLarge,
                Location {
                    unit: Some(unit.to_string()),
                    sheet: Some(sheet.name.clone()),
                    ..Location::file(rel)
                },
                format!(
                    "工作表“{}”的合并单元格过多（超过{}处或合计超过{}个单元格），其余{}处合并单元格未展开，被合并的行可能缺少数据；请取消不必要的合并单元格后重新报送。",
                    sheet.name,
                    limits::MAX_MERGES,
                    limits::MAX_MERGED_CELLS,
                    sheet.merges_skipped
                ),
            )
            .with_severity(Severity::Warning),
        );
    }
}

pub(crate) fn read_error_diagnostic(rel: &str, e: &ReadError) -> Diagnostic {
    let loc = Location::file(rel);
    match e {
        ReadError::Empty => Diagnostic::new(
            Code::UnreadableFile,
            loc,
            format!("文件“{rel}”是空文件（0字节），可能在复制或上传时出错，请重新报送填报表。"),
        ),
        ReadError::TooLarge(n) => Diagnostic::new(
            Code::FileTooLarge,
            loc,
            format!(
                "文件“{rel}”大小为{:.1}MB，超过{}MB的上限，未读取；填报表中请勿插入图片或附件，证明材料请放在 evidence 文件夹中报送。",
                *n as f64 / 1048576.0,
                limits::MAX_FILE_BYTES / 1048576
            ),
        ),
        ReadError::NotSpreadsheet(what) => Diagnostic::new(
            Code::NotASpreadsheet,
            loc,
            format!(
                "文件“{rel}”实际是{what}，不是 Excel 工作簿；请在 Excel 或 WPS 中打开下发的填报表，填写后“另存为”Excel 工作簿（.xlsx）重新报送。"
            ),
        ),
        ReadError::Encrypted => Diagnostic::new(
            Code::EncryptedFile,
            loc,
            format!(
                "文件“{rel}”设置了打开密码，系统无法读取；请取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码后保存）后重新报送。"
            ),
        ),
        ReadError::Bomb(detail) => Diagnostic::new(
            Code::FileTooLarge,
            loc,
            format!(
                "文件“{rel}”解压后异常巨大（{detail}），可能已损坏，未读取；请重新保存填报表后报送。"
            ),
        ),
        ReadError::Corrupt(detail) => Diagnostic::new(
            Code::UnreadableFile,
            loc,
            format!(
                "文件“{rel}”已损坏，无法读取（{detail}）；请用 Excel 或 WPS 重新保存，或在下发的填报表中重新填写后报送。"
            ),
        ),
        ReadError::BeyondLayout(sheet, row, col) => Diagnostic::new(
            Code::FileTooLarge,
            Location {
                sheet: Some(sheet.clone()),
                cell: u32::try_from(*row)
                    .ok()
                    .zip(u32::try_from(*col).ok())
                    .map(|(r, c)| Place::Cell(Cell::new(r, c))),
                ..loc
            },
            format!(
                "文件“{rel}”的工作表“{sheet}”在第{}行第{}列还有内容，远超填报表的范围（前{}行、前{}列），为防止耗尽内存，整个文件未读取；请删除多余内容后重新保存报送。",
                row.saturating_add(1),
                col.saturating_add(1),
                limits::MAX_ROWS,
                limits::MAX_COLS
            ),
        ),
        ReadError::TooManyCells(n) => Diagnostic::new(
            Code::FileTooLarge,
            loc,
            format!(
                "文件“{rel}”中有内容的单元格超过{}个（已读到{n}个），远多于填报表所需，整个文件未读取；请删除多余的工作表和内容后重新报送。",
                limits::MAX_BOOK_CELLS
            ),
        ),
        ReadError::OutOfMemory => unreadable_workbook(rel, loc, "读取时超出内存限制"),
        ReadError::Timeout => unreadable_workbook(rel, loc, "读取超时"),
        ReadError::Crashed(how) => {
            unreadable_workbook(rel, loc, &format!("读取时程序异常终止（{how}）"))
        }
    }
}

/// A workbook whose isolated reader failed: the reason, and what the unit can do.
fn unreadable_workbook(rel: &str, loc: Location, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnreadableWorkbook,
        loc,
        format!(
            "文件“{rel}”{reason}，未读取（其他文件照常校验）；文件可能已损坏或含有异常内容，请用 Excel 或 WPS 打开后“另存为”新的 .xlsx 文件，或在下发的填报表中重新填写后报送。"
        ),
    )
    .with_value(reason.to_string())
}

/// Reads one workbook held in memory; `rel` is the name used in sources and messages.
pub fn ingest_file(rel: &str, bytes: &[u8], catalogue: &Catalogue, roster: &Roster) -> FileOutcome {
    ingest_file_with(rel, bytes, catalogue, roster, &Reader::InProcess)
}

/// [`ingest_file`] with the workbook read by `reader` (in this process or a worker).
pub fn ingest_file_with(
    rel: &str,
    bytes: &[u8],
    catalogue: &Catalogue,
    roster: &Roster,
    reader: &Reader,
) -> FileOutcome {
    match reader.read(bytes) {
        Ok(book) => read_form(rel, &book, catalogue, roster),
        Err(e) => FileOutcome::failed(read_error_diagnostic(rel, &e)),
    }
}

/// The form's contents from a workbook's cells.
pub fn read_form(rel: &str, book: &Book, catalogue: &Catalogue, roster: &Roster) -> FileOutcome {
    FormReader {
        rel,
        book,
        catalogue,
        roster,
        out: FileOutcome::default(),
    }
    .run()
}

struct FormReader<'a> {
    rel: &'a str,
    book: &'a Book,
    catalogue: &'a Catalogue,
    roster: &'a Roster,
    out: FileOutcome,
}

/// The column keys of a data sheet's hidden row 1.
fn column_keys(sheet: &Sheet) -> BTreeMap<String, u32> {
    let mut cols = BTreeMap::new();
    for ((r, c), raw) in sheet
        .cells
        .range((layout::KEY_ROW, 0)..(layout::KEY_ROW + 1, 0))
    {
        debug_assert_eq!(*r, layout::KEY_ROW);
        let key = raw.display();
        if !key.is_empty() {
            cols.entry(key).or_insert(*c);
        }
    }
    cols
}

fn marker(sheet: &Sheet) -> String {
    sheet.text(layout::KEY_ROW, 0)
}

impl<'a> FormReader<'a> {
    fn loc(&self, unit: Option<&str>, sheet: &str, cell: Cell) -> Location {
        Location::at_cell(unit, self.rel, sheet, cell)
    }

    fn source(&self, unit: &str, sheet: &str, row: u32, col: u32) -> Source {
        Source {
            unit: unit.to_string(),
            file: self.rel.to_string(),
            sheet: sheet.to_string(),
            cell: Some(Place::Cell(Cell::new(row, col))),
        }
    }

    fn run(mut self) -> FileOutcome {
        let rel = self.rel;
        let data_sheets = self
            .book
            .sheets
            .iter()
            .any(|s| marker(s).starts_with("zhiliang:"));
        let Some((cover, (ur, uc))) = self.find_cover() else {
            self.out.diagnostics.push(outdated_whole(rel, None));
            return self.out;
        };
        let (unit_text, unit_cell) = label_value(cover, ur, uc);
        let Some(unit) = self.resolve_unit(cover, unit_text.clone(), unit_cell) else {
            return self.out;
        };
        self.out.unit = Some(unit.name.clone());
        if !data_sheets {
            self.out
                .diagnostics
                .push(outdated_whole(rel, Some(&unit.name)));
            return self.out;
        }
        let mut sub = Submission {
            unit: unit.name.clone(),
            file: rel.to_string(),
            contact: Some(self.contact(cover, unit)),
            ..Default::default()
        };
        let form_unit = self.form_unit(cover, unit, &unit_text, unit_cell);
        let plan = FormPlan::new(self.catalogue, self.roster, form_unit);
        let mut outdated = Outdated::default();
        self.sheets(unit, &mut sub, &plan, &mut outdated);
        self.push_outdated(unit, &outdated);
        self.out.submissions.push(sub);
        self.out
    }

    /// The cover: by name, else any sheet holding the 填报单位 label; with that label's cell.
    fn find_cover(&self) -> Option<(&'a Sheet, (u32, u32))> {
        self.book
            .sheet(layout::COVER)
            .and_then(|s| find_label(s, layout::COVER_UNIT).map(|p| (s, p)))
            .or_else(|| {
                self.book
                    .sheets
                    .iter()
                    .find_map(|s| find_label(s, layout::COVER_UNIT).map(|p| (s, p)))
            })
    }

    /// The unit named on the cover, or `unknown-unit` at its cell.
    fn resolve_unit(
        &mut self,
        cover: &Sheet,
        unit_text: String,
        (r, c): (u32, u32),
    ) -> Option<&'a Unit> {
        let rel = self.rel;
        if let Some(unit) = self.roster.resolve(&unit_text) {
            return Some(unit);
        }
        let msg = if unit_text.is_empty() {
            format!(
                "文件“{rel}”封面的“填报单位”未填写，无法确定是哪个单位报送的；请填写本单位名称后重新报送。"
            )
        } else {
            format!(
                "文件“{rel}”封面的填报单位“{unit_text}”不是专班成员单位，无法确定是哪个单位报送的；请填写本单位的规范名称（如“区住建局”）后重新报送。"
            )
        };
        let d = Diagnostic::new(
            Code::UnknownUnit,
            self.loc(None, &cover.name, Cell::new(r, c)),
            msg,
        );
        self.out.diagnostics.push(if unit_text.is_empty() {
            d
        } else {
            d.with_value(unit_text)
        });
        None
    }

    /// The unit the form was generated for (meta), which decides which rows are expected;
    /// values are attributed to the unit named on the cover.
    fn form_unit(
        &mut self,
        cover: &Sheet,
        unit: &'a Unit,
        unit_text: &str,
        (r, c): (u32, u32),
    ) -> &'a Unit {
        let rel = self.rel;
        let form_unit = self
            .book
            .sheet(layout::META)
            .and_then(|m| meta_value(m, layout::META_UNIT_ID))
            .and_then(|id| self.roster.by_id(&id))
            .unwrap_or(unit);
        if form_unit.id != unit.id {
            // Usually a slip (another unit's form picked up, or the cover filled in wrong),
            // and it explains what follows — duplicate submission, missing facts, evidence
            // looked for in the wrong folder — so it is said once, at the cover's cell.
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::FormOfAnotherUnit,
                    self.loc(Some(&unit.name), &cover.name, Cell::new(r, c)),
                    format!(
                        "文件“{rel}”是下发给{}的填报表，封面的填报单位却是“{unit_text}”；表中数据按{}报送计入，证明材料在 evidence/{}/ 中查找。如是封面填错或拿错了表，请改正后重新报送。",
                        form_unit.name, unit.name, unit.id
                    ),
                )
                .with_value(unit_text.to_string()),
            );
        }
        form_unit
    }

    /// Every data sheet by its marker (数据填报, list sheets, 文字材料, 年度数据), each
    /// sheet's reading problems, and the sheets the plan expects but the book lacks.
    fn sheets(
        &mut self,
        unit: &Unit,
        sub: &mut Submission,
        plan: &FormPlan,
        outdated: &mut Outdated,
    ) {
        let mut seen_lists = Vec::new();
        let mut seen_scalars = false;
        for sheet in &self.book.sheets {
            let m = marker(sheet);
            if m == layout::MARK_SCALARS {
                seen_scalars = true;
                self.scalars(sheet, unit, sub, plan, outdated);
            } else if let Some(key) = m.strip_prefix(layout::MARK_LIST_PREFIX) {
                seen_lists.push(key.to_string());
                self.list(sheet, key, unit, sub, outdated);
            } else if m == layout::MARK_NARRATIVES {
                self.narratives(sheet, sub);
            } else if m == layout::MARK_SERIES {
                self.series(sheet, unit, sub, outdated);
            }
            self.sheet_problems(sheet, unit);
        }
        if self.book.sheets_skipped > 0 {
            let rel = self.rel;
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::FileTooLarge,
                    Location {
                        unit: Some(unit.name.clone()),
                        ..Location::file(rel)
                    },
                    format!(
                        "文件“{rel}”有{}个工作表，超过读取上限{}个，后{}个工作表未读取；请删除多余的工作表后重新报送。",
                        self.book.sheets.len() + self.book.sheets_skipped,
                        limits::MAX_SHEETS,
                        self.book.sheets_skipped
                    ),
                )
                .with_severity(Severity::Warning),
            );
        }
        if !seen_scalars && !plan.scalars.is_empty() {
            outdated
                .missing
                .push(format!("缺少“{}”工作表", layout::SCALARS));
        }
        for l in &plan.lists {
            if !seen_lists.contains(&l.def.key) {
                outdated
                    .missing
                    .push(format!("缺少“{}”工作表", l.def.label));
            }
        }
    }

    /// What the reader met in one sheet: content beyond the limits, merges not expanded, a
    /// broken sheet, control characters removed.
    fn sheet_problems(&mut self, sheet: &Sheet, unit: &Unit) {
        let rel = self.rel;
        if let Some(cell) = sheet.beyond_limits {
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::FileTooLarge,
                    self.loc(Some(&unit.name), &sheet.name, cell),
                    format!(
                        "工作表“{}”在{}处还有内容，超出读取范围（前{}行、前{}列），这部分内容未读取；请删除多余内容，或把数据填写在表格的预留行中。",
                        sheet.name,
                        cell,
                        limits::MAX_ROWS,
                        limits::MAX_COLS
                    ),
                )
                .with_severity(Severity::Warning),
            );
        }
        if sheet.merges_skipped > 0 {
            self.out.push_merges_skipped(rel, &unit.name, sheet);
        }
        if let Some((last, why)) = &sheet.broken {
            let loc = match last {
                Some(cell) => self.loc(Some(&unit.name), &sheet.name, *cell),
                None => Location {
                    unit: Some(unit.name.clone()),
                    sheet: Some(sheet.name.clone()),
                    ..Location::file(rel)
                },
            };
            let what = match last {
                Some(cell) => format!("读到{cell}之后的内容无法读取"),
                None => "整张工作表无法读取".to_string(),
            };
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::UnreadableFile,
                    loc,
                    format!(
                        "文件“{rel}”的工作表“{}”已损坏，{what}（{why}），这部分数据未读取；请用 Excel 或 WPS 打开后“另存为”新的 .xlsx 文件，或在下发的填报表中重新填写后报送。",
                        sheet.name
                    ),
                )
                .with_value(why.clone()),
            );
        }
        for (cell, chars) in &sheet.control_chars {
            self.out.diagnostics.push(
                Diagnostic::new(
                    Code::ControlCharacters,
                    self.loc(Some(&unit.name), &sheet.name, *cell),
                    format!(
                        "工作表“{}”单元格{}中含有不可见的控制字符（{chars}），可能是从其他系统复制时带入的，已自动删除；请核对该单元格的内容。",
                        sheet.name,
                        cell
                    ),
                )
                .with_value(sheet.text(cell.row, cell.col)),
            );
        }
    }

    /// `outdated-form` once for the whole file, unless a broken sheet explains the gaps.
    fn push_outdated(&mut self, unit: &Unit, outdated: &Outdated) {
        let rel = self.rel;
        // A sheet broken half-way misses rows because it is broken (said above), not because
        // the form is an old one.
        let explained =
            outdated.unknown.is_empty() && self.book.sheets.iter().any(|s| s.broken.is_some());
        if !outdated.is_empty() && !explained {
            let mut d = Diagnostic::new(
                Code::OutdatedForm,
                match &outdated.first_cell {
                    Some((s, cell)) => self.loc(Some(&unit.name), s, *cell),
                    None => Location {
                        unit: Some(unit.name.clone()),
                        ..Location::file(rel)
                    },
                },
                format!(
                    "文件“{rel}”与当前任务分解表不一致（{}），可能是旧版填报表；请使用专班办公室最新下发的填报表，将已填内容复制过去后重新报送。",
                    outdated.describe()
                ),
            );
            if let Some(k) = outdated.unknown.first() {
                d = d.with_value(k.clone());
            }
            self.out.diagnostics.push(d);
        }
    }

    fn contact(&self, cover: &Sheet, _unit: &Unit) -> Contact {
        let get = |label: &str| find_label(cover, label).map(|(r, c)| label_value(cover, r, c));
        let name = get(layout::COVER_CONTACT)
            .map(|(t, _)| t)
            .unwrap_or_default();
        let phone = get(layout::COVER_PHONE).map(|(t, _)| t).unwrap_or_default();
        let submitted_on = find_label(cover, layout::COVER_DATE).and_then(|(r, c)| {
            let (_, (vr, vc)) = label_value(cover, r, c);
            cover
                .get(vr, vc)
                .and_then(|raw| normalise::date(raw, "报送日期").ok().flatten())
        });
        Contact {
            name,
            phone,
            submitted_on,
        }
    }

    /// A value's problem, at its cell, with what was seen there.
    fn push_problem(&mut self, at: &At, p: normalise::Problem, seen: String) {
        let loc = self
            .loc(Some(&at.unit.name), at.sheet, Cell::new(at.row, at.col))
            .with_fact(at.fact);
        self.out
            .diagnostics
            .push(Diagnostic::new(p.code, loc, p.message).with_value(seen));
    }

    fn scalars(
        &mut self,
        sheet: &Sheet,
        unit: &Unit,
        sub: &mut Submission,
        plan: &FormPlan,
        outdated: &mut Outdated,
    ) {
        let cols = column_keys(sheet);
        let Some(&vc) = cols.get(scalar_col::VALUE) else {
            outdated
                .missing
                .push(format!("“{}”缺少填报值列", sheet.name));
            return;
        };
        let dc = cols.get(scalar_col::DENOMINATOR).copied();
        let ec = cols.get(scalar_col::EVIDENCE).copied();
        let nc = cols.get(scalar_col::NOTE).copied();
        let mut seen_keys: Vec<String> = Vec::new();
        let mut first_rows: BTreeMap<String, u32> = BTreeMap::new();
        for row in sheet.rows() {
            if row < layout::FIRST_DATA_ROW {
                continue;
            }
            let key = sheet.text(row, 0);
            if key.is_empty() {
                continue;
            }
            let Some(def) = self.catalogue.fact(&key) else {
                outdated.unknown(&key, &sheet.name, row, 0);
                continue;
            };
            if let Some(&first) = first_rows.get(&key) {
                self.repeated_row(sheet, unit, sub, def, (first, row), (vc, dc));
                continue;
            }
            first_rows.insert(key.clone(), row);
            seen_keys.push(key.clone());
            let mut cells = BTreeMap::new();
            cells.insert(scalar_col::VALUE.to_string(), Cell::new(row, vc));
            if let (Some(dc), FieldKind::Rate) = (dc, def.kind) {
                cells.insert(scalar_col::DENOMINATOR.to_string(), Cell::new(row, dc));
            }
            if let Some(ec) = ec {
                cells.insert(scalar_col::EVIDENCE.to_string(), Cell::new(row, ec));
            }
            self.out.rows.push(FormRow {
                file: self.rel.to_string(),
                unit: unit.name.clone(),
                sheet: sheet.name.clone(),
                row: row + 1,
                fact: Some(key.clone()),
                list: None,
                cells,
                note: nc.map(|c| sheet.text(row, c)).filter(|t| !t.is_empty()),
                evidence: ec.map(|c| sheet.text(row, c)).filter(|t| !t.is_empty()),
            });
            let value = self.scalar_value(sheet, unit, def, row, (vc, dc));
            let Some(value) = value else { continue };
            let opt_text = |c: Option<u32>| c.map(|c| sheet.text(row, c)).filter(|t| !t.is_empty());
            sub.scalars.push(ScalarFact {
                key: key.clone(),
                value,
                evidence: opt_text(ec),
                note: opt_text(nc),
                source: Source {
                    unit: unit.name.clone(),
                    file: self.rel.to_string(),
                    sheet: sheet.name.clone(),
                    cell: Some(Place::Cell(Cell::new(row, vc))),
                },
            });
        }
        for p in &plan.scalars {
            if !seen_keys.contains(&p.def.key) {
                outdated
                    .missing
                    .push(format!("缺少数据项“{}”", p.def.label));
            }
        }
    }

    /// The value of a 数据填报 row (a rate from its two cells), or its problem at the cell
    /// at fault.
    fn scalar_value(
        &mut self,
        sheet: &Sheet,
        unit: &Unit,
        def: &zhiliang_core::catalogue::FactDef,
        row: u32,
        (vc, dc): (u32, Option<u32>),
    ) -> Option<zhiliang_core::facts::Value> {
        if def.kind == FieldKind::Rate {
            let den = dc.and_then(|c| sheet.get(row, c));
            match normalise::rate(sheet.get(row, vc), den, &def.label) {
                Ok(v) => v.map(|(v, _)| v),
                Err((p, part)) => {
                    let col = match part {
                        RatePart::Numerator => vc,
                        RatePart::Denominator => dc.unwrap_or(vc),
                    };
                    let seen = sheet.get(row, col).map(Raw::display).unwrap_or_default();
                    let at = At {
                        unit,
                        sheet: &sheet.name,
                        row,
                        col,
                        fact: &def.key,
                    };
                    self.push_problem(&at, p, seen);
                    None
                }
            }
        } else {
            match normalise::value(
                sheet.get(row, vc),
                def.kind,
                &def.label,
                &def.unit,
                &def.options,
            ) {
                Ok(v) => v,
                Err(p) => {
                    let seen = sheet.text(row, vc);
                    let at = At {
                        unit,
                        sheet: &sheet.name,
                        row,
                        col: vc,
                        fact: &def.key,
                    };
                    self.push_problem(&at, p, seen);
                    None
                }
            }
        }
    }

    /// A 数据填报 row repeating a fact's row (a copied row, its hidden code included). Blank,
    /// or the same as the first: nothing to say. Different: the sheet gives two answers and
    /// neither is taken (a diagnostic at the repeated row; the first value is withdrawn).
    fn repeated_row(
        &mut self,
        sheet: &Sheet,
        unit: &Unit,
        sub: &mut Submission,
        def: &zhiliang_core::catalogue::FactDef,
        (first, row): (u32, u32),
        (vc, dc): (u32, Option<u32>),
    ) {
        let shown = |r: u32| {
            let v = sheet.text(r, vc);
            match (def.kind, dc.map(|c| sheet.text(r, c))) {
                (FieldKind::Rate, Some(d)) if !d.is_empty() => format!("{v}/{d}"),
                _ => v,
            }
        };
        let again = shown(row);
        if again.trim_matches('/').is_empty() {
            return;
        }
        let read = |r: u32| -> Option<zhiliang_core::facts::Value> {
            if def.kind == FieldKind::Rate {
                let den = dc.and_then(|c| sheet.get(r, c));
                normalise::rate(sheet.get(r, vc), den, &def.label)
                    .ok()
                    .flatten()
                    .map(|(v, _)| v)
            } else {
                normalise::value(
                    sheet.get(r, vc),
                    def.kind,
                    &def.label,
                    &def.unit,
                    &def.options,
                )
                .ok()
                .flatten()
            }
        };
        let (a, b) = (read(first), read(row));
        if a.is_some() && a == b {
            return;
        }
        sub.scalars
            .retain(|f| !(f.key == def.key && f.source.sheet == sheet.name));
        let before = shown(first);
        let before = if before.trim_matches('/').is_empty() {
            "未填写".to_string()
        } else {
            format!("填写“{before}”")
        };
        let at = At {
            unit,
            sheet: &sheet.name,
            row,
            col: vc,
            fact: &def.key,
        };
        self.push_problem(
            &at,
            normalise::Problem {
                code: Code::ConflictingValues,
                message: format!(
                    "‘{}’在工作表“{}”中有两行（第{}行、第{}行），第{}行{before}，第{}行填写“{again}”，两行不一致，系统无法确定以哪一行为准，本项暂不采用；请删除多余的一行，只保留正确的数值后重新报送。",
                    def.label,
                    sheet.name,
                    first + 1,
                    row + 1,
                    first + 1,
                    row + 1,
                ),
            },
            again,
        );
    }

    fn list(
        &mut self,
        sheet: &Sheet,
        key: &str,
        unit: &Unit,
        sub: &mut Submission,
        outdated: &mut Outdated,
    ) {
        let Some(def) = self.catalogue.list(key) else {
            outdated.unknown(
                &format!("{}{key}", layout::MARK_LIST_PREFIX),
                &sheet.name,
                0,
                0,
            );
            return;
        };
        let cols = column_keys(sheet);
        for (k, c) in &cols {
            if *c == 0 || k == layout::EVIDENCE_FIELD {
                continue;
            }
            if !def.fields.iter().any(|f| f.key == *k) {
                outdated.unknown(&format!("{key}.{k}"), &sheet.name, layout::KEY_ROW, *c);
            }
        }
        let fields: Vec<(&zhiliang_core::catalogue::FieldDef, u32)> = def
            .fields
            .iter()
            .filter_map(|f| match cols.get(&f.key) {
                Some(c) => Some((f, *c)),
                None => {
                    outdated
                        .missing
                        .push(format!("“{}”缺少“{}”列", sheet.name, f.label));
                    None
                }
            })
            .collect();
        let ec = cols.get(layout::EVIDENCE_FIELD).copied();
        let used: Vec<u32> = fields.iter().map(|(_, c)| *c).chain(ec).collect();
        for row in sheet.rows() {
            if row < layout::FIRST_DATA_ROW {
                continue;
            }
            if !used
                .iter()
                .any(|c| sheet.get(row, *c).is_some_and(|r| !r.display().is_empty()))
            {
                continue; // a blank (or only numbered) row
            }
            let first_col = fields.first().map_or(1, |(_, c)| *c);
            let mut cells = BTreeMap::new();
            let mut record = Record {
                list: key.to_string(),
                fields: BTreeMap::new(),
                evidence: ec.map(|c| sheet.text(row, c)).filter(|t| !t.is_empty()),
                source: Source {
                    unit: unit.name.clone(),
                    file: self.rel.to_string(),
                    sheet: sheet.name.clone(),
                    cell: Some(Place::Cell(Cell::new(row, first_col))),
                },
            };
            for (f, c) in &fields {
                cells.insert(f.key.clone(), Cell::new(row, *c));
                let label = label_for_record(&def.label, row, &f.label);
                match normalise::value(sheet.get(row, *c), f.kind, &label, &f.unit, &f.options) {
                    Ok(Some(v)) => {
                        record.fields.insert(f.key.clone(), v);
                    }
                    Ok(None) => {}
                    Err(p) => {
                        let seen = sheet.text(row, *c);
                        let fact = format!("{key}.{}", f.key);
                        let at = At {
                            unit,
                            sheet: &sheet.name,
                            row,
                            col: *c,
                            fact: &fact,
                        };
                        self.push_problem(&at, p, seen);
                    }
                }
            }
            if let Some(ec) = ec {
                cells.insert(layout::EVIDENCE_FIELD.to_string(), Cell::new(row, ec));
            }
            self.out.rows.push(FormRow {
                file: self.rel.to_string(),
                unit: unit.name.clone(),
                sheet: sheet.name.clone(),
                row: row + 1,
                fact: None,
                list: Some(key.to_string()),
                cells,
                note: None,
                evidence: None,
            });
            sub.records.push(record);
        }
    }

    /// The 年度数据 sheet: per series row, the year columns (`y2021`) and the causes and
    /// measures texts. Blank cells are absent; a cell that is not a number is `wrong-type`.
    fn series(
        &mut self,
        sheet: &Sheet,
        unit: &Unit,
        sub: &mut Submission,
        outdated: &mut Outdated,
    ) {
        use layout::series_col;
        let cols = column_keys(sheet);
        let years: Vec<(i32, u32)> = cols
            .iter()
            .filter_map(|(k, c)| {
                k.strip_prefix(series_col::YEAR_PREFIX)
                    .and_then(|y| y.parse::<i32>().ok())
                    .map(|y| (y, *c))
            })
            .collect();
        let cc = cols.get(series_col::CAUSES).copied();
        let mc = cols.get(series_col::MEASURES).copied();
        for row in sheet.rows() {
            if row < layout::FIRST_DATA_ROW {
                continue;
            }
            let key = sheet.text(row, 0);
            if key.is_empty() {
                continue;
            }
            if let Some(i) = sub.series.iter().position(|s| s.key == key) {
                self.repeated_series_row(sheet, unit, &mut sub.series[i], row, &years);
                continue;
            }
            let Some(def) = self.catalogue.series.iter().find(|d| d.key == key) else {
                outdated.unknown(&key, &sheet.name, row, 0);
                continue;
            };
            let mut fact = zhiliang_core::facts::SeriesFact {
                key: key.clone(),
                source: self.source(&unit.name, &sheet.name, row, 0),
                ..Default::default()
            };
            for (year, col) in &years {
                let Some(raw) = sheet.get(row, *col) else {
                    continue;
                };
                let label = format!("{}（{year}年）", def.label);
                match normalise::number(raw, &label, &def.unit) {
                    Ok(Some(n)) => {
                        fact.values.insert(*year, n.value);
                        fact.cells
                            .insert(*year, self.source(&unit.name, &sheet.name, row, *col));
                    }
                    Ok(None) => {}
                    Err(p) => {
                        let at = At {
                            unit,
                            sheet: &sheet.name,
                            row,
                            col: *col,
                            fact: &key,
                        };
                        self.push_problem(&at, p, raw.display());
                    }
                }
            }
            if let Some(c) = cc {
                fact.causes = sheet.text(row, c);
            }
            if let Some(c) = mc {
                fact.measures = sheet.text(row, c);
            }
            sub.series.push(fact);
        }
    }

    /// A 年度数据 row repeating a series' row. A year it gives the same figure for (or
    /// leaves blank) is nothing to say; a year with another figure is `conflicting-values` at
    /// the repeated cell, and that year is taken from neither row.
    fn repeated_series_row(
        &mut self,
        sheet: &Sheet,
        unit: &Unit,
        fact: &mut zhiliang_core::facts::SeriesFact,
        row: u32,
        years: &[(i32, u32)],
    ) {
        let label = self
            .catalogue
            .series
            .iter()
            .find(|d| d.key == fact.key)
            .map_or_else(|| fact.key.clone(), |d| d.label.clone());
        let first = fact
            .source
            .cell
            .as_ref()
            .and_then(zhiliang_core::diagnostics::Place::as_cell)
            .map(|c| c.row);
        for (year, col) in years {
            let Some(raw) = sheet.get(row, *col) else {
                continue;
            };
            let again = normalise::number(raw, &label, "")
                .ok()
                .flatten()
                .map(|n| n.value);
            let Some(again) = again else {
                continue;
            };
            let before = fact.values.get(year).copied();
            if before == Some(again) {
                continue;
            }
            fact.values.remove(year);
            fact.cells.remove(year);
            let first_row = first.map(|r| format!("第{}行", r + 1)).unwrap_or_default();
            let was = match (before, first) {
                (Some(v), Some(r)) => format!("第{}行填写{}", r + 1, v.normalize()),
                _ => format!("{first_row}未填写"),
            };
            let at = At {
                unit,
                sheet: &sheet.name,
                row,
                col: *col,
                fact: &fact.key,
            };
            self.push_problem(
                &at,
                normalise::Problem {
                    code: Code::ConflictingValues,
                    message: format!(
                        "‘{label}’在工作表“{}”中有两行（{first_row}、第{}行），{year}年的数值{was}，第{}行填写{}，两行不一致，系统无法确定以哪一行为准，该年度暂不采用；请删除多余的一行后重新报送。",
                        sheet.name,
                        row + 1,
                        row + 1,
                        again.normalize()
                    ),
                },
                raw.display(),
            );
        }
    }

    fn narratives(&mut self, sheet: &Sheet, sub: &mut Submission) {
        let cols = column_keys(sheet);
        let Some(&tc) = cols.get(narrative_col::TEXT) else {
            return;
        };
        for row in sheet.rows() {
            if row < layout::FIRST_DATA_ROW {
                continue;
            }
            let id: Option<u32> = sheet.text(row, 0).parse().ok();
            let text = sheet.text(row, tc);
            if let (Some(id), false) = (id, text.is_empty()) {
                sub.narratives.insert(id, text);
            }
        }
    }
}

/// How a record field is named in messages: ‘表彰与报道’第3条的‘日期’.
fn label_for_record(list: &str, row: u32, field: &str) -> String {
    format!("{list}第{}条的{field}", row + 1 - layout::FIRST_DATA_ROW)
}

fn outdated_whole(rel: &str, unit: Option<&str>) -> Diagnostic {
    Diagnostic::new(
        Code::OutdatedForm,
        Location {
            unit: unit.map(str::to_string),
            ..Location::file(rel)
        },
        format!(
            "文件“{rel}”不是本次下发的填报表（找不到封面或“数据填报”等工作表，或隐藏的数据项代码已被删除），可能使用了旧版表格；请使用专班办公室最新下发的填报表重新填写后报送。"
        ),
    )
}

/// Where a value's problem is: the unit's sheet, the cell, and the fact it belongs to.
struct At<'s> {
    unit: &'s Unit,
    sheet: &'s str,
    row: u32,
    col: u32,
    fact: &'s str,
}

#[derive(Default)]
struct Outdated {
    unknown: Vec<String>,
    missing: Vec<String>,
    first_cell: Option<(String, Cell)>,
}

impl Outdated {
    fn unknown(&mut self, key: &str, sheet: &str, row: u32, col: u32) {
        self.unknown.push(key.to_string());
        if self.first_cell.is_none() {
            self.first_cell = Some((sheet.to_string(), Cell::new(row, col)));
        }
    }
    fn is_empty(&self) -> bool {
        self.unknown.is_empty() && self.missing.is_empty()
    }
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.unknown.is_empty() {
            parts.push(format!(
                "含有当前任务分解表中没有的数据项代码{}",
                quote_list(&self.unknown)
            ));
        }
        if !self.missing.is_empty() {
            parts.push(
                self.missing
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("、"),
            );
            if self.missing.len() > 5 {
                parts.push(format!("等共{}处缺失", self.missing.len()));
            }
        }
        parts.join("；")
    }
}

fn quote_list(v: &[String]) -> String {
    let shown: Vec<String> = v.iter().take(5).map(|k| format!("“{k}”")).collect();
    if v.len() > 5 {
        format!("{}等{}个", shown.join("、"), v.len())
    } else {
        shown.join("、")
    }
}

/// The (row, col) of a cover label such as 填报单位 (also "填报单位：区住建局" in one cell).
fn find_label(sheet: &Sheet, label: &str) -> Option<(u32, u32)> {
    sheet.cells.iter().find_map(|((r, c), raw)| {
        if *r >= 40 || *c >= 8 {
            return None;
        }
        let t: String = raw
            .display()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let t = t.trim_end_matches(['：', ':', '*']);
        (t == label || t.starts_with(&format!("{label}：")) || t.starts_with(&format!("{label}:")))
            .then_some((*r, *c))
    })
}

/// The value next to a label: the text after a colon in the label cell, else the first
/// non-blank cell to its right; with the cell it came from.
fn label_value(sheet: &Sheet, row: u32, col: u32) -> (String, (u32, u32)) {
    let own = sheet.text(row, col);
    if let Some((_, v)) = own.split_once(['：', ':']) {
        let v = v.trim();
        if !v.is_empty() {
            return (v.to_string(), (row, col));
        }
    }
    for c in col + 1..col + 8 {
        let t = sheet.text(row, c);
        if !t.is_empty() {
            return (t, (row, c));
        }
    }
    (String::new(), (row, col + 1))
}

fn meta_value(meta: &Sheet, key: &str) -> Option<String> {
    meta.cells
        .iter()
        .find(|((_, c), raw)| *c == 0 && raw.display() == key)
        .map(|((r, _), _)| meta.text(*r, 1))
        .filter(|v| !v.is_empty())
}
