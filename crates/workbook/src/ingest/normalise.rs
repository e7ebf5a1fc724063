//! What people type into Excel, WPS or LibreOffice → typed values.
//!
//! Every function takes the raw cell ([`Raw`]) and the field's declared kind, and returns
//! `Ok(None)` for a blank, `Ok(Some(value))`, or a [`Problem`] whose message is a complete
//! Chinese sentence naming the 数据项 and what to do. See docs/workbooks.md for the table.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::str::FromStr;
use zhiliang_core::catalogue::FieldKind;
use zhiliang_core::diagnostics::Code;
use zhiliang_core::facts::Value;

use super::read::{Raw, fmt_f64};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub message: String,
}

fn problem(code: Code, message: String) -> Problem {
    Problem { code, message }
}

/// Full-width ASCII (１２３，．％Ａ) → half-width; ideographic space → space; the minus
/// signs people paste (−, －) → '-'.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{2212}' | '\u{2013}' => '-',
            _ => c,
        })
        .collect()
}

/// Strings clerks write for "nothing to report". They are blanks, except for yes/no fields
/// where 无 means "no".
const BLANK_WORDS: [&str; 10] = ["/", "-", "—", "——", "--", "无", "暂无", "空", "n/a", "na"];

fn is_blank_word(s: &str) -> bool {
    let t = fold_width(s).trim().to_lowercase();
    t.is_empty() || BLANK_WORDS.contains(&t.as_str())
}

/// Decimal from an f64 cell value without binary noise: Rust prints the shortest string
/// that reads back as the same f64, which is what the user typed.
pub fn decimal_from_f64(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    let s = format!("{v}");
    Decimal::from_str(&s)
        .or_else(|_| Decimal::from_scientific(&s))
        .ok()
}

/// A parsed number and whether it was written or formatted as a percentage (in percent units:
/// "97.5%" → 97.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Num {
    pub value: Decimal,
    pub percent: bool,
}

/// Parses a number from a cell: numbers, numbers stored as text, thousands separators,
/// full-width digits, a trailing unit of measure, "97.5%" and percent-formatted cells.
pub fn number(raw: &Raw, label: &str, unit: &str) -> Result<Option<Num>, Problem> {
    let wrong = |seen: &str| {
        problem(
            Code::WrongType,
            format!(
                "‘{label}’应填写数值，所填内容“{seen}”无法识别为数字，请直接填写阿拉伯数字{}，不要带文字。",
                if unit.is_empty() || unit == "%" {
                    String::new()
                } else {
                    format!("（单位：{unit}，不必写出）")
                }
            ),
        )
    };
    // A number no report can hold (1e308): echoed as written and refused as out of range,
    // not as "not a number".
    let huge = |seen: &str| {
        problem(
            Code::OutOfRange,
            format!(
                "‘{label}’所填“{seen}”数值过大，超出合理范围，系统无法处理，请核实后重新填写。"
            ),
        )
    };
    match raw {
        Raw::Number {
            value,
            percent: false,
        } => Ok(Some(Num {
            value: decimal_from_f64(*value).ok_or_else(|| huge(&raw.display()))?,
            percent: false,
        })),
        Raw::Number {
            value,
            percent: true,
        } => {
            let v = Decimal::from_str(&fmt_f64(value * 100.0)).map_err(|_| huge(&raw.display()))?;
            Ok(Some(Num {
                value: v,
                percent: true,
            }))
        }
        Raw::Text(s) => {
            if is_blank_word(s) {
                return Ok(None);
            }
            parse_number_text(s, unit).map(Some).ok_or_else(|| {
                let t: String = fold_width(s)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                // Only digits can be too large: "NaN" and "inf" parse as f64 but are words.
                if t.chars().any(|c| c.is_ascii_digit())
                    && t.parse::<f64>()
                        .is_ok_and(|v| v.abs() >= 1e28 || !v.is_finite())
                {
                    huge(s.trim())
                } else {
                    wrong(s.trim())
                }
            })
        }
        Raw::Bool(_) | Raw::Date(_) => Err(wrong(&raw.display())),
        Raw::Error(e) => Err(error_cell(label, e)),
    }
}

