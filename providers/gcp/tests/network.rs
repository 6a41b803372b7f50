//! Networking types through the SDK's lifecycle kit against the Compute Engine double.

mod support;

use autostack_provider_sdk::testkit::{run_lifecycle, Lifecycle};
use autostack_value::Value;
use support::*;

#[tokio::test]
async fn network_lifecycle() {
    let p = provider("net-life").await;
    let name = unique("net");
    let create = config(
        &*p,
        "google_compute_network",
        vec![
            ("name", Value::string(name.as_str())),
            ("auto_create_subnetworks", Value::bool(false)),
        ],
    );
    let update = config(
        &*p,
        "google_compute_network",
        vec![
            ("name", Value::string(name.as_str())),
            ("auto_create_subnetworks", Value::bool(false)),
            ("routing_mode", Value::string("GLOBAL")),
        ],
    );
    let replace = config(
        &*p,
        "google_compute_network",
        vec![
            ("name", Value::string(name.as_str())),
            ("auto_create_subnetworks", Value::bool(false)),
            ("routing_mode", Value::string("GLOBAL")),
            ("description", Value::string("replaced")),
        ],
    );
    let l = Lifecycle {
        type_name: "google_compute_network",
        create,
        update: Some(update),
        replace: Some(replace),
        import_id_attr: Some("id"),
        state_only: false,
    };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
    assert!(gce().objects("net-life", "compute#network").is_empty());
}

/// A custom-mode network for dependent objects; its ID.
async fn network_in(p: &dyn autostack_provider_sdk::Provider, name: &str) -> String {
    let cfg = config(
        p,
        "google_compute_network",
        vec![
            ("name", Value::string(name)),
            ("auto_create_subnetworks", Value::bool(false)),
        ],
    );
    let plan = autostack_provider_sdk::testkit::plan(p, "google_compute_network", None, &cfg)
        .await
        .expect("plan");
    let state = autostack_provider_sdk::testkit::apply(
        p,
        "google_compute_network",
        None,
        Some(&plan.planned),
    )
    .await
    .expect("apply")
    .expect("state");
    attr(&state, "id")
}

#[tokio::test]
async fn subnetwork_expands_in_place_and_replaces_on_a_range_that_does_not_contain_the_old() {
    let p = provider("subnet-life").await;
    let net = network_in(&*p, &unique("vpc")).await;
    let name = unique("sub");
    let sub = |range: &str, private: bool| {
        config(
            &*p,
            "google_compute_subnetwork",
            vec![
                ("name", Value::string(name.as_str())),
                ("network", Value::string(net.as_str())),
                ("ip_cidr_range", Value::string(range)),
                ("private_ip_google_access", Value::bool(private)),
            ],
        )
    };
    let l = Lifecycle {
        type_name: "google_compute_subnetwork",
        create: sub("10.10.0.0/24", false),
        // A larger range that contains the old one, and a flag: in place.
        update: Some(sub("10.10.0.0/20", true)),
        // A range that does not contain 10.10.0.0/20: a new subnetwork.
        replace: Some(sub("10.20.0.0/24", true)),
        import_id_attr: Some("id"),
        state_only: false,
    };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
    let subs = gce().objects("subnet-life", "compute#subnetwork");
    assert!(
        subs.iter()
            .all(|s| !s["name"].as_str().unwrap_or_default().starts_with(&name)),
        "{subs:?}"
    );
}

#[tokio::test]
async fn firewall_lifecycle() {
    let p = provider("fw-life").await;
    let net = network_in(&*p, &unique("vpc")).await;
    let name = unique("fw");
    let rule = |ports: &[&str], direction: &str| {
        config(
            &*p,
            "google_compute_firewall",
            vec![
                ("name", Value::string(name.as_str())),
                ("network", Value::string(net.as_str())),
                ("direction", Value::string(direction)),
                (
                    "source_ranges",
                    autostack_provider_sdk::attrs::string_set(["0.0.0.0/0"]),
                ),
                (
                    "target_tags",
                    autostack_provider_sdk::attrs::string_set(["web"]),
                ),
                (
                    "allow",
                    Value::tuple(vec![Value::object_from([
                        ("protocol", Value::string("tcp")),
                        (
                            "ports",
                            Value::tuple(ports.iter().map(|p| Value::string(*p)).collect()),
                        ),
                    ])]),
                ),
            ],
        )
    };
    let l = Lifecycle {
        type_name: "google_compute_firewall",
        create: rule(&["80"], "INGRESS"),
        update: Some(rule(&["80", "443"], "INGRESS")),
        replace: Some(rule(&["80", "443"], "EGRESS")),
        import_id_attr: Some("id"),
        state_only: false,
    };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
}

#[tokio::test]
async fn address_lifecycle_with_labels() {
    let p = provider("addr-life").await;
    let name = unique("ip");
    let addr = |labels_: &[(&str, &str)], tier: &str| {
        config(
            &*p,
            "google_compute_address",
            vec![
                ("name", Value::string(name.as_str())),
                ("network_tier", Value::string(tier)),
                ("labels", labels(labels_)),
            ],
        )
    };
    let l = Lifecycle {
        type_name: "google_compute_address",
        create: addr(&[("env", "dev")], "PREMIUM"),
        update: Some(addr(&[("env", "prod"), ("team", "web")], "PREMIUM")),
        replace: Some(addr(&[("env", "prod")], "STANDARD")),
        import_id_attr: Some("id"),
        state_only: false,
    };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
}
