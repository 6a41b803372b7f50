//! Zone indexes (0, 1, ...) mapped to the zones of a region, per cloud: AWS and Compute
//! Engine name zones by letter after the region (and some GCE regions have no `a`), Azure
//! numbers them 1 to 3 and some Azure regions have none.

use autostack_cost::regions::azure_has_zones;
use autostack_cost::Cloud;

/// The Azure zone `index` names in `region`: zone (index mod 3) + 1, Azure regions having
/// three zones (so any index places a VM, as any index of a three-zone AWS region would wrap
/// if it could); `None` where the cost engine's region table says the region has no zones
/// (a VM there is regional: it takes no zone).
pub fn azure_zone(region: &str, index: usize) -> Option<String> {
    match azure_has_zones(region) {
        Some(false) => None,
        _ => Some((index % 3 + 1).to_string()),
    }
}

/// Compute Engine regions whose zones are not `a`, `b`, `c`.
const GCE_LETTERS: &[(&str, &str)] = &[
    ("us-central1", "abcf"),
    ("us-east1", "bcd"),
    ("europe-west1", "bcd"),
];

/// The zone `index` names in `region` of `cloud`, or why there is none.
pub fn zone(cloud: Cloud, region: &str, index: usize) -> Result<String, String> {
    let (letters, sep) = match cloud {
        Cloud::Azure => {
            return azure_zone(region, index)
                .ok_or_else(|| format!("{region} has no availability zones on {cloud}"))
        }
        Cloud::Aws => ("abcdef", ""),
        Cloud::Gcp => (
            GCE_LETTERS
                .iter()
                .find(|(r, _)| *r == region)
                .map_or("abc", |(_, l)| l),
            "-",
        ),
    };
    let Some(letter) = letters.chars().nth(index) else {
        return Err(format!(
            "zone_index {index} is out of range: {region} has {} zones on {cloud} (0 to {})",
            letters.len(),
            letters.len() - 1
        ));
    };
    Ok(format!("{region}{sep}{letter}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_indexes_map_to_each_clouds_zone_names() {
        let cases = [
            (Cloud::Aws, "us-east-1", 0, "us-east-1a"),
            (Cloud::Aws, "eu-west-1", 2, "eu-west-1c"),
            (Cloud::Gcp, "us-central1", 3, "us-central1-f"),
            (Cloud::Gcp, "us-east1", 0, "us-east1-b"),
            (Cloud::Gcp, "europe-west4", 1, "europe-west4-b"),
            (Cloud::Azure, "eastus", 0, "1"),
        ];
        for (cloud, region, i, want) in cases {
            assert_eq!(zone(cloud, region, i).as_deref(), Ok(want));
        }
        let e = zone(Cloud::Aws, "us-east-1", 6).unwrap_err();
        assert!(e.contains("0 to 5"), "{e}");
    }

    #[test]
    fn azure_zone_indexes_wrap_and_zoneless_regions_take_none() {
        assert_eq!(azure_zone("eastus", 1).as_deref(), Some("2"));
        assert_eq!(azure_zone("eastus", 3).as_deref(), Some("1"));
        assert_eq!(azure_zone("westeurope", 5).as_deref(), Some("3"));
        assert_eq!(azure_zone("westus", 0), None);
        assert!(zone(Cloud::Azure, "westus", 0).is_err());
    }
}
