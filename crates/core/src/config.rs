//! The creation campaign's configuration (`input/campaign.toml`): district, dates,
//! 申请表 particulars, efficacy benchmarks and the annual report's year. Configuration only:
//! every figure printed in the documents comes from a unit's submission (documents.md,
//! "One figure, one source"); the annual report's series are declared in the catalogue.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub district: District,
    pub dates: Dates,
    pub application: Application,
    /// 功效系数法 benchmarks keyed by the name a rule uses (e.g. `"19.count"`).
    #[serde(default)]
    pub benchmarks: BTreeMap<String, Benchmark>,
    #[serde(default)]
    pub annual_report: AnnualReport,
    /// 自评报告: who issues it, to whom, and by when its shortfalls are made good.
    #[serde(default)]
    pub self_evaluation: SelfEvaluation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    /// 济南市章丘区
    pub name: String,
    /// 章丘区
    pub short_name: String,
    /// 济南市
    pub city: String,
    /// 山东省
    pub province: String,
    /// The office that compiles the materials (author of the 证明材料汇编 and the fill-in
    /// workbooks), e.g. 章丘区创建山东省质量强区工作专班办公室. The 自评报告 and the
    /// 年度质量分析报告 are issued by the district government ([`Campaign::self_evaluation_issuer`], [`Campaign::annual_report_issuer`]).
    pub issuer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dates {
    /// 评价当年 (2022): "评价当年的前一年度" is `evaluation_year - 1`.
    pub evaluation_year: i32,
    /// End of the rolling windows 近一年/近两年/近三年 (the 申报 date, 2022-07-20).
    #[serde(deserialize_with = "date_or_toml_date")]
    pub reference_date: NaiveDate,
    /// 成文日期 printed on the documents and written into PDF metadata.
    #[serde(deserialize_with = "date_or_toml_date")]
    pub document_date: NaiveDate,
}

/// A date written either as a TOML local date (`2022-07-20`, as in campaign.toml) or as a
/// string (JSON): chrono alone only accepts the string.
fn date_or_toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = match toml::Value::deserialize(d)? {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) => dt.to_string(),
        other => return Err(serde::de::Error::custom(format!("应为日期，实为 {other}"))),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|e| serde::de::Error::custom(format!("日期“{text}”无法识别：{e}")))
}

impl Dates {
    /// The rolling window (reference_date − N years, reference_date]. "N years before"
    /// keeps month and day; from 29 February it lands on 28 February (N years before
    /// 2024-02-29 is 2023-02-28, so 2023-03-01 is inside 近一年 and 2023-02-28 is not).
    pub fn window_years(&self, years: u32) -> (NaiveDate, NaiveDate) {
        let end = self.reference_date;
        (years_before(end, years), end)
    }

    /// True when `date` lies in (reference_date − N years, reference_date].
    pub fn in_window(&self, date: NaiveDate, years: u32) -> bool {
        let (start, end) = self.window_years(years);
        date > start && date <= end
    }
}

/// The same month and day N years earlier; 29 February becomes 28 February in a common
/// year. (`checked_sub_months` keeps the day and clamps it to the month's last day.) An
/// absurd N that leaves chrono's range gives the earliest date, so the window is unbounded
/// instead of panicking.
pub fn years_before(date: NaiveDate, years: u32) -> NaiveDate {
    years
        .checked_mul(12)
        .and_then(|months| date.checked_sub_months(chrono::Months::new(months)))
        .unwrap_or(NaiveDate::MIN)
}

/// Particulars of the 申请表 that no unit reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub area_km2: Decimal,
    pub pillar_industries: Vec<String>,
    /// 质量工作议事协调机构
    pub coordination_body: String,
    /// 主要做法及成效 (≤ 1 000 characters, checked); left empty, the 申请表 composes it
    /// from the units' figures.
    #[serde(default)]
    pub summary: String,
    pub contact: ContactPerson,
    /// 申报单位（盖章）: the body whose seal the form carries — the district government.
    /// Default: the district's name + 人民政府 (济南市章丘区人民政府).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<String>,
    /// 填表人. Default: the contact person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filled_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPerson {
    pub name: String,
    pub position: String,
    pub phone: String,
    pub email: String,
}

/// 满意值 and 不允许值 of one efficacy part, with where they come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benchmark {
    pub satisfactory: Decimal,
    pub unacceptable: Decimal,
    pub source: String,
}

impl Benchmark {
    /// True when the source says the values are example data (示例).
    pub fn is_example(&self) -> bool {
        self.source.contains("示例")
    }
}

/// The 年度质量分析报告's year. Its series are reported by the units (catalogue
/// `[[series]]`, see [`crate::series`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnnualReport {
    /// The year the report analyses (usually evaluation_year − 1).
    #[serde(default)]
    pub year: Option<i32>,
    /// 发文机关署名. Default: the 申报单位 (the district government).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// 主送机关. Default: none (the report is published to the public).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
}

