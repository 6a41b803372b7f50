//! Times pricing of a synthetic plan: `cargo run --release -p autostack-cost --example bench_plan -- [N]`.

use autostack_cost::{Action, Catalog, Estimator, PlanInput, ProviderConfig, ResourceChange};
use serde_json::json;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
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
    let mut input = PlanInput::new()
        .provider("aws", ProviderConfig::new("aws").region("us-east-1"))
        .provider(
            "google",
            ProviderConfig::new("google").region("us-central1"),
        );
    for i in 0..n {
        let (ty, after) = &kinds[i % kinds.len()];
        input.push(
            ResourceChange::new(&format!("{ty}.r[{i}]"), ty, Action::Create).after(after.clone()),
        );
    }
    let t0 = Instant::now();
    let catalog = Catalog::embedded();
    let load = t0.elapsed();
    for hints in [false, true] {
        let t = Instant::now();
        let report = Estimator::new(catalog).with_hints(hints).estimate(&input);
        println!(
            "{} resources, hints {}: {:.1} ms (total after ${:.2})",
            report.resources.len(),
            if hints { "on" } else { "off" },
            t.elapsed().as_secs_f64() * 1e3,
            report.total.after
        );
    }
    println!("catalog parse (once): {:.1} ms", load.as_secs_f64() * 1e3);
}