fn error_cell(label: &str, e: &str) -> Problem {
    if e.starts_with('=') {
        // A formula saved without its result (see `read::unsaved_formulas`).
        return problem(
            Code::WrongType,
            format!(
                "‘{label}’单元格中是公式“{e}”，但文件中没有保存公式的计算结果（文件可能由其他软件生成），系统无法读取；请不要使用公式，直接填写数值，或在 Excel、WPS 中打开后保存再报送。"
            ),
        );
    }
    problem(
        Code::WrongType,
        format!("‘{label}’单元格显示错误值“{e}”，请不要使用公式，直接填写数值。"),
    )
}

/// The text-to-number rules, separately testable.
pub fn parse_number_text(s: &str, unit: &str) -> Option<Num> {
    let mut t: String = fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // 97。5 — an ideographic full stop typed as decimal point between digits.
    if t.contains('。') {
        t = t.replace('。', ".");
    }
    if !unit.is_empty()
        && unit != "%"
        && let Some(rest) = t.strip_suffix(unit)
    {
        t = rest.to_string();
    }
    let mut percent = false;
    if let Some(rest) = t.strip_suffix('%') {
        t = rest.to_string();
        percent = true;
    }
    if t.contains(',') {
        // Only well-formed thousands separators: 1,234 or 1,234,567.89.
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (t.clone(), None),
        };
        let digits = int.trim_start_matches(['-', '+']);
        let groups: Vec<&str> = digits.split(',').collect();
        let ok = !groups.is_empty()
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return None;
        }
        t = int.replace(',', "");
        if let Some(f) = frac {
            t.push('.');
            t.push_str(&f);
        }
    }
    if t.is_empty() || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let value = Decimal::from_str(&t)
        .or_else(|_| Decimal::from_scientific(&t))
        .ok()?;
    Some(Num { value, percent })
}

/// Excel serial day number (1900 date system) → date. Serials before 1 March 1900 are not
/// plausible report dates and are rejected.
pub fn date_from_serial(serial: f64) -> Option<NaiveDate> {
    if !(61.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?
        .checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// Parses a date typed as text: 2022-07-20, 2022-7-20, 2022/7/20, 2022.7.20, 2022年7月20日,
/// 20220720, with or without a time part.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let t: String = fold_width(s).trim().to_string();
    // "2022 年 6 月 28 日": spaces around 年/月/日 are not a time part.
    let t = if t.contains('年') {
        t.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        t
    };
    let t = t.split(['T', ' ']).next().unwrap_or("").to_string();
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let ymd = |y: &str, m: &str, d: &str| -> Option<NaiveDate> {
        if y.len() != 4 {
            return None;
        }
        NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    };
    if let Some((y, rest)) = t.split_once('年') {
        let (m, rest) = rest.split_once('月')?;
        let d = rest.trim_end_matches(['日', '号']);
        return ymd(y, m, d);
    }
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        return ymd(&t[..4], &t[4..6], &t[6..]);
    }
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    if parts.len() == 3 {
        return ymd(parts[0], parts[1], parts[2]);
    }
    None
}

fn plausible(d: NaiveDate) -> Option<NaiveDate> {
    (1900..=2100).contains(&d.year()).then_some(d)
}

pub fn date(raw: &Raw, label: &str) -> Result<Option<NaiveDate>, Problem> {
    let invalid = |seen: &str| {
        problem(
            Code::InvalidDate,
            format!(
                "‘{label}’应填写日期，所填“{seen}”无法识别为日期，请按“2022-07-20”的格式填写完整的年月日。"
            ),
        )
    };
    // A real date, but not one a report can mean (9999-12-31, 1066-10-14).
    let in_range = |d: NaiveDate, seen: &str| -> Result<Option<NaiveDate>, Problem> {
        plausible(d).map(Some).ok_or_else(|| {
            problem(
                Code::OutOfRange,
                format!(
                    "‘{label}’所填日期“{seen}”超出合理范围（1900年至2100年），请核实后按“2022-07-20”的格式重新填写。"
                ),
            )
        })
    };
    match raw {
        Raw::Date(d) => in_range(d.date(), &raw.display()),
        Raw::Number { value, .. } => {
            // 20220720 typed as a number, or a serial in a cell without date format.
            let v = *value;
            if v.fract() == 0.0 && (19_000_101.0..=21_001_231.0).contains(&v) {
                return parse_date_text(&format!("{}", v as u64))
                    .map(Some)
                    .ok_or_else(|| invalid(&raw.display()));
            }
            if v.fract() == 0.0 && (1900.0..=2100.0).contains(&v) {
                // "2022" typed where a date is asked is a year, not serial day 2022 of the
                // 1900 date system (1905-07-14).
                return Err(problem(
                    Code::InvalidDate,
                    format!(
                        "‘{label}’应填写日期，所填“{}”只有年份，请按“2022-07-20”的格式填写完整的年月日。",
                        raw.display()
                    ),
                ));
            }
            if (60.0..61.0).contains(&v) {
                // Serial 60 is 1900-02-29, a day Excel counts but the calendar never had
                // (whether the cell is date-formatted or not).
                return Err(problem(
                    Code::InvalidDate,
                    format!(
                        "‘{label}’所填“{}”在 Excel 中对应1900年2月29日，这一天并不存在（Excel 沿用的历史错误），无法作为日期；请按“2022-07-20”的格式填写正确的年月日。",
                        raw.display()
                    ),
                ));
            }
            match date_from_serial(v) {
                Some(d) => in_range(d, &format!("{}（{}）", raw.display(), d.format("%Y-%m-%d"))),
                None => Err(invalid(&raw.display())),
            }
        }
        Raw::Text(s) => {
            if is_blank_word(s) {
                return Ok(None);
            }
            match parse_date_text(s) {
                Some(d) => in_range(d, s.trim()),
                None => Err(invalid(s.trim())),
            }
        }
        Raw::Bool(_) => Err(invalid(&raw.display())),
        Raw::Error(e) => Err(error_cell(label, e)),
    }
}

