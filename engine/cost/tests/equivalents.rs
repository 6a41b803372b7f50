//! Every equivalence rule, checked against choices worked out by hand from catalog/*.csv.

mod common;

use autostack_cost::report::Status;
use autostack_cost::Cloud::{Aws, Azure, Gcp};
use autostack_cost::{regions, Cloud};
use common::*;
use serde_json::{json, Value};

fn eq_of(ty: &str, after: Value, to: Cloud) -> autostack_cost::report::Equivalent {
    let r = one(create(&format!("{ty}.x"), ty, after));
    r.equivalents
        .get(&to)
        .cloned()
        .unwrap_or_else(|| panic!("no {to} equivalent: {r:?}"))
}

fn aws_vm(t: &str) -> Value {
    json!({"instance_type": t, "root_block_device": [{"volume_size": 10, "volume_type": "gp3"}]})
}

#[test]
fn compute_cheapest_type_same_arch_gpu_and_burst_class() {
    // (source type, planned values, target cloud, expected SKU, expected region, rule fragment)
    #[rustfmt::skip]
    let cases = [
        ("aws_instance", aws_vm("t3.micro"), Azure, Some("Standard_B2s"), "eastus", "cheapest burstable type with ≥2 vCPU, ≥1 GiB, x86_64 in eastus (paired with us-east-1)"),
        ("aws_instance", aws_vm("t3.micro"), Gcp, Some("e2-micro"), "us-east1", "cheapest burstable type with ≥2 vCPU, ≥1 GiB, x86_64 in us-east1"),
        // Ties at 2 vCPU / 8 GiB / $0.096 are broken by name.
        ("aws_instance", aws_vm("m5.large"), Azure, Some("Standard_D2_v3"), "eastus", "cheapest non-burstable type with ≥2 vCPU, ≥8 GiB, x86_64"),
        ("aws_instance", aws_vm("m5.large"), Gcp, Some("e2-standard-2"), "us-east1", "≥2 vCPU, ≥8 GiB"),
        ("aws_instance", aws_vm("p3.2xlarge"), Gcp, Some("g2-standard-16"), "us-east1", "cheapest GPU type with ≥8 vCPU, ≥61 GiB"),
        ("aws_instance", aws_vm("p3.2xlarge"), Azure, Some("Standard_NC24ads_A100_v4"), "eastus", "GPU type"),
        ("aws_instance", aws_vm("m7g.xlarge"), Gcp, Some("t2a-standard-4"), "us-east1", "cheapest non-burstable type with ≥4 vCPU, ≥16 GiB, arm64"),
        ("aws_instance", aws_vm("m7g.xlarge"), Azure, None, "eastus", "arm64"),
        ("google_compute_instance", json!({"machine_type": "e2-standard-2", "zone": "us-central1-c"}), Aws, Some("m5a.large"), "us-east-2", "nearest to us-central1"),
        ("google_compute_instance", json!({"machine_type": "e2-standard-2", "zone": "us-central1-c"}), Azure, Some("Standard_D2_v4"), "centralus", "nearest to us-central1"),
        ("azurerm_linux_virtual_machine", json!({"size": "Standard_B2s", "location": "eastus", "os_disk": [{"storage_account_type": "Standard_LRS", "disk_size_gb": 30}]}), Aws, Some("t3a.medium"), "us-east-1", "burstable type with ≥2 vCPU, ≥4 GiB"),
        ("azurerm_linux_virtual_machine", json!({"size": "Standard_D4s_v3", "location": "westeurope", "os_disk": [{"storage_account_type": "Standard_LRS", "disk_size_gb": 30}]}), Gcp, Some("e2-standard-4"), "europe-west4", "nearest to westeurope"),
        ("google_compute_instance", json!({"machine_type": "n2-custom-4-16384", "zone": "us-central1-a"}), Aws, Some("m5a.xlarge"), "us-east-2", "≥4 vCPU, ≥16 GiB"),
    ];
    for (ty, after, to, sku, region, rule) in cases {
        let e = eq_of(ty, after.clone(), to);
        assert_eq!(e.sku.as_deref(), sku, "{ty} {after} → {to}: {e:?}");
        assert!(
            e.rule.contains(rule),
            "{ty} → {to}: rule {:?} lacks {rule:?}",
            e.rule
        );
        if sku.is_some() {
            assert_eq!(e.region.as_deref(), Some(region), "{ty} → {to}");
            assert!(e.monthly_cost.after.is_some_and(|c| c > 0.0), "{e:?}");
        } else {
            assert_eq!(e.status, Status::Unpriced);
            assert!(
                e.reason
                    .as_deref()
                    .unwrap()
                    .contains("no arm64 non-burstable type"),
                "{e:?}"
            );
        }
    }
}

