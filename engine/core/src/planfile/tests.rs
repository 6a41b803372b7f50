//! Saved plans written and read back, and what a damaged or foreign file is told.

use super::*;
use crate::addrs::parse_instance;
use crate::plan::{OutputChange, Plan, PlanMode, ResourceChange};
use crate::statefile::NoSchemas;
use autostack_lang::Type;
use autostack_lang::Value;
use serde_json::Value as Json;
use std::sync::Arc;

/// A create of `addr` by `aws` (its `id` unknown), every other field at its default.
fn change(addr: &str) -> ResourceChange {
    let after = Value::object_from([("id", Value::Unknown(Type::String))]);
    let mut c = ResourceChange::new(
        parse_instance(addr).unwrap(),
        Action::Create,
        None,
        Some(after),
    );
    c.provider = "aws".parse().unwrap();
    c.provider_source = std::sync::Arc::new("hashicorp/aws".parse().unwrap());
    c
}

#[test]
fn a_streamed_plan_reads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), "").unwrap();
    let sources = autostack_lang::diag::Sources::new();
    let tree = autostack_lang::config::load_module_tree(dir.path(), &sources).0;
    let mut full = change("module.a[\"k\"].aws_instance.x[1]");
    full.prev_addr = Some(Box::new(parse_instance("aws_instance.old").unwrap()));
    full.action = Action::CreateThenDelete;
    full.reason = Some(Reason::CannotUpdate);
    full.before = Some(Value::object_from([
        ("n", Value::int(3)),
        ("secret", Value::string("s").sensitive()),
        ("tags", Value::map(Type::String, Default::default())),
    ]));
    full.requires_replace = vec![vec![
        PathStep::Attr("a".into()),
        PathStep::Key("k".into()),
        PathStep::Index(2),
    ]];
    full.dependencies = vec!["aws_vpc.main".to_string()].into();
    full.create_before_destroy = true;
    full.importing = Some("i-123".into());
    full.schema_version = 2;
    full.planned_private = Some("eyJ2IjoxfQ==".into());
    let plan = Plan {
        mode: PlanMode::Destroy,
        changes: vec![Box::new(full), Box::new(change("aws_instance.y"))],
        drift: vec![change("aws_instance.z")],
        outputs: [(
            "o".to_string(),
            OutputChange {
                before: None,
                after: Some(Value::string("v")),
                sensitive: true,
            },
        )]
        .into(),
        prior: Default::default(),
        base_serial: 7,
        base_lineage: "lin".into(),
        variables: [("v".to_string(), Value::tuple(vec![Value::Bool(true)]))].into(),
        warnings: Default::default(),
        function_results: vec![FunctionResultHash {
            key: [7; 32],
            result: [0xa5; 32],
        }],
    };
    let mut buf = Vec::new();
    write_to(&plan, &tree, &NoSchemas, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let doc: Json = serde_json::from_str(&text).unwrap();
    let back = read(&text, &tree, &NoSchemas).unwrap();
    assert_eq!(format!("{:?}", back.changes), format!("{:?}", plan.changes));
    assert_eq!(format!("{:?}", back.drift), format!("{:?}", plan.drift));
    assert_eq!(back.function_results, plan.function_results);
    assert_eq!(format!("{:?}", back.outputs), format!("{:?}", plan.outputs));
    assert_eq!(
        format!("{:?}", back.variables),
        format!("{:?}", plan.variables)
    );
    assert_eq!((back.mode, back.base_serial), (PlanMode::Destroy, 7));
    assert_eq!(back.base_lineage, "lin");
    // Defaults are left out of the file.
    let plain = &doc["changes"][1];
    assert!(
        plain.get("reason").is_none() && plain.get("importing").is_none(),
        "{plain}"
    );
}

/// A plan of one create (`aws_instance.y`) against serial 1 of lineage `lin`.
fn saved_plan() -> Plan {
    Plan {
        mode: PlanMode::Normal,
        changes: vec![Box::new(change("aws_instance.y"))],
        drift: Vec::new(),
        outputs: Default::default(),
        prior: Default::default(),
        base_serial: 1,
        base_lineage: "lin".into(),
        variables: Default::default(),
        warnings: Default::default(),
        function_results: Vec::new(),
    }
}

/// A saved plan of the empty configuration in `dir`, as JSON to be damaged by a test.
fn saved(tree: &ModuleTree) -> Json {
    let plan = saved_plan();
    let mut buf = Vec::new();
    write_to(&plan, tree, &NoSchemas, &mut buf).unwrap();
    serde_json::from_slice(&buf).unwrap()
}

fn read_err(text: &str, tree: &ModuleTree) -> String {
    read(text, tree, &NoSchemas).map(|_| ()).unwrap_err().0
}

