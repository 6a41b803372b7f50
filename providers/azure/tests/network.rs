//! Network resource types against the ARM double: the SDK's lifecycle test for each (create,
//! read back, no-op plan, in-place update, replacement, import, delete), and refresh batched
//! per collection (counted on the wire).

mod support;

use autostack_provider_sdk::testkit::{self, Lifecycle};
use autostack_value::Value;
use support::*;

#[tokio::test]
async fn resource_group_lifecycle() {
    let p = provider().await;
    let cfg = |name: &str, loc: &str, env: &str| {
        config(
            p.as_ref(),
            "azurerm_resource_group",
            vec![
                ("name", s(name)),
                ("location", s(loc)),
                ("tags", tags(&[("env", env)])),
            ],
        )
    };
    let name = unique("rg-life-");
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_resource_group", cfg(&name, "West Europe", "dev"))
            .update(cfg(&name, "westeurope", "prod"))
            .replace(cfg(&name, "northeurope", "prod")),
    )
    .await;
}

#[tokio::test]
async fn virtual_network_and_subnet_lifecycles() {
    let p = provider().await;
    let rg = unique("rg-net-");
    let g = group(p.as_ref(), &rg).await;
    let vnet = |space: &str, env: &str| {
        config(
            p.as_ref(),
            "azurerm_virtual_network",
            vec![
                ("name", s("vnet")),
                ("resource_group_name", s(&rg)),
                ("location", s("westeurope")),
                ("address_space", strings(&[space])),
                ("tags", tags(&[("env", env)])),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_virtual_network", vnet("10.1.0.0/16", "a"))
            .update(vnet("10.1.0.0/16", "b"))
            .replace({
                let mut c = vnet("10.1.0.0/16", "b");
                c = autostack_provider_sdk::attrs::with_attr(&c, "location", s("northeurope"));
                c
            }),
    )
    .await;
    let (_net, _subnet) = network(p.as_ref(), &rg).await;
    let subnet = |prefix: &str, name: &str| {
        config(
            p.as_ref(),
            "azurerm_subnet",
            vec![
                ("name", s(name)),
                ("resource_group_name", s(&rg)),
                ("virtual_network_name", s("net")),
                ("address_prefixes", strings(&[prefix])),
            ],
        )
    };
    // address_prefixes changes in place in azurerm 4.x; the name forces a new subnet.
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_subnet", subnet("10.0.2.0/24", "a"))
            .update(subnet("10.0.3.0/24", "a"))
            .replace(subnet("10.0.3.0/24", "b")),
    )
    .await;
    let mut rg_off = g.clone();
    rg_off = autostack_provider_sdk::attrs::with_attr(
        &rg_off,
        "id",
        g.as_entries().unwrap()["id"].clone(),
    );
    let cleanup = provider_without_rg_guard().await;
    destroy(cleanup.as_ref(), "azurerm_resource_group", &rg_off).await;
}

#[tokio::test]
async fn route_table_lifecycle() {
    let p = provider().await;
    let rg = unique("rg-rt-");
    let g = group(p.as_ref(), &rg).await;
    let table = |name: &str, hop: &str, env: &str| {
        let route = Value::object_from([
            ("name", s("out")),
            ("address_prefix", s("0.0.0.0/0")),
            ("next_hop_type", s(hop)),
        ]);
        config(
            p.as_ref(),
            "azurerm_route_table",
            vec![
                ("name", s(name)),
                ("resource_group_name", s(&rg)),
                ("location", s("westeurope")),
                ("route", Value::tuple(vec![route])),
                ("tags", tags(&[("env", env)])),
            ],
        )
    };
    // Routes and tags change in place; the name forces a new table.
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_route_table", table("rt", "Internet", "a"))
            .update(table("rt", "None", "b"))
            .replace(table("rt2", "None", "b")),
    )
    .await;
    let cleanup = provider_without_rg_guard().await;
    destroy(cleanup.as_ref(), "azurerm_resource_group", &g).await;
}

/// A provider whose resource group deletes take what is inside with them.
async fn provider_without_rg_guard() -> Box<dyn autostack_provider_sdk::Provider> {
    let mut b = provider_block(&arm_url());
    let knob = block(vec![(
        "prevent_deletion_if_contains_resources",
        Value::bool(false),
    )]);
    b = autostack_provider_sdk::attrs::with_attr(
        &b,
        "features",
        block(vec![("resource_group", knob)]),
    );
    configured(b).await.expect("configure")
}

