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
    let disk = |size: i64, env: &str| {
        config(
            &*p,
            "google_compute_disk",
            vec![
                ("name", Value::string(name.as_str())),
                ("type", Value::string("pd-balanced")),
                ("size", Value::int(size)),
                ("labels", labels(&[("env", env)])),
            ],
        )
    };
    let l = Lifecycle {
        type_name: "google_compute_disk",
        create: disk(20, "dev"),
        update: Some(disk(30, "prod")),
        replace: Some(disk(10, "prod")),
        import_id_attr: Some("id"),
        state_only: false,
    };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
    assert!(gce().objects("disk-life", "compute#disk").is_empty());
}

/// Applies `cfg` as a new `type_name`; its state.
async fn create(p: &dyn autostack_provider_sdk::Provider, type_name: &str, cfg: &Value) -> Value {
    let plan = autostack_provider_sdk::testkit::plan(p, type_name, None, cfg)
        .await
        .expect("plan");
    autostack_provider_sdk::testkit::apply(p, type_name, None, Some(&plan.planned))
        .await
        .expect("apply")
        .expect("state")
}

/// A custom network with one subnetwork in us-central1; the subnetwork's ID.
async fn subnet(p: &dyn autostack_provider_sdk::Provider) -> String {
    let net = create(
        p,
        "google_compute_network",
        &config(
            p,
            "google_compute_network",
            vec![
                ("name", Value::string(unique("vpc").as_str())),
                ("auto_create_subnetworks", Value::bool(false)),
            ],
        ),
    )
    .await;
    let sub = create(
        p,
        "google_compute_subnetwork",
        &config(
            p,
            "google_compute_subnetwork",
            vec![
                ("name", Value::string(unique("sub").as_str())),
                ("network", Value::string(attr(&net, "id").as_str())),
                ("ip_cidr_range", Value::string("10.0.1.0/24")),
            ],
        ),
    )
    .await;
    attr(&sub, "id")
}

fn instance_config(
    p: &dyn autostack_provider_sdk::Provider,
    name: &str,
    sub: &str,
    zone: &str,
    machine: &str,
    env: &str,
) -> Value {
    config(
        p,
        "google_compute_instance",
        vec![
            ("name", Value::string(name)),
            ("zone", Value::string(zone)),
            ("machine_type", Value::string(machine)),
            ("allow_stopping_for_update", Value::bool(true)),
            ("labels", labels(&[("env", env)])),
            ("metadata", labels(&[("owner", env)])),
            (
                "tags",
                autostack_provider_sdk::attrs::string_set(["web", env]),
            ),
            (
                "boot_disk",
                block(vec![(
                    "initialize_params",
                    block(vec![
                        ("image", Value::string("debian-cloud/debian-12")),
                        ("size", Value::int(20)),
                        ("type", Value::string("pd-balanced")),
                    ]),
                )]),
            ),
            (
                "network_interface",
                block(vec![
                    ("subnetwork", Value::string(sub)),
                    ("access_config", block(vec![])),
                ]),
            ),
            (
                "service_account",
                block(vec![(
                    "scopes",
                    autostack_provider_sdk::attrs::string_set(["cloud-platform"]),
                )]),
            ),
        ],
    )
}

#[tokio::test]
async fn instance_lifecycle_changes_machine_type_by_stopping_it() {
    let p = provider("vm-life").await;
    let sub = subnet(&*p).await;
    let name = unique("vm");
    let l = Lifecycle {
        type_name: "google_compute_instance",
        create: instance_config(&*p, &name, &sub, "us-central1-a", "e2-small", "dev"),
        update: Some(instance_config(
            &*p,
            &name,
            &sub,
            "us-central1-a",
            "e2-medium",
            "prod",
        )),
        replace: Some(instance_config(
            &*p,
            &name,
            &sub,
            "us-central1-b",
            "e2-medium",
            "prod",
        )),
        import_id_attr: Some("id"),
        state_only: false,
    };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
    let ops: Vec<String> = gce().dump()["operations"]
        .as_object()
        .unwrap()
        .values()
        .filter(|o| {
            o["targetLink"]
                .as_str()
                .unwrap_or_default()
                .ends_with(&format!("/instances/{name}"))
        })
        .map(|o| o["operationType"].as_str().unwrap_or_default().to_string())
        .collect();
    for step in [
        "stop",
        "setMachineType",
        "start",
        "setLabels",
        "setMetadata",
        "setTags",
    ] {
        assert!(ops.iter().any(|o| o == step), "{step} in {ops:?}");
    }
    assert!(gce().objects("vm-life", "compute#instance").is_empty());
    assert!(
        gce().objects("vm-life", "compute#disk").is_empty(),
        "boot disks are deleted with their instances"
    );
}

