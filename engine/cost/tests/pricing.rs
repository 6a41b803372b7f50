//! Spot prices pinned to catalog rows (values read by hand from catalog/*.csv), unknowns, usage.

mod common;

use autostack_cost::report::Status;
use autostack_cost::{Action, PlanInput, ProviderConfig, ResourceChange, Setting};
use common::*;
use serde_json::json;

/// (case, resource type, planned values, expected monthly cost after)
#[test]
fn spot_prices_match_catalog_rows() {
    #[rustfmt::skip]
    let cases = [
        // aws.csv: aws,ec2,t3.micro,us-east-1,...,0.0104 ; ebs gp3 0.08
        ("t3.micro + 20 GB gp3", "aws_instance", json!({"instance_type": "t3.micro", "root_block_device": [{"volume_size": 20, "volume_type": "gp3"}]}), 0.0104 * 730.0 + 20.0 * 0.08),
        // aws,ec2,m5.large,us-east-1 0.096 ; ebs gp2 0.1 ; io1 0.125
        ("m5.large + 100 GB io1", "aws_instance", json!({"instance_type": "m5.large", "root_block_device": [{"volume_size": 100, "volume_type": "io1"}]}), 0.096 * 730.0 + 100.0 * 0.125),
        // aws,ec2,t4g.micro,us-east-1 0.0084 (libcloud 2025-03-02)
        ("t4g.micro + 8 GB gp3", "aws_instance", json!({"instance_type": "t4g.micro", "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]}), 0.0084 * 730.0 + 8.0 * 0.08),
        ("ebs st1 500 GB", "aws_ebs_volume", json!({"type": "st1", "size": 500}), 500.0 * 0.045),
        ("ebs sc1 1000 GB", "aws_ebs_volume", json!({"type": "sc1", "size": 1000}), 1000.0 * 0.015),
        ("ebs default type gp2", "aws_ebs_volume", json!({"size": 10}), 10.0 * 0.1),
        // aws,public-ip,public-ipv4,us-east-1 0.005
        ("eip", "aws_eip", json!({"domain": "vpc"}), 0.005 * 730.0),
        // azure,vm,Standard_B2s,eastus 0.0416 ; managed-disk Standard SSD 0.075
        ("B2s + 30 GB StandardSSD", "azurerm_linux_virtual_machine", json!({"size": "Standard_B2s", "location": "East US", "os_disk": [{"storage_account_type": "StandardSSD_LRS", "disk_size_gb": 30}]}), 0.0416 * 730.0 + 30.0 * 0.075),
        // azure,vm,Standard_D2s_v3,northeurope 0.107 ; no managed-disk price there → partial
        ("D2s_v3 northeurope", "azurerm_linux_virtual_machine", json!({"size": "Standard_D2s_v3", "location": "northeurope", "os_disk": [{"storage_account_type": "Standard_LRS", "disk_size_gb": 64}]}), 0.107 * 730.0),
        // azure,public-ip,Standard public IPv4,global 0.005 (sku Standard is the default)
        ("public ip", "azurerm_public_ip", json!({"location": "westeurope", "allocation_method": "Static"}), 0.005 * 730.0),
        ("managed disk Standard HDD", "azurerm_managed_disk", json!({"location": "eastus", "storage_account_type": "Standard_LRS", "disk_size_gb": 128}), 128.0 * 0.045),
        // gcp,compute,e2-standard-2,us-central1 0.06701 ; pd-balanced us-central1 0.1
        ("e2-standard-2 + 20 GB pd-balanced", "google_compute_instance", json!({"machine_type": "e2-standard-2", "zone": "us-central1-a", "boot_disk": [{"initialize_params": [{"size": 20, "type": "pd-balanced"}]}]}), 0.06701 * 730.0 + 20.0 * 0.1),
        // gcp,compute,n2-standard-4,europe-west1 0.21367 (region attr) ; no pd-balanced there → partial
        ("n2-standard-4 europe-west1", "google_compute_instance", json!({"machine_type": "n2-standard-4", "zone": "europe-west1-b", "boot_disk": [{"initialize_params": [{"size": 10, "type": "pd-standard"}]}]}), 0.21367 * 730.0),
        // gcp,persistent-disk,pd-ssd,asia-northeast1 0.221
        ("pd-ssd asia-northeast1", "google_compute_disk", json!({"type": "pd-ssd", "size": 100, "zone": "asia-northeast1-a"}), 100.0 * 0.221),
        // gcp,public-ip,static-external-ipv4-unused,global 0.01
        ("external address", "google_compute_address", json!({"region": "us-central1"}), 0.01 * 730.0),
    ];
    for (name, ty, after, want) in cases {
        let r = one(create(&format!("{ty}.x"), ty, after));
        assert_usd(r.monthly_cost.after, want, name);
        assert_usd(r.monthly_cost.before, 0.0, name);
        for c in r.components.iter().filter(|c| c.status == Status::Priced) {
            assert!(
                c.source_date.as_deref().is_some_and(|d| d.len() == 10),
                "{name}: {c:?}"
            );
            assert!(c.source.is_some(), "{name}: {c:?}");
        }
    }
}

#[test]
fn region_comes_from_provider_alias_and_is_never_borrowed() {
    let west = create("aws_instance.w", "aws_instance", json!({"instance_type": "m5.large", "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]}))
        .provider("registry.terraform.io/hashicorp/aws", Some("aws.west"));
    let mut input = input(vec![west]);
    input.provider_configs.insert(
        "aws.west".into(),
        ProviderConfig {
            alias: Some("west".into()),
            ..ProviderConfig::new("aws").region("eu-west-1")
        },
    );
    let r = estimate(&input).resources.remove(0);
    assert_eq!(r.region.as_deref(), Some("eu-west-1"));
    // aws,ec2,m5.large,eu-west-1 0.107 (corrected); no EBS price in eu-west-1.
    assert_usd(r.monthly_cost.after, 0.107 * 730.0, "m5.large eu-west-1");
    assert_eq!(r.status, Status::Partial);
    let disk = &r.components[1];
    assert_eq!(disk.status, Status::Unpriced);
    assert_eq!(
        disk.reason.as_deref(),
        Some("no price for gp3 in eu-west-1")
    );
}

#[test]
fn count_instances_are_priced_each() {
    let after = json!({"instance_type": "t3.micro", "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]});
    let changes = (0..3)
        .map(|i| {
            create(
                &format!("aws_instance.web[{i}]"),
                "aws_instance",
                after.clone(),
            )
        })
        .collect();
    let r = estimate(&input(changes));
    assert_eq!(r.resources.len(), 3);
    assert_usd(
        Some(r.total.after),
        3.0 * (0.0104 * 730.0 + 8.0 * 0.08),
        "3 × t3.micro",
    );
}

#[test]
fn unknown_values_are_depends_on_not_guesses() {
    #[rustfmt::skip]
    let cases = [
        ("aws_instance", json!({"root_block_device": []}), json!({"instance_type": true, "root_block_device": true}), "instance_type"),
        ("aws_ebs_volume", json!({"type": "gp3"}), json!({"size": true}), "size"),
        ("aws_ebs_volume", json!({"size": 10}), json!({"type": true}), "type"),
        ("azurerm_linux_virtual_machine", json!({"location": "eastus", "os_disk": [{"storage_account_type": "Standard_LRS"}]}), json!({"size": true}), "size"),
        ("azurerm_managed_disk", json!({"location": "eastus", "disk_size_gb": 10}), json!({"storage_account_type": true}), "storage_account_type"),
        ("google_compute_instance", json!({"zone": "us-central1-a"}), json!({"machine_type": true}), "machine_type"),
        ("google_compute_disk", json!({"zone": "us-central1-a"}), json!({"size": true}), "size"),
        ("azurerm_managed_disk", json!({"storage_account_type": "Standard_LRS", "disk_size_gb": 10}), json!({"location": true}), "location"),
    ];
    for (ty, after, unknown, attr) in cases {
        let rc = ResourceChange::new(&format!("{ty}.x"), ty, Action::Create)
            .after(after)
            .after_unknown(unknown);
        let r = one(rc);
        assert_eq!(r.status, Status::DependsOn, "{ty}: {r:?}");
        assert!(
            r.reason
                .as_deref()
                .is_some_and(|w| w.contains(&format!("depends on {attr}"))),
            "{ty}: {:?}",
            r.reason
        );
        for e in r.equivalents.values() {
            assert!(
                e.monthly_cost.after.is_none(),
                "{ty}: equivalent must not be guessed: {e:?}"
            );
        }
    }
}

#[test]
fn unknown_provider_region_depends_on_it() {
    let mut input = input(vec![create("aws_eip.a", "aws_eip", json!({}))]);
    input.provider_configs.get_mut("aws").unwrap().region =
        Some(Setting::Unknown("var.region".into()));
    let r = estimate(&input).resources.remove(0);
    assert_eq!(r.status, Status::DependsOn);
    assert_eq!(
        r.reason.as_deref(),
        Some("depends on the provider's region (var.region)")
    );
    let none = estimate(&PlanInput::new().with(create("aws_eip.a", "aws_eip", json!({}))))
        .resources
        .remove(0);
    assert_eq!(none.status, Status::Unpriced);
    assert!(none.reason.unwrap().contains("no region"));
}

#[test]
fn root_volume_defaults_are_assumed_and_said() {
    let rc = ResourceChange::new("aws_instance.a", "aws_instance", Action::Create)
        .after(json!({"instance_type": "t3.micro", "root_block_device": []}))
        .after_unknown(json!({"root_block_device": true}));
    let r = one(rc);
    assert_eq!(r.status, Status::Priced);
    let disk = &r.components[1];
    assert_usd(disk.monthly_cost, 8.0 * 0.1, "8 GiB gp2");
    assert!(
        disk.reason
            .as_deref()
            .unwrap()
            .contains("assumed volume_size 8 GiB, volume_type gp2"),
        "{disk:?}"
    );
    assert!(r.reason.unwrap().contains("AMI default"));
}

#[test]
fn gp3_and_io_extras_are_unpriced_components() {
    let r = one(create(
        "aws_ebs_volume.a",
        "aws_ebs_volume",
        json!({"type": "gp3", "size": 100, "iops": 4000, "throughput": 300}),
    ));
    assert_eq!(r.status, Status::Partial);
    assert_usd(r.monthly_cost.after, 8.0, "storage part");
    let extras: Vec<_> = r
        .components
        .iter()
        .skip(1)
        .map(|c| (c.quantity, c.reason.clone().unwrap()))
        .collect();
    assert_eq!(extras[0].0, Some(1000.0));
    assert!(extras[0].1.contains("no gp3 IOPS rate"));
    assert_eq!(extras[1].0, Some(175.0));
    assert!(extras[1].1.contains("no gp3 throughput rate"));
    let base = one(create(
        "aws_ebs_volume.b",
        "aws_ebs_volume",
        json!({"type": "gp3", "size": 100, "iops": 3000, "throughput": 125}),
    ));
    assert_eq!(base.status, Status::Priced);
    let io = one(create(
        "aws_ebs_volume.c",
        "aws_ebs_volume",
        json!({"type": "io2", "size": 100, "iops": 5000}),
    ));
    assert_eq!(io.status, Status::Partial);
}

#[test]
fn free_unpriced_and_bad_input() {
    #[rustfmt::skip]
    let cases = [
        (create("aws_vpc.a", "aws_vpc", json!({})), Status::Free, "no charge for aws_vpc"),
        (create("random_pet.a", "random_pet", json!({})), Status::Free, "no charge for random_pet"),
        (create("terraform_data.a", "terraform_data", json!({})), Status::Free, "no charge"),
        (create("null_resource.a", "null_resource", json!({})), Status::Free, "no charge"),
        (create("aws_lambda_function.a", "aws_lambda_function", json!({})), Status::Unpriced, "no pricing rule for aws_lambda_function"),
        (create("aws_nat_gateway.a", "aws_nat_gateway", json!({})), Status::Unpriced, "no NAT gateway price"),
        (create("azurerm_public_ip.a", "azurerm_public_ip", json!({"location": "eastus", "sku": "Basic"})), Status::Unpriced, "Basic public IPs were retired on 2025-09-30"),
        (create("azurerm_public_ip.b", "azurerm_public_ip", json!({"location": "eastus", "ip_version": "IPv6"})), Status::Unpriced, "only the public IPv4 rate"),
        (create("aws_instance.a", "aws_instance", json!({"instance_type": "t9.huge"})), Status::Unpriced, "unknown instance type t9.huge"),
        (create("azurerm_linux_virtual_machine.a", "azurerm_linux_virtual_machine", json!({"size": "Standard_Z9", "location": "eastus", "os_disk": [{"storage_account_type": "Standard_LRS", "disk_size_gb": 1}]})), Status::Unpriced, "unknown VM size Standard_Z9"),
        (create("google_compute_instance.a", "google_compute_instance", json!({"machine_type": "zz-9", "zone": "us-central1-a"})), Status::Unpriced, "unknown machine type zz-9"),
        (create("azurerm_managed_disk.a", "azurerm_managed_disk", json!({"location": "mars-north", "storage_account_type": "Standard_LRS", "disk_size_gb": 1})), Status::Unpriced, "no price for Standard HDD in mars-north (unknown azure region)"),
        (create("google_compute_address.a", "google_compute_address", json!({"address_type": "INTERNAL", "region": "us-central1"})), Status::Free, "internal addresses are free"),
        (create("azurerm_windows_virtual_machine.a", "azurerm_windows_virtual_machine", json!({"size": "Standard_B2s", "location": "eastus", "os_disk": [{"storage_account_type": "Standard_LRS"}]})), Status::Partial, "Linux prices only"),
        (create("google_compute_instance.c", "google_compute_instance", json!({"machine_type": "n2-custom-4-8192", "zone": "us-central1-a", "boot_disk": [{"initialize_params": [{"size": 10, "type": "pd-standard"}]}]})), Status::Partial, "no custom machine type prices (4 vCPU, 8 GiB)"),
    ];
    for (rc, status, why) in cases {
        let addr = rc.address.clone();
        let r = one(rc);
        assert_eq!(r.status, status, "{addr}: {:?}", r.reason);
        assert!(
            r.reason.as_deref().is_some_and(|w| w.contains(why)),
            "{addr}: {:?}",
            r.reason
        );
    }
}

#[test]
fn unknown_aws_region_is_unpriced_with_reason() {
    let mut input = input(vec![create(
        "aws_instance.a",
        "aws_instance",
        json!({"instance_type": "t3.micro"}),
    )]);
    input.provider_configs.insert(
        "aws".into(),
        ProviderConfig::new("aws").region("mars-east-1"),
    );
    let r = estimate(&input).resources.remove(0);
    assert_eq!(r.status, Status::Unpriced);
    assert!(r
        .reason
        .unwrap()
        .contains("no price for t3.micro in mars-east-1 (unknown aws region)"));
    assert!(r.equivalents.values().all(|e| e
        .reason
        .as_deref()
        .unwrap()
        .contains("not in the aws region table")));
}

#[test]
fn usage_file_drives_object_storage_hours_and_egress() {
    let changes = vec![
        create(
            "aws_s3_bucket.logs",
            "aws_s3_bucket",
            json!({"bucket": "logs"}),
        ),
        create(
            "aws_s3_bucket.none",
            "aws_s3_bucket",
            json!({"bucket": "none"}),
        ),
        create(
            "google_storage_bucket.b",
            "google_storage_bucket",
            json!({"location": "US-EAST1", "storage_class": "NEARLINE"}),
        ),
        create(
            "google_storage_bucket.multi",
            "google_storage_bucket",
            json!({"location": "US"}),
        ),
        create(
            "azurerm_storage_account.s",
            "azurerm_storage_account",
            json!({"location": "eastus", "account_tier": "Standard", "account_replication_type": "LRS", "access_tier": "Cool"}),
        ),
        create(
            "aws_instance.batch[0]",
            "aws_instance",
            json!({"instance_type": "t3.micro", "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]}),
        ),
    ];
    let usage = "resource_usage:\n  aws_s3_bucket.logs:\n    storage_gb: 1000\n    monthly_egress_gb: 10\n  google_storage_bucket.*:\n    storage_gb: 200\n  azurerm_storage_account.s:\n    storage_gb: 300\n  aws_instance.batch[*]:\n    hours_per_month: 100\n";
    check_usage_report(&estimate_with_usage(&input(changes), usage));
}

fn check_usage_report(r: &autostack_cost::Report) {
    let by = |a: &str| r.resources.iter().find(|x| x.address == a).unwrap();
    assert_usd(
        by("aws_s3_bucket.logs").monthly_cost.after,
        1000.0 * 0.023,
        "s3",
    );
    assert_eq!(
        by("aws_s3_bucket.logs").status,
        Status::Partial,
        "egress is unpriced"
    );
    assert_eq!(by("aws_s3_bucket.none").status, Status::DependsOn);
    assert!(by("aws_s3_bucket.none")
        .reason
        .as_deref()
        .unwrap()
        .contains("usage: storage_gb"));
    assert_usd(
        by("google_storage_bucket.b").monthly_cost.after,
        200.0 * 0.01,
        "gcs nearline us-east1",
    );
    assert_eq!(by("google_storage_bucket.multi").status, Status::Unpriced);
    assert_usd(
        by("azurerm_storage_account.s").monthly_cost.after,
        300.0 * 0.01,
        "blob cool",
    );
    assert_usd(
        by("aws_instance.batch[0]").monthly_cost.after,
        100.0 * 0.0104 + 8.0 * 0.08,
        "100 hours",
    );
}

#[test]
fn updates_replacements_and_deletes() {
    let small = json!({"instance_type": "t3.micro", "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]});
    let big = json!({"instance_type": "m5.large", "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]});
    #[rustfmt::skip]
    let cases = [
        (Action::Update, Some(0.0104 * 730.0 + 0.64), Some(0.096 * 730.0 + 0.64)),
        (Action::Replace, Some(0.0104 * 730.0 + 0.64), Some(0.096 * 730.0 + 0.64)),
        (Action::Delete, Some(0.0104 * 730.0 + 0.64), Some(0.0)),
        (Action::NoOp, Some(0.0104 * 730.0 + 0.64), Some(0.096 * 730.0 + 0.64)),
    ];
    for (action, before, after) in cases {
        let mut rc =
            ResourceChange::new("aws_instance.a", "aws_instance", action).before(small.clone());
        if action != Action::Delete {
            rc = rc.after(big.clone());
        }
        let r = one(rc);
        assert_usd(r.monthly_cost.before, before.unwrap(), action.as_str());
        assert_usd(r.monthly_cost.after, after.unwrap(), action.as_str());
        assert_eq!(r.action, action.as_str());
        let gcp = &r.equivalents[&autostack_cost::Cloud::Gcp];
        assert!(
            gcp.monthly_cost.before.unwrap() > 0.0,
            "{action:?}: {gcp:?}"
        );
    }
    let data = ResourceChange {
        mode: autostack_cost::Mode::Data,
        ..create("data.aws_ami.x", "aws_ami", json!({}))
    };
    assert!(estimate(&input(vec![data])).resources.is_empty());
}

/// Portable resources cost what their concrete members cost on the cloud they are bound to,
/// in their own region: (case, type, planned values, expected monthly cost).
#[test]
fn portable_resources_are_priced_through_the_bound_clouds_rules() {
    #[rustfmt::skip]
    let cases = [
        // aws,ec2,m5.large,us-east-1 0.096 ; ebs gp3 0.08 (the root disk is gp3)
        ("instance on aws", "portable_instance", json!({"cloud": "aws", "region": "us-east-1", "instance_type": "m5.large", "root_disk_size": 20}), 0.096 * 730.0 + 20.0 * 0.08),
        // the portable region wins over the provider's: m5.large eu-west-1 0.107, no EBS price there
        ("instance on aws in eu-west-1", "portable_instance", json!({"cloud": "aws", "region": "eu-west-1", "instance_type": "m5.large", "root_disk_size": 20}), 0.107 * 730.0),
        // azure,vm,Standard_B2s,eastus 0.0416 ; Standard SSD 0.075
        ("instance on azure", "portable_instance", json!({"cloud": "azure", "region": "eastus", "instance_type": "Standard_B2s", "root_disk_size": 30}), 0.0416 * 730.0 + 30.0 * 0.075),
        // gcp,compute,e2-standard-2,us-central1 0.06701 ; pd-balanced 0.1
        ("instance on gcp", "portable_instance", json!({"cloud": "gcp", "region": "us-central1", "instance_type": "e2-standard-2", "root_disk_size": 20}), 0.06701 * 730.0 + 20.0 * 0.1),
        ("disk on aws", "portable_disk", json!({"cloud": "aws", "region": "us-east-1", "disk_type": "gp3", "size": 100}), 100.0 * 0.08),
        ("disk on azure", "portable_disk", json!({"cloud": "azure", "region": "eastus", "disk_type": "Standard_LRS", "size": 128}), 128.0 * 0.045),
        ("disk on gcp", "portable_disk", json!({"cloud": "gcp", "region": "asia-northeast1", "disk_type": "pd-ssd", "size": 100}), 100.0 * 0.221),
        ("network", "portable_network", json!({"cloud": "aws", "region": "us-east-1", "cidr_block": "10.0.0.0/16"}), 0.0),
        ("firewall", "portable_firewall", json!({"cloud": "gcp", "region": "us-central1"}), 0.0),
    ];
    for (name, ty, after, want) in cases {
        let r = one(create(&format!("{ty}.x"), ty, after.clone()));
        assert_usd(r.monthly_cost.after, want, name);
        let cloud = after["cloud"].as_str().unwrap();
        assert_eq!(r.cloud.map(|c| c.as_str()), Some(cloud), "{name}");
        assert_eq!(r.region.as_deref(), after["region"].as_str(), "{name}");
    }
    // A bucket is priced as the cloud's standard object storage, from usage `storage_gb`:
    // s3 S3 Standard us-east-1 0.023; blob Blob Hot (LRS) eastus 0.018; gcs Standard us-east1 0.02.
    let usage = "resource_usage:\n  portable_bucket.b:\n    storage_gb: 100\n";
    for (cloud, region, per_gb) in [
        ("aws", "us-east-1", 0.023),
        ("azure", "eastus", 0.018),
        ("gcp", "us-east1", 0.02),
    ] {
        let b = create(
            "portable_bucket.b",
            "portable_bucket",
            json!({"cloud": cloud, "region": region, "name": "b"}),
        );
        let r = estimate_with_usage(&input(vec![b]), usage)
            .resources
            .remove(0);
        assert_usd(r.monthly_cost.after, 100.0 * per_gb, cloud);
    }
}

#[test]
fn portable_instances_have_equivalents_and_wait_for_unknowns() {
    let vm = create(
        "portable_instance.web",
        "portable_instance",
        json!({"cloud": "aws", "region": "us-east-1", "instance_type": "m5.large", "root_disk_size": 20}),
    );
    let r = one(vm);
    assert_eq!(r.equivalents.len(), 2, "{r:?}");
    for e in r.equivalents.values() {
        assert!(e.monthly_cost.after.is_some_and(|c| c > 0.0), "{e:?}");
        assert!(!e.rule.is_empty());
    }
    let later = ResourceChange::new("portable_instance.w", "portable_instance", Action::Create)
        .after(json!({"cloud": "azure", "region": "eastus", "root_disk_size": 20}))
        .after_unknown(json!({"instance_type": true}));
    let r = one(later);
    assert_eq!(r.status, Status::DependsOn, "{r:?}");
    let unbound = create("portable_disk.d", "portable_disk", json!({"size": 10}));
    assert_eq!(one(unbound).status, Status::DependsOn);
}