#[test]
fn a_damaged_or_foreign_file_is_refused_with_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let sources = autostack_lang::diag::Sources::new();
    let tree = autostack_lang::config::load_module_tree(dir.path(), &sources).0;
    let doc = saved(&tree);
    assert!(read(&doc.to_string(), &tree, &NoSchemas).is_ok());
    assert!(read_err("{\"changes\": [", &tree).starts_with("the file is not a valid plan file"));
    let state = r#"{"version": 4, "terraform_version": "1.11.4", "serial": 1, "resources": []}"#;
    assert_eq!(
        read_err(state, &tree),
        "the file is not an AutoStack saved plan"
    );
    assert!(!is_plan(state).unwrap() && is_plan(&doc.to_string()).unwrap());
    assert!(is_plan("[1, 2").is_err());
    let damaged = |f: &dyn Fn(&mut Json)| {
        let mut d = doc.clone();
        f(&mut d);
        read_err(&d.to_string(), &tree)
    };
    // The head is checked first: another configuration's plan is refused as such, whatever
    // else is wrong with it.
    let other = damaged(&|d| {
        d["config_hash"] = "0".into();
        d["changes"] = "not a list".into();
    });
    assert!(
        other.contains("does not match the current configuration"),
        "{other}"
    );
    let newer = damaged(&|d| d["version"] = 2.into());
    assert!(newer.contains("incompatible version"), "{newer}");
    let no_addr = damaged(&|d| {
        d["changes"][0].as_object_mut().unwrap().remove("addr");
    });
    assert!(
        no_addr.contains("invalid change in plan file: missing field `addr`"),
        "{no_addr}"
    );
    let action = damaged(&|d| d["changes"][0]["action"] = "explode".into());
    assert_eq!(action, "invalid action in plan file");
    let value = damaged(&|d| d["changes"][0]["after"] = serde_json::json!({"type": 7}));
    assert!(value.starts_with("invalid value in plan file"), "{value}");
    let list = damaged(&|d| d["drift"] = 5.into());
    assert!(list.starts_with("invalid drift in plan file"), "{list}");
    let prior = damaged(&|d| {
        d.as_object_mut().unwrap().remove("prior");
    });
    assert_eq!(prior, "the saved plan has no prior state");
    let hash =
        damaged(&|d| d["function_results"] = serde_json::json!([{"key": "ab", "result": "cd"}]));
    assert!(hash.contains("not a SHA-256 hash"), "{hash}");
}

#[test]
fn changes_read_back_share_what_consecutive_changes_name_alike() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), "").unwrap();
    let tree = autostack_lang::config::load_module_tree(dir.path(), &Default::default()).0;
    let deps = |list: &[&str]| -> std::sync::Arc<[String]> {
        list.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into()
    };
    let with = |addr: &str, source: &str, d: std::sync::Arc<[String]>| {
        let mut c = change(addr);
        c.provider_source = std::sync::Arc::new(source.parse().unwrap());
        c.dependencies = d;
        Box::new(c)
    };
    let plan = Plan {
        changes: vec![
            with("aws_instance.x[0]", "hashicorp/aws", deps(&["aws_vpc.a"])),
            with("aws_instance.x[1]", "hashicorp/aws", deps(&["aws_vpc.a"])),
            with("aws_instance.y", "hashicorp/aws", deps(&["aws_vpc.b"])),
            with("google_x.z", "hashicorp/google", deps(&["aws_vpc.b"])),
        ],
        ..saved_plan()
    };
    let mut buf = Vec::new();
    write_to(&plan, &tree, &NoSchemas, &mut buf).unwrap();
    let back = read(std::str::from_utf8(&buf).unwrap(), &tree, &NoSchemas).unwrap();
    assert_eq!(format!("{:?}", back.changes), format!("{:?}", plan.changes));
    let c = &back.changes;
    let same_source =
        |i: usize, j: usize| Arc::ptr_eq(&c[i].provider_source, &c[j].provider_source);
    let same_deps = |i: usize, j: usize| Arc::ptr_eq(&c[i].dependencies, &c[j].dependencies);
    assert!(same_source(0, 1) && same_source(1, 2) && !same_source(2, 3));
    assert!(same_deps(0, 1) && !same_deps(1, 2) && same_deps(2, 3));
}

#[test]
fn a_long_change_list_decoded_side_by_side_keeps_its_order_and_its_first_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), "").unwrap();
    let tree = autostack_lang::config::load_module_tree(dir.path(), &Default::default()).0;
    // Enough for two threads, not a multiple of either's share.
    let n = 3 * read::RECORDS_A_THREAD + 17;
    let plan = Plan {
        changes: (0..n)
            .map(|i| Box::new(change(&format!("aws_instance.x[{i}]"))))
            .collect(),
        ..saved_plan()
    };
    let mut buf = Vec::new();
    write_to(&plan, &tree, &NoSchemas, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let back = read(&text, &tree, &NoSchemas).unwrap();
    let addrs: Vec<String> = back.changes.iter().map(|c| c.addr.to_string()).collect();
    let want: Vec<String> = (0..n).map(|i| format!("aws_instance.x[{i}]")).collect();
    assert_eq!(addrs, want);
    // Two damaged records, one in each half: the earlier one is reported.
    let mut doc: Json = serde_json::from_str(&text).unwrap();
    doc["changes"][n - 5]["action"] = "explode".into();
    doc["changes"][read::RECORDS_A_THREAD]["addr"] = "not an address!".into();
    let err = read_err(&doc.to_string(), &tree);
    assert!(err.contains("not an address!"), "{err}");
}