#[tokio::test]
async fn security_group_rule_public_ip_and_nic_lifecycles() {
    let p = provider().await;
    let rg = unique("rg-sec-");
    let g = group(p.as_ref(), &rg).await;
    let rule = |port: &str| {
        block(vec![
            ("name", s("ssh")),
            ("priority", Value::int(100)),
            ("direction", s("Inbound")),
            ("access", s("Allow")),
            ("protocol", s("Tcp")),
            ("source_port_range", s("*")),
            ("destination_port_range", s(port)),
            ("source_address_prefix", s("*")),
            ("destination_address_prefix", s("*")),
        ])
    };
    let nsg = |port: &str, name: &str| {
        config(
            p.as_ref(),
            "azurerm_network_security_group",
            vec![
                ("name", s(name)),
                ("resource_group_name", s(&rg)),
                ("location", s("westeurope")),
                ("security_rule", rule(port)),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_network_security_group", nsg("22", "nsg-a"))
            .update(nsg("2222", "nsg-a"))
            .replace(nsg("2222", "nsg-b")),
    )
    .await;
    let holder = create(
        p.as_ref(),
        "azurerm_network_security_group",
        vec![
            ("name", s("holder")),
            ("resource_group_name", s(&rg)),
            ("location", s("westeurope")),
        ],
    )
    .await;
    let standalone = |priority: i64, name: &str| {
        config(
            p.as_ref(),
            "azurerm_network_security_rule",
            vec![
                ("name", s(name)),
                ("resource_group_name", s(&rg)),
                ("network_security_group_name", s("holder")),
                ("priority", Value::int(priority)),
                ("direction", s("Inbound")),
                ("access", s("Allow")),
                ("protocol", s("Tcp")),
                ("source_port_range", s("*")),
                ("destination_port_ranges", strings(&["80", "443"])),
                ("source_address_prefix", s("Internet")),
                ("destination_address_prefix", s("*")),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_network_security_rule", standalone(200, "web"))
            .update(standalone(210, "web"))
            .replace(standalone(210, "web2")),
    )
    .await;
    destroy(p.as_ref(), "azurerm_network_security_group", &holder).await;
    let pip = |timeout: i64, name: &str| {
        config(
            p.as_ref(),
            "azurerm_public_ip",
            vec![
                ("name", s(name)),
                ("resource_group_name", s(&rg)),
                ("location", s("westeurope")),
                ("allocation_method", s("Static")),
                ("idle_timeout_in_minutes", Value::int(timeout)),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_public_ip", pip(4, "pip-a"))
            .update(pip(10, "pip-a"))
            .replace(pip(10, "pip-b")),
    )
    .await;
    let (_net, subnet) = network(p.as_ref(), &rg).await;
    let nic = |forwarding: bool, name: &str| {
        config(
            p.as_ref(),
            "azurerm_network_interface",
            vec![
                ("name", s(name)),
                ("resource_group_name", s(&rg)),
                ("location", s("westeurope")),
                ("ip_forwarding_enabled", Value::bool(forwarding)),
                (
                    "ip_configuration",
                    block(vec![
                        ("name", s("internal")),
                        ("subnet_id", s(&text(&subnet, "id"))),
                        ("private_ip_address_allocation", s("Dynamic")),
                    ]),
                ),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_network_interface", nic(false, "nic-a"))
            .update(nic(true, "nic-a"))
            .replace(nic(true, "nic-b")),
    )
    .await;
    let cleanup = provider_without_rg_guard().await;
    destroy(cleanup.as_ref(), "azurerm_resource_group", &g).await;
}

#[tokio::test]
async fn refresh_lists_each_collection_once() {
    let d = Double::start(&[]);
    let p = provider_at(&d.url).await;
    let rg = unique("rg-batch-");
    group(p.as_ref(), &rg).await;
    let mut ips = Vec::new();
    for i in 0..7 {
        let name = format!("pip{i}");
        ips.push(
            create(
                p.as_ref(),
                "azurerm_public_ip",
                vec![
                    ("name", s(&name)),
                    ("resource_group_name", s(&rg)),
                    ("location", s("westeurope")),
                    ("allocation_method", s("Static")),
                ],
            )
            .await,
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    d.clear();
    let read = testkit::read_many(p.as_ref(), "azurerm_public_ip", &ips).await;
    assert!(read.iter().all(|r| matches!(r, Ok(Some(_)))), "{read:?}");
    // Seven objects of one group: one list call, paged by the double at 3 a page.
    assert_eq!(
        d.count("GET", "/publicIPAddresses/pip"),
        0,
        "no GET per object"
    );
    assert_eq!(
        d.count("GET", "/providers/Microsoft.Network/publicIPAddresses?"),
        3
    );
    assert_eq!(
        d.count("GET", "skiptoken"),
        2,
        "one list, its two further pages followed"
    );
    // One gone: read as None, the others still found.
    testkit::apply(p.as_ref(), "azurerm_public_ip", Some(&ips[3]), None)
        .await
        .expect("delete");
    let read = testkit::read_many(p.as_ref(), "azurerm_public_ip", &ips).await;
    assert!(matches!(read[3], Ok(None)), "{:?}", read[3]);
    assert_eq!(read.iter().filter(|r| matches!(r, Ok(Some(_)))).count(), 6);
}
