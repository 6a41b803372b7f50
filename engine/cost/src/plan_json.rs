//! Reading Terraform's JSON plan format (`terraform show -json PLANFILE`, format_version 1.x).
//!
//! Uses `resource_changes[]` (address, mode, type, name, index, module_address, provider_name,
//! change.actions/before/after/after_unknown, deposed) and `configuration` (provider_config with
//! their `region` / `zone` expressions, and each resource's `provider_config_key`). A region set
//! from a root variable (`region = var.region`) is resolved from the plan's `variables`; any other
//! reference makes the region unknown ("depends on the provider's region (…)").

use crate::error::{read_file, CostError};
use crate::model::{Action, Mode, PlanInput, ProviderConfig, ResourceChange, Setting};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

struct Doc<'a> {
    file: &'a str,
}

impl Doc<'_> {
    fn err(&self, path: &str, message: impl Into<String>) -> CostError {
        CostError::PlanJson {
            file: self.file.to_string(),
            path: path.to_string(),
            message: message.into(),
        }
    }

    fn string<'v>(&self, v: &'v Value, key: &str, path: &str) -> Result<&'v str, CostError> {
        match v.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(self.err(&format!("{path}.{key}"), "must be a string")),
            None => Err(self.err(path, format!("missing \"{key}\""))),
        }
    }
}

/// Reads and parses a Terraform JSON plan file.
pub fn load_plan_json(path: &Path) -> Result<PlanInput, CostError> {
    parse_plan_json(&path.display().to_string(), &read_file(path)?)
}

/// Parses a Terraform JSON plan document into the estimator's input model.
pub fn parse_plan_json(file: &str, text: &str) -> Result<PlanInput, CostError> {
    let doc = Doc { file };
    let root: Value = serde_json::from_str(text)
        .map_err(|e| doc.err(&format!("{}:{}", e.line(), e.column()), e.to_string()))?;
    if !root.is_object() {
        return Err(doc.err("$", "a plan document must be a JSON object"));
    }
    let version = doc.string(&root, "format_version", "$")?;
    if version.split('.').next() != Some("1") {
        return Err(doc.err(
            "format_version",
            format!("unsupported format_version {version:?} (expected 1.x)"),
        ));
    }
    let empty = Map::new();
    let vars = root
        .get("variables")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let config = root.get("configuration").cloned().unwrap_or(Value::Null);
    let mut input = PlanInput::new();
    if let Some(pc) = config.get("provider_config").and_then(Value::as_object) {
        for (key, p) in pc {
            input
                .provider_configs
                .insert(key.clone(), provider_config(key, p, vars));
        }
    }
    let mut keys = HashMap::new();
    if let Some(m) = config.get("root_module") {
        collect_config_keys(m, "", &mut keys);
    }
    let changes = match root.get("resource_changes") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => &a[..],
        Some(_) => return Err(doc.err("resource_changes", "must be an array")),
    };
    for (i, rc) in changes.iter().enumerate() {
        input.push(resource_change(
            &doc,
            rc,
            &format!("resource_changes[{i}]"),
            &keys,
        )?);
    }
    Ok(input)
}

/// One `configuration.provider_config.<key>` entry (`name`, `alias`, `expressions`) with the
/// plan's `variables` (`{name: {"value": ...}}`): the seam for callers that hold a plan in
/// memory and build the [`PlanInput`] without rendering a whole JSON document.
pub fn provider_config(key: &str, p: &Value, vars: &Map<String, Value>) -> ProviderConfig {
    let root_module = !key.contains(':');
    let setting = |name: &str| {
        p.get("expressions")
            .and_then(|e| e.get(name))
            .and_then(|x| expression(x, vars, root_module))
    };
    ProviderConfig {
        name: p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_string(),
        alias: p.get("alias").and_then(Value::as_str).map(str::to_string),
        region: setting("region"),
        zone: setting("zone"),
    }
}

