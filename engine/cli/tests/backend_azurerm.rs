//! The azurerm backend through the binary, against Azurite: the safety scenarios of every
//! backend (two applies at once, `kill -9` at random points, a server failing one request in
//! five) and Terraform's blob layout (`KEY`, `KEYenv:WORKSPACE`) with the lease lock.
#![cfg(feature = "azurerm")]

mod backends;
mod common;
#[allow(dead_code)]
#[path = "../../../providers/aws/tests/support/proxy.rs"]
mod proxy;
#[path = "../../../state/tests/support/mod.rs"]
mod support;

use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::prelude::{ClientBuilder, ContainerClient};
use backends::Setup;

/// Azurite's well-known development account key.
const KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn client(url: &str, container: &str) -> ContainerClient {
    ClientBuilder::new(
        "devstoreaccount1",
        StorageCredentials::access_key("devstoreaccount1", KEY),
    )
    .cloud_location(CloudLocation::Custom {
        account: "devstoreaccount1".into(),
        uri: url.into(),
    })
    .container_client(container)
}

/// A new container on Azurite (Terraform's backend expects it to exist, as here).
fn container(url: &str) -> String {
    let name = support::unique("tfcli");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async { client(url, &name).create().await })
        .expect("create container");
    name
}

/// The content of blob `name`, if it exists.
fn blob(url: &str, container: &str, name: &str) -> Option<Vec<u8>> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async { client(url, container).blob_client(name).get_content().await })
        .ok()
}

/// A setup on `container`, the account's blob endpoint `endpoint` and key given with
/// `-backend-config`, as a team keeps secrets out of the configuration.
fn azurerm_via(endpoint: &str, container: &str, key: &str) -> Setup {
    Setup {
        block: format!(
            "  backend \"azurerm\" {{\n    storage_account_name = \"devstoreaccount1\"\n    container_name       = \"{container}\"\n    key                  = \"{key}\"\n  }}"
        ),
        init_args: vec![
            format!("-backend-config=endpoint={endpoint}"),
            format!("-backend-config=access_key={KEY}"),
        ],
        env: Vec::new(),
        // A lease is infinite, as Terraform takes it: it stays until `force-unlock`.
        lock_outlives_holder: true,
    }
}

fn azurerm(key: &str) -> Setup {
    let url = support::azurite_url();
    azurerm_via(&url, &container(&url), key)
}

#[test]
fn two_applies_at_once_on_azurerm() {
    backends::two_applies_at_once(&azurerm("two.tfstate"));
}

#[test]
fn kill_nine_on_azurerm() {
    backends::kill_nine_at_random_points(&azurerm("kill.tfstate"), 3);
}

#[test]
fn a_flaky_azurite() {
    let url = support::azurite_url();
    let c = container(&url);
    let (host, account) = url
        .trim_start_matches("http://")
        .split_once('/')
        .expect("azurite url has the account path");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let faulty = rt.block_on(proxy::Proxy::start(&format!("http://{host}"), 20));
    let flaky = azurerm_via(&format!("{}/{account}", faulty.url), &c, "flaky.tfstate");
    let healthy = azurerm_via(&url, &c, "flaky.tfstate");
    backends::flaky_server(&flaky, &healthy);
    assert!(faulty.faults() > 0, "the proxy failed requests");
}

#[test]
fn states_are_the_blobs_terraform_names_on_azurerm() {
    let url = support::azurite_url();
    let c = container(&url);
    let s = azurerm_via(&url, &c, "team/net.tfstate");
    let w = s.work("resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n");
    s.run(&w, &["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let state = blob(&url, &c, "team/net.tfstate").expect("the default workspace's blob");
    let text = String::from_utf8_lossy(&state);
    assert!(text.contains("\"terraform_data\""), "{text}");
    s.run(&w, &["workspace", "new", "staging"]).expect(0);
    s.run(&w, &["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(blob(&url, &c, "team/net.tfstateenv:staging").is_some());
    let list = s.run(&w, &["workspace", "list"]).expect(0).stdout();
    assert!(
        list.contains("default") && list.contains("* staging"),
        "{list}"
    );
}
