//! What a compute SKU's name says about it: family, GPU, burstable.
//!
//! GPU inference (documented rule, by family name):
//! - AWS: families starting with `p` (p3, p4d, p5…) or `g` (g4dn, g5, g6, gr6…), and `inf*`, `trn*`, `dl*`.
//! - Azure: N-series sizes (`Standard_NC…`, `ND…`, `NV…`, `NG…`).
//! - GCP: accelerator-optimized series `a2`, `a3`, `a4`, `g2`, `g4`, and catalog SKUs with an
//!   attached accelerator written `machine+gpu` (e.g. `n1-standard-4+t4`).
//!
//! Burstable / shared-core types: AWS `t2`, `t3`, `t3a`, `t4g` (`t` + digit), Azure `Standard_B*`, GCP `e2-micro`, `e2-small`,
//! `e2-medium`, `f1-micro`, `g1-small`.

use super::Cloud;
use serde::{Deserialize, Serialize};

/// The shape of a compute type: what equivalents and policies compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    /// Virtual CPUs.
    pub vcpu: f64,
    /// Memory in GiB.
    pub memory_gib: f64,
    /// `x86_64` or `arm64`.
    pub arch: String,
    /// True for GPU / accelerator types.
    pub gpu: bool,
    /// True for burstable or shared-core types.
    pub burstable: bool,
    /// Instance family (`t3`, `Dsv3`, `e2`).
    pub family: String,
}

impl Shape {
    /// Builds a shape for `sku`, inferring family, GPU and burstable from the name.
    pub fn for_sku(cloud: Cloud, sku: &str, vcpu: f64, memory_gib: f64, arch: &str) -> Shape {
        Shape {
            vcpu,
            memory_gib,
            arch: arch.to_string(),
            gpu: is_gpu(cloud, sku),
            burstable: is_burstable(cloud, sku),
            family: family(cloud, sku),
        }
    }
}

/// The instance family of a SKU: AWS `t3` (before the dot), Azure `Dsv3` (size digits and
/// underscores removed from `Standard_D2s_v3`, version kept), GCP `e2` (before the first dash; `custom-…` is `n1`).
pub fn family(cloud: Cloud, sku: &str) -> String {
    match cloud {
        Cloud::Aws => sku.split('.').next().unwrap_or(sku).to_string(),
        Cloud::Azure => {
            // `D2s_v3` → `Ds` (size digits dropped from the first part) + `v3`.
            let mut parts = azure_base(sku).split('_');
            let first: String = parts
                .next()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_ascii_digit() && *c != '-')
                .collect();
            parts.fold(first, |acc, p| acc + p)
        }
        Cloud::Gcp => {
            let first = sku.split('-').next().unwrap_or(sku);
            if first == "custom" {
                "n1".to_string()
            } else {
                first.to_string()
            }
        }
    }
}

fn azure_base(sku: &str) -> &str {
    sku.strip_prefix("Standard_")
        .or_else(|| sku.strip_prefix("Basic_"))
        .unwrap_or(sku)
}

/// True when the SKU name says it carries a GPU or other accelerator (rules in the module docs).
pub fn is_gpu(cloud: Cloud, sku: &str) -> bool {
    match cloud {
        Cloud::Aws => {
            let fam = family(cloud, sku);
            fam.starts_with('p')
                || fam.starts_with('g')
                || fam.starts_with("inf")
                || fam.starts_with("trn")
                || fam.starts_with("dl")
        }
        Cloud::Azure => azure_base(sku).starts_with('N'),
        Cloud::Gcp => {
            sku.contains('+')
                || matches!(
                    family(cloud, sku).as_str(),
                    "a2" | "a3" | "a4" | "g2" | "g4"
                )
        }
    }
}

/// True for burstable / shared-core types (rules in the module docs).
pub fn is_burstable(cloud: Cloud, sku: &str) -> bool {
    match cloud {
        Cloud::Aws => {
            let fam = family(cloud, sku);
            fam.starts_with('t') && fam[1..].starts_with(|c: char| c.is_ascii_digit())
        }
        Cloud::Azure => azure_base(sku).starts_with('B'),
        Cloud::Gcp => matches!(
            sku,
            "e2-micro" | "e2-small" | "e2-medium" | "f1-micro" | "g1-small"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_gpu_burstable() {
        #[rustfmt::skip]
        let cases = [
            (Cloud::Aws, "t3.micro", "t3", false, true),
            (Cloud::Aws, "m6g.large", "m6g", false, false),
            (Cloud::Aws, "g4dn.xlarge", "g4dn", true, false),
            (Cloud::Aws, "p3.2xlarge", "p3", true, false),
            (Cloud::Aws, "inf2.xlarge", "inf2", true, false),
            (Cloud::Aws, "trn1.2xlarge", "trn1", true, false),
            (Cloud::Azure, "Standard_D2s_v3", "Dsv3", false, false),
            (Cloud::Azure, "Standard_B2s", "Bs", false, true),
            (Cloud::Azure, "Standard_NC6s_v3", "NCsv3", true, false),
            (Cloud::Azure, "Standard_NV12", "NV", true, false),
            (Cloud::Gcp, "e2-medium", "e2", false, true),
            (Cloud::Gcp, "e2-standard-2", "e2", false, false),
            (Cloud::Gcp, "a2-highgpu-1g", "a2", true, false),
            (Cloud::Gcp, "g2-standard-4", "g2", true, false),
            (Cloud::Gcp, "n1-standard-4+t4", "n1", true, false),
            (Cloud::Gcp, "custom-2-4096", "n1", false, false),
            (Cloud::Gcp, "n2-custom-4-8192", "n2", false, false),
        ];
        for (cloud, sku, fam, gpu, burst) in cases {
            assert_eq!(family(cloud, sku), fam, "{sku}");
            assert_eq!(is_gpu(cloud, sku), gpu, "{sku} gpu");
            assert_eq!(is_burstable(cloud, sku), burst, "{sku} burstable");
        }
    }
}
