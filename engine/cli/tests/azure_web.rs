//! `examples/azure-web` end to end through the real binary against the ARM double: apply,
//! no-op plan, in-place updates (tags, VM size, a subnet's prefixes), a replacement (the
//! VM's `admin_username`), drift shown by `plan -refresh-only`, `state rm` + `import`, and a
//! destroy that leaves the double empty; then the same stack with 20% of calls failing.
#![cfg(feature = "azure")]

mod common;
#[path = "../../../providers/azure/tests/support/mod.rs"]
mod support;

use common::{Run, Work};
use std::path::Path;
use support::Double;

/// The example copied into a fresh directory, and the double it runs against.
struct Stack {
    work: Work,
    double: Double,
}

impl Stack {
    fn new(double_args: &[&str]) -> Stack {
        let work = Work::new(&[]);
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/azure-web");
        for entry in std::fs::read_dir(&src).expect("example dir") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, work.path().join(path.file_name().expect("name"))).expect("copy");
        }
        Stack {
            work,
            double: Double::start(double_args),
        }
    }

    /// Runs autostack with the `ARM_*` variables pointing at the double.
    fn run(&self, args: &[&str], vars: &[&str]) -> Run {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        if !matches!(
            args.first(),
            Some(&"init") | Some(&"state") | Some(&"output")
        ) {
            all.push("-no-color".into());
            all.extend(vars.iter().map(|v| format!("-var={v}")));
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        self.work.run_env(
            &all,
            &[
                ("ARM_METADATA_HOSTNAME", &self.double.url),
                ("ARM_SUBSCRIPTION_ID", support::SUBSCRIPTION),
                ("ARM_TENANT_ID", support::TENANT),
                ("ARM_CLIENT_ID", support::CLIENT_ID),
                ("ARM_CLIENT_SECRET", support::CLIENT_SECRET),
            ],
        )
    }

    fn output(&self, name: &str) -> serde_json::Value {
        let out = self.run(&["output", "-json"], &[]).expect(0).stdout();
        let doc: serde_json::Value = serde_json::from_str(&out).expect("output -json");
        doc[name]["value"].clone()
    }

    fn no_changes(&self, vars: &[&str]) {
        let r = self.run(&["plan", "-detailed-exitcode"], vars);
        assert_eq!(
            r.code(),
            0,
            "expected no changes:\n{}\n{}",
            r.stdout(),
            r.stderr()
        );
    }
}

const RG: &str = "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azweb-rg";

#[test]
fn azure_web_apply_change_replace_drift_import_destroy() {
    let st = Stack::new(&[]);
    st.run(&["init"], &[]).expect(0);
    let out = st.run(&["apply", "-auto-approve"], &[]).expect(0).stdout();
    assert!(
        out.contains("Apply complete! Resources: 14 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    assert!(st
        .output("vm_private_ip")
        .as_str()
        .is_some_and(|ip| ip.starts_with("10.30.1.")));
    assert!(st
        .output("public_ip")
        .as_str()
        .is_some_and(|ip| !ip.is_empty()));
    assert_eq!(st.output("tenant_id"), support::TENANT);
    st.no_changes(&[]);

    // Tags and the VM size change in place; the VM keeps its ID.
    let vm_id = st.output("vm_id");
    let vars = [
        "vm_size=Standard_D2s_v5",
        "env_tag=prod",
        "data_prefix=10.30.4.0/24",
    ];
    let out = st
        .run(&["apply", "-auto-approve"], &vars)
        .expect(0)
        .stdout();
    assert!(
        out.contains("# azurerm_linux_virtual_machine.web will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("# azurerm_subnet.data will be updated in-place"),
        "{out}"
    );
    assert!(
        out.contains("Resources: 0 added, 9 changed, 0 destroyed."),
        "{out}"
    );
    assert_eq!(st.output("vm_id"), vm_id);
    st.no_changes(&vars);

    // A new admin user name replaces the VM (and its disk attachment with it).
    let mut vars = vars.to_vec();
    vars.push("admin_username=opsuser");
    let out = st
        .run(&["apply", "-auto-approve"], &vars)
        .expect(0)
        .stdout();
    assert!(
        out.contains("# azurerm_linux_virtual_machine.web must be replaced"),
        "{out}"
    );
    assert!(out.contains("# forces replacement"), "{out}");
    st.no_changes(&vars);

    // Drift: tags changed and a rule deleted out of band.
    let (status, _) = support::arm(
        &st.double.url,
        "PATCH",
        &format!("{RG}?api-version=2021-04-01"),
        r#"{"tags":{"Project":"hand-edited"}}"#,
    );
    assert_eq!(status, 200);
    let rule = format!("{RG}/providers/Microsoft.Network/networkSecurityGroups/azweb-web-nsg/securityRules/http?api-version=2024-03-01");
    let (status, _) = support::arm(&st.double.url, "DELETE", &rule, "");
    assert!(status == 202 || status == 200, "{status}");
    // The delete is asynchronous: polling the rule moves it on until it is gone.
    let gone = (0..20).any(|_| support::arm(&st.double.url, "GET", &rule, "").0 == 404);
    assert!(gone, "the rule was deleted out of band");
    let out = st.run(&["plan", "-refresh-only"], &vars).expect(0).stdout();
    assert!(
        out.contains("# azurerm_resource_group.main has changed"),
        "{out}"
    );
    assert!(
        out.contains("# azurerm_network_security_rule.http has been deleted"),
        "{out}"
    );
    let out = st
        .run(&["apply", "-auto-approve"], &vars)
        .expect(0)
        .stdout();
    assert!(
        out.contains("# azurerm_network_security_rule.http will be created"),
        "{out}"
    );
    st.no_changes(&vars);

    // state rm + import: the same objects, and nothing to change.
    let account = format!("{RG}/providers/Microsoft.Storage/storageAccounts/azwebassets");
    let vnet = format!("{RG}/providers/Microsoft.Network/virtualNetworks/azweb-vnet");
    st.run(
        &[
            "state",
            "rm",
            "azurerm_storage_account.assets",
            "azurerm_virtual_network.main",
        ],
        &[],
    )
    .expect(0);
    st.run(
        &["import", "azurerm_storage_account.assets", &account],
        &vars,
    )
    .expect(0);
    st.run(&["import", "azurerm_virtual_network.main", &vnet], &vars)
        .expect(0);
    st.no_changes(&vars);
    let bad = st.run(
        &[
            "import",
            "azurerm_virtual_network.other",
            "/subscriptions/x/resourceGroups/y",
        ],
        &vars,
    );
    assert_eq!(bad.code(), 1, "{}", bad.stdout());

    let out = st
        .run(&["destroy", "-auto-approve"], &vars)
        .expect(0)
        .stdout();
    assert!(
        out.contains("Destroy complete! Resources: 14 destroyed."),
        "{out}"
    );
    assert_eq!(
        support::stored(&st.double.url),
        (0, 0),
        "the double holds nothing"
    );
}

#[test]
fn azure_web_converges_with_a_fifth_of_calls_failing() {
    let st = Stack::new(&["--fault-rate", "0.2", "--seed", "7"]);
    st.run(&["init"], &[]).expect(0);
    let r = st.run(&["apply", "-auto-approve"], &[]);
    assert_eq!(r.code(), 0, "{}\n{}", r.stdout(), r.stderr());
    st.no_changes(&[]);
    st.run(&["destroy", "-auto-approve"], &[]).expect(0);
    assert_eq!(
        support::stored(&st.double.url),
        (0, 0),
        "the double holds nothing"
    );
}
