//! Apply progress: Terraform's human lines (`x: Creating...`, `Creation complete after 2s
//! [id=...]`) and its machine-readable `-json` stream (one JSON object per line).

use autostack_core::addrs::{InstanceAddr, InstanceKey};
use autostack_core::apply::Observer;
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
    Json,
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
pub fn resource_json(addr: &InstanceAddr) -> Json {
    let key = match &addr.key {
        Some(InstanceKey::Int(i)) => json!(i),
        Some(InstanceKey::Str(s)) => json!(s),
        None => Json::Null,
    };
    json!({
        "addr": addr.to_string(),
        "module": addr.resource.module.to_string(),
        "resource": format!("{}{}", addr.resource.local(), addr.key.as_ref().map(|k| k.to_string()).unwrap_or_default()),
        "implied_provider": autostack_core::addrs::implied_local_name(&addr.resource.ty),
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

impl Observer for Progress {
    fn started(&self, addr: &InstanceAddr, action: Action) {
        let (start, _) = verbs(action);
        match self {
            Progress::Human { color } => {
                let _g = OUT.lock();
                let a = if *color {
                    format!("\x1b[1m{addr}\x1b[0m")
                } else {
                    addr.to_string()
                };
                println!("{a}: {start}");
            }
            Progress::Json => emit(
                "info",
                &format!("{addr}: {start}"),
                "apply_start",
                json!({ "hook": { "resource": resource_json(addr), "action": action_name(action) } }),
            ),
        }
    }

    fn finished(&self, addr: &InstanceAddr, action: Action, elapsed: Duration, id: Option<String>) {
        let (_, done) = verbs(action);
        let id_part = id
            .as_ref()
            .filter(|_| action != Action::Delete)
            .map(|i| format!(" [id={i}]"))
            .unwrap_or_default();
        let msg = format!("{addr}: {done} after {}s{id_part}", secs(elapsed));
        match self {
            Progress::Human { color } => {
                let _g = OUT.lock();
                let a = if *color {
                    format!("\x1b[1m{addr}\x1b[0m")
                } else {
                    addr.to_string()
                };
                println!("{a}: {done} after {}s{id_part}", secs(elapsed));
            }
            Progress::Json => {
                let mut hook = json!({ "resource": resource_json(addr), "action": action_name(action), "elapsed_seconds": secs(elapsed) });
                if let Some(i) = id.filter(|_| action != Action::Delete) {
                    hook["id_key"] = json!("id");
                    hook["id_value"] = json!(i);
                }
                emit("info", &msg, "apply_complete", json!({ "hook": hook }));
            }
        }
    }

    fn failed(&self, addr: &InstanceAddr, action: Action, elapsed: Duration) {
        if let Progress::Json = self {
            let hook = json!({ "resource": resource_json(addr), "action": action_name(action), "elapsed_seconds": secs(elapsed) });
            emit(
                "error",
                &format!(
                    "{addr}: {} errored after {}s",
                    verbs(action).1.split(' ').next().unwrap_or("Operation"),
                    secs(elapsed)
                ),
                "apply_errored",
                json!({ "hook": hook }),
            );
        }
    }
}