#[tokio::test]
async fn a_machine_type_change_without_allow_stopping_for_update_is_refused() {
    let p = provider("vm-refuse").await;
    let sub = subnet(&*p).await;
    let name = unique("vm");
    let cfg = |m: &str| {
        autostack_provider_sdk::attrs::with_attr(
            &instance_config(&*p, &name, &sub, "us-central1-a", m, "dev"),
            "allow_stopping_for_update",
            Value::Null(autostack_value::Type::Bool),
        )
    };
    let state = create(&*p, "google_compute_instance", &cfg("e2-small")).await;
    let plan = autostack_provider_sdk::testkit::plan(
        &*p,
        "google_compute_instance",
        Some(&state),
        &cfg("e2-medium"),
    )
    .await
    .expect("plan");
    assert!(plan.requires_replace.is_empty());
    let err = autostack_provider_sdk::testkit::apply(
        &*p,
        "google_compute_instance",
        Some(&state),
        Some(&plan.planned),
    )
    .await
    .unwrap_err();
    assert!(
        err.diags
            .to_string()
            .contains("allow_stopping_for_update = true"),
        "{}",
        err.diags
    );
    let vms = gce().objects("vm-refuse", "compute#instance");
    assert!(
        vms[0]["machineType"]
            .as_str()
            .unwrap()
            .ends_with("/e2-small")
            && vms[0]["status"] == "RUNNING",
        "{vms:?}"
    );
    autostack_provider_sdk::testkit::apply(&*p, "google_compute_instance", Some(&state), None)
        .await
        .expect("delete");
}

#[tokio::test]
async fn attached_disk_lifecycle_and_import() {
    let p = provider("attach-life").await;
    let sub = subnet(&*p).await;
    let vm = create(
        &*p,
        "google_compute_instance",
        &instance_config(&*p, &unique("vm"), &sub, "us-central1-a", "e2-small", "dev"),
    )
    .await;
    let disk = create(
        &*p,
        "google_compute_disk",
        &config(
            &*p,
            "google_compute_disk",
            vec![
                ("name", Value::string(unique("data").as_str())),
                ("size", Value::int(10)),
            ],
        ),
    )
    .await;
    let att = |mode: &str| {
        config(
            &*p,
            "google_compute_attached_disk",
            vec![
                ("disk", Value::string(attr(&disk, "id").as_str())),
                ("instance", Value::string(attr(&vm, "id").as_str())),
                ("mode", Value::string(mode)),
            ],
        )
    };
    let l = Lifecycle {
        type_name: "google_compute_attached_disk",
        create: att("READ_WRITE"),
        update: None,
        replace: Some(att("READ_ONLY")),
        import_id_attr: Some("id"),
        state_only: false,
    };
    run_lifecycle(&*p, &l)
        .await
        .unwrap_or_else(|f| panic!("{}: {}", f.step, f.message));
    let users = &gce()
        .objects("attach-life", "compute#disk")
        .into_iter()
        .find(|d| d["name"] == attr(&disk, "name"))
        .expect("disk")["users"];
    assert!(users.as_array().is_none_or(|u| u.is_empty()), "{users}");
}

#[tokio::test]
async fn data_sources_read_images_zones_the_client_config_and_the_project() {
    use autostack_provider_sdk::testkit::read_data;
    let p = provider("data-src").await;
    let img = read_data(
        &*p,
        "google_compute_image",
        &data_config(
            &*p,
            "google_compute_image",
            vec![
                ("family", Value::string("debian-12")),
                ("project", Value::string("debian-cloud")),
            ],
        ),
    )
    .await
    .expect("image");
    assert_eq!(attr(&img, "name"), "debian-12-bookworm-v20241210");
    assert_eq!(
        attr(&img, "id"),
        "projects/debian-cloud/global/images/debian-12-bookworm-v20241210"
    );
    let zones = read_data(
        &*p,
        "google_compute_zones",
        &data_config(&*p, "google_compute_zones", vec![]),
    )
    .await
    .expect("zones");
    let names = autostack_provider_sdk::attrs::get_strings(&zones, "names");
    assert_eq!(
        names,
        [
            "us-central1-a",
            "us-central1-b",
            "us-central1-c",
            "us-central1-f"
        ]
    );
    let cc = read_data(
        &*p,
        "google_client_config",
        &data_config(&*p, "google_client_config", vec![]),
    )
    .await
    .expect("client config");
    assert_eq!(
        attr(&cc, "id"),
        "projects/data-src/regions/us-central1/zones/us-central1-a"
    );
    let token = autostack_provider_sdk::attrs::attr(&cc, "access_token").expect("token");
    assert!(token.marks().is_sensitive());
    // The token came from the double's token_uri (the JWT-bearer grant), not a self-signed JWT.
    assert!(
        token
            .unmarked()
            .as_str()
            .unwrap()
            .starts_with("ya29.double-"),
        "{token:?}"
    );
    let proj = read_data(
        &*p,
        "google_project",
        &data_config(&*p, "google_project", vec![]),
    )
    .await
    .expect("project");
    assert_eq!(attr(&proj, "project_id"), "data-src");
    assert_eq!(attr(&proj, "number").len(), 12);
}