/// The 自评报告's particulars that no unit reports. It is laid out as GB/T 9704 asks:
/// 主送机关 above the body, 附件说明 after it, 发文机关署名 and 成文日期 at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfEvaluation {
    /// 发文机关署名 (the body whose seal the report carries). Default: the 申报单位.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// 主送机关. Default: see [`Campaign::self_evaluation_recipient`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// By when the shortfalls (存在的不足) are made good when an indicator's own deadline
    /// (任务分解表 完成时限) has passed by the 成文日期. Default: 31 December of the
    /// evaluation year.
    #[serde(
        default,
        deserialize_with = "optional_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub rectify_by: Option<NaiveDate>,
}

fn optional_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    date_or_toml_date(d).map(Some)
}

/// A target of the seed's 主要目标.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// at least the value (合格率 ≥ 97%)
    AtLeast { value: Decimal, text: String },
    /// rises year on year (稳步提升 / 进一步提升)
    Rising { text: String },
    /// falls year on year (不断降低 / 显著下降)
    Falling { text: String },
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("无法读取创建配置 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("创建配置 {path} 格式有误：{message}")]
    Parse { path: String, message: String },
    #[error("创建配置有误：{0}")]
    Invalid(String),
}

impl Campaign {
    pub fn load(path: &Path) -> Result<Campaign, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Campaign, ConfigError> {
        let campaign: Campaign = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        campaign.validate()?;
        Ok(campaign)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_dates()?;
        for (key, b) in &self.benchmarks {
            if b.satisfactory == b.unacceptable {
                return Err(ConfigError::Invalid(format!(
                    "功效系数法基准“{key}”的满意值与不允许值相同（{}），无法计算",
                    b.satisfactory
                )));
            }
        }
        let chars = self
            .application
            .summary
            .chars()
            .filter(|c| !c.is_whitespace())
            .count();
        if chars > 1000 {
            return Err(ConfigError::Invalid(format!(
                "申请表“主要做法及成效”限1000字以内，现为{chars}字"
            )));
        }
        Ok(())
    }
}

/// The earliest and latest year a date or year of the configuration may name. Anything
/// outside is a typing error (`20222`, `+12345-01-01`), and would otherwise reach date
/// arithmetic, Typst's `datetime` and the PDF timestamp, which only know a narrower range.
pub const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

impl Campaign {
    /// Every date and year of the configuration lies in [`YEARS`]; the error names the key.
    fn validate_dates(&self) -> Result<(), ConfigError> {
        let out_of_range = |key: String, shown: String| {
            ConfigError::Invalid(format!(
                "{key} 为“{shown}”，超出可接受的范围（{}年至{}年），请核对后重新填写",
                YEARS.start(),
                YEARS.end()
            ))
        };
        let d = &self.dates;
        let mut dates = vec![
            ("dates.reference_date", d.reference_date),
            ("dates.document_date", d.document_date),
        ];
        if let Some(r) = self.self_evaluation.rectify_by {
            dates.push(("self_evaluation.rectify_by", r));
        }
        for (key, date) in dates {
            if !YEARS.contains(&date.year()) {
                return Err(out_of_range(key.to_string(), date.to_string()));
            }
        }
        let mut years = vec![("dates.evaluation_year".to_string(), d.evaluation_year)];
        if let Some(y) = self.annual_report.year {
            years.push(("annual_report.year".to_string(), y));
        }
        for (key, year) in years {
            if !YEARS.contains(&year) {
                return Err(out_of_range(key, year.to_string()));
            }
        }
        Ok(())
    }
}

impl Campaign {
    /// 申报单位 printed on the 申请表 (the configured one, or 「区名」人民政府).
    pub fn applicant(&self) -> String {
        match &self.application.applicant {
            Some(a) if !a.trim().is_empty() => a.trim().to_string(),
            _ => format!("{}人民政府", self.district.name),
        }
    }

    /// 发文机关署名 of the 自评报告 (the configured one, or the 申报单位).
    pub fn self_evaluation_issuer(&self) -> String {
        nonblank(&self.self_evaluation.issuer).unwrap_or_else(|| self.applicant())
    }

    /// 主送机关 of the 自评报告: the configured one, or the city's 质量强市及品牌战略推进
    /// 工作领导小组办公室, which receives the application and recommends it to the province
    /// (the 申请表's 设区市…推荐意见).
    pub fn self_evaluation_recipient(&self) -> String {
        nonblank(&self.self_evaluation.recipient).unwrap_or_else(|| {
            format!(
                "{}质量强市及品牌战略推进工作领导小组办公室",
                self.district.city
            )
        })
    }

    /// 发文机关署名 of the 年度质量分析报告 (the configured one, or the 申报单位).
    pub fn annual_report_issuer(&self) -> String {
        nonblank(&self.annual_report.issuer).unwrap_or_else(|| self.applicant())
    }

    /// 主送机关 of the 年度质量分析报告; none unless configured (the report is published).
    pub fn annual_report_recipient(&self) -> Option<String> {
        nonblank(&self.annual_report.recipient)
    }

