//! The provider block: credentials (a key path through the token flow, a static access
//! token, `GOOGLE_OAUTH_ACCESS_TOKEN`), bad credentials, default labels, and calls that
//! survive throttling and 5xx faults on a fifth of all requests.

mod support;

use autostack_provider_sdk::conform::conform_value;
use autostack_provider_sdk::testkit::{apply, plan, read, read_data};
use autostack_provider_sdk::Provider;
use autostack_value::Value;
use support::*;

async fn configure(block: Value) -> Result<Box<dyn Provider>, String> {
    let mut p = autostack_provider_gcp::provider_for("hashicorp/google").expect("provider");
    let block = conform_value(&p.schema().provider, &block).expect("conform");
    p.configure(autostack_provider_sdk::ConfigureRequest::new(block))
        .await
        .map_err(|d| d.to_string())?;
    Ok(p)
}

fn network(p: &dyn Provider, name: &str) -> Value {
    config(
        p,
        "google_compute_network",
        vec![
            ("name", Value::string(name)),
            ("auto_create_subnetworks", Value::bool(false)),
        ],
    )
}

#[tokio::test]
async fn a_static_access_token_is_sent_and_a_wrong_one_refused() {
    let d = gce();
    let mut block = provider_block(
        d,
        &fake_gcs_url(),
        "token-static",
        vec![("access_token", Value::string("gce-double-token"))],
    );
    block = autostack_provider_sdk::attrs::with_attr(
        &block,
        "credentials",
        Value::Null(autostack_value::Type::String),
    );
    let p = configure(block.clone()).await.expect("configure");
    let cfg = network(&*p, &unique("tok"));
    let planned = plan(&*p, "google_compute_network", None, &cfg)
        .await
        .expect("plan")
        .planned;
    let state = apply(&*p, "google_compute_network", None, Some(&planned))
        .await
        .expect("create")
        .expect("state");
    apply(&*p, "google_compute_network", Some(&state), None)
        .await
        .expect("delete");
    let bad = autostack_provider_sdk::attrs::with_attr(
        &block,
        "access_token",
        Value::string("not-a-token"),
    );
    let p = configure(bad).await.expect("configure");
    let err = read(&*p, "google_compute_network", &state)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("401") && err.contains("UNAUTHENTICATED") || err.contains("authError"),
        "{err}"
    );
}

#[tokio::test]
async fn a_key_that_is_not_json_is_a_clear_error() {
    let d = gce();
    let block = autostack_provider_sdk::attrs::with_attr(
        &provider_block(d, &fake_gcs_url(), "bad-key", vec![]),
        "credentials",
        Value::string("/no/such/key.json"),
    );
    let err = match configure(block).await {
        Err(e) => e,
        Ok(_) => panic!("configured with a missing key"),
    };
    assert!(
        err.contains("Error loading credentials") && err.contains("/no/such/key.json"),
        "{err}"
    );
}

#[tokio::test]
async fn default_labels_and_the_attribution_label_reach_the_object() {
    let d = gce();
    let p = configured(provider_block(
        d,
        &fake_gcs_url(),
        "labels",
        vec![("default_labels", labels(&[("team", "core")]))],
    ))
    .await;
    let name = unique("ip");
    let cfg = config(
        &*p,
        "google_compute_address",
        vec![
            ("name", Value::string(name.as_str())),
            ("labels", labels(&[("env", "dev")])),
        ],
    );
    let planned = plan(&*p, "google_compute_address", None, &cfg)
        .await
        .expect("plan")
        .planned;
    let state = apply(&*p, "google_compute_address", None, Some(&planned))
        .await
        .expect("create")
        .expect("state");
    let on_object = &d.objects("labels", "compute#address")[0]["labels"];
    assert_eq!(
        on_object,
        &serde_json::json!({"env": "dev", "team": "core", "goog-terraform-provisioned": "true"})
    );
    let tl = autostack_provider_sdk::attrs::string_map(
        autostack_provider_sdk::attrs::get(&state, "terraform_labels").unwrap(),
    );
    assert_eq!(tl.len(), 3);
    let own = autostack_provider_sdk::attrs::string_map(
        autostack_provider_sdk::attrs::get(&state, "labels").unwrap(),
    );
    assert_eq!(own.len(), 1);
    apply(&*p, "google_compute_address", Some(&state), None)
        .await
        .expect("delete");
}

#[tokio::test]
async fn throttling_and_server_errors_on_a_fifth_of_calls_are_retried() {
    let faulty = Double::start(&["--fault-rate", "0.2", "--seed", "7"]);
    let p = configured(provider_block(&faulty, &fake_gcs_url(), "faults", vec![])).await;
    let mut states = Vec::new();
    for i in 0..6 {
        let cfg = network(&*p, &format!("faulty-{i}"));
        let planned = plan(&*p, "google_compute_network", None, &cfg)
            .await
            .expect("plan")
            .planned;
        states.push(
            apply(&*p, "google_compute_network", None, Some(&planned))
                .await
                .expect("create despite faults")
                .expect("state"),
        );
    }
    let read =
        autostack_provider_sdk::testkit::read_many(&*p, "google_compute_network", &states).await;
    assert!(read.iter().all(|r| matches!(r, Ok(Some(_)))));
    let zones = read_data(
        &*p,
        "google_compute_zones",
        &data_config(&*p, "google_compute_zones", vec![]),
    )
    .await
    .expect("zones");
    assert_eq!(
        autostack_provider_sdk::attrs::get_strings(&zones, "names").len(),
        4
    );
    for s in &states {
        apply(&*p, "google_compute_network", Some(s), None)
            .await
            .expect("delete despite faults");
    }
    assert!(faulty.objects("faults", "compute#network").is_empty());
}
