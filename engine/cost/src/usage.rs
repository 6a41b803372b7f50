//! Usage file: usage-based quantities per resource, in the spirit of Infracost's usage file.
//!
//! ```yaml
//! version: 0.1                     # optional
//! resource_usage:
//!   aws_s3_bucket.logs:            # an exact address
//!     storage_gb: 500
//!     monthly_egress_gb: 50
//!   aws_instance.batch[*]:         # every instance of a count/for_each resource
//!     hours_per_month: 200
//!   google_storage_bucket.*:       # every resource of a type
//!     storage_gb: 100
//! ```
//!
//! Keys: `storage_gb` (object storage GB stored), `monthly_egress_gb` (internet egress; the catalog
//! has no egress rate, so it is listed as unpriced), `hours_per_month` (0–744, replaces 730 for
//! hourly prices). Per key, an exact address wins over `address[*]`, which wins over `type.*`.

use crate::error::{read_file, CostError};
use serde::de::{self, Deserializer};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Usage quantities for one resource (every field optional).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceUsage {
    /// GB stored per month (object storage).
    #[serde(default, deserialize_with = "non_negative")]
    pub storage_gb: Option<f64>,
    /// GB of internet egress per month.
    #[serde(default, deserialize_with = "non_negative")]
    pub monthly_egress_gb: Option<f64>,
    /// Hours the resource runs per month (default 730).
    #[serde(default, deserialize_with = "hours")]
    pub hours_per_month: Option<f64>,
}

impl ResourceUsage {
    fn overlay(self, over: ResourceUsage) -> ResourceUsage {
        ResourceUsage {
            storage_gb: over.storage_gb.or(self.storage_gb),
            monthly_egress_gb: over.monthly_egress_gb.or(self.monthly_egress_gb),
            hours_per_month: over.hours_per_month.or(self.hours_per_month),
        }
    }
}

fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let x = f64::deserialize(d)?;
    if x.is_finite() && x >= 0.0 {
        Ok(Some(x))
    } else {
        Err(de::Error::custom(format!(
            "expected a non-negative number, found {x}"
        )))
    }
}

fn hours<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let x = f64::deserialize(d)?;
    if (0.0..=744.0).contains(&x) {
        Ok(Some(x))
    } else {
        Err(de::Error::custom(format!(
            "hours_per_month must be between 0 and 744, found {x}"
        )))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageFile {
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<serde_yaml::Value>,
    #[serde(default)]
    resource_usage: BTreeMap<String, ResourceUsage>,
}

/// A parsed usage file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    entries: BTreeMap<String, ResourceUsage>,
}

impl Usage {
    /// No usage data.
    pub fn empty() -> Usage {
        Usage::default()
    }

    /// Parses usage YAML; errors carry `file:line:column`.
    pub fn parse(file: &str, text: &str) -> Result<Usage, CostError> {
        if text.trim().is_empty() {
            return Ok(Usage::empty());
        }
        let parsed: UsageFile = serde_yaml::from_str(text).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            CostError::Usage {
                file: file.to_string(),
                line,
                column,
                message: e
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or("")
                    .to_string(),
            }
        })?;
        Ok(Usage {
            entries: parsed.resource_usage,
        })
    }

    /// Reads and parses a usage file.
    pub fn load(path: &Path) -> Result<Usage, CostError> {
        Usage::parse(&path.display().to_string(), &read_file(path)?)
    }

    /// Adds or replaces the entry for `key` (an address, `address[*]` or `type.*`).
    pub fn set(&mut self, key: &str, usage: ResourceUsage) {
        self.entries.insert(key.to_string(), usage);
    }

    /// The usage that applies to a resource instance (`type.*` < `address[*]` < exact address, per key).
    pub fn for_resource(
        &self,
        address: &str,
        base_address: &str,
        type_name: &str,
    ) -> ResourceUsage {
        let mut u = ResourceUsage::default();
        if self.entries.is_empty() {
            return u;
        }
        if let Some(t) = self.entries.get(&format!("{type_name}.*")) {
            u = u.overlay(*t);
        }
        if base_address != address {
            if let Some(t) = self.entries.get(&format!("{base_address}[*]")) {
                u = u.overlay(*t);
            }
        }
        if let Some(t) = self.entries.get(address) {
            u = u.overlay(*t);
        }
        u
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_per_key() {
        let text = "resource_usage:\n  aws_s3_bucket.*:\n    storage_gb: 10\n    monthly_egress_gb: 1\n  aws_s3_bucket.logs[*]:\n    storage_gb: 20\n  'aws_s3_bucket.logs[0]':\n    monthly_egress_gb: 5\n";
        let u = Usage::parse("u.yml", text).unwrap();
        let got = u.for_resource(
            "aws_s3_bucket.logs[0]",
            "aws_s3_bucket.logs",
            "aws_s3_bucket",
        );
        assert_eq!(got.storage_gb, Some(20.0));
        assert_eq!(got.monthly_egress_gb, Some(5.0));
        let other = u.for_resource("aws_s3_bucket.x", "aws_s3_bucket.x", "aws_s3_bucket");
        assert_eq!(other.storage_gb, Some(10.0));
        assert_eq!(
            u.for_resource("aws_instance.a", "aws_instance.a", "aws_instance"),
            ResourceUsage::default()
        );
    }

    #[test]
    fn malformed_files_name_line_and_column() {
        #[rustfmt::skip]
        let cases = [
            ("resource_usage:\n  a.b:\n    storage_gb: [1]\n", 3, "resource_usage.a.b.storage_gb: invalid type: sequence"),
            ("resource_usage:\n  a.b: {storage_gb: 1\n", 3, "did not find expected ',' or '}'"),
            ("resource_usage:\n  a.b:\n    storage_gbb: 1\n", 3, "unknown field `storage_gbb`"),
            ("resource_usage:\n  a.b:\n    storage_gb: -3\n", 3, "non-negative"),
            ("resource_usage:\n  a.b:\n    hours_per_month: 800\n", 3, "between 0 and 744"),
            ("resource_usage:\n  a.b:\n    storage_gb: lots\n", 3, "invalid type"),
            ("resources: {}\n", 1, "unknown field `resources`"),
        ];
        for (text, line, msg) in cases {
            let e = Usage::parse("usage.yml", text).unwrap_err();
            let CostError::Usage {
                line: l,
                column,
                message,
                ..
            } = &e
            else {
                panic!("{e}")
            };
            assert_eq!(*l, line, "{text}: {e}");
            assert!(*column > 0, "{e}");
            assert!(message.contains(msg), "{e}");
            assert!(
                e.to_string().starts_with(&format!("usage.yml:{line}:")),
                "{e}"
            );
        }
    }
}
