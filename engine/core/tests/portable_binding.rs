//! Binding the portable types to a cloud provider: the configuration's only cloud provider
//! when the resource names none (inherited by child modules), the one `provider =` names,
//! and errors at the resource's file:line:col when there is no cloud, several, or a
//! provider that is not a cloud.

use autostack_core::addrs::bind_portable;
use autostack_core::graph::provider_addr;
use autostack_lang::config::{load_module_tree, ModuleTree};
use autostack_lang::diag::Sources;
use autostack_lang::Diagnostics;

fn load(files: &[(&str, &str)]) -> (ModuleTree, Diagnostics) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let sources = Sources::new();
    let (mut tree, diags) = load_module_tree(dir.path(), &sources);
    assert!(!diags.has_errors(), "{diags}");
    let d = bind_portable(&mut tree);
    (tree, d)
}

fn provider_of(tree: &ModuleTree, path: &[&str], addr: &str) -> String {
    let mut t = tree;
    for p in path {
        t = &t.children[*p];
    }
    let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    provider_addr(tree, &path, &t.module.resources[addr]).to_string()
}

const NET: &str = "resource \"portable_network\" \"n\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";

#[test]
fn the_only_cloud_provider_serves_portable_resources() {
    for (block, want) in [
        ("provider \"aws\" {\n  region = \"us-east-1\"\n}\n", "aws"),
        ("provider \"google\" {\n  region = \"us-central1\"\n}\n", "google"),
        ("terraform {\n  required_providers {\n    az = { source = \"hashicorp/azurerm\" }\n  }\n}\n", "az"),
    ] {
        let (tree, d) = load(&[("main.tf", &format!("{block}{NET}"))]);
        assert!(d.is_empty(), "{d}");
        assert_eq!(provider_of(&tree, &[], "portable_network.n"), want);
    }
    // Builtin providers beside the cloud do not count; a concrete resource implies its cloud.
    let cfg = format!("resource \"random_id\" \"x\" {{\n  byte_length = 2\n}}\nresource \"aws_vpc\" \"v\" {{\n  cidr_block = \"10.1.0.0/16\"\n}}\n{NET}");
    let (tree, d) = load(&[("main.tf", &cfg)]);
    assert!(d.is_empty(), "{d}");
    assert_eq!(provider_of(&tree, &[], "portable_network.n"), "aws");
}

#[test]
fn provider_names_the_cloud_and_child_modules_inherit_it() {
    let cfg = "provider \"aws\" {}\nprovider \"google\" {\n  alias = \"eu\"\n}\nresource \"portable_network\" \"n\" {\n  provider   = google.eu\n  cidr_block = \"10.0.0.0/16\"\n}\n";
    let (tree, d) = load(&[("main.tf", cfg)]);
    assert!(d.is_empty(), "{d}");
    assert_eq!(provider_of(&tree, &[], "portable_network.n"), "google.eu");

    let root = "provider \"google\" {}\nmodule \"net\" {\n  source = \"./net\"\n}\n";
    let (tree, d) = load(&[("main.tf", root), ("net/main.tf", NET)]);
    assert!(d.is_empty(), "{d}");
    assert_eq!(provider_of(&tree, &["net"], "portable_network.n"), "google");
}

fn only_error(d: &Diagnostics) -> (String, String, u32, u32) {
    assert_eq!(d.error_count(), 1, "{d}");
    let e = d.iter().next().unwrap();
    let at = e.subject.as_ref().expect("a location");
    (
        e.summary.clone(),
        e.detail.clone(),
        at.start.line,
        at.start.column,
    )
}

#[test]
fn no_cloud_several_clouds_or_a_non_cloud_provider_is_an_error_at_the_resource() {
    let (_, d) = load(&[("main.tf", &format!("# no provider\n\n{NET}"))]);
    let (summary, detail, line, col) = only_error(&d);
    assert_eq!(summary, "No cloud provider for a portable resource");
    assert!(detail.contains("portable_network.n"), "{detail}");
    assert_eq!((line, col), (3, 1));

    let two = format!("provider \"aws\" {{}}\nprovider \"google\" {{}}\n{NET}");
    let (_, d) = load(&[("net.tf", &two)]);
    let (summary, detail, line, col) = only_error(&d);
    assert_eq!(summary, "Ambiguous cloud for a portable resource");
    assert!(
        detail.contains("(aws, google)") && detail.contains("provider ="),
        "{detail}"
    );
    assert_eq!((line, col), (3, 1));
    let e = d.iter().next().unwrap();
    assert!(e.subject.as_ref().unwrap().filename.ends_with("net.tf"));

    let random = "provider \"aws\" {}\nresource \"portable_network\" \"n\" {\n  provider   = random\n  cidr_block = \"10.0.0.0/16\"\n}\n";
    let (_, d) = load(&[("main.tf", random)]);
    let (summary, _, line, _) = only_error(&d);
    assert_eq!(summary, "Provider cannot serve a portable resource");
    assert_eq!(line, 2);
}
