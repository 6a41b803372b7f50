//! Cost over time: the monthly run-rate every successful apply leaves (per cloud and per
//! resource), and what a month of such applies adds up to.
//!
//! A run-rate is what the applied infrastructure costs per month at list prices. Between two
//! applies the rate is constant, so the spend of the current (UTC) month so far is the sum of
//! rate × hours over the intervals since the month began, divided by the catalog's hours per
//! month; the month-end forecast adds the current rate over the hours left. The history is
//! JSON lines, one [`RunRate`] per apply, kept by the state backend beside the state.

use crate::catalog::Cloud;
use crate::report::{Report, Status};
use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Hours in a month for hourly prices, as the catalog counts them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The run-rate an apply left: when, which state, and the monthly cost of what exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRate {
    /// When the apply finished (RFC 3339, UTC).
    pub time: DateTime<Utc>,
    /// The state serial the apply wrote.
    pub serial: u64,
    /// Monthly cost of everything priced, on the clouds it runs on.
    pub monthly: f64,
    /// The same per cloud.
    pub clouds: BTreeMap<Cloud, f64>,
    /// Resources whose price is unknown or only partly known (left out of the sums).
    pub unpriced: usize,
    /// Monthly cost per priced resource address.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, f64>,
    /// The resource instances the apply created, changed or replaced (what `drift` reports
    /// as each one's last apply); empty in records written before it was kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
}

impl RunRate {
    /// The run-rate of the infrastructure a plan leaves (its `after` costs) once applied.
    pub fn after_apply(report: &Report, time: DateTime<Utc>, serial: u64) -> RunRate {
        let mut clouds: BTreeMap<Cloud, f64> = BTreeMap::new();
        let mut resources = BTreeMap::new();
        let mut unpriced = 0;
        for r in &report.resources {
            if matches!(
                r.status,
                Status::Unpriced | Status::Partial | Status::DependsOn
            ) {
                unpriced += 1;
            }
            let (Some(cloud), Some(after)) = (r.cloud, r.monthly_cost.after) else {
                continue;
            };
            if after > 0.0 {
                *clouds.entry(cloud).or_default() += after;
                resources.insert(r.address.clone(), after);
            }
        }
        RunRate {
            time,
            serial,
            monthly: clouds.values().fold(0.0, |sum, x| sum + x),
            clouds,
            unpriced,
            resources,
            changed: Vec::new(),
        }
    }

    /// The run-rate of infrastructure nothing in which has a price (free types only).
    pub fn nothing_priced(time: DateTime<Utc>, serial: u64) -> RunRate {
        RunRate {
            time,
            serial,
            monthly: 0.0,
            clouds: BTreeMap::new(),
            unpriced: 0,
            resources: BTreeMap::new(),
            changed: Vec::new(),
        }
    }

    /// The same record naming the instances the apply changed.
    pub fn with_changed(mut self, changed: Vec<String>) -> RunRate {
        self.changed = changed;
        self
    }

    /// One JSON line (no newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Reads the history's JSON lines; lines that do not parse (a torn last line) are skipped.
pub fn parse_lines(text: &str) -> Vec<RunRate> {
    parse_records(text.lines().map(str::as_bytes))
}

/// Reads history records (one JSON document each, as the state backend keeps them), oldest
/// first; records that do not parse are skipped.
pub fn parse_records<'r>(records: impl IntoIterator<Item = &'r [u8]>) -> Vec<RunRate> {
    let mut out: Vec<RunRate> = records
        .into_iter()
        .filter_map(|r| serde_json::from_slice(r).ok())
        .collect();
    out.sort_by_key(|r| r.time);
    out
}

/// The month so far and its forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthSummary {
    /// `YYYY-MM` (UTC).
    pub month: String,
    /// Spend implied by the run-rates since the month began, up to `now`.
    pub month_to_date: f64,
    /// `month_to_date` plus the current rate until the month ends.
    pub forecast: f64,
    /// The current run-rate (the last apply's), 0 before any.
    pub current: f64,
    /// Fraction of the month elapsed.
    pub elapsed: f64,
}

