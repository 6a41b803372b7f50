//! The nearest-region table used for cross-cloud equivalents and same-geography hints.
//!
//! Rule: a region that appears in a **pinned trio** maps to the other members of its trio
//! (us-east-1 ↔ eastus ↔ us-east1, us-west-2 ↔ westus2 ↔ us-west1, eu-west-1 ↔ northeurope ↔
//! europe-west1, eu-central-1 ↔ germanywestcentral ↔ europe-west3, ap-northeast-1 ↔ japaneast ↔
//! asia-northeast1, eu-west-2 ↔ uksouth ↔ europe-west2, ap-southeast-1 ↔ southeastasia ↔
//! asia-southeast1, ap-southeast-2 ↔ australiaeast ↔ australia-southeast1). Any other region maps
//! to the target cloud's region with the shortest great-circle distance between the cities below,
//! among regions of the same kind (government regions only to government regions; the closed
//! Azure Germany sovereign regions are never a target), and only within 3,000 km. The table lists
//! every region of the embedded catalog plus current regions the catalog has no prices for, so a
//! missing price is reported as such rather than mapped elsewhere.

use crate::catalog::Cloud;

/// How far a "nearest" region may be before we say there is none.
pub const MAX_NEAREST_KM: f64 = 3000.0;

/// Kind of region: who may use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Commercial,
    Gov,
    Legacy,
}

use Kind::{Commercial as C, Gov as G, Legacy as L};
use Kind::{Commercial, Gov, Legacy};

/// One region: cloud, code, geography (for same-geography hints), kind, latitude, longitude.
type Row = (Cloud, &'static str, &'static str, Kind, f64, f64);

const A: Cloud = Cloud::Aws;
const Z: Cloud = Cloud::Azure;
const P: Cloud = Cloud::Gcp;

