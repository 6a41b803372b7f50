//! Moving a portable resource between clouds: the plan's migrate action, the apply order
//! (create on the new cloud → copy the data → dependents → delete on the old cloud), a
//! failure at each step leaving both sides in state and the next apply finishing the move,
//! and destroy cleaning both sides.

mod clouds;
mod common;

use autostack_core::addrs::parse_instance;
use autostack_core::apply::{apply, ApplyOptions, ApplyOutcome, NoSink};
use autostack_core::plan::{plan, Action, Plan, PlanMode, PlanOptions};
use autostack_core::state::State;
use clouds::{cloud_context, dir, World};
use std::sync::atomic::Ordering;
use std::sync::Arc;

const TEST: &str =
    "terraform {\n  required_providers {\n    test = { source = \"hashicorp/test\" }\n  }\n}\n";

const BODY: &str = r#"
resource "portable_thing" "b" {
  PROVIDER
  name = "b"
}
resource "test_thing" "dep" {
  name  = "dep"
  value = portable_thing.b.id
}
output "where" {
  value = portable_thing.b.cloud
}
"#;

/// The stack on aws alone.
fn on_aws() -> String {
    format!(
        "{TEST}provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n{}",
        BODY.replace("PROVIDER", "")
    )
}

/// The stack bound to google, the aws block kept for the move.
fn on_google() -> String {
    format!("{TEST}provider \"aws\" {{\n  region = \"us-east-1\"\n}}\nprovider \"google\" {{\n  region = \"us-central1\"\n}}\n{}", BODY.replace("PROVIDER", "provider = google"))
}

async fn plan_in(tf: &str, world: &Arc<World>, state: &State, mode: PlanMode) -> Plan {
    try_plan(tf, world, state, mode)
        .await
        .unwrap_or_else(|d| panic!("plan: {d}"))
}

async fn try_plan(
    tf: &str,
    world: &Arc<World>,
    state: &State,
    mode: PlanMode,
) -> Result<Plan, autostack_lang::Diagnostics> {
    let d = dir();
    let ctx = cloud_context(&d, tf, world);
    let opts = PlanOptions {
        mode,
        ..PlanOptions::default()
    };
    plan(&ctx, state, &opts).await
}

async fn apply_in(tf: &str, world: &Arc<World>, state: &State, mode: PlanMode) -> ApplyOutcome {
    let d = dir();
    let ctx = cloud_context(&d, tf, world);
    let opts = PlanOptions {
        mode,
        ..PlanOptions::default()
    };
    let p = plan(&ctx, state, &opts)
        .await
        .unwrap_or_else(|d| panic!("plan: {d}"));
    apply(&ctx, &p, ApplyOptions::default(), &NoSink)
        .await
        .expect("apply")
}

/// The stack applied on aws with five objects in its bucket.
async fn on_aws_with_data(world: &Arc<World>) -> State {
    let out = apply_in(&on_aws(), world, &State::default(), PlanMode::Normal).await;
    assert!(!out.diags.has_errors(), "{}", out.diags);
    world.seed("aws", "b", 5, 1000);
    world.take_log();
    out.state
}

fn b() -> autostack_core::addrs::InstanceAddr {
    parse_instance("portable_thing.b").unwrap()
}

/// After a finished move: one object, on google, holding the data; nothing left on aws.
fn assert_moved(world: &World, out: &ApplyOutcome) {
    assert!(!out.diags.has_errors(), "{}", out.diags);
    let obj = &out.state.instances[&b()];
    assert!(
        obj.provider.contains("hashicorp/google"),
        "{}",
        obj.provider
    );
    assert!(
        out.state.deposed.is_empty(),
        "{:?}",
        out.state.deposed.keys()
    );
    assert_eq!(world.bucket("aws", "b"), None);
    let data = world.bucket("gcp", "b").expect("gcp bucket");
    assert_eq!(data.len(), 5);
    assert_eq!(out.state.outputs["where"].value.as_str(), Some("gcp"));
    let dep = &out.state.instances[&parse_instance("test_thing.dep").unwrap()];
    assert_eq!(
        autostack_provider_sdk::attr_str(&dep.value, "value"),
        "gcp-b"
    );
}

