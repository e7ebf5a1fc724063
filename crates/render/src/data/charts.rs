//! Charts of the annual report, prepared for native Typst drawing.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use zhiliang_core::score::display;

/// A chart prepared for native Typst drawing: values already scaled to 0‥1 of the
/// plot height, so the template only places shapes.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// `bars` (bars against a target line) or `line` (trend line).
    pub kind: String,
    pub title: String,
    pub unit: String,
    pub labels: Vec<String>,
    /// Displayed values (`—` where unknown).
    pub values: Vec<String>,
    /// Heights 0‥1, `null` where unknown.
    pub heights: Vec<Option<f64>>,
    /// Height of the target line, when there is one.
    pub target: Option<f64>,
    pub target_label: String,
    pub axis_min: String,
    pub axis_max: String,
}

fn f64_of(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn round4(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

fn nice_step(span: f64) -> f64 {
    let raw = span / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let n = raw / mag;
    let m = if n <= 1.0 {
        1.0
    } else if n <= 2.0 {
        2.0
    } else if n <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

fn fmt_axis(x: f64) -> String {
    let d = Decimal::from_f64_retain(x).unwrap_or_default().round_dp(2);
    display(d)
}

/// Scales values (and a target) into a chart. The axis does not start at zero when the
/// values lie close together (合格率 95–99 %): the chart says where it starts.
pub fn chart(
    kind: &str,
    title: &str,
    unit: &str,
    labels: Vec<String>,
    values: &[Option<Decimal>],
    target: Option<Decimal>,
    target_label: &str,
) -> Chart {
    let mut all: Vec<f64> = values.iter().flatten().map(|d| f64_of(*d)).collect();
    if let Some(t) = target {
        all.push(f64_of(t));
    }
    let (lo, hi) = if all.is_empty() {
        (0.0, 1.0)
    } else {
        let mn = all.iter().cloned().fold(f64::INFINITY, f64::min);
        let mx = all.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let span = (mx - mn).max(mx.abs() * 0.02).max(1e-6);
        let step = nice_step(span * 1.6);
        let mut lo = ((mn - span * 0.5) / step).floor() * step;
        if mn >= 0.0 && lo < 0.0 {
            lo = 0.0;
        }
        let mut hi = ((mx + span * 0.2) / step).ceil() * step;
        // A rate axis ends at 100 %.
        if unit == "%" && mx <= 100.0 && hi > 100.0 {
            hi = 100.0;
        }
        (lo, if hi > lo { hi } else { lo + step })
    };
    let scale = |x: f64| round4(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
    Chart {
        kind: kind.to_string(),
        title: title.to_string(),
        unit: unit.to_string(),
        labels,
        values: values
            .iter()
            .map(|v| v.map_or_else(|| "—".into(), display))
            .collect(),
        heights: values.iter().map(|v| v.map(|d| scale(f64_of(d)))).collect(),
        target: target.map(|t| scale(f64_of(t))),
        target_label: target_label.to_string(),
        axis_min: fmt_axis(lo),
        axis_max: fmt_axis(hi),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_scale_values_and_target_into_the_plot() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let ch = chart(
            "bars",
            "合格率",
            "%",
            vec!["2020".into(), "2021".into()],
            &[Some(d("96.4")), None],
            Some(d("97")),
            "目标值97%",
        );
        assert_eq!(ch.values, ["96.4", "—"]);
        assert!(ch.heights[1].is_none());
        let (h, t) = (ch.heights[0].unwrap(), ch.target.unwrap());
        assert!(0.0 < h && h < t && t <= 1.0, "{h} {t}");
        // a rate axis never goes beyond 100 %
        assert!(ch.axis_max.parse::<f64>().unwrap() <= 100.0);
    }
}