#[test]
fn equivalent_cost_is_catalog_price_times_hours() {
    let e = eq_of("aws_instance", aws_vm("m5.large"), Gcp);
    // gcp,compute,e2-standard-2,us-east1 0.067 ; pd-balanced us-east1 0.1
    assert_usd(
        e.monthly_cost.after,
        0.067 * 730.0 + 10.0 * 0.1,
        "e2-standard-2 + boot disk",
    );
    assert_eq!(e.components[0].source_date.as_deref(), Some("2026-09-06"));
}

#[test]
fn disks_map_by_class() {
    // (source, planned values, target, expected SKU, expected cost or None when unpriced)
    #[rustfmt::skip]
    let cases = [
        ("aws_ebs_volume", json!({"type": "gp2", "size": 100}), Azure, "Standard SSD", Some(100.0 * 0.075)),
        ("aws_ebs_volume", json!({"type": "gp3", "size": 100}), Gcp, "pd-balanced", Some(100.0 * 0.1)),
        ("aws_ebs_volume", json!({"type": "st1", "size": 500}), Azure, "Standard HDD", Some(500.0 * 0.045)),
        ("aws_ebs_volume", json!({"type": "sc1", "size": 500}), Gcp, "pd-standard", Some(500.0 * 0.04)),
        ("aws_ebs_volume", json!({"type": "io1", "size": 100}), Azure, "Premium SSD", None),
        ("aws_ebs_volume", json!({"type": "io2", "size": 100}), Gcp, "pd-ssd", None),
        ("azurerm_managed_disk", json!({"location": "eastus", "storage_account_type": "Standard_LRS", "disk_size_gb": 50}), Aws, "st1", Some(125.0 * 0.045)),
        ("azurerm_managed_disk", json!({"location": "eastus", "storage_account_type": "StandardSSD_LRS", "disk_size_gb": 50}), Aws, "gp3", Some(50.0 * 0.08)),
        ("azurerm_managed_disk", json!({"location": "eastus", "storage_account_type": "Premium_LRS", "disk_size_gb": 50}), Aws, "io2", Some(50.0 * 0.125)),
        ("google_compute_disk", json!({"zone": "us-east1-b", "type": "pd-ssd", "size": 40}), Aws, "io2", Some(40.0 * 0.125)),
        ("google_compute_disk", json!({"zone": "us-east1-b", "type": "pd-balanced", "size": 40}), Azure, "Standard SSD", Some(40.0 * 0.075)),
    ];
    for (ty, after, to, sku, cost) in cases {
        let e = eq_of(ty, after.clone(), to);
        assert_eq!(e.sku.as_deref(), Some(sku), "{ty} {after} → {to}");
        match cost {
            Some(c) => assert_usd(e.monthly_cost.after, c, &format!("{ty} {after} → {to}")),
            None => {
                assert_eq!(e.status, Status::Unpriced, "{e:?}");
                assert!(
                    e.reason
                        .as_deref()
                        .unwrap()
                        .starts_with(&format!("no price for {sku} in ")),
                    "{e:?}"
                );
            }
        }
    }
    let st1 = eq_of(
        "azurerm_managed_disk",
        json!({"location": "eastus", "storage_account_type": "Standard_LRS", "disk_size_gb": 50}),
        Aws,
    );
    assert!(
        st1.rule.contains("125 GB (st1 minimum 125 GiB)"),
        "{}",
        st1.rule
    );
}

#[test]
fn hdd_boot_disks_map_to_bootable_aws_magnetic() {
    let e = eq_of(
        "google_compute_instance",
        json!({"machine_type": "e2-medium", "zone": "us-east1-b", "boot_disk": [{"initialize_params": [{"size": 10, "type": "pd-standard"}]}]}),
        Aws,
    );
    assert!(
        e.rule
            .contains("boot disk: standard HDD → standard, 10 GB in us-east-1"),
        "{}",
        e.rule
    );
    assert_usd(
        e.components[1].monthly_cost,
        10.0 * 0.05,
        "magnetic boot volume",
    );
}

