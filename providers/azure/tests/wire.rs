//! ARM's asynchronous protocol and error handling on the wire (the double's request log):
//! a create is one PUT followed by polls of its `Azure-AsyncOperation` (never a second PUT),
//! a delete is followed until the object answers 404, a failed operation is an error that
//! keeps the object (tainted) in state, and throttling and server errors are retried.

mod support;

use autostack_provider_sdk::testkit;
use autostack_value::Value;
use support::*;

fn vnet_config(p: &dyn autostack_provider_sdk::Provider, rg: &str) -> Value {
    config(
        p,
        "azurerm_virtual_network",
        vec![
            ("name", s("slow")),
            ("resource_group_name", s(rg)),
            ("location", s("westeurope")),
            ("address_space", strings(&["10.9.0.0/16"])),
        ],
    )
}

#[tokio::test]
async fn creates_poll_the_operation_and_deletes_poll_until_gone() {
    let d = Double::start(&["--async-polls", "3", "--retry-after", "0"]);
    let p = provider_at(&d.url).await;
    let rg = unique("rg-lro-");
    group(p.as_ref(), &rg).await;
    d.clear();
    let started = std::time::Instant::now();
    let v = apply(
        p.as_ref(),
        "azurerm_virtual_network",
        None,
        &vnet_config(p.as_ref(), &rg),
    )
    .await;
    assert_eq!(
        d.count("PUT", "/virtualNetworks/slow"),
        1,
        "one PUT, never re-sent"
    );
    let polls = d.count("GET", "/operations/") + d.count("GET", "/virtualNetworks/slow?");
    assert!(
        polls >= 3,
        "the operation was polled to the end ({polls} polls)"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "waits start at ~100 ms: {:?}",
        started.elapsed()
    );
    assert_eq!(text(&v, "name"), "slow");
    d.clear();
    destroy(p.as_ref(), "azurerm_virtual_network", &v).await;
    assert_eq!(d.count("DELETE", "/virtualNetworks/slow"), 1);
    let last = d
        .lines()
        .into_iter()
        .rev()
        .find(|l| l.contains("/virtualNetworks/slow"));
    assert!(
        last.is_some_and(|l| l.starts_with("GET") && l.ends_with("404")),
        "the delete waited for 404"
    );
}

#[tokio::test]
async fn a_failed_operation_is_an_error_and_the_object_is_kept() {
    let d = Double::start(&[]);
    let p = provider_at(&d.url).await;
    let rg = unique("rg-fail-");
    group(p.as_ref(), &rg).await;
    let fail = r#"{"code":"InternalOperationError","message":"The operation failed in the double.","httpStatus":500}"#;
    let (status, _) = http(
        &d.url,
        "POST",
        "/_double/fail-next",
        &[("Content-Type", "application/json")],
        fail,
    );
    assert!(status < 300, "{status}");
    let cfg = vnet_config(p.as_ref(), &rg);
    let plan = testkit::plan(p.as_ref(), "azurerm_virtual_network", None, &cfg)
        .await
        .expect("plan");
    let err = testkit::apply(
        p.as_ref(),
        "azurerm_virtual_network",
        None,
        Some(&plan.planned),
    )
    .await
    .unwrap_err();
    assert!(
        err.diags.to_string().contains("InternalOperationError"),
        "{}",
        err.diags
    );
    let partial = err
        .partial
        .expect("the object ARM made is kept for the state");
    assert!(text(&partial, "id").ends_with("/virtualNetworks/slow"));
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried() {
    let d = Double::start(&["--fault-rate", "0.3", "--seed", "3"]);
    let p = provider_at(&d.url).await;
    let rg = unique("rg-faults-");
    let g = group(p.as_ref(), &rg).await;
    let mut ips = Vec::new();
    for i in 0..5 {
        let pairs = vec![
            ("name", s(&format!("ip{i}"))),
            ("resource_group_name", s(&rg)),
            ("location", s("westeurope")),
            ("allocation_method", s("Static")),
        ];
        ips.push(create(p.as_ref(), "azurerm_public_ip", pairs).await);
    }
    let read = testkit::read_many(p.as_ref(), "azurerm_public_ip", &ips).await;
    assert!(read.iter().all(|r| matches!(r, Ok(Some(_)))), "{read:?}");
    for ip in &ips {
        destroy(p.as_ref(), "azurerm_public_ip", ip).await;
    }
    destroy(p.as_ref(), "azurerm_resource_group", &g).await;
    let faults = d
        .lines()
        .iter()
        .filter(|l| l.ends_with(" 429") || l.ends_with(" 500") || l.ends_with(" 503"))
        .count();
    assert!(faults > 3, "faults were injected and survived: {faults}");
    assert_eq!(stored(&d.url), (0, 0));
}
