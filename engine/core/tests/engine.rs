//! Engine behaviour: graph order, expansion, actions, failure isolation, destroy order.

mod common;

use autostack_core::addrs::parse_instance;
use autostack_core::plan::{Action, PlanMode, PlanOptions};
use autostack_core::state::State;
use common::*;

const PROVIDER: &str =
    "terraform {\n  required_providers {\n    test = { source = \"hashicorp/test\" }\n  }\n}\n";

fn tf(body: &str) -> String {
    format!("{PROVIDER}{body}")
}

fn actions(p: &autostack_core::plan::Plan) -> Vec<(String, Action)> {
    p.changes
        .iter()
        .map(|c| (c.addr.to_string(), c.action))
        .collect()
}

#[tokio::test]
async fn creates_in_dependency_order_and_resolves_references() {
    let cfg = tf(r#"
resource "test_thing" "b" {
  name  = "b"
  value = test_thing.a.id
}
resource "test_thing" "a" {
  name = "a"
}
output "b_value" {
  value = test_thing.b.value
}
"#);
    let (out, log) = apply_tf(&cfg, &State::default(), None).await;
    assert!(!out.diags.has_errors(), "{}", out.diags);
    assert_eq!(*log.lock().unwrap(), vec!["create a", "create b"]);
    assert_eq!(out.state.outputs["b_value"].value.as_str(), Some("id-a"));
    assert_eq!(out.added, 2);
}

#[tokio::test]
async fn count_and_for_each_expand_with_terraform_addresses() {
    let cfg = tf(r#"
resource "test_thing" "c" {
  count = 2
  name  = "c${count.index}"
}
resource "test_thing" "e" {
  for_each = { x = 1, y = 2 }
  name     = each.key
}
"#);
    let (p, _) = plan_of(&cfg, &State::default(), &PlanOptions::default()).await;
    let p = p.unwrap();
    let addrs: Vec<String> = p.changes.iter().map(|c| c.addr.to_string()).collect();
    assert_eq!(
        addrs,
        vec![
            "test_thing.c[0]",
            "test_thing.c[1]",
            "test_thing.e[\"x\"]",
            "test_thing.e[\"y\"]"
        ]
    );
    assert_eq!(p.counts(), (0, 4, 0, 0));
}

#[tokio::test]
async fn no_op_update_replace_and_delete() {
    let v1 = tf("resource \"test_thing\" \"a\" {\n  name = \"a\"\n  value = \"1\"\n}\nresource \"test_thing\" \"gone\" {\n  name = \"gone\"\n}\n");
    let (out, _) = apply_tf(&v1, &State::default(), None).await;
    let state = out.state;
    let (p, _) = plan_of(&v1, &state, &PlanOptions::default()).await;
    assert!(!p.unwrap().has_changes());
    let v2 = tf("resource \"test_thing\" \"a\" {\n  name = \"a\"\n  value = \"2\"\n}\n");
    let (p, _) = plan_of(&v2, &state, &PlanOptions::default()).await;
    let p = p.unwrap();
    assert_eq!(
        actions(&p),
        vec![
            ("test_thing.a".into(), Action::Update),
            ("test_thing.gone".into(), Action::Delete)
        ]
    );
    let v3 = tf("resource \"test_thing\" \"a\" {\n  name = \"renamed\"\n  value = \"1\"\n}\nresource \"test_thing\" \"gone\" {\n  name = \"gone\"\n}\n");
    let (p, _) = plan_of(&v3, &state, &PlanOptions::default()).await;
    let p = p.unwrap();
    assert_eq!(p.changes[0].action, Action::DeleteThenCreate);
    assert_eq!(p.counts(), (0, 1, 0, 1));
}

/// The provider's private data flows both ways: the engine hands the stored private data to
/// each plan and records what the provider returns, in the state and in the saved plan.
#[tokio::test]
async fn provider_private_data_round_trips_through_state() {
    let a = parse_instance("test_thing.a").unwrap();
    let private = |state: &State| {
        let stored = state.instances[&a].private.as_deref();
        let bytes = autostack_provider_sdk::Private::from_state(stored).unwrap();
        String::from_utf8(bytes.as_bytes().to_vec()).unwrap()
    };
    let v1 = tf("resource \"test_thing\" \"a\" {\n  name = \"a\"\n  value = \"1\"\n}\n");
    let (out, _) = apply_tf(&v1, &State::default(), None).await;
    assert!(!out.diags.has_errors(), "{}", out.diags);
    assert_eq!(private(&out.state), "gen-1");
    let v2 = v1.replace("\"1\"", "\"2\"");
    let (p, _) = plan_of(&v2, &out.state, &PlanOptions::default()).await;
    let planned = p.unwrap().changes[0].planned_private.clone();
    let planned = autostack_provider_sdk::Private::from_state(planned.as_deref()).unwrap();
    assert_eq!(planned.as_bytes(), b"gen-2");
    let (updated, _) = apply_tf(&v2, &out.state, None).await;
    assert_eq!(private(&updated.state), "gen-2");
}

#[tokio::test]
async fn create_before_destroy_creates_first() {
    let v1 = tf("resource \"test_thing\" \"a\" {\n  name = \"one\"\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n");
    let (out, _) = apply_tf(&v1, &State::default(), None).await;
    let v2 = v1.replace("\"one\"", "\"two\"");
    let (out, log) = apply_tf(&v2, &out.state, None).await;
    assert!(!out.diags.has_errors(), "{}", out.diags);
    assert_eq!(*log.lock().unwrap(), vec!["create two", "delete one"]);
    let v3 = v2
        .replace(
            "create_before_destroy = true",
            "create_before_destroy = false",
        )
        .replace("\"two\"", "\"three\"");
    let (_, log) = apply_tf(&v3, &out.state, None).await;
    assert_eq!(*log.lock().unwrap(), vec!["delete two", "create three"]);
}

#[tokio::test]
async fn failure_stops_only_dependents_and_keeps_what_was_created() {
    let cfg = tf(r#"
resource "test_thing" "bad" {
  name = "bad"
}
resource "test_thing" "after_bad" {
  name  = "after_bad"
  value = test_thing.bad.id
}
resource "test_thing" "independent" {
  name = "independent"
}
"#);
    let (out, log) = apply_tf(&cfg, &State::default(), Some("bad")).await;
    assert!(out.diags.has_errors());
    assert_eq!(*log.lock().unwrap(), vec!["create independent"]);
    assert!(out
        .state
        .instances
        .contains_key(&parse_instance("test_thing.independent").unwrap()));
    assert_eq!(out.state.instances.len(), 1);
}

#[tokio::test]
async fn destroy_runs_in_reverse_dependency_order() {
    let cfg = tf("resource \"test_thing\" \"base\" {\n  name = \"base\"\n}\nresource \"test_thing\" \"top\" {\n  name = \"top\"\n  value = test_thing.base.id\n}\n");
    let (out, _) = apply_tf(&cfg, &State::default(), None).await;
    let dir = config_dir(&cfg);
    let log: Log = Default::default();
    let ctx = context(dir.path(), &log, None);
    let opts = PlanOptions {
        mode: PlanMode::Destroy,
        ..Default::default()
    };
    let p = autostack_core::plan::plan(&ctx, &out.state, &opts)
        .await
        .unwrap();
    assert_eq!(p.counts(), (0, 0, 0, 2));
    let done =
        autostack_core::apply::apply(&ctx, &p, Default::default(), &autostack_core::apply::NoSink)
            .await
            .unwrap();
    assert!(done.state.instances.is_empty());
    assert_eq!(*log.lock().unwrap(), vec!["delete top", "delete base"]);
}

#[tokio::test]
async fn destroy_orders_by_the_configuration_when_state_records_no_dependencies() {
    // An imported object's state records no dependencies; the configuration still orders
    // its destruction (Terraform's destroy refreshes them from it first).
    let cfg = tf("resource \"test_thing\" \"base\" {\n  name = \"base\"\n}\nresource \"test_thing\" \"top\" {\n  name = \"top\"\n  value = test_thing.base.id\n}\n");
    let (mut out, _) = apply_tf(&cfg, &State::default(), None).await;
    for obj in out.state.instances.values_mut() {
        obj.dependencies = Default::default();
    }
    let dir = config_dir(&cfg);
    let log: Log = Default::default();
    let ctx = context(dir.path(), &log, None);
    let opts = PlanOptions {
        mode: PlanMode::Destroy,
        ..Default::default()
    };
    let p = autostack_core::plan::plan(&ctx, &out.state, &opts)
        .await
        .unwrap();
    let top = p
        .changes
        .iter()
        .find(|c| c.addr.to_string() == "test_thing.top");
    assert_eq!(
        top.map(|c| c.dependencies.to_vec()),
        Some(vec!["test_thing.base".to_string()])
    );
    autostack_core::apply::apply(&ctx, &p, Default::default(), &autostack_core::apply::NoSink)
        .await
        .unwrap();
    assert_eq!(*log.lock().unwrap(), vec!["delete top", "delete base"]);
}

#[tokio::test]
async fn prevent_destroy_is_an_error() {
    let cfg = tf("resource \"test_thing\" \"keep\" {\n  name = \"keep\"\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n");
    let (out, _) = apply_tf(&cfg, &State::default(), None).await;
    let changed = cfg.replace("name = \"keep\"", "name = \"other\"");
    let (p, _) = plan_of(&changed, &out.state, &PlanOptions::default()).await;
    let err = p.unwrap_err();
    assert!(
        err.iter()
            .any(|d| d.summary == "Instance cannot be destroyed"),
        "{err}"
    );
}

#[tokio::test]
async fn moved_blocks_rename_without_replacing() {
    let v1 = tf("resource \"test_thing\" \"old\" {\n  name = \"n\"\n}\n");
    let (out, _) = apply_tf(&v1, &State::default(), None).await;
    let v2 = tf("resource \"test_thing\" \"new\" {\n  name = \"n\"\n}\nmoved {\n  from = test_thing.old\n  to   = test_thing.new\n}\n");
    let (p, _) = plan_of(&v2, &out.state, &PlanOptions::default()).await;
    let p = p.unwrap();
    assert_eq!(actions(&p), vec![("test_thing.new".into(), Action::NoOp)]);
    assert_eq!(
        p.changes[0].prev_addr.as_ref().map(|a| a.to_string()),
        Some("test_thing.old".into())
    );
    assert_eq!(p.counts(), (0, 0, 0, 0));
}

#[tokio::test]
async fn import_blocks_adopt_existing_objects() {
    let cfg = tf("resource \"test_thing\" \"i\" {\n  name = \"x\"\n}\nimport {\n  to = test_thing.i\n  id = \"id-x\"\n}\n");
    let (p, _) = plan_of(&cfg, &State::default(), &PlanOptions::default()).await;
    let p = p.unwrap();
    assert_eq!(p.changes[0].importing.as_deref(), Some("id-x"));
    assert_eq!(p.changes[0].action, Action::NoOp);
    assert_eq!(p.counts(), (1, 0, 0, 0));
}

#[tokio::test]
async fn cycles_name_every_node() {
    let cfg = tf("locals {\n  a = local.b\n  b = local.a\n}\nresource \"test_thing\" \"x\" {\n  name = local.a\n}\n");
    let (p, _) = plan_of(&cfg, &State::default(), &PlanOptions::default()).await;
    let err = p.unwrap_err().to_string();
    assert!(err.contains("local.a") && err.contains("local.b"), "{err}");
}

#[tokio::test]
async fn ignore_changes_keeps_prior_values_at_nested_paths() {
    let v1 = tf("resource \"test_thing\" \"t\" {\n  name = \"t\"\n  value = \"1\"\n  tags = { a = \"1\", b = \"1\" }\n  lifecycle {\n    ignore_changes = [tags[\"a\"], value]\n  }\n}\n");
    let (out, _) = apply_tf(&v1, &State::default(), None).await;
    let only_ignored = v1
        .replace("a = \"1\"", "a = \"2\"")
        .replace("value = \"1\"", "value = \"9\"");
    let (p, _) = plan_of(&only_ignored, &out.state, &PlanOptions::default()).await;
    assert_eq!(p.unwrap().changes[0].action, Action::NoOp);
    let other_too = only_ignored.replace("b = \"1\"", "b = \"2\"");
    let (p, _) = plan_of(&other_too, &out.state, &PlanOptions::default()).await;
    let p = p.unwrap();
    assert_eq!(p.changes[0].action, Action::Update);
    let tags = p.changes[0]
        .after
        .as_ref()
        .unwrap()
        .get_attr("tags")
        .unwrap();
    assert_eq!(tags.get_attr("a").unwrap().as_str(), Some("1"));
    assert_eq!(tags.get_attr("b").unwrap().as_str(), Some("2"));
}

#[tokio::test]
async fn replace_triggered_by_watches_the_referenced_attribute() {
    let cfg = |value: &str, tag: &str| {
        tf(&format!("resource \"test_thing\" \"a\" {{\n  name = \"a\"\n  value = \"{value}\"\n  tags = {{ t = \"{tag}\" }}\n}}\nresource \"test_thing\" \"b\" {{\n  name = \"b\"\n  lifecycle {{\n    replace_triggered_by = [test_thing.a.value]\n  }}\n}}\n"))
    };
    let (out, _) = apply_tf(&cfg("1", "x"), &State::default(), None).await;
    let (p, _) = plan_of(&cfg("1", "y"), &out.state, &PlanOptions::default()).await;
    let p = p.unwrap();
    assert_eq!(
        actions(&p),
        vec![
            ("test_thing.a".into(), Action::Update),
            ("test_thing.b".into(), Action::NoOp)
        ]
    );
    let (p, _) = plan_of(&cfg("2", "x"), &out.state, &PlanOptions::default()).await;
    let p = p.unwrap();
    assert_eq!(p.changes[1].action, Action::DeleteThenCreate);
}

#[tokio::test]
async fn state_records_every_transitive_dependency_as_terraform() {
    // Terraform writes each object's graph ancestors (resources and data sources reached
    // through other resources, locals or variables), sorted.
    let cfg = tf(r#"
resource "test_thing" "a" {
  name = "a"
}
locals {
  a_id = test_thing.a.id
}
resource "test_thing" "b" {
  name  = "b"
  value = local.a_id
}
resource "test_thing" "c" {
  name  = "c"
  value = test_thing.b.id
}
"#);
    let (out, _) = apply_tf(&cfg, &State::default(), None).await;
    assert!(!out.diags.has_errors(), "{}", out.diags);
    let deps = |a: &str| {
        out.state.instances[&parse_instance(a).unwrap()]
            .dependencies
            .to_vec()
    };
    assert!(deps("test_thing.a").is_empty());
    assert_eq!(deps("test_thing.b"), vec!["test_thing.a"]);
    assert_eq!(deps("test_thing.c"), vec!["test_thing.a", "test_thing.b"]);
}

#[tokio::test]
async fn a_plan_records_each_objects_dependencies_and_provider_even_when_nothing_changes() {
    // An object whose state names no provider and no dependencies (an older writer, an
    // import): the plan's state has both from the configuration, as Terraform's apply writes.
    let cfg = tf("resource \"test_thing\" \"base\" {\n  name = \"base\"\n}\nresource \"test_thing\" \"top\" {\n  name = \"top\"\n  value = test_thing.base.id\n}\n");
    let (mut out, _) = apply_tf(&cfg, &State::default(), None).await;
    let top = parse_instance("test_thing.top").unwrap();
    let provider = out.state.instances[&top].provider.clone();
    for obj in out.state.instances.values_mut() {
        obj.dependencies = Default::default();
        obj.provider = "".into();
    }
    let (p, _) = plan_of(&cfg, &out.state, &PlanOptions::default()).await;
    let p = p.unwrap();
    assert!(p.changes.iter().all(|c| c.action == Action::NoOp));
    let recorded = &p.prior.instances[&top];
    assert_eq!(recorded.dependencies.to_vec(), ["test_thing.base"]);
    assert_eq!(recorded.provider, provider);
    assert!(!provider.is_empty());
}

#[tokio::test]
async fn an_applied_object_that_breaks_its_plan_is_an_error_naming_the_attribute() {
    let cfg = tf(r#"
resource "test_thing" "bad" {
  name  = "bad"
  value = "misbehave"
}
resource "test_thing" "after" {
  name  = "after"
  value = test_thing.bad.id
}
"#);
    let (out, log) = apply_tf(&cfg, &State::default(), None).await;
    let text = out.diags.to_string();
    assert!(
        text.contains("Provider produced inconsistent result after apply"),
        "{text}"
    );
    assert!(
        text.contains("When applying changes to test_thing.bad, provider \"provider[\\\"registry.terraform.io/hashicorp/test\\\"]\" produced an unexpected new value: .value: was \"misbehave\", but now \"other\"."),
        "{text}"
    );
    // The object exists, so state keeps it (tainted: it was created); its dependent waits.
    let bad = &out.state.instances[&parse_instance("test_thing.bad").unwrap()];
    assert!(bad.tainted);
    assert_eq!(*log.lock().unwrap(), vec!["create bad"]);
}

/// Records which creates journaled an intent.
#[derive(Default)]
struct Intents(std::sync::Mutex<Vec<String>>);

impl autostack_core::apply::StateSink for Intents {
    fn record(
        &self,
        _: &autostack_core::addrs::InstanceAddr,
        _: Option<&autostack_core::state::InstanceObject>,
        _: Option<&str>,
    ) -> Result<(), String> {
        Ok(())
    }
    fn intent(&self, i: &autostack_core::apply::Intent) -> Result<(), String> {
        self.0.lock().unwrap().push(i.addr.to_string());
        Ok(())
    }
    fn resolved(&self, _: &str) -> Result<(), String> {
        Ok(())
    }
    fn depose(&self, _: &autostack_core::addrs::InstanceAddr, _: &str) -> Result<(), String> {
        Ok(())
    }
    fn deposed_gone(&self, _: &autostack_core::addrs::InstanceAddr, _: &str) -> Result<(), String> {
        Ok(())
    }
}

/// A create that can leave an object outside the state journals its intent first; one whose
/// objects live only in the state does not (no fsync to pay: nothing can be orphaned).
#[tokio::test]
async fn only_creates_of_outside_objects_journal_an_intent() {
    let cfg = tf(r#"
resource "test_thing" "remote" {
  name = "r"
}
resource "test_memo" "local" {
  count = 3
  name  = "m${count.index}"
}
"#);
    let dir = config_dir(&cfg);
    let log: Log = Default::default();
    let ctx = context(dir.path(), &log, None);
    let p = autostack_core::plan::plan(&ctx, &State::default(), &PlanOptions::default())
        .await
        .unwrap();
    let sink = Intents::default();
    let opts = autostack_core::apply::ApplyOptions::default();
    let out = autostack_core::apply::apply(&ctx, &p, opts, &sink)
        .await
        .expect("apply");
    assert!(!out.diags.has_errors(), "{}", out.diags);
    assert_eq!(out.added, 4);
    assert_eq!(*sink.0.lock().unwrap(), vec!["test_thing.remote"]);
}

/// Keeps every event as a line.
#[derive(Default)]
struct Recorded(std::sync::Mutex<Vec<String>>);

impl autostack_core::events::Events for Recorded {
    fn event(&self, e: &autostack_core::events::Event<'_>) {
        use autostack_core::events::Event as E;
        let line = match e {
            E::Walked { done, total } => format!("walked {done}/{total}"),
            E::InstancePlanned => "instance planned".to_string(),
            E::RefreshStart { addr, id } => format!("refresh {addr} {id}"),
            E::RefreshDone { addr, .. } => format!("refreshed {addr}"),
            E::Planned { change } => format!("planned {} {:?}", change.addr, change.action),
            E::ApplyStart { addr, action } => format!("start {addr} {action:?}"),
            E::ApplyProgress { addr, .. } => format!("progress {addr}"),
            E::ApplyDone { addr, id, .. } => format!("done {addr} {}", id.unwrap_or("-")),
            E::ApplyErrored { addr, .. } => format!("errored {addr}"),
            E::CopyProgress { addr, progress } => {
                format!(
                    "copy {addr} {}/{}",
                    progress.objects_done, progress.objects_total
                )
            }
            E::CopyDone { addr, stats, .. } => format!("copied {addr} {}", stats.copied),
        };
        self.0.lock().unwrap().push(line);
    }
}

/// Plan and apply report what they do as events: refreshes of prior objects, planned changes,
/// each operation's start and end, and progress while a slow one runs.
#[tokio::test]
async fn plan_and_apply_report_events() {
    let cfg = tf(r#"
resource "test_thing" "kept" {
  name = "kept"
}
resource "test_thing" "slow" {
  name  = "slow"
  value = "slow"
}
"#);
    let dir = config_dir(&cfg);
    let log: Log = Default::default();
    let mut ctx = context(dir.path(), &log, None);
    let events = std::sync::Arc::new(Recorded::default());
    ctx.events = events.clone();
    let mut prior = State::default();
    let kept = parse_instance("test_thing.kept").unwrap();
    let (existing, _) = apply_tf(
        &tf("resource \"test_thing\" \"kept\" {\n  name = \"kept\"\n}\n"),
        &prior,
        None,
    )
    .await;
    prior
        .instances
        .insert(kept.clone(), existing.state.instances[&kept].clone());
    let p = autostack_core::plan::plan(&ctx, &prior, &PlanOptions::default())
        .await
        .unwrap();
    let opts = autostack_core::apply::ApplyOptions {
        progress_every: std::time::Duration::from_millis(40),
        ..Default::default()
    };
    autostack_core::apply::apply(&ctx, &p, opts, &autostack_core::apply::NoSink)
        .await
        .unwrap();
    let lines = events.0.lock().unwrap().clone();
    let at = |l: &str| {
        lines
            .iter()
            .position(|x| x == l)
            .unwrap_or_else(|| panic!("no {l:?} in {lines:?}"))
    };
    // The walk reports every graph node (provider, two resources) as it goes, before the
    // changes it planned.
    assert!(at("walked 0/3") < at("walked 2/3"), "{lines:?}");
    assert!(at("walked 2/3") < at("planned test_thing.slow Create"));
    // Each instance is counted as it is planned (two resources, one instance each).
    let planned = lines.iter().filter(|l| *l == "instance planned").count();
    assert_eq!(planned, 2, "{lines:?}");
    assert!(at("instance planned") < at("walked 2/3"));
    assert!(at("refresh test_thing.kept id-kept") < at("refreshed test_thing.kept"));
    assert!(at("refreshed test_thing.kept") < at("planned test_thing.slow Create"));
    assert!(at("planned test_thing.slow Create") < at("start test_thing.slow Create"));
    assert!(at("start test_thing.slow Create") < at("progress test_thing.slow"));
    assert!(at("progress test_thing.slow") < at("done test_thing.slow id-slow"));
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("progress")).count(),
        3,
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("planned test_thing.kept")),
        "no-ops are not reported"
    );
}
