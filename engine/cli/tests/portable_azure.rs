//! `examples/portable-web` on Azure through the real binary against the ARM double: every
//! portable type applied (the same configuration as on AWS, only the provider block swapped
//! to azurerm), shown with its concrete objects, refreshed to a no-op plan, changed in place
//! (tags, blob versioning), and destroyed with the double left empty.
#![cfg(feature = "azure")]

mod common;
#[path = "../../../providers/azure/tests/support/mod.rs"]
mod support;

#[path = "portable_support/azure.rs"]
mod portable_support;

use portable_support::{Stack, COMPUTE_API, NETWORK_API};

#[test]
fn every_portable_type_applies_changes_and_destroys_on_azure() {
    let st = Stack::new();
    st.run(&["init"], &[]).expect(0);
    let plan = st.run(&["plan"], &[]).expect(0).stdout();
    assert!(
        plan.contains("Plan: 6 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
    let out = st.run(&["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(
        out.contains("Apply complete! Resources: 6 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    // The network's group holds the VNet, subnet, NSG, NIC, public IP and VM, in the region
    // ARM_LOCATION names.
    let net = "portable-web-net/providers/Microsoft.Network";
    let vnet = st.get(
        &format!("{net}/virtualNetworks/portable-web-net"),
        NETWORK_API,
    );
    assert_eq!(vnet["location"], "westeurope");
    assert_eq!(
        vnet["properties"]["addressSpace"]["addressPrefixes"][0],
        "10.40.0.0/16"
    );
    let nsg = st.get(
        &format!("{net}/networkSecurityGroups/portable-web-web"),
        NETWORK_API,
    );
    let rule = &nsg["properties"]["securityRules"][0]["properties"];
    assert_eq!(rule["direction"], "Inbound", "{nsg}");
    assert_eq!(
        rule["destinationPortRanges"].as_array().map(Vec::len),
        Some(3)
    );
    let vm = st.get(
        "portable-web-net/providers/Microsoft.Compute/virtualMachines/portable-web-web",
        COMPUTE_API,
    );
    let props = &vm["properties"];
    assert_eq!(
        props["storageProfile"]["imageReference"]["offer"],
        "0001-com-ubuntu-server-jammy"
    );
    assert_eq!(props["storageProfile"]["dataDisks"][0]["lun"], 0, "{vm}");
    assert_eq!(props["osProfile"]["adminUsername"], "portable");
    // The firewall's group is applied to the VM's interface.
    let nic = st.get(
        &format!("{net}/networkInterfaces/portable-web-web-nic"),
        NETWORK_API,
    );
    let applied = nic["properties"]["networkSecurityGroup"]["id"]
        .as_str()
        .unwrap_or_default();
    assert!(
        applied.ends_with("/networkSecurityGroups/portable-web-web"),
        "{nic}"
    );
    // The bucket: an account of its name's letters, versioned, and its container.
    let account = st.get(
        "portable-web-assets-rg/providers/Microsoft.Storage/storageAccounts/portablewebassets/blobServices/default",
        "2023-05-01",
    );
    assert_eq!(account["properties"]["isVersioningEnabled"], true);

    let outputs = st.outputs();
    assert_eq!(outputs["cloud"]["value"], "azure");
    let size = outputs["instance_type"]["value"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(props["hardwareProfile"]["vmSize"], size);
    assert!(
        outputs["public_ip"]["value"]
            .as_str()
            .is_some_and(|ip| !ip.is_empty()),
        "{outputs}"
    );
    // The container's URL under the account's blob endpoint (Azure's, or the emulator's
    // that the double was given).
    let blob = st.get(
        "portable-web-assets-rg/providers/Microsoft.Storage/storageAccounts/portablewebassets",
        "2023-05-01",
    )["properties"]["primaryEndpoints"]["blob"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let url = outputs["bucket_url"]["value"].as_str().unwrap_or_default();
    assert_eq!(url, format!("{blob}portable-web-assets"));
    let state = st.work.state();
    let vm_state = (state["resources"].as_array().unwrap().iter())
        .find(|r| r["type"] == "portable_instance")
        .unwrap();
    assert_eq!(
        vm_state["provider"],
        "provider[\"registry.terraform.io/hashicorp/azurerm\"]"
    );
    let shown = st
        .run(&["state", "show", "portable_instance.web"], &[])
        .expect(0)
        .stdout();
    for want in [
        "azurerm_linux_virtual_machine",
        "azurerm_network_interface",
        "azurerm_public_ip",
        "= \"azure\"",
        "= \"westeurope\"",
    ] {
        assert!(shown.contains(want), "{want}:\n{shown}");
    }
    let again = st
        .run(&["plan", "-detailed-exitcode"], &[])
        .expect(0)
        .stdout();
    assert!(again.contains("No changes."), "{again}");

    // A new tag on the network reaches its group and VNet in place.
    st.edit_main(&[
        (
            "tags       = { project = var.name }",
            "tags       = { project = var.name, env = \"prod\" }",
        ),
        ("versioning    = true", "versioning    = false"),
    ]);
    let out = st.run(&["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(
        out.contains("Apply complete! Resources: 0 added, 2 changed, 0 destroyed."),
        "{out}"
    );
    let vnet = st.get(
        &format!("{net}/virtualNetworks/portable-web-net"),
        NETWORK_API,
    );
    assert_eq!(vnet["tags"]["env"], "prod", "{vnet}");
    let account = st.get(
        "portable-web-assets-rg/providers/Microsoft.Storage/storageAccounts/portablewebassets/blobServices/default",
        "2023-05-01",
    );
    assert_eq!(account["properties"]["isVersioningEnabled"], false);
    let again = st
        .run(&["plan", "-detailed-exitcode"], &[])
        .expect(0)
        .stdout();
    assert!(again.contains("No changes."), "{again}");

    let gone = st
        .run(&["destroy", "-auto-approve"], &[])
        .expect(0)
        .stdout();
    assert!(
        gone.contains("Destroy complete! Resources: 6 destroyed."),
        "{gone}"
    );
    assert_eq!(
        support::stored(&st.double.url),
        (0, 0),
        "the double holds nothing"
    );
}