    /// The date by which the 自评报告's shortfalls are made good when an indicator's own
    /// deadline has passed (default 31 December of the evaluation year).
    pub fn rectify_by(&self) -> NaiveDate {
        self.self_evaluation.rectify_by.unwrap_or_else(|| {
            NaiveDate::from_ymd_opt(self.dates.evaluation_year, 12, 31)
                .unwrap_or(self.dates.document_date)
        })
    }

    /// 填表人 printed on the 申请表 (the configured one, or the contact person).
    pub fn filled_by(&self) -> String {
        match &self.application.filled_by {
            Some(f) if !f.trim().is_empty() => f.trim().to_string(),
            _ => self.application.contact.name.clone(),
        }
    }
}

fn nonblank(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// 2022年7月20日 — Arabic numerals, no zero padding, as GB/T 9704 asks for 成文日期.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_half_open_on_the_left() {
        let dates = Dates {
            evaluation_year: 2022,
            reference_date: NaiveDate::from_ymd_opt(2022, 7, 20).unwrap(),
            document_date: NaiveDate::from_ymd_opt(2022, 7, 20).unwrap(),
        };
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(dates.in_window(d(2022, 7, 20), 1));
        assert!(!dates.in_window(d(2022, 7, 21), 1));
        assert!(!dates.in_window(d(2021, 7, 20), 1));
        assert!(dates.in_window(d(2021, 7, 21), 1));
        assert!(dates.in_window(d(2019, 7, 21), 3));
        assert!(!dates.in_window(d(2019, 7, 20), 3));
    }

    #[test]
    fn n_years_before_29_february_is_28_february() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(years_before(d(2024, 2, 29), 1), d(2023, 2, 28));
        assert_eq!(years_before(d(2024, 2, 29), 2), d(2022, 2, 28));
        assert_eq!(years_before(d(2024, 2, 29), 3), d(2021, 2, 28));
        assert_eq!(years_before(d(2024, 2, 29), 4), d(2020, 2, 29));
        assert_eq!(years_before(d(2022, 7, 20), 3), d(2019, 7, 20));
        assert_eq!(years_before(d(2022, 7, 20), u32::MAX), NaiveDate::MIN);
        let dates = Dates {
            evaluation_year: 2024,
            reference_date: d(2024, 2, 29),
            document_date: d(2024, 2, 29),
        };
        assert!(!dates.in_window(d(2023, 2, 28), 1));
        assert!(dates.in_window(d(2023, 3, 1), 1));
        assert!(dates.in_window(d(2024, 2, 29), 1));
        assert!(!dates.in_window(d(2024, 3, 1), 1));
        assert!(!dates.in_window(d(2021, 2, 28), 3));
        assert!(dates.in_window(d(2021, 3, 1), 3));
    }

    #[test]
    fn dates_and_years_outside_1949_to_2100_are_refused_naming_the_key() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../input/campaign.toml"
        ))
        .expect("example campaign");
        assert!(Campaign::parse(&text, "campaign.toml").is_ok());
        let cases = [
            (
                "document_date = 2022-07-20",
                "document_date = \"+12345-01-01\"",
                "dates.document_date",
            ),
            (
                "document_date = 2022-07-20",
                "document_date = 1900-01-01",
                "dates.document_date",
            ),
            (
                "reference_date = 2022-07-20",
                "reference_date = 2101-01-01",
                "dates.reference_date",
            ),
            (
                "evaluation_year = 2022",
                "evaluation_year = 20222",
                "dates.evaluation_year",
            ),
        ];
        for (from, to, key) in cases {
            assert!(text.contains(from), "{from}");
            let err = Campaign::parse(&text.replacen(from, to, 1), "campaign.toml")
                .expect_err(to)
                .to_string();
            assert!(
                err.contains(key) && err.contains("超出可接受的范围"),
                "{to}: {err}"
            );
        }
    }

    #[test]
    fn applicant_is_the_district_government_unless_configured() {
        let mut c = Campaign::parse(
            include_str!("../../../input/campaign.toml"),
            "campaign.toml",
        )
        .expect("example configuration parses");
        assert_eq!(c.applicant(), "济南市章丘区人民政府");
        c.application.applicant = None;
        c.district.name = "济南市莱芜区".into();
        assert_eq!(c.applicant(), "济南市莱芜区人民政府");
        c.application.applicant = Some(" 济南市莱芜区人民政府办公室 ".into());
        assert_eq!(c.applicant(), "济南市莱芜区人民政府办公室");
        c.application.filled_by = None;
        assert_eq!(c.filled_by(), c.application.contact.name);
        c.application.filled_by = Some("李四".into());
        assert_eq!(c.filled_by(), "李四");
    }

    #[test]
    fn chinese_dates_have_no_zero_padding() {
        assert_eq!(
            chinese_date(NaiveDate::from_ymd_opt(2022, 7, 5).unwrap()),
            "2022年7月5日"
        );
    }
}
