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
    /// The issuing office (PDF author), e.g. 章丘区创建山东省质量强区工作专班办公室.
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
    /// The rolling window (reference_date − N years, reference_date].
    pub fn window_years(&self, years: u32) -> (NaiveDate, NaiveDate) {
        let end = self.reference_date;
        let start = end
            .with_year(end.year() - years as i32)
            // 29 February → 28 February
            .unwrap_or_else(|| end - chrono::Duration::days(365 * years as i64));
        (start, end)
    }

    /// True when `date` lies in (reference_date − N years, reference_date].
    pub fn in_window(&self, date: NaiveDate, years: u32) -> bool {
        let (start, end) = self.window_years(years);
        date > start && date <= end
    }
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
    Io { path: String, source: std::io::Error },
    #[error("创建配置 {path} 格式有误：{message}")]
    Parse { path: String, message: String },
    #[error("创建配置有误：{0}")]
    Invalid(String),
}

impl Campaign {
    pub fn load(path: &Path) -> Result<Campaign, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Io { path: path.display().to_string(), source })?;
        Self::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Campaign, ConfigError> {
        let campaign: Campaign = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: origin.to_string(), message: e.to_string() })?;
        campaign.validate()?;
        Ok(campaign)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        for (key, b) in &self.benchmarks {
            if b.satisfactory == b.unacceptable {
                return Err(ConfigError::Invalid(format!(
                    "功效系数法基准“{key}”的满意值与不允许值相同（{}），无法计算",
                    b.satisfactory
                )));
            }
        }
        let chars = self.application.summary.chars().filter(|c| !c.is_whitespace()).count();
        if chars > 1000 {
            return Err(ConfigError::Invalid(format!(
                "申请表“主要做法及成效”限1000字以内，现为{chars}字"
            )));
        }
        Ok(())
    }
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
    fn chinese_dates_have_no_zero_padding() {
        assert_eq!(chinese_date(NaiveDate::from_ymd_opt(2022, 7, 5).unwrap()), "2022年7月5日");
    }
}
