//! What the test provider does: `testcloud_server` objects are JSON files under the
//! provider's `root` directory (so tests can look at, change or delete the "cloud" between
//! commands), each with private data the provider checks comes back to it.

use crate::schema::{object_type, provider_schema};
use autostack_provider_plugin::convert::{dynamic, value};
use autostack_provider_plugin::proto::tfplugin6::{self as v6, attribute_path::step::Selector};
use autostack_value::json::{from_json, to_json};
use autostack_value::{Number, Type, Value};
use std::path::PathBuf;
use std::sync::Mutex;

/// The private data every server carries.
pub const PRIVATE: &[u8] = b"{\"created_by\":\"testcloud\"}";

/// The provider's state: where its objects live.
pub struct Cloud {
    root: Mutex<Option<PathBuf>>,
    server: Type,
    lookup: Type,
    provider: Type,
}

pub fn error(summary: &str, detail: &str, attr: Option<&str>) -> v6::Diagnostic {
    v6::Diagnostic {
        severity: v6::diagnostic::Severity::Error as i32,
        summary: summary.into(),
        detail: detail.into(),
        attribute: attr.map(|a| v6::AttributePath {
            steps: vec![v6::attribute_path::Step {
                selector: Some(Selector::AttributeName(a.into())),
            }],
        }),
    }
}

fn get<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    match v.unmarked() {
        Value::Object(m) => m.get(k).filter(|v| !v.is_null()),
        _ => None,
    }
}

fn with(v: &Value, k: &str, x: Value) -> Value {
    let mut m = match v.unmarked() {
        Value::Object(m) => (**m).clone(),
        _ => autostack_value::ValueMap::new(),
    };
    m.insert(k.into(), x);
    Value::object(m)
}