#[rustfmt::skip]
const REGIONS: &[Row] = &[
    (A, "us-east-1", "us", C, 39.04, -77.49), (A, "us-east-2", "us", C, 39.96, -83.00),
    (A, "us-west-1", "us", C, 37.77, -122.42), (A, "us-west-2", "us", C, 45.84, -119.70),
    (A, "us-west-2-lax-1", "us", C, 34.05, -118.24),
    (A, "us-gov-west-1", "us-gov", G, 45.84, -119.70), (A, "us-gov-east-1", "us-gov", G, 39.96, -83.00),
    (A, "ca-central-1", "canada", C, 45.50, -73.57), (A, "ca-west-1", "canada", C, 51.05, -114.07),
    (A, "mx-central-1", "latam", C, 20.59, -100.39), (A, "sa-east-1", "latam", C, -23.55, -46.63),
    (A, "eu-west-1", "europe", C, 53.35, -6.26), (A, "eu-west-2", "europe", C, 51.51, -0.13),
    (A, "eu-west-3", "europe", C, 48.86, 2.35), (A, "eu-central-1", "europe", C, 50.11, 8.68),
    (A, "eu-central-2", "europe", C, 47.37, 8.54), (A, "eu-north-1", "europe", C, 59.33, 18.07),
    (A, "eu-south-1", "europe", C, 45.46, 9.19), (A, "eu-south-2", "europe", C, 41.65, -0.88),
    (A, "il-central-1", "middle-east", C, 32.09, 34.78), (A, "me-south-1", "middle-east", C, 26.07, 50.56),
    (A, "me-central-1", "middle-east", C, 25.20, 55.27), (A, "af-south-1", "africa", C, -33.92, 18.42),
    (A, "ap-south-1", "india", C, 19.08, 72.88), (A, "ap-south-2", "india", C, 17.39, 78.49),
    (A, "ap-east-1", "asia", C, 22.32, 114.17), (A, "ap-east-2", "asia", C, 25.03, 121.57),
    (A, "ap-northeast-1", "asia", C, 35.68, 139.69), (A, "ap-northeast-2", "asia", C, 37.57, 126.98),
    (A, "ap-northeast-3", "asia", C, 34.69, 135.50), (A, "ap-southeast-1", "southeast-asia", C, 1.35, 103.82),
    (A, "ap-southeast-3", "southeast-asia", C, -6.21, 106.85), (A, "ap-southeast-5", "southeast-asia", C, 3.139, 101.69),
    (A, "ap-southeast-7", "southeast-asia", C, 13.76, 100.50), (A, "ap-southeast-2", "oceania", C, -33.87, 151.21),
    (A, "ap-southeast-4", "oceania", C, -37.81, 144.96), (A, "ap-southeast-6", "oceania", C, -36.85, 174.76),
    (Z, "eastus", "us", C, 37.37, -79.82), (Z, "eastus2", "us", C, 36.67, -78.39),
    (Z, "centralus", "us", C, 41.59, -93.62), (Z, "northcentralus", "us", C, 41.88, -87.63),
    (Z, "southcentralus", "us", C, 29.42, -98.50), (Z, "westcentralus", "us", C, 41.14, -104.82),
    (Z, "westus", "us", C, 37.78, -122.42), (Z, "westus2", "us", C, 47.23, -119.85),
    (Z, "westus3", "us", C, 33.45, -112.07),
    (Z, "usgovvirginia", "us-gov", G, 37.37, -79.82), (Z, "usgovarizona", "us-gov", G, 33.45, -112.07),
    (Z, "usgovtexas", "us-gov", G, 29.42, -98.49),
    (Z, "canadacentral", "canada", C, 43.65, -79.38), (Z, "canadaeast", "canada", C, 46.82, -71.22),
    (Z, "mexicocentral", "latam", C, 20.59, -100.39), (Z, "brazilsouth", "latam", C, -23.55, -46.63),
    (Z, "brazilsoutheast", "latam", C, -22.90, -43.17), (Z, "chilecentral", "latam", C, -33.45, -70.67),
    (Z, "northeurope", "europe", C, 53.35, -6.26), (Z, "westeurope", "europe", C, 52.37, 4.90),
    (Z, "uksouth", "europe", C, 51.51, -0.13), (Z, "ukwest", "europe", C, 51.48, -3.18),
    (Z, "francecentral", "europe", C, 48.86, 2.35), (Z, "francesouth", "europe", C, 43.30, 5.37),
    (Z, "germanywestcentral", "europe", C, 50.11, 8.68), (Z, "germanynorth", "europe", C, 53.07, 8.81),
    (Z, "germanycentral", "europe", L, 50.11, 8.68), (Z, "germanynortheast", "europe", L, 52.12, 11.63),
    (Z, "switzerlandnorth", "europe", C, 47.45, 8.56), (Z, "switzerlandwest", "europe", C, 46.20, 6.14),
    (Z, "norwayeast", "europe", C, 59.91, 10.75), (Z, "norwaywest", "europe", C, 58.97, 5.73),
    (Z, "swedencentral", "europe", C, 60.67, 17.14), (Z, "italynorth", "europe", C, 45.46, 9.19),
    (Z, "spaincentral", "europe", C, 40.42, -3.70), (Z, "polandcentral", "europe", C, 52.23, 21.01),
    (Z, "israelcentral", "middle-east", C, 32.09, 34.78), (Z, "qatarcentral", "middle-east", C, 25.29, 51.53),
    (Z, "uaenorth", "middle-east", C, 25.27, 55.32), (Z, "uaecentral", "middle-east", C, 24.47, 54.37),
    (Z, "southafricanorth", "africa", C, -26.20, 28.05), (Z, "southafricawest", "africa", C, -33.92, 18.42),
    (Z, "centralindia", "india", C, 18.58, 73.92), (Z, "southindia", "india", C, 12.98, 80.16),
    (Z, "westindia", "india", C, 19.09, 72.87), (Z, "eastasia", "asia", C, 22.27, 114.19),
    (Z, "japaneast", "asia", C, 35.68, 139.77), (Z, "japanwest", "asia", C, 34.69, 135.50),
    (Z, "koreacentral", "asia", C, 37.57, 126.98), (Z, "koreasouth", "asia", C, 35.18, 129.08),
    (Z, "southeastasia", "southeast-asia", C, 1.28, 103.83), (Z, "indonesiacentral", "southeast-asia", C, -6.21, 106.85),
    (Z, "malaysiawest", "southeast-asia", C, 3.139, 101.69),
    (Z, "australiaeast", "oceania", C, -33.86, 151.21), (Z, "australiasoutheast", "oceania", C, -37.81, 144.96),
    (Z, "australiacentral", "oceania", C, -35.31, 149.12), (Z, "australiacentral2", "oceania", C, -35.31, 149.12),
    (Z, "newzealandnorth", "oceania", C, -36.85, 174.76),
    (P, "us-central1", "us", C, 41.26, -95.86), (P, "us-east1", "us", C, 33.20, -80.01),
    (P, "us-east4", "us", C, 39.04, -77.49), (P, "us-east5", "us", C, 39.96, -83.00),
    (P, "us-south1", "us", C, 32.78, -96.80), (P, "us-west1", "us", C, 45.60, -121.18),
    (P, "us-west2", "us", C, 34.05, -118.24), (P, "us-west3", "us", C, 40.76, -111.89),
    (P, "us-west4", "us", C, 36.17, -115.14),
    (P, "northamerica-northeast1", "canada", C, 45.50, -73.57), (P, "northamerica-northeast2", "canada", C, 43.65, -79.38),
    (P, "northamerica-south1", "latam", C, 20.59, -100.39), (P, "southamerica-east1", "latam", C, -23.55, -46.63),
    (P, "southamerica-west1", "latam", C, -33.45, -70.67),
    (P, "europe-west1", "europe", C, 50.45, 3.82), (P, "europe-west2", "europe", C, 51.51, -0.13),
    (P, "europe-west3", "europe", C, 50.11, 8.68), (P, "europe-west4", "europe", C, 53.44, 6.84),
    (P, "europe-west6", "europe", C, 47.37, 8.54), (P, "europe-west8", "europe", C, 45.46, 9.19),
    (P, "europe-west9", "europe", C, 48.86, 2.35), (P, "europe-west10", "europe", C, 52.52, 13.40),
    (P, "europe-west12", "europe", C, 45.07, 7.69), (P, "europe-north1", "europe", C, 60.57, 27.20),
    (P, "europe-north2", "europe", C, 59.33, 18.07), (P, "europe-central2", "europe", C, 52.23, 21.01),
    (P, "europe-southwest1", "europe", C, 40.42, -3.70),
    (P, "me-west1", "middle-east", C, 32.09, 34.78), (P, "me-central1", "middle-east", C, 25.29, 51.53),
    (P, "me-central2", "middle-east", C, 26.43, 50.10), (P, "africa-south1", "africa", C, -26.20, 28.05),
    (P, "asia-south1", "india", C, 19.08, 72.88), (P, "asia-south2", "india", C, 28.70, 77.10),
    (P, "asia-east1", "asia", C, 24.07, 120.54), (P, "asia-east2", "asia", C, 22.32, 114.17),
    (P, "asia-northeast1", "asia", C, 35.68, 139.69), (P, "asia-northeast2", "asia", C, 34.69, 135.50),
    (P, "asia-northeast3", "asia", C, 37.57, 126.98),
    (P, "asia-southeast1", "southeast-asia", C, 1.35, 103.82), (P, "asia-southeast2", "southeast-asia", C, -6.21, 106.85),
    (P, "australia-southeast1", "oceania", C, -33.87, 151.21), (P, "australia-southeast2", "oceania", C, -37.81, 144.96),
];