/// A provider argument's expression: a constant, a root variable, or unknown.
fn expression(x: &Value, vars: &Map<String, Value>, root_module: bool) -> Option<Setting> {
    if let Some(c) = x.get("constant_value") {
        return c.as_str().map(|s| Setting::Known(s.to_string()));
    }
    let refs: Vec<&str> = x
        .get("references")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let var = refs
        .iter()
        .find_map(|r| r.strip_prefix("var."))
        .filter(|_| root_module);
    if let Some(v) = var
        .and_then(|name| vars.get(name))
        .and_then(|v| v.get("value"))
        .and_then(Value::as_str)
    {
        if refs.iter().all(|r| r.starts_with("var.")) {
            return Some(Setting::Known(v.to_string()));
        }
    }
    Some(Setting::Unknown(
        refs.first().copied().unwrap_or("an expression").to_string(),
    ))
}

/// Maps each configured resource (`module.a.aws_instance.web`) to its provider_config_key.
fn collect_config_keys(module: &Value, prefix: &str, out: &mut HashMap<String, String>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(addr), Some(key)) = (
            r.get("address").and_then(Value::as_str),
            r.get("provider_config_key").and_then(Value::as_str),
        ) {
            out.insert(format!("{prefix}{addr}"), key.to_string());
        }
    }
    for (name, call) in module
        .get("module_calls")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(m) = call.get("module") {
            collect_config_keys(m, &format!("{prefix}module.{name}."), out);
        }
    }
}

/// `module.a["x"].module.b` → `module.a.module.b` (configuration addresses have no instance keys).
fn strip_instance_keys(addr: &str) -> String {
    let mut out = String::new();
    let (mut depth, mut in_str) = (0, false);
    for c in addr.chars() {
        match c {
            '"' if depth > 0 => in_str = !in_str,
            '[' if !in_str => depth += 1,
            ']' if !in_str => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The action of `change.actions`.
fn action_of(doc: &Doc, change: &Value, cpath: &str) -> Result<Action, CostError> {
    let actions: Vec<&str> = match change.get("actions") {
        Some(Value::Array(a)) => a.iter().map(|x| x.as_str().unwrap_or("?")).collect(),
        _ => return Err(doc.err(cpath, "missing \"actions\" array")),
    };
    Action::from_terraform(&actions).ok_or_else(|| {
        doc.err(
            &format!("{cpath}.actions"),
            format!("unknown actions {actions:?}"),
        )
    })
}

fn resource_change(
    doc: &Doc,
    rc: &Value,
    path: &str,
    keys: &HashMap<String, String>,
) -> Result<ResourceChange, CostError> {
    if !rc.is_object() {
        return Err(doc.err(path, "must be an object"));
    }
    let address = doc.string(rc, "address", path)?;
    let type_name = doc.string(rc, "type", path)?;
    let mode = match doc.string(rc, "mode", path)? {
        "managed" => Mode::Managed,
        "data" => Mode::Data,
        other => {
            return Err(doc.err(
                &format!("{path}.mode"),
                format!("must be \"managed\" or \"data\", found {other:?}"),
            ))
        }
    };
    let change = rc
        .get("change")
        .filter(|c| c.is_object())
        .ok_or_else(|| doc.err(path, "missing \"change\" object"))?;
    let action = action_of(doc, change, &format!("{path}.change"))?;
    let mut out = ResourceChange::new(address, type_name, action);
    out.mode = mode;
    if let Some(name) = rc.get("name").and_then(Value::as_str) {
        out.name = name.to_string();
    }
    out.index = rc.get("index").cloned().filter(|v| !v.is_null());
    out.module_address = rc
        .get("module_address")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(p) = rc.get("provider_name").and_then(Value::as_str) {
        out.provider_name = p.to_string();
    }
    if let Some(d) = rc.get("deposed").and_then(Value::as_str) {
        out.address = format!("{address} (deposed {d})");
    }
    let config_addr = match &out.module_address {
        Some(m) => format!("{}.{type_name}.{}", strip_instance_keys(m), out.name),
        None => format!("{type_name}.{}", out.name),
    };
    out.provider_config_key = keys.get(&config_addr).cloned();
    let field = |k: &str| change.get(k).cloned().unwrap_or(Value::Null);
    out.before = field("before");
    out.after = field("after");
    out.after_unknown = field("after_unknown");
    Ok(out)
}
