//! Zone indexes (0, 1, ...) mapped to the zones of a region, per cloud: AWS and Compute
//! Engine name zones by letter after the region (and some GCE regions have no `a`), Azure
//! numbers them 1 to 3.

use autostack_cost::Cloud;

/// Compute Engine regions whose zones are not `a`, `b`, `c`.
const GCE_LETTERS: &[(&str, &str)] = &[
    ("us-central1", "abcf"),
    ("us-east1", "bcd"),
    ("europe-west1", "bcd"),
];

/// The zone `index` names in `region` of `cloud`, or why there is none.
pub fn zone(cloud: Cloud, region: &str, index: usize) -> Result<String, String> {
    let letters = match cloud {
        Cloud::Aws => "abcdef",
        Cloud::Gcp => GCE_LETTERS
            .iter()
            .find(|(r, _)| *r == region)
            .map_or("abc", |(_, l)| l),
        Cloud::Azure => "123",
    };
    let Some(letter) = letters.chars().nth(index) else {
        return Err(format!(
            "zone_index {index} is out of range: {region} has {} zones on {cloud} (0 to {})",
            letters.len(),
            letters.len() - 1
        ));
    };
    Ok(match cloud {
        Cloud::Aws => format!("{region}{letter}"),
        Cloud::Gcp => format!("{region}-{letter}"),
        Cloud::Azure => letter.to_string(),
    })
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
        let e = zone(Cloud::Azure, "eastus", 3).unwrap_err();
        assert!(e.contains("0 to 2"), "{e}");
    }
}