/// The spend of `now`'s month implied by `history` (sorted by time), and its forecast.
pub fn summarize(history: &[RunRate], now: DateTime<Utc>) -> MonthSummary {
    let start = month_start(now);
    let end = next_month(start);
    let hours = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_seconds().max(0) as f64 / 3600.0;
    let mut spent = 0.0;
    for (i, rate) in history.iter().enumerate() {
        let until = history.get(i + 1).map_or(now, |next| next.time).min(now);
        let from = rate.time.max(start);
        if until > from {
            spent += rate.monthly * hours(from, until) / HOURS_PER_MONTH;
        }
    }
    let current = history
        .iter()
        .rev()
        .find(|r| r.time <= now)
        .map_or(0.0, |r| r.monthly);
    MonthSummary {
        month: format!("{:04}-{:02}", start.year(), start.month()),
        month_to_date: round_cents(spent),
        forecast: round_cents(spent + current * hours(now, end) / HOURS_PER_MONTH),
        current,
        elapsed: hours(start, now) / hours(start, end),
    }
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn month_start(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(t)
}

fn next_month(start: DateTime<Utc>) -> DateTime<Utc> {
    let (y, m) = match start.month() {
        12 => (start.year() + 1, 1),
        m => (start.year(), m + 1),
    };
    Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .single()
        .unwrap_or(start)
}

/// A one-line chart of `values` with block characters (`▁▂▃▄▅▆▇█`).
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    values
        .iter()
        .map(|&v| {
            let level = if hi > lo {
                (v - lo) / (hi - lo) * 7.0
            } else {
                3.0
            };
            BARS[level.round().clamp(0.0, 7.0) as usize]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn rate(time: &str, monthly: f64) -> RunRate {
        RunRate {
            time: at(time),
            serial: 0,
            monthly,
            clouds: BTreeMap::from([(Cloud::Aws, monthly)]),
            unpriced: 0,
            resources: BTreeMap::new(),
            changed: Vec::new(),
        }
    }

    #[test]
    fn changed_instances_round_trip_and_old_records_read_without_them() {
        let r = rate("2024-05-01T00:00:00Z", 1.0).with_changed(vec!["aws_vpc.main".into()]);
        let back = parse_lines(&r.to_line());
        assert_eq!(back, vec![r]);
        let old =
            r#"{"time":"2024-05-01T00:00:00Z","serial":3,"monthly":0.0,"clouds":{},"unpriced":0}"#;
        assert!(parse_lines(old)[0].changed.is_empty());
    }

    #[test]
    fn month_to_date_integrates_each_rate_over_its_interval() {
        // 730 $/month is 1 $/hour: 24 h at it, then 48 h at 365 $/month (0.5 $/h).
        let h = [
            rate("2026-12-01T00:00:00Z", 730.0),
            rate("2026-12-02T00:00:00Z", 365.0),
        ];
        let s = summarize(&h, at("2026-12-04T00:00:00Z"));
        assert_eq!(s.month, "2026-12");
        assert_eq!(s.month_to_date, 24.0 + 24.0);
        // 28 days (672 h) left in December at 0.5 $/h.
        assert_eq!(s.forecast, 48.0 + 336.0);
        assert_eq!(s.current, 365.0);
    }

    #[test]
    fn rates_from_before_the_month_count_from_its_first_hour() {
        let h = [rate("2026-11-20T00:00:00Z", 730.0)];
        let s = summarize(&h, at("2026-12-01T10:00:00Z"));
        assert_eq!(s.month_to_date, 10.0);
        assert_eq!(s.forecast, 744.0);
    }

    #[test]
    fn no_history_spends_nothing_and_future_entries_wait() {
        let s = summarize(&[], at("2026-02-10T00:00:00Z"));
        assert_eq!((s.month_to_date, s.forecast, s.current), (0.0, 0.0, 0.0));
        let h = [rate("2026-02-11T00:00:00Z", 730.0)];
        assert_eq!(summarize(&h, at("2026-02-10T00:00:00Z")).current, 0.0);
    }

    #[test]
    fn lines_round_trip_and_a_torn_line_is_skipped() {
        let a = rate("2026-12-01T00:00:00Z", 12.5);
        let text = format!("{}\n{{\"time\": \"2026-12", a.to_line());
        assert_eq!(parse_lines(&text), vec![a]);
    }

    #[test]
    fn sparklines_scale_between_the_lowest_and_highest() {
        assert_eq!(sparkline(&[1.0, 2.0, 3.0]), "▁▅█");
        assert_eq!(sparkline(&[5.0, 5.0]), "▄▄");
        assert_eq!(sparkline(&[]), "");
    }
}