/// 是/否, √/×, Y/N, 有/无, 对/错, TRUE/FALSE, 1/0.
pub fn parse_bool_text(s: &str) -> Option<bool> {
    let t = fold_width(s).trim().to_lowercase();
    match t.as_str() {
        "是" | "是的" | "√" | "✓" | "✔" | "y" | "yes" | "true" | "有" | "对" | "1" | "已"
        | "已完成" => Some(true),
        "否" | "不是" | "×" | "✗" | "✘" | "x" | "n" | "no" | "false" | "无" | "没有" | "错"
        | "0" | "未" => Some(false),
        _ => None,
    }
}

pub fn boolean(raw: &Raw, label: &str) -> Result<Option<bool>, Problem> {
    let wrong = |seen: &str| {
        problem(
            Code::WrongType,
            format!("‘{label}’应填写“是”或“否”，所填“{seen}”无法识别，请从下拉列表中选择。"),
        )
    };
    match raw {
        Raw::Bool(b) => Ok(Some(*b)),
        Raw::Number { value, .. } if *value == 1.0 => Ok(Some(true)),
        Raw::Number { value, .. } if *value == 0.0 => Ok(Some(false)),
        Raw::Text(s) => {
            if fold_width(s).trim().is_empty() {
                return Ok(None);
            }
            parse_bool_text(s).map(Some).ok_or_else(|| wrong(s.trim()))
        }
        Raw::Error(e) => Err(error_cell(label, e)),
        _ => Err(wrong(&raw.display())),
    }
}

/// Comparison key of an option: width-folded, no spaces or middle dots (3·15 = 3.15 = 3•15).
fn choice_key(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !"·•・.、".contains(*c))
        .collect::<String>()
        .to_lowercase()
}

pub fn choice(raw: &Raw, label: &str, options: &[String]) -> Result<Option<String>, Problem> {
    let seen = raw.display();
    if let Raw::Error(e) = raw {
        return Err(error_cell(label, e));
    }
    if is_blank_word(&seen) {
        return Ok(None);
    }
    let key = choice_key(&seen);
    if let Some(o) = options.iter().find(|o| choice_key(o) == key) {
        return Ok(Some(o.clone()));
    }
    // "省" for 省级, "国家" for 国家级: accepted when exactly one option starts with it.
    let starts: Vec<&String> = options
        .iter()
        .filter(|o| choice_key(o).starts_with(&key))
        .collect();
    if starts.len() == 1 && !key.is_empty() {
        return Ok(Some(starts[0].clone()));
    }
    Err(problem(
        Code::InvalidChoice,
        format!(
            "‘{label}’只能从下拉列表中选择（{}），所填“{seen}”不在可选项内，请重新选择。",
            options.join("、")
        ),
    ))
}