fn text(v: Option<&Value>) -> Option<String> {
    match v.map(Value::unmarked) {
        Some(Value::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// Diagnostics in the protocol's shape.
pub type Diags = Vec<v6::Diagnostic>;

impl Cloud {
    /// A provider not yet configured.
    pub fn new() -> Cloud {
        let s = provider_schema();
        Cloud {
            root: Mutex::new(None),
            server: object_type(&s.resource_schemas["testcloud_server"]),
            lookup: object_type(&s.data_source_schemas["testcloud_lookup"]),
            provider: object_type(s.provider.as_ref().expect("provider schema")),
        }
    }

    fn dir(&self) -> Result<PathBuf, Diags> {
        let root = self.root.lock().expect("lock").clone();
        root.map(|r| r.join("testcloud_server")).ok_or_else(|| {
            vec![error(
                "Provider not configured",
                "ConfigureProvider was not called first.",
                None,
            )]
        })
    }

    fn decode(&self, d: Option<&v6::DynamicValue>, ty: &Type) -> Result<Value, Diags> {
        value(d, ty, "value").map_err(|d| {
            d.iter()
                .map(|x| error(&x.summary, &x.detail, None))
                .collect()
        })
    }

    /// ConfigureProvider.
    pub fn configure(&self, config: Option<&v6::DynamicValue>) -> Diags {
        let cfg = match self.decode(config, &self.provider) {
            Ok(c) => c,
            Err(d) => return d,
        };
        if text(get(&cfg, "token")).as_deref() == Some("bad") {
            return vec![error(
                "Invalid token",
                "The token was rejected.",
                Some("token"),
            )];
        }
        let Some(root) = text(get(&cfg, "root")) else {
            return vec![error(
                "Missing root",
                "The provider needs a root directory.",
                Some("root"),
            )];
        };
        let root = PathBuf::from(root);
        if let Err(e) = std::fs::create_dir_all(root.join("testcloud_server")) {
            return vec![error("Cannot use root", &e.to_string(), Some("root"))];
        }
        *self.root.lock().expect("lock") = Some(root);
        Vec::new()
    }

    /// ValidateResourceConfig: sizes above 64 are refused.
    pub fn validate(&self, config: Option<&v6::DynamicValue>) -> Diags {
        let cfg = match self.decode(config, &self.server) {
            Ok(c) => c,
            Err(d) => return d,
        };
        match get(&cfg, "size").map(Value::unmarked) {
            Some(Value::Number(n)) if n.to_f64() > 64.0 => vec![error(
                "Invalid size",
                "size must be at most 64.",
                Some("size"),
            )],
            _ => Vec::new(),
        }
    }

    /// PlanResourceChange: `id` and `ip` unknown until created, `size` defaults to 1, a new
    /// `name` replaces the server.
    pub fn plan(
        &self,
        r: &v6::plan_resource_change::Request,
    ) -> Result<v6::plan_resource_change::Response, Diags> {
        let prior = self.decode(r.prior_state.as_ref(), &self.server)?;
        let proposed = self.decode(r.proposed_new_state.as_ref(), &self.server)?;
        let mut out = v6::plan_resource_change::Response::default();
        if proposed.is_null() {
            out.planned_state = Some(dynamic(&proposed, &self.server));
            return Ok(out);
        }
        if !prior.is_null() && r.prior_private != PRIVATE {
            return Err(vec![error(
                "Private data lost",
                "The prior private data did not come back.",
                None,
            )]);
        }
        let replace = !prior.is_null() && text(get(&prior, "name")) != text(get(&proposed, "name"));
        let mut planned = proposed.clone();
        for computed in ["id", "ip"] {
            let keep = get(&prior, computed).filter(|_| !replace).cloned();
            planned = with(
                &planned,
                computed,
                keep.unwrap_or(Value::Unknown(Type::String)),
            );
        }
        if get(&proposed, "size").is_none() {
            planned = with(
                &planned,
                "size",
                get(&prior, "size").cloned().unwrap_or(Value::int(1)),
            );
        }
        if replace {
            out.requires_replace.push(v6::AttributePath {
                steps: vec![v6::attribute_path::Step {
                    selector: Some(Selector::AttributeName("name".into())),
                }],
            });
        }
        out.planned_state = Some(dynamic(&planned, &self.server));
        out.planned_private = PRIVATE.to_vec();
        out.legacy_type_system = sloppiness(&planned) == Some(true);
        Ok(out)
    }

    /// ApplyResourceChange: writes (or deletes) the server's file. A server named `crash`
    /// makes the plugin crash, as a buggy provider would.
    pub fn apply(
        &self,
        r: &v6::apply_resource_change::Request,
    ) -> Result<v6::apply_resource_change::Response, Diags> {
        let dir = self.dir()?;
        let prior = self.decode(r.prior_state.as_ref(), &self.server)?;
        let planned = self.decode(r.planned_state.as_ref(), &self.server)?;
        let mut out = v6::apply_resource_change::Response::default();
        if planned.is_null() {
            if let Some(id) = text(get(&prior, "id")) {
                let _ = std::fs::remove_file(dir.join(format!("{id}.json")));
            }
            out.new_state = Some(dynamic(&planned, &self.server));
            return Ok(out);
        }
        if text(get(&planned, "name")).as_deref() == Some("crash") {
            eprintln!("panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation]\n\ngoroutine 1 [running]:\ntestcloud.(*server).Create()");
            std::process::abort();
        }
        let id = text(get(&prior, "id")).unwrap_or_else(|| format!("srv-{:08x}", fresh()));
        let ip = text(get(&prior, "ip"))
            .unwrap_or_else(|| format!("10.0.{}.{}", fresh() % 250, fresh() % 250));
        let mut state = with(
            &with(&planned, "id", Value::string(id.clone())),
            "ip",
            Value::string(ip),
        );
        // A server named `legacy-…` or `sloppy-…` comes back one size larger than planned, as
        // an SDKv2 provider's shims may; only the first says it uses the legacy type system.
        if let Some(legacy) = sloppiness(&planned) {
            let size = (get(&planned, "size").and_then(Value::as_number))
                .and_then(Number::to_i64)
                .unwrap_or(1);
            state = with(&state, "size", Value::int(size + 1));
            out.legacy_type_system = legacy;
        }
        let json = serde_json::to_vec_pretty(&to_json(&state)).expect("json");
        std::fs::write(dir.join(format!("{id}.json")), json)
            .map_err(|e| vec![error("Write failed", &e.to_string(), None)])?;
        out.new_state = Some(dynamic(&state, &self.server));
        out.private = PRIVATE.to_vec();
        Ok(out)
    }

    /// ReadResource: the server's file, or null when it was deleted behind our back.
    pub fn read(
        &self,
        r: &v6::read_resource::Request,
    ) -> Result<v6::read_resource::Response, Diags> {
        let current = self.decode(r.current_state.as_ref(), &self.server)?;
        if r.private != PRIVATE {
            return Err(vec![error(
                "Private data lost",
                "ReadResource did not get the object's private data.",
                None,
            )]);
        }
        let id = text(get(&current, "id")).unwrap_or_default();
        let state = self.load(&id)?.unwrap_or(Value::Null(self.server.clone()));
        Ok(v6::read_resource::Response {
            new_state: Some(dynamic(&state, &self.server)),
            private: r.private.clone(),
            ..Default::default()
        })
    }

    fn load(&self, id: &str) -> Result<Option<Value>, Diags> {
        let Ok(bytes) = std::fs::read(self.dir()?.join(format!("{id}.json"))) else {
            return Ok(None);
        };
        let j: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| vec![error("Corrupt object", &e.to_string(), None)])?;
        from_json(&j, &self.server)
            .map(Some)
            .map_err(|e| vec![error("Corrupt object", &e.0, None)])
    }

    /// ImportResourceState.
    pub fn import(
        &self,
        r: &v6::import_resource_state::Request,
    ) -> Result<v6::import_resource_state::Response, Diags> {
        let Some(state) = self.load(&r.id)? else {
            return Ok(Default::default());
        };
        Ok(v6::import_resource_state::Response {
            imported_resources: vec![v6::import_resource_state::ImportedResource {
                type_name: r.type_name.clone(),
                state: Some(dynamic(&state, &self.server)),
                private: PRIVATE.to_vec(),
            }],
            ..Default::default()
        })
    }

    /// UpgradeResourceState: version 0 named the `name` attribute `label`.
    pub fn upgrade(
        &self,
        r: &v6::upgrade_resource_state::Request,
    ) -> Result<v6::upgrade_resource_state::Response, Diags> {
        let raw = r.raw_state.as_ref().map(|s| s.json.as_slice());
        let v = self.recorded_state(r.version, raw.unwrap_or_default())?;
        Ok(v6::upgrade_resource_state::Response {
            upgraded_state: Some(dynamic(&v, &self.server)),
            diagnostics: Vec::new(),
        })
    }

    /// A server's state as recorded (JSON) at schema `version`, in the current schema.
    pub fn recorded_state(&self, version: i64, raw: &[u8]) -> Result<Value, Diags> {
        let mut j: serde_json::Value = serde_json::from_slice(raw)
            .map_err(|e| vec![error("Bad state", &e.to_string(), None)])?;
        if version == 0 {
            if let Some(obj) = j.as_object_mut() {
                let label = obj.remove("label").unwrap_or(serde_json::Value::Null);
                obj.insert("name".into(), label);
            }
        }
        from_json(&j, &self.server).map_err(|e| vec![error("Bad state", &e.0, None)])
    }

    /// The object type of servers (and machines, which share it).
    pub fn server_type(&self) -> &Type {
        &self.server
    }

    /// ReadDataSource: the server of a name.
    pub fn read_data(
        &self,
        r: &v6::read_data_source::Request,
    ) -> Result<v6::read_data_source::Response, Diags> {
        let cfg = self.decode(r.config.as_ref(), &self.lookup)?;
        let name = text(get(&cfg, "name"));
        let entries = std::fs::read_dir(self.dir()?)
            .map_err(|e| vec![error("Read failed", &e.to_string(), None)])?;
        for e in entries.flatten() {
            let id = e
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".json")
                .to_string();
            if let Some(s) = self.load(&id)?.filter(|s| text(get(s, "name")) == name) {
                let found = with(
                    &with(&cfg, "id", Value::string(id)),
                    "ip",
                    get(&s, "ip").cloned().unwrap_or(Value::Null(Type::String)),
                );
                return Ok(v6::read_data_source::Response {
                    state: Some(dynamic(&found, &self.lookup)),
                    ..Default::default()
                });
            }
        }
        Err(vec![error(
            "Server not found",
            &format!("No server is named {name:?}."),
            Some("name"),
        )])
    }
}

fn fresh() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    t.wrapping_add(SEQ.fetch_add(7919, Ordering::Relaxed))
        .wrapping_mul(2654435761)
        ^ std::process::id()
}

/// For servers named to misbehave: `Some(true)` for `legacy-…` (inconsistent, and flagged as
/// the legacy type system), `Some(false)` for `sloppy-…` (inconsistent, unflagged).
fn sloppiness(planned: &Value) -> Option<bool> {
    let name = text(get(planned, "name"))?;
    match () {
        _ if name.starts_with("legacy-") => Some(true),
        _ if name.starts_with("sloppy-") => Some(false),
        _ => None,
    }
}
