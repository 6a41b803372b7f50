//! Disks, instances and attachments through the SDK's lifecycle kit against the Compute
//! Engine double.

mod support;

use autostack_provider_sdk::testkit::{run_lifecycle, Lifecycle};
use autostack_value::Value;
use support::*;

#[tokio::test]
async fn disk_grows_in_place_and_is_replaced_to_shrink() {
    let p = provider("disk-life").await;
    let name = unique("disk");
    let disk = |size: i64, env: &str| config(&*p, "google_compute_disk", vec![
        ("name", Value::string(name.as_str())),
        ("type", Value::string("pd-balanced")),
        ("size", Value::int(size)),
        ("labels", labels(&[("env", env)])),
    ]);
    let l = Lifecycle {
        type_name: "google_compute_disk",
        create: disk(20, "dev"),
        update: Some(disk(30, "prod")),
        replace: Some(disk(10, "prod")),
        import_id_attr: Some("id"),
        state_only: false,
    };
    run_lifecycle(&*p, &l).await.unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
    assert!(gce().objects("disk-life", "compute#disk").is_empty());
}