pub fn year(raw: &Raw, label: &str) -> Result<Option<Decimal>, Problem> {
    let wrong = |seen: &str| {
        problem(
            Code::WrongType,
            format!("‘{label}’应填写四位年份（如2021），所填“{seen}”无法识别，请重新填写。"),
        )
    };
    let y: Option<i64> = match raw {
        Raw::Number {
            value,
            percent: false,
        } if value.fract() == 0.0 => Some(*value as i64),
        Raw::Text(s) => {
            if is_blank_word(s) {
                return Ok(None);
            }
            let t: String = fold_width(s)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            t.trim_end_matches('度').trim_end_matches('年').parse().ok()
        }
        Raw::Error(e) => return Err(error_cell(label, e)),
        _ => None,
    };
    match y {
        Some(y) if (1900..=2100).contains(&y) => Ok(Some(Decimal::from(y))),
        _ => Err(wrong(&raw.display())),
    }
}

/// Free text and documents: trimmed; numbers and dates as shown.
pub fn text(raw: &Raw, label: &str) -> Result<Option<String>, Problem> {
    match raw {
        Raw::Error(e) => Err(error_cell(label, e)),
        Raw::Bool(b) => Ok(Some(if *b { "是" } else { "否" }.to_string())),
        _ => {
            let s = raw.display();
            let s = s
                .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
                .to_string();
            if is_blank_word(&s) {
                Ok(None)
            } else {
                Ok(Some(s))
            }
        }
    }
}

/// A single-cell value of any kind except `Rate` (which needs two cells, see
/// [`rate`]).
pub fn value(
    raw: Option<&Raw>,
    kind: FieldKind,
    label: &str,
    unit: &str,
    options: &[String],
) -> Result<Option<Value>, Problem> {
    let Some(raw) = raw else { return Ok(None) };
    match kind {
        FieldKind::Text | FieldKind::Doc => Ok(text(raw, label)?.map(Value::Text)),
        FieldKind::Bool => Ok(boolean(raw, label)?.map(Value::Bool)),
        FieldKind::Date => Ok(date(raw, label)?.map(Value::Date)),
        FieldKind::Year => Ok(year(raw, label)?.map(Value::Number)),
        FieldKind::Choice => Ok(choice(raw, label, options)?.map(Value::Text)),
        FieldKind::Number | FieldKind::Count => {
            let Some(n) = number(raw, label, unit)? else {
                return Ok(None);
            };
            // A percentage where a share in percent is asked is the number in percent units;
            // anywhere else it is a mistake (a count is not a percentage).
            if n.percent && unit != "%" {
                return Err(problem(
                    Code::WrongType,
                    format!(
                        "‘{label}’应填写数值{}，不应填写百分数“{}”，请核实后重新填写。",
                        if unit.is_empty() {
                            String::new()
                        } else {
                            format!("（单位：{unit}）")
                        },
                        raw.display()
                    ),
                ));
            }
            if kind == FieldKind::Count && !n.value.fract().is_zero() {
                return Err(problem(
                    Code::WrongType,
                    format!(
                        "‘{label}’应填写整数，所填“{}”不是整数，请核实后重新填写。",
                        raw.display()
                    ),
                ));
            }
            Ok(Some(Value::Number(n.value.normalize())))
        }
        FieldKind::Rate => rate(Some(raw), None, label)
            .map(|r| r.map(|(v, _)| v))
            .map_err(|(p, _)| p),
    }
}

/// Which cell of a rate a problem concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatePart {
    Numerator,
    Denominator,
}