#[test]
fn object_storage_maps_by_tier() {
    let usage = "resource_usage:\n  aws_s3_bucket.*:\n    storage_gb: 100\n  google_storage_bucket.*:\n    storage_gb: 100\n";
    #[rustfmt::skip]
    let cases = [
        ("aws_s3_bucket", json!({}), Azure, "Blob Hot (LRS)", Some(100.0 * 0.018)),
        ("aws_s3_bucket", json!({}), Gcp, "Standard", Some(100.0 * 0.02)),
        ("google_storage_bucket", json!({"location": "US-EAST1", "storage_class": "ARCHIVE"}), Aws, "S3 Glacier Deep Archive", Some(100.0 * 0.00099)),
        ("google_storage_bucket", json!({"location": "US-EAST1", "storage_class": "NEARLINE"}), Azure, "Blob Cool (LRS)", Some(100.0 * 0.01)),
        ("google_storage_bucket", json!({"location": "US-EAST1", "storage_class": "COLDLINE"}), Aws, "S3 Glacier Instant Retrieval", None),
    ];
    for (ty, after, to, sku, cost) in cases {
        let r = estimate_with_usage(&input(vec![create(&format!("{ty}.x"), ty, after)]), usage);
        let e = &r.resources[0].equivalents[&to];
        assert_eq!(e.sku.as_deref(), Some(sku), "{ty} → {to}");
        match cost {
            Some(c) => assert_usd(e.monthly_cost.after, c, sku),
            None => assert_eq!(e.status, Status::Unpriced, "{e:?}"),
        }
        assert!(e.rule.contains(&format!("tier → {sku}")), "{}", e.rule);
    }
}

#[test]
fn public_ips_and_nat() {
    let ip = eq_of("aws_eip", json!({}), Gcp);
    assert_eq!(ip.sku.as_deref(), Some("static-external-ipv4-unused"));
    assert_usd(ip.monthly_cost.after, 7.3, "gcp static ip");
    let az = eq_of("aws_eip", json!({}), Azure);
    assert_eq!(az.sku.as_deref(), Some("Standard public IPv4"));
    assert_usd(az.monthly_cost.after, 3.65, "azure standard public ip");
    let nat = eq_of("aws_nat_gateway", json!({}), Gcp);
    assert_eq!(
        nat.reason.as_deref(),
        Some("the catalog has no NAT gateway price on any cloud")
    );
}

#[test]
fn windows_equivalents_say_linux_price() {
    let e = eq_of(
        "azurerm_windows_virtual_machine",
        json!({"size": "Standard_D2s_v3", "location": "eastus", "os_disk": [{"storage_account_type": "Standard_LRS", "disk_size_gb": 127}]}),
        Aws,
    );
    assert!(
        e.rule
            .contains("Linux price (the Windows licence is not in the catalog)"),
        "{}",
        e.rule
    );
}

#[test]
fn region_table_matches_the_documented_pairs() {
    #[rustfmt::skip]
    let cases = [
        (Aws, "us-east-1", Azure, "eastus"),
        (Aws, "us-east-1", Gcp, "us-east1"),
        (Aws, "us-west-2", Azure, "westus2"),
        (Aws, "us-west-2", Gcp, "us-west1"),
        (Aws, "eu-west-1", Azure, "northeurope"),
        (Aws, "eu-west-1", Gcp, "europe-west1"),
        (Aws, "eu-central-1", Azure, "germanywestcentral"),
        (Aws, "eu-central-1", Gcp, "europe-west3"),
        (Aws, "ap-northeast-1", Azure, "japaneast"),
        (Aws, "ap-northeast-1", Gcp, "asia-northeast1"),
        (Azure, "eastus", Aws, "us-east-1"),
        (Gcp, "europe-west1", Azure, "northeurope"),
        (Gcp, "asia-northeast1", Aws, "ap-northeast-1"),
    ];
    for (from, r, to, want) in cases {
        assert_eq!(
            regions::nearest(from, r, to).unwrap().region,
            want,
            "{from} {r} → {to}"
        );
    }
}

#[test]
fn every_catalog_region_is_in_the_region_table() {
    let cat = autostack_cost::Catalog::embedded();
    let mut missing: Vec<String> = cat
        .rows()
        .iter()
        .filter(|r| !regions::is_known(r.cloud, &r.region))
        .map(|r| format!("{} {}", r.cloud, r.region))
        .collect();
    missing.dedup();
    assert!(missing.is_empty(), "{missing:?}");
}
