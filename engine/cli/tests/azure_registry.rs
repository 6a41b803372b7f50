//! A configuration written for hashicorp/azurerm 4.x from the Terraform Registry's examples
//! (`tests/fixtures/azurerm-registry`) validates and plans unchanged against the ARM double.
#![cfg(feature = "azure")]

mod common;
#[path = "../../../providers/azure/tests/support/mod.rs"]
mod support;

use common::Work;
use std::path::Path;

#[test]
fn registry_examples_validate_and_plan_unchanged() {
    let double = support::Double::start(&[]);
    let work = Work::new(&[]);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/azurerm-registry/main.tf");
    std::fs::copy(&src, work.path().join("main.tf")).expect("copy");
    let env = [
        ("ARM_METADATA_HOSTNAME", double.url.as_str()),
        ("ARM_SUBSCRIPTION_ID", support::SUBSCRIPTION),
        ("ARM_TENANT_ID", support::TENANT),
        ("ARM_CLIENT_ID", support::CLIENT_ID),
        ("ARM_CLIENT_SECRET", support::CLIENT_SECRET),
    ];
    work.run_env(&["init"], &env).expect(0);
    let r = work.run_env(&["validate", "-no-color"], &env).expect(0);
    assert!(
        r.stdout().contains("The configuration is valid."),
        "{}",
        r.stdout()
    );
    let r = work.run_env(&["plan", "-no-color", "-detailed-exitcode"], &env);
    let out = r.stdout();
    assert_eq!(r.code(), 2, "{out}\n{}", r.stderr());
    assert!(
        out.contains("Plan: 13 to add, 0 to change, 0 to destroy."),
        "{out}"
    );
    let planned = |attr: &str, value: &str| {
        out.lines().any(|l| {
            let l = l.trim();
            l.starts_with(&format!("+ {attr} ")) && l.ends_with(&format!("= {value}"))
        })
    };
    assert!(
        planned("location", "\"westus2\""),
        "\"West US 2\" plans normalized: {out}"
    );
    assert!(
        planned("disk_size_gb", "1"),
        "\"1\" converts to a number: {out}"
    );
}
