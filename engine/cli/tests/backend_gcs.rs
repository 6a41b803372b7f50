//! The gcs backend through the binary, against fake-gcs-server: the safety scenarios of
//! every backend (two applies at once, `kill -9` at random points, a server failing one
//! request in five) and Terraform's object layout (`PREFIX/WORKSPACE.tfstate`), workspaces
//! included.
#![cfg(feature = "gcs")]

mod backends;
mod common;
#[allow(dead_code)]
#[path = "../../../providers/aws/tests/support/proxy.rs"]
mod proxy;
#[path = "../../../state/tests/support/mod.rs"]
mod support;

use backends::Setup;

/// A new bucket on fake-gcs-server (its JSON API's bucket insert).
fn bucket(base: &str) -> String {
    let name = support::unique("tfcli");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{base}/storage/v1/b?project=test"))
            .header("content-type", "application/json")
            .body(format!("{{\"name\":\"{name}\"}}"))
            .send()
            .await
            .expect("create bucket")
            .status()
    });
    assert!(status.is_success(), "create bucket: {status}");
    name
}

/// The bytes of object `name` in `bucket`, if it exists.
fn object(base: &str, bucket: &str, name: &str) -> Option<String> {
    let url = format!(
        "{base}/storage/v1/b/{bucket}/o/{}?alt=media",
        name.replace('/', "%2F")
    );
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let resp = reqwest::get(url).await.ok()?;
        match resp.status().is_success() {
            true => resp.text().await.ok(),
            false => None,
        }
    })
}

/// A setup on a bucket of its own, the endpoint given with `-backend-config` as a team would
/// keep it out of the configuration.
fn gcs(prefix: &str) -> (Setup, String, String) {
    let base = support::fake_gcs_url();
    let b = bucket(&base);
    (gcs_via(&base, &b, prefix), base, b)
}

/// A setup on bucket `b` reached at `base`.
fn gcs_via(base: &str, b: &str, prefix: &str) -> Setup {
    Setup {
        block: format!(
            "  backend \"gcs\" {{\n    bucket = \"{b}\"\n    prefix = \"{prefix}\"\n  }}"
        ),
        init_args: vec![format!(
            "-backend-config=storage_custom_endpoint={base}/storage/v1/"
        )],
        env: Vec::new(),
        // The lock object stays until `force-unlock`, as Terraform's.
        lock_outlives_holder: true,
    }
}

#[test]
fn two_applies_at_once_on_gcs() {
    backends::two_applies_at_once(&gcs("two").0);
}

#[test]
fn kill_nine_on_gcs() {
    backends::kill_nine_at_random_points(&gcs("kill").0, 3);
}

#[test]
fn a_flaky_gcs() {
    let base = support::fake_gcs_url();
    let b = bucket(&base);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let faulty = rt.block_on(proxy::Proxy::start(&base, 20));
    let flaky = gcs_via(&faulty.url, &b, "flaky");
    let healthy = gcs_via(&base, &b, "flaky");
    backends::flaky_server(&flaky, &healthy);
    assert!(faulty.faults() > 0, "the proxy failed requests");
}

#[test]
fn states_are_where_terraform_keeps_them_on_gcs() {
    let (s, base, b) = gcs("team/net");
    let w = s.work("resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n");
    s.run(&w, &["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let state = object(&base, &b, "team/net/default.tfstate").expect("default.tfstate");
    assert!(state.contains("\"terraform_data\""), "{state}");
    assert!(
        object(&base, &b, "team/net/default.tflock").is_none(),
        "lock released"
    );
    s.run(&w, &["workspace", "new", "staging"]).expect(0);
    s.run(&w, &["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(object(&base, &b, "team/net/staging.tfstate").is_some());
    let list = s.run(&w, &["workspace", "list"]).expect(0).stdout();
    assert!(
        list.contains("default") && list.contains("* staging"),
        "{list}"
    );
}