/// A rate from its numerator and denominator cells. A single percentage in the numerator
/// with a blank denominator ("100%") is read as that many of 100.
pub fn rate(
    num: Option<&Raw>,
    den: Option<&Raw>,
    label: &str,
) -> Result<Option<(Value, bool)>, (Problem, RatePart)> {
    let n = match num {
        Some(r) => number(r, label, "").map_err(|p| (p, RatePart::Numerator))?,
        None => None,
    };
    let d = match den {
        Some(r) => {
            number(r, &format!("{label}（分母）"), "").map_err(|p| (p, RatePart::Denominator))?
        }
        None => None,
    };
    match (n, d) {
        (None, None) => Ok(None),
        (Some(n), None) if n.percent => Ok(Some((
            Value::Rate {
                num: n.value.normalize(),
                den: Decimal::ONE_HUNDRED,
            },
            true,
        ))),
        (Some(n), None) => Err((
            problem(
                Code::MissingFact,
                format!(
                    "‘{label}’只填写了分子（{}），没有填写分母，请在“分母”栏补填后重新报送。",
                    n.value.normalize()
                ),
            ),
            RatePart::Denominator,
        )),
        (None, Some(d)) => Err((
            problem(
                Code::MissingFact,
                format!(
                    "‘{label}’只填写了分母（{}），没有填写分子，请在“填报值”栏补填后重新报送。",
                    d.value.normalize()
                ),
            ),
            RatePart::Numerator,
        )),
        (Some(n), Some(d)) => {
            if n.percent || d.percent {
                return Err((
                    problem(
                        Code::WrongType,
                        format!(
                            "‘{label}’请分别填写分子和分母的数量，不要填写百分数，请核实后重新填写。"
                        ),
                    ),
                    RatePart::Numerator,
                ));
            }
            Ok(Some((
                Value::Rate {
                    num: n.value.normalize(),
                    den: d.value.normalize(),
                },
                false,
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Raw {
        Raw::Text(s.to_string())
    }

    #[test]
    fn numbers_as_typed() {
        let n = |s: &str| {
            parse_number_text(s, "万元").map(|n| (n.value.normalize().to_string(), n.percent))
        };
        assert_eq!(n("１２３"), Some(("123".into(), false)));
        assert_eq!(n("1,234.5"), Some(("1234.5".into(), false)));
        assert_eq!(n("１，２３４．５"), Some(("1234.5".into(), false)));
        assert_eq!(n(" 97.5% "), Some(("97.5".into(), true)));
        assert_eq!(n("９７．５％"), Some(("97.5".into(), true)));
        assert_eq!(n("350万元"), Some(("350".into(), false)));
        assert_eq!(n("1,23"), None);
        assert_eq!(n("约100"), None);
        assert_eq!(n("−5"), Some(("-5".into(), false)));
    }

    #[test]
    fn nan_and_inf_typed_as_text_are_not_numbers_not_huge_ones() {
        for s in ["NaN", "inf", "-Infinity"] {
            let p = number(&t(s), "x", "个").unwrap_err();
            assert_eq!(p.code, Code::WrongType, "{s}");
            assert!(p.message.contains("无法识别为数字"), "{s}: {}", p.message);
        }
        let p = number(&t("1e999"), "x", "个").unwrap_err();
        assert_eq!(p.code, Code::OutOfRange);
    }

    #[test]
    fn dates_as_typed() {
        let d = NaiveDate::from_ymd_opt(2022, 7, 20).unwrap();
        for s in [
            "2022年7月20日",
            "2022.7.20",
            "2022/7/20",
            "2022-07-20",
            "２０２２年７月２０日",
            "20220720",
            "2022-07-20 00:00:00",
            "2022 年 7 月 20 日",
            "２０２２年　７月２０日",
        ] {
            assert_eq!(parse_date_text(s), Some(d), "{s}");
        }
        assert_eq!(date_from_serial(44762.0), Some(d));
        assert_eq!(parse_date_text("2022年7月"), None);
        assert_eq!(parse_date_text("2022.13.1"), None);
    }

    #[test]
    fn booleans_as_typed() {
        for s in ["是", "√", "Y", "有", "TRUE", "ｙ"] {
            assert_eq!(parse_bool_text(s), Some(true), "{s}");
        }
        for s in ["否", "×", "N", "无", "false"] {
            assert_eq!(parse_bool_text(s), Some(false), "{s}");
        }
        assert_eq!(parse_bool_text("也许"), None);
    }

    #[test]
    fn choices_fold() {
        let opts: Vec<String> = ["质量月", "3·15", "国家级", "省级"]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            choice(&t("3.15"), "类型", &opts).unwrap(),
            Some("3·15".into())
        );
        assert_eq!(
            choice(&t(" 省级 "), "级别", &opts).unwrap(),
            Some("省级".into())
        );
        assert_eq!(
            choice(&t("国家"), "级别", &opts).unwrap(),
            Some("国家级".into())
        );
        assert_eq!(
            choice(&t("区级"), "级别", &opts).unwrap_err().code,
            Code::InvalidChoice
        );
    }

    #[test]
    fn rates() {
        let num = Raw::Number {
            value: 1.0,
            percent: true,
        };
        let (v, single) = rate(Some(&num), None, "x").unwrap().unwrap();
        assert_eq!(
            v,
            Value::Rate {
                num: Decimal::ONE_HUNDRED,
                den: Decimal::ONE_HUNDRED
            }
        );
        assert!(single);
        let err = rate(
            Some(&Raw::Number {
                value: 5.0,
                percent: false,
            }),
            None,
            "x",
        )
        .unwrap_err();
        assert_eq!(err.1, RatePart::Denominator);
    }
}