#[tokio::test]
async fn swapping_the_bound_cloud_plans_a_migrate() {
    let world = World::new();
    let state = on_aws_with_data(&world).await;
    let p = plan_in(&on_google(), &world, &state, PlanMode::Normal).await;
    let c = p.changes.iter().find(|c| c.addr == b()).unwrap();
    assert_eq!(c.action, Action::Migrate);
    assert_eq!(c.action.json_actions(), &["create", "delete"]);
    let m = c.migration.as_ref().expect("migration");
    assert_eq!(m.from.to_string(), "aws");
    assert_eq!(
        m.from_source.to_string(),
        "registry.terraform.io/hashicorp/aws"
    );
    assert!(!m.resumed && !m.created);
    assert_eq!(c.provider.to_string(), "google");
    let get = |v: &Option<autostack_lang::Value>, k: &str| {
        autostack_provider_sdk::attr_str(v.as_ref().unwrap(), k).to_string()
    };
    assert_eq!(get(&c.before, "concrete_type"), "aws_s3_bucket");
    assert_eq!(get(&c.after, "concrete_type"), "google_storage_bucket");
    assert_eq!(get(&c.after, "cloud"), "gcp");
    // Migrations are counted apart, as Terraform counts forgets.
    assert_eq!(p.counts(), (0, 0, 1, 0));
    assert_eq!(p.migrations(), 1);
    // Planning touched nothing.
    assert!(world.take_log().is_empty());
    let j = autostack_core::jsonplan::resource_change_json(c);
    assert_eq!(
        j["change"]["actions"],
        serde_json::json!(["create", "delete"])
    );
    assert_eq!(j["migration"]["from_cloud"], "aws");
    assert_eq!(j["migration"]["to_cloud"], "gcp");
}

#[tokio::test]
async fn a_move_creates_copies_switches_references_then_deletes() {
    let world = World::new();
    let state = on_aws_with_data(&world).await;
    let out = apply_in(&on_google(), &world, &state, PlanMode::Normal).await;
    assert_moved(&world, &out);
    assert_eq!(
        (out.added, out.changed, out.destroyed, out.migrated),
        (0, 1, 0, 1)
    );
    let log = world.take_log();
    let at = |s: &str| {
        log.iter()
            .position(|l| l == s)
            .unwrap_or_else(|| panic!("{s}: {log:?}"))
    };
    let puts: Vec<usize> = (0..5).map(|i| at(&format!("put gcp/b/k{i:03}"))).collect();
    assert!(at("create gcp b") < *puts.iter().min().unwrap(), "{log:?}");
    assert!(*puts.iter().max().unwrap() < at("update dep"), "{log:?}");
    assert!(at("update dep") < at("delete aws b"), "{log:?}");
    // Nothing left to do.
    let p = plan_in(&on_google(), &world, &out.state, PlanMode::Normal).await;
    assert!(!p.has_changes(), "{:?}", p.changes);
}

