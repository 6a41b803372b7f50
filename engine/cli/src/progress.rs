//! Apply progress: Terraform's human lines (`x: Creating...`, `Creation complete after 2s
//! [id=...]`) and its machine-readable `-json` stream (one JSON object per line).

use autostack_core::addrs::{InstanceAddr, InstanceKey};
use autostack_core::events::{Event, Events};
use autostack_core::jsonplan::TERRAFORM_VERSION;
use autostack_core::plan::Action;
use serde_json::{json, Value as Json};
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Where progress goes.
pub enum Progress {
    /// Human lines on stdout.
    Human {
        /// Color the addresses.
        color: bool,
    },
    /// JSON lines on stdout.
    Json(Bindings),
}

/// The provider local name each portable resource is bound to (`aws` for a
/// `portable_instance` served by aws), keyed by [`binding_key`]: the `-json` UI's
/// `implied_provider` names it, as the type's prefix names no provider.
pub type Bindings = std::sync::Arc<std::collections::BTreeMap<String, String>>;

/// The bindings of every portable resource of `tree` (after `bind_portable`).
pub fn bindings(tree: &autostack_lang::config::ModuleTree) -> Bindings {
    fn walk(
        tree: &autostack_lang::config::ModuleTree,
        path: &mut Vec<String>,
        out: &mut std::collections::BTreeMap<String, String>,
    ) {
        for r in tree.module.resources.values() {
            if let (true, Some((local, _))) =
                (autostack_core::addrs::is_portable(&r.ty), &r.provider)
            {
                out.insert(
                    binding_key(path.iter().map(String::as_str), &r.ty, &r.name),
                    local.clone(),
                );
            }
        }
        for (name, child) in &tree.children {
            path.push(name.clone());
            walk(child, path, out);
            path.pop();
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(tree, &mut Vec::new(), &mut out);
    std::sync::Arc::new(out)
}

/// The key of a resource in [`Bindings`]: its module calls' names, type and name.
fn binding_key<'a>(modules: impl Iterator<Item = &'a str>, ty: &str, name: &str) -> String {
    let mut key: Vec<&str> = modules.collect();
    key.extend([ty, name]);
    key.join(".")
}

/// The provider local name a resource's type implies: its bound cloud's for a portable
/// resource, else its prefix (Terraform's rule).
fn implied_provider<'a>(addr: &'a InstanceAddr, bound: &'a Bindings) -> &'a str {
    let r = &addr.resource;
    let modules = r.module.steps().iter().map(|(n, _)| n.as_str());
    match bound.get(&binding_key(modules, &r.ty, &r.name)) {
        Some(local) => local,
        None => autostack_core::addrs::implied_local_name(&r.ty),
    }
}

static OUT: Mutex<()> = Mutex::new(());

fn verbs(a: Action) -> (&'static str, &'static str) {
    match a {
        Action::Create => ("Creating...", "Creation complete"),
        Action::Update => ("Modifying...", "Modifications complete"),
        Action::Delete => ("Destroying...", "Destruction complete"),
        Action::Read => ("Reading...", "Read complete"),
        _ => ("Working...", "Complete"),
    }
}

fn secs(d: Duration) -> u64 {
    d.as_secs()
}

/// The `resource` object of JSON UI messages.
pub fn resource_json(addr: &InstanceAddr, bound: &Bindings) -> Json {
    let key = match &addr.key {
        Some(InstanceKey::Int(i)) => json!(i),
        Some(InstanceKey::Str(s)) => json!(s),
        None => Json::Null,
    };
    json!({
        "addr": addr.to_string(),
        "module": addr.resource.module.to_string(),
        "resource": format!("{}{}", addr.resource.local(), addr.key.as_ref().map(|k| k.to_string()).unwrap_or_default()),
        "implied_provider": implied_provider(addr, bound),
        "resource_type": addr.resource.ty,
        "resource_name": addr.resource.name,
        "resource_key": key,
    })
}

/// Terraform's JSON UI action names.
pub fn action_name(a: Action) -> &'static str {
    match a {
        Action::NoOp => "noop",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
        Action::Migrate => "migrate",
    }
}

/// Writes one JSON UI message.
pub fn emit(level: &str, message: &str, kind: &str, extra: Json) {
    let mut obj = json!({
        "@level": level,
        "@message": message,
        "@module": "autostack.ui",
        "@timestamp": chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false),
        "type": kind,
    });
    if let (Some(o), Json::Object(e)) = (obj.as_object_mut(), extra) {
        o.extend(e);
    }
    let _g = OUT.lock();
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{obj}");
    let _ = out.flush();
}

/// The first line of every `-json` stream.
pub fn emit_version() {
    emit(
        "info",
        &format!("AutoStack {}", env!("CARGO_PKG_VERSION")),
        "version",
        json!({ "terraform": TERRAFORM_VERSION, "autostack": env!("CARGO_PKG_VERSION"), "ui": "1.2" }),
    );
}

impl Events for Progress {
    fn event(&self, e: &Event<'_>) {
        match *e {
            Event::Walked { done, total } => return crate::meter::walked(done, total),
            Event::InstancePlanned => return crate::meter::instance_planned(),
            _ => {}
        }
        if let Event::CopyProgress { progress: p, .. } = *e {
            crate::meter::copied(p.objects_done, p.objects_total);
        }
        match (self, *e) {
            (Progress::Human { color }, e) => human(*color, e),
            (Progress::Json(bound), e) => machine(e, bound),
        }
    }
}

