//! Compute and storage types against the ARM double: lifecycles of the managed disk, the
//! Linux VM (size changes in place with deallocate/resize/start when the cluster lacks the
//! size; `admin_username` forces a new VM), the data disk attachment, the storage account
//! and container; the OS disk deleted with the VM as `features` says.

mod support;

use autostack_provider_sdk::testkit::{self, Lifecycle};
use autostack_provider_sdk::Provider;
use autostack_value::Value;
use support::*;

/// A NIC in a fresh group's subnet: (group, nic).
async fn nic(p: &dyn Provider, rg: &str) -> (Value, Value) {
    let g = group(p, rg).await;
    let (_net, subnet) = network(p, rg).await;
    let nic = create(
        p,
        "azurerm_network_interface",
        vec![
            ("name", s("nic")),
            ("resource_group_name", s(rg)),
            ("location", s("westeurope")),
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
    .await;
    (g, nic)
}

fn vm_config(p: &dyn Provider, rg: &str, nic_id: &str, size: &str, user: &str) -> Value {
    config(
        p,
        "azurerm_linux_virtual_machine",
        vec![
            ("name", s("vm")),
            ("resource_group_name", s(rg)),
            ("location", s("westeurope")),
            ("size", s(size)),
            ("admin_username", s(user)),
            ("network_interface_ids", strings(&[nic_id])),
            (
                "admin_ssh_key",
                block(vec![
                    ("username", s(user)),
                    ("public_key", s("ssh-rsa AAAAB3NzaC1yc2E test")),
                ]),
            ),
            (
                "os_disk",
                block(vec![
                    ("caching", s("ReadWrite")),
                    ("storage_account_type", s("Standard_LRS")),
                ]),
            ),
            (
                "source_image_reference",
                block(vec![
                    ("publisher", s("Canonical")),
                    ("offer", s("0001-com-ubuntu-server-jammy")),
                    ("sku", s("22_04-lts")),
                    ("version", s("latest")),
                ]),
            ),
            ("tags", tags(&[("size", size)])),
        ],
    )
}

/// A provider whose group deletes take their contents along.
async fn cleaner() -> Box<dyn Provider> {
    let knob = block(vec![(
        "prevent_deletion_if_contains_resources",
        Value::bool(false),
    )]);
    let b = autostack_provider_sdk::attrs::with_attr(
        &provider_block(&arm_url()),
        "features",
        block(vec![("resource_group", knob)]),
    );
    configured(b).await.expect("configure")
}

#[tokio::test]
async fn linux_vm_lifecycle_resizes_in_place_and_replaces_on_admin_username() {
    let d = Double::start(&[]);
    let p = provider_at(&d.url).await;
    let rg = unique("rg-vm-");
    let (g, n) = nic(p.as_ref(), &rg).await;
    let nic_id = text(&n, "id");
    // Standard_D2s_v5 is outside the double's "current hardware cluster": the resize must
    // deallocate, resize and start, as azurerm does.
    lifecycle(
        p.as_ref(),
        Lifecycle::new(
            "azurerm_linux_virtual_machine",
            vm_config(p.as_ref(), &rg, &nic_id, "Standard_B1s", "adminuser"),
        )
        .update(vm_config(
            p.as_ref(),
            &rg,
            &nic_id,
            "Standard_D2s_v5",
            "adminuser",
        ))
        .replace(vm_config(
            p.as_ref(),
            &rg,
            &nic_id,
            "Standard_D2s_v5",
            "otheruser",
        )),
    )
    .await;
    assert_eq!(
        d.count("POST", "/deallocate"),
        1,
        "one deallocation for the resize"
    );
    assert_eq!(d.count("POST", "/start"), 1, "started again");
    // Every VM was deleted with its OS disk (delete_os_disk_on_deletion defaults to true).
    let disks = d.count("DELETE", "/providers/Microsoft.Compute/disks/");
    assert!(disks >= 2, "OS disks deleted: {disks}");
    destroy(p.as_ref(), "azurerm_network_interface", &n).await;
    let c = configured(autostack_provider_sdk::attrs::with_attr(
        &provider_block(&d.url),
        "features",
        block(vec![(
            "resource_group",
            block(vec![(
                "prevent_deletion_if_contains_resources",
                Value::bool(false),
            )]),
        )]),
    ))
    .await
    .expect("configure");
    destroy(c.as_ref(), "azurerm_resource_group", &g).await;
}

#[tokio::test]
async fn a_resize_within_the_cluster_needs_no_deallocation_and_the_os_disk_can_stay() {
    let d = Double::start(&[]);
    let keep_disk = block(vec![("delete_os_disk_on_deletion", Value::bool(false))]);
    let b = autostack_provider_sdk::attrs::with_attr(
        &provider_block(&d.url),
        "features",
        block(vec![("virtual_machine", keep_disk)]),
    );
    let p = configured(b).await.expect("configure");
    let rg = unique("rg-vm2-");
    let (_g, n) = nic(p.as_ref(), &rg).await;
    let nic_id = text(&n, "id");
    let vm = apply(
        p.as_ref(),
        "azurerm_linux_virtual_machine",
        None,
        &vm_config(p.as_ref(), &rg, &nic_id, "Standard_B1s", "adminuser"),
    )
    .await;
    assert!(
        text(&vm, "private_ip_address").starts_with("10.0.1."),
        "{vm:?}"
    );
    // A refresh reads each object once: the VM's addresses come from the NIC just read.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    d.clear();
    testkit::read(p.as_ref(), "azurerm_network_interface", &n)
        .await
        .expect("nic");
    let read = testkit::read(p.as_ref(), "azurerm_linux_virtual_machine", &vm)
        .await
        .expect("vm");
    assert_eq!(
        read.as_ref().map(|v| text(v, "private_ip_address")),
        Some(text(&vm, "private_ip_address"))
    );
    assert_eq!(
        d.count("GET", "/networkInterfaces/nic"),
        1,
        "the NIC read once"
    );
    let bigger = vm_config(p.as_ref(), &rg, &nic_id, "Standard_B2s", "adminuser");
    let vm = apply(
        p.as_ref(),
        "azurerm_linux_virtual_machine",
        Some(&vm),
        &bigger,
    )
    .await;
    assert_eq!(text(&vm, "size"), "Standard_B2s");
    assert_eq!(d.count("POST", "/deallocate"), 0);
    destroy(p.as_ref(), "azurerm_linux_virtual_machine", &vm).await;
    assert_eq!(
        d.count("DELETE", "/providers/Microsoft.Compute/disks/"),
        0,
        "the OS disk stays"
    );
}

#[tokio::test]
async fn managed_disk_and_attachment_lifecycles() {
    let p = provider().await;
    let rg = unique("rg-disk-");
    let (g, n) = nic(p.as_ref(), &rg).await;
    let disk = |size: i64, tier: &str, name: &str| {
        config(
            p.as_ref(),
            "azurerm_managed_disk",
            vec![
                ("name", s(name)),
                ("resource_group_name", s(&rg)),
                ("location", s("westeurope")),
                ("storage_account_type", s(tier)),
                ("create_option", s("Empty")),
                ("disk_size_gb", Value::int(size)),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_managed_disk", disk(10, "Standard_LRS", "d1"))
            .update(disk(20, "StandardSSD_LRS", "d1"))
            .replace(disk(20, "StandardSSD_LRS", "d2")),
    )
    .await;
    let vm = apply(
        p.as_ref(),
        "azurerm_linux_virtual_machine",
        None,
        &vm_config(
            p.as_ref(),
            &rg,
            &text(&n, "id"),
            "Standard_B2s",
            "adminuser",
        ),
    )
    .await;
    let data = apply(
        p.as_ref(),
        "azurerm_managed_disk",
        None,
        &disk(8, "Standard_LRS", "data"),
    )
    .await;
    let attach = |caching: &str, lun: i64| {
        config(
            p.as_ref(),
            "azurerm_virtual_machine_data_disk_attachment",
            vec![
                ("managed_disk_id", s(&text(&data, "id"))),
                ("virtual_machine_id", s(&text(&vm, "id"))),
                ("lun", Value::int(lun)),
                ("caching", s(caching)),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new(
            "azurerm_virtual_machine_data_disk_attachment",
            attach("None", 0),
        )
        .update(attach("ReadOnly", 0))
        .replace(attach("ReadOnly", 1)),
    )
    .await;
    let id = format!("{}/dataDisks/data", text(&vm, "id"));
    let err = testkit::import(
        p.as_ref(),
        "azurerm_virtual_machine_data_disk_attachment",
        "/subscriptions/x/resourceGroups/y",
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("virtualMachines"), "{err}");
    assert!(id.contains("/virtualMachines/vm/dataDisks/data"));
    destroy(cleaner().await.as_ref(), "azurerm_resource_group", &g).await;
}

#[tokio::test]
async fn storage_account_and_container_lifecycles() {
    let p = provider().await;
    let rg = unique("rg-st-");
    let g = group(p.as_ref(), &rg).await;
    let name = unique("st").chars().take(20).collect::<String>();
    let account = |replication: &str, name: &str| {
        config(
            p.as_ref(),
            "azurerm_storage_account",
            vec![
                ("name", s(name)),
                ("resource_group_name", s(&rg)),
                ("location", s("westeurope")),
                ("account_tier", s("Standard")),
                ("account_replication_type", s(replication)),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_storage_account", account("LRS", &name))
            .update(account("GRS", &name))
            .replace(account("GRS", &format!("{name}b"))),
    )
    .await;
    let acc = apply(
        p.as_ref(),
        "azurerm_storage_account",
        None,
        &account("LRS", &name),
    )
    .await;
    assert_eq!(
        text(&acc, "primary_access_key").len(),
        88,
        "a 64-byte key in base64"
    );
    assert!(text(&acc, "primary_connection_string").contains(&format!("AccountName={name};")));
    let container = |access: &str, name: &str| {
        config(
            p.as_ref(),
            "azurerm_storage_container",
            vec![
                ("name", s(name)),
                ("storage_account_id", s(&text(&acc, "id"))),
                ("container_access_type", s(access)),
            ],
        )
    };
    lifecycle(
        p.as_ref(),
        Lifecycle::new("azurerm_storage_container", container("private", "content"))
            .update(container("blob", "content"))
            .replace(container("blob", "other")),
    )
    .await;
    destroy(cleaner().await.as_ref(), "azurerm_resource_group", &g).await;
}

#[tokio::test]
async fn a_container_needs_its_account_by_id() {
    let p = provider().await;
    let by_name = config(
        p.as_ref(),
        "azurerm_storage_container",
        vec![("name", s("c")), ("storage_account_name", s("acct"))],
    );
    let req = autostack_provider_sdk::ValidateRequest::new("azurerm_storage_container", &by_name);
    let err = p.validate(req).to_string();
    assert!(err.contains("set storage_account_id"), "{err}");
    let neither = config(
        p.as_ref(),
        "azurerm_storage_container",
        vec![("name", s("c"))],
    );
    let req = autostack_provider_sdk::ValidateRequest::new("azurerm_storage_container", &neither);
    assert!(p.validate(req).to_string().contains("must be specified"));
}