/// Pinned trios (aws, azure, gcp): conventional pairings that win over distance.
const PINNED: &[[&str; 3]] = &[
    ["us-east-1", "eastus", "us-east1"],
    ["us-west-2", "westus2", "us-west1"],
    ["eu-west-1", "northeurope", "europe-west1"],
    ["eu-central-1", "germanywestcentral", "europe-west3"],
    ["ap-northeast-1", "japaneast", "asia-northeast1"],
    ["eu-west-2", "uksouth", "europe-west2"],
    ["ap-southeast-1", "southeastasia", "asia-southeast1"],
    ["ap-southeast-2", "australiaeast", "australia-southeast1"],
];

fn slot(cloud: Cloud) -> usize {
    match cloud {
        Cloud::Aws => 0,
        Cloud::Azure => 1,
        Cloud::Gcp => 2,
    }
}

fn find(cloud: Cloud, region: &str) -> Option<&'static Row> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, Vec<&'static Row>>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut m: std::collections::HashMap<&'static str, Vec<&'static Row>> = Default::default();
        for r in REGIONS {
            m.entry(r.1).or_default().push(r);
        }
        m
    });
    index.get(region)?.iter().copied().find(|r| r.0 == cloud)
}

/// How a target region was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionMatch {
    /// The target region code.
    pub region: String,
    /// Human-readable reason: `paired with us-east-1` or `nearest to us-east-2, ~480 km`.
    pub how: String,
}

/// The region of `to` that corresponds to `region` of `from`, or why there is none.
pub fn nearest(from: Cloud, region: &str, to: Cloud) -> Result<RegionMatch, String> {
    if from == to {
        return Ok(RegionMatch {
            region: region.to_string(),
            how: "same region".to_string(),
        });
    }
    if let Some(trio) = PINNED.iter().find(|t| t[slot(from)] == region) {
        return Ok(RegionMatch {
            region: trio[slot(to)].to_string(),
            how: format!("paired with {region}"),
        });
    }
    let src = find(from, region)
        .ok_or_else(|| format!("region {region} is not in the {from} region table"))?;
    let want = if src.3 == Gov { Gov } else { Commercial };
    let best = REGIONS
        .iter()
        .filter(|r| r.0 == to && r.3 == want)
        .map(|r| (distance_km(src, r), r))
        .min_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1 .1.cmp(b.1 .1)));
    match best {
        Some((km, r)) if km <= MAX_NEAREST_KM => Ok(RegionMatch {
            region: r.1.to_string(),
            how: format!("nearest to {region}, ~{} km", round_km(km)),
        }),
        Some((km, r)) => Err(format!(
            "no {to} region within {} km of {region} (nearest is {}, ~{} km)",
            MAX_NEAREST_KM,
            r.1,
            round_km(km)
        )),
        None if want == Gov => Err(format!("{to} has no government region to match {region}")),
        None => Err(format!("{to} has no region to match {region}")),
    }
}

