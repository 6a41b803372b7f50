//! Networking types through the SDK's lifecycle kit against the Compute Engine double.

mod support;

use autostack_provider_sdk::testkit::{run_lifecycle, Lifecycle};
use autostack_value::Value;
use support::*;

#[tokio::test]
async fn network_lifecycle() {
    let p = provider("net-life").await;
    let name = unique("net");
    let create = config(&*p, "google_compute_network", vec![("name", Value::string(name.as_str())), ("auto_create_subnetworks", Value::bool(false))]);
    let update = config(&*p, "google_compute_network", vec![
        ("name", Value::string(name.as_str())),
        ("auto_create_subnetworks", Value::bool(false)),
        ("routing_mode", Value::string("GLOBAL")),
    ]);
    let replace = config(&*p, "google_compute_network", vec![
        ("name", Value::string(name.as_str())),
        ("auto_create_subnetworks", Value::bool(false)),
        ("routing_mode", Value::string("GLOBAL")),
        ("description", Value::string("replaced")),
    ]);
    let l = Lifecycle { type_name: "google_compute_network", create, update: Some(update), replace: Some(replace), import_id_attr: Some("id"), state_only: false };
    run_lifecycle(&*p, &l).await.unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
    assert!(gce().objects("net-life", "compute#network").is_empty());
}