/// An event's text after its address: the human line, and the `@message` of its `-json`
/// message, as Terraform words both.
fn text(e: Event<'_>) -> Option<(&InstanceAddr, String)> {
    let id_part = |id: Option<&str>, action| {
        id.filter(|_| action != Action::Delete)
            .map(|i| format!(" [id={i}]"))
            .unwrap_or_default()
    };
    let text = match e {
        Event::Walked { .. } | Event::InstancePlanned => return None,
        Event::RefreshStart { addr, id } => (addr, format!("Refreshing state... [id={id}]")),
        Event::RefreshDone { addr, id, .. } => (addr, format!("Refresh complete [id={id}]")),
        Event::Planned { change: c } => (&c.addr, format!("Plan to {}", action_name(c.action))),
        Event::ApplyStart { addr, action } => (addr, verbs(action).0.to_string()),
        Event::ApplyProgress {
            addr,
            action,
            elapsed,
        } => (
            addr,
            format!("Still {} [{}s elapsed]", still(action), secs(elapsed)),
        ),
        Event::ApplyDone {
            addr,
            action,
            elapsed,
            id,
        } => {
            let done = verbs(action).1;
            (
                addr,
                format!("{done} after {}s{}", secs(elapsed), id_part(id, action)),
            )
        }
        Event::ApplyErrored {
            addr,
            action,
            elapsed,
        } => {
            let verb = verbs(action).1.split(' ').next().unwrap_or("Operation");
            (addr, format!("{verb} errored after {}s", secs(elapsed)))
        }
        Event::CopyProgress { addr, progress: p } => (
            addr,
            format!(
                "Copying objects to the new cloud... {}/{} objects, {} of {}",
                p.objects_done,
                p.objects_total,
                size(p.bytes_done),
                size(p.bytes_total)
            ),
        ),
        Event::CopyDone {
            addr,
            stats,
            elapsed,
        } => (
            addr,
            format!(
                "Copy complete after {}s [{} objects copied, {}; {} already there, checksums verified]",
                secs(elapsed),
                stats.copied,
                size(stats.bytes),
                stats.skipped
            ),
        ),
    };
    Some(text)
}

/// A byte count as people read it (`1.5 MB`).
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}

/// The human line of an event (none for refresh ends, planned changes and errors, which the
/// plan rendering and the diagnostics show).
fn human(color: bool, e: Event<'_>) {
    if matches!(
        e,
        Event::RefreshDone { .. } | Event::Planned { .. } | Event::ApplyErrored { .. }
    ) {
        return;
    }
    // One line as a copy starts; the meter shows how it goes.
    if matches!(e, Event::CopyProgress { progress, .. } if progress.objects_done > 0) {
        return;
    }
    let Some((addr, text)) = text(e) else {
        return;
    };
    let _g = OUT.lock();
    crate::meter::suspended(|| match color {
        true => println!("\x1b[1m{addr}\x1b[0m: {text}"),
        false => println!("{addr}: {text}"),
    });
}

/// Terraform's progress verb (`Still creating...`).
fn still(a: Action) -> &'static str {
    match a {
        Action::Create => "creating...",
        Action::Update => "modifying...",
        Action::Delete => "destroying...",
        Action::Read => "reading...",
        _ => "working...",
    }
}

/// The `-json` UI message of an event, as Terraform's machine-readable UI writes it.
fn machine(e: Event<'_>, bound: &Bindings) {
    let Some((addr, text)) = text(e) else {
        return;
    };
    let msg = format!("{addr}: {text}");
    let hook = |action: Action, elapsed: Option<std::time::Duration>| {
        let mut h =
            json!({ "resource": resource_json(addr, bound), "action": action_name(action) });
        if let Some(d) = elapsed {
            h["elapsed_seconds"] = json!(secs(d));
        }
        h
    };
    let refresh = |id: &str| json!({ "hook": { "resource": resource_json(addr, bound), "id_key": "id", "id_value": id } });
    let (level, kind, extra) = match e {
        Event::Walked { .. } | Event::InstancePlanned => return,
        Event::RefreshStart { id, .. } => ("info", "refresh_start", refresh(id)),
        Event::RefreshDone { id, .. } => ("info", "refresh_complete", refresh(id)),
        Event::Planned { change: c } => (
            "info",
            "planned_change",
            json!({ "change": { "resource": resource_json(addr, bound), "action": action_name(c.action) } }),
        ),
        Event::ApplyStart { action, .. } => {
            ("info", "apply_start", json!({ "hook": hook(action, None) }))
        }
        Event::ApplyProgress {
            action, elapsed, ..
        } => (
            "info",
            "apply_progress",
            json!({ "hook": hook(action, Some(elapsed)) }),
        ),
        Event::ApplyDone {
            action,
            elapsed,
            id,
            ..
        } => {
            let mut h = hook(action, Some(elapsed));
            if let Some(i) = id.filter(|_| action != Action::Delete) {
                h["id_key"] = json!("id");
                h["id_value"] = json!(i);
            }
            ("info", "apply_complete", json!({ "hook": h }))
        }
        Event::ApplyErrored {
            action, elapsed, ..
        } => (
            "error",
            "apply_errored",
            json!({ "hook": hook(action, Some(elapsed)) }),
        ),
        // AutoStack's own message types (a Terraform reader skips types it does not know).
        Event::CopyProgress { progress: p, .. } => (
            "info",
            "copy_progress",
            json!({ "copy": { "resource": resource_json(addr, bound), "objects_done": p.objects_done, "objects_total": p.objects_total, "bytes_done": p.bytes_done, "bytes_total": p.bytes_total } }),
        ),
        Event::CopyDone { stats, elapsed, .. } => (
            "info",
            "copy_complete",
            json!({ "copy": { "resource": resource_json(addr, bound), "copied": stats.copied, "skipped": stats.skipped, "bytes": stats.bytes, "elapsed_seconds": secs(elapsed) } }),
        ),
    };
    emit(level, &msg, kind, extra);
}