fn round_km(km: f64) -> u64 {
    ((km / 10.0).round() * 10.0) as u64
}

/// The geography of a region (`us`, `europe`, `asia`, …), for same-geography hints.
pub fn geography(cloud: Cloud, region: &str) -> Option<&'static str> {
    find(cloud, region).filter(|r| r.3 != Legacy).map(|r| r.2)
}

/// Whether the region is in the table.
pub fn is_known(cloud: Cloud, region: &str) -> bool {
    find(cloud, region).is_some() || region == "global"
}

/// Azure regions of the table without availability zones (Microsoft's list of regions with
/// zone support, 2025: every other current Azure region of the table has three).
const AZURE_WITHOUT_ZONES: &[&str] = &[
    "westus",
    "northcentralus",
    "westcentralus",
    "usgovarizona",
    "usgovtexas",
    "canadaeast",
    "brazilsoutheast",
    "ukwest",
    "francesouth",
    "germanynorth",
    "germanycentral",
    "germanynortheast",
    "norwaywest",
    "switzerlandwest",
    "uaecentral",
    "southafricawest",
    "southindia",
    "westindia",
    "koreasouth",
    "australiasoutheast",
    "australiacentral",
    "australiacentral2",
];

/// Whether an Azure region of the table has availability zones (`None`: not an Azure region
/// the table knows, or another cloud, whose zones the table does not record).
pub fn azure_has_zones(region: &str) -> Option<bool> {
    find(Cloud::Azure, region).map(|_| !AZURE_WITHOUT_ZONES.contains(&region))
}

fn distance_km(a: &Row, b: &Row) -> f64 {
    let (lat1, lon1, lat2, lon2) = (
        a.4.to_radians(),
        a.5.to_radians(),
        b.4.to_radians(),
        b.5.to_radians(),
    );
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_zones_are_known_per_region_of_the_table() {
        assert_eq!(azure_has_zones("eastus"), Some(true));
        assert_eq!(azure_has_zones("westeurope"), Some(true));
        assert_eq!(azure_has_zones("westus"), Some(false));
        assert_eq!(azure_has_zones("us-east-1"), None);
        for r in AZURE_WITHOUT_ZONES {
            assert!(find(Z, r).is_some(), "{r} is an Azure region of the table");
        }
    }

    #[test]
    fn pinned_and_nearest() {
        #[rustfmt::skip]
        let cases = [
            (A, "us-east-1", Z, "eastus"),
            (A, "us-east-1", P, "us-east1"),
            (Z, "eastus", A, "us-east-1"),
            (P, "us-east1", Z, "eastus"),
            (A, "us-west-2", Z, "westus2"),
            (A, "us-west-2", P, "us-west1"),
            (A, "eu-west-1", Z, "northeurope"),
            (A, "eu-west-1", P, "europe-west1"),
            (A, "eu-central-1", Z, "germanywestcentral"),
            (A, "eu-central-1", P, "europe-west3"),
            (A, "ap-northeast-1", Z, "japaneast"),
            (A, "ap-northeast-1", P, "asia-northeast1"),
            (Z, "westeurope", P, "europe-west4"),
            (A, "us-east-2", P, "us-east5"),
            (A, "sa-east-1", Z, "brazilsouth"),
            (A, "ap-south-1", P, "asia-south1"),
            (A, "us-gov-west-1", Z, "usgovarizona"),
            (Z, "germanycentral", A, "eu-central-1"),
            (P, "us-central1", A, "us-east-2"),
            (A, "us-west-2-lax-1", P, "us-west2"),
        ];
        for (from, region, to, want) in cases {
            let got = nearest(from, region, to).map(|m| m.region);
            assert_eq!(got.as_deref(), Ok(want), "{from} {region} → {to}");
        }
    }

    #[test]
    fn every_region_maps_or_says_why() {
        for r in REGIONS {
            for to in r.0.others() {
                match nearest(r.0, r.1, to) {
                    Ok(m) => assert!(find(to, &m.region).is_some(), "{} → {}", r.1, m.region),
                    Err(why) => assert!(
                        r.3 == Kind::Gov && to == Cloud::Gcp,
                        "{} → {to}: {why}",
                        r.1
                    ),
                }
            }
        }
        assert!(nearest(A, "mars-north-1", Z)
            .unwrap_err()
            .contains("not in the aws region table"));
        assert!(nearest(A, "us-gov-east-1", P)
            .unwrap_err()
            .contains("no government region"));
    }

    #[test]
    fn geographies() {
        assert_eq!(geography(A, "us-east-1"), Some("us"));
        assert_eq!(geography(Z, "westeurope"), Some("europe"));
        assert_eq!(geography(Z, "germanycentral"), None);
    }
}