/// Fails the move at `step`, checks both sides are in state, then heals and resumes.
async fn fail_then_resume(step: &str) {
    let world = World::new();
    let state = on_aws_with_data(&world).await;
    match step {
        "put" => world.puts_left.store(2, Ordering::SeqCst),
        s => world.break_step(s),
    }
    let failed = apply_in(&on_google(), &world, &state, PlanMode::Normal).await;
    assert!(failed.diags.has_errors(), "{step}: the apply should fail");
    let addr = b();
    let old: Vec<_> = failed.state.deposed_of(&addr).collect();
    assert_eq!(old.len(), 1, "{step}: the old side is kept, deposed");
    assert!(old[0].1.provider.contains("hashicorp/aws"));
    let current = failed.state.instances.get(&b());
    assert_eq!(current.is_some(), step != "create gcp", "{step}");
    let doc =
        autostack_core::statefile::encode(&failed.state, &autostack_core::statefile::NoSchemas);
    let deposed = doc.instances().filter(|(_, i)| i.deposed.is_some()).count();
    assert_eq!(
        deposed, 1,
        "{step}: state v4 records the old side as deposed"
    );
    world.heal();
    world.take_log();
    let p = plan_in(&on_google(), &world, &failed.state, PlanMode::Normal).await;
    let c = p.changes.iter().find(|c| c.addr == b()).unwrap();
    assert_eq!(c.action, Action::Migrate, "{step}");
    let m = c.migration.as_ref().unwrap();
    assert!(m.resumed, "{step}");
    assert_eq!(m.created, step != "create gcp", "{step}");
    let out = apply_in(&on_google(), &world, &failed.state, PlanMode::Normal).await;
    assert_moved(&world, &out);
    let log = world.take_log();
    assert_eq!(
        log.contains(&"create gcp b".to_string()),
        step == "create gcp",
        "{log:?}"
    );
    if step == "put" {
        // The two objects copied before the failure are not copied again.
        let puts = log.iter().filter(|l| l.starts_with("put ")).count();
        assert_eq!(puts, 3, "{log:?}");
    }
}

#[tokio::test]
async fn a_failed_create_leaves_the_old_side_and_resumes() {
    fail_then_resume("create gcp").await;
}

#[tokio::test]
async fn a_failed_copy_leaves_both_sides_and_resumes_where_it_stopped() {
    fail_then_resume("put").await;
}

#[tokio::test]
async fn a_failed_delete_of_the_old_side_resumes() {
    fail_then_resume("delete aws").await;
}

#[tokio::test]
async fn destroy_during_a_move_cleans_both_sides() {
    let world = World::new();
    let state = on_aws_with_data(&world).await;
    world.puts_left.store(1, Ordering::SeqCst);
    let failed = apply_in(&on_google(), &world, &state, PlanMode::Normal).await;
    assert!(failed.diags.has_errors());
    world.heal();
    let p = plan_in(&on_google(), &world, &failed.state, PlanMode::Destroy).await;
    let deletes: Vec<(String, Option<String>)> = (p.changes.iter())
        .filter(|c| c.action == Action::Delete)
        .map(|c| (c.addr.to_string(), c.deposed.clone()))
        .collect();
    assert_eq!(deletes.len(), 3, "{deletes:?}");
    let out = apply_in(&on_google(), &world, &failed.state, PlanMode::Destroy).await;
    assert!(!out.diags.has_errors(), "{}", out.diags);
    assert!(out.state.is_empty(), "{:?}", out.state.instances.keys());
    assert_eq!(world.bucket("aws", "b"), None);
    assert_eq!(world.bucket("gcp", "b"), None);
}

#[tokio::test]
async fn a_move_without_the_old_clouds_block_says_to_keep_it() {
    let world = World::new();
    let state = on_aws_with_data(&world).await;
    let swapped = format!(
        "{TEST}provider \"google\" {{\n  region = \"us-central1\"\n}}\n{}",
        BODY.replace("PROVIDER", "")
    );
    let err = try_plan(&swapped, &world, &state, PlanMode::Normal)
        .await
        .unwrap_err();
    let d = (err.iter())
        .find(|d| d.summary == "Provider configuration needed for a migration")
        .unwrap_or_else(|| panic!("{err}"));
    assert!(d.detail.contains("moves from aws to gcp"), "{}", d.detail);
    assert!(
        d.detail.contains("Keep the old cloud's provider block"),
        "{}",
        d.detail
    );
    let at = d.subject.as_ref().expect("a location");
    assert_eq!((at.start.line, at.start.column), (10, 1));
    assert!(at.filename.ends_with("main.tf"));
}
