//! Placement and firewalls of a portable instance on Azure, through the real binary against
//! the ARM double: an instance in a subnet with `zone_index = 1` runs in zone "2" (so does its
//! public IP); with two firewalls its interface gets a network security group of its own
//! holding both firewalls' rules (AWS security groups' union), which a no-op plan leaves
//! alone, a change of one firewall's ingress reaches in the same apply, going back to one
//! firewall removes, and destroy deletes.
#![cfg(feature = "azure")]

mod common;
#[path = "../../../providers/azure/tests/support/mod.rs"]
mod support;

#[path = "portable_support/azure.rs"]
mod portable_support;

use portable_support::{Stack, COMPUTE_API, GROUP, NETWORK_API};

const NET: &str = "portable-web-net/providers/Microsoft.Network";

/// A second firewall beside the example's `web` one.
const ADMIN: &str = "resource \"portable_firewall\" \"admin\" {\n  name       = \"${var.name}-admin\"\n  network_id = portable_network.main.id\n\n  ingress {\n    protocol    = \"tcp\"\n    ports       = [8080]\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }\n}\n\nresource \"portable_instance\" \"web\" {";

/// The rules of the network security group `name`: (name, priority, ports, sources), by
/// priority.
fn rules(st: &Stack, name: &str) -> Vec<(String, i64, Vec<String>, Vec<String>)> {
    let nsg = st.get(&format!("{NET}/networkSecurityGroups/{name}"), NETWORK_API);
    let strings = |v: &serde_json::Value| -> Vec<String> {
        let mut out: Vec<String> = (v.as_array().into_iter().flatten())
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
        out.sort();
        out
    };
    let mut out: Vec<_> = (nsg["properties"]["securityRules"].as_array())
        .expect("securityRules")
        .iter()
        .map(|r| {
            let p = &r["properties"];
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                p["priority"].as_i64().unwrap_or_default(),
                strings(&p["destinationPortRanges"]),
                strings(&p["sourceAddressPrefixes"]),
            )
        })
        .collect();
    out.sort_by_key(|r| r.1);
    out
}

/// The network security group applied to the VM's interface.
fn nic_group(st: &Stack) -> String {
    let nic = st.get(
        &format!("{NET}/networkInterfaces/portable-web-web-nic"),
        NETWORK_API,
    );
    let id = nic["properties"]["networkSecurityGroup"]["id"].as_str();
    id.unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn no_changes(st: &Stack) {
    let again = st
        .run(&["plan", "-detailed-exitcode"], &[])
        .expect(0)
        .stdout();
    assert!(again.contains("No changes."), "{again}");
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The VM's `vmId` (a new one when it is replaced).
fn vm_id(st: &Stack) -> String {
    let vm = st.get(
        "portable-web-net/providers/Microsoft.Compute/virtualMachines/portable-web-web",
        COMPUTE_API,
    );
    vm["properties"]["vmId"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// zone_index 1 is Azure zone "2": the VM and its public IP are zonal there.
fn zonal_in_zone_2(st: &Stack) {
    let vm = st.get(
        "portable-web-net/providers/Microsoft.Compute/virtualMachines/portable-web-web",
        COMPUTE_API,
    );
    assert_eq!(vm["zones"], serde_json::json!(["2"]), "{vm}");
    let ip = st.get(
        &format!("{NET}/publicIPAddresses/portable-web-web-ip"),
        NETWORK_API,
    );
    assert_eq!(ip["zones"], serde_json::json!(["2"]), "{ip}");
    let shown = st
        .run(&["state", "show", "portable_instance.web"], &[])
        .expect(0)
        .stdout();
    assert!(
        shown.contains("zone") && shown.contains("= \"2\""),
        "{shown}"
    );
    assert_eq!(st.outputs()["cloud"]["value"], "azure");
}

/// The interface's group is the instance's own, with both firewalls' rules.
fn behind_both_firewalls(st: &Stack) {
    assert_eq!(nic_group(st), "portable-web-web-firewalls");
    let union = rules(st, "portable-web-web-firewalls");
    assert_eq!(
        union,
        vec![
            (
                "portable-web-admin-ingress-0".to_string(),
                100,
                strings(&["8080"]),
                strings(&["10.0.0.0/8"])
            ),
            (
                "portable-web-web-ingress-0".to_string(),
                101,
                strings(&["22", "443", "80"]),
                strings(&["0.0.0.0/0"])
            ),
        ]
    );
}

#[test]
fn an_azure_instance_runs_in_its_subnets_zone_behind_the_union_of_its_firewalls() {
    let st = Stack::new();
    st.edit_main(&[
        ("zone_index = 0", "zone_index = 1"),
        ("resource \"portable_instance\" \"web\" {", ADMIN),
        (
            "firewall_ids   = [portable_firewall.web.id]",
            "firewall_ids   = [portable_firewall.web.id, portable_firewall.admin.id]",
        ),
    ]);
    st.run(&["init"], &[]).expect(0);
    let out = st.run(&["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(
        out.contains("Apply complete! Resources: 7 added, 0 changed, 0 destroyed."),
        "{out}"
    );

    zonal_in_zone_2(&st);
    behind_both_firewalls(&st);
    no_changes(&st);

    // One firewall's new ingress reaches the instance's group in the same apply (and the
    // instance's update leaves its VM where it is).
    let before = vm_id(&st);
    st.edit_main(&[("ports       = [8080]", "ports       = [8081, 9090]")]);
    let plan = st.run(&["plan"], &[]).expect(0).stdout();
    assert!(
        plan.contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{plan}"
    );
    let out = st.run(&["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(
        out.contains("Apply complete! Resources: 0 added, 2 changed, 0 destroyed."),
        "{out}"
    );
    let union = rules(&st, "portable-web-web-firewalls");
    assert_eq!(union[0].2, strings(&["8081", "9090"]), "{union:?}");
    assert_eq!(union[1].0, "portable-web-web-ingress-0");
    assert_eq!(vm_id(&st), before, "the VM was not replaced");
    no_changes(&st);

    // Back to one firewall: its own group is applied and the instance's is deleted.
    st.edit_main(&[(
        "firewall_ids   = [portable_firewall.web.id, portable_firewall.admin.id]",
        "firewall_ids   = [portable_firewall.web.id]",
    )]);
    let out = st.run(&["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(
        out.contains("Apply complete! Resources: 0 added, 1 changed, 0 destroyed."),
        "{out}"
    );
    assert_eq!(nic_group(&st), "portable-web-web");
    let (status, _) = support::arm(
        &st.double.url,
        "GET",
        &format!("{GROUP}/{NET}/networkSecurityGroups/portable-web-web-firewalls?api-version={NETWORK_API}"),
        "",
    );
    assert_eq!(status, 404);
    no_changes(&st);

    let gone = st
        .run(&["destroy", "-auto-approve"], &[])
        .expect(0)
        .stdout();
    assert!(
        gone.contains("Destroy complete! Resources: 7 destroyed."),
        "{gone}"
    );
    assert_eq!(
        support::stored(&st.double.url),
        (0, 0),
        "the double holds nothing"
    );
}
