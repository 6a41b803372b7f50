//! Chargeback: costs grouped by tag value, provider, cloud or module.

use super::{Report, Status};
use crate::util::round_usd;
use std::collections::BTreeMap;
use std::str::FromStr;

/// What to group costs by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// A tag (or GCP label) key; resources without it go to `untagged`.
    Tag(String),
    /// Provider source address.
    Provider,
    /// Cloud.
    Cloud,
    /// Module address (`(root)` for the root module).
    Module,
}

impl FromStr for GroupBy {
    type Err = String;

    /// Parses `tag:KEY`, `provider`, `cloud` or `module`.
    fn from_str(s: &str) -> Result<GroupBy, String> {
        match s {
            "provider" => Ok(GroupBy::Provider),
            "cloud" => Ok(GroupBy::Cloud),
            "module" => Ok(GroupBy::Module),
            _ => match s.strip_prefix("tag:") {
                Some(k) if !k.is_empty() => Ok(GroupBy::Tag(k.to_string())),
                _ => Err(format!(
                    "invalid group-by {s:?}: expected tag:KEY, provider, cloud or module"
                )),
            },
        }
    }
}

/// One chargeback row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GroupRow {
    /// Group key (tag value, provider, cloud, module, `untagged`, `(root)`, `(none)`).
    pub key: String,
    /// Number of resources in the group.
    pub resources: usize,
    /// Sum of known before costs.
    pub before: f64,
    /// Sum of known after costs.
    pub after: f64,
    /// `after - before`.
    pub delta: f64,
    /// Resources not fully priced.
    pub unpriced: usize,
}

/// Groups a report's resources; rows sorted by after-cost (largest first), then key.
pub(super) fn group(report: &Report, by: &GroupBy) -> Vec<GroupRow> {
    let mut acc: BTreeMap<String, GroupRow> = BTreeMap::new();
    for r in &report.resources {
        let key = match by {
            GroupBy::Tag(k) => r
                .tags
                .as_ref()
                .and_then(|t| t.get(k))
                .filter(|v| !v.is_empty())
                .cloned()
                .unwrap_or_else(|| "untagged".to_string()),
            GroupBy::Provider => r.provider.clone(),
            GroupBy::Cloud => r.cloud.map_or("(none)".to_string(), |c| c.to_string()),
            GroupBy::Module => r.module.clone().unwrap_or_else(|| "(root)".to_string()),
        };
        let row = acc.entry(key.clone()).or_insert_with(|| GroupRow {
            key,
            resources: 0,
            before: 0.0,
            after: 0.0,
            delta: 0.0,
            unpriced: 0,
        });
        row.resources += 1;
        row.before = round_usd(row.before + r.monthly_cost.before.unwrap_or(0.0));
        row.after = round_usd(row.after + r.monthly_cost.after.unwrap_or(0.0));
        row.delta = round_usd(row.after - row.before);
        if matches!(
            r.status,
            Status::Unpriced | Status::Partial | Status::DependsOn
        ) {
            row.unpriced += 1;
        }
    }
    let mut rows: Vec<GroupRow> = acc.into_values().collect();
    rows.sort_by(|a, b| b.after.total_cmp(&a.after).then_with(|| a.key.cmp(&b.key)));
    rows
}
