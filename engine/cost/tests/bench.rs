//! Pricing speed: a 10,000-resource plan must price in under 0.1 s (release build).
//! Run: `cargo test -p autostack-cost --release --test bench -- --ignored --nocapture`

mod common;

use autostack_cost::{Catalog, Estimator, ResourceChange};
use serde_json::json;
use std::time::Instant;

fn big_plan(n: usize) -> autostack_cost::PlanInput {
    let kinds = [
        (
            "aws_instance",
            json!({"instance_type": "m5.large", "tags": {"team": "a"}, "root_block_device": [{"volume_size": 20, "volume_type": "gp3"}]}),
        ),
        (
            "aws_instance",
            json!({"instance_type": "t3.micro", "root_block_device": []}),
        ),
        ("aws_ebs_volume", json!({"type": "gp2", "size": 100})),
        ("aws_eip", json!({})),
        ("aws_vpc", json!({})),
        (
            "google_compute_instance",
            json!({"machine_type": "n2-standard-4", "zone": "europe-west1-b", "boot_disk": [{"initialize_params": [{"size": 20, "type": "pd-ssd"}]}]}),
        ),
        (
            "azurerm_linux_virtual_machine",
            json!({"size": "Standard_D2s_v3", "location": "westeurope", "os_disk": [{"storage_account_type": "StandardSSD_LRS", "disk_size_gb": 30}]}),
        ),
        (
            "azurerm_managed_disk",
            json!({"location": "eastus", "storage_account_type": "Standard_LRS", "disk_size_gb": 64}),
        ),
        (
            "google_compute_disk",
            json!({"zone": "us-central1-a", "type": "pd-balanced", "size": 50}),
        ),
        ("random_id", json!({})),
    ];
    let changes: Vec<ResourceChange> = (0..n)
        .map(|i| {
            let (ty, after) = &kinds[i % kinds.len()];
            common::create(&format!("{ty}.r[{i}]"), ty, after.clone())
        })
        .collect();
    common::input(changes)
}

#[test]
#[ignore = "timing: run in release with --ignored --nocapture"]
fn price_10k_resources_under_100ms() {
    let t0 = Instant::now();
    let catalog = Catalog::embedded();
    let load = t0.elapsed();
    let input = big_plan(10_000);
    let mut runs = Vec::new();
    let mut report = None;
    for _ in 0..3 {
        let t1 = Instant::now();
        report = Some(Estimator::new(catalog).estimate(&input));
        runs.push(t1.elapsed().as_secs_f64());
    }
    let report = report.unwrap();
    let best = runs.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "catalog parse (once): {:.1} ms; pricing 10,000 resources with equivalents, totals and hints: first {:.1} ms, best of 3 {:.1} ms; total after ${:.2}",
        load.as_secs_f64() * 1e3,
        runs[0] * 1e3,
        best * 1e3,
        report.total.after
    );
    assert_eq!(report.resources.len(), 10_000);
    assert!(best < 0.1, "pricing took {best} s");
}
