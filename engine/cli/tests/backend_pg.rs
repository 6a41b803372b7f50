//! The pg backend through the binary, against a real PostgreSQL: init with
//! `-backend-config`, Terraform's rows, the safety scenarios (two applies, kill -9, a flaky
//! network), uploads batched during apply, and migration from the local backend.
#![cfg(feature = "pg")]

mod backends;
mod common;
#[path = "../../../state/tests/support/mod.rs"]
mod support;

use backends::Setup;
use support::pg::{fresh_database, unique_schema};
use support::tcp_proxy::TcpProxy;

fn pg_via(conn: &str, schema: &str) -> Setup {
    Setup {
        block: format!("  backend \"pg\" {{\n    schema_name = \"{schema}\"\n  }}"),
        init_args: vec![format!("-backend-config=conn_str={conn}")],
        env: Vec::new(),
        lock_outlives_holder: false,
    }
}

/// A setup on a database of its own.
fn pg(prefix: &str) -> Setup {
    pg_via(&fresh_database(prefix), &unique_schema(prefix))
}

/// `host:port` of a connection string.
fn host_of(conn: &str) -> String {
    conn.split('@')
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default()
        .to_string()
}

/// `conn` through a proxy at `addr`.
fn via(conn: &str, addr: &str) -> String {
    conn.replace(&host_of(conn), addr)
}

#[test]
fn two_applies_at_once_on_pg() {
    backends::two_applies_at_once(&pg("two"));
}

#[test]
fn kill_nine_on_pg() {
    backends::kill_nine_at_random_points(&pg("kill"), 4);
}

#[test]
fn a_flaky_network_to_pg() {
    let (db, schema) = (fresh_database("flaky"), unique_schema("flaky"));
    let proxy = TcpProxy::start(&host_of(&db), b"INSERT INTO", 20);
    let flaky = pg_via(&via(&db, &proxy.addr), &schema);
    let healthy = pg_via(&db, &schema);
    backends::flaky_server(&flaky, &healthy);
    assert!(proxy.cut() > 0, "the proxy cut connections");
}

#[test]
fn an_apply_uploads_a_few_times_not_once_per_resource() {
    let (db, schema) = (fresh_database("batched"), unique_schema("batched"));
    let proxy = TcpProxy::start(&host_of(&db), b"INSERT INTO", 0);
    let s = pg_via(&via(&db, &proxy.addr), &schema);
    let body: String = (0..300)
        .map(|i| format!("resource \"terraform_data\" \"r{i}\" {{\n  input = {i}\n}}\n"))
        .collect();
    let w = s.work(&body);
    let before = proxy.seen();
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let uploads = proxy.seen() - before;
    assert!(
        (1..=3).contains(&uploads),
        "{uploads} uploads for 300 resources"
    );
    // A longer apply uploads its progress every TF_STATE_PERSIST_INTERVAL seconds.
    let chained: String = (0..5)
        .map(|i| {
            let after = if i > 0 {
                format!("\n  depends_on = [time_sleep.t{}]", i - 1)
            } else {
                String::new()
            };
            format!("resource \"time_sleep\" \"t{i}\" {{\n  create_duration = \"1s\"{after}\n}}\n")
        })
        .collect();
    w.write(
        "main.tf",
        &format!("terraform {{\n{}\n}}\n{chained}", s.block),
    );
    let before = proxy.seen();
    let env = [("TF_STATE_PERSIST_INTERVAL", "1")];
    let env: Vec<(&str, &str)> = env.to_vec();
    w.run_env(&["apply", "-auto-approve", "-no-cost"], &env)
        .expect(0);
    let uploads = proxy.seen() - before;
    assert!(
        uploads >= 3,
        "progress was uploaded during the 5-second apply: {uploads}"
    );
}

#[test]
fn rows_are_terraforms_and_workspaces_are_rows() {
    let (db, schema) = (fresh_database("rows"), unique_schema("rows"));
    let s = pg_via(&db, &schema);
    let w = s.work("resource \"terraform_data\" \"x\" {\n  input = terraform.workspace\n}\n");
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    s.run(&w, &["workspace", "new", "staging"]).expect(0);
    s.run(&w, &["apply", "-auto-approve", "-no-cost"]).expect(0);
    let list = s.run(&w, &["workspace", "list"]).expect(0).stdout();
    assert_eq!(list, "  default\n* staging\n\n");
    // Terraform's table, one row per workspace (psql comes with Debian's postgresql-15).
    let out = std::process::Command::new("psql")
        .args([
            &db,
            "-tAc",
            &format!("SELECT name FROM \"{schema}\".states ORDER BY id"),
        ])
        .output()
        .expect("psql");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "default\nstaging\n");
    let saved: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(w.path().join(".terraform/terraform.tfstate")).unwrap(),
    )
    .unwrap();
    assert_eq!(saved["backend"]["type"], "pg");
    assert_eq!(saved["backend"]["config"]["schema_name"], schema.as_str());
    assert!(
        saved["backend"]["config"]["conn_str"].is_string(),
        "-backend-config is recorded"
    );
    // The journal of a remote backend lives under .terraform, and is gone after success.
    assert!(!w.path().join(".terraform/state-journal/staging").exists());
}

#[test]
fn state_versions_are_rows_beside_terraforms_table() {
    let (db, schema) = (fresh_database("vers"), unique_schema("vers"));
    backends::versions_kept_by_the_backend(&pg_via(&db, &schema));
    let out = std::process::Command::new("psql")
        .args([
            &db,
            "-tAc",
            &format!(
                "SELECT name, serial FROM \"{schema}\".autostack_state_versions ORDER BY serial"
            ),
        ])
        .output()
        .expect("psql");
    // The last two: version 4 and the rollback's version 5.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "default|4\ndefault|5\n"
    );
}

#[test]
fn init_migrates_local_state_into_pg() {
    let w = common::Work::new(&[(
        "main.tf",
        "resource \"terraform_data\" \"x\" {\n  input = 7\n}\n",
    )]);
    w.run(&["apply", "-auto-approve", "-no-cost"]).expect(0);
    let lineage = w.state()["lineage"].clone();
    let s = pg("migrate");
    w.write(
        "main.tf",
        &format!(
            "terraform {{\n{}\n}}\nresource \"terraform_data\" \"x\" {{\n  input = 7\n}}\n",
            s.block
        ),
    );
    let init = w
        .run(&["init", "-input=false", "-force-copy", &s.init_args[0]])
        .expect(0);
    assert!(
        init.stdout()
            .contains("Successfully configured the backend \"pg\""),
        "{}",
        init.stdout()
    );
    let pulled = s.pulled(&w);
    assert_eq!(pulled["lineage"], lineage);
    assert_eq!(backends::resource_names(&pulled).len(), 1);
    s.run(&w, &["plan", "-no-cost", "-detailed-exitcode"])
        .expect(0);
}
