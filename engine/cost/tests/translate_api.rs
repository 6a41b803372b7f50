//! The equivalents API `autostack translate` uses: the same rule as the plan's equivalents.

use autostack_cost::{
    compute_equivalent, disk_class_label, disk_type_equivalent, disk_type_for_class, Catalog, Cloud,
};

#[test]
fn compute_types_map_by_the_equivalents_rule() {
    let cat = Catalog::embedded();
    #[rustfmt::skip]
    let cases = [
        (Cloud::Aws, "us-east-1", "t3.micro", Cloud::Gcp, "e2-micro", "us-east1"),
        (Cloud::Aws, "us-east-1", "t3.micro", Cloud::Azure, "Standard_B2s", "eastus"),
        (Cloud::Gcp, "us-central1", "e2-small", Cloud::Aws, "t3a.small", "us-east-2"),
    ];
    for (from, region, sku, to, want, want_region) in cases {
        let m = compute_equivalent(cat, from, region, sku, to).expect("an equivalent");
        assert_eq!(
            (m.sku.as_str(), m.region.as_str()),
            (want, want_region),
            "{sku} → {to}"
        );
        assert!(m.rule.starts_with("cheapest "), "{}", m.rule);
        assert!(m.source.vcpu >= 1.0);
    }
    let err = compute_equivalent(cat, Cloud::Aws, "us-east-1", "x9.huge", Cloud::Gcp).unwrap_err();
    assert!(err.contains("does not know the aws type x9.huge"), "{err}");
    let err = compute_equivalent(cat, Cloud::Aws, "mars-1", "t3.micro", Cloud::Gcp).unwrap_err();
    assert!(err.contains("not in the aws region table"), "{err}");
}

#[test]
fn disk_types_map_by_class() {
    assert_eq!(
        disk_type_equivalent(Cloud::Aws, "gp3", Cloud::Azure, false),
        Some(("StandardSSD_LRS", "balanced SSD"))
    );
    assert_eq!(
        disk_type_equivalent(Cloud::Azure, "Premium_LRS", Cloud::Gcp, false),
        Some(("pd-ssd", "premium SSD"))
    );
    assert_eq!(
        disk_type_equivalent(Cloud::Gcp, "pd-standard", Cloud::Aws, true),
        Some(("standard", "standard HDD"))
    );
    assert_eq!(
        disk_type_equivalent(Cloud::Gcp, "pd-standard", Cloud::Aws, false),
        Some(("st1", "standard HDD"))
    );
    assert_eq!(
        disk_type_equivalent(Cloud::Aws, "floppy", Cloud::Gcp, false),
        None
    );
    assert_eq!(
        disk_type_for_class(Cloud::Azure, "ssd", true),
        Some("StandardSSD_LRS")
    );
    assert_eq!(
        disk_class_label(Cloud::Gcp, "pd-balanced"),
        Some("balanced SSD")
    );
}
